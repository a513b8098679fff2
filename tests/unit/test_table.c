/* Tests of the table's scroll arithmetic: the selection stays on screen, nothing runs past the ends. */
#include <limits.h>

#include "tests/unit/unit.h"
#include "widgets/table.h"

#define ASSERT_VIEW(v, sel, tp) do { \
	ck_assert_uint_eq((v).selected, (sel)); \
	ck_assert_uint_eq((v).top, (tp)); \
} while (0)

START_TEST(clamp_empty_table)
{
	struct table_view v = { 7, 3 };
	table_view_clamp(&v, 0, 10);
	ASSERT_VIEW(v, 0, 0);
	table_view_move(&v, 1, 0, 10);
	ASSERT_VIEW(v, 0, 0);
	table_view_move(&v, -1, 0, 10);
	ASSERT_VIEW(v, 0, 0);
}
END_TEST

START_TEST(move_down_scrolls_when_leaving_screen)
{
	struct table_view v = { 0, 0 };
	for (int i = 0; i < 9; i++)
		table_view_move(&v, 1, 100, 10);
	ASSERT_VIEW(v, 9, 0);
	table_view_move(&v, 1, 100, 10);
	ASSERT_VIEW(v, 10, 1);
	table_view_move(&v, 1, 100, 10);
	ASSERT_VIEW(v, 11, 2);
}
END_TEST

START_TEST(move_up_scrolls_back)
{
	struct table_view v = { 11, 2 };
	table_view_move(&v, -1, 100, 10);
	ASSERT_VIEW(v, 10, 2);
	table_view_move(&v, -8, 100, 10);
	ASSERT_VIEW(v, 2, 2);
	table_view_move(&v, -1, 100, 10);
	ASSERT_VIEW(v, 1, 1);
}
END_TEST

START_TEST(move_stops_at_ends)
{
	struct table_view v = { 3, 0 };
	table_view_move(&v, -10, 100, 10);	/* a page up near the top */
	ASSERT_VIEW(v, 0, 0);
	table_view_move(&v, -1, 100, 10);
	ASSERT_VIEW(v, 0, 0);
	table_view_move(&v, 1000, 100, 10);
	ASSERT_VIEW(v, 99, 90);
	table_view_move(&v, 1, 100, 10);
	ASSERT_VIEW(v, 99, 90);
}
END_TEST

/* "Move as far as possible" with the extreme deltas the signature allows, from mid-table. */
START_TEST(move_extreme_up_clamps)
{
	struct table_view v = { 50, 41 };
	table_view_move(&v, -LONG_MAX, 100, 10);
	ASSERT_VIEW(v, 0, 0);
	v = (struct table_view){ 50, 41 };
	table_view_move(&v, LONG_MIN, 100, 10);
	ASSERT_VIEW(v, 0, 0);
}
END_TEST

START_TEST(move_extreme_down_clamps)
{
	struct table_view v = { 0, 0 };
	table_view_move(&v, LONG_MAX, 100, 10);
	ASSERT_VIEW(v, 99, 90);
	v = (struct table_view){ 50, 41 };
	table_view_move(&v, LONG_MAX, 100, 10);
	ASSERT_VIEW(v, 99, 90);
}
END_TEST

START_TEST(page_moves)
{
	struct table_view v = { 0, 0 };
	table_view_move(&v, 10, 25, 10);
	ASSERT_VIEW(v, 10, 1);
	table_view_move(&v, 10, 25, 10);
	ASSERT_VIEW(v, 20, 11);
	table_view_move(&v, 10, 25, 10);
	ASSERT_VIEW(v, 24, 15);
	table_view_move(&v, -10, 25, 10);
	ASSERT_VIEW(v, 14, 14);
}
END_TEST

START_TEST(select_row_brings_it_on_screen)
{
	struct table_view v = { 0, 0 };
	table_view_select(&v, 50, 100, 10);
	ASSERT_VIEW(v, 50, 41);
	table_view_select(&v, 45, 100, 10);
	ASSERT_VIEW(v, 45, 41);
	table_view_select(&v, 5, 100, 10);
	ASSERT_VIEW(v, 5, 5);
	table_view_select(&v, 1000, 100, 10);
	ASSERT_VIEW(v, 99, 90);
}
END_TEST

/* Guests went away: the selection and the top follow the shorter table. */
START_TEST(rows_shrink)
{
	struct table_view v = { 99, 90 };
	table_view_clamp(&v, 5, 10);
	ASSERT_VIEW(v, 4, 0);
	v = (struct table_view){ 40, 35 };
	table_view_clamp(&v, 42, 10);
	ASSERT_VIEW(v, 40, 32);	/* no empty space below the last row */
}
END_TEST

START_TEST(all_rows_fit)
{
	struct table_view v = { 2, 1 };
	table_view_clamp(&v, 5, 10);
	ASSERT_VIEW(v, 2, 0);
}
END_TEST

/* A terminal too small for any row still keeps one selected row visible. */
START_TEST(zero_or_negative_height)
{
	struct table_view v = { 0, 0 };
	table_view_move(&v, 3, 10, 0);
	ASSERT_VIEW(v, 3, 3);
	table_view_move(&v, 2, 10, -5);
	ASSERT_VIEW(v, 5, 5);
	table_view_move(&v, -1, 10, 1);
	ASSERT_VIEW(v, 4, 4);
}
END_TEST

/* The invariant, over every start state: selected < n, top <= selected < top + h, no gap at the end. */
START_TEST(invariant_holds_everywhere)
{
	static const long deltas[] = { -100, -10, -1, 0, 1, 10, 100 };
	for (size_t n = 0; n <= 30; n++) {
		for (int h = 1; h <= 12; h++) {
			for (size_t sel = 0; sel < 35; sel += 3) {
				for (size_t top = 0; top < 35; top += 4) {
					for (size_t d = 0; d < sizeof(deltas) / sizeof(deltas[0]); d++) {
						struct table_view v = { sel, top };
						table_view_move(&v, deltas[d], n, h);
						if (n == 0) {
							ASSERT_VIEW(v, 0, 0);
							continue;
						}
						ck_assert_uint_lt(v.selected, n);
						ck_assert_uint_le(v.top, v.selected);
						ck_assert_uint_lt(v.selected, v.top + (size_t)h);
						if (n >= (size_t)h)
							ck_assert_uint_le(v.top + (size_t)h, n);
						else
							ck_assert_uint_eq(v.top, 0);
					}
				}
			}
		}
	}
}
END_TEST

Suite *table_suite(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("scroll");
	tcase_add_test(tc, clamp_empty_table);
	tcase_add_test(tc, move_down_scrolls_when_leaving_screen);
	tcase_add_test(tc, move_up_scrolls_back);
	tcase_add_test(tc, move_stops_at_ends);
	tcase_add_test(tc, move_extreme_up_clamps);
	tcase_add_test(tc, move_extreme_down_clamps);
	tcase_add_test(tc, page_moves);
	tcase_add_test(tc, select_row_brings_it_on_screen);
	tcase_add_test(tc, rows_shrink);
	tcase_add_test(tc, all_rows_fit);
	tcase_add_test(tc, zero_or_negative_height);
	tcase_add_test(tc, invariant_holds_everywhere);
	suite_add_tcase(s, tc);
	return s;
}
