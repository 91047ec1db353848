/* The MySQL/MariaDB upgrade against scripted servers: the HandshakeV10 greeting
 * (whole, split across segments, without CLIENT_SSL, truncated, garbled), the
 * ERR packets a server sends instead of it, and the SSLRequest the client answers
 * with. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net.h"
#include "protocol.h"

#include "scripted_peer.h"

const struct tls_protocol *protocol_under_test = &protocol_mysql;

#define CAPS_LO_SSL    0xfffeu /* MariaDB 10.11 with --ssl-cert */
#define CAPS_LO_NO_SSL 0xf7feu /* the same without: no CLIENT_SSL (0x0800) */
#define CAPS_HI        0x81ffu

#define MARIADB_VERSION "5.5.5-10.11.6-MariaDB-0+deb12u1"

/* The bytes a client sends: header (length 32, sequence 1), capabilities
 * LONG_PASSWORD|LONG_FLAG|PROTOCOL_41|SSL|SECURE_CONNECTION, max packet 16 MiB,
 * charset 0x21, 23 zero bytes. */
static const unsigned char ssl_request[36] = {
        0x20, 0x00, 0x00, 0x01, 0x05, 0x8a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x21,
};

struct packet {
	unsigned char bytes[2048];
	size_t len;
};

static void put(struct packet *pk, const void *data, size_t len)
{
	assert_true(pk->len + len <= sizeof(pk->bytes));
	memcpy(pk->bytes + pk->len, data, len);
	pk->len += len;
}

static void put_le16(struct packet *pk, unsigned v)
{
	const unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};

	put(pk, b, 2);
}

/* A packet header for a payload of LEN bytes with sequence id SEQ, then the
 * payload. */
static void frame(struct packet *out, const struct packet *payload, unsigned seq)
{
	const unsigned char header[4] = {(unsigned char)payload->len,
	                                 (unsigned char)(payload->len >> 8),
	                                 (unsigned char)(payload->len >> 16), (unsigned char)seq};

	out->len = 0;
	put(out, header, sizeof(header));
	put(out, payload->bytes, payload->len);
}

/* HandshakeV10 as MariaDB 10.11 sends it: version, thread id, scramble, filler,
 * capabilities, charset, status, upper capabilities, auth data length, reserved,
 * scramble part 2, auth plugin name. */
static void greeting(struct packet *out, const char *version, unsigned caps_lo, unsigned caps_hi)
{
	struct packet p = {.len = 0};
	static const unsigned char zeros[10];

	put(&p, "\x0a", 1);
	put(&p, version, strlen(version) + 1);
	put(&p, "\x2a\x00\x00\x00", 4);
	put(&p, "abcdefgh", 8);
	put(&p, "\x00", 1);
	put_le16(&p, caps_lo);
	put(&p, "\x2d", 1);
	put_le16(&p, 0x0002);
	put_le16(&p, caps_hi);
	put(&p, "\x15", 1);
	put(&p, zeros, sizeof(zeros));
	put(&p, "ijklmnopqrst", 13);
	put(&p, "mysql_native_password", 22);
	frame(out, &p, 0);
}

/* An ERR packet at greeting: 0xff, the code, the message (no SQL state). */
static void error_packet(struct packet *out, unsigned code, const char *message)
{
	struct packet p = {.len = 0};

	put(&p, "\xff", 1);
	put_le16(&p, code);
	put(&p, message, strlen(message));
	frame(out, &p, 0);
}

/* The server sends LEN bytes of DATA at once, then waits (or hangs up). */
static int serve(struct fixture *fx, const void *data, size_t len, bool hang_up)
{
	const struct step steps[] = {
	        {'S', data, (long)len},
	        {hang_up ? 'H' : 'P', NULL, 0},
	        {'\0', NULL, 0},
	};

	return play(fx, len > 0 ? steps : steps + 1);
}

static void expect_refusal(struct fixture *fx, const struct packet *pk, enum fault_kind kind,
                           const char *fragment)
{
	char heard[64];

	assert_int_equal(serve(fx, pk->bytes, pk->len, false), -1);
	assert_int_equal(fx->fault.kind, kind);
	if (strstr(fx->fault.text, fragment) == NULL)
		fail_msg("'%s' not in '%s'", fragment, fx->fault.text);
	/* A refusal is recognised as it arrives: nothing is sent to the server. */
	assert_int_equal(peer_heard(fx, heard, sizeof(heard)), 0);
}

/* LITERAL and its length without the final NUL, for binary payloads. */
#define BYTES(literal) literal, sizeof(literal) - 1

/* A packet of PAYLOAD (LEN bytes, sequence id 0) instead of a greeting. */
static void expect_payload_refusal(struct fixture *fx, const char *payload, size_t len,
                                   enum fault_kind kind, const char *fragment)
{
	struct packet p = {.len = 0}, g;

	put(&p, payload, len);
	frame(&g, &p, 0);
	expect_refusal(fx, &g, kind, fragment);
}

static void expect_ssl_request(struct fixture *fx)
{
	char heard[64];

	assert_int_equal(fx->fault.kind, FAULT_NONE);
	assert_int_equal(net_buffered(&fx->conn), 0);
	assert_int_equal(peer_heard(fx, heard, sizeof(heard)), sizeof(ssl_request));
	assert_memory_equal(heard, ssl_request, sizeof(ssl_request));
}

/* --- the greeting and the SSLRequest --------------------------------------------- */

static void test_happy_path_split_segments(void **state)
{
	struct fixture *fx = *state;
	struct packet g;
	const char *b;

	greeting(&g, MARIADB_VERSION, CAPS_LO_SSL, CAPS_HI);
	b = (const char *)g.bytes;
	const struct step steps[] = {
	        {'S', b, 2}, /* half a header */
	        {'P', NULL, 30},
	        {'S', b + 2, 10}, /* the rest of it, and part of the version */
	        {'P', NULL, 30},
	        {'S', b + 12, (long)(g.len - 12 - 5)},
	        {'P', NULL, 30},
	        {'Q', NULL, 0}, /* nobody talks before the whole greeting is in */
	        {'S', b + g.len - 5, 5},
	        {'\0', NULL, 0},
	};

	assert_int_equal(play(fx, steps), 0);
	assert_false(fx->spoke_early);
	expect_ssl_request(fx);
}

static void test_ssl_request_bytes(void **state)
{
	struct fixture *fx = *state;
	struct packet g;

	greeting(&g, "8.0.36", CAPS_LO_SSL, CAPS_HI);
	assert_int_equal(serve(fx, g.bytes, g.len, false), 0);
	expect_ssl_request(fx);
}

/* A pre-4.1 style greeting ends after the lower capabilities: enough to see
 * CLIENT_SSL. */
static void test_short_greeting_with_ssl(void **state)
{
	struct fixture *fx = *state;
	struct packet p = {.len = 0}, g;

	/* Capabilities 0x0a00: CLIENT_SSL | CLIENT_PROTOCOL_41. */
	put(&p, BYTES("\n4.0.30\000\001\000\000\000abcdefgh\000\000\012"));
	frame(&g, &p, 0);
	assert_int_equal(serve(fx, g.bytes, g.len, false), 0);
	expect_ssl_request(fx);
}

static void test_no_client_ssl(void **state)
{
	struct fixture *fx = *state;
	struct packet g;

	greeting(&g, MARIADB_VERSION, CAPS_LO_NO_SSL, CAPS_HI);
	expect_refusal(fx, &g, FAULT_NO_TLS,
	               "server does not offer TLS (MariaDB 10.11.6 without CLIENT_SSL)");
}

static void test_no_client_ssl_mysql(void **state)
{
	struct fixture *fx = *state;
	struct packet g;

	/* CLIENT_SSL is a lower flag: the upper ones do not stand in for it. */
	greeting(&g, "8.0.36", CAPS_LO_NO_SSL, 0xffff);
	expect_refusal(fx, &g, FAULT_NO_TLS,
	               "server does not offer TLS (MySQL 8.0.36 without CLIENT_SSL)");
}

static void test_version_is_sanitized(void **state)
{
	struct fixture *fx = *state;
	struct packet g;

	greeting(&g, "\x1b[31m9.9", CAPS_LO_NO_SSL, CAPS_HI);
	expect_refusal(fx, &g, FAULT_NO_TLS, "(MySQL ?[31m9.9 without CLIENT_SSL)");
}

/* --- ERR packets instead of a greeting ----------------------------------------- */

static void test_error_1040(void **state)
{
	struct fixture *fx = *state;
	struct packet e;

	error_packet(&e, 1040, "Too many connections");
	expect_refusal(fx, &e, FAULT_PEER,
	               "server refused the connection at greeting: error 1040 "
	               "(too many connections): 'Too many connections'");
}

static void test_error_1129(void **state)
{
	struct fixture *fx = *state;
	struct packet e;

	error_packet(&e, 1129,
	             "Host '192.0.2.9' is blocked because of many connection errors; "
	             "unblock with 'mariadb-admin flush-hosts'");
	expect_refusal(fx, &e, FAULT_PEER,
	               "error 1129 (host blocked after too many connection errors): "
	               "'Host '192.0.2.9' is blocked because");
	assert_non_null(strstr(fx->fault.text, "...'"));
}

static void test_error_1130(void **state)
{
	struct fixture *fx = *state;
	struct packet e;

	error_packet(&e, 1130, "Host '192.0.2.9' is not allowed to connect to this MariaDB server");
	expect_refusal(fx, &e, FAULT_PEER,
	               "error 1130 (host not allowed to connect): 'Host '192.0.2.9' is not "
	               "allowed");
}

static void test_error_with_sql_state(void **state)
{
	struct fixture *fx = *state;
	struct packet e;

	error_packet(&e, 1040, "#08004Too many connections");
	expect_refusal(fx, &e, FAULT_PEER, "error 1040 (too many connections): 'Too many");
}

static void test_error_unknown_code(void **state)
{
	struct fixture *fx = *state;
	struct packet e;

	error_packet(&e, 1152, "Aborted connection");
	expect_refusal(fx, &e, FAULT_PEER, "error 1152: 'Aborted connection'");
}

static void test_error_truncated(void **state)
{
	expect_payload_refusal(*state, BYTES("\377\020"), FAULT_PEER,
	                       "truncated MySQL error packet at greeting (2 bytes)");
}

/* --- broken greetings ------------------------------------------------------------- */

static void test_truncated_packet(void **state)
{
	struct fixture *fx = *state;
	struct packet g;

	/* The header promises more than comes before the server hangs up. */
	greeting(&g, MARIADB_VERSION, CAPS_LO_SSL, CAPS_HI);
	assert_int_equal(serve(fx, g.bytes, g.len - 20, true), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text, "server closed the connection while we waited for "
	                                    "the rest of the MySQL greeting");
}

static void test_truncated_header(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(serve(fx, "\x4a\x00", 2, true), -1);
	assert_string_equal(fx->fault.text,
	                    "server closed the connection while we waited for the MySQL greeting");
}

static void test_truncated_version(void **state)
{
	expect_payload_refusal(*state, BYTES("\n10.11.6-MariaDB"), FAULT_PEER,
	                       "truncated MySQL greeting: no end to the server version");
}

static void test_truncated_before_capabilities(void **state)
{
	expect_payload_refusal(*state, BYTES("\n8.0.36\000\001\000\000\000abcdefgh\000\377"),
	                       FAULT_PEER, "truncated MySQL greeting from MySQL 8.0.36 (22 bytes)");
}

static void test_garbled_filler(void **state)
{
	expect_payload_refusal(*state, BYTES("\n8.0.36\000\001\000\000\000abcdefgh\007\377\377"),
	                       FAULT_PEER,
	                       "garbled MySQL greeting from MySQL 8.0.36: filler 0x07, expected 0");
}

static void test_wrong_sequence_id(void **state)
{
	struct fixture *fx = *state;
	struct packet g;

	greeting(&g, MARIADB_VERSION, CAPS_LO_SSL, CAPS_HI);
	g.bytes[3] = 5;
	assert_int_equal(serve(fx, g.bytes, g.len, false), -1);
	assert_string_equal(fx->fault.text, "garbled MySQL greeting: sequence id 5, expected 0");
}

/* An SMTP banner on 3306 read as a packet header is a length of 3158578. */
static void test_oversize_length(void **state)
{
	struct fixture *fx = *state;
	static const char banner[] = "220 mail.example.com ESMTP\r\n";

	assert_int_equal(serve(fx, banner, sizeof(banner) - 1, false), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text, "not a MySQL greeting: a packet of 3158578 bytes (at "
	                                    "most 1024 expected), starting '220 '");
}

static void test_oversize_just_over(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(serve(fx, "\x01\x04\x00\x00\x0a", 5, false), -1);
	assert_non_null(strstr(fx->fault.text, "a packet of 1025 bytes (at most 1024 expected)"));
}

static void test_empty_packet(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(serve(fx, "\x00\x00\x00\x00", 4, false), -1);
	assert_non_null(strstr(fx->fault.text, "not a MySQL greeting: a packet of 0 bytes"));
}

static void test_protocol_version_9(void **state)
{
	expect_payload_refusal(*state, BYTES("\t3.21.33\000\001\000\000\000abcdefgh\000"),
	                       FAULT_NO_TLS,
	                       "server speaks MySQL protocol version 9 (before MySQL 3.22), "
	                       "which has no TLS");
}

static void test_protocol_version_other(void **state)
{
	expect_payload_refusal(*state, BYTES("\v99.0\000"), FAULT_PEER,
	                       "not a MySQL greeting: protocol version 0x0b, expected 10");
}

/* The server talks on after its greeting, before the client has said anything:
 * not an answer to us, so no SSLRequest goes out. */
static void test_bytes_after_greeting(void **state)
{
	struct fixture *fx = *state;
	struct packet g;

	greeting(&g, MARIADB_VERSION, CAPS_LO_SSL, CAPS_HI);
	put(&g, "\x16\x03\x01", 3);
	expect_refusal(fx, &g, FAULT_PEER,
	               "server sent 3 bytes before the SSLRequest was sent, refusing");
}

static void test_silence(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(serve(fx, "", 0, false), -1);
	assert_int_equal(fx->fault.kind, FAULT_TIMEOUT);
	assert_string_equal(fx->fault.text, "timeout waiting for the MySQL greeting");
}

static void test_protocol_entry(void **state)
{
	(void)state;
	assert_ptr_equal(protocol_find("mysql"), &protocol_mysql);
	assert_int_equal(protocol_mysql.port, 3306);
	assert_int_equal(protocol_mysql.implicit_port, 0);
	assert_null(protocol_mysql.alpn);
	assert_non_null(protocol_mysql.upgrade);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FIXTURE_TEST(test_happy_path_split_segments),
	        FIXTURE_TEST(test_ssl_request_bytes),
	        FIXTURE_TEST(test_short_greeting_with_ssl),
	        FIXTURE_TEST(test_no_client_ssl),
	        FIXTURE_TEST(test_no_client_ssl_mysql),
	        FIXTURE_TEST(test_version_is_sanitized),
	        FIXTURE_TEST(test_error_1040),
	        FIXTURE_TEST(test_error_1129),
	        FIXTURE_TEST(test_error_1130),
	        FIXTURE_TEST(test_error_with_sql_state),
	        FIXTURE_TEST(test_error_unknown_code),
	        FIXTURE_TEST(test_error_truncated),
	        FIXTURE_TEST(test_truncated_packet),
	        FIXTURE_TEST(test_truncated_header),
	        FIXTURE_TEST(test_truncated_version),
	        FIXTURE_TEST(test_truncated_before_capabilities),
	        FIXTURE_TEST(test_garbled_filler),
	        FIXTURE_TEST(test_wrong_sequence_id),
	        FIXTURE_TEST(test_oversize_length),
	        FIXTURE_TEST(test_oversize_just_over),
	        FIXTURE_TEST(test_empty_packet),
	        FIXTURE_TEST(test_protocol_version_9),
	        FIXTURE_TEST(test_protocol_version_other),
	        FIXTURE_TEST(test_bytes_after_greeting),
	        FIXTURE_TEST(test_silence),
	        cmocka_unit_test(test_protocol_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
