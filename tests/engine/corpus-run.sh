#!/bin/sh
# The corpus run of issue #5: demo data (20 tenants, 7 days) loaded into a data
# directory, then every hunting/detection query of shared/kql-corpus (the docs
# examples excluded) through `multisoc kql run`. Prints the run rate overall and over
# the queries whose tables all exist in the schema (unknown tables, externaldata and
# _GetWatchlist excluded). Slow (minutes): not part of the default ctest run.
#   tests/engine/corpus-run.sh MULTISOC LOAD_DEMO [WORK_DIR]
set -eu
msoc=$1
load=$2
work=${3:-/tmp/msoc-corpus-run}
shared=${MSOC_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}
mkdir -p "$work"
if [ ! -f "$work/loaded" ]; then
    rm -rf "$work/demo" "$work/data"
    "$msoc" demo generate --out "$work/demo" --tenants 20 --days 7 --seed 1 --quiet
    "$load" "$work/demo" "$work/data"
    touch "$work/loaded"
fi
find "$shared/kql-corpus" -name '*.kql' -not -path '*MicrosoftDocs*' | sort > "$work/files.txt"
xargs -a "$work/files.txt" "$msoc" kql run --data "$work/data" --timeout 60 > "$work/run.txt" 2>&1 || true
total=$(wc -l < "$work/files.txt")
ok=$(grep -c '^OK' "$work/run.txt" || true)
excluded=$(grep '^ERR' "$work/run.txt" | grep -c "unknown table\|externaldata\|_GetWatchlist" || true)
echo "corpus: $ok of $total ran without error; $ok of $((total - excluded)) whose tables exist in the schema"
