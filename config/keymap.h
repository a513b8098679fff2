/* The console's actions and their default keys: one list drives dispatch and the help screen. */
#ifndef GUESTTOP_KEYMAP_H
#define GUESTTOP_KEYMAP_H

#include <stddef.h>
#include <stdio.h>

/* X(id, help text) */
#define GT_ACTIONS(X) \
	X(UP, "move the selection up") \
	X(DOWN, "move the selection down") \
	X(PAGE_UP, "one page up") \
	X(PAGE_DOWN, "one page down") \
	X(HOME, "first guest") \
	X(END, "last guest") \
	X(SORT_PREV, "sort by the column to the left") \
	X(SORT_NEXT, "sort by the column to the right") \
	X(SORT_MENU, "choose the sort column") \
	X(SORT_CPU, "sort by CPU%") \
	X(SORT_MEM, "sort by RSS (host memory)") \
	X(INVERT, "invert the sort order") \
	X(SEARCH, "search guests by name") \
	X(SEARCH_NEXT, "next guest matching the search") \
	X(SETUP, "setup: columns, sort, interval, victim thresholds, timeout, colours; saved to the config file") \
	X(COLUMNS, "choose the columns shown") \
	X(FILTER, "show all guests, running ones, victims and culprits, one backend or one state") \
	X(DETAIL, "the selected guest in detail: threads, disks, NICs, who hurts it") \
	X(HOST_VIEW, "the host's CPUs and whose vCPUs ran on each") \
	X(TAG, "tag or untag the guest (actions then apply to every tagged guest)") \
	X(UNTAG_ALL, "untag every guest") \
	X(ACTION_MENU, "actions the guest's state allows") \
	X(GA_START, "start the guest (restores a managed save)") \
	X(GA_SHUTDOWN, "shut down (ACPI), force off offered after the timeout") \
	X(GA_REBOOT, "reboot") \
	X(GA_FORCE_OFF, "force off (pull the plug)") \
	X(GA_SUSPEND, "suspend (pause the vCPUs)") \
	X(GA_RESUME, "resume a suspended guest") \
	X(GA_SAVE, "managed save: save the memory to disk and stop") \
	X(GA_AUTOSTART, "turn autostart on or off") \
	X(GA_DELETE, "delete the definition (type the name to confirm; disks are kept)") \
	X(GA_CONSOLE, "attach to the serial console (Ctrl-] returns)") \
	X(GA_DISPLAY, "show the graphical display's address (VNC/SPICE)") \
	X(NEW_GUEST, "install a new guest from an ISO or a template") \
	X(HELP, "this help") \
	X(REDRAW, "redraw the screen") \
	X(QUIT, "quit")

enum action {
	ACT_NONE = 0,
#define X(id, help) ACT_##id,
	GT_ACTIONS(X)
#undef X
	ACT_COUNT_
};

/* The action bound to a curses key code, ACT_NONE if none. */
enum action keymap_lookup(int key);
/* The keys bound to an action as text ("F1 h ?"), for help and the man page. */
void keymap_keys_for(enum action a, char *buf, size_t len);
const char *keymap_action_help(enum action a);
/* Back to the default bindings. */
void keymap_reset(void);
/*
 * Bind a key, named as in help ("k", "F9", "^L", "PgUp", "Space"), to an
 * action named as in keymap_action_name ("force-off"), or "none" to unbind
 * it. The key's old binding goes. -1 with err set on an unknown name.
 */
int keymap_bind(const char *key, const char *action, char *err, size_t errlen);
/* "force-off" for ACT_GA_FORCE_OFF. */
void keymap_action_name(enum action a, char *buf, size_t len);
/* Every binding in force as "bind KEY ACTION" lines. */
void keymap_dump(FILE *f);

#endif
