/* A pop-up list: arrows move, Enter chooses, Esc cancels; the screen behind keeps refreshing. */
#include "widgets/menu.h"

#include <string.h>

#include "widgets/widgets.h"

void menu_draw(const struct menu *m, WINDOW *w, int y, int x, int height)
{
	int width = (int)strlen(m->title) + 4;
	if (width < 27)
		width = 27;	/* room for the key hint */
	for (size_t i = 0; i < m->n; i++) {
		int l = (int)strlen(m->items[i]) + 4;
		if (l > width)
			width = l;
	}
	int rows = (int)m->n + 2;
	if (rows > height)
		rows = height;
	if (rows < 3)
		return;
	int visible = rows - 2;
	size_t top = m->selected >= (size_t)visible ? m->selected - (size_t)visible + 1 : 0;
	wattrset(w, widgets_attr(CR_TABLE_HEADER));
	mvwprintw(w, y, x, " %-*s ", width - 2, m->title);
	for (int r = 0; r < visible; r++) {
		size_t i = top + (size_t)r;
		wattrset(w, i == m->selected ? widgets_attr(CR_SELECTED) : A_NORMAL);
		mvwprintw(w, y + 1 + r, x, " %-*s ", width - 2, i < m->n ? m->items[i] : "");
	}
	wattrset(w, widgets_attr(CR_FLABEL));
	mvwprintw(w, y + rows - 1, x, " %-*s ", width - 2, "Enter:choose Esc:cancel");
	wattrset(w, A_NORMAL);
}

enum menu_result menu_key(struct menu *m, int key)
{
	switch (key) {
	case KEY_UP:
		if (m->selected > 0)
			m->selected--;
		return MENU_CONTINUE;
	case KEY_DOWN:
		if (m->selected + 1 < m->n)
			m->selected++;
		return MENU_CONTINUE;
	case KEY_HOME:
		m->selected = 0;
		return MENU_CONTINUE;
	case KEY_END:
		m->selected = m->n ? m->n - 1 : 0;
		return MENU_CONTINUE;
	case '\n':
	case '\r':
	case KEY_ENTER:
		return MENU_CHOSEN;
	case 27:
	case 'q':
	case KEY_F(10):
		return MENU_CANCELLED;
	default:
		return MENU_CONTINUE;
	}
}
