/* The command line: cli_parse() as a plugin calls it, with the input as its
 * arguments, one per NUL-separated piece. The first byte picks the plugin
 * (check_tls with -P, or one bound to a protocol). */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MAX_ARGS 64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct cli_plugin plugins[] = {
        {"check_tls", NULL},        {"check_tls_smtp", "smtp"},   {"check_tls_pgsql", "pgsql"},
        {"check_tls_xmpp", "xmpp"}, {"check_tls_kafka", "kafka"}, {"check_tls_mqtt", "mqtt"},
};

/* --help and --version print to stdout; the fuzzer's report is on stderr. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (freopen("/dev/null", "w", stdout) == NULL)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct cli_plugin *plugin;
	char *argv[MAX_ARGS + 2];
	struct settings settings;
	struct fault f;
	char *text;
	int argc = 0;

	if (size < 1)
		return 0;
	plugin = &plugins[data[0] % (sizeof(plugins) / sizeof(plugins[0]))];
	text = malloc(size);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	argv[argc++] = (char *)plugin->name;
	for (char *p = text; p < text + size - 1 && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	(void)cli_parse(plugin, argc, argv, &settings, &f);
	free(text);
	return 0;
}
