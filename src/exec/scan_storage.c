/* The storage-backed scan, fused with the filters directly above it: each chunk
 * (one extent block or memtable snapshot) is read, converted (only the columns
 * some operator needs) and filtered on a pool thread with its own query-local
 * state, then the surviving rows are stitched into one table. A `take` above the
 * filters stops the scan early. The scan reads exactly the partitions the plan
 * names (the binder took them from the authorised catalog), with the projection
 * and time range pushed down. */
#include <stdatomic.h>
#include <string.h>

#include "exec_int.h"
#include "storage/storage.h"

typedef struct chunk_work {
    xq wq;                 /* the worker's query state (child arena, own error) */
    msoc_error err;
    msoc_status st;
    const msoc_exec_table *out;
} chunk_work;

typedef struct scan_job {
    xq *q;
    msoc_stor_scan *scan;
    const msoc_plan_node *node;
    const msoc_plan_node *const *filters; /* bottom-up */
    size_t n_filters;
    const int *col_map;
    chunk_work *work;
    int64_t limit;
    atomic_llong n_out;
} scan_job;

static void close_scan(void *p)
{
    msoc_stor_scan_close(p);
}

static msoc_status convert_col(xq *q, msoc_exec_col *dst, const msoc_col *src)
{
    size_t n = src->n;
    for (size_t r = 0; r < n; r++) {
        bool is_null = msoc_col_is_null(src, r);
        if (is_null && !xtype_is_str(dst->type)) {
            msoc_exec__col_set_null(q, dst, r);
            continue;
        }
        switch (src->type) {
        case MSOC_TYPE_BOOL: dst->v.i[r] = src->v.u8[r]; break;
        case MSOC_TYPE_INT: dst->v.i[r] = src->v.i32[r]; break;
        case MSOC_TYPE_LONG:
        case MSOC_TYPE_DATETIME:
        case MSOC_TYPE_TIMESPAN: dst->v.i[r] = src->v.i64[r]; break;
        case MSOC_TYPE_REAL: dst->v.r[r] = src->v.f64[r]; break;
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
                dst->v.d[r] = s.len ? msoc_exec__parse_json(q, s) : NULL;
            } else if (dst->type == MSOC_TYPE_DECIMAL) {
                double d = 0;
                msoc_str_to_double(s, &d);
                dst->v.r[r] = d;
            } else {
                dst->v.s[r] = s.len ? s : MSOC_STR("");
            }
            break;
        }
        }
    }
    return q->err->code;
}

static msoc_status do_chunk(scan_job *j, size_t idx, chunk_work *w)
{
    xq *q = &w->wq;
    if (j->limit >= 0 && atomic_load(&j->n_out) >= j->limit) {
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
    const msoc_plan_node *node = j->node;
    msoc_exec_table *t = msoc_exec__table_new(q, node->n_cols, batch.n_rows);
    if (t == NULL)
        return q->err->code;
    for (size_t c = 0; c < node->n_cols; c++) {
        t->names[c] = node->cols[c].name;
        if (j->col_map[c] < 0) {
            msoc_exec_col *col = msoc_exec__calloc(q, 1, sizeof *col);
            if (col == NULL)
                return q->err->code;
            col->type = node->cols[c].type;
            col->n = batch.n_rows;
            col->is_absent = true;
            t->cols[c] = col;
            continue;
        }
        msoc_exec_col *col = msoc_exec__col_new_raw(q, node->cols[c].type, batch.n_rows);
        if (col == NULL)
            return q->err->code;
        st = convert_col(q, col, &batch.cols[j->col_map[c]]);
        if (st != MSOC_OK)
            return st;
        t->cols[c] = col;
    }
    const msoc_exec_table *cur = t;
    for (size_t f = 0; f < j->n_filters && cur->n_rows > 0; f++) {
        const msoc_exec_table *next;
        st = msoc_exec__op_filter(q, j->filters[f], cur, &next);
        if (st != MSOC_OK)
            return st;
        cur = next;
    }
    /* keep only the surviving rows: copy them (strings deduplicated by pointer, as
     * dictionary-decoded values share one) into a small arena and release the
     * chunk's decompressed blocks */
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
    msoc_hashmap_fini(&q->shared);
    msoc_arena_free(q->arena); /* runs the regex cleanups too */
    q->arena = NULL;
    atomic_fetch_add(&j->n_out, (long long)kt->n_rows);
    w->out = kt;
    return MSOC_OK;
}

static void chunk_task(void *arg, size_t idx)
{
    scan_job *j = arg;
    chunk_work *w = &j->work[idx];
    w->st = do_chunk(j, idx, w);
}

/* Concatenates the chunk tables into one column. */
static msoc_exec_col *stitch(xq *q, const msoc_plan_node *node, size_t c, chunk_work *work, size_t n_chunks,
                             size_t total, bool is_absent)
{
    msoc_type t = node->cols[c].type;
    if (is_absent) {
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

msoc_status msoc_exec__scan_storage(xq *q, const msoc_plan_node *node, const msoc_plan_node *const *filters,
                                    size_t n_filters, int64_t limit, const msoc_exec_table **result)
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
        n_chunks = msoc_stor_scan_n_chunks(scan);
        work = msoc_exec__calloc(q, n_chunks + 1, sizeof *work);
        if (work == NULL)
            return err->code;
        for (size_t i = 0; i < n_chunks; i++) {
            chunk_work *w = &work[i];
            w->wq.arena = msoc_arena_new(arena, 0, "scan chunk");
            w->wq.opts = q->opts;
            w->wq.deadline_ns = q->deadline_ns;
            atomic_init(&w->wq.is_cancelled, false);
            msoc_vec_init(&w->wq.jsons, sizeof(json_t *), (size_t)1 << 28);
            msoc_hashmap_init(&w->wq.shared, w->wq.arena, 0);
            msoc_error_clear(&w->err);
            w->wq.err = &w->err;
        }
        scan_job job = {q, scan, node, filters, n_filters, col_map, work, limit, 0};
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
    size_t total = 0;
    for (size_t i = 0; i < n_chunks; i++)
        total += work[i].out ? work[i].out->n_rows : 0;
    msoc_exec_table *out = msoc_exec__table_new(q, nc, total);
    if (out == NULL)
        return err->code;
    for (size_t c = 0; c < nc; c++) {
        out->names[c] = node->cols[c].name;
        out->cols[c] = stitch(q, node, c, work, n_chunks, total, col_map[c] < 0);
        if (out->cols[c] == NULL)
            return err->code;
    }
    if (limit >= 0 && total > (size_t)limit)
        out->n_rows = total; /* the LIMIT node above cuts it */
    *result = out;
    return MSOC_OK;
}
