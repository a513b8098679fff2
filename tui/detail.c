/* The guest detail screen: everything known about one guest, and who hurts it. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backends/devname.h"
#include "backends/procs.h"
#include "tui/console_priv.h"
#include "widgets/text.h"
#include "widgets/widgets.h"

#define MAX_PROCS 64
#define MAX_HURTERS 8

static const char *fmt_b(double v, char *buf, size_t len)
{
	format_bytes(v, buf, len);
	return buf;
}

static const char *fmt_p(double v, char *buf, size_t len)
{
	format_pct(v, buf, len);
	return buf;
}

static const char *fmt_n(double v, char *buf, size_t len)
{
	format_num(v, buf, len);
	return buf;
}

static double u64v(uint64_t v)
{
	return v == GT_UNKNOWN ? NAN : (double)v;
}

static void section(struct lines *l, const char *title)
{
	lines_printf(l, 0, "%s", "");
	lines_printf(l, (int)widgets_attr(CR_LABEL), "%s", title);
}

static void affinity_text(const struct thread_probe *t, char *buf, size_t len)
{
	if (t->all_cpus || !t->affinity) {
		snprintf(buf, len, "all");
		return;
	}
	size_t o = 0;
	buf[0] = '\0';
	for (unsigned cpu = 0; cpu < SAMPLER_MAX_CPUS && o + 8 < len; cpu++)
		if (thread_may_run_on(t, cpu))
			o += (size_t)snprintf(buf + o, len - o, "%s%u", o ? "," : "", cpu);
}

static void draw_threads(struct lines *l, const struct guest_row *r)
{
	char a[16], b[16], aff[64], name[80];
	const struct guest_rates *q = &r->rates;
	double other = isnan(q->cpu_pct) || isnan(q->vcpu_pct) ? NAN : q->cpu_pct - q->vcpu_pct;
	char t1[16], t2[16], t3[16], t4[16];
	section(l, "CPU");
	lines_printf(l, 0, "  total %s%%   vCPU threads %s%%   emulator and I/O threads %s%%   steal %s%%   throttled %s%%",
		     fmt_p(q->cpu_pct, t1, sizeof(t1)), fmt_p(q->vcpu_pct, t2, sizeof(t2)),
		     fmt_p(other < 0 ? 0 : other, t3, sizeof(t3)), fmt_p(q->steal_pct, t4, sizeof(t4)),
		     fmt_p(q->thr_pct, a, sizeof(a)));
	lines_printf(l, A_BOLD, "  %-20s %8s %7s %7s %5s  %s", "THREAD", "TID", "CPU%", "STEAL%", "pCPU",
		     "ALLOWED");
	for (unsigned i = 0; i < r->probe.n_threads; i++) {
		const struct thread_probe *t = &r->probe.threads[i];
		/* Thread names are set by the guest's process: escape them as well. */
		text_escape(t->comm, name, sizeof(name));
		affinity_text(t, aff, sizeof(aff));
		char cpu[12];
		if (t->last_cpu >= 0)
			snprintf(cpu, sizeof(cpu), "%d", t->last_cpu);
		else
			snprintf(cpu, sizeof(cpu), "-");
		lines_printf(l, t->vcpu >= 0 ? A_BOLD : 0, "  %-20.20s %8d %7s %7s %5s  %s", name, (int)t->tid,
			     fmt_p(t->cpu_pct, a, sizeof(a)), t->vcpu >= 0 ? fmt_p(t->steal_pct, b, sizeof(b)) : "",
			     cpu, aff);
	}
	if (!r->probe.n_threads)
		lines_printf(l, (int)widgets_attr(CR_DIM), "  %s", "no host process threads readable");
}

static void draw_disks(struct lines *l, const struct guest_row *r)
{
	char a[16], b[16], c2[16], d[16], e[16], f[16];
	section(l, "Disks");
	lines_printf(l, 0, "  host side (its process): read %s/s  write %s/s     cgroup: read %s/s  write %s/s%s",
		     fmt_b(r->rates.read_bps, a, sizeof(a)), fmt_b(r->rates.write_bps, b, sizeof(b)),
		     fmt_b(r->rates.cg_read_bps, c2, sizeof(c2)), fmt_b(r->rates.cg_write_bps, d, sizeof(d)),
		     r->io_disagree ? "   HOST AND HYPERVISOR DISAGREE" : "");
	lines_printf(l, A_BOLD, "  %-10s %7s %7s %7s %7s %8s %8s", "DISK", "RD/s", "WR/s", "R-IOPS", "W-IOPS",
		     "R-LATms", "W-LATms");
	for (unsigned i = 0; i < r->g.n_disks; i++) {
		struct disk_rates dr;
		if (r->disk_rates && i < r->n_disk_rates)
			dr = r->disk_rates[i];
		else
			dr = (struct disk_rates){ NAN, NAN, NAN, NAN, NAN, NAN };
		char name[64];
		text_escape(r->g.disks[i].name, name, sizeof(name));
		lines_printf(l, 0, "  %-10.10s %7s %7s %7s %7s %8s %8s", name, fmt_b(dr.rd_bps, a, sizeof(a)),
			     fmt_b(dr.wr_bps, b, sizeof(b)), fmt_n(dr.rd_iops, c2, sizeof(c2)),
			     fmt_n(dr.wr_iops, d, sizeof(d)), fmt_n(dr.rd_lat_ms, e, sizeof(e)),
			     fmt_n(dr.wr_lat_ms, f, sizeof(f)));
	}
	if (!r->g.n_disks)
		lines_printf(l, (int)widgets_attr(CR_DIM), "  %s", "no disk statistics from the hypervisor");

	/* The host's block devices as the guest's cgroup used them, named by udev. */
	const struct cgroup_counters *now = &r->prev.cg, *before = r->cg_before;
	if (!before || !now->have_io || !before->have_io || !r->cg_before_t_ns || r->prev.t_ns <= r->cg_before_t_ns)
		return;
	double dt = (double)(r->prev.t_ns - r->cg_before_t_ns) / 1e9;
	for (unsigned i = 0; i < now->n_io_devs; i++) {
		const struct cgroup_io_dev *d1 = &now->io_devs[i], *d0 = NULL;
		for (unsigned j = 0; j < before->n_io_devs; j++)
			if (before->io_devs[j].major == d1->major && before->io_devs[j].minor == d1->minor)
				d0 = &before->io_devs[j];
		if (!d0)
			continue;
		char dev[64];
		devname_lookup(d1->major, d1->minor, dev, sizeof(dev));
		lines_printf(l, 0, "  host %-8.8s %7s %7s %7s %7s   (cgroup, device %u:%u)", dev,
			     fmt_b((double)(d1->rbytes - d0->rbytes) / dt, a, sizeof(a)),
			     fmt_b((double)(d1->wbytes - d0->wbytes) / dt, b, sizeof(b)),
			     fmt_n((double)(d1->rios - d0->rios) / dt, c2, sizeof(c2)),
			     fmt_n((double)(d1->wios - d0->wios) / dt, d, sizeof(d)), d1->major, d1->minor);
	}
}

static void draw_nics(struct lines *l, const struct guest_row *r)
{
	char a[16], b[16], c2[16], d[16], e[16], f[16];
	section(l, "Network (as the guest sees it: RX = received by the guest)");
	lines_printf(l, A_BOLD, "  %-16s %7s %7s %8s %8s %7s %7s", "HOST IF", "RX/s", "TX/s", "RXpkt/s", "TXpkt/s",
		     "DROP/s", "ERR/s");
	for (unsigned i = 0; i < r->probe.n_nics; i++) {
		char name[96];
		text_escape(r->probe.nic_names[i], name, sizeof(name));
		lines_printf(l, 0, "  %-16.16s %7s %7s %8s %8s %7s %7s", name, fmt_b(r->rates.nic[i].rx_bps, a, sizeof(a)),
			     fmt_b(r->rates.nic[i].tx_bps, b, sizeof(b)), fmt_n(r->rates.nic[i].rx_pps, c2, sizeof(c2)),
			     fmt_n(r->rates.nic[i].tx_pps, d, sizeof(d)), fmt_n(r->rates.nic[i].drops_ps, e, sizeof(e)),
			     fmt_n(r->rates.nic[i].errors_ps, f, sizeof(f)));
	}
	if (!r->probe.n_nics)
		lines_printf(l, (int)widgets_attr(CR_DIM), "  %s", "no host interfaces");
}

static void draw_verdict(struct lines *l, struct console *c, const struct guest_row *r, size_t row)
{
	const struct thresholds *t = &c->m.limits;
	char a[16], b[16];
	section(l, "Verdict");
	if (!r->victim)
		lines_printf(l, 0, "  %s", "not a victim: no steal, throttling, disk latency or pressure above the thresholds");
	if (r->victim & VICTIM_STEAL)
		lines_printf(l, (int)widgets_attr(CR_ERROR), "  VICTIM: its vCPUs waited for a host CPU %s%% of the time (> %.0f%%)",
			     fmt_p(r->rates.steal_pct, a, sizeof(a)), t->steal_pct);
	if (r->victim & VICTIM_THROTTLE)
		lines_printf(l, (int)widgets_attr(CR_ERROR), "  VICTIM: held back by its CPU quota %s%% of the time (> %.0f%%)",
			     fmt_p(r->rates.thr_pct, a, sizeof(a)), t->thr_pct);
	if (r->victim & VICTIM_DISK_LATENCY)
		lines_printf(l, (int)widgets_attr(CR_ERROR), "  VICTIM: disk requests took %s / %s ms (read / write; > %.0f ms)",
			     fmt_n(r->disk.rd_lat_ms, a, sizeof(a)), fmt_n(r->disk.wr_lat_ms, b, sizeof(b)), t->disk_lat_ms);
	if (r->victim & VICTIM_LIMIT) {
		char esc[256];
		text_escape(r->ubc_failed, esc, sizeof(esc));
		lines_printf(l, (int)widgets_attr(CR_ERROR), "  VICTIM: OpenVZ refused it: beancounter failcnt rose (%s)", esc);
	}
	if (r->victim & (VICTIM_PSI_CPU | VICTIM_PSI_IO | VICTIM_PSI_MEM)) {
		char x[16];
		lines_printf(l, (int)widgets_attr(CR_ERROR), "  VICTIM: its cgroup stalled: cpu %s%%  io %s%%  memory %s%% (> %.0f%%)",
			     fmt_p(r->rates.psi_cpu, a, sizeof(a)), fmt_p(r->rates.psi_io, b, sizeof(b)),
			     fmt_p(r->rates.psi_mem, x, sizeof(x)), t->psi_pct);
	}
	if (r->culprit)
		lines_printf(l, A_BOLD, "  CULPRIT: it takes the contended%s%s%s of a victim",
			     r->culprit & CULPRIT_CPU ? " CPU" : "", r->culprit & CULPRIT_DISK ? " disk" : "",
			     r->culprit & CULPRIT_MEM ? " memory" : "");

	struct hurter h[MAX_HURTERS];
	size_t n = model_hurters(&c->m, row, h, MAX_HURTERS);
	section(l, "Who ran on its CPUs (the host CPUs its vCPUs may use), last interval");
	for (size_t i = 0; i < n; i++) {
		char name[GUEST_NAME_MAX * 4];
		text_escape(c->m.rows[h[i].row].g.name, name, sizeof(name));
		lines_printf(l, 0, "  %-32.32s %6s%% of a CPU", name, fmt_p(h[i].cpu_pct, a, sizeof(a)));
	}
	if (!n)
		lines_printf(l, (int)widgets_attr(CR_DIM), "  %s", "no other guest ran there");
}

void detail_draw(struct console *c, int height, int width)
{
	struct guest_row *r = console_selected(c);
	struct lines l = { 0, 0, c->scroll, height - 1, width };
	char name[GUEST_NAME_MAX * 4], a[16], b[16], d[16], e[16], f[16];
	if (!r) {
		lines_printf(&l, 0, "%s", "the guest is gone");
		return;
	}
	size_t row = (size_t)(r - c->m.rows);
	text_escape(r->g.name, name, sizeof(name));
	lines_printf(&l, A_BOLD, "%s   (%s, %s)", name, r->g.kind, guest_state_name(r->g.state));
	lines_printf(&l, 0, "  UUID %s   id %s   autostart %s   vCPUs %u", r->g.uuid,
		     r->g.id >= 0 ? (snprintf(a, sizeof(a), "%d", r->g.id), a) : "-",
		     r->g.autostart < 0 ? "-" : r->g.autostart ? "yes" : "no", r->g.vcpus);
	char cg[GUEST_CGROUP_MAX * 4], cg2[GUEST_CGROUP_MAX * 4];
	text_escape(r->g.cgroup[0] ? r->g.cgroup : "-", cg, sizeof(cg));
	text_escape(r->g.cgroup_v2[0] ? r->g.cgroup_v2 : "-", cg2, sizeof(cg2));
	lines_printf(&l, 0, "  host process %s   cgroup %s   unified %s",
		     r->g.pid > 0 ? (snprintf(b, sizeof(b), "%d", (int)r->g.pid), b) : "-", cg, cg2);

	draw_verdict(&l, c, r, row);
	draw_threads(&l, r);
	section(&l, "Memory");
	lines_printf(&l, 0, "  given %s (max %s)   host RSS %s   cgroup %s   swap %s   major faults %s/s",
		     fmt_b(u64v(r->g.mem_bytes), a, sizeof(a)), fmt_b(u64v(r->g.mem_max_bytes), b, sizeof(b)),
		     fmt_b(u64v(r->rss_bytes), d, sizeof(d)), fmt_b(u64v(r->cg_mem_bytes), e, sizeof(e)),
		     fmt_b(u64v(r->swap_bytes), f, sizeof(f)), fmt_n(r->rates.majflt_ps, name, sizeof(name)));
	draw_disks(&l, r);
	draw_nics(&l, r);
	section(&l, "Pressure (share of time some of its tasks stalled)");
	lines_printf(&l, 0, "  cpu %s%%   io %s%%   memory %s%%", fmt_p(r->rates.psi_cpu, a, sizeof(a)),
		     fmt_p(r->rates.psi_io, b, sizeof(b)), fmt_p(r->rates.psi_mem, d, sizeof(d)));

	section(&l, "Processes in its cgroup");
	struct cgroup_proc procs[MAX_PROCS];
	const char *path = r->g.cgroup[0] ? r->g.cgroup : r->g.cgroup_v2;
	int np = guest_state_is_active(r->g.state) ? cgroup_procs_list(path, procs, MAX_PROCS) : 0;
	if (np > 0)
		lines_printf(&l, A_BOLD, "  %8s %7s  %s", "PID", "RSS", "COMMAND");
	for (int i = 0; i < np; i++) {
		char cmd[256];
		text_escape(procs[i].cmd, cmd, sizeof(cmd));
		lines_printf(&l, 0, "  %8d %7s  %s", (int)procs[i].pid, fmt_b((double)procs[i].rss_bytes, a, sizeof(a)), cmd);
	}
	if (np <= 0)
		lines_printf(&l, (int)widgets_attr(CR_DIM), "  %s", np < 0 ? "cannot read /proc" : "none found");
	if (c->scroll > lines_total(&l) - 1)
		c->scroll = lines_total(&l) > 0 ? lines_total(&l) - 1 : 0;
}
