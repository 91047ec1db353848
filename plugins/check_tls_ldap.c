/* check_tls_ldap — LDAP: StartTLS, or TLS at connect on 636 and 3269. */
#include <config.h>

#include "plugin.h"

static const struct cli_plugin plugin = {
        .name = "check_tls_ldap",
        .protocol = "ldap",
};

int main(int argc, char **argv)
{
	return plugin_main(&plugin, argc, argv);
}
