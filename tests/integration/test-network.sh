#!/bin/bash
# Network figures of a real guest: frames sent into its tap show as what the guest receives.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

G=gt-lab-nw-net
NETGEN=$REPO_DIR/build/lab/netgen
out=$(mktemp)
trap 'rm -f "$out"; lab destroy $G >/dev/null 2>&1' EXIT
lab destroy $G >/dev/null 2>&1
[ -x "$NETGEN" ] || make -s -C "$REPO_DIR" build/lab/netgen >/dev/null || { not_ok "build netgen" "make failed"; exit 1; }
lab_start $G idle --net || exit 1
tap=$(lab ifname $G | head -n 1)
check "the guest has a host tap ($tap)" [ -n "$tap" ]
lab_wait_quiet $G || not_ok "guest settles" "still busy after 30 s"

# 400 frames of 1000 bytes per second for 6 s, while guesttop takes 5 readings a second apart.
"$NETGEN" "$tap" 400 6 1000 >/dev/null 2>&1 &
ng=$!
sleep 0.5
"$GUESTTOP" -b -n 5 -d 1 --format csv >"$out" 2>&1
wait $ng
col() { head -n 1 "$out" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
RX=$(col net_rx_bps) TX=$(col net_tx_bps) RXP=$(col net_rx_pps) DROP=$(col net_drops)
mapfile -t rx < <(awk -F, -v c="$RX" -v n=$G '$3 == n { print $c }' "$out")
mapfile -t rxp < <(awk -F, -v c="$RXP" -v n=$G '$3 == n { print $c }' "$out")
check "iteration 1 has no network rate" [ -z "${rx[0]-x}" ]
for i in 2 3 4; do
	v=${rx[$i]:-}
	# 400 frames/s of 1000 bytes is 400000 B/s; allow for pacing and a loaded host.
	if [ -n "$v" ] && awk -v v="$v" 'BEGIN { exit !(v > 300000 && v < 500000) }'; then
		ok "guest receives about 400 kB/s in iteration $((i + 1)) ($v)"
	else
		not_ok "guest receives about 400 kB/s in iteration $((i + 1))" "got '$v'"
	fi
	p=${rxp[$i]:-}
	check "guest receives about 400 packets/s in iteration $((i + 1)) ($p)" \
		awk -v v="${p:-0}" 'BEGIN { exit !(v > 300 && v < 500) }'
done
tx=$(awk -F, -v c="$TX" -v n=$G '$3 == n { v = $c } END { print v }' "$out")
check "the guest sends (almost) nothing ($tx)" awk -v v="${tx:-x}" 'BEGIN { exit !(v != "x" && v < 1000) }'
drops=$(awk -F, -v c="$DROP" -v n=$G '$3 == n { v = $c } END { print v }' "$out")
check "drops are measured ($drops)" [ -n "$drops" ]
finish
