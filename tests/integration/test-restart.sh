#!/bin/bash
# A guest restarted between two refreshes starts again from "-": no rate spans two processes.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

G=gt-lab-rs-busy
out=$(mktemp)
trap 'rm -f "$out"; lab destroy $G >/dev/null 2>&1' EXIT
lab destroy $G >/dev/null 2>&1
lab_start $G busy --persistent || exit 1
lab wait-settled $G 3
pid1=$(lab pid $G)

"$GUESTTOP" -b -n 7 -d 1 --format csv >"$out" 2>&1 &
gt=$!
sleep 2.5
virsh -c qemu:///system destroy $G >/dev/null
virsh -c qemu:///system start $G >/dev/null
pid2=$(lab pid $G)
wait $gt
rc=$?
check "batch run exits 0 across the restart" [ "$rc" -eq 0 ]
check "the guest really got a new process ($pid1 -> $pid2)" [ -n "$pid2" ] && [ "$pid1" != "$pid2" ]

mapfile -t states < <(awk -F, -v n=$G '$3 == n { print $5 }' "$out")
mapfile -t cpus < <(awk -F, -v n=$G '$3 == n { print $7 }' "$out")
check "listed in all 7 iterations" [ "${#cpus[@]}" -eq 7 ]
check "rates before the restart" [ -n "${cpus[1]:-}" ] && [ -n "${cpus[2]:-}" ]
# After the restart, the first reading of the new process has no rate. libvirt
# starts qemu paused and then resumes it, so that reading may be "paused".
reset=no
for i in 3 4 5 6; do
	if { [ "${states[$i]:-}" = running ] || [ "${states[$i]:-}" = paused ]; } && [ -z "${cpus[$i]}" ]; then
		reset=yes
		break
	fi
done
check "the first refresh of the new process shows no rate" [ "$reset" = yes ] || grep ",$G," "$out"
check "rates again after the restart" [ -n "${cpus[6]:-}" ]
spike=$(printf '%s\n' "${cpus[@]}" | awk '$1 != "" && $1 > 150 { print }' | head -n 1)
check "no spike across the restart (max cpu_pct <= 150)" [ -z "$spike" ]
finish
