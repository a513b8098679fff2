/* Tests of the guest table's columns: formatting, lookup by name and the sort order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "tui/columns.h"

START_TEST(bytes_formatting)
{
	static const struct {
		double v;
		const char *s;
	} cases[] = {
		{ 0, "0" }, { 1, "1" }, { 1023, "1023" }, { 1024, "1.0K" }, { 1536, "1.5K" },
		{ 10 * 1024, "10K" }, { 1000 * 1024, "1000K" }, { 1048576, "1.0M" },
		{ 5e9, "4.7G" }, { 32.0 * 1024 * 1024, "32M" }, { 9249.0 * 4096, "36M" },
		{ 1099511627776.0, "1.0T" }, { 18446744073709551615.0, "16E" },
	};
	char buf[32];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format_bytes(cases[i].v, buf, sizeof(buf));
		ck_assert_msg(strcmp(buf, cases[i].s) == 0, "%.0f: got '%s', want '%s'", cases[i].v, buf, cases[i].s);
	}
}
END_TEST

START_TEST(bytes_unknown_is_dash)
{
	char buf[8];
	format_bytes(NAN, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	format_bytes(-1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
}
END_TEST

/* Every magnitude fits the 6-column cells. */
START_TEST(bytes_fit_column_width)
{
	char buf[32];
	for (double v = 1; v < 1.8e19; v *= 1.37) {
		format_bytes(v, buf, sizeof(buf));
		ck_assert_msg(strlen(buf) <= 6, "%.0f -> '%s'", v, buf);
	}
}
END_TEST

START_TEST(pct_formatting)
{
	char buf[16];
	format_pct(NAN, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	format_pct(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0.0");
	format_pct(99.75, buf, sizeof(buf));
	ck_assert_str_eq(buf, "99.8");
	format_pct(250, buf, sizeof(buf));
	ck_assert_str_eq(buf, "250.0");
	format_pct(3.4135, buf, sizeof(buf));
	ck_assert_str_eq(buf, "3.4");
}
END_TEST

START_TEST(column_lookup)
{
	ck_assert_int_eq(column_by_name("cpu"), COL_CPU);
	ck_assert_int_eq(column_by_name("CPU%"), COL_CPU);
	ck_assert_int_eq(column_by_name("Cpu"), COL_CPU);
	ck_assert_int_eq(column_by_name("steal"), COL_STEAL);
	ck_assert_int_eq(column_by_name("STEAL%"), COL_STEAL);
	ck_assert_int_eq(column_by_name("rd"), COL_RD);
	ck_assert_int_eq(column_by_name("RD/s"), COL_RD);
	ck_assert_int_eq(column_by_name("wr"), COL_WR);
	ck_assert_int_eq(column_by_name("name"), COL_NAME);
	ck_assert_int_eq(column_by_name("rss"), COL_RSS);
	ck_assert_int_eq(column_by_name("mem"), COL_MEM);
	ck_assert_int_eq(column_by_name("vcpu"), COL_VCPU);
	ck_assert_int_eq(column_by_name("state"), COL_STATE);
	ck_assert_int_eq(column_by_name("backend"), COL_BACKEND);
}
END_TEST

START_TEST(column_lookup_rejects)
{
	static const char *const bad[] = { "", "c", "cp", "cpu%x", "rd/", "names", "bogus", "%" };
	ck_assert_msg(column_by_name(bad[_i]) == -1, "'%s' matched", bad[_i]);
}
END_TEST

START_TEST(column_table_complete)
{
	for (int i = 0; i < COL_COUNT_; i++) {
		ck_assert_ptr_nonnull(columns[i].title);
		ck_assert_int_gt(columns[i].width, 0);
		ck_assert_uint_gt(strlen(columns[i].meaning), 0);
		ck_assert_int_eq(column_by_name(columns[i].title), i);
	}
}
END_TEST

/* ---------------------------------------------------------------- rows and sorting */


static void row_set(struct guest_row *r, const char *name, enum guest_state st, double cpu)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->g.name, sizeof(r->g.name), "%s", name);
	snprintf(r->g.uuid, sizeof(r->g.uuid), "uuid-%s", name);
	snprintf(r->g.kind, sizeof(r->g.kind), "kvm");
	r->g.state = st;
	r->g.mem_bytes = GT_UNKNOWN;
	r->g.mem_max_bytes = GT_UNKNOWN;
	sampler_rates_unknown(&r->rates);
	r->rates.cpu_pct = cpu;
	r->rss_bytes = GT_UNKNOWN;
}

static void model_of(struct model *m, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->rows = calloc(n, sizeof(*m->rows));
	ck_assert_ptr_nonnull(m->rows);
	m->n = m->cap = n;
	m->proc_fd = -1;
}

/* The names in display order, joined by spaces. */
static const char *order_names(const struct model *m, enum column c, bool invert, char *buf, size_t len)
{
	size_t order[16];
	ck_assert_uint_le(m->n, 16);
	columns_sort(m, c, invert, order);
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < m->n; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", m->rows[order[i]].g.name);
	return buf;
}

static void cpu_model(struct model *m)
{
	model_of(m, 7);
	row_set(&m->rows[0], "a", GUEST_STATE_RUNNING, 10);
	row_set(&m->rows[1], "b", GUEST_STATE_RUNNING, 50);
	row_set(&m->rows[2], "c", GUEST_STATE_RUNNING, NAN);
	row_set(&m->rows[3], "d", GUEST_STATE_SHUTOFF, NAN);
	row_set(&m->rows[4], "e", GUEST_STATE_PAUSED, 50);
	row_set(&m->rows[5], "f", GUEST_STATE_BLOCKED, 0);
	row_set(&m->rows[6], "0", GUEST_STATE_CRASHED, NAN);
}

START_TEST(sort_cpu_descending)
{
	struct model m;
	char buf[128];
	cpu_model(&m);
	ck_assert_str_eq(order_names(&m, COL_CPU, false, buf, sizeof(buf)), "b e a f c 0 d");
	free(m.rows);
}
END_TEST

/* Inverted: ascending, but the unknown still last and the stopped still after the active. */
START_TEST(sort_cpu_inverted)
{
	struct model m;
	char buf[128];
	cpu_model(&m);
	ck_assert_str_eq(order_names(&m, COL_CPU, true, buf, sizeof(buf)), "f a b e c 0 d");
	free(m.rows);
}
END_TEST

/* A stopped guest with a known value still comes after every active guest. */
START_TEST(sort_active_before_stopped_even_with_values)
{
	struct model m;
	char buf[128];
	model_of(&m, 3);
	row_set(&m.rows[0], "off", GUEST_STATE_SHUTOFF, NAN);
	m.rows[0].g.mem_bytes = 8ull << 30;
	row_set(&m.rows[1], "on", GUEST_STATE_RUNNING, NAN);
	m.rows[1].g.mem_bytes = 1ull << 30;
	row_set(&m.rows[2], "unk", GUEST_STATE_RUNNING, NAN);
	ck_assert_str_eq(order_names(&m, COL_MEM, false, buf, sizeof(buf)), "on unk off");
	ck_assert_str_eq(order_names(&m, COL_MEM, true, buf, sizeof(buf)), "on unk off");
	free(m.rows);
}
END_TEST

START_TEST(sort_rss_unknown_last)
{
	struct model m;
	char buf[128];
	model_of(&m, 4);
	row_set(&m.rows[0], "w", GUEST_STATE_RUNNING, NAN);
	m.rows[0].rss_bytes = 100;
	row_set(&m.rows[1], "x", GUEST_STATE_RUNNING, NAN);
	row_set(&m.rows[2], "y", GUEST_STATE_RUNNING, NAN);
	m.rows[2].rss_bytes = 300;
	row_set(&m.rows[3], "z", GUEST_STATE_RUNNING, NAN);
	m.rows[3].rss_bytes = 0;	/* a known zero is a value, not unknown */
	ck_assert_str_eq(order_names(&m, COL_RSS, false, buf, sizeof(buf)), "y w z x");
	ck_assert_str_eq(order_names(&m, COL_RSS, true, buf, sizeof(buf)), "z w y x");
	free(m.rows);
}
END_TEST

START_TEST(sort_by_name_text)
{
	struct model m;
	char buf[128];
	model_of(&m, 5);
	row_set(&m.rows[0], "web", GUEST_STATE_RUNNING, 1);
	row_set(&m.rows[1], "db", GUEST_STATE_RUNNING, 2);
	row_set(&m.rows[2], "zz-stopped", GUEST_STATE_SHUTOFF, NAN);
	row_set(&m.rows[3], "app", GUEST_STATE_PAUSED, 3);
	row_set(&m.rows[4], "aa-stopped", GUEST_STATE_SHUTOFF, NAN);
	ck_assert_str_eq(order_names(&m, COL_NAME, false, buf, sizeof(buf)), "app db web aa-stopped zz-stopped");
	ck_assert_str_eq(order_names(&m, COL_NAME, true, buf, sizeof(buf)), "web db app zz-stopped aa-stopped");
	free(m.rows);
}
END_TEST

START_TEST(sort_by_state_then_name)
{
	struct model m;
	char buf[128];
	model_of(&m, 4);
	row_set(&m.rows[0], "r2", GUEST_STATE_RUNNING, NAN);
	row_set(&m.rows[1], "p1", GUEST_STATE_PAUSED, NAN);
	row_set(&m.rows[2], "r1", GUEST_STATE_RUNNING, NAN);
	row_set(&m.rows[3], "s1", GUEST_STATE_SHUTOFF, NAN);
	ck_assert_str_eq(order_names(&m, COL_STATE, false, buf, sizeof(buf)), "p1 r1 r2 s1");
	free(m.rows);
}
END_TEST

/* Equal values: by name; equal names (two backends): by uuid, so the order is stable. */
START_TEST(sort_ties)
{
	struct model m;
	size_t order[3];
	model_of(&m, 3);
	row_set(&m.rows[0], "same", GUEST_STATE_RUNNING, 5);
	snprintf(m.rows[0].g.uuid, sizeof(m.rows[0].g.uuid), "bbbb");
	row_set(&m.rows[1], "same", GUEST_STATE_RUNNING, 5);
	snprintf(m.rows[1].g.uuid, sizeof(m.rows[1].g.uuid), "aaaa");
	row_set(&m.rows[2], "other", GUEST_STATE_RUNNING, 5);
	columns_sort(&m, COL_CPU, false, order);
	ck_assert_uint_eq(order[0], 2);
	ck_assert_uint_eq(order[1], 1);
	ck_assert_uint_eq(order[2], 0);
	columns_sort(&m, COL_CPU, true, order);
	ck_assert_uint_eq(order[0], 2);
	ck_assert_uint_eq(order[1], 1);
	ck_assert_uint_eq(order[2], 0);
	free(m.rows);
}
END_TEST

START_TEST(sort_empty_model)
{
	struct model m;
	size_t order[1] = { 77 };
	model_of(&m, 0);
	columns_sort(&m, COL_CPU, false, order);
	ck_assert_uint_eq(order[0], 77);
	free(m.rows);
}
END_TEST

/* ---------------------------------------------------------------- cells */

START_TEST(cell_text_unknown_and_escaped)
{
	struct guest_row r;
	char buf[64];
	row_set(&r, "\033[2Jevil", GUEST_STATE_RUNNING, NAN);
	column_format(&r, COL_NAME, buf, sizeof(buf));
	ck_assert_str_eq(buf, "\\x1b[2Jevil");
	column_format(&r, COL_CPU, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	column_format(&r, COL_STEAL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	column_format(&r, COL_MEM, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	column_format(&r, COL_RSS, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	column_format(&r, COL_VCPU, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	column_format(&r, COL_RD, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	column_format(&r, COL_STATE, buf, sizeof(buf));
	ck_assert_str_eq(buf, "running");
	column_format(&r, COL_BACKEND, buf, sizeof(buf));
	ck_assert_str_eq(buf, "kvm");
	r.g.name[0] = '\0';
	column_format(&r, COL_NAME, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
}
END_TEST

START_TEST(cell_known_values)
{
	struct guest_row r;
	char buf[64];
	row_set(&r, "web", GUEST_STATE_RUNNING, 99.75);
	r.rates.steal_pct = 0;
	r.g.vcpus = 2;
	r.g.mem_bytes = 32ull << 20;
	r.rss_bytes = 9249ull * 4096;
	r.rates.read_bps = 0;
	r.rates.write_bps = 1536;
	column_format(&r, COL_CPU, buf, sizeof(buf));
	ck_assert_str_eq(buf, "99.8");
	column_format(&r, COL_STEAL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0.0");
	column_format(&r, COL_VCPU, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2");
	column_format(&r, COL_MEM, buf, sizeof(buf));
	ck_assert_str_eq(buf, "32M");
	column_format(&r, COL_RSS, buf, sizeof(buf));
	ck_assert_str_eq(buf, "36M");
	column_format(&r, COL_RD, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0");
	column_format(&r, COL_WR, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1.5K");
	ck_assert(isnan(column_number(&r, COL_NAME)));
	ck_assert_double_eq(column_number(&r, COL_MEM), 33554432.0);
}
END_TEST

Suite *columns_suite(void)
{
	Suite *s = suite_create("columns");
	TCase *tc = tcase_create("format");
	tcase_add_test(tc, bytes_formatting);
	tcase_add_test(tc, bytes_unknown_is_dash);
	tcase_add_test(tc, bytes_fit_column_width);
	tcase_add_test(tc, pct_formatting);
	tcase_add_test(tc, column_lookup);
	tcase_add_loop_test(tc, column_lookup_rejects, 0, 8);
	tcase_add_test(tc, column_table_complete);
	tcase_add_test(tc, cell_text_unknown_and_escaped);
	tcase_add_test(tc, cell_known_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("sort");
	tcase_add_test(tc, sort_cpu_descending);
	tcase_add_test(tc, sort_cpu_inverted);
	tcase_add_test(tc, sort_active_before_stopped_even_with_values);
	tcase_add_test(tc, sort_rss_unknown_last);
	tcase_add_test(tc, sort_by_name_text);
	tcase_add_test(tc, sort_by_state_then_name);
	tcase_add_test(tc, sort_ties);
	tcase_add_test(tc, sort_empty_model);
	suite_add_tcase(s, tc);
	return s;
}
