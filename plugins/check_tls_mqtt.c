/* check_tls_mqtt — MQTT: TLS at connect on 8883, then CONNECT and CONNACK over TLS. */
#include <config.h>

#include "plugin.h"

static const struct cli_plugin plugin = {
        .name = "check_tls_mqtt",
        .protocol = "mqtt",
};

int main(int argc, char **argv)
{
	return plugin_main(&plugin, argc, argv);
}
