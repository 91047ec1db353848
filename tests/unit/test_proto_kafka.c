/* The Kafka step after the handshake against scripted brokers: the ApiVersions
 * request, responses whole and split across segments, error codes (which still
 * prove a broker), and what is not a Kafka response: another correlation id, an
 * impossible size, a garbled array, silence, a closed connection. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net.h"
#include "protocol.h"

#include "scripted_peer.h"

const struct tls_protocol *protocol_under_test = &protocol_kafka;

/* ApiVersions v0, header v1, correlation id "tlsc", client id "tlscheck". */
static const unsigned char request[] = {0x00, 0x00, 0x00, 0x12, 0x00, 0x12, 0x00, 0x00,
                                        't',  'l',  's',  'c',  0x00, 0x08, 't',  'l',
                                        's',  'c',  'h',  'e',  'c',  'k'};

struct response {
	unsigned char bytes[256];
	size_t len;
};

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A v0 response: size, correlation id, error code, KEYS api keys (the count
 * written is COUNT). */
static struct response v0(const char *correlation, unsigned error, uint32_t count, size_t keys)
{
	struct response r = {.len = 14 + 6 * keys};

	put32(r.bytes, (uint32_t)(r.len - 4));
	memcpy(r.bytes + 4, correlation, 4);
	r.bytes[8] = (unsigned char)(error >> 8);
	r.bytes[9] = (unsigned char)error;
	put32(r.bytes + 10, count);
	for (size_t i = 0; i < keys; i++) {
		r.bytes[14 + 6 * i + 1] = (unsigned char)i; /* key i, versions 0 to 3 */
		r.bytes[14 + 6 * i + 5] = 3;
	}
	return r;
}

static void test_request_and_split_response(void **state)
{
	struct fixture *fx = *state;
	struct response r = v0("tlsc", 0, 3, 3);
	const struct step steps[] = {
	        {'R', "tlscheck", 0}, {'S', (const char *)r.bytes, 3},
	        {'P', NULL, 20},      {'S', (const char *)r.bytes + 3, 9},
	        {'P', NULL, 20},      {'S', (const char *)r.bytes + 12, (long)r.len - 12},
	        {'\0', NULL, 0},
	};

	assert_int_equal(play_after(fx, steps), 0);
	assert_memory_equal(fx->heard, request, sizeof(request));
	assert_int_equal(net_buffered(&fx->conn), 0);
}

/* A broker that no longer speaks ApiVersions v0 says so: a broker all the same. */
static void test_error_codes_prove_a_broker(void **state)
{
	struct fixture *fx = *state;
	struct response r = v0("tlsc", 35, 2, 2);

	assert_int_equal(after_answered(fx, r.bytes, r.len), 0);
	r = v0("tlsc", 35, 0, 0);
	assert_int_equal(after_answered(fx, r.bytes, r.len), 0);
}

static void test_wrong_correlation_id(void **state)
{
	struct response r = v0("abcd", 0, 0, 0);

	expect_after_fault(*state, r.bytes, r.len, FAULT_PEER,
	                   "no Kafka ApiVersions response within 3s: the server answered with "
	                   "correlation id 1633837924, not 1953264483");
}

static void test_garbled_array(void **state)
{
	struct response r = v0("tlsc", 0, 5, 2);

	expect_after_fault(*state, r.bytes, r.len, FAULT_PEER,
	                   "no Kafka ApiVersions response within 3s: a garbled answer (5 api keys "
	                   "in 22 bytes)");
}

/* An HTTP server read as Kafka: a size of 1.2 GB. What it said is shown. */
static void test_oversize_length_shows_the_answer(void **state)
{
	static const char http[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";

	expect_after_fault(*state, http, sizeof(http) - 1, FAULT_PEER,
	                   "no Kafka ApiVersions response within 3s: the server answered "
	                   "'HTTP/1.1 400 Bad Request'");
}

static void test_undersize_length(void **state)
{
	static const unsigned char tiny[] = {0x00, 0x00, 0x00, 0x02, 0x00, 0x00};

	expect_after_fault(*state, tiny, sizeof(tiny), FAULT_PEER,
	                   "no Kafka ApiVersions response within 3s: the server answered "
	                   "'?????"
	                   "?'");
}

static void test_silence(void **state)
{
	struct fixture *fx = *state;

	expect_after_fault(fx, "", 0, FAULT_TIMEOUT,
	                   "no Kafka ApiVersions response within 3s: nothing received");
}

static void test_incomplete_answer(void **state)
{
	expect_after_fault(*state, "\x00\x00\x00\x20\x74\x6c", 6, FAULT_TIMEOUT,
	                   "no Kafka ApiVersions response within 3s: an incomplete answer (6 "
	                   "bytes)");
}

static void test_closed(void **state)
{
	struct fixture *fx = *state;

	peer_hang_up(fx);
	expect_after_fault(fx, "", 0, FAULT_PEER,
	                   "no Kafka ApiVersions response within 3s: server closed the "
	                   "connection while we waited for the answer to ApiVersions");
}

/* Bytes waiting before the request was sent cannot answer it. */
static void test_answer_before_request(void **state)
{
	struct fixture *fx = *state;
	struct response r = v0("tlsc", 0, 0, 0);

	peer_send(fx->peer, r.bytes, r.len);
	assert_int_equal(net_await(&fx->conn, "anything", &fx->fault), 0);
	expect_after_fault(fx, "", 0, FAULT_PEER,
	                   "no Kafka ApiVersions response within 3s: server sent 14 bytes before "
	                   "ApiVersions was sent, refusing");
}

/* The old name of --no-service-check: the shared step, not after(), reads it. */
static void test_no_api_check(void **state)
{
	int index = protocol_option_index(&protocol_kafka, "no-api-check");

	(void)state;
	assert_true(protocol_kafka.service_check);
	assert_true(index >= 0);
	assert_true(protocol_kafka.options[index].service_check_alias);
}

static void test_table_entry(void **state)
{
	struct protocol_args none = {{NULL}};
	struct protocol_profile profile;

	(void)state;
	assert_ptr_equal(protocol_find("kafka"), &protocol_kafka);
	assert_int_equal(protocol_kafka.port, 9093);
	assert_null(protocol_kafka.upgrade);
	assert_int_equal(protocol_option_index(&protocol_kafka, "no-api-check"), 0);
	protocol_profile(&protocol_kafka, &none, &profile);
	assert_true(protocol_tls_on_connect(&profile, 1234, false));
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FIXTURE_TEST(test_request_and_split_response),
	        FIXTURE_TEST(test_error_codes_prove_a_broker),
	        FIXTURE_TEST(test_wrong_correlation_id),
	        FIXTURE_TEST(test_garbled_array),
	        FIXTURE_TEST(test_oversize_length_shows_the_answer),
	        FIXTURE_TEST(test_undersize_length),
	        FIXTURE_TEST(test_silence),
	        FIXTURE_TEST(test_incomplete_answer),
	        FIXTURE_TEST(test_closed),
	        FIXTURE_TEST(test_answer_before_request),
	        cmocka_unit_test(test_no_api_check),
	        FIXTURE_TEST(test_table_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
