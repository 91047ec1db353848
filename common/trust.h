/* trust — does the served chain lead to an anchor of the chosen store?
 *
 * The store is the CA file(s)/directory the operator named, or the system store
 * when none is named; the system store is loaded only then, and only when trust
 * is judged. Dates are not judged here (the verdict does that for every element,
 * with --at), so an expired certificate reads "expired", not "untrusted".
 */
#ifndef TLSCHECK_COMMON_TRUST_H
#define TLSCHECK_COMMON_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "cert.h"
#include "fault.h"

#define TRUST_MAX_CA_FILES 8

struct trust_store {
	const char *ca_files[TRUST_MAX_CA_FILES];
	size_t ca_file_count;
	const char *ca_path; /* a directory of PEM files; NULL for none */
};

struct trust_result {
	bool trusted;
	char store[256];  /* "ca.pem", "ca.pem, extra.pem", "/etc/x/certs", "the system store" */
	char reason[256]; /* when not trusted: "issuer 'CN=Other CA' is unknown" */
};

/* Verify CHAIN (leaf first, as served; may be unsorted) against STORE, for the
 * TLS server purpose. Returns 0 with RESULT filled, or -1 with FAULT_INTERNAL
 * when the store cannot be loaded ("cannot read CA file 'x.pem': ...",
 * "CA file 'x.pem' holds no certificate"). */
int trust_verify(const struct cert_chain *chain, const struct trust_store *store,
                 struct trust_result *result, struct fault *f);

#endif
