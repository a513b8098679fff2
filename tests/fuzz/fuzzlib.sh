# Shared by fuzz-run.sh (`make fuzz`) and test-fuzz.sh (`make check`). Sourced, not run.

# fuzz_timed LOG SECONDS BIN ARG...: fuzz with BIN for SECONDS, its output into LOG. Sets FUZZ_RC (its
# exit status), FUZZ_SECS (wall time), FUZZ_EXECS (inputs run) and FUZZ_EPS (inputs per second).
fuzz_timed() {
	local log=$1 secs=$2 bin=$3 start end
	shift 3
	start=$(date +%s.%N)
	"$bin" -max_total_time="$secs" -print_final_stats=1 "$@" >"$log" 2>&1
	FUZZ_RC=$?
	end=$(date +%s.%N)
	FUZZ_SECS=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
	FUZZ_EXECS=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	# A run cut short by a crash has no final stats: its last status line counts.
	[ -n "$FUZZ_EXECS" ] || FUZZ_EXECS=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')
	FUZZ_EXECS=${FUZZ_EXECS:-0}
	FUZZ_EPS=$(awk -v n="$FUZZ_EXECS" -v s="$FUZZ_SECS" 'BEGIN { printf "%d", (s > 0 ? n / s : 0) }')
}
