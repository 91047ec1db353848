/* NNTP STARTTLS (RFC 4642) against scripted peers: the greeting, CAPABILITIES with
 * its dot-terminated block, STARTTLS and its refusals. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "protocol.h"
#include "scripted_peer.h"
#include "textproto.h"

const struct tls_protocol *protocol_under_test = &protocol_nntp;

#define CAPS_TLS                                                                                   \
	"101 Capability list:\r\nVERSION 2\r\nIMPLEMENTATION INN 2.7.1\r\nSTARTTLS\r\n.\r\n"

static void test_happy_path_split_segments(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'S', "200 news.example.com InterNetNews NNRP", 0},
	        {'P', NULL, 40},
	        {'Q', NULL, 0}, /* nothing is said before the greeting's end of line */
	        {'S', " server INN 2.7.1 ready (posting ok)\r\n", 0},
	        {'R', NULL, 0},
	        {'S', "101 Capability list:\r\nVERSION 2\r\nREADER\r\nSTART", 0},
	        {'P', NULL, 30},
	        {'Q', NULL, 0}, /* STARTTLS waits for the end of the block */
	        {'S', "TLS\r\nLIST ACTIVE\r\n", 0},
	        {'P', NULL, 30},
	        {'Q', NULL, 0},
	        {'S', ".\r\n", 0},
	        {'R', NULL, 0},
	        {'S', "382 Begin TLS negotiation now\r\n", 0},
	        {'\0', NULL, 0},
	};

	assert_int_equal(play(fx, steps), 0);
	assert_int_equal(fx->fault.kind, FAULT_NONE);
	assert_string_equal(fx->heard, "CAPABILITIES\r\nSTARTTLS\r\n");
	assert_false(fx->spoke_early);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_posting_not_allowed(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(converse(fx, TURNS("201 no posting\r\n", CAPS_TLS, "382 go\r\n")), 0);
}

static void test_no_starttls(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx,
	             TURNS("200 hi\r\n", "101 caps\r\nVERSION 2\r\nXSTARTTLS\r\n"
	                                 "AUTHINFO USER\r\n..STARTTLS\r\n.\r\n"),
	             FAULT_NO_TLS, "server does not offer STARTTLS");
	assert_string_equal(fx->heard, "CAPABILITIES\r\n");
}

/* A server older than CAPABILITIES is asked for STARTTLS all the same. */
static void test_capabilities_unknown(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(converse(fx, TURNS("200 hi\r\n", "500 What?\r\n", "382 go\r\n")), 0);
	assert_string_equal(fx->heard, "CAPABILITIES\r\nSTARTTLS\r\n");
}

static void test_starttls_refused(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("200 hi\r\n", CAPS_TLS, "580 Can not initiate TLS negotiation\r\n"),
	             FAULT_NO_TLS, "STARTTLS refused: 580 Can not initiate TLS negotiation");
}

static void test_starttls_not_permitted(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("200 hi\r\n", CAPS_TLS, "502 Already using a TLS layer\r\n"),
	             FAULT_NO_TLS, "STARTTLS refused: 502 Already using a TLS layer");
}

static void test_greeting_unavailable(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("400 Service temporarily unavailable\r\n"), FAULT_PEER,
	             "server refused the session: 400 Service temporarily unavailable");
	assert_string_equal(fx->heard, "");
}

static void test_greeting_permanently_unavailable(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("502 You have no permission to talk.  Goodbye.\r\n"), FAULT_PEER,
	             "server refused the session: 502 You have no permission");
}

static void test_garbage(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("* OK IMAP4rev1 ready\r\n"), FAULT_PEER,
	             "unexpected NNTP greeting: '* OK IMAP4rev1 ready'");
}

static void test_block_never_ends(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("200 hi\r\n", "101 caps\r\nVERSION 2\r\nSTARTTLS\r\n"),
	             FAULT_TIMEOUT, "timeout waiting for the reply to CAPABILITIES");
}

static void test_block_too_long(void **state)
{
	struct fixture *fx = *state;
	char block[2000] = "101 caps\r\n";

	for (int i = 0; i < 120; i++)
		strcat(block, "X-CAP\r\n");
	expect_fault(fx, TURNS("200 hi\r\n", block), FAULT_PEER,
	             "the reply to CAPABILITIES: more than 100 lines");
}

static void test_plaintext_after_go_ahead(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(converse(fx, TURNS("200 hi\r\n", CAPS_TLS, "382 go\r\n211 injected\r\n")),
	                 0);
	assert_int_equal(net_buffered(&fx->conn), strlen("211 injected\r\n"));
}

static void test_go_ahead_before_starttls(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("200 hi\r\n", CAPS_TLS "382 go\r\n"), FAULT_PEER,
	             "server sent 8 bytes before STARTTLS was sent, refusing");
	assert_string_equal(fx->heard, "CAPABILITIES\r\n");
}

static void test_after_implicit_greeting(void **state)
{
	struct fixture *fx = *state;

	fx->ctx.tls_on_connect = true;
	peer_write(fx, "200 news over TLS\r\n");
	assert_int_equal(protocol_nntp.after(&fx->ctx, &fx->fault), 0);
	peer_write(fx, "400 later\r\n");
	assert_int_equal(protocol_nntp.after(&fx->ctx, &fx->fault), -1);
	assert_string_equal(fx->fault.text, "server refused the session: 400 later");
	fx->ctx.tls_on_connect = false;
	assert_int_equal(protocol_nntp.after(&fx->ctx, &fx->fault), 0);
}

/* The dot-terminated block of textproto, on its own. */
static void collect(const char *line, void *data)
{
	strcat(data, line);
	strcat(data, "|");
}

static void test_textproto_block(void **state)
{
	struct fixture *fx = *state;
	const struct textproto_step step = {"the block", "block"};
	char seen[256] = "";

	peer_write(fx, "a\r\n..b\r\n.\r\nafter\r\n");
	assert_int_equal(textproto_read_dotted(&fx->conn, &step, collect, seen, &fx->fault), 0);
	assert_string_equal(seen, "a|.b|");
	assert_int_equal(net_buffered(&fx->conn), strlen("after\r\n"));
}

static void test_table(void **state)
{
	(void)state;
	assert_ptr_equal(protocol_find("nntp"), &protocol_nntp);
	assert_int_equal(protocol_nntp.port, 119);
	assert_int_equal(protocol_nntp.implicit_port, 563);
	assert_null(protocol_nntp.options);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FIXTURE_TEST(test_happy_path_split_segments),
	        FIXTURE_TEST(test_posting_not_allowed),
	        FIXTURE_TEST(test_no_starttls),
	        FIXTURE_TEST(test_capabilities_unknown),
	        FIXTURE_TEST(test_starttls_refused),
	        FIXTURE_TEST(test_starttls_not_permitted),
	        FIXTURE_TEST(test_greeting_unavailable),
	        FIXTURE_TEST(test_greeting_permanently_unavailable),
	        FIXTURE_TEST(test_garbage),
	        FIXTURE_TEST(test_block_never_ends),
	        FIXTURE_TEST(test_block_too_long),
	        FIXTURE_TEST(test_plaintext_after_go_ahead),
	        FIXTURE_TEST(test_go_ahead_before_starttls),
	        FIXTURE_TEST(test_after_implicit_greeting),
	        FIXTURE_TEST(test_textproto_block),
	        cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
