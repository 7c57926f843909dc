/* Status table (from errors.def), sticky first-error recording, panic and OOM. */
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *str;
    int http;
    const char *doc;
} status_table[] = {
#define MSOC_ERR(name, http, str, doc) {str, http, doc},
#include "errors.def"
#undef MSOC_ERR
};

void msoc_error_clear(msoc_error *err)
{
    memset(err, 0, sizeof *err);
}

msoc_status msoc_vfail_at(msoc_error *err, msoc_status code, const char *file, int src_line,
                          const char *fmt, va_list ap)
{
    if (err == NULL || err->code != MSOC_OK || code == MSOC_OK)
        return code;
    err->code = code;
    err->line = err->col = 0;
    err->file = file;
    err->src_line = src_line;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

msoc_status msoc_fail_at(msoc_error *err, msoc_status code, const char *file, int src_line,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msoc_vfail_at(err, code, file, src_line, fmt, ap);
    va_end(ap);
    return code;
}

msoc_status msoc_fail_pos_at(msoc_error *err, msoc_status code, uint32_t line, uint32_t col,
                             const char *file, int src_line, const char *fmt, ...)
{
    if (err == NULL || err->code != MSOC_OK || code == MSOC_OK)
        return code;
    va_list ap;
    va_start(ap, fmt);
    msoc_vfail_at(err, code, file, src_line, fmt, ap);
    va_end(ap);
    err->line = line;
    err->col = col;
    return code;
}

void msoc_error_prefix(msoc_error *err, const char *fmt, ...)
{
    if (err == NULL || err->code == MSOC_OK)
        return;
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* prefix + ": " + old message, truncated to the buffer. */
    size_t plen = strlen(prefix);
    size_t cap = sizeof err->msg - 1;
    if (plen + 2 > cap)
        plen = cap - 2;
    size_t olen = strlen(err->msg);
    if (plen + 2 + olen > cap)
        olen = cap - plen - 2;
    memmove(err->msg + plen + 2, err->msg, olen);
    memcpy(err->msg, prefix, plen);
    err->msg[plen] = ':';
    err->msg[plen + 1] = ' ';
    err->msg[plen + 2 + olen] = '\0';
}

const char *msoc_status_str(msoc_status code)
{
    if ((unsigned)code >= MSOC__STATUS_COUNT)
        return "internal_error";
    return status_table[code].str;
}

int msoc_status_http(msoc_status code)
{
    if ((unsigned)code >= MSOC__STATUS_COUNT)
        return 500;
    return status_table[code].http;
}

const char *msoc_status_doc(msoc_status code)
{
    if ((unsigned)code >= MSOC__STATUS_COUNT)
        return "";
    return status_table[code].doc;
}

msoc_status msoc_status_from_str(const char *name)
{
    for (int i = 0; i < MSOC__STATUS_COUNT; i++)
        if (strcmp(status_table[i].str, name) == 0)
            return (msoc_status)i;
    return MSOC__STATUS_COUNT;
}

void msoc_panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "multisoc: panic at %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void msoc_oom(size_t size)
{
    fprintf(stderr, "multisoc: out of memory allocating %zu bytes\n", size);
    abort();
}
