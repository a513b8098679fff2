#!/bin/bash
# test-lab.sh - self-check of lab.sh: starts one real KVM guest of each kind and checks it from /proc.
#
# Prints "ok - ..." / "not ok - ..." lines; exits 1 if any check failed.
# Needs root, /dev/kvm and libvirt (lab.sh setup starts the daemons).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$HERE/lab.sh
export LAB_URI=${LAB_URI:-qemu:///system}
KINDS=(busy idle diskread serial)
PREFIX=gt-lab-t-
SETTLE=${SETTLE:-6}        # seconds after qemu start before measuring (SeaBIOS)
WINDOW=2                   # measuring window, seconds
TRIES=${TRIES:-10}         # windows to wait for a settling guest
MIN_READ_RATE=3000000      # diskread: bytes/s (the guest reads ~6.5 MB/s)

failures=0
ok() { printf 'ok - %s\n' "$*"; }
not_ok() {
	printf 'not ok - %s\n' "$*"
	failures=$((failures + 1))
}
check() { # check DESCRIPTION COMMAND...
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

cleanup() {
	local kind
	for kind in "${KINDS[@]}" stopped; do
		"$LAB" destroy "$PREFIX$kind" || true
	done
}
trap cleanup EXIT

cpu_ticks() { # utime + stime of the whole process (all threads)
	local s
	local -a f
	s=$(<"/proc/$1/stat")
	read -ra f <<<"${s##*) }" # fields from 3 on; comm may contain spaces
	printf '%s\n' $((f[11] + f[12]))
}

run_delay() { # ns the vCPU threads waited for a host CPU (schedstat field 2)
	local task comm sum=0 delay
	for task in /proc/"$1"/task/*; do
		comm=$(<"$task/comm") || continue
		[[ $comm == "CPU "*"/KVM" ]] || continue
		read -r _ delay _ <"$task/schedstat" || continue
		sum=$((sum + delay))
	done
	printf '%s\n' "$sum"
}

read_bytes() {
	local key value
	while read -r key value; do
		if [[ $key == read_bytes: ]]; then
			printf '%s\n' "$value"
			return 0
		fi
	done <"/proc/$1/io"
	return 1
}

# ------------------------------------------------------------------ setup
if "$LAB" setup; then
	ok "lab.sh setup"
else
	not_ok "lab.sh setup"
	exit 1
fi
cleanup 2>/dev/null

declare -A pid
for kind in "${KINDS[@]}"; do
	name=$PREFIX$kind
	if "$LAB" start "$name" "$kind" && pid[$kind]=$("$LAB" pid "$name"); then
		ok "start $name ($kind), qemu pid ${pid[$kind]}"
	else
		not_ok "start $name ($kind)"
	fi
done
if ((${#pid[@]} != ${#KINDS[@]})); then
	exit 1
fi

check "pid of ${PREFIX}busy is its qemu process" \
	grep -q "guest=${PREFIX}busy" "/proc/${pid[busy]}/cmdline"

# ----------------------------------------------------------- measurements
# SeaBIOS's boot phase is CPU work: on a quiet host it is over ~3 s after
# start, on a host whose CPUs are taken by other guests it lasts longer. So
# after wait-settled, measure WINDOW-second windows until every guest meets
# its figure or TRIES windows have passed.
for kind in "${KINDS[@]}"; do
	"$LAB" wait-settled "$PREFIX$kind" "$SETTLE"
done

hz=$(getconf CLK_TCK)
declare -A t0 t1 r0 r1 d0 d1 cpu steal rate good
for kind in "${KINDS[@]}"; do good[$kind]=no; done
for ((try = 1; try <= TRIES; try++)); do
	for kind in "${KINDS[@]}"; do
		t0[$kind]=$(cpu_ticks "${pid[$kind]}")
		r0[$kind]=$(read_bytes "${pid[$kind]}")
		d0[$kind]=$(run_delay "${pid[$kind]}")
	done
	ns0=$(date +%s%N)
	sleep "$WINDOW"
	for kind in "${KINDS[@]}"; do
		t1[$kind]=$(cpu_ticks "${pid[$kind]}")
		r1[$kind]=$(read_bytes "${pid[$kind]}")
		d1[$kind]=$(run_delay "${pid[$kind]}")
	done
	ns1=$(date +%s%N)
	dt_ms=$(((ns1 - ns0) / 1000000))
	for kind in "${KINDS[@]}"; do
		[[ ${good[$kind]} == no ]] || continue
		# percent of one core; vCPU run_delay as percent; bytes per second
		cpu[$kind]=$(((t1[$kind] - t0[$kind]) * 100000 / hz / dt_ms))
		steal[$kind]=$(((d1[$kind] - d0[$kind]) / 10000 / dt_ms))
		rate[$kind]=$(((r1[$kind] - r0[$kind]) * 1000 / dt_ms))
		case $kind in
		busy) ((cpu[busy] >= 80 || cpu[busy] + steal[busy] >= 90)) && good[busy]=yes ;;
		idle | serial) ((cpu[$kind] < 10)) && good[$kind]=yes ;;
		diskread) ((rate[diskread] >= MIN_READ_RATE)) && good[diskread]=yes ;;
		esac
		printf '# window %d: %-8s CPU %3d%%  vCPU steal %3d%%  read_bytes %d B/s\n' \
			"$try" "$kind" "${cpu[$kind]}" "${steal[$kind]}" "${rate[$kind]}"
	done
	[[ " ${good[*]} " != *" no "* ]] && break
done

# On a host whose CPUs are taken by other guests a spinning vCPU cannot get
# 80%; it then shows the rest as steal (run_delay), which is accepted unless
# STRICT=1.
if ((cpu[busy] >= 80)) || [[ ${STRICT:-0} == 1 ]]; then
	check "busy guest uses >= 80% CPU (${cpu[busy]}%)" test "${cpu[busy]}" -ge 80
else
	check "busy guest spins: ${cpu[busy]}% CPU + ${steal[busy]}% vCPU steal >= 90% (host contended)" \
		test "${good[busy]}" = yes
fi
check "idle guest uses < 10% CPU (${cpu[idle]}%)" test "${good[idle]}" = yes
check "diskread guest reads >= $MIN_READ_RATE B/s through the host (${rate[diskread]} B/s, ${cpu[diskread]}% CPU)" \
	test "${good[diskread]}" = yes
check "serial guest uses < 10% CPU (${cpu[serial]}%)" test "${good[serial]}" = yes

# ----------------------------------------------------------------- serial
log=$("$LAB" serial-log "${PREFIX}serial")
want='guesttop-lab: hello'
seen=no
for _ in $(seq 50); do
	if [[ -r $log ]] && grep -qF "$want"$'\r' "$log"; then
		seen=yes
		break
	fi
	sleep 0.2
done
check "serial line \"$want\" CR LF is in the console log" test "$seen" = yes

# The console pty itself: the guest prints the line again when it gets a CR.
# qemu notices a new pty client only about once a second, so wait first.
echoed=no
if pty=$(virsh -q -c "$LAB_URI" ttyconsole "${PREFIX}serial") && [[ -c $pty ]]; then
	exec 3<>"$pty"
	stty -F "$pty" raw -echo
	sleep 1.5
	printf '\r' >&3
	deadline=$((SECONDS + 5))
	while ((SECONDS < deadline)) && IFS= read -r -t 5 -u 3 line; do
		if [[ $line == "$want"$'\r' ]]; then
			echoed=yes
			break
		fi
	done
	exec 3<&-
fi
check "serial console pty answers CR with the line" test "$echoed" = yes

# ------------------------------------------------------ define / destroy
if "$LAB" define "${PREFIX}stopped" idle; then
	state=$(virsh -q -c "$LAB_URI" domstate "${PREFIX}stopped" 2>&1) || true
	check "define leaves ${PREFIX}stopped shut off (state: $state)" test "$state" = "shut off"
else
	not_ok "define ${PREFIX}stopped"
fi

for kind in "${KINDS[@]}" stopped; do
	"$LAB" destroy "$PREFIX$kind" || not_ok "destroy $PREFIX$kind"
done
left=$(virsh -q -c "$LAB_URI" list --all --name | grep -c "^$PREFIX" || true)
check "no ${PREFIX}* domain is left after destroy ($left left)" test "$left" -eq 0
check "destroy of a missing guest is silent and succeeds" \
	test -z "$("$LAB" destroy "${PREFIX}does-not-exist" 2>&1)"

if ((failures)); then
	printf '# %d check(s) failed\n' "$failures"
	exit 1
fi
printf '# all checks passed\n'
