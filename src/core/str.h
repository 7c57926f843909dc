/* Length-carrying strings (borrowed views) and growable byte buffers with a cap.
 * Never strlen bytes that came from the network or from disk (STYLE.md §5). */
#ifndef MSOC_CORE_STR_H
#define MSOC_CORE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "error.h"

/* A borrowed view: ptr need not be NUL-terminated. */
typedef struct msoc_str {
    const char *ptr;
    size_t len;
} msoc_str;

#define MSOC_STR(lit) ((msoc_str){(lit), sizeof(lit) - 1})
#define MSOC_STR_NULL ((msoc_str){NULL, 0})

static inline msoc_str msoc_str_make(const char *p, size_t len)
{
    msoc_str s = {p, len};
    return s;
}

static inline msoc_str msoc_str_c(const char *cstr)
{
    msoc_str s = {cstr, cstr ? strlen(cstr) : 0};
    return s;
}

bool msoc_str_eq(msoc_str a, msoc_str b);
bool msoc_str_eq_c(msoc_str a, const char *cstr);
/* ASCII case-insensitive equality (KQL's =~ on identifiers and keywords). */
bool msoc_str_ieq(msoc_str a, msoc_str b);
bool msoc_str_ieq_c(msoc_str a, const char *cstr);
int msoc_str_cmp(msoc_str a, msoc_str b);
bool msoc_str_starts_with(msoc_str s, msoc_str prefix);
bool msoc_str_ends_with(msoc_str s, msoc_str suffix);
/* Strips ASCII whitespace from both ends. */
msoc_str msoc_str_trim(msoc_str s);
/* Copy into the arena, NUL-terminated; .ptr NULL on budget exhaustion. */
msoc_str msoc_str_dup(msoc_arena *a, msoc_str s);

/* Parses a whole decimal integer (optional sign); false on junk or overflow. */
bool msoc_str_to_i64(msoc_str s, int64_t *out);
/* Parses a whole real number (strtod syntax, no hex); false on junk. */
bool msoc_str_to_double(msoc_str s, double *out);

static inline char msoc_ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

/* The value of a hexadecimal digit (either case), or -1. */
static inline int msoc_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = msoc_ascii_lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A growable byte buffer on the heap, capped at max bytes. Appends past the cap
 * fail with MSOC_TOOBIG and leave the buffer unchanged; the failure is sticky
 * (is_failed), so a writer may append many times and check once with
 * msoc_buf_check. data is always NUL-terminated after the len bytes. */
typedef struct msoc_buf {
    char *data;
    size_t len;
    size_t cap;      /* allocated bytes (excluding the NUL) */
    size_t max;      /* the cap; 0 is not allowed */
    bool is_failed;  /* an append hit the cap */
} msoc_buf;

void msoc_buf_init(msoc_buf *b, size_t max);
void msoc_buf_fini(msoc_buf *b);
/* Drops the content, keeps the memory and clears is_failed. */
void msoc_buf_reset(msoc_buf *b);
/* Makes room for extra more bytes; returns a pointer to data+len or NULL at the cap. */
char *msoc_buf_reserve(msoc_buf *b, size_t extra);
msoc_status msoc_buf_append(msoc_buf *b, const void *p, size_t len);
msoc_status msoc_buf_append_str(msoc_buf *b, msoc_str s);
msoc_status msoc_buf_append_c(msoc_buf *b, const char *cstr);
msoc_status msoc_buf_putc(msoc_buf *b, char c);
msoc_status msoc_buf_appendf(msoc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
msoc_status msoc_buf_append_i64(msoc_buf *b, int64_t v);
msoc_status msoc_buf_append_u64(msoc_buf *b, uint64_t v);
/* Shortest text that reads back as the same double ("32.0" style is the caller's
 * business); NaN and infinities as JSON-safe strings are the caller's too. */
msoc_status msoc_buf_append_double(msoc_buf *b, double v);
/* A JSON string literal with quotes, escaping control characters, '"' and '\\'.
 * Invalid UTF-8 bytes are replaced by U+FFFD so the output is always valid JSON. */
msoc_status msoc_buf_append_json_str(msoc_buf *b, const char *p, size_t len);
/* Converts a sticky cap failure into err ("<what> exceeds its cap of N bytes"). */
msoc_status msoc_buf_check(const msoc_buf *b, const char *what, msoc_error *err);
/* Takes the bytes out of the buffer (caller frees with msoc_free); b is reset. */
char *msoc_buf_steal(msoc_buf *b, size_t *len_out);

#endif
