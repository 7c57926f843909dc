/* libFuzzer target: the OData $filter and $orderby parsers (src/api/odata.c) and,
 * when a filter parses, its compilation to SQL by src/soc against an empty
 * in-memory-sized database in a temporary directory. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/odata.h"
#include "soc/soc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static msoc_soc *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db) {
        char dir[] = "/tmp/msoc-fuzz-odata-XXXXXX";
        msoc_error err;
        msoc_error_clear(&err);
        if (!mkdtemp(dir) || msoc_soc_open(dir, NULL, &db, &err) != MSOC_OK)
            abort();
    }
    msoc_arena *a = msoc_arena_new(NULL, 64 << 20, "fuzz");
    msoc_error err;
    msoc_error_clear(&err);
    msoc_soc_expr *e = NULL;
    if (msoc_api_odata_filter_parse((const char *)data, size, a, &e, &err) == MSOC_OK) {
        msoc_soc_list_opts o = {0};
        o.filter = e;
        o.top = 1;
        msoc_soc_incident *v;
        size_t n;
        int64_t total;
        msoc_soc_incident_list(db, NULL, &o, a, &v, &n, &total, &err);
        msoc_error_clear(&err);
        msoc_soc_alert *av;
        msoc_soc_alert_list(db, NULL, 0, &o, a, &av, &n, &total, &err);
    } else if (err.code == MSOC_OK) {
        abort(); /* a failure must say why */
    }
    char *z = msoc_arena_strndup(a, (const char *)data, size);
    if (z && strlen(z) == size) {
        const char *f;
        bool is_desc;
        msoc_error_clear(&err);
        msoc_api_odata_orderby_parse(z, a, &f, &is_desc, &err);
    }
    msoc_arena_free(a);
    return 0;
}
