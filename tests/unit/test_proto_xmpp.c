/* XMPP STARTTLS (RFC 6120 5.4) against scripted peers: the stream header, the
 * features (split across segments, either quote style), <proceed/>, <failure/>,
 * stream errors, and what a hostile peer may try with XML. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "protocol.h"
#include "scripted_peer.h"

const struct tls_protocol *protocol_under_test = &protocol_xmpp;

#define HEADER_END "version='1.0'>"
#define CLIENT_HEADER                                                                              \
	"<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' "     \
	"xmlns='jabber:client' to='mail.example.com' version='1.0'>"
#define STARTTLS "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"

#define SERVER_HEADER                                                                              \
	"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "                               \
	"xmlns:stream='http://etherx.jabber.org/streams' id='c2s-1' from='mail.example.com' "      \
	"version='1.0' xml:lang='en'>"
#define FEATURES_TLS                                                                               \
	"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"           \
	"</starttls></stream:features>"
#define PROCEED "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"

/* Server header and features as TEXT, then (after our <starttls/>) REPLY. */
static int talk(struct fixture *fx, const char *text, const char *reply)
{
	const struct step steps[] = {
	        {'R', HEADER_END, 0}, {'S', text, 0},  {'R', "/>", 0},
	        {'S', reply, 0},      {'\0', NULL, 0},
	};

	return play(fx, steps);
}

/* After our stream header, the server says TEXT (and nothing more). */
static int answer(struct fixture *fx, const char *text)
{
	const struct step steps[] = {
	        {'R', HEADER_END, 0},
	        {'S', text, 0},
	        {'\0', NULL, 0},
	};

	return play(fx, steps);
}

static void expect_failure(struct fixture *fx, int rc, enum fault_kind kind, const char *text)
{
	assert_int_equal(rc, -1);
	assert_int_equal(fx->fault.kind, kind);
	if (strstr(fx->fault.text, text) == NULL)
		fail_msg("'%s' not in '%s'", text, fx->fault.text);
}

static void test_happy_path_split_segments(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'R', HEADER_END, 0},
	        {'S', "<?xml version=\"1.0\"?>\n<stream:stream xmlns=\"jabber:client\" ", 0},
	        {'P', NULL, 30},
	        {'S',
	         "xmlns:stream=\"http://etherx.jabber.org/streams\" id=\"a>b\" version=\"1.0\">",
	         0},
	        {'P', NULL, 30},
	        {'Q', NULL, 0}, /* no STARTTLS before the features */
	        {'S',
	         "<stream:features><mechanisms xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">"
	         "<mechanism>PLAIN</mechanism></mechanisms><star",
	         0},
	        {'P', NULL, 30},
	        {'S', "ttls xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/></stream:feat", 0},
	        {'P', NULL, 30},
	        {'Q', NULL, 0},
	        {'S', "ures>", 0},
	        {'R', "/>", 0},
	        {'S', "<proceed xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/>", 0},
	        {'\0', NULL, 0},
	};

	assert_int_equal(play(fx, steps), 0);
	assert_int_equal(fx->fault.kind, FAULT_NONE);
	assert_string_equal(fx->heard, CLIENT_HEADER STARTTLS);
	assert_false(fx->spoke_early);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_single_quotes_required(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(talk(fx, SERVER_HEADER FEATURES_TLS, PROCEED), 0);
	assert_string_equal(fx->heard, CLIENT_HEADER STARTTLS);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_proceed_with_end_tag(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(talk(fx, SERVER_HEADER FEATURES_TLS,
	                      "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'></proceed>"),
	                 0);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

static void test_whitespace_before_starttls(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(talk(fx, SERVER_HEADER FEATURES_TLS "\r\n ", PROCEED), 0);
}

static void test_no_starttls(void **state)
{
	struct fixture *fx = *state;

	expect_failure(fx,
	               answer(fx, SERVER_HEADER
	                      "<stream:features><mechanisms xmlns='x'/></stream:features>"),
	               FAULT_NO_TLS, "server does not offer STARTTLS");
	assert_string_equal(fx->heard, CLIENT_HEADER);
}

static void test_empty_features(void **state)
{
	struct fixture *fx = *state;

	expect_failure(fx, answer(fx, SERVER_HEADER "<stream:features/>"), FAULT_NO_TLS,
	               "server does not offer STARTTLS");
}

/* Only <starttls> in the TLS namespace, as a feature of its own, offers TLS. */
static void test_starttls_lookalikes(void **state)
{
	struct fixture *fx = *state;

	expect_failure(fx,
	               answer(fx, SERVER_HEADER
	                      "<stream:features><starttls xmlns='urn:example'/>"
	                      "<xstarttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
	                      "<x xmlns='y'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></x>"
	                      "<c note='starttls'/></stream:features>"),
	               FAULT_NO_TLS, "server does not offer STARTTLS");
}

static void test_failure(void **state)
{
	struct fixture *fx = *state;

	expect_failure(fx,
	               talk(fx, SERVER_HEADER FEATURES_TLS,
	                    "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>"),
	               FAULT_NO_TLS, "STARTTLS refused: server answered <failure/>");
}

static void test_stream_closed_after_starttls(void **state)
{
	struct fixture *fx = *state;

	expect_failure(fx, talk(fx, SERVER_HEADER FEATURES_TLS, "</stream:stream>"), FAULT_NO_TLS,
	               "STARTTLS refused: server closed the stream");
}

static void test_stream_error_host_unknown(void **state)
{
	struct fixture *fx = *state;

	expect_failure(fx,
	               answer(fx, SERVER_HEADER
	                      "<stream:error><host-unknown "
	                      "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text "
	                      "xmlns='urn:ietf:params:xml:ns:xmpp-streams'>This server does not "
	                      "serve mail.example.com</text></stream:error></stream:stream>"),
	               FAULT_REFUSED,
	               "server sent stream error 'host-unknown' instead of the stream features: "
	               "'This server does not serve mail.example.com'");
}

/* The server names its error and hangs up before </stream:error>. */
static void test_stream_error_then_close(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'R', HEADER_END, 0},
	        {'S',
	         SERVER_HEADER "<stream:error><policy-violation "
	                       "xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/>",
	         0},
	        {'H', NULL, 0},
	        {'\0', NULL, 0},
	};

	expect_failure(
	        fx, play(fx, steps), FAULT_REFUSED,
	        "server sent stream error 'policy-violation' instead of the stream features");
}

static void test_stream_error_after_starttls(void **state)
{
	struct fixture *fx = *state;

	expect_failure(fx,
	               talk(fx, SERVER_HEADER FEATURES_TLS,
	                    "<stream:error><undefined-condition "
	                    "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"),
	               FAULT_REFUSED,
	               "server sent stream error 'undefined-condition' instead of the reply to "
	               "STARTTLS");
}

static void test_plaintext_after_proceed(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(talk(fx, SERVER_HEADER FEATURES_TLS, PROCEED "<injected/>"), 0);
	assert_int_equal(net_buffered(&fx->conn), strlen("<injected/>"));
}

/* A <proceed/> already there when STARTTLS is to be sent cannot answer it. */
static void test_proceed_before_starttls(void **state)
{
	struct fixture *fx = *state;

	expect_failure(fx, answer(fx, SERVER_HEADER FEATURES_TLS PROCEED), FAULT_PEER,
	               "server sent 50 bytes before STARTTLS was sent, refusing");
	assert_string_equal(fx->heard, CLIENT_HEADER);
}

static void test_not_xmpp(void **state)
{
	struct fixture *fx = *state;

	expect_failure(fx, answer(fx, "220 mail.example.com ESMTP\r\n"), FAULT_PEER,
	               "unexpected XMPP stream header: '220 mail.example.com ESMTP");
}

static void test_wrong_first_element(void **state)
{
	struct fixture *fx = *state;

	expect_failure(fx, answer(fx, "<html><body>"), FAULT_PEER,
	               "unexpected XMPP stream header: 'html'");
}

static void test_dtd_refused(void **state)
{
	struct fixture *fx = *state;

	expect_failure(fx, answer(fx, "<?xml version='1.0'?><!DOCTYPE lol [<!ENTITY lol 'lol'>]>"),
	               FAULT_PEER, "comment, CDATA or DTD (not allowed in XMPP), refusing");
}

static void test_tag_too_long(void **state)
{
	struct fixture *fx = *state;
	char *text = malloc(5000);

	assert_non_null(text);
	strcpy(text, "<stream:stream id='");
	memset(text + strlen(text), 'x', 4000);
	text[4019] = '\0';
	expect_failure(fx, answer(fx, text), FAULT_PEER,
	               "the XMPP stream header: tag longer than 2048 bytes");
	free(text);
}

/* Whitespace is allowed between elements, but not without end. */
static void test_byte_budget(void **state)
{
	struct fixture *fx = *state;
	size_t n = 70000;
	char *text = malloc(sizeof(SERVER_HEADER) + n);

	assert_non_null(text);
	strcpy(text, SERVER_HEADER);
	memset(text + strlen(SERVER_HEADER), ' ', n - 1);
	text[strlen(SERVER_HEADER) + n - 1] = '\0';
	fx->dl.end.tv_sec += 5; /* room to read 64 KiB byte by byte under the sanitizers */
	expect_failure(fx, answer(fx, text), FAULT_PEER,
	               "the stream features: more than 65536 bytes");
	free(text);
}

static void test_too_deep(void **state)
{
	struct fixture *fx = *state;
	char text[1024] = SERVER_HEADER "<stream:features>";

	for (int i = 0; i < 20; i++)
		strcat(text, "<a>");
	expect_failure(fx, answer(fx, text), FAULT_PEER,
	               "the stream features: elements nested deeper than 16");
}

static void test_silence_times_out(void **state)
{
	struct fixture *fx = *state;

	expect_failure(fx, answer(fx, SERVER_HEADER), FAULT_TIMEOUT,
	               "timeout waiting for the stream features");
}

static void test_closed_mid_header(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'R', HEADER_END, 0},
	        {'S', "<stream:stream xmlns='jabber:client' ver", 0},
	        {'H', NULL, 0},
	        {'\0', NULL, 0},
	};

	expect_failure(fx, play(fx, steps), FAULT_PEER,
	               "server closed the connection while we waited for the XMPP stream header");
}

static void test_server_option(void **state)
{
	struct fixture *fx = *state;
	struct protocol_profile profile;

	fx->args.values[protocol_option_index(&protocol_xmpp, "server")] = "";
	assert_int_equal(talk(fx, SERVER_HEADER FEATURES_TLS, PROCEED), 0);
	assert_non_null(strstr(fx->heard, " xmlns='jabber:server' to='mail.example.com' "));
	protocol_profile(&protocol_xmpp, &fx->args, &profile);
	assert_int_equal(profile.port, 5269);
	assert_int_equal(profile.implicit_port, 5270);
	assert_string_equal(profile.alpn, "xmpp-server");
}

static void test_client_profile(void **state)
{
	struct fixture *fx = *state;
	struct protocol_profile profile;

	protocol_profile(&protocol_xmpp, &fx->args, &profile);
	assert_int_equal(profile.port, 5222);
	assert_int_equal(profile.implicit_port, 5223);
	assert_string_equal(profile.alpn, "xmpp-client");
	assert_false(profile.always_implicit);
}

static void test_domain_option(void **state)
{
	struct fixture *fx = *state;
	int index = protocol_option_index(&protocol_xmpp, "xmpp-domain");

	fx->args.values[index] = "Bücher.Example";
	assert_int_equal(protocol_xmpp.validate(&fx->args, &fx->fault), 0);
	assert_int_equal(talk(fx, SERVER_HEADER FEATURES_TLS, PROCEED), 0);
	assert_non_null(strstr(fx->heard, " to='xn--bcher-kva.example' "));
}

static void test_domain_validated(void **state)
{
	struct fixture *fx = *state;
	int index = protocol_option_index(&protocol_xmpp, "xmpp-domain");
	const char *bad[] = {"a'b.example", "a<b", "x y", "", "192.0.2.1"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fault_clear(&fx->fault);
		fx->args.values[index] = bad[i];
		assert_int_equal(protocol_xmpp.validate(&fx->args, &fx->fault), -1);
		assert_int_equal(fx->fault.kind, FAULT_USAGE);
	}
}

/* after() on direct TLS: a stream over TLS, its features (STARTTLS not needed). */
static int run_after(const struct protocol_context *ctx, struct fault *f)
{
	struct protocol_context direct = *ctx;

	direct.tls_on_connect = true;
	return protocol_xmpp.after(&direct, f);
}

static const struct tls_protocol after_only = {.name = "xmpp-after", .upgrade = run_after};

static void test_after_direct_tls(void **state)
{
	struct fixture *fx = *state;

	fx->protocol = &after_only;
	assert_int_equal(answer(fx, SERVER_HEADER
	                        "<stream:features><mechanisms xmlns='x'/></stream:features>"),
	                 0);
	assert_string_equal(fx->heard, CLIENT_HEADER);
}

static void test_after_direct_tls_stream_error(void **state)
{
	struct fixture *fx = *state;

	fx->protocol = &after_only;
	expect_failure(fx,
	               answer(fx, SERVER_HEADER
	                      "<stream:error><host-unknown "
	                      "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"),
	               FAULT_REFUSED,
	               "server sent stream error 'host-unknown' instead of the stream features "
	               "over TLS");
}

static void test_after_starttls_does_nothing(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(protocol_xmpp.after(&fx->ctx, &fx->fault), 0);
	assert_int_equal(peer_heard(fx, fx->heard, sizeof(fx->heard)), 0);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FIXTURE_TEST(test_happy_path_split_segments),
	        FIXTURE_TEST(test_single_quotes_required),
	        FIXTURE_TEST(test_proceed_with_end_tag),
	        FIXTURE_TEST(test_whitespace_before_starttls),
	        FIXTURE_TEST(test_no_starttls),
	        FIXTURE_TEST(test_empty_features),
	        FIXTURE_TEST(test_starttls_lookalikes),
	        FIXTURE_TEST(test_failure),
	        FIXTURE_TEST(test_stream_closed_after_starttls),
	        FIXTURE_TEST(test_stream_error_host_unknown),
	        FIXTURE_TEST(test_stream_error_then_close),
	        FIXTURE_TEST(test_stream_error_after_starttls),
	        FIXTURE_TEST(test_plaintext_after_proceed),
	        FIXTURE_TEST(test_proceed_before_starttls),
	        FIXTURE_TEST(test_not_xmpp),
	        FIXTURE_TEST(test_wrong_first_element),
	        FIXTURE_TEST(test_dtd_refused),
	        FIXTURE_TEST(test_tag_too_long),
	        FIXTURE_TEST(test_byte_budget),
	        FIXTURE_TEST(test_too_deep),
	        FIXTURE_TEST(test_silence_times_out),
	        FIXTURE_TEST(test_closed_mid_header),
	        FIXTURE_TEST(test_server_option),
	        FIXTURE_TEST(test_client_profile),
	        FIXTURE_TEST(test_domain_option),
	        FIXTURE_TEST(test_domain_validated),
	        FIXTURE_TEST(test_after_direct_tls),
	        FIXTURE_TEST(test_after_direct_tls_stream_error),
	        FIXTURE_TEST(test_after_starttls_does_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
