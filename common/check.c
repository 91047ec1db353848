#include <config.h>

#include <stdio.h>

#include "check.h"
#include "credentials.h"
#include "deadline.h"
#include "report.h"
#include "target.h"
#include "trust.h"

/* Targets one run holds. One for now: HOST (or -I's address) is the one-element
 * list that several addresses and names will extend. */
#define CHECK_MAX_TARGETS 1

/* Everything one run learns; owned by check_main() and released in one place. */
struct check_run {
	struct deadline deadline;
	struct trust_anchors *anchors; /* the named store from the start, else loaded when judged */
	struct fault store_failure;    /* why the system store could not be loaded */
	struct cert_chain expected;    /* --cert-file's certificate, loaded before any connection */
	struct client_credentials *credentials; /* ours, loaded before any connection */
	struct target targets[CHECK_MAX_TARGETS];
	size_t target_count;
};

/* -I: connect there; HOST stays the name sent and judged. */
static void plan_targets(const struct check_config *cfg, struct check_run *run)
{
	target_init(&run->targets[0], cfg->address[0] ? cfg->address : cfg->host_ascii);
	run->target_count = 1;
}

/* Without a named store, the system store is loaded once a chain is to be
 * judged against it, and not before: a run that failed to reach TLS never
 * reads it. */
static void load_anchors_if_needed(const struct check_config *cfg, struct check_run *run)
{
	bool needed = false;

	for (size_t i = 0; i < run->target_count; i++)
		needed = needed || target_needs_anchors(&run->targets[i], cfg);
	fault_clear(&run->store_failure);
	if (needed && run->anchors == NULL)
		trust_load(&cfg->store, &run->anchors, &run->store_failure);
}

static void probe_and_judge(const struct check_config *cfg, struct check_run *run)
{
	struct target_judging judging = {
	        .store_failure = &run->store_failure,
	        .expected_leaf = run->expected.count > 0 ? &run->expected.items[0] : NULL,
	        .credentials = run->credentials,
	};

	for (size_t i = 0; i < run->target_count; i++)
		target_probe(&run->targets[i], cfg, run->credentials, &run->deadline);
	load_anchors_if_needed(cfg, run);
	judging.anchors = run->anchors;
	for (size_t i = 0; i < run->target_count; i++)
		target_judge(&run->targets[i], cfg, &judging);
}

static int report(const struct check_config *cfg, struct check_run *run)
{
	struct target *t = &run->targets[0];
	struct report_data data = {
	        .host = cfg->host,
	        .port = cfg->port,
	        .protocol = cfg->protocol->name,
	        .address = t->address,
	        .verdict = &t->verdict,
	        .chain = &t->chain,
	        .tls = t->facts.tls,
	        .elapsed = deadline_elapsed(&run->deadline),
	        .now = cfg->now,
	        .verbosity = cfg->verbosity,
	};

	verdict_sort(&t->verdict);
	return report_emit(stdout, cfg->output, &data);
}

static void release(struct check_run *run)
{
	trust_free(run->anchors);
	cert_chain_clear(&run->expected);
	credentials_free(run->credentials);
	for (size_t i = 0; i < run->target_count; i++)
		target_release(&run->targets[i]);
}

/* A bad argument: one line naming it (then the usage for a bad option), exit 3. */
static int refuse(const struct cli_plugin *plugin, const struct fault *f)
{
	printf("%s: %s\n", plugin->name, f->text);
	if (f->kind == FAULT_USAGE)
		cli_print_usage(stdout, plugin);
	return STATE_UNKNOWN;
}

/* The files named on the command line are part of the arguments: a CA file, a
 * certificate file or client credentials that cannot be used are refused before
 * any network work, like a bad option. */
static int load_named_files(const struct check_config *cfg, struct check_run *run, struct fault *f)
{
	if (trust_store_is_explicit(&cfg->store) && trust_load(&cfg->store, &run->anchors, f) < 0)
		return -1;
	if (cfg->cert_file != NULL &&
	    cert_load_file(&run->expected, cfg->cert_file, "certificate file", f) < 0)
		return -1;
	if (credentials_given(&cfg->client) &&
	    credentials_load(&cfg->client, &run->credentials, f) < 0)
		return -1;
	return 0;
}

int check_main(const struct cli_plugin *plugin, int argc, char **argv)
{
	struct check_config cfg;
	struct check_run run = {0};
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
	if (load_named_files(&cfg, &run, &f) < 0) {
		exit_code = refuse(plugin, &f);
		goto out;
	}
	deadline_start(&run.deadline, cfg.timeout);
	plan_targets(&cfg, &run);
	probe_and_judge(&cfg, &run);
	exit_code = report(&cfg, &run);
out:
	release(&run);
	return exit_code;
}
