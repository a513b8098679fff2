/* Host-wide CPU, memory and load through libproc2, the library behind top and free. */
#include "backends/host.h"

#include <libproc2/meminfo.h>
#include <libproc2/misc.h>
#include <libproc2/stat.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct host {
	struct stat_info *stat;		/* (owned) */
	struct meminfo_info *mem;	/* (owned) */
	int reaps;
};

struct host *host_new(void)
{
	struct host *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	if (procps_stat_new(&h->stat) < 0)
		h->stat = NULL;
	if (procps_meminfo_new(&h->mem) < 0)
		h->mem = NULL;
	return h;
}

void host_free(struct host *h)
{
	if (!h)
		return;
	if (h->stat)
		procps_stat_unref(&h->stat);
	if (h->mem)
		procps_meminfo_unref(&h->mem);
	free(h);
}

static double busy_pct(long busy, long total)
{
	return total > 0 ? (double)busy * 100.0 / (double)total : NAN;
}

void host_sample(struct host *h, struct host_sample *out)
{
	memset(out, 0, sizeof(*out));
	out->cpu_total_pct = NAN;
	if (!h)
		return;
	if (h->stat) {
		enum stat_item items[] = { STAT_TIC_ID, STAT_TIC_SUM_DELTA_BUSY, STAT_TIC_SUM_DELTA_TOTAL };
		struct stat_reaped *r = procps_stat_reap(h->stat, STAT_REAP_CPUS_ONLY, items, 3);
		/* The library's first deltas span only the time since it was created. */
		bool first = h->reaps++ == 0;
		if (r && r->cpus) {
			int n = r->cpus->total;
			if (n > HOST_MAX_CPUS)
				n = HOST_MAX_CPUS;
			out->ncpu = (unsigned)n;
			for (int i = 0; i < n; i++) {
				struct stat_stack *s = r->cpus->stacks[i];
				out->cpu_id[i] = STAT_VAL(0, s_int, s, h->stat);
				out->cpu_pct[i] = first ? NAN
						 : busy_pct(STAT_VAL(1, sl_int, s, h->stat),
							    STAT_VAL(2, sl_int, s, h->stat));
			}
			if (r->summary && !first)
				out->cpu_total_pct = busy_pct(STAT_VAL(1, sl_int, r->summary, h->stat),
							      STAT_VAL(2, sl_int, r->summary, h->stat));
		}
	}
	if (h->mem) {
		out->mem_total = MEMINFO_GET(h->mem, MEMINFO_MEM_TOTAL, ul_int) * 1024ull;
		out->mem_available = MEMINFO_GET(h->mem, MEMINFO_MEM_AVAILABLE, ul_int) * 1024ull;
		out->mem_used = MEMINFO_GET(h->mem, MEMINFO_MEM_USED, ul_int) * 1024ull;
		out->swap_total = MEMINFO_GET(h->mem, MEMINFO_SWAP_TOTAL, ul_int) * 1024ull;
		out->swap_used = MEMINFO_GET(h->mem, MEMINFO_SWAP_USED, ul_int) * 1024ull;
	}
	if (procps_loadavg(&out->load[0], &out->load[1], &out->load[2]) < 0)
		out->load[0] = out->load[1] = out->load[2] = NAN;
	out->ok = h->stat != NULL && h->mem != NULL;
}
