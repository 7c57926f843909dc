/* Custom tables: `.create table T (col:type, ...)` and auto-created *_CL tables,
 * persisted as one `.create table` line per table in DATA/custom_tables.kql
 * (rewritten atomically). Definitions only grow: a newer version of a table adds
 * columns at the end; older versions stay allocated until close. */
#include <string.h>

#include "core/mem.h"
#include "stor_int.h"

#define CUSTOM_FILE "custom_tables.kql"
#define MAX_CUSTOM 10000

typedef struct parsed_col {
    char *name;
    msoc_type type;
} parsed_col;

static bool is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

static void skip_ws(const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r'))
        (*p)++;
}

static msoc_stor_table_def *def_new(const char *name, size_t name_len, const parsed_col *cols,
                                    size_t n)
{
    msoc_stor_table_def *d = msoc_calloc(1, sizeof *d);
    d->name = msoc_strndup(name, name_len);
    d->source = MSOC_STOR_SRC_CUSTOM;
    d->timestamp_col = "TimeGenerated";
    msoc_stor_column *c = msoc_calloc(n + 1, sizeof *c);
    for (size_t i = 0; i < n; i++) {
        c[i].name = msoc_strdup(cols[i].name);
        c[i].type = c[i].la_type = cols[i].type;
        if (strcmp(cols[i].name, "TenantId") == 0)
            c[i].flags = MSOC_STOR_COL_TENANT;
        else if (strcmp(cols[i].name, "WorkspaceId") == 0)
            c[i].flags = MSOC_STOR_COL_WORKSPACE;
    }
    d->cols = c;
    d->n_cols = n;
    return d;
}

static void def_free(msoc_stor_table_def *d)
{
    for (size_t i = 0; i < d->n_cols; i++)
        msoc_free((void *)(uintptr_t)d->cols[i].name);
    msoc_free((void *)(uintptr_t)d->cols);
    msoc_free((void *)(uintptr_t)d->name);
    msoc_free(d);
}

/* Parses "[.create table ]Name (a:type, ...)". */
static msoc_status parse_spec(const char *spec, size_t len, const char **name, size_t *name_len,
                              msoc_vec *cols, msoc_error *err)
{
    const char *p = spec, *end = spec + len;
    skip_ws(&p, end);
    if ((size_t)(end - p) >= 13 && memcmp(p, ".create table", 13) == 0) {
        p += 13;
        skip_ws(&p, end);
    }
    *name = p;
    while (p < end && is_ident(*p))
        p++;
    *name_len = (size_t)(p - *name);
    if (*name_len == 0 || *name_len > 200)
        return msoc_fail(err, MSOC_SYNTAX, "expected a table name at offset %zu",
                         (size_t)(*name - spec));
    skip_ws(&p, end);
    if (p >= end || *p != '(')
        return msoc_fail(err, MSOC_SYNTAX, "expected '(' after the table name at offset %zu",
                         (size_t)(p - spec));
    p++;
    for (;;) {
        skip_ws(&p, end);
        if (p < end && *p == ')' && cols->n == 0) {
            p++;
            break;
        }
        const char *cn = p;
        while (p < end && is_ident(*p))
            p++;
        size_t cl = (size_t)(p - cn);
        skip_ws(&p, end);
        if (cl == 0 || p >= end || *p != ':')
            return msoc_fail(err, MSOC_SYNTAX, "expected 'column:type' at offset %zu",
                             (size_t)(cn - spec));
        p++;
        skip_ws(&p, end);
        const char *tn = p;
        while (p < end && is_ident(*p))
            p++;
        msoc_type t;
        if (!msoc_type_parse(tn, (size_t)(p - tn), &t) || t == MSOC_TYPE_NULL)
            return msoc_fail(err, MSOC_SYNTAX, "unknown type '%.*s' at offset %zu",
                             (int)(p - tn), tn, (size_t)(tn - spec));
        for (size_t i = 0; i < cols->n; i++) {
            parsed_col *o = &MSOC_VEC_AT(cols, parsed_col, i);
            if (strlen(o->name) == cl && memcmp(o->name, cn, cl) == 0)
                return msoc_fail(err, MSOC_SYNTAX, "column %.*s listed twice", (int)cl, cn);
        }
        parsed_col pc = {msoc_strndup(cn, cl), t};
        if (msoc_vec_append(cols, &pc) != MSOC_OK) {
            msoc_free(pc.name);
            return msoc_fail(err, MSOC_TOOBIG, "too many columns");
        }
        skip_ws(&p, end);
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == ')') {
            p++;
            break;
        }
        return msoc_fail(err, MSOC_SYNTAX, "expected ',' or ')' at offset %zu",
                         (size_t)(p - spec));
    }
    skip_ws(&p, end);
    if (p != end)
        return msoc_fail(err, MSOC_SYNTAX, "unexpected text after ')' at offset %zu",
                         (size_t)(p - spec));
    return MSOC_OK;
}

static void free_cols(msoc_vec *cols)
{
    for (size_t i = 0; i < cols->n; i++)
        msoc_free(MSOC_VEC_AT(cols, parsed_col, i).name);
    msoc_vec_fini(cols);
}

static msoc_status persist(msoc_stor_db *db, msoc_error *err)
{
    msoc_buf b;
    msoc_buf_init(&b, (size_t)1 << 30);
    for (size_t i = 0; i < db->custom.order.n; i++) {
        const msoc_stor_table_def *d = MSOC_VEC_AT(&db->custom.order, msoc_stor_table_def *, i);
        msoc_buf_appendf(&b, ".create table %s (", d->name);
        for (size_t c = 0; c < d->n_cols; c++)
            msoc_buf_appendf(&b, "%s%s:%s", c ? ", " : "", d->cols[c].name,
                             msoc_type_name(d->cols[c].type));
        msoc_buf_append_c(&b, ")\n");
    }
    char *path = msoc_stor__path(db->dir, CUSTOM_FILE, NULL, NULL);
    msoc_status st = msoc_stor__write_file_atomic(path, b.data, b.len, db->opts.is_nosync, err);
    msoc_free(path);
    msoc_buf_fini(&b);
    return st;
}

/* Creates or extends; caller holds custom.mu. */
static msoc_status create_locked(msoc_stor_db *db, const char *spec, size_t len, bool is_persist,
                                 const msoc_stor_table_def **out, msoc_error *err)
{
    const char *name;
    size_t name_len;
    msoc_vec cols;
    msoc_vec_init(&cols, sizeof(parsed_col), 4096);
    msoc_status st = parse_spec(spec, len, &name, &name_len, &cols, err);
    if (st != MSOC_OK)
        goto done;
    if (msoc_stor_builtin_find(name, name_len) != NULL) {
        st = msoc_fail(err, MSOC_CONFLICT, "%.*s is a built-in table", (int)name_len, name);
        goto done;
    }
    static const char *const std_names[] = {"TenantId", "WorkspaceId", "TimeGenerated"};
    static const msoc_type std_types[] = {MSOC_TYPE_STRING, MSOC_TYPE_STRING, MSOC_TYPE_DATETIME};
    void **slot = msoc_hashmap_get(&db->custom.by_name, name, name_len);
    const msoc_stor_table_def *old = slot != NULL ? *slot : NULL;
    /* The merged column list: the old columns in order, then new ones. */
    msoc_vec merged;
    msoc_vec_init(&merged, sizeof(parsed_col), 4096);
    if (old != NULL) {
        for (size_t i = 0; i < old->n_cols; i++) {
            parsed_col pc = {(char *)(uintptr_t)old->cols[i].name, old->cols[i].type};
            msoc_vec_append(&merged, &pc);
        }
    } else {
        for (size_t i = 0; i < 3; i++) {
            bool is_listed = false;
            for (size_t k = 0; k < cols.n; k++)
                if (strcmp(MSOC_VEC_AT(&cols, parsed_col, k).name, std_names[i]) == 0)
                    is_listed = true;
            if (!is_listed) {
                parsed_col pc = {(char *)(uintptr_t)std_names[i], std_types[i]};
                msoc_vec_append(&merged, &pc);
            }
        }
    }
    size_t n_old = merged.n;
    for (size_t k = 0; k < cols.n; k++) {
        parsed_col *pc = &MSOC_VEC_AT(&cols, parsed_col, k);
        bool is_found = false;
        for (size_t i = 0; i < merged.n; i++) {
            parsed_col *m = &MSOC_VEC_AT(&merged, parsed_col, i);
            if (strcmp(m->name, pc->name) == 0) {
                is_found = true;
                if (m->type != pc->type) {
                    st = msoc_fail(err, MSOC_CONFLICT,
                                   "%.*s.%s is %s; cannot change it to %s", (int)name_len, name,
                                   pc->name, msoc_type_name(m->type), msoc_type_name(pc->type));
                }
            }
        }
        if (!is_found)
            msoc_vec_append(&merged, pc);
    }
    if (st == MSOC_OK && old != NULL && merged.n == n_old) {
        *out = old;
    } else if (st == MSOC_OK) {
        for (size_t i = 0; i < merged.n; i++) {
            const char *cn = MSOC_VEC_AT(&merged, parsed_col, i).name;
            if ((strcmp(cn, "TenantId") == 0 || strcmp(cn, "WorkspaceId") == 0) &&
                MSOC_VEC_AT(&merged, parsed_col, i).type != MSOC_TYPE_STRING)
                st = msoc_fail(err, MSOC_CONFLICT, "%s must be a string", cn);
            if (strcmp(cn, "TimeGenerated") == 0 &&
                MSOC_VEC_AT(&merged, parsed_col, i).type != MSOC_TYPE_DATETIME)
                st = msoc_fail(err, MSOC_CONFLICT, "TimeGenerated must be a datetime");
        }
        if (st == MSOC_OK && db->custom.order.n >= MAX_CUSTOM && old == NULL)
            st = msoc_fail(err, MSOC_LIMIT, "too many custom tables (%d)", MAX_CUSTOM);
        if (st == MSOC_OK) {
            msoc_stor_table_def *d =
                def_new(name, name_len, (const parsed_col *)merged.data, merged.n);
            msoc_vec_append(&db->custom.all, &d);
            msoc_hashmap_put(&db->custom.by_name, name, name_len, d);
            bool is_replaced = false;
            for (size_t i = 0; i < db->custom.order.n; i++) {
                if (MSOC_VEC_AT(&db->custom.order, msoc_stor_table_def *, i) == old && old) {
                    MSOC_VEC_AT(&db->custom.order, msoc_stor_table_def *, i) = d;
                    is_replaced = true;
                }
            }
            if (!is_replaced)
                msoc_vec_append(&db->custom.order, &d);
            if (is_persist)
                st = persist(db, err);
            *out = d;
        }
    }
    msoc_vec_fini(&merged);
done:
    free_cols(&cols);
    return st;
}

msoc_status msoc_stor_table_create(msoc_stor_db *db, const char *spec, size_t len,
                                   const msoc_stor_table_def **out, msoc_error *err)
{
    pthread_mutex_lock(&db->custom.mu);
    const msoc_stor_table_def *d = NULL;
    msoc_status st = create_locked(db, spec, len, true, &d, err);
    pthread_mutex_unlock(&db->custom.mu);
    if (st == MSOC_OK && out != NULL)
        *out = d;
    return st;
}

msoc_status msoc_stor__custom_load(msoc_stor_db *db, msoc_error *err)
{
    pthread_mutex_init(&db->custom.mu, NULL);
    msoc_hashmap_init(&db->custom.by_name, NULL, 0);
    msoc_vec_init(&db->custom.order, sizeof(msoc_stor_table_def *), MAX_CUSTOM);
    msoc_vec_init(&db->custom.all, sizeof(msoc_stor_table_def *), (size_t)1 << 24);
    char *path = msoc_stor__path(db->dir, CUSTOM_FILE, NULL, NULL);
    char *text = NULL;
    size_t len = 0;
    msoc_error e2;
    msoc_error_clear(&e2);
    msoc_status st = msoc_stor__read_file(path, (size_t)64 << 20, &text, &len, &e2);
    if (st == MSOC_NOTFOUND) {
        msoc_free(path);
        return MSOC_OK;
    }
    if (st != MSOC_OK) {
        msoc_free(path);
        *err = e2;
        return st;
    }
    size_t line_no = 0;
    const char *p = text, *end = text + len;
    while (p < end && st == MSOC_OK) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl != NULL ? nl : end;
        line_no++;
        if (le > p) {
            const msoc_stor_table_def *d;
            st = create_locked(db, p, (size_t)(le - p), false, &d, err);
            if (st != MSOC_OK) {
                msoc_error_prefix(err, "%s:%zu", path, line_no);
                err->code = MSOC_CORRUPT;
                st = MSOC_CORRUPT;
            }
        }
        p = le + 1;
    }
    msoc_free(text);
    msoc_free(path);
    return st;
}

void msoc_stor__custom_fini(stor_custom *c)
{
    for (size_t i = 0; i < c->all.n; i++)
        def_free(MSOC_VEC_AT(&c->all, msoc_stor_table_def *, i));
    msoc_vec_fini(&c->all);
    msoc_vec_fini(&c->order);
    msoc_hashmap_fini(&c->by_name);
    pthread_mutex_destroy(&c->mu);
}

size_t msoc_stor_custom_count(msoc_stor_db *db)
{
    pthread_mutex_lock(&db->custom.mu);
    size_t n = db->custom.order.n;
    pthread_mutex_unlock(&db->custom.mu);
    return n;
}

const msoc_stor_table_def *msoc_stor_custom_at(msoc_stor_db *db, size_t idx)
{
    pthread_mutex_lock(&db->custom.mu);
    const msoc_stor_table_def *d =
        idx < db->custom.order.n ? MSOC_VEC_AT(&db->custom.order, msoc_stor_table_def *, idx)
                                 : NULL;
    pthread_mutex_unlock(&db->custom.mu);
    return d;
}

const msoc_stor_table_def *msoc_stor_table_find(msoc_stor_db *db, const char *name, size_t len)
{
    const msoc_stor_table_def *d = msoc_stor_builtin_find(name, len);
    if (d != NULL)
        return d;
    pthread_mutex_lock(&db->custom.mu);
    void **slot = msoc_hashmap_get(&db->custom.by_name, name, len);
    d = slot != NULL ? *slot : NULL;
    pthread_mutex_unlock(&db->custom.mu);
    return d;
}
