/* state — the four plugin states and their exit codes (Monitoring Plugins API). */
#ifndef TLSCHECK_COMMON_STATE_H
#define TLSCHECK_COMMON_STATE_H

enum plugin_state {
	STATE_OK = 0,
	STATE_WARNING = 1,
	STATE_CRITICAL = 2,
	STATE_UNKNOWN = 3,
};

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *state_name(enum plugin_state s);

/* Parse a state name, case-insensitive ("critical", "WARNING", "ok", "unknown").
 * Returns 0, or -1 for anything else. */
int state_parse(const char *text, enum plugin_state *out);

/* The worse of two states: CRITICAL > WARNING > UNKNOWN > OK. */
enum plugin_state state_worse(enum plugin_state a, enum plugin_state b);

#endif
