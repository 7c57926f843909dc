/* The activity plugins over (id, time[, dims]) rows:
 *  activity_counts_metrics(id, t, start, end, window, dims...): per window from start
 *    to end: count, dcount, new_dcount (ids not seen in an earlier window),
 *    aggregated_dcount (ids seen from start through this window);
 *  sliding_window_counts(id, t, start, end, lookback, bin, dims...): per bin, Count
 *    and Dcount over [bin + bin_size - lookback, bin + bin_size);
 *  active_users_count(id, t, start, end, lookback, period, n, bin, dims...): per bin,
 *    the ids that at some record of theirs in the bin were seen in at least n
 *    distinct periods within (t - lookback, t]; bins with none are left out;
 *  rolling_percentile(v, p, t, bin, window, dims...): per bin with data, the
 *    nearest-rank percentile of v over the last `window` bins.
 * Groups of equal dims are computed separately. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"

/* Times and bounds beyond this are refused, so sums of two never overflow. */
#define TIME_LIMIT ((int64_t)1 << 61)

typedef struct arow {
    size_t row;
    int64_t t;
    uint64_t id_hash;
} arow;

static int arow_cmp(const void *a, const void *b)
{
    const arow *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static msoc_status const_i64(xq *q, const msoc_plan_node *n, const msoc_plan_expr *e, int64_t *out)
{
    msoc_exec_table one = {0};
    one.n_rows = 1;
    msoc_exec_col *c;
    msoc_status st = msoc_exec__eval(q, e, &one, &c);
    if (st != MSOC_OK)
        return st;
    xval v = msoc_exec__col_get(c, 0);
    if (v.is_null)
        return msoc_fail_pos(q->err, MSOC_SEMANTIC, n->line, n->col_no, "%s", "the plugin's bounds must be constants");
    if (xtype_is_real(v.t) ? !(fabs(v.r) < 4e18) : (v.i < -TIME_LIMIT || v.i > TIME_LIMIT))
        return msoc_fail_pos(q->err, MSOC_SEMANTIC, n->line, n->col_no, "%s", "the plugin's bounds are out of range");
    *out = xtype_is_real(v.t) ? (int64_t)llround(v.r) : v.i;
    if (*out < -TIME_LIMIT || *out > TIME_LIMIT)
        return msoc_fail_pos(q->err, MSOC_SEMANTIC, n->line, n->col_no, "%s", "the plugin's bounds are out of range");
    return MSOC_OK;
}

/* A small set of id hashes (open addressing; 0 is mapped to 1). */
typedef struct idset {
    uint64_t *slots;
    size_t cap, n;
} idset;

static bool idset_add(xq *q, idset *s, uint64_t h)
{
    if (h == 0)
        h = 1;
    if (s->n * 2 >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        uint64_t *ns = msoc_exec__calloc(q, cap, sizeof *ns);
        if (ns == NULL)
            return false;
        for (size_t i = 0; i < s->cap; i++) {
            if (s->slots[i] == 0)
                continue;
            size_t k = (size_t)s->slots[i] & (cap - 1);
            while (ns[k])
                k = (k + 1) & (cap - 1);
            ns[k] = s->slots[i];
        }
        s->slots = ns;
        s->cap = cap;
    }
    size_t k = (size_t)h & (s->cap - 1);
    while (s->slots[k] && s->slots[k] != h)
        k = (k + 1) & (s->cap - 1);
    if (s->slots[k] == h)
        return false;
    s->slots[k] = h;
    s->n++;
    return true;
}

static bool idset_has(const idset *s, uint64_t h)
{
    if (h == 0)
        h = 1;
    if (s->cap == 0)
        return false;
    size_t k = (size_t)h & (s->cap - 1);
    while (s->slots[k]) {
        if (s->slots[k] == h)
            return true;
        k = (k + 1) & (s->cap - 1);
    }
    return false;
}

typedef struct emit {
    msoc_vec rows;   /* int64_t tuples: time, group first row, then the metrics */
    size_t width;
} emit;

static bool emit_row(emit *e, const int64_t *vals)
{
    for (size_t i = 0; i < e->width; i++) {
        int64_t *slot = msoc_vec_push(&e->rows);
        if (slot == NULL)
            return false;
        *slot = vals[i];
    }
    return true;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t d = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? d - 1 : d;
}

/* One group's rows (sorted by time). */
static msoc_status run_group(xq *q, const msoc_plan_node *n, const arow *rs, size_t m, const int64_t *p,
                             const msoc_exec_col *vcol, size_t group_row, emit *e)
{
    int64_t vals[8];
    vals[1] = (int64_t)group_row;
    switch (n->eval_op) {
    case MSOC_PLAN_EV_ACTIVITY_COUNTS: {
        int64_t start = p[0], end = p[1], win = p[2];
        idset all = {0};
        size_t i = 0;
        while (i < m && rs[i].t < start)
            i++;
        for (int64_t w = start; w <= end; w += win) {
            idset cur = {0};
            int64_t count = 0, n_new = 0;
            for (; i < m && rs[i].t < w + win && rs[i].t <= end + win; i++) {
                count++;
                if (idset_add(q, &cur, rs[i].id_hash) && !idset_has(&all, rs[i].id_hash))
                    n_new++;
            }
            for (size_t k = 0; k < cur.cap; k++)
                if (cur.slots[k])
                    idset_add(q, &all, cur.slots[k]);
            vals[0] = w;
            vals[2] = count;
            vals[3] = (int64_t)cur.n;
            vals[4] = n_new;
            vals[5] = (int64_t)all.n;
            if (!emit_row(e, vals))
                return msoc_fail(q->err, MSOC_LIMIT, "activity plugin: too many rows");
            if (q->err->code != MSOC_OK)
                return q->err->code;
        }
        return MSOC_OK;
    }
    case MSOC_PLAN_EV_SLIDING_COUNTS: {
        int64_t start = p[0], end = p[1], look = p[2], bin = p[3];
        for (int64_t b = start; b <= end; b += bin) {
            int64_t lo = b + bin - look, hi = b + bin;
            idset cur = {0};
            int64_t count = 0;
            for (size_t i = 0; i < m; i++) {
                if (rs[i].t < lo || rs[i].t >= hi)
                    continue;
                count++;
                idset_add(q, &cur, rs[i].id_hash);
            }
            vals[0] = b;
            vals[2] = count;
            vals[3] = (int64_t)cur.n;
            if (!emit_row(e, vals))
                return msoc_fail(q->err, MSOC_LIMIT, "activity plugin: too many rows");
            if (q->err->code != MSOC_OK)
                return q->err->code;
        }
        return MSOC_OK;
    }
    case MSOC_PLAN_EV_ACTIVE_USERS: {
        int64_t start = p[0], end = p[1], look = p[2], period = p[3], need = p[4], bin = p[5];
        /* per bin, the active ids */
        for (int64_t b = start; b <= end; b += bin) {
            idset active = {0};
            for (size_t i = 0; i < m; i++) {
                if (rs[i].t < b || rs[i].t >= b + bin || rs[i].t > end + bin)
                    continue;
                if (idset_has(&active, rs[i].id_hash))
                    continue;
                idset periods = {0};
                for (size_t j = 0; j < m; j++) {
                    if (rs[j].id_hash != rs[i].id_hash || rs[j].t <= rs[i].t - look || rs[j].t > rs[i].t)
                        continue;
                    idset_add(q, &periods, (uint64_t)floor_div(rs[j].t, period) * 0x9e3779b97f4a7c15ull + 7);
                }
                if ((int64_t)periods.n >= need)
                    idset_add(q, &active, rs[i].id_hash);
            }
            if (active.n == 0)
                continue;
            vals[0] = b;
            vals[2] = (int64_t)active.n;
            if (!emit_row(e, vals))
                return msoc_fail(q->err, MSOC_LIMIT, "activity plugin: too many rows");
            if (q->err->code != MSOC_OK)
                return q->err->code;
        }
        return MSOC_OK;
    }
    case MSOC_PLAN_EV_ROLLING_PCT: {
        int64_t bin = p[0], window = p[1];
        double pct = (double)p[2] / 1e6;
        if (m == 0)
            return MSOC_OK;
        double *buf = msoc_exec__calloc(q, m + 1, sizeof *buf);
        if (buf == NULL)
            return q->err->code;
        for (size_t i = 0; i < m;) {
            int64_t b = floor_div(rs[i].t, bin) * bin;
            size_t k = 0;
            for (size_t j = 0; j < m; j++) {
                int64_t bj = floor_div(rs[j].t, bin) * bin;
                if (bj > b || bj <= b - window * bin)
                    continue;
                xval v = msoc_exec__col_get(vcol, rs[j].row);
                if (!v.is_null)
                    buf[k++] = xtype_is_real(v.t) ? v.r : (double)v.i;
            }
            while (i < m && floor_div(rs[i].t, bin) * bin == b)
                i++;
            if (k == 0)
                continue;
            for (size_t x = 1; x < k; x++) {
                double key = buf[x];
                size_t y = x;
                for (; y > 0 && buf[y - 1] > key; y--)
                    buf[y] = buf[y - 1];
                buf[y] = key;
            }
            double rank = ceil(pct / 100.0 * (double)k);
            size_t idx = rank < 1 ? 0 : (size_t)rank - 1;
            if (idx >= k)
                idx = k - 1;
            vals[0] = b;
            double res = buf[idx];
            memcpy(&vals[2], &res, sizeof res);
            if (!emit_row(e, vals))
                return msoc_fail(q->err, MSOC_LIMIT, "activity plugin: too many rows");
        }
        return MSOC_OK;
    }
    default: return msoc_fail(q->err, MSOC_INTERNAL, "activity op %d", (int)n->eval_op);
    }
}

msoc_status msoc_exec__op_activity(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                   const msoc_exec_table **out)
{
    bool is_pct = n->eval_op == MSOC_PLAN_EV_ROLLING_PCT;
    size_t first_dim = n->eval_op == MSOC_PLAN_EV_ACTIVITY_COUNTS ? 5
                     : n->eval_op == MSOC_PLAN_EV_SLIDING_COUNTS ? 6
                     : n->eval_op == MSOC_PLAN_EV_ACTIVE_USERS ? 8
                                                                : 5;
    size_t n_dims = n->n_eval_args > first_dim ? n->n_eval_args - first_dim : 0;
    /* constant parameters */
    int64_t p[8] = {0};
    size_t n_p = 0;
    msoc_status st;
    if (is_pct) {
        st = const_i64(q, n, n->eval_args[3], &p[0]);
        if (st == MSOC_OK)
            st = const_i64(q, n, n->eval_args[4], &p[1]);
        if (st != MSOC_OK)
            return st;
        msoc_exec_table one = {0};
        one.n_rows = 1;
        msoc_exec_col *c;
        st = msoc_exec__eval(q, n->eval_args[1], &one, &c);
        if (st != MSOC_OK)
            return st;
        xval pv = msoc_exec__col_get(c, 0);
        p[2] = (int64_t)llround((xtype_is_real(pv.t) ? pv.r : (double)pv.i) * 1e6);
        if (p[0] <= 0 || p[1] <= 0 || p[1] > 1000000 || p[0] > TIME_LIMIT / p[1])
            return msoc_fail_pos(q->err, MSOC_SEMANTIC, n->line, n->col_no, "rolling_percentile: bin and window must be positive");
    } else {
        for (size_t i = 2; i < first_dim; i++) {
            st = const_i64(q, n, n->eval_args[i], &p[n_p++]);
            if (st != MSOC_OK)
                return st;
        }
        int64_t step = n->eval_op == MSOC_PLAN_EV_ACTIVITY_COUNTS ? p[2]
                     : n->eval_op == MSOC_PLAN_EV_SLIDING_COUNTS ? p[3]
                                                                 : p[5];
        if (step <= 0 || (n->eval_op == MSOC_PLAN_EV_ACTIVE_USERS && p[3] <= 0))
            return msoc_fail_pos(q->err, MSOC_SEMANTIC, n->line, n->col_no, "the plugin's bin and period must be positive");
        if ((p[1] - p[0]) / step > 1000000)
            return msoc_fail_pos(q->err, MSOC_LIMIT, n->line, n->col_no, "the plugin's range has too many bins");
    }
    msoc_exec_col *idc = NULL, *tc, **dims = msoc_exec__calloc(q, n_dims + 1, sizeof *dims);
    if (dims == NULL)
        return q->err->code;
    st = msoc_exec__eval(q, n->eval_args[is_pct ? 0 : 0], in, &idc);
    if (st == MSOC_OK)
        st = msoc_exec__eval(q, n->eval_args[is_pct ? 2 : 1], in, &tc);
    for (size_t d = 0; d < n_dims && st == MSOC_OK; d++)
        st = msoc_exec__eval(q, n->eval_args[first_dim + d], in, &dims[d]);
    if (st != MSOC_OK)
        return st;
    /* rows by dims group, sorted by time */
    size_t rows = in->n_rows;
    arow *rs = msoc_exec__calloc(q, rows + 1, sizeof *rs);
    size_t *gid = msoc_exec__calloc(q, rows + 1, sizeof *gid);
    size_t *first = msoc_exec__calloc(q, rows + 1, sizeof *first);
    size_t cap = 16;
    while (cap < rows * 2)
        cap <<= 1;
    size_t *slots = msoc_exec__calloc(q, cap, sizeof *slots);
    if (rs == NULL || gid == NULL || first == NULL || slots == NULL)
        return q->err->code;
    size_t n_groups = 0, m = 0;
    for (size_t r = 0; r < rows; r++) {
        xval tv = msoc_exec__col_get(tc, r);
        if (tv.is_null || (xtype_is_real(tv.t) ? !(fabs(tv.r) < 2e18) : (tv.i < -TIME_LIMIT || tv.i > TIME_LIMIT)))
            continue;
        size_t h = (size_t)msoc_exec__row_hash(dims, n_dims, r) & (cap - 1);
        while (slots[h] != 0 && !msoc_exec__row_eq(dims, first[slots[h] - 1], dims, r, n_dims))
            h = (h + 1) & (cap - 1);
        if (slots[h] == 0) {
            first[n_groups] = r;
            slots[h] = ++n_groups;
        }
        gid[m] = slots[h] - 1;
        rs[m].row = r;
        rs[m].t = xtype_is_real(tv.t) ? (int64_t)llround(tv.r) : tv.i;
        rs[m].id_hash = is_pct ? 0 : msoc_exec__hash(msoc_exec__col_get(idc, r));
        m++;
    }
    emit e;
    e.width = 8;
    msoc_vec_init(&e.rows, sizeof(int64_t), (size_t)1 << 28);
    arow *grs = msoc_exec__calloc(q, m + 1, sizeof *grs);
    if (grs == NULL) {
        msoc_vec_fini(&e.rows);
        return q->err->code;
    }
    for (size_t g = 0; g < n_groups && st == MSOC_OK; g++) {
        size_t k = 0;
        for (size_t i = 0; i < m; i++)
            if (gid[i] == g)
                grs[k++] = rs[i];
        qsort(grs, k, sizeof *grs, arow_cmp);
        st = run_group(q, n, grs, k, p, idc, first[g], &e);
    }
    if (n_groups == 0 && n_dims == 0 && !is_pct && n->eval_op != MSOC_PLAN_EV_ACTIVE_USERS && st == MSOC_OK)
        st = run_group(q, n, grs, 0, p, idc, 0, &e);
    if (st != MSOC_OK) {
        msoc_vec_fini(&e.rows);
        return st;
    }
    size_t n_out = e.rows.n / e.width;
    msoc_exec_table *t = msoc_exec__table_for(q, n, n_out);
    if (t == NULL) {
        msoc_vec_fini(&e.rows);
        return q->err->code;
    }
    size_t n_metrics = n->n_cols - 1 - n_dims;
    for (size_t o = 0; o < n_out; o++) {
        const int64_t *v = &MSOC_VEC_AT(&e.rows, int64_t, o * e.width);
        msoc_exec__col_set(q, t->cols[0], o, xv_typed_i(tc->type, v[0]));
        for (size_t d = 0; d < n_dims; d++)
            msoc_exec__col_set(q, t->cols[1 + d], o, msoc_exec__col_get(dims[d], (size_t)v[1]));
        for (size_t k = 0; k < n_metrics; k++) {
            xval x;
            if (is_pct) {
                double r;
                memcpy(&r, &v[2], sizeof r);
                x = xv_real(r);
            } else {
                x = xv_long(v[2 + k]);
            }
            msoc_exec__col_set(q, t->cols[1 + n_dims + k], o, x);
        }
    }
    msoc_vec_fini(&e.rows);
    *out = t;
    return q->err->code;
}
