/* Opening multisoc.db (WAL, synchronous=FULL), the versioned migrations, the
 * SQLite helpers, clouds, roles, Graph enum lists and the audit writer.
 * Design: src/soc/README.md. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "soc_int.h"

/* Migrations: append only. Migration i brings user_version from i to i+1. */
static const char *const migrations[] = {
    /* 1: the SOC model */
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE tenants(id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    " domain TEXT NOT NULL, cloud INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'active',"
    " created INTEGER NOT NULL);"
    "CREATE TABLE workspaces(id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),"
    " name TEXT NOT NULL, is_primary INTEGER NOT NULL, created INTEGER NOT NULL,"
    " UNIQUE(tenant_id, name));"
    "CREATE UNIQUE INDEX workspaces_one_primary ON workspaces(tenant_id) WHERE is_primary = 1;"
    "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, pwhash TEXT NOT NULL,"
    " is_admin INTEGER NOT NULL, is_disabled INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);"
    "CREATE TABLE grants(user_id INTEGER NOT NULL REFERENCES users(id), tenant_id TEXT NOT NULL"
    " REFERENCES tenants(id), role INTEGER NOT NULL, PRIMARY KEY(user_id, tenant_id));"
    "CREATE TABLE tokens(id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),"
    " hash BLOB NOT NULL UNIQUE, name TEXT NOT NULL, role INTEGER NOT NULL, tenants TEXT NOT NULL,"
    " expires INTEGER, revoked INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);"
    "CREATE TABLE sessions(hash BLOB PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),"
    " csrf TEXT NOT NULL, expires INTEGER NOT NULL);"
    "CREATE TABLE groups(id INTEGER PRIMARY KEY, name TEXT NOT NULL, owner_user_id INTEGER,"
    " is_private INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE group_tenants(group_id INTEGER NOT NULL REFERENCES groups(id),"
    " tenant_id TEXT NOT NULL REFERENCES tenants(id), PRIMARY KEY(group_id, tenant_id));"
    "CREATE TABLE incidents(id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),"
    " workspace_id TEXT NOT NULL, display_name TEXT NOT NULL, description TEXT, summary TEXT,"
    " severity TEXT NOT NULL, status TEXT NOT NULL, classification TEXT NOT NULL,"
    " determination TEXT NOT NULL, assigned_to TEXT, custom_tags TEXT NOT NULL DEFAULT '[]',"
    " system_tags TEXT NOT NULL DEFAULT '[]', resolving_comment TEXT, redirect_id INTEGER,"
    " created INTEGER NOT NULL, last_update INTEGER NOT NULL);"
    "CREATE INDEX incidents_tenant ON incidents(tenant_id, id);"
    "CREATE INDEX incidents_updated ON incidents(last_update);"
    "CREATE TABLE alerts(id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),"
    " workspace_id TEXT NOT NULL, incident_id INTEGER NOT NULL REFERENCES incidents(id),"
    " provider_alert_id TEXT, title TEXT NOT NULL, description TEXT, recommended_actions TEXT,"
    " severity TEXT NOT NULL, status TEXT NOT NULL, classification TEXT NOT NULL,"
    " determination TEXT NOT NULL, assigned_to TEXT, category TEXT, detector_id TEXT,"
    " detection_source TEXT NOT NULL, service_source TEXT NOT NULL, threat_display_name TEXT,"
    " threat_family_name TEXT, actor_display_name TEXT, mitre_techniques TEXT NOT NULL DEFAULT '[]',"
    " evidence TEXT NOT NULL DEFAULT '[]', additional_data TEXT NOT NULL DEFAULT '{}',"
    " system_tags TEXT NOT NULL DEFAULT '[]', created INTEGER NOT NULL, last_update INTEGER NOT NULL,"
    " first_activity INTEGER, last_activity INTEGER, resolved INTEGER, seq INTEGER NOT NULL);"
    "CREATE INDEX alerts_incident ON alerts(incident_id);"
    "CREATE INDEX alerts_seq ON alerts(seq);"
    "CREATE TABLE comments(id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, kind TEXT NOT NULL,"
    " object_id TEXT NOT NULL, comment TEXT NOT NULL, created_by TEXT NOT NULL,"
    " created INTEGER NOT NULL);"
    "CREATE INDEX comments_object ON comments(kind, object_id);"
    "CREATE TABLE audit(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL,"
    " tenant_id TEXT NOT NULL, kind TEXT NOT NULL, object_id TEXT NOT NULL, action TEXT NOT NULL,"
    " detail TEXT NOT NULL);"
    "CREATE INDEX audit_object ON audit(kind, object_id);"
    "CREATE TABLE case_statuses(tenant_id TEXT NOT NULL REFERENCES tenants(id), ord INTEGER NOT NULL,"
    " name TEXT NOT NULL, PRIMARY KEY(tenant_id, ord));"
    "CREATE TABLE cases(tenant_id TEXT NOT NULL REFERENCES tenants(id), id INTEGER NOT NULL,"
    " title TEXT NOT NULL, description TEXT, priority TEXT NOT NULL, status TEXT NOT NULL,"
    " assignee TEXT, due INTEGER, created INTEGER NOT NULL, updated INTEGER NOT NULL,"
    " PRIMARY KEY(tenant_id, id));"
    "CREATE TABLE case_incidents(tenant_id TEXT NOT NULL, case_id INTEGER NOT NULL,"
    " incident_id INTEGER NOT NULL REFERENCES incidents(id), PRIMARY KEY(tenant_id, case_id, incident_id));"
    "CREATE TABLE case_activity(id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, case_id INTEGER NOT NULL,"
    " at INTEGER NOT NULL, actor TEXT NOT NULL, text TEXT NOT NULL);"
    "CREATE INDEX case_activity_case ON case_activity(tenant_id, case_id);"
    "CREATE TABLE tasks(id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, case_id INTEGER NOT NULL,"
    " name TEXT NOT NULL, status TEXT NOT NULL, priority TEXT NOT NULL, owner TEXT, due INTEGER,"
    " description TEXT, closing_notes TEXT);"
    "CREATE INDEX tasks_case ON tasks(tenant_id, case_id);"
    "CREATE TABLE saved_queries(id INTEGER PRIMARY KEY, tenant_id TEXT REFERENCES tenants(id),"
    " name TEXT NOT NULL, query TEXT NOT NULL, description TEXT, created_by TEXT NOT NULL,"
    " created INTEGER NOT NULL, updated INTEGER NOT NULL);",
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

msoc_status msoc_soc__sqlfail(msoc_soc *s, int rc, const char *what, msoc_error *err)
{
    int base = rc & 0xff;
    if (base == SQLITE_CONSTRAINT)
        return msoc_fail(err, MSOC_CONFLICT, "%s: %s", what, sqlite3_errmsg(s->db));
    if (base == SQLITE_CORRUPT || base == SQLITE_NOTADB)
        return msoc_fail(err, MSOC_CORRUPT, "%s: %s", what, sqlite3_errmsg(s->db));
    if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
        return msoc_fail(err, MSOC_CONFLICT, "%s: database busy: %s", what, sqlite3_errmsg(s->db));
    return msoc_fail(err, MSOC_IO, "%s: %s", what, sqlite3_errmsg(s->db));
}

msoc_status msoc_soc__prep(msoc_soc *s, const char *sql, sqlite3_stmt **st, msoc_error *err)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    if (rc != SQLITE_OK) {
        *st = NULL;
        return msoc_soc__sqlfail(s, rc, "prepare", err);
    }
    return MSOC_OK;
}

msoc_status msoc_soc__exec(msoc_soc *s, const char *sql, msoc_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        msoc_status st = msoc_soc__sqlfail(s, rc, "exec", err);
        sqlite3_free(msg);
        return st;
    }
    return MSOC_OK;
}

msoc_status msoc_soc__step_done(msoc_soc *s, sqlite3_stmt *st, const char *what, msoc_error *err)
{
    int rc = sqlite3_step(st);
    msoc_status r = MSOC_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        r = msoc_soc__sqlfail(s, rc, what, err);
    sqlite3_finalize(st);
    return r;
}

msoc_status msoc_soc__begin(msoc_soc *s, msoc_error *err)
{
    return msoc_soc__exec(s, "BEGIN IMMEDIATE", err);
}

msoc_status msoc_soc__commit(msoc_soc *s, msoc_error *err)
{
    msoc_status st = msoc_soc__exec(s, "COMMIT", err);
    if (st != MSOC_OK)
        msoc_soc__rollback(s);
    return st;
}

void msoc_soc__rollback(msoc_soc *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

void msoc_soc__lock(msoc_soc *s)
{
    pthread_mutex_lock(&s->mu);
}

msoc_soc *msoc_soc__read_lock(msoc_soc *s)
{
    if (s->n_readers == 0) {
        msoc_soc__lock(s);
        return s;
    }
    unsigned start = __atomic_fetch_add(&s->next_reader, 1, __ATOMIC_RELAXED);
    for (int i = 0; i < s->n_readers; i++) {
        msoc_soc *r = s->readers[(start + (unsigned)i) % (unsigned)s->n_readers];
        if (pthread_mutex_trylock(&r->mu) == 0)
            return r;
    }
    msoc_soc *r = s->readers[start % (unsigned)s->n_readers];
    msoc_soc__lock(r);
    return r;
}

void msoc_soc__unlock(msoc_soc *s)
{
    pthread_mutex_unlock(&s->mu);
}

int msoc_soc__bind_text(sqlite3_stmt *st, int idx, const char *v)
{
    if (!v)
        return sqlite3_bind_null(st, idx);
    return sqlite3_bind_text(st, idx, v, -1, SQLITE_TRANSIENT);
}

msoc_status msoc_soc__collect(msoc_soc *s, sqlite3_stmt *st, msoc_arena *a, size_t elem,
                              msoc_soc__row_fn *read, void **rows, size_t *n_rows, msoc_error *err)
{
    *rows = NULL;
    *n_rows = 0;
    size_t cap = 16, n = 0;
    char *v = msoc_arena_calloc(a, cap, elem);
    int rc = SQLITE_ROW;
    while (v && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            v = msoc_arena_realloc(a, v, cap * elem, 2 * cap * elem);
            if (!v)
                break;
            memset(v + cap * elem, 0, cap * elem);
            cap *= 2;
        }
        read(st, a, v + n++ * elem);
    }
    msoc_status r = MSOC_OK;
    if (!v)
        r = msoc_arena_fail(a, err);
    else if (rc != SQLITE_DONE)
        r = msoc_soc__sqlfail(s, rc, "read", err);
    sqlite3_finalize(st);
    if (r == MSOC_OK) {
        *rows = v;
        *n_rows = n;
    }
    return r;
}

const char *msoc_soc__col_text(sqlite3_stmt *st, int col, msoc_arena *a, bool null_is_empty)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return null_is_empty ? "" : NULL;
    int n = sqlite3_column_bytes(st, col);
    char *c = msoc_arena_strndup(a, (const char *)t, (size_t)n);
    return c ? c : "";
}

msoc_status msoc_soc__audit(msoc_soc *s, const char *actor, const char *tenant_id,
                            const char *kind, const char *object_id, const char *action,
                            const char *detail, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s,
        "INSERT INTO audit(at, actor, tenant_id, kind, object_id, action, detail)"
        " VALUES(?,?,?,?,?,?,?)", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_int64(st, 1, msoc_datetime_now());
    msoc_soc__bind_text(st, 2, actor ? actor : "system");
    msoc_soc__bind_text(st, 3, tenant_id ? tenant_id : "");
    msoc_soc__bind_text(st, 4, kind);
    msoc_soc__bind_text(st, 5, object_id ? object_id : "");
    msoc_soc__bind_text(st, 6, action);
    msoc_soc__bind_text(st, 7, detail ? detail : "{}");
    return msoc_soc__step_done(s, st, "audit", err);
}

msoc_status msoc_soc__scope_sql(msoc_buf *sql, const char *col, const msoc_soc_scope *scope,
                                int first_idx)
{
    if (!scope)
        return MSOC_OK;
    if (scope->n == 0)
        return msoc_buf_append_c(sql, " AND 0");
    msoc_buf_appendf(sql, " AND %s IN (", col);
    /* Numbered "?NNN" parameters are looked up linearly by SQLite's parser, which is
     * quadratic over a 200-tenant scope; when the scope's parameters are the first
     * in the statement (first_idx 1, the callers' contract) plain "?" numbers the
     * same way at no cost. */
    for (size_t i = 0; i < scope->n; i++) {
        if (first_idx == 1)
            msoc_buf_append_c(sql, i ? ",?" : "?");
        else
            msoc_buf_appendf(sql, "%s?%d", i ? "," : "", first_idx + (int)i);
    }
    return msoc_buf_putc(sql, ')');
}

int msoc_soc__scope_bind(sqlite3_stmt *st, int idx, const msoc_soc_scope *scope)
{
    if (!scope)
        return idx;
    for (size_t i = 0; i < scope->n; i++)
        sqlite3_bind_text(st, idx++, scope->ids[i], -1, SQLITE_STATIC);
    return idx;
}

bool msoc_soc_scope_has(const msoc_soc_scope *scope, const char *tenant_id)
{
    if (!scope)
        return true;
    for (size_t i = 0; i < scope->n; i++)
        if (strcmp(scope->ids[i], tenant_id) == 0)
            return true;
    return false;
}

void msoc_soc__guid(char out[37])
{
    unsigned char b[16];
    sqlite3_randomness(16, b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
}

bool msoc_soc__is_guid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

bool msoc_soc__in(const char *const *values, const char *v)
{
    for (size_t i = 0; values[i]; i++)
        if (strcmp(values[i], v) == 0)
            return true;
    return false;
}

msoc_status msoc_soc_enum_check(const char *field, const char *const *values, const char *v,
                                msoc_error *err)
{
    if (v && msoc_soc__in(values, v))
        return MSOC_OK;
    char list[400];
    size_t off = 0;
    for (size_t i = 0; values[i] && off < sizeof list - 1; i++) {
        int n = snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", values[i]);
        if (n < 0)
            break;
        off += (size_t)n;
    }
    return msoc_fail(err, MSOC_INVALID, "unknown value '%.60s' for %s; expected one of: %s",
                     v ? v : "(null)", field, list);
}

msoc_status msoc_soc__check_text(const char *field, const char *v, size_t max, bool required,
                                 msoc_error *err)
{
    if (!v) {
        if (required)
            return msoc_fail(err, MSOC_INVALID, "%s is required", field);
        return MSOC_OK;
    }
    size_t n = strlen(v);
    if (required && n == 0)
        return msoc_fail(err, MSOC_INVALID, "%s must not be empty", field);
    if (n > max)
        return msoc_fail(err, MSOC_INVALID, "%s is %zu bytes long; the limit is %zu", field, n, max);
    return MSOC_OK;
}

size_t msoc_soc__utf8_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xc0) != 0x80)
            n++;
    return n;
}

msoc_status msoc_soc__json_check(msoc_soc *s, const char *field, const char *v, const char *kind,
                                 msoc_error *err)
{
    if (!v)
        return MSOC_OK;
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s,
        "SELECT CASE WHEN json_valid(?1) THEN json_type(?1) ELSE 'invalid' END,"
        " CASE WHEN json_valid(?1) AND json_type(?1) = 'array' THEN"
        "  (SELECT count(*) FROM json_each(?1) WHERE type != 'text') ELSE 0 END", &st, err);
    if (r != MSOC_OK)
        return r;
    sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
    const char *type = "invalid";
    int n_non_text = 0;
    char buf[16] = "";
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
        type = buf;
        n_non_text = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    bool want_array = strcmp(kind, "object") != 0;
    if (strcmp(type, want_array ? "array" : "object") != 0 ||
        (strcmp(kind, "strings") == 0 && n_non_text > 0))
        return msoc_fail(err, MSOC_INVALID, "%s must be a JSON %s", field,
                         strcmp(kind, "strings") == 0 ? "array of strings"
                         : want_array                 ? "array"
                                                      : "object");
    return MSOC_OK;
}

/* ---- clouds and roles ---------------------------------------------------------- */

const char *msoc_soc_cloud_str(msoc_soc_cloud c)
{
    switch (c) {
    case MSOC_SOC_CLOUD_COMMERCIAL: return "Commercial";
    case MSOC_SOC_CLOUD_GCC: return "GCC";
    case MSOC_SOC_CLOUD_GCC_HIGH: return "GCC High";
    case MSOC_SOC_CLOUD_DOD: return "DoD";
    }
    return "?";
}

msoc_status msoc_soc_cloud_parse(const char *s, msoc_soc_cloud *out, msoc_error *err)
{
    msoc_str v = msoc_str_c(s ? s : "");
    if (msoc_str_ieq_c(v, "Commercial"))
        *out = MSOC_SOC_CLOUD_COMMERCIAL;
    else if (msoc_str_ieq_c(v, "GCC"))
        *out = MSOC_SOC_CLOUD_GCC;
    else if (msoc_str_ieq_c(v, "GCC High") || msoc_str_ieq_c(v, "GCCHigh") ||
             msoc_str_ieq_c(v, "gcc-high"))
        *out = MSOC_SOC_CLOUD_GCC_HIGH;
    else if (msoc_str_ieq_c(v, "DoD"))
        *out = MSOC_SOC_CLOUD_DOD;
    else
        return msoc_fail(err, MSOC_INVALID,
                         "unknown cloud '%.40s'; expected Commercial, GCC, GCC High or DoD",
                         s ? s : "");
    return MSOC_OK;
}

bool msoc_soc_cloud_can_manage(msoc_soc_cloud home, msoc_soc_cloud tenant)
{
    if (home == tenant)
        return true;
    if ((home == MSOC_SOC_CLOUD_DOD && tenant == MSOC_SOC_CLOUD_GCC_HIGH) ||
        (home == MSOC_SOC_CLOUD_GCC_HIGH && tenant == MSOC_SOC_CLOUD_DOD))
        return true;
    return home == MSOC_SOC_CLOUD_GCC && tenant == MSOC_SOC_CLOUD_COMMERCIAL;
}

const char *msoc_soc_role_str(msoc_soc_role r)
{
    switch (r) {
    case MSOC_SOC_ROLE_NONE: return "none";
    case MSOC_SOC_ROLE_READER: return "reader";
    case MSOC_SOC_ROLE_RESPONDER: return "responder";
    case MSOC_SOC_ROLE_ADMIN: return "admin";
    case MSOC_SOC_ROLE_INGEST: return "ingest";
    }
    return "?";
}

msoc_status msoc_soc_role_parse(const char *s, msoc_soc_role *out, msoc_error *err)
{
    if (s && strcmp(s, "reader") == 0)
        *out = MSOC_SOC_ROLE_READER;
    else if (s && strcmp(s, "responder") == 0)
        *out = MSOC_SOC_ROLE_RESPONDER;
    else if (s && strcmp(s, "admin") == 0)
        *out = MSOC_SOC_ROLE_ADMIN;
    else if (s && strcmp(s, "none") == 0)
        *out = MSOC_SOC_ROLE_NONE;
    else if (s && strcmp(s, "ingest") == 0)
        *out = MSOC_SOC_ROLE_INGEST;
    else
        return msoc_fail(err, MSOC_INVALID,
                         "unknown role '%.40s'; expected reader, responder or admin (or ingest, for tokens)",
                         s ? s : "");
    return MSOC_OK;
}

/* ---- Graph enums (microsoft.graph.security) -------------------------------------- */

const char *const msoc_soc_severity_values[] = {
    "unknown", "informational", "low", "medium", "high", "unknownFutureValue", NULL};
const char *const msoc_soc_incident_status_values[] = {
    "active", "resolved", "inProgress", "redirected", "unknownFutureValue", "awaitingAction", NULL};
const char *const msoc_soc_alert_status_values[] = {
    "unknown", "new", "inProgress", "resolved", "unknownFutureValue", NULL};
const char *const msoc_soc_classification_values[] = {
    "unknown", "falsePositive", "truePositive", "informationalExpectedActivity",
    "unknownFutureValue", NULL};
const char *const msoc_soc_determination_values[] = {
    "unknown", "apt", "malware", "securityPersonnel", "securityTesting", "unwantedSoftware",
    "other", "multiStagedAttack", "compromisedAccount", "phishing", "maliciousUserActivity",
    "notMalicious", "notEnoughDataToValidate", "confirmedActivity", "lineOfBusinessApplication",
    "unknownFutureValue", NULL};
const char *const msoc_soc_detection_source_values[] = {
    "unknown", "microsoftDefenderForEndpoint", "antivirus", "smartScreen", "customTi",
    "microsoftDefenderForOffice365", "automatedInvestigation", "microsoftThreatExperts",
    "customDetection", "microsoftDefenderForIdentity", "cloudAppSecurity", "microsoft365Defender",
    "azureAdIdentityProtection", "manual", "microsoftDataLossPrevention", "appGovernancePolicy",
    "appGovernanceDetection", "unknownFutureValue", "microsoftDefenderForCloud",
    "microsoftDefenderForIoT", "microsoftDefenderForServers", "microsoftDefenderForStorage",
    "microsoftDefenderForDNS", "microsoftDefenderForDatabases", "microsoftDefenderForContainers",
    "microsoftDefenderForNetwork", "microsoftDefenderForAppService", "microsoftDefenderForKeyVault",
    "microsoftDefenderForResourceManager", "microsoftDefenderForApiManagement", "nrtAlerts",
    "scheduledAlerts", "microsoftDefenderThreatIntelligenceAnalytics", "builtInMl",
    "microsoftInsiderRiskManagement", "microsoftSentinel", NULL};
const char *const msoc_soc_service_source_values[] = {
    "unknown", "microsoftDefenderForEndpoint", "microsoftDefenderForIdentity",
    "microsoftDefenderForCloudApps", "microsoftDefenderForOffice365", "microsoft365Defender",
    "azureAdIdentityProtection", "microsoftAppGovernance", "dataLossPrevention",
    "unknownFutureValue", "microsoftDefenderForCloud", "microsoftSentinel",
    "microsoftInsiderRiskManagement", NULL};
const char *const msoc_soc_case_priority_values[] = {
    "Very low", "Low", "Medium", "High", "Critical", NULL};
const char *const msoc_soc_task_status_values[] = {
    "New", "In progress", "Failed", "Partially completed", "Skipped", "Completed", NULL};

/* ---- open / close ---------------------------------------------------------------- */

static msoc_status migrate(msoc_soc *s, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, "PRAGMA user_version", &st, err);
    if (r != MSOC_OK)
        return r;
    int version = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version > N_MIGRATIONS)
        return msoc_fail(err, MSOC_CORRUPT,
                         "multisoc.db has schema version %d; this binary knows up to %d", version,
                         N_MIGRATIONS);
    for (int v = version; v < N_MIGRATIONS; v++) {
        r = msoc_soc__begin(s, err);
        if (r != MSOC_OK)
            return r;
        r = msoc_soc__exec(s, migrations[v], err);
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (r == MSOC_OK)
            r = msoc_soc__exec(s, pragma, err);
        if (r == MSOC_OK && v == 0) {
            char sql[128];
            snprintf(sql, sizeof sql, "INSERT INTO settings VALUES('home_cloud','%d')", (int)s->home);
            r = msoc_soc__exec(s, sql, err);
        }
        if (r != MSOC_OK) {
            msoc_soc__rollback(s);
            msoc_error_prefix(err, "migration %d", v + 1);
            return r;
        }
        r = msoc_soc__commit(s, err);
        if (r != MSOC_OK)
            return r;
    }
    s->schema_version = N_MIGRATIONS;
    r = msoc_soc__prep(s, "SELECT value FROM settings WHERE key='home_cloud'", &st, err);
    if (r != MSOC_OK)
        return r;
    if (sqlite3_step(st) == SQLITE_ROW) {
        int c = sqlite3_column_int(st, 0);
        if (c >= MSOC_SOC_CLOUD_COMMERCIAL && c <= MSOC_SOC_CLOUD_DOD)
            s->home = (msoc_soc_cloud)c;
    }
    sqlite3_finalize(st);
    return MSOC_OK;
}

/* The tenant cap: an explicit configuration is stored; otherwise the stored one
 * (or the default) applies. */
static msoc_status settle_max_tenants(msoc_soc *s, int configured, msoc_error *err)
{
    sqlite3_stmt *st;
    msoc_status r;
    if (configured > 0) {
        r = msoc_soc__prep(s, "INSERT INTO settings VALUES('max_tenants', ?1)"
                              " ON CONFLICT(key) DO UPDATE SET value = excluded.value", &st, err);
        if (r != MSOC_OK)
            return r;
        sqlite3_bind_int(st, 1, configured);
        s->max_tenants = configured;
        return msoc_soc__step_done(s, st, "settings", err);
    }
    r = msoc_soc__prep(s, "SELECT value FROM settings WHERE key='max_tenants'", &st, err);
    if (r != MSOC_OK)
        return r;
    s->max_tenants = MSOC_SOC_DEFAULT_MAX_TENANTS;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0)
        s->max_tenants = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return MSOC_OK;
}

msoc_status msoc_soc_open(const char *data_dir, const msoc_soc_config *cfg, msoc_soc **out,
                          msoc_error *err)
{
    *out = NULL;
    if (mkdir(data_dir, 0700) != 0 && errno != EEXIST)
        return msoc_fail(err, MSOC_IO, "cannot create data directory %s: %s", data_dir,
                         strerror(errno));
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/multisoc.db", data_dir);
    if (n < 0 || (size_t)n >= sizeof path)
        return msoc_fail(err, MSOC_INVALID, "data directory path is too long");
    msoc_soc *s = msoc_calloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->home = cfg ? cfg->home_cloud : MSOC_SOC_CLOUD_COMMERCIAL;
    s->max_tenants = cfg && cfg->max_tenants > 0 ? cfg->max_tenants : MSOC_SOC_DEFAULT_MAX_TENANTS;
    s->max_cases = cfg && cfg->max_cases_per_tenant > 0 ? cfg->max_cases_per_tenant
                                                         : MSOC_SOC_MAX_CASES_PER_TENANT;
    int rc = sqlite3_open_v2(path, &s->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                             NULL);
    msoc_status r;
    if (rc != SQLITE_OK) {
        r = msoc_fail(err, MSOC_IO, "cannot open %s: %s", path,
                      s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    r = msoc_soc__exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                          " PRAGMA foreign_keys=ON", err);
    if (r == MSOC_OK)
        r = migrate(s, err);
    if (r == MSOC_OK)
        r = settle_max_tenants(s, cfg ? cfg->max_tenants : 0, err);
    for (int i = 0; r == MSOC_OK && i < MSOC_SOC__N_READERS; i++) {
        msoc_soc *rd = msoc_calloc(1, sizeof *rd);
        pthread_mutex_init(&rd->mu, NULL);
        rd->home = s->home;
        rd->max_tenants = s->max_tenants;
        rd->max_cases = s->max_cases;
        rd->schema_version = s->schema_version;
        s->readers[s->n_readers++] = rd;
        if (sqlite3_open_v2(path, &rd->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
            r = msoc_fail(err, MSOC_IO, "cannot open a reader on %s", path);
            break;
        }
        sqlite3_busy_timeout(rd->db, 5000);
        r = msoc_soc__exec(rd, "PRAGMA query_only=1; PRAGMA foreign_keys=ON", err);
    }
    if (r != MSOC_OK) {
        msoc_error_prefix(err, "%s", path);
        goto fail;
    }
    *out = s;
    return MSOC_OK;
fail:
    msoc_soc_close(s);
    return r;
}

void msoc_soc_close(msoc_soc *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n_readers; i++)
        msoc_soc_close(s->readers[i]);
    if (s->db)
        sqlite3_close_v2(s->db);
    pthread_mutex_destroy(&s->mu);
    msoc_free(s);
}

int msoc_soc_schema_version(msoc_soc *s)
{
    return s->schema_version;
}

msoc_soc_cloud msoc_soc_home_cloud(msoc_soc *s)
{
    return s->home;
}

int msoc_soc_max_tenants(msoc_soc *s)
{
    msoc_soc__lock(s);
    int n = s->max_tenants;
    msoc_soc__unlock(s);
    return n;
}

msoc_status msoc_soc_max_tenants_store(msoc_soc *s, int max_tenants, const char *actor, msoc_error *err)
{
    if (max_tenants < 1 || max_tenants > 1000000)
        return msoc_fail(err, MSOC_INVALID, "the tenant cap must be 1..1000000, not %d", max_tenants);
    msoc_soc__lock(s);
    int old = s->max_tenants;
    msoc_status r = msoc_soc__begin(s, err);
    if (r == MSOC_OK)
        r = settle_max_tenants(s, max_tenants, err);
    char detail[64];
    snprintf(detail, sizeof detail, "{\"maxTenants\":%d}", max_tenants);
    if (r == MSOC_OK)
        r = msoc_soc__audit(s, actor, "", "settings", "max_tenants", "update", detail, err);
    if (r == MSOC_OK)
        r = msoc_soc__commit(s, err);
    if (r != MSOC_OK) {
        msoc_soc__rollback(s);
        s->max_tenants = old;
    }
    msoc_soc__unlock(s);
    return r;
}

void msoc_soc_set_max_tenants(msoc_soc *s, int max_tenants)
{
    msoc_soc__lock(s);
    s->max_tenants = max_tenants > 0 ? max_tenants : MSOC_SOC_DEFAULT_MAX_TENANTS;
    msoc_soc__unlock(s);
}

/* ---- audit read ------------------------------------------------------------------- */

msoc_status msoc_soc_audit_list(msoc_soc *s, const msoc_soc_scope *scope, const char *kind,
                                const char *object_id, int64_t limit, msoc_arena *a,
                                msoc_soc_audit **out, size_t *n_out, msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    if (limit <= 0)
        limit = 100;
    if (limit > 10000)
        limit = 10000;
    msoc_buf sql;
    msoc_buf_init(&sql, 1 << 20);
    msoc_buf_append_c(&sql, "SELECT id, at, actor, tenant_id, kind, object_id, action, detail"
                            " FROM audit WHERE 1");
    if (kind)
        msoc_buf_append_c(&sql, " AND kind = ?1");
    if (object_id)
        msoc_buf_append_c(&sql, " AND object_id = ?2");
    msoc_soc__scope_sql(&sql, "tenant_id", scope, 4);
    msoc_buf_append_c(&sql, " ORDER BY id DESC LIMIT ?3");
    msoc_soc__lock(s);
    sqlite3_stmt *st;
    msoc_status r = msoc_soc__prep(s, sql.data, &st, err);
    msoc_buf_fini(&sql);
    if (r != MSOC_OK)
        goto done;
    if (kind)
        sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    if (object_id)
        sqlite3_bind_text(st, 2, object_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, limit);
    msoc_soc__scope_bind(st, 4, scope);
    msoc_soc_audit *v = msoc_arena_calloc(a, (size_t)limit, sizeof *v);
    if (!v) {
        sqlite3_finalize(st);
        r = msoc_arena_fail(a, err);
        goto done;
    }
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n < (size_t)limit) {
        msoc_soc_audit *e = &v[n++];
        e->id = sqlite3_column_int64(st, 0);
        e->at = sqlite3_column_int64(st, 1);
        e->actor = msoc_soc__col_text(st, 2, a, true);
        e->tenant_id = msoc_soc__col_text(st, 3, a, true);
        e->kind = msoc_soc__col_text(st, 4, a, true);
        e->object_id = msoc_soc__col_text(st, 5, a, true);
        e->action = msoc_soc__col_text(st, 6, a, true);
        e->detail = msoc_soc__col_text(st, 7, a, true);
    }
    sqlite3_finalize(st);
    *out = v;
    *n_out = n;
done:
    msoc_soc__unlock(s);
    return r;
}
