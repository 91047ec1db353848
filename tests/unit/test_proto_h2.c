/* The HTTP/2 step after the handshake against scripted servers: the preface
 * sent, the server's SETTINGS that proves HTTP/2, a GOAWAY that proves it and
 * says why it refused, and what does not: HTTP/1.1 text, a frame longer than any
 * first frame may be, a header cut short, silence, too many other frames; and the
 * ALPN the handshake chose, when it is not h2. */
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

const struct tls_protocol *protocol_under_test = &protocol_h2;

#define SETTINGS      "\x00\x00\x06\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x64"
#define SETTINGS_LEN  15
#define WINDOW_UPDATE "\x00\x00\x04\x08\x00\x00\x00\x00\x00\x00\x00\xff\xff"
#define WINDOW_LEN    13
#define PREFACE       "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

static int after_h2(struct fixture *fx, const void *answer, size_t len)
{
	fx->ctx.alpn = "h2";
	return after_answered(fx, answer, len);
}

static void expect_h2_fault(struct fixture *fx, const void *answer, size_t len,
                            enum fault_kind kind, const char *text)
{
	fx->ctx.alpn = "h2";
	expect_after_fault(fx, answer, len, kind, text);
}

static void test_settings(void **state)
{
	struct fixture *fx = *state;
	char heard[64];
	size_t n;

	assert_int_equal(after_h2(fx, SETTINGS, SETTINGS_LEN), 0);
	n = peer_heard(fx, heard, sizeof(heard));
	assert_int_equal(n, 24 + 9);
	assert_memory_equal(heard, PREFACE, 24);
	assert_memory_equal(heard + 24, "\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9);
}

static void test_settings_split_segments(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'R', "SM\r\n\r\n", 0}, {'S', "\x00\x00", 2},
	        {'P', NULL, 20},        {'S', SETTINGS + 2, SETTINGS_LEN - 2},
	        {'\0', NULL, 0},
	};

	fx->ctx.alpn = "h2";
	assert_int_equal(play_after(fx, steps), 0);
}

static void test_empty_settings(void **state)
{
	assert_int_equal(after_h2(*state, "\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9), 0);
}

static void test_goaway_named(void **state)
{
	expect_h2_fault(*state,
	                "\x00\x00\x08\x07\x00\x00\x00\x00\x00"
	                "\x00\x00\x00\x00\x00\x00\x00\x01",
	                17, FAULT_REFUSED, "server sent GOAWAY: PROTOCOL_ERROR (0x1)");
}

static void test_goaway_unknown_code(void **state)
{
	expect_h2_fault(*state,
	                "\x00\x00\x08\x07\x00\x00\x00\x00\x00"
	                "\x00\x00\x00\x00\x00\x00\x00\x2a",
	                17, FAULT_REFUSED, "server sent GOAWAY: an unknown error (0x2a)");
}

static void test_goaway_too_short(void **state)
{
	expect_h2_fault(*state, "\x00\x00\x04\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00", 13,
	                FAULT_PEER, "server sent a malformed GOAWAY (4 bytes, stream 0)");
}

static void test_settings_on_a_stream(void **state)
{
	expect_h2_fault(*state, "\x00\x00\x00\x04\x00\x00\x00\x00\x01", 9, FAULT_PEER,
	                "server sent a malformed HTTP/2 SETTINGS frame (0 bytes, stream 1)");
}

static void test_http11_named(void **state)
{
	const char answer[] = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";

	expect_h2_fault(*state, answer, sizeof(answer) - 1, FAULT_PEER,
	                "server answered the HTTP/2 preface with 'HTTP/1.1 400 Bad Request': not "
	                "HTTP/2");
}

/* One byte over the limit is refused by its header alone: no payload is awaited. */
static void test_oversize_frame(void **state)
{
	expect_h2_fault(*state, "\x00\x40\x01\x00\x00\x00\x00\x00\x01", 9, FAULT_PEER,
	                "server answered the HTTP/2 preface with a frame of 16385 bytes, above the "
	                "16384 allowed: not HTTP/2");
}

static void test_truncated_header(void **state)
{
	struct fixture *fx = *state;

	peer_send(fx->peer, "\x00\x00\x06\x04", 4);
	peer_hang_up(fx);
	expect_h2_fault(fx, "", 0, FAULT_PEER,
	                "no HTTP/2 SETTINGS frame within 3s: server closed the connection while we "
	                "waited for an HTTP/2 frame");
}

static void test_silence(void **state)
{
	struct fixture *fx = *state;
	double started = deadline_elapsed(&fx->dl);

	expect_h2_fault(fx, "", 0, FAULT_TIMEOUT,
	                "no HTTP/2 SETTINGS frame within 3s: nothing received");
	assert_true(deadline_elapsed(&fx->dl) - started < DEADLINE_SECONDS + 0.5);
}

static void test_other_frames_skipped(void **state)
{
	assert_int_equal(after_h2(*state, WINDOW_UPDATE WINDOW_UPDATE SETTINGS,
	                          2 * WINDOW_LEN + SETTINGS_LEN),
	                 0);
}

static void test_too_many_other_frames(void **state)
{
	char answer[10 * WINDOW_LEN];

	for (size_t i = 0; i < 10; i++)
		memcpy(answer + i * WINDOW_LEN, WINDOW_UPDATE, WINDOW_LEN);
	expect_h2_fault(*state, answer, sizeof(answer), FAULT_PEER,
	                "server sent 9 HTTP/2 frames but no SETTINGS frame");
}

static void test_no_alpn_named(void **state)
{
	struct fixture *fx = *state;

	fx->ctx.alpn = NULL;
	expect_after_fault(fx, SETTINGS, SETTINGS_LEN, FAULT_PEER,
	                   "server negotiated no ALPN (it answered the HTTP/2 preface all the "
	                   "same)");
}

static void test_other_alpn_named(void **state)
{
	struct fixture *fx = *state;
	const char answer[] = "HTTP/1.1 400 Bad Request\r\n\r\n";

	fx->ctx.alpn = "http/1.1";
	expect_after_fault(fx, answer, sizeof(answer) - 1, FAULT_PEER,
	                   "server negotiated 'http/1.1', not h2, and server answered the HTTP/2 "
	                   "preface with 'HTTP/1.1 400 Bad Request': not HTTP/2");
}

static void test_table_entry(void **state)
{
	(void)state;
	assert_ptr_equal(protocol_find("h2"), &protocol_h2);
	assert_int_equal(protocol_h2.port, 443);
	assert_string_equal(protocol_h2.alpn, "h2");
	assert_null(protocol_h2.upgrade);
	assert_false(protocol_h2.own_plugin);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FIXTURE_TEST(test_settings),
	        FIXTURE_TEST(test_settings_split_segments),
	        FIXTURE_TEST(test_empty_settings),
	        FIXTURE_TEST(test_goaway_named),
	        FIXTURE_TEST(test_goaway_unknown_code),
	        FIXTURE_TEST(test_goaway_too_short),
	        FIXTURE_TEST(test_settings_on_a_stream),
	        FIXTURE_TEST(test_http11_named),
	        FIXTURE_TEST(test_oversize_frame),
	        FIXTURE_TEST(test_truncated_header),
	        FIXTURE_TEST(test_silence),
	        FIXTURE_TEST(test_other_frames_skipped),
	        FIXTURE_TEST(test_too_many_other_frames),
	        FIXTURE_TEST(test_no_alpn_named),
	        FIXTURE_TEST(test_other_alpn_named),
	        FIXTURE_TEST(test_table_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
