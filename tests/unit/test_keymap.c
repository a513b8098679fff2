/* Tests of the default key bindings, bind lines, and the key names the help screen shows. */
#include <curses.h>
#include <string.h>

#include "config/keymap.h"
#include "tests/unit/unit.h"

START_TEST(lookup_default_keys)
{
	ck_assert_int_eq(keymap_lookup('q'), ACT_QUIT);
	ck_assert_int_eq(keymap_lookup(KEY_F(10)), ACT_QUIT);
	ck_assert_int_eq(keymap_lookup('h'), ACT_HELP);
	ck_assert_int_eq(keymap_lookup('?'), ACT_HELP);
	ck_assert_int_eq(keymap_lookup(KEY_F(1)), ACT_HELP);
	ck_assert_int_eq(keymap_lookup(KEY_UP), ACT_UP);
	ck_assert_int_eq(keymap_lookup(KEY_DOWN), ACT_DOWN);
	ck_assert_int_eq(keymap_lookup(KEY_PPAGE), ACT_PAGE_UP);
	ck_assert_int_eq(keymap_lookup(KEY_NPAGE), ACT_PAGE_DOWN);
	ck_assert_int_eq(keymap_lookup(KEY_HOME), ACT_HOME);
	ck_assert_int_eq(keymap_lookup(KEY_END), ACT_END);
	ck_assert_int_eq(keymap_lookup('<'), ACT_SORT_PREV);
	ck_assert_int_eq(keymap_lookup(','), ACT_SORT_PREV);
	ck_assert_int_eq(keymap_lookup('>'), ACT_SORT_NEXT);
	ck_assert_int_eq(keymap_lookup('.'), ACT_SORT_NEXT);
	ck_assert_int_eq(keymap_lookup(KEY_F(6)), ACT_SORT_MENU);
	ck_assert_int_eq(keymap_lookup('P'), ACT_SORT_CPU);
	ck_assert_int_eq(keymap_lookup('M'), ACT_SORT_MEM);
	ck_assert_int_eq(keymap_lookup('I'), ACT_INVERT);
	ck_assert_int_eq(keymap_lookup('/'), ACT_SEARCH);
	ck_assert_int_eq(keymap_lookup(KEY_F(3)), ACT_SEARCH);
	ck_assert_int_eq(keymap_lookup('N'), ACT_SEARCH_NEXT);
	ck_assert_int_eq(keymap_lookup('n'), ACT_NEW_GUEST);
	ck_assert_int_eq(keymap_lookup(12), ACT_REDRAW);
}
END_TEST

START_TEST(lookup_unbound_keys)
{
	static const int keys[] = { 'x', 'Q', 'j', 'm', 0, -1, 27, KEY_F(11), KEY_RESIZE, 0x7fffffff };
	ck_assert_int_eq(keymap_lookup(keys[_i]), ACT_NONE);
}
END_TEST

START_TEST(keys_for_actions)
{
	char buf[64];
	keymap_keys_for(ACT_HELP, buf, sizeof(buf));
	ck_assert_str_eq(buf, "F1 h ?");
	keymap_keys_for(ACT_QUIT, buf, sizeof(buf));
	ck_assert_str_eq(buf, "q F10");
	keymap_keys_for(ACT_REDRAW, buf, sizeof(buf));
	ck_assert_str_eq(buf, "^L");
	keymap_keys_for(ACT_UP, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Up");
	keymap_keys_for(ACT_PAGE_DOWN, buf, sizeof(buf));
	ck_assert_str_eq(buf, "PgDn");
	keymap_keys_for(ACT_SORT_PREV, buf, sizeof(buf));
	ck_assert_str_eq(buf, "< ,");
	keymap_keys_for(ACT_SEARCH, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/ F3");
	keymap_keys_for(ACT_NONE, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

/* Every action has a key and a help line, and every named key maps back to its action. */
START_TEST(every_action_bound_and_described)
{
	for (int a = ACT_NONE + 1; a < ACT_COUNT_; a++) {
		char buf[64];
		keymap_keys_for((enum action)a, buf, sizeof(buf));
		ck_assert_msg(buf[0] != '\0', "action %d has no key", a);
		ck_assert_uint_gt(strlen(keymap_action_help((enum action)a)), 0);
	}
	ck_assert_str_eq(keymap_action_help(ACT_NONE), "");
	ck_assert_str_eq(keymap_action_help(ACT_COUNT_), "");
	ck_assert_str_eq(keymap_action_help((enum action)-1), "");
}
END_TEST

/* A single printable key bound to two actions would make the second binding dead. */
START_TEST(no_key_bound_twice)
{
	for (int a = ACT_NONE + 1; a < ACT_COUNT_; a++) {
		char buf[64];
		keymap_keys_for((enum action)a, buf, sizeof(buf));
		for (char *tok = buf; *tok;) {
			size_t l = strcspn(tok, " ");
			if (l == 1)
				ck_assert_msg(keymap_lookup((unsigned char)tok[0]) == (enum action)a,
					      "key '%c' of action %d maps elsewhere", tok[0], a);
			tok += l;
			while (*tok == ' ')
				tok++;
		}
	}
}
END_TEST

/* A short buffer gets whole key names only, always terminated. */
START_TEST(keys_for_small_buffer)
{
	char buf[5];
	memset(buf, 'Z', sizeof(buf));
	keymap_keys_for(ACT_HELP, buf, sizeof(buf));
	ck_assert_str_eq(buf, "F1 h");
	char tiny[2];
	keymap_keys_for(ACT_HELP, tiny, sizeof(tiny));
	ck_assert_str_eq(tiny, "");
}
END_TEST

/* bind: keys by name, actions by name, none unbinds, and help shows what is in force. */
START_TEST(bind_keys)
{
	char err[256];
	keymap_reset();
	ck_assert_int_eq(keymap_lookup('k'), ACT_ACTION_MENU);
	ck_assert_int_eq(keymap_bind("x", "force-off", err, sizeof(err)), 0);
	ck_assert_int_eq(keymap_lookup('x'), ACT_GA_FORCE_OFF);
	ck_assert_int_eq(keymap_bind("k", "none", err, sizeof(err)), 0);
	ck_assert_int_eq(keymap_lookup('k'), ACT_NONE);
	ck_assert_int_eq(keymap_bind("^K", "action-menu", err, sizeof(err)), 0);
	ck_assert_int_eq(keymap_lookup(11), ACT_ACTION_MENU);
	ck_assert_int_eq(keymap_bind("F12", "quit", err, sizeof(err)), 0);
	ck_assert_int_eq(keymap_bind("pgdn", "up", err, sizeof(err)), 0);
	ck_assert_int_eq(keymap_lookup(KEY_NPAGE), ACT_UP);
	char keys[64];
	keymap_keys_for(ACT_GA_FORCE_OFF, keys, sizeof(keys));
	ck_assert_str_eq(keys, "X x");
	keymap_keys_for(ACT_ACTION_MENU, keys, sizeof(keys));
	ck_assert_str_eq(keys, "F9 ^K");
	keymap_keys_for(ACT_QUIT, keys, sizeof(keys));
	ck_assert_str_eq(keys, "q F10 F12");
	/* Enter moves with its twins (CR and the keypad's Enter). */
	ck_assert_int_eq(keymap_bind("Enter", "help", err, sizeof(err)), 0);
	ck_assert_int_eq(keymap_lookup('\r'), ACT_HELP);
	ck_assert_int_eq(keymap_lookup(KEY_ENTER), ACT_HELP);
	ck_assert_int_eq(keymap_bind("F13", "quit", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown key 'F13'"));
	ck_assert_int_eq(keymap_bind("xy", "quit", err, sizeof(err)), -1);
	ck_assert_int_eq(keymap_bind("x", "explode", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown action 'explode'"));
	ck_assert_int_eq(keymap_lookup('x'), ACT_GA_FORCE_OFF);
	keymap_reset();
	ck_assert_int_eq(keymap_lookup('x'), ACT_NONE);
	ck_assert_int_eq(keymap_lookup('k'), ACT_ACTION_MENU);
}
END_TEST

Suite *keymap_suite(void)
{
	Suite *s = suite_create("keymap");
	TCase *tc = tcase_create("keys");
	tcase_add_test(tc, lookup_default_keys);
	tcase_add_loop_test(tc, lookup_unbound_keys, 0, 10);
	tcase_add_test(tc, keys_for_actions);
	tcase_add_test(tc, every_action_bound_and_described);
	tcase_add_test(tc, no_key_bound_twice);
	tcase_add_test(tc, keys_for_small_buffer);
	tcase_add_test(tc, bind_keys);
	suite_add_tcase(s, tc);
	return s;
}
