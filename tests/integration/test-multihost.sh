#!/bin/bash
# Several hosts at once: the local libvirtd, the same daemon over a real TCP listener (a "remote"
# host at 127.0.0.1, forwarded to its socket for the length of the test) and the test driver. Every connection's guests are listed with their HOST in
# one ranking; taking the TCP listener away marks that connection's guests lost and the others keep refreshing.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

G="gt-lab-mh-busy"
FWD=$REPO_DIR/build/lab/tcpfwd
SOCK=/run/libvirt/libvirt-sock
FWD_PORT=16510
dir=$(mktemp -d)
fwd_pid=
trap '[ -n "$fwd_pid" ] && kill "$fwd_pid" 2>/dev/null; lab destroy $G >/dev/null 2>&1; rm -rf "$dir"' EXIT

[ -x "$FWD" ] || make -s -C "$REPO_DIR" build/lab/tcpfwd >/dev/null || { not_ok "build tcpfwd" "make failed"; exit 1; }
lab_start $G busy || exit 1
# A TCP listener in front of the lab libvirtd's socket, for as long as this test runs.
"$FWD" $FWD_PORT "unix:$SOCK" &
fwd_pid=$!
sleep 0.3
remote="qemu+tcp://127.0.0.1:$FWD_PORT/system"
if ! err=$(timeout 10 virsh -c "$remote" uri 2>&1); then
	not_ok "libvirt answers over the TCP listener 127.0.0.1:$FWD_PORT" "$err"
	exit 1
fi
me=$(hostname)

# Text mode once: the HOST column is there when several hosts are watched.
"$GUESTTOP" -b -n 1 -c qemu:///system -c "$remote" -c test:///default >"$dir/text" 2>"$dir/err"
check "with several hosts, the table has a HOST column" grep -Eq '^NAME +HOST ' "$dir/text"
check "the test driver's guest is on this host ($me)" grep -Eq "^test +$me " "$dir/text"
check "the lab guest is listed from the remote connection (127.0.0.1)" grep -Eq "^$G +127\.0\.0\.1 " "$dir/text"

# CSV for 8 refreshes; the listener goes away after the third.
"$GUESTTOP" -b -n 8 -d 1 -f csv -s cpu -c qemu:///system -c "$remote" -c test:///default >"$dir/csv" 2>"$dir/err" &
gt=$!
sleep 3.5
kill "$fwd_pid"
wait "$fwd_pid" 2>/dev/null
fwd_pid=
wait "$gt"
rc=$?
check "batch mode goes on after a host is lost (rc $rc)" [ "$rc" -eq 0 ]
H=$(head -n 1 "$dir/csv" | tr ',' '\n' | grep -nx host | cut -d: -f1)
check "the CSV has a host field" [ -n "$H" ]
times=$(awk -F, 'NR > 1 { print $1 }' "$dir/csv" | uniq)
n_times=$(wc -l <<<"$times")
check "8 refreshes printed ($n_times)" [ "$n_times" -eq 8 ]
second=$(sed -n 2p <<<"$times")
last=$(tail -n 1 <<<"$times")
rows() { awk -F, -v t="$1" -v h="$2" -v n="$3" -v H="$H" '$1 == t && $H == h && $3 == n' "$dir/csv"; }
check "refresh 2: the lab guest from this host" [ -n "$(rows "$second" "$me" $G)" ]
check "refresh 2: the lab guest from 127.0.0.1, the same daemon over TCP" [ -n "$(rows "$second" 127.0.0.1 $G)" ]
check "refresh 2: the test driver's guest" [ -n "$(rows "$second" "$me" test)" ]
rcpu=$(rows "$second" 127.0.0.1 $G | cut -d, -f7)
check "the remote guest has CPU% from libvirt's own figures ($rcpu)" awk -v v="$rcpu" 'BEGIN { exit !(v != "" && v > 50) }'
# One ranking across hosts: the rows of a refresh, from every host, in one descending CPU% order.
order=$(awk -F, -v t="$second" -v H="$H" '$1 == t && $7 != "" { print $3 "@" $H "=" $7 }' "$dir/csv" | tr '\n' ' ')
check "one ranking across hosts by CPU% ($order)" awk -F, -v t="$second" -v H="$H" '
	$1 == t && $7 != "" { if (n++ && $7 > prev + 0) bad = 1; prev = $7; hosts[$H] = 1 }
	END { for (h in hosts) k++; exit !(n >= 3 && k >= 2 && !bad) }' "$dir/csv"
lost_row=$(awk -F, -v t="$last" -v H="$H" -v g="$G" '$1 == t && $H == "127.0.0.1" && $3 == g' "$dir/csv")
check "after the listener is gone: the remote guest is kept, marked lost ($(cut -d, -f3,5 <<<"$lost_row"))" \
	bash -c '[ -n "$1" ] && [ "$(cut -d, -f5 <<<"$1")" = lost ]' _ "$lost_row"
check "after the listener is gone: its CPU% is unknown, not stale ($(cut -d, -f7 <<<"$lost_row"))" \
	[ -z "$(cut -d, -f7 <<<"$lost_row")" ]
lcpu=$(rows "$last" "$me" $G | cut -d, -f7)
check "after the listener is gone: this host's guest still refreshes (CPU% $lcpu)" awk -v v="$lcpu" 'BEGIN { exit !(v != "" && v > 50) }'
check "after the listener is gone: the test driver's guest is still there" [ -n "$(rows "$last" "$me" test)" ]
check "the lost connection is named on standard error" grep -q "qemu+tcp://127.0.0.1:$FWD_PORT/system" "$dir/err"
[ "$T_FAILED" -eq 0 ] || { echo "standard error of the CSV run:"; cat "$dir/err"; }

# The listener goes away and comes back: the loss is said once (not at each listing), and so is the return.
"$FWD" $FWD_PORT "unix:$SOCK" &
fwd_pid=$!
sleep 0.3
"$GUESTTOP" -b -n 14 -d 1 -f csv -c qemu:///system -c "$remote" >"$dir/csv2" 2>"$dir/err2" &
gt=$!
sleep 2.5
kill "$fwd_pid"
wait "$fwd_pid" 2>/dev/null
sleep 2
"$FWD" $FWD_PORT "unix:$SOCK" &
fwd_pid=$!
wait "$gt"
lost=$(grep "connection lost" "$dir/err2" | grep -c "qemu+tcp://127.0.0.1:$FWD_PORT/system")
# At most two: the failed listing, then the failed reconnection, whose reason differs.
check "the loss is said at most twice in 14 refreshes ($lost lines)" [ "$lost" -ge 1 ] && [ "$lost" -le 2 ]
check "the return is said once" [ "$(grep -c "qemu+tcp://127.0.0.1:$FWD_PORT/system: connected again" "$dir/err2")" -eq 1 ]
last2=$(awk -F, 'NR > 1 { t = $1 } END { print t }' "$dir/csv2")
back=$(awk -F, -v t="$last2" -v H="$H" -v g="$G" '$1 == t && $H == "127.0.0.1" && $3 == g { print $5 }' "$dir/csv2")
check "in the last refresh the remote guest is back, running ($back)" [ "$back" = running ]
[ "$T_FAILED" -eq 0 ] || { echo "standard error of the second run:"; cat "$dir/err2"; }
finish
