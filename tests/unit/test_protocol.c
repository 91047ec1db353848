/* The protocol upgrades and the net layer under them, against scripted peers on
 * a socketpair: what the server says is written to the peer end (at once, or
 * from a thread with pauses for split segments), what the client says is read
 * back from it. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "deadline.h"
#include "net.h"
#include "protocol.h"
#include "textproto.h"

#include "scripted_peer.h"

const struct tls_protocol *protocol_under_test = &protocol_smtp;

/* The SMTP dialogues send a known EHLO name. */
static int smtp_setup(void **state)
{
	struct fixture *fx;

	if (setup(state) < 0)
		return -1;
	fx = *state;
	fx->args.values[protocol_option_index(&protocol_smtp, "ehlo")] = "client.example";
	return 0;
}

/* --- SMTP -------------------------------------------------------------------------- */

static const char smtp_ehlo_ok[] = "250-mail.example.com\r\n"
                                   "250-PIPELINING\r\n"
                                   "250-STARTTLS\r\n"
                                   "250 8BITMIME\r\n";

static int smtp_run(struct fixture *fx)
{
	return protocol_smtp.upgrade(&fx->ctx, &fx->fault);
}

static void test_smtp_happy_path_split_segments(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'S', "220-mail.example.com ESMTP\r\n220-postscreen te", 0},
	        {'P', NULL, 50},
	        {'Q', NULL, 0}, /* nobody talks before the final 220 */
	        {'S', "aser\r\n220 mail.example.com ready\r\n", 0},
	        {'R', NULL, 0},
	        {'P', NULL, 30},
	        {'Q', NULL, 0}, /* STARTTLS not pipelined behind EHLO */
	        {'S', "250-mail.example.com\r\n250-STA", 0},
	        {'P', NULL, 20},
	        {'S', "RTTLS\r\n250 8BITMIME\r\n", 0},
	        {'R', NULL, 0},
	        {'S', "220 2.0.0 Ready to start TLS\r\n", 0},
	        {'\0', NULL, 0},
	};

	assert_int_equal(play(fx, steps), 0);
	assert_int_equal(fx->fault.kind, FAULT_NONE);
	assert_string_equal(fx->heard, "EHLO client.example\r\nSTARTTLS\r\n");
	assert_false(fx->spoke_early);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

/* What -vvv shows: each direction's run of bytes one exchange, however the
 * segments fell; nothing once the connection leaves the plain socket. */
static void test_transcript_exchanges(void **state)
{
	struct fixture *fx = *state;
	struct net_transcript t;
	const struct step steps[] = {
	        {'S', "220 mail.exam", 0},
	        {'P', NULL, 20},
	        {'S', "ple.com ready\r\n", 0},
	        {'R', NULL, 0},
	        {'S', "250-mail.example.com\r\n250 STARTTLS\r\n", 0},
	        {'R', NULL, 0},
	        {'S', "220 go\r\n", 0},
	        {'\0', NULL, 0},
	};
	static const char *const said[] = {
	        "220 mail.example.com ready\r\n", "EHLO client.example\r\n",
	        "250-mail.example.com\r\n250 STARTTLS\r\n", "STARTTLS\r\n", "220 go\r\n"};

	net_conn_record(&fx->conn, &t);
	assert_int_equal(play(fx, steps), 0);
	assert_int_equal(t.count, 5);
	for (size_t i = 0; i < t.count; i++) {
		assert_int_equal(t.items[i].sent, i % 2 == 1);
		assert_int_equal(t.items[i].len, strlen(said[i]));
		assert_memory_equal(t.bytes + t.items[i].start, said[i], strlen(said[i]));
	}
	assert_int_equal(t.dropped, 0);
	net_conn_use(&fx->conn, fx->conn.transport, NULL);
	assert_null(fx->conn.transcript);
}

/* A dialogue longer than the transcript holds is cut, and the rest counted. */
static void test_transcript_bounded(void **state)
{
	struct fixture *fx = *state;
	struct net_transcript t;
	static char line[1000];
	struct fault f;

	memset(line, 'x', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\n';
	net_conn_record(&fx->conn, &t);
	for (int i = 0; i < 5; i++)
		assert_int_equal(net_write_all(&fx->conn, line, sizeof(line) - 1, "x", &f), 0);
	assert_int_equal(t.count, 1);
	assert_int_equal(t.used, NET_TRANSCRIPT_BYTES);
	assert_int_equal(t.dropped, 5 * (sizeof(line) - 1) - NET_TRANSCRIPT_BYTES);
}

static void test_smtp_starttls_lowercase(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(
	        converse(fx, TURNS("220 hi\r\n", "250-mail\r\n250-starttls\r\n250 SIZE 1000\r\n",
	                           "220 go\r\n")),
	        0);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_smtp_starttls_last_line(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(
	        converse(fx, TURNS("220 hi\r\n", "250-mail\r\n250 STARTTLS\r\n", "220 go\r\n")), 0);
}

static void test_smtp_no_starttls(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("220 hi\r\n", "250-mail\r\n250-PIPELINING\r\n250 8BITMIME\r\n"),
	             FAULT_NO_TLS, "server does not offer STARTTLS");
	assert_string_equal(fx->heard, "EHLO client.example\r\n");
}

static void test_smtp_starttls_lookalikes(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx,
	             TURNS("220 hi\r\n", "250-mail\r\n250-STARTTLSX\r\n250-X-STARTTLS\r\n"
	                                 "250-AUTH PLAIN STARTTLS\r\n250 XSTARTTLS\r\n"),
	             FAULT_NO_TLS, "server does not offer STARTTLS");
}

static void test_smtp_starttls_refused(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx,
	             TURNS("220 hi\r\n", "250-mail\r\n250 STARTTLS\r\n",
	                   "454 4.7.0 TLS not available due to local problem\r\n"),
	             FAULT_NO_TLS, "STARTTLS refused: 454 4.7.0 TLS not available");
}

static void test_smtp_session_refused(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("554-mail.example.com\r\n554 no SMTP service here\r\n"), FAULT_PEER,
	             "server refused the session: 554-mail.example.com");
	assert_string_equal(fx->heard, "");
}

static void test_smtp_ehlo_refused(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("220 hi\r\n", "502 5.5.2 Error: command not recognized\r\n"),
	             FAULT_PEER, "EHLO refused: 502 5.5.2");
}

static void test_smtp_garbage_reply(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("220 hi\r\n", "HELLO THERE\r\n"), FAULT_PEER,
	             "unexpected reply to EHLO: 'HELLO THERE'");
}

static void test_smtp_garbage_is_sanitized(void **state)
{
	struct fixture *fx = *state;
	char line[300];

	memset(line, 'x', sizeof(line));
	memcpy(line, "\x1b[31m", 5);
	memcpy(line + sizeof(line) - 3, "\r\n", 3);
	expect_fault(fx, TURNS("220 hi\r\n", line), FAULT_PEER,
	             "unexpected reply to EHLO: '?[31mxxx");
	assert_non_null(strstr(fx->fault.text, "xxx...'"));
	assert_true(strlen(fx->fault.text) < 120);
}

static void test_smtp_code_changes_mid_reply(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("220-hi\r\n250 ok\r\n"), FAULT_PEER, "unexpected SMTP greeting");
}

static void test_smtp_huge_line(void **state)
{
	struct fixture *fx = *state;
	char line[5004];

	memcpy(line, "220-", 4);
	memset(line + 4, 'A', sizeof(line) - 4);
	line[sizeof(line) - 3] = '\r';
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	expect_fault(fx, TURNS(line), FAULT_PEER, "line longer than 1000 bytes");
}

static void test_smtp_too_many_lines(void **state)
{
	struct fixture *fx = *state;
	char *reply = calloc(101 * 8 + 1, 1);

	assert_non_null(reply);
	for (int i = 0; i < 101; i++)
		strcat(reply, "220-hi\r\n");
	expect_fault(fx, TURNS(reply), FAULT_PEER, "more than 100 lines");
	free(reply);
}

static void test_smtp_closed_mid_reply(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'S', "220 hi\r\n", 0}, {'R', NULL, 0},  {'S', "250-mail\r\n250-PIPE", 0},
	        {'H', NULL, 0},         {'\0', NULL, 0},
	};

	assert_int_equal(play(fx, steps), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text,
	                    "server closed the connection while we waited for the reply to EHLO");
}

static void test_smtp_silence_times_out(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(smtp_run(fx), -1);
	assert_int_equal(fx->fault.kind, FAULT_TIMEOUT);
	assert_string_equal(fx->fault.text, "timeout waiting for the SMTP greeting");
	assert_true(deadline_elapsed(&fx->dl) >= DEADLINE_SECONDS - 0.01);
	assert_true(deadline_elapsed(&fx->dl) < 2.0);
}

static void test_smtp_plaintext_after_go_ahead(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(
	        converse(fx, TURNS("220 hi\r\n", smtp_ehlo_ok, "220 go ahead\r\n250-INJECTED\r\n")),
	        0);
	assert_int_equal(net_buffered(&fx->conn), strlen("250-INJECTED\r\n"));
}

/* A reply that arrives before its command was sent cannot be the answer to it:
 * here the whole dialogue is written at once, as a pipelining attacker would. */
static void test_smtp_reply_before_ehlo(void **state)
{
	struct fixture *fx = *state;
	char heard[64];

	peer_write(fx, "220 hi\r\n250-mail\r\n250 STARTTLS\r\n220 go\r\n");
	assert_int_equal(smtp_run(fx), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text, "server sent 32 bytes before EHLO was sent, refusing");
	assert_int_equal(peer_heard(fx, heard, sizeof(heard)), 0);
}

static void test_smtp_go_ahead_before_starttls(void **state)
{
	struct fixture *fx = *state;

	expect_fault(fx, TURNS("220 hi\r\n", "250-mail\r\n250 STARTTLS\r\n220 go ahead\r\n"),
	             FAULT_PEER, "before STARTTLS was sent");
	assert_string_equal(fx->heard, "EHLO client.example\r\n");
}

static void test_smtp_bad_ehlo_name(void **state)
{
	struct fixture *fx = *state;

	fx->args.values[0] = "x\r\nRSET";
	expect_fault(fx, TURNS("220 hi\r\n"), FAULT_USAGE, "not a valid EHLO name");
	assert_string_equal(fx->heard, "");
}

static void test_smtp_default_ehlo_name(void **state)
{
	struct fixture *fx = *state;

	fx->args.values[0] = NULL;
	assert_int_equal(converse(fx, TURNS("220 hi\r\n", smtp_ehlo_ok, "220 go\r\n")), 0);
	assert_true(strncmp(fx->heard, "EHLO ", 5) == 0);
	assert_null(strchr(fx->heard + 5, ' '));
	assert_non_null(strstr(fx->heard, "\r\nSTARTTLS\r\n"));
}

/* --- LMTP: SMTP with LHLO ---------------------------------------------------------- */

static void set_lmtp(struct fixture *fx)
{
	fx->args.values[protocol_option_index(&protocol_smtp, "lmtp")] = "";
}

static void test_lmtp_happy_path(void **state)
{
	struct fixture *fx = *state;

	set_lmtp(fx);
	assert_int_equal(converse(fx, TURNS("220 vm Dovecot (Debian) ready.\r\n",
	                                    "250-vm\r\n250-8BITMIME\r\n250-PIPELINING\r\n"
	                                    "250 STARTTLS\r\n",
	                                    "220 2.0.0 Begin TLS negotiation now.\r\n")),
	                 0);
	assert_string_equal(fx->heard, "LHLO client.example\r\nSTARTTLS\r\n");
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_lmtp_lhlo_refused(void **state)
{
	struct fixture *fx = *state;

	set_lmtp(fx);
	expect_fault(fx, TURNS("220 hi\r\n", "500 5.5.1 Unknown command\r\n"), FAULT_PEER,
	             "LHLO refused: 500 5.5.1 Unknown command");
}

static void test_lmtp_no_starttls(void **state)
{
	struct fixture *fx = *state;

	set_lmtp(fx);
	expect_fault(fx, TURNS("220 hi\r\n", "250-vm\r\n250 PIPELINING\r\n"), FAULT_NO_TLS,
	             "server does not offer STARTTLS");
	assert_string_equal(fx->heard, "LHLO client.example\r\n");
}

static void test_lmtp_words(void **state)
{
	struct fixture *fx = *state;

	set_lmtp(fx);
	expect_fault(fx, TURNS("220 hi\r\n", "HELLO\r\n"), FAULT_PEER,
	             "unexpected reply to LHLO: 'HELLO'");
	fx->args.values[0] = "bad name";
	assert_int_equal(protocol_smtp.validate(&fx->args, &fx->fault), -1);
	assert_string_equal(fx->fault.text, "'bad name' is not a valid LHLO name");
}

static void test_lmtp_silence_times_out(void **state)
{
	struct fixture *fx = *state;

	set_lmtp(fx);
	assert_int_equal(smtp_run(fx), -1);
	assert_int_equal(fx->fault.kind, FAULT_TIMEOUT);
	assert_string_equal(fx->fault.text, "timeout waiting for the LMTP greeting");
}

/* --- PostgreSQL ------------------------------------------------------------------- */

static const unsigned char ssl_request[8] = {0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f};

static int pgsql_run(struct fixture *fx, const void *answer, size_t len)
{
	peer_send(fx->peer, answer, len);
	return protocol_pgsql.upgrade(&fx->ctx, &fx->fault);
}

static void pgsql_expect_fault(struct fixture *fx, const void *answer, size_t len,
                               enum fault_kind kind, const char *fragment)
{
	assert_int_equal(pgsql_run(fx, answer, len), -1);
	assert_int_equal(fx->fault.kind, kind);
	assert_non_null(strstr(fx->fault.text, fragment));
}

static void test_pgsql_accepts(void **state)
{
	struct fixture *fx = *state;
	char heard[64];

	assert_int_equal(pgsql_run(fx, "S", 1), 0);
	assert_int_equal(net_buffered(&fx->conn), 0);
	assert_int_equal(peer_heard(fx, heard, sizeof(heard)), sizeof(ssl_request));
	assert_memory_equal(heard, ssl_request, sizeof(ssl_request));
}

static void test_pgsql_no_tls(void **state)
{
	pgsql_expect_fault(*state, "N", 1, FAULT_NO_TLS,
	                   "server does not offer TLS (SSLRequest answered 'N')");
}

static void test_pgsql_error_not_echoed(void **state)
{
	static const char error[] = "E\0\0\0\x20SFATAL\0Msecret-from-server\0\0";
	struct fixture *fx = *state;

	pgsql_expect_fault(fx, error, sizeof(error) - 1, FAULT_PEER,
	                   "server answered the SSLRequest with an error message");
	assert_null(strstr(fx->fault.text, "secret"));
}

static void test_pgsql_garbage(void **state)
{
	pgsql_expect_fault(*state, "H", 1, FAULT_PEER, "unexpected answer to the SSLRequest: 0x48");
}

static void test_pgsql_eof(void **state)
{
	struct fixture *fx = *state;

	peer_hang_up(fx);
	pgsql_expect_fault(fx, "", 0, FAULT_PEER, "server closed the connection");
}

static void test_pgsql_silence(void **state)
{
	struct fixture *fx = *state;

	pgsql_expect_fault(fx, "", 0, FAULT_TIMEOUT, "timeout waiting for the answer");
	assert_true(deadline_elapsed(&fx->dl) < 2.0);
}

static void test_pgsql_extra_bytes_left_buffered(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(pgsql_run(fx, "Sextra", 6), 0);
	assert_int_equal(net_buffered(&fx->conn), 5);
}

/* --- transports ------------------------------------------------------------------ */

/* A transport that hands out its text a few bytes at a time, asking to wait in
 * between, as a TLS session does with records, and keeps what is sent. */
struct trickle {
	const char *text;
	size_t at;
	bool again; /* the next call asks to wait */
	char sent[64];
	size_t sent_len;
};

static ssize_t trickle_recv(void *io, int fd, void *buf, size_t len, short *events,
                            const char *what, struct fault *f)
{
	struct trickle *t = io;
	size_t n = strlen(t->text + t->at);

	(void)fd, (void)what, (void)f;
	t->again = !t->again;
	if (t->again) {
		*events = POLLOUT; /* a socketpair end is writable: the wait returns at once */
		return NET_AGAIN;
	}
	n = n < 3 ? n : 3;
	n = n < len ? n : len;
	memcpy(buf, t->text + t->at, n);
	t->at += n;
	return (ssize_t)n;
}

static ssize_t trickle_send(void *io, int fd, const void *buf, size_t len, short *events,
                            const char *what, struct fault *f)
{
	struct trickle *t = io;

	(void)fd, (void)events, (void)what, (void)f;
	len = len < 2 ? len : 2; /* a short write, completed by the next call */
	memcpy(t->sent + t->sent_len, buf, len);
	t->sent_len += len;
	return (ssize_t)len;
}

static const struct net_transport trickle_transport = {trickle_recv, trickle_send};

static void test_transport_carries_lines_and_writes(void **state)
{
	struct fixture *fx = *state;
	struct trickle t = {.text = "220 over TLS\r\nsecond\r\n"};
	char line[64];

	peer_write(fx, "plaintext left behind\r\n");
	assert_int_equal(net_await(&fx->conn, "the test line", &fx->fault), 0);
	net_conn_use(&fx->conn, &trickle_transport, &t);
	assert_int_equal(net_buffered(&fx->conn), 0);
	assert_int_equal(net_read_line(&fx->conn, line, sizeof(line), "a line", &fx->fault), 0);
	assert_string_equal(line, "220 over TLS");
	assert_int_equal(net_read_line(&fx->conn, line, sizeof(line), "a line", &fx->fault), 0);
	assert_string_equal(line, "second");
	assert_int_equal(net_write_all(&fx->conn, "QUIT\r\n", 6, "QUIT", &fx->fault), 0);
	assert_int_equal(t.sent_len, 6);
	assert_memory_equal(t.sent, "QUIT\r\n", 6);
	/* The transport's end of stream reads as the server closing. */
	assert_int_equal(net_read_line(&fx->conn, line, sizeof(line), "a line", &fx->fault), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_non_null(strstr(fx->fault.text, "closed the connection"));
}

/* Ask for TLS with G over a transport that answers REPLY; SENT gets what was
 * sent. */
static int go_ahead_run(struct fixture *fx, const struct textproto_go_ahead *g, const char *reply,
                        char *sent, size_t size)
{
	struct trickle t = {.text = reply};
	int rc;

	net_conn_use(&fx->conn, &trickle_transport, &t);
	rc = textproto_go_ahead(&fx->conn, g, &fx->fault);
	snprintf(sent, size, "%.*s", (int)t.sent_len, t.sent);
	return rc;
}

static void test_textproto_go_ahead(void **state)
{
	static const struct textproto_step step = {"the reply to GO", "reply to GO"};
	static const struct textproto_go_ahead code = {
	        "GO", &step, TEXTPROTO_ANSWER_CODE, TEXTPROTO_EVERY_LINE, 220, NULL};
	static const struct textproto_go_ahead tagged = {
	        "GO", &step, TEXTPROTO_ANSWER_STATUS, TEXTPROTO_EVERY_LINE, 0, "a9"};
	static const struct textproto_go_ahead plus = {
	        "GO", &step, TEXTPROTO_ANSWER_PLUS, TEXTPROTO_EVERY_LINE, 0, NULL};
	struct fixture *fx = *state;
	char sent[64];

	assert_int_equal(go_ahead_run(fx, &code, "220-wait\r\n220 go\r\n", sent, sizeof(sent)), 0);
	assert_string_equal(sent, "GO\r\n");
	assert_int_equal(net_buffered(&fx->conn), 0);
	assert_int_equal(go_ahead_run(fx, &code, "454 not now\r\n", sent, sizeof(sent)), -1);
	assert_int_equal(fx->fault.kind, FAULT_NO_TLS);
	assert_string_equal(fx->fault.text, "GO refused: 454 not now");
	assert_int_equal(go_ahead_run(fx, &tagged, "* OK x\r\na9 OK go\r\n", sent, sizeof(sent)),
	                 0);
	assert_string_equal(sent, "a9 GO\r\n");
	assert_int_equal(go_ahead_run(fx, &tagged, "a9 NO nope\r\n", sent, sizeof(sent)), -1);
	assert_int_equal(fx->fault.kind, FAULT_NO_TLS);
	assert_string_equal(fx->fault.text, "GO refused: a9 NO nope");
	assert_int_equal(go_ahead_run(fx, &tagged, "* BYE off\r\n", sent, sizeof(sent)), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text, "server closed the session after GO: * BYE off");
	assert_int_equal(go_ahead_run(fx, &plus, "+OK go\r\n", sent, sizeof(sent)), 0);
	assert_string_equal(sent, "GO\r\n");
	assert_int_equal(go_ahead_run(fx, &plus, "-ERR no\r\n", sent, sizeof(sent)), -1);
	assert_int_equal(fx->fault.kind, FAULT_NO_TLS);
	assert_string_equal(fx->fault.text, "GO refused: -ERR no");
	assert_int_equal(go_ahead_run(fx, &plus, "+OKAY\r\n", sent, sizeof(sent)), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text, "unexpected reply to GO: '+OKAY'");
}

/* A reply already waiting cannot answer the command: nothing is sent. */
static void test_textproto_go_ahead_into_silence(void **state)
{
	static const struct textproto_step step = {"the reply to GO", "reply to GO"};
	static const struct textproto_go_ahead code = {
	        "GO", &step, TEXTPROTO_ANSWER_CODE, TEXTPROTO_ONE_LINE, 382, NULL};
	struct fixture *fx = *state;

	peer_write(fx, "382 early\r\n");
	assert_int_equal(net_await(&fx->conn, "the test line", &fx->fault), 0);
	assert_int_equal(textproto_go_ahead(&fx->conn, &code, &fx->fault), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_non_null(strstr(fx->fault.text, "before GO was sent"));
}

static int greetings_read;

static int count_greeting(struct net_conn *c, const struct textproto_step *step, struct fault *f)
{
	(void)c;
	greetings_read++;
	fault_set(f, FAULT_PEER, "read %s", step->awaited);
	return -1;
}

/* Only where TLS started at connect is the greeting read again, over TLS. */
static void test_textproto_greeting_again(void **state)
{
	static const struct textproto_step step = {"the greeting over TLS", "greeting over TLS"};
	struct fixture *fx = *state;

	greetings_read = 0;
	assert_int_equal(
	        textproto_greeting_again(&fx->conn, false, count_greeting, &step, &fx->fault), 0);
	assert_int_equal(greetings_read, 0);
	assert_int_equal(
	        textproto_greeting_again(&fx->conn, true, count_greeting, &step, &fx->fault), -1);
	assert_int_equal(greetings_read, 1);
	assert_string_equal(fx->fault.text, "read the greeting over TLS");
}

/* A step's own deadline is shorter, never longer, than the run's. */
static void test_deadline_within(void **state)
{
	struct deadline run, step;

	(void)state;
	deadline_start(&run, 10.0);
	deadline_within(&step, &run, 0.2);
	assert_true(deadline_left_ms(&step) <= 200);
	assert_true(deadline_left_ms(&run) > 9000);
	deadline_within(&step, &run, 60.0);
	assert_true(deadline_left_ms(&step) <= 10000);
	deadline_start(&run, 0.05);
	deadline_within(&step, &run, 3.0);
	sleep_ms(80);
	assert_true(deadline_passed(&step));
}

/* --- text protocols ---------------------------------------------------------------- */

static int read_reply(struct fixture *fx, enum textproto_style style, struct textproto_reply *r)
{
	static const struct textproto_step step = {"the test reply", "test reply"};

	return textproto_read_reply(&fx->conn, &step, style, NULL, NULL, r, &fx->fault);
}

/* FTP's multi-line replies carry the code on the first and last line only. */
static void test_textproto_first_and_last(void **state)
{
	struct fixture *fx = *state;
	struct textproto_reply r;

	peer_write(fx, "211-Features:\r\n AUTH TLS\r\n PBSZ\r\n211 End\r\n");
	assert_int_equal(read_reply(fx, TEXTPROTO_FIRST_AND_LAST, &r), 0);
	assert_int_equal(r.code, 211);
	assert_int_equal(r.lines, 4);
	assert_string_equal(r.text, "211-Features:");
	assert_int_equal(net_buffered(&fx->conn), 0);
	/* The same reply breaks the every-line style of SMTP. */
	peer_write(fx, "211-Features:\r\n AUTH TLS\r\n211 End\r\n");
	assert_int_equal(read_reply(fx, TEXTPROTO_EVERY_LINE, &r), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_non_null(strstr(fx->fault.text, "unexpected test reply: ' AUTH TLS'"));
}

static void collect(const char *line, void *data)
{
	char *all = data;

	strcat(all, line);
	strcat(all, "|");
}

/* POP3's CAPA, NNTP's CAPABILITIES: up to a line of one ".", dot-stuffing undone. */
static void test_textproto_dotted(void **state)
{
	static const struct textproto_step step = {"the test list", "test list"};
	struct fixture *fx = *state;
	char all[128] = "";

	peer_write(fx, "TOP\r\n..dot\r\n\r\n.\r\n+OK next\r\n");
	assert_int_equal(textproto_read_dotted(&fx->conn, &step, collect, all, &fx->fault), 0);
	assert_string_equal(all, "TOP|.dot||");
	assert_int_equal(net_buffered(&fx->conn), strlen("+OK next\r\n"));
}

/* IMAP's tagged responses and ManageSieve's untagged ones. */
static void test_textproto_status(void **state)
{
	static const struct textproto_step step = {"the test response", "test response"};
	struct fixture *fx = *state;
	struct textproto_status st;
	char all[128] = "";

	peer_write(fx, "* CAPABILITY X\r\n* OK [ALERT] hi\r\nt1 no [AUTH] nope\r\nrest\r\n");
	assert_int_equal(
	        textproto_read_status(&fx->conn, &step, "t1", collect, all, &st, &fx->fault), 0);
	assert_int_equal(st.word, TEXTPROTO_NO);
	assert_string_equal(st.text, "t1 no [AUTH] nope");
	assert_string_equal(all, "* CAPABILITY X|* OK [ALERT] hi|");
	assert_int_equal(net_buffered(&fx->conn), strlen("rest\r\n"));
	peer_write(fx, "* BYE going\r\n");
	assert_int_equal(textproto_read_status(&fx->conn, &step, "t2", NULL, NULL, &st, &fx->fault),
	                 -1);
	assert_string_equal(fx->fault.text, "unexpected test response: 'rest'");
	assert_int_equal(textproto_read_status(&fx->conn, &step, "t2", NULL, NULL, &st, &fx->fault),
	                 0);
	assert_int_equal(st.word, TEXTPROTO_BYE);
	peer_write(fx, "\"SASL\" \"PLAIN\"\r\nOK\r\n");
	assert_int_equal(textproto_read_status(&fx->conn, &step, NULL, NULL, NULL, &st, &fx->fault),
	                 0);
	assert_int_equal(st.word, TEXTPROTO_OK);
	assert_true(textproto_status_parse("* PREAUTH x", "*", &st));
	assert_int_equal(st.word, TEXTPROTO_PREAUTH);
	assert_true(textproto_status_parse("a1 BAD", "a1", &st));
	assert_false(textproto_status_parse("a10 OK", "a1", &st));
	assert_false(textproto_status_parse("A1 OK", "a1", &st));
	assert_false(textproto_status_parse("OKAY", NULL, &st));
	assert_false(textproto_status_parse("* OK", NULL, &st));
}

static void test_textproto_quote_and_words(void **state)
{
	char quoted[TEXTPROTO_QUOTE_SIZE];
	char lengthy[200];

	(void)state;
	textproto_quote(quoted, sizeof(quoted), "421 busy\x1b[2J\t");
	assert_string_equal(quoted, "421 busy?[2J?");
	memset(lengthy, 'x', sizeof(lengthy) - 1);
	lengthy[sizeof(lengthy) - 1] = '\0';
	textproto_quote(quoted, sizeof(quoted), lengthy);
	assert_int_equal(strlen(quoted), TEXTPROTO_QUOTE_MAX + 3);
	assert_true(textproto_is_word("mx.example", 255));
	assert_false(textproto_is_word("", 255));
	assert_false(textproto_is_word("a b", 255));
	assert_false(textproto_is_word("a\r\nRSET", 255));
	assert_false(textproto_is_word("abcd", 3));
	assert_int_equal(textproto_reply_code("250"), 250);
	assert_int_equal(textproto_reply_code("250-x"), 250);
	assert_int_equal(textproto_reply_code("25x "), -1);
	assert_int_equal(textproto_reply_code("2500"), -1);
	assert_true(textproto_word_first("STLS", "STLS"));
	assert_true(textproto_word_first("starttls x", "STARTTLS"));
	assert_false(textproto_word_first("STARTTLSX", "STARTTLS"));
	assert_false(textproto_word_first(" STARTTLS", "STARTTLS"));
	assert_true(textproto_has_word("CAPABILITY IMAP4rev1 StartTLS", "STARTTLS"));
	assert_true(textproto_has_word("STARTTLS", "STARTTLS"));
	assert_false(textproto_has_word("CAPABILITY X-STARTTLS AUTH=STARTTLS", "STARTTLS"));
	assert_false(textproto_has_word("", "STARTTLS"));
}

/* --- the table ---------------------------------------------------------------------- */

/* Every protocol is in the table once, under a name that finds it; in which order is
 * not this test's to say. */
static void test_protocol_table(void **state)
{
	static const struct tls_protocol *const every[] = {
	        &protocol_tls,   &protocol_smtp,  &protocol_pgsql, &protocol_ldap,
	        &protocol_imap,  &protocol_pop3,  &protocol_xmpp,  &protocol_ftp,
	        &protocol_nntp,  &protocol_sieve, &protocol_mysql, &protocol_kafka,
	        &protocol_redis, &protocol_mqtt,  &protocol_h2,    &protocol_grpc,
	};
	const size_t n = sizeof(every) / sizeof(every[0]);
	const struct tls_protocol *const *all = protocol_all();
	size_t count = 0;

	(void)state;
	while (all[count] != NULL)
		count++;
	assert_int_equal(count, n);
	for (size_t i = 0; i < n; i++) {
		size_t seen = 0;

		for (size_t j = 0; j < count; j++)
			seen += all[j] == every[i];
		assert_int_equal(seen, 1);
		assert_ptr_equal(protocol_find(every[i]->name), every[i]);
	}
	assert_ptr_equal(protocol_default(), &protocol_tls);
	assert_ptr_equal(protocol_find("smtp"), &protocol_smtp);
	assert_ptr_equal(protocol_find("pgsql"), &protocol_pgsql);
	assert_ptr_equal(protocol_find("tls"), &protocol_tls);
	assert_null(protocol_find("SMTP"));
	assert_null(protocol_find("IMAP"));
	assert_int_equal(protocol_smtp.port, 25);
	assert_int_equal(protocol_smtp.implicit_port, 465);
	assert_int_equal(protocol_pgsql.port, 5432);
	assert_int_equal(protocol_pgsql.implicit_port, 0);
	assert_int_equal(protocol_tls.port, 443);
	assert_null(protocol_tls.upgrade);
	assert_int_equal(protocol_option_index(&protocol_smtp, "ehlo"), 0);
	assert_int_equal(protocol_option_index(&protocol_smtp, "lmtp"), 1);
	assert_int_equal(protocol_option_index(&protocol_smtp, "lhlo"), -1);
	assert_int_equal(protocol_option_index(&protocol_pgsql, "ehlo"), -1);
}

static bool on_connect(const struct tls_protocol *p, unsigned port, bool force)
{
	struct protocol_args none = {{NULL}};
	struct protocol_profile profile;

	protocol_profile(p, &none, &profile);
	return protocol_tls_on_connect(&profile, port, force);
}

static void test_protocol_tls_on_connect(void **state)
{
	(void)state;
	assert_true(on_connect(&protocol_tls, 8443, false));
	assert_true(on_connect(&protocol_smtp, 465, false));
	assert_false(on_connect(&protocol_smtp, 25, false));
	assert_false(on_connect(&protocol_smtp, 587, false));
	assert_true(on_connect(&protocol_smtp, 587, true));
	assert_false(on_connect(&protocol_pgsql, 0, false));
	assert_false(on_connect(&protocol_pgsql, 5432, false));
	assert_true(on_connect(&protocol_imap, 993, false));
	assert_false(on_connect(&protocol_imap, 143, false));
	assert_true(on_connect(&protocol_pop3, 995, false));
	assert_false(on_connect(&protocol_pop3, 110, false));
	assert_false(on_connect(&protocol_sieve, 4190, false));
}

/* A profile may name a second port of TLS at connect; 0 stays "none". */
static void test_protocol_second_implicit_port(void **state)
{
	struct protocol_profile p = {
	        .port = 389, .implicit_port = 636, .second_implicit_port = 3269};
	struct protocol_profile one = {.port = 25, .implicit_port = 465};

	(void)state;
	assert_true(protocol_tls_on_connect(&p, 636, false));
	assert_true(protocol_tls_on_connect(&p, 3269, false));
	assert_false(protocol_tls_on_connect(&p, 389, false));
	assert_false(protocol_tls_on_connect(&one, 0, false));
	assert_false(protocol_tls_on_connect(&one, 3269, false));
	assert_true(protocol_tls_on_connect(&one, 465, false));
}

/* PostgreSQL 17 direct TLS: at connect on any port, with ALPN "postgresql". */
static void test_pgsql_direct_profile(void **state)
{
	struct protocol_args args = {{NULL}};
	struct protocol_profile profile;
	int direct = protocol_option_index(&protocol_pgsql, "direct");

	(void)state;
	assert_true(direct >= 0);
	protocol_profile(&protocol_pgsql, &args, &profile);
	assert_false(profile.always_implicit);
	assert_null(profile.alpn);
	args.values[direct] = "";
	protocol_profile(&protocol_pgsql, &args, &profile);
	assert_int_equal(profile.port, 5432);
	assert_true(profile.always_implicit);
	assert_string_equal(profile.alpn, "postgresql");
	assert_true(protocol_tls_on_connect(&profile, 5432, false));
	assert_true(protocol_tls_on_connect(&profile, 6432, false));
}

/* --- net reads and writes ----------------------------------------------------------- */

static int read_line(struct fixture *fx, char *line, size_t size)
{
	return net_read_line(&fx->conn, line, size, "the test line", &fx->fault);
}

static void test_read_line_limits(void **state)
{
	struct fixture *fx = *state;
	char line[8];

	peer_write(fx, "1234567\n1234567\r\nab\n12345678\n");
	assert_int_equal(read_line(fx, line, sizeof(line)), 0);
	assert_string_equal(line, "1234567");
	assert_int_equal(read_line(fx, line, sizeof(line)), 0);
	assert_string_equal(line, "1234567");
	assert_int_equal(read_line(fx, line, sizeof(line)), 0);
	assert_string_equal(line, "ab");
	assert_int_equal(net_buffered(&fx->conn), 9);
	assert_int_equal(read_line(fx, line, sizeof(line)), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text, "the test line: line longer than 7 bytes");
}

/* Too long is known before the end of the line: no waiting for the rest. */
static void test_read_line_too_long_without_newline(void **state)
{
	struct fixture *fx = *state;
	char line[8];

	peer_write(fx, "123456789");
	assert_int_equal(read_line(fx, line, sizeof(line)), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_true(deadline_elapsed(&fx->dl) < DEADLINE_SECONDS / 2);
}

static void test_read_line_nul_byte(void **state)
{
	struct fixture *fx = *state;
	char line[16];

	peer_send(fx->peer, "ab\0cd\r\n", 7);
	assert_int_equal(read_line(fx, line, sizeof(line)), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text, "the test line: NUL byte in line");
}

static void test_read_line_eof_mid_line(void **state)
{
	struct fixture *fx = *state;
	char line[16];

	peer_write(fx, "partial");
	peer_hang_up(fx);
	assert_int_equal(read_line(fx, line, sizeof(line)), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_string_equal(fx->fault.text,
	                    "server closed the connection while we waited for the test line");
}

/* Lines larger than half the buffer force it to be compacted between reads. */
static void test_read_line_many_long_lines(void **state)
{
	struct fixture *fx = *state;
	char text[3001];
	char line[4000];

	memset(text, 'z', sizeof(text) - 2);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = '\0';
	for (int i = 0; i < 6; i++)
		peer_write(fx, text);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(read_line(fx, line, sizeof(line)), 0);
		assert_int_equal(strlen(line), sizeof(text) - 2);
	}
	assert_int_equal(net_buffered(&fx->conn), 0);
}

/* A line longer than the buffer itself is refused, whatever SIZE says. */
static void test_read_line_longer_than_buffer(void **state)
{
	struct fixture *fx = *state;
	static char big[NET_BUFFER_SIZE + 100];
	static char line[sizeof(big)];

	memset(big, 'y', sizeof(big) - 1);
	peer_write(fx, big);
	assert_int_equal(read_line(fx, line, sizeof(line)), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_non_null(strstr(fx->fault.text, "line longer than"));
}

static void test_read_exact(void **state)
{
	struct fixture *fx = *state;
	char out[16] = "";

	peer_write(fx, "abcdef");
	assert_int_equal(net_read_exact(&fx->conn, out, 3, "bytes", &fx->fault), 0);
	assert_memory_equal(out, "abc", 3);
	assert_int_equal(net_buffered(&fx->conn), 3);
	peer_hang_up(fx);
	assert_int_equal(net_read_exact(&fx->conn, out, 10, "ten bytes", &fx->fault), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_non_null(strstr(fx->fault.text, "while we waited for ten bytes"));
}

static void test_read_exact_timeout(void **state)
{
	struct fixture *fx = *state;
	char out[4];

	peer_write(fx, "ab");
	assert_int_equal(net_read_exact(&fx->conn, out, 4, "four bytes", &fx->fault), -1);
	assert_int_equal(fx->fault.kind, FAULT_TIMEOUT);
	assert_string_equal(fx->fault.text, "timeout waiting for four bytes");
}

static void test_write_to_closed_peer(void **state)
{
	struct fixture *fx = *state;

	close(fx->peer);
	fx->peer = -1;
	/* Survives: no SIGPIPE. */
	assert_int_equal(net_write_all(&fx->conn, "EHLO x\r\n", 8, "EHLO", &fx->fault), -1);
	assert_int_equal(fx->fault.kind, FAULT_PEER);
	assert_non_null(strstr(fx->fault.text, "EHLO"));
}

static void test_write_timeout(void **state)
{
	struct fixture *fx = *state;
	static char chunk[65536];
	int rc;

	/* The peer never reads: the socket buffer fills up. */
	do {
		rc = net_write_all(&fx->conn, chunk, sizeof(chunk), "a flood", &fx->fault);
	} while (rc == 0);
	assert_int_equal(fx->fault.kind, FAULT_TIMEOUT);
	assert_string_equal(fx->fault.text, "timeout sending a flood");
	assert_true(deadline_elapsed(&fx->dl) < 2.0);
}

/* --- resolving and connecting -------------------------------------------------------- */

static unsigned sockaddr_port(const struct net_address *a)
{
	if (a->sa.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->sa)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&a->sa)->sin_port);
}

static void test_resolve_literals(void **state)
{
	struct fixture *fx = *state;
	struct net_address_list list;

	assert_int_equal(net_resolve("127.0.0.1", 25, AF_UNSPEC, &fx->dl, &list, &fx->fault), 0);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].text, "127.0.0.1");
	assert_int_equal(list.items[0].sa.ss_family, AF_INET);
	assert_int_equal(sockaddr_port(&list.items[0]), 25);

	assert_int_equal(net_resolve("::1", 5432, AF_UNSPEC, &fx->dl, &list, &fx->fault), 0);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].text, "::1");
	assert_int_equal(list.items[0].sa.ss_family, AF_INET6);
	assert_int_equal(sockaddr_port(&list.items[0]), 5432);
}

static void test_resolve_literal_wrong_family(void **state)
{
	struct fixture *fx = *state;
	struct net_address_list list;

	assert_int_equal(net_resolve("127.0.0.1", 25, AF_INET6, &fx->dl, &list, &fx->fault), -1);
	assert_int_equal(fx->fault.kind, FAULT_RESOLVE);
	assert_non_null(strstr(fx->fault.text, "cannot resolve '127.0.0.1'"));
}

static void test_resolve_localhost(void **state)
{
	struct fixture *fx = *state;
	struct net_address_list list;
	bool loopback = false;

	deadline_start(&fx->dl, 5.0);
	assert_int_equal(net_resolve("localhost", 443, AF_UNSPEC, &fx->dl, &list, &fx->fault), 0);
	assert_true(list.count >= 1);
	for (size_t i = 0; i < list.count; i++) {
		loopback = loopback || strcmp(list.items[i].text, "127.0.0.1") == 0 ||
		           strcmp(list.items[i].text, "::1") == 0;
		for (size_t j = i + 1; j < list.count; j++)
			assert_string_not_equal(list.items[i].text, list.items[j].text);
		assert_int_equal(sockaddr_port(&list.items[i]), 443);
	}
	assert_true(loopback);
}

/* A port nothing listens on: bound, then closed again. */
static unsigned closed_port(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	close(s);
	return ntohs(sin.sin_port);
}

static void test_connect_refused(void **state)
{
	struct fixture *fx = *state;
	struct net_address_list list;
	unsigned port = closed_port();
	char expected[64];
	int fd = -1;

	assert_int_equal(net_resolve("127.0.0.1", port, AF_INET, &fx->dl, &list, &fx->fault), 0);
	assert_int_equal(net_connect(&list.items[0], &fx->dl, &fd, &fx->fault), -1);
	assert_int_equal(fd, -1);
	assert_int_equal(fx->fault.kind, FAULT_CONNECT);
	snprintf(expected, sizeof(expected), "connection refused by 127.0.0.1 port %u", port);
	assert_string_equal(fx->fault.text, expected);
}

static void test_connect_and_talk(void **state)
{
	struct fixture *fx = *state;
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	struct net_address_list list;
	struct net_conn conn;
	char line[32];
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	int server;
	int fd = -1;

	assert_true(listener >= 0);
	assert_int_equal(bind(listener, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(listener, 1), 0);
	assert_int_equal(getsockname(listener, (struct sockaddr *)&sin, &len), 0);
	assert_int_equal(
	        net_resolve("127.0.0.1", ntohs(sin.sin_port), AF_INET, &fx->dl, &list, &fx->fault),
	        0);
	assert_int_equal(net_connect(&list.items[0], &fx->dl, &fd, &fx->fault), 0);
	server = accept(listener, NULL, NULL);
	assert_true(server >= 0);
	peer_send(server, "hello\r\n", 7);
	net_conn_init(&conn, fd, &fx->dl);
	assert_int_equal(net_read_line(&conn, line, sizeof(line), "hello", &fx->fault), 0);
	assert_string_equal(line, "hello");
	close(server);
	close(listener);
	close(fd);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, smtp_setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FIXTURE_TEST(test_smtp_happy_path_split_segments),
	        FIXTURE_TEST(test_transcript_exchanges),
	        FIXTURE_TEST(test_transcript_bounded),
	        FIXTURE_TEST(test_smtp_starttls_lowercase),
	        FIXTURE_TEST(test_smtp_starttls_last_line),
	        FIXTURE_TEST(test_smtp_no_starttls),
	        FIXTURE_TEST(test_smtp_starttls_lookalikes),
	        FIXTURE_TEST(test_smtp_starttls_refused),
	        FIXTURE_TEST(test_smtp_session_refused),
	        FIXTURE_TEST(test_smtp_ehlo_refused),
	        FIXTURE_TEST(test_smtp_garbage_reply),
	        FIXTURE_TEST(test_smtp_garbage_is_sanitized),
	        FIXTURE_TEST(test_smtp_code_changes_mid_reply),
	        FIXTURE_TEST(test_smtp_huge_line),
	        FIXTURE_TEST(test_smtp_too_many_lines),
	        FIXTURE_TEST(test_smtp_closed_mid_reply),
	        FIXTURE_TEST(test_smtp_silence_times_out),
	        FIXTURE_TEST(test_smtp_plaintext_after_go_ahead),
	        FIXTURE_TEST(test_smtp_reply_before_ehlo),
	        FIXTURE_TEST(test_smtp_go_ahead_before_starttls),
	        FIXTURE_TEST(test_smtp_bad_ehlo_name),
	        FIXTURE_TEST(test_smtp_default_ehlo_name),
	        FIXTURE_TEST(test_lmtp_happy_path),
	        FIXTURE_TEST(test_lmtp_lhlo_refused),
	        FIXTURE_TEST(test_lmtp_no_starttls),
	        FIXTURE_TEST(test_lmtp_words),
	        FIXTURE_TEST(test_lmtp_silence_times_out),
	        FIXTURE_TEST(test_textproto_first_and_last),
	        FIXTURE_TEST(test_textproto_dotted),
	        FIXTURE_TEST(test_textproto_status),
	        FIXTURE_TEST(test_transport_carries_lines_and_writes),
	        FIXTURE_TEST(test_textproto_go_ahead),
	        FIXTURE_TEST(test_textproto_go_ahead_into_silence),
	        FIXTURE_TEST(test_textproto_greeting_again),
	        cmocka_unit_test(test_deadline_within),
	        FIXTURE_TEST(test_textproto_quote_and_words),
	        FIXTURE_TEST(test_pgsql_accepts),
	        FIXTURE_TEST(test_pgsql_no_tls),
	        FIXTURE_TEST(test_pgsql_error_not_echoed),
	        FIXTURE_TEST(test_pgsql_garbage),
	        FIXTURE_TEST(test_pgsql_eof),
	        FIXTURE_TEST(test_pgsql_silence),
	        FIXTURE_TEST(test_pgsql_extra_bytes_left_buffered),
	        cmocka_unit_test(test_pgsql_direct_profile),
	        cmocka_unit_test(test_protocol_table),
	        cmocka_unit_test(test_protocol_tls_on_connect),
	        cmocka_unit_test(test_protocol_second_implicit_port),
	        FIXTURE_TEST(test_read_line_limits),
	        FIXTURE_TEST(test_read_line_too_long_without_newline),
	        FIXTURE_TEST(test_read_line_nul_byte),
	        FIXTURE_TEST(test_read_line_eof_mid_line),
	        FIXTURE_TEST(test_read_line_many_long_lines),
	        FIXTURE_TEST(test_read_line_longer_than_buffer),
	        FIXTURE_TEST(test_read_exact),
	        FIXTURE_TEST(test_read_exact_timeout),
	        FIXTURE_TEST(test_write_to_closed_peer),
	        FIXTURE_TEST(test_write_timeout),
	        FIXTURE_TEST(test_resolve_literals),
	        FIXTURE_TEST(test_resolve_literal_wrong_family),
	        FIXTURE_TEST(test_resolve_localhost),
	        FIXTURE_TEST(test_connect_refused),
	        FIXTURE_TEST(test_connect_and_talk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
