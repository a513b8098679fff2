/* The processes inside a guest's cgroup, through libproc2 (for the detail screen). */
#ifndef GUESTTOP_PROCS_H
#define GUESTTOP_PROCS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cgroup_proc {
	pid_t pid;
	char cmd[64];		/* as the process named itself: escape before showing */
	uint64_t rss_bytes;
	uint64_t cpu_ticks;
};

/*
 * Processes whose cgroup (any hierarchy) is `path` or below it. Returns how
 * many were written to out (at most max), or -1 when /proc cannot be read.
 */
int cgroup_procs_list(const char *path, struct cgroup_proc *out, size_t max);
void cgroup_procs_free(void);

#endif
