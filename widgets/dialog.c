/* Confirmation dialogs drawn over the screen; the refresh behind them goes on. */
#include "widgets/dialog.h"

#include <string.h>

#include "widgets/text.h"
#include "widgets/widgets.h"

void dialog_draw(const struct dialog *d, WINDOW *w, int height, int width)
{
	int bw = 60, lines = 0;
	for (int i = 0; i < 3; i++)
		if (d->text[i][0]) {
			lines = i + 1;
			int l = text_width(d->text[i]) + 4;
			if (l > bw)
				bw = l;
		}
	if (bw > width)
		bw = width;
	int bh = lines + 5;
	if (bh > height)
		bh = height;
	int y0 = (height - bh) / 2, x0 = (width - bw) / 2;
	char fit[1024];
	wattrset(w, widgets_attr(CR_TABLE_HEADER));
	text_fit(d->title, bw - 2, 1, fit, sizeof(fit));
	mvwprintw(w, y0, x0, " %s ", fit);
	wattrset(w, widgets_attr(CR_FLABEL));
	for (int r = 1; r < bh; r++) {
		wmove(w, y0 + r, x0);
		for (int x = 0; x < bw; x++)
			waddch(w, ' ');
	}
	for (int i = 0; i < lines && 2 + i < bh; i++) {
		text_fit(d->text[i], bw - 4, 0, fit, sizeof(fit));
		mvwaddstr(w, y0 + 1 + i, x0 + 2, fit);
	}
	int y = y0 + lines + 2;
	if (y >= y0 + bh)
		return;
	if (d->typed) {
		char esc[1024];
		text_escape(d->input, esc, sizeof(esc));
		mvwaddstr(w, y, x0 + 2, "Type the name: ");
		wattrset(w, A_REVERSE);
		text_fit(esc, bw - 19, 1, fit, sizeof(fit));
		waddstr(w, fit);
		wattrset(w, widgets_attr(CR_FLABEL));
		if (y + 1 < y0 + bh)
			mvwaddstr(w, y + 1, x0 + 2, "Enter: confirm   Esc: cancel");
	} else {
		mvwaddstr(w, y, x0 + 2, "");
		wattrset(w, d->yes_selected ? A_REVERSE | A_BOLD : widgets_attr(CR_FLABEL));
		waddstr(w, "[ Yes ]");
		wattrset(w, widgets_attr(CR_FLABEL));
		waddstr(w, "  ");
		wattrset(w, !d->yes_selected ? A_REVERSE | A_BOLD : widgets_attr(CR_FLABEL));
		waddstr(w, "[ No ]");
		wattrset(w, widgets_attr(CR_FLABEL));
		waddstr(w, "   y: yes  n/Esc: no");
	}
	wattrset(w, A_NORMAL);
}

enum dialog_result dialog_key(struct dialog *d, int key)
{
	if (key == 27)
		return DIALOG_NO;
	if (d->typed) {
		size_t len = strlen(d->input);
		if (key == '\n' || key == '\r' || key == KEY_ENTER)
			return strcmp(d->input, d->expect) == 0 ? DIALOG_YES : DIALOG_CONTINUE;
		if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len)
			d->input[len - 1] = '\0';
		else if (key >= 32 && key < 256 && key != 127 && len + 1 < sizeof(d->input)) {
			d->input[len] = (char)key;
			d->input[len + 1] = '\0';
		}
		return DIALOG_CONTINUE;
	}
	switch (key) {
	case 'y':
	case 'Y':
		return DIALOG_YES;
	case 'n':
	case 'N':
	case 'q':
		return DIALOG_NO;
	case KEY_LEFT:
	case KEY_RIGHT:
	case '\t':
		d->yes_selected = !d->yes_selected;
		return DIALOG_CONTINUE;
	case '\n':
	case '\r':
	case KEY_ENTER:
		return d->yes_selected ? DIALOG_YES : DIALOG_NO;
	default:
		return DIALOG_CONTINUE;
	}
}
