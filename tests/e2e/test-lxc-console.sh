#!/bin/bash
# LXC from the console: freeze and unfreeze a CPU hog, stop and start it, audited; only LXC when libvirtd is down.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"

LXC="$REPO_DIR/tests/lab/lxc.sh"
HOG=gt-lab-lxe-hog IDLE=gt-lab-lxe-idle
STATE_DIR=$(mktemp -d)
export XDG_STATE_HOME=$STATE_DIR
AUDIT=$STATE_DIR/guesttop/audit.log
cleanup() {
	e2e_stop
	for c in $HOG $IDLE; do bash "$LXC" destroy $c >/dev/null 2>&1; done
	# Whatever happened, leave libvirtd running for the tests after this one.
	pidof libvirtd >/dev/null || lab setup >/dev/null 2>&1
	rm -rf "$STATE_DIR"
}
trap cleanup EXIT
for c in $HOG $IDLE; do bash "$LXC" destroy $c >/dev/null 2>&1; done
for spec in "$HOG hog" "$IDLE idle"; do
	# shellcheck disable=SC2086
	if ! msg=$(bash "$LXC" start $spec 2>&1); then not_ok "start container ${spec% *}" "$msg"; exit 1; fi
done

row() { e2e_screen | grep "^$1 "; }
wait_row() {
	local g=$1 cond=$2 secs=${3:-10} i
	for i in $(seq 1 $((secs * 5))); do
		row "$g" | awk "{ exit !($cond) }" && return 0
		sleep 0.2
	done
	return 1
}

e2e_start 130 40 -d 1 || { not_ok "start tmux" "tmux failed"; exit 1; }
if wait_row $HOG '$2 == "lxc" && $3 == "running" && $5 != "-" && $5 >= 80' 15; then
	ok "the hog container runs at >= 80% CPU ($(row $HOG | awk '{ print $5 }'))"
else
	not_ok "the hog container runs at >= 80% CPU" "$(row $HOG)"
fi
e2e_keys / $HOG Enter
sleep 0.3
e2e_keys p
e2e_wait_for "suspend $HOG\\?" 5 >/dev/null
e2e_keys y
if wait_row $HOG '$3 == "paused" && $5 != "-" && $5 < 5' 8; then
	ok "freeze: the container is paused and its CPU% falls below 5 ($(row $HOG | awk '{ print $5 }'))"
else
	not_ok "freeze: paused, CPU% below 5" "$(row $HOG)"
fi
check "liblxc agrees: FROZEN" bash -c 'lxc-info -n "$1" -sH | grep -qx FROZEN' _ $HOG
e2e_keys u
if wait_row $HOG '$3 == "running" && $5 != "-" && $5 >= 80' 8; then
	ok "unfreeze: back above 80% ($(row $HOG | awk '{ print $5 }'))"
else
	not_ok "unfreeze: back above 80%" "$(row $HOG)"
fi
e2e_keys X
e2e_wait_for "force off $HOG\\?" 5 >/dev/null
e2e_keys y
if wait_row $HOG '$3 == "shutoff"' 15; then ok "stop: the container is shut off"; else not_ok "stop: the container is shut off" "$(row $HOG)"; fi
sleep 1
e2e_keys s
if wait_row $HOG '$3 == "running"' 15; then ok "start: the container runs again"; else not_ok "start: the container runs again" "$(row $HOG)"; fi
e2e_keys q
check "q quits with status 0" e2e_wait_for '^EXITED rc=0' 10
for want in suspend resume "force off" start; do
	check "audit: $want of the container" grep -q "uri=lxc guest=\"$HOG\" .*action=\"$want\" result=ok" "$AUDIT"
done

# No libvirtd, only LXC: the console starts, shows the containers, says libvirt is not available.
e2e_stop
pkill -x libvirtd
for _ in $(seq 1 20); do pidof libvirtd >/dev/null || break; sleep 0.2; done
e2e_start 130 40 -d 1
if e2e_wait_for "^$IDLE +lxc" 15; then ok "without libvirtd the containers are shown"; else
	not_ok "without libvirtd the containers are shown" "$(e2e_screen | head -n 12)"
fi
check "the header says libvirt is not available" e2e_wait_for 'Backends: libvirt qemu:///system not available, lxc' 5
e2e_keys q
check "q quits with status 0 without libvirtd" e2e_wait_for '^EXITED rc=0' 10
out=$("$GUESTTOP" -b -n 1 --format csv 2>&1)
check "batch without libvirtd: the containers are listed" grep -q ",lxc,$IDLE," <<<"$out"
check "batch without libvirtd: one line says libvirt was skipped" grep -q '^guesttop: skipped libvirt:' <<<"$out"
lab setup >/dev/null 2>&1 || not_ok "restart libvirtd" "lab setup failed"
finish
