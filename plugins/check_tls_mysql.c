/* check_tls_mysql — MySQL and MariaDB: the server's greeting, SSLRequest, then TLS. */
#include <config.h>

#include "plugin.h"

static const struct cli_plugin plugin = {
        .name = "check_tls_mysql",
        .protocol = "mysql",
};

int main(int argc, char **argv)
{
	return plugin_main(&plugin, argc, argv);
}
