/* Which protocol greets: the first bytes a server sends unasked, read without
 * saying anything, then matched against the greeting of every server-first
 * protocol of the table. Only discovery asks this; a plugin knows its protocol. */
#include <config.h>

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "deadline.h"
#include "greeting.h"

/* How long to wait for the rest of a greeting once its first byte came: a
 * greeting is one segment or a few, sent at once. */
#define GREETING_REST_SECONDS 0.3

static bool greeting_complete(const unsigned char *bytes, size_t len, size_t size)
{
	return len + 1 >= size || memchr(bytes, '\n', len) != NULL;
}

/* Move what C holds (at most what fits) into BYTES; never waits. */
static int take_buffered(struct net_conn *c, unsigned char *bytes, size_t size, size_t *len,
                         struct fault *f)
{
	size_t n = net_buffered(c);

	if (n > size - 1 - *len)
		n = size - 1 - *len;
	if (net_read_exact(c, bytes + *len, n, "the greeting", f) < 0)
		return -1;
	*len += n;
	return 0;
}

int greeting_read(struct net_conn *c, unsigned char *bytes, size_t size, size_t *len,
                  struct fault *f)
{
	const struct deadline *whole = c->deadline;
	struct deadline rest;
	struct fault late;
	int rc = -1;

	*len = 0;
	bytes[0] = '\0';
	if (net_await(c, "a greeting", f) < 0 || take_buffered(c, bytes, size, len, f) < 0)
		return -1;
	deadline_within(&rest, whole, GREETING_REST_SECONDS);
	net_conn_set_deadline(c, &rest);
	/* What came late or not at all is no failure: the first bytes are the greeting. */
	while (!greeting_complete(bytes, *len, size) && net_await(c, "a greeting", &late) == 0) {
		if (take_buffered(c, bytes, size, len, f) < 0)
			goto out;
	}
	rc = 0;
out:
	net_conn_set_deadline(c, whole);
	bytes[*len] = '\0';
	return rc;
}

/* The first line of BYTES, without CR LF, stopped at a NUL byte. */
static void first_line(const unsigned char *bytes, size_t len, char *line, size_t size)
{
	size_t n = 0;

	while (n < len && n + 1 < size && bytes[n] != '\0' && bytes[n] != '\r' &&
	       bytes[n] != '\n') {
		line[n] = (char)bytes[n];
		n++;
	}
	line[n] = '\0';
}

size_t greeting_recognise(const unsigned char *bytes, size_t len, const struct tls_protocol **out,
                          size_t max)
{
	const struct tls_protocol *const *protocols = protocol_all();
	char line[PROTOCOL_GREETING_MAX + 1];
	size_t count = 0;

	first_line(bytes, len, line, sizeof(line));
	for (int want = PROTOCOL_GREETING_SURE; want >= PROTOCOL_GREETING_MAYBE; want--) {
		for (size_t i = 0; protocols[i] != NULL && count < max; i++) {
			if (protocols[i]->greets != NULL &&
			    protocols[i]->greets(bytes, len, line) == (enum protocol_greeting)want)
				out[count++] = protocols[i];
		}
	}
	return count;
}
