/* Background (benign) activity of one tenant, hour by hour: endpoint telemetry with
 * consistent process trees, mail, sign-ins, cloud-app and identity events, and the
 * Sentinel workspace logs that mirror them. Design: src/demo/README.md. */
#include <math.h>
#include <string.h>

#include "demo_int.h"
#include "vocab.h"

#define H MSOC_TICKS_PER_HOUR
#define MIN MSOC_TICKS_PER_MINUTE
#define SEC MSOC_TICKS_PER_SECOND

static dm_out *sen(dm_gen *g, int ws, dm_tbl t)
{
    return &g->sen[ws][t - DM_T__DEFENDER_COUNT];
}

/* Working-hours rhythm: relative activity for a local hour of the day. */
static const double workday_w[24] = {0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.06, 0.3, 0.8, 1.0, 1.0, 1.0,
                                     0.7,  0.9,  1.0,  1.0,  0.9,  0.6,  0.3,  0.15, 0.08, 0.05, 0.04, 0.03};

typedef struct hour_ctx {
    msoc_datetime start;  /* UTC hour start */
    int local_hour, local_day, weekday;
    bool is_weekend;
    double wk;            /* workstation weight */
} hour_ctx;

static void hour_info(dm_gen *g, int hour, hour_ctx *hc)
{
    hc->start = g->w->start + (int64_t)hour * H;
    msoc_datetime local = hc->start + (int64_t)g->t->tz_offset_min * MIN;
    int64_t day = msoc_floor_div(local, MSOC_TICKS_PER_DAY);
    hc->local_day = (int)day;
    hc->local_hour = (int)((local - day * MSOC_TICKS_PER_DAY) / H);
    hc->weekday = msoc_datetime_weekday(local);
    hc->is_weekend = hc->weekday == 0 || hc->weekday == 6;
    hc->wk = workday_w[hc->local_hour] * (hc->is_weekend ? 0.08 : 1.0);
}

/* n sorted instants in [start, start + span): uniform order statistics via
 * exponential spacings, so no sort is needed. */
static void sorted_times(msoc_rng *r, msoc_datetime start, int64_t span, msoc_datetime *out, size_t n)
{
    double acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc += msoc_rng_exp(r, 1.0);
        out[i] = (msoc_datetime)acc;
    }
    double total = acc + msoc_rng_exp(r, 1.0);
    for (size_t i = 0; i < n; i++)
        out[i] = start + (int64_t)((double)out[i] / total * (double)span);
}

/* ---- identities ---- */

const dm_user *dm_proc_user(dm_gen *g, const dm_device *d)
{
    if (d->user >= 0)
        return &g->t->users[d->user];
    return &g->t->users[g->t->n_users - 1]; /* the server admin */
}

typedef struct acct_view {
    const char *domain, *name, *sid, *upn, *oid, *integrity, *elevation;
    int64_t logon_id;
    int session;
} acct_view;

static void acct_of(dm_gen *g, const dm_device *d, uint8_t acct, int64_t logon_id, acct_view *a)
{
    bool is_linux = !dm_os[d->os].is_windows;
    memset(a, 0, sizeof *a);
    a->upn = a->oid = "";
    a->elevation = "TokenElevationTypeDefault";
    a->integrity = "System";
    switch (acct) {
    case DM_ACCT_USER: {
        const dm_user *u = dm_proc_user(g, d);
        a->domain = is_linux ? "" : g->t->netbios;
        a->name = u->sam;
        a->sid = is_linux ? "" : u->sid;
        a->upn = u->upn;
        a->oid = u->oid;
        a->integrity = is_linux ? "" : (u->is_admin && d->user < 0 ? "High" : "Medium");
        a->elevation = u->is_admin && d->user < 0 ? "TokenElevationTypeFull" : "TokenElevationTypeLimited";
        a->logon_id = logon_id;
        a->session = d->user >= 0 ? 1 : 2;
        break;
    }
    case DM_ACCT_LOCALSVC:
        a->domain = "nt authority", a->name = "local service", a->sid = "S-1-5-19", a->logon_id = 997;
        break;
    case DM_ACCT_NETSVC:
        a->domain = "nt authority", a->name = "network service", a->sid = "S-1-5-20", a->logon_id = 996;
        break;
    default:
        a->domain = is_linux ? "" : "nt authority";
        a->name = is_linux ? "root" : "system";
        a->sid = is_linux ? "" : "S-1-5-18";
        a->logon_id = is_linux ? 0 : 999;
        if (is_linux)
            a->integrity = "", a->elevation = "";
        break;
    }
}

int64_t dm_next_report(dm_device *d)
{
    return (int64_t)d->report_id++;
}

const char *dm_proc_cmd(const dm_vocab *v, const dm_proc *p)
{
    return p->cmd ? p->cmd : v->procs[p->def].cmds[0];
}

void dm_set_device(dm_out *o, dm_device *d)
{
    dm_s(o, DM_C_DeviceId, d->id);
    dm_s(o, DM_C_DeviceName, d->name);
}

dm_proc dm_proc_spawn(dm_gen *g, dm_device *d, const dm_proc *parent, int def, const char *cmd,
                      uint8_t acct, msoc_datetime at)
{
    const dm_proc_def *pd = &g->w->vocab.procs[def];
    dm_proc p;
    memset(&p, 0, sizeof p);
    p.def = (int16_t)def;
    p.acct = acct;
    p.pid = d->next_pid;
    d->next_pid += 4 + 4 * (uint32_t)msoc_rng_below(&g->r, 8);
    if (d->next_pid > 60000)
        d->next_pid = 1000 + (uint32_t)msoc_rng_below(&g->r, 2000);
    p.created = at;
    if (cmd == NULL) {
        size_t n_cmd = 0;
        while (n_cmd < 4 && pd->cmds[n_cmd])
            n_cmd++;
        cmd = pd->cmds[n_cmd > 1 ? msoc_rng_below(&g->r, n_cmd) : 0];
    }
    p.cmd = cmd;
    if (parent) {
        p.pdef = parent->def;
        p.ppid = parent->pid;
        p.pcreated = parent->created;
    } else {
        p.pdef = -1;
        p.ppid = 4;
        p.pcreated = d->boot;
    }
    p.uid = d->next_uid++;
    acct_view a;
    acct_of(g, d, acct, d->session_logon_id, &a);
    p.logon_id = a.logon_id;
    return p;
}

void dm_set_initiating(dm_gen *g, dm_out *o, dm_device *d, const dm_proc *p)
{
    const dm_vocab *v = &g->w->vocab;
    if (p == NULL) {
        /* The kernel's System process, which has no creation event. */
        dm_s_opt(o, DM_C_InitiatingProcessFileName, "System");
        dm_i_opt(o, DM_C_InitiatingProcessId, 4);
        dm_t_opt(o, DM_C_InitiatingProcessCreationTime, d->boot);
        return;
    }
    const dm_proc_def *pd = &v->procs[p->def];
    acct_view a;
    acct_of(g, d, p->acct, p->logon_id, &a);
    char uid[24];
    dm_u64(uid, p->uid);
    dm_s_opt(o, DM_C_InitiatingProcessAccountDomain, a.domain);
    dm_s_opt(o, DM_C_InitiatingProcessAccountName, a.name);
    dm_s_opt(o, DM_C_InitiatingProcessAccountSid, a.sid);
    dm_s_opt(o, DM_C_InitiatingProcessAccountUpn, a.upn);
    dm_s_opt(o, DM_C_InitiatingProcessAccountObjectId, a.oid);
    dm_i_opt(o, DM_C_InitiatingProcessLogonId, a.logon_id);
    dm_s_opt(o, DM_C_InitiatingProcessIntegrityLevel, a.integrity);
    dm_s_opt(o, DM_C_InitiatingProcessTokenElevation, a.elevation);
    dm_s_opt(o, DM_C_InitiatingProcessSHA1, pd->sha1);
    dm_s_opt(o, DM_C_InitiatingProcessSHA256, pd->sha256);
    dm_s_opt(o, DM_C_InitiatingProcessMD5, pd->md5);
    dm_s_opt(o, DM_C_InitiatingProcessFileName, pd->file);
    dm_i_opt(o, DM_C_InitiatingProcessFileSize, pd->size);
    dm_s_opt(o, DM_C_InitiatingProcessVersionInfoCompanyName, pd->company);
    dm_s_opt(o, DM_C_InitiatingProcessVersionInfoProductName, pd->product);
    dm_s_opt(o, DM_C_InitiatingProcessVersionInfoProductVersion, pd->version);
    dm_s_opt(o, DM_C_InitiatingProcessVersionInfoInternalFileName, pd->original);
    dm_s_opt(o, DM_C_InitiatingProcessVersionInfoOriginalFileName, pd->original);
    dm_s_opt(o, DM_C_InitiatingProcessVersionInfoFileDescription, pd->description);
    dm_i_opt(o, DM_C_InitiatingProcessId, p->pid);
    dm_s_opt(o, DM_C_InitiatingProcessCommandLine, dm_proc_cmd(v, p));
    dm_t_opt(o, DM_C_InitiatingProcessCreationTime, p->created);
    dm_s_opt(o, DM_C_InitiatingProcessFolderPath, pd->folder);
    dm_i_opt(o, DM_C_InitiatingProcessParentId, p->ppid);
    dm_s_opt(o, DM_C_InitiatingProcessParentFileName, p->pdef >= 0 ? v->procs[p->pdef].file : "System");
    dm_t_opt(o, DM_C_InitiatingProcessParentCreationTime, p->pcreated);
    dm_s_opt(o, DM_C_InitiatingProcessSignerType, pd->company[0] == 'M' ? "OsVendor" : pd->company[0] ? "ThirdParty" : "");
    dm_s_opt(o, DM_C_InitiatingProcessSignatureStatus, pd->company[0] ? "Valid" : "Unsigned");
    dm_i_opt(o, DM_C_InitiatingProcessSessionId, a.session);
    if (dm_has(o, DM_C_InitiatingProcessUniqueId))
        dm_s_copy(o, DM_C_InitiatingProcessUniqueId, uid);
    dm_i_opt(o, DM_C_LogonID, a.logon_id);
}

static void emit_security_4688(dm_gen *g, dm_device *d, const dm_proc *p, const dm_proc *parent);

int64_t dm_emit_process(dm_gen *g, dm_device *d, const dm_proc *p, const dm_proc *parent)
{
    const dm_vocab *v = &g->w->vocab;
    const dm_proc_def *pd = &v->procs[p->def];
    dm_out *o = &g->def[DM_T_DeviceProcessEvents];
    acct_view a;
    acct_of(g, d, p->acct, p->logon_id, &a);
    char uid[24];
    dm_u64(uid, p->uid);
    dm_row_begin(o, p->created);
    dm_set_device(o, d);
    dm_s(o, DM_C_ActionType, "ProcessCreated");
    dm_s(o, DM_C_FileName, pd->file);
    dm_s(o, DM_C_FolderPath, pd->folder);
    dm_s(o, DM_C_SHA1, pd->sha1);
    dm_s(o, DM_C_SHA256, pd->sha256);
    dm_s(o, DM_C_MD5, pd->md5);
    dm_i(o, DM_C_FileSize, pd->size);
    dm_s(o, DM_C_ProcessVersionInfoCompanyName, pd->company);
    dm_s(o, DM_C_ProcessVersionInfoProductName, pd->product);
    dm_s(o, DM_C_ProcessVersionInfoProductVersion, pd->version);
    dm_s(o, DM_C_ProcessVersionInfoInternalFileName, pd->original);
    dm_s(o, DM_C_ProcessVersionInfoOriginalFileName, pd->original);
    dm_s(o, DM_C_ProcessVersionInfoFileDescription, pd->description);
    dm_i(o, DM_C_ProcessId, p->pid);
    dm_s(o, DM_C_ProcessCommandLine, dm_proc_cmd(v, p));
    dm_s(o, DM_C_ProcessIntegrityLevel, a.integrity);
    dm_s(o, DM_C_ProcessTokenElevation, a.elevation);
    dm_t(o, DM_C_ProcessCreationTime, p->created);
    dm_s(o, DM_C_AccountDomain, a.domain);
    dm_s(o, DM_C_AccountName, a.name);
    dm_s(o, DM_C_AccountSid, a.sid);
    dm_s(o, DM_C_AccountUpn, a.upn);
    dm_s(o, DM_C_AccountObjectId, a.oid);
    dm_i(o, DM_C_LogonId, a.logon_id);
    dm_set_initiating(g, o, d, parent);
    int64_t rid = dm_next_report(d);
    dm_i(o, DM_C_ReportId, rid);
    dm_i(o, DM_C_CreatedProcessSessionId, a.session);
    dm_s(o, DM_C_ProcessUniqueId, uid);
    dm_row_end(o);
    if (dm_os[d->os].is_server && dm_os[d->os].is_windows)
        emit_security_4688(g, d, p, parent);
    return rid;
}

/* ---- SecurityEvent (Windows servers -> their workspace) ---- */

static void se_common(dm_gen *g, dm_out *o, dm_device *d, int event_id, const char *activity)
{
    dm_s(o, DM_C_Computer, d->name);
    dm_i(o, DM_C_EventID, event_id);
    dm_s(o, DM_C_Activity, activity);
    dm_s(o, DM_C_Channel, "Security");
    dm_s(o, DM_C_EventSourceName, "Microsoft-Windows-Security-Auditing");
    dm_s(o, DM_C_Level, "8");
    dm_s(o, DM_C_EventLevelName, "Information");
    dm_s(o, DM_C_SourceSystem, "OpsManager");
    dm_s(o, DM_C_Type, "SecurityEvent");
    dm_s(o, DM_C_Keywords, "0x8020000000000000");
    char rec[24];
    dm_u64(rec, g->report_seq++ + 100000);
    dm_s_copy(o, DM_C_EventRecordId, rec);
    dm_s(o, DM_C_ManagementGroupName, "AOI-" "00000000");
    dm_s(o, DM_C_SourceComputerId, d->aad_id);
}

static void emit_security_4688(dm_gen *g, dm_device *d, const dm_proc *p, const dm_proc *parent)
{
    const dm_vocab *v = &g->w->vocab;
    dm_out *o = sen(g, d->ws, DM_T_SecurityEvent);
    acct_view a;
    acct_of(g, d, p->acct, p->logon_id, &a);
    char account[96], pid[16], ppid[16], logon[24];
    dm_fmt(account, sizeof account, "%s\\%s", a.domain, a.name);
    dm_fmt(pid, sizeof pid, "0x%x", (unsigned)p->pid);
    dm_fmt(ppid, sizeof ppid, "0x%x", (unsigned)(parent ? parent->pid : 4));
    dm_fmt(logon, sizeof logon, "0x%llx", (unsigned long long)a.logon_id);
    dm_row_begin(o, p->created + 2 * SEC);
    se_common(g, o, d, 4688, "4688 - A new process has been created.");
    dm_s(o, DM_C_Account, account);
    dm_s(o, DM_C_AccountType, p->acct == DM_ACCT_USER ? "User" : "Machine");
    dm_s(o, DM_C_SubjectUserName, a.name);
    dm_s(o, DM_C_SubjectDomainName, a.domain);
    dm_s(o, DM_C_SubjectUserSid, a.sid);
    dm_s(o, DM_C_SubjectLogonId, logon);
    dm_s(o, DM_C_NewProcessId, pid);
    dm_s(o, DM_C_NewProcessName, v->procs[p->def].folder);
    dm_s(o, DM_C_Process, v->procs[p->def].file);
    dm_s(o, DM_C_ProcessId, ppid);
    dm_s(o, DM_C_ParentProcessName, parent ? v->procs[parent->def].folder : "");
    dm_s(o, DM_C_CommandLine, dm_proc_cmd(v, p));
    dm_s(o, DM_C_TokenElevationType, p->acct == DM_ACCT_USER ? "%%1938" : "%%1936");
    dm_s(o, DM_C_MandatoryLabel, p->acct == DM_ACCT_USER ? "S-1-16-8192" : "S-1-16-16384");
    dm_row_end(o);
}

void dm_emit_security_logon(dm_gen *g, dm_device *d, msoc_datetime at, int event_id,
                                const dm_user *u, int logon_type, const char *ip, const char *wks)
{
    dm_out *o = sen(g, d->ws, DM_T_SecurityEvent);
    char account[96], logon[24];
    dm_fmt(account, sizeof account, "%s\\%s", g->t->netbios, u->sam);
    dm_fmt(logon, sizeof logon, "0x%llx", (unsigned long long)(0x100000 + msoc_rng_below(&g->r, 0xfffffff)));
    dm_row_begin(o, at);
    se_common(g, o, d, event_id,
              event_id == 4624   ? "4624 - An account was successfully logged on."
              : event_id == 4625 ? "4625 - An account failed to log on."
                                 : "4634 - An account was logged off.");
    dm_s(o, DM_C_Account, account);
    dm_s(o, DM_C_AccountType, "User");
    dm_s(o, DM_C_TargetUserName, u->sam);
    dm_s(o, DM_C_TargetDomainName, g->t->netbios);
    dm_s(o, DM_C_TargetUserSid, u->sid);
    dm_s(o, DM_C_TargetAccount, account);
    dm_s(o, DM_C_TargetLogonId, logon);
    dm_s(o, DM_C_SubjectUserSid, "S-1-0-0");
    dm_s(o, DM_C_SubjectUserName, "-");
    dm_s(o, DM_C_SubjectDomainName, "-");
    dm_i(o, DM_C_LogonType, logon_type);
    dm_s(o, DM_C_LogonTypeName, logon_type == 3 ? "3 - Network" : logon_type == 10 ? "10 - RemoteInteractive" : "2 - Interactive");
    dm_s(o, DM_C_LogonProcessName, logon_type == 3 ? "NtLmSsp " : "User32 ");
    dm_s(o, DM_C_AuthenticationPackageName, logon_type == 3 ? "NTLM" : "Negotiate");
    dm_s(o, DM_C_IpAddress, ip);
    dm_s(o, DM_C_IpPort, "0");
    dm_s(o, DM_C_WorkstationName, wks);
    if (event_id == 4625) {
        dm_s(o, DM_C_Status, "0xc000006d");
        dm_s(o, DM_C_SubStatus, "0xc000006a");
        dm_s(o, DM_C_FailureReason, "%%2313");
    }
    dm_row_end(o);
}

/* ---- the process tree on a device ---- */

void dm_push_recent(dm_device *d, const dm_proc *p)
{
    d->recent[d->recent_pos] = *p;
    d->recent_pos = (d->recent_pos + 1) % DM_RECENT;
    if (d->n_recent < DM_RECENT)
        d->n_recent++;
}

static void device_boot(dm_gen *g, dm_device *d, msoc_datetime at)
{
    const dm_vocab *v = &g->w->vocab;
    d->boot = at;
    if (!dm_os[d->os].is_windows) {
        dm_proc init = dm_proc_spawn(g, d, NULL, v->p_systemd_like, NULL, DM_ACCT_SYSTEM, at);
        init.pid = 1;
        dm_emit_process(g, d, &init, NULL);
        d->services = init;
        d->svchost[0] = dm_proc_spawn(g, d, &init, v->p_sshd, NULL, DM_ACCT_SYSTEM, at + 3 * SEC);
        dm_emit_process(g, d, &d->svchost[0], &init);
        d->svchost[1] = dm_proc_spawn(g, d, &init, v->p_cron, NULL, DM_ACCT_SYSTEM, at + 4 * SEC);
        dm_emit_process(g, d, &d->svchost[1], &init);
        d->svchost[2] = d->svchost[1];
        return;
    }
    msoc_datetime t = at;
    dm_proc smss = dm_proc_spawn(g, d, NULL, v->p_system_boot[0], NULL, DM_ACCT_SYSTEM, t);
    dm_emit_process(g, d, &smss, NULL);
    t += 900 * MSOC_TICKS_PER_MILLISECOND;
    dm_proc wininit = dm_proc_spawn(g, d, &smss, v->p_system_boot[1], NULL, DM_ACCT_SYSTEM, t);
    dm_emit_process(g, d, &wininit, &smss);
    d->winlogon = dm_proc_spawn(g, d, &smss, v->p_system_boot[3], NULL, DM_ACCT_SYSTEM, t + 30000);
    dm_emit_process(g, d, &d->winlogon, &smss);
    t += 400 * MSOC_TICKS_PER_MILLISECOND;
    d->services = dm_proc_spawn(g, d, &wininit, v->p_system_boot[2], NULL, DM_ACCT_SYSTEM, t);
    dm_emit_process(g, d, &d->services, &wininit);
    d->lsass = dm_proc_spawn(g, d, &wininit, v->p_lsass, NULL, DM_ACCT_SYSTEM, t + 20000);
    dm_emit_process(g, d, &d->lsass, &wininit);
    for (int i = 0; i < 3; i++) {
        t += 150 * MSOC_TICKS_PER_MILLISECOND;
        d->svchost[i] = dm_proc_spawn(g, d, &d->services, v->p_svchost, v->procs[v->p_svchost].cmds[i],
                                      i == 2 ? DM_ACCT_LOCALSVC : DM_ACCT_SYSTEM, t);
        dm_emit_process(g, d, &d->svchost[i], &d->services);
    }
    d->has_explorer = false;
    d->n_recent = 0;
}

void dm_emit_device_logon(dm_gen *g, dm_device *d, msoc_datetime at, const char *action,
                              const char *logon_type, const dm_user *u, const char *remote_ip,
                              const char *remote_name, const dm_proc *init, int64_t logon_id)
{
    dm_out *o = &g->def[DM_T_DeviceLogonEvents];
    dm_row_begin(o, at);
    dm_set_device(o, d);
    dm_s(o, DM_C_ActionType, action);
    dm_s(o, DM_C_LogonType, logon_type);
    dm_s(o, DM_C_AccountDomain, dm_os[d->os].is_windows ? g->t->netbios : "");
    dm_s(o, DM_C_AccountName, u->sam);
    dm_s(o, DM_C_AccountSid, u->sid);
    dm_s(o, DM_C_Protocol, strcmp(logon_type, "Network") == 0 ? "NTLM" : "Negotiate");
    if (strcmp(action, "LogonFailed") == 0)
        dm_s(o, DM_C_FailureReason, "InvalidUserNameOrPassword");
    dm_b(o, DM_C_IsLocalAdmin, u->is_admin);
    dm_i(o, DM_C_LogonId, logon_id);
    dm_s(o, DM_C_RemoteDeviceName, remote_name);
    dm_s(o, DM_C_RemoteIP, remote_ip);
    dm_s(o, DM_C_RemoteIPType, remote_ip[0] == '\0' ? "" : strncmp(remote_ip, "10.", 3) == 0 ? "Private" : "Public");
    dm_i(o, DM_C_RemotePort, remote_ip[0] ? 49152 + (int64_t)msoc_rng_below(&g->r, 16000) : 0);
    dm_set_initiating(g, o, d, init);
    dm_i(o, DM_C_ReportId, dm_next_report(d));
    dm_s(o, DM_C_AdditionalFields, "{\"IsLocalLogon\":true}");
    dm_row_end(o);
}

/* The user's first logon of the day: DeviceLogonEvents, userinit, explorer,
 * a Kerberos logon at a DC, and the Entra sign-ins that follow. */
void dm_user_logon(dm_gen *g, dm_device *d, msoc_datetime at, int day)
{
    const dm_vocab *v = &g->w->vocab;
    const dm_user *u = dm_proc_user(g, d);
    d->logon_day = day;
    d->session_logon_id = 0x100000 + (int64_t)msoc_rng_below(&g->r, 0x7fffffff);
    dm_emit_device_logon(g, d, at, "LogonSuccess", "Interactive", u, "", "", &d->lsass, d->session_logon_id);
    dm_proc ui = dm_proc_spawn(g, d, &d->winlogon, v->p_system_boot[4], NULL, DM_ACCT_USER, at + 2 * SEC);
    dm_emit_process(g, d, &ui, &d->winlogon);
    d->explorer = dm_proc_spawn(g, d, &ui, v->p_system_boot[5], NULL, DM_ACCT_USER, at + 3 * SEC);
    dm_emit_process(g, d, &d->explorer, &ui);
    d->has_explorer = true;
    d->n_recent = 0;

    /* Kerberos to a DC (Defender for Identity). */
    if (g->t->n_dcs > 0) {
        const dm_device *dc = &g->t->devs[g->t->dcs[msoc_rng_below(&g->r, (uint64_t)g->t->n_dcs)]];
        dm_out *o = &g->def[DM_T_IdentityLogonEvents];
        char rid[24];
        dm_u64(rid, g->report_seq++ + 1);
        dm_row_begin(o, at + 1 * SEC);
        dm_s(o, DM_C_ActionType, "LogonSuccess");
        dm_s(o, DM_C_Application, "Active Directory");
        dm_s(o, DM_C_LogonType, "Interactive");
        dm_s(o, DM_C_Protocol, "Kerberos");
        dm_s(o, DM_C_AccountName, u->sam);
        dm_s(o, DM_C_AccountDomain, g->t->domain);
        dm_s(o, DM_C_AccountUpn, u->upn);
        dm_s(o, DM_C_AccountSid, u->sid);
        dm_s(o, DM_C_AccountObjectId, u->oid);
        dm_s(o, DM_C_AccountDisplayName, u->display);
        dm_s(o, DM_C_DeviceName, d->name);
        dm_s(o, DM_C_DeviceType, "Workstation");
        dm_s(o, DM_C_OSPlatform, dm_os[d->os].platform);
        dm_s(o, DM_C_IPAddress, d->ip);
        dm_i(o, DM_C_Port, 49152 + (int64_t)msoc_rng_below(&g->r, 16000));
        dm_s(o, DM_C_DestinationDeviceName, dc->name);
        dm_s(o, DM_C_DestinationIPAddress, dc->ip);
        dm_i(o, DM_C_DestinationPort, 88);
        dm_s(o, DM_C_TargetDeviceName, dc->name);
        dm_s(o, DM_C_ReportId, rid);
        dm_json(o, DM_C_AdditionalFields, "{\"Spns\":\"krbtgt\"}");
        dm_row_end(o);
    }
}

/* A parent for a new process of the given kind; NULL when the device has none now. */
static const dm_proc *find_shell(dm_device *d, const dm_vocab *v)
{
    for (int i = 0; i < d->n_recent; i++) {
        int k = (d->recent_pos - 1 - i + DM_RECENT) % DM_RECENT;
        if (d->recent[k].def == v->p_cmd || d->recent[k].def == v->p_powershell || d->recent[k].def == v->p_bash)
            return &d->recent[k];
    }
    return NULL;
}

static void gen_process(dm_gen *g, dm_device *d, msoc_datetime at, bool is_user_present)
{
    const dm_vocab *v = &g->w->vocab;
    bool is_linux = !dm_os[d->os].is_windows;
    const size_t *pick = is_linux ? v->lin_pick : v->win_pick;
    size_t n_pick = is_linux ? v->n_lin_pick : v->n_win_pick;
    int def = -1;
    for (int attempt = 0; attempt < 6 && def < 0; attempt++) {
        int cand = (int)pick[dm_zipf(&g->r, n_pick, 1.05)];
        uint8_t pk = v->procs[cand].parent_kind;
        if (pk == DM_PK_EXPLORER && !(is_user_present && d->has_explorer))
            continue;
        if (is_linux && pk == DM_PK_SERVICES && !msoc_rng_chance(&g->r, 0.2))
            continue; /* interactive shells are rarer than daemon work */
        def = cand;
    }
    if (def < 0)
        def = is_linux ? (int)v->lin_pick[1] : v->p_svchost;
    const dm_proc_def *pd = &v->procs[def];
    const dm_proc *parent = NULL;
    uint8_t acct = pd->acct;
    dm_proc shell;
    switch (pd->parent_kind) {
    case DM_PK_EXPLORER:
        parent = &d->explorer;
        acct = DM_ACCT_USER;
        break;
    case DM_PK_SERVICES:
        parent = is_linux ? &d->svchost[0] : &d->services; /* sshd spawns login shells */
        break;
    case DM_PK_SVCHOST:
        parent = &d->svchost[msoc_rng_below(&g->r, 3)];
        if (acct == DM_ACCT_USER && !(d->has_explorer && is_user_present))
            acct = DM_ACCT_SYSTEM;
        break;
    case DM_PK_SHELL:
        parent = find_shell(d, v);
        if (parent == NULL) {
            /* Start a shell first: from explorer when someone is at the keyboard,
             * else from the task scheduler (svchost) or cron. */
            const dm_proc *pp = is_linux ? &d->svchost[1]
                                : (is_user_present && d->has_explorer) ? &d->explorer : &d->svchost[0];
            int shell_def = is_linux ? v->p_bash : (msoc_rng_chance(&g->r, 0.7) ? v->p_cmd : v->p_powershell);
            uint8_t sacct = pp == &d->explorer ? DM_ACCT_USER : DM_ACCT_SYSTEM;
            shell = dm_proc_spawn(g, d, pp, shell_def, NULL, sacct, at - 2 * SEC);
            dm_emit_process(g, d, &shell, pp);
            dm_push_recent(d, &shell);
            parent = find_shell(d, v);
            if (parent == NULL)
                msoc_panic("demo: the shell just started is not in the recent list");
        }
        acct = parent->acct;
        break;
    default:
        parent = &d->services;
        break;
    }
    if (is_linux && acct == DM_ACCT_USER && pd->parent_kind != DM_PK_SERVICES)
        acct = parent->acct;
    dm_proc pr = parent ? *parent : d->services; /* copy: push_recent may overwrite the slot */
    dm_proc p = dm_proc_spawn(g, d, &pr, def, NULL, acct, at);
    dm_emit_process(g, d, &p, &pr);
    dm_push_recent(d, &p);
}

static const dm_proc *pick_initiator(dm_gen *g, dm_device *d)
{
    if (d->n_recent > 0 && msoc_rng_chance(&g->r, 0.7))
        return &d->recent[msoc_rng_below(&g->r, (uint64_t)d->n_recent)];
    return &d->svchost[msoc_rng_below(&g->r, 3)];
}

void dm_ip_for_domain(const char *domain, char out[16])
{
    uint64_t h = dm_hash_str(domain, 77);
    static const int first[] = {13, 20, 40, 52, 104, 142, 151, 172, 185, 199};
    int a = first[h % 10];
    if (a == 172)
        a = 173;
    dm_fmt(out, 16, "%d.%d.%d.%d", a, (int)(h >> 8 & 255), (int)(h >> 16 & 255), 1 + (int)(h >> 24) % 254);
}

void dm_emit_csl_traffic(dm_gen *g, dm_device *d, msoc_datetime at, const char *dst_ip, int port,
                             const char *url, const char *action)
{
    dm_tenant *t = g->t;
    dm_out *o = sen(g, t->n_ws - 1, DM_T_CommonSecurityLog);
    char fw[40];
    dm_fmt(fw, sizeof fw, "%s-fw01", t->netbios);
    dm_row_begin(o, at + 1 * SEC);
    dm_s(o, DM_C_DeviceVendor, "Palo Alto Networks");
    dm_s(o, DM_C_DeviceProduct, "PAN-OS");
    dm_s(o, DM_C_DeviceVersion, "11.1.4");
    dm_s(o, DM_C_DeviceEventClassID, "end");
    dm_s(o, DM_C_Activity, "TRAFFIC");
    dm_s(o, DM_C_LogSeverity, "1");
    dm_s(o, DM_C_DeviceAction, action);
    dm_s(o, DM_C_SimplifiedDeviceAction, strcmp(action, "allow") == 0 ? "Allow" : "Deny");
    dm_s(o, DM_C_SourceIP, d->ip);
    dm_i(o, DM_C_SourcePort, 49152 + (int64_t)msoc_rng_below(&g->r, 16000));
    dm_s(o, DM_C_DestinationIP, dst_ip);
    dm_i(o, DM_C_DestinationPort, port);
    dm_s(o, DM_C_SourceTranslatedAddress, t->egress_ip);
    dm_s(o, DM_C_Protocol, "TCP");
    dm_s(o, DM_C_ApplicationProtocol, port == 443 ? "ssl" : port == 80 ? "web-browsing" : "unknown-tcp");
    dm_s(o, DM_C_RequestURL, url);
    dm_s(o, DM_C_SourceHostName, d->host);
    dm_s(o, DM_C_DeviceName, fw);
    dm_s(o, DM_C_Computer, fw);
    dm_s(o, DM_C_CommunicationDirection, "Outbound");
    dm_i(o, DM_C_SentBytes, 400 + (int64_t)msoc_rng_below(&g->r, 20000));
    dm_i(o, DM_C_ReceivedBytes, 800 + (int64_t)msoc_rng_below(&g->r, 400000));
    dm_i(o, DM_C_EventCount, 1);
    dm_s(o, DM_C_DeviceInboundInterface, "ethernet1/2");
    dm_s(o, DM_C_DeviceOutboundInterface, "ethernet1/1");
    dm_s(o, DM_C_SourceSystem, "OpsManager");
    dm_s(o, DM_C_Type, "CommonSecurityLog");
    dm_row_end(o);
}

static void gen_network(dm_gen *g, dm_device *d, msoc_datetime at)
{
    const dm_vocab *v = &g->w->vocab;
    const dm_proc *ip = pick_initiator(g, d);
    const char *file = v->procs[ip->def].file;
    const char *domain;
    int port = 443;
    char rip[16];
    bool is_internal = false;
    if (strstr(file, "chrome") || strstr(file, "msedge") || strstr(file, "firefox"))
        domain = dm_web_domains[dm_zipf(&g->r, dm_n_web_domains, 0.9)];
    else if (strstr(file, "OUTLOOK"))
        domain = "outlook.office365.com";
    else if (strstr(file, "teams"))
        domain = "teams.microsoft.com";
    else if (g->t->n_dcs > 0 && msoc_rng_chance(&g->r, 0.3)) {
        const dm_device *dc = &g->t->devs[g->t->dcs[0]];
        domain = dc->name;
        port = msoc_rng_chance(&g->r, 0.5) ? 389 : 445;
        is_internal = true;
        dm_fmt(rip, sizeof rip, "%s", dc->ip);
    } else
        domain = msoc_rng_chance(&g->r, 0.5) ? "settings-win.data.microsoft.com" : "ctldl.windowsupdate.com";
    if (!is_internal)
        dm_ip_for_domain(domain, rip);
    bool is_ok = msoc_rng_chance(&g->r, 0.97);
    dm_out *o = &g->def[DM_T_DeviceNetworkEvents];
    dm_row_begin(o, at);
    dm_set_device(o, d);
    dm_s(o, DM_C_ActionType, is_ok ? "ConnectionSuccess" : "ConnectionFailed");
    dm_s(o, DM_C_RemoteIP, rip);
    dm_i(o, DM_C_RemotePort, port);
    dm_s(o, DM_C_RemoteUrl, is_internal ? "" : domain);
    dm_s(o, DM_C_LocalIP, d->ip);
    dm_i(o, DM_C_LocalPort, 49152 + (int64_t)msoc_rng_below(&g->r, 16000));
    dm_s(o, DM_C_Protocol, "Tcp");
    dm_s(o, DM_C_LocalIPType, "Private");
    dm_s(o, DM_C_RemoteIPType, is_internal ? "Private" : "Public");
    dm_set_initiating(g, o, d, ip);
    dm_i(o, DM_C_ReportId, dm_next_report(d));
    dm_row_end(o);
    if (!is_internal && msoc_rng_chance(&g->r, 0.25))
        dm_emit_csl_traffic(g, d, at, rip, port, domain, is_ok ? "allow" : "deny");
}

static const char *const doc_names[] = {"Q3 forecast", "meeting notes", "budget 2026", "contract draft",
                                        "onboarding checklist", "invoice 4471", "roadmap", "status report",
                                        "customer list", "travel request", "design review", "minutes"};
static const char *const doc_exts[] = {".docx", ".xlsx", ".pptx", ".pdf", ".txt", ".csv"};

static void gen_file(dm_gen *g, dm_device *d, msoc_datetime at, bool is_user_present)
{
    const dm_user *u = dm_proc_user(g, d);
    const dm_proc *ip = pick_initiator(g, d);
    char name[64], folder[200], sha[65], sha1[41], md5[33];
    double a = msoc_rng_double(&g->r);
    const char *action = a < 0.5 ? "FileCreated" : a < 0.85 ? "FileModified" : a < 0.95 ? "FileDeleted" : "FileRenamed";
    if (is_user_present && dm_os[d->os].is_windows) {
        dm_fmt(name, sizeof name, "%s%s", doc_names[msoc_rng_below(&g->r, 12)], doc_exts[msoc_rng_below(&g->r, 6)]);
        static const char *const dirs[] = {"Documents", "Downloads", "Desktop", "OneDrive - Documents"};
        dm_fmt(folder, sizeof folder, "C:\\Users\\%s\\%s\\%s", u->sam, dirs[msoc_rng_below(&g->r, 4)], name);
    } else if (dm_os[d->os].is_windows) {
        dm_fmt(name, sizeof name, "%08llx.tmp", (unsigned long long)(msoc_rng_next(&g->r) & 0xffffffffu));
        dm_fmt(folder, sizeof folder, "C:\\Windows\\Temp\\%s", name);
    } else {
        dm_fmt(name, sizeof name, "app-%u.log", (unsigned)msoc_rng_below(&g->r, 30));
        dm_fmt(folder, sizeof folder, "/var/log/app/%s", name);
    }
    dm_hex_rng(&g->r, sha, 64);
    dm_hex_rng(&g->r, sha1, 40);
    dm_hex_rng(&g->r, md5, 32);
    dm_out *o = &g->def[DM_T_DeviceFileEvents];
    dm_row_begin(o, at);
    dm_set_device(o, d);
    dm_s(o, DM_C_ActionType, action);
    dm_s(o, DM_C_FileName, name);
    dm_s(o, DM_C_FolderPath, folder);
    dm_s(o, DM_C_SHA1, sha1);
    dm_s(o, DM_C_SHA256, sha);
    dm_s(o, DM_C_MD5, md5);
    dm_i(o, DM_C_FileSize, 1024 + (int64_t)msoc_rng_below(&g->r, 4000000));
    dm_set_initiating(g, o, d, ip);
    dm_i(o, DM_C_ReportId, dm_next_report(d));
    dm_row_end(o);
}

static const char *const reg_keys[] = {
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\RecentDocs",
    "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates",
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Common\\Identity",
    "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\bam\\State\\UserSettings",
    "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update",
    "HKEY_CURRENT_USER\\Software\\Google\\Chrome\\PreferenceMACs",
};

static void gen_registry(dm_gen *g, dm_device *d, msoc_datetime at)
{
    const dm_proc *ip = pick_initiator(g, d);
    dm_out *o = &g->def[DM_T_DeviceRegistryEvents];
    char data[24];
    dm_fmt(data, sizeof data, "%u", (unsigned)msoc_rng_below(&g->r, 100000));
    dm_row_begin(o, at);
    dm_set_device(o, d);
    dm_s(o, DM_C_ActionType, msoc_rng_chance(&g->r, 0.85) ? "RegistryValueSet" : "RegistryKeyCreated");
    dm_s(o, DM_C_RegistryKey, reg_keys[msoc_rng_below(&g->r, 6)]);
    dm_s(o, DM_C_RegistryValueType, "Dword");
    dm_s(o, DM_C_RegistryValueName, "LastUpdate");
    dm_s(o, DM_C_RegistryValueData, data);
    dm_set_initiating(g, o, d, ip);
    dm_i(o, DM_C_ReportId, dm_next_report(d));
    dm_row_end(o);
}

static const char *const dlls[] = {"ntdll.dll", "kernel32.dll", "user32.dll", "advapi32.dll", "combase.dll",
                                   "ws2_32.dll", "crypt32.dll", "winhttp.dll", "amsi.dll", "clr.dll"};

static void gen_image_load(dm_gen *g, dm_device *d, msoc_datetime at)
{
    const dm_proc *ip = pick_initiator(g, d);
    const char *dll = dlls[dm_zipf(&g->r, 10, 1.0)];
    char folder[96], sha[65], sha1[41], md5[33];
    dm_fmt(folder, sizeof folder, "C:\\Windows\\System32\\%s", dll);
    dm_hex_from(folder, 256, sha, 64);
    dm_hex_from(folder, 160, sha1, 40);
    dm_hex_from(folder, 128, md5, 32);
    dm_out *o = &g->def[DM_T_DeviceImageLoadEvents];
    dm_row_begin(o, at);
    dm_set_device(o, d);
    dm_s(o, DM_C_ActionType, "ImageLoaded");
    dm_s(o, DM_C_FileName, dll);
    dm_s(o, DM_C_FolderPath, folder);
    dm_s(o, DM_C_SHA1, sha1);
    dm_s(o, DM_C_SHA256, sha);
    dm_s(o, DM_C_MD5, md5);
    dm_i(o, DM_C_FileSize, 200000 + (int64_t)(dm_hash_str(dll, 3) % 2000000));
    dm_set_initiating(g, o, d, ip);
    dm_i(o, DM_C_ReportId, dm_next_report(d));
    dm_row_end(o);
}

static void gen_device_event(dm_gen *g, dm_device *d, msoc_datetime at)
{
    const dm_proc *ip = pick_initiator(g, d);
    dm_out *o = &g->def[DM_T_DeviceEvents];
    dm_row_begin(o, at);
    dm_set_device(o, d);
    double a = msoc_rng_double(&g->r);
    if (a < 0.35) {
        const char *dom = dm_web_domains[dm_zipf(&g->r, dm_n_web_domains, 0.9)];
        char add[160];
        dm_fmt(add, sizeof add, "{\"DnsQueryString\":\"%s\",\"DnsQueryType\":1}", dom);
        dm_s(o, DM_C_ActionType, "DnsQueryResponse");
        dm_s(o, DM_C_AdditionalFields, add);
        dm_set_initiating(g, o, d, ip);
        dm_i(o, DM_C_ReportId, dm_next_report(d));
        dm_row_end(o);
        return;
    }
    if (a < 0.55) {
        dm_s(o, DM_C_ActionType, "NamedPipeEvent");
        dm_s(o, DM_C_AdditionalFields, "{\"PipeName\":\"\\\\Device\\\\NamedPipe\\\\mojo.5436.8772\",\"FileOperation\":\"File opened\"}");
    } else if (a < 0.7) {
        dm_s(o, DM_C_ActionType, "PowerShellCommand");
        dm_s(o, DM_C_AdditionalFields, "{\"Command\":\"Get-Service\"}");
    } else if (a < 0.85) {
        dm_s(o, DM_C_ActionType, "ScheduledTaskUpdated");
        dm_s(o, DM_C_AdditionalFields, "{\"TaskName\":\"\\\\Microsoft\\\\Windows\\\\UpdateOrchestrator\\\\Schedule Scan\"}");
    } else {
        dm_s(o, DM_C_ActionType, "BrowserLaunchedToOpenUrl");
        dm_s(o, DM_C_RemoteUrl, "https://portal.office.com/");
    }
    dm_set_initiating(g, o, d, ip);
    dm_i(o, DM_C_ReportId, dm_next_report(d));
    dm_row_end(o);
}

/* ---- per-device hour ---- */

static void device_hour(dm_gen *g, dm_device *d, const hour_ctx *hc, int hour)
{
    double s = g->w->opts->scale;
    double wgt;
    bool is_ws = d->role == DM_ROLE_WORKSTATION;
    if (is_ws)
        wgt = hc->wk < 0.03 ? 0.03 : hc->wk;
    else
        wgt = 0.35 + 0.4 * hc->wk;
    bool is_user_present = is_ws && hc->wk >= 0.25;
    if (hour == 0)
        device_boot(g, d, hc->start + (int64_t)msoc_rng_below(&g->r, 20 * 60) * SEC);
    msoc_datetime base = hc->start + (hour == 0 ? 25 * MIN : 0); /* after boot */
    if (is_ws && is_user_present && d->logon_day != hc->local_day && !(hour == 0)) {
        /* Roughly one in ten users take a given weekday off; below --scale 1 fewer
         * users come in at all (with volume, as events thin out). */
        double p_in = 0.9 * (g->w->opts->scale < 1.0 ? (g->w->opts->scale > 0.1 ? g->w->opts->scale : 0.1) : 1.0);
        if (msoc_rng_chance(&g->r, p_in)) {
            base = hc->start + (int64_t)msoc_rng_below(&g->r, 15 * 60) * SEC;
            dm_user_logon(g, d, base, hc->local_day);
            base += 10 * SEC; /* after userinit and explorer */
        } else
            d->logon_day = hc->local_day;
    }
    if (!d->has_explorer)
        is_user_present = false;
    double m = wgt * d->activity * s;
    int64_t n_proc = dm_poisson(&g->r, 1.0 * m);
    int64_t n_net = dm_poisson(&g->r, 0.8 * m);
    int64_t n_file = dm_poisson(&g->r, 0.4 * m);
    int64_t n_reg = dm_windows(d) ? dm_poisson(&g->r, 0.15 * m) : 0;
    int64_t n_img = dm_windows(d) ? dm_poisson(&g->r, 0.25 * m) : 0;
    int64_t n_dev = dm_poisson(&g->r, 0.12 * m);
    int64_t n = n_proc + n_net + n_file + n_reg + n_img + n_dev;
    int64_t span = hc->start + H - base;
    msoc_datetime times[512];
    while (n > 0) {
        size_t chunk = n > 512 ? 512 : (size_t)n;
        sorted_times(&g->r, base, span, times, chunk);
        for (size_t i = 0; i < chunk; i++) {
            /* Draw the kind in proportion to what is left. */
            int64_t left = n_proc + n_net + n_file + n_reg + n_img + n_dev;
            int64_t x = (int64_t)msoc_rng_below(&g->r, (uint64_t)left);
            if ((x -= n_proc) < 0)
                gen_process(g, d, times[i], is_user_present), n_proc--;
            else if ((x -= n_net) < 0)
                gen_network(g, d, times[i]), n_net--;
            else if ((x -= n_file) < 0)
                gen_file(g, d, times[i], is_user_present), n_file--;
            else if ((x -= n_reg) < 0)
                gen_registry(g, d, times[i]), n_reg--;
            else if ((x -= n_img) < 0)
                gen_image_load(g, d, times[i]), n_img--;
            else
                gen_device_event(g, d, times[i]), n_dev--;
        }
        n -= (int64_t)chunk;
    }
    /* Servers: network logons from workstations (file shares, apps). */
    if (!is_ws && dm_windows(d) && g->t->n_users > 0) {
        int64_t n_logon = dm_poisson(&g->r, 0.3 * m);
        for (int64_t i = 0; i < n_logon; i++) {
            int wi = (int)msoc_rng_below(&g->r, (uint64_t)g->t->n_dev);
            const dm_device *src = &g->t->devs[wi];
            if (src->user < 0)
                continue;
            const dm_user *u = &g->t->users[src->user];
            msoc_datetime at = base + (int64_t)msoc_rng_below(&g->r, (uint64_t)(span / SEC)) * SEC;
            bool is_fail = msoc_rng_chance(&g->r, 0.03);
            dm_emit_device_logon(g, d, at, is_fail ? "LogonFailed" : "LogonSuccess", "Network", u, src->ip, src->name,
                              &d->lsass, 0x200000 + (int64_t)msoc_rng_below(&g->r, 0x7fffffff));
            dm_emit_security_logon(g, d, at + SEC, is_fail ? 4625 : 4624, u, 3, src->ip, src->host);
        }
    }
}

bool dm_windows(const dm_device *d)
{
    return dm_os[d->os].is_windows;
}

/* ---- Syslog (Linux servers) ---- */

static void linux_hour(dm_gen *g, dm_device *d, const hour_ctx *hc)
{
    double m = (0.5 + 0.5 * hc->wk) * d->activity * g->w->opts->scale;
    int64_t n = dm_poisson(&g->r, 2.0 * m);
    if (n > 512)
        n = 512;
    msoc_datetime times[512];
    sorted_times(&g->r, hc->start, H, times, (size_t)n);
    dm_out *o = sen(g, d->ws, DM_T_Syslog);
    for (int64_t i = 0; i < n; i++) {
        char msg[200];
        const char *proc, *fac, *sev;
        double a = msoc_rng_double(&g->r);
        int pid = 1000 + (int)msoc_rng_below(&g->r, 60000);
        if (a < 0.45) {
            proc = "CRON", fac = "cron", sev = "info";
            dm_fmt(msg, sizeof msg, "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)");
        } else if (a < 0.7) {
            const dm_user *u = &g->t->users[g->t->n_users - 1];
            proc = "sshd", fac = "authpriv", sev = "info";
            int wi = (int)msoc_rng_below(&g->r, (uint64_t)g->t->n_dev);
            dm_fmt(msg, sizeof msg, "Accepted publickey for %s from %s port %d ssh2: RSA SHA256:%.43s", u->sam,
                   g->t->devs[wi].ip, 40000 + (int)msoc_rng_below(&g->r, 20000), g->t->devs[wi].id);
        } else if (a < 0.85) {
            proc = "systemd", fac = "daemon", sev = "info";
            dm_fmt(msg, sizeof msg, "Started Daily apt download activities.");
        } else if (a < 0.95) {
            proc = "sudo", fac = "authpriv", sev = "notice";
            dm_fmt(msg, sizeof msg, "%s : TTY=pts/0 ; PWD=/home/%s ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx",
                   g->t->users[g->t->n_users - 1].sam, g->t->users[g->t->n_users - 1].sam);
        } else {
            proc = "kernel", fac = "kern", sev = "warning";
            dm_fmt(msg, sizeof msg, "[UFW BLOCK] IN=eth0 OUT= SRC=%d.%d.%d.%d DST=%s PROTO=TCP DPT=22",
                   (int)msoc_rng_below(&g->r, 223) + 1, (int)msoc_rng_below(&g->r, 256), (int)msoc_rng_below(&g->r, 256),
                   (int)msoc_rng_below(&g->r, 256), d->ip);
        }
        dm_row_begin(o, times[i]);
        dm_s(o, DM_C_Computer, d->host);
        dm_s(o, DM_C_HostName, d->host);
        dm_s(o, DM_C_HostIP, d->ip);
        dm_t(o, DM_C_EventTime, times[i]);
        dm_s(o, DM_C_Facility, fac);
        dm_s(o, DM_C_SeverityLevel, sev);
        dm_s(o, DM_C_ProcessName, proc);
        dm_i(o, DM_C_ProcessID, pid);
        dm_s(o, DM_C_SyslogMessage, msg);
        dm_s(o, DM_C_SourceSystem, "Linux");
        dm_s(o, DM_C_Type, "Syslog");
        dm_s(o, DM_C_CollectorHostName, d->host);
        dm_row_end(o);
    }
}

/* ---- users: mail, sign-ins, cloud apps ---- */

static const char *const partner_domains[] = {"fedex.com", "docusign.net", "linkedin.com", "salesforce.com",
                                              "zoom.us", "adobe.com", "atlassian.net", "hubspot.com"};
static const char *const subjects[] = {"Re: Q3 numbers", "Meeting invite: weekly sync", "Your invoice is ready",
                                       "Updated contract", "Lunch on Friday?", "FW: customer escalation",
                                       "Action required: timesheet", "Design review notes",
                                       "Shipment notification", "Webinar: security best practices"};

static void new_message_ids(dm_gen *g, char nmid[37], char imid[96], const char *domain)
{
    dm_guid_rng(&g->r, nmid);
    char h[17];
    dm_hex_rng(&g->r, h, 16);
    dm_fmt(imid, 96, "<%s@%s>", h, domain);
}


void dm_emit_email(dm_gen *g, msoc_datetime at, const dm_user *u, const char *sender, const char *sender_name,
                   const char *sender_domain, const char *sender_ip, const char *subject, const char *url,
                   const char *url_domain, const char *att_name, const char *att_sha256, const char *threat,
                   char nmid_out[37])
{
    char nmid[37], imid[96], rid[64], cluster[24];
    new_message_ids(g, nmid, imid, sender_domain);
    dm_u64(cluster, dm_hash_str(subject, 5) >> 12);
    bool is_internal = strcmp(sender_domain, g->t->domain) == 0;
    dm_out *o = &g->def[DM_T_EmailEvents];
    dm_fmt(rid, sizeof rid, "%s-%s", nmid, u->oid);
    dm_row_begin(o, at);
    dm_s(o, DM_C_NetworkMessageId, nmid);
    dm_s(o, DM_C_InternetMessageId, imid);
    dm_s(o, DM_C_SenderMailFromAddress, sender);
    dm_s(o, DM_C_SenderFromAddress, sender);
    dm_s(o, DM_C_SenderDisplayName, sender_name);
    dm_s(o, DM_C_SenderMailFromDomain, sender_domain);
    dm_s(o, DM_C_SenderFromDomain, sender_domain);
    dm_s(o, DM_C_SenderIPv4, sender_ip);
    dm_s(o, DM_C_RecipientEmailAddress, u->upn);
    dm_s(o, DM_C_RecipientObjectId, u->oid);
    dm_s(o, DM_C_Subject, subject);
    dm_i(o, DM_C_EmailClusterId, (int64_t)(dm_hash_str(subject, 5) >> 12));
    dm_s(o, DM_C_EmailDirection, is_internal ? "Intra-org" : "Inbound");
    dm_s(o, DM_C_DeliveryAction, "Delivered");
    dm_s(o, DM_C_DeliveryLocation, "Inbox/folder");
    dm_s(o, DM_C_LatestDeliveryLocation, "Inbox/folder");
    dm_s(o, DM_C_LatestDeliveryAction, "Delivered");
    dm_s(o, DM_C_ThreatTypes, threat ? threat : "");
    dm_s(o, DM_C_DetectionMethods, threat ? "{\"Phish\":[\"URL detonation reputation\"]}" : "");
    dm_s(o, DM_C_ConfidenceLevel, threat ? "{\"Phish\":\"Low\"}" : "");
    dm_i(o, DM_C_BulkComplaintLevel, (int64_t)msoc_rng_below(&g->r, 4));
    dm_s(o, DM_C_AuthenticationDetails, threat ? "{\"SPF\":\"softfail\",\"DKIM\":\"none\",\"DMARC\":\"fail\",\"CompAuth\":\"fail\"}"
                                               : "{\"SPF\":\"pass\",\"DKIM\":\"pass\",\"DMARC\":\"pass\",\"CompAuth\":\"pass\"}");
    dm_i(o, DM_C_AttachmentCount, att_name ? 1 : 0);
    dm_i(o, DM_C_UrlCount, url ? 1 : 0);
    dm_s(o, DM_C_EmailLanguage, "en");
    dm_s(o, DM_C_ReportId, rid);
    dm_s(o, DM_C_AdditionalFields, "{}");
    dm_row_end(o);
    if (url) {
        dm_out *uo = &g->def[DM_T_EmailUrlInfo];
        char urid[64];
        dm_fmt(urid, sizeof urid, "%s-url", nmid);
        dm_row_begin(uo, at);
        dm_s(uo, DM_C_NetworkMessageId, nmid);
        dm_s(uo, DM_C_Url, url);
        dm_s(uo, DM_C_UrlDomain, url_domain);
        dm_s(uo, DM_C_UrlLocation, "Body");
        dm_s(uo, DM_C_ReportId, urid);
        dm_row_end(uo);
    }
    if (att_name) {
        dm_out *ao = &g->def[DM_T_EmailAttachmentInfo];
        char arid[64];
        dm_fmt(arid, sizeof arid, "%s-att", nmid);
        const char *dot = strrchr(att_name, '.');
        dm_row_begin(ao, at);
        dm_s(ao, DM_C_NetworkMessageId, nmid);
        dm_s(ao, DM_C_SenderFromAddress, sender);
        dm_s(ao, DM_C_SenderDisplayName, sender_name);
        dm_s(ao, DM_C_RecipientEmailAddress, u->upn);
        dm_s(ao, DM_C_RecipientObjectId, u->oid);
        dm_s(ao, DM_C_FileName, att_name);
        dm_s(ao, DM_C_FileType, dot ? dot + 1 : "");
        dm_s(ao, DM_C_SHA256, att_sha256);
        dm_i(ao, DM_C_FileSize, 20000 + (int64_t)msoc_rng_below(&g->r, 2000000));
        dm_s(ao, DM_C_ReportId, arid);
        dm_row_end(ao);
    }
    if (nmid_out)
        memcpy(nmid_out, nmid, 37);
}


void dm_emit_click(dm_gen *g, msoc_datetime at, const dm_user *u, const char *nmid, const char *url,
                   const char *ip, const char *threat, char rid_out[64])
{
    dm_out *o = &g->def[DM_T_UrlClickEvents];
    char rid[64], chain[300];
    dm_fmt(rid, sizeof rid, "%s-click-%llu", nmid, (unsigned long long)g->report_seq++);
    dm_fmt(chain, sizeof chain, "[\"%s\"]", url);
    dm_row_begin(o, at);
    dm_s(o, DM_C_Url, url);
    dm_s(o, DM_C_ActionType, "ClickAllowed");
    dm_s(o, DM_C_AccountUpn, u->upn);
    dm_s(o, DM_C_Workload, "Email");
    dm_s(o, DM_C_NetworkMessageId, nmid);
    dm_s(o, DM_C_ThreatTypes, threat ? threat : "");
    dm_s(o, DM_C_DetectionMethods, "");
    dm_s(o, DM_C_IPAddress, ip);
    dm_b(o, DM_C_IsClickedThrough, true);
    dm_s(o, DM_C_UrlChain, chain);
    dm_s(o, DM_C_ReportId, rid);
    dm_s(o, DM_C_AppName, "Outlook");
    dm_s(o, DM_C_AppVersion, "16.0.18129.20158");
    dm_s(o, DM_C_SourceId, "");
    dm_s(o, DM_C_Type, "UrlClickEvents");
    dm_s(o, DM_C_SourceSystem, "");
    dm_row_end(o);
    if (rid_out)
        dm_fmt(rid_out, 64, "%s", rid);
}

static const struct {
    const char *name, *id, *resource;
} signin_apps[] = {
    {"Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"},
    {"Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams Services"},
    {"Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online"},
    {"Windows Sign In", "38aa3b87-a06d-4817-b275-7a316988d93b", "Windows Azure Active Directory"},
    {"Azure Portal", "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Windows Azure Service Management API"},
    {"Microsoft Office", "d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Graph"},
};


void dm_emit_signin(dm_gen *g, msoc_datetime at, const dm_user *u, const char *ip, int app, int result_type,
                    const char *user_agent, const char *country, char id_out[37])
{
    dm_out *o = sen(g, 0, DM_T_SigninLogs);
    char id[37], corr[37], rt[16], status[200], loc[200], resid[80], devdet[200];
    dm_guid_rng(&g->r, id);
    dm_guid_rng(&g->r, corr);
    dm_fmt(rt, sizeof rt, "%d", result_type);
    if (result_type == 0)
        dm_fmt(status, sizeof status, "{\"errorCode\":0}");
    else
        dm_fmt(status, sizeof status, "{\"errorCode\":%d,\"failureReason\":\"%s\"}", result_type,
               result_type == 50126 ? "Error validating credentials due to invalid username or password."
                                    : "The account is locked.");
    dm_fmt(loc, sizeof loc, "{\"city\":\"%s\",\"countryOrRegion\":\"%s\",\"state\":\"\"}",
           strcmp(country, g->t->country) == 0 ? g->t->city : "", country);
    dm_fmt(resid, sizeof resid, "/tenants/%s/providers/Microsoft.aadiam", g->t->id);
    bool is_browser = strstr(user_agent, "Mozilla") != NULL;
    dm_fmt(devdet, sizeof devdet, "{\"operatingSystem\":\"Windows10\",\"browser\":\"%s\",\"deviceId\":\"\",\"trustType\":\"\"}",
           is_browser ? "Edge 131.0.0" : "Rich Client 5.2.0");
    dm_row_begin(o, at);
    dm_s(o, DM_C_AADTenantId, g->t->id);
    dm_s(o, DM_C_AppDisplayName, signin_apps[app].name);
    dm_s(o, DM_C_AppId, signin_apps[app].id);
    dm_s(o, DM_C_AppliedConditionalAccessPolicies, "[]");
    dm_json(o, DM_C_AppliedEventListeners, "[]");
    dm_s(o, DM_C_AuthenticationDetails, "[]");
    dm_s(o, DM_C_AuthenticationProcessingDetails, "[]");
    dm_s(o, DM_C_AuthenticationProtocol, "none");
    dm_s(o, DM_C_AuthenticationRequirement, result_type == 0 && app == 4 ? "multiFactorAuthentication" : "singleFactorAuthentication");
    dm_s(o, DM_C_AuthenticationRequirementPolicies, "[]");
    dm_s(o, DM_C_Category, "SignInLogs");
    dm_s(o, DM_C_ClientAppUsed, is_browser ? "Browser" : "Mobile Apps and Desktop clients");
    dm_json(o, DM_C_ConditionalAccessPolicies, "[]");
    dm_s(o, DM_C_ConditionalAccessStatus, result_type == 0 ? "success" : "notApplied");
    dm_s(o, DM_C_CorrelationId, corr);
    dm_t(o, DM_C_CreatedDateTime, at);
    dm_s(o, DM_C_CrossTenantAccessType, "none");
    dm_json(o, DM_C_DeviceDetail, devdet);
    dm_s(o, DM_C_HomeTenantId, g->t->id);
    dm_s(o, DM_C_Id, id);
    dm_s(o, DM_C_Identity, u->display);
    dm_s(o, DM_C_IPAddress, ip);
    dm_b(o, DM_C_IsInteractive, true);
    dm_s(o, DM_C_Level, result_type == 0 ? "4" : "2");
    dm_s(o, DM_C_Location, country);
    dm_json(o, DM_C_LocationDetails, loc);
    dm_json(o, DM_C_MfaDetail, "{}");
    dm_s(o, DM_C_NetworkLocationDetails, "[]");
    dm_s(o, DM_C_OperationName, "Sign-in activity");
    dm_s(o, DM_C_OperationVersion, "1.0");
    dm_s(o, DM_C_OriginalRequestId, id);
    dm_s(o, DM_C_ProcessingTimeInMilliseconds, "112");
    dm_s(o, DM_C_Resource, "Microsoft.aadiam");
    dm_s(o, DM_C_ResourceDisplayName, signin_apps[app].resource);
    dm_s(o, DM_C_ResourceGroup, "Microsoft.aadiam");
    dm_s(o, DM_C_ResourceId, resid);
    dm_s(o, DM_C_ResourceProvider, "Microsoft.aadiam");
    dm_s(o, DM_C_ResourceTenantId, g->t->id);
    dm_s(o, DM_C_ResultDescription, result_type == 0 ? "" : "Invalid username or password or Invalid on-premise username or password.");
    dm_s(o, DM_C_ResultSignature, "None");
    dm_s(o, DM_C_ResultType, rt);
    dm_s(o, DM_C_RiskDetail, "none");
    dm_s(o, DM_C_RiskEventTypes, "[]");
    dm_s(o, DM_C_RiskEventTypes_V2, "[]");
    dm_s(o, DM_C_RiskLevel, "");
    dm_s(o, DM_C_RiskLevelAggregated, "none");
    dm_s(o, DM_C_RiskLevelDuringSignIn, "none");
    dm_s(o, DM_C_RiskState, "none");
    dm_s(o, DM_C_SignInIdentifier, u->upn);
    dm_s(o, DM_C_SignInIdentifierType, "userPrincipalName");
    dm_s(o, DM_C_SourceSystem, "Azure AD");
    dm_json(o, DM_C_Status, status);
    dm_s(o, DM_C_TokenIssuerType, "AzureAD");
    dm_s(o, DM_C_Type, "SigninLogs");
    dm_s(o, DM_C_UniqueTokenIdentifier, corr);
    dm_s(o, DM_C_UserAgent, user_agent);
    dm_s(o, DM_C_UserDisplayName, u->display);
    dm_s(o, DM_C_UserId, u->oid);
    dm_s(o, DM_C_UserPrincipalName, u->upn);
    dm_s(o, DM_C_UserType, "Member");
    dm_s(o, DM_C_SessionId, corr);
    dm_s(o, DM_C_IncomingTokenType, "none");
    dm_json(o, DM_C_TokenProtectionStatusDetails, "{}");
    dm_json(o, DM_C_Agent, "{}");
    dm_row_end(o);
    if (id_out)
        memcpy(id_out, id, 37);
}

static const char *const ua_browser =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
static const char *const ua_client = "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.18129; Pro)";

static void cloud_app_event(dm_gen *g, msoc_datetime at, const dm_user *u, const char *ip)
{
    static const struct {
        const char *action, *app, *activity, *obj_type;
        int app_id;
    } acts[] = {
        {"FileAccessed", "Microsoft SharePoint Online", "Access file", "File", 20892},
        {"FileModified", "Microsoft OneDrive for Business", "Edit file", "File", 15600},
        {"MailItemsAccessed", "Microsoft Exchange Online", "Access mail items", "Mailbox", 20893},
        {"Send", "Microsoft Exchange Online", "Send mail", "Mail", 20893},
        {"MessageSent", "Microsoft Teams", "Send message", "Chat", 28375},
        {"FileDownloaded", "Microsoft SharePoint Online", "Download file", "File", 20892},
    };
    int k = (int)dm_zipf(&g->r, 6, 1.0);
    dm_out *o = &g->def[DM_T_CloudAppEvents];
    char rid[40], obj[160], raw[400];
    dm_fmt(rid, sizeof rid, "%llu-%d", (unsigned long long)g->report_seq++, k);
    dm_fmt(obj, sizeof obj, "https://%.20s.sharepoint.com/sites/%s/Shared Documents/%s.docx", g->t->netbios,
           u->dept, doc_names[msoc_rng_below(&g->r, 12)]);
    for (char *p = obj; *p; p++)
        *p = msoc_ascii_lower(*p) == *p ? *p : msoc_ascii_lower(*p);
    dm_fmt(raw, sizeof raw, "{\"Operation\":\"%s\",\"UserId\":\"%s\",\"ClientIP\":\"%s\",\"Workload\":\"%s\"}",
           acts[k].action, u->upn, ip, acts[k].app_id == 20893 ? "Exchange" : acts[k].app_id == 28375 ? "MicrosoftTeams" : "SharePoint");
    dm_row_begin(o, at);
    dm_s(o, DM_C_ActionType, acts[k].action);
    dm_s(o, DM_C_Application, acts[k].app);
    dm_i(o, DM_C_ApplicationId, acts[k].app_id);
    dm_s(o, DM_C_AccountObjectId, u->oid);
    dm_s(o, DM_C_AccountId, u->oid);
    dm_s(o, DM_C_AccountDisplayName, u->display);
    dm_s(o, DM_C_DeviceType, "Desktop");
    dm_s(o, DM_C_OSPlatform, "Windows 10");
    dm_s(o, DM_C_IPAddress, ip);
    dm_s(o, DM_C_CountryCode, g->t->country);
    dm_s(o, DM_C_City, g->t->city);
    dm_s(o, DM_C_Isp, "Corporate ISP");
    dm_s(o, DM_C_UserAgent, ua_browser);
    dm_s(o, DM_C_ActivityType, "Basic");
    dm_json(o, DM_C_ActivityObjects, "[]");
    dm_s(o, DM_C_ObjectName, acts[k].obj_type[0] == 'F' ? obj : "");
    dm_s(o, DM_C_ObjectType, acts[k].obj_type);
    dm_s(o, DM_C_ReportId, rid);
    dm_s(o, DM_C_AccountType, "Regular");
    dm_json(o, DM_C_IPTags, "[]");
    dm_s(o, DM_C_IPCategory, "Corporate");
    dm_json(o, DM_C_UserAgentTags, "[]");
    dm_json(o, DM_C_RawEventData, raw);
    dm_json(o, DM_C_AdditionalFields, "{}");
    dm_json(o, DM_C_LastSeenForUser, "{}");
    dm_json(o, DM_C_UncommonForUser, "[]");
    dm_s(o, DM_C_AuditSource, "Defender for Cloud Apps access control");
    dm_json(o, DM_C_SessionData, "{}");
    dm_row_end(o);
}

static void user_hour(dm_gen *g, int u_idx, const hour_ctx *hc)
{
    dm_tenant *t = g->t;
    const dm_user *u = &t->users[u_idx];
    double m = hc->wk * g->w->opts->scale;
    if (m < 0.01)
        return;
    const dm_device *d = u->device >= 0 ? &t->devs[u->device] : NULL;
    bool is_remote = (dm_hash_str(u->sam, (uint64_t)hc->local_day) & 3) == 0; /* works from home today */
    const char *ip = is_remote ? u->home_ip : t->egress_ip;
    int64_t n_mail = dm_poisson(&g->r, 0.35 * m);
    for (int64_t i = 0; i < n_mail; i++) {
        msoc_datetime at = hc->start + (int64_t)msoc_rng_below(&g->r, 3600) * SEC;
        bool is_internal = msoc_rng_chance(&g->r, 0.45);
        char sender[96], ip4[16];
        const char *sdom, *sname;
        if (is_internal) {
            const dm_user *s = &t->users[msoc_rng_below(&g->r, (uint64_t)t->n_users)];
            dm_fmt(sender, sizeof sender, "%s", s->upn);
            sdom = t->domain;
            sname = s->display;
            dm_fmt(ip4, sizeof ip4, "%s", "");
        } else {
            sdom = partner_domains[msoc_rng_below(&g->r, 8)];
            dm_fmt(sender, sizeof sender, "notifications@%s", sdom);
            sname = sdom;
            dm_ip_for_domain(sdom, ip4);
        }
        bool has_url = msoc_rng_chance(&g->r, 0.45);
        bool has_att = msoc_rng_chance(&g->r, 0.2);
        char url[160], att[80], sha[65], nmid[37];
        const char *url_dom = partner_domains[msoc_rng_below(&g->r, 8)];
        dm_fmt(url, sizeof url, "https://www.%s/account/notice?id=%u", url_dom, (unsigned)msoc_rng_below(&g->r, 1000000));
        dm_fmt(att, sizeof att, "%s.pdf", doc_names[msoc_rng_below(&g->r, 12)]);
        dm_hex_rng(&g->r, sha, 64);
        dm_emit_email(g, at, u, sender, sname, sdom, ip4, subjects[dm_zipf(&g->r, 10, 1.0)], has_url ? url : NULL,
                      url_dom, has_att ? att : NULL, sha, NULL, nmid);
        if (has_url && msoc_rng_chance(&g->r, 0.08))
            dm_emit_click(g, at + (int64_t)msoc_rng_below(&g->r, 1800) * SEC, u, nmid, url, ip, NULL, NULL);
    }
    int64_t n_sign = dm_poisson(&g->r, 0.3 * m);
    for (int64_t i = 0; i < n_sign; i++) {
        int app = (int)dm_zipf(&g->r, 6, 1.0);
        bool is_fail = msoc_rng_chance(&g->r, 0.02);
        dm_emit_signin(g, hc->start + (int64_t)msoc_rng_below(&g->r, 3600) * SEC, u, ip, app, is_fail ? 50126 : 0,
                       app == 3 || app == 0 ? ua_client : ua_browser, t->country, NULL);
    }
    int64_t n_cloud = dm_poisson(&g->r, 0.45 * m);
    for (int64_t i = 0; i < n_cloud; i++)
        cloud_app_event(g, hc->start + (int64_t)msoc_rng_below(&g->r, 3600) * SEC, u, ip);
    (void)d;
}

static void audit_event(dm_gen *g, msoc_datetime at)
{
    dm_tenant *t = g->t;
    static const struct {
        const char *name, *cat, *type;
    } acts[] = {
        {"Update user", "UserManagement", "Update"},
        {"Add member to group", "GroupManagement", "Assign"},
        {"Reset password (self-service)", "UserManagement", "Update"},
        {"Update device", "Device", "Update"},
        {"Add app role assignment to service principal", "ApplicationManagement", "Assign"},
    };
    int k = (int)dm_zipf(&g->r, 5, 1.0);
    const dm_user *admin = &t->users[t->n_users - 1];
    const dm_user *target = &t->users[msoc_rng_below(&g->r, (uint64_t)t->n_users)];
    char id[48], corr[37], by[300], tgt[300];
    dm_fmt(id, sizeof id, "Directory_%llx", (unsigned long long)msoc_rng_next(&g->r));
    dm_guid_rng(&g->r, corr);
    dm_fmt(by, sizeof by, "{\"user\":{\"id\":\"%s\",\"displayName\":null,\"userPrincipalName\":\"%s\",\"ipAddress\":\"%s\"}}",
           admin->oid, admin->upn, t->egress_ip);
    dm_fmt(tgt, sizeof tgt, "[{\"id\":\"%s\",\"displayName\":null,\"type\":\"User\",\"userPrincipalName\":\"%s\"}]",
           target->oid, target->upn);
    dm_out *o = sen(g, 0, DM_T_AuditLogs);
    dm_row_begin(o, at);
    dm_s(o, DM_C_AADOperationType, acts[k].type);
    dm_s(o, DM_C_AADTenantId, t->id);
    dm_t(o, DM_C_ActivityDateTime, at);
    dm_s(o, DM_C_ActivityDisplayName, acts[k].name);
    dm_json(o, DM_C_AdditionalDetails, "[]");
    dm_s(o, DM_C_Category, acts[k].cat);
    dm_s(o, DM_C_CorrelationId, corr);
    dm_s(o, DM_C_Id, id);
    dm_s(o, DM_C_Identity, admin->display);
    dm_json(o, DM_C_InitiatedBy, by);
    dm_s(o, DM_C_Level, "4");
    dm_s(o, DM_C_LoggedByService, "Core Directory");
    dm_s(o, DM_C_OperationName, acts[k].name);
    dm_s(o, DM_C_OperationVersion, "1.0");
    dm_s(o, DM_C_Resource, "Microsoft.aadiam");
    dm_s(o, DM_C_ResourceGroup, "Microsoft.aadiam");
    dm_s(o, DM_C_ResourceProvider, "Microsoft.aadiam");
    dm_s(o, DM_C_Result, "success");
    dm_s(o, DM_C_SourceSystem, "Azure AD");
    dm_json(o, DM_C_TargetResources, tgt);
    dm_s(o, DM_C_Type, "AuditLogs");
    dm_row_end(o);
}

/* ---- background alerts: the benign and low-severity noise every SOC sees ---- */

/* The EICAR test file's SHA-256 (a public constant). */
static const char eicar_sha256[] = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";

static void background_alert(dm_gen *g, msoc_datetime at)
{
    dm_tenant *t = g->t;
    dm_device *d = &t->devs[msoc_rng_below(&g->r, (uint64_t)t->n_dev)];
    const dm_user *u = dm_proc_user(g, d);
    double a = msoc_rng_double(&g->r);
    if (a < 0.35 && dm_windows(d)) {
        char folder[160];
        dm_fmt(folder, sizeof folder, "C:\\Users\\%s\\Downloads\\eicar.com", u->sam);
        /* The device-side detection, then the alert. */
        dm_out *o = &g->def[DM_T_DeviceEvents];
        dm_row_begin(o, at);
        dm_set_device(o, d);
        dm_s(o, DM_C_ActionType, "AntivirusDetection");
        dm_s(o, DM_C_FileName, "eicar.com");
        dm_s(o, DM_C_FolderPath, folder);
        dm_s(o, DM_C_SHA256, eicar_sha256);
        dm_i(o, DM_C_FileSize, 68);
        dm_s(o, DM_C_AdditionalFields, "{\"ThreatName\":\"Virus:DOS/EICAR_Test_File\",\"WasRemediated\":true}");
        dm_set_initiating(g, o, d, &d->svchost[0]);
        dm_i(o, DM_C_ReportId, dm_next_report(d));
        dm_row_end(o);
        dm_evidence ev[] = {{.entity = "Machine", .d = d},
                            {.entity = "File", .file = "eicar.com", .folder = folder, .sha256 = eicar_sha256}};
        dm_emit_alert(g, NULL, at + 5 * SEC, "'EICAR_Test_File' malware was prevented", "Malware", "Informational",
                      "Microsoft Defender for Endpoint", "Antivirus", "[]", ev, 2);
    } else if (a < 0.6) {
        char ip[16];
        dm_fmt(ip, sizeof ip, "%u.%u.%u.%u", 60 + (unsigned)msoc_rng_below(&g->r, 100), (unsigned)msoc_rng_below(&g->r, 256),
               (unsigned)msoc_rng_below(&g->r, 256), 1 + (unsigned)msoc_rng_below(&g->r, 254));
        dm_evidence ev[] = {{.entity = "User", .u = u}, {.entity = "Ip", .ip = ip}};
        dm_emit_alert(g, NULL, at, "Unfamiliar sign-in properties", "InitialAccess", "Low",
                      "Microsoft Entra ID Protection", "Microsoft Entra ID Protection", "[\"Valid Accounts (T1078)\"]", ev, 2);
    } else if (a < 0.8) {
        char nmid[37];
        dm_guid_rng(&g->r, nmid);
        dm_evidence ev[] = {{.entity = "MailMessage", .u = u, .nmid = nmid, .subject = "Your parcel could not be delivered"}};
        dm_emit_alert(g, NULL, at, "Email messages containing malicious URL removed after delivery", "InitialAccess",
                      "Informational", "Microsoft Defender for Office 365", "Microsoft Defender for Office 365",
                      "[\"Phishing (T1566)\"]", ev, 1);
    } else {
        dm_evidence ev[] = {{.entity = "Machine", .d = d}, {.entity = "User", .u = u}};
        dm_emit_alert(g, NULL, at, "Suspected account enumeration reconnaissance (LDAP)", "Discovery", "Low",
                      "Microsoft Defender for Identity", "Microsoft Defender for Identity",
                      "[\"Account Discovery (T1087)\"]", ev, 2);
    }
}

/* ---- daily snapshots ---- */

/* Below --scale 1 the periodic reports thin out like events do, but every device
 * and user reports on the first day. */
static bool reports_today(dm_gen *g, bool is_first_day)
{
    double s = g->w->opts->scale;
    return is_first_day || s >= 1.0 || msoc_rng_chance(&g->r, s);
}

static void daily_snapshots(dm_gen *g, const hour_ctx *hc, bool is_first_day)
{
    dm_tenant *t = g->t;
    for (int d_idx = 0; d_idx < t->n_dev; d_idx++) {
        dm_device *d = &t->devs[d_idx];
        const dm_os_info *os = &dm_os[d->os];
        if (!reports_today(g, is_first_day))
            continue;
        msoc_datetime at = hc->start + (int64_t)msoc_rng_below(&g->r, 3600) * SEC;
        char users[200], rev[24], addr[120], gw[40];
        const dm_user *u = d->user >= 0 ? &t->users[d->user] : NULL;
        if (u)
            dm_fmt(users, sizeof users, "[{\"UserName\":\"%s\",\"DomainName\":\"%s\",\"Sid\":\"%s\"}]", u->sam,
                   t->netbios, u->sid);
        else
            dm_fmt(users, sizeof users, "[]");
        dm_fmt(rev, sizeof rev, "%s", os->revisions[3 - d->patch_lag]);
        dm_out *o = &g->def[DM_T_DeviceInfo];
        dm_row_begin(o, at);
        dm_set_device(o, d);
        dm_s(o, DM_C_ClientVersion, os->is_windows ? "10.8760.19041.4717" : "101.24082.0004");
        dm_s(o, DM_C_PublicIP, t->egress_ip);
        dm_s(o, DM_C_OSArchitecture, "64-bit");
        dm_s(o, DM_C_OSPlatform, os->platform);
        dm_i(o, DM_C_OSBuild, os->build);
        dm_b(o, DM_C_IsAzureADJoined, d->role == DM_ROLE_WORKSTATION);
        dm_s(o, DM_C_JoinType, d->role == DM_ROLE_WORKSTATION ? "Hybrid Azure AD Join" : "Domain Joined");
        dm_s(o, DM_C_AadDeviceId, d->role == DM_ROLE_WORKSTATION ? d->aad_id : "");
        dm_s(o, DM_C_LoggedOnUsers, users);
        dm_s(o, DM_C_OSVersion, os->os_version);
        dm_s(o, DM_C_MachineGroup, d->role == DM_ROLE_WORKSTATION ? "Workstations" : "Servers");
        dm_i(o, DM_C_ReportId, dm_next_report(d));
        dm_s(o, DM_C_OnboardingStatus, "Onboarded");
        dm_s(o, DM_C_AdditionalFields, "");
        dm_s(o, DM_C_DeviceCategory, "Endpoint");
        dm_s(o, DM_C_DeviceType, d->role == DM_ROLE_WORKSTATION ? "Workstation" : "Server");
        dm_s(o, DM_C_Model, d->role == DM_ROLE_WORKSTATION ? "Latitude 7440" : "Virtual Machine");
        dm_s(o, DM_C_Vendor, d->role == DM_ROLE_WORKSTATION ? "Dell Inc." : "Microsoft Corporation");
        dm_s(o, DM_C_OSDistribution, os->distribution);
        dm_s(o, DM_C_OSVersionInfo, os->version_info);
        dm_s(o, DM_C_MergedDeviceIds, "");
        dm_s(o, DM_C_SensorHealthState, "Active");
        dm_s(o, DM_C_ExposureLevel, d->patch_lag >= 2 ? "High" : d->patch_lag == 1 ? "Medium" : "Low");
        dm_s(o, DM_C_AssetValue, d->role == DM_ROLE_DC ? "High" : "Normal");
        dm_s(o, DM_C_DeviceManualTags, "[]");
        dm_s(o, DM_C_DeviceDynamicTags, "[]");
        dm_s(o, DM_C_ConnectivityType, "Streamlined");
        dm_s(o, DM_C_OsBuildRevision, os->is_windows ? rev : "");
        dm_s(o, DM_C_DiscoverySources, "[\"MDE\"]");
        dm_row_end(o);

        dm_out *n = &g->def[DM_T_DeviceNetworkInfo];
        dm_fmt(addr, sizeof addr, "[{\"IPAddress\":\"%s\",\"SubnetPrefix\":24,\"AddressType\":\"Private\"}]", d->ip);
        dm_fmt(gw, sizeof gw, "[\"%s1.1\"]", t->subnet);
        char dns[60], conn[200];
        dm_fmt(dns, sizeof dns, "[\"%s\"]", t->n_dcs ? t->devs[t->dcs[0]].ip : "10.0.0.2");
        dm_fmt(conn, sizeof conn, "[{\"Name\":\"%s\",\"Description\":\"%s\",\"IsConnectedToInternet\":true,\"Category\":\"Domain\"}]",
               t->domain, t->domain);
        dm_row_begin(n, at + SEC);
        dm_set_device(n, d);
        dm_s(n, DM_C_NetworkAdapterName, os->is_windows ? "Ethernet" : "eth0");
        dm_s(n, DM_C_MacAddress, d->mac);
        dm_s(n, DM_C_NetworkAdapterType, "Ethernet");
        dm_s(n, DM_C_NetworkAdapterStatus, "Up");
        dm_s(n, DM_C_TunnelType, "");
        dm_s(n, DM_C_ConnectedNetworks, conn);
        dm_s(n, DM_C_DnsAddresses, dns);
        dm_s(n, DM_C_IPv4Dhcp, d->role == DM_ROLE_WORKSTATION ? "10.0.0.2" : "");
        dm_s(n, DM_C_DefaultGateways, gw);
        dm_s(n, DM_C_IPAddresses, addr);
        dm_i(n, DM_C_ReportId, dm_next_report(d));
        dm_s(n, DM_C_NetworkAdapterVendor, "Microsoft");
        dm_s(n, DM_C_OnboardingStatus, "Onboarded");
        dm_s(n, DM_C_NetworkAdapterDnsSuffix, t->domain);
        dm_row_end(n);
    }
    for (int u_idx = 0; u_idx < t->n_users; u_idx++) {
        const dm_user *u = &t->users[u_idx];
        dm_out *o = &g->def[DM_T_IdentityInfo];
        if (!reports_today(g, is_first_day))
            continue;
        char rid[60], dn[200], roles[80];
        dm_fmt(rid, sizeof rid, "%s-%d", u->oid, hc->local_day);
        dm_fmt(dn, sizeof dn, "CN=%s,OU=%s,OU=Users,DC=%s", u->display, u->dept, t->netbios);
        dm_fmt(roles, sizeof roles, "%s", u->is_admin ? "[\"Helpdesk Administrator\"]" : "[]");
        dm_row_begin(o, hc->start + (int64_t)msoc_rng_below(&g->r, 3600) * SEC);
        dm_s(o, DM_C_ReportId, rid);
        dm_s(o, DM_C_AccountObjectId, u->oid);
        dm_s(o, DM_C_AccountUpn, u->upn);
        dm_s(o, DM_C_OnPremSid, u->sid);
        dm_s(o, DM_C_AccountDisplayName, u->display);
        dm_s(o, DM_C_AccountName, u->sam);
        dm_s(o, DM_C_AccountDomain, t->domain);
        dm_i(o, DM_C_CriticalityLevel, u->is_admin ? 3 : 0);
        dm_s(o, DM_C_Type, "User");
        dm_s(o, DM_C_DistinguishedName, dn);
        dm_s(o, DM_C_GivenName, u->given);
        dm_s(o, DM_C_Surname, u->surname);
        dm_s(o, DM_C_Department, u->dept);
        dm_s(o, DM_C_JobTitle, u->title);
        dm_s(o, DM_C_EmailAddress, u->upn);
        dm_s(o, DM_C_City, t->city);
        dm_s(o, DM_C_Country, t->country);
        dm_b(o, DM_C_IsAccountEnabled, true);
        dm_t(o, DM_C_CreatedDateTime, g->w->start - (int64_t)(200 + (u_idx % 900)) * MSOC_TICKS_PER_DAY);
        dm_s(o, DM_C_ChangeSource, "AzureActiveDirectory");
        dm_s(o, DM_C_CompanyName, t->name);
        dm_t(o, DM_C_DeletedDateTime, MSOC_DATETIME_MIN);
        dm_json(o, DM_C_OtherMailAddresses, "[]");
        dm_s(o, DM_C_RiskLevel, "");
        dm_s(o, DM_C_State, "");
        dm_json(o, DM_C_Tags, "[]");
        dm_json(o, DM_C_AssignedRoles, roles);
        dm_json(o, DM_C_PrivilegedEntraPimRoles, "[]");
        dm_s(o, DM_C_SourceSystem, "");
        dm_s(o, DM_C_TenantMembershipType, "Member");
        dm_s(o, DM_C_IdentityEnvironment, "Hybrid");
        dm_json(o, DM_C_SourceProviders, "[\"AzureActiveDirectory\",\"ActiveDirectory\"]");
        dm_json(o, DM_C_GroupMembership, "[]");
        dm_row_end(o);
    }
}

void dm_gen_snapshot(dm_gen *g)
{
    dm_tenant *t = g->t;
    dm_out *o = &g->def[DM_T_DeviceTvmSoftwareInventory];
    for (int d_idx = 0; d_idx < t->n_dev; d_idx++) {
        dm_device *d = &t->devs[d_idx];
        const dm_os_info *os = &dm_os[d->os];
        char ver[48], cpe[160];
        /* The operating system itself, then installed software. */
        if (os->is_windows)
            dm_fmt(ver, sizeof ver, "10.0.%lld.%s", (long long)os->build, os->revisions[3 - d->patch_lag]);
        else
            dm_fmt(ver, sizeof ver, "%s", os->version_info);
        dm_fmt(cpe, sizeof cpe, "cpe:2.3:o:%s:%s:%s:*:*:*:*:*:*:*", os->is_windows ? "microsoft" : d->os == DM_OS_UBUNTU ? "canonical" : "redhat",
               os->tvm_name, ver);
        dm_row_begin(o, g->w->end);
        dm_set_device(o, d);
        dm_s(o, DM_C_OSPlatform, os->platform);
        dm_s(o, DM_C_OSVersion, os->os_version);
        dm_s(o, DM_C_OSArchitecture, "x64");
        dm_s(o, DM_C_SoftwareVendor, os->is_windows ? "microsoft" : d->os == DM_OS_UBUNTU ? "canonical" : "redhat");
        dm_s(o, DM_C_SoftwareName, os->tvm_name);
        dm_s(o, DM_C_SoftwareVersion, ver);
        dm_s(o, DM_C_EndOfSupportStatus, d->os == DM_OS_SRV2019 ? "Upcoming EOS Version" : "");
        dm_t(o, DM_C_EndOfSupportDate, d->os == DM_OS_SRV2019 ? msoc_days_from_civil(2029, 1, 9) * MSOC_TICKS_PER_DAY
                                       : d->os == DM_OS_WIN10 ? msoc_days_from_civil(2025, 10, 14) * MSOC_TICKS_PER_DAY
                                                              : msoc_days_from_civil(2031, 10, 14) * MSOC_TICKS_PER_DAY);
        dm_s(o, DM_C_ProductCodeCpe, cpe);
        dm_row_end(o);
        for (int s_idx = 0; s_idx < d->n_sw; s_idx++) {
            const dm_software *sw = os->is_windows ? &dm_software_list[d->sw[s_idx]] : &dm_linux_software[d->sw[s_idx]];
            const char *sv = sw->versions[d->sw_ver[s_idx]];
            dm_fmt(cpe, sizeof cpe, "cpe:2.3:a:%s:%s:%s:*:*:*:*:*:*:*", sw->vendor, sw->name, sv);
            dm_row_begin(o, g->w->end);
            dm_set_device(o, d);
            dm_s(o, DM_C_OSPlatform, os->platform);
            dm_s(o, DM_C_OSVersion, os->os_version);
            dm_s(o, DM_C_OSArchitecture, "x64");
            dm_s(o, DM_C_SoftwareVendor, sw->vendor);
            dm_s(o, DM_C_SoftwareName, sw->name);
            dm_s(o, DM_C_SoftwareVersion, sv);
            dm_s(o, DM_C_EndOfSupportStatus, "");
            dm_t(o, DM_C_EndOfSupportDate, MSOC_DATETIME_MIN);
            dm_s(o, DM_C_ProductCodeCpe, cpe);
            dm_row_end(o);
        }
    }
}

void dm_gen_hour(dm_gen *g, int hour)
{
    dm_tenant *t = g->t;
    hour_ctx hc;
    hour_info(g, hour, &hc);
    if (hour % 24 == 0)
        daily_snapshots(g, &hc, hour == 0);
    for (int d_idx = 0; d_idx < t->n_dev; d_idx++) {
        dm_device *d = &t->devs[d_idx];
        device_hour(g, d, &hc, hour);
        if (d->role == DM_ROLE_LINUX)
            linux_hour(g, d, &hc);
    }
    for (int u_idx = 0; u_idx < t->n_users; u_idx++)
        user_hour(g, u_idx, &hc);
    int64_t n_audit = dm_poisson(&g->r, (0.3 + 0.002 * t->n_users) * (0.2 + hc.wk) * g->w->opts->scale);
    for (int64_t i = 0; i < n_audit; i++)
        audit_event(g, hc.start + (int64_t)msoc_rng_below(&g->r, 3600) * SEC);
    int64_t n_alerts = dm_poisson(&g->r, (0.05 + t->n_dev / 2500.0) * (0.3 + hc.wk) * g->w->opts->scale);
    for (int64_t i = 0; i < n_alerts && hour > 0; i++) /* devices boot during hour 0 */
        background_alert(g, hc.start + (int64_t)msoc_rng_below(&g->r, 3600) * SEC);
    for (int s_idx = 0; s_idx < t->n_scens; s_idx++)
        if (t->scens[s_idx]->hour == hour)
            dm_scen_emit(g, t->scens[s_idx]);
}
