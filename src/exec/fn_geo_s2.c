/* S2 cells (geo_point_to_s2cell, geo_s2cell_*): the cube-face projection with the
 * quadratic st<->uv transform and the Hilbert-curve cell numbering of the S2 geometry
 * library, written from its published description. A cell is named by its token:
 * the 64-bit id in hex without trailing zeros. */
#include <math.h>
#include <string.h>

#include "fn_geo.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

#define S2_MAX_LEVEL 30
#define S2_MAX_SIZE (1 << S2_MAX_LEVEL)

/* Hilbert curve tables. ij = (i_bit << 1) | j_bit; orientation bit 1 swaps the axes,
 * bit 2 inverts them. */
static const int IJ_TO_POS[4][4] = {{0, 1, 3, 2}, {0, 3, 1, 2}, {2, 3, 1, 0}, {2, 1, 3, 0}};
static const int POS_TO_IJ[4][4] = {{0, 1, 3, 2}, {0, 2, 3, 1}, {3, 2, 0, 1}, {3, 1, 0, 2}};
static const int POS_TO_ORIENTATION[4] = {1, 0, 0, 3};

static double uv_to_st(double u)
{
    return u >= 0 ? 0.5 * sqrt(1 + 3 * u) : 1 - 0.5 * sqrt(1 - 3 * u);
}

static double st_to_uv(double s)
{
    return s >= 0.5 ? (1.0 / 3) * (4 * s * s - 1) : (1.0 / 3) * (1 - 4 * (1 - s) * (1 - s));
}

static int st_to_ij(double s)
{
    double v = floor(S2_MAX_SIZE * s);
    if (v < 0)
        return 0;
    if (v > S2_MAX_SIZE - 1)
        return S2_MAX_SIZE - 1;
    return (int)v;
}

static int xyz_face(geo_xyz p)
{
    double ax = fabs(p.x), ay = fabs(p.y), az = fabs(p.z);
    int f = ax > ay ? (ax > az ? 0 : 2) : (ay > az ? 1 : 2);
    double c = f == 0 ? p.x : f == 1 ? p.y : p.z;
    return c < 0 ? f + 3 : f;
}

static void face_xyz_to_uv(int face, geo_xyz p, double *u, double *v)
{
    switch (face) {
    case 0: *u = p.y / p.x; *v = p.z / p.x; break;
    case 1: *u = -p.x / p.y; *v = p.z / p.y; break;
    case 2: *u = -p.x / p.z; *v = -p.y / p.z; break;
    case 3: *u = p.z / p.x; *v = p.y / p.x; break;
    case 4: *u = p.z / p.y; *v = -p.x / p.y; break;
    default: *u = -p.y / p.z; *v = -p.x / p.z; break;
    }
}

static geo_xyz face_uv_to_xyz(int face, double u, double v)
{
    switch (face) {
    case 0: return (geo_xyz){1, u, v};
    case 1: return (geo_xyz){-u, 1, v};
    case 2: return (geo_xyz){-u, -v, 1};
    case 3: return (geo_xyz){-1, -v, -u};
    case 4: return (geo_xyz){v, -1, -u};
    default: return (geo_xyz){v, u, -1};
    }
}

static uint64_t lsb_for_level(int level)
{
    return (uint64_t)1 << (2 * (S2_MAX_LEVEL - level));
}

static uint64_t cell_parent(uint64_t id, int level)
{
    uint64_t lsb = lsb_for_level(level);
    return (id & (0 - lsb)) | lsb;
}

/* The leaf cell at (face, i, j). */
static uint64_t cell_from_face_ij(int face, int i, int j)
{
    uint64_t pos = 0;
    int orient = face & 1;
    for (int k = S2_MAX_LEVEL - 1; k >= 0; k--) {
        int ij = (((i >> k) & 1) << 1) | ((j >> k) & 1);
        int p = IJ_TO_POS[orient][ij];
        pos = (pos << 2) | (uint64_t)p;
        orient ^= POS_TO_ORIENTATION[p];
    }
    return ((uint64_t)face << 61) | (pos << 1) | 1;
}

/* (face, i, j) of the lower-left leaf of a cell at its level. */
static int cell_to_face_ij(uint64_t id, int level, int *pi, int *pj)
{
    int face = (int)(id >> 61);
    int orient = face & 1, i = 0, j = 0;
    for (int k = 0; k < level; k++) {
        int p = (int)((id >> (61 - 2 * (k + 1))) & 3);
        int ij = POS_TO_IJ[orient][p];
        i = (i << 1) | (ij >> 1);
        j = (j << 1) | (ij & 1);
        orient ^= POS_TO_ORIENTATION[p];
    }
    *pi = i << (S2_MAX_LEVEL - level);
    *pj = j << (S2_MAX_LEVEL - level);
    return face;
}

static int cell_level(uint64_t id)
{
    return S2_MAX_LEVEL - __builtin_ctzll(id) / 2;
}

static bool cell_valid(uint64_t id)
{
    return id != 0 && (id >> 61) < 6 && (id & (0 - id) & 0x1555555555555555ULL) != 0;
}

static uint64_t cell_from_latlng(double lng, double lat, int level)
{
    geo_xyz p = msoc_geo__to_xyz(lng, lat);
    int face = xyz_face(p);
    double u, v;
    face_xyz_to_uv(face, p, &u, &v);
    uint64_t leaf = cell_from_face_ij(face, st_to_ij(uv_to_st(u)), st_to_ij(uv_to_st(v)));
    return cell_parent(leaf, level);
}

/* A leaf just across the face boundary is projected onto the neighbouring face. */
static uint64_t cell_from_face_ij_wrap(int face, int i, int j)
{
    if (i < -1)
        i = -1;
    if (i > S2_MAX_SIZE)
        i = S2_MAX_SIZE;
    if (j < -1)
        j = -1;
    if (j > S2_MAX_SIZE)
        j = S2_MAX_SIZE;
    const double scale = 1.0 / S2_MAX_SIZE, limit = 1.0 + 2.220446049250313e-16;
    double u = scale * (2.0 * i + 1 - S2_MAX_SIZE), v = scale * (2.0 * j + 1 - S2_MAX_SIZE);
    geo_xyz p = face_uv_to_xyz(face, u, v);
    face = xyz_face(p);
    face_xyz_to_uv(face, p, &u, &v);
    u = fmax(-limit, fmin(limit, u));
    v = fmax(-limit, fmin(limit, v));
    return cell_from_face_ij(face, st_to_ij(0.5 * (u + 1)), st_to_ij(0.5 * (v + 1)));
}

static uint64_t cell_from_face_ij_same(int face, int i, int j, bool is_same_face)
{
    return is_same_face ? cell_from_face_ij(face, i, j) : cell_from_face_ij_wrap(face, i, j);
}

size_t msoc_geo__s2_token(uint64_t id, char *buf)
{
    static const char HEX[] = "0123456789abcdef";
    if (id == 0) {
        memcpy(buf, "X", 2);
        return 1;
    }
    size_t n = 16;
    while (n > 0 && ((id >> (4 * (16 - n))) & 0xf) == 0)
        n--;
    for (size_t k = 0; k < n; k++)
        buf[k] = HEX[(id >> (60 - 4 * k)) & 0xf];
    buf[n] = '\0';
    return n;
}

bool msoc_geo__s2_parse(msoc_str tok, uint64_t *id)
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
    v <<= 4 * (16 - tok.len);
    if (!cell_valid(v))
        return false;
    *id = v;
    return true;
}

uint64_t msoc_geo__s2_from_point(double lng, double lat, int level)
{
    return cell_from_latlng(lng, lat, level);
}

/* The cell's centre (lng, lat). */
void msoc_geo__s2_center(uint64_t id, double *lng, double *lat)
{
    int level = cell_level(id), i, j;
    int face = cell_to_face_ij(id, level, &i, &j);
    double size = (double)(1 << (S2_MAX_LEVEL - level));
    double s = (2.0 * i + size) / (2.0 * S2_MAX_SIZE), t = (2.0 * j + size) / (2.0 * S2_MAX_SIZE);
    msoc_geo__from_xyz(face_uv_to_xyz(face, st_to_uv(s), st_to_uv(t)), lng, lat);
}

/* The four corners, counter-clockwise from (u0, v0). */
void msoc_geo__s2_vertices(uint64_t id, double lng[4], double lat[4])
{
    int level = cell_level(id), i, j;
    int face = cell_to_face_ij(id, level, &i, &j);
    int size = 1 << (S2_MAX_LEVEL - level);
    double u0 = st_to_uv((double)i / S2_MAX_SIZE), u1 = st_to_uv((double)(i + size) / S2_MAX_SIZE);
    double v0 = st_to_uv((double)j / S2_MAX_SIZE), v1 = st_to_uv((double)(j + size) / S2_MAX_SIZE);
    const double us[4] = {u0, u1, u1, u0}, vs[4] = {v0, v0, v1, v1};
    for (int k = 0; k < 4; k++)
        msoc_geo__from_xyz(face_uv_to_xyz(face, us[k], vs[k]), &lng[k], &lat[k]);
}

/* The eight cells around a cell at its level, in S2's neighbour order. */
size_t msoc_geo__s2_neighbors(uint64_t id, uint64_t out_ids[8])
{
    int level = cell_level(id), i, j;
    int face = cell_to_face_ij(id, level, &i, &j);
    int size = 1 << (S2_MAX_LEVEL - level);
    size_t n = 0;
    for (int k = -size;; k += size) {
        bool is_same_face;
        if (k < 0) {
            is_same_face = j + k >= 0;
        } else if (k >= size) {
            is_same_face = j + k < S2_MAX_SIZE;
        } else {
            is_same_face = true;
            out_ids[n++] = cell_parent(cell_from_face_ij_same(face, i + k, j - size, j - size >= 0), level);
            out_ids[n++] = cell_parent(cell_from_face_ij_same(face, i + k, j + size, j + size < S2_MAX_SIZE), level);
        }
        out_ids[n++] = cell_parent(cell_from_face_ij_same(face, i - size, j + k, is_same_face && i - size >= 0), level);
        out_ids[n++] = cell_parent(cell_from_face_ij_same(face, i + size, j + k, is_same_face && i + size < S2_MAX_SIZE), level);
        if (k >= size)
            break;
    }
    return n;
}

ROW(f_point_to_s2cell)
{
    double lng, lat;
    int64_t level = 11;
    *out = xv_str((msoc_str){"", 0});
    if (n_args > 2) {
        if (a[2].is_null)
            return;
        level = msoc_exec__convert(q, a[2], MSOC_TYPE_LONG).i;
    }
    if (!msoc_geo__real(q, a[0], &lng) || !msoc_geo__real(q, a[1], &lat) || !msoc_geo__valid(lng, lat) ||
        level < 0 || level > S2_MAX_LEVEL)
        return;
    char buf[20];
    size_t n = msoc_geo__s2_token(cell_from_latlng(lng, lat, (int)level), buf);
    *out = xv_str(msoc_exec__strdup(q, buf, n));
}

ROW(f_s2cell_to_central_point)
{
    (void)n_args;
    uint64_t id;
    double lng, lat;
    if (!msoc_geo__s2_parse(a[0].s, &id))
        return;
    msoc_geo__s2_center(id, &lng, &lat);
    *out = xv_dyn(msoc_exec__own(q, msoc_geo__point_json(lng, lat)));
}

ROW(f_s2cell_to_polygon)
{
    (void)n_args;
    uint64_t id;
    double lng[4], lat[4];
    if (!msoc_geo__s2_parse(a[0].s, &id))
        return;
    msoc_geo__s2_vertices(id, lng, lat);
    json_t *ring = json_array();
    for (int k = 0; k <= 4; k++)
        json_array_append_new(ring, msoc_geo__coord_json(lng[k % 4], lat[k % 4]));
    json_t *rings = json_array();
    json_array_append_new(rings, ring);
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("Polygon"));
    json_object_set_new(o, "coordinates", rings);
    *out = xv_dyn(msoc_exec__own(q, o));
}

ROW(f_s2cell_neighbors)
{
    (void)n_args;
    uint64_t id, nb[8];
    if (!msoc_geo__s2_parse(a[0].s, &id))
        return;
    size_t n = msoc_geo__s2_neighbors(id, nb);
    json_t *arr = msoc_exec__own(q, json_array());
    if (arr == NULL)
        return;
    char buf[20];
    for (size_t k = 0; k < n; k++) {
        msoc_geo__s2_token(nb[k], buf);
        bool is_dup = nb[k] == id;
        for (size_t e = 0; e < k && !is_dup; e++)
            is_dup = nb[e] == nb[k];
        if (!is_dup)
            json_array_append_new(arr, json_string(buf));
    }
    *out = xv_dyn(arr);
}

void msoc_exec__fn_register_geo_s2(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, true}
    REG(GEO_S2CELL_TO_CENTRAL_POINT, f_s2cell_to_central_point);
    REG(GEO_S2CELL_TO_POLYGON, f_s2cell_to_polygon);
    REG(GEO_S2CELL_NEIGHBORS, f_s2cell_neighbors);
#undef REG
    t[MSOC_PLAN_FN_GEO_POINT_TO_S2CELL] = (xfn_impl){f_point_to_s2cell, NULL, false};
}
