/* Result rendering: table (aligned text), JSON (columns + rows, the oracle's value
 * encoding) and CSV. */
#include <math.h>
#include <string.h>

#include "core/mem.h"
#include "exec_int.h"

msoc_status msoc_exec_cell_text(const msoc_exec_col *c, size_t row, msoc_buf *out)
{
    return msoc_exec__val_text(msoc_exec__col_get(c, row), out);
}

msoc_status msoc_exec_cell_json(const msoc_exec_col *c, size_t row, msoc_buf *out)
{
    xval v = msoc_exec__col_get(c, row);
    if (v.t == MSOC_TYPE_DYNAMIC)
        return msoc_exec__json_write(v.d, out);
    if (v.is_null && !xtype_is_str(v.t))
        return msoc_buf_append_c(out, "null");
    if (v.t == MSOC_TYPE_GUID && v.s.len == 0)
        return msoc_buf_append_c(out, "null"); /* a guid column stores null as "" */
    switch (v.t) {
    case MSOC_TYPE_BOOL: return msoc_buf_append_c(out, v.i ? "true" : "false");
    case MSOC_TYPE_INT:
    case MSOC_TYPE_LONG: return msoc_buf_append_i64(out, v.i);
    case MSOC_TYPE_REAL: {
        if (!isfinite(v.r))
            return msoc_buf_append_c(out, isnan(v.r) ? "\"NaN\"" : v.r > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        size_t before = out->len;
        msoc_buf_append_double(out, v.r);
        for (size_t i = before; i < out->len; i++)
            if (out->data[i] == '.' || out->data[i] == 'e' || out->data[i] == 'E')
                return MSOC_OK;
        return msoc_buf_append_c(out, ".0");
    }
    default: {
        msoc_buf tmp;
        msoc_buf_init(&tmp, (size_t)1 << 30);
        msoc_buf_reserve(&tmp, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
        msoc_exec__val_text(v, &tmp);
        msoc_status st = msoc_buf_append_json_str(out, tmp.data ? tmp.data : "", tmp.len);
        msoc_buf_fini(&tmp);
        return st;
    }
    }
}

static msoc_status write_json(const msoc_exec_table *t, msoc_buf *out)
{
    msoc_buf_append_c(out, "{\"columns\":[");
    for (size_t c = 0; c < t->n_cols; c++) {
        if (c)
            msoc_buf_putc(out, ',');
        msoc_buf_append_c(out, "{\"name\":");
        msoc_buf_append_json_str(out, t->names[c].ptr, t->names[c].len);
        msoc_buf_append_c(out, ",\"type\":\"");
        msoc_buf_append_c(out, msoc_type_name(t->cols[c]->type));
        msoc_buf_append_c(out, "\"}");
    }
    msoc_buf_append_c(out, "],\"rows\":[");
    for (size_t r = 0; r < t->n_rows; r++) {
        msoc_buf_append_c(out, r ? ",\n[" : "\n[");
        for (size_t c = 0; c < t->n_cols; c++) {
            if (c)
                msoc_buf_putc(out, ',');
            msoc_exec_cell_json(t->cols[c], r, out);
        }
        msoc_buf_putc(out, ']');
    }
    msoc_buf_appendf(out, "],\"truncated\":%s}\n", t->is_truncated ? "true" : "false");
    return MSOC_OK;
}

static void csv_field(msoc_buf *out, const char *p, size_t len)
{
    bool is_quoted = false;
    for (size_t i = 0; i < len; i++)
        if (p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r')
            is_quoted = true;
    if (!is_quoted) {
        msoc_buf_append(out, p, len);
        return;
    }
    msoc_buf_putc(out, '"');
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '"')
            msoc_buf_putc(out, '"');
        msoc_buf_putc(out, p[i]);
    }
    msoc_buf_putc(out, '"');
}

static msoc_status write_csv(const msoc_exec_table *t, msoc_buf *out)
{
    for (size_t c = 0; c < t->n_cols; c++) {
        if (c)
            msoc_buf_putc(out, ',');
        csv_field(out, t->names[c].ptr, t->names[c].len);
    }
    msoc_buf_putc(out, '\n');
    msoc_buf cell;
    msoc_buf_init(&cell, (size_t)1 << 30);
    msoc_buf_reserve(&cell, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            if (c)
                msoc_buf_putc(out, ',');
            msoc_buf_reset(&cell);
            msoc_exec_cell_text(t->cols[c], r, &cell);
            csv_field(out, cell.data ? cell.data : "", cell.len);
        }
        msoc_buf_putc(out, '\n');
    }
    msoc_buf_fini(&cell);
    return MSOC_OK;
}

/* Display width of UTF-8 text (code points). */
static size_t u8_width(const char *p, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)p[i] & 0xC0) != 0x80;
    return n;
}

static msoc_status write_table(const msoc_exec_table *t, msoc_buf *out)
{
    enum { MAX_W = 80 };
    size_t *w = msoc_calloc(t->n_cols + 1, sizeof *w);
    msoc_buf cell;
    msoc_buf_init(&cell, (size_t)1 << 30);
    msoc_buf_reserve(&cell, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    for (size_t c = 0; c < t->n_cols; c++)
        w[c] = u8_width(t->names[c].ptr, t->names[c].len);
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            msoc_buf_reset(&cell);
            msoc_exec_cell_text(t->cols[c], r, &cell);
            size_t cw = u8_width(cell.data ? cell.data : "", cell.len);
            if (cw > MAX_W)
                cw = MAX_W;
            if (cw > w[c])
                w[c] = cw;
        }
    }
    for (size_t c = 0; c < t->n_cols; c++) {
        size_t cw = u8_width(t->names[c].ptr, t->names[c].len);
        msoc_buf_append(out, t->names[c].ptr, t->names[c].len);
        for (size_t k = cw; k < w[c] + 2 && c + 1 < t->n_cols; k++)
            msoc_buf_putc(out, ' ');
    }
    msoc_buf_putc(out, '\n');
    for (size_t c = 0; c < t->n_cols; c++) {
        for (size_t k = 0; k < w[c]; k++)
            msoc_buf_putc(out, '-');
        if (c + 1 < t->n_cols)
            msoc_buf_append_c(out, "  ");
    }
    msoc_buf_putc(out, '\n');
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            msoc_buf_reset(&cell);
            msoc_exec_cell_text(t->cols[c], r, &cell);
            size_t len = cell.len, cw = u8_width(cell.data ? cell.data : "", len);
            for (size_t i = 0; i < len; i++)
                if (cell.data[i] == '\n' || cell.data[i] == '\t')
                    cell.data[i] = ' ';
            if (cw > MAX_W) {
                /* cut at a code point boundary */
                size_t k = 0, cps = 0;
                while (k < len && cps < MAX_W - 3) {
                    k++;
                    while (k < len && ((unsigned char)cell.data[k] & 0xC0) == 0x80)
                        k++;
                    cps++;
                }
                msoc_buf_append(out, cell.data, k);
                msoc_buf_append_c(out, "...");
                cw = MAX_W;
            } else {
                msoc_buf_append(out, cell.data ? cell.data : "", len);
            }
            for (size_t k = cw; k < w[c] + 2 && c + 1 < t->n_cols; k++)
                msoc_buf_putc(out, ' ');
        }
        msoc_buf_putc(out, '\n');
    }
    msoc_buf_fini(&cell);
    msoc_free(w);
    return MSOC_OK;
}

msoc_status msoc_exec_table_write(const msoc_exec_table *t, msoc_exec_format fmt, msoc_buf *out,
                                  msoc_error *err)
{
    switch (fmt) {
    case MSOC_EXEC_FMT_JSON: write_json(t, out); break;
    case MSOC_EXEC_FMT_CSV: write_csv(t, out); break;
    default: write_table(t, out); break;
    }
    return msoc_buf_check(out, "the result", err);
}
