/* Runs the backends' listings off the UI thread and hands the newest one over. */
#ifndef GUESTTOP_COLLECTOR_H
#define GUESTTOP_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/backend.h"

#define COLLECTOR_MAX_BACKENDS 16

struct collector;

/*
 * Identities (which guests exist, their processes, cgroups and devices) are
 * listed every few refreshes and at least every 5 s, and at once when a
 * backend reports a change or a watched process vanishes: listing costs far
 * more than sampling. This is the listing interval for a refresh interval.
 */
unsigned collector_list_interval_ms(unsigned refresh_ms);

/* bes stay owned by the caller and must outlive the collector. interval_ms is the refresh interval. */
struct collector *collector_new(struct backend *bes, size_t n, unsigned interval_ms);
void collector_free(struct collector *c);

/*
 * One pass in the calling thread: connect what is not connected, list
 * every connected backend into out. errs[i] gets backend i's error ("" if
 * none). Returns the number of backends that failed.
 */
int collector_once(struct backend *bes, size_t n, struct guest_list *out,
		   char errs[][BACKEND_ERR_MAX]);

/* The refresh interval changed (the setup screen): list at the cadence that goes with it. */
void collector_set_interval(struct collector *c, unsigned refresh_ms);
/* The time between two listings now. */
unsigned collector_listing_ms(struct collector *c);
/*
 * Before collector_start: list only when poked or on a backend's event, and
 * not at start (the caller listed with collector_once). For batch mode, which
 * keeps its own listing cadence.
 */
void collector_set_on_demand(struct collector *c);
/* Start the background thread. */
int collector_start(struct collector *c);
/* Ask for a listing now rather than at the next interval. */
void collector_poke(struct collector *c);
/*
 * If a listing newer than *gen exists, copy it into dst, update *gen and
 * return 1; else 0. Never waits on a backend.
 */
int collector_take(struct collector *c, struct guest_list *dst, unsigned long *gen);
/*
 * Wait up to ms for a listing newer than gen: 1 when there is one, 0 on
 * timeout (a daemon that does not answer: go on with the last listing).
 */
int collector_wait(struct collector *c, unsigned long gen, unsigned ms);
/* Each backend's error at the newest listing ("" when fine), into errs[0..n). */
void collector_errors(struct collector *c, char errs[][BACKEND_ERR_MAX]);
/* The first backend error, or "" when all are fine. */
void collector_error(struct collector *c, char *buf, size_t len);

#endif
