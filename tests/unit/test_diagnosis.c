/* Tests of the diagnosis: new rates, threads, NICs, victims, culprits, disk rates, ROLE, layout. */
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/procfs.h"
#include "backends/sampler.h"
#include "tests/unit/unit.h"
#include "tui/columns.h"
#include "tui/model.h"

#define NS_PER_S 1000000000ull

static uint64_t tick_ns(void)
{
	return NS_PER_S / (uint64_t)sysconf(_SC_CLK_TCK);
}

/* ---------------------------------------------------------------- sampler_diff, the new fields */

/* Two readings of one process, 2 s apart, every value known and two NICs. */
static void full_pair(struct guest_counters *a, struct guest_counters *b)
{
	memset(a, 0, sizeof(*a));
	a->t_ns = 7 * NS_PER_S;
	a->pid = 9029;
	a->starttime = 53205;
	a->have_cpu = true;
	a->cpu_ns = 100 * NS_PER_S;
	a->have_vcpu_cpu = true;
	a->vcpu_cpu_ns = 90 * NS_PER_S;
	a->have_steal = true;
	a->run_delay_ns = 15 * NS_PER_S;
	a->n_steal_threads = 2;
	a->have_majflt = true;
	a->majflt = 2;
	a->have_io = true;
	a->read_bytes = 405504;
	a->write_bytes = 20480;
	a->cg.have_throttle = true;
	a->cg.throttled_ns = 3 * NS_PER_S;
	a->cg.have_io = true;
	a->cg.io_rbytes = 1u << 20;
	a->cg.io_wbytes = 1u << 19;
	a->cg.have_psi_cpu = a->cg.have_psi_io = a->cg.have_psi_mem = true;
	a->cg.psi_cpu_some_us = 1000000;
	a->cg.psi_io_some_us = 2000000;
	a->cg.psi_mem_some_us = 3000000;
	a->n_nics = 2;
	a->nics[0] = (struct nic_counters){ true, 1000000, 5000000, 1000, 4000, 1, 2, 0, 0 };
	a->nics[1] = (struct nic_counters){ true, 70000, 90000, 700, 900, 0, 0, 0, 0 };
	*b = *a;
	b->t_ns += 2 * NS_PER_S;
}

/* The deltas of tests/fixtures/diag-net (t0 -> t1), on top of full_pair's values. */
static void nic_deltas(struct guest_counters *b)
{
	b->nics[0] = (struct nic_counters){ true, 1200000, 8000000, 1150, 6100, 4, 6, 1, 2 };
	b->nics[1] = (struct nic_counters){ true, 71000, 140000, 710, 940, 0, 5, 0, 0 };
}

static void assert_net_unknown(const struct guest_rates *r)
{
	ck_assert(isnan(r->net_rx_bps));
	ck_assert(isnan(r->net_tx_bps));
	ck_assert(isnan(r->net_rx_pps));
	ck_assert(isnan(r->net_tx_pps));
	ck_assert(isnan(r->net_drops_ps));
	ck_assert(isnan(r->net_errors_ps));
}

/* Every field of the rates, the old ones included, is unknown. */
static void assert_every_rate_unknown(const struct guest_rates *r)
{
	const double *d = (const double *)r;
	for (size_t i = 0; i < sizeof(*r) / sizeof(double); i++)
		ck_assert_msg(isnan(d[i]), "rate %zu is %g, not unknown", i, d[i]);
}

START_TEST(diff_vcpu_pct)
{
	struct guest_counters a, b;
	struct guest_rates r;
	full_pair(&a, &b);
	b.cpu_ns += 1500000000;
	b.vcpu_cpu_ns += 1200000000;	/* 1.2 s of the 1.5 s in 2 s */
	sampler_diff(&a, &b, &r);
	ck_assert_double_eq_tol(r.vcpu_pct, 60.0, 1e-9);
	ck_assert_double_eq_tol(r.cpu_pct, 75.0, 1e-9);
	/* A vCPU more or less: the sums are not comparable. */
	b.n_steal_threads = 1;
	sampler_diff(&a, &b, &r);
	ck_assert(isnan(r.vcpu_pct));
	ck_assert_double_eq_tol(r.cpu_pct, 75.0, 1e-9);
	full_pair(&a, &b);
	a.have_vcpu_cpu = false;
	sampler_diff(&a, &b, &r);
	ck_assert(isnan(r.vcpu_pct));
	ck_assert_double_eq(r.steal_pct, 0.0);
	full_pair(&a, &b);
	b.have_vcpu_cpu = false;
	sampler_diff(&a, &b, &r);
	ck_assert(isnan(r.vcpu_pct));
}
END_TEST

START_TEST(diff_thr_pct_from_cgroup_throttled_ns)
{
	struct guest_counters a, b;
	struct guest_rates r;
	full_pair(&a, &b);
	b.cg.throttled_ns += 500000000;	/* held back 0.5 s in 2 s */
	sampler_diff(&a, &b, &r);
	ck_assert_double_eq_tol(r.thr_pct, 25.0, 1e-9);
	a.cg.have_throttle = false;
	sampler_diff(&a, &b, &r);
	ck_assert(isnan(r.thr_pct));
	ck_assert_double_eq(r.psi_cpu, 0.0);
	full_pair(&a, &b);
	b.cg.have_throttle = false;
	b.cg.throttled_ns = 0;
	sampler_diff(&a, &b, &r);
	ck_assert(isnan(r.thr_pct));
}
END_TEST

START_TEST(diff_cgroup_io_bps)
{
	struct guest_counters a, b;
	struct guest_rates r;
	full_pair(&a, &b);
	b.cg.io_rbytes += 4u << 20;
	b.cg.io_wbytes += 1000000;
	b.read_bytes += 6000;
	sampler_diff(&a, &b, &r);
	ck_assert_double_eq_tol(r.cg_read_bps, 2097152.0, 1e-6);
	ck_assert_double_eq_tol(r.cg_write_bps, 500000.0, 1e-6);
	/* The process's own I/O is a separate figure. */
	ck_assert_double_eq_tol(r.read_bps, 3000.0, 1e-9);
	a.cg.have_io = false;
	sampler_diff(&a, &b, &r);
	ck_assert(isnan(r.cg_read_bps));
	ck_assert(isnan(r.cg_write_bps));
	ck_assert_double_eq_tol(r.read_bps, 3000.0, 1e-9);
	full_pair(&a, &b);
	b.cg.have_io = false;
	sampler_diff(&a, &b, &r);
	ck_assert(isnan(r.cg_read_bps));
	ck_assert(isnan(r.cg_write_bps));
}
END_TEST

START_TEST(diff_majflt_per_second)
{
	struct guest_counters a, b;
	struct guest_rates r;
	full_pair(&a, &b);
	b.majflt += 300;
	sampler_diff(&a, &b, &r);
	ck_assert_double_eq_tol(r.majflt_ps, 150.0, 1e-9);
	b.have_majflt = false;
	sampler_diff(&a, &b, &r);
	ck_assert(isnan(r.majflt_ps));
	full_pair(&a, &b);
	a.have_majflt = false;
	sampler_diff(&a, &b, &r);
	ck_assert(isnan(r.majflt_ps));
}
END_TEST

/* PSI "total=" counts microseconds: 0.2 s stalled in 2 s is 10%. */
START_TEST(diff_psi_microseconds_to_percent)
{
	struct guest_counters a, b;
	struct guest_rates r;
	full_pair(&a, &b);
	b.cg.psi_cpu_some_us += 200000;
	b.cg.psi_io_some_us += 1000000;
	b.cg.psi_mem_some_us += 2000000;
	sampler_diff(&a, &b, &r);
	ck_assert_double_eq_tol(r.psi_cpu, 10.0, 1e-9);
	ck_assert_double_eq_tol(r.psi_io, 50.0, 1e-9);
	ck_assert_double_eq_tol(r.psi_mem, 100.0, 1e-9);
	/* Each pressure file stands alone. */
	a.cg.have_psi_io = false;
	sampler_diff(&a, &b, &r);
	ck_assert_double_eq_tol(r.psi_cpu, 10.0, 1e-9);
	ck_assert(isnan(r.psi_io));
	ck_assert_double_eq_tol(r.psi_mem, 100.0, 1e-9);
	a.cg.have_psi_io = true;
	b.cg.have_psi_cpu = false;
	a.cg.have_psi_mem = false;
	sampler_diff(&a, &b, &r);
	ck_assert(isnan(r.psi_cpu));
	ck_assert_double_eq_tol(r.psi_io, 50.0, 1e-9);
	ck_assert(isnan(r.psi_mem));
}
END_TEST

/* The host's tx on a tap is what the guest receives: rx_bps comes from delta tx_bytes. */
START_TEST(diff_nic_rates_swap_direction)
{
	struct guest_counters a, b;
	struct guest_rates r;
	full_pair(&a, &b);
	nic_deltas(&b);
	sampler_diff(&a, &b, &r);
	ck_assert_double_eq_tol(r.nic[0].rx_bps, 3000000.0 / 2, 1e-9);
	ck_assert_double_eq_tol(r.nic[0].tx_bps, 200000.0 / 2, 1e-9);
	ck_assert_double_eq_tol(r.nic[0].rx_pps, 2100.0 / 2, 1e-9);
	ck_assert_double_eq_tol(r.nic[0].tx_pps, 150.0 / 2, 1e-9);
	ck_assert_double_eq_tol(r.nic[0].drops_ps, (3.0 + 4.0) / 2, 1e-9);
	ck_assert_double_eq_tol(r.nic[0].errors_ps, (1.0 + 2.0) / 2, 1e-9);
	ck_assert_double_eq_tol(r.nic[1].rx_bps, 50000.0 / 2, 1e-9);
	ck_assert_double_eq_tol(r.nic[1].tx_bps, 1000.0 / 2, 1e-9);
	ck_assert_double_eq_tol(r.nic[1].rx_pps, 40.0 / 2, 1e-9);
	ck_assert_double_eq_tol(r.nic[1].tx_pps, 10.0 / 2, 1e-9);
	ck_assert_double_eq_tol(r.nic[1].drops_ps, 5.0 / 2, 1e-9);
	ck_assert_double_eq(r.nic[1].errors_ps, 0.0);
	/* The totals are the sums over the NICs. */
	ck_assert_double_eq_tol(r.net_rx_bps, 1525000.0, 1e-9);
	ck_assert_double_eq_tol(r.net_tx_bps, 100500.0, 1e-9);
	ck_assert_double_eq_tol(r.net_rx_pps, 1070.0, 1e-9);
	ck_assert_double_eq_tol(r.net_tx_pps, 80.0, 1e-9);
	ck_assert_double_eq_tol(r.net_drops_ps, 6.0, 1e-9);
	ck_assert_double_eq_tol(r.net_errors_ps, 1.5, 1e-9);
	/* Unused NIC slots stay unknown. */
	ck_assert(isnan(r.nic[2].rx_bps));
	ck_assert(isnan(r.nic[SAMPLER_MAX_NICS - 1].tx_bps));
}
END_TEST

START_TEST(diff_nic_unknown_cases)
{
	struct guest_counters a, b;
	struct guest_rates r;
	/* A NIC more (hot-plug): the sums are not comparable. */
	full_pair(&a, &b);
	nic_deltas(&b);
	b.n_nics = 3;
	b.nics[2] = (struct nic_counters){ true, 1, 1, 1, 1, 0, 0, 0, 0 };
	sampler_diff(&a, &b, &r);
	assert_net_unknown(&r);
	ck_assert(isnan(r.nic[0].rx_bps));
	ck_assert_double_eq(r.cpu_pct, 0.0);
	/* One side of one NIC unreadable: no total. */
	full_pair(&a, &b);
	nic_deltas(&b);
	b.nics[1].have = false;
	sampler_diff(&a, &b, &r);
	assert_net_unknown(&r);
	ck_assert(isnan(r.nic[1].rx_bps));
	full_pair(&a, &b);
	nic_deltas(&b);
	a.nics[0].have = false;
	sampler_diff(&a, &b, &r);
	assert_net_unknown(&r);
	ck_assert(isnan(r.nic[0].rx_bps));
	/* No NIC at all: unknown, not 0. */
	full_pair(&a, &b);
	a.n_nics = b.n_nics = 0;
	sampler_diff(&a, &b, &r);
	assert_net_unknown(&r);
}
END_TEST

/* The new rates never span two processes either. */
START_TEST(diff_new_fields_never_span_processes)
{
	struct guest_counters a, b;
	struct guest_rates r;
	full_pair(&a, &b);
	nic_deltas(&b);
	b.pid = 13448;
	sampler_diff(&a, &b, &r);
	assert_every_rate_unknown(&r);
	full_pair(&a, &b);
	nic_deltas(&b);
	b.starttime = 63614;
	sampler_diff(&a, &b, &r);
	assert_every_rate_unknown(&r);
	full_pair(&a, &b);
	b.t_ns = a.t_ns;
	sampler_diff(&a, &b, &r);
	assert_every_rate_unknown(&r);
}
END_TEST

/* Counters that went backwards (a cgroup recreated, an interface reset) give 0, not a wrap. */
START_TEST(diff_new_fields_saturate)
{
	struct guest_counters a, b;
	struct guest_rates r;
	full_pair(&a, &b);
	b.cg.throttled_ns = 0;
	b.cg.io_rbytes = 0;
	b.cg.psi_cpu_some_us = 0;
	b.majflt = 1;
	b.vcpu_cpu_ns = 0;
	b.nics[0].tx_bytes = 0;
	b.nics[0].rx_dropped = 0;
	sampler_diff(&a, &b, &r);
	ck_assert_double_eq(r.thr_pct, 0.0);
	ck_assert_double_eq(r.cg_read_bps, 0.0);
	ck_assert_double_eq(r.psi_cpu, 0.0);
	ck_assert_double_eq(r.majflt_ps, 0.0);
	ck_assert_double_eq(r.vcpu_pct, 0.0);
	ck_assert_double_eq(r.nic[0].rx_bps, 0.0);
	ck_assert_double_eq(r.nic[0].drops_ps, 0.0);
}
END_TEST

/* ---------------------------------------------------------------- procfs parsers */

START_TEST(status_kb_real_file)
{
	size_t len;
	char *buf = fixture_load("kvm-v1-hybrid/proc/9029/status", &len);
	uint64_t v = 12345;
	ck_assert_int_eq(procfs_parse_status_kb(buf, len, "VmSwap:", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(procfs_parse_status_kb(buf, len, "VmRSS:", &v), 0);
	ck_assert_uint_eq(v, 37180ull * 1024);
	ck_assert_int_eq(procfs_parse_status_kb(buf, len, "VmHWM:", &v), 0);
	ck_assert_uint_eq(v, 37584ull * 1024);
	v = 777;
	ck_assert_int_eq(procfs_parse_status_kb(buf, len, "VmNoSuch:", &v), -1);
	ck_assert_uint_eq(v, 777);
	free(buf);
}
END_TEST

START_TEST(status_kb_edges)
{
	size_t len;
	uint64_t v = 0;
	/* The last line, without a newline, ending at the buffer's end. */
	char *buf = exact_copy("Name:\tx\nVmSwap:\t     512 kB", &len);
	ck_assert_int_eq(procfs_parse_status_kb(buf, len, "VmSwap:", &v), 0);
	ck_assert_uint_eq(v, 512 * 1024);
	free(buf);
	/* Only at the start of a line. */
	buf = exact_copy("XVmSwap:\t5 kB\nVmSwap:\t7 kB\n", &len);
	ck_assert_int_eq(procfs_parse_status_kb(buf, len, "VmSwap:", &v), 0);
	ck_assert_uint_eq(v, 7 * 1024);
	free(buf);
	/* The largest value that fits in bytes, and one more. */
	buf = exact_copy("VmSwap:\t18014398509481983 kB\n", &len);
	ck_assert_int_eq(procfs_parse_status_kb(buf, len, "VmSwap:", &v), 0);
	ck_assert_uint_eq(v, 18014398509481983ull * 1024);
	free(buf);
	buf = exact_copy("VmSwap:\t18014398509481984 kB\n", &len);
	ck_assert_int_eq(procfs_parse_status_kb(buf, len, "VmSwap:", &v), -1);
	free(buf);
	static const char *const bad[] = {"VmSwap:\t kB\n", "VmSwap:", "VmSwap:\n",
	                                  "VmSwap:\tx5 kB\n",
	                                  "VmSwap:\t99999999999999999999999 kB\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf = exact_copy(bad[i], &len);
		ck_assert_msg(procfs_parse_status_kb(buf, len, "VmSwap:", &v) == -1,
		              "accepted '%s'", bad[i]);
		free(buf);
	}
}
END_TEST

static int cpulist(const char *s, uint64_t *bits, unsigned nbits)
{
	size_t len;
	char *buf = exact_copy(s, &len);
	int n = procfs_parse_cpulist(buf, len, bits, nbits);
	free(buf);
	return n;
}

START_TEST(cpulist_ranges_and_lists)
{
	uint64_t bits[2];
	ck_assert_int_eq(cpulist("0-3,8,10-11", bits, 128), 7);
	ck_assert_uint_eq(bits[0], 0xf | 1u << 8 | 3u << 10);
	ck_assert_uint_eq(bits[1], 0);
	ck_assert_int_eq(cpulist("0-3,8,10-11\n", bits, 128), 7);
	ck_assert_int_eq(cpulist("\t0-1\n", bits, 128), 2);
	ck_assert_uint_eq(bits[0], 3);
	ck_assert_int_eq(cpulist("0", bits, 128), 1);
	ck_assert_uint_eq(bits[0], 1);
	ck_assert_int_eq(cpulist("5-5", bits, 128), 1);
	ck_assert_uint_eq(bits[0], 1u << 5);
	/* Overlaps count once. */
	ck_assert_int_eq(cpulist("0-3,2-5,4", bits, 128), 6);
	ck_assert_uint_eq(bits[0], 0x3f);
	/* Across the 64-bit words. */
	ck_assert_int_eq(cpulist("62-65,127", bits, 128), 5);
	ck_assert_uint_eq(bits[0], 3ull << 62);
	ck_assert_uint_eq(bits[1], 3ull | 1ull << 63);
}
END_TEST

START_TEST(cpulist_clears_the_bitmap)
{
	uint64_t bits[3] = { ~0ull, ~0ull, ~0ull };
	ck_assert_int_eq(cpulist("1", bits, 128), 1);
	ck_assert_uint_eq(bits[0], 2);
	ck_assert_uint_eq(bits[1], 0);
	/* Only the words nbits needs are written. */
	ck_assert_uint_eq(bits[2], ~0ull);
}
END_TEST

START_TEST(cpulist_out_of_range)
{
	uint64_t bits[SAMPLER_MAX_CPUS / 64];
	ck_assert_int_eq(cpulist("63", bits, 64), 1);
	ck_assert_int_eq(cpulist("64", bits, 64), -1);
	ck_assert_int_eq(cpulist("0-64", bits, 64), -1);
	ck_assert_int_eq(cpulist("0,100", bits, 64), -1);
	ck_assert_int_eq(cpulist("1023", bits, SAMPLER_MAX_CPUS), 1);
	ck_assert_int_eq(cpulist("1024", bits, SAMPLER_MAX_CPUS), -1);
	ck_assert_int_eq(cpulist("0-4294967296", bits, SAMPLER_MAX_CPUS), -1);
	ck_assert_int_eq(cpulist("0-99999999999999999999999", bits, SAMPLER_MAX_CPUS), -1);
}
END_TEST

START_TEST(cpulist_malformed)
{
	static const char *const bad[] = { "a", "-1", "1-", "3-1", "1,,2", "1;2", "1 2", "0-3x",
					   "0-1-2", ",1", "0x1" };
	uint64_t bits[2];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cpulist(bad[i], bits, 128) == -1, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(stat_majflt_field_12)
{
	size_t len;
	struct proc_stat st;
	char *buf = fixture_load("kvm-v1-hybrid/proc/9029/stat", &len);
	ck_assert_int_eq(procfs_parse_stat(buf, len, &st), 0);
	ck_assert_uint_eq(st.majflt, 2);
	ck_assert_int_eq(st.processor, 0);
	free(buf);
	buf = fixture_load("diag-contention/t0/proc/13600/task/13614/stat", &len);
	ck_assert_int_eq(procfs_parse_stat(buf, len, &st), 0);
	ck_assert_uint_eq(st.majflt, 0);
	ck_assert_int_eq(st.processor, 1);
	free(buf);
	/* minflt 11, cminflt 22, majflt 123456789012, cmajflt 44: only field 12 counts. */
	buf = exact_copy("7 (x) S 1 1 1 0 -1 0 11 22 123456789012 44 5 6 0 0 20 0 1 0 99 1000 3 "
			 "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0\n",
			 &len);
	ck_assert_int_eq(procfs_parse_stat(buf, len, &st), 0);
	ck_assert_uint_eq(st.majflt, 123456789012ull);
	ck_assert_uint_eq(st.utime, 5);
	ck_assert_int_eq(st.processor, 1);
	free(buf);
}
END_TEST

/* ---------------------------------------------------------------- the probe: threads and NICs */

static const pid_t a_tids[] = { 9035, 9036 };
static const pid_t b_tids[] = { 13462 };
static const pid_t c_tids[] = { 13614 };

static struct guest_ident *one_ident(struct guest_list *l, pid_t pid, const pid_t *tids, unsigned n)
{
	guest_list_init(l);
	struct guest_ident *g = guest_list_add(l);
	ck_assert_ptr_nonnull(g);
	g->state = GUEST_STATE_RUNNING;
	g->pid = pid;
	ck_assert_int_eq(guest_ident_set_vcpu_tids(g, tids, n), 0);
	return g;
}

static int open_dir(const char *dir, const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "cannot open %s", path);
	return fd;
}

static const struct thread_probe *thread_by_tid(const struct guest_probe *p, pid_t tid)
{
	for (unsigned i = 0; i < p->n_threads; i++)
		if (p->threads[i].tid == tid)
			return &p->threads[i];
	return NULL;
}

static long online_cpus(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN);
}

/* Guest A of diag-contention: six threads, vCPUs first, both vCPUs pinned to CPU 0. */
START_TEST(probe_thread_list)
{
	struct guest_list l;
	struct guest_ident *g = one_ident(&l, 9029, a_tids, 2);
	int pfd = fixture_open_dir("diag-contention/t0/proc");
	struct guest_probe p;
	guest_probe_init(&p);
	ck_assert_int_eq(guest_probe_open(&p, pfd, g), 0);
	static const pid_t order[] = { 9035, 9036, 9029, 9033, 9034, 9045 };
	static const char *const comm[] = { "CPU 0/KVM", "CPU 1/KVM", "qemu-system-x86",
					    "call_rcu", "IO mon_iothread", "kvm-nx-lpage-re" };
	ck_assert_uint_eq(p.n_threads, 6);
	for (unsigned i = 0; i < 6; i++) {
		const struct thread_probe *t = &p.threads[i];
		ck_assert_int_eq(t->tid, order[i]);
		ck_assert_int_eq(t->vcpu, i < 2 ? (int)i : -1);
		ck_assert_int_eq(t->last_cpu, -1);	/* nothing read yet */
		ck_assert(isnan(t->cpu_pct));
		ck_assert(i < 2 ? t->sched_fd >= 0 : t->sched_fd == -1);
	}
	struct guest_counters c;
	ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	for (unsigned i = 0; i < 6; i++) {
		const struct thread_probe *t = &p.threads[i];
		ck_assert_str_eq(t->comm, comm[i]);
		ck_assert_int_eq(t->last_cpu, 0);
		ck_assert(isnan(t->cpu_pct));	/* one reading: no rate */
		ck_assert(isnan(t->steal_pct));
		ck_assert_uint_eq(t->interval_ns, 0);
		ck_assert(thread_may_run_on(t, 0));
		if (i < 2) {
			/* Pinned to CPU 0 ("Cpus_allowed_list:\t0"). */
			ck_assert(!t->all_cpus);
			ck_assert_ptr_nonnull(t->affinity);
			ck_assert(!thread_may_run_on(t, 1));
			ck_assert(!thread_may_run_on(t, 63));
			ck_assert(!thread_may_run_on(t, SAMPLER_MAX_CPUS + 5));
		} else {
			ck_assert(thread_may_run_on(t, 1));
			if (online_cpus() == 2)	/* "0-1" is every CPU of a two-CPU host */
				ck_assert(t->all_cpus);
		}
	}
	ck_assert(c.have_steal);
	ck_assert(c.have_vcpu_cpu);
	ck_assert_uint_eq(c.vcpu_cpu_ns, 97044799083ull + 3127994ull);
	ck_assert(c.have_majflt);
	ck_assert_uint_eq(c.majflt, 2);
	ck_assert(c.have_swap);
	ck_assert_uint_eq(c.swap_bytes, 0);
	guest_probe_close(&p);
	ck_assert_uint_eq(p.n_threads, 0);
	ck_assert_ptr_null(p.threads);

	/* C's threads last ran on CPU 1. */
	guest_list_free(&l);
	g = one_ident(&l, 13600, c_tids, 1);
	ck_assert_int_eq(guest_probe_open(&p, pfd, g), 0);
	ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	ck_assert_uint_eq(p.n_threads, 6);
	ck_assert_int_eq(p.threads[0].tid, 13614);
	ck_assert_int_eq(p.threads[0].vcpu, 0);
	for (unsigned i = 0; i < p.n_threads; i++)
		ck_assert_int_eq(p.threads[i].last_cpu, 1);
	guest_probe_close(&p);
	close(pfd);
	guest_list_free(&l);
}
END_TEST

/* Two readings with changed stat and schedstat: per-thread CPU and steal over the interval. */
START_TEST(probe_thread_rates_after_two_reads)
{
	char *dir = scratch_make();
	scratch_copy_tree("diag-contention/t0/proc", dir, "proc");
	int pfd = open_dir(dir, "proc");
	struct guest_list l;
	struct guest_ident *g = one_ident(&l, 9029, a_tids, 2);
	struct guest_probe pa, pb;
	guest_probe_init(&pa);
	guest_probe_init(&pb);
	ck_assert_int_eq(guest_probe_open(&pa, pfd, g), 0);
	guest_list_free(&l);
	g = one_ident(&l, 13448, b_tids, 1);
	ck_assert_int_eq(guest_probe_open(&pb, pfd, g), 0);
	/* Every thread at each reading, as for the guest the detail screen shows. */
	pa.shown = pb.shown = true;
	struct guest_counters a0, a1, b0, b1;
	ck_assert_int_eq(guest_probe_read(&pa, &a0), 0);
	ck_assert_int_eq(guest_probe_read(&pb, &b0), 0);
	scratch_copy_tree("diag-contention/t1/proc", dir, "proc");
	ck_assert_int_eq(guest_probe_read(&pa, &a1), 0);
	ck_assert_int_eq(guest_probe_read(&pb, &b1), 0);

	/* A's vCPU 0: 0.6 s on the CPU and 2 s waiting for it (schedstat, ns). */
	const struct thread_probe *v0 = thread_by_tid(&pa, 9035);
	ck_assert_ptr_nonnull(v0);
	ck_assert_uint_eq(v0->interval_ns, a1.t_ns - a0.t_ns);
	ck_assert_uint_gt(v0->interval_ns, 0);
	double dt = (double)v0->interval_ns;
	ck_assert_uint_eq(v0->interval_cpu_ns, 600000000ull);
	ck_assert_double_eq_tol(v0->cpu_pct, 600000000.0 * 100.0 / dt, 1e-6);
	ck_assert_double_eq_tol(v0->steal_pct, 2000000000.0 * 100.0 / dt, 1e-6);
	const struct thread_probe *v1 = thread_by_tid(&pa, 9036);
	ck_assert_uint_eq(v1->interval_cpu_ns, 0);
	ck_assert_double_eq(v1->cpu_pct, 0.0);
	ck_assert_double_eq(v1->steal_pct, 0.0);
	/* Not a vCPU: CPU from stat's clock ticks, no steal. */
	const struct thread_probe *main_a = thread_by_tid(&pa, 9029);
	ck_assert_double_eq(main_a->cpu_pct, 0.0);
	ck_assert(isnan(main_a->steal_pct));

	/* The guest's sums give the same figures through sampler_diff. */
	struct guest_rates r;
	sampler_diff(&a0, &a1, &r);
	ck_assert_double_eq_tol(r.steal_pct, 2000000000.0 * 100.0 / dt, 1e-6);
	ck_assert_double_eq_tol(r.vcpu_pct, 600000000.0 * 100.0 / dt, 1e-6);
	ck_assert_double_eq_tol(r.cpu_pct, (double)(60 * tick_ns()) * 100.0 / dt, 1e-6);

	/* B: its vCPU ran 1.5 s (schedstat), its main thread 10 ticks (stat). */
	const struct thread_probe *bv = thread_by_tid(&pb, 13462);
	ck_assert_uint_eq(bv->interval_cpu_ns, 1500000000ull);
	ck_assert_double_eq(bv->steal_pct, 0.0);
	const struct thread_probe *bm = thread_by_tid(&pb, 13448);
	ck_assert_uint_eq(bm->interval_cpu_ns, 10 * tick_ns());
	ck_assert_double_eq_tol(bm->cpu_pct,
	                        (double)(10 * tick_ns()) * 100.0 / (double)bm->interval_ns, 1e-6);
	sampler_diff(&b0, &b1, &r);
	ck_assert_double_eq(r.steal_pct, 0.0);
	ck_assert_double_gt(r.vcpu_pct, 0.0);

	guest_probe_close(&pa);
	guest_probe_close(&pb);
	close(pfd);
	guest_list_free(&l);
	scratch_remove(dir);
}
END_TEST

static void remove_dir(const char *dir, const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	char *copy = strdup(path);
	ck_assert_ptr_nonnull(copy);
	scratch_remove(copy);
	ck_assert_int_eq(access(path, F_OK), -1);
}

/*
 * A VM's threads other than its vCPUs are read at the first reading and every
 * fifth: between, their figures stand, and the vCPUs are read every time.
 */
START_TEST(probe_other_threads_every_fifth_reading)
{
	char *dir = scratch_make();
	scratch_copy_tree("diag-contention/t0/proc", dir, "proc");
	int pfd = open_dir(dir, "proc");
	struct guest_list l;
	struct guest_ident *g = one_ident(&l, 9029, a_tids, 2);
	struct guest_probe p;
	guest_probe_init(&p);
	ck_assert_int_eq(guest_probe_open(&p, pfd, g), 0);
	struct guest_counters c0, c;
	ck_assert_int_eq(guest_probe_read(&p, &c0), 0);
	scratch_copy_tree("diag-contention/t1/proc", dir, "proc");
	ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	const struct thread_probe *main_t = thread_by_tid(&p, 9029), *v0 = thread_by_tid(&p, 9035);
	ck_assert(isnan(main_t->cpu_pct));
	ck_assert_uint_eq(v0->interval_cpu_ns, 600000000ull);
	uint64_t t1 = c.t_ns;
	for (int i = 2; i < 5; i++) {
		ck_assert_int_eq(guest_probe_read(&p, &c), 0);
		ck_assert(isnan(thread_by_tid(&p, 9029)->cpu_pct));
	}
	ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	main_t = thread_by_tid(&p, 9029);
	ck_assert(!isnan(main_t->cpu_pct));
	/* Its interval runs from the first reading to the fifth, not from the last one. */
	ck_assert_uint_gt(main_t->interval_ns, c.t_ns - t1);
	ck_assert_uint_eq(main_t->interval_ns, c.t_ns - c0.t_ns);
	guest_probe_close(&p);
	close(pfd);
	guest_list_free(&l);
	scratch_remove(dir);
}
END_TEST

/* A thread that exits: unknown at once, dropped at the next scan; a vCPU gone drops steal. */
START_TEST(probe_thread_vanishes)
{
	char *dir = scratch_make();
	scratch_copy_tree("diag-contention/t0/proc", dir, "proc");
	int pfd = open_dir(dir, "proc");
	struct guest_list l;
	struct guest_ident *g = one_ident(&l, 9029, a_tids, 2);
	int fds_before = count_open_fds();
	struct guest_probe p;
	guest_probe_init(&p);
	ck_assert_int_eq(guest_probe_open(&p, pfd, g), 0);
	p.shown = true;
	struct guest_counters c;
	ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	ck_assert_double_eq(thread_by_tid(&p, 9045)->cpu_pct, 0.0);

	/* Its stat reads empty, as an exited thread's does here. */
	scratch_write(dir, "proc/9029/task/9045/stat", "");
	ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	const struct thread_probe *t = thread_by_tid(&p, 9045);
	ck_assert_ptr_nonnull(t);
	ck_assert(isnan(t->cpu_pct));
	ck_assert_int_eq(t->stat_fd, -1);
	ck_assert(!t->have_prev);
	ck_assert_uint_eq(t->interval_ns, 0);
	ck_assert_uint_eq(t->interval_cpu_ns, 0);
	ck_assert(c.have_steal);	/* not a vCPU */

	/* Its directory goes too: the next scan (every few reads) drops it. */
	remove_dir(dir, "proc/9029/task/9045");
	for (int i = 0; i < 5 && p.n_threads == 6; i++)
		ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	ck_assert_uint_eq(p.n_threads, 5);
	ck_assert_ptr_null(thread_by_tid(&p, 9045));
	ck_assert_int_eq(p.threads[0].tid, 9035);
	ck_assert_int_eq(p.threads[1].tid, 9036);

	/* A vCPU thread gone: no steal and no vCPU share (a partial sum would mislead). */
	scratch_write(dir, "proc/9029/task/9036/stat", "");
	ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	ck_assert(c.have_cpu);
	ck_assert(!c.have_steal);
	ck_assert(!c.have_vcpu_cpu);
	ck_assert_uint_eq(c.run_delay_ns, 0);

	guest_probe_close(&p);
	ck_assert_int_eq(count_open_fds(), fds_before);
	close(pfd);
	guest_list_free(&l);
	scratch_remove(dir);
}
END_TEST

/* virsh vcpupin at run time: the affinity is read again at each scan. */
START_TEST(probe_affinity_follows_pinning)
{
	char *dir = scratch_make();
	scratch_copy_tree("diag-contention/t0/proc", dir, "proc");
	int pfd = open_dir(dir, "proc");
	struct guest_list l;
	struct guest_ident *g = one_ident(&l, 9029, a_tids, 2);
	struct guest_probe p;
	guest_probe_init(&p);
	ck_assert_int_eq(guest_probe_open(&p, pfd, g), 0);
	ck_assert(!thread_may_run_on(&p.threads[1], 1));
	char all[64], status[4096];
	snprintf(all, sizeof(all), "0-%ld", online_cpus() - 1);
	snprintf(status, sizeof(status), "Name:\tCPU 1/KVM\nPid:\t9036\nCpus_allowed_list:\t1\n");
	scratch_write(dir, "proc/9029/task/9036/status", status);
	snprintf(status, sizeof(status), "Name:\tCPU 0/KVM\nPid:\t9035\nCpus_allowed_list:\t%s\n",
	         all);
	scratch_write(dir, "proc/9029/task/9035/status", status);
	struct guest_counters c;
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	const struct thread_probe *v1 = thread_by_tid(&p, 9036);
	ck_assert(!v1->all_cpus);
	ck_assert(thread_may_run_on(v1, 1));
	ck_assert(!thread_may_run_on(v1, 0));
	/* Every online CPU: "may run anywhere". */
	const struct thread_probe *v0 = thread_by_tid(&p, 9035);
	ck_assert(v0->all_cpus);
	ck_assert(thread_may_run_on(v0, 0));
	ck_assert(thread_may_run_on(v0, (unsigned)online_cpus() - 1));
	/* No status, or no Cpus_allowed_list in it: anywhere. */
	scratch_write(dir, "proc/9029/task/9036/status", "Name:\tCPU 1/KVM\n");
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	v1 = thread_by_tid(&p, 9036);
	ck_assert(v1->all_cpus);
	ck_assert(thread_may_run_on(v1, 0));
	guest_probe_close(&p);
	close(pfd);
	guest_list_free(&l);
	scratch_remove(dir);
}
END_TEST

/*
 * As many CPUs as are online, but not CPU 0 (a mask that names possible but
 * offline CPUs, e.g. "1-2" on a host with CPUs 0-1 online and 2 offline):
 * the thread still may not run on CPU 0.
 */
START_TEST(probe_affinity_is_a_set_not_a_count)
{
	char *dir = scratch_make();
	scratch_copy_tree("diag-contention/t0/proc", dir, "proc");
	int pfd = open_dir(dir, "proc");
	struct guest_list l;
	struct guest_ident *g = one_ident(&l, 9029, a_tids, 2);
	char status[256];
	long n = online_cpus();
	ck_assert_int_lt(n, SAMPLER_MAX_CPUS);
	snprintf(status, sizeof(status), "Name:\tCPU 0/KVM\nCpus_allowed_list:\t1-%ld\n", n);
	scratch_write(dir, "proc/9029/task/9035/status", status);
	struct guest_probe p;
	guest_probe_init(&p);
	ck_assert_int_eq(guest_probe_open(&p, pfd, g), 0);
	const struct thread_probe *v0 = thread_by_tid(&p, 9035);
	ck_assert_msg(!thread_may_run_on(v0, 0),
	              "Cpus_allowed_list 1-%ld (%ld CPUs online) read as \"may run on CPU 0\"", n,
	              n);
	ck_assert(thread_may_run_on(v0, 1));
	guest_probe_close(&p);
	close(pfd);
	guest_list_free(&l);
	scratch_remove(dir);
}
END_TEST

static void add_nic(struct guest_ident *g, const char *ifname)
{
	struct guest_nic *n = guest_ident_add_nic(g);
	ck_assert_ptr_nonnull(n);
	snprintf(n->ifname, sizeof(n->ifname), "%s", ifname);
}

/* NIC counters from <sys>/class/net/IF/statistics/FILE, and their rates over two readings. */
START_TEST(probe_nic_counters)
{
	char *dir = scratch_make();
	scratch_copy_tree("diag-net/t0/sys", dir, "sys");
	int net_fd = open_dir(dir, "sys/class/net");
	int pfd = fixture_open_dir("kvm-v1-hybrid/proc");
	struct guest_list l;
	struct guest_ident *g = one_ident(&l, 9029, a_tids, 2);
	/* Names that are not one path component are refused, not opened. */
	add_nic(g, "vnet0");
	add_nic(g, "");
	add_nic(g, "../../../etc");
	add_nic(g, ".");
	add_nic(g, "..");
	add_nic(g, "vnet1");
	struct guest_probe p;
	guest_probe_init(&p);
	ck_assert_int_eq(guest_probe_open(&p, pfd, g), 0);
	int fds = count_open_fds();
	guest_probe_attach(&p, NULL, net_fd, g);
	ck_assert_uint_eq(p.n_nics, 2);
	ck_assert_str_eq(p.nic_names[0], "vnet0");
	ck_assert_str_eq(p.nic_names[1], "vnet1");
	ck_assert_int_eq(count_open_fds(), fds + 2 * 8);

	struct guest_counters c0, c1;
	ck_assert_int_eq(guest_probe_read(&p, &c0), 0);
	ck_assert_uint_eq(c0.n_nics, 2);
	ck_assert(c0.nics[0].have);
	ck_assert_uint_eq(c0.nics[0].rx_bytes, 1000000);
	ck_assert_uint_eq(c0.nics[0].tx_bytes, 5000000);
	ck_assert_uint_eq(c0.nics[0].rx_packets, 1000);
	ck_assert_uint_eq(c0.nics[0].tx_packets, 4000);
	ck_assert_uint_eq(c0.nics[0].rx_dropped, 1);
	ck_assert_uint_eq(c0.nics[0].tx_dropped, 2);
	ck_assert(c0.nics[1].have);
	ck_assert_uint_eq(c0.nics[1].tx_bytes, 90000);

	scratch_copy_tree("diag-net/t1/sys", dir, "sys");
	ck_assert_int_eq(guest_probe_read(&p, &c1), 0);
	ck_assert_uint_eq(c1.nics[0].tx_bytes, 8000000);
	ck_assert_uint_eq(c1.nics[0].tx_errors, 2);
	c0.t_ns = 7 * NS_PER_S;
	c1.t_ns = 9 * NS_PER_S;
	struct guest_rates r;
	sampler_diff(&c0, &c1, &r);
	ck_assert_double_eq_tol(r.nic[0].rx_bps, 1500000.0, 1e-9);
	ck_assert_double_eq_tol(r.nic[0].tx_bps, 100000.0, 1e-9);
	ck_assert_double_eq_tol(r.net_rx_bps, 1525000.0, 1e-9);
	ck_assert_double_eq_tol(r.net_tx_bps, 100500.0, 1e-9);
	ck_assert_double_eq_tol(r.net_rx_pps, 1070.0, 1e-9);
	ck_assert_double_eq_tol(r.net_tx_pps, 80.0, 1e-9);
	ck_assert_double_eq_tol(r.net_drops_ps, 6.0, 1e-9);
	ck_assert_double_eq_tol(r.net_errors_ps, 1.5, 1e-9);

	/* Attached again without interfaces: the NIC files are closed. */
	guest_probe_attach(&p, NULL, -1, g);
	ck_assert_uint_eq(p.n_nics, 0);
	ck_assert_int_eq(count_open_fds(), fds);
	ck_assert_int_eq(guest_probe_read(&p, &c1), 0);
	ck_assert_uint_eq(c1.n_nics, 0);
	guest_probe_close(&p);
	close(pfd);
	close(net_fd);
	guest_list_free(&l);
	scratch_remove(dir);
}
END_TEST

/* An interface that is missing or has a counter missing: that NIC is unknown, so is the total. */
START_TEST(probe_nic_missing_files)
{
	char *dir = scratch_make();
	scratch_copy_tree("diag-net/t0/sys", dir, "sys");
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/sys/class/net/vnet1/statistics/tx_errors", dir);
	ck_assert_int_eq(unlink(path), 0);
	int net_fd = open_dir(dir, "sys/class/net");
	int pfd = fixture_open_dir("kvm-v1-hybrid/proc");
	struct guest_list l;
	struct guest_ident *g = one_ident(&l, 9029, a_tids, 2);
	add_nic(g, "vnet0");
	add_nic(g, "vnet1");
	add_nic(g, "vnet9");
	struct guest_probe p;
	guest_probe_init(&p);
	ck_assert_int_eq(guest_probe_open(&p, pfd, g), 0);
	guest_probe_attach(&p, NULL, net_fd, g);
	ck_assert_uint_eq(p.n_nics, 3);
	struct guest_counters c0, c1;
	ck_assert_int_eq(guest_probe_read(&p, &c0), 0);
	ck_assert(c0.nics[0].have);
	ck_assert(!c0.nics[1].have);
	ck_assert(!c0.nics[2].have);
	ck_assert_int_eq(guest_probe_read(&p, &c1), 0);
	c1.t_ns = c0.t_ns + NS_PER_S;
	struct guest_rates r;
	sampler_diff(&c0, &c1, &r);
	assert_net_unknown(&r);
	ck_assert_double_eq(r.cpu_pct, 0.0);
	guest_probe_close(&p);
	close(pfd);
	close(net_fd);
	guest_list_free(&l);
	scratch_remove(dir);
}
END_TEST

START_TEST(probe_nic_at_most_max)
{
	char *dir = scratch_make();
	scratch_copy_tree("diag-net/t0/sys", dir, "sys");
	int net_fd = open_dir(dir, "sys/class/net");
	int pfd = fixture_open_dir("kvm-v1-hybrid/proc");
	struct guest_list l;
	struct guest_ident *g = one_ident(&l, 9029, a_tids, 2);
	for (int i = 0; i < SAMPLER_MAX_NICS + 3; i++)
		add_nic(g, i % 2 ? "vnet1" : "vnet0");
	struct guest_probe p;
	guest_probe_init(&p);
	ck_assert_int_eq(guest_probe_open(&p, pfd, g), 0);
	int fds = count_open_fds();
	guest_probe_attach(&p, NULL, net_fd, g);
	ck_assert_uint_eq(p.n_nics, SAMPLER_MAX_NICS);
	ck_assert_int_eq(count_open_fds(), fds + SAMPLER_MAX_NICS * 8);
	struct guest_counters c;
	ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	ck_assert_uint_eq(c.n_nics, SAMPLER_MAX_NICS);
	ck_assert_uint_eq(c.nics[SAMPLER_MAX_NICS - 1].tx_bytes, 90000);
	guest_probe_close(&p);
	ck_assert_int_eq(count_open_fds(), fds - 3 - 6 - 2);
	close(pfd);
	close(net_fd);
	guest_list_free(&l);
	scratch_remove(dir);
}
END_TEST

/* ---------------------------------------------------------------- victims and culprits */

/* n running guests, every rate unknown, no threads; the default limits. */
static void judge_model(struct model *m, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->rows = calloc(n, sizeof(*m->rows));
	ck_assert_ptr_nonnull(m->rows);
	m->n = m->cap = n;
	m->proc_fd = m->net_fd = -1;
	m->limits = (struct thresholds)THRESHOLDS_DEFAULT;
	for (size_t i = 0; i < n; i++) {
		struct guest_row *r = &m->rows[i];
		snprintf(r->g.name, sizeof(r->g.name), "g%zu", i);
		snprintf(r->g.kind, sizeof(r->g.kind), "kvm");
		r->g.state = GUEST_STATE_RUNNING;
		r->g.pid = (pid_t)(1000 + i);
		r->g.mem_bytes = GT_UNKNOWN;
		guest_probe_init(&r->probe);
		r->prev.pid = r->g.pid;
		sampler_rates_unknown(&r->rates);
		r->rates.cpu_pct = 1;
		r->disk = (struct disk_rates){ NAN, NAN, NAN, NAN, NAN, NAN };
		r->rss_bytes = r->swap_bytes = r->cg_mem_bytes = GT_UNKNOWN;
	}
}

/*
 * A thread of row r: vCPU index (-1 none), the CPU it last ran on, the CPUs it may
 * use ("" = any) and the CPU time it took in a 1 s interval.
 */
static void add_thread(struct guest_row *r, int vcpu, int last_cpu, const char *cpus, double cpu_s)
{
	struct guest_probe *p = &r->probe;
	struct thread_probe *v = realloc(p->threads, (p->n_threads + 1) * sizeof(*v));
	ck_assert_ptr_nonnull(v);
	p->threads = v;
	struct thread_probe *t = &v[p->n_threads++];
	memset(t, 0, sizeof(*t));
	t->tid = r->g.pid * 10 + (pid_t)p->n_threads;
	t->stat_fd = t->sched_fd = -1;
	t->vcpu = vcpu;
	t->last_cpu = last_cpu;
	t->all_cpus = true;
	if (cpus[0]) {
		t->affinity = calloc(SAMPLER_MAX_CPUS / 64, sizeof(uint64_t));
		ck_assert_ptr_nonnull(t->affinity);
		ck_assert_int_gt(
		    procfs_parse_cpulist(cpus, strlen(cpus), t->affinity, SAMPLER_MAX_CPUS), 0);
		t->all_cpus = false;
	}
	t->have_prev = true;
	t->interval_ns = NS_PER_S;
	t->interval_cpu_ns = (uint64_t)(cpu_s * 1e9 + 0.5);
	t->cpu_pct = cpu_s * 100;
	t->steal_pct = vcpu >= 0 ? 0 : NAN;
}

START_TEST(judge_victim_thresholds)
{
	struct model m;
	judge_model(&m, 12);
	m.rows[0].rates.steal_pct = 10.5;
	m.rows[1].rates.steal_pct = 10;		/* at the limit: not above it */
	m.rows[2].rates.thr_pct = 11;
	m.rows[3].disk.rd_lat_ms = 25;
	m.rows[4].disk.wr_lat_ms = 21;
	m.rows[5].rates.psi_cpu = 12;
	m.rows[6].rates.psi_io = 12;
	m.rows[7].rates.psi_mem = 12;
	/* row 8: every value unknown */
	m.rows[9].rates.thr_pct = 10;
	m.rows[9].disk.rd_lat_ms = 20;
	m.rows[9].disk.wr_lat_ms = 20;
	m.rows[9].rates.psi_cpu = m.rows[9].rates.psi_io = m.rows[9].rates.psi_mem = 10;
	m.rows[10].rates.steal_pct = 50;
	m.rows[10].rates.thr_pct = 50;
	m.rows[10].rates.psi_mem = 50;
	m.rows[11].victim = VICTIM_STEAL;	/* a stale verdict is replaced */
	m.rows[11].culprit = CULPRIT_MEM;
	model_judge(&m);
	static const unsigned want[] = {
		VICTIM_STEAL, 0, VICTIM_THROTTLE, VICTIM_DISK_LATENCY, VICTIM_DISK_LATENCY,
		VICTIM_PSI_CPU, VICTIM_PSI_IO, VICTIM_PSI_MEM, 0, 0,
		VICTIM_STEAL | VICTIM_THROTTLE | VICTIM_PSI_MEM, 0,
	};
	for (size_t i = 0; i < m.n; i++) {
		ck_assert_msg(m.rows[i].victim == want[i], "row %zu: victim %#x, want %#x", i,
			      m.rows[i].victim, want[i]);
		/* No threads, no disk traffic, no known RSS: nobody to blame. */
		ck_assert_uint_eq(m.rows[i].culprit, 0);
	}
	struct model_counts c;
	model_counts(&m, &c);
	ck_assert_uint_eq(c.victims, 8);
	/* The limits are the model's, not constants. */
	m.limits.steal_pct = 60;
	m.limits.disk_lat_ms = 24;
	model_judge(&m);
	ck_assert_uint_eq(m.rows[0].victim, 0);
	ck_assert_uint_eq(m.rows[3].victim, VICTIM_DISK_LATENCY);
	ck_assert_uint_eq(m.rows[4].victim, 0);
	ck_assert_uint_eq(m.rows[10].victim, VICTIM_THROTTLE | VICTIM_PSI_MEM);
	model_free(&m);
}
END_TEST

/* The CPU culprit is the guest that took the most CPU on the CPUs the victim's vCPUs may use. */
START_TEST(judge_cpu_culprit_is_top_hurter)
{
	struct model m;
	judge_model(&m, 4);
	/* 0: the victim, its vCPU pinned to CPU 0; its emulator thread may run anywhere. */
	m.rows[0].rates.steal_pct = 40;
	add_thread(&m.rows[0], 0, 0, "0", 0.5);
	add_thread(&m.rows[0], -1, 1, "", 0.9);
	/* 1: 50% of a core on CPU 0 (two threads); 2: 90% but on CPU 1; 3: 20% on CPU 0. */
	add_thread(&m.rows[1], 0, 0, "", 0.3);
	add_thread(&m.rows[1], -1, 0, "", 0.2);
	add_thread(&m.rows[1], -1, 1, "", 0.7);
	add_thread(&m.rows[2], 0, 1, "", 0.9);
	add_thread(&m.rows[3], 0, 0, "", 0.2);
	struct hurter h[4];
	size_t n = model_hurters(&m, 0, h, 4);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(h[0].row, 1);
	ck_assert_double_eq_tol(h[0].cpu_pct, 50.0, 1e-9);
	ck_assert_uint_eq(h[1].row, 3);
	ck_assert_double_eq_tol(h[1].cpu_pct, 20.0, 1e-9);
	ck_assert_uint_eq(model_hurters(&m, 0, h, 1), 1);
	ck_assert_uint_eq(h[0].row, 1);
	ck_assert_uint_eq(model_hurters(&m, 0, h, 0), 0);
	model_judge(&m);
	ck_assert_uint_eq(m.rows[0].victim, VICTIM_STEAL);
	ck_assert_uint_eq(m.rows[0].culprit, 0);
	ck_assert_uint_eq(m.rows[1].culprit, CULPRIT_CPU);
	ck_assert_uint_eq(m.rows[2].culprit, 0);
	ck_assert_uint_eq(m.rows[3].culprit, 0);
	/* Not a victim: nobody is blamed for its CPUs. */
	m.rows[0].rates.steal_pct = 5;
	model_judge(&m);
	ck_assert_uint_eq(m.rows[1].culprit, 0);
	/* Its vCPU may use every CPU: the guest on CPU 1 took the most. */
	m.rows[0].rates.steal_pct = 40;
	struct thread_probe *vt = &m.rows[0].probe.threads[0];
	free(vt->affinity);
	vt->affinity = NULL;
	vt->all_cpus = true;
	model_judge(&m);
	if (online_cpus() >= 2) {
		ck_assert_uint_eq(model_hurters(&m, 0, h, 4), 3);
		ck_assert_uint_eq(h[0].row, 1);	/* 0.3 + 0.2 + 0.7 */
		ck_assert_double_eq_tol(h[0].cpu_pct, 120.0, 1e-9);
		ck_assert_uint_eq(h[1].row, 2);
		ck_assert_uint_eq(m.rows[1].culprit, CULPRIT_CPU);
		ck_assert_uint_eq(m.rows[2].culprit, 0);
	}
	model_free(&m);
}
END_TEST

/* At least 10% of a core makes a culprit; less is noise. */
START_TEST(judge_cpu_culprit_needs_ten_percent)
{
	struct model m;
	judge_model(&m, 2);
	m.rows[0].rates.steal_pct = 40;
	add_thread(&m.rows[0], 0, 0, "0", 0.5);
	add_thread(&m.rows[1], -1, 0, "", 0.099);
	model_judge(&m);
	ck_assert_uint_eq(m.rows[0].victim, VICTIM_STEAL);
	ck_assert_uint_eq(m.rows[1].culprit, 0);
	m.rows[1].probe.threads[0].interval_cpu_ns = 100000000;
	model_judge(&m);
	ck_assert_uint_eq(m.rows[1].culprit, CULPRIT_CPU);
	/* A guest without a baseline (no reading yet) is not counted. */
	m.rows[1].prev.pid = 0;
	model_judge(&m);
	ck_assert_uint_eq(m.rows[1].culprit, 0);
	struct hurter h[2];
	ck_assert_uint_eq(model_hurters(&m, 0, h, 2), 0);
	model_free(&m);
}
END_TEST

/* CPU pressure also names a CPU culprit; throttling by its own quota does not. */
START_TEST(judge_cpu_culprit_for_psi_not_throttle)
{
	struct model m;
	judge_model(&m, 2);
	add_thread(&m.rows[0], 0, 0, "0", 0.5);
	add_thread(&m.rows[1], -1, 0, "", 0.6);
	m.rows[0].rates.thr_pct = 80;
	model_judge(&m);
	ck_assert_uint_eq(m.rows[0].victim, VICTIM_THROTTLE);
	ck_assert_uint_eq(m.rows[1].culprit, 0);
	m.rows[0].rates.thr_pct = NAN;
	m.rows[0].rates.psi_cpu = 30;
	model_judge(&m);
	ck_assert_uint_eq(m.rows[0].victim, VICTIM_PSI_CPU);
	ck_assert_uint_eq(m.rows[1].culprit, CULPRIT_CPU);
	/* A victim without vCPU threads has no CPUs to look at. */
	free(m.rows[0].probe.threads[0].affinity);
	m.rows[0].probe.threads[0].affinity = NULL;
	m.rows[0].probe.threads[0].vcpu = -1;
	struct hurter h[2];
	ck_assert_uint_eq(model_hurters(&m, 0, h, 2), 0);
	model_judge(&m);
	ck_assert_uint_eq(m.rows[1].culprit, 0);
	model_free(&m);
}
END_TEST

/* The reference contention: two busy guests pinned to one CPU are each other's V+C. */
START_TEST(judge_two_pinned_guests_are_v_plus_c)
{
	struct model m;
	judge_model(&m, 3);
	for (int i = 0; i < 2; i++) {
		m.rows[i].rates.cpu_pct = 50;
		m.rows[i].rates.steal_pct = 50;
		add_thread(&m.rows[i], 0, 0, "0", 0.5);
	}
	m.rows[2].rates.cpu_pct = 0.2;
	add_thread(&m.rows[2], 0, 1, "", 0.002);
	model_judge(&m);
	char buf[16];
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(m.rows[i].victim, VICTIM_STEAL);
		ck_assert_uint_eq(m.rows[i].culprit, CULPRIT_CPU);
		column_role(&m.rows[i], buf, sizeof(buf));
		ck_assert_str_eq(buf, "V+C");
	}
	ck_assert_uint_eq(m.rows[2].victim, 0);
	ck_assert_uint_eq(m.rows[2].culprit, 0);
	column_role(&m.rows[2], buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	struct hurter h[3];
	ck_assert_uint_eq(model_hurters(&m, 0, h, 3), 1);
	ck_assert_uint_eq(h[0].row, 1);
	model_free(&m);
}
END_TEST

/* The top disk user is a culprit only while some guest suffers disk latency or I/O pressure. */
START_TEST(judge_disk_culprit_needs_disk_victim)
{
	struct model m;
	judge_model(&m, 4);
	m.rows[0].rates.read_bps = 5e6;
	m.rows[0].rates.write_bps = 50e6;	/* 55 MB/s in all */
	m.rows[1].rates.read_bps = 40e6;
	m.rows[1].rates.write_bps = NAN;
	m.rows[2].rates.write_bps = 1e6;
	model_judge(&m);
	for (size_t i = 0; i < m.n; i++)
		ck_assert_uint_eq(m.rows[i].culprit, 0);
	/* CPU or memory pressure is not disk contention. */
	m.rows[3].rates.psi_cpu = 50;
	m.rows[3].rates.psi_mem = 50;
	model_judge(&m);
	ck_assert_uint_eq(m.rows[0].culprit & CULPRIT_DISK, 0);
	m.rows[3].rates.psi_cpu = m.rows[3].rates.psi_mem = NAN;
	m.rows[3].disk.wr_lat_ms = 35;
	model_judge(&m);
	ck_assert_uint_eq(m.rows[3].victim, VICTIM_DISK_LATENCY);
	ck_assert_uint_eq(m.rows[0].culprit, CULPRIT_DISK);
	ck_assert_uint_eq(m.rows[1].culprit, 0);
	ck_assert_uint_eq(m.rows[2].culprit, 0);
	m.rows[3].disk.wr_lat_ms = NAN;
	m.rows[3].rates.psi_io = 15;
	model_judge(&m);
	ck_assert_uint_eq(m.rows[3].victim, VICTIM_PSI_IO);
	ck_assert_uint_eq(m.rows[0].culprit, CULPRIT_DISK);
	/* Nobody moved a byte: no disk culprit even so. */
	for (size_t i = 0; i < 3; i++)
		m.rows[i].rates.read_bps = m.rows[i].rates.write_bps = NAN;
	model_judge(&m);
	for (size_t i = 0; i < m.n; i++)
		ck_assert_uint_eq(m.rows[i].culprit, 0);
	model_free(&m);
}
END_TEST

/* The largest resident set is a culprit only while some guest suffers memory pressure. */
START_TEST(judge_mem_culprit_needs_mem_victim)
{
	struct model m;
	judge_model(&m, 4);
	m.rows[0].rss_bytes = 2ull << 30;
	m.rows[1].rss_bytes = 8ull << 30;
	/* row 2: RSS unknown; row 3 suffers */
	m.rows[3].rss_bytes = 1ull << 30;
	m.rows[3].rates.psi_io = 40;
	m.rows[3].disk.rd_lat_ms = 40;
	model_judge(&m);
	ck_assert_uint_eq(m.rows[1].culprit & CULPRIT_MEM, 0);
	m.rows[3].rates.psi_io = NAN;
	m.rows[3].disk.rd_lat_ms = NAN;
	m.rows[3].rates.psi_mem = 25;
	model_judge(&m);
	ck_assert_uint_eq(m.rows[3].victim, VICTIM_PSI_MEM);
	ck_assert_uint_eq(m.rows[1].culprit, CULPRIT_MEM);
	ck_assert_uint_eq(m.rows[0].culprit, 0);
	ck_assert_uint_eq(m.rows[2].culprit, 0);
	char buf[16];
	column_role(&m.rows[1], buf, sizeof(buf));
	ck_assert_str_eq(buf, "C:mem");
	column_role(&m.rows[3], buf, sizeof(buf));
	ck_assert_str_eq(buf, "V:psi");
	model_free(&m);
}
END_TEST

/* ---------------------------------------------------------------- model over diag-contention */

static struct backend be_diag;

static struct guest_ident *add_guest(struct guest_list *l, const char *uuid, const char *name,
                                     pid_t pid, const pid_t *tids, unsigned n)
{
	struct guest_ident *g = guest_list_add(l);
	ck_assert_ptr_nonnull(g);
	g->backend = &be_diag;
	snprintf(g->uuid, sizeof(g->uuid), "%s", uuid);
	snprintf(g->name, sizeof(g->name), "%s", name);
	snprintf(g->kind, sizeof(g->kind), "kvm");
	g->state = pid ? GUEST_STATE_RUNNING : GUEST_STATE_SHUTOFF;
	g->pid = pid;
	ck_assert_int_eq(guest_ident_set_vcpu_tids(g, tids, n), 0);
	return g;
}

/* CPU time the row's threads took in the last interval. */
static uint64_t interval_cpu(const struct guest_row *r)
{
	uint64_t ns = 0;
	for (unsigned i = 0; i < r->probe.n_threads; i++)
		ns += r->probe.threads[i].interval_cpu_ns;
	return ns;
}

static size_t row_index(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->rows[i].g.name, name) == 0)
			return i;
	ck_abort_msg("no row %s", name);
	return SIZE_MAX;
}

/*
 * A's vCPUs are pinned to CPU 0 and wait 2 s; B's threads ran on CPU 0, C's on
 * CPU 1 (with more CPU than B). After two samples B is A's only hurter.
 */
START_TEST(model_hurters_from_fixture)
{
	char *dir = scratch_make();
	scratch_copy_tree("diag-contention/t0/proc", dir, "proc");
	char proc[PATH_MAX];
	snprintf(proc, sizeof(proc), "%s/proc", dir);
	struct model m;
	ck_assert_int_eq(model_init(&m, proc), 0);
	struct guest_list l;
	guest_list_init(&l);
	add_guest(&l, "00000000-0000-4000-8000-00000000000a", "gt-diag-a", 9029, a_tids, 2);
	add_guest(&l, "00000000-0000-4000-8000-00000000000b", "gt-diag-b", 13448, b_tids, 1);
	add_guest(&l, "00000000-0000-4000-8000-00000000000c", "gt-diag-c", 13600, c_tids, 1);
	ck_assert_int_eq(model_update(&m, &l), 0);
	/* Every thread at each reading (B's emulator thread counts too), as for a shown guest. */
	for (size_t i = 0; i < m.n; i++)
		m.rows[i].probe.shown = true;
	model_sample(&m);
	size_t a = row_index(&m, "gt-diag-a"), b = row_index(&m, "gt-diag-b"),
	       c = row_index(&m, "gt-diag-c");
	struct hurter h[3];
	/* One reading: no interval, nobody to name. */
	ck_assert_uint_eq(m.rows[a].victim, 0);
	ck_assert_uint_eq(model_hurters(&m, a, h, 3), 0);
	scratch_copy_tree("diag-contention/t1/proc", dir, "proc");
	model_sample(&m);

	ck_assert_double_gt(m.rows[a].rates.steal_pct, 10);
	ck_assert_uint_eq(m.rows[a].victim, VICTIM_STEAL);
	ck_assert_uint_eq(model_hurters(&m, a, h, 3), 1);
	ck_assert_uint_eq(h[0].row, b);
	const struct thread_probe *bt = &m.rows[b].probe.threads[0];
	ck_assert_uint_gt(bt->interval_ns, 0);
	double want = (1500000000.0 + (double)(10 * tick_ns())) * 100.0 / (double)bt->interval_ns;
	ck_assert_double_eq_tol(h[0].cpu_pct, want, want * 1e-9);
	/* C took more CPU than B, but on a CPU A's vCPUs may not use. */
	ck_assert_uint_gt(interval_cpu(&m.rows[c]), interval_cpu(&m.rows[b]));
	ck_assert_uint_eq(m.rows[b].culprit, CULPRIT_CPU);
	ck_assert_uint_eq(m.rows[c].culprit, 0);
	ck_assert_uint_eq(m.rows[a].culprit, 0);
	ck_assert_uint_eq(m.rows[b].victim, 0);
	ck_assert_uint_eq(m.rows[c].victim, 0);
	/* B's vCPU may run on CPUs 0 and 1: both others ran there, C the most. */
	if (online_cpus() == 2) {
		ck_assert_uint_eq(model_hurters(&m, b, h, 3), 2);
		ck_assert_uint_eq(h[0].row, c);
		ck_assert_uint_eq(h[1].row, a);
	}
	char buf[16];
	column_role(&m.rows[a], buf, sizeof(buf));
	ck_assert_str_eq(buf, "V:steal");
	column_role(&m.rows[b], buf, sizeof(buf));
	ck_assert_str_eq(buf, "C:cpu");
	column_role(&m.rows[c], buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	guest_list_free(&l);
	model_free(&m);
	scratch_remove(dir);
}
END_TEST

/* ---------------------------------------------------------------- disk rates from two listings */

static struct guest_disk *add_disk(struct guest_ident *g, const char *name, uint64_t rd_reqs,
				   uint64_t rd_bytes, uint64_t rd_times_ns, uint64_t wr_reqs,
				   uint64_t wr_bytes, uint64_t wr_times_ns)
{
	struct guest_disk *d = guest_ident_add_disk(g);
	ck_assert_ptr_nonnull(d);
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->have_rd = d->have_wr = true;
	d->rd_reqs = rd_reqs;
	d->rd_bytes = rd_bytes;
	d->rd_times_ns = rd_times_ns;
	d->wr_reqs = wr_reqs;
	d->wr_bytes = wr_bytes;
	d->wr_times_ns = wr_times_ns;
	return d;
}

#define DISK_UUID "f5e481b3-ddf7-492a-9be4-4e2544f321c6"

/* One running guest (the captured busy one) with its disks' counters read at t_s. */
static struct guest_ident *disk_listing(struct guest_list *l, pid_t pid, uint64_t t_s)
{
	guest_list_clear(l);
	struct guest_ident *g = pid == 9029
	                            ? add_guest(l, DISK_UUID, "gt-diag-disk", 9029, a_tids, 2)
	                            : add_guest(l, DISK_UUID, "gt-diag-disk", 13448, b_tids, 1);
	g->stats_t_ns = t_s * NS_PER_S;
	return g;
}

static void assert_disk_unknown(const struct disk_rates *d)
{
	ck_assert(isnan(d->rd_bps));
	ck_assert(isnan(d->wr_bps));
	ck_assert(isnan(d->rd_iops));
	ck_assert(isnan(d->wr_iops));
	ck_assert(isnan(d->rd_lat_ms));
	ck_assert(isnan(d->wr_lat_ms));
}

START_TEST(disk_rates_from_two_listings)
{
	struct model m;
	char path[PATH_MAX];
	ck_assert_int_eq(model_init(&m, fixture_path("kvm-v1-hybrid/proc", path, sizeof(path))), 0);
	struct guest_list l;
	guest_list_init(&l);
	struct guest_ident *g = disk_listing(&l, 9029, 10);
	add_disk(g, "vda", 100, 1000000, 1000000000, 50, 500000, 200000000);
	add_disk(g, "vdb", 10, 40960, 5000000, 20, 81920, 40000000);
	ck_assert_int_eq(model_update(&m, &l), 0);
	struct guest_row *r = &m.rows[0];
	/* One listing: unknown, never 0. */
	assert_disk_unknown(&r->disk);
	ck_assert_ptr_null(r->disk_rates);
	ck_assert(isnan(column_number(r, COL_IOPS)));
	ck_assert(isnan(column_number(r, COL_LAT)));

	/* 2 s later: vda read 200 requests, 4 MiB, 5 s in all (25 ms each), no write. */
	g = disk_listing(&l, 9029, 12);
	add_disk(g, "vda", 300, 1000000 + (4u << 20), 6000000000, 50, 500000, 200000000);
	/* vdb wrote 100 requests, 1 MB, 1 s in all (10 ms each), no read. */
	add_disk(g, "vdb", 10, 40960, 5000000, 120, 81920 + 1000000, 1040000000);
	ck_assert_int_eq(model_update(&m, &l), 0);
	r = &m.rows[0];
	ck_assert_ptr_nonnull(r->disk_rates);
	ck_assert_uint_eq(r->n_disk_rates, 2);
	const struct disk_rates *vda = &r->disk_rates[0], *vdb = &r->disk_rates[1];
	ck_assert_double_eq_tol(vda->rd_bps, 2097152.0, 1e-6);
	ck_assert_double_eq_tol(vda->rd_iops, 100.0, 1e-9);
	ck_assert_double_eq_tol(vda->rd_lat_ms, 25.0, 1e-9);
	ck_assert_double_eq(vda->wr_bps, 0.0);
	ck_assert_double_eq(vda->wr_iops, 0.0);
	ck_assert(isnan(vda->wr_lat_ms));	/* no request: no latency, not 0 */
	ck_assert_double_eq_tol(vdb->wr_bps, 500000.0, 1e-6);
	ck_assert_double_eq_tol(vdb->wr_iops, 50.0, 1e-9);
	ck_assert_double_eq_tol(vdb->wr_lat_ms, 10.0, 1e-9);
	ck_assert(isnan(vdb->rd_lat_ms));
	/* The guest's figures: sums, latency over all its requests. */
	ck_assert_double_eq_tol(r->disk.rd_bps, 2097152.0, 1e-6);
	ck_assert_double_eq_tol(r->disk.wr_bps, 500000.0, 1e-6);
	ck_assert_double_eq_tol(r->disk.rd_iops, 100.0, 1e-9);
	ck_assert_double_eq_tol(r->disk.wr_iops, 50.0, 1e-9);
	ck_assert_double_eq_tol(r->disk.rd_lat_ms, 25.0, 1e-9);
	ck_assert_double_eq_tol(r->disk.wr_lat_ms, 10.0, 1e-9);
	ck_assert_double_eq_tol(column_number(r, COL_IOPS), 150.0, 1e-9);
	ck_assert_double_eq_tol(column_number(r, COL_LAT), 25.0, 1e-9);
	model_judge(&m);
	ck_assert_uint_eq(m.rows[0].victim, VICTIM_DISK_LATENCY);

	/* The same stats time again: nothing new, the rates stay. */
	g = disk_listing(&l, 9029, 12);
	add_disk(g, "vda", 900, 9000000, 9000000000, 50, 500000, 200000000);
	add_disk(g, "vdb", 10, 40960, 5000000, 120, 81920 + 1000000, 1040000000);
	ck_assert_int_eq(model_update(&m, &l), 0);
	ck_assert_double_eq_tol(m.rows[0].disk.rd_lat_ms, 25.0, 1e-9);

	/* Latency over both disks: 3 s for 100 reads on vda and 1 s for 100 on vdb = 20 ms. */
	g = disk_listing(&l, 9029, 14);
	add_disk(g, "vda", 400, 1000000 + (4u << 20), 9000000000, 50, 500000, 200000000);
	add_disk(g, "vdb", 110, 40960, 1005000000, 120, 81920 + 1000000, 1040000000);
	ck_assert_int_eq(model_update(&m, &l), 0);
	r = &m.rows[0];
	ck_assert_double_eq_tol(r->disk.rd_iops, 100.0, 1e-9);
	ck_assert_double_eq_tol(r->disk.rd_lat_ms, 20.0, 1e-9);
	ck_assert(isnan(r->disk.wr_lat_ms));
	ck_assert_double_eq(r->disk.wr_iops, 0.0);
	ck_assert_double_eq_tol(column_number(r, COL_LAT), 20.0, 1e-9);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* Disks are matched by name between listings, not by position; a new disk has no rate yet. */
START_TEST(disk_matched_by_name)
{
	struct model m;
	char path[PATH_MAX];
	ck_assert_int_eq(model_init(&m, fixture_path("kvm-v1-hybrid/proc", path, sizeof(path))), 0);
	struct guest_list l;
	guest_list_init(&l);
	struct guest_ident *g = disk_listing(&l, 9029, 10);
	add_disk(g, "vda", 100, 100000, 100000000, 0, 0, 0);
	add_disk(g, "vdb", 1000, 1000000, 9000000000, 0, 0, 0);
	ck_assert_int_eq(model_update(&m, &l), 0);
	g = disk_listing(&l, 9029, 11);
	add_disk(g, "vdc", 5000, 5000000, 5000000000, 0, 0, 0);
	add_disk(g, "vdb", 1010, 1010000, 9010000000, 0, 0, 0);	/* 10 reads, 1 ms each */
	add_disk(g, "vda", 140, 140000, 900000000, 0, 0, 0);	/* 40 reads, 20 ms each */
	ck_assert_int_eq(model_update(&m, &l), 0);
	const struct guest_row *r = &m.rows[0];
	ck_assert_uint_eq(r->n_disk_rates, 3);
	assert_disk_unknown(&r->disk_rates[0]);
	ck_assert_double_eq_tol(r->disk_rates[1].rd_iops, 10.0, 1e-9);
	ck_assert_double_eq_tol(r->disk_rates[1].rd_lat_ms, 1.0, 1e-9);
	ck_assert_double_eq_tol(r->disk_rates[1].rd_bps, 10000.0, 1e-9);
	ck_assert_double_eq_tol(r->disk_rates[2].rd_iops, 40.0, 1e-9);
	ck_assert_double_eq_tol(r->disk_rates[2].rd_lat_ms, 20.0, 1e-9);
	/* The new disk's lifetime counters are not counted in the guest's rate. */
	ck_assert_double_eq_tol(r->disk.rd_iops, 50.0, 1e-9);
	ck_assert_double_eq_tol(r->disk.rd_bps, 50000.0, 1e-9);
	ck_assert_double_eq_tol(r->disk.rd_lat_ms, (10000000.0 + 800000000.0) / 50 / 1e6, 1e-9);
	ck_assert(isnan(r->disk.wr_lat_ms));
	ck_assert_double_eq(r->disk.wr_iops, 0.0);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* No request between the listings: latency unknown (not 0), IOPS and bytes 0; LAT shows "-". */
START_TEST(disk_idle_latency_unknown)
{
	struct model m;
	char path[PATH_MAX];
	ck_assert_int_eq(model_init(&m, fixture_path("kvm-v1-hybrid/proc", path, sizeof(path))), 0);
	struct guest_list l;
	guest_list_init(&l);
	struct guest_ident *g = disk_listing(&l, 9029, 10);
	add_disk(g, "vda", 100, 100000, 100000000, 7, 700, 7000000);
	ck_assert_int_eq(model_update(&m, &l), 0);
	g = disk_listing(&l, 9029, 12);
	add_disk(g, "vda", 100, 100000, 100000000, 7, 700, 7000000);
	ck_assert_int_eq(model_update(&m, &l), 0);
	const struct guest_row *r = &m.rows[0];
	ck_assert_double_eq(r->disk.rd_iops, 0.0);
	ck_assert_double_eq(r->disk.wr_iops, 0.0);
	ck_assert_double_eq(r->disk.rd_bps, 0.0);
	ck_assert(isnan(r->disk.rd_lat_ms));
	ck_assert(isnan(r->disk.wr_lat_ms));
	ck_assert_double_eq(column_number(r, COL_IOPS), 0.0);
	ck_assert(isnan(column_number(r, COL_LAT)));
	char buf[16];
	column_format(r, COL_LAT, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	column_format(r, COL_IOPS, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0.0");
	/* A disk whose counters the hypervisor did not give: unknown. */
	g = disk_listing(&l, 9029, 14);
	add_disk(g, "vda", 200, 200000, 200000000, 7, 700, 7000000)->have_rd = false;
	ck_assert_int_eq(model_update(&m, &l), 0);
	assert_disk_unknown(&m.rows[0].disk);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* A new process: disk and thread baselines start again, never a rate across the restart. */
START_TEST(pid_change_resets_disk_and_thread_baselines)
{
	struct model m;
	char path[PATH_MAX];
	ck_assert_int_eq(model_init(&m, fixture_path("kvm-v1-hybrid/proc", path, sizeof(path))), 0);
	struct guest_list l;
	guest_list_init(&l);
	struct guest_ident *g = disk_listing(&l, 9029, 10);
	add_disk(g, "vda", 1000, 1000000, 1000000000, 0, 0, 0);
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	g = disk_listing(&l, 9029, 12);
	add_disk(g, "vda", 1100, 1100000, 1500000000, 0, 0, 0);
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	struct guest_row *r = &m.rows[0];
	ck_assert_double_eq_tol(r->disk.rd_iops, 50.0, 1e-9);
	ck_assert_uint_gt(r->probe.threads[0].interval_ns, 0);
	ck_assert(!isnan(r->probe.threads[0].cpu_pct));

	/* Restarted: the new process's counters start low again. */
	g = disk_listing(&l, 13448, 14);
	add_disk(g, "vda", 30, 30000, 90000000, 0, 0, 0);
	ck_assert_int_eq(model_update(&m, &l), 0);
	r = &m.rows[0];
	assert_disk_unknown(&r->disk);
	ck_assert_ptr_null(r->disk_rates);
	ck_assert_int_eq(r->probe.pid, 13448);
	ck_assert_int_eq(r->prev.pid, 0);
	for (unsigned i = 0; i < r->probe.n_threads; i++) {
		ck_assert(!r->probe.threads[i].have_prev);
		ck_assert(isnan(r->probe.threads[i].cpu_pct));
	}
	model_sample(&m);
	ck_assert(isnan(r->rates.cpu_pct));
	for (unsigned i = 0; i < r->probe.n_threads; i++) {
		ck_assert_uint_eq(r->probe.threads[i].interval_ns, 0);
		ck_assert(isnan(r->probe.threads[i].cpu_pct));
	}
	/* The next listing's rate is over the new process's counters only. */
	g = disk_listing(&l, 13448, 16);
	add_disk(g, "vda", 50, 50000, 130000000, 0, 0, 0);
	ck_assert_int_eq(model_update(&m, &l), 0);
	r = &m.rows[0];
	ck_assert_double_eq_tol(r->disk.rd_iops, 10.0, 1e-9);
	ck_assert_double_eq_tol(r->disk.rd_bps, 10000.0, 1e-9);
	ck_assert_double_eq_tol(r->disk.rd_lat_ms, 2.0, 1e-9);
	model_sample(&m);
	ck_assert_double_eq(r->rates.cpu_pct, 0.0);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* ---------------------------------------------------------------- history */

/* Oldest first; one entry per sample of an active guest; at most HISTORY_LEN. */
START_TEST(history_order_and_length)
{
	char *dir = scratch_make();
	scratch_copy_tree("diag-contention/t0/proc", dir, "proc");
	char proc[PATH_MAX];
	snprintf(proc, sizeof(proc), "%s/proc", dir);
	struct model m;
	ck_assert_int_eq(model_init(&m, proc), 0);
	struct guest_list l;
	guest_list_init(&l);
	add_guest(&l, "00000000-0000-4000-8000-00000000000a", "gt-diag-a", 9029, a_tids, 2);
	add_guest(&l, "00000000-0000-4000-8000-0000000000ff", "gt-diag-off", 0, NULL, 0);
	ck_assert_int_eq(model_update(&m, &l), 0);
	size_t a = row_index(&m, "gt-diag-a"), off = row_index(&m, "gt-diag-off");
	float h[HISTORY_LEN];
	ck_assert_uint_eq(model_history(&m.rows[a], h), 0);
	model_sample(&m);
	model_sample(&m);
	scratch_copy_tree("diag-contention/t1/proc", dir, "proc");
	model_sample(&m);
	ck_assert_uint_eq(model_history(&m.rows[a], h), 3);
	ck_assert(isnan(h[0]));			/* the first sample has no rate */
	ck_assert_float_eq(h[1], 0.0f);		/* nothing changed */
	ck_assert_float_gt(h[2], 0.0f);		/* the newest, last */
	ck_assert_float_eq(h[2], (float)m.rows[a].rates.cpu_pct);
	/* A guest without a process has no history. */
	ck_assert_uint_eq(model_history(&m.rows[off], h), 0);

	/* The sparkline shows the newest sample on the right. */
	char spark[64];
	column_spark(&m.rows[a], 4, false, spark, sizeof(spark));
	ck_assert_str_eq(spark, "  _@");

	for (int i = 0; i < HISTORY_LEN + 7; i++)
		model_sample(&m);
	ck_assert_uint_eq(model_history(&m.rows[a], h), HISTORY_LEN);
	for (unsigned i = 0; i < HISTORY_LEN; i++)
		ck_assert_float_eq(h[i], 0.0f);	/* the NAN and the spike have scrolled out */
	column_spark(&m.rows[a], 4, false, spark, sizeof(spark));
	ck_assert_str_eq(spark, "____");
	ck_assert_uint_eq(model_history(&m.rows[off], h), 0);
	guest_list_free(&l);
	model_free(&m);
	scratch_remove(dir);
}
END_TEST

/* A guest running without a known process: one unknown value per sample. */
START_TEST(history_unknown_without_process)
{
	struct model m;
	char path[PATH_MAX];
	ck_assert_int_eq(model_init(&m, fixture_path("kvm-v1-hybrid/proc", path, sizeof(path))), 0);
	struct guest_list l;
	guest_list_init(&l);
	add_guest(&l, "00000000-0000-4000-8000-0000000000aa", "gt-diag-nopid", 0, NULL, 0)->state =
		GUEST_STATE_RUNNING;
	ck_assert_int_eq(model_update(&m, &l), 0);
	float h[HISTORY_LEN];
	for (int i = 0; i < 5; i++)
		model_sample(&m);
	ck_assert_uint_eq(model_history(&m.rows[0], h), 5);
	for (int i = 0; i < 5; i++)
		ck_assert(isnan(h[i]));
	for (int i = 0; i < HISTORY_LEN * 2 + 3; i++)
		model_sample(&m);
	ck_assert_uint_eq(model_history(&m.rows[0], h), HISTORY_LEN);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/*
 * The ring wraps in order: 200 samples with a CPU spike at the 100th and the
 * 200th (the counters jump from t0 to t1, then go back, which reads as 0).
 * The last 120 are kept, oldest first: the spikes at 19 and 119.
 */
START_TEST(history_wraps_in_order)
{
	char *dir = scratch_make();
	scratch_copy_tree("diag-contention/t0/proc", dir, "proc");
	char proc[PATH_MAX];
	snprintf(proc, sizeof(proc), "%s/proc", dir);
	struct model m;
	ck_assert_int_eq(model_init(&m, proc), 0);
	struct guest_list l;
	guest_list_init(&l);
	add_guest(&l, "00000000-0000-4000-8000-00000000000a", "gt-diag-a", 9029, a_tids, 2);
	ck_assert_int_eq(model_update(&m, &l), 0);
	for (int i = 1; i <= 200; i++) {
		bool spike = i == 100 || i == 200;
		if (spike)
			scratch_copy_tree("diag-contention/t1/proc", dir, "proc");
		model_sample(&m);
		if (spike)
			scratch_copy_tree("diag-contention/t0/proc", dir, "proc");
	}
	float h[HISTORY_LEN];
	ck_assert_uint_eq(model_history(&m.rows[0], h), HISTORY_LEN);
	for (unsigned i = 0; i < HISTORY_LEN; i++) {
		if (i == 19 || i == 119)
			ck_assert_msg(h[i] > 0, "no spike at %u", i);
		else
			ck_assert_msg(h[i] == 0, "h[%u] = %g, want 0", i, (double)h[i]);
	}
	guest_list_free(&l);
	model_free(&m);
	scratch_remove(dir);
}
END_TEST

/* ---------------------------------------------------------------- columns: ROLE, layout, numbers
 */

static void plain_row(struct guest_row *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->g.name, sizeof(r->g.name), "web");
	snprintf(r->g.kind, sizeof(r->g.kind), "kvm");
	r->g.state = GUEST_STATE_RUNNING;
	r->g.mem_bytes = GT_UNKNOWN;
	sampler_rates_unknown(&r->rates);
	r->rates.cpu_pct = 12.5;
	r->disk = (struct disk_rates){ NAN, NAN, NAN, NAN, NAN, NAN };
	r->rss_bytes = r->swap_bytes = r->cg_mem_bytes = GT_UNKNOWN;
	for (unsigned i = 0; i < HISTORY_LEN; i++)
		r->history[i] = NAN;
}

START_TEST(role_texts)
{
	static const struct {
		unsigned victim, culprit;
		const char *text;
	} cases[] = {
		{ 0, 0, "" },
		{ VICTIM_STEAL, 0, "V:steal" },
		{ VICTIM_THROTTLE, 0, "V:thr" },
		{ VICTIM_DISK_LATENCY, 0, "V:lat" },
		{ VICTIM_PSI_CPU, 0, "V:psi" },
		{ VICTIM_PSI_IO, 0, "V:psi" },
		{ VICTIM_PSI_MEM, 0, "V:psi" },
		{ VICTIM_PSI_MEM | VICTIM_STEAL, 0, "V:steal" },
		{ VICTIM_PSI_IO | VICTIM_DISK_LATENCY, 0, "V:lat" },
		{ VICTIM_THROTTLE | VICTIM_DISK_LATENCY, 0, "V:thr" },
		{ 0, CULPRIT_CPU, "C:cpu" },
		{ 0, CULPRIT_DISK, "C:disk" },
		{ 0, CULPRIT_MEM, "C:mem" },
		{ 0, CULPRIT_MEM | CULPRIT_DISK, "C:disk" },
		{ 0, CULPRIT_MEM | CULPRIT_CPU, "C:cpu" },
		{ VICTIM_STEAL, CULPRIT_CPU, "V+C" },
		{ VICTIM_PSI_IO, CULPRIT_DISK, "V+C" },
	};
	struct guest_row r;
	char buf[16], cell[16];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		plain_row(&r);
		r.victim = cases[i].victim;
		r.culprit = cases[i].culprit;
		column_role(&r, buf, sizeof(buf));
		ck_assert_msg(strcmp(buf, cases[i].text) == 0,
		              "victim %#x culprit %#x: '%s', want '%s'", cases[i].victim,
		              cases[i].culprit, buf, cases[i].text);
		column_format(&r, COL_ROLE, cell, sizeof(cell));
		ck_assert_str_eq(cell, buf);
	}
}
END_TEST

/* Not measured: "-" (no rate yet, or no process), whatever stale bits remain. */
START_TEST(role_unknown_is_dash)
{
	struct guest_row r;
	char buf[16];
	plain_row(&r);
	r.rates.cpu_pct = NAN;
	r.victim = VICTIM_STEAL;
	column_role(&r, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	ck_assert(isnan(column_number(&r, COL_ROLE)));
	plain_row(&r);
	r.g.state = GUEST_STATE_SHUTOFF;
	column_role(&r, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	/* Sort keys: victim and culprit first. */
	plain_row(&r);
	ck_assert_double_eq(column_number(&r, COL_ROLE), 0);
	r.culprit = CULPRIT_CPU;
	ck_assert_double_eq(column_number(&r, COL_ROLE), 1);
	r.victim = VICTIM_STEAL;
	ck_assert_double_eq(column_number(&r, COL_ROLE), 3);
	/* A short buffer is cut, still terminated. */
	plain_row(&r);
	r.victim = VICTIM_STEAL;
	char small[4] = "xxx";
	column_role(&r, small, sizeof(small));
	ck_assert_str_eq(small, "V:s");
}
END_TEST

static void default_columns(bool *wanted)
{
	for (int i = 0; i < COL_COUNT_; i++)
		wanted[i] = columns[i].shown;
}

static int layout_width(const enum column *out, int n, int name_w)
{
	int w = 0;
	for (int i = 0; i < n; i++)
		w += out[i] == COL_NAME ? name_w : columns[out[i]].width + 1;
	return w;
}

START_TEST(layout_120_fits_every_default_column)
{
	bool wanted[COL_COUNT_];
	enum column out[COL_COUNT_];
	int name_w = -1;
	default_columns(wanted);
	int n = columns_layout(wanted, 120, out, &name_w);
	int shown = 0;
	for (int i = 0; i < COL_COUNT_; i++)
		if (wanted[i])
			ck_assert_int_eq(out[shown++], i);	/* all, in table order */
	ck_assert_int_eq(n, shown);
	ck_assert_int_eq(out[0], COL_NAME);
	ck_assert_int_ge(name_w, 12);
	ck_assert_int_le(layout_width(out, n, name_w), 120);
}
END_TEST

START_TEST(layout_80_drops_lowest_keep_first)
{
	bool wanted[COL_COUNT_];
	enum column out[COL_COUNT_];
	int name_w = -1;
	default_columns(wanted);
	int n = columns_layout(wanted, 80, out, &name_w);
	ck_assert_int_lt(n, 14);
	ck_assert_int_eq(out[0], COL_NAME);
	ck_assert_int_ge(name_w, 12);
	ck_assert_int_le(layout_width(out, n, name_w), 80);
	bool kept[COL_COUNT_] = { false };
	for (int i = 0; i < n; i++) {
		ck_assert(wanted[out[i]]);
		ck_assert(i == 0 || out[i] > out[i - 1]);	/* table order */
		kept[out[i]] = true;
	}
	/* Every dropped column has a lower keep priority than every kept one. */
	for (int d = 0; d < COL_COUNT_; d++) {
		if (!wanted[d] || kept[d])
			continue;
		for (int k = 0; k < n; k++)
			if (out[k] != COL_NAME)
				ck_assert_msg(columns[d].keep < columns[out[k]].keep,
				              "dropped %s before %s", columns[d].title,
				              columns[out[k]].title);
	}
	/* And no more than needed: putting back the first dropped one would not fit. */
	int best = -1;
	for (int d = 0; d < COL_COUNT_; d++)
		if (wanted[d] && !kept[d] && (best < 0 || columns[d].keep > columns[best].keep))
			best = d;
	ck_assert_int_ge(best, 0);
	ck_assert_int_gt(layout_width(out, n, 12) + columns[best].width + 1, 80);
	ck_assert(kept[COL_CPU]);
	ck_assert(kept[COL_STEAL]);
	ck_assert(kept[COL_ROLE]);
	ck_assert(!kept[COL_VCPU]);
	ck_assert(!kept[COL_BACKEND]);
}
END_TEST

START_TEST(layout_tiny_keeps_name)
{
	bool wanted[COL_COUNT_];
	enum column out[COL_COUNT_];
	static const int widths[] = { 30, 12, 5, 1, 0 };
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		int name_w = -1;
		default_columns(wanted);
		int n = columns_layout(wanted, widths[w], out, &name_w);
		ck_assert_int_ge(n, 1);
		ck_assert_int_eq(out[0], COL_NAME);
		ck_assert_int_gt(name_w, 0);
		if (widths[w] >= 12)
			ck_assert_int_le(layout_width(out, n, name_w), widths[w]);
	}
	/* NAME even when not asked for; every column asked for at 120: NAME still >= 12. */
	for (int i = 0; i < COL_COUNT_; i++)
		wanted[i] = i != COL_NAME;
	int name_w = -1;
	int n = columns_layout(wanted, 10, out, &name_w);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(out[0], COL_NAME);
	for (int i = 0; i < COL_COUNT_; i++)
		wanted[i] = true;
	n = columns_layout(wanted, 120, out, &name_w);
	ck_assert_int_ge(name_w, 12);
	ck_assert_int_le(layout_width(out, n, name_w), 120);
}
END_TEST

START_TEST(number_iops_lat_net)
{
	struct guest_row r;
	plain_row(&r);
	ck_assert(isnan(column_number(&r, COL_IOPS)));
	ck_assert(isnan(column_number(&r, COL_LAT)));
	ck_assert(isnan(column_number(&r, COL_NET)));
	r.disk.rd_iops = 120;
	r.disk.wr_iops = 30.5;
	ck_assert_double_eq_tol(column_number(&r, COL_IOPS), 150.5, 1e-9);
	r.disk.wr_iops = NAN;
	ck_assert(isnan(column_number(&r, COL_IOPS)));
	/* LAT: the worse of read and write; one side unknown is no reason to hide the other. */
	r.disk.rd_lat_ms = 3;
	r.disk.wr_lat_ms = 7;
	ck_assert_double_eq(column_number(&r, COL_LAT), 7);
	r.disk.rd_lat_ms = 30;
	ck_assert_double_eq(column_number(&r, COL_LAT), 30);
	r.disk.wr_lat_ms = NAN;
	ck_assert_double_eq(column_number(&r, COL_LAT), 30);
	r.disk.rd_lat_ms = NAN;
	r.disk.wr_lat_ms = 4.25;
	ck_assert_double_eq(column_number(&r, COL_LAT), 4.25);
	r.disk.wr_lat_ms = NAN;
	ck_assert(isnan(column_number(&r, COL_LAT)));
	/* NET: received + sent. */
	r.rates.net_rx_bps = 1024;
	r.rates.net_tx_bps = 512;
	ck_assert_double_eq(column_number(&r, COL_NET), 1536);
	ck_assert_double_eq(column_number(&r, COL_RX), 1024);
	ck_assert_double_eq(column_number(&r, COL_TX), 512);
	char buf[16];
	column_format(&r, COL_NET, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1.5K");
	r.rates.net_tx_bps = NAN;
	ck_assert(isnan(column_number(&r, COL_NET)));
	column_format(&r, COL_NET, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	r.disk.rd_iops = 120;
	r.disk.wr_iops = 30;
	column_format(&r, COL_IOPS, buf, sizeof(buf));
	ck_assert_str_eq(buf, "150");
	r.disk.rd_lat_ms = 25;
	column_format(&r, COL_LAT, buf, sizeof(buf));
	ck_assert_str_eq(buf, "25.0");
	/* The other new columns read their rates. */
	r.rates.vcpu_pct = 33;
	r.rates.thr_pct = 44;
	r.rates.majflt_ps = 5;
	r.rates.net_drops_ps = 6;
	r.rates.psi_cpu = 7;
	r.rates.psi_io = 8;
	r.rates.psi_mem = 9;
	r.swap_bytes = 4096;
	r.cg_mem_bytes = 8192;
	ck_assert_double_eq(column_number(&r, COL_VCPUPCT), 33);
	ck_assert_double_eq(column_number(&r, COL_THR), 44);
	ck_assert_double_eq(column_number(&r, COL_MAJF), 5);
	ck_assert_double_eq(column_number(&r, COL_DROP), 6);
	ck_assert_double_eq(column_number(&r, COL_PSIC), 7);
	ck_assert_double_eq(column_number(&r, COL_PSII), 8);
	ck_assert_double_eq(column_number(&r, COL_PSIM), 9);
	ck_assert_double_eq(column_number(&r, COL_SWAP), 4096);
	ck_assert_double_eq(column_number(&r, COL_CGMEM), 8192);
}
END_TEST

START_TEST(format_num_cases)
{
	static const struct {
		double v;
		const char *s;
	} cases[] = {
		{ 0, "0.0" },	     { 5, "5.0" },	   { 0.04, "0.0" },	{ 99.94, "99.9" },
		{ 100, "100" },	     { 1234.4, "1234" },   { 99999, "99999" },	{ 100000, "100k" },
		{ 2500000, "2500k" }, { 12.34, "12.3" },
	};
	char buf[32];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format_num(cases[i].v, buf, sizeof(buf));
		ck_assert_msg(strcmp(buf, cases[i].s) == 0, "%g: got '%s', want '%s'", cases[i].v,
		              buf, cases[i].s);
	}
	format_num(NAN, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	char small[3];
	format_num(1234, small, sizeof(small));
	ck_assert_str_eq(small, "12");
}
END_TEST

Suite *diagnosis_suite(void)
{
	Suite *s = suite_create("diagnosis");
	TCase *tc = tcase_create("diff");
	tcase_add_test(tc, diff_vcpu_pct);
	tcase_add_test(tc, diff_thr_pct_from_cgroup_throttled_ns);
	tcase_add_test(tc, diff_cgroup_io_bps);
	tcase_add_test(tc, diff_majflt_per_second);
	tcase_add_test(tc, diff_psi_microseconds_to_percent);
	tcase_add_test(tc, diff_nic_rates_swap_direction);
	tcase_add_test(tc, diff_nic_unknown_cases);
	tcase_add_test(tc, diff_new_fields_never_span_processes);
	tcase_add_test(tc, diff_new_fields_saturate);
	suite_add_tcase(s, tc);

	tc = tcase_create("procfs");
	tcase_add_test(tc, status_kb_real_file);
	tcase_add_test(tc, status_kb_edges);
	tcase_add_test(tc, cpulist_ranges_and_lists);
	tcase_add_test(tc, cpulist_clears_the_bitmap);
	tcase_add_test(tc, cpulist_out_of_range);
	tcase_add_test(tc, cpulist_malformed);
	tcase_add_test(tc, stat_majflt_field_12);
	suite_add_tcase(s, tc);

	tc = tcase_create("probe");
	tcase_add_test(tc, probe_thread_list);
	tcase_add_test(tc, probe_thread_rates_after_two_reads);
	tcase_add_test(tc, probe_thread_vanishes);
	tcase_add_test(tc, probe_other_threads_every_fifth_reading);
	tcase_add_test(tc, probe_affinity_follows_pinning);
	tcase_add_test(tc, probe_affinity_is_a_set_not_a_count);
	tcase_add_test(tc, probe_nic_counters);
	tcase_add_test(tc, probe_nic_missing_files);
	tcase_add_test(tc, probe_nic_at_most_max);
	suite_add_tcase(s, tc);

	tc = tcase_create("judge");
	tcase_add_test(tc, judge_victim_thresholds);
	tcase_add_test(tc, judge_cpu_culprit_is_top_hurter);
	tcase_add_test(tc, judge_cpu_culprit_needs_ten_percent);
	tcase_add_test(tc, judge_cpu_culprit_for_psi_not_throttle);
	tcase_add_test(tc, judge_two_pinned_guests_are_v_plus_c);
	tcase_add_test(tc, judge_disk_culprit_needs_disk_victim);
	tcase_add_test(tc, judge_mem_culprit_needs_mem_victim);
	tcase_add_test(tc, model_hurters_from_fixture);
	suite_add_tcase(s, tc);

	tc = tcase_create("model");
	tcase_add_test(tc, disk_rates_from_two_listings);
	tcase_add_test(tc, disk_matched_by_name);
	tcase_add_test(tc, disk_idle_latency_unknown);
	tcase_add_test(tc, pid_change_resets_disk_and_thread_baselines);
	tcase_add_test(tc, history_order_and_length);
	tcase_add_test(tc, history_unknown_without_process);
	tcase_add_test(tc, history_wraps_in_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("columns");
	tcase_add_test(tc, role_texts);
	tcase_add_test(tc, role_unknown_is_dash);
	tcase_add_test(tc, layout_120_fits_every_default_column);
	tcase_add_test(tc, layout_80_drops_lowest_keep_first);
	tcase_add_test(tc, layout_tiny_keeps_name);
	tcase_add_test(tc, number_iops_lat_net);
	tcase_add_test(tc, format_num_cases);
	suite_add_tcase(s, tc);
	return s;
}
