/* Generates a synthetic host for the benchmark: N containers of T tasks each, as /proc and a cgroup v2 tree. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void mkdirs(const char *path)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	}
	mkdir(buf, 0755);
}

static void put(const char *dir, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(const char *dir, const char *name, const char *fmt, ...)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "gentree: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

/* A /proc/PID/stat line as the kernel prints it, with the fields guesttop reads set. */
static void put_stat(const char *dir, int pid, const char *comm, unsigned long ticks, int cpu)
{
	put(dir, "stat",
	    "%d (%s) S 1 %d %d 0 -1 138412416 4790 0 15 0 %lu %lu 0 0 20 0 21 0 12445 406757376 9250 "
	    "18446744073709551615 1 1 0 0 0 0 268444224 4096 16963 0 0 0 17 %d 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
	    pid, comm, pid, pid, ticks, ticks / 3, cpu);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: gentree ROOT GUESTS TASKS TICK\n");
		return 2;
	}
	const char *root = argv[1];
	int guests = atoi(argv[2]), tasks = atoi(argv[3]);
	unsigned long tick = strtoul(argv[4], NULL, 10);	/* counters grow with it, for a second tree */
	char dir[4096], cg[4096], threads[65536];
	snprintf(cg, sizeof(cg), "%s/sys/fs/cgroup", root);
	mkdirs(cg);
	put(cg, "cgroup.controllers", "cpu io memory pids\n");
	for (int g = 0; g < guests; g++) {
		int pid = 100000 + g * (tasks + 1);
		char scope[4200];
		snprintf(scope, sizeof(scope), "%s/system.slice/docker-%012x%052x.scope", cg, g, 0);
		mkdirs(scope);
		size_t o = 0;
		for (int t = 0; t < tasks; t++)
			o += (size_t)snprintf(threads + o, sizeof(threads) - o, "%d\n", pid + t);
		put(scope, "cgroup.procs", "%d\n", pid);
		put(scope, "cgroup.threads", "%s", threads);
		put(scope, "cpu.stat",
		    "usage_usec %lu\nuser_usec %lu\nsystem_usec %lu\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n",
		    tick * 1000 * (unsigned long)(g % 7 + 1), tick * 700, tick * 300);
		put(scope, "memory.current", "%d\n", 37748736 + g);
		put(scope, "memory.swap.current", "0\n");
		put(scope, "io.stat", "254:0 rbytes=%lu wbytes=%lu rios=%lu wios=%lu dbytes=0 dios=0\n", tick * 4096,
		    tick * 1024, tick, tick / 4);
		put(scope, "cpu.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=%lu\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", tick * 10);
		put(scope, "io.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
		put(scope, "memory.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
		for (int t = 0; t < tasks; t++) {
			snprintf(dir, sizeof(dir), "%s/proc/%d", root, pid + t);
			mkdirs(dir);
			put_stat(dir, pid + t, t == 0 ? "qemu-system-x86" : t <= 2 ? "CPU 0/KVM" : "worker",
				 tick * (unsigned long)(t + 1), t % 2);
			put(dir, "schedstat", "%lu %lu %lu\n", tick * 1000000ul * (unsigned long)(t + 1), tick * 10000ul, tick);
			put(dir, "status", "Name:\tworker\nVmSwap:\t       0 kB\nCpus_allowed_list:\t0-1\n");
			put(dir, "io", "rchar: %lu\nwchar: %lu\nsyscr: 1\nsyscw: 1\nread_bytes: %lu\nwrite_bytes: %lu\ncancelled_write_bytes: 0\n",
			    tick, tick, tick * 4096, tick * 1024);
			put(dir, "cgroup", "0::/system.slice/docker-%012x%052x.scope\n", g, 0);
		}
	}
	return 0;
}
