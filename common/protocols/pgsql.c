#include <config.h>

#include <stddef.h>

#include "protocol.h"

enum { PGSQL_OPT_DIRECT };

static const struct protocol_option pgsql_options[] = {
        [PGSQL_OPT_DIRECT] = {"direct", NULL,
                              "PostgreSQL 17 direct TLS: TLS at connect, ALPN postgresql", false},
        {NULL, NULL, NULL, false},
};

/* PostgreSQL "SSL Session Encryption": the SSLRequest packet, length 8 and the
 * request code 80877103, answered by exactly one byte. */
static const unsigned char ssl_request[8] = {0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f};

static int pgsql_upgrade(const struct protocol_context *ctx, struct fault *f)
{
	struct net_conn *c = ctx->conn;
	unsigned char answer;

	if (net_write_all(c, ssl_request, sizeof(ssl_request), "the SSLRequest", f) < 0)
		return -1;
	/* One byte only: anything after it is plaintext the caller must refuse
	 * (CVE-2021-23222), so it stays in the buffer. */
	if (net_read_exact(c, &answer, 1, "the answer to the SSLRequest", f) < 0)
		return -1;
	switch (answer) {
	case 'S':
		return 0;
	case 'N':
		fault_set(f, FAULT_NO_TLS, "server does not offer TLS (SSLRequest answered 'N')");
		return -1;
	case 'E':
		/* Never show its text: a client must not trust it (CVE-2024-10977). */
		fault_set(f, FAULT_PEER, "server answered the SSLRequest with an error message");
		return -1;
	default:
		fault_set(f, FAULT_PEER, "unexpected answer to the SSLRequest: 0x%02x", answer);
		return -1;
	}
}

/* PostgreSQL 17 direct TLS ("sslnegotiation=direct"): no SSLRequest, the
 * ClientHello at connect on any port, and the server refuses a client that does
 * not offer ALPN "postgresql" (so that no other protocol's client can be lured
 * into talking to it). */
static void pgsql_profile(const struct protocol_args *a, struct protocol_profile *profile)
{
	if (a->values[PGSQL_OPT_DIRECT] == NULL)
		return;
	profile->always_implicit = true;
	profile->alpn = "postgresql";
}

const struct tls_protocol protocol_pgsql = {
        .name = "pgsql",
        .description = "PostgreSQL SSLRequest",
        .own_plugin = true,
        .port = 5432,
        .implicit_port = 0,
        .options = pgsql_options,
        .profile = pgsql_profile,
        .upgrade = pgsql_upgrade,
};
