/* Table scrolling: the selection stays visible, the top follows it, nothing runs past the ends. */
#include "widgets/table.h"

#include <limits.h>
#include <stdint.h>

void table_view_clamp(struct table_view *v, size_t nrows, int height)
{
	size_t h = height > 0 ? (size_t)height : 1;
	if (nrows == 0) {
		v->selected = v->top = 0;
		return;
	}
	if (v->selected >= nrows)
		v->selected = nrows - 1;
	if (v->selected < v->top)
		v->top = v->selected;
	if (v->selected >= v->top + h)
		v->top = v->selected - h + 1;
	/* No empty space below the last row when rows could fill it. */
	if (v->top + h > nrows)
		v->top = nrows > h ? nrows - h : 0;
}

void table_view_move(struct table_view *v, long delta, size_t nrows, int height)
{
	/* Saturate instead of overflowing, whatever delta is. */
	if (delta < 0) {
		size_t up = delta == LONG_MIN ? (size_t)LONG_MAX + 1 : (size_t)-delta;
		v->selected = up > v->selected ? 0 : v->selected - up;
	} else {
		size_t down = (size_t)delta;
		v->selected = down > SIZE_MAX - v->selected ? SIZE_MAX : v->selected + down;
	}
	table_view_clamp(v, nrows, height);
}

void table_view_select(struct table_view *v, size_t row, size_t nrows, int height)
{
	v->selected = row;
	table_view_clamp(v, nrows, height);
}
