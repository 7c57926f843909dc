/* Per-table state (internal to src/storage). One stor_table per
 * tenant/workspace/table directory, created on first use and kept until close. */
#ifndef MSOC_STORAGE_STOR_TABLE_H
#define MSOC_STORAGE_STOR_TABLE_H

#include "stor_int.h"

struct stor_table {
    msoc_stor_db *db;
    char *tenant, *workspace, *name;
    char *dir, *wal_dir, *ext_dir;
    const msoc_stor_table_def *def;   /* the newest version seen (custom tables grow) */
    pthread_mutex_t mu;               /* everything below */
    pthread_cond_t cv;                /* group commit: n_synced advanced */
    pthread_mutex_t maint;            /* retention / compaction of this table */
    bool has_dirs;
    bool is_broken;                   /* an fsync failed: refuse further commits */
    int wal_fd;                       /* current segment, -1 until the first record */
    uint64_t wal_seg;                 /* current segment number */
    size_t wal_size;                  /* bytes in the current segment */
    uint64_t n_written, n_synced;     /* WAL records written / known durable */
    size_t n_inflight;                /* records written but not yet in the memtable */
    bool is_syncing;                  /* a group-commit leader is in fdatasync */
    stor_rowset mem;                  /* the memtable */
    msoc_datetime mem_since;          /* when its first row arrived */
    uint64_t mem_seg_done;            /* lowest segment not yet deleted */
    stor_rowset *frozen;              /* being sealed; still visible to scans */
    uint64_t frozen_upto;
    bool is_sealing;
    stor_extent **ext;
    size_t n_ext, cap_ext;
    uint64_t next_id;
    size_t n_replayed;                /* WAL records replayed at load */
    size_t n_torn_bytes;              /* bytes of torn tail dropped at load */
};

msoc_status msoc_stor__table_get(msoc_stor_db *db, const char *tenant, const char *workspace,
                                 const msoc_stor_table_def *def, bool is_create, stor_table **out,
                                 msoc_error *err);
void msoc_stor__table_add_extent(stor_table *t, stor_extent *e);
size_t msoc_stor__list_dirs(const char *dir, char ***out);
void msoc_stor__free_names(char **names, size_t n);

#endif
