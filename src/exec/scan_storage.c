/* The storage-backed scan as a pipeline: each chunk (one extent block or memtable
 * snapshot) is read and pushed through the row-local operators above the scan
 * (where, project/extend, and the probe side of joins whose right side was built
 * first) on a pool thread with its own query-local state, and ends in a sink: the
 * surviving rows are copied out and stitched into one table, or a summarize folds
 * them into a partial aggregate merged at the end (agg_partial.c). Columns are
 * converted late: the leading filters convert only the columns their predicates
 * read, and the other columns are converted for the rows that pass. A `take` above
 * stops the scan early. The scan reads exactly the partitions the plan names (the
 * binder took them from the authorised catalog), with the projection and time
 * range pushed down. */
#include <stdatomic.h>
#include <string.h>

#include "exec_int.h"
#include "storage/storage.h"

typedef struct chunk_work {
    xq wq;                 /* the worker's query state (child arena, own error) */
    msoc_error err;
    msoc_status st;
    const msoc_exec_table *out;
    xagg_part *part;       /* the aggregation sink's partial */
} chunk_work;

typedef struct scan_job {
    xq *q;
    msoc_stor_scan *scan;
    const msoc_plan_node *node;
    const xpipe *pipe;
    const int *col_map;
    chunk_work *work;
    atomic_llong n_out;
} scan_job;

static void close_scan(void *p)
{
    msoc_stor_scan_close(p);
}

/* Converts rows sel[0..n) of src (sel NULL: the first n) into dst. */
static msoc_status convert_col(xq *q, msoc_exec_col *dst, const msoc_col *src, const size_t *sel, size_t n)
{
    bool is_src_str = src->type == MSOC_TYPE_STRING || src->type == MSOC_TYPE_GUID;
    if (xtype_is_str(dst->type) && is_src_str && src->dict_codes) {
        /* one view per dictionary entry: equal values share a pointer, which the
         * hashing and grouping fast paths key on */
        const msoc_col *d = src->dict;
        msoc_str *ents = msoc_exec__alloc(q, (d->n + 1) * sizeof *ents);
        if (ents == NULL)
            return q->err->code;
        for (size_t k = 0; k < d->n; k++) {
            uint32_t o0 = d->v.str.offsets[k], o1 = d->v.str.offsets[k + 1];
            ents[k] = o1 > o0 ? msoc_str_make(d->v.str.bytes + o0, o1 - o0) : MSOC_STR("");
        }
        const uint32_t *codes = src->dict_codes;
        if (sel) {
            for (size_t i = 0; i < n; i++)
                dst->v.s[i] = ents[codes[sel[i]]];
        } else {
            for (size_t i = 0; i < n; i++)
                dst->v.s[i] = ents[codes[i]];
        }
        return MSOC_OK;
    }
    if (xtype_is_int(dst->type) && src->nulls == NULL && src->dict_codes == NULL &&
        (src->type == MSOC_TYPE_LONG || src->type == MSOC_TYPE_DATETIME || src->type == MSOC_TYPE_TIMESPAN)) {
        const int64_t *x = src->v.i64;
        if (sel) {
            for (size_t i = 0; i < n; i++)
                dst->v.i[i] = x[sel[i]];
        } else {
            memcpy(dst->v.i, x, n * sizeof *x);
        }
        return MSOC_OK;
    }
    for (size_t i = 0; i < n; i++) {
        size_t r = sel ? sel[i] : i;
        bool is_null = msoc_col_is_null(src, r);
        if (is_null && !xtype_is_str(dst->type)) {
            msoc_exec__col_set_null(q, dst, i);
            continue;
        }
        switch (src->type) {
        case MSOC_TYPE_BOOL: dst->v.i[i] = src->v.u8[r]; break;
        case MSOC_TYPE_INT: dst->v.i[i] = src->v.i32[r]; break;
        case MSOC_TYPE_LONG:
        case MSOC_TYPE_DATETIME:
        case MSOC_TYPE_TIMESPAN: dst->v.i[i] = src->v.i64[r]; break;
        case MSOC_TYPE_REAL: dst->v.r[i] = src->v.f64[r]; break;
        default: {
            const msoc_col *sc = src;
            size_t sr = r;
            if (src->dict_codes) {
                sc = src->dict;
                sr = src->dict_codes[r];
            }
            msoc_str s = msoc_str_make(sc->v.str.bytes + sc->v.str.offsets[sr],
                                       sc->v.str.offsets[sr + 1] - sc->v.str.offsets[sr]);
            if (dst->type == MSOC_TYPE_DYNAMIC) {
                dst->v.d[i] = s.len ? msoc_exec__parse_json(q, s) : NULL;
            } else if (dst->type == MSOC_TYPE_DECIMAL) {
                double d = 0;
                msoc_str_to_double(s, &d);
                dst->v.r[i] = d;
            } else {
                dst->v.s[i] = s.len ? s : MSOC_STR("");
            }
            break;
        }
        }
    }
    return q->err->code;
}

static void mark_cols(const msoc_plan_expr *e, bool *need, size_t n_cols)
{
    if (e == NULL)
        return;
    if (e->kind == MSOC_PLAN_X_COL && e->col >= 0 && (size_t)e->col < n_cols)
        need[e->col] = true;
    for (size_t i = 0; i < e->n_args; i++)
        mark_cols(e->args[i], need, n_cols);
}

static msoc_exec_col *absent_col(xq *q, msoc_type t, size_t n)
{
    msoc_exec_col *col = msoc_exec__calloc(q, 1, sizeof *col);
    if (col == NULL)
        return NULL;
    col->type = t;
    col->n = n;
    col->is_absent = true;
    return col;
}

/* The chunk as a table: the leading filters of the pipeline run first, each over
 * only the columns its predicate reads; then the other columns are converted for
 * the surviving rows. *n_done gets the number of stages applied. */
static msoc_status load_chunk(scan_job *j, xq *q, const msoc_batch *batch, const msoc_exec_table **out,
                              size_t *n_done)
{
    const msoc_plan_node *node = j->node;
    size_t nc = node->n_cols;
    size_t n = batch->n_rows;
    size_t *sel = NULL; /* batch rows of the current rows; NULL = all */
    msoc_exec_table *t = msoc_exec__table_new(q, nc, n);
    bool *need = msoc_exec__calloc(q, nc + 1, 1);
    if (t == NULL || need == NULL)
        return q->err->code;
    for (size_t c = 0; c < nc; c++)
        t->names[c] = node->cols[c].name;
    size_t si = 0;
    for (; si < j->pipe->n_stages && j->pipe->stages[si]->kind == MSOC_PLAN_FILTER && n > 0; si++) {
        const msoc_plan_node *f = j->pipe->stages[si];
        mark_cols(f->pred, need, nc);
        for (size_t c = 0; c < nc; c++) {
            if (t->cols[c] != NULL && !(t->cols[c]->is_absent && need[c] && j->col_map[c] >= 0))
                continue;
            if (!need[c] || j->col_map[c] < 0) {
                t->cols[c] = absent_col(q, node->cols[c].type, n);
            } else {
                t->cols[c] = msoc_exec__col_new_raw(q, node->cols[c].type, n);
                if (t->cols[c] != NULL)
                    convert_col(q, t->cols[c], &batch->cols[j->col_map[c]], sel, n);
            }
            if (t->cols[c] == NULL)
                return q->err->code;
        }
        if (q->err->code != MSOC_OK)
            return q->err->code;
        msoc_exec_col *p;
        msoc_status st = msoc_exec__eval(q, f->pred, t, &p);
        if (st != MSOC_OK)
            return st;
        size_t *rel = msoc_exec__alloc(q, (n + 1) * sizeof *rel);
        if (rel == NULL)
            return q->err->code;
        size_t k = 0;
        if (p->type == MSOC_TYPE_BOOL && !p->is_absent) {
            for (size_t r = 0; r < n; r++) {
                rel[k] = r;
                k += (p->v.i[r] != 0) & !(p->nulls && p->nulls[r]);
            }
        } else {
            for (size_t r = 0; r < n; r++) {
                xval v = msoc_exec__convert(q, msoc_exec__col_get(p, r), MSOC_TYPE_BOOL);
                if (!v.is_null && v.i)
                    rel[k++] = r;
            }
        }
        if (k == n)
            continue;
        /* rel indexes the current rows: gather what is converted, compose with sel */
        size_t *nsel = msoc_exec__alloc(q, (k + 1) * sizeof *nsel);
        if (nsel == NULL)
            return q->err->code;
        for (size_t i = 0; i < k; i++)
            nsel[i] = sel ? sel[rel[i]] : rel[i];
        for (size_t c = 0; c < nc; c++) {
            if (t->cols[c]->is_absent) {
                t->cols[c]->n = k;
                continue;
            }
            t->cols[c] = msoc_exec__col_gather(q, t->cols[c], rel, k);
            if (t->cols[c] == NULL)
                return q->err->code;
        }
        sel = nsel;
        n = k;
        t->n_rows = n;
    }
    /* the rest of the columns, for the rows that passed */
    for (size_t c = 0; c < nc; c++) {
        if (t->cols[c] != NULL && !(t->cols[c]->is_absent && j->col_map[c] >= 0))
            continue;
        if (j->col_map[c] < 0) {
            t->cols[c] = absent_col(q, node->cols[c].type, n);
        } else {
            t->cols[c] = msoc_exec__col_new_raw(q, node->cols[c].type, n);
            if (t->cols[c] != NULL)
                convert_col(q, t->cols[c], &batch->cols[j->col_map[c]], sel, n);
        }
        if (t->cols[c] == NULL)
            return q->err->code;
    }
    t->n_rows = n;
    *out = t;
    *n_done = si;
    return q->err->code;
}

/* Copies the surviving rows (strings deduplicated by pointer, as dictionary-decoded
 * values share one) into a small arena that outlives the chunk's memory. */
static msoc_status keep_rows(scan_job *j, xq *q, const msoc_exec_table *cur, const msoc_exec_table **out)
{
    msoc_arena *keep = msoc_arena_new(j->q->arena, 0, "scan rows");
    msoc_exec_table *kt = msoc_arena_calloc(keep, 1, sizeof *kt);
    if (kt == NULL)
        return msoc_arena_fail(keep, q->err);
    kt->n_rows = cur->n_rows;
    kt->n_cols = cur->n_cols;
    kt->names = msoc_arena_calloc(keep, cur->n_cols + 1, sizeof *kt->names);
    kt->cols = msoc_arena_calloc(keep, cur->n_cols + 1, sizeof *kt->cols);
    if (kt->names == NULL || kt->cols == NULL)
        return msoc_arena_fail(keep, q->err);
    size_t n = cur->n_rows;
    for (size_t c = 0; c < cur->n_cols; c++) {
        const msoc_exec_col *src = cur->cols[c];
        msoc_exec_col *dst = msoc_arena_calloc(keep, 1, sizeof *dst);
        if (dst == NULL)
            return msoc_arena_fail(keep, q->err);
        *dst = *src;
        dst->n = n;
        kt->names[c] = cur->names[c];
        kt->cols[c] = dst;
        if (src->is_absent)
            continue;
        size_t es = xtype_is_str(src->type) ? sizeof(msoc_str) : src->type == MSOC_TYPE_DYNAMIC ? sizeof(json_t *) : 8;
        dst->v.i = msoc_arena_alloc(keep, (n ? n : 1) * es);
        if (dst->v.i == NULL)
            return msoc_arena_fail(keep, q->err);
        if (src->nulls) {
            dst->nulls = msoc_arena_memdup(keep, src->nulls, n ? n : 1);
            if (dst->nulls == NULL)
                return msoc_arena_fail(keep, q->err);
        }
        if (!xtype_is_str(src->type)) {
            memcpy(dst->v.i, src->v.i, n * es);
            continue;
        }
        const char *prev_src = NULL;
        size_t prev_len = 0;
        const char *prev_dst = "";
        for (size_t r = 0; r < n; r++) {
            msoc_str sv = src->v.s[r];
            if (sv.len == 0) {
                dst->v.s[r] = MSOC_STR("");
                continue;
            }
            if (sv.ptr != prev_src || sv.len != prev_len) {
                char *d = msoc_arena_strndup(keep, sv.ptr, sv.len);
                if (d == NULL)
                    return msoc_arena_fail(keep, q->err);
                prev_src = sv.ptr;
                prev_len = sv.len;
                prev_dst = d;
            }
            dst->v.s[r] = msoc_str_make(prev_dst, sv.len);
        }
    }
    *out = kt;
    return MSOC_OK;
}

static msoc_status do_chunk(scan_job *j, size_t idx, chunk_work *w)
{
    xq *q = &w->wq;
    const xpipe *pipe = j->pipe;
    if (pipe->limit >= 0 && atomic_load(&j->n_out) >= pipe->limit) {
        w->out = NULL;
        return MSOC_OK;
    }
    msoc_status st = msoc_exec__check(q);
    if (st != MSOC_OK)
        return st;
    msoc_batch batch;
    st = msoc_stor_scan_chunk(j->scan, idx, q->arena, &batch, q->err);
    if (st != MSOC_OK)
        return st;
    const msoc_exec_table *cur = NULL;
    size_t si = 0;
    st = load_chunk(j, q, &batch, &cur, &si);
    if (st != MSOC_OK)
        return st;
    for (; si < pipe->n_stages; si++) {
        const msoc_plan_node *sn = pipe->stages[si];
        const msoc_exec_table *next;
        if (sn->kind == MSOC_PLAN_FILTER)
            st = cur->n_rows ? msoc_exec__op_filter(q, sn, cur, &next) : (next = cur, MSOC_OK);
        else if (sn->kind == MSOC_PLAN_PROJECT)
            st = msoc_exec__op_project(q, sn, cur, &next);
        else if (sn->kind == MSOC_PLAN_JOIN)
            st = msoc_exec__join_probe(q, sn, pipe->joins[si], cur, &next);
        else
            st = msoc_fail(q->err, MSOC_INTERNAL, "plan node %d cannot run in a scan pipeline", (int)sn->kind);
        if (st != MSOC_OK)
            return st;
        cur = next;
    }
    if (pipe->agg) {
        msoc_arena *keep = msoc_arena_new(j->q->arena, 0, "partial aggregate");
        st = msoc_exec__agg_partial(q, pipe->agg, cur, keep, &w->part);
    } else {
        st = keep_rows(j, q, cur, &w->out);
    }
    if (st != MSOC_OK)
        return st;
    msoc_hashmap_fini(&q->shared);
    msoc_arena_free(q->arena); /* runs the regex cleanups too */
    q->arena = NULL;
    if (w->out)
        atomic_fetch_add(&j->n_out, (long long)w->out->n_rows);
    return MSOC_OK;
}

static void chunk_task(void *arg, size_t idx)
{
    scan_job *j = arg;
    chunk_work *w = &j->work[idx];
    w->st = do_chunk(j, idx, w);
}

/* Concatenates the chunk tables' column c into one column of type t. */
static msoc_exec_col *stitch(xq *q, msoc_type t, size_t c, chunk_work *work, size_t n_chunks, size_t total)
{
    bool is_absent = true;
    for (size_t i = 0; i < n_chunks; i++)
        if (work[i].out && !work[i].out->cols[c]->is_absent)
            is_absent = false;
    if (is_absent && total > 0) {
        msoc_exec_col *col = msoc_exec__calloc(q, 1, sizeof *col);
        if (col == NULL)
            return NULL;
        col->type = t;
        col->n = total;
        col->is_absent = true;
        return col;
    }
    msoc_exec_col *col = msoc_exec__col_new(q, t, total);
    if (col == NULL)
        return NULL;
    size_t es = xtype_is_str(t) ? sizeof(msoc_str) : t == MSOC_TYPE_DYNAMIC ? sizeof(json_t *) : 8;
    size_t base = 0;
    for (size_t i = 0; i < n_chunks; i++) {
        const msoc_exec_table *ct = work[i].out;
        if (ct == NULL || ct->n_rows == 0)
            continue;
        const msoc_exec_col *src = ct->cols[c];
        if (src->is_absent || src->type != t) {
            for (size_t r = 0; r < ct->n_rows; r++)
                msoc_exec__col_set(q, col, base + r, msoc_exec__col_get(src, r));
            base += ct->n_rows;
            continue;
        }
        memcpy((char *)col->v.i + base * es, src->v.i, ct->n_rows * es);
        if (src->nulls) {
            if (col->nulls == NULL) {
                col->nulls = msoc_exec__calloc(q, total + 1, 1);
                if (col->nulls == NULL)
                    return NULL;
            }
            memcpy(col->nulls + base, src->nulls, ct->n_rows);
        }
        base += ct->n_rows;
    }
    return col;
}

msoc_status msoc_exec__scan_pipe(xq *q, const msoc_plan_node *node, const xpipe *pipe,
                                 const msoc_exec_table **result)
{
    msoc_arena *arena = q->arena;
    msoc_error *err = q->err;
    msoc_stor_db *db = q->opts.db;
    size_t nc = node->n_cols;
    msoc_stor_target *targets = msoc_exec__calloc(q, node->n_parts + 1, sizeof *targets);
    int *cols = msoc_exec__calloc(q, nc + 1, sizeof *cols);
    int *col_map = msoc_exec__calloc(q, nc + 1, sizeof *col_map);
    if (targets == NULL || cols == NULL || col_map == NULL)
        return err->code;
    for (size_t i = 0; i < node->n_parts; i++) {
        targets[i].tenant = msoc_exec__strdup(q, node->parts[i].tenant.ptr, node->parts[i].tenant.len).ptr;
        targets[i].workspace = node->parts[i].workspace.len
                                   ? msoc_exec__strdup(q, node->parts[i].workspace.ptr, node->parts[i].workspace.len).ptr
                                   : NULL;
    }
    size_t n_read = 0;
    for (size_t c = 0; c < nc; c++) {
        col_map[c] = -1;
        if (node->is_col_needed == NULL || node->is_col_needed[c]) {
            col_map[c] = (int)n_read;
            cols[n_read++] = node->scan_cols[c];
        }
    }
    msoc_stor_scan_spec spec = {0};
    spec.targets = targets;
    spec.n_targets = node->n_parts;
    spec.table = msoc_exec__strdup(q, node->table_name.ptr, node->table_name.len).ptr;
    spec.cols = cols;
    spec.n_cols = n_read;
    spec.t_min = node->time_lo == INT64_MIN ? MSOC_TIME_NULL : node->time_lo;
    spec.t_max = node->time_hi == INT64_MAX ? MSOC_TIME_NULL : node->time_hi;
    spec.ingest_min = MSOC_TIME_NULL;
    spec.ingest_max = MSOC_TIME_NULL;
    if (err->code != MSOC_OK)
        return err->code;
    size_t n_chunks = 0;
    chunk_work *work = NULL;
    if (node->n_parts > 0) {
        msoc_stor_scan *scan;
        msoc_status st = msoc_stor_scan_open(db, &spec, &scan, err);
        if (st != MSOC_OK)
            return st;
        if (!msoc_arena_on_reset(arena, close_scan, scan)) {
            msoc_stor_scan_close(scan);
            return msoc_arena_fail(arena, err);
        }
        /* subqueries in the pipeline's filters and extends run once here, not once
         * per chunk */
        for (size_t si = 0; si < pipe->n_stages && st == MSOC_OK; si++) {
            const msoc_plan_node *sn = pipe->stages[si];
            if (sn->kind == MSOC_PLAN_FILTER)
                st = msoc_exec__presub(q, sn->pred);
            else if (sn->kind == MSOC_PLAN_PROJECT)
                for (size_t k = 0; k < sn->n_exprs && st == MSOC_OK; k++)
                    st = msoc_exec__presub(q, sn->exprs[k]);
        }
        if (st != MSOC_OK)
            return st;
        n_chunks = msoc_stor_scan_n_chunks(scan);
        work = msoc_exec__calloc(q, n_chunks + 1, sizeof *work);
        if (work == NULL)
            return err->code;
        for (size_t i = 0; i < n_chunks; i++) {
            chunk_work *w = &work[i];
            w->wq.arena = msoc_arena_new(arena, 0, "scan chunk");
            w->wq.opts = q->opts;
            w->wq.deadline_ns = q->deadline_ns;
            w->wq.groups = q->groups;
            atomic_init(&w->wq.is_cancelled, false);
            msoc_vec_init(&w->wq.jsons, sizeof(json_t *), (size_t)1 << 28);
            msoc_hashmap_init(&w->wq.shared, w->wq.arena, 0);
            msoc_error_clear(&w->err);
            w->wq.err = &w->err;
            w->wq.parent = q;
        }
        scan_job job = {q, scan, node, pipe, col_map, work, 0};
        atomic_init(&job.n_out, 0);
        msoc_pool_run(q->opts.pool, n_chunks, chunk_task, &job);
        msoc_status first = MSOC_OK;
        for (size_t i = 0; i < n_chunks; i++) {
            chunk_work *w = &work[i];
            /* the worker's dynamic values now belong to the query */
            for (size_t k = 0; k < w->wq.jsons.n; k++) {
                json_t **slot = msoc_vec_push(&q->jsons);
                if (slot)
                    *slot = MSOC_VEC_AT(&w->wq.jsons, json_t *, k);
                else
                    json_decref(MSOC_VEC_AT(&w->wq.jsons, json_t *, k));
            }
            msoc_vec_fini(&w->wq.jsons);
            if (w->wq.arena) /* the chunk failed or stopped early */
                msoc_hashmap_fini(&w->wq.shared);
            if (w->st != MSOC_OK && first == MSOC_OK) {
                first = w->st;
                *err = w->err;
            }
        }
        if (first != MSOC_OK)
            return first;
    }
    if (pipe->agg) {
        xagg_part **parts = msoc_exec__calloc(q, n_chunks + 1, sizeof *parts);
        if (parts == NULL)
            return err->code;
        for (size_t i = 0; i < n_chunks; i++)
            parts[i] = work[i].part;
        return msoc_exec__agg_merge(q, pipe->agg, parts, n_chunks, result);
    }
    const msoc_plan_node *top = pipe->n_stages ? pipe->stages[pipe->n_stages - 1] : node;
    size_t total = 0;
    for (size_t i = 0; i < n_chunks; i++)
        total += work[i].out ? work[i].out->n_rows : 0;
    msoc_exec_table *out = msoc_exec__table_new(q, top->n_cols, total);
    if (out == NULL)
        return err->code;
    for (size_t c = 0; c < top->n_cols; c++) {
        out->names[c] = top->cols[c].name;
        out->cols[c] = stitch(q, top->cols[c].type, c, work, n_chunks, total);
        if (out->cols[c] == NULL)
            return err->code;
    }
    *result = out;
    return MSOC_OK;
}
