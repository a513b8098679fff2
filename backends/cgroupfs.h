/* Reading a guest's cgroup: where the hierarchies are, kept-open files, and pure parsers for each file. */
#ifndef GUESTTOP_CGROUPFS_H
#define GUESTTOP_CGROUPFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* How the host mounts cgroups, found below <sys_root>/fs/cgroup. */
enum cgroup_layout {
	CGROUP_LAYOUT_NONE,
	CGROUP_LAYOUT_V1,	/* per-controller v1 mounts only */
	CGROUP_LAYOUT_HYBRID,	/* v1 controllers plus a unified (v2) mount at .../unified */
	CGROUP_LAYOUT_V2,	/* pure v2: the unified hierarchy at <sys_root>/fs/cgroup */
};

struct cgroup_fs;

/* Discover the layout below sys_root ("/sys"). Never NULL unless out of memory. */
struct cgroup_fs *cgroup_fs_open(const char *sys_root);
void cgroup_fs_free(struct cgroup_fs *fs);
enum cgroup_layout cgroup_fs_layout(const struct cgroup_fs *fs);

#define CGROUP_MAX_IO_DEVS 16

struct cgroup_io_dev {
	unsigned major, minor;
	uint64_t rbytes, wbytes, rios, wios;
};

/* One reading of a guest's cgroup; each have_* says whether the value was readable. */
struct cgroup_counters {
	bool have_usage;
	uint64_t usage_ns;		/* v1 cpuacct.usage, or v2 cpu.stat usage_usec * 1000 */
	bool have_throttle;
	uint64_t throttled_ns;		/* v1 cpu.stat throttled_time, v2 throttled_usec * 1000 */
	uint64_t nr_periods, nr_throttled;
	bool have_mem;
	uint64_t mem_bytes;		/* v1 memory.usage_in_bytes, v2 memory.current */
	bool have_swap;
	uint64_t swap_bytes;		/* v1 memory.stat "swap", v2 memory.swap.current */
	bool have_io;
	uint64_t io_rbytes, io_wbytes, io_rios, io_wios;	/* summed over devices */
	unsigned n_io_devs;
	struct cgroup_io_dev io_devs[CGROUP_MAX_IO_DEVS];
	bool have_psi_cpu, have_psi_io, have_psi_mem;
	uint64_t psi_cpu_some_us, psi_io_some_us, psi_mem_some_us;	/* "some ... total=" */
};

/*
 * Kept-open descriptors for one guest's cgroup files; one pread per file per
 * refresh. v1_path is the guest's path below each v1 controller mount ("" if
 * none), v2_path its path in the unified hierarchy ("" if none); on a hybrid
 * host both are used: v1 for cpu/memory/blkio, v2 for pressure.
 */
#define CGROUP_PROBE_FILES 12
struct cgroup_probe {
	/* Kept open; -2 read by path (no descriptor was left); -1 missing or unreadable. */
	int fds[CGROUP_PROBE_FILES];
	const struct cgroup_fs *fs;	/* (borrowed) */
	char *v1, *v2;			/* (owned) the paths below the mounts, for reads by path */
	signed char ctl[CGROUP_PROBE_FILES];	/* each file's mount */
	bool no_usage;			/* the CPU time comes from elsewhere (a VM's process): skip it */
	bool no_io;			/* the I/O counters are not wanted now: skip them */
	/* Memory and swap are gauges, read every CGROUP_GAUGE_EVERY readings and kept between. */
	unsigned reads;
	bool have_mem, have_swap;
	uint64_t mem_bytes, swap_bytes;
};
#define CGROUP_GAUGE_EVERY 5

void cgroup_probe_init(struct cgroup_probe *p);
/* Returns 0 when at least one file could be opened, else -1. */
int cgroup_probe_open(struct cgroup_probe *p, const struct cgroup_fs *fs, const char *v1_path,
		      const char *v2_path);
void cgroup_probe_read(struct cgroup_probe *p, struct cgroup_counters *out);
void cgroup_probe_close(struct cgroup_probe *p);

/* Pure parsers: 0 on success, -1 when the buffer is not of the expected form. */
struct cgroup_cpu_stat {
	bool have_usage;
	uint64_t usage_ns;
	uint64_t nr_periods, nr_throttled;
	uint64_t throttled_ns;
};
/* v1 (throttled_time in ns) and v2 (usage_usec, throttled_usec) cpu.stat. */
int cgroup_parse_cpu_stat(const char *buf, size_t len, struct cgroup_cpu_stat *out);
/* v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" per line; an empty file is a valid zero reading. */
int cgroup_parse_io_stat(const char *buf, size_t len, struct cgroup_counters *out);
/*
 * v1 blkio.throttle.io_service_bytes / io_serviced: "MAJ:MIN Read N" ... lines.
 * Fills one half (bytes or counts) and matches devices with what the other
 * call put in out: zero out before the first of the two calls.
 */
int cgroup_parse_blkio(const char *buf, size_t len, bool serviced, struct cgroup_counters *out);
/* PSI: "some avg10=.. avg60=.. avg300=.. total=N" (and a "full" line); total of "some" in µs. */
int cgroup_parse_pressure(const char *buf, size_t len, uint64_t *some_total_us);
/* A single decimal number (memory.current, cpuacct.usage). */
int cgroup_parse_u64(const char *buf, size_t len, uint64_t *out);
/* v1 memory.stat: the value of one key ("swap", "total_swap"). */
int cgroup_parse_memory_stat(const char *buf, size_t len, const char *key, uint64_t *out);

/*
 * The tasks (threads when `threads`, else processes) of a cgroup and of every
 * cgroup below it: from the v1 cpu hierarchy when v1_path is given, else from
 * the unified one. Read at scan time, not every refresh. Returns how many pids
 * were written (at most max), or -1 when the cgroup cannot be read.
 */
int cgroup_list_members(const struct cgroup_fs *fs, const char *v1_path, const char *v2_path,
			bool threads, pid_t *out, size_t max);

/*
 * Call cb with the path ("/system.slice/docker-1234.scope") of every cgroup
 * down to max_depth levels, in the hierarchy that says which tasks belong
 * where (v1 cpu, or the unified one). cb returns nonzero to stop.
 */
void cgroup_walk(const struct cgroup_fs *fs, int max_depth,
		 int (*cb)(const char *path, void *opaque), void *opaque);

/* Host-wide pressure from <proc_root>/pressure/{cpu,io,memory}: "some" totals in µs. */
struct host_psi {
	bool have_cpu, have_io, have_mem;
	uint64_t cpu_some_us, io_some_us, mem_some_us;
};
void host_psi_read(const char *proc_root, struct host_psi *out);

#endif
