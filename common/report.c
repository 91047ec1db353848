#include <config.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "when.h"
#include "report.h"

#define NUMBER_SIZE 48

/* Numbers are printed from integers ("%lld" never localises) so the decimal
 * point is '.' whatever LC_NUMERIC says. Values are clamped first so that the
 * conversions to long long stay defined; nothing real comes near the bounds. */
#define SCALED_LIMIT 1e15

static double clamp(double value)
{
	if (isnan(value))
		return 0.0;
	if (value > SCALED_LIMIT)
		return SCALED_LIMIT;
	if (value < -SCALED_LIMIT)
		return -SCALED_LIMIT;
	return value;
}

/* SCALED / 10^DECIMALS as text; with TRIM, trailing zeros and a bare point go. */
static void format_fixed(long long scaled, int decimals, bool trim, char *out, size_t size)
{
	long long divisor = 1, magnitude = scaled < 0 ? -scaled : scaled, whole, fraction;

	for (int i = 0; i < decimals; i++)
		divisor *= 10;
	whole = magnitude / divisor;
	fraction = magnitude % divisor;
	while (trim && decimals > 0 && fraction % 10 == 0) {
		fraction /= 10;
		decimals--;
	}
	if (decimals == 0)
		snprintf(out, size, "%s%lld", scaled < 0 ? "-" : "", whole);
	else
		snprintf(out, size, "%s%lld.%0*lld", scaled < 0 ? "-" : "", whole, decimals,
		         fraction);
}

/* Days left floored to hundredths: 13.999 days is "13.99", never "14.00" while
 * a 14d warning holds; -0.001 is "-0.01". floor(s) / 864 is the same floor as
 * s * 100 / 86400, computed exactly in integers. */
static void format_days(double seconds, char *out, size_t size)
{
	long long whole_seconds = (long long)floor(clamp(seconds));
	long long hundredths = whole_seconds / 864;

	if (whole_seconds % 864 != 0 && whole_seconds < 0)
		hundredths--;
	format_fixed(hundredths, 2, false, out, size);
}

void report_format_number(double value, char *out, size_t size)
{
	format_fixed(llround(clamp(value) * 100.0), 2, true, out, size);
}

static void format_elapsed(double seconds, char *out, size_t size)
{
	format_fixed(llround(clamp(seconds) * 1000.0), 3, false, out, size);
}

static const char *role_name(enum cert_role role)
{
	switch (role) {
	case CERT_LEAF:
		return "leaf";
	case CERT_INTERMEDIATE:
		return "intermediate";
	case CERT_ROOT:
		return "root";
	}
	return "unknown";
}

static const char *text_or_empty(const char *text)
{
	return text == NULL ? "" : text;
}

static size_t finding_count(const struct report_target *t)
{
	return t->verdict == NULL ? 0 : t->verdict->count;
}

static enum plugin_state target_state(const struct report_target *t)
{
	return t->verdict == NULL ? STATE_OK : verdict_worst(t->verdict);
}

static bool has_days(const struct report_target *t)
{
	return t->verdict != NULL && t->verdict->expiry.valid;
}

static bool several(const struct report_data *d)
{
	return d->target_count > 1 || (d->together != NULL && d->together->count > 0);
}

/* The run's state: the worst of every target's and of the findings together. */
static enum plugin_state worst_state(const struct report_data *d)
{
	enum plugin_state worst = d->together == NULL ? STATE_OK : verdict_worst(d->together);

	for (size_t i = 0; i < d->target_count; i++)
		worst = state_worse(worst, target_state(&d->targets[i]));
	return worst;
}

static bool worse(enum plugin_state a, enum plugin_state b)
{
	return a != b && state_worse(a, b) == a;
}

/* The target the status line shows: the worst, the earliest to expire among
 * equals, else the first. */
static const struct report_target *featured(const struct report_data *d)
{
	const struct report_target *best = &d->targets[0];

	for (size_t i = 1; i < d->target_count; i++) {
		const struct report_target *t = &d->targets[i];
		enum plugin_state state = target_state(t), best_state = target_state(best);

		if (worse(state, best_state) ||
		    (state == best_state && has_days(t) &&
		     (!has_days(best) ||
		      t->verdict->expiry.seconds_left < best->verdict->expiry.seconds_left)))
			best = t;
	}
	return best;
}

/* The target whose days are the run's days_left: the earliest to expire. NULL
 * when no target saw a chain. */
static const struct report_target *earliest(const struct report_data *d)
{
	const struct report_target *best = NULL;

	for (size_t i = 0; i < d->target_count; i++) {
		const struct report_target *t = &d->targets[i];

		if (has_days(t) && (best == NULL || t->verdict->expiry.seconds_left <
		                                            best->verdict->expiry.seconds_left))
			best = t;
	}
	return best;
}

static bool any_failed(const struct report_data *d)
{
	for (size_t i = 0; i < d->target_count; i++) {
		if (!has_days(&d->targets[i]))
			return true;
	}
	return false;
}

/* Length of the well-formed UTF-8 sequence at P (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 when it is not one. */
static size_t utf8_sequence_length(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t length;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		length = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		length = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		length = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	/* A NUL terminator is never a continuation byte, so this stops at the end. */
	for (size_t i = 2; i < length; i++) {
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	}
	return length;
}

/* The code point of the well-formed sequence of LENGTH bytes at P. */
static unsigned code_point(const unsigned char *p, size_t length)
{
	static const unsigned char lead_bits[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	unsigned cp = p[0] & lead_bits[length];

	for (size_t i = 1; i < length; i++)
		cp = (cp << 6) | (p[i] & 0x3f);
	return cp;
}

/* A character a terminal or a web view acts on rather than shows: a C1
 * control (U+0080 to U+009F, CSI among them) or a bidirectional embedding,
 * override or isolate (U+202A to U+202E, U+2066 to U+2069), which reorders
 * the text after it. A certificate's name must not do either. */
static bool acts_on_display(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* ------------------------------------------------------------------ nagios */

/* Plugin output is line-oriented and '|' starts the perfdata, so neither a
 * control character nor a '|' from a certificate may pass through; Nagios 4
 * rewrites every ';' to ':', so we do it ourselves and every engine shows the
 * same text. Invalid UTF-8, and a character that acts on the display, is '?'. */
static void put_plain_char(FILE *out, const unsigned char *p, size_t length)
{
	if (length == 0 || (length > 1 && acts_on_display(code_point(p, length))))
		fputc('?', out);
	else if (length > 1)
		fwrite(p, 1, length, out);
	else if (*p < 0x20 || *p == 0x7f)
		fputc('?', out);
	else if (*p == '|')
		fputc('/', out);
	else if (*p == ';')
		fputc(':', out);
	else
		fputc(*p, out);
}

static void put_plain(FILE *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text_or_empty(text);

	while (*p) {
		size_t length = utf8_sequence_length(p);

		put_plain_char(out, p, length);
		p += length == 0 ? 1 : length;
	}
}

static void put_endpoint(FILE *out, const struct report_data *d)
{
	const char *host = text_or_empty(d->host);
	bool bracket = strchr(host, ':') != NULL && host[0] != '[';

	fprintf(out, "%s", bracket ? "[" : "");
	put_plain(out, host);
	fprintf(out, "%s:%u ", bracket ? "]" : "", d->port);
	put_plain(out, d->protocol);
}

/* "=9.17;14:;7:;0;": S's days left, its thresholds in days ("alert below"
 * as a range, or the bare number when THRESHOLDS says plain), minimum 0. */
static void put_days_value(FILE *out, const struct expiry_summary *s,
                           enum report_thresholds thresholds)
{
	char days[NUMBER_SIZE], warning[NUMBER_SIZE], critical[NUMBER_SIZE];
	const char *below = thresholds == REPORT_THRESHOLDS_PLAIN ? "" : ":";

	format_days(s->seconds_left, days, sizeof(days));
	report_format_number(s->warning_seconds / 86400.0, warning, sizeof(warning));
	report_format_number(s->critical_seconds / 86400.0, critical, sizeof(critical));
	fprintf(out, "=%s;%s%s;%s%s;0;", days, warning, below, critical, below);
}

/* Our client certificate's days, thresholded like the served chain's, and a
 * space. */
static void put_client_perfdata(FILE *out, const struct verdict *v,
                                enum report_thresholds thresholds)
{
	if (v == NULL || !v->client_expiry.valid)
		return;
	fputs("client_days_left", out);
	put_days_value(out, &v->client_expiry, thresholds);
	fputc(' ', out);
}

/* "METRIC"; with LABEL, "'LABEL METRIC'". */
static void put_perfdata_label(FILE *out, const char *label, const char *metric)
{
	if (label == NULL) {
		fputs(metric, out);
		return;
	}
	fputc('\'', out);
	for (const char *p = label; *p; p++)
		fputc(*p == '\'' || *p == '=' ? '_' : *p, out);
	fprintf(out, " %s'", metric);
}

/* "days_left=..." for T's expiry; with LABEL, "'LABEL days_left'=...". */
static void put_days_perfdata(FILE *out, const char *label, const struct report_target *t,
                              enum report_thresholds thresholds)
{
	put_perfdata_label(out, label, "days_left");
	put_days_value(out, &t->verdict->expiry, thresholds);
}

/* The TLSA records of a signed answer were counted (none is a count too). */
static bool has_tlsa_counts(const struct report_target *t)
{
	const struct tlsa_facts *d = t->dane;

	return d != NULL && d->looked_up && d->failure.kind == FAULT_NONE && d->answer != NULL &&
	       d->answer->status.security == DNS_SECURE;
}

/* "tlsa_records=2;;;0; tlsa_usable=2;;;0; tlsa_matching=1;;;0;", each with
 * LABEL as days_left's. */
static void put_tlsa_perfdata(FILE *out, const char *label, const struct report_target *t)
{
	const struct dane_summary *s = &t->dane->summary;
	const size_t counts[] = {t->dane->answer->count, s->usable, s->matching};
	static const char *const names[] = {"tlsa_records", "tlsa_usable", "tlsa_matching"};

	for (size_t i = 0; i < 3; i++) {
		if (i > 0)
			fputc(' ', out);
		put_perfdata_label(out, label, names[i]);
		fprintf(out, "=%zu;;;0;", counts[i]);
	}
}

/* The status line's perfdata: the run's days left, ours, the time taken. */
static void put_perfdata(FILE *out, const struct report_data *d)
{
	const struct report_target *first = earliest(d);
	char elapsed[NUMBER_SIZE];

	if (first != NULL) {
		put_days_perfdata(out, NULL, first, d->thresholds);
		fputc(' ', out);
	}
	/* One target's counts; several targets' are on their own line. */
	if (!several(d) && has_tlsa_counts(&d->targets[0])) {
		put_tlsa_perfdata(out, NULL, &d->targets[0]);
		fputc(' ', out);
	}
	/* Our client certificate is the same at every target. */
	put_client_perfdata(out, d->targets[0].verdict, d->thresholds);
	format_elapsed(d->elapsed, elapsed, sizeof(elapsed));
	fprintf(out, "time=%ss;;;0;", elapsed);
}

/* Each target's days, after the long output on a line of its own that starts
 * with '|', as the guidelines allow: the status line stays short with many
 * targets, and Nagios and Icinga 2 (which takes perfdata from every line with
 * a '|') both read them. */
static void put_targets_perfdata(FILE *out, const struct report_data *d)
{
	bool any = false;

	for (size_t i = 0; several(d) && i < d->target_count; i++) {
		if (!has_days(&d->targets[i]))
			continue;
		/* No space after the '|': Icinga 2 joins the perfdata of the lines
		 * with one, and reads a second as part of the next label. */
		fputs(any ? " " : "|", out);
		put_days_perfdata(out, d->targets[i].label, &d->targets[i], d->thresholds);
		if (has_tlsa_counts(&d->targets[i])) {
			fputc(' ', out);
			put_tlsa_perfdata(out, d->targets[i].label, &d->targets[i]);
		}
		any = true;
	}
	if (any)
		fputc('\n', out);
}

static bool has_version(const struct report_target *t)
{
	return t->tls.version != NULL && t->tls.version[0] != '\0';
}

/* Does finding I of T go on the status line? A note does only when T has
 * nothing else to say. */
static bool on_status_line(const struct report_target *t, size_t i)
{
	if (!t->verdict->items[i].note)
		return true;
	for (size_t j = 0; j < finding_count(t); j++) {
		if (!t->verdict->items[j].note)
			return false;
	}
	return true;
}

/* The text of the status line, also JSON's summary: the findings in their
 * order (notes left to the long output), then the TLS version, a plain fact
 * that is no finding; "no findings" when there is neither. PUT writes one
 * piece in the output's own escaping. */
static void put_target_summary(FILE *out, const struct report_target *t,
                               void (*put)(FILE *out, const char *text))
{
	const char *separator = "";

	for (size_t i = 0; i < finding_count(t); i++) {
		if (!on_status_line(t, i))
			continue;
		put(out, separator);
		put(out, t->verdict->items[i].text);
		separator = ", ";
	}
	if (has_version(t)) {
		put(out, separator);
		put(out, t->tls.version);
		separator = ", ";
	}
	if (separator[0] == '\0')
		put(out, "no findings");
}

/* Several targets: "3 of 4 addresses OK", then the target shown and the
 * problems found across them, worst first (the target first among equals: its
 * finding is the one to act on). */
static void put_run_summary(FILE *out, const struct report_data *d,
                            void (*put)(FILE *out, const char *text))
{
	const struct report_target *shown = featured(d);
	enum plugin_state shown_state = target_state(shown);
	size_t ok = 0, together = d->together == NULL ? 0 : d->together->count;
	char count[96];
	bool shown_done = false;

	for (size_t i = 0; i < d->target_count; i++)
		ok += target_state(&d->targets[i]) == STATE_OK;
	snprintf(count, sizeof(count), "%zu of %zu %s OK", ok, d->target_count, d->unit);
	put(out, count);
	for (size_t i = 0; i <= together; i++) {
		const struct finding *f = i < together ? &d->together->items[i] : NULL;

		if (!shown_done && (f == NULL || !worse(f->state, shown_state))) {
			put(out, ", ");
			put(out, shown->label);
			put(out, ": ");
			put_target_summary(out, shown, put);
			shown_done = true;
		}
		if (f != NULL) {
			put(out, ", ");
			put(out, f->text);
		}
	}
}

static void put_summary(FILE *out, const struct report_data *d,
                        void (*put)(FILE *out, const char *text))
{
	if (several(d))
		put_run_summary(out, d, put);
	else
		put_target_summary(out, &d->targets[0], put);
}

static void put_status_line(FILE *out, const struct report_data *d)
{
	fprintf(out, "TLS %s - ", state_name(worst_state(d)));
	put_endpoint(out, d);
	fprintf(out, ": ");
	put_summary(out, d, put_plain);
	fprintf(out, " | ");
	put_perfdata(out, d);
	fprintf(out, "\n");
}

/* One line per element: what an operator compares with the CA's records and
 * with policy, in the order they look for it. */
static void put_element_line(FILE *out, size_t index, const struct cert_info *c, time_t now)
{
	char from[32], to[32], days[NUMBER_SIZE];

	when_format(c->not_before, from, sizeof(from));
	when_format(c->not_after, to, sizeof(to));
	format_days(difftime(c->not_after, now), days, sizeof(days));
	fprintf(out, "[%zu] %s ", index, role_name(c->role));
	put_plain(out, c->subject != NULL && c->subject[0] != '\0' ? c->subject : c->label);
	if (c->issuer != NULL) {
		fprintf(out, ", issuer ");
		put_plain(out, c->issuer);
	}
	if (c->serial[0] != '\0')
		fprintf(out, ", serial %s", c->serial);
	fprintf(out, ", valid %s to %s (%s days left)", from, to, days);
	if (c->key[0] != '\0') {
		fprintf(out, ", key ");
		put_plain(out, c->key);
	}
	if (c->signature[0] != '\0') {
		fprintf(out, ", signature ");
		put_plain(out, c->signature);
	}
	if (c->sha256[0] != '\0')
		fprintf(out, ", sha256 %s", c->sha256);
	for (size_t i = 0; i < c->san_count; i++) {
		fprintf(out, "%s", i == 0 ? ", SANs: " : ", ");
		put_plain(out, c->sans[i]);
	}
	fprintf(out, "\n");
}

/* "WARNING crypto: certificate 'CN=x' is signed with SHA-1" */
static void put_finding_line(FILE *out, const struct finding *f)
{
	fprintf(out, "%s ", state_name(f->state));
	put_plain(out, f->rule);
	fprintf(out, ": ");
	put_plain(out, f->text);
	fprintf(out, "\n");
}

static void put_tls_line(FILE *out, const struct facts_tls *tls)
{
	const char *parts[] = {tls->version, tls->cipher, tls->group, tls->alpn};
	const size_t alpn_part = 3;
	bool any = false;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (parts[i] == NULL || parts[i][0] == '\0')
			continue;
		fprintf(out, "%s%s", any ? ", " : "TLS: ", i == alpn_part ? "ALPN " : "");
		put_plain(out, parts[i]);
		any = true;
	}
	if (any)
		fprintf(out, "\n");
}

/* "timing: connect 0.001s, smtp 0.004s, TLS handshake 0.012s, over TLS 0.000s" */
static void put_steps_line(FILE *out, const struct report_target *t)
{
	char seconds[NUMBER_SIZE];

	for (size_t i = 0; i < t->step_count; i++) {
		format_elapsed(t->steps[i].seconds, seconds, sizeof(seconds));
		fputs(i == 0 ? "timing: " : ", ", out);
		put_plain(out, t->steps[i].name);
		fprintf(out, " %ss", seconds);
	}
	if (t->step_count > 0)
		fputc('\n', out);
}

/* A byte of the dialogue as itself when it is printable ASCII and means nothing
 * to the output ('|' would start perfdata), else as \xNN: what the server sent
 * is shown, never obeyed. */
static void put_dialogue_byte(FILE *out, unsigned char byte)
{
	if (byte < 0x20 || byte > 0x7e || byte == '|' || byte == ';' || byte == '\\')
		fprintf(out, "\\x%02x", byte);
	else
		fputc(byte, out);
}

/* One exchange, a line of output for each of its lines: "C: EHLO x", "S: 250-..". */
static void put_exchange(FILE *out, const struct net_transcript *d, const struct net_exchange *e)
{
	const unsigned char *p = d->bytes + e->start, *end = p + e->len;
	bool line_open = false;

	for (; p < end; p++) {
		if (!line_open)
			fputs(e->sent ? "C: " : "S: ", out);
		line_open = true;
		if (*p == '\r' && p + 1 < end && p[1] == '\n')
			continue;
		if (*p == '\n') {
			fputc('\n', out);
			line_open = false;
			continue;
		}
		put_dialogue_byte(out, *p);
	}
	if (line_open)
		fputc('\n', out);
}

static void put_dialogue(FILE *out, const struct net_transcript *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->count; i++)
		put_exchange(out, d, &d->items[i]);
	if (d->dropped > 0)
		fprintf(out, "(%zu more bytes of the dialogue not kept)\n", d->dropped);
}

/* What -v, -vv and -vvv show of one target. */
static void put_target_lines(FILE *out, const struct report_target *t, const struct report_data *d)
{
	for (size_t i = 0; t->chain != NULL && i < t->chain->count; i++)
		put_element_line(out, i, &t->chain->items[i], d->now);
	for (size_t i = 0; i < finding_count(t); i++)
		put_finding_line(out, &t->verdict->items[i]);
	if (d->verbosity < REPORT_VERBOSE_STEPS)
		return;
	put_tls_line(out, &t->tls);
	put_steps_line(out, t);
	if (d->verbosity >= REPORT_VERBOSE_DIALOGUE)
		put_dialogue(out, t->dialogue);
}

/* "192.0.2.4: CRITICAL, leaf serial 0a1b, -2.05 days left", then its lines. */
static void put_target_block(FILE *out, const struct report_target *t, const struct report_data *d)
{
	char days[NUMBER_SIZE];

	put_plain(out, t->label);
	fprintf(out, ": %s", state_name(target_state(t)));
	if (t->chain != NULL && t->chain->count > 0 && t->chain->items[0].serial[0] != '\0')
		fprintf(out, ", leaf serial %s", t->chain->items[0].serial);
	if (has_days(t)) {
		format_days(t->verdict->expiry.seconds_left, days, sizeof(days));
		fprintf(out, ", %s days left", days);
	}
	fputc('\n', out);
	put_target_lines(out, t, d);
}

/* Was the note at index I of target T printed before, by an earlier target? */
static bool note_seen(const struct report_data *d, size_t t, size_t i)
{
	const char *text = d->targets[t].verdict->items[i].text;

	for (size_t e = 0; e < t; e++) {
		const struct report_target *earlier = &d->targets[e];

		for (size_t j = 0; j < finding_count(earlier); j++) {
			if (!on_status_line(earlier, j) &&
			    strcmp(earlier->verdict->items[j].text, text) == 0)
				return true;
		}
	}
	return false;
}

/* Without -v, the notes the status lines left out, each text once however
 * many targets share it. */
static void put_notes(FILE *out, const struct report_data *d)
{
	for (size_t t = 0; t < d->target_count; t++) {
		const struct report_target *target = &d->targets[t];

		for (size_t i = 0; i < finding_count(target); i++) {
			if (!on_status_line(target, i) && !note_seen(d, t, i))
				put_finding_line(out, &target->verdict->items[i]);
		}
	}
}

static void put_long_text(FILE *out, const struct report_data *d)
{
	if (d->verbosity < REPORT_VERBOSE_CHAIN) {
		put_notes(out, d);
		return;
	}
	if (!several(d)) {
		put_target_lines(out, &d->targets[0], d);
		return;
	}
	for (size_t i = 0; d->together != NULL && i < d->together->count; i++)
		put_finding_line(out, &d->together->items[i]);
	for (size_t i = 0; i < d->target_count; i++)
		put_target_block(out, &d->targets[i], d);
}

static void emit_nagios(FILE *out, const struct report_data *d)
{
	put_status_line(out, d);
	put_long_text(out, d);
	put_targets_perfdata(out, d);
}

/* -------------------------------------------------------------------- json */

/* TEXT's characters inside a JSON string: '"' and '\' escaped, control
 * characters and those that act on the display as \uXXXX, invalid UTF-8
 * replaced by U+FFFD so the output always parses. */
static void put_json_chars(FILE *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;

	while (*p) {
		size_t length = utf8_sequence_length(p);

		if (length == 0) {
			fputs("\xef\xbf\xbd", out);
			p++;
		} else if (*p == '"' || *p == '\\') {
			fprintf(out, "\\%c", *p++);
		} else if (*p < 0x20) {
			fprintf(out, "\\u%04x", *p++);
		} else if (length > 1 && acts_on_display(code_point(p, length))) {
			fprintf(out, "\\u%04x", code_point(p, length));
			p += length;
		} else {
			fwrite(p, 1, length, out);
			p += length;
		}
	}
}

static void put_json_string(FILE *out, const char *text)
{
	if (text == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	put_json_chars(out, text);
	fputc('"', out);
}

void report_json_string(FILE *out, const char *text)
{
	put_json_string(out, text);
}

static void put_json_key(FILE *out, bool first, const char *key)
{
	fprintf(out, "%s\"%s\":", first ? "" : ",", key);
}

void report_json_time(FILE *out, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL) {
		fputs("null", out);
		return;
	}
	fprintf(out, "\"%04d-%02d-%02dT%02d:%02d:%02dZ\"", tm.tm_year + 1900, tm.tm_mon + 1,
	        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void put_json_findings(FILE *out, const struct verdict *v)
{
	fputc('[', out);
	for (size_t i = 0; v != NULL && i < v->count; i++) {
		const struct finding *f = &v->items[i];

		fprintf(out, "%s{\"state\":\"%s\",\"rule\":", i == 0 ? "" : ",",
		        state_name(f->state));
		put_json_string(out, f->rule);
		put_json_key(out, false, "text");
		put_json_string(out, f->text);
		fputc('}', out);
	}
	fputc(']', out);
}

static void put_json_element(FILE *out, const struct cert_info *c, time_t now)
{
	char days[NUMBER_SIZE];

	format_days(difftime(c->not_after, now), days, sizeof(days));
	fputc('{', out);
	put_json_key(out, true, "role");
	put_json_string(out, role_name(c->role));
	put_json_key(out, false, "subject");
	put_json_string(out, c->subject);
	put_json_key(out, false, "issuer");
	put_json_string(out, c->issuer);
	put_json_key(out, false, "serial");
	put_json_string(out, c->serial);
	put_json_key(out, false, "not_before");
	report_json_time(out, c->not_before);
	put_json_key(out, false, "not_after");
	report_json_time(out, c->not_after);
	fprintf(out, ",\"days_left\":%s", days);
	put_json_key(out, false, "key");
	put_json_string(out, c->key);
	put_json_key(out, false, "signature");
	put_json_string(out, c->signature);
	put_json_key(out, false, "sha256");
	put_json_string(out, c->sha256);
	fputs(",\"sans\":[", out);
	for (size_t i = 0; i < c->san_count; i++) {
		fputs(i == 0 ? "" : ",", out);
		put_json_string(out, c->sans[i]);
	}
	fputs("]}", out);
}

static void put_json_chain(FILE *out, const struct report_target *t, time_t now)
{
	fputc('[', out);
	for (size_t i = 0; t->chain != NULL && i < t->chain->count; i++) {
		fputs(i == 0 ? "" : ",", out);
		put_json_element(out, &t->chain->items[i], now);
	}
	fputc(']', out);
}

static void put_json_tls(FILE *out, const struct facts_tls *tls)
{
	fputc('{', out);
	put_json_key(out, true, "version");
	put_json_string(out, tls->version);
	put_json_key(out, false, "cipher");
	put_json_string(out, tls->cipher);
	put_json_key(out, false, "group");
	put_json_string(out, tls->group);
	put_json_key(out, false, "alpn");
	put_json_string(out, tls->alpn);
	fputc('}', out);
}

static void put_json_days(FILE *out, const char *key, const struct expiry_summary *s)
{
	char number[NUMBER_SIZE];

	put_json_key(out, false, key);
	if (s == NULL || !s->valid) {
		fputs("null", out);
		return;
	}
	format_days(s->seconds_left, number, sizeof(number));
	fputs(number, out);
}

static void put_json_state(FILE *out, enum plugin_state state)
{
	fprintf(out, ",\"state\":\"%s\",\"exit_code\":%d", state_name(state), (int)state);
}

static void put_json_answer(FILE *out, const char *key, enum verdict_answer answer)
{
	static const char *const words[] = {
	        [VERDICT_UNJUDGED] = "null", [VERDICT_YES] = "true", [VERDICT_NO] = "false"};

	put_json_key(out, false, key);
	fputs(words[answer], out);
}

static void put_json_answers(FILE *out, enum verdict_answer trusted, enum verdict_answer name)
{
	put_json_answer(out, "trusted", trusted);
	put_json_answer(out, "name_matches", name);
}

/* The run's answer over its targets: no when one says no, yes when all say
 * yes, else not judged. */
static enum verdict_answer run_answer(const struct report_data *d, bool of_trust)
{
	enum verdict_answer answer = VERDICT_YES;

	for (size_t i = 0; i < d->target_count; i++) {
		const struct verdict *v = d->targets[i].verdict;
		enum verdict_answer a = v == NULL  ? VERDICT_UNJUDGED
		                        : of_trust ? v->trusted
		                                   : v->name_matches;

		if (a == VERDICT_NO)
			return VERDICT_NO;
		if (a == VERDICT_UNJUDGED)
			answer = VERDICT_UNJUDGED;
	}
	return answer;
}

/* A target's own fields: its summary, days, findings, chain and TLS. */
static void put_json_target_fields(FILE *out, const struct report_target *t)
{
	put_json_key(out, false, "address");
	put_json_string(out, t->address);
	put_json_state(out, target_state(t));
	put_json_key(out, false, "summary");
	fputc('"', out);
	put_target_summary(out, t, put_json_chars);
	fputc('"', out);
	put_json_days(out, "days_left", t->verdict == NULL ? NULL : &t->verdict->expiry);
	if (t->verdict != NULL && t->verdict->client_expiry.valid)
		put_json_days(out, "client_days_left", &t->verdict->client_expiry);
	if (t->verdict == NULL)
		put_json_answers(out, VERDICT_UNJUDGED, VERDICT_UNJUDGED);
	else
		put_json_answers(out, t->verdict->trusted, t->verdict->name_matches);
}

static const char *dane_outcome_name(enum dane_outcome o)
{
	switch (o) {
	case DANE_MATCHED:
		return "matched";
	case DANE_UNMATCHED:
		return "unmatched";
	default:
		return "unusable";
	}
}

static void put_json_tlsa_record(FILE *out, const struct tlsa_facts *d, size_t i)
{
	const struct dane_verdict *v = &d->verdicts[i];
	char *text = dane_record_text(&d->records[i]);

	fputs(i == 0 ? "{" : ",{", out);
	put_json_key(out, true, "record");
	put_json_string(out, text);
	put_json_key(out, false, "verdict");
	put_json_string(out, dane_outcome_name(v->outcome));
	if (v->outcome == DANE_MATCHED)
		fprintf(out, ",\"element\":%zu", v->element);
	put_json_key(out, false, "detail");
	put_json_string(out, v->detail[0] ? v->detail : NULL);
	fputc('}', out);
	free(text);
}

/* "dane": null without --dane, else what the lookup found and each record's
 * verdict. */
static void put_json_dane(FILE *out, const struct report_target *t)
{
	const struct tlsa_facts *d = t->dane;
	char ede[DNS_EDE_TEXT_SIZE + 48];

	put_json_key(out, false, "dane");
	if (d == NULL || !d->looked_up) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	put_json_key(out, true, "owner");
	put_json_string(out, d->answer != NULL && d->answer->owner[0] ? d->answer->owner : NULL);
	put_json_key(out, false, "security");
	put_json_string(out, d->failure.kind == FAULT_NONE && d->answer != NULL
	                             ? dns_security_name(d->answer->status.security)
	                             : NULL);
	ede[0] = '\0';
	if (d->answer != NULL)
		dns_ede_describe(&d->answer->status.ede, ede, sizeof(ede));
	put_json_key(out, false, "ede");
	put_json_string(out, ede[0] ? ede : NULL);
	put_json_key(out, false, "error");
	put_json_string(out, d->failure.kind != FAULT_NONE ? d->failure.text : NULL);
	fprintf(out, ",\"usable\":%zu,\"matching\":%zu", d->summary.usable, d->summary.matching);
	put_json_key(out, false, "records");
	fputc('[', out);
	for (size_t i = 0; d->matched && i < d->summary.records; i++)
		put_json_tlsa_record(out, d, i);
	fputs("]}", out);
}

static void put_json_target_details(FILE *out, const struct report_target *t, time_t now)
{
	put_json_key(out, false, "findings");
	put_json_findings(out, t->verdict);
	put_json_key(out, false, "chain");
	put_json_chain(out, t, now);
	put_json_key(out, false, "tls");
	put_json_tls(out, &t->tls);
	put_json_dane(out, t);
}

static void put_json_head(FILE *out, const struct report_data *d)
{
	fputc('{', out);
	put_json_key(out, true, "host");
	put_json_string(out, d->host);
	fprintf(out, ",\"port\":%u", d->port);
	put_json_key(out, false, "protocol");
	put_json_string(out, d->protocol);
}

static void put_json_time_taken(FILE *out, const struct report_data *d)
{
	char number[NUMBER_SIZE];

	format_elapsed(d->elapsed, number, sizeof(number));
	fprintf(out, ",\"time\":%s", number);
}

static void emit_json_one(FILE *out, const struct report_data *d)
{
	const struct report_target *t = &d->targets[0];

	put_json_head(out, d);
	put_json_target_fields(out, t);
	put_json_time_taken(out, d);
	put_json_target_details(out, t, d->now);
	fputs("}\n", out);
}

static void emit_json_several(FILE *out, const struct report_data *d)
{
	const struct report_target *first = earliest(d);

	put_json_head(out, d);
	put_json_state(out, worst_state(d));
	put_json_key(out, false, "summary");
	fputc('"', out);
	put_summary(out, d, put_json_chars);
	fputc('"', out);
	put_json_days(out, "days_left", first == NULL ? NULL : &first->verdict->expiry);
	put_json_answers(out, run_answer(d, true), run_answer(d, false));
	put_json_time_taken(out, d);
	put_json_key(out, false, "findings");
	put_json_findings(out, d->together);
	fputs(",\"targets\":[", out);
	for (size_t i = 0; i < d->target_count; i++) {
		const struct report_target *t = &d->targets[i];

		fputs(i == 0 ? "{" : ",{", out);
		put_json_key(out, true, "label");
		put_json_string(out, t->label);
		put_json_key(out, false, "name");
		put_json_string(out, t->name);
		put_json_target_fields(out, t);
		put_json_target_details(out, t, d->now);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

static void emit_json(FILE *out, const struct report_data *d)
{
	if (several(d))
		emit_json_several(out, d);
	else
		emit_json_one(out, d);
}

/* -------------------------------------------------------------------- days */

static void emit_days(FILE *out, const struct report_data *d)
{
	const struct report_target *first = earliest(d);
	char days[NUMBER_SIZE];

	if (first == NULL || any_failed(d)) {
		fputs(REPORT_DAYS_FAILED "\n", out);
		return;
	}
	format_days(first->verdict->expiry.seconds_left, days, sizeof(days));
	fprintf(out, "%s\n", days);
}

void report_refusal(FILE *out, enum report_format format, const char *plugin, const char *text)
{
	if (format != REPORT_JSON) {
		put_plain(out, plugin);
		fputs(": ", out);
		put_plain(out, text);
		fputc('\n', out);
		return;
	}
	fputc('{', out);
	put_json_key(out, true, "plugin");
	put_json_string(out, plugin);
	put_json_state(out, STATE_UNKNOWN);
	put_json_key(out, false, "summary");
	put_json_string(out, text);
	fputs(",\"days_left\":null", out);
	put_json_answers(out, VERDICT_UNJUDGED, VERDICT_UNJUDGED);
	fputs(",\"findings\":[{\"state\":\"UNKNOWN\",\"rule\":\"usage\",\"text\":", out);
	put_json_string(out, text);
	fputs("}]}\n", out);
}

int report_emit(FILE *out, enum report_format format, const struct report_data *d)
{
	switch (format) {
	case REPORT_NAGIOS:
		emit_nagios(out, d);
		return (int)worst_state(d);
	case REPORT_JSON:
		emit_json(out, d);
		return (int)worst_state(d);
	case REPORT_DAYS:
		emit_days(out, d);
		return 0;
	}
	return (int)STATE_UNKNOWN;
}
