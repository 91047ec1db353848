/* HPACK: the input as a header block a server sends, decoded twice on one
 * decoder (the second time on the table the first left) and once on a table
 * whose size the first octet picks; then the input as a name and a value,
 * encoded and read back, which must give them again. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a field must be whatever the block: its bytes readable to their
 * length, and a NUL after them. */
static int touch(const struct hpack_field *field, void *arg, struct fault *f)
{
	unsigned *sum = arg;

	(void)f;
	if (field->name[field->name_len] != '\0' || field->value[field->value_len] != '\0')
		abort();
	for (size_t i = 0; i < field->name_len; i++)
		*sum += (unsigned char)field->name[i];
	for (size_t i = 0; i < field->value_len; i++)
		*sum += (unsigned char)field->value[i];
	return 0;
}

struct expect {
	const char *name;
	const char *value;
	int fields;
};

static int same(const struct hpack_field *field, void *arg, struct fault *f)
{
	struct expect *e = arg;

	(void)f;
	if (++e->fields > 1 || field->name_len != strlen(e->name) ||
	    field->value_len != strlen(e->value) || strcmp(field->name, e->name) != 0 ||
	    strcmp(field->value, e->value) != 0 || field->never_indexed)
		abort();
	return 0;
}

static void decode(const uint8_t *data, size_t size)
{
	static struct hpack_decoder d;
	struct fault f;
	unsigned sum = 0;

	if (hpack_decoder_init(&d, HPACK_TABLE_SIZE_DEFAULT, &f) < 0)
		abort();
	if (hpack_decode(&d, data, size, touch, &sum, &f) == 0)
		(void)hpack_decode(&d, data, size, touch, &sum, &f);
	if (size == 0)
		return;
	if (hpack_decoder_init(&d, (size_t)data[0] * HPACK_TABLE_CAPACITY / 255, &f) < 0)
		abort();
	(void)hpack_decode(&d, data + 1, size - 1, touch, &sum, &f);
}

/* The input up to its first NUL as the name, the rest up to the next as the
 * value. */
static void round_trip(const uint8_t *data, size_t size)
{
	static struct hpack_decoder d;
	char *text = malloc(size + 2);
	unsigned char *block = malloc(2 * size + 16);
	struct expect e = {0};
	size_t used = 0;
	struct fault f;

	if (text == NULL || block == NULL)
		goto out;
	memcpy(text, data, size);
	text[size] = text[size + 1] = '\0';
	e.name = text;
	e.value = text + strlen(text) + 1;
	if (hpack_encode_field(block, 2 * size + 16, &used, e.name, e.value, &f) < 0)
		abort();
	if (strlen(e.name) > HPACK_STRING_MAX || strlen(e.value) > HPACK_STRING_MAX)
		goto out;
	if (hpack_decoder_init(&d, HPACK_TABLE_SIZE_DEFAULT, &f) < 0 ||
	    hpack_decode(&d, block, used, same, &e, &f) < 0 || e.fields != 1)
		abort();
out:
	free(text);
	free(block);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decode(data, size);
	round_trip(data, size);
	return 0;
}
