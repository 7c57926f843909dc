/* src/soc: tenants and the cross-cloud rule, the tenant cap (1,000), workspaces,
 * groups, incidents and alerts (filters, patches, bulk, moves, comments, audit),
 * cases, tasks, saved queries, and that failed writes change nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/mem.h"
#include "soc/soc.h"

typedef struct fx {
    char dir[64];
    msoc_soc *db;
    msoc_arena *a;
    msoc_error err;
} fx;

static int setup(void **state)
{
    fx *f = msoc_calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/msoc-soc-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    msoc_soc_config cfg = {MSOC_SOC_CLOUD_COMMERCIAL, 0, 0};
    assert_int_equal(msoc_soc_open(f->dir, &cfg, &f->db, &f->err), MSOC_OK);
    f->a = msoc_arena_new(NULL, 0, "test");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    msoc_soc_close(f->db);
    msoc_arena_free(f->a);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (getenv("MSOC_KEEP") == NULL) {
        FILE *p = popen(cmd, "r");
        if (p)
            pclose(p);
    }
    msoc_free(f);
    return 0;
}

static const char *add_tenant(fx *f, const char *name)
{
    msoc_soc_tenant t;
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_soc_tenant_add(f->db, NULL, name, "example.com", MSOC_SOC_CLOUD_COMMERCIAL,
                                         "t", f->a, &t, &f->err), MSOC_OK);
    return t.id;
}

static void test_cloud_rule(void **state)
{
    (void)state;
    msoc_soc_cloud C = MSOC_SOC_CLOUD_COMMERCIAL, G = MSOC_SOC_CLOUD_GCC, H = MSOC_SOC_CLOUD_GCC_HIGH,
                   D = MSOC_SOC_CLOUD_DOD;
    assert_true(msoc_soc_cloud_can_manage(C, C));
    assert_true(msoc_soc_cloud_can_manage(D, H));
    assert_true(msoc_soc_cloud_can_manage(H, D));
    assert_true(msoc_soc_cloud_can_manage(G, C));
    assert_false(msoc_soc_cloud_can_manage(C, G));
    assert_false(msoc_soc_cloud_can_manage(C, D));
    assert_false(msoc_soc_cloud_can_manage(G, H));
    assert_false(msoc_soc_cloud_can_manage(H, C));
    msoc_soc_cloud c;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_soc_cloud_parse("gcc high", &c, &err), MSOC_OK);
    assert_int_equal(c, H);
    assert_int_equal(msoc_soc_cloud_parse("Mars", &c, &err), MSOC_INVALID);
}

static void test_tenants(void **state)
{
    fx *f = *state;
    assert_int_equal(msoc_soc_schema_version(f->db), 1);
    const char *t1 = add_tenant(f, "Contoso");
    msoc_soc_tenant t;
    /* refused clouds and duplicates */
    assert_int_equal(msoc_soc_tenant_add(f->db, NULL, "Gov", "gov.example", MSOC_SOC_CLOUD_DOD, "t", f->a,
                                         &t, &f->err), MSOC_FORBID);
    assert_non_null(strstr(f->err.msg, "DoD"));
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_soc_tenant_add(f->db, NULL, "contoso", "x.com", MSOC_SOC_CLOUD_COMMERCIAL, "t",
                                         f->a, &t, &f->err), MSOC_CONFLICT);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_soc_tenant_add(f->db, "not-a-guid", "X", "x.com", MSOC_SOC_CLOUD_COMMERCIAL,
                                         "t", f->a, &t, &f->err), MSOC_INVALID);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_soc_tenant_get(f->db, NULL, "Contoso", f->a, &t, &f->err), MSOC_OK);
    assert_string_equal(t.id, t1);
    /* out of scope looks absent */
    msoc_soc_scope empty = {NULL, 0};
    assert_int_equal(msoc_soc_tenant_get(f->db, &empty, t1, f->a, &t, &f->err), MSOC_NOTFOUND);
    msoc_error_clear(&f->err);

    /* workspaces: one primary, change it, cannot remove the primary */
    msoc_soc_workspace w;
    assert_int_equal(msoc_soc_workspace_add(f->db, NULL, t1, "secondary", "t", f->a, &w, &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_workspace_set_primary(f->db, NULL, t1, "secondary", "t", &f->err), MSOC_OK);
    msoc_soc_workspace *ws;
    size_t n;
    assert_int_equal(msoc_soc_workspace_list(f->db, NULL, t1, f->a, &ws, &n, &f->err), MSOC_OK);
    assert_int_equal(n, 2);
    int n_primary = 0;
    for (size_t i = 0; i < n; i++)
        n_primary += ws[i].is_primary;
    assert_int_equal(n_primary, 1);
    assert_true(ws[0].is_primary && strcmp(ws[0].name, "secondary") == 0);
    /* one workspace by id, by name, or the primary; an unknown one and an
     * out-of-scope tenant are absent */
    msoc_soc_workspace g;
    assert_int_equal(msoc_soc_workspace_get(f->db, NULL, t1, NULL, f->a, &g, &f->err), MSOC_OK);
    assert_string_equal(g.name, "secondary");
    assert_int_equal(msoc_soc_workspace_get(f->db, NULL, t1, "Contoso-primary", f->a, &g, &f->err), MSOC_OK);
    assert_false(g.is_primary);
    char old_id[37];
    snprintf(old_id, sizeof old_id, "%s", g.id);
    assert_int_equal(msoc_soc_workspace_get(f->db, NULL, t1, old_id, f->a, &g, &f->err), MSOC_OK);
    assert_string_equal(g.name, "Contoso-primary");
    assert_int_equal(msoc_soc_workspace_get(f->db, NULL, t1, "nope", f->a, &g, &f->err), MSOC_NOTFOUND);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_soc_workspace_get(f->db, &empty, t1, NULL, f->a, &g, &f->err), MSOC_NOTFOUND);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_soc_workspace_remove(f->db, NULL, t1, "secondary", "t", &f->err), MSOC_CONFLICT);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_soc_workspace_remove(f->db, NULL, t1, "Contoso-primary", "t", &f->err), MSOC_OK);
}

static void test_tenant_cap_1000(void **state)
{
    fx *f = *state;
    msoc_soc_tenant t;
    /* the default cap is 100 */
    for (int i = 0; i < 100; i++) {
        char name[32];
        snprintf(name, sizeof name, "t%04d", i);
        assert_int_equal(msoc_soc_tenant_add(f->db, NULL, name, "x.com", MSOC_SOC_CLOUD_COMMERCIAL, "t",
                                             f->a, &t, &f->err), MSOC_OK);
    }
    assert_int_equal(msoc_soc_tenant_add(f->db, NULL, "over", "x.com", MSOC_SOC_CLOUD_COMMERCIAL, "t",
                                         f->a, &t, &f->err), MSOC_LIMIT);
    msoc_error_clear(&f->err);
    msoc_soc_set_max_tenants(f->db, 1000);
    for (int i = 100; i < 1000; i++) {
        char name[32];
        snprintf(name, sizeof name, "t%04d", i);
        assert_int_equal(msoc_soc_tenant_add(f->db, NULL, name, "x.com", MSOC_SOC_CLOUD_COMMERCIAL, "t",
                                             f->a, &t, &f->err), MSOC_OK);
    }
    assert_int_equal(msoc_soc_tenant_add(f->db, NULL, "over", "x.com", MSOC_SOC_CLOUD_COMMERCIAL, "t",
                                         f->a, &t, &f->err), MSOC_LIMIT);
    msoc_error_clear(&f->err);
    msoc_soc_tenant *all;
    size_t n;
    assert_int_equal(msoc_soc_tenant_list(f->db, NULL, f->a, &all, &n, &f->err), MSOC_OK);
    assert_int_equal(n, 1000);
}

static int64_t add_incident(fx *f, const char *tenant, const char *name, const char *sev)
{
    msoc_soc_incident in;
    memset(&in, 0, sizeof in);
    in.tenant_id = tenant;
    in.display_name = name;
    in.severity = sev;
    int64_t id = 0;
    assert_int_equal(msoc_soc_incident_create(f->db, NULL, &in, "t", &id, &f->err), MSOC_OK);
    return id;
}

static const char *add_alert(fx *f, const char *tenant, int64_t inc)
{
    msoc_soc_alert al;
    memset(&al, 0, sizeof al);
    al.tenant_id = tenant;
    al.incident_id = inc;
    al.title = "alert";
    al.detection_source = "antivirus";
    al.service_source = "microsoftDefenderForEndpoint";
    al.mitre_techniques_json = "[\"T1059\"]";
    al.evidence_json = "[{\"@odata.type\":\"#microsoft.graph.security.userEvidence\"}]";
    al.additional_data_json = "{\"k\":1}";
    const char *id;
    assert_int_equal(msoc_soc_alert_create(f->db, NULL, &al, "t", f->a, &id, &f->err), MSOC_OK);
    return id;
}

static void test_incidents(void **state)
{
    fx *f = *state;
    const char *t1 = add_tenant(f, "A");
    const char *t2 = add_tenant(f, "B");
    int64_t i1 = add_incident(f, t1, "one", "high");
    int64_t i2 = add_incident(f, t1, "two", "low");
    int64_t i3 = add_incident(f, t2, "three", "high");
    const char *a1 = add_alert(f, t1, i1);
    const char *a2 = add_alert(f, t1, i1);
    const char *a3 = add_alert(f, t2, i3);
    (void)a3;

    /* enum validation */
    msoc_soc_incident bad;
    memset(&bad, 0, sizeof bad);
    bad.tenant_id = t1;
    bad.display_name = "x";
    bad.severity = "extreme";
    int64_t id;
    assert_int_equal(msoc_soc_incident_create(f->db, NULL, &bad, "t", &id, &f->err), MSOC_INVALID);
    assert_non_null(strstr(f->err.msg, "severity"));
    msoc_error_clear(&f->err);

    /* scope: tenant B only */
    const char *only_b[] = {t2};
    msoc_soc_scope sb = {only_b, 1};
    msoc_soc_incident *v;
    size_t n;
    int64_t total;
    msoc_soc_list_opts o = {0};
    o.want_count = true;
    assert_int_equal(msoc_soc_incident_list(f->db, &sb, &o, f->a, &v, &n, &total, &f->err), MSOC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 1);
    assert_int_equal(v[0].id, i3);
    msoc_soc_incident one;
    assert_int_equal(msoc_soc_incident_get(f->db, &sb, i1, f->a, &one, &f->err), MSOC_NOTFOUND);
    msoc_error_clear(&f->err);

    /* filter: severity eq 'high' and status in ('active') */
    msoc_soc_value vh = {"high", 4, true}, va = {"active", 6, true};
    msoc_soc_expr e1 = {MSOC_SOC_EXPR_CMP, MSOC_SOC_CMP_EQ, "severity", &vh, 1, NULL, NULL};
    msoc_soc_expr e2 = {MSOC_SOC_EXPR_IN, 0, "status", &va, 1, NULL, NULL};
    msoc_soc_expr e = {MSOC_SOC_EXPR_AND, 0, NULL, NULL, 0, &e1, &e2};
    o.filter = &e;
    assert_int_equal(msoc_soc_incident_list(f->db, NULL, &o, f->a, &v, &n, &total, &f->err), MSOC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(total, 2);
    /* unknown enum value and unknown field in a filter */
    msoc_soc_value vx = {"extreme", 7, true};
    e1.values = &vx;
    assert_int_equal(msoc_soc_incident_list(f->db, NULL, &o, f->a, &v, &n, &total, &f->err), MSOC_INVALID);
    msoc_error_clear(&f->err);
    e1.values = &vh;
    e1.field = "nope";
    assert_int_equal(msoc_soc_incident_list(f->db, NULL, &o, f->a, &v, &n, &total, &f->err), MSOC_INVALID);
    msoc_error_clear(&f->err);
    /* ordering and paging */
    o.filter = NULL;
    o.orderby = "displayName";
    o.top = 2;
    assert_int_equal(msoc_soc_incident_list(f->db, NULL, &o, f->a, &v, &n, &total, &f->err), MSOC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].display_name, "one");
    assert_string_equal(v[1].display_name, "three");
    assert_int_equal(total, 3);

    /* patch */
    msoc_soc_patch p = {0};
    p.status = "resolved";
    p.classification = "truePositive";
    p.determination = "malware";
    p.custom_tags_json = "[\"x\"]";
    assert_int_equal(msoc_soc_incident_patch(f->db, NULL, i1, &p, "t", &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_incident_get(f->db, NULL, i1, f->a, &one, &f->err), MSOC_OK);
    assert_string_equal(one.status, "resolved");
    assert_string_equal(one.custom_tags_json, "[\"x\"]");
    /* patch outside scope */
    assert_int_equal(msoc_soc_incident_patch(f->db, &sb, i1, &p, "t", &f->err), MSOC_NOTFOUND);
    msoc_error_clear(&f->err);
    /* bad tags JSON */
    msoc_soc_patch pb = {0};
    pb.custom_tags_json = "[1,2";
    assert_int_equal(msoc_soc_incident_patch(f->db, NULL, i1, &pb, "t", &f->err), MSOC_INVALID);
    msoc_error_clear(&f->err);

    /* bulk assignment: the assignee needs a grant on every affected tenant; all or nothing */
    int64_t uid;
    assert_int_equal(msoc_soc_user_add(f->db, "ana", "", false, "t", &uid, &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_grant_set(f->db, uid, t1, MSOC_SOC_ROLE_RESPONDER, "t", &f->err), MSOC_OK);
    int64_t ids[] = {i1, i2, i3};
    msoc_soc_patch pa = {0};
    pa.assigned_to = "ana";
    pa.add_tag = "bulk";
    assert_int_equal(msoc_soc_incident_bulk_patch(f->db, NULL, ids, 3, &pa, "t", &f->err), MSOC_FORBID);
    assert_non_null(strstr(f->err.msg, t2));
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_soc_incident_get(f->db, NULL, i1, f->a, &one, &f->err), MSOC_OK);
    assert_null(one.assigned_to); /* nothing changed */
    assert_int_equal(msoc_soc_incident_bulk_patch(f->db, NULL, ids, 2, &pa, "t", &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_incident_get(f->db, NULL, i2, f->a, &one, &f->err), MSOC_OK);
    assert_string_equal(one.assigned_to, "ana");
    assert_string_equal(one.custom_tags_json, "[\"bulk\"]");

    /* alerts: fields round-trip, patch, list per incident */
    msoc_soc_alert al;
    assert_int_equal(msoc_soc_alert_get(f->db, NULL, a1, f->a, &al, &f->err), MSOC_OK);
    assert_string_equal(al.mitre_techniques_json, "[\"T1059\"]");
    assert_string_equal(al.detection_source, "antivirus");
    assert_string_equal(al.additional_data_json, "{\"k\":1}");
    msoc_soc_patch ap = {0};
    ap.status = "resolved";
    assert_int_equal(msoc_soc_alert_patch(f->db, NULL, a1, &ap, "t", &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_alert_get(f->db, NULL, a1, f->a, &al, &f->err), MSOC_OK);
    assert_true(al.resolved != MSOC_TIME_NULL);
    ap.status = "active"; /* an incident status, not an alert status */
    assert_int_equal(msoc_soc_alert_patch(f->db, NULL, a1, &ap, "t", &f->err), MSOC_INVALID);
    msoc_error_clear(&f->err);

    /* move: comment required, cross-tenant refused, new incident made */
    const char *mv[] = {a1, a2};
    int64_t target;
    assert_int_equal(msoc_soc_alerts_move(f->db, NULL, mv, 2, 0, "moved", "", "t", &target, &f->err),
                     MSOC_INVALID);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_soc_alerts_move(f->db, NULL, mv, 2, i3, NULL, "why", "t", &target, &f->err),
                     MSOC_INVALID);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_soc_alerts_move(f->db, NULL, mv, 2, 0, "moved", "why", "t", &target, &f->err),
                     MSOC_OK);
    msoc_soc_alert *av;
    assert_int_equal(msoc_soc_alert_list(f->db, NULL, target, NULL, f->a, &av, &n, NULL, &f->err), MSOC_OK);
    assert_int_equal(n, 2);
    msoc_soc_comment *cv;
    char tobj[24];
    snprintf(tobj, sizeof tobj, "%lld", (long long)target);
    assert_int_equal(msoc_soc_comment_list(f->db, "incident", tobj, f->a, &cv, &n, &f->err), MSOC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(cv[0].comment, "why");

    /* comments: 30,000 characters is the limit (multi-byte counted as one) */
    size_t big = 30000 * 2 + 1;
    char *txt = msoc_malloc(big + 2);
    for (size_t i = 0; i < 30000; i++)
        memcpy(txt + 2 * i, "\xc3\xa9", 2);
    txt[60000] = 0;
    assert_int_equal(msoc_soc_comment_add(f->db, NULL, "alert", a3, txt, "t", &f->err), MSOC_OK);
    txt[60000] = 'x';
    txt[60001] = 0;
    assert_int_equal(msoc_soc_comment_add(f->db, NULL, "alert", a3, txt, "t", &f->err), MSOC_INVALID);
    msoc_error_clear(&f->err);
    msoc_free(txt);
    assert_int_equal(msoc_soc_comment_add(f->db, NULL, "alert", "nope", "x", "t", &f->err), MSOC_NOTFOUND);
    msoc_error_clear(&f->err);

    /* audit: every change recorded */
    msoc_soc_audit *au;
    char i1s[24];
    snprintf(i1s, sizeof i1s, "%lld", (long long)i1);
    assert_int_equal(msoc_soc_audit_list(f->db, NULL, "incident", i1s, 0, f->a, &au, &n, &f->err), MSOC_OK);
    assert_int_equal(n, 3); /* create, patch, bulk patch */
    assert_string_equal(au[0].action, "update");
    assert_non_null(strstr(au[0].detail, "ana"));
}

static void test_cases_queries_groups(void **state)
{
    fx *f = *state;
    const char *t1 = add_tenant(f, "A");
    const char *t2 = add_tenant(f, "B");
    int64_t inc = add_incident(f, t1, "x", "low");
    msoc_soc_case c;
    memset(&c, 0, sizeof c);
    c.tenant_id = t1;
    c.title = "case";
    c.priority = "Very low";
    c.due = MSOC_TIME_NULL;
    c.incident_ids = &inc;
    c.n_incidents = 1;
    int64_t id1, id2;
    assert_int_equal(msoc_soc_case_create(f->db, NULL, &c, "t", &id1, &f->err), MSOC_OK);
    assert_int_equal(id1, 1000);
    assert_int_equal(msoc_soc_case_create(f->db, NULL, &c, "t", &id2, &f->err), MSOC_OK);
    assert_int_equal(id2, 1001);
    c.tenant_id = t2;
    assert_int_equal(msoc_soc_case_create(f->db, NULL, &c, "t", &id2, &f->err), MSOC_INVALID); /* incident of A */
    msoc_error_clear(&f->err);
    c.n_incidents = 0;
    assert_int_equal(msoc_soc_case_create(f->db, NULL, &c, "t", &id2, &f->err), MSOC_OK);
    assert_int_equal(id2, 1000);
    c.priority = "urgent";
    assert_int_equal(msoc_soc_case_create(f->db, NULL, &c, "t", &id2, &f->err), MSOC_INVALID);
    msoc_error_clear(&f->err);
    msoc_soc_case got;
    assert_int_equal(msoc_soc_case_get(f->db, NULL, t1, 1000, f->a, &got, &f->err), MSOC_OK);
    assert_string_equal(got.status, "New");
    assert_int_equal(got.n_incidents, 1);
    /* statuses per tenant */
    const char *st[] = {"Triage", "Done"};
    msoc_soc_case_patch cp = {0};
    cp.due = MSOC_TIME_NULL;
    cp.status = "Triage";
    assert_int_equal(msoc_soc_case_patch_apply(f->db, NULL, t1, 1000, &cp, "t", &f->err), MSOC_INVALID);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_soc_case_statuses_set(f->db, NULL, t1, st, 2, "t", &f->err), MSOC_CONFLICT);
    msoc_error_clear(&f->err);
    const char *st2[] = {"New", "Triage", "Done"};
    assert_int_equal(msoc_soc_case_statuses_set(f->db, NULL, t1, st2, 3, "t", &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_case_patch_apply(f->db, NULL, t1, 1000, &cp, "t", &f->err), MSOC_OK);
    /* tasks */
    msoc_soc_task tk;
    memset(&tk, 0, sizeof tk);
    tk.tenant_id = t1;
    tk.case_id = 1000;
    tk.name = "collect logs";
    tk.due = MSOC_TIME_NULL;
    int64_t tid;
    assert_int_equal(msoc_soc_task_add(f->db, NULL, &tk, "t", &tid, &f->err), MSOC_OK);
    msoc_soc_task_patch tp = {0};
    tp.due = MSOC_TIME_NULL;
    tp.status = "Partially completed";
    assert_int_equal(msoc_soc_task_patch_apply(f->db, NULL, t1, 1000, tid, &tp, "t", &f->err), MSOC_OK);
    tp.status = "Done";
    assert_int_equal(msoc_soc_task_patch_apply(f->db, NULL, t1, 1000, tid, &tp, "t", &f->err), MSOC_INVALID);
    msoc_error_clear(&f->err);
    msoc_soc_activity *act;
    size_t n;
    assert_int_equal(msoc_soc_case_activity(f->db, NULL, t1, 1000, f->a, &act, &n, &f->err), MSOC_OK);
    assert_int_equal(n, 4); /* created, status, task added, task updated */
    /* scoped case reads */
    const char *only_b[] = {t2};
    msoc_soc_scope sb = {only_b, 1};
    assert_int_equal(msoc_soc_case_get(f->db, &sb, t1, 1000, f->a, &got, &f->err), MSOC_NOTFOUND);
    msoc_error_clear(&f->err);
    msoc_soc_case *cl;
    assert_int_equal(msoc_soc_case_list(f->db, &sb, NULL, 0, 0, f->a, &cl, &n, &f->err), MSOC_OK);
    assert_int_equal(n, 1);

    /* saved queries */
    msoc_soc_saved_query q = {0};
    q.name = "shared";
    q.query = "DeviceEvents | take 1";
    int64_t qid;
    assert_int_equal(msoc_soc_query_save(f->db, NULL, false, &q, "t", &qid, &f->err), MSOC_FORBID);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_soc_query_save(f->db, NULL, true, &q, "t", &qid, &f->err), MSOC_OK);
    q.tenant_id = t1;
    q.name = "a-only";
    assert_int_equal(msoc_soc_query_save(f->db, NULL, false, &q, "t", &qid, &f->err), MSOC_OK);
    msoc_soc_saved_query *qv;
    assert_int_equal(msoc_soc_query_list(f->db, &sb, f->a, &qv, &n, &f->err), MSOC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(qv[0].name, "shared");
    assert_int_equal(msoc_soc_query_remove(f->db, &sb, false, qid, "t", &f->err), MSOC_NOTFOUND);
    msoc_error_clear(&f->err);

    /* groups: a user's private group cannot be deleted */
    int64_t uid;
    assert_int_equal(msoc_soc_user_add(f->db, "bob", "", false, "t", &uid, &f->err), MSOC_OK);
    msoc_soc_group *gv;
    assert_int_equal(msoc_soc_group_list(f->db, uid, f->a, &gv, &n, &f->err), MSOC_OK);
    assert_int_equal(n, 1);
    assert_true(gv[0].is_private);
    assert_int_equal(msoc_soc_group_remove(f->db, gv[0].id, "t", &f->err), MSOC_FORBID);
    msoc_error_clear(&f->err);
    int64_t gid;
    assert_int_equal(msoc_soc_group_add(f->db, "europe", 0, "t", &gid, &f->err), MSOC_OK);
    const char *mem[] = {t1, t2};
    assert_int_equal(msoc_soc_group_set_tenants(f->db, gid, mem, 2, "t", &f->err), MSOC_OK);
    msoc_soc_group g;
    assert_int_equal(msoc_soc_group_get(f->db, gid, f->a, &g, &f->err), MSOC_OK);
    assert_int_equal(g.n_tenants, 2);
    assert_int_equal(msoc_soc_group_remove(f->db, gid, "t", &f->err), MSOC_OK);
}

static void test_demo_and_reopen(void **state)
{
    fx *f = *state;
    const char *ids[] = {add_tenant(f, "A"), add_tenant(f, "B")};
    msoc_status st = msoc_soc_demo_seed(f->db, ids, 2, 20, 3, 42, &f->err);
    if (st != MSOC_OK)
        print_error("%s\n", f->err.msg);
    assert_int_equal(st, MSOC_OK);
    msoc_soc_close(f->db);
    assert_int_equal(msoc_soc_open(f->dir, NULL, &f->db, &f->err), MSOC_OK);
    msoc_soc_incident *v;
    size_t n;
    int64_t total;
    msoc_soc_list_opts o = {0};
    o.want_count = true;
    assert_int_equal(msoc_soc_incident_list(f->db, NULL, &o, f->a, &v, &n, &total, &f->err), MSOC_OK);
    assert_int_equal(total, 40);
    assert_int_equal(n, 40);
    msoc_soc_case *cl;
    assert_int_equal(msoc_soc_case_list(f->db, NULL, ids[1], 0, 0, f->a, &cl, &n, &f->err), MSOC_OK);
    assert_int_equal(n, 3);
}

/* Users: disabling ends sessions, the last enabled admin is kept, removal takes
 * tokens, grants and the private group along; the tenant cap is stored. */
static void test_users_and_settings(void **state)
{
    fx *f = *state;
    const char *t1 = add_tenant(f, "One");
    int64_t admin, ana;
    assert_int_equal(msoc_soc_user_add(f->db, "admin", "", true, "t", &admin, &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_user_add(f->db, "ana", "", false, "t", &ana, &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_grant_set(f->db, ana, t1, MSOC_SOC_ROLE_RESPONDER, "t", &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_grant_set(f->db, ana, t1, MSOC_SOC_ROLE_INGEST, "t", &f->err), MSOC_INVALID);
    uint8_t h[32] = {1};
    assert_int_equal(msoc_soc_session_add(f->db, h, sizeof h, ana, "csrf", msoc_datetime_now() + 1000000000LL, &f->err),
                     MSOC_OK);
    msoc_soc_token tok = {0};
    tok.user_id = ana;
    tok.name = "t";
    tok.tenants = "";
    uint8_t th[32] = {2};
    int64_t tid;
    assert_int_equal(msoc_soc_token_add(f->db, &tok, th, sizeof th, "t", &tid, &f->err), MSOC_OK);

    /* disable: the session is gone at once; enable keeps it gone */
    int64_t uid;
    const char *csrf;
    assert_int_equal(msoc_soc_session_find(f->db, h, sizeof h, f->a, &uid, &csrf, &f->err), MSOC_OK);
    assert_int_equal(uid, ana);
    assert_int_equal(msoc_soc_user_set_disabled(f->db, ana, true, "t", &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_session_find(f->db, h, sizeof h, f->a, &uid, &csrf, &f->err), MSOC_UNAUTH);
    msoc_soc_user u;
    assert_int_equal(msoc_soc_user_get(f->db, "ana", f->a, &u, &f->err), MSOC_OK);
    assert_true(u.is_disabled);
    assert_int_equal(msoc_soc_user_set_disabled(f->db, ana, false, "t", &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_user_get(f->db, "ana", f->a, &u, &f->err), MSOC_OK);
    assert_false(u.is_disabled);

    /* the only enabled admin can be neither disabled nor removed; nothing changes */
    assert_int_equal(msoc_soc_user_set_disabled(f->db, admin, true, "t", &f->err), MSOC_CONFLICT);
    assert_int_equal(msoc_soc_user_remove(f->db, admin, "t", &f->err), MSOC_CONFLICT);
    assert_int_equal(msoc_soc_user_get(f->db, "admin", f->a, &u, &f->err), MSOC_OK);
    assert_false(u.is_disabled);

    /* removal takes the token, grants and private group along */
    msoc_soc_token got;
    assert_int_equal(msoc_soc_token_find(f->db, th, sizeof th, f->a, &got, &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_user_remove(f->db, ana, "t", &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_user_get(f->db, "ana", f->a, &u, &f->err), MSOC_NOTFOUND);
    assert_int_equal(msoc_soc_token_find(f->db, th, sizeof th, f->a, &got, &f->err), MSOC_UNAUTH);
    msoc_soc_grant *g;
    size_t ng;
    assert_int_equal(msoc_soc_grant_list(f->db, NULL, 0, f->a, &g, &ng, &f->err), MSOC_OK);
    assert_int_equal(ng, 0);
    msoc_soc_group *gr;
    size_t ngr;
    assert_int_equal(msoc_soc_group_list(f->db, 0, f->a, &gr, &ngr, &f->err), MSOC_OK);
    assert_int_equal(ngr, 1); /* admin's private group only */
    assert_int_equal(msoc_soc_user_remove(f->db, ana, "t", &f->err), MSOC_NOTFOUND);

    /* the tenant cap: stored when configured, read back on reopen */
    assert_int_equal(msoc_soc_max_tenants(f->db), MSOC_SOC_DEFAULT_MAX_TENANTS);
    assert_int_equal(msoc_soc_max_tenants_store(f->db, 0, "t", &f->err), MSOC_INVALID);
    assert_int_equal(msoc_soc_max_tenants_store(f->db, 7, "t", &f->err), MSOC_OK);
    msoc_soc_close(f->db);
    assert_int_equal(msoc_soc_open(f->dir, NULL, &f->db, &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_max_tenants(f->db), 7);
    msoc_soc_config cfg = {MSOC_SOC_CLOUD_COMMERCIAL, 12, 0};
    msoc_soc_close(f->db);
    assert_int_equal(msoc_soc_open(f->dir, &cfg, &f->db, &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_max_tenants(f->db), 12);
    msoc_soc_close(f->db);
    assert_int_equal(msoc_soc_open(f->dir, NULL, &f->db, &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_max_tenants(f->db), 12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cloud_rule),
        cmocka_unit_test_setup_teardown(test_tenants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tenant_cap_1000, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incidents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cases_queries_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_demo_and_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users_and_settings, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
