/* KQL's scalar types: the one vocabulary that kql, storage, plan and exec share. */
#ifndef MSOC_CORE_TYPES_H
#define MSOC_CORE_TYPES_H

#include <stdbool.h>
#include <stddef.h>

typedef enum msoc_type {
    MSOC_TYPE_NULL = 0, /* the type of a bare null literal before promotion / unknown */
    MSOC_TYPE_BOOL,
    MSOC_TYPE_INT,      /* 32-bit */
    MSOC_TYPE_LONG,     /* 64-bit */
    MSOC_TYPE_REAL,     /* double */
    MSOC_TYPE_DECIMAL,  /* 128-bit decimal */
    MSOC_TYPE_STRING,
    MSOC_TYPE_DATETIME, /* ticks, see datetime.h */
    MSOC_TYPE_TIMESPAN, /* ticks */
    MSOC_TYPE_GUID,
    MSOC_TYPE_DYNAMIC,  /* JSON-like value */
    MSOC__TYPE_COUNT
} msoc_type;

/* Canonical KQL name ("string", "datetime", ...); "null" for MSOC_TYPE_NULL. */
const char *msoc_type_name(msoc_type t);
/* Parses a KQL type name or alias (case-sensitive as in KQL): bool/boolean,
 * int/int32, long/int64, real/double, decimal, string, datetime/date,
 * timespan/time, guid/uuid/uniqueid, dynamic. Returns false when unknown. */
bool msoc_type_parse(const char *name, size_t len, msoc_type *out);
/* The .NET type name Kusto's REST API reports (System.String, System.Int64...). */
const char *msoc_type_clr_name(msoc_type t);

#endif
