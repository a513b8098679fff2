#!/bin/bash
# The console under bad conditions: an unreachable URI, signals, a tiny terminal; the terminal always survives.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
trap e2e_stop EXIT

uri=qemu+tcp://127.0.0.1:1/system
e2e_start 100 30 -d 1 -c "$uri" || { not_ok "start tmux" "tmux failed"; exit 1; }
if e2e_wait_for "127.0.0.1:1.*Connection refused" 10; then
	ok "unreachable URI: the status line names the URI and libvirt's reason"
else
	not_ok "unreachable URI: the status line names the URI" "$(e2e_screen | tail -n 4)"
fi
screen=$(e2e_screen)
check "unreachable URI: the console keeps running with its header" grep -q 'Mem\[' <<<"$screen"
check "unreachable URI: libvirt printed nothing over the screen" bash -c '! grep -q "^libvirt:\|^error:" <<<"$1"' _ "$screen"
check "unreachable URI: the message fits on one line" [ "$(grep -c 'Connection refused' <<<"$screen")" -eq 1 ]
sleep 6
check "unreachable URI: still running after a retry" e2e_wait_for 'F1Help' 2
e2e_keys q
check "unreachable URI: q quits with status 0" e2e_wait_for '^EXITED rc=0' 10
marker=$(e2e_screen | grep '^EXITED' | tail -n 1)
check "unreachable URI: the terminal is intact ($marker)" grep -q ' icanon .*echo' <<<"$marker"

# SIGTERM and SIGHUP: the terminal is restored before exit.
for sig in TERM INT HUP; do
	e2e_start 100 30 -d 1 -c test:///default
	e2e_wait_for 'F1Help' 10 >/dev/null
	pkill -"$sig" -f -- "-d 1 -c test:///default" 2>/dev/null
	if e2e_wait_for '^EXITED rc=' 10; then
		marker=$(e2e_screen | grep '^EXITED' | tail -n 1)
		check "SIG$sig: the terminal is back in canonical mode with echo ($marker)" grep -q ' icanon .*echo' <<<"$marker"
	else
		not_ok "SIG$sig ends the console" "$(e2e_screen | tail -n 3)"
	fi
	e2e_stop
done

# A very small terminal: no crash, the table and function bar still drawn.
e2e_start 20 5 -d 0.5 -c test:///default
sleep 1.5
screen=$(e2e_screen)
check "20x5: the function bar is drawn" grep -q '^F1Help' <<<"$screen"
e2e_resize 300 100
sleep 0.5
e2e_resize 20 5
sleep 0.5
e2e_keys q
check "20x5 after resizes: q quits with status 0" e2e_wait_for '^EXITED rc=0' 10

finish
