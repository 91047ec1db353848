/* check_tls_smtp — SMTP: STARTTLS on 25/587 after EHLO, TLS at connect on 465. */
#include <config.h>

#include "plugin.h"

static const struct cli_plugin plugin = {
        .name = "check_tls_smtp",
        .protocol = "smtp",
};

int main(int argc, char **argv)
{
	return plugin_main(&plugin, argc, argv);
}
