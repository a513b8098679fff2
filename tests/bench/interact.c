/*
 * Interactivity at 5,000 guests: sort, filter and draw the guest table with the console's own code
 * (columns_sort, console_filter, console_search_from, console_draw_table), timed on a model built in
 * memory and an off-screen curses terminal (xterm-256color, 200x50, output to /dev/null).
 *
 * build/lab/interact [-g GUESTS] [-r REPS] [-v]
 *
 * One line per measurement with the median and p95 in ms over REPS repetitions, then the total:
 * one keypress that re-sorts (console_resort: sort, filter, keep the selection) and redraws the
 * table page, timed as one, against a budget of 5 ms at 5,000 guests. -v adds the sort by column.
 */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/sampler.h"
#include "tui/columns.h"
#include "tui/console_priv.h"
#include "tui/model.h"
#include "widgets/widgets.h"

#define TERM_NAME "xterm-256color"
#define TERM_LINES 50
#define TERM_COLS 200
/* Where the console puts the table on a 50-line terminal of a small host: 6 header lines and a gap. */
#define TABLE_Y 7
#define BUDGET_MS 5.0

/* A fixed sequence: the same model every run. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double urand(void)
{
	return (double)(rnd() >> 11) * 0x1p-53;
}

/* Log-uniform between lo and hi: rates spread over orders of magnitude, as on a real host. */
static double logu(double lo, double hi)
{
	return lo * pow(hi / lo, urand());
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *const tenants[] = { "acme", "globex", "initech", "umbrella", "hooli",
				       "stark", "wayne", "tyrell", "cyberdyne", "soylent" };
static const char *const roles[] = { "web", "db", "cache", "build", "ci-runner", "k8s-node", "mail", "vpn" };

/* Two backends: rows are told apart by backend and uuid, as the console does. */
static struct backend be_libvirt, be_cgroup;

static void fill_row(struct guest_row *r, size_t i)
{
	memset(r, 0, sizeof(*r));
	struct guest_ident *g = &r->g;
	const char *tenant = tenants[rnd() % (sizeof(tenants) / sizeof(tenants[0]))];
	const char *role = roles[rnd() % (sizeof(roles) / sizeof(roles[0]))];
	unsigned pick = (unsigned)(rnd() % 1000);
	/* Mostly short names; some long enough to be cut, some wide (UTF-8), a few hostile. */
	if (pick < 20)
		snprintf(g->name, sizeof(g->name), "%s-%s-migrated-from-the-old-cluster-%zu", tenant, role, i);
	else if (pick < 30)
		snprintf(g->name, sizeof(g->name), "%s-caf\u00e9-\u6570\u636e\u5e93-%zu", tenant, i);
	else if (pick < 32)
		snprintf(g->name, sizeof(g->name), "%s-\033[31mred\033[0m-%zu", tenant, i);
	else
		snprintf(g->name, sizeof(g->name), "%s-%s-%zu", tenant, role, i);
	snprintf(g->uuid, sizeof(g->uuid), "%08x-%04x-4%03x-8%03x-%012llx", (unsigned)rnd(),
		 (unsigned)(rnd() & 0xffff), (unsigned)(rnd() & 0xfff), (unsigned)(rnd() & 0xfff),
		 (unsigned long long)(rnd() & 0xffffffffffffull));

	/* 70% KVM, 10% each libvirt-lxc, native LXC, and cgroup-found containers. */
	unsigned k = (unsigned)(rnd() % 10);
	const char *kind = k < 7 ? "kvm" : k == 7 ? "libvirt-lxc" : k == 8 ? "lxc" : "cgroup";
	snprintf(g->kind, sizeof(g->kind), "%s", kind);
	g->backend = k == 9 ? &be_cgroup : &be_libvirt;
	g->container = k >= 7;
	bool vm = k < 7;

	unsigned s = (unsigned)(rnd() % 1000);
	g->state = s < 840 ? GUEST_STATE_RUNNING : s < 860 ? GUEST_STATE_BLOCKED : s < 890 ? GUEST_STATE_PAUSED :
		   s < 895 ? GUEST_STATE_SHUTDOWN : s < 995 ? GUEST_STATE_SHUTOFF : GUEST_STATE_CRASHED;
	bool active = guest_state_is_active(g->state);
	g->id = active ? (int)i + 1 : -1;
	g->pid = active ? (pid_t)(10000 + i) : 0;
	g->vcpus = vm || k == 7 ? 1u << (rnd() % 5) : 0;
	g->mem_bytes = vm || k == 7 ? (512ull << 20) << (rnd() % 8) : GT_UNKNOWN;
	g->mem_max_bytes = g->mem_bytes;
	g->autostart = (int)(rnd() % 2);
	g->persistent = 1;
	g->hv_cpu_ns = GT_UNKNOWN;

	sampler_rates_unknown(&r->rates);
	r->rss_bytes = r->swap_bytes = r->cg_mem_bytes = GT_UNKNOWN;
	r->disk = (struct disk_rates){ NAN, NAN, NAN, NAN, NAN, NAN };
	r->hv_cpu_pct = NAN;
	for (unsigned h = 0; h < HISTORY_LEN; h++)
		r->history[h] = NAN;
	if (!active)
		return;

	/* As after two samples: every rate known where the backend can measure it. */
	struct guest_rates *rt = &r->rates;
	double mem = g->mem_bytes != GT_UNKNOWN ? (double)g->mem_bytes : logu(64 << 20, 8.0 * (1 << 30));
	bool paused = g->state == GUEST_STATE_PAUSED;
	double busy = urand();
	rt->cpu_pct = paused ? 0 : busy < 0.7 ? logu(0.05, 5) : busy < 0.95 ? logu(5, 100) : logu(100, 100.0 * g->vcpus + 100);
	rt->vcpu_pct = vm ? rt->cpu_pct * (0.6 + 0.35 * urand()) : NAN;
	rt->steal_pct = vm ? (urand() < 0.05 ? logu(10, 60) : logu(0.01, 3)) : NAN;
	rt->thr_pct = urand() < 0.03 ? logu(10, 50) : 0;
	rt->read_bps = urand() < 0.3 ? 0 : logu(512, 200e6);
	rt->write_bps = urand() < 0.2 ? 0 : logu(512, 100e6);
	rt->majflt_ps = urand() < 0.8 ? 0 : logu(0.5, 2000);
	rt->psi_cpu = logu(0.01, 30);
	rt->psi_io = logu(0.01, 20);
	rt->psi_mem = urand() < 0.9 ? 0 : logu(0.1, 15);
	rt->net_rx_bps = logu(100, 1e9);
	rt->net_tx_bps = logu(100, 5e8);
	rt->net_rx_pps = rt->net_rx_bps / 800;
	rt->net_tx_pps = rt->net_tx_bps / 800;
	rt->net_drops_ps = urand() < 0.95 ? 0 : logu(0.1, 500);
	rt->net_errors_ps = 0;
	r->rss_bytes = (uint64_t)(mem * (0.1 + 0.9 * urand()));
	r->cg_mem_bytes = (uint64_t)((double)r->rss_bytes * (1.0 + 0.3 * urand()));
	r->swap_bytes = urand() < 0.9 ? 0 : (uint64_t)logu(4096, mem / 4);
	if (vm) {
		r->disk.rd_bps = rt->read_bps * (0.8 + 0.4 * urand());
		r->disk.wr_bps = rt->write_bps * (0.8 + 0.4 * urand());
		r->disk.rd_iops = r->disk.rd_bps / logu(4096, 262144);
		r->disk.wr_iops = r->disk.wr_bps / logu(4096, 262144);
		r->disk.rd_lat_ms = logu(0.05, 40);
		r->disk.wr_lat_ms = logu(0.05, 60);
	}
	/* The victims as model_judge marks them; a few culprits. */
	unsigned v = 0;
	if (rt->steal_pct > 10)
		v |= VICTIM_STEAL;
	if (rt->thr_pct > 10)
		v |= VICTIM_THROTTLE;
	if (r->disk.rd_lat_ms > 20 || r->disk.wr_lat_ms > 20)
		v |= VICTIM_DISK_LATENCY;
	if (rt->psi_cpu > 10)
		v |= VICTIM_PSI_CPU;
	if (rt->psi_io > 10)
		v |= VICTIM_PSI_IO;
	if (rt->psi_mem > 10)
		v |= VICTIM_PSI_MEM;
	r->victim = v;
	if (rt->cpu_pct > 100 && urand() < 0.3)
		r->culprit |= CULPRIT_CPU;
	if (rt->read_bps + rt->write_bps > 50e6 && urand() < 0.3)
		r->culprit |= CULPRIT_DISK;
	/* Two samples: the first has no rate yet. */
	r->history[0] = NAN;
	r->history[1] = (float)rt->cpu_pct;
	r->hist_len = 2;
	r->hist_pos = 2;
}

static void build_model(struct model *m, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->proc_fd = m->net_fd = -1;
	m->limits = (struct thresholds)THRESHOLDS_DEFAULT;
	m->rows = calloc(n ? n : 1, sizeof(*m->rows));
	if (!m->rows) {
		fprintf(stderr, "interact: out of memory\n");
		exit(1);
	}
	m->n = m->cap = n;
	for (size_t i = 0; i < n; i++)
		fill_row(&m->rows[i], i);
	/* In listing order, not by name or by any column. */
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(rnd() % i);
		struct guest_row t = m->rows[i - 1];
		m->rows[i - 1] = m->rows[j];
		m->rows[j] = t;
	}
}

/* ---- timing ---- */

struct series {
	const char *label;
	uint64_t *ns;
	size_t n;
};

static void series_init(struct series *s, const char *label, size_t reps)
{
	s->label = label;
	s->n = 0;
	s->ns = calloc(reps, sizeof(*s->ns));
	if (!s->ns) {
		fprintf(stderr, "interact: out of memory\n");
		exit(1);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Median and p95 (nearest rank), in ms. */
static void series_stats(struct series *s, double *med, double *p95)
{
	*med = *p95 = NAN;
	if (!s->n)
		return;
	qsort(s->ns, s->n, sizeof(*s->ns), cmp_u64);
	*med = (double)s->ns[s->n / 2] / 1e6;
	size_t r = (s->n * 95 + 99) / 100;
	*p95 = (double)s->ns[r ? r - 1 : 0] / 1e6;
}

static double series_print(struct series *s)
{
	double med, p95;
	series_stats(s, &med, &p95);
	printf("%-62s median %7.3f ms  p95 %7.3f ms\n", s->label, med, p95);
	return med;
}

/* ---- the screen ---- */

static void frame(struct console *c)
{
	erase();
	console_draw_table(c, TABLE_Y, LINES - TABLE_Y - 2, COLS);
	wnoutrefresh(stdscr);
	doupdate();
}

static SCREEN *open_screen(FILE *out, FILE *in)
{
	SCREEN *s = newterm(TERM_NAME, out, in);
	if (!s)
		return NULL;
	set_term(s);
	/* As the console's start_curses; the tty calls fail quietly on /dev/null. */
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	if (resizeterm(TERM_LINES, TERM_COLS) != OK || LINES != TERM_LINES || COLS != TERM_COLS) {
		fprintf(stderr, "interact: cannot size the off-screen terminal to %dx%d (got %dx%d)\n", TERM_COLS,
			TERM_LINES, COLS, LINES);
		return NULL;
	}
	widgets_colors_init(0);
	return s;
}

/* The bytes curses sends for a first frame, then per frame while two states alternate: on a temp file. */
static void check_output(struct console *c, size_t *order_a, size_t *order_b, FILE *in)
{
	FILE *tf = tmpfile();
	if (!tf)
		return;
	SCREEN *s = open_screen(tf, in);
	if (!s) {
		fclose(tf);
		return;
	}
	size_t *own = c->order;
	struct stat st;
	off_t first = 0, after = 0;
	const int frames = 10;
	for (int i = 0; i <= frames; i++) {
		c->order = i % 2 ? order_b : order_a;
		c->view.selected = i % 2 ? 9 : 2;
		frame(c);
		fflush(tf);
		if (fstat(fileno(tf), &st) == 0) {
			if (i == 0)
				first = st.st_size;
			after = st.st_size;
		}
	}
	c->order = own;
	endwin();
	delscreen(s);
	fclose(tf);
	printf("curses output (checked on a temp file): first frame %lld bytes, then %lld bytes per frame\n",
	       (long long)first, (long long)((after - first) / frames));
}

static void usage(void)
{
	fprintf(stderr, "usage: interact [-g GUESTS] [-r REPS] [-v]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t guests = 5000, reps = 200;
	bool verbose = false;
	int opt;
	while ((opt = getopt(argc, argv, "g:r:v")) != -1) {
		switch (opt) {
		case 'g': guests = strtoul(optarg, NULL, 10); break;
		case 'r': reps = strtoul(optarg, NULL, 10); break;
		case 'v': verbose = true; break;
		default: usage();
		}
	}
	if (optind != argc || guests < 1 || reps < 1)
		usage();
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "");

	static struct console con;	/* large: not on the stack */
	struct console *c = &con;
	build_model(&c->m, guests);
	c->sort = COL_CPU;
	c->table_height = TERM_LINES - TABLE_Y - 3;
	c->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	c->have_listing = true;
	for (int i = 0; i < COL_COUNT_; i++)
		c->visible[i] = columns[i].shown;
	c->order_cap = guests;
	c->order = calloc(guests, sizeof(*c->order));
	size_t *scratch = calloc(guests, sizeof(*scratch)), *sorted = calloc(guests, sizeof(*sorted));
	size_t *order_a = calloc(guests, sizeof(*order_a)), *order_b = calloc(guests, sizeof(*order_b));
	if (!c->order || !scratch || !sorted || !order_a || !order_b) {
		fprintf(stderr, "interact: out of memory\n");
		return 1;
	}

	/* The F4 filter "backend: cgroup" (about 10%), the search (/) for a tenant (about 10% of the names). */
	const char *filter_kind = "cgroup", *needle = "globex", *miss = "no-such-guest";
	size_t n_kind = 0, n_needle = 0, n_active = 0;
	for (size_t i = 0; i < guests; i++) {
		n_kind += strcmp(c->m.rows[i].g.kind, filter_kind) == 0;
		n_needle += strcasestr(c->m.rows[i].g.name, needle) != NULL;
		n_active += guest_state_is_active(c->m.rows[i].g.state);
	}
	columns_sort(&c->m, COL_CPU, false, order_a);
	columns_sort(&c->m, COL_RSS, false, order_b);

	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	if (!out || !in) {
		perror("interact: /dev/null");
		return 1;
	}
	/* The size comes from resizeterm alone, not from the caller's environment. */
	unsetenv("LINES");
	unsetenv("COLUMNS");
	printf("%zu guests (%zu active), terminal %s %dx%d (%s), table of %d rows at line %d, %zu repetitions\n",
	       guests, n_active, TERM_NAME, TERM_COLS, TERM_LINES, c->utf8 ? "UTF-8" : "ASCII", c->table_height,
	       TABLE_Y, reps);
	c->n_order = guests;
	check_output(c, order_a, order_b, in);
	SCREEN *scr = open_screen(out, in);
	if (!scr)
		return 1;

	/* The sort columns in turn, then again inverted: never the order the last sort left. */
	enum column cols[COL_COUNT_];
	size_t ncols = 0;
	for (int i = 0; i < COL_COUNT_; i++)
		cols[ncols++] = (enum column)i;
	struct series s_sort, s_filter, s_hit, s_miss, s_draw, s_total;
	struct series by_col[COL_COUNT_];
	series_init(&s_sort, "(a) sort all rows (columns_sort, column changes each time)", reps);
	static char l_filter[96], l_hit[96], l_miss[96];
	snprintf(l_filter, sizeof(l_filter), "(b) filter F4 'backend: %s' (console_filter, %zu pass)", filter_kind,
		 n_kind);
	snprintf(l_hit, sizeof(l_hit), "(b') search / '%s' from the top (%zu match)", needle, n_needle);
	snprintf(l_miss, sizeof(l_miss), "(b'') search / '%s' (no match: every name)", miss);
	series_init(&s_filter, l_filter, reps);
	series_init(&s_hit, l_hit, reps);
	series_init(&s_miss, l_miss, reps);
	series_init(&s_draw, "(c) draw the table page + doupdate (2 orders, 2 selections)", reps);
	series_init(&s_total, "total: console_resort (sort+filter+selection) + draw", reps);
	for (int i = 0; i < COL_COUNT_; i++)
		series_init(&by_col[i], columns[i].title, reps);

	const size_t warm = 5;
	/* (a) sort */
	for (size_t i = 0; i < reps + warm; i++) {
		enum column col = cols[i % ncols];
		bool inv = (i / ncols) % 2;
		uint64_t t0 = now_ns();
		columns_sort(&c->m, col, inv, scratch);
		uint64_t dt = now_ns() - t0;
		if (i >= warm) {
			s_sort.ns[s_sort.n++] = dt;
			by_col[col].ns[by_col[col].n++] = dt;
		}
	}
	/* (b) filter: from the whole sorted order each time, as console_resort does after the sort */
	columns_sort(&c->m, COL_CPU, false, sorted);
	c->filter = FILTER_KIND;
	snprintf(c->filter_kind, sizeof(c->filter_kind), "%s", filter_kind);
	for (size_t i = 0; i < reps + warm; i++) {
		memcpy(c->order, sorted, guests * sizeof(*sorted));
		uint64_t t0 = now_ns();
		console_filter(c);
		uint64_t dt = now_ns() - t0;
		if (i >= warm)
			s_filter.ns[s_filter.n++] = dt;
	}
	/* (b') and (b'') the search, on the whole list sorted by CPU */
	c->filter = FILTER_ALL;
	memcpy(c->order, sorted, guests * sizeof(*sorted));
	c->n_order = guests;
	bool found = true, missed = true;
	for (size_t i = 0; i < reps + warm; i++) {
		c->view.selected = c->view.top = 0;
		uint64_t t0 = now_ns();
		found &= console_search_from(c, needle, c->view.selected);
		uint64_t t1 = now_ns();
		missed &= !console_search_from(c, miss, c->view.selected);
		uint64_t t2 = now_ns();
		if (i >= warm) {
			s_hit.ns[s_hit.n++] = t1 - t0;
			s_miss.ns[s_miss.n++] = t2 - t1;
		}
	}
	if (!found || !missed)
		fprintf(stderr, "interact: the search did not behave as expected (found %d, missed %d)\n", found,
			missed);
	/* (c) draw: two orders and two selections in turn, so every frame changes the screen */
	c->user_selected = false;
	c->n_order = guests;
	for (size_t i = 0; i < reps + warm; i++) {
		memcpy(c->order, i % 2 ? order_b : order_a, guests * sizeof(*order_a));
		c->view.selected = i % 2 ? 9 : 2;
		c->view.top = 0;
		uint64_t t0 = now_ns();
		frame(c);
		uint64_t dt = now_ns() - t0;
		if (i >= warm)
			s_draw.ns[s_draw.n++] = dt;
	}
	/* Together: a sort key pressed with the filter on and a guest selected, then the redraw. */
	c->filter = FILTER_KIND;
	c->user_selected = true;
	c->view.selected = c->view.top = 0;
	const struct guest_row *sel = NULL;
	for (size_t i = 0; i < guests && !sel; i++)
		if (strcmp(c->m.rows[i].g.kind, filter_kind) == 0)
			sel = &c->m.rows[i];
	if (sel) {
		snprintf(c->sel_uuid, sizeof(c->sel_uuid), "%s", sel->g.uuid);
		c->sel_backend = sel->g.backend;
	}
	for (size_t i = 0; i < reps + warm; i++) {
		c->sort = cols[(i + 7) % ncols];
		c->invert = (i / ncols) % 2;
		uint64_t t0 = now_ns();
		console_resort(c);
		frame(c);
		uint64_t dt = now_ns() - t0;
		if (i >= warm)
			s_total.ns[s_total.n++] = dt;
	}
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);

	double a = series_print(&s_sort);
	/* The median over all columns hides one slow column: name the slowest. */
	int worst = 0;
	double worst_med = -1;
	for (int i = 0; i < COL_COUNT_; i++) {
		double med, p95;
		series_stats(&by_col[i], &med, &p95);
		if (med > worst_med) {
			worst_med = med;
			worst = i;
		}
	}
	static char l_worst[96];
	snprintf(l_worst, sizeof(l_worst), "(a') of which the slowest column, %s (n=%zu)", columns[worst].title,
		 by_col[worst].n);
	by_col[worst].label = l_worst;
	series_print(&by_col[worst]);
	double b = series_print(&s_filter);
	series_print(&s_hit);
	series_print(&s_miss);
	double d = series_print(&s_draw);
	if (verbose) {
		printf("sort by column (median ms):");
		for (int i = 0; i < COL_COUNT_; i++) {
			double med, p95;
			series_stats(&by_col[i], &med, &p95);
			printf("%s %s %.3f", i % 6 ? "," : "\n ", columns[i].title, med);
		}
		printf("\n");
	}
	printf("sum of the medians (a)+(b)+(c): %.3f ms\n", a + b + d);
	double med, p95;
	series_stats(&s_total, &med, &p95);
	printf("total sort+filter+draw: median %.3f ms, p95 %.3f ms (budget %.0f ms: %s)\n", med, p95, BUDGET_MS,
	       med <= BUDGET_MS ? "within" : "OVER");

	free(s_sort.ns);
	free(s_filter.ns);
	free(s_hit.ns);
	free(s_miss.ns);
	free(s_draw.ns);
	free(s_total.ns);
	for (int i = 0; i < COL_COUNT_; i++)
		free(by_col[i].ns);
	free(c->order);
	free(scratch);
	free(sorted);
	free(order_a);
	free(order_b);
	free(c->m.rows);
	return 0;
}
