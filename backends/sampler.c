/* The host sampler: reads a guest's process counters with pread on kept-open fds and turns them into rates. */
#include "backends/sampler.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/procfs.h"

static uint64_t sub_sat(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

void sampler_rates_unknown(struct guest_rates *out)
{
	out->cpu_pct = NAN;
	out->steal_pct = NAN;
	out->read_bps = NAN;
	out->write_bps = NAN;
}

void sampler_diff(const struct guest_counters *prev, const struct guest_counters *cur,
		  struct guest_rates *out)
{
	sampler_rates_unknown(out);
	if (!prev || !cur || prev->pid == 0 || prev->pid != cur->pid ||
	    prev->starttime != cur->starttime || cur->t_ns <= prev->t_ns)
		return;
	double dt_ns = (double)(cur->t_ns - prev->t_ns);
	double dt_s = dt_ns / 1e9;
	if (prev->have_cpu && cur->have_cpu)
		out->cpu_pct = (double)sub_sat(cur->cpu_ns, prev->cpu_ns) * 100.0 / dt_ns;
	/* The same set of vCPU threads on both sides, or the sum is not comparable. */
	if (prev->have_steal && cur->have_steal && prev->n_steal_threads == cur->n_steal_threads)
		out->steal_pct = (double)sub_sat(cur->run_delay_ns, prev->run_delay_ns) * 100.0 / dt_ns;
	if (prev->have_io && cur->have_io) {
		out->read_bps = (double)sub_sat(cur->read_bytes, prev->read_bytes) / dt_s;
		out->write_bps = (double)sub_sat(cur->write_bytes, prev->write_bytes) / dt_s;
	}
}

uint64_t sampler_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void guest_probe_init(struct guest_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->dir_fd = p->stat_fd = p->io_fd = -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void guest_probe_close(struct guest_probe *p)
{
	close_fd(&p->stat_fd);
	close_fd(&p->io_fd);
	close_fd(&p->dir_fd);
	for (unsigned i = 0; i < p->n_vcpu; i++)
		close_fd(&p->schedstat_fds[i]);
	free(p->schedstat_fds);
	guest_probe_init(p);
}

int guest_probe_open(struct guest_probe *p, int proc_fd, const struct guest_ident *g)
{
	char rel[64];
	guest_probe_close(p);
	if (g->pid <= 0)
		return -1;
	snprintf(rel, sizeof(rel), "%d", (int)g->pid);
	p->dir_fd = openat(proc_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->dir_fd < 0)
		return -1;
	p->pid = g->pid;
	p->stat_fd = openat(p->dir_fd, "stat", O_RDONLY | O_CLOEXEC);
	if (p->stat_fd < 0) {
		guest_probe_close(p);
		return -1;
	}
	p->io_fd = openat(p->dir_fd, "io", O_RDONLY | O_CLOEXEC);
	p->io_denied = p->io_fd < 0 && (errno == EACCES || errno == EPERM);
	if (g->n_vcpu_tids) {
		p->schedstat_fds = malloc(g->n_vcpu_tids * sizeof(int));
		if (!p->schedstat_fds) {
			guest_probe_close(p);
			return -1;
		}
		p->n_vcpu = g->n_vcpu_tids;
		for (unsigned i = 0; i < g->n_vcpu_tids; i++) {
			snprintf(rel, sizeof(rel), "task/%d/schedstat", (int)g->vcpu_tids[i]);
			p->schedstat_fds[i] = openat(p->dir_fd, rel, O_RDONLY | O_CLOEXEC);
		}
	}
	return 0;
}

int guest_probe_read(struct guest_probe *p, struct guest_counters *out)
{
	char buf[1024];
	memset(out, 0, sizeof(*out));
	out->t_ns = sampler_now_ns();
	if (p->stat_fd < 0)
		return -1;
	ssize_t n = procfs_pread(p->stat_fd, buf, sizeof(buf));
	struct proc_stat st;
	/* ESRCH: the process has exited since the fd was opened. */
	if (n <= 0 || procfs_parse_stat(buf, (size_t)n, &st) < 0)
		return -1;
	static long tick_hz, page_size;
	if (!tick_hz) {
		tick_hz = sysconf(_SC_CLK_TCK);
		page_size = sysconf(_SC_PAGESIZE);
		if (tick_hz <= 0)
			tick_hz = 100;
	}
	out->pid = p->pid;
	out->starttime = st.starttime;
	out->have_cpu = true;
	out->cpu_ns = (st.utime + st.stime) * (1000000000u / (uint64_t)tick_hz);
	out->have_rss = true;
	out->rss_bytes = st.rss_pages * (uint64_t)page_size;

	if (p->io_fd >= 0) {
		struct proc_io io;
		n = procfs_pread(p->io_fd, buf, sizeof(buf));
		if (n > 0 && procfs_parse_io(buf, (size_t)n, &io) == 0) {
			out->have_io = true;
			out->read_bytes = io.read_bytes;
			out->write_bytes = io.write_bytes;
		}
	}

	if (p->n_vcpu) {
		out->have_steal = true;
		for (unsigned i = 0; i < p->n_vcpu; i++) {
			struct proc_schedstat ss;
			if (p->schedstat_fds[i] < 0) {
				out->have_steal = false;
				break;
			}
			n = procfs_pread(p->schedstat_fds[i], buf, sizeof(buf));
			if (n <= 0 || procfs_parse_schedstat(buf, (size_t)n, &ss) < 0) {
				out->have_steal = false;
				break;
			}
			out->run_delay_ns += ss.run_delay_ns;
			out->n_steal_threads++;
		}
	}
	return 0;
}
