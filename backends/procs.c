/* The processes of a cgroup, found the way top finds processes: libproc2 over /proc. */
#include "backends/procs.h"

#include <libproc2/pids.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static struct pids_info *info;
static enum pids_item items[] = { PIDS_ID_PID, PIDS_CMD, PIDS_CGROUP, PIDS_MEM_RES, PIDS_TICS_ALL };

/* Does the "h:ctl:/path,h:ctl:/path" list name path or a cgroup below it? */
static bool in_cgroup(const char *list, const char *path)
{
	size_t pl = strlen(path);
	for (const char *p = strstr(list, path); p; p = strstr(p + 1, path)) {
		bool starts = p > list && p[-1] == ':';
		char after = p[pl];
		if (starts && (after == '\0' || after == ',' || after == '/'))
			return true;
	}
	return false;
}

int cgroup_procs_list(const char *path, struct cgroup_proc *out, size_t max)
{
	if (!path[0] || strcmp(path, "/") == 0)
		return 0;
	if (!info && procps_pids_new(&info, items, sizeof(items) / sizeof(items[0])) < 0) {
		info = NULL;
		return -1;
	}
	struct pids_fetch *f = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY);
	if (!f)
		return -1;
	size_t n = 0;
	for (int i = 0; i < f->counts->total && n < max; i++) {
		struct pids_stack *s = f->stacks[i];
		const char *cg = PIDS_VAL(2, str, s, info);
		if (!cg || !in_cgroup(cg, path))
			continue;
		out[n].pid = PIDS_VAL(0, s_int, s, info);
		snprintf(out[n].cmd, sizeof(out[n].cmd), "%s", PIDS_VAL(1, str, s, info));
		out[n].rss_bytes = (uint64_t)PIDS_VAL(3, ul_int, s, info) * 1024;
		out[n].cpu_ticks = PIDS_VAL(4, ull_int, s, info);
		n++;
	}
	return (int)n;
}

void cgroup_procs_free(void)
{
	if (info)
		procps_pids_unref(&info);
	info = NULL;
}
