/* Bar meters for the header: the share of a resource in use, and its figure at the right end. */
#include "widgets/meter.h"

#include <math.h>
#include <string.h>

#include "widgets/widgets.h"

void meter_draw(WINDOW *w, int y, int x, int width, const char *label, double frac, double high,
		const char *text)
{
	int ll = (int)strlen(label);
	if (width < ll + 3)
		return;
	wattrset(w, widgets_attr(CR_LABEL));
	mvwaddstr(w, y, x, label);
	wattrset(w, A_BOLD);
	mvwaddch(w, y, x + ll, '[');
	int inner = width - ll - 2;
	int tl = (int)strlen(text);
	if (tl > inner)
		tl = inner;
	int fill = 0;
	if (!isnan(frac)) {
		if (frac < 0)
			frac = 0;
		if (frac > 1)
			frac = 1;
		fill = (int)lround(frac * inner);
	}
	wattrset(w, widgets_attr(!isnan(frac) && frac > high ? CR_METER_HIGH : CR_METER_LOW));
	for (int i = 0; i < inner; i++) {
		int tpos = i - (inner - tl);
		if (tpos >= 0) {
			wattrset(w, A_DIM | A_BOLD);
			mvwaddch(w, y, x + ll + 1 + i, (chtype)(unsigned char)text[tpos]);
		} else {
			mvwaddch(w, y, x + ll + 1 + i, i < fill ? '|' : ' ');
		}
	}
	wattrset(w, A_BOLD);
	mvwaddch(w, y, x + width - 1, ']');
	wattrset(w, A_NORMAL);
}
