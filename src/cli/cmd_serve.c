/* multisoc serve: the HTTP server (Graph-compatible and native APIs, the web UI)
 * over DATA/multisoc.db and the event store in DATA, plus the store's housekeeping
 * (a background thread sealing memtables by age, and running retention and
 * compaction), so a long-running server never keeps everything in WAL and
 * memtables. Runs until SIGINT or SIGTERM, then seals what is left. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "auth/auth.h"
#include "cli.h"
#include "core/mem.h"
#include "core/str.h"
#include "http/http.h"
#include "soc/soc.h"
#include "storage/storage.h"

static const cli_opt serve_opts[] = {
    {"data", 'd', "DIR", "the data directory (created if missing)", NULL},
    {"listen", 'l', "ADDR:PORT", "address and port to listen on (port 0: any free port)", "127.0.0.1:8080"},
    {"tls-cert", 0, "FILE", "PEM certificate: serve HTTPS (needs --tls-key)", NULL},
    {"tls-key", 0, "FILE", "PEM private key for --tls-cert", NULL},
    {"threads", 0, "N", "HTTP worker threads (0: one per CPU)", "0"},
    {"max-body", 0, "BYTES", "largest request body accepted", "16777216"},
    {"web", 0, "DIR", "static files of the web UI (default: build/web, else web/)", NULL},
    {"home-cloud", 0, "CLOUD", "the instance's cloud when the database is created", "Commercial"},
    {"seal-age", 0, "SECONDS", "seal a table's memtable into an extent once its oldest row is this old", "60"},
    {"flush-interval", 0, "SECONDS", "how often housekeeping looks for memtables to seal (0: never)", "10"},
    {"maintenance-interval", 0, "SECONDS", "how often retention and compaction run (0: never)", "3600"},
    {"max-tenants", 0, "N", "set the most tenants this instance manages (stored in its settings; default 100)", NULL},
    {0},
};

static const cli_spec serve_spec = {
    "serve --data DIR [--listen ADDR:PORT] [--tls-cert F --tls-key F]",
    "Serves the Graph-compatible security API (/v1.0/security/incidents, /alerts_v2),\n"
    "the native API (/api/...), login/logout, the web UI, hunting (runHuntingQuery) and the\n"
    "Kusto REST endpoints over the event store in DIR. Prints the URL it serves on and\n"
    "runs until interrupted.",
    serve_opts, 0, 0,
    "example:\n  multisoc serve --data ./data --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem",
};

static char *read_file(const char *path, msoc_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        msoc_fail(err, MSOC_IO, "cannot open %s", path);
        return NULL;
    }
    msoc_buf b;
    msoc_buf_init(&b, 1 << 20);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (msoc_buf_append(&b, chunk, n) != MSOC_OK)
            break;
    fclose(f);
    if (msoc_buf_check(&b, path, err) != MSOC_OK) {
        msoc_buf_fini(&b);
        return NULL;
    }
    size_t len;
    return msoc_buf_steal(&b, &len);
}

/* ---- housekeeping ---------------------------------------------------------------------- */

typedef struct housekeeper {
    msoc_stor_db *stor;
    int64_t flush_s, maint_s;
    pthread_mutex_t mu;
    pthread_cond_t cv;  /* CLOCK_MONOTONIC */
    bool is_stopping;
    pthread_t thread;
    bool is_running;
} housekeeper;

static void hk_maintain(housekeeper *hk)
{
    msoc_error err;
    msoc_error_clear(&err);
    size_t n_ext = 0, n_rows = 0, n_merged = 0;
    if (msoc_stor_retention_run(hk->stor, msoc_datetime_now(), &n_ext, &n_rows, &err) != MSOC_OK)
        msoc_log(cli_logger(), MSOC_LOG_ERROR, "housekeeping: retention: %s", err.msg);
    else if (n_ext)
        msoc_log(cli_logger(), MSOC_LOG_INFO, "housekeeping: retention dropped %zu extents (%zu rows)", n_ext, n_rows);
    msoc_error_clear(&err);
    if (msoc_stor_compact(hk->stor, &n_merged, &err) != MSOC_OK)
        msoc_log(cli_logger(), MSOC_LOG_ERROR, "housekeeping: compaction: %s", err.msg);
    else if (n_merged)
        msoc_log(cli_logger(), MSOC_LOG_INFO, "housekeeping: compaction merged %zu extents", n_merged);
}

static void *hk_main(void *arg)
{
    housekeeper *hk = arg;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t next_flush = hk->flush_s ? now.tv_sec + hk->flush_s : INT64_MAX;
    int64_t next_maint = hk->maint_s ? now.tv_sec + hk->maint_s : INT64_MAX;
    pthread_mutex_lock(&hk->mu);
    while (!hk->is_stopping) {
        int64_t wake = next_flush < next_maint ? next_flush : next_maint;
        struct timespec ts = {wake == INT64_MAX ? now.tv_sec + 86400 : wake, 0};
        int rc = pthread_cond_timedwait(&hk->cv, &hk->mu, &ts);
        if (hk->is_stopping)
            break;
        if (rc != ETIMEDOUT && rc != 0)
            continue;
        clock_gettime(CLOCK_MONOTONIC, &now);
        bool do_flush = now.tv_sec >= next_flush, do_maint = now.tv_sec >= next_maint;
        pthread_mutex_unlock(&hk->mu);
        msoc_error err;
        msoc_error_clear(&err);
        if (do_flush) {
            if (msoc_stor_flush(hk->stor, false, &err) != MSOC_OK)
                msoc_log(cli_logger(), MSOC_LOG_ERROR, "housekeeping: sealing memtables: %s", err.msg);
            next_flush = now.tv_sec + hk->flush_s;
        }
        if (do_maint) {
            hk_maintain(hk);
            clock_gettime(CLOCK_MONOTONIC, &now);
            next_maint = now.tv_sec + hk->maint_s;
        }
        pthread_mutex_lock(&hk->mu);
    }
    pthread_mutex_unlock(&hk->mu);
    return NULL;
}

static bool hk_start(housekeeper *hk)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&hk->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&hk->mu, NULL);
    hk->is_running = pthread_create(&hk->thread, NULL, hk_main, hk) == 0;
    return hk->is_running;
}

/* Stops the thread, waiting for a run in progress. */
static void hk_stop(housekeeper *hk)
{
    if (!hk->is_running)
        return;
    pthread_mutex_lock(&hk->mu);
    hk->is_stopping = true;
    pthread_cond_signal(&hk->cv);
    pthread_mutex_unlock(&hk->mu);
    pthread_join(hk->thread, NULL);
    pthread_cond_destroy(&hk->cv);
    pthread_mutex_destroy(&hk->mu);
    hk->is_running = false;
}

int cli_cmd_serve(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&serve_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    const char *data = cli_get(&a, "data");
    if (!data) {
        fprintf(stderr, "multisoc serve: --data DIR is required\n");
        return 2;
    }
    long long threads, max_body, max_tenants = 0, seal_age, flush_s, maint_s;
    if (!cli_get_i64(&a, "threads", 0, 1024, &threads) || !cli_get_i64(&a, "seal-age", 1, 86400 * 7, &seal_age) ||
        !cli_get_i64(&a, "flush-interval", 0, 86400, &flush_s) ||
        !cli_get_i64(&a, "maintenance-interval", 0, 86400 * 30, &maint_s) ||
        !cli_get_i64(&a, "max-tenants", 1, 1000000, &max_tenants) ||
        !cli_get_i64(&a, "max-body", 1024, 1LL << 32, &max_body))
        return 2;
    msoc_error err;
    msoc_error_clear(&err);
    msoc_http_config hc;
    memset(&hc, 0, sizeof hc);
    char addr[64];
    if (msoc_http_parse_listen(cli_get(&a, "listen"), addr, &hc.port, &err) != MSOC_OK)
        return cli_report("serve", &err);
    hc.listen_addr = addr;
    hc.n_threads = (unsigned)threads;
    hc.max_body = (size_t)max_body;
    hc.logger = cli_logger();
    char *cert = NULL, *key = NULL;
    if (cli_has(&a, "tls-cert") != cli_has(&a, "tls-key")) {
        fprintf(stderr, "multisoc serve: --tls-cert and --tls-key go together\n");
        return 2;
    }
    if (cli_has(&a, "tls-cert")) {
        cert = read_file(cli_get(&a, "tls-cert"), &err);
        key = cert ? read_file(cli_get(&a, "tls-key"), &err) : NULL;
        if (!cert || !key) {
            msoc_free(cert);
            return cli_report("serve", &err);
        }
        hc.tls_cert_pem = cert;
        hc.tls_key_pem = key;
    }
    housekeeper hk;
    memset(&hk, 0, sizeof hk);
    msoc_soc_config sc = {MSOC_SOC_CLOUD_COMMERCIAL, (int)max_tenants, 0};
    msoc_soc *db = NULL;
    msoc_auth *auth = NULL;
    msoc_api *api = NULL;
    msoc_http_server *srv = NULL;
    msoc_stor_db *stor = NULL;
    rc = 1;
    /* Block the stop signals before any thread starts (msoc_api_new starts the
     * query pool), so that only sigwait below sees them: a thread that does not
     * block SIGTERM would take its default action and kill the process without
     * the shutdown below. A signal during start-up waits for sigwait. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (msoc_soc_cloud_parse(cli_get(&a, "home-cloud"), &sc.home_cloud, &err) != MSOC_OK ||
        msoc_soc_open(data, &sc, &db, &err) != MSOC_OK || msoc_auth_new(db, NULL, &auth, &err) != MSOC_OK) {
        cli_report("serve", &err);
        goto done;
    }
    msoc_stor_options so;
    memset(&so, 0, sizeof so);
    so.seal_age_ms = seal_age * 1000;
    if (msoc_stor_open(data, &so, &stor, &err) != MSOC_OK) {
        cli_report("serve", &err);
        goto done;
    }
    msoc_api_config ac = {cli_get(&a, "web"), cli_logger(), stor};
    if (msoc_api_new(db, auth, &ac, &api, &err) != MSOC_OK) {
        cli_report("serve", &err);
        goto done;
    }
    if (msoc_http_start(&hc, msoc_api_handle, api, &srv, &err) != MSOC_OK) {
        cli_report("serve", &err);
        goto done;
    }
    hk.stor = stor;
    hk.flush_s = flush_s;
    hk.maint_s = maint_s;
    if (msoc_stor_is_writable(stor, NULL) && (flush_s || maint_s) && !hk_start(&hk)) {
        fprintf(stderr, "multisoc serve: cannot start the housekeeping thread\n");
        goto done;
    }
    printf("multisoc: serving on %s://%s%s%s:%u (data %s)\n", cert ? "https" : "http",
           strchr(addr, ':') ? "[" : "", addr, strchr(addr, ':') ? "]" : "",
           (unsigned)msoc_http_port(srv), data);
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    msoc_log(cli_logger(), MSOC_LOG_INFO, "serve: stopping on signal %d", sig);
    rc = 0;
done:
    msoc_http_stop(srv);
    hk_stop(&hk); /* after the last request: nothing is appended any more */
    if (stor && msoc_stor_is_writable(stor, NULL)) {
        /* Seal what is left so the next start has no WAL to replay (the WAL keeps
         * every row if this fails). */
        msoc_error_clear(&err);
        if (msoc_stor_flush(stor, true, &err) != MSOC_OK)
            msoc_log(cli_logger(), MSOC_LOG_ERROR, "serve: sealing memtables at shutdown: %s (the WAL keeps them)",
                     err.msg);
    }
    msoc_api_free(api);
    msoc_stor_close(stor);
    msoc_auth_free(auth);
    msoc_soc_close(db);
    msoc_free(cert);
    msoc_free(key);
    return rc;
}
