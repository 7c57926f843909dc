/* libFuzzer target: the scalar functions that decode untrusted text or bytes
 * (zlib/gzip from base64, IPv6 and CIDR parsing, punycode, parse_csv, time zone
 * names and TZif files, series_iir, format_bytes). The first input byte picks the
 * function; the rest is its argument, carried into the query as base64 so any byte
 * sequence reaches the decoder. Bad input must only ever give an empty or null
 * result, never a crash, leak or sanitizer report. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "exec/exec.h"
#include "kql/kql.h"
#include "plan/bind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* %s is the argument: raw base64 for the decompressors, decoded text otherwise. */
static const char *const calls[] = {
    "zlib_decompress_from_base64_string('%s')",
    "gzip_decompress_from_base64_string('%s')",
    "parse_ipv6(base64_decode_tostring('%s'))",
    "ipv6_is_match(base64_decode_tostring('%s'), '::ffff:1.2.3.4/120')",
    "parse_ipv6_mask(base64_decode_tostring('%s'), 64)",
    "format_ipv4_mask(base64_decode_tostring('%s'), 24)",
    "ipv4_range_to_cidr_list('0.0.0.0', base64_decode_tostring('%s'))",
    "dynamic_to_json(parse_json(base64_decode_tostring('%s')))",
    "format_bytes(strlen(base64_decode_tostring('%s')), 2)",
    "punycode_to_string(base64_decode_tostring('%s'))",
    "punycode_from_string(base64_decode_tostring('%s'))",
    "punycode_domain_to_string(base64_decode_tostring('%s'))",
    "punycode_domain_from_string(base64_decode_tostring('%s'))",
    "parse_csv(base64_decode_tostring('%s'))",
    "datetime_utc_to_local(datetime(2024-03-31 01:30), base64_decode_tostring('%s'))",
    "datetime_local_to_utc(datetime(2024-10-27 02:30), base64_decode_tostring('%s'))",
    "series_iir(parse_json(base64_decode_tostring('%s')), dynamic([1]), dynamic([1, -0.5]))",
};

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 2048)
        return 0;
    const char *call = calls[data[0] % (sizeof calls / sizeof calls[0])];
    data++;
    size--;
    char enc[2048 / 3 * 4 + 8];
    size_t k = 0;
    for (size_t i = 0; i < size; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < size)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < size)
            v |= data[i + 2];
        enc[k++] = b64[(v >> 18) & 63];
        enc[k++] = b64[(v >> 12) & 63];
        enc[k++] = i + 1 < size ? b64[(v >> 6) & 63] : '=';
        enc[k++] = i + 2 < size ? b64[v & 63] : '=';
    }
    enc[k] = 0;
    char query[sizeof enc + 256];
    const char *hole = strstr(call, "%s");
    int len = snprintf(query, sizeof query, "print %.*s%s%s", (int)(hole - call), call, enc, hole + 2);
    if (len < 0 || (size_t)len >= sizeof query)
        return 0;
    msoc_exec_options o = {0};
    o.memory_budget = 64u << 20;
    o.timeout_s = 2;
    o.now = 1;
    msoc_exec_query *q = msoc_exec_query_new(&o);
    msoc_arena *arena = msoc_exec_query_arena(q);
    msoc_error err;
    msoc_error_clear(&err);
    msoc_kql_node *root;
    if (msoc_kql_parse(query, (size_t)len, arena, &root, &err) == MSOC_OK) {
        msoc_plan_catalog cat = {.now = 1};
        msoc_plan_node *plan;
        if (msoc_plan_bind(root, &cat, arena, &plan, &err) == MSOC_OK &&
            msoc_plan_optimize(plan, arena, &err) == MSOC_OK) {
            const msoc_exec_table *t;
            (void)msoc_exec_run(q, plan, &t, &err);
        }
    }
    msoc_exec_query_free(q);
    return 0;
}
