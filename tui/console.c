/* The interactive console: a refresh loop that never waits on a backend, and the screens it draws. */
#include "tui/console.h"

#include <ctype.h>
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/collector.h"
#include "backends/host.h"
#include "backends/sampler.h"
#include "config/keymap.h"
#include "tui/columns.h"
#include "tui/model.h"
#include "widgets/funcbar.h"
#include "widgets/menu.h"
#include "widgets/meter.h"
#include "widgets/table.h"
#include "widgets/text.h"
#include "widgets/widgets.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

#define NAME_MIN_WIDTH 16
#define NAME_MAX_WIDTH 32
#define FIRST_RATE_MS 1000

enum console_screen { SCREEN_TABLE, SCREEN_HELP };
enum overlay { OVERLAY_NONE, OVERLAY_SORT_MENU, OVERLAY_SEARCH };

struct console {
	const struct options *o;	/* (borrowed) */
	struct backend *bes;		/* (borrowed) */
	size_t n_bes;
	struct collector *col;		/* (owned) */
	struct model m;
	struct host *host;		/* (owned) */
	struct host_sample hs;
	struct guest_list list;
	unsigned long gen;
	bool have_listing;
	size_t *order;			/* (owned) display order: indexes into m.rows */
	size_t order_cap;
	enum column sort;
	bool invert;
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
	int help_top;
	enum overlay overlay;
	struct menu sort_menu;
	const char *sort_items[COL_COUNT_];
	char search[64];
	char last_search[64];
	char msg[256];
	bool msg_error;
	uint64_t msg_until_ns;
	uint64_t next_tick_ns;
	unsigned ticks;
};

static volatile sig_atomic_t quit_signal;
static bool curses_active;
static int saved_stderr = -1;

static void restore_terminal(void)
{
	if (curses_active) {
		endwin();
		curses_active = false;
	}
	if (saved_stderr >= 0) {
		dup2(saved_stderr, STDERR_FILENO);
		close(saved_stderr);
		saved_stderr = -1;
	}
}

static void on_quit_signal(int sig)
{
	quit_signal = sig;
}

/* A crash must not leave the terminal in raw mode: restore it, then die as we would have. */
static void on_crash_signal(int sig)
{
	restore_terminal();
	static const char msg[] = "guesttop: fatal signal; terminal restored\n";
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to do */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_quit_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct sigaction crash = { .sa_handler = on_crash_signal };
	sigemptyset(&crash.sa_mask);
	sigaction(SIGSEGV, &crash, NULL);
	sigaction(SIGBUS, &crash, NULL);
	sigaction(SIGFPE, &crash, NULL);
	sigaction(SIGILL, &crash, NULL);
	sigaction(SIGABRT, &crash, NULL);
}

/*
 * While curses owns the terminal nothing else may write to it: libraries
 * (libvirt's logging included) that write to stderr go to a log file under
 * the user's state directory instead.
 */
static void redirect_stderr(void)
{
	char dir[512], path[600];
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int fd = -1;
	if (state && state[0] == '/')
		snprintf(dir, sizeof(dir), "%s/guesttop", state);
	else if (home && home[0] == '/')
		snprintf(dir, sizeof(dir), "%s/.local/state/guesttop", home);
	else
		dir[0] = '\0';
	if (dir[0]) {
		/* Create the path one level at a time, private to the user. */
		for (char *p = dir + 1; *p; p++) {
			if (*p == '/') {
				*p = '\0';
				mkdir(dir, 0700);
				*p = '/';
			}
		}
		mkdir(dir, 0700);
		snprintf(path, sizeof(path), "%s/guesttop.log", dir);
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static void console_message(struct console *c, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	c->msg_error = error;
	c->msg_until_ns = sampler_now_ns() + 4000000000ull;
}

/* ---- ordering and selection ---- */

static void remember_selection(struct console *c)
{
	if (c->user_selected && c->m.n && c->view.selected < c->m.n) {
		const struct guest_row *r = &c->m.rows[c->order[c->view.selected]];
		snprintf(c->sel_uuid, sizeof(c->sel_uuid), "%s", r->g.uuid);
		c->sel_backend = r->g.backend;
	}
}

static void resort(struct console *c)
{
	if (c->order_cap < c->m.n) {
		size_t cap = c->m.n * 2;
		size_t *o = realloc(c->order, cap * sizeof(*o));
		if (!o)
			return;
		c->order = o;
		c->order_cap = cap;
	}
	columns_sort(&c->m, c->sort, c->invert, c->order);
	/* Keep the selected guest selected wherever the sort put it. */
	for (size_t i = 0; c->user_selected && i < c->m.n; i++) {
		const struct guest_row *r = &c->m.rows[c->order[i]];
		if (r->g.backend == c->sel_backend && strcmp(r->g.uuid, c->sel_uuid) == 0) {
			c->view.selected = i;
			break;
		}
	}
	table_view_clamp(&c->view, c->m.n, c->table_height);
}

static void select_row(struct console *c, size_t i)
{
	c->user_selected = true;
	table_view_select(&c->view, i, c->m.n, c->table_height);
	remember_selection(c);
}

/* ---- refresh ---- */

static void refresh_data(struct console *c)
{
	remember_selection(c);
	if (collector_take(c->col, &c->list, &c->gen)) {
		if (model_update(&c->m, &c->list) < 0)
			console_message(c, true, "out of memory");
		c->have_listing = true;
	}
	model_sample(&c->m);
	host_sample(c->host, &c->hs);
	c->ticks++;
	resort(c);
}

/* ---- drawing ---- */

static int draw_header(struct console *c, int width, int max_rows)
{
	const struct host_sample *hs = &c->hs;
	char text[96], used[16], total[16];
	unsigned ncpu = hs->ncpu;
	if (max_rows < 1)
		return 0;

	/* Cores on the left (in columns when there are many), figures on the right. */
	int text_rows = 4;
	int left_w = width / 2;
	int core_cols = 1;
	while (ncpu > (unsigned)(core_cols * max_rows) && core_cols < 8)
		core_cols *= 2;
	int core_rows = ncpu ? (int)((ncpu + (unsigned)core_cols - 1) / (unsigned)core_cols) : 0;
	int rows = core_rows > text_rows ? core_rows : text_rows;
	if (rows > max_rows)
		rows = max_rows;
	int core_w = left_w / core_cols;
	for (unsigned i = 0; i < ncpu; i++) {
		int col = (int)i / core_rows, row = (int)i % core_rows;
		if (row >= rows)
			continue;
		char label[12];
		snprintf(label, sizeof(label), "%3u", i);
		format_pct(hs->cpu_pct[i], text, sizeof(text));
		if (strcmp(text, "-") != 0)
			strcat(text, "%");
		meter_draw(stdscr, row, col * core_w, core_w - 1, label,
			   isnan(hs->cpu_pct[i]) ? NAN : hs->cpu_pct[i] / 100.0, 0.9, text);
	}
	int rx = left_w + 1, rw = width - rx;
	format_bytes((double)hs->mem_used, used, sizeof(used));
	format_bytes((double)hs->mem_total, total, sizeof(total));
	snprintf(text, sizeof(text), "%s/%s", used, total);
	meter_draw(stdscr, 0, rx, rw, "Mem", hs->mem_total ? (double)hs->mem_used / (double)hs->mem_total : NAN,
		   0.9, text);
	if (rows > 1) {
		format_bytes((double)hs->swap_used, used, sizeof(used));
		format_bytes((double)hs->swap_total, total, sizeof(total));
		snprintf(text, sizeof(text), "%s/%s", used, total);
		meter_draw(stdscr, 1, rx, rw, "Swp",
			   hs->swap_total ? (double)hs->swap_used / (double)hs->swap_total : NAN, 0.5, text);
	}
	if (rows > 2) {
		attrset(widgets_attr(CR_LABEL));
		mvaddnstr(2, rx, "Load average: ", rw);
		attrset(A_BOLD);
		snprintf(text, sizeof(text), "%.2f %.2f %.2f", hs->load[0], hs->load[1], hs->load[2]);
		if (rw > 14)
			mvaddnstr(2, rx + 14, text, rw - 14);
	}
	if (rows > 3) {
		struct model_counts mc;
		model_counts(&c->m, &mc);
		attrset(widgets_attr(CR_LABEL));
		mvaddnstr(3, rx, "Guests: ", rw);
		attrset(A_BOLD);
		if (c->have_listing)
			snprintf(text, sizeof(text), "%u running, %u paused, %u shut off", mc.running, mc.paused,
				 mc.shutoff);
		else
			snprintf(text, sizeof(text), "connecting...");
		if (rw > 8)
			mvaddnstr(3, rx + 8, text, rw - 8);
	}
	attrset(A_NORMAL);
	return rows;
}

/* Which columns fit, and how wide NAME gets. Returns the number of columns shown. */
static int layout_columns(int width, int *name_w)
{
	int shown = COL_COUNT_;
	for (;;) {
		int fixed = 0;
		for (int i = 1; i < shown; i++)
			fixed += columns[i].width + 1;
		int room = width - fixed;
		if (room >= NAME_MIN_WIDTH || shown == 2) {
			*name_w = room < NAME_MAX_WIDTH ? room : NAME_MAX_WIDTH;
			if (*name_w < 4)
				*name_w = 4;
			return shown;
		}
		shown--;
	}
}

static void draw_cells(int y, int width, int shown, int name_w, const struct guest_row *r,
		       attr_t base)
{
	char line[1024], cell[GUEST_NAME_MAX * 8], fit[GUEST_NAME_MAX * 8];
	size_t o = 0;
	for (int c = 0; c < shown; c++) {
		int w = c == COL_NAME ? name_w : columns[c].width;
		if (r)
			column_format(r, (enum column)c, cell, sizeof(cell));
		else
			snprintf(cell, sizeof(cell), "%s", columns[c].title);
		if (c)
			line[o++] = ' ';
		if (columns[c].kind == COL_TEXT) {
			o += text_fit(cell, w, 1, fit, sizeof(fit)) ? (size_t)snprintf(line + o, sizeof(line) - o, "%s", fit) : 0;
		} else {
			o += (size_t)snprintf(line + o, sizeof(line) - o, "%*s", w, cell);
		}
		if (o >= sizeof(line) - 1)
			break;
	}
	line[o < sizeof(line) ? o : sizeof(line) - 1] = '\0';
	attrset(base);
	mvaddnstr(y, 0, line, -1);
	int used = text_width(line);
	for (int x = used; x < width; x++)
		addch(' ');
	attrset(A_NORMAL);
}

static void draw_table(struct console *c, int y, int height, int width)
{
	int name_w;
	int shown = layout_columns(width, &name_w);
	draw_cells(y, width, shown, name_w, NULL, widgets_attr(CR_TABLE_HEADER));
	/* Mark the sort column in the header. */
	int x = 0;
	for (int i = 0; i < shown; i++) {
		int w = i == COL_NAME ? name_w : columns[i].width;
		if (i == (int)c->sort) {
			attrset(widgets_attr(CR_TABLE_SORTED));
			char t[64];
			if (columns[i].kind == COL_TEXT)
				snprintf(t, sizeof(t), "%-*s", w, columns[i].title);
			else
				snprintf(t, sizeof(t), "%*s", w, columns[i].title);
			mvaddnstr(y, x, t, w);
			attrset(A_NORMAL);
		}
		x += w + 1;
	}
	c->table_height = height - 1;
	table_view_clamp(&c->view, c->m.n, c->table_height);
	for (int i = 0; i < c->table_height; i++) {
		size_t k = c->view.top + (size_t)i;
		if (k >= c->m.n)
			break;
		const struct guest_row *r = &c->m.rows[c->order[k]];
		attr_t a = A_NORMAL;
		if (k == c->view.selected)
			a = widgets_attr(CR_SELECTED);
		else if (!guest_state_is_active(r->g.state))
			a = widgets_attr(CR_DIM);
		draw_cells(y + 1 + i, width, shown, name_w, r, a);
	}
	if (c->m.n == 0 && c->table_height > 0) {
		attrset(widgets_attr(CR_DIM));
		mvaddnstr(y + 1, 1, c->have_listing ? "no guests" : "waiting for the first listing...", width - 1);
		attrset(A_NORMAL);
	}
}

static void draw_status(struct console *c, int y, int width)
{
	char err[BACKEND_ERR_MAX], esc[BACKEND_ERR_MAX * 4];
	move(y, 0);
	clrtoeol();
	if (c->overlay == OVERLAY_SEARCH) {
		text_escape(c->search, esc, sizeof(esc));
		attrset(widgets_attr(CR_LABEL));
		mvaddnstr(y, 0, "Search: ", width);
		attrset(A_BOLD);
		if (width > 8)
			mvaddnstr(y, 8, esc, width - 8);
		attrset(A_NORMAL);
		return;
	}
	if (c->msg[0] && sampler_now_ns() < c->msg_until_ns) {
		attrset(c->msg_error ? widgets_attr(CR_ERROR) : A_BOLD);
		mvaddnstr(y, 0, c->msg, width);
		attrset(A_NORMAL);
		return;
	}
	collector_error(c->col, err, sizeof(err));
	if (err[0]) {
		/* Backend messages can quote guest names: escape them too. */
		text_escape(err, esc, sizeof(esc));
		attrset(widgets_attr(CR_ERROR));
		mvaddnstr(y, 0, esc, width);
		attrset(A_NORMAL);
		return;
	}
	if (geteuid() != 0 || c->m.io_denied || c->m.proc_unreadable) {
		attrset(widgets_attr(CR_DIM));
		mvaddnstr(y, 0, "not root: columns that need the guests' processes show '-'", width);
		attrset(A_NORMAL);
	}
}

static void draw_help(struct console *c, int height, int width)
{
	char keys[64];
	int y = 0, line = 0;
#define HELP_LINE(...)                                                \
	do {                                                          \
		if (line >= c->help_top && y < height - 1) {          \
			move(y, 0);                                   \
			printw(__VA_ARGS__);                          \
			y++;                                          \
		}                                                     \
		line++;                                               \
	} while (0)
	attrset(A_BOLD);
	HELP_LINE("guesttop %s - who is using this host, and who suffers from it", GUESTTOP_VERSION);
	attrset(A_NORMAL);
	HELP_LINE("%s", "");
	attrset(widgets_attr(CR_LABEL));
	HELP_LINE("%s", "Keys");
	attrset(A_NORMAL);
	for (int a = ACT_NONE + 1; a < ACT_COUNT_; a++) {
		keymap_keys_for((enum action)a, keys, sizeof(keys));
		HELP_LINE("  %-14s %s", keys, keymap_action_help((enum action)a));
	}
	HELP_LINE("%s", "");
	attrset(widgets_attr(CR_LABEL));
	HELP_LINE("%s", "Columns");
	attrset(A_NORMAL);
	for (int i = 0; i < COL_COUNT_; i++)
		HELP_LINE("  %-8s %s", columns[i].title, columns[i].meaning);
	HELP_LINE("%s", "");
	HELP_LINE("%s", "'-' means unknown (no rate yet, or not readable), never zero.");
	HELP_LINE("%s", "Stopped guests are listed below running ones.");
#undef HELP_LINE
	int total = line;
	if (c->help_top > total - 1)
		c->help_top = total > 0 ? total - 1 : 0;
	attrset(widgets_attr(CR_FLABEL));
	move(height - 1, 0);
	clrtoeol();
	mvaddnstr(height - 1, 0, "Up/Down: scroll   any other key: back to the guests", width);
	for (int x = 51; x < width; x++)
		mvaddch(height - 1, x, ' ');
	attrset(A_NORMAL);
}

static void draw(struct console *c)
{
	int height = LINES, width = COLS;
	erase();
	if (c->screen == SCREEN_HELP) {
		draw_help(c, height, width);
		refresh();
		return;
	}
	/* Very small terminals keep the table and drop the header first. */
	int header_max = height >= 14 ? height / 3 : height >= 8 ? 1 : 0;
	int header = draw_header(c, width, header_max);
	int table_y = header + (header ? 1 : 0);
	int table_h = height - table_y - 2;
	if (table_h >= 1)
		draw_table(c, table_y, table_h, width);
	if (height >= 2)
		draw_status(c, height - 2, width);
	static const struct funcbar_item fkeys[] = {
		{ "F1", "Help" }, { "F3", "Search" }, { "F6", "SortBy" }, { "F10", "Quit" },
	};
	funcbar_draw(stdscr, height - 1, width, fkeys, sizeof(fkeys) / sizeof(fkeys[0]));
	if (c->overlay == OVERLAY_SORT_MENU)
		menu_draw(&c->sort_menu, stdscr, table_y, 0, height - table_y - 1);
	refresh();
}

/* ---- keys ---- */

static bool name_matches(const struct guest_row *r, const char *needle)
{
	return needle[0] && strcasestr(r->g.name, needle) != NULL;
}

/* Select the first guest from `from` on (wrapping) whose name contains the search. */
static bool search_from(struct console *c, const char *needle, size_t from)
{
	for (size_t k = 0; k < c->m.n; k++) {
		size_t i = (from + k) % c->m.n;
		if (name_matches(&c->m.rows[c->order[i]], needle)) {
			select_row(c, i);
			return true;
		}
	}
	return false;
}

static void search_key(struct console *c, int key)
{
	size_t len = strlen(c->search);
	switch (key) {
	case 27:
		c->overlay = OVERLAY_NONE;
		return;
	case '\n':
	case '\r':
	case KEY_ENTER:
		snprintf(c->last_search, sizeof(c->last_search), "%s", c->search);
		c->overlay = OVERLAY_NONE;
		return;
	case KEY_F(3):
		if (!search_from(c, c->search, c->view.selected + 1))
			console_message(c, true, "no guest matches");
		return;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (len)
			c->search[len - 1] = '\0';
		break;
	default:
		if (key >= 32 && key < 127 && len + 1 < sizeof(c->search)) {
			c->search[len] = (char)key;
			c->search[len + 1] = '\0';
		} else {
			return;
		}
	}
	if (c->search[0] && !search_from(c, c->search, c->view.selected))
		console_message(c, true, "no guest matches '%s'", c->search);
}

static void set_sort(struct console *c, enum column col)
{
	c->sort = col;
	remember_selection(c);
	resort(c);
}

/* Returns false when the user asked to quit. */
static bool handle_key(struct console *c, int key)
{
	if (key == KEY_RESIZE)
		return true;
	if (c->screen == SCREEN_HELP) {
		if (key == KEY_UP && c->help_top > 0)
			c->help_top--;
		else if (key == KEY_DOWN)
			c->help_top++;
		else if (key != KEY_UP && key != KEY_DOWN)
			c->screen = SCREEN_TABLE;
		return true;
	}
	if (c->overlay == OVERLAY_SEARCH) {
		search_key(c, key);
		return true;
	}
	if (c->overlay == OVERLAY_SORT_MENU) {
		switch (menu_key(&c->sort_menu, key)) {
		case MENU_CHOSEN:
			set_sort(c, (enum column)c->sort_menu.selected);
			/* fall through */
		case MENU_CANCELLED:
			c->overlay = OVERLAY_NONE;
			break;
		case MENU_CONTINUE:
			break;
		}
		return true;
	}
	int page = c->table_height > 1 ? c->table_height - 1 : 1;
	enum action act = keymap_lookup(key);
	if (act >= ACT_UP && act <= ACT_END)
		c->user_selected = true;
	switch (act) {
	case ACT_UP: table_view_move(&c->view, -1, c->m.n, c->table_height); break;
	case ACT_DOWN: table_view_move(&c->view, 1, c->m.n, c->table_height); break;
	case ACT_PAGE_UP: table_view_move(&c->view, -page, c->m.n, c->table_height); break;
	case ACT_PAGE_DOWN: table_view_move(&c->view, page, c->m.n, c->table_height); break;
	case ACT_HOME: select_row(c, 0); break;
	case ACT_END: select_row(c, c->m.n ? c->m.n - 1 : 0); break;
	case ACT_SORT_PREV: set_sort(c, c->sort > 0 ? c->sort - 1 : COL_COUNT_ - 1); break;
	case ACT_SORT_NEXT: set_sort(c, c->sort + 1 < COL_COUNT_ ? c->sort + 1 : 0); break;
	case ACT_SORT_CPU: set_sort(c, COL_CPU); break;
	case ACT_SORT_MEM: set_sort(c, COL_RSS); break;
	case ACT_SORT_MENU:
		c->sort_menu.selected = c->sort;
		c->overlay = OVERLAY_SORT_MENU;
		break;
	case ACT_INVERT:
		c->invert = !c->invert;
		remember_selection(c);
		resort(c);
		break;
	case ACT_SEARCH:
		c->search[0] = '\0';
		c->overlay = OVERLAY_SEARCH;
		break;
	case ACT_SEARCH_NEXT:
		if (!c->last_search[0])
			console_message(c, false, "no search yet: press / to search");
		else if (!search_from(c, c->last_search, c->view.selected + 1))
			console_message(c, true, "no guest matches '%s'", c->last_search);
		break;
	case ACT_HELP:
		c->screen = SCREEN_HELP;
		c->help_top = 0;
		break;
	case ACT_REDRAW: clearok(curscr, TRUE); break;
	case ACT_QUIT: return false;
	case ACT_NONE:
	case ACT_COUNT_: break;
	}
	remember_selection(c);
	return true;
}

/* ---- main loop ---- */

static int start_curses(void)
{
	if (!newterm(NULL, stdout, stdin))
		return -1;
	curses_active = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	widgets_colors_init(getenv("NO_COLOR") && getenv("NO_COLOR")[0]);
	return 0;
}

int console_run(const struct options *o, struct backend *bes, size_t n)
{
	struct console c = { 0 };
	int ret = 1;
	unsigned interval_ms = (unsigned)lround(o->delay_s * 1000.0);

	c.o = o;
	c.bes = bes;
	c.n_bes = n;
	c.sort = (enum column)o->sort_column;
	c.invert = o->sort_invert;
	c.table_height = 1;
	guest_list_init(&c.list);
	for (int i = 0; i < COL_COUNT_; i++)
		c.sort_items[i] = columns[i].title;
	c.sort_menu = (struct menu){ "Sort by", c.sort_items, COL_COUNT_, 0 };
	if (model_init(&c.m, o->proc_root) < 0) {
		fprintf(stderr, "guesttop: cannot open %s: %s\n", o->proc_root, strerror(errno));
		return 1;
	}
	c.host = host_new();
	c.col = collector_new(bes, n, interval_ms);
	if (!c.col || collector_start(c.col) < 0) {
		fprintf(stderr, "guesttop: cannot start the collector thread\n");
		goto cleanup;
	}
	install_signals();
	redirect_stderr();
	atexit(restore_terminal);
#if defined(__SANITIZE_ADDRESS__)
	/* A sanitizer ends the process with _exit: restore the terminal first there too. */
	__sanitizer_set_death_callback(restore_terminal);
#endif
	if (start_curses() < 0) {
		restore_terminal();
		fprintf(stderr, "guesttop: cannot initialise the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		goto cleanup;
	}

	refresh_data(&c);
	bool first_rates_due = true;
	c.next_tick_ns = sampler_now_ns() + (uint64_t)(interval_ms < FIRST_RATE_MS ? interval_ms : FIRST_RATE_MS) * 1000000ull;
	for (;;) {
		if (quit_signal)
			break;
		draw(&c);
		uint64_t now = sampler_now_ns();
		int wait_ms = now >= c.next_tick_ns ? 0 : (int)((c.next_tick_ns - now) / 1000000ull);
		/* The first listing is worth showing as soon as it arrives. */
		if (!c.have_listing && wait_ms > 100)
			wait_ms = 100;
		timeout(wait_ms);
		int key = getch();
		if (key != ERR) {
			if (!handle_key(&c, key))
				break;
			continue;
		}
		now = sampler_now_ns();
		if (!c.have_listing) {
			unsigned long g = c.gen;
			refresh_data(&c);
			if (c.gen != g) {
				/* Baseline taken now; the first rates one short interval later. */
				c.next_tick_ns = now + (uint64_t)(interval_ms < FIRST_RATE_MS ? interval_ms : FIRST_RATE_MS) * 1000000ull;
				continue;
			}
		}
		if (now >= c.next_tick_ns) {
			refresh_data(&c);
			if (first_rates_due) {
				first_rates_due = false;
				c.next_tick_ns = now + (uint64_t)interval_ms * 1000000ull;
			} else {
				c.next_tick_ns += (uint64_t)interval_ms * 1000000ull;
				if (c.next_tick_ns < now)
					c.next_tick_ns = now + (uint64_t)interval_ms * 1000000ull;
			}
		}
	}
	ret = 0;
cleanup:
	restore_terminal();
	collector_free(c.col);
	host_free(c.host);
	model_free(&c.m);
	guest_list_free(&c.list);
	free(c.order);
	if (quit_signal && quit_signal != SIGINT)
		ret = 128 + quit_signal;
	return ret;
}
