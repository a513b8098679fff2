/* The floor: the cost of reading the same files as guesttop, once per refresh, with pread on kept-open fds. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static int *fds;
static size_t n, cap, failed;
/* Files past the descriptor limit: opened, read and closed each refresh, as guesttop must. */
static char **paths;
static size_t n_paths, cap_paths;

static void keep(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		failed++;
		if (n_paths == cap_paths) {
			cap_paths = cap_paths ? cap_paths * 2 : 4096;
			paths = realloc(paths, cap_paths * sizeof(*paths));
			if (!paths)
				exit(1);
		}
		if (!(paths[n_paths++] = strdup(path)))
			exit(1);
		return;
	}
	if (n == cap) {
		cap = cap ? cap * 2 : 4096;
		fds = realloc(fds, cap * sizeof(*fds));
		if (!fds)
			exit(1);
	}
	fds[n++] = fd;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: floor ROOT REFRESHES\n");
		return 2;
	}
	char path[4096];
	int refreshes = atoi(argv[2]);
	/* As many kept-open files as the hard limit allows (less a few to read the rest), as guesttop does. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	int spare[8];
	for (int i = 0; i < 8; i++)
		spare[i] = open("/", O_RDONLY | O_CLOEXEC);
	/* What guesttop reads for a container: each task's stat and schedstat, the process's stat, io and
	 * status, and the cgroup's cpu.stat, memory, swap, io.stat and pressure files. */
	snprintf(path, sizeof(path), "%s/proc", argv[1]);
	DIR *d = opendir(path);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		static const char *const files[] = { "stat", "schedstat", "status", "io" };
		for (size_t i = 0; i < 4; i++) {
			snprintf(path, sizeof(path), "%s/proc/%s/%s", argv[1], de->d_name, files[i]);
			/* io and status only for each container's process (gentree spaces them TASKS + 1 apart). */
			if (i >= 2 && (atoi(de->d_name) - 100000) % 22 != 0)
				continue;
			keep(path);
		}
	}
	if (d)
		closedir(d);
	snprintf(path, sizeof(path), "%s/sys/fs/cgroup/system.slice", argv[1]);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		static const char *const files[] = { "cpu.stat", "memory.current", "memory.swap.current", "io.stat",
						     "cpu.pressure", "io.pressure", "memory.pressure" };
		for (size_t i = 0; i < 7; i++) {
			snprintf(path, sizeof(path), "%s/sys/fs/cgroup/system.slice/%s/%s", argv[1], de->d_name, files[i]);
			keep(path);
		}
	}
	if (d)
		closedir(d);
	for (int i = 0; i < 8; i++)
		if (spare[i] >= 0)
			close(spare[i]);
	struct rusage r0, r1;
	char buf[4096];
	getrusage(RUSAGE_SELF, &r0);
	unsigned long sum = 0;
	for (int k = 0; k < refreshes; k++) {
		for (size_t i = 0; i < n; i++) {
			ssize_t m = pread(fds[i], buf, sizeof(buf), 0);
			sum += m > 0 ? (unsigned long)buf[0] : 0;
		}
		for (size_t i = 0; i < n_paths; i++) {
			int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
			ssize_t m = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
			if (fd >= 0)
				close(fd);
			sum += m > 0 ? (unsigned long)buf[0] : 0;
		}
	}
	getrusage(RUSAGE_SELF, &r1);
	double cpu = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec + r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
		     (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec + r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
	printf("%zu files, %.3f ms CPU per refresh, %zu read by path (descriptor limit) (checksum %lu)\n", n + n_paths,
	       cpu * 1000.0 / refreshes, failed, sum % 10);
	return 0;
}
