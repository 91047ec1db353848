#include <config.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "protocol.h"
#include "textproto.h"

/* MySQL and MariaDB (client/server protocol, "Connection Phase"): the server
 * speaks first with one packet, Protocol::HandshakeV10; a client that wants TLS
 * answers with Protocol::SSLRequest, the first 32 bytes of its handshake
 * response, and starts the TLS handshake at once: the server says nothing more
 * in plain text.
 *
 * A packet is a 3-byte little-endian payload length, a sequence id, the payload. */
#define MYSQL_HEADER_SIZE 4
/* A greeting is about 100 bytes: a version string, a scramble, the name of an
 * auth plugin; an ERR packet at greeting carries one message. Far more is not a
 * MySQL server talking. */
#define MYSQL_GREETING_MAX 1024

/* Capability flags (Protocol::CapabilityFlags). */
#define CLIENT_LONG_PASSWORD     0x00000001u /* MariaDB: CLIENT_MYSQL */
#define CLIENT_LONG_FLAG         0x00000004u
#define CLIENT_PROTOCOL_41       0x00000200u
#define CLIENT_SSL               0x00000800u
#define CLIENT_SECURE_CONNECTION 0x00008000u

#define SSL_REQUEST_CAPABILITIES                                                                   \
	(CLIENT_LONG_PASSWORD | CLIENT_LONG_FLAG | CLIENT_PROTOCOL_41 | CLIENT_SSL |               \
	 CLIENT_SECURE_CONNECTION)
#define SSL_REQUEST_MAX_PACKET 0x01000000u /* 16 MiB */
#define SSL_REQUEST_CHARSET    0x21        /* utf8_general_ci, known to every server */
#define SSL_REQUEST_SIZE       32

/* What the first packet said, as far as this check needs it. */
struct greeting {
	const unsigned char *payload;
	size_t len;
	char product[TEXTPROTO_QUOTE_SIZE + 8]; /* "MariaDB 10.11.6", for messages */
	uint32_t capabilities;
};

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

/* Read the greeting packet into BUF (MYSQL_GREETING_MAX bytes): the header first,
 * so that not a byte past the packet is consumed. */
static int read_greeting(struct net_conn *c, unsigned char *buf, size_t *len, struct fault *f)
{
	unsigned char header[MYSQL_HEADER_SIZE];
	char shown[TEXTPROTO_QUOTE_SIZE];
	char text[MYSQL_HEADER_SIZE + 1];

	if (net_read_exact(c, header, sizeof(header), "the MySQL greeting", f) < 0)
		return -1;
	*len = le16(header) | (size_t)header[2] << 16;
	if (*len == 0 || *len > MYSQL_GREETING_MAX) {
		/* A text protocol's banner read as a length: show it as text. */
		memcpy(text, header, sizeof(header));
		text[sizeof(header)] = '\0';
		textproto_quote(shown, sizeof(shown), text);
		fault_set(f, FAULT_PEER,
		          "not a MySQL greeting: a packet of %zu bytes (at most %d expected), "
		          "starting '%s'",
		          *len, MYSQL_GREETING_MAX, shown);
		return -1;
	}
	if (header[3] != 0) {
		fault_set(f, FAULT_PEER, "garbled MySQL greeting: sequence id %u, expected 0",
		          header[3]);
		return -1;
	}
	return net_read_exact(c, buf, *len, "the rest of the MySQL greeting", f);
}

/* BYTES of LEN (not NUL-terminated) quoted for a message. */
static void quote_bytes(char *dst, size_t size, const unsigned char *bytes, size_t len)
{
	char text[TEXTPROTO_QUOTE_MAX + 2];

	if (len > sizeof(text) - 1)
		len = sizeof(text) - 1;
	memcpy(text, bytes, len);
	text[len] = '\0';
	textproto_quote(dst, size, text);
}

/* What a refusal at greeting means, for the errors a monitoring host meets. */
static const char *error_name(unsigned code)
{
	switch (code) {
	case 1040:
		return " (too many connections)";
	case 1129:
		return " (host blocked after too many connection errors)";
	case 1130:
		return " (host not allowed to connect)";
	default:
		return "";
	}
}

/* Protocol::ERR_Packet instead of a greeting: 0xff, the error code, and its
 * message (after a '#' and an SQL state when the server includes one). */
static void refused(const unsigned char *p, size_t len, struct fault *f)
{
	char message[TEXTPROTO_QUOTE_SIZE];
	unsigned code;
	size_t skip = 3;

	if (len < 3) {
		fault_set(f, FAULT_PEER, "truncated MySQL error packet at greeting (%zu bytes)",
		          len);
		return;
	}
	code = le16(p + 1);
	if (len >= 9 && p[3] == '#')
		skip = 9;
	quote_bytes(message, sizeof(message), p + skip, len - skip);
	fault_set(f, FAULT_PEER, "server refused the connection at greeting: error %u%s: '%s'",
	          code, error_name(code), message);
}

/* "MariaDB 10.11.6" from "5.5.5-10.11.6-MariaDB-0+deb12u1" (MariaDB prefixes
 * 5.5.5- for old replication clients), "MySQL 8.0.36" from "8.0.36". */
static void name_product(const char *version, char *out, size_t size)
{
	char number[TEXTPROTO_QUOTE_SIZE];
	const char *v = version;
	size_t n;

	if (strncmp(v, "5.5.5-", 6) == 0 && v[6] != '\0')
		v += 6;
	n = strcspn(v, "-");
	quote_bytes(number, sizeof(number), (const unsigned char *)v, n);
	snprintf(out, size, "%s %s", strstr(version, "MariaDB") ? "MariaDB" : "MySQL", number);
}

/* Protocol::HandshakeV10, up to the lower capability flags, with every field
 * bounded by the packet: version 10, the server version (NUL-terminated), the
 * thread id (4), the first 8 bytes of the scramble, a filler 0, the lower 2
 * bytes of the capabilities; then, when present, the character set, the status
 * flags and the upper capabilities. The rest (the scramble's second part, the
 * auth plugin's name) only matters to a client that logs in. */
static int parse_v10(struct greeting *g, struct fault *f)
{
	const unsigned char *p = g->payload;
	const unsigned char *nul = memchr(p + 1, '\0', g->len - 1);
	size_t at; /* the filler after the scramble's first part */

	if (nul == NULL) {
		fault_set(f, FAULT_PEER, "truncated MySQL greeting: no end to the server version");
		return -1;
	}
	name_product((const char *)p + 1, g->product, sizeof(g->product));
	at = (size_t)(nul - p) + 1 + 4 + 8;
	if (g->len < at + 3) {
		fault_set(f, FAULT_PEER, "truncated MySQL greeting from %s (%zu bytes)", g->product,
		          g->len);
		return -1;
	}
	if (p[at] != 0) {
		fault_set(f, FAULT_PEER,
		          "garbled MySQL greeting from %s: filler 0x%02x, expected 0", g->product,
		          p[at]);
		return -1;
	}
	g->capabilities = le16(p + at + 1);
	if (g->len >= at + 8)
		g->capabilities |= le16(p + at + 6) << 16;
	return 0;
}

static int parse_greeting(struct greeting *g, struct fault *f)
{
	switch (g->payload[0]) {
	case 0xff:
		refused(g->payload, g->len, f);
		return -1;
	case 10:
		return parse_v10(g, f);
	case 9:
		fault_set(f, FAULT_NO_TLS,
		          "server speaks MySQL protocol version 9 (before MySQL 3.22), which has "
		          "no TLS");
		return -1;
	default:
		fault_set(f, FAULT_PEER,
		          "not a MySQL greeting: protocol version 0x%02x, expected 10",
		          g->payload[0]);
		return -1;
	}
}

/* Protocol::SSLRequest: header (length 32, sequence 1), capabilities, max packet
 * size, character set, 23 reserved zero bytes. */
static void ssl_request(unsigned char out[MYSQL_HEADER_SIZE + SSL_REQUEST_SIZE])
{
	const uint32_t caps = SSL_REQUEST_CAPABILITIES, max = SSL_REQUEST_MAX_PACKET;
	unsigned char *p = out + MYSQL_HEADER_SIZE;

	memset(out, 0, MYSQL_HEADER_SIZE + SSL_REQUEST_SIZE);
	out[0] = SSL_REQUEST_SIZE;
	out[3] = 1;
	for (int i = 0; i < 4; i++) {
		p[i] = (unsigned char)(caps >> (8 * i));
		p[4 + i] = (unsigned char)(max >> (8 * i));
	}
	p[8] = SSL_REQUEST_CHARSET;
}

/* Read the whole greeting and nothing after it, require CLIENT_SSL, then answer
 * with the SSLRequest: the server's next byte is its part of the handshake. */
static int mysql_upgrade(const struct protocol_context *ctx, struct fault *f)
{
	unsigned char buf[MYSQL_GREETING_MAX];
	unsigned char request[MYSQL_HEADER_SIZE + SSL_REQUEST_SIZE];
	struct greeting g = {.payload = buf};

	if (read_greeting(ctx->conn, buf, &g.len, f) < 0 || parse_greeting(&g, f) < 0)
		return -1;
	if (!(g.capabilities & CLIENT_SSL)) {
		fault_set(f, FAULT_NO_TLS, "server does not offer TLS (%s without CLIENT_SSL)",
		          g.product);
		return -1;
	}
	/* The server waits for us now: anything more was not said to us. */
	ssl_request(request);
	return net_send_into_silence(ctx->conn, request, sizeof(request), "the SSLRequest", f);
}

/* A packet header whose length fits a greeting, sequence id 0, then protocol
 * version 10 (Protocol::HandshakeV10), or 0xff: an ERR packet at greeting (too
 * many connections, host not allowed) is a MySQL server refusing us. */
static enum protocol_greeting mysql_greets(const unsigned char *bytes, size_t len, const char *line)
{
	size_t payload;

	(void)line;
	if (len < MYSQL_HEADER_SIZE + 1)
		return PROTOCOL_GREETING_NO;
	payload = le16(bytes) | (size_t)bytes[2] << 16;
	if (payload == 0 || payload > MYSQL_GREETING_MAX || bytes[3] != 0)
		return PROTOCOL_GREETING_NO;
	if (bytes[MYSQL_HEADER_SIZE] == 0x0a || bytes[MYSQL_HEADER_SIZE] == 0xff)
		return PROTOCOL_GREETING_SURE;
	return PROTOCOL_GREETING_NO;
}

const struct tls_protocol protocol_mysql = {
        .name = "mysql",
        .description = "MySQL/MariaDB SSLRequest",
        .own_plugin = true,
        .port = 3306,
        .implicit_port = 0,
        .upgrade = mysql_upgrade,
        .greets = mysql_greets,
};
