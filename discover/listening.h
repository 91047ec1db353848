/* listening — the TCP sockets this machine listens on, as the kernel lists them
 * (/proc/net/tcp and /proc/net/tcp6, state LISTEN, what `ss -tln` shows), each
 * with the name of the process that owns it when /proc/PID/fd can be read.
 *
 * A socket bound to every address (0.0.0.0, ::) is reached on loopback
 * (127.0.0.1, ::1); one bound to an address, on that address.
 */
#ifndef TLSCHECK_DISCOVER_LISTENING_H
#define TLSCHECK_DISCOVER_LISTENING_H

#include <stdbool.h>

#include "discover.h"
#include "fault.h"

/* Add every listening TCP socket of this machine to R. Returns 0, or -1 with
 * FAULT_INTERNAL when neither table can be read, or discover_add_listener()'s
 * faults. */
int listening_add_local(struct discover_run *r, struct fault *f);

/* The same from the tables TCP and TCP6 (in /proc/net/tcp's format, IPv4 and
 * IPv6 addresses), naming each socket's owner from /proc when OWNERS: what
 * listening_add_local() does with the kernel's. */
int listening_add_tables(struct discover_run *r, const char *tcp, const char *tcp6, bool owners,
                         struct fault *f);

#endif
