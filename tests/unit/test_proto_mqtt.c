/* The MQTT step after the handshake against scripted brokers: CONNECT with a
 * random client id, CONNACK whole and split, each return code (a refusal of our
 * anonymous client still proves a broker; "server unavailable" is a finding),
 * DISCONNECT after an accepted one, and what is not a CONNACK. */
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

const struct tls_protocol *protocol_under_test = &protocol_mqtt;

/* CONNECT 3.1.1 up to the client id: fixed header (remaining length 33), "MQTT",
 * level 4, clean session, keep-alive 60, an id of 21 bytes. */
static const unsigned char connect_head[] = {0x10, 0x21, 0x00, 0x04, 'M',  'Q',  'T',
                                             'T',  0x04, 0x02, 0x00, 0x3c, 0x00, 0x15};
#define CONNECT_SIZE (sizeof(connect_head) + 21)

/* What the client said: a CONNECT of ours, and then DISCONNECT when ENDS_POLITELY. */
static void expect_heard(struct fixture *fx, bool ends_politely, char id[22])
{
	unsigned char heard[128];
	size_t n = peer_heard(fx, (char *)heard, sizeof(heard));

	assert_int_equal(n, CONNECT_SIZE + (ends_politely ? 2 : 0));
	assert_memory_equal(heard, connect_head, sizeof(connect_head));
	memcpy(id, heard + sizeof(connect_head), 21);
	id[21] = '\0';
	assert_memory_equal(id, "tlscheck-", 9);
	assert_int_equal(strspn(id + 9, "0123456789abcdef"), 12);
	if (ends_politely)
		assert_memory_equal(heard + CONNECT_SIZE, "\xe0\x00", 2);
}

static void test_accepted_split_then_disconnect(void **state)
{
	struct fixture *fx = *state;
	const struct step steps[] = {
	        {'P', NULL, 20}, {'S', "\x20", 1}, {'P', NULL, 20}, {'S', "\x02\x00", 2},
	        {'P', NULL, 20}, {'S', "\x00", 1}, {'\0', NULL, 0},
	};
	char id[22];

	assert_int_equal(play_after(fx, steps), 0);
	expect_heard(fx, true, id);
	assert_int_equal(net_buffered(&fx->conn), 0);
}

/* Each connection has an id of its own. */
static void test_client_ids_differ(void **state)
{
	struct fixture *fx = *state;
	char first[22], second[22];

	assert_int_equal(after_answered(fx, "\x20\x02\x01\x00", 4), 0); /* session present */
	expect_heard(fx, true, first);
	assert_int_equal(after_answered(fx, "\x20\x02\x00\x00", 4), 0);
	expect_heard(fx, true, second);
	assert_string_not_equal(first, second);
}

/* A broker that refuses us is a broker: no finding, and no DISCONNECT (it closes). */
static void test_refusals_prove_a_broker(void **state)
{
	struct fixture *fx = *state;
	char id[22];

	for (unsigned char code = 1; code <= 5; code++) {
		const unsigned char connack[] = {0x20, 0x02, 0x00, code};

		if (code == 3)
			continue;
		assert_int_equal(after_answered(fx, connack, sizeof(connack)), 0);
		expect_heard(fx, false, id);
	}
}

static void test_server_unavailable(void **state)
{
	expect_after_fault(*state, "\x20\x02\x00\x03", 4, FAULT_PEER,
	                   "MQTT server unavailable (CONNACK return code 3)");
}

static void test_reserved_code_and_flags(void **state)
{
	struct fixture *fx = *state;

	expect_after_fault(fx, "\x20\x02\x00\x06", 4, FAULT_PEER,
	                   "no MQTT CONNACK within 3s: a garbled CONNACK (flags 0x00, code 6)");
	expect_after_fault(fx, "\x20\x02\x02\x00", 4, FAULT_PEER,
	                   "no MQTT CONNACK within 3s: a garbled CONNACK (flags 0x02, code 0)");
}

static void test_other_packet(void **state)
{
	/* An MQTT 5 CONNACK has properties: remaining length 3 at least. */
	expect_after_fault(*state, "\x20\x03\x00\x00\x00", 5, FAULT_PEER,
	                   "no MQTT CONNACK within 3s: the server answered ' ??"
	                   "?"
	                   "?'");
}

static void test_http_answer_named(void **state)
{
	static const char http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";

	expect_after_fault(*state, http, sizeof(http) - 1, FAULT_PEER,
	                   "no MQTT CONNACK within 3s: the server answered 'HTTP/1.1 400 Bad "
	                   "Request'");
}

static void test_silence(void **state)
{
	expect_after_fault(*state, "", 0, FAULT_TIMEOUT,
	                   "no MQTT CONNACK within 3s: nothing received");
}

static void test_incomplete(void **state)
{
	expect_after_fault(*state, "\x20\x02\x00", 3, FAULT_TIMEOUT,
	                   "no MQTT CONNACK within 3s: an incomplete answer (3 bytes)");
}

static void test_closed(void **state)
{
	struct fixture *fx = *state;

	peer_hang_up(fx);
	expect_after_fault(fx, "", 0, FAULT_PEER,
	                   "no MQTT CONNACK within 3s: server closed the connection while we "
	                   "waited for the answer to CONNECT");
}

/* The old name of --no-service-check: the shared step, not after(), reads it. */
static void test_no_mqtt_connect(void **state)
{
	int index = protocol_option_index(&protocol_mqtt, "no-mqtt-connect");

	(void)state;
	assert_true(protocol_mqtt.service_check);
	assert_true(index >= 0);
	assert_true(protocol_mqtt.options[index].service_check_alias);
}

static void test_table_entry(void **state)
{
	(void)state;
	assert_ptr_equal(protocol_find("mqtt"), &protocol_mqtt);
	assert_int_equal(protocol_mqtt.port, 8883);
	assert_null(protocol_mqtt.upgrade);
	assert_null(protocol_mqtt.alpn);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FIXTURE_TEST(test_accepted_split_then_disconnect),
	        FIXTURE_TEST(test_client_ids_differ),
	        FIXTURE_TEST(test_refusals_prove_a_broker),
	        FIXTURE_TEST(test_server_unavailable),
	        FIXTURE_TEST(test_reserved_code_and_flags),
	        FIXTURE_TEST(test_other_packet),
	        FIXTURE_TEST(test_http_answer_named),
	        FIXTURE_TEST(test_silence),
	        FIXTURE_TEST(test_incomplete),
	        FIXTURE_TEST(test_closed),
	        cmocka_unit_test(test_no_mqtt_connect),
	        FIXTURE_TEST(test_table_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
