/* Default key bindings, htop-like; the help screen is generated from them. */
#include "config/keymap.h"

#include <ctype.h>
#include <curses.h>
#include <stdbool.h>
#include <stdlib.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>

struct binding {
	int key;
	enum action action;
};

static const struct binding defaults[] = {
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
	{ KEY_F(2), ACT_SETUP },
	{ 'S', ACT_SETUP },
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

/* The bindings in force: the defaults, then what bind lines changed. */
#define MAX_BINDINGS 256
static struct binding bindings[MAX_BINDINGS];
static size_t n_bindings;
static bool initialised;

void keymap_reset(void)
{
	memcpy(bindings, defaults, sizeof(defaults));
	n_bindings = sizeof(defaults) / sizeof(defaults[0]);
	initialised = true;
}

static void ensure(void)
{
	if (!initialised)
		keymap_reset();
}

static const char *const action_ids[ACT_COUNT_] = {
#define X(id, help) [ACT_##id] = #id,
	GT_ACTIONS(X)
#undef X
};

static const char *const action_help[ACT_COUNT_] = {
#define X(id, help) [ACT_##id] = help,
	GT_ACTIONS(X)
#undef X
};

enum action keymap_lookup(int key)
{
	ensure();
	for (size_t i = 0; i < n_bindings; i++)
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
	case KEY_LEFT: snprintf(buf, len, "Left"); return;
	case KEY_RIGHT: snprintf(buf, len, "Right"); return;
	case KEY_DC: snprintf(buf, len, "Delete"); return;
	case KEY_BACKSPACE: snprintf(buf, len, "Backspace"); return;
	case '\t': snprintf(buf, len, "Tab"); return;
	case 27: snprintf(buf, len, "Esc"); return;
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
	ensure();
	for (size_t i = 0; i < n_bindings; i++) {
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

/* An action's name in config files: its id in lower case, '-' for '_', without "ga_". */
void keymap_action_name(enum action a, char *buf, size_t len)
{
	const char *id = a > ACT_NONE && a < ACT_COUNT_ ? action_ids[a] : "none";
	if (strncmp(id, "GA_", 3) == 0)
		id += 3;
	size_t i = 0;
	for (; id[i] && i + 1 < len; i++)
		buf[i] = id[i] == '_' ? '-' : (char)tolower((unsigned char)id[i]);
	if (len)
		buf[i] = '\0';
}

static int key_by_name(const char *name)
{
	static const struct {
		const char *name;
		int key;
	} named[] = {
		{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
		{ "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
		{ "Enter", '\n' }, { "Space", ' ' }, { "Tab", '\t' }, { "Esc", 27 },
		{ "Delete", KEY_DC }, { "Backspace", KEY_BACKSPACE },
	};
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strcasecmp(name, named[i].name) == 0)
			return named[i].key;
	if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '1' && name[1] <= '9') {
		char *end;
		long n = strtol(name + 1, &end, 10);
		if (!*end && n >= 1 && n <= 12)
			return KEY_F((int)n);
	}
	if (name[0] == '^' && name[1] && !name[2]) {
		int c = toupper((unsigned char)name[1]);
		if (c >= '@' && c <= '_')
			return c - '@';
	}
	/* One printable ASCII character stands for itself. */
	if (name[0] > ' ' && name[0] < 127 && !name[1])
		return (unsigned char)name[0];
	return -1;
}

int keymap_bind(const char *key, const char *action, char *err, size_t errlen)
{
	ensure();
	int k = key_by_name(key);
	if (k < 0) {
		snprintf(err, errlen, "unknown key '%.32s' (a character, F1 to F12, ^X, or a name such as PgUp or Space)",
			 key);
		return -1;
	}
	enum action a = ACT_COUNT_;
	if (strcmp(action, "none") == 0)
		a = ACT_NONE;
	for (int i = ACT_NONE + 1; a == ACT_COUNT_ && i < ACT_COUNT_; i++) {
		char name[32];
		keymap_action_name((enum action)i, name, sizeof(name));
		if (strcmp(name, action) == 0)
			a = (enum action)i;
	}
	if (a == ACT_COUNT_) {
		snprintf(err, errlen, "unknown action '%.32s' (guesttop --dump-config lists them)", action);
		return -1;
	}
	/* The key's old binding goes; Enter's twins (CR, the keypad's) follow it. */
	for (size_t i = 0; i < n_bindings;) {
		bool twin = k == '\n' && (bindings[i].key == '\r' || bindings[i].key == KEY_ENTER);
		if (bindings[i].key == k || twin) {
			/* In order: help lists keys as they come. */
			memmove(&bindings[i], &bindings[i + 1], (n_bindings - i - 1) * sizeof(bindings[0]));
			n_bindings--;
		} else {
			i++;
		}
	}
	if (a == ACT_NONE)
		return 0;
	if (n_bindings == MAX_BINDINGS) {
		snprintf(err, errlen, "too many key bindings");
		return -1;
	}
	bindings[n_bindings++] = (struct binding){ k, a };
	if (k == '\n') {
		if (n_bindings < MAX_BINDINGS)
			bindings[n_bindings++] = (struct binding){ '\r', a };
		if (n_bindings < MAX_BINDINGS)
			bindings[n_bindings++] = (struct binding){ KEY_ENTER, a };
	}
	return 0;
}

void keymap_dump(FILE *f)
{
	ensure();
	for (int a = ACT_NONE + 1; a < ACT_COUNT_; a++) {
		char name[32];
		keymap_action_name((enum action)a, name, sizeof(name));
		for (size_t i = 0; i < n_bindings; i++) {
			char key[16];
			if ((int)bindings[i].action != a)
				continue;
			describe_key(bindings[i].key, key, sizeof(key));
			if (key[0])
				fprintf(f, "bind %s %s\n", key, name);
		}
	}
	/* Default keys now bound to nothing, so that the dump read back gives the same keys. */
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		char key[16];
		if (keymap_lookup(defaults[i].key) != ACT_NONE)
			continue;
		describe_key(defaults[i].key, key, sizeof(key));
		if (key[0])
			fprintf(f, "bind %s none\n", key);
	}
}
