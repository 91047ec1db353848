#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "threshold.h"

static struct threshold_time time_ok(const char *text)
{
	struct threshold_time t = {-1.0, true};
	struct fault f = {0};

	assert_int_equal(threshold_parse_time(text, &t, &f), 0);
	assert_int_equal(f.kind, FAULT_NONE);
	return t;
}

static void assert_seconds(const char *text, double seconds)
{
	struct threshold_time t = time_ok(text);

	assert_false(t.percent);
	assert_true(t.amount == seconds);
}

static void assert_percent(const char *text, double percent)
{
	struct threshold_time t = time_ok(text);

	assert_true(t.percent);
	assert_true(t.amount == percent);
}

static void test_time_units(void **state)
{
	(void)state;
	assert_seconds("14", 14 * 86400.0);
	assert_seconds("14d", 14 * 86400.0);
	assert_seconds("36h", 36 * 3600.0);
	assert_seconds("90m", 90 * 60.0);
	assert_seconds("45s", 45.0);
	assert_seconds("1.5d", 1.5 * 86400.0);
	assert_seconds("0.5", 43200.0);
	assert_seconds("0", 0.0);
	assert_seconds("0s", 0.0);
	assert_seconds("007d", 7 * 86400.0);
	assert_percent("30%", 30.0);
	assert_percent("12.5%", 12.5);
	assert_percent("100%", 100.0);
	assert_percent("0.01%", 0.01);
}

/* The guidelines' range "N:" (alert below N) is the same threshold. */
static void test_time_range_form(void **state)
{
	(void)state;
	assert_seconds("14:", 14 * 86400.0);
	assert_seconds("14d:", 14 * 86400.0);
	assert_seconds("36h:", 36 * 3600.0);
	assert_seconds("0.5:", 43200.0);
	assert_percent("30%:", 30.0);
}

/* Every other range form is refused, saying why. */
/* Each of the COUNT texts of BAD is refused as a usage error whose message is
 * "invalid time 'TEXT' (WHY)". */
static void assert_times_refused(const char *const *bad, size_t count, const char *why)
{
	for (size_t i = 0; i < count; i++) {
		struct threshold_time t = {0};
		struct fault f = {0};
		char expected[FAULT_TEXT_SIZE];

		assert_int_equal(threshold_parse_time(bad[i], &t, &f), -1);
		assert_int_equal(f.kind, FAULT_USAGE);
		snprintf(expected, sizeof(expected), "invalid time '%s' (%s)", bad[i], why);
		assert_string_equal(f.text, expected);
	}
}

static void test_time_other_ranges(void **state)
{
	static const char *const bad[] = {"~:20", "@10:20", "10:20", ":5", ":",
	                                  "@5",   "~",      "5d:1",  "5::"};

	(void)state;
	assert_times_refused(bad, sizeof(bad) / sizeof(bad[0]),
	                     "time left alerts below a bound: give N[s|m|h|d], N% or the range "
	                     "N:, not ~, @ or an upper end");
}

static void test_time_rejects(void **state)
{
	static const char *const bad[] = {
	        "",   "5x",  "-3",  "+3",   "d",     "1e400", "1e4", "nan",   "inf", "infd",
	        " 5", "5 ",  "5 d", "5dd",  "5D",    ".5",    "5.",  "5.d",   "1,5", "0x10",
	        "%",  "5%d", "5d%", "30%%", "1.2.3", "5sec",  "5x:", "5sec:", "%:",
	};

	(void)state;
	assert_times_refused(bad, sizeof(bad) / sizeof(bad[0]), "use N[s|m|h|d], N% or N:");
}

static void test_time_percent_range(void **state)
{
	static const char *const bad[] = {"0%", "0.0%", "150%", "100.01%"};

	(void)state;
	assert_times_refused(bad, sizeof(bad) / sizeof(bad[0]),
	                     "a percentage must be above 0 and at most 100");
}

static void test_time_huge_digits(void **state)
{
	char text[512];
	struct threshold_time t = {0};
	struct fault f = {0};

	(void)state;
	/* 400 digits overflow a double: rejected, never infinity. */
	memset(text, '9', 400);
	text[400] = '\0';
	assert_int_equal(threshold_parse_time(text, &t, &f), -1);
	assert_int_equal(f.kind, FAULT_USAGE);
}

static void test_seconds(void **state)
{
	struct threshold_time percent = {30.0, true};
	struct threshold_time absolute = {7 * 86400.0, false};

	(void)state;
	assert_true(threshold_seconds(&percent, 0, 90 * 86400) == 27 * 86400.0);
	assert_true(threshold_seconds(&percent, 1000, 1000 + 100) == 30.0);
	assert_true(threshold_seconds(&absolute, 0, 90 * 86400) == 7 * 86400.0);
	/* A certificate whose dates are reversed has no lifetime to take a share of. */
	assert_true(threshold_seconds(&percent, 1000, 10) == 0.0);
}

static int check_order(const char *warning, const char *critical, struct fault *f)
{
	struct threshold_time w = time_ok(warning), c = time_ok(critical);

	return threshold_check_order(&w, &c, f);
}

static void test_order(void **state)
{
	struct fault f = {0};

	(void)state;
	assert_int_equal(check_order("14d", "7d", &f), 0);
	assert_int_equal(check_order("7d", "7d", &f), 0);
	assert_int_equal(check_order("168h", "7d", &f), 0);
	assert_int_equal(check_order("30%", "10%", &f), 0);
	assert_int_equal(check_order("10%", "10%", &f), 0);
	assert_int_equal(check_order("1d", "50%", &f), 0);
	assert_int_equal(check_order("50%", "100d", &f), 0);
	assert_int_equal(f.kind, FAULT_NONE);

	assert_int_equal(check_order("7d", "14d", &f), -1);
	assert_int_equal(f.kind, FAULT_USAGE);
	assert_string_equal(f.text, "warning (7d) must not be below critical (14d)");
	assert_int_equal(check_order("1.5d", "2", &f), -1);
	assert_string_equal(f.text, "warning (36h) must not be below critical (2d)");
	assert_int_equal(check_order("167h", "7d", &f), -1);
	assert_string_equal(f.text, "warning (6d 23h) must not be below critical (7d)");
	assert_int_equal(check_order("10%", "12.5%", &f), -1);
	assert_string_equal(f.text, "warning (10%) must not be below critical (12.5%)");
	assert_int_equal(check_order("0", "1s", &f), -1);
	assert_string_equal(f.text, "warning (0s) must not be below critical (1s)");
}

static void test_timeout(void **state)
{
	static const struct {
		const char *text;
		double seconds;
		enum plugin_state state;
	} good[] = {
	        {"10", 10.0, STATE_CRITICAL},        {"2.5", 2.5, STATE_CRITICAL},
	        {"10:warning", 10.0, STATE_WARNING}, {"10:UNKNOWN", 10.0, STATE_UNKNOWN},
	        {"10:ok", 10.0, STATE_OK},           {"10:Critical", 10.0, STATE_CRITICAL},
	        {"3600", 3600.0, STATE_CRITICAL},    {"0.001", 0.001, STATE_CRITICAL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		enum plugin_state s = STATE_OK;
		struct fault f = {0};
		double seconds = 0.0;

		assert_int_equal(threshold_parse_timeout(good[i].text, &seconds, &s, &f), 0);
		assert_true(seconds == good[i].seconds);
		assert_int_equal(s, good[i].state);
	}
}

static void test_timeout_rejects(void **state)
{
	static const char *const bad[] = {
	        "",    "0",   "0.0", "-1",  "3600.001", "3601", "10s",           "10:",   "10:bad",
	        ":ok", "nan", "inf", " 10", "10 ",      "1e2",  "10:critical:x", "10;ok", "1e400",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum plugin_state s = STATE_OK;
		struct fault f = {0};
		double seconds = 99.0;

		assert_int_equal(threshold_parse_timeout(bad[i], &seconds, &s, &f), -1);
		assert_int_equal(f.kind, FAULT_USAGE);
		assert_non_null(strstr(f.text, bad[i]));
		assert_true(seconds == 99.0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_time_units),
	        cmocka_unit_test(test_time_range_form),
	        cmocka_unit_test(test_time_other_ranges),
	        cmocka_unit_test(test_time_rejects),
	        cmocka_unit_test(test_time_percent_range),
	        cmocka_unit_test(test_time_huge_digits),
	        cmocka_unit_test(test_seconds),
	        cmocka_unit_test(test_order),
	        cmocka_unit_test(test_timeout),
	        cmocka_unit_test(test_timeout_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
