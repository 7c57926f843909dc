/* POST /v1.0/security/runHuntingQuery: Microsoft Graph's advanced hunting action.
 * Body {"Query": "...", "Timespan": "P7D"} (Timespan optional: Graph's default is
 * the last 30 days). Answer, as Graph's huntingQueryResults:
 *   {"@odata.context": ".../$metadata#microsoft.graph.security.huntingQueryResults",
 *    "schema": [{"name": "Timestamp", "type": "DateTime"}, ...],
 *    "results": [{"Timestamp": "...", ...}, ...],
 *    "@multisoc.tenants": [{"tenantId","name","status"}], "@multisoc.truncated": false}
 * The query runs once over the union of every tenant the caller may read. */
#include <string.h>
#include <strings.h>

#include "api_kql.h"
#include "core/datetime.h"

#define GRAPH_DEFAULT_WINDOW_DAYS 30
#define TICKS_PER_DAY (INT64_C(864000000000))

/* {"error":{"code","message"[,"line","col"]}} from err. */
static void hunt_fail(api_req *r, const msoc_error *err)
{
    msoc_status code = err->code == MSOC_OK ? MSOC_INTERNAL : err->code;
    char msg[MSOC_ERROR_MSG_CAP + 64];
    kq_err_text(err, msg, sizeof msg);
    json_t *e = json_pack("{s:s,s:s}", "code", msoc_status_str(code), "message", msg);
    if (err->line) {
        json_object_set_new(e, "line", json_integer(err->line));
        json_object_set_new(e, "col", json_integer(err->col));
    }
    msoc_api__json(r, msoc_status_http(code), json_pack("{s:o}", "error", e));
}

/* Reads a string member whose name matches key case-insensitively (Graph action
 * parameters are documented as Query/Timespan; clients also send query/timespan). */
static bool member(api_req *r, json_t *body, const char *key, const char **out, size_t *len)
{
    const char *k;
    json_t *v;
    *out = NULL;
    *len = 0;
    json_object_foreach(body, k, v) {
        if (strcasecmp(k, key) != 0)
            continue;
        if (json_is_null(v))
            return true;
        if (!json_is_string(v)) {
            msoc_api__error(r, MSOC_INVALID, "'%s' must be a string", key);
            return false;
        }
        *out = json_string_value(v);
        *len = json_string_length(v);
        return true;
    }
    return true;
}

void msoc_api__hunt_graph(api_req *r)
{
    json_t *body = msoc_api__body(r);
    if (!body)
        return;
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) {
        (void)v;
        if (k[0] != '@' && strcasecmp(k, "Query") != 0 && strcasecmp(k, "Timespan") != 0) {
            msoc_api__error(r, MSOC_INVALID, "unknown parameter '%.80s' (runHuntingQuery takes Query and Timespan)", k);
            json_decref(body);
            return;
        }
    }
    const char *query, *span;
    size_t qlen, slen;
    if (!member(r, body, "Query", &query, &qlen) || !member(r, body, "Timespan", &span, &slen)) {
        json_decref(body);
        return;
    }
    if (!query || qlen == 0) {
        msoc_api__error(r, MSOC_INVALID, "'Query' is required: the KQL text of the hunting query");
        json_decref(body);
        return;
    }
    msoc_error *err = &r->err;
    msoc_datetime now = msoc_datetime_now();
    kusto_window win = {true, now - GRAPH_DEFAULT_WINDOW_DAYS * TICKS_PER_DAY, now};
    if (span && slen > 0 && kusto_window_parse(span, slen, now, &win, err) != MSOC_OK) {
        hunt_fail(r, err);
        json_decref(body);
        return;
    }
    kq_scope s;
    if (kq_scope_open(r, MSOC_AUTH_READ, NULL, &s, err) != MSOC_OK) {
        hunt_fail(r, err);
        json_decref(body);
        return;
    }
    kq_run run;
    msoc_status st = kq_run_query(r, &s, query, qlen, &win, &run, err);
    json_decref(body);
    if (st != MSOC_OK) {
        hunt_fail(r, err);
        kq_run_free(&run);
        return;
    }
    const msoc_exec_table *t = run.t;
    msoc_buf *b = &r->resp->body;
    msoc_buf_reset(b);
    msoc_buf_append_c(b, "{\"@odata.context\":");
    char ctx[400];
    snprintf(ctx, sizeof ctx, "%s/v1.0/$metadata#microsoft.graph.security.huntingQueryResults", r->base_url);
    msoc_buf_append_json_str(b, ctx, strlen(ctx));
    msoc_buf_append_c(b, ",\"schema\":[");
    for (size_t c = 0; c < t->n_cols; c++) {
        msoc_buf_append_c(b, c ? ",{\"name\":" : "{\"name\":");
        msoc_buf_append_json_str(b, t->names[c].ptr, t->names[c].len);
        msoc_buf_appendf(b, ",\"type\":\"%s\"}", kq_type_net(t->cols[c]->type));
    }
    msoc_buf_append_c(b, "],\"results\":[");
    for (size_t row = 0; row < t->n_rows; row++) {
        msoc_buf_putc(b, row ? ',' : '{');
        if (row)
            msoc_buf_putc(b, '{');
        for (size_t c = 0; c < t->n_cols; c++) {
            if (c)
                msoc_buf_putc(b, ',');
            msoc_buf_append_json_str(b, t->names[c].ptr, t->names[c].len);
            msoc_buf_putc(b, ':');
            kq_cell(t->cols[c], row, b);
        }
        msoc_buf_putc(b, '}');
    }
    msoc_buf_append_c(b, "],\"@multisoc.tenants\":");
    kq_tenant_status(&s, b);
    msoc_buf_appendf(b, ",\"@multisoc.truncated\":%s}", t->is_truncated ? "true" : "false");
    r->resp->status = 200;
    r->resp->content_type = "application/json; charset=utf-8";
    if (msoc_buf_check(b, "the hunting result", err) != MSOC_OK) {
        msoc_buf_reset(b);
        hunt_fail(r, err);
    }
    kq_run_free(&run);
}
