/* The host sampler: reads a guest's process, threads, cgroup and interfaces with pread on kept-open fds. */
#include "backends/sampler.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/procfs.h"

/*
 * Threads come and go (qemu's worker pool): a process's list is read again
 * when its thread count changes or a thread vanished, and at least every
 * THREAD_RESCAN_MAX refreshes; a container's (no such count) every
 * THREAD_RESCAN_EVERY refreshes.
 */
#define THREAD_RESCAN_EVERY 5
#define THREAD_RESCAN_MAX 30
/*
 * Read every SLOW_EVERY refreshes: the swap figure (a slow gauge from a long
 * file), and a VM's threads other than its vCPUs (qemu's I/O and worker
 * threads, often dozens: their CPU is in the process's total anyway, and
 * their own figures are then averages over that longer interval) unless the
 * console shows the guest's detail (shown). vCPU threads, and every task of a
 * container (its steal comes from them), are read at each refresh. The
 * cgroup's per-device I/O counters, shown only in the detail, are read for
 * that guest only.
 */
#define SLOW_EVERY 5
/* Every how many scans the affinity of threads other than vCPUs is read again. */
#define AFFINITY_EVERY 4
/* A container's tasks watched at most (a refresh reads two files per task). */
#define CONTAINER_MAX_TASKS 4096

static const char *const nic_files[8] = {
	"rx_bytes", "tx_bytes", "rx_packets", "tx_packets",
	"rx_dropped", "tx_dropped", "rx_errors", "tx_errors",
};

static uint64_t sub_sat(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static uint64_t tick_ns(void)
{
	static uint64_t ns;
	if (!ns) {
		long hz = sysconf(_SC_CLK_TCK);
		ns = 1000000000u / (uint64_t)(hz > 0 ? hz : 100);
	}
	return ns;
}

void sampler_rates_unknown(struct guest_rates *out)
{
	double *d = (double *)out;
	for (size_t i = 0; i < sizeof(*out) / sizeof(double); i++)
		d[i] = NAN;
}

/* delta / dt, as a percentage of dt (both in ns). */
static double pct(uint64_t a, uint64_t b, double dt_ns)
{
	return (double)sub_sat(a, b) * 100.0 / dt_ns;
}

static double per_s(uint64_t a, uint64_t b, double dt_s)
{
	return (double)sub_sat(a, b) / dt_s;
}

static void diff_nics(const struct guest_counters *prev, const struct guest_counters *cur,
		      double dt_s, struct guest_rates *out)
{
	if (cur->n_nics == 0 || prev->n_nics != cur->n_nics)
		return;
	double rx = 0, tx = 0, rxp = 0, txp = 0, drops = 0, errs = 0;
	for (unsigned i = 0; i < cur->n_nics; i++) {
		const struct nic_counters *a = &prev->nics[i], *b = &cur->nics[i];
		if (!a->have || !b->have)
			return;
		/* The host's transmit on a tap is what the guest receives. */
		out->nic[i].rx_bps = per_s(b->tx_bytes, a->tx_bytes, dt_s);
		out->nic[i].tx_bps = per_s(b->rx_bytes, a->rx_bytes, dt_s);
		out->nic[i].rx_pps = per_s(b->tx_packets, a->tx_packets, dt_s);
		out->nic[i].tx_pps = per_s(b->rx_packets, a->rx_packets, dt_s);
		out->nic[i].drops_ps = per_s(b->rx_dropped + b->tx_dropped, a->rx_dropped + a->tx_dropped, dt_s);
		out->nic[i].errors_ps = per_s(b->rx_errors + b->tx_errors, a->rx_errors + a->tx_errors, dt_s);
		rx += out->nic[i].rx_bps;
		tx += out->nic[i].tx_bps;
		rxp += out->nic[i].rx_pps;
		txp += out->nic[i].tx_pps;
		drops += out->nic[i].drops_ps;
		errs += out->nic[i].errors_ps;
	}
	out->net_rx_bps = rx;
	out->net_tx_bps = tx;
	out->net_rx_pps = rxp;
	out->net_tx_pps = txp;
	out->net_drops_ps = drops;
	out->net_errors_ps = errs;
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
		out->cpu_pct = pct(cur->cpu_ns, prev->cpu_ns, dt_ns);
	if (prev->have_vcpu_cpu && cur->have_vcpu_cpu && prev->n_steal_threads == cur->n_steal_threads)
		out->vcpu_pct = pct(cur->vcpu_cpu_ns, prev->vcpu_cpu_ns, dt_ns);
	/* The same set of vCPU threads on both sides, or the sum is not comparable. */
	if (cur->container)
		out->steal_pct = cur->task_steal_pct;
	else if (prev->have_steal && cur->have_steal && prev->n_steal_threads == cur->n_steal_threads)
		out->steal_pct = pct(cur->run_delay_ns, prev->run_delay_ns, dt_ns);
	if (cur->container) {
		out->read_bps = cur->task_read_bps;
		out->write_bps = cur->task_write_bps;
	} else if (prev->have_io && cur->have_io) {
		out->read_bps = per_s(cur->read_bytes, prev->read_bytes, dt_s);
		out->write_bps = per_s(cur->write_bytes, prev->write_bytes, dt_s);
	}
	if (prev->have_majflt && cur->have_majflt)
		out->majflt_ps = per_s(cur->majflt, prev->majflt, dt_s);
	const struct cgroup_counters *a = &prev->cg, *b = &cur->cg;
	if (a->have_throttle && b->have_throttle)
		out->thr_pct = pct(b->throttled_ns, a->throttled_ns, dt_ns);
	if (a->have_io && b->have_io) {
		out->cg_read_bps = per_s(b->io_rbytes, a->io_rbytes, dt_s);
		out->cg_write_bps = per_s(b->io_wbytes, a->io_wbytes, dt_s);
	}
	/* PSI totals are in microseconds. */
	if (a->have_psi_cpu && b->have_psi_cpu)
		out->psi_cpu = pct(b->psi_cpu_some_us * 1000, a->psi_cpu_some_us * 1000, dt_ns);
	if (a->have_psi_io && b->have_psi_io)
		out->psi_io = pct(b->psi_io_some_us * 1000, a->psi_io_some_us * 1000, dt_ns);
	if (a->have_psi_mem && b->have_psi_mem)
		out->psi_mem = pct(b->psi_mem_some_us * 1000, a->psi_mem_some_us * 1000, dt_ns);
	diff_nics(prev, cur, dt_s, out);
}

uint64_t sampler_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void guest_probe_init(struct guest_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->stat_fd = p->io_fd = p->status_fd = p->proc_fd = p->net_fd = -1;
	cgroup_probe_init(&p->cg);
	for (unsigned i = 0; i < SAMPLER_MAX_NICS; i++)
		for (unsigned j = 0; j < 8; j++)
			p->nic_fds[i][j] = -1;
}

static void thread_close(struct thread_probe *t)
{
	close_fd(&t->stat_fd);
	close_fd(&t->sched_fd);
	free(t->affinity);
	t->affinity = NULL;
}

void guest_probe_close(struct guest_probe *p)
{
	close_fd(&p->stat_fd);
	close_fd(&p->io_fd);
	close_fd(&p->status_fd);
	for (unsigned i = 0; i < p->n_threads; i++)
		thread_close(&p->threads[i]);
	free(p->threads);
	free(p->vcpu_tids);
	for (unsigned i = 0; i < p->n_procs; i++)
		close_fd(&p->procs[i].fd);
	free(p->procs);
	cgroup_probe_close(&p->cg);
	free(p->cg_v1);
	free(p->cg_v2);
	for (unsigned i = 0; i < p->n_nics; i++)
		for (unsigned j = 0; j < 8; j++)
			close_fd(&p->nic_fds[i][j]);
	guest_probe_init(p);
}

bool thread_may_run_on(const struct thread_probe *t, unsigned cpu)
{
	if (t->all_cpus || !t->affinity)
		return true;
	return cpu < SAMPLER_MAX_CPUS && (t->affinity[cpu / 64] >> (cpu % 64)) & 1;
}

static int vcpu_index(const struct guest_probe *p, pid_t tid)
{
	for (unsigned i = 0; i < p->n_vcpu; i++)
		if (p->vcpu_tids[i] == tid)
			return (int)i;
	return -1;
}

/*
 * Keep a file open, or, when the process has no descriptor left (a host with
 * thousands of guests meets the limit), say ON_DEMAND: it is then opened,
 * read and closed at each refresh rather than silently not read at all.
 */
#define ON_DEMAND (-2)

static int open_kept(int base, const char *rel)
{
	int fd = procfs_fd_budget(openat(base, rel, O_RDONLY | O_CLOEXEC));
	if (fd < 0 && (errno == EMFILE || errno == ENFILE))
		return ON_DEMAND;
	return fd < 0 ? -1 : fd;
}

/*
 * A file of the guest's process (tid 0) or of one of its threads, below the
 * proc root: "PID/stat", "PID/task/TID/stat", or for a container's task,
 * which may belong to any of its processes, "TID/stat".
 */
static void proc_rel(const struct guest_probe *p, pid_t tid, const char *file, char *rel, size_t size)
{
	if (tid == 0)
		snprintf(rel, size, "%d/%s", (int)p->pid, file);
	else if (p->container)
		snprintf(rel, size, "%d/%s", (int)tid, file);
	else
		snprintf(rel, size, "%d/task/%d/%s", (int)p->pid, (int)tid, file);
}

static int open_proc_file(const struct guest_probe *p, pid_t tid, const char *file)
{
	char rel[96];
	proc_rel(p, tid, file, rel, sizeof(rel));
	return open_kept(p->proc_fd, rel);
}

/* Read a file: pread on its kept descriptor, or open-read-close when it has none. */
static ssize_t read_proc_file(const struct guest_probe *p, int fd, pid_t tid, const char *file, char *buf,
			      size_t size)
{
	if (fd >= 0)
		return procfs_pread(fd, buf, size);
	if (fd != ON_DEMAND)
		return -1;
	char rel[96];
	proc_rel(p, tid, file, rel, sizeof(rel));
	return procfs_read_at(p->proc_fd, rel, buf, size);
}

bool guest_probe_is_open(const struct guest_probe *p)
{
	return p->pid > 0 && p->stat_fd != -1;
}

/* The number of online CPUs, read again at most once a second (sysconf opens a file each time). */
static long online_cpus(void)
{
	static long n;
	static uint64_t at;
	uint64_t now = sampler_now_ns();
	if (!at || now - at > 1000000000ull) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		at = now;
	}
	return n;
}

/* Affinity from task/TID/status; "every CPU" when it allows all online ones. */
static void thread_read_affinity(struct guest_probe *p, struct thread_probe *t)
{
	char buf[4096];
	t->all_cpus = true;
	ssize_t n = read_proc_file(p, ON_DEMAND, t->tid, "status", buf, sizeof(buf));
	if (n <= 0)
		return;
	const char *line = strstr(buf, "Cpus_allowed_list:");
	if (!line)
		return;
	line += strlen("Cpus_allowed_list:");
	const char *eol = strchr(line, '\n');
	size_t len = eol ? (size_t)(eol - line) : strlen(line);
	uint64_t bits[SAMPLER_MAX_CPUS / 64];
	int count = procfs_parse_cpulist(line, len, bits, SAMPLER_MAX_CPUS);
	long online = online_cpus();
	if (count <= 0)
		return;
	/* "Anywhere" means every online CPU is in the set, not merely as many CPUs. */
	bool every = online > 0 && online <= SAMPLER_MAX_CPUS;
	for (long cpu = 0; every && cpu < online; cpu++)
		if (!((bits[cpu / 64] >> (cpu % 64)) & 1))
			every = false;
	if (every)
		return;
	t->affinity = malloc(sizeof(bits));
	if (!t->affinity)
		return;
	memcpy(t->affinity, bits, sizeof(bits));
	t->all_cpus = false;
}

static int thread_open(struct guest_probe *p, struct thread_probe *t, pid_t tid)
{
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->stat_fd = t->sched_fd = -1;
	t->last_cpu = -1;
	t->cpu_pct = t->steal_pct = NAN;
	t->vcpu = vcpu_index(p, tid);
	t->stat_fd = open_proc_file(p, tid, "stat");
	if (t->stat_fd == -1)
		return -1;
	if (t->vcpu >= 0 || p->container)
		t->sched_fd = open_proc_file(p, tid, "schedstat");
	thread_read_affinity(p, t);
	t->seen = true;
	return 0;
}

/* Bring the thread list up to date with /proc/PID/task: mark, add, sweep. */
/*
 * A container's processes, each with its io file. A process keeps its last
 * reading across rescans; one that is new adds nothing until it is read twice,
 * so processes coming and going never make the container's rate jump.
 */
static void scan_container_procs(struct guest_probe *p)
{
	pid_t pids[CONTAINER_MAX_TASKS];
	int n = cgroup_list_members(p->cgfs, p->cg_v1, p->cg_v2, false, pids, CONTAINER_MAX_TASKS);
	struct proc_io_probe *fresh = n > 0 ? calloc((size_t)n, sizeof(*fresh)) : NULL;
	unsigned k = 0;
	for (int i = 0; fresh && i < n; i++) {
		bool kept = false;
		for (unsigned j = 0; j < p->n_procs; j++) {
			if (p->procs[j].pid == pids[i] && p->procs[j].fd != -1) {
				fresh[k++] = p->procs[j];
				p->procs[j].fd = -1;
				kept = true;
				break;
			}
		}
		if (kept)
			continue;
		/* A process of the container is a task of it: "PID/io". */
		int fd = open_proc_file(p, pids[i], "io");
		if (fd != -1)
			fresh[k++] = (struct proc_io_probe){ .pid = pids[i], .fd = fd };
	}
	for (unsigned j = 0; j < p->n_procs; j++)
		close_fd(&p->procs[j].fd);
	free(p->procs);
	p->procs = fresh;
	p->n_procs = k;
}

/* The thread ids to watch: the process's own, or every task of a container's cgroup. */
static int list_tids(struct guest_probe *p, pid_t *out, size_t max)
{
	if (p->container)
		return cgroup_list_members(p->cgfs, p->cg_v1, p->cg_v2, true, out, max);
	char rel[32];
	snprintf(rel, sizeof(rel), "%d/task", (int)p->pid);
	int tfd = openat(p->proc_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0)
		return -1;
	DIR *d = fdopendir(tfd);
	if (!d) {
		close(tfd);
		return -1;
	}
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < max)
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
			out[n++] = (pid_t)atoi(de->d_name);
	closedir(d);
	return (int)n;
}

static void scan_threads(struct guest_probe *p)
{
	static pid_t tids[CONTAINER_MAX_TASKS];
	int nt = list_tids(p, tids, CONTAINER_MAX_TASKS);
	if (nt < 0)
		return;
	if (p->container)
		scan_container_procs(p);
	bool all_affinity = ++p->scans % AFFINITY_EVERY == 0;
	for (unsigned i = 0; i < p->n_threads; i++)
		p->threads[i].seen = false;
	for (int k = 0; k < nt; k++) {
		pid_t tid = tids[k];
		bool known = false;
		for (unsigned i = 0; i < p->n_threads; i++) {
			if (p->threads[i].tid == tid && p->threads[i].stat_fd != -1) {
				p->threads[i].seen = known = true;
				/*
				 * Pinning (virsh vcpupin) changes affinity at run time: a
				 * vCPU's is read again at every scan, the others' (far more
				 * of them, rarely pinned) at every AFFINITY_EVERY-th.
				 */
				if (p->threads[i].vcpu >= 0 || all_affinity) {
					free(p->threads[i].affinity);
					p->threads[i].affinity = NULL;
					thread_read_affinity(p, &p->threads[i]);
				}
				break;
			}
		}
		if (known)
			continue;
		struct thread_probe *v = realloc(p->threads, (p->n_threads + 1) * sizeof(*v));
		if (!v)
			break;
		p->threads = v;
		if (thread_open(p, &p->threads[p->n_threads], tid) == 0)
			p->n_threads++;
		else
			thread_close(&p->threads[p->n_threads]);
	}
	for (unsigned i = 0; i < p->n_threads;) {
		if (!p->threads[i].seen) {
			thread_close(&p->threads[i]);
			p->threads[i] = p->threads[--p->n_threads];
		} else {
			i++;
		}
	}
	/* vCPUs first, in index order, then the others by tid: a stable order to show. */
	for (unsigned i = 1; i < p->n_threads; i++) {
		struct thread_probe t = p->threads[i];
		unsigned j = i;
		while (j > 0) {
			const struct thread_probe *q = &p->threads[j - 1];
			long kq = q->vcpu >= 0 ? q->vcpu : 100000L + q->tid;
			long kt = t.vcpu >= 0 ? t.vcpu : 100000L + t.tid;
			if (kq <= kt)
				break;
			p->threads[j] = p->threads[j - 1];
			j--;
		}
		p->threads[j] = t;
	}
	p->reads_since_scan = 0;
	p->thread_gone = false;
}

/* Pinning (virsh vcpupin) changes a vCPU's affinity at run time: read between scans too. */
static void reread_vcpu_affinity(struct guest_probe *p)
{
	for (unsigned i = 0; i < p->n_threads; i++) {
		struct thread_probe *t = &p->threads[i];
		if (t->vcpu < 0 || t->stat_fd == -1)
			continue;
		free(t->affinity);
		t->affinity = NULL;
		thread_read_affinity(p, t);
	}
}

int guest_probe_open(struct guest_probe *p, int proc_fd, const struct guest_ident *g)
{
	guest_probe_close(p);
	if (g->pid <= 0)
		return -1;
	p->pid = g->pid;
	p->proc_fd = proc_fd;
	p->container = g->container;
	p->stat_fd = open_proc_file(p, 0, "stat");
	if (p->stat_fd == ON_DEMAND) {
		/* No descriptor to keep: the process must at least be there. */
		char buf[1024];
		if (read_proc_file(p, ON_DEMAND, 0, "stat", buf, sizeof(buf)) <= 0)
			p->stat_fd = -1;
	}
	if (p->stat_fd == -1) {
		guest_probe_close(p);
		return -1;
	}
	p->io_fd = open_proc_file(p, 0, "io");
	p->io_denied = p->io_fd == -1 && (errno == EACCES || errno == EPERM);
	p->status_fd = open_proc_file(p, 0, "status");
	if (g->n_vcpu_tids) {
		p->vcpu_tids = malloc(g->n_vcpu_tids * sizeof(pid_t));
		if (!p->vcpu_tids) {
			guest_probe_close(p);
			return -1;
		}
		memcpy(p->vcpu_tids, g->vcpu_tids, g->n_vcpu_tids * sizeof(pid_t));
		p->n_vcpu = g->n_vcpu_tids;
	}
	/* A container's tasks come from its cgroup, known once attached. */
	if (!p->container)
		scan_threads(p);
	return 0;
}

void guest_probe_attach(struct guest_probe *p, const struct cgroup_fs *cgfs, int net_fd,
			const struct guest_ident *g)
{
	cgroup_probe_close(&p->cg);
	free(p->cg_v1);
	free(p->cg_v2);
	const char *v1 = g->cgroup_mode == CGROUP_V1 ? g->cgroup : "";
	const char *v2 = g->cgroup_v2[0] ? g->cgroup_v2 : (g->cgroup_mode == CGROUP_V2 ? g->cgroup : "");
	p->cg_v1 = v1[0] ? strdup(v1) : NULL;
	p->cg_v2 = v2[0] ? strdup(v2) : NULL;
	p->cgfs = cgfs;
	if (cgfs && (p->cg_v1 || p->cg_v2))
		cgroup_probe_open(&p->cg, cgfs, p->cg_v1, p->cg_v2);
	/* A VM's CPU time is its process's: the cgroup's is read for containers only. */
	p->cg.no_usage = !p->container;
	if (p->container && guest_probe_is_open(p))
		scan_threads(p);
	for (unsigned i = 0; i < p->n_nics; i++)
		for (unsigned j = 0; j < 8; j++)
			close_fd(&p->nic_fds[i][j]);
	p->n_nics = 0;
	p->net_fd = net_fd;
	if (net_fd < 0)
		return;
	for (unsigned i = 0; i < g->n_nics && p->n_nics < SAMPLER_MAX_NICS; i++) {
		const char *ifname = g->nics[i].ifname;
		/* An interface name is one path component. */
		if (!ifname[0] || strchr(ifname, '/') || ifname[0] == '.')
			continue;
		unsigned k = p->n_nics++;
		snprintf(p->nic_names[k], sizeof(p->nic_names[k]), "%s", ifname);
		for (unsigned j = 0; j < 8; j++) {
			char rel[96];
			snprintf(rel, sizeof(rel), "%s/statistics/%s", ifname, nic_files[j]);
			p->nic_fds[k][j] = open_kept(net_fd, rel);
		}
	}
}

/* One interface counter: /sys/class/net/IF/statistics/FILE. */
static bool read_nic_counter(const struct guest_probe *p, unsigned nic, unsigned j, uint64_t *out)
{
	char buf[32];
	ssize_t n = -1;
	int fd = p->nic_fds[nic][j];
	if (fd >= 0) {
		n = procfs_pread(fd, buf, sizeof(buf));
	} else if (fd == ON_DEMAND) {
		char rel[96];
		snprintf(rel, sizeof(rel), "%s/statistics/%s", p->nic_names[nic], nic_files[j]);
		n = procfs_read_at(p->net_fd, rel, buf, sizeof(buf));
	}
	return n > 0 && cgroup_parse_u64(buf, (size_t)n, out) == 0;
}

static void read_threads(struct guest_probe *p, uint64_t now, bool slow, struct guest_counters *out)
{
	char buf[1024];
	unsigned vcpus_read = 0;
	bool vcpu_ok = p->n_vcpu > 0;
	bool others = slow || p->shown || p->container || p->n_vcpu == 0;
	for (unsigned i = 0; i < p->n_threads; i++) {
		struct thread_probe *t = &p->threads[i];
		if (t->vcpu < 0 && !others)
			continue;
		struct proc_stat st;
		struct proc_schedstat ss;
		uint64_t cpu_ns, delay_ns = 0;
		bool have_delay = false;
		ssize_t n = read_proc_file(p, t->stat_fd, t->tid, "stat", buf, sizeof(buf));
		if (n <= 0 || procfs_parse_stat(buf, (size_t)n, &st) < 0) {
			/* Gone: forget it until the next scan (at the next refresh) removes it. */
			close_fd(&t->stat_fd);
			p->thread_gone = true;
			t->cpu_pct = t->steal_pct = NAN;
			t->have_prev = false;
			t->interval_cpu_ns = t->interval_ns = 0;
			if (t->vcpu >= 0)
				vcpu_ok = false;
			continue;
		}
		size_t cl = strnlen(st.comm, sizeof(t->comm) - 1);
		memcpy(t->comm, st.comm, cl);
		t->comm[cl] = '\0';
		t->last_cpu = st.processor;
		cpu_ns = (st.utime + st.stime) * tick_ns();
		if (t->sched_fd >= 0 || t->sched_fd == ON_DEMAND) {
			n = read_proc_file(p, t->sched_fd, t->tid, "schedstat", buf, sizeof(buf));
			if (n > 0 && procfs_parse_schedstat(buf, (size_t)n, &ss) == 0) {
				/* schedstat counts in ns, far finer than stat's clock ticks. */
				cpu_ns = ss.exec_ns;
				delay_ns = ss.run_delay_ns;
				have_delay = true;
			}
		}
		if (t->vcpu >= 0) {
			if (have_delay) {
				out->run_delay_ns += delay_ns;
				out->vcpu_cpu_ns += cpu_ns;
				vcpus_read++;
			} else {
				vcpu_ok = false;
			}
		}
		if (p->container && have_delay && t->have_prev && now > t->prev_t_ns) {
			double ts = pct(delay_ns, t->prev_delay_ns, (double)(now - t->prev_t_ns));
			out->task_steal_pct = isnan(out->task_steal_pct) ? ts : out->task_steal_pct + ts;
		}
		if (t->have_prev && now > t->prev_t_ns) {
			double dt = (double)(now - t->prev_t_ns);
			t->interval_ns = now - t->prev_t_ns;
			t->interval_cpu_ns = sub_sat(cpu_ns, t->prev_cpu_ns);
			t->cpu_pct = (double)t->interval_cpu_ns * 100.0 / dt;
			t->steal_pct = have_delay ? pct(delay_ns, t->prev_delay_ns, dt) : NAN;
		}
		t->prev_cpu_ns = cpu_ns;
		t->prev_delay_ns = delay_ns;
		t->prev_t_ns = now;
		t->have_prev = true;
	}
	/* Every vCPU the backend named must have been read, or the sums mislead. */
	if (vcpu_ok && vcpus_read == p->n_vcpu) {
		out->have_steal = out->have_vcpu_cpu = true;
		out->n_steal_threads = vcpus_read;
	} else {
		out->run_delay_ns = out->vcpu_cpu_ns = 0;
	}
}

int guest_probe_read(struct guest_probe *p, struct guest_counters *out)
{
	char buf[2048];
	memset(out, 0, sizeof(*out));
	out->t_ns = sampler_now_ns();
	if (!guest_probe_is_open(p))
		return -1;
	ssize_t n = read_proc_file(p, p->stat_fd, 0, "stat", buf, sizeof(buf));
	struct proc_stat st;
	/* ESRCH: the process has exited since the fd was opened. */
	if (n <= 0 || procfs_parse_stat(buf, (size_t)n, &st) < 0)
		return -1;
	if (!p->starttime)
		p->starttime = st.starttime;
	else if (st.starttime != p->starttime)
		return -1;
	static long page_size;
	if (!page_size)
		page_size = sysconf(_SC_PAGESIZE);
	out->pid = p->pid;
	out->starttime = st.starttime;
	out->have_cpu = true;
	out->cpu_ns = (st.utime + st.stime) * tick_ns();
	out->have_rss = true;
	out->rss_bytes = st.rss_pages * (uint64_t)page_size;
	out->have_majflt = true;
	out->majflt = st.majflt;

	if (p->io_fd != -1) {
		struct proc_io io;
		n = read_proc_file(p, p->io_fd, 0, "io", buf, sizeof(buf));
		if (n > 0 && procfs_parse_io(buf, (size_t)n, &io) == 0) {
			out->have_io = true;
			out->read_bytes = io.read_bytes;
			out->write_bytes = io.write_bytes;
		}
	}
	/* The first reading and every SLOW_EVERY-th; the figure is kept between. */
	bool slow = p->reads++ % SLOW_EVERY == 0;
	if (p->status_fd != -1 && slow) {
		n = read_proc_file(p, p->status_fd, 0, "status", buf, sizeof(buf));
		p->have_swap = n > 0 && procfs_parse_status_kb(buf, (size_t)n, "VmSwap:", &p->swap_bytes) == 0;
	}
	out->have_swap = p->have_swap;
	out->swap_bytes = p->swap_bytes;
	++p->reads_since_scan;
	if (p->container ? p->reads_since_scan >= THREAD_RESCAN_EVERY
			 : p->reads_since_scan >= THREAD_RESCAN_MAX || p->thread_gone ||
				   st.num_threads != p->num_threads)
		scan_threads(p);
	else if (p->reads_since_scan % THREAD_RESCAN_EVERY == 0)
		reread_vcpu_affinity(p);
	p->num_threads = st.num_threads;
	out->container = p->container;
	out->task_steal_pct = out->task_read_bps = out->task_write_bps = NAN;
	read_threads(p, out->t_ns, slow, out);
	p->cg.no_io = !p->shown;
	cgroup_probe_read(&p->cg, &out->cg);
	if (p->container) {
		/* The cgroup counts every task, those that came and went included. */
		out->have_cpu = out->cg.have_usage;
		out->cpu_ns = out->cg.usage_ns;
		if (out->cg.have_mem) {
			out->rss_bytes = out->cg.mem_bytes;
		}
		/* Rates are summed per process here; sampler_diff takes them as they are. */
		double dt = p->procs_t_ns && out->t_ns > p->procs_t_ns ? (double)(out->t_ns - p->procs_t_ns) / 1e9 : 0;
		double rd = 0, wr = 0;
		bool any = false;
		for (unsigned i = 0; i < p->n_procs; i++) {
			struct proc_io_probe *q = &p->procs[i];
			struct proc_io io;
			ssize_t m = read_proc_file(p, q->fd, q->pid, "io", buf, sizeof(buf));
			if (m <= 0 || procfs_parse_io(buf, (size_t)m, &io) < 0) {
				q->have_prev = false;
				continue;
			}
			if (q->have_prev && dt > 0) {
				rd += (double)sub_sat(io.read_bytes, q->read_bytes) / dt;
				wr += (double)sub_sat(io.write_bytes, q->write_bytes) / dt;
				any = true;
			}
			q->read_bytes = io.read_bytes;
			q->write_bytes = io.write_bytes;
			q->have_prev = true;
		}
		p->procs_t_ns = out->t_ns;
		out->task_read_bps = any ? rd : NAN;
		out->task_write_bps = any ? wr : NAN;
		out->have_io = false;
	}
	out->n_nics = p->n_nics;
	for (unsigned i = 0; i < p->n_nics; i++) {
		struct nic_counters *c = &out->nics[i];
		uint64_t *v[8] = { &c->rx_bytes, &c->tx_bytes, &c->rx_packets, &c->tx_packets,
				   &c->rx_dropped, &c->tx_dropped, &c->rx_errors, &c->tx_errors };
		c->have = true;
		for (unsigned j = 0; j < 8; j++)
			if (!read_nic_counter(p, i, j, v[j]))
				c->have = false;
	}
	return 0;
}
