/* The parsers of -w/-c (TIME), -t (SECONDS[:STATE]) and --at (ISO 8601 or
 * @epoch), each given the input as one argument. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "threshold.h"
#include "when.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct threshold_time t;
	enum plugin_state state;
	double seconds;
	time_t when;
	struct fault f;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	/* An argument is a C string: it ends at its first NUL. */
	memcpy(text, data, size);
	text[size] = '\0';
	if (threshold_parse_time(text, &t, &f) == 0)
		(void)threshold_seconds(&t, 0, 86400 * 365);
	(void)threshold_parse_timeout(text, &seconds, &state, &f);
	(void)when_parse(text, &when, &f);
	free(text);
	return 0;
}
