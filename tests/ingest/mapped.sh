#!/bin/sh
# A mapped input file larger than the unmap step (64 MiB): while the workers parse,
# the prefetch thread unmaps the bytes before the earliest batch still in work.
# Every row must still be stored exactly once (a worker touching an unmapped
# batch would crash), the acks must cover the file in order, and the mapping
# must really have been released in pieces (strace: more than one munmap of it).
#   mapped.sh MULTISOC
set -eu
bin=$1
work=$(mktemp -d /tmp/msoc_mapped.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
fail() { echo "mapped.sh: $*" >&2; exit 1; }
rows=40000
awk -v n=$rows 'BEGIN {
    for (i = 1; i <= n; i++) {
        pad = sprintf("%*s", 2000 + (i * 37) % 1000, "")
        gsub(/ /, "x", pad)
        printf("{\"Timestamp\":\"2026-11-27T10:00:00Z\",\"DeviceName\":\"h%d\",\"ReportId\":%d,\"FolderPath\":\"C:\\\\Windows\\\\x%d.exe\",\"ProcessCommandLine\":\"%s\"}\n", i % 9, i, i % 50, pad)
    }
}' > "$work/in.ndjson"
size=$(wc -c < "$work/in.ndjson")
[ "$size" -gt $((96 << 20)) ] || fail "the input is only $size bytes"
out=$("$bin" ingest --data "$work/data" --tenant t1 --table DeviceProcessEvents --batch-rows 500 \
      --threads 2 --quiet --ack-log "$work/ack" "$work/in.ndjson")
[ "$out" = "ingested $rows rows (0 rejected)" ] || fail "last line: $out"
# Batches are cut by bytes: the first has exactly 500 lines, the others about 500
# (from the average line so far); together they cover every row once, in order.
awk -v n=$rows '$1 == "ack" { k++; if ($3 != last + 1 || $4 < $3 || (k == 1 && $4 != 500)) bad = 1
        if ($4 - $3 + 1 < 400 || $4 - $3 + 1 > 600) if ($4 != n) bad = 1
        last = $4; s += $5 }
    END { if (last != n || s != n || bad) { print "acks: " k " " s " " bad; exit 1 } }' "$work/ack" ||
    fail "acknowledgements are not batches of about 500 covering the input in order"
res=$("$bin" hunt --data "$work/data" --format csv \
      'DeviceProcessEvents | summarize c = count(), s = sum(strlen(ProcessCommandLine)) by ReportId, FolderPath | summarize count(), max(c), sum(ReportId), sum(s), dcount(FolderPath)' | tail -1)
want="$rows,1,$((rows * (rows + 1) / 2)),$(awk -v n=$rows 'BEGIN { for (i = 1; i <= n; i++) s += 2000 + (i * 37) % 1000; print s }'),50"
[ "$res" = "$want" ] || fail "stored rows: $res, want $want"
# Once more under strace (LeakSanitizer cannot run under ptrace; the run above had
# it): the input's mapping is the read-only mmap of its size; count the munmap
# calls that start inside it: at least one while ingesting, then the tail.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -e trace=mmap,munmap \
    -o "$work/trace" "$bin" ingest --data "$work/data2" --tenant t1 --table DeviceProcessEvents \
    --batch-rows 500 --threads 2 --quiet "$work/in.ndjson" > /dev/null
base=$(grep -E "mmap\(NULL, $size, PROT_READ, MAP_PRIVATE" "$work/trace" | sed 's/.*= //' | head -1)
[ -n "$base" ] || fail "no mapping of the input in the trace"
pieces=0
for at in $(sed -n 's/.*munmap(\(0x[0-9a-f]*\),.*/\1/p' "$work/trace"); do
    if [ $((at)) -ge $((base)) ] && [ $((at)) -lt $((base + size)) ]; then
        pieces=$((pieces + 1))
    fi
done
[ "$pieces" -ge 2 ] || fail "the input was not unmapped while ingesting ($pieces munmap call(s) of it)"
echo "mapped.sh: $rows rows ($size bytes, mapped) in $(grep -c '^ack' "$work/ack") batches, stored once each; the mapping released in $pieces munmap calls"
