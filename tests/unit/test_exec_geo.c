/* Geospatial math beyond what the oracle checks: geohash and S2 round trips over
 * random points, cell containment, neighbour symmetry, parent/child prefixes, and
 * distances/azimuths with closed-form answers on Kusto's sphere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "core/rng.h"
#include "exec/exec.h"
#include "exec/fn_geo.h"
#include "kql/kql.h"
#include "plan/bind.h"

/* Runs text; returns the first cell as text in buf (or "ERR <code>"). */
static void run1(const char *text, char *buf, size_t cap)
{
    msoc_exec_options o = {0};
    o.now = 1;
    msoc_exec_query *q = msoc_exec_query_new(&o);
    msoc_arena *arena = msoc_exec_query_arena(q);
    msoc_error err;
    msoc_error_clear(&err);
    msoc_kql_node *root;
    msoc_plan_node *plan;
    const msoc_exec_table *t;
    msoc_plan_catalog cat = {.now = 1};
    if (msoc_kql_parse(text, strlen(text), arena, &root, &err) != MSOC_OK ||
        msoc_plan_bind(root, &cat, arena, &plan, &err) != MSOC_OK ||
        msoc_plan_optimize(plan, arena, &err) != MSOC_OK || msoc_exec_run(q, plan, &t, &err) != MSOC_OK) {
        snprintf(buf, cap, "ERR %s %s", msoc_status_str(err.code), err.msg);
    } else if (t->n_rows == 0 || t->n_cols == 0) {
        snprintf(buf, cap, "EMPTY");
    } else {
        msoc_buf b;
        msoc_buf_init(&b, 1 << 20);
        msoc_buf_reserve(&b, 1);
        msoc_exec_cell_text(t->cols[0], 0, &b);
        snprintf(buf, cap, "%.*s", (int)b.len, b.data);
        msoc_buf_fini(&b);
    }
    msoc_exec_query_free(q);
}

static void expect(const char *text, const char *want)
{
    char got[2000];
    run1(text, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("%s\n  expected %s\n  got      %s", text, want, got);
}

static double run_real(const char *text)
{
    char got[200];
    run1(text, got, sizeof got);
    char *end;
    double v = strtod(got, &end);
    if (end == got)
        fail_msg("%s: not a number: %s", text, got);
    return v;
}

static void expect_near(const char *text, double want, double tol)
{
    double v = run_real(text);
    if (!(fabs(v - want) <= tol))
        fail_msg("%s\n  expected %.17g (+-%g)\n  got      %.17g", text, want, tol, v);
}

static double rnd(msoc_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(msoc_rng_next(r) >> 11) / 9007199254740992.0);
}

static void test_distance_azimuth(void **state)
{
    (void)state;
    const double R = 6371010.0, PI = 3.14159265358979323846;
    /* a quarter of the equator, pole to equator, antipodes */
    expect_near("print geo_distance_2points(0, 0, 90, 0)", PI / 2 * R, 1e-6);
    expect_near("print geo_distance_2points(17, 0, 123, 90)", PI / 2 * R, 1e-6);
    expect_near("print geo_distance_2points(-30, 10, 150, -10)", PI * R, 1e-6);
    expect_near("print geo_distance_2points(1, 2, 1, 2)", 0, 0);
    /* due east/north/south/west on the equator */
    expect_near("print geo_azimuth(0, 0, 1, 0)", PI / 2, 1e-12);
    expect_near("print geo_azimuth(0, 0, 0, 1)", 0, 1e-12);
    expect_near("print geo_azimuth(0, 0, 0, -1)", PI, 1e-12);
    expect_near("print geo_azimuth(0, 0, -1, 0)", 3 * PI / 2, 1e-12);
    /* a right angle, clockwise from the first line to the second */
    expect_near("print geo_angle(0, 1, 0, 0, 1, 0)", PI / 2, 1e-12);
    expect_near("print geo_angle(1, 0, 0, 0, 0, 1)", 3 * PI / 2, 1e-12);
    expect("print isnull(geo_azimuth(0, 0, 0, 0))", "true");
    expect("print isnull(geo_distance_2points(0, 91, 0, 0))", "true");
    expect("print isnull(geo_distance_2points(0, 0, -181, 0))", "true");
    expect("print geo_point_in_circle(0, 0, 1, 0, 111200)", "true");
    expect("print geo_point_in_circle(0, 0, 1, 0, 111100)", "false");
    expect("print isnull(geo_point_in_circle(0, 0, 1, 0, -5))", "true");
}

static void test_geohash(void **state)
{
    (void)state;
    /* the classic example point of the geohash scheme */
    expect("print geo_point_to_geohash(10.40744, 57.64911, 11)", "u4pruydqqvj");
    expect("print geo_point_to_geohash(0, 0, 1)", "s");
    expect("print geo_point_to_geohash(-0.000001, -0.000001, 1)", "7");
    expect("print geo_point_to_geohash(10, 10, 19)", "");
    expect("print geo_point_to_geohash(10, 10, 0)", "");
    expect("print geo_point_to_geohash(200, 10)", "");
    expect("print tostring(geo_geohash_to_central_point('s'))",
           "{\"type\":\"Point\",\"coordinates\":[22.5,22.5]}");
    expect("print isnull(geo_geohash_to_polygon('sa'))", "true"); /* 'a' is not a geohash digit */
    expect("print isnull(geo_geohash_to_polygon(''))", "true");
    /* a corner cell has 3 neighbours within the poles (and wraps in longitude) */
    expect("print array_length(geo_geohash_neighbors('b'))", "5");
    expect("print array_length(geo_geohash_neighbors('sunny'))", "8");
    /* random points: the encoded cell contains the point at every accuracy */
    msoc_rng r;
    msoc_rng_seed(&r, 42);
    char text[800], hash[64], got[300];
    for (int k = 0; k < 40; k++) {
        double lng = rnd(&r, -180, 180), lat = rnd(&r, -90, 90);
        int acc = 1 + (int)(msoc_rng_next(&r) % 12);
        snprintf(text, sizeof text, "print geo_point_to_geohash(%.10f, %.10f, %d)", lng, lat, acc);
        run1(text, hash, sizeof hash);
        assert_int_equal(strlen(hash), acc);
        snprintf(text, sizeof text,
                 "print p = geo_geohash_to_polygon('%s') | project lo = todouble(p.coordinates[0][0][0]) <= %.10f"
                 " and todouble(p.coordinates[0][2][0]) >= %.10f and todouble(p.coordinates[0][0][1]) <= %.10f"
                 " and todouble(p.coordinates[0][2][1]) >= %.10f",
                 hash, lng, lng, lat, lat);
        run1(text, got, sizeof got);
        if (strcmp(got, "true") != 0)
            fail_msg("(%f, %f) -> %s: cell does not contain the point", lng, lat, hash);
        /* the centre encodes back to the same hash */
        snprintf(text, sizeof text,
                 "print c = geo_geohash_to_central_point('%s') | project geo_point_to_geohash(todouble(c.coordinates[0]),"
                 " todouble(c.coordinates[1]), %d)",
                 hash, acc);
        run1(text, got, sizeof got);
        assert_string_equal(got, hash);
    }
}

static void test_s2_cells(void **state)
{
    (void)state;
    msoc_rng r;
    msoc_rng_seed(&r, 7);
    char tok[20];
    for (int k = 0; k < 2000; k++) {
        double lng = rnd(&r, -180, 180), lat = rnd(&r, -90, 90);
        int level = (int)(msoc_rng_next(&r) % 31);
        uint64_t id = msoc_geo__s2_from_point(lng, lat, level);
        size_t n = msoc_geo__s2_token(id, tok);
        uint64_t back;
        assert_true(msoc_geo__s2_parse((msoc_str){tok, n}, &back));
        assert_true(back == id);
        /* the centre lies in the same cell */
        double clng, clat;
        msoc_geo__s2_center(id, &clng, &clat);
        assert_true(msoc_geo__s2_from_point(clng, clat, level) == id);
        /* the parent (the point's cell one level up) contains this cell's centre */
        if (level > 0)
            assert_true(msoc_geo__s2_from_point(clng, clat, level - 1) == msoc_geo__s2_from_point(lng, lat, level - 1));
        /* a leaf cell's centre is within 1 cm of the point */
        if (level == 30) {
            geo_xyz a = msoc_geo__to_xyz(lng, lat), b = msoc_geo__to_xyz(clng, clat);
            assert_true(msoc_geo__angle(a, b) * MSOC_GEO_EARTH_RADIUS < 0.01);
        }
    }
    /* known structure: face cells are 1..b (odd), "a" is not a valid token */
    uint64_t id;
    assert_true(msoc_geo__s2_parse((msoc_str){"1", 1}, &id));
    assert_true(msoc_geo__s2_parse((msoc_str){"b", 1}, &id));
    assert_false(msoc_geo__s2_parse((msoc_str){"a", 1}, &id));
    assert_false(msoc_geo__s2_parse((msoc_str){"d", 1}, &id)); /* face 6 */
    assert_false(msoc_geo__s2_parse((msoc_str){"1x", 2}, &id));
    /* the north pole is on face 2, the south pole on face 5 */
    msoc_geo__s2_token(msoc_geo__s2_from_point(0, 90, 0), tok);
    assert_string_equal(tok, "5");
    msoc_geo__s2_token(msoc_geo__s2_from_point(0, -90, 0), tok);
    assert_string_equal(tok, "b");
    msoc_geo__s2_token(msoc_geo__s2_from_point(0, 0, 0), tok);
    assert_string_equal(tok, "1");
    /* neighbours are symmetric and 8 for a cell away from cube corners */
    expect("print array_length(geo_s2cell_neighbors('89c259'))", "8");
    char text[1200], got[300];
    expect("print n = geo_s2cell_neighbors('89c259') | mv-expand n to typeof(string) | extend back = "
           "set_has_element(geo_s2cell_neighbors(n), '89c259') | summarize countif(back)",
           "8");
    /* a face cell touches 4 other faces (its 8 neighbour slots collapse to 4 distinct cells) */
    expect("print array_length(geo_s2cell_neighbors('1'))", "4");
    /* a covering holds the cell of every point inside the polygon, and only cells near it */
    const char *tri = "dynamic({'type':'Polygon','coordinates':[[[-74,40.7],[-73.9,40.7],[-73.95,40.8],[-74,40.7]]]})";
    msoc_rng pr;
    msoc_rng_seed(&pr, 3);
    for (int k = 0; k < 30; k++) {
        double lng = rnd(&pr, -74, -73.9), lat = rnd(&pr, 40.7, 40.8);
        snprintf(text, sizeof text,
                 "print p = %s | extend inside = geo_point_in_polygon(%.8f, %.8f, p),"
                 " covered = set_has_element(geo_polygon_to_s2cells(p, 13), geo_point_to_s2cell(%.8f, %.8f, 13))"
                 " | project iff(inside and not(covered), 'missing', 'ok')",
                 tri, lng, lat, lng, lat);
        run1(text, got, sizeof got);
        assert_string_equal(got, "ok");
    }
    snprintf(text, sizeof text,
             "print c = geo_polygon_to_s2cells(%s, 13) | mv-expand c to typeof(string)"
             " | extend p = geo_s2cell_to_central_point(c)"
             " | summarize countif(geo_distance_point_to_polygon(todouble(p.coordinates[0]), todouble(p.coordinates[1]), %s) > 1500)",
             tri, tri);
    run1(text, got, sizeof got);
    assert_string_equal(got, "0");
    snprintf(text, sizeof text, "print isnull(geo_s2cell_to_central_point('a'))");
    run1(text, got, sizeof got);
    assert_string_equal(got, "true");
}

static void test_wkt_and_geojson(void **state)
{
    (void)state;
    expect("print tostring(geo_from_wkt('POINT (1 2)'))", "{\"type\":\"Point\",\"coordinates\":[1.0,2.0]}");
    expect("print tostring(geo_from_wkt(' multipoint ((1 2), (3 4)) '))",
           "{\"type\":\"MultiPoint\",\"coordinates\":[[1.0,2.0],[3.0,4.0]]}");
    expect("print tostring(geo_from_wkt('MULTILINESTRING ((1 1, 2 2), (3 3, 4 4))'))",
           "{\"type\":\"MultiLineString\",\"coordinates\":[[[1.0,1.0],[2.0,2.0]],[[3.0,3.0],[4.0,4.0]]]}");
    expect("print tostring(geo_from_wkt('POLYGON ((0 0, 2 0, 2 2, 0 0), (0.5 0.2, 1.5 0.2, 1.5 1, 0.5 0.2))'))",
           "{\"type\":\"Polygon\",\"coordinates\":[[[0.0,0.0],[2.0,0.0],[2.0,2.0],[0.0,0.0]],"
           "[[0.5,0.2],[1.5,0.2],[1.5,1.0],[0.5,0.2]]]}");
    /* malformed or out-of-range WKT is null */
    static const char *bad[] = {"POINT (1)", "POINT 1 2", "LINESTRING (1 1)", "POLYGON ((0 0, 1 0, 1 1))",
                                "POLYGON ((0 0, 1 0, 0 0, 0 0))", "POINT (200 0)", "POINT (1 2) x",
                                "CIRCLE (1 2)", "", "GEOMETRYCOLLECTION (POINT (1 1)", "POINT (1e999 0)"};
    char text[300];
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        snprintf(text, sizeof text, "print isnull(geo_from_wkt('%s'))", bad[k]);
        expect(text, "true");
    }
    /* GeoJSON rules: closed rings of 4+ entries, lines of 2+ points, coordinates in range */
    expect("print isnull(geo_polygon_area(dynamic({'type':'Polygon','coordinates':[[[0,0],[1,0],[1,1],[0,1]]]})))",
           "true");
    expect("print isnull(geo_line_length(dynamic({'type':'LineString','coordinates':[[0,0],[1,95]]})))", "true");
    expect("print isnull(geo_line_length(dynamic({'type':'Polygon','coordinates':[[[0,0],[1,0],[1,1],[0,0]]]})))",
           "true");
    expect("print isnull(geo_line_length(dynamic({'type':'LineString','coordinates':[[0,0],['a',1]]})))", "true");
    /* a GeoJSON string is read like the dynamic value */
    expect("print geo_line_length('{\"type\":\"LineString\",\"coordinates\":[[0,0],[0,0]]}')", "0");
}

static void test_lines_and_polygons(void **state)
{
    (void)state;
    const double R = 6371010.0, PI = 3.14159265358979323846;
    /* one degree of a meridian; a multi-line sums its parts */
    expect_near("print geo_line_length(dynamic({'type':'LineString','coordinates':[[10,0],[10,0.5],[10,1]]}))",
                PI / 180 * R, 1e-6);
    expect_near("print geo_line_length(dynamic({'type':'MultiLineString','coordinates':[[[0,0],[1,0]],[[5,5],[5,6]]]}))",
                2 * PI / 180 * R, 1e-6);
    /* the octant triangle covers an eighth of the sphere, whichever way it is wound */
    expect_near("print geo_polygon_area(dynamic({'type':'Polygon','coordinates':[[[0,0],[90,0],[0,90],[0,0]]]}))",
                PI * R * R / 2, 1e-3);
    expect_near("print geo_polygon_area(dynamic({'type':'Polygon','coordinates':[[[0,0],[0,90],[90,0],[0,0]]]}))",
                PI * R * R / 2, 1e-3);
    expect_near("print geo_polygon_perimeter(dynamic({'type':'Polygon','coordinates':[[[0,0],[90,0],[0,90],[0,0]]]}))",
                3 * PI / 2 * R, 1e-6);
    /* its centroid lies on the diagonal, at equal distance from the three vertices */
    expect_near("print c = geo_polygon_centroid(dynamic({'type':'Polygon','coordinates':[[[0,0],[90,0],[0,90],[0,0]]]}))"
                " | project todouble(c.coordinates[0])",
                45, 1e-9);
    /* a multipolygon measures the union of its parts: a part inside another adds nothing,
     * disjoint parts add up (either winding) */
    const char *outer = "[[[0,0],[4,0],[4,4],[0,4],[0,0]]]", *inner = "[[[1,1],[2,1],[2,2],[1,2],[1,1]]]";
    const char *far_cw = "[[[10,10],[10,12],[12,12],[12,10],[10,10]]]";
    char q1[600], q2[600];
    snprintf(q1, sizeof q1, "print geo_polygon_area(dynamic({'type':'MultiPolygon','coordinates':[%s,%s]}))", outer, inner);
    snprintf(q2, sizeof q2, "print geo_polygon_area(dynamic({'type':'Polygon','coordinates':%s}))", outer);
    assert_true(fabs(run_real(q1) - run_real(q2)) < 1e-3);
    snprintf(q1, sizeof q1, "print geo_polygon_perimeter(dynamic({'type':'MultiPolygon','coordinates':[%s,%s]}))", inner, outer);
    snprintf(q2, sizeof q2, "print geo_polygon_perimeter(dynamic({'type':'Polygon','coordinates':%s}))", outer);
    assert_true(fabs(run_real(q1) - run_real(q2)) < 1e-6);
    snprintf(q1, sizeof q1, "print geo_polygon_area(dynamic({'type':'MultiPolygon','coordinates':[%s,%s]}))", outer, far_cw);
    snprintf(q2, sizeof q2,
             "print geo_polygon_area(dynamic({'type':'Polygon','coordinates':%s}))"
             " + geo_polygon_area(dynamic({'type':'Polygon','coordinates':%s}))",
             outer, far_cw);
    assert_true(fabs(run_real(q1) - run_real(q2)) < 1e-3);
    /* two overlapping parts: less than the sum, more than either */
    snprintf(q1, sizeof q1,
             "print geo_polygon_area(dynamic({'type':'MultiPolygon','coordinates':[%s,[[[2,2],[6,2],[6,6],[2,6],[2,2]]]]}))",
             outer);
    double both = run_real(q1), one = run_real(q2) - run_real("print geo_polygon_area(dynamic({'type':'Polygon','coordinates':[[[10,10],[10,12],[12,12],[12,10],[10,10]]]}))");
    assert_true(both > one * 1.7 && both < one * 1.8); /* 2 - 1/4 of a square, roughly */
    /* a point buffer: vertices on the circle, the centre inside, the area close to pi r^2 */
    expect("print b = geo_point_buffer(10, 50, 5000) | mv-expand c = b.coordinates[0]"
           " | summarize countif(abs(geo_distance_2points(10, 50, todouble(c[0]), todouble(c[1])) - 5000) > 1e-6)",
           "0");
    expect("print geo_point_in_polygon(10, 50, geo_point_buffer(10, 50, 5000))", "true");
    expect_near("print geo_polygon_area(geo_point_buffer(10, 50, 5000)) / (pi() * 5000 * 5000)", 0.9993, 0.0005);
    /* small radii need fewer vertices for the same tolerance: ceil(pi / acos(1 - 0.1 / 10)) = 23 */
    expect("print array_length(geo_point_buffer(10, 50, 10).coordinates[0])", "24");
    expect("print isnull(geo_point_buffer(10, 50, 0))", "true");
    /* a hole: inside the shell but in the hole is outside the polygon */
    const char *holed = "dynamic({'type':'Polygon','coordinates':[[[0,0],[10,0],[10,10],[0,10],[0,0]],"
                        "[[4,4],[4,6],[6,6],[6,4],[4,4]]]})";
    char text[600];
    snprintf(text, sizeof text, "print geo_point_in_polygon(2, 2, %s)", holed);
    expect(text, "true");
    snprintf(text, sizeof text, "print geo_point_in_polygon(5, 5, %s)", holed);
    expect(text, "false");
    snprintf(text, sizeof text, "print geo_point_in_polygon(-1, 5, %s)", holed);
    expect(text, "false");
    snprintf(text, sizeof text, "print geo_point_in_polygon(175, -5, %s)", holed);
    expect(text, "false");
    /* the hole's centre is 1 degree of latitude-ish from the hole's edge (the edge at lat 6 is a geodesic) */
    snprintf(text, sizeof text, "print geo_distance_point_to_polygon(5, 5, %s) between (0.99 * %f .. 1.01 * %f)", holed,
             PI / 180 * R, PI / 180 * R);
    expect(text, "true");
    snprintf(text, sizeof text, "print geo_distance_point_to_polygon(2, 2, %s)", holed);
    expect(text, "0");
    /* distance from the equator to a meridian segment that starts north of it: to its end point */
    expect_near("print geo_distance_point_to_line(0, 0, dynamic({'type':'LineString','coordinates':[[0,1],[0,2]]}))",
                PI / 180 * R, 1e-6);
    /* ... and to the middle of a segment crossing the equator east of it */
    expect_near("print geo_distance_point_to_line(0, 0, dynamic({'type':'LineString','coordinates':[[3,-1],[3,1]]}))",
                3 * PI / 180 * R, 1e-6);
    /* interpolate and locate are inverse along the equator */
    expect_near("print p = geo_line_interpolate_point(dynamic({'type':'LineString','coordinates':[[0,0],[10,0],[20,0]]}), 0.25)"
                " | project todouble(p.coordinates[0])",
                5, 1e-9);
    expect_near("print geo_line_locate_point(dynamic({'type':'LineString','coordinates':[[0,0],[10,0],[20,0]]}), 15, 1)",
                0.75, 1e-9);
    /* densify: a planar edge halved until each piece is within the tolerance, so
     * tighter tolerances give more points, and the end points are kept */
    expect("print array_length(geo_line_densify(dynamic({'type':'LineString','coordinates':[[50,50],[51,51]]}), 1000).coordinates)",
           "2");
    expect("print array_length(geo_line_densify(dynamic({'type':'LineString','coordinates':[[50,50],[51,51]]}), 100).coordinates)",
           "3");
    expect("print array_length(geo_line_densify(dynamic({'type':'LineString','coordinates':[[50,50],[51,51]]}), 1).coordinates)",
           "33");
    expect("print isnull(geo_line_densify(dynamic({'type':'LineString','coordinates':[[50,50],[51,51]]}), 0.01))", "true");
    /* intersection tests */
    expect("print geo_intersects_2lines(dynamic({'type':'LineString','coordinates':[[0,0],[2,2]]}),"
           " dynamic({'type':'LineString','coordinates':[[0,2],[2,0]]}))",
           "true");
    expect("print geo_intersects_2lines(dynamic({'type':'LineString','coordinates':[[0,0],[2,2]]}),"
           " dynamic({'type':'LineString','coordinates':[[3,3],[4,4]]}))",
           "false");
    expect("print geo_intersects_2polygons(dynamic({'type':'Polygon','coordinates':[[[0,0],[10,0],[10,10],[0,0]]]}),"
           " dynamic({'type':'Polygon','coordinates':[[[6,1],[7,1],[7,2],[6,1]]]}))",
           "true");
    expect("print geo_intersects_line_with_polygon(dynamic({'type':'LineString','coordinates':[[20,20],[30,30]]}),"
           " dynamic({'type':'Polygon','coordinates':[[[0,0],[10,0],[10,10],[0,0]]]}))",
           "false");
}

static void test_h3_indexes(void **state)
{
    (void)state;
    uint64_t h;
    /* the 12 pentagons at resolution 0, and an ordinary hexagon */
    assert_true(msoc_geo__h3_parse((msoc_str){"8009fffffffffff", 15}, &h));
    assert_true(msoc_geo__h3_parse((msoc_str){"80ebfffffffffff", 15}, &h));
    assert_true(msoc_geo__h3_parse((msoc_str){"8928308280fffff", 15}, &h));
    assert_false(msoc_geo__h3_parse((msoc_str){"8928308287fffff", 15}, &h)); /* digit 7 inside the resolution */
    assert_false(msoc_geo__h3_parse((msoc_str){"8928308280ffff0", 15}, &h)); /* digit below the resolution */
    assert_false(msoc_geo__h3_parse((msoc_str){"80f5fffffffffff", 15}, &h)); /* base cell 122 */
    assert_false(msoc_geo__h3_parse((msoc_str){"1", 1}, &h));                /* mode 0 */
    /* a pentagon has no sub-digit 1 (K axis) at the first non-zero digit */
    assert_false(msoc_geo__h3_parse((msoc_str){"81087ffffffffff", 15}, &h)); /* base 4, digit 1 = 1 */
    assert_true(msoc_geo__h3_parse((msoc_str){"81097ffffffffff", 15}, &h));  /* base 4, digit 1 = 5 */
    expect("print geo_h3cell_level('8928308280fffff')", "9");
    expect("print gettype(geo_h3cell_level('8928308280fffff'))", "int");
    expect("print geo_h3cell_parent('8928308280fffff', 0)", "8029fffffffffff");
    expect("print geo_h3cell_parent('8928308280fffff', 9)", "8928308280fffff");
    expect("print geo_h3cell_parent(geo_h3cell_parent('8928308280fffff'))", "872830828ffffff");
    expect("print geo_h3cell_parent('8029fffffffffff')", "");
    /* children: 7 per level, 6 below a pentagon's centre, and each child's parent is the cell */
    expect("print array_length(geo_h3cell_children('8928308280fffff', 12))", "343");
    expect("print array_length(geo_h3cell_children('8009fffffffffff'))", "6");
    expect("print array_length(geo_h3cell_children('8009fffffffffff', 2))", "41"); /* 1 + 5 * (7^2 - 1) / 6 */
    expect("print c = geo_h3cell_children('8928308280fffff', 11) | mv-expand c to typeof(string)"
           " | summarize countif(geo_h3cell_parent(c, 9) == '8928308280fffff'), dcount(c)",
           "49");
    expect("print isnull(geo_h3cell_children('8928308280fffff', 15))", "true");
    expect("print isnull(geo_h3cell_children('8928308280fffff', 8))", "true");
    /* neighbours are symmetric, and rings grow by 6 per step with no repeats */
    expect("print n = geo_h3cell_neighbors('8928308280fffff') | mv-expand n to typeof(string)"
           " | summarize countif(set_has_element(geo_h3cell_neighbors(n), '8928308280fffff'))",
           "6");
    expect("print r = geo_h3cell_rings('8928308280fffff', 3) | project array_length(r[0]), array_length(r[1]),"
           " array_length(r[2]), array_length(r[3])",
           "1");
    expect("print r = geo_h3cell_rings('8928308280fffff', 3) | project array_length(r[3])", "18");
    expect("print r = geo_h3cell_rings('8928308280fffff', 3) | mv-expand r | mv-expand r to typeof(string)"
           " | summarize dcount(r)",
           "37");
    /* a walk that leaves the base cell, or a pentagon's, is refused by name, not answered */
    char got[400];
    run1("print geo_h3cell_neighbors('8009fffffffffff')", got, sizeof got);
    assert_non_null(strstr(got, "ERR not_supported"));
    expect("print isnull(geo_h3cell_neighbors('zz'))", "true");
    expect("print geo_point_to_h3cell(200, 0, 5)", "");
    /* the centre of a cell in a pentagon base cell is refused by name */
    run1("print geo_h3cell_to_central_point('8009fffffffffff')", got, sizeof got);
    assert_non_null(strstr(got, "ERR not_supported"));
}

/* Great-circle angle between two (lng, lat) points. */
static double ang_ll(double lng1, double lat1, double lng2, double lat2)
{
    return msoc_geo__angle(msoc_geo__to_xyz(lng1, lat1), msoc_geo__to_xyz(lng2, lat2));
}

static void test_h3_geometry(void **state)
{
    (void)state;
    assert_true(msoc_geo__h3_grid_ready());
    /* the derived grid puts the 12 pentagons on the base cells the standard names */
    static const int PENT[12] = {4, 14, 24, 38, 49, 58, 63, 72, 83, 97, 107, 117};
    int n_pent = 0;
    for (int bc = 0; bc < 122; bc++) {
        bool is_listed = false;
        for (int k = 0; k < 12; k++)
            is_listed = is_listed || PENT[k] == bc;
        assert_int_equal(msoc_geo__h3_base_is_pentagon(bc), is_listed);
        n_pent += is_listed;
    }
    assert_int_equal(n_pent, 12);
    /* published examples: the H3 README's point, and Kusto's documentation example */
    expect("print geo_point_to_h3cell(-122.0553238, 37.3615593, 7)", "87283472bffffff");
    expect("print geo_point_to_h3cell(-74.04450446039874, 40.689250859314974, 6)", "862a1072fffffff");
    expect_near("print geo_h3cell_to_central_point('862a1072fffffff').coordinates[1]", 40.704167908350385, 1e-9);
    expect("print geo_h3cell_level(geo_point_to_h3cell(0, 51.5, 15))", "15");
    expect("print geo_h3cell_level(geo_point_to_h3cell(-60, -60, 0))", "0");
    expect("print geo_h3cell_parent(geo_point_to_h3cell(-74.0445, 40.6893, 6), 0)", "802bfffffffffff");

    msoc_rng r;
    msoc_rng_seed(&r, 11);
    char tok[20];
    int n_ok = 0, n_refused = 0;
    for (int k = 0; k < 3000; k++) {
        double lng = rnd(&r, -180, 180), lat = asin(rnd(&r, -1, 1)) * 180 / MSOC_GEO_PI;
        int res = (int)msoc_rng_below(&r, 16);
        uint64_t h;
        if (msoc_geo__h3_from_ll(lng, lat, res, &h) != MSOC_GEO_H3_OK) {
            n_refused++;
            continue;
        }
        n_ok++;
        /* a valid index that parses back to itself, at the asked resolution */
        assert_true(msoc_geo__h3_valid(h));
        size_t n = msoc_geo__h3_token(h, tok);
        uint64_t back;
        assert_true(msoc_geo__h3_parse((msoc_str){tok, n}, &back));
        assert_true(back == h);
        assert_int_equal((int)((h >> 52) & 0xf), res);
        /* point -> cell -> centre -> cell (the pentagon cells themselves are not built) */
        double clng, clat;
        bool is_pent_cell = msoc_geo__h3_base_is_pentagon((int)((h >> 45) & 0x7f));
        for (int d = 1; d <= res && is_pent_cell; d++)
            is_pent_cell = ((h >> ((15 - d) * 3)) & 7) == 0;
        if (is_pent_cell) {
            assert_false(msoc_geo__h3_center(h, &clng, &clat));
            continue;
        }
        assert_true(msoc_geo__h3_center(h, &clng, &clat));
        uint64_t again;
        assert_int_equal(msoc_geo__h3_from_ll(clng, clat, res, &again), MSOC_GEO_H3_OK);
        assert_true(again == h);
        /* the boundary: 6 vertices counter-clockwise around the centre, all about
         * equally far, and the point no farther from the centre than the farthest vertex */
        double vlng[6], vlat[6];
        if (msoc_geo__h3_boundary(h, vlng, vlat) == 6) {
            double dmin = INFINITY, dmax = 0;
            for (int v = 0; v < 6; v++) {
                double d = ang_ll(clng, clat, vlng[v], vlat[v]);
                dmin = d < dmin ? d : dmin;
                dmax = d > dmax ? d : dmax;
                geo_xyz c = msoc_geo__to_xyz(clng, clat), a = msoc_geo__to_xyz(vlng[v], vlat[v]),
                        b = msoc_geo__to_xyz(vlng[(v + 1) % 6], vlat[(v + 1) % 6]);
                /* (a - c) x (b - c) points outwards for a counter-clockwise turn */
                geo_xyz u = {a.x - c.x, a.y - c.y, a.z - c.z}, w = {b.x - c.x, b.y - c.y, b.z - c.z};
                geo_xyz x = {u.y * w.z - u.z * w.y, u.z * w.x - u.x * w.z, u.x * w.y - u.y * w.x};
                assert_true(x.x * c.x + x.y * c.y + x.z * c.z > 0);
            }
            assert_true(dmax < 1.5 * dmin);
            assert_true(ang_ll(lng, lat, clng, clat) <= dmax * 1.0000001);
        }
        /* every child's centre lies in the parent */
        if (res < 15) {
            for (int d = 0; d < 7; d++) {
                uint64_t ch = (h & ~((uint64_t)0xf << 52)) | ((uint64_t)(res + 1) << 52);
                ch = (ch & ~((uint64_t)7 << ((14 - res) * 3))) | ((uint64_t)d << ((14 - res) * 3));
                assert_true(msoc_geo__h3_valid(ch));
                assert_true(msoc_geo__h3_center(ch, &clng, &clat));
                assert_int_equal(msoc_geo__h3_from_ll(clng, clat, res, &again), MSOC_GEO_H3_OK);
                assert_true(again == h);
            }
        }
    }
    assert_int_equal(n_refused, 0);
    assert_int_equal(n_ok, 3000);

    /* pentagons: the cell holding an icosahedron vertex (Fuller's published positions)
     * is its base cell with all digits 0, at every resolution; and points around the
     * vertices never get the missing leading K digit (validity checks it) */
    static const double VERTS[12][2] = {{10.53620, 64.7},    {-143.47849, 50.10320}, {122.3, 39.1},
                                        {-67.13226, 23.71792}, {58.15771, 10.44734},  {-5.24539, 2.30088},
                                        {174.75461, -2.30088}, {-121.84229, -10.44734}, {112.86774, -23.71792},
                                        {-57.7, -39.1},        {36.52151, -50.10320}, {-169.46380, -64.7}};
    for (int v = 0; v < 12; v++) {
        for (int res = 0; res <= 12; res++) {
            uint64_t h;
            assert_int_equal(msoc_geo__h3_from_ll(VERTS[v][0], VERTS[v][1], res, &h), MSOC_GEO_H3_OK);
            assert_int_equal((int)((h >> 45) & 0x7f), PENT[v]);
            for (int d = 1; d <= res; d++)
                assert_int_equal((int)((h >> ((15 - d) * 3)) & 7), 0);
        }
        for (int k = 0; k < 200; k++) {
            double rad = pow(10, -rnd(&r, 0, 5)) * 5;
            uint64_t h;
            int res = (int)msoc_rng_below(&r, 16);
            double lat = VERTS[v][1] + rnd(&r, -rad, rad), lng = VERTS[v][0] + rnd(&r, -rad, rad);
            if (lng > 180)
                lng -= 360;
            if (lng < -180)
                lng += 360;
            assert_int_equal(msoc_geo__h3_from_ll(lng, lat, res, &h), MSOC_GEO_H3_OK);
            assert_true(msoc_geo__h3_valid(h));
        }
    }

    /* neighbours are symmetric, also across base cells and faces (res 0 and 1 cross them all the time) */
    int n_checked = 0;
    for (int k = 0; k < 300; k++) {
        double lng = rnd(&r, -180, 180), lat = asin(rnd(&r, -1, 1)) * 180 / MSOC_GEO_PI;
        char q[400], got[2000];
        snprintf(q, sizeof q,
                 "print h = geo_point_to_h3cell(%.6f, %.6f, %d) | extend n = geo_h3cell_neighbors(h)"
                 " | mv-expand n to typeof(string)"
                 " | summarize countif(set_has_element(geo_h3cell_neighbors(n), h)), count(), dcount(n)",
                 lng, lat, (int)(k % 3));
        run1(q, got, sizeof got);
        if (strstr(got, "ERR not_supported") != NULL)
            continue;
        assert_string_equal(got, "6");
        n_checked++;
    }
    assert_true(n_checked > 100);
    /* inside a pentagon base cell, away from the pentagon: neighbours are symmetric too */
    expect("print h = geo_point_to_h3cell(1, 1, 14) | extend n = geo_h3cell_neighbors(h)"
           " | mv-expand n to typeof(string)"
           " | summarize countif(set_has_element(geo_h3cell_neighbors(n), h)), count(), dcount(n)",
           "6");
    expect("print geo_h3cell_to_central_point(geo_point_to_h3cell(1, 1, 14)).type", "Point");
    /* Kusto's polygon: a closed ring of the 6 vertices */
    expect("print array_length(geo_h3cell_to_polygon('862a1072fffffff').coordinates[0])", "7");
    expect("print isnull(geo_h3cell_to_polygon('zz'))", "true");
    expect("print isnull(geo_h3cell_to_central_point('862a1072ffffff0'))", "true");
}

static void test_line_overlay(void **state)
{
    (void)state;
    char got[400];
    /* chains that share whole edges merge into one chain, in the edges' direction
     * (coordinates come back through unit vectors, so compare them as reals) */
    const char *u2 = "print u = geo_union_lines_array(dynamic([{'type':'LineString','coordinates':[[0,0],[1,0],[2,0]]},"
                     "{'type':'LineString','coordinates':[[1,0],[2,0],[3,0]]}]))";
    char qbuf[600];
    snprintf(qbuf, sizeof qbuf, "%s | project array_length(u.coordinates)", u2);
    expect(qbuf, "4");
    snprintf(qbuf, sizeof qbuf, "%s | project tostring(u.type)", u2);
    expect(qbuf, "LineString");
    for (int k = 0; k < 4; k++) {
        snprintf(qbuf, sizeof qbuf, "%s | project todouble(u.coordinates[%d][0])", u2, k);
        expect_near(qbuf, k, 1e-12);
    }
    expect("print array_length(geo_union_lines_array(dynamic([{'type':'LineString','coordinates':[[5,5],[6,6]]}]))"
           ".coordinates)",
           "2");
    /* a line meets itself everywhere */
    expect("print array_length(geo_intersection_2lines(dynamic({'type':'LineString','coordinates':[[0,0],[1,1],[2,1]]}),"
           "dynamic({'type':'LineString','coordinates':[[0,0],[1,1],[2,1]]})).coordinates)",
           "3");
    /* crossing lines, two separate chains, a reversed twin and a partial overlap are refused by name */
    static const char *const REFUSED[] = {
        "print geo_union_lines_array(dynamic([{'type':'LineString','coordinates':[[0,0],[2,2]]},"
        "{'type':'LineString','coordinates':[[0,2],[2,0]]}]))",
        "print geo_union_lines_array(dynamic([{'type':'LineString','coordinates':[[0,0],[1,0]]},"
        "{'type':'LineString','coordinates':[[5,5],[6,5]]}]))",
        "print geo_union_lines_array(dynamic([{'type':'LineString','coordinates':[[0,0],[1,0]]},"
        "{'type':'LineString','coordinates':[[1,0],[0,0]]}]))",
        "print geo_union_lines_array(dynamic([{'type':'LineString','coordinates':[[0,0],[2,0]]},"
        "{'type':'LineString','coordinates':[[0,0],[1,0]]}]))",
        "print geo_intersection_2lines(dynamic({'type':'LineString','coordinates':[[0,0],[2,2]]}),"
        "dynamic({'type':'LineString','coordinates':[[0,2],[2,0]]}))",
    };
    for (size_t k = 0; k < sizeof REFUSED / sizeof REFUSED[0]; k++) {
        run1(REFUSED[k], got, sizeof got);
        assert_non_null(strstr(got, "ERR not_supported"));
    }
    expect("print isnull(geo_union_lines_array(dynamic([1])))", "true");

    /* a line clipped by the square [0,2]x[0,2]: the crossings lie on its meridian edges */
    const char *sq = "dynamic({'type':'Polygon','coordinates':[[[0,0],[2,0],[2,2],[0,2],[0,0]]]})";
    snprintf(qbuf, sizeof qbuf,
             "print c = geo_intersection_line_with_polygon(dynamic({'type':'LineString','coordinates':[[1,1],[3,1]]}), %s)"
             " | project array_length(c.coordinates), todouble(c.coordinates[0][0]), todouble(c.coordinates[0][1]) > 1,"
             " todouble(c.coordinates[1][0])",
             sq);
    run1(qbuf, got, sizeof got);
    assert_string_equal(got, "2");
    snprintf(qbuf, sizeof qbuf,
             "print c = geo_intersection_line_with_polygon(dynamic({'type':'LineString','coordinates':[[1,1],[3,1]]}), %s)"
             " | project todouble(c.coordinates[1][0])",
             sq);
    expect_near(qbuf, 2, 1e-12);
    snprintf(qbuf, sizeof qbuf,
             "print c = geo_intersection_line_with_polygon(dynamic({'type':'LineString','coordinates':[[-1,1],[3,1]]}), %s)"
             " | project todouble(c.coordinates[0][0])",
             sq);
    expect_near(qbuf, 0, 1e-12);
    snprintf(qbuf, sizeof qbuf,
             "print c = geo_intersection_line_with_polygon(dynamic({'type':'LineString','coordinates':"
             "[[-1,0.5],[1,0.5],[1,3]]}), %s) | project array_length(c.coordinates)",
             sq);
    expect(qbuf, "3");
    snprintf(qbuf, sizeof qbuf,
             "print geo_intersection_line_with_polygon(dynamic({'type':'LineString','coordinates':"
             "[[0.5,0.5],[1.5,1.5]]}), %s).type",
             sq);
    expect(qbuf, "LineString");
    /* two pieces, or a touch at a vertex, are refused by name */
    static const char *const LINES[] = {"[[-1,0.5],[1,0.5],[1,3],[1.5,3],[1.5,1]]", "[[2,2],[3,3],[1,1.5]]"};
    for (size_t k = 0; k < 2; k++) {
        snprintf(qbuf, sizeof qbuf,
                 "print geo_intersection_line_with_polygon(dynamic({'type':'LineString','coordinates':%s}), %s)",
                 LINES[k], sq);
        run1(qbuf, got, sizeof got);
        assert_non_null(strstr(got, "ERR not_supported"));
    }
}

static void test_lookup_plugins(void **state)
{
    (void)state;
    const char *polys = "let P = datatable(name:string, shape:dynamic)["
                        "'a', dynamic({'type':'Polygon','coordinates':[[[0,0],[4,0],[4,4],[0,4],[0,0]]]}),"
                        "'b', dynamic({'type':'Polygon','coordinates':[[[2,2],[6,2],[6,6],[2,6],[2,2]]]}),"
                        "'bad', dynamic({'type':'Polygon','coordinates':[[[2,2],[6,2]]]})];"
                        "let L = datatable(id:long, x:real, y:real)[1, 1.0, 1.0, 2, 3.0, 3.0, 3, 10.0, 10.0];";
    char text[1200];
    /* a point in two polygons matches both; one in none is dropped unless asked for */
    snprintf(text, sizeof text, "%s L | evaluate geo_polygon_lookup(P, shape, x, y) | summarize count()", polys);
    expect(text, "3");
    snprintf(text, sizeof text,
             "%s L | evaluate geo_polygon_lookup(P, shape, x, y, return_unmatched = true) | where id == 3 | project name",
             polys);
    expect(text, "");
    snprintf(text, sizeof text, "%s L | evaluate geo_polygon_lookup(P, shape, x, y) | where id == 2 | summarize make_set(name)",
             polys);
    char got[300];
    run1(text, got, sizeof got);
    assert_true(strcmp(got, "[\"a\",\"b\"]") == 0 || strcmp(got, "[\"b\",\"a\"]") == 0);
    /* the key column appears only with return_lookup_key */
    snprintf(text, sizeof text, "%s L | evaluate geo_polygon_lookup(P, shape, x, y) | getschema | summarize count()", polys);
    expect(text, "4");
    snprintf(text, sizeof text,
             "%s L | evaluate geo_polygon_lookup(P, shape, x, y, return_lookup_key = true) | getschema | summarize count()",
             polys);
    expect(text, "5");
    /* lines within the radius: 1 degree of longitude on the equator is ~111 km */
    const char *lines = "let R = datatable(road:string, line:dynamic)["
                        "'eq', dynamic({'type':'LineString','coordinates':[[0,0],[10,0]]})];"
                        "let L = datatable(x:real, y:real)[5.0, 1.0, 5.0, 0.5];";
    snprintf(text, sizeof text, "%s L | evaluate geo_line_lookup(R, line, x, y, 60000) | summarize count()", lines);
    expect(text, "1");
    snprintf(text, sizeof text, "%s L | evaluate geo_line_lookup(R, line, x, y, 120000) | summarize count()", lines);
    expect(text, "2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance_azimuth),
        cmocka_unit_test(test_geohash),
        cmocka_unit_test(test_s2_cells),
        cmocka_unit_test(test_wkt_and_geojson),
        cmocka_unit_test(test_lines_and_polygons),
        cmocka_unit_test(test_h3_indexes),
        cmocka_unit_test(test_h3_geometry),
        cmocka_unit_test(test_line_overlay),
        cmocka_unit_test(test_lookup_plugins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
