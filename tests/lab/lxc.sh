#!/bin/bash
# lxc.sh - real LXC lab containers (busybox template, no network) for guesttop's tests: idle, CPU hog, disk writer.
set -euo pipefail

PROG=${0##*/}
LAB_PREFIX=gt-lab-

usage() {
	cat >&2 <<EOF
usage: $PROG COMMAND [ARGS]
  start NAME KIND     create (busybox template, lxc.net.0.type = empty) and start NAME;
                      KIND: idle (sleeps), hog (while :; do :; done), disk (dd ... conv=fsync in a loop)
  pid NAME            print the container's init pid
  destroy NAME        stop and destroy NAME (silent if it does not exist)
  cleanup             destroy every container named ${LAB_PREFIX}*
EOF
	exit 2
}

die() {
	echo "$PROG: $*" >&2
	exit 1
}

init_script() {
	case $1 in
	idle) echo "exec /bin/sleep 1000000" ;;
	hog) echo "while :; do :; done" ;;
	# Writes reach the host's block layer: fsync'd files in the container's rootfs.
	disk) echo "while :; do dd if=/dev/zero of=/tmp/gt-lab-disk bs=1M count=4 conv=fsync 2>/dev/null; done" ;;
	*) die "unknown kind '$1' (idle, hog, disk)" ;;
	esac
}

cmd_destroy() {
	local name=$1
	lxc-info -n "$name" >/dev/null 2>&1 || return 0
	lxc-stop -n "$name" -k >/dev/null 2>&1 || true
	lxc-destroy -n "$name" >/dev/null 2>&1 || die "$(printf '%q' "$name"): lxc-destroy failed"
}

cmd_start() {
	local name=$1 kind=$2 conf out
	[[ $name == "$LAB_PREFIX"* ]] || die "lab containers are named ${LAB_PREFIX}*"
	command -v lxc-create >/dev/null || die "lxc is not installed (apt-get install lxc busybox-static)"
	cmd_destroy "$name"
	init_script "$kind" >/dev/null
	conf=$(mktemp)
	# The host has no bridge: the container gets no network at all.
	echo "lxc.net.0.type = empty" >"$conf"
	if ! out=$(lxc-create -n "$name" -t busybox -f "$conf" 2>&1); then
		rm -f "$conf"
		die "$(printf '%q' "$name"): lxc-create failed: $(tail -n 1 <<<"$out")"
	fi
	rm -f "$conf"
	# The container's init is a small script in its own rootfs (lxc.init.cmd splits on spaces).
	local dir
	dir=$(lxc-config lxc.lxcpath)/$name
	init_script "$kind" >"$dir/rootfs/gt-lab-init.sh"
	echo "lxc.init.cmd = /bin/sh /gt-lab-init.sh" >>"$dir/config"
	if ! out=$(lxc-start -n "$name" 2>&1); then
		die "$(printf '%q' "$name"): lxc-start failed: $(tail -n 1 <<<"$out")"
	fi
	lxc-wait -n "$name" -s RUNNING -t 10 || die "$(printf '%q' "$name"): not running after 10 s"
}

cmd_cleanup() {
	local name
	while IFS= read -r name; do
		[[ $name == "$LAB_PREFIX"* ]] && cmd_destroy "$name"
	done < <(lxc-ls -1 2>/dev/null)
	return 0
}

(($# >= 1)) || usage
case $1 in
start) (($# == 3)) || usage; cmd_start "$2" "$3" ;;
pid) (($# == 2)) || usage; lxc-info -n "$2" -pH ;;
destroy) (($# == 2)) || usage; cmd_destroy "$2" ;;
cleanup) cmd_cleanup ;;
*) usage ;;
esac
