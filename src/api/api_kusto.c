/* The Kusto REST API: POST /v1/rest/query, /v2/rest/query and /v1/rest/mgmt with
 * the request body {"db": "...", "csl": "...", "properties": ...}, answering in
 * the v1 ({"Tables":[...]}) and v2 (a JSON array of frames) formats the Kusto SDKs
 * read. The database is "multisoc" (every tenant the caller may read) or one
 * tenant's name or id. Errors use the OneApiErrors shape Kusto uses:
 * {"error":{"code","message","@type","@message","@permanent",...}}.
 * Design and examples: docs/kusto-api.md. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api_kql.h"
#include "multisoc/multisoc.h"
#include "core/datetime.h"
#include "exec/objects.h"
#include "kql/kql.h"
#include "storage/storage.h"

#define INGEST_MAX_FIELDS 4096

/* ---- small JSON writers -------------------------------------------------------------- */

static void js(msoc_buf *b, const char *s)
{
    msoc_buf_append_json_str(b, s ? s : "", s ? strlen(s) : 0);
}

static void js_n(msoc_buf *b, const char *s, size_t n)
{
    msoc_buf_append_json_str(b, s, n);
}

static void now_text(char out[MSOC_DATETIME_FMT_CAP])
{
    msoc_datetime_format(msoc_datetime_now(), out);
}

/* A unique id in GUID form (correlation ids; not secret). */
static void make_guid(char out[37])
{
    static atomic_uint_fast64_t counter;
    uint64_t c = atomic_fetch_add(&counter, 1) + 1;
    uint64_t t = (uint64_t)msoc_datetime_now();
    uint64_t h = (t ^ (c * UINT64_C(0x9E3779B97F4A7C15))) * UINT64_C(0xBF58476D1CE4E5B9);
    snprintf(out, 37, "%08x-%04x-4%03x-8%03x-%012llx", (unsigned)(h >> 32), (unsigned)(h >> 16) & 0xffff,
             (unsigned)h & 0xfff, (unsigned)(c & 0xfff), (unsigned long long)(t & UINT64_C(0xffffffffffff)));
}

/* Column lists for tables built here: {name, kql type} pairs, NULL-terminated. */
typedef struct col_spec {
    const char *name, *type;
} col_spec;

static const char *net_of_kql(const char *kql)
{
    msoc_type t;
    if (!msoc_type_parse(kql, strlen(kql), &t))
        return "Object";
    return kq_type_net(t);
}

static void v1_columns(msoc_buf *b, const col_spec *cols)
{
    msoc_buf_append_c(b, "\"Columns\":[");
    for (size_t i = 0; cols[i].name; i++) {
        msoc_buf_append_c(b, i ? ",{\"ColumnName\":" : "{\"ColumnName\":");
        js(b, cols[i].name);
        msoc_buf_appendf(b, ",\"DataType\":\"%s\",\"ColumnType\":\"%s\"}", net_of_kql(cols[i].type), cols[i].type);
    }
    msoc_buf_append_c(b, "]");
}

static void v2_columns(msoc_buf *b, const col_spec *cols)
{
    msoc_buf_append_c(b, "\"Columns\":[");
    for (size_t i = 0; cols[i].name; i++) {
        msoc_buf_append_c(b, i ? ",{\"ColumnName\":" : "{\"ColumnName\":");
        js(b, cols[i].name);
        msoc_buf_appendf(b, ",\"ColumnType\":\"%s\"}", cols[i].type);
    }
    msoc_buf_append_c(b, "]");
}

/* ---- errors ------------------------------------------------------------------------------ */

static void kusto_fail(api_req *r, const msoc_error *err)
{
    msoc_status code = err->code == MSOC_OK ? MSOC_INTERNAL : err->code;
    char msg[MSOC_ERROR_MSG_CAP + 64];
    kq_err_text(err, msg, sizeof msg);
    const char *kcode = "General_BadRequest", *ktype = "Kusto.Data.Exceptions.KustoBadRequestException";
    const char *short_msg = "Request is invalid and cannot be executed.";
    bool is_permanent = true;
    switch (code) {
    case MSOC_SYNTAX: ktype = "Kusto.Data.Exceptions.SyntaxException"; break;
    case MSOC_SEMANTIC: ktype = "Kusto.Data.Exceptions.SemanticException"; break;
    case MSOC_UNAUTH:
        kcode = "Unauthorized";
        ktype = "Kusto.Data.Exceptions.KustoClientAuthenticationException";
        short_msg = "Unauthorized: the request carries no valid multisoc token.";
        break;
    case MSOC_FORBID:
        kcode = "Forbidden";
        ktype = "Kusto.DataNode.Exceptions.UnauthorizedDatabaseAccessException";
        short_msg = "Principal is not authorized to perform this operation.";
        break;
    case MSOC_NOTFOUND:
        kcode = "BadRequest_EntityNotFound";
        ktype = "Kusto.Data.Exceptions.EntityNotFoundException";
        short_msg = "Request is invalid and cannot be executed.";
        break;
    case MSOC_LIMIT:
    case MSOC_TIMEOUT:
    case MSOC_TOOBIG:
        kcode = "LimitsExceeded";
        ktype = "Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException";
        short_msg = "Request is invalid and cannot be executed.";
        break;
    case MSOC_UNSUPPORTED:
        kcode = "BadRequest_NotSupported";
        ktype = "Kusto.Data.Exceptions.KustoRequestNotSupportedException";
        break;
    case MSOC_UNAVAILABLE:
    case MSOC_IO:
    case MSOC_CORRUPT:
    case MSOC_NOMEM:
    case MSOC_INTERNAL:
        kcode = "Internal service error";
        ktype = "Kusto.Data.Exceptions.KustoServiceException";
        short_msg = "Request execution failed due to an internal error.";
        is_permanent = false;
        break;
    default: break;
    }
    msoc_buf *b = &r->resp->body;
    msoc_buf_reset(b);
    msoc_buf_append_c(b, "{\"error\":{\"code\":");
    js(b, kcode);
    msoc_buf_append_c(b, ",\"message\":");
    js(b, short_msg);
    msoc_buf_append_c(b, ",\"@type\":");
    js(b, ktype);
    msoc_buf_append_c(b, ",\"@message\":");
    js(b, msg);
    msoc_buf_append_c(b, ",\"@multisocCode\":");
    js(b, msoc_status_str(code));
    if (err->line)
        msoc_buf_appendf(b, ",\"@line\":%u,\"@col\":%u", err->line, err->col);
    msoc_buf_appendf(b, ",\"@permanent\":%s}}", is_permanent ? "true" : "false");
    r->resp->status = msoc_status_http(code);
    r->resp->content_type = "application/json; charset=utf-8";
}

/* ---- request ---------------------------------------------------------------------------- */

typedef struct kreq {
    const char *db;
    const char *csl;
    size_t csl_len;
    const char *crid; /* x-ms-client-request-id */
    char activity[37];
} kreq;

static bool read_request(api_req *r, kreq *k)
{
    memset(k, 0, sizeof *k);
    json_t *body = msoc_api__body(r);
    if (!body)
        return false;
    const char *key;
    json_t *v;
    bool ok = true;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "db") == 0) {
            if (json_is_string(v))
                k->db = msoc_arena_strndup(r->a, json_string_value(v), json_string_length(v));
            else if (!json_is_null(v))
                ok = false;
        } else if (strcmp(key, "csl") == 0) {
            if (!json_is_string(v)) {
                ok = false;
            } else {
                k->csl_len = json_string_length(v);
                k->csl = msoc_arena_strndup(r->a, json_string_value(v), k->csl_len);
            }
        }
        /* "properties" (client request properties) and anything else are accepted and
         * not interpreted: the server's own limits apply. */
    }
    json_decref(body);
    if (!ok || !k->csl) {
        msoc_error e;
        msoc_error_clear(&e);
        msoc_fail(&e, MSOC_INVALID, "the body must be {\"db\": \"<database>\", \"csl\": \"<query or command>\"} "
                                    "with string values");
        kusto_fail(r, &e);
        return false;
    }
    k->crid = msoc_http_header(r->http, "x-ms-client-request-id");
    make_guid(k->activity);
    if (k->crid)
        msoc_http_response_header(r->resp, "x-ms-client-request-id", k->crid);
    msoc_http_response_header(r->resp, "x-ms-activity-id", k->activity);
    return true;
}

static bool is_blank_csl(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

static const char *first_nonblank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return s + i;
    return s + n;
}

/* ---- query results -------------------------------------------------------------------- */

static void result_columns(msoc_buf *b, const msoc_exec_table *t, bool is_v1)
{
    msoc_buf_append_c(b, "\"Columns\":[");
    for (size_t c = 0; c < t->n_cols; c++) {
        msoc_buf_append_c(b, c ? ",{\"ColumnName\":" : "{\"ColumnName\":");
        js_n(b, t->names[c].ptr, t->names[c].len);
        msoc_type ty = t->cols[c]->type == MSOC_TYPE_NULL ? MSOC_TYPE_STRING : t->cols[c]->type;
        if (is_v1)
            msoc_buf_appendf(b, ",\"DataType\":\"%s\"", kq_type_net(ty));
        msoc_buf_appendf(b, ",\"ColumnType\":\"%s\"}", msoc_type_name(ty));
    }
    msoc_buf_append_c(b, "]");
}

static void result_rows(msoc_buf *b, const msoc_exec_table *t)
{
    msoc_buf_append_c(b, "\"Rows\":[");
    for (size_t row = 0; row < t->n_rows; row++) {
        msoc_buf_append_c(b, row ? ",[" : "[");
        for (size_t c = 0; c < t->n_cols; c++) {
            if (c)
                msoc_buf_putc(b, ',');
            kq_cell(t->cols[c], row, b);
        }
        msoc_buf_putc(b, ']');
    }
    msoc_buf_putc(b, ']');
}

static const char VISUALIZATION[] =
    "{\"Visualization\":null,\"Title\":null,\"XColumn\":null,\"Series\":null,\"YColumns\":null,"
    "\"AnomalyColumns\":null,\"XTitle\":null,\"YTitle\":null,\"XAxis\":null,\"YAxis\":null,"
    "\"Legend\":null,\"YSplit\":null,\"Accumulate\":false,\"IsQuerySorted\":false,\"Kind\":null,"
    "\"Ymin\":\"NaN\",\"Ymax\":\"NaN\",\"Xmin\":null,\"Xmax\":null}";

static void write_v2(api_req *r, const kreq *k, const kq_scope *s, const kq_run *run)
{
    const msoc_exec_table *t = run->t;
    msoc_buf *b = &r->resp->body;
    char ts[MSOC_DATETIME_FMT_CAP], sub[37];
    now_text(ts);
    make_guid(sub);
    msoc_buf_reset(b);
    msoc_buf_append_c(b, "[{\"FrameType\":\"DataSetHeader\",\"IsProgressive\":false,\"Version\":\"v2.0\","
                         "\"IsFragmented\":false,\"ErrorReportingPlacement\":\"EndOfTable\"},\n");
    static const col_spec props[] = {{"TableId", "int"}, {"Key", "string"}, {"Value", "dynamic"}, {0}};
    msoc_buf_append_c(b, "{\"FrameType\":\"DataTable\",\"TableId\":0,\"TableKind\":\"QueryProperties\","
                         "\"TableName\":\"@ExtendedProperties\",");
    v2_columns(b, props);
    msoc_buf_append_c(b, ",\"Rows\":[[1,\"Visualization\",");
    msoc_buf_append_c(b, VISUALIZATION);
    msoc_buf_append_c(b, "],[1,\"multisoc.tenants\",");
    kq_tenant_status(s, b);
    msoc_buf_append_c(b, "]]},\n{\"FrameType\":\"DataTable\",\"TableId\":1,\"TableKind\":\"PrimaryResult\","
                         "\"TableName\":\"PrimaryResult\",");
    result_columns(b, t, false);
    msoc_buf_putc(b, ',');
    result_rows(b, t);
    msoc_buf_append_c(b, "},\n{\"FrameType\":\"DataTable\",\"TableId\":2,\"TableKind\":\"QueryCompletionInformation\","
                         "\"TableName\":\"QueryCompletionInformation\",");
    static const col_spec qci[] = {
        {"Timestamp", "datetime"}, {"ClientRequestId", "string"}, {"ActivityId", "guid"},
        {"SubActivityId", "guid"}, {"ParentActivityId", "guid"}, {"Level", "int"},
        {"LevelName", "string"},   {"StatusCode", "int"},         {"StatusCodeName", "string"},
        {"EventType", "int"},      {"EventTypeName", "string"},   {"Payload", "string"},
        {0}};
    v2_columns(b, qci);
    msoc_buf_append_c(b, ",\"Rows\":[");
    char payload[256];
    for (int i = 0; i < (t->is_truncated ? 3 : 2); i++) {
        int level = 4, event = 4;
        const char *level_name = "Info", *event_name = "QueryInfo";
        if (i == 0)
            snprintf(payload, sizeof payload, "{\"Count\":1,\"Text\":\"Query completed successfully\"}");
        else if (i == 1) {
            event = 5;
            event_name = "WorkloadGroup";
            snprintf(payload, sizeof payload, "{\"Count\":1,\"Text\":\"default\"}");
        } else {
            level = 3;
            level_name = "Warning";
            event = 4;
            snprintf(payload, sizeof payload,
                     "{\"Count\":1,\"Text\":\"the result was truncated at %zu rows (multisoc's result row cap)\"}",
                     t->n_rows);
        }
        msoc_buf_append_c(b, i ? ",[" : "[");
        js(b, ts);
        msoc_buf_putc(b, ',');
        js(b, k->crid ? k->crid : "");
        msoc_buf_putc(b, ',');
        js(b, k->activity);
        msoc_buf_putc(b, ',');
        js(b, sub);
        msoc_buf_putc(b, ',');
        js(b, k->activity);
        msoc_buf_appendf(b, ",%d,\"%s\",0,\"S_OK (0)\",%d,\"%s\",", level, level_name, event, event_name);
        js(b, payload);
        msoc_buf_putc(b, ']');
    }
    msoc_buf_append_c(b, "]},\n{\"FrameType\":\"DataSetCompletion\",\"HasErrors\":false,\"Cancelled\":false}]");
}

static void write_v1(api_req *r, const kreq *k, const kq_scope *s, const kq_run *run)
{
    const msoc_exec_table *t = run->t;
    msoc_buf *b = &r->resp->body;
    char ts[MSOC_DATETIME_FMT_CAP];
    now_text(ts);
    msoc_buf_reset(b);
    msoc_buf_append_c(b, "{\"Tables\":[{\"TableName\":\"Table_0\",");
    result_columns(b, t, true);
    msoc_buf_putc(b, ',');
    result_rows(b, t);
    static const col_spec props[] = {{"Value", "string"}, {0}};
    msoc_buf_append_c(b, "},\n{\"TableName\":\"Table_1\",");
    v1_columns(b, props);
    msoc_buf_append_c(b, ",\"Rows\":[[");
    js(b, VISUALIZATION);
    msoc_buf_append_c(b, "],[");
    msoc_buf tenants;
    msoc_buf_init(&tenants, (size_t)64 << 20);
    msoc_buf_append_c(&tenants, "{\"multisoc.tenants\":");
    kq_tenant_status(s, &tenants);
    msoc_buf_putc(&tenants, '}');
    js_n(b, tenants.data, tenants.len);
    msoc_buf_fini(&tenants);
    static const col_spec status[] = {
        {"Timestamp", "datetime"},   {"Severity", "int"},        {"SeverityName", "string"},
        {"StatusCode", "int"},       {"StatusDescription", "string"}, {"Count", "int"},
        {"RequestId", "guid"},       {"ActivityId", "guid"},     {"SubActivityId", "guid"},
        {"ClientActivityId", "string"}, {0}};
    msoc_buf_append_c(b, "]]},\n{\"TableName\":\"Table_2\",");
    v1_columns(b, status);
    msoc_buf_append_c(b, ",\"Rows\":[[");
    js(b, ts);
    char sub[37];
    make_guid(sub);
    msoc_buf_append_c(b, ",4,\"Info\",0,\"Query completed successfully\",1,");
    js(b, k->activity);
    msoc_buf_putc(b, ',');
    js(b, k->activity);
    msoc_buf_putc(b, ',');
    js(b, sub);
    msoc_buf_putc(b, ',');
    js(b, k->crid ? k->crid : "");
    msoc_buf_putc(b, ']');
    if (t->is_truncated) {
        msoc_buf_append_c(b, ",[");
        js(b, ts);
        msoc_buf_appendf(b, ",3,\"Warning\",0,\"the result was truncated at %zu rows (multisoc's result row cap)\",1,",
                         t->n_rows);
        js(b, k->activity);
        msoc_buf_putc(b, ',');
        js(b, k->activity);
        msoc_buf_putc(b, ',');
        js(b, sub);
        msoc_buf_putc(b, ',');
        js(b, k->crid ? k->crid : "");
        msoc_buf_putc(b, ']');
    }
    static const col_spec toc[] = {{"Ordinal", "long"}, {"Kind", "string"}, {"Name", "string"},
                                   {"Id", "string"},    {"PrettyName", "string"}, {0}};
    msoc_buf_append_c(b, "]},\n{\"TableName\":\"Table_3\",");
    v1_columns(b, toc);
    static const char *const kinds[][2] = {
        {"QueryResult", "PrimaryResult"}, {"QueryProperties", "@ExtendedProperties"}, {"QueryStatus", "QueryStatus"}};
    msoc_buf_append_c(b, ",\"Rows\":[");
    for (int i = 0; i < 3; i++) {
        char id[37];
        make_guid(id);
        msoc_buf_appendf(b, "%s[%d,\"%s\",\"%s\",", i ? "," : "", i, kinds[i][0], kinds[i][1]);
        js(b, id);
        msoc_buf_append_c(b, ",\"\"]");
    }
    msoc_buf_append_c(b, "]}]}");
}

void msoc_api__kusto_query(api_req *r, int version)
{
    kreq k;
    if (!read_request(r, &k))
        return;
    msoc_error *err = &r->err;
    if (is_blank_csl(k.csl, k.csl_len)) {
        msoc_fail(err, MSOC_SYNTAX, "the query text is empty");
        kusto_fail(r, err);
        return;
    }
    if (*first_nonblank(k.csl, k.csl_len) == '.') {
        msoc_fail(err, MSOC_INVALID, "control commands go to /v1/rest/mgmt, not /v%d/rest/query", version);
        kusto_fail(r, err);
        return;
    }
    kq_scope s;
    if (kq_scope_open(r, MSOC_AUTH_READ, k.db, &s, err) != MSOC_OK) {
        kusto_fail(r, err);
        return;
    }
    kq_run run;
    if (kq_run_query(r, &s, k.csl, k.csl_len, NULL, &run, err) != MSOC_OK) {
        kusto_fail(r, err);
        kq_run_free(&run);
        return;
    }
    if (version == 2)
        write_v2(r, &k, &s, &run);
    else
        write_v1(r, &k, &s, &run);
    r->resp->status = 200;
    r->resp->content_type = "application/json; charset=utf-8";
    if (msoc_buf_check(&r->resp->body, "the query result", err) != MSOC_OK)
        kusto_fail(r, err);
    kq_run_free(&run);
}

/* ---- management commands ------------------------------------------------------------------ */

/* Starts {"Tables":[{"TableName":"Table_0","Columns":[...],"Rows":[ */
static msoc_buf *mgmt_begin(api_req *r, const col_spec *cols)
{
    msoc_buf *b = &r->resp->body;
    msoc_buf_reset(b);
    msoc_buf_append_c(b, "{\"Tables\":[{\"TableName\":\"Table_0\",");
    v1_columns(b, cols);
    msoc_buf_append_c(b, ",\"Rows\":[");
    return b;
}

static void mgmt_end(api_req *r)
{
    msoc_buf_append_c(&r->resp->body, "]}]}");
    r->resp->status = 200;
    r->resp->content_type = "application/json; charset=utf-8";
}

static const col_spec SCHEMA_COLS[] = {{"TableName", "string"}, {"Schema", "string"}, {"DatabaseName", "string"},
                                       {"Folder", "string"},    {"DocString", "string"}, {0}};

static bool is_visible_col(const msoc_stor_column *c)
{
    return (c->flags & MSOC_STOR_COL_HIDDEN) == 0;
}

/* The JSON text of `.show table T schema as json`'s Schema cell. */
static void schema_json(const msoc_stor_table_def *def, msoc_buf *out)
{
    msoc_buf_append_c(out, "{\"Name\":");
    js(out, def->name);
    msoc_buf_append_c(out, ",\"OrderedColumns\":[");
    bool first = true;
    for (size_t i = 0; i < def->n_cols; i++) {
        if (!is_visible_col(&def->cols[i]))
            continue;
        msoc_buf_append_c(out, first ? "{\"Name\":" : ",{\"Name\":");
        first = false;
        js(out, def->cols[i].name);
        msoc_buf_appendf(out, ",\"Type\":\"%s\",\"CslType\":\"%s\"}", msoc_type_clr_name(def->cols[i].type),
                         msoc_type_name(def->cols[i].type));
    }
    msoc_buf_append_c(out, "]}");
}

static const char *db_name(const kq_scope *s)
{
    return s->is_all ? KQ_DB_ALL : s->tenants[0].name;
}

static void schema_row(msoc_buf *b, const msoc_stor_table_def *def, const kq_scope *s, bool is_csl)
{
    msoc_buf txt;
    msoc_buf_init(&txt, (size_t)16 << 20);
    if (is_csl) {
        bool first = true;
        for (size_t i = 0; i < def->n_cols; i++) {
            if (!is_visible_col(&def->cols[i]))
                continue;
            msoc_buf_appendf(&txt, "%s%s:%s", first ? "" : ",", def->cols[i].name, msoc_type_name(def->cols[i].type));
            first = false;
        }
    } else {
        schema_json(def, &txt);
    }
    msoc_buf_putc(b, '[');
    js(b, def->name);
    msoc_buf_putc(b, ',');
    js_n(b, txt.data ? txt.data : "", txt.len);
    msoc_buf_putc(b, ',');
    js(b, db_name(s));
    msoc_buf_append_c(b, def->source == MSOC_STOR_SRC_CUSTOM ? ",\"Custom\"," :
                         def->source == MSOC_STOR_SRC_SENTINEL ? ",\"Sentinel\"," : ",\"Defender\",");
    js(b, "");
    msoc_buf_putc(b, ']');
    msoc_buf_fini(&txt);
}

/* The custom tables a scope's tenants hold ({name: [tenant ids]}; caller owns).
 * Custom tables are one catalog for the instance: listing only these keeps one
 * customer's table names from another. */
static json_t *scope_custom(api_req *r, const kq_scope *s)
{
    const char **ids = msoc_arena_calloc(r->a, s->n + 1, sizeof *ids);
    for (size_t i = 0; ids && i < s->n; i++)
        ids[i] = s->tenants[i].id;
    msoc_soc_scope sc = {ids, ids ? s->n : 0};
    return msoc_api__custom_tables(r, &sc);
}

static void show_tables(api_req *r, const kq_scope *s)
{
    static const col_spec cols[] = {{"TableName", "string"}, {"DatabaseName", "string"}, {"Folder", "string"},
                                    {"DocString", "string"}, {0}};
    msoc_buf *b = mgmt_begin(r, cols);
    bool first = true;
    size_t n_builtin = msoc_stor_builtin_count(), n_custom = msoc_stor_custom_count(r->api->stor);
    json_t *mine = scope_custom(r, s);
    for (size_t i = 0; i < n_builtin + n_custom; i++) {
        const msoc_stor_table_def *d =
            i < n_builtin ? msoc_stor_builtin_at(i) : msoc_stor_custom_at(r->api->stor, i - n_builtin);
        if (!d || (d->flags & MSOC_STOR_TBL_DEPRECATED))
            continue;
        if (i >= n_builtin && !json_object_get(mine, d->name))
            continue;
        msoc_buf_append_c(b, first ? "[" : ",[");
        first = false;
        js(b, d->name);
        msoc_buf_putc(b, ',');
        js(b, db_name(s));
        msoc_buf_append_c(b, d->source == MSOC_STOR_SRC_CUSTOM ? ",\"Custom\"," :
                             d->source == MSOC_STOR_SRC_SENTINEL ? ",\"Sentinel\"," : ",\"Defender\",");
        js(b, "");
        msoc_buf_putc(b, ']');
    }
    json_decref(mine);
    mgmt_end(r);
}

static void show_databases(api_req *r, const kq_scope *s, const char *current)
{
    static const col_spec cols[] = {
        {"DatabaseName", "string"}, {"PersistentStorage", "string"}, {"Version", "string"},
        {"IsCurrent", "bool"},      {"DatabaseAccessMode", "string"}, {"PrettyName", "string"},
        {"ReservedSlot1", "bool"},  {"DatabaseId", "guid"},          {"InTransitionTo", "string"},
        {0}};
    msoc_buf *b = mgmt_begin(r, cols);
    bool is_cur_all = current == NULL || current[0] == 0 || strcmp(current, KQ_DB_ALL) == 0;
    msoc_buf_appendf(b, "[\"%s\",\"\",\"v1.0\",%s,\"ReadWrite\",\"every authorised tenant\",false,null,\"\"]",
                     KQ_DB_ALL, is_cur_all ? "true" : "false");
    for (size_t i = 0; i < s->n; i++) {
        bool is_cur = !is_cur_all && (strcmp(current, s->tenants[i].name) == 0 || strcmp(current, s->tenants[i].id) == 0);
        msoc_buf_append_c(b, ",[");
        js(b, s->tenants[i].name);
        msoc_buf_append_c(b, ",\"\",\"v1.0\",");
        msoc_buf_append_c(b, is_cur ? "true" : "false");
        msoc_buf_append_c(b, ",\"ReadWrite\",");
        js(b, s->tenants[i].domain);
        msoc_buf_append_c(b, ",false,");
        js(b, s->tenants[i].id);
        msoc_buf_append_c(b, ",\"\"]");
    }
    mgmt_end(r);
}

static void show_version(api_req *r)
{
    static const col_spec cols[] = {{"BuildVersion", "string"}, {"BuildTime", "datetime"}, {"ServiceType", "string"},
                                    {"ProductVersion", "string"}, {"ServiceOffering", "string"}, {0}};
    msoc_buf *b = mgmt_begin(r, cols);
    msoc_buf_putc(b, '[');
    js(b, msoc_version());
    msoc_buf_append_c(b, ",null,\"Engine\",");
    char pv[96];
    snprintf(pv, sizeof pv, "multisoc %s", msoc_version());
    js(b, pv);
    msoc_buf_append_c(b, ",\"{\\\"Type\\\":\\\"multisoc\\\"}\"]");
    mgmt_end(r);
}

/* The NAME argument at index i of a command, or NULL. */
static const msoc_kql_node *cmd_arg(const msoc_kql_node *cmd, uint32_t i)
{
    return i < cmd->args.n ? cmd->args.items[i] : NULL;
}

static bool arg_is_word(const msoc_kql_node *n, const char *w)
{
    return n && n->kind == MSOC_KQL_NAME && msoc_str_ieq_c(n->name, w);
}

/* `.show table T [schema as json | cslschema]` */
static void show_table(api_req *r, const kq_scope *s, const msoc_kql_node *cmd, msoc_error *err)
{
    const msoc_kql_node *name = cmd_arg(cmd, 0);
    if (!name || name->kind != MSOC_KQL_NAME) {
        msoc_fail(err, MSOC_SYNTAX, "expected a table name: .show table T schema as json");
        kusto_fail(r, err);
        return;
    }
    const msoc_stor_table_def *def = msoc_stor_table_find(r->api->stor, name->name.ptr, name->name.len);
    if (def && def->source == MSOC_STOR_SRC_CUSTOM) {
        json_t *mine = scope_custom(r, s);
        if (!json_object_get(mine, def->name))
            def = NULL; /* another customer's table reads as absent */
        json_decref(mine);
    }
    if (!def) {
        msoc_fail_pos(err, MSOC_NOTFOUND, name->line, name->col, "there is no table '%.*s'",
                      (int)(name->name.len > 200 ? 200 : name->name.len), name->name.ptr);
        kusto_fail(r, err);
        return;
    }
    const msoc_kql_node *a1 = cmd_arg(cmd, 1), *a2 = cmd_arg(cmd, 2), *a3 = cmd_arg(cmd, 3);
    if (arg_is_word(a1, "schema") && arg_is_word(a2, "as") && arg_is_word(a3, "json") && !cmd_arg(cmd, 4)) {
        msoc_buf *b = mgmt_begin(r, SCHEMA_COLS);
        schema_row(b, def, s, false);
        mgmt_end(r);
    } else if (arg_is_word(a1, "cslschema") && !a2) {
        msoc_buf *b = mgmt_begin(r, SCHEMA_COLS);
        schema_row(b, def, s, true);
        mgmt_end(r);
    } else if (!a1) {
        static const col_spec cols[] = {{"AttributeName", "string"}, {"AttributeType", "string"},
                                        {"ExtentSize", "long"},     {"CompressionRatio", "real"},
                                        {"IndexSize", "long"},      {"IndexSizePercent", "real"},
                                        {"OriginalSize", "long"},   {"AttributeId", "guid"},
                                        {"SharedIndexSize", "long"}, {"StorageEngineVersion", "string"},
                                        {0}};
        msoc_buf *b = mgmt_begin(r, cols);
        bool first = true;
        for (size_t i = 0; i < def->n_cols; i++) {
            if (!is_visible_col(&def->cols[i]))
                continue;
            msoc_buf_append_c(b, first ? "[" : ",[");
            first = false;
            js(b, def->cols[i].name);
            msoc_buf_appendf(b, ",\"%s\",0,0,0,0,0,null,0,\"multisoc\"]", msoc_type_clr_name(def->cols[i].type));
        }
        mgmt_end(r);
    } else {
        msoc_fail_pos(err, MSOC_UNSUPPORTED, a1->line, a1->col,
                      "multisoc supports '.show table T', '.show table T schema as json' and "
                      "'.show table T cslschema'");
        kusto_fail(r, err);
    }
}

/* The one tenant a write command targets; the caller must be a tenant admin there.
 * A database the caller cannot read at all reads as absent. */
static bool write_scope(api_req *r, const char *db, const char *what, kq_scope *out, msoc_error *err)
{
    if (db == NULL || db[0] == 0 || strcmp(db, KQ_DB_ALL) == 0) {
        msoc_fail(err, MSOC_INVALID,
                  "%s writes to one tenant: set the database to the tenant's name or id, not '%s'", what,
                  KQ_DB_ALL);
        return false;
    }
    kq_scope rd;
    if (kq_scope_open(r, MSOC_AUTH_READ, db, &rd, err) != MSOC_OK)
        return false;
    msoc_error e2;
    msoc_error_clear(&e2);
    if (kq_scope_open(r, MSOC_AUTH_ADMIN, db, out, &e2) != MSOC_OK || out->n != 1) {
        msoc_fail(err, MSOC_FORBID, "%s needs the admin role on tenant '%s'", what, rd.tenants[0].name);
        return false;
    }
    return true;
}

static const char *tenant_workspace(api_req *r, const char *tenant_id, msoc_error *err);

static void create_table(api_req *r, const kreq *k, const msoc_kql_node *cmd, msoc_error *err)
{
    kq_scope s;
    if (!write_scope(r, k->db, ".create table", &s, err)) {
        kusto_fail(r, err);
        return;
    }
    const msoc_kql_node *name = cmd_arg(cmd, 0);
    if (!name || name->kind != MSOC_KQL_NAME) {
        msoc_fail(err, MSOC_SYNTAX, "expected: .create table Name (Column:type, ...)");
        kusto_fail(r, err);
        return;
    }
    /* storage takes the text "Name (col:type, ...)": everything after `.create table`. */
    const char *csl = k->csl;
    const char *from = csl + name->off;
    size_t len = k->csl_len - name->off;
    const msoc_stor_table_def *def;
    if (msoc_stor_table_create(r->api->stor, from, len, &def, err) != MSOC_OK) {
        kusto_fail(r, err);
        return;
    }
    /* The catalog is instance-wide; the table belongs to this tenant's view once
     * its partition exists (its primary workspace), so `.show tables` and
     * /api/schema list it here, and nowhere else until data arrives there. */
    const char *ws = tenant_workspace(r, s.tenants[0].id, err);
    msoc_stor_appender *ap = NULL;
    if (!ws || msoc_stor_appender_open(r->api->stor, s.tenants[0].id, ws, def->name, &ap, err) != MSOC_OK) {
        kusto_fail(r, err);
        return;
    }
    msoc_stor_appender_close(ap);
    msoc_buf *b = mgmt_begin(r, SCHEMA_COLS);
    schema_row(b, def, &s, false);
    mgmt_end(r);
}

/* ---- .ingest inline ---- */

static bool text_value(const msoc_stor_column *col, msoc_str f, msoc_arena *a, msoc_stor_value *v)
{
    memset(v, 0, sizeof *v);
    msoc_str t = msoc_str_trim(f);
    bool is_empty = t.len == 0;
    switch (col->type) {
    case MSOC_TYPE_STRING:
    case MSOC_TYPE_GUID:
    case MSOC_TYPE_DECIMAL:
        v->is_null = is_empty && col->type != MSOC_TYPE_STRING;
        v->v.s.ptr = col->type == MSOC_TYPE_STRING ? f.ptr : t.ptr;
        v->v.s.len = col->type == MSOC_TYPE_STRING ? f.len : t.len;
        if (!v->v.s.ptr)
            v->v.s.ptr = "";
        return true;
    case MSOC_TYPE_DYNAMIC: {
        if (is_empty) {
            v->is_null = true;
            return true;
        }
        json_t *j = json_loadb(t.ptr, t.len, JSON_DECODE_ANY, NULL);
        if (j) {
            json_decref(j);
            v->v.s.ptr = t.ptr;
            v->v.s.len = t.len;
            return true;
        }
        /* Not JSON: Kusto keeps the text as a string value. */
        msoc_buf q;
        msoc_buf_init(&q, (size_t)32 << 20);
        msoc_buf_append_json_str(&q, f.ptr, f.len);
        char *s = msoc_arena_strndup(a, q.data ? q.data : "\"\"", q.len);
        msoc_buf_fini(&q);
        if (!s)
            return false;
        v->v.s.ptr = s;
        v->v.s.len = strlen(s);
        return true;
    }
    default: break;
    }
    if (is_empty) {
        v->is_null = true;
        return true;
    }
    switch (col->type) {
    case MSOC_TYPE_BOOL:
        if (msoc_str_ieq_c(t, "true") || msoc_str_eq_c(t, "1"))
            v->v.b = true;
        else if (msoc_str_ieq_c(t, "false") || msoc_str_eq_c(t, "0"))
            v->v.b = false;
        else
            return false;
        return true;
    case MSOC_TYPE_INT:
    case MSOC_TYPE_LONG: {
        int64_t i;
        if (!msoc_str_to_i64(t, &i))
            return false;
        if (col->type == MSOC_TYPE_INT && (i < INT32_MIN || i > INT32_MAX))
            return false;
        v->v.i64 = i;
        return true;
    }
    case MSOC_TYPE_REAL: return msoc_str_to_double(t, &v->v.f64);
    case MSOC_TYPE_DATETIME: {
        msoc_error e;
        msoc_datetime dt;
        if (msoc_datetime_parse(t.ptr, t.len, &dt, &e) != MSOC_OK)
            return false;
        v->is_null = dt == MSOC_TIME_NULL;
        v->v.i64 = dt;
        return true;
    }
    case MSOC_TYPE_TIMESPAN: {
        msoc_error e;
        msoc_timespan ts;
        if (msoc_timespan_parse(t.ptr, t.len, &ts, &e) != MSOC_OK)
            return false;
        v->is_null = ts == MSOC_TIME_NULL;
        v->v.i64 = ts;
        return true;
    }
    default: return false;
    }
}

/* A JSON member as a stored value (strings go through text_value; numbers and
 * booleans directly; objects and arrays as compact JSON for dynamic). */
static bool json_value(const msoc_stor_column *col, json_t *j, msoc_arena *a, msoc_stor_value *v)
{
    memset(v, 0, sizeof *v);
    if (!j || json_is_null(j)) {
        v->is_null = true;
        if (col->type == MSOC_TYPE_STRING) {
            v->is_null = false;
            v->v.s.ptr = "";
        }
        return true;
    }
    if (json_is_string(j) && col->type != MSOC_TYPE_DYNAMIC)
        return text_value(col, msoc_str_make(json_string_value(j), json_string_length(j)), a, v);
    switch (col->type) {
    case MSOC_TYPE_BOOL:
        if (!json_is_boolean(j))
            return false;
        v->v.b = json_is_true(j);
        return true;
    case MSOC_TYPE_INT:
    case MSOC_TYPE_LONG:
        if (!json_is_integer(j))
            return false;
        v->v.i64 = json_integer_value(j);
        return col->type == MSOC_TYPE_LONG || (v->v.i64 >= INT32_MIN && v->v.i64 <= INT32_MAX);
    case MSOC_TYPE_REAL:
        if (!json_is_number(j))
            return false;
        v->v.f64 = json_number_value(j);
        return true;
    default: {
        /* dynamic, or a number/bool into a string-like column: its JSON text. */
        size_t n = json_dumpb(j, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
        char *copy = n ? msoc_arena_alloc(a, n + 1) : NULL;
        if (!copy)
            return false;
        json_dumpb(j, copy, n, JSON_COMPACT | JSON_ENCODE_ANY);
        copy[n] = 0;
        v->v.s.ptr = copy;
        v->v.s.len = n;
        return true;
    }
    }
}

static const char *tenant_workspace(api_req *r, const char *tenant_id, msoc_error *err)
{
    msoc_soc_workspace ws;
    if (msoc_soc_workspace_get(r->api->db, NULL, tenant_id, NULL, r->a, &ws, err) != MSOC_OK)
        return NULL;
    return ws.id;
}

static void ingest_inline(api_req *r, const kreq *k, const msoc_kql_node *cmd, msoc_str payload,
                          msoc_error *err)
{
    kq_scope s;
    if (!write_scope(r, k->db, ".ingest inline", &s, err)) {
        kusto_fail(r, err);
        return;
    }
    const msoc_kql_node *name = cmd_arg(cmd, 0);
    if (!name || name->kind != MSOC_KQL_NAME) {
        msoc_fail(err, MSOC_SYNTAX, "expected: .ingest inline into table T [with (format='csv'|'json')] <| data");
        kusto_fail(r, err);
        return;
    }
    /* with (format = "...") */
    const char *format = "csv";
    for (uint32_t i = 1; i < cmd->args.n; i++) {
        const msoc_kql_node *p = cmd->args.items[i];
        if (p->kind != MSOC_KQL_TOKEN || !msoc_str_eq_c(p->name, "("))
            continue;
        for (uint32_t j = 0; j + 2 < p->args.n; j++) {
            const msoc_kql_node *kk = p->args.items[j], *val = p->args.items[j + 2];
            if (arg_is_word(kk, "format") && val->kind == MSOC_KQL_LIT && val->lit.type == MSOC_TYPE_STRING)
                format = msoc_arena_strndup(r->a, val->lit.s.ptr, val->lit.s.len);
            else if (arg_is_word(kk, "format") && val->kind == MSOC_KQL_NAME)
                format = msoc_arena_strndup(r->a, val->name.ptr, val->name.len);
        }
    }
    bool is_json = strcasecmp(format, "json") == 0 || strcasecmp(format, "multijson") == 0;
    if (!is_json && strcasecmp(format, "csv") != 0) {
        msoc_fail(err, MSOC_UNSUPPORTED, ".ingest inline: format '%.40s' is not supported (csv, json, multijson)",
                  format);
        kusto_fail(r, err);
        return;
    }
    const msoc_stor_table_def *def = msoc_stor_table_find(r->api->stor, name->name.ptr, name->name.len);
    if (!def) {
        msoc_fail_pos(err, MSOC_NOTFOUND, name->line, name->col, "there is no table '%.*s' (create it first)",
                      (int)(name->name.len > 200 ? 200 : name->name.len), name->name.ptr);
        kusto_fail(r, err);
        return;
    }
    const char *tenant = s.tenants[0].id;
    const char *ws = NULL;
    if (def->source != MSOC_STOR_SRC_DEFENDER && (ws = tenant_workspace(r, tenant, err)) == NULL) {
        kusto_fail(r, err);
        return;
    }
    msoc_stor_appender *ap;
    if (msoc_stor_appender_open(r->api->stor, tenant, ws, def->name, &ap, err) != MSOC_OK) {
        kusto_fail(r, err);
        return;
    }
    def = msoc_stor_appender_def(ap);
    msoc_stor_value *vals = msoc_arena_calloc(r->a, def->n_cols + 1, sizeof *vals);
    msoc_arena *rows = msoc_arena_new(r->a, (size_t)256 << 20, "ingest-inline");
    const char *data = payload.ptr;
    size_t data_len = payload.len;
    size_t n_rows = 0;
    bool ok = vals != NULL && rows != NULL;
    if (!ok)
        msoc_fail(err, MSOC_LIMIT, ".ingest inline: out of request memory");
    if (ok && !is_json) {
        kusto_csv csv;
        kusto_csv_init(&csv, data, data_len);
        for (;;) {
            msoc_str *f;
            size_t nf;
            uint32_t line = csv.line;
            if (kusto_csv_next(&csv, rows, INGEST_MAX_FIELDS, &f, &nf, err) != MSOC_OK) {
                ok = false;
                break;
            }
            if (nf == 0)
                break;
            size_t fi = 0;
            for (size_t c = 0; c < def->n_cols && ok; c++) {
                const msoc_stor_column *col = &def->cols[c];
                memset(&vals[c], 0, sizeof vals[c]);
                /* CSV fields map in order onto the visible columns other than the
                 * partition columns (TenantId, WorkspaceId): the database names those. */
                if (!is_visible_col(col) || (col->flags & (MSOC_STOR_COL_TENANT | MSOC_STOR_COL_WORKSPACE))) {
                    vals[c].is_null = true;
                    continue;
                }
                msoc_str field = fi < nf ? f[fi] : msoc_str_make("", 0);
                fi++;
                if (!text_value(col, field, rows, &vals[c])) {
                    msoc_fail(err, MSOC_BADDATA, "CSV line %u, field %zu (%s): '%.*s' is not a %s", line, fi,
                              col->name, (int)(field.len > 64 ? 64 : field.len), field.ptr,
                              msoc_type_name(col->type));
                    ok = false;
                }
            }
            if (ok && fi < nf) {
                msoc_fail(err, MSOC_BADDATA, "CSV line %u: %zu fields, but table %s has %zu columns", line, nf,
                          def->name, fi);
                ok = false;
            }
            if (!ok || msoc_stor_appender_add_row(ap, vals, err) != MSOC_OK) {
                ok = false;
                break;
            }
            n_rows++;
        }
    } else if (ok) {
        size_t off = 0;
        uint32_t line = 1;
        while (ok) {
            while (off < data_len && (data[off] == ' ' || data[off] == '\t' || data[off] == '\r' ||
                                      data[off] == '\n' || data[off] == ',')) {
                if (data[off] == '\n')
                    line++;
                off++;
            }
            if (off >= data_len)
                break;
            if (n_rows == 0 && data[off] == '[') {
                msoc_fail(err, MSOC_UNSUPPORTED,
                          ".ingest inline with format json takes one JSON object per record, not an array");
                ok = false;
                break;
            }
            json_error_t je;
            json_t *obj = json_loadb(data + off, data_len - off, JSON_DISABLE_EOF_CHECK, &je);
            if (!obj || !json_is_object(obj)) {
                msoc_fail(err, MSOC_BADDATA, "JSON record at line %u: %s", line + (obj ? 0 : (uint32_t)je.line - 1),
                          obj ? "each record must be a JSON object" : je.text);
                json_decref(obj);
                ok = false;
                break;
            }
            for (size_t i = 0; i < (size_t)je.position; i++)
                if (data[off + i] == '\n')
                    line++;
            off += (size_t)je.position;
            for (size_t c = 0; c < def->n_cols && ok; c++) {
                const msoc_stor_column *col = &def->cols[c];
                json_t *m = json_object_get(obj, col->name);
                memset(&vals[c], 0, sizeof vals[c]);
                if (col->flags & (MSOC_STOR_COL_TENANT | MSOC_STOR_COL_WORKSPACE)) {
                    if ((col->flags & MSOC_STOR_COL_TENANT) && m && !json_is_null(m) &&
                        (!json_is_string(m) || strcmp(json_string_value(m), tenant) != 0)) {
                        msoc_fail(err, MSOC_FORBID, "JSON record at line %u: TenantId is not the database's tenant",
                                  line);
                        ok = false;
                    }
                    vals[c].is_null = true;
                    continue;
                }
                if (!json_value(col, m, rows, &vals[c])) {
                    msoc_fail(err, MSOC_BADDATA, "JSON record at line %u: %s is not a %s", line, col->name,
                              msoc_type_name(col->type));
                    ok = false;
                }
            }
            /* add_row copies the values; obj owns the strings until then. */
            if (!ok || msoc_stor_appender_add_row(ap, vals, err) != MSOC_OK)
                ok = false;
            json_decref(obj);
            if (!ok)
                break;
            n_rows++;
        }
    }
    if (ok && n_rows == 0) {
        msoc_fail(err, MSOC_BADDATA, ".ingest inline: no records after '<|'");
        ok = false;
    }
    if (ok && msoc_stor_appender_commit(ap, err) != MSOC_OK)
        ok = false;
    msoc_stor_appender_close(ap); /* discards anything not committed: all or nothing */
    if (rows)
        msoc_arena_free(rows);
    if (!ok) {
        kusto_fail(r, err);
        return;
    }
    static const col_spec cols[] = {{"ExtentId", "guid"}, {"ItemLoaded", "string"}, {"Duration", "timespan"},
                                    {"HasErrors", "bool"}, {"OperationId", "guid"},   {"RowCount", "long"},
                                    {0}};
    char ext[37], op[37];
    make_guid(ext);
    make_guid(op);
    msoc_buf *b = mgmt_begin(r, cols);
    msoc_buf_putc(b, '[');
    js(b, ext);
    msoc_buf_append_c(b, ",\"inproc:");
    msoc_buf_append_c(b, def->name);
    msoc_buf_append_c(b, "\",\"00:00:00\",false,");
    js(b, op);
    msoc_buf_appendf(b, ",%zu]", n_rows);
    mgmt_end(r);
}

/* ---- stored functions (exec/objects.h): .create[-or-alter] / .alter / .drop function
 * write to the database's tenant (admin role); .show functions reads every tenant of
 * the database (read role). Queries over the tenant call them by name. ---- */

static void function_rows(msoc_buf *b, const msoc_exec_function *fns, size_t n, bool *is_first)
{
    for (size_t i = 0; i < n; i++) {
        const msoc_exec_function *f = &fns[i];
        /* the stored definition: "// folder/docstring" lines, "(params)", "{ body }" */
        msoc_str d = f->definition;
        const char *p = d.ptr, *end = d.ptr + d.len;
        while (p < end && *p == '/') {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : end;
        }
        const char *params = p;
        int depth = 0;
        while (p < end) {
            if (*p == '(')
                depth++;
            else if (*p == ')' && --depth == 0) {
                p++;
                break;
            }
            p++;
        }
        msoc_str body = msoc_str_trim(msoc_str_make(p, (size_t)(end - p)));
        msoc_buf_append_c(b, *is_first ? "[" : ",[");
        *is_first = false;
        js_n(b, f->name.ptr, f->name.len);
        msoc_buf_putc(b, ',');
        js_n(b, params, (size_t)(p - params));
        msoc_buf_putc(b, ',');
        js_n(b, body.ptr, body.len);
        msoc_buf_putc(b, ',');
        js_n(b, f->folder.ptr, f->folder.len);
        msoc_buf_putc(b, ',');
        js_n(b, f->docstring.ptr, f->docstring.len);
        msoc_buf_putc(b, ']');
    }
}

static void function_command(api_req *r, const kreq *k, msoc_error *err)
{
    static const col_spec cols[] = {{"Name", "string"}, {"Parameters", "string"}, {"Body", "string"},
                                    {"Folder", "string"}, {"DocString", "string"}, {0}};
    const char *p = first_nonblank(k->csl, k->csl_len);
    bool is_show = strncmp(p, ".show", 5) == 0;
    kq_scope s;
    if (is_show ? kq_scope_open(r, MSOC_AUTH_READ, k->db, &s, err) != MSOC_OK
                : !write_scope(r, k->db, "a function command", &s, err)) {
        kusto_fail(r, err);
        return;
    }
    const char *dir = msoc_stor_dir(r->api->stor);
    msoc_exec_function **per = msoc_arena_calloc(r->a, s.n + 1, sizeof *per);
    size_t *n_per = msoc_arena_calloc(r->a, s.n + 1, sizeof *n_per);
    if (per == NULL || n_per == NULL) {
        msoc_arena_fail(r->a, err);
        kusto_fail(r, err);
        return;
    }
    for (size_t i = 0; i < s.n; i++) {
        if (msoc_exec_function_command(dir, s.tenants[i].id, NULL, k->csl, k->csl_len, r->a, &per[i], &n_per[i],
                                       err) != MSOC_OK) {
            kusto_fail(r, err);
            return;
        }
    }
    msoc_buf *b = mgmt_begin(r, cols);
    bool is_first = true;
    for (size_t i = 0; i < s.n; i++)
        function_rows(b, per[i], n_per[i], &is_first);
    mgmt_end(r);
}

void msoc_api__kusto_mgmt(api_req *r)
{
    kreq k;
    if (!read_request(r, &k))
        return;
    msoc_error *err = &r->err;
    if (*first_nonblank(k.csl, k.csl_len) != '.') {
        msoc_fail(err, MSOC_INVALID, "/v1/rest/mgmt runs control commands (text starting with '.'); "
                                     "queries go to /v1/rest/query or /v2/rest/query");
        kusto_fail(r, err);
        return;
    }
    if (msoc_exec_is_function_command(k.csl, k.csl_len)) {
        function_command(r, &k, err);
        return;
    }
    /* .ingest inline: the payload after `<|` is data, not KQL, so only the command
     * head goes to the parser (its lexer would otherwise read the data as tokens). */
    size_t head_len = k.csl_len;
    msoc_str payload = MSOC_STR_NULL;
    const char *start = first_nonblank(k.csl, k.csl_len);
    if (k.csl_len - (size_t)(start - k.csl) > 7 && strncasecmp(start, ".ingest", 7) == 0) {
        const char *lt = strstr(k.csl, "<|");
        if (lt) {
            head_len = (size_t)(lt - k.csl);
            const char *p = lt + 2, *end = k.csl + k.csl_len;
            const char *q = p;
            while (q < end && (*q == ' ' || *q == '\t'))
                q++;
            if (q < end && *q == '\r')
                q++;
            if (q < end && *q == '\n')
                p = q + 1; /* the data starts on the line after a `<|` that ends its line */
            payload = msoc_str_make(p, (size_t)(end - p));
        }
    }
    msoc_kql_node *root;
    if (msoc_kql_parse(k.csl, head_len, r->a, &root, err) != MSOC_OK) {
        kusto_fail(r, err);
        return;
    }
    const msoc_kql_node *cmd = root->args.n == 1 ? root->args.items[0] : NULL;
    if (!cmd || cmd->kind != MSOC_KQL_COMMAND) {
        msoc_fail(err, MSOC_UNSUPPORTED, "only a single control command is supported here (no pipes after it)");
        kusto_fail(r, err);
        return;
    }
    const char *name = cmd->name.ptr;
    if (strcmp(name, ".create table") == 0) {
        create_table(r, &k, cmd, err);
        return;
    }
    if (strcmp(name, ".ingest inline into table") == 0) {
        if (!payload.ptr) {
            msoc_fail(err, MSOC_SYNTAX, ".ingest inline: expected '<|' followed by the data");
            kusto_fail(r, err);
            return;
        }
        ingest_inline(r, &k, cmd, payload, err);
        return;
    }
    kq_scope s;
    if (kq_scope_open(r, MSOC_AUTH_READ, k.db, &s, err) != MSOC_OK) {
        kusto_fail(r, err);
        return;
    }
    if (strcmp(name, ".show tables") == 0 && cmd->args.n == 0) {
        show_tables(r, &s);
    } else if (strcmp(name, ".show databases") == 0 && cmd->args.n == 0) {
        kq_scope all;
        if (kq_scope_open(r, MSOC_AUTH_READ, NULL, &all, err) != MSOC_OK) {
            kusto_fail(r, err);
            return;
        }
        show_databases(r, &all, k.db);
    } else if (strcmp(name, ".show version") == 0 && cmd->args.n == 0) {
        show_version(r);
    } else if (strcmp(name, ".show table") == 0 || strcmp(name, ".show table schema") == 0) {
        show_table(r, &s, cmd, err);
    } else {
        msoc_fail_pos(err, MSOC_UNSUPPORTED, cmd->line, cmd->col,
                      "'%.100s' is not supported; multisoc runs .show tables, .show databases, .show version, "
                      ".show table T [schema as json | cslschema], .create table, .ingest inline and the "
                      "function commands (.create[-or-alter] function, .alter/.drop function, .show functions)",
                      name);
        kusto_fail(r, err);
    }
}
