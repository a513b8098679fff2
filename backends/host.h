/* Host-wide figures for the header: CPU per core, memory and load, read through libproc2. */
#ifndef GUESTTOP_HOST_H
#define GUESTTOP_HOST_H

#include <stdint.h>

#define HOST_MAX_CPUS 1024

struct host_sample {
	unsigned ncpu;
	double cpu_pct[HOST_MAX_CPUS];	/* busy share of each core over the last interval, NAN first */
	int cpu_id[HOST_MAX_CPUS];	/* the kernel's number of each (with CPUs offline, not the index) */
	double cpu_total_pct;		/* busy share of the whole host, 100 = all cores */
	uint64_t mem_total, mem_used, mem_available;	/* bytes */
	uint64_t swap_total, swap_used;
	double load[3];
	int ok;				/* 0 when the figures could not be read */
};

struct host;

struct host *host_new(void);
void host_free(struct host *h);
/* Read the figures now; rates are over the time since the previous call. */
void host_sample(struct host *h, struct host_sample *out);

#endif
