/* libFuzzer target: the ingest JSON object scanner. The input is one or two
 * records ("prev\ncur"); prev is scanned by the reference scanner and its members
 * are the key hints for cur, which both scanners (ING_SCAN_REF and ING_SCAN_AVX2)
 * then scan -- without hints, with hints, and with hints and read_end where the
 * caller's rule allows it (16 bytes after prev's object). They must agree exactly:
 * accept/reject, reason, end, object span, is_same_layout, and every member's
 * kinds, spans, has_esc and is_same_key. The buffer is an exact-size copy, so ASan
 * reports any read past the input.
 * Line mode (msoc_ingest__json_row_line, NDJSON before its line end is known):
 * cur is scanned with the input's end as end (more lines may follow), on the
 * input as it is and with a '\n' appended (a batch ends with one; line mode
 * decides only then); when it decides, its line end must be cur's first '\n'
 * and its result must equal the reference scan of that line alone, with and
 * without hints. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest_int.h"

typedef struct res {
    const char *end, *why;
    ing_jval obj;
    bool is_same_layout, is_fast;
} res;

static void scan(ing_scan_impl impl, const char *p, const char *end, msoc_vec *out,
                 const msoc_vec *hint, const char *read_end, res *r)
{
    r->why = NULL;
    r->end = msoc_ingest__json_object_impl(impl, p, end, out, hint ? hint->data : NULL,
                                           hint ? hint->n : 0, read_end, &r->obj,
                                           &r->is_same_layout, &r->is_fast, &r->why);
}

static void same(const msoc_vec *a, const msoc_vec *b, const res *ra, const res *rb);

/* Line mode against the reference scan of the line [p, first '\n' or end). */
static void line_same(const char *p, const char *end, msoc_vec *a, msoc_vec *b,
                      const msoc_vec *hint, const char *read_end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p)), *line = nl != NULL ? nl : end;
    res ra, rb;
    scan(ING_SCAN_REF, p, line, a, hint, read_end, &ra);
    const char *le = NULL;
    memset(&rb, 0, sizeof rb);
    rb.end = msoc_ingest__json_row_line(p, end, b, hint ? hint->data : NULL, hint ? hint->n : 0,
                                        read_end, &rb.obj, &rb.is_same_layout, &le);
    if (rb.end == NULL)
        return;
    if (le != line || ra.end == NULL || !msoc_ingest__json_only_ws(ra.end, line))
        abort();
    same(a, b, &ra, &rb);
}

static void same(const msoc_vec *a, const msoc_vec *b, const res *ra, const res *rb)
{
    if (ra->end != rb->end)
        abort();
    if (rb->is_fast && ra->end == NULL)
        abort();
    if (ra->end == NULL) {
        if (ra->why == NULL || rb->why == NULL || strcmp(ra->why, rb->why) != 0)
            abort();
        return;
    }
    if (ra->obj.kind != rb->obj.kind || ra->obj.p != rb->obj.p || ra->obj.len != rb->obj.len ||
        ra->is_same_layout != rb->is_same_layout || a->n != b->n)
        abort();
    for (size_t i = 0; i < a->n; i++) {
        const ing_field *x = &MSOC_VEC_AT(a, ing_field, i), *y = &MSOC_VEC_AT(b, ing_field, i);
        if (x->key.kind != y->key.kind || x->key.p != y->key.p || x->key.len != y->key.len ||
            x->key.has_esc != y->key.has_esc || x->is_same_key != y->is_same_key ||
            x->val.kind != y->val.kind || x->val.p != y->val.p || x->val.len != y->val.len ||
            x->val.has_esc != y->val.has_esc)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1);
    if (buf == NULL)
        return 0;
    if (size > 0)
        memcpy(buf, data, size);
    const char *end = buf + size;
    const char *nl = size > 0 ? memchr(buf, '\n', size) : NULL;
    const char *cur = nl != NULL ? nl + 1 : buf;

    msoc_vec hint, a, b;
    msoc_vec_init(&hint, sizeof(ing_field), 1 << 16);
    msoc_vec_init(&a, sizeof(ing_field), 1 << 16);
    msoc_vec_init(&b, sizeof(ing_field), 1 << 16);
    res rh, ra, rb;

    scan(ING_SCAN_REF, cur, end, &a, NULL, NULL, &ra);
    scan(ING_SCAN_AVX2, cur, end, &b, NULL, NULL, &rb);
    same(&a, &b, &ra, &rb);
    if (size > 0)
        line_same(cur, end, &a, &b, NULL, NULL);
    if (nl != NULL) {
        scan(ING_SCAN_REF, buf, nl, &hint, NULL, NULL, &rh);
        if (rh.end != NULL) {
            scan(ING_SCAN_REF, cur, end, &a, &hint, NULL, &ra);
            scan(ING_SCAN_AVX2, cur, end, &b, &hint, NULL, &rb);
            same(&a, &b, &ra, &rb);
            line_same(cur, end, &a, &b, &hint, NULL);
            if (end - rh.end >= 16) {
                scan(ING_SCAN_REF, cur, end, &a, &hint, end, &ra);
                scan(ING_SCAN_AVX2, cur, end, &b, &hint, end, &rb);
                same(&a, &b, &ra, &rb);
                line_same(cur, end, &a, &b, &hint, end);
            }
        }
    }
    /* The same input ending with a line end. */
    char *buf2 = malloc(size + 1);
    if (buf2 != NULL) {
        if (size > 0)
            memcpy(buf2, data, size);
        buf2[size] = '\n';
        const char *end2 = buf2 + size + 1;
        const char *cur2 = buf2 + (cur - buf);
        line_same(cur2, end2, &a, &b, NULL, NULL);
        if (nl != NULL) {
            const char *nl2 = buf2 + (nl - buf);
            scan(ING_SCAN_REF, buf2, nl2, &hint, NULL, NULL, &rh);
            if (rh.end != NULL) {
                line_same(cur2, end2, &a, &b, &hint, NULL);
                if (end2 - rh.end >= 16)
                    line_same(cur2, end2, &a, &b, &hint, end2);
            }
        }
        free(buf2);
    }
    msoc_vec_fini(&hint);
    msoc_vec_fini(&a);
    msoc_vec_fini(&b);
    free(buf);
    return 0;
}
