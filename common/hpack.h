/* hpack — the header compression of HTTP/2 (RFC 7541), for the gRPC health
 * check: a decoder for the header blocks a server sends, and the one encoding
 * our request needs.
 *
 * The decoder keeps the dynamic table the server's encoder fills, in a
 * caller-owned struct of fixed size: nothing is allocated, nothing is global,
 * and a block of any bytes ends in a field list or a fault, never past a
 * buffer. Every limit a hostile block could push (an integer, a string, the
 * table) is bounded here and refused by name when passed.
 */
#ifndef TLSCHECK_COMMON_HPACK_H
#define TLSCHECK_COMMON_HPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault.h"

/* SETTINGS_HEADER_TABLE_SIZE's default (RFC 9113 6.5.2), and the most this
 * decoder holds: we never advertise more, so a server may not use more. */
#define HPACK_TABLE_SIZE_DEFAULT 4096
#define HPACK_TABLE_CAPACITY     4096
/* What an entry costs in the table beyond its name and value (RFC 7541 4.1). */
#define HPACK_ENTRY_OVERHEAD 32
/* The longest name or value decoded, in octets: gRPC's answer is a few short
 * fields, and a longer one would not fit the table anyway. */
#define HPACK_STRING_MAX 4096

/* The 61 entries of the static table (RFC 7541 Appendix A). */
#define HPACK_STATIC_ENTRIES 61

/* One decoded header field. NAME and VALUE are NUL-terminated for
 * convenience, but their lengths count: a value may hold a NUL, and both are
 * the server's bytes, to be escaped before they are printed. Valid only during
 * the call that hands them over. */
struct hpack_field {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
	bool never_indexed; /* sent as "never indexed" (RFC 7541 6.2.3) */
};

/* Called with each field of a block, in order. Return 0 to go on, or -1 with
 * F filled to stop the decoding (hpack_decode() then returns -1). */
typedef int (*hpack_field_visitor)(const struct hpack_field *field, void *arg, struct fault *f);

/* One table entry: where its "name\0value\0" starts in the table's bytes. */
struct hpack_entry {
	uint16_t offset;
	uint16_t name_len;
	uint16_t value_len;
};

/* The canonical Huffman code of Appendix B arranged for decoding: for each
 * code length, the first code and how many symbols have it, and the symbols
 * in code order. Derived from the table by hpack_decoder_init(). */
struct hpack_huffman {
	uint32_t first[31];
	uint16_t count[31];
	uint16_t start[31];
	uint16_t symbols[257];
};

/* The decoding context of one connection: its dynamic table and the room to
 * decode one field. Opaque in use; fields are here so that callers can own
 * it. ~13 KiB. */
struct hpack_decoder {
	size_t max_size; /* SETTINGS_HEADER_TABLE_SIZE we advertised */
	size_t size;     /* the table's size now, as the last update set it */
	size_t used;     /* its entries' sizes (RFC 7541 4.1) */
	bool broken;     /* a block failed: the table no longer matches the server's */
	size_t count;    /* entries, oldest first */
	size_t bytes;    /* octets of data in use */
	struct hpack_entry entries[HPACK_TABLE_CAPACITY / HPACK_ENTRY_OVERHEAD];
	char data[HPACK_TABLE_CAPACITY];
	char name[HPACK_STRING_MAX + 1];
	char value[HPACK_STRING_MAX + 1];
	struct hpack_huffman huffman;
};

/* Ready D for a connection whose SETTINGS_HEADER_TABLE_SIZE is MAX_SIZE
 * (HPACK_TABLE_SIZE_DEFAULT unless we sent another): an empty dynamic table
 * of that size. Returns 0, or -1 with FAULT_INTERNAL "HPACK table size 5000
 * is above the 4096 octets this decoder holds". */
int hpack_decoder_init(struct hpack_decoder *d, size_t max_size, struct fault *f);

/* Decode the header block BLOCK of SIZE octets (the fragments of a HEADERS
 * frame and its CONTINUATION frames, joined), handing each field to VISIT,
 * and update the dynamic table as the block says. Blocks must come in the
 * order the server sent them: the table is shared with its encoder.
 * Returns 0, or -1 with the failure VISIT set or FAULT_PEER "malformed HTTP/2
 * header block: ..." followed by what is wrong: "index 0", "index 70 past the
 * static and dynamic tables (61 + 3 entries)", "integer longer than 5
 * octets", "the block ends inside an integer", "header name: length 40 past
 * the end of the block (12 octets left)", "header value longer than 4096
 * octets", "header value: EOS in a Huffman string", "header value: Huffman
 * padding longer than 7 bits", "header value: Huffman padding not all ones",
 * "dynamic table size update to 8192 above the maximum 4096", "dynamic table
 * size update after a header field". After a failure D stays refused ("an
 * earlier header block failed: the table is no longer the server's"), as RFC
 * 7541 makes every decoding error fatal to the connection. */
int hpack_decode(struct hpack_decoder *d, const unsigned char *block, size_t size,
                 hpack_field_visitor visit, void *arg, struct fault *f);

/* Append NAME: VALUE to the block OUT of CAP octets, at *USED, as a literal
 * field without indexing (RFC 7541 6.2.2) with raw strings, the name taken
 * from the static table when it is there: our encoder keeps no dynamic table
 * and the server's decoder needs none. *USED grows by what was written.
 * Returns 0, or -1 with FAULT_INTERNAL "HPACK header block full (64 octets):
 * no room for ':path'" and *USED as it was (octets past it may be written). */
int hpack_encode_field(unsigned char *out, size_t cap, size_t *used, const char *name,
                       const char *value, struct fault *f);

#endif
