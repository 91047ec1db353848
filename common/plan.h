/* plan — which targets one run probes: every name to judge, at every address.
 *
 * Names: HOST as given (with -S/-N as one name), or each of several -S and
 * --sni-file names, each sent and verified on its own at HOST (virtual hosts
 * of one listener); with --mx (a profile that says HOST is a mail domain) each
 * MX host HOST publishes, in order of preference, each at its own addresses.
 * Addresses: the -I list; with -A every address of HOST (of each MX host),
 * resolved now under the run's deadline; else HOST (the MX host) itself,
 * tried address by address at connect: looked up now, once, when several
 * names are probed there. The targets are names x addresses, at most
 * PLAN_MAX_TARGETS.
 */
#ifndef TLSCHECK_COMMON_PLAN_H
#define TLSCHECK_COMMON_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "deadline.h"
#include "fault.h"
#include "settings.h"
#include "target.h"

/* The bound on one run's probes, whatever multiplies them. */
#define PLAN_MAX_TARGETS 64

/* Names from --sni-file: a line each; the file may hold no more than this. */
#define PLAN_NAME_FILE_MAX ((size_t)64 << 10)

struct plan_name {
	char ascii[HOSTNAME_MAX];
	char display[HOSTNAME_MAX];
	struct target_name name; /* points into this entry, or into the settings */
};

struct plan_entry {
	size_t name;                   /* index into names */
	char connect_to[HOSTNAME_MAX]; /* an address, or the name to resolve at connect */
	struct fault failure;          /* the name's addresses could not be looked up */
	bool failed;
	/* CONNECT_TO's addresses, looked up once for every name probed there, to
	 * try in turn; NULL: CONNECT_TO is resolved at connect. */
	const struct net_address_list *addresses;
};

/* One host's addresses, looked up under the run's deadline. */
struct plan_lookup {
	const char *host; /* NULL: none looked up */
	struct net_address_list found;
	struct fault why;
	bool failed;
};

struct plan {
	struct plan_name names[PLAN_MAX_TARGETS];
	size_t name_count;
	struct plan_entry entries[PLAN_MAX_TARGETS];
	size_t count;
	bool names_vary;           /* several names: labels carry the name */
	bool addresses_vary;       /* some name is probed at several addresses */
	bool mail_domain;          /* the names are HOST's MX hosts */
	bool verify_listed;        /* names of a list are verified (no --no-verify-name) */
	struct plan_lookup lookup; /* the last host looked up; entries point into it */
};

/* Start P with the names of the command line. Does no file or network work. */
void plan_init(struct plan *p, const struct settings *settings);

/* Add the names of --sni-file PATH (one a line; blank lines and '#' comments
 * skipped), read with a bound, before any network work. Returns 0, or -1 with
 * F (the file, or a line that is no host name, or past the bound). */
int plan_read_name_file(struct plan *p, const char *path, struct fault *f);

/* Make the targets: the MX lookup of --mx, -A's lookups and the one lookup of
 * HOST for several names run here, under DL; a lookup that fails is a failed
 * target of each name probed there, not the end of the run. Returns 0, or -1 with a FAULT_USAGE
 * when the targets would pass the bound or the domain accepts no mail. */
int plan_build(struct plan *p, const struct settings *settings, const struct deadline *dl,
               struct fault *f);

#endif
