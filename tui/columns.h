/* The guest table's columns: one list drives headers, widths, sorting, visibility and help. */
#ifndef GUESTTOP_COLUMNS_H
#define GUESTTOP_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/model.h"

enum column_kind {
	COL_TEXT,
	COL_COUNT,	/* whole number */
	COL_PCT,	/* percent, one decimal */
	COL_BYTES,	/* size, binary units */
	COL_RATE,	/* bytes per second, binary units */
	COL_NUM,	/* a measure with one decimal: IOPS, ms, per second */
	COL_SPARK,	/* history sparkline */
};

/*
 * X(id, title, width, kind, shown by default, keep priority (higher is
 * dropped later when the terminal is narrow), meaning)
 */
#define GT_COLUMNS(X) \
	X(NAME, "NAME", 20, COL_TEXT, 1, 100, "guest name (escaped: control characters shown as \\xNN)") \
	X(HOST, "HOST", 12, COL_TEXT, 0, 45, "the host it runs on: the libvirt URI's host, else this machine (shown when several are watched)") \
	X(BACKEND, "BACKEND", 7, COL_TEXT, 1, 30, "kind of guest: kvm, xen, libvirt-lxc, ...") \
	X(STATE, "STATE", 8, COL_TEXT, 1, 60, "running, paused, shutdown, shutoff, crashed, ...") \
	X(VCPU, "VCPU", 4, COL_COUNT, 1, 25, "virtual CPUs") \
	X(CPU, "CPU%", 6, COL_PCT, 1, 95, "host CPU used by all the guest's threads; 100 = one core") \
	X(VCPUPCT, "VCPU%", 6, COL_PCT, 0, 22, "of CPU%, the part used by the vCPU threads (the rest: emulator and I/O threads)") \
	X(STEAL, "STEAL%", 6, COL_PCT, 1, 90, "time its vCPUs were runnable but waited for a host CPU; 100 = one core") \
	X(THR, "THR%", 5, COL_PCT, 0, 40, "time its cgroup was held back by its own CPU quota; 100 = one core") \
	X(MEM, "MEM", 6, COL_BYTES, 1, 35, "memory the guest is given (balloon), as libvirt reports it") \
	X(RSS, "RSS", 6, COL_BYTES, 1, 50, "host memory its process really uses (resident set)") \
	X(CGMEM, "CGMEM", 6, COL_BYTES, 0, 14, "memory charged to its cgroup (page cache included)") \
	X(SWAP, "SWAP", 6, COL_BYTES, 0, 15, "its process's memory in host swap") \
	X(MAJF, "MAJF/s", 6, COL_NUM, 0, 16, "major page faults per second (pages read back from disk or swap)") \
	X(RD, "RD/s", 6, COL_RATE, 1, 70, "disk bytes read per second by its process (/proc/PID/io)") \
	X(WR, "WR/s", 6, COL_RATE, 1, 65, "disk bytes written per second by its process") \
	X(IOPS, "IOPS", 6, COL_NUM, 0, 26, "disk requests per second, reads + writes (hypervisor block stats)") \
	X(LAT, "LAT", 5, COL_NUM, 1, 45, "mean disk request latency in ms, the worse of read and write (hypervisor)") \
	X(NET, "NET/s", 6, COL_RATE, 1, 55, "network bytes per second, received + sent, on its host interfaces") \
	X(RX, "RX/s", 6, COL_RATE, 0, 24, "network bytes per second received by the guest") \
	X(TX, "TX/s", 6, COL_RATE, 0, 23, "network bytes per second sent by the guest") \
	X(DROP, "DROP/s", 6, COL_NUM, 0, 21, "packets dropped per second on its host interfaces, both directions") \
	X(PSIC, "PSI-C", 5, COL_PCT, 0, 13, "cgroup CPU pressure: share of time some of its tasks stalled for CPU") \
	X(PSII, "PSI-I", 5, COL_PCT, 0, 12, "cgroup I/O pressure") \
	X(PSIM, "PSI-M", 5, COL_PCT, 0, 11, "cgroup memory pressure") \
	X(ROLE, "ROLE", 7, COL_TEXT, 1, 85, "V:why = a victim (steal, thr, lat, psi); C:what = a culprit (cpu, disk, mem)") \
	X(HISTORY, "HISTORY", 10, COL_SPARK, 1, 80, "CPU% over the last refreshes, newest on the right")

enum column {
#define X(id, title, width, kind, shown, keep, meaning) COL_##id,
	GT_COLUMNS(X)
#undef X
	COL_COUNT_
};

struct column_info {
	const char *title;
	int width;
	enum column_kind kind;
	bool shown;
	int keep;
	const char *meaning;
};

extern const struct column_info columns[COL_COUNT_];

/* The host a row's guest runs on ("" when unknown). */
const char *column_host(const struct guest_row *r);
/* The short name column_by_name takes back: "CPU%" gives "cpu", "RD/s" "rd". */
void column_key(int c, char *buf, size_t len);
/* Column by title, case-insensitive ("cpu%" or "cpu"); -1 if none. */
int column_by_name(const char *name);

/* Numeric value of a cell (sort key), NAN when unknown or a text column. */
double column_number(const struct guest_row *r, enum column c);
/* Text of a cell as shown: escaped, "-" when unknown. Sparklines: see column_spark. */
void column_format(const struct guest_row *r, enum column c, char *buf, size_t len);
/* The ROLE text ("V:steal", "C:cpu", "V+C", "" none); "-" when the guest is not measured. */
void column_role(const struct guest_row *r, char *buf, size_t len);
/*
 * A sparkline of the row's history, `width` cells, newest on the right:
 * UTF-8 block characters when utf8, else ASCII. Unknown samples are blank.
 */
void column_spark(const struct guest_row *r, int width, bool utf8, char *buf, size_t len);

/* Human-readable sizes: 1023 -> "1023", 1536 -> "1.5K", 5e9 -> "4.7G"; "-" for unknown. */
void format_bytes(double v, char *buf, size_t len);
void format_pct(double v, char *buf, size_t len);
void format_num(double v, char *buf, size_t len);

/*
 * Which of the wanted columns fit in `width` terminal columns: the NAME
 * column takes what is left (at least 12), columns with the lowest keep
 * priority go first. Writes the kept columns, in order, to out; returns how
 * many, and NAME's width in *name_w.
 */
int columns_layout(const bool *wanted, int width, enum column *out, int *name_w);
/* The same, with the columns in this order (a permutation of every column); NULL: the usual order. */
int columns_layout_ordered(const bool *wanted, const enum column *order, int width, enum column *out, int *name_w);

/*
 * Order rows for display: active guests first, then by column c (numbers
 * descending, text ascending unless invert), then by name. Unknown values
 * sort last. order gets m->n indexes.
 */
void columns_sort(const struct model *m, enum column c, bool invert, size_t *order);

#endif
