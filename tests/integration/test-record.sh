#!/bin/bash
# Record and replay: a recording made while a lab guest is suspended and resumed replays what was seen
# live, the CPU% drop at the right time; a truncated or damaged copy replays up to the damage, with a
# message; bad files get one clear line.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

G="gt-lab-rec-busy"
dir=$(mktemp -d)
trap 'lab destroy $G >/dev/null 2>&1; rm -rf "$dir"' EXIT
lab_start $G busy || exit 1
lab wait-settled $G 3
rec=$dir/g.rec

"$GUESTTOP" -b -n 10 -d 1 -c qemu:///system --backends libvirt -f csv --record "$rec" >"$dir/live.csv" 2>"$dir/err" &
gt=$!
sleep 3.3
t_suspend=$(date -u +%H:%M:%S)
virsh -c qemu:///system suspend $G >/dev/null
sleep 3
t_resume=$(date -u +%H:%M:%S)
virsh -c qemu:///system resume $G >/dev/null
wait $gt
rc=$?
check "batch mode with --record exits 0 (rc $rc)" [ "$rc" -eq 0 ]
check "the recording is private (mode 600)" [ "$(stat -c %a "$rec")" = 600 ]
check "the recording starts with its magic line" grep -qx 'guesttop-record 1' <(head -n 1 "$rec")
check "it has 10 refreshes" [ "$(grep -c '^E ' "$rec")" -eq 10 ]

"$GUESTTOP" --replay "$rec" -b -f csv >"$dir/replay.csv" 2>"$dir/rerr"
rc=$?
check "batch replay exits 0 (rc $rc)" [ "$rc" -eq 0 ]
check "replay says nothing about an intact file" [ ! -s "$dir/rerr" ]
check "replay prints what was seen live, line for line" cmp -s <(sort "$dir/live.csv") <(sort "$dir/replay.csv")
# The busy guest's CPU% over the replayed refreshes, with their times.
awk -F, -v g=$G '$3 == g && $7 != "" { print substr($1, 12, 8), $7 }' "$dir/replay.csv" >"$dir/cpu"
low_first=$(awk '$2 < 5 { print $1; exit }' "$dir/cpu")
high_after=$(awk -v t="$low_first" '$1 > t && $2 > 80 { print $1; exit }' "$dir/cpu")
check "the replay shows the guest busy before the suspension" awk -v t="$t_suspend" '$1 < t && $2 > 80 { f = 1 } END { exit !f }' "$dir/cpu"
check "the CPU% drop comes after the suspension ($low_first, suspended at $t_suspend)" \
	bash -c '[ -n "$1" ] && [[ "$1" > "$2" || "$1" == "$2" ]]' _ "$low_first" "$t_suspend"
check "and before the resumption (resumed at $t_resume)" bash -c '[[ "$1" < "$2" || "$1" == "$2" ]]' _ "$low_first" "$t_resume"
check "busy again after the resumption ($high_after)" bash -c '[ -n "$1" ] && [[ "$1" > "$2" ]]' _ "$high_after" "$t_resume"
check "the state column shows the suspension" grep -q ",$G,[^,]*,paused," "$dir/replay.csv"

# A copy cut in the middle of the last refresh: the refreshes before it, and a message.
size=$(stat -c %s "$rec")
head -c $((size - 40)) "$rec" >"$dir/cut.rec"
"$GUESTTOP" --replay "$dir/cut.rec" -b -f csv >"$dir/cut.csv" 2>"$dir/cerr"
rc=$?
check "a cut recording still replays (rc $rc)" [ "$rc" -eq 0 ]
check "it says where it was cut ($(cat "$dir/cerr"))" grep -q 'cut short after .*replaying 9 refreshes' "$dir/cerr"
check "it replays the 9 complete refreshes" [ "$(awk -F, 'NR > 1 { print $1 }' "$dir/cut.csv" | uniq | wc -l)" -eq 9 ]
# A line damaged in the middle: up to there.
awk 'NR == 2 + 5 * 3 + 1 { print "garbage,that is,not a row"; next } { print }' "$rec" >"$dir/bad.rec"
"$GUESTTOP" --replay "$dir/bad.rec" -b -f csv >"$dir/bad.csv" 2>"$dir/berr"
rc=$?
check "a damaged recording replays up to the damage (rc $rc)" [ "$rc" -eq 0 ]
check "it names the damaged line ($(cat "$dir/berr"))" grep -q 'damaged at line' "$dir/berr"
# Not a recording at all.
echo "hello" >"$dir/not.rec"
"$GUESTTOP" --replay "$dir/not.rec" -b >/dev/null 2>"$dir/nerr"
rc=$?
check "not a recording: exit 1" [ "$rc" -eq 1 ]
check "not a recording: one line says so" bash -c '[ "$(wc -l <"$1")" -eq 1 ] && grep -q "is not a guesttop recording" "$1"' _ "$dir/nerr"
"$GUESTTOP" -b -n 1 -c test:///default --record "$dir/not.rec" >/dev/null 2>"$dir/nerr"
rc=$?
check "recording into a file that is not a recording is refused (rc $rc)" [ "$rc" -eq 1 ]
check "and the file is untouched" grep -qx hello "$dir/not.rec"
"$GUESTTOP" --replay "$rec" --record "$dir/x.rec" -b >/dev/null 2>&1
check "--record with --replay is refused (exit 2)" [ "$?" -eq 2 ]
finish
