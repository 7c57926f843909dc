/* Authentication and authorisation: users with argon2id passwords (libsodium),
 * sessions (HttpOnly SameSite=Strict cookie + CSRF token), API tokens (random,
 * stored only as a BLAKE2b hash, scoped to tenants and a role, expiring,
 * revocable), per-tenant roles reader < responder < admin, instance admins.
 *
 * msoc_auth_scope is THE authorisation function: (principal, action) -> the set
 * of tenants. Every list, every write and every hunting catalog is built from its
 * answer (ARCHITECTURE.md invariant 1). Nothing else decides access.
 *
 * Thread-safety: an msoc_auth is immutable after msoc_auth_new and may be shared
 * by all threads (state lives in msoc_soc). Design: src/auth/README.md. */
#ifndef MSOC_AUTH_AUTH_H
#define MSOC_AUTH_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "soc/soc.h"

typedef struct msoc_auth msoc_auth;

typedef struct msoc_auth_config {
    /* argon2id cost; 0 means libsodium's INTERACTIVE limits. Tests use the MIN ones. */
    unsigned long long pw_opslimit;
    size_t pw_memlimit;
    int64_t session_ttl_seconds;   /* 0: 12 hours */
} msoc_auth_config;

/* db is borrowed and must outlive the auth handle. cfg may be NULL. */
msoc_status msoc_auth_new(msoc_soc *db, const msoc_auth_config *cfg, msoc_auth **out,
                          msoc_error *err);
void msoc_auth_free(msoc_auth *auth);
msoc_soc *msoc_auth_db(msoc_auth *auth);

/* Who is calling. Strings live in the arena passed when it was made. */
typedef struct msoc_principal {
    int64_t user_id;
    const char *name;
    bool is_admin;            /* instance admin; a token's role still caps it, so decide
                               * with msoc_auth_scope, never with this flag */
    bool via_token;
    int64_t token_id;
    msoc_soc_role token_role; /* NONE: no cap */
    const char *token_tenants;/* comma-separated; "" = all the user's */
    bool via_session;
    const char *csrf;         /* the session's CSRF token */
} msoc_principal;

typedef enum msoc_auth_action {
    MSOC_AUTH_READ,            /* reader: see incidents, alerts, cases, hunt */
    MSOC_AUTH_RESPOND,         /* responder: change incidents, alerts, cases, tasks */
    MSOC_AUTH_ADMIN,           /* tenant admin: settings, rules, shared queries */
    MSOC_AUTH_INSTANCE_ADMIN,  /* manage tenants, users, grants (instance admins) */
    MSOC_AUTH_INGEST,          /* push event data (tenant admins, and tokens capped to
                                * the ingest role, which may do nothing else) */
} msoc_auth_action;

const char *msoc_auth_action_str(msoc_auth_action a);

/* THE authorisation function. Fills out with the tenants on which p may perform
 * action (ids in a, sorted as the tenant list). Instance admins hold every role on
 * every tenant. A token narrows to its tenants and caps the role. An empty set is
 * not an error; MSOC_FORBID only for MSOC_AUTH_INSTANCE_ADMIN by a non-admin. */
msoc_status msoc_auth_scope(msoc_auth *auth, const msoc_principal *p, msoc_auth_action action,
                            msoc_arena *a, msoc_soc_scope *out, msoc_error *err);

/* Users. password is len bytes (may hold any byte); 8..1024 bytes. */
msoc_status msoc_auth_user_add(msoc_auth *auth, const char *name, const char *password,
                               size_t len, bool is_admin, const char *actor, int64_t *id_out,
                               msoc_error *err);
msoc_status msoc_auth_user_set_password(msoc_auth *auth, const char *name, const char *password,
                                        size_t len, const char *actor, msoc_error *err);

/* Sessions. Login checks the password and makes a session: session_out and
 * csrf_out (each MSOC_AUTH_SECRET_CAP bytes) receive the cookie value and the CSRF
 * token. A wrong name or password is MSOC_UNAUTH with one message for both. */
#define MSOC_AUTH_SECRET_CAP 64
msoc_status msoc_auth_login(msoc_auth *auth, const char *name, const char *password, size_t len,
                            msoc_arena *a, char *session_out, char *csrf_out,
                            msoc_principal *out, msoc_error *err);
msoc_status msoc_auth_session(msoc_auth *auth, const char *session, msoc_arena *a,
                              msoc_principal *out, msoc_error *err);
msoc_status msoc_auth_logout(msoc_auth *auth, const char *session, msoc_error *err);
/* Constant-time comparison of a presented CSRF token with the session's. */
bool msoc_auth_csrf_ok(const msoc_principal *p, const char *presented);

/* API tokens. tenants: ids the token is limited to (n 0: all the user's); role:
 * a cap (NONE: the user's own roles); expires MSOC_TIME_NULL: never. token_out
 * (MSOC_AUTH_SECRET_CAP bytes) receives the secret, shown once; only its hash is
 * stored. Every tenant must be one the user holds a grant on (or the user is an
 * instance admin). */
msoc_status msoc_auth_token_create(msoc_auth *auth, int64_t user_id, const char *name,
                                   const char *const *tenants, size_t n_tenants, msoc_soc_role role,
                                   msoc_datetime expires, const char *actor, char *token_out,
                                   int64_t *id_out, msoc_error *err);
/* Resolves "Authorization: Bearer <token>". Revoked, expired or unknown tokens,
 * and tokens of disabled users, are MSOC_UNAUTH. */
msoc_status msoc_auth_bearer(msoc_auth *auth, const char *token, msoc_arena *a,
                             msoc_principal *out, msoc_error *err);

#endif
