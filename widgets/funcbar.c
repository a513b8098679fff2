/* The function bar: each key in its own colour followed by a fixed-width label. */
#include "widgets/funcbar.h"

#include <stdio.h>
#include <string.h>

#include "widgets/widgets.h"

void funcbar_draw(WINDOW *w, int y, int width, const struct funcbar_item *items, size_t n)
{
	int x = 0;
	wmove(w, y, 0);
	for (size_t i = 0; i < n && x < width; i++) {
		char label[32];
		int kl = (int)strlen(items[i].key);
		if (x + kl >= width)
			break;
		wattrset(w, widgets_attr(CR_FKEY));
		mvwaddstr(w, y, x, items[i].key);
		x += kl;
		/* Labels are padded to six columns, as in htop, and never run into the next key. */
		int lw = snprintf(label, sizeof(label), "%-6s ", items[i].label);
		if (lw > (int)sizeof(label) - 1)
			lw = (int)sizeof(label) - 1;
		wattrset(w, widgets_attr(CR_FLABEL));
		int room = width - x;
		mvwaddnstr(w, y, x, label, room < lw ? room : lw);
		x += lw;
	}
	wattrset(w, widgets_attr(CR_FLABEL));
	for (; x < width; x++)
		mvwaddch(w, y, x, ' ');
	wattrset(w, A_NORMAL);
}
