/* libFuzzer target for the geospatial parsers: WKT text (geo_from_wkt), GeoJSON
 * geometries (every geo_* function that takes a line or polygon) and H3 cell tokens.
 * The first byte picks the parser (bit 1: an H3 token, whose valid cells then go
 * through the grid geometry: centre, boundary, lattice position and back, and the
 * point-to-cell of their centre; else bit 0: WKT or GeoJSON). WKT that parses is also
 * fed to the GeoJSON reader, as geo_from_wkt does. Bad input must only ever be
 * rejected, never crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "exec/fn_geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    if (data[0] & 2) {
        uint64_t h;
        if (msoc_geo__h3_parse((msoc_str){text, len}, &h)) {
            double lng, lat, blng[6], blat[6];
            (void)msoc_geo__h3_boundary(h, blng, blat);
            h3_fpos p;
            uint64_t back;
            if (msoc_geo__h3_home_pos(h, &p))
                (void)msoc_geo__h3_fpos_cell(p, &back);
            if (msoc_geo__h3_center(h, &lng, &lat) && msoc_geo__valid(lng, lat))
                (void)msoc_geo__h3_from_ll(lng, lat, (int)((h >> 52) & 0xf), &back);
        }
        return 0;
    }
    msoc_arena *arena = msoc_arena_new(NULL, 16u << 20, "fuzz_geo_shape");
    json_t *j;
    if (data[0] & 1) {
        j = msoc_geo__wkt_to_json(text, len);
    } else {
        json_error_t jerr;
        j = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
    }
    if (j != NULL) {
        geo_shape shape;
        (void)msoc_geo__shape_parse(arena, j, &shape);
        json_decref(j);
    }
    msoc_arena_free(arena);
    return 0;
}
