/* verdict — the rules: each turns facts into findings (a state and a short text).
 * Never prints; report.c words the result. */
#ifndef TLSCHECK_COMMON_VERDICT_H
#define TLSCHECK_COMMON_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cert.h"
#include "fault.h"
#include "state.h"
#include "threshold.h"
#include "trust.h"

#define VERDICT_MAX_FINDINGS 32
#define VERDICT_TEXT_SIZE    320

struct finding {
	enum plugin_state state;
	char text[VERDICT_TEXT_SIZE];
};

struct verdict {
	struct finding items[VERDICT_MAX_FINDINGS];
	size_t count;
};

/* What the expiry rule found, for perfdata and JSON. */
struct expiry_summary {
	bool valid;             /* false when there was no chain to judge */
	size_t index;           /* the chain element that expires first */
	double seconds_left;    /* of that element; negative when expired */
	double warning_seconds; /* thresholds converted for that element */
	double critical_seconds;
};

void verdict_init(struct verdict *v);

/* Add a finding. When full, the finding is dropped unless it is worse than the
 * best one held, which it then replaces: the verdict never loses its worst. */
void verdict_add(struct verdict *v, enum plugin_state state, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* OK for an empty verdict. */
enum plugin_state verdict_worst(const struct verdict *v);

/* Order for the status line: the worst finding first (the first added among
 * equals), then the other problems shortest first, then the OK facts in the
 * order they were added. */
void verdict_sort(struct verdict *v);

/* Time left on every element of CHAIN at NOW. Adds one finding per element that
 * is expired (CRITICAL), not yet valid (CRITICAL) or within a threshold (WARNING
 * or CRITICAL; % thresholds against that element's own lifetime); when none is,
 * one OK finding for the element that expires first ("certificate 'CN=x' expires
 * in 200d 3h (2027-06-11 10:00 UTC)"). Fills SUMMARY. */
void verdict_judge_expiry(struct verdict *v, const struct cert_chain *chain, time_t now,
                          const struct threshold_time *warning,
                          const struct threshold_time *critical, struct expiry_summary *summary);

/* CRITICAL "chain not trusted by STORE: REASON", or OK "chain trusted by STORE". */
void verdict_judge_trust(struct verdict *v, const struct trust_result *t);

/* CRITICAL "certificate 'CN=x' does not match 'NAME' (SANs: a, b)" unless MATCHED.
 * DISPLAY_NAME is the name as the operator gave it (U-labels kept). */
void verdict_judge_name(struct verdict *v, const struct cert_info *leaf, const char *display_name,
                        bool matched);

/* A failure that ended the probe: CRITICAL, or TIMEOUT_STATE for FAULT_TIMEOUT,
 * or UNKNOWN for FAULT_USAGE/FAULT_INTERNAL. The text is the fault's. */
void verdict_judge_fault(struct verdict *v, const struct fault *f, enum plugin_state timeout_state);

#endif
