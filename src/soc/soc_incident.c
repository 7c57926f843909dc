/* Incidents and alerts in Microsoft Graph's security shapes: create, read, list
 * with OData-style filters compiled to SQL, patch, bulk patch, moving alerts,
 * comments. Every write is one transaction with an audit record. */
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "core/hashmap.h"
#include "soc_int.h"

/* ---- field maps for filters and ordering --------------------------------------------- */

typedef enum ftype { F_INT, F_TEXT, F_ENUM, F_DT } ftype;

typedef struct field {
    const char *graph;      /* Graph property name */
    const char *col;        /* SQL column */
    ftype type;
    const char *const *values; /* F_ENUM */
} field;

static const field incident_fields[] = {
    {"id", "id", F_INT, NULL},
    {"tenantId", "tenant_id", F_TEXT, NULL},
    {"displayName", "display_name", F_TEXT, NULL},
    {"description", "description", F_TEXT, NULL},
    {"summary", "summary", F_TEXT, NULL},
    {"severity", "severity", F_ENUM, msoc_soc_severity_values},
    {"status", "status", F_ENUM, msoc_soc_incident_status_values},
    {"classification", "classification", F_ENUM, msoc_soc_classification_values},
    {"determination", "determination", F_ENUM, msoc_soc_determination_values},
    {"assignedTo", "assigned_to", F_TEXT, NULL},
    {"createdDateTime", "created", F_DT, NULL},
    {"lastUpdateDateTime", "last_update", F_DT, NULL},
    {"redirectIncidentId", "redirect_id", F_INT, NULL},
    {"resolvingComment", "resolving_comment", F_TEXT, NULL},
    {NULL, NULL, F_INT, NULL},
};

static const field alert_fields[] = {
    {"id", "id", F_TEXT, NULL},
    {"tenantId", "tenant_id", F_TEXT, NULL},
    {"incidentId", "incident_id", F_INT, NULL},
    {"providerAlertId", "provider_alert_id", F_TEXT, NULL},
    {"title", "title", F_TEXT, NULL},
    {"description", "description", F_TEXT, NULL},
    {"severity", "severity", F_ENUM, msoc_soc_severity_values},
    {"status", "status", F_ENUM, msoc_soc_alert_status_values},
    {"classification", "classification", F_ENUM, msoc_soc_classification_values},
    {"determination", "determination", F_ENUM, msoc_soc_determination_values},
    {"assignedTo", "assigned_to", F_TEXT, NULL},
    {"category", "category", F_TEXT, NULL},
    {"detectorId", "detector_id", F_TEXT, NULL},
    {"detectionSource", "detection_source", F_ENUM, msoc_soc_detection_source_values},
    {"serviceSource", "service_source", F_ENUM, msoc_soc_service_source_values},
    {"threatFamilyName", "threat_family_name", F_TEXT, NULL},
    {"actorDisplayName", "actor_display_name", F_TEXT, NULL},
    {"createdDateTime", "created", F_DT, NULL},
    {"lastUpdateDateTime", "last_update", F_DT, NULL},
    {"firstActivityDateTime", "first_activity", F_DT, NULL},
    {"lastActivityDateTime", "last_activity", F_DT, NULL},
    {"resolvedDateTime", "resolved", F_DT, NULL},
    {NULL, NULL, F_INT, NULL},
};

static const field *find_field(const field *fields, const char *name)
{
    for (const field *f = fields; f->graph; f++)
        if (strcmp(f->graph, name) == 0)
            return f;
    return NULL;
}

static msoc_status unknown_field(const field *fields, const char *name, const char *what,
                                 msoc_error *err)
{
    char list[600];
    size_t off = 0;
    for (const field *f = fields; f->graph && off < sizeof list - 1; f++) {
        int n = snprintf(list + off, sizeof list - off, "%s%s", f == fields ? "" : ", ", f->graph);
        if (n < 0)
            break;
        off += (size_t)n;
    }
    return msoc_fail(err, MSOC_INVALID, "cannot %s on '%.60s'; supported properties: %s", what,
                     name, list);
}

/* A value to bind, collected while compiling a filter. */
typedef struct bindv {
    int kind; /* 0 int, 1 text */
    int64_t i;
    const char *text;
    size_t len;
} bindv;

typedef struct compiler {
    const field *fields;
    msoc_buf *sql;
    bindv *binds;
    size_t n_binds, cap_binds;
    int first_idx;  /* SQL parameter number of binds[0] */
    int depth;
} compiler;

static msoc_status add_bind(compiler *c, bindv b, msoc_error *err)
{
    if (c->n_binds == c->cap_binds) {
        if (c->cap_binds >= 4096)
            return msoc_fail(err, MSOC_LIMIT, "the filter has more than 4096 values");
        c->cap_binds = c->cap_binds ? 2 * c->cap_binds : 16;
        c->binds = msoc_realloc(c->binds, c->cap_binds * sizeof *c->binds);
    }
    c->binds[c->n_binds++] = b;
    msoc_buf_appendf(c->sql, "?%d", c->first_idx + (int)c->n_binds - 1);
    return MSOC_OK;
}

static bool is_null_literal(const msoc_soc_value *v)
{
    return !v->is_string && v->len == 4 && memcmp(v->text, "null", 4) == 0;
}

static msoc_status compile_value(compiler *c, const field *f, const msoc_soc_value *v,
                                 msoc_error *err)
{
    bindv b = {0, 0, NULL, 0};
    char tmp[64];
    switch (f->type) {
    case F_INT: {
        if (v->len == 0 || v->len >= sizeof tmp)
            return msoc_fail(err, MSOC_INVALID, "%s needs an integer value", f->graph);
        int64_t x;
        if (!msoc_str_to_i64(msoc_str_make(v->text, v->len), &x))
            return msoc_fail(err, MSOC_INVALID, "%s needs an integer value, not '%.*s'", f->graph,
                             (int)(v->len > 60 ? 60 : v->len), v->text);
        b.i = x;
        break;
    }
    case F_DT: {
        msoc_datetime dt;
        msoc_error e2;
        msoc_error_clear(&e2);
        if (msoc_datetime_parse(v->text, v->len, &dt, &e2) != MSOC_OK || dt == MSOC_TIME_NULL)
            return msoc_fail(err, MSOC_INVALID, "%s needs a datetime such as 2024-01-31T08:00:00Z,"
                             " not '%.*s'", f->graph, (int)(v->len > 60 ? 60 : v->len), v->text);
        b.i = dt;
        break;
    }
    case F_ENUM:
    case F_TEXT:
        if (!v->is_string)
            return msoc_fail(err, MSOC_INVALID, "%s needs a quoted string value, not '%.*s'",
                             f->graph, (int)(v->len > 60 ? 60 : v->len), v->text);
        if (f->type == F_ENUM) {
            char *z = msoc_strndup(v->text, v->len);
            msoc_status r = msoc_soc_enum_check(f->graph, f->values, z, err);
            msoc_free(z);
            if (r != MSOC_OK)
                return r;
        }
        b.kind = 1;
        b.text = v->text;
        b.len = v->len;
        break;
    }
    return add_bind(c, b, err);
}

static msoc_status compile(compiler *c, const msoc_soc_expr *e, msoc_error *err)
{
    if (++c->depth > 64)
        return msoc_fail(err, MSOC_LIMIT, "the filter nests deeper than 64 levels");
    msoc_status r = MSOC_OK;
    switch (e->kind) {
    case MSOC_SOC_EXPR_AND:
    case MSOC_SOC_EXPR_OR:
        msoc_buf_putc(c->sql, '(');
        r = compile(c, e->lhs, err);
        if (r == MSOC_OK) {
            msoc_buf_append_c(c->sql, e->kind == MSOC_SOC_EXPR_AND ? " AND " : " OR ");
            r = compile(c, e->rhs, err);
        }
        msoc_buf_putc(c->sql, ')');
        break;
    case MSOC_SOC_EXPR_NOT:
        msoc_buf_append_c(c->sql, "NOT (");
        r = compile(c, e->lhs, err);
        msoc_buf_putc(c->sql, ')');
        break;
    case MSOC_SOC_EXPR_CMP: {
        const field *f = find_field(c->fields, e->field);
        if (!f)
            return unknown_field(c->fields, e->field, "filter", err);
        if (e->n_values != 1)
            return msoc_fail(err, MSOC_INTERNAL, "comparison without a value");
        if (is_null_literal(&e->values[0])) {
            if (e->cmp != MSOC_SOC_CMP_EQ && e->cmp != MSOC_SOC_CMP_NE)
                return msoc_fail(err, MSOC_INVALID, "null can only be compared with eq or ne");
            msoc_buf_appendf(c->sql, "%s IS %s", f->col, e->cmp == MSOC_SOC_CMP_EQ ? "NULL" : "NOT NULL");
            break;
        }
        static const char *const ops[] = {"=", "!=", ">", ">=", "<", "<="};
        if (e->cmp == MSOC_SOC_CMP_NE)
            msoc_buf_appendf(c->sql, "(%s IS NULL OR %s != ", f->col, f->col);
        else
            msoc_buf_appendf(c->sql, "%s %s ", f->col, ops[e->cmp]);
        r = compile_value(c, f, &e->values[0], err);
        if (e->cmp == MSOC_SOC_CMP_NE)
            msoc_buf_putc(c->sql, ')');
        break;
    }
    case MSOC_SOC_EXPR_IN: {
        const field *f = find_field(c->fields, e->field);
        if (!f)
            return unknown_field(c->fields, e->field, "filter", err);
        if (e->n_values == 0) {
            msoc_buf_append_c(c->sql, "0");
            break;
        }
        msoc_buf_appendf(c->sql, "%s IN (", f->col);
        for (size_t i = 0; r == MSOC_OK && i < e->n_values; i++) {
            if (i)
                msoc_buf_putc(c->sql, ',');
            r = compile_value(c, f, &e->values[i], err);
        }
        msoc_buf_putc(c->sql, ')');
        break;
    }
    }
    c->depth--;
    return r;
}

static void bind_all(sqlite3_stmt *st, const compiler *c)
{
    for (size_t i = 0; i < c->n_binds; i++) {
        int idx = c->first_idx + (int)i;
        if (c->binds[i].kind == 0)
            sqlite3_bind_int64(st, idx, c->binds[i].i);
        else
            sqlite3_bind_text(st, idx, c->binds[i].text, (int)c->binds[i].len, SQLITE_STATIC);
    }
}

/* Builds "FROM <table> WHERE <scope> [AND filter]" into where, with binds in c.
 * Scope parameters come first (1..n), extra (incident id) next, filter after. */
static msoc_status build_where(const char *table, const field *fields, const msoc_soc_scope *scope,
                               const char *extra_col, int n_extra, const msoc_soc_list_opts *o,
                               msoc_buf *where, compiler *c, msoc_error *err)
{
    msoc_buf_appendf(where, " FROM %s WHERE 1", table);
    /* "+tenant_id" keeps SQLite from answering the scope through the tenant index
     * and then sorting every visible row: scanning in key order and stopping after
     * the page is far cheaper when the scope spans many tenants. */
    msoc_soc__scope_sql(where, "+tenant_id", scope, 1);
    int next = 1 + (scope ? (int)scope->n : 0);
    if (extra_col)
        msoc_buf_appendf(where, " AND %s = ?%d", extra_col, next);
    next += n_extra;
    memset(c, 0, sizeof *c);
    c->fields = fields;
    c->sql = where;
    c->first_idx = next;
    if (o && o->filter) {
        msoc_buf_append_c(where, " AND ");
        msoc_status r = compile(c, o->filter, err);
        if (r != MSOC_OK)
            return r;
    }
    return msoc_buf_check(where, "the filter", err);
}

static msoc_status order_page(const field *fields, const msoc_soc_list_opts *o, msoc_buf *sql,
                              msoc_error *err)
{
    const char *col = "id";
    if (o && o->orderby) {
        const field *f = find_field(fields, o->orderby);
        if (!f)
            return unknown_field(fields, o->orderby, "order", err);
        col = f->col;
    } else if (fields == alert_fields) {
        col = "seq";
    }
    const char *dir = o && o->is_desc ? "DESC" : "ASC";
    int64_t top = o && o->top > 0 ? o->top : MSOC_SOC_PAGE_DEFAULT;
    if (top > MSOC_SOC_PAGE_MAX)
        top = MSOC_SOC_PAGE_MAX;
    int64_t skip = o && o->skip > 0 ? o->skip : 0;
    msoc_buf_appendf(sql, " ORDER BY %s %s", col, dir);
    if (strcmp(col, "id") != 0 && strcmp(col, "seq") != 0)
        msoc_buf_appendf(sql, ", %s %s", fields == alert_fields ? "seq" : "id", dir);
    msoc_buf_appendf(sql, " LIMIT %lld OFFSET %lld", (long long)top, (long long)skip);
    return MSOC_OK;
}

/* ---- incidents ------------------------------------------------------------------------------ */

#define INCIDENT_COLS \
    "id, tenant_id, workspace_id, display_name, description, summary, severity, status," \
    " classification, determination, assigned_to, custom_tags, system_tags, resolving_comment," \
    " redirect_id, created, last_update"

static void read_incident(sqlite3_stmt *st, msoc_arena *a, msoc_soc_incident *x)
{
    x->id = sqlite3_column_int64(st, 0);
    x->tenant_id = msoc_soc__col_text(st, 1, a, true);
    x->workspace_id = msoc_soc__col_text(st, 2, a, true);
    x->display_name = msoc_soc__col_text(st, 3, a, true);
    x->description = msoc_soc__col_text(st, 4, a, false);
    x->summary = msoc_soc__col_text(st, 5, a, false);
    x->severity = msoc_soc__col_text(st, 6, a, true);
    x->status = msoc_soc__col_text(st, 7, a, true);
    x->classification = msoc_soc__col_text(st, 8, a, true);
    x->determination = msoc_soc__col_text(st, 9, a, true);
    x->assigned_to = msoc_soc__col_text(st, 10, a, false);
    x->custom_tags_json = msoc_soc__col_text(st, 11, a, true);
    x->system_tags_json = msoc_soc__col_text(st, 12, a, true);
    x->resolving_comment = msoc_soc__col_text(st, 13, a, false);
    x->redirect_incident_id = sqlite3_column_int64(st, 14);
    x->created = sqlite3_column_int64(st, 15);
    x->last_update = sqlite3_column_int64(st, 16);
}

static msoc_status primary_workspace(msoc_soc *s, const char *tenant_id, char out[37],
                                     msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT id FROM workspaces WHERE tenant_id = ?1 AND is_primary = 1",
                                   &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, 37, "%s", (const char *)sqlite3_column_text(st, 0));
    else
        r = msoc_fail(err, MSOC_NOTFOUND, "no tenant '%.80s'", tenant_id);
    sqlite3_finalize(st);
    return r;
}

static msoc_status workspace_of_tenant(msoc_soc *s, const char *tenant_id, const char *ws,
                                       msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT 1 FROM workspaces WHERE tenant_id = ?1 AND id = ?2",
                                   &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        r = msoc_fail(err, MSOC_INVALID, "workspace %.60s does not belong to tenant %s", ws, tenant_id);
    sqlite3_finalize(st);
    return r;
}

static msoc_status check_assignee(msoc_soc *s, const char *assignee, const char *tenant_id,
                                  msoc_error *err)
{
    if (!assignee || !*assignee)
        return MSOC_OK;
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s,
        "SELECT 1 FROM users u WHERE u.name = ?1 AND u.is_disabled = 0 AND (u.is_admin = 1 OR"
        " EXISTS(SELECT 1 FROM grants g WHERE g.user_id = u.id AND g.tenant_id = ?2))", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_text(st, 1, assignee, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, tenant_id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        r = msoc_fail(err, MSOC_FORBID, "cannot assign to '%.80s': that user holds no grant on tenant %s",
                      assignee, tenant_id);
    sqlite3_finalize(st);
    return r;
}

static msoc_status check_incident_fields(msoc_soc *s, const msoc_soc_incident *in, msoc_error *err)
{
    msoc_status r = msoc_soc__check_text("displayName", in->display_name, 4096, true, err);
    if (r == MSOC_OK)
        r = msoc_soc__check_text("description", in->description, 65536, false, err);
    if (r == MSOC_OK)
        r = msoc_soc_enum_check("severity", msoc_soc_severity_values, in->severity ? in->severity : "medium", err);
    if (r == MSOC_OK)
        r = msoc_soc_enum_check("status", msoc_soc_incident_status_values, in->status ? in->status : "active", err);
    if (r == MSOC_OK)
        r = msoc_soc_enum_check("classification", msoc_soc_classification_values,
                                in->classification ? in->classification : "unknown", err);
    if (r == MSOC_OK)
        r = msoc_soc_enum_check("determination", msoc_soc_determination_values,
                                in->determination ? in->determination : "unknown", err);
    if (r == MSOC_OK)
        r = msoc_soc__json_check(s, "customTags", in->custom_tags_json, "strings", err);
    if (r == MSOC_OK)
        r = msoc_soc__json_check(s, "systemTags", in->system_tags_json, "strings", err);
    return r;
}

/* Inside a transaction. */
msoc_status msoc_soc__incident_insert(msoc_soc *s, const msoc_soc_scope *scope,
                                   const msoc_soc_incident *in, const char *actor, int64_t *id_out,
                                   msoc_error *err)
{
    if (!in->tenant_id || !msoc_soc_scope_has(scope, in->tenant_id))
        return msoc_fail(err, MSOC_NOTFOUND, "no tenant '%.80s'", in->tenant_id ? in->tenant_id : "");
    msoc_status r = check_incident_fields(s, in, err);
    char ws[37];
    if (r == MSOC_OK)
        r = primary_workspace(s, in->tenant_id, ws, err);
    if (r == MSOC_OK && in->workspace_id) {
        r = workspace_of_tenant(s, in->tenant_id, in->workspace_id, err);
        snprintf(ws, sizeof ws, "%s", in->workspace_id);
    }
    if (r != MSOC_OK)
        return r;
    sqlite3_stmt *st;
    r = msoc_soc__prep(s, "INSERT INTO incidents(tenant_id, workspace_id, display_name, description,"
                          " summary, severity, status, classification, determination, assigned_to,"
                          " custom_tags, system_tags, resolving_comment, redirect_id, created, last_update)"
                          " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)", &st, err);
    if (r != MSOC_OK)
        return r;
    msoc_datetime now = msoc_datetime_now();
    msoc_soc__bind_text(st, 1, in->tenant_id);
    msoc_soc__bind_text(st, 2, ws);
    msoc_soc__bind_text(st, 3, in->display_name);
    msoc_soc__bind_text(st, 4, in->description);
    msoc_soc__bind_text(st, 5, in->summary);
    msoc_soc__bind_text(st, 6, in->severity ? in->severity : "medium");
    msoc_soc__bind_text(st, 7, in->status ? in->status : "active");
    msoc_soc__bind_text(st, 8, in->classification ? in->classification : "unknown");
    msoc_soc__bind_text(st, 9, in->determination ? in->determination : "unknown");
    msoc_soc__bind_text(st, 10, in->assigned_to && *in->assigned_to ? in->assigned_to : NULL);
    msoc_soc__bind_text(st, 11, in->custom_tags_json ? in->custom_tags_json : "[]");
    msoc_soc__bind_text(st, 12, in->system_tags_json ? in->system_tags_json : "[]");
    msoc_soc__bind_text(st, 13, in->resolving_comment);
    if (in->redirect_incident_id)
        sqlite3_bind_int64(st, 14, in->redirect_incident_id);
    sqlite3_bind_int64(st, 15, in->created ? in->created : now);
    sqlite3_bind_int64(st, 16, in->last_update ? in->last_update : now);
    r = msoc_soc__step_done(s, st, "incident", err);
    if (r != MSOC_OK)
        return r;
    int64_t id = sqlite3_last_insert_rowid(s->db);
    char obj[24];
    snprintf(obj, sizeof obj, "%lld", (long long)id);
    r = msoc_soc__audit(s, actor, in->tenant_id, "incident", obj, "create", NULL, err);
    if (r == MSOC_OK && id_out)
        *id_out = id;
    return r;
}

msoc_status msoc_soc_incident_create(msoc_soc *s, const msoc_soc_scope *scope,
                                     const msoc_soc_incident *in, const char *actor,
                                     int64_t *id_out, msoc_error *err)
{
    msoc_soc__lock(s);
    msoc_status r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = msoc_soc__incident_insert(s, scope, in, actor, id_out, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    return r;
}

static msoc_status incident_read(msoc_soc *s, const msoc_soc_scope *scope, int64_t id,
                                 msoc_arena *a, msoc_soc_incident *out, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT " INCIDENT_COLS " FROM incidents WHERE id = ?1", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        read_incident(st, a, out);
        if (!msoc_soc_scope_has(scope, out->tenant_id))
            r = msoc_fail(err, MSOC_NOTFOUND, "no incident with id %lld", (long long)id);
    } else {
        r = msoc_fail(err, MSOC_NOTFOUND, "no incident with id %lld", (long long)id);
    }
    sqlite3_finalize(st);
    return r;
}

msoc_status msoc_soc_incident_get(msoc_soc *s, const msoc_soc_scope *scope, int64_t id,
                                  msoc_arena *a, msoc_soc_incident *out, msoc_error *err)
{
    s = msoc_soc__read_lock(s);
    msoc_status r = incident_read(s, scope, id, a, out, err);
    msoc_soc__unlock(s);
    return r;
}

/* Runs a list query: SELECT cols + where + order/page, and optionally the count. */
static msoc_status run_list(msoc_soc *s, const char *cols, const char *table, const field *fields,
                            const msoc_soc_scope *scope, const char *extra_col, int n_extra,
                            int64_t extra_val, const msoc_soc_list_opts *o, int64_t *total_out,
                            sqlite3_stmt **st_out, compiler *c, msoc_error *err)
{
    msoc_buf where, sql;
    msoc_buf_init(&where, 1 << 20);
    msoc_buf_init(&sql, 1 << 20);
    msoc_status r = build_where(table, fields, scope, extra_col, n_extra, o, &where, c, err);
    if (r != MSOC_OK)
        goto out;
    int extra_idx = 1 + (scope ? (int)scope->n : 0);
    sqlite3_stmt *st;
    if (o && o->want_count && total_out) {
        msoc_buf_append_c(&sql, "SELECT count(*)");
        msoc_buf_append(&sql, where.data, where.len);
        r = msoc_soc__prep(s, sql.data, &st, err);
        if (r != MSOC_OK)
            goto out;
        msoc_soc__scope_bind(st, 1, scope);
        if (n_extra)
            sqlite3_bind_int64(st, extra_idx, extra_val);
        bind_all(st, c);
        *total_out = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
        msoc_buf_reset(&sql);
    }
    msoc_buf_appendf(&sql, "SELECT %s", cols);
    msoc_buf_append(&sql, where.data, where.len);
    r = order_page(fields, o, &sql, err);
    if (r == MSOC_OK)
        r = msoc_buf_check(&sql, "the query", err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, sql.data, &st, err);
    if (r != MSOC_OK)
        goto out;
    msoc_soc__scope_bind(st, 1, scope);
    if (n_extra)
        sqlite3_bind_int64(st, extra_idx, extra_val);
    bind_all(st, c);
    *st_out = st;
out:
    msoc_buf_fini(&where);
    msoc_buf_fini(&sql);
    return r;
}

msoc_status msoc_soc_incident_list(msoc_soc *s, const msoc_soc_scope *scope,
                                   const msoc_soc_list_opts *o, msoc_arena *a,
                                   msoc_soc_incident **out, size_t *n_out, int64_t *total_out,
                                   msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    if (total_out)
        *total_out = -1;
    compiler c;
    sqlite3_stmt *st = NULL;
    s = msoc_soc__read_lock(s);
    msoc_status r = run_list(s, INCIDENT_COLS, "incidents", incident_fields, scope, NULL, 0, 0, o,
                             total_out, &st, &c, err);
    if (r == MSOC_OK) {
        size_t cap = MSOC_SOC_PAGE_MAX, n = 0;
        int64_t top = o && o->top > 0 ? o->top : MSOC_SOC_PAGE_DEFAULT;
        if ((size_t)top < cap)
            cap = (size_t)top;
        msoc_soc_incident *v = msoc_arena_calloc(a, cap ? cap : 1, sizeof *v);
        if (!v)
            r = msoc_arena_fail(a, err);
        while (v && n < cap && sqlite3_step(st) == SQLITE_ROW)
            read_incident(st, a, &v[n++]);
        sqlite3_finalize(st);
        *out = v;
        *n_out = n;
    }
    msoc_free(c.binds);
    msoc_soc__unlock(s);
    return r;
}

/* Appends "col = ?N" to a SET list and records the value. */
typedef struct setlist {
    msoc_buf sql;
    const char *vals[16];
    int n;
} setlist;

static void set_add(setlist *sl, const char *col, const char *val)
{
    msoc_buf_appendf(&sl->sql, ", %s = ?%d", col, sl->n + 3);
    sl->vals[sl->n++] = val;
}

static msoc_status check_patch_common(msoc_soc *s, const msoc_soc_patch *p, bool is_alert,
                                      msoc_error *err)
{
    msoc_status r = MSOC_OK;
    if (p->status)
        r = msoc_soc_enum_check("status", is_alert ? msoc_soc_alert_status_values
                                                   : msoc_soc_incident_status_values, p->status, err);
    if (r == MSOC_OK && p->classification)
        r = msoc_soc_enum_check("classification", msoc_soc_classification_values, p->classification, err);
    if (r == MSOC_OK && p->determination)
        r = msoc_soc_enum_check("determination", msoc_soc_determination_values, p->determination, err);
    if (r == MSOC_OK && p->severity)
        r = msoc_soc_enum_check("severity", msoc_soc_severity_values, p->severity, err);
    if (r == MSOC_OK)
        r = msoc_soc__json_check(s, "customTags", p->custom_tags_json, "strings", err);
    if (r == MSOC_OK && p->display_name)
        r = msoc_soc__check_text("displayName", p->display_name, 4096, true, err);
    if (r == MSOC_OK)
        r = msoc_soc__check_text("description", p->description, 65536, false, err);
    if (r == MSOC_OK)
        r = msoc_soc__check_text("resolvingComment", p->resolving_comment, 65536, false, err);
    if (r == MSOC_OK)
        r = msoc_soc__check_text("assignedTo", p->assigned_to, 256, false, err);
    if (r == MSOC_OK && p->add_tag)
        r = msoc_soc__check_text("tag", p->add_tag, 256, true, err);
    if (r == MSOC_OK && p->remove_tag)
        r = msoc_soc__check_text("tag", p->remove_tag, 256, true, err);
    if (r == MSOC_OK && is_alert && (p->severity || p->display_name || p->custom_tags_json ||
                                     p->summary || p->resolving_comment || p->add_tag ||
                                     p->remove_tag))
        r = msoc_fail(err, MSOC_INVALID, "an alert's severity, title and tags cannot be changed;"
                                         " only status, classification, determination and assignedTo");
    if (r == MSOC_OK && (p->custom_tags_json != NULL) + (p->add_tag != NULL) + (p->remove_tag != NULL) > 1)
        r = msoc_fail(err, MSOC_INVALID, "customTags, addTag and removeTag cannot be combined in one change");
    if (r == MSOC_OK && p->comment) {
        if (!*p->comment)
            r = msoc_fail(err, MSOC_INVALID, "the comment is empty");
        else if (msoc_soc__utf8_chars(p->comment) > MSOC_SOC_COMMENT_MAX_CHARS)
            r = msoc_fail(err, MSOC_INVALID, "a comment may have at most %d characters",
                          MSOC_SOC_COMMENT_MAX_CHARS);
    }
    return r;
}

/* Applies p to one incident or alert; inside a transaction. */
static msoc_status patch_one(msoc_soc *s, const msoc_soc_scope *scope, bool is_alert,
                             const char *id_text, int64_t id_num, const msoc_soc_patch *p,
                             const char *actor, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, is_alert ? "SELECT tenant_id FROM alerts WHERE id = ?1"
                                               : "SELECT tenant_id FROM incidents WHERE id = ?1",
                                   &st, err);
    if (r != MSOC_OK)
        return r;
    if (is_alert)
        sqlite3_bind_text(st, 1, id_text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, id_num);
    char tenant[40] = "";
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(tenant, sizeof tenant, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!*tenant || !msoc_soc_scope_has(scope, tenant))
        return msoc_fail(err, MSOC_NOTFOUND, "no %s with id %.80s", is_alert ? "alert" : "incident",
                         id_text);
    if (p->assigned_to) {
        r = check_assignee(s, p->assigned_to, tenant, err);
        if (r != MSOC_OK)
            return r;
    }
    setlist sl;
    msoc_buf_init(&sl.sql, 1 << 16);
    sl.n = 0;
    msoc_buf_appendf(&sl.sql, "UPDATE %s SET last_update = ?2", is_alert ? "alerts" : "incidents");
    if (p->status)
        set_add(&sl, "status", p->status);
    if (p->classification)
        set_add(&sl, "classification", p->classification);
    if (p->determination)
        set_add(&sl, "determination", p->determination);
    if (p->assigned_to)
        set_add(&sl, "assigned_to", *p->assigned_to ? p->assigned_to : NULL);
    if (p->severity)
        set_add(&sl, "severity", p->severity);
    if (p->display_name)
        set_add(&sl, "display_name", p->display_name);
    if (p->description)
        set_add(&sl, "description", p->description);
    if (p->summary)
        set_add(&sl, "summary", p->summary);
    if (p->custom_tags_json)
        set_add(&sl, "custom_tags", p->custom_tags_json);
    if (p->resolving_comment)
        set_add(&sl, "resolving_comment", p->resolving_comment);
    if (p->add_tag) {
        msoc_buf_appendf(&sl.sql, ", custom_tags = CASE WHEN EXISTS(SELECT 1 FROM json_each(custom_tags)"
                                  " WHERE value = ?%d) THEN custom_tags ELSE json_insert(custom_tags,"
                                  " '$[#]', ?%d) END", sl.n + 3, sl.n + 3);
        sl.vals[sl.n++] = p->add_tag;
    }
    if (p->remove_tag) {
        msoc_buf_appendf(&sl.sql, ", custom_tags = (SELECT json_group_array(value) FROM json_each(custom_tags)"
                                  " WHERE value != ?%d)", sl.n + 3);
        sl.vals[sl.n++] = p->remove_tag;
    }
    if (is_alert && p->status)
        msoc_buf_append_c(&sl.sql, ", resolved = CASE WHEN ?3 = 'resolved' THEN"
                                   " coalesce(resolved, ?2) ELSE NULL END");
    msoc_buf_append_c(&sl.sql, " WHERE id = ?1");
    r = msoc_soc__prep(s, sl.sql.data, &st, err);
    msoc_buf_fini(&sl.sql);
    if (r != MSOC_OK)
        return r;
    if (is_alert)
        sqlite3_bind_text(st, 1, id_text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, id_num);
    sqlite3_bind_int64(st, 2, msoc_datetime_now());
    for (int i = 0; i < sl.n; i++)
        msoc_soc__bind_text(st, i + 3, sl.vals[i]);
    r = msoc_soc__step_done(s, st, "update", err);
    if (r == MSOC_OK && p->comment)
        r = msoc_soc__comment_insert(s, tenant, is_alert ? "alert" : "incident", id_text, p->comment,
                                     actor, err);
    if (r != MSOC_OK)
        return r;
    /* The audit detail lists the fields that changed, as JSON. */
    msoc_buf d;
    msoc_buf_init(&d, 1 << 17);
    msoc_buf_putc(&d, '{');
    struct { const char *k, *v; } kv[] = {
        {"status", p->status}, {"classification", p->classification},
        {"determination", p->determination}, {"assignedTo", p->assigned_to},
        {"severity", p->severity}, {"displayName", p->display_name},
        {"customTags", p->custom_tags_json}, {"addTag", p->add_tag}, {"removeTag", p->remove_tag},
        {"resolvingComment", p->resolving_comment}, {"description", p->description},
        {"summary", p->summary},
    };
    bool first = true;
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
        if (!kv[i].v)
            continue;
        msoc_buf_appendf(&d, "%s\"%s\":", first ? "" : ",", kv[i].k);
        msoc_buf_append_json_str(&d, kv[i].v, strlen(kv[i].v));
        first = false;
    }
    msoc_buf_putc(&d, '}');
    r = msoc_soc__audit(s, actor, tenant, is_alert ? "alert" : "incident", id_text, "update",
                        d.is_failed ? "{}" : d.data, err);
    msoc_buf_fini(&d);
    return r;
}

/* Before a bulk assignment changes anything: every object exists in scope, and the
 * assignee holds a grant on every affected tenant. The refusal names every tenant
 * that lacks one (name and id), so one answer says what to fix. Under the lock. */
static msoc_status assignee_precheck(msoc_soc *s, const msoc_soc_scope *scope, bool is_alert,
                                     const char *const *text_ids, const int64_t *num_ids, size_t n,
                                     const char *assignee, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, is_alert ? "SELECT tenant_id FROM alerts WHERE id = ?1"
                                               : "SELECT tenant_id FROM incidents WHERE id = ?1",
                                   &st, err);
    if (r != MSOC_OK)
        return r;
    msoc_hashmap seen;
    msoc_hashmap_init(&seen, NULL, 0);
    msoc_buf missing;
    msoc_buf_init(&missing, 1 << 16);
    size_t n_missing = 0;
    for (size_t i = 0; r == MSOC_OK && i < n; i++) {
        char buf[24];
        const char *idt = text_ids ? text_ids[i] : buf;
        if (!text_ids)
            snprintf(buf, sizeof buf, "%lld", (long long)num_ids[i]);
        sqlite3_reset(st);
        if (is_alert)
            sqlite3_bind_text(st, 1, idt, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, 1, num_ids[i]);
        char tenant[40] = "";
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(tenant, sizeof tenant, "%s", (const char *)sqlite3_column_text(st, 0));
        if (!*tenant || !msoc_soc_scope_has(scope, tenant)) {
            r = msoc_fail(err, MSOC_NOTFOUND, "no %s with id %.80s", is_alert ? "alert" : "incident", idt);
            break;
        }
        size_t tl = strlen(tenant);
        if (msoc_hashmap_get(&seen, tenant, tl))
            continue;
        msoc_hashmap_put(&seen, tenant, tl, (void *)1);
        msoc_error e2;
        msoc_error_clear(&e2);
        msoc_status cr = check_assignee(s, assignee, tenant, &e2);
        if (cr == MSOC_FORBID) {
            sqlite3_stmt *nst;
            const char *name = tenant;
            if (msoc_soc__prep(s, "SELECT name FROM tenants WHERE id = ?1", &nst, &e2) == MSOC_OK) {
                sqlite3_bind_text(nst, 1, tenant, -1, SQLITE_STATIC);
                if (sqlite3_step(nst) == SQLITE_ROW)
                    name = (const char *)sqlite3_column_text(nst, 0);
                msoc_buf_appendf(&missing, "%s%s (%s)", n_missing ? ", " : "", name, tenant);
                sqlite3_finalize(nst);
            } else {
                msoc_buf_appendf(&missing, "%s%s", n_missing ? ", " : "", tenant);
            }
            n_missing++;
        } else if (cr != MSOC_OK) {
            r = msoc_fail(err, cr, "%s", e2.msg);
        }
    }
    sqlite3_finalize(st);
    if (r == MSOC_OK && n_missing)
        r = msoc_fail(err, MSOC_FORBID,
                      "cannot assign to '%.80s': that user holds no grant on %s %.*s; nothing was changed",
                      assignee, n_missing == 1 ? "tenant" : "tenants", (int)(missing.len > 3000 ? 3000 : missing.len),
                      missing.data ? missing.data : "");
    msoc_buf_fini(&missing);
    msoc_hashmap_fini(&seen);
    return r;
}

static msoc_status patch_many(msoc_soc *s, const msoc_soc_scope *scope, bool is_alert,
                              const char *const *text_ids, const int64_t *num_ids, size_t n,
                              const msoc_soc_patch *p, const char *actor, msoc_error *err)
{
    msoc_status r = check_patch_common(s, p, is_alert, err);
    if (r != MSOC_OK)
        return r;
    if (n > 10000)
        return msoc_fail(err, MSOC_LIMIT, "a bulk change may touch at most 10000 objects");
    msoc_soc__lock(s);
    r = msoc_soc__begin(s, err);
    if (r == MSOC_OK && n > 1 && p->assigned_to && *p->assigned_to)
        r = assignee_precheck(s, scope, is_alert, text_ids, num_ids, n, p->assigned_to, err);
    for (size_t i = 0; r == MSOC_OK && i < n; i++) {
        char buf[24];
        const char *idt = text_ids ? text_ids[i] : buf;
        if (!text_ids)
            snprintf(buf, sizeof buf, "%lld", (long long)num_ids[i]);
        r = patch_one(s, scope, is_alert, idt, num_ids ? num_ids[i] : 0, p, actor, err);
    }
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_incident_patch(msoc_soc *s, const msoc_soc_scope *scope, int64_t id,
                                    const msoc_soc_patch *p, const char *actor, msoc_error *err)
{
    return patch_many(s, scope, false, NULL, &id, 1, p, actor, err);
}

msoc_status msoc_soc_incident_bulk_patch(msoc_soc *s, const msoc_soc_scope *scope,
                                         const int64_t *ids, size_t n, const msoc_soc_patch *p,
                                         const char *actor, msoc_error *err)
{
    return patch_many(s, scope, false, NULL, ids, n, p, actor, err);
}

msoc_status msoc_soc_alert_patch(msoc_soc *s, const msoc_soc_scope *scope, const char *id,
                                 const msoc_soc_patch *p, const char *actor, msoc_error *err)
{
    return patch_many(s, scope, true, &id, NULL, 1, p, actor, err);
}

msoc_status msoc_soc_alert_bulk_patch(msoc_soc *s, const msoc_soc_scope *scope,
                                      const char *const *ids, size_t n, const msoc_soc_patch *p,
                                      const char *actor, msoc_error *err)
{
    return patch_many(s, scope, true, ids, NULL, n, p, actor, err);
}

/* ---- alerts ----------------------------------------------------------------------------------------- */

#define ALERT_COLS \
    "id, tenant_id, workspace_id, incident_id, provider_alert_id, title, description," \
    " recommended_actions, severity, status, classification, determination, assigned_to, category," \
    " detector_id, detection_source, service_source, threat_display_name, threat_family_name," \
    " actor_display_name, mitre_techniques, evidence, additional_data, system_tags, created," \
    " last_update, first_activity, last_activity, resolved"

static msoc_datetime col_dt(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? MSOC_TIME_NULL : sqlite3_column_int64(st, col);
}

static void read_alert(sqlite3_stmt *st, msoc_arena *a, msoc_soc_alert *x)
{
    x->id = msoc_soc__col_text(st, 0, a, true);
    x->tenant_id = msoc_soc__col_text(st, 1, a, true);
    x->workspace_id = msoc_soc__col_text(st, 2, a, true);
    x->incident_id = sqlite3_column_int64(st, 3);
    x->provider_alert_id = msoc_soc__col_text(st, 4, a, false);
    x->title = msoc_soc__col_text(st, 5, a, true);
    x->description = msoc_soc__col_text(st, 6, a, false);
    x->recommended_actions = msoc_soc__col_text(st, 7, a, false);
    x->severity = msoc_soc__col_text(st, 8, a, true);
    x->status = msoc_soc__col_text(st, 9, a, true);
    x->classification = msoc_soc__col_text(st, 10, a, true);
    x->determination = msoc_soc__col_text(st, 11, a, true);
    x->assigned_to = msoc_soc__col_text(st, 12, a, false);
    x->category = msoc_soc__col_text(st, 13, a, false);
    x->detector_id = msoc_soc__col_text(st, 14, a, false);
    x->detection_source = msoc_soc__col_text(st, 15, a, true);
    x->service_source = msoc_soc__col_text(st, 16, a, true);
    x->threat_display_name = msoc_soc__col_text(st, 17, a, false);
    x->threat_family_name = msoc_soc__col_text(st, 18, a, false);
    x->actor_display_name = msoc_soc__col_text(st, 19, a, false);
    x->mitre_techniques_json = msoc_soc__col_text(st, 20, a, true);
    x->evidence_json = msoc_soc__col_text(st, 21, a, true);
    x->additional_data_json = msoc_soc__col_text(st, 22, a, true);
    x->system_tags_json = msoc_soc__col_text(st, 23, a, true);
    x->created = col_dt(st, 24);
    x->last_update = col_dt(st, 25);
    x->first_activity = col_dt(st, 26);
    x->last_activity = col_dt(st, 27);
    x->resolved = col_dt(st, 28);
}

static void bind_dt(sqlite3_stmt *st, int idx, msoc_datetime v)
{
    if (v == MSOC_TIME_NULL || v == 0)
        sqlite3_bind_null(st, idx);
    else
        sqlite3_bind_int64(st, idx, v);
}

static msoc_status incident_tenant(msoc_soc *s, int64_t incident_id, char tenant[40],
                                   msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT tenant_id FROM incidents WHERE id = ?1", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_int64(st, 1, incident_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(tenant, 40, "%s", (const char *)sqlite3_column_text(st, 0));
    else
        r = msoc_fail(err, MSOC_NOTFOUND, "no incident with id %lld", (long long)incident_id);
    sqlite3_finalize(st);
    return r;
}

msoc_status msoc_soc__alert_insert(msoc_soc *s, const msoc_soc_scope *scope, const msoc_soc_alert *in,
                                const char *actor, char id_buf[48], msoc_error *err)
{
    if (!in->tenant_id || !msoc_soc_scope_has(scope, in->tenant_id))
        return msoc_fail(err, MSOC_NOTFOUND, "no tenant '%.80s'", in->tenant_id ? in->tenant_id : "");
    char itenant[40];
    msoc_status r = incident_tenant(s, in->incident_id, itenant, err);
    if (r == MSOC_OK && strcmp(itenant, in->tenant_id) != 0)
        r = msoc_fail(err, MSOC_INVALID, "incident %lld belongs to another tenant",
                      (long long)in->incident_id);
    if (r == MSOC_OK)
        r = msoc_soc__check_text("title", in->title, 4096, true, err);
    if (r == MSOC_OK)
        r = msoc_soc_enum_check("severity", msoc_soc_severity_values, in->severity ? in->severity : "medium", err);
    if (r == MSOC_OK)
        r = msoc_soc_enum_check("status", msoc_soc_alert_status_values, in->status ? in->status : "new", err);
    if (r == MSOC_OK)
        r = msoc_soc_enum_check("classification", msoc_soc_classification_values,
                                in->classification ? in->classification : "unknown", err);
    if (r == MSOC_OK)
        r = msoc_soc_enum_check("determination", msoc_soc_determination_values,
                                in->determination ? in->determination : "unknown", err);
    if (r == MSOC_OK)
        r = msoc_soc_enum_check("detectionSource", msoc_soc_detection_source_values,
                                in->detection_source ? in->detection_source : "unknown", err);
    if (r == MSOC_OK)
        r = msoc_soc_enum_check("serviceSource", msoc_soc_service_source_values,
                                in->service_source ? in->service_source : "unknown", err);
    if (r == MSOC_OK)
        r = msoc_soc__json_check(s, "mitreTechniques", in->mitre_techniques_json, "strings", err);
    if (r == MSOC_OK)
        r = msoc_soc__json_check(s, "evidence", in->evidence_json, "array", err);
    if (r == MSOC_OK)
        r = msoc_soc__json_check(s, "additionalData", in->additional_data_json, "object", err);
    char ws[37];
    if (r == MSOC_OK)
        r = primary_workspace(s, in->tenant_id, ws, err);
    if (r == MSOC_OK && in->workspace_id) {
        r = workspace_of_tenant(s, in->tenant_id, in->workspace_id, err);
        snprintf(ws, sizeof ws, "%s", in->workspace_id);
    }
    if (r != MSOC_OK)
        return r;
    if (in->id) {
        if (msoc_soc__check_text("id", in->id, 40, true, err) != MSOC_OK)
            return err ? err->code : MSOC_INVALID;
        snprintf(id_buf, 48, "%s", in->id);
    } else {
        uint64_t a;
        uint32_t b;
        sqlite3_randomness(sizeof a, &a);
        sqlite3_randomness(sizeof b, &b);
        snprintf(id_buf, 48, "da%018llu_%u", (unsigned long long)(a % 1000000000000000000ULL), b);
    }
    sqlite3_stmt *st;
    r = msoc_soc__prep(s, "INSERT INTO alerts(id, tenant_id, workspace_id, incident_id, provider_alert_id,"
                          " title, description, recommended_actions, severity, status, classification,"
                          " determination, assigned_to, category, detector_id, detection_source,"
                          " service_source, threat_display_name, threat_family_name, actor_display_name,"
                          " mitre_techniques, evidence, additional_data, system_tags, created, last_update,"
                          " first_activity, last_activity, resolved, seq) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,"
                          "?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28,"
                          "?29,(SELECT coalesce(max(seq),0)+1 FROM alerts))", &st, err);
    if (r != MSOC_OK)
        return r;
    msoc_datetime now = msoc_datetime_now();
    const char *status = in->status ? in->status : "new";
    msoc_soc__bind_text(st, 1, id_buf);
    msoc_soc__bind_text(st, 2, in->tenant_id);
    msoc_soc__bind_text(st, 3, ws);
    sqlite3_bind_int64(st, 4, in->incident_id);
    msoc_soc__bind_text(st, 5, in->provider_alert_id ? in->provider_alert_id : id_buf);
    msoc_soc__bind_text(st, 6, in->title);
    msoc_soc__bind_text(st, 7, in->description);
    msoc_soc__bind_text(st, 8, in->recommended_actions);
    msoc_soc__bind_text(st, 9, in->severity ? in->severity : "medium");
    msoc_soc__bind_text(st, 10, status);
    msoc_soc__bind_text(st, 11, in->classification ? in->classification : "unknown");
    msoc_soc__bind_text(st, 12, in->determination ? in->determination : "unknown");
    msoc_soc__bind_text(st, 13, in->assigned_to && *in->assigned_to ? in->assigned_to : NULL);
    msoc_soc__bind_text(st, 14, in->category);
    msoc_soc__bind_text(st, 15, in->detector_id);
    msoc_soc__bind_text(st, 16, in->detection_source ? in->detection_source : "unknown");
    msoc_soc__bind_text(st, 17, in->service_source ? in->service_source : "unknown");
    msoc_soc__bind_text(st, 18, in->threat_display_name);
    msoc_soc__bind_text(st, 19, in->threat_family_name);
    msoc_soc__bind_text(st, 20, in->actor_display_name);
    msoc_soc__bind_text(st, 21, in->mitre_techniques_json ? in->mitre_techniques_json : "[]");
    msoc_soc__bind_text(st, 22, in->evidence_json ? in->evidence_json : "[]");
    msoc_soc__bind_text(st, 23, in->additional_data_json ? in->additional_data_json : "{}");
    msoc_soc__bind_text(st, 24, in->system_tags_json ? in->system_tags_json : "[]");
    sqlite3_bind_int64(st, 25, in->created && in->created != MSOC_TIME_NULL ? in->created : now);
    sqlite3_bind_int64(st, 26, in->last_update && in->last_update != MSOC_TIME_NULL ? in->last_update : now);
    bind_dt(st, 27, in->first_activity);
    bind_dt(st, 28, in->last_activity);
    if (strcmp(status, "resolved") == 0)
        sqlite3_bind_int64(st, 29, in->resolved && in->resolved != MSOC_TIME_NULL ? in->resolved : now);
    r = msoc_soc__step_done(s, st, "alert", err);
    if (r == MSOC_CONFLICT) {
        msoc_error_clear(err);
        r = msoc_fail(err, MSOC_CONFLICT, "an alert with id %s already exists", id_buf);
    }
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, in->tenant_id, "alert", id_buf, "create", NULL, err);
    return r;
}

msoc_status msoc_soc_alert_create(msoc_soc *s, const msoc_soc_scope *scope,
                                  const msoc_soc_alert *in, const char *actor, msoc_arena *a,
                                  const char **id_out, msoc_error *err)
{
    char id[48];
    msoc_soc__lock(s);
    msoc_status r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = msoc_soc__alert_insert(s, scope, in, actor, id, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    if (r == MSOC_OK && id_out)
        *id_out = msoc_arena_strndup(a, id, strlen(id));
    return r;
}

msoc_status msoc_soc_alert_get(msoc_soc *s, const msoc_soc_scope *scope, const char *id,
                               msoc_arena *a, msoc_soc_alert *out, msoc_error *err)
{
    s = msoc_soc__read_lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT " ALERT_COLS " FROM alerts WHERE id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            read_alert(st, a, out);
            if (!msoc_soc_scope_has(scope, out->tenant_id))
                r = msoc_fail(err, MSOC_NOTFOUND, "no alert with id %.80s", id);
        } else {
            r = msoc_fail(err, MSOC_NOTFOUND, "no alert with id %.80s", id);
        }
        sqlite3_finalize(st);
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_alert_list(msoc_soc *s, const msoc_soc_scope *scope, int64_t incident_id,
                                const msoc_soc_list_opts *o, msoc_arena *a,
                                msoc_soc_alert **out, size_t *n_out, int64_t *total_out,
                                msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    if (total_out)
        *total_out = -1;
    compiler c;
    sqlite3_stmt *st = NULL;
    s = msoc_soc__read_lock(s);
    msoc_status r = run_list(s, ALERT_COLS, "alerts", alert_fields, scope,
                             incident_id ? "incident_id" : NULL, incident_id ? 1 : 0,
                             incident_id, o, total_out, &st, &c, err);
    if (r == MSOC_OK) {
        size_t cap = MSOC_SOC_PAGE_MAX, n = 0;
        int64_t top = o && o->top > 0 ? o->top : MSOC_SOC_PAGE_DEFAULT;
        if ((size_t)top < cap)
            cap = (size_t)top;
        msoc_soc_alert *v = msoc_arena_calloc(a, cap ? cap : 1, sizeof *v);
        if (!v)
            r = msoc_arena_fail(a, err);
        while (v && n < cap && sqlite3_step(st) == SQLITE_ROW)
            read_alert(st, a, &v[n++]);
        sqlite3_finalize(st);
        *out = v;
        *n_out = n;
    }
    msoc_free(c.binds);
    msoc_soc__unlock(s);
    return r;
}

/* ---- moving alerts ----------------------------------------------------------------------------------- */

static msoc_status touch_incident(msoc_soc *s, int64_t id, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "UPDATE incidents SET last_update = ?2 WHERE id = ?1", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, msoc_datetime_now());
    return msoc_soc__step_done(s, st, "incident", err);
}

msoc_status msoc_soc_alerts_move(msoc_soc *s, const msoc_soc_scope *scope,
                                 const char *const *alert_ids, size_t n, int64_t target_id,
                                 const char *new_title, const char *comment, const char *actor,
                                 int64_t *incident_out, msoc_error *err)
{
    if (!comment || !*comment)
        return msoc_fail(err, MSOC_INVALID, "moving alerts needs a comment saying why");
    if (msoc_soc__utf8_chars(comment) > MSOC_SOC_COMMENT_MAX_CHARS)
        return msoc_fail(err, MSOC_INVALID, "a comment may have at most %d characters",
                         MSOC_SOC_COMMENT_MAX_CHARS);
    if (n == 0)
        return msoc_fail(err, MSOC_INVALID, "no alerts to move");
    if (n > 10000)
        return msoc_fail(err, MSOC_LIMIT, "at most 10000 alerts can be moved at once");
    msoc_soc__lock(s);
    msoc_status r = msoc_soc__begin(s, err);
    char tenant[40] = "";
    const char *sev = "informational";
    static const char *const rank[] = {"unknown", "informational", "low", "medium", "high", NULL};
    int best = 0;
    sqlite3_stmt *st;
    for (size_t i = 0; r == MSOC_OK && i < n; i++) {
        r = msoc_soc__prep(s, "SELECT tenant_id, severity FROM alerts WHERE id = ?1", &st, err);
        if (r != MSOC_OK)
            break;
        sqlite3_bind_text(st, 1, alert_ids[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW ||
            !msoc_soc_scope_has(scope, (const char *)sqlite3_column_text(st, 0))) {
            r = msoc_fail(err, MSOC_NOTFOUND, "no alert with id %.80s", alert_ids[i]);
        } else {
            const char *t = (const char *)sqlite3_column_text(st, 0);
            if (!*tenant)
                snprintf(tenant, sizeof tenant, "%s", t);
            else if (strcmp(tenant, t) != 0)
                r = msoc_fail(err, MSOC_INVALID, "alerts from different tenants cannot be moved together");
            const char *sv = (const char *)sqlite3_column_text(st, 1);
            for (int k = 0; rank[k]; k++)
                if (strcmp(rank[k], sv) == 0 && k > best)
                    best = k;
        }
        sqlite3_finalize(st);
    }
    sev = rank[best > 0 ? best : 1];
    int64_t target = target_id;
    if (r == MSOC_OK && target_id) {
        char t2[40];
        r = incident_tenant(s, target_id, t2, err);
        if (r == MSOC_OK && (!msoc_soc_scope_has(scope, t2)))
            r = msoc_fail(err, MSOC_NOTFOUND, "no incident with id %lld", (long long)target_id);
        if (r == MSOC_OK && strcmp(t2, tenant) != 0)
            r = msoc_fail(err, MSOC_INVALID, "incident %lld belongs to another tenant than the alerts",
                          (long long)target_id);
    } else if (r == MSOC_OK) {
        msoc_soc_incident in;
        memset(&in, 0, sizeof in);
        in.tenant_id = tenant;
        in.display_name = new_title && *new_title ? new_title : "Incident from moved alerts";
        in.severity = sev;
        r = msoc_soc__incident_insert(s, scope, &in, actor, &target, err);
    }
    char tobj[24];
    snprintf(tobj, sizeof tobj, "%lld", (long long)target);
    for (size_t i = 0; r == MSOC_OK && i < n; i++) {
        int64_t from = 0;
        r = msoc_soc__prep(s, "SELECT incident_id FROM alerts WHERE id = ?1", &st, err);
        if (r != MSOC_OK)
            break;
        sqlite3_bind_text(st, 1, alert_ids[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            from = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        r = msoc_soc__prep(s, "UPDATE alerts SET incident_id = ?2, last_update = ?3 WHERE id = ?1", &st, err);
        if (r != MSOC_OK)
            break;
        sqlite3_bind_text(st, 1, alert_ids[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, target);
        sqlite3_bind_int64(st, 3, msoc_datetime_now());
        r = msoc_soc__step_done(s, st, "alert", err);
        if (r == MSOC_OK && from && from != target)
            r = touch_incident(s, from, err);
        char detail[96];
        snprintf(detail, sizeof detail, "{\"from\":%lld,\"to\":%lld}", (long long)from, (long long)target);
        if (r == MSOC_OK)
            r = msoc_soc__audit(s, actor, tenant, "alert", alert_ids[i], "move", detail, err);
    }
    if (r == MSOC_OK)
        r = touch_incident(s, target, err);
    if (r == MSOC_OK)
        r = msoc_soc__comment_insert(s, tenant, "incident", tobj, comment, actor, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    if (r == MSOC_OK && incident_out)
        *incident_out = target;
    return r;
}

/* ---- comments ----------------------------------------------------------------------------------------- */

msoc_status msoc_soc__comment_insert(msoc_soc *s, const char *tenant_id, const char *kind,
                                     const char *object_id, const char *text, const char *actor,
                                     msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "INSERT INTO comments(tenant_id, kind, object_id, comment,"
                                      " created_by, created) VALUES(?1,?2,?3,?4,?5,?6)", &st, err);
    if (r != MSOC_OK)
        return r;
    msoc_soc__bind_text(st, 1, tenant_id);
    msoc_soc__bind_text(st, 2, kind);
    msoc_soc__bind_text(st, 3, object_id);
    msoc_soc__bind_text(st, 4, text);
    msoc_soc__bind_text(st, 5, actor ? actor : "system");
    sqlite3_bind_int64(st, 6, msoc_datetime_now());
    r = msoc_soc__step_done(s, st, "comment", err);
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, tenant_id, kind, object_id, "comment", NULL, err);
    return r;
}

msoc_status msoc_soc_comment_add(msoc_soc *s, const msoc_soc_scope *scope, const char *kind,
                                 const char *object_id, const char *text, const char *actor,
                                 msoc_error *err)
{
    if (!text || !*text)
        return msoc_fail(err, MSOC_INVALID, "the comment is empty");
    if (msoc_soc__utf8_chars(text) > MSOC_SOC_COMMENT_MAX_CHARS)
        return msoc_fail(err, MSOC_INVALID, "a comment may have at most %d characters",
                         MSOC_SOC_COMMENT_MAX_CHARS);
    bool is_alert = strcmp(kind, "alert") == 0;
    if (!is_alert && strcmp(kind, "incident") != 0)
        return msoc_fail(err, MSOC_INVALID, "comments go on incidents or alerts, not '%.40s'", kind);
    int64_t num = 0;
    if (!is_alert && !msoc_str_to_i64(msoc_str_c(object_id), &num))
        return msoc_fail(err, MSOC_NOTFOUND, "no incident with id %.80s", object_id);
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__begin(s, err);
    char tenant[40] = "";
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, is_alert ? "SELECT tenant_id, incident_id FROM alerts WHERE id = ?1"
                                       : "SELECT tenant_id, id FROM incidents WHERE id = ?2", &st, err);
    int64_t inc = 0;
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, object_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, num);
        if (sqlite3_step(st) == SQLITE_ROW) {
            snprintf(tenant, sizeof tenant, "%s", (const char *)sqlite3_column_text(st, 0));
            inc = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
        if (!*tenant || !msoc_soc_scope_has(scope, tenant))
            r = msoc_fail(err, MSOC_NOTFOUND, "no %s with id %.80s", kind, object_id);
    }
    if (r == MSOC_OK)
        r = msoc_soc__comment_insert(s, tenant, kind, object_id, text, actor, err);
    if (r == MSOC_OK && is_alert)
        r = msoc_soc__prep(s, "UPDATE alerts SET last_update = ?2 WHERE id = ?1", &st, err);
    if (r == MSOC_OK && is_alert) {
        sqlite3_bind_text(st, 1, object_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, msoc_datetime_now());
        r = msoc_soc__step_done(s, st, "alert", err);
    }
    if (r == MSOC_OK && !is_alert)
        r = touch_incident(s, inc, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    return r;
}

static void read_comment_row(sqlite3_stmt *st, msoc_arena *a, void *row)
{
    msoc_soc_comment *x = row;
    x->object_id = msoc_soc__col_text(st, 0, a, true);
    x->comment = msoc_soc__col_text(st, 1, a, true);
    x->created_by = msoc_soc__col_text(st, 2, a, true);
    x->created = sqlite3_column_int64(st, 3);
}

msoc_status msoc_soc_comment_list(msoc_soc *s, const char *kind, const char *object_id,
                                  msoc_arena *a, msoc_soc_comment **out, size_t *n_out,
                                  msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    s = msoc_soc__read_lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT object_id, comment, created_by, created FROM comments"
                                      " WHERE kind = ?1 AND object_id = ?2 ORDER BY id", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, object_id, -1, SQLITE_STATIC);
        void *rows;
        r = msoc_soc__collect(s, st, a, sizeof(msoc_soc_comment), read_comment_row, &rows, n_out, err);
        *out = rows;
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_comment_list_many(msoc_soc *s, const char *kind, const char *const *object_ids,
                                       size_t n_ids, msoc_arena *a, msoc_soc_comment **out,
                                       size_t *n_out, msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    if (n_ids == 0)
        return MSOC_OK;
    if (n_ids > 1000)
        return msoc_fail(err, MSOC_LIMIT, "at most 1000 objects per comment query");
    msoc_buf sql;
    msoc_buf_init(&sql, 1 << 20);
    msoc_buf_append_c(&sql, "SELECT object_id, comment, created_by, created FROM comments"
                            " WHERE kind = ?1 AND object_id IN (");
    for (size_t i = 0; i < n_ids; i++)
        msoc_buf_appendf(&sql, "%s?%zu", i ? "," : "", i + 2);
    msoc_buf_append_c(&sql, ") ORDER BY object_id, id");
    s = msoc_soc__read_lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, sql.data, &st, err);
    msoc_buf_fini(&sql);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
        for (size_t i = 0; i < n_ids; i++)
            sqlite3_bind_text(st, (int)i + 2, object_ids[i], -1, SQLITE_STATIC);
        void *rows;
        r = msoc_soc__collect(s, st, a, sizeof(msoc_soc_comment), read_comment_row, &rows, n_out, err);
        *out = rows;
    }
    msoc_soc__unlock(s);
    return r;
}
