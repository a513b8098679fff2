#!/bin/bash
# The new-guest form in a real terminal: install from a tiny bootable ISO, see its serial line; errors beside fields; an LXC container.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"

P=gt-lab-nf
POOL=gt-lab-pool POOL_DIR=/var/lib/libvirt/images/guesttop-lab/pool
IMAGES=$(mktemp -d)
ISO=$IMAGES/$P.iso
V="virsh -c qemu:///system"
LXC="$REPO_DIR/tests/lab/lxc.sh"
export XDG_STATE_HOME=$IMAGES/state
cleanup() {
	e2e_stop
	$V destroy $P-vm >/dev/null 2>&1
	$V undefine $P-vm >/dev/null 2>&1
	$V vol-delete $P-vm.qcow2 --pool $POOL >/dev/null 2>&1
	$V vol-delete $P-x.qcow2 --pool $POOL >/dev/null 2>&1
	bash "$LXC" destroy $P-ct >/dev/null 2>&1
	rm -rf "$IMAGES"
}
trap cleanup EXIT
lab images >/dev/null 2>&1 || { not_ok "lab images" "lab.sh images failed"; exit 1; }
if ! $V pool-info $POOL >/dev/null 2>&1; then
	mkdir -p $POOL_DIR
	$V pool-create-as $POOL dir --target $POOL_DIR >/dev/null 2>&1 || { not_ok "storage pool" "pool-create-as failed"; exit 1; }
fi
chmod 755 "$IMAGES"
mkdir -p "$IMAGES/iso"
cp /var/lib/libvirt/images/guesttop-lab/serial.img "$IMAGES/iso/boot.img"
truncate -s 2048 "$IMAGES/iso/boot.img"
xorriso -as mkisofs -quiet -R -b boot.img -no-emul-boot -boot-load-size 4 -o "$ISO" "$IMAGES/iso" 2>/dev/null ||
	{ not_ok "build the ISO" "xorriso failed"; exit 1; }
rm -rf "$IMAGES/iso"

# Fill the form: the name, then (Down) source, ISO, vCPUs, memory, disk, pool.
fill() {
	local name=$1 mem=$2 disk=$3
	e2e_keys "$name" Down Down Down Down
	for _ in 1 2 3 4 5 6; do e2e_keys BSpace; done
	e2e_keys "$mem" Down
	for _ in 1 2 3 4 5 6; do e2e_keys BSpace; done
	e2e_keys "$disk" Down
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do e2e_keys BSpace; done
	e2e_keys $POOL
	sleep 0.3
}

e2e_start 130 40 -d 1 --image-dirs "$IMAGES" || { not_ok "start tmux" "tmux failed"; exit 1; }
e2e_wait_for 'F7New' 10 >/dev/null
e2e_keys n
check "n opens the new-guest form" e2e_wait_for '^New guest' 5
check "the form lists the ISO with size and date" e2e_wait_for "ISO: < $P.iso +[0-9.]+K +20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] >" 3
fill $P-vm 32M 16M
e2e_keys Enter
if e2e_wait_for "$P-vm is running" 20; then ok "the form installs the guest and offers its console"; else
	not_ok "the form installs the guest and offers its console" "$(e2e_screen | tail -n 8)"
fi
xml=$($V dumpxml $P-vm 2>/dev/null)
check "defined with the ISO as a CD-ROM" grep -q "device='cdrom'" <<<"$xml"
check "defined with a new disk in the pool" grep -q "$POOL_DIR/$P-vm.qcow2" <<<"$xml"
e2e_keys y
check "the serial console attaches" e2e_wait_for "Connected to $P-vm" 10
sleep 1.5
e2e_keys Enter
if e2e_wait_for '^guesttop-lab: hello' 10; then ok "the installed guest's serial console shows the ISO's line"; else
	not_ok "the installed guest's serial console shows the ISO's line" "$(e2e_screen | tail -n 4)"
fi
e2e_keys C-]
check "Ctrl-] returns to the table" e2e_wait_for '^NAME ' 5

# Errors beside their fields, nothing created.
vols=$($V vol-list $POOL | grep -c "$P-")
e2e_keys n
e2e_wait_for '^New guest' 5 >/dev/null
fill $P-vm 100000G 1000T
e2e_keys Enter
check "a duplicate name: the error stands beside Name" e2e_wait_for "Name: $P-vm +a guest named $P-vm exists already" 10
check "too much memory: the error stands beside Memory" e2e_wait_for "Memory: 100000G +more than the host's" 3
check "a disk larger than the pool: the error stands beside Disk" e2e_wait_for "Disk: 1000T +more than the .* free in pool" 3
check "the form stays open after errors" e2e_wait_for '^New guest' 2
check "no volume was created" [ "$($V vol-list $POOL | grep -c "$P-")" -eq "$vols" ]
e2e_keys Escape
check "Esc leaves the form" e2e_wait_for '^NAME ' 5

# An LXC container from the busybox template: it appears in the table and starts.
e2e_keys n
e2e_wait_for '^New guest' 5 >/dev/null
e2e_keys Up Right Down "$P-ct" Enter
if e2e_wait_for "^$P-ct +lxc +running" 30; then ok "an LXC container from the busybox template appears, running"; else
	not_ok "an LXC container from the busybox template appears, running" "$(e2e_screen | grep -E "$P|New|busybox|lxc" | head -n 5)"
fi
e2e_keys Escape
e2e_keys q
check "q quits with status 0" e2e_wait_for '^EXITED rc=0' 10
check "the creations are in the audit file" [ "$(grep -c 'action="create" result=ok' "$XDG_STATE_HOME/guesttop/audit.log")" -eq 2 ]
finish
