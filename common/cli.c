#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "when.h"

/* Long-only options start past the range of short option characters. */
enum {
	OPT_NO_SNI = 256,
	OPT_NO_VERIFY_NAME,
	OPT_CA_PATH,
	OPT_NO_VERIFY_TRUST,
	OPT_AT,
	OPT_OUTPUT,
	OPT_IMPLICIT_TLS,
	OPT_EHLO,
};

static const char short_options[] = "H:p:P:46S:N:C:w:c:t:vhV";

static const struct option long_options[] = {
        {"hostname", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},
        {"protocol", required_argument, NULL, 'P'},
        {"sni", required_argument, NULL, 'S'},
        {"no-sni", no_argument, NULL, OPT_NO_SNI},
        {"verify-name", required_argument, NULL, 'N'},
        {"no-verify-name", no_argument, NULL, OPT_NO_VERIFY_NAME},
        {"ca-file", required_argument, NULL, 'C'},
        {"ca-path", required_argument, NULL, OPT_CA_PATH},
        {"no-verify-trust", no_argument, NULL, OPT_NO_VERIFY_TRUST},
        {"warning", required_argument, NULL, 'w'},
        {"critical", required_argument, NULL, 'c'},
        {"timeout", required_argument, NULL, 't'},
        {"at", required_argument, NULL, OPT_AT},
        {"output", required_argument, NULL, OPT_OUTPUT},
        {"implicit-tls", no_argument, NULL, OPT_IMPLICIT_TLS},
        {"ehlo", required_argument, NULL, OPT_EHLO},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
};

/* What the command line said, before names are converted and defaults derived. */
struct raw_args {
	const char *port;
	const char *protocol;
	const char *sni;
	bool no_sni;
	const char *verify_name;
	bool no_verify_name;
	const char *warning;
	const char *critical;
	const char *timeout;
	const char *at;
	const char *output;
};

void cli_print_usage(FILE *out, const struct cli_plugin *plugin)
{
	fprintf(out,
	        "Usage: %s -H HOST [-p PORT]%s [-w TIME] [-c TIME] [-C CA_FILE]... [options]\n",
	        plugin->name, plugin->protocol ? "" : " [-P PROTOCOL]");
	fprintf(out, "Try '%s --help' for the options.\n", plugin->name);
}

static void print_protocols(FILE *out)
{
	const struct tls_protocol *const *p;

	for (p = protocol_all(); *p; p++) {
		fprintf(out, "      %-6s %s\n", (*p)->name, (*p)->description);
	}
}

static void print_help(FILE *out, const struct cli_plugin *plugin,
                       const struct tls_protocol *protocol)
{
	fprintf(out, "%s %s — check the TLS certificate chain a live %s listener serves\n\n",
	        plugin->name, PACKAGE_VERSION, protocol ? protocol->name : "TLS");
	cli_print_usage(out, plugin);
	fputs("\nConnection:\n"
	      " -H, --hostname=HOST       name or address to connect to (required; IDN names ok)\n",
	      out);
	if (protocol)
		fprintf(out, " -p, --port=PORT           default %u%s\n", protocol->port,
		        protocol->implicit_port && protocol->upgrade
		                ? "; on the implicit-TLS port TLS starts at connect"
		                : "");
	else
		fputs(" -p, --port=PORT           default: the protocol's\n"
		      " -P, --protocol=NAME       what to speak before TLS (default tls):\n",
		      out);
	if (!protocol)
		print_protocols(out);
	fputs(" -4, -6                    use IPv4 / IPv6 addresses only\n"
	      "     --implicit-tls        start TLS at connect, not with the protocol's upgrade\n",
	      out);
	if (!protocol || protocol == &protocol_smtp)
		fputs("     --ehlo=NAME           smtp: name sent with EHLO (default: this host's "
		      "name)\n",
		      out);
	fputs("\nWhat is judged:\n"
	      " -S, --sni=NAME            server name sent (default: HOST unless an IP address)\n"
	      "     --no-sni              send no server name\n"
	      " -N, --verify-name=NAME    name the certificate must match (default: SNI, else "
	      "HOST)\n"
	      "     --no-verify-name      do not judge the name\n"
	      " -C, --ca-file=FILE        trust anchors, PEM; repeatable (default: system store)\n"
	      "     --ca-path=DIR         a directory of PEM trust anchors\n"
	      "     --no-verify-trust     do not judge trust (dates and name still judged)\n"
	      " -w, --warning=TIME        WARNING below this time left (default 14d)\n"
	      " -c, --critical=TIME       CRITICAL below this time left (default 7d)\n"
	      "                           TIME: N[s|m|h|d] (bare number: days) or N% of lifetime\n"
	      "     --at=TIME             judge as if now were TIME (2027-01-01T00:00Z, @EPOCH)\n"
	      "\nRun and output:\n"
	      " -t, --timeout=SEC[:STATE] deadline for the whole run (default 10:critical)\n"
	      "     --output=FORMAT       nagios (default), json, or days (number only, for "
	      "Zabbix;\n"
	      "                           " REPORT_DAYS_FAILED " when the probe failed)\n"
	      " -v, --verbose             one line per chain element and the TLS parameters\n"
	      " -h, --help                this text (exit 3)\n"
	      " -V, --version             the version (exit 3)\n"
	      "\nExit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n",
	      out);
}

static int parse_port(const char *text, unsigned *out, struct fault *f)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end || value < 1 || value > 65535) {
		fault_set(f, FAULT_USAGE, "invalid port '%s' (1 to 65535)", text);
		return -1;
	}
	*out = (unsigned)value;
	return 0;
}

static int parse_output(const char *text, enum report_format *out, struct fault *f)
{
	static const struct {
		const char *name;
		enum report_format format;
	} formats[] = {{"nagios", REPORT_NAGIOS}, {"json", REPORT_JSON}, {"days", REPORT_DAYS}};

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(text, formats[i].name) == 0) {
			*out = formats[i].format;
			return 0;
		}
	}
	fault_set(f, FAULT_USAGE, "invalid output '%s' (nagios, json or days)", text);
	return -1;
}

static int add_ca_file(struct check_config *cfg, const char *path, struct fault *f)
{
	if (cfg->store.ca_file_count == TRUST_MAX_CA_FILES) {
		fault_set(f, FAULT_USAGE, "at most %d --ca-file options", TRUST_MAX_CA_FILES);
		return -1;
	}
	cfg->store.ca_files[cfg->store.ca_file_count++] = path;
	return 0;
}

/* getopt_long() reports a problem through optopt: 0 for an unknown long option,
 * else the option's value, which for long-only options is not a character. The
 * word as typed (argv[optind - 1]) tells long from short. */
static void describe_bad_option(int argc, char **argv, struct fault *f)
{
	const char *arg = optind > 0 && optind - 1 < argc ? argv[optind - 1] : "";
	const char *equals = strchr(arg, '=');
	bool known_short = optopt > 0 && optopt < 256 && strchr(short_options, optopt);

	if (strncmp(arg, "--", 2) != 0)
		fault_set(f, FAULT_USAGE,
		          known_short ? "option '-%c' needs a value" : "unknown option '-%c'",
		          optopt > 0 && optopt < 256 && optopt >= ' ' ? optopt : '?');
	else if (optopt == 0)
		fault_set(f, FAULT_USAGE, "unknown option '%.*s'",
		          equals ? (int)(equals - arg) : (int)strlen(arg), arg);
	else if (equals)
		fault_set(f, FAULT_USAGE, "option '%.*s' takes no value", (int)(equals - arg), arg);
	else
		fault_set(f, FAULT_USAGE, "option '%s' needs a value", arg);
}

/* Collect the options as given; only trivial ones go straight into CFG. Returns
 * 1 to run, 0 after --help/--version, -1 on error. */
static int collect(const struct cli_plugin *plugin, int argc, char **argv, struct raw_args *raw,
                   struct check_config *cfg, int *help, struct fault *f)
{
	int c;

	opterr = 0; /* our own one-line messages, on stdout like the rest */
	optind = 0; /* full reinitialisation, so parsing can run more than once */
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		switch (c) {
		case 'H':
			cfg->host = optarg;
			break;
		case 'p':
			raw->port = optarg;
			break;
		case 'P':
			if (plugin->protocol) {
				fault_set(f, FAULT_USAGE, "-P is for check_tls; %s speaks %s",
				          plugin->name, plugin->protocol);
				return -1;
			}
			raw->protocol = optarg;
			break;
		case '4':
			cfg->family = AF_INET;
			break;
		case '6':
			cfg->family = AF_INET6;
			break;
		case 'S':
			raw->sni = optarg;
			break;
		case OPT_NO_SNI:
			raw->no_sni = true;
			break;
		case 'N':
			raw->verify_name = optarg;
			break;
		case OPT_NO_VERIFY_NAME:
			raw->no_verify_name = true;
			break;
		case 'C':
			if (add_ca_file(cfg, optarg, f) < 0)
				return -1;
			break;
		case OPT_CA_PATH:
			cfg->store.ca_path = optarg;
			break;
		case OPT_NO_VERIFY_TRUST:
			cfg->verify_trust = false;
			break;
		case 'w':
			raw->warning = optarg;
			break;
		case 'c':
			raw->critical = optarg;
			break;
		case 't':
			raw->timeout = optarg;
			break;
		case OPT_AT:
			raw->at = optarg;
			break;
		case OPT_OUTPUT:
			raw->output = optarg;
			break;
		case OPT_IMPLICIT_TLS:
			cfg->implicit_tls = true;
			break;
		case OPT_EHLO:
			cfg->protocol_options.ehlo_name = optarg;
			break;
		case 'v':
			cfg->verbosity++;
			break;
		case 'h':
		case 'V':
			*help = c;
			return 0;
		default:
			describe_bad_option(argc, argv, f);
			return -1;
		}
	}
	if (optind < argc) {
		fault_set(f, FAULT_USAGE, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 1;
}

static int choose_protocol(const struct cli_plugin *plugin, const struct raw_args *raw,
                           struct check_config *cfg, struct fault *f)
{
	const char *name = plugin->protocol ? plugin->protocol : raw->protocol;

	cfg->protocol = protocol_find(name ? name : "tls");
	if (!cfg->protocol) {
		fault_set(f, FAULT_USAGE, "unknown protocol '%s'", name);
		return -1;
	}
	if (cfg->protocol_options.ehlo_name && cfg->protocol != &protocol_smtp) {
		fault_set(f, FAULT_USAGE, "--ehlo applies to smtp only");
		return -1;
	}
	if (cfg->protocol->validate && cfg->protocol->validate(&cfg->protocol_options, f) < 0)
		return -1;
	if (cfg->implicit_tls && !cfg->protocol->upgrade) {
		fault_set(f, FAULT_USAGE, "--implicit-tls: %s always starts TLS at connect",
		          cfg->protocol->name);
		return -1;
	}
	return 0;
}

static int derive_names(const struct raw_args *raw, struct check_config *cfg, struct fault *f)
{
	if (!cfg->host) {
		fault_set(f, FAULT_USAGE, "missing -H HOST");
		return -1;
	}
	if (hostname_to_ascii(cfg->host, cfg->host_ascii, sizeof(cfg->host_ascii), f) < 0)
		return -1;
	if (raw->sni && raw->no_sni) {
		fault_set(f, FAULT_USAGE, "--sni and --no-sni contradict each other");
		return -1;
	}
	if (raw->verify_name && raw->no_verify_name) {
		fault_set(f, FAULT_USAGE,
		          "--verify-name and --no-verify-name contradict each other");
		return -1;
	}
	if (raw->sni) {
		/* SNI carries a host name only (RFC 6066 §3). */
		if (hostname_is_ip_literal(raw->sni)) {
			fault_set(f, FAULT_USAGE, "--sni takes a host name, not an address ('%s')",
			          raw->sni);
			return -1;
		}
		if (hostname_to_ascii(raw->sni, cfg->sni, sizeof(cfg->sni), f) < 0)
			return -1;
		cfg->sni_display = raw->sni;
	} else if (!raw->no_sni && !hostname_is_ip_literal(cfg->host_ascii)) {
		strcpy(cfg->sni, cfg->host_ascii);
		cfg->sni_display = cfg->host;
	}
	if (raw->no_verify_name)
		return 0;
	if (raw->verify_name) {
		cfg->verify_name_display = raw->verify_name;
		return hostname_to_ascii(raw->verify_name, cfg->verify_name,
		                         sizeof(cfg->verify_name), f);
	}
	if (cfg->sni[0]) {
		strcpy(cfg->verify_name, cfg->sni);
		cfg->verify_name_display = cfg->sni_display;
	} else {
		strcpy(cfg->verify_name, cfg->host_ascii);
		cfg->verify_name_display = cfg->host;
	}
	return 0;
}

static int derive_limits(const struct raw_args *raw, struct check_config *cfg, struct fault *f)
{
	if (raw->warning && threshold_parse_time(raw->warning, &cfg->warning, f) < 0)
		return -1;
	if (raw->critical && threshold_parse_time(raw->critical, &cfg->critical, f) < 0)
		return -1;
	if (threshold_check_order(&cfg->warning, &cfg->critical, f) < 0) {
		if (!raw->critical) /* the operator may not know -c has a default */
			fault_set(f, FAULT_USAGE, "-w %s is below the default -c 7d: give -c too",
			          raw->warning);
		return -1;
	}
	if (raw->timeout &&
	    threshold_parse_timeout(raw->timeout, &cfg->timeout, &cfg->timeout_state, f) < 0)
		return -1;
	if (raw->at && when_parse(raw->at, &cfg->now, f) < 0)
		return -1;
	if (raw->output && parse_output(raw->output, &cfg->output, f) < 0)
		return -1;
	if (raw->port)
		return parse_port(raw->port, &cfg->port, f);
	cfg->port = cfg->protocol->port;
	return 0;
}

static void set_defaults(struct check_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->family = AF_UNSPEC;
	cfg->verify_trust = true;
	cfg->warning.amount = 14 * 86400.0;
	cfg->critical.amount = 7 * 86400.0;
	cfg->timeout = 10;
	cfg->timeout_state = STATE_CRITICAL;
	cfg->now = time(NULL);
	cfg->output = REPORT_NAGIOS;
}

enum cli_outcome cli_parse(const struct cli_plugin *plugin, int argc, char **argv,
                           struct check_config *cfg, struct fault *f)
{
	struct raw_args raw = {0};
	int help = 0;
	int rc;

	set_defaults(cfg);
	fault_clear(f);
	rc = collect(plugin, argc, argv, &raw, cfg, &help, f);
	if (rc < 0)
		return CLI_BAD;
	if (choose_protocol(plugin, &raw, cfg, f) < 0)
		return CLI_BAD;
	if (rc == 0) {
		if (help == 'V')
			printf("%s (%s) %s\n", plugin->name, PACKAGE_NAME, PACKAGE_VERSION);
		else
			print_help(stdout, plugin, plugin->protocol ? cfg->protocol : NULL);
		return CLI_DONE;
	}
	if (derive_limits(&raw, cfg, f) < 0 || derive_names(&raw, cfg, f) < 0)
		return CLI_BAD;
	return CLI_RUN;
}
