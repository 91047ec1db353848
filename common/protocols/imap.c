#include <config.h>

#include <stdbool.h>
#include <stdio.h>

#include "protocol.h"
#include "textproto.h"

/* The tags of our two commands: the server echoes them on its final reply. */
#define TAG_CAPABILITY "a001"
#define TAG_STARTTLS   "a002"

static const struct textproto_step step_greeting = {"the IMAP greeting", "IMAP greeting"};
static const struct textproto_step step_greeting_tls = {"the IMAP greeting over TLS",
                                                        "IMAP greeting over TLS"};
static const struct textproto_step step_capability = {"the reply to CAPABILITY",
                                                      "reply to CAPABILITY"};
static const struct textproto_step step_starttls = {"the reply to STARTTLS", "reply to STARTTLS"};

/* "* CAPABILITY IMAP4rev1 STARTTLS ...", matched word by word: "X-STARTTLS" or
 * "STARTTLS2" are something else. Other untagged data is ignored. */
static void note_starttls(const char *line, void *data)
{
	bool *offered = data;
	const char *words = line + 2; /* after "* " */

	if (textproto_word_first(words, "CAPABILITY") && textproto_has_word(words, "STARTTLS"))
		*offered = true;
}

/* One line, "* OK ...". PREAUTH is a session logged in already, where STARTTLS is
 * not allowed (RFC 3501 6.2.1); over TLS it still proves an IMAP server. */
static int imap_greeting(struct net_conn *c, const struct textproto_step *step, bool over_tls,
                         struct fault *f)
{
	char line[TEXTPROTO_LINE_MAX + 1];
	char quoted[TEXTPROTO_QUOTE_SIZE];
	struct textproto_status st;

	if (textproto_read_line(c, step, line, f) < 0)
		return -1;
	if (!textproto_status_parse(line, "*", &st))
		return textproto_unexpected(step, line, f);
	textproto_quote(quoted, sizeof(quoted), line);
	switch (st.word) {
	case TEXTPROTO_OK:
		return 0;
	case TEXTPROTO_PREAUTH:
		if (over_tls)
			return 0;
		fault_set(f, FAULT_NO_TLS, "PREAUTH greeting, no STARTTLS possible: %s", quoted);
		return -1;
	case TEXTPROTO_BYE:
		fault_set(f, FAULT_PEER, "server refused the session: %s", quoted);
		return -1;
	default:
		return textproto_unexpected(step, line, f);
	}
}

/* Send "TAG COMMAND" and read the response through its tagged status line. An
 * untagged BYE instead is the server closing: named, not waited out. */
static int imap_command(struct net_conn *c, const char *tag, const char *command,
                        const struct textproto_step *step, textproto_line_fn *each, void *data,
                        struct textproto_status *st, struct fault *f)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "%s %s\r\n", tag, command);
	if (textproto_send(c, cmd, command, f) < 0 ||
	    textproto_read_status(c, step, tag, each, data, st, f) < 0)
		return -1;
	if (st->word == TEXTPROTO_BYE) {
		fault_set(f, FAULT_PEER, "server closed the session after %s: %s", command,
		          st->text);
		return -1;
	}
	return 0;
}

static int imap_capability(struct net_conn *c, struct fault *f)
{
	struct textproto_status st;
	bool starttls = false;

	if (imap_command(c, TAG_CAPABILITY, "CAPABILITY", &step_capability, note_starttls,
	                 &starttls, &st, f) < 0)
		return -1;
	if (st.word != TEXTPROTO_OK) {
		fault_set(f, FAULT_PEER, "CAPABILITY refused: %s", st.text);
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
        .tag = TAG_STARTTLS,
};

/* Over TLS, a PREAUTH greeting proves an IMAP server as well as OK does. */
static int imap_greeting_tls(struct net_conn *c, const struct textproto_step *step, struct fault *f)
{
	return imap_greeting(c, step, true, f);
}

/* RFC 3501 6.2.1: the greeting, CAPABILITY (asked even when the greeting carries
 * the list: the reply is authoritative), then STARTTLS, one command at a time and
 * not a byte read past the tagged OK. LOGINDISABLED does not matter to a probe. */
static int imap_upgrade(const struct protocol_context *ctx, struct fault *f)
{
	if (imap_greeting(ctx->conn, &step_greeting, false, f) < 0 ||
	    imap_capability(ctx->conn, f) < 0)
		return -1;
	return textproto_go_ahead(ctx->conn, &starttls, f);
}

/* IMAPS (RFC 8314): the greeting comes over TLS and confirms an IMAP server behind
 * the TLS endpoint. After STARTTLS the server says nothing until asked. */
static int imap_after(const struct protocol_context *ctx, struct fault *f)
{
	return textproto_greeting_again(ctx->conn, ctx->tls_on_connect, imap_greeting_tls,
	                                &step_greeting_tls, f);
}

/* "* OK [CAPABILITY ...] ready", or "* PREAUTH" (RFC 3501 7.1). */
static enum protocol_greeting imap_greets(const unsigned char *bytes, size_t len, const char *line)
{
	struct textproto_status st;

	(void)bytes;
	(void)len;
	if (textproto_status_parse(line, "*", &st) &&
	    (st.word == TEXTPROTO_OK || st.word == TEXTPROTO_PREAUTH))
		return PROTOCOL_GREETING_SURE;
	return PROTOCOL_GREETING_NO;
}

const struct tls_protocol protocol_imap = {
        .name = "imap",
        .description = "IMAP STARTTLS",
        .own_plugin = true,
        .port = 143,
        .implicit_port = 993,
        .upgrade = imap_upgrade,
        .after = imap_after,
        .greets = imap_greets,
};
