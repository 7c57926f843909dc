/* The SOC half of `multisoc demo --data DIR`: register the generated tenants (from
 * the generator's manifest.json) under the cross-cloud rule, seed incidents, alerts
 * and cases across them, and create two logins: an instance admin who sees every
 * tenant and an analyst (responder) who sees only some. The logins are written to
 * DIR/demo-logins.txt (mode 0600) so `make demo` can show them again later. */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/auth.h"
#include "cli.h"
#include "core/arena.h"
#include "soc/soc.h"

/* The instance's home cloud for the demo: GCC manages GCC and Commercial tenants,
 * which is most of the generated mix; GCC High and DoD tenants are refused by the
 * cross-cloud rule and say so. */
#define DEMO_HOME_CLOUD MSOC_SOC_CLOUD_GCC
#define DEMO_INCIDENTS_PER_TENANT 25
#define DEMO_CASES_PER_TENANT 3

/* A random password of 16 characters from an unambiguous alphabet. */
static bool random_password(char out[17])
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    unsigned char raw[16];
    int fd = open("/dev/urandom", O_RDONLY);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, raw, sizeof raw);
    close(fd);
    if (n != (ssize_t)sizeof raw)
        return false;
    for (size_t i = 0; i < sizeof raw; i++)
        out[i] = alphabet[raw[i] % (sizeof alphabet - 1)];
    out[16] = '\0';
    return true;
}

static int fail(const char *what, msoc_error *err)
{
    msoc_error_prefix(err, "%s", what);
    return cli_report("demo", err);
}

int cli_demo_setup_soc(const char *data, const char *manifest_path, uint64_t seed, bool is_quiet,
                       const char *listen)
{
    json_error_t jerr;
    json_t *m = json_load_file(manifest_path, 0, &jerr);
    if (m == NULL) {
        fprintf(stderr, "multisoc demo: cannot read %s: %s (line %d)\n", manifest_path, jerr.text,
                jerr.line);
        return 1;
    }
    msoc_error err;
    msoc_error_clear(&err);
    msoc_soc_config cfg = {.home_cloud = DEMO_HOME_CLOUD};
    msoc_soc *db = NULL;
    msoc_auth *auth = NULL;
    msoc_arena *a = msoc_arena_new(NULL, 0, "demo");
    int rc = 1;
    if (msoc_soc_open(data, &cfg, &db, &err) != MSOC_OK) {
        rc = fail("opening the SOC database", &err);
        goto done;
    }
    json_t *tenants = json_object_get(m, "tenants");
    size_t n = json_array_size(tenants);
    const char **ids = msoc_arena_calloc(a, n ? n : 1, sizeof *ids);
    size_t n_ok = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_array_get(tenants, i);
        const char *id = json_string_value(json_object_get(t, "id"));
        const char *name = json_string_value(json_object_get(t, "name"));
        const char *domain = json_string_value(json_object_get(t, "domain"));
        const char *cloud_s = json_string_value(json_object_get(t, "cloud"));
        msoc_soc_cloud cloud;
        if (!id || !name || !domain || !cloud_s ||
            msoc_soc_cloud_parse(cloud_s, &cloud, &err) != MSOC_OK) {
            fprintf(stderr, "multisoc demo: %s: tenant %zu is malformed\n", manifest_path, i);
            goto done;
        }
        msoc_soc_tenant out;
        msoc_status st = msoc_soc_tenant_add(db, id, name, domain, cloud, "demo", a, &out, &err);
        if (st == MSOC_FORBID) {
            if (!is_quiet)
                fprintf(stderr, "multisoc demo: tenant %s (%s) not registered: %s\n", name,
                        cloud_s, err.msg);
            msoc_error_clear(&err);
            continue;
        }
        if (st != MSOC_OK) {
            rc = fail("registering the demo tenants", &err);
            goto done;
        }
        ids[n_ok++] = out.id;
    }
    if (msoc_soc_demo_seed(db, ids, n_ok, DEMO_INCIDENTS_PER_TENANT, DEMO_CASES_PER_TENANT, seed,
                           &err) != MSOC_OK) {
        rc = fail("seeding incidents, alerts and cases", &err);
        goto done;
    }
    if (msoc_auth_new(db, NULL, &auth, &err) != MSOC_OK) {
        rc = fail("starting authentication", &err);
        goto done;
    }
    char admin_pw[17], analyst_pw[17];
    if (!random_password(admin_pw) || !random_password(analyst_pw)) {
        fprintf(stderr, "multisoc demo: cannot read /dev/urandom for the demo passwords\n");
        goto done;
    }
    int64_t admin_id, analyst_id;
    if (msoc_auth_user_add(auth, "admin", admin_pw, 16, true, "demo", &admin_id, &err) != MSOC_OK ||
        msoc_auth_user_add(auth, "analyst", analyst_pw, 16, false, "demo", &analyst_id, &err) !=
            MSOC_OK) {
        rc = fail("creating the demo users", &err);
        goto done;
    }
    /* The analyst works the first half of the tenants (at least one). */
    size_t n_analyst = n_ok > 1 ? n_ok / 2 : n_ok;
    for (size_t i = 0; i < n_analyst; i++) {
        if (msoc_soc_grant_set(db, analyst_id, ids[i], MSOC_SOC_ROLE_RESPONDER, "demo", &err) !=
            MSOC_OK) {
            rc = fail("granting the analyst", &err);
            goto done;
        }
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/demo-logins.txt", data);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL) {
        fprintf(stderr, "multisoc demo: cannot write %s\n", path);
        if (fd >= 0)
            close(fd);
        goto done;
    }
    fprintf(f,
            "URL:     http://%s/\n"
            "admin:   user 'admin'   password '%s'  (instance admin: all %zu tenants)\n"
            "analyst: user 'analyst' password '%s'  (responder on %zu of %zu tenants)\n",
            listen, admin_pw, n_ok, analyst_pw, n_analyst, n_ok);
    fclose(f);
    printf("demo: %zu tenants registered (home cloud %s), %d incidents and %d cases each; logins "
           "in %s\n",
           n_ok, msoc_soc_cloud_str(DEMO_HOME_CLOUD), DEMO_INCIDENTS_PER_TENANT,
           DEMO_CASES_PER_TENANT, path);
    rc = 0;
done:
    msoc_auth_free(auth);
    msoc_soc_close(db);
    msoc_arena_free(a);
    json_decref(m);
    return rc;
}

void cli_demo_print_logins(const char *data)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/demo-logins.txt", data);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    char line[512];
    printf("\n");
    while (fgets(line, sizeof line, f) != NULL)
        printf("  %s", line);
    printf("\n");
    fclose(f);
    fflush(stdout);
}
