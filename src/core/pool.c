/* Thread pool: one mutex-protected FIFO of tasks, N workers. A parallel-for posts
 * up to N helper tasks that claim indices from a shared atomic counter. */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>

#include "mem.h"

typedef struct task {
    struct task *next;
    void (*fn)(void *arg);
    void *arg;
} task;

struct msoc_pool {
    pthread_mutex_t lock;
    pthread_cond_t has_work;
    pthread_cond_t idle;
    task *head, *tail;
    unsigned n_threads;
    unsigned n_busy;
    bool is_stopping;
    pthread_t *threads;
};

/* Set on pool workers so nested parallel-fors run inline instead of deadlocking. */
static _Thread_local bool in_worker;

unsigned msoc_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

static void *worker_main(void *p)
{
    msoc_pool *pool = p;
    in_worker = true;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (pool->head == NULL && !pool->is_stopping)
            pthread_cond_wait(&pool->has_work, &pool->lock);
        if (pool->head == NULL && pool->is_stopping)
            break;
        task *t = pool->head;
        pool->head = t->next;
        if (pool->head == NULL)
            pool->tail = NULL;
        pool->n_busy++;
        pthread_mutex_unlock(&pool->lock);
        t->fn(t->arg);
        msoc_free(t);
        pthread_mutex_lock(&pool->lock);
        pool->n_busy--;
        if (pool->head == NULL && pool->n_busy == 0)
            pthread_cond_broadcast(&pool->idle);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

msoc_pool *msoc_pool_new(unsigned n_threads)
{
    msoc_pool *pool = msoc_calloc(1, sizeof *pool);
    pool->n_threads = n_threads ? n_threads : msoc_cpu_count();
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->has_work, NULL);
    pthread_cond_init(&pool->idle, NULL);
    pool->threads = msoc_calloc(pool->n_threads, sizeof(pthread_t));
    for (unsigned i = 0; i < pool->n_threads; i++)
        pthread_create(&pool->threads[i], NULL, worker_main, pool);
    return pool;
}

void msoc_pool_free(msoc_pool *pool)
{
    if (pool == NULL)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->is_stopping = true;
    pthread_cond_broadcast(&pool->has_work);
    pthread_mutex_unlock(&pool->lock);
    for (unsigned i = 0; i < pool->n_threads; i++)
        pthread_join(pool->threads[i], NULL);
    msoc_free(pool->threads);
    pthread_cond_destroy(&pool->has_work);
    pthread_cond_destroy(&pool->idle);
    pthread_mutex_destroy(&pool->lock);
    msoc_free(pool);
}

unsigned msoc_pool_size(const msoc_pool *pool)
{
    return pool ? pool->n_threads : 1;
}

void msoc_pool_submit(msoc_pool *pool, void (*fn)(void *arg), void *arg)
{
    task *t = msoc_malloc(sizeof *t);
    t->next = NULL;
    t->fn = fn;
    t->arg = arg;
    pthread_mutex_lock(&pool->lock);
    if (pool->tail)
        pool->tail->next = t;
    else
        pool->head = t;
    pool->tail = t;
    pthread_cond_signal(&pool->has_work);
    pthread_mutex_unlock(&pool->lock);
}

typedef struct par_job {
    void (*fn)(void *arg, size_t idx);
    void *arg;
    size_t n;
    atomic_size_t next;      /* next index to claim */
    atomic_size_t done;      /* indices finished */
    atomic_uint helpers_out; /* helper tasks not yet finished */
    pthread_mutex_t lock;
    pthread_cond_t finished;
} par_job;

static void par_work(par_job *job)
{
    for (;;) {
        size_t i = atomic_fetch_add(&job->next, 1);
        if (i >= job->n)
            break;
        job->fn(job->arg, i);
        atomic_fetch_add(&job->done, 1);
    }
}

static void par_helper(void *p)
{
    par_job *job = p;
    par_work(job);
    pthread_mutex_lock(&job->lock);
    if (atomic_fetch_sub(&job->helpers_out, 1) == 1)
        pthread_cond_signal(&job->finished);
    pthread_mutex_unlock(&job->lock);
}

void msoc_pool_run(msoc_pool *pool, size_t n, void (*fn)(void *arg, size_t idx), void *arg)
{
    if (n == 0)
        return;
    if (pool == NULL || n == 1 || in_worker || pool->n_threads == 0) {
        for (size_t i = 0; i < n; i++)
            fn(arg, i);
        return;
    }
    par_job job;
    job.fn = fn;
    job.arg = arg;
    job.n = n;
    atomic_init(&job.next, 0);
    atomic_init(&job.done, 0);
    unsigned helpers = pool->n_threads < n - 1 ? pool->n_threads : (unsigned)(n - 1);
    atomic_init(&job.helpers_out, helpers);
    pthread_mutex_init(&job.lock, NULL);
    pthread_cond_init(&job.finished, NULL);
    for (unsigned h = 0; h < helpers; h++)
        msoc_pool_submit(pool, par_helper, &job);
    par_work(&job);
    /* Helpers reference the job on the stack: wait until every one has returned. */
    pthread_mutex_lock(&job.lock);
    while (atomic_load(&job.helpers_out) != 0)
        pthread_cond_wait(&job.finished, &job.lock);
    pthread_mutex_unlock(&job.lock);
    pthread_cond_destroy(&job.finished);
    pthread_mutex_destroy(&job.lock);
}
