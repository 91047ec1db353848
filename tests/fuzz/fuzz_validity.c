/* The walk of a certificate's DER to its validity times, and the reading of
 * those times, on whatever a server sends as a certificate. The input is also
 * read as a time's text of both kinds, so the parser meets every byte. */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "validity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse(const struct validity_time *t)
{
	char why[VALIDITY_WHY_SIZE];
	time_t when;

	(void)validity_parse(t, &when, why, sizeof(why));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct validity_time not_before, not_after, text;
	size_t kept = size < sizeof(text.text) ? size : sizeof(text.text) - 1;

	if (validity_read(data, size, &not_before, &not_after) == 0) {
		parse(&not_before);
		parse(&not_after);
	}
	memset(&text, 0, sizeof(text));
	memcpy(text.text, data, kept);
	text.length = strlen(text.text);
	parse(&text);
	text.generalized = true;
	parse(&text);
	return 0;
}
