/* The interactive console: a refresh loop that never waits on a backend, and the screens it draws. */
#include "tui/console.h"

#include <ctype.h>
#include <langinfo.h>
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
#include <termios.h>
#include <unistd.h>

#include "backends/audit.h"
#include "backends/collector.h"
#include "backends/devname.h"
#include "backends/executor.h"
#include "backends/host.h"
#include "backends/procs.h"
#include "backends/sampler.h"
#include "config/keymap.h"
#include "config/paths.h"
#include "tui/actions.h"
#include "tui/columns.h"
#include "tui/export.h"
#include "tui/console_priv.h"
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

#define FIRST_RATE_MS 1000

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

/*
 * What a crash needs to give the terminal back, prepared while all is well:
 * the shell's terminal modes, and the sequences that leave the alternate
 * screen, show the cursor and turn keypad and mouse modes off.
 */
static struct termios shell_modes;
static bool have_shell_modes;
static char crash_seq[256];
static size_t crash_seq_len;

static void crash_seq_add(const char *cap)
{
	const char *v = tigetstr(cap);
	if (!v || v == (const char *)-1)
		return;
	size_t l = strlen(v);
	if (crash_seq_len + l < sizeof(crash_seq)) {
		memcpy(crash_seq + crash_seq_len, v, l);
		crash_seq_len += l;
	}
}

static void prepare_crash_restore(void)
{
	crash_seq_len = 0;
	crash_seq_add("sgr0");
	crash_seq_add("cnorm");
	crash_seq_add("rmkx");
	static const char mouse_off[] = "\033[?1000l\033[?1002l\033[?1006l";
	if (crash_seq_len + sizeof(mouse_off) - 1 < sizeof(crash_seq)) {
		memcpy(crash_seq + crash_seq_len, mouse_off, sizeof(mouse_off) - 1);
		crash_seq_len += sizeof(mouse_off) - 1;
	}
	crash_seq_add("rmcup");
}

/*
 * A crash must not leave the terminal in raw mode: restore it, then die as we
 * would have. Only async-signal-safe calls: curses may be what crashed, or
 * hold a lock, so endwin() is not used here.
 */
static void on_crash_signal(int sig)
{
	int saved_errno = errno;
	if (curses_active && crash_seq_len && write(STDOUT_FILENO, crash_seq, crash_seq_len) < 0) {
		/* nothing more to do */
	}
	if (have_shell_modes)
		tcsetattr(STDIN_FILENO, TCSANOW, &shell_modes);
	if (saved_stderr >= 0)
		dup2(saved_stderr, STDERR_FILENO);
	static const char msg[] = "\r\nguesttop: fatal signal; terminal restored\n";
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to do */
	}
	errno = saved_errno;
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
	/* Ctrl-\ and the resource-limit signals also dump core: restore the terminal first. */
	sigaction(SIGQUIT, &crash, NULL);
	sigaction(SIGTRAP, &crash, NULL);
	sigaction(SIGSYS, &crash, NULL);
	sigaction(SIGXCPU, &crash, NULL);
	sigaction(SIGXFSZ, &crash, NULL);
}

/*
 * While curses owns the terminal nothing else may write to it: libraries
 * (libvirt's logging included) that write to stderr go to a log file under
 * the user's state directory instead.
 */
static void redirect_stderr(void)
{
	int fd = state_file_open("guesttop.log", NULL, 0);
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

void console_message(struct console *c, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	c->msg_error = error;
	c->msg_until_ns = sampler_now_ns() + 4000000000ull;
}

/* ---- lines for the scrolling screens ---- */

void lines_printf(struct lines *l, int attr, const char *fmt, ...)
{
	if (l->line >= l->top && l->y < l->height) {
		char buf[1024];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		attrset((attr_t)attr);
		mvaddnstr(l->y, 0, buf, l->width);
		attrset(A_NORMAL);
		l->y++;
	}
	l->line++;
}

int lines_total(const struct lines *l)
{
	return l->line;
}

/* ---- ordering, filtering and selection ---- */

static bool row_passes(const struct console *c, const struct guest_row *r)
{
	switch (c->filter) {
	case FILTER_ACTIVE: return guest_state_is_active(r->g.state);
	case FILTER_FLAGGED: return r->victim || r->culprit;
	case FILTER_KIND: return strcmp(r->g.kind, c->filter_kind) == 0;
	case FILTER_STATE: return r->g.state == c->filter_state;
	case FILTER_ALL: break;
	}
	return true;
}

struct guest_row *console_selected(struct console *c)
{
	if (c->view.selected >= c->n_order)
		return NULL;
	return &c->m.rows[c->order[c->view.selected]];
}

static void remember_selection(struct console *c)
{
	struct guest_row *r = console_selected(c);
	if (c->user_selected && r) {
		snprintf(c->sel_uuid, sizeof(c->sel_uuid), "%s", r->g.uuid);
		c->sel_backend = r->g.backend;
	}
}

/* Keep in c->order (every row, in display order) only the rows the filter passes. */
void console_filter(struct console *c)
{
	size_t k = 0;
	for (size_t i = 0; i < c->m.n; i++)
		if (row_passes(c, &c->m.rows[c->order[i]]))
			c->order[k++] = c->order[i];
	c->n_order = k;
}

void console_resort(struct console *c)
{
	if (c->order_cap < c->m.n || !c->order) {
		size_t cap = c->m.n ? c->m.n * 2 : 16;
		size_t *o = realloc(c->order, cap * sizeof(*o));
		if (!o)
			return;
		c->order = o;
		c->order_cap = cap;
	}
	columns_sort(&c->m, c->sort, c->invert, c->order);
	console_filter(c);
	/* Keep the selected guest selected wherever the sort put it. */
	for (size_t i = 0; c->user_selected && i < c->n_order; i++) {
		const struct guest_row *r = &c->m.rows[c->order[i]];
		if (r->g.backend == c->sel_backend && strcmp(r->g.uuid, c->sel_uuid) == 0) {
			c->view.selected = i;
			break;
		}
	}
	table_view_clamp(&c->view, c->n_order, c->table_height);
}

static void select_row(struct console *c, size_t i)
{
	c->user_selected = true;
	table_view_select(&c->view, i, c->n_order, c->table_height);
	remember_selection(c);
}

/* ---- refresh ---- */

double console_host_psi(const struct console *c, int which)
{
	const struct host_psi *a = &c->psi_prev, *b = &c->psi_cur;
	if (!c->psi_prev_ns || c->psi_cur_ns <= c->psi_prev_ns)
		return NAN;
	double dt_us = (double)(c->psi_cur_ns - c->psi_prev_ns) / 1000.0;
	bool have = which == 0 ? a->have_cpu && b->have_cpu : which == 1 ? a->have_io && b->have_io
								  : a->have_mem && b->have_mem;
	if (!have)
		return NAN;
	uint64_t x = which == 0 ? b->cpu_some_us - a->cpu_some_us :
		     which == 1 ? b->io_some_us - a->io_some_us : b->mem_some_us - a->mem_some_us;
	return (double)x * 100.0 / dt_us;
}

void console_set_order(struct console *c, const unsigned char *order, int n)
{
	bool placed[COL_COUNT_] = { false };
	int k = 0;
	for (int i = 0; i < n; i++)
		if (order[i] < COL_COUNT_ && !placed[order[i]]) {
			placed[order[i]] = true;
			c->col_order[k++] = (enum column)order[i];
		}
	for (int i = 0; i < COL_COUNT_; i++)
		if (!placed[i])
			c->col_order[k++] = (enum column)i;
}

/* Every row, in the model's order: what a recording frame holds. */
static const size_t *all_rows(const struct model *m)
{
	static size_t *order;
	static size_t cap;
	if (m->n > cap) {
		size_t *v = realloc(order, m->n * sizeof(*v));
		if (!v)
			return NULL;
		order = v;
		cap = m->n;
	}
	for (size_t i = 0; i < m->n; i++)
		order[i] = i;
	return order;
}

static void refresh_data(struct console *c)
{
	remember_selection(c);
	if (c->rec) {
		/* Replay: the recorded refresh, as it was seen. */
		if (recording_model(c->rec, c->rec_k, &c->m) < 0)
			console_message(c, true, "out of memory");
		c->have_listing = true;
		console_resort(c);
		return;
	}
	if (collector_take(c->col, &c->list, &c->gen)) {
		if (model_update(&c->m, &c->list) < 0)
			console_message(c, true, "out of memory");
		c->have_listing = true;
	}
	/* The detail screen shows every thread of its guest: read them all at each refresh. */
	struct guest_row *shown = c->screen == SCREEN_DETAIL ? console_selected(c) : NULL;
	for (size_t i = 0; i < c->m.n; i++)
		c->m.rows[i].probe.shown = &c->m.rows[i] == shown;
	model_sample(&c->m);
	if (c->m.relist) {
		c->m.relist = false;
		collector_poke(c->col);
	}
	host_sample(c->host, &c->hs);
	if (c->record) {
		char now[32];
		const size_t *order = all_rows(&c->m);
		export_iso_time(now, sizeof(now));
		if (order && record_frame(c->record, &c->m, order, now) < 0) {
			console_message(c, true, "recording stopped: %s: %s", c->o->record, strerror(errno));
			fclose(c->record);
			c->record = NULL;
		}
	}
	if (c->o->prometheus_textfile) {
		char perr[300];
		/* On the status line once, and again only when the reason changes. */
		if (export_prometheus(c->o->prometheus_textfile, &c->m, perr, sizeof(perr)) < 0) {
			if (strcmp(perr, c->prom_err) != 0)
				console_message(c, true, "%s", perr);
			snprintf(c->prom_err, sizeof(c->prom_err), "%s", perr);
		} else {
			c->prom_err[0] = '\0';
		}
	}
	c->psi_prev = c->psi_cur;
	c->psi_prev_ns = c->psi_cur_ns;
	host_psi_read(c->o->proc_root, &c->psi_cur);
	c->psi_cur_ns = sampler_now_ns();
	console_resort(c);
}

/* ---- drawing ---- */

static int draw_header(struct console *c, int width, int max_rows)
{
	const struct host_sample *hs = &c->hs;
	char text[160], used[16], total[16];
	unsigned ncpu = hs->ncpu;
	if (max_rows < 1)
		return 0;

	/* Cores on the left (in columns when there are many), figures on the right. */
	int text_rows = 6;
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
		snprintf(label, sizeof(label), "%3d", hs->cpu_id[i]);
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
	struct {
		const char *label;
		char value[160];
	} info[4] = { { "Load average: ", "" }, { "Pressure: ", "" }, { "Guests: ", "" }, { "Backends: ", "" } };
	/* Which backends are in use, and which are not available and why (the status line says more). */
	size_t bo = 0;
	bool any_down = false;
	for (size_t i = 0; i < c->n_bes && bo + 2 < sizeof(info[3].value); i++) {
		const struct backend *be = &c->bes[i];
		bool lib = strcmp(be->ops->name, "libvirt") == 0;
		int w = snprintf(info[3].value + bo, sizeof(info[3].value) - bo, "%s%s%s%s%s", i ? ", " : "",
				 be->ops->name, lib ? " " : "", lib ? be->uri : "",
				 be->connected ? (be->readonly ? " (read-only)" : "") : " not available");
		if (w < 0)
			break;
		bo += (size_t)w < sizeof(info[3].value) - bo ? (size_t)w : sizeof(info[3].value) - bo - 1;
		any_down |= !be->connected;
	}
	snprintf(info[0].value, sizeof(info[0].value), "%.2f %.2f %.2f", hs->load[0], hs->load[1], hs->load[2]);
	char p0[16], p1[16], p2[16];
	format_pct(console_host_psi(c, 0), p0, sizeof(p0));
	format_pct(console_host_psi(c, 1), p1, sizeof(p1));
	format_pct(console_host_psi(c, 2), p2, sizeof(p2));
	snprintf(info[1].value, sizeof(info[1].value), "cpu %s%%  io %s%%  mem %s%%", p0, p1, p2);
	struct model_counts mc;
	model_counts(&c->m, &mc);
	if (c->have_listing)
		snprintf(info[2].value, sizeof(info[2].value), "%u running, %u paused, %u shut off, %u victims",
			 mc.running, mc.paused, mc.shutoff, mc.victims);
	else
		snprintf(info[2].value, sizeof(info[2].value), "connecting...");
	for (int i = 0; i < 4 && i + 2 < rows; i++) {
		int ll = (int)strlen(info[i].label);
		attrset(widgets_attr(CR_LABEL));
		mvaddnstr(i + 2, rx, info[i].label, rw);
		attrset((i == 2 && mc.victims) || (i == 3 && any_down && c->have_listing) ? widgets_attr(CR_ERROR) : A_BOLD);
		if (rw > ll)
			mvaddnstr(i + 2, rx + ll, info[i].value, rw - ll);
	}
	attrset(A_NORMAL);
	return rows;
}

static void draw_cells(struct console *c, int y, int width, const enum column *cols, int ncols,
		       int name_w, const struct guest_row *r, attr_t base)
{
	char line[2048], cell[GUEST_NAME_MAX * 8], fit[GUEST_NAME_MAX * 8];
	size_t o = 0;
	for (int k = 0; k < ncols && o < sizeof(line) - 1; k++) {
		enum column col = cols[k];
		int w = col == COL_NAME ? name_w : columns[col].width;
		if (!r)
			snprintf(cell, sizeof(cell), "%s", columns[col].title);
		else if (columns[col].kind == COL_SPARK)
			column_spark(r, w, c->utf8, cell, sizeof(cell));
		else
			column_format(r, col, cell, sizeof(cell));
		if (k)
			line[o++] = ' ';
		if (columns[col].kind == COL_TEXT || columns[col].kind == COL_SPARK || !r) {
			if (!r && columns[col].kind != COL_TEXT && columns[col].kind != COL_SPARK)
				snprintf(fit, sizeof(fit), "%*s", w, cell);
			else
				text_fit(cell, w, 1, fit, sizeof(fit));
		} else {
			snprintf(fit, sizeof(fit), "%*s", w, cell);
		}
		int wrote = snprintf(line + o, sizeof(line) - o, "%s", fit);
		o += wrote > 0 ? (size_t)wrote : 0;
	}
	line[o < sizeof(line) ? o : sizeof(line) - 1] = '\0';
	attrset(base);
	mvaddnstr(y, 0, line, -1);
	for (int x = text_width(line); x < width; x++)
		addch(' ');
	attrset(A_NORMAL);
}

/* The cells above a victim threshold, in the error colour (bold in mono): what makes a guest a victim. */
static void overlay_hot_cells(struct console *c, int y, const enum column *cols, int ncols, int name_w,
			      const struct guest_row *r)
{
	const struct thresholds *t = &c->m.limits;
	int x = 0;
	for (int k = 0; k < ncols; k++) {
		enum column col = cols[k];
		int w = col == COL_NAME ? name_w : columns[col].width;
		double limit = col == COL_STEAL ? t->steal_pct : col == COL_THR ? t->thr_pct :
			       col == COL_LAT ? t->disk_lat_ms :
			       col == COL_PSIC || col == COL_PSII || col == COL_PSIM ? t->psi_pct : NAN;
		double v = column_number(r, col);
		if (!isnan(limit) && !isnan(v) && v > limit) {
			char cell[64];
			column_format(r, col, cell, sizeof(cell));
			attrset(widgets_attr(CR_ERROR) | A_BOLD);
			mvprintw(y, x, "%*.*s", w, w, cell);
			attrset(A_NORMAL);
		}
		x += w + 1;
	}
}

static bool is_tagged(const struct console *c, const struct guest_row *r);
static const struct pending_shutdown *pending_shutdown_of(const struct console *c, const struct guest_row *r);

/* A shutting-down guest's STATE counts down to force off. (Tagged rows have their own colour.) */
static void overlay_row_marks(struct console *c, int y, const enum column *cols, int ncols, int name_w,
			      const struct guest_row *r, attr_t a)
{
	int x = 0;
	const struct pending_shutdown *p = pending_shutdown_of(c, r);
	attrset(a | A_BOLD);
	for (int k = 0; k < ncols; k++) {
		enum column col = cols[k];
		int w = col == COL_NAME ? name_w : columns[col].width;
		if (col == COL_STATE && p) {
			uint64_t now = sampler_now_ns();
			long left = p->deadline_ns > now ? (long)((p->deadline_ns - now + 999999999ull) / 1000000000ull) : 0;
			char t[32];
			snprintf(t, sizeof(t), "stop %lds", left);
			mvprintw(y, x, "%-*.*s", w, w, t);
		}
		x += w + 1;
	}
	attrset(A_NORMAL);
}

void console_draw_table(struct console *c, int y, int height, int width)
{
	enum column cols[COL_COUNT_];
	int name_w;
	int ncols = columns_layout_ordered(c->visible, c->col_order, width, cols, &name_w);
	c->table_y = y;
	c->table_w = width;
	draw_cells(c, y, width, cols, ncols, name_w, NULL, widgets_attr(CR_TABLE_HEADER));
	/* Mark the sort column in the header. */
	int x = 0;
	for (int k = 0; k < ncols; k++) {
		enum column col = cols[k];
		int w = col == COL_NAME ? name_w : columns[col].width;
		if (col == c->sort) {
			char t[64];
			bool left = columns[col].kind == COL_TEXT || columns[col].kind == COL_SPARK;
			snprintf(t, sizeof(t), left ? "%-*s" : "%*s", w, columns[col].title);
			attrset(widgets_attr(CR_TABLE_SORTED));
			mvaddnstr(y, x, t, w);
			attrset(A_NORMAL);
		}
		x += w + 1;
	}
	c->table_height = height - 1;
	table_view_clamp(&c->view, c->n_order, c->table_height);
	for (int i = 0; i < c->table_height; i++) {
		size_t k = c->view.top + (size_t)i;
		if (k >= c->n_order)
			break;
		const struct guest_row *r = &c->m.rows[c->order[k]];
		attr_t a = A_NORMAL;
		bool tagged = is_tagged(c, r);
		if (k == c->view.selected)
			a = widgets_attr(CR_SELECTED);
		else if (tagged)
			a = widgets_attr(CR_TAGGED);
		else if (r->victim)
			a = widgets_attr(CR_ERROR);
		else if (!guest_state_is_active(r->g.state))
			a = widgets_attr(CR_DIM);
		draw_cells(c, y + 1 + i, width, cols, ncols, name_w, r, a);
		overlay_row_marks(c, y + 1 + i, cols, ncols, name_w, r, a);
		if (k != c->view.selected && !tagged)
			overlay_hot_cells(c, y + 1 + i, cols, ncols, name_w, r);
	}
	if (c->n_order == 0 && c->table_height > 0) {
		const char *why = !c->have_listing ? "waiting for the first listing..." :
				  c->m.n ? "no guest passes the filter (F4 to change it)" : "no guests";
		attrset(widgets_attr(CR_DIM));
		mvaddnstr(y + 1, 1, why, width - 1);
		attrset(A_NORMAL);
	}
}

static void draw_status(struct console *c, int y, int width)
{
	char err[BACKEND_ERR_MAX], esc[BACKEND_ERR_MAX * 4];
	move(y, 0);
	clrtoeol();
	if (c->overlay == OVERLAY_GOTO) {
		attrset(widgets_attr(CR_LABEL));
		mvaddnstr(y, 0, "Go to time (HH:MM:SS): ", width);
		attrset(A_BOLD);
		if (width > 23)
			mvaddnstr(y, 23, c->goto_text, width - 23);
		attrset(A_NORMAL);
		return;
	}
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
	if (c->rec) {
		const struct rec_frame *fr = &c->rec->frames[c->rec_k];
		attrset(widgets_attr(CR_LABEL));
		mvprintw(y, 0, "replay %zu/%zu at %s %s  Left/Right: step  Space: %s  g: go to a time", c->rec_k + 1,
			 c->rec->n_frames, fr->time, c->rec_playing ? "(playing)" : "(paused)",
			 c->rec_playing ? "pause" : "play");
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
	if (c->n_tags) {
		attrset(widgets_attr(CR_TAGGED));
		mvprintw(y, 0, "%zu tagged: actions apply to every tagged guest (U untags all)", c->n_tags);
		attrset(A_NORMAL);
		return;
	}
	if (geteuid() != 0 || c->m.io_denied || c->m.proc_unreadable) {
		attrset(widgets_attr(CR_DIM));
		mvaddnstr(y, 0, "not root: columns that need the guests' processes show '-'", width);
		attrset(A_NORMAL);
		return;
	}
	if (c->filter != FILTER_ALL) {
		static const char *const names[] = { "", "running guests", "victims and culprits", "backend ",
						     "state " };
		attrset(widgets_attr(CR_DIM));
		mvprintw(y, 0, "filter: %s%s (F4 to change)", names[c->filter],
			 c->filter == FILTER_KIND ? c->filter_kind :
			 c->filter == FILTER_STATE ? guest_state_name(c->filter_state) : "");
		attrset(A_NORMAL);
	}
}

static void draw_help(struct console *c, int height, int width)
{
	char keys[64];
	struct lines l = { 0, 0, c->scroll, height - 1, width };
	lines_printf(&l, A_BOLD, "guesttop %s - who is using this host, and who suffers from it", GUESTTOP_VERSION);
	lines_printf(&l, 0, "%s", "");
	lines_printf(&l, (int)widgets_attr(CR_LABEL), "%s", "Keys");
	for (int a = ACT_NONE + 1; a < ACT_COUNT_; a++) {
		keymap_keys_for((enum action)a, keys, sizeof(keys));
		lines_printf(&l, 0, "  %-14s %s", keys, keymap_action_help((enum action)a));
	}
	lines_printf(&l, 0, "%s", "");
	lines_printf(&l, (int)widgets_attr(CR_LABEL), "%s", "Columns (C chooses which are shown; F2 is the setup screen)");
	for (int i = 0; i < COL_COUNT_; i++)
		lines_printf(&l, 0, "  %-8s %s", columns[i].title, columns[i].meaning);
	lines_printf(&l, 0, "%s", "");
	lines_printf(&l, (int)widgets_attr(CR_LABEL), "%s", "Victims and culprits");
	lines_printf(&l, 0, "  A victim suffers: STEAL%% > %.0f, THR%% > %.0f, disk LAT > %.0f ms, or a PSI > %.0f%%.",
		     c->m.limits.steal_pct, c->m.limits.thr_pct, c->m.limits.disk_lat_ms, c->m.limits.psi_pct);
	lines_printf(&l, 0, "%s", "  A culprit takes the contended resource: the guest that ran most on a CPU victim's");
	lines_printf(&l, 0, "%s", "  CPUs, or the top disk (memory) user while a guest suffers disk (memory) stalls.");
	lines_printf(&l, 0, "%s", "");
	lines_printf(&l, 0, "%s", "'-' means unknown (no rate yet, or not readable), never zero.");
	lines_printf(&l, 0, "%s", "Stopped guests are listed below running ones.");
	if (c->scroll > lines_total(&l) - 1)
		c->scroll = lines_total(&l) > 0 ? lines_total(&l) - 1 : 0;
}

static void draw_footer_hint(int height, int width, const char *hint)
{
	attrset(widgets_attr(CR_FLABEL));
	move(height - 1, 0);
	for (int x = 0; x < width; x++)
		addch(' ');
	mvaddnstr(height - 1, 0, hint, width);
	attrset(A_NORMAL);
}

static void draw(struct console *c)
{
	int height = LINES, width = COLS;
	erase();
	switch (c->screen) {
	case SCREEN_HELP:
		draw_help(c, height, width);
		draw_footer_hint(height, width, "Up/Down/PgUp/PgDn: scroll   Esc or q: back to the guests");
		refresh();
		return;
	case SCREEN_DETAIL:
		detail_draw(c, height, width);
		draw_footer_hint(height, width, "Up/Down/PgUp/PgDn: scroll   Esc, q or Enter: back to the guests");
		refresh();
		return;
	case SCREEN_NEW_GUEST:
		ngform_draw(c, height, width);
		refresh();
		return;
	case SCREEN_SETUP:
		setup_draw(c, height, width);
		refresh();
		return;
	case SCREEN_HOST:
		hostview_draw(c, height, width);
		draw_footer_hint(height, width, "Up/Down/PgUp/PgDn: scroll   Esc or q: back to the guests");
		refresh();
		return;
	case SCREEN_TABLE:
		break;
	}
	/* Very small terminals keep the table and drop the header first. */
	int header_max = height >= 14 ? height / 3 : height >= 8 ? 1 : 0;
	int header = draw_header(c, width, header_max);
	int table_y = header + (header ? 1 : 0);
	int table_h = height - table_y - 2;
	if (table_h >= 1)
		console_draw_table(c, table_y, table_h, width);
	if (height >= 2)
		draw_status(c, height - 2, width);
	static const struct funcbar_item fkeys[] = {
		{ "F1", "Help" }, { "F2", "Setup" }, { "F3", "Search" }, { "F4", "Filter" },
		{ "F5", "Host" }, { "F6", "SortBy" }, { "F7", "New" }, { "F9", "Action" }, { "F10", "Quit" },
	};
	static const struct funcbar_item fkeys_ro[] = {
		{ "F1", "Help" }, { "F2", "Setup" }, { "F3", "Search" }, { "F4", "Filter" },
		{ "F5", "Host" }, { "F6", "SortBy" }, { "Enter", "Detail" }, { "F10", "Quit" },
	};
	/* Read-only: no action is offered, not even its key. */
	if (c->readonly)
		funcbar_draw(stdscr, height - 1, width, fkeys_ro, sizeof(fkeys_ro) / sizeof(fkeys_ro[0]));
	else
		funcbar_draw(stdscr, height - 1, width, fkeys, sizeof(fkeys) / sizeof(fkeys[0]));
	if (c->overlay == OVERLAY_SORT_MENU || c->overlay == OVERLAY_COLUMNS || c->overlay == OVERLAY_FILTER ||
	    c->overlay == OVERLAY_ACTIONS)
		menu_draw(&c->menu, stdscr, table_y, 0, height - table_y - 1);
	if (c->overlay == OVERLAY_DIALOG)
		dialog_draw(&c->dialog, stdscr, height, width);
	refresh();
}

/* ---- menus ---- */

static void open_sort_menu(struct console *c)
{
	for (int i = 0; i < COL_COUNT_; i++)
		c->menu_items[i] = columns[i].title;
	c->menu = (struct menu){ "Sort by", c->menu_items, COL_COUNT_, (size_t)c->sort };
	c->overlay = OVERLAY_SORT_MENU;
}

static void fill_columns_menu(struct console *c)
{
	for (int i = 0; i < COL_COUNT_; i++) {
		snprintf(c->menu_text[i], sizeof(c->menu_text[i]), "[%c] %s", c->visible[i] ? 'x' : ' ',
			 columns[i].title);
		c->menu_items[i] = c->menu_text[i];
	}
}

static void open_columns_menu(struct console *c)
{
	fill_columns_menu(c);
	c->menu = (struct menu){ "Columns (Enter toggles)", c->menu_items, COL_COUNT_, 0 };
	c->overlay = OVERLAY_COLUMNS;
}

/* Filter entries past the three fixed ones: "backend: KIND" and "state: STATE", one per value present. */
static void add_filter_entry(struct console *c, size_t *n, const char *prefix, const char *value)
{
	char text[40];
	snprintf(text, sizeof(text), "%s%.24s", prefix, value);
	for (size_t k = 3; k < *n; k++)
		if (strcmp(c->menu_text[k], text) == 0)
			return;
	if (!value[0] || *n >= FILTER_MENU_MAX)
		return;
	memcpy(c->menu_text[*n], text, sizeof(text));
	c->menu_items[*n] = c->menu_text[*n];
	(*n)++;
}

static void open_filter_menu(struct console *c)
{
	size_t n = 0;
	static const char *const fixed[] = { "all guests", "running guests only",
					     "victims and culprits only" };
	for (size_t i = 0; i < 3; i++)
		c->menu_items[n++] = fixed[i];
	for (size_t i = 0; i < c->m.n; i++)
		add_filter_entry(c, &n, "backend: ", c->m.rows[i].g.kind);
	for (size_t i = 0; i < c->m.n; i++)
		add_filter_entry(c, &n, "state: ", guest_state_name(c->m.rows[i].g.state));
	c->menu = (struct menu){ "Show", c->menu_items, n, c->filter < FILTER_KIND ? (size_t)c->filter : 0 };
	c->overlay = OVERLAY_FILTER;
}

static void menu_chosen(struct console *c)
{
	size_t i = c->menu.selected;
	switch (c->overlay) {
	case OVERLAY_SORT_MENU:
		c->sort = (enum column)i;
		c->overlay = OVERLAY_NONE;
		break;
	case OVERLAY_COLUMNS:
		/* NAME always stays: a row must say whose it is. */
		if (i != COL_NAME)
			c->visible[i] = !c->visible[i];
		fill_columns_menu(c);
		return;
	case OVERLAY_FILTER:
		if (i < 3) {
			c->filter = (enum filter_mode)i;
		} else if (strncmp(c->menu_text[i], "backend: ", 9) == 0) {
			c->filter = FILTER_KIND;
			snprintf(c->filter_kind, sizeof(c->filter_kind), "%s", c->menu_text[i] + 9);
		} else {
			c->filter = FILTER_STATE;
			c->filter_state = GUEST_STATE_UNKNOWN;
			for (int st = GUEST_STATE_UNKNOWN; st <= GUEST_STATE_PMSUSPENDED; st++)
				if (strcmp(c->menu_text[i] + 7, guest_state_name((enum guest_state)st)) == 0)
					c->filter_state = (enum guest_state)st;
		}
		c->overlay = OVERLAY_NONE;
		break;
	default:
		break;
	}
	remember_selection(c);
	console_resort(c);
}

/* ---- guest actions ---- */

static void ref_of(const struct guest_row *r, struct guest_ref *out)
{
	out->be = r->g.backend;
	snprintf(out->uuid, sizeof(out->uuid), "%s", r->g.uuid);
	snprintf(out->name, sizeof(out->name), "%s", r->g.name);
}

static struct guest_row *row_of_ref(struct console *c, const struct guest_ref *ref)
{
	for (size_t i = 0; i < c->m.n; i++)
		if (c->m.rows[i].g.backend == ref->be && strcmp(c->m.rows[i].g.uuid, ref->uuid) == 0)
			return &c->m.rows[i];
	return NULL;
}

static bool is_tagged(const struct console *c, const struct guest_row *r)
{
	for (size_t i = 0; i < c->n_tags; i++)
		if (c->tags[i].be == r->g.backend && strcmp(c->tags[i].uuid, r->g.uuid) == 0)
			return true;
	return false;
}

static void toggle_tag(struct console *c, const struct guest_row *r)
{
	for (size_t i = 0; i < c->n_tags; i++) {
		if (c->tags[i].be == r->g.backend && strcmp(c->tags[i].uuid, r->g.uuid) == 0) {
			c->tags[i] = c->tags[--c->n_tags];
			return;
		}
	}
	struct guest_ref *v = realloc(c->tags, (c->n_tags + 1) * sizeof(*v));
	if (!v)
		return;
	c->tags = v;
	ref_of(r, &c->tags[c->n_tags++]);
}

static const struct pending_shutdown *pending_shutdown_of(const struct console *c, const struct guest_row *r)
{
	for (size_t i = 0; i < c->n_shutdowns; i++)
		if (c->shutdowns[i].ref.be == r->g.backend && strcmp(c->shutdowns[i].ref.uuid, r->g.uuid) == 0)
			return &c->shutdowns[i];
	return NULL;
}

static void drop_pending_shutdown(struct console *c, const struct guest_ref *ref)
{
	for (size_t i = 0; i < c->n_shutdowns; i++)
		if (c->shutdowns[i].ref.be == ref->be && strcmp(c->shutdowns[i].ref.uuid, ref->uuid) == 0) {
			c->shutdowns[i] = c->shutdowns[--c->n_shutdowns];
			return;
		}
}

static void add_pending_shutdown(struct console *c, const struct guest_ref *ref)
{
	drop_pending_shutdown(c, ref);
	struct pending_shutdown *v = realloc(c->shutdowns, (c->n_shutdowns + 1) * sizeof(*v));
	if (!v)
		return;
	c->shutdowns = v;
	v[c->n_shutdowns].ref = *ref;
	v[c->n_shutdowns].deadline_ns = sampler_now_ns() + (uint64_t)c->shutdown_timeout_s * 1000000000ull;
	v[c->n_shutdowns].expired = false;
	c->n_shutdowns++;
}

/* Queue one action per target; the results come back through the executor. */
static void submit_targets(struct console *c, int ga)
{
	size_t queued = 0;
	for (size_t i = 0; i < c->n_targets; i++) {
		struct action_job job = { 0 };
		const struct guest_row *r = row_of_ref(c, &c->targets[i]);
		job.be = (struct backend *)c->targets[i].be;
		snprintf(job.uuid, sizeof(job.uuid), "%s", c->targets[i].uuid);
		snprintf(job.name, sizeof(job.name), "%s", c->targets[i].name);
		job.action = (enum guest_action)ga;
		if (ga == GA_AUTOSTART_TOGGLE)
			job.action = r && r->g.autostart == 1 ? GA_AUTOSTART_OFF : GA_AUTOSTART_ON;
		if (executor_submit(c->ex, &job) == 0) {
			queued++;
			if (ga == GA_SHUTDOWN)
				add_pending_shutdown(c, &c->targets[i]);
		}
	}
	char esc[GUEST_NAME_MAX * 4];
	text_escape(c->targets[0].name, esc, sizeof(esc));
	if (queued == 1)
		console_message(c, false, "%s: %s...", esc,
				ga == GA_AUTOSTART_TOGGLE ? "autostart" : guest_action_name((enum guest_action)ga));
	else
		console_message(c, false, "%s: %zu guests...",
				ga == GA_AUTOSTART_TOGGLE ? "autostart" : guest_action_name((enum guest_action)ga), queued);
}

/* Leave curses, connect the terminal to the guest's serial console, come back exactly as we were. */
static void attach_console(struct console *c, const struct guest_ref *ref)
{
	struct backend *be = (struct backend *)ref->be;
	char err[BACKEND_ERR_MAX] = "", esc[GUEST_NAME_MAX * 4];
	struct termios saved, raw;
	if (!be->ops->console) {
		console_message(c, true, "this backend has no console");
		return;
	}
	text_escape(ref->name, esc, sizeof(esc));
	def_prog_mode();
	endwin();
	bool have_tty = tcgetattr(STDIN_FILENO, &saved) == 0;
	if (have_tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	char banner[GUEST_NAME_MAX * 4 + 96];
	int bl = snprintf(banner, sizeof(banner), "\r\nConnected to %s. Escape character is ^] (Ctrl-]).\r\n", esc);
	if (bl > 0 && write(STDOUT_FILENO, banner, (size_t)bl) < 0) {
		/* the console below will fail as well and say why */
	}
	int rc = be->ops->console(be, ref->uuid, STDIN_FILENO, STDOUT_FILENO, err, sizeof(err));
	if (have_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	/* Whatever modes the guest set (charset, scroll region, mouse), a soft reset undoes them. */
	static const char soft_reset[] = "\033[!p\033[?1000l\033[?1002l\033[?1006l\033(B";
	if (write(STDOUT_FILENO, soft_reset, sizeof(soft_reset) - 1) < 0) {
		/* the redraw below is all we can do */
	}
	audit_record(be->uri, ref->name, ref->uuid, "console", rc == 0, err);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	char emsg[BACKEND_ERR_MAX * 4];
	text_escape(err, emsg, sizeof(emsg));
	if (rc < 0)
		console_message(c, true, "%s", emsg);
	else
		console_message(c, false, "%s: console closed%s%s", esc, emsg[0] ? ": " : "", emsg);
}

static void open_dialog(struct console *c, int ga, const struct action_def *def)
{
	struct dialog *d = &c->dialog;
	char esc[GUEST_NAME_MAX * 4];
	memset(d, 0, sizeof(*d));
	text_escape(c->targets[0].name, esc, sizeof(esc));
	snprintf(d->title, sizeof(d->title), "%s", def ? def->label : guest_action_name((enum guest_action)ga));
	if (c->n_targets == 1) {
		snprintf(d->text[0], sizeof(d->text[0]), "%s %.200s?", def ? def->label : "", esc);
	} else {
		snprintf(d->text[0], sizeof(d->text[0]), "%s %zu tagged guests?", def ? def->label : "", c->n_targets);
		size_t o = 0;
		for (size_t i = 0; i < c->n_targets && o + 4 < sizeof(d->text[1]); i++) {
			text_escape(c->targets[i].name, esc, sizeof(esc));
			int w = snprintf(d->text[1] + o, sizeof(d->text[1]) - o, "%s%s", i ? ", " : "", esc);
			if (w < 0)
				break;
			o += (size_t)w;
		}
	}
	if (def && def->confirm == CONFIRM_TYPED) {
		d->typed = true;
		snprintf(d->expect, sizeof(d->expect), "%s", c->targets[0].name);
		snprintf(d->text[1], sizeof(d->text[1]), "%s",
			 ga == GA_DELETE_WITH_DISKS ? "This cannot be undone. Its disk volumes are deleted too."
						    : "This cannot be undone. Its disk images are kept.");
	}
	c->pending_ga = ga;
	c->overlay = OVERLAY_DIALOG;
}

/* An action on the tagged guests, or on the selected one when none is tagged. */
static void run_action(struct console *c, const struct action_def *def)
{
	if (c->readonly) {
		console_message(c, true, "read-only: guesttop was started with --readonly; no action is possible");
		return;
	}
	c->n_targets = 0;
	size_t refused = 0;
	const struct guest_row *first_refused = NULL;
	if (c->n_tags) {
		for (size_t i = 0; i < c->n_tags && c->n_targets < MAX_TARGETS; i++) {
			const struct guest_row *r = row_of_ref(c, &c->tags[i]);
			if (!r)
				continue;
			if (action_allowed(def, &r->g)) {
				ref_of(r, &c->targets[c->n_targets++]);
			} else {
				refused++;
				first_refused = r;
			}
		}
	} else {
		const struct guest_row *r = console_selected(c);
		if (!r)
			return;
		if (action_allowed(def, &r->g))
			ref_of(r, &c->targets[c->n_targets++]);
		else
			first_refused = r, refused++;
	}
	if (!c->n_targets) {
		if (first_refused) {
			char esc[GUEST_NAME_MAX * 4];
			text_escape(first_refused->g.name, esc, sizeof(esc));
			if (def->ga == GA_DELETE && first_refused->g.container)
				console_message(c, true, "%s: a container's root file system goes with it: "
						"use 'delete with its disks' (F9)", esc);
			else
				console_message(c, true, "cannot %s %s: it is %s%s", def->label, esc,
						guest_state_name(first_refused->g.state),
						first_refused->g.persistent == 0 && def->needs_persistent ? " and transient" : "");
		}
		return;
	}
	/* Connected read-only (no permission to manage guests): say so before asking anything. */
	for (size_t i = 0; i < c->n_targets; i++) {
		if (c->targets[i].be->readonly) {
			console_message(c, true, "read-only: %s is watched read-only (no permission to manage its guests)",
					c->targets[i].be->uri);
			return;
		}
	}
	if (def->ga == GA_CONSOLE_ATTACH) {
		attach_console(c, &c->targets[0]);
		return;
	}
	if (def->confirm == CONFIRM_TYPED && c->n_targets > 1) {
		console_message(c, true, "%s one guest at a time (untag with U)", def->label);
		return;
	}
	/* A name typed to delete is asked whatever the setting. */
	if (def->confirm == CONFIRM_TYPED || (def->confirm == CONFIRM_YESNO && c->confirm))
		open_dialog(c, def->ga, def);
	else
		submit_targets(c, def->ga);
}

static void open_action_menu(struct console *c)
{
	const struct guest_row *r = console_selected(c);
	size_t n = 0;
	if (c->readonly) {
		console_message(c, true, "read-only: guesttop was started with --readonly; no action is possible");
		return;
	}
	if (!r && !c->n_tags)
		return;
	for (size_t i = 0; i < n_action_defs && n < 16; i++) {
		const struct action_def *a = &action_defs[i];
		bool ok = false;
		if (c->n_tags) {
			for (size_t k = 0; k < c->n_tags && !ok; k++) {
				const struct guest_row *t = row_of_ref(c, &c->tags[k]);
				ok = t && action_allowed(a, &t->g);
			}
		} else {
			ok = action_allowed(a, &r->g);
		}
		if (!ok)
			continue;
		char keys[32] = "";
		if (a->key != ACT_NONE)
			keymap_keys_for(a->key, keys, sizeof(keys));
		snprintf(c->menu_text[n], sizeof(c->menu_text[n]), "%-20s %.18s", a->label, keys);
		c->menu_items[n] = c->menu_text[n];
		c->action_menu_defs[n] = a;
		n++;
	}
	if (!n) {
		console_message(c, true, "no action fits the guest's state");
		return;
	}
	c->menu = (struct menu){ c->n_tags ? "Action (tagged guests)" : "Action", c->menu_items, n, 0 };
	c->overlay = OVERLAY_ACTIONS;
}

/* Results of finished actions, and shutdowns that ran out of time. */
static void follow_actions(struct console *c)
{
	ngform_poll(c);
	/* A guest just created: offer its console once it is listed. */
	if (c->attach_offer_name[0] && c->overlay == OVERLAY_NONE && c->screen == SCREEN_TABLE) {
		for (size_t i = 0; i < c->m.n; i++) {
			const struct guest_row *r = &c->m.rows[i];
			if (r->g.backend != c->attach_offer_be || strcmp(r->g.name, c->attach_offer_name) != 0 ||
			    !guest_state_is_active(r->g.state))
				continue;
			char esc[GUEST_NAME_MAX * 4];
			c->attach_offer_name[0] = '\0';
			c->n_targets = 1;
			ref_of(r, &c->targets[0]);
			memset(&c->dialog, 0, sizeof(c->dialog));
			text_escape(r->g.name, esc, sizeof(esc));
			snprintf(c->dialog.title, sizeof(c->dialog.title), "new guest");
			snprintf(c->dialog.text[0], sizeof(c->dialog.text[0]), "%.200s is running.", esc);
			snprintf(c->dialog.text[1], sizeof(c->dialog.text[1]), "%s",
				 "Attach its serial console now? (v shows its VNC display later)");
			c->pending_ga = GA_CONSOLE_ATTACH;
			c->overlay = OVERLAY_DIALOG;
			break;
		}
	}
	struct action_result res;
	bool any = false;
	while (executor_poll(c->ex, &res)) {
		char esc[GUEST_NAME_MAX * 4], msg[BACKEND_ERR_MAX * 4];
		text_escape(res.job.name, esc, sizeof(esc));
		/* Backend messages may quote a tenant's names: escaped like the names themselves. */
		text_escape(res.msg, msg, sizeof(msg));
		if (!res.ok && res.job.action == GA_SHUTDOWN) {
			/* A shutdown that was never requested must not lead to a force off. */
			struct guest_ref ref = { .be = res.job.be };
			snprintf(ref.uuid, sizeof(ref.uuid), "%s", res.job.uuid);
			drop_pending_shutdown(c, &ref);
		}
		if (!res.ok)
			console_message(c, true, "%s: %s failed: %s", esc, guest_action_name(res.job.action), msg);
		else if (res.job.action == GA_DISPLAY)
			console_message(c, false, "%s: display %s", esc, msg);
		else if (res.job.action == GA_DELETE_WITH_DISKS)
			console_message(c, false, "%s: deleted; %s", esc, msg);
		else if (res.job.action == GA_SHUTDOWN)
			console_message(c, false, "%s: shutdown requested; force off offered after %lds", esc,
					c->shutdown_timeout_s);
		else
			console_message(c, false, "%s: %s done", esc, guest_action_name(res.job.action));
		any = true;
	}
	if (any)
		collector_poke(c->col);
	uint64_t now = sampler_now_ns();
	for (size_t i = 0; i < c->n_shutdowns;) {
		struct pending_shutdown *p = &c->shutdowns[i];
		const struct guest_row *r = row_of_ref(c, &p->ref);
		if (!r || !guest_state_is_active(r->g.state)) {
			c->shutdowns[i] = c->shutdowns[--c->n_shutdowns];
			continue;
		}
		if (!p->expired && now >= p->deadline_ns && c->overlay == OVERLAY_NONE) {
			p->expired = true;
			c->n_targets = 1;
			c->targets[0] = p->ref;
			if (c->o->force_after_timeout) {
				submit_targets(c, GA_FORCE_OFF);
			} else {
				char esc[GUEST_NAME_MAX * 4];
				open_dialog(c, GA_FORCE_OFF, action_by_key(ACT_GA_FORCE_OFF));
				text_escape(p->ref.name, esc, sizeof(esc));
				snprintf(c->dialog.title, sizeof(c->dialog.title), "shutdown timed out");
				snprintf(c->dialog.text[0], sizeof(c->dialog.text[0]),
					 "%.200s did not shut down within %ld s.", esc, c->shutdown_timeout_s);
				snprintf(c->dialog.text[1], sizeof(c->dialog.text[1]), "%s", "Force it off?");
			}
		}
		i++;
	}
}

/* ---- keys ---- */

static bool name_matches(const struct guest_row *r, const char *needle)
{
	return needle[0] && strcasestr(r->g.name, needle) != NULL;
}

/* Select the first guest from `from` on (wrapping) whose name contains the search. */
bool console_search_from(struct console *c, const char *needle, size_t from)
{
	for (size_t k = 0; k < c->n_order; k++) {
		size_t i = (from + k) % c->n_order;
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
		if (!console_search_from(c, c->search, c->view.selected + 1))
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
	if (c->search[0] && !console_search_from(c, c->search, c->view.selected))
		console_message(c, true, "no guest matches '%s'", c->search);
}

static void set_sort(struct console *c, enum column col)
{
	c->sort = col;
	remember_selection(c);
	console_resort(c);
}

/* Keys on the help, detail and host screens: scroll, or go back. */
static void scroll_screen_key(struct console *c, int key)
{
	int page = LINES > 3 ? LINES - 3 : 1;
	switch (key) {
	case KEY_UP: c->scroll = c->scroll > 0 ? c->scroll - 1 : 0; break;
	case KEY_DOWN: c->scroll++; break;
	case KEY_PPAGE: c->scroll = c->scroll > page ? c->scroll - page : 0; break;
	case KEY_NPAGE: c->scroll += page; break;
	case KEY_HOME: c->scroll = 0; break;
	case 27:
	case 'q':
	case KEY_F(10):
	case '\n':
	case '\r':
	case KEY_ENTER:
	case 'h':
	case KEY_F(1):
		c->screen = SCREEN_TABLE;
		break;
	default:
		break;
	}
}

/* Returns false when the user asked to quit. */
/*
 * The mouse on the guest table: a click on a row selects it, a click on a
 * column's title sorts by it (again: inverts), the wheel scrolls.
 */
static void mouse_event(struct console *c)
{
	MEVENT ev;
	if (getmouse(&ev) != OK || c->screen != SCREEN_TABLE || c->overlay != OVERLAY_NONE)
		return;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		c->user_selected = true;
		table_view_move(&c->view, ev.bstate & BUTTON4_PRESSED ? -3 : 3, c->n_order, c->table_height);
		return;
	}
	if (!(ev.bstate & BUTTON1_PRESSED))
		return;
	if (ev.y == c->table_y) {
		enum column cols[COL_COUNT_];
		int name_w, x = 0;
		int ncols = columns_layout_ordered(c->visible, c->col_order, c->table_w, cols, &name_w);
		for (int k = 0; k < ncols; k++) {
			int w = cols[k] == COL_NAME ? name_w : columns[cols[k]].width;
			if (ev.x >= x && ev.x < x + w + 1) {
				if (cols[k] == c->sort) {
					c->invert = !c->invert;
					remember_selection(c);
					console_resort(c);
				} else {
					set_sort(c, cols[k]);
				}
				return;
			}
			x += w + 1;
		}
		return;
	}
	int i = ev.y - c->table_y - 1;
	if (i >= 0 && i < c->table_height && c->view.top + (size_t)i < c->n_order) {
		c->user_selected = true;
		select_row(c, c->view.top + (size_t)i);
	}
}

/* Replay: step, play or pause, or ask for a time. True when the key was one of these. */
static bool replay_key(struct console *c, int key)
{
	switch (key) {
	case KEY_LEFT:
	case KEY_RIGHT:
		c->rec_playing = false;
		if (key == KEY_LEFT && c->rec_k > 0)
			c->rec_k--;
		else if (key == KEY_RIGHT && c->rec_k + 1 < c->rec->n_frames)
			c->rec_k++;
		refresh_data(c);
		return true;
	case ' ':
		c->rec_playing = !c->rec_playing;
		return true;
	case 'g':
		c->goto_text[0] = '\0';
		c->overlay = OVERLAY_GOTO;
		return true;
	default:
		return false;
	}
}

static void goto_key(struct console *c, int key)
{
	size_t len = strlen(c->goto_text);
	if (key == 27) {
		c->overlay = OVERLAY_NONE;
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		c->overlay = OVERLAY_NONE;
		c->rec_playing = false;
		c->rec_k = recording_find(c->rec, c->goto_text);
		refresh_data(c);
	} else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len) {
		c->goto_text[len - 1] = '\0';
	} else if (((key >= '0' && key <= '9') || key == ':' || key == '-' || key == 'T') && len + 1 < sizeof(c->goto_text)) {
		c->goto_text[len] = (char)key;
		c->goto_text[len + 1] = '\0';
	}
}

static bool handle_key(struct console *c, int key)
{
	if (key == KEY_RESIZE)
		return true;
	if (key == KEY_MOUSE) {
		mouse_event(c);
		return true;
	}
	if (c->screen == SCREEN_NEW_GUEST) {
		ngform_key(c, key);
		return true;
	}
	if (c->screen == SCREEN_SETUP) {
		setup_key(c, key);
		return true;
	}
	if (c->screen != SCREEN_TABLE) {
		scroll_screen_key(c, key);
		return true;
	}
	if (c->overlay == OVERLAY_SEARCH) {
		search_key(c, key);
		return true;
	}
	if (c->overlay == OVERLAY_GOTO) {
		goto_key(c, key);
		return true;
	}
	if (c->rec && c->overlay == OVERLAY_NONE && replay_key(c, key))
		return true;
	if (c->overlay == OVERLAY_DIALOG) {
		switch (dialog_key(&c->dialog, key)) {
		case DIALOG_YES:
			c->overlay = OVERLAY_NONE;
			if (c->pending_ga == GA_CONSOLE_ATTACH)
				attach_console(c, &c->targets[0]);
			else
				submit_targets(c, c->pending_ga);
			break;
		case DIALOG_NO:
			c->overlay = OVERLAY_NONE;
			console_message(c, false, "cancelled");
			break;
		case DIALOG_CONTINUE:
			break;
		}
		return true;
	}
	if (c->overlay == OVERLAY_ACTIONS) {
		switch (menu_key(&c->menu, key)) {
		case MENU_CHOSEN:
			c->overlay = OVERLAY_NONE;
			run_action(c, c->action_menu_defs[c->menu.selected]);
			break;
		case MENU_CANCELLED: c->overlay = OVERLAY_NONE; break;
		case MENU_CONTINUE: break;
		}
		return true;
	}
	if (c->overlay != OVERLAY_NONE) {
		/* Space toggles in the column chooser, as Enter does. */
		if (c->overlay == OVERLAY_COLUMNS && key == ' ')
			key = '\n';
		switch (menu_key(&c->menu, key)) {
		case MENU_CHOSEN: menu_chosen(c); break;
		case MENU_CANCELLED: c->overlay = OVERLAY_NONE; break;
		case MENU_CONTINUE: break;
		}
		return true;
	}
	int page = c->table_height > 1 ? c->table_height - 1 : 1;
	enum action act = keymap_lookup(key);
	if (act >= ACT_UP && act <= ACT_END)
		c->user_selected = true;
	switch (act) {
	case ACT_UP: table_view_move(&c->view, -1, c->n_order, c->table_height); break;
	case ACT_DOWN: table_view_move(&c->view, 1, c->n_order, c->table_height); break;
	case ACT_PAGE_UP: table_view_move(&c->view, -page, c->n_order, c->table_height); break;
	case ACT_PAGE_DOWN: table_view_move(&c->view, page, c->n_order, c->table_height); break;
	case ACT_HOME: select_row(c, 0); break;
	case ACT_END: select_row(c, c->n_order ? c->n_order - 1 : 0); break;
	case ACT_SORT_PREV: set_sort(c, c->sort > 0 ? c->sort - 1 : COL_COUNT_ - 1); break;
	case ACT_SORT_NEXT: set_sort(c, c->sort + 1 < COL_COUNT_ ? c->sort + 1 : 0); break;
	case ACT_SORT_CPU: set_sort(c, COL_CPU); break;
	case ACT_SORT_MEM: set_sort(c, COL_RSS); break;
	case ACT_SORT_MENU: open_sort_menu(c); break;
	case ACT_COLUMNS: open_columns_menu(c); break;
	case ACT_SETUP: setup_open(c); break;
	case ACT_FILTER: open_filter_menu(c); break;
	case ACT_INVERT:
		c->invert = !c->invert;
		remember_selection(c);
		console_resort(c);
		break;
	case ACT_SEARCH:
		c->search[0] = '\0';
		c->overlay = OVERLAY_SEARCH;
		break;
	case ACT_SEARCH_NEXT:
		if (!c->last_search[0])
			console_message(c, false, "no search yet: press / to search");
		else if (!console_search_from(c, c->last_search, c->view.selected + 1))
			console_message(c, true, "no guest matches '%s'", c->last_search);
		break;
	case ACT_DETAIL:
		if (console_selected(c)) {
			/* The guest shown is the selected one: keep it selected while the screen is open. */
			c->user_selected = true;
			remember_selection(c);
			c->screen = SCREEN_DETAIL;
			c->scroll = 0;
		}
		break;
	case ACT_HOST_VIEW:
		c->screen = SCREEN_HOST;
		c->scroll = 0;
		break;
	case ACT_HELP:
		c->screen = SCREEN_HELP;
		c->scroll = 0;
		break;
	case ACT_TAG: {
		const struct guest_row *r = console_selected(c);
		if (r) {
			toggle_tag(c, r);
			/* As in htop: tag and move on, so Space Space Space tags three. */
			table_view_move(&c->view, 1, c->n_order, c->table_height);
			c->user_selected = true;
		}
		break;
	}
	case ACT_UNTAG_ALL:
		c->n_tags = 0;
		break;
	case ACT_ACTION_MENU: open_action_menu(c); break;
	case ACT_NEW_GUEST:
		if (c->readonly)
			console_message(c, true, "read-only: guesttop was started with --readonly; no guest can be created");
		else
			ngform_open(c);
		break;
	case ACT_GA_START:
	case ACT_GA_SHUTDOWN:
	case ACT_GA_REBOOT:
	case ACT_GA_FORCE_OFF:
	case ACT_GA_SUSPEND:
	case ACT_GA_RESUME:
	case ACT_GA_SAVE:
	case ACT_GA_AUTOSTART:
	case ACT_GA_DELETE:
	case ACT_GA_CONSOLE:
	case ACT_GA_DISPLAY: {
		const struct action_def *def = action_by_key(act);
		if (def)
			run_action(c, def);
		break;
	}
	case ACT_REDRAW: clearok(curscr, TRUE); break;
	case ACT_QUIT: return false;
	case ACT_NONE:
	case ACT_COUNT_: break;
	}
	remember_selection(c);
	return true;
}

/* ---- main loop ---- */

static int start_curses(bool mono)
{
	have_shell_modes = tcgetattr(STDIN_FILENO, &shell_modes) == 0;
	if (!newterm(NULL, stdout, stdin))
		return -1;
	prepare_crash_restore();
	curses_active = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	/* Presses and the wheel: a press acts at once, and its release is not an event of its own. */
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	widgets_colors_init(mono || (getenv("NO_COLOR") && getenv("NO_COLOR")[0]));
	return 0;
}

/* Every action's outcome goes to the audit trail, on the executor's thread, as it ends. */
static void record_result(const struct action_result *r, void *opaque)
{
	(void)opaque;
	audit_record(r->job.be->uri, r->job.name, r->job.uuid, guest_action_name(r->job.action), r->ok,
		     r->msg);
}

int console_run(const struct options *o, struct backend *bes, size_t n)
{
	struct console c = { 0 };
	int ret = 1;
	c.interval_ms = (unsigned)lround(o->delay_s * 1000.0);
	unsigned first_ms = c.interval_ms < FIRST_RATE_MS ? c.interval_ms : FIRST_RATE_MS;
	c.shutdown_timeout_s = o->shutdown_timeout_s;
	c.mono = o->mono;
	c.confirm = o->confirm;

	c.o = o;
	c.bes = bes;
	c.n_bes = n;
	c.sort = (enum column)o->sort_column;
	c.invert = o->sort_invert;
	c.table_height = 1;
	c.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	for (int i = 0; i < COL_COUNT_; i++)
		c.visible[i] = o->columns ? (o->columns >> i) & 1 : columns[i].shown;
	console_set_order(&c, o->column_order, o->n_column_order);
	/* Several hosts watched: say which one each guest is on. */
	if (!o->columns)
		c.visible[COL_HOST] = backends_span_hosts(bes, n);
	guest_list_init(&c.list);
	if (model_init(&c.m, o->proc_root) < 0) {
		fprintf(stderr, "guesttop: cannot open %s: %s\n", o->proc_root, strerror(errno));
		return 1;
	}
	model_init_sys(&c.m, o->sys_root);
	c.m.limits = (struct thresholds){ o->victim_steal_pct, o->victim_thr_pct, o->victim_lat_ms, o->victim_psi_pct };
	c.host = host_new();
	c.readonly = o->readonly;
	static struct recording rec;
	if (o->replay) {
		if (recording_load(o->replay, &rec, c.rec_msg, sizeof(c.rec_msg)) < 0) {
			fprintf(stderr, "guesttop: %s\n", c.rec_msg);
			return 1;
		}
		c.rec = &rec;
		c.readonly = true;	/* nothing to act on: these guests are the past */
	}
	if (o->record) {
		char err[300];
		if (!(c.record = record_open(o->record, err, sizeof(err)))) {
			fprintf(stderr, "guesttop: %s\n", err);
			return 1;
		}
	}
	c.ex = executor_new(record_result, NULL);
	if (!c.ex) {
		fprintf(stderr, "guesttop: cannot start the action thread\n");
		goto cleanup;
	}
	audit_open(NULL);
	c.col = collector_new(bes, n, c.interval_ms);
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
	if (start_curses(o->mono) < 0) {
		restore_terminal();
		fprintf(stderr, "guesttop: cannot initialise the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		goto cleanup;
	}
	if (c.rec_msg[0])
		console_message(&c, true, "%s", c.rec_msg);
	/* Said on standard error too, but the screen has just covered it. */
	if (o->n_config_errors)
		console_message(&c, true, "%s%s", o->config_errors[0],
				o->n_config_errors > 1 ? " (and more: guesttop --dump-config)" : "");

	refresh_data(&c);
	bool first_rates_due = true;
	c.next_tick_ns = sampler_now_ns() + (uint64_t)first_ms * 1000000ull;
	for (;;) {
		if (quit_signal)
			break;
		follow_actions(&c);
		draw(&c);
		uint64_t now = sampler_now_ns();
		int wait_ms = now >= c.next_tick_ns ? 0 : (int)((c.next_tick_ns - now) / 1000000ull);
		/* The first listing is worth showing as soon as it arrives; so are results and countdowns. */
		if ((!c.have_listing || executor_busy(c.ex) || c.n_shutdowns || c.ng_job || c.attach_offer_name[0]) &&
		    wait_ms > 200)
			wait_ms = c.have_listing ? 200 : 100;
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
				c.next_tick_ns = now + (uint64_t)first_ms * 1000000ull;
				continue;
			}
		}
		if (now >= c.next_tick_ns) {
			if (c.rec && c.rec_playing) {
				if (c.rec_k + 1 < c.rec->n_frames)
					c.rec_k++;
				else
					c.rec_playing = false;
			}
			refresh_data(&c);
			if (first_rates_due) {
				first_rates_due = false;
				c.next_tick_ns = now + (uint64_t)c.interval_ms * 1000000ull;
			} else {
				c.next_tick_ns += (uint64_t)c.interval_ms * 1000000ull;
				if (c.next_tick_ns < now)
					c.next_tick_ns = now + (uint64_t)c.interval_ms * 1000000ull;
			}
		}
	}
	/* A terminal with no alternate screen (linux, vt100) keeps what was drawn: leave it clean. */
	const char *rmcup = curses_active ? tigetstr("rmcup") : NULL;
	if (curses_active && (!rmcup || rmcup == (char *)-1 || !rmcup[0])) {
		clear();
		refresh();
	}
	ret = 0;
cleanup:
	if (c.record)
		fclose(c.record);
	if (c.rec)
		recording_free(c.rec);
	restore_terminal();
	executor_free(c.ex);
	ngform_free(&c);
	audit_close();
	free(c.tags);
	free(c.shutdowns);
	collector_free(c.col);
	host_free(c.host);
	model_free(&c.m);
	guest_list_free(&c.list);
	cgroup_procs_free();
	devname_cache_free();
	free(c.order);
	if (quit_signal && quit_signal != SIGINT)
		ret = 128 + quit_signal;
	return ret;
}
