/* check_tls_ftp — FTP: AUTH TLS on 21, TLS at connect on 990. */
#include <config.h>

#include "plugin.h"

static const struct cli_plugin plugin = {
        .name = "check_tls_ftp",
        .protocol = "ftp",
};

int main(int argc, char **argv)
{
	return plugin_main(&plugin, argc, argv);
}
