#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "dane.h"

#define SHA256_SIZE 32
#define SHA512_SIZE 64
/* Bytes of a record's data its label shows. */
#define LABEL_BYTES 4

/* What records are held against, computed once per chain element and
 * selector however many records ask: the DER and its digests. */
struct blob {
	bool ready;
	gnutls_datum_t der;
	bool have_sha256;
	bool have_sha512;
	unsigned char sha256[SHA256_SIZE];
	unsigned char sha512[SHA512_SIZE];
};

struct matcher {
	const struct dane_input *in;
	struct blob (*blobs)[2]; /* [element][selector] */
	size_t path[CERT_MAX_CHAIN];
	size_t path_len; /* the served certificates on the leaf's issuer path */
};

static int export_der(gnutls_x509_crt_t crt, unsigned selector, gnutls_datum_t *der)
{
	gnutls_pubkey_t key = NULL;
	int ret;

	if (selector == DANE_SELECTOR_CERT)
		return gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, der);
	ret = gnutls_pubkey_init(&key);
	if (ret < 0)
		return ret;
	ret = gnutls_pubkey_import_x509(key, crt, 0);
	if (ret >= 0)
		ret = gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, der);
	gnutls_pubkey_deinit(key);
	return ret;
}

static struct blob *blob_of(struct matcher *m, size_t element, unsigned selector, struct fault *f)
{
	struct blob *b = &m->blobs[element][selector];
	int ret;

	if (b->ready)
		return b;
	ret = export_der(m->in->chain->items[element].crt, selector, &b->der);
	if (ret < 0) {
		fault_set(f, FAULT_INTERNAL, "cannot export certificate %zu of the chain: %s",
		          element + 1, gnutls_strerror(ret));
		return NULL;
	}
	b->ready = true;
	return b;
}

static int digest(const gnutls_datum_t *der, gnutls_digest_algorithm_t algo, unsigned char *out,
                  bool *have, struct fault *f)
{
	int ret;

	if (*have)
		return 0;
	ret = gnutls_hash_fast(algo, der->data, der->size, out);
	if (ret < 0) {
		fault_set(f, FAULT_INTERNAL, "cannot hash: %s", gnutls_strerror(ret));
		return -1;
	}
	*have = true;
	return 0;
}

/* Does R's data match chain element ELEMENT? 1, 0, or -1 with F set. R must
 * be usable. */
static int matches(struct matcher *m, const struct dane_record *r, size_t element, struct fault *f)
{
	struct blob *b = blob_of(m, element, r->selector, f);

	if (b == NULL)
		return -1;
	switch (r->mtype) {
	case DANE_MTYPE_EXACT:
		return r->len == b->der.size && memcmp(r->data, b->der.data, r->len) == 0;
	case DANE_MTYPE_SHA256:
		if (digest(&b->der, GNUTLS_DIG_SHA256, b->sha256, &b->have_sha256, f) < 0)
			return -1;
		return memcmp(r->data, b->sha256, SHA256_SIZE) == 0;
	default:
		if (digest(&b->der, GNUTLS_DIG_SHA512, b->sha512, &b->have_sha512, f) < 0)
			return -1;
		return memcmp(r->data, b->sha512, SHA512_SIZE) == 0;
	}
}

/* Why R cannot match anything, in V; DANE_USABLE when it can. */
static enum dane_why usability(const struct dane_input *in, const struct dane_record *r,
                               struct dane_verdict *v)
{
	char *d = v->detail;
	size_t n = sizeof(v->detail);

	if (r->malformed) {
		snprintf(d, n, "malformed: fewer than 3 bytes");
		return DANE_MALFORMED;
	}
	if (r->usage > DANE_EE) {
		snprintf(d, n, "unknown usage %u", r->usage);
		return DANE_UNKNOWN_USAGE;
	}
	if (r->selector > DANE_SELECTOR_SPKI) {
		snprintf(d, n, "unknown selector %u", r->selector);
		return DANE_UNKNOWN_SELECTOR;
	}
	if (r->mtype > DANE_MTYPE_SHA512) {
		snprintf(d, n, "unknown matching type %u", r->mtype);
		return DANE_UNKNOWN_MTYPE;
	}
	if (r->data == NULL && r->len > 0) {
		snprintf(d, n, "its %zu bytes of data were not read", r->len);
		return DANE_NOT_READ;
	}
	if (r->mtype == DANE_MTYPE_EXACT && r->len == 0) {
		snprintf(d, n, "no data");
		return DANE_NO_DATA;
	}
	if (r->mtype != DANE_MTYPE_EXACT) {
		size_t want = r->mtype == DANE_MTYPE_SHA256 ? SHA256_SIZE : SHA512_SIZE;

		if (r->len != want) {
			snprintf(d, n, "%s data of %zu bytes, not %zu",
			         r->mtype == DANE_MTYPE_SHA256 ? "SHA-256" : "SHA-512", r->len,
			         want);
			return DANE_BAD_LENGTH;
		}
	}
	if (r->usage <= DANE_PKIX_EE && in->smtp) {
		snprintf(d, n, "usage %u (PKIX-%s) is not for SMTP (RFC 7672)", r->usage,
		         r->usage == DANE_PKIX_TA ? "TA" : "EE");
		return DANE_PKIX_FOR_SMTP;
	}
	if (r->usage <= DANE_PKIX_EE && !in->pkix_trusted) {
		snprintf(d, n, "usage %u (PKIX-%s) counts only with a chain the CA store trusts",
		         r->usage, r->usage == DANE_PKIX_TA ? "TA" : "EE");
		return DANE_PKIX_UNTRUSTED;
	}
	return DANE_USABLE;
}

/* The served certificates on the leaf's issuer path, leaf first, into M. */
static void find_path(struct matcher *m)
{
	const struct cert_chain *chain = m->in->chain;
	size_t at = 0;

	m->path_len = 0;
	while (m->path_len < chain->count) {
		int next;
		size_t i;

		m->path[m->path_len++] = at;
		next = cert_chain_issuer_of(chain, at);
		if (next < 0 || (size_t)next == at)
			return;
		/* A loop of cross-issued certificates ends where it comes back. */
		for (i = 0; i < m->path_len; i++) {
			if (m->path[i] == (size_t)next)
				return;
		}
		at = (size_t)next;
	}
}

/* How far up the leaf's path ELEMENT sits (0: the leaf), or -1 when it is not
 * on it. */
static int path_depth(const struct matcher *m, size_t element)
{
	for (size_t i = 0; i < m->path_len; i++) {
		if (m->path[i] == element)
			return (int)i;
	}
	return -1;
}

static void format_date(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
}

/* Are the dates of the path's first DEPTH + 1 certificates valid at NOW? When
 * not, why in V. */
static bool dates_valid(const struct matcher *m, int depth, struct dane_verdict *v)
{
	char date[32];

	for (int i = 0; i <= depth; i++) {
		const struct cert_info *c = &m->in->chain->items[m->path[i]];

		if (m->in->now < c->not_before) {
			format_date(c->not_before, date, sizeof(date));
			snprintf(v->detail, sizeof(v->detail),
			         "'%s' on its path is not valid before %s", c->label, date);
			return false;
		}
		if (m->in->now > c->not_after) {
			format_date(c->not_after, date, sizeof(date));
			snprintf(v->detail, sizeof(v->detail), "'%s' on its path expired on %s",
			         c->label, date);
			return false;
		}
	}
	return true;
}

static bool name_valid(const struct matcher *m, struct dane_verdict *v)
{
	const struct dane_input *in = m->in;
	const struct cert_info *leaf = &in->chain->items[0];

	if (cert_matches_name(leaf, in->base_domain))
		return true;
	if (in->smtp && cert_matches_name(leaf, in->mx_host))
		return true;
	snprintf(v->detail, sizeof(v->detail), "the leaf does not carry the name '%s'",
	         in->base_domain != NULL ? in->base_domain : "");
	return false;
}

static void explain_status(unsigned status, const char *label, struct dane_verdict *v)
{
	const char *why = "it does not verify";

	if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
		why = "a signature on it is bad";
	else if (status & GNUTLS_CERT_SIGNER_NOT_CA)
		why = "an issuer on it is not a CA";
	else if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
		why = "it is signed with an insecure algorithm";
	else if (status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE)
		why = "a name or path-length constraint on it fails";
	snprintf(v->detail, sizeof(v->detail), "the path from the leaf to '%s': %s", label, why);
}

/* GnuTLS verifies the path up to DEPTH against a trust list holding only the
 * matched certificate as its anchor: the signatures, CA flags and constraints,
 * as a DANE client would. Dates are ours (NOW, not the clock). 1 when it
 * verifies, 0 when not (why in V), -1 with F set. */
static int path_verifies(const struct matcher *m, int depth, struct dane_verdict *v,
                         struct fault *f)
{
	const struct cert_chain *chain = m->in->chain;
	const struct cert_info *anchor_info = &chain->items[m->path[depth]];
	gnutls_x509_trust_list_t list = NULL;
	gnutls_x509_crt_t crts[CERT_MAX_CHAIN];
	gnutls_x509_crt_t anchor = NULL;
	gnutls_datum_t der = {NULL, 0};
	unsigned status = 0;
	int rc = -1;
	int ret;

	for (int i = 0; i <= depth; i++)
		crts[i] = chain->items[m->path[i]].crt;
	ret = gnutls_x509_trust_list_init(&list, 0);
	if (ret >= 0)
		ret = gnutls_x509_crt_export2(anchor_info->crt, GNUTLS_X509_FMT_DER, &der);
	if (ret >= 0)
		ret = gnutls_x509_crt_init(&anchor);
	if (ret >= 0)
		ret = gnutls_x509_crt_import(anchor, &der, GNUTLS_X509_FMT_DER);
	if (ret < 0)
		goto fail;
	/* The list owns the copy once added. */
	if (gnutls_x509_trust_list_add_cas(list, &anchor, 1, 0) != 1) {
		ret = GNUTLS_E_MEMORY_ERROR;
		goto fail;
	}
	anchor = NULL;
	ret = gnutls_x509_trust_list_verify_crt2(list, crts, (unsigned)depth + 1, NULL, 0,
	                                         GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
	                                                 GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
	                                         &status, NULL);
	if (ret < 0)
		goto fail;
	if (status != 0)
		explain_status(status, anchor_info->label, v);
	rc = status == 0;
	goto out;
fail:
	fault_set(f, FAULT_INTERNAL, "cannot verify the DANE-TA path: %s", gnutls_strerror(ret));
out:
	if (anchor != NULL)
		gnutls_x509_crt_deinit(anchor);
	gnutls_free(der.data);
	if (list != NULL)
		gnutls_x509_trust_list_deinit(list, 1);
	return rc;
}

/* Did the CA-store check verify the path up to DEPTH already? It verified
 * the served path up to where it was anchored: past the top when the store's
 * own anchor issued it. */
static bool pkix_covers(const struct matcher *m, int depth)
{
	size_t at = m->in->pkix_verified;

	if (!m->in->pkix_trusted || at == DANE_PKIX_NONE)
		return false;
	return at == DANE_PKIX_WHOLE_PATH || path_depth(m, at) >= depth;
}

/* May a DANE-TA record that matched ELEMENT count? 1, 0 (why in V), -1. */
static int ta_counts(struct matcher *m, size_t element, struct dane_verdict *v, struct fault *f)
{
	int depth = path_depth(m, element);

	if (depth < 0) {
		snprintf(v->detail, sizeof(v->detail),
		         "it matches '%s' (certificate %zu of the served chain), which is not on "
		         "the leaf's issuer path",
		         m->in->chain->items[element].label, element + 1);
		return 0;
	}
	if (!name_valid(m, v) || !dates_valid(m, depth, v))
		return 0;
	/* The costliest step, a signature per certificate: not done twice. */
	if (pkix_covers(m, depth))
		return 1;
	return path_verifies(m, depth, v, f);
}

/* Which elements may record R match: DANE-EE and PKIX-EE the leaf only, the
 * TA usages any served certificate (judged by ta_counts()). */
static size_t candidates(const struct matcher *m, const struct dane_record *r)
{
	return r->usage == DANE_EE || r->usage == DANE_PKIX_EE ? 1 : m->in->chain->count;
}

/* Judge the usable record R into V. Returns 0, or -1 with F set. */
static int judge_usable(struct matcher *m, const struct dane_record *r, struct dane_verdict *v,
                        struct fault *f)
{
	bool explained = false;

	v->outcome = DANE_UNMATCHED;
	for (size_t i = 0; i < candidates(m, r); i++) {
		struct dane_verdict why = {0};
		int ok = matches(m, r, i, f);

		if (ok < 0)
			return -1;
		if (ok == 0)
			continue;
		if (r->usage == DANE_TA)
			ok = ta_counts(m, i, &why, f);
		else if (r->usage == DANE_PKIX_TA)
			/* on the leaf's path, inside what the CA store verified */
			ok = path_depth(m, i) >= 0 && pkix_covers(m, path_depth(m, i));
		if (ok < 0)
			return -1;
		if (ok > 0) {
			v->outcome = DANE_MATCHED;
			v->element = i;
			v->detail[0] = '\0';
			return 0;
		}
		/* The first reason is kept: the nearest certificate it matched. */
		if (!explained && why.detail[0] != '\0') {
			memcpy(v->detail, why.detail, sizeof(v->detail));
			explained = true;
		}
	}
	return 0;
}

static void release(struct matcher *m, size_t count)
{
	if (m->blobs == NULL)
		return;
	for (size_t i = 0; i < count; i++) {
		gnutls_free(m->blobs[i][0].der.data);
		gnutls_free(m->blobs[i][1].der.data);
	}
	free(m->blobs);
}

int dane_match(const struct dane_input *in, struct dane_verdict *verdicts,
               struct dane_summary *summary, struct fault *f)
{
	struct matcher m = {.in = in};
	size_t elements = in->chain->count;
	int rc = -1;

	memset(summary, 0, sizeof(*summary));
	summary->records = in->count;
	summary->first_match = -1;
	if (elements > 0) {
		m.blobs = calloc(elements, sizeof(*m.blobs));
		if (m.blobs == NULL) {
			fault_set(f, FAULT_INTERNAL, "out of memory");
			return -1;
		}
		find_path(&m);
	}
	for (size_t i = 0; i < in->count; i++) {
		struct dane_verdict *v = &verdicts[i];

		memset(v, 0, sizeof(*v));
		v->why = usability(in, &in->records[i], v);
		if (v->why != DANE_USABLE) {
			v->outcome = DANE_UNUSABLE;
			continue;
		}
		summary->usable++;
		v->outcome = DANE_UNMATCHED;
		if (elements > 0 && judge_usable(&m, &in->records[i], v, f) < 0)
			goto out;
		if (v->outcome == DANE_MATCHED && summary->matching++ == 0)
			summary->first_match = (int)i;
	}
	rc = 0;
out:
	release(&m, elements);
	return rc;
}

int dane_match_leaf(const struct dane_input *in, const struct cert_info *leaf,
                    struct dane_verdict *verdicts, struct dane_summary *summary, struct fault *f)
{
	/* A shallow copy: the certificates stay the caller's, never cleared here. */
	struct cert_chain *chain = malloc(sizeof(*chain));
	struct dane_input swapped = *in;
	int rc;

	if (chain == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		return -1;
	}
	memcpy(chain, in->chain, sizeof(*chain));
	chain->items[0] = *leaf;
	if (chain->count == 0)
		chain->count = 1;
	/* The leaf's issuer is looked for among the served elements. */
	cert_chain_link(chain);
	swapped.chain = chain;
	rc = dane_match(&swapped, verdicts, summary, f);
	free(chain);
	return rc;
}

int dane_spki_sha256(gnutls_x509_crt_t crt, char hex[65], struct fault *f)
{
	gnutls_datum_t der = {NULL, 0};
	unsigned char sum[SHA256_SIZE];
	const gnutls_datum_t raw = {sum, sizeof(sum)};
	size_t size = 65;
	int ret = export_der(crt, DANE_SELECTOR_SPKI, &der);

	if (ret >= 0)
		ret = gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, sum);
	if (ret >= 0)
		ret = gnutls_hex_encode(&raw, hex, &size);
	gnutls_free(der.data);
	if (ret < 0) {
		hex[0] = '\0';
		fault_set(f, FAULT_INTERNAL, "cannot hash the leaf's key: %s",
		          gnutls_strerror(ret));
		return -1;
	}
	return 0;
}

/* Lowercase hex of LEN bytes of DATA into OUT (room for 2 * LEN + 1). */
static void to_hex(const unsigned char *data, size_t len, char *out)
{
	const gnutls_datum_t raw = {(unsigned char *)data, (unsigned)len};
	size_t size = 2 * len + 1;

	if (data == NULL || len == 0 || gnutls_hex_encode(&raw, out, &size) < 0)
		out[0] = '\0';
}

void dane_record_label(const struct dane_record *r, size_t index, char *buf, size_t size)
{
	char hex[2 * LABEL_BYTES + 1];
	size_t shown = r->len < LABEL_BYTES ? r->len : LABEL_BYTES;

	to_hex(r->data, shown, hex);
	if (r->len == 0)
		snprintf(buf, size, "%u %u %u #%zu (no data)", r->usage, r->selector, r->mtype,
		         index + 1);
	else if (r->data == NULL)
		snprintf(buf, size, "%u %u %u #%zu (%zu bytes)", r->usage, r->selector, r->mtype,
		         index + 1, r->len);
	else
		snprintf(buf, size, "%u %u %u #%zu (%s%s)", r->usage, r->selector, r->mtype,
		         index + 1, hex, r->len > LABEL_BYTES ? "..." : "");
}

char *dane_record_text(const struct dane_record *r)
{
	/* "255 255 255 " and the hex (none when the data was not kept). */
	size_t size = 13 + (r->data != NULL ? 2 * r->len : 0);
	char *text = malloc(size);
	int n;

	if (text == NULL)
		return NULL;
	n = snprintf(text, size, "%u %u %u ", r->usage, r->selector, r->mtype);
	to_hex(r->data, r->len, text + n);
	return text;
}
