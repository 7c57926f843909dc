/* Heap wrappers with the single OOM choke point, and debug fault injection. */
#include "mem.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

void *msoc_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL)
        msoc_oom(size);
    return p;
}

void *msoc_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        msoc_oom(n * size);
    return p;
}

void *msoc_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (p == NULL)
        msoc_oom(size);
    return p;
}

void msoc_free(void *ptr)
{
    free(ptr);
}

char *msoc_strndup(const char *s, size_t len)
{
    char *p = msoc_malloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *msoc_strdup(const char *s)
{
    return msoc_strndup(s, strlen(s));
}

#ifdef MSOC_DEBUG
/* Process-wide fault counters: test infrastructure only, compiled out of release. */
static atomic_long fault_alloc_nth = -1; /* -1: not read yet; 0: disabled */
static atomic_long fault_alloc_count;
static atomic_long fault_io_nth = -1;
static atomic_long fault_io_count;

static long env_nth(const char *name)
{
    const char *v = getenv(name);
    if (v == NULL || *v == '\0')
        return 0;
    char *end;
    long n = strtol(v, &end, 10);
    return (*end == '\0' && n > 0) ? n : 0;
}

static int fault_hit(atomic_long *nth, atomic_long *count, const char *env)
{
    long n = atomic_load(nth);
    if (n < 0) {
        n = env_nth(env);
        atomic_store(nth, n);
    }
    if (n == 0)
        return 0;
    return atomic_fetch_add(count, 1) + 1 == n;
}

int msoc_fault_alloc(void)
{
    return fault_hit(&fault_alloc_nth, &fault_alloc_count, "MSOC_FAULT_ALLOC_NTH");
}

int msoc_fault_io(void)
{
    return fault_hit(&fault_io_nth, &fault_io_count, "MSOC_FAULT_IO_NTH");
}
#else
int msoc_fault_alloc(void)
{
    return 0;
}

int msoc_fault_io(void)
{
    return 0;
}
#endif
