/* The guest table: rows found by backend and uuid, marked each listing, swept when gone. */
#include "tui/model.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EMPTY SIZE_MAX

int model_init(struct model *m, const char *proc_root)
{
	memset(m, 0, sizeof(*m));
	m->proc_fd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return m->proc_fd < 0 ? -1 : 0;
}

static void row_free(struct guest_row *r)
{
	guest_probe_close(&r->probe);
	free(r->g.vcpu_tids);
	r->g.vcpu_tids = NULL;
}

void model_free(struct model *m)
{
	for (size_t i = 0; i < m->n; i++)
		row_free(&m->rows[i]);
	free(m->rows);
	free(m->index);
	if (m->proc_fd >= 0)
		close(m->proc_fd);
	memset(m, 0, sizeof(*m));
	m->proc_fd = -1;
}

static uint64_t key_hash(const void *backend, const char *uuid)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)backend;
	for (const unsigned char *p = (const unsigned char *)uuid; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

static bool row_matches(const struct guest_row *r, const struct guest_ident *g)
{
	return r->g.backend == g->backend && strcmp(r->g.uuid, g->uuid) == 0;
}

static int index_rebuild(struct model *m, size_t want)
{
	size_t cap = 64;
	while (cap < want * 2)
		cap *= 2;
	if (cap != m->index_cap) {
		size_t *v = realloc(m->index, cap * sizeof(*v));
		if (!v)
			return -1;
		m->index = v;
		m->index_cap = cap;
	}
	for (size_t i = 0; i < cap; i++)
		m->index[i] = EMPTY;
	for (size_t i = 0; i < m->n; i++) {
		size_t s = key_hash(m->rows[i].g.backend, m->rows[i].g.uuid) & (cap - 1);
		while (m->index[s] != EMPTY)
			s = (s + 1) & (cap - 1);
		m->index[s] = i;
	}
	return 0;
}

static struct guest_row *find_row(struct model *m, const struct guest_ident *g)
{
	if (!m->index_cap)
		return NULL;
	size_t s = key_hash(g->backend, g->uuid) & (m->index_cap - 1);
	while (m->index[s] != EMPTY) {
		struct guest_row *r = &m->rows[m->index[s]];
		if (row_matches(r, g))
			return r;
		s = (s + 1) & (m->index_cap - 1);
	}
	return NULL;
}

/* A new process (or none) for this row: forget the baseline so no rate spans two processes. */
static void row_rebind(struct model *m, struct guest_row *r)
{
	guest_probe_close(&r->probe);
	memset(&r->prev, 0, sizeof(r->prev));
	sampler_rates_unknown(&r->rates);
	r->rss_bytes = GT_UNKNOWN;
	if (guest_state_is_active(r->g.state) && r->g.pid > 0 &&
	    guest_probe_open(&r->probe, m->proc_fd, &r->g) < 0)
		m->proc_unreadable = true;
}

static bool same_tids(const struct guest_ident *a, const struct guest_ident *b)
{
	return a->n_vcpu_tids == b->n_vcpu_tids &&
	       (a->n_vcpu_tids == 0 ||
		memcmp(a->vcpu_tids, b->vcpu_tids, a->n_vcpu_tids * sizeof(pid_t)) == 0);
}

int model_update(struct model *m, const struct guest_list *l)
{
	if (index_rebuild(m, m->n + l->n) < 0)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		const struct guest_ident *g = &l->v[i];
		struct guest_row *r = find_row(m, g);
		if (r && r->seen)
			continue;	/* a duplicate uuid within one listing: keep the first */
		if (!r) {
			if (m->n == m->cap) {
				size_t cap = m->cap ? m->cap * 2 : 32;
				struct guest_row *v = realloc(m->rows, cap * sizeof(*v));
				if (!v)
					return -1;
				m->rows = v;
				m->cap = cap;
			}
			r = &m->rows[m->n++];
			memset(r, 0, sizeof(*r));
			guest_probe_init(&r->probe);
			r->g = *g;
			r->g.vcpu_tids = NULL;
			r->g.n_vcpu_tids = 0;
			if (guest_ident_set_vcpu_tids(&r->g, g->vcpu_tids, g->n_vcpu_tids) < 0)
				return -1;
			row_rebind(m, r);
			/* Keep the index valid for later lookups in this listing. */
			size_t s = key_hash(r->g.backend, r->g.uuid) & (m->index_cap - 1);
			while (m->index[s] != EMPTY)
				s = (s + 1) & (m->index_cap - 1);
			m->index[s] = (size_t)(r - m->rows);
		} else {
			/* Paused <-> running keeps the same process and its baseline. */
			bool rebind = r->g.pid != g->pid ||
				      guest_state_is_active(r->g.state) != guest_state_is_active(g->state) ||
				      !same_tids(&r->g, g);
			pid_t *tids = r->g.vcpu_tids;
			r->g = *g;
			r->g.vcpu_tids = tids;
			r->g.n_vcpu_tids = 0;
			if (guest_ident_set_vcpu_tids(&r->g, g->vcpu_tids, g->n_vcpu_tids) < 0)
				return -1;
			if (rebind)
				row_rebind(m, r);
		}
		r->seen = true;
	}
	/* Sweep: rows this listing did not mention are gone. */
	for (size_t i = 0; i < m->n;) {
		if (!m->rows[i].seen) {
			row_free(&m->rows[i]);
			m->rows[i] = m->rows[--m->n];
		} else {
			m->rows[i++].seen = false;
		}
	}
	return index_rebuild(m, m->n);
}

void model_sample(struct model *m)
{
	m->io_denied = false;
	for (size_t i = 0; i < m->n; i++) {
		struct guest_row *r = &m->rows[i];
		struct guest_counters cur;
		if (r->probe.stat_fd < 0) {
			sampler_rates_unknown(&r->rates);
			r->rss_bytes = GT_UNKNOWN;
			continue;
		}
		if (guest_probe_read(&r->probe, &cur) < 0) {
			/* The process went away between listing and sampling. */
			guest_probe_close(&r->probe);
			memset(&r->prev, 0, sizeof(r->prev));
			sampler_rates_unknown(&r->rates);
			r->rss_bytes = GT_UNKNOWN;
			continue;
		}
		if (r->probe.io_denied)
			m->io_denied = true;
		sampler_diff(r->prev.pid ? &r->prev : NULL, &cur, &r->rates);
		r->rss_bytes = cur.have_rss ? cur.rss_bytes : GT_UNKNOWN;
		r->prev = cur;
	}
}

void model_counts(const struct model *m, struct model_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < m->n; i++) {
		switch (m->rows[i].g.state) {
		case GUEST_STATE_RUNNING:
		case GUEST_STATE_BLOCKED:
			out->running++;
			break;
		case GUEST_STATE_PAUSED:
		case GUEST_STATE_PMSUSPENDED:
			out->paused++;
			break;
		case GUEST_STATE_SHUTOFF:
		case GUEST_STATE_CRASHED:
			out->shutoff++;
			break;
		default:
			out->other_active++;
			break;
		}
	}
}
