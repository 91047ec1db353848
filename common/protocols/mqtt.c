#include <config.h>

#include <stddef.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "protocol.h"

/* MQTT over TLS (8883) speaks TLS from the first byte. Behind TLS a broker
 * answers CONNECT with CONNACK (MQTT 3.1.1, OASIS standard, 3.1 and 3.2): that
 * confirms a broker behind the endpoint. A refusal of our anonymous client (bad
 * user name or password, not authorized) is a broker answering too; only "server
 * unavailable" says the service is not there for anyone. */
enum { MQTT_OPT_NO_CONNECT };

static const struct protocol_option mqtt_options[] = {
        [MQTT_OPT_NO_CONNECT] = {"no-mqtt-connect", NULL, "alias of --no-service-check", true},
        {NULL, NULL, NULL, false},
};

#define MQTT_CONNECT    0x10
#define MQTT_CONNACK    0x20
#define MQTT_DISCONNECT 0xe0
#define MQTT_LEVEL_311  4
#define MQTT_CLEAN      0x02
#define MQTT_KEEPALIVE  60
#define MQTT_ID_PREFIX  "tlscheck-"
/* Random bytes of the client id: 12 hex digits, 21 characters with the prefix,
 * within the 23 every broker must accept (3.1.3.1). */
#define MQTT_ID_RANDOM             6
#define MQTT_PACKET_MAX            64
#define CONNACK_SERVER_UNAVAILABLE 3
#define CONNACK_LAST_CODE          5 /* 6 to 255 are reserved in 3.1.1 */

static const char awaited[] = "MQTT CONNACK";
static const char answer[] = "the answer to CONNECT"; /* for net's messages */

/* Append the remaining length as MQTT encodes it (2.2.3): 7 bits a byte, low
 * first, the high bit saying another byte follows. */
static size_t put_length(unsigned char *p, size_t len)
{
	size_t n = 0;

	do {
		p[n] = (unsigned char)(len % 128);
		len /= 128;
		if (len > 0)
			p[n] |= 0x80;
		n++;
	} while (len > 0);
	return n;
}

/* CONNECT: protocol name "MQTT", level 4, clean session, a keep-alive, and a
 * client id of our own, random so that no other client's session is taken
 * over. Returns its size in OUT, or 0 when no random bytes could be had. */
static size_t connect_packet(unsigned char out[MQTT_PACKET_MAX])
{
	static const unsigned char header[] = {
	        0x00, 0x04, 'M', 'Q', 'T', 'T', MQTT_LEVEL_311, MQTT_CLEAN, 0x00, MQTT_KEEPALIVE};
	static const char hex[] = "0123456789abcdef";
	enum { ID_LEN = sizeof(MQTT_ID_PREFIX) - 1 + 2 * MQTT_ID_RANDOM };
	enum { BODY_LEN = sizeof(header) + 2 + ID_LEN };
	unsigned char random[MQTT_ID_RANDOM], *id;
	size_t n;

	if (gnutls_rnd(GNUTLS_RND_NONCE, random, sizeof(random)) < 0)
		return 0;
	out[0] = MQTT_CONNECT;
	n = 1 + put_length(out + 1, BODY_LEN);
	memcpy(out + n, header, sizeof(header));
	out[n + sizeof(header)] = 0;
	out[n + sizeof(header) + 1] = ID_LEN;
	id = out + n + sizeof(header) + 2;
	memcpy(id, MQTT_ID_PREFIX, sizeof(MQTT_ID_PREFIX) - 1);
	id += sizeof(MQTT_ID_PREFIX) - 1;
	for (size_t i = 0; i < sizeof(random); i++) {
		id[2 * i] = (unsigned char)hex[random[i] >> 4];
		id[2 * i + 1] = (unsigned char)hex[random[i] & 0x0f];
	}
	return n + BODY_LEN;
}

/* CONNACK is exactly 0x20 0x02, the acknowledge flags (only bit 0, session
 * present) and the return code. */
static int read_connack(struct net_conn *c, unsigned char *code, struct fault *f)
{
	size_t start = c->received;
	unsigned char head[2], rest[2];

	if (net_read_exact(c, head, sizeof(head), answer, f) < 0)
		return protocol_no_answer(f, awaited, c->received - start);
	if (head[0] != MQTT_CONNACK || head[1] != 2)
		return protocol_answered_otherwise(c, head, sizeof(head), awaited, f);
	if (net_read_exact(c, rest, sizeof(rest), answer, f) < 0)
		return protocol_no_answer(f, awaited, c->received - start);
	if ((rest[0] & 0xfe) != 0 || rest[1] > CONNACK_LAST_CODE) {
		fault_set(f, FAULT_PEER,
		          "no %s within %gs: a garbled CONNACK (flags 0x%02x, code %u)", awaited,
		          PROTOCOL_AFTER_SECONDS, rest[0], rest[1]);
		return -1;
	}
	*code = rest[1];
	return 0;
}

static int mqtt_after(const struct protocol_context *ctx, struct fault *f)
{
	static const unsigned char disconnect[] = {MQTT_DISCONNECT, 0x00};
	unsigned char packet[MQTT_PACKET_MAX], code = 0;
	struct fault ignored;
	size_t len;

	len = connect_packet(packet);
	if (len == 0) {
		fault_set(f, FAULT_INTERNAL, "no random bytes for the MQTT client id");
		return -1;
	}
	if (net_send_into_silence(ctx->conn, packet, len, "CONNECT", f) < 0)
		return protocol_no_answer(f, awaited, 0);
	if (read_connack(ctx->conn, &code, f) < 0)
		return -1;
	if (code == CONNACK_SERVER_UNAVAILABLE) {
		fault_set(f, FAULT_PEER, "MQTT server unavailable (CONNACK return code 3)");
		return -1;
	}
	/* A broker closes the connection after any refusal; after an accepted one,
	 * leave politely. Whether it hears us does not matter any more. */
	if (code == 0)
		(void)net_write_all(ctx->conn, disconnect, sizeof(disconnect), "DISCONNECT",
		                    &ignored);
	return 0;
}

const struct tls_protocol protocol_mqtt = {
        .name = "mqtt",
        .description = "MQTT, TLS at connect; CONNECT after",
        .own_plugin = true,
        .port = 8883,
        .implicit_port = 8883,
        .options = mqtt_options,
        .after = mqtt_after,
        .service_check = true,
};
