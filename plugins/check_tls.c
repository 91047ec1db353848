/* check_tls — TLS from the first byte, or any protocol with -P. */
#include <config.h>

#include "plugin.h"

static const struct cli_plugin plugin = {
        .name = "check_tls",
        .protocol = NULL,
};

int main(int argc, char **argv)
{
	return plugin_main(&plugin, argc, argv);
}
