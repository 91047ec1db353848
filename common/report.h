/* report — the only code that writes a check's result to stdout.
 *
 * One target:
 * nagios: "TLS STATE - HOST:PORT PROTO: finding, finding, TLS version | perfdata",
 *         then with -v one line per chain element and one of TLS parameters.
 *         Perfdata: days_left (and client_days_left) with the thresholds as
 *         ranges, "days_left=199.99;14:;7:;0;", or plain, "...;14;7;0;".
 * json:   one object (host, port, protocol, address, state, summary (the text of
 *         the status line), days_left, trusted and name_matches (true, false,
 *         or null when not judged), findings (state, rule, text), chain, tls).
 * days:   the days left on the earliest-expiring element only, or
 *         REPORT_DAYS_FAILED when there was no chain; always exit 0.
 *
 * Several targets: the worst state wins.
 * nagios: "TLS STATE - HOST:PORT PROTO: 3 of 4 addresses OK, LABEL: its
 *         summary | 'LABEL days_left'=... days_left=...", the target shown being
 *         the worst (the earliest to expire among equals), next to the findings
 *         about the targets together; -v adds a block per target.
 * json:   the run's state, summary, days_left (the minimum), trusted and
 *         name_matches (false when a target says false, true when all say
 *         true, else null), the findings together, and targets[]: one object
 *         per target as above.
 * days:   the minimum over the targets, or REPORT_DAYS_FAILED if any failed.
 * Numbers use '.' whatever the locale (never call setlocale(LC_NUMERIC)).
 */
#ifndef TLSCHECK_COMMON_REPORT_H
#define TLSCHECK_COMMON_REPORT_H

#include <stdio.h>
#include <time.h>

#include "cert.h"
#include "facts.h"
#include "net.h"
#include "state.h"
#include "verdict.h"

#define REPORT_DAYS_FAILED "-65535"

enum report_format { REPORT_NAGIOS, REPORT_JSON, REPORT_DAYS };

/* How perfdata writes the thresholds of -w/-c, in days. */
enum report_thresholds {
	/* The Monitoring Plugins guidelines' ranges: "alert below 14" is "14:", so
	 * Icinga Web and graphers draw a healthy certificate as healthy. */
	REPORT_THRESHOLDS_RANGE,
	/* Bare numbers ("14"): for Icinga 2's metric writers, which drop ranges. */
	REPORT_THRESHOLDS_PLAIN,
};

/* What each -v adds to the long output: the chain and every finding; then the
 * TLS parameters and the time of each step; then the dialogue before TLS. */
enum report_verbosity {
	REPORT_VERBOSE_CHAIN = 1,
	REPORT_VERBOSE_STEPS = 2,
	REPORT_VERBOSE_DIALOGUE = 3,
};

/* One target of the run: an address, and the name judged there. */
struct report_target {
	const char *label;              /* "192.0.2.4", "other.example@192.0.2.4" */
	const char *name;               /* the name judged, as given; NULL: none */
	const char *address;            /* the address connected to or tried; NULL if none */
	const struct verdict *verdict;  /* sorted; its expiry gives the days left */
	const struct cert_chain *chain; /* may be empty */
	struct facts_tls tls;           /* the version ends the status line */
	const struct facts_step *steps; /* -vv: how long each step took */
	size_t step_count;
	const struct net_transcript *dialogue; /* -vvv: before TLS; NULL: none */
	const struct tlsa_facts *dane;         /* --dane: the TLSA records; NULL: none */
};

struct report_data {
	const char *host; /* as the operator gave it */
	unsigned port;
	const char *protocol; /* "smtp" */
	const struct report_target *targets;
	size_t target_count; /* at least one */
	const char *unit;    /* what the targets are, for the count: "addresses" */
	/* Findings about the targets together (certificates in rotation); NULL or
	 * empty when there are none. */
	const struct verdict *together;
	double elapsed; /* seconds, whole run */
	time_t now;
	int verbosity;
	enum report_thresholds thresholds;
};

/* Write the report in FORMAT to OUT. Returns the exit code: the worst state for
 * nagios and json, 0 for days. */
int report_emit(FILE *out, enum report_format format, const struct report_data *d);

/* A check that could not run (a bad argument, a named file that cannot be
 * used): "PLUGIN: TEXT" on one line, control characters shown as '?'; with
 * json, one object (plugin, state UNKNOWN, exit_code 3, summary, days_left,
 * trusted and name_matches null, findings with one finding of rule "usage"),
 * so that a consumer reading those fields still parses it. */
void report_refusal(FILE *out, enum report_format format, const char *plugin, const char *text);

/* TEXT as a JSON string (null for NULL): escaped, invalid UTF-8 replaced, so the
 * output always parses. For other writers of JSON. */
void report_json_string(FILE *out, const char *text);

/* T as a JSON string in ISO 8601, UTC ("2027-01-01T10:00:00Z"; null when it
 * cannot be broken down), as the certificates' dates of --output=json. */
void report_json_time(FILE *out, time_t t);

/* Perfdata value formatting shared by the report: "9.17", "14", "7.5". Exposed for
 * the unit tests. */
void report_format_number(double value, char *out, size_t size);

#endif
