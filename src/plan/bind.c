/* Binding statements and tabular operators into plan nodes. Tables resolve through
 * the catalog, whose partitions are the only ones a SCAN may name. */
#include <stdio.h>

#include "kql/kql.h"
#include "plan_int.h"

msoc_plan_node *msoc_plan__node(binder *b, msoc_plan_kind kind, msoc_plan_node *input, size_t n_cols)
{
    msoc_plan_node *n = msoc_plan__alloc(b, sizeof *n);
    if (n == NULL)
        return NULL;
    n->kind = kind;
    n->id = b->next_id++;
    n->n_cols = n_cols;
    n->cols = msoc_plan__alloc(b, (n_cols + 1) * sizeof *n->cols);
    n->limit = -1;
    n->time_col = -1;
    n->withsource = -1;
    n->expand_index_col = -1;
    n->time_lo = INT64_MIN;
    n->time_hi = INT64_MAX;
    if (n->cols == NULL)
        return NULL;
    if (input) {
        n->inputs = msoc_plan__alloc(b, sizeof *n->inputs);
        if (n->inputs == NULL)
            return NULL;
        n->inputs[0] = input;
        n->n_inputs = 1;
    }
    return n;
}

static msoc_status fail_at(binder *b, const msoc_kql_node *e, msoc_status code, const char *what)
{
    return msoc_fail_pos(b->err, code, e->line, e->col, "%s", what);
}

static const msoc_kql_node *param_of(const msoc_kql_node *op, const char *name)
{
    for (uint32_t i = 0; i < op->params.n; i++) {
        const msoc_kql_node *p = op->params.items[i];
        if (msoc_str_ieq_c(p->name, name))
            return p->a;
    }
    return NULL;
}

/* A PROJECT node over in with room for n_cols outputs. */
static msoc_plan_node *project_node(binder *b, msoc_plan_node *in, size_t n_cols)
{
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_PROJECT, in, n_cols);
    if (n == NULL)
        return NULL;
    n->n_exprs = n_cols;
    n->exprs = msoc_plan__alloc(b, (n_cols + 1) * sizeof *n->exprs);
    return n->exprs ? n : NULL;
}

static msoc_plan_node *identity_project(binder *b, msoc_plan_node *in, size_t extra)
{
    msoc_plan_node *n = project_node(b, in, in->n_cols + extra);
    if (n == NULL)
        return NULL;
    for (size_t i = 0; i < in->n_cols; i++) {
        n->cols[i] = in->cols[i];
        n->exprs[i] = msoc_plan__col_ref(b, in, (int)i);
        if (n->exprs[i] == NULL)
            return NULL;
    }
    n->n_cols = in->n_cols;
    n->n_exprs = in->n_cols;
    return n;
}

static void add_col(msoc_plan_node *n, msoc_str name, msoc_type t, msoc_plan_expr *e)
{
    n->cols[n->n_cols].name = name;
    n->cols[n->n_cols].type = t;
    n->exprs[n->n_cols] = e;
    n->n_cols++;
    n->n_exprs = n->n_cols;
}

static msoc_str column_n(binder *b, size_t k)
{
    char buf[32];
    int len = snprintf(buf, sizeof buf, "Column%zu", k);
    return msoc_plan__str(b, buf, (size_t)len);
}

static bool wildcard_match(msoc_str pat, msoc_str s)
{
    size_t p = 0, i = 0, star = (size_t)-1, mark = 0;
    while (i < s.len) {
        if (p < pat.len && pat.ptr[p] == '*') {
            star = p++;
            mark = i;
        } else if (p < pat.len && pat.ptr[p] == s.ptr[i]) {
            p++;
            i++;
        } else if (star != (size_t)-1) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.len && pat.ptr[p] == '*')
        p++;
    return p == pat.len;
}

/* ---- functions whose result is several columns (R_COLUMNS) ----
 * At the top of a project/extend/print item, such a call is computed once into a
 * hidden column holding the array of its results; a PROJECT above spreads that
 * array into one typed column per result, named as the item says ((a, b) = f(x))
 * and otherwise as Kusto does (f_x_suffix, or x_sorted for array_sort_*). */
typedef struct spread {
    bool on;           /* this column spreads into n columns */
    size_t n;
    msoc_str *names;
    msoc_type *types;
} spread;

static msoc_str join3(binder *b, msoc_str a, msoc_str m, const char *c)
{
    char buf[512];
    int len = m.ptr ? snprintf(buf, sizeof buf, "%.*s_%.*s_%s", (int)a.len, a.ptr, (int)m.len, m.ptr, c)
                    : snprintf(buf, sizeof buf, "%.*s_%s", (int)a.len, a.ptr, c);
    if (len < 0 || (size_t)len >= sizeof buf)
        len = (int)sizeof buf - 1;
    return msoc_plan__str(b, buf, (size_t)len);
}

/* Fills *sp for item value ex bound to x (sp->on stays false when it gives one
 * column). extend keeps only the named columns when names are given; project and
 * print name the rest as Kusto does. */
static msoc_status spread_of(binder *b, const msoc_kql_node *ex, const msoc_plan_expr *x,
                             const msoc_str *given, size_t n_given, bool is_extend, spread *sp)
{
    sp->on = false;
    sp->n = 1;
    if (x->kind != MSOC_PLAN_X_CALL || msoc_plan_fn_get(x->fn)->ret != MSOC_PLAN_R_COLUMNS)
        return MSOC_OK;
    msoc_type types[64];
    size_t na = x->n_args < 64 ? x->n_args : 64;
    for (size_t i = 0; i < na; i++)
        types[i] = x->args[i]->type;
    msoc_plan_fn_cols fc = msoc_plan_fn_columns(x->fn, types, na);
    if (fc.n <= 1)
        return MSOC_OK;
    if (n_given > fc.n)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, ex->line, ex->col,
                             "%s() gives %zu columns, %zu names given", msoc_plan_fn_get(x->fn)->name,
                             fc.n, n_given);
    sp->names = msoc_plan__alloc(b, fc.n * sizeof *sp->names);
    sp->types = msoc_plan__alloc(b, fc.n * sizeof *sp->types);
    if (sp->names == NULL || sp->types == NULL)
        return b->err->code;
    const char *fname = msoc_plan_fn_get(x->fn)->name;
    msoc_str fn = {fname, strlen(fname)};
    for (size_t k = 0; k < fc.n; k++) {
        sp->types[k] = fc.per_arg ? fc.cols[0].type : fc.cols[k].type;
        if (k < n_given) {
            sp->names[k] = given[k];
            continue;
        }
        size_t ai = fc.per_arg ? k : 0;
        msoc_str arg = MSOC_STR_NULL;
        if (ex->kind == MSOC_KQL_CALL && ai < ex->args.n && ex->args.items[ai]->kind != MSOC_KQL_NAMED_ARG)
            arg = msoc_plan__expr_name(b, ex->args.items[ai]);
        if (fc.per_arg) {
            char buf[32];
            int len = snprintf(buf, sizeof buf, "array%zu", k + 1);
            sp->names[k] = join3(b, arg.ptr ? arg : msoc_plan__str(b, buf, (size_t)len), MSOC_STR_NULL,
                                 fc.cols[0].suffix);
        } else {
            sp->names[k] = join3(b, fn, arg, fc.cols[k].suffix);
        }
        if (sp->names[k].ptr == NULL)
            return b->err->code;
    }
    sp->n = is_extend && n_given > 0 ? n_given : fc.n;
    sp->on = true;
    return MSOC_OK;
}

/* Part k of a spread column: the k-th element converted to its type. */
static msoc_plan_expr *spread_part(binder *b, const msoc_plan_node *in, int col, size_t k, msoc_type t)
{
    msoc_plan_expr *idx = msoc_plan__alloc(b, sizeof *idx);
    msoc_plan_expr *args[2] = {msoc_plan__col_ref(b, in, col), idx};
    if (idx == NULL || args[0] == NULL)
        return NULL;
    idx->kind = MSOC_PLAN_X_LIT;
    idx->type = idx->lit.type = MSOC_TYPE_LONG;
    idx->lit.i = (int64_t)k;
    idx->lit.s = MSOC_STR("");
    msoc_plan_expr *e = msoc_plan__call(b, MSOC_PLAN_FN_INDEX, args, 2, NULL);
    if (e == NULL || t == MSOC_TYPE_DYNAMIC)
        return e;
    msoc_plan_expr *cast = msoc_plan__alloc(b, sizeof *cast);
    if (cast == NULL || (cast->args = msoc_plan__alloc(b, sizeof *cast->args)) == NULL)
        return NULL;
    cast->kind = MSOC_PLAN_X_CAST;
    cast->type = t;
    cast->args[0] = e;
    cast->n_args = 1;
    return cast;
}

/* A PROJECT over in where each column with sps[c].n > 1 becomes its parts: in
 * place (project, print), or, for extend, replacing same-named columns or
 * appended. in itself when nothing spreads. */
static msoc_status spread_cols(binder *b, msoc_plan_node *in, const spread *sps, bool is_extend,
                               msoc_plan_node **out)
{
    size_t total = 0;
    bool any = false;
    for (size_t c = 0; c < in->n_cols; c++) {
        total += sps[c].on ? sps[c].n : 1;
        any |= sps[c].on;
    }
    if (!any) {
        *out = in;
        return MSOC_OK;
    }
    msoc_plan_node *n = project_node(b, in, total + 1);
    if (n == NULL)
        return b->err->code;
    n->n_cols = 0;
    for (size_t c = 0; c < in->n_cols; c++)
        if (!sps[c].on || !is_extend)
            for (size_t k = 0; k < (sps[c].on ? sps[c].n : 1); k++) {
                msoc_plan_expr *e = !sps[c].on ? msoc_plan__col_ref(b, in, (int)c)
                                               : spread_part(b, in, (int)c, k, sps[c].types[k]);
                if (e == NULL)
                    return b->err->code;
                add_col(n, !sps[c].on ? in->cols[c].name : sps[c].names[k], e->type, e);
            }
    if (is_extend)
        for (size_t c = 0; c < in->n_cols; c++)
            for (size_t k = 0; sps[c].on && k < sps[c].n; k++) {
                msoc_plan_expr *e = spread_part(b, in, (int)c, k, sps[c].types[k]);
                if (e == NULL)
                    return b->err->code;
                int existing = msoc_plan__find_col(n, sps[c].names[k]);
                if (existing >= 0) {
                    n->exprs[existing] = e;
                    n->cols[existing].type = e->type;
                } else {
                    add_col(n, sps[c].names[k], e->type, e);
                }
            }
    *out = n;
    return MSOC_OK;
}

/* ---- sources ---- */

static const msoc_stor_table_def *find_table(binder *b, msoc_str name)
{
    if (b->cat->find_table)
        return b->cat->find_table(b->cat->ctx, name.ptr, name.len);
    return msoc_stor_builtin_find(name.ptr, name.len);
}

/* A scan of table over the authorised partitions (restricted to workspace when
 * given). */
static msoc_status scan_node(binder *b, const msoc_kql_node *pos, msoc_str name, msoc_str workspace,
                             msoc_plan_node **out)
{
    const msoc_stor_table_def *t = find_table(b, name);
    if (t == NULL)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, pos->line, pos->col, "unknown table '%.*s'",
                             (int)name.len, name.ptr);
    /* every table also carries its rows' ingestion time as a hidden column for
     * ingestion_time(); hidden columns start with '$' and never reach results */
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_SCAN, NULL, t->n_cols + 1);
    if (n == NULL)
        return b->err->code;
    n->table_def = t;
    n->table_name = msoc_str_c(t->name);
    n->scan_cols = msoc_plan__alloc(b, (t->n_cols + 2) * sizeof *n->scan_cols);
    msoc_plan_part *parts = msoc_plan__alloc(b, (b->cat->n_parts + 1) * sizeof *parts);
    if (n->scan_cols == NULL || parts == NULL)
        return b->err->code;
    for (size_t i = 0; i < t->n_cols; i++) {
        n->cols[i].name = msoc_str_c(t->cols[i].name);
        n->cols[i].type = t->cols[i].type;
        n->scan_cols[i] = (int)i;
        if (t->timestamp_col && strcmp(t->timestamp_col, t->cols[i].name) == 0)
            n->time_col = (int)i;
    }
    n->cols[t->n_cols].name = MSOC_STR(MSOC_PLAN_INGESTION_TIME_COL);
    n->cols[t->n_cols].type = MSOC_TYPE_DATETIME;
    n->scan_cols[t->n_cols] = -1; /* MSOC_STOR_COL_INGESTION_TIME */
    size_t k = 0;
    for (size_t i = 0; i < b->cat->n_parts; i++) {
        msoc_plan_part p = b->cat->parts[i];
        if (workspace.ptr) {
            if (p.workspace.ptr && p.workspace.len && !msoc_str_eq(p.workspace, workspace))
                continue;
            p.workspace = workspace;
        }
        parts[k++] = p;
    }
    n->parts = parts;
    n->n_parts = k;
    *out = n;
    return MSOC_OK;
}

static msoc_status bind_datatable(binder *b, const msoc_kql_node *op, msoc_plan_node **out)
{
    const msoc_kql_node *schema = op->a;
    size_t nc = schema ? schema->args.n : 0;
    if (nc == 0)
        return fail_at(b, op, MSOC_SEMANTIC, "datatable needs a schema");
    size_t nv = op->args.n;
    if (nv % nc != 0)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, op->line, op->col,
                             "datatable has %zu values, not a multiple of its %zu columns", nv, nc);
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_VALUES, NULL, nc);
    if (n == NULL)
        return b->err->code;
    n->n_rows = nv / nc;
    n->n_exprs = nv;
    n->exprs = msoc_plan__alloc(b, (nv + 1) * sizeof *n->exprs);
    if (n->exprs == NULL)
        return b->err->code;
    for (size_t c = 0; c < nc; c++) {
        const msoc_kql_node *cd = schema->args.items[c];
        n->cols[c].name = cd->name;
        n->cols[c].type = cd->a ? (msoc_type)cd->a->op : MSOC_TYPE_STRING;
    }
    for (size_t i = 0; i < nv; i++) {
        msoc_status st = msoc_plan__bind_expr(b, op->args.items[i], NULL, &n->exprs[i]);
        if (st != MSOC_OK)
            return st;
    }
    *out = n;
    return MSOC_OK;
}

static msoc_status bind_print(binder *b, const msoc_kql_node *op, msoc_plan_node **out)
{
    size_t nc = op->args.n;
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_VALUES, NULL, nc);
    if (n == NULL)
        return b->err->code;
    n->n_rows = 1;
    n->n_exprs = nc;
    n->exprs = msoc_plan__alloc(b, (nc + 1) * sizeof *n->exprs);
    spread *sps = msoc_plan__alloc(b, (nc + 1) * sizeof *sps);
    if (n->exprs == NULL || sps == NULL)
        return b->err->code;
    size_t unnamed = 0;
    for (size_t i = 0; i < nc; i++) {
        const msoc_kql_node *item = op->args.items[i];
        msoc_str name = MSOC_STR_NULL;
        if (item->kind == MSOC_KQL_ASSIGN) {
            name = item->args.items[0]->name;
            item = item->a;
        }
        msoc_status st = msoc_plan__bind_expr(b, item, NULL, &n->exprs[i]);
        if (st != MSOC_OK)
            return st;
        const msoc_kql_node *orig = op->args.items[i];
        size_t n_given = orig->kind == MSOC_KQL_ASSIGN ? orig->args.n : 0;
        msoc_str *given = msoc_plan__alloc(b, (n_given + 1) * sizeof *given);
        if (given == NULL)
            return b->err->code;
        for (size_t k = 0; k < n_given; k++)
            given[k] = orig->args.items[k]->name;
        st = spread_of(b, item, n->exprs[i], given, n_given, false, &sps[i]);
        if (st != MSOC_OK)
            return st;
        if (name.ptr == NULL) {
            char buf[32];
            int len = snprintf(buf, sizeof buf, "print_%zu", unnamed);
            name = msoc_plan__str(b, buf, (size_t)len);
        }
        unnamed++;
        n->cols[i].name = sps[i].on ? MSOC_STR("$spread") : name;
        n->cols[i].type = n->exprs[i]->type == MSOC_TYPE_NULL ? MSOC_TYPE_STRING : n->exprs[i]->type;
    }
    return spread_cols(b, n, sps, false, out);
}

static msoc_status bind_range(binder *b, const msoc_kql_node *op, msoc_plan_node **out)
{
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_RANGE, NULL, 1);
    if (n == NULL)
        return b->err->code;
    n->n_exprs = 3;
    n->exprs = msoc_plan__alloc(b, 4 * sizeof *n->exprs);
    if (n->exprs == NULL)
        return b->err->code;
    const msoc_kql_node *parts[3] = {op->a, op->b, op->c};
    for (int i = 0; i < 3; i++) {
        if (parts[i] == NULL)
            return fail_at(b, op, MSOC_SEMANTIC, "range needs from, to and step");
        msoc_status st = msoc_plan__bind_expr(b, parts[i], NULL, &n->exprs[i]);
        if (st != MSOC_OK)
            return st;
    }
    msoc_type t = n->exprs[0]->type;
    if (t == MSOC_TYPE_INT)
        t = MSOC_TYPE_LONG;
    if (n->exprs[1]->type == MSOC_TYPE_REAL || n->exprs[2]->type == MSOC_TYPE_REAL)
        if (t == MSOC_TYPE_LONG)
            t = MSOC_TYPE_REAL;
    n->cols[0].name = op->name;
    n->cols[0].type = t;
    *out = n;
    return MSOC_OK;
}

/* union: the outer union of the inputs' columns by name. */
static msoc_status make_union(binder *b, const msoc_kql_node *op, msoc_plan_node **ins, size_t n_in,
                              msoc_str *src_names, msoc_plan_node **out)
{
    size_t total = 1;
    for (size_t i = 0; i < n_in; i++)
        total += ins[i]->n_cols;
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_UNION, NULL, total);
    if (n == NULL)
        return b->err->code;
    n->n_cols = 0;
    n->inputs = ins;
    n->n_inputs = n_in;
    n->union_map = msoc_plan__alloc(b, (n_in + 1) * sizeof *n->union_map);
    if (n->union_map == NULL)
        return b->err->code;
    const msoc_kql_node *ws = param_of(op, "withsource");
    if (ws) {
        n->withsource = 0;
        n->cols[0].name = ws->name.ptr ? ws->name : ws->lit.s;
        n->cols[0].type = MSOC_TYPE_STRING;
        n->n_cols = 1;
        n->source_names = src_names;
    }
    const msoc_kql_node *kind = param_of(op, "kind");
    bool is_inner = kind && msoc_str_eq_c(kind->name, "inner");
    /* distinct (name, type) pairs in order of appearance; a name seen with several
     * types becomes name_type for each (name_type1 when that is taken) */
    size_t base = n->n_cols;
    for (size_t i = 0; i < n_in; i++) {
        for (size_t c = 0; c < ins[i]->n_cols; c++) {
            bool is_seen = false;
            for (size_t k = base; k < n->n_cols && !is_seen; k++)
                is_seen = msoc_str_eq(n->cols[k].name, ins[i]->cols[c].name) &&
                          n->cols[k].type == ins[i]->cols[c].type;
            if (!is_seen)
                n->cols[n->n_cols++] = ins[i]->cols[c];
        }
    }
    size_t n_distinct = n->n_cols;
    msoc_plan_col *orig = msoc_plan__alloc(b, (n_distinct + 1) * sizeof *orig);
    if (orig == NULL)
        return b->err->code;
    memcpy(orig, n->cols, n_distinct * sizeof *orig);
    for (size_t k = base; k < n_distinct; k++) {
        bool is_conflict = false;
        for (size_t j = base; j < n_distinct; j++)
            if (j != k && msoc_str_eq(orig[j].name, orig[k].name))
                is_conflict = true;
        if (!is_conflict)
            continue;
        char buf[300];
        int len = snprintf(buf, sizeof buf, "%.*s_%s", (int)orig[k].name.len, orig[k].name.ptr,
                           msoc_type_name(orig[k].type));
        msoc_str nm = msoc_plan__str(b, buf, (size_t)len);
        for (size_t j = base; j < n_distinct; j++) {
            if (msoc_str_eq(orig[j].name, nm)) {
                len = snprintf(buf, sizeof buf, "%.*s_%s1", (int)orig[k].name.len, orig[k].name.ptr,
                               msoc_type_name(orig[k].type));
                nm = msoc_plan__str(b, buf, (size_t)len);
                break;
            }
        }
        n->cols[k].name = nm;
    }
    for (size_t i = 0; i < n_in; i++) {
        n->union_map[i] = msoc_plan__alloc(b, (ins[i]->n_cols + 1) * sizeof(int));
        if (n->union_map[i] == NULL)
            return b->err->code;
        for (size_t c = 0; c < ins[i]->n_cols; c++) {
            n->union_map[i][c] = -1;
            for (size_t k = base; k < n_distinct; k++)
                if (msoc_str_eq(orig[k].name, ins[i]->cols[c].name) && orig[k].type == ins[i]->cols[c].type)
                    n->union_map[i][c] = (int)k;
        }
    }
    if (is_inner) {
        /* keep only columns present in every input */
        msoc_plan_node *p = project_node(b, n, n->n_cols);
        if (p == NULL)
            return b->err->code;
        p->n_cols = 0;
        for (size_t k = 0; k < n->n_cols; k++) {
            bool is_all = (int)k == n->withsource;
            if (!is_all) {
                is_all = true;
                for (size_t i = 0; i < n_in; i++) {
                    bool has = false;
                    for (size_t c = 0; c < ins[i]->n_cols; c++)
                        has |= n->union_map[i][c] == (int)k;
                    is_all &= has;
                }
            }
            if (is_all)
                add_col(p, n->cols[k].name, n->cols[k].type, msoc_plan__col_ref(b, n, (int)k));
        }
        *out = p;
        return MSOC_OK;
    }
    *out = n;
    return MSOC_OK;
}

/* The tables a `union` wildcard may name: every built-in table (an empty one still
 * gives its columns, as in Kusto) and the custom tables the caller's partitions hold. */
static msoc_status union_candidates(binder *b, msoc_str **out, size_t *n_out)
{
    msoc_str *held = NULL;
    size_t n_held = 0;
    msoc_status st = msoc_plan__held_tables(b, &held, &n_held);
    if (st != MSOC_OK)
        return st;
    size_t nb = msoc_stor_builtin_count();
    msoc_str *v = msoc_plan__alloc(b, (nb + n_held + 1) * sizeof *v);
    if (v == NULL)
        return b->err->code;
    size_t n = 0;
    for (size_t j = 0; j < nb; j++)
        v[n++] = msoc_str_c(msoc_stor_builtin_at(j)->name);
    for (size_t j = 0; j < n_held; j++)
        if (msoc_stor_builtin_find(held[j].ptr, held[j].len) == NULL)
            v[n++] = held[j];
    *out = v;
    *n_out = n;
    return MSOC_OK;
}

static msoc_status bind_union(binder *b, const msoc_kql_node *op, msoc_plan_node *first,
                              msoc_plan_node **out)
{
    msoc_str *cands = NULL;
    size_t n_cands = 0, n_in = (first ? 1 : 0);
    for (uint32_t i = 0; i < op->args.n; i++) {
        const msoc_kql_node *t = op->args.items[i];
        if (t->kind != MSOC_KQL_WILDCARD && t->kind != MSOC_KQL_STAR) {
            n_in++;
            continue;
        }
        if (cands == NULL) {
            msoc_status st = union_candidates(b, &cands, &n_cands);
            if (st != MSOC_OK)
                return st;
        }
        n_in += n_cands;
    }
    msoc_plan_node **ins = msoc_plan__alloc(b, (n_in + 1) * sizeof *ins);
    msoc_str *names = msoc_plan__alloc(b, (n_in + 1) * sizeof *names);
    if (ins == NULL || names == NULL)
        return b->err->code;
    size_t k = 0;
    const msoc_kql_node *fz = param_of(op, "isfuzzy");
    bool is_fuzzy = fz && (fz->kind == MSOC_KQL_LIT ? fz->lit.v.b : msoc_str_eq_c(fz->name, "true"));
    if (first) {
        names[k] = first->as_name.ptr ? first->as_name : MSOC_STR("union_arg0");
        ins[k++] = first;
    }
    for (uint32_t i = 0; i < op->args.n; i++) {
        const msoc_kql_node *t = op->args.items[i];
        if (t->kind == MSOC_KQL_WILDCARD || t->kind == MSOC_KQL_STAR) {
            /* every candidate table matching the pattern */
            for (size_t j = 0; j < n_cands; j++) {
                if (t->kind == MSOC_KQL_WILDCARD && !wildcard_match(t->name, cands[j]))
                    continue;
                msoc_status st = scan_node(b, t, cands[j], MSOC_STR_NULL, &ins[k]);
                if (st != MSOC_OK)
                    return st;
                names[k++] = cands[j];
            }
            continue;
        }
        msoc_status st;
        if (is_fuzzy) {
            /* isfuzzy=true: inputs that do not resolve are left out */
            msoc_error local, *saved = b->err;
            msoc_error_clear(&local);
            b->err = &local;
            st = msoc_plan__bind_tabular(b, t, &ins[k]);
            b->err = saved;
            if (st == MSOC_SEMANTIC)
                continue;
            if (st != MSOC_OK) {
                *b->err = local;
                return st;
            }
        } else {
            st = msoc_plan__bind_tabular(b, t, &ins[k]);
            if (st != MSOC_OK)
                return st;
        }
        names[k] = t->kind == MSOC_KQL_NAME ? t->name
                 : ins[k]->as_name.ptr ? ins[k]->as_name : MSOC_STR("union_arg");
        k++;
    }
    return make_union(b, op, ins, k, names, out);
}

/* ---- operators ---- */

static msoc_status bind_project(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                msoc_plan_node **out)
{
    msoc_plan_node *n = project_node(b, in, in->n_cols + op->args.n + 1);
    if (n == NULL)
        return b->err->code;
    n->n_cols = 0;
    spread *sps = msoc_plan__alloc(b, (in->n_cols + op->args.n + 1) * sizeof *sps);
    if (sps == NULL)
        return b->err->code;
    size_t unnamed = 0;
    for (uint32_t i = 0; i < op->args.n; i++) {
        const msoc_kql_node *item = op->args.items[i];
        if (item->kind == MSOC_KQL_WILDCARD || item->kind == MSOC_KQL_STAR) {
            for (size_t c = 0; c < in->n_cols; c++)
                if (!msoc_plan_col_is_hidden(in->cols[c].name) &&
                    (item->kind == MSOC_KQL_STAR || wildcard_match(item->name, in->cols[c].name))) {
                    sps[n->n_cols].on = false;
                    add_col(n, in->cols[c].name, in->cols[c].type, msoc_plan__col_ref(b, in, (int)c));
                }
            continue;
        }
        msoc_str name = MSOC_STR_NULL;
        msoc_str given[16];
        size_t n_given = 0;
        const msoc_kql_node *ex = item;
        if (item->kind == MSOC_KQL_ASSIGN) {
            for (uint32_t k = 0; k < item->args.n && k < 16; k++)
                given[n_given++] = item->args.items[k]->name;
            name = given[0];
            ex = item->a;
        }
        msoc_plan_expr *e;
        msoc_status st = msoc_plan__bind_expr(b, ex, in, &e);
        if (st != MSOC_OK)
            return st;
        st = spread_of(b, ex, e, given, n_given, false, &sps[n->n_cols]);
        if (st != MSOC_OK)
            return st;
        if (sps[n->n_cols].on)
            name = MSOC_STR("$spread");
        if (name.ptr == NULL)
            name = msoc_plan__expr_name(b, ex);
        if (name.ptr == NULL)
            name = column_n(b, ++unnamed);
        add_col(n, name, e->type == MSOC_TYPE_NULL ? MSOC_TYPE_STRING : e->type, e);
    }
    return spread_cols(b, n, sps, false, out);
}

static msoc_status bind_extend(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                               msoc_plan_node **out)
{
    msoc_plan_node *cur = in;
    size_t unnamed = 0;
    for (uint32_t i = 0; i < op->args.n; i++) {
        const msoc_kql_node *item = op->args.items[i];
        msoc_str names[16];
        size_t n_names = 0;
        const msoc_kql_node *ex = item;
        if (item->kind == MSOC_KQL_ASSIGN) {
            for (uint32_t k = 0; k < item->args.n && k < 16; k++)
                names[n_names++] = item->args.items[k]->name;
            ex = item->a;
        }
        msoc_plan_expr *e;
        msoc_status st = msoc_plan__bind_expr(b, ex, cur, &e);
        if (st != MSOC_OK)
            return st;
        spread sp;
        st = spread_of(b, ex, e, names, n_names, true, &sp);
        if (st != MSOC_OK)
            return st;
        if (sp.on) {
            msoc_plan_node *n = identity_project(b, cur, 1);
            spread *sps = msoc_plan__alloc(b, (cur->n_cols + 2) * sizeof *sps);
            if (n == NULL || sps == NULL)
                return b->err->code;
            for (size_t c = 0; c < cur->n_cols; c++)
                sps[c].on = false;
            sps[cur->n_cols] = sp;
            add_col(n, MSOC_STR("$spread"), MSOC_TYPE_DYNAMIC, e);
            st = spread_cols(b, n, sps, true, &cur);
            if (st != MSOC_OK)
                return st;
            continue;
        }
        if (n_names == 0) {
            msoc_str nm = msoc_plan__expr_name(b, ex);
            names[n_names++] = nm.ptr ? nm : column_n(b, ++unnamed);
        }
        msoc_plan_node *n = identity_project(b, cur, 1);
        if (n == NULL)
            return b->err->code;
        msoc_type t = e->type == MSOC_TYPE_NULL ? MSOC_TYPE_STRING : e->type;
        int existing = msoc_plan__find_col(n, names[0]);
        if (existing >= 0) {
            n->exprs[existing] = e;
            n->cols[existing].type = t;
        } else {
            add_col(n, names[0], t, e);
        }
        cur = n;
    }
    *out = cur;
    return MSOC_OK;
}

static msoc_status bind_project_away(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                     bool is_keep, msoc_plan_node **out)
{
    msoc_plan_node *n = project_node(b, in, in->n_cols);
    if (n == NULL)
        return b->err->code;
    n->n_cols = 0;
    for (size_t c = 0; c < in->n_cols; c++) {
        bool is_listed = false;
        for (uint32_t i = 0; i < op->args.n; i++) {
            const msoc_kql_node *it = op->args.items[i];
            if ((it->kind == MSOC_KQL_NAME && msoc_str_eq(it->name, in->cols[c].name)) ||
                (it->kind == MSOC_KQL_WILDCARD && wildcard_match(it->name, in->cols[c].name)))
                is_listed = true;
        }
        if (is_listed == is_keep)
            add_col(n, in->cols[c].name, in->cols[c].type, msoc_plan__col_ref(b, in, (int)c));
    }
    for (uint32_t i = 0; i < op->args.n; i++) {
        const msoc_kql_node *it = op->args.items[i];
        if (it->kind == MSOC_KQL_NAME && msoc_plan__find_col(in, it->name) < 0)
            return msoc_fail_pos(b->err, MSOC_SEMANTIC, it->line, it->col, "unknown column '%.*s'",
                                 (int)it->name.len, it->name.ptr);
    }
    *out = n;
    return MSOC_OK;
}

static msoc_status bind_rename(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                               msoc_plan_node **out)
{
    msoc_plan_node *n = identity_project(b, in, 0);
    if (n == NULL)
        return b->err->code;
    for (uint32_t i = 0; i < op->args.n; i++) {
        const msoc_kql_node *it = op->args.items[i];
        if (it->kind != MSOC_KQL_ASSIGN || it->a == NULL || it->a->kind != MSOC_KQL_NAME)
            return fail_at(b, it, MSOC_SEMANTIC, "project-rename expects new = old");
        int c = msoc_plan__find_col(in, it->a->name);
        if (c < 0)
            return msoc_fail_pos(b->err, MSOC_SEMANTIC, it->a->line, it->a->col,
                                 "unknown column '%.*s'", (int)it->a->name.len, it->a->name.ptr);
        n->cols[c].name = it->args.items[0]->name;
    }
    *out = n;
    return MSOC_OK;
}

static msoc_status bind_reorder(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                msoc_plan_node **out)
{
    msoc_plan_node *n = project_node(b, in, in->n_cols);
    uint8_t *used = msoc_plan__alloc(b, in->n_cols + 1);
    if (n == NULL || used == NULL)
        return b->err->code;
    n->n_cols = 0;
    for (uint32_t i = 0; i < op->args.n; i++) {
        const msoc_kql_node *it = op->args.items[i];
        uint32_t fl = 0;
        if (it->kind == MSOC_KQL_SORT_KEY) {
            fl = it->flags;
            it = it->a;
        }
        size_t first = n->n_cols;
        for (size_t c = 0; c < in->n_cols; c++) {
            if (used[c])
                continue;
            if ((it->kind == MSOC_KQL_NAME && msoc_str_eq(it->name, in->cols[c].name)) ||
                (it->kind == MSOC_KQL_WILDCARD && wildcard_match(it->name, in->cols[c].name))) {
                used[c] = 1;
                add_col(n, in->cols[c].name, in->cols[c].type, msoc_plan__col_ref(b, in, (int)c));
            }
        }
        if (fl & (MSOC_KQL_F_ASC | MSOC_KQL_F_DESC)) {
            bool is_desc = (fl & MSOC_KQL_F_DESC) != 0;
            for (size_t x = first + 1; x < n->n_cols; x++) {
                for (size_t y = x; y > first; y--) {
                    int c = msoc_str_cmp(n->cols[y - 1].name, n->cols[y].name);
                    if (is_desc ? c >= 0 : c <= 0)
                        break;
                    msoc_plan_col tc = n->cols[y];
                    n->cols[y] = n->cols[y - 1];
                    n->cols[y - 1] = tc;
                    msoc_plan_expr *te = n->exprs[y];
                    n->exprs[y] = n->exprs[y - 1];
                    n->exprs[y - 1] = te;
                }
            }
        }
    }
    for (size_t c = 0; c < in->n_cols; c++)
        if (!used[c])
            add_col(n, in->cols[c].name, in->cols[c].type, msoc_plan__col_ref(b, in, (int)c));
    *out = n;
    return MSOC_OK;
}

static msoc_status bind_sort(binder *b, const msoc_kql_list *keys, msoc_plan_node *in, int64_t limit,
                             msoc_plan_node **out)
{
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_SORT, in, in->n_cols);
    if (n == NULL)
        return b->err->code;
    memcpy(n->cols, in->cols, in->n_cols * sizeof *n->cols);
    n->n_keys = keys->n;
    n->keys = msoc_plan__alloc(b, (keys->n + 1) * sizeof *n->keys);
    if (n->keys == NULL)
        return b->err->code;
    for (uint32_t i = 0; i < keys->n; i++) {
        const msoc_kql_node *k = keys->items[i];
        const msoc_kql_node *ex = k->kind == MSOC_KQL_SORT_KEY ? k->a : k;
        uint32_t fl = k->kind == MSOC_KQL_SORT_KEY ? k->flags : 0;
        msoc_status st = msoc_plan__bind_expr(b, ex, in, &n->keys[i].expr);
        if (st != MSOC_OK)
            return st;
        n->keys[i].is_desc = !(fl & MSOC_KQL_F_ASC);
        n->keys[i].is_nulls_first = (fl & MSOC_KQL_F_NULLS_FIRST) ? true
                                  : (fl & MSOC_KQL_F_NULLS_LAST) ? false
                                                                 : !n->keys[i].is_desc;
    }
    n->limit = limit;
    *out = n;
    return MSOC_OK;
}

static msoc_status const_long(binder *b, const msoc_kql_node *e, int64_t *out)
{
    msoc_plan_expr *x;
    msoc_status st = msoc_plan__bind_expr(b, e, NULL, &x);
    if (st != MSOC_OK)
        return st;
    if (x->kind != MSOC_PLAN_X_LIT || x->lit.is_null)
        return fail_at(b, e, MSOC_UNSUPPORTED, "not supported: a non-constant row count");
    *out = x->type == MSOC_TYPE_REAL ? (int64_t)x->lit.r : x->lit.i;
    return MSOC_OK;
}

static msoc_status bind_distinct(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                 msoc_plan_node **out)
{
    size_t nk = 0;
    bool is_star = op->args.n == 1 && op->args.items[0]->kind == MSOC_KQL_STAR;
    size_t max = is_star ? in->n_cols : op->args.n;
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_AGG, in, max);
    if (n == NULL)
        return b->err->code;
    n->exprs = msoc_plan__alloc(b, (max + 1) * sizeof *n->exprs);
    if (n->exprs == NULL)
        return b->err->code;
    for (size_t i = 0; i < max; i++) {
        msoc_plan_expr *e;
        msoc_str name;
        if (is_star) {
            e = msoc_plan__col_ref(b, in, (int)i);
            name = in->cols[i].name;
        } else {
            const msoc_kql_node *it = op->args.items[i];
            const msoc_kql_node *ex = it->kind == MSOC_KQL_ASSIGN ? it->a : it;
            msoc_status st = msoc_plan__bind_expr(b, ex, in, &e);
            if (st != MSOC_OK)
                return st;
            name = it->kind == MSOC_KQL_ASSIGN ? it->args.items[0]->name : msoc_plan__expr_name(b, ex);
            if (name.ptr == NULL)
                name = column_n(b, i + 1);
        }
        n->exprs[nk] = e;
        n->cols[nk].name = name;
        n->cols[nk].type = e->type;
        nk++;
    }
    n->n_exprs = nk;
    n->n_cols = nk;
    *out = n;
    return MSOC_OK;
}

/* join / lookup */
/* The conjuncts of a join condition (`a and b and c`), in order. */
static size_t count_conjuncts(const msoc_kql_node *k)
{
    if (k->kind == MSOC_KQL_BINARY && k->op == MSOC_KQL_OP_AND)
        return count_conjuncts(k->a) + count_conjuncts(k->b);
    return 1;
}

static void collect_conjuncts(const msoc_kql_node *k, const msoc_kql_node **out, size_t *n)
{
    if (k->kind == MSOC_KQL_BINARY && k->op == MSOC_KQL_OP_AND) {
        collect_conjuncts(k->a, out, n);
        collect_conjuncts(k->b, out, n);
        return;
    }
    out[(*n)++] = k;
}

static msoc_status bind_join(binder *b, const msoc_kql_node *op, msoc_plan_node *left,
                             bool is_lookup, msoc_plan_node **out)
{
    msoc_plan_node *right;
    msoc_status st = msoc_plan__bind_tabular(b, op->a, &right);
    if (st != MSOC_OK)
        return st;
    msoc_plan_join_kind kind = is_lookup ? MSOC_PLAN_JOIN_LEFTOUTER : MSOC_PLAN_JOIN_INNERUNIQUE;
    const msoc_kql_node *kp = param_of(op, "kind");
    if (kp) {
        static const struct {
            const char *name;
            msoc_plan_join_kind k;
        } kinds[] = {
            {"innerunique", MSOC_PLAN_JOIN_INNERUNIQUE}, {"inner", MSOC_PLAN_JOIN_INNER},
            {"leftouter", MSOC_PLAN_JOIN_LEFTOUTER},     {"rightouter", MSOC_PLAN_JOIN_RIGHTOUTER},
            {"fullouter", MSOC_PLAN_JOIN_FULLOUTER},     {"outer", MSOC_PLAN_JOIN_FULLOUTER},
            {"leftanti", MSOC_PLAN_JOIN_LEFTANTI},       {"anti", MSOC_PLAN_JOIN_LEFTANTI},
            {"leftantisemi", MSOC_PLAN_JOIN_LEFTANTI},   {"rightanti", MSOC_PLAN_JOIN_RIGHTANTI},
            {"rightantisemi", MSOC_PLAN_JOIN_RIGHTANTI}, {"leftsemi", MSOC_PLAN_JOIN_LEFTSEMI},
            {"rightsemi", MSOC_PLAN_JOIN_RIGHTSEMI},
        };
        msoc_str kn = kp->name.ptr ? kp->name : kp->lit.s;
        bool is_found = false;
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
            if (msoc_str_eq_c(kn, kinds[i].name)) {
                kind = kinds[i].k;
                is_found = true;
            }
        }
        if (!is_found)
            return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, kp->line, kp->col,
                                 "not supported: join kind '%.*s'", (int)kn.len, kn.ptr);
    }
    /* `on $left.a == $right.b and $left.c == $right.d`: each conjunct is one key */
    size_t cap_keys = 0;
    for (uint32_t i = 0; i < op->keys.n; i++)
        cap_keys += count_conjuncts(op->keys.items[i]);
    const msoc_kql_node **keys = msoc_plan__alloc(b, (cap_keys + 1) * sizeof *keys);
    if (keys == NULL)
        return b->err->code;
    size_t nk = 0;
    for (uint32_t i = 0; i < op->keys.n; i++)
        collect_conjuncts(op->keys.items[i], keys, &nk);
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_JOIN, NULL, left->n_cols + right->n_cols);
    if (n == NULL)
        return b->err->code;
    n->inputs = msoc_plan__alloc(b, 2 * sizeof *n->inputs);
    n->left_keys = msoc_plan__alloc(b, (nk + 1) * sizeof(int));
    n->right_keys = msoc_plan__alloc(b, (nk + 1) * sizeof(int));
    n->join_out = msoc_plan__alloc(b, (left->n_cols + right->n_cols + 1) * sizeof(int));
    if (n->inputs == NULL || n->left_keys == NULL || n->right_keys == NULL || n->join_out == NULL)
        return b->err->code;
    n->inputs[0] = left;
    n->inputs[1] = right;
    n->n_inputs = 2;
    n->join_kind = kind;
    bool *is_same_name_key = msoc_plan__alloc(b, (right->n_cols + 1) * sizeof(bool));
    if (is_same_name_key == NULL)
        return b->err->code;
    for (size_t i = 0; i < nk; i++) {
        const msoc_kql_node *k = keys[i];
        int lc = -1, rc = -1;
        if (k->kind == MSOC_KQL_NAME) {
            lc = msoc_plan__find_col(left, k->name);
            rc = msoc_plan__find_col(right, k->name);
            if (rc >= 0)
                is_same_name_key[rc] = true;
        } else if (k->kind == MSOC_KQL_BINARY && k->op == MSOC_KQL_OP_EQ) {
            const msoc_kql_node *sides[2] = {k->a, k->b};
            for (int s = 0; s < 2; s++) {
                const msoc_kql_node *m = sides[s];
                if (m->kind != MSOC_KQL_MEMBER || m->a == NULL || m->a->kind != MSOC_KQL_NAME)
                    return fail_at(b, m, MSOC_UNSUPPORTED, "not supported: join condition (use $left.X == $right.Y)");
                if (msoc_str_eq_c(m->a->name, "$left"))
                    lc = msoc_plan__find_col(left, m->name);
                else
                    rc = msoc_plan__find_col(right, m->name);
            }
        } else {
            return fail_at(b, k, MSOC_UNSUPPORTED, "not supported: join condition");
        }
        if (lc < 0 || rc < 0)
            return msoc_fail_pos(b->err, MSOC_SEMANTIC, k->line, k->col,
                                 "join key not found on the %s side", lc < 0 ? "left" : "right");
        n->left_keys[i] = lc;
        n->right_keys[i] = rc;
    }
    n->n_join_keys = nk;
    n->n_cols = 0;
    bool is_left_only = kind == MSOC_PLAN_JOIN_LEFTANTI || kind == MSOC_PLAN_JOIN_LEFTSEMI;
    bool is_right_only = kind == MSOC_PLAN_JOIN_RIGHTANTI || kind == MSOC_PLAN_JOIN_RIGHTSEMI;
    if (!is_right_only) {
        for (size_t c = 0; c < left->n_cols; c++) {
            n->cols[n->n_cols] = left->cols[c];
            n->join_out[n->n_cols++] = (int)c;
        }
    }
    if (!is_left_only) {
        for (size_t c = 0; c < right->n_cols; c++) {
            if (is_lookup && is_same_name_key[c])
                continue;
            msoc_str name = right->cols[c].name;
            if (!is_right_only) {
                for (int suffix = 1; msoc_plan__find_col(n, name) >= 0 && suffix < 100; suffix++) {
                    char buf[300];
                    int len = snprintf(buf, sizeof buf, "%.*s%d", (int)right->cols[c].name.len,
                                       right->cols[c].name.ptr, suffix);
                    name = msoc_plan__str(b, buf, (size_t)len);
                }
            }
            n->cols[n->n_cols].name = name;
            n->cols[n->n_cols].type = right->cols[c].type;
            n->join_out[n->n_cols++] = -(int)c - 1;
        }
    }
    *out = n;
    return MSOC_OK;
}

static msoc_status bind_mv_expand(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                  msoc_plan_node **out)
{
    /* First make every expanded item a column (extend for expressions). */
    msoc_plan_node *cur = in;
    size_t ni = op->args.n;
    int *cols = msoc_plan__alloc(b, (ni + 1) * sizeof(int));
    msoc_type *types = msoc_plan__alloc(b, (ni + 1) * sizeof(msoc_type));
    if (cols == NULL || types == NULL)
        return b->err->code;
    for (size_t i = 0; i < ni; i++) {
        const msoc_kql_node *it = op->args.items[i];
        const msoc_kql_node *ex = it->kind == MSOC_KQL_MV_ITEM ? it->a : it;
        types[i] = (it->kind == MSOC_KQL_MV_ITEM && it->b) ? (msoc_type)it->b->op : MSOC_TYPE_DYNAMIC;
        if (ex->kind == MSOC_KQL_NAME && msoc_plan__find_col(cur, ex->name) >= 0) {
            cols[i] = msoc_plan__find_col(cur, ex->name);
            continue;
        }
        msoc_str name;
        const msoc_kql_node *val = ex;
        if (ex->kind == MSOC_KQL_ASSIGN) {
            name = ex->args.items[0]->name;
            val = ex->a;
        } else {
            name = msoc_plan__expr_name(b, ex);
            if (name.ptr == NULL)
                name = MSOC_STR("expanded");
        }
        msoc_plan_expr *e;
        msoc_status st = msoc_plan__bind_expr(b, val, cur, &e);
        if (st != MSOC_OK)
            return st;
        msoc_plan_node *p = identity_project(b, cur, 1);
        if (p == NULL)
            return b->err->code;
        int existing = msoc_plan__find_col(p, name);
        if (existing >= 0) {
            p->exprs[existing] = e;
            p->cols[existing].type = MSOC_TYPE_DYNAMIC;
            cols[i] = existing;
        } else {
            cols[i] = (int)p->n_cols;
            add_col(p, name, MSOC_TYPE_DYNAMIC, e);
        }
        if (e->type != MSOC_TYPE_DYNAMIC) {
            msoc_plan_expr *cast = msoc_plan__alloc(b, sizeof *cast);
            if (cast == NULL)
                return b->err->code;
            cast->kind = MSOC_PLAN_X_CAST;
            cast->type = MSOC_TYPE_DYNAMIC;
            cast->args = msoc_plan__alloc(b, sizeof *cast->args);
            if (cast->args == NULL)
                return b->err->code;
            cast->args[0] = e;
            cast->n_args = 1;
            p->exprs[cols[i]] = cast;
        }
        cur = p;
    }
    const msoc_kql_node *idx = param_of(op, "with_itemindex");
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_MVEXPAND, cur, cur->n_cols + 1);
    if (n == NULL)
        return b->err->code;
    memcpy(n->cols, cur->cols, cur->n_cols * sizeof *n->cols);
    for (size_t i = 0; i < ni; i++)
        n->cols[cols[i]].type = types[i];
    n->n_cols = cur->n_cols;
    if (idx) {
        n->expand_index_col = (int)n->n_cols;
        n->cols[n->n_cols].name = idx->name.ptr ? idx->name : idx->lit.s;
        n->cols[n->n_cols].type = MSOC_TYPE_LONG;
        n->n_cols++;
    }
    n->expand_cols = cols;
    n->expand_types = types;
    n->n_expand = ni;
    if (op->c) {
        msoc_status st = const_long(b, op->c, &n->limit);
        if (st != MSOC_OK)
            return st;
    }
    *out = n;
    return MSOC_OK;
}

/* parse: the pattern becomes one regular expression; each column is extracted
 * from its group. */
static msoc_plan_expr *str_lit(binder *b, msoc_str v)
{
    msoc_plan_expr *x = msoc_plan__alloc(b, sizeof *x);
    if (x == NULL)
        return NULL;
    x->kind = MSOC_PLAN_X_LIT;
    x->type = x->lit.type = MSOC_TYPE_STRING;
    x->lit.s = v;
    return x;
}

/* parse / parse-where: the pattern becomes one regular expression with a named
 * group per column; each column is extracted from its group and converted. */
/* parse (simple and regex kinds): when a typed column does not convert, Kusto
 * leaves every column the row's parse extracts empty, as if the text had not
 * matched (relaxed keeps the others). p is the parse's projection. */
static msoc_status blank_failed_parse(binder *b, msoc_plan_node *p, const msoc_kql_node *const *cols,
                                      size_t n_groups, const msoc_kql_node *op, msoc_plan_node **out)
{
    msoc_plan_expr *ok = NULL;
    for (size_t g = 0; g < n_groups; g++) {
        msoc_type t = cols[g]->a ? (msoc_type)cols[g]->a->op : MSOC_TYPE_STRING;
        if (t == MSOC_TYPE_STRING)
            continue;
        msoc_plan_expr *ref = msoc_plan__col_ref(b, p, msoc_plan__find_col(p, cols[g]->name));
        msoc_plan_expr *nn = ref ? msoc_plan__call(b, MSOC_PLAN_FN_ISNOTNULL, &ref, 1, op) : NULL;
        if (nn == NULL)
            return b->err->code;
        if (ok != NULL) {
            msoc_plan_expr *two[2] = {ok, nn};
            if ((nn = msoc_plan__call(b, MSOC_PLAN_FN_AND, two, 2, op)) == NULL)
                return b->err->code;
        }
        ok = nn;
    }
    if (ok == NULL) { /* no typed column: nothing can fail to convert */
        *out = p;
        return MSOC_OK;
    }
    msoc_plan_node *q = identity_project(b, p, 0);
    if (q == NULL)
        return b->err->code;
    for (size_t g = 0; g < n_groups; g++) {
        int c = msoc_plan__find_col(q, cols[g]->name);
        msoc_type t = q->cols[c].type;
        msoc_plan_expr *args[3] = {ok, q->exprs[c], msoc_plan__lit_null(b, t)};
        if (args[2] == NULL)
            return b->err->code;
        msoc_plan_expr *e = msoc_plan__call(b, MSOC_PLAN_FN_IFF, args, 3, op);
        if (e == NULL)
            return b->err->code;
        e->type = t;
        q->exprs[c] = e;
    }
    *out = q;
    return MSOC_OK;
}

static msoc_status bind_parse(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                              bool is_where, msoc_plan_node **out)
{
    msoc_buf re;
    msoc_buf_init(&re, 1 << 20);
    msoc_buf_reserve(&re, 1);
    const msoc_kql_node *kind = param_of(op, "kind");
    msoc_str kind_s = kind ? (kind->name.ptr ? kind->name : kind->lit.s) : MSOC_STR("simple");
    bool is_regex = msoc_str_eq_c(kind_s, "regex");
    bool is_relaxed = msoc_str_eq_c(kind_s, "relaxed");
    const msoc_kql_node *flags = param_of(op, "flags");
    if (flags) {
        msoc_str f = flags->name.ptr ? flags->name : flags->lit.s;
        if (f.len && f.len < 16) {
            msoc_buf_append_c(&re, "(?");
            msoc_buf_append_str(&re, f);
            msoc_buf_append_c(&re, ")");
        }
    }
    if (!is_regex)
        msoc_buf_append_c(&re, "^");
    size_t n_groups = 0;
    const msoc_kql_node *cols[64];
    for (uint32_t i = 0; i < op->args.n; i++) {
        const msoc_kql_node *it = op->args.items[i];
        bool is_last = i + 1 == op->args.n;
        if (it->kind == MSOC_KQL_LIT) {
            if (is_regex) {
                msoc_buf_append_str(&re, it->lit.s);
            } else {
                for (size_t k = 0; k < it->lit.s.len; k++) {
                    char c = it->lit.s.ptr[k];
                    if (strchr("\\^$.|?*+()[]{}", c))
                        msoc_buf_putc(&re, '\\');
                    msoc_buf_putc(&re, c);
                }
            }
        } else if (it->kind == MSOC_KQL_STAR) {
            msoc_buf_append_c(&re, is_last ? ".*" : ".*?");
        } else if (it->kind == MSOC_KQL_COLDEF && n_groups < 64) {
            msoc_type t = it->a ? (msoc_type)it->a->op : MSOC_TYPE_STRING;
            const char *g = (is_last || is_regex) ? ".*" : ".*?";
            if (t == MSOC_TYPE_LONG || t == MSOC_TYPE_INT)
                g = "-?\\d+";
            else if (t == MSOC_TYPE_REAL)
                g = "-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?";
            if (is_relaxed && t != MSOC_TYPE_STRING)
                msoc_buf_appendf(&re, "(?:(?<c%zu>%s)|.*?)", n_groups, g); /* relaxed: null, go on */
            else
                msoc_buf_appendf(&re, "(?<c%zu>%s)", n_groups, g);
            cols[n_groups++] = it;
        }
    }
    msoc_str pattern = msoc_plan__str(b, re.data ? re.data : "", re.len);
    msoc_buf_fini(&re);
    msoc_plan_expr *src;
    msoc_status st = msoc_plan__bind_expr(b, op->a, in, &src);
    if (st != MSOC_OK)
        return st;
    msoc_plan_node *p = identity_project(b, in, n_groups + 1);
    if (p == NULL)
        return b->err->code;
    for (size_t g = 0; g < n_groups; g++) {
        msoc_type t = cols[g]->a ? (msoc_type)cols[g]->a->op : MSOC_TYPE_STRING;
        char gname[16];
        int gl = snprintf(gname, sizeof gname, "c%zu", g);
        msoc_plan_expr *args[4];
        args[0] = str_lit(b, pattern);
        args[1] = str_lit(b, msoc_plan__str(b, gname, (size_t)gl));
        args[2] = src;
        args[3] = msoc_plan__lit_null(b, t);
        if (args[0] == NULL || args[1] == NULL || args[3] == NULL)
            return b->err->code;
        msoc_plan_expr *e = msoc_plan__call(b, MSOC_PLAN_FN_EXTRACT, args, 4, cols[g]);
        if (e == NULL)
            return b->err->code;
        e->type = t;
        int existing = msoc_plan__find_col(p, cols[g]->name);
        if (existing >= 0) {
            p->exprs[existing] = e;
            p->cols[existing].type = t;
        } else {
            add_col(p, cols[g]->name, t, e);
        }
    }
    if (is_where) {
        msoc_plan_expr *args[2];
        args[0] = src;
        args[1] = str_lit(b, pattern);
        if (args[1] == NULL)
            return b->err->code;
        msoc_plan_node *f = msoc_plan__node(b, MSOC_PLAN_FILTER, in, in->n_cols);
        if (f == NULL)
            return b->err->code;
        memcpy(f->cols, in->cols, in->n_cols * sizeof *f->cols);
        f->pred = msoc_plan__call(b, MSOC_PLAN_FN_MATCHES_REGEX, args, 2, op);
        p->inputs[0] = f;
        /* typed columns that do not convert drop the row too */
        msoc_plan_node *f2 = msoc_plan__node(b, MSOC_PLAN_FILTER, p, p->n_cols);
        if (f2 == NULL)
            return b->err->code;
        memcpy(f2->cols, p->cols, p->n_cols * sizeof *f2->cols);
        msoc_plan_expr *pred = NULL;
        for (size_t g = 0; g < n_groups; g++) {
            msoc_type t = cols[g]->a ? (msoc_type)cols[g]->a->op : MSOC_TYPE_STRING;
            if (t == MSOC_TYPE_STRING)
                continue;
            int c = msoc_plan__find_col(p, cols[g]->name);
            msoc_plan_expr *ref = msoc_plan__col_ref(b, p, c);
            msoc_plan_expr *nn = msoc_plan__call(b, MSOC_PLAN_FN_ISNOTNULL, &ref, 1, op);
            if (nn == NULL)
                return b->err->code;
            if (pred == NULL) {
                pred = nn;
            } else {
                msoc_plan_expr *two[2] = {pred, nn};
                pred = msoc_plan__call(b, MSOC_PLAN_FN_AND, two, 2, op);
            }
        }
        if (pred) {
            f2->pred = pred;
            *out = f2;
            return MSOC_OK;
        }
    }
    if (!is_where && !is_relaxed)
        return blank_failed_parse(b, p, cols, n_groups, op, out);
    *out = p;
    return MSOC_OK;
}

static msoc_status bind_getschema(binder *b, msoc_plan_node *in, msoc_plan_node **out)
{
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_VALUES, NULL, 4);
    if (n == NULL)
        return b->err->code;
    static const char *names[] = {"ColumnName", "ColumnOrdinal", "DataType", "ColumnType"};
    static const msoc_type types[] = {MSOC_TYPE_STRING, MSOC_TYPE_INT, MSOC_TYPE_STRING, MSOC_TYPE_STRING};
    for (int i = 0; i < 4; i++) {
        n->cols[i].name = msoc_str_c(names[i]);
        n->cols[i].type = types[i];
    }
    size_t n_visible = 0;
    for (size_t r = 0; r < in->n_cols; r++)
        n_visible += !msoc_plan_col_is_hidden(in->cols[r].name);
    n->n_rows = n_visible;
    n->n_exprs = in->n_cols * 4;
    n->exprs = msoc_plan__alloc(b, (n->n_exprs + 1) * sizeof *n->exprs);
    if (n->exprs == NULL)
        return b->err->code;
    for (size_t r = 0, row = 0; r < in->n_cols; r++) {
        if (msoc_plan_col_is_hidden(in->cols[r].name))
            continue;
        for (int c = 0; c < 4; c++) {
            msoc_plan_expr *x = msoc_plan__alloc(b, sizeof *x);
            if (x == NULL)
                return b->err->code;
            x->kind = MSOC_PLAN_X_LIT;
            x->type = x->lit.type = types[c];
            if (c == 0)
                x->lit.s = in->cols[r].name;
            else if (c == 1)
                x->lit.i = (int64_t)row;
            else if (c == 2)
                x->lit.s = msoc_str_c(msoc_type_clr_name(in->cols[r].type));
            else
                x->lit.s = msoc_str_c(msoc_type_name(in->cols[r].type));
            n->exprs[row * 4 + (size_t)c] = x;
        }
        row++;
    }
    *out = n;
    return MSOC_OK;
}

/* Kusto pushes a filter that follows a join towards the side it reads; for
 * innerunique that means before the left side is de-duplicated, so
 * `t1 | join t2 on key | where value == "x"` keeps the matches of every left row
 * with value "x", not only of the one that would have survived the de-duplication
 * (the innerunique documentation's example). True when pred reads only left
 * columns of join and has no subquery or window function. */
static bool pred_is_left_only(const msoc_plan_expr *e, const msoc_plan_node *join)
{
    switch (e->kind) {
    case MSOC_PLAN_X_COL: return e->col >= 0 && (size_t)e->col < join->n_cols && join->join_out[e->col] >= 0;
    case MSOC_PLAN_X_LIT: return true;
    case MSOC_PLAN_X_SUB: return false;
    case MSOC_PLAN_X_CALL:
        if (msoc_plan_fn_get(e->fn)->kind == MSOC_PLAN_FK_WINDOW)
            return false;
        break;
    case MSOC_PLAN_X_CAST: break;
    }
    for (size_t i = 0; i < e->n_args; i++)
        if (!pred_is_left_only(e->args[i], join))
            return false;
    return true;
}

/* A copy of e with join output columns renumbered as the join's left input's. */
static msoc_plan_expr *remap_to_left(binder *b, const msoc_plan_expr *e, const msoc_plan_node *join)
{
    msoc_plan_expr *x = msoc_plan__alloc(b, sizeof *x);
    if (x == NULL)
        return NULL;
    *x = *e;
    if (e->kind == MSOC_PLAN_X_COL)
        x->col = join->join_out[e->col];
    if (e->n_args) {
        x->args = msoc_plan__alloc(b, e->n_args * sizeof *x->args);
        if (x->args == NULL)
            return NULL;
        for (size_t i = 0; i < e->n_args; i++)
            if ((x->args[i] = remap_to_left(b, e->args[i], join)) == NULL)
                return NULL;
    }
    return x;
}

static msoc_status push_filter_below_innerunique(binder *b, const msoc_plan_expr *pred,
                                                 const msoc_plan_node *join, msoc_plan_node **out)
{
    msoc_plan_node *left = join->inputs[0];
    msoc_plan_node *f = msoc_plan__node(b, MSOC_PLAN_FILTER, left, left->n_cols);
    msoc_plan_node *j = msoc_plan__node(b, MSOC_PLAN_JOIN, NULL, 0);
    if (f == NULL || j == NULL)
        return b->err->code;
    memcpy(f->cols, left->cols, left->n_cols * sizeof *f->cols);
    if ((f->pred = remap_to_left(b, pred, join)) == NULL)
        return b->err->code;
    /* a new join node: the bound one may be shared (a let) and must not change */
    int id = j->id;
    *j = *join;
    j->id = id;
    j->inputs = msoc_plan__alloc(b, 2 * sizeof *j->inputs);
    if (j->inputs == NULL)
        return b->err->code;
    j->inputs[0] = f;
    j->inputs[1] = join->inputs[1];
    *out = j;
    return MSOC_OK;
}

static msoc_status bind_operator(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                 msoc_plan_node **out)
{
    msoc_status st;
    switch (op->kind) {
    case MSOC_KQL_OP_WHERE: {
        msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_FILTER, in, in->n_cols);
        if (n == NULL)
            return b->err->code;
        memcpy(n->cols, in->cols, in->n_cols * sizeof *n->cols);
        st = msoc_plan__bind_expr(b, op->a, in, &n->pred);
        *out = n;
        if (st == MSOC_OK && in->kind == MSOC_PLAN_JOIN && in->join_kind == MSOC_PLAN_JOIN_INNERUNIQUE &&
            pred_is_left_only(n->pred, in))
            return push_filter_below_innerunique(b, n->pred, in, out);
        return st;
    }
    case MSOC_KQL_OP_PROJECT: return bind_project(b, op, in, out);
    case MSOC_KQL_OP_EXTEND: return bind_extend(b, op, in, out);
    case MSOC_KQL_OP_SERIALIZE:
        if (op->args.n == 0) {
            *out = in;
            return MSOC_OK;
        }
        return bind_extend(b, op, in, out);
    case MSOC_KQL_OP_PROJECT_AWAY: return bind_project_away(b, op, in, false, out);
    case MSOC_KQL_OP_PROJECT_KEEP: return bind_project_away(b, op, in, true, out);
    case MSOC_KQL_OP_PROJECT_RENAME: return bind_rename(b, op, in, out);
    case MSOC_KQL_OP_PROJECT_REORDER: return bind_reorder(b, op, in, out);
    case MSOC_KQL_OP_SUMMARIZE:
    case MSOC_KQL_OP_COUNT: return msoc_plan__bind_summarize(b, op, in, out);
    case MSOC_KQL_OP_TAKE: {
        msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_LIMIT, in, in->n_cols);
        if (n == NULL)
            return b->err->code;
        memcpy(n->cols, in->cols, in->n_cols * sizeof *n->cols);
        *out = n;
        return const_long(b, op->a, &n->limit);
    }
    case MSOC_KQL_OP_TOP: {
        int64_t lim;
        st = const_long(b, op->a, &lim);
        if (st != MSOC_OK)
            return st;
        return bind_sort(b, &op->args, in, lim < 0 ? 0 : lim, out);
    }
    case MSOC_KQL_OP_SORT: return bind_sort(b, &op->args, in, -1, out);
    case MSOC_KQL_OP_DISTINCT: return bind_distinct(b, op, in, out);
    case MSOC_KQL_OP_JOIN: return bind_join(b, op, in, false, out);
    case MSOC_KQL_OP_LOOKUP: return bind_join(b, op, in, true, out);
    case MSOC_KQL_OP_UNION: return bind_union(b, op, in, out);
    case MSOC_KQL_OP_SEARCH: return msoc_plan__bind_search(b, op, in, out);
    case MSOC_KQL_OP_MV_EXPAND: return bind_mv_expand(b, op, in, out);
    case MSOC_KQL_OP_PARSE: return bind_parse(b, op, in, false, out);
    case MSOC_KQL_OP_PARSE_WHERE: return bind_parse(b, op, in, true, out);
    case MSOC_KQL_OP_RENDER:
        *out = in;
        return MSOC_OK;
    case MSOC_KQL_OP_AS: {
        bind_sym *s = msoc_plan__alloc(b, sizeof *s);
        if (s == NULL)
            return b->err->code;
        s->name = op->name;
        s->kind = SYM_TABLE;
        s->node = in;
        s->next = b->syms;
        b->syms = s;
        in->as_name = op->name;
        *out = in;
        return MSOC_OK;
    }
    case MSOC_KQL_OP_GETSCHEMA: return bind_getschema(b, in, out);
    case MSOC_KQL_OP_EXTERNALDATA:
        return fail_at(b, op, MSOC_UNSUPPORTED, "not supported: externaldata (no network access from queries)");
    case MSOC_KQL_OP_MV_APPLY:
    case MSOC_KQL_OP_PARTITION:
    case MSOC_KQL_OP_EVALUATE:
    case MSOC_KQL_OP_SCAN:
    case MSOC_KQL_OP_TOP_NESTED:
    case MSOC_KQL_OP_TOP_HITTERS:
    case MSOC_KQL_OP_MAKE_SERIES:
    case MSOC_KQL_OP_REDUCE:
    case MSOC_KQL_OP_SAMPLE:
    case MSOC_KQL_OP_SAMPLE_DISTINCT:
    case MSOC_KQL_OP_PARSE_KV:
    case MSOC_KQL_OP_INVOKE:
    case MSOC_KQL_OP_FORK:
    case MSOC_KQL_OP_FACET:
        return msoc_plan__bind_op_ext(b, op, in, out);
    default:
        return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, op->line, op->col, "not supported: %s",
                             msoc_kql_kind_name(op->kind));
    }
}

static msoc_status bind_tabular_call(binder *b, const msoc_kql_node *e, msoc_plan_node **out)
{
    msoc_str name = e->name;
    if (msoc_str_eq_c(name, "materialize") && e->args.n == 1) {
        msoc_plan_node *in;
        msoc_status st = msoc_plan__bind_tabular(b, e->args.items[0], &in);
        if (st != MSOC_OK)
            return st;
        msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_SHARED, in, in->n_cols);
        if (n == NULL)
            return b->err->code;
        memcpy(n->cols, in->cols, in->n_cols * sizeof *n->cols);
        *out = n;
        return MSOC_OK;
    }
    if (msoc_str_eq_c(name, "table") && e->args.n >= 1) {
        /* the name is a constant string: a literal, or a let/function parameter
         * bound to one (table(tableName) inside a function) */
        msoc_str tn;
        if (e->args.items[0]->kind == MSOC_KQL_LIT) {
            tn = e->args.items[0]->lit.s;
        } else {
            msoc_plan_expr *nx;
            msoc_status st = msoc_plan__bind_expr(b, e->args.items[0], NULL, &nx);
            if (st != MSOC_OK)
                return st;
            if (nx->kind != MSOC_PLAN_X_LIT || nx->type != MSOC_TYPE_STRING || nx->lit.is_null)
                return fail_at(b, e, MSOC_SEMANTIC, "table(): the table name must be a constant string");
            tn = nx->lit.s;
        }
        bind_sym *s = msoc_plan__lookup(b, tn);
        if (s && s->kind == SYM_TABLE) {
            *out = s->node;
            return MSOC_OK;
        }
        return scan_node(b, e, tn, MSOC_STR_NULL, out);
    }
    bind_sym *sym = msoc_plan__lookup(b, name);
    if (sym && sym->kind == SYM_FUNC) {
        const msoc_kql_node *f = sym->func;
        bind_sym *saved = b->syms, *chain = saved;
        for (uint32_t i = 0; i < f->args.n; i++) {
            const msoc_kql_node *p = f->args.items[i];
            const msoc_kql_node *arg = i < e->args.n ? e->args.items[i] : p->b;
            if (arg && arg->kind == MSOC_KQL_NAMED_ARG)
                arg = arg->a;
            if (arg == NULL)
                return fail_at(b, e, MSOC_SEMANTIC, "missing function argument");
            bind_sym *s = msoc_plan__alloc(b, sizeof *s);
            if (s == NULL)
                return b->err->code;
            s->name = p->name;
            msoc_status st;
            if (p->a && p->a->kind == MSOC_KQL_SCHEMA) {
                s->kind = SYM_TABLE;
                st = msoc_plan__bind_tabular(b, arg, &s->node);
            } else {
                s->kind = SYM_SCALAR;
                st = msoc_plan__bind_expr(b, arg, NULL, &s->expr);
            }
            if (st != MSOC_OK)
                return st;
            s->next = chain;
            chain = s;
        }
        b->syms = chain;
        const msoc_kql_node *res = NULL;
        msoc_status st = msoc_plan__bind_lets(b, f->a, &res);
        if (st == MSOC_OK)
            st = res ? msoc_plan__bind_tabular(b, res, out)
                     : fail_at(b, e, MSOC_SEMANTIC, "function has no result");
        b->syms = saved;
        return st;
    }
    if (msoc_plan__is_builtin_source(name))
        return msoc_plan__bind_builtin_source(b, e, out);
    return msoc_plan__unknown_tabular_fn(b, e, "", " as a table");
}

msoc_status msoc_plan__bind_lets(binder *b, const msoc_kql_node *body, const msoc_kql_node **result)
{
    *result = NULL;
    for (uint32_t i = 0; body && i < body->args.n; i++) {
        const msoc_kql_node *stmt = body->args.items[i];
        if (stmt->kind != MSOC_KQL_LET) {
            *result = stmt;
            continue;
        }
        bind_sym *s = msoc_plan__alloc(b, sizeof *s);
        if (s == NULL)
            return b->err->code;
        s->name = stmt->name;
        msoc_status st = MSOC_OK;
        if (stmt->a && stmt->a->kind == MSOC_KQL_FUNC) {
            s->kind = SYM_FUNC;
            s->func = stmt->a;
        } else if (msoc_plan__is_tabular(b, stmt->a)) {
            s->kind = SYM_TABLE;
            st = msoc_plan__bind_tabular(b, stmt->a, &s->node);
        } else {
            s->kind = SYM_SCALAR;
            st = msoc_plan__bind_expr(b, stmt->a, NULL, &s->expr);
        }
        s->next = b->syms;
        b->syms = s;
        if (st != MSOC_OK)
            return st;
    }
    return MSOC_OK;
}

msoc_status msoc_plan__bind_tabular(binder *b, const msoc_kql_node *e, msoc_plan_node **out)
{
    if (e == NULL)
        return msoc_fail(b->err, MSOC_SEMANTIC, "missing tabular expression");
    if (++b->depth > 200) {
        b->depth--;
        return fail_at(b, e, MSOC_LIMIT, "query nested too deeply");
    }
    msoc_status st = MSOC_OK;
    msoc_plan_node *cur = NULL;
    switch (e->kind) {
    case MSOC_KQL_PIPE: {
        uint32_t first = 0;
        if (e->a) {
            st = msoc_plan__bind_tabular(b, e->a, &cur);
        } else if (e->args.n > 0) {
            st = msoc_plan__bind_tabular(b, e->args.items[0], &cur);
            first = 1;
        } else {
            st = fail_at(b, e, MSOC_SEMANTIC, "empty pipeline");
        }
        for (uint32_t i = first; st == MSOC_OK && i < e->args.n; i++) {
            msoc_plan_node *next;
            st = bind_operator(b, e->args.items[i], cur, &next);
            cur = next;
        }
        break;
    }
    case MSOC_KQL_NAME: {
        bind_sym *s = msoc_plan__lookup(b, e->name);
        if (s && s->kind == SYM_TABLE) {
            cur = s->node;
            break;
        }
        if (s && s->kind == SYM_FUNC) {
            msoc_kql_node call = *e;
            call.kind = MSOC_KQL_CALL;
            call.args.n = 0;
            st = bind_tabular_call(b, &call, &cur);
            break;
        }
        st = scan_node(b, e, e->name, MSOC_STR_NULL, &cur);
        break;
    }
    case MSOC_KQL_OP_DATATABLE: st = bind_datatable(b, e, &cur); break;
    case MSOC_KQL_OP_PRINT: st = bind_print(b, e, &cur); break;
    case MSOC_KQL_OP_RANGE: st = bind_range(b, e, &cur); break;
    case MSOC_KQL_OP_UNION: st = bind_union(b, e, NULL, &cur); break;
    case MSOC_KQL_OP_SEARCH: st = msoc_plan__bind_search(b, e, NULL, &cur); break;
    case MSOC_KQL_OP_FIND: st = msoc_plan__bind_find(b, e, &cur); break;
    case MSOC_KQL_CALL:
        st = msoc_plan__is_pattern_ref(b, e) ? msoc_plan__bind_pattern_ref(b, e, &cur)
                                             : bind_tabular_call(b, e, &cur);
        break;
    case MSOC_KQL_OP_EXTERNALDATA:
        st = fail_at(b, e, MSOC_UNSUPPORTED, "not supported: externaldata (no network access from queries)");
        break;
    case MSOC_KQL_MEMBER: {
        /* workspace("w").T, database("d").T, cluster(...).database(...).T */
        const msoc_kql_node *r = e->a;
        if (msoc_plan__is_pattern_ref(b, e)) {
            st = msoc_plan__bind_pattern_ref(b, e, &cur);
            break;
        }
        msoc_str ws = MSOC_STR_NULL;
        if (r && r->kind == MSOC_KQL_CALL && msoc_str_eq_c(r->name, "workspace") && r->args.n == 1 &&
            r->args.items[0]->kind == MSOC_KQL_LIT)
            ws = r->args.items[0]->lit.s;
        else if (r && r->kind == MSOC_KQL_CALL && msoc_str_eq_c(r->name, "cluster"))
            return b->depth--, fail_at(b, e, MSOC_UNSUPPORTED, "not supported: cluster() (no cross-cluster queries)");
        st = scan_node(b, e, e->name, ws, &cur);
        break;
    }
    default:
        if (e->kind >= MSOC_KQL_OP_WHERE)
            st = msoc_fail_pos(b->err, MSOC_UNSUPPORTED, e->line, e->col, "not supported: %s as a source",
                               msoc_kql_kind_name(e->kind));
        else
            st = fail_at(b, e, MSOC_SEMANTIC, "expected a tabular expression");
        break;
    }
    b->depth--;
    if (st == MSOC_OK)
        *out = cur;
    return st;
}

static msoc_status bind_script(binder *b, const msoc_kql_node *script, msoc_plan_node **out);

static msoc_status bind_hinted(const msoc_kql_node *script, const msoc_plan_catalog *cat,
                               const msoc_plan_hint *hints, msoc_arena *arena, msoc_plan_node **out,
                               msoc_error *err)
{
    binder bb = {0};
    binder *b = &bb;
    b->cat = cat;
    b->hints = hints;
    b->arena = arena;
    b->err = err;
    b->script = script;
    msoc_status st = bind_script(b, script, out);
    if (st != MSOC_OK && b->rebind_pending) {
        /* an operator whose columns depend on the data stopped the bind: the plan
         * is that operator's input, and the back end binds again with its columns */
        msoc_error_clear(err);
        *out = b->rebind_pending;
        return MSOC_OK;
    }
    return st;
}

msoc_status msoc_plan_bind(const msoc_kql_node *script, const msoc_plan_catalog *cat,
                           msoc_arena *arena, msoc_plan_node **out, msoc_error *err)
{
    return bind_hinted(script, cat, NULL, arena, out, err);
}

msoc_status msoc_plan_rebind(const msoc_plan_node *rebind, msoc_plan_hint *hint, msoc_arena *arena,
                             msoc_plan_node **out, msoc_error *err)
{
    if (rebind->kind != MSOC_PLAN_REBIND || rebind->rebind_catalog == NULL || rebind->rebind_script == NULL)
        return msoc_fail(err, MSOC_INTERNAL, "not a rebind node");
    size_t depth = 0;
    for (const msoc_plan_hint *h = hint; h; h = h->next)
        depth++;
    if (depth > 64)
        return msoc_fail(err, MSOC_LIMIT, "too many data-dependent operators (bag_unpack, pivot) in one query");
    if (hint->next != rebind->rebind_hints)
        return msoc_fail(err, MSOC_INTERNAL, "rebind hints out of order");
    return bind_hinted(rebind->rebind_script, rebind->rebind_catalog, hint, arena, out, err);
}

static msoc_status bind_script(binder *b, const msoc_kql_node *script, msoc_plan_node **out)
{
    msoc_error *err = b->err;
    if (script->kind != MSOC_KQL_SCRIPT)
        return msoc_plan__bind_tabular(b, script, out);
    if (script->flags & MSOC_KQL_F_COMMAND)
        return msoc_fail(err, MSOC_UNSUPPORTED, "not supported: control commands in a query");
    const msoc_kql_node *query = NULL;
    for (uint32_t i = 0; i < script->args.n; i++) {
        const msoc_kql_node *s = script->args.items[i];
        msoc_status st = MSOC_OK;
        switch (s->kind) {
        case MSOC_KQL_LET: {
            bind_sym *sym = msoc_plan__alloc(b, sizeof *sym);
            if (sym == NULL)
                return err->code;
            sym->name = s->name;
            if (s->a && s->a->kind == MSOC_KQL_FUNC) {
                sym->kind = SYM_FUNC;
                sym->func = s->a;
            } else if (msoc_plan__is_tabular(b, s->a)) {
                sym->kind = SYM_TABLE;
                st = msoc_plan__bind_tabular(b, s->a, &sym->node);
                if (st == MSOC_OK && sym->node->as_name.ptr == NULL)
                    sym->node->as_name = s->name;
            } else {
                sym->kind = SYM_SCALAR;
                st = msoc_plan__bind_expr(b, s->a, NULL, &sym->expr);
            }
            sym->next = b->syms;
            b->syms = sym;
            break;
        }
        case MSOC_KQL_PATTERN: {
            bind_sym *sym = msoc_plan__alloc(b, sizeof *sym);
            if (sym == NULL)
                return err->code;
            sym->name = s->name;
            sym->kind = SYM_PATTERN;
            sym->func = s;
            sym->next = b->syms;
            b->syms = sym;
            break;
        }
        case MSOC_KQL_SET:
        case MSOC_KQL_DECLARE:
        case MSOC_KQL_ALIAS: break;
        default:
            if (query == NULL)
                query = s;
            break;
        }
        if (st != MSOC_OK)
            return st;
    }
    /* Kusto: "at least one of these query statements must be a tabular expression
     * statement"; it refuses such a script with "No tabular expression statement found" */
    if (query == NULL)
        return msoc_fail(err, MSOC_SEMANTIC,
                         "no tabular expression statement found (the script has only let, set or declare statements)");
    msoc_status st = msoc_plan__bind_tabular(b, query, out);
    return st != MSOC_OK ? st : err->code; /* a failed stored-function lookup */
}

/* What bind_operator (and the source binders) accept; docs/kql-support.md is
 * generated from this table and the function registry. */
static const struct {
    const char *name;
    bool is_supported;
    const char *note;
} op_support[] = {
    {"as", true, ""}, {"consume", false, ""}, {"count", true, ""},
    {"datatable", true, ""}, {"declare pattern", true, "rules with constant arguments and an optional path (p(\"a\").b); no path wildcard"},
    {"distinct", true, ""},
    {"evaluate", true, "plugins: bag_unpack, pivot, narrow, rows_near, ipv4_lookup, ipv6_lookup, activity_counts_metrics, sliding_window_counts, active_users_count, rolling_percentile, dcount_intersect; network and external-code plugins refused; others not supported"},
    {"extend", true, ""}, {"externaldata", false, "refused: no network access from queries"},
    {"facet", false, ""}, {"find", true, "withsource, project-smart (predicate columns, common columns, pack_), project Col[:type], pack_all()"}, {"fork", false, ""}, {"getschema", true, ""},
    {"invoke", true, "functions defined with let or stored (.create function); FileProfile(), DeviceFromIP() (see below)"},
    {"join", true, "innerunique (default), inner, leftouter, rightouter, fullouter, leftanti, rightanti, leftsemi, rightsemi; on keys, $left.a == $right.b (and ...); a where on left columns right after an innerunique join filters before the de-duplication, as Kusto pushes it down"},
    {"bin_auto()", true, "bin size and start from set query_bin_auto_size / query_bin_auto_at"},
    {"lookup", true, ""}, {"make-series", true, "from/to/step, default=, kind=nonempty, by keys; in range() as from/to"}, {"materialize()", true, ""},
    {"mv-apply", true, "sub-query per input row; with_itemindex, limit, to typeof()"}, {"mv-expand", true, "with_itemindex, limit, to typeof()"},
    {"parse", true, "simple, regex, relaxed; flags; a typed column that does not convert empties the row's parsed columns (relaxed: only that column)"}, {"parse-kv", true, "pair/kv delimiters, quote, escape, greedy, regex"},
    {"parse-where", true, ""}, {"partition", true, "(sub-query) over each group, or {query} with toscalar(Column)"}, {"print", true, ""},
    {"project", true, ""}, {"project-away", true, ""}, {"project-keep", true, ""},
    {"project-rename", true, ""}, {"project-reorder", true, ""}, {"range", true, ""},
    {"reduce", true, "simpler clustering than Kusto (same count of terms and first term)"}, {"render", true, "kept as result metadata; the table is unchanged"},
    {"sample", true, ""}, {"sample-distinct", true, ""},
    {"scan", true, "declare, with_match_id, output=all/last/none, optional steps"},
    {"search", true, "terms with * wildcards, Col:term, kind=case_sensitive, $table; every table = those the caller's partitions hold"}, {"serialize", true, ""}, {"sort / order", true, ""},
    {"summarize", true, "hash aggregation; aggregates nested in expressions"},
    {"take / limit", true, "stops the scan early"}, {"toscalar()", true, ""}, {"top", true, ""},
    {"top-hitters", true, "exact counts"}, {"top-nested", true, "with others (sum/count/min/max), asc/desc"},
    {"union", true, "withsource, kind=inner/outer, isfuzzy, wildcards"}, {"where / filter", true, ""},
    {"workspace() / table()", true, "only the caller's authorised partitions"},
};

size_t msoc_plan_operator_count(void)
{
    return sizeof op_support / sizeof op_support[0];
}

const char *msoc_plan_operator_at(size_t idx, bool *is_supported, const char **note)
{
    if (idx >= msoc_plan_operator_count())
        return NULL;
    *is_supported = op_support[idx].is_supported;
    *note = op_support[idx].note;
    return op_support[idx].name;
}

/* ---- helpers for bind_ops.c ---- */

const msoc_kql_node *msoc_plan__param(const msoc_kql_node *op, const char *name)
{
    return param_of(op, name);
}

msoc_status msoc_plan__scan(binder *b, const msoc_kql_node *pos, msoc_str name, msoc_plan_node **out)
{
    return scan_node(b, pos, name, MSOC_STR_NULL, out);
}

bool msoc_plan__wildcard_match(msoc_str pat, msoc_str s)
{
    return wildcard_match(pat, s);
}

msoc_status msoc_plan__make_union(binder *b, const msoc_kql_node *op, msoc_plan_node **ins, size_t n_in,
                                  msoc_str *src_names, msoc_plan_node **out)
{
    return make_union(b, op, ins, n_in, src_names, out);
}

msoc_plan_node *msoc_plan__project(binder *b, msoc_plan_node *in, size_t n_cols)
{
    return project_node(b, in, n_cols);
}

msoc_plan_node *msoc_plan__identity(binder *b, msoc_plan_node *in, size_t extra)
{
    return identity_project(b, in, extra);
}

void msoc_plan__add_col(msoc_plan_node *n, msoc_str name, msoc_type t, msoc_plan_expr *e)
{
    add_col(n, name, t, e);
}

msoc_status msoc_plan__const_long(binder *b, const msoc_kql_node *e, int64_t *out)
{
    return const_long(b, e, out);
}

msoc_status msoc_plan__bind_op(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                               msoc_plan_node **out)
{
    if (++b->depth > 200) {
        b->depth--;
        return fail_at(b, op, MSOC_LIMIT, "query nested too deeply");
    }
    msoc_status st = bind_operator(b, op, in, out);
    b->depth--;
    return st;
}

msoc_status msoc_plan__bind_mv_expand(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                      msoc_plan_node **out)
{
    return bind_mv_expand(b, op, in, out);
}
