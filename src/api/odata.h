/* OData system query options for the Graph-compatible routes: the $filter
 * grammar (eq ne gt ge lt le, and or not, in, parentheses, 'strings' with ''
 * escapes, bare numbers/datetimes/true/false/null) parsed into the msoc_soc_expr
 * tree src/soc compiles to SQL, and $orderby. Pure functions; thread-safe. */
#ifndef MSOC_API_ODATA_H
#define MSOC_API_ODATA_H

#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"
#include "soc/soc.h"

#define MSOC_ODATA_MAX_LEN 8192
#define MSOC_ODATA_MAX_DEPTH 32

/* Parses a $filter text (len bytes) into a tree allocated in a. Field names are
 * checked later by src/soc. MSOC_SYNTAX with the 1-based column on bad input. */
msoc_status msoc_api_odata_filter_parse(const char *text, size_t len, msoc_arena *a,
                                        msoc_soc_expr **out, msoc_error *err);

/* Parses "$orderby=field [asc|desc]" (one key). *field_out is in a. */
msoc_status msoc_api_odata_orderby_parse(const char *text, msoc_arena *a, const char **field_out,
                                         bool *is_desc, msoc_error *err);

#endif
