/* Tests of the guest table's mark and sweep, fed hand-built listings over the captured proc tree. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "tui/model.h"

/* Only their addresses matter: a row is keyed by backend and uuid. */
static struct backend be_a, be_b;

#define BUSY_UUID "f5e481b3-ddf7-492a-9be4-4e2544f321c6"
#define IDLE_UUID "e9643146-5b85-4231-9cd6-e7b2193d2f49"
#define OFF_UUID "00000000-0000-4000-8000-000000000001"

static struct guest_ident *add(struct guest_list *l, const struct backend *be, const char *uuid,
			       const char *name, enum guest_state st, pid_t pid, const pid_t *tids,
			       unsigned n)
{
	struct guest_ident *g = guest_list_add(l);
	ck_assert_ptr_nonnull(g);
	g->backend = be;
	snprintf(g->uuid, sizeof(g->uuid), "%s", uuid);
	snprintf(g->name, sizeof(g->name), "%s", name);
	snprintf(g->kind, sizeof(g->kind), "kvm");
	g->state = st;
	g->pid = pid;
	ck_assert_int_eq(guest_ident_set_vcpu_tids(g, tids, n), 0);
	return g;
}

static const pid_t busy_tids[] = { 9035, 9036 };
static const pid_t idle_tids[] = { 13462 };

/* The two captured guests and one that is shut off. */
static void listing3(struct guest_list *l)
{
	guest_list_init(l);
	add(l, &be_a, BUSY_UUID, "gt-lab-fx-busy", GUEST_STATE_RUNNING, 9029, busy_tids, 2);
	add(l, &be_a, IDLE_UUID, "gt-lab-fx-idle", GUEST_STATE_RUNNING, 13448, idle_tids, 1);
	add(l, &be_a, OFF_UUID, "gt-lab-fx-off", GUEST_STATE_SHUTOFF, 0, NULL, 0);
}

static struct guest_row *row_by_uuid(struct model *m, const struct backend *be, const char *uuid)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->rows[i].g.backend == be && strcmp(m->rows[i].g.uuid, uuid) == 0)
			return &m->rows[i];
	return NULL;
}

static void init_on(struct model *m, const char *tree)
{
	char path[PATH_MAX];
	ck_assert_int_eq(model_init(m, fixture_path(tree, path, sizeof(path))), 0);
}

static void assert_rates_unknown(const struct guest_row *r)
{
	ck_assert(isnan(r->rates.cpu_pct));
	ck_assert(isnan(r->rates.steal_pct));
	ck_assert(isnan(r->rates.read_bps));
	ck_assert(isnan(r->rates.write_bps));
}

START_TEST(init_fails_on_missing_root)
{
	struct model m;
	ck_assert_int_eq(model_init(&m, "/nonexistent/guesttop/proc"), -1);
	model_free(&m);
	ck_assert_int_eq(m.n, 0);
}
END_TEST

START_TEST(new_rows_are_added_with_probes)
{
	struct model m;
	struct guest_list l;
	init_on(&m, "kvm-v1-hybrid/proc");
	listing3(&l);
	ck_assert_int_eq(model_update(&m, &l), 0);
	/* The model keeps its own copy of the vCPU thread ids. */
	guest_list_free(&l);
	ck_assert_uint_eq(m.n, 3);
	struct guest_row *busy = row_by_uuid(&m, &be_a, BUSY_UUID);
	struct guest_row *off = row_by_uuid(&m, &be_a, OFF_UUID);
	ck_assert_ptr_nonnull(busy);
	ck_assert_ptr_nonnull(off);
	ck_assert_str_eq(busy->g.name, "gt-lab-fx-busy");
	ck_assert_uint_eq(busy->g.n_vcpu_tids, 2);
	ck_assert_int_eq(busy->g.vcpu_tids[1], 9036);
	ck_assert_int_ge(busy->probe.stat_fd, 0);
	ck_assert_uint_eq(busy->probe.n_vcpu, 2);
	ck_assert_int_eq(off->probe.stat_fd, -1);
	ck_assert_int_eq(busy->prev.pid, 0);
	assert_rates_unknown(busy);
	ck_assert_uint_eq(busy->rss_bytes, GT_UNKNOWN);
	ck_assert(!m.proc_unreadable);
	model_free(&m);
}
END_TEST

/* First sample: no rate yet ("-", never a spike); second: a rate over the interval. */
START_TEST(sample_first_unknown_then_known)
{
	struct model m;
	struct guest_list l;
	init_on(&m, "kvm-v1-hybrid/proc");
	listing3(&l);
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	struct guest_row *busy = row_by_uuid(&m, &be_a, BUSY_UUID);
	struct guest_row *off = row_by_uuid(&m, &be_a, OFF_UUID);
	assert_rates_unknown(busy);
	ck_assert_uint_eq(busy->rss_bytes, 9249ull * (uint64_t)sysconf(_SC_PAGESIZE));
	ck_assert_int_eq(busy->prev.pid, 9029);
	ck_assert_uint_eq(busy->prev.starttime, 53205);
	model_sample(&m);
	/* The fixture files do not change: a known zero, not unknown. */
	ck_assert_double_eq(busy->rates.cpu_pct, 0.0);
	ck_assert_double_eq(busy->rates.steal_pct, 0.0);
	ck_assert_double_eq(busy->rates.read_bps, 0.0);
	assert_rates_unknown(off);
	ck_assert_uint_eq(off->rss_bytes, GT_UNKNOWN);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* The rate is the counter delta over the time between the two samples. */
START_TEST(sample_rates_follow_counters)
{
	char *dir = scratch_make();
	scratch_copy_tree("kvm-v1-hybrid/proc", dir, "proc");
	char proc[PATH_MAX];
	snprintf(proc, sizeof(proc), "%s/proc", dir);
	struct model m;
	ck_assert_int_eq(model_init(&m, proc), 0);
	struct guest_list l;
	listing3(&l);
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	struct guest_row *busy = row_by_uuid(&m, &be_a, BUSY_UUID);
	uint64_t t1 = busy->prev.t_ns;
	/* The second capture of the same process: 109 more ticks, 37.3 ms more run_delay. */
	scratch_copy_tree("kvm-v1-hybrid-t1/proc/9029", dir, "proc/9029");
	model_sample(&m);
	uint64_t t2 = busy->prev.t_ns;
	ck_assert_uint_gt(t2, t1);
	double dt = (double)(t2 - t1);
	double tick_ns = 1e9 / (double)sysconf(_SC_CLK_TCK);
	ck_assert_double_eq_tol(busy->rates.cpu_pct, 109 * tick_ns * 100.0 / dt, 1e-6);
	ck_assert_double_eq_tol(busy->rates.steal_pct, 37299915.0 * 100.0 / dt, 1e-6);
	ck_assert_double_gt(busy->rates.cpu_pct, 0);
	guest_list_free(&l);
	model_free(&m);
	scratch_remove(dir);
}
END_TEST

/* Paused <-> running keeps the same process: the baseline and the probe stay. */
START_TEST(update_keeps_baseline_for_same_process)
{
	struct model m;
	struct guest_list l;
	init_on(&m, "kvm-v1-hybrid/proc");
	listing3(&l);
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	model_sample(&m);
	struct guest_row *busy = row_by_uuid(&m, &be_a, BUSY_UUID);
	int fd = busy->probe.stat_fd;
	uint64_t t = busy->prev.t_ns;

	l.v[0].state = GUEST_STATE_PAUSED;
	snprintf(l.v[0].name, sizeof(l.v[0].name), "renamed");
	l.v[0].mem_bytes = 32ull << 20;
	ck_assert_int_eq(model_update(&m, &l), 0);
	busy = row_by_uuid(&m, &be_a, BUSY_UUID);
	ck_assert_ptr_nonnull(busy);
	ck_assert_str_eq(busy->g.name, "renamed");
	ck_assert_int_eq(busy->g.state, GUEST_STATE_PAUSED);
	ck_assert_uint_eq(busy->g.mem_bytes, 32ull << 20);
	ck_assert_int_eq(busy->probe.stat_fd, fd);
	ck_assert_uint_eq(busy->prev.t_ns, t);
	ck_assert_double_eq(busy->rates.cpu_pct, 0.0);
	model_sample(&m);
	ck_assert_double_eq(busy->rates.cpu_pct, 0.0);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* A guest restarted: a new process, so the first sample after it is unknown again. */
START_TEST(update_new_pid_resets_baseline)
{
	struct model m;
	struct guest_list l;
	init_on(&m, "kvm-v1-hybrid/proc");
	listing3(&l);
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	model_sample(&m);
	struct guest_row *busy = row_by_uuid(&m, &be_a, BUSY_UUID);
	ck_assert(!isnan(busy->rates.cpu_pct));

	/* Same uuid, now the process of the other capture (13448, another starttime). */
	l.v[0].pid = 13448;
	ck_assert_int_eq(guest_ident_set_vcpu_tids(&l.v[0], idle_tids, 1), 0);
	ck_assert_int_eq(model_update(&m, &l), 0);
	busy = row_by_uuid(&m, &be_a, BUSY_UUID);
	ck_assert_int_eq(busy->prev.pid, 0);
	assert_rates_unknown(busy);
	ck_assert_uint_eq(busy->rss_bytes, GT_UNKNOWN);
	ck_assert_int_eq(busy->probe.pid, 13448);
	model_sample(&m);
	assert_rates_unknown(busy);
	ck_assert_uint_eq(busy->prev.starttime, 63614);
	model_sample(&m);
	ck_assert_double_eq(busy->rates.cpu_pct, 0.0);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* Same process, different vCPU threads (hot-plug): the steal sum is not comparable. */
START_TEST(update_new_vcpu_threads_reset_baseline)
{
	struct model m;
	struct guest_list l;
	init_on(&m, "kvm-v1-hybrid/proc");
	listing3(&l);
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	struct guest_row *busy = row_by_uuid(&m, &be_a, BUSY_UUID);
	ck_assert_int_ne(busy->prev.pid, 0);
	ck_assert_int_eq(guest_ident_set_vcpu_tids(&l.v[0], busy_tids, 1), 0);
	ck_assert_int_eq(model_update(&m, &l), 0);
	busy = row_by_uuid(&m, &be_a, BUSY_UUID);
	ck_assert_int_eq(busy->prev.pid, 0);
	ck_assert_uint_eq(busy->probe.n_vcpu, 1);
	ck_assert_uint_eq(busy->g.n_vcpu_tids, 1);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* The pid file was late: first listed without a pid, then with one. */
START_TEST(update_pid_learned_later)
{
	struct model m;
	struct guest_list l;
	init_on(&m, "kvm-v1-hybrid/proc");
	guest_list_init(&l);
	add(&l, &be_a, BUSY_UUID, "gt-lab-fx-busy", GUEST_STATE_RUNNING, 0, NULL, 0);
	ck_assert_int_eq(model_update(&m, &l), 0);
	ck_assert_int_eq(m.rows[0].probe.stat_fd, -1);
	model_sample(&m);
	assert_rates_unknown(&m.rows[0]);
	l.v[0].pid = 9029;
	ck_assert_int_eq(model_update(&m, &l), 0);
	ck_assert_int_ge(m.rows[0].probe.stat_fd, 0);
	model_sample(&m);
	ck_assert_int_eq(m.rows[0].prev.pid, 9029);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

START_TEST(update_guest_stopped_closes_probe)
{
	struct model m;
	struct guest_list l;
	init_on(&m, "kvm-v1-hybrid/proc");
	listing3(&l);
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	model_sample(&m);
	int fds = count_open_fds();
	l.v[0].state = GUEST_STATE_SHUTOFF;
	l.v[0].pid = 0;
	ck_assert_int_eq(guest_ident_set_vcpu_tids(&l.v[0], NULL, 0), 0);
	ck_assert_int_eq(model_update(&m, &l), 0);
	struct guest_row *busy = row_by_uuid(&m, &be_a, BUSY_UUID);
	ck_assert_int_eq(busy->probe.stat_fd, -1);
	ck_assert_int_eq(count_open_fds(), fds - (3 + 6 + 2));	/* busy: 3 process files, 6 threads, 2 vCPUs */
	assert_rates_unknown(busy);
	ck_assert_uint_eq(busy->rss_bytes, GT_UNKNOWN);
	model_sample(&m);
	assert_rates_unknown(busy);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* Sweep: a guest the listing no longer mentions is dropped, its files closed. */
START_TEST(update_removes_unlisted_rows)
{
	struct model m;
	struct guest_list l, l2;
	init_on(&m, "kvm-v1-hybrid/proc");
	listing3(&l);
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	int fds = count_open_fds();
	guest_list_init(&l2);
	add(&l2, &be_a, OFF_UUID, "gt-lab-fx-off", GUEST_STATE_SHUTOFF, 0, NULL, 0);
	add(&l2, &be_a, BUSY_UUID, "gt-lab-fx-busy", GUEST_STATE_RUNNING, 9029, busy_tids, 2);
	ck_assert_int_eq(model_update(&m, &l2), 0);
	ck_assert_uint_eq(m.n, 2);
	ck_assert_ptr_null(row_by_uuid(&m, &be_a, IDLE_UUID));
	struct guest_row *busy = row_by_uuid(&m, &be_a, BUSY_UUID);
	ck_assert_ptr_nonnull(busy);
	ck_assert_ptr_nonnull(row_by_uuid(&m, &be_a, OFF_UUID));
	ck_assert_int_eq(count_open_fds(), fds - (3 + 6 + 1));	/* idle: stat, io, status, 6 threads, 1 vCPU */
	/* The surviving row kept its baseline through the sweep. */
	ck_assert_int_eq(busy->prev.pid, 9029);
	model_sample(&m);
	ck_assert_double_eq(busy->rates.cpu_pct, 0.0);
	/* An empty listing empties the table. */
	guest_list_clear(&l2);
	ck_assert_int_eq(model_update(&m, &l2), 0);
	ck_assert_uint_eq(m.n, 0);
	guest_list_free(&l);
	guest_list_free(&l2);
	model_free(&m);
}
END_TEST

START_TEST(update_duplicate_uuid_keeps_first)
{
	struct model m;
	struct guest_list l;
	init_on(&m, "kvm-v1-hybrid/proc");
	guest_list_init(&l);
	add(&l, &be_a, BUSY_UUID, "first", GUEST_STATE_RUNNING, 9029, busy_tids, 2);
	add(&l, &be_a, BUSY_UUID, "second", GUEST_STATE_RUNNING, 13448, idle_tids, 1);
	ck_assert_int_eq(model_update(&m, &l), 0);
	ck_assert_uint_eq(m.n, 1);
	ck_assert_str_eq(m.rows[0].g.name, "first");
	ck_assert_int_eq(m.rows[0].g.pid, 9029);
	ck_assert_int_eq(model_update(&m, &l), 0);
	ck_assert_uint_eq(m.n, 1);
	ck_assert_str_eq(m.rows[0].g.name, "first");
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* Two connections may report the same uuid (a guest migrating): two rows. */
START_TEST(update_same_uuid_other_backend)
{
	struct model m;
	struct guest_list l;
	init_on(&m, "kvm-v1-hybrid/proc");
	guest_list_init(&l);
	add(&l, &be_a, BUSY_UUID, "on-a", GUEST_STATE_RUNNING, 9029, busy_tids, 2);
	add(&l, &be_b, BUSY_UUID, "on-b", GUEST_STATE_SHUTOFF, 0, NULL, 0);
	ck_assert_int_eq(model_update(&m, &l), 0);
	ck_assert_uint_eq(m.n, 2);
	ck_assert_str_eq(row_by_uuid(&m, &be_a, BUSY_UUID)->g.name, "on-a");
	ck_assert_str_eq(row_by_uuid(&m, &be_b, BUSY_UUID)->g.name, "on-b");
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* Many guests, listed in another order each time: each row keeps its own data. */
START_TEST(update_many_guests_reordered)
{
	struct model m;
	struct guest_list l;
	enum { N = 300 };
	init_on(&m, "kvm-v1-hybrid/proc");
	for (int round = 0; round < 3; round++) {
		guest_list_init(&l);
		for (int k = 0; k < N; k++) {
			int i = round == 1 ? N - 1 - k : (k * 7 + round) % N;
			char uuid[40], name[32];
			snprintf(uuid, sizeof(uuid), "00000000-0000-4000-8000-%012d", i);
			snprintf(name, sizeof(name), "g%03d", i);
			struct guest_ident *g = add(&l, &be_a, uuid, name, GUEST_STATE_SHUTOFF, 0, NULL, 0);
			g->mem_bytes = (uint64_t)i * 1000 + (uint64_t)round;
		}
		ck_assert_int_eq(model_update(&m, &l), 0);
		ck_assert_uint_eq(m.n, N);
		for (size_t r = 0; r < m.n; r++) {
			int i = atoi(m.rows[r].g.name + 1);
			ck_assert_uint_eq(m.rows[r].g.mem_bytes, (uint64_t)i * 1000 + (uint64_t)round);
		}
		guest_list_free(&l);
	}
	model_free(&m);
}
END_TEST

/* A running guest whose process is not in the proc tree: flagged, shown as unknown. */
START_TEST(update_unreadable_process)
{
	struct model m;
	struct guest_list l;
	init_on(&m, "kvm-v1-hybrid/proc");
	guest_list_init(&l);
	add(&l, &be_a, BUSY_UUID, "ghost", GUEST_STATE_RUNNING, 424242, NULL, 0);
	ck_assert_int_eq(model_update(&m, &l), 0);
	ck_assert(m.proc_unreadable);
	ck_assert_int_eq(m.rows[0].probe.stat_fd, -1);
	model_sample(&m);
	assert_rates_unknown(&m.rows[0]);
	ck_assert_uint_eq(m.rows[0].rss_bytes, GT_UNKNOWN);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* The process exits between listing and sampling (its stat reads empty in the scratch tree). */
START_TEST(sample_process_gone)
{
	char *dir = scratch_make();
	scratch_copy_tree("kvm-v1-hybrid/proc", dir, "proc");
	char proc[PATH_MAX];
	snprintf(proc, sizeof(proc), "%s/proc", dir);
	struct model m;
	ck_assert_int_eq(model_init(&m, proc), 0);
	struct guest_list l;
	listing3(&l);
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	model_sample(&m);
	struct guest_row *busy = row_by_uuid(&m, &be_a, BUSY_UUID);
	ck_assert(!isnan(busy->rates.cpu_pct));
	scratch_write(dir, "proc/9029/stat", "");
	model_sample(&m);
	assert_rates_unknown(busy);
	ck_assert_uint_eq(busy->rss_bytes, GT_UNKNOWN);
	ck_assert_int_eq(busy->prev.pid, 0);
	ck_assert_int_eq(busy->probe.stat_fd, -1);
	guest_list_free(&l);
	model_free(&m);
	scratch_remove(dir);
}
END_TEST

START_TEST(counts_by_state)
{
	struct model m;
	struct guest_list l;
	init_on(&m, "kvm-v1-hybrid/proc");
	guest_list_init(&l);
	add(&l, &be_a, "u1", "r", GUEST_STATE_RUNNING, 0, NULL, 0);
	add(&l, &be_a, "u2", "b", GUEST_STATE_BLOCKED, 0, NULL, 0);
	add(&l, &be_a, "u3", "p", GUEST_STATE_PAUSED, 0, NULL, 0);
	add(&l, &be_a, "u4", "s", GUEST_STATE_SHUTOFF, 0, NULL, 0);
	add(&l, &be_a, "u5", "c", GUEST_STATE_CRASHED, 0, NULL, 0);
	add(&l, &be_a, "u6", "d", GUEST_STATE_SHUTDOWN, 0, NULL, 0);
	add(&l, &be_a, "u7", "m", GUEST_STATE_PMSUSPENDED, 0, NULL, 0);
	ck_assert_int_eq(model_update(&m, &l), 0);
	struct model_counts c;
	model_counts(&m, &c);
	ck_assert_uint_eq(c.running, 2);
	ck_assert_uint_eq(c.paused, 2);
	ck_assert_uint_eq(c.shutoff, 2);
	ck_assert_uint_eq(c.other_active, 1);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* Every descriptor the model opened is closed by model_free. */
START_TEST(free_closes_every_descriptor)
{
	int before = count_open_fds();
	struct model m;
	struct guest_list l;
	init_on(&m, "kvm-v1-hybrid/proc");
	listing3(&l);
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	ck_assert_int_eq(count_open_fds(), before + 1 + (3 + 6 + 2) + (3 + 6 + 1));
	model_free(&m);
	guest_list_free(&l);
	ck_assert_int_eq(count_open_fds(), before);
	ck_assert_int_eq(m.proc_fd, -1);
}
END_TEST

Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("mark_sweep");
	tcase_add_test(tc, init_fails_on_missing_root);
	tcase_add_test(tc, new_rows_are_added_with_probes);
	tcase_add_test(tc, sample_first_unknown_then_known);
	tcase_add_test(tc, sample_rates_follow_counters);
	tcase_add_test(tc, update_keeps_baseline_for_same_process);
	tcase_add_test(tc, update_new_pid_resets_baseline);
	tcase_add_test(tc, update_new_vcpu_threads_reset_baseline);
	tcase_add_test(tc, update_pid_learned_later);
	tcase_add_test(tc, update_guest_stopped_closes_probe);
	tcase_add_test(tc, update_removes_unlisted_rows);
	tcase_add_test(tc, update_duplicate_uuid_keeps_first);
	tcase_add_test(tc, update_same_uuid_other_backend);
	tcase_add_test(tc, update_many_guests_reordered);
	tcase_add_test(tc, update_unreadable_process);
	tcase_add_test(tc, sample_process_gone);
	tcase_add_test(tc, counts_by_state);
	tcase_add_test(tc, free_closes_every_descriptor);
	suite_add_tcase(s, tc);
	return s;
}
