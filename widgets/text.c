/* Escaping and fitting of untrusted text: a tenant's guest name never reaches the terminal raw. */
#include "widgets/text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* Decode one UTF-8 sequence strictly; returns its length, 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t n;
	uint32_t c, min;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2; c = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3; c = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4; c = s[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Characters that reorder or hide text: shown by number, never interpreted. */
static bool is_format_char(uint32_t c)
{
	return (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2060 && c <= 0x2069) || c == 0xfeff || c == 0x061c ||
	       (c >= 0x80 && c <= 0x9f);
}

size_t text_escape(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	const unsigned char *s = (const unsigned char *)in;
	if (outlen == 0)
		return 0;
	while (*s) {
		char tmp[16];
		size_t tl;
		uint32_t cp;
		size_t n = utf8_decode(s, &cp);
		if (n == 0) {
			tl = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", *s);
			n = 1;
		} else if (cp < 0x20 || cp == 0x7f) {
			tl = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", (unsigned)cp);
		} else if (is_format_char(cp)) {
			tl = (size_t)snprintf(tmp, sizeof(tmp), "\\u{%04x}", (unsigned)cp);
		} else if (cp == '\\') {
			tl = 2;
			memcpy(tmp, "\\\\", 2);
		} else {
			tl = n;
			memcpy(tmp, s, n);
		}
		if (o + tl >= outlen)
			break;
		memcpy(out + o, tmp, tl);
		o += tl;
		s += n;
	}
	out[o] = '\0';
	return o;
}

size_t text_unescape(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	if (outlen == 0)
		return 0;
	for (const char *p = in; *p && o + 1 < outlen;) {
		unsigned v;
		int used = 0;
		if (p[0] == '\\' && p[1] == '\\') {
			out[o++] = '\\';
			p += 2;
		} else if (p[0] == '\\' && p[1] == 'x' && sscanf(p + 2, "%2x%n", &v, &used) == 1 && used == 2) {
			out[o++] = (char)v;
			p += 4;
		} else if (p[0] == '\\' && p[1] == 'u' && p[2] == '{' && sscanf(p + 3, "%6x}%n", &v, &used) == 1 &&
			   used > 0 && p[3 + used - 1] == '}') {
			/* The code point back as UTF-8 (these are below 0x10000). */
			char enc[4];
			size_t n = v < 0x80 ? 1 : v < 0x800 ? 2 : 3;
			if (n == 1) {
				enc[0] = (char)v;
			} else if (n == 2) {
				enc[0] = (char)(0xc0 | (v >> 6));
				enc[1] = (char)(0x80 | (v & 0x3f));
			} else {
				enc[0] = (char)(0xe0 | (v >> 12));
				enc[1] = (char)(0x80 | ((v >> 6) & 0x3f));
				enc[2] = (char)(0x80 | (v & 0x3f));
			}
			if (o + n >= outlen)
				break;
			memcpy(out + o, enc, n);
			o += n;
			p += 3 + used;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	return o;
}

/* Width of one code point in columns; unknown ones count as one. */
static int cp_width(uint32_t cp)
{
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int w = 0;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);
		if (n == 0) {
			n = 1;
			cp = '?';
		}
		w += cp < 0x80 ? 1 : cp_width(cp);
		p += n;
	}
	return w;
}

size_t text_fit(const char *s, int width, int pad, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	int w = 0;
	if (outlen == 0)
		return 0;
	bool cut = text_width(s) > width;
	int room = cut ? width - 1 : width;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);
		if (n == 0)
			break;	/* callers pass escaped text */
		int cw = cp < 0x80 ? 1 : cp_width(cp);
		if (w + cw > room || o + n >= outlen)
			break;
		memcpy(out + o, p, n);
		o += n;
		w += cw;
		p += n;
	}
	if (cut && width > 0 && o + 1 < outlen) {
		out[o++] = '~';
		w++;
	}
	while (pad && w < width && o + 1 < outlen) {
		out[o++] = ' ';
		w++;
	}
	out[o] = '\0';
	return o;
}
