/* hpack — RFC 7541's decoder of header blocks and the literal encoding of one
 * field. Section numbers below are RFC 7541's. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hpack.h"

/* Appendix A. */
static const struct {
	const char *name;
	const char *value;
} static_table[HPACK_STATIC_ENTRIES] = {
        {":authority", ""},
        {":method", "GET"},
        {":method", "POST"},
        {":path", "/"},
        {":path", "/index.html"},
        {":scheme", "http"},
        {":scheme", "https"},
        {":status", "200"},
        {":status", "204"},
        {":status", "206"},
        {":status", "304"},
        {":status", "400"},
        {":status", "404"},
        {":status", "500"},
        {"accept-charset", ""},
        {"accept-encoding", "gzip, deflate"},
        {"accept-language", ""},
        {"accept-ranges", ""},
        {"accept", ""},
        {"access-control-allow-origin", ""},
        {"age", ""},
        {"allow", ""},
        {"authorization", ""},
        {"cache-control", ""},
        {"content-disposition", ""},
        {"content-encoding", ""},
        {"content-language", ""},
        {"content-length", ""},
        {"content-location", ""},
        {"content-range", ""},
        {"content-type", ""},
        {"cookie", ""},
        {"date", ""},
        {"etag", ""},
        {"expect", ""},
        {"expires", ""},
        {"from", ""},
        {"host", ""},
        {"if-match", ""},
        {"if-modified-since", ""},
        {"if-none-match", ""},
        {"if-range", ""},
        {"if-unmodified-since", ""},
        {"last-modified", ""},
        {"link", ""},
        {"location", ""},
        {"max-forwards", ""},
        {"proxy-authenticate", ""},
        {"proxy-authorization", ""},
        {"range", ""},
        {"referer", ""},
        {"refresh", ""},
        {"retry-after", ""},
        {"server", ""},
        {"set-cookie", ""},
        {"strict-transport-security", ""},
        {"transfer-encoding", ""},
        {"user-agent", ""},
        {"vary", ""},
        {"via", ""},
        {"www-authenticate", ""},
};

#define HUFFMAN_SYMBOLS  257
#define HUFFMAN_EOS      256
#define HUFFMAN_MAX_BITS 30

/* Appendix B: each symbol's code, aligned to the least significant bit, and
 * its length in bits. */
static const struct {
	uint32_t code;
	uint8_t bits;
} huffman_table[HUFFMAN_SYMBOLS] = {
        {0x1ff8, 13},     {0x7fffd8, 23},   {0xfffffe2, 28},  {0xfffffe3, 28}, /* 0-3 */
        {0xfffffe4, 28},  {0xfffffe5, 28},  {0xfffffe6, 28},  {0xfffffe7, 28}, /* 4-7 */
        {0xfffffe8, 28},  {0xffffea, 24},   {0x3ffffffc, 30}, {0xfffffe9, 28}, /* 8-11 */
        {0xfffffea, 28},  {0x3ffffffd, 30}, {0xfffffeb, 28},  {0xfffffec, 28}, /* 12-15 */
        {0xfffffed, 28},  {0xfffffee, 28},  {0xfffffef, 28},  {0xffffff0, 28}, /* 16-19 */
        {0xffffff1, 28},  {0xffffff2, 28},  {0x3ffffffe, 30}, {0xffffff3, 28}, /* 20-23 */
        {0xffffff4, 28},  {0xffffff5, 28},  {0xffffff6, 28},  {0xffffff7, 28}, /* 24-27 */
        {0xffffff8, 28},  {0xffffff9, 28},  {0xffffffa, 28},  {0xffffffb, 28}, /* 28-31 */
        {0x14, 6},        {0x3f8, 10},      {0x3f9, 10},      {0xffa, 12},     /* 32-35 */
        {0x1ff9, 13},     {0x15, 6},        {0xf8, 8},        {0x7fa, 11},     /* 36-39 */
        {0x3fa, 10},      {0x3fb, 10},      {0xf9, 8},        {0x7fb, 11},     /* 40-43 */
        {0xfa, 8},        {0x16, 6},        {0x17, 6},        {0x18, 6},       /* 44-47 */
        {0x0, 5},         {0x1, 5},         {0x2, 5},         {0x19, 6},       /* 48-51 */
        {0x1a, 6},        {0x1b, 6},        {0x1c, 6},        {0x1d, 6},       /* 52-55 */
        {0x1e, 6},        {0x1f, 6},        {0x5c, 7},        {0xfb, 8},       /* 56-59 */
        {0x7ffc, 15},     {0x20, 6},        {0xffb, 12},      {0x3fc, 10},     /* 60-63 */
        {0x1ffa, 13},     {0x21, 6},        {0x5d, 7},        {0x5e, 7},       /* 64-67 */
        {0x5f, 7},        {0x60, 7},        {0x61, 7},        {0x62, 7},       /* 68-71 */
        {0x63, 7},        {0x64, 7},        {0x65, 7},        {0x66, 7},       /* 72-75 */
        {0x67, 7},        {0x68, 7},        {0x69, 7},        {0x6a, 7},       /* 76-79 */
        {0x6b, 7},        {0x6c, 7},        {0x6d, 7},        {0x6e, 7},       /* 80-83 */
        {0x6f, 7},        {0x70, 7},        {0x71, 7},        {0x72, 7},       /* 84-87 */
        {0xfc, 8},        {0x73, 7},        {0xfd, 8},        {0x1ffb, 13},    /* 88-91 */
        {0x7fff0, 19},    {0x1ffc, 13},     {0x3ffc, 14},     {0x22, 6},       /* 92-95 */
        {0x7ffd, 15},     {0x3, 5},         {0x23, 6},        {0x4, 5},        /* 96-99 */
        {0x24, 6},        {0x5, 5},         {0x25, 6},        {0x26, 6},       /* 100-103 */
        {0x27, 6},        {0x6, 5},         {0x74, 7},        {0x75, 7},       /* 104-107 */
        {0x28, 6},        {0x29, 6},        {0x2a, 6},        {0x7, 5},        /* 108-111 */
        {0x2b, 6},        {0x76, 7},        {0x2c, 6},        {0x8, 5},        /* 112-115 */
        {0x9, 5},         {0x2d, 6},        {0x77, 7},        {0x78, 7},       /* 116-119 */
        {0x79, 7},        {0x7a, 7},        {0x7b, 7},        {0x7ffe, 15},    /* 120-123 */
        {0x7fc, 11},      {0x3ffd, 14},     {0x1ffd, 13},     {0xffffffc, 28}, /* 124-127 */
        {0xfffe6, 20},    {0x3fffd2, 22},   {0xfffe7, 20},    {0xfffe8, 20},   /* 128-131 */
        {0x3fffd3, 22},   {0x3fffd4, 22},   {0x3fffd5, 22},   {0x7fffd9, 23},  /* 132-135 */
        {0x3fffd6, 22},   {0x7fffda, 23},   {0x7fffdb, 23},   {0x7fffdc, 23},  /* 136-139 */
        {0x7fffdd, 23},   {0x7fffde, 23},   {0xffffeb, 24},   {0x7fffdf, 23},  /* 140-143 */
        {0xffffec, 24},   {0xffffed, 24},   {0x3fffd7, 22},   {0x7fffe0, 23},  /* 144-147 */
        {0xffffee, 24},   {0x7fffe1, 23},   {0x7fffe2, 23},   {0x7fffe3, 23},  /* 148-151 */
        {0x7fffe4, 23},   {0x1fffdc, 21},   {0x3fffd8, 22},   {0x7fffe5, 23},  /* 152-155 */
        {0x3fffd9, 22},   {0x7fffe6, 23},   {0x7fffe7, 23},   {0xffffef, 24},  /* 156-159 */
        {0x3fffda, 22},   {0x1fffdd, 21},   {0xfffe9, 20},    {0x3fffdb, 22},  /* 160-163 */
        {0x3fffdc, 22},   {0x7fffe8, 23},   {0x7fffe9, 23},   {0x1fffde, 21},  /* 164-167 */
        {0x7fffea, 23},   {0x3fffdd, 22},   {0x3fffde, 22},   {0xfffff0, 24},  /* 168-171 */
        {0x1fffdf, 21},   {0x3fffdf, 22},   {0x7fffeb, 23},   {0x7fffec, 23},  /* 172-175 */
        {0x1fffe0, 21},   {0x1fffe1, 21},   {0x3fffe0, 22},   {0x1fffe2, 21},  /* 176-179 */
        {0x7fffed, 23},   {0x3fffe1, 22},   {0x7fffee, 23},   {0x7fffef, 23},  /* 180-183 */
        {0xfffea, 20},    {0x3fffe2, 22},   {0x3fffe3, 22},   {0x3fffe4, 22},  /* 184-187 */
        {0x7ffff0, 23},   {0x3fffe5, 22},   {0x3fffe6, 22},   {0x7ffff1, 23},  /* 188-191 */
        {0x3ffffe0, 26},  {0x3ffffe1, 26},  {0xfffeb, 20},    {0x7fff1, 19},   /* 192-195 */
        {0x3fffe7, 22},   {0x7ffff2, 23},   {0x3fffe8, 22},   {0x1ffffec, 25}, /* 196-199 */
        {0x3ffffe2, 26},  {0x3ffffe3, 26},  {0x3ffffe4, 26},  {0x7ffffde, 27}, /* 200-203 */
        {0x7ffffdf, 27},  {0x3ffffe5, 26},  {0xfffff1, 24},   {0x1ffffed, 25}, /* 204-207 */
        {0x7fff2, 19},    {0x1fffe3, 21},   {0x3ffffe6, 26},  {0x7ffffe0, 27}, /* 208-211 */
        {0x7ffffe1, 27},  {0x3ffffe7, 26},  {0x7ffffe2, 27},  {0xfffff2, 24},  /* 212-215 */
        {0x1fffe4, 21},   {0x1fffe5, 21},   {0x3ffffe8, 26},  {0x3ffffe9, 26}, /* 216-219 */
        {0xffffffd, 28},  {0x7ffffe3, 27},  {0x7ffffe4, 27},  {0x7ffffe5, 27}, /* 220-223 */
        {0xfffec, 20},    {0xfffff3, 24},   {0xfffed, 20},    {0x1fffe6, 21},  /* 224-227 */
        {0x3fffe9, 22},   {0x1fffe7, 21},   {0x1fffe8, 21},   {0x7ffff3, 23},  /* 228-231 */
        {0x3fffea, 22},   {0x3fffeb, 22},   {0x1ffffee, 25},  {0x1ffffef, 25}, /* 232-235 */
        {0xfffff4, 24},   {0xfffff5, 24},   {0x3ffffea, 26},  {0x7ffff4, 23},  /* 236-239 */
        {0x3ffffeb, 26},  {0x7ffffe6, 27},  {0x3ffffec, 26},  {0x3ffffed, 26}, /* 240-243 */
        {0x7ffffe7, 27},  {0x7ffffe8, 27},  {0x7ffffe9, 27},  {0x7ffffea, 27}, /* 244-247 */
        {0x7ffffeb, 27},  {0xffffffe, 28},  {0x7ffffec, 27},  {0x7ffffed, 27}, /* 248-251 */
        {0x7ffffee, 27},  {0x7ffffef, 27},  {0x7fffff0, 27},  {0x3ffffee, 26}, /* 252-255 */
        {0x3fffffff, 30},                                                      /* 256, EOS */
};

/* The block being decoded, and whether a field has come yet. */
struct block {
	const unsigned char *p;
	size_t left;
	bool fields;
	hpack_field_visitor visit;
	void *arg;
};

static int malformed(struct fault *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int malformed(struct fault *f, const char *fmt, ...)
{
	char what[FAULT_TEXT_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fault_set(f, FAULT_PEER, "malformed HTTP/2 header block: %s", what);
	return -1;
}

/* Appendix B's code is canonical: the codes of one length are consecutive, in
 * the order of their symbols, so a code's symbol is found from its length's
 * first code and a count, with no tree to build or walk. */
static void huffman_init(struct hpack_huffman *h)
{
	uint16_t next[HUFFMAN_MAX_BITS + 1];
	uint16_t at = 0;

	memset(h, 0, sizeof(*h));
	for (unsigned s = 0; s < HUFFMAN_SYMBOLS; s++)
		h->count[huffman_table[s].bits]++;
	for (unsigned bits = 1; bits <= HUFFMAN_MAX_BITS; bits++) {
		h->start[bits] = next[bits] = at;
		at += h->count[bits];
	}
	for (unsigned s = 0; s < HUFFMAN_SYMBOLS; s++) {
		unsigned bits = huffman_table[s].bits;

		if (next[bits] == h->start[bits])
			h->first[bits] = huffman_table[s].code;
		h->symbols[next[bits]++] = (uint16_t)s;
	}
}

/* The symbol whose code is the BITS bits of CODE, or -1 if none is. */
static int huffman_symbol(const struct hpack_huffman *h, uint32_t code, unsigned bits)
{
	/* The code is complete, so 30 bits always end a symbol; the bound only
	 * keeps the arrays' indexes in reach whatever happens. */
	if (bits > HUFFMAN_MAX_BITS || code - h->first[bits] >= h->count[bits])
		return -1;
	return h->symbols[h->start[bits] + (code - h->first[bits])];
}

/* The Huffman string IN of SIZE octets into OUT (5.2): EOS is refused in it,
 * and what follows the last symbol must be fewer than 8 bits, all ones (the
 * start of EOS). */
static int huffman_decode(const struct hpack_huffman *h, const unsigned char *in, size_t size,
                          char *out, size_t *len, const char *what, struct fault *f)
{
	uint32_t code = 0;
	unsigned bits = 0;
	size_t n = 0;

	for (size_t i = 0; i < size * 8; i++) {
		int symbol;

		code = code << 1 | ((in[i / 8] >> (7 - i % 8)) & 1);
		symbol = huffman_symbol(h, code, ++bits);
		if (symbol < 0)
			continue;
		if (symbol == HUFFMAN_EOS)
			return malformed(f, "%s: EOS in a Huffman string", what);
		if (n == HPACK_STRING_MAX)
			return malformed(f, "%s longer than %d octets", what, HPACK_STRING_MAX);
		out[n++] = (char)symbol;
		code = 0;
		bits = 0;
	}
	if (bits > 7)
		return malformed(f, "%s: Huffman padding longer than 7 bits", what);
	if (code != (1u << bits) - 1)
		return malformed(f, "%s: Huffman padding not all ones", what);
	out[n] = '\0';
	*len = n;
	return 0;
}

/* An integer with a PREFIX-bit prefix (5.1), from a block with an octet left.
 * Four octets at most may follow the prefix: their 28 bits pass every index,
 * length and table size this decoder accepts, and no value of five octets can
 * overflow 32 bits. */
static int read_integer(struct block *b, unsigned prefix, uint32_t *out, struct fault *f)
{
	uint32_t max = (1u << prefix) - 1;
	uint32_t value = *b->p & max;
	unsigned char octet;

	b->p++;
	b->left--;
	if (value < max) {
		*out = value;
		return 0;
	}
	for (unsigned shift = 0;; shift += 7) {
		if (shift == 28)
			return malformed(f, "integer longer than 5 octets");
		if (b->left == 0)
			return malformed(f, "the block ends inside an integer");
		octet = *b->p++;
		b->left--;
		value += (uint32_t)(octet & 0x7f) << shift;
		if ((octet & 0x80) == 0)
			break;
	}
	*out = value;
	return 0;
}

/* A string literal (5.2), raw or Huffman-coded, into OUT, which holds
 * HPACK_STRING_MAX octets and a NUL. WHAT names it in a fault. */
static int read_string(const struct hpack_decoder *d, struct block *b, char *out, size_t *len,
                       const char *what, struct fault *f)
{
	const unsigned char *text;
	uint32_t length;
	bool huffman;

	if (b->left == 0)
		return malformed(f, "the block ends before the %s", what);
	huffman = (*b->p & 0x80) != 0;
	if (read_integer(b, 7, &length, f) < 0)
		return -1;
	if (length > b->left)
		return malformed(f, "%s: length %u past the end of the block (%zu octets left)",
		                 what, (unsigned)length, b->left);
	text = b->p;
	b->p += length;
	b->left -= length;
	if (huffman)
		return huffman_decode(&d->huffman, text, length, out, len, what, f);
	if (length > HPACK_STRING_MAX)
		return malformed(f, "%s longer than %d octets", what, HPACK_STRING_MAX);
	memcpy(out, text, length);
	out[length] = '\0';
	*len = length;
	return 0;
}

/* Entry INDEX of the static table, then of the dynamic one, newest first
 * (2.3.3), as FIELD. */
static int lookup(const struct hpack_decoder *d, uint32_t index, struct hpack_field *field,
                  struct fault *f)
{
	const struct hpack_entry *e;

	if (index == 0)
		return malformed(f, "index 0");
	if (index <= HPACK_STATIC_ENTRIES) {
		field->name = static_table[index - 1].name;
		field->value = static_table[index - 1].value;
		field->name_len = strlen(field->name);
		field->value_len = strlen(field->value);
		return 0;
	}
	if (index - HPACK_STATIC_ENTRIES > d->count)
		return malformed(f,
		                 "index %u past the static and dynamic tables (%d + %zu entries)",
		                 (unsigned)index, HPACK_STATIC_ENTRIES, d->count);
	e = &d->entries[d->count - (index - HPACK_STATIC_ENTRIES)];
	field->name = d->data + e->offset;
	field->name_len = e->name_len;
	field->value = field->name + e->name_len + 1;
	field->value_len = e->value_len;
	return 0;
}

/* Drop the oldest entries until those left take at most LIMIT octets (4.3,
 * 4.4). The data stays packed from the start of the table's bytes, so each
 * entry's name and value are contiguous and handed out as they are. */
static void evict(struct hpack_decoder *d, size_t limit)
{
	size_t n = 0, freed = 0;

	while (d->used > limit) {
		const struct hpack_entry *e = &d->entries[n++];

		d->used -= e->name_len + e->value_len + HPACK_ENTRY_OVERHEAD;
		freed += e->name_len + e->value_len + 2u;
	}
	if (n == 0)
		return;
	d->bytes -= freed;
	d->count -= n;
	memmove(d->data, d->data + freed, d->bytes);
	memmove(d->entries, d->entries + n, d->count * sizeof(*d->entries));
	for (size_t i = 0; i < d->count; i++)
		d->entries[i].offset = (uint16_t)(d->entries[i].offset - freed);
}

/* Add the field in D->name and D->value as the newest entry (4.4). Its name is
 * a copy, since the entry it was taken from may be the one evicted to make
 * room. An entry larger than the table empties it and is not added. Room is
 * certain: the entries' sizes stay within the table's, and each costs its 32
 * octets of overhead but only 2 of data, so they never outnumber
 * HPACK_TABLE_CAPACITY / 32 nor their bytes HPACK_TABLE_CAPACITY. */
static void insert(struct hpack_decoder *d, size_t name_len, size_t value_len)
{
	size_t size = name_len + value_len + HPACK_ENTRY_OVERHEAD;
	struct hpack_entry *e;

	if (size > d->size) {
		evict(d, 0);
		return;
	}
	evict(d, d->size - size);
	e = &d->entries[d->count++];
	e->offset = (uint16_t)d->bytes;
	e->name_len = (uint16_t)name_len;
	e->value_len = (uint16_t)value_len;
	memcpy(d->data + d->bytes, d->name, name_len + 1);
	memcpy(d->data + d->bytes + name_len + 1, d->value, value_len + 1);
	d->bytes += name_len + value_len + 2;
	d->used += size;
}

/* An indexed header field (6.1). */
static int indexed(struct hpack_decoder *d, struct block *b, struct fault *f)
{
	struct hpack_field field = {0};
	uint32_t index;

	if (read_integer(b, 7, &index, f) < 0 || lookup(d, index, &field, f) < 0)
		return -1;
	return b->visit(&field, b->arg, f);
}

/* A literal header field (6.2) whose name index has PREFIX bits: with
 * incremental indexing (6.2.1), without (6.2.2) or never indexed (6.2.3). */
static int literal(struct hpack_decoder *d, struct block *b, unsigned prefix, struct fault *f)
{
	unsigned char first = *b->p;
	struct hpack_field field = {0};
	uint32_t index;

	if (read_integer(b, prefix, &index, f) < 0)
		return -1;
	if (index == 0) {
		if (read_string(d, b, d->name, &field.name_len, "header name", f) < 0)
			return -1;
	} else {
		if (lookup(d, index, &field, f) < 0)
			return -1;
		memcpy(d->name, field.name, field.name_len + 1);
	}
	if (read_string(d, b, d->value, &field.value_len, "header value", f) < 0)
		return -1;
	field.name = d->name;
	field.value = d->value;
	field.never_indexed = prefix == 4 && (first & 0x10) != 0;
	if (prefix == 6)
		insert(d, field.name_len, field.value_len);
	return b->visit(&field, b->arg, f);
}

/* A dynamic table size update (6.3): only before the block's first field
 * (4.2), and never above the size we advertised. */
static int size_update(struct hpack_decoder *d, struct block *b, struct fault *f)
{
	uint32_t size;

	if (b->fields)
		return malformed(f, "dynamic table size update after a header field");
	if (read_integer(b, 5, &size, f) < 0)
		return -1;
	if (size > d->max_size)
		return malformed(f, "dynamic table size update to %u above the maximum %zu",
		                 (unsigned)size, d->max_size);
	d->size = size;
	evict(d, size);
	return 0;
}

/* The representation at the block's next octet, told by its first bits (6). */
static int decode_one(struct hpack_decoder *d, struct block *b, struct fault *f)
{
	unsigned char first = *b->p;

	if ((first & 0xe0) == 0x20)
		return size_update(d, b, f);
	b->fields = true;
	if (first & 0x80)
		return indexed(d, b, f);
	return literal(d, b, first & 0x40 ? 6 : 4, f);
}

int hpack_decoder_init(struct hpack_decoder *d, size_t max_size, struct fault *f)
{
	if (max_size > HPACK_TABLE_CAPACITY) {
		fault_set(f, FAULT_INTERNAL,
		          "HPACK table size %zu is above the %d octets this decoder holds",
		          max_size, HPACK_TABLE_CAPACITY);
		return -1;
	}
	memset(d, 0, sizeof(*d));
	d->max_size = max_size;
	d->size = max_size;
	huffman_init(&d->huffman);
	return 0;
}

int hpack_decode(struct hpack_decoder *d, const unsigned char *block, size_t size,
                 hpack_field_visitor visit, void *arg, struct fault *f)
{
	struct block b = {.p = block, .left = size, .visit = visit, .arg = arg};

	if (d->broken) {
		fault_set(f, FAULT_PEER,
		          "an earlier header block failed: the table is no longer the server's");
		return -1;
	}
	/* Until the whole block is through: a block stopped halfway has changed
	 * the table only halfway. */
	d->broken = true;
	while (b.left > 0)
		if (decode_one(d, &b, f) < 0)
			return -1;
	d->broken = false;
	return 0;
}

/* The block being written; FULL once an octet did not fit. */
struct writer {
	unsigned char *out;
	size_t cap;
	size_t at;
	bool full;
};

static void put_octet(struct writer *w, unsigned char octet)
{
	if (w->at >= w->cap) {
		w->full = true;
		return;
	}
	w->out[w->at++] = octet;
}

/* VALUE with a PREFIX-bit prefix (5.1), the first octet's other bits FLAGS. */
static void put_integer(struct writer *w, unsigned char flags, unsigned prefix, size_t value)
{
	size_t max = (1u << prefix) - 1;

	if (value < max) {
		put_octet(w, (unsigned char)(flags | value));
		return;
	}
	put_octet(w, (unsigned char)(flags | max));
	for (value -= max; value >= 0x80; value >>= 7)
		put_octet(w, (unsigned char)(0x80 | (value & 0x7f)));
	put_octet(w, (unsigned char)value);
}

/* TEXT as a raw string literal (5.2, H clear). */
static void put_string(struct writer *w, const char *text)
{
	size_t length = strlen(text);

	put_integer(w, 0x00, 7, length);
	for (size_t i = 0; i < length; i++)
		put_octet(w, (unsigned char)text[i]);
}

/* The index of NAME's first entry in the static table, or 0. */
static size_t static_name(const char *name)
{
	for (size_t i = 0; i < HPACK_STATIC_ENTRIES; i++)
		if (strcmp(static_table[i].name, name) == 0)
			return i + 1;
	return 0;
}

int hpack_encode_field(unsigned char *out, size_t cap, size_t *used, const char *name,
                       const char *value, struct fault *f)
{
	struct writer w = {.out = out, .cap = cap, .at = *used};
	size_t index = static_name(name);

	/* 0000 and a 4-bit name index: a literal without indexing (6.2.2). */
	put_integer(&w, 0x00, 4, index);
	if (index == 0)
		put_string(&w, name);
	put_string(&w, value);
	if (w.full) {
		fault_set(f, FAULT_INTERNAL,
		          "HPACK header block full (%zu octets): no room for '%s'", cap, name);
		return -1;
	}
	*used = w.at;
	return 0;
}
