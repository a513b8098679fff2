/* Batch mode: the guest table as text or CSV on standard output, for scripts and tests. */
#ifndef GUESTTOP_BATCH_H
#define GUESTTOP_BATCH_H

#include <stdio.h>

#include "backends/backend.h"
#include "config/options.h"

/* Returns the process exit status: 0, or 1 when a backend cannot be reached at the start. */
int batch_run(const struct options *o, struct backend *bes, size_t n, FILE *out);

/* Print a recording (--replay FILE) in the batch format: each refresh as it was recorded. */
int batch_replay(const struct options *o, FILE *out);

#endif
