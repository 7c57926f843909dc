/* The demo world: tenants of power-law size with their workspaces, devices, users
 * and addresses, and the attacker infrastructure shared across tenants. Everything
 * here is drawn from per-tenant RNG streams, so tenants are independent. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "demo_int.h"
#include "vocab.h"

/* ---- helpers ---- */

uint64_t dm_hash_str(const char *s, uint64_t salt)
{
    uint64_t h = 1469598103934665603ULL ^ (salt * 0x9E3779B97F4A7C15ULL);
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

void dm_hex_rng(msoc_rng *r, char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (i % 16 == 0)
            x = msoc_rng_next(r);
        out[i] = hex[x & 15];
        x >>= 4;
    }
    out[n] = '\0';
}

void dm_hex_from(const char *s, uint64_t salt, char *out, size_t n)
{
    msoc_rng r;
    msoc_rng_seed2(&r, dm_hash_str(s, salt), salt);
    dm_hex_rng(&r, out, n);
}

void dm_guid_rng(msoc_rng *r, char out[37])
{
    char h[33];
    dm_hex_rng(r, h, 32);
    h[12] = '4';
    h[16] = "89ab"[msoc_rng_below(r, 4)];
    dm_fmt(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

void dm_guid_from(const char *s, uint64_t salt, char out[37])
{
    msoc_rng r;
    msoc_rng_seed2(&r, dm_hash_str(s, salt), salt);
    dm_guid_rng(&r, out);
}

size_t dm_fmt(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    if (n < 0) {
        out[0] = '\0';
        return 0;
    }
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

void dm_u64(char out[21], uint64_t v)
{
    char tmp[21];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

int64_t dm_poisson(msoc_rng *r, double mean)
{
    if (mean <= 0)
        return 0;
    if (mean > 30) {
        double x = mean + sqrt(mean) * msoc_rng_normal(r);
        return x < 0 ? 0 : (int64_t)(x + 0.5);
    }
    double l = exp(-mean), p = 1.0;
    int64_t k = 0;
    do {
        k++;
        p *= msoc_rng_double(r);
    } while (p > l);
    return k - 1;
}

size_t dm_zipf(msoc_rng *r, size_t n, double s)
{
    double u = msoc_rng_double(r);
    double x;
    if (fabs(s - 1.0) < 1e-9)
        x = exp(u * log((double)n + 1.0)) - 1.0;
    else
        x = pow((pow((double)n + 1.0, 1.0 - s) - 1.0) * u + 1.0, 1.0 / (1.0 - s)) - 1.0;
    size_t k = (size_t)x;
    return k < n ? k : n - 1;
}

static void lower_alnum(char *dst, size_t cap, const char *src)
{
    size_t n = 0;
    for (; *src && n + 1 < cap; src++) {
        char c = msoc_ascii_lower(*src);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            dst[n++] = c;
    }
    dst[n] = '\0';
}

static void upper_copy(char *dst, size_t cap, const char *src)
{
    size_t n = 0;
    for (; *src && n + 1 < cap; src++)
        dst[n++] = (*src >= 'a' && *src <= 'z') ? (char)(*src - 32) : *src;
    dst[n] = '\0';
}

static void random_public_ip(msoc_rng *r, char out[16])
{
    static const int first[] = {20, 23, 40, 52, 64, 73, 98, 104, 131, 142, 157, 168, 172, 184, 203};
    int a = first[msoc_rng_below(r, sizeof first / sizeof first[0])];
    int b = (int)msoc_rng_below(r, 256);
    if (a == 172 && b >= 16 && b < 32)
        b += 16;
    dm_fmt(out, 16, "%d.%d.%d.%d", a, b, (int)msoc_rng_below(r, 256), 1 + (int)msoc_rng_below(r, 254));
}

/* ---- campaigns ---- */

void dm_world_build_campaigns(dm_world *w)
{
    msoc_rng r;
    msoc_rng_seed2(&r, w->opts->seed, 0xC0FFEE);
    static const int bad_nets[][2] = {{185, 220}, {45, 9}, {91, 215}, {193, 42}, {194, 165}, {5, 188}};
    static const char *const payload_names[] = {"invoice_viewer.exe", "DocuSignHelper.exe",
                                                "AdobeUpdate.exe", "scan_0427.exe"};
    for (int c = 0; c < DM_N_CAMPAIGNS; c++) {
        dm_campaign *k = &w->camp[c];
        const int *net = bad_nets[msoc_rng_below(&r, 6)];
        dm_fmt(k->c2_ip, sizeof k->c2_ip, "%d.%d.%d.%d", net[0], net[1], (int)msoc_rng_below(&r, 256),
               1 + (int)msoc_rng_below(&r, 254));
        net = bad_nets[msoc_rng_below(&r, 6)];
        dm_fmt(k->spray_ip, sizeof k->spray_ip, "%d.%d.%d.%d", net[0], net[1],
               (int)msoc_rng_below(&r, 256), 1 + (int)msoc_rng_below(&r, 254));
        dm_fmt(k->c2_domain, sizeof k->c2_domain, "%s-%s%d.%s", dm_bad_words[msoc_rng_below(&r, dm_n_bad_words)],
               dm_bad_words[msoc_rng_below(&r, dm_n_bad_words)], (int)msoc_rng_below(&r, 90) + 10,
               dm_bad_tlds[msoc_rng_below(&r, dm_n_bad_tlds)]);
        dm_fmt(k->phish_domain, sizeof k->phish_domain, "%s-%s.%s",
               dm_bad_words[msoc_rng_below(&r, dm_n_bad_words)], dm_bad_words[msoc_rng_below(&r, dm_n_bad_words)],
               dm_bad_tlds[msoc_rng_below(&r, dm_n_bad_tlds)]);
        if (strcmp(k->phish_domain, k->c2_domain) == 0)
            dm_fmt(k->phish_domain, sizeof k->phish_domain, "mail-%s", k->c2_domain);
        dm_hex_rng(&r, k->payload_sha256, 64);
        dm_hex_rng(&r, k->payload_sha1, 40);
        dm_hex_rng(&r, k->payload_md5, 32);
        dm_fmt(k->payload_name, sizeof k->payload_name, "%s", payload_names[msoc_rng_below(&r, 4)]);
        dm_hex_rng(&r, k->ransom_sha256, 64);
        static const char *const exts[] = {".lockbit", ".akira", ".crypt", ".royal"};
        dm_fmt(k->ransom_ext, sizeof k->ransom_ext, "%s", exts[msoc_rng_below(&r, 4)]);
    }
    /* One mimikatz build everywhere, so cross-tenant hash hunting finds it. */
    dm_hex_rng(&r, w->mimikatz_sha256, 64);
    dm_hex_rng(&r, w->mimikatz_sha1, 40);
    dm_hex_rng(&r, w->mimikatz_md5, 32);
}

/* ---- tenants ---- */

void dm_world_build_tenant(dm_world *w, dm_tenant *t, int idx, int size_rank)
{
    msoc_rng r;
    msoc_rng_seed2(&r, w->opts->seed, 0x7E0000u + (uint64_t)idx);
    memset(t, 0, sizeof *t);
    t->idx = idx;
    dm_guid_rng(&r, t->id);

    /* Name and domain: unique per index by walking the (a, b) grid with a stride. */
    size_t n_combo = dm_n_org_a * dm_n_org_b;
    size_t base = (size_t)msoc_rng_below(&r, 1) + (size_t)(w->opts->seed % n_combo);
    size_t combo = (base + (size_t)idx * 37u) % n_combo;
    const char *a = dm_org_a[combo % dm_n_org_a], *b = dm_org_b[combo / dm_n_org_a];
    if (idx >= (int)n_combo)
        dm_fmt(t->name, sizeof t->name, "%s %s %d", a, b, idx / (int)n_combo + 1);
    else
        dm_fmt(t->name, sizeof t->name, "%s %s", a, b);
    char slug[48];
    lower_alnum(slug, sizeof slug, t->name);
    char nb[16];
    upper_copy(nb, sizeof nb, slug);
    nb[8 < strlen(nb) ? 8 : strlen(nb)] = '\0';
    dm_fmt(t->netbios, sizeof t->netbios, "%s", nb);

    t->cloud = w->clouds ? w->clouds[idx] : "Commercial";
    double u;
    const char *tld = strcmp(t->cloud, "Commercial") == 0 ? (msoc_rng_chance(&r, 0.2) ? "co.uk" : "com")
                      : strcmp(t->cloud, "GCC") == 0      ? "gov"
                      : strcmp(t->cloud, "GCC High") == 0 ? "us"
                                                           : "mil";
    dm_fmt(t->domain, sizeof t->domain, "%s.%s", slug, tld);
    const dm_place *pl = strcmp(t->cloud, "Commercial") == 0 ? &dm_places[msoc_rng_below(&r, dm_n_places)]
                                                              : &dm_places[msoc_rng_below(&r, 4)];
    t->tz_name = pl->tz_name;
    t->tz_offset_min = pl->offset_min;
    t->country = pl->country;
    t->city = pl->city;
    random_public_ip(&r, t->egress_ip);
    dm_fmt(t->subnet, sizeof t->subnet, "10.%d.", (int)msoc_rng_below(&r, 250) + 1);
    dm_fmt(t->sid_prefix, sizeof t->sid_prefix, "S-1-5-21-%u-%u-%u",
           (unsigned)(1000000000u + msoc_rng_below(&r, 3000000000u)),
           (unsigned)(1000000000u + msoc_rng_below(&r, 3000000000u)),
           (unsigned)(1000000000u + msoc_rng_below(&r, 3000000000u)));

    /* Workspaces: every tenant has a primary; some have secondaries. */
    u = msoc_rng_double(&r);
    t->n_ws = u < 0.65 ? 1 : u < 0.9 ? 2 : 3;
    static const char *const ws_suffix[] = {"sentinel-prod", "sentinel-servers", "soc-regional"};
    for (int ws_idx = 0; ws_idx < t->n_ws; ws_idx++) {
        dm_guid_rng(&r, t->ws[ws_idx].id);
        char short_slug[20];
        dm_fmt(short_slug, sizeof short_slug, "%.12s", slug);
        dm_fmt(t->ws[ws_idx].name, sizeof t->ws[ws_idx].name, "%s-%s", short_slug, ws_suffix[ws_idx]);
        t->ws[ws_idx].is_primary = ws_idx == 0;
    }

    /* Size: power law over the rank, jittered, clamped to tens .. ~2000 devices. */
    /* Ranks are read as positions on the 20-tenant reference curve, so any tenant
     * count spreads over the same range of sizes. */
    double pos = 0.5 + ((double)size_rank - 0.5) * 20.0 / (double)w->opts->n_tenants;
    double dev = 2000.0 * pow(pos, -1.15) * (0.8 + 0.4 * msoc_rng_double(&r));
    int n_dev = (int)dev;
    if (n_dev < 14 + (int)msoc_rng_below(&r, 30))
        n_dev = 14 + (int)msoc_rng_below(&r, 30);
    if (n_dev > 2000)
        n_dev = 2000;
    t->n_dev = n_dev;
    t->devs = msoc_calloc((size_t)n_dev, sizeof *t->devs);
    int n_servers = n_dev / 10 > 2 ? n_dev / 10 : 2;
    int n_linux = n_dev / 25 > 1 ? n_dev / 25 : 1;
    int n_dcs = n_dev >= 400 ? 3 : n_dev >= 60 ? 2 : 1;
    int n_ws = n_dev - n_servers - n_linux;
    t->n_users = n_ws + 3 + n_dev / 100;
    t->users = msoc_calloc((size_t)t->n_users, sizeof *t->users);
    t->dcs = msoc_calloc((size_t)n_dcs, sizeof *t->dcs);

    char prefix[5];
    upper_copy(prefix, sizeof prefix, slug);
    prefix[3] = '\0';
    int n_srv_seen = 0;
    for (int d_idx = 0; d_idx < n_dev; d_idx++) {
        dm_device *d = &t->devs[d_idx];
        dm_hex_rng(&r, d->id, 40);
        dm_guid_rng(&r, d->aad_id);
        if (d_idx < n_ws) {
            d->role = DM_ROLE_WORKSTATION;
            d->os = msoc_rng_chance(&r, 0.55) ? DM_OS_WIN11 : DM_OS_WIN10;
            dm_fmt(d->host, sizeof d->host, "%s-%s-%04d", prefix, msoc_rng_chance(&r, 0.7) ? "LT" : "WS",
                   1000 + d_idx);
            d->user = d_idx;
            d->activity = 0.5 + msoc_rng_exp(&r, 0.5);
        } else if (d_idx < n_ws + n_servers) {
            d->role = n_srv_seen < n_dcs ? DM_ROLE_DC : DM_ROLE_SERVER;
            d->os = msoc_rng_chance(&r, 0.6) ? DM_OS_SRV2022 : DM_OS_SRV2019;
            if (d->role == DM_ROLE_DC) {
                dm_fmt(d->host, sizeof d->host, "%s-DC%02d", prefix, n_srv_seen + 1);
                t->dcs[t->n_dcs++] = d_idx;
            } else {
                static const char *const kinds[] = {"APP", "SQL", "FS", "WEB", "EXCH", "CA", "RDS"};
                dm_fmt(d->host, sizeof d->host, "%s-%s%02d", prefix, kinds[n_srv_seen % 7], n_srv_seen);
            }
            n_srv_seen++;
            d->user = -1;
            d->activity = 0.8 + msoc_rng_exp(&r, 1.0);
        } else {
            d->role = DM_ROLE_LINUX;
            d->os = msoc_rng_chance(&r, 0.7) ? DM_OS_UBUNTU : DM_OS_RHEL;
            dm_fmt(d->host, sizeof d->host, "%s-lnx%02d", prefix, d_idx - n_ws - n_servers + 1);
            for (char *p = d->host; *p; p++)
                *p = msoc_ascii_lower(*p);
            d->user = -1;
            d->activity = 0.6 + msoc_rng_exp(&r, 0.6);
        }
        char lower_host[24];
        size_t hn = 0;
        for (; d->host[hn] && hn + 1 < sizeof lower_host; hn++)
            lower_host[hn] = msoc_ascii_lower(d->host[hn]);
        lower_host[hn] = '\0';
        dm_fmt(d->name, sizeof d->name, "%s.%s", lower_host, t->domain);
        int host_no = d_idx + 10;
        dm_fmt(d->ip, sizeof d->ip, "%s%d.%d", t->subnet, d->role == DM_ROLE_WORKSTATION ? 20 + host_no / 250 : 5,
               d->role == DM_ROLE_WORKSTATION ? host_no % 250 + 2 : (d_idx - n_ws) % 250 + 2);
        dm_fmt(d->mac, sizeof d->mac, "00-15-5D-%02X-%02X-%02X", (unsigned)msoc_rng_below(&r, 256),
               (unsigned)msoc_rng_below(&r, 256), (unsigned)msoc_rng_below(&r, 256));
        /* Patch lag: most devices current or one behind, a tail far behind. */
        double lag = msoc_rng_double(&r);
        d->patch_lag = lag < 0.55 ? 0 : lag < 0.85 ? 1 : lag < 0.95 ? 2 : 3;
        d->ws = 0;
        if (t->n_ws > 1 && d->role != DM_ROLE_WORKSTATION)
            d->ws = 1 + (int)msoc_rng_below(&r, (uint64_t)(t->n_ws - 1));
        d->report_id = 1000 + msoc_rng_below(&r, 900000);
        d->next_pid = 4000 + (uint32_t)msoc_rng_below(&r, 4000);
        d->next_uid = msoc_rng_next(&r) >> 20;
        /* Software inventory. */
        if (dm_os[d->os].is_windows) {
            for (size_t s_idx = 0; s_idx < dm_n_software && d->n_sw < 16; s_idx++) {
                double share = dm_software_list[s_idx].share * (d->role == DM_ROLE_WORKSTATION ? 1.0 : 0.3);
                if (strcmp(dm_software_list[s_idx].name, "edge_chromium") == 0)
                    share = 1.0;
                if (msoc_rng_chance(&r, share)) {
                    int ver = 3 - d->patch_lag - (msoc_rng_chance(&r, 0.2) ? 1 : 0);
                    d->sw[d->n_sw] = (uint8_t)s_idx;
                    d->sw_ver[d->n_sw++] = (uint8_t)(ver < 0 ? 0 : ver);
                }
            }
        } else {
            for (size_t s_idx = 0; s_idx < dm_n_linux_software && d->n_sw < 16; s_idx++)
                if (msoc_rng_chance(&r, dm_linux_software[s_idx].share)) {
                    int ver = 3 - d->patch_lag;
                    d->sw[d->n_sw] = (uint8_t)s_idx;
                    d->sw_ver[d->n_sw++] = (uint8_t)(ver < 0 ? 0 : ver);
                }
        }
    }

    /* Users: unique (given, surname) pairs by walking the grid with a stride. */
    size_t n_names = dm_n_given * dm_n_surnames;
    size_t start = (size_t)msoc_rng_below(&r, n_names);
    for (int u_idx = 0; u_idx < t->n_users; u_idx++) {
        dm_user *us = &t->users[u_idx];
        size_t c = (start + (size_t)u_idx * 1009u) % n_names;
        const char *given = dm_given[c % dm_n_given], *sur = dm_surnames[c / dm_n_given];
        dm_fmt(us->given, sizeof us->given, "%s", given);
        dm_fmt(us->surname, sizeof us->surname, "%s", sur);
        dm_fmt(us->display, sizeof us->display, "%s %s", given, sur);
        char sam[40];
        if ((size_t)u_idx >= n_names)
            dm_fmt(sam, sizeof sam, "%s.%s%d", given, sur, u_idx / (int)n_names + 1);
        else
            dm_fmt(sam, sizeof sam, "%s.%s", given, sur);
        size_t sn = 0;
        for (const char *p = sam; *p && sn + 1 < sizeof us->sam; p++)
            us->sam[sn++] = msoc_ascii_lower(*p);
        us->sam[sn] = '\0';
        dm_fmt(us->upn, sizeof us->upn, "%s@%s", us->sam, t->domain);
        dm_fmt(us->sid, sizeof us->sid, "%s-%d", t->sid_prefix, 1104 + u_idx);
        dm_guid_rng(&r, us->oid);
        size_t dep = msoc_rng_below(&r, dm_n_departments);
        us->dept = dm_departments[dep];
        us->title = dm_titles[msoc_rng_below(&r, dm_n_departments)];
        us->device = u_idx < n_ws ? u_idx : -1;
        us->is_admin = u_idx % 40 == 7 || (dep == 3 && msoc_rng_chance(&r, 0.3));
        random_public_ip(&r, us->home_ip);
    }
}

void dm_tenant_fini(dm_tenant *t)
{
    msoc_free(t->devs);
    msoc_free(t->users);
    msoc_free(t->dcs);
    msoc_free(t->scens);
}
