/* The guest table: one row per guest, kept by mark and sweep, with its sampler state and rates. */
#ifndef GUESTTOP_MODEL_H
#define GUESTTOP_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/backend.h"
#include "backends/sampler.h"

struct guest_row {
	struct guest_ident g;		/* vcpu_tids (owned) */
	struct guest_probe probe;
	struct guest_counters prev;	/* the last reading; prev.pid == 0: none */
	struct guest_rates rates;	/* over the last interval, NAN unknown */
	uint64_t rss_bytes;		/* GT_UNKNOWN */
	bool seen;
};

struct model_counts {
	unsigned running, paused, other_active, shutoff, unreadable;
};

struct model {
	struct guest_row *rows;		/* (owned) */
	size_t n, cap;
	size_t *index;			/* (owned) hash of rows by backend and uuid */
	size_t index_cap;
	int proc_fd;			/* (owned) the proc root */
	bool io_denied;			/* some /proc/PID/io refused us */
	bool proc_unreadable;		/* some process could not be opened */
};

int model_init(struct model *m, const char *proc_root);
void model_free(struct model *m);
/* Take a new listing: add new guests, update known ones, drop the ones gone. */
int model_update(struct model *m, const struct guest_list *l);
/* Read every running guest's counters and compute rates since the last call. */
void model_sample(struct model *m);
void model_counts(const struct model *m, struct model_counts *out);

#endif
