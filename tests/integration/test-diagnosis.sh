#!/bin/bash
# Culprits and victims on real guests: disk figures against libvirt's own, and a contention pair.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

IO=gt-lab-dg-io IDLE=gt-lab-dg-idle PAIR=gt-lab-dg-pair
out=$(mktemp)
cleanup() {
	rm -f "$out"
	for g in $IO $IDLE $PAIR-a $PAIR-b $PAIR-idle; do lab destroy "$g" >/dev/null 2>&1; done
}
trap cleanup EXIT
cleanup

# 1. The I/O guest is first by disk reads, and its host-side read rate matches libvirt's block stats.
lab_start $IO diskread || exit 1
lab_start $IDLE idle || exit 1
lab wait-settled $IO
lab_wait_quiet $IDLE || not_ok "idle guest settles" "still busy after 30 s"
rd_bytes() { virsh -c qemu:///system domblkstat "$1" 2>/dev/null | awk '$1 == "rd_bytes" { s += $2 } END { print s + 0 }'; }
t0=$(date +%s.%N)
b0=$(rd_bytes $IO)
"$GUESTTOP" -b -n 6 -d 1 --format csv -s rd >"$out" 2>&1
b1=$(rd_bytes $IO)
t1=$(date +%s.%N)
col() { head -n 1 "$out" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
RD=$(col disk_read_bps) IOPS=$(col disk_read_iops) LAT=$(col disk_read_lat_ms) VIC=$(col victim)
check "CSV has the new diagnosis columns" [ -n "$RD" ] && [ -n "$IOPS" ] && [ -n "$LAT" ] && [ -n "$VIC" ]
for c in thr_pct disk_read_iops disk_write_iops disk_read_lat_ms disk_write_lat_ms net_rx_bps net_tx_bps \
	net_drops swap_bytes major_faults_ps psi_cpu_some psi_io_some psi_mem_some victim; do
	check "CSV column $c is named exactly" grep -q "^time,.*,$c\(,\|$\)" <(head -n 1 "$out")
done
# In each iteration, the first running row is the I/O guest (sorted by RD/s).
firsts=$(awk -F, 'NR > 1 { if ($1 != t) { t = $1; n++; if (n > 1) print $3 } }' "$out" | sort -u)
check "sorted by disk reads, the I/O guest is first in every iteration with rates ($firsts)" [ "$firsts" = "$IO" ]
mean=$(awk -F, -v c="$RD" -v n=$IO '$3 == n && $c != "" { s += $c; k++ } END { if (k) printf "%.0f", s / k }' "$out")
libvirt_rate=$(awk -v a="$b0" -v b="$b1" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.0f", (b - a) / (e - s) }')
if [ -n "$mean" ] && awk -v g="$mean" -v l="$libvirt_rate" 'BEGIN { d = g - l; if (d < 0) d = -d; exit !(l > 0 && d <= 0.15 * l) }'; then
	ok "host-side disk_read_bps $mean is within 15% of libvirt's block stats $libvirt_rate"
else
	not_ok "host-side disk_read_bps within 15% of libvirt's block stats" "guesttop $mean, libvirt $libvirt_rate"
fi
iops=$(awk -F, -v c="$IOPS" -v n=$IO '$3 == n && $c != "" { v = $c } END { print v }' "$out")
check "the I/O guest has read IOPS from libvirt ($iops)" awk -v v="${iops:-0}" 'BEGIN { exit !(v > 10) }'
lat=$(awk -F, -v c="$LAT" -v n=$IO '$3 == n && $c != "" { v = $c } END { print v }' "$out")
check "the I/O guest has a read latency ($lat ms)" [ -n "$lat" ]
idle_rd=$(awk -F, -v c="$RD" -v n=$IDLE '$3 == n && $c != "" { v = $c } END { print v }' "$out")
check "the idle guest reads nothing ($idle_rd)" [ "$idle_rd" = 0 ]
lab destroy $IO >/dev/null 2>&1
lab destroy $IDLE >/dev/null 2>&1

# 2. Two busy guests pinned to one CPU steal from each other; an idle bystander does not suffer.
if ! msg=$(lab contention $PAIR 0 2>&1); then
	not_ok "start the contention pair" "$msg"
	exit 1
fi
lab wait-settled $PAIR-a 3
lab_wait_quiet $PAIR-idle || not_ok "bystander settles" "still busy after 30 s"
"$GUESTTOP" -b -n 4 -d 1 --format csv >"$out" 2>&1
ST=$(col steal_pct)
for g in $PAIR-a $PAIR-b; do
	mapfile -t steal < <(awk -F, -v c="$ST" -v n="$g" '$3 == n { print $c }' "$out")
	mapfile -t victim < <(awk -F, -v c="$VIC" -v n="$g" '$3 == n { print $c }' "$out")
	for i in 2 3; do
		v=${steal[$i]:-}
		if [ -n "$v" ] && awk -v v="$v" 'BEGIN { exit !(v >= 30) }'; then
			ok "$g steal_pct >= 30 in iteration $((i + 1)) ($v)"
		else
			not_ok "$g steal_pct >= 30 in iteration $((i + 1))" "got '$v'"
		fi
		check "$g is flagged a victim in iteration $((i + 1))" [ "${victim[$i]:-}" = 1 ]
	done
done
mapfile -t bsteal < <(awk -F, -v c="$ST" -v n="$PAIR-idle" '$3 == n { print $c }' "$out")
for i in 2 3; do
	v=${bsteal[$i]:-}
	if [ -n "$v" ] && awk -v v="$v" 'BEGIN { exit !(v < 5) }'; then
		ok "the idle bystander's steal_pct < 5 in iteration $((i + 1)) ($v)"
	else
		not_ok "the idle bystander's steal_pct < 5 in iteration $((i + 1))" "got '$v'"
	fi
done
bvic=$(awk -F, -v c="$VIC" -v n="$PAIR-idle" '$3 == n { v = $c } END { print v }' "$out")
check "the bystander is not a victim" [ "$bvic" = 0 ]
finish
