#!/bin/bash
# `make fuzz`: run each fuzz target SECONDS seconds, one after the other, and print a table.
# Usage: tests/fuzz/fuzz-run.sh SECONDS TARGET... (from the repo root; targets built by `make fuzz-build`)
# Each target keeps a working corpus in build/fuzz/corpus/TARGET (started from tests/fuzz/corpus/TARGET)
# and writes what it finds to build/fuzz/artifacts/TARGET/. Exits 1 when any target crashed.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/fuzz/fuzzlib.sh
secs=${1:?usage: fuzz-run.sh SECONDS TARGET...}
shift
FUZZ_DIR=${FUZZ_DIR:-build/fuzz}
# Reports on stderr, where the log catches them; not in files a test runner would count.
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

rows=()
crashed=0
for t in "$@"; do
	bin=$FUZZ_DIR/fuzz-$t
	corpus=$FUZZ_DIR/corpus/$t
	art=$FUZZ_DIR/artifacts/$t
	log=$FUZZ_DIR/logs/$t.log
	mkdir -p "$corpus" "$art" "$(dirname "$log")"
	if [ ! -x "$bin" ]; then
		echo "fuzz-$t: $bin not built" >&2
		rows+=("$(printf '%-16s %8s %12s %10s %8s %8s' "$t" - - - - missing)")
		crashed=$((crashed + 1))
		continue
	fi
	# New seeds join the working corpus; what it grew stays between runs.
	cp -n tests/fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null
	dict=()
	[ -f tests/fuzz/dict/"$t".dict ] && dict=(-dict=tests/fuzz/dict/"$t".dict)
	before=$(ls "$art" | wc -l)
	echo "== fuzz-$t: $secs s (log $log)"
	fuzz_timed "$log" "$secs" "$bin" -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$art/" "${dict[@]}" "$corpus"
	rc=$FUZZ_RC elapsed=$FUZZ_SECS execs=$FUZZ_EXECS eps=$FUZZ_EPS
	size=$(ls "$corpus" | wc -l)
	found=$(($(ls "$art" | wc -l) - before))
	if [ "$rc" -ne 0 ] && [ "$found" -eq 0 ]; then
		found=1
	fi
	if [ "$found" -gt 0 ]; then
		crashed=$((crashed + 1))
		echo "fuzz-$t: exit $rc, see $log and $art/" >&2
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*invariant failed|artifact_prefix|Test unit written)' "$log" | head -n 5 >&2
	fi
	rows+=("$(printf '%-16s %8s %12s %10s %8s %8s' "$t" "$elapsed" "$execs" "$eps" "$size" "$found")")
done

echo
printf '%-16s %8s %12s %10s %8s %8s\n' TARGET SECONDS EXECS EXEC/S CORPUS CRASHES
printf '%s\n' "${rows[@]}"
if [ "$crashed" -gt 0 ]; then
	echo "$crashed target(s) crashed or could not run: inputs in $FUZZ_DIR/artifacts/" >&2
	exit 1
fi
