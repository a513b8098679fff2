/* The guest table: rows found by backend and uuid, marked each listing, swept when gone; victims judged. */
#include "tui/model.h"

#include <stdatomic.h>

#include "backends/openvz.h"

#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EMPTY SIZE_MAX

int model_init(struct model *m, const char *proc_root)
{
	memset(m, 0, sizeof(*m));
	m->net_fd = -1;
	m->limits = (struct thresholds)THRESHOLDS_DEFAULT;
	snprintf(m->proc_root, sizeof(m->proc_root), "%s", proc_root);
	m->proc_fd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return m->proc_fd < 0 ? -1 : 0;
}

void model_init_sys(struct model *m, const char *sys_root)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/class/net", sys_root);
	if (m->net_fd >= 0)
		close(m->net_fd);
	m->net_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cgroup_fs_free(m->cgfs);
	m->cgfs = cgroup_fs_open(sys_root);
}

static void row_free(struct guest_row *r)
{
	guest_probe_close(&r->probe);
	guest_ident_release(&r->g);
	free(r->disk_rates);
	free(r->prev_disks);
	free(r->cg_before);
	r->disk_rates = NULL;
	r->prev_disks = NULL;
	r->cg_before = NULL;
	r->n_disk_rates = r->n_prev_disks = 0;
}

void model_free(struct model *m)
{
	for (size_t i = 0; i < m->n; i++)
		row_free(&m->rows[i]);
	free(m->rows);
	free(m->index);
	if (m->proc_fd >= 0)
		close(m->proc_fd);
	if (m->net_fd >= 0)
		close(m->net_fd);
	cgroup_fs_free(m->cgfs);
	if (m->ubc_prev) {
		openvz_ubc_free(m->ubc_prev);
		free(m->ubc_prev);
	}
	memset(m, 0, sizeof(*m));
	m->proc_fd = m->net_fd = -1;
}

static uint64_t key_hash(const void *backend, const char *uuid)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)backend;
	for (const unsigned char *p = (const unsigned char *)uuid; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

static int index_rebuild(struct model *m, size_t want)
{
	size_t cap = 64;
	while (cap < want * 2)
		cap *= 2;
	if (cap != m->index_cap) {
		size_t *v = realloc(m->index, cap * sizeof(*v));
		if (!v)
			return -1;
		m->index = v;
		m->index_cap = cap;
	}
	for (size_t i = 0; i < cap; i++)
		m->index[i] = EMPTY;
	for (size_t i = 0; i < m->n; i++) {
		size_t s = key_hash(m->rows[i].g.backend, m->rows[i].g.uuid) & (cap - 1);
		while (m->index[s] != EMPTY)
			s = (s + 1) & (cap - 1);
		m->index[s] = i;
	}
	return 0;
}

static struct guest_row *find_row(struct model *m, const struct guest_ident *g)
{
	if (!m->index_cap)
		return NULL;
	size_t s = key_hash(g->backend, g->uuid) & (m->index_cap - 1);
	while (m->index[s] != EMPTY) {
		struct guest_row *r = &m->rows[m->index[s]];
		if (r->g.backend == g->backend && strcmp(r->g.uuid, g->uuid) == 0)
			return r;
		s = (s + 1) & (m->index_cap - 1);
	}
	return NULL;
}

static void disk_rates_unknown(struct disk_rates *d)
{
	d->rd_bps = d->wr_bps = d->rd_iops = d->wr_iops = d->rd_lat_ms = d->wr_lat_ms = NAN;
}

/* A new process (or none) for this row: forget every baseline so no rate spans two processes. */
static void row_rebind(struct model *m, struct guest_row *r)
{
	guest_probe_close(&r->probe);
	memset(&r->prev, 0, sizeof(r->prev));
	sampler_rates_unknown(&r->rates);
	r->rss_bytes = r->swap_bytes = r->cg_mem_bytes = GT_UNKNOWN;
	free(r->prev_disks);
	free(r->disk_rates);
	r->prev_disks = NULL;
	r->disk_rates = NULL;
	r->n_prev_disks = r->n_disk_rates = 0;
	r->prev_stats_t_ns = 0;
	disk_rates_unknown(&r->disk);
	r->io_disagree = false;
	if (!guest_state_is_active(r->g.state) || r->g.pid <= 0)
		return;
	if (guest_probe_open(&r->probe, m->proc_fd, &r->g) < 0) {
		m->proc_unreadable = true;
		return;
	}
	guest_probe_attach(&r->probe, m->cgfs, m->net_fd, &r->g);
}

static bool same_tids(const struct guest_ident *a, const struct guest_ident *b)
{
	return a->n_vcpu_tids == b->n_vcpu_tids &&
	       (a->n_vcpu_tids == 0 ||
		memcmp(a->vcpu_tids, b->vcpu_tids, a->n_vcpu_tids * sizeof(pid_t)) == 0);
}

static bool same_host_devices(const struct guest_ident *a, const struct guest_ident *b)
{
	if (strcmp(a->cgroup, b->cgroup) != 0 || strcmp(a->cgroup_v2, b->cgroup_v2) != 0 ||
	    a->n_nics != b->n_nics)
		return false;
	for (unsigned i = 0; i < a->n_nics; i++)
		if (strcmp(a->nics[i].ifname, b->nics[i].ifname) != 0)
			return false;
	return true;
}

static double lat_ms(uint64_t dtimes, uint64_t dreqs)
{
	return dreqs ? (double)dtimes / (double)dreqs / 1e6 : NAN;
}

static uint64_t dsub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* Disk rates from two listings' hypervisor counters, matched by device name. */
/* CPU% as the hypervisor counts it, between two listings: for guests with no host process. */
static void update_hv_cpu(struct guest_row *r)
{
	const struct guest_ident *g = &r->g;
	if (g->hv_cpu_ns == GT_UNKNOWN || !g->stats_t_ns || !guest_state_is_active(g->state)) {
		r->hv_cpu_pct = NAN;
		r->prev_hv_t_ns = 0;
		return;
	}
	if (g->stats_t_ns <= r->prev_hv_t_ns)
		return;
	if (r->prev_hv_t_ns && g->hv_cpu_ns >= r->prev_hv_cpu_ns)
		r->hv_cpu_pct = (double)(g->hv_cpu_ns - r->prev_hv_cpu_ns) * 100.0 /
				(double)(g->stats_t_ns - r->prev_hv_t_ns);
	else
		r->hv_cpu_pct = NAN;
	r->prev_hv_cpu_ns = g->hv_cpu_ns;
	r->prev_hv_t_ns = g->stats_t_ns;
}

static void update_disk_rates(struct guest_row *r)
{
	const struct guest_ident *g = &r->g;
	if (!g->stats_t_ns || g->stats_t_ns <= r->prev_stats_t_ns)
		return;
	if (r->prev_stats_t_ns && r->n_prev_disks) {
		double dt = (double)(g->stats_t_ns - r->prev_stats_t_ns) / 1e9;
		struct disk_rates *v = realloc(r->disk_rates, (g->n_disks ? g->n_disks : 1) * sizeof(*v));
		if (v) {
			r->disk_rates = v;
			r->n_disk_rates = g->n_disks;
			uint64_t rr = 0, rb = 0, rt = 0, wr = 0, wb = 0, wt = 0;
			bool any = false;
			for (unsigned i = 0; i < g->n_disks; i++) {
				const struct guest_disk *c = &g->disks[i], *p = NULL;
				disk_rates_unknown(&v[i]);
				for (unsigned j = 0; j < r->n_prev_disks; j++)
					if (strcmp(r->prev_disks[j].name, c->name) == 0)
						p = &r->prev_disks[j];
				if (!p || !c->have_rd || !p->have_rd || !c->have_wr || !p->have_wr)
					continue;
				uint64_t drr = dsub(c->rd_reqs, p->rd_reqs), drb = dsub(c->rd_bytes, p->rd_bytes);
				uint64_t drt = dsub(c->rd_times_ns, p->rd_times_ns);
				uint64_t dwr = dsub(c->wr_reqs, p->wr_reqs), dwb = dsub(c->wr_bytes, p->wr_bytes);
				uint64_t dwt = dsub(c->wr_times_ns, p->wr_times_ns);
				v[i] = (struct disk_rates){ drb / dt, dwb / dt, drr / dt, dwr / dt,
							    lat_ms(drt, drr), lat_ms(dwt, dwr) };
				rr += drr, rb += drb, rt += drt, wr += dwr, wb += dwb, wt += dwt;
				any = true;
			}
			if (any)
				r->disk = (struct disk_rates){ rb / dt, wb / dt, rr / dt, wr / dt,
							       lat_ms(rt, rr), lat_ms(wt, wr) };
			else
				disk_rates_unknown(&r->disk);
		}
	}
	struct guest_disk *copy = NULL;
	if (g->n_disks) {
		copy = malloc(g->n_disks * sizeof(*copy));
		if (!copy)
			return;
		memcpy(copy, g->disks, g->n_disks * sizeof(*copy));
	}
	free(r->prev_disks);
	r->prev_disks = copy;
	r->n_prev_disks = g->n_disks;
	r->prev_stats_t_ns = g->stats_t_ns;
}

const char *row_state_name(const struct guest_row *r)
{
	return r->lost ? "lost" : guest_state_name(r->g.state);
}

int model_update(struct model *m, const struct guest_list *l)
{
	if (index_rebuild(m, m->n + l->n) < 0)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		const struct guest_ident *g = &l->v[i];
		struct guest_row *r = find_row(m, g);
		if (r && r->seen)
			continue;	/* a duplicate uuid within one listing: keep the first */
		if (!r) {
			if (m->n == m->cap) {
				size_t cap = m->cap ? m->cap * 2 : 32;
				struct guest_row *v = realloc(m->rows, cap * sizeof(*v));
				if (!v)
					return -1;
				m->rows = v;
				m->cap = cap;
			}
			r = &m->rows[m->n];
			memset(r, 0, sizeof(*r));
			guest_probe_init(&r->probe);
			if (guest_ident_copy(&r->g, g) < 0)
				return -1;
			m->n++;
			for (unsigned k = 0; k < HISTORY_LEN; k++)
				r->history[k] = NAN;
			r->hv_cpu_pct = NAN;
			row_rebind(m, r);
			/* Keep the index valid for later lookups in this listing. */
			size_t s = key_hash(r->g.backend, r->g.uuid) & (m->index_cap - 1);
			while (m->index[s] != EMPTY)
				s = (s + 1) & (m->index_cap - 1);
			m->index[s] = (size_t)(r - m->rows);
		} else {
			/* Paused <-> running keeps the same process and its baseline. */
			bool rebind = r->g.pid != g->pid ||
				      guest_state_is_active(r->g.state) != guest_state_is_active(g->state) ||
				      !same_tids(&r->g, g);
			bool reattach = !same_host_devices(&r->g, g);
			if (guest_ident_copy(&r->g, g) < 0)
				return -1;
			if (rebind)
				row_rebind(m, r);
			else if (reattach && guest_probe_is_open(&r->probe))
				guest_probe_attach(&r->probe, m->cgfs, m->net_fd, &r->g);
		}
		update_hv_cpu(r);
		update_disk_rates(r);
		r->seen = true;
	}
	/*
	 * Sweep: rows this listing did not mention are gone, unless their
	 * connection is lost: those stay, marked, until it is back and says.
	 */
	for (size_t i = 0; i < m->n;) {
		struct guest_row *r = &m->rows[i];
		const struct backend *be = r->g.backend;
		bool lost = !r->seen && be && atomic_load(&be->was_connected) && !atomic_load(&be->connected);
		if (!r->seen && !lost) {
			row_free(r);
			m->rows[i] = m->rows[--m->n];
		} else {
			r->lost = lost;
			r->seen = false;
			i++;
		}
	}
	return index_rebuild(m, m->n);
}

static void history_push(struct guest_row *r, double v)
{
	r->history[r->hist_pos] = (float)v;
	r->hist_pos = (r->hist_pos + 1) % HISTORY_LEN;
	if (r->hist_len < HISTORY_LEN)
		r->hist_len++;
}

unsigned model_history(const struct guest_row *r, float *out)
{
	unsigned start = (r->hist_pos + HISTORY_LEN - r->hist_len) % HISTORY_LEN;
	for (unsigned i = 0; i < r->hist_len; i++)
		out[i] = r->history[(start + i) % HISTORY_LEN];
	return r->hist_len;
}

/* Host and hypervisor disagree wildly: one sees several times the other, above 1 MiB/s. */
static bool disk_disagree(double host, double guest)
{
	if (isnan(host) || isnan(guest))
		return false;
	double hi = host > guest ? host : guest, lo = host > guest ? guest : host;
	return hi > 1048576.0 && hi > 4 * lo;
}

/*
 * OpenVZ tells that a container hit a limit by raising a beancounter's
 * failcnt: compare /proc/user_beancounters with the last reading and mark
 * the containers (by CTID, their libvirt id or name) that were refused.
 */
static void read_beancounters(struct model *m)
{
	bool any = false;
	for (size_t i = 0; i < m->n; i++) {
		m->rows[i].ubc_failing = 0;
		m->rows[i].ubc_failed[0] = '\0';
		any |= strcmp(m->rows[i].g.kind, "openvz") == 0;
	}
	if (!any)
		return;
	size_t len = 0;
	char *buf = openvz_read_file(m->proc_root, "user_beancounters", &len);
	struct ubc_snapshot *cur = calloc(1, sizeof(*cur));
	if (!buf || !cur || openvz_parse_beancounters(buf, len, cur) < 0) {
		free(buf);
		free(cur);
		return;
	}
	free(buf);
	struct ubc_fail *fails = NULL;
	int nf = m->ubc_prev ? openvz_ubc_failcnt_increases(m->ubc_prev, cur, &fails) : 0;
	for (int f = 0; f < nf; f++) {
		for (size_t i = 0; i < m->n; i++) {
			struct guest_row *r = &m->rows[i];
			char id[32];
			snprintf(id, sizeof(id), "%d", r->g.id);
			if (strcmp(r->g.kind, "openvz") != 0 ||
			    (strcmp(fails[f].id, r->g.name) != 0 && strcmp(fails[f].id, id) != 0))
				continue;
			r->ubc_failing = fails[f].nres;
			size_t o = 0;
			for (unsigned k = 0; k < fails[f].nres && o + 2 < sizeof(r->ubc_failed); k++) {
				int w = snprintf(r->ubc_failed + o, sizeof(r->ubc_failed) - o, "%s%s", o ? "," : "",
						 fails[f].res[k].name);
				if (w < 0)
					break;
				o += (size_t)w < sizeof(r->ubc_failed) - o ? (size_t)w : sizeof(r->ubc_failed) - o - 1;
			}
		}
	}
	free(fails);
	if (m->ubc_prev) {
		openvz_ubc_free(m->ubc_prev);
		free(m->ubc_prev);
	}
	m->ubc_prev = cur;
}

/* The cgroup reading before this one, kept only while it has per-device I/O counters. */
static void keep_cg_before(struct guest_row *r, pid_t pid)
{
	r->cg_before_t_ns = 0;
	if (!r->prev.cg.have_io) {
		free(r->cg_before);
		r->cg_before = NULL;
		return;
	}
	if (!r->cg_before && !(r->cg_before = malloc(sizeof(*r->cg_before))))
		return;
	*r->cg_before = r->prev.cg;
	r->cg_before_t_ns = r->prev.pid == pid ? r->prev.t_ns : 0;
}

void model_sample(struct model *m)
{
	m->io_denied = false;
	for (size_t i = 0; i < m->n; i++) {
		struct guest_row *r = &m->rows[i];
		struct guest_counters cur;
		if (!guest_probe_is_open(&r->probe)) {
			sampler_rates_unknown(&r->rates);
			r->rss_bytes = r->swap_bytes = r->cg_mem_bytes = GT_UNKNOWN;
			/* No host process (PV Xen, a remote or test guest): the hypervisor's count, unless lost with it. */
			r->rates.cpu_pct = r->lost ? NAN : r->hv_cpu_pct;
			if (guest_state_is_active(r->g.state))
				history_push(r, r->hv_cpu_pct);
			continue;
		}
		if (guest_probe_read(&r->probe, &cur) < 0) {
			/* The process went away (a restart, a stop): the listing says what replaced it. */
			m->relist = true;
			guest_probe_close(&r->probe);
			memset(&r->prev, 0, sizeof(r->prev));
			sampler_rates_unknown(&r->rates);
			r->rss_bytes = r->swap_bytes = r->cg_mem_bytes = GT_UNKNOWN;
			history_push(r, NAN);
			continue;
		}
		if (r->probe.io_denied)
			m->io_denied = true;
		sampler_diff(r->prev.pid ? &r->prev : NULL, &cur, &r->rates);
		keep_cg_before(r, cur.pid);
		r->rss_bytes = cur.have_rss ? cur.rss_bytes : GT_UNKNOWN;
		r->swap_bytes = cur.have_swap ? cur.swap_bytes : GT_UNKNOWN;
		r->cg_mem_bytes = cur.cg.have_mem ? cur.cg.mem_bytes : GT_UNKNOWN;
		r->io_disagree = disk_disagree(r->rates.read_bps, r->disk.rd_bps) ||
				 disk_disagree(r->rates.write_bps, r->disk.wr_bps);
		r->prev = cur;
		history_push(r, r->rates.cpu_pct);
	}
	read_beancounters(m);
	model_judge(m);
}

static bool above(double v, double limit)
{
	return !isnan(v) && v > limit;
}

void model_judge(struct model *m)
{
	const struct thresholds *t = &m->limits;
	bool disk_contended = false, mem_contended = false;
	for (size_t i = 0; i < m->n; i++) {
		struct guest_row *r = &m->rows[i];
		unsigned v = 0;
		if (above(r->rates.steal_pct, t->steal_pct))
			v |= VICTIM_STEAL;
		if (above(r->rates.thr_pct, t->thr_pct))
			v |= VICTIM_THROTTLE;
		if (above(r->disk.rd_lat_ms, t->disk_lat_ms) || above(r->disk.wr_lat_ms, t->disk_lat_ms))
			v |= VICTIM_DISK_LATENCY;
		if (above(r->rates.psi_cpu, t->psi_pct))
			v |= VICTIM_PSI_CPU;
		if (above(r->rates.psi_io, t->psi_pct))
			v |= VICTIM_PSI_IO;
		if (above(r->rates.psi_mem, t->psi_pct))
			v |= VICTIM_PSI_MEM;
		if (r->ubc_failing)
			v |= VICTIM_LIMIT;
		r->victim = v;
		r->culprit = 0;
		disk_contended |= (v & (VICTIM_DISK_LATENCY | VICTIM_PSI_IO)) != 0;
		mem_contended |= (v & VICTIM_PSI_MEM) != 0;
	}
	/* CPU: whoever took the most CPU where a victim waited. */
	for (size_t i = 0; i < m->n; i++) {
		if (!(m->rows[i].victim & (VICTIM_STEAL | VICTIM_PSI_CPU)))
			continue;
		struct hurter h[1];
		if (model_hurters(m, i, h, 1) == 1 && h[0].cpu_pct >= 10)
			m->rows[h[0].row].culprit |= CULPRIT_CPU;
	}
	/* Disk and memory: the top consumer of the contended resource. */
	size_t top_disk = SIZE_MAX, top_mem = SIZE_MAX;
	double best_disk = 0, best_mem = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct guest_row *r = &m->rows[i];
		double d = (isnan(r->rates.read_bps) ? 0 : r->rates.read_bps) +
			   (isnan(r->rates.write_bps) ? 0 : r->rates.write_bps);
		if (d > best_disk) {
			best_disk = d;
			top_disk = i;
		}
		if (r->rss_bytes != GT_UNKNOWN && (double)r->rss_bytes > best_mem) {
			best_mem = (double)r->rss_bytes;
			top_mem = i;
		}
	}
	if (disk_contended && top_disk != SIZE_MAX)
		m->rows[top_disk].culprit |= CULPRIT_DISK;
	if (mem_contended && top_mem != SIZE_MAX)
		m->rows[top_mem].culprit |= CULPRIT_MEM;
}

static int cmp_hurters(const void *a, const void *b)
{
	double x = ((const struct hurter *)a)->cpu_pct, y = ((const struct hurter *)b)->cpu_pct;
	return x > y ? -1 : x < y ? 1 : 0;
}

size_t model_hurters(const struct model *m, size_t victim, struct hurter *out, size_t max)
{
	const struct guest_row *v = &m->rows[victim];
	uint64_t cpus[SAMPLER_MAX_CPUS / 64] = { 0 };
	bool any_vcpu = false;
	/* CPU numbers go up to the configured count: with CPUs offline they exceed the online one. */
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	unsigned ncpu = conf <= 0 ? 1 : conf < SAMPLER_MAX_CPUS ? (unsigned)conf : SAMPLER_MAX_CPUS;
	/* The CPUs the victim's vCPUs may run on: where another guest's work makes them wait. */
	for (unsigned i = 0; i < v->probe.n_threads; i++) {
		const struct thread_probe *t = &v->probe.threads[i];
		/* A VM waits in its vCPU threads; a container in any of its tasks. */
		if (t->vcpu < 0 && !v->g.container)
			continue;
		any_vcpu = true;
		for (unsigned c = 0; c < ncpu; c++)
			if (thread_may_run_on(t, c))
				cpus[c / 64] |= 1ull << (c % 64);
	}
	if (!any_vcpu)
		return 0;
	size_t n = 0;
	struct hurter *all = malloc(m->n * sizeof(*all));
	if (!all)
		return 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct guest_row *r = &m->rows[i];
		if (i == victim || r->prev.pid == 0)
			continue;
		/* Each thread over its own last interval: a VM's other threads are read less often. */
		double pct = 0;
		for (unsigned k = 0; k < r->probe.n_threads; k++) {
			const struct thread_probe *t = &r->probe.threads[k];
			if (t->last_cpu < 0 || (unsigned)t->last_cpu >= ncpu || !t->interval_ns)
				continue;
			if (cpus[t->last_cpu / 64] >> (t->last_cpu % 64) & 1)
				pct += (double)t->interval_cpu_ns * 100.0 / (double)t->interval_ns;
		}
		if (pct <= 0)
			continue;
		all[n++] = (struct hurter){ i, pct };
	}
	qsort(all, n, sizeof(*all), cmp_hurters);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(*out));
	free(all);
	return n;
}

void model_counts(const struct model *m, struct model_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < m->n; i++) {
		if (m->rows[i].victim)
			out->victims++;
		switch (m->rows[i].g.state) {
		case GUEST_STATE_RUNNING:
		case GUEST_STATE_BLOCKED:
			out->running++;
			break;
		case GUEST_STATE_PAUSED:
		case GUEST_STATE_PMSUSPENDED:
			out->paused++;
			break;
		case GUEST_STATE_SHUTOFF:
		case GUEST_STATE_CRASHED:
			out->shutoff++;
			break;
		default:
			out->other_active++;
			break;
		}
	}
}
