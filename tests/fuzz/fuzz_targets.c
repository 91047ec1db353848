/* tlscheck-discover's targets: each line of the input as a line of -f's file
 * (HOST[:PORTS], blocks, ranges, nmap's grepable Host lines, comments), then the
 * plan they make, each listener's place told at its first, last and middle
 * index. Nothing is probed. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Tell where the INDEXth listener is, and that it is whole. */
static void place_of(const struct discover_run *r, size_t index)
{
	struct discover_place p;

	if (discover_planned_at(r, index, &p) == 0 &&
	    (p.port == 0 || p.port > 65535 || p.host[0] == '\0' || p.connect_to[0] == '\0'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct discover_options options = {.timeout = 1, .parallel = 1};
	char *text = malloc(size + 1);
	struct discover_run r;
	struct fault f;
	size_t count;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	discover_init(&r, &options);
	for (char *line = text, *next; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (discover_add_line(&r, line, &f) < 0)
			break;
	}
	if (discover_plan(&r, &count, &f) == 0 && count > 0) {
		place_of(&r, 0);
		place_of(&r, count / 2);
		place_of(&r, count - 1);
		if (discover_planned_at(&r, count, &(struct discover_place){0}) == 0)
			abort();
	}
	discover_release(&r);
	free(text);
	return 0;
}
