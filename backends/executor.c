/* The action thread: a small queue in, results out; the console polls results and never waits. */
#include "backends/executor.h"

#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE_MAX 256

struct executor {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	struct action_job jobs[QUEUE_MAX];	/* guarded by lock */
	unsigned job_head, n_jobs;
	struct action_result results[QUEUE_MAX];	/* guarded by lock */
	unsigned res_head, n_results;
	unsigned running;
	executor_done_fn done;
	void *opaque;
};

static void *executor_main(void *arg)
{
	struct executor *ex = arg;
	pthread_mutex_lock(&ex->lock);
	for (;;) {
		while (!ex->stop && ex->n_jobs == 0)
			pthread_cond_wait(&ex->wake, &ex->lock);
		if (ex->stop)
			break;
		struct action_job job = ex->jobs[ex->job_head];
		ex->job_head = (ex->job_head + 1) % QUEUE_MAX;
		ex->n_jobs--;
		ex->running = 1;
		pthread_mutex_unlock(&ex->lock);

		struct action_result r = { .job = job };
		char info[sizeof(r.msg)] = "";
		/* Two buffers: a backend may quote its answer in its error. */
		r.ok = backend_action(job.be, job.uuid, job.action, info, sizeof(info), r.msg, sizeof(r.msg)) == 0;
		if (r.ok)
			memcpy(r.msg, info, sizeof(r.msg));
		if (ex->done)
			ex->done(&r, ex->opaque);

		pthread_mutex_lock(&ex->lock);
		ex->running = 0;
		if (ex->n_results == QUEUE_MAX) {
			/* The console has not looked for a while: the oldest result goes. */
			ex->res_head = (ex->res_head + 1) % QUEUE_MAX;
			ex->n_results--;
		}
		ex->results[(ex->res_head + ex->n_results) % QUEUE_MAX] = r;
		ex->n_results++;
	}
	pthread_mutex_unlock(&ex->lock);
	return NULL;
}

struct executor *executor_new(executor_done_fn done, void *opaque)
{
	struct executor *ex = calloc(1, sizeof(*ex));
	if (!ex)
		return NULL;
	pthread_mutex_init(&ex->lock, NULL);
	pthread_cond_init(&ex->wake, NULL);
	ex->done = done;
	ex->opaque = opaque;
	if (pthread_create(&ex->thread, NULL, executor_main, ex) != 0) {
		free(ex);
		return NULL;
	}
	return ex;
}

void executor_free(struct executor *ex)
{
	if (!ex)
		return;
	pthread_mutex_lock(&ex->lock);
	/* Jobs never started are said to be abandoned, not dropped silently. */
	while (ex->n_jobs) {
		struct action_result r = { .job = ex->jobs[ex->job_head], .ok = false };
		snprintf(r.msg, sizeof(r.msg), "abandoned: guesttop quit before it ran");
		ex->job_head = (ex->job_head + 1) % QUEUE_MAX;
		ex->n_jobs--;
		if (ex->done)
			ex->done(&r, ex->opaque);
	}
	ex->stop = true;
	pthread_cond_signal(&ex->wake);
	pthread_mutex_unlock(&ex->lock);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	if (pthread_timedjoin_np(ex->thread, NULL, &until) != 0) {
		/* Stuck in a daemon that does not answer: leave it; the process is ending. */
		pthread_detach(ex->thread);
		backend_threads_abandoned = true;
		return;
	}
	pthread_cond_destroy(&ex->wake);
	pthread_mutex_destroy(&ex->lock);
	free(ex);
}

int executor_submit(struct executor *ex, const struct action_job *job)
{
	int ret = -1;
	pthread_mutex_lock(&ex->lock);
	if (ex->n_jobs < QUEUE_MAX) {
		ex->jobs[(ex->job_head + ex->n_jobs) % QUEUE_MAX] = *job;
		ex->n_jobs++;
		pthread_cond_signal(&ex->wake);
		ret = 0;
	}
	pthread_mutex_unlock(&ex->lock);
	return ret;
}

int executor_poll(struct executor *ex, struct action_result *out)
{
	int ret = 0;
	pthread_mutex_lock(&ex->lock);
	if (ex->n_results) {
		*out = ex->results[ex->res_head];
		ex->res_head = (ex->res_head + 1) % QUEUE_MAX;
		ex->n_results--;
		ret = 1;
	}
	pthread_mutex_unlock(&ex->lock);
	return ret;
}

unsigned executor_busy(struct executor *ex)
{
	pthread_mutex_lock(&ex->lock);
	unsigned n = ex->n_jobs + ex->running;
	pthread_mutex_unlock(&ex->lock);
	return n;
}
