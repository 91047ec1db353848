#include <config.h>

#include <stddef.h>

#include "protocol.h"
#include "textproto.h"

/* FTP (RFC 4217 4): AUTH TLS on the control connection, answered 234; or TLS at
 * connect on 990 (implicit FTPS). Multi-line replies carry the code on their first
 * and last lines only (RFC 959 4.2). */

static const struct textproto_step step_greeting = {"the FTP greeting", "FTP greeting"};
static const struct textproto_step step_greeting_tls = {"the FTP greeting over TLS",
                                                        "FTP greeting over TLS"};
static const struct textproto_step step_auth = {"the reply to AUTH TLS", "reply to AUTH TLS"};

/* How many "120 ready in N minutes" replies may come before the 220. */
#define FTP_DELAYS_MAX 3

/* 220, ready; a 120 ("ready in N minutes") may come before it (RFC 959 5.4). */
static int ftp_greeting(struct net_conn *c, const struct textproto_step *step, struct fault *f)
{
	struct textproto_reply r;
	int delays = 0;

	do {
		if (textproto_read_reply(c, step, TEXTPROTO_FIRST_AND_LAST, NULL, NULL, &r, f) < 0)
			return -1;
	} while (r.code == 120 && delays++ < FTP_DELAYS_MAX);
	if (r.code != 220) {
		fault_set(f, FAULT_PEER, "server refused the session: %s", r.text);
		return -1;
	}
	return 0;
}

/* 234 is the go-ahead. Anything else refuses: 500/502 (AUTH unknown), 504 (TLS not
 * a supported mechanism), 534 (policy), 431 (unavailable), 530 and the like. */
static const struct textproto_go_ahead auth_tls = {
        .command = "AUTH TLS",
        .step = &step_auth,
        .answer = TEXTPROTO_ANSWER_CODE,
        .style = TEXTPROTO_FIRST_AND_LAST,
        .code = 234,
};

static int ftp_upgrade(const struct protocol_context *ctx, struct fault *f)
{
	if (ftp_greeting(ctx->conn, &step_greeting, f) < 0)
		return -1;
	return textproto_go_ahead(ctx->conn, &auth_tls, f);
}

/* Implicit FTPS: the greeting comes over TLS and confirms an FTP server behind
 * the TLS endpoint. After AUTH TLS the server waits for a command. */
static int ftp_after(const struct protocol_context *ctx, struct fault *f)
{
	return textproto_greeting_again(ctx->conn, ctx->tls_on_connect, ftp_greeting,
	                                &step_greeting_tls, f);
}

/* "220 (vsFTPd 3.0.3)", or "120" when ready later. SMTP servers greet with 220
 * too, so only a greeting that names FTP (and not SMTP) is surely FTP. */
static enum protocol_greeting ftp_greets(const unsigned char *bytes, size_t len, const char *line)
{
	int code = textproto_reply_code(line);

	(void)bytes;
	(void)len;
	if ((code != 220 && code != 120) || textproto_mentions(line, "SMTP"))
		return PROTOCOL_GREETING_NO;
	return textproto_mentions(line, "FTP") ? PROTOCOL_GREETING_SURE : PROTOCOL_GREETING_MAYBE;
}

const struct tls_protocol protocol_ftp = {
        .name = "ftp",
        .description = "FTP AUTH TLS",
        .own_plugin = true,
        .port = 21,
        .implicit_port = 990,
        .upgrade = ftp_upgrade,
        .after = ftp_after,
        .greets = ftp_greets,
};
