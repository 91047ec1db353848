#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostname.h"
#include "target.h"

#include "workers.h"

/* How long to wait after the handshake for a TLS 1.3 server's verdict on the
 * client certificate it asked for and did not get. Only then: a server that did
 * not ask costs nothing. A server on another continent answers within it. */
#define CLIENT_VERDICT_GRACE 0.5

void target_init(struct target *t, const char *connect_to, const struct target_name *name)
{
	memset(t, 0, sizeof(*t));
	t->connect_to = connect_to;
	t->name = name;
	t->fd = -1;
	verdict_init(&t->verdict);
}

void target_use_addresses(struct target *t, const struct net_address_list *addresses)
{
	t->looked_up = addresses;
}

void target_fail(struct target *t, const struct fault *f)
{
	t->failure = *f;
	t->failed = true;
}

/* Try each address of the target in turn, under the one deadline, until one
 * answers. */
static int connect_any(struct target *t, const struct settings *settings, const struct deadline *dl,
                       struct fault *f)
{
	if (t->looked_up != NULL)
		t->addresses = *t->looked_up;
	else if (net_resolve(t->connect_to, settings->probe.port, settings->probe.family, dl,
	                     &t->addresses, f) < 0)
		return -1;
	for (size_t i = 0; i < t->addresses.count; i++) {
		if (net_connect(&t->addresses.items[i], dl, &t->fd, f) == 0) {
			t->address = t->addresses.items[i].text;
			return 0;
		}
		if (f->kind == FAULT_TIMEOUT)
			break;
	}
	return -1;
}

const char *target_address(const struct target *t)
{
	if (t->address != NULL)
		return t->address;
	if (t->addresses.count == 1)
		return t->addresses.items[0].text;
	if (t->looked_up != NULL && t->looked_up->count == 1)
		return t->looked_up->items[0].text;
	if (hostname_is_ip_literal(t->connect_to))
		return t->connect_to;
	return NULL;
}

static bool tls_on_connect(const struct settings *settings)
{
	return protocol_tls_on_connect(&settings->probe.profile, settings->probe.port,
	                               settings->probe.implicit_tls);
}

/* A server that said nothing before the deadline, to a client that said nothing
 * either, may be one that waits for a ClientHello: a port of implicit TLS. Say so
 * rather than try it: talking before a greeting gets a client blacklisted by
 * greeting-pause defences (postscreen). */
static void hint_implicit_tls(const struct target *t, const struct settings *settings,
                              struct fault *f)
{
	char text[FAULT_TEXT_SIZE];

	if (f->kind != FAULT_TIMEOUT || t->conn.received > 0 || t->conn.sent > 0 ||
	    settings->probe.implicit_tls)
		return;
	snprintf(text, sizeof(text), "%s", f->text);
	fault_set(f, FAULT_TIMEOUT,
	          "%s (nothing received: if this port speaks TLS at connect, use --implicit-tls)",
	          text);
}

/* Speak the protocol up to its go-ahead, then make sure it left nothing behind:
 * plaintext queued after "ready to start TLS" would be read as if it came over TLS. */
static int upgrade(struct target *t, const struct settings *settings, const struct deadline *dl,
                   struct fault *f)
{
	struct protocol_context ctx = {
	        .host = t->name->host,
	        .args = &settings->probe.protocol_args,
	        .conn = &t->conn,
	        .deadline = dl,
	};
	size_t extra;

	net_conn_init(&t->conn, t->fd, dl);
	if (settings->verbosity >= REPORT_VERBOSE_DIALOGUE && t->dialogue == NULL)
		t->dialogue = malloc(sizeof(*t->dialogue));
	if (t->dialogue != NULL)
		net_conn_record(&t->conn, t->dialogue);
	if (tls_on_connect(settings))
		return 0;
	if (settings->probe.protocol->upgrade(&ctx, f) < 0) {
		hint_implicit_tls(t, settings, f);
		return -1;
	}
	extra = net_buffered(&t->conn);
	if (extra) {
		fault_set(f, FAULT_PEER,
		          "server sent %zu byte%s of plaintext after its go-ahead for TLS "
		          "(injection risk), refusing",
		          extra, extra == 1 ? "" : "s");
		return -1;
	}
	return 0;
}

static int handshake(struct target *t, const struct settings *settings,
                     const struct client_credentials *credentials, const struct deadline *dl,
                     struct fault *f)
{
	struct probe_options options = {
	        .sni = t->name->sni,
	        .alpn = t->alpn_offered,
	        .request_ocsp = settings_requests_staple(settings),
	        .credentials = credentials,
	};

	t->alpn_offered_count =
	        settings_alpn_offered(&settings->probe, tls_on_connect(settings), t->alpn_offered);
	options.alpn_count = t->alpn_offered_count;
	if (probe_handshake(t->fd, &options, dl, &t->probe, f) < 0)
		return -1;
	if (probe_chain_length(t->probe) == 0) {
		fault_set(f, FAULT_PEER, "server sent no certificate");
		return -1;
	}
	return cert_chain_load(&t->chain, probe_chain(t->probe), probe_chain_length(t->probe), f);
}

/* The protocol's own confirmation that the service behind TLS answers, under a
 * short deadline of its own: its failure is a finding, not the end of the run. */
static void run_after(struct target *t, const struct settings *settings, const struct deadline *dl)
{
	struct deadline budget;
	struct protocol_context ctx = {
	        .host = t->name->host,
	        .args = &settings->probe.protocol_args,
	        .conn = &t->conn,
	        .deadline = &budget,
	        .tls_on_connect = tls_on_connect(settings),
	        .alpn = probe_alpn(t->probe),
	        .confirmed = t->service_confirmed,
	        .confirmed_size = sizeof(t->service_confirmed),
	};

	deadline_within(&budget, dl, PROTOCOL_AFTER_SECONDS);
	net_conn_set_deadline(&t->conn, &budget);
	if (settings->probe.protocol->after(&ctx, &t->after_failure) < 0) {
		t->after_hit_run_deadline = deadline_passed(dl);
		t->service_confirmed[0] = '\0';
	}
	net_conn_set_deadline(&t->conn, dl);
}

/* The caller's own look over TLS, under the after() step's budget. */
static void run_look(struct target *t, const struct deadline *dl)
{
	struct deadline budget;

	deadline_within(&budget, dl, PROTOCOL_AFTER_SECONDS);
	net_conn_set_deadline(&t->conn, &budget);
	t->look(&t->conn, t->look_context);
	net_conn_set_deadline(&t->conn, dl);
}

/* The protocol's after() step, unless it is a request --no-service-check turned
 * off. */
static bool after_wanted(const struct settings *settings)
{
	const struct tls_protocol *p = settings->probe.protocol;

	return p->after != NULL && !(p->service_check && settings->probe.skip_service_check);
}

static bool refused(const struct tls_probe *p)
{
	return probe_client_cert(p) == PROBE_CLIENT_CERT_REQUIRED ||
	       probe_client_cert(p) == PROBE_CLIENT_CERT_SENT_REJECTED;
}

/* " (HINT)" after what F says. */
static void fault_hint(struct fault *f, const char *hint)
{
	size_t used = strlen(f->text);

	snprintf(f->text + used, sizeof(f->text) - used, " (%s)", hint);
}

/* HTTP/2 or gRPC over ALPN h2: a hang-up there is a refusal (protocol.h). */
static bool hang_up_refuses(const struct target *t, const struct settings *settings)
{
	const char *alpn = probe_alpn(t->probe);

	return settings->probe.protocol->hangs_up_to_refuse && alpn != NULL &&
	       strcmp(alpn, "h2") == 0;
}

/* Nothing came over TLS after the handshake (ASKED: the after() step ran).
 *
 * A hang-up with no step run, or before the request of HTTP/2 or gRPC, having
 * negotiated no ALPN protocol, may want a protocol it was not offered
 * (grpc-go): the alpn rule's, in place of the step's failure. A step of
 * another protocol met its own service closing on it (xmpp-client agreed or
 * not), whose failure stands.
 *
 * Where a hang-up refuses (hang_up_refuses()), one after a request for a
 * certificate in TLS 1.3 is the refusal: of the missing one (gRPC's C core),
 * or of ours. Elsewhere a service that fails so may only be refusing, or be
 * gone behind a proxy that asks for an optional certificate: the service's
 * failure stands, with the hint, so that a dead backend reads the same with
 * our certificate and without. A fatal alert is the refusal everywhere. */
static void read_hang_up(struct target *t, const struct settings *settings, bool asked)
{
	struct fault *f = &t->after_failure;
	bool failed = f->kind != FAULT_NONE, refuses = hang_up_refuses(t, settings);

	/* Silence and a hang-up are no acceptance of our certificate. */
	t->hang_up_in_service = failed && !refuses && probe_hung_up_on_ours(t->probe);
	if (t->hang_up_in_service)
		fault_hint(f, "it may have refused our client certificate");
	probe_note_hang_up(t->probe);
	/* A refusal that came during the after() step is a refusal of the
	 * client certificate, not a failure of the service. */
	if (failed && probe_refused_client_late(t->probe)) {
		fault_clear(f);
		return;
	}
	t->closed_without_alpn = (!asked || settings->probe.protocol->hangs_up_to_refuse) &&
	                         probe_closed_quietly(t->probe) && probe_alpn(t->probe) == NULL;
	if (t->closed_without_alpn)
		fault_clear(f);
	else if (failed && refuses && probe_refused_client_quietly(t->probe))
		fault_clear(f);
	else if (failed && probe_asked_then_closed(t->probe))
		fault_hint(f, "the server asked for a client certificate: it may require one");
}

/* Over the TLS channel, when the handshake completed: the protocol's after()
 * step, the server's verdict on the client certificate it asked for, then
 * close_notify.
 *
 * The after() step goes first: the service's answer proves our certificate
 * accepted, and a refusal arrives in its place. Waiting for the verdict first
 * would cost every accepted check of a service that waits for the client (Kafka,
 * Redis, MQTT) the whole grace. Only a step that heard nothing back (none, or
 * turned off) leaves the grace as the one way to learn the verdict. A server
 * that said nothing at all is read by read_hang_up(). */
static void after_handshake(struct target *t, const struct settings *settings,
                            const struct deadline *dl)
{
	struct fault f;
	size_t heard;
	bool answered = false, asked = false;

	if (probe_attach(t->probe, &t->conn, &f) == 0) {
		heard = t->conn.received;
		/* A server that refused us has closed the channel: nothing to ask it. */
		if (after_wanted(settings) && !refused(t->probe)) {
			asked = true;
			run_after(t, settings, dl);
			answered = t->conn.received > heard;
			/* A refusal in the service's own words (gRPC NOT_SERVING) is
			 * the service answering, too. */
			t->service_answered = answered && (t->after_failure.kind == FAULT_NONE ||
			                                   t->after_failure.kind == FAULT_REFUSED);
			if (t->service_answered)
				probe_service_answered(t->probe);
		}
		if (t->look != NULL && !refused(t->probe)) {
			run_look(t, dl);
			answered = t->conn.received > heard;
		}
		if (t->after_failure.kind == FAULT_NONE && !answered)
			probe_await_client_verdict(t->probe, &t->conn, CLIENT_VERDICT_GRACE);
		/* A server that refused the certificate may have closed before our
		 * request reached it: sending failed, and its alert is still waiting to
		 * be read. Read what is there, without waiting for more. */
		else if (t->after_failure.kind != FAULT_NONE)
			probe_await_client_verdict(t->probe, &t->conn, 0);
		if (t->conn.received == heard)
			read_hang_up(t, settings, asked);
		else if (t->after_failure.kind != FAULT_NONE && probe_refused_client_late(t->probe))
			fault_clear(&t->after_failure);
	}
	probe_close(t->probe);
}

/* The step NAME ended now; it began where the one before ended. */
static void end_step(struct target *t, const char *name, const struct deadline *dl)
{
	double now = deadline_elapsed(dl);

	if (t->step_count < TARGET_MAX_STEPS)
		t->steps[t->step_count++] = (struct facts_step){name, now - t->step_began};
	t->step_began = now;
}

/* Connect, then the protocol's dialogue (none for TLS at connect), then the
 * handshake, each step timed as it ends, whether it succeeded or not. */
static int reach_tls(struct target *t, const struct settings *settings,
                     const struct client_credentials *credentials, const struct deadline *dl)
{
	int rc;

	t->step_began = deadline_elapsed(dl);
	rc = connect_any(t, settings, dl, &t->failure);
	end_step(t, "connect", dl);
	if (rc < 0)
		return -1;
	rc = upgrade(t, settings, dl, &t->failure);
	if (!tls_on_connect(settings))
		end_step(t, settings->probe.protocol->name, dl);
	if (rc < 0)
		return -1;
	rc = handshake(t, settings, credentials, dl, &t->failure);
	end_step(t, "TLS handshake", dl);
	return rc;
}

static void close_connection(struct target *t)
{
	probe_close(t->probe);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

void target_probe(struct target *t, const struct settings *settings,
                  const struct client_credentials *credentials, const struct deadline *dl)
{
	if (t->failed)
		return;
	/* Workers are bounded: a target may wait for one past the deadline. With
	 * no wait, the queue is not the reason and is not named. */
	if (deadline_passed(dl)) {
		if (t->queued)
			fault_set(&t->failure, FAULT_TIMEOUT,
			          "not probed: the deadline passed while it waited its turn (%d "
			          "probes run at a time)",
			          WORKERS_MAX_THREADS);
		else
			fault_set(&t->failure, FAULT_TIMEOUT,
			          "not probed: the deadline passed before its probe began");
		t->failed = true;
		return;
	}
	fault_clear(&t->failure);
	if (reach_tls(t, settings, credentials, dl) < 0) {
		t->failed = true;
	} else {
		after_handshake(t, settings, dl);
		end_step(t, "over TLS", dl);
	}
	close_connection(t);
	/* The records are judged against a chain: none, no lookup. */
	if (!t->failed && settings->judge.dane != SETTINGS_DANE_OFF) {
		tlsa_lookup(&t->dane, settings, t->name->host, t->name->verify, dl);
		end_step(t, "TLSA lookup", dl);
	}
}

bool target_needs_anchors(const struct target *t, const struct settings *settings)
{
	return settings->judge.verify_trust && !t->failed;
}

bool target_same_chain(const struct target *a, const struct target *b)
{
	if (a->failed || b->failed || a->chain.count != b->chain.count)
		return false;
	for (size_t i = 0; i < a->chain.count; i++) {
		if (strcmp(a->chain.items[i].sha256, b->chain.items[i].sha256) != 0)
			return false;
	}
	return true;
}

/* The verification of BEFORE, when it saw the same chain: verifying is the
 * costliest part of judging, and a pool serves one chain many times. */
static bool reuse_trust(struct target *t, const struct target *before)
{
	if (before == NULL || !target_same_chain(t, before))
		return false;
	t->trust = before->trust;
	t->trust_failure = before->trust_failure;
	if (before->facts.trust != NULL)
		t->facts.trust = &t->trust;
	else
		t->facts.trust_failure = &t->trust_failure;
	return true;
}

/* Verify the chain against the store: a fact, judged by the trust rule. */
static void verify_trust(struct target *t, const struct trust_anchors *anchors,
                         const struct fault *store_failure)
{
	fault_clear(&t->trust_failure);
	if (anchors == NULL && store_failure != NULL)
		t->trust_failure = *store_failure;
	else if (anchors == NULL)
		fault_set(&t->trust_failure, FAULT_INTERNAL, "no trust anchors were loaded");
	if (anchors == NULL || trust_verify(anchors, &t->chain, &t->trust, &t->trust_failure) < 0)
		t->facts.trust_failure = &t->trust_failure;
	else
		t->facts.trust = &t->trust;
}

/* The leaf's issuer, for the staple's signature: served, else the anchor that
 * issued the leaf (a CA that signs leaves directly is seldom served). *OWNED is
 * the copy to release, when the store handed out a copy. */
static gnutls_x509_crt_t leaf_issuer(const struct target *t, const struct trust_anchors *anchors,
                                     gnutls_x509_crt_t *owned)
{
	int served = cert_chain_issuer_of(&t->chain, 0);
	gnutls_x509_crt_t issuer;

	*owned = NULL;
	if (served >= 0)
		return t->chain.items[served].crt;
	if (anchors != NULL &&
	    trust_find_issuer(anchors, t->chain.items[0].crt, &issuer, owned) == 0)
		return issuer;
	return NULL;
}

/* Read the staple (a fact, judged by the ocsp rule), unless --ocsp=ignore. */
static void read_staple(struct target *t, const struct settings *settings,
                        const struct trust_anchors *anchors)
{
	gnutls_x509_crt_t issuer, owned;

	if (!settings_requests_staple(settings) || t->failed || t->probe == NULL ||
	    t->chain.count == 0)
		return;
	issuer = leaf_issuer(t, anchors, &owned);
	fault_clear(&t->ocsp_failure);
	if (ocsp_staple_read(probe_ocsp_staple(t->probe), &t->chain.items[0], issuer, &t->ocsp,
	                     &t->ocsp_failure) == 0)
		t->facts.ocsp = &t->ocsp;
	else
		t->facts.ocsp_failure = &t->ocsp_failure;
	if (owned != NULL)
		gnutls_x509_crt_deinit(owned);
}

static enum facts_client_verdict client_verdict(enum probe_client_cert status)
{
	switch (status) {
	case PROBE_CLIENT_CERT_SENT_ACCEPTED:
		return FACTS_CLIENT_ACCEPTED;
	case PROBE_CLIENT_CERT_SENT_REJECTED:
		return FACTS_CLIENT_REJECTED;
	case PROBE_CLIENT_CERT_SENT_NOT_REJECTED:
		return FACTS_CLIENT_NOT_REJECTED;
	case PROBE_CLIENT_CERT_SENT_HUNG_UP:
		return FACTS_CLIENT_HUNG_UP;
	default:
		return FACTS_CLIENT_NOT_SENT;
	}
}

/* Our client certificate is judged whatever became of the probe: it is ours
 * to renew, and the server's verdict on it, when there was one. */
static void gather_client_facts(struct facts_client *client, const struct tls_probe *probe,
                                const struct client_credentials *credentials)
{
	if (credentials == NULL)
		return;
	client->cert = &credentials_chain(credentials)->items[0];
	client->lacks_client_auth = credentials_lacks_client_auth(credentials);
	client->exposed_key_file = credentials_exposed_key_file(credentials);
	client->grace = CLIENT_VERDICT_GRACE;
	if (probe == NULL)
		return;
	client->verdict = client_verdict(probe_client_cert(probe));
	client->alert = probe_client_cert_alert(probe);
}

/* Everything the rules read, gathered once. */
static void gather_facts(struct target *t, const struct settings *settings)
{
	struct facts *facts = &t->facts;

	*facts = (struct facts){
	        .probe_failure = t->failed ? &t->failure : NULL,
	        .chain = &t->chain,
	        .judge = &settings->judge,
	        .name_ascii = t->name->verify,
	        .name_display = t->name->verify_display,
	};
	if (t->after_failure.kind != FAULT_NONE)
		facts->after_failure = &t->after_failure;
	facts->after_hit_run_deadline = t->after_hit_run_deadline;
	facts->alpn_offered = t->alpn_offered;
	facts->alpn_offered_count = t->alpn_offered_count;
	facts->closed_without_alpn = t->closed_without_alpn;
	if (t->service_confirmed[0] != '\0')
		facts->service_confirmed = t->service_confirmed;
	if (t->probe == NULL)
		return;
	facts->tls = (struct facts_tls){
	        .version = probe_tls_version(t->probe),
	        .cipher = probe_cipher(t->probe),
	        .group = probe_group(t->probe),
	        .alpn = probe_alpn(t->probe),
	};
	facts->handshake_error = probe_handshake_error(t->probe);
	facts->client_cert_note = probe_client_cert_note(t->probe);
	facts->chain_unproven = probe_chain_unproven(t->probe);
}

void target_judge(struct target *t, const struct settings *settings, const struct target_judging *j)
{
	gather_facts(t, settings);
	gather_client_facts(&t->facts.client, t->probe, j->credentials);
	t->facts.client.hang_up_in_service = t->hang_up_in_service;
	t->facts.expected_leaf = j->expected_leaf;
	if (target_needs_anchors(t, settings))
		if (!reuse_trust(t, j->verified_before))
			verify_trust(t, j->anchors, j->store_failure);
	read_staple(t, settings, j->anchors);
	if (t->dane.looked_up) {
		tlsa_match(&t->dane, &t->chain, t->facts.trust, j->expected_leaf,
		           settings->judge.now);
		t->facts.dane = &t->dane;
	}
	verdict_judge(&t->verdict, &t->facts);
}

void target_release(struct target *t)
{
	close_connection(t);
	cert_chain_clear(&t->chain);
	probe_free(t->probe);
	t->probe = NULL;
	free(t->dialogue);
	t->dialogue = NULL;
	tlsa_release(&t->dane);
}
