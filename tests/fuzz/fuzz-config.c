/*
 * A config file through options_parse (argv "guesttop --config FILE"): the
 * "name = value" and "bind KEY ACTION" lines, each value checked by the same
 * code as the command line's; then the settings printed back as
 * --dump-config prints them.
 *
 * The input is written to one temporary file, made once per process. No
 * other config leaks in: XDG_CONFIG_HOME points at an empty temporary
 * directory (options.c reads /etc/guesttop.conf too; it has no variable to
 * move it, so a host that has one fuzzes with it as the base).
 */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/options.h"
#include "tests/fuzz/scratch.h"

static char home[4200];
static FILE *devnull;

/* Registered after the scratch directory's removal, so it runs first (atexit is last in, first out). */
static void remove_home(void)
{
	rmdir(home);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(home, sizeof(home), "%s/xdg", scratch_init("config", "config"));
	if (mkdir(home, 0700) < 0) {
		perror("fuzz-config: mkdir");
		abort();
	}
	atexit(remove_home);
	setenv("XDG_CONFIG_HOME", home, 1);
	unsetenv("LIBVIRT_DEFAULT_URI");
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = (char *)scratch_write(data, size);
	char *argv[] = { "guesttop", "--config", path, NULL };
	struct options o;
	char err[512];
	err[0] = '\0';
	int r = options_parse(&o, 3, argv, err, sizeof(err));
	/* The file exists: a bad line is recorded, never a failure of the whole parse. */
	FUZZ_ASSERT(r == 0);
	FUZZ_ASSERT(o.n_config_errors >= 0 && o.n_config_errors <= OPT_MAX_CONFIG_ERRORS);
	for (int i = 0; i < o.n_config_errors; i++)
		FUZZ_ASSERT(memchr(o.config_errors[i], '\0', OPT_CONFIG_ERROR_MAX) != NULL);
	FUZZ_ASSERT(o.n_uris >= 1 && o.n_uris <= OPT_MAX_URIS);
	FUZZ_ASSERT(o.n_column_order >= 0 && o.n_column_order <= 64);
	options_dump_config(devnull, &o);
	options_free(&o);
	return 0;
}
