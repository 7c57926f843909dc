/* Regular expressions through PCRE2, compiled once per query and pattern. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "exec_int.h"

struct xregex {
    pcre2_code *code;
    pcre2_match_data *md;
};

static void regex_free(void *p)
{
    xregex *re = p;
    pcre2_match_data_free(re->md);
    pcre2_code_free(re->code);
}

xregex *msoc_exec__regex(xq *q, msoc_str pattern)
{
    static const char prefix[] = "\x01re:";
    char keybuf[512];
    xregex **slot = NULL;
    if (pattern.len + sizeof prefix < sizeof keybuf) {
        memcpy(keybuf, prefix, sizeof prefix - 1);
        memcpy(keybuf + sizeof prefix - 1, pattern.ptr, pattern.len);
        bool is_new;
        slot = (xregex **)msoc_hashmap_upsert(&q->shared, keybuf, sizeof prefix - 1 + pattern.len, &is_new);
        if (slot && !is_new && *slot)
            return *slot;
    }
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)(pattern.ptr ? pattern.ptr : ""), pattern.len,
                                     PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &erroff, NULL);
    if (code == NULL) {
        PCRE2_UCHAR msg[200];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        msoc_fail(q->err, MSOC_INVALID, "invalid regular expression at offset %zu: %s",
                  (size_t)erroff, (const char *)msg);
        return NULL;
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    xregex *re = msoc_exec__calloc(q, 1, sizeof *re);
    if (re == NULL) {
        pcre2_code_free(code);
        return NULL;
    }
    re->code = code;
    re->md = pcre2_match_data_create_from_pattern(code, NULL);
    if (!msoc_arena_on_reset(q->arena, regex_free, re)) {
        regex_free(re);
        msoc_arena_fail(q->arena, q->err);
        return NULL;
    }
    if (slot)
        *slot = re;
    return re;
}

int msoc_exec__regex_match(xregex *re, msoc_str subject, size_t start, long *groups, int max_groups)
{
    if (start > subject.len)
        return 0;
    int rc = pcre2_match(re->code, (PCRE2_SPTR)(subject.ptr ? subject.ptr : ""), subject.len, start,
                         0, re->md, NULL);
    if (rc <= 0)
        return 0;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
    uint32_t n_ov = pcre2_get_ovector_count(re->md);
    for (int i = 0; i < max_groups; i++) {
        if ((uint32_t)i < n_ov && i < rc && ov[2 * i] != PCRE2_UNSET) {
            groups[2 * i] = (long)ov[2 * i];
            groups[2 * i + 1] = (long)ov[2 * i + 1];
        } else {
            groups[2 * i] = groups[2 * i + 1] = -1;
        }
    }
    return (int)n_ov;
}

int msoc_exec__regex_group(xregex *re, msoc_str name)
{
    char buf[128];
    if (name.len == 0 || name.len >= sizeof buf)
        return -1;
    memcpy(buf, name.ptr, name.len);
    buf[name.len] = 0;
    int n = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)buf);
    return n > 0 ? n : -1;
}
