#include <config.h>

#include <math.h>

#include "deadline.h"

static double seconds_between(const struct timespec *from, const struct timespec *to)
{
	return (double)(to->tv_sec - from->tv_sec) + (double)(to->tv_nsec - from->tv_nsec) / 1e9;
}

void deadline_start(struct deadline *d, double seconds)
{
	double whole = floor(seconds);

	clock_gettime(CLOCK_MONOTONIC, &d->start);
	d->end.tv_sec = d->start.tv_sec + (time_t)whole;
	d->end.tv_nsec = d->start.tv_nsec + (long)((seconds - whole) * 1e9);
	if (d->end.tv_nsec >= 1000000000L) {
		d->end.tv_sec++;
		d->end.tv_nsec -= 1000000000L;
	}
}

static bool is_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

void deadline_within(struct deadline *sub, const struct deadline *parent, double seconds)
{
	deadline_start(sub, seconds);
	sub->start = parent->start;
	if (is_before(&parent->end, &sub->end))
		sub->end = parent->end;
}

int deadline_left_ms(const struct deadline *d)
{
	struct timespec now;
	double left;

	clock_gettime(CLOCK_MONOTONIC, &now);
	left = seconds_between(&now, &d->end);
	if (left <= 0)
		return 0;
	/* Round up: poll() with a 0 timeout while time is left would spin. */
	return (int)ceil(left * 1000.0);
}

bool deadline_passed(const struct deadline *d)
{
	return deadline_left_ms(d) == 0;
}

double deadline_elapsed(const struct deadline *d)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return seconds_between(&d->start, &now);
}
