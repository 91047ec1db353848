/* cli — the shared command line: one getopt_long table, validation, --help.
 *
 * Every plugin takes the options of DESIGN.md; a protocol's own options are
 * declared in its table entry (protocol.h) and accepted by the plugin of that
 * protocol and by check_tls, which reaches every protocol with -P. Nothing here
 * names a protocol. It fills a settings value (settings.h), the engine's one
 * input: only the plugins' main (plugin.c) and cli itself include this header.
 * Parsing does no network or file work, so a bad argument costs nothing; the
 * files it names are read by their modules (trust_load()).
 */
#ifndef TLSCHECK_COMMON_CLI_H
#define TLSCHECK_COMMON_CLI_H

#include <stdio.h>

#include "fault.h"
#include "report.h"
#include "settings.h"

struct cli_plugin {
	const char *name;     /* "check_tls_smtp" */
	const char *protocol; /* "smtp"; NULL for check_tls, where -P chooses */
};

enum cli_outcome {
	CLI_RUN,  /* the settings are complete: run the check */
	CLI_DONE, /* --help or --version was printed: exit 3 */
	CLI_BAD,  /* F says what is wrong (FAULT_USAGE/FAULT_INTERNAL): exit 3 */
};

/* Parse and validate ARGV into SETTINGS (settings_defaults() first, then what
 * ARGV says). */
enum cli_outcome cli_parse(const struct cli_plugin *plugin, int argc, char **argv,
                           struct settings *settings, struct fault *f);

/* The format --output asks for in ARGV (the last one given), whether or not the
 * rest of ARGV parses: a bad argument is reported in it. REPORT_NAGIOS when none
 * or an unknown one is given. */
enum report_format cli_output_asked(int argc, char **argv);

/* The short usage, printed after the one-line error for a bad argument. */
void cli_print_usage(FILE *out, const struct cli_plugin *plugin);

#endif
