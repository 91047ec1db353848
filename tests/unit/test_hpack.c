/* Unit tests of hpack: every example of RFC 7541 Appendix C (C.1 to C.6, the
 * dynamic table and its evictions checked after each block), every octet
 * through the Huffman code, the encoding of the gRPC health check's request,
 * and blocks broken in each way a server could break one. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hpack.h"

#define BLOCK_MAX 8192

/* The fields of a block as "name: value\n" lines ("name:= value" when never
 * indexed), binary-safe: a value may hold a NUL. */
struct got {
	char text[2 * BLOCK_MAX];
	size_t size;
	int stop_at; /* the field number at which to stop, or 0 */
	int fields;
};

static void add(struct got *g, const char *text, size_t size)
{
	assert_true(g->size + size <= sizeof(g->text));
	memcpy(g->text + g->size, text, size);
	g->size += size;
}

static int collect(const struct hpack_field *field, void *arg, struct fault *f)
{
	struct got *g = arg;

	assert_int_equal(field->name[field->name_len], '\0');
	assert_int_equal(field->value[field->value_len], '\0');
	if (++g->fields == g->stop_at) {
		fault_set(f, FAULT_PEER, "stopped at field %d", g->fields);
		return -1;
	}
	add(g, field->name, field->name_len);
	add(g, field->never_indexed ? ":= " : ": ", field->never_indexed ? 3 : 2);
	add(g, field->value, field->value_len);
	add(g, "\n", 1);
	return 0;
}

/* HEX, spaces allowed, as octets into OUT; returns their number. */
static size_t unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	for (const char *p = hex; *p != '\0'; p++) {
		if (*p == ' ')
			continue;
		assert_true(n < cap && sscanf(p, "%2x", &v) == 1);
		out[n++] = (unsigned char)v;
		p++;
	}
	return n;
}

/* The decoder of a test, set up anew with a table of MAX_SIZE. */
static struct hpack_decoder *fresh(size_t max_size)
{
	static struct hpack_decoder d;
	struct fault f = {0};

	assert_int_equal(hpack_decoder_init(&d, max_size, &f), 0);
	return &d;
}

/* Decode HEX on D; returns what hpack_decode() did, the fields in G. */
static int decode_hex(struct hpack_decoder *d, const char *hex, struct got *g, struct fault *f)
{
	static unsigned char block[BLOCK_MAX];
	size_t size = unhex(hex, block, sizeof(block));

	memset(g, 0, sizeof(*g));
	return hpack_decode(d, block, size, collect, g, f);
}

static void assert_fields(const struct got *g, const char *want)
{
	assert_int_equal(g->size, strlen(want));
	assert_memory_equal(g->text, want, g->size);
}

/* D's dynamic table, newest first, as "name: value\n" lines: read through
 * indexes 62 on, on a copy of D so that D is left as it was; the next index
 * must be past the tables. */
static void assert_table(const struct hpack_decoder *d, const char *want, size_t want_size)
{
	static struct hpack_decoder copy;
	char hex[16];
	struct got all = {0}, one;
	struct fault f = {0};
	unsigned index = HPACK_STATIC_ENTRIES + 1;

	assert_int_equal(d->used, want_size);
	copy = *d;
	for (;; index++) {
		/* An index with a 7-bit prefix: one octet, or 0xff and one more. */
		if (index < 127)
			snprintf(hex, sizeof(hex), "%02x", 0x80 | index);
		else
			snprintf(hex, sizeof(hex), "ff%02x", index - 127);
		if (decode_hex(&copy, hex, &one, &f) < 0)
			break;
		add(&all, one.text, one.size);
	}
	assert_non_null(strstr(f.text, "past the static and dynamic tables"));
	assert_fields(&all, want);
}

struct step {
	const char *hex;
	const char *fields;
	const char *table;
	size_t table_size;
};

/* The blocks of STEPS in order on one decoder whose table holds MAX_SIZE. */
static void run_steps(size_t max_size, const struct step *steps, size_t count)
{
	struct hpack_decoder *d;
	struct fault f = {0};
	struct got g;

	d = fresh(max_size);
	for (size_t i = 0; i < count; i++) {
		assert_int_equal(decode_hex(d, steps[i].hex, &g, &f), 0);
		assert_fields(&g, steps[i].fields);
		assert_table(d, steps[i].table, steps[i].table_size);
	}
}

#define RUN_STEPS(max, steps) run_steps(max, steps, sizeof(steps) / sizeof(steps[0]))

/* C.1: 10 and 1337 with a 5-bit prefix, which is a table size update's. C.1.3's
 * 8-bit prefix is no representation's: 42 is read with an index's 7-bit
 * prefix, and written by the encoder as a length. */
static void test_integers(void **state)
{
	struct hpack_decoder *d;
	struct fault f = {0};
	struct got g;

	(void)state;
	d = fresh(HPACK_TABLE_SIZE_DEFAULT);
	assert_int_equal(decode_hex(d, "2a", &g, &f), 0);
	assert_int_equal(d->size, 10);
	assert_int_equal(decode_hex(d, "3f9a 0a", &g, &f), 0);
	assert_int_equal(d->size, 1337);
	assert_int_equal(decode_hex(d, "aa", &g, &f), 0);
	assert_fields(&g, "if-range: \n");
}

/* C.2.1 to C.2.4, each on a new decoder. */
static void test_c2_fields(void **state)
{
	static const struct step c21[] = {
	        {"400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572",
	         "custom-key: custom-header\n", "custom-key: custom-header\n", 55},
	};
	static const struct step c22[] = {
	        {"040c 2f73 616d 706c 652f 7061 7468", ":path: /sample/path\n", "", 0},
	};
	static const struct step c23[] = {
	        {"1008 7061 7373 776f 7264 0673 6563 7265 74", "password:= secret\n", "", 0},
	};
	static const struct step c24[] = {
	        {"82", ":method: GET\n", "", 0},
	};

	(void)state;
	RUN_STEPS(HPACK_TABLE_SIZE_DEFAULT, c21);
	RUN_STEPS(HPACK_TABLE_SIZE_DEFAULT, c22);
	RUN_STEPS(HPACK_TABLE_SIZE_DEFAULT, c23);
	RUN_STEPS(HPACK_TABLE_SIZE_DEFAULT, c24);
}

#define C3_FIELDS_1 ":method: GET\n:scheme: http\n:path: /\n:authority: www.example.com\n"
#define C3_FIELDS_2 C3_FIELDS_1 "cache-control: no-cache\n"
#define C3_FIELDS_3                                                                                \
	":method: GET\n:scheme: https\n:path: /index.html\n:authority: www.example.com\n"          \
	"custom-key: custom-value\n"
#define C3_TABLE_1 ":authority: www.example.com\n"
#define C3_TABLE_2 "cache-control: no-cache\n" C3_TABLE_1
#define C3_TABLE_3 "custom-key: custom-value\n" C3_TABLE_2

/* C.3: three requests, raw strings. */
static void test_c3_requests(void **state)
{
	static const struct step steps[] = {
	        {"8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", C3_FIELDS_1, C3_TABLE_1, 57},
	        {"8286 84be 5808 6e6f 2d63 6163 6865", C3_FIELDS_2, C3_TABLE_2, 110},
	        {"8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
	         C3_FIELDS_3, C3_TABLE_3, 164},
	};

	(void)state;
	RUN_STEPS(HPACK_TABLE_SIZE_DEFAULT, steps);
}

/* C.4: the same requests, Huffman-coded. */
static void test_c4_requests_huffman(void **state)
{
	static const struct step steps[] = {
	        {"8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", C3_FIELDS_1, C3_TABLE_1, 57},
	        {"8286 84be 5886 a8eb 1064 9cbf", C3_FIELDS_2, C3_TABLE_2, 110},
	        {"8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf", C3_FIELDS_3,
	         C3_TABLE_3, 164},
	};

	(void)state;
	RUN_STEPS(HPACK_TABLE_SIZE_DEFAULT, steps);
}

#define C5_DATE_1     "date: Mon, 21 Oct 2013 20:13:21 GMT\n"
#define C5_DATE_3     "date: Mon, 21 Oct 2013 20:13:22 GMT\n"
#define C5_LOCATION   "location: https://www.example.com\n"
#define C5_PRIVATE    "cache-control: private\n"
#define C5_SET_COOKIE "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1\n"
#define C5_FIELDS_1   ":status: 302\n" C5_PRIVATE C5_DATE_1 C5_LOCATION
#define C5_FIELDS_2   ":status: 307\n" C5_PRIVATE C5_DATE_1 C5_LOCATION
#define C5_FIELDS_3                                                                                \
	":status: 200\n" C5_PRIVATE C5_DATE_3 C5_LOCATION "content-encoding: gzip\n" C5_SET_COOKIE
#define C5_TABLE_1 C5_LOCATION C5_DATE_1 C5_PRIVATE ":status: 302\n"
/* ":status: 302" evicted to make room for ":status: 307". */
#define C5_TABLE_2 ":status: 307\n" C5_LOCATION C5_DATE_1 C5_PRIVATE
/* All four evicted but the third's date: set-cookie alone takes 98 octets. */
#define C5_TABLE_3 C5_SET_COOKIE "content-encoding: gzip\n" C5_DATE_3

/* C.5: three responses in a table of 256 octets, raw strings. */
static void test_c5_responses(void **state)
{
	static const struct step steps[] = {
	        {"4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
	         "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70"
	         "6c65 2e63 6f6d",
	         C5_FIELDS_1, C5_TABLE_1, 222},
	        {"4803 3330 37c1 c0bf", C5_FIELDS_2, C5_TABLE_2, 222},
	        {"88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d"
	         "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049"
	         "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e"
	         "3d31",
	         C5_FIELDS_3, C5_TABLE_3, 215},
	};

	(void)state;
	RUN_STEPS(256, steps);
}

/* C.6: the same responses, Huffman-coded. */
static void test_c6_responses_huffman(void **state)
{
	static const struct step steps[] = {
	        {"4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
	         "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
	         C5_FIELDS_1, C5_TABLE_1, 222},
	        {"4883 640e ffc1 c0bf", C5_FIELDS_2, C5_TABLE_2, 222},
	        {"88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"
	         "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f"
	         "9587 3160 65c0 03ed 4ee5 b106 3d50 07",
	         C5_FIELDS_3, C5_TABLE_3, 215},
	};

	(void)state;
	RUN_STEPS(256, steps);
}

/* Every octet from 0 to 255 in order, Huffman-coded with Appendix B's table:
 * each code of the table is read once. */
static const char every_octet[] = "0001 78" /* without indexing, the name "x" */
                                  "ffc803ffc7fffd8fffffe2fffffe3fffffe4fffffe5fffffe6fffffe7fffffe8"
                                  "ffffeafffffff3fffffa7fffffabffffffdfffffebfffffecfffffedfffffeef"
                                  "ffffefffffff0ffffff1ffffff2fffffffbfffffcffffffd3fffffd7fffffdbf"
                                  "ffffdffffffe3fffffe7fffffebfffffed4fe3f9ffaffcabf1febfafefe7fdfd"
                                  "2cbb00089969b71d79fb9f7fff20ffbff3ff50ddbd7f061c58f265cd9f469d5a"
                                  "f66dddbf871e5f9cff7ff7fffc3ff9ffe45fff4719242cb34e6e9d68a6a3d7da"
                                  "c426defe3cfaf7fffbfe7ffbffdffffffcfffe6ffff4bfff9ffffa3fffd3ffff"
                                  "53fffd5ffffb3fffeb7fffdaffffb7ffff73fffeeffffdeffffebffffbfffffd"
                                  "9ffffdbfffebffffe0ffffeeffffc3ffff8bffff1ffffe4fffee7fffb1ffff97"
                                  "fffd9ffffcdffff9fffffbffffdafffeeffff4ffffb7fffee7fffe8ffffd3fff"
                                  "deffffd5fffeeffffbdffffe1fffdfffff7fffff5ffffecffff07fff87fffe0f"
                                  "fff17fffedffff87ffff77fffeffffeaffff8bfffe3ffff93ffff87fffcbffff"
                                  "37ffff1fffff83ffffe1fffebfffe3ffff3fffff2ffffa3ffffd9fffff17ffff"
                                  "c7fffff27ffffdefffffbffffff2fffff8fffffb7fff97fff8fffffe6fffffc1"
                                  "fffff87ffffe7fffffc5ffffe5fffe4ffff2fffffd1fffff4ffffffefffffe3f"
                                  "ffffc9fffff97fffb3ffffcffffb7fffcdffff4ffff9ffffd1ffffcffffeafff"
                                  "fafffffddffffeffffff4fffff5fffffabffffa7ffffd7fffff9bffffecfffff"
                                  "b7fffff3fffffe8fffffd3fffffabfffff5fffffff7ffffecfffffdbfffffbbf"
                                  "ffff7ffffff0fffffbbf";

static void test_huffman_every_octet(void **state)
{
	struct hpack_decoder *d;
	char want[3 + 256 + 1] = "x: ";
	struct fault f = {0};
	struct got g;

	(void)state;
	for (int i = 0; i < 256; i++)
		want[3 + i] = (char)i;
	want[3 + 256] = '\n';
	d = fresh(HPACK_TABLE_SIZE_DEFAULT);
	assert_int_equal(decode_hex(d, every_octet, &g, &f), 0);
	assert_int_equal(g.size, sizeof(want));
	assert_memory_equal(g.text, want, sizeof(want));
}

/* A size update evicts what no longer fits, a size of 0 empties the table,
 * and an entry larger than the table empties it and is not added (4.4); the
 * size may go back up to the maximum. */
static void test_table_size(void **state)
{
	struct hpack_decoder *d;
	struct fault f = {0};
	struct got g;

	(void)state;
	d = fresh(HPACK_TABLE_SIZE_DEFAULT);
	assert_int_equal(decode_hex(d, "4001 6101 62 4001 6301 64", &g, &f), 0);
	assert_table(d, "c: d\na: b\n", 68);
	assert_int_equal(decode_hex(d, "3f03", &g, &f), 0); /* 34: room for one */
	assert_table(d, "c: d\n", 34);
	assert_int_equal(decode_hex(d, "20 3fe1 1f 4001 6501 66", &g, &f), 0);
	assert_int_equal(d->size, HPACK_TABLE_SIZE_DEFAULT);
	assert_table(d, "e: f\n", 34);
	assert_int_equal(decode_hex(d, "3f03 4001 6502 6667", &g, &f), 0); /* 35 > 34 */
	assert_fields(&g, "e: fg\n");
	assert_table(d, "", 0);
}

/* The request of the gRPC health check, byte for byte, and read back. */
static void test_encode_request(void **state)
{
	static const char *const fields[][2] = {
	        {":method", "POST"},
	        {":scheme", "https"},
	        {":path", "/grpc.health.v1.Health/Check"},
	        {":authority", "db1.example.com:50051"},
	        {"content-type", "application/grpc"},
	        {"te", "trailers"},
	};
	static const char want_hex[] =
	        "0204 504f 5354"                                    /* :method POST */
	        "0605 6874 7470 73"                                 /* :scheme https */
	        "041c 2f67 7270 632e 6865 616c 7468 2e76 312e 4865" /* :path */
	        "616c 7468 2f43 6865 636b"                          /* */
	        "0115 6462 312e 6578 616d 706c 652e 636f 6d3a 3530" /* :authority */
	        "3035 31"                                           /* */
	        "0f10 1061 7070 6c69 6361 7469 6f6e 2f67 7270 63"   /* content-type */
	        "0002 7465 0874 7261 696c 6572 73";                 /* te: no name index */
	struct hpack_decoder *d;
	unsigned char out[256], want[256];
	size_t used = 0;
	struct fault f = {0};
	struct got g;

	(void)state;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		assert_int_equal(
		        hpack_encode_field(out, sizeof(out), &used, fields[i][0], fields[i][1], &f),
		        0);
	assert_int_equal(used, unhex(want_hex, want, sizeof(want)));
	assert_memory_equal(out, want, used);
	d = fresh(HPACK_TABLE_SIZE_DEFAULT);
	memset(&g, 0, sizeof(g));
	assert_int_equal(hpack_decode(d, out, used, collect, &g, &f), 0);
	assert_fields(&g, ":method: POST\n:scheme: https\n:path: /grpc.health.v1.Health/Check\n"
	                  ":authority: db1.example.com:50051\ncontent-type: application/grpc\n"
	                  "te: trailers\n");
	assert_table(d, "", 0);
}

/* Integers past a prefix (C.1.2's kind): a name index of 58 past 4 bits, a
 * length of 1337 past 7 (1337 - 127 = 1210 = 9 * 128 + 58), and 42 within 7. */
static void test_encode_integers(void **state)
{
	static char value[1338];
	unsigned char out[1400];
	size_t used = 0;
	struct fault f = {0};

	(void)state;
	memset(value, 'v', 1337);
	assert_int_equal(hpack_encode_field(out, sizeof(out), &used, "user-agent", value, &f), 0);
	assert_int_equal(used, 2 + 3 + 1337);
	assert_memory_equal(out, "\x0f\x2b\x7f\xba\x09", 5);
	memset(value, 'v', 42);
	value[42] = '\0';
	used = 0;
	assert_int_equal(hpack_encode_field(out, sizeof(out), &used, "user-agent", value, &f), 0);
	assert_memory_equal(out, "\x0f\x2b\x2a", 3);
}

/* A field that does not fit leaves the block as it was. */
static void test_encode_full(void **state)
{
	unsigned char out[16];
	size_t used = 0;
	struct fault f = {0};

	(void)state;
	assert_int_equal(hpack_encode_field(out, sizeof(out), &used, ":method", "POST", &f), 0);
	assert_int_equal(used, 6);
	assert_int_equal(
	        hpack_encode_field(out, sizeof(out), &used, ":path", "/grpc.health.v1", &f), -1);
	assert_int_equal(used, 6);
	assert_int_equal(f.kind, FAULT_INTERNAL);
	assert_string_equal(f.text, "HPACK header block full (16 octets): no room for ':path'");
}

/* Blocks a server could break, each on a new decoder with the default table,
 * and what the fault says. */
static void test_malformed(void **state)
{
	static const struct {
		const char *hex;
		const char *why;
	} bad[] = {
	        {"ff", "the block ends inside an integer"},
	        {"1f", "the block ends inside an integer"},
	        {"3fe1", "the block ends inside an integer"},
	        {"00ff", "the block ends inside an integer"},
	        {"ff80 8080 8000", "integer longer than 5 octets"},
	        {"ffff ffff ff0f", "integer longer than 5 octets"},
	        {"ffff ffff 7f",
	         "index 268435582 past the static and dynamic tables (61 + 0 entries)"},
	        {"80", "index 0"},
	        {"be", "index 62 past the static and dynamic tables (61 + 0 entries)"},
	        {"7f00 0161", "index 63 past the static and dynamic tables (61 + 0 entries)"},
	        {"4001 6101 62 bf", "index 63 past the static and dynamic tables (61 + 1 entries)"},
	        {"00", "the block ends before the header name"},
	        {"04", "the block ends before the header value"},
	        {"0005 6162", "header name: length 5 past the end of the block (2 octets left)"},
	        {"0405 6162", "header value: length 5 past the end of the block (2 octets left)"},
	        {"0481 00", "header value: Huffman padding not all ones"},
	        {"0481 1e", "header value: Huffman padding not all ones"},
	        {"0481 ff", "header value: Huffman padding longer than 7 bits"},
	        {"0482 1fff", "header value: Huffman padding longer than 7 bits"},
	        {"0484 ffff fffc", "header value: EOS in a Huffman string"},
	        {"0084 ffff ffff 0161", "header name: EOS in a Huffman string"},
	        {"3fe2 1f", "dynamic table size update to 4097 above the maximum 4096"},
	        {"82 20", "dynamic table size update after a header field"},
	        {"20 82 3fe1 1f", "dynamic table size update after a header field"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hpack_decoder *d;
		struct fault f = {0};
		char want[FAULT_TEXT_SIZE];
		struct got g;

		d = fresh(HPACK_TABLE_SIZE_DEFAULT);
		snprintf(want, sizeof(want), "malformed HTTP/2 header block: %s", bad[i].why);
		assert_int_equal(decode_hex(d, bad[i].hex, &g, &f), -1);
		assert_int_equal(f.kind, FAULT_PEER);
		assert_string_equal(f.text, want);
	}
}

/* Names and values longer than HPACK_STRING_MAX, raw and Huffman-coded (2561
 * zero octets are 4097 '0's, each five zero bits). */
static void test_too_long(void **state)
{
	static unsigned char block[8192];
	struct hpack_decoder *d;
	static const struct {
		const char *head;
		size_t length;
		const char *why;
	} cases[] = {
	        {"007f 821f", 4097, "header name longer than 4096 octets"},
	        {"047f 821f", 4097, "header value longer than 4096 octets"},
	        {"04ff 8213", 2561, "header value longer than 4096 octets"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t size = unhex(cases[i].head, block, sizeof(block));
		struct fault f = {0};
		struct got g = {0};

		memset(block + size, 0, cases[i].length);
		d = fresh(HPACK_TABLE_SIZE_DEFAULT);
		assert_int_equal(hpack_decode(d, block, size + cases[i].length, collect, &g, &f),
		                 -1);
		assert_non_null(strstr(f.text, cases[i].why));
	}
}

/* The longest name and value are read whole. */
static void test_longest(void **state)
{
	static unsigned char block[8200];
	struct hpack_decoder *d;
	size_t size;
	struct fault f = {0};
	struct got g = {0};

	(void)state;
	size = unhex("007f 811f", block, sizeof(block));
	memset(block + size, 'n', 4096);
	size += 4096;
	size += unhex("7f81 1f", block + size, sizeof(block) - size);
	memset(block + size, 'v', 4096);
	size += 4096;
	d = fresh(HPACK_TABLE_SIZE_DEFAULT);
	assert_int_equal(hpack_decode(d, block, size, collect, &g, &f), 0);
	assert_int_equal(g.size, 4096 + 2 + 4096 + 1);
}

/* After a failure, or a visitor that stopped, the decoder refuses more. */
static void test_broken(void **state)
{
	struct hpack_decoder *d;
	struct fault f = {0};
	struct got g;

	(void)state;
	d = fresh(HPACK_TABLE_SIZE_DEFAULT);
	assert_int_equal(decode_hex(d, "80", &g, &f), -1);
	assert_int_equal(decode_hex(d, "82", &g, &f), -1);
	assert_string_equal(f.text,
	                    "an earlier header block failed: the table is no longer the server's");

	d = fresh(HPACK_TABLE_SIZE_DEFAULT);
	memset(&g, 0, sizeof(g));
	g.stop_at = 2;
	assert_int_equal(hpack_decode(d, (const unsigned char *)"\x82\x84", 2, collect, &g, &f),
	                 -1);
	assert_string_equal(f.text, "stopped at field 2");
	assert_int_equal(decode_hex(d, "82", &g, &f), -1);
	assert_non_null(strstr(f.text, "an earlier header block failed"));
}

static void test_init(void **state)
{
	static struct hpack_decoder refused;
	struct hpack_decoder *d;
	struct fault f = {0};
	struct got g;

	(void)state;
	assert_int_equal(hpack_decoder_init(&refused, HPACK_TABLE_CAPACITY + 1, &f), -1);
	assert_int_equal(f.kind, FAULT_INTERNAL);
	assert_string_equal(f.text,
	                    "HPACK table size 4097 is above the 4096 octets this decoder holds");
	/* A table of 0: nothing is ever added, and no update may raise it. */
	d = fresh(0);
	assert_int_equal(decode_hex(d, "4001 6101 62", &g, &f), 0);
	assert_table(d, "", 0);
	assert_int_equal(decode_hex(d, "21", &g, &f), -1);
	assert_non_null(strstr(f.text, "update to 1 above the maximum 0"));
	/* An empty block is a block of no fields. */
	d = fresh(HPACK_TABLE_SIZE_DEFAULT);
	assert_int_equal(decode_hex(d, "", &g, &f), 0);
	assert_int_equal(g.fields, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_integers),
	        cmocka_unit_test(test_c2_fields),
	        cmocka_unit_test(test_c3_requests),
	        cmocka_unit_test(test_c4_requests_huffman),
	        cmocka_unit_test(test_c5_responses),
	        cmocka_unit_test(test_c6_responses_huffman),
	        cmocka_unit_test(test_huffman_every_octet),
	        cmocka_unit_test(test_table_size),
	        cmocka_unit_test(test_encode_request),
	        cmocka_unit_test(test_encode_integers),
	        cmocka_unit_test(test_encode_full),
	        cmocka_unit_test(test_malformed),
	        cmocka_unit_test(test_too_long),
	        cmocka_unit_test(test_longest),
	        cmocka_unit_test(test_broken),
	        cmocka_unit_test(test_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
