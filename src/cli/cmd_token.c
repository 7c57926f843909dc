/* multisoc token: create (printed once; only its hash is stored), list and revoke
 * API tokens. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "cli.h"
#include "soc/soc.h"

static const cli_opt token_opts[] = {
    {"data", 'd', "DIR", "the data directory", NULL},
    {"user", 'u', "NAME", "the token's user (create; list filters by it)", NULL},
    {"tenants", 't', "T,...", "limit the token to these tenants (ids or names)", NULL},
    {"role", 'r', "ROLE", "cap the token's role: reader, responder, admin, or ingest (push data into tenants the user administers, nothing else)", NULL},
    {"expires", 'e', "WHEN", "a datetime, or a timespan from now such as 30d", NULL},
    {"name", 'n', "NAME", "a label for the token", "cli"},
    {"id", 0, "ID", "the token to revoke", NULL},
    {0},
};

static const cli_spec token_spec = {
    "token (create|list|revoke) --data DIR [--user N] [--tenants T,...] [--role R] [--expires D] [--id ID]",
    "Creates an API token (printed once: store it now), lists tokens, or revokes one;\n"
    "a revoked token stops working at once. Send it as 'Authorization: Bearer <token>'.",
    token_opts, 1, 1,
    "example:\n  multisoc token create --data ./data --user ana --tenants Contoso --role reader --expires 30d",
};

int cli_cmd_token(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&token_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    const char *verb = a.pos[0];
    if (!cli_get(&a, "data")) {
        fprintf(stderr, "multisoc token: --data DIR is required\n");
        return 2;
    }
    if (strcmp(verb, "create") && strcmp(verb, "list") && strcmp(verb, "revoke")) {
        fprintf(stderr, "multisoc token: unknown action '%s' (create, list, revoke)\n", verb);
        return 2;
    }
    if (strcmp(verb, "create") == 0 && !cli_get(&a, "user")) {
        fprintf(stderr, "multisoc token create: --user is required\n");
        return 2;
    }
    long long tid = 0;
    if (strcmp(verb, "revoke") == 0 && (!cli_get(&a, "id") || !cli_get_i64(&a, "id", 1, INT64_MAX, &tid))) {
        fprintf(stderr, "multisoc token revoke: --id is required\n");
        return 2;
    }
    msoc_error err;
    msoc_error_clear(&err);
    msoc_soc *db = NULL;
    msoc_auth *auth = NULL;
    msoc_arena *ar = msoc_arena_new(NULL, 0, "cli");
    msoc_status st = msoc_soc_open(cli_get(&a, "data"), NULL, &db, &err);
    if (st == MSOC_OK)
        st = msoc_auth_new(db, NULL, &auth, &err);
    msoc_soc_user u = {0};
    if (st == MSOC_OK && cli_get(&a, "user"))
        st = msoc_soc_user_get(db, cli_get(&a, "user"), ar, &u, &err);
    if (st == MSOC_OK && strcmp(verb, "create") == 0) {
        msoc_soc_role role = MSOC_SOC_ROLE_NONE;
        if (cli_get(&a, "role"))
            st = msoc_soc_role_parse(cli_get(&a, "role"), &role, &err);
        msoc_datetime exp = MSOC_TIME_NULL;
        const char *e = cli_get(&a, "expires");
        if (st == MSOC_OK && e) {
            msoc_timespan ts;
            if (msoc_timespan_parse_fast(e, strlen(e), &ts) && ts > 0)
                exp = msoc_datetime_now() + ts;
            else
                st = msoc_datetime_parse(e, strlen(e), &exp, &err);
        }
        const char *ten[256];
        size_t n_ten = 0;
        const char *list = cli_get(&a, "tenants");
        for (const char *p = list; st == MSOC_OK && p && *p;) {
            const char *c = strchr(p, ',');
            size_t len = c ? (size_t)(c - p) : strlen(p);
            if (n_ten == 256)
                st = msoc_fail(&err, MSOC_LIMIT, "at most 256 tenants per token");
            else if (len)
                ten[n_ten++] = msoc_arena_strndup(ar, p, len);
            p = c ? c + 1 : p + len;
        }
        char tok[MSOC_AUTH_SECRET_CAP];
        int64_t id;
        if (st == MSOC_OK)
            st = msoc_auth_token_create(auth, u.id, cli_get(&a, "name"), ten, n_ten, role, exp, "cli", tok,
                                        &id, &err);
        if (st == MSOC_OK) {
            printf("%s\n", tok);
            fprintf(stderr, "multisoc token: created token %lld for %s; it is shown only once\n",
                    (long long)id, u.name);
        }
    } else if (st == MSOC_OK && strcmp(verb, "list") == 0) {
        msoc_soc_token *v;
        size_t n;
        st = msoc_soc_token_list(db, u.id, ar, &v, &n, &err);
        for (size_t i = 0; st == MSOC_OK && i < n; i++) {
            char exp[MSOC_DATETIME_FMT_CAP] = "never";
            if (v[i].expires != MSOC_TIME_NULL)
                msoc_datetime_format(v[i].expires, exp);
            printf("%lld\tuser %lld\t%s\trole %s\ttenants %s\texpires %s%s\n", (long long)v[i].id,
                   (long long)v[i].user_id, v[i].name, msoc_soc_role_str(v[i].role),
                   *v[i].tenants ? v[i].tenants : "(all granted)", exp, v[i].is_revoked ? "\trevoked" : "");
        }
    } else if (st == MSOC_OK) {
        st = msoc_soc_token_revoke(db, tid, u.id, "cli", &err);
        if (st == MSOC_OK)
            printf("revoked %lld\n", tid);
    }
    rc = st == MSOC_OK ? 0 : cli_report("token", &err);
    msoc_arena_free(ar);
    msoc_auth_free(auth);
    msoc_soc_close(db);
    return rc;
}
