/* Cases (ids from 1000 per tenant, per-tenant status lists, linked incidents,
 * activity log, at most 100,000 per tenant), tasks and saved hunting queries. */
#include <stdio.h>
#include <string.h>

#include "soc_int.h"

static msoc_status tenant_ok(msoc_soc *s, const msoc_soc_scope *scope, const char *tenant_id,
                             msoc_error *err)
{
    if (!tenant_id || !msoc_soc_scope_has(scope, tenant_id))
        return msoc_fail(err, MSOC_NOTFOUND, "no tenant '%.80s'", tenant_id ? tenant_id : "");
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT 1 FROM tenants WHERE id = ?1", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        r = msoc_fail(err, MSOC_NOTFOUND, "no tenant '%.80s'", tenant_id);
    sqlite3_finalize(st);
    return r;
}

static msoc_status status_ok(msoc_soc *s, const char *tenant_id, const char *status, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT 1 FROM case_statuses WHERE tenant_id = ?1 AND name = ?2",
                                   &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        r = msoc_fail(err, MSOC_INVALID, "'%.60s' is not one of this tenant's case statuses", status);
    sqlite3_finalize(st);
    return r;
}

static msoc_status activity(msoc_soc *s, const char *tenant_id, int64_t case_id, const char *actor,
                            const char *text, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "INSERT INTO case_activity(tenant_id, case_id, at, actor, text)"
                                      " VALUES(?1,?2,?3,?4,?5)", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, case_id);
    sqlite3_bind_int64(st, 3, msoc_datetime_now());
    msoc_soc__bind_text(st, 4, actor ? actor : "system");
    msoc_soc__bind_text(st, 5, text);
    r = msoc_soc__step_done(s, st, "case activity", err);
    char obj[64];
    snprintf(obj, sizeof obj, "%lld", (long long)case_id);
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, tenant_id, "case", obj, "update", NULL, err);
    return r;
}

static msoc_status link_incident(msoc_soc *s, const char *tenant_id, int64_t case_id,
                                 int64_t incident_id, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT tenant_id FROM incidents WHERE id = ?1", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_int64(st, 1, incident_id);
    bool ok = sqlite3_step(st) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(st, 0), tenant_id) == 0;
    sqlite3_finalize(st);
    if (!ok)
        return msoc_fail(err, MSOC_INVALID, "incident %lld is not an incident of this case's tenant",
                         (long long)incident_id);
    r = msoc_soc__prep(s, "INSERT OR IGNORE INTO case_incidents VALUES(?1,?2,?3)", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, case_id);
    sqlite3_bind_int64(st, 3, incident_id);
    return msoc_soc__step_done(s, st, "case link", err);
}

msoc_status msoc_soc_case_create(msoc_soc *s, const msoc_soc_scope *scope, const msoc_soc_case *in,
                                 const char *actor, int64_t *id_out, msoc_error *err)
{
    msoc_status r = msoc_soc__check_text("title", in->title, 1024, true, err);
    if (r == MSOC_OK)
        r = msoc_soc__check_text("description", in->description, 65536, false, err);
    if (r == MSOC_OK)
        r = msoc_soc_enum_check("priority", msoc_soc_case_priority_values,
                                in->priority ? in->priority : "Medium", err);
    if (r != MSOC_OK)
        return r;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = tenant_ok(s, scope, in->tenant_id, err);
    int64_t id = 0, n = 0;
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "SELECT coalesce(max(id), 999) + 1, count(*) FROM cases WHERE tenant_id = ?1",
                           &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, in->tenant_id, -1, SQLITE_STATIC);
        sqlite3_step(st);
        id = sqlite3_column_int64(st, 0);
        n = sqlite3_column_int64(st, 1);
        sqlite3_finalize(st);
        if (n >= s->max_cases)
            r = msoc_fail(err, MSOC_LIMIT, "the tenant already has %lld cases, the maximum", (long long)n);
    }
    char status[128] = "";
    if (r == MSOC_OK && in->status) {
        r = status_ok(s, in->tenant_id, in->status, err);
        snprintf(status, sizeof status, "%s", in->status);
    } else if (r == MSOC_OK) {
        r = msoc_soc__prep(s, "SELECT name FROM case_statuses WHERE tenant_id = ?1 ORDER BY ord LIMIT 1",
                           &st, err);
        if (r == MSOC_OK) {
            sqlite3_bind_text(st, 1, in->tenant_id, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW)
                snprintf(status, sizeof status, "%s", (const char *)sqlite3_column_text(st, 0));
            sqlite3_finalize(st);
        }
    }
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "INSERT INTO cases VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?9)", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, in->tenant_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, id);
        msoc_soc__bind_text(st, 3, in->title);
        msoc_soc__bind_text(st, 4, in->description);
        msoc_soc__bind_text(st, 5, in->priority ? in->priority : "Medium");
        msoc_soc__bind_text(st, 6, status);
        msoc_soc__bind_text(st, 7, in->assignee && *in->assignee ? in->assignee : NULL);
        if (in->due != MSOC_TIME_NULL && in->due != 0)
            sqlite3_bind_int64(st, 8, in->due);
        sqlite3_bind_int64(st, 9, msoc_datetime_now());
        r = msoc_soc__step_done(s, st, "case", err);
    }
    for (size_t i = 0; r == MSOC_OK && i < in->n_incidents; i++)
        r = link_incident(s, in->tenant_id, id, in->incident_ids[i], err);
    if (r == MSOC_OK)
        r = activity(s, in->tenant_id, id, actor, "created the case", err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    if (r == MSOC_OK && id_out)
        *id_out = id;
    return r;
}

#define CASE_COLS "tenant_id, id, title, description, priority, status, assignee, due, created, updated"

static void read_case(sqlite3_stmt *st, msoc_arena *a, msoc_soc_case *c)
{
    c->tenant_id = msoc_soc__col_text(st, 0, a, true);
    c->id = sqlite3_column_int64(st, 1);
    c->title = msoc_soc__col_text(st, 2, a, true);
    c->description = msoc_soc__col_text(st, 3, a, false);
    c->priority = msoc_soc__col_text(st, 4, a, true);
    c->status = msoc_soc__col_text(st, 5, a, true);
    c->assignee = msoc_soc__col_text(st, 6, a, false);
    c->due = sqlite3_column_type(st, 7) == SQLITE_NULL ? MSOC_TIME_NULL : sqlite3_column_int64(st, 7);
    c->created = sqlite3_column_int64(st, 8);
    c->updated = sqlite3_column_int64(st, 9);
}

static void read_case_links_row(sqlite3_stmt *st, msoc_arena *a, void *row)
{
    (void)a;
    *(int64_t *)row = sqlite3_column_int64(st, 0);
}

static msoc_status case_links(msoc_soc *s, msoc_arena *a, msoc_soc_case *c, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT incident_id FROM case_incidents WHERE tenant_id = ?1"
                                      " AND case_id = ?2 ORDER BY incident_id", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_text(st, 1, c->tenant_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->id);
    void *rows;
    r = msoc_soc__collect(s, st, a, sizeof(int64_t), read_case_links_row, &rows, &c->n_incidents, err);
    c->incident_ids = rows;
    return r;
}

msoc_status msoc_soc_case_get(msoc_soc *s, const msoc_soc_scope *scope, const char *tenant_id,
                              int64_t id, msoc_arena *a, msoc_soc_case *out, msoc_error *err)
{
    s = msoc_soc__read_lock(s);
    sqlite3_stmt *st;
    msoc_status r = tenant_ok(s, scope, tenant_id, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "SELECT " CASE_COLS " FROM cases WHERE tenant_id = ?1 AND id = ?2", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, id);
        if (sqlite3_step(st) == SQLITE_ROW)
            read_case(st, a, out);
        else
            r = msoc_fail(err, MSOC_NOTFOUND, "no case %lld in tenant %.40s", (long long)id, tenant_id);
        sqlite3_finalize(st);
    }
    if (r == MSOC_OK)
        r = case_links(s, a, out, err);
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_case_list(msoc_soc *s, const msoc_soc_scope *scope, const char *tenant_id,
                               int64_t limit, int64_t skip, msoc_arena *a, msoc_soc_case **out,
                               size_t *n_out, msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    if (limit <= 0)
        limit = 100;
    if (limit > MSOC_SOC_PAGE_MAX)
        limit = MSOC_SOC_PAGE_MAX;
    msoc_buf sql;
    msoc_buf_init(&sql, 1 << 20);
    msoc_buf_append_c(&sql, "SELECT " CASE_COLS " FROM cases WHERE (?1 IS NULL OR tenant_id = ?1)");
    msoc_soc__scope_sql(&sql, "tenant_id", scope, 4);
    msoc_buf_append_c(&sql, " ORDER BY created DESC, tenant_id, id DESC LIMIT ?2 OFFSET ?3");
    s = msoc_soc__read_lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, sql.data, &st, err);
    msoc_buf_fini(&sql);
    if (r == MSOC_OK) {
        msoc_soc__bind_text(st, 1, tenant_id);
        sqlite3_bind_int64(st, 2, limit);
        sqlite3_bind_int64(st, 3, skip > 0 ? skip : 0);
        msoc_soc__scope_bind(st, 4, scope);
        msoc_soc_case *v = msoc_arena_calloc(a, (size_t)limit, sizeof *v);
        size_t n = 0;
        if (!v)
            r = msoc_arena_fail(a, err);
        while (v && n < (size_t)limit && sqlite3_step(st) == SQLITE_ROW)
            read_case(st, a, &v[n++]);
        sqlite3_finalize(st);
        for (size_t i = 0; r == MSOC_OK && i < n; i++)
            r = case_links(s, a, &v[i], err);
        *out = v;
        *n_out = n;
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_case_patch_apply(msoc_soc *s, const msoc_soc_scope *scope,
                                      const char *tenant_id, int64_t id,
                                      const msoc_soc_case_patch *p, const char *actor,
                                      msoc_error *err)
{
    msoc_status r = MSOC_OK;
    if (p->title)
        r = msoc_soc__check_text("title", p->title, 1024, true, err);
    if (r == MSOC_OK)
        r = msoc_soc__check_text("description", p->description, 65536, false, err);
    if (r == MSOC_OK && p->priority)
        r = msoc_soc_enum_check("priority", msoc_soc_case_priority_values, p->priority, err);
    if (r != MSOC_OK)
        return r;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = tenant_ok(s, scope, tenant_id, err);
    if (r == MSOC_OK && p->status)
        r = status_ok(s, tenant_id, p->status, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "UPDATE cases SET title = coalesce(?3, title),"
                              " description = coalesce(?4, description), priority = coalesce(?5, priority),"
                              " status = coalesce(?6, status),"
                              " assignee = CASE WHEN ?7 IS NULL THEN assignee WHEN ?7 = '' THEN NULL ELSE ?7 END,"
                              " due = coalesce(?8, due), updated = ?9 WHERE tenant_id = ?1 AND id = ?2",
                           &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, id);
        msoc_soc__bind_text(st, 3, p->title);
        msoc_soc__bind_text(st, 4, p->description);
        msoc_soc__bind_text(st, 5, p->priority);
        msoc_soc__bind_text(st, 6, p->status);
        msoc_soc__bind_text(st, 7, p->assignee);
        if (p->due != MSOC_TIME_NULL && p->due != 0)
            sqlite3_bind_int64(st, 8, p->due);
        sqlite3_bind_int64(st, 9, msoc_datetime_now());
        r = msoc_soc__step_done(s, st, "case", err);
        if (r == MSOC_OK && sqlite3_changes(s->db) == 0)
            r = msoc_fail(err, MSOC_NOTFOUND, "no case %lld in tenant %.40s", (long long)id, tenant_id);
    }
    for (size_t i = 0; r == MSOC_OK && i < p->n_link; i++)
        r = link_incident(s, tenant_id, id, p->link_incidents[i], err);
    char text[512];
    snprintf(text, sizeof text, "updated%s%s%s%s%s%s%s", p->title ? " title" : "",
             p->description ? " description" : "", p->priority ? " priority" : "",
             p->status ? " status" : "", p->assignee ? " assignee" : "",
             p->due != MSOC_TIME_NULL && p->due != 0 ? " due date" : "",
             p->n_link ? " linked incidents" : "");
    if (r == MSOC_OK)
        r = activity(s, tenant_id, id, actor, text, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    return r;
}

static void read_case_activity_row(sqlite3_stmt *st, msoc_arena *a, void *row)
{
    msoc_soc_activity *x = row;
    x->at = sqlite3_column_int64(st, 0);
    x->actor = msoc_soc__col_text(st, 1, a, true);
    x->text = msoc_soc__col_text(st, 2, a, true);
}

msoc_status msoc_soc_case_activity(msoc_soc *s, const msoc_soc_scope *scope, const char *tenant_id,
                                   int64_t id, msoc_arena *a, msoc_soc_activity **out,
                                   size_t *n_out, msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = tenant_ok(s, scope, tenant_id, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "SELECT at, actor, text FROM case_activity WHERE tenant_id = ?1"
                              " AND case_id = ?2 ORDER BY id", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, id);
        void *rows;
        r = msoc_soc__collect(s, st, a, sizeof(msoc_soc_activity), read_case_activity_row, &rows, n_out, err);
        *out = rows;
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_case_statuses(msoc_soc *s, const msoc_soc_scope *scope, const char *tenant_id,
                                   msoc_arena *a, const char ***out, size_t *n_out,
                                   msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = tenant_ok(s, scope, tenant_id, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "SELECT name FROM case_statuses WHERE tenant_id = ?1 ORDER BY ord", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
        const char **v = msoc_arena_calloc(a, 64, sizeof *v);
        size_t n = 0;
        while (v && n < 64 && sqlite3_step(st) == SQLITE_ROW)
            v[n++] = msoc_soc__col_text(st, 0, a, true);
        sqlite3_finalize(st);
        if (!v)
            r = msoc_arena_fail(a, err);
        *out = v;
        *n_out = n;
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_case_statuses_set(msoc_soc *s, const msoc_soc_scope *scope,
                                       const char *tenant_id, const char *const *names, size_t n,
                                       const char *actor, msoc_error *err)
{
    if (n == 0 || n > 64)
        return msoc_fail(err, MSOC_INVALID, "a tenant needs between 1 and 64 case statuses");
    for (size_t i = 0; i < n; i++) {
        msoc_status r = msoc_soc__check_text("case status", names[i], 64, true, err);
        if (r != MSOC_OK)
            return r;
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return msoc_fail(err, MSOC_INVALID, "case status '%s' is listed twice", names[i]);
    }
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = tenant_ok(s, scope, tenant_id, err);
    /* A status still used by a case cannot be dropped. */
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "SELECT DISTINCT status FROM cases WHERE tenant_id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
        while (r == MSOC_OK && sqlite3_step(st) == SQLITE_ROW) {
            const char *used = (const char *)sqlite3_column_text(st, 0);
            bool kept = false;
            for (size_t i = 0; i < n && !kept; i++)
                kept = strcmp(names[i], used) == 0;
            if (!kept)
                r = msoc_fail(err, MSOC_CONFLICT, "case status '%.60s' is still used by cases", used);
        }
        sqlite3_finalize(st);
    }
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "DELETE FROM case_statuses WHERE tenant_id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
        r = msoc_soc__step_done(s, st, "case statuses", err);
    }
    for (size_t i = 0; r == MSOC_OK && i < n; i++) {
        r = msoc_soc__prep(s, "INSERT INTO case_statuses VALUES(?1,?2,?3)", &st, err);
        if (r != MSOC_OK)
            break;
        sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        sqlite3_bind_text(st, 3, names[i], -1, SQLITE_STATIC);
        r = msoc_soc__step_done(s, st, "case statuses", err);
    }
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, tenant_id, "tenant", tenant_id, "case_statuses", NULL, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    return r;
}

/* ---- tasks ---------------------------------------------------------------------------------------- */

static msoc_status case_exists(msoc_soc *s, const char *tenant_id, int64_t case_id, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT 1 FROM cases WHERE tenant_id = ?1 AND id = ?2", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, case_id);
    if (sqlite3_step(st) != SQLITE_ROW)
        r = msoc_fail(err, MSOC_NOTFOUND, "no case %lld in tenant %.40s", (long long)case_id, tenant_id);
    sqlite3_finalize(st);
    return r;
}

msoc_status msoc_soc_task_add(msoc_soc *s, const msoc_soc_scope *scope, const msoc_soc_task *in,
                              const char *actor, int64_t *id_out, msoc_error *err)
{
    msoc_status r = msoc_soc__check_text("name", in->name, 1024, true, err);
    if (r == MSOC_OK)
        r = msoc_soc_enum_check("status", msoc_soc_task_status_values, in->status ? in->status : "New", err);
    if (r == MSOC_OK)
        r = msoc_soc_enum_check("priority", msoc_soc_case_priority_values,
                                in->priority ? in->priority : "Medium", err);
    if (r != MSOC_OK)
        return r;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = tenant_ok(s, scope, in->tenant_id, err);
    if (r == MSOC_OK)
        r = case_exists(s, in->tenant_id, in->case_id, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "INSERT INTO tasks(tenant_id, case_id, name, status, priority, owner, due,"
                              " description, closing_notes) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)", &st, err);
    int64_t id = 0;
    if (r == MSOC_OK) {
        msoc_soc__bind_text(st, 1, in->tenant_id);
        sqlite3_bind_int64(st, 2, in->case_id);
        msoc_soc__bind_text(st, 3, in->name);
        msoc_soc__bind_text(st, 4, in->status ? in->status : "New");
        msoc_soc__bind_text(st, 5, in->priority ? in->priority : "Medium");
        msoc_soc__bind_text(st, 6, in->owner);
        if (in->due != MSOC_TIME_NULL && in->due != 0)
            sqlite3_bind_int64(st, 7, in->due);
        msoc_soc__bind_text(st, 8, in->description);
        msoc_soc__bind_text(st, 9, in->closing_notes);
        r = msoc_soc__step_done(s, st, "task", err);
        id = sqlite3_last_insert_rowid(s->db);
    }
    char text[1200];
    snprintf(text, sizeof text, "added task '%.1000s'", in->name);
    if (r == MSOC_OK)
        r = activity(s, in->tenant_id, in->case_id, actor, text, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    if (r == MSOC_OK && id_out)
        *id_out = id;
    return r;
}

msoc_status msoc_soc_task_patch_apply(msoc_soc *s, const msoc_soc_scope *scope,
                                      const char *tenant_id, int64_t case_id, int64_t task_id,
                                      const msoc_soc_task_patch *p, const char *actor,
                                      msoc_error *err)
{
    msoc_status r = MSOC_OK;
    if (p->name)
        r = msoc_soc__check_text("name", p->name, 1024, true, err);
    if (r == MSOC_OK && p->status)
        r = msoc_soc_enum_check("status", msoc_soc_task_status_values, p->status, err);
    if (r == MSOC_OK && p->priority)
        r = msoc_soc_enum_check("priority", msoc_soc_case_priority_values, p->priority, err);
    if (r != MSOC_OK)
        return r;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = tenant_ok(s, scope, tenant_id, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "UPDATE tasks SET name = coalesce(?4, name), status = coalesce(?5, status),"
                              " priority = coalesce(?6, priority), owner = coalesce(?7, owner),"
                              " description = coalesce(?8, description),"
                              " closing_notes = coalesce(?9, closing_notes), due = coalesce(?10, due)"
                              " WHERE tenant_id = ?1 AND case_id = ?2 AND id = ?3", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, case_id);
        sqlite3_bind_int64(st, 3, task_id);
        msoc_soc__bind_text(st, 4, p->name);
        msoc_soc__bind_text(st, 5, p->status);
        msoc_soc__bind_text(st, 6, p->priority);
        msoc_soc__bind_text(st, 7, p->owner);
        msoc_soc__bind_text(st, 8, p->description);
        msoc_soc__bind_text(st, 9, p->closing_notes);
        if (p->due != MSOC_TIME_NULL && p->due != 0)
            sqlite3_bind_int64(st, 10, p->due);
        r = msoc_soc__step_done(s, st, "task", err);
        if (r == MSOC_OK && sqlite3_changes(s->db) == 0)
            r = msoc_fail(err, MSOC_NOTFOUND, "no task %lld in case %lld", (long long)task_id,
                          (long long)case_id);
    }
    char text[128];
    snprintf(text, sizeof text, "updated task %lld%s%.40s", (long long)task_id,
             p->status ? ": status " : "", p->status ? p->status : "");
    if (r == MSOC_OK)
        r = activity(s, tenant_id, case_id, actor, text, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    return r;
}

static void read_task_row(sqlite3_stmt *st, msoc_arena *a, void *row)
{
    msoc_soc_task *t = row;
    t->id = sqlite3_column_int64(st, 0);
    t->tenant_id = msoc_soc__col_text(st, 1, a, true);
    t->case_id = sqlite3_column_int64(st, 2);
    t->name = msoc_soc__col_text(st, 3, a, true);
    t->status = msoc_soc__col_text(st, 4, a, true);
    t->priority = msoc_soc__col_text(st, 5, a, true);
    t->owner = msoc_soc__col_text(st, 6, a, false);
    t->due = sqlite3_column_type(st, 7) == SQLITE_NULL ? MSOC_TIME_NULL : sqlite3_column_int64(st, 7);
    t->description = msoc_soc__col_text(st, 8, a, false);
    t->closing_notes = msoc_soc__col_text(st, 9, a, false);
}

msoc_status msoc_soc_task_list(msoc_soc *s, const msoc_soc_scope *scope, const char *tenant_id,
                               int64_t case_id, msoc_arena *a, msoc_soc_task **out, size_t *n_out,
                               msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = tenant_ok(s, scope, tenant_id, err);
    if (r == MSOC_OK)
        r = case_exists(s, tenant_id, case_id, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "SELECT id, tenant_id, case_id, name, status, priority, owner, due,"
                              " description, closing_notes FROM tasks WHERE tenant_id = ?1 AND case_id = ?2"
                              " ORDER BY id", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, case_id);
        void *rows;
        r = msoc_soc__collect(s, st, a, sizeof(msoc_soc_task), read_task_row, &rows, n_out, err);
        *out = rows;
    }
    msoc_soc__unlock(s);
    return r;
}

/* ---- saved hunting queries ------------------------------------------------------------------------------ */

msoc_status msoc_soc_query_save(msoc_soc *s, const msoc_soc_scope *scope, bool shared_ok,
                                const msoc_soc_saved_query *in, const char *actor,
                                int64_t *id_out, msoc_error *err)
{
    msoc_status r = msoc_soc__check_text("name", in->name, 256, true, err);
    if (r == MSOC_OK)
        r = msoc_soc__check_text("query", in->query, 1 << 20, true, err);
    if (r == MSOC_OK)
        r = msoc_soc__check_text("description", in->description, 65536, false, err);
    if (r == MSOC_OK && !in->tenant_id && !shared_ok)
        r = msoc_fail(err, MSOC_FORBID, "saving a shared query needs the admin role");
    if (r != MSOC_OK)
        return r;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    r = msoc_soc__begin(s, err);
    if (r == MSOC_OK && in->tenant_id)
        r = tenant_ok(s, scope, in->tenant_id, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "INSERT INTO saved_queries(tenant_id, name, query, description, created_by,"
                              " created, updated) VALUES(?1,?2,?3,?4,?5,?6,?6)", &st, err);
    int64_t id = 0;
    if (r == MSOC_OK) {
        msoc_soc__bind_text(st, 1, in->tenant_id);
        msoc_soc__bind_text(st, 2, in->name);
        msoc_soc__bind_text(st, 3, in->query);
        msoc_soc__bind_text(st, 4, in->description);
        msoc_soc__bind_text(st, 5, actor ? actor : "system");
        sqlite3_bind_int64(st, 6, msoc_datetime_now());
        r = msoc_soc__step_done(s, st, "saved query", err);
        id = sqlite3_last_insert_rowid(s->db);
    }
    char obj[24];
    snprintf(obj, sizeof obj, "%lld", (long long)id);
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, in->tenant_id ? in->tenant_id : "", "saved_query", obj, "create",
                            NULL, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    if (r == MSOC_OK && id_out)
        *id_out = id;
    return r;
}

static void read_query_row(sqlite3_stmt *st, msoc_arena *a, void *row)
{
    msoc_soc_saved_query *q = row;
    q->id = sqlite3_column_int64(st, 0);
    q->tenant_id = msoc_soc__col_text(st, 1, a, false);
    q->name = msoc_soc__col_text(st, 2, a, true);
    q->query = msoc_soc__col_text(st, 3, a, true);
    q->description = msoc_soc__col_text(st, 4, a, false);
    q->created_by = msoc_soc__col_text(st, 5, a, true);
    q->created = sqlite3_column_int64(st, 6);
    q->updated = sqlite3_column_int64(st, 7);
}

msoc_status msoc_soc_query_list(msoc_soc *s, const msoc_soc_scope *scope, msoc_arena *a,
                                msoc_soc_saved_query **out, size_t *n_out, msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    msoc_buf sql;
    msoc_buf_init(&sql, 1 << 20);
    msoc_buf_append_c(&sql, "SELECT id, tenant_id, name, query, description, created_by, created, updated"
                            " FROM saved_queries WHERE tenant_id IS NULL OR (1");
    msoc_soc__scope_sql(&sql, "tenant_id", scope, 1);
    msoc_buf_append_c(&sql, ") ORDER BY name, id");
    s = msoc_soc__read_lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, sql.data, &st, err);
    msoc_buf_fini(&sql);
    if (r == MSOC_OK) {
        msoc_soc__scope_bind(st, 1, scope);
        void *rows;
        r = msoc_soc__collect(s, st, a, sizeof(msoc_soc_saved_query), read_query_row, &rows, n_out, err);
        *out = rows;
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_query_remove(msoc_soc *s, const msoc_soc_scope *scope, bool shared_ok,
                                  int64_t id, const char *actor, msoc_error *err)
{
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__begin(s, err);
    char tenant[40] = "";
    bool found = false;
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "SELECT tenant_id FROM saved_queries WHERE id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            found = true;
            if (sqlite3_column_type(st, 0) != SQLITE_NULL)
                snprintf(tenant, sizeof tenant, "%s", (const char *)sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
        if (!found || (*tenant && !msoc_soc_scope_has(scope, tenant)))
            r = msoc_fail(err, MSOC_NOTFOUND, "no saved query %lld", (long long)id);
        else if (!*tenant && !shared_ok)
            r = msoc_fail(err, MSOC_FORBID, "removing a shared query needs the admin role");
    }
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "DELETE FROM saved_queries WHERE id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, id);
        r = msoc_soc__step_done(s, st, "saved query", err);
    }
    char obj[24];
    snprintf(obj, sizeof obj, "%lld", (long long)id);
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, tenant, "saved_query", obj, "remove", NULL, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    return r;
}
