/* KQL type names, aliases and their .NET names. */
#include "types.h"

#include <string.h>

static const char *const names[] = {"null",   "bool",     "int",      "long",  "real",   "decimal",
                                    "string", "datetime", "timespan", "guid",  "dynamic"};
static const char *const clr_names[] = {
    "System.Object", "System.SByte",    "System.Int32",    "System.Int64",
    "System.Double", "System.Data.SqlTypes.SqlDecimal", "System.String",
    "System.DateTime", "System.TimeSpan", "System.Guid", "System.Object"};

const char *msoc_type_name(msoc_type t)
{
    return (unsigned)t < MSOC__TYPE_COUNT ? names[t] : "?";
}

const char *msoc_type_clr_name(msoc_type t)
{
    return (unsigned)t < MSOC__TYPE_COUNT ? clr_names[t] : "System.Object";
}

bool msoc_type_parse(const char *name, size_t len, msoc_type *out)
{
    static const struct {
        const char *name;
        msoc_type t;
    } aliases[] = {
        {"bool", MSOC_TYPE_BOOL},         {"boolean", MSOC_TYPE_BOOL},
        {"int", MSOC_TYPE_INT},           {"int32", MSOC_TYPE_INT},
        {"long", MSOC_TYPE_LONG},         {"int64", MSOC_TYPE_LONG},
        {"real", MSOC_TYPE_REAL},         {"double", MSOC_TYPE_REAL},
        {"decimal", MSOC_TYPE_DECIMAL},   {"string", MSOC_TYPE_STRING},
        {"datetime", MSOC_TYPE_DATETIME}, {"date", MSOC_TYPE_DATETIME},
        {"timespan", MSOC_TYPE_TIMESPAN}, {"time", MSOC_TYPE_TIMESPAN},
        {"guid", MSOC_TYPE_GUID},         {"uuid", MSOC_TYPE_GUID},
        {"uniqueid", MSOC_TYPE_GUID},     {"dynamic", MSOC_TYPE_DYNAMIC},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (strlen(aliases[i].name) == len && memcmp(aliases[i].name, name, len) == 0) {
            *out = aliases[i].t;
            return true;
        }
    }
    return false;
}
