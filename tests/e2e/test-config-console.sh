#!/bin/bash
# The console with a config file: a bind line changes a key, help shows the bindings in force, a bad line is said.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
dir=$(mktemp -d)
trap 'e2e_stop; rm -rf "$dir"' EXIT

cat >"$dir/guesttop.conf" <<'CONF'
bind x help
bind h none
no such line
CONF
e2e_start 120 40 -d 1 -c test:///default --config "$dir/guesttop.conf" || { not_ok "start tmux" "tmux failed"; exit 1; }
if e2e_wait_for 'guesttop.conf:3: expected' 10; then
	ok "the bad config line is named in the console (file:line)"
else
	not_ok "the bad config line is named in the console" "$(e2e_screen | tail -n 3)"
fi
e2e_wait_for 'F1Help' 10 >/dev/null
e2e_keys h
sleep 0.5
if e2e_screen | grep -q 'this help'; then
	not_ok "an unbound key does nothing" "h opened help"
else
	ok "an unbound key (bind h none) does nothing"
fi
e2e_keys x
if e2e_wait_for 'this help' 5; then
	ok "the key bound in the config (bind x help) opens help"
else
	not_ok "bind x help opens help" "$(e2e_screen | head -n 5)"
fi
line=$(e2e_screen | grep 'this help' | head -n 1)
check "help lists the bindings in force for help ($line)" grep -Eq 'F1 \? x' <<<"$line"
check "help no longer lists h for help" bash -c '! grep -Eq "(^| )h( |$)" <<<"${1%%this help*}"' _ "$line"
e2e_keys q
sleep 0.3
e2e_keys q
check "q quits with status 0" e2e_wait_for '^EXITED rc=0' 10
# A columns line orders the columns as given.
printf 'columns = cpu,name,state\n' >"$dir/cols.conf"
e2e_start 120 40 -d 1 -c test:///default --config "$dir/cols.conf"
if e2e_wait_for '^ +CPU% NAME +STATE *$' 10; then
	ok "columns = cpu,name,state draws exactly those, in that order"
else
	not_ok "columns = cpu,name,state draws exactly those, in that order" "$(e2e_screen | grep -E 'NAME' | head -n 1)"
fi
e2e_keys q
check "q quits with status 0 (columns)" e2e_wait_for '^EXITED rc=0' 10
finish
