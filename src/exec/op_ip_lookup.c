/* evaluate ipv4_lookup / ipv6_lookup(LookupTable, SourceIP, IPRange [, return_unmatched]):
 * each source row joined with the lookup row whose range (CIDR "a.b.c.d/n", or one
 * address) holds its address, the most specific range winning. Rows without a
 * match are dropped unless return_unmatched. Ranges are kept per prefix length,
 * sorted, so a row costs one binary search per distinct length. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"

typedef struct range {
    uint8_t addr[16];   /* masked to its prefix */
    int prefix;         /* bits */
    size_t row;
} range;

static int range_cmp(const void *a, const void *b)
{
    const range *x = a, *y = b;
    if (x->prefix != y->prefix)
        return y->prefix - x->prefix; /* longest prefix first */
    int c = memcmp(x->addr, y->addr, 16);
    if (c != 0)
        return c;
    return x->row < y->row ? -1 : x->row > y->row;
}

static void mask(uint8_t *a, int prefix, int bits)
{
    for (int i = 0; i < bits / 8; i++) {
        int keep = prefix - i * 8;
        if (keep >= 8)
            continue;
        a[i] &= keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
    }
}

/* Parses "addr[/n]" into a (zero-padded to 16 bytes); false when it is not one. */
static bool parse_ip(msoc_str s, bool is_v6, uint8_t a[16], int *prefix)
{
    char buf[64];
    if (s.len == 0 || s.len >= sizeof buf)
        return false;
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = 0;
    int bits = is_v6 ? 128 : 32;
    *prefix = bits;
    char *slash = strchr(buf, '/');
    if (slash) {
        *slash = 0;
        char *end;
        long p = strtol(slash + 1, &end, 10);
        if (*end || end == slash + 1 || p < 0 || p > bits)
            return false;
        *prefix = (int)p;
    }
    memset(a, 0, 16);
    if (inet_pton(is_v6 ? AF_INET6 : AF_INET, buf, a) != 1)
        return false;
    mask(a, *prefix, bits);
    return true;
}

msoc_status msoc_exec__op_ip_lookup(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                    const msoc_exec_table **out)
{
    bool is_v6 = (n->eval_flags & 2) != 0, is_unmatched = (n->eval_flags & 1) != 0;
    int bits = is_v6 ? 128 : 32;
    const msoc_exec_table *lk;
    msoc_status st = msoc_exec__node(q, n->inputs[1], &lk);
    if (st != MSOC_OK)
        return st;
    msoc_exec_col *src, *rng;
    st = msoc_exec__eval(q, n->eval_args[0], in, &src);
    if (st == MSOC_OK)
        st = msoc_exec__eval(q, n->eval_args[1], lk, &rng);
    if (st != MSOC_OK)
        return st;
    range *rs = msoc_exec__calloc(q, lk->n_rows + 1, sizeof *rs);
    if (rs == NULL)
        return q->err->code;
    size_t nr = 0;
    for (size_t r = 0; r < lk->n_rows; r++) {
        xval v = msoc_exec__col_get(rng, r);
        if (v.is_null || !xtype_is_str(v.t))
            continue;
        if (parse_ip(v.s, is_v6, rs[nr].addr, &rs[nr].prefix)) {
            rs[nr].row = r;
            nr++;
        }
    }
    qsort(rs, nr, sizeof *rs, range_cmp);
    /* distinct prefix lengths, longest first: [starts[i], starts[i+1]) */
    size_t starts[130], n_len = 0;
    for (size_t i = 0; i < nr; i++)
        if (i == 0 || rs[i].prefix != rs[i - 1].prefix)
            starts[n_len++] = i;
    starts[n_len] = nr;
    size_t rows = in->n_rows;
    size_t *match = msoc_exec__calloc(q, rows + 1, sizeof *match); /* lookup row + 1 */
    if (match == NULL)
        return q->err->code;
    size_t n_out = 0;
    for (size_t r = 0; r < rows; r++) {
        xval v = msoc_exec__col_get(src, r);
        uint8_t a[16];
        int p;
        if (!v.is_null && xtype_is_str(v.t) && parse_ip(v.s, is_v6, a, &p)) {
            for (size_t l = 0; l < n_len && match[r] == 0; l++) {
                range key;
                memcpy(key.addr, a, 16);
                key.prefix = rs[starts[l]].prefix;
                mask(key.addr, key.prefix, bits);
                size_t lo = starts[l], hi = starts[l + 1];
                while (lo < hi) {
                    size_t mid = lo + (hi - lo) / 2;
                    if (memcmp(rs[mid].addr, key.addr, 16) < 0)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                if (lo < starts[l + 1] && memcmp(rs[lo].addr, key.addr, 16) == 0)
                    match[r] = rs[lo].row + 1;
            }
        }
        n_out += match[r] != 0 || is_unmatched;
    }
    msoc_exec_table *t = msoc_exec__table_for(q, n, n_out);
    if (t == NULL)
        return q->err->code;
    /* each output column from the source (by name first) or the lookup table */
    for (size_t c = 0; c < n->n_cols; c++) {
        int sc = -1, lc = -1;
        for (size_t i = 0; i < in->n_cols; i++)
            if (msoc_str_eq(in->names[i], n->cols[c].name))
                sc = (int)i;
        if (sc < 0)
            for (size_t i = 0; i < lk->n_cols; i++)
                if (msoc_str_eq(lk->names[i], n->cols[c].name))
                    lc = (int)i;
        for (size_t r = 0, o = 0; r < rows; r++) {
            if (match[r] == 0 && !is_unmatched)
                continue;
            xval v = sc >= 0 ? msoc_exec__col_get(in->cols[sc], r)
                   : lc >= 0 && match[r] ? msoc_exec__col_get(lk->cols[lc], match[r] - 1)
                                         : xv_null(n->cols[c].type);
            msoc_exec__col_set(q, t->cols[c], o++, v);
        }
    }
    *out = t;
    return q->err->code;
}
