#!/bin/bash
# Runs every guesttop test (unit, integration against the real lab, tmux end-to-end) and prints one summary.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
REPO=$(pwd)
export GUESTTOP=${GUESTTOP:-$REPO/build/san/guesttop}
UNIT_TESTS=${UNIT_TESTS:-$REPO/build/san/tests/unit/unit-tests}
export TERM=${TERM:-xterm-256color}
export GUESTTOP_FIXTURES=$REPO/tests/fixtures
LOG_DIR=${TEST_LOG_DIR:-$REPO/build/test-logs}
mkdir -p "$LOG_DIR"
rm -f "$LOG_DIR"/asan.*
# Sanitizer reports from every guesttop run land here; any report fails the run.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:log_path=$LOG_DIR/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$LOG_DIR/asan"

passed=0
failed=0
failures=()

run_unit() {
	local out="$LOG_DIR/unit.log"
	echo "== unit tests (Check)"
	if [ ! -x "$UNIT_TESTS" ]; then
		echo "not ok - unit tests: $UNIT_TESTS not built"
		failed=$((failed + 1))
		failures+=("unit: not built")
		return
	fi
	CK_FORK=yes "$UNIT_TESTS" >"$out" 2>&1
	local rc=$?
	grep -E '^[^:]+:[0-9]+:[EF]:' "$out" | sed 's/^/not ok - /'
	local line checks fails errs
	line=$(grep -E '^[0-9]+%: Checks: ' "$out" | tail -n 1)
	echo "$line"
	if [[ $line =~ Checks:\ ([0-9]+),\ Failures:\ ([0-9]+),\ Errors:\ ([0-9]+) ]]; then
		checks=${BASH_REMATCH[1]} fails=${BASH_REMATCH[2]} errs=${BASH_REMATCH[3]}
		passed=$((passed + checks - fails - errs))
		failed=$((failed + fails + errs))
		[ $((fails + errs)) -eq 0 ] || failures+=("unit: $((fails + errs)) failed (see $out)")
		if [ "$rc" -ne 0 ] && [ $((fails + errs)) -eq 0 ]; then
			failed=$((failed + 1))
			failures+=("unit: exit $rc with no failed check (see $out)")
		fi
	else
		tail -n 20 "$out"
		failed=$((failed + 1))
		failures+=("unit: no Check summary (exit $rc, see $out)")
	fi
}

run_script() {
	local t=$1 name out rc
	name=${t#tests/}
	out="$LOG_DIR/$(echo "$name" | tr '/' '_').log"
	echo "== $name"
	bash "$t" >"$out" 2>&1
	rc=$?
	cat "$out" | grep -E '^(ok|not ok) - ' || true
	local p f
	p=$(grep -c '^ok - ' "$out")
	f=$(grep -c '^not ok - ' "$out")
	passed=$((passed + p))
	failed=$((failed + f))
	while IFS= read -r l; do failures+=("$name: ${l#not ok - }"); done < <(grep '^not ok - ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		failed=$((failed + 1))
		failures+=("$name: exited $rc without a failed check (see $out)")
		tail -n 15 "$out"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$rc" -eq 0 ]; then
		failed=$((failed + 1))
		failures+=("$name: ran no check")
	fi
}

only=${1:-}
if [ -z "$only" ] || [ "$only" = unit ]; then run_unit; fi
for dir in fuzz lab integration e2e; do
	if [ -n "$only" ] && [ "$only" != "$dir" ]; then continue; fi
	for t in tests/$dir/test-*.sh; do
		[ -e "$t" ] || continue
		run_script "$t"
	done
done

if compgen -G "$LOG_DIR/asan.*" >/dev/null; then
	for f in "$LOG_DIR"/asan.*; do
		echo "== sanitizer report $f"
		head -n 30 "$f"
	done
	failed=$((failed + 1))
	failures+=("sanitizers reported errors (see $LOG_DIR/asan.*)")
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "Failures:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
