/* Recording every refresh's figures with guest names, and reading a recording back for replay. */
#ifndef GUESTTOP_RECORD_H
#define GUESTTOP_RECORD_H

#include <stddef.h>
#include <stdio.h>

#include "tui/model.h"

#define RECORD_MAGIC "guesttop-record 1"

/*
 * Open path to append frames: created 0600 (never through a symbolic link)
 * with the magic line and the field names, or, when it exists, checked to be
 * a recording. NULL with err set on failure.
 */
FILE *record_open(const char *path, char *err, size_t errlen);
/* One frame: each guest as a CSV line, then "E TIME". -1 when the write failed. */
int record_frame(FILE *f, const struct model *m, const size_t *order, const char *now);

struct rec_row {
	char *host, *backend, *name, *uuid;	/* (owned) */
	enum guest_state state;
	double *values;				/* (owned) by export field index, NAN unknown */
	int victim, culprit;			/* 1, 0, or -1 unknown */
};

struct rec_frame {
	char time[32];
	size_t first, n;		/* its rows in recording.rows */
};

struct recording {
	struct rec_row *rows;
	size_t n_rows, cap_rows;
	struct rec_frame *frames;
	size_t n_frames, cap_frames;
};

/*
 * Read a recording. 0 when at least one frame was read; a damaged or
 * truncated file is read up to the damage, and msg then says where (else
 * msg is ""). -1 with msg set when nothing can be read.
 */
int recording_load(const char *path, struct recording *r, char *msg, size_t msglen);
void recording_free(struct recording *r);
/* The model of frame k: its rows, with the CPU% history of the frames before it. */
int recording_model(const struct recording *r, size_t k, struct model *m);
/* The first frame at or after time (as "HH:MM:SS" or a full ISO time); the last one if none. */
size_t recording_find(const struct recording *r, const char *time);

#endif
