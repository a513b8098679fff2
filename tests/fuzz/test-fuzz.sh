#!/bin/bash
# Bounded fuzzing in `make check`: each target replays its regression inputs and seed corpus,
# then fuzzes for FUZZ_TEST_TIME seconds (default 7) from a copy of its seeds. One target at a time.
# Needs `make fuzz-build`; a target that is not built fails, it is never skipped.
source "$(dirname "$0")/../lib.sh"
cd "$REPO_DIR" || exit 1
. tests/fuzz/fuzzlib.sh
FUZZ_DIR=${FUZZ_DIR:-$REPO_DIR/build/fuzz}
FUZZ_TEST_TIME=${FUZZ_TEST_TIME:-7}
TARGETS=(proc-stat proc-status proc-io proc-schedstat proc-cgroup cgroup libvirt-xml libvirt-stats
	xen openvz config record)
# libFuzzer reports on stderr, into this test's log; a crash is this test's failure, said below.
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$FUZZ_DIR/artifacts"

# Show what went wrong in the log, and keep the input where it can be found.
report() {
	local log=$1
	grep -E '==[0-9]+==ERROR|^SUMMARY|invariant failed|runtime error|Running: |Test unit written' "$log" | tail -n 8 >&2
}

for t in "${TARGETS[@]}"; do
	bin=$FUZZ_DIR/fuzz-$t
	if [ ! -x "$bin" ]; then
		not_ok "fuzz $t" "$bin not built (make fuzz-build)"
		continue
	fi
	opts=(-rss_limit_mb=2048 -timeout=10)
	dict=()
	[ -f "tests/fuzz/dict/$t.dict" ] && dict=(-dict="tests/fuzz/dict/$t.dict")

	# 1. Every regression input and seed, once each.
	inputs=()
	for f in "tests/fuzz/regressions/$t"/* "tests/fuzz/corpus/$t"/*; do
		[ -f "$f" ] && inputs+=("$f")
	done
	log=$tmp/$t-replay.log
	if [ ${#inputs[@]} -gt 0 ] && ! "$bin" "${opts[@]}" "${inputs[@]}" >"$log" 2>&1; then
		bad=$(grep '^Running: ' "$log" | tail -n 1 | sed 's/^Running: //')
		report "$log"
		not_ok "fuzz $t" "crashes on ${bad:-one of its ${#inputs[@]} regression and seed inputs}"
		continue
	fi

	# 2. A bounded run from a copy of the seeds (the repository is not written to).
	corpus=$tmp/$t-corpus
	mkdir -p "$corpus"
	cp tests/fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null
	art=$(mktemp -d "$FUZZ_DIR/artifacts/test-$t.XXXXXX")
	log=$tmp/$t-run.log
	fuzz_timed "$log" "$FUZZ_TEST_TIME" "$bin" "${opts[@]}" -artifact_prefix="$art/" "${dict[@]}" "$corpus"
	rc=$FUZZ_RC secs=$FUZZ_SECS execs=$FUZZ_EXECS eps=$FUZZ_EPS
	found=$(ls "$art")
	if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
		report "$log"
		cp "$log" "$art/fuzz.log"
		not_ok "fuzz $t" "exit $rc after $execs execs; input kept: $art/${found%%$'\n'*} (log $art/fuzz.log)"
		continue
	fi
	rmdir "$art"
	if [ "$execs" -eq 0 ]; then
		not_ok "fuzz $t" "ran no input (log: $(tail -n 3 "$log" | tr '\n' ' '))"
		continue
	fi
	ok "fuzz $t: $execs execs in $secs s ($eps/s), no crash"
done
finish
