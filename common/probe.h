/* probe — the TLS handshake and the TLS channel after it: the only code that
 * drives a GnuTLS session.
 *
 * The probe trusts nothing and verifies nothing during the handshake: its verify
 * callback copies the peer's chain (and the OCSP response stapled to it) and lets
 * the handshake go on, so the chain is kept even when the handshake fails later (a
 * broker that wants a client certificate, say). Judging the chain and the staple
 * is the job of cert, trust, ocsp and verdict.
 *
 * A completed handshake leaves the session open: probe_attach() makes it the
 * transport of a net_conn, so a protocol's after() step reads and writes over TLS
 * with the same line and byte primitives as its upgrade(). probe_close() ends it.
 */
#ifndef TLSCHECK_COMMON_PROBE_H
#define TLSCHECK_COMMON_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include <gnutls/gnutls.h>

#include "deadline.h"
#include "fault.h"
#include "net.h"

struct tls_probe; /* opaque */

struct probe_options {
	const char *sni;  /* ASCII host name for SNI; NULL sends none */
	const char *alpn; /* protocol to offer with ALPN; NULL offers none */
	/* Ask for an OCSP staple (status_request) and keep what comes. When false
	 * nothing is kept; GnuTLS before 3.8 asks all the same (it cannot be told
	 * not to without losing other extensions). */
	bool request_ocsp;
};

/* Run a TLS client handshake on the connected, non-blocking socket FD, waiting at
 * most until DL. The socket stays the caller's.
 *
 * Returns 0 with *OUT set when the handshake completed (the session stays open
 * for probe_attach()) or at least the server's chain was seen (then
 * probe_handshake_error() says what failed, and the session is closed). Returns
 * -1 with *OUT NULL and F filled when no chain was seen: FAULT_HANDSHAKE with the
 * GnuTLS error or alert ("handshake failed: received alert 'handshake failure'"),
 * FAULT_PEER when the server closed or sent something that is not TLS,
 * FAULT_TIMEOUT, FAULT_INTERNAL. */
int probe_handshake(int fd, const struct probe_options *o, const struct deadline *dl,
                    struct tls_probe **out, struct fault *f);

/* Make the open session C's transport (C must be on the handshake's socket);
 * what C had buffered is dropped. Returns 0, or -1 with FAULT_INTERNAL when the
 * handshake did not complete. Errors of later reads and writes are FAULT_PEER:
 * "server sent alert 'X' while we waited for WHAT", "server closed the
 * connection while we ...". */
int probe_attach(struct tls_probe *p, struct net_conn *c, struct fault *f);

/* Only when the server asked for a client certificate and got none: wait on C
 * (attached) for up to GRACE seconds, within C's deadline, for the server's
 * verdict. A fatal alert, whatever its number (decode_error, handshake_failure,
 * certificate_required), turns "asks" into "requires"; data or silence leaves
 * "asks". Data that arrives stays buffered in C. Returns at once otherwise (no
 * request, or TLS 1.2 and older, where the verdict came within the handshake),
 * so a server that did not ask costs nothing. */
void probe_await_client_verdict(struct tls_probe *p, struct net_conn *c, double grace);

/* After any read over C: when the server had asked for a client certificate
 * and has now sent a fatal alert, that alert is its verdict on the missing
 * certificate, however late it came; record "requires" and return true (the
 * caller drops the failure that read reported). False otherwise. */
bool probe_refused_client_late(struct tls_probe *p);

/* Send close_notify (not waited for) and release the session. The facts stay.
 * Safe on NULL, and more than once. */
void probe_close(struct tls_probe *p);

/* The chain as served, in the order served: element 0 is the leaf. DER, owned by
 * the probe. */
size_t probe_chain_length(const struct tls_probe *p);
const gnutls_datum_t *probe_chain(const struct tls_probe *p);

/* The OCSP response the server stapled to its leaf (DER, owned by the probe),
 * kept as it came whatever it says; NULL when none was asked for or stapled. */
const gnutls_datum_t *probe_ocsp_staple(const struct tls_probe *p);

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

/* Did the server ask for a client certificate, and did it require one? The probe
 * sends none. REQUIRED: the server ended the handshake (TLS 1.2) or sent a fatal
 * alert right after it (TLS 1.3, see probe_await_client_verdict()); ASKED: it
 * went on without one, as far as the probe waited. */
enum probe_client_cert {
	PROBE_CLIENT_CERT_NOT_ASKED,
	PROBE_CLIENT_CERT_ASKED,
	PROBE_CLIENT_CERT_REQUIRED,
};

enum probe_client_cert probe_client_cert(const struct tls_probe *p);

/* The same in words: "server requires a client certificate (none given)", with
 * ", it sent alert 'X'" when the verdict came after the handshake, or "server
 * asks for a client certificate (none given)". NULL when none was asked for. A
 * refusal of the missing certificate is not a handshake error: the chain was
 * seen and is judged as usual. */
const char *probe_client_cert_note(const struct tls_probe *p);

/* Closes the session if open, then frees. Safe on NULL. */
void probe_free(struct tls_probe *p);

#endif
