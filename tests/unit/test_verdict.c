#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "settings.h"
#include "verdict.h"

#define DAY 86400
/* 2026-01-01 00:00 UTC */
#define NOW 1767225600

static const struct threshold_time warn_14d = {14.0 * DAY, false};
static const struct threshold_time crit_7d = {7.0 * DAY, false};
/* What the rules are asked: judge at NOW, with no threshold or with -w 14d -c 7d. */
static const struct settings_judge at_now = {.now = NOW};
static const struct settings_judge at_now_14d_7d = {
        .now = NOW, .warning = {14.0 * DAY, false}, .critical = {7.0 * DAY, false}};

static void set_cert(struct cert_info *c, enum cert_role role, const char *label, time_t not_before,
                     time_t not_after)
{
	memset(c, 0, sizeof(*c));
	c->role = role;
	snprintf(c->label, sizeof(c->label), "%s", label);
	c->not_before = not_before;
	c->not_after = not_after;
}

/* A leaf, intermediate and root issued a year before NOW; the leaf expires at
 * NOW + LEAF_LEFT, the others much later. */
static void make_chain(struct cert_chain *chain, time_t leaf_left)
{
	memset(chain, 0, sizeof(*chain));
	set_cert(&chain->items[0], CERT_LEAF, "CN=db1.example.com", NOW - 365 * DAY,
	         NOW + leaf_left);
	set_cert(&chain->items[1], CERT_INTERMEDIATE, "CN=Issuing CA", NOW - 365 * DAY,
	         NOW + 900 * DAY);
	set_cert(&chain->items[2], CERT_ROOT, "CN=Root CA", NOW - 3650 * DAY, NOW + 3650 * DAY);
	chain->count = 3;
}

/* Only the facts the expiry rule reads: the others are absent. */
static void judge(struct verdict *v, const struct cert_chain *chain, const struct threshold_time *w,
                  const struct threshold_time *c)
{
	const struct threshold_time none = {0.0, false};
	const struct settings_judge judging = {
	        .now = NOW, .warning = w ? *w : none, .critical = c ? *c : none};
	const struct facts facts = {.chain = chain, .judge = &judging};

	verdict_init(v);
	verdict_judge(v, &facts);
}

static void assert_single(const struct verdict *v, enum plugin_state state, const char *text)
{
	assert_int_equal(v->count, 1);
	assert_int_equal(v->items[0].state, state);
	assert_string_equal(v->items[0].text, text);
}

static void test_expiry_ok_fact(void **state)
{
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	make_chain(&chain, 200 * DAY + 3 * 3600 + 59);
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_single(&v, STATE_OK,
	              "certificate 'CN=db1.example.com' expires in 200d 3h (2026-07-20 03:00 UTC)");
	assert_true(v.expiry.valid);
	assert_int_equal(v.expiry.index, 0);
	assert_true(v.expiry.seconds_left == 200.0 * DAY + 3 * 3600 + 59);
	assert_true(v.expiry.warning_seconds == 14.0 * DAY);
	assert_true(v.expiry.critical_seconds == 7.0 * DAY);
}

static void test_expiry_warning_boundary(void **state)
{
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	/* Exactly 14d left with -w 14d is not yet below the threshold. */
	make_chain(&chain, 14 * DAY);
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_single(&v, STATE_OK,
	              "certificate 'CN=db1.example.com' expires in 14d (2026-01-15 00:00 UTC)");

	make_chain(&chain, 14 * DAY - 1);
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_single(&v, STATE_WARNING,
	              "certificate 'CN=db1.example.com' expires in 13d 23h "
	              "(2026-01-14 23:59 UTC)");
	assert_true(v.expiry.seconds_left == 14.0 * DAY - 1);
}

/* Dates before 1970 are dates like any other: the count and the date true. */
static void test_expiry_before_1970(void **state)
{
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	make_chain(&chain, 300 * DAY);
	chain.items[0].not_before = -657554400; /* 1949-03-01 10:00 */
	chain.items[0].not_after = -618062400;  /* 1950-06-01 12:00 */
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_single(&v, STATE_CRITICAL,
	              "certificate 'CN=db1.example.com' expired 27607d 12h ago (1950-06-01 12:00 "
	              "UTC)");
	assert_true(v.expiry.seconds_left == -618062400.0 - NOW);
}

static void test_expiry_critical_boundary(void **state)
{
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	make_chain(&chain, 7 * DAY);
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_single(&v, STATE_WARNING,
	              "certificate 'CN=db1.example.com' expires in 7d (2026-01-08 00:00 UTC)");

	make_chain(&chain, 7 * DAY - 1);
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_single(&v, STATE_CRITICAL,
	              "certificate 'CN=db1.example.com' expires in 6d 23h "
	              "(2026-01-07 23:59 UTC)");

	make_chain(&chain, 1);
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_single(&v, STATE_CRITICAL,
	              "certificate 'CN=db1.example.com' expires in 1s (2026-01-01 00:00 UTC)");
}

static void test_expiry_expired(void **state)
{
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	/* At not_after the certificate counts as expired. */
	make_chain(&chain, 0);
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_single(&v, STATE_CRITICAL,
	              "certificate 'CN=db1.example.com' expired 0s ago (2026-01-01 00:00 UTC)");
	assert_true(v.expiry.seconds_left == 0.0);

	make_chain(&chain, -(3 * DAY + 5 * 3600));
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_single(&v, STATE_CRITICAL,
	              "certificate 'CN=db1.example.com' expired 3d 5h ago (2025-12-28 19:00 UTC)");
	assert_true(v.expiry.seconds_left == -(3.0 * DAY + 5 * 3600));
}

static void test_expiry_not_yet_valid(void **state)
{
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	make_chain(&chain, 300 * DAY);
	chain.items[0].not_before = NOW + 2 * DAY + 3600;
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_single(&v, STATE_CRITICAL,
	              "certificate 'CN=db1.example.com' is not valid before "
	              "2026-01-03 01:00 UTC (in 2d 1h)");

	/* At not_before it is valid. */
	chain.items[0].not_before = NOW;
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_int_equal(verdict_worst(&v), STATE_OK);
}

static void test_expiry_intermediate_first(void **state)
{
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	make_chain(&chain, 300 * DAY);
	chain.items[1].not_after = NOW + 10 * DAY;
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_single(&v, STATE_WARNING,
	              "intermediate 'CN=Issuing CA' expires in 10d (2026-01-11 00:00 UTC)");
	assert_int_equal(v.expiry.index, 1);
	assert_true(v.expiry.seconds_left == 10.0 * DAY);

	/* No trouble: the OK fact still names the element that expires first. */
	chain.items[1].not_after = NOW + 100 * DAY;
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_single(&v, STATE_OK,
	              "intermediate 'CN=Issuing CA' expires in 100d (2026-04-11 00:00 UTC)");
	assert_int_equal(v.expiry.index, 1);

	/* Every element in trouble gets its own finding. */
	chain.items[0].not_after = NOW - DAY;
	chain.items[2].not_after = NOW + DAY;
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_int_equal(v.count, 2);
	assert_string_equal(
	        v.items[0].text,
	        "certificate 'CN=db1.example.com' expired 24h ago (2025-12-31 00:00 UTC)");
	assert_string_equal(v.items[1].text,
	                    "root 'CN=Root CA' expires in 24h (2026-01-02 00:00 UTC)");
	assert_int_equal(v.expiry.index, 0);
}

static void test_expiry_tie_goes_to_leaf(void **state)
{
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	make_chain(&chain, 100 * DAY);
	chain.items[1].not_after = NOW + 100 * DAY;
	judge(&v, &chain, &warn_14d, &crit_7d);
	assert_int_equal(v.expiry.index, 0);
}

static void test_expiry_percent(void **state)
{
	const struct threshold_time warn_30 = {30.0, true}, crit_10 = {10.0, true};
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	/* A 90-day leaf: warning at 27d, critical at 9d. */
	make_chain(&chain, 27 * DAY);
	chain.items[0].not_before = NOW - 63 * DAY;
	judge(&v, &chain, &warn_30, &crit_10);
	assert_int_equal(verdict_worst(&v), STATE_OK);
	assert_true(v.expiry.warning_seconds == 27.0 * DAY);
	assert_true(v.expiry.critical_seconds == 9.0 * DAY);

	/* One second more of lifetime puts 27d left just under 30% of it. */
	chain.items[0].not_before -= 1;
	judge(&v, &chain, &warn_30, &crit_10);
	assert_single(&v, STATE_WARNING,
	              "certificate 'CN=db1.example.com' expires in 27d (2026-01-28 00:00 UTC)");

	chain.items[0].not_before = NOW - 81 * DAY;
	chain.items[0].not_after = NOW + 9 * DAY - 1;
	judge(&v, &chain, &warn_30, &crit_10);
	assert_int_equal(verdict_worst(&v), STATE_CRITICAL);

	/* Each element against its own lifetime: 100d left is 10% of the root's 1000d
	 * life (critical), and under a third of the intermediate's 400d (warning). */
	make_chain(&chain, 300 * DAY);
	chain.items[1].not_before = NOW - 300 * DAY;
	chain.items[1].not_after = NOW + 100 * DAY;
	chain.items[2].not_before = NOW - 900 * DAY - 1;
	chain.items[2].not_after = NOW + 100 * DAY - 1;
	judge(&v, &chain, &warn_30, &crit_10);
	assert_int_equal(v.count, 2);
	assert_int_equal(v.items[0].state, STATE_WARNING);
	assert_int_equal(v.items[1].state, STATE_CRITICAL);
	assert_int_equal(v.expiry.index, 2);
	assert_true(v.expiry.warning_seconds == 0.3 * (1000.0 * DAY));
}

/* A short-lived element is judged against its own short life, wherever it sits
 * in the chain, and its time is told in hours below two days. */
static void test_expiry_percent_short_lived(void **state)
{
	const struct threshold_time warn_50 = {50.0, true}, crit_20 = {20.0, true};
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	/* A 6-day leaf with 2 days left: 33% of its life, under 50% but not 20%. */
	make_chain(&chain, 2 * DAY);
	chain.items[0].not_before = NOW - 4 * DAY;
	judge(&v, &chain, &warn_50, &crit_20);
	assert_single(&v, STATE_WARNING,
	              "certificate 'CN=db1.example.com' expires in 2d (2026-01-03 00:00 UTC)");
	assert_true(v.expiry.warning_seconds == 3.0 * DAY);
	assert_true(v.expiry.critical_seconds == 0.2 * (6.0 * DAY));

	/* 44h 5m left of 6 days: 30.6%, still a WARNING, told in hours. */
	chain.items[0].not_after = NOW + 44 * 3600 + 5 * 60;
	chain.items[0].not_before = chain.items[0].not_after - 6 * DAY;
	judge(&v, &chain, &warn_50, &crit_20);
	assert_single(&v, STATE_WARNING,
	              "certificate 'CN=db1.example.com' expires in 44h 5m (2026-01-02 20:05 UTC)");

	/* 1 day left of 6: 16.7%, under 20%: CRITICAL. */
	chain.items[0].not_before = NOW - 5 * DAY;
	chain.items[0].not_after = NOW + DAY;
	judge(&v, &chain, &warn_50, &crit_20);
	assert_single(&v, STATE_CRITICAL,
	              "certificate 'CN=db1.example.com' expires in 24h (2026-01-02 00:00 UTC)");

	/* The same 6-day life on the intermediate, under a 150-day leaf whose 100 days
	 * left are two thirds of its life: only the intermediate is in trouble. */
	make_chain(&chain, 100 * DAY);
	chain.items[0].not_before = NOW - 50 * DAY;
	chain.items[1].not_before = NOW - 4 * DAY;
	chain.items[1].not_after = NOW + 2 * DAY;
	judge(&v, &chain, &warn_50, &crit_20);
	assert_single(&v, STATE_WARNING,
	              "intermediate 'CN=Issuing CA' expires in 2d (2026-01-03 00:00 UTC)");
	assert_int_equal(v.expiry.index, 1);
	assert_true(v.expiry.warning_seconds == 3.0 * DAY);
	chain.items[1].not_after = NOW + 20 * 3600 + 14 * 60;
	chain.items[1].not_before = chain.items[1].not_after - 6 * DAY;
	judge(&v, &chain, &warn_50, &crit_20);
	assert_single(&v, STATE_CRITICAL,
	              "intermediate 'CN=Issuing CA' expires in 20h 14m (2026-01-01 20:14 UTC)");
}

static void test_expiry_zero_means_never(void **state)
{
	const struct threshold_time never = {0.0, false};
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	make_chain(&chain, 1);
	judge(&v, &chain, &never, &never);
	assert_int_equal(verdict_worst(&v), STATE_OK);
}

static void test_expiry_empty_chain(void **state)
{
	struct facts facts = {.judge = &at_now_14d_7d};
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	memset(&chain, 0, sizeof(chain));
	facts.chain = &chain;
	verdict_init(&v);
	v.expiry.valid = true; /* as a verdict judged before would have it */
	verdict_judge(&v, &facts);
	assert_int_equal(v.count, 0);
	assert_false(v.expiry.valid);
}

static void test_add_and_worst(void **state)
{
	struct verdict v;

	(void)state;
	verdict_init(&v);
	assert_int_equal(verdict_worst(&v), STATE_OK);
	verdict_add(&v, "test", STATE_UNKNOWN, "u");
	assert_int_equal(verdict_worst(&v), STATE_UNKNOWN);
	verdict_add(&v, "test", STATE_WARNING, "w %d", 1);
	assert_int_equal(verdict_worst(&v), STATE_WARNING);
	verdict_add(&v, "test", STATE_CRITICAL, "c");
	assert_int_equal(verdict_worst(&v), STATE_CRITICAL);
	assert_string_equal(v.items[1].text, "w 1");
}

static void test_add_truncates(void **state)
{
	char long_text[VERDICT_TEXT_SIZE * 2];
	struct verdict v;

	(void)state;
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	verdict_init(&v);
	verdict_add(&v, "test", STATE_OK, "%s", long_text);
	assert_int_equal(strlen(v.items[0].text), VERDICT_TEXT_SIZE - 1);
}

static void test_add_overflow_keeps_worst(void **state)
{
	struct verdict v;

	(void)state;
	verdict_init(&v);
	verdict_add(&v, "test", STATE_WARNING, "first warning");
	for (int i = 1; i < VERDICT_MAX_FINDINGS; i++)
		verdict_add(&v, "test", STATE_OK, "fact %d", i);
	assert_int_equal(v.count, VERDICT_MAX_FINDINGS);

	/* Not worse than the mildest held (OK): dropped. */
	verdict_add(&v, "test", STATE_OK, "dropped");
	assert_int_equal(v.count, VERDICT_MAX_FINDINGS);
	for (size_t i = 0; i < v.count; i++)
		assert_string_not_equal(v.items[i].text, "dropped");

	/* Worse: replaces the mildest, the latest added among equals. */
	verdict_add(&v, "test", STATE_CRITICAL, "the critical one");
	assert_int_equal(v.count, VERDICT_MAX_FINDINGS);
	assert_int_equal(verdict_worst(&v), STATE_CRITICAL);
	assert_string_equal(v.items[VERDICT_MAX_FINDINGS - 1].text, "the critical one");
	assert_string_equal(v.items[1].text, "fact 1");

	/* Replace the 30 facts left; the warning is then the mildest held. */
	for (int i = 0; i < VERDICT_MAX_FINDINGS - 2; i++)
		verdict_add(&v, "test", STATE_CRITICAL, "critical %d", i);
	assert_int_equal(verdict_worst(&v), STATE_CRITICAL);
	assert_string_equal(v.items[0].text, "first warning");
	verdict_add(&v, "test", STATE_UNKNOWN, "unknown is milder than warning");
	assert_string_equal(v.items[0].text, "first warning");
	assert_int_equal(verdict_worst(&v), STATE_CRITICAL);
	verdict_add(&v, "test", STATE_CRITICAL, "replaces the warning");
	assert_string_equal(v.items[0].text, "replaces the warning");
}

static void test_sort(void **state)
{
	static const char *const expected[] = {
	        "critical first added",
	        "short",
	        "longer warning",
	        "critical second, longer",
	        "fact one",
	        "fact two",
	        "fact three",
	};
	struct verdict v;

	(void)state;
	verdict_init(&v);
	verdict_add(&v, "test", STATE_OK, "fact one");
	verdict_add(&v, "test", STATE_WARNING, "longer warning");
	verdict_add(&v, "test", STATE_OK, "fact two");
	verdict_add(&v, "test", STATE_CRITICAL, "critical first added");
	verdict_add(&v, "test", STATE_CRITICAL, "critical second, longer");
	verdict_add(&v, "test", STATE_UNKNOWN, "short");
	verdict_add(&v, "test", STATE_OK, "fact three");
	verdict_sort(&v);
	assert_int_equal(v.count, 7);
	for (size_t i = 0; i < v.count; i++)
		assert_string_equal(v.items[i].text, expected[i]);
	assert_int_equal(v.items[0].state, STATE_CRITICAL);
	assert_int_equal(v.items[1].state, STATE_UNKNOWN);
}

static void test_sort_stable_and_small(void **state)
{
	struct verdict v;

	(void)state;
	verdict_init(&v);
	verdict_sort(&v);
	assert_int_equal(v.count, 0);

	verdict_add(&v, "test", STATE_OK, "bb");
	verdict_add(&v, "test", STATE_OK, "a");
	verdict_sort(&v);
	assert_string_equal(v.items[0].text, "bb");
	assert_string_equal(v.items[1].text, "a");

	/* Problems of equal length keep the order they were added in. */
	verdict_init(&v);
	verdict_add(&v, "test", STATE_OK, "fact");
	verdict_add(&v, "test", STATE_WARNING, "w-a");
	verdict_add(&v, "test", STATE_WARNING, "w-b");
	verdict_add(&v, "test", STATE_WARNING, "w-c");
	verdict_sort(&v);
	assert_string_equal(v.items[0].text, "w-a");
	assert_string_equal(v.items[1].text, "w-b");
	assert_string_equal(v.items[2].text, "w-c");
	assert_string_equal(v.items[3].text, "fact");
}

static void judge_facts(struct verdict *v, const struct facts *facts)
{
	verdict_init(v);
	verdict_judge(v, facts);
}

static void test_trust(void **state)
{
	struct trust_result t = {.trusted = true, .store = "ca.pem"};
	const struct facts facts = {.judge = &at_now, .trust = &t};
	struct verdict v;

	(void)state;
	judge_facts(&v, &facts);
	assert_single(&v, STATE_OK, "chain trusted by ca.pem");
	assert_string_equal(v.items[0].rule, "trust");

	t.trusted = false;
	snprintf(t.reason, sizeof(t.reason), "issuer 'CN=Other CA' is unknown");
	judge_facts(&v, &facts);
	assert_single(&v, STATE_CRITICAL,
	              "chain not trusted by ca.pem: issuer 'CN=Other CA' is unknown");

	t.reason[0] = '\0';
	judge_facts(&v, &facts);
	assert_single(&v, STATE_CRITICAL, "chain not trusted by ca.pem");
}

/* A store that could not be loaded is our failure, not the server's. */
static void test_trust_failure(void **state)
{
	struct fault f;
	const struct settings_judge judging = {.now = NOW, .timeout_state = STATE_WARNING};
	struct facts facts = {.judge = &judging, .trust_failure = &f};
	struct verdict v;

	(void)state;
	fault_set(&f, FAULT_INTERNAL, "cannot load the system trust store: no file");
	judge_facts(&v, &facts);
	assert_single(&v, STATE_UNKNOWN, "cannot load the system trust store: no file");
	assert_string_equal(v.items[0].rule, "trust");
}

static char *test_sans[] = {"a.example", "b.example", "c.example", "d.example", "e.example"};

/* A self-signed "CN=a.example" with the first SAN_COUNT of test_sans, made and
 * loaded as a served chain so that the name rule matches as in a real run.
 * Release with cert_chain_clear(). */
static void load_leaf(struct cert_chain *chain, size_t san_count)
{
	gnutls_x509_privkey_t key;
	gnutls_x509_crt_t crt;
	gnutls_datum_t der;
	struct fault f;

	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(
	        gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	                                     GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
	        0);
	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	gnutls_x509_crt_set_version(crt, 3);
	gnutls_x509_crt_set_serial(crt, "\x01", 1);
	gnutls_x509_crt_set_activation_time(crt, NOW - DAY);
	gnutls_x509_crt_set_expiration_time(crt, NOW + 365 * DAY);
	gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, "a.example", 9);
	for (size_t i = 0; i < san_count; i++)
		gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, test_sans[i],
		                                     strlen(test_sans[i]), GNUTLS_FSAN_APPEND);
	assert_int_equal(gnutls_x509_crt_set_key(crt, key), 0);
	assert_int_equal(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0), 0);
	assert_int_equal(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der), 0);
	memset(chain, 0, sizeof(*chain));
	assert_int_equal(cert_chain_load(chain, &der, 1, &f), 0);
	gnutls_free(der.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
}

/* Judge CHAIN's leaf against NAME (shown as DISPLAY) and keep only the name
 * rule's findings (the expiry rule judges the same chain). */
static void judge_name(struct verdict *v, const struct cert_chain *chain, const char *name,
                       const char *display)
{
	const struct facts facts = {
	        .chain = chain, .judge = &at_now, .name_ascii = name, .name_display = display};
	size_t kept = 0;

	judge_facts(v, &facts);
	for (size_t i = 0; i < v->count; i++) {
		if (strcmp(v->items[i].rule, "name") == 0)
			v->items[kept++] = v->items[i];
	}
	v->count = kept;
}

static void test_name(void **state)
{
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	load_leaf(&chain, 0);
	judge_name(&v, &chain, "a.example", "a.example");
	assert_int_equal(v.count, 0);
	judge_name(&v, &chain, "x.example", "x.example");
	assert_single(&v, STATE_CRITICAL, "certificate 'CN=a.example' does not match 'x.example'");
	assert_string_equal(v.items[0].rule, "name");
	cert_chain_clear(&chain);

	load_leaf(&chain, 2);
	judge_name(&v, &chain, "b.example", "b.example");
	assert_int_equal(v.count, 0);
	judge_name(&v, &chain, "xn--bcher-kva.example", "bücher.example");
	assert_single(&v, STATE_CRITICAL,
	              "certificate 'CN=a.example' does not match "
	              "'bücher.example' (SANs: a.example, b.example)");
	cert_chain_clear(&chain);

	load_leaf(&chain, 4);
	judge_name(&v, &chain, "x", "x");
	assert_single(&v, STATE_CRITICAL,
	              "certificate 'CN=a.example' does not match 'x' (SANs: "
	              "a.example, b.example, c.example, d.example)");
	cert_chain_clear(&chain);

	load_leaf(&chain, 5);
	judge_name(&v, &chain, "x", "x");
	assert_single(&v, STATE_CRITICAL,
	              "certificate 'CN=a.example' does not match 'x' (SANs: "
	              "a.example, b.example, c.example, d.example, ...)");

	/* --no-verify-name: the name is not judged at all. */
	judge_name(&v, &chain, NULL, NULL);
	assert_int_equal(v.count, 0);
	cert_chain_clear(&chain);

	/* A chain that is empty although the probe did not fail. */
	judge_name(&v, &chain, "x.example", "x.example");
	assert_single(&v, STATE_CRITICAL, "no certificate to match 'x.example'");
}

static void test_probe_failure(void **state)
{
	static const struct {
		enum fault_kind kind;
		enum plugin_state expected;
	} cases[] = {
	        {FAULT_USAGE, STATE_UNKNOWN},    {FAULT_INTERNAL, STATE_UNKNOWN},
	        {FAULT_RESOLVE, STATE_CRITICAL}, {FAULT_CONNECT, STATE_CRITICAL},
	        {FAULT_TIMEOUT, STATE_WARNING},  {FAULT_PEER, STATE_CRITICAL},
	        {FAULT_NO_TLS, STATE_CRITICAL},  {FAULT_HANDSHAKE, STATE_CRITICAL},
	};
	struct fault f;
	struct settings_judge judging = {.now = NOW, .timeout_state = STATE_WARNING};
	struct facts facts = {.judge = &judging, .probe_failure = &f};
	struct verdict v;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fault_set(&f, cases[i].kind, "failure %zu", i);
		judge_facts(&v, &facts);
		assert_int_equal(v.count, 1);
		assert_int_equal(v.items[0].state, cases[i].expected);
		assert_string_equal(v.items[0].text, f.text);
		assert_string_equal(v.items[0].rule, "probe");
	}
	fault_set(&f, FAULT_TIMEOUT, "deadline of 10s passed");
	judging.timeout_state = STATE_CRITICAL;
	judge_facts(&v, &facts);
	assert_single(&v, STATE_CRITICAL, "deadline of 10s passed");

	/* Only the failure is judged: no name to match, no note on top of it. */
	fault_set(&f, FAULT_PEER, "server sent no certificate");
	facts.name_ascii = facts.name_display = "db1.example.com";
	facts.handshake_error = "handshake failed: received alert 'bad certificate'";
	facts.client_cert_note = "server requires a client certificate (none given)";
	judge_facts(&v, &facts);
	assert_single(&v, STATE_CRITICAL, "server sent no certificate");

	fault_clear(&f);
	facts.name_ascii = NULL;
	facts.handshake_error = facts.client_cert_note = NULL;
	judge_facts(&v, &facts);
	assert_int_equal(v.count, 0);
}

/* A usable staple saying STATUS, issued a day before NOW, next update in 6 days. */
static struct ocsp_staple staple(enum ocsp_cert_status status)
{
	return (struct ocsp_staple){
	        .present = true,
	        .signature_checked = true,
	        .status = status,
	        .this_update = NOW - DAY,
	        .next_update = NOW + 6 * DAY,
	};
}

/* One staple judged: the leaf of make_chain(), and the ocsp rule's findings
 * only (the expiry rule judges the same chain). */
struct ocsp_case {
	struct ocsp_staple s;
	struct cert_chain chain;
	struct settings_judge judge;
	struct facts facts;
	struct verdict v;
};

static void ocsp_case_init(struct ocsp_case *c, enum ocsp_cert_status status)
{
	c->s = staple(status);
	make_chain(&c->chain, 200 * DAY);
	snprintf(c->chain.items[0].issuer_label, sizeof(c->chain.items[0].issuer_label),
	         "CN=Issuing CA");
	c->judge = (struct settings_judge){.now = NOW};
	c->facts = (struct facts){.chain = &c->chain, .judge = &c->judge, .ocsp = &c->s};
}

static void judge_ocsp(struct ocsp_case *c)
{
	size_t kept = 0;

	judge_facts(&c->v, &c->facts);
	for (size_t i = 0; i < c->v.count; i++) {
		if (strcmp(c->v.items[i].rule, "ocsp") == 0)
			c->v.items[kept++] = c->v.items[i];
	}
	c->v.count = kept;
}

static void test_ocsp_absent(void **state)
{
	struct ocsp_case c;
	struct fault f;

	(void)state;
	ocsp_case_init(&c, OCSP_GOOD);
	c.s.present = false;
	judge_ocsp(&c);
	assert_int_equal(c.v.count, 0);
	c.judge.ocsp = OCSP_MODE_REQUIRE;
	judge_ocsp(&c);
	assert_single(&c.v, STATE_CRITICAL, "server staples no OCSP response");
	/* --ocsp=ignore: nothing read, nothing judged, even if required were set. */
	c.facts.ocsp = NULL;
	judge_ocsp(&c);
	assert_int_equal(c.v.count, 0);
	/* GnuTLS could not read it: our failure, UNKNOWN. */
	fault_set(&f, FAULT_INTERNAL, "cannot read the OCSP staple: out of memory");
	c.facts.ocsp_failure = &f;
	judge_ocsp(&c);
	assert_single(&c.v, STATE_UNKNOWN, "cannot read the OCSP staple: out of memory");
	/* After a failed probe only the failure is judged. */
	c.facts.ocsp = &c.s;
	c.facts.ocsp_failure = NULL;
	fault_set(&f, FAULT_PEER, "server sent no certificate");
	c.facts.probe_failure = &f;
	judge_ocsp(&c);
	assert_int_equal(c.v.count, 0);
}

static void test_ocsp_status(void **state)
{
	struct ocsp_case c;

	(void)state;
	ocsp_case_init(&c, OCSP_GOOD);
	judge_ocsp(&c);
	assert_single(&c.v, STATE_OK, "OCSP staple good");
	assert_string_equal(c.v.items[0].rule, "ocsp");
	c.s.signature_checked = false;
	judge_ocsp(&c);
	assert_single(&c.v, STATE_OK, "OCSP staple good (issuer unknown, signature not checked)");

	c.s = staple(OCSP_REVOKED);
	c.s.revoked_at = NOW - 3 * DAY + 10 * 3600;
	c.s.reason = "keyCompromise";
	judge_ocsp(&c);
	assert_single(&c.v, STATE_CRITICAL,
	              "OCSP staple says certificate 'CN=db1.example.com' is revoked "
	              "(2025-12-29 10:00 UTC, keyCompromise)");
	/* Revoked stays revoked however old the news, and a reason may be absent. */
	c.s.reason = NULL;
	c.s.next_update = NOW - DAY;
	judge_ocsp(&c);
	assert_single(&c.v, STATE_CRITICAL,
	              "OCSP staple says certificate 'CN=db1.example.com' is revoked "
	              "(2025-12-29 10:00 UTC)");

	c.s = staple(OCSP_UNKNOWN);
	judge_ocsp(&c);
	assert_single(&c.v, STATE_WARNING,
	              "OCSP staple says certificate 'CN=db1.example.com' is unknown to its "
	              "responder");
}

static void test_ocsp_dates(void **state)
{
	struct ocsp_case c;

	(void)state;
	ocsp_case_init(&c, OCSP_GOOD);
	/* At its next update a response is stale; a second before, it is not. */
	c.s.next_update = NOW + 1;
	judge_ocsp(&c);
	assert_single(&c.v, STATE_OK, "OCSP staple good");
	c.s.next_update = NOW;
	judge_ocsp(&c);
	assert_single(&c.v, STATE_WARNING,
	              "OCSP staple for certificate 'CN=db1.example.com' is stale (next update "
	              "was due 2026-01-01 00:00 UTC, this update 2025-12-31 00:00 UTC)");
	/* No next update: the responder promises nothing, nothing is stale. */
	c.s.next_update = (time_t)-1;
	judge_ocsp(&c);
	assert_single(&c.v, STATE_OK, "OCSP staple good");
	c.s.this_update = NOW + 2 * 3600;
	judge_ocsp(&c);
	assert_single(&c.v, STATE_WARNING,
	              "OCSP staple for certificate 'CN=db1.example.com' is dated in the future "
	              "(this update 2026-01-01 02:00 UTC)");

	/* Unknown and stale: both said. */
	c.s = staple(OCSP_UNKNOWN);
	c.s.next_update = NOW - 1;
	judge_ocsp(&c);
	assert_int_equal(c.v.count, 2);
	assert_int_equal(c.v.items[0].state, STATE_WARNING);
	assert_int_equal(c.v.items[1].state, STATE_WARNING);
	assert_non_null(strstr(c.v.items[1].text, "is stale"));
}

/* What an unusable staple says is not believed, revoked or not. */
static void test_ocsp_defects(void **state)
{
	struct ocsp_case c;

	(void)state;
	ocsp_case_init(&c, OCSP_REVOKED);
	c.s.defect = OCSP_UNREADABLE;
	snprintf(c.s.problem, sizeof(c.s.problem), "it is not an OCSP response");
	judge_ocsp(&c);
	assert_single(&c.v, STATE_CRITICAL,
	              "OCSP staple cannot be used: it is not an OCSP response");
	c.s.defect = OCSP_OTHER_CERT;
	judge_ocsp(&c);
	assert_single(&c.v, STATE_CRITICAL,
	              "OCSP staple is for another certificate, not 'CN=db1.example.com'");
	c.s.defect = OCSP_BAD_SIGNATURE;
	snprintf(c.s.problem, sizeof(c.s.problem),
	         "signed by a responder the issuer did not certify");
	judge_ocsp(&c);
	assert_single(&c.v, STATE_CRITICAL,
	              "OCSP staple for certificate 'CN=db1.example.com' does not verify against "
	              "issuer 'CN=Issuing CA': signed by a responder the issuer did not certify");
}

/* Every rule at once: each finding names its rule, in the order of the table,
 * and the TLS parameters are facts, never findings. */
/* The facts the crypto rule reads, on a chain that expires far from now. */
static void judge_crypto(struct verdict *v, const struct cert_chain *chain, bool allow_sha1,
                         bool allow_weak_rsa)
{
	const struct settings_judge judging = {
	        .now = NOW, .allow_sha1 = allow_sha1, .allow_weak_rsa = allow_weak_rsa};
	const struct facts facts = {.chain = chain, .judge = &judging};

	verdict_init(v);
	verdict_judge(v, &facts);
}

static void set_key(struct cert_info *c, gnutls_pk_algorithm_t algorithm, unsigned bits)
{
	c->key_algorithm = algorithm;
	c->key_bits = bits;
}

/* The OK expiry fact, then the crypto findings in chain order. */
static void assert_crypto(const struct verdict *v, size_t count, const char *const *texts,
                          const enum plugin_state *states)
{
	assert_int_equal(v->count, count + 1);
	assert_string_equal(v->items[0].rule, "expiry");
	for (size_t i = 0; i < count; i++) {
		assert_string_equal(v->items[i + 1].rule, "crypto");
		assert_int_equal(v->items[i + 1].state, states[i]);
		assert_string_equal(v->items[i + 1].text, texts[i]);
	}
}

static void test_crypto_signatures(void **state)
{
	static const char *const texts[] = {
	        "certificate 'CN=db1.example.com' is signed with SHA-1",
	        "intermediate 'CN=Issuing CA' is signed with MD5",
	};
	static const enum plugin_state states[] = {STATE_WARNING, STATE_CRITICAL};
	static const enum plugin_state critical[] = {STATE_CRITICAL};
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	make_chain(&chain, 300 * DAY);
	for (size_t i = 0; i < chain.count; i++) {
		set_key(&chain.items[i], GNUTLS_PK_RSA, 2048);
		chain.items[i].signature_hash = GNUTLS_DIG_SHA256;
	}
	judge_crypto(&v, &chain, false, false);
	assert_crypto(&v, 0, NULL, NULL);

	chain.items[0].signature_hash = GNUTLS_DIG_SHA1;
	chain.items[1].signature_hash = GNUTLS_DIG_MD5;
	/* A self-signed root's own signature proves nothing: not judged. */
	chain.items[2].signature_hash = GNUTLS_DIG_MD5;
	chain.items[2].self_signed = true;
	judge_crypto(&v, &chain, false, false);
	assert_crypto(&v, 2, texts, states);
	assert_int_equal(verdict_worst(&v), STATE_CRITICAL);

	/* --allow-sha1 silences SHA-1, never MD5. */
	judge_crypto(&v, &chain, true, false);
	assert_crypto(&v, 1, texts + 1, critical);

	/* MD2 is as broken as MD5; a self-signed leaf vouches only for itself. */
	chain.items[1].signature_hash = GNUTLS_DIG_MD2;
	chain.items[0].self_signed = true;
	judge_crypto(&v, &chain, false, false);
	assert_int_equal(v.count, 2);
	assert_string_equal(v.items[1].text, "intermediate 'CN=Issuing CA' is signed with MD2");
}

static void test_crypto_rsa_keys(void **state)
{
	static const char *const texts[] = {
	        "certificate 'CN=db1.example.com' has a 1024-bit RSA key",
	        "root 'CN=Root CA' has a 2047-bit RSA key",
	};
	static const enum plugin_state states[] = {STATE_WARNING, STATE_WARNING};
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	make_chain(&chain, 300 * DAY);
	set_key(&chain.items[0], GNUTLS_PK_RSA, 1024);
	/* Not RSA: the bits of an EC key say nothing of its strength against RSA's. */
	set_key(&chain.items[1], GNUTLS_PK_ECDSA, 256);
	/* A root's key is judged: whoever factors it signs anything. */
	set_key(&chain.items[2], GNUTLS_PK_RSA_PSS, 2047);
	chain.items[2].self_signed = true;
	judge_crypto(&v, &chain, false, false);
	assert_crypto(&v, 2, texts, states);
	assert_int_equal(verdict_worst(&v), STATE_WARNING);

	judge_crypto(&v, &chain, false, true);
	assert_crypto(&v, 0, NULL, NULL);

	set_key(&chain.items[0], GNUTLS_PK_RSA, 2048);
	set_key(&chain.items[2], GNUTLS_PK_RSA, 4096);
	judge_crypto(&v, &chain, false, false);
	assert_crypto(&v, 0, NULL, NULL);
}

static void test_rules_in_order(void **state)
{
	const struct trust_result t = {.trusted = true, .store = "ca.pem"};
	static const char *const expected[] = {"expiry", "trust",     "ocsp",
	                                       "crypto", "handshake", "client-cert"};
	const struct ocsp_staple s = staple(OCSP_GOOD);
	struct cert_chain chain;
	struct facts facts = {
	        .judge = &at_now_14d_7d,
	        .trust = &t,
	        .ocsp = &s,
	        .tls = {"TLSv1.2", "TLS_AES_128_GCM_SHA256", "X25519", NULL},
	        .handshake_error = "handshake failed: received alert 'bad certificate'",
	        .client_cert_note = "server requires a client certificate (none given)",
	};
	struct verdict v;

	(void)state;
	make_chain(&chain, 10 * DAY);
	chain.items[1].signature_hash = GNUTLS_DIG_SHA1;
	facts.chain = &chain;
	judge_facts(&v, &facts);
	assert_int_equal(v.count, 6);
	for (size_t i = 0; i < v.count; i++) {
		assert_string_equal(v.items[i].rule, expected[i]);
		assert_null(strstr(v.items[i].text, "TLSv1.2"));
	}
	assert_int_equal(v.items[0].state, STATE_WARNING);
	assert_int_equal(v.items[2].state, STATE_OK);
	assert_int_equal(v.items[3].state, STATE_WARNING);
	assert_int_equal(v.items[4].state, STATE_CRITICAL);
	assert_string_equal(v.items[5].text, facts.client_cert_note);
	assert_int_equal(v.items[5].state, STATE_OK);
	assert_true(v.expiry.valid);
}

/* Which rules found something, in order, and the text of the one of RULE. */
static const struct finding *find_rule(const struct verdict *v, const char *rule)
{
	for (size_t i = 0; i < v->count; i++) {
		if (strcmp(v->items[i].rule, rule) == 0)
			return &v->items[i];
	}
	return NULL;
}

static void assert_rule(const struct verdict *v, const char *rule, enum plugin_state state,
                        const char *text)
{
	const struct finding *f = find_rule(v, rule);

	if (f == NULL)
		fail_msg("no finding of rule %s", rule);
	assert_int_equal(f->state, state);
	assert_string_equal(f->text, text);
}

static void set_raw_time(struct validity_time *t, bool generalized, const char *text)
{
	t->generalized = generalized;
	t->length = strlen(text);
	snprintf(t->text, sizeof(t->text), "%s", text);
}

/* Times GnuTLS reads and OpenSSL refuses, each named with its element, field
 * and text; well-written ones, and elements whose DER was not walked, pass. */
static void test_time_format(void **state)
{
	struct cert_chain chain;
	struct verdict v;

	(void)state;
	make_chain(&chain, 300 * DAY);
	for (size_t i = 0; i < chain.count; i++) {
		chain.items[i].raw_times = true;
		set_raw_time(&chain.items[i].not_before_raw, false, "250101000000Z");
		set_raw_time(&chain.items[i].not_after_raw, true, "20350101000000Z");
	}
	judge_crypto(&v, &chain, false, false);
	assert_int_equal(v.count, 1);
	assert_null(find_rule(&v, "time-format"));

	set_raw_time(&chain.items[0].not_after_raw, false, "270230000000Z");
	set_raw_time(&chain.items[1].not_before_raw, false, "3001010000Z");
	set_raw_time(&chain.items[2].not_after_raw, false, "271231235960Z");
	judge_crypto(&v, &chain, false, false);
	assert_int_equal(v.count, 4);
	assert_string_equal(v.items[1].rule, "time-format");
	assert_int_equal(v.items[1].state, STATE_CRITICAL);
	assert_string_equal(v.items[1].text,
	                    "certificate 'CN=db1.example.com' notAfter '270230000000Z' is not a "
	                    "valid time (30 February): OpenSSL-based clients refuse it");
	assert_string_equal(v.items[2].text,
	                    "intermediate 'CN=Issuing CA' notBefore '3001010000Z' is not a valid "
	                    "time (no seconds): OpenSSL-based clients refuse it");
	assert_string_equal(v.items[3].text,
	                    "root 'CN=Root CA' notAfter '271231235960Z' is not a valid time "
	                    "(second 60): OpenSSL-based clients refuse it");

	chain.items[0].raw_times = chain.items[1].raw_times = chain.items[2].raw_times = false;
	judge_crypto(&v, &chain, false, false);
	assert_null(find_rule(&v, "time-format"));
}

static void test_trust_internal_ca_hint(void **state)
{
	struct trust_result t = {.store = "the system store", .system_store = true};
	const struct facts facts = {.judge = &at_now, .trust = &t};
	struct verdict v;

	(void)state;
	snprintf(t.reason, sizeof(t.reason), "issuer 'CN=Corp CA' is unknown");
	judge_facts(&v, &facts);
	assert_single(&v, STATE_CRITICAL,
	              "chain not trusted by the system store: issuer 'CN=Corp CA' is unknown "
	              "(an internal CA? name its file with -C)");
	snprintf(t.reason, sizeof(t.reason), "bad signature");
	judge_facts(&v, &facts);
	assert_single(&v, STATE_CRITICAL, "chain not trusted by the system store: bad signature");
}

/* The served leaf against the renewed file: later file = not reloaded,
 * earlier file = rolled back, the same certificate = nothing to say. */
static void test_cert_file(void **state)
{
	struct cert_chain chain;
	struct cert_info file;
	const struct settings_judge judging = {.now = NOW, .cert_file = "cert.pem"};
	struct facts facts = {.judge = &judging, .expected_leaf = &file};
	struct verdict v;

	(void)state;
	make_chain(&chain, 30 * DAY);
	facts.chain = &chain;
	snprintf(chain.items[0].sha256, sizeof(chain.items[0].sha256), "%064d", 1);
	set_cert(&file, CERT_LEAF, "CN=db1.example.com", NOW, NOW + 120 * DAY);
	snprintf(file.sha256, sizeof(file.sha256), "%064d", 2);
	judge_facts(&v, &facts);
	assert_rule(&v, "cert-file", STATE_CRITICAL,
	            "serving the certificate that expires 2026-01-31 00:00 UTC, cert.pem holds one "
	            "that expires 2026-05-01 00:00 UTC: reload the service");
	file.not_after = NOW + 10 * DAY;
	judge_facts(&v, &facts);
	assert_rule(&v, "cert-file", STATE_WARNING,
	            "cert.pem holds an older certificate (expires 2026-01-11 00:00 UTC) than the "
	            "one served (expires 2026-01-31 00:00 UTC): rolled back, or the wrong file");
	file.not_after = chain.items[0].not_after;
	judge_facts(&v, &facts);
	assert_rule(&v, "cert-file", STATE_CRITICAL,
	            "serving a certificate other than the one in cert.pem (both expire 2026-01-31 "
	            "00:00 UTC)");
	snprintf(file.sha256, sizeof(file.sha256), "%064d", 1);
	judge_facts(&v, &facts);
	assert_null(find_rule(&v, "cert-file"));
}

static void test_pin(void **state)
{
	const struct settings_judge judging = {
	        .now = NOW,
	        .pins = {"aa00000000000000000000000000000000000000000000000000000000000000",
	                 "bb00000000000000000000000000000000000000000000000000000000000000"},
	        .pin_count = 2};
	const char(*pins)[SETTINGS_PIN_SIZE] = judging.pins;
	struct cert_chain chain;
	struct facts facts = {.judge = &judging};
	struct verdict v;

	(void)state;
	make_chain(&chain, 30 * DAY);
	facts.chain = &chain;
	snprintf(chain.items[0].sha256, sizeof(chain.items[0].sha256), "%s", pins[1]);
	judge_facts(&v, &facts);
	assert_null(find_rule(&v, "pin"));
	chain.items[0].sha256[0] = 'c';
	judge_facts(&v, &facts);
	assert_rule(&v, "pin", STATE_CRITICAL,
	            "certificate 'CN=db1.example.com' matches no --fingerprint pin (its SHA-256 is "
	            "cb00000000000000000000000000000000000000000000000000000000000000)");
}

/* The anchor counts even when it is not served: named, and its days are the
 * days_left when they are the fewest. */
static void test_anchor(void **state)
{
	struct cert_chain chain;
	struct trust_result t = {.trusted = true,
	                         .store = "ca.pem",
	                         .anchor_known = true,
	                         .anchor_self_signed = true,
	                         .anchor_label = "CN=Corp Root",
	                         .anchor_not_before = NOW - 3650 * DAY,
	                         .anchor_not_after = NOW + 5 * DAY};
	struct facts facts = {.judge = &at_now_14d_7d, .trust = &t};
	struct verdict v;

	(void)state;
	make_chain(&chain, 200 * DAY);
	chain.count = 2; /* the root is not served */
	facts.chain = &chain;
	judge_facts(&v, &facts);
	assert_rule(&v, "anchor", STATE_CRITICAL,
	            "root 'CN=Corp Root' expires in 5d (2026-01-06 00:00 UTC)");
	assert_true(v.expiry.seconds_left == 5.0 * DAY);
	assert_int_equal(v.expiry.index, 2);
	t.anchor_not_after = NOW - DAY;
	judge_facts(&v, &facts);
	assert_rule(&v, "anchor", STATE_CRITICAL,
	            "root 'CN=Corp Root' expired 24h ago (2025-12-31 00:00 UTC)");
	/* Served, it is judged as a served element, not twice. */
	t.anchor_served = true;
	judge_facts(&v, &facts);
	assert_null(find_rule(&v, "anchor"));
	/* An intermediate of the store the server leaves out. */
	t.anchor_served = false;
	t.anchor_self_signed = false;
	t.anchor_not_after = NOW + 900 * DAY;
	snprintf(t.anchor_label, sizeof(t.anchor_label), "CN=Issuing CA");
	judge_facts(&v, &facts);
	assert_null(find_rule(&v, "anchor"));
	assert_rule(&v, "chain", STATE_WARNING,
	            "server does not send intermediate 'CN=Issuing CA'");
}

/* [leaf, I, I, R, R]: the copies are named, not taken for a chain out of
 * order. */
static void test_chain_duplicates(void **state)
{
	struct cert_chain chain;
	struct facts facts = {.judge = &at_now};
	struct verdict v;

	(void)state;
	make_chain(&chain, 200 * DAY);
	chain.items[3] = chain.items[2];
	chain.items[2] = chain.items[1];
	chain.items[4] = chain.items[3];
	chain.count = 5;
	for (size_t i = 0; i < chain.count; i++)
		snprintf(chain.items[i].sha256, sizeof(chain.items[i].sha256), "%064zu",
		         (i + 1) / 2);
	facts.chain = &chain;
	judge_facts(&v, &facts);
	assert_rule(&v, "chain", STATE_WARNING,
	            "server sends 'CN=Issuing CA' twice, 'CN=Root CA' twice in its chain");
	/* Three of one. */
	chain.items[4] = chain.items[1];
	judge_facts(&v, &facts);
	assert_rule(&v, "chain", STATE_WARNING,
	            "server sends 'CN=Issuing CA' 3 times in its chain");
	/* None. */
	chain.count = 2;
	judge_facts(&v, &facts);
	assert_null(find_rule(&v, "chain"));
}

/* OpenSSL judges the times of the anchor in use too: named when not served. */
static void test_anchor_time_format(void **state)
{
	struct cert_chain chain;
	struct trust_result t = {.trusted = true,
	                         .store = "ca.pem",
	                         .anchor_known = true,
	                         .anchor_self_signed = true,
	                         .anchor_label = "CN=Corp Root",
	                         .anchor_not_before = NOW - 3650 * DAY,
	                         .anchor_not_after = NOW + 3000 * DAY,
	                         .anchor_raw_times = true};
	struct facts facts = {.judge = &at_now, .trust = &t};
	struct verdict v;

	(void)state;
	make_chain(&chain, 200 * DAY);
	chain.count = 2;
	facts.chain = &chain;
	set_raw_time(&t.anchor_not_before_raw, false, "160101000000Z");
	set_raw_time(&t.anchor_not_after_raw, false, "340230000000Z");
	judge_facts(&v, &facts);
	assert_rule(&v, "time-format", STATE_CRITICAL,
	            "root 'CN=Corp Root' notAfter '340230000000Z' is not a valid time (30 "
	            "February): OpenSSL-based clients refuse it");
	/* Served, its served copy is the one judged. */
	t.anchor_served = true;
	judge_facts(&v, &facts);
	assert_null(find_rule(&v, "time-format"));
}

static void test_tls_version(void **state)
{
	struct cert_chain chain;
	struct settings_judge judging = {.now = NOW, .min_tls = 13};
	struct facts facts = {.judge = &judging, .tls = {.version = "TLSv1.2"}};
	struct verdict v;

	(void)state;
	make_chain(&chain, 200 * DAY);
	facts.chain = &chain;
	judge_facts(&v, &facts);
	assert_rule(&v, "tls-version", STATE_CRITICAL, "TLSv1.2 negotiated, below --min-tls 1.3");
	facts.tls.version = "TLSv1.3";
	judge_facts(&v, &facts);
	assert_null(find_rule(&v, "tls-version"));
	facts.tls.version = "SSLv3";
	judging.min_tls = 10;
	judge_facts(&v, &facts);
	assert_rule(&v, "tls-version", STATE_CRITICAL, "SSLv3 negotiated, below --min-tls 1.0");
}

static const struct settings_option *rule_option(const char *name)
{
	for (const struct settings_option *o = verdict_options(); o->name != NULL; o++) {
		if (strcmp(o->name, name) == 0)
			return o;
	}
	fail_msg("no rule option --%s", name);
	return NULL;
}

/* The rules' own options write into the judging settings the rules read. */
static void test_rule_options(void **state)
{
	struct settings_judge j = {0};
	struct fault f;

	(void)state;
	assert_int_equal(rule_option("ocsp")->set(&j, "require", &f), 0);
	assert_int_equal(j.ocsp, OCSP_MODE_REQUIRE);
	assert_int_equal(rule_option("ocsp")->set(&j, "sometimes", &f), -1);
	assert_int_equal(f.kind, FAULT_USAGE);
	assert_string_equal(f.text, "invalid --ocsp 'sometimes' (ignore, check or require)");
	assert_int_equal(rule_option("min-tls")->set(&j, "1.2", &f), 0);
	assert_int_equal(j.min_tls, 12);
	assert_int_equal(rule_option("min-tls")->set(&j, "1.4", &f), -1);
	assert_int_equal(rule_option("allow-sha1")->set(&j, NULL, &f), 0);
	assert_true(j.allow_sha1);
	assert_int_equal(rule_option("allow-weak-rsa")->set(&j, NULL, &f), 0);
	assert_true(j.allow_weak_rsa);
	assert_int_equal(rule_option("cert-file")->set(&j, "cert.pem", &f), 0);
	assert_string_equal(j.cert_file, "cert.pem");
	assert_int_equal(
	        rule_option("fingerprint")
	                ->set(&j,
	                      "AA:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:"
	                      "00:00:00:00:00:00:00:00:00:00:00:0B",
	                      &f),
	        0);
	assert_int_equal(j.pin_count, 1);
	assert_string_equal(j.pins[0],
	                    "aa0000000000000000000000000000000000000000000000000000000000000b");
	assert_int_equal(rule_option("fingerprint")->set(&j, "aa", &f), -1);
	/* Every option has its help line; a flag has no value to name. */
	for (const struct settings_option *o = verdict_options(); o->name != NULL; o++)
		assert_true(o->help != NULL && o->set != NULL);
	assert_string_equal(rule_option("min-tls")->value_name, "VERSION");
	assert_null(rule_option("allow-sha1")->value_name);
}

/* Our client certificate, judged with facts built by hand. */
struct client_case {
	struct cert_chain chain;
	struct cert_info ours;
	struct settings_judge judge;
	struct facts facts;
};

/* A served chain good for 300 days and our certificate, LEFT from expiry. */
static void client_case(struct client_case *k, time_t left)
{
	make_chain(&k->chain, 300 * DAY);
	set_cert(&k->ours, CERT_LEAF, "CN=monitor", NOW - 300 * DAY, NOW + left);
	k->judge = at_now_14d_7d;
	k->facts = (struct facts){
	        .chain = &k->chain,
	        .judge = &k->judge,
	        .client = {.cert = &k->ours, .grace = 0.5},
	};
}

static void test_client_verdicts(void **state)
{
	struct client_case k;
	struct facts *facts = &k.facts;
	struct verdict v;

	(void)state;
	client_case(&k, 200 * DAY);
	facts->client.verdict = FACTS_CLIENT_REJECTED;
	facts->client.alert = "Certificate is bad";
	judge_facts(&v, facts);
	assert_rule(&v, "client-cert", STATE_CRITICAL,
	            "server rejected our client certificate 'CN=monitor': alert 'Certificate is "
	            "bad'");
	facts->client.alert = NULL;
	judge_facts(&v, facts);
	assert_rule(&v, "client-cert", STATE_CRITICAL,
	            "server rejected our client certificate 'CN=monitor': it closed the "
	            "connection");
	facts->client.verdict = FACTS_CLIENT_ACCEPTED;
	judge_facts(&v, facts);
	assert_rule(&v, "client-cert", STATE_OK,
	            "server accepted our client certificate 'CN=monitor'");
	assert_int_equal(verdict_worst(&v), STATE_OK);
	facts->client.verdict = FACTS_CLIENT_NOT_REJECTED;
	judge_facts(&v, facts);
	assert_rule(&v, "client-cert", STATE_OK,
	            "server did not reject our client certificate within 0.5s");
	/* TLS 1.3, a hang-up before a word: no acceptance, either cause named. */
	facts->client.verdict = FACTS_CLIENT_HUNG_UP;
	judge_facts(&v, facts);
	assert_rule(&v, "client-cert", STATE_CRITICAL,
	            "server closed the connection right after the handshake, saying nothing: our "
	            "client certificate 'CN=monitor' refused, or no service behind TLS");
	/* The service's failure names the hang-up: no finding of its own. */
	facts->client.hang_up_in_service = true;
	judge_facts(&v, facts);
	assert_null(find_rule(&v, "client-cert"));
	facts->client.hang_up_in_service = false;
	/* Not asked for: no word on it, but its expiry is still judged. */
	facts->client.verdict = FACTS_CLIENT_NOT_SENT;
	judge_facts(&v, facts);
	assert_null(find_rule(&v, "client-cert"));
	assert_true(v.client_expiry.valid);
	/* None given: the note of before. */
	facts->client.cert = NULL;
	facts->client_cert_note = "server requires a client certificate (none given)";
	judge_facts(&v, facts);
	assert_rule(&v, "client-cert", STATE_OK, facts->client_cert_note);
	assert_false(v.client_expiry.valid);
}

/* The ALPN refusal names what was offered, in place of the probe rule; the
 * hang-up after a handshake without ALPN is a WARNING of its own, never the
 * client-cert rule's verdict; with ours sent it may be its refusal too: the
 * same WARNING, naming ours. */
static void test_alpn(void **state)
{
	struct client_case k;
	struct facts *facts = &k.facts;
	struct settings_judge judging = {.now = NOW, .timeout_state = STATE_WARNING};
	static const char *const offered[] = {"h2", "http/1.1"};
	struct facts refused = {
	        .judge = &judging, .alpn_offered = offered, .alpn_offered_count = 2};
	struct fault f;
	struct verdict v;

	(void)state;
	fault_set(&f, FAULT_ALPN, "the server accepts none of the ALPN protocols offered");
	refused.probe_failure = &f;
	judge_facts(&v, &refused);
	assert_single(&v, STATE_CRITICAL,
	              "the server accepts none of the ALPN protocols offered: h2, http/1.1");
	assert_string_equal(v.items[0].rule, "alpn");
	/* Any other failure stays the probe rule's. */
	fault_set(&f, FAULT_HANDSHAKE, "handshake failed");
	judge_facts(&v, &refused);
	assert_single(&v, STATE_CRITICAL, "handshake failed");
	assert_string_equal(v.items[0].rule, "probe");

	client_case(&k, 200 * DAY);
	facts->client.verdict = FACTS_CLIENT_REJECTED;
	facts->closed_without_alpn = true;
	judge_facts(&v, facts);
	assert_rule(&v, "alpn", STATE_WARNING,
	            "server closed the connection right after the handshake, no ALPN "
	            "negotiated: try --alpn=h2 (or it refused our client certificate "
	            "'CN=monitor')");
	assert_null(find_rule(&v, "client-cert"));
	assert_int_equal(verdict_worst(&v), STATE_WARNING);
	/* The chain is judged all the same. */
	assert_non_null(find_rule(&v, "expiry"));
	facts->alpn_offered = &offered[1];
	facts->alpn_offered_count = 1;
	judge_facts(&v, facts);
	assert_rule(&v, "alpn", STATE_WARNING,
	            "server closed the connection right after the handshake, no ALPN "
	            "negotiated (offered: http/1.1) (or it refused our client certificate "
	            "'CN=monitor')");
	/* Given and not asked for, ours was not sent: the hang-up is the ALPN's. */
	facts->client.verdict = FACTS_CLIENT_NOT_SENT;
	judge_facts(&v, facts);
	assert_rule(&v, "alpn", STATE_WARNING,
	            "server closed the connection right after the handshake, no ALPN "
	            "negotiated (offered: http/1.1)");
	facts->alpn_offered_count = 0;
	judge_facts(&v, facts);
	assert_rule(&v, "alpn", STATE_WARNING,
	            "server closed the connection right after the handshake, no ALPN "
	            "negotiated: try --alpn=h2");
	assert_int_equal(verdict_worst(&v), STATE_WARNING);
	/* None given: no note that reads the silence either. */
	facts->client.cert = NULL;
	facts->client_cert_note = "server asks for a client certificate (none given)";
	judge_facts(&v, facts);
	assert_null(find_rule(&v, "client-cert"));
	assert_rule(&v, "alpn", STATE_WARNING,
	            "server closed the connection right after the handshake, no ALPN "
	            "negotiated: try --alpn=h2");
	facts->client.cert = &k.ours;
	facts->client.verdict = FACTS_CLIENT_NOT_REJECTED;
	/* Without the hang-up, nothing. */
	facts->closed_without_alpn = false;
	judge_facts(&v, facts);
	assert_null(find_rule(&v, "alpn"));
	assert_non_null(find_rule(&v, "client-cert"));
}

/* The service rule: what the service's answer confirmed is an OK finding of
 * its own; a refusal in its own words (gRPC NOT_SERVING) a WARNING; nothing
 * after a failed probe. */
static void test_service(void **state)
{
	struct client_case k;
	struct facts *facts = &k.facts;
	struct fault f;
	struct verdict v;

	(void)state;
	client_case(&k, 200 * DAY);
	facts->client.cert = NULL;
	facts->service_confirmed = "gRPC health SERVING";
	judge_facts(&v, facts);
	assert_rule(&v, "service", STATE_OK, "gRPC health SERVING");
	assert_int_equal(verdict_worst(&v), STATE_OK);
	fault_set(&f, FAULT_REFUSED, "gRPC health NOT_SERVING");
	facts->service_confirmed = NULL;
	facts->after_failure = &f;
	judge_facts(&v, facts);
	assert_rule(&v, "service", STATE_WARNING, "gRPC health NOT_SERVING");
	fault_set(&f, FAULT_HANDSHAKE, "handshake failed");
	facts->after_failure = NULL;
	facts->service_confirmed = "gRPC health SERVING";
	facts->probe_failure = &f;
	judge_facts(&v, facts);
	assert_null(find_rule(&v, "service"));
}

/* A chain sent by a server that never proved it holds the key: a WARNING of
 * its own, the chain judged all the same, nothing on a proven one or after a
 * failed probe. */
static void test_key_proof(void **state)
{
	const struct trust_result t = {.trusted = true, .store = "root.pem"};
	struct client_case k;
	struct facts *facts = &k.facts;
	struct fault f;
	struct verdict v;

	(void)state;
	client_case(&k, 200 * DAY);
	facts->client.cert = NULL;
	facts->trust = &t;
	facts->client_cert_note = "server requires a client certificate (none given)";
	judge_facts(&v, facts);
	assert_null(find_rule(&v, "key-proof"));
	assert_int_equal(verdict_worst(&v), STATE_OK);

	facts->chain_unproven = true;
	judge_facts(&v, facts);
	assert_rule(&v, "key-proof", STATE_WARNING,
	            "server asked for a client certificate before proving it holds the key "
	            "(static RSA key exchange): its chain is reported but not proven to be the "
	            "server's (give --client-cert to complete the handshake)");
	assert_int_equal(verdict_worst(&v), STATE_WARNING);
	assert_rule(&v, "trust", STATE_OK, "chain trusted by root.pem");
	assert_rule(&v, "client-cert", STATE_OK, facts->client_cert_note);
	assert_true(v.expiry.valid);

	/* Ours sent and refused: CRITICAL for that, and no advice to send one. */
	client_case(&k, 200 * DAY);
	facts->chain_unproven = true;
	facts->client.verdict = FACTS_CLIENT_REJECTED;
	judge_facts(&v, facts);
	assert_rule(&v, "key-proof", STATE_WARNING,
	            "server asked for a client certificate before proving it holds the key "
	            "(static RSA key exchange): its chain is reported but not proven to be the "
	            "server's");
	assert_int_equal(verdict_worst(&v), STATE_CRITICAL);

	/* No chain, or a failed probe: nothing to call unproven. */
	facts->chain = NULL;
	judge_facts(&v, facts);
	assert_null(find_rule(&v, "key-proof"));
	client_case(&k, 200 * DAY);
	facts->chain_unproven = true;
	fault_set(&f, FAULT_TIMEOUT, "timeout");
	facts->probe_failure = &f;
	k.judge.timeout_state = STATE_CRITICAL;
	judge_facts(&v, facts);
	assert_null(find_rule(&v, "key-proof"));
}

static void test_client_expiry(void **state)
{
	struct client_case k;
	struct facts *facts = &k.facts;
	struct verdict v;

	(void)state;
	client_case(&k, 10 * DAY);
	judge_facts(&v, facts);
	assert_rule(&v, "client-expiry", STATE_WARNING,
	            "client certificate 'CN=monitor' expires in 10d (2026-01-11 00:00 UTC)");
	assert_true(v.client_expiry.valid);
	assert_true(v.client_expiry.seconds_left == 10.0 * DAY);
	assert_true(v.client_expiry.warning_seconds == 14.0 * DAY);
	/* The served chain's days stay days_left. */
	assert_true(v.expiry.seconds_left == 300.0 * DAY);
	client_case(&k, 5 * DAY);
	judge_facts(&v, facts);
	assert_rule(&v, "client-expiry", STATE_CRITICAL,
	            "client certificate 'CN=monitor' expires in 5d (2026-01-06 00:00 UTC)");
	client_case(&k, -2 * DAY);
	judge_facts(&v, facts);
	assert_rule(&v, "client-expiry", STATE_CRITICAL,
	            "client certificate 'CN=monitor' expired 2d ago (2025-12-30 00:00 UTC)");
	client_case(&k, 100 * DAY);
	judge_facts(&v, facts);
	assert_null(find_rule(&v, "client-expiry"));
}

static void test_client_usage_and_key(void **state)
{
	struct client_case k;
	struct facts *facts = &k.facts;
	struct verdict v;

	(void)state;
	client_case(&k, 100 * DAY);
	facts->client.lacks_client_auth = true;
	facts->client.exposed_key_file = "monitor.key";
	judge_facts(&v, facts);
	assert_rule(&v, "client-usage", STATE_WARNING,
	            "client certificate 'CN=monitor' lacks the clientAuth extended key usage: "
	            "servers will refuse it");
	assert_rule(&v, "client-key", STATE_WARNING,
	            "client key file 'monitor.key' is readable by every user (chmod o-r)");
	facts->client.lacks_client_auth = false;
	facts->client.exposed_key_file = NULL;
	judge_facts(&v, facts);
	assert_null(find_rule(&v, "client-usage"));
	assert_null(find_rule(&v, "client-key"));
	assert_int_equal(verdict_worst(&v), STATE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_expiry_ok_fact),
	        cmocka_unit_test(test_expiry_warning_boundary),
	        cmocka_unit_test(test_expiry_critical_boundary),
	        cmocka_unit_test(test_expiry_before_1970),
	        cmocka_unit_test(test_expiry_expired),
	        cmocka_unit_test(test_expiry_not_yet_valid),
	        cmocka_unit_test(test_expiry_intermediate_first),
	        cmocka_unit_test(test_expiry_tie_goes_to_leaf),
	        cmocka_unit_test(test_expiry_percent),
	        cmocka_unit_test(test_expiry_percent_short_lived),
	        cmocka_unit_test(test_expiry_zero_means_never),
	        cmocka_unit_test(test_expiry_empty_chain),
	        cmocka_unit_test(test_add_and_worst),
	        cmocka_unit_test(test_add_truncates),
	        cmocka_unit_test(test_add_overflow_keeps_worst),
	        cmocka_unit_test(test_sort),
	        cmocka_unit_test(test_sort_stable_and_small),
	        cmocka_unit_test(test_trust),
	        cmocka_unit_test(test_trust_failure),
	        cmocka_unit_test(test_name),
	        cmocka_unit_test(test_probe_failure),
	        cmocka_unit_test(test_ocsp_absent),
	        cmocka_unit_test(test_ocsp_status),
	        cmocka_unit_test(test_ocsp_dates),
	        cmocka_unit_test(test_ocsp_defects),
	        cmocka_unit_test(test_crypto_signatures),
	        cmocka_unit_test(test_crypto_rsa_keys),
	        cmocka_unit_test(test_time_format),
	        cmocka_unit_test(test_anchor_time_format),
	        cmocka_unit_test(test_rules_in_order),
	        cmocka_unit_test(test_trust_internal_ca_hint),
	        cmocka_unit_test(test_cert_file),
	        cmocka_unit_test(test_pin),
	        cmocka_unit_test(test_anchor),
	        cmocka_unit_test(test_chain_duplicates),
	        cmocka_unit_test(test_tls_version),
	        cmocka_unit_test(test_rule_options),
	        cmocka_unit_test(test_client_verdicts),
	        cmocka_unit_test(test_key_proof),
	        cmocka_unit_test(test_service),
	        cmocka_unit_test(test_client_expiry),
	        cmocka_unit_test(test_client_usage_and_key),
	        cmocka_unit_test(test_alpn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
