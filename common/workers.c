#include <config.h>

#include <pthread.h>
#include <stdatomic.h>

#include "workers.h"

struct work {
	size_t count;
	atomic_size_t next; /* the next job not yet handed out */
	void (*job)(void *context, size_t index);
	void *context;
};

static void *work_until_done(void *arg)
{
	struct work *w = arg;
	size_t i;

	while ((i = atomic_fetch_add(&w->next, 1)) < w->count)
		w->job(w->context, i);
	return NULL;
}

static size_t threads_for(size_t count, size_t max_threads)
{
	size_t n = max_threads < WORKERS_MAX_THREADS ? max_threads : WORKERS_MAX_THREADS;

	if (n > count)
		n = count;
	return n == 0 ? 1 : n;
}

void workers_run(size_t count, size_t max_threads, void (*job)(void *context, size_t index),
                 void *context)
{
	struct work w = {.count = count, .job = job, .context = context};
	pthread_t threads[WORKERS_MAX_THREADS];
	size_t started = 0, wanted = threads_for(count, max_threads);

	atomic_init(&w.next, 0);
	/* The caller is one of the WANTED threads. */
	while (started + 1 < wanted &&
	       pthread_create(&threads[started], NULL, work_until_done, &w) == 0)
		started++;
	work_until_done(&w);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
}
