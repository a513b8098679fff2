/* Command-line options: one table drives the parser, the usage text and the man page's list. */
#ifndef GUESTTOP_OPTIONS_H
#define GUESTTOP_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#define OPT_MAX_URIS 8

enum output_format { FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON };

#define OPT_MAX_CONFIG_ERRORS 8
#define OPT_CONFIG_ERROR_MAX 320

struct options {
	const char *uris[OPT_MAX_URIS];	/* (borrowed from argv, environ or strings) */
	int n_uris;
	bool uris_given;		/* -c, a connect line or LIBVIRT_DEFAULT_URI: not a guess */
	bool uris_from_cmdline;		/* the command line's -c replace the config files' */
	bool want_libvirt, want_lxc, want_cgroup;
	bool backends_given;		/* --backends or a backends line: each listed backend must work */
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
	const char *prometheus_textfile;	/* write the figures there at each refresh, NULL not */
	unsigned long long columns;	/* the console's columns: bit i for enum column i; 0 = the defaults */
	unsigned char column_order[64];	/* the same columns in the order given */
	int n_column_order;
	double victim_steal_pct, victim_thr_pct, victim_lat_ms, victim_psi_pct;
	bool mono;			/* color = mono: attributes only */
	bool confirm;			/* ask before shut down, reboot, force off, suspend, save (delete always asks) */
	const char *record;		/* --record FILE: append every refresh's figures */
	const char *replay;		/* --replay FILE: show a recording instead of the host */
	const char *config_file;	/* --config FILE, read after the system's and the user's */
	bool dump_config;
	bool help, version;
	/* Lines of the config files that were refused ("FILE:LINE: reason"); their defaults stand. */
	char config_errors[OPT_MAX_CONFIG_ERRORS][OPT_CONFIG_ERROR_MAX];
	int n_config_errors;
	char **strings;			/* (owned) values read from config files */
	size_t n_strings;
};

/*
 * X(long name, short, has_arg, ARGNAME, config, default, help). config: the
 * option may also be set in a config file as "name = value" (a flag as yes
 * or no); default: its value when nothing sets it, as a config file would
 * give it (NULL: none, or computed).
 */
#define GT_OPTIONS(X) \
	X("connect", 'c', 1, "URI", 1, NULL, "watch the guests of this libvirt URI; repeatable (default: $LIBVIRT_DEFAULT_URI, else qemu:///system)") \
	X("backends", 0x105, 1, "LIST", 1, "libvirt,lxc,cgroup", "use only these backends: libvirt, lxc, cgroup, comma-separated (default: every one present)") \
	X("batch", 'b', 0, NULL, 0, NULL, "batch mode: print the table to standard output, no terminal needed") \
	X("iterations", 'n', 1, "N", 0, NULL, "batch mode: stop after N refreshes (default: until interrupted)") \
	X("delay", 'd', 1, "SECONDS", 1, "2", "refresh interval, 0.1 to 3600 (default 2)") \
	X("format", 'f', 1, "FORMAT", 1, "text", "batch output: text, csv or json (one object per guest per line; default text)") \
	X("prometheus-textfile", 0x10a, 1, "PATH", 1, NULL, "also write every guest's figures to PATH at each refresh, in the Prometheus text format (replaced atomically)") \
	X("sort", 's', 1, "COLUMN", 1, "cpu", "sort by this column, e.g. cpu, steal, rss, name (default cpu)") \
	X("invert", 'I', 0, NULL, 1, "no", "invert the sort order") \
	X("proc-root", 0x100, 1, "DIR", 1, "/proc", "read the guests' processes below DIR instead of /proc") \
	X("sys-root", 0x102, 1, "DIR", 1, "/sys", "read cgroups and network interfaces below DIR instead of /sys") \
	X("run-root", 0x101, 1, "DIR", 1, "/run", "read libvirt's runtime state below DIR instead of /run") \
	X("columns", 0x10b, 1, "LIST", 1, "default", "the console's columns, comma-separated (e.g. name,state,cpu,steal; default: the usual set)") \
	X("victim-steal", 0x10c, 1, "PERCENT", 1, "10", "a guest whose STEAL% is above this is a victim (default 10)") \
	X("victim-throttle", 0x10d, 1, "PERCENT", 1, "10", "a guest whose THR% is above this is a victim (default 10)") \
	X("victim-latency", 0x10e, 1, "MS", 1, "20", "a guest whose mean disk latency is above this is a victim (default 20)") \
	X("victim-pressure", 0x10f, 1, "PERCENT", 1, "10", "a guest whose cgroup pressure is above this is a victim (default 10)") \
	X("color", 0x110, 1, "THEME", 1, "auto", "colours: auto (colour unless NO_COLOR is set) or mono (default auto)") \
	X("confirm", 0x113, 1, "FLAG", 1, "yes", "ask yes or no before shut down, reboot, force off, suspend and save (delete always asks for the name)") \
	X("readonly", 'r', 0, NULL, 1, "no", "watch only: hide and refuse every action on guests") \
	X("shutdown-timeout", 0x103, 1, "SECONDS", 1, "60", "after a shutdown request, offer force off after SECONDS (1 to 3600, default 60)") \
	X("force-after-timeout", 0x104, 0, NULL, 1, "no", "force off without asking when a shutdown times out") \
	X("image-dirs", 0x107, 1, "DIRS", 1, "/var/lib/libvirt/images", "where the new-guest form looks for ISOs and template images, ':'-separated (default /var/lib/libvirt/images)") \
	X("record", 0x111, 1, "FILE", 0, NULL, "append every refresh's figures, with guest names, to FILE (console and batch mode)") \
	X("replay", 0x112, 1, "FILE", 0, NULL, "show a recording instead of this host: the console steps through it (Left, Right, g), batch mode prints it") \
	X("config", 0x108, 1, "FILE", 0, NULL, "also read FILE, after /etc/guesttop.conf and ~/.config/guesttop/config") \
	X("dump-config", 0x109, 0, NULL, 0, NULL, "print the settings in force as a config file (with the key bindings) and exit") \
	X("new-guest", 0x106, 0, NULL, 0, NULL, "create a guest from the KEY=VALUE settings that follow (see the man page) and exit") \
	X("help", 'h', 0, NULL, 0, NULL, "show this help and exit") \
	X("version", 'V', 0, NULL, 0, NULL, "show the version and exit")

/* The system-wide config file, read first. */
#define OPT_SYSTEM_CONFIG "/etc/guesttop.conf"

/*
 * Set o from the table's defaults, then the config files (the system's, the
 * user's $XDG_CONFIG_HOME/guesttop/config, then --config FILE), then argv.
 * A bad config line is recorded in o->config_errors and its setting keeps
 * its earlier value. On a bad option or value on the command line, or a
 * --config FILE that cannot be read, write one line to err and return -1
 * (the caller prints usage and exits 2).
 */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);
void options_free(struct options *o);
void options_usage(FILE *f, const char *prog);
/* The settings in force, as a config file that gives them back, then the key bindings. */
void options_dump_config(FILE *f, const struct options *o);
/*
 * Set these settings in the config file at path, keeping its other lines;
 * written beside it and renamed over it. path must be absent or a regular
 * file the user owns. -1 with err set otherwise.
 */
int options_save(const char *path, const char *const *keys, const char *const *values, size_t n, char *err,
		 size_t errlen);
/*
 * Check and set one setting by its config-file name, as a config line would;
 * o may keep a pointer to value. -1 with err set on a bad name or value.
 */
int options_set(struct options *o, const char *name, const char *value, char *err, size_t errlen);
/* A columns setting's text: "default", or the columns' keys comma-separated. */
void options_columns_text(const unsigned char *order, int n, char *buf, size_t len);
/* The user's config file: $XDG_CONFIG_HOME/guesttop/config, else ~/.config/guesttop/config. */
int options_user_config_path(char *buf, size_t len);

#endif
