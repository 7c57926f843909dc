/* Arena: a chain of blocks with a bump pointer, a tree of child arenas, cleanup
 * callbacks, and atomic budget accounting up the parent chain. */
#include "arena.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"

#define ALIGN         16
#define MIN_BLOCK     (8 * 1024)
#define MAX_BLOCK     (1024 * 1024)

typedef struct block {
    struct block *next;
    size_t size;        /* usable bytes after the header */
    _Alignas(16) char data[];
} block;

typedef struct cleanup {
    struct cleanup *next;
    void (*fn)(void *);
    void *arg;
} cleanup;

struct msoc_arena {
    msoc_arena *parent;
    msoc_arena *children;        /* doubly linked via sibling pointers */
    msoc_arena *prev_sibling, *next_sibling;
    pthread_mutex_t child_lock;  /* guards children and the siblings of children */
    const char *name;
    size_t budget;               /* 0: none of its own */
    atomic_size_t used;          /* block bytes held here and in descendants */
    block *blocks;               /* newest first; the last one is the kept first block */
    char *cur, *end;             /* bump region in blocks */
    char *last_alloc;            /* start of the newest allocation, for in-place realloc */
    size_t next_block_size;
    cleanup *cleanups;
    const msoc_arena *exhausted; /* arena whose budget refused the last allocation */
};

static size_t align_up(size_t n)
{
    return (n + (ALIGN - 1)) & ~(size_t)(ALIGN - 1);
}

/* Charges n bytes to a and its ancestors; on refusal rolls back and returns the
 * arena whose budget refused. */
static const msoc_arena *charge(msoc_arena *a, size_t n)
{
    for (msoc_arena *p = a; p != NULL; p = p->parent) {
        size_t now = atomic_fetch_add(&p->used, n) + n;
        if (p->budget != 0 && now > p->budget) {
            for (msoc_arena *q = a; q != p->parent; q = q->parent)
                atomic_fetch_sub(&q->used, n);
            return p;
        }
    }
    return NULL;
}

static void uncharge(msoc_arena *a, size_t n)
{
    for (msoc_arena *p = a; p != NULL; p = p->parent)
        atomic_fetch_sub(&p->used, n);
}

msoc_arena *msoc_arena_new(msoc_arena *parent, size_t budget, const char *name)
{
    msoc_arena *a = msoc_calloc(1, sizeof *a);
    pthread_mutex_init(&a->child_lock, NULL);
    a->parent = parent;
    a->budget = budget;
    a->name = name ? name : "arena";
    a->next_block_size = MIN_BLOCK;
    if (parent != NULL) {
        pthread_mutex_lock(&parent->child_lock);
        a->next_sibling = parent->children;
        if (parent->children)
            parent->children->prev_sibling = a;
        parent->children = a;
        pthread_mutex_unlock(&parent->child_lock);
    }
    return a;
}

static void *alloc_new_block(msoc_arena *a, size_t size)
{
    size_t bsize = a->next_block_size;
    if (size > bsize / 4) {
        /* Large request: a dedicated block, linked behind the current one so the
         * bump region stays usable. */
        bsize = size;
    } else if (a->next_block_size < MAX_BLOCK) {
        a->next_block_size *= 2;
    }
    if (msoc_fault_alloc()) {
        a->exhausted = a;
        return NULL;
    }
    const msoc_arena *refused = charge(a, bsize + sizeof(block));
    if (refused != NULL) {
        a->exhausted = refused;
        return NULL;
    }
    block *b = msoc_malloc(sizeof(block) + bsize);
    b->size = bsize;
    if (bsize == size && a->blocks != NULL) {
        b->next = a->blocks->next;
        a->blocks->next = b;
        return b->data;
    }
    b->next = a->blocks;
    a->blocks = b;
    a->cur = b->data + size;
    a->end = b->data + bsize;
    a->last_alloc = b->data;
    return b->data;
}

void *msoc_arena_alloc(msoc_arena *a, size_t size)
{
    size = align_up(size ? size : 1);
    if ((size_t)(a->end - a->cur) >= size && a->cur != NULL) {
        void *p = a->cur;
        a->last_alloc = a->cur;
        a->cur += size;
        return p;
    }
    return alloc_new_block(a, size);
}

void *msoc_arena_calloc(msoc_arena *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        a->exhausted = a;
        return NULL;
    }
    void *p = msoc_arena_alloc(a, n * size);
    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

void *msoc_arena_realloc(msoc_arena *a, void *ptr, size_t old_size, size_t new_size)
{
    if (ptr == NULL)
        return msoc_arena_alloc(a, new_size);
    if (new_size <= old_size)
        return ptr;
    if ((char *)ptr == a->last_alloc) {
        size_t need = align_up(new_size);
        if ((size_t)(a->end - a->last_alloc) >= need) {
            a->cur = a->last_alloc + need;
            return ptr;
        }
    }
    void *p = msoc_arena_alloc(a, new_size);
    if (p != NULL)
        memcpy(p, ptr, old_size);
    return p;
}

char *msoc_arena_strndup(msoc_arena *a, const char *s, size_t len)
{
    char *p = msoc_arena_alloc(a, len + 1);
    if (p == NULL)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void *msoc_arena_memdup(msoc_arena *a, const void *src, size_t len)
{
    void *p = msoc_arena_alloc(a, len);
    if (p != NULL && len)
        memcpy(p, src, len);
    return p;
}

bool msoc_arena_on_reset(msoc_arena *a, void (*fn)(void *), void *arg)
{
    cleanup *c = msoc_arena_alloc(a, sizeof *c);
    if (c == NULL)
        return false;
    c->fn = fn;
    c->arg = arg;
    c->next = a->cleanups;
    a->cleanups = c;
    return true;
}

static void detach(msoc_arena *a)
{
    msoc_arena *parent = a->parent;
    if (parent == NULL)
        return;
    pthread_mutex_lock(&parent->child_lock);
    if (a->prev_sibling)
        a->prev_sibling->next_sibling = a->next_sibling;
    else
        parent->children = a->next_sibling;
    if (a->next_sibling)
        a->next_sibling->prev_sibling = a->prev_sibling;
    pthread_mutex_unlock(&parent->child_lock);
    a->parent = NULL;
}

static void destroy(msoc_arena *a, bool keep_first)
{
    while (a->cleanups != NULL) {
        cleanup *c = a->cleanups;
        a->cleanups = c->next; /* the callback may not touch the arena's list */
        c->fn(c->arg);
    }
    for (;;) {
        pthread_mutex_lock(&a->child_lock);
        msoc_arena *child = a->children;
        pthread_mutex_unlock(&a->child_lock);
        if (child == NULL)
            break;
        msoc_arena_free(child);
    }
    /* The first block allocated is the last in the list. */
    block *keep = NULL;
    block *b = a->blocks;
    while (b != NULL) {
        block *next = b->next;
        if (keep_first && next == NULL && b->size <= 64 * 1024) {
            keep = b;
        } else {
            uncharge(a, b->size + sizeof(block));
            msoc_free(b);
        }
        b = next;
    }
    a->blocks = keep;
    a->cur = keep ? keep->data : NULL;
    a->end = keep ? keep->data + keep->size : NULL;
    if (keep)
        keep->next = NULL;
    a->last_alloc = NULL;
    a->next_block_size = MIN_BLOCK * 2;
    a->exhausted = NULL;
}

void msoc_arena_reset(msoc_arena *a)
{
    destroy(a, true);
}

void msoc_arena_free(msoc_arena *a)
{
    if (a == NULL)
        return;
    destroy(a, false);
    detach(a);
    pthread_mutex_destroy(&a->child_lock);
    msoc_free(a);
}

size_t msoc_arena_used(const msoc_arena *a)
{
    return atomic_load(&a->used);
}

size_t msoc_arena_budget(const msoc_arena *a)
{
    return a->budget;
}

const char *msoc_arena_name(const msoc_arena *a)
{
    return a->name;
}

size_t msoc_arena_n_children(msoc_arena *a)
{
    size_t n = 0;
    pthread_mutex_lock(&a->child_lock);
    for (msoc_arena *c = a->children; c != NULL; c = c->next_sibling)
        n++;
    pthread_mutex_unlock(&a->child_lock);
    return n;
}

msoc_status msoc_arena_fail(msoc_arena *a, msoc_error *err)
{
    const msoc_arena *x = a->exhausted ? a->exhausted : a;
    if (x->budget == 0)
        return msoc_fail(err, MSOC_LIMIT, "memory allocation in '%s' failed", x->name);
    return msoc_fail(err, MSOC_LIMIT, "memory budget of %.1f MiB for '%s' exhausted",
                     (double)x->budget / (1024.0 * 1024.0), x->name);
}
