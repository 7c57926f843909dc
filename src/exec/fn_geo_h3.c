/* H3 cells as indexes: parsing and validating a token (the 64-bit cell index in hex,
 * bit layout per h3geo.org "Cell mode"), level, parent and children. These need no
 * geometry; neither do neighbours and rings that stay inside the cell's base cell:
 * the digits are positions on nested aperture-7 hexagonal lattices (odd resolutions
 * rotated counter-clockwise, even ones clockwise), so a walk in (i, j, k) lattice
 * coordinates converts back to digits. Everything that needs H3's icosahedron and
 * base-cell tables (point to cell, centre, boundary, crossing into another base cell,
 * pentagon base cells, polyfill) is not built: those return null for invalid input,
 * as Kusto does, and refuse valid input by name rather than answer wrongly. */
#include <math.h>
#include <string.h>

#include "fn_geo.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

#define H3_MAX_RES 15
#define H3_N_BASE_CELLS 122
#define H3_MAX_CHILD_LEVELS 5

/* The 12 pentagon base cells; their sub-digit 1 (K axis) does not exist. */
static const int H3_PENTAGONS[12] = {4, 14, 24, 38, 49, 58, 63, 72, 83, 97, 107, 117};

static int h3_res(uint64_t h) { return (int)((h >> 52) & 0xf); }
static int h3_base_cell(uint64_t h) { return (int)((h >> 45) & 0x7f); }
static int h3_digit(uint64_t h, int r) { return (int)((h >> ((H3_MAX_RES - r) * 3)) & 7); }

static uint64_t h3_set_digit(uint64_t h, int r, int d)
{
    int shift = (H3_MAX_RES - r) * 3;
    return (h & ~((uint64_t)7 << shift)) | ((uint64_t)d << shift);
}

static uint64_t h3_set_res(uint64_t h, int res)
{
    return (h & ~((uint64_t)0xf << 52)) | ((uint64_t)res << 52);
}

static bool h3_is_pentagon_base(int bc)
{
    for (int k = 0; k < 12; k++)
        if (H3_PENTAGONS[k] == bc)
            return true;
    return false;
}

bool msoc_geo__h3_valid(uint64_t h)
{
    if ((h >> 63) != 0 || ((h >> 59) & 0xf) != 1 || ((h >> 56) & 7) != 0)
        return false;
    int bc = h3_base_cell(h), res = h3_res(h);
    if (bc >= H3_N_BASE_CELLS)
        return false;
    bool is_pent = h3_is_pentagon_base(bc), is_leading = true;
    for (int r = 1; r <= H3_MAX_RES; r++) {
        int d = h3_digit(h, r);
        if (r > res) {
            if (d != 7)
                return false;
            continue;
        }
        if (d == 7)
            return false;
        if (is_pent && is_leading && d != 0) {
            if (d == 1)
                return false;
            is_leading = false;
        }
    }
    return true;
}

bool msoc_geo__h3_parse(msoc_str tok, uint64_t *out)
{
    if (tok.len == 0 || tok.len > 16)
        return false;
    uint64_t v = 0;
    for (size_t k = 0; k < tok.len; k++) {
        char c = tok.ptr[k];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return false;
        v = (v << 4) | (uint64_t)d;
    }
    if (!msoc_geo__h3_valid(v))
        return false;
    *out = v;
    return true;
}

size_t msoc_geo__h3_token(uint64_t h, char *buf)
{
    static const char HEX[] = "0123456789abcdef";
    char tmp[17];
    size_t n = 0;
    do {
        tmp[n++] = HEX[h & 0xf];
        h >>= 4;
    } while (h != 0);
    for (size_t k = 0; k < n; k++)
        buf[k] = tmp[n - 1 - k];
    buf[n] = '\0';
    return n;
}

uint64_t msoc_geo__h3_parent(uint64_t h, int res)
{
    uint64_t p = h3_set_res(h, res);
    for (int r = res + 1; r <= H3_MAX_RES; r++)
        p = h3_set_digit(p, r, 7);
    return p;
}

static xval token_value(xq *q, uint64_t h)
{
    char buf[20];
    size_t n = msoc_geo__h3_token(h, buf);
    return xv_str(msoc_exec__strdup(q, buf, n));
}

static bool opt_int(xq *q, const xval *a, size_t n_args, size_t idx, int64_t dflt, int64_t *out)
{
    *out = dflt;
    if (n_args <= idx)
        return true;
    if (a[idx].is_null)
        return false;
    xval v = msoc_exec__convert(q, a[idx], MSOC_TYPE_LONG);
    if (v.is_null)
        return false;
    *out = v.i;
    return true;
}

ROW(f_h3cell_level)
{
    (void)n_args;
    (void)q;
    uint64_t h;
    if (!msoc_geo__h3_parse(a[0].s, &h))
        return;
    *out = xv_typed_i(MSOC_TYPE_INT, h3_res(h));
}

ROW(f_h3cell_parent)
{
    uint64_t h;
    int64_t res;
    *out = xv_str((msoc_str){"", 0});
    if (!msoc_geo__h3_parse(a[0].s, &h) || !opt_int(q, a, n_args, 1, h3_res(h) - 1, &res) || res < 0 ||
        res > h3_res(h))
        return;
    *out = token_value(q, msoc_geo__h3_parent(h, (int)res));
}

/* Appends the descendants of h at child_res in digit order. */
static void children_rec(json_t *arr, uint64_t h, int res, int child_res, bool is_pent_center)
{
    if (res == child_res) {
        char buf[20];
        msoc_geo__h3_token(h, buf);
        json_array_append_new(arr, json_string(buf));
        return;
    }
    for (int d = 0; d <= 6; d++) {
        if (is_pent_center && d == 1)
            continue;
        uint64_t c = h3_set_digit(h3_set_res(h, res + 1), res + 1, d);
        children_rec(arr, c, res + 1, child_res, is_pent_center && d == 0);
    }
}

static bool is_pent_center(uint64_t h)
{
    if (!h3_is_pentagon_base(h3_base_cell(h)))
        return false;
    for (int r = 1; r <= h3_res(h); r++)
        if (h3_digit(h, r) != 0)
            return false;
    return true;
}

ROW(f_h3cell_children)
{
    uint64_t h;
    int64_t res;
    if (!msoc_geo__h3_parse(a[0].s, &h) || !opt_int(q, a, n_args, 1, h3_res(h) + 1, &res) || res < 1 ||
        res > H3_MAX_RES || res < h3_res(h) || res - h3_res(h) > H3_MAX_CHILD_LEVELS)
        return;
    json_t *arr = msoc_exec__own(q, json_array());
    if (arr == NULL)
        return;
    children_rec(arr, h, h3_res(h), (int)res, is_pent_center(h));
    *out = xv_dyn(arr);
}

/* ---- lattice coordinates inside a base cell ---- */

typedef struct h3_ijk {
    int64_t i, j, k;
} h3_ijk;

/* Unit vectors of digits 0..6: centre, K, J, JK, I, IK, IJ. */
static const h3_ijk H3_UNIT[7] = {{0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 1}, {1, 0, 0}, {1, 0, 1}, {1, 1, 0}};

static void ijk_normalize(h3_ijk *c)
{
    if (c->i < 0) {
        c->j -= c->i;
        c->k -= c->i;
        c->i = 0;
    }
    if (c->j < 0) {
        c->i -= c->j;
        c->k -= c->j;
        c->j = 0;
    }
    if (c->k < 0) {
        c->i -= c->k;
        c->j -= c->k;
        c->k = 0;
    }
    int64_t m = c->i < c->j ? c->i : c->j;
    m = m < c->k ? m : c->k;
    c->i -= m;
    c->j -= m;
    c->k -= m;
}

static h3_ijk ijk_add(h3_ijk a, h3_ijk b)
{
    h3_ijk c = {a.i + b.i, a.j + b.j, a.k + b.k};
    ijk_normalize(&c);
    return c;
}

static h3_ijk ijk_sub(h3_ijk a, h3_ijk b)
{
    h3_ijk c = {a.i - b.i, a.j - b.j, a.k - b.k};
    ijk_normalize(&c);
    return c;
}

/* The centre of the same cell on the next finer lattice: counter-clockwise (odd,
 * "class III" resolutions) or clockwise. */
static h3_ijk ijk_down(h3_ijk c, bool is_ccw)
{
    h3_ijk iv = is_ccw ? (h3_ijk){3, 0, 1} : (h3_ijk){3, 1, 0};
    h3_ijk jv = is_ccw ? (h3_ijk){1, 3, 0} : (h3_ijk){0, 3, 1};
    h3_ijk kv = is_ccw ? (h3_ijk){0, 1, 3} : (h3_ijk){1, 0, 3};
    h3_ijk r = {c.i * iv.i + c.j * jv.i + c.k * kv.i, c.i * iv.j + c.j * jv.j + c.k * kv.j,
                c.i * iv.k + c.j * jv.k + c.k * kv.k};
    ijk_normalize(&r);
    return r;
}

/* The cell of the next coarser lattice containing c (inverse of ijk_down). */
static h3_ijk ijk_up(h3_ijk c, bool is_ccw)
{
    double i = (double)(c.i - c.k), j = (double)(c.j - c.k);
    h3_ijk r;
    if (is_ccw) {
        r.i = llround((3 * i - j) / 7.0);
        r.j = llround((i + 2 * j) / 7.0);
    } else {
        r.i = llround((2 * i + j) / 7.0);
        r.j = llround((3 * j - i) / 7.0);
    }
    r.k = 0;
    ijk_normalize(&r);
    return r;
}

static bool ijk_is_zero(h3_ijk c)
{
    return c.i == 0 && c.j == 0 && c.k == 0;
}

/* The cell's position relative to its base cell's centre. */
static h3_ijk h3_to_local(uint64_t h)
{
    h3_ijk c = {0, 0, 0};
    for (int r = 1; r <= h3_res(h); r++)
        c = ijk_add(ijk_down(c, r & 1), H3_UNIT[h3_digit(h, r)]);
    return c;
}

/* The index of local position c in h's base cell at h's resolution; false when c
 * lies outside that base cell. */
static bool h3_from_local(uint64_t h, h3_ijk c, uint64_t *out)
{
    uint64_t r_idx = h;
    for (int r = h3_res(h); r >= 1; r--) {
        bool is_ccw = r & 1;
        h3_ijk up = ijk_up(c, is_ccw);
        h3_ijk diff = ijk_sub(c, ijk_down(up, is_ccw));
        int digit = -1;
        for (int d = 0; d < 7; d++)
            if (diff.i == H3_UNIT[d].i && diff.j == H3_UNIT[d].j && diff.k == H3_UNIT[d].k)
                digit = d;
        if (digit < 0)
            return false;
        r_idx = h3_set_digit(r_idx, r, digit);
        c = up;
    }
    if (!ijk_is_zero(c))
        return false;
    *out = r_idx;
    return true;
}

/* Ring walk order (H3's): start k steps along I, then k steps each along J, JK, K,
 * IK, I, IJ. */
static const int H3_RING_DIRS[6] = {2, 3, 1, 5, 4, 6};

/* Appends ring k around h to arr; false when a cell leaves h's base cell. */
static bool h3_ring(uint64_t h, int64_t k, json_t *arr)
{
    h3_ijk c = h3_to_local(h);
    char buf[20];
    if (k == 0) {
        msoc_geo__h3_token(h, buf);
        json_array_append_new(arr, json_string(buf));
        return true;
    }
    for (int64_t s = 0; s < k; s++)
        c = ijk_add(c, H3_UNIT[4]);
    for (int side = 0; side < 6; side++)
        for (int64_t s = 0; s < k; s++) {
            c = ijk_add(c, H3_UNIT[H3_RING_DIRS[side]]);
            uint64_t cell;
            if (!h3_from_local(h, c, &cell))
                return false;
            msoc_geo__h3_token(cell, buf);
            json_array_append_new(arr, json_string(buf));
        }
    return true;
}

/* ---- functions that need H3's geometry: null on invalid input, refused otherwise ---- */

static void refuse(xq *q, const char *fn)
{
    msoc_fail(q->err, MSOC_UNSUPPORTED,
              "not supported: %s() on a valid cell or point (H3 cell geometry is not implemented)", fn);
}

ROW(f_point_to_h3cell)
{
    double lng, lat;
    int64_t res;
    *out = xv_str((msoc_str){"", 0});
    if (!msoc_geo__real(q, a[0], &lng) || !msoc_geo__real(q, a[1], &lat) || !msoc_geo__valid(lng, lat) ||
        !opt_int(q, a, n_args, 2, 6, &res) || res < 0 || res > H3_MAX_RES)
        return;
    refuse(q, "geo_point_to_h3cell");
}

#define H3_CELL_REFUSED(fname, kql)               \
    ROW(fname)                                    \
    {                                             \
        (void)n_args;                             \
        (void)out;                                \
        uint64_t h;                               \
        if (!msoc_geo__h3_parse(a[0].s, &h))      \
            return;                               \
        refuse(q, kql);                           \
    }
H3_CELL_REFUSED(f_h3cell_to_central_point, "geo_h3cell_to_central_point")
H3_CELL_REFUSED(f_h3cell_to_polygon, "geo_h3cell_to_polygon")

ROW(f_h3cell_neighbors)
{
    (void)n_args;
    uint64_t h;
    if (!msoc_geo__h3_parse(a[0].s, &h))
        return;
    json_t *arr = msoc_exec__own(q, json_array());
    if (arr == NULL)
        return;
    if (h3_is_pentagon_base(h3_base_cell(h)) || !h3_ring(h, 1, arr)) {
        refuse(q, "geo_h3cell_neighbors");
        return;
    }
    *out = xv_dyn(arr);
}

ROW(f_h3cell_rings)
{
    uint64_t h;
    int64_t dist;
    if (!msoc_geo__h3_parse(a[0].s, &h) || !opt_int(q, a, n_args, 1, 0, &dist) || dist < 0 || dist > 142)
        return;
    json_t *rings = msoc_exec__own(q, json_array());
    if (rings == NULL)
        return;
    bool is_pent = h3_is_pentagon_base(h3_base_cell(h));
    for (int64_t k = 0; k <= dist; k++) {
        json_t *ring = json_array();
        json_array_append_new(rings, ring);
        if ((is_pent && k > 0) || !h3_ring(h, k, ring)) {
            refuse(q, "geo_h3cell_rings");
            return;
        }
    }
    *out = xv_dyn(rings);
}

void msoc_exec__fn_register_geo_h3(xfn_impl *t)
{
    t[MSOC_PLAN_FN_GEO_H3CELL_LEVEL] = (xfn_impl){f_h3cell_level, NULL, true};
    t[MSOC_PLAN_FN_GEO_H3CELL_PARENT] = (xfn_impl){f_h3cell_parent, NULL, false};
    t[MSOC_PLAN_FN_GEO_H3CELL_CHILDREN] = (xfn_impl){f_h3cell_children, NULL, false};
    t[MSOC_PLAN_FN_GEO_POINT_TO_H3CELL] = (xfn_impl){f_point_to_h3cell, NULL, false};
    t[MSOC_PLAN_FN_GEO_H3CELL_TO_CENTRAL_POINT] = (xfn_impl){f_h3cell_to_central_point, NULL, true};
    t[MSOC_PLAN_FN_GEO_H3CELL_TO_POLYGON] = (xfn_impl){f_h3cell_to_polygon, NULL, true};
    t[MSOC_PLAN_FN_GEO_H3CELL_NEIGHBORS] = (xfn_impl){f_h3cell_neighbors, NULL, true};
    t[MSOC_PLAN_FN_GEO_H3CELL_RINGS] = (xfn_impl){f_h3cell_rings, NULL, false};
}
