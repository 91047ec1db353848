#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>

#include "cli.h"
#include "consistency.h"
#include "tlsa.h"
#include "verdict.h"
#include "when.h"

/* The rules' options one command line offers at most. */
#define CLI_MAX_RULE_OPTIONS 32

/* Long-only options start past the range of short option characters. */
enum {
	OPT_NO_SNI = 256,
	OPT_NO_VERIFY_NAME,
	OPT_CA_PATH,
	OPT_NO_VERIFY_TRUST,
	OPT_AT,
	OPT_OUTPUT,
	OPT_IMPLICIT_TLS,
	OPT_NO_SERVICE_CHECK,
	OPT_SNI_FILE,
	OPT_CLIENT_CERT,
	OPT_CLIENT_KEY,
	OPT_CLIENT_KEY_PASSWORD_FILE,
	OPT_CLIENT_P12,
	OPT_PERFDATA_THRESHOLDS,
	OPT_ALPN,
	OPT_DNS_SERVER,
	/* Then the rules' options, by their index in --help order (rule_options). */
	OPT_RULE_FIRST,
	/* Then the protocols' own options, one value each, in the order collected. */
	OPT_PROTOCOL_FIRST = OPT_RULE_FIRST + CLI_MAX_RULE_OPTIONS,
};

/* The shared options plus every protocol option a plugin accepts (check_tls: all
 * of them, each name once), and the end marker. */
#define CLI_MAX_LONG_OPTIONS 160
/* Protocol options given on one command line. */
#define CLI_MAX_PROTOCOL_VALUES 32

static const char short_options[] = "H:p:P:46AI:S:N:C:w:c:t:vhV";

/* The options of the command line itself, in two parts: the rules' options go
 * between them, by name, where they have always been, so that an ambiguous
 * prefix lists its options in the same order ("--address, --all-addresses,
 * --allow-mixed, --allow-sha1, --allow-weak-rsa, --at"). */
static const struct option shared_options[] = {
        {"hostname", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},
        {"protocol", required_argument, NULL, 'P'},
        {"address", required_argument, NULL, 'I'},
        {"all-addresses", no_argument, NULL, 'A'},
        {"sni", required_argument, NULL, 'S'},
        {"sni-file", required_argument, NULL, OPT_SNI_FILE},
        {"no-sni", no_argument, NULL, OPT_NO_SNI},
        /* "--no-s" meant --no-sni before --no-service-check came: an exact
         * match, which getopt_long takes before any prefix. */
        {"no-s", no_argument, NULL, OPT_NO_SNI},
        {"verify-name", required_argument, NULL, 'N'},
        {"no-verify-name", no_argument, NULL, OPT_NO_VERIFY_NAME},
        {"ca-file", required_argument, NULL, 'C'},
        {"ca-path", required_argument, NULL, OPT_CA_PATH},
        {"no-verify-trust", no_argument, NULL, OPT_NO_VERIFY_TRUST},
        {"warning", required_argument, NULL, 'w'},
        {"critical", required_argument, NULL, 'c'},
        {NULL, 0, NULL, 0},
};

static const struct option shared_options_after_rules[] = {
        {"alpn", required_argument, NULL, OPT_ALPN},
        {"dns-server", required_argument, NULL, OPT_DNS_SERVER},
        {"timeout", required_argument, NULL, 't'},
        {"at", required_argument, NULL, OPT_AT},
        {"output", required_argument, NULL, OPT_OUTPUT},
        {"perfdata-thresholds", required_argument, NULL, OPT_PERFDATA_THRESHOLDS},
        {"implicit-tls", no_argument, NULL, OPT_IMPLICIT_TLS},
        {"client-cert", required_argument, NULL, OPT_CLIENT_CERT},
        {"client-key", required_argument, NULL, OPT_CLIENT_KEY},
        {"client-key-password-file", required_argument, NULL, OPT_CLIENT_KEY_PASSWORD_FILE},
        {"client-p12", required_argument, NULL, OPT_CLIENT_P12},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
};

/* A protocol option as given, before the protocol is known. */
struct given_option {
	const char *name;  /* "ehlo" */
	const char *value; /* NULL for a flag */
};

/* The options the rules declare, each rule's in its table's order. */
static const struct settings_option *(*const rule_tables[])(void) = {
        verdict_options,
        consistency_options,
        tlsa_options,
};

/* Every rule's option, in --help order: option OPT_RULE_FIRST + I is ROWS[I]. */
struct rule_options {
	const struct settings_option *rows[CLI_MAX_RULE_OPTIONS];
	size_t count;
};

/* getopt_long's table for one plugin: the shared rows, then one row per protocol
 * option name (check_tls takes every protocol's, so that -P may come last). */
struct option_table {
	struct option rows[CLI_MAX_LONG_OPTIONS];
	size_t count;
	struct rule_options rules;
};

/* What the command line said, before names are converted and defaults derived. */
struct raw_args {
	const char *addresses[SETTINGS_MAX_ADDRESSES];
	size_t address_count;
	const char *port;
	const char *protocol;
	const char *snis[SETTINGS_MAX_NAMES];
	size_t sni_count;
	bool ipv4; /* -4 */
	bool ipv6; /* -6 */
	bool no_sni;
	bool no_service_check; /* --no-service-check, or an alias of it */
	const char *verify_name;
	bool no_verify_name;
	const char *warning;
	const char *critical;
	const char *timeout;
	const char *at;
	const char *output;
	struct given_option protocol_values[CLI_MAX_PROTOCOL_VALUES];
	size_t protocol_value_count;
	/* The last value of each rule option that is not repeatable, by its index
	 * in --help order; a flag's is "". */
	const char *rule_values[CLI_MAX_RULE_OPTIONS];
};

void cli_print_usage(FILE *out, const struct cli_plugin *plugin)
{
	fprintf(out,
	        "Usage: %s -H HOST [-p PORT]%s [-w TIME] [-c TIME] [-C CA_FILE]... [options]\n",
	        plugin->name, plugin->protocol ? "" : " [-P PROTOCOL]");
	fprintf(out, "Try '%s --help' for the options.\n", plugin->name);
}

/* "25 (465 implicit)", "389 (636, 3269 implicit)", "443 (implicit)", "5432" */
static void describe_ports(const struct tls_protocol *p, char *out, size_t size)
{
	if (p->upgrade == NULL)
		snprintf(out, size, "%u (implicit)", p->port);
	else if (p->second_implicit_port != 0)
		snprintf(out, size, "%u (%u, %u implicit)", p->port, p->implicit_port,
		         p->second_implicit_port);
	else if (p->implicit_port != 0)
		snprintf(out, size, "%u (%u implicit)", p->port, p->implicit_port);
	else
		snprintf(out, size, "%u", p->port);
}

static void print_protocols(FILE *out)
{
	char ports[64];

	for (const struct tls_protocol *const *p = protocol_all(); *p; p++) {
		describe_ports(*p, ports, sizeof(ports));
		fprintf(out, "      %-6s %-24s %s\n", (*p)->name, ports, (*p)->description);
	}
}

/* One help line per option of P, in the column of the shared ones; PREFIX names
 * the protocol when several protocols' options are listed together. */
static void print_protocol_options(FILE *out, const struct tls_protocol *p, bool prefix)
{
	char left[64];

	for (const struct protocol_option *o = p->options; o != NULL && o->name; o++) {
		snprintf(left, sizeof(left), "%s%s%s", o->name, o->value_name ? "=" : "",
		         o->value_name ? o->value_name : "");
		fprintf(out, "     --%-19s %s%s%s\n", left, prefix ? p->name : "",
		        prefix ? ": " : "", o->help);
	}
}

/* Collect every rule's option into R (a build with more than fit is caught by
 * the unit tests, which parse each). */
static void list_rule_options(struct rule_options *r)
{
	r->count = 0;
	for (size_t t = 0; t < sizeof(rule_tables) / sizeof(rule_tables[0]); t++) {
		for (const struct settings_option *o = rule_tables[t](); o->name != NULL; o++) {
			if (r->count < CLI_MAX_RULE_OPTIONS)
				r->rows[r->count++] = o;
		}
	}
}

/* The rules' options, in the column of the others; a help line of several
 * lines goes on at that column, as does one after an option too long for it. */
static void print_rule_options(FILE *out)
{
	struct rule_options rules;
	char left[64];

	list_rule_options(&rules);
	for (size_t i = 0; i < rules.count; i++) {
		const struct settings_option *o = rules.rows[i];

		snprintf(left, sizeof(left), "%s%s%s%s%s", o->name, o->optional_value ? "[" : "",
		         o->value_name ? "=" : "", o->value_name ? o->value_name : "",
		         o->optional_value ? "]" : "");
		/* Too long for its column: the help starts on the next line. */
		if (strlen(left) > 19)
			fprintf(out, "     --%s\n%27s", left, "");
		else
			fprintf(out, "     --%-19s ", left);
		for (const char *line = o->help; *line != '\0';) {
			size_t len = strcspn(line, "\n");

			fprintf(out, "%.*s\n", (int)len, line);
			line += len;
			if (*line == '\n' && *++line != '\0')
				fprintf(out, "%27s", "");
		}
	}
}

/* "kafka, ldap, mqtt, redis": the protocols whose after() --no-service-check
 * skips. */
static void service_checkers(char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (const struct tls_protocol *const *p = protocol_all(); *p && used < size; p++) {
		if ((*p)->service_check)
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "",
			                         (*p)->name);
	}
}

/* --no-service-check, for a plugin whose protocol confirms the service after
 * the handshake, or for check_tls with the protocols that do. */
static void print_service_check_help(FILE *out, const struct tls_protocol *protocol)
{
	char names[128];

	if (protocol && !protocol->service_check)
		return;
	fputs("     --no-service-check    do not ask the service behind TLS to confirm itself\n",
	      out);
	if (protocol)
		return;
	service_checkers(names, sizeof(names));
	fprintf(out, "                           (-P %s)\n", names);
}

static void print_connection_help(FILE *out, const struct tls_protocol *protocol)
{
	fputs("\nConnection:\n"
	      " -H, --hostname=HOST       name or address to connect to (required; IDN names ok)\n"
	      " -I, --address=ADDRESS     connect to ADDRESS (an IP, or a name resolved instead\n"
	      "                           of HOST); HOST stays the name sent and judged;\n"
	      "                           repeatable: every address is checked\n"
	      " -A, --all-addresses       check every address HOST resolves to\n",
	      out);
	if (protocol)
		fprintf(out, " -p, --port=PORT           default %u%s\n", protocol->port,
		        protocol->implicit_port && protocol->upgrade
		                ? "; on the implicit-TLS port TLS starts at connect"
		                : "");
	else
		fputs(" -p, --port=PORT           default: the protocol's\n"
		      " -P, --protocol=NAME       what to speak before TLS (default tls; -P help "
		      "lists\n"
		      "                           them with their ports):\n",
		      out);
	if (!protocol)
		print_protocols(out);
	fputs(" -4, -6                    use IPv4 / IPv6 addresses only\n"
	      "     --implicit-tls        start TLS at connect, not with the protocol's upgrade\n"
	      "     --alpn=PROTO[,PROTO]  ALPN protocols to offer, in order (h2 for gRPC, etcd,\n"
	      "                           the Kubernetes API), at connect and after STARTTLS;\n"
	      "                           replaces the protocol's own (up to 8)\n"
	      "     --dns-server=ADDR[@PORT]\n"
	      "                           the name server to ask for DNS records (MX, TLSA),\n"
	      "                           an IP address, port 53 by default; else those of\n"
	      "                           /etc/resolv.conf\n",
	      out);
	print_service_check_help(out, protocol);
	if (protocol) {
		print_protocol_options(out, protocol, false);
		return;
	}
	for (const struct tls_protocol *const *p = protocol_all(); *p; p++)
		print_protocol_options(out, *p, true);
}

static void print_help(FILE *out, const struct cli_plugin *plugin,
                       const struct tls_protocol *protocol)
{
	fprintf(out, "%s %s — check the TLS certificate chain a live %s listener serves\n\n",
	        plugin->name, PACKAGE_VERSION, protocol ? protocol->name : "TLS");
	cli_print_usage(out, plugin);
	print_connection_help(out, protocol);
	fputs("\nWhat is judged:\n"
	      " -S, --sni=NAME            server name sent (default: HOST unless an IP address);\n"
	      "                           repeatable: every name is sent to HOST and verified\n"
	      "     --sni-file=FILE       more names to send to HOST, one a line\n"
	      "     --no-sni              send no server name\n"
	      " -N, --verify-name=NAME    name the certificate must match (default: SNI, else "
	      "HOST)\n"
	      "     --no-verify-name      do not judge the name\n"
	      " -C, --ca-file=FILE        trust anchors, PEM or DER; repeatable (default: system\n"
	      "                           store)\n"
	      "     --ca-path=DIR         a directory of trust anchors, PEM or DER (up to 1024\n"
	      "                           files)\n"
	      "     --no-verify-trust     do not judge trust (dates and name still judged)\n",
	      out);
	print_rule_options(out);
	fputs("\nClient certificate (mutual TLS), sent when the server asks for one:\n"
	      "     --client-cert=FILE    our certificate, PEM (then any intermediates)\n"
	      "     --client-key=FILE     its private key, PEM or DER (encrypted PKCS#8 too)\n"
	      "     --client-p12=FILE     certificate and key in one PKCS#12 file instead\n"
	      "     --client-key-password-file=FILE\n"
	      "                           the key's or PKCS#12 file's password: FILE's first "
	      "line\n"
	      "                           (its expiry is judged by -w/-c like the server's)\n"
	      "\nThresholds:\n"
	      " -w, --warning=TIME        WARNING below this time left (default 14d)\n"
	      " -c, --critical=TIME       CRITICAL below this time left (default 7d)\n"
	      "                           TIME: N[s|m|h|d] (bare number: days) or N% of lifetime;\n"
	      "                           N: (the guidelines' range \"alert below N\") is the\n"
	      "                           same; other ranges (~:N, @N:M, N:M, :N) are refused\n"
	      "     --at=TIME             judge as if now were TIME (2027-01-01T00:00Z, @EPOCH)\n"
	      "\nRun and output:\n"
	      " -t, --timeout=SEC[:STATE] deadline for the whole run (default 10:critical)\n"
	      "     --output=FORMAT       nagios (default), json, or days (number only, for "
	      "Zabbix;\n"
	      "                           " REPORT_DAYS_FAILED " when the probe failed)\n"
	      "     --perfdata-thresholds=range|plain\n"
	      "                           thresholds in perfdata as ranges, days_left=..;14:;7:\n"
	      "                           (default), or plain numbers ..;14;7 (for Icinga 2's\n"
	      "                           metric writers, which drop ranges)\n"
	      " -v, --verbose             one line per chain element and finding; -vv adds the\n"
	      "                           TLS parameters and each step's time, -vvv the\n"
	      "                           dialogue before TLS\n"
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

enum report_format cli_output_asked(int argc, char **argv)
{
	enum report_format format = REPORT_NAGIOS;
	struct fault ignored;
	const char *value;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strncmp(argv[i], "--output=", 9) == 0)
			value = argv[i] + 9;
		else if (strcmp(argv[i], "--output") == 0 && i + 1 < argc)
			value = argv[++i];
		else
			continue;
		if (parse_output(value, &format, &ignored) < 0)
			format = REPORT_NAGIOS;
	}
	return format;
}

static int add_ca_file(struct settings *settings, const char *path, struct fault *f)
{
	if (settings->judge.store.ca_file_count == TRUST_MAX_CA_FILES) {
		fault_set(f, FAULT_USAGE, "at most %d --ca-file options", TRUST_MAX_CA_FILES);
		return -1;
	}
	settings->judge.store.ca_files[settings->judge.store.ca_file_count++] = path;
	return 0;
}

/* getopt_long() reports a problem through optopt: 0 for an unknown long option,
 * else the option's value, which for long-only options is not a character. The
 * word as typed tells long from short. */
static const char *offending_word(int argc, char **argv)
{
	const char *at = optind < argc ? argv[optind] : "";

	/* Inside a bundle of short options ("-xv") getopt has not moved past it. */
	if (optopt > 0 && optopt < 256 && at[0] == '-' && at[1] != '-' && at[1] != '\0' &&
	    strchr(at + 1, optopt) != NULL)
		return at;
	return optind > 0 && optind - 1 < argc ? argv[optind - 1] : "";
}

/* getopt_long() takes a prefix of one option for the option ("--ca-f" for
 * "--ca-file") but refuses a prefix of several with the same optopt 0 as an
 * unknown name. Fills F and returns true when the LEN characters of NAME start
 * more than one option of T: "ambiguous option '--ca' (--ca-file, --ca-path)". */
/* Whether row I of T only abbreviates another row of the same option ("no-s"). */
static bool is_abbreviation(const struct option_table *t, size_t i)
{
	size_t len = strlen(t->rows[i].name);

	for (size_t j = 0; j < t->count; j++) {
		if (j != i && t->rows[j].val == t->rows[i].val &&
		    strncmp(t->rows[j].name, t->rows[i].name, len) == 0)
			return true;
	}
	return false;
}

static bool describe_ambiguous(const struct option_table *t, const char *name, int len,
                               struct fault *f)
{
	char names[FAULT_TEXT_SIZE] = "";
	size_t used = 0;
	size_t matches = 0;

	for (size_t i = 0; i < t->count; i++) {
		if (strncmp(t->rows[i].name, name, (size_t)len) != 0 || is_abbreviation(t, i))
			continue;
		matches++;
		if (used < sizeof(names))
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s--%s",
			                         used > 0 ? ", " : "", t->rows[i].name);
	}
	if (matches < 2)
		return false;
	fault_set(f, FAULT_USAGE, "ambiguous option '--%.*s' (%s)", len, name, names);
	return true;
}

static void describe_bad_option(const struct option_table *t, int argc, char **argv,
                                struct fault *f)
{
	const char *arg = offending_word(argc, argv);
	const char *equals = strchr(arg, '=');
	bool known_short = optopt > 0 && optopt < 256 && strchr(short_options, optopt);
	int len = equals ? (int)(equals - arg) : (int)strlen(arg);

	if (strncmp(arg, "--", 2) != 0)
		fault_set(f, FAULT_USAGE,
		          known_short ? "option '-%c' needs a value" : "unknown option '-%c'",
		          optopt > 0 && optopt < 256 && optopt >= ' ' ? optopt : '?');
	else if (optopt == 0 && len > 2 && describe_ambiguous(t, arg + 2, len - 2, f))
		return;
	else if (optopt == 0)
		fault_set(f, FAULT_USAGE, "unknown option '%.*s'", len, arg);
	else if (equals)
		fault_set(f, FAULT_USAGE, "option '%.*s' takes no value", (int)(equals - arg), arg);
	else
		fault_set(f, FAULT_USAGE, "option '%s' needs a value", arg);
}

static bool table_has(const struct option_table *t, const char *name)
{
	for (size_t i = 0; i < t->count; i++) {
		if (strcmp(t->rows[i].name, name) == 0)
			return true;
	}
	return false;
}

static void table_add_protocol(struct option_table *t, const struct tls_protocol *p)
{
	for (const struct protocol_option *o = p->options; o != NULL && o->name; o++) {
		/* Room for the end marker stays; a table that small is a build error
		 * the unit tests catch (every option of every protocol is parsed). */
		if (table_has(t, o->name) || t->count + 1 >= CLI_MAX_LONG_OPTIONS)
			continue;
		t->rows[t->count] =
		        (struct option){o->name, o->value_name ? required_argument : no_argument,
		                        NULL, OPT_PROTOCOL_FIRST + (int)t->count};
		t->count++;
	}
}

static void table_add_shared(struct option_table *t, const struct option *rows)
{
	for (size_t i = 0; rows[i].name != NULL; i++)
		t->rows[t->count++] = rows[i];
}

/* The rules' options, by name: the I-th of them in --help order is option
 * OPT_RULE_FIRST + I. */
static void table_add_rules(struct option_table *t)
{
	const struct rule_options *r = &t->rules;
	size_t order[CLI_MAX_RULE_OPTIONS];

	for (size_t i = 0; i < r->count; i++) {
		size_t at = i;

		for (; at > 0 && strcmp(r->rows[order[at - 1]]->name, r->rows[i]->name) > 0; at--)
			order[at] = order[at - 1];
		order[at] = i;
	}
	for (size_t i = 0; i < r->count; i++) {
		const struct settings_option *o = r->rows[order[i]];

		int has_arg = o->optional_value ? optional_argument
		              : o->value_name   ? required_argument
		                                : no_argument;

		t->rows[t->count++] =
		        (struct option){o->name, has_arg, NULL, OPT_RULE_FIRST + (int)order[i]};
	}
}

/* The shared options with the rules' among them, then the options of the
 * plugin's protocol, or of every protocol for check_tls (the protocol is
 * chosen by -P, which may come last). */
static void build_table(const struct cli_plugin *plugin, struct option_table *t)
{
	memset(t, 0, sizeof(*t));
	list_rule_options(&t->rules);
	table_add_shared(t, shared_options);
	table_add_rules(t);
	table_add_shared(t, shared_options_after_rules);
	for (const struct tls_protocol *const *p = protocol_all(); *p; p++) {
		if ((plugin->protocol == NULL || strcmp(plugin->protocol, (*p)->name) == 0) &&
		    (*p)->service_check && !table_has(t, "no-service-check"))
			t->rows[t->count++] = (struct option){"no-service-check", no_argument, NULL,
			                                      OPT_NO_SERVICE_CHECK};
	}
	for (const struct tls_protocol *const *p = protocol_all(); *p; p++) {
		if (plugin->protocol == NULL || strcmp(plugin->protocol, (*p)->name) == 0)
			table_add_protocol(t, *p);
	}
}

static int keep_protocol_value(struct raw_args *raw, const char *name, const char *value,
                               struct fault *f)
{
	if (raw->protocol_value_count == CLI_MAX_PROTOCOL_VALUES) {
		fault_set(f, FAULT_USAGE, "at most %d protocol options", CLI_MAX_PROTOCOL_VALUES);
		return -1;
	}
	raw->protocol_values[raw->protocol_value_count++] = (struct given_option){name, value};
	return 0;
}

/* The options that only set a switch of SETTINGS. Returns whether C was one. */
static bool take_switch(int c, struct settings *settings)
{
	switch (c) {
	case 'A':
		settings->probe.all_addresses = true;
		return true;
	case OPT_NO_VERIFY_TRUST:
		settings->judge.verify_trust = false;
		return true;
	case OPT_IMPLICIT_TLS:
		settings->probe.implicit_tls = true;
		return true;
	case 'v':
		settings->verbosity++;
		return true;
	default:
		return false;
	}
}

/* The options whose text is kept for later; returns whether C was one. */
static bool take_text(int c, const char *arg, struct raw_args *raw, struct settings *settings)
{
	const char **slot;

	switch (c) {
	case 'H':
		slot = &settings->probe.host;
		break;
	case 'p':
		slot = &raw->port;
		break;
	case OPT_SNI_FILE:
		slot = &settings->probe.name_file;
		break;
	case 'N':
		slot = &raw->verify_name;
		break;
	case OPT_CA_PATH:
		slot = &settings->judge.store.ca_path;
		break;
	case 'w':
		slot = &raw->warning;
		break;
	case 'c':
		slot = &raw->critical;
		break;
	case 't':
		slot = &raw->timeout;
		break;
	case OPT_AT:
		slot = &raw->at;
		break;
	case OPT_OUTPUT:
		slot = &raw->output;
		break;
	case OPT_CLIENT_CERT:
		slot = &settings->judge.client.cert_file;
		break;
	case OPT_CLIENT_KEY:
		slot = &settings->judge.client.key_file;
		break;
	case OPT_CLIENT_KEY_PASSWORD_FILE:
		slot = &settings->judge.client.password_file;
		break;
	case OPT_CLIENT_P12:
		slot = &settings->judge.client.p12_file;
		break;
	default:
		return false;
	}
	*slot = arg;
	return true;
}

/* Keep one more value of a repeatable option (NAMES holds SETTINGS_MAX_ADDRESSES ==
 * SETTINGS_MAX_NAMES). Returns 1, or -1 past the bound. */
static int keep_repeated(const char **values, size_t *count, const char *option, const char *value,
                         struct fault *f)
{
	if (*count == SETTINGS_MAX_ADDRESSES) {
		fault_set(f, FAULT_USAGE, "%s may be given at most %d times", option,
		          SETTINGS_MAX_ADDRESSES);
		return -1;
	}
	values[(*count)++] = value;
	return 1;
}

/* An option a rule or a protocol declared: a repeatable rule option sets the
 * judging settings now (as each -C does), any other waits, its last value
 * counting, for the protocol to be chosen (as -w does). Returns 1, or -1. */
static int take_declared(int c, const struct option_table *t, struct raw_args *raw,
                         struct settings *settings, struct fault *f)
{
	if (c < OPT_PROTOCOL_FIRST && c - OPT_RULE_FIRST < (int)t->rules.count) {
		const struct settings_option *o = t->rules.rows[c - OPT_RULE_FIRST];

		if (o->repeatable)
			return o->set(&settings->judge, optarg, f) < 0 ? -1 : 1;
		raw->rule_values[c - OPT_RULE_FIRST] = optarg ? optarg : "";
		return 1;
	}
	if (c - OPT_PROTOCOL_FIRST < (int)t->count)
		return keep_protocol_value(raw, t->rows[c - OPT_PROTOCOL_FIRST].name, optarg, f) < 0
		               ? -1
		               : 1;
	fault_set(f, FAULT_INTERNAL, "option %d is not handled", c);
	return -1;
}

/* One option from getopt_long(). Returns 1 to go on, 0 after --help, --version
 * or -P help, -1 on error. */
static int take_option(int c, const struct cli_plugin *plugin, const struct option_table *t,
                       struct raw_args *raw, struct settings *settings, int *help, struct fault *f)
{
	if (take_switch(c, settings) || take_text(c, optarg, raw, settings))
		return 1;
	if (c >= OPT_RULE_FIRST)
		return take_declared(c, t, raw, settings, f);
	switch (c) {
	case 'P':
		if (plugin->protocol) {
			fault_set(f, FAULT_USAGE, "-P is for check_tls: %s speaks %s", plugin->name,
			          plugin->protocol);
			return -1;
		}
		raw->protocol = optarg;
		if (strcmp(optarg, "help") != 0)
			return 1;
		*help = 'P';
		return 0;
	case 'I':
		return keep_repeated(raw->addresses, &raw->address_count, "--address", optarg, f);
	case 'S':
		return keep_repeated(raw->snis, &raw->sni_count, "--sni", optarg, f);
	case '4':
		raw->ipv4 = true;
		return 1;
	case '6':
		raw->ipv6 = true;
		return 1;
	case OPT_NO_SNI:
		raw->no_sni = true;
		return 1;
	case OPT_NO_VERIFY_NAME:
		raw->no_verify_name = true;
		return 1;
	case OPT_NO_SERVICE_CHECK:
		raw->no_service_check = true;
		return 1;
	case 'C':
		return add_ca_file(settings, optarg, f) < 0 ? -1 : 1;
	case OPT_PERFDATA_THRESHOLDS:
		return settings_set_perfdata_thresholds(settings, optarg, f) < 0 ? -1 : 1;
	case OPT_ALPN:
		return settings_set_alpn(&settings->probe, optarg, f) < 0 ? -1 : 1;
	case OPT_DNS_SERVER:
		return dns_resolver_parse(&settings->probe.dns, optarg, f) < 0 ? -1 : 1;
	case 'h':
	case 'V':
		*help = c;
		return 0;
	default: /* every row of the table is handled above */
		fault_set(f, FAULT_INTERNAL, "option %d is not handled", c);
		return -1;
	}
}

/* Collect the options as given; only trivial ones go straight into SETTINGS. Returns
 * 1 to run, 0 after --help/--version/-P help, -1 on error. */
static int collect(const struct cli_plugin *plugin, int argc, char **argv, struct raw_args *raw,
                   struct settings *settings, int *help, struct fault *f)
{
	struct option_table table;
	int c, rc = 1;

	build_table(plugin, &table);
	opterr = 0; /* our own one-line messages, on stdout like the rest */
	optind = 0; /* full reinitialisation, so parsing can run more than once */
	while (rc == 1 && (c = getopt_long(argc, argv, short_options, table.rows, NULL)) != -1) {
		if (c == '?' || c == ':') {
			describe_bad_option(&table, argc, argv, f);
			return -1;
		}
		rc = take_option(c, plugin, &table, raw, settings, help, f);
	}
	if (rc == 1 && optind < argc) {
		fault_set(f, FAULT_USAGE, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return rc;
}

/* "smtp" or "smtp, lmtp": the protocols that declare option NAME. */
static void protocols_with(const char *name, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (const struct tls_protocol *const *p = protocol_all(); *p && used < size; p++) {
		if (protocol_option_index(*p, name) >= 0)
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "",
			                         (*p)->name);
	}
}

/* Hand each protocol option given to the chosen protocol, which must declare it. */
static int assign_protocol_values(const struct raw_args *raw, struct settings *settings,
                                  struct fault *f)
{
	char owners[128];

	for (size_t i = 0; i < raw->protocol_value_count; i++) {
		const struct given_option *g = &raw->protocol_values[i];
		int index = protocol_option_index(settings->probe.protocol, g->name);

		if (index < 0) {
			protocols_with(g->name, owners, sizeof(owners));
			fault_set(f, FAULT_USAGE, "--%s applies to %s only", g->name, owners);
			return -1;
		}
		settings->probe.protocol_args.values[index] = g->value ? g->value : "";
		if (settings->probe.protocol->options[index].service_check_alias)
			settings->probe.skip_service_check = true;
	}
	return 0;
}

/* --no-service-check: only a protocol with a request of its own after the
 * handshake has one to skip. */
static int take_service_check(const struct raw_args *raw, struct settings *settings,
                              struct fault *f)
{
	char names[128];

	if (!raw->no_service_check)
		return 0;
	if (!settings->probe.protocol->service_check) {
		service_checkers(names, sizeof(names));
		fault_set(f, FAULT_USAGE, "--no-service-check applies to %s only", names);
		return -1;
	}
	settings->probe.skip_service_check = true;
	return 0;
}

static int choose_protocol(const struct cli_plugin *plugin, const struct raw_args *raw,
                           struct settings *settings, struct fault *f)
{
	const char *name = plugin->protocol ? plugin->protocol : raw->protocol;

	settings->probe.protocol = name ? protocol_find(name) : protocol_default();
	if (!settings->probe.protocol) {
		fault_set(f, FAULT_USAGE, "unknown protocol '%s' (-P help lists them)", name);
		return -1;
	}
	if (assign_protocol_values(raw, settings, f) < 0 ||
	    take_service_check(raw, settings, f) < 0)
		return -1;
	if (settings->probe.protocol->validate &&
	    settings->probe.protocol->validate(&settings->probe.protocol_args, f) < 0)
		return -1;
	protocol_profile(settings->probe.protocol, &settings->probe.protocol_args,
	                 &settings->probe.profile);
	if (settings->probe.implicit_tls && settings->probe.profile.always_implicit) {
		fault_set(f, FAULT_USAGE, "--implicit-tls: %s always starts TLS at connect here",
		          settings->probe.protocol->name);
		return -1;
	}
	return 0;
}

/* "fe80::1%eth0": a link-local IPv6 address with its zone, as the resolver takes it. */
static bool is_scoped_ipv6(const char *text)
{
	const char *zone = strchr(text, '%');
	char bare[NET_ADDRESS_TEXT];
	size_t len;

	if (zone == NULL || zone[1] == '\0' || strlen(zone + 1) >= IF_NAMESIZE)
		return false;
	for (const char *z = zone + 1; *z; z++) {
		if (!isalnum((unsigned char)*z) && *z != '-' && *z != '_' && *z != '.')
			return false;
	}
	len = (size_t)(zone - text);
	if (len >= sizeof(bare))
		return false;
	memcpy(bare, text, len);
	bare[len] = '\0';
	return strchr(bare, ':') != NULL && hostname_is_ip_literal(bare);
}

static bool is_address_literal(const char *text)
{
	return hostname_is_ip_literal(text) || is_scoped_ipv6(text);
}

/* One -I: an IP literal (IPv6 with or without brackets, with or without a
 * zone), or a name to resolve instead of HOST (an engine's host address is
 * often one), into OUT (HOSTNAME_MAX bytes). */
static int derive_address(const char *given, char *out, struct fault *f)
{
	const char *text = given;
	size_t len = strlen(text);

	if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
		text++;
		len -= 2;
	}
	if (len < HOSTNAME_MAX) {
		memcpy(out, text, len);
		out[len] = '\0';
	}
	if (len >= HOSTNAME_MAX || !is_address_literal(out)) {
		if (hostname_to_ascii(given, out, HOSTNAME_MAX, f) < 0) {
			fault_set(f, FAULT_USAGE,
			          "--address: '%.100s' is neither an IP address nor a host name",
			          given);
			return -1;
		}
	}
	return 0;
}

/* A protocol option that makes HOST a mail domain (SMTP's --mx): the names and
 * addresses are then the domain's MX hosts. */
static int check_mail_domain(const struct raw_args *raw, const struct settings *settings,
                             struct fault *f)
{
	const struct protocol_profile *p = &settings->probe.profile;
	const char *option = p->mail_domain_option ? p->mail_domain_option : "";

	if (!p->mail_domain)
		return 0;
	if (raw->address_count > 0 || raw->sni_count > 0 || settings->probe.name_file != NULL ||
	    raw->verify_name != NULL) {
		fault_set(f, FAULT_USAGE,
		          "--%s: the names and addresses are the MX hosts', so "
		          "--address, --sni, --sni-file and --verify-name do not apply",
		          option);
		return -1;
	}
	if (hostname_is_ip_literal(settings->probe.host_ascii)) {
		fault_set(f, FAULT_USAGE, "--%s takes a mail domain, not an address ('%s')", option,
		          settings->probe.host);
		return -1;
	}
	return 0;
}

static int derive_addresses(const struct raw_args *raw, struct settings *settings, struct fault *f)
{
	if (check_mail_domain(raw, settings, f) < 0)
		return -1;
	if (settings->probe.all_addresses && raw->address_count > 0) {
		fault_set(f, FAULT_USAGE,
		          "--all-addresses and --address contradict each other: -A resolves HOST, "
		          "-I names the addresses");
		return -1;
	}
	for (size_t i = 0; i < raw->address_count; i++) {
		if (derive_address(raw->addresses[i], settings->probe.addresses[i], f) < 0)
			return -1;
	}
	settings->probe.address_count = raw->address_count;
	return 0;
}

/* OPTION's address TEXT (GIVEN as typed) must be of FAMILY when it is an IP
 * literal (a zone allowed); a name is of any family. Returns 0, or -1. */
static int check_family(const char *option, const char *given, const char *text, int family,
                        struct fault *f)
{
	bool ipv6 = strchr(text, ':') != NULL;

	if (family == AF_UNSPEC || !is_address_literal(text) || ipv6 == (family == AF_INET6))
		return 0;
	fault_set(f, FAULT_USAGE, "%s %s is an IPv%c address, not of the family -%c asks for",
	          option, given, ipv6 ? '6' : '4', ipv6 ? '4' : '6');
	return -1;
}

/* -4 or -6 into SETTINGS' family, refused when they contradict each other or an
 * address the check connects to: each -I, else HOST (--mx connects to the MX
 * hosts, and -I gives the address, so then HOST may be of any family). */
static int derive_family(const struct raw_args *raw, struct settings *settings, struct fault *f)
{
	if (raw->ipv4 && raw->ipv6) {
		fault_set(f, FAULT_USAGE, "-4 and -6 contradict each other");
		return -1;
	}
	settings->probe.family = raw->ipv4 ? AF_INET : raw->ipv6 ? AF_INET6 : AF_UNSPEC;
	for (size_t i = 0; i < settings->probe.address_count; i++) {
		if (check_family("--address", raw->addresses[i], settings->probe.addresses[i],
		                 settings->probe.family, f) < 0)
			return -1;
	}
	if (settings->probe.address_count > 0 || settings->probe.profile.mail_domain)
		return 0;
	return check_family("-H", settings->probe.host, settings->probe.host_ascii,
	                    settings->probe.family, f);
}

/* -S NAME: a host name, never an address (RFC 6066 section 3), into OUT. */
static int derive_sni(const char *given, char *out, struct fault *f)
{
	if (hostname_is_ip_literal(given)) {
		fault_set(f, FAULT_USAGE, "--sni takes a host name, not an address ('%s')", given);
		return -1;
	}
	return hostname_to_ascii(given, out, HOSTNAME_MAX, f);
}

/* Several names (-S more than once, or --sni-file): each is sent to HOST and
 * verified on its own, so one name to verify or none to send cannot apply. */
static int derive_several_names(const struct raw_args *raw, struct settings *settings,
                                struct fault *f)
{
	const char *source =
	        settings->probe.name_file ? "--sni-file" : "--sni given more than once";

	if (raw->no_sni || raw->verify_name) {
		fault_set(f, FAULT_USAGE,
		          "%s: each name is sent and verified, so %s does not apply", source,
		          raw->no_sni ? "--no-sni" : "--verify-name");
		return -1;
	}
	for (size_t i = 0; i < raw->sni_count; i++) {
		if (derive_sni(raw->snis[i], settings->probe.names[i].ascii, f) < 0)
			return -1;
		settings->probe.names[i].display = raw->snis[i];
	}
	settings->probe.name_count = raw->sni_count;
	/* Each name is verified as itself unless --no-verify-name. */
	if (!raw->no_verify_name)
		settings->probe.verify_name_display = settings->probe.host;
	return 0;
}

static int derive_names(const struct raw_args *raw, struct settings *settings, struct fault *f)
{
	if (!settings->probe.host) {
		fault_set(f, FAULT_USAGE, "missing -H HOST");
		return -1;
	}
	if (hostname_to_ascii(settings->probe.host, settings->probe.host_ascii,
	                      sizeof(settings->probe.host_ascii), f) < 0)
		return -1;
	if (raw->sni_count > 1 || settings->probe.name_file)
		return derive_several_names(raw, settings, f);
	if (raw->sni_count && raw->no_sni) {
		fault_set(f, FAULT_USAGE, "--sni and --no-sni contradict each other");
		return -1;
	}
	if (raw->verify_name && raw->no_verify_name) {
		fault_set(f, FAULT_USAGE,
		          "--verify-name and --no-verify-name contradict each other");
		return -1;
	}
	if (raw->sni_count) {
		if (derive_sni(raw->snis[0], settings->probe.sni, f) < 0)
			return -1;
		settings->probe.sni_display = raw->snis[0];
	} else if (!raw->no_sni && !hostname_is_ip_literal(settings->probe.host_ascii)) {
		strcpy(settings->probe.sni, settings->probe.host_ascii);
		settings->probe.sni_display = settings->probe.host;
	}
	if (raw->no_verify_name)
		return 0;
	if (raw->verify_name) {
		settings->probe.verify_name_display = raw->verify_name;
		return hostname_to_ascii(raw->verify_name, settings->probe.verify_name,
		                         sizeof(settings->probe.verify_name), f);
	}
	if (settings->probe.sni[0]) {
		strcpy(settings->probe.verify_name, settings->probe.sni);
		settings->probe.verify_name_display = settings->probe.sni_display;
	} else {
		strcpy(settings->probe.verify_name, settings->probe.host_ascii);
		settings->probe.verify_name_display = settings->probe.host;
	}
	return 0;
}

/* The rule options kept while parsing, in --help order: after --help and -P, so
 * that a bad value never hides them. */
static int derive_rule_options(const struct raw_args *raw, struct settings *settings,
                               struct fault *f)
{
	struct rule_options rules;

	list_rule_options(&rules);
	for (size_t i = 0; i < rules.count; i++) {
		const char *value = raw->rule_values[i];

		if (value == NULL)
			continue;
		/* An optional value left out was kept as "". */
		if (rules.rows[i]->optional_value && value[0] == '\0')
			value = NULL;
		if (rules.rows[i]->set(&settings->judge, rules.rows[i]->value_name ? value : NULL,
		                       f) < 0)
			return -1;
	}
	return 0;
}

static int derive_limits(const struct raw_args *raw, struct settings *settings, struct fault *f)
{
	if (raw->warning && threshold_parse_time(raw->warning, &settings->judge.warning, f) < 0)
		return -1;
	if (raw->critical && threshold_parse_time(raw->critical, &settings->judge.critical, f) < 0)
		return -1;
	if (threshold_check_order(&settings->judge.warning, &settings->judge.critical, f) < 0) {
		if (!raw->critical) /* the operator may not know -c has a default */
			fault_set(f, FAULT_USAGE, "-w %s is below the default -c 7d: give -c too",
			          raw->warning);
		return -1;
	}
	if (raw->timeout && threshold_parse_timeout(raw->timeout, &settings->timeout,
	                                            &settings->judge.timeout_state, f) < 0)
		return -1;
	if (raw->at && when_parse(raw->at, &settings->judge.now, f) < 0)
		return -1;
	if (raw->output && parse_output(raw->output, &settings->output, f) < 0)
		return -1;
	if (derive_rule_options(raw, settings, f) < 0)
		return -1;
	if (raw->port)
		return parse_port(raw->port, &settings->probe.port, f);
	settings->probe.port = settings->probe.profile.port;
	return 0;
}

enum cli_outcome cli_parse(const struct cli_plugin *plugin, int argc, char **argv,
                           struct settings *settings, struct fault *f)
{
	struct raw_args raw = {0};
	int help = 0;
	int rc;

	settings_defaults(settings);
	fault_clear(f);
	rc = collect(plugin, argc, argv, &raw, settings, &help, f);
	if (rc < 0)
		return CLI_BAD;
	if (help == 'P') {
		printf("%s -P NAME: the protocols, their default ports and what they speak\n",
		       plugin->name);
		print_protocols(stdout);
		return CLI_DONE;
	}
	if (choose_protocol(plugin, &raw, settings, f) < 0)
		return CLI_BAD;
	if (rc == 0) {
		if (help == 'V')
			printf("%s (%s) %s\n", plugin->name, PACKAGE_NAME, PACKAGE_VERSION);
		else
			print_help(stdout, plugin,
			           plugin->protocol ? settings->probe.protocol : NULL);
		return CLI_DONE;
	}
	if (derive_limits(&raw, settings, f) < 0 || derive_names(&raw, settings, f) < 0 ||
	    derive_addresses(&raw, settings, f) < 0 || derive_family(&raw, settings, f) < 0 ||
	    credentials_validate(&settings->judge.client, f) < 0)
		return CLI_BAD;
	return CLI_RUN;
}
