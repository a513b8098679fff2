/* Runs guest actions on a thread of their own, so that no action can freeze the console. */
#ifndef GUESTTOP_EXECUTOR_H
#define GUESTTOP_EXECUTOR_H

#include <stdbool.h>

#include "backends/backend.h"

struct action_job {
	struct backend *be;		/* (borrowed) */
	char uuid[GUEST_UUID_LEN];
	char name[GUEST_NAME_MAX];	/* for messages and the audit record */
	enum guest_action action;
};

struct action_result {
	struct action_job job;
	bool ok;
	char msg[BACKEND_ERR_MAX];	/* the error, or the answer (GA_DISPLAY) */
};

/* Called on the executor's thread after each job, e.g. to write the audit record. */
typedef void (*executor_done_fn)(const struct action_result *r, void *opaque);

struct executor;

struct executor *executor_new(executor_done_fn done, void *opaque);
/* Stop the thread; a job stuck in a hung daemon is abandoned after a second. */
void executor_free(struct executor *ex);
/* Queue a job; -1 when the queue is full or memory is short. */
int executor_submit(struct executor *ex, const struct action_job *job);
/* A finished job's result, without waiting: 1 when one was taken, else 0. */
int executor_poll(struct executor *ex, struct action_result *out);
/* Jobs queued or running. */
unsigned executor_busy(struct executor *ex);

#endif
