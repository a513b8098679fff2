/* Guests without a host process of their own: OpenVZ beancounter refusals as a victim sign, hypervisor CPU time. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "tui/columns.h"
#include "tui/model.h"
#include "unit.h"

static struct backend be_vz;

static struct guest_ident *add_guest(struct guest_list *l, const char *kind, const char *uuid, const char *name,
				     int id)
{
	struct guest_ident *g = guest_list_add(l);
	ck_assert_ptr_nonnull(g);
	g->backend = &be_vz;
	snprintf(g->kind, sizeof(g->kind), "%s", kind);
	snprintf(g->uuid, sizeof(g->uuid), "%s", uuid);
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->id = id;
	g->state = GUEST_STATE_RUNNING;
	return g;
}

static struct guest_row *row_named(struct model *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->rows[i].g.name, name) == 0)
			return &m->rows[i];
	ck_abort_msg("no row %s", name);
	return NULL;
}

/* Container 101's kmemsize and dcachesize failcnts rise between two readings; 999 is not there. */
START_TEST(openvz_failcnt_rise_is_a_victim_sign)
{
	char *dir = scratch_make();
	char proc[4096];
	scratch_copy_tree("openvz-host/t0/proc", dir, "proc");
	snprintf(proc, sizeof(proc), "%s/proc", dir);
	struct model m;
	ck_assert_int_eq(model_init(&m, proc), 0);
	struct guest_list l;
	guest_list_init(&l);
	add_guest(&l, "openvz", "00000000-0000-0000-0000-000000000101", "101", 101);
	add_guest(&l, "openvz", "00000000-0000-0000-0000-000000000999", "999", 999);
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	ck_assert_uint_eq(row_named(&m, "101")->victim, 0);

	scratch_copy_tree("openvz-host/t1/proc", dir, "proc");
	model_sample(&m);
	struct guest_row *a = row_named(&m, "101"), *b = row_named(&m, "999");
	ck_assert_uint_ne(a->victim & VICTIM_LIMIT, 0);
	ck_assert_uint_eq(a->ubc_failing, 2);
	ck_assert_str_eq(a->ubc_failed, "kmemsize,dcachesize");
	ck_assert_uint_eq(b->victim & VICTIM_LIMIT, 0);
	char role[32];
	column_role(a, role, sizeof(role));
	ck_assert_str_eq(role, "V:limit");

	/* No new refusal in the next interval: no longer a victim. */
	model_sample(&m);
	ck_assert_uint_eq(row_named(&m, "101")->victim & VICTIM_LIMIT, 0);
	guest_list_free(&l);
	model_free(&m);
	scratch_remove(dir);
}
END_TEST

/* A guest with no host process (a PV Xen guest) gets its CPU% from the hypervisor's CPU time. */
START_TEST(hypervisor_cpu_time_gives_cpu_pct)
{
	struct model m;
	ck_assert_int_eq(model_init(&m, "/proc"), 0);
	struct guest_list l;
	guest_list_init(&l);
	struct guest_ident *g = add_guest(&l, "xen", "11111111-0000-0000-0000-000000000001", "pv", 3);
	g->hv_cpu_ns = 10000000000ull;
	g->stats_t_ns = 1000000000000ull;
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	ck_assert(isnan(row_named(&m, "pv")->rates.cpu_pct));

	/* 1.5 s of CPU in 2 s: 75% of a core. */
	l.v[0].hv_cpu_ns += 1500000000ull;
	l.v[0].stats_t_ns += 2000000000ull;
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	ck_assert(fabs(row_named(&m, "pv")->rates.cpu_pct - 75.0) < 1e-9);
	/* The host columns stay unknown: there is no host process. */
	ck_assert_uint_eq(row_named(&m, "pv")->rss_bytes, GT_UNKNOWN);
	ck_assert(isnan(row_named(&m, "pv")->rates.steal_pct));

	/* Stopped: no rate, and no rate across the restart either. */
	l.v[0].state = GUEST_STATE_SHUTOFF;
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	ck_assert(isnan(row_named(&m, "pv")->rates.cpu_pct));
	l.v[0].state = GUEST_STATE_RUNNING;
	l.v[0].hv_cpu_ns = 5;
	l.v[0].stats_t_ns += 2000000000ull;
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	ck_assert(isnan(row_named(&m, "pv")->rates.cpu_pct));
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

/* The HOST of a connection: the URI's host, user and port left out; this machine's name when none. */
START_TEST(uri_hosts)
{
	char h[64], me[64];
	ck_assert_int_eq(gethostname(me, sizeof(me)), 0);
	backend_uri_host("qemu+ssh://root@kvm1.example.org/system", h, sizeof(h));
	ck_assert_str_eq(h, "kvm1.example.org");
	backend_uri_host("qemu+tcp://127.0.0.1:16510/system", h, sizeof(h));
	ck_assert_str_eq(h, "127.0.0.1");
	backend_uri_host("qemu+tls://[2001:db8::1]:16514/system?no_verify=1", h, sizeof(h));
	ck_assert_str_eq(h, "[2001:db8::1]");
	backend_uri_host("xen+ssh://dom0?keyfile=/k", h, sizeof(h));
	ck_assert_str_eq(h, "dom0");
	backend_uri_host("qemu:///system", h, sizeof(h));
	ck_assert_str_eq(h, me);
	backend_uri_host("test:///default", h, sizeof(h));
	ck_assert_str_eq(h, me);
	backend_uri_host(NULL, h, sizeof(h));
	ck_assert_str_eq(h, me);
	struct backend bes[2];
	struct host_paths paths = { "/proc", "/sys", "/run" };
	ck_assert_int_eq(backend_init(&bes[0], NULL, "qemu:///system", &paths), 0);
	ck_assert_int_eq(backend_init(&bes[1], NULL, "test:///default", &paths), 0);
	ck_assert(!backends_span_hosts(bes, 2));
	ck_assert_int_eq(backend_init(&bes[1], NULL, "qemu+tcp://127.0.0.1/system", &paths), 0);
	ck_assert(backends_span_hosts(bes, 2));
}
END_TEST

/* A lost connection's guests stay, marked lost, until it is back and lists without them. */
START_TEST(lost_connection_keeps_rows_marked)
{
	struct model m;
	ck_assert_int_eq(model_init(&m, "/proc"), 0);
	struct guest_list l;
	guest_list_init(&l);
	memset(&be_vz, 0, sizeof(be_vz));
	snprintf(be_vz.host, sizeof(be_vz.host), "kvm2");
	atomic_store(&be_vz.connected, true);
	atomic_store(&be_vz.was_connected, true);
	add_guest(&l, "kvm", "00000000-0000-4000-8000-0000000000a1", "remote-a", 1)->hv_cpu_ns = 5;
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	ck_assert_uint_eq(m.n, 1);
	ck_assert(!m.rows[0].lost);
	ck_assert_str_eq(row_state_name(&m.rows[0]), "running");
	/* The connection drops: the listing has nothing from it. */
	atomic_store(&be_vz.connected, false);
	guest_list_clear(&l);
	ck_assert_int_eq(model_update(&m, &l), 0);
	model_sample(&m);
	ck_assert_uint_eq(m.n, 1);
	ck_assert(m.rows[0].lost);
	ck_assert_str_eq(row_state_name(&m.rows[0]), "lost");
	ck_assert(isnan(m.rows[0].rates.cpu_pct));
	/* Back, and the guest is there again: no longer lost. */
	atomic_store(&be_vz.connected, true);
	add_guest(&l, "kvm", "00000000-0000-4000-8000-0000000000a1", "remote-a", 1);
	ck_assert_int_eq(model_update(&m, &l), 0);
	ck_assert_uint_eq(m.n, 1);
	ck_assert(!m.rows[0].lost);
	/* Back, and the guest is gone: swept. */
	guest_list_clear(&l);
	ck_assert_int_eq(model_update(&m, &l), 0);
	ck_assert_uint_eq(m.n, 0);
	guest_list_free(&l);
	model_free(&m);
}
END_TEST

Suite *kinds_suite(void)
{
	Suite *s = suite_create("kinds");
	TCase *tc = tcase_create("openvz and xen");
	tcase_add_test(tc, openvz_failcnt_rise_is_a_victim_sign);
	tcase_add_test(tc, hypervisor_cpu_time_gives_cpu_pct);
	tcase_add_test(tc, uri_hosts);
	tcase_add_test(tc, lost_connection_keeps_rows_marked);
	suite_add_tcase(s, tc);
	return s;
}
