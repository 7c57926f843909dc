/* Heap allocation for code outside arenas. Every function aborts through
 * msoc_oom() instead of returning NULL, so callers need no NULL checks. Only
 * src/core calls malloc/free directly (tools/check-banned.sh). */
#ifndef MSOC_CORE_MEM_H
#define MSOC_CORE_MEM_H

#include <stddef.h>

void *msoc_malloc(size_t size);            /* returns owned; never NULL */
void *msoc_calloc(size_t n, size_t size);  /* zeroed; never NULL */
void *msoc_realloc(void *ptr, size_t size);/* never NULL for size > 0 */
void msoc_free(void *ptr);                 /* accepts NULL */
char *msoc_strdup(const char *s);          /* returns owned copy */
char *msoc_strndup(const char *s, size_t len); /* NUL-terminated owned copy */

/* Debug builds honour MSOC_FAULT_ALLOC_NTH=N: the Nth fallible allocation (arena
 * block or budgeted buffer growth, counted process-wide) fails as if its budget were
 * exhausted. Returns true when the current allocation should fail. Always false
 * in release builds. */
int msoc_fault_alloc(void);
/* Same for I/O (MSOC_FAULT_IO_NTH): storage calls it before each write/fsync. */
int msoc_fault_io(void);

#endif
