/* dane — TLSA records (RFC 6698, 7671, 7672) held against a served chain.
 *
 * Our own matcher on GnuTLS primitives, not libgnutls-dane: that one matches a
 * DANE-TA record against a certificate the server merely sent, accepts the
 * PKIX usages without a PKIX check and cannot say which record matched. Here
 * every record gets a verdict of its own:
 *   - DANE-EE (3 x x) matches the leaf only, names and dates ignored (RFC 7671
 *     section 5.1);
 *   - DANE-TA (2 x x) matches a certificate on the leaf's issuer path, verified
 *     by GnuTLS against a trust list that holds only that certificate (unless
 *     the CA-store check verified that stretch of the path already), with the
 *     leaf's name checked against the TLSA base domain (or, for SMTP, the MX
 *     host) and the dates of the path valid (RFC 7671 section 5.2);
 *   - PKIX-TA/PKIX-EE (0/1 x x) count only when the chain passed the CA-store
 *     check too, and never for SMTP (RFC 7672 section 3.1.3).
 * Selectors 0 (the certificate's DER) and 1 (its SubjectPublicKeyInfo's DER),
 * matching types 0 (exact), 1 (SHA-256) and 2 (SHA-512).
 *
 * The records come from the DNS and are hostile: any length, any content.
 */
#ifndef TLSCHECK_COMMON_DANE_H
#define TLSCHECK_COMMON_DANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cert.h"
#include "fault.h"

enum dane_usage { DANE_PKIX_TA = 0, DANE_PKIX_EE = 1, DANE_TA = 2, DANE_EE = 3 };
enum dane_selector { DANE_SELECTOR_CERT = 0, DANE_SELECTOR_SPKI = 1 };
enum dane_mtype { DANE_MTYPE_EXACT = 0, DANE_MTYPE_SHA256 = 1, DANE_MTYPE_SHA512 = 2 };

/* One TLSA record as the DNS gave it. DATA is borrowed; NULL with LEN > 0:
 * data that was not read, judged unusable (DANE_NOT_READ): what is unknown
 * neither matches nor tells of a mismatch. */
struct dane_record {
	uint8_t usage;
	uint8_t selector;
	uint8_t mtype;
	const unsigned char *data;
	size_t len;
	bool malformed; /* fewer than the 3 bytes of usage, selector and type */
};

enum dane_outcome {
	DANE_MATCHED,   /* it matches chain element ELEMENT (0: the leaf) */
	DANE_UNMATCHED, /* usable, matches nothing (DETAIL may say why not) */
	DANE_UNUSABLE,  /* it cannot match anything: WHY */
};

enum dane_why {
	DANE_USABLE = 0,
	DANE_MALFORMED,
	DANE_UNKNOWN_USAGE,
	DANE_UNKNOWN_SELECTOR,
	DANE_UNKNOWN_MTYPE,
	DANE_BAD_LENGTH,     /* a SHA-256 (SHA-512) value that is not 32 (64) bytes */
	DANE_NO_DATA,        /* exact matching with empty data */
	DANE_NOT_READ,       /* LEN bytes of data not at hand (DATA NULL) */
	DANE_PKIX_FOR_SMTP,  /* usage 0/1 on SMTP (RFC 7672 section 3.1.3) */
	DANE_PKIX_UNTRUSTED, /* usage 0/1 while the CA-store check did not pass */
};

#define DANE_DETAIL_SIZE 256

struct dane_verdict {
	enum dane_outcome outcome;
	enum dane_why why;
	size_t element; /* MATCHED: the chain element matched */
	/* UNUSABLE: why, for the operator ("unknown usage 7", "SHA-256 data of 31
	 * bytes, not 32"); UNMATCHED: why a DANE-TA record that matched a served
	 * certificate does not count ("'CN=Other CA' is not on the leaf's issuer
	 * path"), else empty. */
	char detail[DANE_DETAIL_SIZE];
};

struct dane_input {
	const struct dane_record *records;
	size_t count;
	const struct cert_chain *chain; /* as served, leaf first; may be empty */
	const char *base_domain;        /* TLSA base domain, ASCII ("mx.example.com") */
	const char *mx_host;            /* SMTP: the MX host, ASCII; NULL: none */
	bool smtp;
	bool pkix_trusted; /* the chain passed the CA-store check */
	/* How much of the leaf's issuer path that check verified (signatures, CA
	 * flags, constraints), for DANE-TA to take instead of verifying again:
	 * DANE_PKIX_WHOLE_PATH (the store's anchor issued its top), a served
	 * element where it was anchored, or DANE_PKIX_NONE. */
	size_t pkix_verified;
	time_t now; /* for DANE-TA's dates */
};

#define DANE_PKIX_NONE       ((size_t)-1)
#define DANE_PKIX_WHOLE_PATH ((size_t)-2)

struct dane_summary {
	size_t records;
	size_t usable;
	size_t matching;
	int first_match; /* the index of the first matching record, -1: none */
};

/* Judge every record of IN against IN->chain: VERDICTS (room for IN->count)
 * one per record, SUMMARY the counts. Returns 0, or -1 with FAULT_INTERNAL
 * when GnuTLS cannot export, hash or verify (out of memory). */
int dane_match(const struct dane_input *in, struct dane_verdict *verdicts,
               struct dane_summary *summary, struct fault *f);

/* As dane_match(), the served chain's leaf replaced by LEAF (the renewed
 * certificate on disk, before the reload): would its chain match? The served
 * intermediates stay, so a DANE-TA record is held against LEAF's path through
 * them. Returns as dane_match(). */
int dane_match_leaf(const struct dane_input *in, const struct cert_info *leaf,
                    struct dane_verdict *verdicts, struct dane_summary *summary, struct fault *f);

/* The SHA-256 of CRT's SubjectPublicKeyInfo in lowercase hex (65 bytes with
 * the NUL): the data of the "3 1 1" record that pins its key. Returns 0, or -1
 * with FAULT_INTERNAL. */
int dane_spki_sha256(gnutls_x509_crt_t crt, char hex[65], struct fault *f);

/* The record's name for a text: "3 1 1 #2 (8a3f5c1d...)", INDEX counted from
 * 0 and shown from 1; the data's first 4 bytes in hex, "..." when there is
 * more, "(no data)" when none, "(3000 bytes)" when it was not kept. Unknown
 * numbers are shown as they are. */
void dane_record_label(const struct dane_record *r, size_t index, char *buf, size_t size);

/* The record as zone-file text for JSON: "3 1 1 8a3f...": the whole data in
 * hex (none when it was not kept), allocated (free()), or NULL when out of
 * memory. */
char *dane_record_text(const struct dane_record *r);

#endif
