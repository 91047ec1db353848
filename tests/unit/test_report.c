#include <config.h>

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"
#include "settings.h"

#define DAY             86400
#define LEAF_NOT_BEFORE 1767225600 /* 2026-01-01 00:00 UTC */
#define LEAF_NOT_AFTER  1796216400 /* 2026-12-02 13:00 UTC */
#define CA_NOT_BEFORE   1735689600 /* 2025-01-01 00:00 UTC */
#define CA_NOT_AFTER    1893456000 /* 2030-01-01 00:00 UTC */
/* 9d 4h before the leaf expires: 2026-11-23 09:00 UTC */
#define NOW (LEAF_NOT_AFTER - (9 * DAY + 4 * 3600))

#define LEAF_SHA256 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define CA_SHA256   "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static char leaf_subject[] = "CN=db1.example.com";
static char ca_subject[] = "CN=Issuing CA";
static char root_subject[] = "CN=Root CA";
static char leaf_subject_semicolon[] = "CN=x;y";
static char san_name[] = "db1.example.com";
static char san_ip[] = "192.0.2.1";

struct fixture {
	struct cert_chain chain;
	struct verdict verdict;
	struct report_target target;
	struct report_data data;
};

static void set_cert(struct cert_info *c, enum cert_role role, char *subject, char *issuer,
                     time_t not_before, time_t not_after, const char *sha256)
{
	memset(c, 0, sizeof(*c));
	c->role = role;
	c->subject = subject;
	c->issuer = issuer;
	snprintf(c->label, sizeof(c->label), "%s", subject);
	snprintf(c->serial, sizeof(c->serial), "01ab");
	snprintf(c->sha256, sizeof(c->sha256), "%s", sha256);
	c->not_before = not_before;
	c->not_after = not_after;
}

/* A leaf and its intermediate judged at NOW against -w 14d -c 7d, trusted. */
static void judge(struct fixture *fx, time_t now)
{
	const struct settings_judge judging = {
	        .now = now,
	        .warning = {14.0 * DAY, false},
	        .critical = {7.0 * DAY, false},
	};
	const struct trust_result trust = {.trusted = true, .store = "ca.pem"};
	const struct facts facts = {
	        .chain = &fx->chain,
	        .judge = &judging,
	        .trust = &trust,
	};

	verdict_init(&fx->verdict);
	verdict_judge(&fx->verdict, &facts);
	verdict_sort(&fx->verdict);
	fx->data.now = now;
}

/* A probe that ended with F before any chain was seen: nothing known of TLS. */
static void judge_failure(struct fixture *fx, const struct fault *f,
                          enum plugin_state timeout_state)
{
	const struct settings_judge judging = {.timeout_state = timeout_state};
	const struct facts facts = {.probe_failure = f, .judge = &judging};

	memset(&fx->chain, 0, sizeof(fx->chain));
	fx->target.tls = (struct facts_tls){0};
	verdict_init(&fx->verdict);
	verdict_judge(&fx->verdict, &facts);
}

static void setup_fixture(struct fixture *fx, time_t now)
{
	memset(fx, 0, sizeof(*fx));
	set_cert(&fx->chain.items[0], CERT_LEAF, leaf_subject, ca_subject, LEAF_NOT_BEFORE,
	         LEAF_NOT_AFTER, LEAF_SHA256);
	fx->chain.items[0].sans[0] = san_name;
	fx->chain.items[0].sans[1] = san_ip;
	fx->chain.items[0].san_count = 2;
	set_cert(&fx->chain.items[1], CERT_INTERMEDIATE, ca_subject, root_subject, CA_NOT_BEFORE,
	         CA_NOT_AFTER, CA_SHA256);
	snprintf(fx->chain.items[0].key, sizeof(fx->chain.items[0].key), "EC P-256");
	snprintf(fx->chain.items[0].signature, sizeof(fx->chain.items[0].signature), "RSA-SHA256");
	snprintf(fx->chain.items[1].key, sizeof(fx->chain.items[1].key), "RSA 2048");
	snprintf(fx->chain.items[1].signature, sizeof(fx->chain.items[1].signature), "RSA-SHA384");
	fx->chain.count = 2;
	fx->target = (struct report_target){
	        .label = "192.0.2.1",
	        .address = "192.0.2.1",
	        .verdict = &fx->verdict,
	        .chain = &fx->chain,
	        .tls = {"TLSv1.3", "TLS_AES_256_GCM_SHA384", "X25519", NULL},
	};
	fx->data = (struct report_data){
	        .host = "db1.example.com",
	        .port = 5432,
	        .protocol = "pgsql",
	        .targets = &fx->target,
	        .target_count = 1,
	        .unit = "addresses",
	        .elapsed = 0.0061,
	};
	judge(fx, now);
}

/* The report as text; *EXIT gets report_emit's return value. Free the result. */
static char *emit(enum report_format format, const struct report_data *d, int *exit_code)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	*exit_code = report_emit(out, format, d);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void assert_report(enum report_format format, const struct report_data *d, int expected_exit,
                          const char *expected)
{
	int exit_code = -1;
	char *text = emit(format, d, &exit_code);

	assert_string_equal(text, expected);
	assert_int_equal(exit_code, expected_exit);
	free(text);
}

static void test_format_number(void **state)
{
	static const struct {
		double value;
		const char *text;
	} cases[] = {
	        {14.0, "14"},     {7.5, "7.5"},   {0.25, "0.25"}, {0.0, "0"},
	        {9.1666, "9.17"}, {27.0, "27"},   {0.1, "0.1"},   {1.0 / 3.0, "0.33"},
	        {-1.5, "-1.5"},   {100.0, "100"}, {0.004, "0"},   {39.7, "39.7"},
	};
	char out[48];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		report_format_number(cases[i].value, out, sizeof(out));
		assert_string_equal(out, cases[i].text);
	}
}

static void test_nagios_warning(void **state)
{
	struct fixture fx;

	(void)state;
	setup_fixture(&fx, NOW);
	assert_report(REPORT_NAGIOS, &fx.data, 1,
	              "TLS WARNING - db1.example.com:5432 pgsql: certificate 'CN=db1.example.com' "
	              "expires in 9d 4h (2026-12-02 13:00 UTC), chain trusted by ca.pem, TLSv1.3 | "
	              "days_left=9.16;14:;7:;0; time=0.006s;;;0;\n");
}

static void test_nagios_ok(void **state)
{
	struct fixture fx;

	(void)state;
	setup_fixture(&fx, LEAF_NOT_AFTER - (200 * DAY + 3 * 3600));
	assert_report(
	        REPORT_NAGIOS, &fx.data, 0,
	        "TLS OK - db1.example.com:5432 pgsql: certificate 'CN=db1.example.com' "
	        "expires in 200d 3h (2026-12-02 13:00 UTC), chain trusted by ca.pem, TLSv1.3 | "
	        "days_left=200.12;14:;7:;0; time=0.006s;;;0;\n");
}

static void test_nagios_critical(void **state)
{
	struct fixture fx;

	(void)state;
	setup_fixture(&fx, LEAF_NOT_AFTER + 3600);
	assert_report(REPORT_NAGIOS, &fx.data, 2,
	              "TLS CRITICAL - db1.example.com:5432 pgsql: certificate 'CN=db1.example.com' "
	              "expired 1h ago (2026-12-02 13:00 UTC), chain trusted by ca.pem, TLSv1.3 | "
	              "days_left=-0.05;14:;7:;0; time=0.006s;;;0;\n");
}

/* --perfdata-thresholds=plain: bare numbers, for Icinga 2's metric writers. */
static void test_nagios_plain_thresholds(void **state)
{
	struct fixture fx;

	(void)state;
	setup_fixture(&fx, NOW);
	fx.data.thresholds = REPORT_THRESHOLDS_PLAIN;
	assert_report(REPORT_NAGIOS, &fx.data, 1,
	              "TLS WARNING - db1.example.com:5432 pgsql: certificate 'CN=db1.example.com' "
	              "expires in 9d 4h (2026-12-02 13:00 UTC), chain trusted by ca.pem, TLSv1.3 | "
	              "days_left=9.16;14;7;0; time=0.006s;;;0;\n");
}

/* 13.999 days left must not read 14.00 under a 14d warning. */
static void test_days_floor(void **state)
{
	static const struct {
		double seconds;
		const char *perf;
	} cases[] = {
	        {13.999 * DAY, "13.99"}, {14.0 * DAY, "14.00"},
	        {-86.4, "-0.01"},        {-0.5, "-0.01"},
	        {0.0, "0.00"},           {863.9, "0.00"},
	        {864.0, "0.01"},         {-864.0, "-0.01"},
	        {-864.5, "-0.02"},       {9 * DAY + 4 * 3600, "9.16"},
	};
	struct fixture fx;
	char expected[256];

	(void)state;
	setup_fixture(&fx, NOW);
	verdict_init(&fx.verdict);
	fx.verdict.expiry.valid = true;
	fx.verdict.expiry.warning_seconds = 7.5 * DAY;
	fx.verdict.expiry.critical_seconds = 0.25 * DAY;
	fx.data.elapsed = 0.0;
	fx.target.tls = (struct facts_tls){0};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fx.verdict.expiry.seconds_left = cases[i].seconds;
		snprintf(expected, sizeof(expected),
		         "TLS OK - db1.example.com:5432 pgsql: no findings | "
		         "days_left=%s;7.5:;0.25:;0; time=0.000s;;;0;\n",
		         cases[i].perf);
		assert_report(REPORT_NAGIOS, &fx.data, 0, expected);
		snprintf(expected, sizeof(expected), "%s\n", cases[i].perf);
		assert_report(REPORT_DAYS, &fx.data, 0, expected);
	}
}

static void test_nagios_ipv6_host(void **state)
{
	struct fixture fx;

	(void)state;
	setup_fixture(&fx, NOW);
	verdict_init(&fx.verdict);
	fx.target.tls = (struct facts_tls){0};
	fx.data.host = "::1";
	fx.data.port = 443;
	fx.data.protocol = "tls";
	fx.data.elapsed = 1.23456;
	fx.verdict.expiry.valid = false;
	assert_report(REPORT_NAGIOS, &fx.data, 0,
	              "TLS OK - [::1]:443 tls: no findings | time=1.235s;;;0;\n");
	fx.data.host = "2001:db8::1";
	assert_report(REPORT_NAGIOS, &fx.data, 0,
	              "TLS OK - [2001:db8::1]:443 tls: no findings | time=1.235s;;;0;\n");
	fx.data.host = "192.0.2.1";
	assert_report(REPORT_NAGIOS, &fx.data, 0,
	              "TLS OK - 192.0.2.1:443 tls: no findings | time=1.235s;;;0;\n");
}

static void test_nagios_fault_without_chain(void **state)
{
	struct fixture fx;
	struct fault f;

	(void)state;
	setup_fixture(&fx, NOW);
	fault_set(&f, FAULT_CONNECT, "connection to 192.0.2.1 port 5432 refused");
	judge_failure(&fx, &f, STATE_CRITICAL);
	fx.data.elapsed = 0.01;
	fx.data.verbosity = 1;
	assert_report(REPORT_NAGIOS, &fx.data, 2,
	              "TLS CRITICAL - db1.example.com:5432 pgsql: connection to 192.0.2.1 port "
	              "5432 refused | time=0.010s;;;0;\n"
	              "CRITICAL probe: connection to 192.0.2.1 port 5432 refused\n");
	assert_report(REPORT_DAYS, &fx.data, 0, REPORT_DAYS_FAILED "\n");

	fault_set(&f, FAULT_TIMEOUT, "no answer within 10s");
	judge_failure(&fx, &f, STATE_UNKNOWN);
	assert_report(REPORT_NAGIOS, &fx.data, 3,
	              "TLS UNKNOWN - db1.example.com:5432 pgsql: no answer within 10s | "
	              "time=0.010s;;;0;\n"
	              "UNKNOWN probe: no answer within 10s\n");
}

static void test_nagios_sanitises(void **state)
{
	struct fixture fx;

	(void)state;
	setup_fixture(&fx, NOW);
	fx.verdict.expiry.valid = false;
	fx.data.elapsed = 0.0;
	verdict_init(&fx.verdict);
	verdict_add(&fx.verdict, "test", STATE_WARNING, "subject 'CN=a|b\nc\td;e'");
	assert_report(REPORT_NAGIOS, &fx.data, 1,
	              "TLS WARNING - db1.example.com:5432 pgsql: subject 'CN=a/b?c?d:e', TLSv1.3 | "
	              "time=0.000s;;;0;\n");

	/* The long output too: no ';' anywhere in what a plugin prints. */
	fx.chain.count = 1;
	fx.chain.items[0].subject = leaf_subject_semicolon;
	snprintf(fx.chain.items[0].key, sizeof(fx.chain.items[0].key), "EC;P-256");
	fx.chain.items[0].san_count = 0;
	fx.data.verbosity = 1;
	fx.target.tls = (struct facts_tls){0};
	assert_report(REPORT_NAGIOS, &fx.data, 1,
	              "TLS WARNING - db1.example.com:5432 pgsql: subject 'CN=a/b?c?d:e' | "
	              "time=0.000s;;;0;\n"
	              "[0] leaf CN=x:y, issuer CN=Issuing CA, serial 01ab, valid 2026-01-01 00:00 "
	              "UTC to 2026-12-02 13:00 UTC (9.16 days left), key EC:P-256, signature "
	              "RSA-SHA256, sha256 " LEAF_SHA256 "\n"
	              "WARNING test: subject 'CN=a/b?c?d:e'\n");
}

/* A certificate's name cannot act on the display: a C1 control (CSI), a
 * bidirectional override and invalid UTF-8 are '?' on the status line and
 * escaped in JSON; other characters pass as they are. */
static void test_display_controls(void **state)
{
	struct fixture fx;
	char *json;
	int exit_code;

	(void)state;
	setup_fixture(&fx, NOW);
	fx.verdict.expiry.valid = false;
	fx.data.elapsed = 0.0;
	fx.target.tls = (struct facts_tls){0};
	verdict_init(&fx.verdict);
	verdict_add(&fx.verdict, "test", STATE_WARNING,
	            "subject 'CN=b\xc3\xbc"
	            "cher\xc2\x9b"
	            "31m\xe2\x80\xae"
	            "txt.exe\xff'");
	assert_report(REPORT_NAGIOS, &fx.data, 1,
	              "TLS WARNING - db1.example.com:5432 pgsql: subject "
	              "'CN=b\xc3\xbc"
	              "cher?31m?txt.exe?' | time=0.000s;;;0;\n");
	json = emit(REPORT_JSON, &fx.data, &exit_code);
	assert_non_null(strstr(json, "CN=b\xc3\xbc"
	                             "cher\\u009b31m\\u202etxt.exe\xef\xbf\xbd"));
	free(json);
}

static void test_nagios_verbose(void **state)
{
	struct fixture fx;

	(void)state;
	setup_fixture(&fx, NOW);
	fx.data.verbosity = 1;
	fx.target.tls.alpn = "postgresql";
	assert_report(
	        REPORT_NAGIOS, &fx.data, 1,
	        "TLS WARNING - db1.example.com:5432 pgsql: certificate 'CN=db1.example.com' "
	        "expires in 9d 4h (2026-12-02 13:00 UTC), chain trusted by ca.pem, TLSv1.3 | "
	        "days_left=9.16;14:;7:;0; time=0.006s;;;0;\n"
	        "[0] leaf CN=db1.example.com, issuer CN=Issuing CA, serial 01ab, valid 2026-01-01 "
	        "00:00 UTC to 2026-12-02 13:00 UTC (9.16 days left), key EC P-256, signature "
	        "RSA-SHA256, sha256 " LEAF_SHA256 ", SANs: db1.example.com, 192.0.2.1\n"
	        "[1] intermediate CN=Issuing CA, issuer CN=Root CA, serial 01ab, valid 2025-01-01 "
	        "00:00 UTC to 2030-01-01 00:00 UTC (1134.62 days left), key RSA 2048, signature "
	        "RSA-SHA384, sha256 " CA_SHA256 "\n"
	        "WARNING expiry: certificate 'CN=db1.example.com' expires in 9d 4h (2026-12-02 "
	        "13:00 UTC)\n"
	        "OK trust: chain trusted by ca.pem\n");
}

/* -vv: the TLS parameters and how long each step took; -vvv: the dialogue
 * before TLS, each byte that could mean something to the output escaped. */
static void test_nagios_steps_and_dialogue(void **state)
{
	static const char greeting[] = "220 mx|a;b\\c\x01\xff\r\n";
	static const char ehlo[] = "EHLO client\r\n";
	const struct facts_step steps[] = {{"connect", 0.0012}, {"smtp", 0.0043}};
	struct net_transcript dialogue = {.dropped = 7};
	struct fixture fx;
	char *text;
	int exit_code;

	(void)state;
	memcpy(dialogue.bytes, greeting, sizeof(greeting) - 1);
	memcpy(dialogue.bytes + sizeof(greeting) - 1, ehlo, sizeof(ehlo) - 1);
	dialogue.items[0] = (struct net_exchange){false, 0, sizeof(greeting) - 1};
	dialogue.items[1] = (struct net_exchange){true, sizeof(greeting) - 1, sizeof(ehlo) - 1};
	dialogue.count = 2;
	setup_fixture(&fx, NOW);
	fx.target.steps = steps;
	fx.target.step_count = 2;
	fx.target.dialogue = &dialogue;
	fx.data.verbosity = 2;
	text = emit(REPORT_NAGIOS, &fx.data, &exit_code);
	assert_non_null(strstr(text, "OK trust: chain trusted by ca.pem\n"
	                             "TLS: TLSv1.3, TLS_AES_256_GCM_SHA384, X25519\n"
	                             "timing: connect 0.001s, smtp 0.004s\n"));
	assert_null(strstr(text, "S: 220"));
	free(text);
	fx.data.verbosity = 3;
	text = emit(REPORT_NAGIOS, &fx.data, &exit_code);
	assert_non_null(strstr(text, "timing: connect 0.001s, smtp 0.004s\n"
	                             "S: 220 mx\\x7ca\\x3bb\\x5cc\\x01\\xff\n"
	                             "C: EHLO client\n"
	                             "(7 more bytes of the dialogue not kept)\n"));
	free(text);
}

/* A note (the server would take a client certificate) leaves the status
 * line for the long output, unless it is all there is to say. */
static void test_nagios_notes(void **state)
{
	struct fixture fx;
	char *text;
	int exit_code;

	(void)state;
	setup_fixture(&fx, NOW);
	verdict_note(&fx.verdict, "client-cert",
	             "server asks for a client certificate (none given)");
	assert_report(REPORT_NAGIOS, &fx.data, 1,
	              "TLS WARNING - db1.example.com:5432 pgsql: certificate 'CN=db1.example.com' "
	              "expires in 9d 4h (2026-12-02 13:00 UTC), chain trusted by ca.pem, TLSv1.3 | "
	              "days_left=9.16;14:;7:;0; time=0.006s;;;0;\n"
	              "OK client-cert: server asks for a client certificate (none given)\n");
	fx.data.verbosity = 1;
	text = emit(REPORT_NAGIOS, &fx.data, &exit_code);
	assert_non_null(strstr(text, "OK trust: chain trusted by ca.pem\n"
	                             "OK client-cert: server asks for a client certificate "
	                             "(none given)\n"));
	assert_null(strstr(strstr(text, "\n") + 1, "OK client-cert: server asks for a client "
	                                           "certificate (none given)\nOK client-cert"));
	free(text);

	verdict_init(&fx.verdict);
	fx.target.tls = (struct facts_tls){0};
	fx.data.verbosity = 0;
	verdict_note(&fx.verdict, "client-cert",
	             "server asks for a client certificate (none given)");
	assert_report(REPORT_NAGIOS, &fx.data, 0,
	              "TLS OK - db1.example.com:5432 pgsql: server asks for a client certificate "
	              "(none given) | time=0.006s;;;0;\n");
}

static void test_nagios_verbose_edges(void **state)
{
	struct fixture fx;

	(void)state;
	setup_fixture(&fx, LEAF_NOT_AFTER + 2 * DAY);
	fx.chain.items[1].not_before = LEAF_NOT_AFTER + 2 * DAY + 3600;
	fx.chain.items[1].issuer = NULL;
	fx.chain.items[1].sha256[0] = '\0';
	judge(&fx, LEAF_NOT_AFTER + 2 * DAY);
	fx.data.verbosity = 2;
	fx.target.tls = (struct facts_tls){.version = "TLSv1.2", .alpn = "h2"};
	assert_report(
	        REPORT_NAGIOS, &fx.data, 2,
	        "TLS CRITICAL - db1.example.com:5432 pgsql: certificate 'CN=db1.example.com' "
	        "expired 2d ago (2026-12-02 13:00 UTC), intermediate 'CN=Issuing CA' is not "
	        "valid before 2026-12-04 14:00 UTC (in 1h), chain trusted by ca.pem, TLSv1.2 | "
	        "days_left=-2.00;14:;7:;0; time=0.006s;;;0;\n"
	        "[0] leaf CN=db1.example.com, issuer CN=Issuing CA, serial 01ab, valid 2026-01-01 "
	        "00:00 UTC to 2026-12-02 13:00 UTC (-2.00 days left), key EC P-256, signature "
	        "RSA-SHA256, sha256 " LEAF_SHA256 ", SANs: db1.example.com, 192.0.2.1\n"
	        "[1] intermediate CN=Issuing CA, serial 01ab, valid 2026-12-04 14:00 UTC to "
	        "2030-01-01 00:00 UTC (1123.45 days left), key RSA 2048, signature RSA-SHA384\n"
	        "CRITICAL expiry: certificate 'CN=db1.example.com' expired 2d ago (2026-12-02 "
	        "13:00 UTC)\n"
	        "CRITICAL expiry: intermediate 'CN=Issuing CA' is not valid before 2026-12-04 "
	        "14:00 UTC (in 1h)\n"
	        "OK trust: chain trusted by ca.pem\n"
	        "TLS: TLSv1.2, ALPN h2\n");

	/* Nothing known about the TLS connection: no TLS line at all. */
	fx.target.tls = (struct facts_tls){0};
	fx.chain.count = 0;
	fx.verdict.expiry.valid = false;
	verdict_init(&fx.verdict);
	assert_report(REPORT_NAGIOS, &fx.data, 0,
	              "TLS OK - db1.example.com:5432 pgsql: no findings | time=0.006s;;;0;\n");
}

static void test_json(void **state)
{
	struct fixture fx;

	(void)state;
	setup_fixture(&fx, NOW);
	assert_report(
	        REPORT_JSON, &fx.data, 1,
	        "{\"host\":\"db1.example.com\",\"port\":5432,\"protocol\":\"pgsql\","
	        "\"address\":\"192.0.2.1\",\"state\":\"WARNING\",\"exit_code\":1,"
	        "\"summary\":\"certificate 'CN=db1.example.com' expires in 9d 4h (2026-12-02 13:00 "
	        "UTC), chain trusted by ca.pem, TLSv1.3\",\"days_left\":9.16,\"trusted\":true,"
	        "\"name_matches\":null,\"time\":0.006,"
	        "\"findings\":[{\"state\":\"WARNING\",\"rule\":\"expiry\","
	        "\"text\":\"certificate 'CN=db1.example.com' expires in 9d 4h (2026-12-02 13:00 "
	        "UTC)\"},{\"state\":\"OK\",\"rule\":\"trust\",\"text\":\"chain trusted by "
	        "ca.pem\"}],"
	        "\"chain\":[{\"role\":\"leaf\",\"subject\":\"CN=db1.example.com\","
	        "\"issuer\":\"CN=Issuing CA\",\"serial\":\"01ab\","
	        "\"not_before\":\"2026-01-01T00:00:00Z\",\"not_after\":\"2026-12-02T13:00:00Z\","
	        "\"days_left\":9.16,\"key\":\"EC P-256\",\"signature\":\"RSA-SHA256\","
	        "\"sha256\":\"" LEAF_SHA256 "\","
	        "\"sans\":[\"db1.example.com\",\"192.0.2.1\"]},"
	        "{\"role\":\"intermediate\",\"subject\":\"CN=Issuing CA\",\"issuer\":\"CN=Root "
	        "CA\","
	        "\"serial\":\"01ab\",\"not_before\":\"2025-01-01T00:00:00Z\","
	        "\"not_after\":\"2030-01-01T00:00:00Z\",\"days_left\":1134.62,"
	        "\"key\":\"RSA 2048\",\"signature\":\"RSA-SHA384\","
	        "\"sha256\":\"" CA_SHA256 "\",\"sans\":[]}],"
	        "\"tls\":{\"version\":\"TLSv1.3\",\"cipher\":\"TLS_AES_256_GCM_SHA384\","
	        "\"group\":\"X25519\",\"alpn\":null},\"dane\":null}\n");
}

static void test_json_without_chain(void **state)
{
	struct fixture fx;
	struct fault f;

	(void)state;
	setup_fixture(&fx, NOW);
	fault_set(&f, FAULT_INTERNAL, "cannot read CA file 'x.pem'");
	judge_failure(&fx, &f, STATE_CRITICAL);
	fx.target.address = NULL;
	fx.data.elapsed = 0.0;
	assert_report(
	        REPORT_JSON, &fx.data, 3,
	        "{\"host\":\"db1.example.com\",\"port\":5432,\"protocol\":\"pgsql\","
	        "\"address\":null,\"state\":\"UNKNOWN\",\"exit_code\":3,"
	        "\"summary\":\"cannot read CA file 'x.pem'\",\"days_left\":null,"
	        "\"trusted\":null,\"name_matches\":null,"
	        "\"time\":0.000,\"findings\":[{\"state\":\"UNKNOWN\",\"rule\":\"probe\","
	        "\"text\":\"cannot read CA file 'x.pem'\"}],\"chain\":[],\"tls\":{\"version\":null,"
	        "\"cipher\":null,\"group\":null,\"alpn\":null},\"dane\":null}\n");
}

static void test_json_escaping(void **state)
{
	/* quote, backslash, newline, a control byte, valid UTF-8 (ü, €, U+1F512),
	 * then invalid UTF-8: a stray continuation byte, an overlong '/', a UTF-16
	 * surrogate, a truncated sequence at the end. */
	static char subject[] = "CN=a\"b\\c\nd\x01 \xc3\xbc\xe2\x82\xac\xf0\x9f\x94\x92 "
	                        "\x80 \xc0\xaf \xed\xa0\x80 \xe2\x82";
	static const char escaped[] =
	        "CN=a\\\"b\\\\c\\u000ad\\u0001 \xc3\xbc\xe2\x82\xac\xf0\x9f\x94\x92 "
	        "\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
	        "\xef\xbf\xbd\xef\xbf\xbd";
	struct fixture fx;
	char expected[512];
	int exit_code;
	char *text;

	(void)state;
	setup_fixture(&fx, NOW);
	fx.chain.items[0].subject = subject;
	fx.chain.count = 1;
	text = emit(REPORT_JSON, &fx.data, &exit_code);
	snprintf(expected, sizeof(expected), "\"subject\":\"%s\"", escaped);
	assert_non_null(strstr(text, expected));
	/* One object on one line. */
	assert_ptr_equal(strchr(text, '\n'), text + strlen(text) - 1);
	free(text);

	/* A finding's text is escaped the same way in findings and summary. */
	verdict_init(&fx.verdict);
	verdict_add(&fx.verdict, "test", STATE_CRITICAL, "does not match '%s'", subject);
	text = emit(REPORT_JSON, &fx.data, &exit_code);
	snprintf(expected, sizeof(expected), "\"summary\":\"does not match '%s', TLSv1.3\"",
	         escaped);
	assert_non_null(strstr(text, expected));
	snprintf(expected, sizeof(expected), "\"text\":\"does not match '%s'\"", escaped);
	assert_non_null(strstr(text, expected));
	assert_int_equal(exit_code, 2);
	free(text);
}

/* Each finding names the rule that made it, a note too; the summary is the
 * status line's: the TLS version, a fact and no finding, ends it, and the
 * note is left out. */
static void test_json_rule_ids(void **state)
{
	static const char *const wanted[] = {
	        "{\"state\":\"WARNING\",\"rule\":\"expiry\",\"text\":\"certificate ",
	        "{\"state\":\"OK\",\"rule\":\"trust\",\"text\":\"chain trusted by ca.pem\"}",
	        "{\"state\":\"OK\",\"rule\":\"client-cert\",\"text\":\"server asks for a "
	        "client certificate (none given)\"}",
	        "\"summary\":\"certificate 'CN=db1.example.com' expires in 9d 4h (2026-12-02 "
	        "13:00 UTC), chain trusted by ca.pem, TLSv1.3\",",
	};
	struct fixture fx;
	int exit_code;
	char *text;

	(void)state;
	setup_fixture(&fx, NOW);
	verdict_note(&fx.verdict, "client-cert",
	             "server asks for a client certificate (none given)");
	text = emit(REPORT_JSON, &fx.data, &exit_code);
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		if (strstr(text, wanted[i]) == NULL)
			fail_msg("no %s in %s", wanted[i], text);
	}
	assert_null(strstr(text, "\"text\":\"TLSv1.3\""));
	free(text);

	/* Only the version known: it is the whole summary. */
	verdict_init(&fx.verdict);
	assert_report(REPORT_NAGIOS, &fx.data, 0,
	              "TLS OK - db1.example.com:5432 pgsql: TLSv1.3 | time=0.006s;;;0;\n");
}

static void test_days(void **state)
{
	struct fixture fx;

	(void)state;
	setup_fixture(&fx, NOW);
	assert_report(REPORT_DAYS, &fx.data, 0, "9.16\n");
	setup_fixture(&fx, LEAF_NOT_AFTER + 3600);
	assert_report(REPORT_DAYS, &fx.data, 0, "-0.05\n");
	fx.verdict.expiry.valid = false;
	assert_report(REPORT_DAYS, &fx.data, 0, "-65535\n");
	fx.target.verdict = NULL;
	assert_report(REPORT_DAYS, &fx.data, 0, "-65535\n");
}

/* A locale with a decimal comma must not reach the numbers. Where no such locale
 * is installed the same assertions run in the C locale. */
static void test_decimal_point_under_locale(void **state)
{
	static const char *const comma_locales[] = {"de_DE.UTF-8", "de_DE.utf8", "de_DE",
	                                            "fr_FR.UTF-8", "fr_FR.utf8"};
	struct fixture fx;
	char number[48];

	(void)state;
	for (size_t i = 0; i < sizeof(comma_locales) / sizeof(comma_locales[0]); i++) {
		if (setlocale(LC_ALL, comma_locales[i]) != NULL)
			break;
	}
	setup_fixture(&fx, NOW);
	fx.verdict.expiry.warning_seconds = 7.5 * DAY;
	assert_report(REPORT_NAGIOS, &fx.data, 1,
	              "TLS WARNING - db1.example.com:5432 pgsql: certificate 'CN=db1.example.com' "
	              "expires in 9d 4h (2026-12-02 13:00 UTC), chain trusted by ca.pem, TLSv1.3 | "
	              "days_left=9.16;7.5:;7:;0; time=0.006s;;;0;\n");
	assert_report(REPORT_DAYS, &fx.data, 0, "9.16\n");
	report_format_number(0.25, number, sizeof(number));
	assert_string_equal(number, "0.25");
	setlocale(LC_ALL, "C");
}

/* Two addresses: the fixture's (WARNING, 9 days) and one that refused. */
static void setup_two(struct fixture *ok, struct fixture *refused, struct report_target *targets,
                      struct verdict *together)
{
	struct fault f;

	setup_fixture(ok, NOW);
	setup_fixture(refused, NOW);
	fault_set(&f, FAULT_CONNECT, "connection refused by 192.0.2.2 port 5432");
	judge_failure(refused, &f, STATE_CRITICAL);
	targets[0] = ok->target;
	targets[1] = refused->target;
	targets[1].label = "192.0.2.2";
	targets[1].address = NULL;
	ok->data.targets = targets;
	ok->data.target_count = 2;
	verdict_init(together);
	ok->data.together = together;
}

static void test_several_targets(void **state)
{
	struct fixture a, b;
	struct report_target targets[2];
	struct verdict together;
	int exit_code;
	char *json;

	(void)state;
	setup_two(&a, &b, targets, &together);
	assert_report(REPORT_NAGIOS, &a.data, 2,
	              "TLS CRITICAL - db1.example.com:5432 pgsql: 0 of 2 addresses OK, 192.0.2.2: "
	              "connection refused by 192.0.2.2 port 5432 | "
	              "days_left=9.16;14:;7:;0; time=0.006s;;;0;\n"
	              "|'192.0.2.1 days_left'=9.16;14:;7:;0;\n");
	/* Any target failed: no minimum to give. */
	assert_report(REPORT_DAYS, &a.data, 0, REPORT_DAYS_FAILED "\n");
	json = emit(REPORT_JSON, &a.data, &exit_code);
	assert_int_equal(exit_code, 2);
	assert_non_null(strstr(json, "\"summary\":\"0 of 2 addresses OK, 192.0.2.2: "));
	assert_non_null(strstr(json, "\"findings\":[],\"targets\":[{\"label\":\"192.0.2.1\""));
	assert_non_null(strstr(json, "{\"label\":\"192.0.2.2\",\"name\":null,\"address\":null,"
	                             "\"state\":\"CRITICAL\""));
	free(json);

	/* Both fine: the count, the earliest to expire shown; a finding about them
	 * together, worse than the target shown, comes first. */
	targets[1] = targets[0];
	targets[1].label = "192.0.2.2";
	verdict_add(&together, "rotation", STATE_WARNING, "2 certificates in rotation");
	a.verdict.count = 0;
	verdict_add(&a.verdict, "expiry", STATE_OK, "certificate expires in 9d");
	assert_report(
	        REPORT_NAGIOS, &a.data, 1,
	        "TLS WARNING - db1.example.com:5432 pgsql: 2 of 2 addresses OK, 2 certificates "
	        "in rotation, 192.0.2.1: certificate expires in 9d, TLSv1.3 | "
	        "days_left=9.16;14:;7:;0; time=0.006s;;;0;\n"
	        "|'192.0.2.1 days_left'=9.16;14:;7:;0; '192.0.2.2 days_left'=9.16;14:;7:;0;\n");
	assert_report(REPORT_DAYS, &a.data, 0, "9.16\n");
}

/* Without -v, the notes of every target, each text once. */
static void test_several_targets_notes(void **state)
{
	struct fixture a, b;
	struct report_target targets[3];
	struct verdict together;
	char *text;
	int exit_code;

	(void)state;
	setup_fixture(&a, NOW);
	setup_fixture(&b, NOW);
	verdict_note(&a.verdict, "client-cert",
	             "server asks for a client certificate (none given)");
	verdict_note(&b.verdict, "client-cert",
	             "server requires a client certificate (none given)");
	targets[0] = a.target;
	targets[1] = b.target;
	targets[1].label = "192.0.2.2";
	targets[1].verdict = &b.verdict;
	targets[2] = targets[0];
	targets[2].label = "192.0.2.3";
	a.data.targets = targets;
	a.data.target_count = 3;
	verdict_init(&together);
	a.data.together = &together;
	text = emit(REPORT_NAGIOS, &a.data, &exit_code);
	assert_non_null(strstr(text, "\nOK client-cert: server asks for a client certificate "
	                             "(none given)\nOK client-cert: server requires a client "
	                             "certificate (none given)\n|'192.0.2.1 days_left'"));
	free(text);
}

static void test_refusal(void **state)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	(void)state;
	assert_non_null(out);
	report_refusal(out, REPORT_NAGIOS, "check_tls", "'a\nb\033[2J' is not a valid host name");
	report_refusal(out, REPORT_JSON, "check_tls", "invalid time 'b\"d'");
	assert_int_equal(fclose(out), 0);
	assert_string_equal(
	        text, "check_tls: 'a?b?[2J' is not a valid host name\n"
	              "{\"plugin\":\"check_tls\",\"state\":\"UNKNOWN\",\"exit_code\":3,"
	              "\"summary\":\"invalid time "
	              "'b\\\"d'\",\"days_left\":null,\"trusted\":null,\"name_matches\":null,"
	              "\"findings\":[{\"state\":"
	              "\"UNKNOWN\",\"rule\":\"usage\",\"text\":\"invalid time 'b\\\"d'\"}]}\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_format_number),
	        cmocka_unit_test(test_nagios_warning),
	        cmocka_unit_test(test_nagios_ok),
	        cmocka_unit_test(test_nagios_critical),
	        cmocka_unit_test(test_nagios_plain_thresholds),
	        cmocka_unit_test(test_days_floor),
	        cmocka_unit_test(test_nagios_ipv6_host),
	        cmocka_unit_test(test_nagios_fault_without_chain),
	        cmocka_unit_test(test_nagios_sanitises),
	        cmocka_unit_test(test_nagios_verbose),
	        cmocka_unit_test(test_nagios_verbose_edges),
	        cmocka_unit_test(test_json),
	        cmocka_unit_test(test_json_without_chain),
	        cmocka_unit_test(test_json_escaping),
	        cmocka_unit_test(test_json_rule_ids),
	        cmocka_unit_test(test_days),
	        cmocka_unit_test(test_decimal_point_under_locale),
	        cmocka_unit_test(test_several_targets),
	        cmocka_unit_test(test_nagios_steps_and_dialogue),
	        cmocka_unit_test(test_nagios_notes),
	        cmocka_unit_test(test_display_controls),
	        cmocka_unit_test(test_several_targets_notes),
	        cmocka_unit_test(test_refusal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
