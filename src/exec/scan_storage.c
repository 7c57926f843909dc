/* The storage-backed data source: a SCAN node becomes a storage scan over exactly
 * the partitions the node lists (the binder took them from the authorised
 * catalog), with the projection and time range pushed down. Chunks are read in
 * parallel on the query's pool and stitched into one table. */
#include <string.h>

#include "exec_int.h"
#include "storage/storage.h"

typedef struct chunk_out {
    msoc_batch batch;
    msoc_status st;
    msoc_error err;
    msoc_arena *arena;
} chunk_out;

typedef struct scan_job {
    msoc_stor_scan *scan;
    chunk_out *outs;
} scan_job;

static void read_chunk(void *arg, size_t idx)
{
    scan_job *j = arg;
    chunk_out *o = &j->outs[idx];
    msoc_error_clear(&o->err);
    o->st = msoc_stor_scan_chunk(j->scan, idx, o->arena, &o->batch, &o->err);
}

static void close_scan(void *p)
{
    msoc_stor_scan_close(p);
}

/* Appends rows of one storage column into dst at offset base. */
static msoc_status append_col(msoc_arena *arena, msoc_exec_col *dst, size_t base, const msoc_col *src,
                              json_t *(*parse)(void *, msoc_str), void *pctx, msoc_error *err)
{
    size_t n = src->n;
    for (size_t r = 0; r < n; r++) {
        size_t o = base + r;
        bool is_null = msoc_col_is_null(src, r);
        if (is_null && !xtype_is_str(dst->type)) {
            if (dst->nulls == NULL) {
                dst->nulls = msoc_arena_calloc(arena, dst->n ? dst->n : 1, 1);
                if (dst->nulls == NULL)
                    return msoc_arena_fail(arena, err);
            }
            dst->nulls[o] = 1;
            if (dst->type == MSOC_TYPE_DYNAMIC)
                dst->v.d[o] = NULL;
            continue;
        }
        switch (src->type) {
        case MSOC_TYPE_BOOL: dst->v.i[o] = src->v.u8[r]; break;
        case MSOC_TYPE_INT: dst->v.i[o] = src->v.i32[r]; break;
        case MSOC_TYPE_LONG:
        case MSOC_TYPE_DATETIME:
        case MSOC_TYPE_TIMESPAN: dst->v.i[o] = src->v.i64[r]; break;
        case MSOC_TYPE_REAL: dst->v.r[o] = src->v.f64[r]; break;
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
                dst->v.d[o] = s.len ? parse(pctx, s) : NULL;
            } else if (dst->type == MSOC_TYPE_DECIMAL) {
                double d = 0;
                msoc_str_to_double(s, &d);
                dst->v.r[o] = d;
            } else {
                dst->v.s[o] = s;
            }
            break;
        }
        }
    }
    return MSOC_OK;
}

static json_t *parse_cb(void *q, msoc_str s)
{
    return msoc_exec__parse_json(q, s);
}

msoc_status msoc_exec__scan_storage(xq *q, const msoc_plan_node *node, msoc_exec_table *out)
{
    msoc_arena *arena = q->arena;
    msoc_error *err = q->err;
    msoc_stor_db *db = q->opts.db;
    size_t nc = node->n_cols;
    msoc_stor_target *targets = msoc_arena_calloc(arena, node->n_parts + 1, sizeof *targets);
    int *cols = msoc_arena_calloc(arena, nc + 1, sizeof *cols);
    int *col_map = msoc_arena_calloc(arena, nc + 1, sizeof *col_map);
    if (targets == NULL || cols == NULL || col_map == NULL)
        return msoc_arena_fail(arena, err);
    for (size_t i = 0; i < node->n_parts; i++) {
        targets[i].tenant = msoc_arena_strndup(arena, node->parts[i].tenant.ptr, node->parts[i].tenant.len);
        targets[i].workspace = node->parts[i].workspace.len
                                   ? msoc_arena_strndup(arena, node->parts[i].workspace.ptr,
                                                        node->parts[i].workspace.len)
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
    char *tname = msoc_arena_strndup(arena, node->table_name.ptr, node->table_name.len);
    if (tname == NULL)
        return msoc_arena_fail(arena, err);
    spec.table = tname;
    spec.cols = cols;
    spec.n_cols = n_read;
    spec.t_min = node->time_lo == INT64_MIN ? MSOC_TIME_NULL : node->time_lo;
    spec.t_max = node->time_hi == INT64_MAX ? MSOC_TIME_NULL : node->time_hi;
    spec.ingest_min = MSOC_TIME_NULL;
    spec.ingest_max = MSOC_TIME_NULL;
    out->n_cols = nc;
    out->names = msoc_arena_calloc(arena, nc + 1, sizeof *out->names);
    out->cols = msoc_arena_calloc(arena, nc + 1, sizeof *out->cols);
    if (out->names == NULL || out->cols == NULL)
        return msoc_arena_fail(arena, err);
    size_t n_chunks = 0;
    msoc_stor_scan *scan = NULL;
    chunk_out *outs = NULL;
    if (node->n_parts > 0) {
        msoc_status st = msoc_stor_scan_open(db, &spec, &scan, err);
        if (st != MSOC_OK)
            return st;
        if (!msoc_arena_on_reset(arena, close_scan, scan)) {
            msoc_stor_scan_close(scan);
            return msoc_arena_fail(arena, err);
        }
        n_chunks = msoc_stor_scan_n_chunks(scan);
        outs = msoc_arena_calloc(arena, n_chunks + 1, sizeof *outs);
        if (outs == NULL)
            return msoc_arena_fail(arena, err);
        for (size_t i = 0; i < n_chunks; i++) {
            outs[i].arena = msoc_arena_new(arena, 0, "scan chunk");
        }
        scan_job job = {scan, outs};
        msoc_pool_run(q->opts.pool, n_chunks, read_chunk, &job);
        for (size_t i = 0; i < n_chunks; i++) {
            if (outs[i].st != MSOC_OK) {
                *err = outs[i].err;
                return outs[i].st;
            }
        }
    }
    size_t total = 0;
    for (size_t i = 0; i < n_chunks; i++)
        total += outs[i].batch.n_rows;
    out->n_rows = total;
    for (size_t c = 0; c < nc; c++) {
        out->names[c] = node->cols[c].name;
        msoc_exec_col *col = msoc_exec__col_new(q, node->cols[c].type, col_map[c] >= 0 ? total : 0);
        if (col == NULL)
            return q->err->code;
        if (col_map[c] < 0) {
            col->n = total;
            col->is_absent = true;
        } else {
            size_t base = 0;
            for (size_t i = 0; i < n_chunks; i++) {
                const msoc_col *src = &outs[i].batch.cols[col_map[c]];
                msoc_status st = append_col(q->arena, col, base, src, parse_cb, q, err);
                if (st != MSOC_OK)
                    return st;
                base += outs[i].batch.n_rows;
            }
        }
        out->cols[c] = col;
    }
    return MSOC_OK;
}

