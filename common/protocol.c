#include <config.h>

#include <stddef.h>
#include <string.h>

#include "protocol.h"

/* --help lists them in this order. One a line, so that adding a protocol adds a
 * line: */
/* clang-format off */
static const struct tls_protocol *const protocols[] = {
        &protocol_tls,
        &protocol_smtp,
        &protocol_pgsql,
        &protocol_ldap,
        &protocol_imap,
        &protocol_pop3,
        &protocol_xmpp,
        &protocol_ftp,
        &protocol_nntp,
        &protocol_sieve,
        &protocol_mysql,
        NULL,
};
/* clang-format on */

const struct tls_protocol *protocol_find(const char *name)
{
	for (size_t i = 0; protocols[i] != NULL; i++) {
		if (strcmp(protocols[i]->name, name) == 0)
			return protocols[i];
	}
	return NULL;
}

const struct tls_protocol *protocol_default(void)
{
	return &protocol_tls;
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

void protocol_profile(const struct tls_protocol *p, const struct protocol_args *a,
                      struct protocol_profile *out)
{
	*out = (struct protocol_profile){
	        .port = p->port,
	        .implicit_port = p->implicit_port,
	        .second_implicit_port = p->second_implicit_port,
	        .always_implicit = p->upgrade == NULL,
	        .alpn = p->alpn,
	};
	if (p->profile != NULL)
		p->profile(a, out);
}

bool protocol_tls_on_connect(const struct protocol_profile *profile, unsigned port,
                             bool force_implicit)
{
	if (force_implicit || profile->always_implicit)
		return true;
	if (port == 0)
		return false;
	return port == profile->implicit_port || port == profile->second_implicit_port;
}
