#!/bin/bash
# Acting on real guests from the console: suspend/resume, shutdown with timeout, tags, console, read-only, a lost daemon, the audit file.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"

P=gt-lab-ac
BUSY=$P-busy SER=$P-ser
STATE_DIR=$(mktemp -d)
export XDG_STATE_HOME=$STATE_DIR
AUDIT=$STATE_DIR/guesttop/audit.log
cleanup() {
	e2e_stop
	for g in $BUSY $SER $P-t1 $P-t2 $P-t3 $P-del $P-delv; do lab destroy "$g" >/dev/null 2>&1; done
	rm -rf "$STATE_DIR"
}
trap cleanup EXIT
cleanup
STATE_DIR=$(mktemp -d)
export XDG_STATE_HOME=$STATE_DIR
AUDIT=$STATE_DIR/guesttop/audit.log
lab_start $BUSY busy --persistent || exit 1
lab_start $SER serial || exit 1
for t in t1 t2 t3; do lab_start $P-$t idle --persistent || exit 1; done
# Two stopped guests to delete: one with a plain image, one whose disk is a volume of a storage pool.
DEL=$P-del DELV=$P-delv
lab define $DEL idle >/dev/null 2>&1 || not_ok "define $DEL" "lab define failed"
DEL_IMG=$(virsh -c qemu:///system domblklist $DEL --details | awk '$2 == "disk" { print $4; exit }')
POOL=gt-lab-pool POOL_DIR=/var/lib/libvirt/images/guesttop-lab/pool
if ! virsh -c qemu:///system pool-info $POOL >/dev/null 2>&1; then
	mkdir -p $POOL_DIR
	virsh -c qemu:///system pool-create-as $POOL dir --target $POOL_DIR >/dev/null 2>&1 ||
		not_ok "create the storage pool" "virsh pool-create-as failed"
fi
virsh -c qemu:///system vol-delete $DELV.img --pool $POOL >/dev/null 2>&1
virsh -c qemu:///system vol-create-as $POOL $DELV.img 1M --format raw >/dev/null 2>&1 ||
	not_ok "create a volume" "virsh vol-create-as failed"
DELV_IMG=$POOL_DIR/$DELV.img
cat >"$STATE_DIR/delv.xml" <<XML
<domain type='kvm'><name>$DELV</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$DELV_IMG'/>
<target dev='hda' bus='ide'/></disk></devices></domain>
XML
virsh -c qemu:///system define "$STATE_DIR/delv.xml" >/dev/null 2>&1 || not_ok "define $DELV" "virsh define failed"
lab wait-settled $BUSY 3

row() { e2e_screen | grep "^$1 "; }
# Field N (1-based, whitespace separated) of a guest's row.
field() { row "$1" | awk -v n="$2" '{ print $n }'; }
# Wait up to SECONDS for a guest's row to satisfy an awk condition on its fields ($3 state, $5 CPU%).
wait_row() {
	local g=$1 cond=$2 secs=${3:-10} i
	for i in $(seq 1 $((secs * 5))); do
		row "$g" | awk "{ exit !($cond) }" && return 0
		sleep 0.2
	done
	return 1
}
select_guest() {
	e2e_keys / "$1" Enter
	sleep 0.3
}

e2e_start 130 40 -d 1 --shutdown-timeout 3 || { not_ok "start tmux" "tmux failed"; exit 1; }
e2e_wait_for "^$BUSY " 15 >/dev/null
check "the function bar offers F9 Action" e2e_wait_for 'F9Action' 3

# 1. Suspend the busy guest: paused, CPU% below 5 within two refreshes; resume: above 80 again.
wait_row $BUSY '$3 == "running" && $5 >= 80' 15
select_guest $BUSY
e2e_keys p
check "suspend asks for confirmation" e2e_wait_for "suspend $BUSY\\?" 5
e2e_keys y
if wait_row $BUSY '$3 == "paused"' 5; then ok "suspend: the row shows paused"; else not_ok "suspend: the row shows paused" "$(row $BUSY)"; fi
if wait_row $BUSY '$3 == "paused" && $5 != "-" && $5 < 5' 3; then
	ok "suspend: CPU% below 5 within two refreshes ($(field $BUSY 5))"
else
	not_ok "suspend: CPU% below 5 within two refreshes" "$(row $BUSY)"
fi
e2e_keys u
if wait_row $BUSY '$3 == "running" && $5 != "-" && $5 > 80' 6; then
	ok "resume: CPU% above 80 again ($(field $BUSY 5))"
else
	not_ok "resume: CPU% above 80 again" "$(row $BUSY)"
fi

# 2. Shut down a guest that ignores ACPI: countdown, then force off offered; yes leaves it shut off; start.
e2e_keys d
e2e_wait_for "shut down $BUSY\\?" 5 >/dev/null
e2e_keys y
if wait_row $BUSY '$3 == "stop"' 4; then ok "shutdown: the row counts down ($(row $BUSY | awk '{ print $3, $4 }'))"; else
	not_ok "shutdown: the row counts down" "$(row $BUSY)"
fi
if e2e_wait_for "did not shut down within 3 s" 8; then ok "shutdown: expiry offers force off"; else
	not_ok "shutdown: expiry offers force off" "$(e2e_screen | tail -n 12)"
fi
e2e_keys y
if wait_row $BUSY '$3 == "shutoff"' 10; then ok "force off after the timeout leaves the guest shut off"; else
	not_ok "force off after the timeout leaves the guest shut off" "$(row $BUSY)"
fi
check "libvirt agrees: shut off" bash -c '[ "$(virsh -c qemu:///system domstate "$1" | head -n 1)" = "shut off" ]' _ $BUSY
sleep 1
e2e_keys s
if wait_row $BUSY '$3 == "running"' 10; then ok "start brings it back"; else not_ok "start brings it back" "$(row $BUSY)"; fi

# 3. Tag three guests and force them all off with one confirmation.
e2e_keys Escape
for t in t1 t2 t3; do
	select_guest $P-$t
	e2e_keys Space
	sleep 0.2
done
check "the status line counts 3 tagged" e2e_wait_for '^3 tagged' 3
e2e_keys X
check "one confirmation names the three guests" e2e_wait_for 'force off 3 tagged guests\?' 5
e2e_keys y
all=yes
for t in t1 t2 t3; do
	wait_row $P-$t '$3 == "shutoff"' 15 || all=no
done
check "all three tagged guests are shut off" [ "$all" = yes ]
states=$(for t in t1 t2 t3; do virsh -c qemu:///system domstate $P-$t | head -n 1; done | sort -u)
check "libvirt agrees for all three ($states)" [ "$states" = "shut off" ]
check "confirmed once: no dialog left open" bash -c '! grep -q "\[ Yes \]" <<<"$1"' _ "$(e2e_screen)"
e2e_keys U

# 4. The serial console: the guest's line appears; Ctrl-] returns with the table intact.
select_guest $SER
e2e_keys c
check "console: connected banner" e2e_wait_for "Connected to $SER" 10
sleep 1.5
e2e_keys Enter
if e2e_wait_for '^guesttop-lab: hello' 10; then ok "console: the guest's line appears"; else
	not_ok "console: the guest's line appears" "$(e2e_screen | tail -n 5)"
fi
e2e_keys C-]
check "Ctrl-] returns to the table" e2e_wait_for "^NAME " 5
check "the table is redrawn whole after the console" e2e_wait_for 'F9Action' 3
check "the console line is gone from the screen" bash -c '! grep -q "guesttop-lab: hello" <<<"$1"' _ "$(e2e_screen)"

# Display address: a guest without graphics says so.
select_guest $BUSY
e2e_keys v
check "v tells the display address (none for a lab guest)" e2e_wait_for "$BUSY: display no graphical display" 8

# Delete: the typed name must match; the disk image stays.
e2e_keys Escape
select_guest $DEL
e2e_keys D
check "delete asks for the name to be typed" e2e_wait_for 'Type the name' 5
e2e_keys "not-the-name" Enter
sleep 0.5
check "a wrong name does not delete" bash -c 'virsh -c qemu:///system domstate "$1" >/dev/null 2>&1' _ $DEL
check "the dialog stays open on a wrong name" e2e_wait_for 'Type the name' 2
for _ in $(seq 1 12); do e2e_keys BSpace; done
e2e_keys "$DEL" Enter
for _ in $(seq 1 25); do virsh -c qemu:///system domstate $DEL >/dev/null 2>&1 || break; sleep 0.2; done
check "the right name deletes the guest" bash -c '! virsh -c qemu:///system domstate "$1" >/dev/null 2>&1' _ $DEL
check "delete keeps its disk image ($DEL_IMG)" [ -f "$DEL_IMG" ]

# Delete with its disks, from the action menu: the volume goes too.
select_guest $DELV
e2e_keys F9
check "F9 opens the action menu" e2e_wait_for '^ Action' 5
check "the menu offers only what a shut off guest allows (no suspend)" bash -c '! grep -q "suspend" <<<"$1"' _ "$(e2e_screen)"
e2e_keys Down Down Down Down
sel=$(e2e_screen_attrs | grep -a 'delete with its disks' | head -n 1)
for _ in $(seq 1 6); do
	grep -q $'\e\[30m\e\[46m' <<<"$sel" && break
	e2e_keys Up
	sleep 0.1
	sel=$(e2e_screen_attrs | grep -a 'delete with its disks' | head -n 1)
done
e2e_keys Enter
check "delete with disks warns the volumes go" e2e_wait_for 'disk volumes are deleted too' 5
e2e_keys "$DELV" Enter
for _ in $(seq 1 25); do [ -e "$DELV_IMG" ] || break; sleep 0.2; done
check "delete with disks removes the guest" bash -c '! virsh -c qemu:///system domstate "$1" >/dev/null 2>&1' _ $DELV
check "delete with disks removes its volume" [ ! -e "$DELV_IMG" ]

# 6. Kill libvirtd: the console says the connection is lost and keeps answering keys; restart: guests return.
pkill -x libvirtd
if e2e_wait_for 'connection lost' 15; then ok "libvirtd killed: the console says the connection is lost"; else
	not_ok "libvirtd killed: the console says the connection is lost" "$(e2e_screen | tail -n 3)"
fi
e2e_keys h
check "keys still work while libvirtd is down" e2e_wait_for '^Keys' 5
e2e_keys Escape
lab setup >/dev/null 2>&1 || not_ok "restart libvirtd" "lab setup failed"
if e2e_wait_for "^$BUSY " 20; then ok "libvirtd back: the guests reappear without restarting guesttop"; else
	not_ok "libvirtd back: the guests reappear" "$(e2e_screen | tail -n 5)"
fi
e2e_keys q
check "q quits with status 0" e2e_wait_for '^EXITED rc=0' 10

# 5. Read-only: no action key does anything but say so.
e2e_stop
e2e_start 130 40 -d 1 --readonly
e2e_wait_for "^$BUSY " 15 >/dev/null
check "read-only: the function bar offers no action" bash -c '! grep -q "F9Action" <<<"$1"' _ "$(e2e_screen)"
select_guest $BUSY
for k in p X d r s u w a D c v k F9; do
	e2e_keys "$k"
	sleep 0.3
	if e2e_screen | grep -q 'read-only'; then ok "read-only: '$k' only says read-only"; else
		not_ok "read-only: '$k' only says read-only" "$(e2e_screen | tail -n 2)"
	fi
	check "read-only: '$k' opened no dialog or menu" bash -c '! grep -q "\[ Yes \]\|^ Action" <<<"$1"' _ "$(e2e_screen)"
done
check "read-only: the busy guest still runs" bash -c '[ "$(virsh -c qemu:///system domstate "$1" | head -n 1)" = running ]' _ $BUSY
e2e_keys q
check "read-only: q quits with status 0" e2e_wait_for '^EXITED rc=0' 10

# A user who may not manage guests: the console watches read-only and says so, with no crash.
e2e_stop
if command -v setpriv >/dev/null; then
	wrapper=$STATE_DIR/as-nobody
	printf '#!/bin/sh\nexec setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp XDG_STATE_HOME=/tmp/gt-nobody-state "%s" "$@"\n' "$GUESTTOP" >"$wrapper"
	chmod 755 "$wrapper"
	saved=$GUESTTOP
	GUESTTOP=$wrapper
	e2e_start 130 40 -d 1
	GUESTTOP=$saved
	if e2e_wait_for "^$BUSY " 15; then ok "not root: the guests are listed"; else
		not_ok "not root: the guests are listed" "$(e2e_screen | tail -n 4)"
	fi
	select_guest $BUSY
	e2e_keys p
	sleep 0.5
	e2e_keys y
	if e2e_wait_for 'read-only|read only' 8; then ok "not root: an action is refused with a clear message"; else
		not_ok "not root: an action is refused with a clear message" "$(e2e_screen | tail -n 3)"
	fi
	check "not root: the guest was not suspended" bash -c '[ "$(virsh -c qemu:///system domstate "$1" | head -n 1)" = running ]' _ $BUSY
	e2e_keys q
	check "not root: q quits with status 0" e2e_wait_for '^EXITED rc=0' 10
else
	not_ok "not root" "setpriv (util-linux) is missing"
fi

# 7. The audit file has every action with its result.
check "the audit file exists and is private" [ "$(stat -c %a "$AUDIT" 2>/dev/null)" = 600 ]
for want in "$BUSY.*action=\"suspend\" result=ok" "$BUSY.*action=\"resume\" result=ok" \
	"$BUSY.*action=\"shutdown\" result=ok" "$BUSY.*action=\"force off\" result=ok" \
	"$BUSY.*action=\"start\" result=ok" "$P-t1.*action=\"force off\" result=ok" \
	"$P-t2.*action=\"force off\" result=ok" "$P-t3.*action=\"force off\" result=ok" \
	"$SER.*action=\"console\" result=ok" "$DEL.*action=\"delete\" result=ok" \
	"$DELV.*action=\"delete with disks\" result=ok detail=\"1 disk volume deleted\""; do
	check "audit: $want" grep -q "user=[a-z_]* uid=[0-9]* uri=qemu:///system guest=\"$want" "$AUDIT"
done
check "audit: every record has a time" bash -c '! grep -vq "^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T" "$1"' _ "$AUDIT"
finish
