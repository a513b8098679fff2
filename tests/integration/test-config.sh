#!/bin/bash
# Config files: a bad line is named by file and line at start-up and the other settings still apply;
# the command line wins; --dump-config gives back what is in force.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [ -e /etc/guesttop.conf ]; then
	not_ok "no system config file on the test machine" "/etc/guesttop.conf exists and would change every result"
	finish
fi
mkdir -p "$dir/xdg/guesttop"
cat >"$dir/xdg/guesttop/config" <<'CONF'
# guesttop test configuration
format = csv
delay = nonsense
sort = name
invert = yes
bind x force-off
CONF

XDG_CONFIG_HOME=$dir/xdg "$GUESTTOP" -b -n 1 -c test:///default --backends libvirt >"$dir/out" 2>"$dir/err"
rc=$?
check "a bad config line does not stop batch mode (rc $rc)" [ "$rc" -eq 0 ]
check "start-up names the file and line of the bad setting" \
	grep -qF "guesttop: $dir/xdg/guesttop/config:3: invalid delay 'nonsense' (seconds, 0.1 to 3600)" "$dir/err"
check "exactly one line about the config file" [ "$(grep -c 'config:' "$dir/err")" -eq 1 ]
check "the other settings apply: CSV from the config file" grep -q '^time,backend,name,' "$dir/out"
check "the test driver's guest is listed, in CSV" awk -F, 'NR > 1 && $2 == "test" && $3 == "test" { f = 1 } END { exit !f }' "$dir/out"

XDG_CONFIG_HOME=$dir/xdg "$GUESTTOP" --dump-config >"$dir/dump" 2>"$dir/err2"
check "--dump-config gives the settings in force (csv, name, inverted)" \
	bash -c 'grep -qx "format = csv" "$1" && grep -qx "sort = name" "$1" && grep -qx "invert = yes" "$1"' _ "$dir/dump"
check "--dump-config keeps the default for the bad line" grep -qx "delay = 2" "$dir/dump"
check "--dump-config shows the new binding" grep -qx "bind x force-off" "$dir/dump"

# The command line wins over the file.
XDG_CONFIG_HOME=$dir/xdg "$GUESTTOP" -f text -d 0.5 --dump-config >"$dir/dump2" 2>/dev/null
check "the command line wins (-f text -d 0.5)" \
	bash -c 'grep -qx "format = text" "$1" && grep -qx "delay = 0.5" "$1"' _ "$dir/dump2"

# The dump, read back as the only file, gives the same dump.
XDG_CONFIG_HOME=$dir/none "$GUESTTOP" --config "$dir/dump" --dump-config >"$dir/dump3" 2>"$dir/err3"
check "--dump-config read back gives the same settings and keys" cmp -s "$dir/dump" "$dir/dump3"
check "the dump read back has no bad line" [ ! -s "$dir/err3" ]

# --config FILE that cannot be read: one line, exit 2.
"$GUESTTOP" --config "$dir/missing.conf" -b -n 1 >"$dir/out" 2>"$dir/err"
rc=$?
check "an unreadable --config FILE exits 2" [ "$rc" -eq 2 ]
check "an unreadable --config FILE is named" grep -qF "guesttop: cannot read config file $dir/missing.conf: No such file or directory" "$dir/err"

finish
