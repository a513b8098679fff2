#!/bin/bash
# make install puts the binary, the man page, the bash completion and an example config in place;
# the completion completes options and values; the example config is what --dump-config gives.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if make -s -C "$REPO_DIR" install DESTDIR="$dir" PREFIX=/usr >"$dir/log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr succeeds"
else
	not_ok "make install succeeds" "$(tail -n 3 "$dir/log")"
fi
for f in usr/bin/guesttop usr/share/man/man1/guesttop.1 usr/share/bash-completion/completions/guesttop \
	usr/share/doc/guesttop/guesttop.conf.example; do
	check "installed: /$f" [ -s "$dir/$f" ]
done
check "the installed binary runs" bash -c '"$1" -V >/dev/null' _ "$dir/usr/bin/guesttop"
make -s -C "$REPO_DIR" uninstall DESTDIR="$dir" PREFIX=/usr >/dev/null 2>&1
check "make uninstall removes them" [ -z "$(find "$dir/usr" -type f)" ]

# The completion, as bash calls it.
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _guesttop; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$REPO_DIR/config/bash-completion/guesttop" "$@"
}
check "completion: --form gives --format" grep -qx -- '--format' <(complete_words "$GUESTTOP" --form)
check "completion: --prom gives --prometheus-textfile" grep -qx -- '--prometheus-textfile' <(complete_words "$GUESTTOP" --prom)
n_completed=$(complete_words "$GUESTTOP" -- | wc -l)
n_options=$("$GUESTTOP" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u | wc -l)
check "completion: every option of --help ($n_completed of $n_options)" [ "$n_completed" -eq "$n_options" ]
check "completion: --format j gives json" grep -qx json <(complete_words "$GUESTTOP" --format j)
check "completion: --backends libvirt,l gives libvirt,lxc" grep -qx 'libvirt,lxc' <(complete_words "$GUESTTOP" --backends libvirt,l)

# The example config is the defaults as --dump-config prints them, and reads back cleanly.
if [ -e /etc/guesttop.conf ]; then
	not_ok "no system config file on the test machine" "/etc/guesttop.conf exists"
else
	XDG_CONFIG_HOME=$dir/none "$GUESTTOP" --dump-config >"$dir/defaults" 2>/dev/null
	check "config/guesttop.conf.example is the defaults' --dump-config" cmp -s "$dir/defaults" "$REPO_DIR/config/guesttop.conf.example"
	XDG_CONFIG_HOME=$dir/none "$GUESTTOP" --config "$REPO_DIR/config/guesttop.conf.example" --dump-config \
		>"$dir/again" 2>"$dir/err"
	check "the example config reads back with no error" [ ! -s "$dir/err" ]
fi
finish
