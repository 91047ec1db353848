#include <config.h>

#include "h2frame.h"
#include "protocol.h"

/* HTTP/2 over TLS (RFC 9113) is chosen by ALPN "h2" in the handshake. Behind TLS
 * the client sends the connection preface and its SETTINGS; the server's own
 * preface is a SETTINGS frame, the first frame it sends. That frame confirms an
 * HTTP/2 server; a GOAWAY confirms one that refused us, and says why. The
 * framing is h2frame's, shared with grpc. */
static int h2_after(const struct protocol_context *ctx, struct fault *f)
{
	return h2frame_judge_alpn(ctx->alpn, h2frame_open(ctx->conn, f), f);
}

const struct tls_protocol protocol_h2 = {
        .name = "h2",
        .description = "HTTP/2, TLS at connect (ALPN h2); SETTINGS after",
        .port = 443,
        .implicit_port = 443,
        .alpn = "h2",
        .after = h2_after,
        .service_check = true,
        .hangs_up_to_refuse = true,
};
