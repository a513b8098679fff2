#!/bin/bash
# A resize storm leaves a correct, working console; a fatal signal restores the terminal before guesttop dies.
set -uo pipefail
export LC_ALL=C.UTF-8
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
trap e2e_stop EXIT

# The terminal's modes as tmux sees them: alternate screen, cursor, keypad and every mouse mode.
modes() {
	tmux display-message -p -t "$E2E_SESSION" \
		'alt=#{alternate_on} cursor=#{cursor_flag} keypad=#{keypad_cursor_flag}#{keypad_flag} mouse=#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}#{mouse_sgr_flag}'
}
# No line of the screen is wider than the window, counted in characters (the history is UTF-8).
fits() {
	local w=$1 line
	while IFS= read -r line; do
		[ "${#line}" -le "$w" ] || return 1
	done < <(e2e_screen)
}

# ---------------------------------------------------------------- resize storm
e2e_start 120 30 -d 0.2 -c test:///default || { not_ok "start tmux" "tmux failed"; exit 1; }
check "console up" e2e_wait_for '^test +test +running' 10
pid=$(e2e_pid)
[ -n "$pid" ] || not_ok "find guesttop's pid" "no child of the pane's shell"
sizes=(20x5 300x100 10x3 80x24 1x1 250x60 40x10 300x100 20x5 132x43)
for i in $(seq 1 100); do
	s=${sizes[$((RANDOM % ${#sizes[@]}))]}
	e2e_resize "${s%x*}" "${s#*x}"
	sleep 0.01
done
# SIGWINCH without a change of size, as fast as it can be sent.
for i in $(seq 1 300); do kill -WINCH "$pid" 2>/dev/null; done
if kill -0 "$pid" 2>/dev/null; then
	ok "100 resizes from 1x1 to 300x100 and 300 bare SIGWINCH: guesttop still runs"
else
	not_ok "guesttop survives a resize storm" "process $pid is gone: $(e2e_screen | tail -n 3)"
fi
e2e_resize 100 30
sleep 1
screen=$(e2e_screen)
if grep -Eq '^ ?NAME ' <<<"$screen" && tail -n 1 <<<"$screen" | grep -q 'F1Help' && grep -Eq '^test +(test +)?running' <<<"$screen"; then
	ok "after the storm, at 100x30: header, the guest's row and the function bar on the last line"
else
	not_ok "redrawn after the storm" "$(printf '%s\n' "$screen" | head -n 5)"
fi
check "no line wider than the 100-column window" fits 100
[ "$(e2e_screen | wc -l)" -eq 30 ] && ok "30 lines drawn" || not_ok "30 lines drawn" "$(e2e_screen | wc -l)"
e2e_keys Down
sleep 0.3
e2e_keys q
check "q still quits, status 0, terminal sane" e2e_wait_for '^EXITED rc=0 icanon echo' 10
e2e_stop

# ---------------------------------------------------------------- crash path
# SIGSEGV and SIGABRT (what a failed assertion or a sanitizer's abort raises) as a real fault would
# deliver them: the handler leaves curses, says so on stderr, then dies of the same signal.
for sig in SEGV ABRT BUS; do
	e2e_start 100 30 -d 0.5 -c test:///default || { not_ok "start tmux" "tmux failed"; exit 1; }
	e2e_wait_for '^test +test +running' 10 >/dev/null
	# Mouse reporting is on while the console runs: the restore must turn it off.
	before=$(modes)
	pid=$(e2e_pid)
	kill -"$sig" "$pid"
	code=$((128 + $(kill -l "$sig")))
	if e2e_wait_for "^EXITED rc=$code icanon echo" 10; then
		ok "SIG$sig: guesttop dies of it (status $code) and the shell gets canonical mode and echo back"
	else
		not_ok "SIG$sig restores the terminal" "$(e2e_screen | tail -n 4)"
	fi
	check "SIG$sig: the message says the terminal was restored" e2e_wait_for 'guesttop: fatal signal; terminal restored' 2
	after=$(modes)
	if [ "$after" = "alt=0 cursor=1 keypad=00 mouse=0000" ]; then
		ok "SIG$sig: alternate screen left, cursor shown, keypad and mouse modes off (running: $before)"
	else
		not_ok "SIG$sig: terminal modes restored" "running: $before; after: $after"
	fi
	e2e_stop
done
finish
