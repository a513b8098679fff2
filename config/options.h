/* Command-line options: one table drives the parser, the usage text and the man page's list. */
#ifndef GUESTTOP_OPTIONS_H
#define GUESTTOP_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#define OPT_MAX_URIS 8

enum output_format { FORMAT_TEXT, FORMAT_CSV };

struct options {
	const char *uris[OPT_MAX_URIS];	/* (borrowed from argv or environ) */
	int n_uris;
	bool uris_given;		/* -c or LIBVIRT_DEFAULT_URI: not a guess */
	bool want_libvirt, want_lxc, want_cgroup;
	bool backends_given;		/* --backends: each listed backend must work */
	bool batch;
	long iterations;		/* 0 = until interrupted */
	double delay_s;
	enum output_format format;
	int sort_column;		/* enum column */
	bool sort_invert;
	const char *proc_root;
	const char *sys_root;
	const char *run_root;
	bool readonly;
	long shutdown_timeout_s;
	bool force_after_timeout;
	const char *image_dirs;
	bool new_guest;
	char **new_guest_args;		/* (borrowed from argv) the KEY=VALUE settings */
	int n_new_guest_args;
	bool help, version;
};

/* X(long name, short, has_arg, ARGNAME, help) */
#define GT_OPTIONS(X) \
	X("connect", 'c', 1, "URI", "watch the guests of this libvirt URI; repeatable (default: $LIBVIRT_DEFAULT_URI, else qemu:///system)") \
	X("backends", 0x105, 1, "LIST", "use only these backends: libvirt, lxc, cgroup, comma-separated (default: every one present)") \
	X("batch", 'b', 0, NULL, "batch mode: print the table to standard output, no terminal needed") \
	X("iterations", 'n', 1, "N", "batch mode: stop after N refreshes (default: until interrupted)") \
	X("delay", 'd', 1, "SECONDS", "refresh interval, 0.1 to 3600 (default 2)") \
	X("format", 'f', 1, "FORMAT", "batch output: text or csv (default text)") \
	X("sort", 's', 1, "COLUMN", "sort by this column, e.g. cpu, steal, rss, name (default cpu)") \
	X("invert", 'I', 0, NULL, "invert the sort order") \
	X("proc-root", 0x100, 1, "DIR", "read the guests' processes below DIR instead of /proc") \
	X("sys-root", 0x102, 1, "DIR", "read cgroups and network interfaces below DIR instead of /sys") \
	X("run-root", 0x101, 1, "DIR", "read libvirt's runtime state below DIR instead of /run") \
	X("readonly", 'r', 0, NULL, "watch only: hide and refuse every action on guests") \
	X("shutdown-timeout", 0x103, 1, "SECONDS", "after a shutdown request, offer force off after SECONDS (1 to 3600, default 60)") \
	X("force-after-timeout", 0x104, 0, NULL, "force off without asking when a shutdown times out") \
	X("image-dirs", 0x107, 1, "DIRS", "where the new-guest form looks for ISOs and template images, ':'-separated (default /var/lib/libvirt/images)") \
	X("new-guest", 0x106, 0, NULL, "create a guest from the KEY=VALUE settings that follow (see the man page) and exit") \
	X("help", 'h', 0, NULL, "show this help and exit") \
	X("version", 'V', 0, NULL, "show the version and exit")

/*
 * Parse argv into o. On a bad option or value, write one line to err and
 * return -1 (the caller prints usage and exits 2).
 */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);
void options_usage(FILE *f, const char *prog);

#endif
