/* trust — does the served chain lead to an anchor of the chosen store?
 *
 * The store is the CA file(s)/directory the operator named, or the system store
 * when none is named. A named store is part of the arguments: the caller loads it
 * before any network work, so a file without a certificate fails like a bad
 * argument. The system store is loaded only when trust is judged against it.
 * Dates are not judged here (the verdict does that for every element, with
 * --at), so an expired certificate reads "expired", not "untrusted".
 */
#ifndef TLSCHECK_COMMON_TRUST_H
#define TLSCHECK_COMMON_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cert.h"
#include "deadline.h"
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
	/* The anchor the chain verified against, served or not, for the rules that
	 * judge its dates even when the server does not send it; of copies with the
	 * same subject and key, the one that expires last. Known only when
	 * trusted, and not always then. */
	bool anchor_known;
	char anchor_label[CERT_LABEL_SIZE]; /* as cert labels: "CN=Example Root CA", or the DN */
	time_t anchor_not_before;
	time_t anchor_not_after;
	bool anchor_raw_times; /* its validity times as written, as cert_info's */
	struct validity_time anchor_not_before_raw;
	struct validity_time anchor_not_after_raw;
	bool anchor_served;      /* the server sent it (so it is judged as served) */
	size_t anchor_index;     /* served: its place in the served chain */
	bool anchor_self_signed; /* a root; else an intermediate the store holds */
	bool system_store;       /* the store is the system's, not one the operator named */
};

/* The anchors of one store, loaded once per run and used for every chain judged
 * in it. Opaque. */
struct trust_anchors;

/* Did the operator name the store (CA files or a directory)? If not, the store is
 * the system's. */
bool trust_store_is_explicit(const struct trust_store *store);

/* Load the anchors of STORE: every CA file and the directory, or the system store
 * when neither is named. CA files and the directory's files (PEM, or one DER
 * certificate) are read through file_read_bounded() (regular files only, at
 * most FILE_CA_MAX each, never a wait); the system store is GnuTLS's
 * compiled-in one. A file or directory that holds no certificate is an error,
 * not an empty store that trusts nothing; in a directory, files without a
 * readable certificate are passed over. The directory is read under DEADLINE
 * (NULL: none), checked before each file, and at most FILE_CA_DIR_MAX_FILES
 * files of it: a store cut short would judge by whatever readdir() gave first.
 * Returns 0 with *OUT set (free it with trust_free()), or -1 with *OUT NULL and
 * FAULT_INTERNAL: file_read_bounded()'s and file_read_directory()'s refusals
 * ("cannot read CA file 'x.pem': ...", "CA file 'x.pem' is a FIFO, not a
 * regular file", "CA directory 'd' is a regular file, not a directory", "CA
 * directory 'd' holds more than 1024 files", "CA directory 'd' was still being
 * read when the deadline passed (812 files read)"), "CA file 'x.pem' holds no
 * certificate", "CA file 'x.pem' cannot be parsed: a PEM block is truncated or
 * garbled", "CA directory 'd' holds no certificate", "cannot load the system
 * trust store: ...". */
int trust_load(const struct trust_store *store, const struct deadline *deadline,
               struct trust_anchors **out, struct fault *f);

/* As trust_load(), but for the system store only the anchors the COUNT served
 * CHAINS can lead to (see bundle.h): the same verdicts at a fraction of the
 * cost. The store is read from its bundle file through the bounded reader; when
 * that file cannot be read, GnuTLS loads the whole store as trust_load() does.
 * DEADLINE as for trust_load(). */
int trust_load_for(const struct trust_store *store, const struct cert_chain *const *chains,
                   size_t count, const struct deadline *deadline, struct trust_anchors **out,
                   struct fault *f);

/* Verify CHAIN (leaf first, as served; may be unsorted) against ANCHORS, for the
 * TLS server purpose. Returns 0 with RESULT filled (RESULT->store names the store
 * the anchors came from; when trusted, the anchor in use is recorded if it can be
 * found: a served certificate that is an anchor itself, or the anchor that issued
 * the top of the served path), or -1 with FAULT_INTERNAL when GnuTLS cannot run
 * the verification. An empty chain is not trusted ("no certificate was served"). */
int trust_verify(const struct trust_anchors *anchors, const struct cert_chain *chain,
                 struct trust_result *result, struct fault *f);

/* The anchor of ANCHORS that issued CRT in *ISSUER, for what is judged against
 * the issuer's key (a stapled OCSP response) when the server does not send its
 * issuer. *ISSUER is the store's own, valid as long as ANCHORS, unless *OWNED is
 * set: then it is a copy, to release with gnutls_x509_crt_deinit(*OWNED).
 * Returns 0, or -1 with *ISSUER and *OWNED NULL when no anchor issued CRT. */
int trust_find_issuer(const struct trust_anchors *anchors, gnutls_x509_crt_t crt,
                      gnutls_x509_crt_t *issuer, gnutls_x509_crt_t *owned);

/* Safe on NULL. */
void trust_free(struct trust_anchors *anchors);

#endif
