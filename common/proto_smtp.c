#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "protocol.h"

#define SMTP_LINE_MAX    1000 /* RFC 5321 4.5.3.1.5 allows 512; real servers send more */
#define SMTP_REPLY_LINES 100  /* a reply longer than this is a hostile peer */
#define SMTP_QUOTE_MAX   80   /* peer text shown in a message */
#define SMTP_NAME_MAX    255

/* What we wait for, worded for net's messages ("timeout waiting for the reply to
 * EHLO") and for ours ("unexpected reply to EHLO: '...'"). */
struct smtp_step {
	const char *awaited;
	const char *name;
};

static const struct smtp_step step_greeting = {"the SMTP greeting", "SMTP greeting"};
static const struct smtp_step step_ehlo = {"the reply to EHLO", "reply to EHLO"};
static const struct smtp_step step_starttls = {"the reply to STARTTLS", "reply to STARTTLS"};

struct smtp_reply {
	int code;
	bool starttls;                 /* a line advertises the STARTTLS keyword */
	char text[SMTP_QUOTE_MAX + 4]; /* first line, quoted, for messages */
};

/* Peer text made safe to show: printable ASCII only, and short. */
static void quote(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	for (; src[n] != '\0' && n < SMTP_QUOTE_MAX && n + 4 < size; n++) {
		unsigned char ch = (unsigned char)src[n];

		dst[n] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	dst[n] = '\0';
	if (src[n] != '\0')
		snprintf(dst + n, size - n, "...");
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* The reply code of LINE ("250-...", "250 ...", "250"), or -1 when it is not a
 * reply line. */
static int reply_code(const char *line)
{
	if (!is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]))
		return -1;
	if (line[3] != ' ' && line[3] != '-' && line[3] != '\0')
		return -1;
	return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

/* The EHLO keyword is the first word after the code ("250-STARTTLS"), matched as a
 * whole word: "STARTTLSX" or "X-STARTTLS" are something else. */
static bool advertises_starttls(const char *line)
{
	const char *word = line + 4;

	if (line[3] == '\0')
		return false;
	return strncasecmp(word, "STARTTLS", 8) == 0 && (word[8] == '\0' || word[8] == ' ');
}

/* Read one whole reply, all its lines, and nothing after it. */
static int read_reply(struct net_conn *c, const struct smtp_step *step, struct smtp_reply *r,
                      struct fault *f)
{
	char line[SMTP_LINE_MAX + 1];
	char quoted[SMTP_QUOTE_MAX + 4];

	r->code = -1;
	r->starttls = false;
	for (int n = 0; n < SMTP_REPLY_LINES; n++) {
		int code;

		if (net_read_line(c, line, sizeof(line), step->awaited, f) < 0)
			return -1;
		code = reply_code(line);
		if (code < 0 || (n > 0 && code != r->code)) {
			quote(quoted, sizeof(quoted), line);
			fault_set(f, FAULT_PEER, "unexpected %s: '%s'", step->name, quoted);
			return -1;
		}
		if (n == 0) {
			r->code = code;
			quote(r->text, sizeof(r->text), line);
		}
		r->starttls = r->starttls || advertises_starttls(line);
		if (line[3] != '-')
			return 0;
	}
	fault_set(f, FAULT_PEER, "%s: more than %d lines", step->awaited, SMTP_REPLY_LINES);
	return -1;
}

/* A name we may put on the command line: no spaces, no control bytes. */
static bool valid_ehlo_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > SMTP_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch <= 0x20 || ch >= 0x7f)
			return false;
	}
	return true;
}

static int smtp_validate(const struct protocol_options *o, struct fault *f)
{
	if (o->ehlo_name != NULL && !valid_ehlo_name(o->ehlo_name)) {
		fault_set(f, FAULT_USAGE, "'%.100s' is not a valid EHLO name", o->ehlo_name);
		return -1;
	}
	return 0;
}

/* "EHLO name\r\n" into CMD: the configured name, else this host's, else "localhost". */
static int ehlo_command(const struct protocol_options *o, char *cmd, size_t size, struct fault *f)
{
	char host[SMTP_NAME_MAX + 1];
	const char *name = "localhost";

	if (o != NULL && o->ehlo_name != NULL) {
		if (smtp_validate(o, f) < 0)
			return -1;
		name = o->ehlo_name;
	} else if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		if (valid_ehlo_name(host))
			name = host;
	}
	snprintf(cmd, size, "EHLO %s\r\n", name);
	return 0;
}

static int smtp_greeting(struct net_conn *c, struct fault *f)
{
	struct smtp_reply r;

	if (read_reply(c, &step_greeting, &r, f) < 0)
		return -1;
	if (r.code != 220) {
		fault_set(f, FAULT_PEER, "server refused the session: %s", r.text);
		return -1;
	}
	return 0;
}

/* Send one command, but only into silence: a reply already waiting was sent before
 * the server saw the command, so it cannot be the answer to it (a pipelined or
 * injected "220" would otherwise pass for the STARTTLS go-ahead). */
static int send_command(struct net_conn *c, const char *cmd, size_t len, const char *what,
                        struct fault *f)
{
	size_t early = net_buffered(c);

	if (early > 0) {
		fault_set(f, FAULT_PEER, "server sent %zu byte%s before %s was sent; refusing",
		          early, early == 1 ? "" : "s", what);
		return -1;
	}
	return net_write_all(c, cmd, len, what, f);
}

static int smtp_ehlo(struct net_conn *c, const struct protocol_options *o, struct fault *f)
{
	char cmd[SMTP_NAME_MAX + 8];
	struct smtp_reply r;

	if (ehlo_command(o, cmd, sizeof(cmd), f) < 0)
		return -1;
	if (send_command(c, cmd, strlen(cmd), "EHLO", f) < 0)
		return -1;
	if (read_reply(c, &step_ehlo, &r, f) < 0)
		return -1;
	if (r.code != 250) {
		fault_set(f, FAULT_PEER, "EHLO refused: %s", r.text);
		return -1;
	}
	if (!r.starttls) {
		fault_set(f, FAULT_NO_TLS, "server does not offer STARTTLS");
		return -1;
	}
	return 0;
}

static int smtp_starttls(struct net_conn *c, struct fault *f)
{
	static const char cmd[] = "STARTTLS\r\n";
	struct smtp_reply r;

	if (send_command(c, cmd, sizeof(cmd) - 1, "STARTTLS", f) < 0)
		return -1;
	if (read_reply(c, &step_starttls, &r, f) < 0)
		return -1;
	if (r.code != 220) {
		fault_set(f, FAULT_NO_TLS, "STARTTLS refused: %s", r.text);
		return -1;
	}
	return 0;
}

/* RFC 3207: one command at a time, never pipelined, and not a byte read past the
 * final 220 go-ahead (the caller refuses anything already buffered). */
static int smtp_upgrade(struct net_conn *c, const struct protocol_options *o, struct fault *f)
{
	if (smtp_greeting(c, f) < 0 || smtp_ehlo(c, o, f) < 0)
		return -1;
	return smtp_starttls(c, f);
}

const struct tls_protocol protocol_smtp = {
        .name = "smtp",
        .description = "SMTP STARTTLS (25, 587; implicit TLS on 465)",
        .port = 25,
        .implicit_port = 465,
        .upgrade = smtp_upgrade,
        .validate = smtp_validate,
};
