/* A small fixed-size thread pool. msoc_pool_run is a fork-join "parallel for"
 * in which the calling thread works too; msoc_pool_submit queues fire-and-forget
 * background jobs. All functions are thread-safe. */
#ifndef MSOC_CORE_POOL_H
#define MSOC_CORE_POOL_H

#include <stddef.h>

typedef struct msoc_pool msoc_pool;

/* n_threads 0 means one per online CPU. Returns owned; never NULL. */
msoc_pool *msoc_pool_new(unsigned n_threads);
/* Waits for queued work to finish, then joins the threads. Accepts NULL. */
void msoc_pool_free(msoc_pool *pool);
unsigned msoc_pool_size(const msoc_pool *pool);

/* Calls fn(arg, i) once for every i in [0, n), spread over the workers and the
 * calling thread; returns when all calls have returned. Called from inside a pool
 * task (nested), it runs the loop on the calling thread. pool may be NULL (serial). */
void msoc_pool_run(msoc_pool *pool, size_t n, void (*fn)(void *arg, size_t idx), void *arg);

/* Queues fn(arg) to run on a worker; returns at once. */
void msoc_pool_submit(msoc_pool *pool, void (*fn)(void *arg), void *arg);

/* Number of online CPUs (at least 1). */
unsigned msoc_cpu_count(void);

#endif
