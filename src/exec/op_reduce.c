/* reduce by s [with threshold=t, characters=c]: groups strings into patterns. A
 * string is cut into terms at separator characters (by default every character
 * that is not an ASCII letter or digit; a separator starts the next term). Strings
 * with the same number of terms and the same first term form one group, whose
 * pattern keeps the terms all its strings share and writes '*' for the others.
 * Groups holding no more than `threshold` (default 0.1) of the rows are reported
 * together as "others". This is a simpler clustering than Kusto's: patterns agree
 * on simple logs, not necessarily on complex ones. */
#include <ctype.h>
#include <string.h>

#include "exec_int.h"

typedef struct rgroup {
    size_t first;       /* representative row */
    size_t count;
    size_t n_terms;
    msoc_str *terms;    /* the pattern's terms; {NULL, 0} = '*' */
} rgroup;

static bool is_sep(const msoc_plan_node *n, char c)
{
    if (n->eval_flags & 1)
        return memchr(n->eval_text.ptr, c, n->eval_text.len) != NULL;
    return !isalnum((unsigned char)c) && !((unsigned char)c & 0x80);
}

/* Terms of s into terms[0..max); returns the count (may exceed max). */
static size_t split_terms(const msoc_plan_node *n, msoc_str s, msoc_str *terms, size_t max)
{
    size_t k = 0, start = 0;
    for (size_t i = 1; i <= s.len; i++) {
        if (i < s.len && !is_sep(n, s.ptr[i]))
            continue;
        if (k < max)
            terms[k] = msoc_str_make(s.ptr + start, i - start);
        k++;
        start = i;
    }
    return s.len ? k : 0;
}

msoc_status msoc_exec__op_reduce(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                 const msoc_exec_table **out)
{
    msoc_exec_col *sc, *tc;
    msoc_status st = msoc_exec__eval(q, n->eval_args[0], in, &sc);
    msoc_exec_table one = {0};
    one.n_rows = 1;
    if (st == MSOC_OK)
        st = msoc_exec__eval(q, n->eval_args[1], &one, &tc);
    if (st != MSOC_OK)
        return st;
    xval tv = msoc_exec__convert(q, msoc_exec__col_get(tc, 0), MSOC_TYPE_REAL);
    double threshold = tv.is_null ? 0.1 : tv.r;
    size_t rows = in->n_rows;
    enum { MAX_TERMS = 256 };
    msoc_str *tmp = msoc_exec__calloc(q, MAX_TERMS, sizeof *tmp);
    rgroup *groups = msoc_exec__calloc(q, rows + 1, sizeof *groups);
    size_t cap = 16;
    while (cap < rows * 2)
        cap <<= 1;
    size_t *slots = msoc_exec__calloc(q, cap, sizeof *slots);
    if (tmp == NULL || groups == NULL || slots == NULL)
        return q->err->code;
    size_t n_groups = 0;
    for (size_t r = 0; r < rows; r++) {
        xval v = msoc_exec__col_get(sc, r);
        msoc_str s = v.is_null ? MSOC_STR("") : (xtype_is_str(v.t) ? v.s : msoc_exec__to_text(q, v));
        size_t nt = split_terms(n, s, tmp, MAX_TERMS);
        if (nt > MAX_TERMS)
            nt = MAX_TERMS;
        msoc_str first = nt ? tmp[0] : MSOC_STR("");
        uint64_t h = msoc_hash_bytes(first.ptr ? first.ptr : "", first.len) ^ (nt * 0x9e3779b97f4a7c15ull);
        size_t at = (size_t)h & (cap - 1);
        rgroup *g = NULL;
        while (slots[at] != 0) {
            rgroup *c = &groups[slots[at] - 1];
            msoc_str cf = c->n_terms ? c->terms[0] : MSOC_STR("");
            if (c->n_terms == nt && msoc_str_eq(cf, first)) {
                g = c;
                break;
            }
            at = (at + 1) & (cap - 1);
        }
        if (g == NULL) {
            g = &groups[n_groups];
            slots[at] = ++n_groups;
            g->first = r;
            g->n_terms = nt;
            g->terms = msoc_exec__calloc(q, nt + 1, sizeof *g->terms);
            if (g->terms == NULL)
                return q->err->code;
            memcpy(g->terms, tmp, nt * sizeof *tmp);
        } else {
            for (size_t k = 0; k < nt; k++)
                if (g->terms[k].ptr && !msoc_str_eq(g->terms[k], tmp[k]))
                    g->terms[k] = MSOC_STR_NULL;
        }
        g->count++;
    }
    /* groups above the threshold, then "others" */
    size_t n_keep = 0, others = 0;
    for (size_t i = 0; i < n_groups; i++) {
        if ((double)groups[i].count > threshold * (double)rows)
            n_keep++;
        else
            others += groups[i].count;
    }
    msoc_exec_table *t = msoc_exec__table_for(q, n, n_keep + (others ? 1 : 0));
    if (t == NULL)
        return q->err->code;
    size_t o = 0;
    for (size_t i = 0; i < n_groups; i++) {
        const rgroup *g = &groups[i];
        if (!((double)g->count > threshold * (double)rows))
            continue;
        msoc_buf b;
        msoc_buf_init(&b, 1 << 20);
        msoc_buf_reserve(&b, 1);
        bool was_star = false;
        for (size_t k = 0; k < g->n_terms; k++) {
            if (g->terms[k].ptr) {
                msoc_buf_append_str(&b, g->terms[k]);
                was_star = false;
            } else if (!was_star) {
                msoc_buf_putc(&b, '*');
                was_star = true;
            }
        }
        msoc_str pat = msoc_exec__strdup(q, b.data ? b.data : "", b.len);
        msoc_buf_fini(&b);
        xval rep = msoc_exec__col_get(sc, g->first);
        msoc_exec__col_set(q, t->cols[0], o, xv_str(pat));
        msoc_exec__col_set(q, t->cols[1], o, xv_long((int64_t)g->count));
        msoc_exec__col_set(q, t->cols[2], o, xv_str(rep.is_null ? MSOC_STR("") : msoc_exec__to_text(q, rep)));
        o++;
    }
    if (others) {
        msoc_exec__col_set(q, t->cols[0], o, xv_str(MSOC_STR("others")));
        msoc_exec__col_set(q, t->cols[1], o, xv_long((int64_t)others));
        msoc_exec__col_set(q, t->cols[2], o, xv_str(MSOC_STR("")));
    }
    *out = t;
    return q->err->code;
}
