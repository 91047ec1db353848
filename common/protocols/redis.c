#include <config.h>

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "protocol.h"
#include "textproto.h"

/* Redis with TLS (tls-port) speaks TLS from the first byte. Behind TLS it answers
 * PING with one RESP reply: +PONG, or an error such as -NOAUTH (a password is
 * required), -DENIED (protected mode) or -LOADING, each of which proves a Redis
 * server as well as +PONG does. */
enum { REDIS_OPT_NO_PING };

static const struct protocol_option redis_options[] = {
        [REDIS_OPT_NO_PING] = {"no-ping", NULL, "alias of --no-service-check", true},
        {NULL, NULL, NULL, false},
};

static const struct textproto_step step_pong = {"the reply to PING", "Redis reply to PING"};

/* Is TEXT an integer as RESP writes one (a length, a count, a number)? */
static bool resp_integer(const char *text)
{
	if (*text == '-')
		text++;
	return *text != '\0' && strspn(text, "0123456789") == strlen(text);
}

/* One line of a RESP reply: a type byte, then its text. Simple strings and errors
 * (RESP2 and RESP3's verbatim kinds) carry any text; integers, bulk strings and
 * aggregates open with a number. */
static bool resp_reply(const char *line)
{
	switch (line[0]) {
	case '+':
	case '-':
		return true;
	case ':':
	case '$':
	case '*':
	case '%':
	case '~':
	case '>':
		return resp_integer(line + 1);
	default:
		return false;
	}
}

static int redis_after(const struct protocol_context *ctx, struct fault *f)
{
	struct net_conn *c = ctx->conn;
	char line[TEXTPROTO_LINE_MAX + 1];
	size_t start = c->received;

	if (net_send_into_silence(c, "PING\r\n", 6, "PING", f) < 0 ||
	    textproto_read_line(c, &step_pong, line, f) < 0)
		return protocol_no_answer(f, step_pong.name, c->received - start);
	if (!resp_reply(line))
		return protocol_answered_otherwise(NULL, line, strlen(line), step_pong.name, f);
	return 0;
}

const struct tls_protocol protocol_redis = {
        .name = "redis",
        .description = "Redis, TLS at connect; PING after",
        .own_plugin = true,
        .port = 6379,
        .implicit_port = 6379,
        .options = redis_options,
        .after = redis_after,
        .service_check = true,
};
