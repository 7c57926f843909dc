/* The Graph-compatible security routes: /v1.0/security/incidents and
 * /v1.0/security/alerts_v2 (list with OData options, get, PATCH, comments), in
 * Microsoft Graph's JSON shapes, across every tenant the caller may read. */
#include <stdio.h>
#include <string.h>

#include "api_int.h"
#include "odata.h"

typedef struct list_q {
    msoc_soc_list_opts o;
    bool is_count;
    bool is_expand_alerts;
    const char *select;     /* comma list or NULL */
    int64_t top;            /* what the caller asked (default page) */
    bool has_error;
} list_q;

typedef struct qctx {
    api_req *r;
    list_q *q;
    bool is_alert;
} qctx;

static bool parse_int_param(api_req *r, const char *name, const char *v, int64_t lo, int64_t hi,
                            int64_t *out)
{
    if (!msoc_str_to_i64(msoc_str_c(v), out) || *out < lo || *out > hi) {
        msoc_api__error(r, MSOC_INVALID, "%s must be an integer from %lld to %lld, not '%.40s'", name,
                        (long long)lo, (long long)hi, v);
        return false;
    }
    return true;
}

static bool on_param(void *ud, const char *key, const char *value)
{
    qctx *c = ud;
    api_req *r = c->r;
    list_q *q = c->q;
    if (key[0] != '$')
        return true; /* non-system parameters are ignored, as Graph does */
    if (strcmp(key, "$filter") == 0) {
        msoc_soc_expr *e;
        if (msoc_api_odata_filter_parse(value, strlen(value), r->a, &e, &r->err) != MSOC_OK) {
            msoc_api__fail(r);
            q->has_error = true;
            return false;
        }
        q->o.filter = e;
    } else if (strcmp(key, "$top") == 0) {
        if (!parse_int_param(r, "$top", value, 1, MSOC_SOC_PAGE_MAX, &q->top)) {
            q->has_error = true;
            return false;
        }
    } else if (strcmp(key, "$skip") == 0) {
        if (!parse_int_param(r, "$skip", value, 0, INT64_MAX / 2, &q->o.skip)) {
            q->has_error = true;
            return false;
        }
    } else if (strcmp(key, "$orderby") == 0) {
        if (msoc_api_odata_orderby_parse(value, r->a, &q->o.orderby, &q->o.is_desc, &r->err) != MSOC_OK) {
            msoc_api__fail(r);
            q->has_error = true;
            return false;
        }
    } else if (strcmp(key, "$count") == 0) {
        if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0) {
            msoc_api__error(r, MSOC_INVALID, "$count must be true or false");
            q->has_error = true;
            return false;
        }
        q->is_count = strcmp(value, "true") == 0;
    } else if (strcmp(key, "$expand") == 0) {
        if (c->is_alert || strcmp(value, "alerts") != 0) {
            msoc_api__error(r, MSOC_INVALID, "$expand supports only 'alerts' on incidents, not '%.60s'",
                            value);
            q->has_error = true;
            return false;
        }
        q->is_expand_alerts = true;
    } else if (strcmp(key, "$select") == 0) {
        q->select = value;
    } else if (strcmp(key, "group") == 0) {
        /* the tenant group narrowing every view (applied by msoc_api__scope) */
    } else {
        msoc_api__error(r, MSOC_INVALID, "unsupported query option '%.40s'; supported: $filter, $top,"
                        " $skip, $orderby, $count, $expand, $select", key);
        q->has_error = true;
        return false;
    }
    return true;
}

static bool parse_list(api_req *r, bool is_alert, list_q *q)
{
    memset(q, 0, sizeof *q);
    q->top = MSOC_SOC_PAGE_DEFAULT;
    qctx c = {r, q, is_alert};
    msoc_http_query_each(r->http, on_param, &c);
    if (q->has_error)
        return false;
    q->o.top = q->top + 1; /* one more tells whether a next page exists */
    q->o.want_count = q->is_count;
    return true;
}

static void apply_select(json_t *obj, const char *select)
{
    if (!select)
        return;
    json_t *keep = json_object();
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(obj, tmp, key, v) {
        bool is_kept = key[0] == '@';
        size_t n = strlen(key);
        for (const char *p = select; !is_kept && *p;) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            while (len && *p == ' ') {
                p++;
                len--;
            }
            is_kept = len == n && strncmp(p, key, n) == 0;
            p += len + (e ? 1 : 0);
            if (!e)
                break;
        }
        if (!is_kept)
            json_object_del(obj, key);
    }
    json_decref(keep);
}

/* Comments fetched in one query for a whole list page (NULL: fetch per object). */
typedef struct prefetch {
    msoc_soc_comment *c;
    size_t n;
} prefetch;

static json_t *comments_json(api_req *r, const char *kind, const char *id, const prefetch *pf)
{
    msoc_soc_comment *c;
    size_t n;
    json_t *arr = json_array();
    if (pf) {
        c = pf->c;
        n = pf->n;
    } else if (msoc_soc_comment_list(r->api->db, kind, id, r->a, &c, &n, &r->err) != MSOC_OK) {
        return arr;
    }
    for (size_t i = 0; i < n; i++) {
        if (pf && strcmp(c[i].object_id, id) != 0)
            continue;
        json_array_append_new(arr, json_pack("{s:s,s:s,s:o}", "comment", c[i].comment,
                                             "createdByDisplayName", c[i].created_by,
                                             "createdDateTime", msoc_api__dt(c[i].created)));
    }
    return arr;
}

static json_t *alert_json(api_req *r, const msoc_soc_alert *x, const prefetch *pf)
{
    char inc[24], url[512], iurl[512];
    snprintf(inc, sizeof inc, "%lld", (long long)x->incident_id);
    snprintf(url, sizeof url, "%s/#/alerts/%s", r->base_url, x->id);
    snprintf(iurl, sizeof iurl, "%s/#/incidents/%s", r->base_url, inc);
    json_t *j = json_object();
    json_object_set_new(j, "@odata.type", json_string("#microsoft.graph.security.alert"));
    json_object_set_new(j, "id", json_string(x->id));
    json_object_set_new(j, "providerAlertId", msoc_api__strn(x->provider_alert_id));
    json_object_set_new(j, "incidentId", json_string(inc));
    json_object_set_new(j, "status", json_string(x->status));
    json_object_set_new(j, "severity", json_string(x->severity));
    json_object_set_new(j, "classification", json_string(x->classification));
    json_object_set_new(j, "determination", json_string(x->determination));
    json_object_set_new(j, "serviceSource", json_string(x->service_source));
    json_object_set_new(j, "detectionSource", json_string(x->detection_source));
    json_object_set_new(j, "detectorId", msoc_api__strn(x->detector_id));
    json_object_set_new(j, "tenantId", json_string(x->tenant_id));
    json_object_set_new(j, "workspaceId", json_string(x->workspace_id));
    json_object_set_new(j, "title", json_string(x->title));
    json_object_set_new(j, "description", msoc_api__strn(x->description));
    json_object_set_new(j, "recommendedActions", msoc_api__strn(x->recommended_actions));
    json_object_set_new(j, "category", msoc_api__strn(x->category));
    json_object_set_new(j, "assignedTo", msoc_api__strn(x->assigned_to));
    json_object_set_new(j, "alertWebUrl", json_string(url));
    json_object_set_new(j, "incidentWebUrl", json_string(iurl));
    json_object_set_new(j, "actorDisplayName", msoc_api__strn(x->actor_display_name));
    json_object_set_new(j, "threatDisplayName", msoc_api__strn(x->threat_display_name));
    json_object_set_new(j, "threatFamilyName", msoc_api__strn(x->threat_family_name));
    json_object_set_new(j, "mitreTechniques", msoc_api__raw(x->mitre_techniques_json, "[]"));
    json_object_set_new(j, "createdDateTime", msoc_api__dt(x->created));
    json_object_set_new(j, "lastUpdateDateTime", msoc_api__dt(x->last_update));
    json_object_set_new(j, "resolvedDateTime", msoc_api__dt(x->resolved));
    json_object_set_new(j, "firstActivityDateTime", msoc_api__dt(x->first_activity));
    json_object_set_new(j, "lastActivityDateTime", msoc_api__dt(x->last_activity));
    json_object_set_new(j, "comments", comments_json(r, "alert", x->id, pf));
    json_object_set_new(j, "evidence", msoc_api__raw(x->evidence_json, "[]"));
    json_object_set_new(j, "systemTags", msoc_api__raw(x->system_tags_json, "[]"));
    json_object_set_new(j, "additionalData", msoc_api__raw(x->additional_data_json, "{}"));
    return j;
}

static json_t *incident_json(api_req *r, const msoc_soc_incident *x, bool expand,
                             const msoc_soc_scope *scope, const prefetch *pf)
{
    char id[24], url[512];
    snprintf(id, sizeof id, "%lld", (long long)x->id);
    snprintf(url, sizeof url, "%s/#/incidents/%s", r->base_url, id);
    json_t *j = json_object();
    json_object_set_new(j, "@odata.type", json_string("#microsoft.graph.security.incident"));
    json_object_set_new(j, "id", json_string(id));
    json_object_set_new(j, "tenantId", json_string(x->tenant_id));
    json_object_set_new(j, "workspaceId", json_string(x->workspace_id));
    json_object_set_new(j, "status", json_string(x->status));
    json_object_set_new(j, "incidentWebUrl", json_string(url));
    if (x->redirect_incident_id) {
        char rid[24];
        snprintf(rid, sizeof rid, "%lld", (long long)x->redirect_incident_id);
        json_object_set_new(j, "redirectIncidentId", json_string(rid));
    } else {
        json_object_set_new(j, "redirectIncidentId", json_null());
    }
    json_object_set_new(j, "displayName", json_string(x->display_name));
    json_object_set_new(j, "createdDateTime", msoc_api__dt(x->created));
    json_object_set_new(j, "lastUpdateDateTime", msoc_api__dt(x->last_update));
    json_object_set_new(j, "assignedTo", msoc_api__strn(x->assigned_to));
    json_object_set_new(j, "classification", json_string(x->classification));
    json_object_set_new(j, "determination", json_string(x->determination));
    json_object_set_new(j, "severity", json_string(x->severity));
    json_object_set_new(j, "customTags", msoc_api__raw(x->custom_tags_json, "[]"));
    json_object_set_new(j, "systemTags", msoc_api__raw(x->system_tags_json, "[]"));
    json_object_set_new(j, "description", msoc_api__strn(x->description));
    json_object_set_new(j, "summary", msoc_api__strn(x->summary));
    json_object_set_new(j, "resolvingComment", msoc_api__strn(x->resolving_comment));
    json_object_set_new(j, "comments", comments_json(r, "incident", id, pf));
    if (expand) {
        msoc_soc_alert *al;
        size_t n;
        msoc_soc_list_opts o = {0};
        o.top = MSOC_SOC_PAGE_MAX;
        json_t *arr = json_array();
        if (msoc_soc_alert_list(r->api->db, scope, x->id, &o, r->a, &al, &n, NULL, &r->err) == MSOC_OK)
            for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, alert_json(r, &al[i], NULL));
        json_object_set_new(j, "alerts", arr);
    }
    return j;
}

/* Percent-encodes v for a query string. */
static void url_encode(msoc_buf *b, const char *v)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~' || *p == '$' || *p == ',')
            msoc_buf_putc(b, (char)*p);
        else {
            msoc_buf_putc(b, '%');
            msoc_buf_putc(b, hex[*p >> 4]);
            msoc_buf_putc(b, hex[*p & 15]);
        }
    }
}

typedef struct link_ctx {
    msoc_buf *b;
    bool first;
} link_ctx;

static bool link_param(void *ud, const char *key, const char *value)
{
    link_ctx *c = ud;
    if (strcmp(key, "$skip") == 0 || strcmp(key, "$top") == 0)
        return true;
    msoc_buf_putc(c->b, c->first ? '?' : '&');
    c->first = false;
    url_encode(c->b, key);
    msoc_buf_putc(c->b, '=');
    url_encode(c->b, value);
    return true;
}

static void list_envelope(api_req *r, const char *ctx_name, json_t *arr, const list_q *q, size_t n,
                          int64_t total)
{
    json_t *j = json_object();
    char ctx[512];
    snprintf(ctx, sizeof ctx, "%s/v1.0/$metadata#security/%s", r->base_url, ctx_name);
    json_object_set_new(j, "@odata.context", json_string(ctx));
    if (q->is_count)
        json_object_set_new(j, "@odata.count", json_integer(total));
    json_object_set_new(j, "value", arr);
    if ((int64_t)n > q->top) {
        msoc_buf b;
        msoc_buf_init(&b, 1 << 16);
        msoc_buf_append_c(&b, r->base_url);
        msoc_buf_append_c(&b, r->http->path);
        link_ctx c = {&b, true};
        msoc_http_query_each(r->http, link_param, &c);
        msoc_buf_appendf(&b, "%c$top=%lld&$skip=%lld", c.first ? '?' : '&', (long long)q->top,
                         (long long)(q->o.skip + q->top));
        json_object_set_new(j, "@odata.nextLink", json_string(b.data));
        msoc_buf_fini(&b);
    }
    msoc_api__json(r, 200, j);
}

/* A write was refused with NOTFOUND under the write scope: if the caller can see
 * the object, the honest answer is 403 naming the missing role. */
static void write_denied(api_req *r, const char *what, const char *tenant)
{
    msoc_api__error(r, MSOC_FORBID, "your role on tenant %s does not allow changing %s", tenant, what);
}

static bool parse_patch(api_req *r, json_t *b, bool is_alert, msoc_soc_patch *p)
{
    static const char *const inc_keys[] = {"assignedTo", "classification", "determination", "status",
                                           "customTags", "description", "displayName",
                                           "resolvingComment", "severity", "summary", NULL};
    static const char *const alert_keys[] = {"assignedTo", "classification", "determination", "status",
                                             NULL};
    memset(p, 0, sizeof *p);
    if (!msoc_api__keys_ok(r, b, is_alert ? alert_keys : inc_keys))
        return false;
    if (!msoc_api__str(r, b, "assignedTo", true, &p->assigned_to) ||
        !msoc_api__str(r, b, "classification", false, &p->classification) ||
        !msoc_api__str(r, b, "determination", false, &p->determination) ||
        !msoc_api__str(r, b, "status", false, &p->status) ||
        !msoc_api__str(r, b, "description", false, &p->description) ||
        !msoc_api__str(r, b, "displayName", false, &p->display_name) ||
        !msoc_api__str(r, b, "resolvingComment", false, &p->resolving_comment) ||
        !msoc_api__str(r, b, "severity", false, &p->severity) ||
        !msoc_api__str(r, b, "summary", false, &p->summary))
        return false;
    json_t *tags = json_object_get(b, "customTags");
    if (tags) {
        size_t i;
        json_t *t;
        bool ok = json_is_array(tags);
        json_array_foreach(tags, i, t) ok = ok && json_is_string(t);
        if (!ok) {
            msoc_api__error(r, MSOC_INVALID, "customTags must be an array of strings");
            return false;
        }
        size_t n = json_dumpb(tags, NULL, 0, JSON_COMPACT);
        char *txt = msoc_arena_alloc(r->a, n + 1);
        if (!txt) {
            msoc_api__error(r, MSOC_LIMIT, "customTags is too large");
            return false;
        }
        json_dumpb(tags, txt, n, JSON_COMPACT);
        txt[n] = 0;
        p->custom_tags_json = txt;
    }
    return true;
}

static void incidents(api_req *r)
{
    const char *m = r->http->method;
    msoc_soc_scope rs;
    if (!msoc_api__scope(r, MSOC_AUTH_READ, &rs))
        return;
    if (r->n_seg == 3) {
        if (strcmp(m, "GET") != 0) {
            msoc_api__error(r, MSOC_UNSUPPORTED, "%s is not supported on incidents", m);
            return;
        }
        list_q q;
        if (!parse_list(r, false, &q))
            return;
        msoc_soc_incident *v;
        size_t n;
        int64_t total;
        if (msoc_soc_incident_list(r->api->db, &rs, &q.o, r->a, &v, &n, &total, &r->err) != MSOC_OK) {
            msoc_api__fail(r);
            return;
        }
        json_t *arr = json_array();
        prefetch pf = {NULL, 0};
        const char **ids = msoc_arena_calloc(r->a, n + 1, sizeof *ids);
        size_t n_ids = 0;
        for (size_t i = 0; ids && i < n && (int64_t)i < q.top; i++) {
            char buf[24];
            snprintf(buf, sizeof buf, "%lld", (long long)v[i].id);
            ids[n_ids++] = msoc_arena_strndup(r->a, buf, strlen(buf));
        }
        if (!ids || msoc_soc_comment_list_many(r->api->db, "incident", ids, n_ids, r->a, &pf.c, &pf.n,
                                               &r->err) != MSOC_OK) {
            msoc_api__fail(r);
            json_decref(arr);
            return;
        }
        for (size_t i = 0; i < n && (int64_t)i < q.top; i++) {
            json_t *o = incident_json(r, &v[i], q.is_expand_alerts, &rs, &pf);
            apply_select(o, q.select);
            json_array_append_new(arr, o);
        }
        list_envelope(r, "incidents", arr, &q, n, total);
        return;
    }
    int64_t id;
    msoc_soc_incident x;
    if (!msoc_str_to_i64(msoc_str_c(r->seg[3]), &id) ||
        msoc_soc_incident_get(r->api->db, &rs, id, r->a, &x, &r->err) != MSOC_OK) {
        msoc_api__error(r, MSOC_NOTFOUND, "no incident with id %.60s", r->seg[3]);
        return;
    }
    msoc_soc_scope ws;
    if (r->n_seg == 4 && strcmp(m, "GET") == 0) {
        list_q q;
        if (!parse_list(r, false, &q))
            return;
        json_t *o = incident_json(r, &x, q.is_expand_alerts, &rs, NULL);
        apply_select(o, q.select);
        msoc_api__json(r, 200, o);
    } else if (r->n_seg == 4 && strcmp(m, "PATCH") == 0) {
        json_t *b = msoc_api__body(r);
        msoc_soc_patch p;
        if (b && parse_patch(r, b, false, &p) && msoc_api__scope(r, MSOC_AUTH_RESPOND, &ws)) {
            if (!msoc_soc_scope_has(&ws, x.tenant_id))
                write_denied(r, "incidents", x.tenant_id);
            else if (msoc_soc_incident_patch(r->api->db, &ws, id, &p, r->actor, &r->err) != MSOC_OK ||
                     msoc_soc_incident_get(r->api->db, &rs, id, r->a, &x, &r->err) != MSOC_OK)
                msoc_api__fail(r);
            else
                msoc_api__json(r, 200, incident_json(r, &x, false, &rs, NULL));
        }
        json_decref(b);
    } else if (r->n_seg == 5 && strcmp(r->seg[4], "comments") == 0 && strcmp(m, "POST") == 0) {
        json_t *b = msoc_api__body(r);
        static const char *const keys[] = {"comment", NULL};
        const char *text;
        if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "comment", false, &text) &&
            msoc_api__scope(r, MSOC_AUTH_RESPOND, &ws)) {
            if (!msoc_soc_scope_has(&ws, x.tenant_id))
                write_denied(r, "incidents", x.tenant_id);
            else if (msoc_soc_comment_add(r->api->db, &ws, "incident", r->seg[3], text ? text : "",
                                          r->actor, &r->err) != MSOC_OK)
                msoc_api__fail(r);
            else {
                json_t *j = json_object();
                char ctx[400];
                snprintf(ctx, sizeof ctx, "%s/v1.0/$metadata#Collection(microsoft.graph.security.alertComment)",
                         r->base_url);
                json_object_set_new(j, "@odata.context", json_string(ctx));
                json_object_set_new(j, "value", comments_json(r, "incident", r->seg[3], NULL));
                msoc_api__json(r, 200, j);
            }
        }
        json_decref(b);
    } else {
        msoc_api__error(r, MSOC_NOTFOUND, "no route for %s %.200s", m, r->http->path);
    }
}

static void alerts(api_req *r)
{
    const char *m = r->http->method;
    msoc_soc_scope rs;
    if (!msoc_api__scope(r, MSOC_AUTH_READ, &rs))
        return;
    if (r->n_seg == 3) {
        if (strcmp(m, "GET") != 0) {
            msoc_api__error(r, MSOC_UNSUPPORTED, "%s is not supported on alerts_v2", m);
            return;
        }
        list_q q;
        if (!parse_list(r, true, &q))
            return;
        msoc_soc_alert *v;
        size_t n;
        int64_t total;
        if (msoc_soc_alert_list(r->api->db, &rs, 0, &q.o, r->a, &v, &n, &total, &r->err) != MSOC_OK) {
            msoc_api__fail(r);
            return;
        }
        json_t *arr = json_array();
        prefetch pf = {NULL, 0};
        const char **ids = msoc_arena_calloc(r->a, n + 1, sizeof *ids);
        size_t n_ids = 0;
        for (size_t i = 0; ids && i < n && (int64_t)i < q.top; i++)
            ids[n_ids++] = v[i].id;
        if (!ids || msoc_soc_comment_list_many(r->api->db, "alert", ids, n_ids, r->a, &pf.c, &pf.n,
                                               &r->err) != MSOC_OK) {
            msoc_api__fail(r);
            json_decref(arr);
            return;
        }
        for (size_t i = 0; i < n && (int64_t)i < q.top; i++) {
            json_t *o = alert_json(r, &v[i], &pf);
            apply_select(o, q.select);
            json_array_append_new(arr, o);
        }
        list_envelope(r, "alerts_v2", arr, &q, n, total);
        return;
    }
    const char *id = r->seg[3];
    msoc_soc_alert x;
    if (msoc_soc_alert_get(r->api->db, &rs, id, r->a, &x, &r->err) != MSOC_OK) {
        msoc_api__fail(r);
        return;
    }
    msoc_soc_scope ws;
    if (r->n_seg == 4 && strcmp(m, "GET") == 0) {
        list_q q;
        if (!parse_list(r, true, &q))
            return;
        json_t *o = alert_json(r, &x, NULL);
        apply_select(o, q.select);
        msoc_api__json(r, 200, o);
    } else if (r->n_seg == 4 && strcmp(m, "PATCH") == 0) {
        json_t *b = msoc_api__body(r);
        msoc_soc_patch p;
        if (b && parse_patch(r, b, true, &p) && msoc_api__scope(r, MSOC_AUTH_RESPOND, &ws)) {
            if (!msoc_soc_scope_has(&ws, x.tenant_id))
                write_denied(r, "alerts", x.tenant_id);
            else if (msoc_soc_alert_patch(r->api->db, &ws, id, &p, r->actor, &r->err) != MSOC_OK ||
                     msoc_soc_alert_get(r->api->db, &rs, id, r->a, &x, &r->err) != MSOC_OK)
                msoc_api__fail(r);
            else
                msoc_api__json(r, 200, alert_json(r, &x, NULL));
        }
        json_decref(b);
    } else if (r->n_seg == 5 && strcmp(r->seg[4], "comments") == 0 && strcmp(m, "POST") == 0) {
        json_t *b = msoc_api__body(r);
        static const char *const keys[] = {"comment", NULL};
        const char *text;
        if (b && msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "comment", false, &text) &&
            msoc_api__scope(r, MSOC_AUTH_RESPOND, &ws)) {
            if (!msoc_soc_scope_has(&ws, x.tenant_id))
                write_denied(r, "alerts", x.tenant_id);
            else if (msoc_soc_comment_add(r->api->db, &ws, "alert", id, text ? text : "", r->actor,
                                          &r->err) != MSOC_OK)
                msoc_api__fail(r);
            else {
                json_t *j = json_object();
                char ctx[400];
                snprintf(ctx, sizeof ctx, "%s/v1.0/$metadata#Collection(microsoft.graph.security.alertComment)",
                         r->base_url);
                json_object_set_new(j, "@odata.context", json_string(ctx));
                json_object_set_new(j, "value", comments_json(r, "alert", id, NULL));
                msoc_api__json(r, 200, j);
            }
        }
        json_decref(b);
    } else {
        msoc_api__error(r, MSOC_NOTFOUND, "no route for %s %.200s", m, r->http->path);
    }
}

bool msoc_api__graph_route(api_req *r)
{
    if (r->n_seg < 3 || strcmp(r->seg[0], "v1.0") != 0 || strcmp(r->seg[1], "security") != 0)
        return false;
    if (strcmp(r->seg[2], "incidents") == 0 && r->n_seg <= 5)
        incidents(r);
    else if (strcmp(r->seg[2], "alerts_v2") == 0 && r->n_seg <= 5)
        alerts(r);
    else
        return false;
    return true;
}
