/* A bar meter, htop style: LABEL[|||||||      text]. */
#ifndef GUESTTOP_METER_H
#define GUESTTOP_METER_H

#include <curses.h>

/* frac in 0..1 fills the bar; NAN draws an empty bar. high (0..1) turns the bar red above it. */
void meter_draw(WINDOW *w, int y, int x, int width, const char *label, double frac, double high,
		const char *text);

#endif
