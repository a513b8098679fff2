/* The guest table: one row per guest, kept by mark and sweep, with its sampler state, rates and history. */
#ifndef GUESTTOP_MODEL_H
#define GUESTTOP_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/backend.h"
#include "backends/cgroupfs.h"
#include "backends/sampler.h"

/* History for sparklines: the last HISTORY_LEN refreshes (4 minutes at the default 2 s). */
#define HISTORY_LEN 120

/* A disk's rates as the hypervisor counts them; NAN unknown. */
struct disk_rates {
	double rd_bps, wr_bps, rd_iops, wr_iops, rd_lat_ms, wr_lat_ms;
};

/* Why a guest is a victim (it suffers) or a culprit (it takes a contended resource). */
enum victim_reason {
	VICTIM_STEAL = 1 << 0,
	VICTIM_THROTTLE = 1 << 1,
	VICTIM_DISK_LATENCY = 1 << 2,
	VICTIM_PSI_CPU = 1 << 3,
	VICTIM_PSI_IO = 1 << 4,
	VICTIM_PSI_MEM = 1 << 5,
	VICTIM_LIMIT = 1 << 6,		/* OpenVZ: a beancounter refused it (failcnt rose) */
};
enum culprit_reason {
	CULPRIT_CPU = 1 << 0,
	CULPRIT_DISK = 1 << 1,
	CULPRIT_MEM = 1 << 2,
};

/* Above these a guest counts as a victim. */
struct thresholds {
	double steal_pct;
	double thr_pct;
	double disk_lat_ms;
	double psi_pct;
};
#define THRESHOLDS_DEFAULT { .steal_pct = 10, .thr_pct = 10, .disk_lat_ms = 20, .psi_pct = 10 }

struct guest_row {
	struct guest_ident g;		/* owns its arrays */
	struct guest_probe probe;
	struct guest_counters prev;	/* the last reading; prev.pid == 0: none */
	/* (owned) the cgroup reading before prev, for per-device rates; only while it has I/O counters
	 * (the guest the detail screen shows), NULL otherwise */
	struct cgroup_counters *cg_before;
	uint64_t cg_before_t_ns;		/* 0: none */
	struct guest_rates rates;	/* over the last interval, NAN unknown */
	uint64_t rss_bytes;		/* GT_UNKNOWN */
	uint64_t swap_bytes;		/* GT_UNKNOWN */
	uint64_t cg_mem_bytes;		/* the cgroup's memory use, GT_UNKNOWN */
	/* Disk figures from the hypervisor, over the interval between two listings. */
	struct disk_rates disk;		/* summed over the guest's disks */
	struct disk_rates *disk_rates;	/* (owned) one per g.disks, NULL before two listings */
	unsigned n_disk_rates;
	struct guest_disk *prev_disks;	/* (owned) the previous listing's disk counters */
	unsigned n_prev_disks;
	uint64_t prev_stats_t_ns;
	bool io_disagree;		/* host and hypervisor disk figures far apart */
	double hv_cpu_pct;		/* CPU% from the hypervisor's count (no host process), NAN */
	uint64_t prev_hv_cpu_ns, prev_hv_t_ns;
	unsigned ubc_failing;		/* OpenVZ: beancounters whose failcnt rose in the last interval */
	char ubc_failed[128];		/* their names, for the detail screen */
	unsigned victim;		/* enum victim_reason bits */
	unsigned culprit;		/* enum culprit_reason bits */
	float history[HISTORY_LEN];	/* CPU% per refresh, NAN unknown */
	unsigned hist_len, hist_pos;
	bool seen;
	const char *rec_host;		/* (borrowed) a replayed row's host, NULL when live */
	bool lost;			/* its connection is lost: kept from the last listing, marked */
};

struct model_counts {
	unsigned running, paused, other_active, shutoff, victims;
};

struct model {
	struct guest_row *rows;		/* (owned) */
	size_t n, cap;
	size_t *index;			/* (owned) hash of rows by backend and uuid */
	size_t index_cap;
	int proc_fd;			/* (owned) the proc root */
	int net_fd;			/* (owned) <sys>/class/net, -1 if absent */
	struct cgroup_fs *cgfs;		/* (owned) NULL if absent */
	struct thresholds limits;
	char proc_root[4096];
	void *ubc_prev;			/* (owned) struct ubc_snapshot: the last /proc/user_beancounters */
	bool io_denied;			/* some /proc/PID/io refused us */
	bool proc_unreadable;		/* some process could not be opened */
	bool relist;			/* a watched process vanished: list again now (the caller clears it) */
};

/* A row's state as shown: "lost" while its connection is, else the guest's state. */
const char *row_state_name(const struct guest_row *r);
int model_init(struct model *m, const char *proc_root);
/* Also read cgroups and interfaces below sys_root ("/sys"). */
void model_init_sys(struct model *m, const char *sys_root);
void model_free(struct model *m);
/* Take a new listing: add new guests, update known ones, drop the ones gone. */
int model_update(struct model *m, const struct guest_list *l);
/* Read every running guest's counters, compute rates since the last call, judge victims. */
void model_sample(struct model *m);
/* Mark victims and culprits from the current rates (model_sample calls it). */
void model_judge(struct model *m);
void model_counts(const struct model *m, struct model_counts *out);

/* A guest that ran on a victim's CPUs, and how much CPU it took there. */
struct hurter {
	size_t row;
	double cpu_pct;		/* 100 = one core, over the last interval */
};
/*
 * The guests whose threads ran, in the last interval, on the physical CPUs
 * that victim's vCPU threads may use, ordered by the CPU they took there.
 * Returns how many were written to out (at most max).
 */
size_t model_hurters(const struct model *m, size_t victim, struct hurter *out, size_t max);

/* The history, oldest first, into out (HISTORY_LEN floats); returns how many. */
unsigned model_history(const struct guest_row *r, float *out);

#endif
