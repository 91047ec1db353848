/* check_tls_kafka — Kafka: TLS at connect on 9093, then an ApiVersions request over TLS. */
#include <config.h>

#include "plugin.h"

static const struct cli_plugin plugin = {
        .name = "check_tls_kafka",
        .protocol = "kafka",
};

int main(int argc, char **argv)
{
	return plugin_main(&plugin, argc, argv);
}
