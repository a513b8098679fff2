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
