/* dns — the MX records of a mail domain, asked of the system's name servers
 * under the run's deadline.
 *
 * getaddrinfo() has no MX, and res_query() waits on timers of its own (5 s a
 * try, by default), so the query is ours: one question over UDP to each
 * "nameserver" of /etc/resolv.conf in turn, over TCP when the answer is
 * truncated, every wait bounded by the deadline. The answer is parsed with
 * glibc's libresolv.
 */
#ifndef TLSCHECK_COMMON_DNS_H
#define TLSCHECK_COMMON_DNS_H

#include <stdbool.h>
#include <stddef.h>

#include "deadline.h"
#include "fault.h"
#include "hostname.h"

/* MX hosts kept from one answer: more than any real mail domain publishes. */
#define DNS_MAX_MX 16

struct dns_mx {
	unsigned preference;
	char host[HOSTNAME_MAX]; /* ASCII, no trailing dot */
};

struct dns_mx_list {
	struct dns_mx items[DNS_MAX_MX]; /* by preference, the lowest first */
	size_t count;
	bool implicit; /* no MX record: the domain itself (RFC 5321 section 5.1) */
	bool null_mx;  /* "MX 0 ." (RFC 7505): the domain accepts no mail */
};

/* Look up DOMAIN's MX records (an ASCII name) under DL. Without MX records the
 * list holds DOMAIN itself, flagged implicit. Returns 0, or -1 with
 * FAULT_RESOLVE ("mail domain 'x' does not exist", "no name server answered
 * for 'x'"), FAULT_TIMEOUT or FAULT_INTERNAL. */
int dns_lookup_mx(const char *domain, const struct deadline *dl, struct dns_mx_list *out,
                  struct fault *f);

#endif
