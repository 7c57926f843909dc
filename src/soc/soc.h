/* The SOC domain over SQLite (DATA/multisoc.db, WAL, synchronous=FULL, versioned
 * migrations): tenants and clouds, workspaces, tenant groups, users and grants,
 * token and session records, incidents and alerts in Graph's shapes, comments,
 * tags, moves, bulk changes, cases and tasks, saved hunting queries, audit.
 * Design: src/soc/README.md. Every write runs in one transaction (all or
 * nothing) and appends an audit record.
 *
 * Scoping: every read or write of tenant data takes a msoc_soc_scope, the set of
 * tenants the caller may touch for that action (computed by the one authorisation
 * function in src/auth). Objects outside the scope behave as if absent
 * (MSOC_NOTFOUND). A NULL scope means "every tenant" and is only for the CLI and
 * internal tools.
 *
 * Ownership: strings and arrays returned through out-params are allocated in the
 * caller's arena and valid until it is reset. Input strings are borrowed.
 * Thread-safety: one msoc_soc may be used from many threads; calls are serialised
 * by an internal mutex. */
#ifndef MSOC_SOC_SOC_H
#define MSOC_SOC_SOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/error.h"

typedef struct msoc_soc msoc_soc;

/* ---- opening ---------------------------------------------------------------- */

typedef enum msoc_soc_cloud {
    MSOC_SOC_CLOUD_COMMERCIAL,
    MSOC_SOC_CLOUD_GCC,
    MSOC_SOC_CLOUD_GCC_HIGH,
    MSOC_SOC_CLOUD_DOD,
} msoc_soc_cloud;

/* "Commercial", "GCC", "GCC High", "DoD". */
const char *msoc_soc_cloud_str(msoc_soc_cloud c);
/* Accepts the names above case-insensitively (also "GCCHigh", "gcc-high"). */
msoc_status msoc_soc_cloud_parse(const char *s, msoc_soc_cloud *out, msoc_error *err);
/* The cross-cloud rule: the same cloud always; DoD and GCC High manage each other;
 * GCC manages Commercial. Everything else is refused. */
bool msoc_soc_cloud_can_manage(msoc_soc_cloud home, msoc_soc_cloud tenant);

#define MSOC_SOC_DEFAULT_MAX_TENANTS 100
#define MSOC_SOC_MAX_CASES_PER_TENANT 100000
#define MSOC_SOC_COMMENT_MAX_CHARS 30000

typedef struct msoc_soc_config {
    msoc_soc_cloud home_cloud; /* used when the database is created; stored after */
    int max_tenants;           /* > 0: set and store in the settings; 0: the stored
                                * value, else MSOC_SOC_DEFAULT_MAX_TENANTS */
    int max_cases_per_tenant;  /* 0: MSOC_SOC_MAX_CASES_PER_TENANT */
} msoc_soc_config;

/* Opens (creating and migrating) DATA/multisoc.db. cfg may be NULL (Commercial,
 * defaults). Returns owned. MSOC_IO when the file cannot be opened, MSOC_CORRUPT
 * when its schema version is newer than this binary knows. */
msoc_status msoc_soc_open(const char *data_dir, const msoc_soc_config *cfg, msoc_soc **out,
                          msoc_error *err);
void msoc_soc_close(msoc_soc *db); /* accepts NULL */
/* The schema version after migrations (PRAGMA user_version). */
int msoc_soc_schema_version(msoc_soc *db);
msoc_soc_cloud msoc_soc_home_cloud(msoc_soc *db);
/* Changes the tenant cap at run time (tests), without storing it. */
void msoc_soc_set_max_tenants(msoc_soc *db, int max_tenants);
/* The tenant cap in force: msoc_soc_config.max_tenants when given (> 0), which is
 * then stored in the instance settings; else the stored value; else the default. */
int msoc_soc_max_tenants(msoc_soc *db);
/* Sets and stores the tenant cap (1..1,000,000), with an audit record. */
msoc_status msoc_soc_max_tenants_store(msoc_soc *db, int max_tenants, const char *actor, msoc_error *err);

/* The set of tenant ids an action may touch. ids are borrowed. */
typedef struct msoc_soc_scope {
    const char *const *ids;
    size_t n;
} msoc_soc_scope;
bool msoc_soc_scope_has(const msoc_soc_scope *scope, const char *tenant_id);

/* ---- tenants and workspaces -------------------------------------------------- */

typedef struct msoc_soc_tenant {
    const char *id;     /* GUID */
    const char *name;
    const char *domain;
    msoc_soc_cloud cloud;
    const char *status; /* "active" | "disabled" */
    msoc_datetime created;
} msoc_soc_tenant;

/* Adds a tenant and its primary workspace ("<name>-primary"). id may be NULL (a
 * random GUID is made) or a GUID. MSOC_FORBID when the cross-cloud rule refuses
 * the cloud, MSOC_LIMIT at the tenant cap, MSOC_CONFLICT on a duplicate name or
 * id, MSOC_INVALID on a bad name, domain or GUID. */
msoc_status msoc_soc_tenant_add(msoc_soc *db, const char *id, const char *name, const char *domain,
                                msoc_soc_cloud cloud, const char *actor, msoc_arena *a,
                                msoc_soc_tenant *out, msoc_error *err);
/* Finds a tenant by id or name. NOTFOUND outside scope. */
msoc_status msoc_soc_tenant_get(msoc_soc *db, const msoc_soc_scope *scope, const char *id_or_name,
                                msoc_arena *a, msoc_soc_tenant *out, msoc_error *err);
msoc_status msoc_soc_tenant_list(msoc_soc *db, const msoc_soc_scope *scope, msoc_arena *a,
                                 msoc_soc_tenant **out, size_t *n_out, msoc_error *err);
msoc_status msoc_soc_tenant_set_status(msoc_soc *db, const char *tenant_id, const char *status,
                                       const char *actor, msoc_error *err);
/* Every tenant id, for instance admins. */
msoc_status msoc_soc_tenant_ids(msoc_soc *db, msoc_arena *a, const char ***ids_out,
                                size_t *n_out, msoc_error *err);

typedef struct msoc_soc_workspace {
    const char *id;        /* GUID */
    const char *tenant_id;
    const char *name;
    bool is_primary;
    msoc_datetime created;
} msoc_soc_workspace;

/* Adds a secondary workspace. */
msoc_status msoc_soc_workspace_add(msoc_soc *db, const msoc_soc_scope *scope, const char *tenant_id,
                                   const char *name, const char *actor, msoc_arena *a,
                                   msoc_soc_workspace *out, msoc_error *err);
/* Makes workspace_id (id or name within the tenant) the tenant's only primary. */
msoc_status msoc_soc_workspace_set_primary(msoc_soc *db, const msoc_soc_scope *scope,
                                           const char *tenant_id, const char *workspace,
                                           const char *actor, msoc_error *err);
/* Removes a secondary workspace; the primary cannot be removed (MSOC_CONFLICT). */
msoc_status msoc_soc_workspace_remove(msoc_soc *db, const msoc_soc_scope *scope,
                                      const char *tenant_id, const char *workspace,
                                      const char *actor, msoc_error *err);
/* tenant_id NULL: the workspaces of every tenant in scope. */
msoc_status msoc_soc_workspace_list(msoc_soc *db, const msoc_soc_scope *scope, const char *tenant_id,
                                    msoc_arena *a, msoc_soc_workspace **out, size_t *n_out,
                                    msoc_error *err);
/* The tenant's workspace named workspace (its id or its name), or the tenant's
 * primary when workspace is NULL. MSOC_NOTFOUND when the tenant is absent or out of
 * scope, or has no such workspace; a tenant without a primary is MSOC_INTERNAL (the
 * schema forbids it). */
msoc_status msoc_soc_workspace_get(msoc_soc *db, const msoc_soc_scope *scope, const char *tenant_id,
                                   const char *workspace, msoc_arena *a, msoc_soc_workspace *out,
                                   msoc_error *err);

/* ---- users, grants, tokens, sessions (records; crypto and policy are auth's) --- */

typedef enum msoc_soc_role {
    MSOC_SOC_ROLE_NONE = 0,
    MSOC_SOC_ROLE_READER = 1,
    MSOC_SOC_ROLE_RESPONDER = 2,
    MSOC_SOC_ROLE_ADMIN = 3,
    /* A token cap only, never a grant: the token may ingest data into the tenants
     * where its user is admin (MSOC_AUTH_INGEST) and do nothing else. It is outside
     * the reader < responder < admin order: test for it before comparing roles. */
    MSOC_SOC_ROLE_INGEST = 4,
} msoc_soc_role;
const char *msoc_soc_role_str(msoc_soc_role r);
msoc_status msoc_soc_role_parse(const char *s, msoc_soc_role *out, msoc_error *err);

typedef struct msoc_soc_user {
    int64_t id;
    const char *name;
    const char *pwhash;  /* argon2id string; "" when the user has no password */
    bool is_admin;       /* instance admin */
    bool is_disabled;
    msoc_datetime created;
} msoc_soc_user;

/* Adds a user and the user's private tenant group in one transaction. */
msoc_status msoc_soc_user_add(msoc_soc *db, const char *name, const char *pwhash, bool is_admin,
                              const char *actor, int64_t *id_out, msoc_error *err);
msoc_status msoc_soc_user_get(msoc_soc *db, const char *name, msoc_arena *a, msoc_soc_user *out,
                              msoc_error *err);
msoc_status msoc_soc_user_get_id(msoc_soc *db, int64_t id, msoc_arena *a, msoc_soc_user *out,
                                 msoc_error *err);
msoc_status msoc_soc_user_list(msoc_soc *db, msoc_arena *a, msoc_soc_user **out, size_t *n_out,
                               msoc_error *err);
msoc_status msoc_soc_user_set_password(msoc_soc *db, int64_t user_id, const char *pwhash,
                                       const char *actor, msoc_error *err);
/* Disables (or enables) a user. Disabling ends the user's sessions at once; its
 * tokens are refused while it is disabled (src/auth checks on every request).
 * MSOC_CONFLICT when it would leave no enabled instance admin; NOTFOUND. */
msoc_status msoc_soc_user_set_disabled(msoc_soc *db, int64_t user_id, bool is_disabled,
                                       const char *actor, msoc_error *err);
/* Deletes a user with its sessions, tokens, grants and private (owned) groups, in
 * one transaction. Audit records and comments keep the name. MSOC_CONFLICT for
 * the last enabled instance admin; NOTFOUND. */
msoc_status msoc_soc_user_remove(msoc_soc *db, int64_t user_id, const char *actor, msoc_error *err);

typedef struct msoc_soc_grant {
    int64_t user_id;
    const char *user_name;
    const char *tenant_id;
    msoc_soc_role role;
} msoc_soc_grant;

/* Sets (or with MSOC_SOC_ROLE_NONE removes) a user's role on a tenant.
 * MSOC_SOC_ROLE_INGEST is a token cap, not a grant: MSOC_INVALID. */
msoc_status msoc_soc_grant_set(msoc_soc *db, int64_t user_id, const char *tenant_id,
                               msoc_soc_role role, const char *actor, msoc_error *err);
/* user_id 0: every grant (filtered to tenants in scope when scope is not NULL). */
msoc_status msoc_soc_grant_list(msoc_soc *db, const msoc_soc_scope *scope, int64_t user_id,
                                msoc_arena *a, msoc_soc_grant **out, size_t *n_out,
                                msoc_error *err);

typedef struct msoc_soc_token {
    int64_t id;
    int64_t user_id;
    const char *name;
    msoc_soc_role role;     /* cap on the user's roles; NONE: no cap */
    const char *tenants;    /* comma-separated tenant ids, "" for all the user's */
    msoc_datetime expires;  /* MSOC_TIME_NULL: never */
    bool is_revoked;
    msoc_datetime created;
} msoc_soc_token;

/* Stores a token record; hash is the token's hash (hash_len bytes). */
msoc_status msoc_soc_token_add(msoc_soc *db, const msoc_soc_token *t, const uint8_t *hash,
                               size_t hash_len, const char *actor, int64_t *id_out,
                               msoc_error *err);
/* Finds a token by hash (revoked and expired ones too; the caller judges). */
msoc_status msoc_soc_token_find(msoc_soc *db, const uint8_t *hash, size_t hash_len, msoc_arena *a,
                                msoc_soc_token *out, msoc_error *err);
/* user_id 0: all tokens. */
msoc_status msoc_soc_token_list(msoc_soc *db, int64_t user_id, msoc_arena *a, msoc_soc_token **out,
                                size_t *n_out, msoc_error *err);
/* user_id 0: any user's token (admins). NOTFOUND when not that user's. */
msoc_status msoc_soc_token_revoke(msoc_soc *db, int64_t token_id, int64_t user_id,
                                  const char *actor, msoc_error *err);

msoc_status msoc_soc_session_add(msoc_soc *db, const uint8_t *hash, size_t hash_len,
                                 int64_t user_id, const char *csrf, msoc_datetime expires,
                                 msoc_error *err);
/* *user_id_out and csrf (into a) of a live session; NOTFOUND when absent or expired. */
msoc_status msoc_soc_session_find(msoc_soc *db, const uint8_t *hash, size_t hash_len,
                                  msoc_arena *a, int64_t *user_id_out, const char **csrf_out,
                                  msoc_error *err);
msoc_status msoc_soc_session_remove(msoc_soc *db, const uint8_t *hash, size_t hash_len,
                                    msoc_error *err);

/* ---- tenant groups ----------------------------------------------------------- */

typedef struct msoc_soc_group {
    int64_t id;
    const char *name;
    int64_t owner_user_id;  /* 0: a shared group */
    bool is_private;        /* the owner's private group: undeletable */
    const char **tenant_ids;
    size_t n_tenants;
} msoc_soc_group;

msoc_status msoc_soc_group_add(msoc_soc *db, const char *name, int64_t owner_user_id,
                               const char *actor, int64_t *id_out, msoc_error *err);
/* Groups visible to user_id (shared ones and the user's own); 0 lists all. */
msoc_status msoc_soc_group_list(msoc_soc *db, int64_t user_id, msoc_arena *a, msoc_soc_group **out,
                                size_t *n_out, msoc_error *err);
msoc_status msoc_soc_group_get(msoc_soc *db, int64_t group_id, msoc_arena *a, msoc_soc_group *out,
                               msoc_error *err);
/* Replaces the member set; every tenant must exist. */
msoc_status msoc_soc_group_set_tenants(msoc_soc *db, int64_t group_id, const char *const *tenant_ids,
                                       size_t n, const char *actor, msoc_error *err);
/* MSOC_FORBID for a private group. */
msoc_status msoc_soc_group_remove(msoc_soc *db, int64_t group_id, const char *actor,
                                  msoc_error *err);

/* ---- incidents and alerts (Microsoft Graph security shapes) -------------------- */

/* Graph enum value lists (NULL-terminated), for validation and docs. */
extern const char *const msoc_soc_severity_values[];        /* alertSeverity */
extern const char *const msoc_soc_incident_status_values[]; /* incidentStatus */
extern const char *const msoc_soc_alert_status_values[];    /* alertStatus */
extern const char *const msoc_soc_classification_values[];  /* alertClassification */
extern const char *const msoc_soc_determination_values[];   /* alertDetermination */
extern const char *const msoc_soc_detection_source_values[];/* detectionSource */
extern const char *const msoc_soc_service_source_values[];  /* serviceSource */
/* MSOC_INVALID naming the field and the allowed values when v is not one of them. */
msoc_status msoc_soc_enum_check(const char *field, const char *const *values, const char *v,
                                msoc_error *err);

typedef struct msoc_soc_incident {
    int64_t id;
    const char *tenant_id;
    const char *workspace_id;
    const char *display_name;
    const char *description;
    const char *summary;
    const char *severity;
    const char *status;
    const char *classification;
    const char *determination;
    const char *assigned_to;        /* NULL: unassigned */
    const char *custom_tags_json;   /* JSON array of strings */
    const char *system_tags_json;   /* JSON array of strings */
    const char *resolving_comment;
    int64_t redirect_incident_id;   /* 0: none */
    msoc_datetime created;
    msoc_datetime last_update;
} msoc_soc_incident;

typedef struct msoc_soc_alert {
    const char *id;
    const char *tenant_id;
    const char *workspace_id;
    int64_t incident_id;
    const char *provider_alert_id;
    const char *title;
    const char *description;
    const char *recommended_actions;
    const char *severity;
    const char *status;
    const char *classification;
    const char *determination;
    const char *assigned_to;
    const char *category;
    const char *detector_id;
    const char *detection_source;
    const char *service_source;
    const char *threat_display_name;
    const char *threat_family_name;
    const char *actor_display_name;
    const char *mitre_techniques_json;  /* JSON array of strings */
    const char *evidence_json;          /* JSON array of evidence objects */
    const char *additional_data_json;   /* JSON object */
    const char *system_tags_json;       /* JSON array */
    msoc_datetime created, last_update, first_activity, last_activity, resolved;
} msoc_soc_alert;

typedef struct msoc_soc_comment {
    const char *object_id;
    const char *comment;
    const char *created_by;
    msoc_datetime created;
} msoc_soc_comment;

/* A change to an incident or alert: NULL fields stay as they are. For alerts only
 * status, classification, determination, assigned_to and (as "") unassignment
 * apply, as in Graph's PATCH alerts_v2. assigned_to "" unassigns. */
typedef struct msoc_soc_patch {
    const char *status;
    const char *classification;
    const char *determination;
    const char *assigned_to;
    const char *severity;          /* incidents */
    const char *display_name;      /* incidents */
    const char *description;       /* incidents */
    const char *summary;           /* incidents */
    const char *custom_tags_json;  /* incidents: replaces the tags (JSON array of strings) */
    const char *resolving_comment; /* incidents */
    const char *add_tag;           /* incidents, bulk: adds one tag */
    const char *remove_tag;        /* incidents, bulk: removes one tag (absent: no-op) */
    const char *comment;           /* bulk: adds a comment to each object */
} msoc_soc_patch;

/* An OData-style filter tree over an object's documented fields. Values are the
 * literal text; is_string tells a quoted literal from a bare one (numbers,
 * datetimes, true/false, null). Field names are Graph's (camelCase). */
typedef enum msoc_soc_expr_kind {
    MSOC_SOC_EXPR_AND,
    MSOC_SOC_EXPR_OR,
    MSOC_SOC_EXPR_NOT,
    MSOC_SOC_EXPR_CMP,
    MSOC_SOC_EXPR_IN,
} msoc_soc_expr_kind;

typedef enum msoc_soc_cmp {
    MSOC_SOC_CMP_EQ,
    MSOC_SOC_CMP_NE,
    MSOC_SOC_CMP_GT,
    MSOC_SOC_CMP_GE,
    MSOC_SOC_CMP_LT,
    MSOC_SOC_CMP_LE,
} msoc_soc_cmp;

typedef struct msoc_soc_value {
    const char *text;
    size_t len;
    bool is_string;
} msoc_soc_value;

typedef struct msoc_soc_expr msoc_soc_expr;
struct msoc_soc_expr {
    msoc_soc_expr_kind kind;
    msoc_soc_cmp cmp;               /* CMP */
    const char *field;              /* CMP, IN */
    msoc_soc_value *values;         /* CMP: 1; IN: n_values */
    size_t n_values;
    msoc_soc_expr *lhs, *rhs;       /* AND, OR; NOT uses lhs */
};

typedef struct msoc_soc_list_opts {
    const msoc_soc_expr *filter;    /* NULL: everything */
    const char *orderby;            /* a field name; NULL: by id */
    bool is_desc;
    int64_t top;                    /* 0: the default page (50) */
    int64_t skip;
    bool want_count;                /* fill *total_out with the count before paging */
} msoc_soc_list_opts;

#define MSOC_SOC_PAGE_DEFAULT 50
#define MSOC_SOC_PAGE_MAX 1000

/* Creates an incident (id assigned). in->tenant_id must be in scope; workspace
 * NULL uses the tenant's primary. Enums are validated. */
msoc_status msoc_soc_incident_create(msoc_soc *db, const msoc_soc_scope *scope,
                                     const msoc_soc_incident *in, const char *actor,
                                     int64_t *id_out, msoc_error *err);
msoc_status msoc_soc_incident_get(msoc_soc *db, const msoc_soc_scope *scope, int64_t id,
                                  msoc_arena *a, msoc_soc_incident *out, msoc_error *err);
msoc_status msoc_soc_incident_list(msoc_soc *db, const msoc_soc_scope *scope,
                                   const msoc_soc_list_opts *opts, msoc_arena *a,
                                   msoc_soc_incident **out, size_t *n_out, int64_t *total_out,
                                   msoc_error *err);
msoc_status msoc_soc_incident_patch(msoc_soc *db, const msoc_soc_scope *scope, int64_t id,
                                    const msoc_soc_patch *p, const char *actor, msoc_error *err);
/* Applies p to every incident in ids, all or nothing. An assignee must hold a
 * grant on every affected tenant (MSOC_FORBID naming every tenant that lacks one,
 * by name and id, otherwise). */
msoc_status msoc_soc_incident_bulk_patch(msoc_soc *db, const msoc_soc_scope *scope,
                                         const int64_t *ids, size_t n, const msoc_soc_patch *p,
                                         const char *actor, msoc_error *err);

msoc_status msoc_soc_alert_create(msoc_soc *db, const msoc_soc_scope *scope,
                                  const msoc_soc_alert *in, const char *actor, msoc_arena *a,
                                  const char **id_out, msoc_error *err);
msoc_status msoc_soc_alert_get(msoc_soc *db, const msoc_soc_scope *scope, const char *id,
                               msoc_arena *a, msoc_soc_alert *out, msoc_error *err);
/* incident_id 0: all alerts in scope; otherwise that incident's. */
msoc_status msoc_soc_alert_list(msoc_soc *db, const msoc_soc_scope *scope, int64_t incident_id,
                                const msoc_soc_list_opts *opts, msoc_arena *a,
                                msoc_soc_alert **out, size_t *n_out, int64_t *total_out,
                                msoc_error *err);
msoc_status msoc_soc_alert_patch(msoc_soc *db, const msoc_soc_scope *scope, const char *id,
                                 const msoc_soc_patch *p, const char *actor, msoc_error *err);
msoc_status msoc_soc_alert_bulk_patch(msoc_soc *db, const msoc_soc_scope *scope,
                                      const char *const *ids, size_t n, const msoc_soc_patch *p,
                                      const char *actor, msoc_error *err);
/* Moves alerts (all of one tenant) to incident target_id, or to a new incident
 * titled new_title when target_id is 0. comment is required. *incident_out gets
 * the target. Incidents left without alerts keep existing. */
msoc_status msoc_soc_alerts_move(msoc_soc *db, const msoc_soc_scope *scope,
                                 const char *const *alert_ids, size_t n, int64_t target_id,
                                 const char *new_title, const char *comment, const char *actor,
                                 int64_t *incident_out, msoc_error *err);

/* kind: "incident", "alert" or "case" (object_id "<tenant>/<case id>" for cases
 * is not used: cases have their own activity log). Up to 30,000 characters. */
msoc_status msoc_soc_comment_add(msoc_soc *db, const msoc_soc_scope *scope, const char *kind,
                                 const char *object_id, const char *text, const char *actor,
                                 msoc_error *err);
msoc_status msoc_soc_comment_list(msoc_soc *db, const char *kind, const char *object_id,
                                  msoc_arena *a, msoc_soc_comment **out, size_t *n_out,
                                  msoc_error *err);
/* The comments of many objects of one kind in one query (at most 1000 ids),
 * ordered by object then time; each carries its object_id. For list pages. */
msoc_status msoc_soc_comment_list_many(msoc_soc *db, const char *kind, const char *const *object_ids,
                                       size_t n, msoc_arena *a, msoc_soc_comment **out,
                                       size_t *n_out, msoc_error *err);

/* ---- audit --------------------------------------------------------------------- */

typedef struct msoc_soc_audit {
    int64_t id;
    msoc_datetime at;
    const char *actor;
    const char *tenant_id;  /* "" for instance-level changes */
    const char *kind;       /* "incident", "alert", "tenant", ... */
    const char *object_id;
    const char *action;     /* "create", "update", "comment", "move", ... */
    const char *detail;     /* JSON object with the changed fields */
} msoc_soc_audit;

/* Newest first; scope NULL lists instance-level records too. limit 0: 100. */
msoc_status msoc_soc_audit_list(msoc_soc *db, const msoc_soc_scope *scope, const char *kind,
                                const char *object_id, int64_t limit, msoc_arena *a,
                                msoc_soc_audit **out, size_t *n_out, msoc_error *err);

/* ---- cases and tasks ------------------------------------------------------------- */

extern const char *const msoc_soc_case_priority_values[]; /* Very low .. Critical */
extern const char *const msoc_soc_task_status_values[];

typedef struct msoc_soc_case {
    const char *tenant_id;
    int64_t id;             /* per tenant, from 1000 */
    const char *title;
    const char *description;
    const char *priority;
    const char *status;     /* one of the tenant's case statuses */
    const char *assignee;
    msoc_datetime due;      /* MSOC_TIME_NULL: none */
    msoc_datetime created, updated;
    int64_t *incident_ids;
    size_t n_incidents;
} msoc_soc_case;

typedef struct msoc_soc_task {
    int64_t id;
    const char *tenant_id;
    int64_t case_id;
    const char *name;
    const char *status;
    const char *priority;
    const char *owner;
    msoc_datetime due;
    const char *description;
    const char *closing_notes;
} msoc_soc_task;

typedef struct msoc_soc_activity {
    msoc_datetime at;
    const char *actor;
    const char *text;
} msoc_soc_activity;

/* in->status NULL: the tenant's first status. MSOC_LIMIT past the per-tenant cap. */
msoc_status msoc_soc_case_create(msoc_soc *db, const msoc_soc_scope *scope, const msoc_soc_case *in,
                                 const char *actor, int64_t *id_out, msoc_error *err);
msoc_status msoc_soc_case_get(msoc_soc *db, const msoc_soc_scope *scope, const char *tenant_id,
                              int64_t id, msoc_arena *a, msoc_soc_case *out, msoc_error *err);
/* tenant_id NULL: every tenant in scope; newest first, limit 0 means 100. */
msoc_status msoc_soc_case_list(msoc_soc *db, const msoc_soc_scope *scope, const char *tenant_id,
                               int64_t limit, int64_t skip, msoc_arena *a, msoc_soc_case **out,
                               size_t *n_out, msoc_error *err);
/* NULL fields unchanged; due MSOC_TIME_NULL unchanged. */
typedef struct msoc_soc_case_patch {
    const char *title, *description, *priority, *status, *assignee;
    msoc_datetime due;
    const int64_t *link_incidents;   /* incidents to link (same tenant) */
    size_t n_link;
} msoc_soc_case_patch;
msoc_status msoc_soc_case_patch_apply(msoc_soc *db, const msoc_soc_scope *scope,
                                      const char *tenant_id, int64_t id,
                                      const msoc_soc_case_patch *p, const char *actor,
                                      msoc_error *err);
msoc_status msoc_soc_case_activity(msoc_soc *db, const msoc_soc_scope *scope, const char *tenant_id,
                                   int64_t id, msoc_arena *a, msoc_soc_activity **out,
                                   size_t *n_out, msoc_error *err);
/* Per-tenant case status list (defaults New, Open, Closed). */
msoc_status msoc_soc_case_statuses(msoc_soc *db, const msoc_soc_scope *scope, const char *tenant_id,
                                   msoc_arena *a, const char ***out, size_t *n_out,
                                   msoc_error *err);
msoc_status msoc_soc_case_statuses_set(msoc_soc *db, const msoc_soc_scope *scope,
                                       const char *tenant_id, const char *const *names, size_t n,
                                       const char *actor, msoc_error *err);

msoc_status msoc_soc_task_add(msoc_soc *db, const msoc_soc_scope *scope, const msoc_soc_task *in,
                              const char *actor, int64_t *id_out, msoc_error *err);
typedef struct msoc_soc_task_patch {
    const char *name, *status, *priority, *owner, *description, *closing_notes;
    msoc_datetime due;  /* MSOC_TIME_NULL: unchanged */
} msoc_soc_task_patch;
msoc_status msoc_soc_task_patch_apply(msoc_soc *db, const msoc_soc_scope *scope,
                                      const char *tenant_id, int64_t case_id, int64_t task_id,
                                      const msoc_soc_task_patch *p, const char *actor,
                                      msoc_error *err);
msoc_status msoc_soc_task_list(msoc_soc *db, const msoc_soc_scope *scope, const char *tenant_id,
                               int64_t case_id, msoc_arena *a, msoc_soc_task **out, size_t *n_out,
                               msoc_error *err);

/* ---- saved hunting queries ---------------------------------------------------------- */

typedef struct msoc_soc_saved_query {
    int64_t id;
    const char *tenant_id;   /* NULL: shared across tenants */
    const char *name;
    const char *query;
    const char *description;
    const char *created_by;
    msoc_datetime created, updated;
} msoc_soc_saved_query;

/* A per-tenant query needs its tenant in scope; a shared one (tenant_id NULL)
 * needs shared_ok (the caller's right to write shared queries). */
msoc_status msoc_soc_query_save(msoc_soc *db, const msoc_soc_scope *scope, bool shared_ok,
                                const msoc_soc_saved_query *in, const char *actor,
                                int64_t *id_out, msoc_error *err);
/* Shared queries and the per-tenant ones in scope. */
msoc_status msoc_soc_query_list(msoc_soc *db, const msoc_soc_scope *scope, msoc_arena *a,
                                msoc_soc_saved_query **out, size_t *n_out, msoc_error *err);
msoc_status msoc_soc_query_remove(msoc_soc *db, const msoc_soc_scope *scope, bool shared_ok,
                                  int64_t id, const char *actor, msoc_error *err);

/* ---- demo data -------------------------------------------------------------------------- */

/* Seeds n_incidents incidents (1-4 alerts each, Graph-shaped evidence and MITRE
 * techniques) and n_cases cases per tenant, deterministically from seed, in one
 * transaction per tenant. */
msoc_status msoc_soc_demo_seed(msoc_soc *db, const char *const *tenant_ids, size_t n_tenants,
                               int n_incidents, int n_cases, uint64_t seed, msoc_error *err);

#endif
