#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "when.h"

#define SECONDS_PER_DAY 86400LL

/* Read exactly WIDTH decimal digits at *P and advance past them. */
static bool take_digits(const char **p, int width, int *out)
{
	int value = 0;

	for (int i = 0; i < width; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		value = value * 10 + (c - '0');
	}
	*p += width;
	*out = value;
	return true;
}

static bool take_char(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

static bool is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int when_days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && is_leap_year(year))
		return 29;
	return days[month - 1];
}

static bool parse_epoch(const char *digits, time_t *out)
{
	char *end;
	long long value;

	if (*digits < '0' || *digits > '9')
		return false;
	errno = 0;
	value = strtoll(digits, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	if ((long long)(time_t)value != value)
		return false;
	*out = (time_t)value;
	return true;
}

/* "HH:MM[:SS][Z]" after the date's separator. */
static bool parse_clock(const char *p, struct tm *tm)
{
	if (!take_digits(&p, 2, &tm->tm_hour) || !take_char(&p, ':') ||
	    !take_digits(&p, 2, &tm->tm_min))
		return false;
	if (take_char(&p, ':') && !take_digits(&p, 2, &tm->tm_sec))
		return false;
	take_char(&p, 'Z');
	if (*p != '\0')
		return false;
	return tm->tm_hour <= 23 && tm->tm_min <= 59 && tm->tm_sec <= 59;
}

static bool parse_calendar(const char *p, time_t *out)
{
	struct tm tm;
	int year, month, day;

	memset(&tm, 0, sizeof(tm));
	if (!take_digits(&p, 4, &year) || !take_char(&p, '-') || !take_digits(&p, 2, &month) ||
	    !take_char(&p, '-') || !take_digits(&p, 2, &day))
		return false;
	if (month < 1 || month > 12 || day < 1 || day > when_days_in_month(year, month))
		return false;
	if (*p == 'T' || *p == ' ') {
		if (!parse_clock(p + 1, &tm))
			return false;
	} else if (*p != '\0') {
		return false;
	}
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	*out = timegm(&tm);
	return true;
}

int when_parse(const char *text, time_t *out, struct fault *f)
{
	bool ok;

	if (text[0] == '@')
		ok = parse_epoch(text + 1, out);
	else
		ok = parse_calendar(text, out);
	if (!ok) {
		fault_set(f, FAULT_USAGE,
		          "invalid time '%s' (use ISO 8601 like 2027-01-01T00:00Z or @EPOCH)",
		          text);
		return -1;
	}
	return 0;
}

void when_format(time_t t, char *out, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(out, size, "@%lld", (long long)t);
		return;
	}
	snprintf(out, size, "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min);
}

void when_format_duration(double seconds, char *out, size_t size)
{
	static const struct {
		long long seconds;
		char suffix;
	} units[] = {{SECONDS_PER_DAY, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
	const size_t unit_count = sizeof(units) / sizeof(units[0]);
	long long left, first, second;
	size_t i;

	/* Beyond this the count of days alone is all anyone reads, and the integer
	 * conversion below would overflow; "%.0f" has no decimal point to localise. */
	if (seconds >= 1e15) {
		snprintf(out, size, "%.0fd", floor(seconds / SECONDS_PER_DAY));
		return;
	}
	left = isnan(seconds) || seconds < 0 ? 0 : (long long)floor(seconds);
	/* Below two days the hours count: "1d 20h" would hide a certificate of a
	 * few hours' life, or 44 of them left, behind a day. */
	for (i = 0; i + 1 < unit_count &&
	            (left < units[i].seconds || (i == 0 && left < 2 * SECONDS_PER_DAY));
	     i++)
		;
	first = left / units[i].seconds;
	if (i + 1 == unit_count) {
		snprintf(out, size, "%lld%c", first, units[i].suffix);
		return;
	}
	second = left % units[i].seconds / units[i + 1].seconds;
	if (second == 0)
		snprintf(out, size, "%lld%c", first, units[i].suffix);
	else
		snprintf(out, size, "%lld%c %lld%c", first, units[i].suffix, second,
		         units[i + 1].suffix);
}
