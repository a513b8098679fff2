/* Column values, formatting, layout and the sort order of the guest table. */
#include "tui/columns.h"

#include <ctype.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "widgets/sparkline.h"
#include "widgets/text.h"

#define NAME_MIN_WIDTH 12
#define NAME_MAX_WIDTH 32

const struct column_info columns[COL_COUNT_] = {
#define X(id, title, width, kind, shown, keep, meaning) \
	[COL_##id] = { title, width, kind, shown, keep, meaning },
	GT_COLUMNS(X)
#undef X
};

void column_key(int c, char *buf, size_t len)
{
	const char *t = c >= 0 && c < COL_COUNT_ ? columns[c].title : "";
	size_t stem = strcspn(t, "%/"), i = 0;
	for (; i < stem && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)t[i]);
	if (len)
		buf[i] = '\0';
	/* "vcpu" is VCPU's: VCPU% keeps its whole title. */
	if (column_by_name(buf) != c)
		for (i = 0; t[i] && i + 1 < len; i++)
			buf[i] = (char)tolower((unsigned char)t[i]), buf[i + 1] = '\0';
}

int column_by_name(const char *name)
{
	for (int i = 0; i < COL_COUNT_; i++) {
		const char *t = columns[i].title;
		/* "CPU%" may be named "cpu", "RD/s" "rd". */
		size_t stem = strcspn(t, "%/");
		if (strcasecmp(name, t) == 0 || (strlen(name) == stem && strncasecmp(name, t, stem) == 0))
			return i;
	}
	return -1;
}

static double u64_or_nan(uint64_t v)
{
	return v == GT_UNKNOWN ? NAN : (double)v;
}

static double sum2(double a, double b)
{
	return isnan(a) || isnan(b) ? NAN : a + b;
}

static double max2(double a, double b)
{
	if (isnan(a))
		return b;
	if (isnan(b))
		return a;
	return a > b ? a : b;
}

double column_number(const struct guest_row *r, enum column c)
{
	switch (c) {
	case COL_VCPU: return r->g.vcpus ? (double)r->g.vcpus : NAN;
	case COL_CPU: return r->rates.cpu_pct;
	case COL_VCPUPCT: return r->rates.vcpu_pct;
	case COL_STEAL: return r->rates.steal_pct;
	case COL_THR: return r->rates.thr_pct;
	case COL_MEM: return u64_or_nan(r->g.mem_bytes);
	case COL_RSS: return u64_or_nan(r->rss_bytes);
	case COL_CGMEM: return u64_or_nan(r->cg_mem_bytes);
	case COL_SWAP: return u64_or_nan(r->swap_bytes);
	case COL_MAJF: return r->rates.majflt_ps;
	case COL_RD: return r->rates.read_bps;
	case COL_WR: return r->rates.write_bps;
	case COL_IOPS: return sum2(r->disk.rd_iops, r->disk.wr_iops);
	case COL_LAT: return max2(r->disk.rd_lat_ms, r->disk.wr_lat_ms);
	case COL_NET: return sum2(r->rates.net_rx_bps, r->rates.net_tx_bps);
	case COL_RX: return r->rates.net_rx_bps;
	case COL_TX: return r->rates.net_tx_bps;
	case COL_DROP: return r->rates.net_drops_ps;
	case COL_PSIC: return r->rates.psi_cpu;
	case COL_PSII: return r->rates.psi_io;
	case COL_PSIM: return r->rates.psi_mem;
	case COL_ROLE:
		/* A beancounter refusal is measured even where CPU is not (OpenVZ). */
		if (!guest_state_is_active(r->g.state) || (isnan(r->rates.cpu_pct) && !(r->victim & VICTIM_LIMIT)))
			return NAN;
		return (r->victim ? 2 : 0) + (r->culprit ? 1 : 0);
	case COL_HISTORY: {
		double sum = 0;
		unsigned n = 0;
		for (unsigned i = 0; i < HISTORY_LEN; i++)
			if (!isnan(r->history[i])) {
				sum += r->history[i];
				n++;
			}
		return n ? sum / n : NAN;
	}
	default: return NAN;
	}
}

void format_bytes(double v, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	if (isnan(v) || v < 0) {
		snprintf(buf, len, "-");
		return;
	}
	if (v < 1024) {
		snprintf(buf, len, "%.0f", v);
		return;
	}
	int u = -1;
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (v < 10)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
}

void format_pct(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f", v);
}

void format_num(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (v < 100)
		snprintf(buf, len, "%.1f", v);
	else if (v < 100000)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.0fk", v / 1000);
}

void column_role(const struct guest_row *r, char *buf, size_t len)
{
	if (isnan(column_number(r, COL_ROLE))) {
		snprintf(buf, len, "-");
	} else if (r->victim && r->culprit) {
		snprintf(buf, len, "V+C");
	} else if (r->victim) {
		const char *why = r->victim & VICTIM_STEAL ? "steal" :
				  r->victim & VICTIM_THROTTLE ? "thr" :
				  r->victim & VICTIM_LIMIT ? "limit" :
				  r->victim & VICTIM_DISK_LATENCY ? "lat" : "psi";
		snprintf(buf, len, "V:%s", why);
	} else if (r->culprit) {
		const char *what = r->culprit & CULPRIT_CPU ? "cpu" : r->culprit & CULPRIT_DISK ? "disk" : "mem";
		snprintf(buf, len, "C:%s", what);
	} else {
		snprintf(buf, len, "%s", "");
	}
}

void column_spark(const struct guest_row *r, int width, bool utf8, char *buf, size_t len)
{
	float h[HISTORY_LEN];
	unsigned n = model_history(r, h);
	/* 100% of one core fills a cell. */
	sparkline_render(h, n, width, 100.0, utf8, buf, len);
}

static const char *text_of(const struct guest_row *r, enum column c)
{
	return c == COL_NAME ? r->g.name : c == COL_BACKEND ? r->g.kind :
	       c == COL_HOST ? column_host(r) : row_state_name(r);
}

void column_format(const struct guest_row *r, enum column c, char *buf, size_t len)
{
	switch (columns[c].kind) {
	case COL_TEXT: {
		if (c == COL_ROLE) {
			column_role(r, buf, len);
			return;
		}
		text_escape(text_of(r, c), buf, len);
		if (!buf[0])
			snprintf(buf, len, "-");
		return;
	}
	case COL_COUNT: {
		double v = column_number(r, c);
		if (isnan(v))
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%.0f", v);
		return;
	}
	case COL_PCT:
		format_pct(column_number(r, c), buf, len);
		return;
	case COL_BYTES:
	case COL_RATE:
		format_bytes(column_number(r, c), buf, len);
		return;
	case COL_NUM:
		format_num(column_number(r, c), buf, len);
		return;
	case COL_SPARK:
		column_spark(r, columns[c].width, false, buf, len);
		return;
	}
}

int columns_layout(const bool *wanted, int width, enum column *out, int *name_w)
{
	return columns_layout_ordered(wanted, NULL, width, out, name_w);
}

int columns_layout_ordered(const bool *wanted, const enum column *order, int width, enum column *out, int *name_w)
{
	bool keep[COL_COUNT_];
	for (int i = 0; i < COL_COUNT_; i++)
		keep[i] = wanted[i] || i == COL_NAME;
	for (;;) {
		int fixed = 0;
		for (int i = 0; i < COL_COUNT_; i++)
			if (keep[i] && i != COL_NAME)
				fixed += columns[i].width + 1;
		int room = width - fixed;
		int drop = -1;
		if (room < NAME_MIN_WIDTH) {
			for (int i = 0; i < COL_COUNT_; i++)
				if (keep[i] && i != COL_NAME && (drop < 0 || columns[i].keep < columns[drop].keep))
					drop = i;
		}
		if (drop < 0) {
			*name_w = room < NAME_MAX_WIDTH ? room : NAME_MAX_WIDTH;
			if (*name_w < 4)
				*name_w = 4;
			break;
		}
		keep[drop] = false;
	}
	int n = 0;
	for (int i = 0; i < COL_COUNT_; i++) {
		enum column col = order ? order[i] : (enum column)i;
		if (keep[col])
			out[n++] = col;
	}
	return n;
}

/*
 * One row's sort key, computed once per sort: a comparison reads neither the
 * row nor column_number again (the HISTORY column averages HISTORY_LEN
 * samples; qsort compares about n log2 n times).
 */
struct sort_key {
	const char *text;		/* text columns */
	double num;			/* other columns, NAN unknown */
	const char *name, *uuid;	/* ties */
	size_t index;
	bool active;
};

/* qsort has no context argument; the table is sorted from one thread only. */
static struct {
	bool text;
	bool invert;
} sort_ctx;

const char *column_host(const struct guest_row *r)
{
	return r->rec_host ? r->rec_host : r->g.backend ? r->g.backend->host : "";
}

static int cmp_keys(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	if (a->active != b->active)
		return a->active ? -1 : 1;
	int r = 0;
	if (sort_ctx.text) {
		r = strcmp(a->text, b->text);
	} else {
		bool xn = isnan(a->num), yn = isnan(b->num);
		if (xn != yn)
			return xn ? 1 : -1;	/* unknown last, whichever direction */
		if (!xn)
			r = a->num > b->num ? -1 : a->num < b->num ? 1 : 0;
	}
	if (sort_ctx.invert)
		r = -r;
	if (r == 0)
		r = strcmp(a->name, b->name);
	if (r == 0)
		r = strcmp(a->uuid, b->uuid);
	return r;
}

void columns_sort(const struct model *m, enum column c, bool invert, size_t *order)
{
	if (m->n == 0)
		return;
	for (size_t i = 0; i < m->n; i++)
		order[i] = i;
	/* Kept between sorts (one thread sorts): no allocation per refresh once the host's size is reached. */
	static struct sort_key *keys;
	static size_t cap;
	if (m->n > cap) {
		struct sort_key *v = realloc(keys, m->n * sizeof(*keys));
		if (!v)
			return;		/* out of memory: listing order, every guest still shown */
		keys = v;
		cap = m->n;
	}
	sort_ctx.text = columns[c].kind == COL_TEXT && c != COL_ROLE;
	sort_ctx.invert = invert;
	for (size_t i = 0; i < m->n; i++) {
		const struct guest_row *r = &m->rows[i];
		keys[i] = (struct sort_key){
			.text = sort_ctx.text ? text_of(r, c) : NULL,
			.num = sort_ctx.text ? NAN : column_number(r, c),
			.name = r->g.name,
			.uuid = r->g.uuid,
			.index = i,
			.active = guest_state_is_active(r->g.state),
		};
	}
	qsort(keys, m->n, sizeof(*keys), cmp_keys);
	for (size_t i = 0; i < m->n; i++)
		order[i] = keys[i].index;
}
