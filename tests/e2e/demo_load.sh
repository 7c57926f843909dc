#!/bin/sh
# End to end: `multisoc demo --data DIR --no-serve` generates, ingests, registers the
# tenants, seeds SOC objects and creates the two logins; a second run refuses the
# used directory; hunting sees every loaded tenant.
set -eu
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" demo --data "$dir/d" --tenants 3 --days 1 --seed 7 --scale 0.02 --no-serve -q > "$dir/out"
grep -q 'demo: 3 tenants registered' "$dir/out" || { echo "no registration line"; cat "$dir/out"; exit 1; }
grep -Eq 'demo: loaded [1-9][0-9]* rows \(0 rejected\) for 3 tenants' "$dir/out" || { echo "no load line"; cat "$dir/out"; exit 1; }
[ "$(stat -c %a "$dir/d/demo-logins.txt")" = 600 ] || { echo "logins file is not 0600"; exit 1; }
grep -q "user 'admin'" "$dir/d/demo-logins.txt" && grep -q "user 'analyst'" "$dir/d/demo-logins.txt" \
    || { echo "logins missing"; exit 1; }
n=$("$bin" tenant list --data "$dir/d" | grep -c -E '[0-9a-f]{8}-[0-9a-f]{4}-' || true)
[ "$n" -eq 3 ] || { echo "expected 3 tenants, got $n"; "$bin" tenant list --data "$dir/d"; exit 1; }
if "$bin" demo --data "$dir/d" --no-serve -q 2> "$dir/err"; then
    echo "a second demo load into the same directory must be refused"; exit 1
fi
grep -q 'already holds a multisoc data directory' "$dir/err" || { cat "$dir/err"; exit 1; }
rows=$("$bin" hunt --data "$dir/d" --format csv 'DeviceProcessEvents | summarize dcount(TenantId)' | tail -1)
[ "$rows" = 3 ] || { echo "hunting saw $rows tenants, expected 3"; exit 1; }
echo "demo load e2e: ok"
