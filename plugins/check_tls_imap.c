/* check_tls_imap — IMAP: STARTTLS on 143 after CAPABILITY, TLS at connect on 993. */
#include <config.h>

#include "plugin.h"

static const struct cli_plugin plugin = {
        .name = "check_tls_imap",
        .protocol = "imap",
};

int main(int argc, char **argv)
{
	return plugin_main(&plugin, argc, argv);
}
