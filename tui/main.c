/* guesttop's entry point: parse options, set up the backends, run the console or batch mode. */
#include <locale.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/libvirt.h"
#include "backends/audit.h"
#include "backends/lxc.h"
#include "config/newguest.h"
#include "widgets/text.h"
#include "config/options.h"
#include "tui/batch.h"
#include "tui/console.h"

#ifndef GUESTTOP_VERSION
#define GUESTTOP_VERSION "0.1"
#endif

/*
 * --new-guest: the same checks and messages as the form, for scripts. Each
 * error is one line naming its field; nothing is left half-made.
 */
static int run_new_guest(const struct options *o, struct backend *bes, size_t n)
{
	struct new_guest ng;
	struct ng_errors errs = { 0 };
	char err[BACKEND_ERR_MAX], info[512] = "";
	new_guest_defaults(&ng);
	for (int i = 0; i < o->n_new_guest_args; i++)
		new_guest_set(&ng, o->new_guest_args[i], &errs);
	new_guest_check(&ng, &errs);
	struct backend *be = NULL;
	const char *want = strcmp(ng.backend, "lxc") == 0 ? "lxc" : "libvirt";
	for (size_t i = 0; i < n && !be; i++)
		if (strcmp(bes[i].ops->name, want) == 0)
			be = &bes[i];
	int ret = 1;
	if (!be) {
		ng_error(&errs, "backend", "no %s backend in use", want);
	} else if (!errs.n && backend_open(be, err, sizeof(err)) < 0) {
		ng_error(&errs, "backend", "%s", err);
	} else if (!errs.n && be->readonly) {
		ng_error(&errs, "backend", "%s is watched read-only", be->uri);
	} else if (!errs.n && (!be->ops->validate_new || !be->ops->create_new)) {
		ng_error(&errs, "backend", "%s cannot create guests", be->ops->name);
	} else if (!errs.n && be->ops->validate_new(be, &ng, &errs) == 0) {
		if (be->ops->create_new(be, &ng, info, sizeof(info), &errs) == 0)
			ret = 0;
		audit_open(NULL);
		audit_record(be->uri, ng.name, "-", "create", ret == 0,
			     ret == 0 ? info : errs.n ? errs.e[0].msg : "failed");
		audit_close();
	}
	for (unsigned i = 0; i < errs.n; i++) {
		char esc[1024];
		text_escape(errs.e[i].msg, esc, sizeof(esc));
		if (errs.e[i].field[0])
			fprintf(stderr, "guesttop: %s: %s\n", errs.e[i].field, esc);
		else
			fprintf(stderr, "guesttop: %s\n", esc);
	}
	if (ret == 0)
		printf("%s\n", info);
	return ret;
}

int main(int argc, char **argv)
{
	static struct options o;	/* static: the config files' strings stay reachable to the end */
	char err[256];
	struct backend bes[OPT_MAX_URIS + 2];
	struct host_paths paths;
	int ret = 1;

	setlocale(LC_ALL, "");
	/* One kept-open descriptor per file read each refresh: allow as many as the hard limit does. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
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
	/* A refused config line is said at start-up; its setting keeps its default. */
	for (int i = 0; i < o.n_config_errors; i++)
		fprintf(stderr, "guesttop: %s\n", o.config_errors[i]);
	if (o.dump_config) {
		options_dump_config(stdout, &o);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (o.replay && o.record) {
		fprintf(stderr, "guesttop: --record and --replay cannot be used together\n");
		return 2;
	}
	if (o.replay && o.batch)
		return batch_replay(&o, stdout);
	if (o.replay) {
		/* The past needs no backend. */
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fprintf(stderr, "guesttop: the console needs a terminal; use -b for batch mode\n");
			return 1;
		}
		return console_run(&o, bes, 0);
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
	if (!o.batch && !o.new_guest && backend_events_start() < 0)
		fprintf(stderr, "guesttop: no libvirt event loop: state changes show at the next refresh\n");
	if (o.new_guest)
		ret = run_new_guest(&o, bes, n);
	else if (o.batch)
		ret = batch_run(&o, bes, n, stdout);
	else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "guesttop: the console needs a terminal; use -b for batch mode\n");
		ret = 1;
	} else
		ret = console_run(&o, bes, n);
	/* A thread stuck in a hung daemon may still use a backend: leave them to the exit. */
	for (size_t i = 0; i < n && !backend_threads_abandoned; i++)
		backend_close(&bes[i]);
	return ret;
}
