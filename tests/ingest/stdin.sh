#!/bin/sh
# `multisoc ingest -` streams stdin: a piped NDJSON input of several read buffers
# with small batches, a blank line and a bad row in a later batch; the rejection
# names the absolute row, the acks cover every batch, the counts add up.
#   stdin.sh MULTISOC
set -eu
bin=$1
work=$(mktemp -d /tmp/msoc_stdin.XXXXXX)
trap 'rm -rf "$work"' EXIT
awk 'BEGIN {
    for (i = 1; i <= 4000; i++) {
        if (i == 1234) { print ""; continue }
        if (i == 2345) { print "{\"ReportId\":2345,"; continue }
        pad = sprintf("%*s", 400 + (i * 37) % 700, "")
        gsub(/ /, "x", pad)
        printf("{\"Timestamp\":\"2026-11-27T10:00:00Z\",\"DeviceName\":\"h%d\",\"ReportId\":%d,\"ProcessCommandLine\":\"%s\"}\n", i % 9, i, pad)
    }
}' > "$work/in.ndjson"
out=$(cat "$work/in.ndjson" | "$bin" ingest --data "$work/data" --tenant t1 --table DeviceProcessEvents \
      --batch-rows 100 --threads 2 --quiet --ack-log "$work/ack" -)
fail() { echo "stdin.sh: $*" >&2; cat "$work/ack" >&2; exit 1; }
[ "$out" = "ingested 3998 rows (1 rejected)" ] || fail "last line: $out"
grep -q '^rej stdin 2345 ' "$work/ack" || fail "no rejection of row 2345"
[ "$(grep -c '^rej ' "$work/ack")" -eq 1 ] || fail "rejections other than row 2345"
# 40 batches of 100 rows in input order (ack stdin FIRST LAST STORED REJECTED), the
# rejection just before the ack of its batch.
[ "$(grep -A1 '^rej ' "$work/ack" | tail -1 | cut -d' ' -f1-4)" = "ack stdin 2301 2400" ] ||
    fail "the rejection is not reported just before its batch's ack"
awk '$1 == "ack" {
    n++; if ($3 != (n - 1) * 100 + 1 || $4 != n * 100) bad = 1
    s += $5; r += $6 }
    END { if (n != 40 || s != 3998 || r != 1 || bad) { print "acks: " n " " s " " r " " bad; exit 1 } }' "$work/ack" ||
    fail "acknowledgements are not 40 batches of 100 in input order"
echo "stdin.sh: 4000 lines through a pipe in 40 batches: 3998 stored, row 2345 rejected by number"
