/* Per-guest host counters read from procfs, and the rates computed from two of them. */
#ifndef GUESTTOP_SAMPLER_H
#define GUESTTOP_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "backends/backend.h"

/* One reading of a guest's host process. Each have_* says whether the value was readable. */
struct guest_counters {
	uint64_t t_ns;			/* CLOCK_MONOTONIC when read */
	pid_t pid;
	uint64_t starttime;		/* with pid: the process's identity */
	bool have_cpu;
	uint64_t cpu_ns;		/* utime + stime of all threads */
	bool have_steal;
	uint64_t run_delay_ns;		/* summed over the vCPU threads */
	unsigned n_steal_threads;	/* how many vCPU threads were read */
	bool have_rss;
	uint64_t rss_bytes;
	bool have_io;
	uint64_t read_bytes, write_bytes;
};

/* Rates over one interval; NAN where unknown. CPU and steal: 100 = one core. */
struct guest_rates {
	double cpu_pct;
	double steal_pct;
	double read_bps;
	double write_bps;
};

/*
 * Rates from two readings: a pure function. Unknown (NAN) when either side
 * lacks the value, when the process changed in between (a rate never spans
 * two processes), or when no time passed.
 */
void sampler_diff(const struct guest_counters *prev, const struct guest_counters *cur,
		  struct guest_rates *out);
void sampler_rates_unknown(struct guest_rates *out);

/* Kept-open descriptors for one guest's process: one pread per file per refresh. */
struct guest_probe {
	pid_t pid;
	int dir_fd;			/* /proc/PID */
	int stat_fd;
	int io_fd;			/* -1 when unreadable (not root) */
	unsigned n_vcpu;
	int *schedstat_fds;		/* (owned) one per vCPU thread, -1 unreadable */
	bool io_denied;			/* /proc/PID/io refused us: not root */
};

void guest_probe_init(struct guest_probe *p);
/*
 * Open the files of g's process below proc_fd (an fd of the proc root).
 * Returns 0, or -1 when the process is gone or unreadable.
 */
int guest_probe_open(struct guest_probe *p, int proc_fd, const struct guest_ident *g);
void guest_probe_close(struct guest_probe *p);
/* Read the counters now. Returns -1 when the process has gone. */
int guest_probe_read(struct guest_probe *p, struct guest_counters *out);

uint64_t sampler_now_ns(void);

#endif
