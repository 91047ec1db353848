/* when — instants and durations as operators read and write them. */
#ifndef TLSCHECK_COMMON_WHEN_H
#define TLSCHECK_COMMON_WHEN_H

#include <stddef.h>
#include <time.h>

#include "fault.h"

/* Parse --at: "@EPOCH", "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z]" or with a space
 * instead of 'T'; always UTC. Returns 0, or -1 with FAULT_USAGE. */
int when_parse(const char *text, time_t *out, struct fault *f);

/* The days of MONTH (1 to 12) of YEAR in the Gregorian calendar. */
int when_days_in_month(int year, int month);

/* "2026-12-02 13:00 UTC" into OUT (at least 24 bytes); dates before 1970 too. */
void when_format(time_t t, char *out, size_t size);

/* A duration of SECONDS (>= 0) at two units' precision: "9d 4h", "5h 12m", "3m 10s",
 * "42s"; below two days in hours and minutes: "44h 5m", "20h 14m". */
void when_format_duration(double seconds, char *out, size_t size);

#endif
