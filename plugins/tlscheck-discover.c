/* tlscheck-discover — find the TLS listeners of hosts (or of this machine), the
 * certificate each serves and the store that validates it, and write the
 * monitoring configuration that checks them. */
#include <config.h>

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discover.h"
#include "emitquote.h"
#include "inventory.h"
#include "listening.h"
#include "workers.h"

#define NAME "tlscheck-discover"

enum exit_code { EXIT_RAN = 0, EXIT_BAD = 3 };

struct arguments {
	struct discover_options discover;
	struct inventory_options inventory;
	const char *files[8];
	size_t file_count;
	bool local;
};

static void usage(FILE *out)
{
	fputs("Usage: " NAME " [options] HOST[:PORTS]...\n"
	      "       " NAME " [options] -f FILE\n"
	      "       " NAME " [options] --local\n",
	      out);
}

static void help(void)
{
	usage(stdout);
	fputs("\nFinds which listeners of each HOST reach TLS, on which protocol, the certificate\n"
	      "each serves, the days it has left and the store that validates it, and prints\n"
	      "the plugin command line that checks it. Without ports: every port the plugins\n"
	      "know. Nothing is said to a listener before its greeting could have come.\n"
	      "PORTS: ports and ranges (22,25,8000-8100, 1-65535); HOST may be a block\n"
	      "(192.0.2.0/24, [2001:db8::/120]; at most a /16, a /112). At most 2097152\n"
	      "listeners a run; all are checked before any is probed.\n\n"
	      " -f, --file=FILE         more targets, one a line ('#' comments), or nmap's\n"
	      "                         grepable output (nmap -oG: its open TCP ports);\n"
	      "                         - for standard input\n"
	      "     --local             the TCP sockets listening on this machine\n"
	      " -C, --ca-file=FILE      a store to try, besides the system's (repeatable, up to "
	      "8)\n"
	      " -t, --timeout=SECONDS   for each listener (default 3)\n"
	      "     --max-time=SECONDS  for the whole run: what is not found out by then is\n"
	      "                         left out and counted (a discovery key's Timeout)\n"
	      " -j, --parallel=N        listeners found out at once (default and at most 32);\n"
	      "                         the ports of ranges and blocks are first connected\n"
	      "                         to, 2N at once, and only those that accept found out\n"
	      "     --json              one JSON object\n"
	      "     --emit=ENGINE       icinga2: Host and Service objects on the CheckCommands\n"
	      "                         of contrib/icinga2/tlscheck.conf; nagios: host and\n"
	      "                         service definitions on contrib/nagios/commands.cfg;\n"
	      "                         zabbix: hosts on the template of contrib/zabbix;\n"
	      "                         zabbix-lld: low-level discovery JSON ({#HOST},\n"
	      "                         {#PORT}, {#PROTOCOL}, {#PLUGIN}, {#NAME}, {#CAFILE},\n"
	      "                         {#TRUST}).\n"
	      "                         --local goes with zabbix-lld, not zabbix\n"
	      "                         Checked hourly; with --local one service for a\n"
	      "                         socket seen over IPv4 and IPv6\n"
	      "     --host-name=NAME    icinga2, nagios: the services go to this existing\n"
	      "                         host (no host written); default: a host for each\n"
	      "                         host discovered, or with --local this machine's\n"
	      "                         own (Icinga 2 NodeName, Nagios localhost);\n"
	      "                         zabbix-lld: {#NAME}, the name every listener's\n"
	      "                         certificate must match (the Zabbix host's DNS\n"
	      "                         name); empty or default: each certificate's own\n"
	      "     --endpoint=NAME     icinga2: command_endpoint = NAME (the agent or\n"
	      "                         satellite that runs the checks)\n"
	      " -v, --verbose           list closed ports too\n"
	      " -h, --help              this help (exit 0)\n"
	      " -V, --version           the version (exit 0)\n\n"
	      "Exit status: 0 when the listeners were found out (whatever was found), 3 for a\n"
	      "bad argument or an unusable file.\n",
	      stdout);
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A bad argument: one line saying what is wrong, then the usage. Returns -1. */
static int bad(const char *fmt, ...)
{
	va_list ap;

	printf(NAME ": ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	usage(stdout);
	return -1;
}

static int parse_number(const char *text, double low, double high, double *out)
{
	char *end;
	double n = strtod(text, &end);

	if (end == text || *end != '\0' || !(n >= low && n <= high))
		return -1;
	*out = n;
	return 0;
}

static int take_emit(const char *engine, struct arguments *a)
{
	static const char *const engines[] = {"icinga2", "nagios", "zabbix", "zabbix-lld"};
	static const enum inventory_format formats[] = {INVENTORY_ICINGA2, INVENTORY_NAGIOS,
	                                                INVENTORY_ZABBIX, INVENTORY_ZABBIX_LLD};

	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++) {
		if (strcmp(engine, engines[i]) == 0) {
			a->inventory.format = formats[i];
			return 0;
		}
	}
	return bad("--emit: '%.100s' is not icinga2, nagios, zabbix or zabbix-lld", engine);
}

/* One option; 1 to go on, 0 for --help/--version (done), -1 for a bad one. */
static int take_option(int c, const char *arg, struct arguments *a)
{
	double n;

	switch (c) {
	case 'f':
		if (a->file_count == 8)
			return bad("%s", "at most 8 files of targets");
		a->files[a->file_count++] = arg;
		return 1;
	case 'L':
		a->local = a->inventory.local = true;
		return 1;
	case 'C':
		if (a->discover.ca_file_count == TRUST_MAX_CA_FILES)
			return bad("%s", "at most 8 CA files");
		a->discover.ca_files[a->discover.ca_file_count++] = arg;
		return 1;
	case 't':
		if (parse_number(arg, 0.1, 300, &n) < 0)
			return bad("-t: '%.100s' is not a number of seconds from 0.1 to 300", arg);
		a->discover.timeout = n;
		return 1;
	case 'M':
		if (parse_number(arg, 1, 3600, &n) < 0)
			return bad("--max-time: '%.100s' is not a number of seconds from 1 to 3600",
			           arg);
		a->discover.max_time = n;
		return 1;
	case 'j':
		if (parse_number(arg, 1, WORKERS_MAX_THREADS, &n) < 0 || n != (size_t)n)
			return bad("-j: '%.100s' is not a whole number from 1 to 32", arg);
		a->discover.parallel = (size_t)n;
		return 1;
	case 'J':
		a->inventory.format = INVENTORY_JSON;
		return 1;
	case 'E':
		return take_emit(arg, a) < 0 ? -1 : 1;
	case 'N':
	case 'P':
		/* Empty: a Zabbix host without a DNS name ({HOST.DNS}); see parse(). */
		if (!emitquote_object_name(arg) && !(c == 'N' && arg[0] == '\0'))
			return bad("--%s: '%.100s' is not a name (letters, digits and ._-:, a "
			           "letter or digit first, at most %d)",
			           c == 'N' ? "host-name" : "endpoint", arg, EMITQUOTE_NAME_MAX);
		*(c == 'N' ? &a->inventory.host_name : &a->inventory.endpoint) = arg;
		return 1;
	case 'v':
		a->inventory.show_closed = a->discover.keep_closed = true;
		a->discover.verbosity++;
		return 1;
	case 'h':
		help();
		return 0;
	case 'V':
		printf(NAME " (tlscheck) %s\n", PACKAGE_VERSION);
		return 0;
	default:
		return bad("%s", "unknown option, or one without its value");
	}
}

static int parse(int argc, char **argv, struct arguments *a)
{
	static const struct option options[] = {
	        {"file", required_argument, NULL, 'f'},
	        {"local", no_argument, NULL, 'L'},
	        {"ca-file", required_argument, NULL, 'C'},
	        {"timeout", required_argument, NULL, 't'},
	        {"max-time", required_argument, NULL, 'M'},
	        {"parallel", required_argument, NULL, 'j'},
	        {"json", no_argument, NULL, 'J'},
	        {"emit", required_argument, NULL, 'E'},
	        {"host-name", required_argument, NULL, 'N'},
	        {"endpoint", required_argument, NULL, 'P'},
	        {"verbose", no_argument, NULL, 'v'},
	        {"help", no_argument, NULL, 'h'},
	        {"version", no_argument, NULL, 'V'},
	        {NULL, 0, NULL, 0},
	};
	int c, rc = 1;

	opterr = 0;
	while (rc == 1 && (c = getopt_long(argc, argv, "f:C:t:j:vhV", options, NULL)) != -1)
		rc = take_option(c, optarg, a);
	if (rc == 1 && a->discover.max_time > 0 && a->discover.max_time < a->discover.timeout)
		return bad("--max-time=%g is shorter than -t %g: no listener could be found out",
		           a->discover.max_time, a->discover.timeout);
	if (rc == 1 && optind == argc && a->file_count == 0 && !a->local)
		return bad("%s", "no target: give HOST[:PORTS], -f FILE or --local");
	if (rc == 1 && a->inventory.endpoint != NULL && a->inventory.format != INVENTORY_ICINGA2)
		return bad("%s", "--endpoint goes with --emit=icinga2");
	if (rc == 1 && a->inventory.host_name != NULL &&
	    a->inventory.format == INVENTORY_ZABBIX_LLD) {
		/* The name to verify; empty (no DNS name): the certificates' own. */
		if (a->inventory.host_name[0] != '\0')
			a->inventory.verify_name = a->inventory.host_name;
		a->inventory.host_name = NULL;
	}
	if (rc == 1 && a->inventory.host_name != NULL && a->inventory.format != INVENTORY_ICINGA2 &&
	    a->inventory.format != INVENTORY_NAGIOS)
		return bad("%s", "--host-name goes with --emit=icinga2, nagios or zabbix-lld");
	if (rc == 1 && a->inventory.host_name != NULL && a->inventory.host_name[0] == '\0')
		return bad("%s", "--host-name: empty (only --emit=zabbix-lld takes an empty one)");
	if (rc == 1 && a->local && a->inventory.format == INVENTORY_ZABBIX)
		return bad("%s", "--local goes with --emit=zabbix-lld (the agent template of "
		                 "contrib/zabbix), not --emit=zabbix");
	return rc;
}

/* Every target named, before any network work: a bad one is a bad argument. */
static int gather(struct discover_run *r, const struct arguments *a, int argc, char **argv)
{
	struct fault f;

	for (int i = optind; i < argc; i++) {
		if (discover_add_target(r, argv[i], &f) < 0)
			return bad("%s", f.text);
	}
	for (size_t i = 0; i < a->file_count; i++) {
		if (discover_add_file(r, a->files[i], &f) < 0)
			return bad("%s", f.text);
	}
	if (a->local && listening_add_local(r, &f) < 0)
		return bad("%s", f.text);
	return 0;
}

int main(int argc, char **argv)
{
	struct arguments a = {
	        .discover = {.timeout = 3, .parallel = WORKERS_MAX_THREADS},
	        .inventory = {.format = INVENTORY_TABLE},
	};
	struct discover_run run = {0};
	struct fault f;
	int rc, exit_code = EXIT_BAD;

	rc = parse(argc, argv, &a);
	if (rc <= 0)
		return rc == 0 ? EXIT_RAN : EXIT_BAD;
	a.inventory.colour = isatty(STDOUT_FILENO);
	discover_init(&run, &a.discover);
	if (gather(&run, &a, argc, argv) < 0)
		goto out;
	if (discover_run(&run, &f) < 0) {
		bad("%s", f.text);
		goto out;
	}
	inventory_write(stdout, &run, &a.inventory);
	/* Not with zabbix-lld: Zabbix takes standard error into the value, and a
	 * discovery's JSON must stay JSON. */
	if (run.unfinished > 0 && a.inventory.format != INVENTORY_ZABBIX_LLD)
		fprintf(stderr,
		        NAME ": %zu listener%s not found out within --max-time=%g: left out\n",
		        run.unfinished, run.unfinished == 1 ? "" : "s", a.discover.max_time);
	exit_code = EXIT_RAN;
out:
	discover_release(&run);
	return exit_code;
}
