#include <config.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "when.h"
#include "threshold.h"

#define TIMEOUT_MAX_SECONDS 3600.0

/* A plain decimal at the start of TEXT: digits, optionally '.' and more digits.
 * No sign, no exponent, no spaces, no "nan"/"inf": strtod alone accepts all of
 * those, so the shape is checked first and strtod must consume exactly it. */
static bool parse_decimal(const char *text, const char **end, double *out)
{
	const char *p = text;
	char *strtod_end;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	*out = strtod(text, &strtod_end);
	if (strtod_end != p || !isfinite(*out))
		return false;
	*end = p;
	return true;
}

static bool unit_seconds(const char *unit, double *per_unit)
{
	if (unit[0] == '\0' || strcmp(unit, "d") == 0)
		*per_unit = 86400.0;
	else if (strcmp(unit, "h") == 0)
		*per_unit = 3600.0;
	else if (strcmp(unit, "m") == 0)
		*per_unit = 60.0;
	else if (strcmp(unit, "s") == 0)
		*per_unit = 1.0;
	else
		return false;
	return true;
}

/* A Monitoring Plugins range other than "N:": time left alerts only below a
 * bound, so an upper end ("10:20", ":5"), an inversion ("@") or an open start
 * ("~:20") would alert on a healthy certificate. */
static bool other_range(const char *text)
{
	const char *colon = strchr(text, ':');

	return text[0] == '~' || text[0] == '@' || (colon != NULL && colon[1] != '\0') ||
	       colon == text;
}

int threshold_parse_time(const char *text, struct threshold_time *out, struct fault *f)
{
	char unit[4];
	const char *rest;
	size_t unit_len;
	double number, per_unit;

	if (other_range(text)) {
		fault_set(f, FAULT_USAGE,
		          "invalid time '%s' (time left alerts below a bound: give N[s|m|h|d], "
		          "N%% or the range N:, not ~, @ or an upper end)",
		          text);
		return -1;
	}
	if (!parse_decimal(text, &rest, &number))
		goto invalid;
	/* "14d:" is the guidelines' range "alert below 14d": the same as "14d"
	 * (other_range() refused anything after the colon). */
	unit_len = strcspn(rest, ":");
	if (unit_len >= sizeof(unit))
		goto invalid;
	memcpy(unit, rest, unit_len);
	unit[unit_len] = '\0';
	rest = unit;
	if (strcmp(rest, "%") == 0) {
		if (number <= 0.0 || number > 100.0) {
			fault_set(
			        f, FAULT_USAGE,
			        "invalid time '%s' (a percentage must be above 0 and at most 100)",
			        text);
			return -1;
		}
		out->amount = number;
		out->percent = true;
		return 0;
	}
	if (!unit_seconds(rest, &per_unit) || !isfinite(number * per_unit))
		goto invalid;
	out->amount = number * per_unit;
	out->percent = false;
	return 0;

invalid:
	fault_set(f, FAULT_USAGE, "invalid time '%s' (use N[s|m|h|d], N%% or N:)", text);
	return -1;
}

double threshold_seconds(const struct threshold_time *t, time_t not_before, time_t not_after)
{
	double lifetime;

	if (!t->percent)
		return t->amount;
	lifetime = difftime(not_after, not_before);
	if (lifetime < 0.0)
		lifetime = 0.0;
	return lifetime * t->amount / 100.0;
}

/* "30%" or "12.5%": at most two decimals, built from integers so that no locale
 * can turn the point into a comma. */
static void format_percent(double amount, char *out, size_t size)
{
	long long hundredths = llround(amount * 100.0);

	if (hundredths % 100 == 0)
		snprintf(out, size, "%lld%%", hundredths / 100);
	else if (hundredths % 10 == 0)
		snprintf(out, size, "%lld.%lld%%", hundredths / 100, hundredths % 100 / 10);
	else
		snprintf(out, size, "%lld.%02lld%%", hundredths / 100, hundredths % 100);
}

static void format_threshold(const struct threshold_time *t, char *out, size_t size)
{
	if (t->percent)
		format_percent(t->amount, out, size);
	else
		when_format_duration(t->amount, out, size);
}

int threshold_check_order(const struct threshold_time *warning,
                          const struct threshold_time *critical, struct fault *f)
{
	char warning_text[32], critical_text[32];

	if (warning->percent != critical->percent || warning->amount >= critical->amount)
		return 0;
	format_threshold(warning, warning_text, sizeof(warning_text));
	format_threshold(critical, critical_text, sizeof(critical_text));
	fault_set(f, FAULT_USAGE, "warning (%s) must not be below critical (%s)", warning_text,
	          critical_text);
	return -1;
}

int threshold_parse_timeout(const char *text, double *seconds, enum plugin_state *state,
                            struct fault *f)
{
	const char *rest;
	double number;
	enum plugin_state parsed_state = STATE_CRITICAL;

	if (!parse_decimal(text, &rest, &number) || (*rest != '\0' && *rest != ':') ||
	    number <= 0.0 || number > TIMEOUT_MAX_SECONDS) {
		fault_set(f, FAULT_USAGE,
		          "invalid timeout '%s' (use SECONDS[:STATE] with 0 < SECONDS <= 3600)",
		          text);
		return -1;
	}
	if (*rest == ':' && state_parse(rest + 1, &parsed_state) != 0) {
		fault_set(f, FAULT_USAGE,
		          "invalid timeout state in '%s' (use ok, warning, critical or unknown)",
		          text);
		return -1;
	}
	*seconds = number;
	*state = parsed_state;
	return 0;
}
