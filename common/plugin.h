/* plugin — the main() every plugin shares: parse, run, and refuse what cannot run. */
#ifndef TLSCHECK_COMMON_PLUGIN_H
#define TLSCHECK_COMMON_PLUGIN_H

#include "cli.h"

/* Everything a plugin's main() does; returns the exit code (0-3). */
int plugin_main(const struct cli_plugin *plugin, int argc, char **argv);

#endif
