/* scan: matches the serialized input against steps with state (Kusto's scan
 * operator). Each step k keeps a state: the records of steps 0..k of the sequence
 * in progress (or nothing). Every input record is checked against the steps from
 * the last to the first: it matches step k when the previous non-empty step
 * (skipping empty optional steps) has a state and the condition holds over that
 * state, which then moves to k; or, failing that, when step k has a state (or is
 * the first step) and the condition holds over its own state. Step expressions see
 * the record, the declared columns (their defaults) and "sJ.col" of the state. */
#include <string.h>

#include "exec_int.h"

typedef struct scan_state {
    bool is_active;
    int64_t match_id;
    xval *recs;        /* (k + 1) records of w values: step j's record at j * w */
    size_t last_out;   /* output=last: the row this step output last (+1), 0 none */
} scan_state;

typedef struct out_row {
    xval *vals;        /* w values */
    int64_t match_id;
    bool is_deleted;
} out_row;

/* Keeps v beyond the scratch arena: strings are copied to the query arena. */
static xval keep(xq *q, msoc_arena *main, xval v)
{
    if (xtype_is_str(v.t) && !v.is_null && v.s.len) {
        msoc_arena *saved = q->arena;
        q->arena = main;
        v.s = msoc_exec__strdup(q, v.s.ptr, v.s.len);
        q->arena = saved;
    }
    return v;
}

/* Evaluates e over the one-row table for record r with state st (n_state records). */
static msoc_status eval1(xq *q, const msoc_plan_expr *e, msoc_exec_table *row, xval *out)
{
    msoc_exec_col *c;
    msoc_status st = msoc_exec__eval(q, e, row, &c);
    if (st != MSOC_OK)
        return st;
    *out = msoc_exec__col_get(c, 0);
    return MSOC_OK;
}

msoc_status msoc_exec__op_scan_steps(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                     const msoc_exec_table **out)
{
    const msoc_plan_scan *sc = n->eval_data;
    size_t n_in = sc->n_in, n_decl = sc->n_decl, w = n_in + n_decl, ns = sc->n_steps;
    size_t width = w * (1 + ns);
    msoc_arena *main = q->arena;
    scan_state *states = msoc_exec__calloc(q, ns, sizeof *states);
    xval *defaults = msoc_exec__calloc(q, n_decl + 1, sizeof *defaults);
    if (states == NULL || defaults == NULL)
        return q->err->code;
    for (size_t k = 0; k < ns; k++) {
        states[k].recs = msoc_exec__calloc(q, (k + 1) * w + 1, sizeof(xval));
        if (states[k].recs == NULL)
            return q->err->code;
    }
    /* the one-row table the expressions read; its columns are rewritten per check */
    msoc_exec_table row = {0};
    row.n_rows = 1;
    row.n_cols = width;
    row.cols = msoc_exec__calloc(q, width + 1, sizeof *row.cols);
    row.names = msoc_exec__calloc(q, width + 1, sizeof *row.names);
    msoc_exec_table one = {0};
    one.n_rows = 1;
    if (row.cols == NULL || row.names == NULL)
        return q->err->code;
    for (size_t d = 0; d < n_decl; d++) {
        msoc_exec_col *c;
        msoc_status st = msoc_exec__eval(q, sc->decl_defaults[d], &one, &c);
        if (st != MSOC_OK)
            return st;
        defaults[d] = msoc_exec__convert(q, msoc_exec__col_get(c, 0), n->cols[n_in + d].type);
    }
    msoc_vec outs;
    msoc_vec_init(&outs, sizeof(out_row), (size_t)1 << 26);
    msoc_arena *scratch = msoc_arena_new(main, 0, "scan step");
    xval *cur = msoc_exec__calloc(q, w + 1, sizeof *cur);
    xval *ext = msoc_exec__calloc(q, w + 1, sizeof *ext);
    if (cur == NULL || ext == NULL) {
        msoc_vec_fini(&outs);
        return q->err->code;
    }
    msoc_status st = MSOC_OK;
    int64_t next_match = 0;
    for (size_t r = 0; r < in->n_rows && st == MSOC_OK; r++) {
        q->arena = scratch;
        for (size_t c = 0; c < n_in; c++)
            cur[c] = msoc_exec__col_get(in->cols[c], r);
        for (size_t d = 0; d < n_decl; d++)
            cur[n_in + d] = defaults[d];
        for (size_t kk = ns; kk-- > 0 && st == MSOC_OK;) {
            const msoc_plan_scan_step *step = &sc->steps[kk];
            for (int check = 1; check <= 2 && st == MSOC_OK; check++) {
                /* check 1: the previous non-empty step's state; check 2: our own */
                const scan_state *src = NULL;
                size_t n_recs = 0;
                if (check == 1) {
                    if (kk == 0)
                        continue;
                    size_t p = kk - 1;
                    while (!states[p].is_active && sc->steps[p].is_optional && p > 0)
                        p--;
                    if (!states[p].is_active)
                        continue;
                    src = &states[p];
                    n_recs = p + 1;
                } else {
                    if (!states[kk].is_active && kk != 0)
                        continue;
                    src = &states[kk];
                    n_recs = states[kk].is_active ? kk + 1 : 0;
                }
                /* the row: record, declared defaults, state records (others null/default) */
                for (size_t c = 0; c < width && st == MSOC_OK; c++) {
                    size_t blk = c / w, off = c % w;
                    xval v;
                    if (blk == 0)
                        v = cur[off];
                    else if (blk - 1 < n_recs && src->is_active)
                        v = src->recs[(blk - 1) * w + off];
                    else
                        v = off >= n_in ? defaults[off - n_in] : xv_null(n->cols[off].type);
                    row.cols[c] = msoc_exec__col_const(q, v, n->cols[off].type, 1);
                    if (row.cols[c] == NULL)
                        st = q->err->code;
                }
                if (st != MSOC_OK)
                    break;
                xval ok;
                st = eval1(q, step->cond, &row, &ok);
                if (st != MSOC_OK || ok.is_null || !ok.i)
                    continue;
                /* a match: the record extended with the step's assignments */
                memcpy(ext, cur, w * sizeof *ext);
                for (size_t i = 0; i < step->n_assign && st == MSOC_OK; i++) {
                    xval v;
                    st = eval1(q, step->assign[i], &row, &v);
                    size_t dc = n_in + (size_t)step->assign_cols[i];
                    ext[dc] = msoc_exec__convert(q, v, n->cols[dc].type);
                }
                if (st != MSOC_OK)
                    break;
                for (size_t c = 0; c < w; c++)
                    ext[c] = keep(q, main, ext[c]);
                scan_state *dst = &states[kk];
                if (check == 1) {
                    scan_state *from = (scan_state *)(uintptr_t)src;
                    memset(dst->recs, 0, (kk + 1) * w * sizeof(xval));
                    memcpy(dst->recs, from->recs, n_recs * w * sizeof(xval));
                    dst->match_id = from->match_id;
                    dst->last_out = 0;
                    from->is_active = false;
                } else if (kk == 0) {
                    dst->match_id = next_match++;
                    dst->last_out = 0;
                }
                dst->is_active = true;
                memcpy(dst->recs + kk * w, ext, w * sizeof(xval));
                if (step->output != 2) {
                    if (step->output == 1 && dst->last_out)
                        MSOC_VEC_AT(&outs, out_row, dst->last_out - 1).is_deleted = true;
                    q->arena = main;
                    xval *vals = msoc_exec__calloc(q, w + 1, sizeof *vals);
                    q->arena = scratch;
                    out_row *o = vals ? msoc_vec_push(&outs) : NULL;
                    if (o == NULL) {
                        st = q->err->code != MSOC_OK ? q->err->code
                                                     : msoc_fail(q->err, MSOC_LIMIT, "scan: too many output rows");
                        break;
                    }
                    memcpy(vals, ext, w * sizeof *vals);
                    o->vals = vals;
                    o->match_id = dst->match_id;
                    o->is_deleted = false;
                    dst->last_out = outs.n;
                }
                break; /* a check 1 match skips check 2 */
            }
        }
        q->arena = main;
        msoc_arena_reset(scratch);
        if ((r & 0x3ff) == 0x3ff && st == MSOC_OK)
            st = msoc_exec__check(q);
    }
    q->arena = main;
    msoc_arena_free(scratch);
    if (st != MSOC_OK) {
        msoc_vec_fini(&outs);
        return st;
    }
    size_t n_out = 0;
    for (size_t i = 0; i < outs.n; i++)
        n_out += !MSOC_VEC_AT(&outs, out_row, i).is_deleted;
    msoc_exec_table *t = msoc_exec__table_for(q, n, n_out);
    if (t == NULL) {
        msoc_vec_fini(&outs);
        return q->err->code;
    }
    for (size_t i = 0, o = 0; i < outs.n; i++) {
        const out_row *orow = &MSOC_VEC_AT(&outs, out_row, i);
        if (orow->is_deleted)
            continue;
        for (size_t c = 0; c < w; c++)
            msoc_exec__col_set(q, t->cols[c], o, orow->vals[c]);
        if (sc->has_match_id)
            msoc_exec__col_set(q, t->cols[w], o, xv_long(orow->match_id));
        o++;
    }
    msoc_vec_fini(&outs);
    *out = t;
    return q->err->code;
}
