#!/bin/bash
# Bad input gets one clear line and the right exit code: options, URIs, roots, and a user who is not root.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

err=$(mktemp)
out=$(mktemp)
trap 'rm -f "$err" "$out"; lab destroy gt-lab-br-idle >/dev/null 2>&1' EXIT

"$GUESTTOP" --no-such-option >"$out" 2>"$err"
rc=$?
check "unknown option exits 2" [ "$rc" -eq 2 ]
check "unknown option names it on stderr" grep -q "unknown option '--no-such-option'" "$err"
check "unknown option prints usage on stderr" grep -q '^Usage: guesttop' "$err"
check "unknown option prints nothing on stdout" [ ! -s "$out" ]

for bad in "-d 0" "-d abc" "-d 1e9" "-n 0" "-n -3" "--format xml" "--sort nosuch"; do
	# shellcheck disable=SC2086
	"$GUESTTOP" -b $bad >"$out" 2>"$err"
	rc=$?
	check "'$bad' is refused with exit 2" [ "$rc" -eq 2 ]
	check "'$bad' is explained on the first stderr line" grep -q '^guesttop: invalid\|^guesttop: unknown' "$err"
done

uri=qemu+tcp://127.0.0.1:1/system
"$GUESTTOP" -b -n 1 -c "$uri" >"$out" 2>"$err"
rc=$?
check "unreachable URI exits 1 in batch mode" [ "$rc" -eq 1 ]
check "unreachable URI: exactly one line on stderr" [ "$(wc -l <"$err")" -eq 1 ]
check "unreachable URI: the line names the URI" grep -qF "$uri" "$err"
check "unreachable URI: the line gives libvirt's reason" grep -q 'Connection refused' "$err"

"$GUESTTOP" -b -n 1 -c nosuchdriver:///system >"$out" 2>"$err"
rc=$?
check "unknown URI scheme exits 1" [ "$rc" -eq 1 ]
check "unknown URI scheme names the URI" grep -qF "nosuchdriver:///system" "$err"

LIBVIRT_DEFAULT_URI=test:///default "$GUESTTOP" -b -n 2 -d 0.2 --format csv >"$out" 2>"$err"
rc=$?
check "LIBVIRT_DEFAULT_URI is honoured (test driver)" [ "$rc" -eq 0 ] && grep -q '^[^,]*,test,test,' "$out"
check "a guest without a host process has empty host columns (RSS, disk)" \
	awk -F, 'NR == 3 && $3 == "test" && $10 == "" && $11 == "" && $12 == "" { found = 1 } END { exit !found }' "$out"
check "its CPU% comes from the hypervisor's CPU time" \
	awk -F, 'NR == 3 && $3 == "test" && $7 != "" { found = 1 } END { exit !found }' "$out"
check "the test driver's guest has its vCPUs and memory" \
	awk -F, 'NR == 3 && $6 > 0 && $9 > 0 { found = 1 } END { exit !found }' "$out"

"$GUESTTOP" -b -n 1 --proc-root /nonexistent >"$out" 2>"$err"
rc=$?
check "missing proc root exits 1" [ "$rc" -eq 1 ]
check "missing proc root is named" grep -q '/nonexistent' "$err"

# Not root: the read-only libvirt socket still lists guests; what cannot be read is empty, with a hint.
lab_start gt-lab-br-idle idle || exit 1
if command -v setpriv >/dev/null; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp \
		"$GUESTTOP" -b -n 2 -d 0.5 --format csv >"$out" 2>"$err"
	rc=$?
	check "not root: batch mode still runs" [ "$rc" -eq 0 ]
	check "not root: the guest is listed" grep -q ',gt-lab-br-idle,' "$out"
	check "not root: unreadable values are empty, not 0" \
		awk -F, '$3 == "gt-lab-br-idle" && $5 == "running" && $11 == "" { found = 1 } END { exit !found }' "$out"
	check "not root: no libvirt noise on stderr (at most one hint line)" [ "$(wc -l <"$err")" -le 1 ]
else
	not_ok "not root" "setpriv (util-linux) is missing"
fi

printf '' | "$GUESTTOP" >"$out" 2>"$err"
rc=$?
check "the console without a terminal exits 1 with a hint" [ "$rc" -eq 1 ] && grep -q 'use -b' "$err"

finish
