/* Unit tests of dane (TLSA records held against a served chain).
 *
 * The certificates are made here, at test time, with GnuTLS (ECDSA P-256):
 *   ROOT   "Test Root CA", self-signed
 *   INT    "Test Issuing CA", issued by ROOT
 *   LEAF   "mx.example.test" (SAN too), issued by INT, 2026-01-01 .. 2027-01-01
 *   OLD    "mx.example.test" with another key: the key before a renewal
 *   OTHER  "Other CA", self-signed, unrelated: served but on no path
 *   STALE  "mx.example.test", issued by INT, expired 2026-03-01
 * and judged at NOW, 2026-06-01.
 */
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
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "dane.h"

#define DAY      86400
#define NOW      1780272000 /* 2026-06-01 */
#define JAN_2026 1767225600 /* 2026-01-01 */
#define JAN_2027 1798761600 /* 2027-01-01 */
#define MAR_2026 1772323200 /* 2026-03-01 */
#define JAN_2025 1735689600 /* 2025-01-01 */
#define JAN_2035 2051222400 /* 2035-01-01 */

struct made {
	gnutls_x509_crt_t crt;
	gnutls_x509_privkey_t key;
	gnutls_datum_t der;
};

enum { ROOT, INT, LEAF, OLD, OTHER, STALE, MADE_COUNT };

static struct made made[MADE_COUNT];

static void make(struct made *m, const char *cn, const struct made *issuer, bool ca, time_t from,
                 time_t until)
{
	static unsigned serial = 1;
	unsigned char sn[4] = {0, 0, 0, (unsigned char)serial++};

	assert_int_equal(gnutls_x509_privkey_init(&m->key), 0);
	assert_int_equal(
	        gnutls_x509_privkey_generate(m->key, GNUTLS_PK_ECDSA,
	                                     GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
	        0);
	assert_int_equal(gnutls_x509_crt_init(&m->crt), 0);
	assert_int_equal(gnutls_x509_crt_set_version(m->crt, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(m->crt, sn, sizeof(sn)), 0);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(m->crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
	                                               (unsigned)strlen(cn)),
	                 0);
	assert_int_equal(gnutls_x509_crt_set_key(m->crt, m->key), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(m->crt, from), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(m->crt, until), 0);
	assert_int_equal(gnutls_x509_crt_set_basic_constraints(m->crt, ca, -1), 0);
	if (ca) {
		assert_int_equal(gnutls_x509_crt_set_key_usage(m->crt, GNUTLS_KEY_KEY_CERT_SIGN),
		                 0);
	} else {
		assert_int_equal(
		        gnutls_x509_crt_set_key_usage(m->crt, GNUTLS_KEY_DIGITAL_SIGNATURE), 0);
		assert_int_equal(gnutls_x509_crt_set_subject_alt_name(m->crt, GNUTLS_SAN_DNSNAME,
		                                                      cn, (unsigned)strlen(cn),
		                                                      GNUTLS_FSAN_SET),
		                 0);
	}
	if (issuer == NULL)
		issuer = m;
	assert_int_equal(
	        gnutls_x509_crt_sign2(m->crt, issuer->crt, issuer->key, GNUTLS_DIG_SHA256, 0), 0);
	assert_int_equal(gnutls_x509_crt_export2(m->crt, GNUTLS_X509_FMT_DER, &m->der), 0);
}

static int make_all(void **state)
{
	(void)state;
	make(&made[ROOT], "Test Root CA", NULL, true, JAN_2025, JAN_2035);
	make(&made[INT], "Test Issuing CA", &made[ROOT], true, JAN_2025, JAN_2035);
	make(&made[LEAF], "mx.example.test", &made[INT], false, JAN_2026, JAN_2027);
	make(&made[OLD], "mx.example.test", &made[INT], false, JAN_2026, JAN_2027);
	make(&made[OTHER], "Other CA", NULL, true, JAN_2025, JAN_2035);
	make(&made[STALE], "mx.example.test", &made[INT], false, JAN_2026 - 60 * DAY, MAR_2026);
	return 0;
}

static int free_all(void **state)
{
	(void)state;
	for (size_t i = 0; i < MADE_COUNT; i++) {
		gnutls_x509_crt_deinit(made[i].crt);
		gnutls_x509_privkey_deinit(made[i].key);
		gnutls_free(made[i].der.data);
	}
	return 0;
}

/* The served chain of the certificates named by WHICH, in order. */
static void serve(struct cert_chain *chain, const int *which, size_t count)
{
	gnutls_datum_t der[8];
	struct fault f;

	for (size_t i = 0; i < count; i++)
		der[i] = made[which[i]].der;
	memset(chain, 0, sizeof(*chain));
	assert_int_equal(cert_chain_load(chain, der, count, &f), 0);
}

/* A record's data for WHO under SELECTOR and MTYPE, into BUF; its length. */
static size_t data_of(int who, unsigned selector, unsigned mtype, unsigned char *buf, size_t size)
{
	gnutls_datum_t der = {NULL, 0};
	gnutls_pubkey_t key;
	size_t len;

	if (selector == 0) {
		assert_int_equal(gnutls_x509_crt_export2(made[who].crt, GNUTLS_X509_FMT_DER, &der),
		                 0);
	} else {
		assert_int_equal(gnutls_pubkey_init(&key), 0);
		assert_int_equal(gnutls_pubkey_import_x509(key, made[who].crt, 0), 0);
		assert_int_equal(gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, &der), 0);
		gnutls_pubkey_deinit(key);
	}
	if (mtype == 0) {
		assert_true(der.size <= size);
		memcpy(buf, der.data, der.size);
		len = der.size;
	} else {
		gnutls_digest_algorithm_t algo = mtype == 1 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_SHA512;

		assert_int_equal(gnutls_hash_fast(algo, der.data, der.size, buf), 0);
		len = gnutls_hash_get_len(algo);
	}
	gnutls_free(der.data);
	return len;
}

struct fixture {
	unsigned char data[8][2048];
	struct dane_record records[8];
	struct dane_verdict verdicts[8];
	struct dane_summary summary;
	struct cert_chain chain;
	struct dane_input in;
	size_t count;
};

static struct fixture *fixture_new(const int *served, size_t served_count)
{
	struct fixture *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	serve(&x->chain, served, served_count);
	x->in.records = x->records;
	x->in.chain = &x->chain;
	x->in.base_domain = "mx.example.test";
	x->in.pkix_verified = DANE_PKIX_NONE;
	x->in.now = NOW;
	return x;
}

static void fixture_free(struct fixture *x)
{
	cert_chain_clear(&x->chain);
	free(x);
}

/* Add the record "USAGE SELECTOR MTYPE" of WHO's certificate. */
static void add(struct fixture *x, unsigned usage, unsigned selector, unsigned mtype, int who)
{
	struct dane_record *r = &x->records[x->count];

	r->usage = (uint8_t)usage;
	r->selector = (uint8_t)selector;
	r->mtype = (uint8_t)mtype;
	r->data = x->data[x->count];
	r->len = data_of(who, selector, mtype, x->data[x->count], sizeof(x->data[0]));
	x->in.count = ++x->count;
}

static void run(struct fixture *x)
{
	struct fault f;

	assert_int_equal(dane_match(&x->in, x->verdicts, &x->summary, &f), 0);
}

static const int SERVED[] = {LEAF, INT, ROOT};

static void expect_match(unsigned usage, unsigned selector, unsigned mtype, int who, size_t element)
{
	struct fixture *x = fixture_new(SERVED, 3);

	add(x, usage, selector, mtype, who);
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_MATCHED);
	assert_int_equal(x->verdicts[0].element, element);
	assert_int_equal(x->summary.records, 1);
	assert_int_equal(x->summary.usable, 1);
	assert_int_equal(x->summary.matching, 1);
	assert_int_equal(x->summary.first_match, 0);
	fixture_free(x);
}

static void test_ee_spki_sha256_current(void **state)
{
	(void)state;
	expect_match(3, 1, 1, LEAF, 0);
}

static void test_ee_other_forms(void **state)
{
	(void)state;
	expect_match(3, 1, 0, LEAF, 0);
	expect_match(3, 1, 2, LEAF, 0);
	expect_match(3, 0, 1, LEAF, 0);
	expect_match(3, 0, 0, LEAF, 0);
}

static void test_ee_old_key_is_unmatched(void **state)
{
	struct fixture *x = fixture_new(SERVED, 3);

	(void)state;
	add(x, 3, 1, 1, OLD);
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_UNMATCHED);
	assert_int_equal(x->summary.usable, 1);
	assert_int_equal(x->summary.matching, 0);
	assert_int_equal(x->summary.first_match, -1);
	fixture_free(x);
}

/* DANE-EE matches the leaf only: a 3 x x record of the issuing CA does not. */
static void test_ee_matches_the_leaf_only(void **state)
{
	struct fixture *x = fixture_new(SERVED, 3);

	(void)state;
	add(x, 3, 0, 1, INT);
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_UNMATCHED);
	fixture_free(x);
}

/* RFC 7671 section 5.1: DANE-EE ignores names and dates. */
static void test_ee_ignores_names_and_dates(void **state)
{
	static const int stale[] = {STALE, INT, ROOT};
	struct fixture *x = fixture_new(stale, 3);

	(void)state;
	x->in.base_domain = "elsewhere.test";
	add(x, 3, 1, 1, STALE);
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_MATCHED);
	fixture_free(x);
}

static void test_ta_issuing_ca(void **state)
{
	(void)state;
	expect_match(2, 0, 1, INT, 1);
	expect_match(2, 1, 1, INT, 1);
}

static void test_ta_root_at_depth_2(void **state)
{
	(void)state;
	expect_match(2, 0, 1, ROOT, 2);
}

/* A CA the server sent that is not on the leaf's path does not count. */
static void test_ta_unrelated_served_ca(void **state)
{
	static const int served[] = {LEAF, INT, OTHER};
	struct fixture *x = fixture_new(served, 3);

	(void)state;
	add(x, 2, 0, 1, OTHER);
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_UNMATCHED);
	assert_non_null(strstr(x->verdicts[0].detail, "'CN=Other CA'"));
	assert_non_null(strstr(x->verdicts[0].detail, "not on the leaf's issuer path"));
	assert_int_equal(x->summary.matching, 0);
	/* The issuing CA beside it still anchors the path. */
	add(x, 2, 0, 1, INT);
	run(x);
	assert_int_equal(x->verdicts[1].outcome, DANE_MATCHED);
	assert_int_equal(x->verdicts[1].element, 1);
	fixture_free(x);
}

/* DANE-TA checks the leaf's name against the TLSA base domain. */
static void test_ta_name_checked(void **state)
{
	struct fixture *x = fixture_new(SERVED, 3);

	(void)state;
	x->in.base_domain = "elsewhere.test";
	add(x, 2, 0, 1, INT);
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_UNMATCHED);
	assert_non_null(strstr(x->verdicts[0].detail, "does not carry the name 'elsewhere.test'"));
	/* For SMTP the MX host is a reference identifier too (RFC 7672 section 3.2.2). */
	x->in.smtp = true;
	x->in.mx_host = "mx.example.test";
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_MATCHED);
	fixture_free(x);
}

static void test_ta_dates_checked(void **state)
{
	static const int stale[] = {STALE, INT, ROOT};
	struct fixture *x = fixture_new(stale, 3);

	(void)state;
	add(x, 2, 0, 1, INT);
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_UNMATCHED);
	assert_non_null(strstr(x->verdicts[0].detail, "expired on 2026-03-01"));
	fixture_free(x);
}

/* A leaf issued by a CA forged with INT's name but its own key: the path is
 * found by name, GnuTLS refuses the signature. */
static void test_ta_path_must_verify(void **state)
{
	struct made fake = {0};
	struct made forged = {0};
	gnutls_datum_t der[2];
	struct fixture *x = fixture_new(SERVED, 3);
	struct fault f;

	(void)state;
	make(&fake, "Test Issuing CA", NULL, true, JAN_2025, JAN_2035);
	make(&forged, "mx.example.test", &fake, false, JAN_2026, JAN_2027);
	cert_chain_clear(&x->chain);
	der[0] = forged.der;
	der[1] = made[INT].der;
	assert_int_equal(cert_chain_load(&x->chain, der, 2, &f), 0);
	add(x, 2, 0, 1, INT);
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_UNMATCHED);
	assert_non_null(strstr(x->verdicts[0].detail, "a signature on it is bad"));
	/* What the CA-store check verified is taken, not verified again (it
	 * would not have passed this chain: the verdict trusts its word). */
	x->in.pkix_trusted = true;
	x->in.pkix_verified = DANE_PKIX_WHOLE_PATH;
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_MATCHED);
	x->in.pkix_verified = 1;
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_MATCHED);
	/* Anchored at the leaf: the leaf's signature was never checked. */
	x->in.pkix_verified = 0;
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_UNMATCHED);
	fixture_free(x);
	for (struct made *m = &fake; m != NULL; m = m == &fake ? &forged : NULL) {
		gnutls_x509_crt_deinit(m->crt);
		gnutls_x509_privkey_deinit(m->key);
		gnutls_free(m->der.data);
	}
}

/* RFC 7671 section 8.1: current and next during a rollover. */
static void test_rollover(void **state)
{
	struct fixture *x = fixture_new(SERVED, 3);

	(void)state;
	add(x, 3, 1, 1, OLD);
	add(x, 3, 1, 1, LEAF);
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_UNMATCHED);
	assert_int_equal(x->verdicts[1].outcome, DANE_MATCHED);
	assert_int_equal(x->summary.records, 2);
	assert_int_equal(x->summary.usable, 2);
	assert_int_equal(x->summary.matching, 1);
	assert_int_equal(x->summary.first_match, 1);
	fixture_free(x);
}

static void test_pkix_for_smtp_is_unusable(void **state)
{
	struct fixture *x = fixture_new(SERVED, 3);

	(void)state;
	x->in.smtp = true;
	x->in.pkix_trusted = true;
	add(x, 1, 1, 1, LEAF);
	add(x, 0, 0, 1, ROOT);
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_UNUSABLE);
	assert_int_equal(x->verdicts[0].why, DANE_PKIX_FOR_SMTP);
	assert_int_equal(x->verdicts[1].why, DANE_PKIX_FOR_SMTP);
	assert_non_null(strstr(x->verdicts[0].detail, "not for SMTP"));
	assert_int_equal(x->summary.usable, 0);
	fixture_free(x);
}

static void test_pkix_needs_the_ca_check(void **state)
{
	struct fixture *x = fixture_new(SERVED, 3);

	(void)state;
	add(x, 1, 1, 1, LEAF);
	add(x, 0, 0, 1, ROOT);
	run(x);
	assert_int_equal(x->verdicts[0].why, DANE_PKIX_UNTRUSTED);
	assert_int_equal(x->verdicts[1].why, DANE_PKIX_UNTRUSTED);
	x->in.pkix_trusted = true;
	x->in.pkix_verified = DANE_PKIX_WHOLE_PATH;
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_MATCHED);
	assert_int_equal(x->verdicts[1].outcome, DANE_MATCHED);
	assert_int_equal(x->verdicts[1].element, 2);
	/* PKIX-TA: only inside the path the CA store verified. Anchored at the
	 * intermediate, the served root above it was never verified. */
	x->in.pkix_verified = 1;
	run(x);
	assert_int_equal(x->verdicts[1].outcome, DANE_UNMATCHED);
	x->in.pkix_verified = DANE_PKIX_NONE;
	run(x);
	assert_int_equal(x->verdicts[1].outcome, DANE_UNMATCHED);
	add(x, 0, 0, 1, INT);
	x->in.pkix_verified = 1;
	run(x);
	assert_int_equal(x->verdicts[2].outcome, DANE_MATCHED);
	assert_int_equal(x->verdicts[2].element, 1);
	fixture_free(x);
}

static void expect_unusable(struct fixture *x, size_t i, enum dane_why why, const char *text)
{
	assert_int_equal(x->verdicts[i].outcome, DANE_UNUSABLE);
	assert_int_equal(x->verdicts[i].why, why);
	assert_string_equal(x->verdicts[i].detail, text);
}

static void test_unknown_numbers(void **state)
{
	struct fixture *x = fixture_new(SERVED, 3);

	(void)state;
	add(x, 4, 1, 1, LEAF);
	add(x, 3, 2, 1, LEAF);
	add(x, 3, 1, 255, LEAF);
	add(x, 255, 255, 255, LEAF);
	run(x);
	expect_unusable(x, 0, DANE_UNKNOWN_USAGE, "unknown usage 4");
	expect_unusable(x, 1, DANE_UNKNOWN_SELECTOR, "unknown selector 2");
	expect_unusable(x, 2, DANE_UNKNOWN_MTYPE, "unknown matching type 255");
	expect_unusable(x, 3, DANE_UNKNOWN_USAGE, "unknown usage 255");
	x->records[0].malformed = true;
	x->records[1].data = NULL;
	x->records[1].selector = 1;
	x->records[1].mtype = 0;
	x->records[1].len = 4000;
	run(x);
	expect_unusable(x, 0, DANE_MALFORMED, "malformed: fewer than 3 bytes");
	/* What was not read neither matches nor counts as a mismatch. */
	expect_unusable(x, 1, DANE_NOT_READ, "its 4000 bytes of data were not read");
	assert_int_equal(x->summary.records, 4);
	assert_int_equal(x->summary.usable, 0);
	fixture_free(x);
}

static void test_bad_lengths(void **state)
{
	struct fixture *x = fixture_new(SERVED, 3);

	(void)state;
	add(x, 3, 1, 1, LEAF);
	x->records[0].len = 31;
	add(x, 3, 1, 2, LEAF);
	x->records[1].len = 32;
	add(x, 3, 1, 1, LEAF);
	x->records[2].len = 0;
	add(x, 3, 1, 0, LEAF);
	x->records[3].len = 0;
	run(x);
	expect_unusable(x, 0, DANE_BAD_LENGTH, "SHA-256 data of 31 bytes, not 32");
	expect_unusable(x, 1, DANE_BAD_LENGTH, "SHA-512 data of 32 bytes, not 64");
	expect_unusable(x, 2, DANE_BAD_LENGTH, "SHA-256 data of 0 bytes, not 32");
	expect_unusable(x, 3, DANE_NO_DATA, "no data");
	fixture_free(x);
}

/* Exact matching takes data of any length: 64 KiB of it matches nothing. */
static void test_huge_data(void **state)
{
	struct fixture *x = fixture_new(SERVED, 3);
	unsigned char *huge = calloc(1, 65535);
	char label[64];
	char want[64];
	const unsigned char *d = made[LEAF].der.data;

	(void)state;
	assert_non_null(huge);
	add(x, 3, 0, 0, LEAF);
	add(x, 2, 0, 0, LEAF);
	memcpy(huge, made[LEAF].der.data, made[LEAF].der.size);
	x->records[0].data = huge;
	x->records[0].len = 65535;
	x->records[1].data = huge;
	x->records[1].len = 65535;
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_UNMATCHED);
	assert_int_equal(x->verdicts[1].outcome, DANE_UNMATCHED);
	dane_record_label(&x->records[0], 0, label, sizeof(label));
	snprintf(want, sizeof(want), "3 0 0 #1 (%02x%02x%02x%02x...)", d[0], d[1], d[2], d[3]);
	assert_string_equal(label, want);
	free(huge);
	fixture_free(x);
}

static void test_no_chain(void **state)
{
	struct fixture *x = fixture_new(SERVED, 0);

	(void)state;
	add(x, 3, 1, 1, LEAF);
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_UNMATCHED);
	assert_int_equal(x->summary.usable, 1);
	fixture_free(x);
}

static void test_spki_sha256_is_the_311_data(void **state)
{
	unsigned char sum[32];
	const gnutls_datum_t raw = {sum, sizeof(sum)};
	char want[65];
	char hex[65];
	size_t size = sizeof(want);
	struct fault f;

	(void)state;
	data_of(LEAF, 1, 1, sum, sizeof(sum));
	assert_int_equal(gnutls_hex_encode(&raw, want, &size), 0);
	assert_int_equal(dane_spki_sha256(made[LEAF].crt, hex, &f), 0);
	assert_string_equal(hex, want);
	assert_int_equal(strlen(hex), 64);
}

/* The renewed certificate on disk, held against the records before the reload. */
static void test_renewed_leaf(void **state)
{
	struct fixture *x = fixture_new(SERVED, 3);
	struct cert_chain renewed;
	const int old[] = {OLD};
	struct fault f;

	(void)state;
	serve(&renewed, old, 1);
	add(x, 3, 1, 1, LEAF);
	assert_int_equal(dane_match_leaf(&x->in, &renewed.items[0], x->verdicts, &x->summary, &f),
	                 0);
	assert_int_equal(x->summary.matching, 0);
	/* Through the served issuing CA, a DANE-TA record still matches. */
	add(x, 2, 0, 1, INT);
	assert_int_equal(dane_match_leaf(&x->in, &renewed.items[0], x->verdicts, &x->summary, &f),
	                 0);
	assert_int_equal(x->verdicts[0].outcome, DANE_UNMATCHED);
	assert_int_equal(x->verdicts[1].outcome, DANE_MATCHED);
	/* The served chain is left as it was. */
	run(x);
	assert_int_equal(x->verdicts[0].outcome, DANE_MATCHED);
	cert_chain_clear(&renewed);
	fixture_free(x);
}

static void test_labels(void **state)
{
	static const unsigned char data[] = {0x8a, 0x3f, 0x5c, 0x1d, 0x00, 0x01};
	struct dane_record r = {3, 1, 1, data, sizeof(data), false};
	char label[64];
	char *text;

	(void)state;
	dane_record_label(&r, 1, label, sizeof(label));
	assert_string_equal(label, "3 1 1 #2 (8a3f5c1d...)");
	r.len = 2;
	dane_record_label(&r, 0, label, sizeof(label));
	assert_string_equal(label, "3 1 1 #1 (8a3f)");
	text = dane_record_text(&r);
	assert_string_equal(text, "3 1 1 8a3f");
	free(text);
	r.data = NULL;
	r.len = 3000;
	dane_record_label(&r, 2, label, sizeof(label));
	assert_string_equal(label, "3 1 1 #3 (3000 bytes)");
	text = dane_record_text(&r);
	assert_string_equal(text, "3 1 1 ");
	free(text);
	r.len = 0;
	dane_record_label(&r, 0, label, sizeof(label));
	assert_string_equal(label, "3 1 1 #1 (no data)");
	text = dane_record_text(&r);
	assert_string_equal(text, "3 1 1 ");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ee_spki_sha256_current),
	        cmocka_unit_test(test_ee_other_forms),
	        cmocka_unit_test(test_ee_old_key_is_unmatched),
	        cmocka_unit_test(test_ee_matches_the_leaf_only),
	        cmocka_unit_test(test_ee_ignores_names_and_dates),
	        cmocka_unit_test(test_ta_issuing_ca),
	        cmocka_unit_test(test_ta_root_at_depth_2),
	        cmocka_unit_test(test_ta_unrelated_served_ca),
	        cmocka_unit_test(test_ta_name_checked),
	        cmocka_unit_test(test_ta_dates_checked),
	        cmocka_unit_test(test_ta_path_must_verify),
	        cmocka_unit_test(test_rollover),
	        cmocka_unit_test(test_pkix_for_smtp_is_unusable),
	        cmocka_unit_test(test_pkix_needs_the_ca_check),
	        cmocka_unit_test(test_unknown_numbers),
	        cmocka_unit_test(test_bad_lengths),
	        cmocka_unit_test(test_huge_data),
	        cmocka_unit_test(test_no_chain),
	        cmocka_unit_test(test_spki_sha256_is_the_311_data),
	        cmocka_unit_test(test_renewed_leaf),
	        cmocka_unit_test(test_labels),
	};

	return cmocka_run_group_tests(tests, make_all, free_all);
}
