/* Region allocator with budgets. Arenas nest (process -> tenant -> request ->
 * query -> batch); freeing or resetting a parent frees its children. A budget caps
 * the bytes an arena and all its descendants hold: this is how per-query and
 * per-tenant memory limits are enforced (STYLE.md §5).
 *
 * Thread-safety: one arena is used by one thread at a time. Children of the same
 * parent may be created, used and freed on different threads concurrently; budget
 * accounting up the chain is atomic. */
#ifndef MSOC_CORE_ARENA_H
#define MSOC_CORE_ARENA_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

typedef struct msoc_arena msoc_arena;

/* Creates an arena. parent may be NULL. budget is in bytes, 0 for no budget of its
 * own (the parent's still applies). name is borrowed (a string literal) and appears
 * in budget errors. Returns owned; never NULL. */
msoc_arena *msoc_arena_new(msoc_arena *parent, size_t budget, const char *name);

/* Returns size bytes aligned to 16, valid until the arena is reset, or NULL when
 * this arena's or an ancestor's budget would be exceeded (then msoc_arena_fail
 * reports which). size 0 returns a valid unique pointer. */
void *msoc_arena_alloc(msoc_arena *a, size_t size);
void *msoc_arena_calloc(msoc_arena *a, size_t n, size_t size); /* zeroed; NULL as above */

/* Grows the allocation ptr (old_size bytes, from this arena) to new_size, in place
 * when it was the arena's last allocation, else by copying. ptr may be NULL. */
void *msoc_arena_realloc(msoc_arena *a, void *ptr, size_t old_size, size_t new_size);

/* NUL-terminated copy of len bytes; NULL on budget exhaustion. */
char *msoc_arena_strndup(msoc_arena *a, const char *s, size_t len);
void *msoc_arena_memdup(msoc_arena *a, const void *p, size_t len);

/* Runs the cleanup callbacks (last registered first), frees every child arena and
 * every block but the first, which is kept for reuse. */
void msoc_arena_reset(msoc_arena *a);

/* Resets, detaches from the parent and frees. Accepts NULL. */
void msoc_arena_free(msoc_arena *a);

/* Registers fn(arg) to run at the next reset or free (close fds, unref shared
 * data). Returns false only when the budget is exhausted. */
bool msoc_arena_on_reset(msoc_arena *a, void (*fn)(void *), void *arg);

/* Bytes held by this arena and its descendants (block granularity). */
size_t msoc_arena_used(const msoc_arena *a);
size_t msoc_arena_budget(const msoc_arena *a);
const char *msoc_arena_name(const msoc_arena *a);
size_t msoc_arena_n_children(msoc_arena *a);

/* After an allocation returned NULL: records MSOC_LIMIT in err naming the arena
 * whose budget ran out ("memory budget of 64.0 MiB for 'query' exhausted").
 * Returns MSOC_LIMIT. */
msoc_status msoc_arena_fail(msoc_arena *a, msoc_error *err);

#endif
