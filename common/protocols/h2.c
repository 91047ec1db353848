#include <config.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "protocol.h"
#include "textproto.h"

/* HTTP/2 over TLS (RFC 9113) is chosen by ALPN "h2" in the handshake. Behind TLS
 * the client sends the connection preface and its SETTINGS; the server's own
 * preface is a SETTINGS frame, the first frame it sends. That frame confirms an
 * HTTP/2 server; a GOAWAY confirms one that refused us, and says why.
 *
 * A frame is a 9-byte header (24-bit length, type, flags, reserved bit and
 * 31-bit stream id), then its payload. */
#define H2_HEADER_SIZE 9
/* SETTINGS_MAX_FRAME_SIZE before the server's SETTINGS could raise it: every
 * frame it sends first fits in this, and a longer one is not HTTP/2. */
#define H2_MAX_FRAME_SIZE 16384
/* A server may send other frames before its SETTINGS only by mistake; a few are
 * read past, no more. */
#define H2_MAX_SKIPPED 8
#define H2_SETTINGS    0x4
#define H2_GOAWAY      0x7
#define H2_FLAG_ACK    0x1
#define H2_SETTING_LEN 6 /* identifier, value */
#define H2_GOAWAY_MIN  8 /* last stream id, error code */

/* The client connection preface, then an empty SETTINGS frame. */
static const unsigned char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
                                       "\x00\x00\x00\x04\x00\x00\x00\x00\x00";

static const char awaited[] = "HTTP/2 SETTINGS frame";
static const char frame_name[] = "an HTTP/2 frame"; /* for net's messages */

struct h2_frame {
	uint32_t length;
	uint8_t type;
	uint8_t flags;
	uint32_t stream;
	unsigned char header[H2_HEADER_SIZE];
	unsigned char payload[H2_MAX_FRAME_SIZE];
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RFC 9113 section 7. */
static const char *const error_names[] = {
        "NO_ERROR",
        "PROTOCOL_ERROR",
        "INTERNAL_ERROR",
        "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT",
        "STREAM_CLOSED",
        "FRAME_SIZE_ERROR",
        "REFUSED_STREAM",
        "CANCEL",
        "COMPRESSION_ERROR",
        "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM",
        "INADEQUATE_SECURITY",
        "HTTP_1_1_REQUIRED",
};

static const char *error_name(uint32_t code)
{
	if (code < sizeof(error_names) / sizeof(error_names[0]))
		return error_names[code];
	return "an unknown error";
}

static bool printable(const unsigned char *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (bytes[i] < 0x20 || bytes[i] > 0x7e)
			return false;
	}
	return true;
}

/* A header that announces more than any first frame may hold: text (an HTTP/1.1
 * answer reads as a length of megabytes), or a binary protocol that is not
 * HTTP/2. Its payload is never read. */
static int not_http2(struct net_conn *c, const struct h2_frame *fr, struct fault *f)
{
	char shown[TEXTPROTO_QUOTE_SIZE];

	if (!printable(fr->header, 3)) {
		fault_set(f, FAULT_PEER,
		          "server answered the HTTP/2 preface with a frame of %u bytes, above the "
		          "%u allowed: not HTTP/2",
		          fr->length, H2_MAX_FRAME_SIZE);
		return -1;
	}
	protocol_quote_answer(c, fr->header, sizeof(fr->header), shown, sizeof(shown));
	fault_set(f, FAULT_PEER, "server answered the HTTP/2 preface with '%s': not HTTP/2", shown);
	return -1;
}

/* Read one frame into FR: its header, then a payload of at most
 * H2_MAX_FRAME_SIZE bytes, refused by its announced length before it is read. */
static int read_frame(struct net_conn *c, struct h2_frame *fr, size_t start, struct fault *f)
{
	const unsigned char *h = fr->header;

	if (net_read_exact(c, fr->header, sizeof(fr->header), frame_name, f) < 0)
		return protocol_no_answer(f, awaited, c->received - start);
	fr->length = (uint32_t)h[0] << 16 | (uint32_t)h[1] << 8 | h[2];
	fr->type = h[3];
	fr->flags = h[4];
	fr->stream = be32(h + 5) & 0x7fffffffu;
	if (fr->length > H2_MAX_FRAME_SIZE)
		return not_http2(c, fr, f);
	if (fr->length > 0 && net_read_exact(c, fr->payload, fr->length, frame_name, f) < 0)
		return protocol_no_answer(f, awaited, c->received - start);
	return 0;
}

static int judge_goaway(const struct h2_frame *fr, struct fault *f)
{
	uint32_t code;

	if (fr->length < H2_GOAWAY_MIN || fr->stream != 0) {
		fault_set(f, FAULT_PEER, "server sent a malformed GOAWAY (%u bytes, stream %u)",
		          fr->length, fr->stream);
		return -1;
	}
	/* HTTP/2's own words for a refusal: an HTTP/2 server, which would not go on
	 * (tlscheck-discover names the listener by it). */
	code = be32(fr->payload + 4);
	fault_set(f, FAULT_REFUSED, "server sent GOAWAY: %s (0x%x)", error_name(code), code);
	return -1;
}

static int judge_settings(const struct h2_frame *fr, struct fault *f)
{
	if (fr->length % H2_SETTING_LEN == 0 && fr->stream == 0)
		return 0;
	fault_set(f, FAULT_PEER,
	          "server sent a malformed HTTP/2 SETTINGS frame (%u bytes, stream %u)", fr->length,
	          fr->stream);
	return -1;
}

/* The server's preface: its first SETTINGS frame, past a few others. */
static int await_settings(struct net_conn *c, struct fault *f)
{
	struct h2_frame fr;
	size_t start = c->received;

	for (int skipped = 0; skipped <= H2_MAX_SKIPPED; skipped++) {
		if (read_frame(c, &fr, start, f) < 0)
			return -1;
		if (fr.type == H2_GOAWAY)
			return judge_goaway(&fr, f);
		if (fr.type == H2_SETTINGS && !(fr.flags & H2_FLAG_ACK))
			return judge_settings(&fr, f);
	}
	fault_set(f, FAULT_PEER, "server sent %d HTTP/2 frames but no SETTINGS frame",
	          H2_MAX_SKIPPED + 1);
	return -1;
}

/* A server that chose another protocol than h2, or none, may still speak HTTP/2
 * to a client that starts with the preface; but a browser would not. */
static int judge_alpn(const struct protocol_context *ctx, int rc, struct fault *f)
{
	char chose[TEXTPROTO_QUOTE_SIZE + 48], was[FAULT_TEXT_SIZE], shown[TEXTPROTO_QUOTE_SIZE];

	if (ctx->alpn != NULL && strcmp(ctx->alpn, "h2") == 0)
		return rc;
	if (ctx->alpn == NULL) {
		snprintf(chose, sizeof(chose), "server negotiated no ALPN");
	} else {
		textproto_quote(shown, sizeof(shown), ctx->alpn);
		snprintf(chose, sizeof(chose), "server negotiated '%s', not h2", shown);
	}
	if (rc == 0) {
		fault_set(f, FAULT_PEER, "%s (it answered the HTTP/2 preface all the same)", chose);
		return -1;
	}
	snprintf(was, sizeof(was), "%s", f->text);
	fault_set(f, f->kind, "%s, and %s", chose, was);
	return -1;
}

static int h2_after(const struct protocol_context *ctx, struct fault *f)
{
	struct net_conn *c = ctx->conn;
	int rc;

	/* The server's preface does not answer ours: it may be on its way already,
	 * so the preface is not sent into silence. */
	rc = net_write_all(c, preface, sizeof(preface) - 1, "the HTTP/2 preface", f);
	if (rc < 0)
		rc = protocol_no_answer(f, awaited, 0);
	else
		rc = await_settings(c, f);
	return judge_alpn(ctx, rc, f);
}

const struct tls_protocol protocol_h2 = {
        .name = "h2",
        .description = "HTTP/2, TLS at connect (ALPN h2); SETTINGS after",
        .port = 443,
        .implicit_port = 443,
        .alpn = "h2",
        .after = h2_after,
        .service_check = true,
};
