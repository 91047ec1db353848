/* Unit tests of validity: the walk of a certificate's DER to its validity
 * times, and the times read as RFC 5280 writes them. The certificates are
 * built here, field by field: nothing but their shape up to Validity counts. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "validity.h"

#define DER_MAX 1024

struct der_buf {
	unsigned char bytes[DER_MAX];
	size_t size;
};

static void put(struct der_buf *b, const void *data, size_t size)
{
	assert_true(b->size + size <= sizeof(b->bytes));
	if (size == 0)
		return;
	memcpy(b->bytes + b->size, data, size);
	b->size += size;
}

/* TAG and the DER length of SIZE (short form, or long form in two octets). */
static void put_header(struct der_buf *b, unsigned char tag, size_t size)
{
	unsigned char header[4] = {tag};

	if (size < 0x80) {
		header[1] = (unsigned char)size;
		put(b, header, 2);
		return;
	}
	header[1] = 0x82;
	header[2] = (unsigned char)(size >> 8);
	header[3] = (unsigned char)size;
	put(b, header, 4);
}

static void put_tlv(struct der_buf *b, unsigned char tag, const void *value, size_t size)
{
	put_header(b, tag, size);
	put(b, value, size);
}

struct shape {
	bool version;      /* a v3 certificate's [0] version */
	size_t issuer_pad; /* octets of issuer, to force long-form lengths */
	unsigned char tags[2];
	const char *times[2];
};

/* A certificate of SHAPE: TBSCertificate up to its validity and a subject,
 * then a signature algorithm and a signature that no one checks here. */
static void build(struct der_buf *cert, const struct shape *s)
{
	static const unsigned char version[] = {0x02, 0x01, 0x02};
	static const unsigned char serial[] = {0x01};
	static const unsigned char algorithm[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
	                                          0xce, 0x3d, 0x04, 0x03, 0x02};
	unsigned char issuer[300] = {0};
	struct der_buf validity = {0}, tbs = {0}, body = {0};

	for (int i = 0; i < 2; i++)
		put_tlv(&validity, s->tags[i], s->times[i], strlen(s->times[i]));
	if (s->version)
		put_tlv(&tbs, 0xa0, version, sizeof(version));
	put_tlv(&tbs, 0x02, serial, sizeof(serial));
	put_tlv(&tbs, 0x30, algorithm, sizeof(algorithm));
	put_tlv(&tbs, 0x30, issuer, s->issuer_pad);
	put_tlv(&tbs, 0x30, validity.bytes, validity.size);
	put_tlv(&tbs, 0x30, NULL, 0);
	put_tlv(&body, 0x30, tbs.bytes, tbs.size);
	put_tlv(&body, 0x30, algorithm, sizeof(algorithm));
	put_tlv(&body, 0x03, "\0", 1);
	cert->size = 0;
	put_tlv(cert, 0x30, body.bytes, body.size);
}

static const struct shape plain = {
        .version = true,
        .tags = {0x17, 0x18},
        .times = {"260101000000Z", "20270601120030Z"},
};

static void test_reads_both_times(void **state)
{
	struct validity_time nb, na;
	struct der_buf cert;
	struct shape v1 = plain;

	(void)state;
	build(&cert, &plain);
	assert_int_equal(validity_read(cert.bytes, cert.size, &nb, &na), 0);
	assert_false(nb.generalized);
	assert_string_equal(nb.text, "260101000000Z");
	assert_int_equal(nb.length, 13);
	assert_true(na.generalized);
	assert_string_equal(na.text, "20270601120030Z");

	/* A v1 certificate has no version; long-form lengths are read too. */
	v1.version = false;
	v1.issuer_pad = 200;
	build(&cert, &v1);
	assert_true(cert.bytes[1] == 0x82);
	assert_int_equal(validity_read(cert.bytes, cert.size, &nb, &na), 0);
	assert_string_equal(na.text, "20270601120030Z");
}

static void test_refuses_what_is_no_certificate(void **state)
{
	struct validity_time nb, na;
	struct der_buf cert;
	struct shape octets = plain;

	(void)state;
	build(&cert, &plain);
	/* Every prefix cuts the certificate's own TLV short. */
	for (size_t size = 0; size < cert.size; size++)
		assert_int_equal(validity_read(cert.bytes, size, &nb, &na), -1);
	/* A length past its container. */
	cert.bytes[3] = 0x7f;
	assert_int_equal(validity_read(cert.bytes, cert.size, &nb, &na), -1);
	/* Indefinite and over-wide lengths. */
	build(&cert, &plain);
	cert.bytes[1] = 0x80;
	assert_int_equal(validity_read(cert.bytes, cert.size, &nb, &na), -1);
	cert.bytes[1] = 0x89;
	assert_int_equal(validity_read(cert.bytes, cert.size, &nb, &na), -1);
	/* A time that is an OCTET STRING. */
	octets.tags[1] = 0x04;
	build(&cert, &octets);
	assert_int_equal(validity_read(cert.bytes, cert.size, &nb, &na), -1);
	/* Nothing at all. */
	assert_int_equal(validity_read(NULL, 0, &nb, &na), -1);
}

static void test_hostile_bytes_are_shown_safely(void **state)
{
	struct validity_time nb, na;
	struct der_buf cert;
	struct shape odd = plain;

	(void)state;
	odd.times[1] = "2701010000\n0Z AND A LONG TAIL OF TEXT";
	build(&cert, &odd);
	assert_int_equal(validity_read(cert.bytes, cert.size, &nb, &na), 0);
	assert_int_equal(na.length, strlen(odd.times[1]));
	assert_int_equal(strlen(na.text), VALIDITY_TEXT_SIZE - 1);
	assert_null(strchr(na.text, '\n'));
	assert_int_equal(na.text[10], '?');
}

static struct validity_time utc(const char *text)
{
	struct validity_time t = {.generalized = false, .length = strlen(text)};

	snprintf(t.text, sizeof(t.text), "%s", text);
	return t;
}

static struct validity_time gen(const char *text)
{
	struct validity_time t = utc(text);

	t.generalized = true;
	return t;
}

static time_t parse_ok(struct validity_time t)
{
	char why[VALIDITY_WHY_SIZE];
	time_t out = 0;

	assert_true(validity_parse(&t, &out, why, sizeof(why)));
	return out;
}

static void assert_refused(struct validity_time t, const char *want)
{
	char why[VALIDITY_WHY_SIZE];
	time_t out = 0;

	assert_false(validity_parse(&t, &out, why, sizeof(why)));
	assert_string_equal(why, want);
}

static void test_parse_valid(void **state)
{
	(void)state;
	assert_int_equal(parse_ok(utc("270101000000Z")), 1798761600);
	assert_int_equal(parse_ok(gen("20270101000000Z")), 1798761600);
	assert_int_equal(parse_ok(utc("491231235959Z")), 2524607999);   /* 2049 */
	assert_int_equal(parse_ok(utc("500601120000Z")), -618062400);   /* 1950 */
	assert_int_equal(parse_ok(gen("19490301100000Z")), -657554400); /* 1949 */
	assert_int_equal(parse_ok(utc("700101000000Z")), 0);
	assert_int_equal(parse_ok(utc("240229000000Z")), 1709164800);
	assert_int_equal(parse_ok(gen("20000229235959Z")), 951868799);
}

static void test_parse_refused(void **state)
{
	(void)state;
	assert_refused(utc("270230000000Z"), "30 February");
	assert_refused(utc("270229000000Z"), "29 February 2027");
	assert_refused(gen("21000229000000Z"), "29 February 2100");
	assert_refused(utc("270431000000Z"), "31 April");
	assert_refused(utc("270100000000Z"), "0 January");
	assert_refused(utc("271301000000Z"), "month 13");
	assert_refused(utc("270001000000Z"), "month 0");
	assert_refused(utc("271231235960Z"), "second 60");
	assert_refused(utc("271231236000Z"), "minute 60");
	assert_refused(utc("271231240000Z"), "hour 24");
	assert_refused(utc("3001010000Z"), "no seconds");
	assert_refused(gen("203001010000Z"), "no seconds");
	assert_refused(gen("20300101000000.5Z"), "fractional seconds");
	assert_refused(utc("300101000000+0100"), "not in UTC");
	assert_refused(utc("300101000000"), "not in UTC");
	assert_refused(utc("20300101000000Z"), "not YYMMDDHHMMSSZ");
	assert_refused(gen("2701010000Z"), "not YYYYMMDDHHMMSSZ");
	assert_refused(utc("3001010000?0Z"), "not YYMMDDHHMMSSZ");
	assert_refused(utc(""), "not YYMMDDHHMMSSZ");
	assert_refused(utc("270101000000Zx"), "not YYMMDDHHMMSSZ");
}

static void test_parse_cut_text(void **state)
{
	struct validity_time t = utc("270101000000Z");

	(void)state;
	/* The DER held more than was kept: not a time, whatever the start says. */
	t.length = 40;
	assert_refused(t, "not YYMMDDHHMMSSZ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_reads_both_times),
	        cmocka_unit_test(test_refuses_what_is_no_certificate),
	        cmocka_unit_test(test_hostile_bytes_are_shown_safely),
	        cmocka_unit_test(test_parse_valid),
	        cmocka_unit_test(test_parse_refused),
	        cmocka_unit_test(test_parse_cut_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
