/* Parse the command line against the options table; every value is checked, nothing is guessed. */
#include "config/options.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/keymap.h"
#include "tui/columns.h"

void options_usage(FILE *f, const char *prog)
{
	fprintf(f, "Usage: %s [OPTION]...\n"
		   "Watch and rank the guests of a virtualization host by what they cost it.\n\n",
		prog);
#define X(lname, sname, has_arg, argname, cfg, def, help)                                         \
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
#define X(lname, sname, has_arg, argname, cfg, def, help) { lname, has_arg ? required_argument : no_argument, NULL, sname },
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

_Static_assert(COL_COUNT_ <= 64, "the columns setting is a 64-bit mask");

/* Where a value comes from: the table's default, a config file, or the command line. */
enum source { SRC_DEFAULT, SRC_FILE, SRC_CMDLINE };

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/*
 * Apply one option. val is NULL for a flag given on the command line, else
 * it must outlive o (argv, or o->strings). Returns -1 with err set on a bad
 * value, leaving o as it was for this option.
 */
static int apply(struct options *o, int code, const char *val, enum source src, char *err, size_t errlen)
{
	bool flag = true;
	switch (code) {
	case 'I': case 'r': case 0x104: case 'b': case 0x113:
		if (val && parse_bool(val, &flag) < 0) {
			snprintf(err, errlen, "invalid value '%.64s' (yes or no)", val);
			return -1;
		}
		break;
	default:
		break;
	}
	switch (code) {
	case 'c':
		if (!val[0]) {
			snprintf(err, errlen, "empty URI");
			return -1;
		}
		/* The command line's URIs replace the config files'. */
		if (src == SRC_CMDLINE && !o->uris_from_cmdline) {
			o->n_uris = 0;
			o->uris_from_cmdline = true;
		}
		if (o->n_uris == OPT_MAX_URIS) {
			snprintf(err, errlen, "at most %d URIs", OPT_MAX_URIS);
			return -1;
		}
		o->uris[o->n_uris++] = val;
		break;
	case 'b':
		o->batch = flag;
		break;
	case 0x105: {
		char list[128];
		bool lv = false, lx = false, cg = false;
		snprintf(list, sizeof(list), "%s", val);
		for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (strcmp(t, "libvirt") == 0)
				lv = true;
			else if (strcmp(t, "lxc") == 0)
				lx = true;
			else if (strcmp(t, "cgroup") == 0)
				cg = true;
			else {
				snprintf(err, errlen, "unknown backend '%.32s' (libvirt, lxc, cgroup)", t);
				return -1;
			}
		}
		if (!lv && !lx && !cg) {
			snprintf(err, errlen, "--backends needs at least one of libvirt, lxc, cgroup");
			return -1;
		}
		o->want_libvirt = lv;
		o->want_lxc = lx;
		o->want_cgroup = cg;
		o->backends_given = src != SRC_DEFAULT;
		break;
	}
	case 'n':
		if (parse_long(val, 1, 1000000000L, &o->iterations) < 0) {
			snprintf(err, errlen, "invalid iteration count '%.64s' (a whole number >= 1)", val);
			return -1;
		}
		break;
	case 'd': {
		char *end;
		errno = 0;
		double d = strtod(val, &end);
		if (errno || end == val || *end || !isfinite(d) || d < 0.1 || d > 3600) {
			snprintf(err, errlen, "invalid delay '%.64s' (seconds, 0.1 to 3600)", val);
			return -1;
		}
		o->delay_s = d;
		break;
	}
	case 'f':
		if (strcmp(val, "text") == 0)
			o->format = FORMAT_TEXT;
		else if (strcmp(val, "csv") == 0)
			o->format = FORMAT_CSV;
		else if (strcmp(val, "json") == 0)
			o->format = FORMAT_JSON;
		else {
			snprintf(err, errlen, "invalid format '%.64s' (text, csv or json)", val);
			return -1;
		}
		break;
	case 's': {
		int col = column_by_name(val);
		if (col < 0) {
			snprintf(err, errlen, "unknown sort column '%.64s'", val);
			return -1;
		}
		o->sort_column = col;
		break;
	}
	case 'I':
		o->sort_invert = flag;
		break;
	case 0x100:
		o->proc_root = val;
		break;
	case 0x102:
		o->sys_root = val;
		break;
	case 0x101:
		o->run_root = val;
		break;
	case 'r':
		o->readonly = flag;
		break;
	case 0x103:
		if (parse_long(val, 1, 3600, &o->shutdown_timeout_s) < 0) {
			snprintf(err, errlen, "invalid shutdown timeout '%.64s' (seconds, 1 to 3600)", val);
			return -1;
		}
		break;
	case 0x104:
		o->force_after_timeout = flag;
		break;
	case 0x113:
		if (!val) {
			snprintf(err, errlen, "--confirm needs yes or no");
			return -1;
		}
		o->confirm = flag;
		break;
	case 0x106:
		o->new_guest = true;
		break;
	case 0x107:
		o->image_dirs = val;
		break;
	case 0x108:
		o->config_file = val;
		break;
	case 0x10b: {
		if (strcmp(val, "default") == 0) {
			o->columns = 0;
			o->n_column_order = 0;
			break;
		}
		char list[512];
		unsigned long long mask = 0;
		unsigned char order[64];
		int n = 0;
		snprintf(list, sizeof(list), "%s", val);
		for (char *save = NULL, *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
			int col = column_by_name(t);
			if (col < 0 || col >= 64) {
				snprintf(err, errlen, "unknown column '%.32s'", t);
				return -1;
			}
			if (mask & (1ull << col))
				continue;	/* named twice: the first place counts */
			mask |= 1ull << col;
			order[n++] = (unsigned char)col;
		}
		if (!(mask & (1ull << COL_NAME))) {
			snprintf(err, errlen, "the columns must include name");
			return -1;
		}
		o->columns = mask;
		memcpy(o->column_order, order, (size_t)n);
		o->n_column_order = n;
		break;
	}
	case 0x10c: case 0x10d: case 0x10e: case 0x10f: {
		char *end;
		errno = 0;
		double d = strtod(val, &end);
		if (errno || end == val || *end || !isfinite(d) || d < 0 || d > 100000) {
			snprintf(err, errlen, "invalid threshold '%.64s' (a number >= 0)", val);
			return -1;
		}
		*(code == 0x10c ? &o->victim_steal_pct : code == 0x10d ? &o->victim_thr_pct :
		  code == 0x10e ? &o->victim_lat_ms : &o->victim_psi_pct) = d;
		break;
	}
	case 0x110:
		if (strcmp(val, "auto") != 0 && strcmp(val, "mono") != 0) {
			snprintf(err, errlen, "invalid color '%.64s' (auto or mono)", val);
			return -1;
		}
		o->mono = strcmp(val, "mono") == 0;
		break;
	case 0x111:
	case 0x112:
		if (!val[0]) {
			snprintf(err, errlen, "empty file name");
			return -1;
		}
		*(code == 0x111 ? &o->record : &o->replay) = val;
		break;
	case 0x10a:
		if (!val[0]) {
			snprintf(err, errlen, "empty path for the Prometheus textfile");
			return -1;
		}
		o->prometheus_textfile = val;
		break;
	case 0x109:
		o->dump_config = true;
		break;
	case 'h':
		o->help = true;
		break;
	case 'V':
		o->version = true;
		break;
	default:
		snprintf(err, errlen, "unknown option");
		return -1;
	}
	return 0;
}

static const char *keep_string(struct options *o, const char *v)
{
	char **n = realloc(o->strings, (o->n_strings + 1) * sizeof(*n));
	if (!n)
		return NULL;
	o->strings = n;
	if (!(n[o->n_strings] = strdup(v)))
		return NULL;
	return n[o->n_strings++];
}

static void config_error(struct options *o, const char *path, int line, const char *msg)
{
	if (o->n_config_errors == OPT_MAX_CONFIG_ERRORS)
		return;
	snprintf(o->config_errors[o->n_config_errors++], OPT_CONFIG_ERROR_MAX, "%.120s:%d: %.180s", path, line, msg);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t l = strlen(s);
	while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\n' || s[l - 1] == '\r'))
		s[--l] = '\0';
	return s;
}

/* An option's code by its long name, and whether a config file may set it; -1 if none. */
static int option_code(const char *name, bool *cfg)
{
#define X(lname, sname, has_arg, argname, cf, def, help) \
	if (strcmp(name, lname) == 0) {                   \
		*cfg = cf;                                \
		return sname;                             \
	}
	GT_OPTIONS(X)
#undef X
	return -1;
}

/* One "name = value" or "bind KEY ACTION" line; an error message, or NULL when it applied. */
static const char *config_line(struct options *o, char *line, char *err, size_t errlen)
{
	if (strncmp(line, "bind", 4) == 0 && (line[4] == ' ' || line[4] == '\t')) {
		char *rest = trim(line + 4), *sp = rest + strcspn(rest, " \t");
		if (!*sp) {
			snprintf(err, errlen, "bind needs a key and an action (bind KEY ACTION)");
			return err;
		}
		*sp = '\0';
		return keymap_bind(rest, trim(sp + 1), err, errlen) < 0 ? err : NULL;
	}
	char *eq = strchr(line, '=');
	if (!eq) {
		snprintf(err, errlen, "expected 'name = value' or 'bind KEY ACTION'");
		return err;
	}
	*eq = '\0';
	const char *name = trim(line), *val = trim(eq + 1);
	bool cfg = false;
	int code = option_code(name, &cfg);
	if (code < 0 || !cfg) {
		snprintf(err, errlen, code < 0 ? "unknown setting '%.64s'" : "'%.64s' is for the command line only",
			 name);
		return err;
	}
	const char *kept = keep_string(o, val);
	if (!kept) {
		snprintf(err, errlen, "out of memory");
		return err;
	}
	return apply(o, code, kept, SRC_FILE, err, errlen) < 0 ? err : NULL;
}

/* Read one config file. A missing file is no error unless must_exist; -1 then, with err set. */
static int read_config(struct options *o, const char *path, bool must_exist, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		if (!must_exist && errno == ENOENT)
			return 0;
		if (must_exist) {
			snprintf(err, errlen, "cannot read config file %.200s: %s", path, strerror(errno));
			return -1;
		}
		config_error(o, path, 0, strerror(errno));
		return 0;
	}
	char buf[1024], msg[OPT_CONFIG_ERROR_MAX];
	int n = 0, ch = 0;
	while (ch != EOF) {
		/* One line, its length known: a NUL byte in it is said, not taken for its end. */
		size_t len = 0;
		bool nul = false, too_long = false;
		while ((ch = getc(f)) != EOF && ch != '\n') {
			if (ch == '\0')
				nul = true;
			else if (len < sizeof(buf) - 1)
				buf[len++] = (char)ch;
			else
				too_long = true;
		}
		if (ch == EOF && len == 0 && !nul && !too_long)
			break;
		buf[len] = '\0';
		n++;
		if (too_long || nul) {
			config_error(o, path, n, too_long ? "line too long" : "NUL byte in line");
			continue;
		}
		char *line = trim(buf);
		if (!line[0] || line[0] == '#')
			continue;
		const char *e = config_line(o, line, msg, sizeof(msg));
		if (e)
			config_error(o, path, n, e);
	}
	if (ferror(f))
		config_error(o, path, n, strerror(errno));
	fclose(f);
	return 0;
}

int options_user_config_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/guesttop/config", xdg);
	else if (home && home[0])
		n = snprintf(buf, len, "%s/.config/guesttop/config", home);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

void options_free(struct options *o)
{
	for (size_t i = 0; i < o->n_strings; i++)
		free(o->strings[i]);
	free(o->strings);
	o->strings = NULL;
	o->n_strings = 0;
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
	char shortopts[64] = ":";
	size_t sl = 1;
#define X(lname, sname, has_arg, argname, cfg, def, help) \
	if ((sname) < 0x100) {                           \
		shortopts[sl++] = (char)(sname);         \
		if (has_arg)                             \
			shortopts[sl++] = ':';           \
	}
	GT_OPTIONS(X)
#undef X
	shortopts[sl] = '\0';

	memset(o, 0, sizeof(*o));
	keymap_reset();
	/* The table's defaults, through the same code as any other value. */
#define X(lname, sname, has_arg, argname, cfg, def, help)                                  \
	if ((def) && apply(o, sname, def, SRC_DEFAULT, err, errlen) < 0) {                 \
		snprintf(err, errlen, "bad default for %s", lname);                         \
		return -1;                                                                 \
	}
	GT_OPTIONS(X)
#undef X

	/* --config FILE is needed before the command line is applied: find it first. */
	optind = 0;	/* 0, not 1: also resets glibc's state inside a group like -bz */
	opterr = 0;
	int c;
	const char *config_file = NULL;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
		if (c == 0x108)
			config_file = optarg;
	read_config(o, OPT_SYSTEM_CONFIG, false, err, errlen);
	char user[4096];
	if (options_user_config_path(user, sizeof(user)) == 0)
		read_config(o, user, false, err, errlen);
	if (config_file && read_config(o, config_file, true, err, errlen) < 0)
		return -1;

	optind = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case ':': {
			char name[80];
			name_option(optopt, argv[optind - 1], name, sizeof(name));
			snprintf(err, errlen, "option '%s' needs a value", name);
			return -1;
		}
		case '?': {
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
		default:
			if (apply(o, c, optarg, SRC_CMDLINE, err, errlen) < 0)
				return -1;
			break;
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

void options_columns_text(const unsigned char *order, int n, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	if (!n) {
		snprintf(buf, len, "default");
		return;
	}
	for (int i = 0; i < n; i++) {
		char key[32];
		column_key(order[i], key, sizeof(key));
		int w = snprintf(buf + o, len - o, "%s%s", o ? "," : "", key);
		if (w < 0 || (size_t)w >= len - o)
			break;
		o += (size_t)w;
	}
}

/* One setting's value as a config file gives it. */
static void value_of(const struct options *o, int code, char *buf, size_t len)
{
	buf[0] = '\0';
	switch (code) {
	case 0x105:
		snprintf(buf, len, "%s%s%s%s%s", o->want_libvirt ? "libvirt" : "",
			 o->want_libvirt && (o->want_lxc || o->want_cgroup) ? "," : "", o->want_lxc ? "lxc" : "",
			 o->want_lxc && o->want_cgroup ? "," : "", o->want_cgroup ? "cgroup" : "");
		break;
	case 'd': snprintf(buf, len, "%g", o->delay_s); break;
	case 'f': snprintf(buf, len, "%s", o->format == FORMAT_CSV ? "csv" : o->format == FORMAT_JSON ? "json" : "text"); break;
	case 0x10a: snprintf(buf, len, "%s", o->prometheus_textfile ? o->prometheus_textfile : ""); break;
	case 's': column_key(o->sort_column, buf, len); break;
	case 'I': snprintf(buf, len, "%s", o->sort_invert ? "yes" : "no"); break;
	case 0x100: snprintf(buf, len, "%s", o->proc_root); break;
	case 0x102: snprintf(buf, len, "%s", o->sys_root); break;
	case 0x101: snprintf(buf, len, "%s", o->run_root); break;
	case 'r': snprintf(buf, len, "%s", o->readonly ? "yes" : "no"); break;
	case 0x103: snprintf(buf, len, "%ld", o->shutdown_timeout_s); break;
	case 0x104: snprintf(buf, len, "%s", o->force_after_timeout ? "yes" : "no"); break;
	case 0x107: snprintf(buf, len, "%s", o->image_dirs); break;
	case 0x10b: options_columns_text(o->column_order, o->n_column_order, buf, len); break;
	case 0x10c: snprintf(buf, len, "%g", o->victim_steal_pct); break;
	case 0x10d: snprintf(buf, len, "%g", o->victim_thr_pct); break;
	case 0x10e: snprintf(buf, len, "%g", o->victim_lat_ms); break;
	case 0x10f: snprintf(buf, len, "%g", o->victim_psi_pct); break;
	case 0x110: snprintf(buf, len, "%s", o->mono ? "mono" : "auto"); break;
	case 0x113: snprintf(buf, len, "%s", o->confirm ? "yes" : "no"); break;
	default: break;
	}
}

/* What an unset setting is shown with in a dump. */
static const char *placeholder(const char *argname)
{
	return argname ? argname : "yes";
}

void options_dump_config(FILE *f, const struct options *o)
{
	fprintf(f, "# guesttop settings, as guesttop --dump-config printed them.\n"
		   "# Read from %s, then $XDG_CONFIG_HOME/guesttop/config (default\n"
		   "# ~/.config/guesttop/config), then --config FILE; the command line wins.\n\n",
		OPT_SYSTEM_CONFIG);
	char v[4096];
#define X(lname, sname, has_arg, argname, cfg, def, help)                                  \
	if ((cfg) && (sname) == 'c') {                                                      \
		for (int i = 0; i < o->n_uris; i++)                                         \
			fprintf(f, "%s%s = %s\n", o->uris_given ? "" : "# ", lname, o->uris[i]); \
	} else if (cfg) {                                                                   \
		value_of(o, sname, v, sizeof(v));                                           \
		if (v[0])                                                                   \
			fprintf(f, "%s = %s\n", lname, v);                                  \
		else                                                                        \
			fprintf(f, "# %s = %s\n", lname, placeholder(argname));            \
	}
	GT_OPTIONS(X)
#undef X
	fprintf(f, "\n# Keys: bind KEY ACTION (ACTION none unbinds the key).\n");
	keymap_dump(f);
}

/*
 * Set these settings in the config file at path, keeping its other lines
 * (comments, bindings, other settings) as they are: a setting's last line is
 * replaced, or one is added. The file is written to a temporary file beside
 * it and renamed over it; path must be absent or a regular file the user
 * owns (a symbolic link is refused, never followed).
 */
int options_save(const char *path, const char *const *keys, const char *const *values, size_t n, char *err,
		 size_t errlen)
{
	struct stat st;
	if (lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "%.200s is not a regular file: not replaced", path);
			return -1;
		}
		if (st.st_uid != geteuid()) {
			snprintf(err, errlen, "%.200s belongs to another user: not replaced", path);
			return -1;
		}
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "%.200s: %s", path, strerror(errno));
		return -1;
	} else {
		st.st_mode = 0644;
	}
	/* The directory, made private when it is new. */
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		char parent[4096];
		snprintf(parent, sizeof(parent), "%s", dir);
		char *ps = strrchr(parent, '/');
		if (ps && ps != parent) {
			*ps = '\0';
			mkdir(parent, 0700);
		}
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "%.200s: %s", dir, strerror(errno));
			return -1;
		}
	}
	/* The old lines, up to 1,000 of up to 1 KiB. */
	char *lines[1000];
	size_t nl = 0;
	FILE *in = fopen(path, "re");
	char buf[1024];
	while (in && nl < 1000 && fgets(buf, sizeof(buf), in))
		if (!(lines[nl++] = strdup(buf)))
			nl--;
	if (in)
		fclose(in);
	bool *done = calloc(n ? n : 1, sizeof(*done));
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	unlink(tmp);
	int fd = done ? open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 0777) : -1;
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
	int ret = -1;
	if (!out) {
		snprintf(err, errlen, "%.200s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto cleanup;
	}
	for (size_t i = 0; i < nl; i++) {
		/* A line that sets one of these keys, and is its last: the new value instead. */
		const char *l = lines[i];
		while (*l == ' ' || *l == '\t')
			l++;
		size_t kl = strcspn(l, " \t=");
		size_t k = n;
		for (size_t j = 0; j < n; j++)
			if (strlen(keys[j]) == kl && strncmp(l, keys[j], kl) == 0 && l[kl + strspn(l + kl, " \t")] == '=')
				k = j;
		bool later = false;
		for (size_t m2 = i + 1; k < n && m2 < nl; m2++) {
			const char *l2 = lines[m2];
			while (*l2 == ' ' || *l2 == '\t')
				l2++;
			if (strncmp(l2, keys[k], kl) == 0 && (l2[kl] == ' ' || l2[kl] == '=' || l2[kl] == '\t'))
				later = true;
		}
		if (k < n && !later) {
			fprintf(out, "%s = %s\n", keys[k], values[k]);
			done[k] = true;
		} else if (k == n) {
			fputs(lines[i], out);
		}
	}
	for (size_t j = 0; j < n; j++)
		if (!done[j])
			fprintf(out, "%s = %s\n", keys[j], values[j]);
	bool bad = fflush(out) != 0 || ferror(out) || fsync(fileno(out)) != 0;
	if (fclose(out) != 0)
		bad = true;
	if (bad || rename(tmp, path) != 0) {
		snprintf(err, errlen, "%.200s: %s", path, strerror(errno));
		unlink(tmp);
		goto cleanup;
	}
	ret = 0;
cleanup:
	for (size_t i = 0; i < nl; i++)
		free(lines[i]);
	free(done);
	return ret;
}

int options_set(struct options *o, const char *name, const char *value, char *err, size_t errlen)
{
	bool cfg = false;
	int code = option_code(name, &cfg);
	if (code < 0 || !cfg) {
		snprintf(err, errlen, "unknown setting '%.64s'", name);
		return -1;
	}
	/* The value must outlive o: only settings that copy it, or a probe that is then dropped. */
	return apply(o, code, value, SRC_FILE, err, errlen);
}
