#!/bin/bash
# The man page and README describe what the program really has: every option, column and key.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

man_txt=$(MANWIDTH=200 man -l "$REPO_DIR/man/guesttop.1" 2>/dev/null)
check "man -l man/guesttop.1 renders" [ -n "$man_txt" ]
warn=$(MANWIDTH=80 man --warnings -l "$REPO_DIR/man/guesttop.1" 2>&1 >/dev/null)
check "the man page renders without warnings" [ -z "$warn" ]
for sect in OPTIONS KEYS COLUMNS ENVIRONMENT FILES "EXIT STATUS"; do
	check "man page has section $sect" grep -q "^$sect" <<<"$man_txt"
done

mapfile -t opts < <("$GUESTTOP" --help | grep -o -- '--[a-z-]*' | sort -u)
check "guesttop --help lists options" [ "${#opts[@]}" -ge 8 ]
for o in "${opts[@]}"; do
	check "option $o is in the man page" grep -q -- "$o" <<<"$man_txt"
	check "option $o is in the README" grep -q -- "$o" "$REPO_DIR/README.md"
done

for col in NAME BACKEND STATE VCPU 'CPU%' 'STEAL%' MEM RSS 'RD/s' 'WR/s'; do
	check "column $col is in the man page" grep -qF -- "$col" <<<"$man_txt"
	check "column $col is in the README" grep -qF -- "$col" "$REPO_DIR/README.md"
done
csv=time,backend,name,uuid,state,vcpus,cpu_pct,steal_pct,mem_bytes,rss_bytes,disk_read_bps,disk_write_bps
# Every setting --dump-config prints is in the man page's CONFIGURATION section with the same default.
conf_sect=$(sed -n '/^CONFIGURATION/,/^THE CONSOLE/p' <<<"$man_txt")
if [ -e /etc/guesttop.conf ]; then
	not_ok "no system config file on the test machine" "/etc/guesttop.conf exists"
else
	dump=$(XDG_CONFIG_HOME=/nonexistent/guesttop-docs "$GUESTTOP" --dump-config 2>&1)
	n_settings=0
	while read -r name eq value; do
		[ "$eq" = "=" ] || continue
		n_settings=$((n_settings + 1))
		check "setting $name (default $value) is in the man page's CONFIGURATION" \
			bash -c 'grep -A1 -E "^ +$2 " <<<"$1" | tail -n 1 | grep -qF -- "$3"' _ "$conf_sect" "$name" "$value"
	done < <(grep -E '^[a-z-]+ = ' <<<"$dump")
	check "--dump-config lists the settings ($n_settings)" [ "$n_settings" -ge 12 ]
	check "--dump-config lists the key bindings" grep -q '^bind F1 help$' <<<"$dump"
fi
check "the CSV header is documented in the man page" grep -qF "$csv" <<<"$man_txt"
check "the CSV header is documented in the README" grep -qF "$csv" "$REPO_DIR/README.md"
check "the README gives make demo first" bash -c 'grep -m1 "^make " "$1" | grep -q "^make demo"' _ "$REPO_DIR/README.md"
check "the README gives make check second" bash -c 'grep -m2 "^make " "$1" | tail -n 1 | grep -q "^make check"' _ "$REPO_DIR/README.md"
finish
