#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

/* Kafka's listeners speak TLS from the first byte (security.protocol=SSL). Behind
 * TLS a broker answers an ApiVersions request, the first thing every client
 * sends: that confirms a broker behind the endpoint, not a terminator whose
 * backend is gone or another service on the port.
 *
 * A request or a response is a 4-byte big-endian size, then that many bytes. */
enum { KAFKA_OPT_NO_API_CHECK };

static const struct protocol_option kafka_options[] = {
        [KAFKA_OPT_NO_API_CHECK] = {"no-api-check", NULL, "alias of --no-service-check", true},
        {NULL, NULL, NULL, false},
};

#define KAFKA_API_VERSIONS 18
#define KAFKA_CORRELATION  0x746c7363u /* "tlsc": any value, echoed by the broker */
#define KAFKA_CLIENT_ID    "tlscheck"
/* An ApiVersions v0 response lists about 70 keys in 6 bytes each; every version
 * of it is far below this. More is not a Kafka broker answering. */
#define KAFKA_RESPONSE_MAX 16384
/* The correlation id, the error code, the count of the keys' array. */
#define KAFKA_RESPONSE_MIN 10
#define KAFKA_KEY_SIZE     6 /* api key, min and max version, int16 each */

static const char awaited[] = "Kafka ApiVersions response";
static const char answer[] = "the answer to ApiVersions"; /* for net's messages */

/* ApiVersions v0 with request header v1: size, api key 18, version 0, the
 * correlation id, the client id as an int16-prefixed string. v0 is the one every
 * broker answers; a broker that no longer knows it answers with error 35
 * (UNSUPPORTED_VERSION), which proves a broker as well. */
static const unsigned char api_versions[] = {
        0x00,
        0x00,
        0x00,
        0x12, /* size: 18 */
        0x00,
        KAFKA_API_VERSIONS,
        0x00,
        0x00,
        (KAFKA_CORRELATION >> 24) & 0xff,
        (KAFKA_CORRELATION >> 16) & 0xff,
        (KAFKA_CORRELATION >> 8) & 0xff,
        KAFKA_CORRELATION & 0xff,
        0x00,
        sizeof(KAFKA_CLIENT_ID) - 1,
        't',
        'l',
        's',
        'c',
        'h',
        'e',
        'c',
        'k',
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The body of a response of SIZE bytes: our correlation id, an error code (any:
 * an error from a broker is still a broker), and an array of api keys that fits
 * the body. The v1+ throttle time after it is not looked at. */
static int judge_body(const unsigned char *body, uint32_t size, struct fault *f)
{
	uint32_t correlation = be32(body), keys = be32(body + 6);

	if (correlation != KAFKA_CORRELATION) {
		fault_set(f, FAULT_PEER,
		          "no %s within %gs: the server answered with correlation id %u, not %u",
		          awaited, PROTOCOL_AFTER_SECONDS, correlation, KAFKA_CORRELATION);
		return -1;
	}
	if (keys > (size - KAFKA_RESPONSE_MIN) / KAFKA_KEY_SIZE) {
		fault_set(f, FAULT_PEER,
		          "no %s within %gs: a garbled answer (%u api keys in %u bytes)", awaited,
		          PROTOCOL_AFTER_SECONDS, keys, size);
		return -1;
	}
	return 0;
}

static int kafka_after(const struct protocol_context *ctx, struct fault *f)
{
	struct net_conn *c = ctx->conn;
	unsigned char header[4], body[KAFKA_RESPONSE_MAX];
	size_t start = c->received;
	uint32_t size;

	if (net_send_into_silence(c, api_versions, sizeof(api_versions), "ApiVersions", f) < 0 ||
	    net_read_exact(c, header, sizeof(header), answer, f) < 0)
		return protocol_no_answer(f, awaited, c->received - start);
	size = be32(header);
	if (size < KAFKA_RESPONSE_MIN || size > KAFKA_RESPONSE_MAX)
		return protocol_answered_otherwise(c, header, sizeof(header), awaited, f);
	if (net_read_exact(c, body, size, answer, f) < 0)
		return protocol_no_answer(f, awaited, c->received - start);
	return judge_body(body, size, f);
}

const struct tls_protocol protocol_kafka = {
        .name = "kafka",
        .description = "Kafka, TLS at connect; ApiVersions after",
        .own_plugin = true,
        .port = 9093,
        .implicit_port = 9093,
        .options = kafka_options,
        .after = kafka_after,
        .service_check = true,
};
