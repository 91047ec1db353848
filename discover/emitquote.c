#include <config.h>

#include <string.h>

#include "emitquote.h"

#define ALNUM       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define NAME_CHARS  ALNUM "._-:"
#define NAGIOS_SAFE ALNUM "._-:/@=+%,"

bool emitquote_nagios_safe(const char *s)
{
	return s[0] != '\0' && strspn(s, NAGIOS_SAFE) == strlen(s);
}

bool emitquote_object_name(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && len <= EMITQUOTE_NAME_MAX && strchr(ALNUM, s[0]) != NULL &&
	       strspn(s, NAME_CHARS) == len;
}

static bool is_control(unsigned char ch)
{
	return ch < 0x20 || ch == 0x7f;
}

bool emitquote_has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if (is_control((unsigned char)*s))
			return true;
	}
	return false;
}

void emitquote_icinga2(FILE *out, const char *s, bool macros)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		else if (*s == '$' && macros)
			fputc('$', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void emitquote_yaml(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '\\' || ch == '"')
			fprintf(out, "\\%c", ch);
		else if (is_control(ch))
			fprintf(out, "\\x%02x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

/* The length of the well-formed UTF-8 sequence at S that a terminal may show
 * (not a C1 control, not overlong, not a surrogate, at most U+10FFFF), or 0. */
static size_t utf8_printable(const unsigned char *s)
{
	size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	unsigned long cp = s[0] & (0x7f >> len);

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < 0xa0 || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* How the terminal is shown the character at C: into PIECE (8 bytes), its length
 * returned; *STEP the bytes of C it stands for. */
static size_t terminal_piece(const unsigned char *c, char *piece, size_t *step)
{
	size_t len = *c >= 0x80 ? utf8_printable(c) : 0;

	*step = len > 0 ? len : 1;
	if (len > 0) {
		memcpy(piece, c, len);
		return len;
	}
	if (*c == '\\') {
		memcpy(piece, "\\\\", 2);
		return 2;
	}
	if (*c < 0x80 && !is_control(*c)) {
		piece[0] = (char)*c;
		return 1;
	}
	return (size_t)snprintf(piece, 8, "\\x%02x", *c);
}

void emitquote_terminal(char *out, size_t size, const char *s)
{
	const unsigned char *c = (const unsigned char *)s;
	size_t used = 0, len, step;
	char piece[8];

	while (*c != '\0') {
		len = terminal_piece(c, piece, &step);
		if (used + len >= size)
			break;
		memcpy(out + used, piece, len);
		used += len;
		c += step;
	}
	out[used] = '\0';
}
