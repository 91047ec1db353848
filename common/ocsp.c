#include <config.h>

#include <stdio.h>
#include <string.h>

#include <gnutls/ocsp.h>

#include "ocsp.h"

/* A response names one certificate, sometimes a few; a staple naming more is cut
 * here rather than searched without bound. */
#define OCSP_MAX_SINGLES 64

/* RFC 5280's names of the CRL reasons GnuTLS returns by number. Unspecified
 * (also what GnuTLS reports when the response gives no reason) says nothing. */
static const char *reason_name(unsigned reason)
{
	switch (reason) {
	case GNUTLS_X509_CRLREASON_KEYCOMPROMISE:
		return "keyCompromise";
	case GNUTLS_X509_CRLREASON_CACOMPROMISE:
		return "cACompromise";
	case GNUTLS_X509_CRLREASON_AFFILIATIONCHANGED:
		return "affiliationChanged";
	case GNUTLS_X509_CRLREASON_SUPERSEDED:
		return "superseded";
	case GNUTLS_X509_CRLREASON_CESSATIONOFOPERATION:
		return "cessationOfOperation";
	case GNUTLS_X509_CRLREASON_CERTIFICATEHOLD:
		return "certificateHold";
	case GNUTLS_X509_CRLREASON_REMOVEFROMCRL:
		return "removeFromCRL";
	case GNUTLS_X509_CRLREASON_PRIVILEGEWITHDRAWN:
		return "privilegeWithdrawn";
	case GNUTLS_X509_CRLREASON_AACOMPROMISE:
		return "aACompromise";
	default:
		return NULL;
	}
}

/* RFC 6960's names of the responseStatus values. */
static const char *response_status_name(int status)
{
	switch (status) {
	case GNUTLS_OCSP_RESP_MALFORMEDREQUEST:
		return "malformedRequest";
	case GNUTLS_OCSP_RESP_INTERNALERROR:
		return "internalError";
	case GNUTLS_OCSP_RESP_TRYLATER:
		return "tryLater";
	case GNUTLS_OCSP_RESP_SIGREQUIRED:
		return "sigRequired";
	case GNUTLS_OCSP_RESP_UNAUTHORIZED:
		return "unauthorized";
	default:
		return "an unknown status";
	}
}

/* GnuTLS's verification result in the operator's words, the most telling first. */
static const char *signature_problem(unsigned verify)
{
	if (verify & GNUTLS_OCSP_VERIFY_SIGNER_NOT_FOUND)
		return "signed by an unknown responder";
	if (verify & GNUTLS_OCSP_VERIFY_UNTRUSTED_SIGNER)
		return "signed by a responder the issuer did not certify";
	if (verify & GNUTLS_OCSP_VERIFY_SIGNER_KEYUSAGE_ERROR)
		return "its responder may not sign OCSP responses";
	if (verify & GNUTLS_OCSP_VERIFY_INSECURE_ALGORITHM)
		return "insecure signature algorithm";
	if (verify & GNUTLS_OCSP_VERIFY_CERT_EXPIRED)
		return "its responder's certificate has expired";
	if (verify & GNUTLS_OCSP_VERIFY_CERT_NOT_ACTIVATED)
		return "its responder's certificate is not valid yet";
	return "bad signature";
}

static void set_defect(struct ocsp_staple *out, enum ocsp_defect defect, const char *problem)
{
	out->defect = defect;
	snprintf(out->problem, sizeof(out->problem), "%s", problem != NULL ? problem : "");
}

/* The single response about LEAF, or -1 when the response names other
 * certificates only. */
static int find_single(gnutls_ocsp_resp_t resp, const struct cert_info *leaf)
{
	for (unsigned i = 0; i < OCSP_MAX_SINGLES; i++) {
		int ret = gnutls_ocsp_resp_check_crt(resp, i, leaf->crt);

		if (ret == 0)
			return (int)i;
		if (ret != GNUTLS_E_OCSP_RESPONSE_ERROR)
			break; /* past the last one */
	}
	return -1;
}

/* Signed by ISSUER, or by a responder certificate in the response that ISSUER
 * issued for OCSP signing (gnutls_ocsp_resp_verify_direct() checks both).
 * Returns -1 only when GnuTLS cannot run. */
static int check_signature(gnutls_ocsp_resp_t resp, gnutls_x509_crt_t issuer,
                           struct ocsp_staple *out, struct fault *f)
{
	unsigned verify = 0;
	int ret;

	if (issuer == NULL)
		return 0;
	out->signature_checked = true;
	ret = gnutls_ocsp_resp_verify_direct(resp, issuer, &verify, 0);
	if (ret == GNUTLS_E_MEMORY_ERROR) {
		fault_set(f, FAULT_INTERNAL, "cannot verify the OCSP staple: %s",
		          gnutls_strerror(ret));
		return -1;
	}
	if (ret < 0)
		set_defect(out, OCSP_BAD_SIGNATURE, "its signature cannot be read");
	else if (verify != 0)
		set_defect(out, OCSP_BAD_SIGNATURE, signature_problem(verify));
	return 0;
}

static void read_status(gnutls_ocsp_resp_t resp, int index, struct ocsp_staple *out)
{
	unsigned status = GNUTLS_OCSP_CERT_UNKNOWN, reason = GNUTLS_X509_CRLREASON_UNSPECIFIED;

	if (gnutls_ocsp_resp_get_single(resp, (unsigned)index, NULL, NULL, NULL, NULL, &status,
	                                &out->this_update, &out->next_update, &out->revoked_at,
	                                &reason) < 0) {
		set_defect(out, OCSP_UNREADABLE, "its answer about the certificate is garbled");
		return;
	}
	if (status == GNUTLS_OCSP_CERT_GOOD)
		out->status = OCSP_GOOD;
	else if (status == GNUTLS_OCSP_CERT_REVOKED)
		out->status = OCSP_REVOKED;
	else
		out->status = OCSP_UNKNOWN;
	out->reason = out->status == OCSP_REVOKED ? reason_name(reason) : NULL;
}

int ocsp_staple_read(const gnutls_datum_t *der, const struct cert_info *leaf,
                     gnutls_x509_crt_t issuer, struct ocsp_staple *out, struct fault *f)
{
	gnutls_ocsp_resp_t resp = NULL;
	int index, ret, rc = -1;

	memset(out, 0, sizeof(*out));
	out->next_update = (time_t)-1;
	if (der == NULL)
		return 0;
	out->present = true;
	ret = gnutls_ocsp_resp_init(&resp);
	if (ret < 0) {
		resp = NULL;
		fault_set(f, FAULT_INTERNAL, "cannot read the OCSP staple: %s",
		          gnutls_strerror(ret));
		goto out;
	}
	rc = 0;
	if (gnutls_ocsp_resp_import(resp, der) < 0) {
		set_defect(out, OCSP_UNREADABLE, "it is not an OCSP response");
		goto out;
	}
	ret = gnutls_ocsp_resp_get_status(resp);
	if (ret != GNUTLS_OCSP_RESP_SUCCESSFUL) {
		char problem[OCSP_PROBLEM_SIZE];

		snprintf(problem, sizeof(problem), "the responder answered %s",
		         response_status_name(ret));
		set_defect(out, OCSP_UNREADABLE, problem);
		goto out;
	}
	index = find_single(resp, leaf);
	if (index < 0) {
		set_defect(out, OCSP_OTHER_CERT, NULL);
		goto out;
	}
	rc = check_signature(resp, issuer, out, f);
	if (rc == 0 && out->defect == OCSP_USABLE)
		read_status(resp, index, out);
out:
	if (resp != NULL)
		gnutls_ocsp_resp_deinit(resp);
	return rc;
}
