/* libFuzzer target: the hunting routes' parsers (src/api/kusto_parse.h). The first
 * byte picks the parser: Graph's Timespan (ISO-8601 duration or interval) or the
 * .ingest inline CSV reader; the rest is the input. Checks the invariants each
 * promises (a window is non-empty; fields stay inside their record). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/kusto_parse.h"
#include "core/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    msoc_error err;
    msoc_error_clear(&err);
    if (data[0] & 1) {
        kusto_window w;
        if (kusto_window_parse(text, len, INT64_C(638000000000000000), &w, &err) == MSOC_OK && !(w.is_set && w.lo < w.hi))
            abort();
        int64_t t;
        if (kusto_iso_duration(text, len, &t, &err) == MSOC_OK && t < 0)
            abort();
        return 0;
    }
    msoc_arena *a = msoc_arena_new(NULL, (size_t)64 << 20, "fuzz");
    kusto_csv c;
    kusto_csv_init(&c, text, len);
    for (int i = 0; i < 100000; i++) {
        msoc_str *f;
        size_t n;
        if (kusto_csv_next(&c, a, 256, &f, &n, &err) != MSOC_OK || n == 0)
            break;
        for (size_t k = 0; k < n; k++)
            if (f[k].len > len || (f[k].len && f[k].ptr == NULL))
                abort();
        if (n > 256)
            abort();
    }
    msoc_arena_free(a);
    return 0;
}
