/* Tenants (with the cross-cloud rule and the tenant cap), workspaces (exactly one
 * primary each), users and grants, token and session records, tenant groups. */
#include <stdio.h>
#include <string.h>

#include "soc_int.h"

#define NAME_MAX_LEN 128

static msoc_status check_name(const char *field, const char *v, msoc_error *err)
{
    msoc_status r = msoc_soc__check_text(field, v, NAME_MAX_LEN, true, err);
    if (r != MSOC_OK)
        return r;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return msoc_fail(err, MSOC_INVALID, "%s contains a control character", field);
    return MSOC_OK;
}

static void read_tenant(sqlite3_stmt *st, msoc_arena *a, void *row)
{
    msoc_soc_tenant *t = row;
    t->id = msoc_soc__col_text(st, 0, a, true);
    t->name = msoc_soc__col_text(st, 1, a, true);
    t->domain = msoc_soc__col_text(st, 2, a, true);
    t->cloud = (msoc_soc_cloud)sqlite3_column_int(st, 3);
    t->status = msoc_soc__col_text(st, 4, a, true);
    t->created = sqlite3_column_int64(st, 5);
}

#define TENANT_COLS "id, name, domain, cloud, status, created"

static msoc_status insert_workspace(msoc_soc *s, const char *tenant_id, const char *name,
                                    bool is_primary, char id[37], msoc_error *err)
{
    msoc_soc__guid(id);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s,
        "INSERT INTO workspaces(id, tenant_id, name, is_primary, created) VALUES(?1,?2,?3,?4,?5)",
        &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, tenant_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, is_primary);
    sqlite3_bind_int64(st, 5, msoc_datetime_now());
    r = msoc_soc__step_done(s, st, "workspace", err);
    if (r == MSOC_CONFLICT) {
        msoc_error_clear(err);
        r = msoc_fail(err, MSOC_CONFLICT, "workspace '%s' already exists in this tenant", name);
    }
    return r;
}

msoc_status msoc_soc_tenant_add(msoc_soc *s, const char *id, const char *name, const char *domain,
                                msoc_soc_cloud cloud, const char *actor, msoc_arena *a,
                                msoc_soc_tenant *out, msoc_error *err)
{
    msoc_status r = check_name("tenant name", name, err);
    if (r == MSOC_OK)
        r = check_name("tenant domain", domain, err);
    if (r != MSOC_OK)
        return r;
    if (id && !msoc_soc__is_guid(id))
        return msoc_fail(err, MSOC_INVALID, "tenant id '%.60s' is not a GUID", id);
    if (msoc_soc__is_guid(name))
        return msoc_fail(err, MSOC_INVALID, "a tenant name must not be a GUID");
    if (!msoc_soc_cloud_can_manage(s->home, cloud))
        return msoc_fail(err, MSOC_FORBID,
                         "an instance in the %s cloud cannot manage a %s tenant (same cloud always;"
                         " DoD and GCC High manage each other; GCC manages Commercial)",
                         msoc_soc_cloud_str(s->home), msoc_soc_cloud_str(cloud));
    char gid[37], wid[37], lower[37];
    if (id) {
        for (int i = 0; i < 36; i++)
            lower[i] = msoc_ascii_lower(id[i]);
        lower[36] = 0;
    } else {
        msoc_soc__guid(lower);
    }
    memcpy(gid, lower, 37);
    msoc_soc__lock(s);
    sqlite3_stmt *st = NULL;
    r = msoc_soc__begin(s, err);
    if (r != MSOC_OK)
        goto out;
    r = msoc_soc__prep(s, "SELECT count(*) FROM tenants", &st, err);
    if (r != MSOC_OK)
        goto fail;
    sqlite3_step(st);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (n >= s->max_tenants) {
        r = msoc_fail(err, MSOC_LIMIT, "the instance already manages %d tenants, its maximum", n);
        goto fail;
    }
    r = msoc_soc__prep(s, "INSERT INTO tenants(" TENANT_COLS ") VALUES(?1,?2,?3,?4,'active',?5)", &st,
                       err);
    if (r != MSOC_OK)
        goto fail;
    sqlite3_bind_text(st, 1, gid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, domain, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, (int)cloud);
    msoc_datetime now = msoc_datetime_now();
    sqlite3_bind_int64(st, 5, now);
    r = msoc_soc__step_done(s, st, "tenant", err);
    if (r == MSOC_CONFLICT) {
        msoc_error_clear(err);
        r = msoc_fail(err, MSOC_CONFLICT, "a tenant named '%s' or with id %s already exists", name,
                      gid);
    }
    if (r != MSOC_OK)
        goto fail;
    char wname[NAME_MAX_LEN + 16];
    snprintf(wname, sizeof wname, "%s-primary", name);
    r = insert_workspace(s, gid, wname, true, wid, err);
    if (r != MSOC_OK)
        goto fail;
    static const char *const defaults[] = {"New", "Open", "Closed"};
    for (int i = 0; i < 3 && r == MSOC_OK; i++) {
        r = msoc_soc__prep(s, "INSERT INTO case_statuses VALUES(?1,?2,?3)", &st, err);
        if (r != MSOC_OK)
            break;
        sqlite3_bind_text(st, 1, gid, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, i);
        sqlite3_bind_text(st, 3, defaults[i], -1, SQLITE_STATIC);
        r = msoc_soc__step_done(s, st, "case statuses", err);
    }
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, gid, "tenant", gid, "create", NULL, err);
    if (r != MSOC_OK)
        goto fail;
    r = msoc_soc__commit(s, err);
    if (r == MSOC_OK && out) {
        out->id = msoc_arena_strndup(a, gid, 36);
        out->name = msoc_arena_strndup(a, name, strlen(name));
        out->domain = msoc_arena_strndup(a, domain, strlen(domain));
        out->cloud = cloud;
        out->status = "active";
        out->created = now;
    }
    goto out;
fail:
    msoc_soc__rollback(s);
out:
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_tenant_get(msoc_soc *s, const msoc_soc_scope *scope, const char *id_or_name,
                                msoc_arena *a, msoc_soc_tenant *out, msoc_error *err)
{
    s = msoc_soc__read_lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT " TENANT_COLS " FROM tenants WHERE id = lower(?1)"
                                      " OR name = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, id_or_name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            read_tenant(st, a, out);
            if (!msoc_soc_scope_has(scope, out->id))
                r = msoc_fail(err, MSOC_NOTFOUND, "no tenant '%.80s'", id_or_name);
        } else {
            r = msoc_fail(err, MSOC_NOTFOUND, "no tenant '%.80s'", id_or_name);
        }
        sqlite3_finalize(st);
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_tenant_list(msoc_soc *s, const msoc_soc_scope *scope, msoc_arena *a,
                                 msoc_soc_tenant **out, size_t *n_out, msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    msoc_buf sql;
    msoc_buf_init(&sql, 1 << 20);
    msoc_buf_append_c(&sql, "SELECT " TENANT_COLS " FROM tenants WHERE 1");
    msoc_soc__scope_sql(&sql, "id", scope, 1);
    msoc_buf_append_c(&sql, " ORDER BY name");
    s = msoc_soc__read_lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, sql.data, &st, err);
    msoc_buf_fini(&sql);
    if (r == MSOC_OK) {
        msoc_soc__scope_bind(st, 1, scope);
        void *rows;
        r = msoc_soc__collect(s, st, a, sizeof(msoc_soc_tenant), read_tenant, &rows, n_out, err);
        *out = rows;
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_tenant_ids(msoc_soc *s, msoc_arena *a, const char ***ids_out, size_t *n_out,
                                msoc_error *err)
{
    msoc_soc_tenant *t;
    size_t n;
    msoc_status r = msoc_soc_tenant_list(s, NULL, a, &t, &n, err);
    if (r != MSOC_OK)
        return r;
    const char **ids = msoc_arena_calloc(a, n + 1, sizeof *ids);
    if (!ids)
        return msoc_arena_fail(a, err);
    for (size_t i = 0; i < n; i++)
        ids[i] = t[i].id;
    *ids_out = ids;
    *n_out = n;
    return MSOC_OK;
}

msoc_status msoc_soc_tenant_set_status(msoc_soc *s, const char *tenant_id, const char *status,
                                       const char *actor, msoc_error *err)
{
    if (!status || (strcmp(status, "active") != 0 && strcmp(status, "disabled") != 0))
        return msoc_fail(err, MSOC_INVALID, "tenant status must be active or disabled");
    msoc_soc__lock(s);
    msoc_status r = msoc_soc__begin(s, err);
    sqlite3_stmt *st;
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "UPDATE tenants SET status = ?2 WHERE id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
        r = msoc_soc__step_done(s, st, "tenant status", err);
    }
    if (r == MSOC_OK && sqlite3_changes(s->db) == 0)
        r = msoc_fail(err, MSOC_NOTFOUND, "no tenant '%.80s'", tenant_id);
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, tenant_id, "tenant", tenant_id, "status", status, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    return r;
}

/* ---- workspaces ---------------------------------------------------------------------- */

static msoc_status tenant_in_scope(msoc_soc *s, const msoc_soc_scope *scope, const char *tenant_id,
                                   msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT 1 FROM tenants WHERE id = ?1", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!found || !msoc_soc_scope_has(scope, tenant_id))
        return msoc_fail(err, MSOC_NOTFOUND, "no tenant '%.80s'", tenant_id);
    return MSOC_OK;
}

msoc_status msoc_soc_workspace_add(msoc_soc *s, const msoc_soc_scope *scope, const char *tenant_id,
                                   const char *name, const char *actor, msoc_arena *a,
                                   msoc_soc_workspace *out, msoc_error *err)
{
    msoc_status r = check_name("workspace name", name, err);
    if (r != MSOC_OK)
        return r;
    char wid[37];
    msoc_soc__lock(s);
    r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = tenant_in_scope(s, scope, tenant_id, err);
    if (r == MSOC_OK)
        r = insert_workspace(s, tenant_id, name, false, wid, err);
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, tenant_id, "workspace", wid, "create", NULL, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    if (r == MSOC_OK && out) {
        out->id = msoc_arena_strndup(a, wid, 36);
        out->tenant_id = msoc_arena_strndup(a, tenant_id, strlen(tenant_id));
        out->name = msoc_arena_strndup(a, name, strlen(name));
        out->is_primary = false;
        out->created = msoc_datetime_now();
    }
    return r;
}

static msoc_status find_workspace(msoc_soc *s, const char *tenant_id, const char *ws, char id[37],
                                  bool *is_primary, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT id, is_primary FROM workspaces WHERE tenant_id = ?1"
                                      " AND (id = lower(?2) OR name = ?2)", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(id, 37, "%s", (const char *)sqlite3_column_text(st, 0));
        *is_primary = sqlite3_column_int(st, 1) != 0;
    } else {
        r = msoc_fail(err, MSOC_NOTFOUND, "no workspace '%.80s' in tenant %s", ws, tenant_id);
    }
    sqlite3_finalize(st);
    return r;
}

msoc_status msoc_soc_workspace_set_primary(msoc_soc *s, const msoc_soc_scope *scope,
                                           const char *tenant_id, const char *ws,
                                           const char *actor, msoc_error *err)
{
    char id[37];
    bool is_primary;
    msoc_soc__lock(s);
    msoc_status r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = tenant_in_scope(s, scope, tenant_id, err);
    if (r == MSOC_OK)
        r = find_workspace(s, tenant_id, ws, id, &is_primary, err);
    sqlite3_stmt *st;
    if (r == MSOC_OK && !is_primary) {
        r = msoc_soc__prep(s, "UPDATE workspaces SET is_primary = 0 WHERE tenant_id = ?1", &st, err);
        if (r == MSOC_OK) {
            sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_STATIC);
            r = msoc_soc__step_done(s, st, "workspace", err);
        }
        if (r == MSOC_OK)
            r = msoc_soc__prep(s, "UPDATE workspaces SET is_primary = 1 WHERE id = ?1", &st, err);
        if (r == MSOC_OK) {
            sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
            r = msoc_soc__step_done(s, st, "workspace", err);
        }
        if (r == MSOC_OK)
            r = msoc_soc__audit(s, actor, tenant_id, "workspace", id, "set_primary", NULL, err);
    }
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_workspace_remove(msoc_soc *s, const msoc_soc_scope *scope,
                                      const char *tenant_id, const char *ws, const char *actor,
                                      msoc_error *err)
{
    char id[37];
    bool is_primary;
    msoc_soc__lock(s);
    msoc_status r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = tenant_in_scope(s, scope, tenant_id, err);
    if (r == MSOC_OK)
        r = find_workspace(s, tenant_id, ws, id, &is_primary, err);
    if (r == MSOC_OK && is_primary)
        r = msoc_fail(err, MSOC_CONFLICT,
                      "workspace '%.80s' is the tenant's primary; make another primary first", ws);
    sqlite3_stmt *st;
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "DELETE FROM workspaces WHERE id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        r = msoc_soc__step_done(s, st, "workspace", err);
    }
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, tenant_id, "workspace", id, "remove", NULL, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    return r;
}

static void read_workspace_row(sqlite3_stmt *st, msoc_arena *a, void *row)
{
    msoc_soc_workspace *w = row;
    w->id = msoc_soc__col_text(st, 0, a, true);
    w->tenant_id = msoc_soc__col_text(st, 1, a, true);
    w->name = msoc_soc__col_text(st, 2, a, true);
    w->is_primary = sqlite3_column_int(st, 3) != 0;
    w->created = sqlite3_column_int64(st, 4);
}

msoc_status msoc_soc_workspace_list(msoc_soc *s, const msoc_soc_scope *scope, const char *tenant_id,
                                    msoc_arena *a, msoc_soc_workspace **out, size_t *n_out,
                                    msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    msoc_buf sql;
    msoc_buf_init(&sql, 1 << 20);
    msoc_buf_append_c(&sql, "SELECT id, tenant_id, name, is_primary, created FROM workspaces"
                            " WHERE (?1 IS NULL OR tenant_id = ?1)");
    msoc_soc__scope_sql(&sql, "tenant_id", scope, 2);
    msoc_buf_append_c(&sql, " ORDER BY tenant_id, is_primary DESC, name");
    s = msoc_soc__read_lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, sql.data, &st, err);
    msoc_buf_fini(&sql);
    if (r == MSOC_OK) {
        msoc_soc__bind_text(st, 1, tenant_id);
        msoc_soc__scope_bind(st, 2, scope);
        void *rows;
        r = msoc_soc__collect(s, st, a, sizeof(msoc_soc_workspace), read_workspace_row, &rows, n_out, err);
        *out = rows;
    }
    msoc_soc__unlock(s);
    return r;
}

/* ---- users and grants -------------------------------------------------------------------- */

msoc_status msoc_soc_user_add(msoc_soc *s, const char *name, const char *pwhash, bool is_admin,
                              const char *actor, int64_t *id_out, msoc_error *err)
{
    msoc_status r = check_name("user name", name, err);
    if (r != MSOC_OK)
        return r;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    int64_t uid = 0;
    r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "INSERT INTO users(name, pwhash, is_admin, created) VALUES(?1,?2,?3,?4)",
                           &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, pwhash ? pwhash : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, is_admin);
        sqlite3_bind_int64(st, 4, msoc_datetime_now());
        r = msoc_soc__step_done(s, st, "user", err);
        if (r == MSOC_CONFLICT) {
            msoc_error_clear(err);
            r = msoc_fail(err, MSOC_CONFLICT, "a user named '%s' already exists", name);
        }
        uid = sqlite3_last_insert_rowid(s->db);
    }
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "INSERT INTO groups(name, owner_user_id, is_private) VALUES(?1,?2,1)",
                           &st, err);
    if (r == MSOC_OK) {
        char gname[NAME_MAX_LEN + 16];
        snprintf(gname, sizeof gname, "%s (private)", name);
        sqlite3_bind_text(st, 1, gname, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, uid);
        r = msoc_soc__step_done(s, st, "group", err);
    }
    char idbuf[24];
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)uid);
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, "", "user", idbuf, "create", is_admin ? "{\"admin\":true}" : NULL,
                            err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    if (r == MSOC_OK && id_out)
        *id_out = uid;
    return r;
}

static msoc_status user_query(msoc_soc *s, const char *name, int64_t id, msoc_arena *a,
                              msoc_soc_user *out, msoc_error *err)
{
    s = msoc_soc__read_lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, name ? "SELECT id, name, pwhash, is_admin, is_disabled, created"
                                             " FROM users WHERE name = ?1"
                                           : "SELECT id, name, pwhash, is_admin, is_disabled, created"
                                             " FROM users WHERE id = ?2", &st, err);
    if (r == MSOC_OK) {
        if (name)
            sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, 2, id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            out->id = sqlite3_column_int64(st, 0);
            out->name = msoc_soc__col_text(st, 1, a, true);
            out->pwhash = msoc_soc__col_text(st, 2, a, true);
            out->is_admin = sqlite3_column_int(st, 3) != 0;
            out->is_disabled = sqlite3_column_int(st, 4) != 0;
            out->created = sqlite3_column_int64(st, 5);
        } else if (name) {
            r = msoc_fail(err, MSOC_NOTFOUND, "no user '%.80s'", name);
        } else {
            r = msoc_fail(err, MSOC_NOTFOUND, "no user with id %lld", (long long)id);
        }
        sqlite3_finalize(st);
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_user_get(msoc_soc *s, const char *name, msoc_arena *a, msoc_soc_user *out,
                              msoc_error *err)
{
    return user_query(s, name ? name : "", 0, a, out, err);
}

msoc_status msoc_soc_user_get_id(msoc_soc *s, int64_t id, msoc_arena *a, msoc_soc_user *out,
                                 msoc_error *err)
{
    return user_query(s, NULL, id, a, out, err);
}

static void read_user_row(sqlite3_stmt *st, msoc_arena *a, void *row)
{
    msoc_soc_user *u = row;
    u->id = sqlite3_column_int64(st, 0);
    u->name = msoc_soc__col_text(st, 1, a, true);
    u->pwhash = "";
    u->is_admin = sqlite3_column_int(st, 2) != 0;
    u->is_disabled = sqlite3_column_int(st, 3) != 0;
    u->created = sqlite3_column_int64(st, 4);
}

msoc_status msoc_soc_user_list(msoc_soc *s, msoc_arena *a, msoc_soc_user **out, size_t *n_out,
                               msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT id, name, is_admin, is_disabled, created FROM users"
                                      " ORDER BY name", &st, err);
    if (r == MSOC_OK) {
        void *rows;
        r = msoc_soc__collect(s, st, a, sizeof(msoc_soc_user), read_user_row, &rows, n_out, err);
        *out = rows;
    }
    msoc_soc__unlock(s);
    return r;
}

/* Runs one parameterised write plus an audit record in a transaction. */
static msoc_status simple_write(msoc_soc *s, sqlite3_stmt *st, const char *what, bool need_change,
                                const char *notfound, const char *actor, const char *tenant,
                                const char *kind, const char *obj, const char *action,
                                msoc_error *err)
{
    msoc_status r = msoc_soc__step_done(s, st, what, err);
    if (r == MSOC_OK && need_change && sqlite3_changes(s->db) == 0)
        r = msoc_fail(err, MSOC_NOTFOUND, "%s", notfound);
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, tenant, kind, obj, action, NULL, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    return r;
}

msoc_status msoc_soc_user_set_password(msoc_soc *s, int64_t user_id, const char *pwhash,
                                       const char *actor, msoc_error *err)
{
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "UPDATE users SET pwhash = ?2 WHERE id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, user_id);
        sqlite3_bind_text(st, 2, pwhash, -1, SQLITE_STATIC);
        char idbuf[24];
        snprintf(idbuf, sizeof idbuf, "%lld", (long long)user_id);
        r = simple_write(s, st, "user", true, "no such user", actor, "", "user", idbuf, "password",
                         err);
    } else {
        msoc_soc__rollback(s);
    }
    msoc_soc__unlock(s);
    return r;
}

/* True when user_id is the only enabled instance admin (under the lock). */
static bool is_last_admin(msoc_soc *s, int64_t user_id)
{
    sqlite3_stmt *st;
    msoc_error e;
    msoc_error_clear(&e);
    if (msoc_soc__prep(s, "SELECT (SELECT is_admin AND NOT is_disabled FROM users WHERE id = ?1),"
                          " (SELECT count(*) FROM users WHERE is_admin = 1 AND is_disabled = 0)", &st, &e) != MSOC_OK)
        return false;
    sqlite3_bind_int64(st, 1, user_id);
    bool last = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1 && sqlite3_column_int(st, 1) == 1;
    sqlite3_finalize(st);
    return last;
}

msoc_status msoc_soc_user_set_disabled(msoc_soc *s, int64_t user_id, bool is_disabled, const char *actor,
                                       msoc_error *err)
{
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__begin(s, err);
    if (r == MSOC_OK && is_disabled && is_last_admin(s, user_id))
        r = msoc_fail(err, MSOC_CONFLICT, "user %lld is the last enabled instance admin: enable or add another first",
                      (long long)user_id);
    /* Sessions end with the disablement; tokens stay (revocable, and refused while
     * the user is disabled) so enabling the user restores its automation. */
    if (r == MSOC_OK && is_disabled)
        r = msoc_soc__prep(s, "DELETE FROM sessions WHERE user_id = ?1", &st, err);
    if (r == MSOC_OK && is_disabled) {
        sqlite3_bind_int64(st, 1, user_id);
        r = msoc_soc__step_done(s, st, "sessions", err);
    }
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "UPDATE users SET is_disabled = ?2 WHERE id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, user_id);
        sqlite3_bind_int(st, 2, is_disabled);
        char idbuf[24];
        snprintf(idbuf, sizeof idbuf, "%lld", (long long)user_id);
        r = simple_write(s, st, "user", true, "no such user", actor, "", "user", idbuf,
                         is_disabled ? "disable" : "enable", err);
    } else {
        msoc_soc__rollback(s);
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_user_remove(msoc_soc *s, int64_t user_id, const char *actor, msoc_error *err)
{
    static const char *const steps[] = {
        "DELETE FROM sessions WHERE user_id = ?1",
        "DELETE FROM tokens WHERE user_id = ?1",
        "DELETE FROM grants WHERE user_id = ?1",
        "DELETE FROM group_tenants WHERE group_id IN (SELECT id FROM groups WHERE owner_user_id = ?1)",
        "DELETE FROM groups WHERE owner_user_id = ?1",
        "DELETE FROM users WHERE id = ?1",
    };
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__begin(s, err);
    if (r == MSOC_OK && is_last_admin(s, user_id))
        r = msoc_fail(err, MSOC_CONFLICT, "user %lld is the last enabled instance admin: add another first",
                      (long long)user_id);
    for (size_t i = 0; r == MSOC_OK && i < sizeof steps / sizeof steps[0]; i++) {
        r = msoc_soc__prep(s, steps[i], &st, err);
        if (r != MSOC_OK)
            break;
        sqlite3_bind_int64(st, 1, user_id);
        r = msoc_soc__step_done(s, st, "user", err);
        if (r == MSOC_OK && i + 1 == sizeof steps / sizeof steps[0] && sqlite3_changes(s->db) == 0)
            r = msoc_fail(err, MSOC_NOTFOUND, "no user with id %lld", (long long)user_id);
    }
    char idbuf[24];
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)user_id);
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, "", "user", idbuf, "remove", NULL, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_grant_set(msoc_soc *s, int64_t user_id, const char *tenant_id,
                               msoc_soc_role role, const char *actor, msoc_error *err)
{
    if (role == MSOC_SOC_ROLE_INGEST)
        return msoc_fail(err, MSOC_INVALID,
                         "'ingest' is a token role, not a grant: grant admin and create a token with --role ingest");
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = tenant_in_scope(s, NULL, tenant_id, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, role == MSOC_SOC_ROLE_NONE
                                  ? "DELETE FROM grants WHERE user_id = ?1 AND tenant_id = ?2"
                                  : "INSERT INTO grants VALUES(?1,?2,?3) ON CONFLICT(user_id, tenant_id)"
                                    " DO UPDATE SET role = excluded.role", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, user_id);
        sqlite3_bind_text(st, 2, tenant_id, -1, SQLITE_STATIC);
        if (role != MSOC_SOC_ROLE_NONE)
            sqlite3_bind_int(st, 3, (int)role);
        char obj[64];
        snprintf(obj, sizeof obj, "%lld:%s", (long long)user_id, msoc_soc_role_str(role));
        r = simple_write(s, st, "grant", false, "", actor, tenant_id, "grant", obj, "set", err);
    } else {
        msoc_soc__rollback(s);
    }
    msoc_soc__unlock(s);
    return r;
}

static void read_grant_row(sqlite3_stmt *st, msoc_arena *a, void *row)
{
    msoc_soc_grant *g = row;
    g->user_id = sqlite3_column_int64(st, 0);
    g->user_name = msoc_soc__col_text(st, 1, a, true);
    g->tenant_id = msoc_soc__col_text(st, 2, a, true);
    g->role = (msoc_soc_role)sqlite3_column_int(st, 3);
}

msoc_status msoc_soc_grant_list(msoc_soc *s, const msoc_soc_scope *scope, int64_t user_id,
                                msoc_arena *a, msoc_soc_grant **out, size_t *n_out,
                                msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    msoc_buf sql;
    msoc_buf_init(&sql, 1 << 20);
    msoc_buf_append_c(&sql, "SELECT g.user_id, u.name, g.tenant_id, g.role FROM grants g"
                            " JOIN users u ON u.id = g.user_id WHERE (?1 = 0 OR g.user_id = ?1)");
    msoc_soc__scope_sql(&sql, "g.tenant_id", scope, 2);
    msoc_buf_append_c(&sql, " ORDER BY u.name, g.tenant_id");
    s = msoc_soc__read_lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, sql.data, &st, err);
    msoc_buf_fini(&sql);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, user_id);
        msoc_soc__scope_bind(st, 2, scope);
        void *rows;
        r = msoc_soc__collect(s, st, a, sizeof(msoc_soc_grant), read_grant_row, &rows, n_out, err);
        *out = rows;
    }
    msoc_soc__unlock(s);
    return r;
}

/* ---- tokens and sessions -------------------------------------------------------------------- */

#define TOKEN_COLS "id, user_id, name, role, tenants, expires, revoked, created"

static void read_token(sqlite3_stmt *st, msoc_arena *a, void *row)
{
    msoc_soc_token *t = row;
    t->id = sqlite3_column_int64(st, 0);
    t->user_id = sqlite3_column_int64(st, 1);
    t->name = msoc_soc__col_text(st, 2, a, true);
    t->role = (msoc_soc_role)sqlite3_column_int(st, 3);
    t->tenants = msoc_soc__col_text(st, 4, a, true);
    t->expires = sqlite3_column_type(st, 5) == SQLITE_NULL ? MSOC_TIME_NULL
                                                            : sqlite3_column_int64(st, 5);
    t->is_revoked = sqlite3_column_int(st, 6) != 0;
    t->created = sqlite3_column_int64(st, 7);
}

msoc_status msoc_soc_token_add(msoc_soc *s, const msoc_soc_token *t, const uint8_t *hash,
                               size_t hash_len, const char *actor, int64_t *id_out,
                               msoc_error *err)
{
    msoc_status r = check_name("token name", t->name, err);
    if (r != MSOC_OK)
        return r;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "INSERT INTO tokens(user_id, hash, name, role, tenants, expires, created)"
                              " VALUES(?1,?2,?3,?4,?5,?6,?7)", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, t->user_id);
        sqlite3_bind_blob(st, 2, hash, (int)hash_len, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, (int)t->role);
        sqlite3_bind_text(st, 5, t->tenants ? t->tenants : "", -1, SQLITE_STATIC);
        if (t->expires == MSOC_TIME_NULL)
            sqlite3_bind_null(st, 6);
        else
            sqlite3_bind_int64(st, 6, t->expires);
        sqlite3_bind_int64(st, 7, msoc_datetime_now());
        r = msoc_soc__step_done(s, st, "token", err);
    }
    int64_t id = sqlite3_last_insert_rowid(s->db);
    char obj[24];
    snprintf(obj, sizeof obj, "%lld", (long long)id);
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, "", "token", obj, "create", NULL, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    if (r == MSOC_OK && id_out)
        *id_out = id;
    return r;
}

msoc_status msoc_soc_token_find(msoc_soc *s, const uint8_t *hash, size_t hash_len, msoc_arena *a,
                                msoc_soc_token *out, msoc_error *err)
{
    s = msoc_soc__read_lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT " TOKEN_COLS " FROM tokens WHERE hash = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_blob(st, 1, hash, (int)hash_len, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            read_token(st, a, out);
        else
            r = msoc_fail(err, MSOC_UNAUTH, "unknown token");
        sqlite3_finalize(st);
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_token_list(msoc_soc *s, int64_t user_id, msoc_arena *a, msoc_soc_token **out,
                                size_t *n_out, msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT " TOKEN_COLS " FROM tokens WHERE ?1 = 0 OR user_id = ?1"
                                      " ORDER BY id", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, user_id);
        void *rows;
        r = msoc_soc__collect(s, st, a, sizeof(msoc_soc_token), read_token, &rows, n_out, err);
        *out = rows;
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_token_revoke(msoc_soc *s, int64_t token_id, int64_t user_id,
                                  const char *actor, msoc_error *err)
{
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "UPDATE tokens SET revoked = 1 WHERE id = ?1 AND (?2 = 0 OR user_id = ?2)",
                           &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, token_id);
        sqlite3_bind_int64(st, 2, user_id);
        char obj[24];
        snprintf(obj, sizeof obj, "%lld", (long long)token_id);
        r = simple_write(s, st, "token", true, "no such token", actor, "", "token", obj, "revoke",
                         err);
    } else {
        msoc_soc__rollback(s);
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_session_add(msoc_soc *s, const uint8_t *hash, size_t hash_len,
                                 int64_t user_id, const char *csrf, msoc_datetime expires,
                                 msoc_error *err)
{
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "INSERT INTO sessions VALUES(?1,?2,?3,?4)", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_blob(st, 1, hash, (int)hash_len, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, user_id);
        sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, expires);
        r = msoc_soc__step_done(s, st, "session", err);
    }
    /* Expired sessions are swept as new ones are made. */
    if (r == MSOC_OK && msoc_soc__prep(s, "DELETE FROM sessions WHERE expires < ?1", &st, NULL) == MSOC_OK) {
        sqlite3_bind_int64(st, 1, msoc_datetime_now());
        msoc_soc__step_done(s, st, "session sweep", NULL);
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_session_find(msoc_soc *s, const uint8_t *hash, size_t hash_len,
                                  msoc_arena *a, int64_t *user_id_out, const char **csrf_out,
                                  msoc_error *err)
{
    s = msoc_soc__read_lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT user_id, csrf FROM sessions WHERE hash = ?1"
                                      " AND expires > ?2", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_blob(st, 1, hash, (int)hash_len, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, msoc_datetime_now());
        if (sqlite3_step(st) == SQLITE_ROW) {
            *user_id_out = sqlite3_column_int64(st, 0);
            *csrf_out = msoc_soc__col_text(st, 1, a, true);
        } else {
            r = msoc_fail(err, MSOC_UNAUTH, "the session has expired or was signed out");
        }
        sqlite3_finalize(st);
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_session_remove(msoc_soc *s, const uint8_t *hash, size_t hash_len,
                                    msoc_error *err)
{
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "DELETE FROM sessions WHERE hash = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_blob(st, 1, hash, (int)hash_len, SQLITE_STATIC);
        r = msoc_soc__step_done(s, st, "session", err);
    }
    msoc_soc__unlock(s);
    return r;
}

/* ---- tenant groups ---------------------------------------------------------------------------- */

msoc_status msoc_soc_group_add(msoc_soc *s, const char *name, int64_t owner_user_id,
                               const char *actor, int64_t *id_out, msoc_error *err)
{
    msoc_status r = check_name("group name", name, err);
    if (r != MSOC_OK)
        return r;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "INSERT INTO groups(name, owner_user_id, is_private) VALUES(?1,?2,0)",
                           &st, err);
    int64_t id = 0;
    if (r == MSOC_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        if (owner_user_id)
            sqlite3_bind_int64(st, 2, owner_user_id);
        else
            sqlite3_bind_null(st, 2);
        r = msoc_soc__step_done(s, st, "group", err);
        id = sqlite3_last_insert_rowid(s->db);
    }
    char obj[24];
    snprintf(obj, sizeof obj, "%lld", (long long)id);
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, "", "group", obj, "create", NULL, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    if (r == MSOC_OK && id_out)
        *id_out = id;
    return r;
}

static void read_text_row(sqlite3_stmt *st, msoc_arena *a, void *row)
{
    *(const char **)row = msoc_soc__col_text(st, 0, a, true);
}

static msoc_status group_members(msoc_soc *s, msoc_arena *a, msoc_soc_group *g, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT tenant_id FROM group_tenants WHERE group_id = ?1"
                                      " ORDER BY tenant_id", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_int64(st, 1, g->id);
    void *rows;
    r = msoc_soc__collect(s, st, a, sizeof(const char *), read_text_row, &rows, &g->n_tenants, err);
    g->tenant_ids = rows;
    return r;
}

static void read_group(sqlite3_stmt *st, msoc_arena *a, void *row)
{
    msoc_soc_group *g = row;
    g->id = sqlite3_column_int64(st, 0);
    g->name = msoc_soc__col_text(st, 1, a, true);
    g->owner_user_id = sqlite3_column_int64(st, 2);
    g->is_private = sqlite3_column_int(st, 3) != 0;
}

msoc_status msoc_soc_group_list(msoc_soc *s, int64_t user_id, msoc_arena *a, msoc_soc_group **out,
                                size_t *n_out, msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT id, name, owner_user_id, is_private FROM groups"
                                      " WHERE ?1 = 0 OR owner_user_id IS NULL OR owner_user_id = ?1"
                                      " ORDER BY id", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, user_id);
        size_t n;
        void *rows;
        r = msoc_soc__collect(s, st, a, sizeof(msoc_soc_group), read_group, &rows, &n, err);
        msoc_soc_group *v = rows;
        for (size_t i = 0; r == MSOC_OK && i < n; i++)
            r = group_members(s, a, &v[i], err);
        *out = v;
        *n_out = n;
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_group_get(msoc_soc *s, int64_t group_id, msoc_arena *a, msoc_soc_group *out,
                               msoc_error *err)
{
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "SELECT id, name, owner_user_id, is_private FROM groups"
                                      " WHERE id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, group_id);
        if (sqlite3_step(st) == SQLITE_ROW)
            read_group(st, a, out);
        else
            r = msoc_fail(err, MSOC_NOTFOUND, "no tenant group %lld", (long long)group_id);
        sqlite3_finalize(st);
        if (r == MSOC_OK)
            r = group_members(s, a, out, err);
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_group_set_tenants(msoc_soc *s, int64_t group_id, const char *const *tenant_ids,
                                       size_t n, const char *actor, msoc_error *err)
{
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "DELETE FROM group_tenants WHERE group_id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, group_id);
        r = msoc_soc__step_done(s, st, "group", err);
    }
    for (size_t i = 0; r == MSOC_OK && i < n; i++) {
        r = tenant_in_scope(s, NULL, tenant_ids[i], err);
        if (r == MSOC_OK)
            r = msoc_soc__prep(s, "INSERT OR IGNORE INTO group_tenants VALUES(?1,?2)", &st, err);
        if (r == MSOC_OK) {
            sqlite3_bind_int64(st, 1, group_id);
            sqlite3_bind_text(st, 2, tenant_ids[i], -1, SQLITE_STATIC);
            r = msoc_soc__step_done(s, st, "group", err);
        }
    }
    if (r == MSOC_OK && msoc_soc__prep(s, "SELECT 1 FROM groups WHERE id = ?1", &st, err) == MSOC_OK) {
        sqlite3_bind_int64(st, 1, group_id);
        if (sqlite3_step(st) != SQLITE_ROW)
            r = msoc_fail(err, MSOC_NOTFOUND, "no tenant group %lld", (long long)group_id);
        sqlite3_finalize(st);
    }
    char obj[24];
    snprintf(obj, sizeof obj, "%lld", (long long)group_id);
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, "", "group", obj, "set_tenants", NULL, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    else
        msoc_soc__rollback(s);
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_group_remove(msoc_soc *s, int64_t group_id, const char *actor, msoc_error *err)
{
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "SELECT is_private FROM groups WHERE id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, group_id);
        if (sqlite3_step(st) != SQLITE_ROW)
            r = msoc_fail(err, MSOC_NOTFOUND, "no tenant group %lld", (long long)group_id);
        else if (sqlite3_column_int(st, 0))
            r = msoc_fail(err, MSOC_FORBID, "a user's private tenant group cannot be deleted");
        sqlite3_finalize(st);
    }
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "DELETE FROM group_tenants WHERE group_id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, group_id);
        r = msoc_soc__step_done(s, st, "group", err);
    }
    if (r == MSOC_OK)
        r = msoc_soc__prep(s, "DELETE FROM groups WHERE id = ?1", &st, err);
    if (r == MSOC_OK) {
        sqlite3_bind_int64(st, 1, group_id);
        char obj[24];
        snprintf(obj, sizeof obj, "%lld", (long long)group_id);
        r = simple_write(s, st, "group", true, "no such group", actor, "", "group", obj, "remove",
                         err);
    } else {
        msoc_soc__rollback(s);
    }
    msoc_soc__unlock(s);
    return r;
}

msoc_status msoc_soc_workspace_get(msoc_soc *s, const msoc_soc_scope *scope, const char *tenant_id,
                                   const char *workspace, msoc_arena *a, msoc_soc_workspace *out,
                                   msoc_error *err)
{
    msoc_soc_workspace *v;
    size_t n;
    msoc_status r = msoc_soc_workspace_list(s, scope, tenant_id, a, &v, &n, err);
    if (r != MSOC_OK)
        return r;
    for (size_t i = 0; i < n; i++) {
        bool hit = workspace ? strcmp(v[i].id, workspace) == 0 || strcmp(v[i].name, workspace) == 0
                             : v[i].is_primary;
        if (hit) {
            *out = v[i];
            return MSOC_OK;
        }
    }
    if (n == 0) /* every tenant has a primary: this one is absent or out of scope */
        return msoc_fail(err, MSOC_NOTFOUND, "there is no tenant %s", tenant_id);
    if (workspace)
        return msoc_fail(err, MSOC_NOTFOUND, "tenant %s has no workspace '%.100s'", tenant_id, workspace);
    return msoc_fail(err, MSOC_INTERNAL, "tenant %s has no primary workspace", tenant_id);
}
