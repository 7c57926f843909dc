/* Ingest driver: splits the input into batches of records, parses them in
 * parallel (one worker context per thread), routes each row to its
 * tenant/workspace/table appender, converts values to the column types, and
 * commits each batch before acknowledging it. docs/storage.md, "Ingest". */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/datetime.h"
#include "core/hashmap.h"
#include "core/mem.h"
#include "core/pool.h"
#include "core/vec.h"
#include "ingest_int.h"

#define REASON_CAP 400
#define MAX_FIELDS 4096

typedef ing_field field;

typedef struct group {
    char *tenant, *workspace, *table;
    msoc_stor_appender *ap;
    const msoc_stor_table_def *def;
    msoc_hashmap cols;    /* column name -> index + 1 */
    size_t *name_lens;
    int *pos_cache;       /* field position -> column index (-2 unknown) */
    msoc_stor_value *blank; /* a row before its fields: null, "" for strings */
    uint8_t *col_kind;    /* per column: BIND_* (what bind_row does with a member) */
    size_t n_pos;
    bool is_custom;
    int ts_col, tenant_col, ws_col;
} group;

typedef struct span {
    const char *p;
    size_t len;
} span;

/* One record the framer found: bytes [start, end) from its batch's start (the
 * line or CSV record without its line end). */
typedef struct rec {
    size_t start, end;
} rec;

/* A batch as the framer hands it to a worker. Streamed NDJSON: recs are every
 * line, blank ones too (row number = line number); CSV: the non-empty records.
 * In-memory or mapped NDJSON: the whole lines of [start, start + len) (is_lines),
 * found by the worker as it parses them. Row numbers inside a batch count from 1
 * (a batch's first row number is known only once the batches before it are
 * counted): report_done adds the rows of the batches reported before it. */
typedef struct batch {
    const char *start;         /* NDJSON / CSV: the bytes recs index, or the lines */
    const rec *recs;
    size_t n_recs;
    size_t len;                /* is_lines: the batch's bytes (whole lines) */
    bool is_lines;
    bool is_counted;           /* is_lines: cut by counting its lines (the first) */
    size_t span0, span1;       /* JSON arrays / envelopes: records [span0, span1) */
    size_t seq;                /* 0, 1, ... in input order */
} batch;

/* A finished batch waiting for an earlier one, to be reported in input order.
 * Its rows (in rej and ack) count from 1 within the batch; n_lines: the row
 * numbers it spans (NDJSON: its lines, blank ones too). */
typedef struct done_batch {
    size_t seq;
    bool has_ack;
    msoc_ingest_ack ack;
    size_t n_lines;
    char *rej;                 /* its rejections (worker.rej's format) */
    size_t rej_len;
} done_batch;

typedef struct job job;

/* The routing fields of the last row get_group resolved, and its answer. */
typedef struct route_memo {
    bool is_valid;
    size_t table_len, tenant_len, ws_len;
    char table[256], tenant[256], ws[256];
    group *g;
} route_memo;

typedef struct day_memo {
    bool is_set;
    char text[10];
    msoc_datetime midnight;
} day_memo;

typedef struct worker {
    job *job;
    msoc_hashmap groups;
    msoc_vec fields;
    msoc_vec prev_fields;      /* the previous JSON row's members: key hints for the next */
    route_memo memo;
    day_memo day;              /* the last date iso_fast_memo converted */
    char dt_text[40];          /* the last datetime text converted, and its value */
    size_t dt_len;
    msoc_datetime dt_val;
    group *hint_group;         /* non-NULL: hint_cols resolve prev_fields' keys for it */
    /* The positions of the routing keys (TenantId, WorkspaceId, Type) among the last
     * row's members, for a row whose keys are the same (route_from_fields). */
    uint16_t route_pos[8];
    size_t n_route_pos;
    bool has_route_pos;
    const char *prev_obj, *prev_obj_end; /* the text prev_fields point into */
    msoc_error add_err;        /* bind_row's appender error: clear (zero) but after a failure */
    const msoc_stor_table_def *hint_def;
    int *hint_cols;            /* member position -> column (-1: ignored key) */
    size_t n_hint_cols, cap_hint_cols;
    msoc_buf scratch, keybuf, tmp;
    msoc_stor_value *vals;
    size_t *scr_off;           /* per column: its text's offset in scratch, or SIZE_MAX */
    size_t cap_vals;
    size_t *scr_list;          /* the columns whose scr_off was set this row (maybe twice) */
    size_t n_scr, cap_scr;
    char reason[REASON_CAP];
    size_t n_stored, n_rejected, n_rows;
    msoc_buf in;               /* streamed input: the bytes of this worker's batch */
    msoc_vec recs;             /* rec: the records of this worker's batch */
    size_t map_off;            /* mapped input: where this worker's batch starts */
    size_t cut_bytes, cut_lines; /* its last batch cut by bytes, once parsed (frame_next) */
    batch first;               /* framed before the threads start (has_first) */
    bool has_first;
    msoc_buf rej;              /* this batch's rejections: row, reason length, reason */
    msoc_stor_rowpool *rows;   /* the pending rows' buffers of this worker's appenders */
} worker;

struct job {
    msoc_stor_db *db;
    const msoc_ingest_opts *o;
    const char *source;
    msoc_ingest_format fmt;
    const char *data;          /* in-memory input (fd < 0), or the documents read whole */
    size_t len;
    field *hdr;                /* CSV header names (as keys), pointing into hdr_text */
    size_t n_hdr;
    msoc_buf hdr_text;
    span *spans;
    size_t n_spans;
    worker *workers;
    size_t n_workers;
    pthread_mutex_t mu;        /* callbacks, stats, the first error */
    msoc_status st;
    msoc_error err;
    msoc_ingest_stats stats;
    char file_table[256];      /* a known table named by the file (<Table>[_*].ext), or "" */
    /* The framer: whichever worker needs a batch cuts the next one (feed_mu), so
     * framing runs just ahead of parsing and every byte is read once. */
    pthread_mutex_t feed_mu;
    size_t per;                /* records per batch */
    int fd;                    /* >= 0: the input is read from fd as it is framed */
    bool is_file;              /* fd is a regular file (readahead hints) */
    bool is_mapped;            /* data is a file mapping, which ingest_run unmaps */
    bool is_eof;               /* fd: end of input seen */
    size_t pos;                /* data: the next byte not yet framed */
    size_t last_bytes;         /* data: the bytes of the last full batch cut */
    /* In-memory NDJSON is cut by bytes: a batch of per x the average line seen so
     * far (bytes, lines of the batches parsed; the first batch is cut by lines). */
    size_t seen_bytes, seen_lines;
    size_t next_span;          /* documents: the next span not yet in a batch */
    size_t ra_end;             /* readahead asked for up to here (data or fd offset) */
    size_t fd_off;             /* fd: bytes read so far */
    msoc_buf carry;            /* fd: bytes read past the last framed record */
    /* Mapped input: a thread asks the kernel for the bytes up to pf_want, a chunk
     * at a time (pf_mu), so no worker waits on submitting reads. */
    pthread_t pf_thread;
    pthread_mutex_t pf_mu;
    pthread_cond_t pf_cv;
    size_t pf_want, pf_done;
    bool has_pf, is_pf_stop;
    /* Mapped NDJSON/CSV: the prefetch thread unmaps the bytes before every worker's
     * batch as it goes (nothing points into a finished batch), so the mapping
     * is not torn down in one serial call at the end. */
    bool can_unmap;
    size_t unmapped;           /* data[0, unmapped) is no longer mapped */
    size_t next_seq;           /* the next batch's seq */
    /* Reporting (mu): each batch's rejections, then its ack, strictly in input
     * order, each after its own commit returned. */
    size_t next_report;        /* the seq to report next */
    size_t reported_rows;      /* the row numbers of the batches reported so far */
    msoc_vec done;             /* done_batch: finished, waiting for an earlier batch */
    /* The committer (mu): batches whose extents are written but not yet durable,
     * in hand-off order; it makes them durable, a group at a time, then reports
     * them, while the workers parse the next batches. */
    msoc_vec cq;               /* commit_item */
    pthread_cond_t cq_cv;      /* work for the committer, or room in its queue */
    pthread_t cq_thread;
    bool has_cq, is_cq_stop;
};

bool msoc_ingest_format_parse(const char *s, msoc_ingest_format *out)
{
    static const char *const names[] = {"auto", "ndjson", "defender", "la-json", "csv"};
    for (int i = 0; i < 5; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (msoc_ingest_format)i;
            return true;
        }
    }
    if (strcmp(s, "json") == 0) {
        *out = MSOC_INGEST_LA_JSON;
        return true;
    }
    return false;
}

const char *msoc_ingest_format_name(msoc_ingest_format f)
{
    static const char *const names[] = {"auto", "ndjson", "defender", "la-json", "csv"};
    return (unsigned)f < 5 ? names[f] : "?";
}

/* ---- small helpers ---- */

static bool str_is(const ing_jval *v, const char *lit)
{
    size_t n = strlen(lit);
    return v->len == n && memcmp(v->p, lit, n) == 0;
}

static bool is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The text of a string-ish value (STR unescaped, CSV unquoted) appended to out;
 * returns a view that is valid until out changes. */
static msoc_str text_of(const ing_jval *v, msoc_buf *out)
{
    if (v->kind == ING_J_STR && v->has_esc) {
        size_t at = out->len;
        msoc_ingest__json_unescape(v->p, v->len, out);
        return msoc_str_make(out->data + at, out->len - at);
    }
    if (v->kind == ING_CSV && v->has_esc) {
        size_t at = out->len;
        for (size_t i = 0; i < v->len; i++) {
            msoc_buf_putc(out, v->p[i]);
            if (v->p[i] == '"' && i + 1 < v->len && v->p[i + 1] == '"')
                i++;
        }
        return msoc_str_make(out->data + at, out->len - at);
    }
    return msoc_str_make(v->p, v->len);
}

static bool is_stringish(const ing_jval *v)
{
    return v->kind == ING_J_STR || v->kind == ING_CSV;
}

/* msoc_str_trim(text_of(v, tmp)) for a string-ish v, without the copy or the calls
 * when the text has no escapes and starts and ends with a byte trim keeps (every
 * byte it removes is <= ' '). */
static inline msoc_str text_trim(const ing_jval *v, msoc_buf *tmp)
{
    if (!v->has_esc && v->len > 0 && (unsigned char)v->p[0] > ' ' &&
        (unsigned char)v->p[v->len - 1] > ' ')
        return msoc_str_make(v->p, v->len);
    tmp->len = 0;
    return msoc_str_trim(text_of(v, tmp));
}

static inline uint64_t load8(const char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "iso_fast_memo reads 8 bytes at a time as little-endian words"
#endif

/* Byte i of a little-endian 8-byte load, as a mask or a value. */
#define B8(i) ((uint64_t)0xFF << (8 * (i)))
#define V8(i, c) ((uint64_t)(unsigned char)(c) << (8 * (i)))
#define ALL8(b) ((uint64_t)(b) * 0x0101010101010101ull)

/* Whether the bytes of x that mask m selects are all ASCII digits: their high
 * nibble is 3, and adding 6 keeps it 3 (a byte that could carry fails the first). */
static inline bool digits8(uint64_t x, uint64_t m)
{
    return (x & (m & ALL8(0xF0))) == (m & ALL8(0x30)) &&
           ((x + (m & ALL8(0x06))) & (m & ALL8(0xF0))) == (m & ALL8(0x30));
}

/* The value of 8 ASCII digits (the first in the lowest byte). */
static inline uint32_t digits8_value(uint64_t x)
{
    x -= ALL8('0');
    x = x * 10 + (x >> 8);
    x = (((x & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
         (((x >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >> 32;
    return (uint32_t)x;
}

/* "YYYY-MM-DDTHH:MM:SS[.f+][Z]" without the general parser (false to fall back), with
 * the date's midnight remembered in m: the rows of a file mostly share their dates.
 * The fixed part is checked 8 bytes at a time, as is a 7-digit fraction. */
static bool iso_fast_memo(day_memo *m, const char *s, size_t n, msoc_datetime *out)
{
    if (n < 19)
        return false;
    uint64_t a = load8(s), b = load8(s + 8), c = load8(s + 11);
    /* a: "YYYY-MM-", b: "DDTHH:MM", c: "HH:MM:SS" (s[11..18]). */
    if ((a & (B8(4) | B8(7))) != (V8(4, '-') | V8(7, '-')) ||
        (c & (B8(2) | B8(5))) != (V8(2, ':') | V8(5, ':')) ||
        (s[10] != 'T' && s[10] != ' ') ||
        !digits8(a, B8(0) | B8(1) | B8(2) | B8(3) | B8(5) | B8(6)) || !digits8(b, B8(0) | B8(1)) ||
        !digits8(c, B8(0) | B8(1) | B8(3) | B8(4) | B8(6) | B8(7)))
        return false;
    msoc_datetime day;
    if (m->is_set && memcmp(s, m->text, 10) == 0) {
        day = m->midnight;
    } else {
        msoc_civil cv = {0};
        cv.year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        cv.month = (s[5] - '0') * 10 + (s[6] - '0');
        cv.day = (s[8] - '0') * 10 + (s[9] - '0');
        if (!msoc_civil_valid(&cv))
            return false;
        day = msoc_datetime_from_civil(&cv);
        memcpy(m->text, s, 10);
        m->midnight = day;
        m->is_set = true;
    }
    int hour = (s[11] - '0') * 10 + (s[12] - '0');
    int minute = (s[14] - '0') * 10 + (s[15] - '0');
    int second = (s[17] - '0') * 10 + (s[18] - '0');
    if (hour > 23 || minute > 59 || second > 59)
        return false;
    int64_t frac = 0;
    size_t i = 19;
    if (n >= 27 && s[19] == '.' && (n == 27 || s[27] < '0' || s[27] > '9')) {
        /* Exactly 7 digits (ticks): s[20..26], read as "0" + them. */
        uint64_t f = (load8(s + 19) & ~B8(0)) | V8(0, '0');
        if (!digits8(f, ALL8(0xFF)))
            return false;
        frac = digits8_value(f);
        i = 27;
    } else if (i < n && s[i] == '.') {
        i++;
        int nd = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (nd < 7) {
                frac = frac * 10 + (s[i] - '0');
                nd++;
            }
            i++;
        }
        if (nd == 0)
            return false;
        while (nd < 7) {
            frac *= 10;
            nd++;
        }
    }
    if (i < n && s[i] == 'Z')
        i++;
    if (i != n)
        return false;
    *out = day + hour * MSOC_TICKS_PER_HOUR + minute * MSOC_TICKS_PER_MINUTE +
           second * MSOC_TICKS_PER_SECOND + frac;
    return true;
}

/* iso_fast_memo without a memo (type inference, the fallback parse). */
static bool iso_fast(const char *s, size_t n, msoc_datetime *out)
{
    day_memo m = {0};
    return iso_fast_memo(&m, s, n, out);
}

static bool parse_datetime(msoc_str t, msoc_datetime *out)
{
    if (iso_fast(t.ptr, t.len, out))
        return true;
    return msoc_datetime_parse_fast(t.ptr, t.len, out) && *out != MSOC_TIME_NULL;
}

static bool parse_guid(msoc_str t, char *out)
{
    if (t.len == 38 && t.ptr[0] == '{' && t.ptr[37] == '}')
        t = msoc_str_make(t.ptr + 1, 36);
    if (t.len != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        char c = t.ptr[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
        out[i] = msoc_ascii_lower(c);
    }
    return true;
}

/* ---- value conversion ---- */

static bool reject_type(worker *w, const char *col, msoc_type t, const ing_jval *v)
{
    int n = v->len > 60 ? 60 : (int)v->len;
    snprintf(w->reason, sizeof w->reason, "column %s: cannot store %s%.*s%s as %s", col,
             is_stringish(v) ? "\"" : "", n, v->p, v->len > 60 ? "..." : (is_stringish(v) ? "\"" : ""),
             msoc_type_name(t));
    return false;
}

/* Column idx's text is at scratch offset at (scratch may move until the row is
 * complete; bind_row turns the offsets into pointers). */
static inline void scr_mark(worker *w, size_t idx, size_t at)
{
    if (w->scr_off[idx] == SIZE_MAX)
        w->scr_list[w->n_scr++] = idx;
    w->scr_off[idx] = at;
}

/* Stores text (in scratch when it lives there) as the string value of column idx. */
static void set_scratch_str(worker *w, size_t idx, size_t at)
{
    w->vals[idx].is_null = false;
    scr_mark(w, idx, at);
    w->vals[idx].v.s.len = w->scratch.len - at;
}

static void set_str(worker *w, size_t idx, msoc_str s, bool is_in_scratch)
{
    w->vals[idx].is_null = false;
    if (is_in_scratch) {
        scr_mark(w, idx, (size_t)(s.ptr - w->scratch.data));
        w->vals[idx].v.s.len = s.len;
    } else {
        w->scr_off[idx] = SIZE_MAX;
        w->vals[idx].v.s.ptr = s.ptr;
        w->vals[idx].v.s.len = s.len;
    }
}

static bool convert(worker *w, const msoc_stor_column *col, size_t idx, const ing_jval *v)
{
    msoc_stor_value *out = &w->vals[idx];
    msoc_type t = col->type;
    out->is_null = true;
    w->scr_off[idx] = SIZE_MAX;
    if (v->kind == ING_J_NULL) {
        if (t == MSOC_TYPE_STRING)
            set_str(w, idx, msoc_str_make("", 0), false);
        return true;
    }
    switch (t) {
    case MSOC_TYPE_STRING: {
        if (is_stringish(v)) {
            bool is_esc = v->has_esc;
            size_t at = w->scratch.len;
            msoc_str s = text_of(v, &w->scratch);
            if (is_esc) {
                set_str(w, idx, msoc_str_make(w->scratch.data + at, s.len), true);
                scr_mark(w, idx, at);
            } else {
                set_str(w, idx, s, false);
            }
        } else if (v->kind == ING_J_OBJ || v->kind == ING_J_ARR) {
            size_t at = w->scratch.len;
            msoc_ingest__json_compact(v->p, v->len, &w->scratch);
            set_scratch_str(w, idx, at);
        } else {
            set_str(w, idx, msoc_str_make(v->p, v->len), false);
        }
        return true;
    }
    case MSOC_TYPE_LONG:
    case MSOC_TYPE_INT: {
        int64_t x;
        msoc_str s = msoc_str_make(v->p, v->len);
        if (v->kind == ING_J_INT && v->len <= 18) {
            /* A validated JSON integer (-?(0|[1-9][0-9]*)) of at most 18 bytes
             * cannot overflow: no checks per digit. */
            const char *d = v->p, *e = v->p + v->len;
            bool is_neg = *d == '-';
            d += is_neg;
            uint64_t u = 0;
            while (d < e)
                u = u * 10 + (uint64_t)(*d++ - '0');
            x = is_neg ? -(int64_t)u : (int64_t)u;
            if (t == MSOC_TYPE_INT && (x < INT32_MIN || x > INT32_MAX))
                return reject_type(w, col->name, t, v);
            out->is_null = false;
            out->v.i64 = x;
            return true;
        }
        if (is_stringish(v)) {
            w->tmp.len = 0;
            s = msoc_str_trim(text_of(v, &w->tmp));
            if (s.len == 0)
                return true;
        } else if (v->kind != ING_J_INT && v->kind != ING_J_NUM) {
            return reject_type(w, col->name, t, v);
        }
        if (!msoc_str_to_i64(s, &x)) {
            double d;
            if (!msoc_str_to_double(s, &d) || d != d || d < -9.2e18 || d > 9.2e18 ||
                (double)(int64_t)d != d)
                return reject_type(w, col->name, t, v);
            x = (int64_t)d;
        }
        if (t == MSOC_TYPE_INT && (x < INT32_MIN || x > INT32_MAX))
            return reject_type(w, col->name, t, v);
        out->is_null = false;
        out->v.i64 = x;
        return true;
    }
    case MSOC_TYPE_REAL: {
        msoc_str s = msoc_str_make(v->p, v->len);
        if (is_stringish(v)) {
            w->tmp.len = 0;
            s = msoc_str_trim(text_of(v, &w->tmp));
            if (s.len == 0)
                return true;
            if (msoc_str_eq_c(s, "NaN")) {
                out->is_null = false;
                out->v.f64 = 0.0 / 0.0;
                return true;
            }
        } else if (v->kind != ING_J_INT && v->kind != ING_J_NUM) {
            return reject_type(w, col->name, t, v);
        }
        if (!msoc_str_to_double(s, &out->v.f64))
            return reject_type(w, col->name, t, v);
        out->is_null = false;
        return true;
    }
    case MSOC_TYPE_BOOL: {
        if (v->kind == ING_J_TRUE || v->kind == ING_J_FALSE) {
            out->is_null = false;
            out->v.b = v->kind == ING_J_TRUE;
            return true;
        }
        w->tmp.len = 0;
        msoc_str s = msoc_str_trim(text_of(v, &w->tmp));
        if (v->kind == ING_J_OBJ || v->kind == ING_J_ARR)
            return reject_type(w, col->name, t, v);
        if (s.len == 0 && is_stringish(v))
            return true;
        if (msoc_str_ieq_c(s, "true") || msoc_str_eq_c(s, "1")) {
            out->is_null = false;
            out->v.b = true;
        } else if (msoc_str_ieq_c(s, "false") || msoc_str_eq_c(s, "0")) {
            out->is_null = false;
            out->v.b = false;
        } else {
            return reject_type(w, col->name, t, v);
        }
        return true;
    }
    case MSOC_TYPE_DATETIME:
    case MSOC_TYPE_TIMESPAN: {
        if (!is_stringish(v))
            return reject_type(w, col->name, t, v);
        msoc_str s = text_trim(v, &w->tmp);
        if (s.len == 0)
            return true;
        if (t == MSOC_TYPE_DATETIME) {
            /* A row's times often repeat (Timestamp, TimeGenerated, creation times). */
            if (s.len == w->dt_len && memcmp(s.ptr, w->dt_text, s.len) == 0) {
                out->is_null = false;
                out->v.i64 = w->dt_val;
                return true;
            }
            if (!iso_fast_memo(&w->day, s.ptr, s.len, &out->v.i64) &&
                (!parse_datetime(s, &out->v.i64) || out->v.i64 == MSOC_TIME_NULL))
                return reject_type(w, col->name, t, v);
            if (s.len <= sizeof w->dt_text) {
                memcpy(w->dt_text, s.ptr, s.len);
                w->dt_len = s.len;
                w->dt_val = out->v.i64;
            }
            out->is_null = false;
            return true;
        }
        if (!msoc_timespan_parse_fast(s.ptr, s.len, &out->v.i64) || out->v.i64 == MSOC_TIME_NULL)
            return reject_type(w, col->name, t, v);
        out->is_null = false;
        return true;
    }
    case MSOC_TYPE_GUID: {
        if (!is_stringish(v))
            return reject_type(w, col->name, t, v);
        msoc_str s = text_trim(v, &w->tmp);
        if (s.len == 0)
            return true;
        size_t at = w->scratch.len;
        char *g = msoc_buf_reserve(&w->scratch, 36);
        if (g == NULL || !parse_guid(s, g))
            return reject_type(w, col->name, t, v);
        w->scratch.len += 36;
        set_scratch_str(w, idx, at);
        return true;
    }
    case MSOC_TYPE_DYNAMIC: {
        size_t at = w->scratch.len;
        if (v->kind == ING_J_OBJ || v->kind == ING_J_ARR) {
            msoc_ingest__json_compact(v->p, v->len, &w->scratch);
        } else if (is_stringish(v)) {
            /* JSON-encoded strings (Defender streaming, CSV exports) become values. */
            w->tmp.len = 0;
            msoc_str s = text_of(v, &w->tmp);
            msoc_str tr = msoc_str_trim(s);
            ing_jval inner;
            const char *why;
            const char *e = NULL;
            if (tr.len > 0 && (tr.ptr[0] == '{' || tr.ptr[0] == '['))
                e = msoc_ingest__json_value(tr.ptr, tr.ptr + tr.len, &inner, &why);
            if (e != NULL && msoc_ingest__json_only_ws(e, tr.ptr + tr.len))
                msoc_ingest__json_compact(inner.p, inner.len, &w->scratch);
            else if (s.len == 0 && v->kind == ING_CSV)
                return true;
            else
                msoc_buf_append_json_str(&w->scratch, s.ptr, s.len);
        } else {
            msoc_buf_append(&w->scratch, v->p, v->len);
        }
        set_scratch_str(w, idx, at);
        return true;
    }
    case MSOC_TYPE_DECIMAL: {
        w->tmp.len = 0;
        msoc_str s = is_stringish(v) ? msoc_str_trim(text_of(v, &w->tmp))
                                     : msoc_str_make(v->p, v->len);
        double d;
        if (s.len == 0)
            return true;
        if (!msoc_str_to_double(s, &d))
            return reject_type(w, col->name, t, v);
        size_t at = w->scratch.len;
        msoc_buf_append(&w->scratch, s.ptr, s.len);
        set_scratch_str(w, idx, at);
        return true;
    }
    default:
        return reject_type(w, col->name, t, v);
    }
}

/* ---- groups (one appender per tenant/workspace/table per worker) ---- */

/* What bind_row does with a member bound to a column. */
enum {
    BIND_STRING,   /* a STRING column: an unescaped JSON string is stored as a view */
    BIND_SKIP,     /* TenantId/WorkspaceId: the partition, never stored per row */
    BIND_CONVERT,  /* every other column: convert() */
};

static void group_free(group *g)
{
    if (g == NULL)
        return;
    msoc_stor_appender_close(g->ap);
    msoc_hashmap_fini(&g->cols);
    msoc_free(g->name_lens);
    msoc_free(g->pos_cache);
    msoc_free(g->blank);
    msoc_free(g->col_kind);
    msoc_free(g->tenant);
    msoc_free(g->workspace);
    msoc_free(g->table);
    msoc_free(g);
}

static void group_bind_def(group *g, const msoc_stor_table_def *def)
{
    msoc_hashmap_fini(&g->cols);
    msoc_free(g->name_lens);
    g->def = def;
    msoc_hashmap_init(&g->cols, NULL, 0);
    g->name_lens = msoc_malloc((def->n_cols + 1) * sizeof *g->name_lens);
    g->ts_col = g->tenant_col = g->ws_col = -1;
    for (size_t i = 0; i < def->n_cols; i++) {
        g->name_lens[i] = strlen(def->cols[i].name);
        msoc_hashmap_put(&g->cols, def->cols[i].name, g->name_lens[i], (void *)(uintptr_t)(i + 1));
        if (def->cols[i].flags & MSOC_STOR_COL_TENANT)
            g->tenant_col = (int)i;
        if (def->cols[i].flags & MSOC_STOR_COL_WORKSPACE)
            g->ws_col = (int)i;
    }
    if (def->timestamp_col != NULL && def->timestamp_col[0] != '\0')
        g->ts_col = msoc_stor_table_col_index(def, def->timestamp_col, strlen(def->timestamp_col));
    for (size_t i = 0; i < g->n_pos; i++)
        g->pos_cache[i] = -2;
    g->is_custom = def->source == MSOC_STOR_SRC_CUSTOM;
    msoc_free(g->blank);
    g->blank = msoc_calloc(def->n_cols + 1, sizeof *g->blank);
    msoc_free(g->col_kind);
    g->col_kind = msoc_malloc(def->n_cols + 1);
    for (size_t i = 0; i < def->n_cols; i++)
        g->col_kind[i] = (int)i == g->tenant_col || (int)i == g->ws_col ? BIND_SKIP
                         : def->cols[i].type == MSOC_TYPE_STRING        ? BIND_STRING
                                                                        : BIND_CONVERT;
    for (size_t i = 0; i < def->n_cols; i++) {
        g->blank[i].is_null = def->cols[i].type != MSOC_TYPE_STRING;
        if (!g->blank[i].is_null)
            g->blank[i].v.s.ptr = "";
    }
}

static void worker_vals(worker *w, size_t n)
{
    if (n <= w->cap_vals)
        return;
    w->vals = msoc_realloc(w->vals, n * sizeof *w->vals);
    w->scr_off = msoc_realloc(w->scr_off, n * sizeof *w->scr_off);
    for (size_t i = w->cap_vals; i < n; i++)
        w->scr_off[i] = SIZE_MAX;
    w->cap_vals = n;
}

/* A custom column name from a JSON key: [A-Za-z0-9_], others become '_'. */
static msoc_str sanitize_key(msoc_str k, msoc_buf *out)
{
    size_t at = out->len;
    for (size_t i = 0; i < k.len; i++)
        msoc_buf_putc(out, is_ident_char(k.ptr[i]) ? k.ptr[i] : '_');
    if (k.len == 0)
        msoc_buf_putc(out, '_');
    return msoc_str_make(out->data + at, out->len - at);
}

static const char *infer_type(const ing_jval *v)
{
    switch (v->kind) {
    case ING_J_INT: return "long";
    case ING_J_NUM: return "real";
    case ING_J_TRUE:
    case ING_J_FALSE: return "bool";
    case ING_J_OBJ:
    case ING_J_ARR: return "dynamic";
    case ING_J_NULL: return NULL;
    default: {
        msoc_datetime dt;
        if (v->kind == ING_J_STR && v->len >= 19 && !v->has_esc && iso_fast(v->p, v->len, &dt))
            return "datetime";
        return "string";
    }
    }
}

/* Creates or extends custom table name with the row's unknown fields. */
static msoc_status extend_custom(worker *w, const char *name, const msoc_stor_table_def *def,
                                 const msoc_stor_table_def **out, msoc_error *err)
{
    msoc_buf spec;
    msoc_buf_init(&spec, (size_t)16 << 20);
    msoc_buf_appendf(&spec, "%s (", name);
    size_t n_new = 0;
    for (size_t i = 0; i < w->fields.n; i++) {
        const field *f = &MSOC_VEC_AT(&w->fields, field, i);
        const char *ty = infer_type(&f->val);
        if (ty == NULL)
            continue;
        w->keybuf.len = 0;
        msoc_str k = text_of(&f->key, &w->keybuf);
        msoc_str sk = sanitize_key(k, &w->keybuf);
        if (def != NULL && msoc_stor_table_col_index(def, sk.ptr, sk.len) >= 0)
            continue;
        if (msoc_str_eq_c(sk, "TenantId") || msoc_str_eq_c(sk, "WorkspaceId"))
            continue;
        if (msoc_str_eq_c(sk, "TimeGenerated"))
            ty = "datetime";
        /* A key repeated after sanitising is listed once. */
        bool is_dup = false;
        for (size_t j = 0; j < i && !is_dup; j++) {
            const field *o = &MSOC_VEC_AT(&w->fields, field, j);
            msoc_buf kb;
            msoc_buf_init(&kb, 1 << 20);
            msoc_str ok = text_of(&o->key, &kb);
            msoc_buf kb2;
            msoc_buf_init(&kb2, 1 << 20);
            msoc_str osk = sanitize_key(ok, &kb2);
            is_dup = msoc_str_eq(osk, sk) && infer_type(&o->val) != NULL;
            msoc_buf_fini(&kb);
            msoc_buf_fini(&kb2);
        }
        if (is_dup)
            continue;
        msoc_buf_appendf(&spec, "%s%.*s:%s", n_new ? ", " : "", (int)sk.len, sk.ptr, ty);
        n_new++;
    }
    msoc_buf_putc(&spec, ')');
    msoc_status st = MSOC_OK;
    if (n_new == 0 && def != NULL)
        *out = def;
    else
        st = msoc_stor_table_create(w->job->db, spec.data, spec.len, out, err);
    msoc_buf_fini(&spec);
    return st;
}

/* ---- one row ---- */

typedef struct route {
    msoc_str table, tenant, workspace;  /* from the row (may be empty) */
    msoc_datetime fallback_time;        /* envelope time, MSOC_TIME_NULL if none */
} route;

static bool reject(worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool reject(worker *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->reason, sizeof w->reason, fmt, ap);
    va_end(ap);
    return false;
}

static bool span_is(msoc_str s, const char *p, size_t len)
{
    return s.len == len && (len == 0 || memcmp(s.ptr, p, len) == 0);
}

static void memo_put(msoc_str s, char *dst, size_t *len)
{
    *len = s.len;
    if (s.len > 0)
        memcpy(dst, s.ptr, s.len);
}

static bool get_group_slow(worker *w, const route *r, group **out);

/* The row's tenant/workspace/table appender. Consecutive rows usually route alike:
 * the answer for the same routing fields is remembered (it depends on nothing else). */
static bool get_group(worker *w, const route *r, group **out)
{
    route_memo *m = &w->memo;
    if (m->is_valid && span_is(r->tenant, m->tenant, m->tenant_len) &&
        span_is(r->table, m->table, m->table_len) && span_is(r->workspace, m->ws, m->ws_len)) {
        *out = m->g;
        return true;
    }
    if (!get_group_slow(w, r, out))
        return false;
    m->is_valid = r->table.len < sizeof m->table && r->tenant.len < sizeof m->tenant &&
                  r->workspace.len < sizeof m->ws;
    if (m->is_valid) {
        memo_put(r->table, m->table, &m->table_len);
        memo_put(r->tenant, m->tenant, &m->tenant_len);
        memo_put(r->workspace, m->ws, &m->ws_len);
        m->g = *out;
    }
    return true;
}

static bool get_group_slow(worker *w, const route *r, group **out)
{
    job *j = w->job;
    const msoc_ingest_opts *o = j->o;
    char table[256], tenant[256], ws[256];
    if (o->table != NULL) {
        snprintf(table, sizeof table, "%s", o->table);
    } else if (r->table.len > 0 && r->table.len < sizeof table) {
        memcpy(table, r->table.ptr, r->table.len);
        table[r->table.len] = '\0';
    } else if (j->file_table[0] != '\0') {
        snprintf(table, sizeof table, "%s", j->file_table);
    } else {
        return reject(w, "no table: pass --table, give each row a Type field or name the file "
                         "<Table>.ndjson");
    }
    if (r->tenant.len >= sizeof tenant)
        return reject(w, "TenantId is too long");
    char row_tenant[256];
    memcpy(row_tenant, r->tenant.ptr != NULL ? r->tenant.ptr : "", r->tenant.len);
    row_tenant[r->tenant.len] = '\0';
    if (o->tenant != NULL) {
        if (r->tenant.len > 0 && strcmp(row_tenant, o->tenant) != 0)
            return reject(w, "TenantId %s does not match the target tenant %s", row_tenant,
                          o->tenant);
        snprintf(tenant, sizeof tenant, "%s", o->tenant);
    } else {
        if (r->tenant.len == 0)
            return reject(w, "no TenantId in the row (pass --tenant)");
        snprintf(tenant, sizeof tenant, "%s", row_tenant);
    }
    const msoc_stor_table_def *def = msoc_stor_table_find(j->db, table, strlen(table));
    size_t tl = strlen(table);
    bool is_cl = tl > 3 && strcmp(table + tl - 3, "_CL") == 0;
    if (def == NULL && !is_cl)
        return reject(w, "unknown table %s (custom tables end in _CL or are created first)",
                      table);
    bool is_defender = def != NULL && def->source == MSOC_STOR_SRC_DEFENDER;
    if (is_defender) {
        snprintf(ws, sizeof ws, "%s", MSOC_STOR_DEFENDER_WORKSPACE);
    } else {
        char row_ws[256];
        if (r->workspace.len >= sizeof row_ws)
            return reject(w, "WorkspaceId is too long");
        memcpy(row_ws, r->workspace.ptr != NULL ? r->workspace.ptr : "", r->workspace.len);
        row_ws[r->workspace.len] = '\0';
        if (o->workspace != NULL) {
            if (r->workspace.len > 0 && strcmp(row_ws, o->workspace) != 0)
                return reject(w, "WorkspaceId %s does not match the target workspace %s", row_ws,
                              o->workspace);
            snprintf(ws, sizeof ws, "%s", o->workspace);
        } else if (r->workspace.len > 0) {
            snprintf(ws, sizeof ws, "%s", row_ws);
        } else {
            return reject(w, "table %s is workspace data: pass --workspace or give a WorkspaceId",
                          table);
        }
    }
    char key[800];
    int kl = snprintf(key, sizeof key, "%s/%s/%s", tenant, ws, table);
    void **slot = msoc_hashmap_get(&w->groups, key, (size_t)kl);
    if (slot != NULL) {
        *out = *slot;
        return true;
    }
    msoc_error err;
    msoc_error_clear(&err);
    if (def == NULL) {
        if (extend_custom(w, table, NULL, &def, &err) != MSOC_OK)
            return reject(w, "%s", err.msg);
    }
    msoc_stor_appender *ap;
    if (msoc_stor_appender_open(j->db, tenant, ws, def->name, &ap, &err) != MSOC_OK)
        return reject(w, "%s", err.msg);
    msoc_stor_appender_set_pool(ap, w->rows);
    group *g = msoc_calloc(1, sizeof *g);
    g->tenant = msoc_strdup(tenant);
    g->workspace = msoc_strdup(ws);
    g->table = msoc_strdup(table);
    g->ap = ap;
    g->n_pos = MAX_FIELDS;
    g->pos_cache = msoc_malloc(g->n_pos * sizeof *g->pos_cache);
    msoc_hashmap_init(&g->cols, NULL, 0);
    group_bind_def(g, msoc_stor_appender_def(ap));
    msoc_hashmap_put(&w->groups, key, (size_t)kl, g);
    *out = g;
    return true;
}

static int lookup_col(worker *w, group *g, size_t pos, const ing_jval *key)
{
    if (pos < g->n_pos && g->pos_cache[pos] >= 0 && !key->has_esc) {
        int c = g->pos_cache[pos];
        if (g->name_lens[c] == key->len && memcmp(g->def->cols[c].name, key->p, key->len) == 0)
            return c;
    }
    w->keybuf.len = 0;
    msoc_str k = text_of(key, &w->keybuf);
    if (g->is_custom)
        k = sanitize_key(k, &w->keybuf);
    void **slot = msoc_hashmap_get(&g->cols, k.ptr, k.len);
    int c = slot != NULL ? (int)((uintptr_t)*slot - 1) : -1;
    if (pos < g->n_pos && c >= 0)
        g->pos_cache[pos] = c;
    return c;
}

static msoc_status commit_group(worker *w, group *g, msoc_error *err)
{
    if (msoc_stor_appender_pending(g->ap) == 0)
        return MSOC_OK;
    size_t n = msoc_stor_appender_pending(g->ap);
    msoc_status st = msoc_stor_appender_commit(g->ap, err);
    if (st == MSOC_OK)
        w->n_stored += n;
    return st;
}

/* Binds the fields in w->fields to g's columns and appends the row. Returns
 * false with w->reason for a rejected row; *st holds a storage failure. */
static bool bind_row(worker *w, group *g, const route *r, group *hint, msoc_status *st,
                     msoc_error *err)
{
    if (w->fields.n > w->cap_hint_cols) {
        w->hint_cols = msoc_realloc(w->hint_cols, w->fields.n * sizeof *w->hint_cols);
        w->cap_hint_cols = w->fields.n;
    }
    if (w->fields.n > w->cap_scr) { /* a column is listed at most once per member */
        w->scr_list = msoc_realloc(w->scr_list, w->fields.n * sizeof *w->scr_list);
        w->cap_scr = w->fields.n;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        const msoc_stor_table_def *def = g->def;
        /* Rows of one file usually repeat their keys in the same order: a member whose
         * key bytes equal the previous row's (is_same_key) takes its column from it. */
        bool can_hint = attempt == 0 && hint == g && w->hint_def == def;
        worker_vals(w, def->n_cols + 1);
        memcpy(w->vals, g->blank, def->n_cols * sizeof *w->vals);
        /* scr_off is SIZE_MAX everywhere but where the last row set it. */
        for (size_t k = 0; k < w->n_scr; k++)
            w->scr_off[w->scr_list[k]] = SIZE_MAX;
        w->n_scr = 0;
        w->scratch.len = 0;
        bool has_unknown = false;
        const uint8_t *kind = g->col_kind;
        /* In locals: the stores into vals (size_t lengths) would otherwise make the
         * compiler reload every worker field they might alias, each member. */
        const field *fs = w->fields.data;
        size_t n_fields = w->fields.n;
        size_t n_hint = can_hint ? w->n_hint_cols : 0;
        int *hint_cols = w->hint_cols;
        msoc_stor_value *vals = w->vals;
        size_t *scr_off = w->scr_off;
        for (size_t i = 0; i < n_fields; i++) {
            const field *f = &fs[i];
            int c;
            if (i < n_hint && f->is_same_key) {
                c = hint_cols[i]; /* and hint_cols[i] stays */
            } else {
                c = lookup_col(w, g, i, &f->key);
                hint_cols[i] = c;
            }
            if (c < 0) {
                if (g->is_custom && f->val.kind != ING_J_NULL)
                    has_unknown = true;
                continue;
            }
            uint8_t k = kind[c];
            if (k == BIND_STRING && f->val.kind == ING_J_STR && !f->val.has_esc) {
                /* convert()'s plain-string case, inline: a view of the input. */
                vals[c].is_null = false;
                vals[c].v.s.ptr = f->val.p;
                vals[c].v.s.len = f->val.len;
                scr_off[c] = SIZE_MAX;
                continue;
            }
            if (k == BIND_SKIP)
                continue;
            if (!convert(w, &def->cols[c], (size_t)c, &f->val))
                return false;
        }
        if (has_unknown && attempt == 0) {
            const msoc_stor_table_def *nd;
            msoc_error e2;
            msoc_error_clear(&e2);
            if (extend_custom(w, g->table, def, &nd, &e2) != MSOC_OK)
                return reject(w, "%s", e2.msg);
            if (nd != def) {
                /* The appender's columns are fixed: commit what it holds, reopen. */
                *st = commit_group(w, g, err);
                if (*st != MSOC_OK)
                    return false;
                msoc_stor_appender *ap;
                *st = msoc_stor_appender_open(w->job->db, g->tenant, g->workspace, nd->name, &ap,
                                              err);
                if (*st != MSOC_OK)
                    return false;
                msoc_stor_appender_set_pool(ap, w->rows);
                msoc_stor_appender_close(g->ap);
                g->ap = ap;
                group_bind_def(g, msoc_stor_appender_def(ap));
                continue;
            }
        }
        w->hint_group = g;
        w->hint_def = def;
        w->n_hint_cols = w->fields.n;
        if (g->ts_col >= 0 && w->vals[g->ts_col].is_null) {
            if (r->fallback_time != MSOC_TIME_NULL) {
                w->vals[g->ts_col].is_null = false;
                w->vals[g->ts_col].v.i64 = r->fallback_time;
            } else if (g->is_custom) {
                w->vals[g->ts_col].is_null = false;
                w->vals[g->ts_col].v.i64 = msoc_datetime_now();
            }
        }
        for (size_t k = 0; k < w->n_scr; k++) {
            size_t i = w->scr_list[k];
            if (w->scr_off[i] != SIZE_MAX)
                w->vals[i].v.s.ptr = w->scratch.data + w->scr_off[i];
        }
        /* add_err stays clear between failures (workers start zeroed): no memset
         * of a whole msoc_error per row. */
        if (msoc_stor_appender_add_row(g->ap, w->vals, &w->add_err) != MSOC_OK) {
            reject(w, "%s", w->add_err.msg);
            msoc_error_clear(&w->add_err);
            return false;
        }
        return true;
    }
    return reject(w, "the row's columns changed while binding");
}

static void route_one(const field *f, route *r)
{
    if (!is_stringish(&f->val) || f->val.has_esc)
        return;
    if (str_is(&f->key, "TenantId") && r->tenant.len == 0)
        r->tenant = msoc_str_make(f->val.p, f->val.len);
    else if (str_is(&f->key, "WorkspaceId"))
        r->workspace = msoc_str_make(f->val.p, f->val.len);
    else if (str_is(&f->key, "Type") && r->table.len == 0)
        r->table = msoc_str_make(f->val.p, f->val.len);
}

/* Extracts the routing fields from w->fields and notes where the routing keys
 * sit (has_route_pos). use_pos: the members' keys are those the last call saw
 * (the caller checks), so only the noted positions are looked at. */
static void route_from_fields(worker *w, route *r, bool use_pos)
{
    if (use_pos) {
        w->has_route_pos = true;
        for (size_t k = 0; k < w->n_route_pos; k++)
            route_one(&MSOC_VEC_AT(&w->fields, field, w->route_pos[k]), r);
        return;
    }
    w->n_route_pos = 0;
    w->has_route_pos = w->fields.n <= UINT16_MAX;
    for (size_t i = 0; i < w->fields.n; i++) {
        const field *f = &MSOC_VEC_AT(&w->fields, field, i);
        if (!str_is(&f->key, "TenantId") && !str_is(&f->key, "WorkspaceId") &&
            !str_is(&f->key, "Type"))
            continue;
        if (w->n_route_pos < sizeof w->route_pos / sizeof w->route_pos[0])
            w->route_pos[w->n_route_pos++] = (uint16_t)i;
        else
            w->has_route_pos = false;
        route_one(f, r);
    }
}

static bool collect_object(worker *w, const ing_jval *obj)
{
    msoc_vec_clear(&w->fields);
    ing_objit it;
    msoc_ingest__obj_begin(&it, obj);
    ing_jval k, v;
    while (msoc_ingest__obj_next(&it, &k, &v)) {
        field *f = msoc_vec_push(&w->fields);
        if (f == NULL)
            return reject(w, "more than %d fields", MAX_FIELDS);
        f->key = k;
        f->val = v;
    }
    return true;
}

/* What a JSON record may take from the record before it: the previous row's
 * members as key hints, its hint columns (only if it was bound in full) and its
 * routing positions (only if it was routed). A record takes them from the worker
 * (hints_take) and earns them back by being bound. */
typedef struct rec_hints {
    group *hint;
    bool has_route_pos;
    const ing_field *keys;
    size_t n_keys;
} rec_hints;

static void hints_take(worker *w, rec_hints *h)
{
    h->hint = w->hint_group;
    w->hint_group = NULL;
    h->has_route_pos = w->has_route_pos;
    w->has_route_pos = false;
    h->keys = NULL;
    h->n_keys = 0;
    if (w->job->fmt != MSOC_INGEST_DEFENDER) {
        msoc_vec t = w->prev_fields;
        w->prev_fields = w->fields;
        w->fields = t;
        h->keys = w->prev_fields.data;
        h->n_keys = w->prev_fields.n;
    } else {
        h->hint = NULL;
    }
}

/* Undoes hints_take for a line that turned out blank (not a record): the next
 * record sees the worker as if this line had not been looked at. */
static void hints_give_back(worker *w, const rec_hints *h)
{
    w->hint_group = h->hint;
    w->has_route_pos = h->has_route_pos;
    if (w->job->fmt != MSOC_INGEST_DEFENDER) {
        msoc_vec t = w->prev_fields;
        w->prev_fields = w->fields;
        w->fields = t;
    }
}

/* The hint keys lie in the previous object's text: when it (with 16 bytes after
 * it, so every key's last 16-byte step) and this record [p, end) are both inside
 * the job's buffer, bytes up to the buffer's end may be read. */
static const char *hints_read_end(const worker *w, const rec_hints *h, const char *p,
                                  const char *end)
{
    uintptr_t lo = (uintptr_t)w->job->data, hi = lo + w->job->len;
    if (h->n_keys > 0 && w->job->data != NULL && (uintptr_t)w->prev_obj >= lo &&
        (uintptr_t)w->prev_obj_end <= hi && hi - (uintptr_t)w->prev_obj_end >= 16 &&
        (uintptr_t)p >= lo && (uintptr_t)end <= hi)
        return w->job->data + w->job->len;
    return NULL;
}

static bool json_row_bind(worker *w, const ing_jval *obj, bool is_same_layout,
                          const rec_hints *h, msoc_status *st, msoc_error *err);

/* Parses one JSON record (NDJSON line or array element) and stores it. */
static bool do_json_record(worker *w, const char *p, size_t len, msoc_status *st, msoc_error *err)
{
    ing_jval obj;
    const char *why = NULL;
    rec_hints h;
    hints_take(w, &h);
    const char *read_end = hints_read_end(w, &h, p, p + len);
    bool is_same_layout;
    const char *e = msoc_ingest__json_object(p, p + len, &w->fields, h.keys, h.n_keys, read_end,
                                             &obj, &is_same_layout, &why);
    if (e == NULL) {
        msoc_vec_clear(&w->fields);  /* partly filled: no hints from it */
        return reject(w, "malformed JSON: %s", why);
    }
    w->prev_obj = obj.p;
    w->prev_obj_end = e;
    if (!msoc_ingest__json_only_ws(e, p + len))
        return reject(w, "malformed JSON: text after the object");
    return json_row_bind(w, &obj, is_same_layout, &h, st, err);
}

/* What an NDJSON line at p (inside a batch ending at bend) was. */
enum { LINE_BLANK, LINE_REJECTED, LINE_STORED };

/* One line of an NDJSON batch cut by bytes, whose end is not known yet: the row
 * scan finds it (msoc_ingest__json_row_line) while it parses the object. When
 * that scan does not decide, the line end is searched for and the line takes
 * exactly the path of a framed line (blank, or do_json_record), so results and
 * reasons are the same. *le: the line's '\n', or bend. */
static int do_ndjson_line(worker *w, const char *p, const char *bend, const char **le,
                          msoc_status *st, msoc_error *err)
{
    if (*p == '\n') {
        *le = p;
        return LINE_BLANK;
    }
    rec_hints h;
    hints_take(w, &h);
    ing_jval obj;
    bool is_same_layout;
    const char *e = msoc_ingest__json_row_line(p, bend, &w->fields, h.keys, h.n_keys,
                                               hints_read_end(w, &h, p, bend), &obj,
                                               &is_same_layout, le);
    if (e != NULL) {
        w->prev_obj = obj.p;
        w->prev_obj_end = e;
        return json_row_bind(w, &obj, is_same_layout, &h, st, err) ? LINE_STORED : LINE_REJECTED;
    }
    hints_give_back(w, &h);
    const char *nl = memchr(p, '\n', (size_t)(bend - p));
    *le = nl != NULL ? nl : bend;
    if (msoc_ingest__json_only_ws(p, *le))
        return LINE_BLANK; /* a line number, not a record */
    return do_json_record(w, p, (size_t)(*le - p), st, err) ? LINE_STORED : LINE_REJECTED;
}

/* The rest of a JSON record once its object is scanned: routing, then binding. */
static bool json_row_bind(worker *w, const ing_jval *obj_in, bool is_same_layout,
                          const rec_hints *h, msoc_status *st, msoc_error *err)
{
    ing_jval obj = *obj_in;
    group *hint = h->hint;
    bool has_route_pos = h->has_route_pos;
    route r = {MSOC_STR_NULL, MSOC_STR_NULL, MSOC_STR_NULL, MSOC_TIME_NULL};
    if (w->job->fmt == MSOC_INGEST_DEFENDER) {
        ing_objit it;
        msoc_ingest__obj_begin(&it, &obj);
        ing_jval k, v, props = {0};
        bool has_props = false;
        while (msoc_ingest__obj_next(&it, &k, &v)) {
            if (str_is(&k, "properties") && v.kind == ING_J_OBJ) {
                props = v;
                has_props = true;
            } else if (str_is(&k, "tenantId") && v.kind == ING_J_STR && !v.has_esc) {
                r.tenant = msoc_str_make(v.p, v.len);
            } else if (str_is(&k, "category") && v.kind == ING_J_STR && !v.has_esc) {
                msoc_str c = msoc_str_make(v.p, v.len);
                if (msoc_str_starts_with(c, MSOC_STR("AdvancedHunting-")))
                    c = msoc_str_make(c.ptr + 16, c.len - 16);
                r.table = c;
            } else if (str_is(&k, "time") && v.kind == ING_J_STR) {
                msoc_datetime t;
                if (parse_datetime(msoc_str_make(v.p, v.len), &t))
                    r.fallback_time = t;
            }
        }
        if (!has_props)
            return reject(w, "record has no properties object");
        if (!collect_object(w, &props))
            return false;
        route r2 = {MSOC_STR_NULL, MSOC_STR_NULL, MSOC_STR_NULL, MSOC_TIME_NULL};
        route_from_fields(w, &r2, false);
        if (r.tenant.len == 0)
            r.tenant = r2.tenant;
        r.workspace = r2.workspace;
    } else {
        route_from_fields(w, &r, is_same_layout && has_route_pos);
    }
    group *g;
    if (!get_group(w, &r, &g))
        return false;
    return bind_row(w, g, &r, hint, st, err);
}

/* ---- CSV ---- */

/* Splits one CSV record [p, end) into fields (ING_CSV values) in w->fields
 * keyed by the header. Returns false with a reason. */
static bool csv_fields(const char *p, const char *end, msoc_vec *out, const char **why)
{
    msoc_vec_clear(out);
    for (;;) {
        field *f = msoc_vec_push(out);
        if (f == NULL) {
            *why = "too many fields";
            return false;
        }
        f->val.kind = ING_CSV;
        f->val.has_esc = false;
        if (p < end && *p == '"') {
            const char *s = ++p;
            for (;;) {
                const char *q = memchr(p, '"', (size_t)(end - p));
                if (q == NULL) {
                    *why = "unterminated quoted field";
                    return false;
                }
                if (q + 1 < end && q[1] == '"') {
                    f->val.has_esc = true;
                    p = q + 2;
                    continue;
                }
                f->val.p = s;
                f->val.len = (size_t)(q - s);
                p = q + 1;
                break;
            }
            if (p < end && *p != ',') {
                *why = "text after a closing quote";
                return false;
            }
        } else {
            const char *q = p;
            while (q < end && *q != ',')
                q++;
            f->val.p = p;
            f->val.len = (size_t)(q - p);
            p = q;
        }
        if (p >= end)
            return true;
        p++; /* ',' */
    }
}

/* End of the CSV record starting at p (past its line end); quotes may span lines.
 * *rec_end: where its content ends (before "\r\n"). *is_complete: false when the
 * record runs into end without a line end outside quotes (more input may follow). */
static const char *csv_record_end(const char *p, const char *end, const char **rec_end,
                                  bool *is_complete)
{
    bool is_quoted = false;
    *is_complete = false;
    while (p < end) {
        if (is_quoted) {
            const char *q = memchr(p, '"', (size_t)(end - p));
            if (q == NULL) {
                p = end;
                break;
            }
            if (q + 1 < end && q[1] == '"') {
                p = q + 2;
                continue;
            }
            is_quoted = false;
            p = q + 1;
            continue;
        }
        const char *nl = p;
        while (nl < end && *nl != '\n' && *nl != '"')
            nl++;
        if (nl < end && *nl == '"') {
            is_quoted = true;
            p = nl + 1;
            continue;
        }
        *rec_end = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
        if (nl < end && nl > p - 1 && nl[-1] == '\r')
            *rec_end = nl - 1;
        *is_complete = nl < end;
        return nl < end ? nl + 1 : end;
    }
    *rec_end = end;
    return end;
}

static bool do_csv_record(worker *w, const char *p, const char *e, msoc_status *st,
                          msoc_error *err)
{
    const char *why = NULL;
    msoc_vec vals;
    msoc_vec_init(&vals, sizeof(field), MAX_FIELDS);
    bool is_ok = csv_fields(p, e, &vals, &why);
    if (is_ok && vals.n != w->job->n_hdr) {
        reject(w, "row has %zu fields, the header has %zu", vals.n, w->job->n_hdr);
        is_ok = false;
    } else if (!is_ok) {
        reject(w, "%s", why);
    }
    if (is_ok) {
        msoc_vec_clear(&w->fields);
        for (size_t i = 0; i < vals.n; i++) {
            field *f = msoc_vec_push(&w->fields);
            f->key = w->job->hdr[i].val;
            f->key.kind = ING_J_STR;
            f->key.has_esc = false;
            f->val = MSOC_VEC_AT(&vals, field, i).val;
        }
        route r = {MSOC_STR_NULL, MSOC_STR_NULL, MSOC_STR_NULL, MSOC_TIME_NULL};
        route_from_fields(w, &r, false);
        group *g;
        is_ok = get_group(w, &r, &g) && bind_row(w, g, &r, NULL, st, err);
    }
    msoc_vec_fini(&vals);
    return is_ok;
}

/* ---- batches ---- */

/* Notes a rejected row; it is reported with its batch (report_done). */
static void emit_reject(worker *w, size_t row)
{
    w->n_rejected++;
    if (w->job->o->on_reject == NULL)
        return;
    size_t n = strlen(w->reason);
    msoc_buf_append(&w->rej, &row, sizeof row);
    msoc_buf_append(&w->rej, &n, sizeof n);
    msoc_buf_append(&w->rej, w->reason, n);
}

/* Calls on_reject for each rejection of a batch, then on_ack (caller holds mu),
 * turning its row numbers (from 1 in the batch) into the input's. */
static void report_done(job *j, const done_batch *d)
{
    size_t base = j->reported_rows;
    j->reported_rows += d->n_lines;
    for (size_t at = 0; at + 2 * sizeof(size_t) <= d->rej_len;) {
        size_t row, n;
        memcpy(&row, d->rej + at, sizeof row);
        memcpy(&n, d->rej + at + sizeof row, sizeof n);
        at += 2 * sizeof(size_t);
        char reason[REASON_CAP];
        memcpy(reason, d->rej + at, n < REASON_CAP ? n : REASON_CAP - 1);
        reason[n < REASON_CAP ? n : REASON_CAP - 1] = '\0';
        at += n;
        msoc_ingest_reject rj = {j->source, base + row, reason};
        j->o->on_reject(j->o->ud, &rj);
    }
    if (d->has_ack) {
        msoc_ingest_ack a = d->ack;
        a.first_row += base;
        a.last_row += base;
        j->o->on_ack(j->o->ud, &a);
    }
}

/* A batch finished (caller holds mu): reports it and the waiting batches after it
 * when every earlier batch is reported, else keeps it waiting. Its rejections are
 * w->rej, or d->rej (owned) when w is NULL (from the committer). */
static void batch_done(job *j, worker *w, done_batch *d)
{
    if (d->seq != j->next_report) {
        if (w != NULL)
            d->rej = msoc_buf_steal(&w->rej, &d->rej_len);
        if (msoc_vec_append(&j->done, d) != MSOC_OK)
            msoc_free(d->rej); /* cannot happen: at most one waiting batch per seq */
        return;
    }
    if (w != NULL) {
        d->rej = w->rej.data;
        d->rej_len = w->rej.len;
    }
    report_done(j, d);
    if (w != NULL)
        msoc_buf_reset(&w->rej);
    else
        msoc_free(d->rej);
    j->next_report++;
    for (size_t i = 0; i < j->done.n;) {
        done_batch *q = &MSOC_VEC_AT(&j->done, done_batch, i);
        if (q->seq != j->next_report) {
            i++;
            continue;
        }
        report_done(j, q);
        msoc_free(q->rej);
        *q = MSOC_VEC_AT(&j->done, done_batch, j->done.n - 1);
        j->done.n--;
        j->next_report++;
        i = 0;
    }
}

/* A batch handed to the committer: its report, and its commits not yet durable. */
typedef struct commit_item {
    done_batch d;
    msoc_stor_pending **ps;
    size_t n_ps;
    size_t n_rows;             /* rows in ps (counted as stored; taken back on failure) */
} commit_item;

/* Starts g's commit: a WAL commit is durable on return (n_stored); a bulk one is
 * written and joins pend (msoc_stor_pending *), its rows in *pend_rows. */
static msoc_status commit_group_start(worker *w, group *g, msoc_vec *pend, size_t *pend_rows,
                                      msoc_error *err)
{
    size_t n = msoc_stor_appender_pending(g->ap);
    if (n == 0)
        return MSOC_OK;
    msoc_stor_pending *p = NULL;
    msoc_status st = msoc_stor_appender_commit_start(g->ap, &p, err);
    if (st != MSOC_OK)
        return st;
    if (p == NULL) {
        w->n_stored += n;
    } else if (msoc_vec_append(pend, &p) != MSOC_OK) {
        msoc_stor_pending_abort(p);
        return msoc_fail(err, MSOC_LIMIT, "too many commits in one batch");
    } else {
        *pend_rows += n;
    }
    return MSOC_OK;
}

/* A queued batch whose extents did not become durable (caller holds mu): it is
 * not acknowledged, its rows are not counted as stored, and the job keeps its
 * first error. */
static void item_failed(job *j, commit_item *it, msoc_status st, const msoc_error *err)
{
    it->d.has_ack = false;
    j->stats.n_stored -= it->n_rows;
    if (j->st == MSOC_OK) {
        j->st = st;
        j->err = *err;
    }
}

/* The committer thread: takes every batch queued so far, makes all their extents
 * durable together (one directory fsync per table for the lot), then reports
 * them (batch_done keeps the input order). */
static void *committer_main(void *arg)
{
    job *j = arg;
    pthread_mutex_lock(&j->mu);
    for (;;) {
        while (j->cq.n == 0 && !j->is_cq_stop)
            pthread_cond_wait(&j->cq_cv, &j->mu);
        if (j->cq.n == 0)
            break;
        size_t n_items = j->cq.n, n_ps = 0;
        commit_item *items = msoc_malloc(n_items * sizeof *items);
        memcpy(items, j->cq.data, n_items * sizeof *items);
        j->cq.n = 0;
        pthread_cond_broadcast(&j->cq_cv);
        pthread_mutex_unlock(&j->mu);
        for (size_t i = 0; i < n_items; i++)
            n_ps += items[i].n_ps;
        msoc_stor_pending **ps = msoc_malloc((n_ps + 1) * sizeof *ps);
        n_ps = 0;
        for (size_t i = 0; i < n_items; i++)
            for (size_t k = 0; k < items[i].n_ps; k++)
                ps[n_ps++] = items[i].ps[k];
        msoc_error err;
        msoc_error_clear(&err);
        msoc_status st = msoc_stor_pending_finish(ps, n_ps, &err);
        msoc_free(ps);
        pthread_mutex_lock(&j->mu);
        for (size_t i = 0; i < n_items; i++) {
            commit_item *it = &items[i];
            if (st != MSOC_OK)
                item_failed(j, it, st, &err);
            batch_done(j, NULL, &it->d);
            msoc_free(it->ps);
        }
        msoc_free(items);
    }
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

/* Starts the committer; without it (pthread_create failed) workers finish their
 * own commits. */
static void committer_start(job *j)
{
    msoc_vec_init(&j->cq, sizeof(commit_item), (size_t)1 << 20);
    pthread_cond_init(&j->cq_cv, NULL);
    j->has_cq = pthread_create(&j->cq_thread, NULL, committer_main, j) == 0;
}

/* After the workers: lets the committer drain its queue and joins it. */
static void committer_stop(job *j)
{
    if (j->has_cq) {
        pthread_mutex_lock(&j->mu);
        j->is_cq_stop = true;
        pthread_cond_broadcast(&j->cq_cv);
        pthread_mutex_unlock(&j->mu);
        pthread_join(j->cq_thread, NULL);
    }
    pthread_cond_destroy(&j->cq_cv);
    msoc_vec_fini(&j->cq);
}

/* Parses, stores, commits and acknowledges one batch on worker w. */
static void run_batch(job *j, worker *w, const batch *b)
{
    w->n_stored = w->n_rejected = w->n_rows = 0;
    /* The key hints point into the previous row; a streamed input has since
     * overwritten the bytes of this worker's previous batch: start without them. */
    msoc_vec_clear(&w->fields);
    w->hint_group = NULL;
    msoc_status st = MSOC_OK;
    msoc_error err;
    msoc_error_clear(&err);
    /* Row numbers from 1 in the batch (report_done adds the rows before it). */
    size_t row = 1, last_row = 1, n_lines;
    if (b->is_lines) {
        const char *p = b->start, *bend = b->start + b->len;
        row = 0;
        while (p < bend && st == MSOC_OK) {
            const char *le;
            row++;
            int r = do_ndjson_line(w, p, bend, &le, &st, &err);
            if (r != LINE_BLANK) {
                w->n_rows++;
                last_row = row;
                if (r == LINE_REJECTED && st == MSOC_OK)
                    emit_reject(w, row);
            }
            p = le < bend ? le + 1 : bend;
        }
        /* After a failure, the lines left still count for the batches after it. */
        for (; p < bend; row++) {
            const char *nl = memchr(p, '\n', (size_t)(bend - p));
            p = nl != NULL ? nl + 1 : bend;
        }
        n_lines = row;
        if (!b->is_counted) {
            w->cut_bytes = b->len;
            w->cut_lines = n_lines;
        }
    } else if (j->fmt == MSOC_INGEST_NDJSON) {
        for (size_t i = 0; i < b->n_recs && st == MSOC_OK; i++, row++) {
            const char *p = b->start + b->recs[i].start, *le = b->start + b->recs[i].end;
            if (msoc_ingest__json_only_ws(p, le))
                continue; /* a blank line: a line number, not a record */
            w->n_rows++;
            last_row = row;
            if (!do_json_record(w, p, (size_t)(le - p), &st, &err) && st == MSOC_OK)
                emit_reject(w, row);
        }
        n_lines = b->n_recs;
    } else if (j->fmt == MSOC_INGEST_CSV) {
        for (size_t i = 0; i < b->n_recs && st == MSOC_OK; i++, row++) {
            w->n_rows++;
            last_row = row;
            if (!do_csv_record(w, b->start + b->recs[i].start, b->start + b->recs[i].end, &st,
                               &err) &&
                st == MSOC_OK)
                emit_reject(w, row);
        }
        n_lines = b->n_recs;
    } else {
        for (size_t s = b->span0; s < b->span1 && st == MSOC_OK; s++) {
            w->n_rows++;
            last_row = row;
            if (!do_json_record(w, j->spans[s].p, j->spans[s].len, &st, &err) && st == MSOC_OK)
                emit_reject(w, row);
            row++;
        }
        n_lines = b->span1 - b->span0;
    }
    /* Start the commit of every group this batch touched. Bulk commits come back
     * written but not durable: the committer makes them durable and acknowledges
     * the batch while this worker parses its next one. */
    size_t it = 0, pend_rows = 0;
    msoc_str k;
    void *v;
    msoc_vec pend;
    msoc_vec_init(&pend, sizeof(msoc_stor_pending *), (size_t)1 << 20);
    while (st == MSOC_OK && msoc_hashmap_next(&w->groups, &it, &k, &v))
        st = commit_group_start(w, v, &pend, &pend_rows, &err);
    msoc_stor_rowpool_trim(w->rows); /* every group's rows are written: a batch's worth */
    if (st != MSOC_OK) {
        for (size_t i = 0; i < pend.n; i++)
            msoc_stor_pending_abort(MSOC_VEC_AT(&pend, msoc_stor_pending *, i));
        pend.n = 0;
        pend_rows = 0;
    } else if (pend.n > 0 && !j->has_cq) {
        st = msoc_stor_pending_finish(pend.data, pend.n, &err);
        if (st != MSOC_OK)
            pend_rows = 0;
        w->n_stored += pend_rows;
        pend.n = 0;
        pend_rows = 0;
    }
    pthread_mutex_lock(&j->mu);
    j->stats.n_rows += w->n_rows;
    j->stats.n_rejected += w->n_rejected;
    j->stats.n_stored += w->n_stored + pend_rows;
    if (st != MSOC_OK && j->st == MSOC_OK) {
        j->st = st;
        j->err = err;
    }
    done_batch d = {b->seq, st == MSOC_OK && j->o->on_ack != NULL && w->n_rows > 0,
                    {j->source, 1, last_row, w->n_stored + pend_rows, w->n_rejected}, n_lines,
                    NULL, 0};
    if (pend.n == 0) {
        batch_done(j, w, &d);
        msoc_vec_fini(&pend);
    } else {
        /* A bounded queue: a worker never runs more than a few batches ahead of
         * the disk. */
        while (j->cq.n >= 2 * j->n_workers)
            pthread_cond_wait(&j->cq_cv, &j->mu);
        d.rej = msoc_buf_steal(&w->rej, &d.rej_len);
        commit_item ci = {d, pend.data, pend.n, pend_rows};
        pend.data = NULL; /* owned by ci now */
        pend.n = pend.cap = 0;
        if (msoc_vec_append(&j->cq, &ci) == MSOC_OK) {
            pthread_cond_broadcast(&j->cq_cv);
        } else {
            /* Cannot happen (the queue holds at most 2 x n_workers): finish here. */
            st = msoc_stor_pending_finish(ci.ps, ci.n_ps, &err);
            if (st != MSOC_OK)
                item_failed(j, &ci, st, &err);
            msoc_free(ci.ps);
            batch_done(j, NULL, &ci.d);
        }
    }
    pthread_mutex_unlock(&j->mu);
}

/* ---- framing: cut batches as the workers ask for them ---- */

#define READ_CHUNK ((size_t)1 << 20)
#define STREAM_CAP ((size_t)1 << 40)

static void job_fail(job *j, msoc_status st, const msoc_error *err)
{
    pthread_mutex_lock(&j->mu);
    if (j->st == MSOC_OK) {
        j->st = st;
        j->err = *err;
    }
    pthread_mutex_unlock(&j->mu);
}

static bool job_failed(job *j)
{
    pthread_mutex_lock(&j->mu);
    bool is_failed = j->st != MSOC_OK;
    pthread_mutex_unlock(&j->mu);
    return is_failed;
}

/* Reads from j->fd onto the end of b until want more bytes are there or the
 * input ends (j->is_eof). */
static msoc_status read_more(job *j, msoc_buf *b, size_t want, msoc_error *err)
{
    char *dst = msoc_buf_reserve(b, want);
    if (dst == NULL)
        return msoc_fail(err, MSOC_TOOBIG, "%s: a record of more than %zu bytes", j->source,
                         b->max / 2);
    size_t got = 0;
    while (got < want) {
        ssize_t r = read(j->fd, dst + got, want - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return msoc_fail(err, MSOC_IO, "%s: read failed after %zu bytes: %s", j->source,
                             j->fd_off + got, strerror(errno));
        if (r == 0) {
            j->is_eof = true;
            break;
        }
        got += (size_t)r;
    }
    b->len += got;
    b->data[b->len] = '\0';
    j->fd_off += got;
    return MSOC_OK;
}

/* Drops the first n bytes of j->carry. */
static void carry_drop(job *j, size_t n)
{
    memmove(j->carry.data, j->carry.data + n, j->carry.len - n);
    j->carry.len -= n;
}

/* Appends to w->recs the records of base[*pos, len) (offsets from base) until the
 * batch holds per of them or the next record is incomplete; at is_eof the
 * last record ends at len. */
static void frame_recs(job *j, worker *w, const char *base, size_t len, size_t *pos, bool is_eof,
                       size_t per)
{
    while (w->recs.n < per && *pos < len) {
        const char *p = base + *pos, *end = base + len, *re, *next;
        if (j->fmt == MSOC_INGEST_NDJSON) {
            const char *nl = memchr(p, '\n', len - *pos);
            if (nl == NULL && !is_eof)
                return;
            re = nl != NULL ? nl : end;
            next = nl != NULL ? nl + 1 : end;
        } else {
            bool is_complete;
            next = csv_record_end(p, end, &re, &is_complete);
            if (!is_complete && !is_eof)
                return;
            if (re == p) {
                *pos = (size_t)(next - base); /* an empty line: not a record */
                continue;
            }
        }
        rec *r = msoc_vec_push(&w->recs);
        r->start = *pos;
        r->end = (size_t)(re - base);
        *pos = (size_t)(next - base);
    }
}

/* Streamed input: reads the next batch's records into w->in; the bytes after
 * its last record stay in j->carry for the next batch. */
static msoc_status read_batch(job *j, worker *w, msoc_error *err)
{
    msoc_buf *in = &w->in;
    msoc_buf_reset(in);
    if (msoc_buf_append(in, j->carry.data != NULL ? j->carry.data : "", j->carry.len) != MSOC_OK)
        return msoc_fail(err, MSOC_TOOBIG, "%s: input buffer cap", j->source);
    j->carry.len = 0;
    size_t pos = 0;
    for (;;) {
        frame_recs(j, w, in->data, in->len, &pos, j->is_eof, j->per);
        if (w->recs.n >= j->per || j->is_eof)
            break;
        /* At least as much again as the incomplete record so far: a long record
         * is scanned a bounded number of times. */
        size_t want = in->len - pos > READ_CHUNK ? in->len - pos : READ_CHUNK;
        msoc_status st = read_more(j, in, want, err);
        if (st != MSOC_OK)
            return st;
    }
    if (msoc_buf_append(&j->carry, in->data + pos, in->len - pos) != MSOC_OK)
        return msoc_fail(err, MSOC_TOOBIG, "%s: input buffer cap", j->source);
    in->len = pos;
    return MSOC_OK;
}

/* One WILLNEED reads at most the device's readahead size (read_ahead_kb, 8 MiB
 * here; 128 KiB by default): the prefetch thread asks in chunks of this. */
#define PF_CHUNK ((size_t)4 << 20)

/* The prefetch thread unmaps consumed input once this much has gathered. */
#define UNMAP_MIN ((size_t)64 << 20)

/* Unmaps the mapped input before the earliest batch still being parsed (the
 * prefetch thread, which alone moves j->unmapped while the workers run). */
static void unmap_consumed(job *j, size_t pg)
{
    pthread_mutex_lock(&j->feed_mu);
    size_t lo = j->pos;
    for (size_t i = 0; i < j->n_workers; i++)
        if (j->workers[i].map_off < lo)
            lo = j->workers[i].map_off;
    pthread_mutex_unlock(&j->feed_mu);
    lo = lo / pg * pg;
    if (lo < j->unmapped + UNMAP_MIN)
        return;
    if (munmap((void *)(uintptr_t)(j->data + j->unmapped), lo - j->unmapped) == 0)
        j->unmapped = lo;
}

static void *prefetch_main(void *arg)
{
    job *j = arg;
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    pthread_mutex_lock(&j->pf_mu);
    for (;;) {
        while (!j->is_pf_stop && j->pf_done >= j->pf_want)
            pthread_cond_wait(&j->pf_cv, &j->pf_mu);
        if (j->is_pf_stop)
            break;
        size_t from = j->pf_done / pg * pg;
        size_t to = j->pf_want - from > PF_CHUNK ? from + PF_CHUNK : j->pf_want;
        pthread_mutex_unlock(&j->pf_mu);
        /* WILLNEED only submits the reads: the whole range is in flight at once. */
        posix_madvise((void *)(uintptr_t)(j->data + from), to - from, POSIX_MADV_WILLNEED);
        if (j->can_unmap)
            unmap_consumed(j, pg);
        pthread_mutex_lock(&j->pf_mu);
        j->pf_done = to;
    }
    pthread_mutex_unlock(&j->pf_mu);
    return NULL;
}

/* Asks the kernel to start reading [off, off + len) of the input. */
static void readahead_hint(job *j, size_t off, size_t len)
{
    if (len == 0)
        return;
    if (j->has_pf) {
        pthread_mutex_lock(&j->pf_mu);
        if (off + len > j->pf_want) {
            j->pf_want = off + len;
            pthread_cond_signal(&j->pf_cv);
        }
        pthread_mutex_unlock(&j->pf_mu);
    } else if (j->is_file) {
        posix_fadvise(j->fd, (off_t)off, (off_t)len, POSIX_FADV_WILLNEED);
    }
}

/* Batches of fewer records are not split at the end of the input. */
#define TAIL_SPLIT_MIN 4096

/* In-memory or mapped NDJSON (caller holds feed_mu): the bytes of the next batch
 * from j->pos, whole lines, about per of them. No framing pass reads every byte
 * ahead of the workers (it was the first touch of the input, its page faults and
 * a pass from memory, and the scan read it all again): the batch is per x the
 * average line of the batches parsed so far, extended to the next line end (one
 * memchr there); the worker finds the lines as it parses them. The first batch,
 * before any average, is cut after exactly per lines. */
static size_t cut_lines(job *j, worker *w, size_t per, bool is_tail, bool *is_counted)
{
    j->seen_bytes += w->cut_bytes;
    j->seen_lines += w->cut_lines;
    w->cut_bytes = w->cut_lines = 0;
    const char *p = j->data + j->pos, *end = j->data + j->len;
    size_t left = j->len - j->pos;
    *is_counted = j->seen_lines == 0;
    if (j->seen_lines == 0) {
        const char *q = p;
        size_t n = 0;
        while (n < per && q < end) {
            const char *nl = memchr(q, '\n', (size_t)(end - q));
            q = nl != NULL ? nl + 1 : end;
            n++;
        }
        /* Its lines are counted here: the average is known from now on. */
        j->seen_bytes = (size_t)(q - p);
        j->seen_lines = n;
        if (!is_tail && n == per)
            j->last_bytes = (size_t)(q - p);
        return (size_t)(q - p);
    }
    double want = (double)j->seen_bytes / (double)j->seen_lines * (double)per;
    if (want >= (double)left)
        return left;
    size_t cut = want < 1.0 ? 1 : (size_t)want;
    /* The batch ends with the line holding its budget's last byte. */
    const char *nl = memchr(p + cut - 1, '\n', left - (cut - 1));
    if (nl == NULL)
        return left;
    if (!is_tail)
        j->last_bytes = (size_t)(nl + 1 - p);
    return (size_t)(nl + 1 - p);
}

/* Cuts the next batch for w (the caller holds feed_mu). Returns false when the
 * input is done or failed. ra_off, ra_len: a range to ask readahead for. */
static bool frame_next(job *j, worker *w, batch *b, size_t *ra_off, size_t *ra_len)
{
    memset(b, 0, sizeof *b);
    *ra_len = 0;
    if (job_failed(j))
        return false;
    if (j->fmt == MSOC_INGEST_LA_JSON || j->fmt == MSOC_INGEST_DEFENDER) {
        if (j->next_span >= j->n_spans)
            return false;
        b->span0 = j->next_span;
        b->span1 = j->n_spans - b->span0 > j->per ? b->span0 + j->per : j->n_spans;
        b->seq = j->next_seq++;
        j->next_span = b->span1;
        return true;
    }
    msoc_vec_clear(&w->recs);
    size_t at, end;
    if (j->fd < 0) {
        if (j->pos >= j->len)
            return false;
        /* The tail of a large input in quarter batches: when less than one full
         * batch per worker is left, a worker that drew the last full batch would
         * parse it alone while the others sit idle. */
        size_t per = j->per;
        bool is_tail = per >= TAIL_SPLIT_MIN && j->last_bytes > 0 &&
                       j->len - j->pos < j->last_bytes * j->n_workers;
        if (is_tail)
            per /= 4;
        size_t pos = 0;
        if (j->fmt == MSOC_INGEST_NDJSON) {
            pos = cut_lines(j, w, per, is_tail, &b->is_counted);
            b->is_lines = true;
            b->len = pos;
        } else {
            frame_recs(j, w, j->data + j->pos, j->len - j->pos, &pos, true, per);
            if (!is_tail && w->recs.n == per)
                j->last_bytes = pos;
        }
        b->start = j->data + j->pos;
        w->map_off = j->pos;
        j->pos += pos;
        at = j->pos - pos;
        end = j->pos;
    } else {
        if (j->is_eof && j->carry.len == 0)
            return false;
        at = j->fd_off - j->carry.len;
        msoc_error err;
        msoc_error_clear(&err);
        msoc_status st = read_batch(j, w, &err);
        if (st != MSOC_OK) {
            job_fail(j, st, &err);
            return false;
        }
        b->start = w->in.data;
        end = j->fd_off - j->carry.len;
    }
    b->recs = w->recs.data;
    b->n_recs = w->recs.n;
    b->seq = j->next_seq++;
    /* Keep about two batches' bytes ahead in the page cache: the other workers
     * frame from there while this one parses. */
    size_t limit = j->fd < 0 ? j->len : SIZE_MAX;
    size_t want = end + 2 * (end - at) < limit ? end + 2 * (end - at) : limit;
    if (want > j->ra_end) {
        *ra_off = j->ra_end > end ? j->ra_end : end;
        *ra_len = want - *ra_off;
        j->ra_end = want;
    }
    return true;
}

static bool next_batch(job *j, worker *w, batch *b)
{
    if (w->has_first) {
        w->has_first = false;
        *b = w->first;
        return true;
    }
    size_t ra_off, ra_len;
    pthread_mutex_lock(&j->feed_mu);
    bool has = frame_next(j, w, b, &ra_off, &ra_len);
    pthread_mutex_unlock(&j->feed_mu);
    if (has)
        readahead_hint(j, ra_off, ra_len);
    return has;
}

/* A worker thread: takes batches until the input is done. */
static void work(void *arg, size_t idx)
{
    job *j = arg;
    worker *w = &j->workers[idx];
    batch b;
    while (next_batch(j, w, &b))
        run_batch(j, w, &b);
}

/* Streamed input: reads into j->carry until it holds a non-blank byte and 16
 * more (enough to tell the format), or the input ends. */
static msoc_status read_head(job *j, msoc_error *err)
{
    for (;;) {
        size_t i = 0;
        while (i < j->carry.len && (j->carry.data[i] == ' ' || j->carry.data[i] == '\n' ||
                                    j->carry.data[i] == '\r' || j->carry.data[i] == '\t'))
            i++;
        if (j->is_eof || (i < j->carry.len && j->carry.len - i > 16))
            return MSOC_OK;
        msoc_status st = read_more(j, &j->carry, READ_CHUNK, err);
        if (st != MSOC_OK)
            return st;
    }
}

/* CSV: reads (stream) and parses the header record into j->hdr (a copy). */
static msoc_status frame_header(job *j, msoc_error *err)
{
    const char *base;
    size_t len;
    const char *re = NULL, *next;
    for (;;) {
        base = j->fd >= 0 ? j->carry.data : j->data;
        len = j->fd >= 0 ? j->carry.len : j->len;
        if (base == NULL)
            base = "";
        bool is_eof = j->fd < 0 || j->is_eof;
        size_t bom = len >= 3 && memcmp(base, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        bool is_complete = false;
        next = csv_record_end(base + bom, base + len, &re, &is_complete);
        if (is_complete || is_eof) {
            base += bom;
            break;
        }
        size_t want = len > READ_CHUNK ? len : READ_CHUNK;
        msoc_status st = read_more(j, &j->carry, want, err);
        if (st != MSOC_OK)
            return st;
    }
    if (msoc_buf_append(&j->hdr_text, base, (size_t)(re - base)) != MSOC_OK)
        return msoc_fail(err, MSOC_BADDATA, "%s: the CSV header is too long", j->source);
    size_t used = (size_t)(next - (j->fd >= 0 ? j->carry.data : j->data));
    if (j->fd >= 0)
        carry_drop(j, used);
    else
        j->pos = used;
    msoc_vec hv;
    msoc_vec_init(&hv, sizeof(field), MAX_FIELDS);
    const char *why = NULL;
    const char *h = j->hdr_text.data != NULL ? j->hdr_text.data : "";
    if (j->hdr_text.len == 0 || !csv_fields(h, h + j->hdr_text.len, &hv, &why)) {
        msoc_vec_fini(&hv);
        return msoc_fail(err, MSOC_BADDATA, "%s: the CSV header %s", j->source,
                         why != NULL ? why : "is missing");
    }
    j->n_hdr = hv.n;
    j->hdr = hv.data; /* owned by the job now */
    return MSOC_OK;
}

static msoc_status add_span(job *j, msoc_vec *sv, const ing_jval *v, msoc_error *err)
{
    span s = {v->p, v->len};
    if (msoc_vec_append(sv, &s) != MSOC_OK)
        return msoc_fail(err, MSOC_TOOBIG, "%s: too many records", j->source);
    return MSOC_OK;
}

/* LA arrays and Defender envelopes: a sequence of top-level values, each an
 * array of records (LA) or an object whose "records" is one (Defender). The
 * whole document is validated before anything is stored. */
static msoc_status frame_docs(job *j, msoc_vec *sv, msoc_error *err)
{
    const char *p = j->data, *end = j->data + j->len;
    while (!msoc_ingest__json_only_ws(p, end)) {
        ing_jval top;
        const char *why = NULL;
        const char *e = msoc_ingest__json_value(p, end, &top, &why);
        if (e == NULL)
            return msoc_fail(err, MSOC_BADDATA, "%s: malformed JSON near byte %zu: %s; nothing "
                             "was stored", j->source, (size_t)(p - j->data), why);
        ing_jval arr = top;
        if (j->fmt == MSOC_INGEST_DEFENDER) {
            if (top.kind != ING_J_OBJ)
                return msoc_fail(err, MSOC_BADDATA,
                                 "%s: byte %zu: expected an envelope object {\"records\":[...]}",
                                 j->source, (size_t)(top.p - j->data));
            ing_objit it;
            msoc_ingest__obj_begin(&it, &top);
            ing_jval k, v;
            bool has = false;
            while (msoc_ingest__obj_next(&it, &k, &v))
                if (str_is(&k, "records") && v.kind == ING_J_ARR) {
                    arr = v;
                    has = true;
                }
            if (!has)
                return msoc_fail(err, MSOC_BADDATA, "%s: byte %zu: envelope without a records "
                                 "array", j->source, (size_t)(top.p - j->data));
        } else if (top.kind == ING_J_OBJ) {
            /* A bare object: one row. */
            msoc_status st = add_span(j, sv, &top, err);
            if (st != MSOC_OK)
                return st;
            p = e;
            continue;
        } else if (top.kind != ING_J_ARR) {
            return msoc_fail(err, MSOC_BADDATA, "%s: byte %zu: expected a JSON array of rows",
                             j->source, (size_t)(top.p - j->data));
        }
        const char *q = arr.p + 1, *aend = arr.p + arr.len - 1;
        while (!msoc_ingest__json_only_ws(q, aend)) {
            ing_jval el;
            const char *ee = msoc_ingest__json_value(q, aend, &el, &why);
            if (ee == NULL)
                break; /* cannot happen: validated above */
            msoc_status st = add_span(j, sv, &el, err);
            if (st != MSOC_OK)
                return st;
            q = ee;
            while (q < aend && (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t' || *q == ','))
                q++;
        }
        p = e;
    }
    return MSOC_OK;
}

/* "dir/DeviceProcessEvents_x.ndjson" -> "DeviceProcessEvents" when that is a
 * known (or *_CL) table. */
static void table_from_name(msoc_stor_db *db, const char *source, char *out, size_t cap)
{
    out[0] = '\0';
    const char *b = strrchr(source, '/');
    b = b != NULL ? b + 1 : source;
    size_t n = strcspn(b, ".");
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            n = strcspn(b, "._");
        if (n == 0 || n >= cap)
            continue;
        bool is_cl = n > 3 && memcmp(b + n - 3, "_CL", 3) == 0;
        if (msoc_stor_table_find(db, b, n) != NULL || is_cl) {
            memcpy(out, b, n);
            out[n] = '\0';
            return;
        }
    }
}

static msoc_ingest_format detect(const char *source, const char *data, size_t len)
{
    size_t sl = strlen(source);
    if (sl > 4 && strcmp(source + sl - 4, ".csv") == 0)
        return MSOC_INGEST_CSV;
    const char *p = data, *end = data + len;
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    if (p < end && *p == '[')
        return MSOC_INGEST_LA_JSON;
    if (end - p > 12 && memcmp(p, "{\"records\"", 10) == 0)
        return MSOC_INGEST_DEFENDER;
    return MSOC_INGEST_NDJSON;
}

/* Ingests data[0, len) (fd < 0) or what fd yields (read as it is framed; the
 * documents formats, which are validated whole first, read it all). */
static msoc_status ingest_run(msoc_stor_db *db, const msoc_ingest_opts *opts, const char *source,
                              const char *data, size_t len, int fd, bool is_mapped,
                              msoc_ingest_stats *stats, msoc_error *err)
{
    if (opts->tenant != NULL && !msoc_stor_name_is_safe(opts->tenant)) {
        if (is_mapped)
            munmap((void *)(uintptr_t)data, len);
        return msoc_fail(err, MSOC_INVALID, "tenant id '%s' is not a safe name", opts->tenant);
    }
    job j;
    memset(&j, 0, sizeof j);
    j.db = db;
    j.o = opts;
    j.source = source;
    j.data = data;
    j.len = len;
    j.fd = fd;
    j.is_mapped = is_mapped;
    j.per = opts->batch_rows ? opts->batch_rows : 32768;
    msoc_buf_init(&j.carry, STREAM_CAP);
    msoc_buf_init(&j.hdr_text, (size_t)1 << 30);
    pthread_mutex_init(&j.mu, NULL);
    pthread_mutex_init(&j.feed_mu, NULL);
    table_from_name(db, source, j.file_table, sizeof j.file_table);
    msoc_status st = MSOC_OK;
    if (fd >= 0) {
        struct stat sb;
        j.is_file = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
        if (j.is_file)
            posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        st = read_head(&j, err);
    }
    const char *head = fd >= 0 ? j.carry.data : data;
    size_t head_len = fd >= 0 ? j.carry.len : len;
    j.fmt = opts->format != MSOC_INGEST_AUTO ? opts->format
                                             : detect(source, head != NULL ? head : "", head_len);
    bool is_docs = j.fmt == MSOC_INGEST_LA_JSON || j.fmt == MSOC_INGEST_DEFENDER;
    if (st == MSOC_OK && is_docs && fd >= 0) {
        /* A document is validated whole before anything is stored: read it all. */
        while (st == MSOC_OK && !j.is_eof)
            st = read_more(&j, &j.carry, j.carry.len > READ_CHUNK ? j.carry.len : READ_CHUNK,
                           err);
        j.data = j.carry.data != NULL ? j.carry.data : "";
        j.len = j.carry.len;
        j.fd = -1;
    }
    msoc_vec sv;
    msoc_vec_init(&sv, sizeof(span), (size_t)1 << 31);
    msoc_vec_init(&j.done, sizeof(done_batch), (size_t)1 << 30);
    unsigned nt = opts->n_threads ? opts->n_threads : msoc_cpu_count();
    if (nt > 64)
        nt = 64;
    if (st == MSOC_OK && is_docs) {
        st = frame_docs(&j, &sv, err);
        j.spans = sv.data;
        j.n_spans = sv.n;
        size_t n_batches = (sv.n + j.per - 1) / j.per;
        if (nt > n_batches && n_batches > 0)
            nt = (unsigned)n_batches;
    } else if (st == MSOC_OK && j.fmt == MSOC_INGEST_CSV) {
        st = frame_header(&j, err);
    }
    j.n_workers = nt;
    j.workers = msoc_calloc(nt, sizeof *j.workers);
    for (size_t i = 0; i < nt; i++) {
        worker *w = &j.workers[i];
        w->job = &j;
        msoc_hashmap_init(&w->groups, NULL, 0);
        msoc_vec_init(&w->fields, sizeof(field), MAX_FIELDS);
        msoc_vec_init(&w->prev_fields, sizeof(field), MAX_FIELDS);
        msoc_vec_init(&w->recs, sizeof(rec), j.per);
        msoc_buf_init(&w->scratch, (size_t)256 << 20);
        msoc_buf_init(&w->keybuf, (size_t)1 << 20);
        msoc_buf_init(&w->tmp, (size_t)256 << 20);
        msoc_buf_init(&w->in, STREAM_CAP);
        msoc_buf_init(&w->rej, STREAM_CAP);
        w->rows = msoc_stor_rowpool_new();
    }
    if (st == MSOC_OK && j.is_mapped && j.len > PF_CHUNK) {
        j.can_unmap = !is_docs;
        pthread_mutex_init(&j.pf_mu, NULL);
        pthread_cond_init(&j.pf_cv, NULL);
        j.pf_want = j.len < 4 * PF_CHUNK ? j.len : 4 * PF_CHUNK; /* the first batch */
        j.has_pf = pthread_create(&j.pf_thread, NULL, prefetch_main, &j) == 0;
        if (!j.has_pf) {
            pthread_cond_destroy(&j.pf_cv);
            pthread_mutex_destroy(&j.pf_mu);
        }
    }
    if (st == MSOC_OK) {
        /* The first batch, before any thread starts: an input of one batch runs
         * on the calling thread alone. */
        size_t ra_off, ra_len;
        worker *w0 = &j.workers[0];
        w0->has_first = frame_next(&j, w0, &w0->first, &ra_off, &ra_len);
        if (w0->has_first)
            readahead_hint(&j, ra_off, ra_len);
        bool is_done = is_docs ? j.next_span >= j.n_spans
                               : j.fd < 0 ? j.pos >= j.len : j.is_eof && j.carry.len == 0;
        if (is_done)
            nt = 1;
        msoc_pool *pool = nt > 1 ? msoc_pool_new(nt - 1) : NULL;
        committer_start(&j);
        msoc_pool_run(pool, nt, work, &j);
        msoc_pool_free(pool);
        committer_stop(&j);
        if (j.has_pf) {
            pthread_mutex_lock(&j.pf_mu);
            j.is_pf_stop = true;
            pthread_cond_signal(&j.pf_cv);
            pthread_mutex_unlock(&j.pf_mu);
            pthread_join(j.pf_thread, NULL);
            pthread_cond_destroy(&j.pf_cv);
            pthread_mutex_destroy(&j.pf_mu);
        }
        if (j.st != MSOC_OK) {
            st = j.st;
            if (err != NULL)
                *err = j.err;
        }
    }
    for (size_t i = 0; i < j.n_workers; i++) {
        worker *w = &j.workers[i];
        size_t it = 0;
        msoc_str k;
        void *v;
        while (msoc_hashmap_next(&w->groups, &it, &k, &v))
            group_free(v);
        msoc_hashmap_fini(&w->groups);
        msoc_stor_rowpool_free(w->rows); /* after its appenders */
        msoc_vec_fini(&w->fields);
        msoc_vec_fini(&w->prev_fields);
        msoc_vec_fini(&w->recs);
        msoc_free(w->hint_cols);
        msoc_buf_fini(&w->scratch);
        msoc_buf_fini(&w->keybuf);
        msoc_buf_fini(&w->tmp);
        msoc_buf_fini(&w->in);
        msoc_buf_fini(&w->rej);
        msoc_free(w->vals);
        msoc_free(w->scr_off);
        msoc_free(w->scr_list);
    }
    msoc_free(j.workers);
    msoc_free(j.hdr);
    msoc_buf_fini(&j.hdr_text);
    msoc_vec_fini(&sv);
    for (size_t i = 0; i < j.done.n; i++) /* none: every batch cut is finished */
        msoc_free(MSOC_VEC_AT(&j.done, done_batch, i).rej);
    msoc_vec_fini(&j.done);
    pthread_mutex_destroy(&j.mu);
    pthread_mutex_destroy(&j.feed_mu);
    if (stats != NULL) {
        stats->n_rows += j.stats.n_rows;
        stats->n_stored += j.stats.n_stored;
        stats->n_rejected += j.stats.n_rejected;
        stats->n_bytes += fd >= 0 ? j.fd_off : len;
    }
    msoc_buf_fini(&j.carry);
    if (is_mapped)
        munmap((void *)(uintptr_t)(data + j.unmapped), len - j.unmapped);
    return st;
}

msoc_status msoc_ingest_buffer(msoc_stor_db *db, const msoc_ingest_opts *opts, const char *source,
                               const char *data, size_t len, msoc_ingest_stats *stats,
                               msoc_error *err)
{
    return ingest_run(db, opts, source, data != NULL ? data : "", len, -1, false, stats, err);
}

msoc_status msoc_ingest_fd(msoc_stor_db *db, const msoc_ingest_opts *opts, const char *source,
                           int fd, msoc_ingest_stats *stats, msoc_error *err)
{
    return ingest_run(db, opts, source, NULL, 0, fd, false, stats, err);
}

msoc_status msoc_ingest_file(msoc_stor_db *db, const msoc_ingest_opts *opts, const char *path,
                             msoc_ingest_stats *stats, msoc_error *err)
{
    if (strcmp(path, "-") == 0)
        return msoc_ingest_fd(db, opts, "stdin", 0, stats, err);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return msoc_fail(err, MSOC_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat stt;
    if (fstat(fd, &stt) != 0) {
        close(fd);
        return msoc_fail(err, MSOC_IO, "%s: cannot stat", path);
    }
    msoc_status st;
    size_t len = (size_t)stt.st_size;
    if (!S_ISREG(stt.st_mode)) {
        /* A pipe or device: streamed. (A regular file is mapped: on this machine
         * read() into reused buffers cost ~5% more CPU, cached or cold.) */
        st = ingest_run(db, opts, path, NULL, 0, fd, false, stats, err);
        close(fd);
        return st;
    }
    if (len == 0) {
        close(fd);
        return msoc_ingest_buffer(db, opts, path, "", 0, stats, err);
    }
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return msoc_fail(err, MSOC_IO, "%s: mmap failed: %s", path, strerror(errno));
    posix_madvise(m, len, POSIX_MADV_SEQUENTIAL);
    return ingest_run(db, opts, path, m, len, -1, true, stats, err); /* unmaps m */
}
