#include <config.h>

#include <strings.h>

#include "state.h"

static const char *const state_names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

const char *state_name(enum plugin_state s)
{
	if ((unsigned)s > STATE_UNKNOWN)
		return "UNKNOWN";
	return state_names[s];
}

int state_parse(const char *text, enum plugin_state *out)
{
	for (unsigned i = 0; i <= STATE_UNKNOWN; i++) {
		if (strcasecmp(text, state_names[i]) == 0) {
			*out = (enum plugin_state)i;
			return 0;
		}
	}
	return -1;
}

/* Rank for aggregation: a definite CRITICAL or WARNING outranks "could not tell". */
static int severity(enum plugin_state s)
{
	switch (s) {
	case STATE_OK:
		return 0;
	case STATE_UNKNOWN:
		return 1;
	case STATE_WARNING:
		return 2;
	case STATE_CRITICAL:
		return 3;
	}
	return 1;
}

enum plugin_state state_worse(enum plugin_state a, enum plugin_state b)
{
	return severity(a) >= severity(b) ? a : b;
}
