/* Scans: a snapshot of (targets x table) as independent chunks, one per extent
 * block and one per memtable, pruned by the time zone maps. docs/storage.md. */
#include <string.h>

#include "core/mem.h"
#include "stor_int.h"
#include "stor_table.h"

typedef struct scan_part {
    char *tenant, *workspace;
} scan_part;

typedef struct scan_chunk {
    size_t part;
    stor_extent *ext;     /* NULL: memtable snapshot */
    size_t block;
    int *col_map;         /* per projected column: extent column, -1 absent; shared per extent */
    msoc_col *mem_cols;   /* memtable: the projected columns plus ingestion time */
    size_t n_rows;
    msoc_datetime tmin, tmax, imin, imax;
} scan_chunk;

struct msoc_stor_scan {
    msoc_arena *arena;    /* snapshot copies and maps */
    const msoc_stor_table_def *def;
    int *cols;
    size_t n_cols;
    msoc_vec parts;       /* scan_part */
    msoc_vec chunks;      /* scan_chunk */
    msoc_vec exts;        /* stor_extent * held */
};

static bool overlaps(msoc_datetime lo, msoc_datetime hi, msoc_datetime qmin, msoc_datetime qmax)
{
    if (lo == MSOC_TIME_NULL || hi == MSOC_TIME_NULL)
        return qmin == MSOC_TIME_NULL && qmax == MSOC_TIME_NULL;
    if (qmin != MSOC_TIME_NULL && hi < qmin)
        return false;
    if (qmax != MSOC_TIME_NULL && lo > qmax)
        return false;
    return true;
}

/* len bytes of src (which may be NULL when len is 0) into a zero-padded
 * allocation of len + 16 bytes. */
static void *dup_pad(msoc_arena *a, const void *src, size_t len)
{
    char *p = msoc_arena_calloc(a, 1, len + 16);
    if (p != NULL && len > 0)
        memcpy(p, src, len);
    return p;
}

/* Copies memtable rows (projected) into arena columns. */
static bool copy_mem(msoc_stor_scan *s, const stor_rowset *rs, int time_col, scan_chunk *ch)
{
    size_t n = rs->n_rows;
    msoc_col *cols = msoc_arena_calloc(s->arena, s->n_cols + 2, sizeof *cols);
    if (cols == NULL)
        return false;
    ch->tmin = ch->tmax = MSOC_TIME_NULL;
    ch->imin = ch->imax = MSOC_TIME_NULL;
    for (size_t k = 0; k <= s->n_cols + 1; k++) {
        int c = k < s->n_cols ? s->cols[k] : (k == s->n_cols ? MSOC_STOR_COL_INGESTION_TIME : time_col);
        msoc_col *o = &cols[k];
        if (k == s->n_cols + 1 && time_col < 0)
            continue;
        if (c == MSOC_STOR_COL_INGESTION_TIME) {
            o->type = MSOC_TYPE_DATETIME;
            o->n = n;
            o->v.i64 = dup_pad(s->arena, rs->ingest.data, 8 * n);
            if (o->v.i64 == NULL)
                return false;
            if (k == s->n_cols && n > 0) {
                ch->imin = o->v.i64[0];
                ch->imax = o->v.i64[n - 1];
            }
            continue;
        }
        if (c < 0 || (size_t)c >= rs->n_cols) {
            o->type = c >= 0 ? s->def->cols[c].type : MSOC_TYPE_NULL;
            o->n = SIZE_MAX; /* absent: built at read time */
            continue;
        }
        const stor_colvec *cv = &rs->cols[c];
        o->type = cv->type;
        o->n = n;
        if (cv->has_nulls && cv->type != MSOC_TYPE_STRING) {
            o->nulls = dup_pad(s->arena, cv->nulls.data, (n + 7) / 8);
            if (o->nulls == NULL)
                return false;
        }
        size_t w = msoc_stor__type_width(cv->type);
        if (w > 0) {
            o->v.u8 = dup_pad(s->arena, cv->data.data, w * n);
            if (o->v.u8 == NULL)
                return false;
        } else {
            o->v.str.offsets = dup_pad(s->arena, cv->offs.data, 4 * (n + 1));
            o->v.str.bytes = dup_pad(s->arena, cv->data.data, cv->data.len);
            if (o->v.str.offsets == NULL || o->v.str.bytes == NULL)
                return false;
        }
        if (k == s->n_cols + 1) {
            for (size_t i = 0; i < n; i++) {
                if (msoc_col_is_null(o, i))
                    continue;
                int64_t x = o->v.i64[i];
                if (ch->tmin == MSOC_TIME_NULL || x < ch->tmin)
                    ch->tmin = x;
                if (ch->tmax == MSOC_TIME_NULL || x > ch->tmax)
                    ch->tmax = x;
            }
        }
    }
    ch->mem_cols = cols;
    ch->n_rows = n;
    return true;
}

static msoc_status add_table(msoc_stor_scan *s, const msoc_stor_scan_spec *spec, stor_table *t,
                             msoc_error *err)
{
    size_t part = s->parts.n;
    scan_part *sp = msoc_vec_push(&s->parts);
    if (sp == NULL)
        return msoc_fail(err, MSOC_LIMIT, "too many partitions in one scan");
    sp->tenant = msoc_arena_strndup(s->arena, t->tenant, strlen(t->tenant));
    sp->workspace = msoc_arena_strndup(s->arena, t->workspace, strlen(t->workspace));
    int time_col = -1;
    const char *tc = s->def->timestamp_col;
    if (tc != NULL && tc[0] != '\0')
        time_col = msoc_stor_table_col_index(s->def, tc, strlen(tc));
    msoc_status st = MSOC_OK;
    pthread_mutex_lock(&t->mu);
    for (size_t i = 0; i < t->n_ext; i++) {
        stor_extent *e = t->ext[i];
        if (!overlaps(e->ingest_min, e->ingest_max, spec->ingest_min, spec->ingest_max))
            continue;
        if (e->time_col >= 0 && !overlaps(e->time_min, e->time_max, spec->t_min, spec->t_max))
            continue;
        int *map = msoc_arena_alloc(s->arena, (s->n_cols + 1) * sizeof *map);
        if (map == NULL) {
            st = msoc_arena_fail(s->arena, err);
            break;
        }
        for (size_t k = 0; k < s->n_cols; k++) {
            int c = s->cols[k];
            map[k] = -1;
            if (c == MSOC_STOR_COL_INGESTION_TIME) {
                map[k] = (int)e->n_cols;
                continue;
            }
            for (size_t j = 0; j < e->n_cols; j++)
                if (strcmp(e->col_names[j], s->def->cols[c].name) == 0 &&
                    e->col_types[j] == s->def->cols[c].type)
                    map[k] = (int)j;
        }
        msoc_stor__extent_ref(e);
        msoc_vec_append(&s->exts, &e);
        for (size_t b = 0; b < e->n_blocks; b++) {
            const stor_blockcol *ib = &e->blocks[b * (e->n_cols + 1) + e->n_cols];
            msoc_datetime tmin = MSOC_TIME_NULL, tmax = MSOC_TIME_NULL;
            if (e->time_col >= 0) {
                const stor_blockcol *tb = &e->blocks[b * (e->n_cols + 1) + (size_t)e->time_col];
                if (tb->has_zone) {
                    tmin = tb->zmin;
                    tmax = tb->zmax;
                }
                if (!overlaps(tmin, tmax, spec->t_min, spec->t_max))
                    continue;
            }
            if (ib->has_zone && !overlaps(ib->zmin, ib->zmax, spec->ingest_min, spec->ingest_max))
                continue;
            scan_chunk *ch = msoc_vec_push(&s->chunks);
            if (ch == NULL) {
                st = msoc_fail(err, MSOC_LIMIT, "too many chunks in one scan");
                break;
            }
            ch->part = part;
            ch->ext = e;
            ch->block = b;
            ch->col_map = map;
            ch->n_rows = e->block_rows[b];
            ch->tmin = tmin;
            ch->tmax = tmax;
            ch->imin = ib->has_zone ? ib->zmin : MSOC_TIME_NULL;
            ch->imax = ib->has_zone ? ib->zmax : MSOC_TIME_NULL;
        }
    }
    const stor_rowset *mems[2] = {t->frozen, &t->mem};
    for (int m = 0; m < 2 && st == MSOC_OK; m++) {
        if (mems[m] == NULL || mems[m]->n_rows == 0)
            continue;
        scan_chunk tmp = {0};
        tmp.part = part;
        if (!copy_mem(s, mems[m], time_col, &tmp)) {
            st = msoc_arena_fail(s->arena, err);
            break;
        }
        if (time_col >= 0 && !overlaps(tmp.tmin, tmp.tmax, spec->t_min, spec->t_max))
            continue;
        if (!overlaps(tmp.imin, tmp.imax, spec->ingest_min, spec->ingest_max))
            continue;
        if (msoc_vec_append(&s->chunks, &tmp) != MSOC_OK)
            st = msoc_fail(err, MSOC_LIMIT, "too many chunks in one scan");
    }
    pthread_mutex_unlock(&t->mu);
    return st;
}

msoc_status msoc_stor_scan_open(msoc_stor_db *db, const msoc_stor_scan_spec *spec,
                                msoc_stor_scan **out, msoc_error *err)
{
    const msoc_stor_table_def *def = msoc_stor_table_find(db, spec->table, strlen(spec->table));
    if (def == NULL)
        return msoc_fail(err, MSOC_NOTFOUND, "unknown table '%s'", spec->table);
    for (size_t k = 0; k < spec->n_cols; k++)
        if (spec->cols[k] != MSOC_STOR_COL_INGESTION_TIME &&
            (spec->cols[k] < 0 || (size_t)spec->cols[k] >= def->n_cols))
            return msoc_fail(err, MSOC_INVALID, "column index %d out of range for %s",
                             spec->cols[k], def->name);
    msoc_stor_scan *s = msoc_calloc(1, sizeof *s);
    s->arena = msoc_arena_new(NULL, 0, "scan snapshot");
    s->def = def;
    s->n_cols = spec->n_cols;
    s->cols = dup_pad(s->arena, spec->cols, spec->n_cols * sizeof(int));
    msoc_vec_init(&s->parts, sizeof(scan_part), (size_t)1 << 20);
    msoc_vec_init(&s->chunks, sizeof(scan_chunk), (size_t)1 << 24);
    msoc_vec_init(&s->exts, sizeof(stor_extent *), (size_t)1 << 24);
    msoc_status st = MSOC_OK;
    for (size_t i = 0; i < spec->n_targets && st == MSOC_OK; i++) {
        const char *tenant = spec->targets[i].tenant;
        if (!msoc_stor__safe_name(tenant))
            continue;
        char **wss = NULL;
        size_t nw = 0;
        if (spec->targets[i].workspace != NULL) {
            wss = msoc_malloc(sizeof *wss);
            wss[0] = msoc_strdup(spec->targets[i].workspace);
            nw = 1;
        } else {
            char *tdir = msoc_stor__path(db->dir, "tenants", tenant, NULL);
            nw = msoc_stor__list_dirs(tdir, &wss);
            msoc_free(tdir);
        }
        for (size_t j = 0; j < nw && st == MSOC_OK; j++) {
            if (!msoc_stor__safe_name(wss[j]))
                continue;
            stor_table *t;
            st = msoc_stor__table_get(db, tenant, wss[j], def, false, &t, err);
            if (st == MSOC_OK && t != NULL)
                st = add_table(s, spec, t, err);
        }
        msoc_stor__free_names(wss, nw);
    }
    if (st != MSOC_OK) {
        msoc_stor_scan_close(s);
        return st;
    }
    *out = s;
    return MSOC_OK;
}

size_t msoc_stor_scan_n_chunks(const msoc_stor_scan *scan)
{
    return scan->chunks.n;
}

void msoc_stor_scan_chunk_info(const msoc_stor_scan *scan, size_t idx, msoc_stor_chunk_info *out)
{
    const scan_chunk *ch = &MSOC_VEC_AT(&scan->chunks, scan_chunk, idx);
    const scan_part *p = &MSOC_VEC_AT(&scan->parts, scan_part, ch->part);
    out->tenant = p->tenant;
    out->workspace = p->workspace;
    out->n_rows = ch->n_rows;
    out->time_min = ch->tmin;
    out->time_max = ch->tmax;
    out->ingest_min = ch->imin;
    out->ingest_max = ch->imax;
    out->is_memtable = ch->ext == NULL;
}

bool msoc_stor_scan_chunk_zone(const msoc_stor_scan *scan, size_t idx, int col, int64_t *min_i64,
                               int64_t *max_i64, double *min_f64, double *max_f64)
{
    const scan_chunk *ch = &MSOC_VEC_AT(&scan->chunks, scan_chunk, idx);
    if (ch->ext == NULL || col < 0 || (size_t)col >= scan->def->n_cols)
        return false;
    const stor_extent *e = ch->ext;
    for (size_t j = 0; j < e->n_cols; j++) {
        if (strcmp(e->col_names[j], scan->def->cols[col].name) != 0)
            continue;
        const stor_blockcol *bc = &e->blocks[ch->block * (e->n_cols + 1) + j];
        if (!bc->has_zone)
            return false;
        if (e->col_types[j] == MSOC_TYPE_REAL) {
            if (min_f64 != NULL)
                memcpy(min_f64, &bc->zmin, 8);
            if (max_f64 != NULL)
                memcpy(max_f64, &bc->zmax, 8);
        } else {
            if (min_i64 != NULL)
                *min_i64 = bc->zmin;
            if (max_i64 != NULL)
                *max_i64 = bc->zmax;
        }
        return true;
    }
    return false;
}

static msoc_status const_col(msoc_arena *a, msoc_type t, const char *text, size_t n,
                             msoc_col *o, msoc_error *err)
{
    uint32_t *codes = msoc_arena_calloc(a, n + 1, 4);
    msoc_col *d = msoc_arena_calloc(a, 1, sizeof *d);
    uint32_t *offs = msoc_arena_alloc(a, 8);
    if (codes == NULL || d == NULL || offs == NULL)
        return msoc_arena_fail(a, err);
    offs[0] = 0;
    offs[1] = (uint32_t)strlen(text);
    d->type = t;
    d->n = 1;
    d->v.str.offsets = offs;
    d->v.str.bytes = text;
    memset(o, 0, sizeof *o);
    o->type = t;
    o->n = n;
    o->dict_codes = codes;
    o->dict = d;
    return MSOC_OK;
}

static msoc_status null_col(msoc_arena *a, msoc_type t, size_t n, msoc_col *o, msoc_error *err)
{
    memset(o, 0, sizeof *o);
    o->type = t;
    o->n = n;
    size_t w = msoc_stor__type_width(t);
    if (w == 0) {
        uint32_t *offs = msoc_arena_calloc(a, n + 1, 4);
        if (offs == NULL)
            return msoc_arena_fail(a, err);
        o->v.str.offsets = offs;
        o->v.str.bytes = "";
    } else {
        void *v = msoc_arena_calloc(a, n + 1, w);
        if (v == NULL)
            return msoc_arena_fail(a, err);
        o->v.u8 = v;
    }
    if (t != MSOC_TYPE_STRING) {
        uint8_t *bm = msoc_arena_alloc(a, (n + 7) / 8 + 1);
        if (bm == NULL)
            return msoc_arena_fail(a, err);
        memset(bm, 0xff, (n + 7) / 8 + 1);
        o->nulls = bm;
    }
    return MSOC_OK;
}

msoc_status msoc_stor_scan_chunk(msoc_stor_scan *scan, size_t idx, msoc_arena *arena,
                                 msoc_batch *out, msoc_error *err)
{
    if (idx >= scan->chunks.n)
        return msoc_fail(err, MSOC_INVALID, "chunk %zu out of range", idx);
    const scan_chunk *ch = &MSOC_VEC_AT(&scan->chunks, scan_chunk, idx);
    const scan_part *p = &MSOC_VEC_AT(&scan->parts, scan_part, ch->part);
    msoc_col *cols = msoc_arena_calloc(arena, scan->n_cols + 1, sizeof *cols);
    if (cols == NULL)
        return msoc_arena_fail(arena, err);
    msoc_status st = MSOC_OK;
    for (size_t k = 0; k < scan->n_cols && st == MSOC_OK; k++) {
        int c = scan->cols[k];
        unsigned flags = c >= 0 ? scan->def->cols[c].flags : 0;
        msoc_type t = c >= 0 ? scan->def->cols[c].type : MSOC_TYPE_DATETIME;
        if (flags & MSOC_STOR_COL_TENANT) {
            st = const_col(arena, t, p->tenant, ch->n_rows, &cols[k], err);
        } else if (flags & MSOC_STOR_COL_WORKSPACE) {
            st = const_col(arena, t, p->workspace, ch->n_rows, &cols[k], err);
        } else if (ch->ext == NULL) {
            const msoc_col *m = c == MSOC_STOR_COL_INGESTION_TIME ? &ch->mem_cols[scan->n_cols]
                                                                  : &ch->mem_cols[k];
            if (m->n == SIZE_MAX || m->type != t)
                st = null_col(arena, t, ch->n_rows, &cols[k], err);
            else
                cols[k] = *m;
        } else if (ch->col_map[k] < 0) {
            st = null_col(arena, t, ch->n_rows, &cols[k], err);
        } else {
            st = msoc_stor__extent_read_col(ch->ext, ch->block, (size_t)ch->col_map[k], arena,
                                            &cols[k], err);
        }
    }
    if (st != MSOC_OK)
        return st;
    out->n_rows = ch->n_rows;
    out->n_cols = scan->n_cols;
    out->cols = cols;
    return MSOC_OK;
}

void msoc_stor_scan_close(msoc_stor_scan *scan)
{
    if (scan == NULL)
        return;
    for (size_t i = 0; i < scan->exts.n; i++)
        msoc_stor__extent_unref(MSOC_VEC_AT(&scan->exts, stor_extent *, i));
    msoc_vec_fini(&scan->exts);
    msoc_vec_fini(&scan->chunks);
    msoc_vec_fini(&scan->parts);
    msoc_arena_free(scan->arena);
    msoc_free(scan);
}
