/* The targets of a run: which name is probed where. Every HOST here is an IP
 * literal, so no lookup leaves the machine. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

/* The settings come from the command line, as a plugin's do. */
#include "cli.h"
#include "plan.h"

static const struct cli_plugin generic = {.name = "check_tls", .protocol = NULL};

#define MAX_ARGS 80

static int build(struct plan *p, const struct settings *settings, struct fault *f)
{
	struct deadline dl;

	deadline_start(&dl, 5);
	return plan_build(p, settings, &dl, f);
}

/* Parse the command line, then plan its targets into a new plan. */
static struct plan *plan_from(struct settings *settings, int *rc, struct fault *f, ...)
{
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	struct plan *p = calloc(1, sizeof(*p));
	va_list ap;
	char *arg;

	assert_non_null(p);
	argv[argc++] = (char *)generic.name;
	va_start(ap, f);
	while ((arg = va_arg(ap, char *)) != NULL && argc < MAX_ARGS)
		argv[argc++] = arg;
	va_end(ap);
	argv[argc] = NULL;
	assert_int_equal(cli_parse(&generic, argc, argv, settings, f), CLI_RUN);
	plan_init(p, settings);
	*rc = build(p, settings, f);
	return p;
}

#define PLAN(...) plan_from(&settings, &rc, &f, __VA_ARGS__, (char *)NULL)

static const char *name_of(const struct plan *p, size_t entry)
{
	return p->names[p->entries[entry].name].name.display;
}

/* The bug this guards: each name was resolved and connected to as a host. */
static void test_names_are_sent_to_host(void **state)
{
	struct settings settings;
	struct fault f;
	struct plan *p;
	int rc;
	(void)state;

	p = PLAN("-H", "127.0.0.1", "-S", "other.test", "-S", "www.test");
	assert_int_equal(rc, 0);
	assert_int_equal(p->count, 2);
	assert_true(p->names_vary);
	assert_false(p->addresses_vary);
	for (size_t i = 0; i < p->count; i++) {
		const struct target_name *n = &p->names[p->entries[i].name].name;

		assert_string_equal(p->entries[i].connect_to, "127.0.0.1");
		assert_false(p->entries[i].failed);
		assert_string_equal(n->sni, n->display);
		assert_string_equal(n->verify, n->display);
	}
	assert_string_equal(name_of(p, 0), "other.test");
	assert_string_equal(name_of(p, 1), "www.test");
	free(p);
}

/* HOST is looked up once, and every name tries the same addresses in turn. */
static void test_host_looked_up_once(void **state)
{
	struct settings settings;
	struct fault f;
	struct plan *p;
	int rc;
	(void)state;

	p = PLAN("-H", "::1", "-S", "a.test", "-S", "b.test", "-S", "c.test");
	assert_int_equal(rc, 0);
	assert_int_equal(p->count, 3);
	for (size_t i = 0; i < p->count; i++) {
		assert_string_equal(p->entries[i].connect_to, "::1");
		assert_ptr_equal(p->entries[i].addresses, &p->lookup.found);
	}
	assert_int_equal(p->lookup.found.count, 1);
	assert_string_equal(p->lookup.found.items[0].text, "::1");
	free(p);

	/* One name: resolved at connect, as a single HOST is. */
	p = PLAN("-H", "::1", "-S", "a.test");
	assert_int_equal(rc, 0);
	assert_int_equal(p->count, 1);
	assert_string_equal(p->entries[0].connect_to, "::1");
	assert_null(p->entries[0].addresses);
	free(p);

	/* A name given twice is one name. */
	p = PLAN("-H", "::1", "-S", "a.test", "-S", "a.test");
	assert_int_equal(rc, 0);
	assert_int_equal(p->count, 1);
	assert_string_equal(p->entries[0].connect_to, "::1");
	free(p);
}

/* -A: every address of HOST for every name, not the names' own addresses. */
static void test_all_addresses_of_host(void **state)
{
	struct settings settings;
	struct fault f;
	struct plan *p;
	int rc;
	(void)state;

	p = PLAN("-H", "127.0.0.1", "-A", "-S", "other.test", "-S", "www.test");
	assert_int_equal(rc, 0);
	assert_int_equal(p->count, 2);
	for (size_t i = 0; i < p->count; i++) {
		assert_string_equal(p->entries[i].connect_to, "127.0.0.1");
		assert_null(p->entries[i].addresses);
		assert_false(p->entries[i].failed);
	}
	free(p);
}

/* A HOST that cannot be looked up is a failed target of each name, not the
 * end of the run. */
static void test_failed_lookup_is_each_names(void **state)
{
	struct settings settings;
	struct fault f;
	struct plan *p;
	int rc;
	(void)state;

	p = PLAN("-H", "::1", "-S", "a.test", "-S", "b.test");
	/* A family the literal is not of (the command line refuses it): the lookup
	 * fails here, with no network. */
	settings.probe.family = AF_INET;
	assert_int_equal(build(p, &settings, &f), 0);
	assert_int_equal(p->count, 2);
	for (size_t i = 0; i < p->count; i++) {
		assert_true(p->entries[i].failed);
		assert_string_equal(p->entries[i].connect_to, "::1");
		assert_non_null(strstr(p->entries[i].failure.text, "'::1'"));
	}
	free(p);
}

/* -I: every name at every address given; the bound counts them all. */
static void test_names_times_addresses(void **state)
{
	struct settings settings;
	struct fault f;
	struct plan *p;
	int rc;
	(void)state;

	p = PLAN("-H", "pool.test", "-I", "192.0.2.1", "-I", "192.0.2.2", "-S", "a.test", "-S",
	         "b.test");
	assert_int_equal(rc, 0);
	assert_int_equal(p->count, 4);
	assert_true(p->names_vary && p->addresses_vary);
	assert_string_equal(name_of(p, 0), "a.test");
	assert_string_equal(p->entries[0].connect_to, "192.0.2.1");
	assert_string_equal(p->entries[1].connect_to, "192.0.2.2");
	assert_string_equal(name_of(p, 3), "b.test");
	assert_string_equal(p->entries[3].connect_to, "192.0.2.2");
	assert_null(p->entries[3].addresses);
	free(p);
}

static void test_bound(void **state)
{
	char addresses[33][24];
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	struct settings settings;
	struct plan *p = calloc(1, sizeof(*p));
	struct fault f;
	(void)state;

	assert_non_null(p);
	argv[argc++] = (char *)"check_tls";
	argv[argc++] = (char *)"-H";
	argv[argc++] = (char *)"pool.test";
	argv[argc++] = (char *)"-S";
	argv[argc++] = (char *)"a.test";
	argv[argc++] = (char *)"-S";
	argv[argc++] = (char *)"b.test";
	for (unsigned i = 0; i < 33; i++) {
		snprintf(addresses[i], sizeof(addresses[i]), "192.0.2.%u", i + 1);
		argv[argc++] = (char *)"-I";
		argv[argc++] = addresses[i];
	}
	argv[argc] = NULL;
	assert_int_equal(cli_parse(&generic, argc, argv, &settings, &f), CLI_RUN);
	plan_init(p, &settings);
	assert_int_equal(build(p, &settings, &f), -1);
	assert_int_equal(f.kind, FAULT_USAGE);
	assert_non_null(strstr(f.text, "more than 64 probes"));
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_names_are_sent_to_host),
	        cmocka_unit_test(test_host_looked_up_once),
	        cmocka_unit_test(test_all_addresses_of_host),
	        cmocka_unit_test(test_failed_lookup_is_each_names),
	        cmocka_unit_test(test_names_times_addresses),
	        cmocka_unit_test(test_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
