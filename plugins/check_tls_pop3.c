/* check_tls_pop3 — POP3: STLS on 110 after CAPA, TLS at connect on 995. */
#include <config.h>

#include "plugin.h"

static const struct cli_plugin plugin = {
        .name = "check_tls_pop3",
        .protocol = "pop3",
};

int main(int argc, char **argv)
{
	return plugin_main(&plugin, argc, argv);
}
