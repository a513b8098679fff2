/* Guest identities and the backend life cycle shared by every backend. */
#include "backends/backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	g->autostart = -1;
	g->persistent = -1;
	g->hv_cpu_ns = GT_UNKNOWN;
	return g;
}

void guest_ident_release(struct guest_ident *g)
{
	free(g->vcpu_tids);
	free(g->disks);
	free(g->nics);
	g->vcpu_tids = NULL;
	g->disks = NULL;
	g->nics = NULL;
	g->n_vcpu_tids = g->n_disks = g->n_nics = 0;
}

static void *dup_array(const void *src, size_t n, size_t size)
{
	if (!n)
		return NULL;
	void *p = malloc(n * size);
	if (p)
		memcpy(p, src, n * size);
	return p;
}

int guest_ident_copy(struct guest_ident *dst, const struct guest_ident *src)
{
	guest_ident_release(dst);
	*dst = *src;
	dst->vcpu_tids = dup_array(src->vcpu_tids, src->n_vcpu_tids, sizeof(pid_t));
	dst->disks = dup_array(src->disks, src->n_disks, sizeof(struct guest_disk));
	dst->nics = dup_array(src->nics, src->n_nics, sizeof(struct guest_nic));
	if ((src->n_vcpu_tids && !dst->vcpu_tids) || (src->n_disks && !dst->disks) ||
	    (src->n_nics && !dst->nics)) {
		guest_ident_release(dst);
		return -1;
	}
	return 0;
}

struct guest_disk *guest_ident_add_disk(struct guest_ident *g)
{
	struct guest_disk *v = realloc(g->disks, (g->n_disks + 1) * sizeof(*v));
	if (!v)
		return NULL;
	g->disks = v;
	memset(&v[g->n_disks], 0, sizeof(v[0]));
	return &v[g->n_disks++];
}

struct guest_nic *guest_ident_add_nic(struct guest_ident *g)
{
	struct guest_nic *v = realloc(g->nics, (g->n_nics + 1) * sizeof(*v));
	if (!v)
		return NULL;
	g->nics = v;
	memset(&v[g->n_nics], 0, sizeof(v[0]));
	return &v[g->n_nics++];
}

void guest_list_clear(struct guest_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		guest_ident_release(&l->v[i]);
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
		if (!g || guest_ident_copy(g, &src->v[i]) < 0)
			return -1;
	}
	return 0;
}

bool backend_threads_abandoned;

int backend_init(struct backend *be, const struct backend_ops *ops, const char *uri,
		 const struct host_paths *paths)
{
	memset(be, 0, sizeof(*be));
	pthread_mutex_init(&be->lock, NULL);
	be->ops = ops;
	be->paths = paths;
	if (uri && snprintf(be->uri, sizeof(be->uri), "%s", uri) >= (int)sizeof(be->uri))
		return -1;
	backend_uri_host(uri, be->host, sizeof(be->host));
	return 0;
}

bool backends_span_hosts(const struct backend *bes, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (strcmp(bes[i].host, bes[0].host) != 0)
			return true;
	return false;
}

void backend_uri_host(const char *uri, char *buf, size_t len)
{
	/* scheme://[user@]host[:port]/path: the host, when there is one. */
	const char *p = uri ? strstr(uri, "://") : NULL;
	if (p) {
		p += 3;
		size_t end = strcspn(p, "/?");
		const char *at = memchr(p, '@', end);
		if (at) {
			end -= (size_t)(at + 1 - p);
			p = at + 1;
		}
		/* An IPv6 address is in brackets, which hold colons. */
		const char *rb = p[0] == '[' ? memchr(p, ']', end) : NULL;
		size_t hl = rb ? (size_t)(rb - p) + 1 : strcspn(p, ":/?");
		if (hl > end)
			hl = end;
		if (hl) {
			snprintf(buf, len, "%.*s", (int)hl, p);
			return;
		}
	}
	if (gethostname(buf, len) != 0 || !buf[0])
		snprintf(buf, len, "localhost");
	buf[len - 1] = '\0';
}

int backend_open(struct backend *be, char *err, size_t errlen)
{
	if (be->connected)
		return 0;
	/*
	 * Connecting may block, so the lock is not held: the action thread
	 * touches priv only while connected is set, and that happens below.
	 */
	if (be->ops->open(be, err, errlen) < 0)
		return -1;
	pthread_mutex_lock(&be->lock);
	be->connected = true;
	be->was_connected = true;
	pthread_mutex_unlock(&be->lock);
	return 0;
}

void backend_close(struct backend *be)
{
	pthread_mutex_lock(&be->lock);
	if (be->ops && be->ops->close)
		be->ops->close(be);
	be->connected = false;
	pthread_mutex_unlock(&be->lock);
}

int backend_action(struct backend *be, const char *uuid, enum guest_action action, char *info,
		   size_t infolen, char *err, size_t errlen)
{
	if (info && infolen)
		info[0] = '\0';
	if (be->readonly) {
		snprintf(err, errlen, "%s is watched read-only", be->uri);
		return -1;
	}
	if (!be->ops->action) {
		snprintf(err, errlen, "%s: this backend has no actions", be->uri);
		return -1;
	}
	return be->ops->action(be, uuid, action, info, infolen, err, errlen);
}

const char *guest_action_name(enum guest_action a)
{
	static const char *const names[GA_COUNT_] = {
		[GA_START] = "start", [GA_SHUTDOWN] = "shutdown", [GA_REBOOT] = "reboot",
		[GA_FORCE_OFF] = "force off", [GA_SUSPEND] = "suspend", [GA_RESUME] = "resume",
		[GA_MANAGED_SAVE] = "managed save", [GA_AUTOSTART_ON] = "autostart on",
		[GA_AUTOSTART_OFF] = "autostart off", [GA_DELETE] = "delete",
		[GA_DELETE_WITH_DISKS] = "delete with disks",
		[GA_DISPLAY] = "display address",
	};
	return a < GA_COUNT_ ? names[a] : "?";
}
