#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hostname.h"

static void test_ip_literals(void **state)
{
	(void)state;
	assert_true(hostname_is_ip_literal("192.0.2.1"));
	assert_true(hostname_is_ip_literal("127.0.0.1"));
	assert_true(hostname_is_ip_literal("::1"));
	assert_true(hostname_is_ip_literal("2001:db8::1"));
	assert_false(hostname_is_ip_literal("1.2.3"));
	assert_false(hostname_is_ip_literal("example.com"));
	assert_false(hostname_is_ip_literal("[::1]"));
	assert_false(hostname_is_ip_literal(""));
}

/* Converts TEXT and checks the result is EXPECTED. */
static void check_ascii(const char *text, const char *expected)
{
	char out[HOSTNAME_MAX];
	struct fault f;

	fault_clear(&f);
	assert_int_equal(hostname_to_ascii(text, out, sizeof(out), &f), 0);
	assert_string_equal(out, expected);
	assert_int_equal(f.kind, FAULT_NONE);
}

/* Converts TEXT and checks it is refused as a usage error. */
static void check_invalid(const char *text)
{
	char out[HOSTNAME_MAX];
	struct fault f;

	fault_clear(&f);
	assert_int_equal(hostname_to_ascii(text, out, sizeof(out), &f), -1);
	assert_int_equal(f.kind, FAULT_USAGE);
	assert_non_null(strstr(f.text, "is not a valid host name"));
}

static void test_u_labels_become_a_labels(void **state)
{
	(void)state;
	check_ascii("bücher.example", "xn--bcher-kva.example");
	check_ascii("BÜCHER.example", "xn--bcher-kva.example");
}

static void test_ascii_names_lowercased_trailing_dot_dropped(void **state)
{
	(void)state;
	check_ascii("EXAMPLE.com.", "example.com");
	check_ascii("mail.example.com", "mail.example.com");
	check_ascii("localhost", "localhost");
	check_ascii("_internal.example", "_internal.example");
}

static void test_a_labels_pass(void **state)
{
	(void)state;
	check_ascii("xn--bcher-kva.example", "xn--bcher-kva.example");
}

static void test_ip_literals_pass(void **state)
{
	(void)state;
	check_ascii("192.0.2.1", "192.0.2.1");
	check_ascii("2001:db8::1", "2001:db8::1");
}

static void test_invalid_names(void **state)
{
	char long_name[301];
	char long_label[64 + sizeof(".example")];

	(void)state;
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	for (size_t i = 1; i < sizeof(long_name) - 1; i += 2)
		long_name[i] = '.';
	memset(long_label, 'a', 64);
	strcpy(long_label + 64, ".example");

	check_invalid("");
	check_invalid(".");
	check_invalid("a..b");
	check_invalid(".example.com");
	check_invalid("example.com..");
	check_invalid(long_name);
	check_invalid(long_label);
	check_invalid("a b.example");
	check_invalid("xn--zz.example");
	/* What a certificate may name to break the configuration it lands in. */
	check_invalid("x'`touch PWNED`'.example");
	check_invalid("$host.vars.api_token$");
	check_invalid("a.test!--no-verify-trust --at 2020-01-01 -t 1:ok");
	check_invalid("a.test;b");
	check_invalid("a.test\nb");
	check_invalid("a\\b.test");
	check_invalid("\"a\".test");
	check_invalid("a.test\x1b[31m");
	check_invalid("\xef\xbc\x9b.test"); /* a fullwidth ';' */
}

static void test_message_names_the_input(void **state)
{
	char out[HOSTNAME_MAX];
	struct fault f;

	(void)state;
	assert_int_equal(hostname_to_ascii("b..x", out, sizeof(out), &f), -1);
	assert_non_null(strstr(f.text, "'b..x' is not a valid host name: "));
}

/* NAME of labels of 63 'a's, then one of LAST 'a's, after PREFIX: the dots
 * between included, PREFIX's A-label form plus 3 * 64 + LAST characters. */
static void make_long_name(char *name, size_t size, const char *prefix, size_t last)
{
	size_t used = (size_t)snprintf(name, size, "%s", prefix);

	for (int i = 0; i < 3; i++) {
		memset(name + used, 'a', 63);
		used += 63;
		name[used++] = '.';
	}
	memset(name + used, 'a', last);
	used += last;
	assert_true(used < size);
	name[used] = '\0';
}

/* The limit is 253 characters as text (255 octets on the wire): the message
 * gives it and the name's own length, in its A-label form for an IDN. */
static void test_length_limit_stated(void **state)
{
	char name[HOSTNAME_MAX + 64];
	char with_dot[HOSTNAME_MAX + 64 + 1];
	char out[HOSTNAME_MAX];
	struct fault f;

	(void)state;
	make_long_name(name, sizeof(name), "", 253 - 3 * 64);
	assert_int_equal(strlen(name), 253);
	assert_int_equal(hostname_to_ascii(name, out, sizeof(out), &f), 0);
	snprintf(with_dot, sizeof(with_dot), "%s.", name);
	assert_int_equal(hostname_to_ascii(with_dot, out, sizeof(out), &f), 0);

	make_long_name(name, sizeof(name), "", 254 - 3 * 64);
	assert_int_equal(hostname_to_ascii(name, out, sizeof(out), &f), -1);
	assert_int_equal(f.kind, FAULT_USAGE);
	assert_non_null(strstr(f.text, "is not a valid host name: 254 characters, more than the "
	                               "253 a name may have"));

	/* "bücher." is "xn--bcher-kva." (14 characters) in its A-label form. */
	make_long_name(name, sizeof(name), "bücher.", 254 - 14 - 3 * 64);
	assert_int_equal(hostname_to_ascii(name, out, sizeof(out), &f), -1);
	assert_non_null(strstr(f.text, "is not a valid host name: 254 characters in its A-label "
	                               "form, more than the 253 a name may have"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ip_literals),
	        cmocka_unit_test(test_u_labels_become_a_labels),
	        cmocka_unit_test(test_ascii_names_lowercased_trailing_dot_dropped),
	        cmocka_unit_test(test_a_labels_pass),
	        cmocka_unit_test(test_ip_literals_pass),
	        cmocka_unit_test(test_invalid_names),
	        cmocka_unit_test(test_message_names_the_input),
	        cmocka_unit_test(test_length_limit_stated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
