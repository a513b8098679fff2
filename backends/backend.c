/* Guest identities and the backend life cycle shared by every backend. */
#include "backends/backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *guest_state_name(enum guest_state s)
{
	switch (s) {
	case GUEST_STATE_RUNNING: return "running";
	case GUEST_STATE_BLOCKED: return "blocked";
	case GUEST_STATE_PAUSED: return "paused";
	case GUEST_STATE_SHUTDOWN: return "shutdown";
	case GUEST_STATE_SHUTOFF: return "shutoff";
	case GUEST_STATE_CRASHED: return "crashed";
	case GUEST_STATE_PMSUSPENDED: return "pmsuspended";
	case GUEST_STATE_UNKNOWN: break;
	}
	return "unknown";
}

bool guest_state_is_active(enum guest_state s)
{
	switch (s) {
	case GUEST_STATE_RUNNING:
	case GUEST_STATE_BLOCKED:
	case GUEST_STATE_PAUSED:
	case GUEST_STATE_SHUTDOWN:
	case GUEST_STATE_PMSUSPENDED:
		return true;
	default:
		return false;
	}
}

void guest_list_init(struct guest_list *l)
{
	memset(l, 0, sizeof(*l));
}

struct guest_ident *guest_list_add(struct guest_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct guest_ident *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	struct guest_ident *g = &l->v[l->n++];
	memset(g, 0, sizeof(*g));
	g->id = -1;
	g->mem_bytes = GT_UNKNOWN;
	g->mem_max_bytes = GT_UNKNOWN;
	return g;
}

void guest_list_clear(struct guest_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].vcpu_tids);
	l->n = 0;
}

void guest_list_free(struct guest_list *l)
{
	guest_list_clear(l);
	free(l->v);
	guest_list_init(l);
}

int guest_ident_set_vcpu_tids(struct guest_ident *g, const pid_t *tids, unsigned n)
{
	pid_t *copy = NULL;
	if (n) {
		copy = malloc(n * sizeof(*copy));
		if (!copy)
			return -1;
		memcpy(copy, tids, n * sizeof(*copy));
	}
	free(g->vcpu_tids);
	g->vcpu_tids = copy;
	g->n_vcpu_tids = n;
	return 0;
}

int guest_list_copy(struct guest_list *dst, const struct guest_list *src)
{
	guest_list_clear(dst);
	for (size_t i = 0; i < src->n; i++) {
		struct guest_ident *g = guest_list_add(dst);
		if (!g)
			return -1;
		*g = src->v[i];
		g->vcpu_tids = NULL;
		g->n_vcpu_tids = 0;
		if (guest_ident_set_vcpu_tids(g, src->v[i].vcpu_tids, src->v[i].n_vcpu_tids) < 0)
			return -1;
	}
	return 0;
}

int backend_init(struct backend *be, const struct backend_ops *ops, const char *uri,
		 const struct host_paths *paths)
{
	memset(be, 0, sizeof(*be));
	be->ops = ops;
	be->paths = paths;
	if (uri && snprintf(be->uri, sizeof(be->uri), "%s", uri) >= (int)sizeof(be->uri))
		return -1;
	return 0;
}

int backend_open(struct backend *be, char *err, size_t errlen)
{
	if (be->connected)
		return 0;
	if (be->ops->open(be, err, errlen) < 0)
		return -1;
	be->connected = true;
	return 0;
}

void backend_close(struct backend *be)
{
	if (be->ops && be->ops->close)
		be->ops->close(be);
	be->connected = false;
}
