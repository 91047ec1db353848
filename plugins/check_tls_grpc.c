/* check_tls_grpc — gRPC: TLS at connect on 443 with ALPN h2, then the HTTP/2
 * prefaces and one call of the standard health service. */
#include <config.h>

#include "plugin.h"

static const struct cli_plugin plugin = {
        .name = "check_tls_grpc",
        .protocol = "grpc",
};

int main(int argc, char **argv)
{
	return plugin_main(&plugin, argc, argv);
}
