/* Functions over GeoJSON lines and polygons on Kusto's sphere: point in polygon,
 * distances and closest points, length/area/perimeter/centroid, densify, interpolate
 * and locate along a line, and intersection tests. Edges are geodesics (great-circle
 * arcs); a ring bounds the smaller of the two regions it splits the sphere into. */
#include <math.h>
#include <string.h>

#include "fn_geo.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)
#define R_EARTH MSOC_GEO_EARTH_RADIUS
#define GEO_MAX_DENSIFY_POINTS (1u << 20)

static geo_xyz v_sub(geo_xyz a, geo_xyz b) { return (geo_xyz){a.x - b.x, a.y - b.y, a.z - b.z}; }
static geo_xyz v_add(geo_xyz a, geo_xyz b) { return (geo_xyz){a.x + b.x, a.y + b.y, a.z + b.z}; }
static geo_xyz v_scale(geo_xyz a, double s) { return (geo_xyz){a.x * s, a.y * s, a.z * s}; }
static double v_dot(geo_xyz a, geo_xyz b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static geo_xyz v_cross(geo_xyz a, geo_xyz b)
{
    return (geo_xyz){a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
static double v_norm(geo_xyz a) { return sqrt(v_dot(a, a)); }
static geo_xyz v_unit(geo_xyz a)
{
    double n = v_norm(a);
    return n > 0 ? v_scale(a, 1 / n) : a;
}

static geo_xyz P(geo_pt p) { return msoc_geo__to_xyz(p.lng, p.lat); }

/* det(a, b, c) computed as det(a, b - a, c - a): accurate for nearby points. */
static double v_det(geo_xyz a, geo_xyz b, geo_xyz c)
{
    return v_dot(a, v_cross(v_sub(b, a), v_sub(c, a)));
}

/* ---- arguments ---- */

static bool get_shape(xq *q, xval v, geo_shape *s)
{
    if (v.is_null && !xtype_is_str(v.t))
        return false;
    json_t *j = v.t == MSOC_TYPE_DYNAMIC ? v.d : xtype_is_str(v.t) ? msoc_exec__parse_json(q, v.s) : NULL;
    return j != NULL && msoc_geo__shape_parse(q->arena, j, s);
}

static bool is_lines(const geo_shape *s)
{
    return s->kind == GEO_K_LINE || s->kind == GEO_K_MULTILINE;
}

static bool is_polys(const geo_shape *s)
{
    return s->kind == GEO_K_POLYGON || s->kind == GEO_K_MULTIPOLYGON;
}

static bool get_point(xq *q, const xval *a, geo_pt *p)
{
    return msoc_geo__real(q, a[0], &p->lng) && msoc_geo__real(q, a[1], &p->lat) && msoc_geo__valid(p->lng, p->lat);
}

/* ---- output ---- */

/* The coordinate as it reads back from the unit vector (Kusto's spelling). */
static json_t *coord_xyz(geo_xyz p)
{
    double lng, lat;
    msoc_geo__from_xyz(p, &lng, &lat);
    return msoc_geo__coord_json(lng, lat);
}

static json_t *point_xyz(geo_xyz p)
{
    double lng, lat;
    msoc_geo__from_xyz(p, &lng, &lat);
    return msoc_geo__point_json(lng, lat);
}

static json_t *geometry(const char *type, json_t *coords)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(type));
    json_object_set_new(o, "coordinates", coords);
    return o;
}

/* ---- point to edge ---- */

/* The closest point to x on arc (a, b), and its angle from x. */
static double arc_closest(geo_xyz x, geo_xyz a, geo_xyz b, geo_xyz *closest)
{
    /* (b + a) x (b - a) == 2 (a x b), without the cancellation of a x b for nearby points */
    geo_xyz n = v_cross(v_add(b, a), v_sub(b, a));
    double nn = v_norm(n);
    if (nn > 0) {
        geo_xyz nu = v_scale(n, 1 / nn);
        if (v_dot(v_cross(nu, a), x) > 0 && v_dot(v_cross(b, nu), x) > 0) {
            geo_xyz proj = v_sub(x, v_scale(nu, v_dot(x, nu)));
            if (v_norm(proj) > 0) {
                *closest = v_unit(proj);
                return msoc_geo__angle(x, *closest);
            }
        }
    }
    double da = msoc_geo__angle(x, a), db = msoc_geo__angle(x, b);
    *closest = da <= db ? a : b;
    return da <= db ? da : db;
}

/* Closest point over every edge of the lines (or rings); returns the angle. */
static double lines_closest(geo_xyz x, const geo_line *lines, size_t n_lines, geo_xyz *best)
{
    double best_d = INFINITY;
    for (size_t l = 0; l < n_lines; l++) {
        const geo_line *ln = &lines[l];
        if (ln->n == 1) {
            double d = msoc_geo__angle(x, P(ln->p[0]));
            if (d < best_d) {
                best_d = d;
                *best = P(ln->p[0]);
            }
        }
        for (size_t k = 0; k + 1 < ln->n; k++) {
            geo_xyz c;
            double d = arc_closest(x, P(ln->p[k]), P(ln->p[k + 1]), &c);
            if (d < best_d) {
                best_d = d;
                *best = c;
            }
        }
    }
    return best_d;
}

/* ---- containment ---- */

/* Whether x is inside the ring's smaller region: a gnomonic projection about the
 * ring's mean vertex maps its geodesic edges to straight segments, then even-odd. */
static bool ring_contains(const geo_line *ring, geo_xyz x)
{
    geo_xyz c = {0, 0, 0};
    for (size_t k = 0; k + 1 < ring->n; k++)
        c = v_add(c, P(ring->p[k]));
    c = v_unit(c);
    if (v_dot(x, c) <= 0)
        return false;
    geo_xyz e1 = fabs(c.x) < 0.6 ? (geo_xyz){1, 0, 0} : (geo_xyz){0, 1, 0};
    e1 = v_unit(v_sub(e1, v_scale(c, v_dot(e1, c))));
    geo_xyz e2 = v_cross(c, e1);
    double dx = v_dot(x, c), px = v_dot(x, e1) / dx, py = v_dot(x, e2) / dx;
    bool is_in = false;
    geo_xyz prev = P(ring->p[0]);
    double pd = v_dot(prev, c);
    if (pd <= 0)
        return false;
    double x0 = v_dot(prev, e1) / pd, y0 = v_dot(prev, e2) / pd;
    for (size_t k = 1; k < ring->n; k++) {
        geo_xyz v = P(ring->p[k]);
        double d = v_dot(v, c);
        if (d <= 0)
            return false;
        double x1 = v_dot(v, e1) / d, y1 = v_dot(v, e2) / d;
        if ((y0 > py) != (y1 > py)) {
            double xi = x0 + (py - y0) * (x1 - x0) / (y1 - y0);
            if (px < xi)
                is_in = !is_in;
        }
        x0 = x1;
        y0 = y1;
    }
    return is_in;
}

static bool poly_contains(const geo_poly *poly, geo_xyz x)
{
    if (!ring_contains(&poly->rings[0], x))
        return false;
    for (size_t r = 1; r < poly->n_rings; r++)
        if (ring_contains(&poly->rings[r], x))
            return false;
    return true;
}

static bool shape_contains(const geo_shape *s, geo_xyz x)
{
    for (size_t k = 0; k < s->n_polys; k++)
        if (poly_contains(&s->polys[k], x))
            return true;
    return false;
}

bool msoc_geo__shape_contains(const geo_shape *s, geo_xyz x)
{
    return shape_contains(s, x);
}

double msoc_geo__lines_distance(const geo_shape *s, geo_xyz x)
{
    geo_xyz c;
    return lines_closest(x, s->lines, s->n_lines, &c) * R_EARTH;
}

ROW(f_point_in_polygon)
{
    (void)n_args;
    geo_pt p;
    geo_shape s;
    if (!get_point(q, a, &p) || !get_shape(q, a[2], &s) || !is_polys(&s))
        return;
    *out = xv_bool(shape_contains(&s, P(p)));
}

ROW(f_distance_point_to_line)
{
    (void)n_args;
    geo_pt p;
    geo_shape s;
    geo_xyz c;
    if (!get_point(q, a, &p) || !get_shape(q, a[2], &s) || !is_lines(&s))
        return;
    *out = xv_real(lines_closest(P(p), s.lines, s.n_lines, &c) * R_EARTH);
}

static double poly_closest(const geo_shape *s, geo_xyz x, geo_xyz *best)
{
    if (shape_contains(s, x)) {
        *best = x;
        return 0;
    }
    double d = INFINITY;
    for (size_t k = 0; k < s->n_polys; k++) {
        geo_xyz c;
        double dk = lines_closest(x, s->polys[k].rings, s->polys[k].n_rings, &c);
        if (dk < d) {
            d = dk;
            *best = c;
        }
    }
    return d;
}

ROW(f_distance_point_to_polygon)
{
    (void)n_args;
    geo_pt p;
    geo_shape s;
    geo_xyz c;
    if (!get_point(q, a, &p) || !get_shape(q, a[2], &s) || !is_polys(&s))
        return;
    *out = xv_real(poly_closest(&s, P(p), &c) * R_EARTH);
}

ROW(f_closest_point_on_line)
{
    (void)n_args;
    geo_pt p;
    geo_shape s;
    geo_xyz c;
    if (!get_point(q, a, &p) || !get_shape(q, a[2], &s) || !is_lines(&s))
        return;
    lines_closest(P(p), s.lines, s.n_lines, &c);
    *out = xv_dyn(msoc_exec__own(q, point_xyz(c)));
}

ROW(f_closest_point_on_polygon)
{
    (void)n_args;
    geo_pt p;
    geo_shape s;
    geo_xyz c;
    if (!get_point(q, a, &p) || !get_shape(q, a[2], &s) || !is_polys(&s))
        return;
    poly_closest(&s, P(p), &c);
    *out = xv_dyn(msoc_exec__own(q, point_xyz(c)));
}

/* ---- measures ---- */

static double line_angle(const geo_line *ln)
{
    double sum = 0;
    for (size_t k = 0; k + 1 < ln->n; k++)
        sum += msoc_geo__angle(P(ln->p[k]), P(ln->p[k + 1]));
    return sum;
}

ROW(f_line_length)
{
    (void)n_args;
    geo_shape s;
    if (!get_shape(q, a[0], &s) || !is_lines(&s))
        return;
    double sum = 0;
    for (size_t l = 0; l < s.n_lines; l++)
        sum += line_angle(&s.lines[l]);
    *out = xv_real(sum * R_EARTH);
}

/* Signed area of the spherical triangle (a, b, c) (Oosterom-Strackee). */
static double tri_area(geo_xyz a, geo_xyz b, geo_xyz c)
{
    double det = v_det(a, b, c);
    double den = 1 + v_dot(a, b) + v_dot(b, c) + v_dot(c, a);
    return 2 * atan2(det, den);
}

/* Centroid of the triangle's surface, scaled by its area (S2's "true centroid"). */
static geo_xyz tri_centroid(geo_xyz a, geo_xyz b, geo_xyz c)
{
    double aa = msoc_geo__angle(b, c), ab = msoc_geo__angle(c, a), ac = msoc_geo__angle(a, b);
    double ra = aa == 0 ? 1 : aa / sin(aa), rb = ab == 0 ? 1 : ab / sin(ab), rc = ac == 0 ? 1 : ac / sin(ac);
    geo_xyz x = {a.x, b.x - a.x, c.x - a.x}, y = {a.y, b.y - a.y, c.y - a.y}, z = {a.z, b.z - a.z, c.z - a.z};
    geo_xyz r = {ra, rb - ra, rc - ra};
    return v_scale((geo_xyz){v_dot(v_cross(y, z), r), v_dot(v_cross(z, x), r), v_dot(v_cross(r, x), y)}, 0.5);
}

/* Area (steradians) of the ring's smaller region, and its area-weighted centroid. */
static double ring_area(const geo_line *ring, geo_xyz *centroid)
{
    geo_xyz o = P(ring->p[0]);
    double sum = 0;
    geo_xyz cen = {0, 0, 0};
    for (size_t k = 1; k + 2 < ring->n; k++) {
        geo_xyz b = P(ring->p[k]), c = P(ring->p[k + 1]);
        sum += tri_area(o, b, c);
        cen = v_add(cen, tri_centroid(o, b, c));
    }
    if (sum < 0) {
        sum = -sum;
        cen = v_scale(cen, -1);
    }
    if (sum > 2 * MSOC_GEO_PI) {
        sum = 4 * MSOC_GEO_PI - sum;
        cen = v_scale(cen, -1);
    }
    if (centroid)
        *centroid = cen;
    return sum;
}

static double poly_area(const geo_poly *p, geo_xyz *centroid)
{
    geo_xyz c;
    double area = ring_area(&p->rings[0], &c);
    for (size_t r = 1; r < p->n_rings; r++) {
        geo_xyz hc;
        area -= ring_area(&p->rings[r], &hc);
        c = v_sub(c, hc);
    }
    *centroid = c;
    return area;
}

static double ring_signed_area(const geo_line *ring);
static bool arcs_intersect(geo_xyz a, geo_xyz b, geo_xyz c, geo_xyz d);

/* The point where arcs (a, b) and (c, d) cross (they are known to cross). */
static geo_xyz arcs_crossing(geo_xyz a, geo_xyz b, geo_xyz c, geo_xyz d)
{
    geo_xyz n1 = v_cross(v_add(b, a), v_sub(b, a)), n2 = v_cross(v_add(d, c), v_sub(d, c));
    geo_xyz x = v_unit(v_cross(n1, n2));
    if (v_dot(x, v_add(v_add(a, b), v_add(c, d))) < 0)
        x = v_scale(x, -1);
    return x;
}

typedef struct edge_cut {
    double t; /* angle from the edge's start */
    geo_xyz p;
} edge_cut;

static int cut_cmp(const void *x, const void *y)
{
    double a = ((const edge_cut *)x)->t, b = ((const edge_cut *)y)->t;
    return (a > b) - (a < b);
}

/* Area (steradians) and perimeter (radians) of the union of a multipolygon's
 * polygons: each ring edge (shells counter-clockwise, holes clockwise) is cut where
 * other polygons' edges cross it; the pieces outside every other polygon form the
 * union's boundary, whose length is the perimeter and whose signed fan area from a
 * common point is the area. False on budget exhaustion. */
static bool union_measure(xq *q, const geo_shape *s, double *area, double *perim)
{
    *area = 0;
    *perim = 0;
    if (s->n_polys == 1) {
        geo_xyz c;
        *area = poly_area(&s->polys[0], &c);
        for (size_t r = 0; r < s->polys[0].n_rings; r++)
            *perim += line_angle(&s->polys[0].rings[r]);
        return true;
    }
    size_t n_edges = 0;
    geo_xyz o = {0, 0, 0};
    for (size_t k = 0; k < s->n_polys; k++)
        for (size_t r = 0; r < s->polys[k].n_rings; r++) {
            n_edges += s->polys[k].rings[r].n - 1;
            for (size_t v = 0; v + 1 < s->polys[k].rings[r].n; v++)
                o = v_add(o, P(s->polys[k].rings[r].p[v]));
        }
    if ((double)n_edges * (double)n_edges > 4e8) {
        msoc_fail(q->err, MSOC_LIMIT, "multipolygon of %zu edges is too large to merge", n_edges);
        return false;
    }
    o = v_unit(o);
    edge_cut *cuts = msoc_exec__alloc(q, (n_edges + 2) * sizeof *cuts);
    if (cuts == NULL)
        return false;
    for (size_t i = 0; i < s->n_polys; i++)
        for (size_t r = 0; r < s->polys[i].n_rings; r++) {
            const geo_line *ring = &s->polys[i].rings[r];
            bool is_reversed = (ring_signed_area(ring) > 0) != (r == 0);
            for (size_t v = 0; v + 1 < ring->n; v++) {
                geo_xyz a = P(ring->p[v]), b = P(ring->p[v + 1]);
                if (is_reversed) {
                    geo_xyz t = a;
                    a = b;
                    b = t;
                }
                size_t n_cuts = 0;
                cuts[n_cuts++] = (edge_cut){0, a};
                for (size_t j = 0; j < s->n_polys; j++) {
                    if (j == i)
                        continue;
                    for (size_t rr = 0; rr < s->polys[j].n_rings; rr++) {
                        const geo_line *other = &s->polys[j].rings[rr];
                        for (size_t w = 0; w + 1 < other->n; w++) {
                            geo_xyz c = P(other->p[w]), d = P(other->p[w + 1]);
                            if (!arcs_intersect(a, b, c, d) || n_cuts > n_edges)
                                continue;
                            geo_xyz x = arcs_crossing(a, b, c, d);
                            cuts[n_cuts++] = (edge_cut){msoc_geo__angle(a, x), x};
                        }
                    }
                }
                qsort(cuts + 1, n_cuts - 1, sizeof *cuts, cut_cmp);
                cuts[n_cuts++] = (edge_cut){msoc_geo__angle(a, b), b};
                for (size_t c = 0; c + 1 < n_cuts; c++) {
                    geo_xyz p0 = cuts[c].p, p1 = cuts[c + 1].p;
                    double len = msoc_geo__angle(p0, p1);
                    if (len == 0)
                        continue;
                    geo_xyz mid = v_unit(v_add(p0, p1));
                    bool is_inside = false;
                    for (size_t j = 0; j < s->n_polys && !is_inside; j++)
                        is_inside = j != i && poly_contains(&s->polys[j], mid);
                    if (is_inside)
                        continue;
                    *perim += len;
                    *area += tri_area(o, p0, p1);
                }
            }
        }
    if (*area < 0)
        *area += 4 * MSOC_GEO_PI;
    return true;
}

ROW(f_polygon_area)
{
    (void)n_args;
    geo_shape s;
    double area, perim;
    if (!get_shape(q, a[0], &s) || !is_polys(&s) || !union_measure(q, &s, &area, &perim))
        return;
    *out = xv_real(area * R_EARTH * R_EARTH);
}

ROW(f_polygon_perimeter)
{
    (void)n_args;
    geo_shape s;
    double area, perim;
    if (!get_shape(q, a[0], &s) || !is_polys(&s) || !union_measure(q, &s, &area, &perim))
        return;
    *out = xv_real(perim * R_EARTH);
}

ROW(f_polygon_centroid)
{
    (void)n_args;
    geo_shape s;
    if (!get_shape(q, a[0], &s) || !is_polys(&s))
        return;
    geo_xyz sum = {0, 0, 0};
    for (size_t k = 0; k < s.n_polys; k++) {
        geo_xyz c;
        poly_area(&s.polys[k], &c);
        sum = v_add(sum, c);
    }
    if (v_norm(sum) == 0)
        return;
    *out = xv_dyn(msoc_exec__own(q, point_xyz(v_unit(sum))));
}

ROW(f_line_centroid)
{
    (void)n_args;
    geo_shape s;
    if (!get_shape(q, a[0], &s) || !is_lines(&s))
        return;
    geo_xyz sum = {0, 0, 0};
    for (size_t l = 0; l < s.n_lines; l++)
        for (size_t k = 0; k + 1 < s.lines[l].n; k++) {
            geo_xyz pa = P(s.lines[l].p[k]), pb = P(s.lines[l].p[k + 1]);
            geo_xyz vd = v_sub(pa, pb), vs = v_add(pa, pb);
            double cos2 = v_dot(vs, vs);
            if (cos2 > 0)
                sum = v_add(sum, v_scale(vs, sqrt(v_dot(vd, vd) / cos2)));
        }
    if (v_norm(sum) == 0)
        return;
    *out = xv_dyn(msoc_exec__own(q, point_xyz(v_unit(sum))));
}

/* ---- densify ---- */

typedef struct densify {
    double tol_rad;
    json_t *arr;
    size_t n;
    bool is_over;
} densify;

/* Appends the points after a up to b: the planar edge is halved until each piece's
 * planar midpoint lies within the tolerance of its geodesic. */
static void densify_edge(densify *d, geo_pt a, geo_pt b, int depth)
{
    geo_pt m = {(a.lng + b.lng) / 2, (a.lat + b.lat) / 2};
    geo_xyz c;
    if (depth < 40 && arc_closest(P(m), P(a), P(b), &c) > d->tol_rad) {
        densify_edge(d, a, m, depth + 1);
        densify_edge(d, m, b, depth + 1);
        return;
    }
    if (++d->n > GEO_MAX_DENSIFY_POINTS) {
        d->is_over = true;
        return;
    }
    json_array_append_new(d->arr, coord_xyz(P(b)));
}

static json_t *densify_line(densify *d, const geo_line *ln)
{
    d->arr = json_array();
    json_array_append_new(d->arr, coord_xyz(P(ln->p[0])));
    for (size_t k = 0; k + 1 < ln->n && !d->is_over; k++)
        densify_edge(d, ln->p[k], ln->p[k + 1], 0);
    return d->arr;
}

static bool densify_tolerance(xq *q, const xval *a, size_t n_args, densify *d)
{
    double tol = 10;
    if (n_args > 1 && !a[1].is_null && !msoc_geo__real(q, a[1], &tol))
        return false;
    if (!(tol >= 0.1 && tol <= 10000))
        return false;
    d->tol_rad = tol / R_EARTH;
    d->n = 0;
    d->is_over = false;
    return true;
}

ROW(f_line_densify)
{
    geo_shape s;
    densify d;
    if (!get_shape(q, a[0], &s) || !is_lines(&s) || !densify_tolerance(q, a, n_args, &d))
        return;
    json_t *res;
    if (s.kind == GEO_K_LINE) {
        res = geometry("LineString", densify_line(&d, &s.lines[0]));
    } else {
        json_t *lines = json_array();
        for (size_t l = 0; l < s.n_lines; l++)
            json_array_append_new(lines, densify_line(&d, &s.lines[l]));
        res = geometry("MultiLineString", lines);
    }
    msoc_exec__own(q, res);
    if (d.is_over)
        return;
    *out = xv_dyn(res);
}

/* Signed area of the ring by a fan from its first vertex (positive: counter-clockwise). */
static double ring_signed_area(const geo_line *ring)
{
    geo_xyz o = P(ring->p[0]);
    double sum = 0;
    for (size_t k = 1; k + 2 < ring->n; k++)
        sum += tri_area(o, P(ring->p[k]), P(ring->p[k + 1]));
    return sum;
}

/* Densified rings, oriented as Kusto writes them: the shell counter-clockwise, holes
 * clockwise (a ring given the other way round is reversed). */
static json_t *densify_poly(xq *q, densify *d, const geo_poly *p)
{
    json_t *rings = json_array();
    for (size_t r = 0; r < p->n_rings; r++) {
        geo_line ring = p->rings[r];
        bool is_ccw = ring_signed_area(&ring) > 0;
        if (is_ccw != (r == 0)) {
            geo_pt *rev = msoc_exec__alloc(q, ring.n * sizeof *rev);
            if (rev == NULL)
                break;
            /* reverse the open vertex list, then close it again (as S2 inverts a loop) */
            for (size_t k = 0; k + 1 < ring.n; k++)
                rev[k] = ring.p[ring.n - 2 - k];
            rev[ring.n - 1] = rev[0];
            ring.p = rev;
        }
        json_array_append_new(rings, densify_line(d, &ring));
    }
    return rings;
}

ROW(f_polygon_densify)
{
    geo_shape s;
    densify d;
    if (!get_shape(q, a[0], &s) || !is_polys(&s) || !densify_tolerance(q, a, n_args, &d))
        return;
    json_t *res;
    if (s.kind == GEO_K_POLYGON) {
        res = geometry("Polygon", densify_poly(q, &d, &s.polys[0]));
    } else {
        json_t *polys = json_array();
        for (size_t k = 0; k < s.n_polys; k++)
            json_array_append_new(polys, densify_poly(q, &d, &s.polys[k]));
        res = geometry("MultiPolygon", polys);
    }
    msoc_exec__own(q, res);
    if (d.is_over)
        return;
    *out = xv_dyn(res);
}

/* ---- along a line ---- */

/* The point at angle t along arc (a, b) of length len (spherical interpolation). */
static geo_xyz arc_at(geo_xyz a, geo_xyz b, double len, double t)
{
    if (len <= 0)
        return a;
    geo_xyz dir = v_unit(v_sub(b, v_scale(a, v_dot(a, b))));
    return v_unit(v_add(v_scale(a, cos(t)), v_scale(dir, sin(t))));
}

ROW(f_line_interpolate_point)
{
    (void)n_args;
    geo_shape s;
    double frac;
    if (!get_shape(q, a[0], &s) || s.kind != GEO_K_LINE || !msoc_geo__real(q, a[1], &frac) ||
        !(frac >= 0 && frac <= 1))
        return;
    const geo_line *ln = &s.lines[0];
    double total = line_angle(ln), target = frac * total, acc = 0;
    for (size_t k = 0; k + 1 < ln->n; k++) {
        geo_xyz pa = P(ln->p[k]), pb = P(ln->p[k + 1]);
        double len = msoc_geo__angle(pa, pb);
        if (acc + len >= target || k + 2 == ln->n) {
            double t = target - acc;
            if (t > len)
                t = len;
            *out = xv_dyn(msoc_exec__own(q, point_xyz(arc_at(pa, pb, len, t))));
            return;
        }
        acc += len;
    }
}

ROW(f_line_locate_point)
{
    (void)n_args;
    geo_shape s;
    geo_pt p;
    if (!get_shape(q, a[0], &s) || s.kind != GEO_K_LINE || !get_point(q, a + 1, &p))
        return;
    const geo_line *ln = &s.lines[0];
    geo_xyz x = P(p);
    double total = line_angle(ln), best = INFINITY, best_pos = 0, acc = 0;
    for (size_t k = 0; k + 1 < ln->n; k++) {
        geo_xyz pa = P(ln->p[k]), pb = P(ln->p[k + 1]), c;
        double d = arc_closest(x, pa, pb, &c);
        if (d < best) {
            best = d;
            best_pos = acc + msoc_geo__angle(pa, c);
        }
        acc += msoc_geo__angle(pa, pb);
    }
    if (total <= 0)
        return;
    *out = xv_real(best_pos / total);
}

/* ---- intersection tests ---- */

static int sgn(double v)
{
    return (v > 0) - (v < 0);
}

static bool on_arc(geo_xyz x, geo_xyz a, geo_xyz b)
{
    geo_xyz c;
    return arc_closest(x, a, b, &c) <= 1e-12; /* ~6 micrometres */
}

/* Whether arcs (a, b) and (c, d) share a point. */
static bool arcs_intersect(geo_xyz a, geo_xyz b, geo_xyz c, geo_xyz d)
{
    int acb = -sgn(v_det(a, b, c)), bda = sgn(v_det(a, b, d));
    int cbd = -sgn(v_det(c, d, b)), dac = sgn(v_det(c, d, a));
    if (acb != 0 && acb == bda && acb == cbd && acb == dac)
        return true;
    return on_arc(a, c, d) || on_arc(b, c, d) || on_arc(c, a, b) || on_arc(d, a, b);
}

static bool lines_intersect(const geo_line *l1, size_t n1, const geo_line *l2, size_t n2)
{
    for (size_t i = 0; i < n1; i++)
        for (size_t j = 0; j < n2; j++)
            for (size_t k = 0; k + 1 < l1[i].n; k++)
                for (size_t m = 0; m + 1 < l2[j].n; m++)
                    if (arcs_intersect(P(l1[i].p[k]), P(l1[i].p[k + 1]), P(l2[j].p[m]), P(l2[j].p[m + 1])))
                        return true;
    return false;
}

static bool line_hits_shape_polys(const geo_line *lines, size_t n_lines, const geo_shape *s)
{
    for (size_t k = 0; k < s->n_polys; k++)
        if (lines_intersect(lines, n_lines, s->polys[k].rings, s->polys[k].n_rings))
            return true;
    for (size_t l = 0; l < n_lines; l++)
        for (size_t k = 0; k < lines[l].n; k++)
            if (shape_contains(s, P(lines[l].p[k])))
                return true;
    return false;
}

ROW(f_intersects_2lines)
{
    (void)n_args;
    geo_shape s1, s2;
    if (!get_shape(q, a[0], &s1) || !is_lines(&s1) || !get_shape(q, a[1], &s2) || !is_lines(&s2))
        return;
    *out = xv_bool(lines_intersect(s1.lines, s1.n_lines, s2.lines, s2.n_lines));
}

ROW(f_intersects_line_with_polygon)
{
    (void)n_args;
    geo_shape s1, s2;
    if (!get_shape(q, a[0], &s1) || !is_lines(&s1) || !get_shape(q, a[1], &s2) || !is_polys(&s2))
        return;
    *out = xv_bool(line_hits_shape_polys(s1.lines, s1.n_lines, &s2));
}

ROW(f_intersects_2polygons)
{
    (void)n_args;
    geo_shape s1, s2;
    if (!get_shape(q, a[0], &s1) || !is_polys(&s1) || !get_shape(q, a[1], &s2) || !is_polys(&s2))
        return;
    bool hit = false;
    for (size_t k = 0; k < s1.n_polys && !hit; k++)
        hit = line_hits_shape_polys(s1.polys[k].rings, s1.polys[k].n_rings, &s2);
    for (size_t k = 0; k < s2.n_polys && !hit; k++)
        hit = line_hits_shape_polys(s2.polys[k].rings, s2.polys[k].n_rings, &s1);
    *out = xv_bool(hit);
}

/* ---- operations not built yet: null for invalid input (Kusto's answer), an empty
 * collection where the inputs provably do not meet, otherwise refused by name ---- */

static void refuse(xq *q, const char *fn, const char *what)
{
    msoc_fail(q->err, MSOC_UNSUPPORTED, "not supported: %s() %s", fn, what);
}

static json_t *empty_collection(void)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("GeometryCollection"));
    json_object_set_new(o, "geometries", json_array());
    return o;
}

/* An optional real argument: false when given but null or not numeric. */
static bool opt_real(xq *q, const xval *a, size_t n_args, size_t idx, double dflt, double *out)
{
    *out = dflt;
    return n_args <= idx || msoc_geo__real(q, a[idx], out);
}


/* ---- edge sets: the overlay of lines whose edges meet only at shared vertices ---- */

typedef struct geo_edge {
    geo_xyz a, b;
} geo_edge;

static bool xyz_eq(geo_xyz p, geo_xyz r)
{
    return p.x == r.x && p.y == r.y && p.z == r.z;
}

typedef struct edge_set {
    geo_edge *e;
    size_t n, cap;
} edge_set;

/* Adds the lines' directed edges, once each (zero-length edges dropped); false when
 * an edge also comes reversed or memory runs out. */
static bool edges_add(xq *q, edge_set *set, const geo_line *lines, size_t n_lines)
{
    for (size_t l = 0; l < n_lines; l++)
        for (size_t k = 0; k + 1 < lines[l].n; k++) {
            geo_edge e = {P(lines[l].p[k]), P(lines[l].p[k + 1])};
            if (xyz_eq(e.a, e.b))
                continue;
            bool is_dup = false;
            for (size_t m = 0; m < set->n && !is_dup; m++) {
                if (xyz_eq(set->e[m].a, e.b) && xyz_eq(set->e[m].b, e.a))
                    return false;
                is_dup = xyz_eq(set->e[m].a, e.a) && xyz_eq(set->e[m].b, e.b);
            }
            if (is_dup)
                continue;
            if (set->n == set->cap) {
                size_t cap = set->cap ? set->cap * 2 : 16;
                geo_edge *ne = msoc_exec__alloc(q, cap * sizeof *ne);
                if (ne == NULL)
                    return false;
                if (set->n)
                    memcpy(ne, set->e, set->n * sizeof *ne);
                set->e = ne;
                set->cap = cap;
            }
            set->e[set->n++] = e;
        }
    return true;
}

/* Whether distinct edges meet at most at a shared end point. */
static bool edges_simple(const edge_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        for (size_t j = i + 1; j < set->n; j++) {
            geo_edge e = set->e[i], f = set->e[j];
            if (!arcs_intersect(e.a, e.b, f.a, f.b))
                continue;
            geo_xyz eo, fo;
            if (xyz_eq(e.a, f.a))
                eo = e.b, fo = f.b;
            else if (xyz_eq(e.a, f.b))
                eo = e.b, fo = f.a;
            else if (xyz_eq(e.b, f.a))
                eo = e.a, fo = f.b;
            else if (xyz_eq(e.b, f.b))
                eo = e.a, fo = f.a;
            else
                return false; /* they cross */
            if (on_arc(eo, f.a, f.b) || on_arc(fo, e.a, e.b))
                return false; /* they overlap */
        }
    return true;
}

/* The edges as one LineString walked from its only start; NULL when they do not form
 * a single open chain. */
static json_t *edges_chain(const edge_set *set)
{
    if (set->n == 0)
        return NULL;
    size_t start = set->n;
    for (size_t i = 0; i < set->n; i++) {
        size_t n_in = 0, n_out = 0;
        for (size_t j = 0; j < set->n; j++) {
            n_in += xyz_eq(set->e[j].b, set->e[i].a);
            n_out += xyz_eq(set->e[j].a, set->e[i].a);
        }
        if (n_out > 1 || n_in > 1)
            return NULL;
        if (n_in == 0) {
            if (start != set->n)
                return NULL;
            start = i;
        }
    }
    if (start == set->n)
        return NULL; /* a closed loop */
    json_t *coords = json_array();
    json_array_append_new(coords, coord_xyz(set->e[start].a));
    size_t cur = start, n_walked = 0;
    while (cur != set->n) {
        json_array_append_new(coords, coord_xyz(set->e[cur].b));
        n_walked++;
        size_t next = set->n;
        for (size_t j = 0; j < set->n && next == set->n; j++)
            if (xyz_eq(set->e[j].a, set->e[cur].b))
                next = j;
        cur = next;
        if (n_walked > set->n)
            break;
    }
    if (n_walked != set->n) {
        json_decref(coords);
        return NULL;
    }
    return geometry("LineString", coords);
}

ROW(f_intersection_2lines)
{
    (void)n_args;
    geo_shape s1, s2;
    if (!get_shape(q, a[0], &s1) || !is_lines(&s1) || !get_shape(q, a[1], &s2) || !is_lines(&s2))
        return;
    if (!lines_intersect(s1.lines, s1.n_lines, s2.lines, s2.n_lines)) {
        *out = xv_dyn(msoc_exec__own(q, empty_collection()));
        return;
    }
    /* lines with the same edges (and no crossings): their intersection is that chain */
    edge_set e1 = {0}, e2 = {0};
    if (edges_add(q, &e1, s1.lines, s1.n_lines) && edges_add(q, &e2, s2.lines, s2.n_lines) && e1.n == e2.n &&
        edges_simple(&e1)) {
        bool is_same = true;
        for (size_t i = 0; i < e1.n && is_same; i++) {
            bool is_found = false;
            for (size_t j = 0; j < e2.n && !is_found; j++)
                is_found = xyz_eq(e1.e[i].a, e2.e[j].a) && xyz_eq(e1.e[i].b, e2.e[j].b);
            is_same = is_found;
        }
        json_t *chain = is_same ? edges_chain(&e1) : NULL;
        if (chain != NULL) {
            *out = xv_dyn(msoc_exec__own(q, chain));
            return;
        }
    }
    if (q->err->code != MSOC_OK)
        return;
    refuse(q, "geo_intersection_2lines",
           "of lines that meet other than along identical edges (line overlay is not implemented)");
}


/* ---- a line clipped by polygons, where every crossing is proper ---- */

typedef struct clip_hit {
    double t; /* angle from the edge's start */
    geo_xyz x;
} clip_hit;

/* The point where arcs (a, b) and (c, d), known to cross properly, meet. */
static geo_xyz arc_crossing(geo_xyz a, geo_xyz b, geo_xyz c, geo_xyz d)
{
    geo_xyz n1 = v_cross(v_add(b, a), v_sub(b, a)), n2 = v_cross(v_add(d, c), v_sub(d, c));
    geo_xyz x = v_unit(v_cross(n1, n2));
    return v_dot(x, v_add(a, b)) < 0 ? v_scale(x, -1) : x;
}

/* The pieces of line ln inside the polygons of s as one LineString; NULL when the line
 * touches a boundary without crossing it, or when the inside part is not one piece
 * (refused by the caller: the order and form of several pieces is not built). */
static json_t *clip_line(xq *q, const geo_line *ln, const geo_shape *s, bool *is_empty)
{
    json_t *piece = NULL;
    size_t n_pieces = 0;
    bool is_inside = shape_contains(s, P(ln->p[0]));
    *is_empty = false;
    if (is_inside) {
        piece = json_array();
        json_array_append_new(piece, coord_xyz(P(ln->p[0])));
        n_pieces = 1;
    }
    for (size_t k = 0; k + 1 < ln->n; k++) {
        geo_xyz a = P(ln->p[k]), b = P(ln->p[k + 1]);
        size_t n_hits = 0, cap = 8;
        clip_hit *hits = msoc_exec__alloc(q, cap * sizeof *hits);
        if (hits == NULL)
            goto fail;
        for (size_t pi = 0; pi < s->n_polys; pi++)
            for (size_t r = 0; r < s->polys[pi].n_rings; r++) {
                const geo_line *ring = &s->polys[pi].rings[r];
                for (size_t m = 0; m + 1 < ring->n; m++) {
                    geo_xyz c = P(ring->p[m]), d = P(ring->p[m + 1]);
                    if (on_arc(a, c, d) || on_arc(b, c, d) || on_arc(c, a, b) || on_arc(d, a, b))
                        goto fail; /* a touch, not a crossing */
                    if (!arcs_intersect(a, b, c, d))
                        continue;
                    if (n_hits == cap) {
                        clip_hit *nh = msoc_exec__alloc(q, 2 * cap * sizeof *nh);
                        if (nh == NULL)
                            goto fail;
                        memcpy(nh, hits, n_hits * sizeof *nh);
                        hits = nh;
                        cap *= 2;
                    }
                    geo_xyz x = arc_crossing(a, b, c, d);
                    hits[n_hits++] = (clip_hit){msoc_geo__angle(a, x), x};
                }
            }
        for (size_t i = 1; i < n_hits; i++) /* insertion sort along the edge */
            for (size_t j = i; j > 0 && hits[j].t < hits[j - 1].t; j--) {
                clip_hit t = hits[j];
                hits[j] = hits[j - 1];
                hits[j - 1] = t;
            }
        for (size_t i = 0; i < n_hits; i++) {
            if (is_inside) {
                json_array_append_new(piece, coord_xyz(hits[i].x));
            } else {
                if (++n_pieces > 1)
                    goto fail;
                piece = json_array();
                json_array_append_new(piece, coord_xyz(hits[i].x));
            }
            is_inside = !is_inside;
        }
        if (is_inside)
            json_array_append_new(piece, coord_xyz(b));
    }
    if (n_pieces == 0) {
        *is_empty = true;
        return NULL;
    }
    return geometry("LineString", piece);
fail:
    if (piece != NULL)
        json_decref(piece);
    return NULL;
}

ROW(f_intersection_line_with_polygon)
{
    (void)n_args;
    geo_shape s1, s2;
    if (!get_shape(q, a[0], &s1) || !is_lines(&s1) || !get_shape(q, a[1], &s2) || !is_polys(&s2))
        return;
    if (!line_hits_shape_polys(s1.lines, s1.n_lines, &s2)) {
        *out = xv_dyn(msoc_exec__own(q, empty_collection()));
        return;
    }
    if (s1.kind == GEO_K_LINE) {
        bool is_empty;
        json_t *clip = clip_line(q, &s1.lines[0], &s2, &is_empty);
        if (clip != NULL || is_empty) {
            *out = xv_dyn(msoc_exec__own(q, clip != NULL ? clip : empty_collection()));
            return;
        }
        if (q->err->code != MSOC_OK)
            return;
    }
    refuse(q, "geo_intersection_line_with_polygon",
           "of shapes that touch, or whose intersection is not one line (overlay is not implemented)");
}

ROW(f_intersection_2polygons)
{
    (void)n_args;
    geo_shape s1, s2;
    if (!get_shape(q, a[0], &s1) || !is_polys(&s1) || !get_shape(q, a[1], &s2) || !is_polys(&s2))
        return;
    bool hit = false;
    for (size_t k = 0; k < s1.n_polys && !hit; k++)
        hit = line_hits_shape_polys(s1.polys[k].rings, s1.polys[k].n_rings, &s2);
    for (size_t k = 0; k < s2.n_polys && !hit; k++)
        hit = line_hits_shape_polys(s2.polys[k].rings, s2.polys[k].n_rings, &s1);
    if (!hit) {
        *out = xv_dyn(msoc_exec__own(q, empty_collection()));
        return;
    }
    refuse(q, "geo_intersection_2polygons", "of polygons that meet (polygon overlay is not implemented)");
}

/* Every element of a dynamic array is a valid shape accepted by want. */
static bool shape_array(xq *q, xval v, bool (*want)(const geo_shape *))
{
    if (v.is_null || v.t != MSOC_TYPE_DYNAMIC || !json_is_array(v.d) || json_array_size(v.d) == 0)
        return false;
    for (size_t k = 0; k < json_array_size(v.d); k++) {
        geo_shape s;
        if (!msoc_geo__shape_parse(q->arena, json_array_get(v.d, k), &s) || !want(&s))
            return false;
    }
    return true;
}

/* The union of lines whose edges meet only at shared vertices (repeated edges merge)
 * and form one chain; anything else is refused by name. */
ROW(f_union_lines_array)
{
    (void)n_args;
    if (!shape_array(q, a[0], is_lines))
        return;
    edge_set set = {0};
    bool is_ok = true;
    for (size_t k = 0; k < json_array_size(a[0].d) && is_ok; k++) {
        geo_shape s;
        is_ok = msoc_geo__shape_parse(q->arena, json_array_get(a[0].d, k), &s) &&
                edges_add(q, &set, s.lines, s.n_lines);
    }
    json_t *chain = is_ok && edges_simple(&set) ? edges_chain(&set) : NULL;
    if (chain != NULL) {
        *out = xv_dyn(msoc_exec__own(q, chain));
        return;
    }
    if (q->err->code != MSOC_OK)
        return;
    refuse(q, "geo_union_lines_array",
           "of lines that cross, overlap or do not form one chain (line overlay is not implemented)");
}

ROW(f_union_polygons_array)
{
    (void)n_args;
    (void)out;
    if (shape_array(q, a[0], is_polys))
        refuse(q, "geo_union_polygons_array", "of valid polygons (polygon overlay is not implemented)");
}

/* Simplification tolerance: [0, ~7,800,000] metres, default 10. */
static bool simplify_tolerance(xq *q, const xval *a, size_t n_args)
{
    double tol;
    return opt_real(q, a, n_args, 1, 10, &tol) && tol >= 0 && tol <= 7.8e6;
}

ROW(f_simplify_polygons_array)
{
    (void)out;
    if (shape_array(q, a[0], is_polys) && simplify_tolerance(q, a, n_args))
        refuse(q, "geo_simplify_polygons_array", "of valid polygons (simplification is not implemented)");
}

ROW(f_line_simplify)
{
    (void)out;
    geo_shape s;
    if (get_shape(q, a[0], &s) && is_lines(&s) && simplify_tolerance(q, a, n_args))
        refuse(q, "geo_line_simplify", "of a valid line (simplification is not implemented)");
}

ROW(f_polygon_simplify)
{
    (void)out;
    geo_shape s;
    if (get_shape(q, a[0], &s) && is_polys(&s) && simplify_tolerance(q, a, n_args))
        refuse(q, "geo_polygon_simplify", "of a valid polygon (simplification is not implemented)");
}

/* Buffer radius (metres, > 0) and tolerance (default 0.1, in (0, 1]). */
static bool buffer_args(xq *q, const xval *a, size_t n_args, size_t idx)
{
    double radius, tol;
    return msoc_geo__real(q, a[idx], &radius) && isfinite(radius) && radius > 0 &&
           opt_real(q, a, n_args, idx + 1, 0.1, &tol) && tol > 0 && tol <= 1;
}

/* A unit vector orthogonal to a, off the coordinate planes (as S2's Ortho). */
static geo_xyz ortho(geo_xyz a)
{
    double ax = fabs(a.x), ay = fabs(a.y), az = fabs(a.z);
    int k = (ax > ay ? (ax > az ? 0 : 2) : (ay > az ? 1 : 2)) - 1;
    if (k < 0)
        k = 2;
    geo_xyz t = {0.012, 0.0053, 0.00457};
    if (k == 0)
        t.x = 1;
    else if (k == 1)
        t.y = 1;
    else
        t.z = 1;
    return v_unit(v_cross(a, t));
}

/* The circle of the radius about the point as a regular polygon with its vertices on
 * the circle, counter-clockwise from the direction of ortho(centre). Enough vertices
 * keep every edge within the tolerance of the circle, up to 100 (Kusto's output for
 * large radii has 100). */
ROW(f_point_buffer)
{
    geo_pt p;
    double radius, tol;
    if (!get_point(q, a, &p) || !msoc_geo__real(q, a[2], &radius) || !isfinite(radius) || radius <= 0 ||
        !opt_real(q, a, n_args, 3, 0.1, &tol) || !(tol > 0) || radius >= MSOC_GEO_PI * R_EARTH)
        return;
    if (tol >= radius)
        tol = radius * 0.999999;
    double step = acos(1 - tol / radius);
    int n = step > 0 ? (int)ceil(MSOC_GEO_PI / step) : 100;
    if (n > 100)
        n = 100;
    if (n < 3)
        n = 3;
    geo_xyz z = P(p), c0 = ortho(z), c1 = v_cross(z, c0);
    double rad = radius / R_EARTH, sr = sin(rad), cr = cos(rad);
    json_t *ring = json_array();
    json_t *first = NULL;
    for (int k = 0; k < n; k++) {
        double ang = k * (2 * MSOC_GEO_PI / n);
        geo_xyz v = v_unit(v_add(v_add(v_scale(c0, sr * cos(ang)), v_scale(c1, sr * sin(ang))), v_scale(z, cr)));
        json_t *c = coord_xyz(v);
        if (k == 0)
            first = json_deep_copy(c);
        json_array_append_new(ring, c);
    }
    json_array_append_new(ring, first);
    json_t *rings = json_array();
    json_array_append_new(rings, ring);
    *out = xv_dyn(msoc_exec__own(q, geometry("Polygon", rings)));
}

ROW(f_line_buffer)
{
    (void)out;
    geo_shape s;
    if (get_shape(q, a[0], &s) && is_lines(&s) && buffer_args(q, a, n_args, 1))
        refuse(q, "geo_line_buffer", "of a valid line (buffers are not implemented)");
}

ROW(f_polygon_buffer)
{
    (void)out;
    geo_shape s;
    if (get_shape(q, a[0], &s) && is_polys(&s) && buffer_args(q, a, n_args, 1))
        refuse(q, "geo_polygon_buffer", "of a valid polygon (buffers are not implemented)");
}

ROW(f_polygon_to_h3cells)
{
    (void)out;
    (void)n_args;
    geo_shape s;
    if (get_shape(q, a[0], &s) && is_polys(&s))
        refuse(q, "geo_polygon_to_h3cells", "of a valid polygon (H3 polyfill is not implemented)");
}

/* ---- S2 covering ---- */

#define GEO_MAX_COVER_CELLS 65536

/* An open-addressing set of cell ids (0 marks an empty slot; no cell id is 0). */
typedef struct id_set {
    uint64_t *slots;
    size_t cap;
} id_set;

static bool id_set_add(id_set *set, uint64_t id)
{
    size_t k = (size_t)((id * 0x9E3779B97F4A7C15ULL) >> 20) & (set->cap - 1);
    while (set->slots[k] != 0) {
        if (set->slots[k] == id)
            return false;
        k = (k + 1) & (set->cap - 1);
    }
    set->slots[k] = id;
    return true;
}

/* Whether the S2 cell meets the polygons: a shape vertex in the cell, the cell's
 * centre in the shape, or an edge crossing (cell edges are geodesics). */
static bool cell_meets(uint64_t id, int level, const geo_shape *s)
{
    double lng[4], lat[4], clng, clat;
    msoc_geo__s2_center(id, &clng, &clat);
    if (shape_contains(s, msoc_geo__to_xyz(clng, clat)))
        return true;
    msoc_geo__s2_vertices(id, lng, lat);
    geo_pt ring_pts[5];
    for (int k = 0; k < 5; k++)
        ring_pts[k] = (geo_pt){lng[k % 4], lat[k % 4]};
    geo_line ring = {5, ring_pts};
    for (size_t k = 0; k < s->n_polys; k++) {
        const geo_poly *p = &s->polys[k];
        for (size_t r = 0; r < p->n_rings; r++)
            for (size_t v = 0; v < p->rings[r].n; v++)
                if (msoc_geo__s2_from_point(p->rings[r].p[v].lng, p->rings[r].p[v].lat, level) == id)
                    return true;
        if (lines_intersect(&ring, 1, p->rings, p->n_rings))
            return true;
    }
    return false;
}

/* Every cell of the level that meets the polygon, found by a flood from the cells
 * of its vertices. Null when the polygon is invalid or needs more than 65,536 cells. */
ROW(f_polygon_to_s2cells)
{
    geo_shape s;
    int64_t level = 11;
    if (!get_shape(q, a[0], &s) || !is_polys(&s))
        return;
    if (n_args > 1) {
        if (a[1].is_null)
            return;
        level = msoc_exec__convert(q, a[1], MSOC_TYPE_LONG).i;
    }
    if (level < 0 || level > 30)
        return;
    id_set seen = {msoc_exec__calloc(q, 4 * GEO_MAX_COVER_CELLS, sizeof(uint64_t)), 4 * GEO_MAX_COVER_CELLS};
    uint64_t *queue = msoc_exec__alloc(q, 2 * GEO_MAX_COVER_CELLS * sizeof *queue);
    if (seen.slots == NULL || queue == NULL)
        return;
    size_t head = 0, tail = 0, n_seen = 0;
    for (size_t k = 0; k < s.n_polys; k++)
        for (size_t v = 0; v < s.polys[k].rings[0].n; v++) {
            geo_pt pt = s.polys[k].rings[0].p[v];
            uint64_t id = msoc_geo__s2_from_point(pt.lng, pt.lat, (int)level);
            if (id_set_add(&seen, id)) {
                if (++n_seen > 2 * GEO_MAX_COVER_CELLS)
                    return;
                queue[tail++] = id;
            }
        }
    json_t *arr = msoc_exec__own(q, json_array());
    if (arr == NULL)
        return;
    char buf[20];
    while (head < tail) {
        uint64_t id = queue[head++];
        if (!cell_meets(id, (int)level, &s))
            continue;
        if (json_array_size(arr) >= GEO_MAX_COVER_CELLS)
            return;
        msoc_geo__s2_token(id, buf);
        json_array_append_new(arr, json_string(buf));
        uint64_t nb[8];
        size_t n_nb = msoc_geo__s2_neighbors(id, nb);
        for (size_t k = 0; k < n_nb; k++)
            if (id_set_add(&seen, nb[k])) {
                if (++n_seen > 2 * GEO_MAX_COVER_CELLS)
                    return;
                queue[tail++] = nb[k];
            }
        if ((head & 1023) == 0 && msoc_exec__check(q) != MSOC_OK)
            return;
    }
    *out = xv_dyn(arr);
}

void msoc_exec__fn_register_geo_poly(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, true}
    REG(GEO_POINT_IN_POLYGON, f_point_in_polygon);
    REG(GEO_DISTANCE_POINT_TO_LINE, f_distance_point_to_line);
    REG(GEO_DISTANCE_POINT_TO_POLYGON, f_distance_point_to_polygon);
    REG(GEO_CLOSEST_POINT_ON_LINE, f_closest_point_on_line);
    REG(GEO_CLOSEST_POINT_ON_POLYGON, f_closest_point_on_polygon);
    REG(GEO_LINE_LENGTH, f_line_length);
    REG(GEO_POLYGON_PERIMETER, f_polygon_perimeter);
    REG(GEO_POLYGON_AREA, f_polygon_area);
    REG(GEO_POLYGON_CENTROID, f_polygon_centroid);
    REG(GEO_LINE_CENTROID, f_line_centroid);
    REG(GEO_LINE_DENSIFY, f_line_densify);
    REG(GEO_POLYGON_DENSIFY, f_polygon_densify);
    REG(GEO_LINE_INTERPOLATE_POINT, f_line_interpolate_point);
    REG(GEO_LINE_LOCATE_POINT, f_line_locate_point);
    REG(GEO_INTERSECTS_2LINES, f_intersects_2lines);
    REG(GEO_INTERSECTS_LINE_WITH_POLYGON, f_intersects_line_with_polygon);
    REG(GEO_INTERSECTS_2POLYGONS, f_intersects_2polygons);
    REG(GEO_INTERSECTION_2LINES, f_intersection_2lines);
    REG(GEO_INTERSECTION_LINE_WITH_POLYGON, f_intersection_line_with_polygon);
    REG(GEO_INTERSECTION_2POLYGONS, f_intersection_2polygons);
    REG(GEO_POLYGON_TO_H3CELLS, f_polygon_to_h3cells);
    REG(GEO_POLYGON_TO_S2CELLS, f_polygon_to_s2cells);
#undef REG
    /* null arguments are invalid input (null result), checked in the functions */
    t[MSOC_PLAN_FN_GEO_UNION_LINES_ARRAY] = (xfn_impl){f_union_lines_array, NULL, false};
    t[MSOC_PLAN_FN_GEO_UNION_POLYGONS_ARRAY] = (xfn_impl){f_union_polygons_array, NULL, false};
    t[MSOC_PLAN_FN_GEO_SIMPLIFY_POLYGONS_ARRAY] = (xfn_impl){f_simplify_polygons_array, NULL, false};
    t[MSOC_PLAN_FN_GEO_LINE_SIMPLIFY] = (xfn_impl){f_line_simplify, NULL, false};
    t[MSOC_PLAN_FN_GEO_POLYGON_SIMPLIFY] = (xfn_impl){f_polygon_simplify, NULL, false};
    t[MSOC_PLAN_FN_GEO_POINT_BUFFER] = (xfn_impl){f_point_buffer, NULL, false};
    t[MSOC_PLAN_FN_GEO_LINE_BUFFER] = (xfn_impl){f_line_buffer, NULL, false};
    t[MSOC_PLAN_FN_GEO_POLYGON_BUFFER] = (xfn_impl){f_polygon_buffer, NULL, false};
}
