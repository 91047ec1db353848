#include <config.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "protocol.h"
#include "textproto.h"

/* --help lists them in this order. One a line, so that adding a protocol adds a
 * line. tlscheck-discover names a listener by the first one that answers behind
 * TLS: grpc comes before h2, which every gRPC server answers too. */
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
        &protocol_kafka,
        &protocol_redis,
        &protocol_mqtt,
        &protocol_grpc,
        &protocol_h2,
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

void protocol_confirm(const struct protocol_context *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->confirmed == NULL || ctx->confirmed_size == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(ctx->confirmed, ctx->confirmed_size, fmt, ap);
	va_end(ap);
}

int protocol_no_answer(struct fault *f, const char *what, size_t heard)
{
	char detail[FAULT_TEXT_SIZE];

	if (f->kind == FAULT_TIMEOUT && heard == 0)
		snprintf(detail, sizeof(detail), "nothing received");
	else if (f->kind == FAULT_TIMEOUT)
		snprintf(detail, sizeof(detail), "an incomplete answer (%zu byte%s)", heard,
		         heard == 1 ? "" : "s");
	else
		snprintf(detail, sizeof(detail), "%s", f->text);
	fault_set(f, f->kind, "no %s within %gs: %s", what, PROTOCOL_AFTER_SECONDS, detail);
	return -1;
}

void protocol_quote_answer(struct net_conn *c, const void *start, size_t len, char *shown,
                           size_t size)
{
	char text[TEXTPROTO_QUOTE_MAX + 2];
	struct fault ignored;
	size_t more = c != NULL ? net_buffered(c) : 0, n;

	if (len > sizeof(text) - 1)
		len = sizeof(text) - 1;
	memcpy(text, start, len);
	/* Only what has arrived already: the answer is wrong whatever follows. */
	if (more > sizeof(text) - 1 - len)
		more = sizeof(text) - 1 - len;
	if (more > 0 && net_read_exact(c, text + len, more, "the answer", &ignored) < 0)
		more = 0;
	/* A text answer is shown up to its line end; a NUL byte as any other control. */
	for (n = 0; n < len + more && text[n] != '\r' && text[n] != '\n'; n++) {
		if (text[n] == '\0')
			text[n] = '\x01';
	}
	text[n] = '\0';
	textproto_quote(shown, size, text);
}

int protocol_answered_otherwise(struct net_conn *c, const void *start, size_t len, const char *what,
                                struct fault *f)
{
	char shown[TEXTPROTO_QUOTE_SIZE];

	protocol_quote_answer(c, start, len, shown, sizeof(shown));
	fault_set(f, FAULT_PEER, "no %s within %gs: the server answered '%s'", what,
	          PROTOCOL_AFTER_SECONDS, shown);
	return -1;
}
