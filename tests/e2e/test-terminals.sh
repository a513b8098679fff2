#!/bin/bash
# The console on different terminals and colour settings: xterm-256color and linux in colour, vt100
# (no colour), NO_COLOR and --color mono (attributes only); each draws the table and quits cleanly.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
trap e2e_stop EXIT

# Like e2e_start, with TERM and environment of our choosing.
start_term() {
	local term=$1 envs=$2
	shift 2
	tmux kill-session -t "$E2E_SESSION" 2>/dev/null
	tmux new-session -d -s "$E2E_SESSION" -x 120 -y 30 "env TERM=$term $envs PS1='e2e\$ ' bash --norc --noprofile -i" ||
		return 1
	tmux set-option -t "$E2E_SESSION" status off >/dev/null
	sleep 0.3
	local q
	q=$(printf '%q ' "$GUESTTOP" "$@")
	tmux send-keys -t "$E2E_SESSION" "$q; echo \"EXITED rc=\$? \$(stty -a | grep -o -- '-\\?icanon') \$(stty -a | grep -o -- '-\\?echo ' )\"" Enter
}
# Any foreground or background colour in the captured screen (SGR 30-37, 40-47, 90-97, 38;5, 48;5...).
has_colour() { grep -aEq $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38|48)(;[0-9;]*)?m'; }

run_case() {
	local what=$1 term=$2 envs=$3 want_colour=$4
	shift 4
	start_term "$term" "$envs" -d 1 -c test:///default "$@" || { not_ok "$what: start tmux" "tmux failed"; return; }
	if e2e_wait_for 'F1Help' 10 && e2e_wait_for '^test ' 5; then
		ok "$what: the table and the function bar are drawn"
	else
		not_ok "$what: the table is drawn" "$(e2e_screen | head -n 12)"
	fi
	if [ "$want_colour" = yes ]; then
		check "$what: in colour" has_colour < <(e2e_screen_attrs)
	else
		check "$what: no colour, attributes only" bash -c '! grep -aEq "$1"' _ $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38|48)(;[0-9;]*)?m' < <(e2e_screen_attrs)
		check "$what: the header is still set apart (reverse video)" grep -aq $'\e\\[[0-9;]*7[;m]' < <(e2e_screen_attrs)
	fi
	e2e_keys q
	if e2e_wait_for '^EXITED rc=0' 10; then
		marker=$(e2e_screen | grep '^EXITED' | tail -n 1)
		check "$what: quits with the terminal intact and the screen left clean ($marker)" \
			grep -Eq '^EXITED rc=0 icanon echo *$' <<<"$marker"
	else
		not_ok "$what: q quits" "$(e2e_screen | tail -n 3)"
	fi
	e2e_stop
}

run_case "xterm-256color" xterm-256color "" yes
run_case "TERM=linux" linux "" yes
run_case "TERM=vt100" vt100 "" no
run_case "NO_COLOR=1" xterm-256color "NO_COLOR=1" no
run_case "--color mono" xterm-256color "" no --color mono
finish
