/* Geospatial shapes: GeoJSON geometries parsed into arrays of (lng, lat) with Kusto's
 * validity rules, WKT text to GeoJSON (geo_from_wkt). Both parsers take untrusted
 * input (fuzz/fuzz_geo_shape) and bound their nesting. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fn_geo.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)
#define GEO_MAX_DEPTH 16

/* ---- GeoJSON ---- */

typedef struct shape_acc {
    msoc_arena *arena;
    msoc_vec lines; /* geo_line */
    msoc_vec polys; /* geo_poly */
} shape_acc;

static bool read_coord(const json_t *c, geo_pt *out)
{
    if (!json_is_array(c) || json_array_size(c) < 2 || json_array_size(c) > 3)
        return false;
    const json_t *x = json_array_get(c, 0), *y = json_array_get(c, 1);
    if (!json_is_number(x) || !json_is_number(y))
        return false;
    out->lng = json_number_value(x);
    out->lat = json_number_value(y);
    return msoc_geo__valid(out->lng, out->lat);
}

static bool read_line(msoc_arena *arena, const json_t *arr, size_t min_n, geo_line *out)
{
    if (!json_is_array(arr) || json_array_size(arr) < min_n)
        return false;
    size_t n = json_array_size(arr);
    out->p = msoc_arena_alloc(arena, n * sizeof *out->p);
    if (out->p == NULL)
        return false;
    out->n = n;
    for (size_t k = 0; k < n; k++)
        if (!read_coord(json_array_get(arr, k), &out->p[k]))
            return false;
    return true;
}

static bool pt_eq(geo_pt a, geo_pt b)
{
    return a.lng == b.lng && a.lat == b.lat;
}

/* A ring: closed, 4+ entries, 3+ distinct vertices. */
static bool read_ring(msoc_arena *arena, const json_t *arr, geo_line *out)
{
    if (!read_line(arena, arr, 4, out) || !pt_eq(out->p[0], out->p[out->n - 1]))
        return false;
    size_t n_distinct = 1;
    for (size_t k = 1; k + 1 < out->n && n_distinct < 3; k++) {
        bool is_new = true;
        for (size_t e = 0; e < k && is_new; e++)
            is_new = !pt_eq(out->p[e], out->p[k]);
        n_distinct += is_new;
    }
    return n_distinct >= 3;
}

static bool read_poly(msoc_arena *arena, const json_t *arr, geo_poly *out)
{
    if (!json_is_array(arr) || json_array_size(arr) < 1)
        return false;
    out->n_rings = json_array_size(arr);
    out->rings = msoc_arena_alloc(arena, out->n_rings * sizeof *out->rings);
    if (out->rings == NULL)
        return false;
    for (size_t k = 0; k < out->n_rings; k++)
        if (!read_ring(arena, json_array_get(arr, k), &out->rings[k]))
            return false;
    return true;
}

static bool push(msoc_vec *v, const void *item)
{
    return msoc_vec_append(v, item) == MSOC_OK;
}

static bool parse_rec(shape_acc *acc, const json_t *j, int depth, geo_kind *kind)
{
    if (!json_is_object(j) || depth > GEO_MAX_DEPTH)
        return false;
    const char *type = json_string_value(json_object_get(j, "type"));
    if (type == NULL)
        return false;
    if (strcmp(type, "GeometryCollection") == 0) {
        const json_t *g = json_object_get(j, "geometries");
        if (!json_is_array(g))
            return false;
        *kind = GEO_K_COLLECTION;
        for (size_t k = 0; k < json_array_size(g); k++) {
            geo_kind sub;
            if (!parse_rec(acc, json_array_get(g, k), depth + 1, &sub))
                return false;
        }
        return true;
    }
    const json_t *c = json_object_get(j, "coordinates");
    if (c == NULL)
        return false;
    geo_line line;
    geo_poly poly;
    if (strcmp(type, "Point") == 0) {
        *kind = GEO_K_POINT;
        line.p = msoc_arena_alloc(acc->arena, sizeof *line.p);
        line.n = 1;
        return line.p != NULL && read_coord(c, line.p) && push(&acc->lines, &line);
    }
    if (strcmp(type, "MultiPoint") == 0) {
        *kind = GEO_K_MULTIPOINT;
        return read_line(acc->arena, c, 1, &line) && push(&acc->lines, &line);
    }
    if (strcmp(type, "LineString") == 0) {
        *kind = GEO_K_LINE;
        return read_line(acc->arena, c, 2, &line) && push(&acc->lines, &line);
    }
    if (strcmp(type, "MultiLineString") == 0) {
        *kind = GEO_K_MULTILINE;
        if (!json_is_array(c) || json_array_size(c) == 0)
            return false;
        for (size_t k = 0; k < json_array_size(c); k++)
            if (!read_line(acc->arena, json_array_get(c, k), 2, &line) || !push(&acc->lines, &line))
                return false;
        return true;
    }
    if (strcmp(type, "Polygon") == 0) {
        *kind = GEO_K_POLYGON;
        return read_poly(acc->arena, c, &poly) && push(&acc->polys, &poly);
    }
    if (strcmp(type, "MultiPolygon") == 0) {
        *kind = GEO_K_MULTIPOLYGON;
        if (!json_is_array(c) || json_array_size(c) == 0)
            return false;
        for (size_t k = 0; k < json_array_size(c); k++)
            if (!read_poly(acc->arena, json_array_get(c, k), &poly) || !push(&acc->polys, &poly))
                return false;
        return true;
    }
    return false;
}

bool msoc_geo__shape_parse(msoc_arena *arena, const json_t *j, geo_shape *out)
{
    shape_acc acc;
    acc.arena = arena;
    msoc_vec_init(&acc.lines, sizeof(geo_line), 1u << 20);
    msoc_vec_init(&acc.polys, sizeof(geo_poly), 1u << 20);
    memset(out, 0, sizeof *out);
    bool is_ok = parse_rec(&acc, j, 0, &out->kind);
    if (is_ok) {
        out->n_lines = acc.lines.n;
        out->n_polys = acc.polys.n;
        out->lines = out->n_lines ? msoc_arena_alloc(arena, out->n_lines * sizeof *out->lines) : NULL;
        out->polys = out->n_polys ? msoc_arena_alloc(arena, out->n_polys * sizeof *out->polys) : NULL;
        if ((out->n_lines && out->lines == NULL) || (out->n_polys && out->polys == NULL))
            is_ok = false;
        else {
            if (out->n_lines)
                memcpy(out->lines, acc.lines.data, out->n_lines * sizeof *out->lines);
            if (out->n_polys)
                memcpy(out->polys, acc.polys.data, out->n_polys * sizeof *out->polys);
        }
    }
    msoc_vec_fini(&acc.lines);
    msoc_vec_fini(&acc.polys);
    return is_ok;
}

/* ---- WKT ---- */

typedef struct wkt {
    const char *p, *end;
    bool is_bad;
} wkt;

static void wkt_ws(wkt *w)
{
    while (w->p < w->end && (*w->p == ' ' || *w->p == '\t' || *w->p == '\n' || *w->p == '\r'))
        w->p++;
}

static bool wkt_char(wkt *w, char c)
{
    wkt_ws(w);
    if (w->p < w->end && *w->p == c) {
        w->p++;
        return true;
    }
    return false;
}

/* An upper-cased keyword into buf (up to cap-1 letters). */
static size_t wkt_word(wkt *w, char *buf, size_t cap)
{
    wkt_ws(w);
    size_t n = 0;
    while (w->p < w->end && ((*w->p >= 'A' && *w->p <= 'Z') || (*w->p >= 'a' && *w->p <= 'z'))) {
        if (n + 1 < cap)
            buf[n++] = (char)(*w->p >= 'a' ? *w->p - 32 : *w->p);
        else
            w->is_bad = true;
        w->p++;
    }
    buf[n] = '\0';
    return n;
}

static bool wkt_number(wkt *w, double *out)
{
    wkt_ws(w);
    char buf[64];
    size_t n = 0;
    while (w->p < w->end && n + 1 < sizeof buf &&
           ((*w->p >= '0' && *w->p <= '9') || *w->p == '.' || *w->p == '-' || *w->p == '+' || *w->p == 'e' ||
            *w->p == 'E'))
        buf[n++] = *w->p++;
    buf[n] = '\0';
    if (n == 0)
        return false;
    char *endp;
    *out = strtod(buf, &endp);
    return endp == buf + n && isfinite(*out);
}

/* "x y" as a [x, y] array. */
static json_t *wkt_coord(wkt *w)
{
    double x, y;
    if (!wkt_number(w, &x) || !wkt_number(w, &y))
        return NULL;
    return msoc_geo__coord_json(x, y);
}

/* "(x y, x y, ...)"; with is_paren_pt, each point may sit in its own parentheses. */
static json_t *wkt_coords(wkt *w, bool is_paren_pt)
{
    if (!wkt_char(w, '('))
        return NULL;
    json_t *arr = json_array();
    do {
        bool is_paren = is_paren_pt && wkt_char(w, '(');
        json_t *c = wkt_coord(w);
        if (c == NULL || (is_paren && !wkt_char(w, ')'))) {
            json_decref(c);
            json_decref(arr);
            return NULL;
        }
        json_array_append_new(arr, c);
    } while (wkt_char(w, ','));
    if (!wkt_char(w, ')')) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* "(" item "," item ... ")" where item is parsed by fn at depth. */
static json_t *wkt_list(wkt *w, json_t *(*fn)(wkt *, int), int depth)
{
    if (!wkt_char(w, '('))
        return NULL;
    json_t *arr = json_array();
    do {
        json_t *item = fn(w, depth);
        if (item == NULL) {
            json_decref(arr);
            return NULL;
        }
        json_array_append_new(arr, item);
    } while (wkt_char(w, ','));
    if (!wkt_char(w, ')')) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static json_t *wkt_ring(wkt *w, int depth)
{
    (void)depth;
    return wkt_coords(w, false);
}

static json_t *wkt_polygon_body(wkt *w, int depth)
{
    return wkt_list(w, wkt_ring, depth);
}

static json_t *wkt_geometry(wkt *w, int depth);

static json_t *geometry(const char *type, const char *key, json_t *coords)
{
    if (coords == NULL)
        return NULL;
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(type));
    json_object_set_new(o, key, coords);
    return o;
}

static json_t *wkt_geometry(wkt *w, int depth)
{
    char word[32];
    if (depth > GEO_MAX_DEPTH || wkt_word(w, word, sizeof word) == 0 || w->is_bad)
        return NULL;
    if (strcmp(word, "POINT") == 0) {
        if (!wkt_char(w, '('))
            return NULL;
        json_t *c = wkt_coord(w);
        if (c == NULL || !wkt_char(w, ')')) {
            json_decref(c);
            return NULL;
        }
        return geometry("Point", "coordinates", c);
    }
    if (strcmp(word, "LINESTRING") == 0)
        return geometry("LineString", "coordinates", wkt_coords(w, false));
    if (strcmp(word, "MULTIPOINT") == 0)
        return geometry("MultiPoint", "coordinates", wkt_coords(w, true));
    if (strcmp(word, "POLYGON") == 0)
        return geometry("Polygon", "coordinates", wkt_polygon_body(w, depth));
    if (strcmp(word, "MULTILINESTRING") == 0)
        return geometry("MultiLineString", "coordinates", wkt_list(w, wkt_ring, depth));
    if (strcmp(word, "MULTIPOLYGON") == 0)
        return geometry("MultiPolygon", "coordinates", wkt_list(w, wkt_polygon_body, depth));
    if (strcmp(word, "GEOMETRYCOLLECTION") == 0)
        return geometry("GeometryCollection", "geometries", wkt_list(w, wkt_geometry, depth + 1));
    return NULL;
}

json_t *msoc_geo__wkt_to_json(const char *p, size_t len)
{
    wkt w = {p, p + len, false};
    json_t *j = wkt_geometry(&w, 0);
    wkt_ws(&w);
    if (j != NULL && (w.p != w.end || w.is_bad)) {
        json_decref(j);
        return NULL;
    }
    return j;
}

ROW(f_from_wkt)
{
    (void)n_args;
    json_t *j = msoc_geo__wkt_to_json(a[0].s.ptr ? a[0].s.ptr : "", a[0].s.len);
    if (j == NULL)
        return;
    msoc_exec__own(q, j);
    geo_shape shape;
    if (!msoc_geo__shape_parse(q->arena, j, &shape))
        return;
    *out = xv_dyn(j);
}

void msoc_exec__fn_register_geo_shape(xfn_impl *t)
{
    t[MSOC_PLAN_FN_GEO_FROM_WKT] = (xfn_impl){f_from_wkt, NULL, true};
}
