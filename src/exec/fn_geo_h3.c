/* H3 cells: parsing and validating a token (the 64-bit cell index in hex, bit layout
 * per h3geo.org "Cell mode"), level, parent and children (pure index arithmetic), and
 * the functions that need the grid's geometry (fn_geo_h3_grid.c): point to cell,
 * centre, boundary, neighbours and rings (a walk on the IJK lattice in the origin's
 * frame, H3's ring order). Invalid input gives null, as in Kusto. Near the 12
 * pentagons H3's walks turn or fall back to another order: walks that leave a pentagon
 * base cell's sector or enter a pentagon base cell, the pentagon cells themselves and
 * boundaries in pentagon base cells are refused by name rather than answered wrongly. */
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

/* ---- walks on the lattice (neighbours, rings) ---- */

/* Ring walk order (H3's): start k steps along I, then k steps each along J, JK, K,
 * IK, I, IJ, in the origin's frame. */
static const int H3_RING_DIRS[6] = {2, 3, 1, 5, 4, 6};

static int leading_digit(uint64_t h)
{
    for (int r = 1; r <= h3_res(h); r++)
        if (h3_digit(h, r) != 0)
            return h3_digit(h, r);
    return 0;
}

/* Whether a walk step to cell is one H3's lattice walk takes as it is: near pentagons
 * H3 turns or falls back to another order, which is not built. From a cell of a
 * pentagon base cell the walk must stay in its leading digit's sector; from any
 * other cell it must not enter a pentagon base cell. */
static bool plain_step(uint64_t origin, uint64_t cell)
{
    int bc = h3_base_cell(origin);
    if (h3_is_pentagon_base(bc))
        return h3_base_cell(cell) == bc && leading_digit(cell) == leading_digit(origin);
    return !h3_is_pentagon_base(h3_base_cell(cell));
}

/* Appends ring k around h to arr; false when a cell of the ring is not supported. */
static bool h3_ring(uint64_t h, int64_t k, json_t *arr)
{
    char buf[20];
    if (k == 0) {
        msoc_geo__h3_token(h, buf);
        json_array_append_new(arr, json_string(buf));
        return true;
    }
    h3_fpos p;
    if (!msoc_geo__h3_home_pos(h, &p))
        return false;
    /* directions are the index's; the position is in p's face frame */
    for (int64_t s = 0; s < k; s++)
        p.c = msoc_geo__h3_ijk_add(p.c, MSOC_GEO_H3_UNIT[msoc_geo__h3_rotate_digit(4, -p.turn)]);
    for (int side = 0; side < 6; side++)
        for (int64_t s = 0; s < k; s++) {
            int dir = msoc_geo__h3_rotate_digit(H3_RING_DIRS[side], -p.turn);
            p.c = msoc_geo__h3_ijk_add(p.c, MSOC_GEO_H3_UNIT[dir]);
            uint64_t cell;
            if (msoc_geo__h3_fpos_cell(p, &cell) != MSOC_GEO_H3_OK || !plain_step(h, cell))
                return false;
            msoc_geo__h3_token(cell, buf);
            json_array_append_new(arr, json_string(buf));
        }
    return true;
}

/* ---- geometry: null on invalid input; pentagon base cells refused by name ---- */

static void refuse(xq *q, const char *fn)
{
    msoc_fail(q->err, MSOC_UNSUPPORTED,
              "not supported: %s() near an H3 pentagon (walks across a pentagon's sectors are not implemented)", fn);
}

ROW(f_point_to_h3cell)
{
    double lng, lat;
    int64_t res;
    *out = xv_str((msoc_str){"", 0});
    if (!msoc_geo__real(q, a[0], &lng) || !msoc_geo__real(q, a[1], &lat) || !msoc_geo__valid(lng, lat) ||
        !opt_int(q, a, n_args, 2, 6, &res) || res < 0 || res > H3_MAX_RES)
        return;
    uint64_t h;
    if (msoc_geo__h3_from_ll(lng, lat, (int)res, &h) != MSOC_GEO_H3_OK) {
        refuse(q, "geo_point_to_h3cell");
        return;
    }
    *out = token_value(q, h);
}

ROW(f_h3cell_to_central_point)
{
    (void)n_args;
    uint64_t h;
    double lng, lat;
    if (!msoc_geo__h3_parse(a[0].s, &h))
        return;
    if (!msoc_geo__h3_center(h, &lng, &lat)) {
        refuse(q, "geo_h3cell_to_central_point");
        return;
    }
    json_t *pt = msoc_exec__own(q, msoc_geo__point_json(lng, lat));
    if (pt != NULL)
        *out = xv_dyn(pt);
}

ROW(f_h3cell_to_polygon)
{
    (void)n_args;
    uint64_t h;
    double lng[6], lat[6];
    if (!msoc_geo__h3_parse(a[0].s, &h))
        return;
    size_t n = msoc_geo__h3_boundary(h, lng, lat);
    if (n == 0) {
        msoc_fail(q->err, MSOC_UNSUPPORTED,
                  "not supported: geo_h3cell_to_polygon() of a cell in a pentagon base cell or of an "
                  "odd-resolution cell across an icosahedron edge");
        return;
    }
    json_t *poly = msoc_exec__own(q, json_object());
    if (poly == NULL)
        return;
    json_t *ring = json_array(), *rings = json_array();
    for (size_t k = 0; k <= n; k++)
        json_array_append_new(ring, msoc_geo__coord_json(lng[k % n], lat[k % n]));
    json_array_append_new(rings, ring);
    json_object_set_new(poly, "type", json_string("Polygon"));
    json_object_set_new(poly, "coordinates", rings);
    *out = xv_dyn(poly);
}

ROW(f_h3cell_neighbors)
{
    (void)n_args;
    uint64_t h;
    if (!msoc_geo__h3_parse(a[0].s, &h))
        return;
    json_t *arr = msoc_exec__own(q, json_array());
    if (arr == NULL)
        return;
    if (!h3_ring(h, 1, arr)) {
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
    for (int64_t k = 0; k <= dist; k++) {
        json_t *ring = json_array();
        json_array_append_new(rings, ring);
        if (!h3_ring(h, k, ring)) {
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
