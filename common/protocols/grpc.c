#include <config.h>

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2frame.h"
#include "hpack.h"
#include "protocol.h"
#include "textproto.h"

/* gRPC runs over HTTP/2 (ALPN h2). After the HTTP/2 prefaces the client makes
 * one unary call of the standard health service, grpc.health.v1.Health/Check:
 * any grpc-status in the answer proves a gRPC server (UNIMPLEMENTED one without
 * the health service), and a HealthCheckResponse says whether it is SERVING. An
 * HTTP/2 server that answers without grpc-status (nginx's 404) is not gRPC.
 *
 * The call is stream 1: HEADERS with literal fields, then DATA holding the
 * 5-byte message prefix (compressed flag, length) and the protobuf
 * HealthCheckRequest {string service = 1}. The answer is HEADERS, DATA and the
 * trailers (HEADERS with END_STREAM), or the trailers alone ("trailers-only"). */
enum { GRPC_OPT_SERVICE };

static const struct protocol_option grpc_options[] = {
        [GRPC_OPT_SERVICE] = {"grpc-service", "NAME",
                              "health of service NAME (default: the whole server)", false},
        {NULL, NULL, NULL, false},
};

#define GRPC_SERVICE_MAX 200
#define GRPC_STREAM      1
#define GRPC_PATH        "/grpc.health.v1.Health/Check"
#define GRPC_PREFIX      5 /* compressed flag, 32-bit length */
/* Frames read after the request before the call must have ended: a health
 * answer takes four or five, a server that keeps sending PING is cut off. */
#define GRPC_MAX_FRAMES 64
/* A header block, HEADERS and its CONTINUATION frames joined; and the DATA of
 * the call. A HealthCheckResponse is two bytes; a server may add fields. */
#define GRPC_BLOCK_MAX   16384
#define GRPC_MESSAGE_MAX 1024
#define GRPC_REQUEST_MAX 1024
#define PB_VARINT_MAX    10

/* grpc-status codes (grpc/doc/statuscodes.md). */
#define GRPC_OK            0
#define GRPC_NOT_FOUND     5
#define GRPC_UNIMPLEMENTED 12
#define GRPC_STATUS_MAX    999 /* more digits are not a status */

/* HealthCheckResponse.ServingStatus. */
#define HEALTH_SERVING 1

static const char *const grpc_status_names[] = {
        "OK",
        "CANCELLED",
        "UNKNOWN",
        "INVALID_ARGUMENT",
        "DEADLINE_EXCEEDED",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED",
        "FAILED_PRECONDITION",
        "ABORTED",
        "OUT_OF_RANGE",
        "UNIMPLEMENTED",
        "INTERNAL",
        "UNAVAILABLE",
        "DATA_LOSS",
        "UNAUTHENTICATED",
};

static const char *const health_names[] = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};

static const struct h2frame_step call_step = {"gRPC answer to Health/Check", "the gRPC call"};

/* The answer as it arrives. */
struct grpc_answer {
	struct hpack_decoder hpack; /* one for the connection */
	struct h2frame frame;
	unsigned char block[GRPC_BLOCK_MAX];
	size_t block_len;
	bool in_block;    /* HEADERS without END_HEADERS: CONTINUATION must follow */
	bool block_ends;  /* that HEADERS had END_STREAM */
	bool has_headers; /* the response headers (a final :status) came */
	bool ended;       /* END_STREAM */
	unsigned char message[GRPC_MESSAGE_MAX];
	size_t message_len;
	int http_status; /* -1: none */
	int grpc_status; /* -1: none */
	char grpc_message[TEXTPROTO_QUOTE_SIZE];
};

static const char *service_of(const struct protocol_context *ctx)
{
	const char *s = ctx->args->values[GRPC_OPT_SERVICE];

	return s != NULL ? s : "";
}

static int grpc_validate(const struct protocol_args *a, struct fault *f)
{
	const char *s = a->values[GRPC_OPT_SERVICE];
	size_t len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (len == 0 || len > GRPC_SERVICE_MAX) {
		fault_set(f, FAULT_USAGE, "--grpc-service: the name is %zu bytes, 1 to %d allowed",
		          len, GRPC_SERVICE_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] <= 0x20 || s[i] > 0x7e) {
			fault_set(
			        f, FAULT_USAGE,
			        "--grpc-service: the name must be printable ASCII without spaces");
			return -1;
		}
	}
	return 0;
}

/* The DATA of the call: the message prefix, then HealthCheckRequest with the
 * service as field 1 (omitted when empty, as protobuf writes a default). */
static size_t health_request(const char *service, unsigned char *out)
{
	size_t len = strlen(service), body = len > 0 ? 2 + (len > 127) + len : 0, n = GRPC_PREFIX;

	out[0] = 0;
	out[1] = out[2] = 0;
	out[3] = (unsigned char)(body >> 8);
	out[4] = (unsigned char)body;
	if (len > 0) {
		out[n++] = 0x0a; /* field 1, length-delimited */
		if (len > 127)
			out[n++] = (unsigned char)(0x80 | (len & 0x7f));
		out[n++] = (unsigned char)(len > 127 ? len >> 7 : len);
		memcpy(out + n, service, len);
		n += len;
	}
	return n;
}

/* The header block of the call, literal fields only. An IPv6 literal is
 * bracketed in :authority, as in a URI. */
static int call_headers(const struct protocol_context *ctx, unsigned char *out, size_t cap,
                        size_t *used, struct fault *f)
{
	const char *host = ctx->host != NULL ? ctx->host : "localhost";
	char authority[300];
	const char *const fields[][2] = {
	        {":method", "POST"},
	        {":scheme", "https"},
	        {":path", GRPC_PATH},
	        {":authority", authority},
	        {"content-type", "application/grpc"},
	        {"te", "trailers"},
	};

	snprintf(authority, sizeof(authority), strchr(host, ':') != NULL ? "[%s]" : "%s", host);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (hpack_encode_field(out, cap, used, fields[i][0], fields[i][1], f) < 0)
			return -1;
	}
	return 0;
}

/* Our SETTINGS ACK for the server's SETTINGS, then the call. */
static int send_call(const struct protocol_context *ctx, struct fault *f)
{
	unsigned char out[GRPC_REQUEST_MAX], block[GRPC_REQUEST_MAX / 2];
	unsigned char data[GRPC_PREFIX + 3 + GRPC_SERVICE_MAX];
	size_t used = 0, block_len = 0, data_len = health_request(service_of(ctx), data);

	if (call_headers(ctx, block, sizeof(block), &block_len, f) < 0 ||
	    h2frame_put(out, sizeof(out), &used, H2FRAME_SETTINGS, H2FRAME_FLAG_ACK, 0, NULL, 0,
	                f) < 0 ||
	    h2frame_put(out, sizeof(out), &used, H2FRAME_HEADERS, H2FRAME_FLAG_END_HEADERS,
	                GRPC_STREAM, block, block_len, f) < 0 ||
	    h2frame_put(out, sizeof(out), &used, H2FRAME_DATA, H2FRAME_FLAG_END_STREAM, GRPC_STREAM,
	                data, data_len, f) < 0)
		return -1;
	return net_write_all(ctx->conn, out, used, "the gRPC health check", f);
}

static int send_frame(struct net_conn *c, uint8_t type, uint8_t flags, const void *payload,
                      size_t len, struct fault *f)
{
	unsigned char out[H2FRAME_HEADER_SIZE + H2FRAME_PING_SIZE];
	size_t used = 0;

	if (h2frame_put(out, sizeof(out), &used, type, flags, 0, payload, len, f) < 0)
		return -1;
	return net_write_all(c, out, used, "an HTTP/2 acknowledgement", f);
}

/* A :status of three digits ("404"), else -1. */
static int three_digits(const char *v, size_t len)
{
	if (len != 3 || strspn(v, "0123456789") != 3)
		return -1;
	return atoi(v);
}

/* "%XY" at V (LEN bytes from it) as a byte, else -1: two hex digits, no more
 * and no less (sscanf's %x would take a sign or a space). */
static int percent_byte(const char *v, size_t len)
{
	unsigned char hi, lo;

	if (len < 3 || v[0] != '%')
		return -1;
	hi = (unsigned char)v[1];
	lo = (unsigned char)v[2];
	if (!isxdigit(hi) || !isxdigit(lo))
		return -1;
	return (int)strtol((char[]){(char)hi, (char)lo, '\0'}, NULL, 16);
}

/* grpc-message is percent-encoded (the gRPC HTTP/2 protocol): decoded, then
 * quoted, as any text of the server's. */
static void take_message(struct grpc_answer *a, const char *v, size_t len)
{
	char text[TEXTPROTO_QUOTE_MAX + 2];
	size_t n = 0;
	int byte;

	for (size_t i = 0; i < len && n < sizeof(text) - 1; i++) {
		byte = percent_byte(v + i, len - i);
		if (byte >= 0) {
			text[n++] = byte != 0 ? (char)byte : '?';
			i += 2;
		} else {
			text[n++] = v[i] != '\0' ? v[i] : '?';
		}
	}
	text[n] = '\0';
	textproto_quote(a->grpc_message, sizeof(a->grpc_message), text);
}

static int take_field(const struct hpack_field *field, void *arg, struct fault *f)
{
	struct grpc_answer *a = arg;

	if (strcmp(field->name, ":status") == 0) {
		a->http_status = three_digits(field->value, field->value_len);
	} else if (strcmp(field->name, "grpc-status") == 0) {
		if (field->value_len == 0 || field->value_len > 3 ||
		    strspn(field->value, "0123456789") != field->value_len) {
			char shown[TEXTPROTO_QUOTE_SIZE];

			textproto_quote(shown, sizeof(shown), field->value);
			fault_set(f, FAULT_PEER, "server sent a malformed grpc-status '%s'", shown);
			return -1;
		}
		a->grpc_status = atoi(field->value);
	} else if (strcmp(field->name, "grpc-message") == 0) {
		take_message(a, field->value, field->value_len);
	}
	return 0;
}

/* A whole header block of the call: the response headers (after any 1xx),
 * or the trailers. */
static int end_block(struct grpc_answer *a, struct fault *f)
{
	a->in_block = false;
	if (hpack_decode(&a->hpack, a->block, a->block_len, take_field, a, f) < 0)
		return -1;
	a->block_len = 0;
	if (a->http_status >= 100 && a->http_status < 200 && !a->block_ends)
		a->http_status = -1; /* informational: the response is still to come */
	else
		a->has_headers = true;
	a->ended = a->block_ends;
	return 0;
}

static int append(unsigned char *to, size_t *len, size_t cap, const unsigned char *from, size_t n,
                  const char *what, struct fault *f)
{
	if (n > cap - *len) {
		fault_set(f, FAULT_PEER, "server sent %s of more than %zu bytes", what, cap);
		return -1;
	}
	memcpy(to + *len, from, n);
	*len += n;
	return 0;
}

/* The payload of FR without its padding (and a HEADERS frame's priority). */
static int unpadded(const struct h2frame *fr, const unsigned char **p, size_t *len, struct fault *f)
{
	size_t skip = 0, pad = 0;

	if (fr->flags & H2FRAME_FLAG_PADDED) {
		if (fr->length < 1)
			goto bad;
		pad = fr->payload[0];
		skip = 1;
	}
	if (fr->type == H2FRAME_HEADERS && (fr->flags & H2FRAME_FLAG_PRIORITY))
		skip += 5;
	if (skip + pad > fr->length)
		goto bad;
	*p = fr->payload + skip;
	*len = fr->length - skip - pad;
	return 0;
bad:
	fault_set(f, FAULT_PEER, "server sent a malformed HTTP/2 frame (type 0x%x, %u bytes)",
	          fr->type, fr->length);
	return -1;
}

static int on_call_stream(struct grpc_answer *a, const struct h2frame *fr, struct fault *f)
{
	const unsigned char *p;
	size_t len;

	switch (fr->type) {
	case H2FRAME_HEADERS:
	case H2FRAME_CONTINUATION:
		if ((fr->type == H2FRAME_CONTINUATION) != a->in_block || a->ended)
			break;
		if (unpadded(fr, &p, &len, f) < 0 ||
		    append(a->block, &a->block_len, sizeof(a->block), p, len, "a header block", f) <
		            0)
			return -1;
		if (fr->type == H2FRAME_HEADERS)
			a->block_ends = fr->flags & H2FRAME_FLAG_END_STREAM;
		a->in_block = true;
		return fr->flags & H2FRAME_FLAG_END_HEADERS ? end_block(a, f) : 0;
	case H2FRAME_DATA:
		if (!a->has_headers || a->ended)
			break;
		if (unpadded(fr, &p, &len, f) < 0 ||
		    append(a->message, &a->message_len, sizeof(a->message), p, len,
		           "a gRPC message", f) < 0)
			return -1;
		a->ended = fr->flags & H2FRAME_FLAG_END_STREAM;
		return 0;
	case H2FRAME_RST_STREAM:
		if (fr->length != 4) {
			fault_set(f, FAULT_PEER, "server sent a malformed RST_STREAM (%u bytes)",
			          (unsigned int)fr->length);
			return -1;
		}
		fault_set(f, FAULT_PEER, "server reset the gRPC call: %s (0x%x)",
		          h2frame_error_name(h2frame_be32(fr->payload)), h2frame_be32(fr->payload));
		return -1;
	default:
		return 0; /* WINDOW_UPDATE, PRIORITY, extensions */
	}
	fault_set(f, FAULT_PEER,
	          "server sent an HTTP/2 frame of type 0x%x out of order on the call", fr->type);
	return -1;
}

/* A GOAWAY is HTTP/2's refusal, not gRPC's: without a grpc-status it does not
 * confirm gRPC, and is no answer in the service's own words (tlscheck-discover
 * names such a listener h2, not grpc). */
static int http2_refusal(int rc, struct fault *f)
{
	if (rc < 0 && f->kind == FAULT_REFUSED)
		f->kind = FAULT_PEER;
	return rc;
}

/* A GOAWAY that lets stream 1 finish (NO_ERROR, last stream 1 or more) is a
 * server shutting down gracefully: the answer still comes. */
static int on_connection(struct net_conn *c, const struct h2frame *fr, struct fault *f)
{
	switch (fr->type) {
	case H2FRAME_SETTINGS:
		if (fr->flags & H2FRAME_FLAG_ACK)
			return 0;
		return send_frame(c, H2FRAME_SETTINGS, H2FRAME_FLAG_ACK, NULL, 0, f);
	case H2FRAME_PING:
		if (fr->length != H2FRAME_PING_SIZE) {
			fault_set(f, FAULT_PEER, "server sent a malformed PING (%u bytes)",
			          fr->length);
			return -1;
		}
		if (fr->flags & H2FRAME_FLAG_ACK)
			return 0;
		return send_frame(c, H2FRAME_PING, H2FRAME_FLAG_ACK, fr->payload, fr->length, f);
	case H2FRAME_GOAWAY:
		if (fr->length >= 8 && h2frame_be32(fr->payload + 4) == 0 &&
		    (h2frame_be32(fr->payload) & 0x7fffffffu) >= GRPC_STREAM)
			return 0;
		return http2_refusal(h2frame_goaway(fr, f), f);
	default:
		return 0; /* WINDOW_UPDATE, extensions */
	}
}

/* One frame of the answer. A header block is one piece: nothing may come
 * between HEADERS and its CONTINUATION. Streams other than ours were never
 * opened, and a server push would need its header block decoded: refused. */
static int on_frame(struct net_conn *c, struct grpc_answer *a, const struct h2frame *fr,
                    struct fault *f)
{
	if (a->in_block && (fr->type != H2FRAME_CONTINUATION || fr->stream != GRPC_STREAM)) {
		fault_set(f, FAULT_PEER,
		          "server sent an HTTP/2 frame of type 0x%x inside a header block, not "
		          "CONTINUATION",
		          fr->type);
		return -1;
	}
	if (fr->type == H2FRAME_PUSH_PROMISE) {
		fault_set(f, FAULT_PEER, "server sent PUSH_PROMISE, which gRPC never does");
		return -1;
	}
	if (fr->stream == 0)
		return on_connection(c, fr, f);
	if (fr->stream == GRPC_STREAM)
		return on_call_stream(a, fr, f);
	if (fr->type == H2FRAME_HEADERS || fr->type == H2FRAME_DATA ||
	    fr->type == H2FRAME_CONTINUATION) {
		fault_set(f, FAULT_PEER, "server sent an HTTP/2 frame on stream %u, never opened",
		          fr->stream);
		return -1;
	}
	return 0;
}

/* Read frames until the call ended. */
static int read_answer(struct net_conn *c, struct grpc_answer *a, struct fault *f)
{
	size_t start = c->received;

	for (int n = 0; n < GRPC_MAX_FRAMES; n++) {
		if (h2frame_read(c, &a->frame, &call_step, start, f) < 0 ||
		    on_frame(c, a, &a->frame, f) < 0)
			return -1;
		if (a->ended)
			return 0;
	}
	fault_set(f, FAULT_PEER, "server sent %d HTTP/2 frames without ending the gRPC call",
	          GRPC_MAX_FRAMES);
	return -1;
}

/* A base-128 varint at *AT of P (LEN bytes), at most 10 bytes. */
static int pb_varint(const unsigned char *p, size_t len, size_t *at, uint64_t *out)
{
	*out = 0;
	for (int i = 0; i < PB_VARINT_MAX && *at < len; i++) {
		unsigned char b = p[(*at)++];

		*out |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return 0;
	}
	return -1;
}

/* An enum is an int32 on the wire: a negative one comes sign-extended to 64
 * bits, and a reader keeps the low 32 (protobuf's rule for int32). */
static int64_t int32_of(uint64_t wire)
{
	int64_t low = (int64_t)(wire & 0xffffffffu);

	return low > INT32_MAX ? low - ((int64_t)1 << 32) : low;
}

/* HealthCheckResponse {ServingStatus status = 1}: field 1 as a varint, other
 * fields skipped by their wire type. Absent, it is 0 (UNKNOWN), as protobuf
 * leaves out a default. */
static int pb_health(const unsigned char *p, size_t len, uint64_t *status, struct fault *f)
{
	size_t at = 0;
	uint64_t key, value;

	*status = 0;
	while (at < len) {
		if (pb_varint(p, len, &at, &key) < 0)
			goto bad;
		switch (key & 7) {
		case 0:
			if (pb_varint(p, len, &at, &value) < 0)
				goto bad;
			if (key >> 3 == 1)
				*status = value;
			break;
		case 1:
		case 5:
			value = (key & 7) == 1 ? 8 : 4;
			goto skip;
		case 2:
			if (pb_varint(p, len, &at, &value) < 0)
				goto bad;
		skip:
			if (value > len - at)
				goto bad;
			at += (size_t)value;
			break;
		default:
			goto bad;
		}
	}
	return 0;
bad:
	fault_set(f, FAULT_PEER, "server sent a malformed HealthCheckResponse (%zu byte%s)", len,
	          len == 1 ? "" : "s");
	return -1;
}

/* ", service 'NAME'" for the messages, or "". */
static void service_note(const struct protocol_context *ctx, char *out, size_t size)
{
	char shown[TEXTPROTO_QUOTE_SIZE];

	out[0] = '\0';
	if (service_of(ctx)[0] == '\0')
		return;
	textproto_quote(shown, sizeof(shown), service_of(ctx));
	snprintf(out, size, " (service '%s')", shown);
}

/* grpc-status OK: the one message of the call, a HealthCheckResponse. */
static int judge_health(const struct protocol_context *ctx, const struct grpc_answer *a,
                        struct fault *f)
{
	char svc[TEXTPROTO_QUOTE_SIZE + 16];
	uint64_t wire;
	int64_t status;

	if (a->message_len < GRPC_PREFIX ||
	    h2frame_be32(a->message + 1) != a->message_len - GRPC_PREFIX) {
		fault_set(
		        f, FAULT_PEER,
		        "server answered grpc-status OK without one whole HealthCheckResponse (%zu "
		        "bytes)",
		        a->message_len);
		return -1;
	}
	if (a->message[0] != 0) {
		fault_set(f, FAULT_PEER, "server sent a compressed gRPC message, not asked for");
		return -1;
	}
	if (pb_health(a->message + GRPC_PREFIX, a->message_len - GRPC_PREFIX, &wire, f) < 0)
		return -1;
	status = int32_of(wire);
	service_note(ctx, svc, sizeof(svc));
	if (status == HEALTH_SERVING) {
		protocol_confirm(ctx, "gRPC health SERVING%s", svc);
		return 0;
	}
	if (status >= 0 && (size_t)status < sizeof(health_names) / sizeof(health_names[0]))
		fault_set(f, FAULT_REFUSED, "gRPC health %s%s", health_names[status], svc);
	else
		fault_set(f, FAULT_REFUSED, "gRPC health status %lld, unknown%s", (long long)status,
		          svc);
	return -1;
}

/* The call ended: what its grpc-status says. */
static int judge_answer(const struct protocol_context *ctx, const struct grpc_answer *a,
                        struct fault *f)
{
	char svc[TEXTPROTO_QUOTE_SIZE + 16];
	const char *name = "an unknown status";

	if (a->grpc_status < 0 && a->http_status < 0) {
		fault_set(f, FAULT_PEER,
		          "not a gRPC server: HTTP/2 answered with no :status and "
		          "without grpc-status");
		return -1;
	}
	if (a->grpc_status < 0) {
		fault_set(f, FAULT_PEER,
		          "not a gRPC server: HTTP/2 answered :status %d without grpc-status",
		          a->http_status);
		return -1;
	}
	if (a->grpc_status == GRPC_OK)
		return judge_health(ctx, a, f);
	if (a->grpc_status == GRPC_UNIMPLEMENTED) {
		protocol_confirm(ctx, "gRPC server without the health service (grpc-status "
		                      "UNIMPLEMENTED)");
		return 0;
	}
	service_note(ctx, svc, sizeof(svc));
	if (a->grpc_status == GRPC_NOT_FOUND && svc[0] != '\0') {
		fault_set(f, FAULT_REFUSED,
		          "gRPC health: service unknown to the server%s (grpc-status "
		          "NOT_FOUND)",
		          svc);
		return -1;
	}
	if ((size_t)a->grpc_status < sizeof(grpc_status_names) / sizeof(grpc_status_names[0]))
		name = grpc_status_names[a->grpc_status];
	fault_set(f, FAULT_REFUSED, "gRPC health check failed: grpc-status %s (%d)%s%s%s", name,
	          a->grpc_status, a->grpc_message[0] != '\0' ? ": '" : "", a->grpc_message,
	          a->grpc_message[0] != '\0' ? "'" : "");
	return -1;
}

static int grpc_after(const struct protocol_context *ctx, struct fault *f)
{
	struct grpc_answer *a = calloc(1, sizeof(*a));
	int rc = -1;

	if (a == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		return -1;
	}
	a->http_status = a->grpc_status = -1;
	if (hpack_decoder_init(&a->hpack, HPACK_TABLE_SIZE_DEFAULT, f) < 0)
		goto out;
	rc = http2_refusal(h2frame_open(ctx->conn, f), f);
	if (rc == 0)
		rc = send_call(ctx, f) < 0 ? protocol_no_answer(f, call_step.awaited, 0) : 0;
	if (rc == 0)
		rc = read_answer(ctx->conn, a, f);
	if (rc == 0)
		rc = judge_answer(ctx, a, f);
out:
	free(a);
	return h2frame_judge_alpn(ctx->alpn, rc, f);
}

const struct tls_protocol protocol_grpc = {
        .name = "grpc",
        .description = "gRPC, TLS at connect (ALPN h2); health Check after",
        .own_plugin = true,
        .port = 443,
        .implicit_port = 443,
        .alpn = "h2",
        .options = grpc_options,
        .validate = grpc_validate,
        .after = grpc_after,
        .service_check = true,
        .hangs_up_to_refuse = true,
};
