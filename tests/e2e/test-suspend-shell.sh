#!/bin/bash
# Ctrl-Z (SIGTSTP) gives the shell a usable terminal back; fg (SIGCONT) brings the console back, redrawn.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
trap e2e_stop EXIT

e2e_start 120 30 -d 1 -c test:///default || { not_ok "start tmux" "tmux failed"; exit 1; }
e2e_wait_for 'F1Help' 10 >/dev/null
e2e_keys C-z
if e2e_wait_for 'Stopped' 5; then
	ok "Ctrl-Z stops the console and the shell says so"
else
	not_ok "Ctrl-Z stops the console" "$(e2e_screen | tail -n 3)"
fi
# The shell's terminal is sane: canonical mode and echo.
e2e_keys "echo MODE \$(stty -a | grep -o -- '-\\?icanon') \$(stty -a | grep -o -- '-\\?echo ')" Enter
if e2e_wait_for '^MODE icanon echo' 5; then
	ok "while stopped, the terminal is in canonical mode with echo"
else
	not_ok "while stopped, the terminal is usable" "$(e2e_screen | grep MODE | tail -n 1)"
fi
e2e_keys clear Enter
sleep 0.3
e2e_keys fg Enter
check "fg brings the console back, redrawn" e2e_wait_for 'F1Help' 5
check "and it refreshes again" e2e_wait_for '^test +test +running' 5
e2e_keys q
sleep 1
# The job was resumed with fg, so the shell's marker after the command line has already run; ask the
# terminal directly once the console is gone.
e2e_keys "echo AFTER \$? \$(stty -a | grep -o -- '-\\?icanon') \$(stty -a | grep -o -- '-\\?echo ')" Enter
check "q quits with status 0 and the terminal is intact" e2e_wait_for '^AFTER 0 icanon echo' 10
finish
