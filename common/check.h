/* check — one run over its settings: plan, probe, judge, report. */
#ifndef TLSCHECK_COMMON_CHECK_H
#define TLSCHECK_COMMON_CHECK_H

#include "fault.h"
#include "settings.h"

/* Plan the targets of SETTINGS, probe them, judge them and print the report on
 * stdout in SETTINGS' format. Returns the exit code (0-3), or -1 with F when
 * the run ended before any probe: a file it names cannot be used, or the
 * targets would pass the bound (FAULT_USAGE, FAULT_INTERNAL): the caller
 * refuses it as it refuses a bad argument, and nothing was printed. */
int check_run(const struct settings *settings, struct fault *f);

#endif
