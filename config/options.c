/* Parse the command line against the options table; every value is checked, nothing is guessed. */
#include "config/options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tui/columns.h"

void options_usage(FILE *f, const char *prog)
{
	fprintf(f, "Usage: %s [OPTION]...\n"
		   "Watch and rank the guests of a virtualization host by what they cost it.\n\n",
		prog);
#define X(lname, sname, has_arg, argname, help)                                                  \
	{                                                                                        \
		char left[64];                                                                   \
		if ((sname) < 0x100)                                                             \
			snprintf(left, sizeof(left), "-%c, --%s%s%s", (char)(sname), lname,      \
				 has_arg ? " " : "", has_arg ? (const char *)argname : "");      \
		else                                                                             \
			snprintf(left, sizeof(left), "    --%s%s%s", lname, has_arg ? " " : "",  \
				 has_arg ? (const char *)argname : "");                          \
		fprintf(f, "  %-34s %s\n", left, help);                                          \
	}
	GT_OPTIONS(X)
#undef X
	fprintf(f, "\nIn the console: F1 or h for help, q or F10 to quit.\n");
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static const struct option longopts[] = {
#define X(lname, sname, has_arg, argname, help) { lname, has_arg ? required_argument : no_argument, NULL, sname },
	GT_OPTIONS(X)
#undef X
	{ NULL, 0, NULL, 0 }
};

/* The option getopt complained about, as the user typed it: "--delay" or "-d". */
static void name_option(int code, const char *arg, char *buf, size_t len)
{
	if (arg && arg[0] == '-' && arg[1] == '-') {
		size_t l = strcspn(arg, "=");
		snprintf(buf, len, "%.*s", (int)(l < 64 ? l : 64), arg);
		return;
	}
	for (const struct option *lo = longopts; lo->name; lo++) {
		if (lo->val == code) {
			if (code < 0x100)
				snprintf(buf, len, "-%c", code);
			else
				snprintf(buf, len, "--%s", lo->name);
			return;
		}
	}
	if (code > 32 && code < 127)
		snprintf(buf, len, "-%c", code);
	else
		snprintf(buf, len, "%.64s", arg ? arg : "?");
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
	char shortopts[64] = ":";
	size_t sl = 1;
#define X(lname, sname, has_arg, argname, help)          \
	if ((sname) < 0x100) {                           \
		shortopts[sl++] = (char)(sname);         \
		if (has_arg)                             \
			shortopts[sl++] = ':';           \
	}
	GT_OPTIONS(X)
#undef X
	shortopts[sl] = '\0';

	memset(o, 0, sizeof(*o));
	o->delay_s = 2.0;
	o->format = FORMAT_TEXT;
	o->sort_column = COL_CPU;
	o->shutdown_timeout_s = 60;
	o->image_dirs = "/var/lib/libvirt/images";
	o->want_libvirt = o->want_lxc = o->want_cgroup = true;
	o->proc_root = "/proc";
	o->sys_root = "/sys";
	o->run_root = "/run";

	optind = 0;	/* 0, not 1: also resets glibc's state inside a group like -bz */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (o->n_uris == OPT_MAX_URIS) {
				snprintf(err, errlen, "at most %d URIs", OPT_MAX_URIS);
				return -1;
			}
			if (!optarg[0]) {
				snprintf(err, errlen, "empty URI");
				return -1;
			}
			o->uris[o->n_uris++] = optarg;
			break;
		case 'b':
			o->batch = true;
			break;
		case 0x105: {
			char list[128];
			snprintf(list, sizeof(list), "%s", optarg);
			o->want_libvirt = o->want_lxc = o->want_cgroup = false;
			o->backends_given = true;
			for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
				if (strcmp(t, "libvirt") == 0)
					o->want_libvirt = true;
				else if (strcmp(t, "lxc") == 0)
					o->want_lxc = true;
				else if (strcmp(t, "cgroup") == 0)
					o->want_cgroup = true;
				else {
					snprintf(err, errlen, "unknown backend '%.32s' (libvirt, lxc, cgroup)", t);
					return -1;
				}
			}
			if (!o->want_libvirt && !o->want_lxc && !o->want_cgroup) {
				snprintf(err, errlen, "--backends needs at least one of libvirt, lxc, cgroup");
				return -1;
			}
			break;
		}
		case 'n':
			if (parse_long(optarg, 1, 1000000000L, &o->iterations) < 0) {
				snprintf(err, errlen, "invalid iteration count '%.64s' (a whole number >= 1)", optarg);
				return -1;
			}
			break;
		case 'd': {
			char *end;
			errno = 0;
			double d = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(d) || d < 0.1 || d > 3600) {
				snprintf(err, errlen, "invalid delay '%.64s' (seconds, 0.1 to 3600)", optarg);
				return -1;
			}
			o->delay_s = d;
			break;
		}
		case 'f':
			if (strcmp(optarg, "text") == 0)
				o->format = FORMAT_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				o->format = FORMAT_CSV;
			else {
				snprintf(err, errlen, "invalid format '%.64s' (text or csv)", optarg);
				return -1;
			}
			break;
		case 's': {
			int col = column_by_name(optarg);
			if (col < 0) {
				snprintf(err, errlen, "unknown sort column '%.64s'", optarg);
				return -1;
			}
			o->sort_column = col;
			break;
		}
		case 'I':
			o->sort_invert = true;
			break;
		case 0x100:
			o->proc_root = optarg;
			break;
		case 0x102:
			o->sys_root = optarg;
			break;
		case 0x101:
			o->run_root = optarg;
			break;
		case 'r':
			o->readonly = true;
			break;
		case 0x103:
			if (parse_long(optarg, 1, 3600, &o->shutdown_timeout_s) < 0) {
				snprintf(err, errlen, "invalid shutdown timeout '%.64s' (seconds, 1 to 3600)", optarg);
				return -1;
			}
			break;
		case 0x104:
			o->force_after_timeout = true;
			break;
		case 0x106:
			o->new_guest = true;
			break;
		case 0x107:
			o->image_dirs = optarg;
			break;
		case 'h':
			o->help = true;
			break;
		case 'V':
			o->version = true;
			break;
		case ':': {
			char name[80];
			name_option(optopt, argv[optind - 1], name, sizeof(name));
			snprintf(err, errlen, "option '%s' needs a value", name);
			return -1;
		}
		default: {
			char name[80];
			const char *arg = argv[optind - 1];
			/* getopt says '?' both for an unknown option and for a value given to a flag. */
			name_option(optopt, arg, name, sizeof(name));
			if (optopt && arg[0] == '-' && arg[1] == '-' && strchr(arg, '='))
				snprintf(err, errlen, "option '%s' takes no value", name);
			else if (optopt && optopt < 0x100 && arg[0] == '-' && arg[1] != '-')
				snprintf(err, errlen, "unknown option '-%c'", optopt);
			else
				snprintf(err, errlen, "unknown option '%s'", name);
			return -1;
		}
		}
	}
	if (optind < argc && !o->new_guest) {
		snprintf(err, errlen, "unexpected argument '%.64s'", argv[optind]);
		return -1;
	}
	if (o->new_guest) {
		o->new_guest_args = argv + optind;
		o->n_new_guest_args = argc - optind;
		if (!o->n_new_guest_args) {
			snprintf(err, errlen, "--new-guest needs KEY=VALUE settings, at least name= and iso= or template=");
			return -1;
		}
	}
	o->uris_given = o->n_uris > 0;
	if (o->n_uris == 0) {
		const char *env = getenv("LIBVIRT_DEFAULT_URI");
		o->uris_given = env && env[0];
		o->uris[o->n_uris++] = env && env[0] ? env : "qemu:///system";
	}
	return 0;
}
