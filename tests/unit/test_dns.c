/* The DNS answer parser on crafted answers: AD, rcodes, the OPT record and its
 * Extended DNS Errors, compressed names, TLSA records of every length, and
 * answers cut short or lying about their lengths. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns.h"

#define MSG_MAX 70000

/* A DNS message under construction. */
struct msg {
	unsigned char b[MSG_MAX];
	size_t len;
};

static void put(struct msg *m, const void *p, size_t n)
{
	assert_true(m->len + n <= sizeof(m->b));
	if (n > 0)
		memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void put16(struct msg *m, unsigned v)
{
	unsigned char b[2] = {(unsigned char)(v >> 8), (unsigned char)v};

	put(m, b, 2);
}

static void put32(struct msg *m, unsigned long v)
{
	put16(m, (unsigned)(v >> 16));
	put16(m, (unsigned)(v & 0xffff));
}

static void put_name(struct msg *m, const char *name)
{
	while (*name) {
		size_t len = strcspn(name, ".");
		unsigned char l = (unsigned char)len;

		put(m, &l, 1);
		put(m, name, len);
		name += len + (name[len] == '.');
	}
	put(m, "", 1);
}

/* A record's fixed part, owned by the question's name (compressed: a pointer
 * to 12), class IN, TTL 300, RDATA of RDLEN bytes to follow. */
static void put_rr(struct msg *m, unsigned type, unsigned rdlen)
{
	put16(m, 0xc00c);
	put16(m, type);
	put16(m, 1);
	put32(m, 300);
	put16(m, rdlen);
}

/* Header and the question "_25._tcp.mx.test IN TLSA"; FLAGS3 is the fourth
 * header byte (AD 0x20, rcode in the low bits). */
static void start(struct msg *m, unsigned flags3, unsigned an, unsigned ar)
{
	m->len = 0;
	put16(m, 0x1234);
	put(m, (unsigned char[]){0x81, (unsigned char)flags3}, 2);
	put16(m, 1);
	put16(m, an);
	put16(m, 0);
	put16(m, ar);
	put_name(m, "_25._tcp.mx.test");
	put16(m, 52);
	put16(m, 1);
}

/* A TLSA record owned by the question's name. */
static void put_tlsa(struct msg *m, unsigned usage, unsigned selector, unsigned mtype,
                     const unsigned char *data, size_t len)
{
	put_rr(m, 52, (unsigned)(len + 3));
	put(m,
	    (unsigned char[]){(unsigned char)usage, (unsigned char)selector, (unsigned char)mtype},
	    3);
	put(m, data, len);
}

/* An OPT record with RDATA of LEN bytes; EXT the extended rcode bits. */
static void put_opt(struct msg *m, unsigned ext, const unsigned char *rdata, size_t len)
{
	put(m, "", 1);
	put16(m, 41);
	put16(m, 1232);
	put32(m, (unsigned long)ext << 24);
	put16(m, (unsigned)len);
	put(m, rdata, len);
}

/* An EDE option: CODE and TEXT of TEXT_LEN bytes. */
static size_t ede_option(unsigned char *out, unsigned code, const char *text, size_t text_len)
{
	out[0] = 0;
	out[1] = 15;
	out[2] = (unsigned char)((text_len + 2) >> 8);
	out[3] = (unsigned char)(text_len + 2);
	out[4] = (unsigned char)(code >> 8);
	out[5] = (unsigned char)code;
	if (text_len > 0)
		memcpy(out + 6, text, text_len);
	return 6 + text_len;
}

static struct dns_tlsa_answer *parse_ok(const struct msg *m)
{
	struct dns_tlsa_answer *a = calloc(1, sizeof(*a));
	struct fault f;

	fault_clear(&f);
	assert_non_null(a);
	assert_int_equal(dns_parse_tlsa(m->b, m->len, a, &f), 0);
	return a;
}

static void parse_fails(const struct msg *m)
{
	struct dns_tlsa_answer *a = calloc(1, sizeof(*a));
	struct fault f;

	fault_clear(&f);
	assert_non_null(a);
	assert_int_equal(dns_parse_tlsa(m->b, m->len, a, &f), -1);
	assert_int_equal(f.kind, FAULT_PEER);
	assert_string_equal(f.text, "malformed answer");
	free(a);
}

static const unsigned char digest[32] = {0x8a, 0x3f, 0x5c, 0x1d};

static void test_ad_and_records(void **state)
{
	struct msg *m = calloc(1, sizeof(*m));
	struct dns_tlsa_answer *a;

	(void)state;
	start(m, 0x20, 2, 0);
	put_tlsa(m, 3, 1, 1, digest, sizeof(digest));
	put_tlsa(m, 2, 0, 2, digest, 16);
	a = parse_ok(m);
	assert_true(a->status.ad);
	assert_int_equal(a->status.rcode, 0);
	assert_int_equal(a->status.ede.code, -1);
	assert_false(a->status.nodata);
	assert_false(a->status.nxdomain);
	assert_int_equal(a->count, 2);
	assert_int_equal(a->total, 2);
	assert_int_equal(a->records[0].usage, 3);
	assert_int_equal(a->records[0].selector, 1);
	assert_int_equal(a->records[0].mtype, 1);
	assert_int_equal(a->records[0].len, 32);
	assert_memory_equal(a->records[0].data, digest, 32);
	assert_int_equal(a->records[1].usage, 2);
	assert_int_equal(a->records[1].mtype, 2);
	assert_int_equal(a->records[1].len, 16);
	free(a);

	start(m, 0x00, 1, 0);
	put_tlsa(m, 3, 1, 1, digest, sizeof(digest));
	a = parse_ok(m);
	assert_false(a->status.ad);
	assert_int_equal(a->count, 1);
	free(a);
	free(m);
}

static void test_rcodes(void **state)
{
	struct msg *m = calloc(1, sizeof(*m));
	struct dns_tlsa_answer *a;

	(void)state;
	start(m, 0x23, 0, 0); /* AD, NXDOMAIN */
	a = parse_ok(m);
	assert_int_equal(a->status.rcode, 3);
	assert_true(a->status.nxdomain);
	assert_false(a->status.nodata);
	free(a);

	start(m, 0x20, 0, 0); /* AD, NOERROR, no records */
	a = parse_ok(m);
	assert_true(a->status.nodata);
	free(a);

	start(m, 0x02, 0, 0); /* SERVFAIL */
	a = parse_ok(m);
	assert_int_equal(a->status.rcode, 2);
	assert_false(a->status.nodata);
	free(a);

	/* the OPT record's upper rcode bits: 16 is BADVERS */
	start(m, 0x00, 0, 1);
	put_opt(m, 1, NULL, 0);
	a = parse_ok(m);
	assert_int_equal(a->status.rcode, 16);
	free(a);
	free(m);
}

static void test_ede(void **state)
{
	struct msg *m = calloc(1, sizeof(*m));
	unsigned char rdata[600];
	struct dns_tlsa_answer *a;
	char line[DNS_EDE_TEXT_SIZE + 64];
	size_t len;

	(void)state;
	/* a padding option first, then the EDE: "\x1b[31m" escaped */
	memcpy(rdata, "\0\x0c\0\x02\0\0", 6);
	len = 6 + ede_option(rdata + 6, 7, "expired\x1b[31m\\", 13);
	len += ede_option(rdata + len, 6, "second", 6);
	start(m, 0x02, 0, 1);
	put_opt(m, 0, rdata, len);
	a = parse_ok(m);
	assert_int_equal(a->status.ede.code, 7);
	assert_string_equal(a->status.ede.text, "expired\\x1b[31m\\x5c");
	dns_ede_describe(&a->status.ede, line, sizeof(line));
	assert_string_equal(line, "EDE 7 (Signature Expired): expired\\x1b[31m\\x5c");
	free(a);

	/* no text */
	len = ede_option(rdata, 9, "", 0);
	start(m, 0x02, 0, 1);
	put_opt(m, 0, rdata, len);
	a = parse_ok(m);
	assert_int_equal(a->status.ede.code, 9);
	assert_string_equal(a->status.ede.text, "");
	dns_ede_describe(&a->status.ede, line, sizeof(line));
	assert_string_equal(line, "EDE 9 (DNSKEY Missing)");
	free(a);

	/* a text longer than kept: cut, never past the buffer, no half escape */
	memset(line, 0x01, sizeof(line));
	len = ede_option(rdata, 6, line, sizeof(line));
	start(m, 0x02, 0, 1);
	put_opt(m, 0, rdata, len);
	a = parse_ok(m);
	assert_true(strlen(a->status.ede.text) < DNS_EDE_TEXT_SIZE);
	assert_int_equal(strlen(a->status.ede.text) % 4, 0);
	free(a);
	free(m);
}

static void test_ede_names(void **state)
{
	struct dns_ede e = {.code = -1};
	char line[64];

	(void)state;
	assert_string_equal(dns_ede_name(6), "DNSSEC Bogus");
	assert_string_equal(dns_ede_name(22), "No Reachable Authority");
	assert_string_equal(dns_ede_name(65535), "unassigned");
	assert_string_equal(dns_ede_name(-1), "unassigned");
	dns_ede_describe(&e, line, sizeof(line));
	assert_string_equal(line, "");
	assert_string_equal(dns_security_name(DNS_SECURE), "secure");
	assert_string_equal(dns_security_name(DNS_NO_VALIDATION), "not validated");
}

static void test_opt_malformed(void **state)
{
	struct msg *m = calloc(1, sizeof(*m));
	unsigned char rdata[64];
	size_t len;

	(void)state;
	/* an option that runs past the record */
	len = ede_option(rdata, 6, "abc", 3);
	rdata[3] = 40;
	start(m, 0x02, 0, 1);
	put_opt(m, 0, rdata, len);
	parse_fails(m);

	/* an option header cut short */
	start(m, 0x02, 0, 1);
	put_opt(m, 0, (const unsigned char *)"\0\x0f\0", 3);
	parse_fails(m);

	/* an EDE without its code */
	start(m, 0x02, 0, 1);
	put_opt(m, 0, (const unsigned char *)"\0\x0f\0\x01\x06", 5);
	parse_fails(m);

	/* two OPT records */
	start(m, 0x02, 0, 2);
	put_opt(m, 0, NULL, 0);
	put_opt(m, 0, NULL, 0);
	parse_fails(m);

	/* an OPT record not owned by the root */
	start(m, 0x02, 0, 1);
	put16(m, 0xc00c);
	put16(m, 41);
	put16(m, 1232);
	put32(m, 0);
	put16(m, 0);
	parse_fails(m);

	/* an RDLENGTH past the message */
	start(m, 0x02, 0, 1);
	put_opt(m, 0, NULL, 0);
	m->b[m->len - 1] = 20;
	parse_fails(m);
	free(m);
}

static void test_truncated(void **state)
{
	struct msg *m = calloc(1, sizeof(*m));
	struct msg *cut = calloc(1, sizeof(*cut));

	(void)state;
	start(m, 0x20, 1, 0);
	put_tlsa(m, 3, 1, 1, digest, sizeof(digest));
	/* every prefix of the message fails cleanly: no byte read past LEN */
	for (size_t len = 0; len < m->len; len++) {
		cut->len = len;
		memcpy(cut->b, m->b, len);
		parse_fails(cut);
	}
	/* more records announced than sent */
	start(m, 0x20, 3, 0);
	put_tlsa(m, 3, 1, 1, digest, sizeof(digest));
	parse_fails(m);
	free(cut);
	free(m);
}

static void test_compressed_names(void **state)
{
	struct msg *m = calloc(1, sizeof(*m));
	struct dns_mx_list mx;
	struct dns_status st;
	struct fault f;
	size_t host_at;

	(void)state;
	/* MX answers: the owner a pointer to the question, the first host spelt
	 * out, the second host "mx2" + a pointer into the first */
	m->len = 0;
	put16(m, 0x1234);
	put(m, (unsigned char[]){0x81, 0x20}, 2);
	put16(m, 1);
	put16(m, 2);
	put16(m, 0);
	put16(m, 0);
	put_name(m, "mail.test");
	put16(m, 15);
	put16(m, 1);
	put_rr(m, 15, 2 + 10);
	put16(m, 20);
	host_at = m->len;
	put_name(m, "mx1.Test");
	put_rr(m, 15, 2 + 6);
	put16(m, 10);
	put(m, "\3mx2", 4);
	put16(m, 0xc000 | (unsigned)(host_at + 4));
	fault_clear(&f);
	assert_int_equal(dns_parse_mx(m->b, m->len, &mx, &st, &f), 0);
	assert_true(st.ad);
	assert_int_equal(mx.count, 2);
	assert_string_equal(mx.items[0].host, "mx2.test");
	assert_int_equal(mx.items[0].preference, 10);
	assert_string_equal(mx.items[1].host, "mx1.test");

	/* a pointer that points at itself */
	m->b[m->len - 2] = 0xc0 | (unsigned char)((m->len - 2) >> 8);
	m->b[m->len - 1] = (unsigned char)(m->len - 2);
	assert_int_equal(dns_parse_mx(m->b, m->len, &mx, &st, &f), -1);
	free(m);
}

static void test_records_of_every_length(void **state)
{
	struct msg *m = calloc(1, sizeof(*m));
	unsigned char *big = calloc(1, 60000);
	struct dns_tlsa_answer *a;

	(void)state;
	start(m, 0x20, 6, 0);
	/* RDATA of 0, 1 and 2 bytes: not even usage, selector and type */
	for (unsigned n = 0; n < 3; n++) {
		put_rr(m, 52, n);
		put(m, "\3\1\1", n);
	}
	put_tlsa(m, 3, 1, 1, NULL, 0);
	for (size_t i = 0; i < 60000; i++)
		big[i] = (unsigned char)i;
	put_tlsa(m, 3, 0, 0, big, 2048);
	put_tlsa(m, 3, 0, 0, big, 60000);
	a = parse_ok(m);
	assert_int_equal(a->count, 6);
	for (size_t i = 0; i < 3; i++) {
		assert_true(a->records[i].malformed);
		assert_int_equal(a->records[i].len, 0);
	}
	assert_false(a->records[3].malformed);
	assert_int_equal(a->records[3].len, 0);
	assert_null(a->records[3].data);
	/* matching type 0 data of any length an answer holds is kept whole */
	assert_int_equal(a->records[4].len, 2048);
	assert_memory_equal(a->records[4].data, big, 2048);
	assert_int_equal(a->records[5].len, 60000);
	assert_memory_equal(a->records[5].data, big, 60000);
	free(a);
	free(big);
	free(m);
}

static void test_many_records(void **state)
{
	struct msg *m = calloc(1, sizeof(*m));
	struct dns_tlsa_answer *a;
	unsigned char d[32] = {0};

	(void)state;
	start(m, 0x20, 40, 0);
	for (unsigned i = 0; i < 40; i++) {
		d[0] = (unsigned char)i;
		put_tlsa(m, 3, 1, 1, d, sizeof(d));
	}
	a = parse_ok(m);
	assert_int_equal(a->count, DNS_MAX_TLSA);
	assert_int_equal(a->total, 40);
	assert_int_equal(a->records[DNS_MAX_TLSA - 1].data[0], DNS_MAX_TLSA - 1);
	free(a);
	free(m);
}

static void test_other_types_skipped(void **state)
{
	struct msg *m = calloc(1, sizeof(*m));
	struct dns_tlsa_answer *a;

	(void)state;
	/* a CNAME and an RRSIG beside the TLSA record */
	start(m, 0x20, 3, 0);
	put_rr(m, 5, 2);
	put16(m, 0xc00c);
	put_rr(m, 46, 4);
	put32(m, 0);
	put_tlsa(m, 3, 1, 1, digest, sizeof(digest));
	a = parse_ok(m);
	assert_int_equal(a->count, 1);
	assert_int_equal(a->total, 1);
	free(a);
	free(m);
}

static void test_resolver_parse(void **state)
{
	struct dns_resolver r;
	struct fault f;

	(void)state;
	fault_clear(&f);
	assert_int_equal(dns_resolver_parse(&r, "192.0.2.53", &f), 0);
	assert_true(r.given);
	assert_string_equal(r.server.text, "192.0.2.53");
	assert_int_equal(dns_resolver_parse(&r, "2001:db8::53@5353", &f), 0);
	assert_string_equal(r.server.text, "2001:db8::53");
	assert_int_equal(dns_resolver_parse(&r, "[::1]@53", &f), 0);
	assert_string_equal(r.server.text, "::1");
	assert_int_equal(dns_resolver_parse(&r, "[::1]", &f), 0);
	const char *bad[] = {"",           "ns.example",    "192.0.2.1@", "192.0.2.1@0", "::1@x",
	                     "1.2.3.4@+5", "1.2.3.4@65536", "@53",        "[::1]@53@53"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fault_clear(&f);
		assert_int_equal(dns_resolver_parse(&r, bad[i], &f), -1);
		assert_int_equal(f.kind, FAULT_USAGE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ad_and_records),
	        cmocka_unit_test(test_rcodes),
	        cmocka_unit_test(test_ede),
	        cmocka_unit_test(test_ede_names),
	        cmocka_unit_test(test_opt_malformed),
	        cmocka_unit_test(test_truncated),
	        cmocka_unit_test(test_compressed_names),
	        cmocka_unit_test(test_records_of_every_length),
	        cmocka_unit_test(test_many_records),
	        cmocka_unit_test(test_other_types_skipped),
	        cmocka_unit_test(test_resolver_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
