/* NDJSON row writer for the demo generator: every row carries every documented
 * column of its table in catalog order, with the JSON type of its KQL type, so the
 * schema contract holds by construction (README.md "Output contract"). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "demo_int.h"

#define DM_FLUSH_AT (1u << 19)
#define DM_BUF_MAX  ((size_t)64 << 20)
#define DM_KEY_PAD  64

const char *const dm_table_names[DM_T__COUNT] = {
    "DeviceInfo", "DeviceNetworkInfo", "DeviceProcessEvents", "DeviceNetworkEvents",
    "DeviceFileEvents", "DeviceRegistryEvents", "DeviceLogonEvents", "DeviceImageLoadEvents",
    "DeviceEvents", "DeviceTvmSoftwareInventory", "AlertInfo", "AlertEvidence", "EmailEvents",
    "EmailAttachmentInfo", "EmailUrlInfo", "UrlClickEvents", "IdentityLogonEvents",
    "IdentityInfo", "CloudAppEvents", "SigninLogs", "AuditLogs", "SecurityEvent", "Syslog",
    "CommonSecurityLog",
};

static const char *const col_names[DM_C__COUNT] = {
#define DM_COL(name) #name,
#include "columns.def"
#undef DM_COL
};

msoc_status dm_schema_init(dm_schema *s, msoc_error *err)
{
    memset(s, 0, sizeof *s);
    for (int t_idx = 0; t_idx < DM_T__COUNT; t_idx++) {
        dm_table *t = &s->t[t_idx];
        const char *name = dm_table_names[t_idx];
        t->def = msoc_stor_builtin_find(name, strlen(name));
        if (t->def == NULL)
            return msoc_fail(err, MSOC_INTERNAL, "demo: table %s is not in the catalog", name);
        t->is_sentinel = t->def->source == MSOC_STOR_SRC_SENTINEL;
        for (int c = 0; c < DM_C__COUNT; c++)
            t->map[c] = (int16_t)msoc_stor_table_col_index(t->def, col_names[c], strlen(col_names[c]));
        size_t n = t->def->n_cols;
        t->is_emitted = msoc_calloc(n, sizeof *t->is_emitted);
        t->key = msoc_calloc(n, sizeof *t->key);
        t->key_len = msoc_calloc(n, sizeof *t->key_len);
        t->time_col = -1;
        for (size_t col_idx = 0; col_idx < n; col_idx++) {
            const msoc_stor_column *col = &t->def->cols[col_idx];
            bool is_req = (col->flags & (MSOC_STOR_COL_EXTRA | MSOC_STOR_COL_HIDDEN)) == 0;
            /* Defender rows also carry TimeGenerated (= Timestamp): Sentinel-flavoured
             * queries over Defender tables use it. */
            if (!t->is_sentinel && strcmp(col->name, "TimeGenerated") == 0)
                is_req = true;
            t->is_emitted[col_idx] = is_req;
            char tmp[128];
            size_t klen = dm_fmt(tmp, sizeof tmp, ",\"%s\":", col->name);
            /* Padded to DM_KEY_PAD so the writer can copy a fixed-size block. */
            if (klen + 1 > DM_KEY_PAD)
                return msoc_fail(err, MSOC_INTERNAL, "demo: column name %s too long", col->name);
            t->key[col_idx] = msoc_calloc(1, DM_KEY_PAD);
            memcpy(t->key[col_idx], tmp, klen);
            t->key_len[col_idx] = (uint8_t)klen;
            t->keys_len += klen;
            if (t->def->timestamp_col[0] && strcmp(col->name, t->def->timestamp_col) == 0)
                t->time_col = (int)col_idx;
        }
        if (t->map[DM_C_TenantId] < 0)
            return msoc_fail(err, MSOC_INTERNAL, "demo: table %s has no TenantId", name);
    }
    return MSOC_OK;
}

void dm_schema_fini(dm_schema *s)
{
    for (int t_idx = 0; t_idx < DM_T__COUNT; t_idx++) {
        dm_table *t = &s->t[t_idx];
        if (t->def == NULL)
            continue;
        for (size_t i = 0; i < t->def->n_cols; i++)
            msoc_free(t->key ? t->key[i] : NULL);
        msoc_free(t->key);
        msoc_free(t->key_len);
        msoc_free(t->is_emitted);
    }
}

msoc_status dm_out_open(dm_out *o, const dm_table *t, const char *path, const char *tenant_id,
                        const char *workspace_id, msoc_error *err)
{
    memset(o, 0, sizeof *o);
    o->t = t;
    o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (o->fd < 0)
        return msoc_fail(err, MSOC_IO, "%s: %s", path, strerror(errno));
    o->path = msoc_strdup(path);
    msoc_buf_init(&o->buf, DM_BUF_MAX);
    o->vals = msoc_calloc(t->def->n_cols, sizeof *o->vals);
    o->tenant_id = tenant_id;
    o->workspace_id = workspace_id;
    o->fmt_cache_dt = MSOC_TIME_NULL;
    o->err = err;
    return MSOC_OK;
}

void dm_out_sink(dm_out *o, const dm_table *t)
{
    memset(o, 0, sizeof *o);
    o->t = t;
    o->fd = -1;
    o->is_sink = true;
    o->vals = msoc_calloc(t->def->n_cols, sizeof *o->vals);
    o->fmt_cache_dt = MSOC_TIME_NULL;
}

static void out_flush(dm_out *o)
{
    size_t off = 0;
    while (off < o->buf.len && o->st == MSOC_OK) {
        ssize_t n = write(o->fd, o->buf.data + off, o->buf.len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            o->st = msoc_fail(o->err, MSOC_IO, "%s: %s", o->path, strerror(errno));
            break;
        }
        off += (size_t)n;
    }
    if (o->progress_bytes)
        atomic_fetch_add_explicit(o->progress_bytes, o->buf.len, memory_order_relaxed);
    if (o->progress_rows)
        atomic_fetch_add_explicit(o->progress_rows, o->n_rows - o->n_rows_reported,
                                  memory_order_relaxed);
    o->n_rows_reported = o->n_rows;
    o->n_bytes += o->buf.len;
    msoc_buf_reset(&o->buf);
}

msoc_status dm_out_close(dm_out *o, msoc_error *err)
{
    if (o->is_sink) {
        msoc_free(o->vals);
        o->vals = NULL;
        o->is_sink = false;
        return MSOC_OK;
    }
    if (o->fd < 0 || o->t == NULL)
        return MSOC_OK;
    out_flush(o);
    if (close(o->fd) != 0 && o->st == MSOC_OK)
        o->st = msoc_fail(err, MSOC_IO, "%s: %s", o->path, strerror(errno));
    o->fd = -1;
    msoc_buf_fini(&o->buf);
    msoc_free(o->vals);
    msoc_free(o->path);
    o->vals = NULL;
    o->path = NULL;
    return o->st;
}

void dm_row_begin(dm_out *o, msoc_datetime t)
{
    memset(o->vals, 0, o->t->def->n_cols * sizeof *o->vals);
    o->row_time = t;
    o->scratch_len = 0;
}

static inline dm_val *slot(dm_out *o, dm_col c)
{
    int idx = o->t->map[c];
    if (idx < 0)
        msoc_panic("demo: table %s has no column #%d", o->t->def->name, (int)c);
    return &o->vals[idx];
}

bool dm_has(const dm_out *o, dm_col c)
{
    return o->t->map[c] >= 0;
}

void dm_sn(dm_out *o, dm_col c, const char *s, size_t len)
{
    dm_val *v = slot(o, c);
    v->kind = DV_STR;
    v->u.s = s;
    v->len = (uint32_t)len;
}

void dm_s(dm_out *o, dm_col c, const char *s)
{
    dm_sn(o, c, s, strlen(s));
}

void dm_s_copy(dm_out *o, dm_col c, const char *s)
{
    size_t len = strlen(s);
    if (o->scratch_len + len + 1 > sizeof o->scratch)
        msoc_panic("demo: row scratch space exhausted in %s", o->t->def->name);
    char *p = o->scratch + o->scratch_len;
    memcpy(p, s, len + 1);
    o->scratch_len += len + 1;
    dm_sn(o, c, p, len);
}

void dm_json(dm_out *o, dm_col c, const char *json)
{
    dm_val *v = slot(o, c);
    v->kind = DV_JSON;
    v->u.s = json;
    v->len = (uint32_t)strlen(json);
}

void dm_i(dm_out *o, dm_col c, int64_t x)
{
    dm_val *v = slot(o, c);
    v->kind = DV_I64;
    v->u.i = x;
}

void dm_f(dm_out *o, dm_col c, double x)
{
    dm_val *v = slot(o, c);
    v->kind = DV_F64;
    v->u.f = x;
}

void dm_b(dm_out *o, dm_col c, bool x)
{
    dm_val *v = slot(o, c);
    v->kind = DV_BOOL;
    v->u.i = x;
}

void dm_t(dm_out *o, dm_col c, msoc_datetime x)
{
    dm_val *v = slot(o, c);
    v->kind = DV_DT;
    v->u.i = x;
}

void dm_s_opt(dm_out *o, dm_col c, const char *s)
{
    if (o->t->map[c] >= 0)
        dm_s(o, c, s);
}

void dm_i_opt(dm_out *o, dm_col c, int64_t v)
{
    if (o->t->map[c] >= 0)
        dm_i(o, c, v);
}

void dm_t_opt(dm_out *o, dm_col c, msoc_datetime v)
{
    if (o->t->map[c] >= 0)
        dm_t(o, c, v);
}

void dm_b_opt(dm_out *o, dm_col c, bool v)
{
    if (o->t->map[c] >= 0)
        dm_b(o, c, v);
}

/* Row serialization writes through a raw pointer into space reserved once per row
 * (dm_row_end computes an upper bound), which is what makes the writer fast. */

/* True when one of the 8 bytes in x is '"', '\\' or a control character
 * (SWAR: a byte b is flagged when b ^ c or b itself is below the limit). */
static inline bool swar_special(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
    uint64_t t = ((q - ones) & ~q) | ((bs - ones) & ~bs) | ((x - ones * 0x20) & ~x);
    return (t & highs) != 0;
}

static char *w_str(char *p, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    *p++ = '"';
    size_t i = 0;
    while (i < len) {
        /* Copy clean 8-byte blocks wholesale; handle the rest byte by byte. */
        while (i + 8 <= len) {
            uint64_t x;
            memcpy(&x, s + i, 8);
            if (swar_special(x))
                break;
            memcpy(p, &x, 8);
            p += 8;
            i += 8;
        }
        size_t stop = i + 8 < len ? i + 8 : len;
        for (; i < stop; i++) {
            unsigned char ch = (unsigned char)s[i];
            if (ch == '\\' || ch == '"') {
                *p++ = '\\';
                *p++ = (char)ch;
            } else if (ch < 0x20) {
                /* Generator strings are valid UTF-8 by construction; only controls need escapes. */
                memcpy(p, "\\u00", 4);
                p[4] = hex[ch >> 4];
                p[5] = hex[ch & 15];
                p += 6;
            } else {
                *p++ = (char)ch;
            }
        }
    }
    *p++ = '"';
    return p;
}

static char *w_i64(char *p, int64_t v)
{
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *p++ = '-';
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *w_dt(dm_out *o, char *p, msoc_datetime t)
{
    if (t != o->fmt_cache_dt) {
        msoc_datetime_format(t, o->fmt_cache);
        o->fmt_cache_dt = t;
    }
    p[0] = '"';
    memcpy(p + 1, o->fmt_cache, 28);
    p[29] = '"';
    return p + 30;
}

static char *w_raw(char *p, const char *s, size_t len)
{
    memcpy(p, s, len);
    return p + len;
}

void dm_row_end(dm_out *o)
{
    const dm_table *t = o->t;
    msoc_buf *b = &o->buf;
    if (o->is_sink)
        return;
    if (o->t->map[DM_C_TenantId] >= 0) {
        dm_val *v = &o->vals[t->map[DM_C_TenantId]];
        v->kind = DV_STR;
        v->u.s = o->tenant_id;
        v->len = 36;
    }
    if (o->workspace_id && t->map[DM_C_WorkspaceId] >= 0) {
        dm_val *v = &o->vals[t->map[DM_C_WorkspaceId]];
        v->kind = DV_STR;
        v->u.s = o->workspace_id;
        v->len = 36;
    }
    if (t->time_col >= 0 && o->vals[t->time_col].kind == DV_NONE) {
        o->vals[t->time_col].kind = DV_DT;
        o->vals[t->time_col].u.i = o->row_time;
    }
    if (!t->is_sentinel && t->map[DM_C_TimeGenerated] >= 0 && t->time_col >= 0 &&
        o->vals[t->map[DM_C_TimeGenerated]].kind == DV_NONE)
        o->vals[t->map[DM_C_TimeGenerated]] = o->vals[t->time_col];

    /* Upper bound: every key, 6 bytes per string byte (\u00XX), 40 for any scalar. */
    size_t n_cols = t->def->n_cols;
    size_t bound = n_cols * DM_KEY_PAD + 4;
    for (size_t col_idx = 0; col_idx < n_cols; col_idx++) {
        const dm_val *v = &o->vals[col_idx];
        bound += v->kind == DV_STR ? (size_t)v->len * 6 + 2 : v->kind == DV_JSON ? v->len : 40;
    }
    char *d = msoc_buf_reserve(b, bound);
    if (d == NULL) {
        if (o->st == MSOC_OK)
            o->st = msoc_fail(o->err, MSOC_TOOBIG, "%s: a row exceeds the buffer cap", o->path);
        return;
    }
    char *p = d;
    *p++ = '{';
    bool is_first = true;
    for (size_t col_idx = 0; col_idx < n_cols; col_idx++) {
        const dm_val *v = &o->vals[col_idx];
        if (v->kind == DV_NONE && !t->is_emitted[col_idx])
            continue;
        if (is_first)
            p = w_raw(p, t->key[col_idx] + 1, t->key_len[col_idx] - 1u);
        else {
            memcpy(p, t->key[col_idx], DM_KEY_PAD); /* fixed size: fast; the bound covers it */
            p += t->key_len[col_idx];
        }
        is_first = false;
        switch (v->kind) {
        case DV_STR:
            p = w_str(p, v->u.s, v->len);
            break;
        case DV_JSON:
            p = w_raw(p, v->u.s, v->len);
            break;
        case DV_I64:
            p = w_i64(p, v->u.i);
            break;
        case DV_F64: {
            char tmp[40];
            int n = snprintf(tmp, sizeof tmp, "%.17g", v->u.f);
            p = w_raw(p, tmp, n > 0 && n < 40 ? (size_t)n : 0);
            break;
        }
        case DV_BOOL:
            p = v->u.i ? w_raw(p, "true", 4) : w_raw(p, "false", 5);
            break;
        case DV_DT:
            p = w_dt(o, p, v->u.i);
            break;
        default:
            /* Unset: the empty value of the column's type. */
            switch (t->def->cols[col_idx].type) {
            case MSOC_TYPE_BOOL:
                p = w_raw(p, "false", 5);
                break;
            case MSOC_TYPE_INT:
            case MSOC_TYPE_LONG:
            case MSOC_TYPE_REAL:
            case MSOC_TYPE_DECIMAL:
                *p++ = '0';
                break;
            case MSOC_TYPE_DATETIME:
                p = w_dt(o, p, o->row_time);
                break;
            case MSOC_TYPE_DYNAMIC:
                p = w_raw(p, "{}", 2);
                break;
            case MSOC_TYPE_GUID:
                p = w_raw(p, "\"00000000-0000-0000-0000-000000000000\"", 38);
                break;
            default:
                p = w_raw(p, "\"\"", 2);
                break;
            }
        }
    }
    p = w_raw(p, "}\n", 2);
    b->len += (size_t)(p - d);
    b->data[b->len] = '\0';
    o->n_rows++;
    if (b->len >= DM_FLUSH_AT)
        out_flush(o);
}
