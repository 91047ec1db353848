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

#include "fault.h"
#include "hostname.h"
#include "protocol.h"
#include "settings.h"
#include "state.h"
#include "target.h"
#include "trust.h"

/* Listeners one run finds out at most, whatever lists them. */
#define DISCOVER_MAX_LISTENERS 4096
/* A file of targets holds at most this. */
#define DISCOVER_FILE_MAX     ((size_t)1 << 20)
#define DISCOVER_PROCESS_SIZE 64
#define DISCOVER_COMMAND_SIZE 1024

/* What a listener turned out to be. */
enum discover_outcome {
	DISCOVER_CLOSED, /* refused, unreachable, or the deadline passed before it answered */
	DISCOVER_NO_TLS, /* it answers, and none of the ways to TLS led there */
	DISCOVER_TLS,    /* TLS reached: a chain was served */
};

struct discover_listener {
	/* Where: the host as given, the ASCII form connected to, the port. */
	char host[HOSTNAME_MAX];
	char host_ascii[HOSTNAME_MAX];
	unsigned port;
	size_t order;                        /* in the order listed */
	char process[DISCOVER_PROCESS_SIZE]; /* --local: the owner, when readable; else "" */

	enum discover_outcome outcome;
	const struct tls_protocol *protocol; /* NULL: not recognised */
	/* TLS at connect on a port where PROTOCOL's check would upgrade (IMAPS on
	 * 10993): its check needs --implicit-tls. */
	bool implicit_tls;
	char detail[FAULT_TEXT_SIZE]; /* what was seen: why no TLS, or the greeting */

	/* With TLS: the probe that reached it, the store that validates its chain,
	 * and the plugin command line that checks it, with its judgement. */
	struct target target;
	struct target_name name;
	const char *ca_file;           /* the -C file that validates; NULL: none */
	bool system_trusted;           /* the system store validates it */
	char check_name[HOSTNAME_MAX]; /* -H: HOST, or the leaf's name for an IP */
	bool check_address;            /* -I HOST too (HOST is an IP, -H the leaf's name) */
	/* HOST is an IP and the leaf names hosts, but none of them is a valid host
	 * name by -H's own rules: why (printable ASCII), else "". Such a listener
	 * is judged without a name and written into no engine's configuration. */
	char name_refused[FAULT_TEXT_SIZE];
	/* TLSA records of _PORT._tcp.CHECK_NAME in a validated (secure) answer:
	 * the command then carries --dane. */
	size_t tlsa_records;
	char command[DISCOVER_COMMAND_SIZE]; /* as a shell would read it */
	enum plugin_state state;
	bool days_known;
	double days_left;
};

struct discover_options {
	const char *ca_files[TRUST_MAX_CA_FILES]; /* -C, in order */
	size_t ca_file_count;
	double timeout; /* seconds per listener */
	size_t parallel;
	int verbosity;
};

/* A run: the listeners and what every probe and judgement of them shares. */
struct discover_run {
	struct discover_options options;
	struct discover_listener *listeners;
	size_t count;
	struct trust_anchors *anchors[TRUST_MAX_CA_FILES]; /* of each -C file */
	struct trust_anchors *system;                      /* loaded when first needed */
	struct fault system_failure;
};

/* Start R with OPTIONS; no listener yet. */
void discover_init(struct discover_run *r, const struct discover_options *options);

/* Add the listeners of TARGET, "HOST", "HOST:PORT[,PORT...]" or
 * "[IPV6]:PORT[,PORT...]" (an IPv6 literal without a port may go bare): every port
 * of the protocol table when none is given. Returns 0, or -1 with FAULT_USAGE
 * ("'x:0' is not a valid port", "'b..x' is not a valid host name: ...", "more
 * than 4096 listeners"). */
int discover_add_target(struct discover_run *r, const char *target, struct fault *f);

/* Add the targets of FILE, one a line (blank lines and '#' comments skipped),
 * read with the bounded reader. Returns 0, or -1 with F naming the file and line. */
int discover_add_file(struct discover_run *r, const char *path, struct fault *f);

/* Add one listener on HOST (an IP literal) and PORT, owned by PROCESS (may be
 * NULL), unless it is listed already. Returns 0, or -1 with FAULT_USAGE past the
 * bound. */
int discover_add_listener(struct discover_run *r, const char *host, unsigned port,
                          const char *process, struct fault *f);

/* Find out every listener, then judge every chain seen, loading each store once
 * (the -C files, then the system store, each only when a chain still needs one).
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
