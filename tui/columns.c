/* Column values, formatting and the sort order of the guest table. */
#include "tui/columns.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "widgets/text.h"

const struct column_info columns[COL_COUNT_] = {
#define X(id, title, width, kind, meaning) [COL_##id] = { title, width, kind, meaning },
	GT_COLUMNS(X)
#undef X
};

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

double column_number(const struct guest_row *r, enum column c)
{
	switch (c) {
	case COL_VCPU: return r->g.vcpus ? (double)r->g.vcpus : NAN;
	case COL_CPU: return r->rates.cpu_pct;
	case COL_STEAL: return r->rates.steal_pct;
	case COL_MEM: return u64_or_nan(r->g.mem_bytes);
	case COL_RSS: return u64_or_nan(r->rss_bytes);
	case COL_RD: return r->rates.read_bps;
	case COL_WR: return r->rates.write_bps;
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

void column_format(const struct guest_row *r, enum column c, char *buf, size_t len)
{
	switch (columns[c].kind) {
	case COL_TEXT: {
		const char *s = c == COL_NAME ? r->g.name :
				c == COL_BACKEND ? r->g.kind :
				guest_state_name(r->g.state);
		text_escape(s, buf, len);
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
	}
}

struct sort_ctx {
	const struct model *m;
	enum column c;
	bool invert;
};

/* qsort has no context argument; the table is sorted from one thread only. */
static struct sort_ctx sort_ctx;

static const char *text_of(const struct guest_row *r, enum column c)
{
	return c == COL_NAME ? r->g.name : c == COL_BACKEND ? r->g.kind : guest_state_name(r->g.state);
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct guest_row *a = &sort_ctx.m->rows[*(const size_t *)pa];
	const struct guest_row *b = &sort_ctx.m->rows[*(const size_t *)pb];
	bool aa = guest_state_is_active(a->g.state), ba = guest_state_is_active(b->g.state);
	if (aa != ba)
		return aa ? -1 : 1;
	int r = 0;
	enum column c = sort_ctx.c;
	if (columns[c].kind == COL_TEXT) {
		r = strcmp(text_of(a, c), text_of(b, c));
		if (sort_ctx.invert)
			r = -r;
	} else {
		double x = column_number(a, c), y = column_number(b, c);
		bool xn = isnan(x), yn = isnan(y);
		if (xn != yn)
			return xn ? 1 : -1;	/* unknown last, whichever direction */
		if (!xn)
			r = x > y ? -1 : x < y ? 1 : 0;
		if (sort_ctx.invert)
			r = -r;
	}
	if (r == 0)
		r = strcmp(a->g.name, b->g.name);
	if (r == 0)
		r = strcmp(a->g.uuid, b->g.uuid);
	return r;
}

void columns_sort(const struct model *m, enum column c, bool invert, size_t *order)
{
	if (m->n == 0)
		return;
	for (size_t i = 0; i < m->n; i++)
		order[i] = i;
	sort_ctx = (struct sort_ctx){ m, c, invert };
	qsort(order, m->n, sizeof(*order), cmp_rows);
}
