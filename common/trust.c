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
	/* The subjects two anchors or more share (a root renewed in place beside
	 * its old copy), raw DER: which anchor of such a subject is in use is looked
	 * for among them all. ANY_SHARED: GnuTLS read the store itself, or memory
	 * ran out, and any subject may be shared. */
	gnutls_datum_t *shared;
	size_t shared_count;
	bool any_shared;
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

static bool is_shared(const struct trust_anchors *a, const gnutls_datum_t *dn)
{
	for (size_t i = 0; i < a->shared_count; i++) {
		if (a->shared[i].size == dn->size &&
		    memcmp(a->shared[i].data, dn->data, dn->size) == 0)
			return true;
	}
	return false;
}

/* Note that the subject DN (allocated, now A's) is shared. */
static void note_shared(struct trust_anchors *a, gnutls_datum_t *dn)
{
	gnutls_datum_t *grown;

	if (is_shared(a, dn)) {
		gnutls_free(dn->data);
		return;
	}
	grown = realloc(a->shared, (a->shared_count + 1) * sizeof(*grown));
	if (grown == NULL) {
		a->any_shared = true;
		gnutls_free(dn->data);
		return;
	}
	a->shared = grown;
	a->shared[a->shared_count++] = *dn;
}

/* Before CRT joins A: does another certificate with its subject sit there
 * already? One lookup by name, and no anchor copied unless one is found. The
 * same certificate twice is no such pair: a CA directory such as /etc/ssl/certs
 * holds each root under its name, its hash and in the bundle. */
static void note_if_shared(struct trust_anchors *a, gnutls_x509_crt_t crt)
{
	gnutls_datum_t dn = {NULL, 0};
	gnutls_x509_crt_t held = NULL;
	bool other = gnutls_x509_crt_get_raw_dn(crt, &dn) == 0 &&
	             gnutls_x509_trust_list_get_issuer_by_dn(a->list, &dn, &held, 0) == 0 &&
	             !gnutls_x509_crt_equals(held, crt);

	if (held != NULL)
		gnutls_x509_crt_deinit(held);
	if (other)
		note_shared(a, &dn);
	else
		gnutls_free(dn.data);
}

/* Add the certificates of DATA in FORMAT to A's list, as
 * gnutls_x509_trust_list_add_trust_mem() would, one at a time to see whether
 * one shares its subject with an anchor already there: how many, or GnuTLS's
 * error (GNUTLS_E_NO_CERTIFICATE_FOUND when DATA holds no PEM certificate). */
static int add_list(struct trust_anchors *a, const gnutls_datum_t *data,
                    gnutls_x509_crt_fmt_t format)
{
	gnutls_x509_crt_t *crts = NULL;
	unsigned count = 0, i;
	int ret = gnutls_x509_crt_list_import2(&crts, &count, data, format, 0);

	if (ret < 0)
		return ret;
	for (i = 0; i < count && ret >= 0; i++) {
		note_if_shared(a, crts[i]);
		/* The list owns the certificate once added, the array stays ours. It
		 * answers how many it added: none (out of memory) leaves it ours. */
		if (gnutls_x509_trust_list_add_cas(a->list, &crts[i], 1, 0) != 1) {
			gnutls_x509_crt_deinit(crts[i]);
			ret = GNUTLS_E_MEMORY_ERROR;
		}
	}
	for (; i < count; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	return ret < 0 ? ret : (int)count;
}

/* Add the certificates of DATA to A: its PEM certificates, or, when it has
 * none, the one certificate of a DER file (as --cert-file reads either). How
 * many, 0 when it holds none, or GnuTLS's error when its PEM cannot be parsed. */
static int add_certificates(struct trust_anchors *a, const gnutls_datum_t *data)
{
	int ret = add_list(a, data, GNUTLS_X509_FMT_PEM);

	if (ret != GNUTLS_E_NO_CERTIFICATE_FOUND)
		return ret;
	/* Not DER either (a note, a key): no certificate, not a parse error. */
	ret = add_list(a, data, GNUTLS_X509_FMT_DER);
	return ret == GNUTLS_E_MEMORY_ERROR || ret > 0 ? ret : 0;
}

/* Read through the bounded reader, not gnutls_x509_trust_list_add_trust_file():
 * GnuTLS would open a FIFO and wait on it, or read /dev/zero without end. */
static int add_file(struct trust_anchors *a, const char *file, struct fault *f)
{
	gnutls_datum_t data = {NULL, 0};
	int rc = -1;
	int ret;

	if (file_read_bounded(file, "CA file", FILE_CA_MAX, &data, f) < 0)
		goto out;
	ret = add_certificates(a, &data);
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

static int add_files(struct trust_anchors *a, const struct trust_store *s, struct fault *f)
{
	size_t i;

	for (i = 0; i < s->ca_file_count && i < TRUST_MAX_CA_FILES; i++) {
		if (add_file(a, s->ca_files[i], f) < 0)
			return -1;
	}
	return 0;
}

struct dir_load {
	struct trust_anchors *anchors;
	unsigned count;
};

/* A file of the directory that holds no certificate, or one GnuTLS cannot parse,
 * is passed over, as GnuTLS and OpenSSL pass it over in a CA directory (which
 * also holds CRLs, notes, c_rehash leftovers); only the whole directory must
 * give at least one anchor. */
static int add_dir_entry(const char *path, const gnutls_datum_t *data, void *arg, struct fault *f)
{
	struct dir_load *load = arg;
	int ret = add_certificates(load->anchors, data);

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
static int add_dir(struct trust_anchors *a, const char *dir, const struct deadline *deadline,
                   struct fault *f)
{
	struct dir_load load = {a, 0};
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

/* GnuTLS reads the store itself: whether two anchors share a subject is not
 * seen, so it is assumed. */
static int add_system(struct trust_anchors *a, struct fault *f)
{
	int ret;

	a->any_shared = true;
	ret = gnutls_x509_trust_list_add_system_trust(a->list, 0, 0);
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

static int load_store(struct trust_anchors *a, const struct trust_store *s,
                      const struct deadline *deadline, struct fault *f)
{
	if (!trust_store_is_explicit(s))
		return add_system(a, f);
	if (add_files(a, s, f) < 0)
		return -1;
	if (s->ca_path != NULL && add_dir(a, s->ca_path, deadline, f) < 0)
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

	while (n < chain->count) {
		const struct cert_info *c = &chain->items[at];

		path[n++] = at;
		if (c->self_signed || c->issuer_at < 0)
			break;
		at = (size_t)c->issuer_at;
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
	else if (top->self_signed)
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

typedef int (*name_reader)(gnutls_x509_crt_t crt, gnutls_datum_t *dn);

/* Do A and B carry the same name READ gives (as encoded)? */
static bool same_name(gnutls_x509_crt_t a, gnutls_x509_crt_t b, name_reader read)
{
	gnutls_datum_t dn_a = {NULL, 0};
	gnutls_datum_t dn_b = {NULL, 0};
	bool same = read(a, &dn_a) == 0 && read(b, &dn_b) == 0 && dn_a.size == dn_b.size &&
	            memcmp(dn_a.data, dn_b.data, dn_a.size) == 0;

	gnutls_free(dn_a.data);
	gnutls_free(dn_b.data);
	return same;
}

/* Is A a copy of B renewed in place: the same subject, issuer and key? A
 * cross-certificate (another issuer) is not: it anchors otherwise. */
static bool renewed_copy(gnutls_x509_crt_t a, gnutls_x509_crt_t b)
{
	return same_name(a, b, gnutls_x509_crt_get_raw_dn) &&
	       same_name(a, b, gnutls_x509_crt_get_raw_issuer_dn) && same_key(a, b);
}

/* An internal CA is often renewed in place: the same subject and key, new dates.
 * A store that holds both copies verifies the chain with either, and GnuTLS's
 * lookups give whichever was read first; a client picks the one still valid. Of
 * *ANCHOR and its renewed copies in A, keep in *ANCHOR the one that expires
 * last, so that the order of the files does not decide. The walk copies every
 * anchor of the store (a third of a check's instructions with Debian's 144
 * roots): only for a subject that two anchors share. */
static void prefer_latest_copy(const struct trust_anchors *a, gnutls_x509_crt_t *anchor,
                               bool *owned)
{
	gnutls_x509_trust_list_iter_t iter = NULL;
	gnutls_x509_crt_t ca;
	time_t latest = gnutls_x509_crt_get_expiration_time(*anchor);
	gnutls_datum_t dn = {NULL, 0};
	bool shared = a->any_shared;

	if (!shared && gnutls_x509_crt_get_raw_dn(*anchor, &dn) == 0)
		shared = is_shared(a, &dn);
	gnutls_free(dn.data);
	if (!shared)
		return;
	while (gnutls_x509_trust_list_iter_get_ca(a->list, &iter, &ca) == 0) {
		time_t expires = gnutls_x509_crt_get_expiration_time(ca);

		if (expires > latest && renewed_copy(ca, *anchor)) {
			if (*owned)
				gnutls_x509_crt_deinit(*anchor);
			*anchor = ca;
			*owned = true;
			latest = expires;
		} else {
			gnutls_x509_crt_deinit(ca);
		}
	}
	gnutls_x509_trust_list_iter_deinit(iter);
}

/* The anchor of LIST that issued CRT, in *ISSUER: lent by the list where it
 * lends one (*OWNED false; GnuTLS keeps it as long as the list, and the anchors
 * outlive every judgement of a run), else a copy (*OWNED true: a PKCS#11 store
 * hands out copies only). A copy costs as much as parsing a certificate, a loan
 * nothing. */
static int lookup_issuer(gnutls_x509_trust_list_t list, gnutls_x509_crt_t crt,
                         gnutls_x509_crt_t *issuer, bool *owned)
{
	*owned = false;
	if (gnutls_x509_trust_list_get_issuer(list, crt, issuer, 0) == 0)
		return 0;
	if (gnutls_x509_trust_list_get_issuer(list, crt, issuer, GNUTLS_TL_GET_COPY) == 0) {
		*owned = true;
		return 0;
	}
	*issuer = NULL;
	return -1;
}

/* The anchor a trusted CHAIN verified against, in *ANCHOR (a copy when *OWNED):
 * a served certificate on the path that is an anchor itself, else the anchor
 * that issued the top of the served path; of its renewed copies, the one that
 * expires last. False when neither is found. */
static bool find_anchor(const struct trust_anchors *a, const struct cert_chain *chain,
                        gnutls_x509_crt_t *anchor, bool *owned, bool *served, size_t *index)
{
	gnutls_x509_trust_list_t list = a->list;
	size_t path[CERT_MAX_CHAIN];
	size_t n = served_path(chain, path);
	size_t i;

	*served = false;
	*owned = true; /* served_anchor() copies */
	for (i = 0; i < n; i++) {
		if (served_anchor(list, chain->items[path[i]].crt, anchor)) {
			*served = true;
			*index = path[i];
			prefer_latest_copy(a, anchor, owned);
			return true;
		}
	}
	if (lookup_issuer(list, chain->items[path[n - 1]].crt, anchor, owned) == 0) {
		prefer_latest_copy(a, anchor, owned);
		return true;
	}
	return false;
}

/* Name and dates of the anchor in use, read as cert reads a served certificate
 * (the same label rules). Left unknown when it cannot be found or read: the
 * chain is trusted all the same. */
static void record_anchor(const struct trust_anchors *a, const struct cert_chain *chain,
                          struct trust_result *r)
{
	gnutls_x509_crt_t anchor = NULL;
	bool owned = false;
	struct cert_info summary;
	struct fault ignored;

	if (!find_anchor(a, chain, &anchor, &owned, &r->anchor_served, &r->anchor_index) ||
	    cert_read_summary(anchor, &summary, &ignored) < 0)
		goto out;
	r->anchor_known = true;
	snprintf(r->anchor_label, sizeof(r->anchor_label), "%s", summary.label);
	r->anchor_not_before = summary.not_before;
	r->anchor_not_after = summary.not_after;
	r->anchor_raw_times = summary.raw_times;
	r->anchor_not_before_raw = summary.not_before_raw;
	r->anchor_not_after_raw = summary.not_after_raw;
	r->anchor_self_signed = summary.self_signed;
out:
	if (anchor != NULL && owned)
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
static int add_system_for(struct trust_anchors *a, const struct cert_chain *const *chains,
                          size_t count, struct fault *f)
{
	struct bundle_names names = {0};
	gnutls_datum_t pem = {0};
	gnutls_x509_crt_t *picked = NULL;
	size_t picked_count = 0;
	int rc = -1;

	if (file_read_bounded(SYSTEM_TRUST_FILE, "system trust store", FILE_CA_MAX, &pem, f) < 0)
		return add_system(a, f);
	/* Only the few anchors the chains can use: looking among them is cheap. */
	a->any_shared = true;
	if (want_names(&names, chains, count, f) < 0 ||
	    bundle_pick(&pem, &names, &picked, &picked_count, f) < 0)
		goto out;
	/* The list owns the certificates from here, the array stays ours. */
	if (picked_count > 0 &&
	    gnutls_x509_trust_list_add_cas(a->list, picked, (unsigned)picked_count, 0) < 0) {
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
	if (add_system_for(a, chains, count, f) < 0) {
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
	if (load_store(a, store, deadline, f) < 0) {
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
		record_anchor(anchors, chain, result);
	else
		explain(chain, status, result);
	return 0;
}

int trust_find_issuer(const struct trust_anchors *anchors, gnutls_x509_crt_t crt,
                      gnutls_x509_crt_t *issuer, gnutls_x509_crt_t *owned)
{
	bool copy = false;

	*owned = NULL;
	if (lookup_issuer(anchors->list, crt, issuer, &copy) < 0)
		return -1;
	if (copy)
		*owned = *issuer;
	return 0;
}

void trust_free(struct trust_anchors *anchors)
{
	if (anchors == NULL)
		return;
	if (anchors->list != NULL)
		gnutls_x509_trust_list_deinit(anchors->list, 1);
	for (size_t i = 0; i < anchors->shared_count; i++)
		gnutls_free(anchors->shared[i].data);
	free(anchors->shared);
	free(anchors);
}
