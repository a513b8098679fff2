#!/bin/bash
# LXC containers beside a KVM guest, through liblxc: CPU of a hog, disk writes of a writer, all in one table.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

LXC="$REPO_DIR/tests/lab/lxc.sh"
KVM=gt-lab-lxi-kvm HOG=gt-lab-lxi-hog IDLE=gt-lab-lxi-idle DISK=gt-lab-lxi-disk
out=$(mktemp)
cleanup() {
	rm -f "$out"
	lab destroy $KVM >/dev/null 2>&1
	for c in $HOG $IDLE $DISK; do bash "$LXC" destroy $c >/dev/null 2>&1; done
}
trap cleanup EXIT
cleanup
lxc_start() {
	local msg
	if ! msg=$(bash "$LXC" start "$@" 2>&1); then
		not_ok "start container $1" "$msg"
		return 1
	fi
}
lab_start $KVM busy || exit 1
lxc_start $HOG hog || exit 1
lxc_start $IDLE idle || exit 1
lab wait-settled $KVM 3

"$GUESTTOP" -b -n 3 -d 1 --format csv >"$out" 2>&1
rc=$?
check "batch run with KVM and LXC exits 0" [ "$rc" -eq 0 ]
col() { head -n 1 "$out" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
CPU=$(col cpu_pct) WR=$(col disk_write_bps)
check "the KVM guest is listed with backend kvm" grep -q "^[^,]*,kvm,$KVM," "$out"
check "the hog container is listed with backend lxc" grep -q "^[^,]*,lxc,$HOG," "$out"
check "the idle container is listed with backend lxc" grep -q "^[^,]*,lxc,$IDLE," "$out"
mapfile -t hog < <(awk -F, -v c="$CPU" -v n=$HOG '$3 == n { print $c }' "$out")
for i in 1 2; do
	v=${hog[$i]:-}
	if [ -n "$v" ] && awk -v v="$v" 'BEGIN { exit !(v >= 80) }'; then
		ok "the hog container's cpu_pct >= 80 in iteration $((i + 1)) ($v)"
	else
		not_ok "the hog container's cpu_pct >= 80 in iteration $((i + 1))" "got '$v'"
	fi
done
iv=$(awk -F, -v c="$CPU" -v n=$IDLE '$3 == n { v = $c } END { print v }' "$out")
check "the idle container's cpu_pct < 10 ($iv)" awk -v v="${iv:-x}" 'BEGIN { exit !(v != "x" && v < 10) }'
check "a container's uuid column is a stable key" \
	[ "$(awk -F, -v n=$HOG 'NR > 1 && $3 == n { print $4 }' "$out" | sort -u | wc -l)" -eq 1 ]

# The disk writer: writes are seen and it leads when sorted by disk writes.
bash "$LXC" destroy $HOG >/dev/null 2>&1
lxc_start $DISK disk || exit 1
sleep 1
"$GUESTTOP" -b -n 3 -d 1 --format csv -s wr >"$out" 2>&1
wv=$(awk -F, -v c="$WR" -v n=$DISK '$3 == n && $c != "" { v = $c } END { print v }' "$out")
check "the disk writer's disk_write_bps > 0 ($wv)" awk -v v="${wv:-0}" 'BEGIN { exit !(v > 0) }'
firsts=$(awk -F, 'NR > 1 { if ($1 != t) { t = $1; n++; if (n > 1) print $3 } }' "$out" | sort -u)
check "sorted by disk writes, the writer is first in every iteration with rates ($firsts)" [ "$firsts" = "$DISK" ]
finish
