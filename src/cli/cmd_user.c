/* multisoc user: add, list, disable, enable and remove users (argon2id passwords;
 * never on the command line). */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "cli.h"
#include "core/mem.h"
#include "core/str.h"
#include "soc/soc.h"

static const cli_opt user_opts[] = {
    {"data", 'd', "DIR", "the data directory", NULL},
    {"name", 'n', "NAME", "the user name (add, disable, enable, remove)", NULL},
    {"password-file", 0, "FILE", "read the password from FILE (first line)", NULL},
    {"password-stdin", 0, NULL, "read the password from standard input (first line)", NULL},
    {"admin", 0, NULL, "make the user an instance admin (manages tenants, users, grants)", NULL},
    {0},
};

static const cli_spec user_spec = {
    "user (add|list|disable|enable|remove) --data DIR [--name N [(--password-file F | --password-stdin) [--admin]]]",
    "Adds, lists, disables, enables or removes users. Passwords are hashed with argon2id\n"
    "and are never taken from the command line. Each user gets an undeletable private\n"
    "tenant group. Disabling ends the user's sessions and refuses its tokens at once (a\n"
    "running server sees it on the next request); removing also deletes its tokens,\n"
    "grants and private group. The last enabled instance admin cannot be disabled or removed.",
    user_opts, 1, 1,
    "example:\n  printf 'long passphrase\\n' | multisoc user add --data ./data --name ana --password-stdin",
};

/* Reads the first line of f (without the newline) into an owned string. */
static char *read_line(FILE *f, size_t *len)
{
    msoc_buf b;
    msoc_buf_init(&b, 4096);
    int c;
    while ((c = fgetc(f)) != EOF && c != '\n')
        if (msoc_buf_putc(&b, (char)c) != MSOC_OK)
            break;
    if (b.len && b.data[b.len - 1] == '\r')
        b.data[--b.len] = 0;
    return msoc_buf_steal(&b, len);
}

int cli_cmd_user(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&user_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    const char *verb = a.pos[0];
    if (!cli_get(&a, "data")) {
        fprintf(stderr, "multisoc user: --data DIR is required\n");
        return 2;
    }
    bool is_add = strcmp(verb, "add") == 0;
    bool is_change = strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0 || strcmp(verb, "remove") == 0;
    if (!is_add && !is_change && strcmp(verb, "list") != 0) {
        fprintf(stderr, "multisoc user: unknown action '%s' (add, list, disable, enable, remove)\n", verb);
        return 2;
    }
    if (is_change && !cli_get(&a, "name")) {
        fprintf(stderr, "multisoc user %s: --name is required\n", verb);
        return 2;
    }
    char *pw = NULL;
    size_t pw_len = 0;
    if (is_add) {
        if (!cli_get(&a, "name")) {
            fprintf(stderr, "multisoc user add: --name is required\n");
            return 2;
        }
        if (cli_has(&a, "password-file") == cli_has(&a, "password-stdin")) {
            fprintf(stderr, "multisoc user add: give exactly one of --password-file and --password-stdin\n");
            return 2;
        }
        FILE *f = cli_has(&a, "password-stdin") ? stdin : fopen(cli_get(&a, "password-file"), "r");
        if (!f) {
            fprintf(stderr, "multisoc user add: cannot open %s\n", cli_get(&a, "password-file"));
            return 1;
        }
        pw = read_line(f, &pw_len);
        if (f != stdin)
            fclose(f);
    }
    msoc_error err;
    msoc_error_clear(&err);
    msoc_soc *db = NULL;
    msoc_auth *auth = NULL;
    msoc_arena *ar = msoc_arena_new(NULL, 0, "cli");
    msoc_status st = msoc_soc_open(cli_get(&a, "data"), NULL, &db, &err);
    if (st == MSOC_OK)
        st = msoc_auth_new(db, NULL, &auth, &err);
    if (st == MSOC_OK && is_add) {
        int64_t id;
        st = msoc_auth_user_add(auth, cli_get(&a, "name"), pw, pw_len, cli_has(&a, "admin"), "cli", &id, &err);
        if (st == MSOC_OK)
            printf("%lld\t%s%s\n", (long long)id, cli_get(&a, "name"), cli_has(&a, "admin") ? "\tadmin" : "");
    } else if (st == MSOC_OK && is_change) {
        msoc_soc_user u;
        st = msoc_soc_user_get(db, cli_get(&a, "name"), ar, &u, &err);
        if (st == MSOC_OK && strcmp(verb, "remove") == 0)
            st = msoc_soc_user_remove(db, u.id, "cli", &err);
        else if (st == MSOC_OK)
            st = msoc_soc_user_set_disabled(db, u.id, strcmp(verb, "disable") == 0, "cli", &err);
        if (st == MSOC_OK)
            printf("%lld\t%s\t%sd\n", (long long)u.id, u.name, verb);
    } else if (st == MSOC_OK) {
        msoc_soc_user *v;
        size_t n;
        st = msoc_soc_user_list(db, ar, &v, &n, &err);
        for (size_t i = 0; st == MSOC_OK && i < n; i++)
            printf("%lld\t%s%s%s\n", (long long)v[i].id, v[i].name, v[i].is_admin ? "\tadmin" : "",
                   v[i].is_disabled ? "\tdisabled" : "");
    }
    rc = st == MSOC_OK ? 0 : cli_report("user", &err);
    if (pw) {
        memset(pw, 0, pw_len);
        msoc_free(pw);
    }
    msoc_arena_free(ar);
    msoc_auth_free(auth);
    msoc_soc_close(db);
    return rc;
}
