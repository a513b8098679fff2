/* Tests of the sparkline widget: width, order, unknown samples, levels, UTF-8 and short buffers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "widgets/sparkline.h"

/* The eight UTF-8 levels, U+2581 .. U+2588. */
#define B1 "\xe2\x96\x81"
#define B4 "\xe2\x96\x84"
#define B5 "\xe2\x96\x85"
#define B8 "\xe2\x96\x88"

START_TEST(ascii_width_and_order)
{
	static const float v[] = { 0, 50, 100 };
	char buf[32];
	/* Newest on the right; fewer values than cells: blanks on the left. */
	ck_assert_uint_eq(sparkline_render(v, 3, 5, 100, false, buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "  _+@");
	/* More values than cells: the newest ones. */
	ck_assert_uint_eq(sparkline_render(v, 3, 2, 100, false, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "+@");
	ck_assert_uint_eq(sparkline_render(v, 3, 1, 100, false, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "@");
	/* No values, or no width. */
	ck_assert_uint_eq(sparkline_render(NULL, 0, 3, 100, false, buf, sizeof(buf)), 3);
	ck_assert_str_eq(buf, "   ");
	ck_assert_uint_eq(sparkline_render(v, 3, 0, 100, false, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

/* An unknown sample is a blank cell, never the lowest level (which means 0). */
START_TEST(unknown_is_blank)
{
	static const float v[] = { NAN, 0, NAN, 100, NAN };
	char buf[32];
	ck_assert_uint_eq(sparkline_render(v, 5, 5, 100, false, buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, " _ @ ");
	ck_assert_uint_eq(sparkline_render(v, 5, 5, 100, true, buf, sizeof(buf)), 2 * 3 + 3);
	ck_assert_str_eq(buf, " " B1 " " B8 " ");
	/* No scale: nothing can be drawn. */
	ck_assert_uint_eq(sparkline_render(v, 5, 5, 0, false, buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "     ");
}
END_TEST

/* Eight levels of full/8 each; at or above full the top one, below 0 the bottom one. */
START_TEST(levels)
{
	static const float v[] = {0,  12.4f, 12.5f, 25,  37.5f, 50, 62.5f,
	                          75, 87.5f, 99.9f, 100, 250,   -5};
	char buf[64];
	size_t n = sizeof(v) / sizeof(v[0]);
	ck_assert_uint_eq(sparkline_render(v, (unsigned)n, (int)n, 100, false, buf, sizeof(buf)),
	                  n);
	ck_assert_str_eq(buf, "__.-=+*#@@@@_");
	/* Another scale: full = 1 core of 200% samples. */
	static const float w[] = { 100, 200 };
	ck_assert_uint_eq(sparkline_render(w, 2, 2, 200, false, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "+@");
}
END_TEST

/* Far above full is still the top level, not a wrapped or bottom one. */
START_TEST(huge_values_clamp_to_top)
{
	static const float v[] = { 1e12f, INFINITY };
	char buf[16];
	ck_assert_uint_eq(sparkline_render(v, 2, 2, 100, false, buf, sizeof(buf)), 2);
	ck_assert_msg(strcmp(buf, "@@") == 0, "1e12 and inf of full 100 drawn as '%s', want '@@'",
	              buf);
}
END_TEST

/* UTF-8: three bytes per block, one per blank; the return value counts bytes. */
START_TEST(utf8_bytes)
{
	static const float v[] = { 0, 50, 62.5f, 100 };
	char buf[64];
	ck_assert_uint_eq(sparkline_render(v, 4, 5, 100, true, buf, sizeof(buf)), 1 + 4 * 3);
	ck_assert_str_eq(buf, " " B1 B5 "\xe2\x96\x86" B8);
	ck_assert_uint_eq(strlen(buf), 13);
	static const float half[] = { 37.5f };
	ck_assert_uint_eq(sparkline_render(half, 1, 1, 100, true, buf, sizeof(buf)), 3);
	ck_assert_str_eq(buf, B4);
	/* ASCII output has only ASCII bytes. */
	ck_assert_uint_eq(sparkline_render(v, 4, 4, 100, false, buf, sizeof(buf)), 4);
	for (size_t i = 0; buf[i]; i++)
		ck_assert_int_lt((unsigned char)buf[i], 0x80);
}
END_TEST

/* The cells written to a short buffer: whole cells only, terminated, never past len. */
static void assert_short(const float *v, unsigned n, int width, bool utf8, size_t len, size_t want)
{
	char full[64], buf[64];
	sparkline_render(v, n, width, 100, utf8, full, sizeof(full));
	memset(buf, 'x', sizeof(buf));
	ck_assert_uint_eq(sparkline_render(v, n, width, 100, utf8, buf, len), want);
	ck_assert_uint_eq(strlen(buf), want);
	ck_assert_int_eq(strncmp(buf, full, want), 0);
	ck_assert_int_eq(buf[len], 'x');
}

START_TEST(buffer_too_small)
{
	static const float v[] = { 0, 25, 50, 75, 100 };
	assert_short(v, 5, 5, false, 3, 2);
	assert_short(v, 5, 5, false, 5, 4);
	assert_short(v, 5, 5, false, 6, 5);
	/* 7 bytes: two blocks and the NUL; a third block would not fit. */
	assert_short(v, 5, 3, true, 7, 6);
	/* 6 bytes: one block, never half a character. */
	assert_short(v, 5, 3, true, 6, 3);
	assert_short(v, 5, 3, true, 3, 0);
	/* Room for the NUL only. */
	assert_short(v, 5, 3, true, 1, 0);
	/* No room at all: nothing written. */
	char buf[4] = "xyz";
	ck_assert_uint_eq(sparkline_render(v, 5, 3, 100, false, buf, 0), 0);
	ck_assert_str_eq(buf, "xyz");
}
END_TEST

Suite *sparkline_suite(void)
{
	Suite *s = suite_create("sparkline");
	TCase *tc = tcase_create("render");
	tcase_add_test(tc, ascii_width_and_order);
	tcase_add_test(tc, unknown_is_blank);
	tcase_add_test(tc, levels);
	tcase_add_test(tc, huge_values_clamp_to_top);
	tcase_add_test(tc, utf8_bytes);
	tcase_add_test(tc, buffer_too_small);
	suite_add_tcase(s, tc);
	return s;
}
