#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_END   "-----END CERTIFICATE-----"
/* Rounds of "and their issuers": deeper than any real store's paths. */
#define MAX_ROUNDS 8

struct block {
	gnutls_datum_t pem; /* the whole block, markers included */
	const char *base64; /* its base64 text, line breaks removed */
	size_t base64_len;
	bool picked;
};

struct blocks {
	struct block *items;
	size_t count;
	char *text; /* every block's base64 text, one after the other */
};

struct picked {
	gnutls_x509_crt_t *items;
	size_t count;
	size_t room;
};

/* A name's bytes inside a DER certificate, at any offset, show in its base64
 * text as one of three strings: the encoding of the name without its first 0, 1
 * or 2 bytes, cut to whole 3-byte groups, whatever its neighbours. So a block is
 * searched without being decoded. */
struct name_texts {
	gnutls_datum_t shift[3];
};

static int grow(void **items, size_t *room, size_t size, size_t want)
{
	size_t room2 = *room ? *room * 2 : 16;
	void *p;

	if (want <= *room)
		return 0;
	while (room2 < want)
		room2 *= 2;
	p = realloc(*items, room2 * size);
	if (p == NULL)
		return -1;
	*items = p;
	*room = room2;
	return 0;
}

static int want_name(struct bundle_names *names, const gnutls_datum_t *dn)
{
	gnutls_datum_t copy;

	for (size_t i = 0; i < names->count; i++) {
		if (names->items[i].size == dn->size &&
		    memcmp(names->items[i].data, dn->data, dn->size) == 0)
			return 0;
	}
	if (grow((void **)&names->items, &names->room, sizeof(*names->items), names->count + 1) < 0)
		return -1;
	copy.data = malloc(dn->size ? dn->size : 1);
	if (copy.data == NULL)
		return -1;
	memcpy(copy.data, dn->data, dn->size);
	copy.size = dn->size;
	names->items[names->count++] = copy;
	return 0;
}

int bundle_want_names_of(struct bundle_names *names, gnutls_x509_crt_t crt, struct fault *f)
{
	gnutls_datum_t subject = {0}, issuer = {0};
	int rc = 0;

	/* A certificate without names anchors nothing by name. */
	if (gnutls_x509_crt_get_raw_dn(crt, &subject) < 0 ||
	    gnutls_x509_crt_get_raw_issuer_dn(crt, &issuer) < 0)
		goto out;
	if (want_name(names, &subject) < 0 || want_name(names, &issuer) < 0) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		rc = -1;
	}
out:
	gnutls_free(subject.data);
	gnutls_free(issuer.data);
	return rc;
}

void bundle_names_clear(struct bundle_names *names)
{
	for (size_t i = 0; i < names->count; i++)
		free(names->items[i].data);
	free(names->items);
	memset(names, 0, sizeof(*names));
}

/* Copy the base64 text between the markers of block B, without line breaks,
 * to *AT. */
static void strip_block(struct block *b, char **at)
{
	const char *p = (const char *)b->pem.data + strlen(PEM_BEGIN);
	const char *end = (const char *)b->pem.data + b->pem.size - strlen(PEM_END);

	b->base64 = *at;
	/* Line by line: PEM text is lines of 64 characters. */
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *stop = eol != NULL ? eol : end;
		size_t len = (size_t)(stop - p);

		while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		memcpy(*at, p, len);
		*at += len;
		p = stop + 1;
	}
	b->base64_len = (size_t)(*at - b->base64);
}

/* Every certificate block of PEM, found (not decoded, not parsed). */
static int find_blocks(const gnutls_datum_t *pem, struct blocks *out)
{
	const char *at = (const char *)pem->data, *end;
	size_t room = 0;
	char *text;

	while ((at = strstr(at, PEM_BEGIN)) != NULL && (end = strstr(at, PEM_END)) != NULL) {
		if (grow((void **)&out->items, &room, sizeof(*out->items), out->count + 1) < 0)
			return -1;
		out->items[out->count++] = (struct block){
		        .pem = {(unsigned char *)at, (unsigned)(end - at + strlen(PEM_END))},
		};
		at = end + strlen(PEM_END);
	}
	out->text = text = malloc(pem->size + 1);
	if (text == NULL)
		return -1;
	for (size_t i = 0; i < out->count; i++)
		strip_block(&out->items[i], &text);
	return 0;
}

static void free_blocks(struct blocks *blocks)
{
	free(blocks->items);
	free(blocks->text);
}

static void clear_texts(struct name_texts *t, size_t count)
{
	for (size_t i = 0; t != NULL && i < count; i++) {
		for (int s = 0; s < 3; s++)
			gnutls_free(t[i].shift[s].data);
	}
	free(t);
}

/* The texts of NAMES from FIRST on (those not searched for yet). */
static struct name_texts *encode_names(const struct bundle_names *names, size_t first)
{
	size_t count = names->count - first;
	struct name_texts *t = calloc(count ? count : 1, sizeof(*t));

	for (size_t i = 0; t != NULL && i < count; i++) {
		const gnutls_datum_t *name = &names->items[first + i];

		for (unsigned s = 0; s < 3 && name->size >= s + 3; s++) {
			gnutls_datum_t part = {name->data + s, (name->size - s) / 3 * 3};

			if (gnutls_base64_encode2(&part, &t[i].shift[s]) < 0) {
				clear_texts(t, count);
				return NULL;
			}
		}
	}
	return t;
}

static bool holds_a_name(const struct block *b, const struct name_texts *texts, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		for (int s = 0; s < 3; s++) {
			const gnutls_datum_t *t = &texts[i].shift[s];

			if (t->size > 0 && memmem(b->base64, b->base64_len, t->data, t->size))
				return true;
		}
	}
	return false;
}

/* Parse block B into PICKED and want its issuer's name. A block GnuTLS cannot
 * decode or parse is passed over. */
static int pick(struct block *b, struct picked *picked, struct bundle_names *names, struct fault *f)
{
	gnutls_datum_t der = {0};
	gnutls_x509_crt_t crt = NULL;
	int rc = 0;

	b->picked = true;
	if (gnutls_pem_base64_decode2("CERTIFICATE", &b->pem, &der) < 0)
		goto out;
	if (gnutls_x509_crt_init(&crt) < 0) {
		crt = NULL;
		goto oom;
	}
	if (gnutls_x509_crt_import(crt, &der, GNUTLS_X509_FMT_DER) < 0)
		goto out;
	if (grow((void **)&picked->items, &picked->room, sizeof(*picked->items),
	         picked->count + 1) < 0)
		goto oom;
	picked->items[picked->count++] = crt;
	crt = NULL;
	rc = bundle_want_names_of(names, picked->items[picked->count - 1], f);
	goto out;
oom:
	fault_set(f, FAULT_INTERNAL, "out of memory");
	rc = -1;
out:
	if (crt != NULL)
		gnutls_x509_crt_deinit(crt);
	gnutls_free(der.data);
	return rc;
}

/* One pass over the blocks not yet picked, against the names wanted since the
 * last pass (*FIRST on; earlier ones were searched for already); *MORE says
 * whether any was picked (and so may have added names). */
static int pick_round(struct blocks *blocks, struct picked *picked, struct bundle_names *names,
                      size_t *first, bool *more, struct fault *f)
{
	size_t count = names->count - *first;
	struct name_texts *texts = encode_names(names, *first);
	int rc = -1;

	*first = names->count;
	*more = false;
	if (texts == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < blocks->count; i++) {
		struct block *b = &blocks->items[i];

		if (b->picked || !holds_a_name(b, texts, count))
			continue;
		if (pick(b, picked, names, f) < 0)
			goto out;
		*more = true;
	}
	rc = 0;
out:
	clear_texts(texts, count);
	return rc;
}

int bundle_pick(const gnutls_datum_t *pem, struct bundle_names *names, gnutls_x509_crt_t **out,
                size_t *count, struct fault *f)
{
	struct blocks blocks = {0};
	struct picked picked = {0};
	size_t first = 0;
	bool more = true;
	int rc = -1;

	*out = NULL;
	*count = 0;
	if (find_blocks(pem, &blocks) < 0) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto out;
	}
	if (blocks.count == 0) {
		fault_set(f, FAULT_INTERNAL, "the system trust store holds no certificate");
		goto out;
	}
	for (int round = 0; more && round < MAX_ROUNDS; round++) {
		if (pick_round(&blocks, &picked, names, &first, &more, f) < 0)
			goto out;
	}
	*out = picked.items;
	*count = picked.count;
	picked.items = NULL;
	picked.count = 0;
	rc = 0;
out:
	for (size_t i = 0; i < picked.count; i++)
		gnutls_x509_crt_deinit(picked.items[i]);
	free(picked.items);
	free_blocks(&blocks);
	return rc;
}
