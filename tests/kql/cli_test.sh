#!/bin/sh
# `multisoc kql parse` and `kql format` as a user runs them: output lines, exit codes.
set -u
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
check() { # description, expected, actual
    if [ "$2" != "$3" ]; then
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
        fail=1
    fi
}
printf 'T | where x > 1 | take 5' >"$dir/ok.kql"
printf 'T\n| summarize c = count(x\n' >"$dir/bad.kql"
printf '.show table T schema as json' >"$dir/cmd.kql"

out=$("$bin" kql parse "$dir/ok.kql" "$dir/bad.kql" "$dir/cmd.kql")
rc=$?
check "parse exit status with an error" 1 "$rc"
check "OK line" "OK $dir/ok.kql" "$(echo "$out" | sed -n 1p)"
check "ERR line" "ERR $dir/bad.kql:3:1 KQL011 expected ')' to close 'count(' opened at 2:17, found the end of the text" \
    "$(echo "$out" | sed -n 2p)"
check "command OK" "OK $dir/cmd.kql" "$(echo "$out" | sed -n 3p)"
check "summary" "parsed 2 of 3" "$(echo "$out" | sed -n 4p)"

"$bin" kql parse "$dir/ok.kql" >/dev/null
check "parse exit status all OK" 0 "$?"

json=$("$bin" kql parse --json "$dir/ok.kql" | head -1)
case $json in
    '{"kind":"SCRIPT"'*'"kind":"OP_TAKE"'*) ;;
    *) check "json AST" '{"kind":"SCRIPT"...OP_TAKE...' "$json" ;;
esac

fmt=$("$bin" kql format "$dir/ok.kql")
check "format" "$(printf 'T\n| where x > 1\n| take 5')" "$fmt"
printf '%s' "$fmt" >"$dir/again.kql"
check "format is stable" "$fmt" "$("$bin" kql format "$dir/again.kql")"

"$bin" kql format "$dir/bad.kql" >/dev/null 2>&1
check "format of bad text fails" 1 "$?"
"$bin" kql parse "$dir/missing.kql" >/dev/null 2>&1
check "missing file fails" 1 "$?"
# parse_user_agent() without ua-parser's rules fails by name, pointing at the file
printf 'print x = parse_user_agent("Mozilla/5.0", "browser")' >"$dir/ua.kql"
out=$(MSOC_UAP_REGEXES="$dir/absent.yaml" "$bin" kql run --data "$dir/no-data" "$dir/ua.kql")
check "parse_user_agent without uap-core" \
    "ERR $dir/ua.kql not_supported not supported: parse_user_agent() (uap-core rules not installed at $dir/absent.yaml)" \
    "$(echo "$out" | sed -n 1p)"

exit $fail
