/* Colour roles shared by the widgets, set up once by the console. */
#ifndef GUESTTOP_WIDGETS_H
#define GUESTTOP_WIDGETS_H

#include <curses.h>

enum color_role {
	CR_DEFAULT = 0,
	CR_LABEL,		/* header labels */
	CR_METER_LOW,
	CR_METER_HIGH,
	CR_TABLE_HEADER,
	CR_TABLE_SORTED,	/* the sort column's header */
	CR_SELECTED,
	CR_FKEY,		/* function bar key */
	CR_FLABEL,		/* function bar label */
	CR_ERROR,
	CR_DIM,			/* stopped guests, unknown values */
	CR_TAGGED,		/* guests tagged for an action */
	CR_COUNT_
};

/* Call after initscr(). With mono, only bold/reverse/dim attributes are used. */
void widgets_colors_init(int mono);
/* The attributes (colour pair and style) for a role. */
attr_t widgets_attr(enum color_role r);

#endif
