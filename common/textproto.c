#include <config.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "textproto.h"

void textproto_quote(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	if (size == 0)
		return;
	for (; src[n] != '\0' && n < TEXTPROTO_QUOTE_MAX && n + 4 < size; n++) {
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

int textproto_reply_code(const char *line)
{
	if (!is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]))
		return -1;
	if (line[3] != ' ' && line[3] != '-' && line[3] != '\0')
		return -1;
	return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

int textproto_unexpected(const struct textproto_step *step, const char *line, struct fault *f)
{
	char quoted[TEXTPROTO_QUOTE_SIZE];

	textproto_quote(quoted, sizeof(quoted), line);
	fault_set(f, FAULT_PEER, "unexpected %s: '%s'", step->name, quoted);
	return -1;
}

static int too_many_lines(const struct textproto_step *step, struct fault *f)
{
	fault_set(f, FAULT_PEER, "%s: more than %d lines", step->awaited, TEXTPROTO_REPLY_MAX);
	return -1;
}

/* Does LINE, the Nth of a reply whose first line had CODE, end the reply? Sets
 * *BROKEN when it cannot belong to the reply at all. */
static bool ends_reply(const char *line, size_t n, int code, enum textproto_style style,
                       bool *broken)
{
	int own = textproto_reply_code(line);

	*broken = false;
	if (style == TEXTPROTO_ONE_LINE)
		return true;
	if (n > 0 && own != code) {
		/* FTP's lines between the first and the last may say anything. */
		*broken = style == TEXTPROTO_EVERY_LINE;
		return false;
	}
	return line[3] != '-';
}

int textproto_read_reply(struct net_conn *c, const struct textproto_step *step,
                         enum textproto_style style, textproto_line_fn *each, void *data,
                         struct textproto_reply *r, struct fault *f)
{
	char line[TEXTPROTO_LINE_MAX + 1];
	bool broken, last;

	memset(r, 0, sizeof(*r));
	r->code = -1;
	for (size_t n = 0; n < TEXTPROTO_REPLY_MAX; n++) {
		if (textproto_read_line(c, step, line, f) < 0)
			return -1;
		if (n == 0) {
			r->code = textproto_reply_code(line);
			if (r->code < 0)
				return textproto_unexpected(step, line, f);
			textproto_quote(r->text, sizeof(r->text), line);
		}
		r->lines = n + 1;
		last = ends_reply(line, n, r->code, style, &broken);
		if (broken)
			return textproto_unexpected(step, line, f);
		if (each != NULL)
			each(line, data);
		if (last)
			return 0;
	}
	return too_many_lines(step, f);
}

int textproto_read_line(struct net_conn *c, const struct textproto_step *step, char *line,
                        struct fault *f)
{
	return net_read_line(c, line, TEXTPROTO_LINE_MAX + 1, step->awaited, f);
}

int textproto_send(struct net_conn *c, const char *cmd, const char *what, struct fault *f)
{
	return net_send_into_silence(c, cmd, strlen(cmd), what, f);
}

bool textproto_is_word(const char *word, size_t max)
{
	size_t len = strlen(word);

	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)word[i];

		if (ch <= 0x20 || ch >= 0x7f)
			return false;
	}
	return true;
}

bool textproto_word_first(const char *s, const char *word)
{
	size_t len = strlen(word);

	return strncasecmp(s, word, len) == 0 && (s[len] == '\0' || s[len] == ' ');
}

bool textproto_has_word(const char *s, const char *word)
{
	for (;;) {
		if (textproto_word_first(s, word))
			return true;
		s = strchr(s, ' ');
		if (s == NULL)
			return false;
		s++;
	}
}

bool textproto_mentions(const char *s, const char *text)
{
	size_t len = strlen(text);

	for (; *s != '\0'; s++) {
		if (strncasecmp(s, text, len) == 0)
			return true;
	}
	return false;
}

int textproto_read_dotted(struct net_conn *c, const struct textproto_step *step,
                          textproto_line_fn *each, void *data, struct fault *f)
{
	char line[TEXTPROTO_LINE_MAX + 1];

	for (size_t n = 0; n < TEXTPROTO_REPLY_MAX; n++) {
		if (textproto_read_line(c, step, line, f) < 0)
			return -1;
		if (strcmp(line, ".") == 0)
			return 0;
		if (each != NULL)
			each(line[0] == '.' ? line + 1 : line, data);
	}
	return too_many_lines(step, f);
}

static const char *const status_words[] = {
        [TEXTPROTO_OK] = "OK",   [TEXTPROTO_NO] = "NO",           [TEXTPROTO_BAD] = "BAD",
        [TEXTPROTO_BYE] = "BYE", [TEXTPROTO_PREAUTH] = "PREAUTH",
};

bool textproto_status_parse(const char *line, const char *tag, struct textproto_status *st)
{
	if (tag != NULL) {
		size_t len = strlen(tag);

		if (strncmp(line, tag, len) != 0 || line[len] != ' ')
			return false;
		line += len + 1;
	}
	for (size_t i = 0; i < sizeof(status_words) / sizeof(status_words[0]); i++) {
		if (textproto_word_first(line, status_words[i])) {
			st->word = (enum textproto_status_word)i;
			return true;
		}
	}
	return false;
}

/* May LINE come before the status line of a response whose status carries TAG? */
static bool is_data_line(const char *line, const char *tag)
{
	if (tag != NULL)
		return strncmp(line, "* ", 2) == 0;
	return line[0] == '"';
}

int textproto_read_status(struct net_conn *c, const struct textproto_step *step, const char *tag,
                          textproto_line_fn *each, void *data, struct textproto_status *st,
                          struct fault *f)
{
	char line[TEXTPROTO_LINE_MAX + 1];

	memset(st, 0, sizeof(*st));
	for (size_t n = 0; n < TEXTPROTO_REPLY_MAX; n++) {
		if (textproto_read_line(c, step, line, f) < 0)
			return -1;
		if (textproto_status_parse(line, tag, st) ||
		    (tag != NULL && textproto_status_parse(line, "*", st) &&
		     st->word == TEXTPROTO_BYE)) {
			textproto_quote(st->text, sizeof(st->text), line);
			return 0;
		}
		if (!is_data_line(line, tag))
			return textproto_unexpected(step, line, f);
		if (each != NULL)
			each(line, data);
	}
	return too_many_lines(step, f);
}

/* "+OK ..." goes ahead, "-ERR ..." refuses; anything else is not the protocol. */
static int read_plus(struct net_conn *c, const struct textproto_step *step, bool *go,
                     char text[TEXTPROTO_QUOTE_SIZE], struct fault *f)
{
	char line[TEXTPROTO_LINE_MAX + 1];

	if (textproto_read_line(c, step, line, f) < 0)
		return -1;
	*go = textproto_word_first(line, "+OK");
	if (!*go && !textproto_word_first(line, "-ERR"))
		return textproto_unexpected(step, line, f);
	textproto_quote(text, TEXTPROTO_QUOTE_SIZE, line);
	return 0;
}

/* A status line; with a tag, an untagged BYE is the server closing, not an
 * answer to the command. */
static int read_status_answer(struct net_conn *c, const struct textproto_go_ahead *g, bool *go,
                              char text[TEXTPROTO_QUOTE_SIZE], struct fault *f)
{
	struct textproto_status st;

	if (textproto_read_status(c, g->step, g->tag, NULL, NULL, &st, f) < 0)
		return -1;
	if (g->tag != NULL && st.word == TEXTPROTO_BYE) {
		fault_set(f, FAULT_PEER, "server closed the session after %s: %s", g->command,
		          st.text);
		return -1;
	}
	*go = st.word == TEXTPROTO_OK;
	snprintf(text, TEXTPROTO_QUOTE_SIZE, "%s", st.text);
	return 0;
}

static int read_answer(struct net_conn *c, const struct textproto_go_ahead *g, bool *go,
                       char text[TEXTPROTO_QUOTE_SIZE], struct fault *f)
{
	struct textproto_reply r;

	switch (g->answer) {
	case TEXTPROTO_ANSWER_CODE:
		if (textproto_read_reply(c, g->step, g->style, NULL, NULL, &r, f) < 0)
			return -1;
		*go = r.code == g->code;
		snprintf(text, TEXTPROTO_QUOTE_SIZE, "%s", r.text);
		return 0;
	case TEXTPROTO_ANSWER_STATUS:
		return read_status_answer(c, g, go, text, f);
	case TEXTPROTO_ANSWER_PLUS:
		return read_plus(c, g->step, go, text, f);
	}
	fault_set(f, FAULT_INTERNAL, "unknown answer form %d", (int)g->answer);
	return -1;
}

int textproto_go_ahead(struct net_conn *c, const struct textproto_go_ahead *g, struct fault *f)
{
	char cmd[TEXTPROTO_LINE_MAX + 1], text[TEXTPROTO_QUOTE_SIZE];
	bool go = false;

	if (g->answer == TEXTPROTO_ANSWER_STATUS && g->tag != NULL)
		snprintf(cmd, sizeof(cmd), "%s %s\r\n", g->tag, g->command);
	else
		snprintf(cmd, sizeof(cmd), "%s\r\n", g->command);
	if (textproto_send(c, cmd, g->command, f) < 0 || read_answer(c, g, &go, text, f) < 0)
		return -1;
	if (!go) {
		fault_set(f, FAULT_NO_TLS, "%s refused: %s", g->command, text);
		return -1;
	}
	return 0;
}

int textproto_greeting_again(struct net_conn *c, bool tls_on_connect,
                             textproto_greeting_fn *greeting, const struct textproto_step *step,
                             struct fault *f)
{
	if (!tls_on_connect)
		return 0;
	return greeting(c, step, f);
}
