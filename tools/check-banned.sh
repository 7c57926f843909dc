#!/bin/sh
# Fails when src/ uses a banned function (STYLE.md §9): unsafe copies and formats,
# ad hoc parsing, non-reentrant time and randomness, and raw malloc/free outside
# src/core. Prints each offending line.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
status=0
banned='\b(strcpy|strcat|sprintf|vsprintf|strncpy|gets|strtok|atoi|atol|atof|alloca|system|rand|localtime|gmtime)[[:space:]]*\('
if grep -rnE "$banned" --include='*.c' --include='*.h' src | grep -vE '^\S+:[0-9]+:\s*(/\*|\*|//)'; then
    echo "check-banned: banned functions above" >&2
    status=1
fi
if grep -rnE '\b(malloc|calloc|realloc|free)[[:space:]]*\(' --include='*.c' src |
   grep -v '^src/core/' | grep -vE 'msoc_(malloc|calloc|realloc|free)|_free\(|json_decref|sqlite3_free|MHD_free'; then
    echo "check-banned: raw malloc/free outside src/core (use msoc_malloc/msoc_free or an arena)" >&2
    status=1
fi
exit $status
