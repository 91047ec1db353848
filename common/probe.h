/* probe — the TLS handshake, and the only code that drives a GnuTLS session.
 *
 * The probe trusts nothing and verifies nothing during the handshake: its verify
 * callback copies the peer's chain and lets the handshake go on, so the chain is
 * kept even when the handshake fails later (a broker that wants a client
 * certificate, say). Judging the chain is the job of cert, trust and verdict.
 */
#ifndef TLSCHECK_COMMON_PROBE_H
#define TLSCHECK_COMMON_PROBE_H

#include <stddef.h>

#include <gnutls/gnutls.h>

#include "deadline.h"
#include "fault.h"

struct tls_probe; /* opaque */

struct probe_options {
	const char *sni;  /* ASCII host name for SNI; NULL sends none */
	const char *alpn; /* protocol to offer with ALPN; NULL offers none */
};

/* Run a TLS client handshake on the connected, non-blocking socket FD, waiting at
 * most until DL. The socket stays the caller's.
 *
 * Returns 0 with *OUT set when the handshake completed or at least the server's
 * chain was seen (then probe_handshake_error() says what failed). Returns -1 with
 * *OUT NULL and F filled when no chain was seen: FAULT_HANDSHAKE with the GnuTLS
 * error or alert ("handshake failed: received alert 'handshake failure'"),
 * FAULT_PEER when the server closed or sent something that is not TLS,
 * FAULT_TIMEOUT, FAULT_INTERNAL. */
int probe_run(int fd, const struct probe_options *o, const struct deadline *dl,
              struct tls_probe **out, struct fault *f);

/* The chain as served, in the order served: element 0 is the leaf. DER, owned by
 * the probe. */
size_t probe_chain_length(const struct tls_probe *p);
const gnutls_datum_t *probe_chain(const struct tls_probe *p);

/* Negotiated parameters: "TLSv1.3", "TLS_AES_256_GCM_SHA384" (or GnuTLS's
 * name), "X25519"/"SECP256R1", the ALPN protocol. NULL when unknown (the
 * handshake did not complete) or none. */
const char *probe_tls_version(const struct tls_probe *p);
const char *probe_cipher(const struct tls_probe *p);
const char *probe_group(const struct tls_probe *p);
const char *probe_alpn(const struct tls_probe *p);

/* What made the handshake fail after the chain was seen; NULL if it completed,
 * or if it failed only for want of a client certificate (see below). */
const char *probe_handshake_error(const struct tls_probe *p);

/* The server sent a CertificateRequest; the probe never sends a client
 * certificate, so it answered with none. "server requires a client certificate
 * (none given)" when the server then ended the handshake (that failure is not a
 * handshake error: the chain was seen and is judged as usual); "server asks for a
 * client certificate (none given)" when the handshake completed anyway (an
 * optional request, or TLS 1.3, where the server judges the client after the
 * handshake and the probe does not wait for that). NULL when no certificate was
 * asked for. A static string. */
const char *probe_client_cert_note(const struct tls_probe *p);

void probe_free(struct tls_probe *p);

#endif
