#include <config.h>

#include <stdbool.h>
#include <string.h>

#include "protocol.h"
#include "textproto.h"

static const struct textproto_step step_greeting = {"the ManageSieve greeting",
                                                    "ManageSieve greeting"};
static const struct textproto_step step_starttls = {"the reply to STARTTLS", "reply to STARTTLS"};

/* A capability line opens with the capability's name as a quoted string:
 * "STARTTLS", or "SASL" "PLAIN". */
static void note_starttls(const char *line, void *data)
{
	bool *offered = data;

	if (textproto_word_first(line, "\"STARTTLS\""))
		*offered = true;
}

/* The greeting is the capability list, ended by OK (RFC 5804 1.7); NO or BYE
 * instead is a refused session. */
static int sieve_greeting(struct net_conn *c, struct fault *f)
{
	struct textproto_status st;
	bool starttls = false;

	if (textproto_read_status(c, &step_greeting, NULL, note_starttls, &starttls, &st, f) < 0)
		return -1;
	if (st.word != TEXTPROTO_OK) {
		fault_set(f, FAULT_PEER, "server refused the session: %s", st.text);
		return -1;
	}
	if (!starttls) {
		fault_set(f, FAULT_NO_TLS, "server does not offer STARTTLS");
		return -1;
	}
	return 0;
}

static const struct textproto_go_ahead starttls = {
        .command = "STARTTLS",
        .step = &step_starttls,
        .answer = TEXTPROTO_ANSWER_STATUS,
};

/* RFC 5804 2.2: the capabilities, STARTTLS, and not a byte read past its OK. */
static int sieve_upgrade(const struct protocol_context *ctx, struct fault *f)
{
	if (sieve_greeting(ctx->conn, f) < 0)
		return -1;
	return textproto_go_ahead(ctx->conn, &starttls, f);
}

/* The capability list, each line opening with a quoted name ("IMPLEMENTATION"
 * "Dovecot Pigeonhole"), or a bare OK when it is empty (RFC 5804 1.7). */
static enum protocol_greeting sieve_greets(const unsigned char *bytes, size_t len, const char *line)
{
	struct textproto_status st;

	(void)bytes;
	(void)len;
	if (line[0] == '"' && strchr(line + 1, '"') != NULL)
		return PROTOCOL_GREETING_SURE;
	if (textproto_status_parse(line, NULL, &st) && st.word == TEXTPROTO_OK)
		return PROTOCOL_GREETING_SURE;
	return PROTOCOL_GREETING_NO;
}

const struct tls_protocol protocol_sieve = {
        .name = "sieve",
        .description = "ManageSieve STARTTLS",
        .port = 4190,
        .implicit_port = 0,
        .upgrade = sieve_upgrade,
        .greets = sieve_greets,
};
