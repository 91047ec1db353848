/* check — one run of a plugin: parse, probe, judge, report. */
#ifndef TLSCHECK_COMMON_CHECK_H
#define TLSCHECK_COMMON_CHECK_H

#include "cli.h"

/* Everything a plugin's main() does; returns the exit code (0-3). */
int check_main(const struct cli_plugin *plugin, int argc, char **argv);

#endif
