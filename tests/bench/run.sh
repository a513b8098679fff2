#!/bin/bash
# make bench: guesttop's CPU per refresh and peak RSS on synthetic hosts of 100, 1,000 and 5,000 guests, beside the pread floor.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
BIN=$REPO/build/lab
mkdir -p "$BIN"
for t in gentree floor rusage; do
	cc -std=c11 -O2 -Wall -Wextra -Werror -o "$BIN/$t" "tests/bench/$t.c"
done
GT=${GUESTTOP_BIN:-$REPO/build/guesttop}
[ -x "$GT" ] || make -s all
SIZES=${BENCH_SIZES:-100 1000 5000}
REFRESHES=${BENCH_REFRESHES:-20}
TASKS=21	# a qemu-like process: the main thread, 2 vCPUs, workers
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r)"
echo "each guest: one process of $TASKS tasks in its own cgroup v2 (the cgroup backend's container mode)"
echo
echo "descriptor limit: $(ulimit -Hn) (guesttop and the floor raise their soft limit to it)"
printf '%-8s %10s %10s %14s %14s %8s %10s\n' guests files "by path" "floor ms/ref" "guesttop ms/ref" ratio "peak RSS"
for n in $SIZES; do
	root=$WORK/host-$n
	"$BIN/gentree" "$root" "$n" "$TASKS" 1
	floor=$("$BIN/floor" "$root" "$REFRESHES")
	files=$(awk '{ print $1 }' <<<"$floor")
	unopened=$(awk '{ print $8 }' <<<"$floor")
	floor_ms=$(awk '{ print $3 }' <<<"$floor")
	args=(--backends cgroup --proc-root "$root/proc" --sys-root "$root/sys" --format csv -d 0.1)
	# Start-up (listing, opening every file) is taken out: one run of 1 refresh, one of 1 + REFRESHES.
	one=$("$BIN/rusage" "$GT" -b -n 1 "${args[@]}" 2>&1 >/dev/null)
	many=$("$BIN/rusage" "$GT" -b -n $((REFRESHES + 1)) "${args[@]}" 2>&1 >/dev/null)
	per=$(awk -v a="${one% *}" -v b="${many% *}" -v r="$REFRESHES" 'BEGIN { printf "%.3f", (b - a) * 1000 / r }')
	ratio=$(awk -v g="$per" -v f="$floor_ms" 'BEGIN { printf "%.2fx", g / f }')
	printf '%-8s %10s %10s %14s %14s %8s %8s MiB\n' "$n" "$files" "$unopened" "$floor_ms" "$per" "$ratio" "$(( ${many#* } / 1024 ))"
	rm -rf "$root"
done
echo
echo "commands: tests/bench/gentree ROOT N $TASKS 1; tests/bench/floor ROOT $REFRESHES;"
echo "          rusage guesttop -b -n K --backends cgroup --proc-root ROOT/proc --sys-root ROOT/sys --format csv -d 0.1"

echo
echo "interactivity: sort, filter and draw the table at 5,000 guests in an off-screen 200x50 terminal"
make -s build/lab/interact
"$BIN/interact" -g 5000
echo "command: build/lab/interact -g 5000"
