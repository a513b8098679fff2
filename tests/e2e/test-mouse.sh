#!/bin/bash
# The mouse in the console (SGR mouse reports, as xterm and tmux send them): a click on a column's title
# sorts by it and a second click inverts; a click on a row selects it; the wheel moves the selection.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
trap e2e_stop EXIT

# A press and its release at column X, line Y (1-based, as the terminal counts).
click() { e2e_keys -l "$(printf '\033[<0;%d;%dM\033[<0;%d;%dm' "$1" "$2" "$1" "$2")"; }
wheel_down() { e2e_keys -l "$(printf '\033[<65;%d;%dM' "$1" "$2")"; }
first_name() { e2e_screen | awk -v h="$1" 'NR == h + 1 { print $1 }'; }

e2e_start 120 30 -d 1 -c "test://$REPO_DIR/tests/fixtures/testdriver/odd-names.xml" ||
	{ not_ok "start tmux" "tmux failed"; exit 1; }
e2e_wait_for 'F1Help' 10 >/dev/null
e2e_wait_for '^plain' 10 >/dev/null
hdr=$(e2e_screen | grep -n '^NAME' | head -n 1 | cut -d: -f1)
check "the table header is on screen (line $hdr)" [ -n "$hdr" ]

row() { e2e_screen | sed -n "$(($hdr + $1))p"; }
uuid_shown() { e2e_screen | grep -o '11111111-2222-3333-4444-55555555555[56]' | head -n 1; }

# Sorted by CPU% at first (a tie: then by name, plain first). A click on NAME sorts by name, a
# second one inverts: the odd name comes first.
click 3 "$hdr"
sleep 0.4
check "a click on NAME sorts by name (plain first: $(row 1 | cut -c1-20))" grep -q '^plain ' <<<"$(row 1)"
click 3 "$hdr"
if e2e_wait_for "^we\"ird" 3; then
	ok "a second click on NAME inverts the order"
else
	not_ok "a second click on NAME inverts the order" "$(row 1)"
fi
# MEM: plain has 256M, the other 512M; sorted by MEM the larger comes first, plain second.
memx=$(e2e_screen | sed -n "${hdr}p" | awk '{ print index($0, " MEM") + 2 }')
click 3 "$hdr"	# back to name order first: the MEM click must change it
sleep 0.3
click "$memx" "$hdr"
sleep 0.4
check "a click on MEM sorts by memory, largest first ($(row 1 | cut -c1-20))" grep -q '512M' <<<"$(row 1)"

# A click on the second row (plain) selects it: Enter then shows that guest's detail.
click 5 $((hdr + 2))
sleep 0.3
e2e_keys Enter
e2e_wait_for '11111111-2222-3333-4444-55555555555[56]' 5 >/dev/null
check "a click on the second row selected it (detail of $(uuid_shown))" [ "$(uuid_shown)" = 11111111-2222-3333-4444-555555555556 ]
e2e_keys Escape
sleep 0.3
# The wheel: a click on the first row, then the wheel down selects the last row.
click 5 $((hdr + 1))
sleep 0.2
wheel_down 5 $((hdr + 1))
sleep 0.3
e2e_keys Enter
e2e_wait_for '11111111-2222-3333-4444-55555555555[56]' 5 >/dev/null
check "the wheel moved the selection down to the last guest ($(uuid_shown))" [ "$(uuid_shown)" = 11111111-2222-3333-4444-555555555556 ]
e2e_keys Escape
sleep 0.2
e2e_keys q
check "q quits with status 0" e2e_wait_for '^EXITED rc=0' 10
finish
