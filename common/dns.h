/* dns — records asked of a name server under the run's deadline: the MX
 * records of a mail domain, the TLSA records of a service and whether a host's
 * address records are signed, each with what DNSSEC says of the answer.
 *
 * getaddrinfo() has no MX nor TLSA, and res_query() waits on timers of its own
 * (5 s a try, by default) and drops the answer's AD bit and Extended DNS
 * Errors, so the query is ours: one question over UDP to each "nameserver" of
 * /etc/resolv.conf in turn (or to --dns-server's), over TCP when the answer is
 * truncated, every wait bounded by the deadline. Each query sets AD and carries
 * an EDNS0 OPT record: a validating resolver then reports AD (RFC 6840 section
 * 5.7) and explains a failure with an Extended DNS Error (RFC 8914). The answer
 * is parsed with glibc's libresolv, the OPT record's options by bounded code of
 * our own: every length in an answer is the sender's.
 */
#ifndef TLSCHECK_COMMON_DNS_H
#define TLSCHECK_COMMON_DNS_H

#include <stdbool.h>
#include <stddef.h>

#include "deadline.h"
#include "fault.h"
#include "hostname.h"
#include "net.h"

/* MX hosts kept from one answer: more than any real mail domain publishes. */
#define DNS_MAX_MX 16
/* TLSA records kept from one answer (a rollover publishes two or three). */
#define DNS_MAX_TLSA 32
/* Room for the data of every TLSA record of one answer: an answer is at most
 * 65535 bytes (its TCP length), so the records it holds fit whole, a matching
 * type 0 record of any length included. */
#define DNS_TLSA_POOL 65535
/* An EDE's extra text as kept: escaped, truncated to fit. */
#define DNS_EDE_TEXT_SIZE 160
/* "_65535._tcp." before a name. */
#define DNS_OWNER_SIZE (HOSTNAME_MAX + 13)

/* The name server to ask: --dns-server's, or (not given) those of
 * /etc/resolv.conf. */
struct dns_resolver {
	bool given;
	struct net_address server; /* when given: the address and port */
};

/* What DNSSEC says of an answer. */
enum dns_security {
	DNS_SECURE,        /* the resolver validated it (AD) */
	DNS_INSECURE,      /* not validated, and the resolver validates: the zone is unsigned */
	DNS_BOGUS,         /* the resolver validated the zone and refused the answer */
	DNS_NO_VALIDATION, /* the resolver validates nothing (its probe), or its AD is not believed
	                    */
};

/* An Extended DNS Error (RFC 8914), the first one of an answer. */
struct dns_ede {
	int code; /* INFO-CODE, 0 to 65535; -1: the answer had none */
	/* EXTRA-TEXT, printable ASCII, any other byte as \xNN; "" when none */
	char text[DNS_EDE_TEXT_SIZE];
};

/* What an answer said besides its records. */
struct dns_status {
	enum dns_security security;
	bool nxdomain; /* the name does not exist (security says how sure that is) */
	bool nodata;   /* the name exists, without records of the type asked */
	int rcode;     /* of the answer kept: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN ... */
	bool ad;       /* the answer's AD bit */
	/* from a server whose AD is not believed (not on loopback, not
	 * --dns-server, no "options trust-ad"): DNS_NO_VALIDATION */
	bool ad_untrusted;
	struct dns_ede ede;
	char server[NET_ADDRESS_TEXT]; /* the name server that answered */
};

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

/* One TLSA record (RFC 6698 section 2.1), as published: nothing judged. */
struct dns_tlsa {
	unsigned usage;    /* 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE; any 0-255 */
	unsigned selector; /* 0 the certificate, 1 its SubjectPublicKeyInfo */
	unsigned mtype;    /* 0 the whole data, 1 SHA-256, 2 SHA-512 */
	size_t len;        /* of the data */
	bool malformed;    /* fewer than 3 bytes of RDATA: usage, selector, mtype 0 */
	/* LEN bytes in the answer's pool (NULL when LEN is 0): valid while the
	 * answer is, and not in a copy of it */
	const unsigned char *data;
};

/* The TLSA records of a service (about 66 KiB: allocate it, never copy it). */
struct dns_tlsa_answer {
	char owner[DNS_OWNER_SIZE]; /* "_25._tcp.mx.example.com": ASCII, no trailing dot */
	struct dns_status status;
	struct dns_tlsa records[DNS_MAX_TLSA]; /* in the answer's order */
	size_t count;                          /* kept */
	size_t total;                          /* in the answer; > count past DNS_MAX_TLSA */
	unsigned char pool[DNS_TLSA_POOL];     /* the records' data */
	size_t pool_used;
};

/* --dns-server=ADDR[@PORT]: an IPv4 or IPv6 literal (brackets allowed), port
 * 53 by default. Fills R. Returns 0, or -1 with FAULT_USAGE. */
int dns_resolver_parse(struct dns_resolver *r, const char *text, struct fault *f);

/* Look up DOMAIN's MX records (an ASCII name) under DL, asking R (NULL: the
 * system's name servers). Without MX records the list holds DOMAIN itself,
 * flagged implicit. Returns 0, or -1 with FAULT_RESOLVE ("mail domain 'x' does
 * not exist", "no name server answered for 'x'"), FAULT_TIMEOUT or
 * FAULT_INTERNAL. */
int dns_lookup_mx(const char *domain, const struct dns_resolver *r, const struct deadline *dl,
                  struct dns_mx_list *out, struct fault *f);

/* Look up the TLSA records of _PORT._tcp.BASE_NAME (ASCII, a trailing dot
 * allowed) under DL, asking R (NULL: the system's). An answer without AD costs
 * a probe of the resolver (". SOA" with DNSSEC), which tells DNS_INSECURE from
 * DNS_NO_VALIDATION; a SERVFAIL is DNS_BOGUS when it carries a DNSSEC EDE
 * (6 to 12) or when asked again with CD set the records come. A secure or
 * insecure NXDOMAIN or NODATA is an answer (count 0), not a failure.
 * Returns 0, or -1 with FAULT_RESOLVE (no name server answered, each one
 * failed: the text has the last one's rcode and EDE), FAULT_TIMEOUT,
 * FAULT_USAGE (no name to look up) or FAULT_INTERNAL; OUT->owner and
 * OUT->status are filled as far as the lookup went. */
int dns_lookup_tlsa(const char *base_name, unsigned port, const struct dns_resolver *r,
                    const struct deadline *dl, struct dns_tlsa_answer *out, struct fault *f);

/* Are NAME's address records signed (RFC 7672 section 2.2.2: a DANE sender
 * looks TLSA up only when they are)? Asks A and AAAA of R under DL; OUT says
 * DNS_SECURE when both answers (records or a denial) carry AD, the worst
 * of the two otherwise, as dns_lookup_tlsa() tells them. Returns 0, or -1 as
 * dns_lookup_tlsa(). */
int dns_lookup_address_security(const char *name, const struct dns_resolver *r,
                                const struct deadline *dl, struct dns_status *out, struct fault *f);

/* Parse one DNS message of LEN bytes, the answer to a TLSA question: the
 * header's rcode and AD, the OPT record's first EDE and the TLSA records of the
 * answer section, into OUT (owner and security untouched). For the lookup, the
 * tests and the fuzz harness. Returns 0, or -1 with FAULT_PEER ("malformed
 * answer") when the message cannot be parsed. */
int dns_parse_tlsa(const unsigned char *msg, size_t len, struct dns_tlsa_answer *out,
                   struct fault *f);

/* The same for an MX question: OUT's items and null_mx, STATUS's rcode, AD and
 * EDE (STATUS may be NULL). */
int dns_parse_mx(const unsigned char *msg, size_t len, struct dns_mx_list *out,
                 struct dns_status *status, struct fault *f);

/* The name RFC 8914 gives CODE ("DNSSEC Bogus"), or "unassigned". */
const char *dns_ede_name(int code);

/* "EDE 6 (DNSSEC Bogus): TEXT" or "EDE 6 (DNSSEC Bogus)" into BUF; "" when
 * E has none. */
void dns_ede_describe(const struct dns_ede *e, char *buf, size_t size);

/* "secure", "insecure", "bogus", "not validated". */
const char *dns_security_name(enum dns_security s);

#endif
