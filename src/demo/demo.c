/* msoc_demo_generate: builds the world, plans the attack scenarios, generates the
 * tenants in parallel (one RNG stream each, so thread count never changes a byte)
 * and writes manifest.json last. Output contract: src/demo/README.md. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "core/pool.h"
#include "demo_int.h"
#include "vocab.h"

void msoc_demo_opts_default(msoc_demo_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->n_tenants = 20;
    opts->n_days = 7;
    opts->seed = 1;
    opts->scale = 1.0;
    msoc_datetime now = msoc_datetime_now();
    opts->end = msoc_floor_div(now, MSOC_TICKS_PER_HOUR) * MSOC_TICKS_PER_HOUR;
}

typedef struct run_ctx {
    dm_world *w;
    msoc_error *errs;           /* one per tenant */
    atomic_uint_fast64_t rows, bytes;
    atomic_int n_done;
    atomic_bool is_failed;
    atomic_llong last_tick_ms;
    pthread_mutex_t cb_lock;
    msoc_demo_progress_fn progress;
    void *progress_arg;
    double t0;
} run_ctx;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(run_ctx *rc, msoc_demo_progress *p)
{
    if (rc->progress == NULL)
        return;
    p->rows = atomic_load(&rc->rows);
    p->bytes = atomic_load(&rc->bytes);
    p->elapsed_s = now_s() - rc->t0;
    p->n_tenants = rc->w->n_tenants;
    p->n_tenants_done = atomic_load(&rc->n_done);
    pthread_mutex_lock(&rc->cb_lock);
    rc->progress(p, rc->progress_arg);
    pthread_mutex_unlock(&rc->cb_lock);
}

static void maybe_tick(run_ctx *rc)
{
    if (rc->progress == NULL)
        return;
    long long ms = (long long)((now_s() - rc->t0) * 1000);
    long long last = atomic_load(&rc->last_tick_ms);
    if (ms - last < 500 || !atomic_compare_exchange_strong(&rc->last_tick_ms, &last, ms))
        return;
    msoc_demo_progress p;
    memset(&p, 0, sizeof p);
    p.event = MSOC_DEMO_EV_TICK;
    p.tenant_idx = -1;
    report(rc, &p);
}

static msoc_status make_dir(const char *path, msoc_error *err)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return msoc_fail(err, MSOC_IO, "%s: %s", path, strerror(errno));
    return MSOC_OK;
}

static void gen_tenant(void *arg, size_t idx)
{
    run_ctx *rc = arg;
    dm_world *w = rc->w;
    dm_tenant *t = &w->tenants[idx];
    msoc_error *err = &rc->errs[idx];
    dm_gen g;
    memset(&g, 0, sizeof g);
    g.w = w;
    g.t = t;
    msoc_rng_seed2(&g.r, w->opts->seed, 0xE0000000u + idx);
    msoc_rng pr;
    msoc_rng_seed2(&pr, w->opts->seed, 0x5C000000u + idx);
    dm_scen_place(w, t, &pr);
    g.sen = msoc_calloc((size_t)t->n_ws, sizeof *g.sen);

    char path[4096];
    msoc_status st = MSOC_OK;
    dm_fmt(path, sizeof path, "%s/tenants/%s", w->opts->out_dir, t->id);
    st = make_dir(path, err);
    dm_fmt(path, sizeof path, "%s/tenants/%s/%s", w->opts->out_dir, t->id, MSOC_STOR_DEFENDER_WORKSPACE);
    if (st == MSOC_OK)
        st = make_dir(path, err);
    for (int tb = 0; tb < DM_T__DEFENDER_COUNT && st == MSOC_OK; tb++) {
        dm_fmt(path, sizeof path, "%s/tenants/%s/%s/%s.ndjson", w->opts->out_dir, t->id, MSOC_STOR_DEFENDER_WORKSPACE,
               dm_table_names[tb]);
        if (!w->is_written[tb]) {
            dm_out_sink(&g.def[tb], &w->schema.t[tb]);
            continue;
        }
        st = dm_out_open(&g.def[tb], &w->schema.t[tb], path, t->id, NULL, err);
        g.def[tb].progress_rows = &rc->rows;
        g.def[tb].progress_bytes = &rc->bytes;
    }
    for (int ws = 0; ws < t->n_ws && st == MSOC_OK; ws++) {
        dm_fmt(path, sizeof path, "%s/tenants/%s/%s", w->opts->out_dir, t->id, t->ws[ws].id);
        st = make_dir(path, err);
        for (int k = 0; k < DM_N_SENTINEL && st == MSOC_OK; k++) {
            int tb = DM_T__DEFENDER_COUNT + k;
            dm_fmt(path, sizeof path, "%s/tenants/%s/%s/%s.ndjson", w->opts->out_dir, t->id, t->ws[ws].id,
                   dm_table_names[tb]);
            if (!w->is_written[tb]) {
                dm_out_sink(&g.sen[ws][k], &w->schema.t[tb]);
                continue;
            }
            st = dm_out_open(&g.sen[ws][k], &w->schema.t[tb], path, t->id, t->ws[ws].id, err);
            g.sen[ws][k].progress_rows = &rc->rows;
            g.sen[ws][k].progress_bytes = &rc->bytes;
        }
    }
    if (st == MSOC_OK) {
        dm_gen_snapshot(&g);
        for (int hour = 0; hour < w->n_hours; hour++) {
            if (atomic_load(&rc->is_failed))
                break;
            dm_gen_hour(&g, hour);
            for (int tb = 0; tb < DM_T__DEFENDER_COUNT; tb++)
                if (g.def[tb].st != MSOC_OK)
                    st = g.def[tb].st;
            for (int ws = 0; ws < t->n_ws; ws++)
                for (int k = 0; k < DM_N_SENTINEL; k++)
                    if (g.sen[ws][k].st != MSOC_OK)
                        st = g.sen[ws][k].st;
            if (st != MSOC_OK)
                break;
            maybe_tick(rc);
        }
    }
    /* Close everything (flushes), keeping the first error. */
    for (int tb = 0; tb < DM_T__DEFENDER_COUNT; tb++) {
        msoc_status cst = dm_out_close(&g.def[tb], err);
        if (st == MSOC_OK)
            st = cst;
        t->n_rows += g.def[tb].n_rows;
    }
    for (int ws = 0; ws < t->n_ws; ws++)
        for (int k = 0; k < DM_N_SENTINEL; k++) {
            msoc_status cst = dm_out_close(&g.sen[ws][k], err);
            if (st == MSOC_OK)
                st = cst;
            t->n_rows += g.sen[ws][k].n_rows;
        }
    /* Remember the per-file counts for the manifest. */
    t->file_rows = msoc_calloc((size_t)(DM_T__DEFENDER_COUNT + t->n_ws * DM_N_SENTINEL), sizeof *t->file_rows);
    t->file_bytes = msoc_calloc((size_t)(DM_T__DEFENDER_COUNT + t->n_ws * DM_N_SENTINEL), sizeof *t->file_bytes);
    for (int tb = 0; tb < DM_T__DEFENDER_COUNT; tb++) {
        t->file_rows[tb] = g.def[tb].n_rows;
        t->file_bytes[tb] = g.def[tb].n_bytes;
    }
    for (int ws = 0; ws < t->n_ws; ws++)
        for (int k = 0; k < DM_N_SENTINEL; k++) {
            t->file_rows[DM_T__DEFENDER_COUNT + ws * DM_N_SENTINEL + k] = g.sen[ws][k].n_rows;
            t->file_bytes[DM_T__DEFENDER_COUNT + ws * DM_N_SENTINEL + k] = g.sen[ws][k].n_bytes;
        }
    msoc_free(g.sen);
    if (st != MSOC_OK) {
        atomic_store(&rc->is_failed, true);
        return;
    }
    atomic_fetch_add(&rc->n_done, 1);
    msoc_demo_progress p;
    memset(&p, 0, sizeof p);
    p.event = MSOC_DEMO_EV_TENANT_DONE;
    p.tenant_idx = (int)idx;
    p.tenant_name = t->name;
    p.tenant_rows = t->n_rows;
    p.tenant_devices = (uint64_t)t->n_dev;
    p.tenant_users = (uint64_t)t->n_users;
    report(rc, &p);
}

/* ---- manifest.json ---- */

static void jstr(msoc_buf *b, const char *s)
{
    msoc_buf_append_json_str(b, s, strlen(s));
}

static void jdt(msoc_buf *b, msoc_datetime t)
{
    char tmp[MSOC_DATETIME_FMT_CAP];
    msoc_datetime_format(t, tmp);
    jstr(b, tmp);
}

static msoc_status write_manifest(dm_world *w, msoc_error *err)
{
    msoc_buf b;
    msoc_buf_init(&b, (size_t)512 << 20);
    const msoc_demo_opts *o = w->opts;
    msoc_buf_append_c(&b, "{\n  \"generator\": \"multisoc demo generate\",\n  \"generator_version\": ");
    jstr(&b, MSOC_DEMO_GENERATOR_VERSION);
    msoc_buf_appendf(&b, ",\n  \"arguments\": {\"tenants\": %d, \"days\": %d, \"seed\": %llu, \"end\": ", o->n_tenants,
                     o->n_days, (unsigned long long)o->seed);
    jdt(&b, w->end);
    msoc_buf_append_c(&b, ", \"scale\": ");
    msoc_buf_append_double(&b, o->scale);
    msoc_buf_append_c(&b, ", \"tables\": [");
    for (int tb = 0, n = 0; tb < DM_T__COUNT; tb++)
        if (w->is_written[tb])
            msoc_buf_appendf(&b, "%s\"%s\"", n++ ? ", " : "", dm_table_names[tb]);
    msoc_buf_append_c(&b, "]},\n  \"start\": ");
    jdt(&b, w->start);
    msoc_buf_append_c(&b, ",\n  \"end\": ");
    jdt(&b, w->end);
    msoc_buf_append_c(&b, ",\n  \"layout\": \"tenants/<tenantId>/<workspace>/<Table>.ndjson; workspace is "
                          "\\\"defender\\\" for Defender tables, else the Sentinel workspace id\",\n");
    msoc_buf_append_c(&b, "  \"tenants\": [");
    uint64_t total_rows = 0, total_bytes = 0;
    uint64_t per_table[DM_T__COUNT] = {0};
    for (int t_idx = 0; t_idx < w->n_tenants; t_idx++) {
        dm_tenant *t = &w->tenants[t_idx];
        msoc_buf_append_c(&b, t_idx ? ",\n    {" : "\n    {");
        msoc_buf_append_c(&b, "\"id\": ");
        jstr(&b, t->id);
        msoc_buf_append_c(&b, ", \"name\": ");
        jstr(&b, t->name);
        msoc_buf_append_c(&b, ", \"domain\": ");
        jstr(&b, t->domain);
        msoc_buf_append_c(&b, ", \"netbios\": ");
        jstr(&b, t->netbios);
        msoc_buf_append_c(&b, ", \"cloud\": ");
        jstr(&b, t->cloud);
        msoc_buf_append_c(&b, ", \"time_zone\": ");
        jstr(&b, t->tz_name);
        msoc_buf_appendf(&b, ", \"utc_offset_minutes\": %d, \"country\": ", t->tz_offset_min);
        jstr(&b, t->country);
        msoc_buf_append_c(&b, ", \"city\": ");
        jstr(&b, t->city);
        msoc_buf_append_c(&b, ", \"egress_ip\": ");
        jstr(&b, t->egress_ip);
        int n_srv = 0, n_lin = 0;
        for (int d = 0; d < t->n_dev; d++) {
            n_srv += t->devs[d].role == DM_ROLE_SERVER || t->devs[d].role == DM_ROLE_DC;
            n_lin += t->devs[d].role == DM_ROLE_LINUX;
        }
        msoc_buf_appendf(&b, ",\n     \"devices\": %d, \"servers\": %d, \"linux_servers\": %d, \"users\": %d, \"rows\": %llu",
                         t->n_dev, n_srv, n_lin, t->n_users, (unsigned long long)t->n_rows);
        msoc_buf_append_c(&b, ",\n     \"admin_upn\": ");
        jstr(&b, t->users[t->n_users - 1].upn);
        msoc_buf_append_c(&b, ",\n     \"workspaces\": [");
        for (int ws = 0; ws < t->n_ws; ws++) {
            msoc_buf_append_c(&b, ws ? ", {\"id\": " : "{\"id\": ");
            jstr(&b, t->ws[ws].id);
            msoc_buf_append_c(&b, ", \"name\": ");
            jstr(&b, t->ws[ws].name);
            msoc_buf_appendf(&b, ", \"primary\": %s}", t->ws[ws].is_primary ? "true" : "false");
        }
        msoc_buf_append_c(&b, "],\n     \"files\": [");
        int n_files = DM_T__DEFENDER_COUNT + t->n_ws * DM_N_SENTINEL, n_listed = 0;
        for (int f = 0; f < n_files; f++) {
            int tb = f < DM_T__DEFENDER_COUNT ? f : DM_T__DEFENDER_COUNT + (f - DM_T__DEFENDER_COUNT) % DM_N_SENTINEL;
            const char *ws = f < DM_T__DEFENDER_COUNT ? MSOC_STOR_DEFENDER_WORKSPACE
                                                      : t->ws[(f - DM_T__DEFENDER_COUNT) / DM_N_SENTINEL].id;
            if (!w->is_written[tb])
                continue;
            msoc_buf_appendf(&b, "%s\n       {\"path\": \"tenants/%s/%s/%s.ndjson\", \"table\": \"%s\", \"workspace\": \"%s\", "
                                 "\"rows\": %llu, \"bytes\": %llu}",
                             n_listed++ ? "," : "", t->id, ws, dm_table_names[tb], dm_table_names[tb], ws,
                             (unsigned long long)t->file_rows[f], (unsigned long long)t->file_bytes[f]);
            per_table[tb] += t->file_rows[f];
            total_rows += t->file_rows[f];
            total_bytes += t->file_bytes[f];
        }
        msoc_buf_append_c(&b, "]}");
    }
    msoc_buf_append_c(&b, "\n  ],\n  \"campaigns\": [");
    for (int c = 0; c < DM_N_CAMPAIGNS; c++) {
        const dm_campaign *k = &w->camp[c];
        msoc_buf_appendf(&b, "%s\n    {\"index\": %d, \"c2_ip\": \"%s\", \"c2_domain\": \"%s\", \"phish_domain\": \"%s\", "
                             "\"spray_ip\": \"%s\", \"payload_name\": \"%s\", \"payload_sha256\": \"%s\", "
                             "\"ransomware_name\": \"%s\", \"ransomware_sha256\": \"%s\", \"ransomware_extension\": \"%s\"}",
                         c ? "," : "", c, k->c2_ip, k->c2_domain, k->phish_domain, k->spray_ip, k->payload_name,
                         k->payload_sha256, k->ransom_name, k->ransom_sha256, k->ransom_ext);
    }
    msoc_buf_appendf(&b, "\n  ],\n  \"mimikatz_sha256\": \"%s\",\n  \"scenarios\": [", w->mimikatz_sha256);
    for (int s_idx = 0; s_idx < w->n_scens; s_idx++) {
        dm_scen *sc = &w->scens[s_idx];
        dm_tenant *t = &w->tenants[sc->tenant];
        msoc_buf_append_c(&b, s_idx ? ",\n    {" : "\n    {");
        msoc_buf_appendf(&b, "\"id\": \"%s\", \"type\": \"%s\", \"tenant_id\": \"%s\", \"campaign\": %d,\n      \"tenant_name\": ",
                         sc->id, dm_scen_names[sc->type], t->id, sc->campaign);
        jstr(&b, t->name);
        msoc_buf_append_c(&b, ",\n      \"window\": {\"start\": ");
        jdt(&b, sc->first);
        msoc_buf_append_c(&b, ", \"end\": ");
        jdt(&b, sc->last);
        msoc_buf_append_c(&b, "},\n      \"tables\": {");
        bool is_first = true;
        for (int tb = 0; tb < DM_T__COUNT; tb++)
            if (sc->table_rows[tb]) {
                msoc_buf_appendf(&b, "%s\"%s\": %llu", is_first ? "" : ", ", dm_table_names[tb],
                                 (unsigned long long)sc->table_rows[tb]);
                is_first = false;
            }
        msoc_buf_append_c(&b, "}");
        if (sc->type != DM_SC_SPRAY) {
            const dm_device *d = &t->devs[sc->device];
            msoc_buf_appendf(&b, ",\n      \"device\": {\"id\": \"%s\", \"name\": \"%s\", \"ip\": \"%s\"}", d->id, d->name, d->ip);
        } else
            msoc_buf_append_c(&b, ",\n      \"device\": null");
        if (sc->user >= 0) {
            const dm_user *u = sc->type == DM_SC_LATERAL ? &t->users[t->n_users - 1] : &t->users[sc->user];
            msoc_buf_appendf(&b, ",\n      \"user\": {\"upn\": \"%s\", \"sam\": \"%s\", \"object_id\": \"%s\", \"sid\": \"%s\"}",
                             u->upn, u->sam, u->oid, u->sid);
        } else
            msoc_buf_append_c(&b, ",\n      \"user\": null");
        msoc_buf_append_c(&b, ",\n      \"targets\": [");
        for (int k = 0; k < sc->n_targets; k++) {
            const dm_device *d = &t->devs[sc->targets[k]];
            msoc_buf_appendf(&b, "%s{\"id\": \"%s\", \"name\": \"%s\", \"ip\": \"%s\"}", k ? ", " : "", d->id, d->name, d->ip);
        }
        msoc_buf_append_c(&b, "]");
        msoc_buf_append(&b, sc->keys.data ? sc->keys.data : "", sc->keys.len);
        msoc_buf_append_c(&b, ",\n      \"rows\": [");
        msoc_buf_append(&b, sc->rows.data ? sc->rows.data : "", sc->rows.len);
        msoc_buf_append_c(&b, "]}");
    }
    msoc_buf_appendf(&b, "\n  ],\n  \"totals\": {\"rows\": %llu, \"bytes\": %llu, \"tables\": {",
                     (unsigned long long)total_rows, (unsigned long long)total_bytes);
    for (int tb = 0; tb < DM_T__COUNT; tb++)
        msoc_buf_appendf(&b, "%s\"%s\": %llu", tb ? ", " : "", dm_table_names[tb], (unsigned long long)per_table[tb]);
    msoc_buf_append_c(&b, "}}\n}\n");
    msoc_status st = msoc_buf_check(&b, "manifest.json", err);
    if (st == MSOC_OK) {
        char path[4096];
        dm_fmt(path, sizeof path, "%s/manifest.json", o->out_dir);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            st = msoc_fail(err, MSOC_IO, "%s: %s", path, strerror(errno));
        else {
            size_t off = 0;
            while (off < b.len) {
                ssize_t n = write(fd, b.data + off, b.len - off);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n < 0) {
                    st = msoc_fail(err, MSOC_IO, "%s: %s", path, strerror(errno));
                    break;
                }
                off += (size_t)n;
            }
            if (close(fd) != 0 && st == MSOC_OK)
                st = msoc_fail(err, MSOC_IO, "%s: %s", path, strerror(errno));
        }
    }
    msoc_buf_fini(&b);
    return st;
}

/* ---- entry point ---- */

static msoc_status check_opts(const msoc_demo_opts *o, msoc_error *err)
{
    if (o->out_dir == NULL || o->out_dir[0] == '\0')
        return msoc_fail(err, MSOC_INVALID, "demo: an output directory is required");
    if (o->n_tenants < 1 || o->n_tenants > MSOC_DEMO_MAX_TENANTS)
        return msoc_fail(err, MSOC_INVALID, "demo: tenants must be 1..%d, not %d", MSOC_DEMO_MAX_TENANTS, o->n_tenants);
    if (o->n_days < 1 || o->n_days > MSOC_DEMO_MAX_DAYS)
        return msoc_fail(err, MSOC_INVALID, "demo: days must be 1..%d, not %d", MSOC_DEMO_MAX_DAYS, o->n_days);
    if (!(o->scale > 0 && o->scale <= 1000))
        return msoc_fail(err, MSOC_INVALID, "demo: scale must be in (0, 1000]");
    if (o->end % MSOC_TICKS_PER_HOUR != 0)
        return msoc_fail(err, MSOC_INVALID, "demo: the end time must be a whole hour");
    msoc_datetime start = o->end - (int64_t)o->n_days * MSOC_TICKS_PER_DAY;
    if (start < msoc_days_from_civil(1980, 1, 1) * MSOC_TICKS_PER_DAY ||
        o->end > msoc_days_from_civil(9000, 1, 1) * MSOC_TICKS_PER_DAY)
        return msoc_fail(err, MSOC_INVALID, "demo: the end time is out of range");
    return MSOC_OK;
}

static msoc_status parse_tables(const char *list, bool is_written[DM_T__COUNT], msoc_error *err)
{
    bool is_all = list == NULL || list[0] == '\0';
    for (int tb = 0; tb < DM_T__COUNT; tb++)
        is_written[tb] = is_all;
    if (is_all)
        return MSOC_OK;
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        int found = -1;
        for (int tb = 0; tb < DM_T__COUNT; tb++)
            if (strlen(dm_table_names[tb]) == len && memcmp(dm_table_names[tb], p, len) == 0)
                found = tb;
        if (found < 0)
            return msoc_fail(err, MSOC_INVALID, "demo: '%.*s' is not one of the tables the generator writes", (int)len, p);
        is_written[found] = true;
        p += len;
        if (*p == ',')
            p++;
    }
    return MSOC_OK;
}

static msoc_status prepare_out_dir(const char *dir, msoc_error *err)
{
    /* mkdir -p */
    char path[4096];
    size_t len = strlen(dir);
    if (len >= sizeof path - 64)
        return msoc_fail(err, MSOC_INVALID, "demo: output path too long");
    memcpy(path, dir, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (path[i] == '/' || path[i] == '\0') {
            char c = path[i];
            path[i] = '\0';
            if (mkdir(path, 0755) != 0 && errno != EEXIST)
                return msoc_fail(err, MSOC_IO, "%s: %s", path, strerror(errno));
            path[i] = c;
        }
    }
    DIR *dp = opendir(dir);
    if (dp == NULL)
        return msoc_fail(err, MSOC_IO, "%s: %s", dir, strerror(errno));
    struct dirent *de;
    bool is_empty = true;
    while ((de = readdir(dp)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            is_empty = false;
    closedir(dp);
    if (!is_empty)
        return msoc_fail(err, MSOC_INVALID, "demo: %s is not empty; generate into an empty or new directory", dir);
    dm_fmt(path, sizeof path, "%s/tenants", dir);
    return make_dir(path, err);
}

msoc_status msoc_demo_generate(const msoc_demo_opts *opts, msoc_demo_progress_fn progress, void *progress_arg,
                               msoc_error *err)
{
    msoc_status st = check_opts(opts, err);
    if (st != MSOC_OK)
        return st;
    bool is_written[DM_T__COUNT];
    st = parse_tables(opts->tables, is_written, err); /* before touching the disk */
    if (st != MSOC_OK)
        return st;
    st = prepare_out_dir(opts->out_dir, err);
    if (st != MSOC_OK)
        return st;
    dm_world w;
    memset(&w, 0, sizeof w);
    w.opts = opts;
    w.end = opts->end;
    w.start = opts->end - (int64_t)opts->n_days * MSOC_TICKS_PER_DAY;
    w.n_hours = opts->n_days * 24;
    st = parse_tables(opts->tables, w.is_written, err);
    if (st != MSOC_OK)
        return st;
    st = dm_schema_init(&w.schema, err);
    if (st != MSOC_OK) {
        dm_schema_fini(&w.schema);
        return st;
    }
    dm_vocab_init(&w.vocab);
    dm_world_build_campaigns(&w);
    /* Campaign binaries join the process catalog (before any thread reads it). */
    for (int c = 0; c < DM_N_CAMPAIGNS; c++) {
        dm_campaign *k = &w.camp[c];
        dm_fmt(k->payload_folder, sizeof k->payload_folder, "C:\\Users\\Public\\Downloads\\%s", k->payload_name);
        dm_proc_def pd = {k->payload_name, k->payload_folder, "", "", "1.0.0.0", "", k->payload_name, 287744,
                          DM_PK_NONE, DM_ACCT_USER, false, {k->payload_folder}, "", "", ""};
        memcpy(pd.sha256, k->payload_sha256, 65);
        memcpy(pd.sha1, k->payload_sha1, 41);
        memcpy(pd.md5, k->payload_md5, 33);
        k->payload_def = dm_vocab_add(&w.vocab, &pd);
        dm_fmt(k->ransom_name, sizeof k->ransom_name, "svc_host%d.exe", c + 2);
        dm_fmt(k->ransom_folder, sizeof k->ransom_folder, "C:\\ProgramData\\%s", k->ransom_name);
        dm_proc_def rd = {k->ransom_name, k->ransom_folder, "", "", "", "", "", 1843200, DM_PK_NONE, DM_ACCT_USER, false,
                          {k->ransom_folder}, "", "", ""};
        memcpy(rd.sha256, k->ransom_sha256, 65);
        dm_hex_from(k->ransom_sha256, 160, rd.sha1, 40);
        dm_hex_from(k->ransom_sha256, 128, rd.md5, 32);
        k->ransom_def = dm_vocab_add(&w.vocab, &rd);
    }
    {
        dm_proc_def *md = &w.vocab.procs[dm_vocab_proc(&w.vocab, "mimikatz.exe")];
        memcpy(md->sha256, w.mimikatz_sha256, 65);
        memcpy(md->sha1, w.mimikatz_sha1, 41);
        memcpy(md->md5, w.mimikatz_md5, 33);
    }

    /* Tenant sizes: a power law over a seeded shuffle of ranks. */
    w.n_tenants = opts->n_tenants;
    w.tenants = msoc_calloc((size_t)w.n_tenants, sizeof *w.tenants);
    int *rank = msoc_calloc((size_t)w.n_tenants, sizeof *rank);
    msoc_rng r;
    msoc_rng_seed2(&r, opts->seed, 0x5A1E);
    for (int i = 0; i < w.n_tenants; i++)
        rank[i] = i + 1;
    for (int i = w.n_tenants - 1; i > 0; i--) {
        int j = (int)msoc_rng_below(&r, (uint64_t)i + 1);
        int tmp = rank[i];
        rank[i] = rank[j];
        rank[j] = tmp;
    }
    /* Clouds: ~10% GCC, ~8% GCC High, ~5% DoD (at least one of each from 4 tenants
     * up), the rest Commercial, over a seeded shuffle of the tenants. */
    w.clouds = msoc_calloc((size_t)w.n_tenants, sizeof *w.clouds);
    {
        int *order = msoc_calloc((size_t)w.n_tenants, sizeof *order);
        for (int i = 0; i < w.n_tenants; i++)
            order[i] = i;
        for (int i = w.n_tenants - 1; i > 0; i--) {
            int j = (int)msoc_rng_below(&r, (uint64_t)i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        int n = w.n_tenants, min1 = n >= 4 ? 1 : 0;
        int n_gcc = (int)(n * 0.10) > min1 ? (int)(n * 0.10) : min1;
        int n_high = (int)(n * 0.08) > min1 ? (int)(n * 0.08) : min1;
        int n_dod = (int)(n * 0.05) > min1 ? (int)(n * 0.05) : min1;
        for (int i = 0; i < n; i++)
            w.clouds[order[i]] = i < n_gcc ? "GCC" : i < n_gcc + n_high ? "GCC High" : i < n_gcc + n_high + n_dod ? "DoD" : "Commercial";
        msoc_free(order);
    }
    for (int i = 0; i < w.n_tenants; i++)
        dm_world_build_tenant(&w, &w.tenants[i], i, rank[i]);
    msoc_free(rank);
    dm_scen_plan(&w);

    run_ctx rc;
    memset(&rc, 0, sizeof rc);
    rc.w = &w;
    rc.errs = msoc_calloc((size_t)w.n_tenants, sizeof *rc.errs);
    atomic_init(&rc.rows, 0);
    atomic_init(&rc.bytes, 0);
    atomic_init(&rc.n_done, 0);
    atomic_init(&rc.is_failed, false);
    atomic_init(&rc.last_tick_ms, 0);
    pthread_mutex_init(&rc.cb_lock, NULL);
    rc.progress = progress;
    rc.progress_arg = progress_arg;
    rc.t0 = now_s();
    unsigned n_threads = opts->n_threads ? opts->n_threads : msoc_cpu_count();
    if (n_threads > (unsigned)w.n_tenants)
        n_threads = (unsigned)w.n_tenants;
    msoc_pool *pool = n_threads > 1 ? msoc_pool_new(n_threads - 1) : NULL;
    msoc_pool_run(pool, (size_t)w.n_tenants, gen_tenant, &rc);
    msoc_pool_free(pool);

    for (int i = 0; i < w.n_tenants && st == MSOC_OK; i++)
        if (rc.errs[i].code != MSOC_OK) {
            st = rc.errs[i].code;
            if (err && err->code == MSOC_OK)
                *err = rc.errs[i];
        }
    if (st == MSOC_OK)
        st = write_manifest(&w, err);
    if (st == MSOC_OK) {
        msoc_demo_progress p;
        memset(&p, 0, sizeof p);
        p.event = MSOC_DEMO_EV_FINISHED;
        p.tenant_idx = -1;
        report(&rc, &p);
    }
    pthread_mutex_destroy(&rc.cb_lock);
    msoc_free(rc.errs);
    for (int s_idx = 0; s_idx < w.n_scens; s_idx++) {
        msoc_buf_fini(&w.scens[s_idx].rows);
        msoc_buf_fini(&w.scens[s_idx].keys);
    }
    msoc_free(w.scens);
    for (int i = 0; i < w.n_tenants; i++) {
        msoc_free(w.tenants[i].file_rows);
        msoc_free(w.tenants[i].file_bytes);
        dm_tenant_fini(&w.tenants[i]);
    }
    msoc_free(w.tenants);
    msoc_free(w.clouds);
    dm_vocab_fini(&w.vocab);
    dm_schema_fini(&w.schema);
    return st;
}
