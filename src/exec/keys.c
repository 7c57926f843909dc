/* Key hashing and grouping for summarize and join. Hashes equal msoc_exec__hash_cols'
 * (value.c) but remember recent string hashes by pointer: the scan hands out one view
 * per dictionary entry, so a dictionary-encoded column hashes each distinct value once
 * per chunk instead of once per row. Grouping first groups rows by identity (string
 * pointer and length, integer value) with cheap integer hashing and only then merges
 * identities holding equal values, so the string comparisons run once per distinct
 * view, not once per row. */
#include <string.h>

#include "exec_int.h"

#define HCACHE_BITS 8
#define HCACHE (1u << HCACHE_BITS)

typedef struct hcache_ent {
    const char *p;
    size_t len;
    uint64_t h;
} hcache_ent;

void msoc_exec__hash_keys(msoc_exec_col **cols, size_t n_cols, size_t n, uint64_t *h)
{
    for (size_t r = 0; r < n; r++)
        h[r] = 0x12345;
    hcache_ent cache[HCACHE];
    for (size_t i = 0; i < n_cols; i++) {
        const msoc_exec_col *c = cols[i];
        if (c->is_absent || !xtype_is_str(c->type)) {
            /* the same mixing as hash_cols: h = (h ^ hash(value)) * prime */
            bool is_generic = c->is_absent || c->type == MSOC_TYPE_DYNAMIC || xtype_is_real(c->type);
            for (size_t r = 0; r < n; r++) {
                uint64_t v;
                if (is_generic)
                    v = msoc_exec__hash(msoc_exec__col_get(c, r));
                else
                    v = (c->nulls && c->nulls[r]) ? 0x9e3779b97f4a7c15ULL : msoc_hash_u64((uint64_t)c->v.i[r]);
                h[r] = (h[r] ^ v) * 0x100000001b3ULL;
            }
            continue;
        }
        memset(cache, 0, sizeof cache);
        const msoc_str *s = c->v.s;
        for (size_t r = 0; r < n; r++) {
            const char *p = s[r].ptr ? s[r].ptr : "";
            size_t len = s[r].len;
            hcache_ent *e = &cache[msoc_exec__view_slot(p, len, HCACHE_BITS)];
            if (e->p != p || e->len != len) {
                e->p = p;
                e->len = len;
                e->h = msoc_hash_bytes(p, len);
            }
            h[r] = (h[r] ^ e->h) * 0x100000001b3ULL;
        }
    }
}

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

/* Whether rows a and b have the same identity in every key. */
static inline bool ident_eq(msoc_exec_col **keys, size_t n_keys, size_t a, size_t b)
{
    for (size_t k = 0; k < n_keys; k++) {
        const msoc_exec_col *c = keys[k];
        if (xtype_is_str(c->type)) {
            if (c->v.s[a].ptr != c->v.s[b].ptr || c->v.s[a].len != c->v.s[b].len)
                return false;
        } else {
            bool na = c->nulls && c->nulls[a], nb = c->nulls && c->nulls[b];
            if (na != nb || (!na && c->v.i[a] != c->v.i[b]))
                return false;
        }
    }
    return true;
}

/* The generic pass: hash, probe, compare values. rows NULL: rows 0..n. */
static msoc_status group_values(xq *q, msoc_exec_col **keys, size_t n_keys, size_t n, xgroups *gt)
{
    size_t cap = 16;
    while (cap < n * 2)
        cap <<= 1;
    int64_t *slots = msoc_exec__calloc(q, cap, sizeof *slots); /* group id + 1, 0 empty */
    gt->gid = msoc_exec__alloc(q, (n + 1) * sizeof *gt->gid);
    gt->hashes = msoc_exec__alloc(q, (n + 1) * sizeof *gt->hashes);
    gt->first_row = msoc_exec__alloc(q, (n + 1) * sizeof *gt->first_row);
    uint64_t *hs = msoc_exec__alloc(q, (n + 1) * sizeof *hs);
    if (slots == NULL || gt->gid == NULL || gt->hashes == NULL || gt->first_row == NULL || hs == NULL)
        return q->err->code;
    gt->n_groups = 0;
    msoc_exec__hash_keys(keys, n_keys, n, hs);
    size_t *gid = gt->gid;
    for (size_t r = 0; r < n; r++) {
        uint64_t h = hs[r];
        size_t s = (size_t)h & (cap - 1);
        for (;;) {
            int64_t g = slots[s];
            if (g == 0) {
                size_t id = gt->n_groups++;
                slots[s] = (int64_t)id + 1;
                gt->hashes[id] = h;
                gt->first_row[id] = r;
                gid[r] = id;
                break;
            }
            size_t id = (size_t)g - 1;
            if (gt->hashes[id] == h && msoc_exec__key_eq(keys, r, keys, gt->first_row[id], n_keys)) {
                gid[r] = id;
                break;
            }
            s = (s + 1) & (cap - 1);
        }
        if ((r & 0xffff) == 0xffff) {
            msoc_status st = msoc_exec__check(q);
            if (st != MSOC_OK)
                return st;
        }
    }
    return MSOC_OK;
}

msoc_status msoc_exec__group_rows(xq *q, msoc_exec_col **keys, size_t n_keys, size_t n, xgroups *gt)
{
    bool is_ident = n_keys > 0;
    for (size_t k = 0; k < n_keys; k++) {
        const msoc_exec_col *c = keys[k];
        if (c->is_absent || !(xtype_is_str(c->type) || xtype_is_int(c->type)))
            is_ident = false;
    }
    if (!is_ident)
        return group_values(q, keys, n_keys, n, gt);
    /* 1: identities */
    size_t cap = 16;
    while (cap < n * 2)
        cap <<= 1;
    int64_t *slots = msoc_exec__calloc(q, cap, sizeof *slots);
    size_t *pid = msoc_exec__alloc(q, (n + 1) * sizeof *pid);
    size_t *rep = msoc_exec__alloc(q, (n + 1) * sizeof *rep);
    if (slots == NULL || pid == NULL || rep == NULL)
        return q->err->code;
    size_t np = 0;
    size_t prev = 0;
    bool has_prev = false;
    for (size_t r = 0; r < n; r++) {
        /* runs of one identity (one tenant's chunk, sorted input) skip the probe */
        if (has_prev && ident_eq(keys, n_keys, r, rep[prev])) {
            pid[r] = prev;
            continue;
        }
        uint64_t h = 0x51ed27;
        for (size_t k = 0; k < n_keys; k++) {
            const msoc_exec_col *c = keys[k];
            uint64_t v;
            if (xtype_is_str(c->type))
                v = (uint64_t)(uintptr_t)c->v.s[r].ptr ^ ((uint64_t)c->v.s[r].len << 48);
            else
                v = (c->nulls && c->nulls[r]) ? 0x9e3779b97f4a7c15ULL : (uint64_t)c->v.i[r];
            h = mix64(h ^ v) + k;
        }
        size_t s = (size_t)h & (cap - 1);
        for (;;) {
            int64_t e = slots[s];
            if (e == 0) {
                slots[s] = (int64_t)np + 1;
                rep[np] = r;
                pid[r] = np++;
                break;
            }
            if (ident_eq(keys, n_keys, r, rep[e - 1])) {
                pid[r] = (size_t)e - 1;
                break;
            }
            s = (s + 1) & (cap - 1);
        }
        prev = pid[r];
        has_prev = true;
        if ((r & 0xffff) == 0xffff) {
            msoc_status st = msoc_exec__check(q);
            if (st != MSOC_OK)
                return st;
        }
    }
    /* 2: identities holding equal values become one group */
    msoc_exec_col **rk = msoc_exec__calloc(q, n_keys + 1, sizeof *rk);
    if (rk == NULL)
        return q->err->code;
    for (size_t k = 0; k < n_keys; k++) {
        rk[k] = msoc_exec__col_gather(q, keys[k], rep, np);
        if (rk[k] == NULL)
            return q->err->code;
    }
    xgroups pg = {0};
    msoc_status st = group_values(q, rk, n_keys, np, &pg);
    if (st != MSOC_OK)
        return st;
    gt->n_groups = pg.n_groups;
    gt->hashes = pg.hashes;
    gt->first_row = pg.first_row;
    for (size_t g = 0; g < pg.n_groups; g++)
        gt->first_row[g] = rep[pg.first_row[g]];
    gt->gid = pid;
    for (size_t r = 0; r < n; r++)
        pid[r] = pg.gid[pid[r]];
    return MSOC_OK;
}
