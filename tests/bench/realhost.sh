#!/bin/bash
# realhost.sh: on this host, with N idle lab KVM guests, the CPU per refresh of guesttop's libvirt
# backend (guesttop + libvirtd), of one virsh domstats pass, of top -b and of htop.
#
# Needs root, /dev/kvm and libvirt (tests/lab/lab.sh setup starts the daemons).
# Environment: BENCH_GUESTS (N, default 50), BENCH_REFRESHES (K, default 10),
# BENCH_DELAY (D, whole seconds between refreshes, default 1), BENCH_ROUNDS
# (each figure is the median of this many rounds, default 3), BENCH_SETTLE
# (extra seconds after the last guest's SeaBIOS phase, default 3).
# Starts guests ${LAB_PREFIX}bench-01.. (transient, kind idle) and destroys
# exactly those on exit, also on failure or interruption.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/../.."
REPO=$(pwd)
BIN=$REPO/build/lab
RUSAGE=$BIN/rusage
GT=${GUESTTOP_BIN:-$REPO/build/guesttop}
LAB=$REPO/tests/lab/lab.sh
URI=qemu:///system
N=${BENCH_GUESTS:-50}
K=${BENCH_REFRESHES:-60}
D=${BENCH_DELAY:-1}
R=${BENCH_ROUNDS:-3}
SETTLE=${BENCH_SETTLE:-3}
SETTLE_TIMEOUT=300         # seconds to wait for the guests' CPU to drop
SETTLED_MAX=5              # settled: no guest's qemu uses this % of a core (SeaBIOS takes all it gets)
MIB_PER_GUEST=128          # memory a lab guest needs (32 MiB guest + qemu)
DESTROY_JOBS=8             # guests destroyed in parallel on exit
HTOP_COLS=200 HTOP_ROWS=50 # htop's terminal (a detached tmux session)

PROG=${0##*/}
die() {
	printf '%s: %s\n' "$PROG" "$*" >&2
	exit 1
}

[[ $N =~ ^[1-9][0-9]{0,3}$ ]] || die "BENCH_GUESTS must be a number from 1 to 9999, not '$N'"
[[ $K =~ ^[1-9][0-9]{0,3}$ ]] || die "BENCH_REFRESHES must be a number from 1 to 9999, not '$K'"
[[ $D =~ ^[1-9][0-9]?$ ]] || die "BENCH_DELAY must be whole seconds from 1 to 99, not '$D'"
[[ $R =~ ^[1-9]$ ]] || die "BENCH_ROUNDS must be a number from 1 to 9, not '$R'"
[[ $SETTLE =~ ^[0-9]{1,3}$ ]] || die "BENCH_SETTLE must be whole seconds, not '$SETTLE'"
[[ $EUID -eq 0 ]] || die "must run as root (lab guests on $URI, /proc/PID/io of other users)"
PREFIX=$(sed -n "s/^LAB_PREFIX=\\([A-Za-z0-9._-]*\\)\$/\\1/p" "$LAB")
[[ -n $PREFIX ]] || die "cannot find LAB_PREFIX in $LAB"
HZ=$(getconf CLK_TCK)

# ---------------------------------------------------------------- clean-up

OURS=()                 # names of the guests this script created (or tried to)
declare -A UUID=()      # name -> uuid, once started
WORK=""
TSOCK=""                # tmux socket (path) of htop's session, once started

vsh() {
	virsh -q -c "$URI" "$@"
}

# The uuid of domain $1, empty if there is none.
uuid_of() {
	vsh domuuid --domain "$1" 2>/dev/null | sed -n '/./{p;q}' || true
}

destroy_ours() {
	local name cur running=0 left=()
	for name in "${OURS[@]}"; do
		cur=$(uuid_of "$name")
		[[ -n $cur ]] || continue
		# A started guest is ours only under the uuid it started with; a
		# failed start left a name that did not exist before we tried.
		if [[ -n ${UUID[$name]:-} && $cur != "${UUID[$name]}" ]]; then
			echo "$PROG: $name now has another uuid ($cur): not ours, left alone" >&2
			continue
		fi
		bash "$LAB" destroy "$name" >/dev/null &
		running=$((running + 1))
		if ((running >= DESTROY_JOBS)); then
			wait || true
			running=0
		fi
	done
	wait || true
	for name in "${OURS[@]}"; do
		cur=$(uuid_of "$name")
		if [[ -n $cur && (-z ${UUID[$name]:-} || $cur == "${UUID[$name]}") ]]; then
			left+=("$name")
		fi
	done
	if ((${#left[@]})); then
		echo "$PROG: could not remove: ${left[*]} (try: bash tests/lab/lab.sh destroy NAME)" >&2
		return 1
	fi
	return 0
}

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	if [[ -n $TSOCK ]]; then
		tmux -S "$TSOCK" kill-server 2>/dev/null
	fi
	if ((${#OURS[@]})); then
		echo "removing the ${#OURS[@]} guests this script started..." >&2
		destroy_ours || rc=1
	fi
	[[ -z $WORK ]] || rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- measuring helpers

# utime + stime (clock ticks) of the given processes, all threads, living and exited.
ticks() {
	local pid stat sum=0
	local -a f
	for pid; do
		stat=$(<"/proc/$pid/stat") || die "process $pid vanished during the measurement"
		read -ra f <<<"${stat##*) }" # fields from 3 on; comm may contain spaces
		sum=$((sum + f[11] + f[12]))
	done
	printf '%s\n' "$sum"
}

# Run time (ns) of the given processes' current threads (schedstat field 1):
# precise, but threads that exited meanwhile are missing.
task_ns() {
	local pid f run sum=0
	for pid; do
		for f in /proc/"$pid"/task/*/schedstat; do
			read -r run _ 2>/dev/null <"$f" || continue
			sum=$((sum + run))
		done
	done
	printf '%s\n' "$sum"
}

now() {
	printf '%s\n' "$EPOCHREALTIME"
}

# calc EXPR [VAR=VALUE]...: awk arithmetic, printed with 3 decimals.
calc() {
	local expr=$1
	shift
	local -a vars=()
	local v
	for v; do vars+=(-v "$v"); done
	awk "${vars[@]}" "BEGIN { printf \"%.3f\", $expr }"
}

# cpu_of CMD...: CMD's CPU seconds (user + system, from wait4) and peak RSS KiB, "CPU KIB";
# its standard output goes to /dev/null.
cpu_of() {
	local out
	if ! out=$("$RUSAGE" "$@" 2>&1 >/dev/null); then
		die "failed: $* : $(tail -n 5 <<<"$out" | tr '\n' ' ')"
	fi
	tail -n 1 <<<"$out"
}

# sample: "LIBVIRTD_TICKS LIBVIRTD_NS QEMU_NS TIME" now.
sample() {
	local lt ln q
	lt=$(ticks "$LVPID")
	ln=$(task_ns "$LVPID")
	q=$(task_ns "${QPIDS[@]}")
	printf '%s %s %s %s\n' "$lt" "$ln" "$q" "$(now)"
}

# ---------------------------------------------------------------- set-up

WORK=$(mktemp -d)
mkdir -p "$BIN"
if [[ ! -x $RUSAGE ]]; then
	cc -std=c11 -O2 -Wall -Wextra -Werror -o "$RUSAGE" tests/bench/rusage.c
fi
[[ -x $GT ]] || make -s all

bash "$LAB" setup
bash "$LAB" images

LVNAME=libvirtd
mapfile -t pids < <(pgrep -x libvirtd || true)
if ((${#pids[@]} == 0)); then
	LVNAME=virtqemud
	mapfile -t pids < <(pgrep -x virtqemud || true)
fi
((${#pids[@]} == 1)) || die "expected one libvirtd (or virtqemud) process, found ${#pids[@]}: ${pids[*]:-none}"
LVPID=${pids[0]}

avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
((avail >= N * MIB_PER_GUEST)) ||
	die "$N guests need about $((N * MIB_PER_GUEST)) MiB, only $avail MiB available"

width=${#N}
((width >= 2)) || width=2
NAMES=()
for ((i = 1; i <= N; i++)); do
	printf -v name '%sbench-%0*d' "$PREFIX" "$width" "$i"
	NAMES+=("$name")
done
# Guests of these names that exist already are not ours: stop before starting any.
for name in "${NAMES[@]}"; do
	[[ -z $(uuid_of "$name") ]] ||
		die "$name exists already and was not started by this script (remove it: bash tests/lab/lab.sh destroy $name)"
done
mapfile -t others < <(vsh list --name | sed '/^$/d')

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r)"
echo "$($LVNAME --version 2>/dev/null | head -n 1) (pid $LVPID); $(top -V 2>&1 | head -n 1); $(command -v htop >/dev/null && htop --version | head -n 1 || echo 'no htop')"
echo "guests: N=$N idle lab KVM guests (${NAMES[0]} .. ${NAMES[N - 1]}); other running domains on $URI: ${#others[@]}"
echo "refreshes: K=$K, delay D=${D}s"
echo

t0=$(now)
QPIDS=()
for name in "${NAMES[@]}"; do
	OURS+=("$name")
	if ! err=$(bash "$LAB" start "$name" idle 2>&1); then
		die "guest $name did not start: $err"
	fi
	UUID[$name]=$(uuid_of "$name")
	[[ -n ${UUID[$name]} ]] || die "guest $name started but libvirt does not list it"
	pid=$(bash "$LAB" pid "$name")
	QPIDS+=("$pid")
done
echo "started $N guests in $(calc 'b - a' a="$t0" b="$(now)") s"

# SeaBIOS runs each new guest's vCPU flat out for a few seconds (longer when
# many start at once on few CPUs): wait for the last, then until all are idle.
bash "$LAB" wait-settled "${NAMES[N - 1]}"
sleep "$SETTLE"
deadline=$((SECONDS + SETTLE_TIMEOUT))
prev=""
while :; do
	ta=$(now)
	ns_a=()
	for pid in "${QPIDS[@]}"; do ns_a+=("$(task_ns "$pid")"); done
	sleep 2
	tb=$(now)
	ns_b=()
	for pid in "${QPIDS[@]}"; do ns_b+=("$(task_ns "$pid")"); done
	# "TOTAL% MAX% NAME-INDEX" over the window, % of one core
	read -r pct top_pct top_i < <(
		for ((i = 0; i < N; i++)); do printf '%s %s\n' "${ns_a[i]}" "${ns_b[i]}"; done |
			awk -v s="$(calc 'b - a' a="$ta" b="$tb")" '
				{ p = ($2 - $1) / 1e9 / s * 100; t += p; if (p > m) { m = p; mi = NR - 1 } }
				END { printf "%.1f %.1f %d\n", t, m, mi }')
	each=$(calc 'p / n' p="$pct" n="$N")
	# Settled: no guest is busy, and their total no longer falls (a freshly
	# booted guest's qemu takes a while to calm down, longer with many).
	if [[ -n $prev ]] && awk -v t="$pct" -v p="$prev" -v m="$top_pct" -v mm="$SETTLED_MAX" \
		'BEGIN { exit !(m < mm && t >= p * 0.9 - 1) }'; then
		break
	fi
	((SECONDS < deadline)) ||
		die "guests did not settle within ${SETTLE_TIMEOUT}s: their qemu processes use $pct% of a core, before $prev% ($each% each, ${NAMES[top_i]} $top_pct%)"
	prev=$pct
done
echo "guests settled: their qemu processes use $pct% of a core in total ($each% each, at most $top_pct%)"

# guesttop must see every guest (this run also warms libvirtd up).
GTARGS=(-d "$D" --backends libvirt -c "$URI" --format csv)
seen=$("$GT" -b -n 1 "${GTARGS[@]}" | awk -F, -v p="${PREFIX}bench-" 'index($3, p) == 1' | wc -l)
((seen == N)) || die "guesttop lists $seen of the $N bench guests"
vsh domstats >/dev/null || die "virsh domstats failed"

# ---------------------------------------------------------------- idle background

# idle: "LIBVIRTD_MS LIBVIRTD_NS_MS QEMU_MS_PER_S" with nothing running for K*D seconds
# (the first two per D seconds, from /proc/PID/stat and from schedstat).
idle() {
	local a b
	a=$(sample)
	sleep $((K * D))
	b=$(sample)
	read -r l0 ln0 q0 t0 <<<"$a"
	read -r l1 ln1 q1 t1 <<<"$b"
	printf '%s %s %s\n' \
		"$(calc '(l1 - l0) * 1000 / hz / (t1 - t0) * d' l0="$l0" l1="$l1" hz="$HZ" t0="$t0" t1="$t1" d="$D")" \
		"$(calc '(b - a) / 1e6 / (t1 - t0) * d' a="$ln0" b="$ln1" t0="$t0" t1="$t1" d="$D")" \
		"$(calc '(b - a) / 1e6 / (t1 - t0)' a="$q0" b="$q1" t0="$t0" t1="$t1")"
}
read -r idle_lv_ms idle_lvns_ms qemu_rate1 <<<"$(idle)"

# median X...: the middle value (the lower middle of an even count).
median() {
	printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"
}

# ---------------------------------------------------------------- 1. guesttop (libvirt backend)

# gt_run N: "GT_CPU GT_KIB LV_TICKS LV_NS QEMU_NS SECONDS" of one guesttop -b -n N run.
gt_run() {
	local a b cpu
	a=$(sample)
	cpu=$(cpu_of "$GT" -b -n "$1" "${GTARGS[@]}")
	b=$(sample)
	read -r l0 ln0 q0 t0 <<<"$a"
	read -r l1 ln1 q1 t1 <<<"$b"
	printf '%s %s %s %s %s\n' "$cpu" $((l1 - l0)) $((ln1 - ln0)) $((q1 - q0)) "$(calc 'b - a' a="$t0" b="$t1")"
}
r_gt=() r_gtlv=() r_gtlvns=() r_gtq_raw=() gt_kib=0
for ((r = 0; r < R; r++)); do
	read -r g1_cpu _ g1_lt g1_ln g1_q g1_t <<<"$(gt_run 1)"
	read -r gk_cpu gk_kib gk_lt gk_ln gk_q gk_t <<<"$(gt_run $((K + 1)))"
	((gk_kib <= gt_kib)) || gt_kib=$gk_kib
	r_gt+=("$(calc '(b - a) * 1000 / k' a="$g1_cpu" b="$gk_cpu" k="$K")")
	r_gtlv+=("$(calc '(b - a) * 1000 / hz / k' a="$g1_lt" b="$gk_lt" hz="$HZ" k="$K")")
	r_gtlvns+=("$(calc '(b - a) / 1e6 / k' a="$g1_ln" b="$gk_ln" k="$K")")
	r_gtq_raw+=("$((gk_q - g1_q)) $(calc 'b - a' a="$g1_t" b="$gk_t")") # qemu ns and seconds beyond the -n 1 run
done
gt_ms=$(median "${r_gt[@]}")
gt_lv_ms=$(median "${r_gtlv[@]}")
gt_lvns_ms=$(median "${r_gtlvns[@]}")
gt_total=$(calc 'a + b' a="$gt_ms" b="$gt_lv_ms")

# ---------------------------------------------------------------- 2. virsh domstats

r_vs=() r_vslv=() r_vslvns=() r_vsq_raw=()
for ((r = 0; r < R; r++)); do
	a=$(sample)
	vs_cpu=0
	for ((i = 0; i < K; i++)); do
		c=$(cpu_of virsh -c "$URI" domstats)
		vs_cpu=$(calc 'a + b' a="$vs_cpu" b="${c% *}")
	done
	b=$(sample)
	read -r l0 ln0 q0 t0 <<<"$a"
	read -r l1 ln1 q1 t1 <<<"$b"
	r_vs+=("$(calc 'c * 1000 / k' c="$vs_cpu" k="$K")")
	r_vslv+=("$(calc '(b - a) * 1000 / hz / k' a="$l0" b="$l1" hz="$HZ" k="$K")")
	r_vslvns+=("$(calc '(b - a) / 1e6 / k' a="$ln0" b="$ln1" k="$K")")
	r_vsq_raw+=("$((q1 - q0)) $(calc 'b - a' a="$t0" b="$t1")")
done
vs_ms=$(median "${r_vs[@]}")
vs_lv_ms=$(median "${r_vslv[@]}")
vs_lvns_ms=$(median "${r_vslvns[@]}")
vs_total=$(calc 'a + b' a="$vs_ms" b="$vs_lv_ms")

# ---------------------------------------------------------------- 3. top

r_top=()
for ((r = 0; r < R; r++)); do
	c1=$(cpu_of top -b -n 1 -d "$D")
	ck=$(cpu_of top -b -n $((K + 1)) -d "$D")
	r_top+=("$(calc '(b - a) * 1000 / k' a="${c1% *}" b="${ck% *}" k="$K")")
done
top_ms=$(median "${r_top[@]}")

# ---------------------------------------------------------------- 4. htop

htop_ms=""
if command -v htop >/dev/null; then
	command -v tmux >/dev/null || die "htop is installed but tmux (its terminal here) is not"
	TSOCK=$WORK/tmux.sock
	printf -v hcmd 'exec env HTOPRC=%q htop -d %d' "$WORK/htoprc" $((D * 10))
	tmux -S "$TSOCK" -f /dev/null new-session -d -s htop -x "$HTOP_COLS" -y "$HTOP_ROWS" "$hcmd"
	hpid=$(tmux -S "$TSOCK" list-panes -t htop -F '#{pane_pid}')
	for ((i = 0; i < 20; i++)); do
		[[ $(cat "/proc/$hpid/comm" 2>/dev/null) == htop ]] && break
		sleep 0.1
	done
	[[ $(cat "/proc/$hpid/comm" 2>/dev/null) == htop ]] || die "htop did not start in tmux"
	sleep $((2 * D)) # its start-up and first refreshes
	r_htop=()
	h0=$(ticks "$hpid")
	for ((r = 0; r < R; r++)); do
		sleep $((K * D))
		h1=$(ticks "$hpid")
		r_htop+=("$(calc '(b - a) * 1000 / hz / k' a="$h0" b="$h1" hz="$HZ" k="$K")")
		h0=$h1
	done
	tmux -S "$TSOCK" kill-server
	TSOCK=""
	htop_ms=$(median "${r_htop[@]}")
else
	echo "htop: not installed"
fi

read -r idle2_lv_ms idle2_lvns_ms qemu_rate2 <<<"$(idle)"

# The qemu processes' work for libvirt: what they used beyond their idle rate
# (the mean of the two idle windows), per refresh or pass.
qemu_rate=$(calc '(a + b) / 2' a="$qemu_rate1" b="$qemu_rate2")
qemu_extra() {
	local x dq dt
	for x; do
		read -r dq dt <<<"$x"
		calc '(q / 1e6 - r * t) / k' q="$dq" r="$qemu_rate" t="$dt" k="$K"
		echo
	done
}
mapfile -t r_gtq < <(qemu_extra "${r_gtq_raw[@]}")
mapfile -t r_vsq < <(qemu_extra "${r_vsq_raw[@]}")
gt_qemu_ms=$(median "${r_gtq[@]}")
vs_qemu_ms=$(median "${r_vsq[@]}")
mapfile -t others2 < <(vsh list --name | sed '/^$/d' | grep -vxF -f <(printf '%s\n' "${NAMES[@]}") || true)

# ---------------------------------------------------------------- report

ratio() {
	awk -v g="$gt_total" -v x="$1" 'BEGIN { if (g > 0 && x > 0) printf "%.2fx", g / x; else printf "-" }'
}
row() {
	printf '%-44s %12s %10s   %s\n' "$1" "$2" "$(ratio "$2")" "${3:-}"
}
echo
echo "median of $R rounds; each round: K=$K refreshes (or passes)"
printf '%-44s %12s %10s   %s\n' what "ms CPU/ref" "guesttop/" "rounds"
row "guesttop -b + $LVNAME (per refresh)" "$gt_total"
row "  guesttop alone (peak RSS $((gt_kib / 1024)) MiB)" "$gt_ms" "${r_gt[*]}"
row "  $LVNAME part" "$gt_lv_ms" "${r_gtlv[*]}"
row "virsh domstats + $LVNAME (per pass)" "$vs_total"
row "  virsh alone" "$vs_ms" "${r_vs[*]}"
row "  $LVNAME part alone" "$vs_lv_ms" "${r_vslv[*]}"
row "top -b (per refresh)" "$top_ms" "${r_top[*]}"
if [[ -n $htop_ms ]]; then
	row "htop ${HTOP_COLS}x$HTOP_ROWS (per refresh)" "$htop_ms" "${r_htop[*]}"
fi
echo
echo "$LVNAME idle background, ms per ${D}s (included above, not subtracted): before $idle_lv_ms, after $idle2_lv_ms"
echo "$LVNAME cross-check, sum of /proc/$LVPID/task/*/schedstat (ns, living threads only):"
echo "  guesttop $gt_lvns_ms ms/refresh, domstats $vs_lvns_ms ms/pass, idle $idle_lvns_ms and $idle2_lvns_ms ms per ${D}s"
echo "qemu processes of the $N guests, beyond their idle rate (ms/s: $qemu_rate1 before, $qemu_rate2 after; the mean"
echo "subtracted; estimate from schedstat; not in the table):"
echo "  guesttop ${gt_qemu_ms} ms/refresh (rounds: ${r_gtq[*]}), domstats ${vs_qemu_ms} ms/pass (rounds: ${r_vsq[*]})"
if awk -v a="$qemu_rate1" -v b="$qemu_rate2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d > 0.15 * (a + b) / 2 + 1) }'; then
	echo "  UNRELIABLE: the guests' idle rate changed by more than 15% (guests still settling, or other load)"
fi
if ((K * D < 60)); then
	echo "note: guesttop's libvirt backend asks for block and interface stats (a monitor call per guest)"
	echo "  every 10 s for guests whose process did disk I/O and every 60 s for all (backends/libvirt.c):"
	echo "  with K*D = $((K * D)) s the figure above may miss them; use BENCH_REFRESHES=60 or more"
fi
if awk -v a="$idle_lvns_ms" -v b="$idle2_lvns_ms" -v d="$D" 'BEGIN { exit !(a > d || b > d) }' ||
	[[ ${others[*]} != "${others2[*]}" ]]; then
	echo "WARNING: $LVNAME was busy while idle (over 1 ms/s) or other domains came or went:"
	echo "  something else uses libvirt on this host; the $LVNAME figures include its work"
fi
echo
echo "commands ($LVNAME: utime+stime of /proc/$LVPID/stat before and after, CLK_TCK=$HZ):"
echo "  guesttop: rusage ./guesttop -b -n $((K + 1)) ${GTARGS[*]} >/dev/null, minus the same with -n 1, / $K"
echo "  virsh:    rusage virsh -c $URI domstats >/dev/null, $K times, / $K"
echo "  top:      rusage top -b -n $((K + 1)) -d $D >/dev/null, minus top -b -n 1 -d $D, / $K"
if [[ -n $htop_ms ]]; then
	echo "  htop:     tmux -f /dev/null new-session -d -x $HTOP_COLS -y $HTOP_ROWS 'htop -d $((D * 10))' (default htoprc);"
	echo "            htop's utime+stime over $R windows of $((K * D)) s after $((2 * D)) s of warm-up, / $K refreshes"
fi
echo "  (rusage = build/lab/rusage: wait4's user+system CPU of the command)"
