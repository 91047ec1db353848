/* deadline — the one point in time by which the whole run must be over.
 *
 * Every blocking step (name resolution, connect, each read and write, the TLS
 * handshake) waits at most until the same deadline, so -t bounds the run, not
 * each step. Uses CLOCK_MONOTONIC: a clock step cannot stretch or cut a check.
 */
#ifndef TLSCHECK_COMMON_DEADLINE_H
#define TLSCHECK_COMMON_DEADLINE_H

#include <stdbool.h>
#include <time.h>

struct deadline {
	struct timespec start; /* when the run began, for the time= perfdata */
	struct timespec end;
};

/* Start the clock: the deadline is SECONDS (> 0) from now. */
void deadline_start(struct deadline *d, double seconds);

/* A shorter deadline inside PARENT: SECONDS from now, but never past PARENT's
 * end, so a step with a budget of its own still cannot stretch the run. Its start
 * is PARENT's, so elapsed time still counts from the run's beginning. */
void deadline_within(struct deadline *sub, const struct deadline *parent, double seconds);

/* Milliseconds left, for poll(); 0 once the deadline has passed. Rounded up, so a
 * wait never returns early and spins. */
int deadline_left_ms(const struct deadline *d);

bool deadline_passed(const struct deadline *d);

/* Seconds since deadline_start(). */
double deadline_elapsed(const struct deadline *d);

#endif
