/* Batch mode: refresh, print, sleep to an absolute deadline; unknown values stay empty or "-". */
#include "tui/batch.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/collector.h"
#include "backends/host.h"
#include "backends/sampler.h"
#include "tui/columns.h"
#include "tui/export.h"
#include "tui/record.h"
#include "tui/model.h"
#include "widgets/text.h"

static volatile sig_atomic_t batch_stop;

static void on_signal(int sig)
{
	(void)sig;
	batch_stop = 1;
}

static void print_text(FILE *f, const struct model *m, const size_t *order, const char *now,
		       const struct host_sample *hs, bool hosts)
{
	struct model_counts mc;
	model_counts(m, &mc);
	char used[16], total[16];
	if (hs) {
		format_bytes((double)hs->mem_used, used, sizeof(used));
		format_bytes((double)hs->mem_total, total, sizeof(total));
		fprintf(f, "guesttop %s  cpus %u  load %.2f %.2f %.2f  mem %s/%s  guests: %u running, %u paused, %u shut off\n",
			now, hs->ncpu, hs->load[0], hs->load[1], hs->load[2], used, total, mc.running, mc.paused,
			mc.shutoff);
	} else {
		fprintf(f, "guesttop %s (recorded)  guests: %u running, %u paused, %u shut off\n", now, mc.running,
			mc.paused, mc.shutoff);
	}
	/* Names are not cut in batch mode: the name column is as wide as the widest. */
	int namew = columns[COL_NAME].width;
	for (size_t i = 0; i < m->n; i++) {
		char esc[GUEST_NAME_MAX * 8];
		text_escape(m->rows[i].g.name, esc, sizeof(esc));
		int w = text_width(esc);
		if (w > namew)
			namew = w;
	}
	char cell[GUEST_NAME_MAX * 8 + 1], fit[GUEST_NAME_MAX * 8 + 64];
	enum column shown[COL_COUNT_];
	int ns = 0;
	for (int c = 0; c < COL_COUNT_; c++)
		if ((columns[c].shown || (c == COL_HOST && hosts)) && columns[c].kind != COL_SPARK)
			shown[ns++] = (enum column)c;
	for (int k = 0; k < ns; k++) {
		enum column c = shown[k];
		int w = c == COL_NAME ? namew : columns[c].width;
		if (columns[c].kind == COL_TEXT)
			fprintf(f, "%s%-*s", k ? " " : "", w, columns[c].title);
		else
			fprintf(f, " %*s", w, columns[c].title);
	}
	fputc('\n', f);
	for (size_t i = 0; i < m->n; i++) {
		const struct guest_row *r = &m->rows[order[i]];
		for (int k = 0; k < ns; k++) {
			enum column c = shown[k];
			int w = c == COL_NAME ? namew : columns[c].width;
			column_format(r, c, cell, sizeof(cell));
			if (columns[c].kind == COL_TEXT) {
				text_fit(cell, w, 1, fit, sizeof(fit));
				fprintf(f, "%s%s", k ? " " : "", fit);
			} else {
				fprintf(f, " %*s", w, cell);
			}
		}
		fputc('\n', f);
	}
	fputc('\n', f);
}

static void sleep_until(struct timespec *deadline, double delay_s)
{
	long ns = (long)((delay_s - floor(delay_s)) * 1e9);
	deadline->tv_sec += (time_t)delay_s;
	deadline->tv_nsec += ns;
	if (deadline->tv_nsec >= 1000000000L) {
		deadline->tv_sec++;
		deadline->tv_nsec -= 1000000000L;
	}
	while (!batch_stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL) == EINTR)
		;
}

/*
 * A listing into the model; its errors go to stderr. -1 when the run must
 * end: at the start, a backend that was asked for failed (a script must see
 * it), or nothing works; or memory ran out.
 */
static int batch_take_listing(struct backend *bes, size_t n, struct guest_list *list,
			      char errs[][BACKEND_ERR_MAX], char said[][BACKEND_ERR_MAX], struct model *m,
			      bool first)
{
	size_t required_failed = 0, working = 0;
	for (size_t i = 0; i < n; i++) {
		/* Errors may quote names a tenant chose: escaped, as on the console. */
		char esc[BACKEND_ERR_MAX * 4];
		if (!errs[i][0]) {
			working++;
			/* A connection that was lost and is back is said once, as its loss was. */
			if (said[i][0]) {
				text_escape(bes[i].uri[0] ? bes[i].uri : bes[i].ops->name, esc, sizeof(esc));
				fprintf(stderr, "guesttop: %s: connected again\n", esc);
				said[i][0] = '\0';
			}
			continue;
		}
		text_escape(errs[i], esc, sizeof(esc));
		/* A backend guessed at and absent is said once, at the start. */
		if (bes[i].optional && !bes[i].was_connected) {
			if (first)
				fprintf(stderr, "guesttop: skipped %s: %s\n", bes[i].ops->name, esc);
		} else {
			/* Each error once, not at every listing while it lasts (a script's log stays readable). */
			if (strcmp(errs[i], said[i]) != 0)
				fprintf(stderr, "guesttop: %s\n", esc);
			snprintf(said[i], BACKEND_ERR_MAX, "%s", errs[i]);
			required_failed++;
		}
	}
	if (first && (required_failed || !working))
		return -1;
	if (model_update(m, list) < 0) {
		fprintf(stderr, "guesttop: out of memory\n");
		return -1;
	}
	return 0;
}

int batch_run(const struct options *o, struct backend *bes, size_t n, FILE *out)
{
	int ret = 1;
	struct model m;
	struct guest_list list;
	char errs[COLLECTOR_MAX_BACKENDS][BACKEND_ERR_MAX];
	char said[COLLECTOR_MAX_BACKENDS][BACKEND_ERR_MAX] = { { 0 } };	/* the error last printed, per backend */
	size_t *order = NULL;
	FILE *rec = NULL;
	struct host *host = host_new();
	struct timespec deadline;
	struct collector *col = NULL;

	guest_list_init(&list);
	if (model_init(&m, o->proc_root) < 0) {
		fprintf(stderr, "guesttop: cannot open %s: %s\n", o->proc_root, strerror(errno));
		goto cleanup;
	}
	model_init_sys(&m, o->sys_root);
	m.limits = (struct thresholds){ o->victim_steal_pct, o->victim_thr_pct, o->victim_lat_ms, o->victim_psi_pct };
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (o->format == FORMAT_CSV)
		export_csv_header(out);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	bool warned_io = false;
	if (o->record) {
		char rerr[300];
		if (!(rec = record_open(o->record, rerr, sizeof(rerr)))) {
			fprintf(stderr, "guesttop: %s\n", rerr);
			goto cleanup;
		}
	}
	char prom_err[300] = "";
	/* Listing costs far more than sampling: every few refreshes, or at once on a change. */
	unsigned refresh_ms = (unsigned)lround(o->delay_s * 1000.0);
	long list_every = lround((double)collector_list_interval_ms(refresh_ms) / refresh_ms);
	long listed_at = 1;
	/*
	 * The first listing here, so that a backend that fails at the start ends
	 * the run. Later ones in the collector's thread, asked for at this cadence
	 * (and at once on a backend's event): a refresh waits for its listing at
	 * most half an interval, and a daemon that does not answer at all (stopped,
	 * hung) leaves the last listing in use while the guests are still sampled.
	 */
	guest_list_clear(&list);
	collector_once(bes, n, &list, errs);
	if (batch_take_listing(bes, n, &list, errs, said, &m, true) < 0)
		goto cleanup;
	col = collector_new(bes, n, refresh_ms);
	if (!col) {
		fprintf(stderr, "guesttop: out of memory\n");
		goto cleanup;
	}
	collector_set_on_demand(col);
	if (collector_start(col) < 0) {
		fprintf(stderr, "guesttop: cannot start the listing thread\n");
		goto cleanup;
	}
	unsigned long gen = 0;
	unsigned wait_ms = refresh_ms / 2 > 50 ? refresh_ms / 2 : 50;
	for (long it = 1; !batch_stop && (o->iterations == 0 || it <= o->iterations); it++) {
		bool list_now = it > 1 && (it - listed_at >= list_every || m.relist);
		for (size_t i = 0; i < n && it > 1; i++)
			list_now |= atomic_load(&bes[i].list_each_refresh);
		if (list_now) {
			listed_at = it;
			m.relist = false;
			collector_poke(col);
			collector_wait(col, gen, wait_ms);
		}
		if (collector_take(col, &list, &gen)) {
			collector_errors(col, errs);
			if (batch_take_listing(bes, n, &list, errs, said, &m, false) < 0)
				goto cleanup;
		}
		model_sample(&m);
		struct host_sample hs;
		host_sample(host, &hs);
		if (m.io_denied && !warned_io) {
			fprintf(stderr, "guesttop: disk columns need root (cannot read /proc/PID/io)\n");
			warned_io = true;
		}
		size_t *no = realloc(order, (m.n ? m.n : 1) * sizeof(*order));
		if (!no)
			goto cleanup;
		order = no;
		columns_sort(&m, (enum column)o->sort_column, o->sort_invert, order);
		if (o->prometheus_textfile) {
			char perr[300];
			/* Said once, and again only when the reason changes. */
			if (export_prometheus(o->prometheus_textfile, &m, perr, sizeof(perr)) < 0) {
				if (strcmp(perr, prom_err) != 0)
					fprintf(stderr, "guesttop: %s\n", perr);
				snprintf(prom_err, sizeof(prom_err), "%s", perr);
			} else {
				prom_err[0] = '\0';
			}
		}
		char now[32];
		export_iso_time(now, sizeof(now));
		if (o->format == FORMAT_CSV)
			export_csv(out, &m, order, now);
		else if (o->format == FORMAT_JSON)
			export_json(out, &m, order, now);
		else
			print_text(out, &m, order, now, &hs, backends_span_hosts(bes, n));
		if (rec && record_frame(rec, &m, order, now) < 0) {
			fprintf(stderr, "guesttop: recording stopped: %s: %s\n", o->record, strerror(errno));
			fclose(rec);
			rec = NULL;
		}
		if (fflush(out) == EOF || ferror(out)) {
			/* A closed pipe (head -n) is a normal end for a script. */
			ret = 0;
			goto cleanup;
		}
		if (o->iterations == 0 || it < o->iterations)
			sleep_until(&deadline, o->delay_s);
	}
	ret = 0;
cleanup:
	collector_free(col);
	if (rec)
		fclose(rec);
	free(order);
	guest_list_free(&list);
	model_free(&m);
	host_free(host);
	return ret;
}

int batch_replay(const struct options *o, FILE *out)
{
	static struct recording rec;
	char msg[300];
	if (recording_load(o->replay, &rec, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "guesttop: %s\n", msg);
		return 1;
	}
	/* A damaged or cut recording is shown up to the damage, and said. */
	if (msg[0])
		fprintf(stderr, "guesttop: %s\n", msg);
	struct model m;
	memset(&m, 0, sizeof(m));
	m.proc_fd = m.net_fd = -1;
	size_t *order = NULL;
	int ret = 1;
	if (o->format == FORMAT_CSV)
		export_csv_header(out);
	for (size_t k = 0; k < rec.n_frames && (o->iterations == 0 || (long)k < o->iterations); k++) {
		if (recording_model(&rec, k, &m) < 0)
			goto cleanup;
		size_t *no = realloc(order, (m.n ? m.n : 1) * sizeof(*order));
		if (!no)
			goto cleanup;
		order = no;
		columns_sort(&m, (enum column)o->sort_column, o->sort_invert, order);
		const char *now = rec.frames[k].time;
		if (o->format == FORMAT_CSV)
			export_csv(out, &m, order, now);
		else if (o->format == FORMAT_JSON)
			export_json(out, &m, order, now);
		else
			print_text(out, &m, order, now, NULL, true);
	}
	ret = fflush(out) == 0 ? 0 : 1;
cleanup:
	free(order);
	free(m.rows);
	recording_free(&rec);
	return ret;
}
