#!/bin/bash
# Batch mode against real KVM lab guests: the busy guest is busy, the idle one idle, steal is measured.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

BUSY=gt-lab-it-busy IDLE=gt-lab-it-idle STOPPED=gt-lab-it-stopped DISK=gt-lab-it-disk
cleanup() { for g in $BUSY $IDLE $STOPPED $DISK; do lab destroy "$g" >/dev/null 2>&1; done; }
trap cleanup EXIT
cleanup

lab_start $BUSY busy || exit 1
lab_start $IDLE idle || exit 1
lab_start $DISK diskread || exit 1
lab define $STOPPED idle >/dev/null 2>&1 || not_ok "define stopped guest" "lab define failed"
lab wait-settled $BUSY
lab wait-settled $IDLE; lab_wait_quiet $IDLE || not_ok "idle guest settles" "still busy after 30 s"
lab wait-settled $DISK

out=$(mktemp)
err=$(mktemp)
"$GUESTTOP" -b -n 3 -d 1 --format csv >"$out" 2>"$err"
rc=$?
check "batch run exits 0" [ "$rc" -eq 0 ]
check "nothing on stderr as root" [ ! -s "$err" ]
check "CSV header starts with the foundation's columns, named exactly" \
	grep -q '^time,backend,name,uuid,state,vcpus,cpu_pct,steal_pct,mem_bytes,rss_bytes,disk_read_bps,disk_write_bps\(,\|$\)' <(head -n 1 "$out")

# Field N of every row of guest NAME, one per iteration.
field() { awk -F, -v n="$1" -v f="$2" 'NR > 1 && $3 == n { print $f }' "$out"; }
rows_busy=$(field $BUSY 7 | wc -l)
check "busy guest listed in each of 3 iterations" [ "$rows_busy" -eq 3 ]

mapfile -t busy_cpu < <(field $BUSY 7)
mapfile -t idle_cpu < <(field $IDLE 7)
mapfile -t busy_steal < <(field $BUSY 8)
mapfile -t idle_steal < <(field $IDLE 8)
check "iteration 1 has no rates (busy cpu_pct empty)" [ -z "${busy_cpu[0]-x}" ]
check "iteration 1 has no rates (idle steal_pct empty)" [ -z "${idle_steal[0]-x}" ]
for i in 1 2; do
	v=${busy_cpu[$i]:-}
	if [ -n "$v" ] && awk -v v="$v" 'BEGIN { exit !(v >= 80) }'; then
		ok "busy guest cpu_pct >= 80 in iteration $((i + 1)) ($v)"
	else
		not_ok "busy guest cpu_pct >= 80 in iteration $((i + 1))" "got '$v'"
	fi
	v=${idle_cpu[$i]:-}
	if [ -n "$v" ] && awk -v v="$v" 'BEGIN { exit !(v < 10) }'; then
		ok "idle guest cpu_pct < 10 in iteration $((i + 1)) ($v)"
	else
		not_ok "idle guest cpu_pct < 10 in iteration $((i + 1))" "got '$v'"
	fi
	check "busy guest steal_pct present in iteration $((i + 1))" [ -n "${busy_steal[$i]:-}" ]
	check "idle guest steal_pct present in iteration $((i + 1))" [ -n "${idle_steal[$i]:-}" ]
done

uuid=$(virsh -c qemu:///system domuuid $BUSY | head -n 1)
check "uuid matches libvirt's" [ "$(field $BUSY 4 | head -n 1)" = "$uuid" ]
check "backend is kvm" [ "$(field $BUSY 2 | head -n 1)" = kvm ]
check "vcpus is 1" [ "$(field $BUSY 6 | head -n 1)" = 1 ]
check "mem_bytes is the 32 MiB the guest was given" [ "$(field $BUSY 9 | head -n 1)" = 33554432 ]
rss=$(field $BUSY 10 | tail -n 1)
check "rss_bytes is known and above 1 MiB ($rss)" [ -n "$rss" ] && [ "$rss" -gt 1048576 ]
rd=$(field $DISK 11 | tail -n 1)
if [ -n "$rd" ] && awk -v v="$rd" 'BEGIN { exit !(v > 1000000) }'; then
	ok "diskread guest reads more than 1 MB/s ($rd)"
else
	not_ok "diskread guest reads more than 1 MB/s" "got '$rd'"
fi
check "stopped guest listed as shutoff" [ "$(field $STOPPED 5 | head -n 1)" = shutoff ]
check "stopped guest has no cpu_pct" [ -z "$(field $STOPPED 7 | tail -n 1)" ]
check "stopped guest has no rss" [ -z "$(field $STOPPED 10 | tail -n 1)" ]

# Within each iteration, running guests come before stopped ones.
order_ok=$(awk -F, 'NR > 1 { if ($1 != t) { t = $1; stopped = 0 } if ($5 == "shutoff") stopped = 1; else if (stopped) bad = 1 } END { print bad ? "no" : "yes" }' "$out")
check "stopped guests are listed below running ones" [ "$order_ok" = yes ]

# Text format: a header line and the busy guest above the idle one (sorted by CPU%).
text=$("$GUESTTOP" -b -n 2 -d 1 2>&1)
check "text format has the table header" grep -q '^NAME .*CPU% STEAL%' <<<"$text"
last=$(awk '/^guesttop /{blk=""} {blk=blk $0 "\n"} END {printf "%s", blk}' <<<"$text")
bline=$(grep -n "^$BUSY " <<<"$last" | cut -d: -f1)
iline=$(grep -n "^$IDLE " <<<"$last" | cut -d: -f1)
check "text format sorts busy above idle" [ -n "$bline" ] && [ -n "$iline" ] && [ "$bline" -lt "$iline" ]

rm -f "$out" "$err"
finish
