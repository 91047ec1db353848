/* Unit tests of emitquote: what reaches engine configuration and terminals is
 * written in their own quoting, so that text from a certificate, a banner or a
 * process name stays text. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emitquote.h"

/* What WRITE printed for S, as a string (freed by the caller). */
static char *printed(void (*write)(FILE *, const char *), const char *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	write(out, s);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void icinga2_value(FILE *out, const char *s)
{
	emitquote_icinga2(out, s, true);
}

static void icinga2_name(FILE *out, const char *s)
{
	emitquote_icinga2(out, s, false);
}

static void expect(void (*write)(FILE *, const char *), const char *s, const char *want)
{
	char *text = printed(write, s);

	assert_string_equal(text, want);
	free(text);
}

static void test_nagios_safe(void **state)
{
	(void)state;
	assert_true(emitquote_nagios_safe("db1.example.com"));
	assert_true(emitquote_nagios_safe("/etc/ssl/internal-ca.pem"));
	assert_true(emitquote_nagios_safe("--no-verify-name"));
	assert_false(emitquote_nagios_safe(""));
	assert_false(emitquote_nagios_safe("x'`touch PWNED`'.example"));
	assert_false(emitquote_nagios_safe("a.test!--no-verify-trust"));
	assert_false(emitquote_nagios_safe("a.test;comment"));
	assert_false(emitquote_nagios_safe("$USER1$"));
	assert_false(emitquote_nagios_safe("a b"));
	assert_false(emitquote_nagios_safe("a\"b"));
	assert_false(emitquote_nagios_safe("a|b"));
	assert_false(emitquote_nagios_safe("a\nb"));
	assert_false(emitquote_nagios_safe("b\xc3\xbc"
	                                   "cher.example"));
}

/* The names of --host-name and --endpoint: what every engine reads as a name. */
static void test_object_name(void **state)
{
	char long_name[EMITQUOTE_NAME_MAX + 2];

	(void)state;
	assert_true(emitquote_object_name("db1.example.com"));
	assert_true(emitquote_object_name("agent_01"));
	assert_true(emitquote_object_name("2001:db8::1"));
	assert_false(emitquote_object_name(""));
	assert_false(emitquote_object_name("-x"));
	assert_false(emitquote_object_name(".x"));
	assert_false(emitquote_object_name("a!b"));
	assert_false(emitquote_object_name("a b"));
	assert_false(emitquote_object_name("a\"b"));
	assert_false(emitquote_object_name("$host.name$"));
	assert_false(emitquote_object_name("a;b"));
	assert_false(emitquote_object_name("a\nb"));
	assert_false(emitquote_object_name("b\xc3\xbc"
	                                   "cher.example"));
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_false(emitquote_object_name(long_name));
	long_name[EMITQUOTE_NAME_MAX] = '\0';
	assert_true(emitquote_object_name(long_name));
}

static void test_has_control(void **state)
{
	(void)state;
	assert_false(emitquote_has_control("b\xc3\xbc"
	                                   "cher.example"));
	assert_true(emitquote_has_control("a\nb"));
	assert_true(emitquote_has_control("a\x1b[31m"));
	assert_true(emitquote_has_control("a\x7f"));
}

static void test_icinga2(void **state)
{
	(void)state;
	expect(icinga2_value, "db.test", "\"db.test\"");
	expect(icinga2_value, "$host.vars.api_token$", "\"$$host.vars.api_token$$\"");
	expect(icinga2_value, "a\"b\\c", "\"a\\\"b\\\\c\"");
	expect(icinga2_name, "$x$", "\"$x$\"");
	expect(icinga2_name, "", "\"\"");
}

static void test_yaml(void **state)
{
	(void)state;
	expect(emitquote_yaml, "x'.example", "\"x'.example\"");
	expect(emitquote_yaml, "a\"b\\c", "\"a\\\"b\\\\c\"");
	expect(emitquote_yaml, "a\nb\x1b", "\"a\\x0ab\\x1b\"");
	expect(emitquote_yaml, "{$TLSCHECK.PORT}", "\"{$TLSCHECK.PORT}\"");
	expect(emitquote_yaml, "b\xc3\xbc", "\"b\xc3\xbc\"");
}

static void terminal(const char *s, size_t size, const char *want)
{
	char out[128];

	assert_true(size <= sizeof(out));
	emitquote_terminal(out, size, s);
	assert_string_equal(out, want);
}

static void test_terminal(void **state)
{
	(void)state;
	terminal("gnutls-serv", 128, "gnutls-serv");
	terminal("\x1b[31mEVIL\x1b]0;x\a", 128, "\\x1b[31mEVIL\\x1b]0;x\\x07");
	terminal("a\\x1b", 128, "a\\\\x1b");
	terminal("b\xc3\xbc"
	         "cher",
	         128,
	         "b\xc3\xbc"
	         "cher");
	/* C1 controls (CSI as U+009B), a lone continuation byte, a cut sequence,
	 * an overlong '/', a surrogate. */
	terminal("\xc2\x9b"
	         "2J",
	         128, "\\xc2\\x9b2J");
	terminal("\x80|\xe2\x82|\xc0\xaf|\xed\xa0\x80", 128,
	         "\\x80|\\xe2\\x82|\\xc0\\xaf|\\xed\\xa0\\x80");
	terminal("\xf0\x9f\x94\x92", 128, "\xf0\x9f\x94\x92");
	/* Cut short whole: never half an escape. */
	terminal("ab\x1b", 6, "ab");
	terminal("ab\x1b", 7, "ab\\x1b");
	terminal("abc", 1, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_nagios_safe), cmocka_unit_test(test_object_name),
	        cmocka_unit_test(test_has_control), cmocka_unit_test(test_icinga2),
	        cmocka_unit_test(test_yaml),        cmocka_unit_test(test_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
