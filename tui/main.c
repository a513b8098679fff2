/* guesttop's entry point: parse options, set up the backends, run the console or batch mode. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/libvirt.h"
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
	struct backend bes[OPT_MAX_URIS];
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
	paths = (struct host_paths){ o.proc_root, o.run_root };
	for (int i = 0; i < o.n_uris; i++) {
		if (backend_init(&bes[i], &libvirt_backend_ops, o.uris[i], &paths) < 0) {
			fprintf(stderr, "guesttop: URI too long: %.64s...\n", o.uris[i]);
			return 2;
		}
		bes[i].readonly = o.readonly;
	}
	/* The console follows libvirt's events and keepalive; batch mode needs neither. */
	if (!o.batch && backend_events_start() < 0)
		fprintf(stderr, "guesttop: no libvirt event loop: state changes show at the next refresh\n");
	if (o.batch)
		ret = batch_run(&o, bes, (size_t)o.n_uris, stdout);
	else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "guesttop: the console needs a terminal; use -b for batch mode\n");
		ret = 1;
	} else
		ret = console_run(&o, bes, (size_t)o.n_uris);
	for (int i = 0; i < o.n_uris; i++)
		backend_close(&bes[i]);
	return ret;
}
