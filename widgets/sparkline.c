/* Sparklines: eight levels per cell, unknown samples left blank rather than drawn as zero. */
#include "widgets/sparkline.h"

#include <math.h>
#include <string.h>

size_t sparkline_render(const float *values, unsigned n, int width, double full, bool utf8,
			char *buf, size_t len)
{
	static const char *const blocks[] = { "\u2581", "\u2582", "\u2583", "\u2584",
					      "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = "_.-=+*#@";
	size_t o = 0;
	if (len == 0)
		return 0;
	for (int i = 0; i < width; i++) {
		long k = (long)n - width + i;
		const char *cell = " ";
		char a[2] = " ";
		if (k >= 0 && !isnan(values[k]) && full > 0) {
			/* Clamp as a double: a huge or infinite value must not overflow the conversion. */
			double x = values[k] / full * 8;
			int lvl = x < 0 ? 0 : x >= 7 ? 7 : (int)x;
			if (utf8) {
				cell = blocks[lvl];
			} else {
				a[0] = ascii[lvl];
				cell = a;
			}
		}
		size_t cl = strlen(cell);
		if (o + cl >= len)
			break;
		memcpy(buf + o, cell, cl);
		o += cl;
	}
	buf[o] = '\0';
	return o;
}
