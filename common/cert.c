#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "cert.h"

#include "file.h"

/* A DNS name is at most 253 octets; a longer SAN entry is skipped, not truncated,
 * so a shortened name can never match by accident. */
#define SAN_MAX 256
/* RFC 5280 allows 20 octets of serial; keep room for non-conforming ones. */
#define SERIAL_RAW_MAX 64
#define SHA256_SIZE    32

typedef int (*dn_reader)(gnutls_x509_crt_t crt, gnutls_datum_t *dn, unsigned flags);

/* Names come from the peer and end up on a monitoring status line: a control
 * character (a newline above all) would forge or cut that line. */
static void make_printable(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	}
}

/* Lowercase hex of IN in OUT; empty when it does not fit (a serial longer than
 * RFC 5280's 20 octets by far). */
static void to_hex(char *out, size_t out_size, const unsigned char *in, size_t len)
{
	const gnutls_datum_t data = {(unsigned char *)in, (unsigned)len};
	size_t size = out_size;

	if (gnutls_hex_encode(&data, out, &size) < 0)
		out[0] = '\0';
}

/* The DN as allocated text; a DN GnuTLS cannot render reads as empty rather than
 * failing the check. NULL only when out of memory. */
static char *read_dn(gnutls_x509_crt_t crt, dn_reader reader)
{
	gnutls_datum_t dn = {NULL, 0};
	char *text;

	if (reader(crt, &dn, 0) < 0) {
		gnutls_free(dn.data);
		return strdup("");
	}
	text = strndup((const char *)dn.data, dn.size);
	gnutls_free(dn.data);
	if (text != NULL)
		make_printable(text);
	return text;
}

/* One SAN entry as text in OUT, or false when it is neither a DNS name nor an IP
 * address (or is malformed). */
static bool san_text(int type, const unsigned char *san, size_t size, char *out, size_t out_size)
{
	if (type == GNUTLS_SAN_DNSNAME) {
		if (size == 0 || size >= out_size)
			return false;
		memcpy(out, san, size);
		out[size] = '\0';
		make_printable(out);
		return true;
	}
	if (type == GNUTLS_SAN_IPADDRESS && size == 4)
		return inet_ntop(AF_INET, san, out, out_size) != NULL;
	if (type == GNUTLS_SAN_IPADDRESS && size == 16)
		return inet_ntop(AF_INET6, san, out, out_size) != NULL;
	return false;
}

static int read_sans(struct cert_info *c, struct fault *f)
{
	unsigned char san[SAN_MAX];
	char text[SAN_MAX];
	unsigned seq;
	size_t size;
	int type;

	for (seq = 0; c->san_count < CERT_MAX_SANS; seq++) {
		size = sizeof(san);
		type = gnutls_x509_crt_get_subject_alt_name(c->crt, seq, san, &size, NULL);
		if (type == GNUTLS_E_SHORT_MEMORY_BUFFER)
			continue;
		/* The end of the list, or a malformed extension: keep what was read. */
		if (type < 0)
			break;
		if (!san_text(type, san, size, text, sizeof(text)))
			continue;
		c->sans[c->san_count] = strdup(text);
		if (c->sans[c->san_count] == NULL) {
			fault_set(f, FAULT_INTERNAL, "out of memory");
			return -1;
		}
		c->san_count++;
	}
	return 0;
}

typedef int (*cn_reader)(gnutls_x509_crt_t crt, const char *oid, unsigned indx, unsigned raw,
                         void *buf, size_t *size);

/* "CN=<the CN>" in LABEL, made printable; false when there is no CN (or none that
 * fits). */
static bool cn_label(gnutls_x509_crt_t crt, cn_reader reader, char *label, size_t label_size)
{
	char cn[CERT_LABEL_SIZE - 3];
	size_t size = sizeof(cn);

	if (reader(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size) != 0 || size >= sizeof(cn))
		return false;
	cn[size] = '\0';
	make_printable(cn);
	snprintf(label, label_size, "CN=%s", cn);
	return true;
}

static void read_label(struct cert_info *c)
{
	if (cn_label(c->crt, gnutls_x509_crt_get_dn_by_oid, c->label, sizeof(c->label)))
		return;
	if (c->subject[0] != '\0')
		snprintf(c->label, sizeof(c->label), "%s", c->subject);
	else if (c->san_count > 0)
		/* A subject-less certificate is named by its SANs alone (RFC 5280 4.2.1.6). */
		snprintf(c->label, sizeof(c->label), "%s", c->sans[0]);
	else
		snprintf(c->label, sizeof(c->label), "(empty subject)");
}

static void read_issuer_label(struct cert_info *c)
{
	if (cn_label(c->crt, gnutls_x509_crt_get_issuer_dn_by_oid, c->issuer_label,
	             sizeof(c->issuer_label)))
		return;
	snprintf(c->issuer_label, sizeof(c->issuer_label), "%s",
	         c->issuer[0] != '\0' ? c->issuer : "(empty issuer)");
}

static void read_serial(struct cert_info *c)
{
	unsigned char raw[SERIAL_RAW_MAX];
	size_t size = sizeof(raw);

	/* As GnuTLS and certtool show it: the DER integer's bytes, sign octet included. */
	if (gnutls_x509_crt_get_serial(c->crt, raw, &size) == 0)
		to_hex(c->serial, sizeof(c->serial), raw, size);
	else
		c->serial[0] = '\0';
}

/* Over the DER as served: gnutls_x509_crt_get_fingerprint() would encode the
 * certificate again first, at ten times the cost of the hash. */
static int read_sha256(struct cert_info *c, const gnutls_datum_t *der, struct fault *f)
{
	unsigned char digest[SHA256_SIZE];
	int ret;

	ret = gnutls_hash_fast(GNUTLS_DIG_SHA256, der->data, der->size, digest);
	if (ret < 0) {
		fault_set(f, FAULT_INTERNAL, "cannot compute a SHA-256 fingerprint: %s",
		          gnutls_strerror(ret));
		return -1;
	}
	to_hex(c->sha256, sizeof(c->sha256), digest, sizeof(digest));
	return 0;
}

static enum cert_role role_at(bool self_signed, size_t index)
{
	if (index == 0)
		return CERT_LEAF;
	if (self_signed)
		return CERT_ROOT;
	return CERT_INTERMEDIATE;
}

/* "P-256" for the NIST curves, as operators and CAs name them; GnuTLS's name
 * for the others. */
static const char *curve_name(gnutls_ecc_curve_t curve)
{
	switch (curve) {
	case GNUTLS_ECC_CURVE_SECP256R1:
		return "P-256";
	case GNUTLS_ECC_CURVE_SECP384R1:
		return "P-384";
	case GNUTLS_ECC_CURVE_SECP521R1:
		return "P-521";
	default: {
		const char *name = gnutls_ecc_curve_get_name(curve);

		return name != NULL ? name : "unknown curve";
	}
	}
}

static void read_ec_key(struct cert_info *c)
{
	gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
	gnutls_datum_t x = {NULL, 0}, y = {NULL, 0};

	if (gnutls_x509_crt_get_pk_ecc_raw(c->crt, &curve, &x, &y) < 0)
		curve = GNUTLS_ECC_CURVE_INVALID;
	gnutls_free(x.data);
	gnutls_free(y.data);
	snprintf(c->key, sizeof(c->key), "EC %s", curve_name(curve));
}

/* "RSA 2048", "EC P-256", "Ed25519": what an operator compares with policy. */
static void read_key(struct cert_info *c)
{
	const char *name;
	int algorithm;

	algorithm = gnutls_x509_crt_get_pk_algorithm(c->crt, &c->key_bits);
	c->key_algorithm = algorithm < 0 ? GNUTLS_PK_UNKNOWN : (gnutls_pk_algorithm_t)algorithm;
	switch (c->key_algorithm) {
	case GNUTLS_PK_ECDSA:
		read_ec_key(c);
		return;
	case GNUTLS_PK_EDDSA_ED25519:
		snprintf(c->key, sizeof(c->key), "Ed25519");
		return;
	case GNUTLS_PK_EDDSA_ED448:
		snprintf(c->key, sizeof(c->key), "Ed448");
		return;
	default:
		name = gnutls_pk_get_name(c->key_algorithm);
		snprintf(c->key, sizeof(c->key), "%s %u", name != NULL ? name : "unknown",
		         c->key_bits);
	}
}

static void read_signature(struct cert_info *c)
{
	int algorithm = gnutls_x509_crt_get_signature_algorithm(c->crt);
	const char *name = NULL;
	size_t size = sizeof(c->signature);

	c->signature_hash = GNUTLS_DIG_UNKNOWN;
	if (algorithm > 0) {
		name = gnutls_sign_get_name((gnutls_sign_algorithm_t)algorithm);
		c->signature_hash =
		        gnutls_sign_get_hash_algorithm((gnutls_sign_algorithm_t)algorithm);
	}
	if (name != NULL)
		snprintf(c->signature, sizeof(c->signature), "%s", name);
	else if (gnutls_x509_crt_get_signature_oid(c->crt, c->signature, &size) < 0)
		snprintf(c->signature, sizeof(c->signature), "unknown");
}

/* GnuTLS gives a time before 1970 as the epoch (a certificate of 1950 would
 * read "expired 1970-01-01"); the DER holds the true one, read only then. */
static time_t true_time(time_t gnutls_time, bool raw, const struct validity_time *t)
{
	char why[VALIDITY_WHY_SIZE];
	time_t written;

	if (raw && gnutls_time <= 0 && validity_parse(t, &written, why, sizeof(why)) && written < 0)
		return written;
	return gnutls_time;
}

static void read_times(struct cert_info *c, const gnutls_datum_t *der)
{
	c->raw_times =
	        validity_read(der->data, der->size, &c->not_before_raw, &c->not_after_raw) == 0;
	c->not_before = true_time(gnutls_x509_crt_get_activation_time(c->crt), c->raw_times,
	                          &c->not_before_raw);
	c->not_after = true_time(gnutls_x509_crt_get_expiration_time(c->crt), c->raw_times,
	                         &c->not_after_raw);
}

static int load_one(struct cert_info *c, const gnutls_datum_t *der, size_t index, struct fault *f)
{
	int ret;

	ret = gnutls_x509_crt_init(&c->crt);
	if (ret < 0) {
		c->crt = NULL;
		fault_set(f, FAULT_INTERNAL, "cannot allocate a certificate: %s",
		          gnutls_strerror(ret));
		return -1;
	}
	ret = gnutls_x509_crt_import(c->crt, der, GNUTLS_X509_FMT_DER);
	if (ret < 0) {
		fault_set(f, FAULT_PEER, "certificate %zu of the served chain cannot be parsed: %s",
		          index + 1, gnutls_strerror(ret));
		return -1;
	}
	c->subject = read_dn(c->crt, gnutls_x509_crt_get_dn3);
	c->issuer = read_dn(c->crt, gnutls_x509_crt_get_issuer_dn3);
	if (c->subject == NULL || c->issuer == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		return -1;
	}
	if (read_sans(c, f) < 0 || read_sha256(c, der, f) < 0)
		return -1;
	read_label(c);
	read_issuer_label(c);
	read_serial(c);
	read_key(c);
	read_signature(c);
	c->self_signed = gnutls_x509_crt_check_issuer(c->crt, c->crt) != 0;
	c->role = role_at(c->self_signed, index);
	read_times(c, der);
	return 0;
}

/* gnutls_x509_crt_check_issuer() compares names and key identifiers: a fiftieth
 * of a handshake a call, so its answers are read once, here. */
static int find_issuer(const struct cert_chain *chain, size_t index)
{
	const struct cert_info *c = &chain->items[index];

	for (size_t i = 0; i < chain->count; i++) {
		if (i != index && gnutls_x509_crt_check_issuer(c->crt, chain->items[i].crt))
			return (int)i;
	}
	return c->self_signed ? (int)index : -1;
}

void cert_chain_link(struct cert_chain *chain)
{
	for (size_t i = 0; i < chain->count; i++)
		chain->items[i].issuer_at = find_issuer(chain, i);
}

int cert_chain_load(struct cert_chain *chain, const gnutls_datum_t *der, size_t count,
                    struct fault *f)
{
	size_t kept = count < CERT_MAX_CHAIN ? count : CERT_MAX_CHAIN;
	size_t i;
	int rc = -1;

	for (i = 0; i < kept; i++) {
		/* Counted before it is filled, so a clear releases a half-read element. */
		chain->count = i + 1;
		if (load_one(&chain->items[i], &der[i], i, f) < 0)
			goto out;
	}
	chain->cut = count > kept;
	cert_chain_link(chain);
	rc = 0;
out:
	if (rc < 0)
		cert_chain_clear(chain);
	return rc;
}

/* The DER of the first certificate in DATA, PEM or DER, into *DER (allocated).
 * Returns 0; GnuTLS's error when DATA holds a PEM certificate it cannot read
 * (truncated, garbled); or 1 when DATA holds no certificate. */
static int first_certificate(const gnutls_datum_t *data, gnutls_datum_t *der)
{
	bool pem = strstr((const char *)data->data, "-----BEGIN CERTIFICATE") != NULL;
	gnutls_x509_crt_t *list = NULL;
	unsigned count = 0;
	int ret;

	ret = gnutls_x509_crt_list_import2(&list, &count, data, GNUTLS_X509_FMT_PEM, 0);
	if (!pem && (ret < 0 || count == 0))
		ret = gnutls_x509_crt_list_import2(&list, &count, data, GNUTLS_X509_FMT_DER, 0);
	if (ret >= 0 && count > 0)
		ret = gnutls_x509_crt_export2(list[0], GNUTLS_X509_FMT_DER, der);
	for (unsigned i = 0; i < count; i++)
		gnutls_x509_crt_deinit(list[i]);
	gnutls_free(list);
	if (ret < 0 && pem)
		return ret;
	return ret >= 0 && count > 0 ? 0 : 1;
}

int cert_load_file(struct cert_chain *chain, const char *path, const char *what, struct fault *f)
{
	gnutls_datum_t data = {NULL, 0};
	gnutls_datum_t der = {NULL, 0};
	int ret, rc = -1;

	if (file_read_bounded(path, what, FILE_CA_MAX, &data, f) < 0)
		goto out;
	ret = first_certificate(&data, &der);
	if (ret < 0) {
		fault_set(f, FAULT_INTERNAL, "%s '%s' cannot be parsed: %s", what, path,
		          file_parse_error(ret));
		goto out;
	}
	if (ret > 0) {
		fault_set(f, FAULT_INTERNAL, "%s '%s' holds no certificate", what, path);
		goto out;
	}
	rc = cert_chain_load(chain, &der, 1, f);
	if (rc < 0)
		fault_set(f, FAULT_INTERNAL, "%s '%s' holds no readable certificate", what, path);
out:
	gnutls_free(der.data);
	file_release(&data);
	return rc;
}

int cert_read_summary(gnutls_x509_crt_t crt, struct cert_info *out, struct fault *f)
{
	gnutls_datum_t der = {NULL, 0};
	int rc = -1;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der);
	if (ret < 0) {
		fault_set(f, FAULT_INTERNAL, "cannot export a certificate: %s",
		          gnutls_strerror(ret));
		goto out;
	}
	/* Lent to the readers below, never kept: OUT owns nothing when this returns. */
	out->crt = crt;
	if (!cn_label(crt, gnutls_x509_crt_get_dn_by_oid, out->label, sizeof(out->label))) {
		/* A CA's subject is never empty (RFC 5280 4.1.2.6), so its SANs, which
		 * are not read here, never name it. */
		out->subject = read_dn(crt, gnutls_x509_crt_get_dn3);
		if (out->subject == NULL) {
			fault_set(f, FAULT_INTERNAL, "out of memory");
			goto out;
		}
		read_label(out);
	}
	read_times(out, &der);
	out->self_signed = gnutls_x509_crt_check_issuer(crt, crt) != 0;
	rc = 0;
out:
	free(out->subject);
	out->subject = NULL;
	out->crt = NULL;
	gnutls_free(der.data);
	return rc;
}

bool cert_issued_by(const struct cert_info *subject, const struct cert_info *issuer)
{
	return subject->crt != NULL && issuer->crt != NULL &&
	       gnutls_x509_crt_check_issuer(subject->crt, issuer->crt) != 0;
}

void cert_info_clear(struct cert_info *c)
{
	if (c->crt != NULL)
		gnutls_x509_crt_deinit(c->crt);
	free(c->subject);
	free(c->issuer);
	for (size_t j = 0; j < c->san_count; j++)
		free(c->sans[j]);
	memset(c, 0, sizeof(*c));
}

void cert_chain_clear(struct cert_chain *chain)
{
	/* Only what was used: the elements past COUNT are zero already, and the
	 * whole chain is tens of kilobytes. */
	for (size_t i = 0; i < chain->count; i++)
		cert_info_clear(&chain->items[i]);
	chain->count = 0;
	chain->cut = false;
}

bool cert_matches_name(const struct cert_info *c, const char *ascii_name)
{
	if (c->crt == NULL || ascii_name == NULL || ascii_name[0] == '\0')
		return false;
	/* GnuTLS applies RFC 6125: SANs first, the CN only without DNS SANs, a wildcard
	 * for one leftmost label, IP literals against IP SANs. */
	return gnutls_x509_crt_check_hostname2(c->crt, ascii_name, 0) != 0;
}

size_t cert_chain_earliest_expiry(const struct cert_chain *chain)
{
	size_t earliest = 0;
	size_t i;

	for (i = 1; i < chain->count; i++) {
		if (chain->items[i].not_after < chain->items[earliest].not_after)
			earliest = i;
	}
	return earliest;
}

int cert_chain_issuer_of(const struct cert_chain *chain, size_t index)
{
	return chain->items[index].issuer_at;
}
