/* threshold — the TIME thresholds of -w/-c and the SECONDS[:STATE] of -t.
 *
 * TIME is N[s|m|h|d] (a bare number is days; fractions allowed) or N% of the
 * certificate's lifetime (0 < N <= 100), each also as the Monitoring Plugins
 * range "TIME:" ("14d:", alert below 14d), which means the same; no other range
 * form means anything for time left. A percentage becomes seconds only against
 * one certificate, so it is kept as given and converted by threshold_seconds().
 */
#ifndef TLSCHECK_COMMON_THRESHOLD_H
#define TLSCHECK_COMMON_THRESHOLD_H

#include <stdbool.h>
#include <time.h>

#include "fault.h"
#include "state.h"

struct threshold_time {
	double amount; /* seconds, or a percentage when percent is true */
	bool percent;
};

/* Parse a TIME. Rejects empty text, negatives, unknown units, trailing garbage,
 * NaN/inf, percentages above 100 and the range forms other than "TIME:" ("~:20",
 * "@10:20", "10:20", ":5"), saying why. Returns 0, or -1 with FAULT_USAGE whose
 * text quotes the input. */
int threshold_parse_time(const char *text, struct threshold_time *out, struct fault *f);

/* The threshold in seconds for a certificate valid from NOT_BEFORE to NOT_AFTER. */
double threshold_seconds(const struct threshold_time *t, time_t not_before, time_t not_after);

/* Warning must not be below critical (14d/7d, not 7d/14d). Only comparable when
 * both are in the same kind (both absolute or both percent); mixed pairs pass.
 * Returns 0, or -1 with FAULT_USAGE. */
int threshold_check_order(const struct threshold_time *warning,
                          const struct threshold_time *critical, struct fault *f);

/* Parse -t: "SECONDS" or "SECONDS:STATE" (0 < SECONDS <= 3600, fractions allowed;
 * STATE one of ok, warning, critical, unknown). STATE defaults to CRITICAL.
 * Returns 0, or -1 with FAULT_USAGE. */
int threshold_parse_timeout(const char *text, double *seconds, enum plugin_state *state,
                            struct fault *f);

#endif
