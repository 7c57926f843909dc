/* The demo generator's contract (src/demo/README.md): byte-identical output for the
 * same arguments whatever the thread count, every row has every documented column
 * of its table with the JSON type of its KQL type and no unknown column, and every
 * row the manifest says a planted scenario wrote is in the data. */
#define _GNU_SOURCE /* memmem */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/fs.h"
#include "core/datetime.h"
#include "core/mem.h"
#include "demo/demo.h"
#include "storage/catalog.h"

extern char **environ;

static char *read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = msoc_malloc(cap + 1);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = msoc_realloc(buf, cap + 1);
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    buf[len] = '\0';
    *len_out = len;
    return buf;
}

static void make_tmp(char *out, size_t cap, const char *tag)
{
    const char *base = getenv("TMPDIR");
    snprintf(out, cap, "%s/msoc-demo-%s-XXXXXX", base && base[0] ? base : "/tmp", tag);
    assert_non_null(mkdtemp(out));
    msoc_remove_tree(out, NULL); /* the generator wants to create it (or find it empty) */
}

static json_t *load_manifest(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_error_t je;
    json_t *m = json_load_file(path, 0, &je);
    if (m == NULL)
        fail_msg("%s:%d: %s", path, je.line, je.text);
    return m;
}

/* Runs the multisoc binary (as a user would): start_cli returns the child's pid,
 * wait_cli its exit status. */
static pid_t start_cli(char *const argv[])
{
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
    if (rc != 0)
        fail_msg("cannot run %s: %s", argv[0], strerror(rc));
    return pid;
}

static int wait_cli(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int run_cli(char *const argv[])
{
    return wait_cli(start_cli(argv));
}

/* ---- (1) determinism: the acceptance command, twice, different thread counts ---- */

static void test_byte_identical(void **state)
{
    (void)state;
    const char *bin_env = getenv("MSOC_BIN");
    assert_non_null(bin_env);
    char bin[4096];
    snprintf(bin, sizeof bin, "%s", bin_env);
    char d1[512], d2[512];
    make_tmp(d1, sizeof d1, "a");
    make_tmp(d2, sizeof d2, "b");
    char *scale = "0.02"; /* all 20 tenants and 7 days; fewer events per hour, to stay fast under ASan */
    char *a1[] = {bin, "demo", "generate", "--out", d1, "--tenants", "20", "--days", "7", "--seed", "1",
                  "--end", "2026-11-01T00:00:00Z", "--scale", scale, "--threads", "1", "--quiet", NULL};
    char *a2[] = {bin, "demo", "generate", "--out", d2, "--tenants", "20", "--days", "7", "--seed", "1",
                  "--end", "2026-11-01T00:00:00Z", "--scale", scale, "--threads", "2", "--quiet", NULL};
    /* Both runs at once: independent processes must still agree byte for byte. */
    pid_t p_a = start_cli(a1), p_b = start_cli(a2);
    assert_int_equal(wait_cli(p_a), 0);
    assert_int_equal(wait_cli(p_b), 0);

    json_t *m = load_manifest(d1);
    size_t n_files = 0, n_nonempty = 0;
    size_t len1, len2;
    char p1[4096], p2[4096];
    snprintf(p1, sizeof p1, "%s/manifest.json", d1);
    snprintf(p2, sizeof p2, "%s/manifest.json", d2);
    char *b1 = read_file(p1, &len1), *b2 = read_file(p2, &len2);
    assert_true(b1 && b2 && len1 == len2 && memcmp(b1, b2, len1) == 0);
    msoc_free(b1);
    msoc_free(b2);
    size_t t_idx, f_idx;
    json_t *t, *f;
    assert_int_equal(json_array_size(json_object_get(m, "tenants")), 20);
    json_array_foreach(json_object_get(m, "tenants"), t_idx, t)
    {
        json_array_foreach(json_object_get(t, "files"), f_idx, f)
        {
            const char *rel = json_string_value(json_object_get(f, "path"));
            snprintf(p1, sizeof p1, "%s/%s", d1, rel);
            snprintf(p2, sizeof p2, "%s/%s", d2, rel);
            b1 = read_file(p1, &len1);
            b2 = read_file(p2, &len2);
            if (b1 == NULL || b2 == NULL)
                fail_msg("missing %s", rel);
            if (len1 != len2 || memcmp(b1, b2, len1) != 0)
                fail_msg("%s differs between runs", rel);
            assert_int_equal((json_int_t)len1, json_integer_value(json_object_get(f, "bytes")));
            n_files++;
            n_nonempty += len1 > 0;
            msoc_free(b1);
            msoc_free(b2);
        }
    }
    assert_true(n_files >= 20 * 24);
    assert_true(n_nonempty > n_files / 2);
    /* A different seed gives different data. */
    char d3[512];
    make_tmp(d3, sizeof d3, "c");
    char *a3[] = {bin, "demo", "generate", "--out", d3, "--tenants", "2", "--days", "1", "--seed", "2",
                  "--end", "2026-11-01T00:00:00Z", "--scale", scale, "--quiet", NULL};
    assert_int_equal(run_cli(a3), 0);
    json_t *m3 = load_manifest(d3);
    const char *id1 = json_string_value(json_object_get(json_array_get(json_object_get(m, "tenants"), 0), "id"));
    const char *id3 = json_string_value(json_object_get(json_array_get(json_object_get(m3, "tenants"), 0), "id"));
    assert_string_not_equal(id1, id3);
    /* A non-empty output directory is refused, and so is a bad --end. */
    assert_int_not_equal(run_cli(a3), 0);
    char *a4[] = {bin, "demo", "generate", "--out", d3, "--end", "2026-11-01T00:30:00Z", NULL};
    assert_int_equal(run_cli(a4), 2);
    /* `multisoc demo` now loads (issue #4): without --data it is a usage error. */
    char *a5[] = {bin, "demo", NULL};
    assert_int_equal(run_cli(a5), 2);
    json_decref(m3);
    json_decref(m);
    msoc_remove_tree(d1, NULL);
    msoc_remove_tree(d2, NULL);
    msoc_remove_tree(d3, NULL);
}

/* ---- a small data set shared by (2) and (3) ---- */

static char g_dir[512];
static json_t *g_manifest;

static int setup_small(void **state)
{
    (void)state;
    make_tmp(g_dir, sizeof g_dir, "s");
    msoc_demo_opts o;
    msoc_demo_opts_default(&o);
    o.out_dir = g_dir;
    o.n_tenants = 3;
    o.n_days = 1;
    o.seed = 7;
    o.scale = 0.5;
    msoc_error err;
    msoc_error_clear(&err);
    assert_true(msoc_datetime_parse("2026-11-02T13:00:00Z", 20, &o.end, &err) == MSOC_OK);
    if (msoc_demo_generate(&o, NULL, NULL, &err) != MSOC_OK) {
        fprintf(stderr, "generate: %s\n", err.msg);
        return -1;
    }
    g_manifest = load_manifest(g_dir);
    return 0;
}

static int teardown_small(void **state)
{
    (void)state;
    json_decref(g_manifest);
    msoc_remove_tree(g_dir, NULL);
    return 0;
}

static bool type_ok(msoc_type ty, const json_t *v)
{
    switch (ty) {
    case MSOC_TYPE_STRING:
        return json_is_string(v);
    case MSOC_TYPE_INT:
        return json_is_integer(v) && json_integer_value(v) >= INT32_MIN && json_integer_value(v) <= INT32_MAX;
    case MSOC_TYPE_LONG:
        return json_is_integer(v);
    case MSOC_TYPE_REAL:
    case MSOC_TYPE_DECIMAL:
        return json_is_number(v);
    case MSOC_TYPE_BOOL:
        return json_is_boolean(v);
    case MSOC_TYPE_DATETIME: {
        if (!json_is_string(v) || json_string_length(v) != 28)
            return false;
        const char *s = json_string_value(v);
        msoc_datetime dt;
        return s[10] == 'T' && s[19] == '.' && s[27] == 'Z' && msoc_datetime_parse_fast(s, 28, &dt);
    }
    case MSOC_TYPE_TIMESPAN:
        return json_is_string(v);
    case MSOC_TYPE_GUID:
        return json_is_string(v) && json_string_length(v) == 36;
    case MSOC_TYPE_DYNAMIC:
        return v != NULL && !json_is_null(v);
    default:
        return false;
    }
}

/* ---- (2) schema: every row, every column, the right JSON type, nothing unknown ---- */

static void test_schema(void **state)
{
    (void)state;
    size_t t_idx, f_idx;
    json_t *t, *f;
    uint64_t n_rows = 0;
    json_t *seen = json_object(); /* tables with rows */
    json_array_foreach(json_object_get(g_manifest, "tenants"), t_idx, t)
    {
        const char *tid = json_string_value(json_object_get(t, "id"));
        json_array_foreach(json_object_get(t, "files"), f_idx, f)
        {
            const char *rel = json_string_value(json_object_get(f, "path"));
            const char *tname = json_string_value(json_object_get(f, "table"));
            const char *ws = json_string_value(json_object_get(f, "workspace"));
            const msoc_stor_table_def *def = msoc_stor_builtin_find(tname, strlen(tname));
            assert_non_null(def);
            bool is_defender = def->source == MSOC_STOR_SRC_DEFENDER;
            assert_int_equal(strcmp(ws, MSOC_STOR_DEFENDER_WORKSPACE) == 0, is_defender);
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", g_dir, rel);
            size_t len;
            char *buf = read_file(path, &len);
            assert_non_null(buf);
            json_int_t n_file_rows = 0;
            char *line = buf;
            while (line < buf + len) {
                char *nl = memchr(line, '\n', (size_t)(buf + len - line));
                assert_non_null(nl); /* every row ends with a newline */
                json_error_t je;
                json_t *row = json_loadb(line, (size_t)(nl - line), 0, &je);
                if (row == NULL || !json_is_object(row))
                    fail_msg("%s:%lld: not a JSON object: %s", rel, (long long)n_file_rows + 1, je.text);
                for (size_t c = 0; c < def->n_cols; c++) {
                    const msoc_stor_column *col = &def->cols[c];
                    json_t *v = json_object_get(row, col->name);
                    bool is_required = (col->flags & (MSOC_STOR_COL_EXTRA | MSOC_STOR_COL_HIDDEN)) == 0;
                    if (v == NULL) {
                        if (is_required)
                            fail_msg("%s:%lld: missing column %s", rel, (long long)n_file_rows + 1, col->name);
                        continue;
                    }
                    if (!type_ok(col->type, v))
                        fail_msg("%s:%lld: column %s is not a JSON %s", rel, (long long)n_file_rows + 1, col->name,
                                 msoc_type_name(col->type));
                }
                const char *key;
                json_t *v;
                json_object_foreach(row, key, v)
                {
                    if (msoc_stor_table_col_index(def, key, strlen(key)) < 0)
                        fail_msg("%s:%lld: unknown column %s", rel, (long long)n_file_rows + 1, key);
                }
                assert_string_equal(json_string_value(json_object_get(row, "TenantId")), tid);
                if (!is_defender)
                    assert_string_equal(json_string_value(json_object_get(row, "WorkspaceId")), ws);
                json_decref(row);
                n_file_rows++;
                line = nl + 1;
            }
            assert_int_equal(n_file_rows, json_integer_value(json_object_get(f, "rows")));
            if (n_file_rows > 0)
                json_object_set_new(seen, tname, json_true());
            n_rows += (uint64_t)n_file_rows;
            msoc_free(buf);
        }
    }
    assert_true(n_rows > 10000);
    /* All 24 tables have rows somewhere. */
    assert_int_equal(json_object_size(seen), 24);
    json_decref(seen);
}

/* ---- (3) the planted scenarios are in the data ---- */

static bool row_matches(json_t *row, json_t *match)
{
    const char *key;
    json_t *want;
    json_object_foreach(match, key, want)
    {
        if (!json_equal(json_object_get(row, key), want))
            return false;
    }
    return true;
}

/* Files read once for test_scenarios. */
typedef struct cached_file {
    char path[4096];
    char *buf;
    size_t len;
} cached_file;

static cached_file g_cache[256];
static size_t g_n_cache;

static const cached_file *cached(const char *path)
{
    for (size_t i = 0; i < g_n_cache; i++)
        if (strcmp(g_cache[i].path, path) == 0)
            return &g_cache[i];
    assert_true(g_n_cache < sizeof g_cache / sizeof g_cache[0]);
    cached_file *c = &g_cache[g_n_cache++];
    snprintf(c->path, sizeof c->path, "%s", path);
    c->buf = read_file(path, &c->len);
    if (c->buf == NULL)
        fail_msg("cannot read %s", path);
    return c;
}

/* Rows of the file that match every column of match. Candidates are found by
 * searching the text for the last match column as the writer prints it
 * ("Name":value), then parsed and compared in full. */
static int find_rows(const cached_file *c, json_t *match, json_t **first_hit)
{
    const char *key = NULL, *k;
    json_t *val = NULL, *v;
    json_object_foreach(match, k, v)
    {
        key = k;
        val = v;
    }
    char *vtxt = json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT);
    char needle[1024];
    snprintf(needle, sizeof needle, "\"%s\":%s", key, vtxt);
    free(vtxt);
    size_t nlen = strlen(needle);
    int n_hits = 0;
    const char *hay = c->buf, *end = c->buf + c->len;
    while (hay < end) {
        const char *hit = memmem(hay, (size_t)(end - hay), needle, nlen);
        if (hit == NULL)
            break;
        const char *ls = hit;
        while (ls > c->buf && ls[-1] != '\n')
            ls--;
        const char *le = memchr(hit, '\n', (size_t)(end - hit));
        assert_non_null(le);
        json_t *row = json_loadb(ls, (size_t)(le - ls), 0, NULL);
        assert_non_null(row);
        if (row_matches(row, match)) {
            if (n_hits == 0 && first_hit)
                *first_hit = json_incref(row);
            n_hits++;
        }
        json_decref(row);
        hay = le + 1;
    }
    return n_hits;
}

static void test_scenarios(void **state)
{
    (void)state;
    json_t *scens = json_object_get(g_manifest, "scenarios");
    assert_true(json_array_size(scens) >= 12);
    size_t s_idx;
    json_t *sc;
    int per_type[6] = {0};
    static const char *const types[6] = {"encoded_powershell", "credential_dumping", "ransomware", "phishing",
                                         "password_spray", "lateral_movement"};
    json_array_foreach(scens, s_idx, sc)
    {
        const char *id = json_string_value(json_object_get(sc, "id"));
        const char *type = json_string_value(json_object_get(sc, "type"));
        for (int k = 0; k < 6; k++)
            if (strcmp(type, types[k]) == 0)
                per_type[k]++;
        const char *tid = json_string_value(json_object_get(sc, "tenant_id"));
        json_t *rows = json_object_get(sc, "rows");
        assert_true(json_array_size(rows) >= 3);
        const char *sha = json_string_value(json_object_get(sc, "sha256"));
        const char *cmdline = json_string_value(json_object_get(sc, "command_line"));
        bool has_sha = sha == NULL, has_cmd = cmdline == NULL;
        size_t r_idx;
        json_t *r;
        json_array_foreach(rows, r_idx, r)
        {
            char path[4096];
            snprintf(path, sizeof path, "%s/tenants/%s/%s/%s.ndjson", g_dir, tid,
                     json_string_value(json_object_get(r, "workspace")), json_string_value(json_object_get(r, "table")));
            json_t *match = json_object_get(r, "match");
            json_t *row = NULL;
            int n_hits = find_rows(cached(path), match, &row);
            if (n_hits < 1) {
                char *m = json_dumps(match, JSON_COMPACT);
                fail_msg("%s: row %s not found in %s", id, m, path);
            }
            /* Keys that identify one row must find exactly one. */
            if (json_object_get(match, "ReportId") || json_object_get(match, "Id"))
                assert_int_equal(n_hits, 1);
            json_t *s1 = json_object_get(row, "SHA256"), *s2 = json_object_get(row, "InitiatingProcessSHA256");
            if (sha && ((s1 && strcmp(json_string_value(s1), sha) == 0) || (s2 && strcmp(json_string_value(s2), sha) == 0)))
                has_sha = true;
            json_t *c1 = json_object_get(row, "ProcessCommandLine");
            if (cmdline && c1 && json_is_string(c1) && strcmp(json_string_value(c1), cmdline) == 0)
                has_cmd = true;
            json_decref(row);
        }
        if (!has_sha)
            fail_msg("%s: no planted row carries sha256 %s", id, sha);
        if (!has_cmd)
            fail_msg("%s: no planted row has command line %s", id, cmdline);
    }
    /* Every kind is planted, in at least two tenants, so cross-tenant hunting has something to find. */
    for (int k = 0; k < 6; k++)
        assert_true(per_type[k] >= 2);
    for (size_t i = 0; i < g_n_cache; i++)
        msoc_free(g_cache[i].buf);
    g_n_cache = 0;
}

/* ---- (4) --tables leaves files out but never changes the ones it writes ---- */

static void test_tables_subset(void **state)
{
    (void)state;
    char dir[512];
    make_tmp(dir, sizeof dir, "t");
    msoc_demo_opts o;
    msoc_demo_opts_default(&o);
    o.out_dir = dir;
    o.n_tenants = 3;
    o.n_days = 1;
    o.seed = 7;
    o.scale = 0.5;
    o.tables = "DeviceProcessEvents,SigninLogs";
    msoc_error err;
    msoc_error_clear(&err);
    assert_true(msoc_datetime_parse("2026-11-02T13:00:00Z", 20, &o.end, &err) == MSOC_OK);
    assert_int_equal(msoc_demo_generate(&o, NULL, NULL, &err), MSOC_OK);
    json_t *m = load_manifest(dir);
    size_t t_idx, f_idx, n_files = 0;
    json_t *t, *f;
    json_array_foreach(json_object_get(m, "tenants"), t_idx, t)
    {
        json_array_foreach(json_object_get(t, "files"), f_idx, f)
        {
            const char *rel = json_string_value(json_object_get(f, "path"));
            const char *tname = json_string_value(json_object_get(f, "table"));
            assert_true(strcmp(tname, "DeviceProcessEvents") == 0 || strcmp(tname, "SigninLogs") == 0);
            char p1[4096], p2[4096];
            snprintf(p1, sizeof p1, "%s/%s", dir, rel);
            snprintf(p2, sizeof p2, "%s/%s", g_dir, rel);
            size_t len1, len2;
            char *b1 = read_file(p1, &len1), *b2 = read_file(p2, &len2);
            assert_true(b1 && b2);
            if (len1 != len2 || memcmp(b1, b2, len1) != 0)
                fail_msg("%s differs from the full run", rel);
            msoc_free(b1);
            msoc_free(b2);
            n_files++;
        }
    }
    assert_true(n_files >= 6);
    /* An unknown table is refused before anything is written. */
    char bad[512];
    make_tmp(bad, sizeof bad, "u");
    o.out_dir = bad;
    o.tables = "DeviceProcessEvents,NoSuchTable";
    msoc_error_clear(&err);
    assert_int_equal(msoc_demo_generate(&o, NULL, NULL, &err), MSOC_INVALID);
    assert_non_null(strstr(err.msg, "NoSuchTable"));
    assert_int_not_equal(access(bad, F_OK), 0);
    json_decref(m);
    msoc_remove_tree(dir, NULL);
}

int main(void)
{
    const struct CMUnitTest gen_tests[] = {
        cmocka_unit_test(test_byte_identical),
    };
    const struct CMUnitTest small_tests[] = {
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_scenarios),
        cmocka_unit_test(test_tables_subset),
    };
    int rc = cmocka_run_group_tests(gen_tests, NULL, NULL);
    rc |= cmocka_run_group_tests(small_tests, setup_small, teardown_small);
    return rc;
}
