/* protocol — what each service says before TLS, as a table.
 *
 * One entry per protocol, each in its own short file (proto_NAME.c) built only
 * from the net primitives. An upgrade function speaks up to the server's go-ahead
 * and stops exactly there; the caller then refuses any byte still buffered
 * (plaintext after the go-ahead is a buggy server or an injection attempt).
 */
#ifndef TLSCHECK_COMMON_PROTOCOL_H
#define TLSCHECK_COMMON_PROTOCOL_H

#include <stdbool.h>

#include "fault.h"
#include "net.h"

/* Per-protocol options from the command line. Unset fields are NULL/false. */
struct protocol_options {
	const char *ehlo_name; /* smtp: name sent in EHLO; NULL = this host's name */
};

struct tls_protocol {
	const char *name;             /* "smtp": for -P and the status line */
	const char *description;      /* one line for --help */
	unsigned short port;          /* default port */
	unsigned short implicit_port; /* port where TLS starts at connect; 0 = none */
	/* Speak the protocol up to the go-ahead for TLS. NULL when the protocol only
	 * has TLS on connect. Returns 0, or -1 with FAULT_NO_TLS when the server
	 * declines TLS, FAULT_PEER when it says something unexpected, FAULT_TIMEOUT. */
	int (*upgrade)(struct net_conn *c, const struct protocol_options *o, struct fault *f);
	/* Check the protocol's own options before any network work, so a bad one is a
	 * usage error. NULL when the protocol has none. Returns 0, or -1 with
	 * FAULT_USAGE. */
	int (*validate)(const struct protocol_options *o, struct fault *f);
};

extern const struct tls_protocol protocol_tls;   /* TLS on connect (443) */
extern const struct tls_protocol protocol_smtp;  /* STARTTLS 25/587, implicit 465 */
extern const struct tls_protocol protocol_pgsql; /* SSLRequest 5432 */

/* The entry named NAME (case-sensitive), or NULL. */
const struct tls_protocol *protocol_find(const char *name);

/* All entries, NULL-terminated, in --help order. */
const struct tls_protocol *const *protocol_all(void);

/* True when the check must start TLS at connect: the protocol has no upgrade,
 * the port is its implicit-TLS port, or FORCE_IMPLICIT (--implicit-tls). */
bool protocol_tls_on_connect(const struct tls_protocol *p, unsigned port, bool force_implicit);

#endif
