#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "trust.h"

/* Dates are judged by the verdict for every element (and with --at), so an expired
 * certificate must read "expired", not "untrusted". A SHA-1 signature is a WARNING
 * of its own in the verdict; refusing it here would turn it into CRITICAL. */
#define TRUST_VERIFY_FLAGS                                                                         \
	(GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |           \
	 GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1)

/* X.520 bounds a CN at 64 characters; a longer one (it must fit in the reason) is
 * shown through the issuer DN instead. */
#define CN_TEXT_MAX 200

#define STATUS_PRINT_PREFIX "The certificate is NOT trusted. "

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

static void append_store_name(struct trust_result *r, const char *name)
{
	size_t used = strlen(r->store);

	snprintf(r->store + used, sizeof(r->store) - used, "%s%s", used > 0 ? ", " : "", name);
}

static void describe_store(const struct trust_store *s, struct trust_result *r)
{
	size_t i;

	r->store[0] = '\0';
	for (i = 0; i < s->ca_file_count; i++)
		append_store_name(r, base_name(s->ca_files[i]));
	if (s->ca_path != NULL)
		append_store_name(r, s->ca_path);
	if (r->store[0] == '\0')
		snprintf(r->store, sizeof(r->store), "the system store");
}

/* GnuTLS reports any unreadable file as "Error while reading file."; the system
 * knows whether it is missing or forbidden. */
static const char *read_error(const char *path, int ret)
{
	if (ret == GNUTLS_E_FILE_ERROR && access(path, R_OK) != 0)
		return strerror(errno);
	return gnutls_strerror(ret);
}

static int add_files(gnutls_x509_trust_list_t list, const struct trust_store *s, struct fault *f)
{
	size_t i;
	int ret;

	for (i = 0; i < s->ca_file_count && i < TRUST_MAX_CA_FILES; i++) {
		const char *file = s->ca_files[i];

		ret = gnutls_x509_trust_list_add_trust_file(list, file, NULL, GNUTLS_X509_FMT_PEM,
		                                            0, 0);
		if (ret < 0 && ret != GNUTLS_E_NO_CERTIFICATE_FOUND) {
			fault_set(f, FAULT_INTERNAL, "cannot read CA file '%s': %s", file,
			          read_error(file, ret));
			return -1;
		}
		if (ret <= 0) {
			fault_set(f, FAULT_INTERNAL, "CA file '%s' holds no certificate", file);
			return -1;
		}
	}
	return 0;
}

static int add_dir(gnutls_x509_trust_list_t list, const char *dir, struct fault *f)
{
	int ret;

	ret = gnutls_x509_trust_list_add_trust_dir(list, dir, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
	if (ret < 0) {
		fault_set(f, FAULT_INTERNAL, "cannot read CA directory '%s': %s", dir,
		          read_error(dir, ret));
		return -1;
	}
	/* GnuTLS counts a directory it cannot open as one without certificates. */
	if (ret == 0 && access(dir, R_OK | X_OK) != 0) {
		fault_set(f, FAULT_INTERNAL, "cannot read CA directory '%s': %s", dir,
		          strerror(errno));
		return -1;
	}
	if (ret == 0) {
		fault_set(f, FAULT_INTERNAL, "CA directory '%s' holds no certificate", dir);
		return -1;
	}
	return 0;
}

static int add_system(gnutls_x509_trust_list_t list, struct fault *f)
{
	int ret;

	ret = gnutls_x509_trust_list_add_system_trust(list, 0, 0);
	if (ret < 0) {
		fault_set(f, FAULT_INTERNAL, "cannot load the system trust store: %s",
		          gnutls_strerror(ret));
		return -1;
	}
	if (ret == 0) {
		fault_set(f, FAULT_INTERNAL, "the system trust store holds no certificate");
		return -1;
	}
	return 0;
}

static int load_store(gnutls_x509_trust_list_t list, const struct trust_store *s, struct fault *f)
{
	if (s->ca_file_count == 0 && s->ca_path == NULL)
		return add_system(list, f);
	if (add_files(list, s, f) < 0)
		return -1;
	if (s->ca_path != NULL && add_dir(list, s->ca_path, f) < 0)
		return -1;
	return 0;
}

/* The served certificate at the top of the leaf's issuer path: the one whose
 * issuer was not served. Follows the path, so an unsorted chain gives the same. */
static size_t top_of_path(const struct cert_chain *chain)
{
	size_t at = 0;
	size_t steps, j;

	for (steps = 0; steps < chain->count; steps++) {
		gnutls_x509_crt_t crt = chain->items[at].crt;

		if (gnutls_x509_crt_check_issuer(crt, crt) != 0)
			break;
		for (j = 0; j < chain->count; j++) {
			if (j != at && gnutls_x509_crt_check_issuer(crt, chain->items[j].crt) != 0)
				break;
		}
		if (j == chain->count)
			break;
		at = j;
	}
	return at;
}

static void explain_unknown_issuer(const struct cert_chain *chain, struct trust_result *r)
{
	const struct cert_info *top = &chain->items[top_of_path(chain)];
	char cn[CN_TEXT_MAX];
	size_t size = sizeof(cn);
	size_t i;

	if (gnutls_x509_crt_check_issuer(top->crt, top->crt) != 0) {
		snprintf(r->reason, sizeof(r->reason), "self-signed '%s' is unknown", top->label);
		return;
	}
	if (gnutls_x509_crt_get_issuer_dn_by_oid(top->crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn,
	                                         &size) == 0 &&
	    size < sizeof(cn)) {
		cn[size] = '\0';
		/* The issuer's name reaches the status line: no control characters. */
		for (i = 0; cn[i] != '\0'; i++) {
			if ((unsigned char)cn[i] < 0x20 || cn[i] == 0x7f)
				cn[i] = '?';
		}
		snprintf(r->reason, sizeof(r->reason), "issuer 'CN=%s' is unknown", cn);
		return;
	}
	snprintf(r->reason, sizeof(r->reason), "issuer '%s' is unknown", top->issuer);
}

/* GnuTLS's own words, for a status without a short name of ours: the sentence
 * after "The certificate is NOT trusted.", without its final period. */
static void explain_generic(unsigned status, struct trust_result *r)
{
	gnutls_datum_t text = {NULL, 0};
	const char *s;
	size_t len;

	if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0) < 0) {
		snprintf(r->reason, sizeof(r->reason), "verification status 0x%x", status);
		return;
	}
	s = (const char *)text.data;
	if (strncmp(s, STATUS_PRINT_PREFIX, strlen(STATUS_PRINT_PREFIX)) == 0)
		s += strlen(STATUS_PRINT_PREFIX);
	len = strlen(s);
	while (len > 0 && (isspace((unsigned char)s[len - 1]) || s[len - 1] == '.'))
		len--;
	snprintf(r->reason, sizeof(r->reason), "%.*s", (int)len, s);
	r->reason[0] = (char)tolower((unsigned char)r->reason[0]);
	gnutls_free(text.data);
}

static void explain(const struct cert_chain *chain, unsigned status, struct trust_result *r)
{
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
		explain_unknown_issuer(chain, r);
	else if (status & GNUTLS_CERT_SIGNER_NOT_CA)
		snprintf(r->reason, sizeof(r->reason), "issuer is not a CA");
	else if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
		snprintf(r->reason, sizeof(r->reason), "insecure signature algorithm");
	else if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
		snprintf(r->reason, sizeof(r->reason), "bad signature");
	else if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
		snprintf(r->reason, sizeof(r->reason), "not for TLS servers");
	else if (status & GNUTLS_CERT_REVOKED)
		snprintf(r->reason, sizeof(r->reason), "revoked");
	else
		explain_generic(status, r);
}

static int verify_chain(gnutls_x509_trust_list_t list, const struct cert_chain *chain,
                        unsigned *status, struct fault *f)
{
	gnutls_x509_crt_t crts[CERT_MAX_CHAIN];
	gnutls_typed_vdata_st purpose = {
	        .type = GNUTLS_DT_KEY_PURPOSE_OID,
	        .data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER,
	        .size = 0,
	};
	size_t i;
	int ret;

	for (i = 0; i < chain->count; i++)
		crts[i] = chain->items[i].crt;
	/* GnuTLS sorts the served list itself (no GNUTLS_VERIFY_DO_NOT_ALLOW_UNSORTED_CHAIN). */
	ret = gnutls_x509_trust_list_verify_crt2(list, crts, (unsigned)chain->count, &purpose, 1,
	                                         TRUST_VERIFY_FLAGS, status, NULL);
	if (ret < 0) {
		fault_set(f, FAULT_INTERNAL, "cannot verify the chain: %s", gnutls_strerror(ret));
		return -1;
	}
	return 0;
}

int trust_verify(const struct cert_chain *chain, const struct trust_store *store,
                 struct trust_result *result, struct fault *f)
{
	gnutls_x509_trust_list_t list = NULL;
	unsigned status = 0;
	int rc = -1;
	int ret;

	memset(result, 0, sizeof(*result));
	describe_store(store, result);
	if (chain->count == 0) {
		snprintf(result->reason, sizeof(result->reason), "no certificate was served");
		rc = 0;
		goto out;
	}
	ret = gnutls_x509_trust_list_init(&list, 0);
	if (ret < 0) {
		list = NULL;
		fault_set(f, FAULT_INTERNAL, "cannot create a trust list: %s",
		          gnutls_strerror(ret));
		goto out;
	}
	if (load_store(list, store, f) < 0 || verify_chain(list, chain, &status, f) < 0)
		goto out;
	result->trusted = status == 0;
	if (!result->trusted)
		explain(chain, status, result);
	rc = 0;
out:
	if (list != NULL)
		gnutls_x509_trust_list_deinit(list, 1);
	return rc;
}
