#include <config.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "when.h"
#include "verdict.h"

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

void verdict_add(struct verdict *v, const char *rule, enum plugin_state state, const char *fmt, ...)
{
	struct finding *slot;
	va_list ap;

	if (v->count < VERDICT_MAX_FINDINGS) {
		slot = &v->items[v->count++];
	} else {
		slot = &v->items[mildest_index(v)];
		if (!state_is_worse(state, slot->state))
			return;
	}
	slot->state = state;
	slot->rule = rule;
	va_start(ap, fmt);
	vsnprintf(slot->text, sizeof(slot->text), fmt, ap);
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
static const char rule_crypto[] = "crypto";
static const char rule_handshake[] = "handshake";
static const char rule_client_cert[] = "client-cert";
static const char rule_service[] = "service";

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

static void judge_probe(struct verdict *v, const struct facts *facts)
{
	add_fault(v, rule_probe, facts->probe_failure, facts->timeout_state);
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

/* A threshold in seconds for C; no threshold (NULL) never fires. */
static double threshold_or_never(const struct threshold_time *t, const struct cert_info *c)
{
	return t == NULL ? 0.0 : threshold_seconds(t, c->not_before, c->not_after);
}

/* Adds a finding when C is outside its validity or within a threshold. Returns
 * whether it did. */
static bool judge_element(struct verdict *v, const struct cert_info *c, const struct facts *facts)
{
	char who[CERT_LABEL_SIZE + 32], date[32], span[32];
	double left = difftime(c->not_after, facts->now);
	enum plugin_state state;

	describe_element(c, who, sizeof(who));
	if (facts->now < c->not_before) {
		when_format(c->not_before, date, sizeof(date));
		when_format_duration(difftime(c->not_before, facts->now), span, sizeof(span));
		verdict_add(v, rule_expiry, STATE_CRITICAL, "%s is not valid before %s (in %s)",
		            who, date, span);
		return true;
	}
	when_format(c->not_after, date, sizeof(date));
	if (left <= 0.0) {
		when_format_duration(-left, span, sizeof(span));
		verdict_add(v, rule_expiry, STATE_CRITICAL, "%s expired %s ago (%s)", who, span,
		            date);
		return true;
	}
	if (left < threshold_or_never(facts->critical, c))
		state = STATE_CRITICAL;
	else if (left < threshold_or_never(facts->warning, c))
		state = STATE_WARNING;
	else
		return false;
	when_format_duration(left, span, sizeof(span));
	verdict_add(v, rule_expiry, state, "%s expires in %s (%s)", who, span, date);
	return true;
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
	s->seconds_left = difftime(first->not_after, facts->now);
	s->warning_seconds = threshold_or_never(facts->warning, first);
	s->critical_seconds = threshold_or_never(facts->critical, first);
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
		if (judge_element(v, &facts->chain->items[i], facts))
			any_problem = true;
	}
	earliest = cert_chain_earliest_expiry(facts->chain);
	if (!any_problem)
		add_expiry_fact(v, &facts->chain->items[earliest], facts->now);
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
	if (cert_matches_name(leaf, facts->name_ascii))
		return;
	format_sans(leaf, sans, sizeof(sans));
	verdict_add(v, rule_name, STATE_CRITICAL, "certificate '%s' does not match '%s'%s",
	            leaf->label, facts->name_display, sans);
}

static void judge_trust(struct verdict *v, const struct facts *facts)
{
	const struct trust_result *t = facts->trust;

	if (facts->trust_failure != NULL)
		add_fault(v, rule_trust, facts->trust_failure, facts->timeout_state);
	else if (t == NULL)
		return;
	else if (t->trusted)
		verdict_add(v, rule_trust, STATE_OK, "chain trusted by %s", t->store);
	else if (t->reason[0] != '\0')
		verdict_add(v, rule_trust, STATE_CRITICAL, "chain not trusted by %s: %s", t->store,
		            t->reason);
	else
		verdict_add(v, rule_trust, STATE_CRITICAL, "chain not trusted by %s", t->store);
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
	if (hash != NULL && !c->self_signed && !(state == STATE_WARNING && facts->allow_sha1))
		verdict_add(v, rule_crypto, state, "%s is signed with %s", who, hash);
	if (is_rsa(c->key_algorithm) && c->key_bits < RSA_MIN_BITS && !facts->allow_weak_rsa)
		verdict_add(v, rule_crypto, STATE_WARNING, "%s has a %u-bit RSA key", who,
		            c->key_bits);
}

static void judge_crypto(struct verdict *v, const struct facts *facts)
{
	if (!has_chain(facts))
		return;
	for (size_t i = 0; i < facts->chain->count; i++)
		judge_element_crypto(v, &facts->chain->items[i], facts);
}

static void judge_handshake(struct verdict *v, const struct facts *facts)
{
	if (facts->handshake_error != NULL && !probe_failed(facts))
		verdict_add(v, rule_handshake, STATE_CRITICAL, "%s", facts->handshake_error);
}

/* Not a problem of the served chain, which the other rules judge: a note, so
 * that the operator knows the server wanted more than it got. */
static void judge_client_cert(struct verdict *v, const struct facts *facts)
{
	if (facts->client_cert_note != NULL && !probe_failed(facts))
		verdict_add(v, rule_client_cert, STATE_OK, "%s", facts->client_cert_note);
}

/* The chain was served, so the certificate verdict stands; but the service behind
 * TLS did not answer like itself, which the operator must hear of without a
 * page that claims the certificate is the problem. */
static void judge_service(struct verdict *v, const struct facts *facts)
{
	const struct fault *f = facts->after_failure;
	enum plugin_state state = STATE_WARNING;

	if (f == NULL || probe_failed(facts))
		return;
	if (f->kind == FAULT_INTERNAL)
		state = STATE_UNKNOWN;
	else if (f->kind == FAULT_TIMEOUT && facts->after_hit_run_deadline)
		state = facts->timeout_state; /* the run's deadline, not the step's */
	verdict_add(v, rule_service, state, "%s", f->text);
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
        {rule_crypto, judge_crypto},
        {rule_handshake, judge_handshake},
        {rule_client_cert, judge_client_cert},
        {rule_service, judge_service},
};

void verdict_judge(struct verdict *v, const struct facts *facts)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		rules[i].judge(v, facts);
}
