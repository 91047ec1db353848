#include <config.h>

#include <stdio.h>
#include <string.h>

#include "validity.h"
#include "when.h"

#define TAG_INTEGER          0x02
#define TAG_UTC_TIME         0x17
#define TAG_GENERALIZED_TIME 0x18
#define TAG_SEQUENCE         0x30
#define TAG_VERSION          0xa0 /* [0] EXPLICIT, constructed */
/* A certificate is far below 4 GiB: a longer length is not one of its own. */
#define LENGTH_OCTETS_MAX 4

/* What is left to read of one DER value. */
struct der {
	const unsigned char *at;
	size_t left;
};

/* The TLV at the front of IN: its tag, and its value in VALUE; IN moves past
 * it. False when the TLV does not fit in IN, or its length is indefinite or
 * wider than LENGTH_OCTETS_MAX octets. */
static bool take_tlv(struct der *in, unsigned char *tag, struct der *value)
{
	size_t header = 2;
	size_t length;

	if (in->left < 2)
		return false;
	*tag = in->at[0];
	length = in->at[1];
	if (length >= 0x80) {
		size_t count = length & 0x7f;

		if (count == 0 || count > LENGTH_OCTETS_MAX || in->left - 2 < count)
			return false;
		length = 0;
		for (size_t i = 0; i < count; i++)
			length = length << 8 | in->at[2 + i];
		header += count;
	}
	if (length > in->left - header)
		return false;
	value->at = in->at + header;
	value->left = length;
	in->at += header + length;
	in->left -= header + length;
	return true;
}

/* The TLV at the front of IN, which must have tag WANT, into VALUE. */
static bool take(struct der *in, unsigned char want, struct der *value)
{
	unsigned char tag;

	return take_tlv(in, &tag, value) && tag == want;
}

static bool skip(struct der *in, unsigned char want)
{
	struct der ignored;

	return take(in, want, &ignored);
}

/* A time read from a peer: shown on a status line, so never a control byte. */
static bool take_time(struct der *in, struct validity_time *t)
{
	struct der value;
	unsigned char tag;
	size_t kept;

	if (!take_tlv(in, &tag, &value) || (tag != TAG_UTC_TIME && tag != TAG_GENERALIZED_TIME))
		return false;
	t->generalized = tag == TAG_GENERALIZED_TIME;
	t->length = value.left;
	kept = value.left < sizeof(t->text) ? value.left : sizeof(t->text) - 1;
	for (size_t i = 0; i < kept; i++) {
		unsigned char c = value.at[i];

		t->text[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	t->text[kept] = '\0';
	return true;
}

int validity_read(const unsigned char *der, size_t size, struct validity_time *not_before,
                  struct validity_time *not_after)
{
	struct der in = {der, size};
	struct der cert, tbs, validity;

	memset(not_before, 0, sizeof(*not_before));
	memset(not_after, 0, sizeof(*not_after));
	/* Certificate, TBSCertificate, then the version (absent in v1), the
	 * serialNumber, the signature's AlgorithmIdentifier and the issuer. */
	if (!take(&in, TAG_SEQUENCE, &cert) || !take(&cert, TAG_SEQUENCE, &tbs))
		return -1;
	if (tbs.left > 0 && tbs.at[0] == TAG_VERSION && !skip(&tbs, TAG_VERSION))
		return -1;
	if (!skip(&tbs, TAG_INTEGER) || !skip(&tbs, TAG_SEQUENCE) || !skip(&tbs, TAG_SEQUENCE) ||
	    !take(&tbs, TAG_SEQUENCE, &validity))
		return -1;
	if (!take_time(&validity, not_before) || !take_time(&validity, not_after))
		return -1;
	return 0;
}

static size_t leading_digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

static int number(const char *s, size_t width)
{
	int value = 0;

	for (size_t i = 0; i < width; i++)
		value = value * 10 + (s[i] - '0');
	return value;
}

/* Is T written as RFC 5280 writes a time, digits aside? WHY says how not. */
static bool well_shaped(const struct validity_time *t, size_t digits, char *why, size_t why_size)
{
	const char *s = t->text;
	size_t n = leading_digits(s);

	if (t->length == strlen(s) && n == digits && t->length == n + 1 && s[n] == 'Z')
		return true;
	if (t->length == strlen(s) && n == digits - 2 && t->length == n + 1 && s[n] == 'Z')
		snprintf(why, why_size, "no seconds");
	else if (t->generalized && n == digits && s[n] == '.')
		snprintf(why, why_size, "fractional seconds");
	else if (n >= digits - 2 && (s[n] == '+' || s[n] == '-' || s[n] == '\0'))
		snprintf(why, why_size, "not in UTC");
	else
		snprintf(why, why_size, "not %sMMDDHHMMSSZ", t->generalized ? "YYYY" : "YY");
	return false;
}

/* Are the fields of a time ones the calendar and the clock have? */
static bool real_date(const struct tm *tm, char *why, size_t why_size)
{
	static const char *const months[] = {"January",   "February", "March",    "April",
	                                     "May",       "June",     "July",     "August",
	                                     "September", "October",  "November", "December"};
	int year = tm->tm_year + 1900, month = tm->tm_mon + 1;

	if (month < 1 || month > 12)
		snprintf(why, why_size, "month %d", month);
	else if (month == 2 && tm->tm_mday == 29 && when_days_in_month(year, month) == 28)
		snprintf(why, why_size, "29 February %d", year);
	else if (tm->tm_mday < 1 || tm->tm_mday > when_days_in_month(year, month))
		snprintf(why, why_size, "%d %s", tm->tm_mday, months[month - 1]);
	else if (tm->tm_hour > 23)
		snprintf(why, why_size, "hour %d", tm->tm_hour);
	else if (tm->tm_min > 59)
		snprintf(why, why_size, "minute %d", tm->tm_min);
	else if (tm->tm_sec > 59)
		snprintf(why, why_size, "second %d", tm->tm_sec);
	else
		return true;
	return false;
}

bool validity_parse(const struct validity_time *t, time_t *out, char *why, size_t why_size)
{
	size_t year_digits = t->generalized ? 4 : 2;
	const char *s = t->text;
	struct tm tm;
	int year;

	why[0] = '\0';
	if (!well_shaped(t, year_digits + 10, why, why_size))
		return false;
	year = number(s, year_digits);
	if (!t->generalized)
		year += year >= 50 ? 1900 : 2000;
	s += year_digits;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = number(s, 2) - 1;
	tm.tm_mday = number(s + 2, 2);
	tm.tm_hour = number(s + 4, 2);
	tm.tm_min = number(s + 6, 2);
	tm.tm_sec = number(s + 8, 2);
	if (!real_date(&tm, why, why_size))
		return false;
	*out = timegm(&tm);
	return true;
}
