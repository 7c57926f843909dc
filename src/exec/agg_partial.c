/* Two-phase summarize for storage pipelines: each scan chunk is aggregated on its
 * pool thread into a small partial result (its groups' keys, copied out of the
 * chunk, and a mergeable state per aggregate), and the partials are merged into
 * the output at the end. Covers the aggregates whose state merges exactly: count,
 * countif, sum, sumif, avg, avgif, min, max, minif, maxif, dcount, dcountif (HLL).
 * The output is the same as op_agg.c's single pass over all rows (real sums may
 * differ in the last bits, as the additions run in another order). */
#include <math.h>
#include <string.h>

#include "exec_int.h"

typedef struct pstate {
    int64_t *cnt;  /* count, countif; rows summed by sum/avg */
    int64_t *is;   /* sum of integers */
    double *rs;    /* sum as real */
    xval *best;    /* min/max; t == MSOC_TYPE_NULL until a value was seen */
    xhll *hll;     /* dcount */
} pstate;

struct xagg_part {
    size_t n_groups;
    size_t n_rows;            /* input rows this partial aggregated */
    msoc_exec_col **keys;     /* n_keys columns of n_groups rows, owned by the keep arena */
    uint64_t *hashes;         /* per group: the key hash (msoc_exec__hash_cols) */
    pstate *st;               /* per aggregate */
};

typedef enum pkind { PK_COUNT, PK_SUM, PK_MINMAX, PK_DCOUNT, PK_NONE } pkind;

static pkind kind_of(msoc_plan_fn fn)
{
    switch (fn) {
    case MSOC_PLAN_FN_COUNT:
    case MSOC_PLAN_FN_COUNTIF: return PK_COUNT;
    case MSOC_PLAN_FN_SUM:
    case MSOC_PLAN_FN_SUMIF:
    case MSOC_PLAN_FN_AVG:
    case MSOC_PLAN_FN_AVGIF: return PK_SUM;
    case MSOC_PLAN_FN_MIN:
    case MSOC_PLAN_FN_MAX:
    case MSOC_PLAN_FN_MINIF:
    case MSOC_PLAN_FN_MAXIF: return PK_MINMAX;
    case MSOC_PLAN_FN_DCOUNT:
    case MSOC_PLAN_FN_DCOUNTIF: return PK_DCOUNT;
    default: return PK_NONE;
    }
}

static bool expr_is_row_local(const msoc_plan_expr *e)
{
    if (e == NULL)
        return true;
    if (e->kind == MSOC_PLAN_X_SUB)
        return false;
    if (e->kind == MSOC_PLAN_X_CALL && msoc_plan_fn_get(e->fn)->kind == MSOC_PLAN_FK_WINDOW)
        return false;
    for (size_t i = 0; i < e->n_args; i++)
        if (!expr_is_row_local(e->args[i]))
            return false;
    return true;
}

bool msoc_exec__agg_can_partial(const msoc_plan_node *agg)
{
    for (size_t k = 0; k < agg->n_exprs; k++)
        if (!expr_is_row_local(agg->exprs[k]))
            return false;
    for (size_t a = 0; a < agg->n_aggs; a++) {
        if (kind_of(agg->aggs[a].fn) == PK_NONE || agg->aggs[a].n_out != 1)
            return false;
        for (size_t i = 0; i < agg->aggs[a].n_args; i++)
            if (!expr_is_row_local(agg->aggs[a].args[i]))
                return false;
    }
    return true;
}

static bool truthy(const msoc_exec_col *c, size_t r)
{
    if (c->type == MSOC_TYPE_BOOL && !c->is_absent)
        return !(c->nulls && c->nulls[r]) && c->v.i[r] != 0;
    xval v = msoc_exec__col_get(c, r);
    if (v.t == MSOC_TYPE_DYNAMIC && !v.is_null)
        v = msoc_exec__from_json(v.d);
    return !v.is_null && (v.t == MSOC_TYPE_BOOL || xtype_is_int(v.t)) && v.i != 0;
}

static bool is_nullish(xval v)
{
    return v.is_null && !xtype_is_str(v.t);
}

static int minmax_sign(msoc_plan_fn fn)
{
    return (fn == MSOC_PLAN_FN_MAX || fn == MSOC_PLAN_FN_MAXIF) ? 1 : -1;
}

static bool is_if_fn(msoc_plan_fn fn)
{
    return fn == MSOC_PLAN_FN_COUNTIF || fn == MSOC_PLAN_FN_SUMIF || fn == MSOC_PLAN_FN_AVGIF ||
           fn == MSOC_PLAN_FN_MINIF || fn == MSOC_PLAN_FN_MAXIF || fn == MSOC_PLAN_FN_DCOUNTIF;
}

/* A copy of v whose string bytes live in q's current arena. */
static xval own_val(xq *q, xval v)
{
    if (xtype_is_str(v.t) && v.s.len > 0)
        v.s = msoc_exec__strdup(q, v.s.ptr, v.s.len);
    return v;
}

static int dcount_precision(xq *q, const msoc_plan_agg *agg, msoc_exec_col **args, size_t n)
{
    size_t acc_arg = agg->fn == MSOC_PLAN_FN_DCOUNTIF ? 2 : 1;
    int64_t accuracy = 1;
    if (agg->n_args > acc_arg && n > 0) {
        xval a = msoc_exec__col_get(args[acc_arg], 0);
        if (!a.is_null)
            accuracy = msoc_exec__convert(q, a, MSOC_TYPE_LONG).i;
    }
    return msoc_exec__dsk_precision(accuracy);
}

/* Folds the chunk's rows into st (allocated from keep). */
static msoc_status accumulate(xq *q, const msoc_plan_agg *agg, msoc_exec_col **args, size_t n,
                              const size_t *gid, size_t n_groups, msoc_arena *keep, pstate *st)
{
    msoc_plan_fn fn = agg->fn;
    bool is_if = is_if_fn(fn);
    size_t ng = n_groups + 1;
    switch (kind_of(fn)) {
    case PK_COUNT:
        st->cnt = msoc_arena_calloc(keep, ng, sizeof *st->cnt);
        if (st->cnt == NULL)
            return msoc_arena_fail(keep, q->err);
        if (is_if) {
            for (size_t r = 0; r < n; r++)
                st->cnt[gid[r]] += truthy(args[0], r);
        } else {
            /* count(x) counts rows, nulls included, as op_agg.c */
            for (size_t r = 0; r < n; r++)
                st->cnt[gid[r]]++;
        }
        return MSOC_OK;
    case PK_SUM:
        st->cnt = msoc_arena_calloc(keep, ng, sizeof *st->cnt);
        st->is = msoc_arena_calloc(keep, ng, sizeof *st->is);
        st->rs = msoc_arena_calloc(keep, ng, sizeof *st->rs);
        if (st->cnt == NULL || st->is == NULL || st->rs == NULL)
            return msoc_arena_fail(keep, q->err);
        for (size_t r = 0; r < n; r++) {
            if (is_if && !truthy(args[1], r))
                continue;
            xval v = msoc_exec__col_get(args[0], r);
            if (v.t == MSOC_TYPE_DYNAMIC && !v.is_null)
                v = msoc_exec__from_json(v.d);
            if (is_nullish(v) || xtype_is_str(v.t) || v.t == MSOC_TYPE_DYNAMIC)
                continue;
            size_t g = gid[r];
            if (xtype_is_real(v.t)) {
                st->rs[g] += v.r;
            } else {
                st->is[g] += v.i;
                st->rs[g] += (double)v.i;
            }
            st->cnt[g]++;
        }
        return MSOC_OK;
    case PK_MINMAX: {
        int sign = minmax_sign(fn);
        int64_t *best = msoc_exec__alloc(q, ng * sizeof *best);
        st->best = msoc_arena_calloc(keep, ng, sizeof *st->best);
        if (best == NULL)
            return q->err->code;
        if (st->best == NULL)
            return msoc_arena_fail(keep, q->err);
        for (size_t g = 0; g < n_groups; g++)
            best[g] = -1;
        for (size_t r = 0; r < n; r++) {
            if (is_if && !truthy(args[1], r))
                continue;
            xval v = msoc_exec__col_get(args[0], r);
            if (is_nullish(v) || (v.t == MSOC_TYPE_STRING && v.s.len == 0))
                continue;
            size_t g = gid[r];
            if (best[g] < 0 || msoc_exec__cmp(v, msoc_exec__col_get(args[0], (size_t)best[g])) * sign > 0)
                best[g] = (int64_t)r;
        }
        msoc_arena *chunk = q->arena;
        q->arena = keep;
        for (size_t g = 0; g < n_groups; g++) {
            st->best[g].t = MSOC_TYPE_NULL;
            if (best[g] >= 0)
                st->best[g] = own_val(q, msoc_exec__col_get(args[0], (size_t)best[g]));
        }
        q->arena = chunk;
        return q->err->code;
    }
    case PK_DCOUNT: {
        int p = dcount_precision(q, agg, args, n);
        st->hll = msoc_arena_calloc(keep, ng, sizeof *st->hll);
        uint64_t *hv = msoc_exec__alloc(q, (n + 1) * sizeof *hv);
        if (hv == NULL)
            return q->err->code;
        if (st->hll == NULL)
            return msoc_arena_fail(keep, q->err);
        for (size_t g = 0; g < n_groups; g++)
            msoc_exec__dsk_init(&st->hll[g], p);
        msoc_exec__hash_keys(&args[0], 1, n, hv);
        bool may_be_null = args[0]->nulls || args[0]->is_absent || args[0]->type == MSOC_TYPE_DYNAMIC;
        for (size_t r = 0; r < n; r++) {
            if (is_if && !truthy(args[1], r))
                continue;
            if (may_be_null && is_nullish(msoc_exec__col_get(args[0], r)))
                continue;
            if (!msoc_exec__dsk_add(keep, &st->hll[gid[r]], hv[r]))
                return msoc_arena_fail(keep, q->err);
        }
        return MSOC_OK;
    }
    case PK_NONE: break;
    }
    return msoc_fail(q->err, MSOC_INTERNAL, "aggregate %s() has no partial form", msoc_plan_fn_get(fn)->name);
}

msoc_status msoc_exec__agg_partial(xq *q, const msoc_plan_node *agg, const msoc_exec_table *in,
                                   msoc_arena *keep, xagg_part **out)
{
    size_t n = in->n_rows;
    size_t n_keys = agg->n_exprs;
    xagg_part *p = msoc_arena_calloc(keep, 1, sizeof *p);
    if (p == NULL)
        return msoc_arena_fail(keep, q->err);
    p->n_rows = n;
    p->keys = msoc_arena_calloc(keep, n_keys + 1, sizeof *p->keys);
    p->st = msoc_arena_calloc(keep, agg->n_aggs + 1, sizeof *p->st);
    if (p->keys == NULL || p->st == NULL)
        return msoc_arena_fail(keep, q->err);
    msoc_exec_col **keys = NULL;
    xgroups gt = {0};
    msoc_status st = msoc_exec__group_by_keys(q, agg, in, &keys, &gt);
    if (st != MSOC_OK)
        return st;
    size_t ng = gt.n_groups;
    p->n_groups = ng;
    for (size_t a = 0; a < agg->n_aggs; a++) {
        const msoc_plan_agg *ag = &agg->aggs[a];
        msoc_exec_col **args = msoc_exec__calloc(q, ag->n_args + 1, sizeof *args);
        if (args == NULL)
            return q->err->code;
        for (size_t i = 0; i < ag->n_args; i++) {
            st = msoc_exec__eval(q, ag->args[i], in, &args[i]);
            if (st != MSOC_OK)
                return st;
        }
        st = accumulate(q, ag, args, n, gt.gid, ng, keep, &p->st[a]);
        if (st != MSOC_OK)
            return st;
    }
    /* the groups' keys and hashes, out of the chunk's memory */
    msoc_arena *chunk = q->arena;
    q->arena = keep;
    p->hashes = msoc_exec__alloc(q, (ng + 1) * sizeof *p->hashes);
    if (p->hashes != NULL)
        memcpy(p->hashes, gt.hashes, ng * sizeof *p->hashes);
    for (size_t k = 0; k < n_keys && q->err->code == MSOC_OK; k++) {
        msoc_exec_col *c = msoc_exec__col_new(q, keys[k]->type, ng);
        if (c == NULL)
            break;
        for (size_t g = 0; g < ng; g++)
            msoc_exec__col_set(q, c, g, own_val(q, msoc_exec__col_get(keys[k], gt.first_row[g])));
        p->keys[k] = c;
    }
    q->arena = chunk;
    if (q->err->code != MSOC_OK)
        return q->err->code;
    *out = p;
    return MSOC_OK;
}

/* Folds group g of src's state into group gg of the merged state dst. */
static bool merge_state(xq *q, const msoc_plan_agg *agg, pstate *dst, size_t gg, const pstate *src, size_t g)
{
    switch (kind_of(agg->fn)) {
    case PK_COUNT: dst->cnt[gg] += src->cnt[g]; return true;
    case PK_SUM:
        dst->cnt[gg] += src->cnt[g];
        dst->is[gg] += src->is[g];
        dst->rs[gg] += src->rs[g];
        return true;
    case PK_MINMAX:
        if (src->best[g].t == MSOC_TYPE_NULL)
            return true;
        if (dst->best[gg].t == MSOC_TYPE_NULL ||
            msoc_exec__cmp(src->best[g], dst->best[gg]) * minmax_sign(agg->fn) > 0)
            dst->best[gg] = src->best[g];
        return true;
    case PK_DCOUNT:
        if (dst->hll[gg].p == 0)
            msoc_exec__dsk_init(&dst->hll[gg], src->hll[g].p);
        return msoc_exec__dsk_merge(q->arena, &dst->hll[gg], &src->hll[g]);
    case PK_NONE: break;
    }
    return true;
}

static bool alloc_state(xq *q, const msoc_plan_agg *agg, pstate *st, size_t ng)
{
    switch (kind_of(agg->fn)) {
    case PK_COUNT: st->cnt = msoc_exec__calloc(q, ng + 1, sizeof *st->cnt); return st->cnt != NULL;
    case PK_SUM:
        st->cnt = msoc_exec__calloc(q, ng + 1, sizeof *st->cnt);
        st->is = msoc_exec__calloc(q, ng + 1, sizeof *st->is);
        st->rs = msoc_exec__calloc(q, ng + 1, sizeof *st->rs);
        return st->cnt && st->is && st->rs;
    case PK_MINMAX:
        st->best = msoc_exec__calloc(q, ng + 1, sizeof *st->best);
        if (st->best == NULL)
            return false;
        for (size_t g = 0; g < ng; g++)
            st->best[g].t = MSOC_TYPE_NULL;
        return true;
    case PK_DCOUNT: st->hll = msoc_exec__calloc(q, ng + 1, sizeof *st->hll); return st->hll != NULL;
    case PK_NONE: break;
    }
    return true;
}

/* Writes the merged state of every group into the output column o (as op_agg.c). */
static void finish(xq *q, const msoc_plan_agg *agg, const pstate *st, size_t ng, size_t n_rows,
                   msoc_exec_col *o, int default_p)
{
    bool is_avg = agg->fn == MSOC_PLAN_FN_AVG || agg->fn == MSOC_PLAN_FN_AVGIF;
    for (size_t g = 0; g < ng; g++) {
        switch (kind_of(agg->fn)) {
        case PK_COUNT: o->v.i[g] = st->cnt[g]; break;
        case PK_SUM:
            if (is_avg) {
                if (st->cnt[g] == 0 && n_rows == 0 && xtype_is_real(o->type))
                    o->v.r[g] = NAN; /* avg over no rows at all: 0/0, as op_agg.c */
                else if (st->cnt[g] == 0)
                    msoc_exec__col_set_null(q, o, g);
                else if (o->type == MSOC_TYPE_TIMESPAN)
                    o->v.i[g] = (int64_t)(st->rs[g] / (double)st->cnt[g]);
                else
                    o->v.r[g] = st->rs[g] / (double)st->cnt[g];
            } else if (st->cnt[g] == 0 && xtype_is_real(o->type)) {
                o->v.r[g] = 0;
                if (ng == 1 && n_rows == 0)
                    msoc_exec__col_set_null(q, o, g);
            } else if (xtype_is_real(o->type)) {
                o->v.r[g] = st->rs[g];
            } else {
                o->v.i[g] = st->is[g];
            }
            break;
        case PK_MINMAX:
            if (st->best[g].t == MSOC_TYPE_NULL)
                msoc_exec__col_set_null(q, o, g);
            else
                msoc_exec__col_set(q, o, g, st->best[g]);
            break;
        case PK_DCOUNT: {
            xhll empty;
            msoc_exec__dsk_init(&empty, default_p);
            o->v.i[g] = msoc_exec__dsk_estimate(st->hll[g].p ? &st->hll[g] : &empty);
            break;
        }
        case PK_NONE: break;
        }
    }
}

msoc_status msoc_exec__agg_merge(xq *q, const msoc_plan_node *agg, xagg_part *const *parts,
                                 size_t n_parts, const msoc_exec_table **out)
{
    size_t n_keys = agg->n_exprs;
    size_t total = 0, n_rows = 0;
    for (size_t i = 0; i < n_parts; i++) {
        if (parts[i]) {
            total += parts[i]->n_groups;
            n_rows += parts[i]->n_rows;
        }
    }
    /* global group ids: open addressing over (partial, group) representatives */
    size_t cap = 16;
    while (cap < total * 2)
        cap <<= 1;
    int64_t *slots = msoc_exec__calloc(q, cap, sizeof *slots);
    size_t *rep_part = msoc_exec__alloc(q, (total + 1) * sizeof *rep_part);
    size_t *rep_group = msoc_exec__alloc(q, (total + 1) * sizeof *rep_group);
    size_t **gmap = msoc_exec__calloc(q, n_parts + 1, sizeof *gmap);
    if (slots == NULL || rep_part == NULL || rep_group == NULL || gmap == NULL)
        return q->err->code;
    size_t ng = 0;
    for (size_t i = 0; i < n_parts; i++) {
        const xagg_part *p = parts[i];
        if (p == NULL)
            continue;
        gmap[i] = msoc_exec__alloc(q, (p->n_groups + 1) * sizeof *gmap[i]);
        if (gmap[i] == NULL)
            return q->err->code;
        for (size_t g = 0; g < p->n_groups; g++) {
            uint64_t h = p->hashes[g];
            size_t s = (size_t)h & (cap - 1);
            for (;;) {
                int64_t e = slots[s];
                if (e == 0) {
                    slots[s] = (int64_t)ng + 1;
                    rep_part[ng] = i;
                    rep_group[ng] = g;
                    gmap[i][g] = ng++;
                    break;
                }
                size_t id = (size_t)e - 1;
                const xagg_part *rp = parts[rep_part[id]];
                if (rp->hashes[rep_group[id]] == h &&
                    msoc_exec__key_eq(p->keys, g, rp->keys, rep_group[id], n_keys)) {
                    gmap[i][g] = id;
                    break;
                }
                s = (s + 1) & (cap - 1);
            }
        }
    }
    size_t n_out = ng;
    if (n_keys == 0 && n_out == 0)
        n_out = 1; /* summarize without by: one row even over no input */
    pstate *merged = msoc_exec__calloc(q, agg->n_aggs + 1, sizeof *merged);
    if (merged == NULL)
        return q->err->code;
    for (size_t a = 0; a < agg->n_aggs; a++)
        if (!alloc_state(q, &agg->aggs[a], &merged[a], n_out))
            return q->err->code;
    for (size_t i = 0; i < n_parts; i++) {
        const xagg_part *p = parts[i];
        if (p == NULL)
            continue;
        for (size_t a = 0; a < agg->n_aggs; a++)
            for (size_t g = 0; g < p->n_groups; g++)
                if (!merge_state(q, &agg->aggs[a], &merged[a], gmap[i][g], &p->st[a], g))
                    return msoc_arena_fail(q->arena, q->err);
        msoc_status st = msoc_exec__check(q);
        if (st != MSOC_OK)
            return st;
    }
    msoc_exec_table *t = msoc_exec__table_new(q, agg->n_cols, n_out);
    if (t == NULL)
        return q->err->code;
    for (size_t c = 0; c < agg->n_cols; c++) {
        t->names[c] = agg->cols[c].name;
        t->cols[c] = msoc_exec__col_new(q, agg->cols[c].type, n_out);
        if (t->cols[c] == NULL)
            return q->err->code;
    }
    for (size_t k = 0; k < n_keys; k++)
        for (size_t g = 0; g < ng; g++)
            msoc_exec__col_set(q, t->cols[k], g,
                               msoc_exec__col_get(parts[rep_part[g]]->keys[k], rep_group[g]));
    for (size_t a = 0; a < agg->n_aggs; a++) {
        if (n_keys + a >= t->n_cols)
            return msoc_fail(q->err, MSOC_INTERNAL, "summarize output columns out of range");
        int default_p = msoc_exec__dsk_precision(1);
        finish(q, &agg->aggs[a], &merged[a], n_out, n_rows, t->cols[n_keys + a], default_p);
    }
    if (q->err->code != MSOC_OK)
        return q->err->code;
    *out = t;
    return MSOC_OK;
}
