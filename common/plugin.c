#include <config.h>

#include <stdio.h>

#include "check.h"
#include "plugin.h"

/* A bad argument: one line naming it (then the usage for a bad option), or one
 * JSON object with --output=json, exit 3. */
static int refuse(const struct cli_plugin *plugin, enum report_format format, const struct fault *f)
{
	report_refusal(stdout, format, plugin->name, f->text);
	if (f->kind == FAULT_USAGE && format != REPORT_JSON)
		cli_print_usage(stdout, plugin);
	return STATE_UNKNOWN;
}

int plugin_main(const struct cli_plugin *plugin, int argc, char **argv)
{
	struct settings settings;
	struct fault f;
	int exit_code;

	switch (cli_parse(plugin, argc, argv, &settings, &f)) {
	case CLI_DONE:
		return STATE_UNKNOWN;
	case CLI_BAD:
		/* The format asked for, though the line that asked may be the bad one. */
		return refuse(plugin, cli_output_asked(argc, argv), &f);
	case CLI_RUN:
		break;
	}
	exit_code = check_run(&settings, &f);
	return exit_code < 0 ? refuse(plugin, settings.output, &f) : exit_code;
}
