/* tlsa — the DANE rule (--dane): the TLSA records of a target's name, looked
 * up with what DNSSEC says of them (dns), held against the served chain
 * (dane), and judged.
 *
 * The lookup is network work and runs with the probe, under the run's
 * deadline; the matching needs the trust verification's answer (the PKIX
 * usages count only with it) and runs when the target is judged; the rule
 * words what both found. The name looked up is --dane-name, else the host
 * connected to (each MX host with --mx), else, when that is an address, the
 * name verified; the port is the one probed. For SMTP the MX host is a reference identifier of
 * DANE-TA too, and the PKIX usages never count (RFC 7672).
 *
 * The rule's id is "dane" (verdict.h lists it). A record that matches, on a
 * chain the server proved it holds the key of, vouches for the chain: the
 * trust and name rules then do not fire for it (a self-signed DANE-only MX is
 * the designed case), and say that trust came from DANE.
 */
#ifndef TLSCHECK_COMMON_TLSA_H
#define TLSCHECK_COMMON_TLSA_H

#include <stdbool.h>
#include <stddef.h>

#include "cert.h"
#include "dane.h"
#include "deadline.h"
#include "dns.h"
#include "fault.h"
#include "hostname.h"
#include "trust.h"

struct settings; /* settings.h */
struct settings_judge;
struct settings_option;
struct facts;   /* facts.h */
struct verdict; /* verdict.h */

/* What one target learned of its TLSA records. Zeroed: not judged. */
struct tlsa_facts {
	bool looked_up;                 /* --dane was given and a lookup was tried */
	bool smtp;                      /* judged by RFC 7672's rules */
	char base[HOSTNAME_MAX];        /* the TLSA base domain */
	char mx_host[HOSTNAME_MAX];     /* the host connected to: SMTP's MX host */
	struct fault failure;           /* the lookup failed (kind FAULT_NONE: it did not) */
	struct dns_tlsa_answer *answer; /* allocated; NULL when the lookup failed early */
	/* Whether the base domain's address records are signed; known only when
	 * TLSA records were found and that lookup answered. */
	bool address_known;
	struct dns_status address;

	/* Filled by tlsa_match(), when the answer holds records. */
	bool matched; /* tlsa_match() ran */
	struct dane_record records[DNS_MAX_TLSA];
	struct dane_verdict verdicts[DNS_MAX_TLSA];
	struct dane_summary summary;
	char spki_sha256[65]; /* the served leaf's; "" when none */
	/* --cert-file's certificate, held against the same records. */
	bool file_matched;
	struct dane_summary file_summary;
	char file_spki_sha256[65];
};

/* The rule's options, ended by a NULL name: --dane[=MODE], --dane-name,
 * --dane-unmatched. */
const struct settings_option *tlsa_options(void);

/* With --dane, look up the TLSA records of the target named HOST (ASCII, the
 * host connected to) and VERIFY (the name verified; NULL: none) into T, under
 * DL. A failure is kept in T, never returned: it is a fact to judge. Call
 * tlsa_release() afterwards. */
void tlsa_lookup(struct tlsa_facts *t, const struct settings *s, const char *host,
                 const char *verify, const struct deadline *dl);

/* Hold the records T found against CHAIN (TRUST: what the CA-store check
 * found, NULL when it did not run) and, when not NULL, against EXPECTED_LEAF,
 * the certificate on disk. Does nothing unless records were found. */
void tlsa_match(struct tlsa_facts *t, const struct cert_chain *chain,
                const struct trust_result *trust, const struct cert_info *expected_leaf,
                time_t now);

/* Does a record vouch for the served chain: a DANE-EE or DANE-TA record
 * matched it, and the server proved it holds the leaf's key? */
bool tlsa_vouches(const struct facts *facts);

/* The rule "dane" over FACTS into V. */
void tlsa_judge(struct verdict *v, const struct facts *facts);

/* Release what T holds and zero it. Safe on a zeroed T. */
void tlsa_release(struct tlsa_facts *t);

#endif
