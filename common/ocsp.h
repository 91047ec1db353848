/* ocsp — facts about the OCSP response a server staples to its certificate,
 * read with GnuTLS's OCSP API (gnutls_ocsp_resp_*). Only the staple is read:
 * nothing is ever fetched from a responder or a CRL distribution point, so a
 * check makes no connection but the one to the server.
 *
 * Reading judges nothing: what the response says, whether it is about the leaf
 * and whether the leaf's issuer signed it are facts; the "ocsp" rule of verdict
 * decides what they are worth, with --at.
 */
#ifndef TLSCHECK_COMMON_OCSP_H
#define TLSCHECK_COMMON_OCSP_H

#include <stdbool.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "cert.h"
#include "fault.h"

/* --ocsp: what to do with the staple. */
enum ocsp_mode {
	OCSP_MODE_CHECK,   /* ask for one, judge it when stapled (default) */
	OCSP_MODE_IGNORE,  /* neither keep nor judge one */
	OCSP_MODE_REQUIRE, /* judge it, and its absence is CRITICAL */
};

/* Why a staple cannot be taken at its word; its status is then not read. */
enum ocsp_defect {
	OCSP_USABLE,
	OCSP_UNREADABLE,    /* not an OCSP response, or not a successful one */
	OCSP_OTHER_CERT,    /* it answers for no certificate but others */
	OCSP_BAD_SIGNATURE, /* not signed by the leaf's issuer or a responder it named */
};

enum ocsp_cert_status { OCSP_GOOD, OCSP_REVOKED, OCSP_UNKNOWN };

#define OCSP_PROBLEM_SIZE 128

struct ocsp_staple {
	bool present; /* the server stapled a response */
	enum ocsp_defect defect;
	/* For UNREADABLE and BAD_SIGNATURE, in the operator's words: "it is not an
	 * OCSP response", "the responder answered tryLater", "bad signature",
	 * "signed by a responder the issuer did not certify". */
	char problem[OCSP_PROBLEM_SIZE];
	/* False when the leaf's issuer is unknown (neither served nor an anchor of
	 * the store), so the signature could not be checked. */
	bool signature_checked;

	/* When usable: the leaf's status and the response's dates. */
	enum ocsp_cert_status status;
	time_t this_update;
	time_t next_update; /* (time_t)-1: the response gives none */
	time_t revoked_at;  /* when REVOKED */
	const char *reason; /* when REVOKED: "keyCompromise"; NULL when not given */
};

/* Read the staple DER (NULL: none was stapled) about LEAF. ISSUER is the leaf's
 * issuer (served, or an anchor of the store), or NULL when unknown; the response
 * must be signed by it, or by a responder certificate it issued for OCSP
 * signing. Fills *OUT; a response that cannot be parsed or does not fit LEAF is a
 * defect, not a failure. Returns 0, or -1 with FAULT_INTERNAL when GnuTLS cannot
 * run (out of memory). */
int ocsp_staple_read(const gnutls_datum_t *der, const struct cert_info *leaf,
                     gnutls_x509_crt_t issuer, struct ocsp_staple *out, struct fault *f);

#endif
