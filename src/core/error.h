/* Status codes and the error struct every fallible function fills in.
 * The codes come from errors.def; see STYLE.md §4 for how errors propagate. */
#ifndef MSOC_CORE_ERROR_H
#define MSOC_CORE_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef enum msoc_status {
#define MSOC_ERR(name, http, str, doc) MSOC_##name,
#include "errors.def"
#undef MSOC_ERR
    MSOC__STATUS_COUNT
} msoc_status;

#define MSOC_ERROR_MSG_CAP 512

typedef struct msoc_error {
    msoc_status code;       /* MSOC_OK until the first failure; the first error wins */
    uint32_t line, col;     /* 1-based position in the query text, 0 if n/a */
    const char *file;       /* failure site (source file), for logs only */
    int src_line;           /* failure site (source line), for logs only */
    char msg[MSOC_ERROR_MSG_CAP]; /* user-facing text, already formatted */
} msoc_error;

/* Resets err to MSOC_OK with an empty message. */
void msoc_error_clear(msoc_error *err);

/* Records a failure unless err already holds one (the first error wins). Returns
 * code, so `return msoc_fail(err, MSOC_INVALID, "...")` reads naturally. err may
 * be NULL (the failure is then only returned). */
msoc_status msoc_fail_at(msoc_error *err, msoc_status code, const char *file, int src_line,
                         const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
msoc_status msoc_vfail_at(msoc_error *err, msoc_status code, const char *file, int src_line,
                          const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
#define msoc_fail(err, code, ...) msoc_fail_at((err), (code), __FILE__, __LINE__, __VA_ARGS__)

/* Like msoc_fail, and also records a 1-based line:col in the query text. */
msoc_status msoc_fail_pos_at(msoc_error *err, msoc_status code, uint32_t line, uint32_t col,
                             const char *file, int src_line, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
#define msoc_fail_pos(err, code, line, col, ...) \
    msoc_fail_pos_at((err), (code), (line), (col), __FILE__, __LINE__, __VA_ARGS__)

/* Prefixes the message already in err with "<prefix>: " (e.g. a file name), keeping
 * the code. A no-op when err holds no failure. */
void msoc_error_prefix(msoc_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Stable snake_case name ("syntax_error"), HTTP status and one-line meaning. */
const char *msoc_status_str(msoc_status code);
int msoc_status_http(msoc_status code);
const char *msoc_status_doc(msoc_status code);
/* Reverse lookup of msoc_status_str; returns MSOC__STATUS_COUNT if unknown. */
msoc_status msoc_status_from_str(const char *name);

/* A broken invariant: logs file:line and the message to stderr, then aborts.
 * Never for input-triggered failures (use msoc_fail). */
_Noreturn void msoc_panic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define msoc_panic(...) msoc_panic_at(__FILE__, __LINE__, __VA_ARGS__)

/* Heap exhaustion outside any arena budget: the one choke point. Aborts. */
_Noreturn void msoc_oom(size_t size);

#ifdef MSOC_DEBUG
#    define MSOC_ASSERT(cond) \
        ((cond) ? (void)0 : msoc_panic_at(__FILE__, __LINE__, "assertion failed: %s", #cond))
#else
#    define MSOC_ASSERT(cond) ((void)0)
#endif

#endif
