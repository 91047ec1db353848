/* TLSA records of any content held against a served chain (dane_match), and
 * named for the texts (dane_record_label, dane_record_text): the records are
 * the DNS's, so hostile. The input is one byte of flags (SMTP, the CA-store
 * check's verdict and how far it verified), then records of five bytes
 * (usage, selector, matching type, data source, data length) and their data.
 * Data source 1 or 2 replaces the data by what would match the leaf or the
 * root, so that the matching, the DANE-TA path and its verification are
 * reached too; bit 7 of it then flips a byte. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "dane.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECORDS 8
#define NOW         1780272000 /* 2026-06-01 */

static struct cert_chain chain;
static bool ready;

static int make(gnutls_x509_crt_t *crt, gnutls_x509_privkey_t *key, const char *cn, bool ca,
                gnutls_x509_crt_t issuer, gnutls_x509_privkey_t issuer_key)
{
	if (gnutls_x509_privkey_init(key) < 0 ||
	    gnutls_x509_privkey_generate(*key, GNUTLS_PK_ECDSA,
	                                 GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0 ||
	    gnutls_x509_crt_init(crt) < 0 || gnutls_x509_crt_set_version(*crt, 3) < 0 ||
	    gnutls_x509_crt_set_serial(*crt, cn, 1) < 0 ||
	    gnutls_x509_crt_set_dn_by_oid(*crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
	                                  (unsigned)strlen(cn)) < 0 ||
	    gnutls_x509_crt_set_key(*crt, *key) < 0 ||
	    gnutls_x509_crt_set_activation_time(*crt, NOW - 86400) < 0 ||
	    gnutls_x509_crt_set_expiration_time(*crt, NOW + 86400) < 0 ||
	    gnutls_x509_crt_set_basic_constraints(*crt, ca, -1) < 0 ||
	    (!ca &&
	     gnutls_x509_crt_set_subject_alt_name(*crt, GNUTLS_SAN_DNSNAME, cn,
	                                          (unsigned)strlen(cn), GNUTLS_FSAN_SET) < 0))
		return -1;
	return gnutls_x509_crt_sign2(*crt, issuer != NULL ? issuer : *crt,
	                             issuer_key != NULL ? issuer_key : *key, GNUTLS_DIG_SHA256, 0);
}

/* The chain served: a leaf "mx.fuzz.test" and the root that issued it. */
static int setup(void)
{
	gnutls_x509_crt_t root, leaf;
	gnutls_x509_privkey_t root_key, leaf_key;
	gnutls_datum_t der[2] = {{NULL, 0}, {NULL, 0}};
	struct fault f;

	if (make(&root, &root_key, "Fuzz Root", true, NULL, NULL) < 0 ||
	    make(&leaf, &leaf_key, "mx.fuzz.test", false, root, root_key) < 0 ||
	    gnutls_x509_crt_export2(leaf, GNUTLS_X509_FMT_DER, &der[0]) < 0 ||
	    gnutls_x509_crt_export2(root, GNUTLS_X509_FMT_DER, &der[1]) < 0 ||
	    cert_chain_load(&chain, der, 2, &f) < 0)
		abort();
	/* The chain holds copies of its own. */
	gnutls_free(der[0].data);
	gnutls_free(der[1].data);
	gnutls_x509_crt_deinit(leaf);
	gnutls_x509_crt_deinit(root);
	gnutls_x509_privkey_deinit(leaf_key);
	gnutls_x509_privkey_deinit(root_key);
	return 0;
}

/* What a record of SELECTOR and MTYPE holds for WHO (0 the leaf, 1 the
 * root), into BUF (room for 4096 bytes); its length, 0 when it does not fit. */
static size_t matching_data(size_t who, unsigned selector, unsigned mtype, unsigned char *buf)
{
	gnutls_x509_crt_t crt = chain.items[who].crt;
	gnutls_datum_t der = {NULL, 0};
	gnutls_pubkey_t key = NULL;
	size_t len = 0;
	int ret;

	if (selector == 1) {
		ret = gnutls_pubkey_init(&key);
		if (ret >= 0)
			ret = gnutls_pubkey_import_x509(key, crt, 0);
		if (ret >= 0)
			ret = gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, &der);
	} else {
		ret = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der);
	}
	if (ret < 0)
		goto out;
	if (mtype == 1 || mtype == 2) {
		gnutls_digest_algorithm_t algo = mtype == 1 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_SHA512;

		if (gnutls_hash_fast(algo, der.data, der.size, buf) >= 0)
			len = gnutls_hash_get_len(algo);
	} else if (der.size <= 4096) {
		memcpy(buf, der.data, der.size);
		len = der.size;
	}
out:
	gnutls_free(der.data);
	if (key != NULL)
		gnutls_pubkey_deinit(key);
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char made[MAX_RECORDS][4096];
	struct dane_record records[MAX_RECORDS];
	struct dane_verdict verdicts[MAX_RECORDS];
	struct dane_summary summary;
	struct dane_input in = {0};
	char label[64];
	struct fault f;
	size_t at = 1, count = 0;

	if (!ready)
		ready = setup() == 0;
	if (size < 1)
		return 0;
	in = (struct dane_input){
	        .records = records,
	        .chain = &chain,
	        .base_domain = "mx.fuzz.test",
	        .mx_host = (data[0] & 1) ? "mx.fuzz.test" : NULL,
	        .smtp = data[0] & 1,
	        .pkix_trusted = data[0] & 2,
	        .pkix_verified = (data[0] & 4)   ? DANE_PKIX_WHOLE_PATH
	                         : (data[0] & 8) ? (size_t)(data[0] >> 4) % 3
	                                         : DANE_PKIX_NONE,
	        .now = NOW,
	};
	while (count < MAX_RECORDS && size - at >= 5) {
		struct dane_record *r = &records[count];
		unsigned source = data[at + 3];
		size_t len = data[at + 4];

		*r = (struct dane_record){
		        .usage = data[at], .selector = data[at + 1], .mtype = data[at + 2]};
		at += 5;
		if (len > size - at)
			len = size - at;
		r->data = data + at;
		r->len = len;
		at += len;
		if ((source & 3) == 1 || (source & 3) == 2) {
			r->len =
			        matching_data((source & 3) - 1, r->selector, r->mtype, made[count]);
			r->data = made[count];
			if ((source & 0x80) && r->len > 0)
				made[count][source % r->len] ^= 0x01;
		} else if ((source & 3) == 3) {
			r->data = NULL; /* not read */
		}
		r->malformed = source == 0xff;
		count++;
	}
	in.count = count;
	if (dane_match(&in, verdicts, &summary, &f) < 0)
		return 0;
	for (size_t i = 0; i < count; i++) {
		char *text = dane_record_text(&records[i]);

		dane_record_label(&records[i], i, label, sizeof(label));
		if (summary.first_match >= 0 && (size_t)summary.first_match >= count)
			abort();
		free(text);
	}
	return 0;
}
