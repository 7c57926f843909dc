/* Comparing a result table with an expected one in the format of
 * shared/kql-oracle/README.md: column names and types, then rows as a multiset
 * or in order (with ties compared as multisets), real tolerance, structural
 * equality of dynamic values, null rules. Used by `multisoc kql oracle` and tests. */
#ifndef MSOC_EXEC_ORACLE_H
#define MSOC_EXEC_ORACLE_H

#include <jansson.h>

#include "exec/exec.h"

typedef enum msoc_exec_oracle_verdict {
    MSOC_EXEC_ORACLE_PASS,
    MSOC_EXEC_ORACLE_FAIL,
} msoc_exec_oracle_verdict;

/* case_obj is one parsed line of cases.ndjson. Writes a one-line reason into why
 * (cap bytes) on failure. */
msoc_exec_oracle_verdict msoc_exec_oracle_compare(const msoc_exec_table *t, const json_t *case_obj,
                                                  char *why, size_t cap);

#endif
