/* protocol — what each service says before TLS (and, if anything, after it), as a
 * table.
 *
 * One entry per protocol, each in its own short file under common/protocols/,
 * built only from the net primitives (and textproto for text protocols). An entry
 * declares everything the rest of the suite needs to know about it: its ports,
 * the ALPN it offers, its own command-line options with their help lines and
 * validation, the upgrade that speaks up to the server's go-ahead for TLS, and an
 * optional step after the handshake. The shared cli and check name no protocol.
 *
 * An upgrade stops exactly at the go-ahead; the caller then refuses any byte still
 * buffered (plaintext after the go-ahead is a buggy server or an injection).
 */
#ifndef TLSCHECK_COMMON_PROTOCOL_H
#define TLSCHECK_COMMON_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>

#include "deadline.h"
#include "fault.h"
#include "net.h"

/* The most options one protocol may declare. */
#define PROTOCOL_MAX_OPTIONS 8

/* One command-line option of a protocol: --NAME or --NAME=VALUE. */
struct protocol_option {
	const char *name;       /* "ehlo": the long option, without dashes */
	const char *value_name; /* "NAME" for --ehlo=NAME; NULL for a flag */
	const char *help;       /* one line for --help, without the option itself */
	/* Another name of --no-service-check, kept for the command lines that
	 * used it before the shared name (--no-ping): the value is not the
	 * protocol's to read. */
	bool service_check_alias;
};

/* The values given for a protocol's options, indexed like its option table:
 * NULL when not given, "" for a flag that was given. */
struct protocol_args {
	const char *values[PROTOCOL_MAX_OPTIONS];
};

/* How a protocol meets TLS once its options are known: the defaults of its table
 * entry, adjusted by its profile() hook (XMPP --server moves to 5269 and 5270,
 * PostgreSQL --direct starts TLS at connect with its own ALPN). */
struct protocol_profile {
	unsigned short port;          /* default port */
	unsigned short implicit_port; /* port where TLS starts at connect; 0 = none */
	bool always_implicit;         /* TLS at connect on every port */
	const char *alpn;             /* offered when TLS starts at connect; NULL = none */
	/* Another port where TLS starts at connect; 0 = none. */
	unsigned short second_implicit_port;
	/* HOST is a mail domain: the targets are the MX hosts it publishes. */
	bool mail_domain;
	/* The protocol option that made it one ("mx"), for the messages. */
	const char *mail_domain_option;
};

/* What upgrade() and after() work with. */
struct protocol_context {
	const char *host;                 /* ASCII host name (A-labels) as given by -H */
	const struct protocol_args *args; /* this protocol's options */
	struct net_conn *conn;           /* plain socket in upgrade(), the TLS session in after() */
	const struct deadline *deadline; /* the one every read and write of this step obeys */
	bool tls_on_connect;             /* TLS started at connect, without upgrade() */
	/* The ALPN protocol the handshake negotiated, NULL for none (after() only). */
	const char *alpn;
	/* Where after() words what the service's answer confirmed beyond that it
	 * answered ("gRPC health SERVING"), CONFIRMED_SIZE bytes; NULL when no one
	 * reads it. Left empty: nothing to add. Read only when after() returns 0. */
	char *confirmed;
	size_t confirmed_size;
};

/* How well the first bytes a server sent, before the client said anything, match
 * a protocol's greeting (discovery: which protocol is this listener?). */
enum protocol_greeting {
	PROTOCOL_GREETING_NO,    /* not this protocol's greeting */
	PROTOCOL_GREETING_MAYBE, /* opens like it, but so do others' (SMTP and FTP: 220) */
	PROTOCOL_GREETING_SURE,  /* this protocol's */
};

/* The most a greeting read for discovery holds: enough for a first line, or a
 * MySQL greeting packet. */
#define PROTOCOL_GREETING_MAX 512

/* How long after() may take, at most, inside the run's deadline: a service that
 * stays silent behind TLS is a finding of its own and must not eat all of -t. */
#define PROTOCOL_AFTER_SECONDS 3.0

struct tls_protocol {
	const char *name;             /* "smtp": for -P and the status line */
	const char *description;      /* one line for --help and -P help */
	unsigned short port;          /* default port */
	unsigned short implicit_port; /* port where TLS starts at connect; 0 = none */
	const char *alpn;             /* offered with ALPN when TLS starts at connect */
	/* Another port where TLS starts at connect (LDAP: 3269, the Active Directory
	 * global catalog, besides 636); 0 = none. */
	unsigned short second_implicit_port;
	/* Checked by a plugin of its own (check_tls_smtp, in Makefile.am's
	 * plugin_PROGRAMS), not only by check_tls -P NAME. */
	bool own_plugin;
	/* The protocol's own options, in --help order; NULL-name terminated or NULL. */
	const struct protocol_option *options;
	/* Check the protocol's own options before any network work, so a bad one is a
	 * usage error. NULL when there is nothing to check. Returns 0, or -1 with
	 * FAULT_USAGE. */
	int (*validate)(const struct protocol_args *a, struct fault *f);
	/* Adjust PROFILE, which holds the entry's defaults, to the (validated)
	 * options. NULL when options change nothing on the wire. */
	void (*profile)(const struct protocol_args *a, struct protocol_profile *profile);
	/* Speak the protocol up to the go-ahead for TLS. NULL when the protocol only
	 * has TLS on connect. Returns 0, or -1 with FAULT_NO_TLS when the server
	 * declines TLS, FAULT_PEER when it says something unexpected, FAULT_TIMEOUT. */
	int (*upgrade)(const struct protocol_context *ctx, struct fault *f);
	/* After the handshake, over the TLS session: confirm the service behind TLS
	 * answers like itself. Runs under a short sub-deadline of its own. NULL when
	 * there is nothing to confirm. Returns 0, or -1 with F saying what answered
	 * (or that nothing did). */
	int (*after)(const struct protocol_context *ctx, struct fault *f);
	/* after() sends a request of its own to confirm the service (ApiVersions,
	 * PING, CONNECT, "Who am I?"): --no-service-check skips it, for a service
	 * that must not be asked, or that logs every client it answers. */
	bool service_check;
	/* Its servers refuse a client by hanging up without a word once ALPN h2
	 * is agreed (gRPC's C core, on a missing or refused client certificate)
	 * and close one without ALPN h2 right after the handshake (grpc-go): such
	 * a hang-up is read as that refusal. Elsewhere it is the service failing
	 * (a proxy whose backend is down), which only may be a refusal. */
	bool hangs_up_to_refuse;
	/* For protocols where the server speaks first: how well BYTES, the first LEN
	 * bytes it sent unasked (NUL-terminated after them), match its greeting.
	 * LINE is their first line without CR LF, stopped at a NUL byte. NULL when
	 * the client speaks first. */
	enum protocol_greeting (*greets)(const unsigned char *bytes, size_t len, const char *line);
};

extern const struct tls_protocol protocol_tls;   /* TLS on connect (443) */
extern const struct tls_protocol protocol_smtp;  /* STARTTLS 25/587, implicit 465 */
extern const struct tls_protocol protocol_pgsql; /* SSLRequest 5432, --direct TLS at connect */
extern const struct tls_protocol protocol_ldap;  /* StartTLS 389, implicit 636 and 3269 */
extern const struct tls_protocol protocol_imap;  /* STARTTLS 143, implicit 993 */
extern const struct tls_protocol protocol_pop3;  /* STLS 110, implicit 995 */
extern const struct tls_protocol protocol_xmpp;  /* STARTTLS 5222/5269, direct TLS 5223/5270 */
extern const struct tls_protocol protocol_ftp;   /* AUTH TLS 21, implicit 990 */
extern const struct tls_protocol protocol_nntp;  /* STARTTLS 119, implicit 563 */
extern const struct tls_protocol protocol_sieve; /* ManageSieve STARTTLS 4190 */
extern const struct tls_protocol protocol_mysql; /* HandshakeV10, SSLRequest 3306 */
extern const struct tls_protocol protocol_kafka; /* TLS at connect 9093, ApiVersions after */
extern const struct tls_protocol protocol_redis; /* TLS at connect 6379, PING after */
extern const struct tls_protocol protocol_mqtt;  /* TLS at connect 8883, CONNECT after */
extern const struct tls_protocol protocol_h2;    /* TLS at connect 443, ALPN h2, preface after */
extern const struct tls_protocol protocol_grpc;  /* as h2, then the health service's Check */

/* The entry named NAME (case-sensitive), or NULL. */
const struct tls_protocol *protocol_find(const char *name);

/* The entry check_tls speaks without -P: TLS at connect. */
const struct tls_protocol *protocol_default(void);

/* All entries, NULL-terminated, in --help order. */
const struct tls_protocol *const *protocol_all(void);

/* The index of option NAME in P's option table, or -1 when P has none such. */
int protocol_option_index(const struct tls_protocol *p, const char *name);

/* P's profile for the options A: its defaults, adjusted by its profile() hook. A
 * protocol without upgrade() always starts TLS at connect. */
void protocol_profile(const struct tls_protocol *p, const struct protocol_args *a,
                      struct protocol_profile *out);

/* True when the check must start TLS at connect: the profile says so always, the
 * port is one of its implicit-TLS ports, or FORCE_IMPLICIT (--implicit-tls). */
bool protocol_tls_on_connect(const struct protocol_profile *profile, unsigned port,
                             bool force_implicit);

/* Word what after() confirmed into CTX->confirmed, when someone reads it. */
void protocol_confirm(const struct protocol_context *ctx, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* For after() steps that send a request and await its answer (Kafka, Redis,
 * MQTT): the finding when none came, "no WHAT within 3s: DETAIL".
 *
 * protocol_no_answer() rewords F, a failure of net while WHAT was awaited: DETAIL
 * is "nothing received" for silence, "an incomplete answer (N bytes)" when the
 * step timed out after HEARD bytes, else F's own text (the server closed the
 * connection, reset it). Keeps F's kind. Returns -1. */
int protocol_no_answer(struct fault *f, const char *what, size_t heard);

/* The server answered something that is not WHAT, starting with the LEN bytes of
 * START: FAULT_PEER "no WHAT within 3s: the server answered 'quoted'", with what C
 * still has buffered (never waited for; C may be NULL) added, up to the first
 * line end, quoted with textproto_quote(). Returns -1. */
int protocol_answered_otherwise(struct net_conn *c, const void *start, size_t len, const char *what,
                                struct fault *f);

/* The text of protocol_answered_otherwise(), for a step that words its finding
 * itself: the LEN bytes of START and what C has buffered, up to the first line
 * end, quoted into SHOWN (SIZE bytes, TEXTPROTO_QUOTE_SIZE is enough). */
void protocol_quote_answer(struct net_conn *c, const void *start, size_t len, char *shown,
                           size_t size);

#endif
