#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "bundle.h"
#include "file.h"
#include "trust.h"

/* The system store as a file: the bundle GnuTLS is built to read on Debian and
 * its derivatives (./configure --with-system-trust-file=FILE for another). */
#ifndef SYSTEM_TRUST_FILE
#define SYSTEM_TRUST_FILE "/etc/ssl/certs/ca-certificates.crt"
#endif

/* Dates are judged by the verdict for every element (and with --at), so an expired
 * certificate must read "expired", not "untrusted". Likewise a weak signature
 * (SHA-1, MD5, MD2) is for the crypto rule to judge and name, not a reason to call
 * the chain untrusted: GnuTLS would say only "insecure algorithm". The signature
 * is still checked, so a forged one stays "bad signature". */
#define TRUST_VERIFY_FLAGS                                                                         \
	(GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |           \
	 GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 | GNUTLS_VERIFY_ALLOW_SIGN_RSA_MD5 |                   \
	 GNUTLS_VERIFY_ALLOW_SIGN_RSA_MD2)

#define STATUS_PRINT_PREFIX "The certificate is NOT trusted. "

struct trust_anchors {
	gnutls_x509_trust_list_t list;
	char store[256]; /* the name trust_result gives the store */
	bool system;     /* the system store, not one the operator named */
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

static void append_store_name(char *store, size_t size, const char *name)
{
	size_t used = strlen(store);

	snprintf(store + used, size - used, "%s%s", used > 0 ? ", " : "", name);
}

static void describe_store(const struct trust_store *s, char *store, size_t size)
{
	size_t i;

	store[0] = '\0';
	for (i = 0; i < s->ca_file_count && i < TRUST_MAX_CA_FILES; i++)
		append_store_name(store, size, base_name(s->ca_files[i]));
	if (s->ca_path != NULL)
		append_store_name(store, size, s->ca_path);
	if (store[0] == '\0')
		snprintf(store, size, "the system store");
}

/* Add the certificates of DATA to LIST: its PEM certificates, or, when it has
 * none, the one certificate of a DER file (as --cert-file reads either). How
 * many, 0 when it holds none, or GnuTLS's error when its PEM cannot be parsed. */
static int add_certificates(gnutls_x509_trust_list_t list, const gnutls_datum_t *data)
{
	int ret = gnutls_x509_trust_list_add_trust_mem(list, data, NULL, GNUTLS_X509_FMT_PEM, 0, 0);

	if (ret != GNUTLS_E_NO_CERTIFICATE_FOUND)
		return ret;
	/* Not DER either (a note, a key): no certificate, not a parse error. */
	ret = gnutls_x509_trust_list_add_trust_mem(list, data, NULL, GNUTLS_X509_FMT_DER, 0, 0);
	return ret == GNUTLS_E_MEMORY_ERROR || ret > 0 ? ret : 0;
}

/* Read through the bounded reader, not gnutls_x509_trust_list_add_trust_file():
 * GnuTLS would open a FIFO and wait on it, or read /dev/zero without end. */
static int add_file(gnutls_x509_trust_list_t list, const char *file, struct fault *f)
{
	gnutls_datum_t data = {NULL, 0};
	int rc = -1;
	int ret;

	if (file_read_bounded(file, "CA file", FILE_CA_MAX, &data, f) < 0)
		goto out;
	ret = add_certificates(list, &data);
	if (ret < 0) {
		fault_set(f, FAULT_INTERNAL, "CA file '%s' cannot be parsed: %s", file,
		          file_parse_error(ret));
		goto out;
	}
	if (ret == 0) {
		fault_set(f, FAULT_INTERNAL, "CA file '%s' holds no certificate", file);
		goto out;
	}
	rc = 0;
out:
	file_release(&data);
	return rc;
}

static int add_files(gnutls_x509_trust_list_t list, const struct trust_store *s, struct fault *f)
{
	size_t i;

	for (i = 0; i < s->ca_file_count && i < TRUST_MAX_CA_FILES; i++) {
		if (add_file(list, s->ca_files[i], f) < 0)
			return -1;
	}
	return 0;
}

struct dir_load {
	gnutls_x509_trust_list_t list;
	unsigned count;
};

/* A file of the directory that holds no certificate, or one GnuTLS cannot parse,
 * is passed over, as GnuTLS and OpenSSL pass it over in a CA directory (which
 * also holds CRLs, notes, c_rehash leftovers); only the whole directory must
 * give at least one anchor. */
static int add_dir_entry(const char *path, const gnutls_datum_t *data, void *arg, struct fault *f)
{
	struct dir_load *load = arg;
	int ret = add_certificates(load->list, data);

	(void)path;
	if (ret == GNUTLS_E_MEMORY_ERROR) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		return -1;
	}
	if (ret > 0)
		load->count += (unsigned)ret;
	return 0;
}

/* Read through the bounded reader, not gnutls_x509_trust_list_add_trust_dir(),
 * which opens every entry itself, FIFOs and devices included, without a bound. */
static int add_dir(gnutls_x509_trust_list_t list, const char *dir, const struct deadline *deadline,
                   struct fault *f)
{
	struct dir_load load = {list, 0};
	const struct file_dir_walk walk = {
	        .what = "CA directory",
	        .entry_what = "CA file",
	        .entry_limit = FILE_CA_MAX,
	        .max_entries = FILE_CA_DIR_MAX_ENTRIES,
	        .max_files = FILE_CA_DIR_MAX_FILES,
	        .max_bytes = FILE_CA_DIR_MAX_BYTES,
	        .deadline = deadline,
	        .visit = add_dir_entry,
	        .arg = &load,
	};

	if (file_read_directory(dir, &walk, f) < 0)
		return -1;
	if (load.count == 0) {
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

bool trust_store_is_explicit(const struct trust_store *store)
{
	return store->ca_file_count > 0 || store->ca_path != NULL;
}

static int load_store(gnutls_x509_trust_list_t list, const struct trust_store *s,
                      const struct deadline *deadline, struct fault *f)
{
	if (!trust_store_is_explicit(s))
		return add_system(list, f);
	if (add_files(list, s, f) < 0)
		return -1;
	if (s->ca_path != NULL && add_dir(list, s->ca_path, deadline, f) < 0)
		return -1;
	return 0;
}

/* The served certificates on the leaf's issuer path, leaf first, in PATH (room
 * for the chain's count); returns how many, at least one: CHAIN must not be
 * empty. The top is the one whose issuer was not served. Follows issuers, so an
 * unsorted chain gives the same path. */
static size_t served_path(const struct cert_chain *chain, size_t *path)
{
	size_t n = 0;
	size_t at = 0;
	size_t j;

	while (n < chain->count) {
		gnutls_x509_crt_t crt = chain->items[at].crt;

		path[n++] = at;
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
	return n;
}

static size_t top_of_path(const struct cert_chain *chain)
{
	size_t path[CERT_MAX_CHAIN];

	return path[served_path(chain, path) - 1];
}

static void explain_unknown_issuer(const struct cert_chain *chain, struct trust_result *r)
{
	const struct cert_info *top = &chain->items[top_of_path(chain)];

	/* The issuer may well have been served, past the bound: blaming the last
	 * element kept would send the operator after a certificate that is there. */
	if (chain->cut)
		snprintf(r->reason, sizeof(r->reason),
		         "served chain longer than %d certificates, the rest not judged",
		         CERT_MAX_CHAIN);
	else if (gnutls_x509_crt_check_issuer(top->crt, top->crt) != 0)
		snprintf(r->reason, sizeof(r->reason), "self-signed '%s' is unknown", top->label);
	else
		snprintf(r->reason, sizeof(r->reason), "issuer '%s' is unknown", top->issuer_label);
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

/* Do A and B carry the same public key? */
static bool same_key(gnutls_x509_crt_t a, gnutls_x509_crt_t b)
{
	unsigned char id_a[64];
	unsigned char id_b[64];
	size_t size_a = sizeof(id_a);
	size_t size_b = sizeof(id_b);

	return gnutls_x509_crt_get_key_id(a, GNUTLS_KEYID_USE_SHA256, id_a, &size_a) == 0 &&
	       gnutls_x509_crt_get_key_id(b, GNUTLS_KEYID_USE_SHA256, id_b, &size_b) == 0 &&
	       size_a == size_b && memcmp(id_a, id_b, size_a) == 0;
}

/* Does LIST hold an anchor with the subject and key of the served CRT: CRT
 * itself, or the self-signed twin of a cross-certificate? GnuTLS ends the path
 * there, so that anchor is the one in use; a copy of it in *ANCHOR. */
static bool served_anchor(gnutls_x509_trust_list_t list, gnutls_x509_crt_t crt,
                          gnutls_x509_crt_t *anchor)
{
	gnutls_datum_t dn = {NULL, 0};
	bool same = false;

	*anchor = NULL;
	if (gnutls_x509_crt_get_raw_dn(crt, &dn) == 0 &&
	    gnutls_x509_trust_list_get_issuer_by_dn(list, &dn, anchor, 0) == 0)
		same = same_key(crt, *anchor);
	gnutls_free(dn.data);
	if (!same && *anchor != NULL) {
		gnutls_x509_crt_deinit(*anchor);
		*anchor = NULL;
	}
	return same;
}

/* The anchor a trusted CHAIN verified against, as a copy in *ANCHOR: a served
 * certificate on the path that is an anchor itself, else the anchor that issued
 * the top of the served path. False when neither is found. */
static bool find_anchor(gnutls_x509_trust_list_t list, const struct cert_chain *chain,
                        gnutls_x509_crt_t *anchor, bool *served)
{
	size_t path[CERT_MAX_CHAIN];
	size_t n = served_path(chain, path);
	size_t i;

	*served = false;
	for (i = 0; i < n; i++) {
		if (served_anchor(list, chain->items[path[i]].crt, anchor)) {
			*served = true;
			return true;
		}
	}
	if (gnutls_x509_trust_list_get_issuer(list, chain->items[path[n - 1]].crt, anchor,
	                                      GNUTLS_TL_GET_COPY) == 0)
		return true;
	*anchor = NULL;
	return false;
}

/* Name and dates of the anchor in use, read as cert reads a served certificate
 * (the same label rules). Left unknown when it cannot be found or read: the
 * chain is trusted all the same. */
static void record_anchor(gnutls_x509_trust_list_t list, const struct cert_chain *chain,
                          struct trust_result *r)
{
	gnutls_x509_crt_t anchor = NULL;
	gnutls_datum_t der = {NULL, 0};
	struct cert_chain one;
	struct fault ignored;

	memset(&one, 0, sizeof(one));
	if (!find_anchor(list, chain, &anchor, &r->anchor_served) ||
	    gnutls_x509_crt_export2(anchor, GNUTLS_X509_FMT_DER, &der) < 0 ||
	    cert_chain_load(&one, &der, 1, &ignored) < 0)
		goto out;
	r->anchor_known = true;
	snprintf(r->anchor_label, sizeof(r->anchor_label), "%s", one.items[0].label);
	r->anchor_not_before = one.items[0].not_before;
	r->anchor_not_after = one.items[0].not_after;
	r->anchor_self_signed = gnutls_x509_crt_check_issuer(anchor, anchor) != 0;
out:
	cert_chain_clear(&one);
	gnutls_free(der.data);
	if (anchor != NULL)
		gnutls_x509_crt_deinit(anchor);
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

/* The names the served chains can be anchored by. */
static int want_names(struct bundle_names *names, const struct cert_chain *const *chains,
                      size_t count, struct fault *f)
{
	for (size_t c = 0; c < count; c++) {
		for (size_t i = 0; i < chains[c]->count; i++) {
			if (bundle_want_names_of(names, chains[c]->items[i].crt, f) < 0)
				return -1;
		}
	}
	return 0;
}

/* The system store's anchors that CHAINS can use; the whole store, loaded by
 * GnuTLS, when its bundle cannot be read as a file. */
static int add_system_for(gnutls_x509_trust_list_t list, const struct cert_chain *const *chains,
                          size_t count, struct fault *f)
{
	struct bundle_names names = {0};
	gnutls_datum_t pem = {0};
	gnutls_x509_crt_t *picked = NULL;
	size_t picked_count = 0;
	int rc = -1;

	if (file_read_bounded(SYSTEM_TRUST_FILE, "system trust store", FILE_CA_MAX, &pem, f) < 0)
		return add_system(list, f);
	if (want_names(&names, chains, count, f) < 0 ||
	    bundle_pick(&pem, &names, &picked, &picked_count, f) < 0)
		goto out;
	/* The list owns the certificates from here, the array stays ours. */
	if (picked_count > 0 &&
	    gnutls_x509_trust_list_add_cas(list, picked, (unsigned)picked_count, 0) < 0) {
		for (size_t i = 0; i < picked_count; i++)
			gnutls_x509_crt_deinit(picked[i]);
		fault_set(f, FAULT_INTERNAL, "cannot load the system trust store");
		goto out;
	}
	rc = 0;
out:
	free(picked);
	bundle_names_clear(&names);
	file_release(&pem);
	return rc;
}

static int new_anchors(const struct trust_store *store, struct trust_anchors **out, struct fault *f)
{
	struct trust_anchors *a = calloc(1, sizeof(*a));
	int ret;

	*out = NULL;
	if (a == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		return -1;
	}
	describe_store(store, a->store, sizeof(a->store));
	a->system = !trust_store_is_explicit(store);
	ret = gnutls_x509_trust_list_init(&a->list, 0);
	if (ret < 0) {
		free(a);
		fault_set(f, FAULT_INTERNAL, "cannot create a trust list: %s",
		          gnutls_strerror(ret));
		return -1;
	}
	*out = a;
	return 0;
}

int trust_load_for(const struct trust_store *store, const struct cert_chain *const *chains,
                   size_t count, const struct deadline *deadline, struct trust_anchors **out,
                   struct fault *f)
{
	struct trust_anchors *a;

	if (trust_store_is_explicit(store))
		return trust_load(store, deadline, out, f);
	*out = NULL;
	if (new_anchors(store, &a, f) < 0)
		return -1;
	if (add_system_for(a->list, chains, count, f) < 0) {
		trust_free(a);
		return -1;
	}
	*out = a;
	return 0;
}

int trust_load(const struct trust_store *store, const struct deadline *deadline,
               struct trust_anchors **out, struct fault *f)
{
	struct trust_anchors *a;

	*out = NULL;
	if (new_anchors(store, &a, f) < 0)
		return -1;
	if (load_store(a->list, store, deadline, f) < 0) {
		trust_free(a);
		return -1;
	}
	*out = a;
	return 0;
}

int trust_verify(const struct trust_anchors *anchors, const struct cert_chain *chain,
                 struct trust_result *result, struct fault *f)
{
	unsigned status = 0;

	memset(result, 0, sizeof(*result));
	snprintf(result->store, sizeof(result->store), "%s", anchors->store);
	result->system_store = anchors->system;
	if (chain->count == 0) {
		snprintf(result->reason, sizeof(result->reason), "no certificate was served");
		return 0;
	}
	if (verify_chain(anchors->list, chain, &status, f) < 0)
		return -1;
	result->trusted = status == 0;
	if (result->trusted)
		record_anchor(anchors->list, chain, result);
	else
		explain(chain, status, result);
	return 0;
}

int trust_find_issuer(const struct trust_anchors *anchors, gnutls_x509_crt_t crt,
                      gnutls_x509_crt_t *issuer)
{
	*issuer = NULL;
	if (gnutls_x509_trust_list_get_issuer(anchors->list, crt, issuer, GNUTLS_TL_GET_COPY) == 0)
		return 0;
	*issuer = NULL;
	return -1;
}

void trust_free(struct trust_anchors *anchors)
{
	if (anchors == NULL)
		return;
	if (anchors->list != NULL)
		gnutls_x509_trust_list_deinit(anchors->list, 1);
	free(anchors);
}
