#!/bin/sh
# The corpus run of issue #5: every hunting/detection query of shared/kql-corpus
# (the MicrosoftDocs examples excluded) through `multisoc kql run` over demo data
# (20 tenants, 7 days, seed 1; --scale thins the event volume, never the tenants,
# entities or tables). Prints the run rate, the rate over the queries whose tables
# exist in the schema (M: all queries minus those refused for an unknown table,
# for externaldata, or for a watchlist the demo data does not have), and a
# breakdown of the failures by cause. Fails when fewer than MIN_OK queries run
# (a ratchet: raise it when the engine gets better, never lower it).
#
#   tests/engine/corpus-run.sh MULTISOC WORK_DIR MIN_OK [SCALE [EVERY]]
#
# EVERY n runs every n-th query only (the sanitizer build, where the whole run takes
# too long for `make check`; the ratchet is then the dev build's). Every query run
# must print its OK/ERR line: a crash fails the test, and so does any sanitizer report.
#
# The demo data is generated once per WORK_DIR (and again when older than a day:
# it ends "now", and the queries look back from now).
set -eu
msoc=$1
work=$2
min_ok=$3
scale=${4:-1}
every=${5:-1}
shared=${MSOC_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}
mkdir -p "$work"
stamp="$work/loaded-scale-$scale"
if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ]; then
    rm -rf "$work/data" "$work"/loaded-scale-*
    "$msoc" demo --data "$work/data" --tenants 20 --days 7 --seed 1 --scale "$scale" \
        --threads 2 --no-serve --quiet > "$work/load.txt"
    touch "$stamp"
fi
find "$shared/kql-corpus" -name '*.kql' -not -path '*MicrosoftDocs*' | LC_ALL=C sort |
    awk -v every="$every" '(NR - 1) % every == 0' > "$work/files.txt"
start=$(date +%s)
xargs -a "$work/files.txt" "$msoc" kql run --data "$work/data" --timeout 60 --memory 2048 --times \
    > "$work/run.txt" 2> "$work/run.err" || true
end=$(date +%s)
total=$(wc -l < "$work/files.txt")
ok=$(grep -c '^OK ' "$work/run.txt" || true)
# an ERR line: ERR <path> <ms> <code> [line:col] <message>
grep '^ERR ' "$work/run.txt" | cut -d' ' -f4- | sed -E 's/^([a-z_]+) [0-9]+:[0-9]+ /\1 /' > "$work/errors.txt" || true
excluded=$(grep -ci "unknown table\|externaldata\|unknown watchlist" "$work/errors.txt" || true)
m=$((total - excluded))
echo "corpus: $ok of $total queries ran without error ($(awk "BEGIN{printf \"%.1f\", 100*$ok/$total}")%) in $((end - start)) s, demo data scale $scale"
echo "corpus: $ok of $m whose tables exist in the schema ($(awk "BEGIN{printf \"%.1f\", 100*$ok/$m}")%); $excluded excluded (unknown table, externaldata, absent watchlist)"
echo "failures by cause:"
awk '
{
    code = $1; msg = substr($0, length($1) + 2)
    if (msg ~ /unknown table/) c = "excluded: unknown table"
    else if (msg ~ /externaldata|EXTERNALDATA/) c = "excluded: externaldata (refused: no network access)"
    else if (msg ~ /unknown watchlist/) c = "excluded: watchlist absent from the demo data"
    else if (msg ~ /not supported: geo_/) c = "geo functions (helper geo)"
    else if (msg ~ /not supported: (OP_|evaluate|mv-apply|make-series|invoke|search|find|top-nested|partition|fork|facet|scan|sample)/) c = "operators and evaluate plugins (helper ops)"
    else if (msg ~ /not supported: [A-Za-z0-9_]+\(\) as a table/) c = "built-in functions called as tables"
    else if (msg ~ /not supported: [A-Za-z0-9_]+\(\)/) c = "scalar/aggregate functions (helper scalar)"
    else if (code == "not_supported") c = "other not supported"
    else if (code == "syntax_error") c = "syntax errors (mostly queries Kusto.Language rejects too)"
    else if (code == "semantic_error") c = "binder: semantic errors"
    else if (code == "timeout") c = "time limit (60 s)"
    else if (code == "limit_exceeded") c = "memory or row budget"
    else c = "runtime: " code
    n[c]++
}
END { for (c in n) printf "  %5d  %s\n", n[c], c }' "$work/errors.txt" | sort -rn
echo "slowest queries:"
grep -o '^[A-Z]* [^ ]* [0-9]*ms\|^OK [^ ]* [0-9]* [0-9]*ms' "$work/run.txt" |
    awk '{print $NF, $2}' | sort -rn | head -5 | sed 's/^/  /'
answered=$(grep -c '^OK \|^ERR ' "$work/run.txt" || true)
if [ "$answered" -ne "$total" ]; then
    echo "corpus: FAIL: only $answered of $total queries answered (a crash?); see $work/run.err" >&2
    tail -5 "$work/run.err" >&2
    exit 1
fi
if grep -q 'AddressSanitizer\|LeakSanitizer\|runtime error:' "$work/run.err"; then
    echo "corpus: sanitizer reports in $work/run.err" >&2
    exit 1
fi
if [ "$ok" -lt "$min_ok" ]; then
    echo "corpus: FAIL: $ok queries ran, the ratchet wants at least $min_ok" >&2
    exit 1
fi
echo "corpus: ratchet $min_ok: ok"
