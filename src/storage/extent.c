/* Immutable columnar extents: writer (blocks of rows, one compressed block per
 * column with a zone map and checksum, dictionary or plain strings, delta for
 * 64-bit integers) and reader (mmap, every offset and length checked, so a
 * damaged file yields MSOC_CORRUPT naming it). Format: docs/storage.md. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lz4.h>
#include <xxhash.h>
#include <zstd.h>

#include "core/mem.h"
#include "stor_int.h"

#define ENC_PLAIN 0
#define ENC_DELTA 1
#define ENC_DICT  2
#define ENC_PACK  3
#define ENC_SAME  4 /* version 3: u32 j, an earlier column of the same type and values */
#define ENC_NULLS 0x80
#define HDR_LEN 32
#define TRL_LEN 32
#define RAW_MAX ((size_t)1 << 31)
#define OUT_KEEP ((size_t)16 << 20) /* a writer keeps a file buffer up to this size */

/* The format is little-endian and the code stores host integers as they are. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "extents assume a little-endian host");

/* ---- writer ---- */

/* Scratch an extent writer reuses across columns, blocks and extents (one per
 * appender): the dictionary hash table and arrays, the encode and compress
 * buffers and the zstd context. Big buffers allocated and freed per block column
 * cost page faults and zeroing; reused ones stay in cache. */
struct stor_extent_writer {
    uint64_t *slots;        /* (hash tag << 32) | (dict index + 1); 0 = empty */
    size_t cap_slots;
    uint16_t *codes;        /* the codes of the column being built (< 65535 entries) */
    uint16_t *prev_codes;   /* those of the block's last dictionary column */
    size_t cap_codes;
    uint16_t *pred;         /* prev code -> this column's code seen with it, or NO_PRED */
    size_t cap_pred;
    uint32_t *doffs;        /* entry k: dbytes[doffs[k] .. doffs[k + 1]) */
    uint64_t *hashes;
    size_t cap_dict;
    char *dbytes;           /* the entries' bytes, back to back (as written) */
    size_t cap_dbytes;
    msoc_buf raw, comp, out;
    ZSTD_CCtx *zc;
};

stor_extent_writer *msoc_stor__extent_writer_new(void)
{
    stor_extent_writer *w = msoc_calloc(1, sizeof *w);
    msoc_buf_init(&w->raw, RAW_MAX);
    msoc_buf_init(&w->comp, RAW_MAX + (RAW_MAX >> 4));
    msoc_buf_init(&w->out, (size_t)1 << 40);
    return w;
}

void msoc_stor__extent_writer_free(stor_extent_writer *w)
{
    if (w == NULL)
        return;
    msoc_free(w->slots);
    msoc_free(w->codes);
    msoc_free(w->prev_codes);
    msoc_free(w->pred);
    msoc_free(w->doffs);
    msoc_free(w->hashes);
    msoc_free(w->dbytes);
    msoc_buf_fini(&w->raw);
    msoc_buf_fini(&w->comp);
    msoc_buf_fini(&w->out);
    ZSTD_freeCCtx(w->zc);
    msoc_free(w);
}

/* A dictionary under construction (views into the writer's arrays). */
typedef struct dict_build {
    uint64_t *slots;
    size_t cap;             /* slots in use (a power of two) */
    uint16_t *codes;
    uint32_t *doffs;
    char *dbytes;
    uint64_t *hashes;
    size_t n_dict;
} dict_build;

#define NO_PRED UINT16_MAX /* entries are < 65535 */

/* The block's previous dictionary column, whose codes predict this column's:
 * columns next to each other are often functions of one another (FileName,
 * FolderPath, SHA1, SHA256, MD5 of one file; AccountName, AccountSid, AccountUpn
 * of one account; DeviceId, DeviceName). */
typedef struct dict_prev {
    const uint16_t *codes;  /* NULL: none */
    size_t n_dict;
} dict_prev;

static uint32_t *block_offsets(const stor_colvec *c)
{
    return (uint32_t *)(void *)c->offs.data;
}

/* Doubles the table in use and re-inserts every entry from its stored hash. */
static void dict_grow(dict_build *d)
{
    d->cap *= 2;
    memset(d->slots, 0, d->cap * sizeof *d->slots);
    for (size_t k = 0; k < d->n_dict; k++) {
        size_t s = (size_t)d->hashes[k] & (d->cap - 1);
        while (d->slots[s] != 0)
            s = (s + 1) & (d->cap - 1);
        d->slots[s] = (d->hashes[k] >> 32 << 32) | (uint64_t)(k + 1);
    }
}

/* True when the len bytes at a and b are equal. Values up to 32 bytes (names,
 * GUIDs, MD5s) are compared inline in 8-byte words, overlapping at the end; a
 * memcmp call costs more than the comparison itself there. Longer ones compare
 * their last 8 bytes first (values of one column often share a prefix: paths,
 * command lines) before memcmp. */
static inline bool same_bytes(const char *a, const char *b, size_t len)
{
    uint64_t x, y;
    if (len >= 8) {
        memcpy(&x, a + len - 8, 8);
        memcpy(&y, b + len - 8, 8);
        if (x != y)
            return false;
        if (len > 32)
            return memcmp(a, b, len - 8) == 0;
        for (size_t k = 0; k + 8 < len; k += 8) {
            memcpy(&x, a + k, 8);
            memcpy(&y, b + k, 8);
            if (x != y)
                return false;
        }
        return true;
    }
    if (len >= 4) {
        uint32_t u, v;
        memcpy(&u, a, 4);
        memcpy(&v, b, 4);
        if (u != v)
            return false;
        memcpy(&u, a + len - 4, 4);
        memcpy(&v, b + len - 4, 4);
        return u == v;
    }
    for (size_t k = 0; k < len; k++)
        if (a[k] != b[k])
            return false;
    return true;
}

/* Builds a dictionary for rows [r0, r0+n) when there are few distinct values;
 * returns false (plain) otherwise. The hash table starts small (most columns
 * have a few hundred values) and doubles at half load; a slot holds the upper 32
 * bits of the value's hash, so a probe rarely touches a value that differs. */
static bool dict_try(stor_extent_writer *w, const stor_colvec *c, size_t r0, size_t n,
                     const dict_prev *prev, dict_build *d)
{
    if (n < 64)
        return false;
    const uint32_t *offs = block_offsets(c);
    size_t limit = n / 4 < 65535 ? n / 4 : 65535;
    size_t max_cap = 1024;
    while (max_cap < 2 * (limit + 1))
        max_cap <<= 1;
    if (w->cap_slots < max_cap) {
        msoc_free(w->slots);
        w->slots = msoc_malloc(max_cap * sizeof *w->slots);
        w->cap_slots = max_cap;
    }
    if (w->cap_codes < n) {
        prev = &(const dict_prev){NULL, 0}; /* its codes are freed here */
        msoc_free(w->codes);
        msoc_free(w->prev_codes);
        w->codes = msoc_malloc(n * sizeof *w->codes);
        w->prev_codes = msoc_malloc(n * sizeof *w->prev_codes);
        w->cap_codes = n;
    }
    if (w->cap_dict < limit + 1) {
        msoc_free(w->doffs);
        msoc_free(w->hashes);
        w->doffs = msoc_malloc((limit + 2) * sizeof *w->doffs);
        w->hashes = msoc_malloc((limit + 1) * sizeof *w->hashes);
        w->cap_dict = limit + 1;
    }
    /* The entries' bytes are copied next to each other as they are found: a probe
     * then compares against a few cache lines, not first appearances scattered
     * over the column, and the block takes them in one piece. At most the
     * block's bytes. */
    size_t total = offs[r0 + n] - offs[r0];
    if (w->cap_dbytes < total) {
        msoc_free(w->dbytes);
        w->dbytes = msoc_malloc(total);
        w->cap_dbytes = total;
    }
    d->slots = w->slots;
    d->cap = 1024;
    d->codes = w->codes;
    d->doffs = w->doffs;
    d->dbytes = w->dbytes;
    d->hashes = w->hashes;
    d->n_dict = 0;
    d->doffs[0] = 0;
    size_t sample = n < 2048 ? n : 2048;
    const char *base = c->data.data != NULL ? c->data.data : "";
    if (total == 0) {
        /* Every value is "" (a column the source leaves empty): one entry. */
        d->doffs[1] = 0;
        d->n_dict = 1;
        memset(d->codes, 0, n * sizeof *d->codes);
        return true;
    }
    memset(d->slots, 0, d->cap * sizeof *d->slots);
    uint16_t *codes = d->codes;
    uint32_t *doffs = d->doffs;
    char *dbytes = d->dbytes;
    /* pred[k]: the code this column had in the last row whose predicting column
     * had code k. A row whose value equals that entry takes its code without
     * hashing; any other row goes through the hash table, so the dictionary
     * (first-appearance order) and the codes are the same as without prediction. */
    const uint16_t *pc = prev->codes;
    uint16_t *pred = NULL;
    if (pc != NULL) {
        if (w->cap_pred < prev->n_dict) {
            msoc_free(w->pred);
            w->pred = msoc_malloc(prev->n_dict * sizeof *w->pred);
            w->cap_pred = prev->n_dict;
        }
        pred = w->pred;
        memset(pred, 0xff, prev->n_dict * sizeof *pred);
    }
    for (size_t i = 0; i < n; i++) {
        /* Give up early on values that are nearly all distinct: at 2048 rows, and at
         * each doubling, more than three in four rows brought a new value. A column of
         * a few thousand values (file hashes, paths) still shows many new values in its
         * first 2048 rows but settles far below the limit of a quarter of the block. */
        if (i >= sample && (i & (i - 1)) == 0 && d->n_dict * 4 > i * 3)
            return false;
        const char *p = base + offs[r0 + i];
        uint32_t len = offs[r0 + i + 1] - offs[r0 + i];
        if (i > 0 && len == offs[r0 + i] - offs[r0 + i - 1] && same_bytes(p - len, p, len)) {
            /* The same value as the row before (runs are common): its code. */
            codes[i] = codes[i - 1];
            continue;
        }
        if (pc != NULL) {
            uint16_t k = pred[pc[i]];
            if (k != NO_PRED && doffs[k + 1] - doffs[k] == len &&
                same_bytes(dbytes + doffs[k], p, len)) {
                codes[i] = k;
                continue;
            }
        }
        uint64_t h = XXH3_64bits(p, len);
        uint64_t tag = h >> 32 << 32;
        size_t s = (size_t)h & (d->cap - 1);
        for (;;) {
            uint64_t e = d->slots[s];
            if (e == 0) {
                if (d->n_dict >= limit)
                    return false;
                size_t k = d->n_dict++;
                memcpy(dbytes + doffs[k], p, len);
                doffs[k + 1] = doffs[k] + len;
                d->hashes[k] = h;
                d->slots[s] = tag | (uint64_t)(k + 1);
                codes[i] = (uint16_t)k;
                if (2 * d->n_dict > d->cap)
                    dict_grow(d);
                break;
            }
            if ((e >> 32 << 32) == tag) {
                uint32_t k = (uint32_t)e - 1;
                if (doffs[k + 1] - doffs[k] == len && same_bytes(dbytes + doffs[k], p, len)) {
                    codes[i] = (uint16_t)k;
                    break;
                }
            }
            s = (s + 1) & (d->cap - 1);
        }
        if (pred != NULL)
            pred[pc[i]] = codes[i];
    }
    return true;
}

static void put_bits(msoc_buf *raw, const uint8_t *bm, size_t r0, size_t n)
{
    size_t nb = (n + 7) / 8;
    uint8_t *p = (uint8_t *)stor_reserve(raw, nb);
    if ((r0 & 7) == 0) {
        /* Blocks start on a byte (block_rows is a multiple of 8): copy, clear the tail. */
        memcpy(p, bm + r0 / 8, nb);
        if (n & 7)
            p[nb - 1] = (uint8_t)(p[nb - 1] & ((1u << (n & 7)) - 1));
    } else {
        memset(p, 0, nb);
        for (size_t i = 0; i < n; i++)
            if (stor_bit(bm, r0 + i))
                p[i >> 3] = (uint8_t)(p[i >> 3] | (1 << (i & 7)));
    }
    raw->len += nb;
}

static bool any_bits(const uint8_t *bm, size_t r0, size_t n)
{
    size_t i = 0;
    for (; i < n && ((r0 + i) & 7) != 0; i++)
        if (stor_bit(bm, r0 + i))
            return true;
    for (; i + 8 <= n; i += 8)
        if (bm[(r0 + i) >> 3] != 0)
            return true;
    for (; i < n; i++)
        if (stor_bit(bm, r0 + i))
            return true;
    return false;
}

/* Bytes needed for an unsigned value (0 for 0). */
static unsigned byte_width(uint64_t x)
{
    return x == 0 ? 0 : (unsigned)(64 - __builtin_clzll(x) + 7) / 8;
}

/* ENC_PACK for 64-bit integers (n > 0): whichever of frame of reference (v[i] -
 * min) or delta (v[i] - v[i-1] - min delta) needs fewer bytes per value, packed
 * at that many bytes (0-8). zstd then sees 1-4 bytes per value instead of 8: it
 * runs several times faster on these columns and the file is no larger. All
 * arithmetic wraps (mod 2^64), so every bit pattern round-trips. */
static void pack_i64(msoc_buf *raw, const int64_t *v, size_t n)
{
    int64_t lo = v[0], hi = v[0];
    int64_t dlo = INT64_MAX, dhi = INT64_MIN;
    for (size_t i = 1; i < n; i++) {
        int64_t d = (int64_t)((uint64_t)v[i] - (uint64_t)v[i - 1]);
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
        dlo = d < dlo ? d : dlo;
        dhi = d > dhi ? d : dhi;
    }
    unsigned wf = byte_width((uint64_t)hi - (uint64_t)lo);
    unsigned wd = n > 1 ? byte_width((uint64_t)dhi - (uint64_t)dlo) : 0;
    bool is_delta = wd <= wf; /* a tie: deltas are usually the more compressible */
    unsigned pw = is_delta ? wd : wf;
    size_t cnt = is_delta ? n - 1 : n;
    /* 8 bytes of slack: each value is stored as a whole word, the next overwrites
     * the bytes past its width. */
    char *p = stor_reserve(raw, 18 + pw * cnt + 8);
    p[0] = is_delta ? 1 : 0;
    p[1] = (char)pw;
    int64_t base = is_delta ? v[0] : lo, step = is_delta ? dlo : 0;
    memcpy(p + 2, &base, 8);
    memcpy(p + 10, &step, 8);
    char *q = p + 18;
    if (pw > 0) {
        if (is_delta) {
            for (size_t i = 1; i < n; i++) {
                uint64_t u = (uint64_t)v[i] - (uint64_t)v[i - 1] - (uint64_t)dlo;
                memcpy(q + pw * (i - 1), &u, 8);
            }
        } else {
            for (size_t i = 0; i < n; i++) {
                uint64_t u = (uint64_t)v[i] - (uint64_t)lo;
                memcpy(q + pw * i, &u, 8);
            }
        }
    }
    raw->len += 18 + pw * cnt;
}

/* Packs n codes at bits (0, 1, 2 or 4) each into p ((n * bits + 7) / 8 bytes), the
 * first in the low bits of the first byte. A loop per width (whole bytes with a
 * fixed trip count, then the last byte) rather than one with a variable shift. */
static void pack_codes(const uint16_t *restrict codes, size_t n, unsigned bits,
                       uint8_t *restrict p)
{
    size_t i = 0;
    switch (bits) {
    case 0: return;
    case 1:
        for (; i + 8 <= n; i += 8) {
            unsigned v = 0;
            for (unsigned k = 0; k < 8; k++)
                v |= (unsigned)codes[i + k] << k;
            p[i / 8] = (uint8_t)v;
        }
        break;
    case 2:
        for (; i + 4 <= n; i += 4)
            p[i / 4] = (uint8_t)(codes[i] | codes[i + 1] << 2 | codes[i + 2] << 4 |
                                 codes[i + 3] << 6);
        break;
    default:
        for (; i + 2 <= n; i += 2)
            p[i / 2] = (uint8_t)(codes[i] | codes[i + 1] << 4);
        break;
    }
    if (i < n) {
        unsigned v = 0;
        for (size_t k = 0; i + k < n; k++)
            v |= (unsigned)codes[i + k] << (k * bits);
        p[i * bits / 8] = (uint8_t)v;
    }
}

/* Bits per dictionary code in version 3 (at most 65,535 entries). */
static unsigned code_bits(size_t nd)
{
    return nd <= 1 ? 0 : nd <= 2 ? 1 : nd <= 4 ? 2 : nd <= 16 ? 4 : nd <= 256 ? 8 : 16;
}

/* True when fixed-width column a has the same values and nulls as column b (same
 * type) in rows [r0, r0+n): Timestamp, ProcessCreationTime and TimeGenerated
 * often do. Different columns differ in their first rows, so this is cheap. */
static bool same_column(const stor_colvec *a, const stor_colvec *b, size_t w, size_t r0,
                        size_t n)
{
    if (a->data.data == NULL || b->data.data == NULL || n == 0)
        return false;
    if (memcmp(a->data.data + w * r0, b->data.data + w * r0, w * n) != 0)
        return false;
    bool an = a->has_nulls && any_bits((const uint8_t *)a->nulls.data, r0, n);
    bool bn = b->has_nulls && any_bits((const uint8_t *)b->nulls.data, r0, n);
    if (an != bn)
        return false;
    for (size_t i = 0; an && i < n; i++)
        if (stor_bit((const uint8_t *)a->nulls.data, r0 + i) !=
            stor_bit((const uint8_t *)b->nulls.data, r0 + i))
            return false;
    return true;
}

/* Encodes rows [r0, r0+n) of column c (type t, bitmap nulls or NULL) into raw. */
static void encode_block(stor_extent_writer *wr, msoc_type t, const stor_colvec *c,
                         const uint8_t *nulls, size_t r0, size_t n, msoc_buf *raw,
                         dict_prev *prev, stor_blockcol *bc)
{
    bool has_nulls = nulls != NULL && any_bits(nulls, r0, n);
    uint8_t enc = ENC_PLAIN;
    if (has_nulls)
        put_bits(raw, nulls, r0, n);
    size_t w = msoc_stor__type_width(t);
    bc->has_zone = false;
    if (w == 0) {
        dict_build d = {0};
        const uint32_t *offs = block_offsets(c);
        if (dict_try(wr, c, r0, n, prev, &d)) {
            enc = ENC_DICT;
            uint32_t nd = (uint32_t)d.n_dict;
            stor_append(raw, &nd, 4);
            stor_append(raw, d.doffs, 4 * ((size_t)nd + 1));
            stor_append(raw, d.dbytes, d.doffs[nd]);
            /* restrict: without it the byte stores may alias the codes and the
             * narrowing loops stay scalar. */
            const uint16_t *restrict codes = d.codes;
            unsigned bits = code_bits(nd);
            if (bits < 8) {
                /* Version 3: 0, 1, 2 or 4 bits per code, the first code in the low
                 * bits of the first byte. zstd then reads 1/8 to 1/2 of the bytes. */
                size_t nb = (n * bits + 7) / 8;
                uint8_t *restrict p = (uint8_t *)stor_reserve(raw, nb);
                pack_codes(codes, n, bits, p);
                raw->len += nb;
            } else if (bits == 8) {
                /* Four codes (< 256) per word: [a 0 b 0 c 0 d 0] | itself >> 8 holds
                 * "a b" in its bytes 0-1 and "c d" in 4-5 (gcc -O2 does not
                 * vectorise the plain loop). */
                uint8_t *restrict p = (uint8_t *)stor_reserve(raw, n);
                size_t i = 0;
                for (; i + 4 <= n; i += 4) {
                    uint64_t x;
                    memcpy(&x, codes + i, 8);
                    x |= x >> 8;
                    uint32_t y = (uint32_t)(x & 0xffff) | (uint32_t)((x >> 16) & 0xffff0000);
                    memcpy(p + i, &y, 4);
                }
                for (; i < n; i++)
                    p[i] = (uint8_t)codes[i];
                raw->len += n;
            } else {
                stor_append(raw, codes, 2 * n); /* little-endian u16, as the reader takes them */
            }
            /* These codes predict the next dictionary column's (a single entry
             * predicts nothing). */
            if (d.n_dict > 1) {
                uint16_t *tmp = wr->prev_codes;
                wr->prev_codes = wr->codes;
                wr->codes = tmp;
                prev->codes = wr->prev_codes;
                prev->n_dict = d.n_dict;
            }
        } else {
            uint32_t base = offs[r0];
            char *p = stor_reserve(raw, 4 * (n + 1));
            for (size_t i = 0; i <= n; i++) {
                uint32_t o = offs[r0 + i] - base;
                memcpy(p + 4 * i, &o, 4);
            }
            raw->len += 4 * (n + 1);
            if (offs[r0 + n] > base)
                stor_append(raw, c->data.data + base, offs[r0 + n] - base);
        }
    } else {
        const char *src = c->data.data != NULL ? c->data.data + w * r0 : "";
        if (w == 8 && t != MSOC_TYPE_REAL && n > 0) {
            enc = ENC_PACK;
            pack_i64(raw, (const int64_t *)(const void *)src, n);
        } else {
            stor_append(raw, src, w * n);
        }
        if (!has_nulls && n > 0 && t != MSOC_TYPE_BOOL && t != MSOC_TYPE_REAL) {
            /* No nulls (the common case): a branch-free min/max that vectorises. */
            if (w == 8) {
                const int64_t *v = (const int64_t *)(const void *)src;
                int64_t lo = v[0], hi = v[0];
                for (size_t i = 1; i < n; i++) {
                    lo = v[i] < lo ? v[i] : lo;
                    hi = v[i] > hi ? v[i] : hi;
                }
                bc->zmin = lo;
                bc->zmax = hi;
            } else {
                const int32_t *v = (const int32_t *)(const void *)src;
                int32_t lo = v[0], hi = v[0];
                for (size_t i = 1; i < n; i++) {
                    lo = v[i] < lo ? v[i] : lo;
                    hi = v[i] > hi ? v[i] : hi;
                }
                bc->zmin = lo;
                bc->zmax = hi;
            }
            bc->has_zone = true;
        } else if (t != MSOC_TYPE_BOOL) {
            for (size_t i = 0; i < n; i++) {
                if (has_nulls && stor_bit(nulls, r0 + i))
                    continue;
                int64_t x;
                if (t == MSOC_TYPE_INT) {
                    int32_t y;
                    memcpy(&y, src + 4 * i, 4);
                    x = y;
                } else {
                    memcpy(&x, src + 8 * i, 8);
                }
                if (t == MSOC_TYPE_REAL) {
                    double f, fmin, fmax;
                    memcpy(&f, &x, 8);
                    if (f != f)
                        continue;
                    if (!bc->has_zone) {
                        bc->zmin = bc->zmax = x;
                        bc->has_zone = true;
                        continue;
                    }
                    memcpy(&fmin, &bc->zmin, 8);
                    memcpy(&fmax, &bc->zmax, 8);
                    if (f < fmin)
                        bc->zmin = x;
                    if (f > fmax)
                        bc->zmax = x;
                    continue;
                }
                if (!bc->has_zone) {
                    bc->zmin = bc->zmax = x;
                    bc->has_zone = true;
                } else {
                    if (x < bc->zmin)
                        bc->zmin = x;
                    if (x > bc->zmax)
                        bc->zmax = x;
                }
            }
        }
    }
    bc->enc = (uint8_t)(enc | (has_nulls ? ENC_NULLS : 0));
}

static void put_u8(msoc_buf *b, uint8_t v) { stor_append(b, &v, 1); }
static void put_u16(msoc_buf *b, uint16_t v) { stor_append(b, &v, 2); }
static void put_u32(msoc_buf *b, uint32_t v) { stor_append(b, &v, 4); }
static void put_u64(msoc_buf *b, uint64_t v) { stor_append(b, &v, 8); }
static void put_i64(msoc_buf *b, int64_t v) { stor_append(b, &v, 8); }

msoc_status msoc_stor__extent_write(const char *dir, const stor_rowset *rs,
                                    const msoc_stor_table_def *def,
                                    const stor_extent_params *ep, char **path_out,
                                    msoc_error *err)
{
    size_t n = rs->n_rows, n_cols = rs->n_cols;
    size_t brows = ep->block_rows ? ep->block_rows : 65536;
    size_t n_blocks = (n + brows - 1) / brows;
    stor_extent_writer *tmp_wr = ep->writer == NULL ? msoc_stor__extent_writer_new() : NULL;
    stor_extent_writer *wr = ep->writer != NULL ? ep->writer : tmp_wr;
    /* The file is built in the writer's buffer too: a fresh one per extent would
     * fault in (and zero) every page of it again. */
    msoc_buf *raw = &wr->raw, *comp = &wr->comp, *outp = &wr->out;
    msoc_buf_reset(outp);
    char hdr[HDR_LEN] = {0};
    memcpy(hdr, STOR_EXT_MAGIC, 8);
    uint32_t ver = STOR_EXT_VERSION;
    memcpy(hdr + 8, &ver, 4);
    stor_append(outp, hdr, HDR_LEN);
    stor_blockcol *bcs = msoc_calloc(n_blocks * (n_cols + 1) + 1, sizeof *bcs);
    if (ep->codec == MSOC_STOR_CODEC_ZSTD && wr->zc == NULL)
        wr->zc = ZSTD_createCCtx();
    ZSTD_CCtx *zc = wr->zc;
    int time_col = -1;
    if (def->timestamp_col != NULL && def->timestamp_col[0] != '\0') {
        int tc = msoc_stor_table_col_index(def, def->timestamp_col, strlen(def->timestamp_col));
        if (tc >= 0 && (size_t)tc < n_cols && rs->cols[tc].type == MSOC_TYPE_DATETIME)
            time_col = tc;
    }
    msoc_datetime tmin = MSOC_TIME_NULL, tmax = MSOC_TIME_NULL, imin = MSOC_TIME_NULL,
                  imax = MSOC_TIME_NULL;
    stor_colvec ingest_col;
    memset(&ingest_col, 0, sizeof ingest_col);
    ingest_col.type = MSOC_TYPE_DATETIME;
    ingest_col.data = rs->ingest;
    for (size_t b = 0; b < n_blocks; b++) {
        size_t r0 = b * brows, nr = n - r0 < brows ? n - r0 : brows;
        dict_prev prev = {NULL, 0};
        for (size_t c = 0; c <= n_cols; c++) {
            const stor_colvec *cv = c < n_cols ? &rs->cols[c] : &ingest_col;
            stor_blockcol *bc = &bcs[b * (n_cols + 1) + c];
            msoc_buf_reset(raw);
            size_t w = msoc_stor__type_width(cv->type);
            size_t same = c;
            for (size_t j = 0; w > 0 && c < n_cols && j < c; j++) {
                const stor_blockcol *bj = &bcs[b * (n_cols + 1) + j];
                if (rs->cols[j].type == cv->type && (bj->enc & 0x7f) != ENC_SAME &&
                    same_column(cv, &rs->cols[j], w, r0, nr)) {
                    same = j;
                    break;
                }
            }
            if (same < c) {
                /* The values of an earlier column: its index (and zone map). */
                const stor_blockcol *bj = &bcs[b * (n_cols + 1) + same];
                uint32_t j32 = (uint32_t)same;
                stor_append(raw, &j32, 4);
                bc->enc = ENC_SAME;
                bc->has_zone = bj->has_zone;
                bc->zmin = bj->zmin;
                bc->zmax = bj->zmax;
            } else {
                encode_block(wr, cv->type, cv,
                             cv->has_nulls ? (const uint8_t *)cv->nulls.data : NULL, r0, nr, raw,
                             &prev, bc);
            }
            bc->raw_len = (uint32_t)raw->len;
            bc->off = outp->len;
            const char *blk = raw->data;
            size_t blen = raw->len;
            bc->codec = MSOC_STOR_CODEC_NONE;
            int codec = ep->codec;
            if (codec == MSOC_STOR_CODEC_ZSTD && (bc->enc & 0x7f) == ENC_PACK &&
                ep->int_codec != 0)
                codec = ep->int_codec;
            if (codec == MSOC_STOR_CODEC_ZSTD && raw->len > 64) {
                size_t bound = ZSTD_compressBound(raw->len);
                msoc_buf_reset(comp);
                char *dst = stor_reserve(comp, bound);
                size_t z = ZSTD_compressCCtx(zc, dst, bound, raw->data, raw->len,
                                             ep->zstd_level ? ep->zstd_level : 3);
                if (!ZSTD_isError(z) && z < raw->len) {
                    blk = dst;
                    blen = z;
                    bc->codec = MSOC_STOR_CODEC_ZSTD;
                }
            } else if (codec == MSOC_STOR_CODEC_LZ4 && raw->len > 64 &&
                       raw->len < (size_t)LZ4_MAX_INPUT_SIZE) {
                int bound = LZ4_compressBound((int)raw->len);
                msoc_buf_reset(comp);
                char *dst = stor_reserve(comp, (size_t)bound);
                int z = LZ4_compress_default(raw->data, dst, (int)raw->len, bound);
                if (z > 0 && (size_t)z < raw->len) {
                    blk = dst;
                    blen = (size_t)z;
                    bc->codec = MSOC_STOR_CODEC_LZ4;
                }
            }
            bc->comp_len = (uint32_t)blen;
            bc->hash = XXH3_64bits(blk, blen);
            stor_append(outp, blk, blen);
            if (c == (size_t)time_col && bc->has_zone) {
                if (tmin == MSOC_TIME_NULL || bc->zmin < tmin)
                    tmin = bc->zmin;
                if (tmax == MSOC_TIME_NULL || bc->zmax > tmax)
                    tmax = bc->zmax;
            }
            if (c == n_cols && bc->has_zone) {
                if (imin == MSOC_TIME_NULL || bc->zmin < imin)
                    imin = bc->zmin;
                if (imax == MSOC_TIME_NULL || bc->zmax > imax)
                    imax = bc->zmax;
            }
        }
    }
    size_t footer_off = outp->len;
    put_u32(outp, (uint32_t)n_cols);
    for (size_t c = 0; c < n_cols; c++) {
        const char *name = c < def->n_cols ? def->cols[c].name : "";
        put_u16(outp, (uint16_t)strlen(name));
        stor_append(outp, name, strlen(name));
        put_u8(outp, (uint8_t)rs->cols[c].type);
    }
    put_u32(outp, (uint32_t)time_col);
    put_u64(outp, n);
    put_u32(outp, (uint32_t)n_blocks);
    put_u64(outp, ep->id);
    put_u64(outp, ep->wal_upto);
    put_u32(outp, (uint32_t)ep->n_supersedes);
    for (size_t i = 0; i < ep->n_supersedes; i++)
        put_u64(outp, ep->supersedes[i]);
    put_i64(outp, tmin);
    put_i64(outp, tmax);
    put_i64(outp, imin);
    put_i64(outp, imax);
    for (size_t b = 0; b < n_blocks; b++) {
        size_t r0 = b * brows;
        put_u32(outp, (uint32_t)(n - r0 < brows ? n - r0 : brows));
        for (size_t c = 0; c <= n_cols; c++) {
            const stor_blockcol *bc = &bcs[b * (n_cols + 1) + c];
            put_u64(outp, bc->off);
            put_u32(outp, bc->comp_len);
            put_u32(outp, bc->raw_len);
            put_u8(outp, bc->codec);
            put_u8(outp, bc->enc);
            put_u8(outp, bc->has_zone ? 1 : 0);
            put_i64(outp, bc->zmin);
            put_i64(outp, bc->zmax);
            put_u64(outp, bc->hash);
        }
    }
    size_t footer_len = outp->len - footer_off;
    uint64_t fh = XXH3_64bits(outp->data + footer_off, footer_len);
    put_u64(outp, footer_off);
    put_u64(outp, footer_len);
    put_u64(outp, fh);
    stor_append(outp, STOR_EXT_END, 8);
    msoc_free(bcs);

    char name[64];
    snprintf(name, sizeof name, "e-%016" PRIx64 ".ext", ep->id);
    char *path = msoc_stor__path(dir, name, NULL, NULL);
    msoc_status st = ep->tmp_fd != NULL
                         ? msoc_stor__tmp_write(path, outp->data, outp->len, ep->is_nosync, ep->tmp_fd,
                                                err)
                         : msoc_stor__write_file_atomic(path, outp->data, outp->len, ep->is_nosync, err);
    msoc_stor__extent_writer_free(tmp_wr);
    if (tmp_wr == NULL && outp->cap > OUT_KEEP) {
        /* A large extent (a seal, a compaction): keep the appender's scratch small. */
        msoc_buf_fini(outp);
        msoc_buf_init(outp, (size_t)1 << 40);
    }
    if (st != MSOC_OK) {
        msoc_free(path);
        return st;
    }
    *path_out = path;
    return MSOC_OK;
}

/* ---- reader ---- */

typedef struct rd {
    const uint8_t *p, *end;
    bool is_bad;
} rd;

static bool rd_take(rd *r, void *out, size_t n)
{
    if (r->is_bad || (size_t)(r->end - r->p) < n) {
        r->is_bad = true;
        if (out != NULL)
            memset(out, 0, n);
        return false;
    }
    if (out != NULL)
        memcpy(out, r->p, n);
    r->p += n;
    return true;
}

static uint8_t rd_u8(rd *r) { uint8_t v; rd_take(r, &v, 1); return v; }
static uint16_t rd_u16(rd *r) { uint16_t v; rd_take(r, &v, 2); return v; }
static uint32_t rd_u32(rd *r) { uint32_t v; rd_take(r, &v, 4); return v; }
static uint64_t rd_u64(rd *r) { uint64_t v; rd_take(r, &v, 8); return v; }

static void extent_free(stor_extent *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->n_cols; i++)
        msoc_free(e->col_names[i]);
    msoc_free(e->col_names);
    msoc_free(e->col_types);
    msoc_free(e->block_rows);
    msoc_free(e->blocks);
    msoc_free(e->supersedes);
    msoc_free(e->path);
    msoc_free(e);
}

static msoc_status extent_open_mem(const char *path, const uint8_t *p, size_t len,
                                   bool is_unchecked, stor_extent **out, msoc_error *err)
{
    stor_extent *e = msoc_calloc(1, sizeof *e);
    e->is_unchecked = is_unchecked;
    atomic_init(&e->refs, 1);
    e->path = msoc_strdup(path);
    e->map = p;
    e->map_len = len;
    const char *why = NULL;
    if (len < HDR_LEN + TRL_LEN) {
        why = "file too short for header and trailer";
        goto bad;
    }
    if (memcmp(p, STOR_EXT_MAGIC, 8) != 0) {
        why = "bad magic";
        goto bad;
    }
    uint32_t ver;
    memcpy(&ver, p + 8, 4);
    e->version = ver;
    if (ver < STOR_EXT_VERSION_MIN || ver > STOR_EXT_VERSION) {
        why = "unsupported format version";
        goto bad;
    }
    const uint8_t *trl = p + len - TRL_LEN;
    if (memcmp(trl + 24, STOR_EXT_END, 8) != 0) {
        why = "bad trailer (truncated file?)";
        goto bad;
    }
    uint64_t foff, flen, fh;
    memcpy(&foff, trl, 8);
    memcpy(&flen, trl + 8, 8);
    memcpy(&fh, trl + 16, 8);
    if (foff < HDR_LEN || foff > len - TRL_LEN || flen != len - TRL_LEN - foff) {
        why = "footer location out of range";
        goto bad;
    }
    if (!is_unchecked && XXH3_64bits(p + foff, flen) != fh) {
        why = "footer checksum mismatch";
        goto bad;
    }
    rd r = {p + foff, p + foff + flen, false};
    uint32_t n_cols = rd_u32(&r);
    if (n_cols > 65535 || (size_t)n_cols * 3 > flen) {
        why = "column count out of range";
        goto bad;
    }
    e->n_cols = n_cols;
    e->col_names = msoc_calloc(n_cols + 1, sizeof *e->col_names);
    e->col_types = msoc_calloc(n_cols + 1, sizeof *e->col_types);
    for (size_t c = 0; c < n_cols; c++) {
        uint16_t nl = rd_u16(&r);
        char *name = msoc_calloc(1, (size_t)nl + 1);
        rd_take(&r, name, nl);
        e->col_names[c] = name;
        uint8_t t = rd_u8(&r);
        if (t == 0 || t >= MSOC__TYPE_COUNT) {
            why = "bad column type";
            goto bad;
        }
        e->col_types[c] = (msoc_type)t;
    }
    int32_t tc = (int32_t)rd_u32(&r);
    if (tc < -1 || tc >= (int32_t)n_cols || (tc >= 0 && e->col_types[tc] != MSOC_TYPE_DATETIME)) {
        why = "bad time column";
        goto bad;
    }
    e->time_col = tc;
    e->n_rows = rd_u64(&r);
    uint32_t n_blocks = rd_u32(&r);
    e->id = rd_u64(&r);
    e->wal_upto = rd_u64(&r);
    uint32_t n_sup = rd_u32(&r);
    if (r.is_bad || n_sup > flen / 8 || n_blocks > flen / 4) {
        why = "footer counts out of range";
        goto bad;
    }
    e->n_supersedes = n_sup;
    e->supersedes = msoc_calloc(n_sup + 1, sizeof *e->supersedes);
    for (size_t i = 0; i < n_sup; i++)
        e->supersedes[i] = rd_u64(&r);
    e->time_min = (int64_t)rd_u64(&r);
    e->time_max = (int64_t)rd_u64(&r);
    e->ingest_min = (int64_t)rd_u64(&r);
    e->ingest_max = (int64_t)rd_u64(&r);
    size_t per_block = 4 + (size_t)(n_cols + 1) * 43;
    if (r.is_bad || (size_t)(r.end - r.p) != per_block * n_blocks) {
        why = "block table size mismatch";
        goto bad;
    }
    e->n_blocks = n_blocks;
    e->block_rows = msoc_calloc(n_blocks + 1, sizeof *e->block_rows);
    e->blocks = msoc_calloc((size_t)n_blocks * (n_cols + 1) + 1, sizeof *e->blocks);
    uint64_t total = 0;
    for (size_t b = 0; b < n_blocks; b++) {
        e->block_rows[b] = rd_u32(&r);
        total += e->block_rows[b];
        for (size_t c = 0; c <= n_cols; c++) {
            stor_blockcol *bc = &e->blocks[b * (n_cols + 1) + c];
            bc->off = rd_u64(&r);
            bc->comp_len = rd_u32(&r);
            bc->raw_len = rd_u32(&r);
            bc->codec = rd_u8(&r);
            bc->enc = rd_u8(&r);
            bc->has_zone = rd_u8(&r) != 0;
            bc->zmin = (int64_t)rd_u64(&r);
            bc->zmax = (int64_t)rd_u64(&r);
            bc->hash = rd_u64(&r);
            if (bc->off < HDR_LEN || bc->off > foff || bc->comp_len > foff - bc->off ||
                bc->codec > MSOC_STOR_CODEC_LZ4 ||
                (bc->codec == MSOC_STOR_CODEC_NONE && bc->comp_len != bc->raw_len)) {
                why = "block location out of range";
                goto bad;
            }
        }
    }
    if (r.is_bad || total != e->n_rows) {
        why = "row counts do not add up";
        goto bad;
    }
    *out = e;
    return MSOC_OK;
bad:
    msoc_fail(err, MSOC_CORRUPT, "%s: corrupt extent: %s", path, why);
    e->map = NULL;
    extent_free(e);
    return MSOC_CORRUPT;
}

msoc_status msoc_stor__extent_open_mem(const char *path, const uint8_t *p, size_t len,
                                       stor_extent **out, msoc_error *err)
{
    return extent_open_mem(path, p, len, false, out, err);
}

msoc_status msoc_stor__extent_open(const char *path, stor_extent **out, msoc_error *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return msoc_fail(err, MSOC_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat stt;
    if (fstat(fd, &stt) != 0) {
        close(fd);
        return msoc_fail(err, MSOC_IO, "%s: cannot stat", path);
    }
    size_t len = (size_t)stt.st_size;
    if (len < HDR_LEN + TRL_LEN) {
        close(fd);
        return msoc_fail(err, MSOC_CORRUPT, "%s: corrupt extent: file too short (%zu bytes)",
                         path, len);
    }
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return msoc_fail(err, MSOC_IO, "%s: mmap failed: %s", path, strerror(errno));
    msoc_status st = msoc_stor__extent_open_mem(path, m, len, out, err);
    if (st != MSOC_OK) {
        munmap(m, len);
        return st;
    }
    (*out)->refs = 1;
    return MSOC_OK;
}

void msoc_stor__extent_ref(stor_extent *e)
{
    atomic_fetch_add(&e->refs, 1);
}

void msoc_stor__extent_unref(stor_extent *e)
{
    if (e == NULL || atomic_fetch_sub(&e->refs, 1) != 1)
        return;
    if (e->map != NULL)
        munmap((void *)(uintptr_t)e->map, e->map_len);
    extent_free(e);
}

static msoc_status corrupt_block(const stor_extent *e, size_t b, size_t c, const char *why,
                                 msoc_error *err)
{
    return msoc_fail(err, MSOC_CORRUPT, "%s: corrupt extent: block %zu column %s: %s", e->path,
                     b, c < e->n_cols ? e->col_names[c] : "$IngestionTime", why);
}

/* An 8-aligned copy when p is not aligned (mmap offsets are arbitrary). */
static const void *aligned(msoc_arena *a, const uint8_t *p, size_t len)
{
    if (((uintptr_t)p & 7) == 0)
        return p;
    return msoc_arena_memdup(a, p, len ? len : 1);
}

/* One packed value of pw bytes at q, byte by byte (the last values of a block,
 * where a whole-word load would read past it). */
static inline uint64_t packed_at(const uint8_t *q, size_t pw)
{
    uint64_t u = 0;
    for (size_t k = 0; k < pw; k++)
        u |= (uint64_t)q[k] << (8 * k);
    return u;
}

/* Decodes ENC_PACK's cnt packed values (pw bytes each) into dst: n = cnt values
 * (frame of reference) or cnt + 1 (delta, the first being base). Whole-word
 * loads while 8 bytes remain, byte by byte for the tail. */
static void unpack_i64(const uint8_t *q, size_t pw, size_t cnt, bool is_delta, uint64_t base,
                       uint64_t step, int64_t *dst)
{
    uint64_t mask = pw == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * pw)) - 1;
    size_t fast = cnt;
    if (pw > 0)
        fast = pw * cnt >= 8 ? (pw * cnt - 8) / pw + 1 : 0;
    if (is_delta) {
        uint64_t acc = base;
        *dst++ = (int64_t)base;
        size_t i = 0;
        if (pw == 0) {
            for (; i < cnt; i++) {
                acc += step;
                dst[i] = (int64_t)acc;
            }
            return;
        }
        for (; i < fast; i++) {
            uint64_t u;
            memcpy(&u, q + pw * i, 8);
            acc += step + (u & mask);
            dst[i] = (int64_t)acc;
        }
        for (; i < cnt; i++) {
            acc += step + packed_at(q + pw * i, pw);
            dst[i] = (int64_t)acc;
        }
        return;
    }
    size_t i = 0;
    if (pw == 0) {
        for (; i < cnt; i++)
            dst[i] = (int64_t)base;
        return;
    }
    for (; i < fast; i++) {
        uint64_t u;
        memcpy(&u, q + pw * i, 8);
        dst[i] = (int64_t)(base + (u & mask));
    }
    for (; i < cnt; i++)
        dst[i] = (int64_t)(base + packed_at(q + pw * i, pw));
}

/* Dictionary codes at bits (0, 1, 2, 4, 8 or 16) each, the first in the low bits of
 * the first byte, into dst (n entries). */
static void unpack_codes(const uint8_t *p, unsigned bits, size_t n, uint32_t *restrict dst)
{
    size_t i = 0;
    switch (bits) {
    case 0: memset(dst, 0, n * sizeof *dst); return;
    case 1:
        for (; i + 8 <= n; i += 8)
            for (unsigned k = 0; k < 8; k++)
                dst[i + k] = (p[i / 8] >> k) & 1;
        break;
    case 2:
        for (; i + 4 <= n; i += 4)
            for (unsigned k = 0; k < 4; k++)
                dst[i + k] = (p[i / 4] >> (2 * k)) & 3;
        break;
    case 4:
        for (; i + 2 <= n; i += 2) {
            dst[i] = p[i / 2] & 15;
            dst[i + 1] = p[i / 2] >> 4;
        }
        break;
    case 8:
        for (; i < n; i++)
            dst[i] = p[i];
        return;
    default:
        for (; i < n; i++) {
            uint16_t k;
            memcpy(&k, p + 2 * i, 2);
            dst[i] = k;
        }
        return;
    }
    for (; i < n; i++) /* the last byte's codes */
        dst[i] = (p[i * bits / 8] >> (i * bits % 8)) & ((1u << bits) - 1);
}

msoc_status msoc_stor__extent_read_col(const stor_extent *e, size_t b, size_t c,
                                       msoc_arena *arena, msoc_col *out, msoc_error *err)
{
    const stor_blockcol *bc = &e->blocks[b * (e->n_cols + 1) + c];
    size_t n = e->block_rows[b];
    msoc_type t = c < e->n_cols ? e->col_types[c] : MSOC_TYPE_DATETIME;
    memset(out, 0, sizeof *out);
    out->type = t;
    out->n = n;
    const uint8_t *blk = e->map + bc->off;
    if (!e->is_unchecked && XXH3_64bits(blk, bc->comp_len) != bc->hash)
        return corrupt_block(e, b, c, "checksum mismatch", err);
    if (bc->raw_len > RAW_MAX)
        return corrupt_block(e, b, c, "raw length out of range", err);
    const uint8_t *raw = blk;
    if (bc->codec != MSOC_STOR_CODEC_NONE) {
        uint8_t *dst = msoc_arena_alloc(arena, (size_t)bc->raw_len + 1);
        if (dst == NULL)
            return msoc_arena_fail(arena, err);
        if (bc->codec == MSOC_STOR_CODEC_ZSTD) {
            size_t z = ZSTD_decompress(dst, bc->raw_len, blk, bc->comp_len);
            if (ZSTD_isError(z) || z != bc->raw_len)
                return corrupt_block(e, b, c, "zstd decompression failed", err);
        } else {
            int z = LZ4_decompress_safe((const char *)blk, (char *)dst, (int)bc->comp_len,
                                        (int)bc->raw_len);
            if (z < 0 || (uint32_t)z != bc->raw_len)
                return corrupt_block(e, b, c, "lz4 decompression failed", err);
        }
        raw = dst;
    }
    rd r = {raw, raw + bc->raw_len, false};
    if ((bc->enc & 0x7f) == ENC_SAME) {
        /* The values of column j < c, which is not itself a reference: one level. */
        uint32_t j = rd_u32(&r);
        if (e->version < 3 || c >= e->n_cols || r.is_bad || r.p != r.end ||
            (bc->enc & ENC_NULLS) != 0 || j >= c || e->col_types[j] != t ||
            (e->blocks[b * (e->n_cols + 1) + j].enc & 0x7f) == ENC_SAME)
            return corrupt_block(e, b, c, "bad column reference", err);
        return msoc_stor__extent_read_col(e, b, j, arena, out, err);
    }
    size_t nb = (n + 7) / 8;
    if (bc->enc & ENC_NULLS) {
        const uint8_t *bm = r.p;
        if (!rd_take(&r, NULL, nb))
            return corrupt_block(e, b, c, "truncated null bitmap", err);
        out->nulls = bm;
    }
    uint8_t enc = bc->enc & 0x7f;
    size_t w = msoc_stor__type_width(t);
    if (w == 8 && enc == ENC_PACK && e->version >= 2) {
        if (n == 0)
            return corrupt_block(e, b, c, "packed block without rows", err);
        uint8_t hdr[18];
        if (!rd_take(&r, hdr, 18) || hdr[0] > 1 || hdr[1] > 8)
            return corrupt_block(e, b, c, "bad packed header", err);
        bool is_delta = hdr[0] == 1;
        size_t pw = hdr[1], cnt = is_delta ? n - 1 : n;
        uint64_t base, step;
        memcpy(&base, hdr + 2, 8);
        memcpy(&step, hdr + 10, 8);
        if ((size_t)(r.end - r.p) != pw * cnt)
            return corrupt_block(e, b, c, "packed values length mismatch", err);
        int64_t *dst = msoc_arena_alloc(arena, 8 * n + 8);
        if (dst == NULL)
            return msoc_arena_fail(arena, err);
        unpack_i64(r.p, pw, cnt, is_delta, base, step, dst);
        r.p = r.end;
        out->v.i64 = dst;
    } else if (w > 0) {
        const uint8_t *vals = r.p;
        if (n > 0 && (size_t)(r.end - r.p) / w < n)
            return corrupt_block(e, b, c, "truncated values", err);
        r.p += w * n;
        if (enc == ENC_DELTA && w == 8) {
            int64_t *dst = msoc_arena_alloc(arena, 8 * n + 8);
            if (dst == NULL)
                return msoc_arena_fail(arena, err);
            uint64_t acc = 0;
            for (size_t i = 0; i < n; i++) {
                uint64_t d;
                memcpy(&d, vals + 8 * i, 8);
                acc += d;
                dst[i] = (int64_t)acc;
            }
            out->v.i64 = dst;
        } else if (enc == ENC_PLAIN) {
            const void *p = aligned(arena, vals, w * n);
            if (p == NULL)
                return msoc_arena_fail(arena, err);
            out->v.u8 = p; /* the union member matching t aliases the same pointer */
        } else {
            return corrupt_block(e, b, c, "unknown encoding", err);
        }
    } else if (enc == ENC_PLAIN) {
        const uint8_t *op = r.p;
        if (!rd_take(&r, NULL, 4 * (n + 1)))
            return corrupt_block(e, b, c, "truncated offsets", err);
        const uint32_t *offs = aligned(arena, op, 4 * (n + 1));
        if (offs == NULL)
            return msoc_arena_fail(arena, err);
        size_t avail = (size_t)(r.end - r.p);
        if (offs[0] != 0)
            return corrupt_block(e, b, c, "offsets do not start at 0", err);
        for (size_t i = 0; i < n; i++)
            if (offs[i + 1] < offs[i])
                return corrupt_block(e, b, c, "offsets not ascending", err);
        if (offs[n] != avail)
            return corrupt_block(e, b, c, "string bytes length mismatch", err);
        out->v.str.offsets = offs;
        out->v.str.bytes = (const char *)r.p;
        r.p = r.end;
    } else if (enc == ENC_DICT) {
        uint32_t nd = rd_u32(&r);
        if (r.is_bad || nd == 0 || nd > 65536 || (size_t)nd > n)
            return corrupt_block(e, b, c, "bad dictionary size", err);
        const uint8_t *op = r.p;
        if (!rd_take(&r, NULL, 4 * ((size_t)nd + 1)))
            return corrupt_block(e, b, c, "truncated dictionary", err);
        const uint32_t *doffs = aligned(arena, op, 4 * ((size_t)nd + 1));
        if (doffs == NULL)
            return msoc_arena_fail(arena, err);
        if (doffs[0] != 0)
            return corrupt_block(e, b, c, "dictionary offsets do not start at 0", err);
        for (size_t i = 0; i < nd; i++)
            if (doffs[i + 1] < doffs[i])
                return corrupt_block(e, b, c, "dictionary offsets not ascending", err);
        const uint8_t *dbytes = r.p;
        if (!rd_take(&r, NULL, doffs[nd]))
            return corrupt_block(e, b, c, "truncated dictionary bytes", err);
        /* Bits per code: version 3 packs small dictionaries' codes (0-4 bits);
         * earlier versions use 8 bits up to 256 entries, else 16. */
        unsigned bits = e->version >= 3 ? code_bits(nd) : nd <= 256 ? 8 : 16;
        if ((size_t)(r.end - r.p) != (n * bits + 7) / 8)
            return corrupt_block(e, b, c, "dictionary codes length mismatch", err);
        uint32_t *codes = msoc_arena_alloc(arena, 4 * n + 4);
        msoc_col *dict = msoc_arena_calloc(arena, 1, sizeof *dict);
        if (codes == NULL || dict == NULL)
            return msoc_arena_fail(arena, err);
        unpack_codes(r.p, bits, n, codes);
        /* One range check for the block (a loop that vectorises). */
        uint32_t top = 0;
        for (size_t i = 0; i < n; i++)
            top = codes[i] > top ? codes[i] : top;
        if (n > 0 && top >= nd)
            return corrupt_block(e, b, c, "dictionary code out of range", err);
        dict->type = t;
        dict->n = nd;
        dict->v.str.offsets = doffs;
        dict->v.str.bytes = (const char *)dbytes;
        out->dict_codes = codes;
        out->dict = dict;
        r.p = r.end;
    } else {
        return corrupt_block(e, b, c, "unknown encoding", err);
    }
    if (r.p != r.end)
        return corrupt_block(e, b, c, "trailing bytes in block", err);
    if (t == MSOC_TYPE_STRING)
        out->nulls = NULL;
    return MSOC_OK;
}

static void col_value(const msoc_col *c, size_t i, msoc_stor_value *v)
{
    memset(v, 0, sizeof *v);
    if (msoc_col_is_null(c, i)) {
        v->is_null = true;
        return;
    }
    switch (c->type) {
    case MSOC_TYPE_BOOL: v->v.b = c->v.u8[i] != 0; break;
    case MSOC_TYPE_INT: v->v.i64 = c->v.i32[i]; break;
    case MSOC_TYPE_LONG:
    case MSOC_TYPE_DATETIME:
    case MSOC_TYPE_TIMESPAN: v->v.i64 = c->v.i64[i]; break;
    case MSOC_TYPE_REAL: v->v.f64 = c->v.f64[i]; break;
    default: {
        const msoc_col *s = c->dict_codes != NULL ? c->dict : c;
        size_t k = c->dict_codes != NULL ? c->dict_codes[i] : i;
        v->v.s.ptr = s->v.str.bytes + s->v.str.offsets[k];
        v->v.s.len = s->v.str.offsets[k + 1] - s->v.str.offsets[k];
    }
    }
}

msoc_status msoc_stor__extent_to_rowset(const stor_extent *e, const msoc_stor_table_def *def,
                                        stor_rowset *rs, msoc_error *err)
{
    int *map = msoc_malloc((def->n_cols + 1) * sizeof *map);
    for (size_t i = 0; i < def->n_cols; i++) {
        map[i] = -1;
        for (size_t c = 0; c < e->n_cols; c++)
            if (strcmp(e->col_names[c], def->cols[i].name) == 0 &&
                e->col_types[c] == def->cols[i].type)
                map[i] = (int)c;
    }
    msoc_stor_value *vals = msoc_calloc(def->n_cols + 1, sizeof *vals);
    msoc_col *cols = msoc_calloc(e->n_cols + 1, sizeof *cols);
    msoc_arena *a = msoc_arena_new(NULL, 0, "compact");
    msoc_status st = MSOC_OK;
    for (size_t b = 0; b < e->n_blocks && st == MSOC_OK; b++) {
        msoc_arena_reset(a);
        for (size_t c = 0; c <= e->n_cols && st == MSOC_OK; c++)
            st = msoc_stor__extent_read_col(e, b, c, a, &cols[c], err);
        for (size_t i = 0; i < e->block_rows[b] && st == MSOC_OK; i++) {
            for (size_t k = 0; k < def->n_cols; k++) {
                if (map[k] < 0) {
                    memset(&vals[k], 0, sizeof vals[k]);
                    vals[k].is_null = true;
                } else {
                    col_value(&cols[map[k]], i, &vals[k]);
                }
            }
            size_t row = rs->n_rows;
            st = msoc_stor__rowset_add(rs, def, vals, err);
            if (st == MSOC_OK) {
                int64_t t = cols[e->n_cols].v.i64[i];
                memcpy(rs->ingest.data + 8 * row, &t, 8);
            }
        }
    }
    msoc_arena_free(a);
    msoc_free(cols);
    msoc_free(vals);
    msoc_free(map);
    return st;
}

msoc_status msoc_stor_extent_verify(const char *name, const void *p, size_t len, unsigned flags,
                                    size_t *n_rows, msoc_error *err)
{
    stor_extent *e;
    msoc_status st = extent_open_mem(name, p, len, (flags & MSOC_STOR_VERIFY_NO_CHECKSUMS) != 0,
                                     &e, err);
    if (st != MSOC_OK)
        return st;
    msoc_arena *a = msoc_arena_new(NULL, 0, "verify");
    for (size_t b = 0; b < e->n_blocks && st == MSOC_OK; b++) {
        for (size_t c = 0; c <= e->n_cols && st == MSOC_OK; c++) {
            msoc_col col;
            st = msoc_stor__extent_read_col(e, b, c, a, &col, err);
        }
        msoc_arena_reset(a);
    }
    msoc_arena_free(a);
    if (n_rows != NULL)
        *n_rows = e->n_rows;
    e->map = NULL; /* borrowed */
    msoc_stor__extent_unref(e);
    return st;
}
