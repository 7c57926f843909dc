/* multisoc tenant: add and list tenants, manage their workspaces. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/arena.h"
#include "soc/soc.h"

static const cli_opt tenant_opts[] = {
    {"data", 'd', "DIR", "the data directory", NULL},
    {"name", 'n', "NAME", "tenant name (add) or workspace name (workspace add/primary/remove)", NULL},
    {"domain", 0, "DOMAIN", "the tenant's primary domain (add)", NULL},
    {"cloud", 0, "CLOUD", "Commercial, GCC, GCC High or DoD (add)", NULL},
    {"id", 0, "GUID", "the tenant id (add; default: a new GUID)", NULL},
    {"tenant", 't', "TENANT", "tenant id or name (workspace commands)", NULL},
    {"home-cloud", 0, "CLOUD", "the instance's cloud when the database is created", "Commercial"},
    {"max-tenants", 0, "N", "set the instance's tenant cap (stored in its settings; default 100)", NULL},
    {"incidents", 0, "N", "demo incidents per tenant (seed)", "20"},
    {"cases", 0, "N", "demo cases per tenant (seed)", "3"},
    {"seed", 0, "N", "random seed (seed)", "1"},
    {0},
};

static const cli_spec tenant_spec = {
    "tenant (add|list|seed|workspace add|workspace list|workspace primary|workspace remove) --data DIR [options]",
    "Manages tenants and their workspaces. Adding a tenant obeys the cross-cloud rule (same\n"
    "cloud always; DoD and GCC High manage each other; GCC manages Commercial) and the\n"
    "tenant cap, and creates the tenant's primary workspace. 'seed' adds deterministic demo\n"
    "incidents, alerts and cases to --tenant T (or every tenant when T is omitted).",
    tenant_opts, 1, 2,
    "examples:\n"
    "  multisoc tenant add --data ./data --name Contoso --domain contoso.com\n"
    "  multisoc tenant workspace add --data ./data --tenant Contoso --name sentinel-eu\n"
    "  multisoc tenant workspace primary --data ./data --tenant Contoso --name sentinel-eu",
};

static int need(const cli_args *a, const char *opt)
{
    if (cli_get(a, opt))
        return 0;
    fprintf(stderr, "multisoc tenant: --%s is required here\n", opt);
    return 2;
}

int cli_cmd_tenant(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&tenant_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    if ((rc = need(&a, "data")))
        return rc;
    const char *verb = a.pos[0];
    const char *sub = a.n_pos > 1 ? a.pos[1] : NULL;
    bool is_ws = strcmp(verb, "workspace") == 0;
    if (!is_ws && a.n_pos != 1) {
        fprintf(stderr, "multisoc tenant: unexpected '%s'\n", a.pos[1]);
        return 2;
    }
    if (!is_ws && strcmp(verb, "add") != 0 && strcmp(verb, "list") != 0 && strcmp(verb, "seed") != 0) {
        fprintf(stderr, "multisoc tenant: unknown action '%s' (add, list, seed, workspace)\n", verb);
        return 2;
    }
    if (is_ws && (!sub || (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "primary") &&
                           strcmp(sub, "remove")))) {
        fprintf(stderr, "multisoc tenant workspace: expected add, list, primary or remove\n");
        return 2;
    }
    msoc_error err;
    msoc_error_clear(&err);
    msoc_soc_config cfg = {MSOC_SOC_CLOUD_COMMERCIAL, 0, 0};
    long long max_tenants = 0, n_inc, n_cases, seed;
    if (!cli_get_i64(&a, "max-tenants", 1, 1000000, &max_tenants) ||
        !cli_get_i64(&a, "incidents", 0, 1000000, &n_inc) || !cli_get_i64(&a, "cases", 0, 100000, &n_cases) ||
        !cli_get_i64(&a, "seed", 0, INT64_MAX, &seed))
        return 2;
    cfg.max_tenants = (int)max_tenants;
    msoc_soc *db = NULL;
    if (msoc_soc_cloud_parse(cli_get(&a, "home-cloud"), &cfg.home_cloud, &err) != MSOC_OK ||
        msoc_soc_open(cli_get(&a, "data"), &cfg, &db, &err) != MSOC_OK)
        return cli_report("tenant", &err);
    msoc_arena *ar = msoc_arena_new(NULL, 0, "cli");
    rc = 0;
    msoc_status st = MSOC_OK;
    if (!is_ws && strcmp(verb, "add") == 0) {
        msoc_soc_cloud c = msoc_soc_home_cloud(db);
        msoc_soc_tenant t;
        if ((rc = need(&a, "name")) || (rc = need(&a, "domain")))
            goto done;
        if (cli_get(&a, "cloud"))
            st = msoc_soc_cloud_parse(cli_get(&a, "cloud"), &c, &err);
        if (st == MSOC_OK)
            st = msoc_soc_tenant_add(db, cli_get(&a, "id"), cli_get(&a, "name"), cli_get(&a, "domain"), c,
                                     "cli", ar, &t, &err);
        if (st == MSOC_OK)
            printf("%s\t%s\t%s\t%s\n", t.id, t.name, t.domain, msoc_soc_cloud_str(t.cloud));
    } else if (!is_ws && strcmp(verb, "seed") == 0) {
        const char **ids;
        size_t n;
        msoc_soc_tenant t;
        if (cli_get(&a, "tenant")) {
            st = msoc_soc_tenant_get(db, NULL, cli_get(&a, "tenant"), ar, &t, &err);
            ids = &t.id;
            n = 1;
        } else {
            st = msoc_soc_tenant_ids(db, ar, &ids, &n, &err);
        }
        if (st == MSOC_OK)
            st = msoc_soc_demo_seed(db, ids, n, (int)n_inc, (int)n_cases, (uint64_t)seed, &err);
        if (st == MSOC_OK)
            printf("seeded %zu tenant(s) with %lld incidents and %lld cases each\n", n, n_inc, n_cases);
    } else if (!is_ws) {
        msoc_soc_tenant *v;
        size_t n;
        st = msoc_soc_tenant_list(db, NULL, ar, &v, &n, &err);
        for (size_t i = 0; st == MSOC_OK && i < n; i++)
            printf("%s\t%s\t%s\t%s\t%s\n", v[i].id, v[i].name, v[i].domain, msoc_soc_cloud_str(v[i].cloud),
                   v[i].status);
    } else {
        msoc_soc_tenant t;
        if (strcmp(sub, "list") == 0 && !cli_get(&a, "tenant")) {
            msoc_soc_workspace *v;
            size_t n;
            st = msoc_soc_workspace_list(db, NULL, NULL, ar, &v, &n, &err);
            for (size_t i = 0; st == MSOC_OK && i < n; i++)
                printf("%s\t%s\t%s%s\n", v[i].id, v[i].tenant_id, v[i].name, v[i].is_primary ? "\tprimary" : "");
            goto done;
        }
        if ((rc = need(&a, "tenant")))
            goto done;
        st = msoc_soc_tenant_get(db, NULL, cli_get(&a, "tenant"), ar, &t, &err);
        if (st == MSOC_OK && strcmp(sub, "list") == 0) {
            msoc_soc_workspace *v;
            size_t n;
            st = msoc_soc_workspace_list(db, NULL, t.id, ar, &v, &n, &err);
            for (size_t i = 0; st == MSOC_OK && i < n; i++)
                printf("%s\t%s\t%s%s\n", v[i].id, v[i].tenant_id, v[i].name, v[i].is_primary ? "\tprimary" : "");
        } else if (st == MSOC_OK) {
            if ((rc = need(&a, "name")))
                goto done;
            const char *name = cli_get(&a, "name");
            if (strcmp(sub, "add") == 0) {
                msoc_soc_workspace w;
                st = msoc_soc_workspace_add(db, NULL, t.id, name, "cli", ar, &w, &err);
                if (st == MSOC_OK)
                    printf("%s\t%s\t%s\n", w.id, w.tenant_id, w.name);
            } else if (strcmp(sub, "primary") == 0) {
                st = msoc_soc_workspace_set_primary(db, NULL, t.id, name, "cli", &err);
            } else {
                st = msoc_soc_workspace_remove(db, NULL, t.id, name, "cli", &err);
            }
        }
    }
done:
    if (st != MSOC_OK)
        rc = cli_report("tenant", &err);
    msoc_arena_free(ar);
    msoc_soc_close(db);
    return rc;
}
