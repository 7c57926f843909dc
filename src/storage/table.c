/* The database handle and per-table state: lazy load and crash recovery, the
 * appender with its WAL group commit, memtable, sealing into extents, flush,
 * partitions, retention and compaction. Design: docs/storage.md. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "core/mem.h"
#include "stor_int.h"
#include "stor_table.h"

#define WAL_REC_MAX ((size_t)1 << 31)
/* A commit with this many bytes of values becomes an extent of its own even when
 * it has fewer than block_rows/2 rows: through the WAL its raw rows would be
 * written and fsynced once, copied into the memtable, and encoded again at seal
 * (a batch of wide rows that spans two tenants leaves such a piece for each). */
#define BULK_BYTES ((size_t)4 << 20)

static void table_free(stor_table *t);

/* ---- db ---- */

msoc_status msoc_stor_open(const char *dir, const msoc_stor_options *opts, msoc_stor_db **out,
                           msoc_error *err)
{
    msoc_status st = msoc_stor__mkdirs(dir, err);
    if (st != MSOC_OK)
        return st;
    msoc_stor_db *db = msoc_calloc(1, sizeof *db);
    db->dir = msoc_strdup(dir);
    if (opts != NULL)
        db->opts = *opts;
    if (db->opts.seal_rows == 0)
        db->opts.seal_rows = 131072;
    if (db->opts.seal_bytes == 0)
        db->opts.seal_bytes = (size_t)64 << 20;
    if (db->opts.seal_age_ms == 0)
        db->opts.seal_age_ms = 60000;
    if (db->opts.block_rows == 0)
        db->opts.block_rows = 65536;
    if (db->opts.codec == 0)
        db->opts.codec = MSOC_STOR_CODEC_ZSTD;
    else if (db->opts.codec < 0)
        db->opts.codec = MSOC_STOR_CODEC_NONE;
    if (db->opts.zstd_level == 0)
        db->opts.zstd_level = 1; /* level 3: ~15% more writer CPU for 2% smaller extents */
    if (db->opts.int_codec != MSOC_STOR_CODEC_ZSTD)
        db->opts.int_codec = MSOC_STOR_CODEC_LZ4; /* ~10% less writer CPU, faster scans */
    if (db->opts.retention_days == 0)
        db->opts.retention_days = 180;
    /* One writing process per data directory: a second one (a CLI ingest next to a
     * running server) would reuse extent ids and delete the first one's temp files.
     * It gets a read-only store instead (scans work, appends say why they cannot). */
    db->lock_fd = -1;
    if (!db->opts.is_readonly) {
        char *lp = msoc_stor__path(dir, ".lock", NULL, NULL);
        db->lock_fd = open(lp, O_RDWR | O_CREAT, 0644);
        msoc_free(lp);
        if (db->lock_fd >= 0) {
            struct flock fl = {0};
            fl.l_type = F_WRLCK;
            fl.l_whence = SEEK_SET;
            if (fcntl(db->lock_fd, F_SETLK, &fl) != 0) {
                struct flock q = {0};
                q.l_type = F_WRLCK;
                q.l_whence = SEEK_SET;
                db->other_writer_pid =
                    fcntl(db->lock_fd, F_GETLK, &q) == 0 && q.l_type != F_UNLCK ? (long)q.l_pid : -1;
                db->opts.is_readonly = true;
            }
        }
    }
    pthread_mutex_init(&db->mu, NULL);
    pthread_mutex_init(&db->ret_mu, NULL);
    msoc_hashmap_init(&db->tables, NULL, 0);
    st = msoc_stor__custom_load(db, err);
    if (st != MSOC_OK) {
        msoc_stor_close(db);
        return st;
    }
    *out = db;
    return MSOC_OK;
}

void msoc_stor_close(msoc_stor_db *db)
{
    if (db == NULL)
        return;
    size_t it = 0;
    msoc_str k;
    void *v;
    while (msoc_hashmap_next(&db->tables, &it, &k, &v))
        table_free(v);
    msoc_hashmap_fini(&db->tables);
    msoc_stor__custom_fini(&db->custom);
    if (db->lock_fd >= 0)
        close(db->lock_fd);
    pthread_mutex_destroy(&db->mu);
    pthread_mutex_destroy(&db->ret_mu);
    msoc_free(db->dir);
    msoc_free(db);
}

bool msoc_stor_is_writable(const msoc_stor_db *db, long *other_pid)
{
    if (other_pid != NULL)
        *other_pid = db->other_writer_pid;
    return !db->opts.is_readonly;
}

const char *msoc_stor_dir(const msoc_stor_db *db)
{
    return db->dir;
}

/* ---- table load and recovery ---- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void table_free(stor_table *t)
{
    if (t == NULL)
        return;
    if (t->wal_fd >= 0)
        close(t->wal_fd);
    for (size_t i = 0; i < t->n_ext; i++)
        msoc_stor__extent_unref(t->ext[i]);
    msoc_free(t->ext);
    msoc_stor__rowset_fini(&t->mem);
    if (t->frozen != NULL) {
        msoc_stor__rowset_fini(t->frozen);
        msoc_free(t->frozen);
    }
    pthread_mutex_destroy(&t->mu);
    pthread_mutex_destroy(&t->maint);
    pthread_cond_destroy(&t->cv);
    msoc_free(t->tenant);
    msoc_free(t->workspace);
    msoc_free(t->name);
    msoc_free(t->dir);
    msoc_free(t->wal_dir);
    msoc_free(t->ext_dir);
    msoc_free(t);
}

void msoc_stor__table_add_extent(stor_table *t, stor_extent *e)
{
    if (t->n_ext == t->cap_ext) {
        t->cap_ext = t->cap_ext ? 2 * t->cap_ext : 16;
        t->ext = msoc_realloc(t->ext, t->cap_ext * sizeof *t->ext);
    }
    t->ext[t->n_ext++] = e;
    if (e->id >= t->next_id)
        t->next_id = e->id + 1;
}

static msoc_status replay_segment(stor_table *t, const char *path, bool is_last, msoc_error *err)
{
    char *data = NULL;
    size_t len = 0;
    msoc_error rerr;
    msoc_error_clear(&rerr);
    msoc_status st = msoc_stor__read_file(path, (size_t)1 << 40, &data, &len, &rerr);
    if (st == MSOC_NOTFOUND && t->db->opts.is_readonly)
        return MSOC_OK; /* sealed and deleted by the writing process meanwhile */
    if (st != MSOC_OK) {
        if (err != NULL)
            *err = rerr;
        return st;
    }
    size_t off = 0;
    const char *why = NULL;
    while (off < len) {
        if (len - off < 8) {
            why = "torn record header";
            break;
        }
        uint32_t rl, h;
        memcpy(&rl, data + off, 4);
        memcpy(&h, data + off + 4, 4);
        if (rl > len - off - 8) {
            why = "torn record";
            break;
        }
        if (msoc_stor__crc32(data + off + 8, rl) != h) {
            why = "record checksum mismatch";
            break;
        }
        stor_rowset rs;
        msoc_error e2;
        msoc_error_clear(&e2);
        if (msoc_stor__rowset_decode(data + off + 8, rl, &rs, &e2) != MSOC_OK) {
            why = "malformed record";
            break;
        }
        msoc_stor__rowset_append(&t->mem, &rs);
        msoc_stor__rowset_fini(&rs);
        off += 8 + (size_t)rl;
        t->n_replayed++;
    }
    msoc_free(data);
    if (off < len) {
        if (!is_last)
            return msoc_fail(err, MSOC_CORRUPT, "%s: %s at offset %zu (not the last segment)",
                             path, why, off);
        /* A torn tail: the record was never acknowledged (its fsync did not return). */
        t->n_torn_bytes += len - off;
        if (!t->db->opts.is_readonly) {
            int fd = open(path, O_WRONLY);
            if (fd < 0 || ftruncate(fd, (off_t)off) != 0 || fsync(fd) != 0) {
                if (fd >= 0)
                    close(fd);
                return msoc_fail(err, MSOC_IO, "%s: cannot truncate the torn tail", path);
            }
            close(fd);
        }
    }
    return MSOC_OK;
}

static msoc_status table_load(stor_table *t, msoc_error *err)
{
    msoc_status st = MSOC_OK;
    /* Extents: drop temp files and extents superseded by a finished compaction. */
    DIR *d = opendir(t->ext_dir);
    uint64_t upto = 0;
    if (d != NULL) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL && st == MSOC_OK) {
            size_t nl = strlen(de->d_name);
            char *p = msoc_stor__path(t->ext_dir, de->d_name, NULL, NULL);
            if (nl > 4 && strcmp(de->d_name + nl - 4, ".tmp") == 0) {
                if (!t->db->opts.is_readonly)
                    unlink(p);
            } else if (nl > 4 && strcmp(de->d_name + nl - 4, ".ext") == 0) {
                stor_extent *e;
                msoc_error oerr;
                msoc_error_clear(&oerr);
                st = msoc_stor__extent_open(p, &e, &oerr);
                if (st == MSOC_OK)
                    msoc_stor__table_add_extent(t, e);
                else if (t->db->opts.is_readonly && access(p, F_OK) != 0)
                    st = MSOC_OK; /* compacted away by the writing process meanwhile */
                else if (err != NULL)
                    *err = oerr;
            }
            msoc_free(p);
        }
        closedir(d);
    }
    if (st != MSOC_OK)
        return st;
    for (size_t i = 0; i < t->n_ext; i++)
        for (size_t k = 0; k < t->ext[i]->n_supersedes; k++)
            for (size_t j = 0; j < t->n_ext; j++)
                if (t->ext[j] != NULL && t->ext[j]->id == t->ext[i]->supersedes[k] && j != i)
                    t->ext[j]->n_rows = SIZE_MAX; /* mark */
    size_t w = 0;
    for (size_t i = 0; i < t->n_ext; i++) {
        stor_extent *e = t->ext[i];
        if (e->n_rows == SIZE_MAX) {
            if (!t->db->opts.is_readonly)
                unlink(e->path);
            msoc_stor__extent_unref(e);
            continue;
        }
        if (e->wal_upto > upto)
            upto = e->wal_upto;
        t->ext[w++] = e;
    }
    t->n_ext = w;
    /* WAL segments after the last sealed one are replayed in order. */
    d = opendir(t->wal_dir);
    uint64_t *segs = NULL;
    size_t n_segs = 0, cap = 0;
    if (d != NULL) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            size_t nl = strlen(de->d_name);
            if (nl != 20 || strcmp(de->d_name + 16, ".wal") != 0)
                continue;
            char *endp;
            uint64_t s = strtoull(de->d_name, &endp, 16);
            if (endp != de->d_name + 16)
                continue;
            if (n_segs == cap) {
                cap = cap ? 2 * cap : 16;
                segs = msoc_realloc(segs, cap * sizeof *segs);
            }
            segs[n_segs++] = s;
        }
        closedir(d);
    }
    if (n_segs > 0)
        qsort(segs, n_segs, sizeof *segs, cmp_u64);
    t->wal_seg = upto + 1;
    for (size_t i = 0; i < n_segs && st == MSOC_OK; i++) {
        char name[32];
        snprintf(name, sizeof name, "%016" PRIx64 ".wal", segs[i]);
        char *p = msoc_stor__path(t->wal_dir, name, NULL, NULL);
        if (segs[i] <= upto) {
            if (!t->db->opts.is_readonly)
                unlink(p);
        } else {
            st = replay_segment(t, p, i + 1 == n_segs, err);
            if (segs[i] >= t->wal_seg)
                t->wal_seg = segs[i] + 1;
        }
        msoc_free(p);
    }
    /* Replayed rows stay covered by their segments until the memtable is sealed:
     * new commits go to a fresh segment, and the memtable seal covers them all. */
    t->mem_seg_done = n_segs > 0 && segs[0] > upto ? segs[0] : upto + 1;
    msoc_free(segs);
    if (t->mem.n_rows > 0)
        t->mem_since = msoc_datetime_now();
    return st;
}

msoc_status msoc_stor__table_get(msoc_stor_db *db, const char *tenant, const char *workspace,
                                 const msoc_stor_table_def *def, bool is_create, stor_table **out,
                                 msoc_error *err)
{
    *out = NULL;
    if (!msoc_stor__safe_name(tenant))
        return msoc_fail(err, MSOC_INVALID, "tenant id '%s' is not a safe name", tenant);
    if (!msoc_stor__safe_name(workspace))
        return msoc_fail(err, MSOC_INVALID, "workspace '%s' is not a safe name", workspace);
    char *key = msoc_stor__path(tenant, workspace, def->name, NULL);
    size_t klen = strlen(key);
    pthread_mutex_lock(&db->mu);
    void **slot = msoc_hashmap_get(&db->tables, key, klen);
    stor_table *t = slot != NULL ? *slot : NULL;
    msoc_status st = MSOC_OK;
    if (t == NULL) {
        char *dir = msoc_stor__path(db->dir, "tenants", key, NULL);
        struct stat stt;
        bool is_there = stat(dir, &stt) == 0;
        if (!is_there && !is_create) {
            msoc_free(dir);
            goto done;
        }
        t = msoc_calloc(1, sizeof *t);
        t->db = db;
        t->tenant = msoc_strdup(tenant);
        t->workspace = msoc_strdup(workspace);
        t->name = msoc_strdup(def->name);
        t->def = def;
        t->dir = dir;
        t->wal_dir = msoc_stor__path(dir, "wal", NULL, NULL);
        t->ext_dir = msoc_stor__path(dir, "extents", NULL, NULL);
        t->wal_fd = -1;
        t->next_id = 1;
        pthread_mutex_init(&t->mu, NULL);
        pthread_mutex_init(&t->maint, NULL);
        pthread_cond_init(&t->cv, NULL);
        msoc_stor__rowset_init(&t->mem, def);
        if (is_create && !db->opts.is_readonly) {
            st = msoc_stor__mkdirs(t->wal_dir, err);
            if (st == MSOC_OK)
                st = msoc_stor__mkdirs(t->ext_dir, err);
        }
        if (st == MSOC_OK)
            st = table_load(t, err);
        if (st != MSOC_OK) {
            table_free(t);
            t = NULL;
            goto done;
        }
        msoc_hashmap_put(&db->tables, key, klen, t);
    } else if (is_create && !db->opts.is_readonly && !t->has_dirs) {
        st = msoc_stor__mkdirs(t->wal_dir, err);
        if (st == MSOC_OK)
            st = msoc_stor__mkdirs(t->ext_dir, err);
    }
    if (st == MSOC_OK && is_create)
        t->has_dirs = true;
done:
    pthread_mutex_unlock(&db->mu);
    msoc_free(key);
    if (st == MSOC_OK && t != NULL) {
        pthread_mutex_lock(&t->mu);
        if (def->n_cols > t->def->n_cols)
            t->def = def;
        pthread_mutex_unlock(&t->mu);
    }
    *out = t;
    return st;
}

/* ---- appender ---- */

struct msoc_stor_appender {
    stor_table *t;
    const msoc_stor_table_def *def;
    stor_rowset pending;
    msoc_buf rec;
    stor_extent_writer *wr;  /* extent scratch, made on the first bulk commit or seal */
};

msoc_status msoc_stor_appender_open(msoc_stor_db *db, const char *tenant, const char *workspace,
                                    const char *table, msoc_stor_appender **out, msoc_error *err)
{
    const msoc_stor_table_def *def = msoc_stor_table_find(db, table, strlen(table));
    if (def == NULL)
        return msoc_fail(err, MSOC_NOTFOUND, "unknown table '%s'", table);
    if (workspace == NULL) {
        if (def->source != MSOC_STOR_SRC_DEFENDER)
            return msoc_fail(err, MSOC_INVALID, "table %s is workspace data: name a workspace",
                             def->name);
        workspace = MSOC_STOR_DEFENDER_WORKSPACE;
    }
    if (db->other_writer_pid != 0)
        return msoc_fail(err, MSOC_CONFLICT,
                         "%s is open for writing by another process (pid %ld); ingest through it "
                         "or stop it first",
                         db->dir, db->other_writer_pid);
    if (db->opts.is_readonly)
        return msoc_fail(err, MSOC_INVALID, "the store is open read-only");
    stor_table *t;
    msoc_status st = msoc_stor__table_get(db, tenant, workspace, def, true, &t, err);
    if (st != MSOC_OK)
        return st;
    msoc_stor_appender *ap = msoc_calloc(1, sizeof *ap);
    ap->t = t;
    ap->def = def;
    msoc_stor__rowset_init(&ap->pending, def);
    msoc_buf_init(&ap->rec, WAL_REC_MAX);
    *out = ap;
    return MSOC_OK;
}

const msoc_stor_table_def *msoc_stor_appender_def(const msoc_stor_appender *ap)
{
    return ap->def;
}

msoc_status msoc_stor_appender_add_row(msoc_stor_appender *ap, const msoc_stor_value *vals,
                                       msoc_error *err)
{
    return msoc_stor__rowset_add(&ap->pending, ap->def, vals, err);
}

size_t msoc_stor_appender_pending(const msoc_stor_appender *ap)
{
    return ap->pending.n_rows;
}

void msoc_stor_appender_discard(msoc_stor_appender *ap)
{
    msoc_stor__rowset_clear(&ap->pending);
}

void msoc_stor_appender_set_pool(msoc_stor_appender *ap, msoc_stor_rowpool *pool)
{
    ap->pending.pool = pool;
}

void msoc_stor_appender_close(msoc_stor_appender *ap)
{
    if (ap == NULL)
        return;
    msoc_stor__rowset_fini(&ap->pending);
    msoc_buf_fini(&ap->rec);
    msoc_stor__extent_writer_free(ap->wr);
    msoc_free(ap);
}

static msoc_status wal_open_locked(stor_table *t, msoc_error *err)
{
    char name[32];
    snprintf(name, sizeof name, "%016" PRIx64 ".wal", t->wal_seg);
    char *p = msoc_stor__path(t->wal_dir, name, NULL, NULL);
    int fd = open(p, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) {
        msoc_status st = msoc_fail(err, MSOC_IO, "%s: cannot create: %s", p, strerror(errno));
        msoc_free(p);
        return st;
    }
    struct stat stt;
    t->wal_size = fstat(fd, &stt) == 0 ? (size_t)stt.st_size : 0;
    msoc_free(p);
    msoc_status st = msoc_stor__fsync_dir(t->wal_dir, t->db->opts.is_nosync, err);
    if (st != MSOC_OK) {
        close(fd);
        return st;
    }
    t->wal_fd = fd;
    return MSOC_OK;
}

stor_extent_params msoc_stor__extent_params(const msoc_stor_db *db, stor_extent_writer *wr,
                                            uint64_t id)
{
    return (stor_extent_params){.writer = wr, .codec = db->opts.codec,
                                .zstd_level = db->opts.zstd_level, .int_codec = db->opts.int_codec,
                                .block_rows = db->opts.block_rows, .is_nosync = db->opts.is_nosync,
                                .id = id};
}

/* Seals t->frozen into an extent covering WAL segments <= upto, then deletes them. */
static msoc_status seal_frozen(stor_table *t, stor_rowset *frozen, uint64_t upto, uint64_t id,
                               stor_extent_writer *wr, msoc_error *err)
{
    stor_extent_params ep = msoc_stor__extent_params(t->db, wr, id);
    ep.wal_upto = upto;
    char *path = NULL;
    msoc_status st = msoc_stor__extent_write(t->ext_dir, frozen, t->def, &ep, &path, err);
    stor_extent *e = NULL;
    if (st == MSOC_OK)
        st = msoc_stor__extent_open(path, &e, err);
    msoc_free(path);
    pthread_mutex_lock(&t->mu);
    if (st == MSOC_OK) {
        msoc_stor__table_add_extent(t, e);
        t->frozen = NULL;
    }
    t->is_sealing = false;
    pthread_mutex_unlock(&t->mu);
    if (st != MSOC_OK)
        return st;
    msoc_stor__rowset_fini(frozen);
    msoc_free(frozen);
    for (uint64_t s = t->mem_seg_done; s <= upto; s++) {
        char name[32];
        snprintf(name, sizeof name, "%016" PRIx64 ".wal", s);
        char *p = msoc_stor__path(t->wal_dir, name, NULL, NULL);
        unlink(p);
        msoc_free(p);
    }
    t->mem_seg_done = upto + 1;
    return MSOC_OK;
}

/* Under t->mu: moves the memtable to frozen and rotates the WAL when allowed.
 * Returns true when the caller must seal (outside the lock). */
static bool freeze_locked(stor_table *t, bool is_force, uint64_t *upto, uint64_t *id)
{
    msoc_stor_db *db = t->db;
    if (t->mem.n_rows == 0 || t->n_inflight > 0 || t->is_syncing || t->is_sealing)
        return false;
    if (t->frozen != NULL) {
        /* A failed seal: retry it first. */
        t->is_sealing = true;
        *upto = t->frozen_upto;
        *id = t->next_id++;
        return true;
    }
    int64_t age_ms = (msoc_datetime_now() - t->mem_since) / MSOC_TICKS_PER_MILLISECOND;
    if (!is_force && t->mem.n_rows < db->opts.seal_rows && t->mem.bytes < db->opts.seal_bytes &&
        age_ms < db->opts.seal_age_ms)
        return false;
    t->frozen = msoc_malloc(sizeof *t->frozen);
    *t->frozen = t->mem;
    msoc_stor__rowset_init(&t->mem, t->def);
    if (t->wal_fd >= 0) {
        close(t->wal_fd);
        t->wal_fd = -1;
    }
    t->frozen_upto = t->wal_seg;
    t->wal_seg++;
    t->is_sealing = true;
    *upto = t->frozen_upto;
    *id = t->next_id++;
    return true;
}

/* wr: the caller's extent scratch, or NULL. */
static msoc_status maybe_seal(stor_table *t, bool is_force, stor_extent_writer *wr,
                              msoc_error *err)
{
    uint64_t upto = 0, id = 0;
    pthread_mutex_lock(&t->mu);
    bool is_seal = freeze_locked(t, is_force, &upto, &id);
    stor_rowset *frozen = t->frozen;
    pthread_mutex_unlock(&t->mu);
    if (!is_seal)
        return MSOC_OK;
    return seal_frozen(t, frozen, upto, id, wr, err);
}

struct msoc_stor_pending {
    stor_table *t;
    char *path;   /* the extent's final path; its bytes are in path.tmp */
    int fd;       /* path.tmp: written, not yet fsynced */
    size_t n_rows;
};

static bool is_bulk(const msoc_stor_appender *ap)
{
    const msoc_stor_db *db = ap->t->db;
    return ap->pending.n_rows >= db->opts.block_rows / 2 || ap->pending.bytes >= BULK_BYTES;
}

/* A bulk commit: the pending rows as an extent of their own, written to its temp
 * file (no WAL); durable and visible after msoc_stor_pending_finish. */
static msoc_status bulk_start(msoc_stor_appender *ap, msoc_stor_pending **out, msoc_error *err)
{
    stor_table *t = ap->t;
    msoc_stor_db *db = t->db;
    pthread_mutex_lock(&t->mu);
    uint64_t id = t->next_id++;
    bool is_broken = t->is_broken;
    pthread_mutex_unlock(&t->mu);
    if (is_broken) {
        msoc_stor__rowset_clear(&ap->pending);
        return msoc_fail(err, MSOC_IO, "%s: an earlier fsync failed; reopen the store", t->dir);
    }
    if (ap->wr == NULL)
        ap->wr = msoc_stor__extent_writer_new();
    int fd = -1;
    stor_extent_params ep = msoc_stor__extent_params(db, ap->wr, id);
    ep.tmp_fd = &fd;
    char *path = NULL;
    size_t n = ap->pending.n_rows;
    msoc_status st = msoc_stor__extent_write(t->ext_dir, &ap->pending, ap->def, &ep, &path, err);
    msoc_stor__rowset_clear(&ap->pending);
    if (st != MSOC_OK)
        return st;
    msoc_stor_pending *p = msoc_calloc(1, sizeof *p);
    p->t = t;
    p->path = path;
    p->fd = fd;
    p->n_rows = n;
    *out = p;
    return MSOC_OK;
}

size_t msoc_stor_pending_rows(const msoc_stor_pending *p)
{
    return p->n_rows;
}

msoc_status msoc_stor_pending_finish(msoc_stor_pending **ps, size_t n, msoc_error *err)
{
    msoc_status st = MSOC_OK;
    /* Every file's data first (their writeback started when they were written),
     * then the renames, then one fsync per directory for all of them. */
    bool *is_renamed = msoc_calloc(n + 1, sizeof *is_renamed);
    for (size_t i = 0; i < n; i++) {
        msoc_stor_pending *p = ps[i];
        if (st != MSOC_OK) {
            msoc_stor__tmp_abort(p->path, p->fd);
            continue;
        }
        st = msoc_stor__tmp_commit(p->path, p->fd, p->t->db->opts.is_nosync, err);
        is_renamed[i] = st == MSOC_OK;
    }
    msoc_status dst = MSOC_OK;
    for (size_t i = 0; i < n && dst == MSOC_OK; i++) {
        if (!is_renamed[i])
            continue;
        bool is_seen = false;
        for (size_t k = 0; k < i && !is_seen; k++)
            is_seen = is_renamed[k] && ps[k]->t == ps[i]->t;
        if (!is_seen)
            dst = msoc_stor__fsync_dir(ps[i]->t->ext_dir, ps[i]->t->db->opts.is_nosync,
                                       st == MSOC_OK ? err : NULL);
    }
    if (st == MSOC_OK)
        st = dst;
    /* A renamed extent is in its directory (recovery would load it): publish it
     * even when a later step failed; only the acknowledgement is withheld. */
    for (size_t i = 0; i < n; i++) {
        msoc_stor_pending *p = ps[i];
        if (is_renamed[i]) {
            stor_extent *e = NULL;
            msoc_status ost = msoc_stor__extent_open(p->path, &e, st == MSOC_OK ? err : NULL);
            if (ost == MSOC_OK) {
                pthread_mutex_lock(&p->t->mu);
                msoc_stor__table_add_extent(p->t, e);
                pthread_mutex_unlock(&p->t->mu);
            } else if (st == MSOC_OK) {
                st = ost;
            }
        }
        msoc_free(p->path);
        msoc_free(p);
        ps[i] = NULL;
    }
    msoc_free(is_renamed);
    return st;
}

void msoc_stor_pending_abort(msoc_stor_pending *p)
{
    if (p == NULL)
        return;
    msoc_stor__tmp_abort(p->path, p->fd);
    msoc_free(p->path);
    msoc_free(p);
}

msoc_status msoc_stor_appender_commit_start(msoc_stor_appender *ap, msoc_stor_pending **out,
                                            msoc_error *err)
{
    *out = NULL;
    if (ap->pending.n_rows == 0)
        return MSOC_OK;
    if (!is_bulk(ap))
        return msoc_stor_appender_commit(ap, err);
    msoc_stor__rowset_set_ingest(&ap->pending, 0, msoc_datetime_now());
    return bulk_start(ap, out, err);
}

msoc_status msoc_stor_appender_commit(msoc_stor_appender *ap, msoc_error *err)
{
    stor_table *t = ap->t;
    if (ap->pending.n_rows == 0)
        return MSOC_OK;
    msoc_stor__rowset_set_ingest(&ap->pending, 0, msoc_datetime_now());
    msoc_status st = MSOC_OK;
    if (is_bulk(ap)) {
        /* A bulk commit becomes an extent of its own: durable once renamed, no WAL. */
        msoc_stor_pending *p = NULL;
        st = bulk_start(ap, &p, err);
        if (st == MSOC_OK)
            st = msoc_stor_pending_finish(&p, 1, err);
        return st;
    }
    msoc_buf_reset(&ap->rec);
    uint32_t hdr[2] = {0, 0};
    stor_append(&ap->rec, hdr, 8);
    msoc_stor__rowset_encode(&ap->pending, &ap->rec);
    st = msoc_buf_check(&ap->rec, "WAL record", err);
    if (st != MSOC_OK) {
        msoc_stor__rowset_clear(&ap->pending);
        return st;
    }
    hdr[0] = (uint32_t)(ap->rec.len - 8);
    hdr[1] = msoc_stor__crc32(ap->rec.data + 8, ap->rec.len - 8);
    memcpy(ap->rec.data, hdr, 8);

    pthread_mutex_lock(&t->mu);
    if (t->is_broken) {
        pthread_mutex_unlock(&t->mu);
        msoc_stor__rowset_clear(&ap->pending);
        return msoc_fail(err, MSOC_IO, "%s: an earlier fsync failed; reopen the store", t->dir);
    }
    if (t->wal_fd < 0)
        st = wal_open_locked(t, err);
    if (st == MSOC_OK) {
        st = msoc_stor__write_all(t->wal_fd, ap->rec.data, ap->rec.len, t->wal_dir, err);
        if (st != MSOC_OK) {
            /* Cut the partial record so later records stay readable. */
            if (ftruncate(t->wal_fd, (off_t)t->wal_size) != 0)
                t->is_broken = true;
        }
    }
    if (st != MSOC_OK) {
        pthread_mutex_unlock(&t->mu);
        msoc_stor__rowset_clear(&ap->pending);
        return st;
    }
    t->wal_size += ap->rec.len;
    uint64_t mine = ++t->n_written;
    t->n_inflight++;
    /* Group commit: one fsync covers every record written before it started. */
    while (t->n_synced < mine && !t->is_broken) {
        if (!t->is_syncing) {
            t->is_syncing = true;
            uint64_t target = t->n_written;
            int fd = t->wal_fd;
            pthread_mutex_unlock(&t->mu);
            int rc = msoc_stor__fsync(fd, t->db->opts.is_nosync);
            pthread_mutex_lock(&t->mu);
            t->is_syncing = false;
            if (rc != 0)
                t->is_broken = true;
            else if (target > t->n_synced)
                t->n_synced = target;
            pthread_cond_broadcast(&t->cv);
        } else {
            pthread_cond_wait(&t->cv, &t->mu);
        }
    }
    if (t->is_broken) {
        t->n_inflight--;
        pthread_mutex_unlock(&t->mu);
        msoc_stor__rowset_clear(&ap->pending);
        return msoc_fail(err, MSOC_IO, "%s: fsync of the WAL failed", t->wal_dir);
    }
    if (t->mem.n_rows == 0)
        t->mem_since = msoc_datetime_now();
    msoc_stor__rowset_widen(&t->mem, t->def);
    msoc_stor__rowset_append(&t->mem, &ap->pending);
    t->n_inflight--;
    pthread_mutex_unlock(&t->mu);
    msoc_stor__rowset_clear(&ap->pending);
    return maybe_seal(t, false, ap->wr, err);
}

msoc_status msoc_stor_flush(msoc_stor_db *db, bool is_force, msoc_error *err)
{
    pthread_mutex_lock(&db->mu);
    size_t n = db->tables.n, i = 0, it = 0;
    stor_table **ts = msoc_malloc((n + 1) * sizeof *ts);
    msoc_str k;
    void *v;
    while (msoc_hashmap_next(&db->tables, &it, &k, &v))
        ts[i++] = v;
    pthread_mutex_unlock(&db->mu);
    msoc_status st = MSOC_OK;
    for (size_t j = 0; j < i && st == MSOC_OK; j++)
        if (!db->opts.is_readonly)
            st = maybe_seal(ts[j], is_force, NULL, err);
    msoc_free(ts);
    return st;
}

/* ---- partitions ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted subdirectory names of dir (owned array of owned strings). */
size_t msoc_stor__list_dirs(const char *dir, char ***out)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    size_t n = 0, cap = 0;
    char **names = NULL;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!msoc_stor__safe_name(de->d_name))
            continue;
        char *p = msoc_stor__path(dir, de->d_name, NULL, NULL);
        struct stat stt;
        bool is_dir = stat(p, &stt) == 0 && S_ISDIR(stt.st_mode);
        msoc_free(p);
        if (!is_dir)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            names = msoc_realloc(names, cap * sizeof *names);
        }
        names[n++] = msoc_strdup(de->d_name);
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, cmp_str);
    *out = names;
    return n;
}

void msoc_stor__free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        msoc_free(names[i]);
    msoc_free(names);
}

msoc_status msoc_stor_list_partitions(msoc_stor_db *db, const char *table,
                                      void (*fn)(void *arg, const char *tenant,
                                                 const char *workspace, const char *table),
                                      void *arg, msoc_error *err)
{
    (void)err;
    char *root = msoc_stor__path(db->dir, "tenants", NULL, NULL);
    char **tenants;
    size_t nt = msoc_stor__list_dirs(root, &tenants);
    for (size_t i = 0; i < nt; i++) {
        char *tdir = msoc_stor__path(root, tenants[i], NULL, NULL);
        char **wss;
        size_t nw = msoc_stor__list_dirs(tdir, &wss);
        for (size_t j = 0; j < nw; j++) {
            char *wdir = msoc_stor__path(tdir, wss[j], NULL, NULL);
            char **tbls;
            size_t nb = msoc_stor__list_dirs(wdir, &tbls);
            for (size_t k = 0; k < nb; k++)
                if (table == NULL || strcmp(table, tbls[k]) == 0)
                    fn(arg, tenants[i], wss[j], tbls[k]);
            msoc_stor__free_names(tbls, nb);
            msoc_free(wdir);
        }
        msoc_stor__free_names(wss, nw);
        msoc_free(tdir);
    }
    msoc_stor__free_names(tenants, nt);
    msoc_free(root);
    return MSOC_OK;
}
