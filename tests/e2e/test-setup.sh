#!/bin/bash
# The setup screen (F2): changes apply at once, are saved to the user's config file (its other lines
# kept, the file replaced by rename), survive a restart, and a planted link is never written through.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
dir=$(mktemp -d)
# The tmux server started below inherits this: guesttop's user config is ours.
export XDG_CONFIG_HOME=$dir/xdg
. "$(dirname "$0")/tmux.sh"
trap 'e2e_stop; rm -rf "$dir"' EXIT
conf=$XDG_CONFIG_HOME/guesttop/config
mkdir -p "$(dirname "$conf")"
printf '# my settings\nbind x help\ndelay = 2\n' >"$conf"
chmod 600 "$conf"
ino1=$(stat -c %i "$conf")

e2e_start 140 40 -c test:///default || { not_ok "start tmux" "tmux failed"; exit 1; }
e2e_wait_for 'F2Setup' 10 >/dev/null
check "SWAP is not shown before" bash -c '! grep -q "^NAME .* SWAP" <<<"$1"' _ "$(e2e_screen)"
e2e_keys F2
if e2e_wait_for 'Setup' 5 && e2e_wait_for 'Refresh' 2; then
	ok "F2 opens the setup screen"
else
	not_ok "F2 opens the setup screen" "$(e2e_screen | head -n 5)"
fi
# Refresh 2 -> 0.5; Columns: add swap; then a bad threshold first, to see it refused.
e2e_keys BSpace
e2e_keys -l 0.5
e2e_keys Down Down Down
e2e_keys -l ',swap'
e2e_keys Down
e2e_keys -l 'x'
e2e_keys Enter
if e2e_wait_for 'invalid threshold' 3; then
	ok "a bad value is refused beside its field"
else
	not_ok "a bad value is refused beside its field" "$(e2e_screen | head -n 20)"
fi
check "nothing was saved then" grep -qx 'delay = 2' "$conf"
e2e_keys BSpace Enter
if e2e_wait_for 'settings saved to' 5; then
	ok "Enter applies and saves"
else
	not_ok "Enter applies and saves" "$(e2e_screen | tail -n 3)"
fi
check "the new column is shown at once" e2e_wait_for '^NAME .* SWAP' 3
check "the file has the new interval" grep -qx 'delay = 0.5' "$conf"
check "the file has the new columns" grep -Eq '^columns = name,.*swap' "$conf"
check "one delay line, not two" [ "$(grep -c '^delay' "$conf")" -eq 1 ]
check "its other lines are kept" bash -c 'grep -qx "# my settings" "$1" && grep -qx "bind x help" "$1"' _ "$conf"
ino2=$(stat -c %i "$conf")
check "the file was replaced, not rewritten in place (inode $ino1 then $ino2)" [ "$ino1" != "$ino2" ]
check "its mode is kept (600)" [ "$(stat -c %a "$conf")" = 600 ]
check "no temporary file is left" [ "$(ls -A "$(dirname "$conf")" | wc -l)" -eq 1 ]
e2e_keys q
check "q quits with status 0" e2e_wait_for '^EXITED rc=0' 10

# A restart reads them back.
check "after a restart the interval is 0.5" grep -qx 'delay = 0.5' <("$GUESTTOP" --dump-config 2>/dev/null)
e2e_start 140 40 -c test:///default
e2e_wait_for 'F2Setup' 10 >/dev/null
check "after a restart the SWAP column is shown" e2e_wait_for '^NAME .* SWAP' 5
e2e_keys F2
check "after a restart the setup screen shows 0.5" e2e_wait_for 'Refresh \(s\): 0\.5' 5

# A link planted as the config file: the save is refused and the link's target is untouched.
echo "precious" >"$dir/target"
mv "$conf" "$dir/saved-config"
ln -s "$dir/target" "$conf"
e2e_keys Enter
check "saving through a link is refused" e2e_wait_for 'not a regular file: not replaced' 5
check "the link's target is untouched" grep -qx precious "$dir/target"
check "the link is still a link" [ -L "$conf" ]
e2e_keys q
check "q quits with status 0 (again)" e2e_wait_for '^EXITED rc=0' 10
finish
