#!/bin/bash
# 200 guests appear and disappear over a minute while the console runs: its memory ends where it began
# (within 10%), it still answers, and a batch run under valgrind watching the same churn has no
# memory error and no definite leak. The plain build is measured: ASan's own memory would hide growth.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"

PLAIN=${GUESTTOP_PLAIN:-$REPO_DIR/build/guesttop}
CHURN_N=${CHURN_N:-200}		# container cgroups made in all
CHURN_S=${CHURN_S:-60}		# over this many seconds
ALIVE=30			# at most this many at once
KVM_EVERY=25			# and a transient KVM guest replaced every this many containers
VGLOG=$(mktemp)
vg=
kvm=

cleanup() {
	e2e_stop
	[ -n "$vg" ] && kill "$vg" 2>/dev/null
	cgc_cleanup
	[ -n "$kvm" ] && lab destroy "$kvm" >/dev/null 2>&1
	rm -f "$VGLOG"
}
trap cleanup EXIT

[ -x "$PLAIN" ] || { not_ok "plain build" "$PLAIN not built (make build/guesttop)"; exit 1; }
command -v valgrind >/dev/null || { not_ok "valgrind" "not installed (make deps)"; exit 1; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
guests_running() { e2e_screen | grep -o 'Guests: [0-9]* running' | grep -o '[0-9]*' | head -n 1; }

GUESTTOP=$PLAIN e2e_start 160 50 -d 0.5 || { not_ok "start tmux" "tmux failed"; exit 1; }
check "console up" e2e_wait_for 'F1Help' 15
pid=$(e2e_pid)
valgrind --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
	--error-exitcode=99 --log-file="$VGLOG" "$PLAIN" -b -d 1 -n 100000 >/dev/null 2>&1 &
vg=$!
sleep 6
rss0=$(rss_kib "$pid")
base=$(guests_running)

made=0
peak=0
ids=()
pids=()
kvm_made=0
t0=$(date +%s%N)
while [ "$made" -lt "$CHURN_N" ]; do
	if ! cgc_start sleep 1000; then
		not_ok "make container cgroup $made" "mkdir or cgroup.procs failed"
		break
	fi
	ids+=("$CGC_ID")
	pids+=("$CGC_PID")
	made=$((made + 1))
	if [ "${#ids[@]}" -gt "$ALIVE" ]; then
		cgc_remove "${ids[0]}" "${pids[0]}" || not_ok "remove cgroup ${ids[0]}" "rmdir failed"
		ids=("${ids[@]:1}")
		pids=("${pids[@]:1}")
	fi
	if [ $((made % KVM_EVERY)) -eq 0 ]; then
		[ -n "$kvm" ] && lab destroy "$kvm" >/dev/null 2>&1
		kvm=gt-lab-churn-$made
		if lab_start "$kvm" idle; then kvm_made=$((kvm_made + 1)); else kvm=; fi
	fi
	n=$(guests_running)
	[ -n "$n" ] && [ "$n" -gt "$peak" ] && peak=$n
	# Paced to spread CHURN_N over CHURN_S seconds.
	due=$((t0 + made * CHURN_S * 1000000000 / CHURN_N))
	now=$(date +%s%N)
	[ "$now" -lt "$due" ] && sleep "$(awk -v d=$((due - now)) 'BEGIN { printf "%.3f", d / 1e9 }')"
done
elapsed=$((($(date +%s%N) - t0) / 1000000000))
for i in "${!ids[@]}"; do cgc_remove "${ids[$i]}" "${pids[$i]}"; done
[ -n "$kvm" ] && lab destroy "$kvm" >/dev/null 2>&1
kvm=
ok "churn: $made container cgroups and $kvm_made KVM guests came and went in ${elapsed} s"
check "the console saw them: up to $peak guests running at once (from $base)" [ "$peak" -ge $((base + ALIVE / 2)) ]
# Back to the starting set, listed again.
for i in $(seq 1 40); do [ "$(guests_running)" = "$base" ] && break; sleep 0.5; done
check "after the churn the console lists the starting $base guests again" [ "$(guests_running)" = "$base" ]
sleep 3
rss1=$(rss_kib "$pid")
limit=$((rss0 * 110 / 100))
if [ "$rss1" -le "$limit" ]; then
	ok "console RSS ${rss0} KiB before, ${rss1} KiB after (limit ${limit} KiB)"
else
	not_ok "console RSS within 10%" "${rss0} KiB before, ${rss1} KiB after (limit ${limit} KiB)"
fi
e2e_keys Down
e2e_keys q
check "the console still answers: q quits, status 0, terminal sane" e2e_wait_for '^EXITED rc=0 icanon echo' 10

kill -TERM "$vg"
wait "$vg"
rc=$?
vg=
summary=$(grep -E 'ERROR SUMMARY|definitely lost|All heap blocks were freed' "$VGLOG" | sed 's/^==[0-9]*== //' | tr '\n' ' ')
if [ "$rc" -eq 0 ] && grep -q 'ERROR SUMMARY: 0 errors' "$VGLOG" &&
	{ grep -q 'definitely lost: 0 bytes in 0 blocks' "$VGLOG" || grep -q 'All heap blocks were freed' "$VGLOG"; }; then
	ok "valgrind, batch run through the churn: $summary"
else
	not_ok "valgrind: no errors, no definite leaks" "exit $rc; $summary; $(grep -m 5 -A 8 -E 'Invalid|uninitialised|definitely lost in' "$VGLOG" | sed 's/^==[0-9]*== //' | tr '\n' ' ')"
fi
finish
