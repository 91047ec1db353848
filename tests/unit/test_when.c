#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <cmocka.h>

#include "when.h"

static time_t parse_ok(const char *text)
{
	struct fault f = {0};
	time_t t = 0;

	assert_int_equal(when_parse(text, &t, &f), 0);
	assert_int_equal(f.kind, FAULT_NONE);
	return t;
}

static void test_parse_forms(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("@1767225600"), 1767225600);
	assert_int_equal(parse_ok("@0"), 0);
	assert_int_equal(parse_ok("2027-01-01"), 1798761600);
	assert_int_equal(parse_ok("2027-01-01T10:00"), 1798761600 + 36000);
	assert_int_equal(parse_ok("2027-01-01T10:00Z"), 1798761600 + 36000);
	assert_int_equal(parse_ok("2027-01-01 10:00:30"), 1798761600 + 36030);
	assert_int_equal(parse_ok("2027-01-01T10:00:30Z"), 1798761600 + 36030);
	assert_int_equal(parse_ok("2024-02-29T23:59:59"), 1709251199);
	assert_int_equal(parse_ok("1970-01-01T00:00Z"), 0);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
	        "",
	        "@",
	        "@-5",
	        "@12x",
	        "@ 12",
	        "@99999999999999999999999",
	        "2027",
	        "2027-1-01",
	        "2027-01-1",
	        "27-01-01",
	        "2027/01/01",
	        "2027-13-01",
	        "2027-00-10",
	        "2027-02-29",
	        "2027-04-31",
	        "2027-01-00",
	        "2027-01-01T",
	        "2027-01-01T10",
	        "2027-01-01T10:0",
	        "2027-01-01T24:00",
	        "2027-01-01T10:60",
	        "2027-01-01T10:00:60",
	        "2027-01-01T10:00:5",
	        "2027-01-01T10:00ZZ",
	        "2027-01-01T10:00+02:00",
	        "2027-01-01Z",
	        "2027-01-01x10:00",
	        " 2027-01-01",
	        "2027-01-01 ",
	        "tomorrow",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fault f = {0};
		char expected[FAULT_TEXT_SIZE];
		time_t t = 42;

		assert_int_equal(when_parse(bad[i], &t, &f), -1);
		assert_int_equal(f.kind, FAULT_USAGE);
		snprintf(expected, sizeof(expected),
		         "invalid time '%s' (use ISO 8601 like 2027-01-01T00:00Z or @EPOCH)",
		         bad[i]);
		assert_string_equal(f.text, expected);
	}
}

static void test_format(void **state)
{
	char out[32];

	(void)state;
	when_format(1796216400, out, sizeof(out));
	assert_string_equal(out, "2026-12-02 13:00 UTC");
	when_format(0, out, sizeof(out));
	assert_string_equal(out, "1970-01-01 00:00 UTC");
	/* Before the epoch, as certificates of 1949 and 1950 have it. */
	when_format(-618062400, out, sizeof(out));
	assert_string_equal(out, "1950-06-01 12:00 UTC");
	when_format(-1, out, sizeof(out));
	assert_string_equal(out, "1969-12-31 23:59 UTC");
	/* Seconds are dropped, not rounded. */
	when_format(1796216459, out, sizeof(out));
	assert_string_equal(out, "2026-12-02 13:00 UTC");
	when_format(1796216400, out, 11);
	assert_string_equal(out, "2026-12-02");
}

static void assert_duration(double seconds, const char *expected)
{
	char out[32];

	when_format_duration(seconds, out, sizeof(out));
	assert_string_equal(out, expected);
}

static void test_duration(void **state)
{
	(void)state;
	assert_duration(9 * 86400 + 4 * 3600 + 59 * 60, "9d 4h");
	assert_duration(5 * 3600 + 12 * 60 + 59, "5h 12m");
	assert_duration(3 * 60 + 10, "3m 10s");
	assert_duration(42, "42s");
	assert_duration(0, "0s");
	assert_duration(0.999, "0s");
	assert_duration(59.999, "59s");
	assert_duration(60, "1m");
	assert_duration(3600, "1h");
	assert_duration(10 * 86400, "10d");
	assert_duration(86399, "23h 59m");
	assert_duration(86400 + 59, "24h");
	assert_duration(86400 + 3600 + 1, "25h");
	assert_duration(20 * 3600 + 14 * 60 + 59, "20h 14m");
	assert_duration(44 * 3600 + 5 * 60, "44h 5m");
	assert_duration(2 * 86400 - 1, "47h 59m");
	assert_duration(2 * 86400, "2d");
	assert_duration(2 * 86400 + 3600, "2d 1h");
	assert_duration(200 * 86400 + 3 * 3600, "200d 3h");
	assert_duration(-5, "0s");
	assert_duration(1e15, "11574074074d");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse_forms),
	        cmocka_unit_test(test_parse_rejects),
	        cmocka_unit_test(test_format),
	        cmocka_unit_test(test_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
