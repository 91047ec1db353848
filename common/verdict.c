#include <config.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "when.h"
#include "verdict.h"

#define NAME_SANS_SHOWN 4

void verdict_init(struct verdict *v)
{
	memset(v, 0, sizeof(*v));
}

static bool state_is_worse(enum plugin_state a, enum plugin_state b)
{
	return a != b && state_worse(a, b) == a;
}

/* The slot a newcomer may take when the verdict is full: the least severe
 * finding, the latest added among equals so that earlier facts survive. */
static size_t mildest_index(const struct verdict *v)
{
	size_t mildest = 0;

	for (size_t i = 1; i < v->count; i++) {
		if (!state_is_worse(v->items[i].state, v->items[mildest].state))
			mildest = i;
	}
	return mildest;
}

void verdict_add(struct verdict *v, enum plugin_state state, const char *fmt, ...)
{
	struct finding *slot;
	va_list ap;

	if (v->count < VERDICT_MAX_FINDINGS) {
		slot = &v->items[v->count++];
	} else {
		slot = &v->items[mildest_index(v)];
		if (!state_is_worse(state, slot->state))
			return;
	}
	slot->state = state;
	va_start(ap, fmt);
	vsnprintf(slot->text, sizeof(slot->text), fmt, ap);
	va_end(ap);
}

enum plugin_state verdict_worst(const struct verdict *v)
{
	enum plugin_state worst = STATE_OK;

	for (size_t i = 0; i < v->count; i++)
		worst = state_worse(worst, v->items[i].state);
	return worst;
}

/* Moves items[from] to items[to] (to <= from), shifting the ones between up. */
static void move_back(struct verdict *v, size_t from, size_t to)
{
	struct finding moving = v->items[from];

	memmove(&v->items[to + 1], &v->items[to], (from - to) * sizeof(v->items[0]));
	v->items[to] = moving;
}

/* After the worst: problems before OK facts, problems shortest first, OK facts
 * as added (they compare equal, and the insertion sort is stable). */
static bool goes_before(const struct finding *a, const struct finding *b)
{
	if (a->state == STATE_OK || b->state == STATE_OK)
		return a->state != STATE_OK && b->state == STATE_OK;
	return strlen(a->text) < strlen(b->text);
}

void verdict_sort(struct verdict *v)
{
	enum plugin_state worst = verdict_worst(v);
	size_t i, j;

	for (i = 0; i < v->count && v->items[i].state != worst; i++)
		;
	if (i == v->count)
		return;
	move_back(v, i, 0);
	for (i = 2; i < v->count; i++) {
		for (j = i; j > 1 && goes_before(&v->items[i], &v->items[j - 1]); j--)
			;
		if (j != i)
			move_back(v, i, j);
	}
}

static void describe_element(const struct cert_info *c, char *out, size_t size)
{
	const char *kind = "certificate";

	if (c->role == CERT_INTERMEDIATE)
		kind = "intermediate";
	else if (c->role == CERT_ROOT)
		kind = "root";
	snprintf(out, size, "%s '%s'", kind, c->label);
}

/* A threshold in seconds for C; no threshold (NULL) never fires. */
static double threshold_or_never(const struct threshold_time *t, const struct cert_info *c)
{
	return t == NULL ? 0.0 : threshold_seconds(t, c->not_before, c->not_after);
}

/* Adds a finding when C is outside its validity or within a threshold. Returns
 * whether it did. */
static bool judge_element(struct verdict *v, const struct cert_info *c, time_t now,
                          const struct threshold_time *warning,
                          const struct threshold_time *critical)
{
	char who[CERT_LABEL_SIZE + 32], date[32], span[32];
	double left = difftime(c->not_after, now);
	enum plugin_state state;

	describe_element(c, who, sizeof(who));
	if (now < c->not_before) {
		when_format(c->not_before, date, sizeof(date));
		when_format_duration(difftime(c->not_before, now), span, sizeof(span));
		verdict_add(v, STATE_CRITICAL, "%s is not valid before %s (in %s)", who, date,
		            span);
		return true;
	}
	when_format(c->not_after, date, sizeof(date));
	if (left <= 0.0) {
		when_format_duration(-left, span, sizeof(span));
		verdict_add(v, STATE_CRITICAL, "%s expired %s ago (%s)", who, span, date);
		return true;
	}
	if (left < threshold_or_never(critical, c))
		state = STATE_CRITICAL;
	else if (left < threshold_or_never(warning, c))
		state = STATE_WARNING;
	else
		return false;
	when_format_duration(left, span, sizeof(span));
	verdict_add(v, state, "%s expires in %s (%s)", who, span, date);
	return true;
}

static void add_expiry_fact(struct verdict *v, const struct cert_info *c, time_t now)
{
	char who[CERT_LABEL_SIZE + 32], date[32], span[32];

	describe_element(c, who, sizeof(who));
	when_format(c->not_after, date, sizeof(date));
	when_format_duration(difftime(c->not_after, now), span, sizeof(span));
	verdict_add(v, STATE_OK, "%s expires in %s (%s)", who, span, date);
}

void verdict_judge_expiry(struct verdict *v, const struct cert_chain *chain, time_t now,
                          const struct threshold_time *warning,
                          const struct threshold_time *critical, struct expiry_summary *summary)
{
	const struct cert_info *first;
	bool any_problem = false;
	size_t earliest;

	if (summary != NULL)
		memset(summary, 0, sizeof(*summary));
	if (chain == NULL || chain->count == 0)
		return;
	for (size_t i = 0; i < chain->count; i++) {
		if (judge_element(v, &chain->items[i], now, warning, critical))
			any_problem = true;
	}
	earliest = cert_chain_earliest_expiry(chain);
	first = &chain->items[earliest];
	if (!any_problem)
		add_expiry_fact(v, first, now);
	if (summary != NULL) {
		summary->valid = true;
		summary->index = earliest;
		summary->seconds_left = difftime(first->not_after, now);
		summary->warning_seconds = threshold_or_never(warning, first);
		summary->critical_seconds = threshold_or_never(critical, first);
	}
}

void verdict_judge_trust(struct verdict *v, const struct trust_result *t)
{
	if (t->trusted)
		verdict_add(v, STATE_OK, "chain trusted by %s", t->store);
	else if (t->reason[0] != '\0')
		verdict_add(v, STATE_CRITICAL, "chain not trusted by %s: %s", t->store, t->reason);
	else
		verdict_add(v, STATE_CRITICAL, "chain not trusted by %s", t->store);
}

/* " (SANs: a, b, c, d, ...)", or nothing when the certificate names no SAN. */
static void format_sans(const struct cert_info *c, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	if (c->san_count == 0)
		return;
	for (size_t i = 0; i < c->san_count && used < size; i++) {
		const char *sep = i == 0 ? " (SANs: " : ", ";

		if (i == NAME_SANS_SHOWN) {
			used += snprintf(out + used, size - used, ", ...");
			break;
		}
		used += snprintf(out + used, size - used, "%s%s", sep, c->sans[i]);
	}
	if (used < size)
		snprintf(out + used, size - used, ")");
}

void verdict_judge_name(struct verdict *v, const struct cert_info *leaf, const char *display_name,
                        bool matched)
{
	char sans[VERDICT_TEXT_SIZE];

	if (matched)
		return;
	if (leaf == NULL) {
		verdict_add(v, STATE_CRITICAL, "no certificate to match '%s'", display_name);
		return;
	}
	format_sans(leaf, sans, sizeof(sans));
	verdict_add(v, STATE_CRITICAL, "certificate '%s' does not match '%s'%s", leaf->label,
	            display_name, sans);
}

void verdict_judge_fault(struct verdict *v, const struct fault *f, enum plugin_state timeout_state)
{
	enum plugin_state state = STATE_CRITICAL;

	if (f->kind == FAULT_NONE)
		return;
	if (f->kind == FAULT_TIMEOUT)
		state = timeout_state;
	else if (f->kind == FAULT_USAGE || f->kind == FAULT_INTERNAL)
		state = STATE_UNKNOWN;
	verdict_add(v, state, "%s", f->text);
}
