#include <config.h>

#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "probe.h"

#include "net.h"

/* More certificates than any real chain holds; a peer sending more is cut here,
 * so its chain cannot make the probe allocate without bound. */
#define PROBE_MAX_CHAIN 32
#define PROBE_NAME_SIZE 128
/* An ALPN protocol name is at most 255 octets (RFC 7301). */
#define PROBE_ALPN_SIZE 256

struct tls_probe {
	gnutls_datum_t chain[PROBE_MAX_CHAIN];
	size_t chain_length;
	bool out_of_memory; /* the verify callback could not keep the chain */
	char version[PROBE_NAME_SIZE];
	char cipher[PROBE_NAME_SIZE];
	char group[PROBE_NAME_SIZE];
	char alpn[PROBE_ALPN_SIZE];
	char error[FAULT_TEXT_SIZE];
	const char *client_cert_note; /* a literal; NULL when no certificate was asked for */
};

static void forget_chain(struct tls_probe *p)
{
	size_t i;

	for (i = 0; i < p->chain_length; i++)
		free(p->chain[i].data);
	memset(p->chain, 0, sizeof(p->chain));
	p->chain_length = 0;
}

static bool keep_chain(struct tls_probe *p, const gnutls_datum_t *peers, unsigned count)
{
	size_t i;

	forget_chain(p);
	for (i = 0; i < count && i < PROBE_MAX_CHAIN; i++) {
		p->chain[i].data = malloc(peers[i].size > 0 ? peers[i].size : 1);
		if (p->chain[i].data == NULL)
			return false;
		memcpy(p->chain[i].data, peers[i].data, peers[i].size);
		p->chain[i].size = peers[i].size;
		p->chain_length = i + 1;
	}
	return true;
}

/* Called once the server's chain has arrived: keep it and let the handshake go
 * on whatever it holds. Judging it is for cert, trust and verdict, with the
 * operator's store and --at. */
static int keep_peer_chain(gnutls_session_t session)
{
	struct tls_probe *p = gnutls_session_get_ptr(session);
	const gnutls_datum_t *peers;
	unsigned count = 0;

	peers = gnutls_certificate_get_peers(session, &count);
	if (peers == NULL)
		count = 0;
	if (!keep_chain(p, peers, count)) {
		p->out_of_memory = true;
		return -1;
	}
	return 0;
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
	if (ret >= 0 && o != NULL && o->alpn != NULL) {
		gnutls_datum_t proto = {(unsigned char *)o->alpn, (unsigned)strlen(o->alpn)};

		ret = gnutls_alpn_set_protocols(session, &proto, 1, 0);
	}
	return ret;
}

/* Creates *SESSION and *CRED (NULL when not created; the caller releases them). */
static int open_session(gnutls_session_t *session, gnutls_certificate_credentials_t *cred, int fd,
                        const struct probe_options *o, struct tls_probe *p, struct fault *f)
{
	int ret;

	*session = NULL;
	*cred = NULL;
	/* GNUTLS_NO_SIGNAL: a server that hangs up must not kill the plugin with SIGPIPE. */
	ret = gnutls_init(session, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
	if (ret < 0)
		*session = NULL; /* never release what a failed init left behind */
	if (ret >= 0) {
		ret = gnutls_certificate_allocate_credentials(cred);
		if (ret < 0)
			*cred = NULL;
	}
	if (ret >= 0)
		ret = configure(*session, *cred, o);
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

static void describe_failure(gnutls_session_t session, int ret, struct fault *f)
{
	switch (ret) {
	case GNUTLS_E_FATAL_ALERT_RECEIVED:
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
			describe_failure(session, ret, f);
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

static void copy_text(char *out, size_t size, const char *text)
{
	snprintf(out, size, "%s", text != NULL ? text : "");
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

/* The probe holds no client certificate, so a CertificateRequest is answered
 * with an empty one. A server that then ends the handshake refuses the missing
 * certificate, not its own chain: that chain is still judged. A handshake that
 * completes anyway met an optional request, or a TLS 1.3 server whose verdict
 * on the client comes after the handshake and is not waited for. */
static void note_client_cert(struct tls_probe *p, gnutls_session_t session, bool completed)
{
	if (gnutls_certificate_client_get_request_status(session) == 0)
		return;
	p->client_cert_note = completed ? "server asks for a client certificate (none given)"
	                                : "server requires a client certificate (none given)";
}

int probe_run(int fd, const struct probe_options *o, const struct deadline *dl,
              struct tls_probe **out, struct fault *f)
{
	gnutls_session_t session = NULL;
	gnutls_certificate_credentials_t cred = NULL;
	struct tls_probe *p;
	int rc = -1;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto out;
	}
	if (open_session(&session, &cred, fd, o, p, f) < 0)
		goto out;
	if (handshake(session, fd, dl, p, f) == 0) {
		record_parameters(p, session);
		note_client_cert(p, session, true);
		/* One close_notify, not waited for: the server logs a clean goodbye
		 * instead of an error, and a slow peer cannot hold the check. */
		gnutls_bye(session, GNUTLS_SHUT_WR);
	} else if (p->chain_length > 0 && f->kind != FAULT_TIMEOUT && f->kind != FAULT_INTERNAL) {
		/* The chain arrived before the failure: it is still judged, with the
		 * failure as a fact, unless the failure is only the missing client
		 * certificate. */
		note_client_cert(p, session, false);
		if (p->client_cert_note == NULL)
			copy_text(p->error, sizeof(p->error), f->text);
		fault_clear(f);
	} else {
		goto out;
	}
	*out = p;
	p = NULL;
	rc = 0;
out:
	if (session != NULL)
		gnutls_deinit(session);
	if (cred != NULL)
		gnutls_certificate_free_credentials(cred);
	probe_free(p);
	return rc;
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

const char *probe_client_cert_note(const struct tls_probe *p)
{
	return p->client_cert_note;
}

void probe_free(struct tls_probe *p)
{
	if (p == NULL)
		return;
	forget_chain(p);
	free(p);
}
