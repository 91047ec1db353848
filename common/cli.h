/* cli — the shared command line: one getopt_long table, validation, --help.
 *
 * Every plugin takes the options of DESIGN.md; a protocol's own options are
 * declared in its table entry (protocol.h) and accepted by the plugin of that
 * protocol and by check_tls, which reaches every protocol with -P. Nothing here
 * names a protocol. Parsing does no network or file work, so a bad argument
 * costs nothing; the files it names are read by their modules (trust_load()).
 */
#ifndef TLSCHECK_COMMON_CLI_H
#define TLSCHECK_COMMON_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "credentials.h"
#include "fault.h"
#include "hostname.h"
#include "net.h"
#include "ocsp.h"
#include "protocol.h"
#include "facts.h"
#include "report.h"
#include "state.h"
#include "threshold.h"
#include "trust.h"

struct cli_plugin {
	const char *name;     /* "check_tls_smtp" */
	const char *protocol; /* "smtp"; NULL for check_tls, where -P chooses */
};

/* --fingerprint pins one run holds. */
#define CLI_MAX_PINS 8
/* -I addresses and -S names one command line may give: the bound of a run's
 * targets (DESIGN: at most 64 probes per run). */
#define CLI_MAX_ADDRESSES 64
#define CLI_MAX_NAMES     64

/* A name given on the command line, converted. */
struct cli_name {
	char ascii[HOSTNAME_MAX]; /* A-labels, lowercase */
	const char *display;      /* as given */
};

struct check_config {
	const struct tls_protocol *protocol;
	struct protocol_args protocol_args; /* the protocol's own options */
	struct protocol_profile profile;    /* ports and ALPN, as the options make them */
	const char *host;                   /* as given */
	char host_ascii[HOSTNAME_MAX];      /* A-labels, lowercase */
	/* -I, repeatable: IPs without brackets, or ASCII names; none: HOST */
	char addresses[CLI_MAX_ADDRESSES][HOSTNAME_MAX];
	size_t address_count;
	bool all_addresses; /* -A: every address of HOST */
	unsigned port;
	int family;                           /* AF_UNSPEC, AF_INET, AF_INET6 */
	bool implicit_tls;                    /* --implicit-tls */
	const char *sni_display;              /* SNI as given; NULL = none */
	char sni[HOSTNAME_MAX];               /* ASCII; empty = none (or several names, below) */
	struct cli_name names[CLI_MAX_NAMES]; /* -S given more than once: each a target at HOST */
	size_t name_count;                    /* 0 unless -S was given more than once */
	const char *name_file;                /* --sni-file: more names, one a line */
	bool allow_mixed;                     /* --allow-mixed */
	const char *verify_name_display;      /* name as given; NULL = --no-verify-name */
	char verify_name[HOSTNAME_MAX];       /* ASCII; empty = do not verify */
	bool verify_trust;
	bool allow_sha1;     /* --allow-sha1 */
	bool allow_weak_rsa; /* --allow-weak-rsa */
	struct trust_store store;
	enum ocsp_mode ocsp; /* --ocsp */
	struct threshold_time warning;
	struct threshold_time critical;
	double timeout;
	enum plugin_state timeout_state;
	time_t now;                              /* --at, else the clock at start */
	const char *cert_file;                   /* --cert-file; NULL: none */
	struct credentials_files client;         /* --client-cert, --client-key, ... */
	char pins[CLI_MAX_PINS][FACTS_PIN_SIZE]; /* --fingerprint, lowercase hex */
	size_t pin_count;
	int min_tls; /* --min-tls: 10 to 13 for TLS 1.0 to 1.3; 0: none */
	enum report_format output;
	int verbosity;
};

enum cli_outcome {
	CLI_RUN,  /* CFG is complete: run the check */
	CLI_DONE, /* --help or --version was printed: exit 3 */
	CLI_BAD,  /* F says what is wrong (FAULT_USAGE/FAULT_INTERNAL): exit 3 */
};

/* Parse and validate ARGV into CFG. */
enum cli_outcome cli_parse(const struct cli_plugin *plugin, int argc, char **argv,
                           struct check_config *cfg, struct fault *f);

/* The format --output asks for in ARGV (the last one given), whether or not the
 * rest of ARGV parses: a bad argument is reported in it. REPORT_NAGIOS when none
 * or an unknown one is given. */
enum report_format cli_output_asked(int argc, char **argv);

/* The short usage, printed after the one-line error for a bad argument. */
void cli_print_usage(FILE *out, const struct cli_plugin *plugin);

#endif
