/* Users, passwords (argon2id), sessions, API tokens and the one authorisation
 * function. Secrets are 32 random bytes, base64url; only BLAKE2b-256 hashes of
 * them are stored. */
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "core/mem.h"
#include "core/str.h"

struct msoc_auth {
    msoc_soc *db;
    unsigned long long ops;
    size_t mem;
    int64_t session_ttl;
};

msoc_status msoc_auth_new(msoc_soc *db, const msoc_auth_config *cfg, msoc_auth **out,
                          msoc_error *err)
{
    if (sodium_init() < 0)
        return msoc_fail(err, MSOC_INTERNAL, "libsodium failed to initialise");
    msoc_auth *a = msoc_calloc(1, sizeof *a);
    a->db = db;
    a->ops = cfg && cfg->pw_opslimit ? cfg->pw_opslimit : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    a->mem = cfg && cfg->pw_memlimit ? cfg->pw_memlimit : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    a->session_ttl = cfg && cfg->session_ttl_seconds > 0 ? cfg->session_ttl_seconds : 12 * 3600;
    *out = a;
    return MSOC_OK;
}

void msoc_auth_free(msoc_auth *a)
{
    msoc_free(a);
}

msoc_soc *msoc_auth_db(msoc_auth *a)
{
    return a->db;
}

const char *msoc_auth_action_str(msoc_auth_action a)
{
    switch (a) {
    case MSOC_AUTH_READ: return "read";
    case MSOC_AUTH_RESPOND: return "respond";
    case MSOC_AUTH_ADMIN: return "administer";
    case MSOC_AUTH_INSTANCE_ADMIN: return "manage the instance";
    case MSOC_AUTH_INGEST: return "ingest into";
    }
    return "?";
}

/* ---- secrets ------------------------------------------------------------------------- */

static void new_secret(const char *prefix, char *out)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    size_t pl = strlen(prefix);
    memcpy(out, prefix, pl);
    sodium_bin2base64(out + pl, MSOC_AUTH_SECRET_CAP - pl, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

static void hash_secret(const char *secret, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)secret, strlen(secret), NULL, 0);
}

static msoc_status check_password(const char *pw, size_t len, msoc_error *err)
{
    if (len < 8)
        return msoc_fail(err, MSOC_INVALID, "a password needs at least 8 characters");
    if (len > 1024)
        return msoc_fail(err, MSOC_INVALID, "a password may have at most 1024 bytes");
    (void)pw;
    return MSOC_OK;
}

static msoc_status hash_password(msoc_auth *a, const char *pw, size_t len,
                                 char out[crypto_pwhash_STRBYTES], msoc_error *err)
{
    if (crypto_pwhash_str_alg(out, pw, len, a->ops, a->mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return msoc_fail(err, MSOC_NOMEM, "hashing the password ran out of memory");
    return MSOC_OK;
}

msoc_status msoc_auth_user_add(msoc_auth *a, const char *name, const char *password, size_t len,
                               bool is_admin, const char *actor, int64_t *id_out, msoc_error *err)
{
    msoc_status r = check_password(password, len, err);
    char h[crypto_pwhash_STRBYTES];
    if (r == MSOC_OK)
        r = hash_password(a, password, len, h, err);
    if (r == MSOC_OK)
        r = msoc_soc_user_add(a->db, name, h, is_admin, actor, id_out, err);
    return r;
}

msoc_status msoc_auth_user_set_password(msoc_auth *a, const char *name, const char *password,
                                        size_t len, const char *actor, msoc_error *err)
{
    msoc_arena *ar = msoc_arena_new(NULL, 0, "auth");
    msoc_soc_user u;
    msoc_status r = msoc_soc_user_get(a->db, name, ar, &u, err);
    char h[crypto_pwhash_STRBYTES];
    if (r == MSOC_OK)
        r = check_password(password, len, err);
    if (r == MSOC_OK)
        r = hash_password(a, password, len, h, err);
    if (r == MSOC_OK)
        r = msoc_soc_user_set_password(a->db, u.id, h, actor, err);
    msoc_arena_free(ar);
    return r;
}

static void principal_from_user(const msoc_soc_user *u, msoc_principal *p)
{
    memset(p, 0, sizeof *p);
    p->user_id = u->id;
    p->name = u->name;
    p->is_admin = u->is_admin;
    p->token_tenants = "";
}

/* ---- sessions ---------------------------------------------------------------------------- */

msoc_status msoc_auth_login(msoc_auth *a, const char *name, const char *password, size_t len,
                            msoc_arena *ar, char *session_out, char *csrf_out,
                            msoc_principal *out, msoc_error *err)
{
    msoc_soc_user u;
    msoc_error e2;
    msoc_error_clear(&e2);
    msoc_status r = msoc_soc_user_get(a->db, name ? name : "", ar, &u, &e2);
    if (r != MSOC_OK && r != MSOC_NOTFOUND)
        return msoc_fail(err, r, "%s", e2.msg);
    bool ok = r == MSOC_OK && !u.is_disabled && *u.pwhash &&
              crypto_pwhash_str_verify(u.pwhash, password, len) == 0;
    if (!ok)
        return msoc_fail(err, MSOC_UNAUTH, "wrong user name or password");
    new_secret("s_", session_out);
    new_secret("", csrf_out);
    unsigned char h[32];
    hash_secret(session_out, h);
    r = msoc_soc_session_add(a->db, h, sizeof h, u.id, csrf_out,
                             msoc_datetime_now() + a->session_ttl * MSOC_TICKS_PER_SECOND, err);
    if (r != MSOC_OK)
        return r;
    principal_from_user(&u, out);
    out->via_session = true;
    out->csrf = msoc_arena_strndup(ar, csrf_out, strlen(csrf_out));
    return MSOC_OK;
}

msoc_status msoc_auth_session(msoc_auth *a, const char *session, msoc_arena *ar,
                              msoc_principal *out, msoc_error *err)
{
    unsigned char h[32];
    hash_secret(session, h);
    int64_t uid;
    const char *csrf;
    msoc_status r = msoc_soc_session_find(a->db, h, sizeof h, ar, &uid, &csrf, err);
    msoc_soc_user u;
    if (r == MSOC_OK)
        r = msoc_soc_user_get_id(a->db, uid, ar, &u, err);
    if (r == MSOC_OK && u.is_disabled)
        r = msoc_fail(err, MSOC_UNAUTH, "the user is disabled");
    if (r != MSOC_OK)
        return r == MSOC_NOTFOUND ? msoc_fail(err, MSOC_UNAUTH, "unknown session") : r;
    principal_from_user(&u, out);
    out->via_session = true;
    out->csrf = csrf;
    return MSOC_OK;
}

msoc_status msoc_auth_logout(msoc_auth *a, const char *session, msoc_error *err)
{
    unsigned char h[32];
    hash_secret(session, h);
    return msoc_soc_session_remove(a->db, h, sizeof h, err);
}

bool msoc_auth_csrf_ok(const msoc_principal *p, const char *presented)
{
    if (!p->csrf || !presented)
        return false;
    size_t n = strlen(p->csrf);
    if (n == 0 || strlen(presented) != n)
        return false;
    return sodium_memcmp(p->csrf, presented, n) == 0;
}

/* ---- tokens ------------------------------------------------------------------------------ */

msoc_status msoc_auth_token_create(msoc_auth *a, int64_t user_id, const char *name,
                                   const char *const *tenants, size_t n_tenants, msoc_soc_role role,
                                   msoc_datetime expires, const char *actor, char *token_out,
                                   int64_t *id_out, msoc_error *err)
{
    msoc_arena *ar = msoc_arena_new(NULL, 0, "auth");
    msoc_soc_user u;
    msoc_status r = msoc_soc_user_get_id(a->db, user_id, ar, &u, err);
    msoc_buf list;
    msoc_buf_init(&list, 1 << 20);
    for (size_t i = 0; r == MSOC_OK && i < n_tenants; i++) {
        msoc_soc_tenant t;
        r = msoc_soc_tenant_get(a->db, NULL, tenants[i], ar, &t, err);
        if (r != MSOC_OK)
            break;
        if (!u.is_admin) {
            msoc_soc_grant *g;
            size_t ng;
            const char *one[] = {t.id};
            msoc_soc_scope sc = {one, 1};
            r = msoc_soc_grant_list(a->db, &sc, user_id, ar, &g, &ng, err);
            if (r == MSOC_OK && ng == 0)
                r = msoc_fail(err, MSOC_FORBID, "user '%s' holds no grant on tenant '%s'", u.name,
                              t.name);
        }
        if (r == MSOC_OK) {
            if (list.len)
                msoc_buf_putc(&list, ',');
            msoc_buf_append_c(&list, t.id);
        }
    }
    if (r == MSOC_OK && expires != MSOC_TIME_NULL && expires <= msoc_datetime_now())
        r = msoc_fail(err, MSOC_INVALID, "the expiry is in the past");
    if (r == MSOC_OK) {
        new_secret("msoc_", token_out);
        unsigned char h[32];
        hash_secret(token_out, h);
        msoc_soc_token t = {0};
        t.user_id = user_id;
        t.name = name && *name ? name : "token";
        t.role = role;
        t.tenants = list.len ? list.data : "";
        t.expires = expires;
        r = msoc_soc_token_add(a->db, &t, h, sizeof h, actor, id_out, err);
        if (r != MSOC_OK)
            sodium_memzero(token_out, MSOC_AUTH_SECRET_CAP);
    }
    msoc_buf_fini(&list);
    msoc_arena_free(ar);
    return r;
}

msoc_status msoc_auth_bearer(msoc_auth *a, const char *token, msoc_arena *ar, msoc_principal *out,
                             msoc_error *err)
{
    if (!token || strlen(token) > 256)
        return msoc_fail(err, MSOC_UNAUTH, "malformed bearer token");
    unsigned char h[32];
    hash_secret(token, h);
    msoc_soc_token t;
    msoc_status r = msoc_soc_token_find(a->db, h, sizeof h, ar, &t, err);
    if (r != MSOC_OK)
        return r;
    if (t.is_revoked)
        return msoc_fail(err, MSOC_UNAUTH, "the token was revoked");
    if (t.expires != MSOC_TIME_NULL && t.expires <= msoc_datetime_now())
        return msoc_fail(err, MSOC_UNAUTH, "the token has expired");
    msoc_soc_user u;
    r = msoc_soc_user_get_id(a->db, t.user_id, ar, &u, err);
    if (r != MSOC_OK)
        return msoc_fail(err, MSOC_UNAUTH, "the token's user no longer exists");
    if (u.is_disabled)
        return msoc_fail(err, MSOC_UNAUTH, "the user is disabled");
    principal_from_user(&u, out);
    out->via_token = true;
    out->token_id = t.id;
    out->token_role = t.role;
    out->token_tenants = t.tenants;
    return MSOC_OK;
}

/* ---- the authorisation function ------------------------------------------------------------ */

static bool in_list(const char *csv, const char *id)
{
    if (!csv || !*csv)
        return true;
    size_t n = strlen(id);
    for (const char *p = csv; *p;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == n && memcmp(p, id, n) == 0)
            return true;
        if (!c)
            break;
        p = c + 1;
    }
    return false;
}

msoc_status msoc_auth_scope(msoc_auth *a, const msoc_principal *p, msoc_auth_action action,
                            msoc_arena *ar, msoc_soc_scope *out, msoc_error *err)
{
    out->ids = NULL;
    out->n = 0;
    msoc_soc_role need = action == MSOC_AUTH_READ      ? MSOC_SOC_ROLE_READER
                         : action == MSOC_AUTH_RESPOND ? MSOC_SOC_ROLE_RESPONDER
                                                       : MSOC_SOC_ROLE_ADMIN;
    /* An ingest token stands outside the role order: it may ingest where its user
     * is admin, and nothing else. */
    if (p->token_role == MSOC_SOC_ROLE_INGEST && action != MSOC_AUTH_INGEST)
        return action == MSOC_AUTH_INSTANCE_ADMIN
                   ? msoc_fail(err, MSOC_FORBID, "an ingest token cannot manage the instance")
                   : MSOC_OK;
    if (p->token_role != MSOC_SOC_ROLE_NONE && p->token_role != MSOC_SOC_ROLE_INGEST && p->token_role < need)
        return action == MSOC_AUTH_INSTANCE_ADMIN
                   ? msoc_fail(err, MSOC_FORBID, "this token's role cannot manage the instance")
                   : MSOC_OK;
    if (action == MSOC_AUTH_INSTANCE_ADMIN && !p->is_admin)
        return msoc_fail(err, MSOC_FORBID, "only instance admins may manage tenants and users");
    const char **ids;
    size_t n = 0;
    msoc_status r;
    if (p->is_admin) {
        const char **all;
        size_t n_all;
        r = msoc_soc_tenant_ids(a->db, ar, &all, &n_all, err);
        if (r != MSOC_OK)
            return r;
        ids = all;
        for (size_t i = 0; i < n_all; i++)
            if (in_list(p->token_tenants, all[i]))
                ids[n++] = all[i];
    } else {
        msoc_soc_grant *g;
        size_t ng;
        r = msoc_soc_grant_list(a->db, NULL, p->user_id, ar, &g, &ng, err);
        if (r != MSOC_OK)
            return r;
        ids = msoc_arena_calloc(ar, ng + 1, sizeof *ids);
        if (!ids)
            return msoc_arena_fail(ar, err);
        for (size_t i = 0; i < ng; i++)
            if (g[i].role >= need && in_list(p->token_tenants, g[i].tenant_id))
                ids[n++] = g[i].tenant_id;
    }
    out->ids = ids;
    out->n = n;
    return MSOC_OK;
}
