/* guesttop's entry point: parse options, set up the backends, run the console or batch mode. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/libvirt.h"
#include "backends/lxc.h"
#include "config/options.h"
#include "tui/batch.h"
#include "tui/console.h"

#ifndef GUESTTOP_VERSION
#define GUESTTOP_VERSION "0.1"
#endif

int main(int argc, char **argv)
{
	struct options o;
	char err[256];
	struct backend bes[OPT_MAX_URIS + 2];
	struct host_paths paths;
	int ret = 1;

	setlocale(LC_ALL, "");
	if (options_parse(&o, argc, argv, err, sizeof(err)) < 0) {
		fprintf(stderr, "guesttop: %s\n", err);
		options_usage(stderr, "guesttop");
		return 2;
	}
	if (o.help) {
		options_usage(stdout, "guesttop");
		return 0;
	}
	if (o.version) {
		printf("guesttop %s\n", GUESTTOP_VERSION);
		return 0;
	}
	/* Before any libvirt call: errors are collected and shown, never printed. */
	libvirt_quiet_errors();
	paths = (struct host_paths){ .proc_root = o.proc_root, .sys_root = o.sys_root, .run_root = o.run_root };
	size_t n = 0;
	/*
	 * Every backend present is used: libvirt at the given (or default) URIs,
	 * and LXC when liblxc has a containers directory. A guessed one that is
	 * absent is skipped with a note; a requested one must work.
	 */
	if (o.want_libvirt) {
		for (int i = 0; i < o.n_uris; i++, n++) {
			if (backend_init(&bes[n], &libvirt_backend_ops, o.uris[i], &paths) < 0) {
				fprintf(stderr, "guesttop: URI too long: %.64s...\n", o.uris[i]);
				return 2;
			}
			bes[n].readonly = o.readonly;
			bes[n].optional = !o.uris_given && !o.backends_given;
		}
	}
	if (o.want_lxc && (o.backends_given || access(lxc_default_path(), F_OK) == 0)) {
		backend_init(&bes[n], &lxc_backend_ops, "lxc", &paths);
		bes[n].readonly = o.readonly;
		bes[n].optional = !o.backends_given;
		n++;
	}
	if (o.want_cgroup) {
		/* Read-only: containers that no backend above manages, found by their cgroup. */
		backend_init(&bes[n], &cgroup_backend_ops, "cgroup", &paths);
		bes[n].optional = !o.backends_given;
		n++;
	}
	/* The console follows libvirt's events and keepalive; batch mode needs neither. */
	if (!o.batch && backend_events_start() < 0)
		fprintf(stderr, "guesttop: no libvirt event loop: state changes show at the next refresh\n");
	if (o.batch)
		ret = batch_run(&o, bes, n, stdout);
	else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "guesttop: the console needs a terminal; use -b for batch mode\n");
		ret = 1;
	} else
		ret = console_run(&o, bes, n);
	for (size_t i = 0; i < n; i++)
		backend_close(&bes[i]);
	return ret;
}
