/* src/auth: argon2id passwords, sessions and CSRF, tokens (hash-only storage,
 * tenant scoping, role caps, expiry, revocation) and the authorisation function
 * over a users x tenants grid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth/auth.h"
#include "core/mem.h"

typedef struct fx {
    char dir[64];
    msoc_soc *db;
    msoc_auth *auth;
    msoc_arena *a;
    msoc_error err;
    const char *t[3];
} fx;

static int setup(void **state)
{
    fx *f = msoc_calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/msoc-auth-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(msoc_soc_open(f->dir, NULL, &f->db, &f->err), MSOC_OK);
    msoc_auth_config cfg = {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN, 0};
    assert_int_equal(msoc_auth_new(f->db, &cfg, &f->auth, &f->err), MSOC_OK);
    f->a = msoc_arena_new(NULL, 0, "test");
    const char *names[] = {"Alpha", "Beta", "Gamma"};
    for (int i = 0; i < 3; i++) {
        msoc_soc_tenant t;
        assert_int_equal(msoc_soc_tenant_add(f->db, NULL, names[i], "x.com", MSOC_SOC_CLOUD_COMMERCIAL,
                                             "t", f->a, &t, &f->err), MSOC_OK);
        f->t[i] = t.id;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    msoc_auth_free(f->auth);
    msoc_soc_close(f->db);
    msoc_arena_free(f->a);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    FILE *p = popen(cmd, "r");
    if (p)
        pclose(p);
    msoc_free(f);
    return 0;
}

static bool has(const msoc_soc_scope *s, const char *id)
{
    return msoc_soc_scope_has(s, id);
}

static void test_passwords_sessions(void **state)
{
    fx *f = *state;
    int64_t uid;
    assert_int_equal(msoc_auth_user_add(f->auth, "ana", "short", 5, false, "t", &uid, &f->err), MSOC_INVALID);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_auth_user_add(f->auth, "ana", "correct horse", 13, false, "t", &uid, &f->err), MSOC_OK);
    msoc_soc_user u;
    assert_int_equal(msoc_soc_user_get(f->db, "ana", f->a, &u, &f->err), MSOC_OK);
    assert_non_null(strstr(u.pwhash, "$argon2id$"));
    assert_null(strstr(u.pwhash, "correct horse"));
    char sess[MSOC_AUTH_SECRET_CAP], csrf[MSOC_AUTH_SECRET_CAP];
    msoc_principal p;
    assert_int_equal(msoc_auth_login(f->auth, "ana", "wrong horse!", 12, f->a, sess, csrf, &p, &f->err), MSOC_UNAUTH);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_auth_login(f->auth, "nobody", "correct horse", 13, f->a, sess, csrf, &p, &f->err), MSOC_UNAUTH);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_auth_login(f->auth, "ana", "correct horse", 13, f->a, sess, csrf, &p, &f->err), MSOC_OK);
    msoc_principal q;
    assert_int_equal(msoc_auth_session(f->auth, sess, f->a, &q, &f->err), MSOC_OK);
    assert_int_equal(q.user_id, uid);
    assert_true(msoc_auth_csrf_ok(&q, csrf));
    assert_false(msoc_auth_csrf_ok(&q, "nope"));
    assert_false(msoc_auth_csrf_ok(&q, NULL));
    assert_int_equal(msoc_auth_logout(f->auth, sess, &f->err), MSOC_OK);
    assert_int_equal(msoc_auth_session(f->auth, sess, f->a, &q, &f->err), MSOC_UNAUTH);
    msoc_error_clear(&f->err);
}

static void test_grid_and_tokens(void **state)
{
    fx *f = *state;
    int64_t admin, ana, bob;
    assert_int_equal(msoc_auth_user_add(f->auth, "root", "password1", 9, true, "t", &admin, &f->err), MSOC_OK);
    assert_int_equal(msoc_auth_user_add(f->auth, "ana", "password1", 9, false, "t", &ana, &f->err), MSOC_OK);
    assert_int_equal(msoc_auth_user_add(f->auth, "bob", "password1", 9, false, "t", &bob, &f->err), MSOC_OK);
    /* ana: reader on Alpha, responder on Beta; bob: admin on Gamma */
    assert_int_equal(msoc_soc_grant_set(f->db, ana, f->t[0], MSOC_SOC_ROLE_READER, "t", &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_grant_set(f->db, ana, f->t[1], MSOC_SOC_ROLE_RESPONDER, "t", &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_grant_set(f->db, bob, f->t[2], MSOC_SOC_ROLE_ADMIN, "t", &f->err), MSOC_OK);

    /* expected[user][action][tenant] */
    static const int expect[3][3][3] = {
        {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}},  /* root */
        {{1, 1, 0}, {0, 1, 0}, {0, 0, 0}},  /* ana */
        {{0, 0, 1}, {0, 0, 1}, {0, 0, 1}},  /* bob */
    };
    int64_t uids[] = {admin, ana, bob};
    const char *names[] = {"root", "ana", "bob"};
    for (int ui = 0; ui < 3; ui++) {
        msoc_principal p = {0};
        p.user_id = uids[ui];
        p.name = names[ui];
        p.is_admin = ui == 0;
        p.token_tenants = "";
        for (int act = 0; act < 3; act++) {
            msoc_soc_scope s;
            assert_int_equal(msoc_auth_scope(f->auth, &p, (msoc_auth_action)act, f->a, &s, &f->err), MSOC_OK);
            for (int ti = 0; ti < 3; ti++)
                assert_int_equal(has(&s, f->t[ti]), expect[ui][act][ti]);
        }
        msoc_soc_scope s;
        assert_int_equal(msoc_auth_scope(f->auth, &p, MSOC_AUTH_INSTANCE_ADMIN, f->a, &s, &f->err),
                         ui == 0 ? MSOC_OK : MSOC_FORBID);
        msoc_error_clear(&f->err);
    }

    /* a token limited to Beta with the reader role */
    char tok[MSOC_AUTH_SECRET_CAP];
    int64_t tid;
    const char *only_beta[] = {"Beta"};
    assert_int_equal(msoc_auth_token_create(f->auth, ana, "ci", only_beta, 1, MSOC_SOC_ROLE_READER,
                                            MSOC_TIME_NULL, "t", tok, &tid, &f->err), MSOC_OK);
    assert_true(strncmp(tok, "msoc_", 5) == 0);
    const char *gamma[] = {"Gamma"};
    char tok2[MSOC_AUTH_SECRET_CAP];
    assert_int_equal(msoc_auth_token_create(f->auth, ana, "x", gamma, 1, MSOC_SOC_ROLE_NONE,
                                            MSOC_TIME_NULL, "t", tok2, NULL, &f->err), MSOC_FORBID);
    msoc_error_clear(&f->err);
    msoc_principal p;
    assert_int_equal(msoc_auth_bearer(f->auth, tok, f->a, &p, &f->err), MSOC_OK);
    msoc_soc_scope s;
    assert_int_equal(msoc_auth_scope(f->auth, &p, MSOC_AUTH_READ, f->a, &s, &f->err), MSOC_OK);
    assert_int_equal(s.n, 1);
    assert_true(has(&s, f->t[1]));
    assert_int_equal(msoc_auth_scope(f->auth, &p, MSOC_AUTH_RESPOND, f->a, &s, &f->err), MSOC_OK);
    assert_int_equal(s.n, 0); /* capped to reader */
    /* the hash, not the token, is stored: a different string does not match */
    tok[6] = tok[6] == 'A' ? 'B' : 'A';
    assert_int_equal(msoc_auth_bearer(f->auth, tok, f->a, &p, &f->err), MSOC_UNAUTH);
    msoc_error_clear(&f->err);
    /* revoke: stops at once */
    char tok3[MSOC_AUTH_SECRET_CAP];
    assert_int_equal(msoc_auth_token_create(f->auth, ana, "y", NULL, 0, MSOC_SOC_ROLE_NONE,
                                            MSOC_TIME_NULL, "t", tok3, &tid, &f->err), MSOC_OK);
    assert_int_equal(msoc_auth_bearer(f->auth, tok3, f->a, &p, &f->err), MSOC_OK);
    assert_int_equal(msoc_soc_token_revoke(f->db, tid, bob, "t", &f->err), MSOC_NOTFOUND); /* not bob's */
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_soc_token_revoke(f->db, tid, ana, "t", &f->err), MSOC_OK);
    assert_int_equal(msoc_auth_bearer(f->auth, tok3, f->a, &p, &f->err), MSOC_UNAUTH);
    assert_non_null(strstr(f->err.msg, "revoked"));
    msoc_error_clear(&f->err);
    /* expiry in the past is refused; an admin token capped to reader cannot manage */
    assert_int_equal(msoc_auth_token_create(f->auth, ana, "z", NULL, 0, MSOC_SOC_ROLE_NONE,
                                            msoc_datetime_now() - 1, "t", tok3, NULL, &f->err), MSOC_INVALID);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_auth_token_create(f->auth, admin, "r", NULL, 0, MSOC_SOC_ROLE_READER,
                                            MSOC_TIME_NULL, "t", tok3, NULL, &f->err), MSOC_OK);
    assert_int_equal(msoc_auth_bearer(f->auth, tok3, f->a, &p, &f->err), MSOC_OK);
    assert_int_equal(msoc_auth_scope(f->auth, &p, MSOC_AUTH_INSTANCE_ADMIN, f->a, &s, &f->err), MSOC_FORBID);
    msoc_error_clear(&f->err);
    assert_int_equal(msoc_auth_scope(f->auth, &p, MSOC_AUTH_READ, f->a, &s, &f->err), MSOC_OK);
    assert_int_equal(s.n, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_passwords_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grid_and_tokens, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
