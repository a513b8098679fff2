/* The guest table's columns: one list drives headers, widths, sorting, CSV names and help. */
#ifndef GUESTTOP_COLUMNS_H
#define GUESTTOP_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/model.h"

enum column_kind { COL_TEXT, COL_COUNT, COL_PCT, COL_BYTES, COL_RATE };

/* X(id, title, width, kind, meaning) */
#define GT_COLUMNS(X) \
	X(NAME, "NAME", 20, COL_TEXT, "guest name (escaped: control characters shown as \\xNN)") \
	X(BACKEND, "BACKEND", 7, COL_TEXT, "kind of guest: kvm, xen, libvirt-lxc, ...") \
	X(STATE, "STATE", 8, COL_TEXT, "running, paused, shutdown, shutoff, crashed, ...") \
	X(VCPU, "VCPU", 4, COL_COUNT, "virtual CPUs") \
	X(CPU, "CPU%", 6, COL_PCT, "host CPU used by all the guest's threads; 100 = one core") \
	X(STEAL, "STEAL%", 6, COL_PCT, "time its vCPUs were runnable but waited for a host CPU; 100 = one core") \
	X(MEM, "MEM", 6, COL_BYTES, "memory the guest is given (balloon), as libvirt reports it") \
	X(RSS, "RSS", 6, COL_BYTES, "host memory its process really uses (resident set)") \
	X(RD, "RD/s", 6, COL_RATE, "disk bytes read per second by its process (/proc/PID/io)") \
	X(WR, "WR/s", 6, COL_RATE, "disk bytes written per second by its process")

enum column {
#define X(id, title, width, kind, meaning) COL_##id,
	GT_COLUMNS(X)
#undef X
	COL_COUNT_
};

struct column_info {
	const char *title;
	int width;
	enum column_kind kind;
	const char *meaning;
};

extern const struct column_info columns[COL_COUNT_];

/* Column by title, case-insensitive ("cpu%" or "cpu"); -1 if none. */
int column_by_name(const char *name);

/* Numeric value of a cell, NAN when unknown or a text column. */
double column_number(const struct guest_row *r, enum column c);
/* Text of a cell as shown: escaped, "-" when unknown. */
void column_format(const struct guest_row *r, enum column c, char *buf, size_t len);

/* Human-readable sizes: 1023 -> "1023", 1536 -> "1.5K", 5e9 -> "4.7G"; "-" for unknown. */
void format_bytes(double v, char *buf, size_t len);
void format_pct(double v, char *buf, size_t len);

/*
 * Order rows for display: active guests first, then by column c (numbers
 * descending, text ascending unless invert), then by name. Unknown values
 * sort last. order gets m->n indexes.
 */
void columns_sort(const struct model *m, enum column c, bool invert, size_t *order);

#endif
