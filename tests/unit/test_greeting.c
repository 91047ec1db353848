/* Which protocol greets: the first bytes a server sends unasked, read without
 * saying anything (a greeting may come late, and a server that waits for its
 * greeting to be awaited drops clients that talk first), then matched against
 * the greeting of every server-first protocol of the table. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "greeting.h"
#include "net.h"
#include "protocol.h"

#include "scripted_peer.h"

/* What the stand-in protocol below read and recognised. */
static unsigned char greeting[PROTOCOL_GREETING_MAX + 1];
static size_t greeting_len;
static const struct tls_protocol *found[8];
static size_t found_count;

/* A protocol whose upgrade() only listens: play() runs it against a script. */
static int listen_only(const struct protocol_context *ctx, struct fault *f)
{
	found_count = 0;
	if (greeting_read(ctx->conn, greeting, sizeof(greeting), &greeting_len, f) < 0)
		return -1;
	found_count = greeting_recognise(greeting, greeting_len, found, 8);
	return 0;
}

static const struct tls_protocol listener = {
        .name = "listener",
        .upgrade = listen_only,
};

const struct tls_protocol *protocol_under_test = &listener;

/* The server says TEXT at once; it is recognised as EXPECTED (NULL: nothing). */
static void expect_greeting(void **state, const char *text, const struct tls_protocol *expected)
{
	struct fixture *fx = *state;
	const struct step steps[] = {{'S', text, 0}, {'\0', NULL, 0}};

	assert_int_equal(play(fx, steps), 0);
	if (expected == NULL) {
		assert_int_equal(found_count, 0);
		return;
	}
	assert_true(found_count >= 1);
	assert_string_equal(found[0]->name, expected->name);
}

static void test_postscreen_late_greeting(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'P', NULL, 150},
	        {'Q', NULL, 0}, /* nothing said while the server is silent */
	        {'S', "220 mx.example.com ESMTP Postfix\r\n", 0},
	        {'\0', NULL, 0},
	};

	assert_int_equal(play(fx, steps), 0);
	assert_false(fx->spoke_early);
	assert_string_equal(fx->heard, "");
	assert_int_equal(found_count, 1);
	assert_ptr_equal(found[0], &protocol_smtp);
}

static void test_split_greeting_read_to_line_end(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'S', "220-mx.example.com E", 0},
	        {'P', NULL, 30},
	        {'S', "SMTP teaser\r\n", 0},
	        {'\0', NULL, 0},
	};

	assert_int_equal(play(fx, steps), 0);
	assert_string_equal((const char *)greeting, "220-mx.example.com ESMTP teaser\r\n");
	assert_int_equal(found_count, 1);
	assert_ptr_equal(found[0], &protocol_smtp);
}

/* A greeting cut off before its line end is still the greeting. */
static void test_partial_line_then_silence(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {{'S', "+OK POP3 rea", 0}, {'P', NULL, 400}, {'\0', NULL, 0}};

	assert_int_equal(play(fx, steps), 0);
	assert_string_equal((const char *)greeting, "+OK POP3 rea");
	assert_ptr_equal(found[0], &protocol_pop3);
}

static void test_smtp_by_name(void **state)
{
	expect_greeting(state, "220 mail.example.com Python SMTP 1.4.4\r\n", &protocol_smtp);
	assert_int_equal(found_count, 1);
}

static void test_ftp_by_name(void **state)
{
	expect_greeting(state, "220 (vsFTPd 3.0.3)\r\n", &protocol_ftp);
	assert_int_equal(found_count, 1);
}

/* A bare 220 could be either: both, SMTP first (the table's order). */
static void test_bare_220_is_smtp_or_ftp(void **state)
{
	expect_greeting(state, "220 ready\r\n", &protocol_smtp);
	assert_int_equal(found_count, 2);
	assert_ptr_equal(found[1], &protocol_ftp);
}

static void test_imap(void **state)
{
	expect_greeting(state, "* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n",
	                &protocol_imap);
	expect_greeting(state, "* PREAUTH logged in\r\n", &protocol_imap);
}

static void test_pop3(void **state)
{
	expect_greeting(state, "+OK Dovecot ready.\r\n", &protocol_pop3);
}

static void test_nntp(void **state)
{
	expect_greeting(state, "200 news.example.com InterNetNews ready\r\n", &protocol_nntp);
	expect_greeting(state, "201 no posting\r\n", &protocol_nntp);
}

static void test_sieve(void **state)
{
	expect_greeting(state, "\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"STARTTLS\"\r\n",
	                &protocol_sieve);
}

static void test_mysql_handshake(void **state)
{
	struct fixture *fx = *state;
	/* Length 0x4a, sequence 0, protocol 10, then the version. */
	static const char packet[] = "\x4a\x00\x00\x00\x0a"
	                             "5.5.5-10.11.6-MariaDB\0";
	const struct step steps[] = {{'S', packet, sizeof(packet) - 1}, {'\0', NULL, 0}};

	assert_int_equal(play(fx, steps), 0);
	assert_int_equal(found_count, 1);
	assert_ptr_equal(found[0], &protocol_mysql);
}

static void test_mysql_error_at_greeting(void **state)
{
	struct fixture *fx = *state;
	static const char packet[] = "\x17\x00\x00\x00\xff\x69\x04Host is not allowed";
	const struct step steps[] = {{'S', packet, sizeof(packet) - 1}, {'\0', NULL, 0}};

	assert_int_equal(play(fx, steps), 0);
	assert_ptr_equal(found[0], &protocol_mysql);
}

/* Services that greet but are not in the table: a listener without TLS. */
static void test_unknown_greetings(void **state)
{
	expect_greeting(state, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", NULL);
	expect_greeting(state, "554 go away\r\n", NULL);
	expect_greeting(state, "-ERR busy\r\n", NULL);
}

static void test_silent_server_times_out_unspoken_to(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {{'P', NULL, 200}, {'Q', NULL, 0}, {'\0', NULL, 0}};

	assert_int_equal(play(fx, steps), -1);
	assert_int_equal(fx->fault.kind, FAULT_TIMEOUT);
	assert_false(fx->spoke_early);
	assert_string_equal(fx->heard, "");
}

static void test_closed_before_greeting(void **state)
{
	struct fixture *fx = *state;

	shutdown(fx->peer, SHUT_WR);
	assert_int_equal(listen_only(&fx->ctx, &fx->fault), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_postscreen_late_greeting, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_split_greeting_read_to_line_end, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_partial_line_then_silence, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_smtp_by_name, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_ftp_by_name, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bare_220_is_smtp_or_ftp, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_imap, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_pop3, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_nntp, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_sieve, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_mysql_handshake, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_mysql_error_at_greeting, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_unknown_greetings, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_silent_server_times_out_unspoken_to, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_closed_before_greeting, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
