/* Colour roles: one place decides how each kind of thing looks, in colour and in monochrome. */
#include "widgets/widgets.h"

static attr_t role_attr[CR_COUNT_];

void widgets_colors_init(int mono)
{
	static const struct {
		short fg, bg;
		attr_t extra, mono;
	} spec[CR_COUNT_] = {
		[CR_DEFAULT] = { -1, -1, 0, 0 },
		[CR_LABEL] = { COLOR_CYAN, -1, 0, A_BOLD },
		[CR_METER_LOW] = { COLOR_GREEN, -1, 0, A_BOLD },
		[CR_METER_HIGH] = { COLOR_RED, -1, A_BOLD, A_BOLD },
		[CR_TABLE_HEADER] = { COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE },
		[CR_TABLE_SORTED] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD },
		[CR_SELECTED] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		[CR_FKEY] = { COLOR_WHITE, COLOR_BLACK, A_BOLD, A_BOLD },
		[CR_FLABEL] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		[CR_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD },
		[CR_DIM] = { COLOR_BLUE, -1, A_BOLD, A_DIM },
		[CR_TAGGED] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	};
	bool color = !mono && has_colors();
	if (color) {
		start_color();
		use_default_colors();
	}
	for (int i = 0; i < CR_COUNT_; i++) {
		if (color && i > 0) {
			init_pair((short)i, spec[i].fg, spec[i].bg);
			role_attr[i] = COLOR_PAIR(i) | spec[i].extra;
		} else {
			role_attr[i] = spec[i].mono;
		}
	}
}

attr_t widgets_attr(enum color_role r)
{
	return r < CR_COUNT_ ? role_attr[r] : 0;
}
