/* Internals of the demo generator, shared by the .c files in src/demo only.
 * Design notes: src/demo/README.md. */
#ifndef MSOC_DEMO_DEMO_INT_H
#define MSOC_DEMO_DEMO_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/datetime.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/str.h"
#include "demo.h"
#include "storage/catalog.h"

/* ---- column ids (columns.def) ---- */
typedef enum dm_col {
#define DM_COL(name) DM_C_##name,
#include "columns.def"
#undef DM_COL
    DM_C__COUNT
} dm_col;

/* ---- tables ---- */
typedef enum dm_tbl {
    DM_T_DeviceInfo, DM_T_DeviceNetworkInfo, DM_T_DeviceProcessEvents, DM_T_DeviceNetworkEvents,
    DM_T_DeviceFileEvents, DM_T_DeviceRegistryEvents, DM_T_DeviceLogonEvents,
    DM_T_DeviceImageLoadEvents, DM_T_DeviceEvents, DM_T_DeviceTvmSoftwareInventory, DM_T_AlertInfo,
    DM_T_AlertEvidence, DM_T_EmailEvents, DM_T_EmailAttachmentInfo, DM_T_EmailUrlInfo,
    DM_T_UrlClickEvents, DM_T_IdentityLogonEvents, DM_T_IdentityInfo, DM_T_CloudAppEvents,
    DM_T__DEFENDER_COUNT,
    DM_T_SigninLogs = DM_T__DEFENDER_COUNT, DM_T_AuditLogs, DM_T_SecurityEvent, DM_T_Syslog,
    DM_T_CommonSecurityLog,
    DM_T__COUNT
} dm_tbl;
#define DM_N_SENTINEL (DM_T__COUNT - DM_T__DEFENDER_COUNT)

extern const char *const dm_table_names[DM_T__COUNT];

/* One table's shape, resolved from the catalog once; read-only afterwards. */
typedef struct dm_table {
    const msoc_stor_table_def *def;
    int16_t map[DM_C__COUNT];   /* column id -> catalog index, -1 when absent */
    bool *is_emitted;           /* per catalog column: written even when unset */
    char **key;                 /* per catalog column: ,"Name": */
    uint8_t *key_len;
    size_t keys_len;            /* sum of key_len */
    bool is_sentinel;
    int time_col;               /* catalog index of the row-time column, -1 for snapshots */
} dm_table;

typedef struct dm_schema {
    dm_table t[DM_T__COUNT];
} dm_schema;

msoc_status dm_schema_init(dm_schema *s, msoc_error *err);
void dm_schema_fini(dm_schema *s);

/* A value slot of the row being built. */
enum { DV_NONE = 0, DV_STR, DV_JSON, DV_I64, DV_F64, DV_BOOL, DV_DT };
typedef struct dm_val {
    uint8_t kind;
    uint32_t len;
    union {
        const char *s;
        int64_t i;
        double f;
    } u;
} dm_val;

/* One output file (tenant / workspace / table): buffered, flushed in big writes. */
typedef struct dm_out {
    const dm_table *t;
    int fd;
    char *path;
    msoc_buf buf;
    uint64_t n_rows;
    uint64_t n_rows_reported;   /* already added to progress_rows */
    uint64_t n_bytes;
    dm_val *vals;               /* per catalog column */
    msoc_datetime row_time;
    char scratch[1024];         /* dm_s_copy strings of the current row */
    size_t scratch_len;
    const char *tenant_id;      /* 36 chars */
    const char *workspace_id;   /* NULL for Defender */
    msoc_datetime fmt_cache_dt; /* last datetime formatted, and its text */
    char fmt_cache[MSOC_DATETIME_FMT_CAP];
    atomic_uint_fast64_t *progress_rows;  /* shared counters (may be NULL) */
    atomic_uint_fast64_t *progress_bytes;
    msoc_status st;             /* sticky write failure */
    bool is_sink;               /* not written (dm_out_sink) */
    msoc_error *err;
} dm_out;

msoc_status dm_out_open(dm_out *o, const dm_table *t, const char *path, const char *tenant_id,
                        const char *workspace_id, msoc_error *err);
/* An output that is not written (opts->tables leaves it out): rows are built and dropped. */
void dm_out_sink(dm_out *o, const dm_table *t);
msoc_status dm_out_close(dm_out *o, msoc_error *err);

/* Row building: begin, set columns, end. Setting a column the table lacks panics
 * (a generator bug), except through the *_opt forms. Strings are borrowed until
 * dm_row_end. */
void dm_row_begin(dm_out *o, msoc_datetime t);
void dm_row_end(dm_out *o);
void dm_s(dm_out *o, dm_col c, const char *s);
/* Like dm_s, but copies s into the row's scratch space (for helper-local buffers). */
void dm_s_copy(dm_out *o, dm_col c, const char *s);
void dm_sn(dm_out *o, dm_col c, const char *s, size_t len);
void dm_json(dm_out *o, dm_col c, const char *json); /* raw JSON value text */
void dm_i(dm_out *o, dm_col c, int64_t v);
void dm_f(dm_out *o, dm_col c, double v);
void dm_b(dm_out *o, dm_col c, bool v);
void dm_t(dm_out *o, dm_col c, msoc_datetime v);
bool dm_has(const dm_out *o, dm_col c);
void dm_s_opt(dm_out *o, dm_col c, const char *s);
void dm_i_opt(dm_out *o, dm_col c, int64_t v);
void dm_t_opt(dm_out *o, dm_col c, msoc_datetime v);
void dm_b_opt(dm_out *o, dm_col c, bool v);

/* ---- the world: tenants, workspaces, devices, users ---- */
enum { DM_OS_WIN10, DM_OS_WIN11, DM_OS_SRV2019, DM_OS_SRV2022, DM_OS_UBUNTU, DM_OS_RHEL, DM_OS__COUNT };
enum { DM_ROLE_WORKSTATION, DM_ROLE_SERVER, DM_ROLE_DC, DM_ROLE_LINUX };
enum { DM_ACCT_SYSTEM, DM_ACCT_LOCALSVC, DM_ACCT_NETSVC, DM_ACCT_USER };

typedef struct dm_os_info {
    const char *platform;  /* DeviceInfo.OSPlatform */
    const char *distribution, *version_info, *os_version, *tvm_name;
    int64_t build;
    const char *revisions[4]; /* newest last; patch lag picks older ones */
    bool is_windows, is_server;
} dm_os_info;
extern const dm_os_info dm_os[DM_OS__COUNT];

/* The process catalog (vocab.c). */
enum { DM_PK_NONE, DM_PK_SERVICES, DM_PK_SVCHOST, DM_PK_EXPLORER, DM_PK_SHELL, DM_PK_SELF };
typedef struct dm_proc_def {
    const char *file, *folder, *company, *product, *version, *description, *original;
    int64_t size;
    uint8_t parent_kind;
    uint8_t acct;          /* DM_ACCT_*: whose token it runs under (USER = the session user) */
    bool is_linux;
    const char *cmds[4];   /* command line variants (NULL-terminated) */
    char sha256[65], sha1[41], md5[33]; /* filled by dm_vocab_init */
} dm_proc_def;

typedef struct dm_vocab {
    dm_proc_def *procs;
    size_t n_procs;
    size_t n_win_common;   /* Zipf draws over the first n Windows entries */
    int p_system_boot[6];  /* smss, wininit, services, winlogon, userinit, explorer */
    int p_svchost, p_cmd, p_powershell, p_conhost, p_rundll32, p_lsass;
    int p_bash, p_sshd, p_cron, p_systemd_like;
    size_t *win_pick;      /* Zipf order of pickable Windows procs */
    size_t n_win_pick;
    size_t *lin_pick;
    size_t n_lin_pick;
} dm_vocab;
void dm_vocab_init(dm_vocab *v);
void dm_vocab_fini(dm_vocab *v);
/* Appends a process definition (strings borrowed; hashes copied); returns its index. */
int dm_vocab_add(dm_vocab *v, const dm_proc_def *def);

typedef struct dm_proc {
    int16_t def;            /* dm_vocab.procs index */
    uint8_t acct;
    uint32_t pid;
    msoc_datetime created;
    const char *cmd;
    int16_t pdef;           /* parent's def, -1 = System */
    uint32_t ppid;
    msoc_datetime pcreated;
    uint64_t uid;
    int64_t logon_id;
} dm_proc;

#define DM_RECENT 6
typedef struct dm_device {
    char id[41], aad_id[37], name[72], host[24];
    uint8_t os, role, patch_lag;
    char ip[16], mac[18];
    int user;               /* primary user, -1 for servers */
    int ws;                 /* Sentinel workspace its server logs go to */
    double activity;        /* volume multiplier (power law) */
    uint64_t report_id;
    uint32_t next_pid;
    uint64_t next_uid;
    dm_proc services, svchost[3], winlogon, lsass, explorer;
    bool has_explorer;
    int logon_day;          /* local day index of the last interactive logon */
    msoc_datetime boot;
    int64_t session_logon_id;
    dm_proc recent[DM_RECENT];
    int n_recent, recent_pos;
    uint8_t sw[16], sw_ver[16], n_sw;
} dm_device;

typedef struct dm_user {
    char sam[24], upn[80], display[48], given[20], surname[24];
    char sid[64], oid[37];
    const char *dept, *title;
    int device;             /* primary device, -1 */
    bool is_admin;
    char home_ip[16];       /* remote-work public IP */
} dm_user;

typedef struct dm_workspace {
    char id[37], name[64];
    bool is_primary;
} dm_workspace;

struct dm_scen;

typedef struct dm_tenant {
    int idx;
    char id[37], name[64], domain[64], netbios[16], sid_prefix[48];
    const char *cloud, *tz_name, *country, *city;
    int tz_offset_min;      /* fixed offset (DST ignored) */
    char egress_ip[16], subnet[12]; /* "10.23." style prefix */
    int n_dev, n_users;
    dm_device *devs;
    dm_user *users;
    int n_ws;
    dm_workspace ws[3];
    int *dcs;               /* indices of domain controllers */
    int n_dcs;
    struct dm_scen **scens;
    int n_scens;
    uint64_t n_rows;
    uint64_t *file_rows, *file_bytes; /* per output file, Defender tables then workspaces */
} dm_tenant;

/* The shared campaign infrastructure (same across tenants, from the seed). */
#define DM_N_CAMPAIGNS 2
typedef struct dm_campaign {
    char c2_ip[16], c2_domain[48], phish_domain[48], spray_ip[16];
    char payload_sha256[65], payload_sha1[41], payload_md5[33], payload_name[32];
    char ransom_sha256[65], ransom_ext[12];
    char payload_folder[96], ransom_name[32], ransom_folder[96];
    int payload_def, ransom_def; /* dm_vocab.procs entries */
} dm_campaign;

typedef struct dm_world {
    const msoc_demo_opts *opts;
    msoc_datetime start, end;
    bool is_written[DM_T__COUNT]; /* opts->tables */
    int n_hours;
    dm_vocab vocab;
    dm_schema schema;
    dm_campaign camp[DM_N_CAMPAIGNS];
    char mimikatz_sha256[65], mimikatz_sha1[41], mimikatz_md5[33];
    dm_tenant *tenants;
    int n_tenants;
    const char **clouds;        /* per tenant, chosen before the tenants are built */
    struct dm_scen *scens;
    int n_scens;
} dm_world;

void dm_world_build_tenant(dm_world *w, dm_tenant *t, int idx, int size_rank);
void dm_world_build_campaigns(dm_world *w);
void dm_tenant_fini(dm_tenant *t);

/* ---- planted attack scenarios (scenario.c) ---- */
enum { DM_SC_ENCODED_PS, DM_SC_CRED_DUMP, DM_SC_RANSOMWARE, DM_SC_PHISHING, DM_SC_SPRAY,
       DM_SC_LATERAL, DM_SC__COUNT };
extern const char *const dm_scen_names[DM_SC__COUNT];

typedef struct dm_scen {
    int type, tenant, campaign;
    char id[24];
    int hour;                   /* hour index in which it is emitted */
    msoc_datetime at;           /* planned start */
    msoc_datetime first, last;  /* actual span of the rows written */
    int device, user;
    int targets[6], n_targets;
    msoc_buf rows;              /* manifest: comma-separated {"table":..,"match":{..}} */
    msoc_buf keys;              /* manifest: extra "name":value pairs, comma-separated */
    uint64_t table_rows[DM_T__COUNT];
    char strs[6][640];          /* command lines etc. that rows point to */
    bool is_planned, is_emitted;
} dm_scen;

/* Picks the scenario instances for every tenant (serial, before generation). */
void dm_scen_plan(dm_world *w);
/* Chooses devices/users/times for the scenarios of tenant t (in its thread). */
void dm_scen_place(dm_world *w, dm_tenant *t, msoc_rng *r);

/* ---- generation (gen.c) ---- */
typedef struct dm_gen {
    dm_world *w;
    dm_tenant *t;
    msoc_rng r;
    dm_out def[DM_T__DEFENDER_COUNT];
    dm_out (*sen)[DM_N_SENTINEL];  /* per workspace */
    uint64_t report_seq;        /* string ReportIds of non-device tables */
} dm_gen;

typedef struct dm_evidence {
    const char *entity;  /* Machine, Process, User, Ip, Url, File, MailMessage */
    const dm_device *d;
    const dm_user *u;
    const char *file, *folder, *sha256, *cmd, *ip, *url, *nmid, *subject;
} dm_evidence;

/* An AlertInfo row and one AlertEvidence row per evidence entry. sc may be NULL
 * (background alerts); otherwise the rows are recorded in the scenario. */
void dm_emit_alert(dm_gen *g, dm_scen *sc, msoc_datetime at, const char *title, const char *category,
                   const char *severity, const char *service, const char *detection,
                   const char *techniques, const dm_evidence *ev, int n_ev);

void dm_gen_hour(dm_gen *g, int hour);
void dm_gen_snapshot(dm_gen *g);
void dm_scen_emit(dm_gen *g, dm_scen *sc);
/* Process-event helpers shared by gen.c and scenario.c. */
dm_proc dm_proc_spawn(dm_gen *g, dm_device *d, const dm_proc *parent, int def, const char *cmd,
                      uint8_t acct, msoc_datetime at);
/* Writes the DeviceProcessEvents row for p; returns its ReportId. */
int64_t dm_emit_process(dm_gen *g, dm_device *d, const dm_proc *p, const dm_proc *parent);
void dm_set_initiating(dm_gen *g, dm_out *o, dm_device *d, const dm_proc *p);
void dm_set_device(dm_out *o, dm_device *d);
int64_t dm_next_report(dm_device *d);
const char *dm_proc_cmd(const dm_vocab *v, const dm_proc *p);
bool dm_windows(const dm_device *d);
const dm_user *dm_proc_user(dm_gen *g, const dm_device *d);
void dm_push_recent(dm_device *d, const dm_proc *p);
void dm_ip_for_domain(const char *domain, char out[16]);
void dm_user_logon(dm_gen *g, dm_device *d, msoc_datetime at, int day);
void dm_emit_device_logon(dm_gen *g, dm_device *d, msoc_datetime at, const char *action,
                          const char *logon_type, const dm_user *u, const char *remote_ip,
                          const char *remote_name, const dm_proc *init, int64_t logon_id);
void dm_emit_security_logon(dm_gen *g, dm_device *d, msoc_datetime at, int event_id,
                            const dm_user *u, int logon_type, const char *ip, const char *wks);
void dm_emit_csl_traffic(dm_gen *g, dm_device *d, msoc_datetime at, const char *dst_ip, int port,
                         const char *url, const char *action);
/* Mail, with optional URL and attachment rows; writes the NetworkMessageId. */
void dm_emit_email(dm_gen *g, msoc_datetime at, const dm_user *u, const char *sender,
                   const char *sender_name, const char *sender_domain, const char *sender_ip,
                   const char *subject, const char *url, const char *url_domain,
                   const char *att_name, const char *att_sha256, const char *threat,
                   char nmid_out[37]);
void dm_emit_click(dm_gen *g, msoc_datetime at, const dm_user *u, const char *nmid,
                   const char *url, const char *ip, const char *threat, char rid_out[64]);
/* A SigninLogs row on the primary workspace; writes its Id. app indexes gen.c's list. */
void dm_emit_signin(dm_gen *g, msoc_datetime at, const dm_user *u, const char *ip, int app,
                    int result_type, const char *user_agent, const char *country,
                    char id_out[37]);

/* ---- small helpers (util in world.c) ---- */
uint64_t dm_hash_str(const char *s, uint64_t salt);
/* Writes n lower-case hex digits derived from (s, salt) plus a NUL. */
void dm_hex_from(const char *s, uint64_t salt, char *out, size_t n);
void dm_hex_rng(msoc_rng *r, char *out, size_t n);
void dm_guid_rng(msoc_rng *r, char out[37]);
void dm_guid_from(const char *s, uint64_t salt, char out[37]);
/* snprintf into a caller buffer; truncates. Returns the length written. */
size_t dm_fmt(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int64_t dm_poisson(msoc_rng *r, double mean);
/* Decimal text of v (the hot-path replacement for "%llu"). */
void dm_u64(char out[21], uint64_t v);
/* Zipf-like rank in [0, n): P(k) ~ 1/(k+1)^s (table-free, by inverse CDF approx). */
size_t dm_zipf(msoc_rng *r, size_t n, double s);

#endif
