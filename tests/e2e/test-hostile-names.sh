#!/bin/bash
# A tenant's container named with a terminal escape (set the window title: ESC ] 0 ; text BEL) is shown
# escaped in the table, in batch output and in the detail screen, and the terminal's title is unchanged.
# So are a container named with a right-to-left override, invalid UTF-8, a C0 and a C1 control, and a
# real KVM guest with a 200-character name: escaped everywhere, cut to its column on the screen.
set -uo pipefail
export LC_ALL=C.UTF-8
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
LXC="$REPO_DIR/tests/lab/lxc.sh"
name=$'gt-lab-esc\e]0;pwned\a'
shown='gt-lab-esc\x1b]0;pwned\x07'
name2=$'gt-lab-\u202egnp.exe\xff\x01\xc2\x9bz'
shown2='gt-lab-\u{202e}gnp.exe\xff\x01\u{009b}z'
long="gt-lab-"$'\u202e'"long-$(printf 'x%.0s' $(seq 1 187))"
long_shown="gt-lab-\\u{202e}long-$(printf 'x%.0s' $(seq 1 187))"
out=$(mktemp)
trap 'e2e_stop; bash "$LXC" destroy "$name" >/dev/null 2>&1; bash "$LXC" destroy "$name2" >/dev/null 2>&1; lab destroy "$long" >/dev/null 2>&1; rm -f "$out"' EXIT
if ! err=$(bash "$LXC" start "$name" idle 2>&1); then
	not_ok "start the container with an escape sequence in its name" "$err"
	exit 1
fi
if ! err=$(bash "$LXC" start "$name2" idle 2>&1); then
	not_ok "start the container named with RLO, invalid UTF-8 and controls" "$err"
	exit 1
fi
check "the KVM guest's name is 200 characters" [ "${#long}" -eq 200 ]
lab destroy "$long" >/dev/null 2>&1
lab_start "$long" idle || exit 1
# No raw control byte, invalid UTF-8, C1 control or bidirectional override in FILE.
no_raw() { ! LC_ALL=C grep -q $'[\x01\x07\x1b\x7f\xff]\|\xc2\x9b\|\xe2\x80\xae' "$1"; }

"$GUESTTOP" -b -n 1 --backends lxc,libvirt -f csv >"$out" 2>&1
check "CSV: RLO, invalid UTF-8, C0 and C1 shown escaped" grep -qF ",$shown2," "$out"
check "CSV: the 200-character name whole, escaped" grep -qF ",$long_shown," "$out"
check "CSV: no raw control, invalid or bidirectional byte" no_raw "$out"
"$GUESTTOP" -b -n 1 --backends lxc,libvirt >"$out" 2>&1
check "batch text: both names escaped, no raw byte" bash -c 'grep -qF "$2" "$1" && grep -qF "$3" "$1"' _ "$out" "$shown2" "$long_shown"
check "batch text: no raw control, invalid or bidirectional byte" no_raw "$out"

# Batch output: the escaped text, never the raw bytes.
"$GUESTTOP" -b -n 1 --backends lxc >"$out" 2>&1
check "batch text shows the name escaped" grep -qF "$shown" "$out"
check "batch text holds no ESC or BEL byte" bash -c '! grep -q $'"'"'[\x1b\x07]'"'"' "$1"' _ "$out"
"$GUESTTOP" -b -n 1 --backends lxc -f csv >"$out" 2>&1
check "CSV shows the name escaped, with no ESC or BEL byte" \
	bash -c 'grep -qF "$2" "$1" && ! grep -q $'"'"'[\x1b\x07]'"'"' "$1"' _ "$out" "$shown"

# The console: the title stays what it was, the table shows the escaped name.
e2e_start 140 30 -d 1 --backends lxc,libvirt || { not_ok "start tmux" "tmux failed"; exit 1; }
e2e_wait_for 'F1Help' 10 >/dev/null
title_before=$(tmux display-message -p -t "$E2E_SESSION" '#{pane_title}')
if e2e_wait_for 'gt-lab-esc\\x1b\]0;pwned\\x07' 10; then
	ok "the table shows the name escaped"
else
	not_ok "the table shows the name escaped" "$(e2e_screen | grep -a gt-lab-esc | head -n 2)"
fi
# The NAME column holds 32 characters; a longer escaped name is cut, marked with ~.
check "the table shows RLO, invalid UTF-8 and C0 escaped, cut to its column" e2e_wait_for '^gt-lab-\\u\{202e\}gnp\.exe\\xff\\x01\\~ ' 5
check "the table shows the 200-character name escaped, cut to its column" e2e_wait_for '^gt-lab-\\u\{202e\}long-xxx' 5
e2e_screen >"$out"
check "the screen holds no raw control, invalid or bidirectional character" no_raw "$out"
wide=
while IFS= read -r l; do [ "${#l}" -le 140 ] || wide=$l; done <"$out"
check "no screen line is wider than the terminal" [ -z "$wide" ]
sleep 1.5
title=$(tmux display-message -p -t "$E2E_SESSION" '#{pane_title}')
check "the terminal title is not the tenant's ($title)" [ "$title" != pwned ]
check "the terminal title did not change ($title_before -> $title)" [ "$title" = "$title_before" ]
# The detail screen names it too.
row=$(e2e_screen | grep -n 'gt-lab-esc' | head -n 1 | cut -d: -f1)
hdr=$(e2e_screen | grep -n '^NAME' | head -n 1 | cut -d: -f1)
if [ -n "$row" ] && [ -n "$hdr" ]; then
	for _ in $(seq 1 $((row - hdr - 1))); do e2e_keys Down; done
fi
e2e_keys Enter
check "the detail screen shows the name escaped" e2e_wait_for 'gt-lab-esc\\x1b\]0;pwned\\x07' 5
sleep 0.5
title=$(tmux display-message -p -t "$E2E_SESSION" '#{pane_title}')
check "the title is still unchanged after the detail screen ($title)" [ "$title" = "$title_before" ]
e2e_keys Escape
e2e_keys q
check "q quits with status 0" e2e_wait_for '^EXITED rc=0' 10
finish
