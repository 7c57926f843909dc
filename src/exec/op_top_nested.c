/* top-nested: input i is `summarize agg_i by of_0..of_i` (bind_ops.c). Level 0 keeps
 * its top n rows by the aggregate; each kept row's children are the rows of the next
 * level with the same of_0..of_i, of which the top n are kept, and so on. A level
 * `with others = v` adds a row v whose aggregate combines the rows left out (sum for
 * counts and sums, min, max; null otherwise); levels below it are null. */
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"

typedef struct level_ix {
    const msoc_exec_table *t;
    size_t cap;
    size_t *slots;   /* chain head row + 1 */
    size_t *next;    /* next row in the chain + 1 */
} level_ix;

typedef struct tn_ctx {
    xq *q;
    const msoc_plan_node *n;
    const msoc_plan_top_nested *tn;
    level_ix *ix;
    xval *path;      /* 2 * n_levels */
    msoc_vec rows;   /* xval tuples of 2 * n_levels */
} tn_ctx;

typedef struct tn_cand {
    xval v;
    size_t row;
} tn_cand;

static int cand_asc(const void *a, const void *b)
{
    const tn_cand *x = a, *y = b;
    int c = msoc_exec__cmp(x->v, y->v);
    return c != 0 ? c : x->row < y->row ? -1 : x->row > y->row;
}

static int cand_desc(const void *a, const void *b)
{
    const tn_cand *x = a, *y = b;
    int c = msoc_exec__cmp(y->v, x->v);
    return c != 0 ? c : x->row < y->row ? -1 : x->row > y->row;
}

static bool emit(tn_ctx *c)
{
    size_t w = 2 * c->tn->n_levels;
    for (size_t i = 0; i < w; i++) {
        xval *slot = msoc_vec_push(&c->rows);
        if (slot == NULL)
            return false;
        *slot = c->path[i];
    }
    return true;
}

static xval combine(tn_ctx *c, msoc_plan_fn fn, const msoc_exec_col *col, const size_t *rows, size_t n)
{
    bool is_sum = fn == MSOC_PLAN_FN_COUNT || fn == MSOC_PLAN_FN_SUM || fn == MSOC_PLAN_FN_COUNTIF ||
                  fn == MSOC_PLAN_FN_SUMIF;
    bool is_min = fn == MSOC_PLAN_FN_MIN, is_max = fn == MSOC_PLAN_FN_MAX;
    xval acc = xv_null(col->type);
    bool has = false;
    for (size_t i = 0; i < n; i++) {
        xval v = msoc_exec__col_get(col, rows[i]);
        if (v.is_null)
            continue;
        if (!has) {
            acc = v;
            has = true;
        } else if (is_sum) {
            if (xtype_is_real(acc.t))
                acc.r += xtype_is_real(v.t) ? v.r : (double)v.i;
            else
                acc.i += v.i;
        } else if (is_min || is_max) {
            int k = msoc_exec__cmp(v, acc);
            if ((is_min && k < 0) || (is_max && k > 0))
                acc = v;
        }
    }
    (void)c;
    if (!is_sum && !is_min && !is_max)
        return xv_null(col->type);
    return acc;
}

static msoc_status walk(tn_ctx *c, size_t level, const msoc_exec_table *parent, size_t prow)
{
    xq *q = c->q;
    const msoc_plan_top_level *L = &c->tn->levels[level];
    level_ix *ix = &c->ix[level];
    const msoc_exec_table *t = ix->t;
    size_t nl = c->tn->n_levels;
    /* candidates: rows whose of_0..of_{level-1} equal the parent's */
    size_t *cand = msoc_exec__calloc(q, t->n_rows + 1, sizeof *cand);
    if (cand == NULL)
        return q->err->code;
    size_t nc = 0;
    if (level == 0) {
        for (size_t r = 0; r < t->n_rows; r++)
            cand[nc++] = r;
    } else {
        size_t h = (size_t)msoc_exec__row_hash(parent->cols, level, prow) & (ix->cap - 1);
        while (ix->slots[h] != 0) {
            size_t head = ix->slots[h] - 1;
            if (msoc_exec__row_eq(parent->cols, prow, t->cols, head, level)) {
                for (size_t r = head + 1; r != 0; r = ix->next[r - 1])
                    cand[nc++] = r - 1;
                break;
            }
            h = (h + 1) & (ix->cap - 1);
        }
    }
    const msoc_exec_col *agg = t->cols[level + 1];
    tn_cand *cs = msoc_exec__calloc(q, nc + 1, sizeof *cs);
    if (cs == NULL)
        return q->err->code;
    for (size_t i = 0; i < nc; i++) {
        cs[i].row = cand[i];
        cs[i].v = msoc_exec__col_get(agg, cand[i]);
    }
    qsort(cs, nc, sizeof *cs, L->is_asc ? cand_asc : cand_desc);
    for (size_t i = 0; i < nc; i++)
        cand[i] = cs[i].row;
    size_t keep = L->n < 0 || (size_t)L->n > nc ? nc : (size_t)L->n;
    for (size_t i = 0; i < keep; i++) {
        c->path[2 * level] = msoc_exec__col_get(t->cols[level], cand[i]);
        c->path[2 * level + 1] = msoc_exec__col_get(agg, cand[i]);
        msoc_status st = level + 1 < nl ? walk(c, level + 1, t, cand[i])
                                        : (emit(c) ? MSOC_OK : msoc_fail(q->err, MSOC_LIMIT, "top-nested: too many rows"));
        if (st != MSOC_OK)
            return st;
    }
    if (L->has_others && keep < nc) {
        msoc_exec_table one = {0};
        one.n_rows = 1;
        msoc_exec_col *ov;
        msoc_status st = msoc_exec__eval(q, L->others, &one, &ov);
        if (st != MSOC_OK)
            return st;
        c->path[2 * level] = msoc_exec__convert(q, msoc_exec__col_get(ov, 0), t->cols[level]->type);
        c->path[2 * level + 1] = combine(c, L->agg, agg, cand + keep, nc - keep);
        for (size_t k = 2 * level + 2; k < 2 * nl; k++)
            c->path[k] = xv_null(c->n->cols[k].type);
        if (!emit(c))
            return msoc_fail(q->err, MSOC_LIMIT, "top-nested: too many rows");
    }
    return MSOC_OK;
}

msoc_status msoc_exec__op_top_nested(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                     const msoc_exec_table **out)
{
    const msoc_plan_top_nested *tn = n->eval_data;
    size_t nl = tn->n_levels;
    tn_ctx c = {0};
    c.q = q;
    c.n = n;
    c.tn = tn;
    c.ix = msoc_exec__calloc(q, nl, sizeof *c.ix);
    c.path = msoc_exec__calloc(q, 2 * nl, sizeof *c.path);
    if (c.ix == NULL || c.path == NULL)
        return q->err->code;
    for (size_t l = 0; l < nl; l++) {
        const msoc_exec_table *t = in;
        if (l > 0) {
            msoc_status st = msoc_exec__node(q, n->inputs[l], &t);
            if (st != MSOC_OK)
                return st;
        }
        level_ix *ix = &c.ix[l];
        ix->t = t;
        if (l == 0)
            continue;
        ix->cap = 16;
        while (ix->cap < t->n_rows * 2)
            ix->cap <<= 1;
        ix->slots = msoc_exec__calloc(q, ix->cap, sizeof *ix->slots);
        ix->next = msoc_exec__calloc(q, t->n_rows + 1, sizeof *ix->next);
        if (ix->slots == NULL || ix->next == NULL)
            return q->err->code;
        for (size_t r = 0; r < t->n_rows; r++) {
            size_t h = (size_t)msoc_exec__row_hash(t->cols, l, r) & (ix->cap - 1);
            while (ix->slots[h] != 0 && !msoc_exec__row_eq(t->cols, ix->slots[h] - 1, t->cols, r, l))
                h = (h + 1) & (ix->cap - 1);
            ix->next[r] = ix->slots[h];
            ix->slots[h] = r + 1;
        }
    }
    msoc_vec_init(&c.rows, sizeof(xval), (size_t)1 << 26);
    msoc_status st = walk(&c, 0, NULL, 0);
    if (st != MSOC_OK) {
        msoc_vec_fini(&c.rows);
        return st;
    }
    size_t w = 2 * nl, n_out = c.rows.n / w;
    msoc_exec_table *t = msoc_exec__table_for(q, n, n_out);
    if (t == NULL) {
        msoc_vec_fini(&c.rows);
        return q->err->code;
    }
    for (size_t o = 0; o < n_out; o++)
        for (size_t k = 0; k < w; k++)
            msoc_exec__col_set(q, t->cols[k], o, MSOC_VEC_AT(&c.rows, xval, o * w + k));
    msoc_vec_fini(&c.rows);
    *out = t;
    return q->err->code;
}
