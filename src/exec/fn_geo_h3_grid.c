/* H3 grid geometry (h3geo.org "Overview" and "Indexing"): a regular icosahedron in
 * Fuller's Dymaxion orientation, one gnomonic projection per face, hexagonal IJK
 * lattices of aperture 7 (odd resolutions rotated counter-clockwise by asin(sqrt(3/28)),
 * "class III"), and 122 resolution-0 base cells of which the 12 on the vertices are
 * pentagons.
 *
 * Everything is computed once (pthread_once) from two defining constants, the
 * positions of two adjacent icosahedron vertices (the centres of the pentagon base cells
 * 4 and 24), and the standard's numbering rules:
 *   - vertices: N (the one at 64.7 N), then the ring of 5 around it eastward starting at
 *     the second constant, the antipodal ring and S;
 *   - faces 0-4 around N, 5-9 and 10-14 the two middle bands, 15-19 around S, each
 *     group eastward so that faces f, f+5, f+10, f+15 form a connected strip; a face's
 *     I axis points at its vertex that is alone in its band (N, S, or the band tip);
 *   - the gnomonic unit of resolution 0 is half the tangent of the centre-to-vertex
 *     angle (a vertex is at IJK (2,0,0));
 *   - base cells are the resolution-0 lattice points of all faces, numbered by
 *     decreasing latitude;
 *   - a base cell on an edge belongs ("home face") to the polar-cap face when it joins a
 *     cap and a band, otherwise to the face further east; its digits are read in its
 *     home face's frame, and a cell reached from another face's frame is rotated by the
 *     60-degree turn between the two frames (measured, not tabulated).
 *   - a pentagon base cell's home face has the vertex on its I axis (at the poles, face
 *     0 and face 19); the five faces around it see its five children (K is missing)
 *     in counter-clockwise order, which fixes each face's turns and whether a leading
 *     K digit turns clockwise or counter-clockwise out of the gap.
 * The derivation is checked at init (122 distinct base cells, 12 pentagons, every
 * edge unfolding a lattice isometry, every pentagon face resolvable); if a check
 * fails the grid reports itself unready and the H3 geometry functions refuse. In a
 * pentagon base cell, a cell's leading digit names the face its sector faces, so its
 * centre and lattice walks are read in that face's frame; the pentagon cells
 * themselves and the boundaries of pentagon base cells are not built (callers refuse
 * them by name). */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "fn_geo.h"

#define H3_MAX_RES 15
#define N_FACES 20
#define N_BASE 122
#define SQRT3_2 0.86602540378443864676
#define SQRT7 2.6457513110645905905

static const double PI = MSOC_GEO_PI;

/* The defining orientation: two adjacent vertices (lat, lng degrees) as the grid
 * places them (Fuller's 64.7 N 10.5362 E and 39.1 N 122.3 E to within 2e-7 degree). */
static const double VERT_N[2] = {64.70000012793487, 10.536199075467682};
static const double VERT_E[2] = {39.10000003397593, 122.30000040778702};

const h3_ijk MSOC_GEO_H3_UNIT[7] = {{0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 1},
                                    {1, 0, 0}, {1, 0, 1}, {1, 1, 0}};

/* ---- IJK lattice arithmetic ---- */

void msoc_geo__h3_ijk_normalize(h3_ijk *c)
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

h3_ijk msoc_geo__h3_ijk_add(h3_ijk a, h3_ijk b)
{
    h3_ijk c = {a.i + b.i, a.j + b.j, a.k + b.k};
    msoc_geo__h3_ijk_normalize(&c);
    return c;
}

h3_ijk msoc_geo__h3_ijk_sub(h3_ijk a, h3_ijk b)
{
    h3_ijk c = {a.i - b.i, a.j - b.j, a.k - b.k};
    msoc_geo__h3_ijk_normalize(&c);
    return c;
}

h3_ijk msoc_geo__h3_ijk_down(h3_ijk c, bool is_ccw)
{
    h3_ijk iv = is_ccw ? (h3_ijk){3, 0, 1} : (h3_ijk){3, 1, 0};
    h3_ijk jv = is_ccw ? (h3_ijk){1, 3, 0} : (h3_ijk){0, 3, 1};
    h3_ijk kv = is_ccw ? (h3_ijk){0, 1, 3} : (h3_ijk){1, 0, 3};
    h3_ijk r = {c.i * iv.i + c.j * jv.i + c.k * kv.i, c.i * iv.j + c.j * jv.j + c.k * kv.j,
                c.i * iv.k + c.j * jv.k + c.k * kv.k};
    msoc_geo__h3_ijk_normalize(&r);
    return r;
}

h3_ijk msoc_geo__h3_ijk_up(h3_ijk c, bool is_ccw)
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
    msoc_geo__h3_ijk_normalize(&r);
    return r;
}

int msoc_geo__h3_unit_digit(h3_ijk c)
{
    for (int d = 0; d < 7; d++)
        if (c.i == MSOC_GEO_H3_UNIT[d].i && c.j == MSOC_GEO_H3_UNIT[d].j && c.k == MSOC_GEO_H3_UNIT[d].k)
            return d;
    return -1;
}

/* Digits in counter-clockwise order around the centre: I, IJ, J, JK, K, IK. */
static const int CCW_ORDER[6] = {4, 6, 2, 3, 1, 5};

int msoc_geo__h3_rotate_digit(int d, int n_ccw)
{
    if (d <= 0 || d >= 7)
        return d;
    int pos = 0;
    while (CCW_ORDER[pos] != d)
        pos++;
    return CCW_ORDER[((pos + n_ccw) % 6 + 6) % 6];
}

/* ---- planar helpers ---- */

typedef struct v2 {
    double x, y;
} v2;

static v2 v2_rot(v2 p, double ang)
{
    double c = cos(ang), s = sin(ang);
    return (v2){p.x * c - p.y * s, p.x * s + p.y * c};
}

static v2 ijk_to_v2(h3_ijk c)
{
    double i = (double)(c.i - c.k), j = (double)(c.j - c.k);
    return (v2){i - 0.5 * j, j * SQRT3_2};
}

/* The lattice point nearest p: it is a corner of the 60/120-degree rhombus holding p. */
static h3_ijk v2_to_ijk(v2 p)
{
    double jf = p.y / SQRT3_2, if_ = p.x + 0.5 * jf;
    double i0 = floor(if_), j0 = floor(jf);
    h3_ijk best = {0, 0, 0};
    double best_d = INFINITY;
    for (int di = 0; di <= 1; di++)
        for (int dj = 0; dj <= 1; dj++) {
            double ci = i0 + di, cj = j0 + dj;
            double dx = p.x - (ci - 0.5 * cj), dy = p.y - cj * SQRT3_2;
            double d = dx * dx + dy * dy;
            if (d < best_d) {
                best_d = d;
                best = (h3_ijk){(int64_t)ci, (int64_t)cj, 0};
            }
        }
    msoc_geo__h3_ijk_normalize(&best);
    return best;
}

/* ---- spherical helpers (radians) ---- */

typedef struct ll {
    double lat, lng;
} ll;

static geo_xyz ll_xyz(ll p)
{
    double c = cos(p.lat);
    return (geo_xyz){cos(p.lng) * c, sin(p.lng) * c, sin(p.lat)};
}

static ll xyz_ll(geo_xyz p)
{
    return (ll){atan2(p.z, sqrt(p.x * p.x + p.y * p.y)), atan2(p.y, p.x)};
}

static double dot3(geo_xyz a, geo_xyz b)
{
    return a.x * b.x + a.y * b.y + a.z * b.z;
}

static geo_xyz cross3(geo_xyz a, geo_xyz b)
{
    return (geo_xyz){a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

static geo_xyz unit3(geo_xyz a)
{
    double n = sqrt(dot3(a, a));
    return (geo_xyz){a.x / n, a.y / n, a.z / n};
}

static double azimuth(ll a, ll b)
{
    double dl = b.lng - a.lng;
    return atan2(cos(b.lat) * sin(dl), cos(a.lat) * sin(b.lat) - sin(a.lat) * cos(b.lat) * cos(dl));
}

/* The point at angular distance d from a in direction az (clockwise from north). */
static ll destination(ll a, double az, double d)
{
    double s = sin(a.lat) * cos(d) + cos(a.lat) * sin(d) * cos(az);
    s = s > 1 ? 1 : s < -1 ? -1 : s;
    ll r = {asin(s), 0};
    double cl = cos(r.lat);
    if (cl < 1e-300)
        return (ll){r.lat, 0};
    double sl = sin(az) * sin(d) / cl;
    double co = (cos(d) - sin(a.lat) * s) / cos(a.lat) / cl;
    sl = sl > 1 ? 1 : sl < -1 ? -1 : sl;
    co = co > 1 ? 1 : co < -1 ? -1 : co;
    r.lng = a.lng + atan2(sl, co);
    while (r.lng > PI)
        r.lng -= 2 * PI;
    while (r.lng < -PI)
        r.lng += 2 * PI;
    return r;
}

/* Rotation of p about unit axis u by ang (right hand). */
static geo_xyz rotate_about(geo_xyz p, geo_xyz u, double ang)
{
    double c = cos(ang), s = sin(ang), d = dot3(u, p);
    geo_xyz x = cross3(u, p);
    return (geo_xyz){p.x * c + x.x * s + u.x * d * (1 - c), p.y * c + x.y * s + u.y * d * (1 - c),
                     p.z * c + x.z * s + u.z * d * (1 - c)};
}

/* ---- the grid tables ---- */

typedef struct face {
    geo_xyz c;
    ll cll;
    double az_i;   /* azimuth of the I axis at the centre */
    int vert[3];   /* vertex ids on the I, J, K axes */
    int neigh[3];  /* face across the edge opposite vertex K (IJ), I (JK), J (KI) */
    double rot[3]; /* that unfolding: p' = R(rot) p + shift, in resolution-0 units */
    v2 shift[3];
} face;

typedef struct base_cell {
    ll c;
    bool is_pent;
    int home;        /* home face */
    h3_ijk home_ijk; /* resolution-0 IJK on the home face */
} base_cell;

typedef struct fijk_entry {
    int8_t bc;
    int8_t rot;   /* counter-clockwise 60-degree turns from the face frame to the home frame
                   * (for a pentagon: turns that skip its missing K sub-sequence) */
    bool is_cw;   /* pentagon: a leading K digit turns clockwise out of the gap */
} fijk_entry;

static struct {
    bool is_ready;
    geo_xyz vert[12];
    face f[N_FACES];
    double u0; /* gnomonic length of the resolution-0 unit */
    double ap7;
    base_cell bc[N_BASE];
    fijk_entry fijk[N_FACES][3][3][3];
    /* pentagon base cells: for a leading digit, the face straight ahead, the vertex's
     * resolution-0 IJK on it and the turns from that face's frame to the digits */
    struct {
        int8_t face, turn;
        h3_ijk c;
    } psec[N_BASE][7];
} G;

static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* Face-plane position (resolution-0 units) to the sphere. */
static ll face_to_ll(int f, v2 p)
{
    double r = hypot(p.x, p.y);
    if (r < 1e-300)
        return G.f[f].cll;
    double theta = atan2(p.y, p.x);
    return destination(G.f[f].cll, G.f[f].az_i - theta, atan(r * G.u0));
}

/* The sphere to face f's plane, in the frame of resolution res (unit = cell spacing). */
static v2 ll_to_res(int f, ll p, geo_xyz x, int res)
{
    double d = msoc_geo__angle(G.f[f].c, x);
    if (d < 1e-300)
        return (v2){0, 0};
    double r = tan(d) / G.u0;
    for (int k = 0; k < res; k++)
        r *= SQRT7;
    double theta = G.f[f].az_i - azimuth(G.f[f].cll, p);
    if (res & 1)
        theta -= G.ap7;
    return (v2){r * cos(theta), r * sin(theta)};
}

/* Resolution-res frame to resolution-0 face units. */
static v2 res_to_face(v2 p, int res)
{
    double s = 1;
    for (int k = 0; k < res; k++)
        s *= SQRT7;
    v2 q = {p.x / s, p.y / s};
    return (res & 1) ? v2_rot(q, G.ap7) : q;
}

/* Which edge p lies beyond (0 IJ, 1 JK, 2 KI), or -1 inside the triangle or on it. */
static int face_overage(v2 p)
{
    double ang = atan2(p.y, p.x);
    if (ang < 0)
        ang += 2 * PI;
    int e;
    double nx, ny;
    if (ang <= 2 * PI / 3 + 1e-12) {
        e = 0, nx = 0.5, ny = SQRT3_2;
    } else if (ang < 4 * PI / 3 - 1e-12) {
        e = 1, nx = -1, ny = 0;
    } else {
        e = 2, nx = 0.5, ny = -SQRT3_2;
    }
    return p.x * nx + p.y * ny > 1 + 1e-9 ? e : -1;
}

/* Moves p (face units on *f) onto the face holding it; false when one unfolding is
 * not enough (near a vertex). */
static bool face_adjust(int *f, v2 *p)
{
    int e = face_overage(*p);
    if (e < 0)
        return true;
    const face *fc = &G.f[*f];
    v2 q = v2_rot(*p, fc->rot[e]);
    *p = (v2){q.x + fc->shift[e].x, q.y + fc->shift[e].y};
    *f = fc->neigh[e];
    return face_overage(*p) < 0;
}

static bool near(geo_xyz a, geo_xyz b)
{
    return dot3(a, b) > 1 - 1e-12;
}

static v2 axis(int role)
{
    return (v2){cos(role * 2 * PI / 3), sin(role * 2 * PI / 3)};
}

static bool build_faces(void)
{
    geo_xyz n = ll_xyz((ll){VERT_N[0] * PI / 180, VERT_N[1] * PI / 180});
    geo_xyz e = ll_xyz((ll){VERT_E[0] * PI / 180, VERT_E[1] * PI / 180});
    int ring1[5], ring2[5];
    G.vert[0] = n;
    G.vert[11] = (geo_xyz){-n.x, -n.y, -n.z};
    for (int k = 0; k < 5; k++) {
        geo_xyz v = rotate_about(e, n, 2 * PI * k / 5);
        G.vert[1 + k] = v;
        G.vert[6 + (k + 3) % 5] = (geo_xyz){-v.x, -v.y, -v.z};
        ring1[k] = 1 + k;
    }
    /* the lower-ring vertex between upper-ring vertices k-1 and k is the antipode of k+2 */
    for (int k = 0; k < 5; k++)
        ring2[k] = 6 + (k + 2 + 3) % 5;
    int tri[N_FACES][4]; /* three vertices, then the lone (I-axis) one */
    for (int k = 0; k < 5; k++) {
        int a = ring1[(k + 4) % 5], b = ring1[k], c = ring2[k], d = ring2[(k + 1) % 5];
        int t0[4] = {0, a, b, 0}, t1[4] = {c, a, b, c}, t2[4] = {b, c, d, b}, t3[4] = {11, c, d, 11};
        memcpy(tri[k], t0, sizeof t0);
        memcpy(tri[5 + k], t1, sizeof t1);
        memcpy(tri[10 + k], t2, sizeof t2);
        memcpy(tri[15 + k], t3, sizeof t3);
    }
    for (int f = 0; f < N_FACES; f++) {
        face *fc = &G.f[f];
        geo_xyz s = {0, 0, 0};
        for (int k = 0; k < 3; k++) {
            geo_xyz v = G.vert[tri[f][k]];
            if (k > 0 && dot3(v, G.vert[tri[f][0]]) < 0.4)
                return false; /* not a face */
            s = (geo_xyz){s.x + v.x, s.y + v.y, s.z + v.z};
        }
        fc->c = unit3(s);
        fc->cll = xyz_ll(fc->c);
        fc->az_i = azimuth(fc->cll, xyz_ll(G.vert[tri[f][3]]));
        fc->vert[0] = tri[f][3];
        for (int k = 0; k < 3; k++) {
            int v = tri[f][k];
            if (v == fc->vert[0])
                continue;
            double th = remainder(fc->az_i - azimuth(fc->cll, xyz_ll(G.vert[v])), 2 * PI);
            if (fabs(th - 2 * PI / 3) < 1e-9)
                fc->vert[1] = v;
            else if (fabs(th + 2 * PI / 3) < 1e-9)
                fc->vert[2] = v;
            else
                return false;
        }
    }
    G.u0 = tan(msoc_geo__angle(G.f[0].c, G.vert[G.f[0].vert[0]])) / 2;
    /* unfoldings: edge IJ (roles 0,1), JK (1,2), KI (2,0) */
    for (int f = 0; f < N_FACES; f++)
        for (int edge = 0; edge < 3; edge++) {
            int ra = edge, rb = (edge + 1) % 3;
            int va = G.f[f].vert[ra], vb = G.f[f].vert[rb];
            int g = -1, ga = -1, gb = -1;
            for (int h = 0; h < N_FACES && g < 0; h++) {
                if (h == f)
                    continue;
                int pa = -1, pb = -1;
                for (int k = 0; k < 3; k++) {
                    if (G.f[h].vert[k] == va)
                        pa = k;
                    if (G.f[h].vert[k] == vb)
                        pb = k;
                }
                if (pa >= 0 && pb >= 0)
                    g = h, ga = pa, gb = pb;
            }
            if (g < 0)
                return false;
            v2 fa = axis(ra), fb = axis(rb), qa = axis(ga), qb = axis(gb);
            fa = (v2){2 * fa.x, 2 * fa.y}, fb = (v2){2 * fb.x, 2 * fb.y};
            qa = (v2){2 * qa.x, 2 * qa.y}, qb = (v2){2 * qb.x, 2 * qb.y};
            double rot = atan2(qb.y - qa.y, qb.x - qa.x) - atan2(fb.y - fa.y, fb.x - fa.x);
            v2 ra2 = v2_rot(fa, rot), rb2 = v2_rot(fb, rot);
            v2 sh = {qa.x - ra2.x, qa.y - ra2.y};
            if (fabs(rb2.x + sh.x - qb.x) > 1e-9 || fabs(rb2.y + sh.y - qb.y) > 1e-9)
                return false;
            G.f[f].neigh[edge] = g;
            G.f[f].rot[edge] = rot;
            G.f[f].shift[edge] = sh;
        }
    return true;
}

static bool is_cap(int f)
{
    return f < 5 || f >= 15;
}

/* Resolution-0 lattice points inside a face triangle (i + j + k <= 2). */
static const h3_ijk TRI_PTS[10] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0},
                                   {0, 1, 1}, {1, 0, 1}, {2, 0, 0}, {0, 2, 0}, {0, 0, 2}};

static ll res0_ll(int f, h3_ijk c)
{
    return face_to_ll(f, ijk_to_v2(c));
}

static bool build_base_cells(void)
{
    struct {
        geo_xyz p;
        int n_faces;
        int faces[5];
        h3_ijk ijk[5];
    } u[N_BASE + 1];
    int n_u = 0;
    for (int f = 0; f < N_FACES; f++)
        for (int t = 0; t < 10; t++) {
            geo_xyz p = ll_xyz(res0_ll(f, TRI_PTS[t]));
            int idx = -1;
            for (int k = 0; k < n_u && idx < 0; k++)
                if (near(u[k].p, p))
                    idx = k;
            if (idx < 0) {
                if (n_u == N_BASE)
                    return false;
                idx = n_u++;
                u[idx].p = p;
                u[idx].n_faces = 0;
            }
            if (u[idx].n_faces == 5)
                return false;
            u[idx].faces[u[idx].n_faces] = f;
            u[idx].ijk[u[idx].n_faces++] = TRI_PTS[t];
        }
    if (n_u != N_BASE)
        return false;
    /* number by decreasing latitude (z) */
    int order[N_BASE];
    for (int k = 0; k < N_BASE; k++)
        order[k] = k;
    for (int a = 1; a < N_BASE; a++)
        for (int b = a; b > 0 && u[order[b]].p.z > u[order[b - 1]].p.z; b--) {
            int t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    int n_pent = 0;
    for (int bc = 0; bc < N_BASE; bc++) {
        int k = order[bc];
        base_cell *b = &G.bc[bc];
        b->c = xyz_ll(u[k].p);
        b->is_pent = u[k].n_faces == 5;
        n_pent += b->is_pent;
        int h = 0;
        if (u[k].n_faces == 2) {
            int f0 = u[k].faces[0], f1 = u[k].faces[1];
            if (is_cap(f0) != is_cap(f1))
                h = is_cap(f0) ? 0 : 1;
            else /* the face further east about the N axis */
                h = dot3(G.vert[0], cross3(G.f[f0].c, G.f[f1].c)) > 0 ? 1 : 0;
        } else if (u[k].n_faces != 1 && u[k].n_faces != 5) {
            return false;
        }
        b->home = u[k].faces[h];
        b->home_ijk = u[k].ijk[h];
    }
    return n_pent == 12;
}

/* Position (face units) of a child of a resolution-0 lattice point c of face f. */
static v2 child_pos(h3_ijk c, int digit)
{
    h3_ijk ch = msoc_geo__h3_ijk_add(msoc_geo__h3_ijk_down(c, true), MSOC_GEO_H3_UNIT[digit]);
    return res_to_face(ijk_to_v2(ch), 1);
}

static bool pos_ll(int f, v2 p, ll *out)
{
    if (!face_adjust(&f, &p))
        return false;
    *out = face_to_ll(f, p);
    return true;
}


/* One turn of a pentagon cell's digits (H3's rule): all digits counter-clockwise, and
 * once more whenever the leading non-zero digit would be K, which does not exist. */
static void pent_turn(int *d, int res)
{
    bool is_found = false;
    for (int r = 1; r <= res; r++) {
        d[r] = msoc_geo__h3_rotate_digit(d[r], 1);
        if (!is_found && d[r] != 0) {
            is_found = true;
            if (d[r] == 1)
                for (int t = 1; t <= res; t++)
                    d[t] = msoc_geo__h3_rotate_digit(d[t], 1);
        }
    }
}

/* The pentagon base cell on a vertex, seen from face f where the vertex is at
 * resolution-0 IJK c (one of (2,0,0), (0,2,0), (0,0,2)). The five faces around the
 * vertex, counter-clockwise from the home face, each see one child straight into
 * their interior (JK, IK or IJ in their own frame); in the home frame those children
 * are JK, IK, I, IJ, J (counter-clockwise, K missing). rot maps the face's interior
 * digit onto its child; a face-frame K digit straddles the edge towards the
 * neighbouring face on K's side, and is_cw says which single turn reaches that child. */
static bool pent_entry(int f, h3_ijk c, fijk_entry *ent)
{
    static const int SEQ[5] = {3, 5, 4, 6, 2};
    int role = c.i == 2 ? 0 : c.j == 2 ? 1 : 2;
    int v = G.f[f].vert[role];
    geo_xyz vx = G.vert[v];
    /* home face: the vertex on its I axis; at the poles (all five) face 0 and face 19 */
    int home = -1;
    for (int g = 0; g < N_FACES; g++)
        if (G.f[g].vert[0] == v && (home < 0 || v == 11))
            home = g;
    if (home < 0)
        return false;
    /* counter-clockwise position of f around the vertex, from the home face */
    geo_xyz ref = G.f[home].c;
    double ang_f = atan2(dot3(vx, cross3(ref, G.f[f].c)), dot3(ref, G.f[f].c) - dot3(ref, vx) * dot3(G.f[f].c, vx));
    if (ang_f < -1e-9)
        ang_f += 2 * PI;
    int pos = (int)lround(ang_f / (2 * PI / 5));
    if (fabs(ang_f - pos * 2 * PI / 5) > 1e-6 || pos < 0 || pos > 4)
        return false;
    pos %= 5;
    int interior = role == 0 ? 3 : role == 1 ? 5 : 6;
    int d[2];
    int rot = 0;
    for (;; rot++) {
        if (rot == 5)
            return false;
        d[1] = interior;
        for (int t = 0; t < rot; t++)
            pent_turn(d, 1);
        if (d[1] == SEQ[pos])
            break;
    }
    ent->rot = (int8_t)rot;
    ent->is_cw = false;
    int pos_d = 0, pos_l = 0;
    while (CCW_ORDER[pos_d] != interior)
        pos_d++;
    while (CCW_ORDER[pos_l] != SEQ[pos])
        pos_l++;
    G.psec[ent->bc][SEQ[pos]].face = (int8_t)f;
    G.psec[ent->bc][SEQ[pos]].c = c;
    G.psec[ent->bc][SEQ[pos]].turn = (int8_t)((pos_l - pos_d + 6) % 6);
    if (role == 2)
        return true; /* K points out of this face: a leading K never comes from it */
    int target = SEQ[role == 0 ? (pos + 1) % 5 : (pos + 4) % 5];
    bool hits[2];
    for (int is_cw = 0; is_cw <= 1; is_cw++) {
        d[1] = msoc_geo__h3_rotate_digit(1, is_cw ? -1 : 1);
        for (int t = 0; t < rot; t++)
            pent_turn(d, 1);
        hits[is_cw] = d[1] == target;
    }
    if (hits[0] == hits[1])
        return false;
    ent->is_cw = hits[1];
    return true;
}

static bool build_fijk(void)
{
    for (int f = 0; f < N_FACES; f++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++) {
                    fijk_entry *ent = &G.fijk[f][i][j][k];
                    ent->bc = -1;
                    ent->rot = 0;
                    if (i != 0 && j != 0 && k != 0)
                        continue;
                    h3_ijk c = {i, j, k};
                    ll p;
                    if (!pos_ll(f, ijk_to_v2(c), &p))
                        return false;
                    geo_xyz px = ll_xyz(p);
                    int bc = -1;
                    for (int b = 0; b < N_BASE && bc < 0; b++)
                        if (dot3(ll_xyz(G.bc[b].c), px) > 1 - 1e-9)
                            bc = b;
                    if (bc < 0)
                        return false;
                    ent->bc = (int8_t)bc;
                    if (G.bc[bc].is_pent) {
                        if (!pent_entry(f, c, ent))
                            return false;
                        continue;
                    }
                    /* where this frame's I child lands among the home frame's children */
                    ll q;
                    if (!pos_ll(f, child_pos(c, 4), &q))
                        return false;
                    geo_xyz qx = ll_xyz(q);
                    int best = -1;
                    double best_dot = -2;
                    for (int d = 1; d < 7; d++) {
                        ll hd;
                        if (!pos_ll(G.bc[bc].home, child_pos(G.bc[bc].home_ijk, d), &hd))
                            return false;
                        double dd = dot3(ll_xyz(hd), qx);
                        if (dd > best_dot)
                            best_dot = dd, best = d;
                    }
                    int rot = 0;
                    while (msoc_geo__h3_rotate_digit(4, rot) != best)
                        rot++;
                    ent->rot = (int8_t)rot;
                }
    return true;
}

static void build(void)
{
    memset(&G, 0, sizeof G);
    G.ap7 = asin(sqrt(3.0 / 28.0));
    G.is_ready = build_faces() && build_base_cells() && build_fijk();
}

bool msoc_geo__h3_grid_ready(void)
{
    pthread_once(&g_once, build);
    return G.is_ready;
}

bool msoc_geo__h3_base_is_pentagon(int bc)
{
    return msoc_geo__h3_grid_ready() && bc >= 0 && bc < N_BASE && G.bc[bc].is_pent;
}

/* ---- cells ---- */

static int cell_res(uint64_t h)
{
    return (int)((h >> 52) & 0xf);
}

static int cell_bc(uint64_t h)
{
    return (int)((h >> 45) & 0x7f);
}

static int cell_digit(uint64_t h, int r)
{
    return (int)((h >> ((H3_MAX_RES - r) * 3)) & 7);
}

msoc_geo_h3_status msoc_geo__h3_from_ll(double lng, double lat, int res, uint64_t *out)
{
    if (!msoc_geo__h3_grid_ready())
        return MSOC_GEO_H3_UNSUPPORTED;
    ll p = {lat * PI / 180, lng * PI / 180};
    geo_xyz x = ll_xyz(p);
    int f = 0;
    double best = -2;
    for (int k = 0; k < N_FACES; k++) {
        double d = dot3(G.f[k].c, x);
        if (d > best)
            best = d, f = k;
    }
    h3_ijk c = v2_to_ijk(ll_to_res(f, p, x, res));
    int digits[H3_MAX_RES + 1];
    for (int r = res; r >= 1; r--) {
        bool is_ccw = r & 1;
        h3_ijk up = msoc_geo__h3_ijk_up(c, is_ccw);
        digits[r] = msoc_geo__h3_unit_digit(msoc_geo__h3_ijk_sub(c, msoc_geo__h3_ijk_down(up, is_ccw)));
        if (digits[r] < 0)
            return MSOC_GEO_H3_UNSUPPORTED;
        c = up;
    }
    if (c.i > 2 || c.j > 2 || c.k > 2)
        return MSOC_GEO_H3_UNSUPPORTED;
    fijk_entry ent = G.fijk[f][c.i][c.j][c.k];
    if (ent.bc < 0)
        return MSOC_GEO_H3_UNSUPPORTED;
    if (G.bc[ent.bc].is_pent) {
        int lead = 0;
        for (int r = 1; r <= res && lead == 0; r++)
            lead = digits[r];
        if (lead == 1)
            for (int r = 1; r <= res; r++)
                digits[r] = msoc_geo__h3_rotate_digit(digits[r], ent.is_cw ? -1 : 1);
        for (int t = 0; t < ent.rot; t++)
            pent_turn(digits, res);
    } else {
        for (int r = 1; r <= res; r++)
            digits[r] = msoc_geo__h3_rotate_digit(digits[r], ent.rot);
    }
    uint64_t h = ((uint64_t)1 << 59) | ((uint64_t)res << 52) | ((uint64_t)ent.bc << 45);
    for (int r = 1; r <= H3_MAX_RES; r++) {
        uint64_t d = r <= res ? (uint64_t)digits[r] : 7;
        h |= d << ((H3_MAX_RES - r) * 3);
    }
    *out = h;
    return MSOC_GEO_H3_OK;
}

bool msoc_geo__h3_home_pos(uint64_t h, h3_fpos *out)
{
    if (!msoc_geo__h3_grid_ready())
        return false;
    int bc = cell_bc(h), res = cell_res(h);
    if (bc >= N_BASE)
        return false;
    int fc = G.bc[bc].home, turn = 0;
    h3_ijk c = G.bc[bc].home_ijk;
    if (G.bc[bc].is_pent) {
        int lead = 0;
        for (int r = 1; r <= res && lead == 0; r++)
            lead = cell_digit(h, r);
        if (lead < 2 || lead > 6)
            return false;
        fc = G.psec[bc][lead].face;
        c = G.psec[bc][lead].c;
        turn = G.psec[bc][lead].turn;
    }
    for (int r = 1; r <= res; r++) {
        int d = msoc_geo__h3_rotate_digit(cell_digit(h, r), -turn);
        c = msoc_geo__h3_ijk_add(msoc_geo__h3_ijk_down(c, r & 1), MSOC_GEO_H3_UNIT[d]);
    }
    *out = (h3_fpos){fc, res, c, turn};
    return true;
}

/* The centre of lattice point p in face units, moved onto the face that holds it. */
static bool fpos_face(h3_fpos p, int *f, v2 *at)
{
    *f = p.face;
    *at = res_to_face(ijk_to_v2(p.c), p.res);
    return face_adjust(f, at);
}

msoc_geo_h3_status msoc_geo__h3_fpos_cell(h3_fpos p, uint64_t *out)
{
    int f;
    v2 at;
    if (!fpos_face(p, &f, &at))
        return MSOC_GEO_H3_UNSUPPORTED;
    ll c = face_to_ll(f, at);
    return msoc_geo__h3_from_ll(c.lng * 180 / PI, c.lat * 180 / PI, p.res, out);
}

bool msoc_geo__h3_center(uint64_t h, double *lng, double *lat)
{
    h3_fpos p;
    int f;
    v2 at;
    if (!msoc_geo__h3_home_pos(h, &p) || !fpos_face(p, &f, &at))
        return false;
    ll c = face_to_ll(f, at);
    *lng = c.lng * 180 / PI;
    *lat = c.lat * 180 / PI;
    return true;
}

size_t msoc_geo__h3_boundary(uint64_t h, double lng[6], double lat[6])
{
    h3_fpos p;
    int f;
    v2 at;
    /* in pentagon base cells H3 starts even-resolution boundaries elsewhere: not built */
    if (!msoc_geo__h3_home_pos(h, &p) || G.bc[cell_bc(h)].is_pent || !fpos_face(p, &f, &at))
        return 0;
    /* vertices counter-clockwise from 30 degrees in the cell's resolution frame, on the
     * face holding the centre */
    double s = 1;
    for (int k = 0; k < p.res; k++)
        s *= SQRT7;
    double base = PI / 6 + ((p.res & 1) ? G.ap7 : 0);
    int first_face = -1;
    for (int v = 0; v < 6; v++) {
        double ang = base + v * PI / 3;
        v2 q = {at.x + cos(ang) / sqrt(3.0) / s, at.y + sin(ang) / sqrt(3.0) / s};
        int vf = f;
        if (!face_adjust(&vf, &q))
            return 0;
        if (v == 0)
            first_face = vf;
        else if (vf != first_face && (p.res & 1))
            return 0; /* a class III cell across an icosahedron edge gains extra vertices */
        ll c = face_to_ll(vf, q);
        lng[v] = c.lng * 180 / PI;
        lat[v] = c.lat * 180 / PI;
    }
    return 6;
}
