/* fault — an error as a value: what kind of failure, and one line that says it.
 *
 * Library functions return 0 on success and -1 on failure, filling a caller-owned
 * struct fault. The kind decides the plugin state (see verdict_judge_fault()); the
 * text is what the operator reads, so it names the thing that went wrong in the
 * operator's terms ("server does not offer STARTTLS"), not the call that failed.
 */
#ifndef TLSCHECK_COMMON_FAULT_H
#define TLSCHECK_COMMON_FAULT_H

enum fault_kind {
	FAULT_NONE = 0,
	FAULT_USAGE,     /* a bad argument: UNKNOWN */
	FAULT_INTERNAL,  /* unreadable file, out of memory, library failure: UNKNOWN */
	FAULT_RESOLVE,   /* the name did not resolve: CRITICAL */
	FAULT_CONNECT,   /* refused, unreachable: CRITICAL */
	FAULT_TIMEOUT,   /* the run-wide deadline passed: the STATE of -t */
	FAULT_PEER,      /* the server closed, sent garbage or broke its protocol: CRITICAL */
	FAULT_NO_TLS,    /* the server does not offer TLS (no STARTTLS, PostgreSQL 'N'): CRITICAL */
	FAULT_REFUSED,   /* it answered in its own protocol and would not go on (an XMPP
	                  * stream error such as host-unknown): CRITICAL */
	FAULT_HANDSHAKE, /* the TLS handshake failed: CRITICAL */
	FAULT_ALPN,      /* the server accepts none of the ALPN protocols offered: CRITICAL */
};

#define FAULT_TEXT_SIZE 256

struct fault {
	enum fault_kind kind;
	char text[FAULT_TEXT_SIZE];
};

/* Record a failure; overwrites what was there. The text is truncated to fit. */
void fault_set(struct fault *f, enum fault_kind kind, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Forget any failure: kind FAULT_NONE, empty text. */
void fault_clear(struct fault *f);

#endif
