/* multisoc watchlist add|list|rm: Sentinel watchlists of one tenant workspace
 * (issue #6). A watchlist is kept the way Sentinel keeps it, as rows of the
 * workspace's Watchlist table: one 'watchlist' row per change of the list and one
 * 'watchlist-item' row per item, with the CSV row as the WatchlistItem bag. Removing
 * writes a 'Delete' row; adding again replaces the items. _GetWatchlist('alias')
 * (plan/bind_builtin.c) reads the current items. Rows go through the ingest path,
 * so they are durable (WAL, fsync) before this command reports success. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/datetime.h"
#include "core/hashmap.h"
#include "core/mem.h"
#include "core/vec.h"
#include "ingest/ingest.h"
#include "kql_run.h"

#define CSV_CAP (64u << 20)
#define MAX_ITEMS 1000000

static const cli_opt add_opts[] = {
    {"data", 'd', "DIR", "data directory", NULL},
    {"tenant", 't', "T", "the tenant (id as stored under DIR/tenants)", NULL},
    {"workspace", 'w', "W", "the workspace (default: the tenant's only Sentinel workspace)", NULL},
    {"name", 'n', "NAME", "the watchlist alias _GetWatchlist() takes", NULL},
    {"csv", 0, "FILE", "CSV with a header line: one item per row", NULL},
    {"search-key", 'k', "COL", "the column copied into SearchKey", "the first column"},
    {"description", 0, "TEXT", "description shown by list", NULL},
    {0},
};
static const cli_spec add_spec = {
    "watchlist add --data DIR --tenant T [--workspace W] --name NAME --csv FILE [--search-key COL]",
    "Creates the watchlist NAME in the tenant's workspace from a CSV file, or replaces its items "
    "when it exists. Queries read it with _GetWatchlist('NAME'): columns _DTItemId, "
    "LastUpdatedTimeUTC, SearchKey, WatchlistItem, then one string column per CSV column.",
    add_opts, 0, 0,
    "  multisoc watchlist add --data ./data --tenant contoso --name HighValueAssets --csv assets.csv "
    "--search-key Hostname"};

static const cli_opt list_opts[] = {
    {"data", 'd', "DIR", "data directory", NULL},
    {"tenant", 't', "T", "the tenant", NULL},
    {"workspace", 'w', "W", "only this workspace", NULL},
    {0},
};
static const cli_spec list_spec = {"watchlist list --data DIR --tenant T [--workspace W]",
                                   "Lists the tenant's watchlists with their item counts.", list_opts, 0, 0,
                                   NULL};

static const cli_opt rm_opts[] = {
    {"data", 'd', "DIR", "data directory", NULL},
    {"tenant", 't', "T", "the tenant", NULL},
    {"workspace", 'w', "W", "the workspace (default: the tenant's only Sentinel workspace)", NULL},
    {"name", 'n', "NAME", "the watchlist alias", NULL},
    {0},
};
static const cli_spec rm_spec = {"watchlist rm --data DIR --tenant T [--workspace W] --name NAME",
                                 "Deletes the watchlist (its items stop appearing in _GetWatchlist).",
                                 rm_opts, 0, 0, NULL};

static bool need(const cli_args *a, const char *cmd, const char *opt)
{
    if (cli_get(a, opt))
        return true;
    fprintf(stderr, "multisoc watchlist %s: --%s is required\n", cmd, opt);
    return false;
}

/* ---- CSV (RFC 4180: quoted fields, "" escapes, CRLF or LF) ---- */

typedef struct csv_row {
    msoc_str *fields;
    size_t n;
} csv_row;

/* Parses text into rows of fields (arena-allocated; quoted fields unescaped). */
static bool csv_parse(msoc_arena *a, const char *p, size_t len, msoc_vec *rows, msoc_error *err)
{
    const char *end = p + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    msoc_vec fields;
    msoc_vec_init(&fields, sizeof(msoc_str), 10000);
    size_t line = 1;
    while (p < end) {
        msoc_buf f;
        msoc_buf_init(&f, 1u << 20);
        msoc_buf_reserve(&f, 1);
        bool is_quoted = false;
        if (*p == '"') {
            is_quoted = true;
            p++;
            for (;;) {
                if (p >= end) {
                    msoc_buf_fini(&f);
                    msoc_vec_fini(&fields);
                    msoc_fail(err, MSOC_BADDATA, "CSV line %zu: a quoted field is not closed", line);
                    return false;
                }
                if (*p == '"' && p + 1 < end && p[1] == '"') {
                    msoc_buf_putc(&f, '"');
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    if (*p == '\n')
                        line++;
                    msoc_buf_putc(&f, *p++);
                }
            }
        }
        while (p < end && *p != ',' && *p != '\n' && *p != '\r')
            msoc_buf_putc(&f, *p++);
        if (msoc_buf_check(&f, "CSV field", err) != MSOC_OK) {
            msoc_buf_fini(&f);
            msoc_vec_fini(&fields);
            return false;
        }
        msoc_str v = msoc_str_dup(a, msoc_str_make(f.data ? f.data : "", f.len));
        msoc_buf_fini(&f);
        if (!is_quoted)
            v = msoc_str_trim(v);
        msoc_str *slot = msoc_vec_push(&fields);
        if (slot == NULL || v.ptr == NULL) {
            msoc_vec_fini(&fields);
            msoc_fail(err, MSOC_LIMIT, "CSV line %zu has too many fields", line);
            return false;
        }
        *slot = v;
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        /* end of the record */
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
        line++;
        bool is_blank = fields.n == 1 && MSOC_VEC_AT(&fields, msoc_str, 0).len == 0;
        if (!is_blank) {
            csv_row *r = msoc_vec_push(rows);
            msoc_str *copy = msoc_arena_calloc(a, fields.n, sizeof *copy);
            if (r == NULL || copy == NULL) {
                msoc_vec_fini(&fields);
                msoc_fail(err, MSOC_LIMIT, "the CSV has more than %d rows", MAX_ITEMS);
                return false;
            }
            memcpy(copy, fields.data, fields.n * sizeof *copy);
            r->fields = copy;
            r->n = fields.n;
        }
        fields.n = 0;
    }
    msoc_vec_fini(&fields);
    return true;
}


/* ---- workspace resolution ---- */

typedef struct ws_acc {
    const char *tenant;
    char names[16][256];
    size_t n;
} ws_acc;

static void add_ws(void *arg, const char *tenant, const char *workspace, const char *table)
{
    (void)table;
    ws_acc *acc = arg;
    if (strcmp(tenant, acc->tenant) != 0 || workspace == NULL || strcmp(workspace, "defender") == 0)
        return;
    for (size_t i = 0; i < acc->n; i++)
        if (strcmp(acc->names[i], workspace) == 0)
            return;
    if (acc->n < 16)
        snprintf(acc->names[acc->n++], sizeof acc->names[0], "%s", workspace);
}

/* The workspace to use: --workspace, else the tenant's only Sentinel workspace. */
static bool pick_workspace(msoc_stor_db *db, const char *tenant, const char *given, char *out, size_t cap,
                           msoc_error *err)
{
    if (given) {
        if (!msoc_stor_name_is_safe(given)) {
            msoc_fail(err, MSOC_INVALID, "'%s' is not a workspace id", given);
            return false;
        }
        snprintf(out, cap, "%s", given);
        return true;
    }
    ws_acc acc = {tenant, {{0}}, 0};
    if (msoc_stor_list_partitions(db, NULL, add_ws, &acc, err) != MSOC_OK)
        return false;
    if (acc.n == 1) {
        snprintf(out, cap, "%s", acc.names[0]);
        return true;
    }
    if (acc.n == 0)
        msoc_fail(err, MSOC_NOTFOUND, "tenant '%s' has no Sentinel workspace with data in this directory; pass --workspace",
                  tenant);
    else
        msoc_fail(err, MSOC_INVALID, "tenant '%s' has %zu workspaces (e.g. %s, %s); pass --workspace", tenant, acc.n,
                  acc.names[0], acc.names[1]);
    return false;
}

/* ---- rows ---- */

static void json_kv(msoc_buf *b, const char *k, msoc_str v, bool is_first)
{
    if (!is_first)
        msoc_buf_putc(b, ',');
    msoc_buf_append_json_str(b, k, strlen(k));
    msoc_buf_putc(b, ':');
    msoc_buf_append_json_str(b, v.ptr ? v.ptr : "", v.len);
}

static void guid_of(const char *alias, uint64_t salt, uint64_t idx, char out[37])
{
    char seed[512];
    int n = snprintf(seed, sizeof seed, "%s|%llu|%llu", alias, (unsigned long long)salt, (unsigned long long)idx);
    uint64_t h1 = msoc_hash_bytes(seed, (size_t)n);
    uint64_t h2 = msoc_hash_u64(h1 ^ 0x9e3779b97f4a7c15ull);
    snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(h1 >> 32), (unsigned)(h1 >> 16) & 0xffffu,
             (unsigned)h1 & 0xfffu, (unsigned)((h2 >> 48) & 0x3fffu) | 0x8000u,
             (unsigned long long)(h2 & 0xffffffffffffull));
}

/* One Watchlist row: the common columns, then item (a JSON object text) if any. */
static void watchlist_row(msoc_buf *b, const char *tenant, const char *ws, const char *alias, const char *type,
                          const char *status, msoc_datetime at, const char *item_id, msoc_str search_key,
                          const char *source, const char *description, const msoc_buf *item)
{
    char ts[MSOC_DATETIME_FMT_CAP];
    size_t tn = msoc_datetime_format(at, ts);
    msoc_str t = msoc_str_make(ts, tn);
    msoc_buf_putc(b, '{');
    json_kv(b, "TenantId", msoc_str_c(tenant), true);
    json_kv(b, "WorkspaceId", msoc_str_c(ws), false);
    json_kv(b, "TimeGenerated", t, false);
    json_kv(b, "_DTTimestamp", t, false);
    json_kv(b, "LastUpdatedTimeUTC", t, false);
    json_kv(b, "CreatedTimeUTC", t, false);
    json_kv(b, "_DTItemType", msoc_str_c(type), false);
    json_kv(b, "_DTItemStatus", msoc_str_c(status), false);
    json_kv(b, "_DTItemId", msoc_str_c(item_id), false);
    json_kv(b, "WatchlistAlias", msoc_str_c(alias), false);
    json_kv(b, "WatchlistName", msoc_str_c(alias), false);
    json_kv(b, "WatchlistId", msoc_str_c(alias), false);
    json_kv(b, "SearchKey", search_key, false);
    json_kv(b, "Provider", MSOC_STR("multisoc"), false);
    json_kv(b, "Source", msoc_str_c(source ? source : ""), false);
    json_kv(b, "Notes", msoc_str_c(description ? description : ""), false);
    json_kv(b, "Type", MSOC_STR("Watchlist"), false);
    if (item) {
        msoc_buf_append_c(b, ",\"WatchlistItem\":");
        msoc_buf_append(b, item->data, item->len);
    }
    msoc_buf_append_c(b, "}\n");
}

static int ingest_rows(msoc_stor_db *db, const char *tenant, const char *ws, const msoc_buf *rows, size_t n_rows,
                       msoc_error *err)
{
    msoc_ingest_opts io = {0};
    io.tenant = tenant;
    io.workspace = ws;
    io.table = "Watchlist";
    io.format = MSOC_INGEST_NDJSON;
    io.n_threads = 1;
    msoc_ingest_stats stats = {0};
    if (msoc_ingest_buffer(db, &io, "watchlist", rows->data, rows->len, &stats, err) != MSOC_OK)
        return cli_report("watchlist", err);
    if (stats.n_stored != n_rows) {
        msoc_fail(err, MSOC_INTERNAL, "%zu of %zu watchlist rows were rejected", stats.n_rejected, n_rows);
        return cli_report("watchlist", err);
    }
    return 0;
}

static msoc_status open_rw(const char *dir, msoc_stor_db **db, msoc_error *err)
{
    msoc_stor_options so = {0};
    return msoc_stor_open(dir, &so, db, err);
}

static int watchlist_add(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&add_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    if (!need(&a, "add", "data") || !need(&a, "add", "tenant") || !need(&a, "add", "name") ||
        !need(&a, "add", "csv"))
        return 2;
    const char *tenant = cli_get(&a, "tenant"), *alias = cli_get(&a, "name");
    msoc_error err;
    msoc_error_clear(&err);
    if (!msoc_stor_name_is_safe(tenant)) {
        fprintf(stderr, "multisoc watchlist add: '%s' is not a tenant id\n", tenant);
        return 2;
    }
    if (alias[0] == 0 || strlen(alias) > 200) {
        fprintf(stderr, "multisoc watchlist add: the name must have 1 to 200 characters\n");
        return 2;
    }
    msoc_arena *arena = msoc_arena_new(NULL, (size_t)4 << 30, "watchlist");
    msoc_buf text, rows;
    msoc_buf_init(&text, CSV_CAP);
    msoc_buf_init(&rows, (size_t)2 << 30);
    msoc_vec csv;
    msoc_vec_init(&csv, sizeof(csv_row), MAX_ITEMS + 1);
    msoc_stor_db *db = NULL;
    rc = 1;
    if (!cli_read_file(cli_get(&a, "csv"), &text, &err) ||
        !csv_parse(arena, text.data ? text.data : "", text.len, &csv, &err)) {
        rc = cli_report("watchlist add", &err);
        goto done;
    }
    if (csv.n < 1) {
        fprintf(stderr, "multisoc watchlist add: the CSV has no header line\n");
        rc = 2;
        goto done;
    }
    const csv_row *hdr = &MSOC_VEC_AT(&csv, csv_row, 0);
    size_t key_col = 0;
    if (cli_has(&a, "search-key")) {
        const char *k = cli_get(&a, "search-key");
        key_col = hdr->n;
        for (size_t i = 0; i < hdr->n; i++)
            if (msoc_str_eq_c(hdr->fields[i], k))
                key_col = i;
        if (key_col == hdr->n) {
            fprintf(stderr, "multisoc watchlist add: the CSV has no column '%s'\n", k);
            rc = 2;
            goto done;
        }
    }
    for (size_t i = 0; i < hdr->n; i++) {
        if (hdr->fields[i].len == 0) {
            fprintf(stderr, "multisoc watchlist add: CSV column %zu has no name\n", i + 1);
            rc = 2;
            goto done;
        }
    }
    if (open_rw(cli_get(&a, "data"), &db, &err) != MSOC_OK) {
        rc = cli_report("watchlist add", &err);
        goto done;
    }
    char ws[256];
    if (!pick_workspace(db, tenant, cli_get(&a, "workspace"), ws, sizeof ws, &err)) {
        rc = cli_report("watchlist add", &err);
        goto done;
    }
    /* replace: a Delete of the list (hides every older item), the list, its items */
    msoc_datetime now = msoc_datetime_now();
    char id[37];
    guid_of(alias, (uint64_t)now, 0, id);
    const char *src = cli_get(&a, "csv"), *desc = cli_get(&a, "description");
    watchlist_row(&rows, tenant, ws, alias, "watchlist", "Delete", now, id, MSOC_STR(""), src, desc, NULL);
    watchlist_row(&rows, tenant, ws, alias, "watchlist", "Create", now + 1, id, hdr->fields[key_col], src, desc,
                  NULL);
    size_t n_rows = 2;
    msoc_buf item;
    msoc_buf_init(&item, 16u << 20);
    for (size_t r = 1; r < csv.n; r++) {
        const csv_row *row = &MSOC_VEC_AT(&csv, csv_row, r);
        msoc_buf_reset(&item);
        msoc_buf_putc(&item, '{');
        for (size_t c = 0; c < hdr->n; c++) {
            if (c)
                msoc_buf_putc(&item, ',');
            msoc_buf_append_json_str(&item, hdr->fields[c].ptr, hdr->fields[c].len);
            msoc_buf_putc(&item, ':');
            msoc_str v = c < row->n ? row->fields[c] : MSOC_STR("");
            msoc_buf_append_json_str(&item, v.ptr, v.len);
        }
        msoc_buf_putc(&item, '}');
        char iid[37];
        guid_of(alias, (uint64_t)now, r, iid);
        msoc_str key = key_col < row->n ? row->fields[key_col] : MSOC_STR("");
        watchlist_row(&rows, tenant, ws, alias, "watchlist-item", "Create", now + 2, iid, key, src, desc, &item);
        n_rows++;
    }
    msoc_status st = msoc_buf_check(&item, "watchlist item", &err);
    msoc_buf_fini(&item);
    if (st == MSOC_OK)
        st = msoc_buf_check(&rows, "watchlist rows", &err);
    if (st != MSOC_OK) {
        rc = cli_report("watchlist add", &err);
        goto done;
    }
    rc = ingest_rows(db, tenant, ws, &rows, n_rows, &err);
    if (rc == 0)
        printf("watchlist %s: %zu items, search key %.*s, tenant %s, workspace %s\n", alias, csv.n - 1,
               (int)hdr->fields[key_col].len, hdr->fields[key_col].ptr, tenant, ws);
done:
    if (db)
        msoc_stor_close(db);
    msoc_vec_fini(&csv);
    msoc_buf_fini(&rows);
    msoc_buf_fini(&text);
    msoc_arena_free(arena);
    return rc;
}

static int watchlist_rm(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&rm_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    if (!need(&a, "rm", "data") || !need(&a, "rm", "tenant") || !need(&a, "rm", "name"))
        return 2;
    const char *tenant = cli_get(&a, "tenant"), *alias = cli_get(&a, "name");
    msoc_error err;
    msoc_error_clear(&err);
    if (!msoc_stor_name_is_safe(tenant)) {
        fprintf(stderr, "multisoc watchlist rm: '%s' is not a tenant id\n", tenant);
        return 2;
    }
    /* it must exist in the tenant: ask the engine, scoped to this tenant only */
    cli_engine e;
    if (cli_engine_open(&e, cli_get(&a, "data"), tenant, &err) != MSOC_OK)
        return cli_report("watchlist rm", &err);
    msoc_buf q;
    msoc_buf_init(&q, 1u << 16);
    msoc_buf_append_c(&q, "_GetWatchlist(");
    msoc_buf_append_json_str(&q, alias, strlen(alias));
    msoc_buf_append_c(&q, ") | count");
    msoc_exec_query *eq = NULL;
    const msoc_exec_table *t;
    msoc_status st = msoc_buf_check(&q, "query", &err);
    if (st == MSOC_OK)
        st = cli_engine_run(&e, q.data, q.len, &eq, &t, &err);
    msoc_exec_query_free(eq);
    msoc_buf_fini(&q);
    cli_engine_close(&e);
    if (st != MSOC_OK)
        return cli_report("watchlist rm", &err);
    msoc_stor_db *db = NULL;
    if (open_rw(cli_get(&a, "data"), &db, &err) != MSOC_OK)
        return cli_report("watchlist rm", &err);
    char ws[256];
    rc = 1;
    if (!pick_workspace(db, tenant, cli_get(&a, "workspace"), ws, sizeof ws, &err)) {
        rc = cli_report("watchlist rm", &err);
    } else {
        msoc_buf rows;
        msoc_buf_init(&rows, 1u << 20);
        msoc_datetime now = msoc_datetime_now();
        char id[37];
        guid_of(alias, (uint64_t)now, 0, id);
        watchlist_row(&rows, tenant, ws, alias, "watchlist", "Delete", now, id, MSOC_STR(""), NULL, NULL, NULL);
        rc = ingest_rows(db, tenant, ws, &rows, 1, &err);
        if (rc == 0)
            printf("watchlist %s: removed from tenant %s, workspace %s\n", alias, tenant, ws);
        msoc_buf_fini(&rows);
    }
    msoc_stor_close(db);
    return rc;
}

static int watchlist_list(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&list_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    if (!need(&a, "list", "data") || !need(&a, "list", "tenant"))
        return 2;
    msoc_error err;
    msoc_error_clear(&err);
    cli_engine e;
    if (cli_engine_open(&e, cli_get(&a, "data"), cli_get(&a, "tenant"), &err) != MSOC_OK)
        return cli_report("watchlist list", &err);
    msoc_buf q;
    msoc_buf_init(&q, 1u << 16);
    /* the lists whose last change is not a Delete, with their current item counts */
    msoc_buf_append_c(&q, "Watchlist | where _DTItemType == 'watchlist'");
    if (cli_get(&a, "workspace")) {
        msoc_buf_append_c(&q, " and WorkspaceId == ");
        msoc_buf_append_json_str(&q, cli_get(&a, "workspace"), strlen(cli_get(&a, "workspace")));
    }
    msoc_buf_append_c(&q, "\n| summarize arg_max(_DTTimestamp, _DTItemStatus, SearchKey, Source, Notes)"
                          " by WatchlistAlias, TenantId, WorkspaceId\n"
                          "| where _DTItemStatus != 'Delete'\n"
                          "| join kind=leftouter (Watchlist | where _DTItemType == 'watchlist-item'"
                          " | summarize arg_max(_DTTimestamp, _DTItemStatus) by _DTItemId, WatchlistAlias, TenantId, WorkspaceId"
                          " | project WatchlistAlias, TenantId, WorkspaceId, ItemTime = _DTTimestamp, ItemStatus = _DTItemStatus)"
                          " on WatchlistAlias, TenantId, WorkspaceId\n"
                          "| summarize Items = countif(ItemTime > _DTTimestamp and ItemStatus != 'Delete')"
                          " by Name = WatchlistAlias, WorkspaceId, SearchKey, Source, Description = Notes,"
                          " Updated = _DTTimestamp\n"
                          "| sort by Name asc");
    msoc_exec_query *eq = NULL;
    const msoc_exec_table *t;
    msoc_status st = msoc_buf_check(&q, "query", &err);
    if (st == MSOC_OK)
        st = cli_engine_run(&e, q.data, q.len, &eq, &t, &err);
    if (st == MSOC_OK) {
        msoc_buf out;
        msoc_buf_init(&out, 256u << 20);
        st = msoc_exec_table_write(t, MSOC_EXEC_FMT_TABLE, &out, &err);
        if (st == MSOC_OK)
            fwrite(out.data, 1, out.len, stdout);
        msoc_buf_fini(&out);
    }
    msoc_exec_query_free(eq);
    msoc_buf_fini(&q);
    cli_engine_close(&e);
    return st == MSOC_OK ? 0 : cli_report("watchlist list", &err);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: multisoc watchlist <add|list|rm> --data DIR --tenant T [options]\n\n"
               "  add   create or replace a watchlist from a CSV file\n"
               "  list  the tenant's watchlists and item counts\n"
               "  rm    delete a watchlist\n\n"
               "Queries read a watchlist with _GetWatchlist('NAME'). Run 'multisoc watchlist <sub> --help'.\n");
}

int cli_cmd_watchlist(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "add") == 0)
        return watchlist_add(argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0)
        return watchlist_list(argc - 1, argv + 1);
    if (strcmp(sub, "rm") == 0)
        return watchlist_rm(argc - 1, argv + 1);
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "multisoc watchlist: unknown subcommand '%s'\n", sub);
    usage(stderr);
    return 2;
}
