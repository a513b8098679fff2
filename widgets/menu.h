/* A pop-up list to choose one item from (sort column, later actions); non-modal. */
#ifndef GUESTTOP_MENU_H
#define GUESTTOP_MENU_H

#include <curses.h>
#include <stddef.h>

struct menu {
	const char *title;
	const char *const *items;	/* (borrowed) */
	size_t n;
	size_t selected;
};

enum menu_result { MENU_CONTINUE, MENU_CHOSEN, MENU_CANCELLED };

void menu_draw(const struct menu *m, WINDOW *w, int y, int x, int height);
enum menu_result menu_key(struct menu *m, int key);

#endif
