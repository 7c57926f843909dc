#!/bin/sh
# End-to-end test of the built-ins hunting queries call as tables (issue #6), through
# the multisoc command over a small demo data set of two tenants:
# `multisoc watchlist add|list|rm` with _GetWatchlist(), `multisoc kql mgmt` stored
# functions, invoke FileProfile() / DeviceFromIP(), AssignedIPAddresses(), and that
# tenant B never sees tenant A's watchlist or function.
#   tests/engine/builtins.sh MULTISOC WORK_DIR
set -eu
msoc=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
fail() {
    echo "builtins: FAIL: $*" >&2
    exit 1
}
"$msoc" demo --data "$work/data" --tenants 2 --days 1 --seed 3 --scale 0.02 --threads 2 --no-serve --quiet \
    > "$work/load.txt"
D=$work/data
set -- $(ls "$D/tenants")
A=$1
B=$2
hunt() { "$msoc" hunt --data "$D" --format csv "$@"; }

# ---- watchlists ----
printf 'Hostname,Owner,"Note, quoted"\nsrv-01,alice,"said ""hi"""\nsrv-02,bob,\n' > "$work/assets.csv"
"$msoc" watchlist add --data "$D" --tenant "$A" --name HighValueAssets --csv "$work/assets.csv" \
    --search-key Hostname > "$work/out.txt" || fail "watchlist add"
grep -q "2 items" "$work/out.txt" || fail "watchlist add output: $(cat "$work/out.txt")"
hunt --tenant "$A" "_GetWatchlist('HighValueAssets') | project SearchKey, Owner, ['Note, quoted'] | sort by SearchKey asc" \
    > "$work/out.txt" || fail "_GetWatchlist in tenant A"
[ "$(sed -n 2p "$work/out.txt")" = 'srv-01,alice,"said ""hi"""' ] || fail "watchlist row: $(cat "$work/out.txt")"
[ "$(wc -l < "$work/out.txt")" -eq 3 ] || fail "watchlist rows: $(cat "$work/out.txt")"
hunt --tenant "$A" "_GetWatchlist('HighValueAssets') | getschema | project ColumnName" | tr '\n' ' ' > "$work/out.txt"
grep -q "^ColumnName _DTItemId LastUpdatedTimeUTC SearchKey WatchlistItem Hostname Owner \"Note, quoted\" TenantId WorkspaceId" \
    "$work/out.txt" || fail "watchlist columns: $(cat "$work/out.txt")"
if hunt --tenant "$B" "_GetWatchlist('HighValueAssets')" > "$work/out.txt" 2> "$work/err.txt"; then
    fail "tenant B sees tenant A's watchlist"
fi
grep -q "unknown watchlist" "$work/err.txt" || fail "tenant B error: $(cat "$work/err.txt")"
n=$(hunt "_GetWatchlist('HighValueAssets') | where TenantId != '$A' | count" | tail -1)
[ "$n" = 0 ] || fail "a query over both tenants saw watchlist rows of tenant B: $n"
"$msoc" watchlist list --data "$D" --tenant "$A" | grep -q "HighValueAssets .* 2 *$" || fail "watchlist list"
"$msoc" watchlist list --data "$D" --tenant "$B" | grep -q HighValueAssets && fail "tenant B lists A's watchlist"
# replace, then remove
printf 'Hostname,Owner\nsrv-09,carol\n' > "$work/assets2.csv"
"$msoc" watchlist add --data "$D" --tenant "$A" --name HighValueAssets --csv "$work/assets2.csv" > /dev/null
[ "$(hunt --tenant "$A" "_GetWatchlist('HighValueAssets') | project SearchKey" | tail -n +2)" = "srv-09" ] ||
    fail "watchlist replace"
if "$msoc" watchlist rm --data "$D" --tenant "$B" --name HighValueAssets > /dev/null 2>&1; then
    fail "tenant B removed tenant A's watchlist"
fi
"$msoc" watchlist rm --data "$D" --tenant "$A" --name HighValueAssets > /dev/null || fail "watchlist rm"
if hunt --tenant "$A" "_GetWatchlist('HighValueAssets')" > /dev/null 2>&1; then
    fail "a removed watchlist still answers"
fi

# ---- stored functions ----
"$msoc" kql mgmt --data "$D" --tenant "$A" '.create function with (folder="Parsers", docstring="by name")
    ProcsOf(name:string) { DeviceProcessEvents | where FileName =~ name | project TenantId, FileName }' \
    > "$work/out.txt" || fail ".create function"
grep -q "folder=Parsers" "$work/out.txt" || fail ".create function output: $(cat "$work/out.txt")"
if "$msoc" kql mgmt --data "$D" --tenant "$A" '.create function ProcsOf() { print 1 }' > /dev/null 2>&1; then
    fail ".create function over an existing one"
fi
"$msoc" kql mgmt --data "$D" --tenant "$A" '.show functions' | grep -q "^ProcsOf" || fail ".show functions"
n=$(hunt --tenant "$A" 'ProcsOf("svchost.exe") | count' | tail -1)
[ "$n" -gt 0 ] || fail "stored function over tenant A returned $n rows"
# a query over both tenants finds A's function (one of its tenants has it); its body
# runs over the query's whole (authorised) scope, like a function defined with let
n=$(hunt 'ProcsOf("svchost.exe") | where TenantId == "'"$B"'" | count' | tail -1)
[ "$n" -gt 0 ] || fail "stored function over both tenants: no rows of B"
if hunt --tenant "$B" 'ProcsOf("svchost.exe") | count' > /dev/null 2>&1; then
    fail "tenant B calls tenant A's stored function"
fi
"$msoc" kql mgmt --data "$D" --tenant "$A" '.create-or-alter function TakeTwo(T:(*)) { T | take 2 }' > /dev/null ||
    fail ".create-or-alter function with a tabular parameter"
n=$(hunt --tenant "$A" 'DeviceProcessEvents | invoke TakeTwo() | count' | tail -1)
[ "$n" = 2 ] || fail "invoke of a stored function: $n rows"
if hunt --tenant "$B" 'DeviceProcessEvents | invoke TakeTwo()' > /dev/null 2>&1; then
    fail "tenant B invokes tenant A's stored function"
fi
"$msoc" kql mgmt --data "$D" --tenant "$A" '.drop function ProcsOf' > /dev/null || fail ".drop function"
if hunt --tenant "$A" 'ProcsOf("svchost.exe")' > /dev/null 2>&1; then
    fail "a dropped function still answers"
fi
# commands and queries read from a file or stdin; a missing file is an io_error, exit 1
printf '.show functions' > "$work/cmd.kql"
"$msoc" kql mgmt --data "$D" --tenant "$A" -f "$work/cmd.kql" | grep -q "^TakeTwo" || fail "kql mgmt -f FILE"
printf 'DeviceProcessEvents | invoke TakeTwo() | count' > "$work/q.kql"
[ "$("$msoc" hunt --data "$D" --tenant "$A" -f - < "$work/q.kql" | tail -1)" = 2 ] || fail "hunt -f -"
rc=0
"$msoc" hunt --data "$D" -f "$work/absent.kql" > /dev/null 2> "$work/err.txt" || rc=$?
[ "$rc" = 1 ] && grep -q "io_error: cannot open" "$work/err.txt" || fail "hunt -f of a missing file: rc $rc, $(cat "$work/err.txt")"
rc=0
"$msoc" kql mgmt --data "$D" --tenant "$A" -f "$work/absent.kql" > /dev/null 2> "$work/err.txt" || rc=$?
[ "$rc" = 1 ] && grep -q "io_error: cannot open" "$work/err.txt" || fail "kql mgmt -f of a missing file: rc $rc"

# ---- Defender built-ins ----
hunt --tenant "$A" 'DeviceProcessEvents | take 3 | invoke FileProfile(SHA1, 1000) | getschema | project ColumnName' \
    | grep -q '^GlobalPrevalence$' || fail "FileProfile columns"
n=$(hunt --tenant "$A" 'DeviceProcessEvents | take 3 | invoke FileProfile("SHA1") | where isnotempty(SHA1) and isnull(GlobalPrevalence) | count' | tail -1)
[ "$n" = 3 ] || fail "FileProfile rows: $n"
dev=$(hunt --tenant "$A" 'DeviceNetworkInfo | take 1 | project DeviceName' | tail -1)
ip=$(hunt --tenant "$A" "AssignedIPAddresses('$dev') | project IPAddress" | tail -1)
case "$ip" in
[0-9]*.[0-9]*.[0-9]*.[0-9]*) ;;
*) fail "AssignedIPAddresses('$dev'): '$ip'" ;;
esac
hunt --tenant "$A" "print IP = '$ip' | invoke DeviceFromIP() | project DeviceId" | tail -n +2 > "$work/out.txt"
[ -s "$work/out.txt" ] || fail "DeviceFromIP('$ip') found no device"
# ---- union wildcards: every built-in table (also the ones late in the catalog, whose
# columns a 64-table cap once dropped) and the custom tables the caller holds ----
hunt 'union * | take 0 | getschema | project ColumnName' | tail -n +3 | sort -u > "$work/union.txt"
hunt 'IdentityEvents | getschema | project ColumnName' | tail -n +3 | sort -u > "$work/late.txt"
[ -s "$work/late.txt" ] || fail "IdentityEvents has no columns"
# (a name several tables give different types gets a _type suffix, as in Kusto)
while read -r c; do
    grep -q -e "^$c\$" -e "^${c}_[a-z]*\$" "$work/union.txt" || fail "union * lacks IdentityEvents column $c"
done < "$work/late.txt"
ws=$(ls "$D/tenants/$A" | grep -v '^defender$' | head -1)
printf '{"TimeGenerated":"2026-11-01T00:00:00Z","Note":"only-A"}\n' > "$work/cl.ndjson"
"$msoc" ingest --data "$D" --tenant "$A" --workspace "$ws" --table UnionProbe_CL --quiet "$work/cl.ndjson" > /dev/null
[ "$(hunt --tenant "$A" 'union withsource=T Union* | project Note' | tail -1)" = only-A ] ||
    fail "union Union* misses tenant A's custom table"
[ "$(hunt --tenant "$A" 'union withsource=T * | where T == "UnionProbe_CL" | count' | tail -1)" = 1 ] ||
    fail "union * misses tenant A's custom table"
[ "$(hunt --tenant "$B" 'union withsource=T * | where T == "UnionProbe_CL" | count' | tail -1)" = 0 ] ||
    fail "tenant B's union * sees tenant A's custom table"
echo "builtins: ok (tenants $A, $B)"
