/* Columnar row sets: the pending rows of an appender, a table's memtable and
 * the payload of a WAL record all share this layout (docs/storage.md, "WAL"). */
#include <string.h>

#include "core/mem.h"
#include "stor_int.h"

#define BUF_MAX ((size_t)3 << 30)
#define STR_MAX ((size_t)16 << 20)

size_t msoc_stor__type_width(msoc_type t)
{
    switch (t) {
    case MSOC_TYPE_BOOL: return 1;
    case MSOC_TYPE_INT: return 4;
    case MSOC_TYPE_LONG:
    case MSOC_TYPE_DATETIME:
    case MSOC_TYPE_TIMESPAN:
    case MSOC_TYPE_REAL: return 8;
    default: return 0;
    }
}

bool msoc_stor__is_strlike(msoc_type t)
{
    return msoc_stor__type_width(t) == 0;
}

static void colvec_init(stor_colvec *c, msoc_type t, size_t n_null_rows)
{
    memset(c, 0, sizeof *c);
    c->type = t;
    msoc_buf_init(&c->data, BUF_MAX);
    msoc_buf_init(&c->offs, BUF_MAX);
    msoc_buf_init(&c->nulls, BUF_MAX);
    if (msoc_stor__is_strlike(t)) {
        uint32_t z = 0;
        stor_append(&c->offs, &z, 4);
        for (size_t i = 0; i < n_null_rows; i++)
            stor_append(&c->offs, &z, 4);
    } else {
        char *p = stor_reserve(&c->data, n_null_rows * msoc_stor__type_width(t));
        memset(p, 0, n_null_rows * msoc_stor__type_width(t));
        c->data.len += n_null_rows * msoc_stor__type_width(t);
    }
    size_t nb = (n_null_rows + 7) / 8;
    char *bm = stor_reserve(&c->nulls, nb + 1);
    memset(bm, 0, nb + 1);
    c->nulls.len = nb;
    if (n_null_rows > 0 && t != MSOC_TYPE_STRING) {
        for (size_t i = 0; i < n_null_rows; i++)
            c->nulls.data[i >> 3] = (char)(c->nulls.data[i >> 3] | (1 << (i & 7)));
        c->has_nulls = true;
    }
}

static void colvec_fini(stor_colvec *c)
{
    msoc_buf_fini(&c->data);
    msoc_buf_fini(&c->offs);
    msoc_buf_fini(&c->nulls);
}

void msoc_stor__rowset_init(stor_rowset *rs, const msoc_stor_table_def *def)
{
    memset(rs, 0, sizeof *rs);
    msoc_buf_init(&rs->ingest, BUF_MAX);
    if (def != NULL)
        msoc_stor__rowset_widen(rs, def);
}

void msoc_stor__rowset_fini(stor_rowset *rs)
{
    for (size_t i = 0; i < rs->n_cols; i++)
        colvec_fini(&rs->cols[i]);
    msoc_free(rs->cols);
    msoc_free(rs->add_kind);
    msoc_free(rs->null_cols);
    msoc_buf_fini(&rs->ingest);
    memset(rs, 0, sizeof *rs);
}

/* ---- the pool of pending row buffers (msoc_stor_rowpool) ---- */

enum { POOL_DATA, POOL_OFFS, POOL_NULLS };

/* A pooled buffer and where it came from: a row set of the same def takes the
 * buffer of its own column and kind back first. */
typedef struct pool_buf {
    msoc_buf buf;
    const msoc_stor_table_def *def; /* the giver's add_def; NULL: any */
    size_t col;                     /* column index; SIZE_MAX: ingestion times */
    int kind;                       /* POOL_* */
} pool_buf;

struct msoc_stor_rowpool {
    pool_buf *bufs;
    size_t n, cap;
    size_t held;               /* the capacity of bufs, in bytes */
    size_t used, used_prev;    /* bytes in use in what rowset_clear gave back this
                                * period, and in the last one */
};

msoc_stor_rowpool *msoc_stor_rowpool_new(void)
{
    return msoc_calloc(1, sizeof(msoc_stor_rowpool));
}

void msoc_stor_rowpool_free(msoc_stor_rowpool *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n; i++)
        msoc_buf_fini(&p->bufs[i].buf);
    msoc_free(p->bufs);
    msoc_free(p);
}

size_t msoc_stor__rowpool_held(const msoc_stor_rowpool *p)
{
    return p->held;
}

static void pool_put(msoc_stor_rowpool *p, const msoc_buf *b, const msoc_stor_table_def *def,
                     size_t col, int kind)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        p->bufs = msoc_realloc(p->bufs, p->cap * sizeof *p->bufs);
    }
    p->bufs[p->n++] = (pool_buf){*b, def, col, kind};
    p->held += b->cap;
}

void msoc_stor_rowpool_trim(msoc_stor_rowpool *p)
{
    /* Buffers grow by doubling: twice the bytes in use is room enough. A large
     * buffer a small batch took and gave back counts only the bytes it held. */
    size_t used = p->used > p->used_prev ? p->used : p->used_prev;
    size_t keep = used < SIZE_MAX / 2 ? 2 * used : SIZE_MAX;
    while (p->held > keep && p->n > 0) {
        size_t big = 0;
        for (size_t i = 1; i < p->n; i++)
            if (p->bufs[i].buf.cap > p->bufs[big].buf.cap)
                big = i;
        p->held -= p->bufs[big].buf.cap;
        msoc_buf_fini(&p->bufs[big].buf);
        p->bufs[big] = p->bufs[--p->n];
    }
    p->used_prev = p->used;
    p->used = 0;
}

/* rowset_clear with a pool: b goes to the pool when large, else stays (empty). */
static void pool_give(stor_rowset *rs, msoc_buf *b, size_t col, int kind)
{
    if (b->cap < STOR_POOL_MIN) {
        msoc_buf_reset(b);
        return;
    }
    rs->pool->used += b->len;
    b->len = 0;
    b->is_failed = false;
    pool_put(rs->pool, b, rs->add_def, col, kind);
    msoc_buf_init(b, b->max);
}

/* Room for extra more bytes in b (column col's kind buffer) from the pool: the
 * buffer this column gave back, else the smallest of at least twice b's size.
 * b's bytes move there; b's old buffer goes to the pool when large. NULL when
 * the pool has nothing that fits (the caller grows b itself). */
static char *pool_take(stor_rowset *rs, msoc_buf *b, size_t col, int kind, size_t extra)
{
    msoc_stor_rowpool *p = rs->pool;
    if (extra > b->max || b->len > b->max - extra)
        return NULL;
    size_t need = b->len + extra, want = 2 * b->cap > need ? 2 * b->cap : need;
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < p->n; i++) {
        const pool_buf *q = &p->bufs[i];
        if (q->buf.cap < need || q->buf.cap > b->max)
            continue;
        if (q->def == rs->add_def && q->col == col && q->kind == kind) {
            best = i;
            break;
        }
        if (q->buf.cap >= want && (best == SIZE_MAX || q->buf.cap < p->bufs[best].buf.cap))
            best = i;
    }
    if (best == SIZE_MAX)
        return NULL;
    msoc_buf nb = p->bufs[best].buf;
    p->held -= nb.cap;
    p->bufs[best] = p->bufs[--p->n];
    if (b->len > 0)
        memcpy(nb.data, b->data, b->len);
    nb.len = b->len;
    nb.data[nb.len] = '\0';
    nb.max = b->max;
    nb.is_failed = false;
    if (b->cap >= STOR_POOL_MIN)
        pool_put(p, b, NULL, SIZE_MAX, kind);
    else
        msoc_buf_fini(b);
    *b = nb;
    return b->data + b->len;
}

/* stor_reserve for rowset_add's buffers: from the pool first when b must grow. */
static char *rs_reserve(stor_rowset *rs, msoc_buf *b, size_t col, int kind, size_t extra)
{
    if (b->data != NULL && b->cap - b->len >= extra)
        return b->data + b->len;
    if (rs->pool != NULL) {
        char *d = pool_take(rs, b, col, kind, extra);
        if (d != NULL)
            return d;
    }
    return stor_reserve(b, extra);
}

/* Empties the row set but keeps its buffers: an appender refills them batch after
 * batch, and freeing them each time cost a page fault per 4 KiB on the next batch.
 * With a pool, the large ones go there instead: whichever row set of the thread
 * fills next takes them. */
void msoc_stor__rowset_clear(stor_rowset *rs)
{
    for (size_t i = 0; i < rs->n_cols; i++) {
        stor_colvec *c = &rs->cols[i];
        if (rs->pool != NULL) {
            pool_give(rs, &c->data, i, POOL_DATA);
            pool_give(rs, &c->offs, i, POOL_OFFS);
            pool_give(rs, &c->nulls, i, POOL_NULLS);
        } else {
            msoc_buf_reset(&c->data);
            msoc_buf_reset(&c->offs);
            msoc_buf_reset(&c->nulls);
        }
        if (msoc_stor__is_strlike(c->type)) {
            uint32_t z = 0;
            stor_append(&c->offs, &z, 4);
        }
        c->has_nulls = false;
    }
    if (rs->pool != NULL)
        pool_give(rs, &rs->ingest, SIZE_MAX, POOL_DATA);
    else
        msoc_buf_reset(&rs->ingest);
    rs->n_rows = 0;
    rs->bytes = 0;
    rs->is_add_ok = false;
}

static void add_cols(stor_rowset *rs, size_t n_cols, const msoc_type *types)
{
    if (n_cols <= rs->n_cols)
        return;
    if (n_cols > rs->cap_cols) {
        rs->cols = msoc_realloc(rs->cols, n_cols * sizeof *rs->cols);
        rs->cap_cols = n_cols;
    }
    for (size_t i = rs->n_cols; i < n_cols; i++)
        colvec_init(&rs->cols[i], types[i], rs->n_rows);
    rs->n_cols = n_cols;
    rs->is_add_ok = false;
}

void msoc_stor__rowset_widen(stor_rowset *rs, const msoc_stor_table_def *def)
{
    if (def->n_cols <= rs->n_cols)
        return;
    msoc_type *types = msoc_malloc(def->n_cols * sizeof *types);
    for (size_t i = 0; i < def->n_cols; i++)
        types[i] = def->cols[i].type;
    add_cols(rs, def->n_cols, types);
    msoc_free(types);
}

/* rowset_add's plan: what each column of the row set takes from a def's value. */
enum {
    STOR_ADD_STR,      /* string-like: bytes + offset; null stores "" (STRING) or null */
    STOR_ADD_PART,     /* TenantId/WorkspaceId: never stored per row (an empty string) */
    STOR_ADD_ABSENT,   /* a row-set column past def's: null */
    STOR_ADD_BOOL,
    STOR_ADD_INT,
    STOR_ADD_W8,       /* LONG, DATETIME, TIMESPAN (i64) and REAL (f64): 8 bytes as is */
};

static void plan_add(stor_rowset *rs, const msoc_stor_table_def *def)
{
    if (rs->n_add_kind < rs->n_cols) {
        rs->add_kind = msoc_realloc(rs->add_kind, rs->n_cols);
    }
    for (size_t i = 0; i < rs->n_cols; i++) {
        msoc_type t = rs->cols[i].type;
        uint8_t k;
        if (i >= def->n_cols)
            k = STOR_ADD_ABSENT;
        else if (def->cols[i].flags & (MSOC_STOR_COL_TENANT | MSOC_STOR_COL_WORKSPACE))
            k = msoc_stor__is_strlike(t) ? STOR_ADD_PART : STOR_ADD_ABSENT;
        else if (msoc_stor__is_strlike(t))
            k = STOR_ADD_STR;
        else if (t == MSOC_TYPE_BOOL)
            k = STOR_ADD_BOOL;
        else if (t == MSOC_TYPE_INT)
            k = STOR_ADD_INT;
        else
            k = STOR_ADD_W8;
        rs->add_kind[i] = k;
    }
    rs->n_add_kind = rs->n_cols;
    rs->add_def = def;
}

/* Rows rowset_add makes room for at once in every fixed-width and offsets buffer,
 * so a value is stored without a capacity check. */
#define ADD_CHUNK 1024

/* Room for n more bytes in b (keeps msoc_buf's NUL: one more byte is allocated);
 * NULL at the buffer's cap. */
static inline char *room(msoc_buf *b, size_t n)
{
    if (__builtin_expect(b->data == NULL || b->cap - b->len < n, 0))
        return stor_reserve(b, n);
    return b->data + b->len;
}

/* Sets c's null bitmap to exactly need bytes, the added ones zero (not null).
 * False at the buffer's cap. */
static bool nulls_zero_to(stor_colvec *c, size_t need)
{
    if (c->nulls.len < need) {
        size_t extra = need - c->nulls.len;
        char *p = stor_reserve(&c->nulls, extra);
        if (p == NULL)
            return false;
        memset(p, 0, extra);
    }
    c->nulls.len = need;
    return true;
}

/* Sets rowset_add's state up (is_add_ok) and makes room for ADD_CHUNK more rows. */
static bool add_prepare(stor_rowset *rs)
{
    size_t row = rs->n_rows;
    if (!rs->is_add_ok) {
        if (rs->cap_null_cols < rs->n_cols) {
            rs->null_cols = msoc_realloc(rs->null_cols, rs->n_cols * sizeof *rs->null_cols);
            rs->cap_null_cols = rs->n_cols;
        }
        rs->n_null_cols = 0;
        size_t nb = (row + 7) / 8;
        for (size_t i = 0; i < rs->n_cols; i++) {
            stor_colvec *c = &rs->cols[i];
            if (!c->has_nulls)
                continue;
            if (!nulls_zero_to(c, nb))
                return false;
            rs->null_cols[rs->n_null_cols++] = (uint32_t)i;
        }
    }
    for (size_t i = 0; i < rs->n_cols; i++) {
        stor_colvec *c = &rs->cols[i];
        size_t w = msoc_stor__type_width(c->type);
        if (rs_reserve(rs, w ? &c->data : &c->offs, i, w ? POOL_DATA : POOL_OFFS,
                       ADD_CHUNK * (w ? w : 4)) == NULL)
            return false;
    }
    if (rs_reserve(rs, &rs->ingest, SIZE_MAX, POOL_DATA, ADD_CHUNK * 8) == NULL)
        return false;
    rs->add_rows_cap = row + ADD_CHUNK;
    rs->is_add_ok = true;
    return true;
}

/* Takes back what rowset_add wrote of row n_rows (n_null0: the null_cols entries
 * before it). */
static void add_undo(stor_rowset *rs, size_t n_null0)
{
    size_t row = rs->n_rows;
    for (size_t i = 0; i < rs->n_cols; i++) {
        stor_colvec *c = &rs->cols[i];
        size_t w = msoc_stor__type_width(c->type);
        if (w != 0) {
            c->data.len = row * w;
        } else {
            uint32_t off;
            memcpy(&off, c->offs.data + 4 * row, 4);
            c->offs.len = 4 * (row + 1);
            c->data.len = off;
        }
    }
    for (size_t k = n_null0; k < rs->n_null_cols; k++) {
        stor_colvec *c = &rs->cols[rs->null_cols[k]];
        c->has_nulls = false;
        c->nulls.len = 0;
    }
    rs->n_null_cols = n_null0;
    for (size_t k = 0; k < n_null0; k++) {
        stor_colvec *c = &rs->cols[rs->null_cols[k]];
        c->nulls.len = (row + 7) / 8;
        if ((row & 7) != 0)
            c->nulls.data[row >> 3] = (char)(c->nulls.data[row >> 3] & ~(1 << (row & 7)));
    }
    rs->ingest.len = 8 * row;
}

/* Marks row null in column i: its bitmap bytes exist from its first null on. */
static inline bool add_null(stor_rowset *rs, stor_colvec *c, size_t i, size_t row)
{
    if (__builtin_expect(!c->has_nulls, 0)) {
        /* A column without nulls has an all-zero bitmap, possibly short. */
        if (!nulls_zero_to(c, (row >> 3) + 1))
            return false;
        c->has_nulls = true;
        rs->null_cols[rs->n_null_cols++] = (uint32_t)i;
    }
    c->nulls.data[row >> 3] = (char)(c->nulls.data[row >> 3] | (1 << (row & 7)));
    return true;
}

/* A column the row has no value for: null ("" for STRING). */
static bool add_absent(stor_rowset *rs, stor_colvec *c, size_t i, size_t row)
{
    size_t w = msoc_stor__type_width(c->type);
    if (w == 0) {
        if (c->type != MSOC_TYPE_STRING && !add_null(rs, c, i, row))
            return false;
        uint32_t off = (uint32_t)c->data.len;
        memcpy(c->offs.data + 4 * (row + 1), &off, 4);
        c->offs.len = 4 * (row + 2);
    } else {
        if (!add_null(rs, c, i, row))
            return false;
        memset(c->data.data + w * row, 0, w);
        c->data.len = w * (row + 1);
    }
    return true;
}

/* Asks for the cache line two ahead of p for writing: a row writes into some
 * hundred column buffers, more streams than the hardware prefetchers follow, and
 * a pooled buffer is cold (written a batch ago), so each line's first store would
 * otherwise wait for memory. A prefetch never faults, even past the buffer. */
static inline void ahead(const char *p)
{
    __builtin_prefetch((const void *)((uintptr_t)p + 128), 1, 3);
}

/* memcpy for the short strings most values are, without the call. */
static inline void copy_str(char *d, const char *s, size_t n)
{
    if (n >= 16 && n <= 64) {
        size_t i = 0;
        for (; i + 16 < n; i += 16)
            memcpy(d + i, s + i, 16);
        memcpy(d + n - 16, s + n - 16, 16);
    } else if (n >= 8 && n < 16) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n < 8) {
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    } else {
        memcpy(d, s, n);
    }
}

/* One pass over the columns, each taking its value by the plan (plan_add); a
 * refused value (length, caps) takes back what the row wrote (add_undo), so a
 * refused row leaves nothing behind. Fixed-width values and offsets go into room
 * add_prepare made; bitmaps are written only for columns that have a null. */
msoc_status msoc_stor__rowset_add(stor_rowset *rs, const msoc_stor_table_def *def,
                                  const msoc_stor_value *vals, msoc_error *err)
{
    if (def->n_cols > rs->n_cols)
        msoc_stor__rowset_widen(rs, def);
    if (rs->add_def != def || rs->n_add_kind != rs->n_cols)
        plan_add(rs, def);
    size_t row = rs->n_rows;
    if (!rs->is_add_ok || row >= rs->add_rows_cap) {
        if (!add_prepare(rs)) {
            rs->is_add_ok = false;
            return msoc_fail(err, MSOC_TOOBIG, "pending batch exceeds its cap; commit more often");
        }
    }
    size_t n_null0 = rs->n_null_cols;
    const uint8_t *kind = rs->add_kind;
    stor_colvec *cols = rs->cols;
    size_t n_def = def->n_cols;
    size_t add_bytes = 0;
    size_t i = 0;
    if ((row & 7) == 0) {
        for (size_t k = 0; k < n_null0; k++) {
            stor_colvec *c = &cols[rs->null_cols[k]];
            char *z = room(&c->nulls, 1);
            if (z == NULL)
                goto cap;
            z[0] = '\0';
            c->nulls.len++;
        }
    }
    for (; i < n_def; i++) {
        stor_colvec *c = &cols[i];
        const msoc_stor_value *v = &vals[i];
        switch (kind[i]) {
        case STOR_ADD_STR: {
            if (!v->is_null) {
                size_t len = v->v.s.len;
                if (len > STR_MAX) {
                    add_undo(rs, n_null0);
                    return msoc_fail(err, MSOC_TOOBIG, "column %s: value of %zu bytes exceeds %zu",
                                     def->cols[i].name, len, STR_MAX);
                }
                char *d;
                if (__builtin_expect(c->data.cap - c->data.len > len, 1)) {
                    /* Room, and len + data.len < cap <= BUF_MAX. */
                    d = c->data.data + c->data.len;
                } else {
                    if (c->data.len + len >= BUF_MAX)
                        goto big;
                    d = rs_reserve(rs, &c->data, i, POOL_DATA, len);
                    if (d == NULL)
                        goto big;
                }
                copy_str(d, v->v.s.ptr, len);
                ahead(d + len);
                c->data.len += len;
                add_bytes += len;
            } else if (c->type != MSOC_TYPE_STRING) {
                if (!add_null(rs, c, i, row))
                    goto cap;
            }
            uint32_t off = (uint32_t)c->data.len;
            memcpy(c->offs.data + 4 * (row + 1), &off, 4);
            ahead(c->offs.data + 4 * row);
            c->offs.len = 4 * (row + 2);
            break;
        }
        case STOR_ADD_PART: {
            uint32_t off = (uint32_t)c->data.len;
            memcpy(c->offs.data + 4 * (row + 1), &off, 4);
            c->offs.len = 4 * (row + 2);
            break;
        }
        case STOR_ADD_BOOL: {
            uint8_t b = 0;
            if (v->is_null) {
                if (!add_null(rs, c, i, row))
                    goto cap;
            } else {
                b = v->v.b ? 1 : 0;
            }
            c->data.data[row] = (char)b;
            c->data.len = row + 1;
            break;
        }
        case STOR_ADD_INT: {
            int32_t x = 0;
            if (v->is_null) {
                if (!add_null(rs, c, i, row))
                    goto cap;
            } else {
                x = (int32_t)v->v.i64;
            }
            memcpy(c->data.data + 4 * row, &x, 4);
            c->data.len = 4 * (row + 1);
            break;
        }
        case STOR_ADD_W8: {
            int64_t x = 0;
            if (v->is_null) {
                if (!add_null(rs, c, i, row))
                    goto cap;
            } else {
                memcpy(&x, &v->v.i64, 8); /* f64 shares the bits */
            }
            memcpy(c->data.data + 8 * row, &x, 8);
            ahead(c->data.data + 8 * row);
            c->data.len = 8 * (row + 1);
            break;
        }
        default: /* STOR_ADD_ABSENT below def's n_cols: a TenantId of a non-string type */
            if (!add_absent(rs, c, i, row))
                goto cap;
            break;
        }
    }
    for (; i < rs->n_cols; i++) { /* columns past def's: null */
        if (!add_absent(rs, &cols[i], i, row))
            goto cap;
    }
    if (rs->ingest.len + 64 >= BUF_MAX / 2)
        goto cap;
    memset(rs->ingest.data + 8 * row, 0, 8);
    rs->ingest.len = 8 * (row + 1);
    rs->n_rows++;
    rs->bytes += add_bytes + 8 * rs->n_cols;
    return MSOC_OK;
big:
    add_undo(rs, n_null0);
    return msoc_fail(err, MSOC_TOOBIG, "pending batch exceeds 3 GiB in column %s; commit more often",
                     def->cols[i].name);
cap:
    add_undo(rs, n_null0);
    return msoc_fail(err, MSOC_TOOBIG, "pending batch exceeds its cap; commit more often");
}

void msoc_stor__rowset_set_ingest(stor_rowset *rs, size_t from, msoc_datetime t)
{
    int64_t *p = (int64_t *)(void *)rs->ingest.data;
    for (size_t i = from; i < rs->n_rows; i++)
        p[i] = t;
}

static void append_bits(stor_colvec *dst, size_t dst_rows, const uint8_t *src, size_t n,
                        bool is_all_set)
{
    size_t need = (dst_rows + n + 7) / 8;
    if (need > dst->nulls.len) {
        size_t extra = need - dst->nulls.len;
        char *p = stor_reserve(&dst->nulls, extra);
        memset(p, 0, extra);
        dst->nulls.len = need;
    }
    uint8_t *bm = (uint8_t *)dst->nulls.data;
    for (size_t i = 0; i < n; i++) {
        if (is_all_set || (src != NULL && stor_bit(src, i))) {
            size_t r = dst_rows + i;
            bm[r >> 3] = (uint8_t)(bm[r >> 3] | (1 << (r & 7)));
            dst->has_nulls = true;
        }
    }
}

void msoc_stor__rowset_append(stor_rowset *dst, const stor_rowset *src)
{
    if (src->n_cols > dst->n_cols) {
        msoc_type *types = msoc_malloc(src->n_cols * sizeof *types);
        for (size_t i = 0; i < src->n_cols; i++)
            types[i] = src->cols[i].type;
        add_cols(dst, src->n_cols, types);
        msoc_free(types);
    }
    size_t n = src->n_rows;
    dst->is_add_ok = false;
    for (size_t i = 0; i < dst->n_cols; i++) {
        stor_colvec *d = &dst->cols[i];
        size_t w = msoc_stor__type_width(d->type);
        if (i < src->n_cols) {
            const stor_colvec *s = &src->cols[i];
            if (w == 0) {
                uint32_t base = (uint32_t)d->data.len;
                stor_append(&d->data, s->data.data, s->data.len);
                const uint32_t *so = (const uint32_t *)(const void *)s->offs.data;
                uint32_t *p = (uint32_t *)(void *)stor_reserve(&d->offs, 4 * n);
                for (size_t r = 0; r < n; r++)
                    p[r] = base + so[r + 1];
                d->offs.len += 4 * n;
            } else {
                stor_append(&d->data, s->data.data, w * n);
            }
            append_bits(d, dst->n_rows, s->has_nulls ? (const uint8_t *)s->nulls.data : NULL,
                        n, false);
        } else {
            if (w == 0) {
                uint32_t off = (uint32_t)d->data.len;
                for (size_t r = 0; r < n; r++)
                    stor_append(&d->offs, &off, 4);
            } else {
                char *p = stor_reserve(&d->data, w * n);
                memset(p, 0, w * n);
                d->data.len += w * n;
            }
            append_bits(d, dst->n_rows, NULL, n, d->type != MSOC_TYPE_STRING);
        }
    }
    stor_append(&dst->ingest, src->ingest.data, 8 * n);
    dst->n_rows += n;
    dst->bytes += src->bytes;
}

/* WAL payload: u32 n_rows, u32 n_cols, i64 ingestion time, then per column
 * u8 type, u8 has_nulls, [bitmap], values or (u32 offsets[n+1], u32 bytes_len,
 * bytes). Ingestion time is the same for every row of a record. */
void msoc_stor__rowset_encode(const stor_rowset *rs, msoc_buf *out)
{
    uint32_t hdr[2] = {(uint32_t)rs->n_rows, (uint32_t)rs->n_cols};
    stor_append(out, hdr, 8);
    int64_t t = rs->n_rows > 0 ? ((const int64_t *)(const void *)rs->ingest.data)[0] : 0;
    stor_append(out, &t, 8);
    size_t nb = (rs->n_rows + 7) / 8;
    for (size_t i = 0; i < rs->n_cols; i++) {
        const stor_colvec *c = &rs->cols[i];
        uint8_t h[2] = {(uint8_t)c->type, c->has_nulls ? 1 : 0};
        stor_append(out, h, 2);
        if (c->has_nulls)
            stor_append(out, c->nulls.data, nb);
        if (msoc_stor__is_strlike(c->type)) {
            stor_append(out, c->offs.data, 4 * (rs->n_rows + 1));
            stor_append(out, c->data.data, c->data.len);
        } else {
            stor_append(out, c->data.data, c->data.len);
        }
    }
}

msoc_status msoc_stor__rowset_decode(const char *p, size_t len, stor_rowset *rs,
                                     msoc_error *err)
{
    const char *end = p + len;
    if (len < 16)
        return msoc_fail(err, MSOC_CORRUPT, "WAL record too short");
    uint32_t hdr[2];
    memcpy(hdr, p, 8);
    int64_t t;
    memcpy(&t, p + 8, 8);
    p += 16;
    size_t n = hdr[0], n_cols = hdr[1];
    if (n_cols > 100000 || n > len)
        return msoc_fail(err, MSOC_CORRUPT, "WAL record header out of range");
    msoc_stor__rowset_init(rs, NULL);
    msoc_type *types = msoc_calloc(n_cols + 1, sizeof *types);
    size_t nb = (n + 7) / 8;
    const char *q = p;
    /* First pass: validate and collect the types. */
    for (size_t i = 0; i < n_cols; i++) {
        if (end - q < 2)
            goto bad;
        uint8_t ty = (uint8_t)q[0], hn = (uint8_t)q[1];
        q += 2;
        if (ty == 0 || ty >= MSOC__TYPE_COUNT || hn > 1)
            goto bad;
        types[i] = (msoc_type)ty;
        if (hn) {
            if ((size_t)(end - q) < nb)
                goto bad;
            q += nb;
        }
        size_t w = msoc_stor__type_width(types[i]);
        if (w == 0) {
            if ((size_t)(end - q) < 4 * (n + 1))
                goto bad;
            uint32_t prev = 0;
            for (size_t r = 0; r <= n; r++) {
                uint32_t o;
                memcpy(&o, q + 4 * r, 4);
                if ((r == 0 && o != 0) || o < prev)
                    goto bad;
                prev = o;
            }
            q += 4 * (n + 1);
            if ((size_t)(end - q) < prev)
                goto bad;
            q += prev;
        } else {
            if ((size_t)(end - q) / w < n)
                goto bad;
            q += w * n;
        }
    }
    if (q != end)
        goto bad;
    add_cols(rs, n_cols, types);
    q = p;
    for (size_t i = 0; i < n_cols; i++) {
        stor_colvec *c = &rs->cols[i];
        bool hn = q[1] != 0;
        q += 2;
        msoc_buf_reset(&c->nulls);
        if (hn) {
            stor_append(&c->nulls, q, nb);
            q += nb;
            c->has_nulls = true;
        } else {
            char *z = stor_reserve(&c->nulls, nb);
            memset(z, 0, nb);
            c->nulls.len = nb;
        }
        if (msoc_stor__is_strlike(c->type)) {
            msoc_buf_reset(&c->offs);
            stor_append(&c->offs, q, 4 * (n + 1));
            uint32_t blen;
            memcpy(&blen, q + 4 * n, 4);
            q += 4 * (n + 1);
            stor_append(&c->data, q, blen);
            q += blen;
            rs->bytes += blen;
        } else {
            size_t w = msoc_stor__type_width(c->type);
            stor_append(&c->data, q, w * n);
            q += w * n;
        }
    }
    for (size_t r = 0; r < n; r++)
        stor_append(&rs->ingest, &t, 8);
    rs->n_rows = n;
    rs->bytes += 8 * n * n_cols;
    msoc_free(types);
    return MSOC_OK;
bad:
    msoc_free(types);
    msoc_stor__rowset_fini(rs);
    return msoc_fail(err, MSOC_CORRUPT, "WAL record payload is malformed");
}
