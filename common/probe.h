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

#include "credentials.h"
#include "deadline.h"
#include "fault.h"
#include "net.h"

struct tls_probe; /* opaque */

struct probe_options {
	const char *sni; /* ASCII host name for SNI; NULL sends none */
	/* The protocols to offer with ALPN, in order; ALPN_COUNT 0 offers none. */
	const char *const *alpn;
	size_t alpn_count;
	/* Ask for an OCSP staple (status_request) and keep what comes. When false
	 * nothing is kept; GnuTLS before 3.8 asks all the same (it cannot be told
	 * not to without losing other extensions). */
	bool request_ocsp;
	/* Our client certificate and key, sent when the server asks for one (even
	 * when it names other CAs: its verdict is what the check reports); NULL
	 * sends none. */
	const struct client_credentials *credentials;
};

/* Run a TLS client handshake on the connected, non-blocking socket FD, waiting at
 * most until DL. The socket stays the caller's.
 *
 * Returns 0 with *OUT set when the handshake completed (the session stays open
 * for probe_attach()) or at least the server's chain was seen (then
 * probe_handshake_error() says what failed, and the session is closed). Returns
 * -1 with *OUT NULL and F filled when no chain was seen: FAULT_HANDSHAKE with the
 * GnuTLS error or alert ("handshake failed: received alert 'handshake failure'"),
 * FAULT_ALPN when the alert is no_application_protocol (none of the ALPN
 * protocols offered is one the server speaks), FAULT_PEER when the server closed or sent something
 * that is not TLS, FAULT_TIMEOUT, FAULT_INTERNAL. */
int probe_handshake(int fd, const struct probe_options *o, const struct deadline *dl,
                    struct tls_probe **out, struct fault *f);

/* Make the open session C's transport (C must be on the handshake's socket);
 * what C had buffered is dropped. Returns 0, or -1 with FAULT_INTERNAL when the
 * handshake did not complete. Errors of later reads and writes are FAULT_PEER:
 * "server sent alert 'X' while we waited for WHAT", "server closed the
 * connection while we ...". */
int probe_attach(struct tls_probe *p, struct net_conn *c, struct fault *f);

/* Only when the server asked for a client certificate in TLS 1.3: wait on C
 * (attached) for up to GRACE seconds, within C's deadline, for the server's
 * verdict on what we sent. A fatal alert, whatever its number (decode_error,
 * handshake_failure, certificate_required, bad_certificate), is a refusal:
 * "asks" becomes "requires" when we sent none, SENT_NOT_REJECTED becomes
 * SENT_REJECTED when we sent ours. Data proves ours accepted; silence leaves
 * things as they were. Data that arrives stays buffered in C. Returns at once
 * otherwise (no request, or TLS 1.2 and older, where the verdict came within
 * the handshake), so a server that did not ask costs nothing. */
void probe_await_client_verdict(struct tls_probe *p, struct net_conn *c, double grace);

/* After any read over C: when the server had asked for a client certificate
 * and has now sent a fatal alert, that alert is its verdict on the certificate
 * we sent or did not send, however late it came; record the refusal and return
 * true (the caller drops the failure that read reported). False otherwise. */
bool probe_refused_client_late(struct tls_probe *p);

/* The same for a TLS 1.3 server that asked for a client certificate, got
 * none, and closed the channel without an alert or a word: gRPC's C core
 * refuses the missing certificate so. Call it only when nothing at all came
 * over the channel. Records the refusal and returns true; false otherwise. */
bool probe_refused_client_quietly(struct tls_probe *p);

/* The facts probe_refused_client_quietly() reads, recording nothing: a TLS 1.3
 * server asked for a client certificate, got none, and closed without an
 * alert. */
bool probe_asked_then_closed(const struct tls_probe *p);

/* The service answered over the TLS channel (a protocol's after() step read
 * its reply): a server that had not rejected our certificate has accepted it. */
void probe_service_answered(struct tls_probe *p);

/* Did the server close the channel after a completed handshake without a
 * fatal alert (close_notify or a bare hang-up), as far as reads over it went?
 * A server that wants an ALPN protocol it was not offered does (grpc-go). */
bool probe_closed_quietly(const struct tls_probe *p);

/* The caller heard nothing over TLS since the handshake. When that was a TLS
 * 1.3 handshake in which we sent our certificate, and the server has since
 * closed quietly (probe_closed_quietly()) instead of giving its verdict,
 * record the hang-up as what came of our certificate: SENT_HUNG_UP. */
void probe_note_hang_up(struct tls_probe *p);

/* The facts probe_note_hang_up() reads, recording nothing. */
bool probe_hung_up_on_ours(const struct tls_probe *p);

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

/* Did the server ask for a client certificate, and what became of it?
 * Without credentials the probe sends none: REQUIRED, the server ended the
 * handshake (TLS 1.2) or sent a fatal alert right after it (TLS 1.3, see
 * probe_await_client_verdict()); ASKED, it went on without one, as far as the
 * probe waited. With credentials, ours was sent: SENT_ACCEPTED, the TLS 1.2
 * handshake completed (the server verified it before its Finished) or the
 * service answered after it; SENT_REJECTED, the handshake failed (TLS 1.2) or a
 * fatal alert came after it (TLS 1.3); SENT_NOT_REJECTED, TLS 1.3 and no alert
 * within the grace, which is all a client can know when nothing more is said. */
enum probe_client_cert {
	PROBE_CLIENT_CERT_NOT_ASKED,
	PROBE_CLIENT_CERT_ASKED,
	PROBE_CLIENT_CERT_REQUIRED,
	PROBE_CLIENT_CERT_SENT_ACCEPTED,
	PROBE_CLIENT_CERT_SENT_REJECTED,
	PROBE_CLIENT_CERT_SENT_NOT_REJECTED,
	PROBE_CLIENT_CERT_SENT_HUNG_UP, /* TLS 1.3: probe_note_hang_up() */
};

enum probe_client_cert probe_client_cert(const struct tls_probe *p);

/* SENT_REJECTED: the name of the alert the server refused ours with
 * ("Certificate is bad"); NULL when it hung up without one, or otherwise. */
const char *probe_client_cert_alert(const struct tls_probe *p);

/* When we sent none, the same in words: "server requires a client certificate
 * (none given)", with ", it sent alert 'X'" when the verdict came after the
 * handshake, or "server asks for a client certificate (none given)"; NULL when
 * none was asked for or ours was sent (the rules word that from the state). A
 * refusal of a client certificate is not a handshake error: the chain was
 * seen and is judged as usual. */
const char *probe_client_cert_note(const struct tls_probe *p);

/* True when the server ended the handshake over the client certificate (ours
 * or none: REQUIRED or SENT_REJECTED) before it proved it holds the key of the
 * leaf it sent: up to TLS 1.2 without a signed ServerKeyExchange, i.e. with
 * static RSA key exchange. Such a chain is what the server sent, and anyone
 * can send a copy of a public chain; only a completed handshake proves it the
 * server's. False otherwise (TLS 1.3, (EC)DHE, a completed handshake). */
bool probe_chain_unproven(const struct tls_probe *p);

/* Closes the session if open, then frees. Safe on NULL. */
void probe_free(struct tls_probe *p);

#endif
