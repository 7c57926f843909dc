/* join: hash join on equality keys. The hash table is built on the right input
 * (Kusto's convention: put the smaller table on the right; the optimiser may swap
 * sides), probed with the left. innerunique, Kusto's default, first keeps one left
 * row per distinct key. Null keys never match. */
#include <string.h>

#include "exec_int.h"

static bool key_has_null(msoc_exec_col **k, size_t n_keys, size_t row)
{
    for (size_t i = 0; i < n_keys; i++) {
        xval v = msoc_exec__col_get(k[i], row);
        if (v.is_null && !xtype_is_str(v.t))
            return true;
    }
    return false;
}

typedef struct pair_buf {
    int64_t *l, *r; /* -1 = no row (outer side) */
    size_t n, cap;
} pair_buf;

static bool pair_push(xq *q, pair_buf *p, int64_t l, int64_t r)
{
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 1024;
        int64_t *nl = msoc_exec__alloc(q, nc * sizeof *nl);
        int64_t *nr = msoc_exec__alloc(q, nc * sizeof *nr);
        if (nl == NULL || nr == NULL)
            return false;
        if (p->n) {
            memcpy(nl, p->l, p->n * sizeof *nl);
            memcpy(nr, p->r, p->n * sizeof *nr);
        }
        p->l = nl;
        p->r = nr;
        p->cap = nc;
    }
    p->l[p->n] = l;
    p->r[p->n] = r;
    p->n++;
    return true;
}

/* Rows rows[0..n) of c (-1: a null row of the outer side), copied by type. */
static msoc_exec_col *gather_opt(xq *q, const msoc_exec_col *c, const int64_t *rows, size_t n)
{
    if (c->is_absent) {
        msoc_exec_col *o = msoc_exec__calloc(q, 1, sizeof *o);
        if (o == NULL)
            return NULL;
        o->type = c->type;
        o->n = n;
        o->is_absent = true;
        return o;
    }
    msoc_exec_col *o = msoc_exec__col_new_raw(q, c->type, n);
    if (o == NULL)
        return NULL;
    bool has_null_rows = false;
    if (xtype_is_str(c->type)) {
        for (size_t i = 0; i < n; i++)
            o->v.s[i] = rows[i] < 0 ? MSOC_STR("") : c->v.s[rows[i]];
    } else if (c->type == MSOC_TYPE_DYNAMIC) {
        for (size_t i = 0; i < n; i++)
            o->v.d[i] = rows[i] < 0 ? NULL : c->v.d[rows[i]];
    } else {
        for (size_t i = 0; i < n; i++) {
            o->v.i[i] = rows[i] < 0 ? 0 : c->v.i[rows[i]];
            has_null_rows |= rows[i] < 0;
        }
    }
    if (c->nulls || has_null_rows) {
        o->nulls = msoc_exec__calloc(q, n ? n : 1, 1);
        if (o->nulls == NULL)
            return NULL;
        for (size_t i = 0; i < n; i++)
            o->nulls[i] = rows[i] < 0 ? !xtype_is_str(c->type) && c->type != MSOC_TYPE_DYNAMIC
                                      : (c->nulls ? c->nulls[rows[i]] : 0);
    }
    return o;
}

static msoc_status emit(xq *q, const msoc_plan_node *n, const msoc_exec_table *l,
                        const msoc_exec_table *r, const pair_buf *pairs, const msoc_exec_table **out)
{
    msoc_exec_table *t = msoc_exec__table_new(q, n->n_cols, pairs->n);
    if (t == NULL)
        return q->err->code;
    for (size_t c = 0; c < n->n_cols; c++) {
        int src = n->join_out[c];
        t->names[c] = n->cols[c].name;
        if (src >= 0)
            t->cols[c] = gather_opt(q, l->cols[src], pairs->l, pairs->n);
        else
            t->cols[c] = gather_opt(q, r->cols[-src - 1], pairs->r, pairs->n);
        if (t->cols[c] == NULL)
            return q->err->code;
    }
    *out = t;
    return MSOC_OK;
}

struct xjoin_ht {
    const msoc_exec_table *r;
    msoc_exec_col **rk;  /* the right key columns */
    size_t cap;          /* buckets (power of two) */
    int64_t *head;       /* per bucket: first right row + 1 */
    int64_t *next;       /* per right row: next row of its bucket + 1 */
    uint64_t *rh;        /* per right row: key hash */
};

bool msoc_exec__join_is_left_streamable(msoc_plan_join_kind kind)
{
    return kind == MSOC_PLAN_JOIN_INNER || kind == MSOC_PLAN_JOIN_LEFTOUTER ||
           kind == MSOC_PLAN_JOIN_LEFTSEMI || kind == MSOC_PLAN_JOIN_LEFTANTI;
}

msoc_status msoc_exec__join_build(xq *q, const msoc_plan_node *n, const msoc_exec_table *r,
                                  xjoin_ht **out)
{
    size_t nk = n->n_join_keys, nr = r->n_rows;
    xjoin_ht *ht = msoc_exec__calloc(q, 1, sizeof *ht);
    if (ht == NULL)
        return q->err->code;
    ht->r = r;
    ht->rk = msoc_exec__calloc(q, nk + 1, sizeof *ht->rk);
    if (ht->rk == NULL)
        return q->err->code;
    for (size_t i = 0; i < nk; i++)
        ht->rk[i] = r->cols[n->right_keys[i]];
    ht->cap = 16;
    while (ht->cap < nr * 2)
        ht->cap <<= 1;
    ht->head = msoc_exec__calloc(q, ht->cap, sizeof *ht->head);
    ht->next = msoc_exec__calloc(q, nr + 1, sizeof *ht->next);
    ht->rh = msoc_exec__alloc(q, (nr + 1) * sizeof *ht->rh);
    if (ht->head == NULL || ht->next == NULL || ht->rh == NULL)
        return q->err->code;
    msoc_exec__hash_keys(ht->rk, nk, nr, ht->rh);
    for (size_t j = nr; j-- > 0;) {
        if (key_has_null(ht->rk, nk, j))
            continue;
        size_t s = (size_t)ht->rh[j] & (ht->cap - 1);
        ht->next[j] = ht->head[s];
        ht->head[s] = (int64_t)j + 1;
    }
    *out = ht;
    return MSOC_OK;
}

/* Walks the bucket of hash h for the right rows whose keys equal left row i's, and
 * pairs them with it (or only notes the first, for semi and anti joins); false when out
 * of memory. */
static bool walk_push(xq *q, const xjoin_ht *ht, msoc_exec_col **lk, size_t nk, size_t i, uint64_t h,
                      bool is_first_only, pair_buf *pairs, bool *is_hit)
{
    *is_hit = false;
    for (int64_t e = ht->head[(size_t)h & (ht->cap - 1)]; e != 0; e = ht->next[e - 1]) {
        size_t j = (size_t)e - 1;
        if (ht->rh[j] != h || !msoc_exec__key_eq(lk, i, ht->rk, j, nk))
            continue;
        *is_hit = true;
        if (is_first_only)
            break;
        if (!pair_push(q, pairs, (int64_t)i, (int64_t)j))
            return false;
    }
    return true;
}

/* After probing left row i: the row alone in the output when its kind says so (left
 * outer without a match, semi with one, anti without), and a budget and cancellation
 * check every 65,536 rows. */
static msoc_status probe_row_done(xq *q, msoc_plan_join_kind kind, size_t i, bool is_hit, pair_buf *pairs)
{
    bool is_emit_alone = (kind == MSOC_PLAN_JOIN_LEFTOUTER && !is_hit) ||
                         (kind == MSOC_PLAN_JOIN_LEFTSEMI && is_hit) ||
                         (kind == MSOC_PLAN_JOIN_LEFTANTI && !is_hit);
    if (is_emit_alone && !pair_push(q, pairs, (int64_t)i, -1))
        return q->err->code;
    return (i & 0xffff) == 0xffff ? msoc_exec__check(q) : MSOC_OK;
}

/* One string key on both sides: the scan hands out one view per dictionary entry, so
 * rows holding the same view share their bucket walk. A small direct-mapped memo keyed by
 * view identity (pointer, length) keeps each walk's result: hashing and comparing run
 * once per distinct view, not once per row. Views that differ but hold equal bytes just
 * miss the memo and walk as usual, so results and their order equal the general path's. */
#define PROBE_MEMO_BITS 12 /* dictionaries of a few thousand entries fit */

typedef struct probe_memo {
    const char *p; /* the view (never NULL once set: a null view is keyed as "") */
    uint32_t len;
    uint32_t n;    /* matching right rows */
    int64_t j;     /* the first matching right row, or -1 */
} probe_memo;

static msoc_status probe_str1(xq *q, const msoc_plan_node *n, const xjoin_ht *ht,
                              const msoc_exec_table *l, msoc_exec_col *lc,
                              const msoc_exec_table **out)
{
    msoc_plan_join_kind kind = n->join_kind;
    bool is_first_only = kind == MSOC_PLAN_JOIN_LEFTSEMI || kind == MSOC_PLAN_JOIN_LEFTANTI;
    unsigned bits = 6;
    while (bits < PROBE_MEMO_BITS && ((size_t)1 << bits) < l->n_rows)
        bits++;
    probe_memo *memo = msoc_exec__calloc(q, (size_t)1 << bits, sizeof *memo);
    if (memo == NULL)
        return q->err->code;
    msoc_exec_col *lk[1] = {lc};
    const msoc_str *s = lc->v.s;
    pair_buf pairs = {0};
    for (size_t i = 0; i < l->n_rows; i++) {
        const char *p = s[i].ptr ? s[i].ptr : "";
        size_t len = s[i].len;
        probe_memo *m = &memo[msoc_exec__view_slot(p, len, bits)];
        if (m->p != p || m->len != len || len > UINT32_MAX) {
            /* the hash msoc_exec__hash_keys gives one string column */
            uint64_t h = (0x12345 ^ msoc_hash_bytes(p, len)) * 0x100000001b3ULL;
            *m = (probe_memo){p, (uint32_t)len, 0, -1};
            for (int64_t e = ht->head[(size_t)h & (ht->cap - 1)]; e != 0; e = ht->next[e - 1]) {
                size_t j = (size_t)e - 1;
                if (ht->rh[j] != h || !msoc_exec__key_eq(lk, i, ht->rk, j, 1))
                    continue;
                if (m->n++ == 0)
                    m->j = (int64_t)j;
            }
        }
        bool is_hit = m->n > 0;
        if (is_hit && !is_first_only) {
            if (m->n == 1) {
                if (!pair_push(q, &pairs, (int64_t)i, m->j))
                    return q->err->code;
            } else {
                /* several matches (rare: hunting joins mostly have distinct right keys): walk again */
                bool is_any;
                if (!walk_push(q, ht, lk, 1, i, ht->rh[m->j], false, &pairs, &is_any))
                    return q->err->code;
            }
        }
        msoc_status st = probe_row_done(q, kind, i, is_hit, &pairs);
        if (st != MSOC_OK)
            return st;
    }
    return emit(q, n, l, ht->r, &pairs, out);
}

msoc_status msoc_exec__join_probe(xq *q, const msoc_plan_node *n, const xjoin_ht *ht,
                                  const msoc_exec_table *l, const msoc_exec_table **out)
{
    if (n->n_join_keys == 1) {
        msoc_exec_col *lc = l->cols[n->left_keys[0]];
        const msoc_exec_col *rc = ht->rk[0];
        if (!lc->is_absent && !rc->is_absent && lc->type == rc->type && xtype_is_str(lc->type))
            return probe_str1(q, n, ht, l, lc, out);
    }
    size_t nk = n->n_join_keys, nl = l->n_rows;
    msoc_plan_join_kind kind = n->join_kind;
    msoc_exec_col **lk = msoc_exec__calloc(q, nk + 1, sizeof *lk);
    uint64_t *lh = msoc_exec__alloc(q, (nl + 1) * sizeof *lh);
    if (lk == NULL || lh == NULL)
        return q->err->code;
    for (size_t i = 0; i < nk; i++)
        lk[i] = l->cols[n->left_keys[i]];
    msoc_exec__hash_keys(lk, nk, nl, lh);
    pair_buf pairs = {0};
    for (size_t i = 0; i < nl; i++) {
        bool is_hit = false;
        if (!key_has_null(lk, nk, i)) {
            bool is_first_only = kind == MSOC_PLAN_JOIN_LEFTSEMI || kind == MSOC_PLAN_JOIN_LEFTANTI;
            if (!walk_push(q, ht, lk, nk, i, lh[i], is_first_only, &pairs, &is_hit))
                return q->err->code;
        }
        msoc_status st = probe_row_done(q, kind, i, is_hit, &pairs);
        if (st != MSOC_OK)
            return st;
    }
    return emit(q, n, l, ht->r, &pairs, out);
}

msoc_status msoc_exec__op_join(xq *q, const msoc_plan_node *n, const msoc_exec_table *l,
                               const msoc_exec_table *r, const msoc_exec_table **out)
{
    size_t nk = n->n_join_keys;
    msoc_exec_col **lk = msoc_exec__calloc(q, nk + 1, sizeof *lk);
    msoc_exec_col **rk = msoc_exec__calloc(q, nk + 1, sizeof *rk);
    if (lk == NULL || rk == NULL)
        return q->err->code;
    for (size_t i = 0; i < nk; i++) {
        lk[i] = l->cols[n->left_keys[i]];
        rk[i] = r->cols[n->right_keys[i]];
    }
    msoc_plan_join_kind kind = n->join_kind;
    if (kind == MSOC_PLAN_JOIN_INNER || kind == MSOC_PLAN_JOIN_LEFTSEMI || kind == MSOC_PLAN_JOIN_LEFTANTI) {
        xjoin_ht *ht;
        msoc_status st = msoc_exec__join_build(q, n, r, &ht);
        if (st != MSOC_OK)
            return st;
        return msoc_exec__join_probe(q, n, ht, l, out);
    }
    /* innerunique: one left row per distinct key */
    size_t nl = l->n_rows, nr = r->n_rows;
    uint8_t *l_skip = msoc_exec__calloc(q, nl + 1, 1);
    uint8_t *l_hit = msoc_exec__calloc(q, nl + 1, 1);
    uint8_t *r_hit = msoc_exec__calloc(q, nr + 1, 1);
    if (l_skip == NULL || l_hit == NULL || r_hit == NULL)
        return q->err->code;
    size_t cap = 16;
    while (cap < (nr > nl ? nr : nl) * 2)
        cap <<= 1;
    uint64_t *lh = msoc_exec__alloc(q, (nl + 1) * sizeof *lh);
    uint64_t *rhv = msoc_exec__alloc(q, (nr + 1) * sizeof *rhv);
    if (lh == NULL || rhv == NULL)
        return q->err->code;
    msoc_exec__hash_keys(lk, nk, nl, lh);
    msoc_exec__hash_keys(rk, nk, nr, rhv);
    if (kind == MSOC_PLAN_JOIN_INNERUNIQUE) {
        int64_t *seen = msoc_exec__calloc(q, cap, sizeof *seen);
        if (seen == NULL)
            return q->err->code;
        for (size_t i = 0; i < nl; i++) {
            if (key_has_null(lk, nk, i))
                continue;
            uint64_t h = lh[i];
            size_t s = (size_t)h & (cap - 1);
            for (;;) {
                if (seen[s] == 0) {
                    seen[s] = (int64_t)i + 1;
                    break;
                }
                if (msoc_exec__key_eq(lk, (size_t)seen[s] - 1, lk, i, nk)) {
                    l_skip[i] = 1;
                    break;
                }
                s = (s + 1) & (cap - 1);
            }
        }
    }
    /* build on the right: buckets with chains */
    int64_t *head = msoc_exec__calloc(q, cap, sizeof *head);
    int64_t *next = msoc_exec__calloc(q, nr + 1, sizeof *next);
    uint64_t *rh = msoc_exec__calloc(q, nr + 1, sizeof *rh);
    if (head == NULL || next == NULL || rh == NULL)
        return q->err->code;
    for (size_t j = nr; j-- > 0;) {
        if (key_has_null(rk, nk, j))
            continue;
        rh[j] = rhv[j];
        size_t s = (size_t)rh[j] & (cap - 1);
        next[j] = head[s];
        head[s] = (int64_t)j + 1;
    }
    pair_buf pairs = {0};
    bool is_emit_pairs = kind == MSOC_PLAN_JOIN_INNER || kind == MSOC_PLAN_JOIN_INNERUNIQUE ||
                         kind == MSOC_PLAN_JOIN_LEFTOUTER || kind == MSOC_PLAN_JOIN_RIGHTOUTER ||
                         kind == MSOC_PLAN_JOIN_FULLOUTER;
    for (size_t i = 0; i < nl; i++) {
        if (l_skip[i] || key_has_null(lk, nk, i))
            continue;
        uint64_t h = lh[i];
        for (int64_t e = head[(size_t)h & (cap - 1)]; e != 0; e = next[e - 1]) {
            size_t j = (size_t)e - 1;
            if (rh[j] != h || !msoc_exec__key_eq(lk, i, rk, j, nk))
                continue;
            l_hit[i] = 1;
            r_hit[j] = 1;
            if (is_emit_pairs && !pair_push(q, &pairs, (int64_t)i, (int64_t)j))
                return q->err->code;
        }
        if ((i & 0xffff) == 0xffff) {
            msoc_status st = msoc_exec__check(q);
            if (st != MSOC_OK)
                return st;
        }
    }
    switch (kind) {
    case MSOC_PLAN_JOIN_LEFTOUTER:
    case MSOC_PLAN_JOIN_FULLOUTER:
        for (size_t i = 0; i < nl; i++)
            if (!l_hit[i] && !pair_push(q, &pairs, (int64_t)i, -1))
                return q->err->code;
        if (kind == MSOC_PLAN_JOIN_FULLOUTER)
            for (size_t j = 0; j < nr; j++)
                if (!r_hit[j] && !pair_push(q, &pairs, -1, (int64_t)j))
                    return q->err->code;
        break;
    case MSOC_PLAN_JOIN_RIGHTOUTER:
        for (size_t j = 0; j < nr; j++)
            if (!r_hit[j] && !pair_push(q, &pairs, -1, (int64_t)j))
                return q->err->code;
        break;
    case MSOC_PLAN_JOIN_LEFTANTI:
    case MSOC_PLAN_JOIN_LEFTSEMI:
        for (size_t i = 0; i < nl; i++)
            if ((l_hit[i] != 0) == (kind == MSOC_PLAN_JOIN_LEFTSEMI) && !pair_push(q, &pairs, (int64_t)i, -1))
                return q->err->code;
        break;
    case MSOC_PLAN_JOIN_RIGHTANTI:
    case MSOC_PLAN_JOIN_RIGHTSEMI:
        for (size_t j = 0; j < nr; j++)
            if ((r_hit[j] != 0) == (kind == MSOC_PLAN_JOIN_RIGHTSEMI) && !pair_push(q, &pairs, -1, (int64_t)j))
                return q->err->code;
        break;
    default: break;
    }
    return emit(q, n, l, r, &pairs, out);
}
