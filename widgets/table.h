/* Scrolling state of a table: which row is selected and which is at the top. Pure arithmetic. */
#ifndef GUESTTOP_TABLE_H
#define GUESTTOP_TABLE_H

#include <stddef.h>

struct table_view {
	size_t selected;	/* index into the displayed rows */
	size_t top;		/* first row shown */
};

/* Keep selected within nrows and on screen (height rows visible). */
void table_view_clamp(struct table_view *v, size_t nrows, int height);
/* Move by delta rows (negative: up), clamped. */
void table_view_move(struct table_view *v, long delta, size_t nrows, int height);
void table_view_select(struct table_view *v, size_t row, size_t nrows, int height);

#endif
