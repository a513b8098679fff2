/* Table scrolling: the selection stays visible, the top follows it, nothing runs past the ends. */
#include "widgets/table.h"

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
	if (delta < 0 && (size_t)(-delta) > v->selected)
		v->selected = 0;
	else
		v->selected = (size_t)((long)v->selected + delta);
	table_view_clamp(v, nrows, height);
}

void table_view_select(struct table_view *v, size_t row, size_t nrows, int height)
{
	v->selected = row;
	table_view_clamp(v, nrows, height);
}
