#!/bin/bash
# The console in a real terminal (tmux): what a person sees with a busy and an idle guest.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"

BUSY=gt-lab-e2e-busy IDLE=gt-lab-e2e-idle
cleanup() {
	e2e_stop
	lab destroy $BUSY >/dev/null 2>&1
	lab destroy $IDLE >/dev/null 2>&1
}
trap cleanup EXIT
cleanup
lab_start $BUSY busy || exit 1
lab_start $IDLE idle || exit 1
lab wait-settled $IDLE
lab_wait_quiet $IDLE || not_ok "idle guest settles" "still busy after 30 s"

e2e_start 120 40 -d 1 || { not_ok "start tmux" "tmux failed"; exit 1; }
if e2e_wait_for "^$BUSY " 15; then ok "the guest table appears"; else
	not_ok "the guest table appears" "$(e2e_screen | head -n 12)"
fi
# Sorted by CPU% by default: once rates exist, the busy guest is on the first row.
found=no
for i in $(seq 1 60); do
	row=$(e2e_first_row)
	if [[ $row == "$BUSY "* ]] && [[ $row =~ running\ +1\ +([0-9.]+) ]]; then
		found=yes
		break
	fi
	sleep 0.25
done
check "120x40: the busy guest is on the first table row" [ "$found" = yes ]
screen=$(e2e_screen)
check "120x40: the header shows per-core CPU meters" grep -Eq '^ +0\[' <<<"$screen"
check "120x40: the header shows memory and load" grep -q 'Mem\[' <<<"$screen" && grep -q 'Load average:' <<<"$screen"
check "120x40: the header counts guests" grep -Eq 'Guests: [0-9]+ running' <<<"$screen"
check "120x40: column titles in order" grep -Eq '^NAME +BACKEND STATE +VCPU +CPU% STEAL% +MEM +RSS +RD/s +WR/s' <<<"$screen"
check "120x40: the function bar is on the last line" [ "$(tail -n 1 <<<"$screen" | cut -c1-6)" = "F1Help" ]
check "120x40: no sanitizer or libvirt text on the screen" bash -c '! grep -Eqi "error|sanitizer|libvirt:" <<<"$1"' _ "$screen"

e2e_keys h
if e2e_wait_for '^Keys' 5; then ok "h shows the help"; else not_ok "h shows the help" "$(e2e_screen | head -5)"; fi
# The columns follow the keys: a page down shows them.
e2e_keys NPage
check "help lists the columns" e2e_wait_for 'STEAL% +time its vCPUs' 2
e2e_keys Escape
check "a key returns from help to the table" e2e_wait_for '^NAME ' 5

# Search selects the matching guest (the selected row is drawn in the selection colour).
e2e_keys / "$IDLE" Enter
sleep 0.5
sel=$(e2e_screen_attrs | grep -- "$IDLE" | head -n 1)
selected_re=$'\e\\[30m\e\\[46m\|\e\\[30;46m\|\e\\[7m'
check "/ search selects the idle guest" grep -q "$selected_re" <<<"$sel"
busy_line=$(e2e_screen_attrs | grep -- "$BUSY" | head -n 1)
check "/ search moved the selection off the busy guest" bash -c '! grep -q "$1" <<<"$2"' _ "$selected_re" "$busy_line"

# Sorting: > moves the sort to STEAL%, < back; F6 opens the menu.
e2e_keys F6
check "F6 opens the sort menu" e2e_wait_for 'Sort by' 5
e2e_keys Escape

e2e_resize 80 24
sleep 1
screen=$(e2e_screen)
lines=$(wc -l <<<"$screen")
check "80x24: the screen has 24 lines" [ "$lines" -eq 24 ]
check "80x24: one table header, redrawn" [ "$(grep -c '^NAME ' <<<"$screen")" -eq 1 ]
check "80x24: the function bar is on the last line" [ "$(tail -n 1 <<<"$screen" | cut -c1-6)" = "F1Help" ]
# Display width, not bytes: sparklines are multibyte characters.
check "80x24: no line longer than 80 columns" [ "$(LC_ALL=C.UTF-8 wc -L <<<"$screen")" -le 80 ]
check "80x24: the busy guest is still listed" grep -q "^$BUSY " <<<"$screen"
check "80x24: no leftovers of the wide layout" bash -c '! grep -q "WR/s.*WR/s" <<<"$1"' _ "$screen"

e2e_keys q
if e2e_wait_for '^EXITED rc=0' 10; then ok "q quits with status 0"; else not_ok "q quits with status 0" "$(e2e_screen | tail -3)"; fi
marker=$(e2e_screen | grep '^EXITED' | tail -n 1)
check "the terminal is back in canonical mode after q" grep -q ' icanon' <<<"$marker"
check "the terminal echoes again after q" grep -q ' echo' <<<"$marker"
check "the shell prompt is back" e2e_wait_for '^e2e\$ ' 5

finish
