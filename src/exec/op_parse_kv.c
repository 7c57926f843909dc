/* parse-kv s as (k1:t1, ...) with (pair_delimiter, kv_delimiter, quote, escape,
 * greedy | regex): the listed keys' values, converted to their types (null when
 * absent or not convertible). Without delimiters, pairs are split at spaces, commas
 * and semicolons and keys end at '=' or ':'. With regex, each match's first group
 * is a key and its second the value. Later occurrences of a key do not replace the
 * first. */
#include <string.h>

#include "exec_int.h"

typedef struct kv_spec {
    const msoc_plan_parse_kv *kv;
    const msoc_plan_node *n;
} kv_spec;

static bool in_set(msoc_str set, const char *dflt, char c)
{
    if (set.len)
        return memchr(set.ptr, c, set.len) != NULL;
    return strchr(dflt, c) != NULL && c != 0;
}

static bool at_str(msoc_str s, size_t i, msoc_str d)
{
    return d.len && i + d.len <= s.len && memcmp(s.ptr + i, d.ptr, d.len) == 0;
}

static bool at_pair_delim(const msoc_plan_parse_kv *kv, msoc_str s, size_t i)
{
    return kv->pair_delim.len ? at_str(s, i, kv->pair_delim) : in_set(MSOC_STR_NULL, " ,;\t", s.ptr[i]);
}

static size_t kv_delim_len(const msoc_plan_parse_kv *kv, msoc_str s, size_t i)
{
    if (kv->kv_delim.len)
        return at_str(s, i, kv->kv_delim) ? kv->kv_delim.len : 0;
    return (s.ptr[i] == '=' || s.ptr[i] == ':') ? 1 : 0;
}

static int key_index(const msoc_plan_node *n, const msoc_plan_parse_kv *kv, msoc_str key)
{
    for (size_t k = 0; k < kv->n_keys; k++)
        if (msoc_str_eq(n->cols[kv->first_col + k].name, key))
            return (int)k;
    return -1;
}

static msoc_str trim(msoc_str s)
{
    while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
        s.ptr++;
        s.len--;
    }
    while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
        s.len--;
    return s;
}

/* Greedy: the value runs to the next pair delimiter that is followed by a listed key
 * and a key-value delimiter, or to the end. */
static bool greedy_stop(const msoc_plan_node *n, const msoc_plan_parse_kv *kv, msoc_str s, size_t i)
{
    size_t j = i + (kv->pair_delim.len ? kv->pair_delim.len : 1);
    while (j < s.len && s.ptr[j] == ' ')
        j++;
    for (size_t k = 0; k < kv->n_keys; k++) {
        msoc_str key = n->cols[kv->first_col + k].name;
        if (at_str(s, j, key) && j + key.len < s.len && kv_delim_len(kv, s, j + key.len))
            return true;
    }
    return false;
}

static void set_val(xq *q, msoc_exec_table *t, const msoc_plan_node *n, const msoc_plan_parse_kv *kv, int k,
                    size_t row, msoc_str v, bool *is_set)
{
    if (k < 0 || is_set[k])
        return;
    is_set[k] = true;
    msoc_exec_col *c = t->cols[kv->first_col + (size_t)k];
    msoc_str owned = msoc_exec__strdup(q, v.ptr, v.len);
    msoc_exec__col_set(q, c, row, msoc_exec__convert(q, xv_str(owned), n->cols[kv->first_col + (size_t)k].type));
}

msoc_status msoc_exec__op_parse_kv(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                   const msoc_exec_table **out)
{
    const msoc_plan_parse_kv *kv = n->eval_data;
    msoc_exec_col *src;
    msoc_status st = msoc_exec__eval(q, n->eval_args[0], in, &src);
    if (st != MSOC_OK)
        return st;
    size_t rows = in->n_rows;
    msoc_exec_table *t = msoc_exec__table_new(q, n->n_cols, rows);
    bool *is_set = msoc_exec__calloc(q, kv->n_keys + 1, sizeof *is_set);
    if (t == NULL || is_set == NULL)
        return q->err->code;
    for (size_t c = 0; c < n->n_cols; c++) {
        t->names[c] = n->cols[c].name;
        if (c < kv->first_col) {
            t->cols[c] = in->cols[c];
            continue;
        }
        t->cols[c] = msoc_exec__col_new(q, n->cols[c].type, rows);
        if (t->cols[c] == NULL)
            return q->err->code;
        for (size_t r = 0; r < rows; r++)
            msoc_exec__col_set_null(q, t->cols[c], r);
    }
    xregex *re = kv->has_regex ? msoc_exec__regex(q, kv->regex) : NULL;
    if (kv->has_regex && re == NULL)
        return q->err->code != MSOC_OK ? q->err->code
                                       : msoc_fail_pos(q->err, MSOC_SEMANTIC, n->line, n->col_no, "parse-kv: bad regex");
    char quote = kv->quote.len ? kv->quote.ptr[0] : 0;
    char esc = kv->escape.len ? kv->escape.ptr[0] : 0;
    for (size_t r = 0; r < rows; r++) {
        memset(is_set, 0, kv->n_keys * sizeof *is_set);
        xval v = msoc_exec__col_get(src, r);
        if (v.is_null)
            continue;
        msoc_str s = xtype_is_str(v.t) ? v.s : msoc_exec__to_text(q, v);
        if (re) {
            long g[6];
            size_t pos = 0;
            while (pos <= s.len && msoc_exec__regex_match(re, s, pos, g, 3) > 0) {
                if (g[2] >= 0 && g[4] >= 0) {
                    msoc_str key = msoc_str_make(s.ptr + g[2], (size_t)(g[3] - g[2]));
                    msoc_str val = msoc_str_make(s.ptr + g[4], (size_t)(g[5] - g[4]));
                    set_val(q, t, n, kv, key_index(n, kv, key), r, val, is_set);
                }
                pos = g[1] > (long)pos ? (size_t)g[1] : pos + 1;
            }
            continue;
        }
        size_t i = 0;
        while (i < s.len) {
            while (i < s.len && (at_pair_delim(kv, s, i) || s.ptr[i] == ' '))
                i += kv->pair_delim.len && at_str(s, i, kv->pair_delim) ? kv->pair_delim.len : 1;
            size_t ks = i, dl = 0;
            while (i < s.len && (dl = kv_delim_len(kv, s, i)) == 0 && !at_pair_delim(kv, s, i))
                i++;
            if (i >= s.len || dl == 0) {
                continue; /* a word without a value */
            }
            msoc_str key = trim(msoc_str_make(s.ptr + ks, i - ks));
            if (quote && key.len >= 2 && key.ptr[0] == quote && key.ptr[key.len - 1] == quote) {
                key.ptr++;
                key.len -= 2;
            }
            i += dl;
            while (i < s.len && s.ptr[i] == ' ' && !kv->pair_delim.len)
                i++;
            msoc_str val;
            if (quote && i < s.len && s.ptr[i] == quote) {
                size_t vs = ++i;
                while (i < s.len && s.ptr[i] != quote) {
                    if (esc && s.ptr[i] == esc && i + 1 < s.len)
                        i++;
                    i++;
                }
                val = msoc_str_make(s.ptr + vs, i - vs);
                if (i < s.len)
                    i++;
            } else {
                size_t vs = i;
                while (i < s.len && !(at_pair_delim(kv, s, i) && (!kv->is_greedy || greedy_stop(n, kv, s, i))))
                    i++;
                val = trim(msoc_str_make(s.ptr + vs, i - vs));
            }
            set_val(q, t, n, kv, key_index(n, kv, key), r, val, is_set);
        }
    }
    *out = t;
    return q->err->code;
}
