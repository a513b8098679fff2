#!/bin/bash
# The console on a recording: it opens at the first refresh, Left and Right step, g jumps to a time,
# Space plays to the end; nothing can be acted on; a cut recording says where it was cut.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
dir=$(mktemp -d)
trap 'e2e_stop; rm -rf "$dir"' EXIT
rec=$dir/r.rec
"$GUESTTOP" -b -n 5 -d 1 -c "test://$REPO_DIR/tests/fixtures/testdriver/odd-names.xml" --backends libvirt \
	--record "$rec" >/dev/null 2>&1 || { not_ok "make a recording" "guesttop failed"; exit 1; }
times=$(grep '^E ' "$rec" | cut -c14-21)
t4=$(sed -n 4p <<<"$times")
plain_cpu() { e2e_screen | awk '$1 == "plain" { print $5 }'; }

e2e_start 140 30 --replay "$rec" || { not_ok "start tmux" "tmux failed"; exit 1; }
check "the replay opens at the first refresh" e2e_wait_for 'replay 1/5 at ' 10
check "the recorded guests are shown" e2e_wait_for '^plain ' 5
check "the first refresh has no rates, as live (CPU% $(plain_cpu))" [ "$(plain_cpu)" = - ]
e2e_keys Right
check "Right steps to the second refresh" e2e_wait_for 'replay 2/5 at ' 3
check "which has the CPU% that was recorded ($(plain_cpu))" [ "$(plain_cpu)" = 100.0 ]
e2e_keys g
e2e_wait_for 'Go to time' 3 >/dev/null
e2e_keys -l "$t4"
e2e_keys Enter
check "g jumps to the refresh at a time ($t4)" e2e_wait_for "replay 4/5 at [0-9T:-]*$t4" 3
e2e_keys Left
check "Left steps back" e2e_wait_for 'replay 3/5 at ' 3
e2e_keys s
check "nothing can be acted on in a replay" e2e_wait_for 'read-only' 3
e2e_keys Space
check "Space plays on to the last refresh" e2e_wait_for 'replay 5/5 at .*\(paused\)' 8
e2e_keys q
check "q quits with status 0" e2e_wait_for '^EXITED rc=0' 10

size=$(stat -c %s "$rec")
head -c $((size - 10)) "$rec" >"$dir/cut.rec"
e2e_start 140 30 --replay "$dir/cut.rec"
check "a cut recording says where it was cut" e2e_wait_for 'cut short after .* replaying 4 refreshes' 5
check "and replays the refreshes before the cut" e2e_wait_for 'replay 1/4 at ' 8
e2e_keys q
check "q quits with status 0 (cut)" e2e_wait_for '^EXITED rc=0' 10
finish
