/* The LDAP StartTLS upgrade against scripted peers: the request on the wire, the
 * BER of the ExtendedResponse in its short and long length forms, every named
 * refusal, garbage and truncation, and not a byte read past the response. */
#include <config.h>

#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "net.h"
#include "protocol.h"

#include "scripted_peer.h"

const struct tls_protocol *protocol_under_test = &protocol_ldap;

/* Byte strings with NULs: a literal and its length without the final NUL. String
 * literals are split after each \x escape that a digit follows. */
#define BYTES(s) s, sizeof(s) - 1

#define STARTTLS_OID "1.3.6.1.4.1.1466.20037"
#define NOTICE_OID   "1.3.6.1.4.1.1466.20036"

/* RFC 4511 4.14.1, byte for byte as PROTOCOLS.md gives it. */
static const char request[] = "\x30\x1d\x02\x01\x01\x77\x18\x80\x16" STARTTLS_OID;

/* OpenLDAP's success: SEQUENCE { 1, [APPLICATION 24] { success, "", "" } }. */
static const char openldap_ok[] = "\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x00\x04\x00\x04\x00";

/* Active Directory's: 4-octet lengths and the responseName. */
static const char ad_ok[] = "\x30\x84\x00\x00\x00\x28\x02\x01\x01"
                            "\x78\x84\x00\x00\x00\x1f\x0a\x01\x00\x04\x00\x04\x00"
                            "\x8a\x16" STARTTLS_OID;

static int ldap_run(struct fixture *fx, const void *answer, size_t len)
{
	peer_send(fx->peer, answer, len);
	return protocol_ldap.upgrade(&fx->ctx, &fx->fault);
}

/* The upgrade against what the peer has sent already: failure of KIND with
 * FRAGMENT in the message. */
static void expect_failure(struct fixture *fx, enum fault_kind kind, const char *fragment)
{
	assert_int_equal(protocol_ldap.upgrade(&fx->ctx, &fx->fault), -1);
	assert_int_equal(fx->fault.kind, kind);
	if (strstr(fx->fault.text, fragment) == NULL)
		fail_msg("'%s' not in '%s'", fragment, fx->fault.text);
}

static void expect_refusal(struct fixture *fx, const void *answer, size_t len, enum fault_kind kind,
                           const char *fragment)
{
	peer_send(fx->peer, answer, len);
	expect_failure(fx, kind, fragment);
}

/* ANSWER, then the server closes the connection. */
static void expect_cut_short(struct fixture *fx, const void *answer, size_t len,
                             const char *fragment)
{
	peer_send(fx->peer, answer, len);
	peer_hang_up(fx);
	expect_failure(fx, FAULT_PEER, fragment);
}

static void assert_heard_request(struct fixture *fx)
{
	char heard[64];

	assert_int_equal(peer_heard(fx, heard, sizeof(heard)), sizeof(request) - 1);
	assert_memory_equal(heard, request, sizeof(request) - 1);
}

/* --- a peer that answers only after the whole request, in pieces ------------------- */

struct trickling_peer {
	int fd;
	const char *answer;
	size_t len, piece;
	size_t heard; /* bytes of the request read before answering */
};

static void *trickle(void *arg)
{
	struct trickling_peer *t = arg;
	char buf[64];

	while (t->heard < sizeof(request) - 1) {
		struct pollfd p = {.fd = t->fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, 1000) <= 0 || (n = recv(t->fd, buf, sizeof(buf), 0)) <= 0)
			return NULL;
		t->heard += (size_t)n;
	}
	for (size_t at = 0; at < t->len; at += t->piece) {
		size_t n = t->len - at < t->piece ? t->len - at : t->piece;

		peer_send(t->fd, t->answer + at, n);
		sleep_ms(10);
	}
	return NULL;
}

/* The upgrade against ANSWER sent PIECE bytes at a time after the request. */
static int trickled(struct fixture *fx, const char *answer, size_t len, size_t piece)
{
	struct trickling_peer t = {fx->peer, answer, len, piece, 0};
	pthread_t thread;
	int rc;

	assert_int_equal(pthread_create(&thread, NULL, trickle, &t), 0);
	rc = protocol_ldap.upgrade(&fx->ctx, &fx->fault);
	pthread_join(thread, NULL);
	assert_int_equal(t.heard, sizeof(request) - 1);
	return rc;
}

/* --- the go-ahead ---------------------------------------------------------------- */

static void test_request_bytes(void **state)
{
	(void)state;
	assert_int_equal(sizeof(request) - 1, 31);
}

static void test_openldap_success_split(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(trickled(fx, BYTES(openldap_ok), 3), 0);
	assert_int_equal(fx->fault.kind, FAULT_NONE);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_ad_long_form_split(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(sizeof(ad_ok) - 1, 46);
	assert_int_equal(trickled(fx, BYTES(ad_ok), 5), 0);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_one_and_two_octet_lengths(void **state)
{
	struct fixture *fx = *state;
	static const char answer[] = "\x30\x81\x0e\x02\x01\x01\x78\x82\x00\x07"
	                             "\x0a\x01\x00\x04\x00\x04\x00";

	assert_int_equal(ldap_run(fx, BYTES(answer)), 0);
	assert_heard_request(fx);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_success_with_controls_and_value(void **state)
{
	struct fixture *fx = *state;
	/* A responseValue [11] in the response, and controls [0] after it. */
	static const char answer[] = "\x30\x12\x02\x01\x01\x78\x09\x0a\x01\x00\x04\x00\x04\x00"
	                             "\x8b\x00\xa0\x02\x30\x00";

	assert_int_equal(ldap_run(fx, BYTES(answer)), 0);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

/* Read exactly one LDAPMessage: what follows it stays buffered, for the caller
 * to refuse as plaintext injection. */
static void test_plaintext_after_response_left_buffered(void **state)
{
	struct fixture *fx = *state;
	char answer[sizeof(openldap_ok) - 1 + 5];

	memcpy(answer, openldap_ok, sizeof(openldap_ok) - 1);
	memcpy(answer + sizeof(openldap_ok) - 1, "\x16\x03\x01hi", 5);
	assert_int_equal(ldap_run(fx, answer, sizeof(answer)), 0);
	assert_int_equal(net_buffered(&fx->conn), 5);
}

static void test_second_message_after_response_left_buffered(void **state)
{
	struct fixture *fx = *state;
	char answer[2 * (sizeof(ad_ok) - 1)];

	memcpy(answer, ad_ok, sizeof(ad_ok) - 1);
	memcpy(answer + sizeof(ad_ok) - 1, ad_ok, sizeof(ad_ok) - 1);
	assert_int_equal(ldap_run(fx, answer, sizeof(answer)), 0);
	assert_int_equal(net_buffered(&fx->conn), sizeof(ad_ok) - 1);
}

/* --- refusals ---------------------------------------------------------------------- */

static void test_protocol_error(void **state)
{
	struct fixture *fx = *state;
	static const char answer[] = "\x30\x2a\x02\x01\x01\x78\x25\x0a\x01\x02\x04\x00"
	                             "\x04\x1e"
	                             "unsupported extended operation";

	expect_refusal(fx, BYTES(answer), FAULT_NO_TLS,
	               "server refused StartTLS: resultCode 2 (protocolError): "
	               "'unsupported extended operation', StartTLS not supported");
	assert_heard_request(fx);
}

static void test_unavailable(void **state)
{
	static const char answer[] = "\x30\x24\x02\x01\x01\x78\x1f\x0a\x01\x34\x04\x00"
	                             "\x04\x18"
	                             "Could not initialize TLS";

	expect_refusal(*state, BYTES(answer), FAULT_NO_TLS,
	               "server refused StartTLS: resultCode 52 (unavailable): "
	               "'Could not initialize TLS'");
}

static void test_operations_error_without_diagnostic(void **state)
{
	struct fixture *fx = *state;
	static const char answer[] = "\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x01\x04\x00\x04\x00";

	expect_refusal(fx, BYTES(answer), FAULT_NO_TLS,
	               "server refused StartTLS: resultCode 1 (operationsError)");
	assert_null(strchr(fx->fault.text, '\''));
}

static void test_unnamed_result_code_by_number(void **state)
{
	static const char answer[] = "\x30\x0f\x02\x01\x01\x78\x0a\x0a\x01\x50\x04\x00"
	                             "\x04\x03"
	                             "odd";

	expect_refusal(*state, BYTES(answer), FAULT_NO_TLS,
	               "server refused StartTLS: resultCode 80: 'odd'");
}

static void test_referral(void **state)
{
	static const char answer[] = "\x30\x2c\x02\x01\x01\x78\x27\x0a\x01\x0a\x04\x00\x04\x00"
	                             "\xa3\x1e\x04\x1c"
	                             "ldap://dc2.example.com:389/x";

	expect_refusal(*state, BYTES(answer), FAULT_NO_TLS,
	               "server refused StartTLS: resultCode 10 (referral), referral to "
	               "'ldap://dc2.example.com:389/x'");
}

static void test_diagnostic_sanitized(void **state)
{
	struct fixture *fx = *state;
	static const char answer[] = "\x30\x14\x02\x01\x01\x78\x0f\x0a\x01\x34\x04\x00"
	                             "\x04\x08"
	                             "a\x00"
	                             "b\r\n\x1b[m";

	expect_refusal(fx, BYTES(answer), FAULT_NO_TLS, "(unavailable): 'a?b???[m'");
}

static void test_notice_of_disconnection(void **state)
{
	struct fixture *fx = *state;
	static const char notice[] = "\x30\x3c\x02\x01\x00\x78\x37\x0a\x01\x34\x04\x00"
	                             "\x04\x18"
	                             "the server is going down"
	                             "\x8a\x16" NOTICE_OID;

	expect_refusal(fx, BYTES(notice), FAULT_PEER,
	               "server sent a Notice of Disconnection: resultCode 52 (unavailable): "
	               "'the server is going down'");
}

static void test_unsolicited_notification(void **state)
{
	static const char answer[] = "\x30\x0c\x02\x01\x00\x78\x07\x0a\x01\x33\x04\x00\x04\x00";

	expect_refusal(*state, BYTES(answer), FAULT_PEER,
	               "unsolicited notification instead of the StartTLS response: "
	               "resultCode 51 (busy)");
}

static void test_other_message_id(void **state)
{
	expect_refusal(*state, BYTES("\x30\x0c\x02\x01\x07\x78\x07\x0a\x01\x00\x04\x00\x04\x00"),
	               FAULT_PEER, "server answered messageID 7, not StartTLS (1)");
}

static void test_other_operation(void **state)
{
	/* A BindResponse, [APPLICATION 1]. */
	expect_refusal(*state, BYTES("\x30\x0c\x02\x01\x01\x61\x07\x0a\x01\x00\x04\x00\x04\x00"),
	               FAULT_PEER,
	               "server answered StartTLS with LDAP operation [APPLICATION 1], not an "
	               "ExtendedResponse");
}

static void test_success_names_another_operation(void **state)
{
	static const char answer[] = "\x30\x12\x02\x01\x01\x78\x0d\x0a\x01\x00\x04\x00\x04\x00"
	                             "\x8a\x04"
	                             "1.2.";

	expect_refusal(*state, BYTES(answer), FAULT_PEER,
	               "StartTLS response names another operation: '1.2.'");
}

/* --- garbage, truncation and limits -------------------------------------------------- */

static void test_not_ldap(void **state)
{
	expect_refusal(*state, BYTES("HTTP/1.1 400 Bad Request\r\n\r\n"), FAULT_PEER,
	               "not an LDAP message in answer to StartTLS: first byte 0x48");
}

static void test_tls_alert_hints_implicit_tls(void **state)
{
	expect_refusal(*state, BYTES("\x15\x03\x03\x00\x02\x02\x32"), FAULT_PEER,
	               "server answered StartTLS with a TLS record, not LDAP (if this port "
	               "speaks TLS at connect, use --implicit-tls)");
}

static void test_truncated_message(void **state)
{
	expect_cut_short(*state, openldap_ok, 8,
	                 "LDAP response to StartTLS cut short: the server closed the connection "
	                 "within its 12 bytes");
}

static void test_truncated_header(void **state)
{
	struct fixture *fx = *state;

	expect_cut_short(fx, ad_ok, 4,
	                 "server closed the connection while we waited for the response to "
	                 "StartTLS");
	assert_null(strstr(fx->fault.text, "implicit"));
}

static void test_element_past_the_end(void **state)
{
	/* The ExtendedResponse claims 9 bytes where 7 are left. */
	expect_refusal(*state, BYTES("\x30\x0c\x02\x01\x01\x78\x09\x0a\x01\x00\x04\x00\x04\x00"),
	               FAULT_PEER,
	               "malformed LDAP response to StartTLS: ExtendedResponse runs past the end "
	               "of the message");
}

static void test_missing_diagnostic(void **state)
{
	expect_refusal(*state, BYTES("\x30\x0a\x02\x01\x01\x78\x05\x0a\x01\x00\x04\x00"),
	               FAULT_PEER,
	               "malformed LDAP response to StartTLS: diagnosticMessage is missing");
}

static void test_wrong_tag(void **state)
{
	/* resultCode as an INTEGER, not ENUMERATED. */
	expect_refusal(*state, BYTES("\x30\x0c\x02\x01\x01\x78\x07\x02\x01\x00\x04\x00\x04\x00"),
	               FAULT_PEER,
	               "malformed LDAP response to StartTLS: resultCode has tag 0x02, not 0x0a");
}

static void test_bad_numbers(void **state)
{
	struct fixture *fx = *state;

	/* An empty messageID. */
	expect_refusal(fx, BYTES("\x30\x0b\x02\x00\x78\x07\x0a\x01\x00\x04\x00\x04\x00"),
	               FAULT_PEER, "messageID is not a number from 0 to 2^31-1");
}

static void test_negative_result_code(void **state)
{
	expect_refusal(*state, BYTES("\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\xff\x04\x00\x04\x00"),
	               FAULT_PEER, "resultCode is not a number from 0 to 2^31-1");
}

static void test_length_overflow_refused(void **state)
{
	struct fixture *fx = *state;

	/* Nothing but the header comes: the length alone is refused, not waited out. */
	expect_refusal(fx, BYTES("\x30\x84\x7f\xff\xff\xff"), FAULT_PEER,
	               "LDAP response to StartTLS claims 2147483647 bytes, more than 4096: "
	               "refusing");
}

static void test_length_just_over_limit_refused(void **state)
{
	expect_refusal(*state, BYTES("\x30\x82\x10\x01"), FAULT_PEER,
	               "claims 4097 bytes, more than 4096");
}

static void test_inner_length_overflow(void **state)
{
	expect_refusal(*state,
	               BYTES("\x30\x10\x02\x01\x01\x78\x84\xff\xff\xff\xff\x0a\x01\x00\x04\x00"
	                     "\x04\x00"),
	               FAULT_PEER, "ExtendedResponse runs past the end of the message");
}

static void test_five_octet_length(void **state)
{
	expect_refusal(*state, BYTES("\x30\x85\x00\x00\x00\x00\x0c"), FAULT_PEER,
	               "malformed LDAP response to StartTLS: LDAPMessage has a length of more "
	               "than 4 octets");
}

static void test_indefinite_length(void **state)
{
	expect_refusal(*state, BYTES("\x30\x80\x02\x01\x01"), FAULT_PEER,
	               "LDAPMessage has an indefinite length");
}

static void test_closed_at_once(void **state)
{
	struct fixture *fx = *state;

	expect_cut_short(fx, "", 0,
	                 "server closed the connection while we waited for the response to "
	                 "StartTLS (nothing received: if this port speaks TLS at connect, use "
	                 "--implicit-tls)");
	assert_heard_request(fx);
}

static void test_silence_times_out(void **state)
{
	struct fixture *fx = *state;

	expect_refusal(fx, "", 0, FAULT_TIMEOUT, "timeout waiting for the response to StartTLS");
	assert_true(deadline_elapsed(&fx->dl) < 2.0);
}

/* --- after the handshake: "Who am I?" over LDAPS ------------------------------------ */

#define WHOAMI_OID "1.3.6.1.4.1.4203.1.11.3"
static const char whoami[] = "\x30\x1e\x02\x01\x01\x77\x19\x80\x17" WHOAMI_OID;

static int after(struct fixture *fx, const void *answer, size_t len, bool tls_on_connect)
{
	fx->ctx.tls_on_connect = tls_on_connect;
	return after_answered(fx, answer, len);
}

static void assert_heard_whoami(struct fixture *fx)
{
	char heard[64];

	assert_int_equal(peer_heard(fx, heard, sizeof(heard)), sizeof(whoami) - 1);
	assert_memory_equal(heard, whoami, sizeof(whoami) - 1);
}

/* OpenLDAP's anonymous answer: success, and an empty authzId. */
static void test_after_whoami_answered(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(after(fx,
	                       BYTES("\x30\x0e\x02\x01\x01\x78\x09\x0a\x01\x00\x04\x00"
	                             "\x04\x00\x8b\x00"),
	                       true),
	                 0);
	assert_heard_whoami(fx);
}

/* A server that does not know the operation still answers like LDAP. */
static void test_after_whoami_refused_is_an_answer(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(after(fx,
	                       BYTES("\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x02\x04\x00"
	                             "\x04\x00"),
	                       true),
	                 0);
}

static void test_after_notice_of_disconnection(void **state)
{
	struct fixture *fx = *state;
	static const char notice[] = "\x30\x24\x02\x01\x00\x78\x1f\x0a\x01\x34\x04\x00\x04\x00"
	                             "\x8a\x16" NOTICE_OID;

	fx->ctx.tls_on_connect = true;
	expect_after_fault(fx, BYTES(notice), FAULT_PEER,
	                   "server sent a Notice of Disconnection: resultCode 52 (unavailable)");
}

/* A TLS endpoint whose backend speaks something else. */
static void test_after_not_ldap(void **state)
{
	struct fixture *fx = *state;

	fx->ctx.tls_on_connect = true;
	expect_after_fault(fx, BYTES("HTTP/1.1 400 Bad Request\r\n"), FAULT_PEER,
	                   "not an LDAP message in answer to Who am I?: first byte 0x48");
}

static void test_after_silence(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(after(fx, "", 0, true), -1);
	assert_int_equal(fx->fault.kind, FAULT_TIMEOUT);
	assert_non_null(strstr(fx->fault.text, "the response to Who am I?"));
}

static void test_after_starttls_sends_nothing(void **state)
{
	struct fixture *fx = *state;
	char heard[8];

	assert_int_equal(after(fx, "", 0, false), 0);
	assert_int_equal(peer_heard(fx, heard, sizeof(heard)), 0);
}

/* --- the table ------------------------------------------------------------------------ */

static bool on_connect(unsigned port, bool force)
{
	struct protocol_args none = {{NULL}};
	struct protocol_profile profile;

	protocol_profile(&protocol_ldap, &none, &profile);
	return protocol_tls_on_connect(&profile, port, force);
}

static void test_table_and_implicit_ports(void **state)
{
	(void)state;
	assert_ptr_equal(protocol_find("ldap"), &protocol_ldap);
	assert_int_equal(protocol_ldap.port, 389);
	assert_true(on_connect(636, false));
	assert_true(on_connect(3269, false));
	assert_false(on_connect(389, false));
	assert_false(on_connect(3268, false)); /* the global catalog without TLS */
	assert_false(on_connect(0, false));
	assert_true(on_connect(10389, true));
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_request_bytes),
	        FIXTURE_TEST(test_openldap_success_split),
	        FIXTURE_TEST(test_ad_long_form_split),
	        FIXTURE_TEST(test_one_and_two_octet_lengths),
	        FIXTURE_TEST(test_success_with_controls_and_value),
	        FIXTURE_TEST(test_plaintext_after_response_left_buffered),
	        FIXTURE_TEST(test_second_message_after_response_left_buffered),
	        FIXTURE_TEST(test_protocol_error),
	        FIXTURE_TEST(test_unavailable),
	        FIXTURE_TEST(test_operations_error_without_diagnostic),
	        FIXTURE_TEST(test_unnamed_result_code_by_number),
	        FIXTURE_TEST(test_referral),
	        FIXTURE_TEST(test_diagnostic_sanitized),
	        FIXTURE_TEST(test_notice_of_disconnection),
	        FIXTURE_TEST(test_unsolicited_notification),
	        FIXTURE_TEST(test_other_message_id),
	        FIXTURE_TEST(test_other_operation),
	        FIXTURE_TEST(test_success_names_another_operation),
	        FIXTURE_TEST(test_not_ldap),
	        FIXTURE_TEST(test_tls_alert_hints_implicit_tls),
	        FIXTURE_TEST(test_truncated_message),
	        FIXTURE_TEST(test_truncated_header),
	        FIXTURE_TEST(test_element_past_the_end),
	        FIXTURE_TEST(test_missing_diagnostic),
	        FIXTURE_TEST(test_wrong_tag),
	        FIXTURE_TEST(test_bad_numbers),
	        FIXTURE_TEST(test_negative_result_code),
	        FIXTURE_TEST(test_length_overflow_refused),
	        FIXTURE_TEST(test_length_just_over_limit_refused),
	        FIXTURE_TEST(test_inner_length_overflow),
	        FIXTURE_TEST(test_five_octet_length),
	        FIXTURE_TEST(test_indefinite_length),
	        FIXTURE_TEST(test_closed_at_once),
	        FIXTURE_TEST(test_silence_times_out),
	        FIXTURE_TEST(test_after_whoami_answered),
	        FIXTURE_TEST(test_after_whoami_refused_is_an_answer),
	        FIXTURE_TEST(test_after_notice_of_disconnection),
	        FIXTURE_TEST(test_after_not_ldap),
	        FIXTURE_TEST(test_after_silence),
	        FIXTURE_TEST(test_after_starttls_sends_nothing),
	        cmocka_unit_test(test_table_and_implicit_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
