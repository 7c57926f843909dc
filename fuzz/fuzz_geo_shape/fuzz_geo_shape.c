/* libFuzzer target for the geospatial shape parsers: WKT text (geo_from_wkt) and
 * GeoJSON geometries (every geo_* function that takes a line or polygon). The first
 * byte picks the parser; WKT that parses is also fed to the GeoJSON reader, as
 * geo_from_wkt does. Bad input must only ever be rejected, never crash or leak. */
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "exec/fn_geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    msoc_arena *arena = msoc_arena_new(NULL, 16u << 20, "fuzz_geo_shape");
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
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
