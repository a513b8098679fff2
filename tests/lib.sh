# Shared helpers for guesttop's shell tests: TAP-like result lines the runner counts, and lab access.
# Sourced, not run. Each test prints "ok - WHAT" or "not ok - WHAT: WHY"; the runner counts them.

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$TESTS_DIR/.." && pwd)
GUESTTOP=${GUESTTOP:-$REPO_DIR/build/san/guesttop}
LAB="$REPO_DIR/tests/lab/lab.sh"
T_FAILED=0
# Sanitizer reports go to files the runner checks, never into a captured screen.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

ok() { printf 'ok - %s\n' "$1"; }
not_ok() {
	printf 'not ok - %s: %s\n' "$1" "$2"
	T_FAILED=$((T_FAILED + 1))
}
# check WHAT COMMAND...: ok when COMMAND succeeds.
check() {
	local what=$1
	shift
	if "$@"; then
		ok "$what"
	else
		not_ok "$what" "failed: $*"
		return 1
	fi
}
# A lab guest that cannot start fails the test with the reason; it never skips.
lab_start() {
	local out
	if ! out=$(bash "$LAB" start "$@" 2>&1); then
		not_ok "start lab guest $1" "$out"
		return 1
	fi
}
lab() { bash "$LAB" "$@"; }
finish() {
	[ "$T_FAILED" -eq 0 ]
}
# Wait until an idle guest has left SeaBIOS's busy boot phase: its own CPU use,
# read straight from /proc (not through guesttop), below 5% over one second.
# SeaBIOS takes longer on a loaded host, so this waits on the guest, not the clock.
lab_wait_quiet() {
	local name=$1 pid a b i
	pid=$(lab pid "$name") || return 1
	for i in $(seq 1 30); do
		a=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || return 1
		sleep 1
		b=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || return 1
		# clock ticks are 1/100 s: 5 ticks in one second is 5%
		[ $((b - a)) -lt 5 ] && return 0
	done
	echo "guest $name still busy after 30 s" >&2
	return 1
}

# Docker-style container cgroups (the cgroupfs driver's /docker/ID layout), each holding one process
# of ours: real cgroups that guesttop's cgroup backend lists, cheap enough to make by the hundred.
# Every ID made is written to CGC_LIST so that cgc_cleanup can remove what a failed test left.
CGC_LIST=
cgc_dirs() {
	local id=$1 c
	if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
		echo "/sys/fs/cgroup/docker/$id"
		return
	fi
	for c in cpu cpuacct memory blkio pids; do
		[ -d /sys/fs/cgroup/$c ] && echo "/sys/fs/cgroup/$c/docker/$id"
	done
}
# cgc_start COMMAND...: a new container cgroup running COMMAND; sets CGC_ID and CGC_PID.
cgc_start() {
	local d
	[ -n "$CGC_LIST" ] || CGC_LIST=$(mktemp)
	CGC_ID=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	echo "$CGC_ID" >>"$CGC_LIST"
	for d in $(cgc_dirs "$CGC_ID"); do mkdir -p "$d" || return 1; done
	"$@" &
	CGC_PID=$!
	for d in $(cgc_dirs "$CGC_ID"); do echo "$CGC_PID" >"$d/cgroup.procs" || return 1; done
}
# cgc_remove ID PID: end the process, then remove the cgroup.
cgc_remove() {
	local d
	kill "$2" 2>/dev/null
	wait "$2" 2>/dev/null
	for d in $(cgc_dirs "$1"); do rmdir "$d" || return 1; done
}
cgc_cleanup() {
	local id d
	[ -n "$CGC_LIST" ] || return 0
	while read -r id; do
		for d in $(cgc_dirs "$id"); do
			[ -d "$d" ] || continue
			xargs -r kill -9 <"$d/cgroup.procs" 2>/dev/null
			rmdir "$d" 2>/dev/null || { sleep 0.2; rmdir "$d" 2>/dev/null; }
		done
	done <"$CGC_LIST"
	rm -f "$CGC_LIST"
}
