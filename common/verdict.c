#include <config.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "settings.h"
#include "tlsa.h"
#include "verdict.h"
#include "when.h"

#define NAME_SANS_SHOWN 4

void verdict_init(struct verdict *v)
{
	memset(v, 0, sizeof(*v));
}

static bool state_is_worse(enum plugin_state a, enum plugin_state b)
{
	return a != b && state_worse(a, b) == a;
}

/* The slot a newcomer may take when the verdict is full: the least severe
 * finding, the latest added among equals so that earlier facts survive. */
static size_t mildest_index(const struct verdict *v)
{
	size_t mildest = 0;

	for (size_t i = 1; i < v->count; i++) {
		if (!state_is_worse(v->items[i].state, v->items[mildest].state))
			mildest = i;
	}
	return mildest;
}

static void add_finding(struct verdict *v, const char *rule, enum plugin_state state, bool note,
                        const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void add_finding(struct verdict *v, const char *rule, enum plugin_state state, bool note,
                        const char *fmt, va_list ap)
{
	struct finding *slot;

	if (v->count < VERDICT_MAX_FINDINGS) {
		slot = &v->items[v->count++];
	} else {
		slot = &v->items[mildest_index(v)];
		if (!state_is_worse(state, slot->state))
			return;
	}
	slot->state = state;
	slot->rule = rule;
	slot->note = note;
	vsnprintf(slot->text, sizeof(slot->text), fmt, ap);
}

void verdict_add(struct verdict *v, const char *rule, enum plugin_state state, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_finding(v, rule, state, false, fmt, ap);
	va_end(ap);
}

void verdict_note(struct verdict *v, const char *rule, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_finding(v, rule, STATE_OK, true, fmt, ap);
	va_end(ap);
}

enum plugin_state verdict_worst(const struct verdict *v)
{
	enum plugin_state worst = STATE_OK;

	for (size_t i = 0; i < v->count; i++)
		worst = state_worse(worst, v->items[i].state);
	return worst;
}

/* Moves items[from] to items[to] (to <= from), shifting the ones between up. */
static void move_back(struct verdict *v, size_t from, size_t to)
{
	struct finding moving = v->items[from];

	memmove(&v->items[to + 1], &v->items[to], (from - to) * sizeof(v->items[0]));
	v->items[to] = moving;
}

/* After the worst: problems before OK facts, problems shortest first, OK facts
 * as added (they compare equal, and the insertion sort is stable). */
static bool goes_before(const struct finding *a, const struct finding *b)
{
	if (a->state == STATE_OK || b->state == STATE_OK)
		return a->state != STATE_OK && b->state == STATE_OK;
	return strlen(a->text) < strlen(b->text);
}

void verdict_sort(struct verdict *v)
{
	enum plugin_state worst = verdict_worst(v);
	size_t i, j;

	for (i = 0; i < v->count && v->items[i].state != worst; i++)
		;
	if (i == v->count)
		return;
	move_back(v, i, 0);
	for (i = 2; i < v->count; i++) {
		for (j = i; j > 1 && goes_before(&v->items[i], &v->items[j - 1]); j--)
			;
		if (j != i)
			move_back(v, i, j);
	}
}

/* The ids, each named once here and used by its rule and its table row. */
static const char rule_probe[] = "probe";
static const char rule_expiry[] = "expiry";
static const char rule_name[] = "name";
static const char rule_trust[] = "trust";
static const char rule_ocsp[] = "ocsp";
static const char rule_crypto[] = "crypto";
static const char rule_time_format[] = "time-format";
static const char rule_handshake[] = "handshake";
static const char rule_client_cert[] = "client-cert";
static const char rule_key_proof[] = "key-proof";
static const char rule_client_expiry[] = "client-expiry";
static const char rule_client_usage[] = "client-usage";
static const char rule_client_key[] = "client-key";
static const char rule_service[] = "service";
static const char rule_cert_file[] = "cert-file";
static const char rule_pin[] = "pin";
static const char rule_anchor[] = "anchor";
static const char rule_chain[] = "chain";
static const char rule_tls_version[] = "tls-version";
static const char rule_alpn[] = "alpn";

static bool has_chain(const struct facts *facts)
{
	return facts->chain != NULL && facts->chain->count > 0;
}

/* After a failed probe the probe rule says what went wrong; what else the
 * handshake left behind is not judged on top of it. */
static bool probe_failed(const struct facts *facts)
{
	return facts->probe_failure != NULL && facts->probe_failure->kind != FAULT_NONE;
}

/* A failure that kept a fact from being gathered: CRITICAL, or TIMEOUT_STATE
 * for FAULT_TIMEOUT, or UNKNOWN for FAULT_USAGE/FAULT_INTERNAL (our side, not
 * the server's). The text is the fault's. */
static void add_fault(struct verdict *v, const char *rule, const struct fault *f,
                      enum plugin_state timeout_state)
{
	enum plugin_state state = STATE_CRITICAL;

	if (f == NULL || f->kind == FAULT_NONE)
		return;
	if (f->kind == FAULT_TIMEOUT)
		state = timeout_state;
	else if (f->kind == FAULT_USAGE || f->kind == FAULT_INTERNAL)
		state = STATE_UNKNOWN;
	verdict_add(v, rule, state, "%s", f->text);
}

/* Refused over ALPN: the alpn rule's, which names what was offered. */
static bool alpn_refused(const struct facts *facts)
{
	return probe_failed(facts) && facts->probe_failure->kind == FAULT_ALPN;
}

static void judge_probe(struct verdict *v, const struct facts *facts)
{
	if (!alpn_refused(facts))
		add_fault(v, rule_probe, facts->probe_failure, facts->judge->timeout_state);
}

static void describe_element(const struct cert_info *c, char *out, size_t size)
{
	const char *kind = "certificate";

	if (c->role == CERT_INTERMEDIATE)
		kind = "intermediate";
	else if (c->role == CERT_ROOT)
		kind = "root";
	snprintf(out, size, "%s '%s'", kind, c->label);
}

/* A threshold in seconds for C (0, which never fires, for a zero threshold). */
static double threshold_for(const struct threshold_time *t, const struct cert_info *c)
{
	return threshold_seconds(t, c->not_before, c->not_after);
}

/* Adds a finding about WHO when C is outside its validity or within a
 * threshold. Returns whether it did. */
static bool judge_dates(struct verdict *v, const char *rule, const char *who,
                        const struct cert_info *c, const struct facts *facts)
{
	char date[32], span[32];
	double left = difftime(c->not_after, facts->judge->now);
	enum plugin_state state;

	if (facts->judge->now < c->not_before) {
		when_format(c->not_before, date, sizeof(date));
		when_format_duration(difftime(c->not_before, facts->judge->now), span,
		                     sizeof(span));
		verdict_add(v, rule, STATE_CRITICAL, "%s is not valid before %s (in %s)", who, date,
		            span);
		return true;
	}
	when_format(c->not_after, date, sizeof(date));
	if (left <= 0.0) {
		when_format_duration(-left, span, sizeof(span));
		verdict_add(v, rule, STATE_CRITICAL, "%s expired %s ago (%s)", who, span, date);
		return true;
	}
	if (left < threshold_for(&facts->judge->critical, c))
		state = STATE_CRITICAL;
	else if (left < threshold_for(&facts->judge->warning, c))
		state = STATE_WARNING;
	else
		return false;
	when_format_duration(left, span, sizeof(span));
	verdict_add(v, rule, state, "%s expires in %s (%s)", who, span, date);
	return true;
}

static bool judge_element(struct verdict *v, const char *rule, const struct cert_info *c,
                          const struct facts *facts)
{
	char who[CERT_LABEL_SIZE + 32];

	describe_element(c, who, sizeof(who));
	return judge_dates(v, rule, who, c, facts);
}

static void add_expiry_fact(struct verdict *v, const struct cert_info *c, time_t now)
{
	char who[CERT_LABEL_SIZE + 32], date[32], span[32];

	describe_element(c, who, sizeof(who));
	when_format(c->not_after, date, sizeof(date));
	when_format_duration(difftime(c->not_after, now), span, sizeof(span));
	verdict_add(v, rule_expiry, STATE_OK, "%s expires in %s (%s)", who, span, date);
}

/* The element that expires first, for perfdata, JSON and --output=days. */
static void summarise_expiry(struct expiry_summary *s, const struct facts *facts, size_t earliest)
{
	const struct cert_info *first = &facts->chain->items[earliest];

	s->valid = true;
	s->index = earliest;
	s->seconds_left = difftime(first->not_after, facts->judge->now);
	s->warning_seconds = threshold_for(&facts->judge->warning, first);
	s->critical_seconds = threshold_for(&facts->judge->critical, first);
}

/* Every element in trouble gets its own finding (% thresholds against its own
 * lifetime); when none is, one OK finding names the element that expires first. */
static void judge_expiry(struct verdict *v, const struct facts *facts)
{
	bool any_problem = false;
	size_t earliest;

	memset(&v->expiry, 0, sizeof(v->expiry));
	if (!has_chain(facts))
		return;
	for (size_t i = 0; i < facts->chain->count; i++) {
		if (judge_element(v, rule_expiry, &facts->chain->items[i], facts))
			any_problem = true;
	}
	earliest = cert_chain_earliest_expiry(facts->chain);
	if (!any_problem)
		add_expiry_fact(v, &facts->chain->items[earliest], facts->judge->now);
	summarise_expiry(&v->expiry, facts, earliest);
}

/* " (SANs: a, b, c, d, ...)", or nothing when the certificate names no SAN. */
static void format_sans(const struct cert_info *c, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	if (c->san_count == 0)
		return;
	for (size_t i = 0; i < c->san_count && used < size; i++) {
		const char *sep = i == 0 ? " (SANs: " : ", ";

		if (i == NAME_SANS_SHOWN) {
			used += snprintf(out + used, size - used, ", ...");
			break;
		}
		used += snprintf(out + used, size - used, "%s%s", sep, c->sans[i]);
	}
	if (used < size)
		snprintf(out + used, size - used, ")");
}

/* The message names the name as the operator gave it (U-labels kept); the
 * match is on its ASCII form. */
static void judge_name(struct verdict *v, const struct facts *facts)
{
	const struct cert_info *leaf;
	char sans[VERDICT_TEXT_SIZE];

	if (facts->name_ascii == NULL || probe_failed(facts))
		return;
	if (!has_chain(facts)) {
		verdict_add(v, rule_name, STATE_CRITICAL, "no certificate to match '%s'",
		            facts->name_display);
		return;
	}
	leaf = &facts->chain->items[0];
	if (cert_matches_name(leaf, facts->name_ascii)) {
		v->name_matches = VERDICT_YES;
		return;
	}
	v->name_matches = VERDICT_NO;
	format_sans(leaf, sans, sizeof(sans));
	if (tlsa_vouches(facts)) {
		verdict_note(v, rule_name,
		             "certificate '%s' does not match '%s'%s: trust from DANE", leaf->label,
		             facts->name_display, sans);
		return;
	}
	verdict_add(v, rule_name, STATE_CRITICAL, "certificate '%s' does not match '%s'%s",
	            leaf->label, facts->name_display, sans);
}

/* An issuer the system store does not know is most often a company's own CA:
 * that reads differently from a chain broken on a store the operator chose. */
static const char *internal_ca_hint(const struct trust_result *t)
{
	if (!t->system_store)
		return "";
	if (strncmp(t->reason, "issuer ", 7) != 0 && strncmp(t->reason, "self-signed ", 12) != 0)
		return "";
	return " (an internal CA? name its file with -C)";
}

static void judge_trust(struct verdict *v, const struct facts *facts)
{
	const struct trust_result *t = facts->trust;

	if (facts->trust_failure != NULL) {
		add_fault(v, rule_trust, facts->trust_failure, facts->judge->timeout_state);
		return;
	}
	if (t == NULL)
		return;
	v->trusted = t->trusted ? VERDICT_YES : VERDICT_NO;
	if (!t->trusted && tlsa_vouches(facts))
		verdict_note(v, rule_trust, "chain not trusted by %s%s%s: trust from DANE",
		             t->store, t->reason[0] ? ": " : "", t->reason);
	else if (t->trusted)
		verdict_add(v, rule_trust, STATE_OK, "chain trusted by %s", t->store);
	else if (t->reason[0] != '\0')
		verdict_add(v, rule_trust, STATE_CRITICAL, "chain not trusted by %s: %s%s",
		            t->store, t->reason, internal_ca_hint(t));
	else
		verdict_add(v, rule_trust, STATE_CRITICAL, "chain not trusted by %s", t->store);
}

/* A staple that is not about the leaf, not from its issuer or not an OCSP
 * response at all: clients that check staples (GnuTLS's, Firefox) refuse the
 * connection over it, so it is as bad as no certificate status at all to them. */
static bool judge_ocsp_defect(struct verdict *v, const struct ocsp_staple *s,
                              const struct cert_info *leaf)
{
	switch (s->defect) {
	case OCSP_USABLE:
		return false;
	case OCSP_UNREADABLE:
		verdict_add(v, rule_ocsp, STATE_CRITICAL, "OCSP staple cannot be used: %s",
		            s->problem);
		break;
	case OCSP_OTHER_CERT:
		verdict_add(v, rule_ocsp, STATE_CRITICAL,
		            "OCSP staple is for another certificate, not '%s'", leaf->label);
		break;
	case OCSP_BAD_SIGNATURE:
		verdict_add(v, rule_ocsp, STATE_CRITICAL,
		            "OCSP staple for certificate '%s' does not verify against issuer '%s': "
		            "%s",
		            leaf->label, leaf->issuer_label, s->problem);
		break;
	}
	return true;
}

/* A response past its nextUpdate, or not yet issued, at --at. Without a
 * nextUpdate the responder promises nothing, and only the future is judged. */
static bool judge_ocsp_dates(struct verdict *v, const struct ocsp_staple *s,
                             const struct cert_info *leaf, time_t now)
{
	char this_update[32], next_update[32];

	when_format(s->this_update, this_update, sizeof(this_update));
	if (now < s->this_update) {
		verdict_add(v, rule_ocsp, STATE_WARNING,
		            "OCSP staple for certificate '%s' is dated in the future (this update "
		            "%s)",
		            leaf->label, this_update);
		return true;
	}
	if (s->next_update == (time_t)-1 || now < s->next_update)
		return false;
	when_format(s->next_update, next_update, sizeof(next_update));
	verdict_add(v, rule_ocsp, STATE_WARNING,
	            "OCSP staple for certificate '%s' is stale (next update was due %s, this "
	            "update %s)",
	            leaf->label, next_update, this_update);
	return true;
}

static void judge_ocsp_status(struct verdict *v, const struct ocsp_staple *s,
                              const struct cert_info *leaf, time_t now)
{
	char date[32];
	bool stale;

	if (s->status == OCSP_REVOKED) {
		/* Revocation is final: how old the news is does not matter. */
		when_format(s->revoked_at, date, sizeof(date));
		verdict_add(v, rule_ocsp, STATE_CRITICAL,
		            "OCSP staple says certificate '%s' is revoked (%s%s%s)", leaf->label,
		            date, s->reason ? ", " : "", s->reason ? s->reason : "");
		return;
	}
	if (s->status == OCSP_UNKNOWN)
		verdict_add(v, rule_ocsp, STATE_WARNING,
		            "OCSP staple says certificate '%s' is unknown to its responder",
		            leaf->label);
	stale = judge_ocsp_dates(v, s, leaf, now);
	if (s->status == OCSP_GOOD && !stale)
		verdict_add(v, rule_ocsp, STATE_OK, "OCSP staple good%s",
		            s->signature_checked ? "" : " (issuer unknown, signature not checked)");
}

static int set_ocsp(struct settings_judge *j, const char *text, struct fault *f)
{
	static const struct {
		const char *name;
		enum ocsp_mode mode;
	} modes[] = {{"check", OCSP_MODE_CHECK},
	             {"require", OCSP_MODE_REQUIRE},
	             {"ignore", OCSP_MODE_IGNORE}};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(text, modes[i].name) == 0) {
			j->ocsp = modes[i].mode;
			return 0;
		}
	}
	fault_set(f, FAULT_USAGE, "invalid --ocsp '%s' (ignore, check or require)", text);
	return -1;
}

static void judge_ocsp(struct verdict *v, const struct facts *facts)
{
	const struct ocsp_staple *s = facts->ocsp;

	if (!has_chain(facts) || probe_failed(facts))
		return;
	add_fault(v, rule_ocsp, facts->ocsp_failure, facts->judge->timeout_state);
	if (s == NULL)
		return;
	if (!s->present) {
		if (facts->judge->ocsp == OCSP_MODE_REQUIRE)
			verdict_add(v, rule_ocsp, STATE_CRITICAL,
			            "server staples no OCSP response");
		return;
	}
	if (!judge_ocsp_defect(v, s, &facts->chain->items[0]))
		judge_ocsp_status(v, s, &facts->chain->items[0], facts->judge->now);
}

/* RSA keys shorter than this are within reach of factoring (NIST SP 800-131A
 * disallowed them in 2013). */
#define RSA_MIN_BITS 2048

/* The hash of a signature anyone can forge a collision of: MD5 and MD2 broken
 * outright (CRITICAL), SHA-1 on its way (WARNING). NULL for a sound one. */
static const char *weak_hash(gnutls_digest_algorithm_t hash, enum plugin_state *state)
{
	*state = STATE_CRITICAL;
	switch (hash) {
	case GNUTLS_DIG_MD5:
		return "MD5";
	case GNUTLS_DIG_MD2:
		return "MD2";
	case GNUTLS_DIG_SHA1:
		*state = STATE_WARNING;
		return "SHA-1";
	default:
		return NULL;
	}
}

static bool is_rsa(gnutls_pk_algorithm_t algorithm)
{
	return algorithm == GNUTLS_PK_RSA || algorithm == GNUTLS_PK_RSA_PSS;
}

static void judge_element_crypto(struct verdict *v, const struct cert_info *c,
                                 const struct facts *facts)
{
	char who[CERT_LABEL_SIZE + 32];
	enum plugin_state state;
	const char *hash = weak_hash(c->signature_hash, &state);

	describe_element(c, who, sizeof(who));
	/* A self-signed certificate vouches for itself: its signature proves nothing. */
	if (hash != NULL && !c->self_signed &&
	    !(state == STATE_WARNING && facts->judge->allow_sha1))
		verdict_add(v, rule_crypto, state, "%s is signed with %s", who, hash);
	if (is_rsa(c->key_algorithm) && c->key_bits < RSA_MIN_BITS && !facts->judge->allow_weak_rsa)
		verdict_add(v, rule_crypto, STATE_WARNING, "%s has a %u-bit RSA key", who,
		            c->key_bits);
}

static int allow_sha1(struct settings_judge *j, const char *value, struct fault *f)
{
	(void)value, (void)f;
	j->allow_sha1 = true;
	return 0;
}

static int allow_weak_rsa(struct settings_judge *j, const char *value, struct fault *f)
{
	(void)value, (void)f;
	j->allow_weak_rsa = true;
	return 0;
}

static void judge_crypto(struct verdict *v, const struct facts *facts)
{
	if (!has_chain(facts))
		return;
	for (size_t i = 0; i < facts->chain->count; i++)
		judge_element_crypto(v, &facts->chain->items[i], facts);
}

/* The chain verified against an anchor that the server does not send. */
static bool anchor_not_served(const struct facts *facts)
{
	const struct trust_result *t = facts->trust;

	return t != NULL && t->trusted && t->anchor_known && !t->anchor_served &&
	       !probe_failed(facts);
}

/* The anchor in use, as the rules judge a chain element. */
static void anchor_as_element(const struct trust_result *t, struct cert_info *anchor)
{
	memset(anchor, 0, sizeof(*anchor));
	anchor->role = t->anchor_self_signed ? CERT_ROOT : CERT_INTERMEDIATE;
	snprintf(anchor->label, sizeof(anchor->label), "%s", t->anchor_label);
	anchor->not_before = t->anchor_not_before;
	anchor->not_after = t->anchor_not_after;
	anchor->raw_times = t->anchor_raw_times;
	anchor->not_before_raw = t->anchor_not_before_raw;
	anchor->not_after_raw = t->anchor_not_after_raw;
}

/* GnuTLS reads a time that RFC 5280 does not allow (30 February, a second 60,
 * no seconds), and so does the expiry rule; OpenSSL refuses the certificate
 * ("format error in certificate's notAfter field"), and with it libpq and most
 * Kafka and Redis clients. */
static void judge_time(struct verdict *v, const struct cert_info *c, const char *field,
                       const struct validity_time *t)
{
	char who[CERT_LABEL_SIZE + 32], why[VALIDITY_WHY_SIZE];
	time_t ignored;

	if (validity_parse(t, &ignored, why, sizeof(why)))
		return;
	describe_element(c, who, sizeof(who));
	verdict_add(v, rule_time_format, STATE_CRITICAL,
	            "%s %s '%s' is not a valid time (%s): OpenSSL-based clients refuse it", who,
	            field, t->text, why);
}

static void judge_times(struct verdict *v, const struct cert_info *c)
{
	if (!c->raw_times)
		return;
	judge_time(v, c, "notBefore", &c->not_before_raw);
	judge_time(v, c, "notAfter", &c->not_after_raw);
}

/* Every served element, and the anchor in use when not served: OpenSSL judges
 * the anchor's times too. */
static void judge_time_format(struct verdict *v, const struct facts *facts)
{
	struct cert_info anchor;

	if (!has_chain(facts))
		return;
	for (size_t i = 0; i < facts->chain->count; i++)
		judge_times(v, &facts->chain->items[i]);
	if (anchor_not_served(facts)) {
		anchor_as_element(facts->trust, &anchor);
		judge_times(v, &anchor);
	}
}

static void judge_handshake(struct verdict *v, const struct facts *facts)
{
	if (facts->handshake_error != NULL && !probe_failed(facts))
		verdict_add(v, rule_handshake, STATE_CRITICAL, "%s", facts->handshake_error);
}

/* The server's verdict on the certificate we sent. In TLS 1.3 the server judges
 * it after the handshake and says nothing when it accepts: silence within the
 * grace is all there is to report, unless the service answered over TLS. */
static void judge_sent_client_cert(struct verdict *v, const struct facts_client *client)
{
	const char *label = client->cert->label;

	switch (client->verdict) {
	case FACTS_CLIENT_REJECTED:
		if (client->alert != NULL)
			verdict_add(v, rule_client_cert, STATE_CRITICAL,
			            "server rejected our client certificate '%s': alert '%s'",
			            label, client->alert);
		else
			verdict_add(v, rule_client_cert, STATE_CRITICAL,
			            "server rejected our client certificate '%s': it closed the "
			            "connection",
			            label);
		break;
	case FACTS_CLIENT_ACCEPTED:
		verdict_add(v, rule_client_cert, STATE_OK,
		            "server accepted our client certificate '%s'", label);
		break;
	case FACTS_CLIENT_NOT_REJECTED:
		verdict_add(v, rule_client_cert, STATE_OK,
		            "server did not reject our client certificate within %.1fs",
		            client->grace);
		break;
	case FACTS_CLIENT_HUNG_UP:
		/* No alert to tell a refusal of ours from a service that is gone
		 * behind TLS (a proxy's backend down): either way closed to us. The
		 * service rule says so when its step met the hang-up. */
		if (client->hang_up_in_service)
			break;
		verdict_add(
		        v, rule_client_cert, STATE_CRITICAL,
		        "server closed the connection right after the handshake, saying nothing: "
		        "our client certificate '%s' refused, or no service behind TLS",
		        label);
		break;
	case FACTS_CLIENT_NOT_SENT:
		break;
	}
}

/* Without ours, not a problem of the served chain, which the other rules judge:
 * a note, so that the operator knows the server wanted more than it got. */
static void judge_client_cert(struct verdict *v, const struct facts *facts)
{
	/* A hang-up after a handshake without ALPN is the alpn rule's, which
	 * names ours too when it was sent: the hang-up may be its refusal. */
	if (probe_failed(facts) || facts->closed_without_alpn)
		return;
	if (facts->client.cert != NULL && facts->client.verdict != FACTS_CLIENT_NOT_SENT)
		judge_sent_client_cert(v, &facts->client);
	else if (facts->client_cert_note != NULL)
		verdict_note(v, rule_client_cert, "%s", facts->client_cert_note);
}

/* A chain anyone can copy from the real server: an impostor that asks for a
 * client certificate and hangs up reads the same as a real server with static
 * RSA key exchange that requires one. Neither is proven, so neither is OK nor
 * CRITICAL; what the chain holds is judged all the same. */
static void judge_key_proof(struct verdict *v, const struct facts *facts)
{
	if (!facts->chain_unproven || !has_chain(facts) || probe_failed(facts))
		return;
	verdict_add(v, rule_key_proof, STATE_WARNING,
	            "server asked for a client certificate before proving it holds the key "
	            "(static RSA key exchange): its chain is reported but not proven to be the "
	            "server's%s",
	            facts->client.cert == NULL ? " (give --client-cert to complete the handshake)"
	                                       : "");
}

/* Our own certificate expires too, and no server-side check sees it coming: the
 * day it does, every broker refuses the monitor. */
static void judge_client_expiry(struct verdict *v, const struct facts *facts)
{
	const struct cert_info *c = facts->client.cert;
	struct expiry_summary *s = &v->client_expiry;
	char who[CERT_LABEL_SIZE + 32];

	memset(s, 0, sizeof(*s));
	if (c == NULL)
		return;
	snprintf(who, sizeof(who), "client certificate '%s'", c->label);
	judge_dates(v, rule_client_expiry, who, c, facts);
	s->valid = true;
	s->seconds_left = difftime(c->not_after, facts->judge->now);
	s->warning_seconds = threshold_for(&facts->judge->warning, c);
	s->critical_seconds = threshold_for(&facts->judge->critical, c);
}

static void judge_client_usage(struct verdict *v, const struct facts *facts)
{
	if (facts->client.cert != NULL && facts->client.lacks_client_auth)
		verdict_add(v, rule_client_usage, STATE_WARNING,
		            "client certificate '%s' lacks the clientAuth extended key usage: "
		            "servers will refuse it",
		            facts->client.cert->label);
}

static void judge_client_key(struct verdict *v, const struct facts *facts)
{
	if (facts->client.cert != NULL && facts->client.exposed_key_file != NULL)
		verdict_add(v, rule_client_key, STATE_WARNING,
		            "client key file '%s' is readable by every user (chmod o-r)",
		            facts->client.exposed_key_file);
}

/* The chain was served, so the certificate verdict stands; but the service behind
 * TLS did not answer like itself, which the operator must hear of without a
 * page that claims the certificate is the problem. */
static void judge_service(struct verdict *v, const struct facts *facts)
{
	const struct fault *f = facts->after_failure;
	enum plugin_state state = STATE_WARNING;

	if (probe_failed(facts))
		return;
	if (f == NULL) {
		if (facts->service_confirmed != NULL)
			verdict_add(v, rule_service, STATE_OK, "%s", facts->service_confirmed);
		return;
	}
	if (f->kind == FAULT_INTERNAL)
		state = STATE_UNKNOWN;
	else if (f->kind == FAULT_TIMEOUT && facts->after_hit_run_deadline)
		state = facts->judge->timeout_state; /* the run's deadline, not the step's */
	verdict_add(v, rule_service, state, "%s", f->text);
}

/* The chain as served is judged, so the leaf it holds is the live one. */
static const struct cert_info *served_leaf(const struct facts *facts)
{
	return has_chain(facts) && !probe_failed(facts) ? &facts->chain->items[0] : NULL;
}

/* The file is read before any connection (check.c): only its name is kept. */
static int set_cert_file(struct settings_judge *j, const char *path, struct fault *f)
{
	(void)f;
	j->cert_file = path;
	return 0;
}

/* The renewed file on disk against what the socket serves: the certificate that
 * takes a service down is the one renewed but never reloaded. */
static void judge_cert_file(struct verdict *v, const struct facts *facts)
{
	const struct cert_info *want = facts->expected_leaf;
	const struct cert_info *got = served_leaf(facts);
	char served[32], held[32];

	if (want == NULL || got == NULL || strcmp(got->sha256, want->sha256) == 0)
		return;
	when_format(got->not_after, served, sizeof(served));
	when_format(want->not_after, held, sizeof(held));
	if (want->not_after > got->not_after)
		verdict_add(
		        v, rule_cert_file, STATE_CRITICAL,
		        "serving the certificate that expires %s, %s holds one that expires %s: "
		        "reload the service",
		        served, facts->judge->cert_file, held);
	else if (want->not_after < got->not_after)
		verdict_add(v, rule_cert_file, STATE_WARNING,
		            "%s holds an older certificate (expires %s) than the one served "
		            "(expires %s): rolled back, or the wrong file",
		            facts->judge->cert_file, held, served);
	else
		verdict_add(v, rule_cert_file, STATE_CRITICAL,
		            "serving a certificate other than the one in %s (both expire %s)",
		            facts->judge->cert_file, served);
}

/* A SHA-256 fingerprint as sha256sum, openssl or a browser print it: 64 hex
 * digits, colons between the bytes allowed, any case; kept lowercase, bare. */
static int add_pin(struct settings_judge *j, const char *text, struct fault *f)
{
	char pin[SETTINGS_PIN_SIZE];
	size_t n = 0;

	if (j->pin_count == SETTINGS_MAX_PINS) {
		fault_set(f, FAULT_USAGE, "at most %d --fingerprint options", SETTINGS_MAX_PINS);
		return -1;
	}
	for (const char *p = text; *p; p++) {
		if (*p == ':')
			continue;
		if (!isxdigit((unsigned char)*p) || n == SETTINGS_PIN_SIZE - 1) {
			n = 0;
			break;
		}
		pin[n++] = (char)tolower((unsigned char)*p);
	}
	if (n != SETTINGS_PIN_SIZE - 1) {
		fault_set(f, FAULT_USAGE,
		          "--fingerprint takes a SHA-256 fingerprint (64 hex digits), not '%.100s'",
		          text);
		return -1;
	}
	pin[n] = '\0';
	memcpy(j->pins[j->pin_count++], pin, sizeof(pin));
	return 0;
}

static void judge_pin(struct verdict *v, const struct facts *facts)
{
	const struct cert_info *leaf = served_leaf(facts);

	if (facts->judge->pin_count == 0 || leaf == NULL)
		return;
	for (size_t i = 0; i < facts->judge->pin_count; i++) {
		if (strcmp(facts->judge->pins[i], leaf->sha256) == 0)
			return;
	}
	verdict_add(v, rule_pin, STATE_CRITICAL,
	            "certificate '%s' matches no --fingerprint pin (its SHA-256 is %s)",
	            leaf->label, leaf->sha256);
}

/* The anchor the chain verified against, when the server does not send it: an
 * expired internal root takes every service down at once, and no served
 * element shows it. Its days count in days_left when they are the fewest. */
static void judge_anchor(struct verdict *v, const struct facts *facts)
{
	struct cert_info anchor;
	double left;

	if (!anchor_not_served(facts))
		return;
	anchor_as_element(facts->trust, &anchor);
	judge_element(v, rule_anchor, &anchor, facts);
	left = difftime(anchor.not_after, facts->judge->now);
	if (v->expiry.valid && left < v->expiry.seconds_left) {
		v->expiry.index = facts->chain->count; /* past the served chain: the anchor */
		v->expiry.seconds_left = left;
		v->expiry.warning_seconds = threshold_for(&facts->judge->warning, &anchor);
		v->expiry.critical_seconds = threshold_for(&facts->judge->critical, &anchor);
	}
}

/* The same certificate: the same DER, by its fingerprint (one not known proves
 * nothing). */
static bool same_cert(const struct cert_info *a, const struct cert_info *b)
{
	return a->sha256[0] != '\0' && strcmp(a->sha256, b->sha256) == 0;
}

/* The index of the first copy of element I of CHAIN (I itself when it is the
 * first). */
static size_t first_copy(const struct cert_chain *chain, size_t i)
{
	size_t j = 0;

	while (j < i && !same_cert(&chain->items[j], &chain->items[i]))
		j++;
	return j;
}

/* The served elements, a certificate sent more than once kept once, in the
 * order served: indices into CHAIN in DISTINCT. Returns how many. */
static size_t distinct_elements(const struct cert_chain *chain, size_t *distinct)
{
	size_t n = 0;

	for (size_t i = 0; i < chain->count; i++) {
		if (first_copy(chain, i) == i)
			distinct[n++] = i;
	}
	return n;
}

/* Served elements after the leaf should each be the issuer of the one before:
 * some clients build no other path. A copy of a certificate sent before is not
 * a break of the order (it is a finding of its own). Returns the index of the
 * first element that breaks the order and sets *BEFORE to the one it follows,
 * or returns 0 when none does (or when the issuer is not served at all:
 * nothing to reorder). */
static size_t out_of_order(const struct cert_chain *chain, size_t *before)
{
	size_t order[CERT_MAX_CHAIN];
	size_t n = distinct_elements(chain, order);

	for (size_t k = 0; k + 1 < n; k++) {
		const struct cert_info *c = &chain->items[order[k]];

		if (cert_issued_by(c, c) || cert_issued_by(c, &chain->items[order[k + 1]]))
			continue;
		for (size_t j = 0; j < chain->count; j++) {
			if (j != order[k] && cert_issued_by(c, &chain->items[j])) {
				*before = order[k];
				return order[k + 1];
			}
		}
	}
	return 0;
}

/* "'CN=Example CA' twice, 'CN=Example Root' 3 times" into TEXT: each
 * certificate the server sends more than once. Returns how many such. */
static size_t describe_duplicates(const struct cert_chain *chain, char *text, size_t size)
{
	size_t used = 0, found = 0;

	text[0] = '\0';
	for (size_t i = 0; i < chain->count; i++) {
		size_t copies = 0;

		if (first_copy(chain, i) != i)
			continue;
		for (size_t j = i; j < chain->count; j++)
			copies += same_cert(&chain->items[i], &chain->items[j]);
		if (copies < 2)
			continue;
		found++;
		if (used >= size)
			continue;
		if (copies == 2)
			used += (size_t)snprintf(text + used, size - used, "%s'%s' twice",
			                         used > 0 ? ", " : "", chain->items[i].label);
		else
			used += (size_t)snprintf(text + used, size - used, "%s'%s' %zu times",
			                         used > 0 ? ", " : "", chain->items[i].label,
			                         copies);
	}
	return found;
}

/* What the server sends, beside whether it can be trusted: an intermediate it
 * leaves out (trusted here only because the store holds it: clients with
 * another store fail), a certificate sent more than once, or the chain in the
 * wrong order. */
static void judge_chain(struct verdict *v, const struct facts *facts)
{
	const struct trust_result *t = facts->trust;
	char copies[VERDICT_TEXT_SIZE];
	size_t misplaced, before = 0;

	if (!has_chain(facts) || probe_failed(facts))
		return;
	/* What was cut was not judged: its dates, its signatures, its keys. */
	if (facts->chain->cut)
		verdict_add(v, rule_chain, STATE_WARNING,
		            "served chain longer than %d certificates, the rest not judged",
		            CERT_MAX_CHAIN);
	if (t != NULL && t->trusted && t->anchor_known && !t->anchor_served &&
	    !t->anchor_self_signed)
		verdict_add(v, rule_chain, STATE_WARNING, "server does not send intermediate '%s'",
		            t->anchor_label);
	if (describe_duplicates(facts->chain, copies, sizeof(copies)) > 0)
		verdict_add(v, rule_chain, STATE_WARNING, "server sends %s in its chain", copies);
	misplaced = out_of_order(facts->chain, &before);
	if (misplaced > 0)
		verdict_add(v, rule_chain, STATE_WARNING,
		            "server sends its chain out of order ('%s' is followed by '%s', not by "
		            "its issuer)",
		            facts->chain->items[before].label,
		            facts->chain->items[misplaced].label);
}

/* "TLSv1.2" as 12; 0 when not a TLS version (SSLv3, unknown). */
static int tls_version_number(const char *name)
{
	if (name == NULL || strncmp(name, "TLSv1.", 6) != 0 || name[6] < '0' || name[6] > '9' ||
	    name[7] != '\0')
		return 0;
	return 10 + (name[6] - '0');
}

static int set_min_tls(struct settings_judge *j, const char *text, struct fault *f)
{
	static const char *const versions[] = {"1.0", "1.1", "1.2", "1.3"};

	for (int i = 0; i < 4; i++) {
		if (strcmp(text, versions[i]) == 0) {
			j->min_tls = 10 + i;
			return 0;
		}
	}
	fault_set(f, FAULT_USAGE, "invalid --min-tls '%.100s' (1.0, 1.1, 1.2 or 1.3)", text);
	return -1;
}

static void judge_tls_version(struct verdict *v, const struct facts *facts)
{
	int negotiated = tls_version_number(facts->tls.version);

	if (facts->judge->min_tls == 0 || facts->tls.version == NULL || probe_failed(facts))
		return;
	if (negotiated >= facts->judge->min_tls)
		return;
	verdict_add(v, rule_tls_version, STATE_CRITICAL, "%s negotiated, below --min-tls 1.%d",
	            facts->tls.version, facts->judge->min_tls - 10);
}

/* ALPN is what the service behind TLS is chosen by. A server that accepts
 * none of the protocols offered refuses before it shows its chain: CRITICAL,
 * like any probe that ends there. One that completes the handshake without
 * any and then hangs up has shown its chain, which is judged as usual, but
 * will serve nothing to this client: WARNING, as when a service does not
 * answer like itself (the service rule), also when it may have been refusing
 * our client certificate (judge_closed_after_ours()). */
/* "h2, http/1.1" into TEXT: the protocols FACTS says were offered. */
static void describe_alpn_offered(const struct facts *facts, char *text, size_t size)
{
	size_t used = 0;

	text[0] = '\0';
	for (size_t i = 0; i < facts->alpn_offered_count && used < size; i++)
		used += (size_t)snprintf(text + used, size - used, "%s%s", i > 0 ? ", " : "",
		                         facts->alpn_offered[i]);
}

/* The hang-up after a handshake without ALPN, when the server asked for a
 * client certificate and got ours. In TLS 1.3 it judges ours after the
 * handshake, and a server may refuse a certificate by just hanging up (gRPC's
 * C core does so for a missing one): the same silence as a service that
 * wants ALPN. Which of the two it was cannot be told: the ALPN's WARNING, as
 * without ours (never a verdict on our certificate), naming ours too. */
static void judge_closed_after_ours(struct verdict *v, const struct facts *facts,
                                    const char *offered)
{
	if (offered[0] == '\0')
		verdict_add(v, rule_alpn, STATE_WARNING,
		            "server closed the connection right after the handshake, no ALPN "
		            "negotiated: try --alpn=h2 (or it refused our client certificate '%s')",
		            facts->client.cert->label);
	else
		verdict_add(v, rule_alpn, STATE_WARNING,
		            "server closed the connection right after the handshake, no ALPN "
		            "negotiated (offered: %s) (or it refused our client certificate '%s')",
		            offered, facts->client.cert->label);
}

static bool sent_client_cert(const struct facts *facts)
{
	return facts->client.cert != NULL && facts->client.verdict != FACTS_CLIENT_NOT_SENT;
}

static void judge_alpn(struct verdict *v, const struct facts *facts)
{
	char offered[VERDICT_TEXT_SIZE];

	describe_alpn_offered(facts, offered, sizeof(offered));
	if (alpn_refused(facts))
		verdict_add(v, rule_alpn, STATE_CRITICAL,
		            "the server accepts none of the ALPN protocols offered: %s",
		            offered[0] != '\0' ? offered : "(none)");
	else if (!facts->closed_without_alpn || probe_failed(facts))
		return;
	else if (sent_client_cert(facts))
		judge_closed_after_ours(v, facts, offered);
	else if (offered[0] == '\0')
		verdict_add(v, rule_alpn, STATE_WARNING,
		            "server closed the connection right after the handshake, no ALPN "
		            "negotiated: try --alpn=h2");
	else
		verdict_add(v, rule_alpn, STATE_WARNING,
		            "server closed the connection right after the handshake, no ALPN "
		            "negotiated (offered: %s)",
		            offered);
}

/* Run in this order: the OK facts keep it in the status line. */
static const struct verdict_rule {
	const char *id;
	void (*judge)(struct verdict *v, const struct facts *facts);
} rules[] = {
        {rule_probe, judge_probe},
        {rule_expiry, judge_expiry},
        {rule_name, judge_name},
        {rule_trust, judge_trust},
        {rule_ocsp, judge_ocsp},
        {rule_crypto, judge_crypto},
        {rule_time_format, judge_time_format},
        {rule_handshake, judge_handshake},
        {rule_client_cert, judge_client_cert},
        {rule_key_proof, judge_key_proof},
        {rule_client_expiry, judge_client_expiry},
        {rule_client_usage, judge_client_usage},
        {rule_client_key, judge_client_key},
        {rule_service, judge_service},
        {rule_cert_file, judge_cert_file},
        {rule_pin, judge_pin},
        {rule_anchor, judge_anchor},
        {rule_chain, judge_chain},
        {rule_tls_version, judge_tls_version},
        {rule_alpn, judge_alpn},
        {"dane", tlsa_judge},
};

/* The rules' options, in --help order. */
static const struct settings_option options[] = {
        {"cert-file", "FILE",
         "the certificate the service should serve (the renewed\n"
         "file on disk): CRITICAL when the live one differs",
         set_cert_file, false, false},
        {"fingerprint", "SHA256", "pin the leaf's SHA-256 (colons optional); repeatable", add_pin,
         true, false},
        {"min-tls", "VERSION", "CRITICAL below TLS VERSION: 1.0, 1.1, 1.2 or 1.3", set_min_tls,
         false, false},
        {"ocsp", "MODE",
         "the stapled OCSP response: check (default: judged\n"
         "when stapled), require (none is CRITICAL), ignore",
         set_ocsp, false, false},
        {"allow-sha1", NULL, "no WARNING for a SHA-1 signature in the chain", allow_sha1, false,
         false},
        {"allow-weak-rsa", NULL, "no WARNING for an RSA key under 2048 bits", allow_weak_rsa, false,
         false},
        {NULL, NULL, NULL, NULL, false, false},
};

const struct settings_option *verdict_options(void)
{
	return options;
}

void verdict_judge(struct verdict *v, const struct facts *facts)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		rules[i].judge(v, facts);
}
