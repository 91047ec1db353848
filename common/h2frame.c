#include <config.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "h2frame.h"
#include "protocol.h"
#include "textproto.h"

/* A server may send other frames before its SETTINGS only by mistake; a few are
 * read past, no more. */
#define H2FRAME_MAX_SKIPPED 8
#define H2FRAME_SETTING_LEN 6 /* identifier, value */
#define H2FRAME_GOAWAY_MIN  8 /* last stream id, error code */

/* The client connection preface, then an empty SETTINGS frame. */
static const unsigned char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
                                       "\x00\x00\x00\x04\x00\x00\x00\x00\x00";

static const struct h2frame_step settings_step = {"HTTP/2 SETTINGS frame", "the HTTP/2 preface"};
static const char frame_name[] = "an HTTP/2 frame"; /* for net's messages */

uint32_t h2frame_be32(const unsigned char *p)
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

const char *h2frame_error_name(uint32_t code)
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

/* A header that announces more than any frame may hold: text (an HTTP/1.1
 * answer reads as a length of megabytes), or a binary protocol that is not
 * HTTP/2. Its payload is never read. */
static int not_http2(struct net_conn *c, const struct h2frame *fr, const struct h2frame_step *step,
                     struct fault *f)
{
	char shown[TEXTPROTO_QUOTE_SIZE];

	if (!printable(fr->header, 3)) {
		fault_set(f, FAULT_PEER,
		          "server answered %s with a frame of %u bytes, above the %u allowed: not "
		          "HTTP/2",
		          step->answering, fr->length, H2FRAME_MAX_SIZE);
		return -1;
	}
	protocol_quote_answer(c, fr->header, sizeof(fr->header), shown, sizeof(shown));
	fault_set(f, FAULT_PEER, "server answered %s with '%s': not HTTP/2", step->answering,
	          shown);
	return -1;
}

int h2frame_read(struct net_conn *c, struct h2frame *fr, const struct h2frame_step *step,
                 size_t start, struct fault *f)
{
	const unsigned char *h = fr->header;

	if (net_read_exact(c, fr->header, sizeof(fr->header), frame_name, f) < 0)
		return protocol_no_answer(f, step->awaited, c->received - start);
	fr->length = (uint32_t)h[0] << 16 | (uint32_t)h[1] << 8 | h[2];
	fr->type = h[3];
	fr->flags = h[4];
	fr->stream = h2frame_be32(h + 5) & 0x7fffffffu;
	if (fr->length > H2FRAME_MAX_SIZE)
		return not_http2(c, fr, step, f);
	if (fr->length > 0 && net_read_exact(c, fr->payload, fr->length, frame_name, f) < 0)
		return protocol_no_answer(f, step->awaited, c->received - start);
	return 0;
}

int h2frame_put(unsigned char *out, size_t cap, size_t *used, uint8_t type, uint8_t flags,
                uint32_t stream, const void *payload, size_t len, struct fault *f)
{
	unsigned char *p = out + *used;

	if (len > H2FRAME_MAX_SIZE || cap - *used < H2FRAME_HEADER_SIZE + len) {
		fault_set(f, FAULT_INTERNAL, "HTTP/2 frame of %zu bytes does not fit in %zu", len,
		          cap - *used);
		return -1;
	}
	p[0] = (unsigned char)(len >> 16);
	p[1] = (unsigned char)(len >> 8);
	p[2] = (unsigned char)len;
	p[3] = type;
	p[4] = flags;
	p[5] = (unsigned char)(stream >> 24 & 0x7f);
	p[6] = (unsigned char)(stream >> 16);
	p[7] = (unsigned char)(stream >> 8);
	p[8] = (unsigned char)stream;
	if (len > 0)
		memcpy(p + H2FRAME_HEADER_SIZE, payload, len);
	*used += H2FRAME_HEADER_SIZE + len;
	return 0;
}

int h2frame_goaway(const struct h2frame *fr, struct fault *f)
{
	uint32_t code;

	if (fr->length < H2FRAME_GOAWAY_MIN || fr->stream != 0) {
		fault_set(f, FAULT_PEER, "server sent a malformed GOAWAY (%u bytes, stream %u)",
		          fr->length, fr->stream);
		return -1;
	}
	/* HTTP/2's own words for a refusal: an HTTP/2 server, which would not go on
	 * (tlscheck-discover names the listener by it). */
	code = h2frame_be32(fr->payload + 4);
	fault_set(f, FAULT_REFUSED, "server sent GOAWAY: %s (0x%x)", h2frame_error_name(code),
	          code);
	return -1;
}

static int judge_settings(const struct h2frame *fr, struct fault *f)
{
	if (fr->length % H2FRAME_SETTING_LEN == 0 && fr->stream == 0)
		return 0;
	fault_set(f, FAULT_PEER,
	          "server sent a malformed HTTP/2 SETTINGS frame (%u bytes, stream %u)", fr->length,
	          fr->stream);
	return -1;
}

/* The server's preface: its first SETTINGS frame, past a few others. */
static int await_settings(struct net_conn *c, struct fault *f)
{
	struct h2frame fr;
	size_t start = c->received;

	for (int skipped = 0; skipped <= H2FRAME_MAX_SKIPPED; skipped++) {
		if (h2frame_read(c, &fr, &settings_step, start, f) < 0)
			return -1;
		if (fr.type == H2FRAME_GOAWAY)
			return h2frame_goaway(&fr, f);
		if (fr.type == H2FRAME_SETTINGS && !(fr.flags & H2FRAME_FLAG_ACK))
			return judge_settings(&fr, f);
	}
	fault_set(f, FAULT_PEER, "server sent %d HTTP/2 frames but no SETTINGS frame",
	          H2FRAME_MAX_SKIPPED + 1);
	return -1;
}

int h2frame_open(struct net_conn *c, struct fault *f)
{
	/* The server's preface does not answer ours: it may be on its way already,
	 * so the preface is not sent into silence. */
	if (net_write_all(c, preface, sizeof(preface) - 1, "the HTTP/2 preface", f) < 0)
		return protocol_no_answer(f, settings_step.awaited, 0);
	return await_settings(c, f);
}

/* A server that chose another protocol than h2, or none, may still speak HTTP/2
 * to a client that starts with the preface; but a browser would not. */
int h2frame_judge_alpn(const char *alpn, int rc, struct fault *f)
{
	char chose[TEXTPROTO_QUOTE_SIZE + 48], was[FAULT_TEXT_SIZE], shown[TEXTPROTO_QUOTE_SIZE];

	if (alpn != NULL && strcmp(alpn, "h2") == 0)
		return rc;
	if (alpn == NULL) {
		snprintf(chose, sizeof(chose), "server negotiated no ALPN");
	} else {
		textproto_quote(shown, sizeof(shown), alpn);
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
