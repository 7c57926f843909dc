/* Stored objects queries reach by name: the binder's callbacks for watchlists and
 * stored functions (plan/bind.h), and the stored-function commands. Watchlists are
 * rows of the Watchlist table (cli/cmd_watchlist.c writes them); stored functions
 * are files DATA/functions/<tenant>/<workspace>/<Name>.kql. Both are looked up only
 * in the partitions of the query's catalog, which holds only authorised ones. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hashmap.h"
#include "core/vec.h"
#include "kql/kql.h"
#include "objects.h"
#include "storage/storage.h"

#define FN_DIR "functions"
#define FN_TENANT_WIDE "_all"
#define FN_MAX_BYTES (1u << 20)

/* ---- watchlist columns ---- */

static msoc_status watchlist_columns(void *ctx, const char *alias, size_t len, msoc_arena *arena,
                                     msoc_str **names_out, size_t *n_out, msoc_error *err)
{
    msoc_exec_objects *o = ctx;
    *names_out = NULL;
    *n_out = 0;
    if (o->db == NULL || o->cat == NULL)
        return MSOC_OK;
    msoc_exec_options eo = {0};
    eo.pool = o->pool;
    eo.db = o->db;
    eo.memory_budget = (size_t)512 << 20;
    eo.timeout_s = 60;
    eo.max_rows = 1000000;
    eo.now = o->cat->now;
    msoc_exec_query *q = msoc_exec_query_new(&eo);
    msoc_arena *qa = msoc_exec_query_arena(q);
    msoc_buf text;
    msoc_buf_init(&text, 1u << 20);
    msoc_status st = msoc_plan_watchlist_items_text(msoc_str_make(alias, len), &text);
    if (st == MSOC_OK)
        st = msoc_buf_check(&text, "watchlist query", err);
    msoc_kql_node *root = NULL;
    if (st == MSOC_OK)
        st = msoc_kql_parse(text.data, text.len, qa, &root, err);
    msoc_plan_catalog cat = *o->cat;
    cat.watchlist_columns = NULL; /* no recursion */
    cat.stored_function = NULL;
    msoc_plan_node *plan = NULL;
    if (st == MSOC_OK)
        st = msoc_plan_bind(root, &cat, qa, &plan, err);
    if (st == MSOC_OK)
        st = msoc_plan_optimize(plan, qa, err);
    const msoc_exec_table *t = NULL;
    if (st == MSOC_OK)
        st = msoc_exec_run(q, plan, &t, err);
    msoc_hashmap seen;
    msoc_hashmap_init(&seen, qa, 100000);
    msoc_vec names;
    msoc_vec_init(&names, sizeof(msoc_str), 100000);
    for (size_t r = 0; st == MSOC_OK && t && t->n_cols > 0 && r < t->n_rows; r++) {
        const msoc_exec_col *c = t->cols[0];
        if (c->type != MSOC_TYPE_DYNAMIC || (c->nulls && c->nulls[r]) || c->v.d[r] == NULL ||
            !json_is_object(c->v.d[r]))
            continue;
        const char *key;
        json_t *val;
        json_object_foreach(c->v.d[r], key, val) {
            (void)val;
            size_t klen = strlen(key);
            bool is_new;
            void **slot = msoc_hashmap_upsert(&seen, key, klen, &is_new);
            if (slot == NULL) {
                st = msoc_fail(err, MSOC_LIMIT, "watchlist '%.*s' has too many columns", (int)len, alias);
                break;
            }
            if (!is_new)
                continue;
            *slot = (void *)1;
            msoc_str n = msoc_str_dup(arena, msoc_str_make(key, klen));
            if (n.ptr == NULL) {
                st = msoc_arena_fail(arena, err);
                break;
            }
            msoc_str *slot2 = msoc_vec_push(&names);
            if (slot2 == NULL) {
                st = msoc_fail(err, MSOC_LIMIT, "watchlist '%.*s' has too many columns", (int)len, alias);
                break;
            }
            *slot2 = n;
        }
    }
    if (st == MSOC_OK && names.n > 0) {
        msoc_str *v = msoc_arena_calloc(arena, names.n, sizeof *v);
        if (v == NULL) {
            st = msoc_arena_fail(arena, err);
        } else {
            memcpy(v, names.data, names.n * sizeof *v);
            *names_out = v;
            *n_out = names.n;
        }
    }
    msoc_vec_fini(&names);
    msoc_hashmap_fini(&seen);
    msoc_buf_fini(&text);
    msoc_exec_query_free(q);
    return st;
}

/* ---- stored function files ---- */

static bool is_fn_name(msoc_str n)
{
    if (n.len == 0 || n.len > 200)
        return false;
    for (size_t i = 0; i < n.len; i++) {
        char c = n.ptr[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

static msoc_status read_small(const char *path, msoc_arena *arena, msoc_str *out, bool *is_found,
                              msoc_error *err)
{
    *is_found = false;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        if (errno == ENOENT || errno == ENOTDIR)
            return MSOC_OK;
        return msoc_fail(err, MSOC_IO, "cannot open %s: %s", path, strerror(errno));
    }
    char *buf = msoc_arena_alloc(arena, FN_MAX_BYTES + 1);
    if (buf == NULL) {
        fclose(f);
        return msoc_arena_fail(arena, err);
    }
    size_t n = fread(buf, 1, FN_MAX_BYTES + 1, f);
    bool is_bad = ferror(f) != 0;
    fclose(f);
    if (is_bad)
        return msoc_fail(err, MSOC_IO, "cannot read %s", path);
    if (n > FN_MAX_BYTES)
        return msoc_fail(err, MSOC_CORRUPT, "%s is larger than %u bytes", path, FN_MAX_BYTES);
    buf[n] = 0;
    *out = msoc_str_make(buf, n);
    *is_found = true;
    return MSOC_OK;
}

/* Adds the definition at path to *def unless it is the same text; a second,
 * different definition is a conflict the query must resolve by narrowing its scope. */
static msoc_status take_def(const char *path, msoc_str name, msoc_arena *arena, msoc_str *def, msoc_error *err)
{
    msoc_str text;
    bool is_found;
    msoc_status st = read_small(path, arena, &text, &is_found, err);
    if (st != MSOC_OK || !is_found)
        return st;
    if (def->ptr == NULL) {
        *def = text;
        return MSOC_OK;
    }
    if (msoc_str_eq(*def, text))
        return MSOC_OK;
    return msoc_fail(err, MSOC_CONFLICT,
                     "function '%.*s' is defined differently in several tenants or workspaces of this "
                     "query's scope; query them one at a time",
                     (int)name.len, name.ptr);
}

static msoc_status stored_function(void *ctx, const char *name, size_t len, msoc_arena *arena, msoc_str *def_out,
                                   msoc_error *err)
{
    msoc_exec_objects *o = ctx;
    *def_out = MSOC_STR_NULL;
    msoc_str fname = msoc_str_make(name, len);
    if (o->db == NULL || o->cat == NULL || !is_fn_name(fname))
        return MSOC_OK;
    const char *root = msoc_stor_dir(o->db);
    char path[4096];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", root, FN_DIR);
    if (stat(path, &sb) != 0)
        return MSOC_OK; /* no tenant has stored a function */
    for (size_t i = 0; i < o->cat->n_parts; i++) {
        const msoc_plan_part *p = &o->cat->parts[i];
        char tenant[256];
        if (p->tenant.len == 0 || p->tenant.len >= sizeof tenant)
            continue;
        memcpy(tenant, p->tenant.ptr, p->tenant.len);
        tenant[p->tenant.len] = 0;
        if (!msoc_stor_name_is_safe(tenant))
            continue;
        if (p->workspace.len > 0) {
            /* one workspace: its own functions and the tenant-wide ones */
            const char *wss[2] = {FN_TENANT_WIDE, NULL};
            char ws[256];
            if (p->workspace.len < sizeof ws) {
                memcpy(ws, p->workspace.ptr, p->workspace.len);
                ws[p->workspace.len] = 0;
                if (msoc_stor_name_is_safe(ws))
                    wss[1] = ws;
            }
            for (int k = 0; k < 2; k++) {
                if (wss[k] == NULL)
                    continue;
                snprintf(path, sizeof path, "%s/%s/%s/%s/%.*s.kql", root, FN_DIR, tenant, wss[k], (int)len, name);
                msoc_status st = take_def(path, fname, arena, def_out, err);
                if (st != MSOC_OK)
                    return st;
            }
            continue;
        }
        snprintf(path, sizeof path, "%s/%s/%s", root, FN_DIR, tenant);
        DIR *d = opendir(path);
        if (d == NULL)
            continue;
        struct dirent *de;
        msoc_status st = MSOC_OK;
        while (st == MSOC_OK && (de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.' || !msoc_stor_name_is_safe(de->d_name))
                continue;
            char fpath[8192];
            snprintf(fpath, sizeof fpath, "%s/%s/%.*s.kql", path, de->d_name, (int)len, name);
            st = take_def(fpath, fname, arena, def_out, err);
        }
        closedir(d);
        if (st != MSOC_OK)
            return st;
    }
    return MSOC_OK;
}

/* ---- tables held (search / find over every table) ---- */

typedef struct held_acc {
    const msoc_plan_catalog *cat;
    msoc_stor_db *db;
    msoc_arena *arena;
    msoc_str *names;
    size_t n, cap;
    bool is_oom;
} held_acc;

static bool part_is_authorised(const msoc_plan_catalog *cat, const char *tenant, const char *ws)
{
    for (size_t i = 0; i < cat->n_parts; i++) {
        const msoc_plan_part *p = &cat->parts[i];
        if (!msoc_str_eq_c(p->tenant, tenant))
            continue;
        if (p->workspace.ptr == NULL || p->workspace.len == 0 || (ws && msoc_str_eq_c(p->workspace, ws)))
            return true;
    }
    return false;
}

static void held_one(void *arg, const char *tenant, const char *workspace, const char *table)
{
    held_acc *h = arg;
    if (h->is_oom || table == NULL || !part_is_authorised(h->cat, tenant, workspace))
        return;
    for (size_t i = 0; i < h->n; i++)
        if (msoc_str_eq_c(h->names[i], table))
            return;
    if (msoc_stor_table_find(h->db, table, strlen(table)) == NULL)
        return;
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 64;
        msoc_str *nn = msoc_arena_realloc(h->arena, h->names, h->cap * sizeof *nn, cap * sizeof *nn);
        if (nn == NULL) {
            h->is_oom = true;
            return;
        }
        h->names = nn;
        h->cap = cap;
    }
    char *copy = msoc_arena_strndup(h->arena, table, strlen(table));
    if (copy == NULL) {
        h->is_oom = true;
        return;
    }
    h->names[h->n++] = msoc_str_c(copy);
}

static int str_cmp(const void *a, const void *b)
{
    const msoc_str *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->ptr, y->ptr, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static msoc_status tables_held(void *ctx, msoc_arena *arena, msoc_str **names_out, size_t *n_out,
                               msoc_error *err)
{
    msoc_exec_objects *o = ctx;
    *names_out = NULL;
    *n_out = 0;
    if (o->db == NULL || o->cat == NULL)
        return MSOC_OK;
    held_acc h = {o->cat, o->db, arena, NULL, 0, 0, false};
    msoc_status st = msoc_stor_list_partitions(o->db, NULL, held_one, &h, err);
    if (st != MSOC_OK)
        return st;
    if (h.is_oom)
        return msoc_arena_fail(arena, err);
    if (h.n > 1)
        qsort(h.names, h.n, sizeof *h.names, str_cmp);
    *names_out = h.names;
    *n_out = h.n;
    return MSOC_OK;
}

void msoc_exec_objects_attach(msoc_plan_catalog *cat, msoc_exec_objects *o)
{
    o->cat = cat;
    cat->tables_held = tables_held;
    cat->watchlist_columns = watchlist_columns;
    cat->stored_function = stored_function;
    cat->objects_ctx = o;
}

/* ---- stored-function commands ---- */

static msoc_status mkdir_p(char *path, msoc_error *err)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        int rc = mkdir(path, 0755);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return msoc_fail(err, MSOC_IO, "cannot create %s: %s", path, strerror(errno));
    }
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return msoc_fail(err, MSOC_IO, "cannot create %s: %s", path, strerror(errno));
    return MSOC_OK;
}

static msoc_status fsync_dir(const char *dir, msoc_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return msoc_fail(err, MSOC_IO, "cannot open %s: %s", dir, strerror(errno));
    int rc = fsync(fd);
    close(fd);
    return rc == 0 ? MSOC_OK : msoc_fail(err, MSOC_IO, "fsync %s: %s", dir, strerror(errno));
}

static msoc_status write_atomic(const char *dir, const char *file, msoc_str data, msoc_error *err)
{
    char tmp[4400], dst[4400];
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, file);
    snprintf(dst, sizeof dst, "%s/%s", dir, file);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return msoc_fail(err, MSOC_IO, "cannot create %s: %s", tmp, strerror(errno));
    size_t off = 0;
    while (off < data.len) {
        ssize_t n = write(fd, data.ptr + off, data.len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            unlink(tmp);
            return msoc_fail(err, MSOC_IO, "cannot write %s: %s", tmp, strerror(errno));
        }
        off += (size_t)n;
    }
    if (fsync(fd) != 0) {
        close(fd);
        unlink(tmp);
        return msoc_fail(err, MSOC_IO, "fsync %s: %s", tmp, strerror(errno));
    }
    close(fd);
    if (rename(tmp, dst) != 0) {
        unlink(tmp);
        return msoc_fail(err, MSOC_IO, "cannot rename %s: %s", tmp, strerror(errno));
    }
    return fsync_dir(dir, err);
}

static const char *skip_blank(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

bool msoc_exec_is_function_command(const char *text, size_t len)
{
    const char *end = text + len;
    const char *p = skip_blank(text, end);
    static const char *heads[] = {".create function", ".create-or-alter function", ".alter function",
                                  ".drop function", ".show functions", ".show function"};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        size_t n = strlen(heads[i]);
        if ((size_t)(end - p) >= n && memcmp(p, heads[i], n) == 0)
            return true;
    }
    return false;
}

/* A comment line of the stored file: "// folder: x". */
static msoc_str header_value(msoc_str def, const char *key)
{
    char pat[32];
    int n = snprintf(pat, sizeof pat, "// %s: ", key);
    const char *p = def.ptr, *end = def.ptr + def.len;
    while (p < end && (size_t)(end - p) > (size_t)n && memcmp(p, "// ", 3) == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            break;
        if (memcmp(p, pat, (size_t)n) == 0)
            return msoc_str_make(p + n, (size_t)(nl - p - n));
        p = nl + 1;
    }
    return MSOC_STR("");
}

static msoc_status load_fn(const char *dir, const char *ws, msoc_str name, msoc_arena *arena, msoc_exec_function *f,
                           bool *is_found, msoc_error *err)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%.*s.kql", dir, (int)name.len, name.ptr);
    msoc_str text;
    msoc_status st = read_small(path, arena, &text, is_found, err);
    if (st != MSOC_OK || !*is_found)
        return st;
    f->name = msoc_str_dup(arena, name);
    f->workspace = msoc_str_dup(arena, msoc_str_c(ws));
    f->definition = text;
    f->folder = header_value(text, "folder");
    f->docstring = header_value(text, "docstring");
    return MSOC_OK;
}

static void append_line_value(msoc_buf *b, msoc_str v)
{
    for (size_t i = 0; i < v.len; i++)
        msoc_buf_putc(b, v.ptr[i] == '\n' || v.ptr[i] == '\r' ? ' ' : v.ptr[i]);
}

msoc_status msoc_exec_function_command(const char *data_dir, const char *tenant, const char *workspace,
                                       const char *text, size_t len, msoc_arena *arena,
                                       msoc_exec_function **out, size_t *n_out, msoc_error *err)
{
    *out = NULL;
    *n_out = 0;
    const char *ws = workspace && workspace[0] ? workspace : FN_TENANT_WIDE;
    if (tenant == NULL || !msoc_stor_name_is_safe(tenant) || !msoc_stor_name_is_safe(ws))
        return msoc_fail(err, MSOC_INVALID, "a function command needs one tenant (and optionally one workspace)");
    msoc_kql_node *root;
    msoc_status st = msoc_kql_parse(text, len, arena, &root, err);
    if (st != MSOC_OK)
        return st;
    const msoc_kql_node *cmd = root->kind == MSOC_KQL_SCRIPT && root->args.n == 1 ? root->args.items[0] : NULL;
    if (cmd == NULL || cmd->kind != MSOC_KQL_COMMAND)
        return msoc_fail(err, MSOC_SYNTAX, "expected one control command");
    const char *cname = cmd->name.ptr;
    /* the words after the command: [ifnotexists] [with (k=v, ...)] Name [ifexists] */
    const char *tend = text + len;
    const char *p = skip_blank(text, tend);
    size_t n_words = 0; /* words of the command name (".create-or-alter function": 2) */
    for (const char *c = cname; *c; c++)
        n_words += *c == ' ';
    n_words++;
    for (size_t w = 0; w < n_words && p < tend; w++) {
        while (p < tend && !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++;
        p = skip_blank(p, tend);
    }
    bool has_ifnotexists = false, has_ifexists = false;
    msoc_str folder = MSOC_STR(""), doc = MSOC_STR("");
    if ((size_t)(tend - p) >= 11 && memcmp(p, "ifnotexists", 11) == 0) {
        has_ifnotexists = true;
        p = skip_blank(p + 11, tend);
    }
    if ((size_t)(tend - p) >= 4 && memcmp(p, "with", 4) == 0 && skip_blank(p + 4, tend) < tend &&
        *skip_blank(p + 4, tend) == '(') {
        p = skip_blank(p + 4, tend) + 1;
        /* key = 'value' pairs up to the closing parenthesis */
        while (p < tend && *p != ')') {
            p = skip_blank(p, tend);
            const char *k = p;
            while (p < tend && (isalnum((unsigned char)*p) || *p == '_'))
                p++;
            msoc_str key = msoc_str_make(k, (size_t)(p - k));
            p = skip_blank(p, tend);
            if (p < tend && *p == '=')
                p = skip_blank(p + 1, tend);
            msoc_str val = MSOC_STR("");
            if (p < tend && (*p == '"' || *p == '\'')) {
                char q = *p++;
                const char *v = p;
                while (p < tend && *p != q)
                    p += (*p == '\\' && p + 1 < tend) ? 2 : 1;
                val = msoc_str_make(v, (size_t)(p - v));
                if (p < tend)
                    p++;
            } else {
                const char *v = p;
                while (p < tend && *p != ',' && *p != ')')
                    p++;
                val = msoc_str_trim(msoc_str_make(v, (size_t)(p - v)));
            }
            if (msoc_str_ieq_c(key, "folder"))
                folder = val;
            else if (msoc_str_ieq_c(key, "docstring"))
                doc = val;
            p = skip_blank(p, tend);
            if (p < tend && *p == ',')
                p++;
            else if (p < tend && *p != ')')
                return msoc_fail(err, MSOC_SYNTAX, "expected ',' or ')' in the command's with (...) options");
        }
        if (p >= tend)
            return msoc_fail(err, MSOC_SYNTAX, "the command's with (...) options are not closed");
        p = skip_blank(p + 1, tend);
    }
    const char *nm = p;
    while (p < tend && (isalnum((unsigned char)*p) || *p == '_'))
        p++;
    msoc_str fname = msoc_str_make(nm, (size_t)(p - nm));
    const char *after_name = p;
    p = skip_blank(p, tend);
    if ((size_t)(tend - p) >= 8 && memcmp(p, "ifexists", 8) == 0)
        has_ifexists = true;
    msoc_kql_node name_node = {0};
    const msoc_kql_node *name = NULL;
    if (fname.len) {
        name_node.name = fname;
        name_node.line = cmd->line;
        name_node.col = cmd->col;
        name_node.end = (uint32_t)(after_name - text);
        name = &name_node;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s/%s/%s", data_dir, FN_DIR, tenant, ws);
    bool is_create = strcmp(cname, ".create function") == 0;
    bool is_upsert = strcmp(cname, ".create-or-alter function") == 0;
    bool is_alter = strcmp(cname, ".alter function") == 0;
    if (strcmp(cname, ".show functions") == 0) {
        DIR *d = opendir(dir);
        if (d == NULL)
            return MSOC_OK;
        msoc_vec fns;
        msoc_vec_init(&fns, sizeof(msoc_exec_function), 100000);
        struct dirent *de;
        while (st == MSOC_OK && (de = readdir(d)) != NULL) {
            size_t n = strlen(de->d_name);
            if (de->d_name[0] == '.' || n < 5 || strcmp(de->d_name + n - 4, ".kql") != 0)
                continue;
            msoc_exec_function f = {0};
            bool is_found;
            st = load_fn(dir, ws, msoc_str_make(de->d_name, n - 4), arena, &f, &is_found, err);
            msoc_exec_function *slot = st == MSOC_OK && is_found ? msoc_vec_push(&fns) : NULL;
            if (slot)
                *slot = f;
        }
        closedir(d);
        if (st == MSOC_OK && fns.n > 0) {
            *out = msoc_arena_calloc(arena, fns.n, sizeof **out);
            if (*out == NULL)
                st = msoc_arena_fail(arena, err);
            else
                memcpy(*out, fns.data, fns.n * sizeof **out), *n_out = fns.n;
        }
        msoc_vec_fini(&fns);
        return st;
    }
    if (name == NULL || !is_fn_name(name->name))
        return msoc_fail_pos(err, MSOC_SYNTAX, cmd->line, cmd->col,
                             "expected a function name (letters, digits and '_')");
    msoc_exec_function *f = msoc_arena_calloc(arena, 1, sizeof *f);
    if (f == NULL)
        return msoc_arena_fail(arena, err);
    bool is_found = false;
    if (mkdir_p(dir, err) != MSOC_OK)
        return err->code;
    st = load_fn(dir, ws, name->name, arena, f, &is_found, err);
    if (st != MSOC_OK)
        return st;
    if (strcmp(cname, ".show function") == 0) {
        if (!is_found)
            return msoc_fail_pos(err, MSOC_NOTFOUND, name->line, name->col, "there is no function '%.*s'",
                                 (int)name->name.len, name->name.ptr);
        *out = f;
        *n_out = 1;
        return MSOC_OK;
    }
    char file[256];
    snprintf(file, sizeof file, "%.*s.kql", (int)name->name.len, name->name.ptr);
    if (strcmp(cname, ".drop function") == 0) {
        if (!is_found) {
            if (has_ifexists)
                return MSOC_OK;
            return msoc_fail_pos(err, MSOC_NOTFOUND, name->line, name->col, "there is no function '%.*s'",
                                 (int)name->name.len, name->name.ptr);
        }
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, file);
        if (unlink(path) != 0)
            return msoc_fail(err, MSOC_IO, "cannot remove %s: %s", path, strerror(errno));
        *out = f;
        *n_out = 1;
        return fsync_dir(dir, err);
    }
    if (!is_create && !is_upsert && !is_alter)
        return msoc_fail_pos(err, MSOC_UNSUPPORTED, cmd->line, cmd->col,
                             "not supported: %s (function commands: .create function, .create-or-alter function, "
                             ".alter function, .drop function, .show functions, .show function)",
                             cname);
    if (is_create && is_found) {
        if (has_ifnotexists)
            return MSOC_OK;
        return msoc_fail_pos(err, MSOC_CONFLICT, name->line, name->col,
                             "function '%.*s' already exists (use .create-or-alter function)",
                             (int)name->name.len, name->name.ptr);
    }
    if (is_alter && !is_found)
        return msoc_fail_pos(err, MSOC_NOTFOUND, name->line, name->col, "there is no function '%.*s'",
                             (int)name->name.len, name->name.ptr);
    /* the definition: everything after the name, "(params) { body }" */
    const char *def = text + name->end, *end = text + len;
    def = skip_blank(def, end);
    while (end > def && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\r' || end[-1] == '\t' || end[-1] == ';'))
        end--;
    if (def >= end || *def != '(')
        return msoc_fail_pos(err, MSOC_SYNTAX, name->line, name->col,
                             "expected '(' with the parameter list after the function name");
    msoc_buf file_text;
    msoc_buf_init(&file_text, FN_MAX_BYTES);
    if (folder.len) {
        msoc_buf_append_c(&file_text, "// folder: ");
        append_line_value(&file_text, folder);
        msoc_buf_putc(&file_text, '\n');
    }
    if (doc.len) {
        msoc_buf_append_c(&file_text, "// docstring: ");
        append_line_value(&file_text, doc);
        msoc_buf_putc(&file_text, '\n');
    }
    msoc_buf_append(&file_text, def, (size_t)(end - def));
    msoc_buf_putc(&file_text, '\n');
    st = msoc_buf_check(&file_text, "function definition", err);
    /* the body must parse as a function, as the binder will read it */
    msoc_buf check;
    msoc_buf_init(&check, FN_MAX_BYTES + 64);
    msoc_buf_append_c(&check, "let F = ");
    msoc_buf_append(&check, file_text.data, file_text.len);
    msoc_buf_append_c(&check, ";\nprint 0");
    msoc_kql_node *croot = NULL;
    if (st == MSOC_OK)
        st = msoc_buf_check(&check, "function definition", err);
    if (st == MSOC_OK) {
        msoc_error perr;
        msoc_error_clear(&perr);
        if (msoc_kql_parse(check.data, check.len, arena, &croot, &perr) != MSOC_OK || croot->args.n < 1 ||
            croot->args.items[0]->kind != MSOC_KQL_LET || croot->args.items[0]->a == NULL ||
            croot->args.items[0]->a->kind != MSOC_KQL_FUNC)
            st = msoc_fail_pos(err, MSOC_SYNTAX, name->line, name->col, "the function definition does not parse: %s",
                               perr.msg[0] ? perr.msg : "expected (params) { body }");
    }
    if (st == MSOC_OK)
        st = write_atomic(dir, file, msoc_str_make(file_text.data, file_text.len), err);
    if (st == MSOC_OK)
        st = load_fn(dir, ws, name->name, arena, f, &is_found, err);
    msoc_buf_fini(&check);
    msoc_buf_fini(&file_text);
    if (st == MSOC_OK) {
        *out = f;
        *n_out = 1;
    }
    return st;
}
