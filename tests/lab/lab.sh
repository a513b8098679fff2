#!/bin/bash
# lab.sh - start, inspect and remove tiny real KVM guests (boot-sector images) for guesttop's lab tests.
#
# Every guest is a real qemu process with its own vCPU threads and cgroup, but
# runs no OS: its disk is a hand-assembled 512-byte boot sector. See usage().
set -euo pipefail
# bash 5.2: keep "&" in ${var//pat/rep} literal (xml_escape relies on it).
shopt -u patsub_replacement 2>/dev/null || true

PROG=${0##*/}
LAB_URI=${LAB_URI:-qemu:///system}
LAB_DIR=${GUESTTOP_LAB_DIR:-/var/lib/libvirt/images/guesttop-lab}
# Where libvirt's qemu driver keeps NAME.pid (qemu:///system layout).
LAB_RUN_DIR=${LAB_RUN_DIR:-/run/libvirt/qemu}
LAB_PREFIX=gt-lab-
KINDS="busy idle diskread serial"
# NIC model of --net guests. No lab guest has a NIC driver. qemu's rtl8139
# (also ne2k_pci, pcnet) takes and discards frames while its receiver is off,
# so qemu keeps reading the tap: frames sent into it count as the tap's
# tx_packets/tx_bytes. e1000, e1000e and virtio refuse them instead: qemu stops
# reading, the tap's 1000-frame queue fills silently (no counter moves) and
# then every further frame counts as tx_dropped.
LAB_NIC_MODEL=${LAB_NIC_MODEL:-rtl8139}
DISKREAD_MIB=64            # size of the shared diskread disk; the loop reads LBAs 64..65662
START_TIMEOUT=30           # seconds to wait for "running"
SETUP_TIMEOUT=30           # seconds to wait for libvirtd to answer

usage() {
	cat >&2 <<EOF
usage: $PROG COMMAND [ARGS]

  setup                       give the kvm group /dev/kvm, start virtlogd and libvirtd
                              if they are not running, wait until libvirt answers
  images                      build the boot-sector images in the lab dir (idempotent)
  start NAME KIND [--cpuset CPULIST] [--vcpus N] [--persistent] [--net]
                              start guest NAME (transient unless --persistent);
                              returns once libvirt reports it running. --net: one
                              $LAB_NIC_MODEL NIC on an unconnected tap (no bridge, no IP)
  define NAME KIND [--net]    define a persistent guest and leave it shut off
  destroy NAME                destroy and undefine NAME (silent if it does not exist)
  cleanup                     destroy/undefine every domain named ${LAB_PREFIX}*
  pid NAME                    print the qemu pid of running guest NAME
  ifname NAME                 print the host-side tap name(s) of running guest NAME,
                              one per line (guests started with --net)
  contention PREFIX [CPU]     start PREFIX-a and PREFIX-b (busy, vCPU and emulator
                              pinned to host CPU CPU, default 0: about 50% CPU and
                              50% steal each) and PREFIX-idle (idle, unpinned)
  serial-log NAME             print the path of NAME's serial console log file
  wait-settled NAME [SECONDS] sleep until NAME's qemu has run SECONDS (default 6),
                              i.e. SeaBIOS's busy boot phase is over
  demo                        setup + images + ${LAB_PREFIX}busy, ${LAB_PREFIX}idle running,
                              ${LAB_PREFIX}stopped defined but shut off

KIND is one of: $KINDS
  busy      cli; jmp \$ - one vCPU at 100%
  idle      sti; hlt loop - near 0% once SeaBIOS has settled (~3 s after start
            on a quiet host, longer when other guests take the host's CPUs)
  diskread  BIOS int 13h AH=42h reads, 63.5 KiB per 10 ms tick (~6.5 MB/s, ~12% CPU)
            from a shared read-only virtio disk with cache='none' (O_DIRECT)
  serial    prints "guesttop-lab: hello" on COM1, then idles; echoes what it
            receives and prints the line again on CR

environment: LAB_URI (default qemu:///system), GUESTTOP_LAB_DIR
  (default /var/lib/libvirt/images/guesttop-lab), LAB_RUN_DIR (default /run/libvirt/qemu),
  LAB_NIC_MODEL (NIC model of --net guests, default rtl8139)
EOF
	exit 2
}

# ---------------------------------------------------------------- helpers

die() {
	local msg=$*
	msg=${msg//[[:cntrl:]]/?}
	printf '%s: %s\n' "$PROG" "$msg" >&2
	exit 1
}

# A domain name as it is safe to print (names are hostile input).
qname() {
	local q
	printf -v q '%q' "$1"
	printf '%s' "$q"
}

vsh() {
	virsh -q -c "$LAB_URI" "$@"
}

# Squash virsh's error output into one line: "error: a\nerror: b" -> "a: b".
oneline() {
	local line out=""
	while IFS= read -r line; do
		line=${line#error: }
		[[ -n ${line//[[:space:]]/} ]] || continue
		# virsh's own preamble; the caller already says what failed.
		[[ $line != "Failed to "*" domain "* ]] || continue
		out+=${out:+: }$line
	done <<<"$1"
	out=${out//[[:cntrl:]]/?}
	printf '%s' "${out:-unknown error}"
}

is_kind() {
	case $1 in
	busy | idle | diskread | serial) return 0 ;;
	*) return 1 ;;
	esac
}

xml_escape() {
	local s=$1
	s=${s//&/&amp;}
	s=${s//</&lt;}
	s=${s//>/&gt;}
	s=${s//\'/&apos;}
	s=${s//\"/&quot;}
	printf '%s' "$s"
}

# Per-guest directory name: the name reduced to a safe charset plus a hash,
# so that odd names neither escape the lab dir nor collide.
guest_dir() {
	local safe hash
	safe=$(printf '%s' "$1" | LC_ALL=C tr -c 'A-Za-z0-9._-' '_' | cut -c1-40)
	hash=$(printf '%s' "$1" | sha1sum)
	printf '%s/guests/%s-%s' "$LAB_DIR" "$safe" "${hash:0:8}"
}

# Print the UUID of the domain named exactly $1 (nothing if there is none).
# Lookups go through the UUID because virsh would take a name like "3" for
# an id and a UUID-shaped name for a UUID.
uuid_of() {
	local uuid name list
	if ! list=$(vsh list --all --uuid 2>&1); then
		die "cannot list domains on $LAB_URI: $(oneline "$list")"
	fi
	while IFS= read -r uuid; do
		[[ -n $uuid ]] || continue
		name=$(vsh domname --domain "$uuid" 2>/dev/null) || continue
		if [[ $name == "$1" ]]; then
			printf '%s\n' "$uuid"
			return 0
		fi
	done <<<"$list"
	return 0
}

state_of_uuid() {
	vsh domstate --domain "$1" 2>/dev/null || true
}

# ---------------------------------------------------------------- setup

daemon_running() {
	local name=$1 pid
	pidof "$name" >/dev/null 2>&1 && return 0
	if [[ -r /run/$name.pid ]]; then
		read -r pid <"/run/$name.pid" || true
		[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && return 0
	fi
	return 1
}

cmd_setup() {
	local err deadline
	[[ $EUID -eq 0 ]] || die "setup: must run as root"
	# Only touch /dev/kvm when needed: a changed ctime makes libvirt re-probe
	# qemu's capabilities. g+rw rather than 660 so as not to take access away.
	if [[ -e /dev/kvm ]]; then
		getent group kvm >/dev/null || die "setup: /dev/kvm exists but there is no kvm group"
		if [[ $(stat -c %G /dev/kvm) != kvm ]]; then
			chgrp kvm /dev/kvm 2>/dev/null || die "setup: chgrp kvm /dev/kvm failed"
		fi
		if [[ $(stat -c %A /dev/kvm) != ????rw* ]]; then
			chmod g+rw /dev/kvm 2>/dev/null || die "setup: chmod g+rw /dev/kvm failed"
		fi
	fi

	if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
		err=$(systemctl start virtlogd.socket virtlogd.service libvirtd.service 2>&1) ||
			die "setup: systemctl start virtlogd libvirtd failed: $(oneline "$err")"
	else
		if ! daemon_running virtlogd; then
			command -v virtlogd >/dev/null || die "setup: virtlogd not installed (apt-get install libvirt-daemon-system)"
			err=$(virtlogd -d 2>&1) || die "setup: virtlogd -d failed: $(oneline "$err")"
		fi
		if ! daemon_running libvirtd && ! daemon_running virtqemud; then
			command -v libvirtd >/dev/null || die "setup: libvirtd not installed (apt-get install libvirt-daemon-system)"
			# Without a system D-Bus there is no polkit, and libvirt's default
			# auth_unix_ro = "polkit" would refuse every user but root. Polkit's
			# default policy lets any user watch read-only, so say that directly.
			local conf=()
			if [[ ! -S /run/dbus/system_bus_socket ]]; then
				mkdir -p /run/guesttop-lab
				{ cat /etc/libvirt/libvirtd.conf 2>/dev/null; echo 'auth_unix_ro = "none"'; } \
					>/run/guesttop-lab/libvirtd.conf
				conf=(-f /run/guesttop-lab/libvirtd.conf)
			fi
			err=$(libvirtd -d "${conf[@]}" 2>&1) || die "setup: libvirtd -d failed: $(oneline "$err")"
		fi
	fi

	deadline=$((SECONDS + SETUP_TIMEOUT))
	until err=$(timeout 10 virsh -c "$LAB_URI" uri 2>&1 >/dev/null); do
		if ((SECONDS >= deadline)); then
			die "setup: libvirt did not answer on $LAB_URI within ${SETUP_TIMEOUT}s: $(oneline "$err")"
		fi
		sleep 0.5
	done
}

# ---------------------------------------------------------------- images
#
# Each image is 16-bit real-mode code loaded by SeaBIOS at 0000:7C00, written
# byte by byte with printf; the assembly is beside each instruction, with its
# load address. jmp/jcc/call offsets are relative to the next instruction.

# Common prologue: known segments and stack, interrupts on. 14 bytes, 7C00-7C0D.
code_prologue() {
	printf '\xfa'             # 7C00  cli
	printf '\x31\xc0'         # 7C01  xor  ax, ax
	printf '\x8e\xd8'         # 7C03  mov  ds, ax
	printf '\x8e\xc0'         # 7C05  mov  es, ax
	printf '\x8e\xd0'         # 7C07  mov  ss, ax
	printf '\xbc\x00\x7c'     # 7C09  mov  sp, 0x7C00
	printf '\xfb'             # 7C0C  sti
	printf '\xfc'             # 7C0D  cld
}

code_busy() {
	printf '\xfa'             # 7C00  cli
	printf '\xeb\xfe'         # 7C01  jmp  short $          ; 7C03-2 = 7C01: spin forever
}

code_idle() {
	code_prologue             # 7C00-7C0D
	printf '\xf4'             # 7C0E  halt: hlt              ; sleep until the next interrupt
	printf '\xeb\xfd'         # 7C0F  jmp  short halt        ; 7C11-3 = 7C0E
}

code_serial() {
	code_prologue                 # 7C00-7C0D
	printf '\xba\xfb\x03'         # 7C0E  mov  dx, 0x3FB         ; COM1 line control
	printf '\xb0\x03'             # 7C11  mov  al, 0x03          ; 8N1, DLAB=0
	printf '\xee'                 # 7C13  out  dx, al
	printf '\xba\xfa\x03'         # 7C14  mov  dx, 0x3FA         ; COM1 FIFO control
	printf '\xb0\x07'             # 7C17  mov  al, 0x07          ; enable + clear FIFOs
	printf '\xee'                 # 7C19  out  dx, al
	printf '\xbe\x4e\x7c'         # 7C1A  print: mov si, msg     ; msg = 7C4E
	printf '\xac'                 # 7C1D  next: lodsb
	printf '\x84\xc0'             # 7C1E  test al, al
	printf '\x74\x05'             # 7C20  jz   idle              ; 7C22+5 = 7C27
	printf '\xe8\x18\x00'         # 7C22  call putc              ; 7C25+0x18 = 7C3D
	printf '\xeb\xf6'             # 7C25  jmp  short next        ; 7C27-10 = 7C1D
	printf '\xf4'                 # 7C27  idle: hlt              ; woken by the BIOS timer (18.2 Hz)
	printf '\xba\xfd\x03'         # 7C28  mov  dx, 0x3FD         ; line status
	printf '\xec'                 # 7C2B  in   al, dx
	printf '\xa8\x01'             # 7C2C  test al, 0x01          ; data ready?
	printf '\x74\xf7'             # 7C2E  jz   idle              ; 7C30-9 = 7C27
	printf '\xba\xf8\x03'         # 7C30  mov  dx, 0x3F8
	printf '\xec'                 # 7C33  in   al, dx            ; received byte
	printf '\x3c\x0d'             # 7C34  cmp  al, 0x0D
	printf '\x74\xe2'             # 7C36  je   print             ; CR: print the line again; 7C38-30 = 7C1A
	printf '\xe8\x02\x00'         # 7C38  call putc              ; echo; 7C3B+2 = 7C3D
	printf '\xeb\xea'             # 7C3B  jmp  short idle        ; 7C3D-22 = 7C27
	printf '\x88\xc4'             # 7C3D  putc: mov ah, al
	printf '\xba\xfd\x03'         # 7C3F  mov  dx, 0x3FD
	printf '\xec'                 # 7C42  wait: in al, dx
	printf '\xa8\x20'             # 7C43  test al, 0x20          ; transmitter holding register empty?
	printf '\x74\xfb'             # 7C45  jz   wait              ; 7C47-5 = 7C42
	printf '\xba\xf8\x03'         # 7C47  mov  dx, 0x3F8
	printf '\x88\xe0'             # 7C4A  mov  al, ah
	printf '\xee'                 # 7C4C  out  dx, al
	printf '\xc3'                 # 7C4D  ret
	printf 'guesttop-lab: hello\r\n\x00' # 7C4E  msg: db "guesttop-lab: hello", 13, 10, 0
}

code_diskread() {
	code_prologue                     # 7C00-7C0D
	printf '\x88\x16\x3f\x7c'         # 7C0E  mov  [drive], dl       ; boot drive from the BIOS
	printf '\xb0\x34'                 # 7C12  mov  al, 0x34          ; PIT channel 0, lo/hi, mode 2
	printf '\xe6\x43'                 # 7C14  out  0x43, al
	printf '\xb0\x9c'                 # 7C16  mov  al, 0x9C          ; divisor 0x2E9C = 11932: 100 Hz
	printf '\xe6\x40'                 # 7C18  out  0x40, al
	printf '\xb0\x2e'                 # 7C1A  mov  al, 0x2E
	printf '\xe6\x40'                 # 7C1C  out  0x40, al
	printf '\xc7\x06\x42\x7c\x7f\x00' # 7C1E  again: mov word [dap.count], 127 ; the BIOS may rewrite it
	printf '\xb4\x42'                 # 7C24  mov  ah, 0x42          ; extended read
	printf '\x8a\x16\x3f\x7c'         # 7C26  mov  dl, [drive]
	printf '\xbe\x40\x7c'             # 7C2A  mov  si, dap
	printf '\xcd\x13'                 # 7C2D  int  0x13
	printf '\x83\x06\x48\x7c\x7f'     # 7C2F  add  word [dap.lba], 127 ; imm8, sign-extended
	printf '\x73\x06'                 # 7C34  jnc  pause             ; 7C36+6 = 7C3C
	printf '\xc7\x06\x48\x7c\x40\x00' # 7C36  mov  word [dap.lba], 64 ; carried past 65535: restart
	printf '\xf4'                     # 7C3C  pause: hlt             ; one read per 10 ms timer tick
	printf '\xeb\xdf'                 # 7C3D  jmp  short again       ; 7C3F-33 = 7C1E
	printf '\x80'                     # 7C3F  drive: db 0x80
	printf '\x10\x00'                 # 7C40  dap: db 16, 0          ; disk address packet
	printf '\x7f\x00'                 # 7C42  dap.count: dw 127      ; sectors (63.5 KiB, the classic maximum)
	printf '\x00\x00\x00\x10'         # 7C44  dw 0x0000, 0x1000      ; buffer 1000:0000
	printf '\x40\x00\x00\x00'         # 7C48  dap.lba: dq 64
	printf '\x00\x00\x00\x00'         # 7C4C
}

# Write KIND's 512-byte boot sector to file $2.
write_bootsector() {
	local kind=$1 out=$2 size
	"code_$kind" >"$out"
	size=$(stat -c %s "$out")
	((size <= 510)) || die "images: $kind boot sector is $size bytes (> 510)"
	truncate -s 510 "$out"
	printf '\x55\xaa' >>"$out" # boot signature
}

# Is $1 an image of exactly $2 bytes whose blocks are all allocated?
# (A sparse hole is read without any block I/O, so it would not show in
# /proc/PID/io read_bytes.)
full_image() {
	local f=$1 want=$2 size blocks
	[[ -f $f ]] || return 1
	read -r size blocks < <(stat -c '%s %b' "$f")
	[[ $size -eq $want && $((blocks * 512)) -ge $want ]]
}

cmd_images() {
	local kind tmp img new
	mkdir -p "$LAB_DIR/guests" 2>/dev/null || die "images: cannot create $LAB_DIR"
	# qemu runs as an unprivileged user and must be able to reach the images.
	chmod 755 "$LAB_DIR" "$LAB_DIR/guests" 2>/dev/null || true
	tmp=$(mktemp "$LAB_DIR/.boot.XXXXXX")
	for kind in $KINDS; do
		write_bootsector "$kind" "$tmp"
		img=$LAB_DIR/$kind.img
		if [[ $kind == diskread ]]; then
			# A larger, fully allocated disk with the boot sector at LBA 0;
			# shared read-only by every diskread guest.
			if full_image "$img" $((DISKREAD_MIB * 1048576)) &&
				cmp -s -n 512 "$tmp" "$img"; then
				continue
			fi
			new=$(mktemp "$img.XXXXXX")
			dd if=/dev/zero of="$new" bs=1M count="$DISKREAD_MIB" status=none
			dd if="$tmp" of="$new" conv=notrunc status=none
		else
			if cmp -s "$tmp" "$img"; then
				continue
			fi
			new=$(mktemp "$img.XXXXXX")
			cp "$tmp" "$new"
		fi
		# Replace atomically: lab.sh may run several times at once, and
		# running guests keep the old file open.
		chmod 644 "$new"
		mv -f "$new" "$img"
	done
	rm -f "$tmp"
}

# ---------------------------------------------------------------- guests

check_kvm() {
	local name=$1 err
	[[ -c /dev/kvm ]] || die "$(qname "$name"): /dev/kvm does not exist: this host cannot run KVM guests (lab guests never fall back to TCG)"
	if ! err=$(vsh domcapabilities --virttype kvm --arch x86_64 --machine pc 2>&1 >/dev/null); then
		die "$(qname "$name"): KVM is not usable through $LAB_URI (try: $PROG setup): $(oneline "$err")"
	fi
}

# domain_xml NAME KIND DIR VCPUS CPUSET NET   (NET: yes|no)
domain_xml() {
	local name kind=$2 dir vcpus=$4 cpuset=$5 net=$6 vcpu_attr=""
	name=$(xml_escape "$1")
	dir=$(xml_escape "$3")
	[[ -z $cpuset ]] || vcpu_attr=" cpuset='$cpuset'"
	cat <<EOF
<domain type='kvm'>
  <name>$name</name>
  <description>guesttop lab guest, kind $kind</description>
  <memory unit='MiB'>32</memory>
  <currentMemory unit='MiB'>32</currentMemory>
  <vcpu placement='static'$vcpu_attr>$vcpus</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
EOF
	if [[ $kind == diskread ]]; then
		# Shared read-only boot+data disk; cache='none' makes qemu use
		# O_DIRECT, so the guest's reads reach the host block layer.
		cat <<EOF
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='none' io='native'/>
      <source file='$(xml_escape "$LAB_DIR/diskread.img")'/>
      <target dev='vda' bus='virtio'/>
      <readonly/>
      <boot order='1'/>
    </disk>
EOF
	else
		# IDE disks cannot be read-only in qemu: each guest gets its own copy.
		cat <<EOF
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$dir/boot.img'/>
      <target dev='hda' bus='ide'/>
      <boot order='1'/>
    </disk>
EOF
	fi
	cat <<EOF
    <serial type='pty'>
      <log file='$dir/serial.log' append='off'/>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
EOF
	if [[ $net == yes ]]; then
		# One NIC on an unconnected tap that libvirt creates (vnetN): no
		# bridge, no IP. Its option ROM is off (no iPXE in SeaBIOS's boot
		# phase) and the disk stays the only boot device.
		cat <<EOF
    <interface type='ethernet'>
      <model type='$LAB_NIC_MODEL'/>
      <rom enabled='no'/>
    </interface>
EOF
	fi
	cat <<EOF
  </devices>
</domain>
EOF
}

# prepare_guest NAME KIND VCPUS CPUSET NET: write the guest's dir and domain
# XML, print the XML file's path.
prepare_guest() {
	local name=$1 kind=$2 dir
	dir=$(guest_dir "$name")
	rm -rf "$dir"
	mkdir -p "$dir"
	chmod 755 "$dir"
	if [[ $kind != diskread ]]; then
		cp "$LAB_DIR/$kind.img" "$dir/boot.img"
		chmod 644 "$dir/boot.img"
	fi
	printf '%s\n' "$name" >"$dir/name"
	domain_xml "$name" "$kind" "$dir" "$3" "$4" "$5" >"$dir/domain.xml"
	printf '%s/domain.xml' "$dir"
}

wait_running() {
	local name=$1 uuid=$2 state deadline=$((SECONDS + START_TIMEOUT))
	while :; do
		state=$(state_of_uuid "$uuid")
		[[ $state == running ]] && return 0
		if ((SECONDS >= deadline)); then
			die "$(qname "$name"): not running after ${START_TIMEOUT}s (state: ${state:-gone})"
		fi
		sleep 0.2
	done
}

# create_guest NAME KIND VCPUS CPUSET MODE [NET]
#   MODE: transient|persistent|defined; NET: yes|no (default no)
create_guest() {
	local name=$1 kind=$2 vcpus=$3 cpuset=$4 mode=$5 net=${6:-no} xml err uuid
	[[ -n $name ]] || die "empty guest name"
	is_kind "$kind" || die "$(qname "$name"): unknown kind '$kind' (one of: $KINDS)"
	[[ $vcpus =~ ^[1-9][0-9]{0,2}$ ]] || die "$(qname "$name"): bad --vcpus '$vcpus'"
	[[ -z $cpuset || $cpuset =~ ^[0-9,^-]+$ ]] || die "$(qname "$name"): bad --cpuset '$cpuset'"
	[[ $mode == defined ]] || check_kvm "$name"
	cmd_images
	uuid=$(uuid_of "$name")
	[[ -z $uuid ]] || die "$(qname "$name"): a domain of that name already exists (run: $PROG destroy NAME)"
	xml=$(prepare_guest "$name" "$kind" "$vcpus" "$cpuset" "$net")

	case $mode in
	transient)
		if ! err=$(vsh create --file "$xml" 2>&1 >/dev/null); then
			rm -rf "$(guest_dir "$name")"
			die "$(qname "$name"): cannot start: $(oneline "$err")"
		fi
		;;
	persistent | defined)
		if ! err=$(vsh define --file "$xml" 2>&1 >/dev/null); then
			rm -rf "$(guest_dir "$name")"
			die "$(qname "$name"): cannot define: $(oneline "$err")"
		fi
		;;
	esac
	uuid=$(uuid_of "$name")
	[[ -n $uuid ]] || die "$(qname "$name"): libvirt accepted the domain but does not list it"
	if [[ $mode == persistent ]]; then
		if ! err=$(vsh start --domain "$uuid" 2>&1 >/dev/null); then
			vsh undefine --domain "$uuid" >/dev/null 2>&1 || true
			rm -rf "$(guest_dir "$name")"
			die "$(qname "$name"): cannot start: $(oneline "$err")"
		fi
	fi
	[[ $mode == defined ]] || wait_running "$name" "$uuid"
}

cmd_start() {
	local name kind vcpus=1 cpuset="" mode=transient net=no
	(($# >= 2)) || usage
	name=$1 kind=$2
	shift 2
	while (($#)); do
		case $1 in
		--cpuset) (($# >= 2)) || usage; cpuset=$2; shift 2 ;;
		--cpuset=*) cpuset=${1#*=}; shift ;;
		--vcpus) (($# >= 2)) || usage; vcpus=$2; shift 2 ;;
		--vcpus=*) vcpus=${1#*=}; shift ;;
		--persistent) mode=persistent; shift ;;
		--net) net=yes; shift ;;
		*) usage ;;
		esac
	done
	create_guest "$name" "$kind" "$vcpus" "$cpuset" "$mode" "$net"
}

cmd_define() {
	local net=no
	(($# == 2 || $# == 3)) || usage
	if (($# == 3)); then
		[[ $3 == --net ]] || usage
		net=yes
	fi
	create_guest "$1" "$2" 1 "" defined "$net"
}

# Host-side tap name(s) of running guest $1, one per line (virsh domiflist:
# "Interface Type Source Model MAC"; the interface is "-" while shut off).
cmd_ifname() {
	local name uuid list line ifname n=0
	(($# == 1)) || usage
	name=$1
	uuid=$(uuid_of "$name")
	[[ -n $uuid ]] || die "$(qname "$name"): no such domain"
	if ! list=$(vsh domiflist --domain "$uuid" 2>&1); then
		die "$(qname "$name"): cannot list interfaces: $(oneline "$list")"
	fi
	while read -r ifname _; do
		[[ -n $ifname && $ifname != - ]] || continue
		[[ $ifname =~ ^[A-Za-z0-9._-]+$ ]] || die "$(qname "$name"): odd interface name from libvirt"
		printf '%s\n' "$ifname"
		n=$((n + 1))
	done <<<"$list"
	((n > 0)) || die "$(qname "$name"): no tap (not running, or not started with --net)"
}

# Reference contention scenario: PREFIX-a and PREFIX-b spin one vCPU each,
# vCPU and emulator pinned to host CPU $2 (default 0): each gets about 50% CPU
# and shows about 50% steal; PREFIX-idle is an idle, unpinned bystander.
cmd_contention() {
	local prefix cpu=0 online started=() g uuid
	(($# == 1 || $# == 2)) || usage
	prefix=$1
	[[ -n $prefix ]] || die "contention: empty prefix"
	if (($# == 2)); then
		cpu=$2
	fi
	[[ $cpu =~ ^[0-9]{1,4}$ ]] || die "contention: bad CPU '$cpu'"
	cpu=$((10#$cpu))
	online=$(</sys/devices/system/cpu/online)
	cpu_in_list "$cpu" "$online" || die "contention: CPU $cpu is not online (online: $online)"
	for g in a b idle; do
		uuid=$(uuid_of "$prefix-$g")
		[[ -z $uuid ]] || die "$(qname "$prefix-$g"): a domain of that name already exists (run: $PROG destroy NAME)"
	done
	# Each guest in a subshell (create_guest exits on error), so that a
	# failure removes the ones already started.
	for g in a b idle; do
		if [[ $g == idle ]]; then
			(create_guest "$prefix-$g" idle 1 "" transient) || break
		else
			(create_guest "$prefix-$g" busy 1 "$cpu" transient) || break
		fi
		started+=("$prefix-$g")
	done
	if ((${#started[@]} != 3)); then
		for g in "${started[@]}"; do
			cmd_destroy "$g" || true
		done
		die "contention: $(qname "$prefix-$g") did not start; removed the others"
	fi
}

# cpu_in_list CPU LIST: is CPU in a kernel CPU list like "0-3,8,10-11"?
cpu_in_list() {
	local cpu=$1 part lo hi
	local IFS=,
	for part in $2; do
		lo=${part%-*} hi=${part#*-}
		((cpu >= lo && cpu <= hi)) && return 0
	done
	return 1
}

# remove_uuid NAME UUID: destroy if running, undefine if persistent.
remove_uuid() {
	local name=$1 uuid=$2 err info
	if [[ $(state_of_uuid "$uuid") != "shut off" ]]; then
		vsh destroy --domain "$uuid" >/dev/null 2>&1 || true
	fi
	info=$(vsh dominfo --domain "$uuid" 2>/dev/null) || true
	if [[ $info =~ (^|$'\n')Persistent:\ *yes ]]; then
		err=$(vsh undefine --domain "$uuid" 2>&1 >/dev/null) || true
	fi
	if vsh domname --domain "$uuid" >/dev/null 2>&1; then
		die "$(qname "$name"): cannot remove: $(oneline "${err:-still defined}")"
	fi
	rm -rf "$(guest_dir "$name")"
}

cmd_destroy() {
	local uuid
	(($# == 1)) || usage
	uuid=$(uuid_of "$1")
	if [[ -n $uuid ]]; then
		remove_uuid "$1" "$uuid"
	else
		rm -rf "$(guest_dir "$1")"
	fi
}

cmd_cleanup() {
	local uuid name list
	(($# == 0)) || usage
	if ! list=$(vsh list --all --uuid 2>&1); then
		die "cleanup: cannot list domains on $LAB_URI: $(oneline "$list")"
	fi
	while IFS= read -r uuid; do
		[[ -n $uuid ]] || continue
		name=$(vsh domname --domain "$uuid" 2>/dev/null) || continue
		[[ $name == "$LAB_PREFIX"* ]] || continue
		remove_uuid "$name" "$uuid"
	done <<<"$list"
	# Leftovers of guests that vanished without us (e.g. destroyed by hand).
	rm -rf "$LAB_DIR/guests/$LAB_PREFIX"*
}

# The qemu pid of running guest $1. libvirt 9.0 names the pid file after the
# XML-escaped domain name (a name with ' " < > & gets "&apos;" etc.; for other
# names the two are the same), while the status XML NAME.xml keeps the raw
# name: read that pid file, else the pid='...' attribute of the status XML.
# (Trying the raw name first would be ambiguous: "a&amp;b.pid" is a&b's.)
pid_of() {
	local name=$1 file pid="" line
	if [[ $name != */* ]]; then
		file=$LAB_RUN_DIR/$(xml_escape "$name").pid
		if [[ -r $file ]]; then
			read -r pid <"$file" || true
		fi
		if [[ -z $pid && -r $LAB_RUN_DIR/$name.xml ]]; then
			while IFS= read -r line; do
				if [[ $line =~ \<domstatus\ .*\ pid=\'([0-9]+)\' ]]; then
					pid=${BASH_REMATCH[1]}
					break
				fi
			done <"$LAB_RUN_DIR/$name.xml"
		fi
	fi
	[[ -n $pid ]] || die "$(qname "$name"): not running (no pid file in $LAB_RUN_DIR)"
	[[ $pid =~ ^[0-9]+$ && -d /proc/$pid ]] || die "$(qname "$name"): not running (stale pid file)"
	printf '%s\n' "$pid"
}

cmd_pid() {
	(($# == 1)) || usage
	pid_of "$1"
}

cmd_serial_log() {
	(($# == 1)) || usage
	printf '%s/serial.log\n' "$(guest_dir "$1")"
}

cmd_wait_settled() {
	local -a f
	local name pid want stat rest start_ticks hz up_cs start_cs age_cs want_cs
	(($# == 1 || $# == 2)) || usage
	name=$1 want=${2:-6}
	[[ $want =~ ^[0-9]+$ ]] || usage
	pid=$(pid_of "$name")
	stat=$(<"/proc/$pid/stat") || die "$(qname "$name"): qemu pid $pid vanished"
	rest=${stat##*) }             # fields 3.. (comm may contain spaces)
	read -ra f <<<"$rest"
	start_ticks=${f[19]}          # field 22: start time in clock ticks since boot
	hz=$(getconf CLK_TCK)
	read -r up_cs _ </proc/uptime
	up_cs=${up_cs/./}             # seconds with 2 decimals -> centiseconds
	up_cs=$((10#$up_cs))
	start_cs=$((start_ticks * 100 / hz))
	want_cs=$((want * 100))
	age_cs=$((up_cs - start_cs))
	if ((age_cs < want_cs)); then
		sleep "$(((want_cs - age_cs) / 100)).$(printf '%02d' $(((want_cs - age_cs) % 100)))"
	fi
}

cmd_demo() {
	(($# == 0)) || usage
	cmd_setup
	cmd_images
	cmd_destroy "${LAB_PREFIX}busy"
	cmd_destroy "${LAB_PREFIX}idle"
	cmd_destroy "${LAB_PREFIX}stopped"
	create_guest "${LAB_PREFIX}busy" busy 1 "" transient
	create_guest "${LAB_PREFIX}idle" idle 1 "" transient
	create_guest "${LAB_PREFIX}stopped" idle 1 "" defined
}

main() {
	(($# >= 1)) || usage
	local cmd=$1
	shift
	case $cmd in
	setup) (($# == 0)) || usage; cmd_setup ;;
	images) (($# == 0)) || usage; cmd_images ;;
	start) cmd_start "$@" ;;
	define) cmd_define "$@" ;;
	destroy) cmd_destroy "$@" ;;
	cleanup) cmd_cleanup "$@" ;;
	pid) cmd_pid "$@" ;;
	ifname) cmd_ifname "$@" ;;
	contention) cmd_contention "$@" ;;
	serial-log) cmd_serial_log "$@" ;;
	wait-settled) cmd_wait_settled "$@" ;;
	demo) cmd_demo "$@" ;;
	*) usage ;;
	esac
}

main "$@"
