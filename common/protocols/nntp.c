#include <config.h>

#include <stdbool.h>
#include <stddef.h>
#include <strings.h>

#include "protocol.h"
#include "textproto.h"

/* NNTP (RFC 4642, RFC 3977): after the greeting, CAPABILITIES to see STARTTLS
 * offered, then STARTTLS, answered 382; or TLS at connect on 563. Each response is
 * one status line; CAPABILITIES adds a block of lines ended by ".". */

static const struct textproto_step step_greeting = {"the NNTP greeting", "NNTP greeting"};
static const struct textproto_step step_greeting_tls = {"the NNTP greeting over TLS",
                                                        "NNTP greeting over TLS"};
static const struct textproto_step step_capabilities = {"the reply to CAPABILITIES",
                                                        "reply to CAPABILITIES"};
static const struct textproto_step step_starttls = {"the reply to STARTTLS", "reply to STARTTLS"};

static int nntp_status(struct net_conn *c, const struct textproto_step *step,
                       struct textproto_reply *r, struct fault *f)
{
	return textproto_read_reply(c, step, TEXTPROTO_ONE_LINE, NULL, NULL, r, f);
}

/* 200 (posting allowed) or 201 (not); 400 and 502 say the service is unavailable. */
static int nntp_greeting(struct net_conn *c, const struct textproto_step *step, struct fault *f)
{
	struct textproto_reply r;

	if (nntp_status(c, step, &r, f) < 0)
		return -1;
	if (r.code != 200 && r.code != 201) {
		fault_set(f, FAULT_PEER, "server refused the session: %s", r.text);
		return -1;
	}
	return 0;
}

/* A capability line is a keyword, then arguments: "STARTTLS" on its own. */
static void note_starttls(const char *line, void *data)
{
	bool *offered = data;

	if (strncasecmp(line, "STARTTLS", 8) == 0 && (line[8] == '\0' || line[8] == ' '))
		*offered = true;
}

/* Sets *OFFERED to whether the capabilities list STARTTLS. A server that does not
 * know CAPABILITIES (older than RFC 3977) may still know STARTTLS: then it is
 * asked anyway. */
static int nntp_capabilities(struct net_conn *c, bool *offered, struct fault *f)
{
	struct textproto_reply r;

	*offered = false;
	if (textproto_send(c, "CAPABILITIES\r\n", "CAPABILITIES", f) < 0 ||
	    nntp_status(c, &step_capabilities, &r, f) < 0)
		return -1;
	if (r.code != 101) {
		*offered = true;
		return 0;
	}
	return textproto_read_dotted(c, &step_capabilities, note_starttls, offered, f);
}

/* 382 is the go-ahead; 580 says TLS cannot start, 502 that it is not offered. */
static const struct textproto_go_ahead starttls = {
        .command = "STARTTLS",
        .step = &step_starttls,
        .answer = TEXTPROTO_ANSWER_CODE,
        .style = TEXTPROTO_ONE_LINE,
        .code = 382,
};

static int nntp_upgrade(const struct protocol_context *ctx, struct fault *f)
{
	bool offered;

	if (nntp_greeting(ctx->conn, &step_greeting, f) < 0 ||
	    nntp_capabilities(ctx->conn, &offered, f) < 0)
		return -1;
	if (!offered) {
		fault_set(f, FAULT_NO_TLS, "server does not offer STARTTLS");
		return -1;
	}
	return textproto_go_ahead(ctx->conn, &starttls, f);
}

/* NNTPS: the greeting comes over TLS and confirms a news server behind the TLS
 * endpoint. After STARTTLS the server waits for a command. */
static int nntp_after(const struct protocol_context *ctx, struct fault *f)
{
	return textproto_greeting_again(ctx->conn, ctx->tls_on_connect, nntp_greeting,
	                                &step_greeting_tls, f);
}

/* "200 news.example.com ready" or 201 (RFC 3977 5.1): no other protocol of the
 * table greets with these codes. */
static enum protocol_greeting nntp_greets(const unsigned char *bytes, size_t len, const char *line)
{
	int code = textproto_reply_code(line);

	(void)bytes;
	(void)len;
	return code == 200 || code == 201 ? PROTOCOL_GREETING_SURE : PROTOCOL_GREETING_NO;
}

const struct tls_protocol protocol_nntp = {
        .name = "nntp",
        .description = "NNTP STARTTLS",
        .port = 119,
        .implicit_port = 563,
        .upgrade = nntp_upgrade,
        .after = nntp_after,
        .greets = nntp_greets,
};
