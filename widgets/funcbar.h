/* The function bar on the last line: keys and what they do. */
#ifndef GUESTTOP_FUNCBAR_H
#define GUESTTOP_FUNCBAR_H

#include <curses.h>
#include <stddef.h>

struct funcbar_item {
	const char *key;	/* "F1" */
	const char *label;	/* "Help" */
};

void funcbar_draw(WINDOW *w, int y, int width, const struct funcbar_item *items, size_t n);

#endif
