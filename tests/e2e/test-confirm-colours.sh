#!/bin/bash
# Two settings in use: confirm = no acts without the yes/no question (delete still asks for the name),
# and a cell above its victim threshold is drawn in the error colour on an otherwise plain row.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
dir=$(mktemp -d)
trap 'e2e_stop; rm -rf "$dir"' EXIT

# The test driver's guest, suspended with one key when confirmations are off.
printf 'confirm = no\n' >"$dir/noconfirm.conf"
e2e_start 140 30 -d 1 -c test:///default --config "$dir/noconfirm.conf" || { not_ok "start tmux" "tmux failed"; exit 1; }
e2e_wait_for '^test +test +running' 10 >/dev/null
e2e_keys p
if e2e_wait_for '^test +test +paused' 5; then
	ok "confirm = no: p suspends at once"
else
	not_ok "confirm = no: p suspends at once" "$(e2e_screen | grep -E '^test|\?' | head -n 3)"
fi
check "confirm = no: no question was asked" bash -c '! grep -q "Suspend" <<<"$1"' _ "$(e2e_screen)"
e2e_keys u
e2e_wait_for '^test +test +running' 5 >/dev/null
e2e_keys q
e2e_wait_for '^EXITED rc=0' 10 >/dev/null
e2e_start 140 30 -d 1 -c test:///default
e2e_wait_for '^test +test +running' 10 >/dev/null
e2e_keys p
check "by default p asks first" e2e_wait_for '[Ss]uspend.*\?' 5
e2e_keys n
sleep 0.3
check "and no means nothing happens" e2e_wait_for '^test +test +running' 3
e2e_keys q
e2e_wait_for '^EXITED rc=0' 10 >/dev/null

# A recorded refresh where a guest has STEAL% 55.0 but was not flagged a victim: only that cell is red.
rec=$dir/r.rec
# Two guests: the selected first row is drawn in the selection colour, so the second one is looked at.
"$GUESTTOP" -b -n 1 -c "test://$REPO_DIR/tests/fixtures/testdriver/odd-names.xml" --backends libvirt --record "$rec" \
	>/dev/null 2>&1
awk -F, -v OFS=, 'NR > 2 && $1 !~ /^E / && $3 == "plain" { $8 = "55.0"; $7 = "60.0"; $(NF - 2) = 0; $(NF - 1) = 0 }
	NR > 2 && $1 !~ /^E / && $3 != "plain" { $7 = "70.0"; $(NF - 2) = 0; $(NF - 1) = 0 } { print }' "$rec" >"$dir/hot.rec"
e2e_start 140 30 --replay "$dir/hot.rec"
e2e_wait_for '^plain ' 10 >/dev/null
line=$(e2e_screen_attrs | grep -a 'plain' | head -n 1)
check "the STEAL% cell above the threshold is red ($(cat -v <<<"$line" | cut -c1-120))" \
	grep -aEq $'\e\\[[0-9;]*31[0-9;]*m *55\\.0' <<<"$line"
check "the CPU% cell beside it is not" bash -c '! grep -aEq $'"'"'\e\[[0-9;]*31[0-9;]*m *60\.0'"'"' <<<"$1"' _ "$line"
e2e_keys q
check "q quits with status 0" e2e_wait_for '^EXITED rc=0' 10
finish
