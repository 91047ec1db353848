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
#include <unistd.h>

#include <cmocka.h>

#include "discover.h"
#include "protocol.h"

#define PLUGINS_MAX 64

static void start(struct discover_run *r)
{
	const struct discover_options o = {.timeout = 1, .parallel = 1};

	discover_init(r, &o);
}

static size_t planned(struct discover_run *r)
{
	struct fault f;
	size_t count = 0;

	assert_int_equal(discover_plan(r, &count, &f), 0);
	return count;
}

static void assert_listener(const struct discover_run *r, size_t i, const char *host,
                            const char *ascii, unsigned port)
{
	struct discover_place p;

	assert_int_equal(discover_planned_at(r, i, &p), 0);
	assert_string_equal(p.host, host);
	assert_string_equal(p.host_ascii, ascii);
	assert_int_equal(p.port, port);
}

static void test_targets(void **state)
{
	struct discover_run r;
	struct discover_place p;
	struct fault f;

	(void)state;
	start(&r);
	assert_int_equal(discover_add_target(&r, "mail.test:25,465", &f), 0);
	assert_int_equal(discover_add_target(&r, "[2001:db8::1]:443", &f), 0);
	assert_int_equal(discover_add_target(&r, "b\xc3\xbc.test:993", &f), 0);
	/* Listed already: once. */
	assert_int_equal(discover_add_target(&r, "mail.test:465", &f), 0);
	assert_int_equal(discover_add_listener(&r, "mail.test", 25, NULL, &f), 0);
	assert_int_equal(planned(&r), 4);
	assert_listener(&r, 0, "mail.test", "mail.test", 25);
	assert_listener(&r, 1, "mail.test", "mail.test", 465);
	assert_listener(&r, 2, "2001:db8::1", "2001:db8::1", 443);
	assert_listener(&r, 3, "b\xc3\xbc.test", "xn--b-eha.test", 993);
	assert_int_equal(discover_planned_at(&r, 0, &p), 0);
	assert_string_equal(p.process, "");
	assert_string_equal(p.connect_to, "mail.test");
	assert_int_equal(discover_planned_at(&r, 4, &p), -1);
	discover_release(&r);
}

/* Ranges and lists, each port once in the order first listed, however long. */
static void test_ranges(void **state)
{
	struct discover_run r;
	struct fault f;
	char list[8192] = "h.test:";

	(void)state;
	start(&r);
	assert_int_equal(discover_add_target(&r, "h.test:22,25,8000-8002,24-26,8001", &f), 0);
	assert_int_equal(planned(&r), 7);
	assert_listener(&r, 0, "h.test", "h.test", 22);
	assert_listener(&r, 1, "h.test", "h.test", 25);
	assert_listener(&r, 2, "h.test", "h.test", 8000);
	assert_listener(&r, 4, "h.test", "h.test", 8002);
	assert_listener(&r, 5, "h.test", "h.test", 24);
	assert_listener(&r, 6, "h.test", "h.test", 26);
	/* The whole range, and the same host again with some of it and one more. */
	assert_int_equal(discover_add_target(&r, "127.0.0.1:1-65535", &f), 0);
	assert_int_equal(discover_add_target(&r, "h.test:25,9000", &f), 0);
	assert_int_equal(planned(&r), 8 + 65535);
	assert_listener(&r, 7, "h.test", "h.test", 9000);
	assert_listener(&r, 8, "127.0.0.1", "127.0.0.1", 1);
	assert_listener(&r, 8 + 65534, "127.0.0.1", "127.0.0.1", 65535);
	discover_release(&r);

	/* A list far longer than a host name: no limit but the ports'. */
	for (unsigned port = 1000; port < 2500; port += 2) {
		size_t used = strlen(list);

		snprintf(list + used, sizeof(list) - used, "%s%u", port > 1000 ? "," : "", port);
	}
	start(&r);
	assert_int_equal(discover_add_target(&r, list, &f), 0);
	assert_int_equal(planned(&r), 750);
	assert_listener(&r, 749, "h.test", "h.test", 2498);
	discover_release(&r);
}

/* Address blocks: each address of the block (host bits cleared), at each port. */
static void test_blocks(void **state)
{
	struct discover_run r;
	struct fault f;

	(void)state;
	start(&r);
	assert_int_equal(discover_add_target(&r, "192.0.2.5/30:443,8443", &f), 0);
	assert_int_equal(discover_add_target(&r, "[2001:db8::ff/120]:25", &f), 0);
	assert_int_equal(discover_add_target(&r, "198.51.100.255/31:1", &f), 0);
	assert_int_equal(planned(&r), 8 + 256 + 2);
	assert_listener(&r, 0, "192.0.2.4", "192.0.2.4", 443);
	assert_listener(&r, 1, "192.0.2.4", "192.0.2.4", 8443);
	assert_listener(&r, 7, "192.0.2.7", "192.0.2.7", 8443);
	assert_listener(&r, 8, "2001:db8::", "2001:db8::", 25);
	assert_listener(&r, 8 + 255, "2001:db8::ff", "2001:db8::ff", 25);
	assert_listener(&r, 8 + 256 + 1, "198.51.100.255", "198.51.100.255", 1);
	discover_release(&r);

	/* The largest block, at one port; a carry across bytes. */
	start(&r);
	assert_int_equal(discover_add_target(&r, "10.1.0.0/16:443", &f), 0);
	assert_int_equal(planned(&r), 65536);
	assert_listener(&r, 256, "10.1.1.0", "10.1.1.0", 443);
	assert_listener(&r, 65535, "10.1.255.255", "10.1.255.255", 443);
	discover_release(&r);
}

/* Past the run's bound, refused when listed: 32 hosts' every port fit. */
static void test_bound(void **state)
{
	struct discover_run r;
	struct fault f;
	char target[64];

	(void)state;
	start(&r);
	for (unsigned i = 0; i < 32; i++) {
		snprintf(target, sizeof(target), "192.0.2.%u:1-65535", i);
		assert_int_equal(discover_add_target(&r, target, &f), 0);
	}
	assert_int_equal(discover_add_target(&r, "192.0.2.99:1-32", &f), 0);
	assert_int_equal(discover_add_target(&r, "192.0.2.99:33", &f), -1);
	assert_int_equal(f.kind, FAULT_USAGE);
	assert_string_equal(f.text, "more than 2097152 listeners (hosts x ports): at most 2097152 "
	                            "a run");
	discover_release(&r);
}

/* A file of targets and nmap's grepable output, mixed: open TCP ports only, the
 * host as nmap named it, connected to at the address. */
static void test_nmap_file(void **state)
{
	char path[] = "/tmp/test_discover_XXXXXX";
	int fd = mkstemp(path);
	FILE *file = fdopen(fd, "w");
	static const char text[] =
	        "# Nmap 7.93 scan initiated as: nmap -sT -oG - 192.0.2.7 192.0.2.8\n"
	        "Host: 192.0.2.7 (mail.test)\tStatus: Up\n"
	        "Host: 192.0.2.7 (mail.test)\tPorts: 25/open/tcp//smtp//Postfix #1, "
	        "or so/, 80/closed/tcp//http///, 53/open/udp//domain///, 993/open/tcp//imaps///"
	        "\tIgnored State: closed (996)\n"
	        "Host: 2001:db8::8 ()\tPorts: 443/open/tcp//https///\n"
	        "Host: 192.0.2.9 ()\tPorts: 22/filtered/tcp//ssh///\n"
	        "h.test:8443 # and a comment\n"
	        "# Nmap done at Tue Dec  8 01:00:00 2026 -- 2 IP addresses (2 hosts up)\n";
	struct discover_run r;
	struct discover_place p;
	struct fault f;

	(void)state;
	assert_non_null(file);
	fputs(text, file);
	fclose(file);
	start(&r);
	assert_int_equal(discover_add_file(&r, path, &f), 0);
	assert_int_equal(planned(&r), 4);
	assert_listener(&r, 0, "mail.test", "mail.test", 25);
	assert_listener(&r, 1, "mail.test", "mail.test", 993);
	assert_listener(&r, 2, "2001:db8::8", "2001:db8::8", 443);
	assert_listener(&r, 3, "h.test", "h.test", 8443);
	assert_int_equal(discover_planned_at(&r, 1, &p), 0);
	assert_string_equal(p.connect_to, "192.0.2.7");
	discover_release(&r);
	unlink(path);
}

/* A line that is neither a target nor nmap's: the file and line. */
static void assert_file_refused(const char *text, const char *want)
{
	char path[] = "/tmp/test_discover_XXXXXX", expected[512];
	int fd = mkstemp(path);
	FILE *file = fdopen(fd, "w");
	struct discover_run r;
	struct fault f;

	assert_non_null(file);
	fputs(text, file);
	fclose(file);
	start(&r);
	assert_int_equal(discover_add_file(&r, path, &f), -1);
	assert_int_equal(f.kind, FAULT_USAGE);
	snprintf(expected, sizeof(expected), "file '%s' %s", path, want);
	assert_string_equal(f.text, expected);
	discover_release(&r);
	unlink(path);
}

static void test_bad_files(void **state)
{
	(void)state;
	assert_file_refused("h.test:25\nh.test:30-20\n",
	                    "line 2: '30-20' is a reversed port range");
	assert_file_refused("# Nmap\nHost: 192.0.2.7\tPorts: 25/open/tcp//smtp///\n",
	                    "line 2: '192.0.2.7' is not nmap's 'ADDRESS (NAME)'");
	assert_file_refused("Host: mail.test (x)\tPorts: 25/open/tcp//smtp///\n",
	                    "line 1: 'mail.test' is not an address");
	assert_file_refused("Host: 192.0.2.7 ()\tPorts: 25/open/tcp//smtp//, 26/open/tcp\n",
	                    "line 1: '25/open/tcp//smtp//, 26/open/tcp' is not an nmap port entry");
	assert_file_refused("Host: 192.0.2.7 ()\tPorts: 0/open/tcp//x///\n",
	                    "line 1: '0/open/tcp//x///' is not an nmap port entry");
	/* nmap's normal output, not its grepable one. */
	assert_file_refused("\n\nNmap scan report for mail.test (192.0.2.7)\n",
	                    "line 3: 'Nmap scan report for mail.test (192.0.2.7)' is not a valid "
	                    "host name: invalid character");
}

/* A host without ports: every port of the protocol table, each once. */
static void test_table_ports(void **state)
{
	struct discover_run r;
	struct discover_place p, q;
	struct fault f;
	bool seen_smtp = false, seen_3269 = false;
	size_t count;

	(void)state;
	start(&r);
	assert_int_equal(discover_add_target(&r, "::1", &f), 0);
	count = planned(&r);
	assert_true(count > 10);
	for (size_t i = 0; i < count; i++) {
		assert_int_equal(discover_planned_at(&r, i, &p), 0);
		assert_string_equal(p.host, "::1");
		seen_smtp |= p.port == 25;
		seen_3269 |= p.port == 3269;
		for (size_t j = 0; j < i; j++) {
			assert_int_equal(discover_planned_at(&r, j, &q), 0);
			assert_int_not_equal(p.port, q.port);
		}
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
	assert_refused("x:9-1", "'9-1' is a reversed port range");
	assert_refused("x:1-65536", "'1-65536' is not a port range (FIRST-LAST, from 1 to 65535)");
	assert_refused("x:0-5", "'0-5' is not a port range (FIRST-LAST, from 1 to 65535)");
	assert_refused("x:5-", "'5-' is not a port range (FIRST-LAST, from 1 to 65535)");
	assert_refused("x:-5", "'-5' is not a port range (FIRST-LAST, from 1 to 65535)");
	assert_refused("x:1-2-3", "'1-2-3' is not a port range (FIRST-LAST, from 1 to 65535)");
	assert_refused("10.0.0.0/8:443", "'10.0.0.0/8' is larger than a /16: at most 65536 "
	                                 "addresses a block");
	assert_refused("[2001:db8::/64]:443", "'2001:db8::/64' is larger than a /112: at most "
	                                      "65536 addresses a block");
	assert_refused("10.0.0.0/33:443", "'10.0.0.0/33' is not an address block (ADDRESS/PREFIX)");
	assert_refused("10.0.0.0/:443", "'10.0.0.0/' is not an address block (ADDRESS/PREFIX)");
	assert_refused("mail.test/24:443",
	               "'mail.test/24' is not an address block (ADDRESS/PREFIX)");
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
	        cmocka_unit_test(test_ranges),
	        cmocka_unit_test(test_blocks),
	        cmocka_unit_test(test_bound),
	        cmocka_unit_test(test_nmap_file),
	        cmocka_unit_test(test_bad_files),
	        cmocka_unit_test(test_table_ports),
	        cmocka_unit_test(test_bad_targets),
	        cmocka_unit_test(test_own_plugins_are_built),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
