/* cert — facts about the certificates of a served chain, read with the
 * gnutls_x509_crt_* API (dates, names and fingerprints are never parsed by hand,
 * save the dates before 1970 that GnuTLS gives as the epoch: see validity.h). */
#ifndef TLSCHECK_COMMON_CERT_H
#define TLSCHECK_COMMON_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <gnutls/x509.h>

#include "fault.h"
#include "validity.h"

/* The most chain elements judged. Real chains hold 2 to 4; TLS allows a
 * Certificate message of 16 MiB, so a hostile server could send thousands. Every
 * element up to this bound is judged; past it the chain is cut, and says so. */
#define CERT_MAX_CHAIN  64
#define CERT_MAX_SANS   32
#define CERT_LABEL_SIZE 256
#define CERT_ALGO_SIZE  48

enum cert_role { CERT_LEAF, CERT_INTERMEDIATE, CERT_ROOT };

struct cert_info {
	gnutls_x509_crt_t crt;
	enum cert_role role; /* by position; ROOT = self-signed, not first */
	bool self_signed;    /* issued by itself, whatever its position */
	/* The served element that issued it, as cert_chain_issuer_of() says; read
	 * once by cert_chain_load(), for every rule that walks the chain. */
	int issuer_at;
	char *subject;                      /* RFC 4514 DN, allocated */
	char *issuer;                       /* RFC 4514 DN, allocated */
	char label[CERT_LABEL_SIZE];        /* "CN=db1.example.com", or the DN when no CN */
	char issuer_label[CERT_LABEL_SIZE]; /* "CN=Example CA", or the issuer DN when no CN */
	char serial[64];                    /* lowercase hex, colon-free */
	char sha256[65];                    /* lowercase hex of the DER */
	time_t not_before;
	time_t not_after;
	/* The validity times as the DER writes them, when it could be walked to
	 * them, for the rule that judges how they are written. */
	bool raw_times;
	struct validity_time not_before_raw;
	struct validity_time not_after_raw;
	/* The public key: "RSA 2048", "EC P-256", "Ed25519"; its algorithm and size
	 * in bits (for EC the curve's) as GnuTLS gives them. */
	char key[CERT_ALGO_SIZE];
	gnutls_pk_algorithm_t key_algorithm;
	unsigned key_bits;
	/* The issuer's signature on it: "RSA-SHA256", "ECDSA-SHA384" (GnuTLS's name,
	 * or the OID when GnuTLS knows no name), and its hash, GNUTLS_DIG_UNKNOWN
	 * when the algorithm is unknown. */
	char signature[CERT_ALGO_SIZE];
	gnutls_digest_algorithm_t signature_hash;
	char *sans[CERT_MAX_SANS]; /* DNS names and IP addresses as text, allocated */
	size_t san_count;
};

struct cert_chain {
	struct cert_info items[CERT_MAX_CHAIN];
	size_t count;
	/* More than CERT_MAX_CHAIN elements were given: those past it are not here,
	 * and were judged by nothing. */
	bool cut;
};

/* Import COUNT DER certificates (leaf first) into CHAIN, which must be zeroed or
 * cleared. A chain longer than CERT_MAX_CHAIN keeps its first CERT_MAX_CHAIN and
 * sets CHAIN->cut.
 * Returns 0, or -1 with FAULT_PEER ("certificate 2 of the served chain cannot be
 * parsed: ...") or FAULT_INTERNAL. On failure CHAIN is cleared. */
int cert_chain_load(struct cert_chain *chain, const gnutls_datum_t *der, size_t count,
                    struct fault *f);

/* Find again which element issued which (cert_info's issuer_at), for a chain
 * whose elements were put in place by hand rather than by cert_chain_load(). */
void cert_chain_link(struct cert_chain *chain);

/* Read the certificate file PATH (PEM, where a bundle's first certificate is
 * the one kept, or DER) through the bounded file reader into CHAIN, zeroed or
 * cleared, as its only element. WHAT names the file for the operator
 * ("certificate file"). Returns 0, or -1 with FAULT_INTERNAL: the file reader's
 * refusals ("certificate file 'x' is a FIFO, not a regular file"), "certificate
 * file 'x' holds no certificate". */
int cert_load_file(struct cert_chain *chain, const char *path, const char *what, struct fault *f);

/* The label, validity times and self_signed of CRT (not taken over) into OUT,
 * as cert_chain_load() reads them, and nothing else: what a trust anchor is named
 * and dated by, without the fingerprint, key and names the served chain needs,
 * at a fraction of the cost. The rest of OUT is zero, OUT->crt NULL.
 * Returns 0, or -1 with FAULT_INTERNAL. */
int cert_read_summary(gnutls_x509_crt_t crt, struct cert_info *out, struct fault *f);

/* Does ISSUER name itself as SUBJECT's issuer (issuer DN and key identifiers)? */
bool cert_issued_by(const struct cert_info *subject, const struct cert_info *issuer);

/* Release what one element holds and zero it (an element taken out of its
 * chain, the chain's copy zeroed). Safe on a zeroed element. */
void cert_info_clear(struct cert_info *c);

/* Release everything CHAIN holds and zero it. Safe on a zeroed chain. */
void cert_chain_clear(struct cert_chain *chain);

/* Does the certificate match NAME (ASCII: A-labels, or an IP literal)? SAN first,
 * the CN only when there is no DNS/IP SAN; wildcards only in the leftmost label. */
bool cert_matches_name(const struct cert_info *c, const char *ascii_name);

/* The served element that issued element INDEX (by name and key identifiers, as
 * gnutls_x509_crt_check_issuer() says: another element first), or -1 when the
 * server did not send it. A self-signed element no other element issued is its
 * own issuer. Found once, when the chain is loaded. */
int cert_chain_issuer_of(const struct cert_chain *chain, size_t index);

/* The chain element that expires first (ties: the one nearer the leaf). The chain
 * must not be empty. */
size_t cert_chain_earliest_expiry(const struct cert_chain *chain);

#endif
