/* IMAP's STARTTLS dialogue (RFC 3501 6.2.1) against scripted peers: the greeting,
 * CAPABILITY, STARTTLS, and the greeting over TLS on 993. */
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

const struct tls_protocol *protocol_under_test = &protocol_imap;

#define GREETING "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n"
#define CAPS     "* CAPABILITY IMAP4rev1 SASL-IR STARTTLS LOGINDISABLED\r\na001 OK done\r\n"
#define GO       "a002 OK Begin TLS negotiation now.\r\n"

static void test_happy_path_split_segments(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'S', "* OK [CAPABILITY IMAP4rev1 STA", 0},
	        {'P', NULL, 40},
	        {'Q', NULL, 0}, /* nobody talks before the greeting's end */
	        {'S', "RTTLS] Dovecot ready.\r\n", 0},
	        {'R', NULL, 0},
	        {'S', "* CAPABILITY IMAP4rev1 ST", 0},
	        {'P', NULL, 20},
	        {'S', "ARTTLS AUTH=PLAIN\r\n* OK [ALERT] still here\r\na001 O", 0},
	        {'P', NULL, 20},
	        {'S', "K Pre-login capabilities listed\r\n", 0},
	        {'R', NULL, 0},
	        {'S', "a002 OK Begin TLS", 0},
	        {'P', NULL, 20},
	        {'S', " negotiation now.\r\n", 0},
	        {'\0', NULL, 0},
	};

	assert_int_equal(play(fx, steps), 0);
	assert_int_equal(fx->fault.kind, FAULT_NONE);
	assert_string_equal(fx->heard, "a001 CAPABILITY\r\na002 STARTTLS\r\n");
	assert_false(fx->spoke_early);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

/* Untagged data may come before any tagged reply, and words are case-insensitive. */
static void test_untagged_lines_and_lower_case(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(converse(fx, TURNS("* ok hi\r\n",
	                                    "* capability imap4rev1 starttls\r\n"
	                                    "* CAPABILITY AUTH=PLAIN\r\na001 ok\r\n",
	                                    "* OK [ALERT] maintenance tonight\r\na002 ok go\r\n")),
	                 0);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

/* The greeting's list is not enough: CAPABILITY is always asked. */
static void test_capability_asked_even_when_greeted_with_it(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS(GREETING, "* CAPABILITY IMAP4rev1\r\na001 OK\r\n"), FAULT_NO_TLS,
	             "server does not offer STARTTLS");
	assert_string_equal(fx->heard, "a001 CAPABILITY\r\n");
}

static void test_no_starttls(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx,
	             TURNS("* OK ready\r\n", "* CAPABILITY IMAP4rev1 X-STARTTLS STARTTLSX "
	                                     "AUTH=STARTTLS\r\n* OK STARTTLS\r\na001 OK\r\n"),
	             FAULT_NO_TLS, "server does not offer STARTTLS");
	assert_string_equal(fx->fault.text, "server does not offer STARTTLS");
}

static void test_preauth_greeting(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* PREAUTH IMAP4rev1 server logged in as Smith\r\n"), FAULT_NO_TLS,
	             "PREAUTH greeting, no STARTTLS possible: * PREAUTH IMAP4rev1 server logged in "
	             "as Smith");
	assert_string_equal(fx->heard, "");
}

static void test_bye_greeting(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* BYE Too many connections\r\n"), FAULT_PEER,
	             "server refused the session: * BYE Too many connections");
	assert_string_equal(fx->heard, "");
}

static void test_bye_instead_of_tagged_reply(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* OK hi\r\n", "* BYE Autologout, idle for too long\r\n"),
	             FAULT_PEER, "server closed the session after CAPABILITY: * BYE Autologout");
}

static void test_capability_refused(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* OK hi\r\n", "a001 BAD Error in IMAP command\r\n"), FAULT_PEER,
	             "CAPABILITY refused: a001 BAD Error in IMAP command");
}

static void test_starttls_refused_no(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* OK hi\r\n", CAPS, "a002 NO TLS not available now\r\n"),
	             FAULT_NO_TLS, "STARTTLS refused: a002 NO TLS not available now");
	assert_string_equal(fx->heard, "a001 CAPABILITY\r\na002 STARTTLS\r\n");
}

static void test_starttls_refused_bad(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* OK hi\r\n", CAPS, "a002 BAD TLS support isn't enabled.\r\n"),
	             FAULT_NO_TLS, "STARTTLS refused: a002 BAD TLS support isn't enabled.");
}

static void test_garbage_greeting(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("220 mail.example.com ESMTP\r\n"), FAULT_PEER,
	             "unexpected IMAP greeting: '220 mail.example.com ESMTP'");
	assert_string_equal(fx->heard, "");
}

static void test_no_greeting_is_unexpected(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* NO go away\r\n"), FAULT_PEER, "unexpected IMAP greeting: '* NO");
}

static void test_wrong_tag(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* OK hi\r\n", "* CAPABILITY STARTTLS\r\na009 OK\r\n"), FAULT_PEER,
	             "unexpected reply to CAPABILITY: 'a009 OK'");
}

static void test_continuation_is_unexpected(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* OK hi\r\n", CAPS, "+ go ahead\r\n"), FAULT_PEER,
	             "unexpected reply to STARTTLS: '+ go ahead'");
}

static void test_too_many_untagged_lines(void **state)
{
	struct fixture *fx = *state;
	char *reply = calloc(101 * sizeof("* OK tick\r\n") + 1, 1);

	assert_non_null(reply);
	for (int i = 0; i < 101; i++)
		strcat(reply, "* OK tick\r\n");
	expect_fault(fx, TURNS("* OK hi\r\n", reply), FAULT_PEER,
	             "the reply to CAPABILITY: more than 100 lines");
	free(reply);
}

static void test_closed_mid_reply(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'S', "* OK hi\r\n", 0}, {'R', NULL, 0},  {'S', "* CAPABILITY STARTTLS\r\na0", 0},
	        {'H', NULL, 0},          {'\0', NULL, 0},
	};

	assert_int_equal(play(fx, steps), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text, "server closed the connection while we waited for the "
	                                    "reply to CAPABILITY");
}

static void test_silence_times_out(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(protocol_imap.upgrade(&fx->ctx, &fx->fault), -1);
	assert_int_equal(fx->fault.kind, FAULT_TIMEOUT);
	assert_string_equal(fx->fault.text, "timeout waiting for the IMAP greeting");
	assert_true(deadline_elapsed(&fx->dl) < 2.0);
}

/* Upgrade stops at the tagged OK: what follows stays buffered, for the caller to
 * refuse. */
static void test_plaintext_after_go_ahead(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(converse(fx, TURNS("* OK hi\r\n", CAPS, GO "* OK injected\r\n")), 0);
	assert_int_equal(net_buffered(&fx->conn), strlen("* OK injected\r\n"));
}

/* A go-ahead that arrives before STARTTLS was sent cannot be the answer to it. */
static void test_go_ahead_before_starttls(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* OK hi\r\n", CAPS GO), FAULT_PEER,
	             "before STARTTLS was sent, refusing");
	assert_string_equal(fx->heard, "a001 CAPABILITY\r\n");
}

static void test_reply_before_capability(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* OK hi\r\n" CAPS), FAULT_PEER, "before CAPABILITY was sent");
	assert_string_equal(fx->heard, "");
}

/* --- after the handshake ----------------------------------------------------------- */

static int after(struct fixture *fx, const char *greeting, bool tls_on_connect)
{
	fx->ctx.tls_on_connect = tls_on_connect;
	peer_write(fx, greeting);
	return protocol_imap.after(&fx->ctx, &fx->fault);
}

static void test_after_reads_greeting_over_tls(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(after(fx, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n", true), 0);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_after_preauth_over_tls(void **state)
{
	assert_int_equal(after(*state, "* PREAUTH logged in\r\n", true), 0);
}

static void test_after_bye_over_tls(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(after(fx, "* BYE shutting down\r\n", true), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text, "server refused the session: * BYE shutting down");
}

static void test_after_silence_over_tls(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(after(fx, "", true), -1);
	assert_int_equal(fx->fault.kind, FAULT_TIMEOUT);
	assert_string_equal(fx->fault.text, "timeout waiting for the IMAP greeting over TLS");
}

/* After STARTTLS the greeting was read already: nothing to wait for. */
static void test_after_starttls_reads_nothing(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(after(fx, "", false), 0);
	assert_true(deadline_elapsed(&fx->dl) < DEADLINE_SECONDS / 2);
}

static void test_table_entry(void **state)
{
	(void)state;
	assert_ptr_equal(protocol_find("imap"), &protocol_imap);
	assert_int_equal(protocol_imap.port, 143);
	assert_int_equal(protocol_imap.implicit_port, 993);
	assert_null(protocol_imap.options);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FIXTURE_TEST(test_happy_path_split_segments),
	        FIXTURE_TEST(test_untagged_lines_and_lower_case),
	        FIXTURE_TEST(test_capability_asked_even_when_greeted_with_it),
	        FIXTURE_TEST(test_no_starttls),
	        FIXTURE_TEST(test_preauth_greeting),
	        FIXTURE_TEST(test_bye_greeting),
	        FIXTURE_TEST(test_bye_instead_of_tagged_reply),
	        FIXTURE_TEST(test_capability_refused),
	        FIXTURE_TEST(test_starttls_refused_no),
	        FIXTURE_TEST(test_starttls_refused_bad),
	        FIXTURE_TEST(test_garbage_greeting),
	        FIXTURE_TEST(test_no_greeting_is_unexpected),
	        FIXTURE_TEST(test_wrong_tag),
	        FIXTURE_TEST(test_continuation_is_unexpected),
	        FIXTURE_TEST(test_too_many_untagged_lines),
	        FIXTURE_TEST(test_closed_mid_reply),
	        FIXTURE_TEST(test_silence_times_out),
	        FIXTURE_TEST(test_plaintext_after_go_ahead),
	        FIXTURE_TEST(test_go_ahead_before_starttls),
	        FIXTURE_TEST(test_reply_before_capability),
	        FIXTURE_TEST(test_after_reads_greeting_over_tls),
	        FIXTURE_TEST(test_after_preauth_over_tls),
	        FIXTURE_TEST(test_after_bye_over_tls),
	        FIXTURE_TEST(test_after_silence_over_tls),
	        FIXTURE_TEST(test_after_starttls_reads_nothing),
	        cmocka_unit_test(test_table_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
