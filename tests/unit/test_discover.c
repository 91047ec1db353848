/* Unit tests of discover: the targets it is given, parsed into listeners, and
 * the protocols it writes a plugin of their own for, which must be the plugins
 * Makefile.am builds. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "discover.h"
#include "protocol.h"

#define PLUGINS_MAX 64

static void start(struct discover_run *r)
{
	const struct discover_options o = {.timeout = 1, .parallel = 1};

	discover_init(r, &o);
}

static void assert_listener(const struct discover_run *r, size_t i, const char *host,
                            const char *ascii, unsigned port)
{
	assert_true(i < r->count);
	assert_string_equal(r->listeners[i].host, host);
	assert_string_equal(r->listeners[i].host_ascii, ascii);
	assert_int_equal(r->listeners[i].port, port);
	assert_int_equal(r->listeners[i].order, i);
}

static void test_targets(void **state)
{
	struct discover_run r;
	struct fault f;

	(void)state;
	start(&r);
	assert_int_equal(discover_add_target(&r, "mail.test:25,465", &f), 0);
	assert_int_equal(discover_add_target(&r, "[2001:db8::1]:443", &f), 0);
	assert_int_equal(discover_add_target(&r, "b\xc3\xbc.test:993", &f), 0);
	/* Listed already: once. */
	assert_int_equal(discover_add_target(&r, "mail.test:465", &f), 0);
	assert_int_equal(discover_add_listener(&r, "mail.test", 25, "postfix", &f), 0);
	assert_int_equal(r.count, 4);
	assert_listener(&r, 0, "mail.test", "mail.test", 25);
	assert_listener(&r, 1, "mail.test", "mail.test", 465);
	assert_listener(&r, 2, "2001:db8::1", "2001:db8::1", 443);
	assert_listener(&r, 3, "b\xc3\xbc.test", "xn--b-eha.test", 993);
	assert_string_equal(r.listeners[0].process, "");
	discover_release(&r);
}

/* A host without ports: every port of the protocol table, each once. */
static void test_table_ports(void **state)
{
	struct discover_run r;
	struct fault f;
	bool seen_smtp = false, seen_3269 = false;

	(void)state;
	start(&r);
	assert_int_equal(discover_add_target(&r, "::1", &f), 0);
	assert_true(r.count > 10);
	for (size_t i = 0; i < r.count; i++) {
		assert_string_equal(r.listeners[i].host, "::1");
		seen_smtp |= r.listeners[i].port == 25;
		seen_3269 |= r.listeners[i].port == 3269;
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(r.listeners[i].port, r.listeners[j].port);
	}
	assert_true(seen_smtp && seen_3269);
	discover_release(&r);
}

static void assert_refused(const char *target, const char *text)
{
	struct discover_run r;
	struct fault f;

	start(&r);
	assert_int_equal(discover_add_target(&r, target, &f), -1);
	assert_int_equal(f.kind, FAULT_USAGE);
	assert_string_equal(f.text, text);
	discover_release(&r);
}

static void test_bad_targets(void **state)
{
	(void)state;
	assert_refused("x:0", "'0' is not a valid port");
	assert_refused("x:65536", "'65536' is not a valid port");
	assert_refused("x:25,", "'' is not a valid port");
	assert_refused("x:+25", "'+25' is not a valid port");
	assert_refused(":25", "':25' names no host");
	assert_refused("[::1", "'[::1' is not HOST[:PORT[,PORT...]]");
	assert_refused("[::1]x", "'[::1]x' is not HOST[:PORT[,PORT...]]");
}

/* The plugins Makefile.am's plugin_PROGRAMS builds (check_tls_NAME), as NAMEs. */
static size_t built_plugins(char names[][32], size_t max)
{
	const char *srcdir = getenv("srcdir");
	char path[4096], line[1024];
	size_t n = 0;
	bool in_list = false;
	FILE *in;

	snprintf(path, sizeof(path), "%s/Makefile.am", srcdir != NULL ? srcdir : ".");
	in = fopen(path, "r");
	assert_non_null(in);
	while (fgets(line, sizeof(line), in) != NULL) {
		if (strncmp(line, "plugin_PROGRAMS =", 17) == 0)
			in_list = true;
		if (!in_list)
			continue;
		for (char *p = line; (p = strstr(p, "plugins/check_tls_")) != NULL;) {
			p += strlen("plugins/check_tls_");
			assert_true(n < max);
			snprintf(names[n], sizeof(names[n]), "%.*s", (int)strcspn(p, " \t\\\n"), p);
			n++;
		}
		if (strchr(line, '\\') == NULL)
			break;
	}
	fclose(in);
	assert_true(in_list);
	return n;
}

/* The protocol table's own_plugin and Makefile.am's plugins say the same. */
static void test_own_plugins_are_built(void **state)
{
	char names[PLUGINS_MAX][32];
	size_t count = built_plugins(names, PLUGINS_MAX), own = 0;

	(void)state;
	for (const struct tls_protocol *const *p = protocol_all(); *p != NULL; p++) {
		bool built = false;

		for (size_t i = 0; i < count; i++)
			built |= strcmp(names[i], (*p)->name) == 0;
		if (built != (*p)->own_plugin)
			fail_msg("protocol %s: own_plugin is %d, Makefile.am %s check_tls_%s",
			         (*p)->name, (*p)->own_plugin, built ? "builds" : "has no",
			         (*p)->name);
		assert_int_equal(discover_has_own_plugin(*p), (*p)->own_plugin);
		own += (*p)->own_plugin;
	}
	/* And no plugin for a protocol the table does not have. */
	assert_int_equal(own, count);
	assert_true(count >= 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_targets),
	        cmocka_unit_test(test_table_ports),
	        cmocka_unit_test(test_bad_targets),
	        cmocka_unit_test(test_own_plugins_are_built),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
