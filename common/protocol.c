#include <config.h>

#include <stddef.h>
#include <string.h>

#include "protocol.h"

/* --help lists them in this order. */
static const struct tls_protocol *const protocols[] = {
        &protocol_tls,
        &protocol_smtp,
        &protocol_pgsql,
        NULL,
};

const struct tls_protocol *protocol_find(const char *name)
{
	for (size_t i = 0; protocols[i] != NULL; i++) {
		if (strcmp(protocols[i]->name, name) == 0)
			return protocols[i];
	}
	return NULL;
}

const struct tls_protocol *const *protocol_all(void)
{
	return protocols;
}

int protocol_option_index(const struct tls_protocol *p, const char *name)
{
	for (int i = 0; p->options != NULL && p->options[i].name != NULL; i++) {
		if (strcmp(p->options[i].name, name) == 0)
			return i;
	}
	return -1;
}

bool protocol_tls_on_connect(const struct tls_protocol *p, unsigned port, bool force_implicit)
{
	if (force_implicit || p->upgrade == NULL)
		return true;
	return p->implicit_port != 0 && port == p->implicit_port;
}
