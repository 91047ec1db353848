#include <config.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "protocol.h"
#include "textproto.h"

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
        &protocol_kafka,
        &protocol_redis,
        &protocol_mqtt,
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

/* How long to wait for the rest of a greeting once its first byte came: a
 * greeting is one segment or a few, sent at once. */
#define GREETING_REST_SECONDS 0.3

static bool greeting_complete(const unsigned char *bytes, size_t len, size_t size)
{
	return len + 1 >= size || memchr(bytes, '\n', len) != NULL;
}

/* Move what C holds (at most what fits) into BYTES; never waits. */
static int take_buffered(struct net_conn *c, unsigned char *bytes, size_t size, size_t *len,
                         struct fault *f)
{
	size_t n = net_buffered(c);

	if (n > size - 1 - *len)
		n = size - 1 - *len;
	if (net_read_exact(c, bytes + *len, n, "the greeting", f) < 0)
		return -1;
	*len += n;
	return 0;
}

int protocol_read_greeting(struct net_conn *c, unsigned char *bytes, size_t size, size_t *len,
                           struct fault *f)
{
	const struct deadline *whole = c->deadline;
	struct deadline rest;
	struct fault late;
	int rc = -1;

	*len = 0;
	bytes[0] = '\0';
	if (net_await(c, "a greeting", f) < 0 || take_buffered(c, bytes, size, len, f) < 0)
		return -1;
	deadline_within(&rest, whole, GREETING_REST_SECONDS);
	net_conn_set_deadline(c, &rest);
	/* What came late or not at all is no failure: the first bytes are the greeting. */
	while (!greeting_complete(bytes, *len, size) && net_await(c, "a greeting", &late) == 0) {
		if (take_buffered(c, bytes, size, len, f) < 0)
			goto out;
	}
	rc = 0;
out:
	net_conn_set_deadline(c, whole);
	bytes[*len] = '\0';
	return rc;
}

/* The first line of BYTES, without CR LF, stopped at a NUL byte. */
static void first_line(const unsigned char *bytes, size_t len, char *line, size_t size)
{
	size_t n = 0;

	while (n < len && n + 1 < size && bytes[n] != '\0' && bytes[n] != '\r' &&
	       bytes[n] != '\n') {
		line[n] = (char)bytes[n];
		n++;
	}
	line[n] = '\0';
}

size_t protocol_recognise(const unsigned char *bytes, size_t len, const struct tls_protocol **out,
                          size_t max)
{
	char line[PROTOCOL_GREETING_MAX + 1];
	size_t count = 0;

	first_line(bytes, len, line, sizeof(line));
	for (int want = PROTOCOL_GREETING_SURE; want >= PROTOCOL_GREETING_MAYBE; want--) {
		for (size_t i = 0; protocols[i] != NULL && count < max; i++) {
			if (protocols[i]->greets != NULL &&
			    protocols[i]->greets(bytes, len, line) == (enum protocol_greeting)want)
				out[count++] = protocols[i];
		}
	}
	return count;
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

int protocol_answered_otherwise(struct net_conn *c, const void *start, size_t len, const char *what,
                                struct fault *f)
{
	char text[TEXTPROTO_QUOTE_MAX + 2];
	char shown[TEXTPROTO_QUOTE_SIZE];
	size_t more = c != NULL ? net_buffered(c) : 0, n;

	if (len > sizeof(text) - 1)
		len = sizeof(text) - 1;
	memcpy(text, start, len);
	/* Only what has arrived already: the answer is wrong whatever follows. */
	if (more > sizeof(text) - 1 - len)
		more = sizeof(text) - 1 - len;
	if (more > 0 && net_read_exact(c, text + len, more, what, f) < 0)
		more = 0;
	/* A text answer is shown up to its line end; a NUL byte as any other control. */
	for (n = 0; n < len + more && text[n] != '\r' && text[n] != '\n'; n++) {
		if (text[n] == '\0')
			text[n] = '\x01';
	}
	text[n] = '\0';
	textproto_quote(shown, sizeof(shown), text);
	fault_set(f, FAULT_PEER, "no %s within %gs: the server answered '%s'", what,
	          PROTOCOL_AFTER_SECONDS, shown);
	return -1;
}
