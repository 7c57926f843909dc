#!/bin/sh
# The corpus run of issue #5: every hunting/detection query of shared/kql-corpus
# (the MicrosoftDocs examples excluded) through `multisoc kql run` over demo data
# (20 tenants, 7 days, seed 1; --scale thins the event volume, never the tenants,
# entities or tables). Prints the run rate, the rate over M, and a breakdown of
# the failures by cause. Fails when fewer than MIN_OK queries run (a ratchet:
# raise it when the engine gets better, never lower it).
#
# M, the queries Kusto itself would run against this schema, is every query minus
#   - those Microsoft's own parser rejects (shared/kql-corpus/ORACLE.tsv column 2
#     = ERR): Kusto cannot run them either (how many of them we run anyway is
#     printed, and they still count in the plain run rate and the ratchet);
#   - those refused for a table the schema does not have (`unknown table`);
#   - those calling a function that is neither built in, nor let-defined, nor
#     stored (`unknown function`: the repositories' own workspace functions);
#   - externaldata (reaches the network; refused by design);
#   - a _GetWatchlist() of a watchlist the demo data does not have;
#   - snippets with no tabular expression statement (only let statements), which
#     Kusto refuses too ("No tabular expression statement found").
# README.md (the engine.corpus paragraph under Tests) says the same.
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
# one line per query: OK|ERR <tab> parser verdict (OK|ERR) <tab> path <tab> message
awk -v root="$shared/kql-corpus/" '
FNR == NR { if ($2 == "ERR") rejected[$1] = 1; next }
$1 == "OK" || $1 == "ERR" {
    path = $2
    rel = index(path, root) == 1 ? substr(path, length(root) + 1) : path
    sub(/^.*\/kql-corpus\//, "", rel)
    msg = ""
    if ($1 == "ERR") { msg = $0; sub(/^ERR [^ ]* [^ ]* /, "", msg) }
    printf "%s\t%s\t%s\t%s\n", $1, (rel in rejected) ? "ERR" : "OK", rel, msg
}' FS='\t' "$shared/kql-corpus/ORACLE.tsv" FS=' ' "$work/run.txt" > "$work/verdicts.tsv"
rejected=$(awk -F'\t' '$2 == "ERR"' "$work/verdicts.tsv" | wc -l)
rejected_ok=$(awk -F'\t' '$2 == "ERR" && $1 == "OK"' "$work/verdicts.tsv" | wc -l)
excluded=$(awk -F'\t' '$2 == "OK" && $4 ~ /unknown table|unknown function|externaldata|unknown watchlist|no tabular expression statement/' \
    "$work/verdicts.tsv" | wc -l)
m=$(awk -F'\t' '$2 == "OK" && $4 !~ /unknown table|unknown function|externaldata|unknown watchlist|no tabular expression statement/' \
    "$work/verdicts.tsv" | wc -l)
ok_m=$(awk -F'\t' '$2 == "OK" && $1 == "OK"' "$work/verdicts.tsv" | wc -l)
echo "corpus: $ok of $total queries ran without error ($(awk "BEGIN{printf \"%.1f\", 100*$ok/$total}")%) in $((end - start)) s, demo data scale $scale"
echo "corpus: $rejected rejected by Microsoft's parser (left out of M; $rejected_ok of them run here anyway)"
echo "corpus: $excluded more left out of M (unknown table, unknown function, externaldata, absent watchlist, no tabular expression statement)"
echo "corpus: M: $ok_m of $m queries Kusto would run against this schema ran ($(awk "BEGIN{printf \"%.1f\", 100*$ok_m/$m}")%)"
echo "failures by cause:"
awk -F'\t' '
$1 == "ERR" {
    split($4, w, " "); code = w[1]; msg = substr($4, length(code) + 2)
    if ($2 == "ERR") c = "excluded: rejected by Microsoft'"'"'s parser too"
    else if (msg ~ /unknown table/) c = "excluded: unknown table"
    else if (msg ~ /externaldata|EXTERNALDATA/) c = "excluded: externaldata (refused: no network access)"
    else if (msg ~ /unknown watchlist/) c = "excluded: watchlist absent from the demo data"
    else if (msg ~ /no tabular expression statement/) c = "excluded: no tabular expression statement (only let statements)"
    else if (msg ~ /unknown function/) c = "excluded: unknown function (the repository'"'"'s own workspace functions)"
    else if (msg ~ /not supported: geo_/) c = "geo functions (helper geo)"
    else if (msg ~ /not supported: (OP_|evaluate|mv-apply|make-series|invoke|search|find|top-nested|partition|fork|facet|scan|sample)/) c = "operators and evaluate plugins (helper ops)"
    else if (msg ~ /not supported: [A-Za-z0-9_]+\(\) as a table/) c = "built-in functions called as tables"
    else if (msg ~ /not supported: [A-Za-z0-9_]+\(\)/) c = "scalar/aggregate functions (helper scalar)"
    else if (code == "not_supported") c = "other not supported"
    else if (code == "syntax_error") c = "syntax errors (queries Microsoft'"'"'s parser accepts)"
    else if (code == "semantic_error") c = "binder: semantic errors"
    else if (code == "timeout") c = "time limit (60 s)"
    else if (code == "limit_exceeded") c = "memory or row budget"
    else c = "runtime: " code
    n[c]++
}
END { for (c in n) printf "  %5d  %s\n", n[c], c }' "$work/verdicts.tsv" | sort -rn
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
