/* The built-in functions hunting queries call as tables (issue #6): Sentinel's
 * _GetWatchlist('alias'), Defender's `invoke FileProfile()`, `invoke
 * DeviceFromIP()` and AssignedIPAddresses(), and stored functions (.create
 * function) of the authorised partitions. Each built-in is a composition of
 * operators the engine already has, written as KQL text, parsed into the query's
 * arena and bound like the user's own query, so it sees exactly the catalog's
 * (authorised) partitions and nothing else. Arguments reach the text as symbols
 * under names no query can spell (['$a0'], ['$invoke input']). */
#include <stdio.h>

#include "kql/kql.h"
#include "plan_int.h"

static msoc_status unsupported(binder *b, const msoc_kql_node *e, const char *what, msoc_str name)
{
    return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, e->line, e->col, "not supported: %s%.*s()", what,
                         (int)name.len, name.ptr);
}

/* Pushes a symbol (visible to the built-in's text only, by its '$' name). */
static bind_sym *push_sym(binder *b, const char *name, bind_sym_kind kind)
{
    bind_sym *s = msoc_plan__alloc(b, sizeof *s);
    if (s == NULL)
        return NULL;
    s->name = msoc_str_c(name);
    s->kind = kind;
    s->next = b->syms;
    b->syms = s;
    return s;
}

/* Parses KQL text (copied into the query arena) and binds it as a tabular expression
 * with the current symbols. */
static msoc_status bind_text(binder *b, const msoc_kql_node *pos, msoc_buf *text, msoc_plan_node **out)
{
    msoc_status st = msoc_buf_check(text, "built-in function", b->err);
    if (st != MSOC_OK)
        return st;
    msoc_str t = msoc_plan__str(b, text->data, text->len);
    msoc_kql_node *root;
    msoc_error perr;
    msoc_error_clear(&perr);
    st = msoc_kql_parse(t.ptr, t.len, b->arena, &root, &perr);
    if (st != MSOC_OK)
        return msoc_fail_pos(b->err, MSOC_INTERNAL, pos->line, pos->col, "built-in function text: %s", perr.msg);
    const msoc_kql_node *q = root;
    if (root->kind == MSOC_KQL_SCRIPT && root->args.n == 1)
        q = root->args.items[0];
    return msoc_plan__bind_tabular(b, q, out);
}

/* Appends name as a bracketed KQL identifier: ['it\'s']. */
static void append_ident(msoc_buf *out, msoc_str name)
{
    msoc_buf_append_c(out, "['");
    for (size_t i = 0; i < name.len; i++) {
        char c = name.ptr[i];
        if (c == '\'' || c == '\\')
            msoc_buf_putc(out, '\\');
        if (c == '\n')
            msoc_buf_append_c(out, "\\n");
        else
            msoc_buf_putc(out, c);
    }
    msoc_buf_append_c(out, "']");
}

/* A constant string argument (a literal or a let-bound constant). */
static msoc_status const_string(binder *b, const msoc_kql_node *arg, msoc_str *out)
{
    msoc_plan_expr *x;
    msoc_status st = msoc_plan__bind_expr(b, arg, NULL, &x);
    if (st != MSOC_OK)
        return st;
    if (x->kind != MSOC_PLAN_X_LIT || x->lit.is_null || x->type != MSOC_TYPE_STRING)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, arg->line, arg->col, "expected a constant string");
    *out = x->lit.s;
    return MSOC_OK;
}

/* Binds arg (a scalar over no columns) as the symbol name. */
static msoc_status scalar_sym(binder *b, const msoc_kql_node *arg, const char *name)
{
    msoc_plan_expr *x;
    msoc_status st = msoc_plan__bind_expr(b, arg, NULL, &x);
    if (st != MSOC_OK)
        return st;
    bind_sym *s = push_sym(b, name, SYM_SCALAR);
    if (s == NULL)
        return b->err->code;
    s->expr = x;
    return MSOC_OK;
}

static const msoc_kql_node *arg_at(const msoc_kql_node *call, uint32_t i)
{
    if (i >= call->args.n)
        return NULL;
    const msoc_kql_node *a = call->args.items[i];
    return a->kind == MSOC_KQL_NAMED_ARG ? a->a : a;
}

/* ---- _GetWatchlist('alias') ---- */

/* The current items of watchlist alias: rows of the Watchlist table (one per item
 * version; `multisoc watchlist` writes them), newest version per item, without
 * deleted items or items older than the watchlist's last deletion. */
static void watchlist_items_text(msoc_buf *q)
{
    msoc_buf_append_c(
        q, "Watchlist | where WatchlistAlias == ['$a0'] and _DTItemType == 'watchlist-item'\n"
           "| join kind=leftouter (Watchlist | where WatchlistAlias == ['$a0'] and _DTItemType == 'watchlist'"
           " and _DTItemStatus == 'Delete' | summarize ['$cut'] = max(_DTTimestamp) by TenantId, WorkspaceId)"
           " on TenantId, WorkspaceId\n"
           "| where isnull(['$cut']) or _DTTimestamp > ['$cut']\n"
           "| summarize arg_max(_DTTimestamp, LastUpdatedTimeUTC, SearchKey, WatchlistItem, _DTItemStatus)"
           " by _DTItemId, TenantId, WorkspaceId\n"
           "| where _DTItemStatus != 'Delete'\n");
}

static bool is_fixed_col(msoc_str n)
{
    static const char *fixed[] = {"_DTItemId", "LastUpdatedTimeUTC", "SearchKey", "WatchlistItem", "TenantId",
                                  "WorkspaceId"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (msoc_str_eq_c(n, fixed[i]))
            return true;
    return n.len == 0 || n.ptr[0] == '$';
}

static msoc_status bind_get_watchlist(binder *b, const msoc_kql_node *call, msoc_plan_node **out)
{
    const msoc_kql_node *a0 = arg_at(call, 0);
    if (a0 == NULL || call->args.n != 1)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, call->line, call->col,
                             "_GetWatchlist() takes one argument: the watchlist alias");
    msoc_str alias;
    msoc_status st = const_string(b, a0, &alias);
    if (st != MSOC_OK)
        return st;
    msoc_str *cols = NULL;
    size_t n_cols = 0;
    if (b->cat->watchlist_columns) {
        st = b->cat->watchlist_columns(b->cat->objects_ctx, alias.ptr, alias.len, b->arena, &cols, &n_cols,
                                       b->err);
        if (st != MSOC_OK)
            return st;
    }
    if (n_cols == 0)
        return msoc_fail_pos(b->err, MSOC_NOTFOUND, call->line, call->col,
                             "unknown watchlist '%.*s' (no tenant or workspace in this query's scope has it)",
                             (int)alias.len, alias.ptr);
    bind_sym *saved = b->syms;
    st = scalar_sym(b, a0, "$a0");
    msoc_buf q;
    msoc_buf_init(&q, 1u << 20);
    watchlist_items_text(&q);
    msoc_buf_append_c(&q, "| project _DTItemId, LastUpdatedTimeUTC, SearchKey, WatchlistItem");
    for (size_t i = 0; i < n_cols; i++) {
        if (is_fixed_col(cols[i]))
            continue;
        msoc_buf_append_c(&q, ", ");
        append_ident(&q, cols[i]);
        msoc_buf_append_c(&q, " = tostring(WatchlistItem[");
        /* the same escaping makes a KQL string literal out of the key */
        msoc_buf_putc(&q, '\'');
        for (size_t k = 0; k < cols[i].len; k++) {
            char c = cols[i].ptr[k];
            if (c == '\'' || c == '\\')
                msoc_buf_putc(&q, '\\');
            msoc_buf_putc(&q, c == '\n' ? ' ' : c);
        }
        msoc_buf_append_c(&q, "'])");
    }
    msoc_buf_append_c(&q, ", TenantId, WorkspaceId");
    if (st == MSOC_OK)
        st = bind_text(b, call, &q, out);
    msoc_buf_fini(&q);
    b->syms = saved;
    return st;
}

msoc_status msoc_plan_watchlist_items_text(msoc_str alias, msoc_buf *out)
{
    msoc_buf_append_c(out, "let ['$a0'] = '");
    for (size_t k = 0; k < alias.len; k++) {
        char c = alias.ptr[k];
        if (c == '\'' || c == '\\')
            msoc_buf_putc(out, '\\');
        msoc_buf_putc(out, c == '\n' ? ' ' : c);
    }
    msoc_buf_append_c(out, "';\n");
    watchlist_items_text(out);
    return msoc_buf_append_c(out, "| project WatchlistItem, _DTTimestamp | sort by _DTTimestamp asc");
}

/* ---- AssignedIPAddresses(device, time) ---- */

static msoc_status bind_assigned_ips(binder *b, const msoc_kql_node *call, msoc_plan_node **out)
{
    const msoc_kql_node *a0 = arg_at(call, 0), *a1 = arg_at(call, 1);
    if (a0 == NULL || call->args.n > 2)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, call->line, call->col,
                             "AssignedIPAddresses() takes a DeviceId or DeviceName and an optional datetime");
    bind_sym *saved = b->syms;
    msoc_status st = scalar_sym(b, a0, "$a0");
    msoc_buf q;
    msoc_buf_init(&q, 1u << 16);
    /* the device's latest report per network adapter (at or before the time),
     * one row per address in it */
    msoc_buf_append_c(&q, "DeviceNetworkInfo | where DeviceId == tostring(['$a0']) or DeviceName =~ tostring(['$a0'])\n");
    if (a1 && st == MSOC_OK) {
        st = scalar_sym(b, a1, "$a1");
        msoc_buf_append_c(&q, "| where Timestamp <= todatetime(['$a1'])\n");
    }
    msoc_buf_append_c(&q, "| summarize arg_max(Timestamp, IPAddresses, NetworkAdapterType, ConnectedNetworks)"
                          " by TenantId, DeviceId, NetworkAdapterName\n"
                          "| mv-expand ['$ip'] = todynamic(IPAddresses)\n"
                          "| project Timestamp, IPAddress = tostring(['$ip'].IPAddress),"
                          " IPType = tostring(['$ip'].AddressType), NetworkAdapterType, ConnectedNetworks\n"
                          "| where isnotempty(IPAddress)");
    if (st == MSOC_OK)
        st = bind_text(b, call, &q, out);
    msoc_buf_fini(&q);
    b->syms = saved;
    return st;
}

/* ---- invoke FileProfile(), invoke DeviceFromIP() ---- */

/* The columns FileProfile() adds, in Defender's order. multisoc has no file
 * reputation service: the hash columns are filled from the key column where it is
 * that kind of hash, every other column is null (docs/kql-support.md). */
static const struct {
    const char *name;
    const char *null_of; /* KQL null literal of the column's type */
} profile_cols[] = {
    {"SHA1", "''"}, {"SHA256", "''"}, {"MD5", "''"}, {"FileSize", "long(null)"},
    {"GlobalPrevalence", "long(null)"}, {"GlobalFirstSeen", "datetime(null)"},
    {"GlobalLastSeen", "datetime(null)"}, {"Signer", "''"}, {"Issuer", "''"}, {"SignerHash", "''"},
    {"IsCertificateValid", "bool(null)"}, {"IsRootSignerMicrosoft", "bool(null)"},
    {"SignatureState", "''"}, {"IsExecutable", "bool(null)"}, {"ThreatName", "''"}, {"Publisher", "''"},
    {"SoftwareName", "''"}, {"ProfileAvailability", "''"},
};

static bool ends_with(msoc_str s, const char *suffix)
{
    size_t n = strlen(suffix);
    return s.len >= n && memcmp(s.ptr + s.len - n, suffix, n) == 0;
}

static msoc_status bind_file_profile(binder *b, const msoc_kql_node *call, msoc_plan_node *in, msoc_plan_node **out)
{
    const msoc_kql_node *a0 = arg_at(call, 0);
    if (call->args.n > 2)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, call->line, call->col,
                             "FileProfile() takes the file hash column and an optional maximum");
    msoc_str key = MSOC_STR("SHA1");
    if (a0 && a0->kind == MSOC_KQL_NAME)
        key = a0->name;
    else if (a0 && a0->kind == MSOC_KQL_LIT && a0->lit.type == MSOC_TYPE_STRING)
        key = a0->lit.s;
    else if (a0)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, a0->line, a0->col,
                             "FileProfile() takes a column name (SHA1, SHA256, InitiatingProcessSHA1, ...)");
    if (msoc_plan__find_col(in, key) < 0)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, call->line, call->col,
                             "FileProfile(): the input has no column '%.*s'", (int)key.len, key.ptr);
    msoc_buf q;
    msoc_buf_init(&q, 1u << 16);
    msoc_buf_append_c(&q, "['$invoke input'] | extend ");
    bool is_first = true;
    for (size_t i = 0; i < sizeof profile_cols / sizeof profile_cols[0]; i++) {
        msoc_str c = msoc_str_c(profile_cols[i].name);
        if (msoc_plan__find_col(in, c) >= 0)
            continue;
        if (!is_first)
            msoc_buf_append_c(&q, ", ");
        is_first = false;
        msoc_buf_appendf(&q, "%s = ", profile_cols[i].name);
        bool is_hash = i < 3;
        if (is_hash && ends_with(key, profile_cols[i].name)) {
            msoc_buf_append_c(&q, "tostring(");
            append_ident(&q, key);
            msoc_buf_putc(&q, ')');
        } else {
            msoc_buf_append_c(&q, profile_cols[i].null_of);
        }
    }
    msoc_status st = MSOC_OK;
    if (is_first) {
        *out = in; /* every profile column is already there */
    } else {
        bind_sym *saved = b->syms;
        bind_sym *s = push_sym(b, "$invoke input", SYM_TABLE);
        if (s == NULL) {
            st = b->err->code;
        } else {
            s->node = in;
            st = bind_text(b, call, &q, out);
        }
        b->syms = saved;
    }
    msoc_buf_fini(&q);
    return st;
}

static msoc_status bind_device_from_ip(binder *b, const msoc_kql_node *call, msoc_plan_node *in,
                                       msoc_plan_node **out)
{
    const msoc_kql_node *a0 = arg_at(call, 0), *a1 = arg_at(call, 1);
    if (call->args.n > 2)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, call->line, call->col,
                             "DeviceFromIP() takes the IP column and an optional datetime");
    msoc_str key = MSOC_STR("IP");
    if (a0 && a0->kind == MSOC_KQL_NAME)
        key = a0->name;
    else if (a0 && a0->kind == MSOC_KQL_LIT && a0->lit.type == MSOC_TYPE_STRING)
        key = a0->lit.s;
    else if (a0)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, a0->line, a0->col, "DeviceFromIP() takes a column name");
    if (msoc_plan__find_col(in, key) < 0)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, call->line, call->col,
                             "DeviceFromIP(): the input has no column '%.*s'", (int)key.len, key.ptr);
    bind_sym *saved = b->syms;
    msoc_status st = MSOC_OK;
    bind_sym *s = push_sym(b, "$invoke input", SYM_TABLE);
    if (s == NULL)
        return b->err->code;
    s->node = in;
    msoc_buf q;
    msoc_buf_init(&q, 1u << 16);
    /* every device whose latest report per adapter (at or before the time) lists
     * the address: Defender's "devices assigned the IP at that time" */
    msoc_buf_append_c(&q, "['$invoke input'] | extend ['$ipkey'] = tostring(");
    append_ident(&q, key);
    msoc_buf_append_c(&q, ")\n| join kind=inner (DeviceNetworkInfo");
    if (a1) {
        st = scalar_sym(b, a1, "$a1");
        msoc_buf_append_c(&q, " | where Timestamp <= todatetime(['$a1'])");
    }
    msoc_buf_append_c(&q, "\n | summarize arg_max(Timestamp, IPAddresses) by TenantId, DeviceId, NetworkAdapterName"
                          " | mv-expand ['$ip'] = todynamic(IPAddresses) | extend ['$ipkey'] = tostring(['$ip'].IPAddress)"
                          " | distinct ['$ipkey'], DeviceId) on ['$ipkey']\n"
                          "| project-away ['$ipkey'], ['$ipkey1']");
    if (st == MSOC_OK)
        st = bind_text(b, call, &q, out);
    msoc_buf_fini(&q);
    b->syms = saved;
    return st;
}

/* The registry docs/kql-support.md is generated from. */
static const struct {
    const char *name, *form, *note;
} builtins[] = {
    {"_GetWatchlist", "_GetWatchlist('alias')",
     "Sentinel watchlist of the authorised workspaces: _DTItemId, LastUpdatedTimeUTC, SearchKey, "
     "WatchlistItem, one string column per item column, TenantId, WorkspaceId; managed with "
     "`multisoc watchlist add|list|rm` (rows of the Watchlist table)"},
    {"FileProfile", "T | invoke FileProfile([column], [max])",
     "adds the profile columns Defender documents (GlobalPrevalence, Signer, ThreatName, ...); "
     "multisoc has no file reputation service, so they are null, and SHA1/SHA256/MD5 come from the "
     "key column"},
    {"DeviceFromIP", "T | invoke DeviceFromIP([column], [time])",
     "devices whose latest DeviceNetworkInfo report (at or before time) lists the IP"},
    {"AssignedIPAddresses", "AssignedIPAddresses(device, [time])",
     "addresses in the device's latest DeviceNetworkInfo report per adapter (at or before time)"},
    {"stored functions", ".create function / .create-or-alter function",
     "per tenant (or workspace), through `multisoc kql mgmt` or /v1/rest/mgmt; visible to a query when "
     "one of its authorised tenants has the function, and then run over the query's whole scope"},
};

size_t msoc_plan_builtin_count(void)
{
    return sizeof builtins / sizeof builtins[0];
}

const char *msoc_plan_builtin_at(size_t idx, const char **form, const char **note)
{
    if (idx >= msoc_plan_builtin_count())
        return NULL;
    *form = builtins[idx].form;
    *note = builtins[idx].note;
    return builtins[idx].name;
}

bool msoc_plan__is_builtin_invoke(msoc_str name)
{
    return msoc_str_eq_c(name, "FileProfile") || msoc_str_eq_c(name, "DeviceFromIP");
}

msoc_status msoc_plan__bind_builtin_invoke(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                           msoc_plan_node **out)
{
    const msoc_kql_node *call = op->a;
    if (call == NULL || call->kind != MSOC_KQL_CALL)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, op->line, op->col, "invoke needs a function call");
    if (msoc_str_eq_c(call->name, "FileProfile"))
        return bind_file_profile(b, call, in, out);
    if (msoc_str_eq_c(call->name, "DeviceFromIP"))
        return bind_device_from_ip(b, call, in, out);
    return unsupported(b, call, "invoke ", call->name);
}

bool msoc_plan__is_builtin_source(msoc_str name)
{
    return msoc_str_eq_c(name, "_GetWatchlist") || msoc_str_eq_c(name, "AssignedIPAddresses");
}

msoc_status msoc_plan__bind_builtin_source(binder *b, const msoc_kql_node *call, msoc_plan_node **out)
{
    if (msoc_str_eq_c(call->name, "_GetWatchlist"))
        return bind_get_watchlist(b, call, out);
    if (msoc_str_eq_c(call->name, "AssignedIPAddresses"))
        return bind_assigned_ips(b, call, out);
    return unsupported(b, call, "", call->name);
}

/* ---- functions nobody defines ---- */

/* Tabular functions Kusto, Defender or Sentinel provide that the engine does not
 * implement (or not in the form called): cross-cluster and cross-workspace
 * references, views, Defender's SeenBy(), and Sentinel's ASIM parsers, which a
 * Sentinel workspace deploys as built-in functions. */
static bool is_known_tabular_fn(msoc_str name)
{
    static const char *const known[] = {"table",        "cluster",           "database",           "workspace",
                                        "app",          "adx",               "arg",                "resource",
                                        "materialized_view", "external_table", "stored_query_result", "SeenBy"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (msoc_str_eq_c(name, known[i]))
            return true;
    static const char *const prefixes[] = {"_Im_", "_ASim_", "ASim", "vim", "_GetWatchlist"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        size_t n = strlen(prefixes[i]);
        if (name.len > n && memcmp(name.ptr, prefixes[i], n) == 0)
            return true;
    }
    /* the ASIM unifying parsers: im + schema name (imDns, imNetworkSession, ...) */
    return name.len > 2 && name.ptr[0] == 'i' && name.ptr[1] == 'm' && name.ptr[2] >= 'A' && name.ptr[2] <= 'Z';
}

msoc_status msoc_plan__unknown_tabular_fn(binder *b, const msoc_kql_node *call, const char *what,
                                          const char *suffix)
{
    /* a pattern the script declares (declare pattern) is defined, just not implemented */
    for (uint32_t i = 0; b->script && b->script->kind == MSOC_KQL_SCRIPT && i < b->script->args.n; i++) {
        const msoc_kql_node *st = b->script->args.items[i];
        if (st->kind == MSOC_KQL_PATTERN && msoc_str_eq(st->name, call->name))
            return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, call->line, call->col,
                                 "not supported: declare pattern (%.*s)", (int)call->name.len, call->name.ptr);
    }
    if (is_known_tabular_fn(call->name))
        return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, call->line, call->col, "not supported: %s%.*s()%s", what,
                             (int)call->name.len, call->name.ptr, suffix);
    return msoc_fail_pos(b->err, MSOC_SEMANTIC, call->line, call->col,
                         "unknown function '%.*s' (neither built in, nor defined with let, nor stored)",
                         (int)call->name.len, call->name.ptr);
}

/* ---- stored functions ---- */

bind_sym *msoc_plan__stored_function(binder *b, msoc_str name)
{
    if (b->cat == NULL || b->cat->stored_function == NULL || name.len == 0 || name.len > 256 ||
        name.ptr[0] == '$')
        return NULL;
    /* the engine's own functions and tables come first (and are looked up often) */
    msoc_plan_fn fn;
    if (msoc_plan_fn_find(name.ptr, name.len, MSOC_PLAN_FK_SCALAR, &fn) || msoc_plan__is_builtin_source(name) ||
        (b->cat->find_table ? b->cat->find_table(b->cat->ctx, name.ptr, name.len)
                            : msoc_stor_builtin_find(name.ptr, name.len)) != NULL)
        return NULL;
    msoc_str def = MSOC_STR_NULL;
    msoc_error ferr;
    msoc_error_clear(&ferr);
    if (b->cat->stored_function(b->cat->objects_ctx, name.ptr, name.len, b->arena, &def, &ferr) != MSOC_OK) {
        if (b->err->code == MSOC_OK)
            *b->err = ferr; /* surfaces through the caller's next failure check */
        return NULL;
    }
    if (def.ptr == NULL)
        return NULL;
    /* the definition is "(params) { body }": parse it as `let name = ...;` */
    msoc_buf t;
    msoc_buf_init(&t, 16u << 20);
    msoc_buf_append_c(&t, "let ");
    append_ident(&t, name);
    msoc_buf_append_c(&t, " = ");
    msoc_buf_append(&t, def.ptr, def.len);
    msoc_buf_append_c(&t, ";\nprint 0");
    bind_sym *s = NULL;
    if (msoc_buf_check(&t, "stored function", b->err) == MSOC_OK) {
        msoc_str text = msoc_plan__str(b, t.data, t.len);
        msoc_kql_node *root;
        msoc_error perr;
        msoc_error_clear(&perr);
        if (msoc_kql_parse(text.ptr, text.len, b->arena, &root, &perr) == MSOC_OK && root->kind == MSOC_KQL_SCRIPT &&
            root->args.n >= 1 && root->args.items[0]->kind == MSOC_KQL_LET && root->args.items[0]->a &&
            root->args.items[0]->a->kind == MSOC_KQL_FUNC) {
            s = msoc_plan__alloc(b, sizeof *s);
            if (s) {
                s->name = msoc_plan__str(b, name.ptr, name.len);
                s->kind = SYM_FUNC;
                s->func = root->args.items[0]->a;
            }
        }
    }
    msoc_buf_fini(&t);
    return s;
}
