#!/bin/sh
# Fails when a module includes another module's internal header (<mod>_int.h).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
status=0
for f in $(find src -name '*.c' -o -name '*.h'); do
    mod=$(echo "$f" | cut -d/ -f2)
    grep -nE '#include "[a-z]+/[a-z_]+_int\.h"' "$f" | while IFS= read -r line; do
        inc=$(echo "$line" | sed -E 's/.*#include "([a-z]+)\/.*/\1/')
        if [ "$inc" != "$mod" ]; then
            echo "$f: $line"
            exit 1
        fi
    done || status=1
done
[ $status -eq 0 ] || echo "check-includes: cross-module internal headers above" >&2
exit $status
