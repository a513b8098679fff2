#!/bin/bash
# New guests without the form (--new-guest): from a tiny bootable ISO, from a template volume, an LXC container; errors create nothing.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

P=gt-lab-ng
POOL=gt-lab-pool POOL_DIR=/var/lib/libvirt/images/guesttop-lab/pool
WORK=$(mktemp -d)
ISO=/var/lib/libvirt/images/guesttop-lab/$P.iso
export XDG_STATE_HOME=$WORK/state
LXC="$REPO_DIR/tests/lab/lxc.sh"
V="virsh -c qemu:///system"
cleanup() {
	for g in $P-iso $P-tpl $P-dup $P-f; do
		$V destroy $g >/dev/null 2>&1
		$V undefine $g >/dev/null 2>&1
		$V vol-delete $g.qcow2 --pool $POOL >/dev/null 2>&1
	done
	$V vol-delete $P-template.img --pool $POOL >/dev/null 2>&1
	bash "$LXC" destroy $P-ct >/dev/null 2>&1
	rm -rf "$WORK" "$ISO"
}
trap cleanup EXIT
cleanup
mkdir -p "$WORK"
lab images >/dev/null 2>&1 || { not_ok "lab images" "lab.sh images failed"; exit 1; }
if ! $V pool-info $POOL >/dev/null 2>&1; then
	mkdir -p $POOL_DIR
	$V pool-create-as $POOL dir --target $POOL_DIR >/dev/null 2>&1 || { not_ok "storage pool" "pool-create-as failed"; exit 1; }
fi
count_vols() { $V vol-list $POOL 2>/dev/null | grep -c "$P-"; }
# Read what the guest's serial port says: it prints its line again on CR.
serial_says() {
	local g=$1 pty out
	pty=$($V ttyconsole "$g" 2>/dev/null) || return 1
	exec 3<>"$pty"
	stty -F "$pty" raw -echo 2>/dev/null
	sleep 1
	printf '\r' >&3
	out=$(timeout 3 cat <&3 2>/dev/null | tr -d '\r' | head -c 400)
	exec 3>&-
	grep -q 'guesttop-lab: hello' <<<"$out"
}

# 1. A tiny bootable ISO (El Torito, no emulation) whose boot sector writes a known line to the serial port.
mkdir -p "$WORK/iso"
cp /var/lib/libvirt/images/guesttop-lab/serial.img "$WORK/iso/boot.img"
truncate -s 2048 "$WORK/iso/boot.img"
if ! xorriso -as mkisofs -quiet -R -b boot.img -no-emul-boot -boot-load-size 4 -o "$ISO" "$WORK/iso" 2>"$WORK/xorriso.err"; then
	not_ok "build the ISO" "$(tail -n 1 "$WORK/xorriso.err")"
	exit 1
fi
ok "built a bootable ISO ($(stat -c %s "$ISO") bytes)"
out=$("$GUESTTOP" --new-guest name=$P-iso iso="$ISO" pool=$POOL disk=16M memory=32M 2>&1)
rc=$?
check "--new-guest from the ISO exits 0 ($out)" [ "$rc" -eq 0 ]
xml=$($V dumpxml $P-iso 2>/dev/null)
check "the guest has the ISO as a CD-ROM" grep -q "device='cdrom'" <<<"$xml"
check "the guest has a new disk in the pool" grep -q "$POOL_DIR/$P-iso.qcow2" <<<"$xml"
check "the CD-ROM boots first" grep -Eq "<boot order='1'/>" <<<"$(grep -A6 "device='cdrom'" <<<"$xml")"
check "the guest runs" bash -c '[ "$($1 domstate "$2" | head -n 1)" = running ]' _ "$V" $P-iso
if serial_says $P-iso; then ok "its serial console shows the ISO's line"; else not_ok "its serial console shows the ISO's line" "no 'guesttop-lab: hello' on the pty"; fi

# 4. Errors beside their fields; nothing created.
before=$(count_vols)
out=$("$GUESTTOP" --new-guest name=$P-iso iso="$ISO" pool=$POOL disk=16M memory=32M 2>&1)
check "a duplicate name is refused beside the name field" grep -q "^guesttop: name: a guest named $P-iso exists already" <<<"$out"
out=$("$GUESTTOP" --new-guest name=$P-dup iso="$ISO" pool=$POOL disk=16M memory=100000G 2>&1)
check "memory above the host's is refused beside the memory field" grep -q "^guesttop: memory: more than the host's" <<<"$out"
out=$("$GUESTTOP" --new-guest name=$P-dup iso="$ISO" pool=$POOL disk=1000T 2>&1)
check "a disk larger than the pool is refused beside the disk field" grep -q "^guesttop: disk: more than the .* free in pool $POOL" <<<"$out"
check "none of those created a volume" [ "$(count_vols)" -eq "$before" ]
check "none of those defined a guest" bash -c '! $1 domstate "$2" >/dev/null 2>&1' _ "$V" $P-dup
out=$(GUESTTOP_INJECT_FAULT=after-volume "$GUESTTOP" --new-guest name=$P-f iso="$ISO" pool=$POOL disk=16M memory=32M 2>&1)
rc=$?
check "a failure after the volume is created exits 1 ($out)" [ "$rc" -eq 1 ]
check "the failure leaves no volume behind" bash -c '! $1 vol-info "$2.qcow2" --pool "$3" >/dev/null 2>&1' _ "$V" $P-f $POOL
check "the failure leaves no definition behind" bash -c '! $1 domstate "$2" >/dev/null 2>&1' _ "$V" $P-f

# 2. From a template volume: a qcow2 overlay boots, the template stays as it was.
$V vol-create-as $POOL $P-template.img 1M --format raw >/dev/null 2>&1
$V vol-upload $P-template.img /var/lib/libvirt/images/guesttop-lab/serial.img --pool $POOL >/dev/null 2>&1 ||
	not_ok "upload the template" "vol-upload failed"
sum0=$(sha256sum "$POOL_DIR/$P-template.img" | cut -d' ' -f1)
out=$("$GUESTTOP" --new-guest name=$P-tpl template=$POOL/$P-template.img pool=$POOL memory=32M 2>&1)
rc=$?
check "--new-guest from a template exits 0 ($out)" [ "$rc" -eq 0 ]
check "the cloned guest runs" bash -c '[ "$($1 domstate "$2" | head -n 1)" = running ]' _ "$V" $P-tpl
if serial_says $P-tpl; then ok "the cloned guest boots the template's boot sector"; else not_ok "the cloned guest boots the template's boot sector" "no line on its serial port"; fi
check "its disk is a new volume backed by the template" bash -c 'qemu-img info -U "$1" 2>/dev/null | grep -q "backing file: $2"' _ "$POOL_DIR/$P-tpl.qcow2" "$POOL_DIR/$P-template.img"
sleep 1
sum1=$(sha256sum "$POOL_DIR/$P-template.img" | cut -d' ' -f1)
check "the template volume is unchanged" [ "$sum0" = "$sum1" ]

# 3. An LXC container from the busybox template appears in the table and runs.
out=$("$GUESTTOP" --new-guest backend=lxc name=$P-ct template=busybox 2>&1)
rc=$?
check "--new-guest backend=lxc template=busybox exits 0 ($out)" [ "$rc" -eq 0 ]
table=$("$GUESTTOP" -b -n 1 --format csv 2>/dev/null)
check "the new container appears in the table, running" grep -q ",lxc,$P-ct,[^,]*,running," <<<"$table"

check "every creation is in the audit file" [ "$(grep -c 'action="create" result=ok' "$XDG_STATE_HOME/guesttop/audit.log")" -eq 3 ]
finish
