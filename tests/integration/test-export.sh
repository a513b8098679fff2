#!/bin/bash
# Export for other tools: --format json lines parse as JSON, and the Prometheus textfile follows the
# text format's rules (names, labels, values), is replaced atomically and never written through a link.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
node="$REPO_DIR/tests/fixtures/testdriver/odd-names.xml"
uri="test://$node"
prom=$dir/guesttop.prom

"$GUESTTOP" -b -n 3 -d 0.3 -c "$uri" --backends libvirt --format json --prometheus-textfile "$prom" \
	>"$dir/json" 2>"$dir/err"
rc=$?
check "batch with --format json and --prometheus-textfile exits 0 (rc $rc)" [ "$rc" -eq 0 ]
check "nothing on standard error" [ ! -s "$dir/err" ]
check "one JSON line per guest per refresh (6)" [ "$(wc -l <"$dir/json")" -eq 6 ]
check "every line parses as JSON on its own" bash -c 'while IFS= read -r l; do jq -e . >/dev/null <<<"$l" || exit 1; done <"$1"' _ "$dir/json"
check "every object has the CSV's fields" bash -c \
	'jq -e "has(\"time\") and has(\"cpu_pct\") and has(\"steal_pct\") and has(\"victim\") and has(\"culprit\")" "$1" | grep -vqx true && exit 1; exit 0' _ "$dir/json"
odd=$(jq -r 'select(.uuid == "11111111-2222-3333-4444-555555555555") | .name' "$dir/json" | head -n 1)
check "the odd name survives JSON (as the table shows it: $odd)" [ "$odd" = 'we"ird\\name é' ]
check "the first refresh has no rates: null, not 0" \
	bash -c '[ "$(head -n 1 "$1" | jq -r .cpu_pct)" = null ]' _ "$dir/json"
check "a later refresh has CPU% as a number" \
	bash -c '[ "$(tail -n 1 "$1" | jq -r ".cpu_pct | type")" = number ]' _ "$dir/json"
check "memory is the test driver's (plain: 256 MiB)" \
	bash -c '[ "$(jq -r "select(.name == \"plain\") | .mem_bytes" "$1" | tail -n 1)" = 268435456 ]' _ "$dir/json"

# The Prometheus text format, checked line by line: comments are HELP or TYPE of a metric named
# [a-zA-Z_:][a-zA-Z0-9_:]*, TYPE comes before the metric's samples and once, a sample is
# name{label="value",...} value with escapes only \\ \" \n in label values, and a value is a number.
check "the textfile exists" [ -s "$prom" ]
bad=$(awk '
function fail(why) { print NR ": " why ": " $0; bad = 1; exit }
/^# HELP / { if ($3 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*$/) fail("bad HELP name"); next }
/^# TYPE / {
	if ($3 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*$/) fail("bad TYPE name")
	if ($4 !~ /^(counter|gauge|histogram|summary|untyped)$/) fail("bad type")
	if ($3 in typed) fail("TYPE twice")
	typed[$3] = 1; next
}
/^#/ { fail("comment that is neither HELP nor TYPE") }
{
	line = $0
	if (!match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*/)) fail("bad metric name")
	name = substr(line, 1, RLENGTH); rest = substr(line, RLENGTH + 1)
	if (!(name in typed)) fail("sample before its TYPE")
	if (substr(rest, 1, 1) == "{") {
		rest = substr(rest, 2)
		while (substr(rest, 1, 1) != "}") {
			if (!match(rest, /^[a-zA-Z_][a-zA-Z0-9_]*="/)) fail("bad label name")
			rest = substr(rest, RLENGTH + 1)
			# the value: characters up to an unescaped quote; escapes only \\ \" \n
			while (1) {
				c = substr(rest, 1, 1)
				if (c == "") fail("unterminated label value")
				if (c == "\"") break
				if (c == "\\") {
					e = substr(rest, 2, 1)
					if (e != "\\" && e != "\"" && e != "n") fail("bad escape in label value")
					rest = substr(rest, 3); continue
				}
				rest = substr(rest, 2)
			}
			rest = substr(rest, 2)
			if (substr(rest, 1, 1) == ",") rest = substr(rest, 2)
		}
		rest = substr(rest, 2)
	}
	if (rest !~ /^ [-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/ && rest !~ /^ ([-+]Inf|NaN)$/) fail("bad value")
	series = name substr(line, length(name) + 1, length(line) - length(name) - length(rest))
	if (series in seen) fail("series twice")
	seen[series] = 1
}
END { if (!bad && NR == 0) print "empty" }' "$prom")
check "the textfile follows the Prometheus text format${bad:+ ($bad)}" [ -z "$bad" ]
host=$(hostname)
check "memory of the plain guest, labelled by host, backend, name and uuid" grep -qx \
	"guesttop_mem_bytes{host=\"$host\",backend=\"test\",name=\"plain\",uuid=\"11111111-2222-3333-4444-555555555556\"} 268435456" "$prom"
check "the odd name is escaped in its label" grep -qF 'name="we\"ird\\\\name é"' "$prom"
check "CPU% of the running guests after the first refresh" [ "$(grep -c '^guesttop_cpu_pct{' "$prom")" -eq 2 ]
check "no temporary file is left beside it" [ "$(ls -A "$dir" | grep -c 'guesttop.prom.')" -eq 0 ]

# Replaced, not rewritten: a reader that opened the old file keeps reading the old one.
ino1=$(stat -c %i "$prom")
"$GUESTTOP" -b -n 1 -c "$uri" --backends libvirt --prometheus-textfile "$prom" >/dev/null 2>&1
ino2=$(stat -c %i "$prom")
check "each write replaces the file (inode $ino1 then $ino2)" [ "$ino1" != "$ino2" ]

# A symbolic link planted at the path is replaced; its target is never written.
echo "precious" >"$dir/target"
rm -f "$prom"
ln -s "$dir/target" "$prom"
"$GUESTTOP" -b -n 1 -c "$uri" --backends libvirt --prometheus-textfile "$prom" >/dev/null 2>&1
check "a link planted at the path is not followed (target intact)" grep -qx precious "$dir/target"
check "the path is now a regular file" bash -c '[ -f "$1" ] && [ ! -L "$1" ]' _ "$prom"
check "the textfile is readable by the textfile collector (mode 644)" [ "$(stat -c %a "$prom")" = 644 ]

# A directory that cannot be written: one line, the run goes on.
"$GUESTTOP" -b -n 2 -d 0.2 -c "$uri" --backends libvirt --prometheus-textfile /nonexistent/dir/g.prom \
	>"$dir/out" 2>"$dir/err"
rc=$?
check "an unwritable textfile path does not stop batch mode (rc $rc)" [ "$rc" -eq 0 ]
check "it is said once, naming the path" [ "$(grep -c 'prometheus textfile /nonexistent/dir/g.prom' "$dir/err")" -eq 1 ]
finish
