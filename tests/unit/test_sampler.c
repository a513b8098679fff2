/* Tests of the rate arithmetic (pure) and of the probe reading real captured counters. */
#include <fcntl.h>
#include <sys/resource.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/sampler.h"
#include "tests/unit/unit.h"

/* Two readings of one process, 1 s apart, every value known. */
static void base_pair(struct guest_counters *a, struct guest_counters *b)
{
	memset(a, 0, sizeof(*a));
	a->t_ns = 5000000000ull;
	a->pid = 9029;
	a->starttime = 53205;
	a->have_cpu = true;
	a->cpu_ns = 10000000000ull;
	a->have_steal = true;
	a->run_delay_ns = 1000000000ull;
	a->n_steal_threads = 2;
	a->have_rss = true;
	a->rss_bytes = 1 << 20;
	a->have_io = true;
	a->read_bytes = 1000;
	a->write_bytes = 2000;
	*b = *a;
	b->t_ns += 1000000000ull;
}

static void assert_all_unknown(const struct guest_rates *r)
{
	ck_assert(isnan(r->cpu_pct));
	ck_assert(isnan(r->steal_pct));
	ck_assert(isnan(r->read_bps));
	ck_assert(isnan(r->write_bps));
}

START_TEST(rates_unknown_sets_nan)
{
	struct guest_rates r = { 1, 2, 3, 4 };
	sampler_rates_unknown(&r);
	assert_all_unknown(&r);
}
END_TEST

START_TEST(diff_basic_rates)
{
	struct guest_counters a, b;
	struct guest_rates r;
	base_pair(&a, &b);
	b.cpu_ns += 250000000;		/* 0.25 s of CPU in 1 s */
	b.run_delay_ns += 100000000;	/* 0.1 s waiting */
	b.read_bytes += 1048576;
	b.write_bytes += 4096;
	sampler_diff(&a, &b, &r);
	ck_assert_double_eq_tol(r.cpu_pct, 25.0, 1e-9);
	ck_assert_double_eq_tol(r.steal_pct, 10.0, 1e-9);
	ck_assert_double_eq_tol(r.read_bps, 1048576.0, 1e-6);
	ck_assert_double_eq_tol(r.write_bps, 4096.0, 1e-6);
}
END_TEST

/* Rates are per second over the measured interval, not per tick. */
START_TEST(diff_scales_with_interval)
{
	struct guest_counters a, b;
	struct guest_rates r;
	base_pair(&a, &b);
	b.t_ns = a.t_ns + 250000000;	/* 0.25 s */
	b.cpu_ns += 500000000;		/* two cores busy */
	b.read_bytes += 1000;
	sampler_diff(&a, &b, &r);
	ck_assert_double_eq_tol(r.cpu_pct, 200.0, 1e-9);
	ck_assert_double_eq_tol(r.read_bps, 4000.0, 1e-9);
	ck_assert_double_eq_tol(r.write_bps, 0.0, 1e-12);
}
END_TEST

START_TEST(diff_first_sample_is_unknown)
{
	struct guest_counters a, b;
	struct guest_rates r = { 1, 1, 1, 1 };
	base_pair(&a, &b);
	sampler_diff(NULL, &b, &r);
	assert_all_unknown(&r);
	r.cpu_pct = 1;
	sampler_diff(&a, NULL, &r);
	assert_all_unknown(&r);
	a.pid = 0;	/* a zeroed baseline: no reading yet */
	b.pid = 0;
	r.cpu_pct = 1;
	sampler_diff(&a, &b, &r);
	assert_all_unknown(&r);
}
END_TEST

/* A rate never spans two processes: new pid, or same pid reused (new starttime). */
START_TEST(diff_never_spans_two_processes)
{
	struct guest_counters a, b;
	struct guest_rates r;
	base_pair(&a, &b);
	b.pid = 13448;
	b.cpu_ns = 0;
	sampler_diff(&a, &b, &r);
	assert_all_unknown(&r);
	base_pair(&a, &b);
	b.starttime = 63614;
	sampler_diff(&a, &b, &r);
	assert_all_unknown(&r);
}
END_TEST

START_TEST(diff_no_time_passed)
{
	struct guest_counters a, b;
	struct guest_rates r;
	base_pair(&a, &b);
	b.t_ns = a.t_ns;
	b.cpu_ns += 1000;
	sampler_diff(&a, &b, &r);
	assert_all_unknown(&r);
	b.t_ns = a.t_ns - 1;	/* clock went backwards: impossible with CLOCK_MONOTONIC, still no spike */
	sampler_diff(&a, &b, &r);
	assert_all_unknown(&r);
}
END_TEST

START_TEST(diff_missing_side_only_affects_its_value)
{
	struct guest_counters a, b;
	struct guest_rates r;
	base_pair(&a, &b);
	b.cpu_ns += 100000000;
	b.read_bytes += 500;
	a.have_cpu = false;
	b.have_steal = false;
	sampler_diff(&a, &b, &r);
	ck_assert(isnan(r.cpu_pct));
	ck_assert(isnan(r.steal_pct));
	ck_assert_double_eq_tol(r.read_bps, 500.0, 1e-9);
	base_pair(&a, &b);
	b.have_io = false;
	b.cpu_ns += 100000000;
	sampler_diff(&a, &b, &r);
	ck_assert_double_eq_tol(r.cpu_pct, 10.0, 1e-9);
	ck_assert(isnan(r.read_bps));
	ck_assert(isnan(r.write_bps));
}
END_TEST

/* A vCPU appeared or could not be read: the sums are not comparable. */
START_TEST(diff_steal_needs_same_thread_count)
{
	struct guest_counters a, b;
	struct guest_rates r;
	base_pair(&a, &b);
	b.n_steal_threads = 3;
	b.run_delay_ns += 5000000000ull;
	sampler_diff(&a, &b, &r);
	ck_assert(isnan(r.steal_pct));
	ck_assert_double_eq_tol(r.cpu_pct, 0.0, 1e-12);
}
END_TEST

/* Counters that go backwards give 0, never a negative rate or a wrapped huge one. */
START_TEST(diff_saturates_backwards_counters)
{
	struct guest_counters a, b;
	struct guest_rates r;
	base_pair(&a, &b);
	b.cpu_ns = a.cpu_ns - 1;
	b.run_delay_ns = 0;
	b.read_bytes = 0;
	b.write_bytes = a.write_bytes - 1;
	sampler_diff(&a, &b, &r);
	ck_assert_double_eq(r.cpu_pct, 0.0);
	ck_assert_double_eq(r.steal_pct, 0.0);
	ck_assert_double_eq(r.read_bps, 0.0);
	ck_assert_double_eq(r.write_bps, 0.0);
}
END_TEST

START_TEST(now_is_monotonic)
{
	uint64_t a = sampler_now_ns();
	uint64_t b = sampler_now_ns();
	ck_assert_uint_gt(a, 0);
	ck_assert_uint_ge(b, a);
}
END_TEST

/* ---------------------------------------------------------------- probe on fixture trees */

static struct guest_ident *make_ident(struct guest_list *l, pid_t pid, const pid_t *tids, unsigned n)
{
	guest_list_init(l);
	struct guest_ident *g = guest_list_add(l);
	ck_assert_ptr_nonnull(g);
	g->state = GUEST_STATE_RUNNING;
	g->pid = pid;
	ck_assert_int_eq(guest_ident_set_vcpu_tids(g, tids, n), 0);
	return g;
}

/* Read one guest's counters from a proc tree below the fixture root (or an absolute path). */
static int read_tree(const char *proc_rel, pid_t pid, const pid_t *tids, unsigned n,
		     struct guest_counters *out)
{
	struct guest_list l;
	struct guest_ident *g = make_ident(&l, pid, tids, n);
	int pfd = proc_rel[0] == '/' ? open(proc_rel, O_RDONLY | O_DIRECTORY) : fixture_open_dir(proc_rel);
	ck_assert_int_ge(pfd, 0);
	struct guest_probe p;
	guest_probe_init(&p);
	int r = guest_probe_open(&p, pfd, g);
	if (r == 0)
		r = guest_probe_read(&p, out);
	guest_probe_close(&p);
	close(pfd);
	guest_list_free(&l);
	return r;
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	return ticks * (1000000000u / (uint64_t)sysconf(_SC_CLK_TCK));
}

START_TEST(probe_real_busy_guest)
{
	static const pid_t tids[] = { 9035, 9036 };
	struct guest_counters c;
	uint64_t before = sampler_now_ns();
	ck_assert_int_eq(read_tree("kvm-v1-hybrid/proc", 9029, tids, 2, &c), 0);
	ck_assert_uint_ge(c.t_ns, before);
	ck_assert_int_eq(c.pid, 9029);
	ck_assert_uint_eq(c.starttime, 53205);
	ck_assert(c.have_cpu);
	ck_assert_uint_eq(c.cpu_ns, ticks_to_ns(4 + 9719));
	ck_assert(c.have_rss);
	ck_assert_uint_eq(c.rss_bytes, 9249ull * (uint64_t)sysconf(_SC_PAGESIZE));
	ck_assert(c.have_steal);
	ck_assert_uint_eq(c.n_steal_threads, 2);
	ck_assert_uint_eq(c.run_delay_ns, 15539154712ull + 18104880ull);
	ck_assert(c.have_io);
	ck_assert_uint_eq(c.read_bytes, 405504);
	ck_assert_uint_eq(c.write_bytes, 20480);
}
END_TEST

/*
 * The two captures of the busy guest, 1.09 s apart, with the capture times:
 * vCPU 0 spins, so the guest used one core; its run_delay grew 37.3 ms.
 */
START_TEST(probe_real_pair_gives_real_rates)
{
	static const pid_t tids[] = { 9035, 9036 };
	struct guest_counters a, b;
	struct guest_rates r;
	ck_assert_int_eq(read_tree("kvm-v1-hybrid/proc", 9029, tids, 2, &a), 0);
	ck_assert_int_eq(read_tree("kvm-v1-hybrid-t1/proc", 9029, tids, 2, &b), 0);
	a.t_ns = fixture_capture_ns("kvm-v1-hybrid");
	b.t_ns = fixture_capture_ns("kvm-v1-hybrid-t1");
	ck_assert_uint_eq(b.t_ns - a.t_ns, 1092703734ull);
	sampler_diff(&a, &b, &r);
	double dt = 1092703734.0;
	ck_assert_double_eq_tol(r.cpu_pct, (double)ticks_to_ns(109) * 100.0 / dt, 1e-9);
	ck_assert_double_ge(r.cpu_pct, 95.0);
	ck_assert_double_le(r.cpu_pct, 105.0);
	ck_assert_double_eq_tol(r.steal_pct, 37299915.0 * 100.0 / dt, 1e-9);
	ck_assert_double_eq(r.read_bps, 0.0);
	ck_assert_double_eq(r.write_bps, 0.0);
}
END_TEST

START_TEST(probe_real_idle_guest)
{
	static const pid_t tids[] = { 13462 };
	struct guest_counters a, b;
	struct guest_rates r;
	ck_assert_int_eq(read_tree("kvm-v1-hybrid/proc", 13448, tids, 1, &a), 0);
	ck_assert_int_eq(read_tree("kvm-v1-hybrid-t1/proc", 13448, tids, 1, &b), 0);
	ck_assert_uint_eq(a.run_delay_ns, 1756720294ull);
	a.t_ns = fixture_capture_ns("kvm-v1-hybrid");
	b.t_ns = fixture_capture_ns("kvm-v1-hybrid-t1");
	sampler_diff(&a, &b, &r);
	ck_assert_double_lt(r.cpu_pct, 5.0);
	ck_assert_double_gt(r.cpu_pct, 0.0);
}
END_TEST

START_TEST(probe_hand_made_v2_host)
{
	static const pid_t tids[] = { 3152, 3153 };
	struct guest_counters c;
	ck_assert_int_eq(read_tree("kvm-v2-systemd/proc", 3141, tids, 2, &c), 0);
	ck_assert_int_eq(c.pid, 3141);
	ck_assert(c.have_steal);
	ck_assert_uint_eq(c.n_steal_threads, 2);
	ck_assert_uint_eq(c.run_delay_ns, 15539154712ull + 18104880ull);
}
END_TEST

/* A vCPU thread that is gone: no steal (a partial sum would read as less steal). */
START_TEST(probe_missing_vcpu_thread)
{
	static const pid_t tids[] = { 9035, 9041 };
	struct guest_counters c;
	ck_assert_int_eq(read_tree("kvm-v1-hybrid/proc", 9029, tids, 2, &c), 0);
	ck_assert(c.have_cpu);
	ck_assert(!c.have_steal);
}
END_TEST

/* libvirt LXC init in the fixture has no io file: known CPU, unknown I/O, not "denied". */
START_TEST(probe_without_io_file)
{
	struct guest_list l;
	struct guest_ident *g = make_ident(&l, 27990, NULL, 0);
	int pfd = fixture_open_dir("lxc-libvirt/v1/proc");
	struct guest_probe p;
	guest_probe_init(&p);
	ck_assert_int_eq(guest_probe_open(&p, pfd, g), 0);
	ck_assert(!p.io_denied);
	struct guest_counters c;
	ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	ck_assert(c.have_cpu);
	ck_assert(!c.have_io);
	ck_assert(!c.have_steal);
	ck_assert_uint_eq(c.starttime, 67154);
	guest_probe_close(&p);
	close(pfd);
	guest_list_free(&l);
}
END_TEST

START_TEST(probe_open_gone_process)
{
	struct guest_list l;
	struct guest_ident *g = make_ident(&l, 1, NULL, 0);
	int pfd = fixture_open_dir("kvm-v1-hybrid/proc");
	struct guest_probe p;
	guest_probe_init(&p);
	ck_assert_int_eq(guest_probe_open(&p, pfd, g), -1);
	ck_assert_int_eq(p.stat_fd, -1);
	struct guest_counters c;
	ck_assert_int_eq(guest_probe_read(&p, &c), -1);
	g->pid = 0;
	ck_assert_int_eq(guest_probe_open(&p, pfd, g), -1);
	guest_probe_close(&p);
	close(pfd);
	guest_list_free(&l);
}
END_TEST

/* The kept-open files are read again each time; bad content gives -1 or drops steal. */
START_TEST(probe_rereads_kept_open_files)
{
	static const pid_t tids[] = { 9035, 9036 };
	char *dir = scratch_make();
	scratch_copy_tree("kvm-v1-hybrid/proc", dir, "proc");
	char proc[4096];
	snprintf(proc, sizeof(proc), "%s/proc", dir);
	struct guest_list l;
	struct guest_ident *g = make_ident(&l, 9029, tids, 2);
	int pfd = open(proc, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(pfd, 0);
	int fds_before = count_open_fds();
	struct guest_probe p;
	guest_probe_init(&p);
	ck_assert_int_eq(guest_probe_open(&p, pfd, g), 0);
	/* stat, io, status; each of the 6 threads' stat; the 2 vCPUs' schedstat */
	ck_assert_int_eq(count_open_fds(), fds_before + 3 + 6 + 2);

	struct guest_counters c;
	scratch_write(dir, "proc/9029/task/9036/schedstat", "1 2 3\n");
	ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	ck_assert_uint_eq(c.run_delay_ns, 15539154712ull + 2);

	scratch_write(dir, "proc/9029/task/9036/schedstat", "garbage\n");
	ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	ck_assert(!c.have_steal);
	ck_assert(c.have_cpu);

	scratch_write(dir, "proc/9029/io", "");
	ck_assert_int_eq(guest_probe_read(&p, &c), 0);
	ck_assert(!c.have_io);

	/* A process that exited reads as an empty stat here (ESRCH in real /proc). */
	scratch_write(dir, "proc/9029/stat", "");
	ck_assert_int_eq(guest_probe_read(&p, &c), -1);

	guest_probe_close(&p);
	guest_probe_close(&p);	/* twice is harmless */
	ck_assert_int_eq(count_open_fds(), fds_before);
	ck_assert_int_eq(p.stat_fd, -1);
	ck_assert(!guest_probe_is_open(&p));
	close(pfd);
	guest_list_free(&l);
	scratch_remove(dir);
}
END_TEST

/*
 * With no descriptor left to keep (a host of thousands of guests), every file
 * is read by path at each refresh: the same figures, and changes are seen.
 */
START_TEST(probe_reads_by_path_without_descriptors)
{
	static const pid_t tids[] = { 9035, 9036 };
	char *dir = scratch_make();
	scratch_copy_tree("kvm-v1-hybrid/proc", dir, "proc");
	char proc[4096];
	snprintf(proc, sizeof(proc), "%s/proc", dir);
	struct guest_list l;
	struct guest_ident *g = make_ident(&l, 9029, tids, 2);
	int pfd = open(proc, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(pfd, 0);
	struct guest_probe kept, starved;
	struct guest_counters a, b;
	guest_probe_init(&kept);
	ck_assert_int_eq(guest_probe_open(&kept, pfd, g), 0);
	ck_assert_int_eq(guest_probe_read(&kept, &a), 0);

	/* Room for exactly one more descriptor: the one each read by path needs. */
	struct rlimit saved, tight;
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
	int spare = dup(0);
	ck_assert_int_ge(spare, 0);
	tight = saved;
	tight.rlim_cur = (rlim_t)spare + 1;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &tight), 0);
	close(spare);
	int fds = count_open_fds();
	guest_probe_init(&starved);
	ck_assert_int_eq(guest_probe_open(&starved, pfd, g), 0);
	ck_assert(guest_probe_is_open(&starved));
	ck_assert_int_eq(count_open_fds(), fds);
	ck_assert_int_eq(guest_probe_read(&starved, &b), 0);
	ck_assert_uint_eq(b.cpu_ns, a.cpu_ns);
	ck_assert(b.have_steal && b.have_io);
	ck_assert_uint_eq(b.run_delay_ns, a.run_delay_ns);
	ck_assert_uint_eq(b.read_bytes, a.read_bytes);
	ck_assert_uint_eq(b.n_steal_threads, 2);

	scratch_write(dir, "proc/9029/task/9036/schedstat", "1 2 3\n");
	ck_assert_int_eq(guest_probe_read(&starved, &b), 0);
	ck_assert_uint_eq(b.run_delay_ns, 15539154712ull + 2);
	ck_assert_int_eq(count_open_fds(), fds);
	/*
	 * The guest exited and an unrelated process got its pid: by path, the same
	 * files answer with the newcomer's figures. Its start time gives it away, and
	 * the reading fails as for a process gone, before any of its CPU is counted.
	 */
	scratch_write(dir, "proc/9029/stat",
		      "9029 (sh) R 1 9028 9028 0 -1 4194304 80 0 0 0 900 100 0 0 20 0 1 0 99999 2220032 200 "
		      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
	ck_assert_int_eq(guest_probe_read(&starved, &b), -1);
	ck_assert_int_eq(guest_probe_read(&kept, &a), -1);
	/* A process gone reads as gone by path too. */
	scratch_write(dir, "proc/9029/stat", "");
	ck_assert_int_eq(guest_probe_read(&starved, &b), -1);

	guest_probe_close(&starved);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &saved), 0);
	guest_probe_close(&kept);
	close(pfd);
	guest_list_free(&l);
	scratch_remove(dir);
}
END_TEST

Suite *sampler_suite(void)
{
	Suite *s = suite_create("sampler");
	TCase *tc = tcase_create("diff");
	tcase_add_test(tc, rates_unknown_sets_nan);
	tcase_add_test(tc, diff_basic_rates);
	tcase_add_test(tc, diff_scales_with_interval);
	tcase_add_test(tc, diff_first_sample_is_unknown);
	tcase_add_test(tc, diff_never_spans_two_processes);
	tcase_add_test(tc, diff_no_time_passed);
	tcase_add_test(tc, diff_missing_side_only_affects_its_value);
	tcase_add_test(tc, diff_steal_needs_same_thread_count);
	tcase_add_test(tc, diff_saturates_backwards_counters);
	tcase_add_test(tc, now_is_monotonic);
	suite_add_tcase(s, tc);

	tc = tcase_create("probe");
	tcase_add_test(tc, probe_real_busy_guest);
	tcase_add_test(tc, probe_real_pair_gives_real_rates);
	tcase_add_test(tc, probe_real_idle_guest);
	tcase_add_test(tc, probe_hand_made_v2_host);
	tcase_add_test(tc, probe_missing_vcpu_thread);
	tcase_add_test(tc, probe_without_io_file);
	tcase_add_test(tc, probe_open_gone_process);
	tcase_add_test(tc, probe_rereads_kept_open_files);
	tcase_add_test(tc, probe_reads_by_path_without_descriptors);
	suite_add_tcase(s, tc);
	return s;
}
