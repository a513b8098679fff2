/* Sparklines: a series of values drawn as one row of block characters. */
#ifndef GUESTTOP_SPARKLINE_H
#define GUESTTOP_SPARKLINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Render the last `width` of n values (oldest first) into buf, newest on the
 * right, `full` filling a cell; NAN (unknown) and missing values are blank.
 * UTF-8 block characters when utf8, else ASCII "_.-=+*#@". Returns bytes written.
 */
size_t sparkline_render(const float *values, unsigned n, int width, double full, bool utf8,
			char *buf, size_t len);

#endif
