/* A confirmation dialog: yes/no, or "type the name to confirm" for what cannot be undone. */
#ifndef GUESTTOP_DIALOG_H
#define GUESTTOP_DIALOG_H

#include <curses.h>
#include <stdbool.h>

enum dialog_result { DIALOG_CONTINUE, DIALOG_YES, DIALOG_NO };

struct dialog {
	char title[64];
	char text[3][256];		/* up to three lines, already escaped */
	bool typed;			/* the user must type `expect` */
	char expect[256];		/* raw bytes to match (not shown) */
	char input[256];
	bool yes_selected;		/* yes/no: which button Enter presses (No by default) */
};

void dialog_draw(const struct dialog *d, WINDOW *w, int height, int width);
/* y/n, Left/Right/Tab and Enter, Esc; typed: printable keys, Backspace, Enter. */
enum dialog_result dialog_key(struct dialog *d, int key);

#endif
