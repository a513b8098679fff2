/* Tests of escaping and fitting hostile guest names: escapes, controls, bad UTF-8, bidi, CJK. */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "widgets/text.h"

/* No byte of s may act on a terminal: no C0, DEL, C1 (as UTF-8), no bidi or zero-width marks. */
static void assert_terminal_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; p[i]; i++) {
		ck_assert_msg(p[i] >= 0x20 && p[i] != 0x7f, "control byte 0x%02x at %zu in '%s'", p[i], i, s);
		if (p[i] == 0xc2)
			ck_assert_msg(p[i + 1] < 0x80 || p[i + 1] > 0x9f, "C1 control at %zu", i);
		if (p[i] == 0xe2 && p[i + 1] == 0x80)
			ck_assert_msg(!((p[i + 2] >= 0x8b && p[i + 2] <= 0x8f) || (p[i + 2] >= 0xaa && p[i + 2] <= 0xae)),
				      "bidi/zero-width mark at %zu", i);
	}
}

static const char *escaped(const char *in, char *out, size_t outlen)
{
	size_t n = text_escape(in, out, outlen);
	ck_assert_uint_eq(n, strlen(out));
	ck_assert_uint_lt(n, outlen);
	return out;
}

START_TEST(escape_plain_names_unchanged)
{
	char out[256];
	ck_assert_str_eq(escaped("gt-lab-fx-busy", out, sizeof(out)), "gt-lab-fx-busy");
	ck_assert_str_eq(escaped("web 01 (prod)", out, sizeof(out)), "web 01 (prod)");
	ck_assert_str_eq(escaped("日本語のゲスト", out, sizeof(out)), "日本語のゲスト");
	ck_assert_str_eq(escaped("café", out, sizeof(out)), "café");
	ck_assert_str_eq(escaped("", out, sizeof(out)), "");
}
END_TEST

START_TEST(escape_terminal_sequences)
{
	char out[256];
	ck_assert_str_eq(escaped("\033[2J\033]0;owned\007", out, sizeof(out)), "\\x1b[2J\\x1b]0;owned\\x07");
	ck_assert_str_eq(escaped("a\nb\rc\td", out, sizeof(out)), "a\\x0ab\\x0dc\\x09d");
	ck_assert_str_eq(escaped("x\177y", out, sizeof(out)), "x\\x7fy");
	ck_assert_str_eq(escaped("\001", out, sizeof(out)), "\\x01");
	assert_terminal_safe(out);
}
END_TEST

/* The comm captured from a real process: ESC [2J and a newline. */
START_TEST(escape_real_hostile_comm)
{
	size_t len;
	char *raw = fixture_load("comm-odd/proc/16098/comm", &len);
	char *in = malloc(len + 1);
	ck_assert_ptr_nonnull(in);
	memcpy(in, raw, len);
	in[len] = '\0';
	char out[128];
	ck_assert_str_eq(escaped(in, out, sizeof(out)), "ev\\x1b[2Jil\\x0a\\x0a");
	assert_terminal_safe(out);
	free(in);
	free(raw);
}
END_TEST

START_TEST(escape_backslash_is_doubled)
{
	char out[64];
	/* Otherwise a name could imitate an escape: "\x1b" typed literally. */
	ck_assert_str_eq(escaped("\\x1b", out, sizeof(out)), "\\\\x1b");
	ck_assert_str_eq(escaped("a\\", out, sizeof(out)), "a\\\\");
}
END_TEST

START_TEST(escape_invalid_utf8)
{
	char out[128];
	ck_assert_str_eq(escaped("\xff", out, sizeof(out)), "\\xff");
	ck_assert_str_eq(escaped("a\xc0\xafz", out, sizeof(out)), "a\\xc0\\xafz");	/* overlong '/' */
	ck_assert_str_eq(escaped("\xed\xa0\x80", out, sizeof(out)), "\\xed\\xa0\\x80");	/* surrogate */
	ck_assert_str_eq(escaped("\xf4\x90\x80\x80", out, sizeof(out)), "\\xf4\\x90\\x80\\x80");	/* > U+10FFFF */
	ck_assert_str_eq(escaped("x\xe6\x97", out, sizeof(out)), "x\\xe6\\x97");	/* cut sequence at the end */
	ck_assert_str_eq(escaped("\x9b" "31m", out, sizeof(out)), "\\x9b31m");	/* raw 8-bit CSI */
	assert_terminal_safe(out);
}
END_TEST

START_TEST(escape_bidi_and_invisible)
{
	char out[128];
	/* U+202E RIGHT-TO-LEFT OVERRIDE would show "exe.txt" as "txt.exe". */
	ck_assert_str_eq(escaped("evil\xe2\x80\xaetxt.exe", out, sizeof(out)), "evil\\u{202e}txt.exe");
	ck_assert_str_eq(escaped("a\xe2\x80\x8b" "b", out, sizeof(out)), "a\\u{200b}b");	/* zero width space */
	ck_assert_str_eq(escaped("\xef\xbb\xbfname", out, sizeof(out)), "\\u{feff}name");	/* BOM */
	ck_assert_str_eq(escaped("\xe2\x81\xa6x\xe2\x81\xa9", out, sizeof(out)), "\\u{2066}x\\u{2069}");
	ck_assert_str_eq(escaped("\xd8\x9c", out, sizeof(out)), "\\u{061c}");
	assert_terminal_safe(out);
}
END_TEST

/* C1 controls arrive as valid UTF-8 (U+009B is an 8-bit CSI for some terminals). */
START_TEST(escape_c1_controls)
{
	char out[64];
	escaped("\xc2\x9b" "2J\xc2\x85", out, sizeof(out));
	assert_terminal_safe(out);
	ck_assert_int_eq(out[0], '\\');
	ck_assert_ptr_nonnull(strstr(out, "2J"));
}
END_TEST

/* Truncation keeps whole escapes and whole characters, and always terminates. */
START_TEST(escape_truncates_whole_units)
{
	char out[6];
	memset(out, 'Z', sizeof(out));
	ck_assert_uint_eq(text_escape("ab\033cd", out, sizeof(out)), 2);
	ck_assert_str_eq(out, "ab");
	ck_assert_uint_eq(text_escape("a日本", out, sizeof(out)), 4);
	ck_assert_str_eq(out, "a日");
	char one[1] = { 'Z' };
	ck_assert_uint_eq(text_escape("abc", one, 1), 0);
	ck_assert_int_eq(one[0], '\0');
	char none[1] = { 'Z' };
	ck_assert_uint_eq(text_escape("abc", none, 0), 0);
	ck_assert_int_eq(none[0], 'Z');
}
END_TEST

/* A 200-character hostile name into an exact-size heap buffer: no byte written past it. */
START_TEST(escape_long_hostile_name)
{
	char in[201];
	for (int i = 0; i < 200; i++)
		in[i] = (i % 3 == 0) ? '\033' : (i % 3 == 1) ? '[' : 'x';
	in[200] = '\0';
	char *out = malloc(64);
	ck_assert_ptr_nonnull(out);
	size_t n = text_escape(in, out, 64);
	ck_assert_uint_eq(n, strlen(out));
	ck_assert_uint_le(n, 63);
	ck_assert_uint_ge(n, 60);
	assert_terminal_safe(out);
	ck_assert(strncmp(out, "\\x1b[x\\x1b[x", 12) == 0);
	free(out);

	char big[1024];
	n = text_escape(in, big, sizeof(big));
	ck_assert_uint_eq(n, 67 * 4 + 133);	/* 67 ESC as \x1b, 133 printable */
}
END_TEST

START_TEST(width_ascii_cjk_and_escapes)
{
	ck_assert_int_eq(text_width(""), 0);
	ck_assert_int_eq(text_width("web01"), 5);
	ck_assert_int_eq(text_width("日本語"), 6);
	ck_assert_int_eq(text_width("a日b"), 4);
	ck_assert_int_eq(text_width("café"), 4);
	ck_assert_int_eq(text_width("\\x1b[2J"), 7);
	/* Combining acute accent takes no column. */
	ck_assert_int_eq(text_width("e\xcc\x81"), 1);
	/* Full-width Latin and a Hangul syllable are double width too. */
	ck_assert_int_eq(text_width("\xef\xbc\xa1\xea\xb0\x80"), 4);
}
END_TEST

START_TEST(fit_pads_and_cuts)
{
	char out[64];
	ck_assert_uint_eq(text_fit("hello", 8, 1, out, sizeof(out)), 8);
	ck_assert_str_eq(out, "hello   ");
	ck_assert_uint_eq(text_fit("hello", 8, 0, out, sizeof(out)), 5);
	ck_assert_str_eq(out, "hello");
	text_fit("hello", 5, 1, out, sizeof(out));
	ck_assert_str_eq(out, "hello");
	text_fit("hello world", 5, 1, out, sizeof(out));
	ck_assert_str_eq(out, "hell~");
	text_fit("hello", 1, 1, out, sizeof(out));
	ck_assert_str_eq(out, "~");
	ck_assert_uint_eq(text_fit("hello", 0, 1, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(text_fit("hello", -3, 1, out, sizeof(out)), 0);
}
END_TEST

/* A double-width character is never cut in half: one column of padding instead. */
START_TEST(fit_cjk_never_splits)
{
	char out[64];
	text_fit("日本語", 6, 1, out, sizeof(out));
	ck_assert_str_eq(out, "日本語");
	text_fit("日本語", 5, 1, out, sizeof(out));
	ck_assert_str_eq(out, "日本~");
	ck_assert_int_eq(text_width(out), 5);
	text_fit("日本語", 4, 1, out, sizeof(out));
	ck_assert_str_eq(out, "日~ ");
	ck_assert_int_eq(text_width(out), 4);
	text_fit("日本語", 4, 0, out, sizeof(out));
	ck_assert_str_eq(out, "日~");
	text_fit("a日本", 3, 1, out, sizeof(out));
	ck_assert_str_eq(out, "a~ ");
}
END_TEST

/* Escaped hostile names always fill a column exactly. */
START_TEST(fit_escaped_hostile_names_exact_width)
{
	static const char *const names[] = {
		"\033[31mred\033[0m", "evil\xe2\x80\xaetxt.exe", "日本語のゲスト名前",
		"a\xff\xfe" "b", "\\", "",
	};
	char esc[256], out[256];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		text_escape(names[i], esc, sizeof(esc));
		for (int w = 1; w <= 20; w++) {
			text_fit(esc, w, 1, out, sizeof(out));
			ck_assert_msg(text_width(out) == w, "name %zu width %d: got %d ('%s')", i, w,
				      text_width(out), out);
			assert_terminal_safe(out);
		}
	}
}
END_TEST

/* The output buffer bounds the copy even when the width would allow more. */
START_TEST(fit_small_buffer)
{
	char *out = malloc(4);
	ck_assert_ptr_nonnull(out);
	size_t n = text_fit("abcdefgh", 20, 1, out, 4);
	ck_assert_uint_eq(n, strlen(out));
	ck_assert_uint_le(n, 3);
	n = text_fit("日本語", 20, 1, out, 4);
	ck_assert_uint_eq(n, strlen(out));
	ck_assert_str_eq(out, "日");
	char none[1] = { 'Z' };
	ck_assert_uint_eq(text_fit("abc", 3, 1, none, 0), 0);
	ck_assert_int_eq(none[0], 'Z');
	free(out);
}
END_TEST

Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("escape");
	tcase_add_test(tc, escape_plain_names_unchanged);
	tcase_add_test(tc, escape_terminal_sequences);
	tcase_add_test(tc, escape_real_hostile_comm);
	tcase_add_test(tc, escape_backslash_is_doubled);
	tcase_add_test(tc, escape_invalid_utf8);
	tcase_add_test(tc, escape_bidi_and_invisible);
	tcase_add_test(tc, escape_c1_controls);
	tcase_add_test(tc, escape_truncates_whole_units);
	tcase_add_test(tc, escape_long_hostile_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("width_fit");
	tcase_add_test(tc, width_ascii_cjk_and_escapes);
	tcase_add_test(tc, fit_pads_and_cuts);
	tcase_add_test(tc, fit_cjk_never_splits);
	tcase_add_test(tc, fit_escaped_hostile_names_exact_width);
	tcase_add_test(tc, fit_small_buffer);
	suite_add_tcase(s, tc);
	return s;
}
