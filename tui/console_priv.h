/* The console's state, shared by its screens (table, detail, host view, help); not for other modules. */
#ifndef GUESTTOP_CONSOLE_PRIV_H
#define GUESTTOP_CONSOLE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/collector.h"
#include "backends/executor.h"
#include "backends/host.h"
#include "backends/cgroupfs.h"
#include "config/options.h"
#include "tui/columns.h"
#include "tui/model.h"
#include "tui/record.h"
#include "widgets/dialog.h"
#include "widgets/form.h"
#include "widgets/menu.h"
#include "widgets/table.h"

enum console_screen { SCREEN_TABLE, SCREEN_DETAIL, SCREEN_HOST, SCREEN_HELP, SCREEN_NEW_GUEST, SCREEN_SETUP };
enum overlay {
	OVERLAY_NONE,
	OVERLAY_SORT_MENU,
	OVERLAY_SEARCH,
	OVERLAY_GOTO,		/* replay: the time to jump to */
	OVERLAY_COLUMNS,
	OVERLAY_FILTER,
	OVERLAY_ACTIONS,	/* the action menu (F9) */
	OVERLAY_DIALOG,		/* a confirmation */
};

/* A guest named by backend and uuid: tags and pending work outlive any one listing. */
struct guest_ref {
	const struct backend *be;
	char uuid[GUEST_UUID_LEN];
	char name[GUEST_NAME_MAX];
};

/* A shutdown request waiting for the guest to stop, or for its timeout. */
struct pending_shutdown {
	struct guest_ref ref;
	uint64_t deadline_ns;
	bool expired;
};

#define MAX_TARGETS 256

enum filter_mode { FILTER_ALL, FILTER_ACTIVE, FILTER_FLAGGED, FILTER_KIND, FILTER_STATE };

#define FILTER_MENU_MAX 24

struct console {
	const struct options *o;	/* (borrowed) */
	char prom_err[300];		/* the last Prometheus textfile error, "" none */
	int table_y, table_w;		/* where the table was last drawn (its header line), for the mouse */
	unsigned interval_ms;		/* the refresh interval (the setup screen changes it) */
	long shutdown_timeout_s;
	bool mono;
	bool confirm;			/* ask yes or no before the actions that have a dialog */
	enum column col_order[COL_COUNT_];	/* the order columns are drawn in: the chosen, then the rest */
	struct form setup_form;
	/* Replay (--replay): the recording, the refresh shown, and whether it plays on. */
	struct recording *rec;
	size_t rec_k;
	bool rec_playing;
	char rec_msg[300];
	char goto_text[32];
	FILE *record;			/* --record: frames appended here */
	struct backend *bes;		/* (borrowed) */
	size_t n_bes;
	struct collector *col;		/* (owned) */
	struct model m;
	struct host *host;		/* (owned) */
	struct host_sample hs;
	struct host_psi psi_prev, psi_cur;
	uint64_t psi_prev_ns, psi_cur_ns;
	struct guest_list list;
	unsigned long gen;
	bool have_listing;
	bool utf8;			/* the terminal's locale can draw block characters */
	size_t *order;			/* (owned) display order: indexes into m.rows, filtered */
	size_t n_order, order_cap;
	enum column sort;
	bool invert;
	bool visible[COL_COUNT_];
	enum filter_mode filter;
	char filter_kind[GUEST_KIND_MAX];
	enum guest_state filter_state;
	struct table_view view;
	int table_height;
	/*
	 * Until the user moves it, the selection stays on the first row (the top
	 * consumer); after that it follows the chosen guest across re-sorts.
	 */
	bool user_selected;
	char sel_uuid[GUEST_UUID_LEN];
	const struct backend *sel_backend;
	enum console_screen screen;
	int scroll;			/* first line shown on the help, detail and host screens */
	enum overlay overlay;
	struct menu menu;		/* the open menu, if any */
	const char *menu_items[FILTER_MENU_MAX > COL_COUNT_ ? FILTER_MENU_MAX : COL_COUNT_];
	char menu_text[FILTER_MENU_MAX > COL_COUNT_ ? FILTER_MENU_MAX : COL_COUNT_][40];
	char search[64];
	char last_search[64];
	char msg[256];
	bool msg_error;
	uint64_t msg_until_ns;
	uint64_t next_tick_ns;

	struct executor *ex;		/* (owned) runs guest actions */
	bool readonly;
	struct guest_ref *tags;		/* (owned) */
	size_t n_tags;
	struct pending_shutdown *shutdowns;	/* (owned) */
	size_t n_shutdowns;
	/* What the open dialog (or action menu) will do when confirmed. */
	struct dialog dialog;
	int pending_ga;
	struct guest_ref targets[MAX_TARGETS];
	size_t n_targets;
	const void *action_menu_defs[16];	/* (borrowed) struct action_def pointers */

	/* The new-guest form (F7), its file lists, and the creation running behind it. */
	struct form ng_form;
	struct ngform_files *ng_files;	/* (owned) */
	struct ngform_job *ng_job;	/* (owned until done; abandoned if still running at quit) */
	char attach_offer_name[GUEST_NAME_MAX];	/* offer its console once it is listed */
	const struct backend *attach_offer_be;
};

/* The new-guest form (tui/newguest_form.c). */
/* The setup screen (F2): settings applied at once and saved to the user's config file. */
void setup_open(struct console *c);
/* The columns' drawing order: these first (a columns setting's order), then the rest as usual. */
void console_set_order(struct console *c, const unsigned char *order, int n);
void setup_draw(struct console *c, int height, int width);
void setup_key(struct console *c, int key);
void ngform_open(struct console *c);
void ngform_draw(struct console *c, int height, int width);
void ngform_key(struct console *c, int key);
/* Follow a creation in progress; offer the new guest's console when it appears. */
void ngform_poll(struct console *c);
void ngform_free(struct console *c);
void console_message(struct console *c, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The selected guest's row, or NULL. */
struct guest_row *console_selected(struct console *c);
/*
 * The guest table's steps, shared with tests/bench/interact.c: sort every row
 * by c->sort into c->order, filter it (F4) and keep the selected guest
 * selected; the filter step alone (c->order holds all m.n rows in display
 * order, n_order becomes how many pass); select the first guest from `from` on
 * (wrapping) whose name contains needle (the search, / and F3); draw the table
 * (header line and one page of rows) at y, height lines.
 */
void console_resort(struct console *c);
void console_filter(struct console *c);
bool console_search_from(struct console *c, const char *needle, size_t from);
void console_draw_table(struct console *c, int y, int height, int width);
/* Host pressure over the last interval, percent, NAN unknown. */
double console_host_psi(const struct console *c, int which);

/* Screens that scroll a list of lines: each draws lines [c->scroll, ...) into rows 0..height-2. */
void detail_draw(struct console *c, int height, int width);
void hostview_draw(struct console *c, int height, int width);

/* A line writer for scrolling screens: skips lines above c->scroll, stops at the bottom. */
struct lines {
	int y, line, top, height, width;
};
void lines_printf(struct lines *l, int attr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The total number of lines written so far, shown or not. */
int lines_total(const struct lines *l);

#endif
