/* workers — run N independent jobs at once on a bounded number of threads.
 *
 * The calling thread works too, so one job runs on it alone with no thread
 * created: one target is the N=1 case of the same path. Each job is handed out
 * once; jobs share nothing mutable through this module.
 */
#ifndef TLSCHECK_COMMON_WORKERS_H
#define TLSCHECK_COMMON_WORKERS_H

#include <stddef.h>

/* Threads one run uses at most, the caller's included. A probe mostly waits on
 * the network, so this bounds memory and sockets in flight, not CPU. */
#define WORKERS_MAX_THREADS 32

/* Run JOB(CONTEXT, i) for every i in [0, COUNT), on at most MAX_THREADS threads
 * (capped by WORKERS_MAX_THREADS), and return when all have returned. When a
 * thread cannot be created, the threads that exist take its share. */
void workers_run(size_t count, size_t max_threads, void (*job)(void *context, size_t index),
                 void *context);

#endif
