/* FTP AUTH TLS (RFC 4217 4) against scripted peers: multi-line replies with the
 * code on the first and last lines only, the refusals, and what a hostile peer may
 * try around the 234 go-ahead. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "protocol.h"
#include "scripted_peer.h"

const struct tls_protocol *protocol_under_test = &protocol_ftp;

static void test_happy_path_split_segments(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'S', "220-Welcome to the archive\r\n   mirrors: see /pub\r\n", 0},
	        {'P', NULL, 40},
	        {'Q', NULL, 0}, /* nothing is said before the last line of the greeting */
	        {'S', "220-\r\n220 (vsFTPd 3.0.3)\r\n", 0},
	        {'R', NULL, 0},
	        {'S', "234 Proceed", 0},
	        {'P', NULL, 30},
	        {'S', " with negotiation.\r\n", 0},
	        {'\0', NULL, 0},
	};

	assert_int_equal(play(fx, steps), 0);
	assert_int_equal(fx->fault.kind, FAULT_NONE);
	assert_string_equal(fx->heard, "AUTH TLS\r\n");
	assert_false(fx->spoke_early);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_delay_then_ready(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(
	        converse(fx, TURNS("120 ready in 1 minute\r\n220 ready\r\n", "234 go\r\n")), 0);
}

static void test_multi_line_go_ahead(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(
	        converse(fx, TURNS("220 hi\r\n", "234-AUTH TLS ok\r\n one more\r\n234 go\r\n")), 0);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_refusals(void **state)
{
	struct fixture *fx = *state;
	const char *const replies[] = {
	        "500 'AUTH TLS': command not understood\r\n",
	        "502 Command not implemented\r\n",
	        "504 Security mechanism not understood\r\n",
	        "530 Please login with USER and PASS.\r\n",
	        "534 Request denied for policy reasons.\r\n",
	        "431 Unable to accept security mechanism\r\n",
	};

	for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		char want[128];

		teardown(state);
		assert_int_equal(setup(state), 0);
		fx = *state;
		snprintf(want, sizeof(want), "AUTH TLS refused: %.20s", replies[i]);
		expect_fault(fx, TURNS("220 hi\r\n", replies[i]), FAULT_NO_TLS, want);
		assert_string_equal(fx->heard, "AUTH TLS\r\n");
	}
}

static void test_multi_line_refusal(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("220 hi\r\n", "534-Policy\r\n TLS is off here\r\n534 Denied\r\n"),
	             FAULT_NO_TLS, "AUTH TLS refused: 534-Policy");
}

static void test_session_refused(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("421-Too many users\r\n please come back later\r\n421 bye\r\n"),
	             FAULT_PEER, "server refused the session: 421-Too many users");
	assert_string_equal(fx->heard, "");
}

static void test_garbage(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("SSH-2.0-OpenSSH_9.2\r\n"), FAULT_PEER,
	             "unexpected FTP greeting: 'SSH-2.0-OpenSSH_9.2'");
}

static void test_greeting_never_ends(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("220-hi\r\n and more\r\n"), FAULT_TIMEOUT,
	             "timeout waiting for the FTP greeting");
}

static void test_plaintext_after_go_ahead(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(converse(fx, TURNS("220 hi\r\n", "234 go\r\n226 injected\r\n")), 0);
	assert_int_equal(net_buffered(&fx->conn), strlen("226 injected\r\n"));
}

static void test_go_ahead_before_auth(void **state)
{
	struct fixture *fx = *state;
	char heard[64];

	peer_write(fx, "220 hi\r\n234 go\r\n");
	assert_int_equal(protocol_ftp.upgrade(&fx->ctx, &fx->fault), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text,
	                    "server sent 8 bytes before AUTH TLS was sent, refusing");
	assert_int_equal(peer_heard(fx, heard, sizeof(heard)), 0);
}

static void test_after_implicit_greeting(void **state)
{
	struct fixture *fx = *state;

	fx->ctx.tls_on_connect = true;
	peer_write(fx, "220-hello\r\n over TLS\r\n220 ready\r\n");
	assert_int_equal(protocol_ftp.after(&fx->ctx, &fx->fault), 0);
	fault_clear(&fx->fault);
	peer_write(fx, "421 Service not available\r\n");
	assert_int_equal(protocol_ftp.after(&fx->ctx, &fx->fault), -1);
	assert_string_equal(fx->fault.text,
	                    "server refused the session: 421 Service not available");
	fx->ctx.tls_on_connect = false;
	assert_int_equal(protocol_ftp.after(&fx->ctx, &fx->fault), 0);
}

static void test_table(void **state)
{
	(void)state;
	assert_ptr_equal(protocol_find("ftp"), &protocol_ftp);
	assert_int_equal(protocol_ftp.port, 21);
	assert_int_equal(protocol_ftp.implicit_port, 990);
	assert_null(protocol_ftp.alpn);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FIXTURE_TEST(test_happy_path_split_segments),
	        FIXTURE_TEST(test_delay_then_ready),
	        FIXTURE_TEST(test_multi_line_go_ahead),
	        FIXTURE_TEST(test_refusals),
	        FIXTURE_TEST(test_multi_line_refusal),
	        FIXTURE_TEST(test_session_refused),
	        FIXTURE_TEST(test_garbage),
	        FIXTURE_TEST(test_greeting_never_ends),
	        FIXTURE_TEST(test_plaintext_after_go_ahead),
	        FIXTURE_TEST(test_go_ahead_before_auth),
	        FIXTURE_TEST(test_after_implicit_greeting),
	        cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
