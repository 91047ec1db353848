#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "settings.h"
#include "tlsa.h"
#include "verdict.h"

static const char rule_dane[] = "dane";

/* A record's label: "3 1 1 #2 (8a3f5c1d...)". */
#define LABEL_SIZE 48

/* Table order matters: --dane is set before the options that need it. */
static int set_dane(struct settings_judge *j, const char *value, struct fault *f)
{
	if (value == NULL || strcmp(value, "require") == 0)
		j->dane = SETTINGS_DANE_REQUIRE;
	else if (strcmp(value, "if-present") == 0)
		j->dane = SETTINGS_DANE_IF_PRESENT;
	else {
		fault_set(f, FAULT_USAGE, "invalid --dane '%.100s' (require or if-present)", value);
		return -1;
	}
	return 0;
}

static int need_dane(const struct settings_judge *j, const char *option, struct fault *f)
{
	if (j->dane != SETTINGS_DANE_OFF)
		return 0;
	fault_set(f, FAULT_USAGE, "--%s needs --dane", option);
	return -1;
}

static int set_dane_name(struct settings_judge *j, const char *value, struct fault *f)
{
	if (need_dane(j, "dane-name", f) < 0 ||
	    hostname_to_ascii(value, j->dane_name, sizeof(j->dane_name), f) < 0)
		return -1;
	if (hostname_is_ip_literal(j->dane_name)) {
		fault_set(f, FAULT_USAGE, "--dane-name takes a host name, not the address '%.100s'",
		          value);
		return -1;
	}
	return 0;
}

static int set_dane_unmatched(struct settings_judge *j, const char *value, struct fault *f)
{
	if (need_dane(j, "dane-unmatched", f) < 0)
		return -1;
	if (strcmp(value, "warning") == 0)
		j->dane_unmatched_warning = true;
	else if (strcmp(value, "ok") == 0)
		j->dane_unmatched_warning = false;
	else {
		fault_set(f, FAULT_USAGE, "invalid --dane-unmatched '%.100s' (ok or warning)",
		          value);
		return -1;
	}
	return 0;
}

static const struct settings_option options[] = {
        {"dane", "MODE",
         "judge the chain against the DNSSEC-signed TLSA records\n"
         "of _PORT._tcp.NAME: require (the default: none, or\n"
         "unsigned, is CRITICAL) or if-present",
         set_dane, false, true},
        {"dane-name", "NAME",
         "the TLSA base domain (default: HOST, each MX host with\n"
         "--mx)",
         set_dane_name, false, false},
        {"dane-unmatched", "STATE",
         "a usable TLSA record that matches nothing while another\n"
         "does (a rollover): ok (the default) or warning",
         set_dane_unmatched, false, false},
        {NULL, NULL, NULL, NULL, false, false},
};

const struct settings_option *tlsa_options(void)
{
	return options;
}

static bool is_name(const char *s)
{
	return s != NULL && s[0] != '\0' && !hostname_is_ip_literal(s);
}

/* --dane-name, else the host connected to (the MX host: RFC 7672 section
 * 2.2.3), else, for an address, the name verified. */
static const char *base_domain(const struct settings *s, const char *host, const char *verify)
{
	if (s->judge.dane_name[0] != '\0')
		return s->judge.dane_name;
	if (is_name(host))
		return host;
	return is_name(verify) ? verify : NULL;
}

void tlsa_lookup(struct tlsa_facts *t, const struct settings *s, const char *host,
                 const char *verify, const struct deadline *dl)
{
	const char *base = base_domain(s, host, verify);

	memset(t, 0, sizeof(*t));
	if (s->judge.dane == SETTINGS_DANE_OFF)
		return;
	t->looked_up = true;
	t->smtp = strcmp(s->probe.protocol->name, "smtp") == 0;
	if (base == NULL) {
		fault_set(&t->failure, FAULT_USAGE,
		          "no name to look TLSA records up for at an address: give --dane-name");
		return;
	}
	snprintf(t->base, sizeof(t->base), "%s", base);
	if (host != NULL)
		snprintf(t->mx_host, sizeof(t->mx_host), "%s", host);
	t->answer = calloc(1, sizeof(*t->answer));
	if (t->answer == NULL) {
		fault_set(&t->failure, FAULT_INTERNAL, "out of memory for the TLSA answer");
		return;
	}
	if (dns_lookup_tlsa(base, s->probe.port, &s->probe.dns, dl, t->answer, &t->failure) < 0)
		return;
	fault_clear(&t->failure);
	/* RFC 7672 section 2.2.2: without signed address records a DANE sender
	 * does not look TLSA up; worth knowing only when there are records. */
	if (t->answer->count > 0 && t->answer->status.security == DNS_SECURE) {
		struct fault ignored;

		t->address_known = dns_lookup_address_security(base, &s->probe.dns, dl, &t->address,
		                                               &ignored) == 0;
	}
}

/* Records a DANE client would use: only those of a validated answer. An
 * unsigned or unvalidated answer is anyone's to forge, so its records match
 * nothing and vouch for nothing (RFC 6698 section 4.1). */
static bool has_records(const struct tlsa_facts *t)
{
	return t->looked_up && t->failure.kind == FAULT_NONE && t->answer != NULL &&
	       t->answer->status.security == DNS_SECURE && t->answer->count > 0;
}

static void take_records(struct tlsa_facts *t)
{
	for (size_t i = 0; i < t->answer->count; i++) {
		const struct dns_tlsa *r = &t->answer->records[i];

		t->records[i] = (struct dane_record){
		        .usage = (uint8_t)r->usage,
		        .selector = (uint8_t)r->selector,
		        .mtype = (uint8_t)r->mtype,
		        .data = r->data,
		        .len = r->len,
		        .malformed = r->malformed,
		};
	}
}

/* What of the served path the CA-store check verified (dane.h). */
static size_t pkix_verified(const struct trust_result *trust)
{
	if (trust == NULL || !trust->trusted || !trust->anchor_known)
		return DANE_PKIX_NONE;
	return trust->anchor_served ? trust->anchor_index : DANE_PKIX_WHOLE_PATH;
}

void tlsa_match(struct tlsa_facts *t, const struct cert_chain *chain,
                const struct trust_result *trust, const struct cert_info *expected_leaf, time_t now)
{
	struct dane_verdict file_verdicts[DNS_MAX_TLSA];
	struct dane_input in = {0};
	struct fault ignored;

	if (!has_records(t))
		return;
	take_records(t);
	in = (struct dane_input){
	        .records = t->records,
	        .count = t->answer->count,
	        .chain = chain,
	        .base_domain = t->base,
	        .mx_host = t->smtp ? t->mx_host : NULL,
	        .smtp = t->smtp,
	        .pkix_trusted = trust != NULL && trust->trusted,
	        .pkix_verified = pkix_verified(trust),
	        .now = now,
	};
	if (dane_match(&in, t->verdicts, &t->summary, &t->failure) < 0)
		return;
	t->matched = true;
	if (chain->count > 0)
		dane_spki_sha256(chain->items[0].crt, t->spki_sha256, &ignored);
	/* The file's chain is not the one the CA store verified: the PKIX usages
	 * do not count for it. */
	in.pkix_trusted = false;
	in.pkix_verified = DANE_PKIX_NONE;
	if (expected_leaf == NULL ||
	    dane_match_leaf(&in, expected_leaf, file_verdicts, &t->file_summary, &ignored) < 0)
		return;
	t->file_matched = true;
	dane_spki_sha256(expected_leaf->crt, t->file_spki_sha256, &ignored);
}

static bool probe_failed(const struct facts *facts)
{
	return facts->probe_failure != NULL && facts->probe_failure->kind != FAULT_NONE;
}

bool tlsa_vouches(const struct facts *facts)
{
	const struct tlsa_facts *t = facts->dane;

	if (t == NULL || !t->matched || !has_records(t) || facts->chain_unproven ||
	    probe_failed(facts))
		return false;
	for (size_t i = 0; i < t->summary.records; i++) {
		if (t->verdicts[i].outcome == DANE_MATCHED && t->records[i].usage >= DANE_TA)
			return true;
	}
	return false;
}

/* What record I matched: "the leaf key", "the leaf certificate", "the key of
 * 'CN=Issuing CA' on the leaf's path". */
static void describe_match(const struct tlsa_facts *t, size_t i, const struct cert_chain *chain,
                           char *out, size_t size)
{
	const struct dane_record *r = &t->records[i];
	const char *what = r->selector == DANE_SELECTOR_SPKI ? "key" : "certificate";
	size_t e = t->verdicts[i].element;

	if (e == 0)
		snprintf(out, size, "the leaf %s", what);
	else
		snprintf(out, size, "the %s of '%s' on the leaf's path", what,
		         chain->items[e].label);
}

static void add_lookup_failure(struct verdict *v, const struct facts *facts)
{
	const struct tlsa_facts *t = facts->dane;
	enum plugin_state state = STATE_UNKNOWN;

	if (t->failure.kind == FAULT_TIMEOUT)
		state = facts->judge->timeout_state;
	if (t->answer != NULL && t->answer->owner[0] != '\0')
		verdict_add(v, rule_dane, state, "TLSA lookup of %s failed: %s", t->answer->owner,
		            t->failure.text);
	else
		verdict_add(v, rule_dane, state, "TLSA lookup failed: %s", t->failure.text);
}

/* The answer's security, when it leaves nothing to match. Returns whether it
 * did. */
static bool judge_security(struct verdict *v, const struct facts *facts)
{
	const struct tlsa_facts *t = facts->dane;
	const struct dns_status *st = &t->answer->status;
	bool require = facts->judge->dane == SETTINGS_DANE_REQUIRE;
	char ede[DNS_EDE_TEXT_SIZE + 48];

	switch (st->security) {
	case DNS_NO_VALIDATION:
		if (st->ad_untrusted)
			verdict_add(
			        v, rule_dane, STATE_UNKNOWN,
			        "name server %s is not on this host: its DNSSEC validation (AD) "
			        "is not believed, the TLSA records of %s cannot be judged "
			        "(--dns-server names a validating resolver to believe, or "
			        "'options trust-ad' in /etc/resolv.conf believes this one)",
			        st->server, t->answer->owner);
		else
			verdict_add(
			        v, rule_dane, STATE_UNKNOWN,
			        "name server %s does not validate DNSSEC: the TLSA records of %s "
			        "cannot be judged (--dns-server names one that does)",
			        st->server, t->answer->owner);
		return true;
	case DNS_BOGUS:
		dns_ede_describe(&st->ede, ede, sizeof(ede));
		verdict_add(v, rule_dane, STATE_CRITICAL, "TLSA answer for %s is bogus%s%s%s: %s",
		            t->answer->owner, ede[0] ? " (" : "", ede, ede[0] ? ")" : "",
		            t->smtp ? "DANE senders defer mail" : "DANE clients will not connect");
		return true;
	case DNS_INSECURE:
		if (require)
			verdict_add(
			        v, rule_dane, STATE_CRITICAL,
			        "TLSA answer for %s is not signed (insecure zone): DANE is not in "
			        "force",
			        t->answer->owner);
		else
			verdict_note(v, rule_dane,
			             "TLSA answer for %s is not signed: DANE not in force",
			             t->answer->owner);
		return true;
	case DNS_SECURE:
		break;
	}
	if (t->answer->count > 0)
		return false;
	if (require)
		verdict_add(v, rule_dane, STATE_CRITICAL, "no TLSA records at %s (signed denial)",
		            t->answer->owner);
	else
		verdict_note(v, rule_dane, "no TLSA records at %s", t->answer->owner);
	return true;
}

/* "3 1 1 #1 (8a3f5c1d...): unknown usage 7, ..." for every unusable record. */
static void list_unusable(const struct tlsa_facts *t, char *out, size_t size)
{
	size_t used = 0;
	char label[LABEL_SIZE];

	out[0] = '\0';
	for (size_t i = 0; i < t->summary.records && used < size; i++) {
		if (t->verdicts[i].outcome != DANE_UNUSABLE)
			continue;
		dane_record_label(&t->records[i], i, label, sizeof(label));
		used += (size_t)snprintf(out + used, size - used, "%s%s: %s", used ? ", " : "",
		                         label, t->verdicts[i].detail);
	}
}

/* Each record the verdict's finding does not name, in the long output: the
 * unusable ones with why, the unmatched ones (a rollover's other key) as a
 * WARNING with --dane-unmatched=warning. */
static void note_others(struct verdict *v, const struct facts *facts, bool warn_unmatched)
{
	const struct tlsa_facts *t = facts->dane;
	char label[LABEL_SIZE];

	for (size_t i = 0; i < t->summary.records; i++) {
		const struct dane_verdict *d = &t->verdicts[i];

		dane_record_label(&t->records[i], i, label, sizeof(label));
		if (d->outcome == DANE_UNUSABLE)
			verdict_note(v, rule_dane, "TLSA %s is unusable: %s", label, d->detail);
		else if (d->outcome == DANE_UNMATCHED && warn_unmatched)
			verdict_add(v, rule_dane, STATE_WARNING, "TLSA %s matches nothing%s%s",
			            label, d->detail[0] ? ": " : "", d->detail);
		else if (d->outcome == DANE_UNMATCHED)
			verdict_note(v, rule_dane, "TLSA %s matches nothing%s%s", label,
			             d->detail[0] ? ": " : "", d->detail);
	}
}

static void judge_match(struct verdict *v, const struct facts *facts)
{
	const struct tlsa_facts *t = facts->dane;
	size_t first = (size_t)t->summary.first_match;
	char label[LABEL_SIZE];
	char what[CERT_LABEL_SIZE + 48];

	dane_record_label(&t->records[first], first, label, sizeof(label));
	describe_match(t, first, facts->chain, what, sizeof(what));
	if (facts->chain_unproven)
		verdict_add(v, rule_dane, STATE_WARNING,
		            "TLSA %s matches %s (%zu of %zu usable), but the server did not prove "
		            "it holds that key: no trust from DANE",
		            label, what, t->summary.matching, t->summary.usable);
	else
		verdict_add(v, rule_dane, STATE_OK, "TLSA %s matches %s (%zu of %zu usable)%s",
		            label, what, t->summary.matching, t->summary.usable,
		            tlsa_vouches(facts) ? ": trust from DANE" : "");
	note_others(v, facts, facts->judge->dane_unmatched_warning);
}

static void judge_records(struct verdict *v, const struct facts *facts)
{
	const struct tlsa_facts *t = facts->dane;
	char list[VERDICT_TEXT_SIZE];

	/* The verdicts below are of those kept: say so where some were not. */
	if (t->answer->total > t->answer->count)
		verdict_note(v, rule_dane, "%zu TLSA records at %s, the first %zu judged",
		             t->answer->total, t->answer->owner, t->answer->count);

	if (t->summary.usable == 0) {
		list_unusable(t, list, sizeof(list));
		verdict_add(v, rule_dane, STATE_WARNING,
		            "none of the %zu TLSA records at %s is usable: %s", t->summary.records,
		            t->answer->owner, list);
		return;
	}
	if (t->summary.matching == 0 && t->answer->total > t->answer->count) {
		/* One of those not kept may match, as a DANE client would see. */
		verdict_add(v, rule_dane, STATE_UNKNOWN,
		            "none of the first %zu of %zu TLSA records at %s matches the served "
		            "chain, the rest not judged: the leaf's key is 3 1 1 %s",
		            t->answer->count, t->answer->total, t->answer->owner,
		            t->spki_sha256[0] ? t->spki_sha256 : "(unknown)");
		note_others(v, facts, false);
		return;
	}
	if (t->summary.matching == 0) {
		verdict_add(v, rule_dane, STATE_CRITICAL,
		            "none of %zu usable TLSA records at %s matches the served chain: the "
		            "leaf's key is 3 1 1 %s",
		            t->summary.usable, t->answer->owner,
		            t->spki_sha256[0] ? t->spki_sha256 : "(unknown)");
		note_others(v, facts, false);
		return;
	}
	judge_match(v, facts);
}

/* RFC 7672 section 2.2.2: a DANE sender looks the TLSA records up only when
 * the host's address records are signed. */
static void judge_address(struct verdict *v, const struct facts *facts)
{
	const struct tlsa_facts *t = facts->dane;

	if (!t->address_known || t->address.security == DNS_SECURE)
		return;
	if (t->address.security == DNS_BOGUS)
		verdict_add(v, rule_dane, STATE_CRITICAL, "the address records of %s are bogus",
		            t->base);
	else
		verdict_add(
		        v, rule_dane, STATE_WARNING,
		        "the address records of %s are not signed: DANE clients will not look its "
		        "TLSA records up",
		        t->base);
}

/* The renewed file on disk, before the reload that would serve it. */
static void judge_file(struct verdict *v, const struct facts *facts)
{
	const struct tlsa_facts *t = facts->dane;
	const struct cert_info *file = facts->expected_leaf;

	if (!t->file_matched || t->file_summary.usable == 0 || t->file_summary.matching > 0)
		return;
	if (facts->chain->count > 0 && strcmp(facts->chain->items[0].sha256, file->sha256) == 0)
		return; /* the file is what is served: judged as served */
	verdict_add(v, rule_dane, STATE_WARNING,
	            "reloading %s will break DANE: no TLSA record matches its key (3 1 1 %s)",
	            facts->judge->cert_file, t->file_spki_sha256);
}

void tlsa_judge(struct verdict *v, const struct facts *facts)
{
	const struct tlsa_facts *t = facts->dane;

	if (t == NULL || !t->looked_up || probe_failed(facts))
		return;
	if (t->failure.kind != FAULT_NONE) {
		add_lookup_failure(v, facts);
		return;
	}
	if (judge_security(v, facts))
		return;
	judge_records(v, facts);
	judge_address(v, facts);
	judge_file(v, facts);
}

void tlsa_release(struct tlsa_facts *t)
{
	free(t->answer);
	memset(t, 0, sizeof(*t));
}
