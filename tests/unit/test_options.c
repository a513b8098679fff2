/* Tests of the command-line parser: defaults, repeatable -c, the environment, and every refusal. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdio.h>

#include "config/options.h"
#include "tests/unit/unit.h"
#include "tui/columns.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

/* getopt may permute argv: give it a writable copy that outlives the options (uris borrow it). */
struct args {
	char *v[32];
	int c;
};

static int parse(struct args *a, struct options *o, char *err, size_t errlen, const char *const *argv)
{
	a->c = 0;
	for (; argv[a->c]; a->c++) {
		ck_assert_int_lt(a->c, 31);
		a->v[a->c] = strdup(argv[a->c]);
		ck_assert_ptr_nonnull(a->v[a->c]);
	}
	a->v[a->c] = NULL;
	err[0] = '\0';
	return options_parse(o, a->c, a->v, err, errlen);
}

static void args_free(struct args *a)
{
	for (int i = 0; i < a->c; i++)
		free(a->v[i]);
	a->c = 0;
}

static void no_env(void)
{
	unsetenv("LIBVIRT_DEFAULT_URI");
	/* No user config file of the machine running the tests. */
	setenv("XDG_CONFIG_HOME", "/nonexistent/guesttop-unit-tests", 1);
}

START_TEST(defaults)
{
	static const char *const argv[] = { "guesttop", NULL };
	struct args a;
	struct options o;
	char err[256];
	no_env();
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv), 0);
	ck_assert_int_eq(o.n_uris, 1);
	ck_assert_str_eq(o.uris[0], "qemu:///system");
	ck_assert(!o.batch);
	ck_assert_int_eq(o.iterations, 0);
	ck_assert_double_eq(o.delay_s, 2.0);
	ck_assert_int_eq(o.format, FORMAT_TEXT);
	ck_assert_int_eq(o.sort_column, COL_CPU);
	ck_assert(!o.sort_invert);
	ck_assert_str_eq(o.proc_root, "/proc");
	ck_assert_str_eq(o.run_root, "/run");
	ck_assert(!o.help);
	ck_assert(!o.version);
	args_free(&a);
}
END_TEST

START_TEST(every_option)
{
	static const char *const argv[] = {
		"guesttop", "-b", "-n", "5", "-d", "0.5", "--format", "csv", "-s", "steal", "-I",
		"--proc-root=tests/fixtures/kvm-v1-hybrid/proc",
		"--run-root", "/fx/run", "-c", "test:///default", NULL
	};
	struct args a;
	struct options o;
	char err[256];
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv), 0);
	ck_assert(o.batch);
	ck_assert_int_eq(o.iterations, 5);
	ck_assert_double_eq_tol(o.delay_s, 0.5, 1e-12);
	ck_assert_int_eq(o.format, FORMAT_CSV);
	ck_assert_int_eq(o.sort_column, COL_STEAL);
	ck_assert(o.sort_invert);
	ck_assert_str_eq(o.proc_root, "tests/fixtures/kvm-v1-hybrid/proc");
	ck_assert_str_eq(o.run_root, "/fx/run");
	ck_assert_int_eq(o.n_uris, 1);
	ck_assert_str_eq(o.uris[0], "test:///default");
	args_free(&a);
}
END_TEST

START_TEST(grouped_short_options_and_help)
{
	static const char *const argv[] = { "guesttop", "-bI", "-hV", "-n3", NULL };
	struct args a;
	struct options o;
	char err[256];
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv), 0);
	ck_assert(o.batch);
	ck_assert(o.sort_invert);
	ck_assert(o.help);
	ck_assert(o.version);
	ck_assert_int_eq(o.iterations, 3);
	args_free(&a);
}
END_TEST

START_TEST(connect_repeatable_in_order)
{
	static const char *const argv[] = { "guesttop", "-c", "qemu:///system", "--connect", "lxc:///system",
					    "-cqemu+ssh://h/system", NULL };
	struct args a;
	struct options o;
	char err[256];
	setenv("LIBVIRT_DEFAULT_URI", "test:///default", 1);
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv), 0);
	ck_assert_int_eq(o.n_uris, 3);
	ck_assert_str_eq(o.uris[0], "qemu:///system");
	ck_assert_str_eq(o.uris[1], "lxc:///system");
	ck_assert_str_eq(o.uris[2], "qemu+ssh://h/system");
	args_free(&a);
	no_env();
}
END_TEST

START_TEST(connect_limit)
{
	const char *argv[2 + 2 * (OPT_MAX_URIS + 1)];
	int n = 0;
	argv[n++] = "guesttop";
	for (int i = 0; i < OPT_MAX_URIS; i++) {
		argv[n++] = "-c";
		argv[n++] = "test:///default";
	}
	argv[n] = NULL;
	struct args a;
	struct options o;
	char err[256];
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv), 0);
	ck_assert_int_eq(o.n_uris, OPT_MAX_URIS);
	args_free(&a);
	argv[n++] = "-c";
	argv[n++] = "test:///default";
	argv[n] = NULL;
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv), -1);
	ck_assert_uint_gt(strlen(err), 0);
	args_free(&a);
}
END_TEST

START_TEST(env_uri_used_without_connect)
{
	static const char *const argv[] = { "guesttop", "-b", NULL };
	struct args a;
	struct options o;
	char err[256];
	setenv("LIBVIRT_DEFAULT_URI", "lxc:///system", 1);
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv), 0);
	ck_assert_int_eq(o.n_uris, 1);
	ck_assert_str_eq(o.uris[0], "lxc:///system");
	args_free(&a);
	/* An empty variable is as good as none. */
	setenv("LIBVIRT_DEFAULT_URI", "", 1);
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv), 0);
	ck_assert_str_eq(o.uris[0], "qemu:///system");
	args_free(&a);
	no_env();
}
END_TEST

/* Each of these must give -1 and an error line naming the problem. */
static const struct {
	const char *argv[6];
	const char *needle;	/* expected in the error text */
} bad_cases[] = {
	{ { "guesttop", "-n", "0", NULL }, "'0'" },
	{ { "guesttop", "-n", "-1", NULL }, "'-1'" },
	{ { "guesttop", "-n", "5x", NULL }, "'5x'" },
	{ { "guesttop", "-n", "99999999999999999999", NULL }, "iteration" },
	{ { "guesttop", "--iterations=", NULL }, "iteration" },
	{ { "guesttop", "-d", "0", NULL }, "'0'" },
	{ { "guesttop", "-d", "0.05", NULL }, "'0.05'" },
	{ { "guesttop", "-d", "3601", NULL }, "'3601'" },
	{ { "guesttop", "-d", "abc", NULL }, "'abc'" },
	{ { "guesttop", "-d", "nan", NULL }, "'nan'" },
	{ { "guesttop", "-d", "inf", NULL }, "'inf'" },
	{ { "guesttop", "-d", "2s", NULL }, "'2s'" },
	{ { "guesttop", "-d", "", NULL }, "delay" },
	{ { "guesttop", "--format", "xml", NULL }, "'xml'" },
	{ { "guesttop", "-f", "CSV", NULL }, "'CSV'" },
	{ { "guesttop", "-s", "bogus", NULL }, "'bogus'" },
	{ { "guesttop", "--bogus", NULL }, "--bogus" },
	{ { "guesttop", "-z", NULL }, "-z" },
	{ { "guesttop", "-d", NULL }, "-d" },
	{ { "guesttop", "--delay", NULL }, "needs a value" },
	/* Long-only options: the message must name them, not a raw option code. */
	{ { "guesttop", "--proc-root", NULL }, "proc-root" },
	{ { "guesttop", "--run-root", NULL }, "run-root" },
	{ { "guesttop", "-c", "", NULL }, "URI" },
	{ { "guesttop", "extra", NULL }, "'extra'" },
	{ { "guesttop", "--batch=yes", NULL }, "batch" },
};

START_TEST(bad_values_rejected)
{
	struct args a;
	struct options o;
	char err[256];
	int r = parse(&a, &o, err, sizeof(err), bad_cases[_i].argv);
	ck_assert_msg(r == -1, "case %d (%s %s) accepted", _i, bad_cases[_i].argv[1],
		      bad_cases[_i].argv[2] ? bad_cases[_i].argv[2] : "");
	ck_assert_msg(strstr(err, bad_cases[_i].needle) != NULL, "case %d: error '%s' lacks '%s'", _i, err,
		      bad_cases[_i].needle);
	ck_assert_ptr_null(strchr(err, '\n'));
	args_free(&a);
}
END_TEST

START_TEST(delay_bounds_accepted)
{
	static const char *const lo[] = { "guesttop", "-d", "0.1", NULL };
	static const char *const hi[] = { "guesttop", "--delay=3600", NULL };
	struct args a;
	struct options o;
	char err[256];
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), lo), 0);
	ck_assert_double_eq_tol(o.delay_s, 0.1, 1e-12);
	args_free(&a);
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), hi), 0);
	ck_assert_double_eq(o.delay_s, 3600.0);
	args_free(&a);
}
END_TEST

/* A long hostile value is cut in the message, which stays within the buffer. */
START_TEST(error_text_bounded)
{
	char big[600];
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	const char *argv[] = { "guesttop", "-s", big, NULL };
	struct args a;
	struct options o;
	char *err = malloc(32);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(parse(&a, &o, err, 32, argv), -1);
	ck_assert_uint_lt(strlen(err), 32);
	args_free(&a);
	free(err);
}
END_TEST

/* The console parses once, but tests and a future config reload parse again: no state leaks. */
START_TEST(reparse_after_error_mid_group)
{
	static const char *const first[] = { "guesttop", "-zb", NULL };
	static const char *const second[] = { "guesttop", "-d", "5", NULL };
	struct args a, b;
	struct options o;
	char err[256];
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), first), -1);
	ck_assert_int_eq(parse(&b, &o, err, sizeof(err), second), 0);
	ck_assert_msg(!o.batch, "'-b' of the previous command line leaked into this one");
	ck_assert_double_eq(o.delay_s, 5.0);
	args_free(&a);
	args_free(&b);
}
END_TEST

START_TEST(usage_lists_every_option)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	options_usage(f, "guesttop");
	fclose(f);
	static const char *const want[] = { "--connect", "-c,", "--batch", "--iterations", "--delay",
					    "--format", "--sort", "--invert", "--proc-root",
					    "--run-root", "--help", "--version", "Usage: guesttop" };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(strstr(text, want[i]) != NULL, "usage lacks %s", want[i]);
	ck_assert_ptr_null(strstr(text, "--proc-root, "));
	free(text);
}
END_TEST

/* The user's config file: good lines apply, a bad one is reported as FILE:LINE and changes nothing. */
START_TEST(config_file_settings_and_bad_line)
{
	char *dir = scratch_make();
	scratch_write(dir, "guesttop/config",
		      "# a comment\n\ndelay = 3\n  sort = name  \ndelay = abc\nreadonly = yes\n"
		      "connect = test:///default\nbatch = yes\nnonsense\n");
	no_env();
	setenv("XDG_CONFIG_HOME", dir, 1);
	static const char *const argv[] = { "guesttop", NULL };
	struct args a;
	struct options o;
	char err[256];
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv), 0);
	ck_assert_double_eq(o.delay_s, 3.0);
	ck_assert_int_eq(o.sort_column, COL_NAME);
	ck_assert(o.readonly);
	ck_assert(!o.batch);
	ck_assert_int_eq(o.n_uris, 1);
	ck_assert_str_eq(o.uris[0], "test:///default");
	ck_assert(o.uris_given);
	ck_assert_int_eq(o.n_config_errors, 3);
	ck_assert_ptr_nonnull(strstr(o.config_errors[0], "guesttop/config:5: invalid delay 'abc'"));
	ck_assert_ptr_nonnull(strstr(o.config_errors[1], "guesttop/config:8: 'batch' is for the command line only"));
	ck_assert_ptr_nonnull(strstr(o.config_errors[2], "guesttop/config:9: expected 'name = value'"));
	options_free(&o);
	args_free(&a);
	scratch_remove(dir);
}
END_TEST

/* A NUL byte or an overlong line is one error on its own line: the next line still counts. */
START_TEST(config_file_nul_and_long_lines)
{
	char *dir = scratch_make();
	scratch_write(dir, "guesttop/config", "");
	char path[4096];
	snprintf(path, sizeof(path), "%s/guesttop/config", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	static const char nul_line[] = "delay = 3\0 and the rest\ninvert = yes\n";
	fwrite(nul_line, 1, sizeof(nul_line) - 1, f);
	for (int i = 0; i < 3000; i++)
		fputc('a', f);
	fputs("\nsort = name", f);	/* the last line has no newline */
	fclose(f);
	no_env();
	setenv("XDG_CONFIG_HOME", dir, 1);
	static const char *const argv[] = { "guesttop", NULL };
	struct args a;
	struct options o;
	char err[256];
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv), 0);
	ck_assert_int_eq(o.n_config_errors, 2);
	ck_assert_ptr_nonnull(strstr(o.config_errors[0], "guesttop/config:1: NUL byte in line"));
	ck_assert_ptr_nonnull(strstr(o.config_errors[1], "guesttop/config:3: line too long"));
	ck_assert_double_ne(o.delay_s, 3.0);
	ck_assert(o.sort_invert);
	ck_assert_int_eq(o.sort_column, COL_NAME);
	options_free(&o);
	args_free(&a);
	scratch_remove(dir);
}
END_TEST

/* The command line wins; its -c replace the config's URIs rather than adding to them. */
START_TEST(config_command_line_wins)
{
	char *dir = scratch_make();
	scratch_write(dir, "guesttop/config", "delay = 3\nconnect = test:///default\nconnect = qemu:///session\n");
	scratch_write(dir, "extra.conf", "shutdown-timeout = 9\ndelay = 4\n");
	no_env();
	setenv("XDG_CONFIG_HOME", dir, 1);
	char extra[4096];
	snprintf(extra, sizeof(extra), "%s/extra.conf", dir);
	const char *const argv[] = { "guesttop", "-c", "qemu:///system", "--config", extra, NULL };
	struct args a;
	struct options o;
	char err[256];
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv), 0);
	ck_assert_int_eq(o.n_uris, 1);
	ck_assert_str_eq(o.uris[0], "qemu:///system");
	/* --config FILE comes after the user's file. */
	ck_assert_double_eq(o.delay_s, 4.0);
	ck_assert_int_eq(o.shutdown_timeout_s, 9);
	options_free(&o);
	args_free(&a);
	static const char *const argv2[] = { "guesttop", "-d", "7", NULL };
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv2), 0);
	ck_assert_double_eq(o.delay_s, 7.0);
	ck_assert_int_eq(o.n_uris, 2);
	ck_assert_str_eq(o.uris[1], "qemu:///session");
	options_free(&o);
	args_free(&a);
	/* A --config FILE that cannot be read is an error, not silence. */
	static const char *const argv3[] = { "guesttop", "--config", "/nonexistent/guesttop.conf", NULL };
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv3), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot read config file /nonexistent/guesttop.conf"));
	options_free(&o);
	args_free(&a);
	scratch_remove(dir);
}
END_TEST

static char *dump_to_string(const struct options *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	options_dump_config(f, o);
	fclose(f);
	return buf;
}

/* What --dump-config prints, read back as a config file, gives the same settings and keys. */
START_TEST(dump_config_round_trip)
{
	char *dir = scratch_make();
	scratch_write(dir, "guesttop/config",
		      "delay = 0.5\nsort = steal\ninvert = yes\nbackends = lxc,cgroup\nconnect = test:///default\n"
		      "force-after-timeout = on\nimage-dirs = /srv/iso:/srv/tpl\nbind x force-off\nbind k none\n"
		      "bind F12 help\n");
	no_env();
	setenv("XDG_CONFIG_HOME", dir, 1);
	static const char *const argv[] = { "guesttop", NULL };
	struct args a;
	struct options o;
	char err[256];
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv), 0);
	ck_assert_int_eq(o.n_config_errors, 0);
	char *first = dump_to_string(&o);
	ck_assert_ptr_nonnull(strstr(first, "\nsort = steal\n"));
	ck_assert_ptr_nonnull(strstr(first, "\nbind x force-off\n"));
	ck_assert_ptr_nonnull(strstr(first, "\nbind k none\n"));
	ck_assert_ptr_nonnull(strstr(first, "\nbind F12 help\n"));
	options_free(&o);
	args_free(&a);

	/* Read back alone: no user file, only the dump. */
	char path[4096];
	scratch_write(dir, "dumped.conf", first);
	snprintf(path, sizeof(path), "%s/dumped.conf", dir);
	setenv("XDG_CONFIG_HOME", "/nonexistent/guesttop-unit-tests", 1);
	const char *const argv2[] = { "guesttop", "--config", path, NULL };
	ck_assert_int_eq(parse(&a, &o, err, sizeof(err), argv2), 0);
	ck_assert_int_eq(o.n_config_errors, 0);
	char *second = dump_to_string(&o);
	ck_assert_str_eq(first, second);
	free(first);
	free(second);
	options_free(&o);
	args_free(&a);
	scratch_remove(dir);
}
END_TEST

/* Every column's short name (the config's sort value) names it back. */
START_TEST(column_keys_round_trip)
{
	for (int c = 0; c < COL_COUNT_; c++) {
		char key[32];
		column_key(c, key, sizeof(key));
		ck_assert_msg(column_by_name(key) == c, "column %d: key '%s' names %d", c, key, column_by_name(key));
	}
}
END_TEST

/* Saving settings: other lines kept, the last line of a key replaced, new keys added, links refused. */
START_TEST(save_keeps_other_lines)
{
	char *dir = scratch_make(), path[4096], err[300];
	scratch_write(dir, "guesttop/config", "# mine\ndelay = 1\nbind x help\ndelay = 3\nsort = name\n");
	snprintf(path, sizeof(path), "%s/guesttop/config", dir);
	const char *keys[] = { "delay", "color" }, *values[] = { "0.5", "mono" };
	ck_assert_int_eq(options_save(path, keys, values, 2, err, sizeof(err)), 0);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char text[1024] = "";
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	ck_assert_str_eq(text, "# mine\nbind x help\ndelay = 0.5\nsort = name\ncolor = mono\n");
	/* A new file in a new directory. */
	snprintf(path, sizeof(path), "%s/new/guesttop/config", dir);
	ck_assert_int_eq(options_save(path, keys, values, 1, err, sizeof(err)), 0);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	ck_assert_str_eq(text, "delay = 0.5\n");
	/* A link in its place is refused, its target untouched. */
	scratch_write(dir, "target", "precious\n");
	char target[4096];
	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(path, sizeof(path), "%s/link", dir);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(options_save(path, keys, values, 1, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	f = fopen(target, "r");
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	ck_assert_str_eq(text, "precious\n");
	scratch_remove(dir);
}
END_TEST

/* columns keeps the order given: it is the order the console draws them in. */
START_TEST(columns_in_order)
{
	char err[256];
	struct options o;
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(options_set(&o, "columns", "cpu,name,state,cpu", err, sizeof(err)), 0);
	ck_assert_int_eq(o.n_column_order, 3);
	ck_assert_int_eq(o.column_order[0], COL_CPU);
	ck_assert_int_eq(o.column_order[1], COL_NAME);
	ck_assert_int_eq(o.column_order[2], COL_STATE);
	char text[128];
	options_columns_text(o.column_order, o.n_column_order, text, sizeof(text));
	ck_assert_str_eq(text, "cpu,name,state");
	ck_assert_int_eq(options_set(&o, "columns", "cpu,state", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "must include name"));
	ck_assert_int_eq(options_set(&o, "columns", "name,bogus", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown column 'bogus'"));
	/* Laid out in that order. */
	bool wanted[COL_COUNT_] = { false };
	wanted[COL_CPU] = wanted[COL_NAME] = wanted[COL_STATE] = true;
	enum column order[COL_COUNT_], out[COL_COUNT_];
	int k = 0;
	order[k++] = COL_CPU;
	order[k++] = COL_NAME;
	order[k++] = COL_STATE;
	for (int i = 0; i < COL_COUNT_; i++)
		if (i != COL_CPU && i != COL_NAME && i != COL_STATE)
			order[k++] = (enum column)i;
	int name_w;
	int n = columns_layout_ordered(wanted, order, 120, out, &name_w);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(out[0], COL_CPU);
	ck_assert_int_eq(out[1], COL_NAME);
	ck_assert_int_eq(out[2], COL_STATE);
}
END_TEST

Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, every_option);
	tcase_add_test(tc, grouped_short_options_and_help);
	tcase_add_test(tc, connect_repeatable_in_order);
	tcase_add_test(tc, connect_limit);
	tcase_add_test(tc, env_uri_used_without_connect);
	tcase_add_loop_test(tc, bad_values_rejected, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, delay_bounds_accepted);
	tcase_add_test(tc, error_text_bounded);
	tcase_add_test(tc, reparse_after_error_mid_group);
	tcase_add_test(tc, usage_lists_every_option);
	tcase_add_test(tc, config_file_settings_and_bad_line);
	tcase_add_test(tc, config_file_nul_and_long_lines);
	tcase_add_test(tc, config_command_line_wins);
	tcase_add_test(tc, dump_config_round_trip);
	tcase_add_test(tc, column_keys_round_trip);
	tcase_add_test(tc, save_keeps_other_lines);
	tcase_add_test(tc, columns_in_order);
	suite_add_tcase(s, tc);
	return s;
}
