/* The libvirt backend against libvirt's own in-process test driver: listing and every action, no daemon needed. */
#include <check.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/collector.h"
#include "backends/libvirt.h"
#include "unit.h"

static struct host_paths paths = { .proc_root = "/proc", .sys_root = "/sys", .run_root = "/run" };

static void open_test(struct backend *be)
{
	char err[BACKEND_ERR_MAX];
	libvirt_quiet_errors();
	ck_assert_int_eq(backend_init(be, &libvirt_backend_ops, "test:///default", &paths), 0);
	ck_assert_msg(backend_open(be, err, sizeof(err)) == 0, "open: %s", err);
}

/* The state of the guest named `name` in a fresh listing; fails the test if it is missing. */
static enum guest_state state_of(struct backend *be, const char *name, struct guest_ident *copy)
{
	struct guest_list l;
	char err[BACKEND_ERR_MAX];
	enum guest_state st = GUEST_STATE_UNKNOWN;
	bool found = false;
	guest_list_init(&l);
	ck_assert_msg(be->ops->list(be, &l, err, sizeof(err)) == 0, "list: %s", err);
	for (size_t i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].name, name) == 0) {
			st = l.v[i].state;
			found = true;
			if (copy)
				ck_assert_int_eq(guest_ident_copy(copy, &l.v[i]), 0);
		}
	}
	guest_list_free(&l);
	ck_assert_msg(found, "guest %s not listed", name);
	return st;
}

static void act(struct backend *be, const char *uuid, enum guest_action a)
{
	char info[256], err[BACKEND_ERR_MAX];
	ck_assert_msg(backend_action(be, uuid, a, info, sizeof(info), err, sizeof(err)) == 0, "%s: %s",
		      guest_action_name(a), err);
}

START_TEST(lists_the_test_domain)
{
	struct backend be;
	struct guest_ident g = { 0 };
	open_test(&be);
	ck_assert_int_eq(state_of(&be, "test", &g), GUEST_STATE_RUNNING);
	ck_assert_str_eq(g.kind, "test");
	ck_assert_uint_eq(strlen(g.uuid), 36);
	ck_assert_uint_gt(g.vcpus, 0);
	ck_assert(g.mem_bytes != GT_UNKNOWN && g.mem_bytes > 0);
	ck_assert_int_ge(g.id, 1);
	/* No host process behind a test-driver guest: its host mapping stays empty. */
	ck_assert_int_eq(g.pid, 0);
	ck_assert_int_eq(g.persistent, 1);
	guest_ident_release(&g);
	backend_close(&be);
}
END_TEST

START_TEST(every_action_through_the_backend)
{
	struct backend be;
	struct guest_ident g = { 0 };
	char info[256], err[BACKEND_ERR_MAX];
	open_test(&be);
	state_of(&be, "test", &g);

	act(&be, g.uuid, GA_SUSPEND);
	ck_assert_int_eq(state_of(&be, "test", NULL), GUEST_STATE_PAUSED);
	act(&be, g.uuid, GA_RESUME);
	ck_assert_int_eq(state_of(&be, "test", NULL), GUEST_STATE_RUNNING);
	act(&be, g.uuid, GA_REBOOT);
	ck_assert_int_eq(state_of(&be, "test", NULL), GUEST_STATE_RUNNING);
	act(&be, g.uuid, GA_DISPLAY);
	act(&be, g.uuid, GA_SHUTDOWN);
	ck_assert_int_eq(state_of(&be, "test", NULL), GUEST_STATE_SHUTOFF);
	act(&be, g.uuid, GA_START);
	ck_assert_int_eq(state_of(&be, "test", NULL), GUEST_STATE_RUNNING);
	act(&be, g.uuid, GA_MANAGED_SAVE);
	ck_assert_int_eq(state_of(&be, "test", NULL), GUEST_STATE_SHUTOFF);
	act(&be, g.uuid, GA_START);	/* restores the managed save */
	ck_assert_int_eq(state_of(&be, "test", NULL), GUEST_STATE_RUNNING);
	act(&be, g.uuid, GA_AUTOSTART_ON);
	act(&be, g.uuid, GA_AUTOSTART_OFF);
	act(&be, g.uuid, GA_FORCE_OFF);
	ck_assert_int_eq(state_of(&be, "test", NULL), GUEST_STATE_SHUTOFF);

	/* An action the state does not allow fails with libvirt's reason, in one line. */
	ck_assert_int_eq(backend_action(&be, g.uuid, GA_RESUME, info, sizeof(info), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "test:///default"));
	ck_assert_ptr_null(strchr(err, '\n'));

	act(&be, g.uuid, GA_DELETE);
	struct guest_list l;
	guest_list_init(&l);
	ck_assert_int_eq(be.ops->list(&be, &l, err, sizeof(err)), 0);
	for (size_t i = 0; i < l.n; i++)
		ck_assert_str_ne(l.v[i].name, "test");
	guest_list_free(&l);

	/* A guest that is gone is a clear error, not a crash. */
	ck_assert_int_eq(backend_action(&be, g.uuid, GA_START, info, sizeof(info), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no such guest"));
	guest_ident_release(&g);
	backend_close(&be);
}
END_TEST

START_TEST(readonly_refuses_every_action)
{
	struct backend be;
	struct guest_ident g = { 0 };
	char info[256], err[BACKEND_ERR_MAX];
	ck_assert_int_eq(backend_init(&be, &libvirt_backend_ops, "test:///default", &paths), 0);
	be.readonly = true;
	ck_assert_int_eq(backend_open(&be, err, sizeof(err)), 0);
	state_of(&be, "test", &g);
	for (int a = 0; a < GA_COUNT_; a++) {
		ck_assert_int_eq(backend_action(&be, g.uuid, (enum guest_action)a, info, sizeof(info), err,
						sizeof(err)),
				 -1);
		ck_assert_ptr_nonnull(strstr(err, "read-only"));
	}
	ck_assert_int_eq(state_of(&be, "test", NULL), GUEST_STATE_RUNNING);
	guest_ident_release(&g);
	backend_close(&be);
}
END_TEST

START_TEST(not_connected_is_an_error)
{
	struct backend be;
	char info[256], err[BACKEND_ERR_MAX];
	ck_assert_int_eq(backend_init(&be, &libvirt_backend_ops, "test:///default", &paths), 0);
	ck_assert_int_eq(backend_action(&be, "6695eb01-f6a4-8304-79aa-97f2502e193f", GA_START, info, sizeof(info),
					err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "not connected"));
}
END_TEST

/* The listing cadence follows the refresh interval, also when the setup screen changes it. */
START_TEST(collector_interval_follows_the_refresh)
{
	struct backend be;
	open_test(&be);
	struct collector *c = collector_new(&be, 1, 1000);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(collector_listing_ms(c), 5000);	/* every 5 refreshes, at most 5 s */
	collector_set_interval(c, 200);
	ck_assert_uint_eq(collector_listing_ms(c), 1000);
	collector_set_interval(c, 2000);
	ck_assert_uint_eq(collector_listing_ms(c), 5000);
	collector_set_interval(c, 10000);
	ck_assert_uint_eq(collector_listing_ms(c), 10000);	/* never more often than the refresh */
	collector_free(c);
	backend_close(&be);
}
END_TEST

/* On demand (batch mode): no listing until asked; asked, one comes, with each backend's error. */
START_TEST(collector_on_demand_lists_when_asked)
{
	struct backend be;
	open_test(&be);
	struct collector *c = collector_new(&be, 1, 100);
	ck_assert_ptr_nonnull(c);
	collector_set_on_demand(c);
	ck_assert_int_eq(collector_start(c), 0);
	unsigned long gen = 0;
	ck_assert_int_eq(collector_wait(c, gen, 300), 0);	/* three intervals: nothing unasked */
	collector_poke(c);
	ck_assert_int_eq(collector_wait(c, gen, 5000), 1);
	struct guest_list l;
	guest_list_init(&l);
	ck_assert_int_eq(collector_take(c, &l, &gen), 1);
	ck_assert_uint_eq(gen, 1);
	ck_assert_uint_ge(l.n, 1);
	char errs[COLLECTOR_MAX_BACKENDS][BACKEND_ERR_MAX];
	collector_errors(c, errs);
	ck_assert_str_eq(errs[0], "");
	ck_assert_int_eq(collector_take(c, &l, &gen), 0);	/* nothing newer */
	guest_list_free(&l);
	collector_free(c);
	backend_close(&be);
}
END_TEST

Suite *testdriver_suite(void)
{
	Suite *s = suite_create("testdriver");
	TCase *tc = tcase_create("libvirt test driver");
	tcase_add_test(tc, lists_the_test_domain);
	tcase_add_test(tc, every_action_through_the_backend);
	tcase_add_test(tc, readonly_refuses_every_action);
	tcase_add_test(tc, not_connected_is_an_error);
	tcase_add_test(tc, collector_interval_follows_the_refresh);
	tcase_add_test(tc, collector_on_demand_lists_when_asked);
	suite_add_tcase(s, tc);
	return s;
}
