/* Geospatial point functions: great-circle distance, azimuth and angle on Kusto's
 * sphere (radius 6371010 m, as S2Earth), point-in-circle, and geohash cells (encode, centre,
 * polygon, neighbours). Shared helpers for fn_geo_*.c live here too (fn_geo.h). */
#include <math.h>
#include <string.h>

#include "fn_geo.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

static const double DEG = MSOC_GEO_PI / 180.0;

bool msoc_geo__real(xq *q, xval v, double *out)
{
    if (v.is_null)
        return false;
    xval r = msoc_exec__convert(q, v, MSOC_TYPE_REAL);
    if (r.is_null)
        return false;
    *out = r.r;
    return true;
}

bool msoc_geo__valid(double lng, double lat)
{
    return isfinite(lng) && isfinite(lat) && lng >= -180.0 && lng <= 180.0 && lat >= -90.0 &&
           lat <= 90.0;
}

geo_xyz msoc_geo__to_xyz(double lng, double lat)
{
    double phi = lat * DEG, theta = lng * DEG;
    double c = cos(phi);
    return (geo_xyz){cos(theta) * c, sin(theta) * c, sin(phi)};
}

void msoc_geo__from_xyz(geo_xyz p, double *lng, double *lat)
{
    *lat = atan2(p.z, sqrt(p.x * p.x + p.y * p.y)) * (180.0 / MSOC_GEO_PI);
    *lng = atan2(p.y, p.x) * (180.0 / MSOC_GEO_PI);
}

double msoc_geo__angle(geo_xyz a, geo_xyz b)
{
    geo_xyz c = {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
    double cn = sqrt(c.x * c.x + c.y * c.y + c.z * c.z);
    return atan2(cn, a.x * b.x + a.y * b.y + a.z * b.z);
}

json_t *msoc_geo__coord_json(double lng, double lat)
{
    json_t *c = json_array();
    json_array_append_new(c, json_real(lng));
    json_array_append_new(c, json_real(lat));
    return c;
}

json_t *msoc_geo__point_json(double lng, double lat)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("Point"));
    json_object_set_new(o, "coordinates", msoc_geo__coord_json(lng, lat));
    return o;
}

/* Reads arguments [first, first + 2*n_points) as valid (lng, lat) pairs. */
static bool read_points(xq *q, const xval *a, size_t first, size_t n_points, double *lng, double *lat)
{
    for (size_t k = 0; k < n_points; k++) {
        if (!msoc_geo__real(q, a[first + 2 * k], &lng[k]) ||
            !msoc_geo__real(q, a[first + 2 * k + 1], &lat[k]) || !msoc_geo__valid(lng[k], lat[k]))
            return false;
    }
    return true;
}

ROW(f_distance_2points)
{
    (void)n_args;
    double lng[2], lat[2];
    if (!read_points(q, a, 0, 2, lng, lat))
        return;
    double ang = msoc_geo__angle(msoc_geo__to_xyz(lng[0], lat[0]), msoc_geo__to_xyz(lng[1], lat[1]));
    *out = xv_real(ang * MSOC_GEO_EARTH_RADIUS);
}

/* Initial bearing from point 1 to point 2, clockwise from north, in [0, 2pi). */
static double azimuth(double lng1, double lat1, double lng2, double lat2)
{
    double p1 = lat1 * DEG, p2 = lat2 * DEG, dl = (lng2 - lng1) * DEG;
    double y = sin(dl) * cos(p2);
    double x = cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl);
    double az = atan2(y, x);
    if (az < 0)
        az += 2 * MSOC_GEO_PI;
    return az;
}

static bool same_point(double lng1, double lat1, double lng2, double lat2)
{
    return msoc_geo__angle(msoc_geo__to_xyz(lng1, lat1), msoc_geo__to_xyz(lng2, lat2)) == 0.0;
}

ROW(f_azimuth)
{
    (void)n_args;
    double lng[2], lat[2];
    if (!read_points(q, a, 0, 2, lng, lat) || same_point(lng[0], lat[0], lng[1], lat[1]))
        return;
    *out = xv_real(azimuth(lng[0], lat[0], lng[1], lat[1]));
}

/* Clockwise angle at point 2 from line (2,1) to line (2,3), in [0, 2pi]. */
ROW(f_angle)
{
    (void)n_args;
    double lng[3], lat[3];
    if (!read_points(q, a, 0, 3, lng, lat) || same_point(lng[0], lat[0], lng[1], lat[1]) ||
        same_point(lng[2], lat[2], lng[1], lat[1]))
        return;
    double d = azimuth(lng[1], lat[1], lng[2], lat[2]) - azimuth(lng[1], lat[1], lng[0], lat[0]);
    if (d < 0)
        d += 2 * MSOC_GEO_PI;
    *out = xv_real(d);
}

ROW(f_point_in_circle)
{
    (void)n_args;
    double lng[2], lat[2], radius;
    if (!read_points(q, a, 0, 2, lng, lat) || !msoc_geo__real(q, a[4], &radius) || !(radius >= 0))
        return;
    double ang = msoc_geo__angle(msoc_geo__to_xyz(lng[0], lat[0]), msoc_geo__to_xyz(lng[1], lat[1]));
    *out = xv_bool(ang * MSOC_GEO_EARTH_RADIUS <= radius);
}

/* ---- geohash ---- */

static const char GEOHASH_ALPHABET[] = "0123456789bcdefghjkmnpqrstuvwxyz";
#define GEOHASH_MAX 18

static int geohash_digit(char c)
{
    const char *p = c ? strchr(GEOHASH_ALPHABET, c) : NULL;
    return p ? (int)(p - GEOHASH_ALPHABET) : -1;
}

/* The cell's bounds: lo/hi[0] longitude, lo/hi[1] latitude. False on a bad hash. */
static bool geohash_decode(msoc_str h, double lo[2], double hi[2])
{
    if (h.len == 0 || h.len > GEOHASH_MAX)
        return false;
    lo[0] = -180;
    hi[0] = 180;
    lo[1] = -90;
    hi[1] = 90;
    bool is_lng = true;
    for (size_t k = 0; k < h.len; k++) {
        int v = geohash_digit(h.ptr[k]);
        if (v < 0)
            return false;
        for (int b = 4; b >= 0; b--) {
            int d = is_lng ? 0 : 1;
            double mid = (lo[d] + hi[d]) / 2;
            if ((v >> b) & 1)
                lo[d] = mid;
            else
                hi[d] = mid;
            is_lng = !is_lng;
        }
    }
    return true;
}

static void geohash_encode(double lng, double lat, int len, char *outp)
{
    double lo[2] = {-180, -90}, hi[2] = {180, 90};
    bool is_lng = true;
    for (int k = 0; k < len; k++) {
        int v = 0;
        for (int b = 0; b < 5; b++) {
            int d = is_lng ? 0 : 1;
            double x = is_lng ? lng : lat;
            double mid = (lo[d] + hi[d]) / 2;
            v <<= 1;
            if (x >= mid) {
                v |= 1;
                lo[d] = mid;
            } else {
                hi[d] = mid;
            }
            is_lng = !is_lng;
        }
        outp[k] = GEOHASH_ALPHABET[v];
    }
    outp[len] = '\0';
}

ROW(f_point_to_geohash)
{
    double lng, lat;
    int64_t acc = 5;
    out->t = MSOC_TYPE_STRING;
    *out = xv_str((msoc_str){"", 0});
    if (n_args > 2) {
        if (a[2].is_null)
            return;
        acc = msoc_exec__convert(q, a[2], MSOC_TYPE_LONG).i;
    }
    if (!read_points(q, a, 0, 1, &lng, &lat) || acc < 1 || acc > GEOHASH_MAX)
        return;
    char buf[GEOHASH_MAX + 1];
    geohash_encode(lng, lat, (int)acc, buf);
    *out = xv_str(msoc_exec__strdup(q, buf, (size_t)acc));
}

ROW(f_geohash_to_central_point)
{
    (void)n_args;
    double lo[2], hi[2];
    if (!geohash_decode(a[0].s, lo, hi))
        return;
    *out = xv_dyn(msoc_exec__own(q, msoc_geo__point_json((lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2)));
}

/* A closed rectangle ring, counter-clockwise from the south-west corner. */
static json_t *rect_polygon(const double lo[2], const double hi[2])
{
    json_t *ring = json_array();
    json_array_append_new(ring, msoc_geo__coord_json(lo[0], lo[1]));
    json_array_append_new(ring, msoc_geo__coord_json(hi[0], lo[1]));
    json_array_append_new(ring, msoc_geo__coord_json(hi[0], hi[1]));
    json_array_append_new(ring, msoc_geo__coord_json(lo[0], hi[1]));
    json_array_append_new(ring, msoc_geo__coord_json(lo[0], lo[1]));
    json_t *rings = json_array();
    json_array_append_new(rings, ring);
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("Polygon"));
    json_object_set_new(o, "coordinates", rings);
    return o;
}

ROW(f_geohash_to_polygon)
{
    (void)n_args;
    double lo[2], hi[2];
    if (!geohash_decode(a[0].s, lo, hi))
        return;
    *out = xv_dyn(msoc_exec__own(q, rect_polygon(lo, hi)));
}

/* Neighbours in Kusto's order (west, south-west, south, south-east, north-east, east,
 * north, north-west); longitudes wrap at the antimeridian, none beyond the poles. */
ROW(f_geohash_neighbors)
{
    (void)n_args;
    double lo[2], hi[2];
    msoc_str h = a[0].s;
    if (!geohash_decode(h, lo, hi))
        return;
    static const int DIRS[8][2] = {{-1, 0}, {-1, -1}, {0, -1}, {1, -1}, {1, 1}, {1, 0}, {0, 1}, {-1, 1}};
    double w = hi[0] - lo[0], ht = hi[1] - lo[1];
    double clng = (lo[0] + hi[0]) / 2, clat = (lo[1] + hi[1]) / 2;
    json_t *arr = msoc_exec__own(q, json_array());
    if (arr == NULL)
        return;
    char buf[GEOHASH_MAX + 1];
    for (int k = 0; k < 8; k++) {
        double nlat = clat + DIRS[k][1] * ht;
        if (nlat > 90 || nlat < -90)
            continue;
        double nlng = clng + DIRS[k][0] * w;
        if (nlng > 180)
            nlng -= 360;
        if (nlng < -180)
            nlng += 360;
        geohash_encode(nlng, nlat, (int)h.len, buf);
        if (h.len == strlen(buf) && memcmp(buf, h.ptr, h.len) == 0)
            continue;
        bool is_dup = false;
        for (size_t e = 0; e < json_array_size(arr); e++)
            if (strcmp(json_string_value(json_array_get(arr, e)), buf) == 0)
                is_dup = true;
        if (!is_dup)
            json_array_append_new(arr, json_string(buf));
    }
    *out = xv_dyn(arr);
}

void msoc_exec__fn_register_geo(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, true}
    REG(GEO_DISTANCE_2POINTS, f_distance_2points);
    REG(GEO_AZIMUTH, f_azimuth);
    REG(GEO_ANGLE, f_angle);
    REG(GEO_POINT_IN_CIRCLE, f_point_in_circle);
    REG(GEO_GEOHASH_TO_CENTRAL_POINT, f_geohash_to_central_point);
    REG(GEO_GEOHASH_TO_POLYGON, f_geohash_to_polygon);
    REG(GEO_GEOHASH_NEIGHBORS, f_geohash_neighbors);
#undef REG
    /* A null accuracy yields "", not a null string; handled in the function. */
    t[MSOC_PLAN_FN_GEO_POINT_TO_GEOHASH] = (xfn_impl){f_point_to_geohash, NULL, false};
}
