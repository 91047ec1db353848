/* Unit tests of listening: the kernel's tables of TCP sockets (/proc/net/tcp's
 * format) read into listeners, from tables written here. */
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
#include "listening.h"

#define HEADER                                                                                     \
	"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "      \
	"timeout inode\n"
#define TAIL " 00000000:00000000 00:00000000 00000000   112        0 "

/* A file holding TEXT, its path into PATH (at least 32 bytes). */
static void table_file(char *path, const char *text)
{
	int fd;

	strcpy(path, "/tmp/test_listening.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void start(struct discover_run *r)
{
	const struct discover_options o = {.timeout = 1, .parallel = 1};

	discover_init(r, &o);
}

static void assert_listener(const struct discover_run *r, size_t i, const char *host, unsigned port)
{
	struct discover_place p;

	assert_int_equal(discover_planned_at(r, i, &p), 0);
	assert_string_equal(p.host, host);
	assert_int_equal(p.port, port);
	assert_string_equal(p.process, "");
}

static size_t planned(struct discover_run *r)
{
	struct fault f;
	size_t count = 0;

	assert_int_equal(discover_plan(r, &count, &f), 0);
	return count;
}

/* LISTEN sockets only, bound-to-all reached on loopback, each place once. */
static void test_tables(void **state)
{
	char tcp[32], tcp6[32];
	struct discover_run r;
	struct fault f;

	(void)state;
	table_file(tcp, HEADER "   0: 00000000:0019 00000000:0000 0A" TAIL "1001 1 0 100 0 0 10 0\n"
	                       "   1: 0100007F:0019 00000000:0000 0A" TAIL "1002 1 0 100 0 0 10 0\n"
	                       "   2: 070200C0:01BB 00000000:0000 0A" TAIL "1003 1 0 100 0 0 10 0\n"
	                       "   3: 0100007F:8AE2 0100007F:01BB 01" TAIL "1004 1 0 100 0 0 10 0\n"
	                       "   4: garbage\n"
	                       "   5: 0100007F:ZZ 00000000:0000 0A" TAIL "1005 1 0 100 0 0 10 0\n");
	table_file(tcp6, HEADER "   0: 00000000000000000000000000000000:0016 "
	                        "00000000000000000000000000000000:0000 0A" TAIL "2001 1 0\n"
	                        "   1: B80D0120000000000000000001000000:03E1 "
	                        "00000000000000000000000000000000:0000 0A" TAIL "2002 1 0\n"
	                        "   2: 0000000000000000FFFF00000100007F:0050 "
	                        "00000000000000000000000000000000:0000 06" TAIL "2003 1 0\n"
	                        "   3: 0100007F:0050 00000000:0000 0A" TAIL "2004 1 0\n");
	start(&r);
	assert_int_equal(listening_add_tables(&r, tcp, tcp6, false, &f), 0);
	assert_int_equal(planned(&r), 4);
	assert_listener(&r, 0, "127.0.0.1", 25);
	assert_listener(&r, 1, "192.0.2.7", 443);
	assert_listener(&r, 2, "::1", 22);
	assert_listener(&r, 3, "2001:db8::1", 993);
	discover_release(&r);
	unlink(tcp);
	unlink(tcp6);
}

/* One table is enough; none is one clear fault naming both. */
static void test_missing_tables(void **state)
{
	char tcp[32];
	struct discover_run r;
	struct fault f;

	(void)state;
	table_file(tcp, HEADER "   0: 0100007F:1538 00000000:0000 0A" TAIL "1 1 0\n");
	start(&r);
	assert_int_equal(listening_add_tables(&r, tcp, "/nonexistent/tcp6", false, &f), 0);
	assert_int_equal(planned(&r), 1);
	assert_listener(&r, 0, "127.0.0.1", 5432);
	discover_release(&r);
	unlink(tcp);

	start(&r);
	assert_int_equal(
	        listening_add_tables(&r, "/nonexistent/tcp", "/nonexistent/tcp6", false, &f), -1);
	assert_int_equal(f.kind, FAULT_INTERNAL);
	assert_string_equal(f.text, "cannot read /nonexistent/tcp or /nonexistent/tcp6");
	assert_int_equal(planned(&r), 0);
	discover_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_tables),
	        cmocka_unit_test(test_missing_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
