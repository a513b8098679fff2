#!/bin/bash
# A tenant's container named with a terminal escape (set the window title: ESC ] 0 ; text BEL) is shown
# escaped in the table, in batch output and in the detail screen, and the terminal's title is unchanged.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
LXC="$REPO_DIR/tests/lab/lxc.sh"
name=$'gt-lab-esc\e]0;pwned\a'
shown='gt-lab-esc\x1b]0;pwned\x07'
out=$(mktemp)
trap 'e2e_stop; bash "$LXC" destroy "$name" >/dev/null 2>&1; rm -f "$out"' EXIT
if ! err=$(bash "$LXC" start "$name" idle 2>&1); then
	not_ok "start the container with an escape sequence in its name" "$err"
	exit 1
fi

# Batch output: the escaped text, never the raw bytes.
"$GUESTTOP" -b -n 1 --backends lxc >"$out" 2>&1
check "batch text shows the name escaped" grep -qF "$shown" "$out"
check "batch text holds no ESC or BEL byte" bash -c '! grep -q $'"'"'[\x1b\x07]'"'"' "$1"' _ "$out"
"$GUESTTOP" -b -n 1 --backends lxc -f csv >"$out" 2>&1
check "CSV shows the name escaped, with no ESC or BEL byte" \
	bash -c 'grep -qF "$2" "$1" && ! grep -q $'"'"'[\x1b\x07]'"'"' "$1"' _ "$out" "$shown"

# The console: the title stays what it was, the table shows the escaped name.
e2e_start 140 30 -d 1 --backends lxc || { not_ok "start tmux" "tmux failed"; exit 1; }
e2e_wait_for 'F1Help' 10 >/dev/null
title_before=$(tmux display-message -p -t "$E2E_SESSION" '#{pane_title}')
if e2e_wait_for 'gt-lab-esc\\x1b\]0;pwned\\x07' 10; then
	ok "the table shows the name escaped"
else
	not_ok "the table shows the name escaped" "$(e2e_screen | grep -a gt-lab-esc | head -n 2)"
fi
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
