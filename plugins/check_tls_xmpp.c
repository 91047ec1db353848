/* check_tls_xmpp — XMPP: STARTTLS on 5222 (5269 with --server), direct TLS on 5223/5270. */
#include <config.h>

#include "plugin.h"

static const struct cli_plugin plugin = {
        .name = "check_tls_xmpp",
        .protocol = "xmpp",
};

int main(int argc, char **argv)
{
	return plugin_main(&plugin, argc, argv);
}
