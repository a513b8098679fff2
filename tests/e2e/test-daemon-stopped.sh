#!/bin/bash
# libvirtd frozen with SIGSTOP for 10 s: the console keeps redrawing and a key moves the selection
# within 100 ms, because nothing in the UI loop waits on libvirt; after SIGCONT the listing resumes.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
A="gt-lab-stop-a"
B="gt-lab-stop-b"
pid=
trap '[ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null; e2e_stop; lab destroy $A >/dev/null 2>&1; lab destroy $B >/dev/null 2>&1' EXIT
lab_start $A idle || exit 1
lab_start $B idle || exit 1
pid=$(pgrep -xo libvirtd || pgrep -xo virtqemud)
if [ -z "$pid" ]; then
	not_ok "find the libvirt daemon" "no libvirtd or virtqemud process"
	exit 1
fi

# Mono: the selected row is in reverse video, easy to find in the captured attributes.
e2e_start 140 30 -d 0.5 -c qemu:///system --backends libvirt --color mono -s name || { not_ok "start tmux" "tmux failed"; exit 1; }
e2e_wait_for "^$A " 15 >/dev/null
e2e_wait_for "^$B " 5 >/dev/null
# The selected row: in mono it is in reverse video. tmux's capture writes an attribute change only
# where it changes, so the second row starts in reverse exactly when it is the one selected.
selected() {
	local rows
	rows=$(e2e_screen_attrs | grep -a 'gt-lab-stop-[ab]')
	[ "$(grep -ac gt-lab-stop <<<"$rows")" -eq 2 ] || return 0
	local second
	second=$(sed -n 2p <<<"$rows")
	if grep -aq $'^\e\\[[0-9;]*7m\\|^\e\\[0m\e\\[7m' <<<"$second" || grep -aEq $'^(\e\\[[0-9;]*m)*\e\\[[0-9;]*7m' <<<"$second"; then
		grep -ao 'gt-lab-stop-[ab]' <<<"$second"
	else
		grep -ao 'gt-lab-stop-[ab]' <<<"$rows" | head -n 1
	fi
}
e2e_keys Home
sleep 0.5
first=$(selected)
check "a guest is selected before the freeze ($first)" [ -n "$first" ]

kill -STOP "$pid"
sleep 2	# a listing is now stuck inside the frozen daemon
slow=0
for i in 1 2 3 4 5; do
	before=$(selected)
	t0=$(date +%s%N)
	# Sorted by name: a is first, b second; Down from a, Up from b always moves.
	if [ "$before" = "$A" ]; then e2e_keys Down; else e2e_keys Up; fi
	moved=
	for _ in $(seq 1 50); do
		now=$(selected)
		if [ -n "$now" ] && [ "$now" != "$before" ]; then
			moved=$(( ($(date +%s%N) - t0) / 1000000 ))
			break
		fi
		sleep 0.01
	done
	if [ -z "$moved" ] || [ "$moved" -gt 100 ]; then
		slow=$((slow + 1))
		echo "# key $i: ${moved:-no move} ms"
	fi
	sleep 0.5
done
check "with libvirtd frozen, every key moved the selection within 100 ms" [ "$slow" -eq 0 ]
clock1=$(e2e_screen | head -n 3 | md5sum)
sleep 1.5
check "the screen keeps redrawing while libvirtd is frozen (the meters move)" bash -c '[ "$1" != "$(tmux -L "$2" capture-pane -t "$3" -p | head -n 3 | md5sum)" ]' _ "$clock1" "$E2E_SOCKET" "$E2E_SESSION"
sleep 6
kill -CONT "$pid"
pid_cont=$pid
pid=
check "after SIGCONT the guests are still listed" e2e_wait_for "^$A " 15
e2e_keys q
check "q quits with status 0" e2e_wait_for '^EXITED rc=0' 10
check "libvirtd runs on after SIGCONT" kill -0 "$pid_cont"
finish
