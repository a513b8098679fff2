/* Make untrusted text (guest names) safe to show: escape controls, fit to a display width. */
#ifndef GUESTTOP_TEXT_H
#define GUESTTOP_TEXT_H

#include <stddef.h>

/*
 * Copy in to out with everything that could act on a terminal escaped:
 * C0 controls, DEL and invalid UTF-8 bytes as \xNN; C1 controls, bidi and
 * zero-width format characters as \u{NNNN}; a backslash as "\\".
 * Always NUL-terminates; returns the length written.
 */
size_t text_escape(const char *in, char *out, size_t outlen);
/* The reverse of text_escape: the original bytes back (for text a recording stored escaped). */
size_t text_unescape(const char *in, char *out, size_t outlen);

/* Display columns of an already escaped UTF-8 string. */
int text_width(const char *s);

/*
 * Copy at most `width` display columns of an escaped string into out,
 * padded with spaces to exactly `width` columns when pad is set. A cut
 * string ends in '~'. Returns the bytes written.
 */
size_t text_fit(const char *s, int width, int pad, char *out, size_t outlen);

#endif
