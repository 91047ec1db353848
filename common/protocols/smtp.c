#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "protocol.h"
#include "textproto.h"

#define SMTP_NAME_MAX 255

enum { SMTP_OPT_EHLO, SMTP_OPT_LMTP, SMTP_OPT_MX };

static const struct protocol_option smtp_options[] = {
        [SMTP_OPT_EHLO] = {"ehlo", "NAME",
                           "name sent with EHLO or LHLO (default: this host's name)", false},
        [SMTP_OPT_LMTP] = {"lmtp", NULL, "speak LMTP (RFC 2033): LHLO instead of EHLO", false},
        [SMTP_OPT_MX] = {"mx", NULL, "HOST is a mail domain: check every MX host it publishes",
                         false},
        {NULL, NULL, NULL, false},
};

/* SMTP and LMTP differ before TLS only in the command that greets the server, and
 * in the words of the messages. */
struct smtp_dialect {
	const char *hello; /* "EHLO" */
	struct textproto_step greeting, greeting_tls, hello_reply;
};

static const struct smtp_dialect smtp_dialect = {
        "EHLO",
        {"the SMTP greeting", "SMTP greeting"},
        {"the SMTP greeting over TLS", "SMTP greeting over TLS"},
        {"the reply to EHLO", "reply to EHLO"},
};

static const struct smtp_dialect lmtp_dialect = {
        "LHLO",
        {"the LMTP greeting", "LMTP greeting"},
        {"the LMTP greeting over TLS", "LMTP greeting over TLS"},
        {"the reply to LHLO", "reply to LHLO"},
};

static const struct textproto_step step_starttls = {"the reply to STARTTLS", "reply to STARTTLS"};

static const struct smtp_dialect *dialect_of(const struct protocol_args *a)
{
	return a->values[SMTP_OPT_LMTP] != NULL ? &lmtp_dialect : &smtp_dialect;
}

/* The EHLO keyword is the first word after the code ("250-STARTTLS"), matched as a
 * whole word: "STARTTLSX" or "X-STARTTLS" are something else. */
static void note_starttls(const char *line, void *data)
{
	bool *announced = data;

	if (line[3] != '\0' && textproto_word_first(line + 4, "STARTTLS"))
		*announced = true;
}

static int smtp_validate(const struct protocol_args *a, struct fault *f)
{
	const char *ehlo = a->values[SMTP_OPT_EHLO];

	if (ehlo != NULL && !textproto_is_word(ehlo, SMTP_NAME_MAX)) {
		fault_set(f, FAULT_USAGE, "'%.100s' is not a valid %s name", ehlo,
		          dialect_of(a)->hello);
		return -1;
	}
	if (a->values[SMTP_OPT_MX] != NULL && a->values[SMTP_OPT_LMTP] != NULL) {
		fault_set(f, FAULT_USAGE,
		          "--mx and --lmtp contradict each other: LMTP is not "
		          "reached through MX records");
		return -1;
	}
	return 0;
}

/* "EHLO name\r\n" (or LHLO) into CMD: the configured name, else this host's, else
 * "localhost". */
static int ehlo_command(const struct protocol_args *a, char *cmd, size_t size, struct fault *f)
{
	char host[SMTP_NAME_MAX + 1];
	const char *name = "localhost";

	if (a->values[SMTP_OPT_EHLO] != NULL) {
		if (smtp_validate(a, f) < 0)
			return -1;
		name = a->values[SMTP_OPT_EHLO];
	} else if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		if (textproto_is_word(host, SMTP_NAME_MAX))
			name = host;
	}
	snprintf(cmd, size, "%s %s\r\n", dialect_of(a)->hello, name);
	return 0;
}

static int smtp_greeting(struct net_conn *c, const struct textproto_step *step, struct fault *f)
{
	struct textproto_reply r;

	if (textproto_read_reply(c, step, TEXTPROTO_EVERY_LINE, NULL, NULL, &r, f) < 0)
		return -1;
	if (r.code != 220) {
		fault_set(f, FAULT_PEER, "server refused the session: %s", r.text);
		return -1;
	}
	return 0;
}

static int smtp_ehlo(struct net_conn *c, const struct protocol_args *a, struct fault *f)
{
	const struct smtp_dialect *d = dialect_of(a);
	char cmd[SMTP_NAME_MAX + 8];
	struct textproto_reply r;
	bool starttls = false;

	if (ehlo_command(a, cmd, sizeof(cmd), f) < 0)
		return -1;
	if (textproto_send(c, cmd, d->hello, f) < 0)
		return -1;
	if (textproto_read_reply(c, &d->hello_reply, TEXTPROTO_EVERY_LINE, note_starttls, &starttls,
	                         &r, f) < 0)
		return -1;
	if (r.code != 250) {
		fault_set(f, FAULT_PEER, "%s refused: %s", d->hello, r.text);
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
        .answer = TEXTPROTO_ANSWER_CODE,
        .style = TEXTPROTO_EVERY_LINE,
        .code = 220,
};

/* RFC 3207: one command at a time, never pipelined, and not a byte read past the
 * final 220 go-ahead (the caller refuses anything already buffered). LMTP (RFC
 * 2033) is the same dialogue with LHLO. */
static int smtp_upgrade(const struct protocol_context *ctx, struct fault *f)
{
	if (smtp_greeting(ctx->conn, &dialect_of(ctx->args)->greeting, f) < 0 ||
	    smtp_ehlo(ctx->conn, ctx->args, f) < 0)
		return -1;
	return textproto_go_ahead(ctx->conn, &starttls, f);
}

/* SMTPS (RFC 8314): the greeting comes over TLS, so reading it confirms a mail
 * server behind the TLS endpoint (not a terminator whose backend is gone). After
 * STARTTLS the server waits for our EHLO, and its greeting was read already. */
static int smtp_after(const struct protocol_context *ctx, struct fault *f)
{
	return textproto_greeting_again(ctx->conn, ctx->tls_on_connect, smtp_greeting,
	                                &dialect_of(ctx->args)->greeting_tls, f);
}

/* --mx: reach the domain the way senders do, through its MX records. */
static void smtp_profile(const struct protocol_args *a, struct protocol_profile *profile)
{
	profile->mail_domain = a->values[SMTP_OPT_MX] != NULL;
	profile->mail_domain_option = smtp_options[SMTP_OPT_MX].name;
}

/* "220 mx.example.com ESMTP Postfix": FTP servers greet with 220 too, so only a
 * greeting that names SMTP (or LMTP) is surely SMTP. */
static enum protocol_greeting smtp_greets(const unsigned char *bytes, size_t len, const char *line)
{
	(void)bytes;
	(void)len;
	if (textproto_reply_code(line) != 220)
		return PROTOCOL_GREETING_NO;
	if (textproto_mentions(line, "SMTP") || textproto_mentions(line, "LMTP"))
		return PROTOCOL_GREETING_SURE;
	return textproto_mentions(line, "FTP") ? PROTOCOL_GREETING_NO : PROTOCOL_GREETING_MAYBE;
}

const struct tls_protocol protocol_smtp = {
        .name = "smtp",
        .description = "SMTP STARTTLS (also on 587)",
        .own_plugin = true,
        .port = 25,
        .implicit_port = 465,
        .options = smtp_options,
        .validate = smtp_validate,
        .profile = smtp_profile,
        .upgrade = smtp_upgrade,
        .after = smtp_after,
        .greets = smtp_greets,
};
