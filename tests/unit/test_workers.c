#include <config.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "workers.h"

#define JOBS 200

struct tally {
	atomic_int runs[JOBS];
	pthread_t caller;
	atomic_int on_caller;
};

static void count_run(void *context, size_t index)
{
	struct tally *t = context;

	atomic_fetch_add(&t->runs[index], 1);
	if (pthread_equal(pthread_self(), t->caller))
		atomic_fetch_add(&t->on_caller, 1);
}

static void run(struct tally *t, size_t jobs, size_t threads)
{
	for (size_t i = 0; i < JOBS; i++)
		atomic_init(&t->runs[i], 0);
	atomic_init(&t->on_caller, 0);
	t->caller = pthread_self();
	workers_run(jobs, threads, count_run, t);
}

/* Every job runs exactly once, whatever the number of threads. */
static void test_each_job_once(void **state)
{
	static struct tally t;
	const size_t threads[] = {1, 2, 8, WORKERS_MAX_THREADS, 1000};

	(void)state;
	for (size_t k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
		run(&t, JOBS, threads[k]);
		for (size_t i = 0; i < JOBS; i++)
			assert_int_equal(atomic_load(&t.runs[i]), 1);
	}
}

/* One job, or one thread: the caller does the work, no thread is created. */
static void test_one_runs_on_the_caller(void **state)
{
	static struct tally t;

	(void)state;
	run(&t, 1, WORKERS_MAX_THREADS);
	assert_int_equal(atomic_load(&t.runs[0]), 1);
	assert_int_equal(atomic_load(&t.on_caller), 1);
	run(&t, 10, 1);
	assert_int_equal(atomic_load(&t.on_caller), 10);
	run(&t, 0, 4);
	assert_int_equal(atomic_load(&t.runs[0]), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_each_job_once),
	        cmocka_unit_test(test_one_runs_on_the_caller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
