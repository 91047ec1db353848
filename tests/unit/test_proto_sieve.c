/* ManageSieve's STARTTLS dialogue (RFC 5804 2.2) against scripted peers: the
 * capability list that greets, then STARTTLS. */
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

const struct tls_protocol *protocol_under_test = &protocol_sieve;

/* Dovecot Pigeonhole's greeting, shortened. */
#define GREETING                                                                                   \
	"\"IMPLEMENTATION\" \"Dovecot (Debian) Pigeonhole\"\r\n"                                   \
	"\"SIEVE\" \"fileinto reject envelope\"\r\n"                                               \
	"\"SASL\" \"PLAIN\"\r\n"                                                                   \
	"\"STARTTLS\"\r\n"                                                                         \
	"\"VERSION\" \"1.0\"\r\n"                                                                  \
	"OK \"Dovecot (Debian) ready.\"\r\n"
#define GO "OK \"Begin TLS negotiation now.\"\r\n"

static void test_happy_path_split_segments(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'S', "\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"STA", 0},
	        {'P', NULL, 30},
	        {'S', "RTTLS\"\r\n\"VERSION\" \"1.0\"\r\n", 0},
	        {'P', NULL, 30},
	        {'Q', NULL, 0}, /* nobody talks before the OK */
	        {'S', "OK \"ready\"\r\n", 0},
	        {'R', NULL, 0},
	        {'S', "OK \"Begin TLS", 0},
	        {'P', NULL, 20},
	        {'S', " negotiation now.\"\r\n", 0},
	        {'\0', NULL, 0},
	};

	assert_int_equal(play(fx, steps), 0);
	assert_int_equal(fx->fault.kind, FAULT_NONE);
	assert_string_equal(fx->heard, "STARTTLS\r\n");
	assert_false(fx->spoke_early);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_dovecot_greeting_bare_ok(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(converse(fx, TURNS(GREETING, "OK\r\n")), 0);
	assert_string_equal(fx->heard, "STARTTLS\r\n");
}

static void test_lower_case(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(converse(fx, TURNS("\"starttls\"\r\nok\r\n", "ok\r\n")), 0);
}

static void test_no_starttls(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx,
	             TURNS("\"IMPLEMENTATION\" \"STARTTLS\"\r\n\"STARTTLSX\"\r\n\"X-STARTTLS\"\r\n"
	                   "OK \"ready\"\r\n"),
	             FAULT_NO_TLS, "server does not offer STARTTLS");
	assert_string_equal(fx->heard, "");
}

static void test_bye_greeting(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("BYE \"Too many connections\"\r\n"), FAULT_PEER,
	             "server refused the session: BYE \"Too many connections\"");
	assert_string_equal(fx->heard, "");
}

static void test_no_greeting(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("\"STARTTLS\"\r\nNO (TRYLATER) \"Maintenance\"\r\n"), FAULT_PEER,
	             "server refused the session: NO (TRYLATER) \"Maintenance\"");
}

static void test_starttls_refused(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS(GREETING, "NO \"TLS support isn't enabled.\"\r\n"), FAULT_NO_TLS,
	             "STARTTLS refused: NO \"TLS support isn't enabled.\"");
	assert_string_equal(fx->heard, "STARTTLS\r\n");
}

static void test_starttls_bye(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS(GREETING, "BYE \"Shutting down\"\r\n"), FAULT_NO_TLS,
	             "STARTTLS refused: BYE \"Shutting down\"");
}

static void test_garbage_greeting(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* OK IMAP4rev1 ready\r\n"), FAULT_PEER,
	             "unexpected ManageSieve greeting: '* OK IMAP4rev1 ready'");
	assert_string_equal(fx->heard, "");
}

static void test_okay_is_not_ok(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("\"STARTTLS\"\r\nOKAY\r\n"), FAULT_PEER,
	             "unexpected ManageSieve greeting: 'OKAY'");
}

static void test_endless_greeting(void **state)
{
	struct fixture *fx = *state;
	char *reply = calloc(101 * 12 + 1, 1);

	assert_non_null(reply);
	for (int i = 0; i < 101; i++)
		strcat(reply, "\"STARTTLS\"\r\n");
	expect_fault(fx, TURNS(reply), FAULT_PEER, "the ManageSieve greeting: more than 100 lines");
	free(reply);
}

static void test_silence_times_out(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(protocol_sieve.upgrade(&fx->ctx, &fx->fault), -1);
	assert_int_equal(fx->fault.kind, FAULT_TIMEOUT);
	assert_string_equal(fx->fault.text, "timeout waiting for the ManageSieve greeting");
}

static void test_plaintext_after_go_ahead(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(converse(fx, TURNS(GREETING, GO "\"STARTTLS\"\r\n")), 0);
	assert_int_equal(net_buffered(&fx->conn), strlen("\"STARTTLS\"\r\n"));
}

static void test_go_ahead_before_starttls(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS(GREETING GO), FAULT_PEER, "before STARTTLS was sent, refusing");
	assert_string_equal(fx->heard, "");
}

static void test_table_entry(void **state)
{
	(void)state;
	assert_ptr_equal(protocol_find("sieve"), &protocol_sieve);
	assert_int_equal(protocol_sieve.port, 4190);
	assert_int_equal(protocol_sieve.implicit_port, 0);
	assert_null(protocol_sieve.after);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FIXTURE_TEST(test_happy_path_split_segments),
	        FIXTURE_TEST(test_dovecot_greeting_bare_ok),
	        FIXTURE_TEST(test_lower_case),
	        FIXTURE_TEST(test_no_starttls),
	        FIXTURE_TEST(test_bye_greeting),
	        FIXTURE_TEST(test_no_greeting),
	        FIXTURE_TEST(test_starttls_refused),
	        FIXTURE_TEST(test_starttls_bye),
	        FIXTURE_TEST(test_garbage_greeting),
	        FIXTURE_TEST(test_okay_is_not_ok),
	        FIXTURE_TEST(test_endless_greeting),
	        FIXTURE_TEST(test_silence_times_out),
	        FIXTURE_TEST(test_plaintext_after_go_ahead),
	        FIXTURE_TEST(test_go_ahead_before_starttls),
	        cmocka_unit_test(test_table_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
