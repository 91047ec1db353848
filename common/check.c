#include <config.h>

#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "check.h"
#include "consistency.h"
#include "credentials.h"
#include "deadline.h"
#include "plan.h"
#include "report.h"
#include "target.h"
#include "trust.h"
#include "workers.h"

/* Room for "name@address" in a label. */
#define CHECK_LABEL_SIZE (2 * HOSTNAME_MAX)

/* Everything one run learns; owned by check_main() and released in one place. */
struct check_run {
	const struct settings *settings;
	struct deadline deadline;
	struct trust_anchors *anchors; /* the named store from the start, else loaded when judged */
	struct fault store_failure;    /* why the system store could not be loaded */
	struct cert_chain expected;    /* --cert-file's certificate, loaded before any connection */
	struct client_credentials *credentials; /* ours, loaded before any connection */
	struct plan *plan;                      /* the names and addresses to probe */
	struct target *targets;                 /* one per plan entry */
	size_t target_count;
	struct verdict together; /* what the targets say together */
};

static int plan_targets(struct check_run *run, struct fault *f)
{
	const struct plan *p = run->plan;

	if (plan_build(run->plan, run->settings, &run->deadline, f) < 0)
		return -1;
	/* Not zeroed here: target_init() zeroes each (a target is large, and
	 * zeroing it twice is a measurable part of a check). */
	run->targets = malloc(p->count * sizeof(*run->targets));
	if (run->targets == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory for %zu targets", p->count);
		return -1;
	}
	for (size_t i = 0; i < p->count; i++) {
		target_init(&run->targets[i], p->entries[i].connect_to,
		            &p->names[p->entries[i].name].name);
		if (p->entries[i].addresses != NULL)
			target_use_addresses(&run->targets[i], p->entries[i].addresses);
		if (p->entries[i].failed)
			target_fail(&run->targets[i], &p->entries[i].failure);
	}
	run->target_count = p->count;
	return 0;
}

/* Without a named store, the system store is loaded once a chain is to be
 * judged against it, and not before: a run that failed to reach TLS never
 * reads it. */
static void load_anchors_if_needed(const struct settings *settings, struct check_run *run)
{
	const struct cert_chain *chains[PLAN_MAX_TARGETS];
	size_t count = 0;

	for (size_t i = 0; i < run->target_count; i++) {
		if (target_needs_anchors(&run->targets[i], settings))
			chains[count++] = &run->targets[i].chain;
	}
	fault_clear(&run->store_failure);
	if (count > 0 && run->anchors == NULL)
		trust_load_for(&settings->judge.store, chains, count, &run->deadline, &run->anchors,
		               &run->store_failure);
}

static void probe_one(void *context, size_t index)
{
	struct check_run *run = context;

	/* Jobs are handed out in order: one past the first WORKERS_MAX_THREADS
	 * began only when an earlier one ended. */
	run->targets[index].queued = index >= WORKERS_MAX_THREADS;
	target_probe(&run->targets[index], run->settings, run->credentials, &run->deadline);
}

/* Every address behind a name should serve the same leaf. */
static void judge_together(const struct settings *settings, struct check_run *run)
{
	struct consistency_leaf leaves[PLAN_MAX_TARGETS];

	verdict_init(&run->together);
	if (settings->judge.allow_mixed)
		return;
	for (size_t i = 0; i < run->target_count; i++) {
		const struct target *t = &run->targets[i];

		leaves[i] = (struct consistency_leaf){
		        .name = t->name->display,
		        .leaf = !t->failed && t->chain.count > 0 ? &t->chain.items[0] : NULL,
		};
	}
	consistency_judge(leaves, run->target_count, run->plan->names_vary, &run->together);
}

/* A pool serves one chain many times: each chain is verified once, and the
 * targets that saw it again take that result. */
static const struct target *judged_with_same_chain(const struct check_run *run, size_t index)
{
	for (size_t i = 0; i < index; i++) {
		if (target_same_chain(&run->targets[i], &run->targets[index]))
			return &run->targets[i];
	}
	return NULL;
}

static void probe_and_judge(const struct settings *settings, struct check_run *run)
{
	struct target_judging judging = {
	        .store_failure = &run->store_failure,
	        .expected_leaf = run->expected.count > 0 ? &run->expected.items[0] : NULL,
	        .credentials = run->credentials,
	};

	workers_run(run->target_count, WORKERS_MAX_THREADS, probe_one, run);
	load_anchors_if_needed(settings, run);
	judging.anchors = run->anchors;
	for (size_t i = 0; i < run->target_count; i++) {
		judging.verified_before = judged_with_same_chain(run, i);
		target_judge(&run->targets[i], settings, &judging);
	}
	judge_together(settings, run);
}

/* What the count of targets counts. */
static const char *unit(const struct plan *p)
{
	if (p->names_vary && p->addresses_vary)
		return "targets";
	if (p->names_vary)
		return p->mail_domain ? "MX hosts" : "names";
	return "addresses";
}

/* "192.0.2.4", "other.example@192.0.2.4" when the run has several names; the
 * name when no address was reached. */
static void label(const struct check_run *run, const struct target *t, char *out, size_t size)
{
	const char *where = t->address != NULL ? t->address : t->connect_to;

	if (run->plan->names_vary && strcmp(where, t->name->display) != 0)
		snprintf(out, size, "%s@%s", t->name->display, where);
	else
		snprintf(out, size, "%s", where);
}

static int report(const struct settings *settings, struct check_run *run)
{
	struct report_target *shown = calloc(run->target_count, sizeof(*shown));
	char(*labels)[CHECK_LABEL_SIZE] = calloc(run->target_count, sizeof(*labels));
	struct report_data data = {
	        .host = settings->probe.host,
	        .port = settings->probe.port,
	        .protocol = settings->probe.protocol->name,
	        .targets = shown,
	        .target_count = run->target_count,
	        .unit = unit(run->plan),
	        .together = &run->together,
	        .elapsed = deadline_elapsed(&run->deadline),
	        .now = settings->judge.now,
	        .verbosity = settings->verbosity,
	        .thresholds = settings->perfdata_thresholds,
	};
	int exit_code = STATE_UNKNOWN;

	if (shown == NULL || labels == NULL) {
		printf("TLS UNKNOWN - out of memory for the report\n");
		goto out;
	}
	for (size_t i = 0; i < run->target_count; i++) {
		struct target *t = &run->targets[i];

		verdict_sort(&t->verdict);
		label(run, t, labels[i], sizeof(labels[i]));
		shown[i] = (struct report_target){
		        .label = labels[i],
		        .name = t->name->display,
		        .address = target_address(t),
		        .verdict = &t->verdict,
		        .chain = &t->chain,
		        .tls = t->facts.tls,
		        .steps = t->steps,
		        .step_count = t->step_count,
		        .dialogue = t->dialogue,
		        .dane = t->facts.dane,
		};
	}
	verdict_sort(&run->together);
	exit_code = report_emit(stdout, settings->output, &data);
out:
	free(labels);
	free(shown);
	return exit_code;
}

static void release(struct check_run *run)
{
	trust_free(run->anchors);
	cert_chain_clear(&run->expected);
	credentials_free(run->credentials);
	for (size_t i = 0; i < run->target_count; i++)
		target_release(&run->targets[i]);
	free(run->targets);
	free(run->plan);
}

static bool names_files(const struct settings *settings)
{
	return trust_store_is_explicit(&settings->judge.store) ||
	       settings->judge.cert_file != NULL || credentials_given(&settings->judge.client) ||
	       settings->probe.name_file != NULL;
}

/* The files named on the command line are part of the arguments: a CA file, a
 * certificate file or client credentials that cannot be used are refused before
 * any network work, like a bad option. */
static int load_named_files(const struct settings *settings, struct check_run *run, struct fault *f)
{
	if (trust_store_is_explicit(&settings->judge.store) &&
	    trust_load(&settings->judge.store, &run->deadline, &run->anchors, f) < 0)
		return -1;
	if (settings->judge.cert_file != NULL &&
	    cert_load_file(&run->expected, settings->judge.cert_file, "certificate file", f) < 0)
		return -1;
	if (credentials_given(&settings->judge.client) &&
	    credentials_load(&settings->judge.client, &run->credentials, f) < 0)
		return -1;
	if (settings->probe.name_file != NULL &&
	    plan_read_name_file(run->plan, settings->probe.name_file, f) < 0)
		return -1;
	/* Say why nothing will be probed: the targets' own "not probed" would not. */
	if (names_files(settings) && deadline_passed(&run->deadline)) {
		fault_set(f, FAULT_INTERNAL,
		          "the -t deadline passed while the files named were read");
		return -1;
	}
	return 0;
}

int check_run(const struct settings *settings, struct fault *f)
{
	struct check_run run = {0};
	int exit_code = -1;

	run.settings = settings;
	run.plan = malloc(sizeof(*run.plan)); /* plan_init() zeroes it */
	if (run.plan == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto out;
	}
	plan_init(run.plan, settings);
	/* One deadline for the whole run, the named files' reading included: a CA
	 * directory of thousands of files must not stretch -t. */
	deadline_start(&run.deadline, settings->timeout);
	if (load_named_files(settings, &run, f) < 0 || plan_targets(&run, f) < 0)
		goto out;
	probe_and_judge(settings, &run);
	exit_code = report(settings, &run);
out:
	release(&run);
	return exit_code;
}
