#include <config.h>

#include <stdio.h>
#include <unistd.h>

#include "cert.h"
#include "check.h"
#include "deadline.h"
#include "net.h"
#include "probe.h"
#include "report.h"
#include "trust.h"
#include "verdict.h"

/* How long to wait after the handshake for a TLS 1.3 server's verdict on the
 * client certificate it asked for and did not get. Only then: a server that did
 * not ask costs nothing. A server on another continent answers within it. */
#define CLIENT_VERDICT_GRACE 0.5

/* Everything one run learns; owned by check_main() and released in one place. */
struct check_run {
	struct deadline deadline;
	struct net_address_list addresses;
	const char *address; /* the one connected to */
	int fd;
	struct net_conn conn; /* plain before the handshake, TLS after it */
	struct tls_probe *probe;
	struct fault after_fault;      /* what the protocol's after() step found, if it failed */
	struct trust_anchors *anchors; /* the named store from the start, else loaded when judged */
	struct cert_chain chain;
	struct trust_result trust;
	struct fault trust_failure;
	struct facts facts; /* points into the above */
	struct verdict verdict;
};

/* Try each resolved address in turn, under the one deadline, until one answers. */
static int connect_any(const struct check_config *cfg, struct check_run *run, struct fault *f)
{
	/* -I: connect there; HOST stays the name sent and judged. */
	const char *where = cfg->address[0] ? cfg->address : cfg->host_ascii;

	if (net_resolve(where, cfg->port, cfg->family, &run->deadline, &run->addresses, f) < 0)
		return -1;
	for (size_t i = 0; i < run->addresses.count; i++) {
		if (net_connect(&run->addresses.items[i], &run->deadline, &run->fd, f) == 0) {
			run->address = run->addresses.items[i].text;
			return 0;
		}
		if (f->kind == FAULT_TIMEOUT)
			break;
	}
	return -1;
}

/* Speak the protocol up to its go-ahead, then make sure it left nothing behind:
 * plaintext queued after "ready to start TLS" would be read as if it came over TLS. */
static int upgrade(const struct check_config *cfg, struct check_run *run, struct fault *f)
{
	struct protocol_context ctx = {
	        .host = cfg->host_ascii,
	        .args = &cfg->protocol_args,
	        .conn = &run->conn,
	        .deadline = &run->deadline,
	};
	size_t extra;

	net_conn_init(&run->conn, run->fd, &run->deadline);
	if (protocol_tls_on_connect(cfg->protocol, cfg->port, cfg->implicit_tls))
		return 0;
	if (cfg->protocol->upgrade(&ctx, f) < 0)
		return -1;
	extra = net_buffered(&run->conn);
	if (extra) {
		fault_set(f, FAULT_PEER,
		          "server sent %zu byte%s of plaintext after its go-ahead for TLS "
		          "(injection risk); refusing",
		          extra, extra == 1 ? "" : "s");
		return -1;
	}
	return 0;
}

static int handshake(const struct check_config *cfg, struct check_run *run, struct fault *f)
{
	struct probe_options options = {
	        .sni = cfg->sni[0] ? cfg->sni : NULL,
	        .alpn = cfg->protocol->alpn,
	};

	if (probe_handshake(run->fd, &options, &run->deadline, &run->probe, f) < 0)
		return -1;
	if (probe_chain_length(run->probe) == 0) {
		fault_set(f, FAULT_PEER, "server sent no certificate");
		return -1;
	}
	return cert_chain_load(&run->chain, probe_chain(run->probe), probe_chain_length(run->probe),
	                       f);
}

/* The protocol's own confirmation that the service behind TLS answers, under a
 * short deadline of its own: its failure is a finding, not the end of the run. */
static void run_after(const struct check_config *cfg, struct check_run *run)
{
	struct deadline budget;
	struct protocol_context ctx = {
	        .host = cfg->host_ascii,
	        .args = &cfg->protocol_args,
	        .conn = &run->conn,
	        .deadline = &budget,
	        .tls_on_connect =
	                protocol_tls_on_connect(cfg->protocol, cfg->port, cfg->implicit_tls),
	};

	deadline_within(&budget, &run->deadline, PROTOCOL_AFTER_SECONDS);
	net_conn_set_deadline(&run->conn, &budget);
	cfg->protocol->after(&ctx, &run->after_fault);
	net_conn_set_deadline(&run->conn, &run->deadline);
}

/* Over the TLS channel, when the handshake completed: the server's verdict on
 * the client certificate it asked for, then the protocol's after() step, then
 * close_notify. */
static void after_handshake(const struct check_config *cfg, struct check_run *run)
{
	struct fault f;

	if (probe_attach(run->probe, &run->conn, &f) == 0) {
		probe_await_client_verdict(run->probe, &run->conn, CLIENT_VERDICT_GRACE);
		/* A server that refused us has closed the channel: nothing to ask it. */
		if (cfg->protocol->after != NULL &&
		    probe_client_cert(run->probe) != PROBE_CLIENT_CERT_REQUIRED)
			run_after(cfg, run);
	}
	probe_close(run->probe);
}

static int probe_service(const struct check_config *cfg, struct check_run *run, struct fault *f)
{
	if (connect_any(cfg, run, f) < 0)
		return -1;
	if (upgrade(cfg, run, f) < 0)
		return -1;
	if (handshake(cfg, run, f) < 0)
		return -1;
	after_handshake(cfg, run);
	return 0;
}

/* Verify the chain against the store: a fact, judged by the trust rule. Without
 * a named store, the system store is loaded now that a chain is to be judged
 * against it, and not before. */
static void verify_trust(const struct check_config *cfg, struct check_run *run)
{
	if (!cfg->verify_trust)
		return;
	fault_clear(&run->trust_failure);
	if ((run->anchors == NULL &&
	     trust_load(&cfg->store, &run->anchors, &run->trust_failure) < 0) ||
	    trust_verify(run->anchors, &run->chain, &run->trust, &run->trust_failure) < 0)
		run->facts.trust_failure = &run->trust_failure;
	else
		run->facts.trust = &run->trust;
}

/* Everything the rules read, gathered once. PROBE_FAILURE is what ended the
 * probe before a chain was seen, or NULL. */
static void gather_facts(const struct check_config *cfg, struct check_run *run,
                         const struct fault *probe_failure)
{
	struct facts *facts = &run->facts;

	*facts = (struct facts){
	        .probe_failure = probe_failure,
	        .chain = &run->chain,
	        .now = cfg->now,
	        .warning = &cfg->warning,
	        .critical = &cfg->critical,
	        .timeout_state = cfg->timeout_state,
	        .name_ascii = cfg->verify_name[0] ? cfg->verify_name : NULL,
	        .name_display = cfg->verify_name_display,
	};
	if (run->probe != NULL) {
		facts->tls = (struct facts_tls){
		        .version = probe_tls_version(run->probe),
		        .cipher = probe_cipher(run->probe),
		        .group = probe_group(run->probe),
		        .alpn = probe_alpn(run->probe),
		};
		facts->handshake_error = probe_handshake_error(run->probe);
		facts->client_cert_note = probe_client_cert_note(run->probe);
	}
	if (run->after_fault.kind != FAULT_NONE)
		facts->after_failure = &run->after_fault;
	if (probe_failure == NULL)
		verify_trust(cfg, run);
}

static int report(const struct check_config *cfg, struct check_run *run)
{
	struct report_data data = {
	        .host = cfg->host,
	        .port = cfg->port,
	        .protocol = cfg->protocol->name,
	        .address = run->address,
	        .verdict = &run->verdict,
	        .chain = &run->chain,
	        .tls = run->facts.tls,
	        .elapsed = deadline_elapsed(&run->deadline),
	        .now = cfg->now,
	        .verbosity = cfg->verbosity,
	};

	verdict_sort(&run->verdict);
	return report_emit(stdout, cfg->output, &data);
}

static void release(struct check_run *run)
{
	trust_free(run->anchors);
	cert_chain_clear(&run->chain);
	if (run->probe)
		probe_free(run->probe);
	if (run->fd >= 0)
		close(run->fd);
}

/* A bad argument: one line naming it (then the usage for a bad option), exit 3. */
static int refuse(const struct cli_plugin *plugin, const struct fault *f)
{
	printf("%s: %s\n", plugin->name, f->text);
	if (f->kind == FAULT_USAGE)
		cli_print_usage(stdout, plugin);
	return STATE_UNKNOWN;
}

/* Named trust anchors are part of the arguments: a CA file without a
 * certificate is refused before any network work, like an unreadable one. */
static int load_named_anchors(const struct check_config *cfg, struct check_run *run,
                              struct fault *f)
{
	if (!trust_store_is_explicit(&cfg->store))
		return 0;
	return trust_load(&cfg->store, &run->anchors, f);
}

int check_main(const struct cli_plugin *plugin, int argc, char **argv)
{
	struct check_config cfg;
	struct check_run run = {.fd = -1};
	const struct fault *probe_failure = NULL;
	struct fault f;
	int exit_code;

	switch (cli_parse(plugin, argc, argv, &cfg, &f)) {
	case CLI_DONE:
		return STATE_UNKNOWN;
	case CLI_BAD:
		return refuse(plugin, &f);
	case CLI_RUN:
		break;
	}
	if (load_named_anchors(&cfg, &run, &f) < 0) {
		exit_code = refuse(plugin, &f);
		goto out;
	}
	deadline_start(&run.deadline, cfg.timeout);
	verdict_init(&run.verdict);
	fault_clear(&f);
	if (probe_service(&cfg, &run, &f) < 0)
		probe_failure = &f;
	gather_facts(&cfg, &run, probe_failure);
	verdict_judge(&run.verdict, &run.facts);
	exit_code = report(&cfg, &run);
out:
	release(&run);
	return exit_code;
}
