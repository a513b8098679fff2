#!/bin/bash
# Faults under a running guesttop, on the real lab: a guest killed between listing and sampling while
# libvirtd cannot answer, its pid taken at once by an unrelated CPU hog, a container's cgroup removed
# while it is read, and cgroups created and removed under the sampler. Run twice: with every file kept
# open, and with no descriptor to spare (every file read by path, where a reused pid answers).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

LXC="$REPO_DIR/tests/lab/lxc.sh"
STAY=gt-lab-fs
TMP=$(mktemp -d)
LIBVIRTD=
hogs=()

cleanup() {
	[ -n "$LIBVIRTD" ] && kill -CONT "$LIBVIRTD" 2>/dev/null
	local h
	for h in "${hogs[@]}"; do kill "$h" 2>/dev/null; done
	for h in kept bypath; do
		lab destroy gt-lab-fr-$h >/dev/null 2>&1
		bash "$LXC" destroy gt-lab-fl-$h >/dev/null 2>&1
	done
	lab destroy $STAY >/dev/null 2>&1
	local d
	cgc_cleanup
	if [ -n "${KEEP_TMP:-}" ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# An unrelated process that spins, pid in $!.
spin() { sh -c 'while :; do :; done' & }
# Start a CPU hog with exactly pid P (free again): the kernel gives the next fork ns_last_pid + 1.
take_pid() {
	local p=$1 i
	for i in $(seq 1 20); do
		echo $((p - 1)) >/proc/sys/kernel/ns_last_pid
		spin
		if [ "$!" = "$p" ]; then
			hogs+=("$!")
			return 0
		fi
		kill "$!" 2>/dev/null
		wait "$!" 2>/dev/null
	done
	return 1
}
# Blocks of a text batch run as "SECONDS NAME CPU" lines, one per guest row.
rows() {
	awk '/^guesttop [0-9]/ { cmd = "date -d " $2 " +%s"; cmd | getline t; close(cmd); b++; next }
	     /^NAME / || NF == 0 { next }
	     b { print b, t, $1, $5 }' "$1"
}

run_mode() {
	local mode=$1 out=$TMP/$1.txt err=$TMP/$1.err ev=$TMP/$1.events
	local reuse=gt-lab-fr-$mode ctr=gt-lab-fl-$mode
	: >"$ev"
	start_gt() {
		(
			# 513 descriptors, 512 of them guesttop's reserve: none left to keep a file open.
			[ "$mode" = bypath ] && ulimit -n 513
			exec "$GUESTTOP" -b -d "$1" -n 100000
		) >"$2" 2>"$3" &
	}
	# A fast run for the cgroup faults, a slow one (5 s) for the pid taken over: a refresh must not fall
	# between the qemu's death and the hog's birth, or the death alone is seen (which is tested too).
	start_gt 0.2 "$out" "$err"
	local gt=$!
	start_gt 5 "$TMP/$mode.slow.txt" "$TMP/$mode.slow.err"
	local gt_slow=$!
	lab_start "$reuse" idle || return 1
	lab_wait_quiet "$reuse" || { not_ok "$mode: $reuse settles" "still busy"; return 1; }
	local pid
	pid=$(lab pid "$reuse")
	if [ "$mode" = bypath ]; then
		local kept
		kept=$(ls -l /proc/$gt/fd /proc/$gt_slow/fd | grep -cE -- '-> (/proc/[0-9]|/sys/fs/cgroup/[^/]+/)')
		check "$mode: guesttop keeps no guest's /proc or cgroup file open ($kept)" [ "$kept" -eq 0 ]
	fi

	# 1. libvirtd cannot answer; the guest's qemu is killed and its pid goes to an unrelated hog.
	# guesttop's listing still says the guest runs there: the sampler alone must notice.
	# Just after a slow refresh that listed the guest:
	local i blocks0
	for i in $(seq 1 100); do grep -q "^$reuse " "$TMP/$mode.slow.txt" && break; sleep 0.1; done
	blocks0=$(grep -c '^guesttop [0-9]' "$TMP/$mode.slow.txt")
	for i in $(seq 1 100); do
		[ "$(grep -c '^guesttop [0-9]' "$TMP/$mode.slow.txt")" -gt "$blocks0" ] && break
		sleep 0.05
	done
	blocks0=$(grep -c '^guesttop [0-9]' "$TMP/$mode.slow.txt")
	LIBVIRTD=$(pgrep -xo libvirtd)
	kill -STOP "$LIBVIRTD"
	kill -9 "$pid"
	for i in $(seq 1 225); do [ -e /proc/$pid ] || break; sleep 0.02; done
	if [ -e /proc/$pid ]; then
		not_ok "$mode: the killed qemu $pid is reaped" "still there after 4.5 s (its parent has not reaped it)"
	elif take_pid "$pid"; then
		echo "reuse $reuse $(date +%s)" >>"$ev"
		ok "$mode: qemu $pid killed while libvirtd is stopped; an unrelated CPU hog now has pid $pid"
		local between=$(($(grep -c '^guesttop [0-9]' "$TMP/$mode.slow.txt") - blocks0))
		check "$mode: no 5-s refresh fell between the death and the takeover ($between)" [ "$between" -eq 0 ]
	else
		not_ok "$mode: give pid $pid to a hog" "another process took it first"
	fi
	# Two slow refreshes: the first after the takeover has no rate; the second would show the hog's.
	sleep 12
	echo "cont $reuse $(date +%s)" >>"$ev"
	kill -CONT "$LIBVIRTD"
	LIBVIRTD=
	sleep 2
	kill "${hogs[@]}" 2>/dev/null
	wait "${hogs[@]}" 2>/dev/null
	hogs=()

	# 2. An LXC container stopped hard: its cgroups go away under the probe.
	if bash "$LXC" start "$ctr" idle >/dev/null 2>&1; then
		sleep 1.5
		lxc-stop -n "$ctr" -k >/dev/null 2>&1
		echo "gone $ctr $(date +%s)" >>"$ev"
		bash "$LXC" destroy "$ctr" >/dev/null 2>&1
	else
		not_ok "$mode: start LXC container $ctr" "$(bash "$LXC" start "$ctr" idle 2>&1 | tail -n 1)"
	fi

	# 3. Container cgroups created and removed while they are sampled, at every phase of a refresh.
	local n
	for n in $(seq 1 8); do
		cgc_start sh -c 'while :; do :; done' || { not_ok "$mode: make a container cgroup" "mkdir failed"; break; }
		# Long enough to be listed (every 5 refreshes), removed at a different phase of a refresh each time.
		sleep "1.$((2 + n % 8))"
		cgc_remove "$CGC_ID" "$CGC_PID" || not_ok "$mode: remove cgroup $CGC_ID" "rmdir failed"
		echo "gone docker:${CGC_ID:0:12} $(date +%s)" >>"$ev"
	done
	sleep 2.5
	kill -TERM "$gt"
	wait "$gt"
	local rc=$?
	check "$mode: guesttop ran through every fault and stopped cleanly on SIGTERM" [ "$rc" -eq 0 ]

	rows "$out" >"$TMP/$mode.rows"
	local blocks
	blocks=$(grep -c '^guesttop [0-9]' "$out")
	check "$mode: refreshed all along ($blocks refreshes)" [ "$blocks" -ge 60 ]
	local stay_rows
	stay_rows=$(awk -v n=$STAY '$3 == n' "$TMP/$mode.rows" | wc -l)
	check "$mode: the untouched guest is in every refresh ($stay_rows of $blocks)" [ "$stay_rows" -eq "$blocks" ]

	local t_reuse t_cont run
	t_reuse=$(awk '$1 == "reuse" { print $3 }' "$ev")
	t_cont=$(awk '$1 == "cont" { print $3 }' "$ev")
	kill -TERM "$gt_slow"
	wait "$gt_slow"
	rows "$TMP/$mode.slow.txt" >"$TMP/$mode.slow.rows"
	for run in slow fast; do
		[ -n "$t_reuse" ] || break
		local r=$TMP/$mode.rows min=5
		[ $run = slow ] && r=$TMP/$mode.slow.rows min=1
		# While libvirtd is stopped, the listing keeps the guest: it is sampled after its pid changed hands.
		local listed bad
		listed=$(awk -v n="$reuse" -v a="$t_reuse" -v b="$t_cont" '$3 == n && $2 > a && $2 < b' "$r" | wc -l)
		check "$mode, $run run: the killed guest is still listed (libvirtd stopped) in $listed refreshes after its pid was taken" [ "$listed" -ge $min ]
		bad=$(awk -v n="$reuse" -v a="$t_reuse" '$3 == n && $2 >= a && $4 != "-" && $4 + 0 >= 20' "$r" | head -n 1)
		if [ -z "$bad" ]; then
			ok "$mode, $run run: the hog's CPU is never counted as the killed guest's"
		else
			not_ok "$mode, $run run: the hog's CPU is never counted as the guest's" "refresh, time, name, CPU%: $bad"
		fi
		late=$(awk -v n="$reuse" -v c="$t_cont" '$3 == n && $2 >= c + 5' "$r" | head -n 1)
		check "$mode, $run run: once libvirtd answers again the guest is gone within 5 s" [ -z "$late" ]
	done
	local name t gone=0 lingering=0
	while read -r _ name t; do
		gone=$((gone + 1))
		if awk -v n="$name" -v t="$t" '$3 == n && $2 >= t + 3 { f = 1 } END { exit !f }' "$TMP/$mode.rows"; then
			lingering=$((lingering + 1))
			echo "# $name still listed 3 s after it went away at $t"
		fi
	done < <(grep '^gone ' "$ev")
	local seen
	seen=$(grep '^gone ' "$ev" | awk '{ print $2 }' | while read -r name; do
		awk -v n="$name" '$3 == n { f = 1 } END { exit !f }' "$TMP/$mode.rows" && echo "$name"
	done | wc -l)
	check "$mode: $seen of $gone containers whose cgroups were removed were seen while they ran" [ "$seen" -ge $((gone - 2)) ]
	check "$mode: every one of them is gone from the table within 3 s ($lingering lingered)" [ "$lingering" -eq 0 ]
	# Errors, if any, are one line each and say what failed; no sanitizer report.
	local stray
	stray=$(grep -v '^guesttop: ' "$err" | head -n 3)
	if [ -z "$stray" ]; then
		ok "$mode: stderr has only one-line guesttop messages ($(wc -l <"$err") lines)"
	else
		not_ok "$mode: stderr has only one-line guesttop messages" "$stray"
	fi
}

lab destroy $STAY >/dev/null 2>&1
lab_start $STAY idle || exit 1
run_mode kept
run_mode bypath
finish
