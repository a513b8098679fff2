/* For fuzz targets whose parser takes a path: a private directory, and each input written to one file in it. */
#ifndef GUESTTOP_FUZZ_SCRATCH_H
#define GUESTTOP_FUZZ_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

static char scratch_dir[4096], scratch_file[4200];

static void scratch_remove(void)
{
	unlink(scratch_file);
	rmdir(scratch_dir);
}

/* Make $TMPDIR/guesttop-fuzz-TARGET.XXXXXX (removed at exit); the input goes to NAME in it. */
static const char *scratch_init(const char *target, const char *name)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(scratch_dir, sizeof(scratch_dir), "%s/guesttop-fuzz-%s.XXXXXX", tmp && tmp[0] ? tmp : "/tmp",
		 target);
	if (!mkdtemp(scratch_dir)) {
		perror("fuzz: mkdtemp");
		abort();
	}
	snprintf(scratch_file, sizeof(scratch_file), "%s/%s", scratch_dir, name);
	atexit(scratch_remove);
	return scratch_dir;
}

/* The input, as the whole content of the file. */
static const char *scratch_write(const uint8_t *data, size_t size)
{
	FILE *f = fopen(scratch_file, "w");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror("fuzz: writing the input");
		abort();
	}
	return scratch_file;
}

#endif
