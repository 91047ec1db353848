/* check_tls_redis — Redis: TLS at connect on 6379 (tls-port), then PING over TLS. */
#include <config.h>

#include "plugin.h"

static const struct cli_plugin plugin = {
        .name = "check_tls_redis",
        .protocol = "redis",
};

int main(int argc, char **argv)
{
	return plugin_main(&plugin, argc, argv);
}
