/* The built-in table catalog: every Defender advanced-hunting and Sentinel table
 * with its columns and KQL types (from builtin_tables.def, the project's schema
 * file). Immutable; thread-safe. */
#ifndef MSOC_STORAGE_CATALOG_H
#define MSOC_STORAGE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/types.h"

typedef enum msoc_stor_source {
    MSOC_STOR_SRC_DEFENDER, /* tenant-level; stored under the "defender" workspace */
    MSOC_STOR_SRC_SENTINEL, /* per workspace */
    MSOC_STOR_SRC_CUSTOM,   /* .create table / auto-created *_CL */
} msoc_stor_source;

/* Column flags. */
#define MSOC_STOR_COL_EXTRA     1u /* bindable, but rows may lack it */
#define MSOC_STOR_COL_HIDDEN    2u /* not part of * or getschema */
#define MSOC_STOR_COL_TENANT    4u /* TenantId: the tenant partition */
#define MSOC_STOR_COL_WORKSPACE 8u /* WorkspaceId: the workspace partition */

/* Table flags. */
#define MSOC_STOR_TBL_STREAMING  1u /* delivered by the Defender streaming API */
#define MSOC_STOR_TBL_DEPRECATED 2u
#define MSOC_STOR_TBL_PARTIAL    4u /* more columns exist than are listed (AzureDiagnostics) */
#define MSOC_STOR_TBL_SNAPSHOT   8u /* no event-time column (inventory, knowledge base) */

/* The workspace directory name under which tenant-level Defender data lives. */
#define MSOC_STOR_DEFENDER_WORKSPACE "defender"

typedef struct msoc_stor_column {
    const char *name;
    msoc_type type;     /* the advanced-hunting type */
    msoc_type la_type;  /* the Log Analytics type (differs e.g. for AdditionalFields) */
    unsigned flags;
} msoc_stor_column;

typedef struct msoc_stor_table_def {
    const char *name;
    msoc_stor_source source;
    const char *timestamp_col;  /* "Timestamp", "TimeGenerated", ... or "" */
    unsigned flags;
    const msoc_stor_column *cols;
    size_t n_cols;
} msoc_stor_table_def;

size_t msoc_stor_builtin_count(void);
const msoc_stor_table_def *msoc_stor_builtin_at(size_t idx);
/* Case-sensitive lookup by name or alias; NULL when unknown. */
const msoc_stor_table_def *msoc_stor_builtin_find(const char *name, size_t len);
/* Index of a column by exact name, or -1. */
int msoc_stor_table_col_index(const msoc_stor_table_def *t, const char *name, size_t len);

#endif
