/* The shared command line: defaults, derived names, and one clear error per bad input. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "cli.h"

static const struct cli_plugin generic = {.name = "check_tls", .protocol = NULL};
static const struct cli_plugin smtp = {.name = "check_tls_smtp", .protocol = "smtp"};

#define MAX_ARGS 24

static enum cli_outcome parse_as(const struct cli_plugin *plugin, struct settings *settings,
                                 struct fault *f, ...)
{
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	va_list ap;
	char *arg;

	argv[argc++] = (char *)plugin->name;
	va_start(ap, f);
	while ((arg = va_arg(ap, char *)) != NULL && argc < MAX_ARGS)
		argv[argc++] = arg;
	va_end(ap);
	argv[argc] = NULL;
	return cli_parse(plugin, argc, argv, settings, f);
}

#define PARSE(plugin, ...) parse_as(plugin, &settings, &f, __VA_ARGS__, (char *)NULL)

static void expect_usage_error(enum cli_outcome outcome, const struct fault *f,
                               const char *fragment)
{
	assert_int_equal(outcome, CLI_BAD);
	assert_int_equal(f->kind, FAULT_USAGE);
	if (!strstr(f->text, fragment))
		fail_msg("'%s' not in '%s'", fragment, f->text);
}

static void test_defaults(void **state)
{
	struct settings settings;
	struct fault f;
	(void)state;

	assert_int_equal(PARSE(&smtp, "-H", "mail.example.com"), CLI_RUN);
	assert_string_equal(settings.probe.protocol->name, "smtp");
	assert_int_equal(settings.probe.port, 25);
	assert_int_equal(settings.probe.family, AF_UNSPEC);
	assert_string_equal(settings.probe.sni, "mail.example.com");
	assert_string_equal(settings.probe.verify_name, "mail.example.com");
	assert_true(settings.judge.verify_trust);
	assert_int_equal(settings.judge.store.ca_file_count, 0);
	assert_true(settings.judge.warning.amount == 14 * 86400.0 &&
	            !settings.judge.warning.percent);
	assert_true(settings.judge.critical.amount == 7 * 86400.0 &&
	            !settings.judge.critical.percent);
	assert_true(settings.timeout == 10.0);
	assert_int_equal(settings.judge.timeout_state, STATE_CRITICAL);
	assert_int_equal(settings.output, REPORT_NAGIOS);
	assert_int_equal(settings.verbosity, 0);
}

static void test_generic_protocol_choice(void **state)
{
	struct settings settings;
	struct fault f;
	(void)state;

	assert_int_equal(PARSE(&generic, "-H", "db.example"), CLI_RUN);
	assert_string_equal(settings.probe.protocol->name, "tls");
	assert_int_equal(settings.probe.port, 443);
	assert_int_equal(PARSE(&generic, "-H", "db.example", "-P", "pgsql"), CLI_RUN);
	assert_int_equal(settings.probe.port, 5432);
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-P", "gopher"), &f,
	                   "unknown protocol 'gopher'");
	expect_usage_error(PARSE(&smtp, "-H", "x.example", "-P", "pgsql"), &f,
	                   "-P is for check_tls");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--ehlo", "me"), &f, "smtp only");
	assert_int_equal(PARSE(&generic, "-H", "x.example", "-P", "smtp", "--ehlo", "me.example"),
	                 CLI_RUN);
	assert_string_equal(settings.probe.protocol_args.values[0], "me.example");
	expect_usage_error(PARSE(&smtp, "-H", "x.example", "--ehlo", "bad name"), &f,
	                   "not a valid EHLO name");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--implicit-tls"), &f,
	                   "always starts TLS");
}

static void test_ip_literal_sends_no_sni(void **state)
{
	struct settings settings;
	struct fault f;
	(void)state;

	assert_int_equal(PARSE(&generic, "-H", "127.0.0.1", "-p", "8443"), CLI_RUN);
	assert_int_equal(settings.probe.port, 8443);
	assert_string_equal(settings.probe.sni, "");
	assert_string_equal(settings.probe.verify_name, "127.0.0.1");
	assert_int_equal(PARSE(&generic, "-H", "::1"), CLI_RUN);
	assert_string_equal(settings.probe.sni, "");
	expect_usage_error(PARSE(&generic, "-H", "db.example", "-S", "192.0.2.1"), &f,
	                   "not an address");
}

static void test_idn_names_become_a_labels(void **state)
{
	struct settings settings;
	struct fault f;
	(void)state;

	assert_int_equal(PARSE(&generic, "-H", "127.0.0.1", "-S",
	                       "b\xc3\xbc"
	                       "cher.example"),
	                 CLI_RUN);
	assert_string_equal(settings.probe.sni, "xn--bcher-kva.example");
	assert_string_equal(settings.probe.verify_name, "xn--bcher-kva.example");
	assert_string_equal(settings.probe.verify_name_display, "b\xc3\xbc"
	                                                        "cher.example");
	assert_int_equal(PARSE(&generic, "-H",
	                       "B\xc3\x9c"
	                       "CHER.example"),
	                 CLI_RUN);
	assert_string_equal(settings.probe.host_ascii, "xn--bcher-kva.example");
}

static void test_name_options(void **state)
{
	struct settings settings;
	struct fault f;
	(void)state;

	assert_int_equal(PARSE(&generic, "-H", "lb.example", "-S", "a.example", "-N", "b.example"),
	                 CLI_RUN);
	assert_string_equal(settings.probe.sni, "a.example");
	assert_string_equal(settings.probe.verify_name, "b.example");
	assert_int_equal(PARSE(&generic, "-H", "lb.example", "--no-sni", "--no-verify-name"),
	                 CLI_RUN);
	assert_string_equal(settings.probe.sni, "");
	assert_string_equal(settings.probe.verify_name, "");
	assert_int_equal(PARSE(&generic, "-H", "lb.example", "--no-sni"), CLI_RUN);
	assert_string_equal(settings.probe.verify_name, "lb.example");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-S", "a.example", "--no-sni"), &f,
	                   "contradict");
	expect_usage_error(PARSE(&generic, "-H", "a..example"), &f, "not a valid host name");
}

static void test_thresholds_and_timeout(void **state)
{
	struct settings settings;
	struct fault f;
	(void)state;

	assert_int_equal(
	        PARSE(&generic, "-H", "x.example", "-w", "30", "-c", "36h", "-t", "5:warning"),
	        CLI_RUN);
	assert_true(settings.judge.warning.amount == 30 * 86400.0);
	assert_true(settings.judge.critical.amount == 36 * 3600.0);
	assert_true(settings.timeout == 5.0);
	assert_int_equal(settings.judge.timeout_state, STATE_WARNING);
	assert_int_equal(PARSE(&generic, "-H", "x.example", "-w", "20%", "-c", "10%"), CLI_RUN);
	assert_true(settings.judge.warning.percent && settings.judge.warning.amount == 20.0);
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-w", "5x"), &f, "5x");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-w", "-3"), &f, "-3");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-w", "150%"), &f, "150%");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-w", ""), &f, "''");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-w", "5", "-c", "10"), &f,
	                   "warning");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-w", "5"), &f,
	                   "-w 5 is below the default -c 7d: give -c too");
	assert_int_equal(PARSE(&generic, "-H", "x.example", "-w", "5", "-c", "2"), CLI_RUN);
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-t", "0"), &f, "0");
}

static void test_at_and_output(void **state)
{
	struct settings settings;
	struct fault f;
	(void)state;

	assert_int_equal(PARSE(&generic, "-H", "x.example", "--at", "@1800000000", "--output",
	                       "days", "-v", "-v"),
	                 CLI_RUN);
	assert_int_equal(settings.judge.now, 1800000000);
	assert_int_equal(settings.output, REPORT_DAYS);
	assert_int_equal(settings.verbosity, 2);
	assert_int_equal(PARSE(&generic, "-H", "x.example", "--output=json"), CLI_RUN);
	assert_int_equal(settings.output, REPORT_JSON);
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--output", "xml"), &f, "'xml'");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--at", "tomorrow"), &f, "tomorrow");
	assert_int_equal(settings.perfdata_thresholds, REPORT_THRESHOLDS_RANGE);
	assert_int_equal(PARSE(&generic, "-H", "x.example", "--perfdata-thresholds=plain"),
	                 CLI_RUN);
	assert_int_equal(settings.perfdata_thresholds, REPORT_THRESHOLDS_PLAIN);
	assert_int_equal(PARSE(&generic, "-H", "x.example", "--perfdata-thresholds", "range"),
	                 CLI_RUN);
	assert_int_equal(settings.perfdata_thresholds, REPORT_THRESHOLDS_RANGE);
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--perfdata-thresholds=14:"), &f,
	                   "invalid --perfdata-thresholds '14:' (range or plain)");
	assert_int_equal(PARSE(&generic, "-H", "x.example", "-w", "20d:", "-c", "10:"), CLI_RUN);
	assert_true(settings.judge.warning.amount == 20 * 86400.0);
	assert_true(settings.judge.critical.amount == 10 * 86400.0);
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-w", "~:20"), &f,
	                   "not ~, @ or an upper end");
}

static void test_ocsp_mode(void **state)
{
	struct settings settings;
	struct fault f;
	(void)state;

	assert_int_equal(PARSE(&generic, "-H", "x.example"), CLI_RUN);
	assert_int_equal(settings.judge.ocsp, OCSP_MODE_CHECK);
	assert_int_equal(PARSE(&generic, "-H", "x.example", "--ocsp=require"), CLI_RUN);
	assert_int_equal(settings.judge.ocsp, OCSP_MODE_REQUIRE);
	assert_int_equal(PARSE(&generic, "-H", "x.example", "--ocsp", "ignore"), CLI_RUN);
	assert_int_equal(settings.judge.ocsp, OCSP_MODE_IGNORE);
	assert_int_equal(PARSE(&generic, "-H", "x.example", "--ocsp", "check"), CLI_RUN);
	assert_int_equal(settings.judge.ocsp, OCSP_MODE_CHECK);
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--ocsp", "must"), &f,
	                   "invalid --ocsp 'must' (ignore, check or require)");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--ocsp"), &f,
	                   "option '--ocsp' needs a value");
}

static void test_bad_command_lines(void **state)
{
	struct settings settings;
	struct fault f;
	(void)state;

	expect_usage_error(PARSE(&generic, "-p", "443"), &f, "missing -H");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-p", "0"), &f, "invalid port '0'");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-p", "70000"), &f, "70000");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-p", "44x"), &f, "44x");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--frobnicate"), &f, "--frobnicate");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-Z"), &f, "'-Z'");
	expect_usage_error(PARSE(&generic, "-H"), &f, "'-H' needs a value");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "stray"), &f, "'stray'");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--at"), &f,
	                   "option '--at' needs a value");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--hostname"), &f,
	                   "option '--hostname' needs a value");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--no-sni=3"), &f,
	                   "option '--no-sni' takes no value");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--verbose=1"), &f,
	                   "option '--verbose' takes no value");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--frob=1"), &f,
	                   "unknown option '--frob'");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-v\x01"), &f, "unknown option '-?'");
	/* A prefix of several options is not an unknown option: it names them. */
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--ca=/x"), &f,
	                   "ambiguous option '--ca' (--ca-file, --ca-path)");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--ca", "/x"), &f,
	                   "ambiguous option '--ca' (--ca-file, --ca-path)");
	/* A prefix of one option is that option. */
	assert_int_equal(PARSE(&generic, "-H", "x.example", "--ca-p", "/x"), CLI_RUN);
	/* A bundle of short options after a long one: the short one is blamed. */
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--no-sni", "-xv"), &f,
	                   "unknown option '-x'");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--no-sni", "-vx"), &f,
	                   "unknown option '-x'");
	expect_usage_error(PARSE(&generic, "--no-sni", "-vt"), &f, "option '-t' needs a value");
}

/* A bad argument is reported in the format asked for, even when the bad
 * argument comes first or is the --output line itself. */
static void test_output_asked(void **state)
{
	char *json[] = {"check_tls", "-w", "bad", "--output=json", NULL};
	char *two[] = {"check_tls", "--output", "json", "--output=days", NULL};
	char *unknown[] = {"check_tls", "--output=xml", NULL};
	char *after_end[] = {"check_tls", "--", "--output=json", NULL};

	(void)state;
	assert_int_equal(cli_output_asked(4, json), REPORT_JSON);
	assert_int_equal(cli_output_asked(4, two), REPORT_DAYS);
	assert_int_equal(cli_output_asked(2, unknown), REPORT_NAGIOS);
	assert_int_equal(cli_output_asked(3, after_end), REPORT_NAGIOS);
}

/* CA files are read by trust_load(), once, right after parsing: the parser only
 * collects them, up to the limit. */
static void test_ca_files_collected(void **state)
{
	struct settings settings;
	struct fault f;
	(void)state;

	assert_int_equal(PARSE(&generic, "-H", "x.example", "-C", "a.pem", "-C", "b.pem",
	                       "--ca-path", "/etc/ssl/certs"),
	                 CLI_RUN);
	assert_int_equal(settings.judge.store.ca_file_count, 2);
	assert_string_equal(settings.judge.store.ca_files[1], "b.pem");
	assert_string_equal(settings.judge.store.ca_path, "/etc/ssl/certs");
	expect_usage_error(PARSE(&generic, "-H", "x", "-C", "1", "-C", "2", "-C", "3", "-C", "4",
	                         "-C", "5", "-C", "6", "-C", "7", "-C", "8", "-C", "9"),
	                   &f, "at most 8");
}

/* -I: where to connect; HOST stays the name sent and judged. */
static void test_address(void **state)
{
	struct settings settings;
	struct fault f;
	(void)state;

	assert_int_equal(PARSE(&smtp, "-H", "mail.example.com", "-I", "192.0.2.7"), CLI_RUN);
	assert_string_equal(settings.probe.addresses[0], "192.0.2.7");
	assert_string_equal(settings.probe.sni, "mail.example.com");
	assert_string_equal(settings.probe.verify_name, "mail.example.com");
	assert_int_equal(PARSE(&smtp, "-H", "mail.example.com", "--address=[2001:db8::1]"),
	                 CLI_RUN);
	assert_string_equal(settings.probe.addresses[0], "2001:db8::1");
	assert_int_equal(PARSE(&smtp, "-H", "mail.example.com", "-I", "::1"), CLI_RUN);
	assert_string_equal(settings.probe.addresses[0], "::1");
	assert_int_equal(PARSE(&smtp, "-H", "mail.example.com"), CLI_RUN);
	assert_int_equal(settings.probe.address_count, 0);
	/* A name is resolved instead of HOST, as an engine's host address may be. */
	assert_int_equal(PARSE(&smtp, "-H", "x.example", "-I", "Node1.Example.COM"), CLI_RUN);
	assert_string_equal(settings.probe.addresses[0], "node1.example.com");
	assert_string_equal(settings.probe.sni, "x.example");
	expect_usage_error(PARSE(&smtp, "-H", "x.example", "-I", "[192.0.2.1"), &f,
	                   "neither an IP address nor a host name");
	expect_usage_error(PARSE(&smtp, "-H", "x.example", "-I", "a b.example"), &f,
	                   "neither an IP address nor a host name");
	assert_int_equal(PARSE(&smtp, "-H", "x.example", "-I", "fe80::1%lo"), CLI_RUN);
	assert_string_equal(settings.probe.addresses[0], "fe80::1%lo");
	expect_usage_error(PARSE(&smtp, "-H", "x.example", "-4", "-I", "fe80::1%lo"), &f, "family");
	/* Repeatable: every address is a target of its own. */
	assert_int_equal(PARSE(&smtp, "-H", "x.example", "-I", "192.0.2.1", "-I", "[2001:db8::2]"),
	                 CLI_RUN);
	assert_int_equal(settings.probe.address_count, 2);
	assert_string_equal(settings.probe.addresses[1], "2001:db8::2");
	expect_usage_error(PARSE(&smtp, "-H", "x.example", "-A", "-I", "192.0.2.1"), &f,
	                   "contradict");
	expect_usage_error(PARSE(&smtp, "-H", "x.example", "-4", "-I", "::1"), &f, "family");
	expect_usage_error(PARSE(&smtp, "-H", "x.example", "-6", "-I", "192.0.2.1"), &f, "family");
}

/* -4/-6: one family, of every address the check connects to. */
static void test_family(void **state)
{
	struct settings settings;
	struct fault f;
	(void)state;

	assert_int_equal(PARSE(&generic, "-H", "x.example", "-4"), CLI_RUN);
	assert_int_equal(settings.probe.family, AF_INET);
	assert_int_equal(PARSE(&generic, "-H", "x.example", "-6"), CLI_RUN);
	assert_int_equal(settings.probe.family, AF_INET6);
	assert_int_equal(PARSE(&generic, "-H", "192.0.2.1", "-4"), CLI_RUN);
	assert_int_equal(PARSE(&generic, "-H", "2001:db8::1", "-6"), CLI_RUN);
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-4", "-6"), &f,
	                   "-4 and -6 contradict each other");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-6", "-4"), &f, "contradict");
	expect_usage_error(PARSE(&generic, "-H", "192.0.2.1", "-6"), &f,
	                   "-H 192.0.2.1 is an IPv4 address, not of the family -6 asks for");
	expect_usage_error(PARSE(&generic, "-H", "2001:db8::1", "-4"), &f,
	                   "-H 2001:db8::1 is an IPv6 address, not of the family -4 asks for");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-4", "-I", "[::1]"), &f,
	                   "--address [::1] is an IPv6 address, not of the family -4 asks for");
	/* -I gives the address: HOST is then only the name, of any family. */
	assert_int_equal(PARSE(&generic, "-6", "-H", "127.0.0.1", "-I", "::1"), CLI_RUN);
	assert_int_equal(settings.probe.family, AF_INET6);
	assert_int_equal(PARSE(&generic, "-4", "-H", "::1", "-I", "node.example"), CLI_RUN);
	/* --mx connects to the MX hosts (and takes no address for HOST anyway). */
	expect_usage_error(PARSE(&smtp, "-6", "-H", "192.0.2.1", "--mx"), &f, "mail domain");
}

/* A protocol's options come from its table entry: accepted by its own plugin and
 * by check_tls once -P names it (in any order), refused elsewhere. */
static void test_protocol_options(void **state)
{
	const struct cli_plugin pgsql = {.name = "check_tls_pgsql", .protocol = "pgsql"};
	struct settings settings;
	struct fault f;
	(void)state;

	assert_int_equal(PARSE(&generic, "-H", "x.example", "--ehlo=me.example", "-P", "smtp"),
	                 CLI_RUN);
	assert_string_equal(settings.probe.protocol_args.values[0], "me.example");
	assert_int_equal(PARSE(&generic, "-H", "x.example", "-P", "smtp", "--ehlo", "them.example"),
	                 CLI_RUN);
	assert_string_equal(settings.probe.protocol_args.values[0], "them.example");
	assert_int_equal(PARSE(&smtp, "-H", "x.example"), CLI_RUN);
	assert_null(settings.probe.protocol_args.values[0]);
	expect_usage_error(PARSE(&pgsql, "-H", "x.example", "--ehlo", "me"), &f,
	                   "unknown option '--ehlo'");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "-P", "pgsql", "--ehlo", "me"), &f,
	                   "--ehlo applies to smtp only");
	assert_int_equal(PARSE(&generic, "-P", "help"), CLI_DONE);
}

/* Every option of every protocol reaches its protocol through check_tls, with
 * its value: no clash with a shared option or with another protocol's option of
 * the same name but another kind (getopt_long would take the first row). */
/* --mx is SMTP's option; what it forbids is said under its name. */
static void test_mx_messages(void **state)
{
	struct settings settings;
	struct fault f;
	(void)state;

	assert_int_equal(PARSE(&smtp, "-H", "example.com", "--mx"), CLI_RUN);
	assert_true(settings.probe.profile.mail_domain);
	expect_usage_error(PARSE(&smtp, "-H", "example.com", "--mx", "-I", "192.0.2.1"), &f,
	                   "--mx: the names and addresses are the MX hosts', so --address, "
	                   "--sni, --sni-file and --verify-name do not apply");
	expect_usage_error(PARSE(&smtp, "-H", "192.0.2.1", "--mx"), &f,
	                   "--mx takes a mail domain, not an address ('192.0.2.1')");
	expect_usage_error(PARSE(&generic, "-H", "example.com", "-P", "imap", "--mx"), &f,
	                   "--mx applies to smtp only");
}

/* One shared name skips the request after the handshake; each protocol's old
 * name stays its alias; a protocol without such a request has none to skip. */
static void test_no_service_check(void **state)
{
	static const char *const checkers[][2] = {
	        {"kafka", "--no-api-check"},
	        {"ldap", "--no-whoami"},
	        {"mqtt", "--no-mqtt-connect"},
	        {"redis", "--no-ping"},
	};
	struct settings settings;
	struct fault f;
	char name[32];
	(void)state;

	for (size_t i = 0; i < sizeof(checkers) / sizeof(checkers[0]); i++) {
		struct cli_plugin own = {.name = name, .protocol = checkers[i][0]};

		snprintf(name, sizeof(name), "check_tls_%s", checkers[i][0]);
		assert_int_equal(PARSE(&own, "-H", "a.example"), CLI_RUN);
		assert_false(settings.probe.skip_service_check);
		assert_int_equal(PARSE(&own, "-H", "a.example", "--no-service-check"), CLI_RUN);
		assert_true(settings.probe.skip_service_check);
		assert_int_equal(PARSE(&own, "-H", "a.example", checkers[i][1]), CLI_RUN);
		assert_true(settings.probe.skip_service_check);
		assert_int_equal(PARSE(&generic, "-H", "a.example", "-P", checkers[i][0],
		                       "--no-service-check"),
		                 CLI_RUN);
		assert_true(settings.probe.skip_service_check);
		assert_int_equal(
		        PARSE(&generic, "-H", "a.example", checkers[i][1], "-P", checkers[i][0]),
		        CLI_RUN);
		assert_true(settings.probe.skip_service_check);
	}
	expect_usage_error(PARSE(&generic, "-H", "a.example", "-P", "smtp", "--no-service-check"),
	                   &f,
	                   "--no-service-check applies to ldap, kafka, redis, mqtt, grpc, h2 only");
	expect_usage_error(PARSE(&generic, "-H", "a.example", "--no-service-check"), &f,
	                   "--no-service-check applies to");
	expect_usage_error(PARSE(&smtp, "-H", "a.example", "--no-service-check"), &f,
	                   "no-service-check");
}

/* --alpn replaces the protocol's own, at connect and after STARTTLS alike. */
static void test_alpn(void **state)
{
	static const struct cli_plugin pgsql = {.name = "check_tls_pgsql", .protocol = "pgsql"};
	struct settings settings;
	struct fault f;
	const char *names[SETTINGS_MAX_ALPN];
	char long_name[300], nine[64];
	(void)state;

	assert_int_equal(PARSE(&generic, "-H", "x.example"), CLI_RUN);
	assert_int_equal(settings.probe.alpn.count, 0);
	assert_int_equal(settings_alpn_offered(&settings.probe, true, names), 0);
	/* The protocol's own, at connect only. */
	assert_int_equal(PARSE(&pgsql, "-H", "x.example", "--direct"), CLI_RUN);
	assert_int_equal(settings_alpn_offered(&settings.probe, true, names), 1);
	assert_string_equal(names[0], "postgresql");
	assert_int_equal(PARSE(&pgsql, "-H", "x.example"), CLI_RUN);
	assert_int_equal(settings_alpn_offered(&settings.probe, false, names), 0);

	assert_int_equal(PARSE(&generic, "-H", "x.example", "--alpn=h2,http/1.1"), CLI_RUN);
	assert_int_equal(settings_alpn_offered(&settings.probe, true, names), 2);
	assert_string_equal(names[0], "h2");
	assert_string_equal(names[1], "http/1.1");
	/* Replaces the protocol's own, and is offered after STARTTLS too. */
	assert_int_equal(PARSE(&pgsql, "-H", "x.example", "--direct", "--alpn", "h2"), CLI_RUN);
	assert_int_equal(settings_alpn_offered(&settings.probe, true, names), 1);
	assert_string_equal(names[0], "h2");
	assert_int_equal(PARSE(&smtp, "-H", "x.example", "--alpn=smtp"), CLI_RUN);
	assert_int_equal(settings_alpn_offered(&settings.probe, false, names), 1);
	assert_string_equal(names[0], "smtp");
	/* The last one given counts. */
	assert_int_equal(PARSE(&generic, "-H", "x.example", "--alpn=a,b", "--alpn=c"), CLI_RUN);
	assert_int_equal(settings_alpn_offered(&settings.probe, true, names), 1);
	assert_string_equal(names[0], "c");
	assert_int_equal(PARSE(&generic, "-H", "x.example", "--alpn=1,2,3,4,5,6,7,8"), CLI_RUN);
	assert_int_equal(settings.probe.alpn.count, 8);
	memset(long_name, 'a', 255);
	long_name[255] = '\0';
	assert_int_equal(PARSE(&generic, "-H", "x.example", "--alpn", long_name), CLI_RUN);
	assert_int_equal(strlen(settings.probe.alpn.names[0]), 255);

	expect_usage_error(PARSE(&generic, "-H", "x.example", "--alpn"), &f,
	                   "option '--alpn' needs a value");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--alpn="), &f,
	                   "--alpn: protocol 1 is empty");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--alpn=h2,,x"), &f,
	                   "--alpn: protocol 2 is empty");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--alpn=h2,"), &f,
	                   "--alpn: protocol 2 is empty");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--alpn=h2,\x1b[0m"), &f,
	                   "--alpn: protocol 2 is not printable ASCII");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--alpn=h\xc3\xa9"), &f,
	                   "--alpn: protocol 1 is not printable ASCII");
	long_name[255] = 'a';
	long_name[256] = '\0';
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--alpn", long_name), &f,
	                   "--alpn: protocol 1 is 256 bytes long, at most 255");
	snprintf(nine, sizeof(nine), "1,2,3,4,5,6,7,8,9");
	expect_usage_error(PARSE(&generic, "-H", "x.example", "--alpn", nine), &f,
	                   "--alpn takes at most 8 protocols");
}

static void test_every_protocol_option_parses(void **state)
{
	struct settings settings;
	struct fault f;
	char option[96];
	(void)state;

	for (const struct tls_protocol *const *p = protocol_all(); *p; p++) {
		for (int i = 0; (*p)->options != NULL && (*p)->options[i].name != NULL; i++) {
			const struct protocol_option *o = &(*p)->options[i];
			enum cli_outcome outcome;

			snprintf(option, sizeof(option), "--%s%s", o->name,
			         o->value_name ? "=probe.example" : "");
			outcome = PARSE(&generic, "-H", "x.example", "-P", (*p)->name, option);
			if (outcome != CLI_RUN)
				fail_msg("%s %s: %s", (*p)->name, option, f.text);
			assert_non_null(settings.probe.protocol_args.values[i]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_defaults),
	        cmocka_unit_test(test_generic_protocol_choice),
	        cmocka_unit_test(test_ip_literal_sends_no_sni),
	        cmocka_unit_test(test_idn_names_become_a_labels),
	        cmocka_unit_test(test_name_options),
	        cmocka_unit_test(test_thresholds_and_timeout),
	        cmocka_unit_test(test_at_and_output),
	        cmocka_unit_test(test_ocsp_mode),
	        cmocka_unit_test(test_bad_command_lines),
	        cmocka_unit_test(test_output_asked),
	        cmocka_unit_test(test_ca_files_collected),
	        cmocka_unit_test(test_address),
	        cmocka_unit_test(test_family),
	        cmocka_unit_test(test_protocol_options),
	        cmocka_unit_test(test_every_protocol_option_parses),
	        cmocka_unit_test(test_no_service_check),
	        cmocka_unit_test(test_mx_messages),
	        cmocka_unit_test(test_alpn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
