/* Round trip of the real samples: ingest each file through msoc_ingest_file,
 * scan every column back through storage.h, and compare every value with what
 * an independent JSON parser (jansson) reads from the same line, under the
 * column's schema type. Prints per-file figures; exits non-zero on the first
 * mismatch (naming file, row and column). Usage: ingest_roundtrip SHARED_DATA_DIR */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "core/fs.h"
#include "core/datetime.h"
#include "core/mem.h"
#include "core/str.h"
#include "ingest/ingest.h"
#include "storage/storage.h"

static int g_fail;
static size_t g_values;

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "roundtrip: " __VA_ARGS__);                                                \
        fputc('\n', stderr);                                                                       \
        g_fail = 1;                                                                                \
        return;                                                                                    \
    } while (0)

static msoc_str cell_str(const msoc_col *c, size_t i)
{
    const msoc_col *s = c->dict_codes != NULL ? c->dict : c;
    size_t k = c->dict_codes != NULL ? c->dict_codes[i] : i;
    return msoc_str_make(s->v.str.bytes + s->v.str.offsets[k],
                         s->v.str.offsets[k + 1] - s->v.str.offsets[k]);
}

/* The expected value of JSON v under type t, compared with cell i of c. */
static void check_cell(const char *file, size_t row, const char *col, msoc_type t, json_t *v,
                       const msoc_col *c, size_t i)
{
    bool is_null = msoc_col_is_null(c, i);
    g_values++;
    if (v == NULL || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0 &&
                                         t != MSOC_TYPE_STRING && t != MSOC_TYPE_DYNAMIC)) {
        if (t == MSOC_TYPE_STRING) {
            if (cell_str(c, i).len != 0)
                FAIL("%s row %zu %s: expected \"\"", file, row, col);
        } else if (!is_null) {
            FAIL("%s row %zu %s: expected null", file, row, col);
        }
        return;
    }
    if (is_null && t != MSOC_TYPE_STRING)
        FAIL("%s row %zu %s: unexpected null", file, row, col);
    switch (t) {
    case MSOC_TYPE_STRING: {
        msoc_str s = cell_str(c, i);
        if (json_is_string(v)) {
            if (s.len != json_string_length(v) || memcmp(s.ptr, json_string_value(v), s.len) != 0)
                FAIL("%s row %zu %s: string %.*s != %s", file, row, col, (int)s.len, s.ptr,
                     json_string_value(v));
        } else if (json_is_number(v)) {
            double d;
            char tmp[64];
            snprintf(tmp, sizeof tmp, "%.*s", (int)(s.len < 63 ? s.len : 63), s.ptr);
            d = strtod(tmp, NULL);
            if (d != json_number_value(v))
                FAIL("%s row %zu %s: number text %s != %g", file, row, col, tmp,
                     json_number_value(v));
        } else if (json_is_boolean(v)) {
            if (!msoc_str_eq_c(s, json_is_true(v) ? "true" : "false"))
                FAIL("%s row %zu %s: bool text", file, row, col);
        } else {
            json_error_t je;
            json_t *back = json_loadb(s.ptr, s.len, JSON_DECODE_ANY, &je);
            if (back == NULL || !json_equal(back, v))
                FAIL("%s row %zu %s: nested JSON differs", file, row, col);
            json_decref(back);
        }
        return;
    }
    case MSOC_TYPE_LONG:
    case MSOC_TYPE_INT: {
        int64_t got = t == MSOC_TYPE_INT ? c->v.i32[i] : c->v.i64[i];
        int64_t exp;
        if (json_is_integer(v))
            exp = json_integer_value(v);
        else if (json_is_real(v))
            exp = (int64_t)json_real_value(v);
        else if (json_is_string(v))
            exp = strtoll(json_string_value(v), NULL, 10);
        else
            FAIL("%s row %zu %s: unexpected JSON for long", file, row, col);
        if (got != exp)
            FAIL("%s row %zu %s: %lld != %lld", file, row, col, (long long)got, (long long)exp);
        return;
    }
    case MSOC_TYPE_REAL: {
        double exp = json_is_string(v) ? strtod(json_string_value(v), NULL) : json_number_value(v);
        if (c->v.f64[i] != exp && !(isnan(exp) && isnan(c->v.f64[i])))
            FAIL("%s row %zu %s: %g != %g", file, row, col, c->v.f64[i], exp);
        return;
    }
    case MSOC_TYPE_BOOL: {
        bool exp = json_is_boolean(v) ? json_is_true(v)
                                      : (strcmp(json_string_value(v), "True") == 0 ||
                                         strcmp(json_string_value(v), "true") == 0 ||
                                         strcmp(json_string_value(v), "1") == 0);
        if ((c->v.u8[i] != 0) != exp)
            FAIL("%s row %zu %s: bool", file, row, col);
        return;
    }
    case MSOC_TYPE_DATETIME:
    case MSOC_TYPE_TIMESPAN: {
        msoc_error e;
        msoc_error_clear(&e);
        int64_t exp;
        const char *s = json_string_value(v);
        msoc_status st = t == MSOC_TYPE_DATETIME ? msoc_datetime_parse(s, strlen(s), &exp, &e)
                                                 : msoc_timespan_parse(s, strlen(s), &exp, &e);
        if (st != MSOC_OK || c->v.i64[i] != exp)
            FAIL("%s row %zu %s: time %lld != %s", file, row, col, (long long)c->v.i64[i], s);
        return;
    }
    case MSOC_TYPE_GUID: {
        msoc_str s = cell_str(c, i);
        const char *exp = json_string_value(v);
        if (s.len != 36 || strncasecmp(s.ptr, exp + (exp[0] == '{'), 36) != 0)
            FAIL("%s row %zu %s: guid", file, row, col);
        for (size_t k = 0; k < 36; k++)
            if (s.ptr[k] >= 'A' && s.ptr[k] <= 'F')
                FAIL("%s row %zu %s: guid not lower-case", file, row, col);
        return;
    }
    case MSOC_TYPE_DYNAMIC: {
        msoc_str s = cell_str(c, i);
        json_error_t je;
        json_t *back = json_loadb(s.ptr, s.len, JSON_DECODE_ANY, &je);
        json_t *exp = json_incref(v);
        if (json_is_string(v)) {
            json_t *inner = json_loads(json_string_value(v), JSON_DECODE_ANY, &je);
            if (inner != NULL && (json_is_object(inner) || json_is_array(inner))) {
                json_decref(exp);
                exp = inner;
            } else {
                json_decref(inner);
            }
        }
        bool is_ok = back != NULL && json_equal(back, exp);
        json_decref(back);
        json_decref(exp);
        if (!is_ok)
            FAIL("%s row %zu %s: dynamic %.*s", file, row, col, (int)(s.len > 80 ? 80 : s.len),
                 s.ptr);
        return;
    }
    default:
        return;
    }
}

static json_t *lookup(json_t *row, const char *col, bool is_custom)
{
    json_t *v = json_object_get(row, col);
    if (v != NULL || !is_custom)
        return v;
    /* Custom columns are keys with [^A-Za-z0-9_] replaced by '_'. */
    const char *k;
    json_t *x;
    json_object_foreach(row, k, x)
    {
        size_t n = strlen(k);
        if (n != strlen(col))
            continue;
        bool is_same = true;
        for (size_t i = 0; i < n && is_same; i++) {
            char ch = k[i];
            bool is_id = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                         (ch >= '0' && ch <= '9') || ch == '_';
            is_same = (is_id ? ch : '_') == col[i];
        }
        if (is_same)
            return x;
    }
    return NULL;
}

typedef struct rejects {
    size_t n;
    unsigned char *is_rejected; /* by row, 1-based */
    size_t cap;
} rejects;

static void on_reject(void *ud, const msoc_ingest_reject *r)
{
    rejects *rj = ud;
    rj->n++;
    if (r->row < rj->cap)
        rj->is_rejected[r->row] = 1;
    if (rj->n <= 3)
        fprintf(stderr, "roundtrip: note: %s row %zu rejected: %s\n", r->source, r->row, r->reason);
}

/* Ingests one NDJSON file into a fresh store and compares every row. tenant/ws may
 * be NULL (routing by the rows). allowed: rejections the data itself explains
 * (counted by the caller's expectation). */
static void roundtrip(const char *path, const char *table, const char *tenant, const char *ws,
                      size_t *n_rows_out, size_t *n_rej_out)
{
    char dir[256];
    snprintf(dir, sizeof dir, "/tmp/msoc_roundtrip_%d", (int)getpid());
    msoc_remove_tree(dir, NULL);
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    if (msoc_stor_open(dir, NULL, &db, &err) != MSOC_OK)
        FAIL("open: %s", err.msg);
    rejects rj = {0, calloc(1000000, 1), 1000000};
    msoc_ingest_opts o = {0};
    o.tenant = tenant;
    o.workspace = ws;
    o.table = table;
    o.format = MSOC_INGEST_NDJSON;
    o.n_threads = 1;
    o.batch_rows = 1000000;
    o.on_reject = on_reject;
    o.ud = &rj;
    msoc_ingest_stats st = {0};
    if (msoc_ingest_file(db, &o, path, &st, &err) != MSOC_OK)
        FAIL("%s: ingest: %s", path, err.msg);
    msoc_stor_close(db);
    /* Reopen: what we compare is what recovery / the extents give back. */
    if (msoc_stor_open(dir, NULL, &db, &err) != MSOC_OK)
        FAIL("reopen: %s", err.msg);
    const msoc_stor_table_def *def = msoc_stor_table_find(db, table, strlen(table));
    if (def == NULL)
        FAIL("%s: table %s missing after ingest", path, table);
    bool is_custom = def->source == MSOC_STOR_SRC_CUSTOM;
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    size_t row = 0, n_checked = 0;
    /* Per tenant, the rows come back in file order (one batch, one thread). */
    typedef struct tstate {
        char tenant[128];
        msoc_stor_scan *scan;
        size_t chunk, pos;
        msoc_batch b;
        msoc_arena *a;
    } tstate;
    tstate ts[16];
    size_t n_ts = 0;
    int *cols = malloc(def->n_cols * sizeof *cols);
    for (size_t i = 0; i < def->n_cols; i++)
        cols[i] = (int)i;
    while ((n = getline(&line, &cap, f)) > 0) {
        row++;
        json_error_t je;
        json_t *obj = json_loadb(line, (size_t)n, 0, &je);
        if (obj == NULL || (row < rj.cap && rj.is_rejected[row])) {
            json_decref(obj);
            continue;
        }
        const char *rt = tenant;
        if (rt == NULL)
            rt = json_string_value(json_object_get(obj, "TenantId"));
        tstate *t = NULL;
        for (size_t k = 0; k < n_ts; k++)
            if (strcmp(ts[k].tenant, rt) == 0)
                t = &ts[k];
        if (t == NULL) {
            if (n_ts == 16)
                FAIL("too many tenants");
            t = &ts[n_ts++];
            memset(t, 0, sizeof *t);
            snprintf(t->tenant, sizeof t->tenant, "%s", rt);
            msoc_stor_target tg = {t->tenant, NULL};
            msoc_stor_scan_spec spec = {&tg, 1, def->name, cols, def->n_cols, MSOC_TIME_NULL,
                                        MSOC_TIME_NULL, MSOC_TIME_NULL, MSOC_TIME_NULL};
            if (msoc_stor_scan_open(db, &spec, &t->scan, &err) != MSOC_OK)
                FAIL("scan: %s", err.msg);
            t->a = msoc_arena_new(NULL, 0, "rt");
            t->chunk = 0;
            t->pos = 0;
            t->b.n_rows = 0;
        }
        while (t->pos >= t->b.n_rows) {
            if (t->chunk >= msoc_stor_scan_n_chunks(t->scan))
                FAIL("%s row %zu: missing from the store (tenant %s)", path, row, rt);
            msoc_arena_reset(t->a);
            if (msoc_stor_scan_chunk(t->scan, t->chunk++, t->a, &t->b, &err) != MSOC_OK)
                FAIL("chunk: %s", err.msg);
            t->pos = 0;
        }
        for (size_t c = 0; c < def->n_cols; c++) {
            const msoc_stor_column *col = &def->cols[c];
            json_t *v = lookup(obj, col->name, is_custom);
            if (col->flags & (MSOC_STOR_COL_TENANT | MSOC_STOR_COL_WORKSPACE)) {
                msoc_str s = cell_str(&t->b.cols[c], t->pos);
                const char *exp = (col->flags & MSOC_STOR_COL_TENANT) ? t->tenant : NULL;
                if (exp != NULL && !msoc_str_eq_c(s, exp))
                    FAIL("%s row %zu: TenantId", path, row);
                continue;
            }
            if (is_custom && strcmp(col->name, "TimeGenerated") == 0 && v == NULL)
                continue; /* stamped with the ingestion time */
            check_cell(path, row, col->name, col->type, v, &t->b.cols[c], t->pos);
            if (g_fail) {
                json_decref(obj);
                return;
            }
        }
        t->pos++;
        n_checked++;
        json_decref(obj);
    }
    for (size_t k = 0; k < n_ts; k++) {
        if (ts[k].pos != ts[k].b.n_rows || ts[k].chunk != msoc_stor_scan_n_chunks(ts[k].scan))
            FAIL("%s: the store holds more rows than the file for tenant %s", path, ts[k].tenant);
        msoc_stor_scan_close(ts[k].scan);
        msoc_arena_free(ts[k].a);
    }
    free(line);
    fclose(f);
    free(cols);
    free(rj.is_rejected);
    msoc_stor_close(db);
    msoc_remove_tree(dir, NULL);
    if (n_checked != st.n_stored)
        FAIL("%s: checked %zu rows, ingest stored %zu", path, n_checked, st.n_stored);
    printf("roundtrip: %-60s %6zu rows, %zu rejected, ok\n", strrchr(path, '/') + 1, n_checked,
           rj.n);
    *n_rows_out += n_checked;
    *n_rej_out += rj.n;
}

static void walk(const char *dir, size_t *n_rows, size_t *n_rej, size_t *n_files)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && !g_fail) {
        if (de->d_name[0] == '.')
            continue;
        char p[2048];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        size_t l = strlen(p);
        if (l > 7 && strcmp(p + l - 7, ".ndjson") == 0) {
            /* Cloud recordings carry their own TenantId: route by it. */
            char first[65536] = "";
            FILE *f = fopen(p, "r");
            if (f != NULL) {
                if (fgets(first, sizeof first, f) == NULL)
                    first[0] = '\0';
                fclose(f);
            }
            bool has_tenant = strstr(first, "\"TenantId\":") != NULL;
            roundtrip(p, "SecurityDatasets_CL", has_tenant ? NULL : "lab", "ws1", n_rows, n_rej);
            (*n_files)++;
        } else if (strchr(de->d_name, '.') == NULL) {
            walk(p, n_rows, n_rej, n_files);
        }
    }
    closedir(d);
}

/* Rows whose keys change order, come and go, carry escapes, or sit next to rejected
 * and malformed rows: the parser reuses the previous row's keys and columns where
 * the bytes repeat, and every value must still land in its own column. */
static void synthetic_key_orders(size_t *n_rows, size_t *n_rej)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/msoc_roundtrip_keys_%d.ndjson", (int)getpid());
    FILE *f = fopen(path, "w");
    if (f == NULL)
        FAIL("cannot write %s", path);
    for (int i = 0; i < 400; i++) {
        switch (i % 10) {
        case 0:
            fprintf(f, "{\"Timestamp\":\"2026-%02d-%02dT%02d:00:%02d.5Z\",\"FileName\":\"a%d.exe\","
                       "\"FolderPath\":\"C:\\\\x\\\\a%d.exe\",\"ProcessId\":%d,\"TenantId\":\"t1\"}\n",
                    1 + i % 12, 1 + (i / 10) % 31 % (i % 12 == 1 ? 28 : 30), i % 24, i % 60, i, i, i);
            break;
        case 1: /* same keys, another order */
            fprintf(f, "{\"ProcessId\":%d,\"FileName\":\"b%d\",\"Timestamp\":\"2026-10-30T01:00:00Z\","
                       "\"FolderPath\":\"p%d\"}\n", i, i, i);
            break;
        case 2: /* rejected after parsing (another tenant) */
            fprintf(f, "{\"FileName\":\"c%d\",\"ProcessId\":%d,\"TenantId\":\"other\"}\n", i, i);
            break;
        case 3: /* the keys of the rejected row, not of the last stored one */
            fprintf(f, "{\"FileName\":\"d%d\",\"ProcessId\":%d,\"AccountName\":\"u%d\"}\n", i, i, i);
            break;
        case 4: /* escaped keys, twice */
        case 5:
            fprintf(f, "{\"File\\u004eame\":\"e%d\",\"Process\\u0049d\":%d,\"FolderPath\":\"q\\\"%d\"}\n",
                    i, i, i);
            break;
        case 6: /* a value that does not convert, then the same keys */
            fprintf(f, "{\"FileName\":\"f%d\",\"ProcessId\":\"x%d\"}\n", i, i);
            break;
        case 7:
            fprintf(f, "{\"FileName\":\"g%d\",\"ProcessId\":\"%d\"}\n", i, i);
            break;
        case 8: /* malformed, then a row whose prefix matches it */
            fprintf(f, "{\"FileName\":\"h%d\",\"ProcessId\":\n", i);
            break;
        default:
            fprintf(f, "{\"FileName\":\"i%d\", \"ProcessId\" : %d , \"AccountDomain\":null}\n", i, i);
            break;
        }
    }
    fclose(f);
    size_t before = *n_rej;
    roundtrip(path, "DeviceProcessEvents", "t1", NULL, n_rows, n_rej);
    if (!g_fail && *n_rej - before != 120)
        FAIL("%s: %zu rows rejected, expected 120", path, *n_rej - before);
    unlink(path);
}

/* Rows routed by their own TenantId whose key layout repeats, changes, or repeats
 * after a row that was never routed (text after the object): the routing keys'
 * positions are reused only for the same keys after a routed row. Keys that equal
 * the previous row's but for one byte past the first 16 (or the closing quote)
 * must not take the previous row's column. */
static void synthetic_routing(size_t *n_rows, size_t *n_rej)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/msoc_roundtrip_route_%d.ndjson", (int)getpid());
    FILE *f = fopen(path, "w");
    if (f == NULL)
        FAIL("cannot write %s", path);
    for (int i = 0; i < 300; i++) {
        switch (i % 12) {
        case 0:
            fprintf(f, "{\"TenantId\":\"ta\",\"FileName\":\"a%d\",\"ProcessId\":%d}\n", i, i);
            break;
        case 1: /* the same keys, another tenant */
            fprintf(f, "{\"TenantId\":\"tb\",\"FileName\":\"b%d\",\"ProcessId\":%d}\n", i, i);
            break;
        case 2: /* the same keys in another order */
            fprintf(f, "{\"FileName\":\"c%d\",\"TenantId\":\"tc\",\"ProcessId\":%d}\n", i, i);
            break;
        case 3:
            fprintf(f, "{\"FileName\":\"d%d\",\"ProcessId\":%d,\"TenantId\":\"ta\"}\n", i, i);
            break;
        case 4: /* never routed: text after the object (rejected) */
            fprintf(f, "{\"FileName\":\"x%d\",\"TenantId\":\"tb\",\"ProcessId\":%d} x\n", i, i);
            break;
        case 5: /* its keys, but the routing positions are those of row 3 */
            fprintf(f, "{\"FileName\":\"e%d\",\"TenantId\":\"tc\",\"ProcessId\":%d}\n", i, i);
            break;
        case 6: /* the first TenantId is escaped (skipped), the second routes */
            fprintf(f, "{\"TenantId\":\"t\\u0061\",\"FileName\":\"f%d\",\"TenantId\":\"tb\"}\n", i);
            break;
        case 7:
            fprintf(f, "{\"TenantId\":\"tc\",\"FileName\":\"g%d\",\"TenantId\":\"tc\"}\n", i);
            break;
        case 8:
            fprintf(f, "{\"TenantId\":\"ta\",\"InitiatingProcessAccountSid\":\"s%d\","
                       "\"InitiatingProcessVersionInfoCompanyName\":\"c%d\",\"ProcessId\":%d}\n",
                    i, i, i);
            break;
        case 9: /* one byte differs past the first 16 of each long key */
            fprintf(f, "{\"TenantId\":\"ta\",\"InitiatingProcessAccountUpn\":\"u%d\","
                       "\"InitiatingProcessVersionInfoProductName\":\"p%d\",\"ProcessIdX\":%d}\n",
                    i, i, i);
            break;
        case 10: /* only an escaped TenantId: no tenant (rejected) */
            fprintf(f, "{\"TenantId\":\"t\\u0062\",\"InitiatingProcessAccountUpn\":\"v%d\","
                       "\"InitiatingProcessVersionInfoProductName\":\"q%d\",\"ProcessIdX\":%d}\n",
                    i, i, i);
            break;
        default:
            fprintf(f, "{\"TenantId\":\"tb\",\"InitiatingProcessAccountUpn\":\"w%d\","
                       "\"InitiatingProcessVersionInfoProductName\":\"r%d\",\"ProcessId\":%d}\n",
                    i, i, i);
            break;
        }
    }
    /* Integers are scanned inline: valid forms, and malformed ones (rejected). */
    static const char *const nums[] = {"0",   "-0",  "-12", "123456789012345678",
                                       "1234567890123456789", "-123456789012345678",
                                       "01",  "-",   "-a",  "00", "-01", "1x"};
    for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
        fprintf(f, "{\"TenantId\":\"ta\",\"ProcessId\":%s,\"FileName\":\"n%zu\"}\n", nums[k], k);
    fclose(f);
    size_t before = *n_rej;
    roundtrip(path, "DeviceProcessEvents", NULL, NULL, n_rows, n_rej);
    if (!g_fail && *n_rej - before != 56)
        FAIL("%s: %zu rows rejected, expected 56", path, *n_rej - before);
    unlink(path);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: ingest_roundtrip SHARED_DATA_DIR\n");
        return 2;
    }
    char p[2048];
    size_t n_rows = 0, n_rej = 0, n_files = 0;
    static const struct {
        const char *file, *table, *tenant, *ws;
        size_t max_rej;
    } samples[] = {
        {"DeviceProcessEvents_mde_proc_pub.ndjson", "DeviceProcessEvents", "t1", NULL, 0},
        {"SigninLogs_aad_logons.ndjson", "SigninLogs", NULL, "ws1", 0},
        {"SecurityEvent4688_win_proc_test.ndjson", "SecurityEvent", NULL, "ws1", 0},
        {"SecurityEvent4624_host_logons.ndjson", "SecurityEvent", NULL, "ws1", 0},
        {"SecurityEvent4625_failed_logons.ndjson", "SecurityEvent", NULL, "ws1", 0},
        {"SecurityEvent_all_events.ndjson", "SecurityEvent", NULL, "ws1", 0},
    };
    synthetic_key_orders(&n_rows, &n_rej);
    n_files++;
    if (!g_fail)
        synthetic_routing(&n_rows, &n_rej);
    n_files++;
    for (size_t i = 0; i < sizeof samples / sizeof samples[0] && !g_fail; i++) {
        snprintf(p, sizeof p, "%s/msticpy-sentinel-samples/%s", argv[1], samples[i].file);
        size_t before = n_rej;
        roundtrip(p, samples[i].table, samples[i].tenant, samples[i].ws, &n_rows, &n_rej);
        if (!g_fail && n_rej - before > samples[i].max_rej) {
            fprintf(stderr, "roundtrip: %s: %zu rows rejected\n", p, n_rej - before);
            g_fail = 1;
        }
        n_files++;
    }
    size_t sd_rows = 0, sd_rej = 0;
    snprintf(p, sizeof p, "%s/security-datasets", argv[1]);
    if (!g_fail)
        walk(p, &sd_rows, &sd_rej, &n_files);
    printf("roundtrip: %zu files, %zu rows, %zu values compared; security-datasets: %zu rows, "
           "%zu rejected (TenantId of another tenant, or a value whose type differs from the "
           "one inferred for its *_CL column)\n",
           n_files, n_rows + sd_rows, g_values, sd_rows, sd_rej);
    return g_fail;
}
