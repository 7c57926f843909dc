#!/bin/sh
# Crash test (issue #4): TRIALS times, start `multisoc ingest --ack-log` on a
# fresh file of ROWS DeviceProcessEvents rows with unique ReportIds, kill -9 it
# at a random moment, then open the store (recovery) and check that every
# acknowledged row is present exactly once, no row twice, nothing corrupt.
# Trials accumulate in one data dir, so recovery also runs over earlier crashes.
#   crash_test.sh MULTISOC STOR_CHECK [TRIALS] [ROWS] [BATCH]   (make check: 30 x 3000 x 97,
#                                                    and 12 x 100000 x 25000, the bulk path)
#   by hand, large: crash_test.sh build/release/multisoc build/dev/tests/ingest/stor_check 30 200000
# BATCH is --batch-rows (default 97: WAL records and seals). Batches of 4 MiB or more
# are bulk extents, written by the worker and fsynced by the committer thread before
# their ack; 25,000 of these rows are about 5 MiB.
set -eu
bin=$1 check=$2 trials=${3:-30} rows=${4:-3000} batch=${5:-97}
work=$(mktemp -d /tmp/msoc_crash.XXXXXX)
trap 'rm -rf "$work"' EXIT
data=$work/data ack=$work/ack.log
: > "$ack"
# Rows: Timestamp, ReportId (the row id) and a few strings; small batches so a
# run holds many commits (WAL records, seals, bulk extents) to interrupt.
gen() { # trial -> file
    awk -v t="$1" -v n="$rows" 'BEGIN {
        for (i = 1; i <= n; i++)
            printf("{\"Timestamp\":\"2026-11-27T10:%02d:%02d.%03dZ\",\"DeviceId\":\"d%d\",\"DeviceName\":\"host-%d.contoso.com\",\"ActionType\":\"ProcessCreated\",\"FileName\":\"cmd%d.exe\",\"ProcessCommandLine\":\"cmd.exe /c echo %d %d\",\"ReportId\":%d}\n",
                   (i / 60) % 60, i % 60, i % 1000, i % 50, i % 50, i % 7, t, i, t * 1000000 + i)
    }' > "$work/trial-$1.ndjson"
}
total_kills=0 total_acked_batches=0
# Trial 0 runs to the end: it guarantees acknowledged rows and measures how long a
# run takes on this machine now (sanitizers, load), so kills land inside runs.
gen 0
t0=$(date +%s.%N)
"$bin" ingest --data "$data" --tenant crash --table DeviceProcessEvents --format ndjson \
    --ack-log "$ack" --batch-rows "$batch" --seal-rows 500 --threads 2 --quiet "$work/trial-0.ndjson" > /dev/null
run_ms=$(echo "$(date +%s.%N) $t0" | awk '{ m = int(($1 - $2) * 1000); print (m < 5 ? 5 : m) }')
t=1
while [ "$t" -le "$trials" ]; do
    gen "$t"
    # A random delay within the run's expected length (from /dev/urandom: POSIX sh).
    delay=$(od -An -N2 -tu2 /dev/urandom |
            awk -v m="$run_ms" '{ printf("%.3f", ($1 % m) / 1000) }')
    "$bin" ingest --data "$data" --tenant crash --table DeviceProcessEvents --format ndjson --ack-log "$ack" \
        --batch-rows "$batch" --seal-rows 500 --threads 2 --quiet "$work/trial-$t.ndjson" \
        > /dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    if kill -9 "$pid" 2>/dev/null; then total_kills=$((total_kills + 1)); fi
    wait "$pid" 2>/dev/null || true
    if ! out=$("$check" "$data" crash "$ack"); then
        echo "crash_test: trial $t (killed after ${delay}s): $out" >&2
        exit 1
    fi
    t=$((t + 1))
done
acked=$(grep -c '^ack ' "$ack" || true)
if [ "$acked" -eq 0 ]; then
    echo "crash_test: no batch was ever acknowledged: the test proved nothing" >&2
    exit 1
fi
echo "crash_test: $trials trials of $rows rows in batches of $batch (a full run took ${run_ms} ms), $total_kills killed mid-run, $acked batches acknowledged"
echo "crash_test: after the last recovery: $out"
