/* Per-guest host counters read from procfs, cgroups and sysfs, and the rates computed from two of them. */
#ifndef GUESTTOP_SAMPLER_H
#define GUESTTOP_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "backends/backend.h"
#include "backends/cgroupfs.h"

#define SAMPLER_MAX_NICS 8
#define SAMPLER_MAX_CPUS 1024

/* A host interface's counters, as the host sees them (for a tap, rx = what the guest sent). */
struct nic_counters {
	bool have;
	uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets;
	uint64_t rx_dropped, tx_dropped, rx_errors, tx_errors;
};

/* One reading of a guest's host process. Each have_* says whether the value was readable. */
struct guest_counters {
	uint64_t t_ns;			/* CLOCK_MONOTONIC when read */
	pid_t pid;
	uint64_t starttime;		/* with pid: the process's identity */
	bool have_cpu;
	uint64_t cpu_ns;		/* utime + stime of all threads */
	bool have_vcpu_cpu;
	uint64_t vcpu_cpu_ns;		/* CPU time of the vCPU threads alone */
	bool container;			/* CPU from the cgroup, steal and I/O summed over every task */
	double task_steal_pct;		/* containers: steal summed over the tasks' own intervals, NAN unknown */
	double task_read_bps, task_write_bps;	/* containers: summed over processes read twice, NAN unknown */
	bool have_steal;
	uint64_t run_delay_ns;		/* summed over the vCPU threads */
	unsigned n_steal_threads;	/* how many vCPU threads were read */
	bool have_rss;
	uint64_t rss_bytes;
	bool have_majflt;
	uint64_t majflt;
	bool have_swap;
	uint64_t swap_bytes;		/* VmSwap of the process */
	bool have_io;
	uint64_t read_bytes, write_bytes;
	struct cgroup_counters cg;
	unsigned n_nics;
	struct nic_counters nics[SAMPLER_MAX_NICS];
};

/* Rates over one interval; NAN where unknown. CPU, steal and throttling: 100 = one core. */
struct guest_rates {
	double cpu_pct;
	double vcpu_pct;		/* of which the vCPU threads */
	double steal_pct;
	double thr_pct;			/* cgroup CPU quota throttling */
	double read_bps, write_bps;	/* host side, /proc/PID/io */
	double cg_read_bps, cg_write_bps;	/* host side, the cgroup's block I/O */
	double majflt_ps;
	double psi_cpu, psi_io, psi_mem;	/* share of the interval stalled ("some"), percent */
	double net_rx_bps, net_tx_bps;	/* as the guest sees it: rx = received by the guest */
	double net_rx_pps, net_tx_pps;
	double net_drops_ps, net_errors_ps;
	struct {
		double rx_bps, tx_bps, rx_pps, tx_pps, drops_ps, errors_ps;
	} nic[SAMPLER_MAX_NICS];
};

/*
 * Rates from two readings: a pure function. Unknown (NAN) when either side
 * lacks the value, when the process changed in between (a rate never spans
 * two processes), or when no time passed.
 */
void sampler_diff(const struct guest_counters *prev, const struct guest_counters *cur,
		  struct guest_rates *out);
void sampler_rates_unknown(struct guest_rates *out);

/* One thread of a guest's process, with its rates over the last interval. */
struct thread_probe {
	pid_t tid;
	char comm[16];			/* as long as the kernel keeps */
	int stat_fd;
	int sched_fd;			/* vCPU threads only, else -1 */
	int vcpu;			/* vCPU index, -1 for other threads */
	bool all_cpus;			/* may run anywhere */
	uint64_t *affinity;		/* (owned) allowed CPUs when !all_cpus */
	bool have_prev;
	uint64_t prev_cpu_ns, prev_delay_ns, prev_t_ns;
	int last_cpu;			/* -1 unknown */
	double cpu_pct, steal_pct;	/* NAN until two readings */
	uint64_t interval_cpu_ns;	/* CPU time in the last interval, for who-ran-where */
	uint64_t interval_ns;		/* length of that interval, 0 before two readings */
	bool seen;
};

/* A container process's io file and its last reading: rates only from two readings of the same process. */
struct proc_io_probe {
	pid_t pid;
	int fd;
	bool have_prev;
	uint64_t read_bytes, write_bytes;
};

/* Kept-open descriptors for one guest: one pread per file per refresh. */
struct guest_probe {
	pid_t pid;
	/*
	 * The process's start time at the first reading: with the pid, its identity.
	 * A later reading of another start time is another process that got the pid
	 * (read by path, after ours exited): it counts as gone, never as the guest.
	 */
	uint64_t starttime;
	/* Each descriptor is kept open, or -2 (read by path when no descriptor was left), or -1 none. */
	int stat_fd;
	int io_fd;			/* -1 when unreadable (not root) */
	int status_fd;
	bool io_denied;			/* /proc/PID/io refused us: not root */
	unsigned n_vcpu;		/* vCPU thread ids known from the backend */
	pid_t *vcpu_tids;		/* (owned) */
	unsigned n_threads;
	struct thread_probe *threads;	/* (owned) */
	unsigned reads_since_scan;
	unsigned scans;			/* thread scans so far */
	unsigned reads;			/* readings so far: every SLOW_EVERY-th reads the slow files */
	bool shown;			/* the console shows this guest's detail: read everything at each reading */
	bool have_swap;			/* VmSwap at the last slow reading */
	uint64_t swap_bytes;
	uint64_t num_threads;		/* the process's thread count at the last reading */
	bool thread_gone;		/* a thread could not be read: scan again */
	/* Containers: every task of the cgroup is a thread here, every process an io file. */
	bool container;
	int proc_fd;			/* (borrowed) the proc root: every path is below it */
	int net_fd;			/* (borrowed) <sys>/class/net, or -1 */
	const struct cgroup_fs *cgfs;	/* (borrowed) */
	char *cg_v1, *cg_v2;		/* (owned) the cgroup's paths, NULL none */
	unsigned n_procs;
	struct proc_io_probe *procs;	/* (owned) each process's io file and its last reading */
	uint64_t procs_t_ns;		/* when they were last read */
	struct cgroup_probe cg;
	unsigned n_nics;
	char nic_names[SAMPLER_MAX_NICS][32];
	int nic_fds[SAMPLER_MAX_NICS][8];
};

void guest_probe_init(struct guest_probe *p);
/*
 * Open the files of g's process below proc_fd (an fd of the proc root).
 * Returns 0, or -1 when the process is gone or unreadable.
 */
int guest_probe_open(struct guest_probe *p, int proc_fd, const struct guest_ident *g);
/* Also watch g's cgroup (cgfs may be NULL) and host interfaces below net_fd (/sys/class/net, or -1). */
void guest_probe_attach(struct guest_probe *p, const struct cgroup_fs *cgfs, int net_fd,
			const struct guest_ident *g);
void guest_probe_close(struct guest_probe *p);
/* Watching a process (its files kept open or read by path). */
bool guest_probe_is_open(const struct guest_probe *p);
/* Read the counters now (and update the threads' rates). Returns -1 when the process has gone. */
int guest_probe_read(struct guest_probe *p, struct guest_counters *out);
/* Does thread t's affinity allow CPU cpu? */
bool thread_may_run_on(const struct thread_probe *t, unsigned cpu);

uint64_t sampler_now_ns(void);

#endif
