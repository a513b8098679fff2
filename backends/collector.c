/* The collector thread: libvirt may block for seconds, so listings never run in the UI loop. */
#include "backends/collector.h"

#include "backends/sampler.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RETRY_MS 5000
/* Listings come at most every LIST_EVERY refreshes, or every LIST_MAX_MS when that is sooner. */
#define LIST_EVERY 5
#define LIST_MAX_MS 5000

struct collector {
	struct backend *bes;		/* (borrowed) */
	size_t n;
	unsigned interval_ms;		/* between listings */
	unsigned refresh_ms;		/* for backends whose figures come from the listing */
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_cond_t listed;		/* broadcast when a listing is done */
	bool stop, poked;
	bool on_demand;			/* list only when poked (or on an event), never by the clock */
	struct guest_list latest;	/* guarded by lock */
	unsigned long gen;		/* guarded by lock */
	char errs[COLLECTOR_MAX_BACKENDS][BACKEND_ERR_MAX];	/* guarded by lock */
};

int collector_once(struct backend *bes, size_t n, struct guest_list *out,
		   char errs[][BACKEND_ERR_MAX])
{
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		struct backend *be = &bes[i];
		errs[i][0] = '\0';
		if (!be->connected) {
			uint64_t now = sampler_now_ns();
			if (now < be->retry_at_ns) {
				snprintf(errs[i], BACKEND_ERR_MAX, "%s", be->last_err);
				failed++;
				continue;
			}
			if (backend_open(be, errs[i], BACKEND_ERR_MAX) < 0) {
				/* A daemon that is down is asked again later, not every tick. */
				be->retry_at_ns = now + RETRY_MS * 1000000ull;
				if (be->was_connected) {
					char tmp[BACKEND_ERR_MAX];
					snprintf(tmp, sizeof(tmp), "connection lost, retrying every %d s: %s",
						 RETRY_MS / 1000, errs[i]);
					memcpy(errs[i], tmp, sizeof(tmp));
				}
				snprintf(be->last_err, sizeof(be->last_err), "%s", errs[i]);
				failed++;
				continue;
			}
		}
		size_t before = out->n;
		if (be->ops->list(be, out, errs[i], BACKEND_ERR_MAX) < 0) {
			/* Drop what this backend half-listed. */
			while (out->n > before) {
				out->n--;
				guest_ident_release(&out->v[out->n]);
			}
			if (be->ops->alive && !be->ops->alive(be)) {
				backend_close(be);
				char tmp[BACKEND_ERR_MAX];
				snprintf(tmp, sizeof(tmp), "connection lost, retrying: %s", errs[i]);
				memcpy(errs[i], tmp, sizeof(tmp));
				snprintf(be->last_err, sizeof(be->last_err), "%s", errs[i]);
			}
			failed++;
		}
	}
	return failed;
}

unsigned collector_list_interval_ms(unsigned refresh_ms)
{
	unsigned every = refresh_ms * LIST_EVERY;
	if (every > LIST_MAX_MS)
		every = LIST_MAX_MS;
	return every > refresh_ms ? every : refresh_ms;
}

static void deadline_after(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *collector_main(void *arg)
{
	struct collector *c = arg;
	struct guest_list work;
	char errs[COLLECTOR_MAX_BACKENDS][BACKEND_ERR_MAX];
	guest_list_init(&work);
	pthread_mutex_lock(&c->lock);
	/* On demand, the caller made the first listing itself: wait to be asked. */
	bool wait_first = c->on_demand;
	pthread_mutex_unlock(&c->lock);
	for (;;) {
		if (!wait_first) {
			guest_list_clear(&work);
			collector_once(c->bes, c->n, &work, errs);
		}
		pthread_mutex_lock(&c->lock);
		if (!wait_first) {
			/* Swap rather than copy: the UI copies out under the lock. */
			struct guest_list tmp = c->latest;
			c->latest = work;
			work = tmp;
			c->gen++;
			memcpy(c->errs, errs, sizeof(errs[0]) * c->n);
			pthread_cond_broadcast(&c->listed);
		}
		wait_first = false;
		unsigned ms = c->interval_ms;
		for (size_t i = 0; i < c->n; i++)
			if (atomic_load(&c->bes[i].list_each_refresh))
				ms = c->refresh_ms;
		struct timespec until;
		deadline_after(&until, ms);
		while (!c->stop && !c->poked) {
			if (c->on_demand)
				pthread_cond_wait(&c->wake, &c->lock);
			else if (pthread_cond_timedwait(&c->wake, &c->lock, &until) == ETIMEDOUT)
				break;
		}
		c->poked = false;
		bool stop = c->stop;
		pthread_mutex_unlock(&c->lock);
		if (stop)
			break;
	}
	guest_list_free(&work);
	return NULL;
}

static void poke_from_event(void *opaque)
{
	collector_poke(opaque);
}

struct collector *collector_new(struct backend *bes, size_t n, unsigned interval_ms)
{
	if (n > COLLECTOR_MAX_BACKENDS)
		return NULL;
	struct collector *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->bes = bes;
	c->n = n;
	/* libvirt's events (a guest changed, the daemon went away) ask for a listing at once. */
	for (size_t i = 0; i < n; i++) {
		bes[i].on_change = poke_from_event;
		bes[i].on_change_opaque = c;
	}
	c->refresh_ms = interval_ms ? interval_ms : 1000;
	c->interval_ms = collector_list_interval_ms(c->refresh_ms);
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->wake, &ca);
	pthread_cond_init(&c->listed, &ca);
	pthread_condattr_destroy(&ca);
	guest_list_init(&c->latest);
	return c;
}

void collector_set_interval(struct collector *c, unsigned refresh_ms)
{
	pthread_mutex_lock(&c->lock);
	c->refresh_ms = refresh_ms ? refresh_ms : 1000;
	c->interval_ms = collector_list_interval_ms(c->refresh_ms);
	/* The wait in progress was measured with the old interval: start it again. */
	c->poked = true;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
}

unsigned collector_listing_ms(struct collector *c)
{
	pthread_mutex_lock(&c->lock);
	unsigned ms = c->interval_ms;
	pthread_mutex_unlock(&c->lock);
	return ms;
}

void collector_set_on_demand(struct collector *c)
{
	c->on_demand = true;
}

int collector_start(struct collector *c)
{
	if (pthread_create(&c->thread, NULL, collector_main, c) != 0)
		return -1;
	c->started = true;
	return 0;
}

/* After this no libvirt event can reach the collector: the callbacks read on_change under the lock. */
static void collector_unhook(struct collector *c)
{
	for (size_t i = 0; i < c->n; i++) {
		pthread_mutex_lock(&c->bes[i].lock);
		c->bes[i].on_change = NULL;
		pthread_mutex_unlock(&c->bes[i].lock);
	}
}

void collector_free(struct collector *c)
{
	if (!c)
		return;
	if (c->started) {
		pthread_mutex_lock(&c->lock);
		c->stop = true;
		pthread_cond_signal(&c->wake);
		pthread_mutex_unlock(&c->lock);
		/* A listing stuck in a daemon that does not answer must not hold up quitting. */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		if (pthread_timedjoin_np(c->thread, NULL, &until) != 0) {
			pthread_detach(c->thread);
			backend_threads_abandoned = true;
			collector_unhook(c);
			return;
		}
	}
	collector_unhook(c);
	guest_list_free(&c->latest);
	pthread_cond_destroy(&c->wake);
	pthread_cond_destroy(&c->listed);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void collector_poke(struct collector *c)
{
	pthread_mutex_lock(&c->lock);
	c->poked = true;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
}

int collector_take(struct collector *c, struct guest_list *dst, unsigned long *gen)
{
	int ret = 0;
	/* The thread holds the lock only to swap and wait, never while listing. */
	pthread_mutex_lock(&c->lock);
	if (c->gen != *gen) {
		if (guest_list_copy(dst, &c->latest) == 0) {
			*gen = c->gen;
			ret = 1;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int collector_wait(struct collector *c, unsigned long gen, unsigned ms)
{
	struct timespec until;
	deadline_after(&until, ms);
	pthread_mutex_lock(&c->lock);
	while (c->gen == gen && !c->stop)
		if (pthread_cond_timedwait(&c->listed, &c->lock, &until) == ETIMEDOUT)
			break;
	int ret = c->gen != gen;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

void collector_errors(struct collector *c, char errs[][BACKEND_ERR_MAX])
{
	pthread_mutex_lock(&c->lock);
	memcpy(errs, c->errs, sizeof(errs[0]) * c->n);
	pthread_mutex_unlock(&c->lock);
}

void collector_error(struct collector *c, char *buf, size_t len)
{
	buf[0] = '\0';
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->n; i++) {
		if (c->errs[i][0]) {
			snprintf(buf, len, "%s", c->errs[i]);
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
}
