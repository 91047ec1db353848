/* The Redis step after the handshake against scripted servers: PING, the RESP
 * replies that prove a Redis server (+PONG, and the errors of one that wants a
 * password, is protected or is loading), and what does not: another protocol's
 * text, a line that only looks like RESP, silence, a closed connection. */
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

const struct tls_protocol *protocol_under_test = &protocol_redis;

static int after(struct fixture *fx, const char *reply)
{
	return after_answered(fx, reply, strlen(reply));
}

static void expect_reply_fault(struct fixture *fx, const char *reply, enum fault_kind kind,
                               const char *text)
{
	expect_after_fault(fx, reply, strlen(reply), kind, text);
}

static void test_pong_split_segments(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'R', NULL, 0},  {'S', "+PO", 0}, {'P', NULL, 20}, {'S', "NG\r", 0},
	        {'P', NULL, 20}, {'S', "\n", 0},  {'\0', NULL, 0},
	};

	assert_int_equal(play_after(fx, steps), 0);
	assert_string_equal(fx->heard, "PING\r\n");
	assert_int_equal(net_buffered(&fx->conn), 0);
}

/* A refusal in RESP is Redis refusing: the service is there. */
static void test_errors_prove_redis(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(after(fx, "-NOAUTH Authentication required.\r\n"), 0);
	assert_int_equal(after(fx, "-DENIED Redis is running in protected mode\r\n"), 0);
	assert_int_equal(after(fx, "-LOADING Redis is loading the dataset in memory\r\n"), 0);
}

static void test_other_resp_types(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(after(fx, ":1\r\n"), 0);
	assert_int_equal(after(fx, "$4\r\n"), 0);
	assert_int_equal(after(fx, "*-1\r\n"), 0);
}

static void test_http_answer_named(void **state)
{
	expect_reply_fault(*state, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n",
	                   FAULT_PEER,
	                   "no Redis reply to PING within 3s: the server answered 'HTTP/1.1 400 "
	                   "Bad Request'");
}

static void test_resp_lookalike(void **state)
{
	expect_reply_fault(*state, "$four\r\n", FAULT_PEER,
	                   "no Redis reply to PING within 3s: the server answered '$four'");
}

static void test_empty_line(void **state)
{
	expect_reply_fault(*state, "\r\n", FAULT_PEER,
	                   "no Redis reply to PING within 3s: the server answered ''");
}

static void test_long_line(void **state)
{
	char line[1100];

	memset(line, '+', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	expect_reply_fault(*state, line, FAULT_PEER,
	                   "no Redis reply to PING within 3s: the reply to PING: line longer than "
	                   "1000 bytes");
}

static void test_silence(void **state)
{
	expect_reply_fault(*state, "", FAULT_TIMEOUT,
	                   "no Redis reply to PING within 3s: nothing received");
}

static void test_closed_mid_line(void **state)
{
	struct fixture *fx = *state;

	peer_write(fx, "+PO");
	peer_hang_up(fx);
	expect_reply_fault(fx, "", FAULT_PEER,
	                   "no Redis reply to PING within 3s: server closed the connection while "
	                   "we waited for the reply to PING");
}

static void test_reply_before_ping(void **state)
{
	struct fixture *fx = *state;

	peer_write(fx, "+PONG\r\n");
	assert_int_equal(net_await(&fx->conn, "anything", &fx->fault), 0);
	expect_reply_fault(fx, "", FAULT_PEER,
	                   "no Redis reply to PING within 3s: server sent 7 bytes before PING was "
	                   "sent, refusing");
}

/* The old name of --no-service-check: the shared step, not after(), reads it. */
static void test_no_ping(void **state)
{
	int index = protocol_option_index(&protocol_redis, "no-ping");

	(void)state;
	assert_true(protocol_redis.service_check);
	assert_true(index >= 0);
	assert_true(protocol_redis.options[index].service_check_alias);
}

static void test_table_entry(void **state)
{
	(void)state;
	assert_ptr_equal(protocol_find("redis"), &protocol_redis);
	assert_int_equal(protocol_redis.port, 6379);
	assert_null(protocol_redis.upgrade);
	assert_int_equal(protocol_option_index(&protocol_redis, "no-ping"), 0);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FIXTURE_TEST(test_pong_split_segments), FIXTURE_TEST(test_errors_prove_redis),
	        FIXTURE_TEST(test_other_resp_types),    FIXTURE_TEST(test_http_answer_named),
	        FIXTURE_TEST(test_resp_lookalike),      FIXTURE_TEST(test_empty_line),
	        FIXTURE_TEST(test_long_line),           FIXTURE_TEST(test_silence),
	        FIXTURE_TEST(test_closed_mid_line),     FIXTURE_TEST(test_reply_before_ping),
	        cmocka_unit_test(test_no_ping),         FIXTURE_TEST(test_table_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
