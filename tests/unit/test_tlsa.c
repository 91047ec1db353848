/* Unit tests of the DANE rule (tlsa): its findings over facts built by hand,
 * the records' verdicts as the matcher would give them. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "settings.h"
#include "tlsa.h"
#include "verdict.h"

#define NOW 1780272000 /* 2026-06-01 */

static const unsigned char DATA[32] = {0x8a, 0x3f, 0x5c, 0x1d, 0x01};

struct rig {
	struct settings_judge judge;
	struct cert_chain chain;
	struct trust_result trust;
	struct tlsa_facts dane;
	struct facts facts;
	struct verdict v;
};

/* A served leaf and issuer, a secure answer with COUNT 3 1 1 records at
 * _25._tcp.mx.example.test, none judged yet. */
static struct rig *rig_new(size_t count)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->judge.now = NOW;
	r->judge.dane = SETTINGS_DANE_REQUIRE;
	r->judge.timeout_state = STATE_CRITICAL;
	snprintf(r->chain.items[0].label, CERT_LABEL_SIZE, "CN=mx.example.test");
	snprintf(r->chain.items[1].label, CERT_LABEL_SIZE, "CN=Issuing CA");
	r->chain.count = 2;
	r->dane.looked_up = true;
	r->dane.smtp = true;
	snprintf(r->dane.base, sizeof(r->dane.base), "mx.example.test");
	r->dane.answer = calloc(1, sizeof(*r->dane.answer));
	assert_non_null(r->dane.answer);
	snprintf(r->dane.answer->owner, sizeof(r->dane.answer->owner), "_25._tcp.mx.example.test");
	snprintf(r->dane.answer->status.server, sizeof(r->dane.answer->status.server), "127.0.0.1");
	r->dane.answer->status.security = DNS_SECURE;
	r->dane.answer->status.ede.code = -1;
	r->dane.answer->count = count;
	r->dane.matched = count > 0;
	r->dane.summary.records = count;
	r->dane.summary.first_match = -1;
	memset(r->dane.spki_sha256, 'a', 64);
	for (size_t i = 0; i < count; i++)
		r->dane.records[i] = (struct dane_record){3, 1, 1, DATA, sizeof(DATA), false};
	r->facts.chain = &r->chain;
	r->facts.judge = &r->judge;
	r->facts.dane = &r->dane;
	return r;
}

static void rig_free(struct rig *r)
{
	tlsa_release(&r->dane);
	free(r);
}

static void set_verdict(struct rig *r, size_t i, enum dane_outcome o, const char *detail)
{
	r->dane.verdicts[i].outcome = o;
	snprintf(r->dane.verdicts[i].detail, DANE_DETAIL_SIZE, "%s", detail);
	if (o != DANE_UNUSABLE)
		r->dane.summary.usable++;
	if (o == DANE_MATCHED && r->dane.summary.matching++ == 0)
		r->dane.summary.first_match = (int)i;
}

static void judge(struct rig *r)
{
	verdict_init(&r->v);
	tlsa_judge(&r->v, &r->facts);
}

/* The finding of RULE whose text holds TEXT, with STATE and NOTE. */
static void expect(const struct rig *r, const char *rule, enum plugin_state state, bool note,
                   const char *text)
{
	for (size_t i = 0; i < r->v.count; i++) {
		const struct finding *f = &r->v.items[i];

		if (strcmp(f->rule, rule) == 0 && strstr(f->text, text) != NULL) {
			assert_int_equal(f->state, state);
			assert_int_equal(f->note, note);
			return;
		}
	}
	for (size_t i = 0; i < r->v.count; i++)
		print_message("finding: %s %d %s\n", r->v.items[i].rule, r->v.items[i].state,
		              r->v.items[i].text);
	fail_msg("no %s finding with '%s'", rule, text);
}

static void test_match_and_rollover(void **state)
{
	struct rig *r = rig_new(2);

	(void)state;
	set_verdict(r, 0, DANE_MATCHED, "");
	set_verdict(r, 1, DANE_UNMATCHED, "");
	judge(r);
	expect(r, "dane", STATE_OK, false,
	       "TLSA 3 1 1 #1 (8a3f5c1d...) matches the leaf key (1 of 2 usable): trust from DANE");
	expect(r, "dane", STATE_OK, true, "TLSA 3 1 1 #2 (8a3f5c1d...) matches nothing");
	assert_int_equal(verdict_worst(&r->v), STATE_OK);
	r->judge.dane_unmatched_warning = true;
	judge(r);
	expect(r, "dane", STATE_WARNING, false, "TLSA 3 1 1 #2 (8a3f5c1d...) matches nothing");
	rig_free(r);
}

static void test_ta_match_names_the_anchor(void **state)
{
	struct rig *r = rig_new(1);

	(void)state;
	r->dane.records[0].usage = 2;
	r->dane.records[0].selector = 0;
	set_verdict(r, 0, DANE_MATCHED, "");
	r->dane.verdicts[0].element = 1;
	judge(r);
	expect(r, "dane", STATE_OK, false,
	       "TLSA 2 0 1 #1 (8a3f5c1d...) matches the certificate of 'CN=Issuing CA' on the "
	       "leaf's path (1 of 1 usable): trust from DANE");
	rig_free(r);
}

static void test_none_matches(void **state)
{
	struct rig *r = rig_new(2);

	(void)state;
	set_verdict(r, 0, DANE_UNMATCHED, "");
	set_verdict(r, 1, DANE_UNMATCHED,
	            "it matches 'CN=Other CA' (certificate 3 of the served "
	            "chain), which is not on the leaf's issuer path");
	r->dane.records[1].usage = 2;
	judge(r);
	expect(r, "dane", STATE_CRITICAL, false,
	       "none of 2 usable TLSA records at _25._tcp.mx.example.test matches the served "
	       "chain: the leaf's key is 3 1 1 aaaaaaaa");
	expect(r, "dane", STATE_OK, true,
	       "TLSA 2 1 1 #2 (8a3f5c1d...) matches nothing: it matches "
	       "'CN=Other CA'");
	rig_free(r);
}

static void test_none_usable(void **state)
{
	struct rig *r = rig_new(2);

	(void)state;
	r->dane.records[0].usage = 1;
	set_verdict(r, 0, DANE_UNUSABLE, "usage 1 (PKIX-EE) is not for SMTP (RFC 7672)");
	r->dane.records[1].len = 31;
	set_verdict(r, 1, DANE_UNUSABLE, "SHA-256 data of 31 bytes, not 32");
	judge(r);
	expect(r, "dane", STATE_WARNING, false,
	       "none of the 2 TLSA records at _25._tcp.mx.example.test is usable: 1 1 1 #1 "
	       "(8a3f5c1d...): usage 1 (PKIX-EE) is not for SMTP (RFC 7672), 3 1 1 #2 "
	       "(8a3f5c1d...): SHA-256 data of 31 bytes, not 32");
	rig_free(r);
}

static void test_bogus(void **state)
{
	struct rig *r = rig_new(0);

	(void)state;
	r->dane.answer->status.security = DNS_BOGUS;
	r->dane.answer->status.ede.code = 7;
	judge(r);
	expect(r, "dane", STATE_CRITICAL, false,
	       "TLSA answer for _25._tcp.mx.example.test is bogus (EDE 7 (Signature Expired)): "
	       "DANE senders defer mail");
	rig_free(r);
}

static void test_insecure_and_absent(void **state)
{
	struct rig *r = rig_new(0);

	(void)state;
	judge(r);
	expect(r, "dane", STATE_CRITICAL, false,
	       "no TLSA records at _25._tcp.mx.example.test (signed denial)");
	r->judge.dane = SETTINGS_DANE_IF_PRESENT;
	judge(r);
	expect(r, "dane", STATE_OK, true, "no TLSA records at _25._tcp.mx.example.test");
	r->dane.answer->status.security = DNS_INSECURE;
	judge(r);
	expect(r, "dane", STATE_OK, true, "is not signed: DANE not in force");
	r->judge.dane = SETTINGS_DANE_REQUIRE;
	judge(r);
	expect(r, "dane", STATE_CRITICAL, false,
	       "TLSA answer for _25._tcp.mx.example.test is not signed (insecure zone)");
	rig_free(r);
}

static void test_resolver_problems(void **state)
{
	struct rig *r = rig_new(0);

	(void)state;
	r->dane.answer->status.security = DNS_NO_VALIDATION;
	judge(r);
	expect(r, "dane", STATE_UNKNOWN, false,
	       "name server 127.0.0.1 does not validate DNSSEC: the TLSA records of "
	       "_25._tcp.mx.example.test cannot be judged");
	r->dane.answer->status.ad_untrusted = true;
	judge(r);
	expect(r, "dane", STATE_UNKNOWN, false,
	       "name server 127.0.0.1 is not on this host: its DNSSEC validation (AD) is not "
	       "believed");
	expect(r, "dane", STATE_UNKNOWN, false, "'options trust-ad' in /etc/resolv.conf");
	fault_set(&r->dane.failure, FAULT_RESOLVE, "no name server answered");
	judge(r);
	expect(r, "dane", STATE_UNKNOWN, false,
	       "TLSA lookup of _25._tcp.mx.example.test failed: no name server answered");
	fault_set(&r->dane.failure, FAULT_TIMEOUT, "the deadline passed");
	r->judge.timeout_state = STATE_WARNING;
	judge(r);
	expect(r, "dane", STATE_WARNING, false, "the deadline passed");
	rig_free(r);
}

/* A DANE match stands in for the trust and name rules; not on an unproven
 * chain. */
static void test_dane_vouches(void **state)
{
	struct rig *r = rig_new(1);

	(void)state;
	set_verdict(r, 0, DANE_MATCHED, "");
	snprintf(r->trust.store, sizeof(r->trust.store), "the system store");
	snprintf(r->trust.reason, sizeof(r->trust.reason), "self-signed 'CN=mx' is unknown");
	r->facts.trust = &r->trust;
	r->facts.name_ascii = "other.example.test";
	r->facts.name_display = "other.example.test";
	verdict_init(&r->v);
	verdict_judge(&r->v, &r->facts);
	expect(r, "trust", STATE_OK, true, "chain not trusted by the system store: self-signed");
	expect(r, "name", STATE_OK, true, "does not match 'other.example.test': trust from DANE");
	assert_true(tlsa_vouches(&r->facts));
	r->facts.chain_unproven = true;
	assert_false(tlsa_vouches(&r->facts));
	verdict_init(&r->v);
	verdict_judge(&r->v, &r->facts);
	expect(r, "trust", STATE_CRITICAL, false, "chain not trusted by the system store");
	expect(r, "name", STATE_CRITICAL, false, "does not match 'other.example.test'");
	expect(r, "dane", STATE_WARNING, false,
	       "but the server did not prove it holds that key: no trust from DANE");
	/* A PKIX-EE match vouches for nothing: the CA store did already. */
	r->facts.chain_unproven = false;
	r->dane.records[0].usage = 1;
	assert_false(tlsa_vouches(&r->facts));
	rig_free(r);
}

/* Records of an unsigned or unvalidated answer are anyone's: they neither
 * match nor vouch, so an untrusted chain under another name stays CRITICAL. */
static void test_unsigned_never_vouches(void **state)
{
	static const enum dns_security unsafe[] = {DNS_INSECURE, DNS_NO_VALIDATION};
	struct cert_chain empty = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
		struct rig *r = rig_new(1);

		set_verdict(r, 0, DANE_MATCHED, "");
		r->judge.dane = SETTINGS_DANE_IF_PRESENT;
		r->dane.answer->status.security = unsafe[i];
		snprintf(r->trust.store, sizeof(r->trust.store), "the system store");
		snprintf(r->trust.reason, sizeof(r->trust.reason),
		         "self-signed 'CN=mx' is unknown");
		r->facts.trust = &r->trust;
		r->facts.name_ascii = "other.example.test";
		r->facts.name_display = "other.example.test";
		assert_false(tlsa_vouches(&r->facts));
		verdict_init(&r->v);
		verdict_judge(&r->v, &r->facts);
		expect(r, "trust", STATE_CRITICAL, false, "chain not trusted by the system store");
		expect(r, "name", STATE_CRITICAL, false, "does not match 'other.example.test'");
		if (unsafe[i] == DNS_INSECURE)
			expect(r, "dane", STATE_OK, true, "is not signed: DANE not in force");
		else
			expect(r, "dane", STATE_UNKNOWN, false, "does not validate DNSSEC");
		/* The matcher is not even asked. */
		r->dane.matched = false;
		tlsa_match(&r->dane, &empty, &r->trust, NULL, NOW);
		assert_false(r->dane.matched);
		rig_free(r);
	}
}

static void test_cert_file_and_address(void **state)
{
	struct rig *r = rig_new(1);
	struct cert_info file = {0};

	(void)state;
	set_verdict(r, 0, DANE_MATCHED, "");
	snprintf(file.sha256, sizeof(file.sha256), "%s", "ff");
	snprintf(r->chain.items[0].sha256, sizeof(r->chain.items[0].sha256), "%s", "ee");
	r->facts.expected_leaf = &file;
	r->judge.cert_file = "new.pem";
	r->dane.file_matched = true;
	r->dane.file_summary.usable = 1;
	memset(r->dane.file_spki_sha256, 'b', 64);
	r->dane.address_known = true;
	r->dane.address.security = DNS_INSECURE;
	judge(r);
	expect(r, "dane", STATE_WARNING, false,
	       "reloading new.pem will break DANE: no TLSA record matches its key (3 1 1 bbbb");
	expect(r, "dane", STATE_WARNING, false,
	       "the address records of mx.example.test are not signed");
	/* The file that is served already is judged as served. */
	snprintf(file.sha256, sizeof(file.sha256), "%s", "ee");
	r->dane.address.security = DNS_SECURE;
	judge(r);
	assert_int_equal(verdict_worst(&r->v), STATE_OK);
	rig_free(r);
}

static const struct settings_option *option(const char *name)
{
	for (const struct settings_option *o = tlsa_options(); o->name != NULL; o++) {
		if (strcmp(o->name, name) == 0)
			return o;
	}
	fail_msg("no option --%s", name);
	return NULL;
}

static void test_options(void **state)
{
	struct settings_judge j = {0};
	struct fault f;

	(void)state;
	assert_int_equal(option("dane-name")->set(&j, "mx.example", &f), -1);
	assert_string_equal(f.text, "--dane-name needs --dane");
	assert_true(option("dane")->optional_value);
	assert_int_equal(option("dane")->set(&j, NULL, &f), 0);
	assert_int_equal(j.dane, SETTINGS_DANE_REQUIRE);
	assert_int_equal(option("dane")->set(&j, "if-present", &f), 0);
	assert_int_equal(j.dane, SETTINGS_DANE_IF_PRESENT);
	assert_int_equal(option("dane")->set(&j, "sometimes", &f), -1);
	assert_string_equal(f.text, "invalid --dane 'sometimes' (require or if-present)");
	assert_int_equal(option("dane-name")->set(&j, "MX.Example", &f), 0);
	assert_string_equal(j.dane_name, "mx.example");
	assert_int_equal(option("dane-name")->set(&j, "192.0.2.1", &f), -1);
	assert_int_equal(option("dane-unmatched")->set(&j, "warning", &f), 0);
	assert_true(j.dane_unmatched_warning);
	assert_int_equal(option("dane-unmatched")->set(&j, "loud", &f), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_match_and_rollover),
	        cmocka_unit_test(test_ta_match_names_the_anchor),
	        cmocka_unit_test(test_none_matches),
	        cmocka_unit_test(test_none_usable),
	        cmocka_unit_test(test_bogus),
	        cmocka_unit_test(test_insecure_and_absent),
	        cmocka_unit_test(test_resolver_problems),
	        cmocka_unit_test(test_dane_vouches),
	        cmocka_unit_test(test_unsigned_never_vouches),
	        cmocka_unit_test(test_cert_file_and_address),
	        cmocka_unit_test(test_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
