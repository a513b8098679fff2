#!/bin/bash
# The diagnosis screens in a real terminal: sparklines, the detail screen, who hurts whom, the host view.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"

PAIR=gt-lab-ed-pair
cleanup() {
	e2e_stop
	for g in $PAIR-a $PAIR-b $PAIR-idle; do lab destroy "$g" >/dev/null 2>&1; done
}
trap cleanup EXIT
cleanup
if ! msg=$(lab contention $PAIR 0 2>&1); then
	not_ok "start the contention pair" "$msg"
	exit 1
fi
lab wait-settled $PAIR-a 3
lab_wait_quiet $PAIR-idle || not_ok "bystander settles" "still busy after 30 s"

e2e_start 120 40 -d 1 || { not_ok "start tmux" "tmux failed"; exit 1; }
e2e_wait_for "^$PAIR-a " 15 >/dev/null
sleep 4
screen=$(e2e_screen)
check "the table has a HISTORY column" grep -Eq '^NAME .* HISTORY' <<<"$screen"
# Every running guest's row ends in a sparkline: block characters after its ROLE.
for g in $PAIR-a $PAIR-b $PAIR-idle; do
	row=$(grep "^$g " <<<"$screen")
	if grep -q '[▁▂▃▄▅▆▇█]' <<<"$row"; then ok "sparkline shown for $g"; else not_ok "sparkline shown for $g" "row: $row"; fi
done
arow=$(grep "^$PAIR-a " <<<"$screen")
check "the pair member is marked a victim in ROLE" grep -q 'V:steal\|V+C' <<<"$arow"
check "the header counts victims" grep -Eq 'Guests: .*[1-9][0-9]* victims' <<<"$screen"

# The detail screen of one member names the other as the guest that ran on its CPU.
e2e_keys / "$PAIR-a" Enter
sleep 0.3
e2e_keys Enter
if e2e_wait_for "^$PAIR-a +\(kvm, running\)" 5; then ok "Enter opens the detail screen"; else
	not_ok "Enter opens the detail screen" "$(e2e_screen | head -n 5)"
fi
sleep 2.2
detail=$(e2e_screen)
hurt=$(awk '/^Who ran on its CPUs/ { f = 1; next } f && /^$/ { exit } f' <<<"$detail")
check "detail: who ran on its CPUs names the other member first" grep -q "^ *$PAIR-b " <<<"$(head -n 1 <<<"$hurt")"
check "detail: the bystander did not run on its CPU" bash -c '! grep -q "$1" <<<"$2"' _ "$PAIR-idle" "$hurt"
check "detail: the verdict says VICTIM with the steal figure" grep -Eq 'VICTIM: its vCPUs waited for a host CPU [0-9.]+%' <<<"$detail"
vline=$(grep -E '^ +CPU 0/KVM ' <<<"$detail")
check "detail: the vCPU thread is listed by name" [ -n "$vline" ]
check "detail: the vCPU thread has CPU% and STEAL% figures and runs on pCPU 0 ($vline)" \
	grep -Eq 'CPU 0/KVM +[0-9]+ +[0-9.]+ +[0-9.]+ +0 ' <<<"$vline"
check "detail: the thread table has its header" grep -Eq 'THREAD +TID +CPU% +STEAL% +pCPU' <<<"$detail"
check "detail: the disk table is there" grep -Eq 'DISK +RD/s +WR/s +R-IOPS' <<<"$detail"
e2e_keys Escape
check "Esc returns to the table" e2e_wait_for '^NAME ' 5

# The host view lists each physical CPU, and the pair's vCPUs on CPU 0.
e2e_keys F5
e2e_wait_for '^Host CPUs' 5 >/dev/null
sleep 1.2
host=$(e2e_screen)
ncpu=$(nproc)
for ((cpu = 0; cpu < ncpu; cpu++)); do
	check "host view lists CPU $cpu" grep -Eq "^ +$cpu +\[" <<<"$host"
done
cpu0=$(grep -E '^ +0 +\[' <<<"$host")
check "host view: both members' vCPUs ran on CPU 0" grep -q "$PAIR-a/vcpu0" <<<"$cpu0" && grep -q "$PAIR-b/vcpu0" <<<"$cpu0"
e2e_keys q
check "q returns from the host view" e2e_wait_for '^NAME ' 5

# C hides a column (NAME, HOST, then BACKEND in its list); F4 filters to victims and culprits.
e2e_keys C
e2e_wait_for 'Columns' 5 >/dev/null
e2e_keys Down Down Enter Escape
sleep 0.5
check "C: BACKEND unticked is gone from the header" bash -c '! grep -q "^NAME .*BACKEND" <<<"$1"' _ "$(e2e_screen)"
e2e_keys F4
e2e_wait_for 'victims and culprits only' 5 >/dev/null
e2e_keys Down Down Enter
sleep 1.2
screen=$(e2e_screen)
check "F4: victims only hides the idle bystander" bash -c '! grep -q "^$1 " <<<"$2"' _ "$PAIR-idle" "$screen"
check "F4: victims only keeps the pair" grep -q "^$PAIR-a " <<<"$screen"
e2e_keys q
check "q quits with status 0" e2e_wait_for '^EXITED rc=0' 10
finish
