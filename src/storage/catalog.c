/* Expands builtin_tables.def into static arrays; per-table column ranges are
 * located once (pthread_once) by scanning for the end-of-table markers. */
#include "catalog.h"

#include <pthread.h>
#include <string.h>

#define STRING   MSOC_TYPE_STRING
#define INT      MSOC_TYPE_INT
#define LONG     MSOC_TYPE_LONG
#define REAL     MSOC_TYPE_REAL
#define BOOL     MSOC_TYPE_BOOL
#define DATETIME MSOC_TYPE_DATETIME
#define TIMESPAN MSOC_TYPE_TIMESPAN
#define DYNAMIC  MSOC_TYPE_DYNAMIC
#define GUID     MSOC_TYPE_GUID
#define DECIMAL  MSOC_TYPE_DECIMAL

#define EXTRA      MSOC_STOR_COL_EXTRA
#define HIDDEN     MSOC_STOR_COL_HIDDEN
#define TENANT     MSOC_STOR_COL_TENANT
#define WORKSPACE  MSOC_STOR_COL_WORKSPACE
#define STREAMING  MSOC_STOR_TBL_STREAMING
#define DEPRECATED MSOC_STOR_TBL_DEPRECATED
#define PARTIAL    MSOC_STOR_TBL_PARTIAL
#define SNAPSHOT   MSOC_STOR_TBL_SNAPSHOT
#define DEFENDER   MSOC_STOR_SRC_DEFENDER
#define SENTINEL   MSOC_STOR_SRC_SENTINEL

/* Pass 1: every column of every table, with a NULL-named marker after each table. */
static const msoc_stor_column all_cols[] = {
#define MSOC_TABLE(name, src, ts, flags)
#define MSOC_TABLE_ALIAS(alias)
#define MSOC_COL(name, type, la_type, flags) {#name, type, la_type, flags},
#define MSOC_END_TABLE() {NULL, MSOC_TYPE_NULL, MSOC_TYPE_NULL, 0},
#include "builtin_tables.def"
#undef MSOC_TABLE
#undef MSOC_TABLE_ALIAS
#undef MSOC_COL
#undef MSOC_END_TABLE
};

/* Pass 2: the tables, without their column ranges (filled in by init). */
static msoc_stor_table_def tables[] = {
#define MSOC_TABLE(name, src, ts, flags) {#name, src, ts, flags, NULL, 0},
#define MSOC_TABLE_ALIAS(alias)
#define MSOC_COL(name, type, la_type, flags)
#define MSOC_END_TABLE()
#include "builtin_tables.def"
#undef MSOC_TABLE
#undef MSOC_TABLE_ALIAS
#undef MSOC_COL
#undef MSOC_END_TABLE
};
#define N_TABLES (sizeof tables / sizeof tables[0])

/* Pass 3: table numbers, and the alias names. */
enum {
#define MSOC_TABLE(name, src, ts, flags) TBL_##name,
#define MSOC_TABLE_ALIAS(alias)
#define MSOC_COL(name, type, la_type, flags)
#define MSOC_END_TABLE()
#include "builtin_tables.def"
#undef MSOC_TABLE
#undef MSOC_TABLE_ALIAS
#undef MSOC_COL
#undef MSOC_END_TABLE
};
static const char *const aliases[] = {
#define MSOC_TABLE(name, src, ts, flags) /* */
#define MSOC_TABLE_ALIAS(alias) #alias,
#define MSOC_COL(name, type, la_type, flags)
#define MSOC_END_TABLE()
#include "builtin_tables.def"
#undef MSOC_TABLE
#undef MSOC_TABLE_ALIAS
#undef MSOC_COL
#undef MSOC_END_TABLE
    NULL,
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int alias_table[sizeof aliases / sizeof aliases[0]];

static void init(void)
{
    size_t col = 0;
    for (size_t t = 0; t < N_TABLES; t++) {
        tables[t].cols = &all_cols[col];
        size_t n = 0;
        while (all_cols[col].name != NULL) {
            col++;
            n++;
        }
        tables[t].n_cols = n;
        col++; /* the marker */
    }
    /* An alias line follows its table's MSOC_TABLE line: replay the sequence. */
    size_t a = 0;
    int cur = -1;
#define MSOC_TABLE(name, src, ts, flags) cur = TBL_##name;
#define MSOC_TABLE_ALIAS(alias) alias_table[a++] = cur;
#define MSOC_COL(name, type, la_type, flags)
#define MSOC_END_TABLE()
#include "builtin_tables.def"
#undef MSOC_TABLE
#undef MSOC_TABLE_ALIAS
#undef MSOC_COL
#undef MSOC_END_TABLE
    (void)cur;
}

size_t msoc_stor_builtin_count(void)
{
    return N_TABLES;
}

const msoc_stor_table_def *msoc_stor_builtin_at(size_t idx)
{
    pthread_once(&init_once, init);
    return idx < N_TABLES ? &tables[idx] : NULL;
}

const msoc_stor_table_def *msoc_stor_builtin_find(const char *name, size_t len)
{
    pthread_once(&init_once, init);
    for (size_t t = 0; t < N_TABLES; t++)
        if (strlen(tables[t].name) == len && memcmp(tables[t].name, name, len) == 0)
            return &tables[t];
    for (size_t a = 0; aliases[a] != NULL; a++)
        if (strlen(aliases[a]) == len && memcmp(aliases[a], name, len) == 0)
            return &tables[alias_table[a]];
    return NULL;
}

int msoc_stor_table_col_index(const msoc_stor_table_def *t, const char *name, size_t len)
{
    for (size_t i = 0; i < t->n_cols; i++)
        if (strlen(t->cols[i].name) == len && memcmp(t->cols[i].name, name, len) == 0)
            return (int)i;
    return -1;
}
