/* Fixture helpers for the unit tests: find, load and copy the captured trees. */
#include "tests/unit/unit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *fixture_root(void)
{
	const char *env = getenv("GUESTTOP_FIXTURES");
	return env && env[0] ? env : "tests/fixtures";
}

const char *fixture_path(const char *rel, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", fixture_root(), rel);
	ck_assert_msg(n > 0 && (size_t)n < size, "fixture path too long: %s", rel);
	return buf;
}

static char *load_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "cannot open fixture %s: %s", path, strerror(errno));
	struct stat st;
	ck_assert_int_eq(fstat(fd, &st), 0);
	size_t size = (size_t)st.st_size;
	/* malloc(0) still gives a distinct block ASan guards. */
	char *buf = malloc(size);
	ck_assert_ptr_nonnull(buf);
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		ck_assert_msg(n > 0, "short read of %s", path);
		got += (size_t)n;
	}
	close(fd);
	*len = size;
	return buf;
}

char *fixture_load(const char *rel, size_t *len)
{
	char path[PATH_MAX];
	return load_file(fixture_path(rel, path, sizeof(path)), len);
}

char *exact_copy(const char *s, size_t *len)
{
	size_t l = strlen(s);
	char *buf = malloc(l);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, s, l);
	*len = l;
	return buf;
}

int fixture_open_dir(const char *rel)
{
	char path[PATH_MAX];
	int fd = open(fixture_path(rel, path, sizeof(path)), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "cannot open fixture dir %s: %s", path, strerror(errno));
	return fd;
}

unsigned long long fixture_capture_ns(const char *tree)
{
	char rel[256];
	size_t len;
	snprintf(rel, sizeof(rel), "%s/capture_t_ns", tree);
	char *buf = fixture_load(rel, &len);
	unsigned long long v = 0;
	size_t i;
	for (i = 0; i < len && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (unsigned)(buf[i] - '0');
	free(buf);
	ck_assert_msg(i > 0, "no timestamp in %s", rel);
	return v;
}

/* One directory per run, made by main before any test forks and removed after the last. */
static char scratch_root_dir[PATH_MAX];

int scratch_init(void)
{
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(scratch_root_dir, sizeof(scratch_root_dir), "%s/guesttop-unit-XXXXXX",
			 tmp && tmp[0] ? tmp : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(scratch_root_dir))
		return -1;
	return mkdtemp(scratch_root_dir) ? 0 : -1;
}

char *scratch_make(void)
{
	char path[PATH_MAX];
	ck_assert_msg(scratch_root_dir[0], "scratch_init was not called");
	int n = snprintf(path, sizeof(path), "%s/t-XXXXXX", scratch_root_dir);
	ck_assert(n > 0 && (size_t)n < sizeof(path));
	ck_assert_ptr_nonnull(mkdtemp(path));
	char *dir = strdup(path);
	ck_assert_ptr_nonnull(dir);
	return dir;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void scratch_remove(char *dir)
{
	if (!dir)
		return;
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

void scratch_fini(void)
{
	/* Also what a failed test left behind. */
	if (scratch_root_dir[0])
		nftw(scratch_root_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	scratch_root_dir[0] = '\0';
}

/* nftw passes no context: the copy in progress. */
static struct {
	size_t src_len;
	char dst[PATH_MAX];
} copy_ctx;

static int copy_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	char out[PATH_MAX];
	int n = snprintf(out, sizeof(out), "%s%s", copy_ctx.dst, path + copy_ctx.src_len);
	if (n < 0 || (size_t)n >= sizeof(out))
		return -1;
	if (flag == FTW_D)
		return mkdir(out, 0755) == 0 || errno == EEXIST ? 0 : -1;
	if (flag != FTW_F)
		return -1;
	size_t len;
	char *buf = load_file(path, &len);
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st->st_mode & 0777);
	int ok = fd >= 0 && write(fd, buf, len) == (ssize_t)len;
	if (fd >= 0)
		close(fd);
	free(buf);
	return ok ? 0 : -1;
}

void scratch_copy_tree(const char *rel, const char *dir, const char *dst)
{
	char src[PATH_MAX];
	fixture_path(rel, src, sizeof(src));
	copy_ctx.src_len = strlen(src);
	snprintf(copy_ctx.dst, sizeof(copy_ctx.dst), "%s/%s", dir, dst);
	ck_assert_msg(nftw(src, copy_one, 16, FTW_PHYS) == 0, "cannot copy %s to %s", src, copy_ctx.dst);
}

void scratch_write(const char *dir, const char *rel, const char *text)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	/* Create the parent directories. */
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		ck_assert_msg(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s", path);
		*p = '/';
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_msg(fd >= 0, "cannot write %s", path);
	size_t len = strlen(text);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

int count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	ck_assert_ptr_nonnull(d);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}
