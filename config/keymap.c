/* Default key bindings, htop-like; the help screen is generated from them. */
#include "config/keymap.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

struct binding {
	int key;
	enum action action;
};

static const struct binding bindings[] = {
	{ KEY_UP, ACT_UP },
	{ KEY_DOWN, ACT_DOWN },
	{ KEY_PPAGE, ACT_PAGE_UP },
	{ KEY_NPAGE, ACT_PAGE_DOWN },
	{ KEY_HOME, ACT_HOME },
	{ KEY_END, ACT_END },
	{ '<', ACT_SORT_PREV },
	{ ',', ACT_SORT_PREV },
	{ '>', ACT_SORT_NEXT },
	{ '.', ACT_SORT_NEXT },
	{ KEY_F(6), ACT_SORT_MENU },
	{ 'P', ACT_SORT_CPU },
	{ 'M', ACT_SORT_MEM },
	{ 'I', ACT_INVERT },
	{ '/', ACT_SEARCH },
	{ KEY_F(3), ACT_SEARCH },
	{ 'N', ACT_SEARCH_NEXT },
	{ KEY_F(2), ACT_COLUMNS },
	{ 'C', ACT_COLUMNS },
	{ KEY_F(4), ACT_FILTER },
	{ '\\', ACT_FILTER },
	{ '\n', ACT_DETAIL },
	{ '\r', ACT_DETAIL },
	{ KEY_ENTER, ACT_DETAIL },
	{ KEY_F(5), ACT_HOST_VIEW },
	{ 'H', ACT_HOST_VIEW },
	{ ' ', ACT_TAG },
	{ 'U', ACT_UNTAG_ALL },
	{ KEY_F(9), ACT_ACTION_MENU },
	{ 'k', ACT_ACTION_MENU },
	{ 's', ACT_GA_START },
	{ 'd', ACT_GA_SHUTDOWN },
	{ 'r', ACT_GA_REBOOT },
	{ 'X', ACT_GA_FORCE_OFF },
	{ 'p', ACT_GA_SUSPEND },
	{ 'u', ACT_GA_RESUME },
	{ 'w', ACT_GA_SAVE },
	{ 'a', ACT_GA_AUTOSTART },
	{ 'D', ACT_GA_DELETE },
	{ 'c', ACT_GA_CONSOLE },
	{ 'v', ACT_GA_DISPLAY },
	{ KEY_F(7), ACT_NEW_GUEST },
	{ 'n', ACT_NEW_GUEST },
	{ KEY_F(1), ACT_HELP },
	{ 'h', ACT_HELP },
	{ '?', ACT_HELP },
	{ 12 /* ^L */, ACT_REDRAW },
	{ 'q', ACT_QUIT },
	{ KEY_F(10), ACT_QUIT },
};

static const char *const action_help[ACT_COUNT_] = {
#define X(id, help) [ACT_##id] = help,
	GT_ACTIONS(X)
#undef X
};

enum action keymap_lookup(int key)
{
	for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++)
		if (bindings[i].key == key)
			return bindings[i].action;
	return ACT_NONE;
}

static void describe_key(int key, char *buf, size_t len)
{
	switch (key) {
	case KEY_UP: snprintf(buf, len, "Up"); return;
	case KEY_DOWN: snprintf(buf, len, "Down"); return;
	case KEY_PPAGE: snprintf(buf, len, "PgUp"); return;
	case KEY_NPAGE: snprintf(buf, len, "PgDn"); return;
	case KEY_HOME: snprintf(buf, len, "Home"); return;
	case KEY_END: snprintf(buf, len, "End"); return;
	case '\n': snprintf(buf, len, "Enter"); return;
	case ' ': snprintf(buf, len, "Space"); return;
	case '\r':
	case KEY_ENTER: buf[0] = '\0'; return;	/* the same key as Enter */
	default: break;
	}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, len, "F%d", key - KEY_F0);
	else if (key > 0 && key < 32)
		snprintf(buf, len, "^%c", key + '@');
	else
		snprintf(buf, len, "%c", key);
}

void keymap_keys_for(enum action a, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++) {
		if (bindings[i].action != a)
			continue;
		char name[16];
		describe_key(bindings[i].key, name, sizeof(name));
		if (!name[0])
			continue;
		int w = snprintf(buf + used, len - used, "%s%s", used ? " " : "", name);
		if (w < 0 || (size_t)w >= len - used) {
			buf[used] = '\0';	/* whole key names only */
			break;
		}
		used += (size_t)w;
	}
}

const char *keymap_action_help(enum action a)
{
	return a > ACT_NONE && a < ACT_COUNT_ ? action_help[a] : "";
}
