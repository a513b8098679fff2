/* The per-guest figures for other programs: CSV and JSON lines, and a Prometheus textfile. */
#ifndef GUESTTOP_EXPORT_H
#define GUESTTOP_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "tui/model.h"

/* The time every export is stamped with: RFC 3339, UTC, to the second. */
void export_iso_time(char *buf, size_t len);
/* One header line naming the fields, then print_csv's lines. */
void export_csv_header(FILE *f);
/* One line per guest, in order (indices into m->rows); now is the ISO time. Unknown values are empty. */
void export_csv(FILE *f, const struct model *m, const size_t *order, const char *now);
/* One JSON object per guest per line, with the CSV's field names; unknown values are null. */
void export_json(FILE *f, const struct model *m, const size_t *order, const char *now);
/*
 * Write every guest's figures to path in the Prometheus text format, for
 * node_exporter's textfile collector: to a new file beside it, then renamed
 * over it, so a reader sees the old file or the new one, never half. Never
 * follows a symbolic link planted in its place. -1 with err set on failure.
 */
int export_prometheus(const char *path, const struct model *m, char *err, size_t errlen);

/* The figures' fields, by their CSV names: the index of one (-1 if none), how many, and setting one in a row. */
int export_field_index(const char *name);
int export_field_count(void);
void export_set_field(struct guest_row *r, int field, double v);

#endif
