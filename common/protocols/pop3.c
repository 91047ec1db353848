#include <config.h>

#include <stdbool.h>

#include "protocol.h"
#include "textproto.h"

static const struct textproto_step step_greeting = {"the POP3 greeting", "POP3 greeting"};
static const struct textproto_step step_greeting_tls = {"the POP3 greeting over TLS",
                                                        "POP3 greeting over TLS"};
static const struct textproto_step step_capa = {"the reply to CAPA", "reply to CAPA"};
static const struct textproto_step step_stls = {"the reply to STLS", "reply to STLS"};

/* One status line: *OK true for "+OK ...", false for "-ERR ...", TEXT the line
 * quoted. Anything else is not POP3. */
static int pop3_status(struct net_conn *c, const struct textproto_step *step, bool *ok,
                       char text[TEXTPROTO_QUOTE_SIZE], struct fault *f)
{
	char line[TEXTPROTO_LINE_MAX + 1];

	if (textproto_read_line(c, step, line, f) < 0)
		return -1;
	*ok = textproto_word_first(line, "+OK");
	if (!*ok && !textproto_word_first(line, "-ERR"))
		return textproto_unexpected(step, line, f);
	textproto_quote(text, TEXTPROTO_QUOTE_SIZE, line);
	return 0;
}

static int pop3_greeting(struct net_conn *c, const struct textproto_step *step, struct fault *f)
{
	char text[TEXTPROTO_QUOTE_SIZE];
	bool ok;

	if (pop3_status(c, step, &ok, text, f) < 0)
		return -1;
	if (!ok) {
		fault_set(f, FAULT_PEER, "server refused the session: %s", text);
		return -1;
	}
	return 0;
}

/* A CAPA line names one capability first: "STLS", "SASL PLAIN". */
static void note_stls(const char *line, void *data)
{
	bool *offered = data;

	if (textproto_word_first(line, "STLS"))
		*offered = true;
}

/* RFC 2449: "+OK", then one capability a line up to ".". STLS is announced only
 * there (RFC 2595 4), so a server without CAPA offers no STLS. */
static int pop3_capa(struct net_conn *c, struct fault *f)
{
	char text[TEXTPROTO_QUOTE_SIZE];
	bool ok, stls = false;

	if (textproto_send(c, "CAPA\r\n", "CAPA", f) < 0 ||
	    pop3_status(c, &step_capa, &ok, text, f) < 0)
		return -1;
	if (!ok) {
		fault_set(f, FAULT_NO_TLS, "server does not offer STLS (CAPA refused: %s)", text);
		return -1;
	}
	if (textproto_read_dotted(c, &step_capa, note_stls, &stls, f) < 0)
		return -1;
	if (!stls) {
		fault_set(f, FAULT_NO_TLS, "server does not offer STLS");
		return -1;
	}
	return 0;
}

static const struct textproto_go_ahead stls = {
        .command = "STLS",
        .step = &step_stls,
        .answer = TEXTPROTO_ANSWER_PLUS,
};

/* RFC 2595 4: greeting, CAPA, STLS, one command at a time and not a byte read
 * past the "+OK" go-ahead. */
static int pop3_upgrade(const struct protocol_context *ctx, struct fault *f)
{
	if (pop3_greeting(ctx->conn, &step_greeting, f) < 0 || pop3_capa(ctx->conn, f) < 0)
		return -1;
	return textproto_go_ahead(ctx->conn, &stls, f);
}

/* POP3S (RFC 8314): the greeting comes over TLS and confirms a POP3 server behind
 * the TLS endpoint. After STLS the server says nothing until asked. */
static int pop3_after(const struct protocol_context *ctx, struct fault *f)
{
	return textproto_greeting_again(ctx->conn, ctx->tls_on_connect, pop3_greeting,
	                                &step_greeting_tls, f);
}

/* "+OK Dovecot ready." (RFC 1939 4). */
static enum protocol_greeting pop3_greets(const unsigned char *bytes, size_t len, const char *line)
{
	(void)bytes;
	(void)len;
	return textproto_word_first(line, "+OK") ? PROTOCOL_GREETING_SURE : PROTOCOL_GREETING_NO;
}

const struct tls_protocol protocol_pop3 = {
        .name = "pop3",
        .description = "POP3 STLS",
        .own_plugin = true,
        .port = 110,
        .implicit_port = 995,
        .upgrade = pop3_upgrade,
        .after = pop3_after,
        .greets = pop3_greets,
};
