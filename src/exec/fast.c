/* Vectorised kernels for the shapes hunting queries spend their time in: string
 * predicates against a constant (has, contains, ==, startswith... case-folded
 * once), comparisons of numeric/time columns with a constant, boolean logic, and
 * bin() over time. expr.c tries these first and falls back to the row path. */
#include <string.h>

#include "exec_int.h"

static bool is_const_str(const msoc_plan_expr *e)
{
    return e->kind == MSOC_PLAN_X_LIT && (e->type == MSOC_TYPE_STRING) && !e->lit.is_null;
}

static bool is_alnum_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 ||
           c == '_';
}

static unsigned char lower_tab[256];
static bool lower_ready;

static void lower_init(void)
{
    if (lower_ready)
        return;
    for (int i = 0; i < 256; i++)
        lower_tab[i] = (unsigned char)((i >= 'A' && i <= 'Z') ? i + 32 : i);
    lower_ready = true;
}

/* How common a (lower-case) byte is in command lines and paths; the search
 * anchors on the needle's rarest byte so memchr skips most of the haystack. */
static int byte_freq(unsigned char c)
{
    static const char order[] = " etaoinsrhldcumfpgwybvkxjqz";
    if (c >= 'a' && c <= 'z') {
        const char *p = strchr(order, c);
        return p ? 100 - (int)(p - order) * 3 : 50;
    }
    if (c >= '0' && c <= '9')
        return 60;
    if (c == ' ' || c == '\\' || c == '.' || c == '-' || c == '/' || c == ':' || c == '"')
        return 95;
    return 40;
}

typedef struct needle {
    const unsigned char *ln; /* lower-cased (or as-is when case-sensitive) */
    size_t nl;
    size_t pivot;            /* index of the rarest byte */
    unsigned char pl, pu;    /* its two cases */
} needle;

static void needle_init(needle *nd, const unsigned char *ln, size_t nl, bool is_cs)
{
    nd->ln = ln;
    nd->nl = nl;
    nd->pivot = 0;
    int best = 1000;
    for (size_t i = 0; i < nl; i++) {
        int f = byte_freq(ln[i]);
        if (f < best) {
            best = f;
            nd->pivot = i;
        }
    }
    nd->pl = nl ? ln[nd->pivot] : 0;
    nd->pu = (!is_cs && nd->pl >= 'a' && nd->pl <= 'z') ? (unsigned char)(nd->pl - 32) : nd->pl;
}

/* First occurrence of the needle in h at or after from, or -1. */
static long nd_find(const char *h, size_t hl, const needle *nd, size_t from, bool is_cs)
{
    size_t nl = nd->nl;
    if (nl == 0)
        return (long)from;
    if (hl < nl || from > hl - nl)
        return -1;
    size_t last = hl - nl;
    const char *base = h + nd->pivot;
    size_t i = from;
    while (i <= last) {
        size_t span = last - i + 1;
        const char *p1 = memchr(base + i, nd->pl, span);
        const char *p2 = nd->pu != nd->pl ? memchr(base + i, nd->pu, p1 ? (size_t)(p1 - (base + i)) : span) : NULL;
        const char *p = p2 ? p2 : p1;
        if (p == NULL)
            return -1;
        i = (size_t)(p - base);
        size_t k = 0;
        if (is_cs) {
            if (memcmp(h + i, nd->ln, nl) == 0)
                return (long)i;
        } else {
            while (k < nl && lower_tab[(unsigned char)h[i + k]] == nd->ln[k])
                k++;
            if (k == nl)
                return (long)i;
        }
        i++;
    }
    return -1;
}

typedef enum { K_CONTAINS, K_HAS, K_PREFIX, K_SUFFIX, K_EQ, K_STARTS, K_ENDS, K_HASPREFIX, K_HASSUFFIX } kind_t;

static bool match_one(const char *h, size_t hl, const needle *nd, kind_t k, bool is_cs)
{
    const unsigned char *n = nd->ln;
    size_t nl = nd->nl;
    switch (k) {
    case K_EQ:
        if (hl != nl)
            return false;
        if (is_cs)
            return memcmp(h, n, nl) == 0;
        for (size_t i = 0; i < nl; i++)
            if (lower_tab[(unsigned char)h[i]] != n[i])
                return false;
        return true;
    case K_STARTS:
        if (hl < nl)
            return false;
        for (size_t i = 0; i < nl; i++)
            if ((is_cs ? (unsigned char)h[i] : lower_tab[(unsigned char)h[i]]) != n[i])
                return false;
        return true;
    case K_ENDS:
        if (hl < nl)
            return false;
        for (size_t i = 0; i < nl; i++)
            if ((is_cs ? (unsigned char)h[hl - nl + i] : lower_tab[(unsigned char)h[hl - nl + i]]) != n[i])
                return false;
        return true;
    case K_CONTAINS: return nd_find(h, hl, nd, 0, is_cs) >= 0;
    default: {
        if (nl == 0)
            return true;
        bool check_start = k != K_HASSUFFIX && is_alnum_byte(n[0]);
        bool check_end = k != K_HASPREFIX && is_alnum_byte(n[nl - 1]);
        size_t from = 0;
        for (;;) {
            long i = nd_find(h, hl, nd, from, is_cs);
            if (i < 0)
                return false;
            size_t s = (size_t)i, e = s + nl;
            bool ok_s = !check_start || s == 0 || !is_alnum_byte((unsigned char)h[s - 1]);
            bool ok_e = !check_end || e == hl || !is_alnum_byte((unsigned char)h[e]);
            if (ok_s && ok_e)
                return true;
            from = s + 1;
        }
    }
    }
}

static bool str_pred(xq *q, const msoc_plan_expr *e, msoc_exec_col **args, size_t n, msoc_exec_col *out)
{
    kind_t k;
    bool is_cs = false, is_neg = false;
    switch (e->fn) {
    case MSOC_PLAN_FN_CONTAINS: k = K_CONTAINS; break;
    case MSOC_PLAN_FN_NCONTAINS: k = K_CONTAINS; is_neg = true; break;
    case MSOC_PLAN_FN_CONTAINS_CS: k = K_CONTAINS; is_cs = true; break;
    case MSOC_PLAN_FN_NCONTAINS_CS: k = K_CONTAINS; is_cs = true; is_neg = true; break;
    case MSOC_PLAN_FN_HAS: k = K_HAS; break;
    case MSOC_PLAN_FN_NHAS: k = K_HAS; is_neg = true; break;
    case MSOC_PLAN_FN_HAS_CS: k = K_HAS; is_cs = true; break;
    case MSOC_PLAN_FN_HASPREFIX: k = K_HASPREFIX; break;
    case MSOC_PLAN_FN_HASSUFFIX: k = K_HASSUFFIX; break;
    case MSOC_PLAN_FN_EQ: k = K_EQ; is_cs = true; break;
    case MSOC_PLAN_FN_NE: k = K_EQ; is_cs = true; is_neg = true; break;
    case MSOC_PLAN_FN_IEQ: k = K_EQ; break;
    case MSOC_PLAN_FN_INE: k = K_EQ; is_neg = true; break;
    case MSOC_PLAN_FN_STARTSWITH: k = K_STARTS; break;
    case MSOC_PLAN_FN_NSTARTSWITH: k = K_STARTS; is_neg = true; break;
    case MSOC_PLAN_FN_STARTSWITH_CS: k = K_STARTS; is_cs = true; break;
    case MSOC_PLAN_FN_ENDSWITH: k = K_ENDS; break;
    case MSOC_PLAN_FN_NENDSWITH: k = K_ENDS; is_neg = true; break;
    case MSOC_PLAN_FN_ENDSWITH_CS: k = K_ENDS; is_cs = true; break;
    default: return false;
    }
    if (e->n_args != 2 || !xtype_is_str(args[0]->type) || args[0]->is_absent || !is_const_str(e->args[1]))
        return false;
    lower_init();
    msoc_str nd = e->args[1]->lit.s;
    unsigned char small[256];
    unsigned char *ln = nd.len <= sizeof small ? small : msoc_exec__alloc(q, nd.len);
    if (ln == NULL)
        return false;
    for (size_t i = 0; i < nd.len; i++)
        ln[i] = is_cs ? (unsigned char)nd.ptr[i] : lower_tab[(unsigned char)nd.ptr[i]];
    needle ndl;
    needle_init(&ndl, ln, nd.len, is_cs);
    const msoc_str *s = args[0]->v.s;
    int64_t *o = out->v.i;
    /* runs of rows pointing at the same value (dictionary-decoded columns) are
     * evaluated once */
    const char *prev_p = NULL;
    size_t prev_l = (size_t)-1;
    bool prev_r = false;
    for (size_t r = 0; r < n; r++) {
        bool m;
        if (s[r].ptr == prev_p && s[r].len == prev_l) {
            m = prev_r;
        } else {
            m = match_one(s[r].ptr ? s[r].ptr : "", s[r].len, &ndl, k, is_cs);
            prev_p = s[r].ptr;
            prev_l = s[r].len;
            prev_r = m;
        }
        o[r] = m != is_neg;
    }
    return true;
}

static bool is_int_like(msoc_type t)
{
    return t == MSOC_TYPE_LONG || t == MSOC_TYPE_INT || t == MSOC_TYPE_DATETIME || t == MSOC_TYPE_TIMESPAN;
}

/* column (long/datetime/timespan/real) op constant */
static bool cmp_const(const msoc_plan_expr *e, msoc_exec_col **args, size_t n, msoc_exec_col *out, xq *q)
{
    (void)q;
    msoc_plan_fn fn = e->fn;
    if (fn != MSOC_PLAN_FN_EQ && fn != MSOC_PLAN_FN_NE && fn != MSOC_PLAN_FN_LT && fn != MSOC_PLAN_FN_LE &&
        fn != MSOC_PLAN_FN_GT && fn != MSOC_PLAN_FN_GE)
        return false;
    if (e->n_args != 2 || e->args[1]->kind != MSOC_PLAN_X_LIT || e->args[1]->lit.is_null)
        return false;
    const msoc_exec_col *c = args[0];
    if (c->is_absent)
        return false;
    msoc_type ct = c->type, lt = e->args[1]->type;
    int64_t *o = out->v.i;
    if (is_int_like(ct) && (lt == ct || (ct != MSOC_TYPE_DATETIME && ct != MSOC_TYPE_TIMESPAN &&
                                         (lt == MSOC_TYPE_LONG || lt == MSOC_TYPE_INT)))) {
        int64_t v = e->args[1]->lit.i;
        const int64_t *x = c->v.i;
        switch (fn) {
        case MSOC_PLAN_FN_EQ: for (size_t r = 0; r < n; r++) o[r] = x[r] == v; break;
        case MSOC_PLAN_FN_NE: for (size_t r = 0; r < n; r++) o[r] = x[r] != v; break;
        case MSOC_PLAN_FN_LT: for (size_t r = 0; r < n; r++) o[r] = x[r] < v; break;
        case MSOC_PLAN_FN_LE: for (size_t r = 0; r < n; r++) o[r] = x[r] <= v; break;
        case MSOC_PLAN_FN_GT: for (size_t r = 0; r < n; r++) o[r] = x[r] > v; break;
        default: for (size_t r = 0; r < n; r++) o[r] = x[r] >= v; break;
        }
    } else if (ct == MSOC_TYPE_REAL && (lt == MSOC_TYPE_REAL || lt == MSOC_TYPE_LONG || lt == MSOC_TYPE_INT)) {
        double v = lt == MSOC_TYPE_REAL ? e->args[1]->lit.r : (double)e->args[1]->lit.i;
        const double *x = c->v.r;
        switch (fn) {
        case MSOC_PLAN_FN_EQ: for (size_t r = 0; r < n; r++) o[r] = x[r] == v; break;
        case MSOC_PLAN_FN_NE: for (size_t r = 0; r < n; r++) o[r] = x[r] != v; break;
        case MSOC_PLAN_FN_LT: for (size_t r = 0; r < n; r++) o[r] = x[r] < v; break;
        case MSOC_PLAN_FN_LE: for (size_t r = 0; r < n; r++) o[r] = x[r] <= v; break;
        case MSOC_PLAN_FN_GT: for (size_t r = 0; r < n; r++) o[r] = x[r] > v; break;
        default: for (size_t r = 0; r < n; r++) o[r] = x[r] >= v; break;
        }
    } else {
        return false;
    }
    if (c->nulls) {
        /* comparisons with null are null */
        out->nulls = c->nulls;
    }
    return true;
}

static bool logic(const msoc_plan_expr *e, msoc_exec_col **args, size_t n, msoc_exec_col *out)
{
    if (e->fn != MSOC_PLAN_FN_AND && e->fn != MSOC_PLAN_FN_OR)
        return false;
    if (args[0]->type != MSOC_TYPE_BOOL || args[1]->type != MSOC_TYPE_BOOL || args[0]->nulls ||
        args[1]->nulls || args[0]->is_absent || args[1]->is_absent)
        return false;
    const int64_t *a = args[0]->v.i, *b = args[1]->v.i;
    int64_t *o = out->v.i;
    if (e->fn == MSOC_PLAN_FN_AND)
        for (size_t r = 0; r < n; r++)
            o[r] = (a[r] != 0) & (b[r] != 0);
    else
        for (size_t r = 0; r < n; r++)
            o[r] = (a[r] != 0) | (b[r] != 0);
    return true;
}

static bool bin_time(const msoc_plan_expr *e, msoc_exec_col **args, size_t n, msoc_exec_col *out)
{
    if (e->fn != MSOC_PLAN_FN_BIN && e->fn != MSOC_PLAN_FN_FLOOR)
        return false;
    const msoc_exec_col *c = args[0];
    if (c->is_absent || c->nulls || !is_int_like(c->type) || out->type != c->type)
        return false;
    const msoc_plan_expr *sz = e->args[1];
    if (sz->kind != MSOC_PLAN_X_LIT || sz->lit.is_null || sz->type == MSOC_TYPE_REAL || sz->lit.i <= 0)
        return false;
    int64_t s = sz->lit.i;
    const int64_t *x = c->v.i;
    int64_t *o = out->v.i;
    for (size_t r = 0; r < n; r++) {
        int64_t v = x[r], d = v / s, m = v % s;
        o[r] = (d - (m < 0)) * s;
    }
    return true;
}

bool msoc_exec__fast(xq *q, const msoc_plan_expr *e, msoc_exec_col **args, size_t n, msoc_exec_col *out)
{
    if (out->type == MSOC_TYPE_BOOL) {
        if (str_pred(q, e, args, n, out))
            return true;
        if (cmp_const(e, args, n, out, q))
            return true;
        if (logic(e, args, n, out))
            return true;
        return false;
    }
    return bin_time(e, args, n, out);
}
