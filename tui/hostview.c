/* The host view: each physical CPU, how busy it is, and whose vCPUs last ran on it. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/console_priv.h"
#include "widgets/meter.h"
#include "widgets/text.h"
#include "widgets/widgets.h"

void hostview_draw(struct console *c, int height, int width)
{
	struct lines l = { 0, 0, c->scroll, height - 1, width };
	char text[32];
	lines_printf(&l, A_BOLD, "%s", "Host CPUs: usage over the last interval, and the guest vCPUs that ran there");
	lines_printf(&l, (int)widgets_attr(CR_TABLE_HEADER), "%-4s %-24s  %s", "CPU", "USAGE", "GUEST vCPUs (CPU% of the vCPU thread)");
	for (unsigned cpu = 0; cpu < c->hs.ncpu; cpu++) {
		char line[1024];
		size_t o = 0;
		line[0] = '\0';
		/* A thread's last CPU says where it ran at the end of the interval. */
		for (size_t i = 0; i < c->m.n; i++) {
			const struct guest_row *r = &c->m.rows[i];
			for (unsigned k = 0; k < r->probe.n_threads; k++) {
				const struct thread_probe *t = &r->probe.threads[k];
				if (t->vcpu < 0 || t->last_cpu != c->hs.cpu_id[cpu])
					continue;
				char name[GUEST_NAME_MAX * 4], pct[16];
				text_escape(r->g.name, name, sizeof(name));
				format_pct(t->cpu_pct, pct, sizeof(pct));
				int w = snprintf(line + o, sizeof(line) - o, "%s%.40s/vcpu%d (%s%%)", o ? "  " : "",
						 name, t->vcpu, pct);
				if (w < 0 || (size_t)w >= sizeof(line) - o)
					break;
				o += (size_t)w;
			}
		}
		format_pct(c->hs.cpu_pct[cpu], text, sizeof(text));
		int y = l.y;
		bool shown = l.line >= l.top && l.y < l.height;
		lines_printf(&l, 0, "%3d  %-24s  %s", c->hs.cpu_id[cpu], "", o ? line : "-");
		if (shown) {
			char t2[40];
			snprintf(t2, sizeof(t2), "%s%%", text);
			meter_draw(stdscr, y, 5, 24, "", isnan(c->hs.cpu_pct[cpu]) ? NAN : c->hs.cpu_pct[cpu] / 100.0,
				   0.9, t2);
		}
	}
	if (c->scroll > lines_total(&l) - 1)
		c->scroll = lines_total(&l) > 0 ? lines_total(&l) - 1 : 0;
}
