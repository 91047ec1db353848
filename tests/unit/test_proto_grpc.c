/* The gRPC step after the handshake against scripted servers: the call it
 * sends, and what each answer means. SERVING and NOT_SERVING, a trailers-only
 * UNIMPLEMENTED, a grpc-message escaped, a header block in CONTINUATION frames,
 * a PING answered before the answer, GOAWAY and RST_STREAM named, a frame too
 * long, silence, a HealthCheckResponse cut short, an HTTP/2 server that is not
 * gRPC; and --grpc-service. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "h2frame.h"
#include "hpack.h"
#include "net.h"
#include "protocol.h"

#include "scripted_peer.h"

const struct tls_protocol *protocol_under_test = &protocol_grpc;

#define ANSWER_MAX  2048
#define PREFACE_LEN (24 + 9)

/* A server's answer, built frame by frame. */
struct answer {
	unsigned char bytes[ANSWER_MAX];
	size_t len;
	char confirmed[160];
};

static void put(struct answer *a, uint8_t type, uint8_t flags, uint32_t stream, const void *payload,
                size_t len)
{
	struct fault f;

	assert_int_equal(h2frame_put(a->bytes, sizeof(a->bytes), &a->len, type, flags, stream,
	                             payload, len, &f),
	                 0);
}

/* A header block of NAME, VALUE pairs, NULL-terminated. */
static size_t block(unsigned char *out, size_t cap, const char *const *fields)
{
	struct fault f;
	size_t used = 0;

	for (size_t i = 0; fields[i] != NULL; i += 2)
		assert_int_equal(hpack_encode_field(out, cap, &used, fields[i], fields[i + 1], &f),
		                 0);
	return used;
}

#define FIELDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void put_headers(struct answer *a, uint8_t flags, const char *const *fields)
{
	unsigned char b[512];
	size_t n = block(b, sizeof(b), fields);

	put(a, H2FRAME_HEADERS, flags | H2FRAME_FLAG_END_HEADERS, 1, b, n);
}

static void server_settings(struct answer *a)
{
	static const unsigned char max_streams[] = {0x00, 0x03, 0x00, 0x00, 0x00, 0x64};

	put(a, H2FRAME_SETTINGS, 0, 0, max_streams, sizeof(max_streams));
}

/* The answer of a server of the health service: headers, the message
 * (PB bytes of a HealthCheckResponse), trailers with grpc-status 0. */
static void health_answer(struct answer *a, const void *pb, size_t len)
{
	unsigned char data[64] = {0, 0, 0, 0, (unsigned char)len};

	memcpy(data + 5, pb, len);
	server_settings(a);
	put_headers(a, 0, FIELDS(":status", "200", "content-type", "application/grpc"));
	put(a, H2FRAME_DATA, 0, 1, data, 5 + len);
	put_headers(a, H2FRAME_FLAG_END_STREAM, FIELDS("grpc-status", "0"));
}

/* A trailers-only answer: one HEADERS with END_STREAM. */
static void trailers_only(struct answer *a, const char *status, const char *message)
{
	server_settings(a);
	put_headers(a, H2FRAME_FLAG_END_STREAM,
	            FIELDS(":status", "200", "content-type", "application/grpc", "grpc-status",
	                   status, "grpc-message", message));
}

static int run(struct fixture *fx, struct answer *a)
{
	fx->ctx.alpn = "h2";
	fx->ctx.confirmed = a->confirmed;
	fx->ctx.confirmed_size = sizeof(a->confirmed);
	return after_answered(fx, a->bytes, a->len);
}

static void expect(struct fixture *fx, struct answer *a, enum fault_kind kind, const char *text)
{
	assert_int_equal(run(fx, a), -1);
	assert_int_equal(fx->fault.kind, kind);
	assert_string_equal(fx->fault.text, text);
}

static void test_serving(void **state)
{
	struct fixture *fx = *state;
	struct answer a = {.len = 0};
	char heard[1024];
	size_t n;

	health_answer(&a, "\x08\x01", 2);
	assert_int_equal(run(fx, &a), 0);
	assert_string_equal(a.confirmed, "gRPC health SERVING");
	n = peer_heard(fx, heard, sizeof(heard));
	assert_true(n > PREFACE_LEN + 9);
	/* Our SETTINGS ACK for theirs, right after the preface; the call's DATA
	 * last: an empty HealthCheckRequest, END_STREAM. */
	assert_memory_equal(heard + PREFACE_LEN, "\x00\x00\x00\x04\x01\x00\x00\x00\x00", 9);
	assert_memory_equal(heard + PREFACE_LEN + 9, "\x00\x00", 2);
	assert_int_equal((unsigned char)heard[PREFACE_LEN + 12], H2FRAME_HEADERS);
	assert_memory_equal(heard + n - 14,
	                    "\x00\x00\x05\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00", 14);
	assert_non_null(memmem(heard, n, "/grpc.health.v1.Health/Check", 28));
	assert_non_null(memmem(heard, n, "mail.example.com", 16));
	assert_non_null(memmem(heard, n, "application/grpc", 16));
}

static void test_not_serving(void **state)
{
	struct answer a = {.len = 0};

	health_answer(&a, "\x08\x02", 2);
	expect(*state, &a, FAULT_REFUSED, "gRPC health NOT_SERVING");
}

/* Fields of another number and wire type are skipped. */
static void test_serving_other_fields(void **state)
{
	struct answer a = {.len = 0};

	health_answer(&a, "\x12\x02hi\x08\x01\x1d\x00\x00\x00\x00", 11);
	assert_int_equal(run(*state, &a), 0);
	assert_string_equal(a.confirmed, "gRPC health SERVING");
}

static void test_empty_message_unknown(void **state)
{
	struct answer a = {.len = 0};

	health_answer(&a, "", 0);
	expect(*state, &a, FAULT_REFUSED, "gRPC health UNKNOWN");
}

static void test_unimplemented_trailers_only(void **state)
{
	struct answer a = {.len = 0};

	trailers_only(&a, "12", "Method not found: grpc.health.v1.Health/Check");
	assert_int_equal(run(*state, &a), 0);
	assert_string_equal(a.confirmed,
	                    "gRPC server without the health service (grpc-status UNIMPLEMENTED)");
}

static void test_grpc_message_escaped(void **state)
{
	struct answer a = {.len = 0};

	trailers_only(&a, "14", "down%0Afor\x1b[31m repair%25");
	expect(*state, &a, FAULT_REFUSED,
	       "gRPC health check failed: grpc-status UNAVAILABLE (14): 'down?for?[31m repair%'");
}

/* Only two hex digits make a byte: a sign or a space after '%' is kept as it
 * came. */
static void test_grpc_message_percent_strict(void **state)
{
	struct answer a = {.len = 0};

	trailers_only(&a, "14", "a%+1b% 2c%-fd%4");
	expect(*state, &a, FAULT_REFUSED,
	       "gRPC health check failed: grpc-status UNAVAILABLE (14): 'a%+1b% 2c%-fd%4'");
}

/* A negative enum comes as ten bytes, sign-extended: an int32 all the same. */
static void test_negative_health_status(void **state)
{
	struct answer a = {.len = 0};

	health_answer(&a, "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11);
	expect(*state, &a, FAULT_REFUSED, "gRPC health status -1, unknown");
}

static void test_rst_stream_malformed(void **state)
{
	struct answer a = {.len = 0};

	server_settings(&a);
	put(&a, H2FRAME_RST_STREAM, 0, 1, "\x00\x00\x07", 3);
	expect(*state, &a, FAULT_PEER, "server sent a malformed RST_STREAM (3 bytes)");
}

static void test_no_status(void **state)
{
	struct answer a = {.len = 0};

	server_settings(&a);
	put_headers(&a, H2FRAME_FLAG_END_STREAM, FIELDS("server", "odd"));
	expect(*state, &a, FAULT_PEER,
	       "not a gRPC server: HTTP/2 answered with no :status and without grpc-status");
}

static void test_unknown_grpc_status(void **state)
{
	struct answer a = {.len = 0};

	trailers_only(&a, "42", "");
	expect(*state, &a, FAULT_REFUSED,
	       "gRPC health check failed: grpc-status an unknown status (42)");
}

static void test_malformed_grpc_status(void **state)
{
	struct answer a = {.len = 0};

	trailers_only(&a, "1x", "");
	expect(*state, &a, FAULT_PEER, "server sent a malformed grpc-status '1x'");
}

static void test_continuation(void **state)
{
	struct answer a = {.len = 0};
	unsigned char b[512];
	size_t n = block(b, sizeof(b),
	                 FIELDS(":status", "200", "content-type", "application/grpc", "grpc-status",
	                        "12", "grpc-message", "no health here"));

	server_settings(&a);
	put(&a, H2FRAME_HEADERS, H2FRAME_FLAG_END_STREAM, 1, b, 10);
	put(&a, H2FRAME_CONTINUATION, 0, 1, b + 10, 10);
	put(&a, H2FRAME_CONTINUATION, H2FRAME_FLAG_END_HEADERS, 1, b + 20, n - 20);
	assert_int_equal(run(*state, &a), 0);
	assert_string_equal(a.confirmed,
	                    "gRPC server without the health service (grpc-status UNIMPLEMENTED)");
}

static void test_frame_inside_header_block(void **state)
{
	struct answer a = {.len = 0};
	unsigned char b[512];
	size_t n = block(b, sizeof(b), FIELDS(":status", "200", "grpc-status", "12"));

	server_settings(&a);
	put(&a, H2FRAME_HEADERS, H2FRAME_FLAG_END_STREAM, 1, b, 4);
	put(&a, H2FRAME_PING, 0, 0, "12345678", 8);
	put(&a, H2FRAME_CONTINUATION, H2FRAME_FLAG_END_HEADERS, 1, b + 4, n - 4);
	expect(*state, &a, FAULT_PEER,
	       "server sent an HTTP/2 frame of type 0x6 inside a header block, not CONTINUATION");
}

static void test_ping_answered(void **state)
{
	struct fixture *fx = *state;
	struct answer a = {.len = 0};
	char heard[1024];
	size_t n;

	server_settings(&a);
	put(&a, H2FRAME_WINDOW_UPDATE, 0, 0, "\x00\x00\xff\xff", 4);
	put(&a, H2FRAME_PING, 0, 0, "pingpong", 8);
	put_headers(&a, H2FRAME_FLAG_END_STREAM,
	            FIELDS(":status", "200", "grpc-status", "12", "grpc-message", ""));
	assert_int_equal(run(fx, &a), 0);
	n = peer_heard(fx, heard, sizeof(heard));
	assert_int_equal(n > 17, true);
	assert_memory_equal(heard + n - 17, "\x00\x00\x08\x06\x01\x00\x00\x00\x00pingpong", 17);
}

static void test_goaway(void **state)
{
	struct answer a = {.len = 0};

	server_settings(&a);
	put(&a, H2FRAME_GOAWAY, 0, 0, "\x00\x00\x00\x00\x00\x00\x00\x0b", 8);
	expect(*state, &a, FAULT_PEER, "server sent GOAWAY: ENHANCE_YOUR_CALM (0xb)");
}

/* A server going away gracefully still answers the call it let through. */
static void test_graceful_goaway(void **state)
{
	struct answer a = {.len = 0};

	server_settings(&a);
	put(&a, H2FRAME_GOAWAY, 0, 0, "\x00\x00\x00\x01\x00\x00\x00\x00", 8);
	put_headers(&a, H2FRAME_FLAG_END_STREAM, FIELDS(":status", "200", "grpc-status", "12"));
	assert_int_equal(run(*state, &a), 0);
}

static void test_goaway_before_settings(void **state)
{
	struct answer a = {.len = 0};

	put(&a, H2FRAME_GOAWAY, 0, 0, "\x00\x00\x00\x00\x00\x00\x00\x01", 8);
	expect(*state, &a, FAULT_PEER, "server sent GOAWAY: PROTOCOL_ERROR (0x1)");
}

static void test_rst_stream(void **state)
{
	struct answer a = {.len = 0};

	server_settings(&a);
	put(&a, H2FRAME_RST_STREAM, 0, 1, "\x00\x00\x00\x07", 4);
	expect(*state, &a, FAULT_PEER, "server reset the gRPC call: REFUSED_STREAM (0x7)");
}

/* Refused by its header alone: its payload is never awaited. */
static void test_oversize_frame(void **state)
{
	struct answer a = {.len = 0};

	server_settings(&a);
	memcpy(a.bytes + a.len, "\x00\x40\x01\x00\x00\x00\x00\x00\x01", 9);
	a.len += 9;
	expect(*state, &a, FAULT_PEER,
	       "server answered the gRPC call with a frame of 16385 bytes, above the 16384 "
	       "allowed: not HTTP/2");
}

static void test_data_too_long(void **state)
{
	struct answer a = {.len = 0};
	unsigned char data[1100] = {0};

	server_settings(&a);
	put_headers(&a, 0, FIELDS(":status", "200"));
	put(&a, H2FRAME_DATA, 0, 1, data, sizeof(data));
	expect(*state, &a, FAULT_PEER, "server sent a gRPC message of more than 1024 bytes");
}

static void test_silence_after_settings(void **state)
{
	struct fixture *fx = *state;
	struct answer a = {.len = 0};
	double started = deadline_elapsed(&fx->dl);

	server_settings(&a);
	expect(fx, &a, FAULT_TIMEOUT, "no gRPC answer to Health/Check within 3s: nothing received");
	assert_true(deadline_elapsed(&fx->dl) - started < DEADLINE_SECONDS + 0.5);
}

static void test_silence(void **state)
{
	struct answer a = {.len = 0};

	expect(*state, &a, FAULT_TIMEOUT, "no HTTP/2 SETTINGS frame within 3s: nothing received");
}

static void test_closed_midway(void **state)
{
	struct fixture *fx = *state;
	struct answer a = {.len = 0};

	server_settings(&a);
	put_headers(&a, 0, FIELDS(":status", "200"));
	peer_send(fx->peer, a.bytes, a.len);
	peer_hang_up(fx);
	a.len = 0;
	expect(fx, &a, FAULT_PEER,
	       "no gRPC answer to Health/Check within 3s: server closed the connection while we "
	       "waited for an HTTP/2 frame");
}

static void test_truncated_protobuf(void **state)
{
	struct answer a = {.len = 0};

	health_answer(&a, "\x08", 1);
	expect(*state, &a, FAULT_PEER, "server sent a malformed HealthCheckResponse (1 byte)");
}

static void test_message_shorter_than_prefix_says(void **state)
{
	struct answer a = {.len = 0};
	unsigned char data[] = {0, 0, 0, 0, 9, 0x08, 0x01};

	server_settings(&a);
	put_headers(&a, 0, FIELDS(":status", "200"));
	put(&a, H2FRAME_DATA, 0, 1, data, sizeof(data));
	put_headers(&a, H2FRAME_FLAG_END_STREAM, FIELDS("grpc-status", "0"));
	expect(*state, &a, FAULT_PEER,
	       "server answered grpc-status OK without one whole HealthCheckResponse (7 bytes)");
}

static void test_not_grpc(void **state)
{
	struct answer a = {.len = 0};

	server_settings(&a);
	put_headers(&a, H2FRAME_FLAG_END_STREAM, FIELDS(":status", "404", "server", "nginx"));
	expect(*state, &a, FAULT_PEER,
	       "not a gRPC server: HTTP/2 answered :status 404 without grpc-status");
}

static void test_push_refused(void **state)
{
	struct answer a = {.len = 0};

	server_settings(&a);
	put(&a, H2FRAME_PUSH_PROMISE, H2FRAME_FLAG_END_HEADERS, 1, "\x00\x00\x00\x02\x88", 5);
	expect(*state, &a, FAULT_PEER, "server sent PUSH_PROMISE, which gRPC never does");
}

static void test_service_named(void **state)
{
	struct fixture *fx = *state;
	struct answer a = {.len = 0};
	char heard[1024];
	size_t n;

	fx->args.values[0] = "shop.Orders";
	trailers_only(&a, "5", "unknown service");
	expect(fx, &a, FAULT_REFUSED,
	       "gRPC health: service unknown to the server (service 'shop.Orders') (grpc-status "
	       "NOT_FOUND)");
	n = peer_heard(fx, heard, sizeof(heard));
	assert_memory_equal(heard + n - 18, "\x00\x00\x00\x00\x0d\x0a\x0bshop.Orders", 18);
}

static void test_service_not_serving(void **state)
{
	struct fixture *fx = *state;
	struct answer a = {.len = 0};

	fx->args.values[0] = "shop.Orders";
	health_answer(&a, "\x08\x02", 2);
	expect(fx, &a, FAULT_REFUSED, "gRPC health NOT_SERVING (service 'shop.Orders')");
}

static void test_no_alpn_named(void **state)
{
	struct fixture *fx = *state;
	struct answer a = {.len = 0};

	health_answer(&a, "\x08\x01", 2);
	fx->ctx.alpn = NULL;
	assert_int_equal(after_answered(fx, a.bytes, a.len), -1);
	assert_string_equal(
	        fx->fault.text,
	        "server negotiated no ALPN (it answered the HTTP/2 preface all the same)");
}

static void test_validate(void **state)
{
	struct protocol_args args = {.values = {NULL}};
	struct fault f;
	char long_name[202];

	(void)state;
	assert_int_equal(protocol_grpc.validate(&args, &f), 0);
	args.values[0] = "grpc.health.v1.Health";
	assert_int_equal(protocol_grpc.validate(&args, &f), 0);
	args.values[0] = "two words";
	assert_int_equal(protocol_grpc.validate(&args, &f), -1);
	assert_int_equal(f.kind, FAULT_USAGE);
	assert_string_equal(f.text,
	                    "--grpc-service: the name must be printable ASCII without spaces");
	args.values[0] = "";
	assert_int_equal(protocol_grpc.validate(&args, &f), -1);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	args.values[0] = long_name;
	assert_int_equal(protocol_grpc.validate(&args, &f), -1);
	assert_string_equal(f.text, "--grpc-service: the name is 201 bytes, 1 to 200 allowed");
}

static void test_table_entry(void **state)
{
	(void)state;
	assert_ptr_equal(protocol_find("grpc"), &protocol_grpc);
	assert_int_equal(protocol_grpc.port, 443);
	assert_string_equal(protocol_grpc.alpn, "h2");
	assert_null(protocol_grpc.upgrade);
	assert_true(protocol_grpc.own_plugin);
	assert_true(protocol_grpc.service_check);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FIXTURE_TEST(test_serving),
	        FIXTURE_TEST(test_not_serving),
	        FIXTURE_TEST(test_serving_other_fields),
	        FIXTURE_TEST(test_empty_message_unknown),
	        FIXTURE_TEST(test_unimplemented_trailers_only),
	        FIXTURE_TEST(test_grpc_message_escaped),
	        FIXTURE_TEST(test_unknown_grpc_status),
	        FIXTURE_TEST(test_grpc_message_percent_strict),
	        FIXTURE_TEST(test_negative_health_status),
	        FIXTURE_TEST(test_rst_stream_malformed),
	        FIXTURE_TEST(test_no_status),
	        FIXTURE_TEST(test_malformed_grpc_status),
	        FIXTURE_TEST(test_continuation),
	        FIXTURE_TEST(test_frame_inside_header_block),
	        FIXTURE_TEST(test_ping_answered),
	        FIXTURE_TEST(test_goaway),
	        FIXTURE_TEST(test_graceful_goaway),
	        FIXTURE_TEST(test_goaway_before_settings),
	        FIXTURE_TEST(test_rst_stream),
	        FIXTURE_TEST(test_oversize_frame),
	        FIXTURE_TEST(test_data_too_long),
	        FIXTURE_TEST(test_silence_after_settings),
	        FIXTURE_TEST(test_silence),
	        FIXTURE_TEST(test_closed_midway),
	        FIXTURE_TEST(test_truncated_protobuf),
	        FIXTURE_TEST(test_message_shorter_than_prefix_says),
	        FIXTURE_TEST(test_not_grpc),
	        FIXTURE_TEST(test_push_refused),
	        FIXTURE_TEST(test_service_named),
	        FIXTURE_TEST(test_service_not_serving),
	        FIXTURE_TEST(test_no_alpn_named),
	        FIXTURE_TEST(test_validate),
	        FIXTURE_TEST(test_table_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
