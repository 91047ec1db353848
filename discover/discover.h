/* discover — which listeners of a host reach TLS, on which protocol, with which
 * certificate, valid against which store.
 *
 * Each listener (a host and a port) is found out cheaply and politely, under its
 * own deadline: the protocol the port is known for first; then, without a word
 * said, the greeting of a protocol where the server speaks first (a server that
 * greets late, such as Postfix's postscreen, drops clients that talk before it);
 * then TLS at connect; then the upgrades of the protocols where the client speaks
 * first. Every attempt is a probe of the plugins' own (target_probe()), and the
 * chain of the one that reached TLS is judged as the plugin that checks it would
 * judge it (target_judge()), against the first store that validates it.
 * Listeners are probed side by side on the bounded pool of workers.
 */
#ifndef TLSCHECK_DISCOVER_DISCOVER_H
#define TLSCHECK_DISCOVER_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include <arpa/inet.h>

#include "fault.h"
#include "hostname.h"
#include "protocol.h"
#include "settings.h"
#include "state.h"
#include "target.h"
#include "trust.h"

/* Listeners one run plans at most (hosts x ports, as listed): the whole port
 * range of 32 hosts, or 32 ports of a /16. What keeps memory to the parallel
 * probes is the window below; this bound keeps a run's time and output sane. */
#define DISCOVER_MAX_LISTENERS ((size_t)1 << 21)
/* The largest address block one target may name: a /16 of IPv4, a /112 of IPv6
 * (65,536 addresses). */
#define DISCOVER_MIN_PREFIX_V4 16
#define DISCOVER_MIN_PREFIX_V6 112
/* A file of targets (or standard input) holds at most this. */
#define DISCOVER_FILE_MAX ((size_t)16 << 20)
/* Connection attempts in flight at most, for each listener found out at once
 * (-j): 64 by default. Every port of a range or a block is first connected to
 * (and the connection closed at once, as nmap -sT does) in one poll loop, a
 * thread for none; those that accept are then found out, -j at once, with the
 * ports listed one by one. 64 attempts at a time stay well within one host's
 * listen backlog and its SYN-flood guard. */
#define DISCOVER_KNOCKS_PER_WORKER 2
#define DISCOVER_PROCESS_SIZE      64
#define DISCOVER_COMMAND_SIZE      1024

/* What a listener turned out to be. */
enum discover_outcome {
	DISCOVER_CLOSED, /* refused, unreachable, or the deadline passed before it answered */
	DISCOVER_NO_TLS, /* it answers, and none of the ways to TLS led there */
	DISCOVER_TLS,    /* TLS reached: a chain was served */
};

/* What is kept of the probe that reached TLS once its connection, chain and
 * findings are gone: the leaf, and the findings of its judgement, worst first. */
struct discover_kept {
	struct {
		const struct cert_info *items; /* the leaf alone */
		size_t count;
	} chain;
	struct {
		const struct finding *items;
		size_t count;
	} verdict;
};

struct discover_tls; /* discover.c: what a TLS listener's pointers point into */

/* A listener found out: only what the output reads. A closed port keeps its
 * place and what refused it (a few hundred bytes); the probes' state is the
 * worker's, gone before the next listener. The strings are never NULL ("" for
 * none) and belong to the run. */
struct discover_listener {
	/* Where: the host as given (as nmap named it), its ASCII form, the port. */
	const char *host;
	const char *host_ascii;
	unsigned port;
	size_t order;        /* in the order listed */
	const char *process; /* --local: the owner, when readable; else "" */

	enum discover_outcome outcome;
	const struct tls_protocol *protocol; /* NULL: not recognised */
	/* TLS at connect on a port where PROTOCOL's check would upgrade (IMAPS on
	 * 10993): its check needs --implicit-tls. */
	bool implicit_tls;
	const char *detail; /* what was seen: why no TLS, or the greeting */

	/* With TLS: what the probe that reached it saw, the store that validates
	 * its chain, and the plugin command line that checks it, with its judgement. */
	struct discover_kept target;
	const char *ca_file;    /* the -C file that validates; NULL: none */
	bool system_trusted;    /* the system store validates it */
	const char *check_name; /* -H: HOST, or the leaf's name for an IP */
	bool check_address;     /* -I HOST too (HOST is an IP, -H the leaf's name) */
	/* HOST is an IP and the leaf names hosts, but none of them is a valid host
	 * name by -H's own rules: why (printable ASCII), else "". Such a listener
	 * is judged without a name and written into no engine's configuration. */
	const char *name_refused;
	/* TLSA records of _PORT._tcp.CHECK_NAME in a validated (secure) answer:
	 * the command then carries --dane. */
	size_t tlsa_records;
	const char *command; /* as a shell would read it */
	enum plugin_state state;
	bool days_known;
	double days_left;
	struct discover_tls *tls; /* owns the above; NULL without TLS */
};

struct discover_options {
	const char *ca_files[TRUST_MAX_CA_FILES]; /* -C, in order */
	size_t ca_file_count;
	double timeout; /* seconds per listener */
	/* --max-time: seconds for the whole run, 0 for no bound. What is not found
	 * out by then is left out, and counted (unfinished). */
	double max_time;
	size_t parallel;
	int verbosity;
	/* Keep closed listeners too (-v shows them); otherwise they are counted
	 * and forgotten. */
	bool keep_closed;
};

struct discover_spec; /* discover.c: one target as listed, expanded when probed */
struct discover_text; /* discover.c: the run's strings */

/* A run: what to probe, as listed; the listeners found out; and what every
 * probe and judgement of them shares. */
struct discover_run {
	struct discover_options options;
	struct discover_spec *specs; /* the targets as listed, checked, not expanded */
	size_t spec_count;
	size_t planned;  /* listeners the specs expand to */
	bool plan_ready; /* duplicates merged, each spec's first listener known */
	struct discover_listener *listeners; /* those found out and kept */
	size_t count;
	size_t closed;         /* found closed (kept or not) */
	size_t unfinished;     /* not found out within --max-time: left out */
	struct deadline until; /* --max-time's, started by discover_run() */
	struct discover_text *text;
	struct trust_anchors *anchors[TRUST_MAX_CA_FILES]; /* of each -C file */
	struct trust_anchors *system;                      /* loaded when first needed */
	struct fault system_failure;
};

/* Where one planned listener is, as discover_planned_at() tells it. */
struct discover_place {
	const char *host;       /* as listed; a block's address as text */
	const char *host_ascii; /* its ASCII form */
	const char *connect_to; /* the address connected to (nmap's), else HOST_ASCII */
	unsigned port;
	const char *process;            /* "" for none */
	bool knock;                     /* of a range or a block: connected to first, alone */
	char address[INET6_ADDRSTRLEN]; /* a block's address, pointed to above */
};

/* Start R with OPTIONS; no listener yet. */
void discover_init(struct discover_run *r, const struct discover_options *options);

/* Add the listeners of TARGET: "HOST", "HOST:PORTS" or "[IPV6]:PORTS" (an IPv6
 * literal without ports may go bare), where PORTS is a list of ports and ranges
 * (22,25,8000-8100, 1-65535) and HOST may be an address block (192.0.2.0/24,
 * [2001:db8::/120]) no larger than the bound: every port of the protocol table
 * when none is given. Nothing is expanded or probed here. Returns 0, or -1 with
 * FAULT_USAGE ("'x:0' is not a valid port", "'9-1' is a reversed port range",
 * "'b..x' is not a valid host name: ...", "'10.0.0.0/8' is larger than a /16",
 * "more than 2097152 listeners"). */
int discover_add_target(struct discover_run *r, const char *target, struct fault *f);

/* Add the targets of FILE ("-": standard input, read up to the bound), one a
 * line (blank lines and '#' comments skipped), or nmap's grepable output
 * (-oG): each "Host: ADDRESS (NAME)\tPorts: ..." line adds its open TCP ports,
 * on the host nmap named (NAME, else ADDRESS), connected to at ADDRESS. Every
 * line is checked before anything is probed. Returns 0, or -1 with F naming
 * the file and line. */
int discover_add_file(struct discover_run *r, const char *path, struct fault *f);

/* Add what one LINE of such a file says (cut up in place): a target, nmap's
 * Host line, or nothing (blank, a comment). Returns 0, or -1 with F. */
int discover_add_line(struct discover_run *r, char *line, struct fault *f);

/* Add one listener on HOST (an IP literal) and PORT, owned by PROCESS (may be
 * NULL), unless it is listed already. Returns 0, or -1 with FAULT_USAGE past the
 * bound. */
int discover_add_listener(struct discover_run *r, const char *host, unsigned port,
                          const char *process, struct fault *f);

/* How many listeners R plans, each once (merging what is listed twice), and
 * where the INDEXth of them is. Returns 0, or -1 with FAULT_INTERNAL (out of
 * memory) or INDEX past the plan. */
int discover_plan(struct discover_run *r, size_t *count, struct fault *f);
int discover_planned_at(const struct discover_run *r, size_t index, struct discover_place *out);

/* Find out every listener planned, at most OPTIONS.parallel at once, each
 * expanded from its spec when its turn comes; judge each chain as it is seen,
 * loading each store once (the -C files before any probe, then the system store
 * when a chain first needs it), and keep what the output reads.
 * Returns 0, or -1 with FAULT_INTERNAL (out of memory, a CA file that cannot be
 * used). */
int discover_run(struct discover_run *r, struct fault *f);

/* Does P have a plugin of its own (check_tls_smtp), or is it checked with
 * check_tls -P? The Icinga 2 CheckCommands and Nagios commands follow the plugins. */
bool discover_has_own_plugin(const struct tls_protocol *p);

/* After discover_run(), the listeners may be reordered (their targets no longer
 * probed or judged): only what is listed above is read. */

/* Release everything R holds. */
void discover_release(struct discover_run *r);

#endif
