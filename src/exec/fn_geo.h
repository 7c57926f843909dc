/* Geospatial helpers shared by fn_geo*.c (exec-internal). Kusto's geodesics use a
 * sphere of radius 6371010 m (S2Earth); points are (longitude, latitude) in degrees, and
 * shapes are GeoJSON values (see src/exec/README.md). */
#ifndef MSOC_EXEC_FN_GEO_H
#define MSOC_EXEC_FN_GEO_H

#include "exec_int.h"

#define MSOC_GEO_EARTH_RADIUS 6371010.0
#define MSOC_GEO_PI 3.14159265358979323846

typedef struct geo_xyz {
    double x, y, z;
} geo_xyz;

/* A value read as a real; false when it is null or not numeric. */
bool msoc_geo__real(xq *q, xval v, double *out);
/* lng in [-180, 180] and lat in [-90, 90], both finite. */
bool msoc_geo__valid(double lng, double lat);
/* Unit vector of (lng, lat) degrees, and back. */
geo_xyz msoc_geo__to_xyz(double lng, double lat);
void msoc_geo__from_xyz(geo_xyz p, double *lng, double *lat);
/* Great-circle angle between two unit vectors (radians). */
double msoc_geo__angle(geo_xyz a, geo_xyz b);
/* {"type":"Point","coordinates":[lng,lat]} (a new reference, not owned by q). */
json_t *msoc_geo__point_json(double lng, double lat);
/* [lng, lat] (a new reference). */
json_t *msoc_geo__coord_json(double lng, double lat);

/* S2 cells (fn_geo_s2.c). Tokens are hex without trailing zeros (buf >= 17 bytes). */
size_t msoc_geo__s2_token(uint64_t id, char *buf);
bool msoc_geo__s2_parse(msoc_str tok, uint64_t *id);
uint64_t msoc_geo__s2_from_point(double lng, double lat, int level);
void msoc_geo__s2_center(uint64_t id, double *lng, double *lat);
void msoc_geo__s2_vertices(uint64_t id, double lng[4], double lat[4]);
/* The (up to 8) cells around a cell at its level, in S2's order; may repeat at cube corners. */
size_t msoc_geo__s2_neighbors(uint64_t id, uint64_t out_ids[8]);

/* ---- shapes (fn_geo_shape.c) ---- */
typedef struct geo_pt {
    double lng, lat;
} geo_pt;
/* A line, or a closed ring (last point == first point). */
typedef struct geo_line {
    size_t n;
    geo_pt *p;
} geo_line;
typedef struct geo_poly {
    size_t n_rings; /* rings[0] is the shell, the rest are holes */
    geo_line *rings;
} geo_poly;
typedef enum geo_kind {
    GEO_K_POINT,
    GEO_K_MULTIPOINT,
    GEO_K_LINE,
    GEO_K_MULTILINE,
    GEO_K_POLYGON,
    GEO_K_MULTIPOLYGON,
    GEO_K_COLLECTION,
} geo_kind;
/* A parsed GeoJSON geometry. Points (and multipoints) are in lines[0]; lines are
 * lines[0..n_lines); polygons are polys[0..n_polys). A collection flattens its
 * members into the same arrays. */
typedef struct geo_shape {
    geo_kind kind;
    size_t n_lines;
    geo_line *lines;
    size_t n_polys;
    geo_poly *polys;
} geo_shape;

/* Parses a GeoJSON geometry with Kusto's validity rules (coordinates in range, lines
 * of 2+ points, rings closed with 4+ entries and 3+ distinct vertices). False when
 * invalid or when the arena's budget runs out. Memory comes from arena. */
bool msoc_geo__shape_parse(msoc_arena *arena, const json_t *j, geo_shape *out);
/* Whether x lies in a polygon of s; the distance in metres from x to the lines of s
 * (fn_geo_poly.c). */
bool msoc_geo__shape_contains(const geo_shape *s, geo_xyz x);
double msoc_geo__lines_distance(const geo_shape *s, geo_xyz x);
/* WKT text to a GeoJSON value (a new reference), NULL when the text is not valid WKT. */
json_t *msoc_geo__wkt_to_json(const char *p, size_t len);

/* ---- H3 cell indexes (fn_geo_h3.c) ---- */
bool msoc_geo__h3_valid(uint64_t h);
bool msoc_geo__h3_parse(msoc_str tok, uint64_t *out);
/* Lower-case hex without leading zeros (buf >= 17 bytes). */
size_t msoc_geo__h3_token(uint64_t h, char *buf);
/* The ancestor at res (res <= the cell's resolution). */
uint64_t msoc_geo__h3_parent(uint64_t h, int res);

/* ---- H3 grid geometry (fn_geo_h3_grid.c) ---- */
typedef struct h3_ijk {
    int64_t i, j, k;
} h3_ijk;
/* A lattice point of resolution res in face's (extended) plane. */
typedef struct h3_fpos {
    int face, res;
    h3_ijk c;
    int turn; /* counter-clockwise 60-degree turns from the face frame to the index's digits */
} h3_fpos;
typedef enum msoc_geo_h3_status {
    MSOC_GEO_H3_OK,
    MSOC_GEO_H3_UNSUPPORTED, /* pentagon base cell, or the grid failed its self-checks */
} msoc_geo_h3_status;

/* Unit vectors of digits 0..6: centre, K, J, JK, I, IK, IJ. */
extern const h3_ijk MSOC_GEO_H3_UNIT[7];
void msoc_geo__h3_ijk_normalize(h3_ijk *c);
h3_ijk msoc_geo__h3_ijk_add(h3_ijk a, h3_ijk b);
h3_ijk msoc_geo__h3_ijk_sub(h3_ijk a, h3_ijk b);
/* The centre of the same cell on the next finer lattice (counter-clockwise for class
 * III resolutions), and its inverse (the coarser cell containing c). */
h3_ijk msoc_geo__h3_ijk_down(h3_ijk c, bool is_ccw);
h3_ijk msoc_geo__h3_ijk_up(h3_ijk c, bool is_ccw);
/* The digit whose unit vector is c, or -1. */
int msoc_geo__h3_unit_digit(h3_ijk c);
/* Digit d turned n_ccw times by 60 degrees counter-clockwise (0 stays 0). */
int msoc_geo__h3_rotate_digit(int d, int n_ccw);
/* Builds the grid tables once; false when the derivation failed its checks. */
bool msoc_geo__h3_grid_ready(void);
bool msoc_geo__h3_base_is_pentagon(int bc);
/* The cell of (lng, lat) degrees at res. */
msoc_geo_h3_status msoc_geo__h3_from_ll(double lng, double lat, int res, uint64_t *out);
/* A valid cell's position: in its base cell's home-face frame, or for a pentagon base
 * cell in the frame of the face its leading digit's sector faces; false for the
 * pentagon cells themselves (all digits 0). */
bool msoc_geo__h3_home_pos(uint64_t h, h3_fpos *out);
/* The cell at a lattice position (the position may lie beyond its face's edge). */
msoc_geo_h3_status msoc_geo__h3_fpos_cell(h3_fpos p, uint64_t *out);
/* Centre and boundary (6 vertices counter-clockwise, as H3 orders them) of a valid
 * cell; false / 0 when not supported (pentagon base cells, class III cells across
 * an icosahedron edge). */
bool msoc_geo__h3_center(uint64_t h, double *lng, double *lat);
size_t msoc_geo__h3_boundary(uint64_t h, double lng[6], double lat[6]);

#endif
