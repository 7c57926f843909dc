/* bench/hunt data generator: writes N synthetic DeviceProcessEvents rows spread
 * over T tenants into a multisoc data directory (through the storage appender, as
 * ingest does) and the same rows as CSV for DuckDB. Deterministic (seeded).
 *   gen DIR CSV ROWS TENANTS NOW_TICKS */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/rng.h"
#include "storage/storage.h"

static const char *common_files[] = {
    "svchost.exe", "explorer.exe", "chrome.exe", "msedge.exe", "powershell.exe", "cmd.exe",
    "conhost.exe", "rundll32.exe", "taskhostw.exe", "OneDrive.exe", "Teams.exe", "outlook.exe",
    "winword.exe", "excel.exe", "python.exe", "java.exe", "node.exe", "git.exe", "code.exe",
    "msiexec.exe", "regsvr32.exe", "wmic.exe", "schtasks.exe", "net.exe", "whoami.exe",
    "certutil.exe", "bitsadmin.exe", "mshta.exe", "cscript.exe", "wscript.exe"};
#define N_COMMON (sizeof common_files / sizeof common_files[0])
static const char *accounts[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
                                 "system", "network service"};

static void hex64(uint64_t seed, char *out)
{
    static const char hx[] = "0123456789abcdef";
    uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
    for (int i = 0; i < 64; i++) {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdULL;
        x ^= x >> 29;
        out[i] = hx[x & 15];
    }
    out[64] = 0;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: gen DIR CSV ROWS TENANTS NOW_TICKS\n");
        return 2;
    }
    const char *dir = argv[1];
    FILE *csv = fopen(argv[2], "w");
    long long rows = strtoll(argv[3], NULL, 10);
    int tenants = (int)strtol(argv[4], NULL, 10);
    int64_t now = strtoll(argv[5], NULL, 10);
    if (csv == NULL || rows <= 0 || tenants <= 0)
        return 2;
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_db *db;
    if (msoc_stor_open(dir, NULL, &db, &err) != MSOC_OK) {
        fprintf(stderr, "gen: %s\n", err.msg);
        return 1;
    }
    fprintf(csv, "TenantId,Timestamp,DeviceId,DeviceName,ActionType,FileName,FolderPath,SHA256,"
                 "ProcessCommandLine,AccountName,InitiatingProcessFileName,ProcessId\n");
    msoc_rng rng;
    msoc_rng_seed(&rng, 42);
    long long per_tenant = rows / tenants;
    for (int t = 0; t < tenants; t++) {
        char tenant[32];
        snprintf(tenant, sizeof tenant, "tenant-%02d", t);
        msoc_stor_appender *ap;
        if (msoc_stor_appender_open(db, tenant, NULL, "DeviceProcessEvents", &ap, &err) != MSOC_OK) {
            fprintf(stderr, "gen: %s\n", err.msg);
            return 1;
        }
        const msoc_stor_table_def *def = msoc_stor_appender_def(ap);
        msoc_stor_value *vals = calloc(def->n_cols, sizeof *vals);
        long long n_rows = t == tenants - 1 ? rows - per_tenant * (tenants - 1) : per_tenant;
        for (long long r = 0; r < n_rows; r++) {
            for (size_t c = 0; c < def->n_cols; c++) {
                vals[c].is_null = true;
            }
            int64_t ts = now - (int64_t)msoc_rng_below(&rng, 30ULL * 24 * 3600) * MSOC_TICKS_PER_SECOND;
            unsigned dev = (unsigned)msoc_rng_below(&rng, 200);
            char device_id[48], device_name[48], file[64], folder[128], sha[65], cmd[256];
            snprintf(device_id, sizeof device_id, "%02d%038u", t, dev);
            snprintf(device_name, sizeof device_name, "host-%02d-%03u.corp.local", t, dev);
            uint64_t pick = msoc_rng_below(&rng, 1000);
            uint64_t variant = 0;
            if (pick < 985) {
                snprintf(file, sizeof file, "%s", common_files[msoc_rng_below(&rng, N_COMMON)]);
            } else {
                variant = msoc_rng_below(&rng, 200000);
                snprintf(file, sizeof file, "tool_%06" PRIu64 ".exe", variant);
            }
            snprintf(folder, sizeof folder, "C:\\Windows\\System32\\%s", file);
            hex64(pick < 985 ? (uint64_t)(file[0] * 131 + file[1] * 7 + file[2]) + 17 * msoc_rng_below(&rng, 50)
                             : 1000000 + variant,
                  sha);
            const char *acct = accounts[msoc_rng_below(&rng, 10)];
            uint64_t kind = msoc_rng_below(&rng, 1000);
            if (kind < 1)
                snprintf(cmd, sizeof cmd, "\"%s\" privilege::debug sekurlsa::logonpasswords MiMiKaTz exit", file);
            else if (kind < 15)
                snprintf(cmd, sizeof cmd, "%s -NoProfile -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBj%04u", file,
                         (unsigned)msoc_rng_below(&rng, 10000));
            else
                snprintf(cmd, sizeof cmd, "\"C:\\Program Files\\%s\" --type=renderer --field-trial-handle=%u /prefetch:%u",
                         file, (unsigned)msoc_rng_below(&rng, 100000), (unsigned)msoc_rng_below(&rng, 10));
            const char *parent = common_files[msoc_rng_below(&rng, 6)];
            int64_t pid = (int64_t)msoc_rng_below(&rng, 65536);
            for (size_t c = 0; c < def->n_cols; c++) {
                const char *name = def->cols[c].name;
                const char *sv = NULL;
                if (!strcmp(name, "Timestamp")) {
                    vals[c].is_null = false;
                    vals[c].v.i64 = ts;
                } else if (!strcmp(name, "ProcessId")) {
                    vals[c].is_null = false;
                    vals[c].v.i64 = pid;
                } else if (!strcmp(name, "DeviceId"))
                    sv = device_id;
                else if (!strcmp(name, "DeviceName"))
                    sv = device_name;
                else if (!strcmp(name, "ActionType"))
                    sv = "ProcessCreated";
                else if (!strcmp(name, "FileName"))
                    sv = file;
                else if (!strcmp(name, "FolderPath"))
                    sv = folder;
                else if (!strcmp(name, "SHA256"))
                    sv = sha;
                else if (!strcmp(name, "ProcessCommandLine"))
                    sv = cmd;
                else if (!strcmp(name, "AccountName"))
                    sv = acct;
                else if (!strcmp(name, "InitiatingProcessFileName"))
                    sv = parent;
                if (sv) {
                    vals[c].is_null = false;
                    vals[c].v.s.ptr = sv;
                    vals[c].v.s.len = strlen(sv);
                }
            }
            if (msoc_stor_appender_add_row(ap, vals, &err) != MSOC_OK) {
                fprintf(stderr, "gen: %s\n", err.msg);
                return 1;
            }
            char tsb[MSOC_DATETIME_FMT_CAP];
            msoc_datetime_format(ts, tsb);
            /* CSV: quote the fields that may hold quotes or commas */
            fprintf(csv, "%s,%s,%s,%s,ProcessCreated,%s,\"%s\",%s,\"", tenant, tsb, device_id, device_name, file,
                    folder, sha);
            for (const char *p = cmd; *p; p++) {
                if (*p == '"')
                    fputc('"', csv);
                fputc(*p, csv);
            }
            fprintf(csv, "\",%s,%s,%" PRId64 "\n", acct, parent, pid);
            if ((r + 1) % 100000 == 0 && msoc_stor_appender_commit(ap, &err) != MSOC_OK) {
                fprintf(stderr, "gen: %s\n", err.msg);
                return 1;
            }
        }
        if (msoc_stor_appender_commit(ap, &err) != MSOC_OK) {
            fprintf(stderr, "gen: %s\n", err.msg);
            return 1;
        }
        msoc_stor_appender_close(ap);
        free(vals);
    }
    if (msoc_stor_flush(db, true, &err) != MSOC_OK) {
        fprintf(stderr, "gen: %s\n", err.msg);
        return 1;
    }
    msoc_stor_close(db);
    fclose(csv);
    return 0;
}
