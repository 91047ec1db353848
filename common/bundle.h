/* bundle — from a PEM bundle of trust anchors (the system store), only the
 * certificates that can anchor the chains at hand.
 *
 * Parsing all of Debian's ~145 roots costs about 80% of a check's instructions;
 * a chain can only lead to an anchor whose subject is the subject or the issuer
 * of a certificate it holds (GnuTLS matches names by their DER bytes). So each
 * block is only base64-decoded and searched for those names' bytes, and just the
 * blocks that hold one are parsed. A name found elsewhere in a block (as its
 * issuer) only parses one certificate more; the issuers of the picked ones are
 * followed too, so a path through the store's own intermediates stays whole.
 */
#ifndef TLSCHECK_COMMON_BUNDLE_H
#define TLSCHECK_COMMON_BUNDLE_H

#include <stddef.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "fault.h"

/* Distinguished names (raw DER) to pick by; the caller owns NAMES. */
struct bundle_names {
	gnutls_datum_t *items;
	size_t count;
	size_t room;
};

/* Add the raw subject and issuer names of CRT to NAMES (copies). Returns 0, or
 * -1 with FAULT_INTERNAL when out of memory. */
int bundle_want_names_of(struct bundle_names *names, gnutls_x509_crt_t crt, struct fault *f);

void bundle_names_clear(struct bundle_names *names);

/* Parse the certificates of the PEM bundle PEM (NUL-terminated) whose DER holds
 * one of NAMES, and those that issued them, into *OUT (an array of *COUNT, both
 * owned by the caller: deinitialise each, free the array). Blocks that do not
 * decode are passed over, as GnuTLS passes them over in the system store.
 * Returns 0, or -1 with FAULT_INTERNAL when PEM holds no certificate block or
 * memory runs out. */
int bundle_pick(const gnutls_datum_t *pem, struct bundle_names *names, gnutls_x509_crt_t **out,
                size_t *count, struct fault *f);

#endif
