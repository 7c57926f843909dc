/* The native /api routes: the caller, tenants, workspaces, groups, users, grants,
 * tokens, cases, tasks, case statuses, saved queries, bulk changes, alert moves,
 * audit and per-tenant status. Every tenant set comes from msoc_auth_scope. */
#include <stdio.h>
#include <string.h>

#include "api_int.h"
#include "odata.h"

#define SEG_IS(i, s) (r->n_seg > (i) && strcmp(r->seg[i], (s)) == 0)
#define METHOD_IS(s) (strcmp(r->http->method, (s)) == 0)

static bool parse_id(api_req *r, const char *text, const char *what, int64_t *out)
{
    if (!msoc_str_to_i64(msoc_str_c(text), out)) {
        msoc_api__error(r, MSOC_NOTFOUND, "no %s with id %.60s", what, text);
        return false;
    }
    return true;
}

static bool soc_ok(api_req *r, msoc_status st)
{
    if (st != MSOC_OK) {
        msoc_api__fail(r);
        return false;
    }
    return true;
}

static json_t *tenant_json(const msoc_soc_tenant *t)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "id", t->id, "name", t->name, "domain", t->domain,
                     "cloud", msoc_soc_cloud_str(t->cloud), "status", t->status, "createdDateTime",
                     msoc_api__dt(t->created));
}

static json_t *scope_json(const msoc_soc_scope *s)
{
    json_t *a = json_array();
    for (size_t i = 0; i < s->n; i++)
        json_array_append_new(a, json_string(s->ids[i]));
    return a;
}

/* Reads an optional array of strings into an arena array. */
static bool str_array(api_req *r, json_t *b, const char *key, const char ***out, size_t *n_out)
{
    json_t *v = json_object_get(b, key);
    *out = NULL;
    *n_out = 0;
    if (!v)
        return true;
    size_t i;
    json_t *e;
    bool ok = json_is_array(v) && json_array_size(v) <= 10000;
    json_array_foreach(v, i, e) ok = ok && json_is_string(e);
    if (!ok) {
        msoc_api__error(r, MSOC_INVALID, "property '%s' must be an array of at most 10000 strings", key);
        return false;
    }
    const char **arr = msoc_arena_calloc(r->a, json_array_size(v) + 1, sizeof *arr);
    json_array_foreach(v, i, e) arr[i] = msoc_arena_strndup(r->a, json_string_value(e),
                                                            json_string_length(e));
    *out = arr;
    *n_out = json_array_size(v);
    return true;
}

static bool get_dt(api_req *r, json_t *b, const char *key, msoc_datetime *out)
{
    const char *s;
    *out = MSOC_TIME_NULL;
    if (!msoc_api__str(r, b, key, false, &s))
        return false;
    if (s && msoc_datetime_parse(s, strlen(s), out, &r->err) != MSOC_OK) {
        msoc_api__error(r, MSOC_INVALID, "%s: %s", key, r->err.msg);
        return false;
    }
    return true;
}

/* Resolves the {tenant} path segment (id or name) within the read scope. */
static bool path_tenant(api_req *r, const char *seg, msoc_soc_tenant *t)
{
    msoc_soc_scope rs;
    if (!msoc_api__scope(r, MSOC_AUTH_READ, &rs))
        return false;
    return soc_ok(r, msoc_soc_tenant_get(r->api->db, &rs, seg, r->a, t, &r->err));
}

/* Checks the caller may do act on tenant t; renders 403 otherwise. */
static bool may(api_req *r, msoc_auth_action act, const char *tenant_id, msoc_soc_scope *out)
{
    if (!msoc_api__scope(r, act, out))
        return false;
    if (!msoc_soc_scope_has(out, tenant_id)) {
        msoc_api__error(r, MSOC_FORBID, "you may not %s tenant %s", msoc_auth_action_str(act), tenant_id);
        return false;
    }
    return true;
}

static bool is_instance_admin(api_req *r)
{
    msoc_soc_scope s;
    msoc_error e;
    msoc_error_clear(&e);
    return msoc_auth_scope(r->api->auth, &r->who, MSOC_AUTH_INSTANCE_ADMIN, r->a, &s, &e) == MSOC_OK;
}

/* ---- cases ------------------------------------------------------------------------------ */

static json_t *case_json(const msoc_soc_case *c)
{
    json_t *links = json_array();
    for (size_t i = 0; i < c->n_incidents; i++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)c->incident_ids[i]);
        json_array_append_new(links, json_string(id));
    }
    return json_pack("{s:s,s:I,s:s,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "tenantId", c->tenant_id, "id",
                     (json_int_t)c->id, "title", c->title, "description", msoc_api__strn(c->description),
                     "priority", c->priority, "status", c->status, "assignee",
                     msoc_api__strn(c->assignee), "dueDateTime", msoc_api__dt(c->due), "createdDateTime",
                     msoc_api__dt(c->created), "lastUpdateDateTime", msoc_api__dt(c->updated),
                     "incidentIds", links);
}

static json_t *task_json(const msoc_soc_task *t)
{
    return json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "id", (json_int_t)t->id, "tenantId",
                     t->tenant_id, "caseId", (json_int_t)t->case_id, "name", t->name, "status", t->status,
                     "priority", t->priority, "owner", msoc_api__strn(t->owner), "dueDateTime",
                     msoc_api__dt(t->due), "description", msoc_api__strn(t->description),
                     "closingNotes", msoc_api__strn(t->closing_notes));
}

static bool incident_ids(api_req *r, json_t *b, const char *key, int64_t **out, size_t *n)
{
    const char **s;
    if (!str_array(r, b, key, &s, n))
        return false;
    *out = msoc_arena_calloc(r->a, *n + 1, sizeof **out);
    for (size_t i = 0; i < *n; i++)
        if (!msoc_str_to_i64(msoc_str_c(s[i]), &(*out)[i])) {
            msoc_api__error(r, MSOC_INVALID, "'%.40s' is not an incident id", s[i]);
            return false;
        }
    return true;
}

static void tenant_cases(api_req *r, const msoc_soc_tenant *t)
{
    msoc_soc_scope s;
    msoc_soc *db = r->api->db;
    /* /api/tenants/{t}/cases[/{id}[/activity|/tasks[/{tid}]]] */
    if (r->n_seg == 4) {
        if (METHOD_IS("GET")) {
            if (!may(r, MSOC_AUTH_READ, t->id, &s))
                return;
            msoc_soc_case *v;
            size_t n;
            if (!soc_ok(r, msoc_soc_case_list(db, &s, t->id, 0, 0, r->a, &v, &n, &r->err)))
                return;
            json_t *arr = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, case_json(&v[i]));
            msoc_api__json(r, 200, json_pack("{s:o}", "value", arr));
        } else if (METHOD_IS("POST")) {
            json_t *b = msoc_api__body(r);
            static const char *const keys[] = {"title", "description", "priority", "status", "assignee",
                                               "dueDateTime", "incidentIds", NULL};
            msoc_soc_case c;
            memset(&c, 0, sizeof c);
            c.tenant_id = t->id;
            int64_t id;
            if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "title", false, &c.title) &&
                msoc_api__str(r, b, "description", false, &c.description) &&
                msoc_api__str(r, b, "priority", false, &c.priority) &&
                msoc_api__str(r, b, "status", false, &c.status) &&
                msoc_api__str(r, b, "assignee", false, &c.assignee) &&
                get_dt(r, b, "dueDateTime", &c.due) &&
                incident_ids(r, b, "incidentIds", &c.incident_ids, &c.n_incidents) &&
                may(r, MSOC_AUTH_RESPOND, t->id, &s) &&
                soc_ok(r, msoc_soc_case_create(db, &s, &c, r->actor, &id, &r->err))) {
                msoc_soc_case got;
                if (soc_ok(r, msoc_soc_case_get(db, &s, t->id, id, r->a, &got, &r->err)))
                    msoc_api__json(r, 201, case_json(&got));
            }
            json_decref(b);
        } else {
            msoc_api__error(r, MSOC_UNSUPPORTED, "use GET or POST on cases");
        }
        return;
    }
    int64_t cid;
    if (!parse_id(r, r->seg[4], "case", &cid))
        return;
    if (r->n_seg == 5 && METHOD_IS("GET")) {
        msoc_soc_case c;
        if (may(r, MSOC_AUTH_READ, t->id, &s) &&
            soc_ok(r, msoc_soc_case_get(db, &s, t->id, cid, r->a, &c, &r->err)))
            msoc_api__json(r, 200, case_json(&c));
    } else if (r->n_seg == 5 && METHOD_IS("PATCH")) {
        json_t *b = msoc_api__body(r);
        static const char *const keys[] = {"title", "description", "priority", "status", "assignee",
                                           "dueDateTime", "linkIncidentIds", NULL};
        msoc_soc_case_patch p;
        memset(&p, 0, sizeof p);
        int64_t *links = NULL;
        msoc_soc_case c;
        if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "title", false, &p.title) &&
            msoc_api__str(r, b, "description", false, &p.description) &&
            msoc_api__str(r, b, "priority", false, &p.priority) &&
            msoc_api__str(r, b, "status", false, &p.status) &&
            msoc_api__str(r, b, "assignee", true, &p.assignee) && get_dt(r, b, "dueDateTime", &p.due) &&
            incident_ids(r, b, "linkIncidentIds", &links, &p.n_link) &&
            may(r, MSOC_AUTH_RESPOND, t->id, &s)) {
            p.link_incidents = links;
            if (soc_ok(r, msoc_soc_case_patch_apply(db, &s, t->id, cid, &p, r->actor, &r->err)) &&
                soc_ok(r, msoc_soc_case_get(db, &s, t->id, cid, r->a, &c, &r->err)))
                msoc_api__json(r, 200, case_json(&c));
        }
        json_decref(b);
    } else if (r->n_seg == 6 && SEG_IS(5, "activity") && METHOD_IS("GET")) {
        msoc_soc_activity *v;
        size_t n;
        if (may(r, MSOC_AUTH_READ, t->id, &s) &&
            soc_ok(r, msoc_soc_case_activity(db, &s, t->id, cid, r->a, &v, &n, &r->err))) {
            json_t *arr = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, json_pack("{s:o,s:s,s:s}", "at", msoc_api__dt(v[i].at), "actor",
                                                     v[i].actor, "text", v[i].text));
            msoc_api__json(r, 200, json_pack("{s:o}", "value", arr));
        }
    } else if (r->n_seg == 6 && SEG_IS(5, "tasks") && METHOD_IS("GET")) {
        msoc_soc_task *v;
        size_t n;
        if (may(r, MSOC_AUTH_READ, t->id, &s) &&
            soc_ok(r, msoc_soc_task_list(db, &s, t->id, cid, r->a, &v, &n, &r->err))) {
            json_t *arr = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, task_json(&v[i]));
            msoc_api__json(r, 200, json_pack("{s:o}", "value", arr));
        }
    } else if (r->n_seg == 6 && SEG_IS(5, "tasks") && METHOD_IS("POST")) {
        json_t *b = msoc_api__body(r);
        static const char *const keys[] = {"name", "status", "priority", "owner", "dueDateTime",
                                           "description", "closingNotes", NULL};
        msoc_soc_task tk;
        memset(&tk, 0, sizeof tk);
        tk.tenant_id = t->id;
        tk.case_id = cid;
        int64_t id;
        if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "name", false, &tk.name) &&
            msoc_api__str(r, b, "status", false, &tk.status) &&
            msoc_api__str(r, b, "priority", false, &tk.priority) &&
            msoc_api__str(r, b, "owner", false, &tk.owner) && get_dt(r, b, "dueDateTime", &tk.due) &&
            msoc_api__str(r, b, "description", false, &tk.description) &&
            msoc_api__str(r, b, "closingNotes", false, &tk.closing_notes) &&
            may(r, MSOC_AUTH_RESPOND, t->id, &s) &&
            soc_ok(r, msoc_soc_task_add(db, &s, &tk, r->actor, &id, &r->err)))
            msoc_api__json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
        json_decref(b);
    } else if (r->n_seg == 7 && SEG_IS(5, "tasks") && METHOD_IS("PATCH")) {
        int64_t tid;
        if (!parse_id(r, r->seg[6], "task", &tid))
            return;
        json_t *b = msoc_api__body(r);
        static const char *const keys[] = {"name", "status", "priority", "owner", "dueDateTime",
                                           "description", "closingNotes", NULL};
        msoc_soc_task_patch p;
        memset(&p, 0, sizeof p);
        if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "name", false, &p.name) &&
            msoc_api__str(r, b, "status", false, &p.status) &&
            msoc_api__str(r, b, "priority", false, &p.priority) &&
            msoc_api__str(r, b, "owner", false, &p.owner) && get_dt(r, b, "dueDateTime", &p.due) &&
            msoc_api__str(r, b, "description", false, &p.description) &&
            msoc_api__str(r, b, "closingNotes", false, &p.closing_notes) &&
            may(r, MSOC_AUTH_RESPOND, t->id, &s) &&
            soc_ok(r, msoc_soc_task_patch_apply(db, &s, t->id, cid, tid, &p, r->actor, &r->err)))
            msoc_api__json(r, 200, json_pack("{s:I}", "id", (json_int_t)tid));
        json_decref(b);
    } else {
        msoc_api__error(r, MSOC_NOTFOUND, "no route for %s %.200s", r->http->method, r->http->path);
    }
}

/* ---- tenants and workspaces ------------------------------------------------------------------ */

static void tenants(api_req *r)
{
    msoc_soc *db = r->api->db;
    msoc_soc_scope s;
    if (r->n_seg == 2) {
        if (METHOD_IS("GET")) {
            msoc_soc_tenant *v;
            size_t n;
            if (!msoc_api__scope(r, MSOC_AUTH_READ, &s) ||
                !soc_ok(r, msoc_soc_tenant_list(db, &s, r->a, &v, &n, &r->err)))
                return;
            json_t *arr = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, tenant_json(&v[i]));
            msoc_api__json(r, 200, json_pack("{s:o}", "value", arr));
        } else if (METHOD_IS("POST")) {
            json_t *b = msoc_api__body(r);
            static const char *const keys[] = {"id", "name", "domain", "cloud", NULL};
            const char *id, *name, *domain, *cloud;
            msoc_soc_cloud c = msoc_soc_home_cloud(db);
            msoc_soc_tenant t;
            if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "id", false, &id) &&
                msoc_api__str(r, b, "name", false, &name) && msoc_api__str(r, b, "domain", false, &domain) &&
                msoc_api__str(r, b, "cloud", false, &cloud) &&
                msoc_api__scope(r, MSOC_AUTH_INSTANCE_ADMIN, &s) &&
                (!cloud || soc_ok(r, msoc_soc_cloud_parse(cloud, &c, &r->err))) &&
                soc_ok(r, msoc_soc_tenant_add(db, id, name, domain ? domain : "", c, r->actor, r->a, &t,
                                              &r->err)))
                msoc_api__json(r, 201, tenant_json(&t));
            json_decref(b);
        } else {
            msoc_api__error(r, MSOC_UNSUPPORTED, "use GET or POST on tenants");
        }
        return;
    }
    msoc_soc_tenant t;
    if (!path_tenant(r, r->seg[2], &t))
        return;
    if (r->n_seg == 3 && METHOD_IS("GET")) {
        msoc_api__json(r, 200, tenant_json(&t));
    } else if (SEG_IS(3, "workspaces")) {
        if (r->n_seg == 4 && METHOD_IS("GET")) {
            msoc_soc_workspace *v;
            size_t n;
            if (!may(r, MSOC_AUTH_READ, t.id, &s) ||
                !soc_ok(r, msoc_soc_workspace_list(db, &s, t.id, r->a, &v, &n, &r->err)))
                return;
            json_t *arr = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:b,s:o}", "id", v[i].id, "tenantId",
                                                     v[i].tenant_id, "name", v[i].name, "isPrimary",
                                                     v[i].is_primary, "createdDateTime",
                                                     msoc_api__dt(v[i].created)));
            msoc_api__json(r, 200, json_pack("{s:o}", "value", arr));
        } else if (r->n_seg == 4 && METHOD_IS("POST")) {
            json_t *b = msoc_api__body(r);
            static const char *const keys[] = {"name", NULL};
            const char *name;
            msoc_soc_workspace w;
            if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "name", false, &name) &&
                may(r, MSOC_AUTH_ADMIN, t.id, &s) &&
                soc_ok(r, msoc_soc_workspace_add(db, &s, t.id, name, r->actor, r->a, &w, &r->err)))
                msoc_api__json(r, 201, json_pack("{s:s,s:s,s:s,s:b}", "id", w.id, "tenantId", w.tenant_id,
                                                 "name", w.name, "isPrimary", 0));
            json_decref(b);
        } else if (r->n_seg == 6 && SEG_IS(5, "primary") && METHOD_IS("POST")) {
            if (may(r, MSOC_AUTH_ADMIN, t.id, &s) &&
                soc_ok(r, msoc_soc_workspace_set_primary(db, &s, t.id, r->seg[4], r->actor, &r->err)))
                msoc_api__json(r, 200, json_pack("{s:s}", "primary", r->seg[4]));
        } else if (r->n_seg == 5 && METHOD_IS("DELETE")) {
            if (may(r, MSOC_AUTH_ADMIN, t.id, &s) &&
                soc_ok(r, msoc_soc_workspace_remove(db, &s, t.id, r->seg[4], r->actor, &r->err)))
                msoc_api__json(r, 200, json_pack("{s:s}", "removed", r->seg[4]));
        } else {
            msoc_api__error(r, MSOC_NOTFOUND, "no route for %s %.200s", r->http->method, r->http->path);
        }
    } else if (r->n_seg == 4 && SEG_IS(3, "case-statuses")) {
        if (METHOD_IS("GET")) {
            const char **v;
            size_t n;
            if (may(r, MSOC_AUTH_READ, t.id, &s) &&
                soc_ok(r, msoc_soc_case_statuses(db, &s, t.id, r->a, &v, &n, &r->err))) {
                json_t *arr = json_array();
                for (size_t i = 0; i < n; i++)
                    json_array_append_new(arr, json_string(v[i]));
                msoc_api__json(r, 200, json_pack("{s:o}", "value", arr));
            }
        } else if (METHOD_IS("PUT")) {
            json_t *b = msoc_api__body(r);
            static const char *const keys[] = {"value", NULL};
            const char **v;
            size_t n;
            if (b && msoc_api__keys_ok(r, b, keys) && str_array(r, b, "value", &v, &n) &&
                may(r, MSOC_AUTH_ADMIN, t.id, &s) &&
                soc_ok(r, msoc_soc_case_statuses_set(db, &s, t.id, v, n, r->actor, &r->err)))
                msoc_api__json(r, 200, json_pack("{s:O}", "value", json_object_get(b, "value")));
            json_decref(b);
        } else {
            msoc_api__error(r, MSOC_UNSUPPORTED, "use GET or PUT on case-statuses");
        }
    } else if (SEG_IS(3, "cases") && r->n_seg <= 7) {
        tenant_cases(r, &t);
    } else {
        msoc_api__error(r, MSOC_NOTFOUND, "no route for %s %.200s", r->http->method, r->http->path);
    }
}

/* ---- users, grants, tokens, groups ----------------------------------------------------------- */

static json_t *user_json(const msoc_soc_user *u)
{
    return json_pack("{s:I,s:s,s:b,s:b,s:o}", "id", (json_int_t)u->id, "name", u->name, "isAdmin", u->is_admin,
                     "isDisabled", u->is_disabled, "createdDateTime", msoc_api__dt(u->created));
}

/* /api/users/{id or name}: GET, PATCH {"isDisabled","password"}, DELETE. The
 * caller is an instance admin (checked by users()). */
static void user_one(api_req *r)
{
    msoc_soc *db = r->api->db;
    msoc_soc_user u;
    int64_t id;
    msoc_status st = msoc_str_to_i64(msoc_str_c(r->seg[2]), &id)
                         ? msoc_soc_user_get_id(db, id, r->a, &u, &r->err)
                         : msoc_soc_user_get(db, r->seg[2], r->a, &u, &r->err);
    if (!soc_ok(r, st))
        return;
    if (METHOD_IS("GET")) {
        msoc_api__json(r, 200, user_json(&u));
        return;
    }
    bool is_self = u.id == r->who.user_id;
    if (METHOD_IS("DELETE")) {
        if (is_self)
            msoc_api__error(r, MSOC_CONFLICT, "you cannot delete yourself");
        else if (soc_ok(r, msoc_soc_user_remove(db, u.id, r->actor, &r->err)))
            msoc_api__json(r, 200, json_pack("{s:I,s:s}", "removed", (json_int_t)u.id, "name", u.name));
        return;
    }
    if (!METHOD_IS("PATCH")) {
        msoc_api__error(r, MSOC_UNSUPPORTED, "use GET, PATCH or DELETE on a user");
        return;
    }
    json_t *b = msoc_api__body(r);
    static const char *const keys[] = {"isDisabled", "password", NULL};
    const char *pw;
    json_t *dis = b ? json_object_get(b, "isDisabled") : NULL;
    if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "password", false, &pw)) {
        if (dis && !json_is_boolean(dis))
            msoc_api__error(r, MSOC_INVALID, "isDisabled must be true or false");
        else if (!dis && !pw)
            msoc_api__error(r, MSOC_INVALID, "nothing to change: give isDisabled or password");
        else if (dis && json_is_true(dis) && is_self)
            msoc_api__error(r, MSOC_CONFLICT, "you cannot disable yourself");
        else if ((!pw || soc_ok(r, msoc_auth_user_set_password(r->api->auth, u.name, pw, strlen(pw), r->actor,
                                                               &r->err))) &&
                 (!dis || soc_ok(r, msoc_soc_user_set_disabled(db, u.id, json_is_true(dis), r->actor, &r->err))) &&
                 soc_ok(r, msoc_soc_user_get_id(db, u.id, r->a, &u, &r->err)))
            msoc_api__json(r, 200, user_json(&u));
    }
    json_decref(b);
}

static void users(api_req *r)
{
    msoc_soc_scope s;
    if (!msoc_api__scope(r, MSOC_AUTH_INSTANCE_ADMIN, &s))
        return;
    if (r->n_seg == 2 && METHOD_IS("GET")) {
        msoc_soc_user *v;
        size_t n;
        if (!soc_ok(r, msoc_soc_user_list(r->api->db, r->a, &v, &n, &r->err)))
            return;
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, user_json(&v[i]));
        msoc_api__json(r, 200, json_pack("{s:o}", "value", arr));
    } else if (r->n_seg == 2 && METHOD_IS("POST")) {
        json_t *b = msoc_api__body(r);
        static const char *const keys[] = {"name", "password", "isAdmin", NULL};
        const char *name, *pw;
        json_t *adm = b ? json_object_get(b, "isAdmin") : NULL;
        int64_t id;
        if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "name", false, &name) &&
            msoc_api__str(r, b, "password", false, &pw)) {
            if (adm && !json_is_boolean(adm))
                msoc_api__error(r, MSOC_INVALID, "isAdmin must be true or false");
            else if (!name || !pw)
                msoc_api__error(r, MSOC_INVALID, "name and password are required");
            else if (soc_ok(r, msoc_auth_user_add(r->api->auth, name, pw, strlen(pw), json_is_true(adm),
                                                  r->actor, &id, &r->err)))
                msoc_api__json(r, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id, "name", name));
        }
        json_decref(b);
    } else if (r->n_seg == 3) {
        user_one(r);
    } else {
        msoc_api__error(r, MSOC_NOTFOUND, "no route for %s %.200s", r->http->method, r->http->path);
    }
}

static void grants(api_req *r)
{
    msoc_soc *db = r->api->db;
    msoc_soc_scope s;
    if (r->n_seg == 2 && METHOD_IS("GET")) {
        bool adm = is_instance_admin(r);
        msoc_soc_grant *v;
        size_t n;
        if (!soc_ok(r, msoc_soc_grant_list(db, NULL, adm ? 0 : r->who.user_id, r->a, &v, &n, &r->err)))
            return;
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_pack("{s:s,s:s,s:s}", "user", v[i].user_name, "tenantId",
                                                 v[i].tenant_id, "role", msoc_soc_role_str(v[i].role)));
        msoc_api__json(r, 200, json_pack("{s:o}", "value", arr));
    } else if (r->n_seg == 2 && METHOD_IS("POST")) {
        json_t *b = msoc_api__body(r);
        static const char *const keys[] = {"user", "tenant", "role", NULL};
        const char *user, *tenant, *role;
        msoc_soc_role ro;
        msoc_soc_user u;
        msoc_soc_tenant t;
        if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "user", false, &user) &&
            msoc_api__str(r, b, "tenant", false, &tenant) && msoc_api__str(r, b, "role", false, &role) &&
            msoc_api__scope(r, MSOC_AUTH_INSTANCE_ADMIN, &s) &&
            soc_ok(r, msoc_soc_role_parse(role, &ro, &r->err)) &&
            soc_ok(r, msoc_soc_user_get(db, user ? user : "", r->a, &u, &r->err)) &&
            soc_ok(r, msoc_soc_tenant_get(db, NULL, tenant ? tenant : "", r->a, &t, &r->err)) &&
            soc_ok(r, msoc_soc_grant_set(db, u.id, t.id, ro, r->actor, &r->err)))
            msoc_api__json(r, 200, json_pack("{s:s,s:s,s:s}", "user", u.name, "tenantId", t.id, "role",
                                             msoc_soc_role_str(ro)));
        json_decref(b);
    } else {
        msoc_api__error(r, MSOC_NOTFOUND, "no route for %s %.200s", r->http->method, r->http->path);
    }
}

static void tokens(api_req *r)
{
    msoc_soc *db = r->api->db;
    bool adm = is_instance_admin(r);
    if (r->n_seg == 2 && METHOD_IS("GET")) {
        msoc_soc_token *v;
        size_t n;
        if (!soc_ok(r, msoc_soc_token_list(db, adm ? 0 : r->who.user_id, r->a, &v, &n, &r->err)))
            return;
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_pack("{s:I,s:I,s:s,s:s,s:s,s:o,s:b,s:o}", "id",
                                                 (json_int_t)v[i].id, "userId", (json_int_t)v[i].user_id,
                                                 "name", v[i].name, "role", msoc_soc_role_str(v[i].role),
                                                 "tenants", v[i].tenants, "expiresDateTime",
                                                 msoc_api__dt(v[i].expires), "isRevoked", v[i].is_revoked,
                                                 "createdDateTime", msoc_api__dt(v[i].created)));
        msoc_api__json(r, 200, json_pack("{s:o}", "value", arr));
    } else if (r->n_seg == 2 && METHOD_IS("POST")) {
        json_t *b = msoc_api__body(r);
        static const char *const keys[] = {"name", "tenants", "role", "expiresDateTime", NULL};
        const char *name, *role;
        const char **ten;
        size_t n_ten;
        msoc_datetime exp;
        msoc_soc_role ro = MSOC_SOC_ROLE_NONE;
        char tok[MSOC_AUTH_SECRET_CAP];
        int64_t id;
        if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "name", false, &name) &&
            msoc_api__str(r, b, "role", false, &role) && str_array(r, b, "tenants", &ten, &n_ten) &&
            get_dt(r, b, "expiresDateTime", &exp) &&
            (!role || soc_ok(r, msoc_soc_role_parse(role, &ro, &r->err)))) {
            /* A token can never exceed the caller's own reach: its tenants must be
             * ones the caller may read, and a token-authenticated caller cannot
             * mint a broader token than its own. */
            msoc_soc_scope rs;
            bool ok = msoc_api__scope(r, MSOC_AUTH_READ, &rs);
            for (size_t i = 0; ok && i < n_ten; i++) {
                msoc_soc_tenant t;
                ok = soc_ok(r, msoc_soc_tenant_get(db, &rs, ten[i], r->a, &t, &r->err));
            }
            if (ok && r->who.via_token && (n_ten == 0 && *r->who.token_tenants)) {
                msoc_api__error(r, MSOC_FORBID, "a tenant-limited token cannot create an unlimited token");
                ok = false;
            }
            /* ingest is narrower than admin (it needs admin to act), so an
             * admin-capped token may mint one. */
            msoc_soc_role eff = ro == MSOC_SOC_ROLE_INGEST ? MSOC_SOC_ROLE_ADMIN : ro;
            if (ok && r->who.via_token && r->who.token_role != MSOC_SOC_ROLE_NONE &&
                (ro == MSOC_SOC_ROLE_NONE || eff > r->who.token_role)) {
                msoc_api__error(r, MSOC_FORBID, "a token cannot create a token with a higher role");
                ok = false;
            }
            if (ok && soc_ok(r, msoc_auth_token_create(r->api->auth, r->who.user_id, name, ten, n_ten, ro,
                                                       exp, r->actor, tok, &id, &r->err)))
                msoc_api__json(r, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id, "token", tok));
        }
        json_decref(b);
    } else if (r->n_seg == 3 && METHOD_IS("DELETE")) {
        int64_t id;
        if (parse_id(r, r->seg[2], "token", &id) &&
            soc_ok(r, msoc_soc_token_revoke(db, id, adm ? 0 : r->who.user_id, r->actor, &r->err)))
            msoc_api__json(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "isRevoked", 1));
    } else {
        msoc_api__error(r, MSOC_NOTFOUND, "no route for %s %.200s", r->http->method, r->http->path);
    }
}

static void groups(api_req *r)
{
    msoc_soc *db = r->api->db;
    bool adm = is_instance_admin(r);
    if (r->n_seg == 2 && METHOD_IS("GET")) {
        msoc_soc_group *v;
        size_t n;
        msoc_soc_scope rs;
        if (!msoc_api__scope(r, MSOC_AUTH_READ, &rs) ||
            !soc_ok(r, msoc_soc_group_list(db, adm ? 0 : r->who.user_id, r->a, &v, &n, &r->err)))
            return;
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *ten = json_array();
            for (size_t k = 0; k < v[i].n_tenants; k++)
                if (msoc_soc_scope_has(&rs, v[i].tenant_ids[k])) /* never reveal unseen tenants */
                    json_array_append_new(ten, json_string(v[i].tenant_ids[k]));
            json_array_append_new(arr, json_pack("{s:I,s:s,s:b,s:o}", "id", (json_int_t)v[i].id, "name",
                                                 v[i].name, "isPrivate", v[i].is_private, "tenants", ten));
        }
        msoc_api__json(r, 200, json_pack("{s:o}", "value", arr));
        return;
    }
    if (r->n_seg == 2 && METHOD_IS("POST")) {
        json_t *b = msoc_api__body(r);
        static const char *const keys[] = {"name", "shared", NULL};
        const char *name;
        json_t *sh = b ? json_object_get(b, "shared") : NULL;
        int64_t id;
        if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "name", false, &name)) {
            if (json_is_true(sh) && !adm)
                msoc_api__error(r, MSOC_FORBID, "only instance admins create shared groups");
            else if (soc_ok(r, msoc_soc_group_add(db, name ? name : "", json_is_true(sh) ? 0 : r->who.user_id,
                                                  r->actor, &id, &r->err)))
                msoc_api__json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
        }
        json_decref(b);
        return;
    }
    if (r->n_seg < 3) {
        msoc_api__error(r, MSOC_UNSUPPORTED, "use GET or POST on groups");
        return;
    }
    int64_t gid;
    msoc_soc_group g;
    if (!parse_id(r, r->seg[2], "group", &gid) ||
        !soc_ok(r, msoc_soc_group_get(db, gid, r->a, &g, &r->err)))
        return;
    if (!adm && g.owner_user_id != r->who.user_id) {
        msoc_api__error(r, g.owner_user_id ? MSOC_NOTFOUND : MSOC_FORBID,
                        g.owner_user_id ? "no tenant group %lld" : "only instance admins change shared group %lld",
                        (long long)gid);
        return;
    }
    if (r->n_seg == 4 && SEG_IS(3, "tenants") && METHOD_IS("PUT")) {
        json_t *b = msoc_api__body(r);
        static const char *const keys[] = {"value", NULL};
        const char **v;
        size_t n;
        msoc_soc_scope rs;
        if (b && msoc_api__keys_ok(r, b, keys) && str_array(r, b, "value", &v, &n) &&
            msoc_api__scope(r, MSOC_AUTH_READ, &rs)) {
            bool ok = true;
            for (size_t i = 0; ok && i < n; i++) {
                msoc_soc_tenant t;
                ok = soc_ok(r, msoc_soc_tenant_get(db, &rs, v[i], r->a, &t, &r->err));
                if (ok)
                    v[i] = t.id;
            }
            if (ok && soc_ok(r, msoc_soc_group_set_tenants(db, gid, v, n, r->actor, &r->err)))
                msoc_api__json(r, 200, json_pack("{s:I}", "id", (json_int_t)gid));
        }
        json_decref(b);
    } else if (r->n_seg == 3 && METHOD_IS("DELETE")) {
        if (soc_ok(r, msoc_soc_group_remove(db, gid, r->actor, &r->err)))
            msoc_api__json(r, 200, json_pack("{s:I}", "removed", (json_int_t)gid));
    } else {
        msoc_api__error(r, MSOC_NOTFOUND, "no route for %s %.200s", r->http->method, r->http->path);
    }
}

/* ---- saved queries -------------------------------------------------------------------------- */

static void queries(api_req *r)
{
    msoc_soc *db = r->api->db;
    msoc_soc_scope s;
    if (r->n_seg == 2 && METHOD_IS("GET")) {
        msoc_soc_saved_query *v;
        size_t n;
        if (!msoc_api__scope(r, MSOC_AUTH_READ, &s) ||
            !soc_ok(r, msoc_soc_query_list(db, &s, r->a, &v, &n, &r->err)))
            return;
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_pack("{s:I,s:o,s:s,s:s,s:o,s:s,s:o}", "id", (json_int_t)v[i].id,
                                                 "tenantId", msoc_api__strn(v[i].tenant_id), "name",
                                                 v[i].name, "query", v[i].query, "description",
                                                 msoc_api__strn(v[i].description), "createdBy",
                                                 v[i].created_by, "createdDateTime",
                                                 msoc_api__dt(v[i].created)));
        msoc_api__json(r, 200, json_pack("{s:o}", "value", arr));
    } else if (r->n_seg == 2 && METHOD_IS("POST")) {
        json_t *b = msoc_api__body(r);
        static const char *const keys[] = {"tenantId", "name", "query", "description", NULL};
        msoc_soc_saved_query q;
        memset(&q, 0, sizeof q);
        int64_t id;
        const char *tenant;
        if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "tenantId", false, &tenant) &&
            msoc_api__str(r, b, "name", false, &q.name) && msoc_api__str(r, b, "query", false, &q.query) &&
            msoc_api__str(r, b, "description", false, &q.description) &&
            msoc_api__scope(r, MSOC_AUTH_RESPOND, &s)) {
            msoc_soc_tenant t;
            bool ok = true;
            if (tenant) {
                ok = path_tenant(r, tenant, &t) && may(r, MSOC_AUTH_RESPOND, t.id, &s);
                q.tenant_id = ok ? t.id : NULL;
            }
            if (ok && soc_ok(r, msoc_soc_query_save(db, &s, is_instance_admin(r), &q, r->actor, &id, &r->err)))
                msoc_api__json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
        }
        json_decref(b);
    } else if (r->n_seg == 3 && METHOD_IS("DELETE")) {
        int64_t id;
        if (parse_id(r, r->seg[2], "saved query", &id) && msoc_api__scope(r, MSOC_AUTH_RESPOND, &s) &&
            soc_ok(r, msoc_soc_query_remove(db, &s, is_instance_admin(r), id, r->actor, &r->err)))
            msoc_api__json(r, 200, json_pack("{s:I}", "removed", (json_int_t)id));
    } else {
        msoc_api__error(r, MSOC_NOTFOUND, "no route for %s %.200s", r->http->method, r->http->path);
    }
}

/* ---- bulk changes and moves ------------------------------------------------------------------- */

/* The targets of a bulk change: explicit ids, or every object matching an OData
 * $filter among those the caller may change. Fills ids (text) and tenants (one per
 * id). Renders the error and returns false on refusal. */
#define BULK_MAX 10000

static bool bulk_by_filter(api_req *r, bool is_alert, const char *filter, const msoc_soc_scope *ws,
                           const char ***ids, const char ***tenants, size_t *n)
{
    msoc_soc_expr *e;
    if (msoc_api_odata_filter_parse(filter, strlen(filter), r->a, &e, &r->err) != MSOC_OK) {
        msoc_api__fail(r);
        return false;
    }
    *ids = msoc_arena_calloc(r->a, BULK_MAX + 1, sizeof **ids);
    *tenants = msoc_arena_calloc(r->a, BULK_MAX + 1, sizeof **tenants);
    *n = 0;
    msoc_soc_list_opts o;
    memset(&o, 0, sizeof o);
    o.filter = e;
    o.top = MSOC_SOC_PAGE_MAX;
    for (;;) {
        size_t got;
        int64_t total;
        if (is_alert) {
            msoc_soc_alert *v;
            if (msoc_soc_alert_list(r->api->db, ws, 0, &o, r->a, &v, &got, &total, &r->err) != MSOC_OK)
                break;
            for (size_t i = 0; i < got && *n <= BULK_MAX; i++, (*n)++) {
                (*ids)[*n] = v[i].id;
                (*tenants)[*n] = v[i].tenant_id;
            }
        } else {
            msoc_soc_incident *v;
            if (msoc_soc_incident_list(r->api->db, ws, &o, r->a, &v, &got, &total, &r->err) != MSOC_OK)
                break;
            for (size_t i = 0; i < got && *n <= BULK_MAX; i++, (*n)++) {
                char *id = msoc_arena_alloc(r->a, 24);
                snprintf(id, 24, "%lld", (long long)v[i].id);
                (*ids)[*n] = id;
                (*tenants)[*n] = v[i].tenant_id;
            }
        }
        if (*n > BULK_MAX) {
            msoc_api__error(r, MSOC_LIMIT, "the filter matches more than %d %s; narrow it (nothing was changed)",
                            BULK_MAX, is_alert ? "alerts" : "incidents");
            return false;
        }
        if (got < (size_t)o.top)
            return true;
        o.skip += o.top;
    }
    msoc_api__fail(r);
    return false;
}

/* Explicit ids: each must be readable (404 otherwise, like a missing one) and
 * changeable (403 naming it and its tenant otherwise). */
static bool bulk_by_ids(api_req *r, bool is_alert, const char **ids, size_t n, const msoc_soc_scope *rs,
                        const msoc_soc_scope *ws, const char ***tenants)
{
    *tenants = msoc_arena_calloc(r->a, n + 1, sizeof **tenants);
    for (size_t i = 0; i < n; i++) {
        const char *tenant;
        msoc_status st;
        if (is_alert) {
            msoc_soc_alert x;
            st = msoc_soc_alert_get(r->api->db, rs, ids[i], r->a, &x, &r->err);
            tenant = x.tenant_id;
        } else {
            msoc_soc_incident x;
            int64_t num;
            if (!msoc_str_to_i64(msoc_str_c(ids[i]), &num)) {
                msoc_api__error(r, MSOC_NOTFOUND, "no incident with id %.40s", ids[i]);
                return false;
            }
            st = msoc_soc_incident_get(r->api->db, rs, num, r->a, &x, &r->err);
            tenant = x.tenant_id;
        }
        if (st != MSOC_OK) {
            msoc_api__fail(r);
            return false;
        }
        if (!msoc_soc_scope_has(ws, tenant)) {
            msoc_api__error(r, MSOC_FORBID, "you may not change %s %.40s of tenant %s (nothing was changed)",
                            is_alert ? "alert" : "incident", ids[i], tenant);
            return false;
        }
        (*tenants)[i] = tenant;
    }
    return true;
}

static void bulk(api_req *r, bool is_alert)
{
    json_t *b = msoc_api__body(r);
    static const char *const keys[] = {"ids", "filter", "status", "classification", "determination", "assignedTo",
                                       "severity", "addTag", "removeTag", "comment", NULL};
    const char **ids, **tenants = NULL;
    const char *filter;
    size_t n;
    msoc_soc_patch p;
    memset(&p, 0, sizeof p);
    msoc_soc_scope rs, ws;
    if (!b || !msoc_api__keys_ok(r, b, keys) || !str_array(r, b, "ids", &ids, &n) ||
        !msoc_api__str(r, b, "filter", false, &filter) || !msoc_api__str(r, b, "status", false, &p.status) ||
        !msoc_api__str(r, b, "classification", false, &p.classification) ||
        !msoc_api__str(r, b, "determination", false, &p.determination) ||
        !msoc_api__str(r, b, "assignedTo", true, &p.assigned_to) ||
        !msoc_api__str(r, b, "severity", false, &p.severity) || !msoc_api__str(r, b, "addTag", false, &p.add_tag) ||
        !msoc_api__str(r, b, "removeTag", false, &p.remove_tag) ||
        !msoc_api__str(r, b, "comment", false, &p.comment) || !msoc_api__scope(r, MSOC_AUTH_READ, &rs) ||
        !msoc_api__scope(r, MSOC_AUTH_RESPOND, &ws)) {
        json_decref(b);
        return;
    }
    const char *what = is_alert ? "alert" : "incident";
    bool has_ids = json_object_get(b, "ids") != NULL;
    bool ok = true;
    if (has_ids == (filter != NULL)) {
        msoc_api__error(r, MSOC_INVALID, "give either ids (a list of %s ids) or filter (an OData $filter), not %s",
                        what, has_ids ? "both" : "neither");
        ok = false;
    } else if (!p.status && !p.classification && !p.determination && !p.assigned_to && !p.severity && !p.add_tag &&
               !p.remove_tag && !p.comment) {
        msoc_api__error(r, MSOC_INVALID, "nothing to change: give status, classification, determination, "
                                         "assignedTo, severity, addTag, removeTag or comment");
        ok = false;
    } else if (has_ids && n == 0) {
        msoc_api__error(r, MSOC_INVALID, "ids must list at least one %s", what);
        ok = false;
    } else if (has_ids) {
        ok = bulk_by_ids(r, is_alert, ids, n, &rs, &ws, &tenants);
    } else {
        ok = bulk_by_filter(r, is_alert, filter, &ws, &ids, &tenants, &n);
    }
    if (ok && n > 0) {
        if (is_alert) {
            ok = soc_ok(r, msoc_soc_alert_bulk_patch(r->api->db, &ws, ids, n, &p, r->actor, &r->err));
        } else {
            int64_t *nums = msoc_arena_calloc(r->a, n, sizeof *nums);
            for (size_t i = 0; i < n; i++)
                msoc_str_to_i64(msoc_str_c(ids[i]), &nums[i]);
            ok = soc_ok(r, msoc_soc_incident_bulk_patch(r->api->db, &ws, nums, n, &p, r->actor, &r->err));
        }
    }
    if (ok) {
        json_t *idv = json_array(), *per = json_object();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(idv, json_string(ids[i]));
            json_t *c = json_object_get(per, tenants[i]);
            json_object_set_new(per, tenants[i], json_integer(c ? json_integer_value(c) + 1 : 1));
        }
        json_t *ten = json_array();
        const char *k;
        json_t *v;
        json_object_foreach(per, k, v) json_array_append_new(ten, json_pack("{s:s,s:O}", "tenantId", k, "updated", v));
        json_decref(per);
        msoc_api__json(r, 200, json_pack("{s:I,s:o,s:o}", "updated", (json_int_t)n, "ids", idv, "tenants", ten));
    }
    json_decref(b);
}

static void move_alerts(api_req *r)
{
    json_t *b = msoc_api__body(r);
    static const char *const keys[] = {"alertIds", "incidentId", "newIncidentTitle", "comment", NULL};
    const char **ids;
    size_t n;
    const char *inc, *title, *comment;
    msoc_soc_scope ws;
    int64_t target = 0, out;
    if (b && msoc_api__keys_ok(r, b, keys) && str_array(r, b, "alertIds", &ids, &n) &&
        msoc_api__str(r, b, "incidentId", false, &inc) &&
        msoc_api__str(r, b, "newIncidentTitle", false, &title) &&
        msoc_api__str(r, b, "comment", false, &comment) && msoc_api__scope(r, MSOC_AUTH_RESPOND, &ws)) {
        if (inc && !msoc_str_to_i64(msoc_str_c(inc), &target))
            msoc_api__error(r, MSOC_NOTFOUND, "no incident with id %.40s", inc);
        else if (soc_ok(r, msoc_soc_alerts_move(r->api->db, &ws, ids, n, target, title, comment, r->actor,
                                                &out, &r->err))) {
            char id[24];
            snprintf(id, sizeof id, "%lld", (long long)out);
            msoc_api__json(r, 200, json_pack("{s:s,s:I}", "incidentId", id, "moved", (json_int_t)n));
        }
    }
    json_decref(b);
}

/* ---- me, audit, status ------------------------------------------------------------------------ */

static void me(api_req *r)
{
    msoc_soc_scope rd, rp, ad;
    if (!msoc_api__scope(r, MSOC_AUTH_READ, &rd) || !msoc_api__scope(r, MSOC_AUTH_RESPOND, &rp) ||
        !msoc_api__scope(r, MSOC_AUTH_ADMIN, &ad))
        return;
    msoc_api__json(r, 200, json_pack("{s:I,s:s,s:b,s:b,s:o,s:o,s:o}", "id", (json_int_t)r->who.user_id,
                                     "name", r->who.name, "isInstanceAdmin", is_instance_admin(r),
                                     "viaToken", r->who.via_token, "readTenants", scope_json(&rd),
                                     "respondTenants", scope_json(&rp), "adminTenants", scope_json(&ad)));
}

static void audit(api_req *r)
{
    msoc_soc_scope s;
    if (!msoc_api__scope(r, MSOC_AUTH_ADMIN, &s))
        return;
    const char *kind = msoc_http_query(r->http, "kind");
    const char *obj = msoc_http_query(r->http, "objectId");
    msoc_soc_audit *v;
    size_t n;
    if (!soc_ok(r, msoc_soc_audit_list(r->api->db, is_instance_admin(r) ? NULL : &s, kind, obj, 0, r->a,
                                       &v, &n, &r->err)))
        return;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I,s:o,s:s,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)v[i].id,
                                             "at", msoc_api__dt(v[i].at), "actor", v[i].actor, "tenantId",
                                             v[i].tenant_id, "kind", v[i].kind, "objectId", v[i].object_id,
                                             "action", v[i].action, "detail",
                                             msoc_api__raw(v[i].detail, "{}")));
    msoc_api__json(r, 200, json_pack("{s:o}", "value", arr));
}

/* Per-tenant status of a multi-tenant answer: which tenants the caller's views
 * span and whether each answered (SOC data always answers; "hunting" says whether
 * runHuntingQuery and the Kusto endpoints can query the tenant's events). */
static void status(api_req *r)
{
    msoc_soc_scope s;
    msoc_soc_tenant *v;
    size_t n;
    if (!msoc_api__scope(r, MSOC_AUTH_READ, &s) ||
        !soc_ok(r, msoc_soc_tenant_list(r->api->db, &s, r->a, &v, &n, &r->err)))
        return;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s}", "tenantId", v[i].id, "name", v[i].name,
                                             "status", strcmp(v[i].status, "active") == 0 ? "answered" : "disabled",
                                             "hunting", r->api->stor ? "available" : "unavailable: no event store open"));
    msoc_api__json(r, 200, json_pack("{s:o}", "tenants", arr));
}

/* /api/settings (instance admins): the home cloud (fixed at creation) and the
 * tenant cap (stored; PATCH {"maxTenants"}). */
static void settings(api_req *r)
{
    msoc_soc_scope s;
    if (!msoc_api__scope(r, MSOC_AUTH_INSTANCE_ADMIN, &s))
        return;
    msoc_soc *db = r->api->db;
    if (METHOD_IS("PATCH")) {
        json_t *b = msoc_api__body(r);
        static const char *const keys[] = {"maxTenants", NULL};
        json_t *m = b ? json_object_get(b, "maxTenants") : NULL;
        bool ok = b && msoc_api__keys_ok(r, b, keys);
        if (ok && (!json_is_integer(m) || json_integer_value(m) < 1 || json_integer_value(m) > 1000000)) {
            msoc_api__error(r, MSOC_INVALID, "maxTenants must be a whole number from 1 to 1000000");
            ok = false;
        }
        int max = ok ? (int)json_integer_value(m) : 0;
        json_decref(b);
        if (!ok || !soc_ok(r, msoc_soc_max_tenants_store(db, max, r->actor, &r->err)))
            return;
    } else if (!METHOD_IS("GET")) {
        msoc_api__error(r, MSOC_UNSUPPORTED, "use GET or PATCH on settings");
        return;
    }
    msoc_api__json(r, 200, json_pack("{s:s,s:i}", "homeCloud", msoc_soc_cloud_str(msoc_soc_home_cloud(db)),
                                     "maxTenants", msoc_soc_max_tenants(db)));
}

static void all_cases(api_req *r)
{
    msoc_soc_scope s;
    msoc_soc_case *v;
    size_t n;
    int64_t top = 100, skip = 0;
    const char *t = msoc_http_query(r->http, "top"), *k = msoc_http_query(r->http, "skip");
    if ((t && (!msoc_str_to_i64(msoc_str_c(t), &top) || top < 1 || top > 1000)) ||
        (k && (!msoc_str_to_i64(msoc_str_c(k), &skip) || skip < 0))) {
        msoc_api__error(r, MSOC_INVALID, "top must be 1..1000 and skip 0 or more");
        return;
    }
    if (!msoc_api__scope(r, MSOC_AUTH_READ, &s) ||
        !soc_ok(r, msoc_soc_case_list(r->api->db, &s, NULL, top, skip, r->a, &v, &n, &r->err)))
        return;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, case_json(&v[i]));
    msoc_api__json(r, 200, json_pack("{s:o}", "value", arr));
}

bool msoc_api__native_route(api_req *r)
{
    if (r->n_seg < 2 || strcmp(r->seg[0], "api") != 0)
        return false;
    const char *what = r->seg[1];
    if (strcmp(what, "tenants") == 0 && r->n_seg == 4 && SEG_IS(3, "ingest"))
        msoc_api__ingest(r, r->seg[2], NULL);
    else if (strcmp(what, "tenants") == 0 && r->n_seg == 6 && SEG_IS(3, "workspaces") && SEG_IS(5, "ingest"))
        msoc_api__ingest(r, r->seg[2], r->seg[4]);
    else if (strcmp(what, "settings") == 0 && r->n_seg == 2)
        settings(r);
    else if (strcmp(what, "schema") == 0 && r->n_seg == 2 && METHOD_IS("GET"))
        msoc_api__schema(r);
    else if (strcmp(what, "me") == 0 && r->n_seg == 2 && METHOD_IS("GET"))
        me(r);
    else if (strcmp(what, "tenants") == 0)
        tenants(r);
    else if (strcmp(what, "users") == 0)
        users(r);
    else if (strcmp(what, "grants") == 0)
        grants(r);
    else if (strcmp(what, "tokens") == 0)
        tokens(r);
    else if (strcmp(what, "groups") == 0)
        groups(r);
    else if (strcmp(what, "queries") == 0)
        queries(r);
    else if (strcmp(what, "cases") == 0 && r->n_seg == 2 && METHOD_IS("GET"))
        all_cases(r);
    else if (strcmp(what, "incidents") == 0 && r->n_seg == 3 && SEG_IS(2, "bulk") && METHOD_IS("POST"))
        bulk(r, false);
    else if (strcmp(what, "alerts") == 0 && r->n_seg == 3 && SEG_IS(2, "bulk") && METHOD_IS("POST"))
        bulk(r, true);
    else if (strcmp(what, "alerts") == 0 && r->n_seg == 3 && SEG_IS(2, "move") && METHOD_IS("POST"))
        move_alerts(r);
    else if (strcmp(what, "audit") == 0 && r->n_seg == 2 && METHOD_IS("GET"))
        audit(r);
    else if (strcmp(what, "status") == 0 && r->n_seg == 2 && METHOD_IS("GET"))
        status(r);
    else
        return false;
    return true;
}
