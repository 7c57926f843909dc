/* Internals shared by the src/soc files: the handle, SQLite helpers, transactions
 * and the audit writer. Only the src/soc sources include this. */
#ifndef MSOC_SOC_SOC_INT_H
#define MSOC_SOC_SOC_INT_H

#include <pthread.h>
#include <sqlite3.h>

#include "core/str.h"
#include "soc.h"

#define MSOC_SOC__N_READERS 4

struct msoc_soc {
    sqlite3 *db;
    pthread_mutex_t mu;     /* serialises every call */
    msoc_soc_cloud home;
    int max_tenants;
    int max_cases;
    int schema_version;
    /* Read-only connections for the hot read paths (WAL lets them run beside the
     * writer); each is a full msoc_soc with its own mutex. None in readers. */
    msoc_soc *readers[MSOC_SOC__N_READERS];
    int n_readers;
    unsigned next_reader;   /* round-robin start; races only skew the choice */
};

/* Records the SQLite error of db as MSOC_IO (or CONFLICT for constraint errors). */
msoc_status msoc_soc__sqlfail(msoc_soc *s, int rc, const char *what, msoc_error *err);
/* Prepares sql; on failure records an internal error. */
msoc_status msoc_soc__prep(msoc_soc *s, const char *sql, sqlite3_stmt **st, msoc_error *err);
/* Runs a statement without results. */
msoc_status msoc_soc__exec(msoc_soc *s, const char *sql, msoc_error *err);
/* Steps a prepared statement to completion (DONE), finalizes it. */
msoc_status msoc_soc__step_done(msoc_soc *s, sqlite3_stmt *st, const char *what, msoc_error *err);

msoc_status msoc_soc__begin(msoc_soc *s, msoc_error *err);
msoc_status msoc_soc__commit(msoc_soc *s, msoc_error *err);
void msoc_soc__rollback(msoc_soc *s);

void msoc_soc__lock(msoc_soc *s);
/* For read-only calls: returns an idle reader connection, locked (or s itself,
 * locked, when there are none). Release with msoc_soc__unlock on the result. */
msoc_soc *msoc_soc__read_lock(msoc_soc *s);
void msoc_soc__unlock(msoc_soc *s);

/* Binds a nullable C string. */
int msoc_soc__bind_text(sqlite3_stmt *st, int idx, const char *v);
/* Column text copied into the arena ("" for NULL when dflt_empty, else NULL). */
const char *msoc_soc__col_text(sqlite3_stmt *st, int col, msoc_arena *a, bool null_is_empty);
/* Fills one record (elem bytes, zeroed) from the current row of st; strings go into a. */
typedef void msoc_soc__row_fn(sqlite3_stmt *st, msoc_arena *a, void *row);
/* The list readers' loop: steps the prepared, bound statement st to its end,
 * reading each row with read into a growing arena array, and finalizes st. On
 * success *rows and *n_rows hold the records; on failure (the arena budget: MSOC_LIMIT;
 * a SQLite error mid-way: the error of s, never a silently shortened list) *rows is
 * NULL and *n_rows 0. */
msoc_status msoc_soc__collect(msoc_soc *s, sqlite3_stmt *st, msoc_arena *a, size_t elem,
                              msoc_soc__row_fn *read, void **rows, size_t *n_rows, msoc_error *err);

/* Appends an audit record (inside the caller's transaction). detail may be NULL. */
msoc_status msoc_soc__audit(msoc_soc *s, const char *actor, const char *tenant_id,
                            const char *kind, const char *object_id, const char *action,
                            const char *detail, msoc_error *err);

/* Appends " AND <col> IN (?N,?N+1,..)" numbered from first_idx (with first_idx 1
 * the scope's parameters must come first in the statement text); NULL scope
 * appends nothing. An empty scope appends " AND 0". */
msoc_status msoc_soc__scope_sql(msoc_buf *sql, const char *col, const msoc_soc_scope *scope,
                                int first_idx);
int msoc_soc__scope_bind(sqlite3_stmt *st, int idx, const msoc_soc_scope *scope);

/* A random GUID (lower-case 8-4-4-4-12) into out[37]. */
void msoc_soc__guid(char out[37]);
bool msoc_soc__is_guid(const char *s);
/* Checks a value is one of values (NULL-terminated). */
bool msoc_soc__in(const char *const *values, const char *v);
/* Checks that text is non-empty and at most max bytes. */
msoc_status msoc_soc__check_text(const char *field, const char *v, size_t max, bool required,
                                 msoc_error *err);
/* Counts UTF-8 code points. */
size_t msoc_soc__utf8_chars(const char *s);
/* Checks v (may be NULL: nothing to check) is valid JSON of the given kind, using
 * SQLite's JSON functions: kind "array" (any array), "strings" (an array of
 * strings) or "object". MSOC_INVALID naming field otherwise. */
msoc_status msoc_soc__json_check(msoc_soc *s, const char *field, const char *v, const char *kind,
                                 msoc_error *err);

/* Internal comment writer, inside a transaction. */
msoc_status msoc_soc__comment_insert(msoc_soc *s, const char *tenant_id, const char *kind,
                                     const char *object_id, const char *text, const char *actor,
                                     msoc_error *err);
/* Inserts inside the caller's transaction (demo seeding batches many). */
msoc_status msoc_soc__incident_insert(msoc_soc *s, const msoc_soc_scope *scope,
                                      const msoc_soc_incident *in, const char *actor,
                                      int64_t *id_out, msoc_error *err);
msoc_status msoc_soc__alert_insert(msoc_soc *s, const msoc_soc_scope *scope,
                                   const msoc_soc_alert *in, const char *actor, char id_buf[48],
                                   msoc_error *err);
#endif
