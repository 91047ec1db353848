/* check_tls_pgsql — PostgreSQL: SSLRequest, then TLS. */
#include <config.h>

#include "plugin.h"

static const struct cli_plugin plugin = {
        .name = "check_tls_pgsql",
        .protocol = "pgsql",
};

int main(int argc, char **argv)
{
	return plugin_main(&plugin, argc, argv);
}
