# Helpers to drive guesttop's console in a real terminal: a detached tmux session, keys in, screen out.
# Sourced by the e2e tests after tests/lib.sh.

E2E_SESSION=gt-e2e-$$
# A tmux server of our own: a server started earlier would hand guesttop its
# old environment instead of ours (sanitizer options, TERM).
E2E_SOCKET=gt-e2e-$$
tmux() { command tmux -L "$E2E_SOCKET" "$@"; }

# Start a shell in a WIDTHxHEIGHT session and run guesttop in it; after it exits the
# shell prints a marker with its status and the terminal's line discipline.
e2e_start() {
	local w=$1 h=$2
	shift 2
	tmux kill-session -t "$E2E_SESSION" 2>/dev/null
	tmux new-session -d -s "$E2E_SESSION" -x "$w" -y "$h" \
		"env TERM=xterm-256color PS1='e2e\$ ' bash --norc --noprofile -i" || return 1
	tmux set-option -t "$E2E_SESSION" status off >/dev/null
	sleep 0.3
	local q
	q=$(printf '%q ' "$GUESTTOP" "$@")
	# No core file from a test that kills guesttop with a fatal signal.
	tmux send-keys -t "$E2E_SESSION" "ulimit -c 0; $q; echo \"EXITED rc=\$? \$(stty -a | grep -o -- '-\\?icanon') \$(stty -a | grep -o -- '-\\?echo ' )\"" Enter
}
# guesttop's pid: the shell's child in the pane.
e2e_pid() { pgrep -P "$(tmux display-message -p -t "$E2E_SESSION" '#{pane_pid}')" | head -n 1; }
e2e_keys() { tmux send-keys -t "$E2E_SESSION" "$@"; }
e2e_screen() { tmux capture-pane -t "$E2E_SESSION" -p; }
e2e_screen_attrs() { tmux capture-pane -t "$E2E_SESSION" -p -e; }
e2e_resize() { tmux resize-window -t "$E2E_SESSION" -x "$1" -y "$2"; }
# Wait up to SECONDS for the screen to match an extended regex.
e2e_wait_for() {
	local re=$1 secs=${2:-15} i
	for i in $(seq 1 $((secs * 10))); do
		e2e_screen | grep -Eq -- "$re" && return 0
		sleep 0.1
	done
	return 1
}
# The first table row: the line after the one that starts with "NAME".
e2e_first_row() { e2e_screen | awk 'f { print; exit } /^NAME /{ f = 1 }'; }
e2e_stop() {
	tmux kill-session -t "$E2E_SESSION" 2>/dev/null
	tmux kill-server 2>/dev/null
}
