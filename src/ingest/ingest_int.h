/* Ingest internals (src/ingest only). */
#ifndef MSOC_INGEST_INGEST_INT_H
#define MSOC_INGEST_INGEST_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/str.h"
#include "core/vec.h"
#include "ingest/ingest.h"

typedef enum ing_kind {
    ING_J_STR, ING_J_INT, ING_J_NUM, ING_J_TRUE, ING_J_FALSE, ING_J_NULL, ING_J_OBJ, ING_J_ARR,
    ING_CSV,   /* CSV text; has_esc: contains doubled quotes */
} ing_kind;

typedef struct ing_jval {
    ing_kind kind;
    const char *p;   /* STR/CSV: the content without quotes; others: the raw text */
    size_t len;
    bool has_esc;
} ing_jval;

typedef struct ing_field {
    ing_jval key;
    ing_jval val;
    bool is_same_key;  /* the key's bytes equal the hint's key at this position */
} ing_field;

typedef struct ing_objit {
    const char *p, *end;
    bool is_first;
} ing_objit;

/* Scans one JSON value at p (leading whitespace skipped); returns the end or NULL
 * with *why set. */
const char *msoc_ingest__json_value(const char *p, const char *end, ing_jval *v,
                                    const char **why);
/* Scans an object at p (leading whitespace skipped) in one validating pass,
 * replacing the contents of fields (ing_field) with its members; obj gets the
 * object's span. Returns the end or NULL with *why. hint (n_hint fields, may be
 * NULL) is usually the previous row: where the input holds hint[i]'s key bytes
 * at member i, the key is taken without scanning it and is_same_key is set.
 * read_end (may be NULL): bytes up to it may be read both from p on and from every
 * hint key on (the same buffer); keys are then compared 16 bytes at a time, the
 * last step masked, where the input has that much room before read_end.
 * *is_same_layout: every member's key equals the hint's at its position, and
 * there are n_hint members. */
const char *msoc_ingest__json_object(const char *p, const char *end, msoc_vec *fields,
                                     const ing_field *hint, size_t n_hint, const char *read_end,
                                     ing_jval *obj, bool *is_same_layout, const char **why);
/* The scanners behind msoc_ingest__json_object (which uses ING_SCAN_BEST), for tests
 * and fuzz targets. ING_SCAN_REF is the one-pass reference scanner (16-byte SSE2
 * steps on x86-64, 8-byte SWAR elsewhere); ING_SCAN_AVX2 scans with 32-byte steps
 * and less work per member and falls back to the reference scanner for anything
 * but a well-formed record of the usual shape, so both give the same results and
 * errors. ING_SCAN_BEST: AVX2 when the CPU has it (with BMI1/2), else the reference.
 * An impl the CPU lacks runs the reference (msoc_ingest__json_scan_has tells).
 * *is_fast (may be NULL): the AVX2 scan gave the result. */
typedef enum ing_scan_impl { ING_SCAN_REF, ING_SCAN_AVX2, ING_SCAN_BEST } ing_scan_impl;
bool msoc_ingest__json_scan_has(ing_scan_impl impl);
const char *msoc_ingest__json_object_impl(ing_scan_impl impl, const char *p, const char *end,
                                          msoc_vec *fields, const ing_field *hint, size_t n_hint,
                                          const char *read_end, ing_jval *obj,
                                          bool *is_same_layout, bool *is_fast, const char **why);
/* An NDJSON row whose line end is not known yet (the worker finds it while it
 * scans, rather than a framing pass before): scans the object at p as the whole
 * of its line, where end (and read_end, as above) may lie past that line. On
 * success returns the object's end and sets *line_end to the '\n' that ends the
 * line (or to end), with only spaces, tabs and '\r' in between; fields, obj and
 * *is_same_layout are then exactly what msoc_ingest__json_object gives for the
 * line [p, *line_end). NULL decides nothing (a malformed or unusual line, text
 * after the object, whitespace holding '\n', no AVX2): the caller finds the line
 * end itself and scans the line with msoc_ingest__json_object, which gives the
 * reasons. AVX2 only (the scan of ING_SCAN_AVX2 in line mode). */
const char *msoc_ingest__json_row_line(const char *p, const char *end, msoc_vec *fields,
                                       const ing_field *hint, size_t n_hint,
                                       const char *read_end, ing_jval *obj, bool *is_same_layout,
                                       const char **line_end);
bool msoc_ingest__json_only_ws(const char *p, const char *end);
msoc_status msoc_ingest__obj_begin(ing_objit *it, const ing_jval *obj);
bool msoc_ingest__obj_next(ing_objit *it, ing_jval *key, ing_jval *val);
void msoc_ingest__json_unescape(const char *p, size_t len, msoc_buf *out);
void msoc_ingest__json_compact(const char *p, size_t len, msoc_buf *out);

#endif
