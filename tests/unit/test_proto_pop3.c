/* POP3's STLS dialogue (RFC 2595 4, RFC 2449 CAPA) against scripted peers: the
 * greeting, CAPA with its dot-terminated list, STLS, and the greeting over TLS
 * on 995. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net.h"
#include "protocol.h"

#include "scripted_peer.h"

const struct tls_protocol *protocol_under_test = &protocol_pop3;

#define CAPA "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nSTLS\r\nUSER\r\nSASL PLAIN\r\n.\r\n"
#define GO   "+OK Begin TLS negotiation now.\r\n"

static void test_happy_path_split_segments(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'S', "+OK Dovecot", 0},
	        {'P', NULL, 40},
	        {'Q', NULL, 0}, /* nobody talks before the greeting's end */
	        {'S', " (Debian) ready.\r\n", 0},
	        {'R', NULL, 0},
	        {'S', "+OK\r\nCAPA\r\nTOP\r\nST", 0},
	        {'P', NULL, 20},
	        {'Q', NULL, 0}, /* STLS not sent before the list's end */
	        {'S', "LS\r\nSASL PLAIN\r\n.", 0},
	        {'P', NULL, 20},
	        {'S', "\r\n", 0},
	        {'R', NULL, 0},
	        {'S', "+OK Begin", 0},
	        {'P', NULL, 20},
	        {'S', " TLS negotiation now.\r\n", 0},
	        {'\0', NULL, 0},
	};

	assert_int_equal(play(fx, steps), 0);
	assert_int_equal(fx->fault.kind, FAULT_NONE);
	assert_string_equal(fx->heard, "CAPA\r\nSTLS\r\n");
	assert_false(fx->spoke_early);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_bare_ok_and_lower_case(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(
	        converse(fx, TURNS("+OK\r\n", "+OK list follows\r\nstls\r\n.\r\n", "+OK\r\n")), 0);
}

static void test_greeting_refused(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("-ERR [SYS/TEMP] too many connections\r\n"), FAULT_PEER,
	             "server refused the session: -ERR [SYS/TEMP] too many connections");
	assert_string_equal(fx->heard, "");
}

static void test_capa_refused(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("+OK hi\r\n", "-ERR Unknown command.\r\n"), FAULT_NO_TLS,
	             "server does not offer STLS (CAPA refused: -ERR Unknown command.)");
	assert_string_equal(fx->heard, "CAPA\r\n");
}

static void test_no_stls(void **state)
{
	struct fixture *fx = *state;

	expect_fault(
	        fx,
	        TURNS("+OK hi\r\n", "+OK\r\nTOP\r\nSTLSX\r\nX-STLS\r\nSASL STLS\r\nUSER\r\n.\r\n"),
	        FAULT_NO_TLS, "server does not offer STLS");
	assert_string_equal(fx->fault.text, "server does not offer STLS");
	assert_string_equal(fx->heard, "CAPA\r\n");
}

static void test_stls_refused(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("+OK hi\r\n", CAPA, "-ERR TLS support isn't enabled.\r\n"),
	             FAULT_NO_TLS, "STLS refused: -ERR TLS support isn't enabled.");
	assert_string_equal(fx->heard, "CAPA\r\nSTLS\r\n");
}

static void test_garbage_greeting(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* OK IMAP4rev1 ready\r\n"), FAULT_PEER,
	             "unexpected POP3 greeting: '* OK IMAP4rev1 ready'");
	assert_string_equal(fx->heard, "");
}

static void test_okay_is_not_ok(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("+OK hi\r\n", CAPA, "+OKAY\r\n"), FAULT_PEER,
	             "unexpected reply to STLS: '+OKAY'");
}

/* A dot-stuffed line is not the end, and its first dot is not part of it. */
static void test_dot_stuffed_line(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(converse(fx, TURNS("+OK hi\r\n", "+OK\r\n..STLS\r\nSTLS\r\n.\r\n", GO)),
	                 0);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_closed_before_end_of_list(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'S', "+OK hi\r\n", 0}, {'R', NULL, 0},  {'S', "+OK\r\nSTLS\r\n", 0},
	        {'H', NULL, 0},         {'\0', NULL, 0},
	};

	assert_int_equal(play(fx, steps), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text,
	                    "server closed the connection while we waited for the reply to CAPA");
}

static void test_too_many_capabilities(void **state)
{
	struct fixture *fx = *state;
	char *reply = calloc(101 * 6 + 8, 1);

	assert_non_null(reply);
	strcat(reply, "+OK\r\n");
	for (int i = 0; i < 101; i++)
		strcat(reply, "TOP\r\n");
	expect_fault(fx, TURNS("+OK hi\r\n", reply), FAULT_PEER,
	             "the reply to CAPA: more than 100 lines");
	free(reply);
}

static void test_silence_times_out(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(protocol_pop3.upgrade(&fx->ctx, &fx->fault), -1);
	assert_int_equal(fx->fault.kind, FAULT_TIMEOUT);
	assert_string_equal(fx->fault.text, "timeout waiting for the POP3 greeting");
}

static void test_plaintext_after_go_ahead(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(converse(fx, TURNS("+OK hi\r\n", CAPA, GO "+OK injected\r\n")), 0);
	assert_int_equal(net_buffered(&fx->conn), strlen("+OK injected\r\n"));
}

static void test_go_ahead_before_stls(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("+OK hi\r\n", CAPA GO), FAULT_PEER,
	             "before STLS was sent, refusing");
	assert_string_equal(fx->heard, "CAPA\r\n");
}

/* --- after the handshake ----------------------------------------------------------- */

static int after(struct fixture *fx, const char *greeting, bool tls_on_connect)
{
	fx->ctx.tls_on_connect = tls_on_connect;
	peer_write(fx, greeting);
	return protocol_pop3.after(&fx->ctx, &fx->fault);
}

static void test_after_reads_greeting_over_tls(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(after(fx, "+OK Dovecot ready.\r\n", true), 0);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_after_err_over_tls(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(after(fx, "-ERR go away\r\n", true), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text, "server refused the session: -ERR go away");
}

static void test_after_garbage_over_tls(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(after(fx, "HTTP/1.1 400 Bad Request\r\n", true), -1);
	assert_string_equal(fx->fault.text,
	                    "unexpected POP3 greeting over TLS: 'HTTP/1.1 400 Bad Request'");
}

static void test_after_stls_reads_nothing(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(after(fx, "", false), 0);
	assert_true(deadline_elapsed(&fx->dl) < DEADLINE_SECONDS / 2);
}

static void test_table_entry(void **state)
{
	(void)state;
	assert_ptr_equal(protocol_find("pop3"), &protocol_pop3);
	assert_int_equal(protocol_pop3.port, 110);
	assert_int_equal(protocol_pop3.implicit_port, 995);
	assert_null(protocol_pop3.options);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FIXTURE_TEST(test_happy_path_split_segments),
	        FIXTURE_TEST(test_bare_ok_and_lower_case),
	        FIXTURE_TEST(test_greeting_refused),
	        FIXTURE_TEST(test_capa_refused),
	        FIXTURE_TEST(test_no_stls),
	        FIXTURE_TEST(test_stls_refused),
	        FIXTURE_TEST(test_garbage_greeting),
	        FIXTURE_TEST(test_okay_is_not_ok),
	        FIXTURE_TEST(test_dot_stuffed_line),
	        FIXTURE_TEST(test_closed_before_end_of_list),
	        FIXTURE_TEST(test_too_many_capabilities),
	        FIXTURE_TEST(test_silence_times_out),
	        FIXTURE_TEST(test_plaintext_after_go_ahead),
	        FIXTURE_TEST(test_go_ahead_before_stls),
	        FIXTURE_TEST(test_after_reads_greeting_over_tls),
	        FIXTURE_TEST(test_after_err_over_tls),
	        FIXTURE_TEST(test_after_garbage_over_tls),
	        FIXTURE_TEST(test_after_stls_reads_nothing),
	        cmocka_unit_test(test_table_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
