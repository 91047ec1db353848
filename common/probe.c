#include <config.h>

#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>

#include "probe.h"

#include "net.h"

/* Every element cert judges, and one more: a chain cut here still tells cert
 * that it was longer than its bound. A peer sending more is cut, so its chain
 * cannot make the probe allocate without bound. */
#define PROBE_MAX_CHAIN (CERT_MAX_CHAIN + 1)
#define PROBE_NAME_SIZE 128
/* An ALPN protocol name is at most 255 octets (RFC 7301). */
#define PROBE_ALPN_SIZE 256
/* GnuTLS offers at most 8 (MAX_ALPN_PROTOCOLS). */
#define PROBE_MAX_ALPN 8

struct tls_probe {
	/* Open from the handshake until probe_close(): the TLS channel after it. */
	gnutls_session_t session;
	gnutls_certificate_credentials_t cred;
	bool completed;             /* the handshake completed */
	bool client_cert_requested; /* the server sent a CertificateRequest */
	bool tls13;                 /* TLS 1.3 was negotiated */
	int handshake_error_code;   /* GnuTLS's error when the handshake failed */
	bool fatal_alert;           /* a fatal alert arrived after the handshake */
	bool peer_closed;           /* the channel ended (close_notify, or a hang-up) */
	bool sent_client_cert;      /* we answered the request with our certificate */
	bool chain_unproven;        /* refused before the server proved it holds the key */
	char alert_name[PROBE_NAME_SIZE];
	gnutls_datum_t chain[PROBE_MAX_CHAIN];
	size_t chain_length;
	bool request_ocsp;     /* keep the OCSP staple */
	gnutls_datum_t staple; /* the leaf's stapled OCSP response; size 0: none */
	bool out_of_memory;    /* the verify callback could not keep the chain */
	char version[PROBE_NAME_SIZE];
	char cipher[PROBE_NAME_SIZE];
	char group[PROBE_NAME_SIZE];
	char alpn[PROBE_ALPN_SIZE];
	char error[FAULT_TEXT_SIZE];
	enum probe_client_cert client_cert;
	char client_cert_note[FAULT_TEXT_SIZE];
};

static void forget_chain(struct tls_probe *p)
{
	size_t i;

	for (i = 0; i < p->chain_length; i++)
		free(p->chain[i].data);
	memset(p->chain, 0, sizeof(p->chain));
	p->chain_length = 0;
}

static bool copy_datum(gnutls_datum_t *to, const gnutls_datum_t *from)
{
	to->data = malloc(from->size > 0 ? from->size : 1);
	if (to->data == NULL)
		return false;
	memcpy(to->data, from->data, from->size);
	to->size = from->size;
	return true;
}

static bool keep_chain(struct tls_probe *p, const gnutls_datum_t *peers, unsigned count)
{
	size_t i;

	forget_chain(p);
	for (i = 0; i < count && i < PROBE_MAX_CHAIN; i++) {
		if (!copy_datum(&p->chain[i], &peers[i]))
			return false;
		p->chain_length = i + 1;
	}
	return true;
}

static void forget_staple(struct tls_probe *p)
{
	free(p->staple.data);
	p->staple.data = NULL;
	p->staple.size = 0;
}

/* The staple of the leaf (index 0: in TLS 1.3 each certificate may carry one).
 * By the time the verify callback runs it has arrived, in TLS 1.2 too, where the
 * CertificateStatus message follows the Certificate. */
static bool keep_staple(struct tls_probe *p, gnutls_session_t session)
{
	gnutls_datum_t staple = {NULL, 0};

	forget_staple(p);
	if (!p->request_ocsp || gnutls_ocsp_status_request_get2(session, 0, &staple) < 0 ||
	    staple.size == 0)
		return true;
	return copy_datum(&p->staple, &staple);
}

/* Called once the server's chain has arrived: keep it and its staple, and let the
 * handshake go on whatever they hold. Judging them is for cert, trust, ocsp and
 * verdict, with the operator's store and --at. GnuTLS judges neither here: the
 * session has no gnutls_session_set_verify_cert(), so it never verifies the
 * chain or the staple itself, and a bad staple cannot fail the handshake. */
static int keep_peer_chain(gnutls_session_t session)
{
	struct tls_probe *p = gnutls_session_get_ptr(session);
	const gnutls_datum_t *peers;
	unsigned count = 0;

	peers = gnutls_certificate_get_peers(session, &count);
	if (peers == NULL)
		count = 0;
	if (!keep_chain(p, peers, count) || !keep_staple(p, session)) {
		p->out_of_memory = true;
		return -1;
	}
	return 0;
}

/* The protocols in the caller's order: GnuTLS copies them. */
static int offer_alpn(gnutls_session_t session, const struct probe_options *o)
{
	gnutls_datum_t protos[PROBE_MAX_ALPN];
	size_t n = o->alpn_count < PROBE_MAX_ALPN ? o->alpn_count : PROBE_MAX_ALPN;

	for (size_t i = 0; i < n; i++)
		protos[i] =
		        (gnutls_datum_t){(unsigned char *)o->alpn[i], (unsigned)strlen(o->alpn[i])};
	return gnutls_alpn_set_protocols(session, protos, (unsigned)n, 0);
}

static int configure(gnutls_session_t session, gnutls_certificate_credentials_t cred,
                     const struct probe_options *o)
{
	int ret;

	ret = gnutls_set_default_priority(session);
	if (ret >= 0)
		ret = gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred);
	if (ret >= 0 && o != NULL && o->sni != NULL)
		ret = gnutls_server_name_set(session, GNUTLS_NAME_DNS, o->sni, strlen(o->sni));
	if (ret >= 0 && o != NULL && o->alpn_count > 0)
		ret = offer_alpn(session, o);
	if (ret >= 0 && o != NULL && o->request_ocsp)
		ret = gnutls_ocsp_status_request_enable_client(session, NULL, 0, NULL);
	return ret;
}

/* GnuTLS clients ask for a staple by default; from GnuTLS 3.8 a flag says not to.
 * Before it, only GNUTLS_NO_EXTENSIONS did, which also drops the extended master
 * secret that some TLS 1.2 servers require: not worth it for --ocsp=ignore. */
static unsigned init_flags(const struct probe_options *o)
{
	unsigned flags = GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL;

	/* GnuTLS otherwise sends no certificate to a server that names CAs other
	 * than our issuer, and the check would report "none given" instead of the
	 * server's verdict on ours. */
	if (o != NULL && o->credentials != NULL)
		flags |= GNUTLS_FORCE_CLIENT_CERT;
#if HAVE_DECL_GNUTLS_NO_STATUS_REQUEST
	if (o == NULL || !o->request_ocsp)
		flags |= GNUTLS_NO_STATUS_REQUEST;
#else
	(void)o;
#endif
	return flags;
}

/* Creates *SESSION and, without client credentials, *CRED (NULL when not
 * created; the caller releases them). With ours, the session uses the
 * credentials made once when they were loaded. */
static int open_session(gnutls_session_t *session, gnutls_certificate_credentials_t *cred, int fd,
                        const struct probe_options *o, struct tls_probe *p, struct fault *f)
{
	bool ours = o != NULL && o->credentials != NULL;
	int ret;

	*session = NULL;
	*cred = NULL;
	/* GNUTLS_NO_SIGNAL: a server that hangs up must not kill the plugin with SIGPIPE. */
	ret = gnutls_init(session, init_flags(o));
	if (ret < 0)
		*session = NULL; /* never release what a failed init left behind */
	if (ret >= 0 && !ours) {
		ret = gnutls_certificate_allocate_credentials(cred);
		if (ret < 0)
			*cred = NULL;
	}
	if (ret >= 0)
		ret = configure(*session, ours ? credentials_tls(o->credentials) : *cred, o);
	if (ret < 0) {
		fault_set(f, FAULT_INTERNAL, "cannot set up the TLS session: %s",
		          gnutls_strerror(ret));
		return -1;
	}
	gnutls_session_set_ptr(*session, p);
	gnutls_session_set_verify_function(*session, keep_peer_chain);
	gnutls_transport_set_int(*session, fd);
	/* The run-wide deadline bounds the handshake, not GnuTLS's own 40 s default. */
	gnutls_handshake_set_timeout(*session, 0);
	return 0;
}

/* Wait until FD is ready the way GnuTLS wants it, or the deadline passes. */
static int wait_ready(gnutls_session_t session, int fd, const struct deadline *dl, struct fault *f)
{
	short events = gnutls_record_get_direction(session) == 1 ? POLLOUT : POLLIN;

	return net_wait(fd, events, dl, "during the TLS handshake", f);
}

static void copy_text(char *out, size_t size, const char *text)
{
	snprintf(out, size, "%s", text != NULL ? text : "");
}

/* Has the server hung up on FD? Only its end of stream is waiting to be read. */
static bool peer_closed(int fd)
{
	char byte;

	return recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

static void describe_failure(gnutls_session_t session, int fd, int ret, struct fault *f)
{
	/* GnuTLS says "unexpected packet length" for a record cut off by the end of
	 * the stream as for one whose length is nonsense: a hang-up mid-record is
	 * a TLS server gone, not a reply that is not TLS. */
	if (ret == GNUTLS_E_UNEXPECTED_PACKET_LENGTH && peer_closed(fd))
		ret = GNUTLS_E_PREMATURE_TERMINATION;
	switch (ret) {
	case GNUTLS_E_FATAL_ALERT_RECEIVED:
		if (gnutls_alert_get(session) == GNUTLS_A_NO_APPLICATION_PROTOCOL)
			fault_set(f, FAULT_ALPN,
			          "the server accepts none of the ALPN protocols offered (it sent "
			          "alert no_application_protocol)");
		else
			fault_set(f, FAULT_HANDSHAKE, "handshake failed: server sent alert '%s'",
			          gnutls_alert_get_name(gnutls_alert_get(session)));
		break;
	case GNUTLS_E_UNEXPECTED_PACKET_LENGTH:
	case GNUTLS_E_UNSUPPORTED_VERSION_PACKET:
	case GNUTLS_E_UNEXPECTED_PACKET:
		fault_set(f, FAULT_PEER, "the server's reply is not TLS");
		break;
	case GNUTLS_E_PREMATURE_TERMINATION:
	case GNUTLS_E_PULL_ERROR:
	case GNUTLS_E_PUSH_ERROR:
		fault_set(f, FAULT_PEER, "server closed the connection during the TLS handshake");
		break;
	case GNUTLS_E_TIMEDOUT:
		fault_set(f, FAULT_TIMEOUT, "timeout during the TLS handshake");
		break;
	default:
		fault_set(f, FAULT_HANDSHAKE, "handshake failed: %s", gnutls_strerror(ret));
		break;
	}
}

static int handshake(gnutls_session_t session, int fd, const struct deadline *dl,
                     struct tls_probe *p, struct fault *f)
{
	int ret;

	for (;;) {
		ret = gnutls_handshake(session);
		if (ret == 0)
			return 0;
		if (p->out_of_memory) {
			fault_set(f, FAULT_INTERNAL, "out of memory");
			return -1;
		}
		if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
			if (wait_ready(session, fd, dl, f) < 0)
				return -1;
			continue;
		}
		if (gnutls_error_is_fatal(ret)) {
			p->handshake_error_code = ret;
			if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED)
				copy_text(p->alert_name, sizeof(p->alert_name),
				          gnutls_alert_get_name(gnutls_alert_get(session)));
			describe_failure(session, fd, ret, f);
			return -1;
		}
		/* A warning alert (unrecognized_name, say) does not end the handshake. */
		if (deadline_passed(dl)) {
			fault_set(f, FAULT_TIMEOUT, "timeout during the TLS handshake");
			return -1;
		}
	}
}

/* "TLS1.3" as GnuTLS names it becomes "TLSv1.3", as operators and OpenSSL write it. */
static void copy_version(char *out, size_t size, gnutls_protocol_t version)
{
	const char *name = gnutls_protocol_get_name(version);

	if (name == NULL)
		out[0] = '\0';
	else if (strncmp(name, "TLS", 3) == 0 && name[3] >= '0' && name[3] <= '9')
		snprintf(out, size, "TLSv%s", name + 3);
	else if (strcmp(name, "SSL3.0") == 0)
		snprintf(out, size, "SSLv3");
	else
		snprintf(out, size, "%s", name);
}

static void record_parameters(struct tls_probe *p, gnutls_session_t session)
{
	gnutls_datum_t alpn = {NULL, 0};
	const char *cipher;
	gnutls_group_t group;

	copy_version(p->version, sizeof(p->version), gnutls_protocol_get_version(session));
	cipher = gnutls_ciphersuite_get(session);
	if (cipher == NULL)
		cipher = gnutls_cipher_get_name(gnutls_cipher_get(session));
	copy_text(p->cipher, sizeof(p->cipher), cipher);
	group = gnutls_group_get(session);
	copy_text(p->group, sizeof(p->group),
	          group != GNUTLS_GROUP_INVALID ? gnutls_group_get_name(group) : NULL);
	if (gnutls_alpn_get_selected_protocol(session, &alpn) == 0 && alpn.size < sizeof(p->alpn)) {
		memcpy(p->alpn, alpn.data, alpn.size);
		p->alpn[alpn.size] = '\0';
	}
}

/* Without credentials a CertificateRequest is answered with an empty
 * certificate; with them, with ours. A server that then ends the handshake
 * refuses the missing certificate or ours, not its own chain: that chain is
 * still judged. In TLS 1.3 the handshake completes first and the refusal comes
 * after it, as an alert: probe_await_client_verdict() waits for that. A
 * refusal of ours keeps its alert (empty when the server just hung up). */
static void note_client_cert(struct tls_probe *p, enum probe_client_cert status, const char *alert)
{
	p->client_cert = status;
	p->client_cert_note[0] = '\0';
	if (status != PROBE_CLIENT_CERT_ASKED && status != PROBE_CLIENT_CERT_REQUIRED)
		return;
	if (status == PROBE_CLIENT_CERT_ASKED)
		snprintf(p->client_cert_note, sizeof(p->client_cert_note),
		         "server asks for a client certificate (none given)");
	else if (alert != NULL)
		snprintf(p->client_cert_note, sizeof(p->client_cert_note),
		         "server requires a client certificate (none given, it sent alert '%s')",
		         alert);
	else
		snprintf(p->client_cert_note, sizeof(p->client_cert_note),
		         "server requires a client certificate (none given)");
}

static void close_session(struct tls_probe *p)
{
	if (p->session != NULL)
		gnutls_deinit(p->session);
	if (p->cred != NULL)
		gnutls_certificate_free_credentials(p->cred);
	p->session = NULL;
	p->cred = NULL;
}

/* Up to TLS 1.2 a server refuses the client certificate we answer its request
 * with (ours, or an empty one) by ending the handshake: a fatal alert, whatever its number, or
 * a hang-up. In TLS 1.3 the client's part of the handshake is over before the
 * server judges it, so a failure during the handshake is never that refusal
 * (the certificate request comes before the server's own Finished, which can
 * still fail). */
static bool refused_client_cert(const struct tls_probe *p)
{
	if (gnutls_certificate_client_get_request_status(p->session) == 0 ||
	    gnutls_protocol_get_version(p->session) == GNUTLS_TLS1_3)
		return false;
	switch (p->handshake_error_code) {
	case GNUTLS_E_FATAL_ALERT_RECEIVED:
	case GNUTLS_E_PREMATURE_TERMINATION:
	case GNUTLS_E_PULL_ERROR:
	case GNUTLS_E_PUSH_ERROR:
		return true;
	default:
		return false;
	}
}

/* The handshake completed after the server asked for a client certificate.
 * Up to TLS 1.2 the server verified ours before its Finished: accepted. In TLS
 * 1.3 its verdict is still to come. */
static void note_request(struct tls_probe *p)
{
	p->sent_client_cert = gnutls_certificate_get_ours(p->session) != NULL;
	if (!p->sent_client_cert)
		note_client_cert(p, PROBE_CLIENT_CERT_ASKED, NULL);
	else if (p->tls13)
		note_client_cert(p, PROBE_CLIENT_CERT_SENT_NOT_REJECTED, NULL);
	else
		note_client_cert(p, PROBE_CLIENT_CERT_SENT_ACCEPTED, NULL);
}

/* A fatal alert after the request is the server's verdict on what we sent. */
static void note_refusal(struct tls_probe *p)
{
	if (p->sent_client_cert)
		note_client_cert(p, PROBE_CLIENT_CERT_SENT_REJECTED, NULL);
	else
		note_client_cert(p, PROBE_CLIENT_CERT_REQUIRED, p->alert_name);
}

/* Did the server prove it holds the key of the leaf it sent before it asked
 * for ours? In TLS 1.3 its CertificateVerify comes first. Up to TLS 1.2 a
 * signed ServerKeyExchange ((EC)DHE, SRP) does: GnuTLS verifies it against the
 * leaf before it reads the CertificateRequest, and a bad signature fails with
 * an error of its own. With static RSA key exchange (the default priority
 * offers it) only the server's Finished would show that it could decrypt our
 * ClientKeyExchange: a server that ends the handshake before it has shown
 * only a chain, which anyone can copy. Any other exchange counts as unproven. */
static bool server_proved_key(gnutls_session_t session)
{
	if (gnutls_protocol_get_version(session) == GNUTLS_TLS1_3)
		return true;
	switch (gnutls_kx_get(session)) {
	case GNUTLS_KX_ECDHE_RSA:
	case GNUTLS_KX_ECDHE_ECDSA:
	case GNUTLS_KX_DHE_RSA:
	case GNUTLS_KX_DHE_DSS:
	case GNUTLS_KX_SRP_RSA:
	case GNUTLS_KX_SRP_DSS:
		return true;
	default:
		return false;
	}
}

/* The handshake failed after the chain arrived: the chain is still judged, with
 * the failure as a fact, unless the failure is only the missing client
 * certificate. Then the chain is the server's only if it proved so before
 * asking. */
static void keep_failed_handshake(struct tls_probe *p, struct fault *f)
{
	if (refused_client_cert(p)) {
		p->chain_unproven = !server_proved_key(p->session);
		if (p->handshake_error_code != GNUTLS_E_FATAL_ALERT_RECEIVED)
			p->alert_name[0] = '\0';
		if (gnutls_certificate_get_ours(p->session) != NULL)
			note_client_cert(p, PROBE_CLIENT_CERT_SENT_REJECTED, NULL);
		else
			note_client_cert(p, PROBE_CLIENT_CERT_REQUIRED, NULL);
	} else
		copy_text(p->error, sizeof(p->error), f->text);
	fault_clear(f);
	close_session(p);
}

int probe_handshake(int fd, const struct probe_options *o, const struct deadline *dl,
                    struct tls_probe **out, struct fault *f)
{
	struct tls_probe *p;
	int rc = -1;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto out;
	}
	p->request_ocsp = o != NULL && o->request_ocsp;
	if (open_session(&p->session, &p->cred, fd, o, p, f) < 0)
		goto out;
	if (handshake(p->session, fd, dl, p, f) == 0) {
		p->completed = true;
		p->tls13 = gnutls_protocol_get_version(p->session) == GNUTLS_TLS1_3;
		record_parameters(p, p->session);
		p->client_cert_requested =
		        gnutls_certificate_client_get_request_status(p->session) != 0;
		if (p->client_cert_requested)
			note_request(p);
	} else if (p->chain_length > 0 && f->kind != FAULT_TIMEOUT && f->kind != FAULT_INTERNAL) {
		keep_failed_handshake(p, f);
	} else {
		goto out;
	}
	*out = p;
	p = NULL;
	rc = 0;
out:
	probe_free(p);
	return rc;
}

/* --- the TLS channel after the handshake -------------------------------------- */

static ssize_t tls_again(gnutls_session_t session, short *events)
{
	*events = gnutls_record_get_direction(session) == 1 ? POLLOUT : POLLIN;
	return NET_AGAIN;
}

/* GnuTLS's record errors in the operator's words; a fatal alert is kept, since
 * it is the server's verdict on us (a refused or missing client certificate). */
static ssize_t tls_failure(struct tls_probe *p, ssize_t ret, const char *doing, const char *what,
                           struct fault *f)
{
	if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		p->fatal_alert = true;
		copy_text(p->alert_name, sizeof(p->alert_name),
		          gnutls_alert_get_name(gnutls_alert_get(p->session)));
		fault_set(f, FAULT_PEER, "server sent alert '%s' while we %s %s", p->alert_name,
		          doing, what);
	} else if (ret == GNUTLS_E_PREMATURE_TERMINATION || ret == GNUTLS_E_PULL_ERROR ||
	           ret == GNUTLS_E_PUSH_ERROR) {
		p->peer_closed = true;
		fault_set(f, FAULT_PEER, "server closed the connection while we %s %s", doing,
		          what);
	} else {
		fault_set(f, FAULT_PEER, "TLS failed while we %s %s: %s", doing, what,
		          gnutls_strerror((int)ret));
	}
	return -1;
}

/* Retried at once, not waited for: a warning alert or a post-handshake message
 * (a TLS 1.3 session ticket) carries no data but may leave more to read. */
#define TLS_RETRIES 16

static ssize_t tls_recv(void *io, int fd, void *buf, size_t len, short *events, const char *what,
                        struct fault *f)
{
	struct tls_probe *p = io;
	ssize_t ret = GNUTLS_E_AGAIN;

	(void)fd;
	for (int i = 0; i < TLS_RETRIES; i++) {
		ret = gnutls_record_recv(p->session, buf, len);
		if (ret == 0)
			p->peer_closed = true; /* close_notify */
		if (ret >= 0)
			return ret;
		if (ret == GNUTLS_E_AGAIN)
			return tls_again(p->session, events);
		/* A renegotiation request is declined by going on reading. */
		if (ret != GNUTLS_E_INTERRUPTED && ret != GNUTLS_E_WARNING_ALERT_RECEIVED &&
		    ret != GNUTLS_E_REHANDSHAKE)
			return tls_failure(p, ret, "waited for", what, f);
	}
	return tls_again(p->session, events);
}

static ssize_t tls_send(void *io, int fd, const void *buf, size_t len, short *events,
                        const char *what, struct fault *f)
{
	struct tls_probe *p = io;
	ssize_t ret = gnutls_record_send(p->session, buf, len);

	(void)fd;
	if (ret >= 0)
		return ret;
	if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
		return tls_again(p->session, events);
	return tls_failure(p, ret, "sent", what, f);
}

static const struct net_transport tls_transport = {
        .recv = tls_recv,
        .send = tls_send,
};

int probe_attach(struct tls_probe *p, struct net_conn *c, struct fault *f)
{
	if (!p->completed || p->session == NULL) {
		fault_set(f, FAULT_INTERNAL, "no TLS session to talk over");
		return -1;
	}
	net_conn_use(c, &tls_transport, p);
	return 0;
}

void probe_await_client_verdict(struct tls_probe *p, struct net_conn *c, double grace)
{
	const struct deadline *run = c->deadline;
	struct deadline wait;
	struct fault f;

	/* Up to TLS 1.2 the verdict came within the handshake. */
	if (!p->client_cert_requested || !p->tls13 || p->session == NULL)
		return;
	deadline_within(&wait, run, grace);
	net_conn_set_deadline(c, &wait);
	/* Whatever arrives stays buffered for the protocol's after() step. */
	if (net_await(c, "the server's verdict on our client certificate", &f) == 0) {
		if (p->client_cert == PROBE_CLIENT_CERT_SENT_NOT_REJECTED)
			note_client_cert(p, PROBE_CLIENT_CERT_SENT_ACCEPTED, NULL);
	} else if (p->fatal_alert) {
		note_refusal(p);
	}
	net_conn_set_deadline(c, run);
}

bool probe_refused_client_late(struct tls_probe *p)
{
	if (!p->client_cert_requested || !p->fatal_alert)
		return false;
	if (p->client_cert != PROBE_CLIENT_CERT_REQUIRED &&
	    p->client_cert != PROBE_CLIENT_CERT_SENT_REJECTED)
		note_refusal(p);
	return true;
}

bool probe_asked_then_closed(const struct tls_probe *p)
{
	return p->client_cert_requested && p->tls13 && !p->sent_client_cert && p->peer_closed &&
	       !p->fatal_alert;
}

bool probe_refused_client_quietly(struct tls_probe *p)
{
	if (!probe_asked_then_closed(p))
		return false;
	note_client_cert(p, PROBE_CLIENT_CERT_REQUIRED, NULL);
	return true;
}

void probe_service_answered(struct tls_probe *p)
{
	if (p->client_cert == PROBE_CLIENT_CERT_SENT_NOT_REJECTED)
		note_client_cert(p, PROBE_CLIENT_CERT_SENT_ACCEPTED, NULL);
}

bool probe_closed_quietly(const struct tls_probe *p)
{
	return p->completed && p->peer_closed && !p->fatal_alert;
}

bool probe_hung_up_on_ours(const struct tls_probe *p)
{
	return p->client_cert == PROBE_CLIENT_CERT_SENT_NOT_REJECTED && probe_closed_quietly(p);
}

void probe_note_hang_up(struct tls_probe *p)
{
	if (probe_hung_up_on_ours(p))
		note_client_cert(p, PROBE_CLIENT_CERT_SENT_HUNG_UP, NULL);
}

void probe_close(struct tls_probe *p)
{
	if (p == NULL || p->session == NULL)
		return;
	/* One close_notify, not waited for: the server logs a clean goodbye instead
	 * of an error, and a slow peer cannot hold the check. */
	if (p->completed && !p->fatal_alert)
		gnutls_bye(p->session, GNUTLS_SHUT_WR);
	close_session(p);
}

size_t probe_chain_length(const struct tls_probe *p)
{
	return p->chain_length;
}

const gnutls_datum_t *probe_chain(const struct tls_probe *p)
{
	return p->chain;
}

static const char *or_null(const char *s)
{
	return s[0] != '\0' ? s : NULL;
}

const gnutls_datum_t *probe_ocsp_staple(const struct tls_probe *p)
{
	return p->staple.size > 0 ? &p->staple : NULL;
}

const char *probe_tls_version(const struct tls_probe *p)
{
	return or_null(p->version);
}

const char *probe_cipher(const struct tls_probe *p)
{
	return or_null(p->cipher);
}

const char *probe_group(const struct tls_probe *p)
{
	return or_null(p->group);
}

const char *probe_alpn(const struct tls_probe *p)
{
	return or_null(p->alpn);
}

const char *probe_handshake_error(const struct tls_probe *p)
{
	return or_null(p->error);
}

bool probe_chain_unproven(const struct tls_probe *p)
{
	return p->chain_unproven;
}

enum probe_client_cert probe_client_cert(const struct tls_probe *p)
{
	return p->client_cert;
}

const char *probe_client_cert_alert(const struct tls_probe *p)
{
	return p->client_cert == PROBE_CLIENT_CERT_SENT_REJECTED ? or_null(p->alert_name) : NULL;
}

const char *probe_client_cert_note(const struct tls_probe *p)
{
	return or_null(p->client_cert_note);
}

void probe_free(struct tls_probe *p)
{
	if (p == NULL)
		return;
	probe_close(p);
	forget_chain(p);
	forget_staple(p);
	free(p);
}
