/* The native ingest endpoint:
 *   POST /api/tenants/{tenant}/ingest[?workspace=W][&table=T][&format=F]
 *   POST /api/tenants/{tenant}/workspaces/{workspace}/ingest[?table=T][&format=F]
 * The body is NDJSON rows or Defender streaming envelopes
 * ({"records":[{"time","tenantId","category":"AdvancedHunting-<Table>","properties"}]})
 * (also a Log Analytics JSON array or CSV with format=la-json|csv). It goes through
 * src/ingest exactly as `multisoc ingest` does, pinned to the one tenant (and
 * workspace) of the path: a row naming another TenantId or WorkspaceId is
 * rejected, never redirected. The answer is sent only after msoc_ingest_buffer
 * returned, i.e. once every stored row's WAL record is fsync'd.
 *
 * Authorisation: MSOC_AUTH_INGEST on the tenant (tenant admins; tokens capped to
 * the "ingest" role may do this and nothing else). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "ingest/ingest.h"
#include "storage/storage.h"

#define INGEST_MAX_LISTED 1000 /* rejections listed in one answer; the count is exact */

typedef struct rej {
    size_t row;
    const char *reason;
} rej;

typedef struct ing_ctx {
    msoc_arena *a;
    rej *v;
    size_t n, cap;
    size_t n_total;
} ing_ctx;

/* Serialised by src/ingest (never two calls at once). */
static void on_reject(void *ud, const msoc_ingest_reject *rj)
{
    ing_ctx *c = ud;
    c->n_total++;
    /* Keep the lowest-numbered rows: workers report out of order. */
    if (c->n == c->cap) {
        size_t worst = 0;
        for (size_t i = 1; i < c->n; i++)
            if (c->v[i].row > c->v[worst].row)
                worst = i;
        if (c->n == 0 || rj->row > c->v[worst].row)
            return;
        c->v[worst].row = rj->row;
        c->v[worst].reason = msoc_arena_strndup(c->a, rj->reason, strlen(rj->reason));
        return;
    }
    c->v[c->n].row = rj->row;
    c->v[c->n].reason = msoc_arena_strndup(c->a, rj->reason, strlen(rj->reason));
    c->n++;
}

static int rej_cmp(const void *x, const void *y)
{
    const rej *a = x, *b = y;
    return a->row < b->row ? -1 : a->row > b->row;
}

void msoc_api__ingest(api_req *r, const char *tenant_seg, const char *workspace_seg)
{
    if (strcmp(r->http->method, "POST") != 0) {
        msoc_api__error(r, MSOC_UNSUPPORTED, "use POST to ingest");
        return;
    }
    if (r->api->stor == NULL) {
        msoc_api__error(r, MSOC_UNAVAILABLE, "ingest is not available: this server has no event store open");
        return;
    }
    /* A tenant the caller cannot even read is absent; one it can read but not
     * ingest into is forbidden. */
    msoc_soc_scope rs, is;
    msoc_soc_tenant t;
    if (!msoc_api__scope(r, MSOC_AUTH_READ, &rs) || !msoc_api__scope(r, MSOC_AUTH_INGEST, &is))
        return;
    msoc_error e2;
    msoc_error_clear(&e2);
    if (msoc_soc_tenant_get(r->api->db, &is, tenant_seg, r->a, &t, &e2) != MSOC_OK) {
        if (e2.code != MSOC_NOTFOUND) {
            r->err = e2;
            msoc_api__fail(r);
        } else if (msoc_soc_tenant_get(r->api->db, &rs, tenant_seg, r->a, &t, &r->err) != MSOC_OK) {
            msoc_api__fail(r);
        } else {
            msoc_api__error(r, MSOC_FORBID, "ingesting into tenant %s needs its admin role (or an ingest token)",
                            t.name);
        }
        return;
    }
    if (strcmp(t.status, "active") != 0) {
        msoc_api__error(r, MSOC_CONFLICT, "tenant %s is %s: it takes no data", t.name, t.status);
        return;
    }
    const char *wq = msoc_http_query(r->http, "workspace");
    if (workspace_seg && wq) {
        msoc_api__error(r, MSOC_INVALID, "name the workspace in the path or in ?workspace=, not both");
        return;
    }
    msoc_soc_workspace ws;
    if (msoc_soc_workspace_get(r->api->db, &is, t.id, workspace_seg ? workspace_seg : wq, r->a, &ws,
                               &r->err) != MSOC_OK) {
        msoc_api__fail(r);
        return;
    }
    const char *fq = msoc_http_query(r->http, "format");
    msoc_ingest_format fmt = MSOC_INGEST_AUTO;
    if (fq && !msoc_ingest_format_parse(fq, &fmt)) {
        msoc_api__error(r, MSOC_INVALID, "format must be ndjson, defender, la-json, csv or auto, not '%.40s'", fq);
        return;
    }
    const char *table = msoc_http_query(r->http, "table");
    if (table) {
        size_t tl = strlen(table);
        bool is_cl = tl > 3 && strcmp(table + tl - 3, "_CL") == 0;
        if (!msoc_stor_name_is_safe(table) ||
            (!is_cl && msoc_stor_table_find(r->api->stor, table, tl) == NULL)) {
            msoc_api__error(r, MSOC_NOTFOUND,
                            "there is no table '%.100s' (custom tables end in _CL or are created first)", table);
            return;
        }
    }
    long pid = 0;
    if (!msoc_stor_is_writable(r->api->stor, &pid)) {
        msoc_api__error(r, MSOC_UNAVAILABLE, "the event store is read-only here (process %ld writes it)", pid);
        return;
    }
    if (r->http->body_len == 0) {
        msoc_api__error(r, MSOC_BADDATA, "the request body is empty: send NDJSON rows or a Defender envelope");
        return;
    }

    ing_ctx c = {r->a, NULL, 0, INGEST_MAX_LISTED, 0};
    c.v = msoc_arena_calloc(r->a, c.cap, sizeof *c.v);
    if (!c.v) {
        msoc_arena_fail(r->a, &r->err);
        msoc_api__fail(r);
        return;
    }
    msoc_ingest_opts o;
    memset(&o, 0, sizeof o);
    o.tenant = t.id;
    o.workspace = ws.id;
    o.table = table;
    o.format = fmt;
    o.n_threads = 2;
    o.on_reject = on_reject;
    o.ud = &c;
    msoc_ingest_stats stats;
    memset(&stats, 0, sizeof stats);
    msoc_status st = msoc_ingest_buffer(r->api->stor, &o, "request", r->http->body, r->http->body_len, &stats,
                                        &r->err);
    if (st != MSOC_OK) {
        /* A whole-document syntax error stores nothing; a storage failure may leave
         * earlier batches durable, which the message says. */
        if (stats.n_stored > 0)
            msoc_api__error(r, st, "%s (%zu rows were stored before the failure)", r->err.msg, stats.n_stored);
        else
            msoc_api__fail(r);
        return;
    }
    qsort(c.v, c.n, sizeof *c.v, rej_cmp);
    json_t *arr = json_array();
    for (size_t i = 0; i < c.n; i++)
        json_array_append_new(arr, json_pack("{s:I,s:s}", "row", (json_int_t)c.v[i].row, "reason", c.v[i].reason));
    json_t *j = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:o,s:b,s:b}", "tenantId", t.id, "workspaceId", ws.id,
                          "format", msoc_ingest_format_name(fmt), "rows", (json_int_t)stats.n_rows, "stored",
                          (json_int_t)stats.n_stored, "rejected", (json_int_t)stats.n_rejected, "rejections", arr,
                          "rejectionsTruncated", c.n_total > c.n, "durable", 1);
    /* Nothing stored because every row was refused: a client error (safe to fix
     * and resend whole), with the usual error object beside the counts. Anything
     * stored: 200, and the rejections say which rows to fix and resend. */
    bool is_refused = stats.n_stored == 0 && stats.n_rejected > 0;
    if (is_refused) {
        char msg[160];
        snprintf(msg, sizeof msg, "all %zu rows were rejected and nothing was stored (see rejections)",
                 stats.n_rejected);
        json_object_set_new(j, "error", json_pack("{s:s,s:s}", "code", msoc_status_str(MSOC_BADDATA), "message", msg));
    }
    msoc_api__json(r, is_refused ? 400 : 200, j);
}
