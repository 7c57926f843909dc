/* Retention (drop whole extents past a tenant's/table's retention) and
 * compaction (merge small extents; the merged extent names the ones it
 * supersedes, so a crash between rename and unlink never duplicates rows). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "stor_int.h"
#include "stor_table.h"

#define RET_FILE "retention.conf"

/* retention.conf: lines "<Table|*> <days>". */
static int read_retention(msoc_stor_db *db, const char *tenant, const char *table)
{
    char *path = msoc_stor__path(db->dir, "tenants", tenant, RET_FILE);
    char *text = NULL;
    size_t len = 0;
    int days = 0, dflt = 0;
    if (msoc_stor__read_file(path, (size_t)1 << 20, &text, &len, NULL) == MSOC_OK) {
        char *p = text;
        while (*p) {
            char *nl = strchr(p, '\n');
            if (nl != NULL)
                *nl = '\0';
            char *sp = strchr(p, ' ');
            if (sp != NULL) {
                *sp = '\0';
                int64_t v;
                if (msoc_str_to_i64(msoc_str_c(sp + 1), &v) && v > 0 && v < 1000000) {
                    if (strcmp(p, "*") == 0)
                        dflt = (int)v;
                    else if (table != NULL && strcmp(p, table) == 0)
                        days = (int)v;
                }
            }
            if (nl == NULL)
                break;
            p = nl + 1;
        }
    }
    msoc_free(text);
    msoc_free(path);
    if (days > 0)
        return days;
    return dflt > 0 ? dflt : db->opts.retention_days;
}

int msoc_stor_retention_get(msoc_stor_db *db, const char *tenant, const char *table)
{
    pthread_mutex_lock(&db->ret_mu);
    int d = read_retention(db, tenant, table);
    pthread_mutex_unlock(&db->ret_mu);
    return d;
}

msoc_status msoc_stor_retention_set(msoc_stor_db *db, const char *tenant, const char *table,
                                    int days, msoc_error *err)
{
    if (!msoc_stor__safe_name(tenant))
        return msoc_fail(err, MSOC_INVALID, "tenant id '%s' is not a safe name", tenant);
    if (table != NULL && !msoc_stor__safe_name(table))
        return msoc_fail(err, MSOC_INVALID, "table '%s' is not a safe name", table);
    if (days < 0 || days > 100000)
        return msoc_fail(err, MSOC_INVALID, "retention of %d days is out of range", days);
    const char *key = table != NULL ? table : "*";
    pthread_mutex_lock(&db->ret_mu);
    char *tdir = msoc_stor__path(db->dir, "tenants", tenant, NULL);
    msoc_status st = msoc_stor__mkdirs(tdir, err);
    char *path = msoc_stor__path(tdir, RET_FILE, NULL, NULL);
    char *text = NULL;
    size_t len = 0;
    msoc_buf b;
    msoc_buf_init(&b, (size_t)1 << 20);
    if (st == MSOC_OK && msoc_stor__read_file(path, (size_t)1 << 20, &text, &len, NULL) == MSOC_OK) {
        char *p = text;
        while (*p) {
            char *nl = strchr(p, '\n');
            size_t ll = nl != NULL ? (size_t)(nl - p) : strlen(p);
            size_t kl = strlen(key);
            if (ll > 0 && !(ll > kl && memcmp(p, key, kl) == 0 && p[kl] == ' ')) {
                msoc_buf_append(&b, p, ll);
                msoc_buf_putc(&b, '\n');
            }
            if (nl == NULL)
                break;
            p = nl + 1;
        }
    }
    if (days > 0)
        msoc_buf_appendf(&b, "%s %d\n", key, days);
    if (st == MSOC_OK)
        st = msoc_stor__write_file_atomic(path, b.data, b.len, db->opts.is_nosync, err);
    msoc_buf_fini(&b);
    msoc_free(text);
    msoc_free(path);
    msoc_free(tdir);
    pthread_mutex_unlock(&db->ret_mu);
    return st;
}

typedef struct part_list {
    msoc_vec items; /* char * "tenant\0workspace\0table" triples as 3 strings */
} part_list;

static void collect(void *arg, const char *tenant, const char *workspace, const char *table)
{
    part_list *pl = arg;
    char *s[3] = {msoc_strdup(tenant), msoc_strdup(workspace), msoc_strdup(table)};
    msoc_vec_append(&pl->items, s);
}

static void free_parts(part_list *pl)
{
    for (size_t i = 0; i < pl->items.n; i++) {
        char **s = &MSOC_VEC_AT(&pl->items, char *, 3 * i);
        (void)s;
    }
    char **all = pl->items.data;
    for (size_t i = 0; i < 3 * pl->items.n; i++)
        msoc_free(all[i]);
    msoc_vec_fini(&pl->items);
}

static void remove_extent_locked(stor_table *t, stor_extent *e)
{
    for (size_t i = 0; i < t->n_ext; i++) {
        if (t->ext[i] == e) {
            memmove(&t->ext[i], &t->ext[i + 1], (t->n_ext - i - 1) * sizeof *t->ext);
            t->n_ext--;
            return;
        }
    }
}

msoc_status msoc_stor_retention_run(msoc_stor_db *db, msoc_datetime now, size_t *n_extents,
                                    size_t *n_rows, msoc_error *err)
{
    part_list pl;
    msoc_vec_init(&pl.items, 3 * sizeof(char *), (size_t)1 << 24);
    msoc_status st = msoc_stor_list_partitions(db, NULL, collect, &pl, err);
    size_t ne = 0, nr = 0;
    for (size_t i = 0; i < pl.items.n && st == MSOC_OK; i++) {
        char **s = (char **)pl.items.data + 3 * i;
        const msoc_stor_table_def *def = msoc_stor_table_find(db, s[2], strlen(s[2]));
        if (def == NULL)
            continue;
        stor_table *t;
        st = msoc_stor__table_get(db, s[0], s[1], def, false, &t, err);
        if (st != MSOC_OK || t == NULL)
            continue;
        int days = msoc_stor_retention_get(db, s[0], def->name);
        msoc_datetime cutoff = now - (int64_t)days * MSOC_TICKS_PER_DAY;
        pthread_mutex_lock(&t->maint);
        pthread_mutex_lock(&t->mu);
        size_t n = t->n_ext;
        stor_extent **drop = msoc_malloc((n + 1) * sizeof *drop);
        size_t nd = 0;
        for (size_t k = 0; k < t->n_ext; k++) {
            stor_extent *e = t->ext[k];
            msoc_datetime newest = e->time_col >= 0 && e->time_max != MSOC_TIME_NULL
                                       ? e->time_max
                                       : e->ingest_max;
            if (newest != MSOC_TIME_NULL && newest < cutoff)
                drop[nd++] = e;
        }
        for (size_t k = 0; k < nd; k++)
            remove_extent_locked(t, drop[k]);
        pthread_mutex_unlock(&t->mu);
        for (size_t k = 0; k < nd; k++) {
            unlink(drop[k]->path);
            ne++;
            nr += drop[k]->n_rows;
            msoc_stor__extent_unref(drop[k]);
        }
        if (nd > 0)
            st = msoc_stor__fsync_dir(t->ext_dir, db->opts.is_nosync, err);
        msoc_free(drop);
        pthread_mutex_unlock(&t->maint);
    }
    free_parts(&pl);
    if (n_extents != NULL)
        *n_extents = ne;
    if (n_rows != NULL)
        *n_rows = nr;
    return st;
}

static msoc_status compact_table(stor_table *t, size_t *n_merged, msoc_error *err)
{
    msoc_stor_db *db = t->db;
    pthread_mutex_lock(&t->maint);
    pthread_mutex_lock(&t->mu);
    size_t n = 0;
    stor_extent **small = msoc_malloc((t->n_ext + 1) * sizeof *small);
    size_t total = 0;
    for (size_t k = 0; k < t->n_ext; k++) {
        stor_extent *e = t->ext[k];
        if (e->n_rows < db->opts.seal_rows && total + e->n_rows <= 4 * db->opts.seal_rows) {
            small[n++] = e;
            total += e->n_rows;
            msoc_stor__extent_ref(e);
        }
    }
    const msoc_stor_table_def *def = t->def;
    uint64_t id = n >= 2 ? t->next_id++ : 0;
    pthread_mutex_unlock(&t->mu);
    msoc_status st = MSOC_OK;
    if (n >= 2) {
        stor_rowset rs;
        msoc_stor__rowset_init(&rs, def);
        uint64_t *ids = msoc_malloc(n * sizeof *ids);
        uint64_t upto = 0;
        for (size_t k = 0; k < n && st == MSOC_OK; k++) {
            ids[k] = small[k]->id;
            if (small[k]->wal_upto > upto)
                upto = small[k]->wal_upto;
            st = msoc_stor__extent_to_rowset(small[k], def, &rs, err);
        }
        char *path = NULL;
        stor_extent *ne = NULL;
        if (st == MSOC_OK) {
            stor_extent_params ep = msoc_stor__extent_params(db, NULL, id);
            ep.wal_upto = upto;
            ep.supersedes = ids;
            ep.n_supersedes = n;
            st = msoc_stor__extent_write(t->ext_dir, &rs, def, &ep, &path, err);
        }
        if (st == MSOC_OK)
            st = msoc_stor__extent_open(path, &ne, err);
        if (st == MSOC_OK) {
            pthread_mutex_lock(&t->mu);
            for (size_t k = 0; k < n; k++)
                remove_extent_locked(t, small[k]);
            msoc_stor__table_add_extent(t, ne);
            pthread_mutex_unlock(&t->mu);
            for (size_t k = 0; k < n; k++) {
                unlink(small[k]->path);
                msoc_stor__extent_unref(small[k]); /* the table's reference */
            }
            *n_merged += n;
        }
        msoc_free(path);
        msoc_free(ids);
        msoc_stor__rowset_fini(&rs);
    }
    for (size_t k = 0; k < n; k++)
        msoc_stor__extent_unref(small[k]);
    msoc_free(small);
    pthread_mutex_unlock(&t->maint);
    return st;
}

msoc_status msoc_stor_compact(msoc_stor_db *db, size_t *n_merged, msoc_error *err)
{
    part_list pl;
    msoc_vec_init(&pl.items, 3 * sizeof(char *), (size_t)1 << 24);
    msoc_status st = msoc_stor_list_partitions(db, NULL, collect, &pl, err);
    size_t nm = 0;
    for (size_t i = 0; i < pl.items.n && st == MSOC_OK; i++) {
        char **s = (char **)pl.items.data + 3 * i;
        const msoc_stor_table_def *def = msoc_stor_table_find(db, s[2], strlen(s[2]));
        if (def == NULL)
            continue;
        stor_table *t;
        st = msoc_stor__table_get(db, s[0], s[1], def, false, &t, err);
        if (st == MSOC_OK && t != NULL)
            st = compact_table(t, &nm, err);
    }
    free_parts(&pl);
    if (n_merged != NULL)
        *n_merged = nm;
    return st;
}
