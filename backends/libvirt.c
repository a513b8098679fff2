/* The libvirt backend: lists domains with one batched stats call and maps running ones to host processes. */
#include "backends/libvirt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/cgroup.h"
#include "backends/procfs.h"
#include "backends/sampler.h"
#include "backends/xen.h"

#define MAX_VCPU_TIDS 4096

/* Host mapping of one running domain, kept while its uuid and id stay the same. */
struct mapping {
	char uuid[GUEST_UUID_LEN];
	int id;
	pid_t pid;
	unsigned n_tids;
	pid_t *tids;		/* (owned) */
	enum cgroup_mode cgroup_mode;
	char cgroup[GUEST_CGROUP_MAX];
	char cgroup_v2[GUEST_CGROUP_MAX];
	uint64_t io_bytes;	/* its process's read_bytes + write_bytes at the last slow stats */
	bool io_known;
	bool seen;
};

/* Autostart changes rarely and costs a call per guest: asked again after AUTOSTART_TTL_NS. */
#define AUTOSTART_TTL_NS 30000000000ull
/*
 * The stats that cost libvirtd a monitor call per guest (block, vCPU) or a
 * read per interface are fetched for every guest only every SLOW_STATS_NS,
 * and at once for a guest that has none yet; the listings in between ask for
 * state and balloon only and reuse these. Disk rates span the two passes.
 */
#define SLOW_STATS_NS 10000000000ull
/*
 * Between those passes, a KVM guest whose process did no disk I/O (its
 * /proc/PID/io did not move) is not asked: its block counters cannot have
 * moved either. Every guest is asked at least every ALL_STATS_NS.
 */
#define ALL_STATS_NS 60000000000ull

/* What is remembered of one domain between listings, by uuid. */
struct dom_cache {
	char uuid[GUEST_UUID_LEN];
	int value;		/* autostart, -1 unknown */
	int persistent;
	uint64_t asked_ns;
	/* The last slow stats, taken while the domain had id slow_id (-2: never). */
	int slow_id;
	unsigned vcpus;
	uint64_t hv_cpu_ns, stats_t_ns;
	unsigned n_disks, n_nics;
	struct guest_disk *disks;	/* (owned) */
	struct guest_nic *nics;		/* (owned) */
	uint64_t info_ns;		/* when virDomainGetInfo last filled vcpus */
	bool have_mem;			/* memory as last read (balloon, or virDomainGetInfo) */
	uint64_t mem_bytes, mem_max_bytes;
	bool seen;
};
static void cache_release(struct dom_cache *e);


/*
 * Positions in an array, found by uuid (open addressing, at most half full):
 * a listing looks up every domain, so a linear search would make it quadratic
 * in the number of domains. Rebuilt whenever entries move or it must grow.
 */
struct uuid_index {
	size_t *slot;		/* (owned) a position, or UIX_EMPTY */
	size_t cap;		/* a power of two; 0 before the first build */
};
#define UIX_EMPTY SIZE_MAX

struct libvirt_priv {
	virConnectPtr conn;
	int lifecycle_cb;	/* event callback id, -1 none */
	bool close_cb;
	char kind[GUEST_KIND_MAX];
	char driver_dir[16];	/* below <run>/libvirt: "qemu", "lxc"; "" no host mapping */
	bool local;
	bool batched_stats;	/* does the driver answer virConnectGetAllDomainStats? */
	struct mapping *maps;	/* (owned) */
	size_t n_maps, cap_maps;
	struct uuid_index maps_ix;
	struct dom_cache *cache;	/* (owned) */
	size_t n_cache, cap_cache;
	struct uuid_index cache_ix;
	uint64_t next_slow_ns;		/* when the slow stats of guests that did I/O are due */
	uint64_t next_all_ns;		/* when every guest's are due */
	unsigned slow_passes;
};

static void quiet_error(void *data, virErrorPtr err)
{
	(void)data;
	(void)err;
}

void libvirt_quiet_errors(void)
{
	virSetErrorFunc(NULL, quiet_error);
}

/* libvirt's last error as one line (no newlines: it goes to a status line). */
static void last_error(char *err, size_t errlen, const char *uri, const char *what)
{
	virErrorPtr e = virGetLastError();
	const char *msg = e && e->message ? e->message : "unknown error";
	snprintf(err, errlen, "%s: %s%s%s", uri, what ? what : "", what ? ": " : "", msg);
	for (char *p = err; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	virResetLastError();
}

int libvirt_name_is_path_safe(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

int libvirt_uri_is_local(const char *uri)
{
	const char *s = strstr(uri, "://");
	if (!s)
		return 1;	/* "qemu:" style aliases are local */
	return s[3] == '/' || s[3] == '\0';
}

/* The value of attribute `name` within [tag, tag_end), or NULL. */
static const char *find_attr(const char *tag, const char *tag_end, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);
	/* An attribute follows white space, so the tag's first byte never starts one. */
	for (const char *p = tag + 1; p + nl + 2 < tag_end; p++) {
		if ((p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n') && memcmp(p, name, nl) == 0 &&
		    p[nl] == '=' && (p[nl + 1] == '\'' || p[nl + 1] == '"')) {
			char q = p[nl + 1];
			const char *v = p + nl + 2;
			const char *e = memchr(v, q, (size_t)(tag_end - v));
			if (!e)
				return NULL;
			*vlen = (size_t)(e - v);
			return v;
		}
	}
	return NULL;
}

static bool attr_u64(const char *tag, const char *tag_end, const char *name, unsigned long long *out)
{
	size_t vl;
	const char *v = find_attr(tag, tag_end, name, &vl);
	if (!v || vl == 0 || vl > 18)
		return false;
	unsigned long long x = 0;
	for (size_t i = 0; i < vl; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		x = x * 10 + (unsigned)(v[i] - '0');
	}
	*out = x;
	return true;
}

static const char *memstr(const char *h, size_t hl, const char *n)
{
	size_t nl = strlen(n);
	if (nl > hl)
		return NULL;
	for (size_t i = 0; i + nl <= hl; i++)
		if (h[i] == n[0] && memcmp(h + i, n, nl) == 0)
			return h + i;
	return NULL;
}

int libvirt_parse_status_xml(const char *buf, size_t len, pid_t *pid, pid_t *tids,
			     unsigned max, unsigned *n)
{
	const char *end = buf + len;
	const char *ds = memstr(buf, len, "<domstatus");
	*n = 0;
	if (!ds)
		return -1;
	const char *ds_end = memchr(ds, '>', (size_t)(end - ds));
	unsigned long long v;
	if (!ds_end || !attr_u64(ds, ds_end, "pid", &v) || v == 0 || v > 0x3fffffff)
		return -1;
	*pid = (pid_t)v;
	for (unsigned i = 0; i < max; i++)
		tids[i] = 0;
	/* The status part ends where the domain definition starts. */
	const char *dom = memstr(ds_end, (size_t)(end - ds_end), "<domain");
	const char *limit = dom ? dom : end;
	const char *vc = memstr(ds_end, (size_t)(limit - ds_end), "<vcpus>");
	if (!vc)
		return 0;
	const char *vc_end = memstr(vc, (size_t)(limit - vc), "</vcpus>");
	if (!vc_end)
		vc_end = limit;
	for (const char *p = vc + 7; (p = memstr(p, (size_t)(vc_end - p), "<vcpu ")); ) {
		const char *te = memchr(p, '>', (size_t)(vc_end - p));
		if (!te)
			break;
		unsigned long long id, tid;
		if (attr_u64(p, te, "id", &id) && attr_u64(p, te, "pid", &tid) && id < max &&
		    tid > 0 && tid <= 0x3fffffff) {
			tids[id] = (pid_t)tid;
			if (id + 1 > *n)
				*n = (unsigned)id + 1;
		}
		p = te;
	}
	return 0;
}

static enum guest_state map_state(int s)
{
	switch (s) {
	case VIR_DOMAIN_RUNNING: return GUEST_STATE_RUNNING;
	case VIR_DOMAIN_BLOCKED: return GUEST_STATE_BLOCKED;
	case VIR_DOMAIN_PAUSED: return GUEST_STATE_PAUSED;
	case VIR_DOMAIN_SHUTDOWN: return GUEST_STATE_SHUTDOWN;
	case VIR_DOMAIN_SHUTOFF: return GUEST_STATE_SHUTOFF;
	case VIR_DOMAIN_CRASHED: return GUEST_STATE_CRASHED;
	case VIR_DOMAIN_PMSUSPENDED: return GUEST_STATE_PMSUSPENDED;
	default: return GUEST_STATE_UNKNOWN;
	}
}

static bool events_running;

static void *event_loop(void *arg)
{
	(void)arg;
	for (;;)
		if (virEventRunDefaultImpl() < 0)
			virResetLastError();
	return NULL;
}

int backend_events_start(void)
{
	pthread_t t;
	if (events_running)
		return 0;
	if (virEventRegisterDefaultImpl() < 0)
		return -1;
	if (pthread_create(&t, NULL, event_loop, NULL) != 0)
		return -1;
	pthread_detach(t);
	events_running = true;
	return 0;
}

/* Tell the collector, unless it is gone (collector_unhook clears on_change under the lock). */
static void notify(struct backend *be)
{
	pthread_mutex_lock(&be->lock);
	if (be->on_change)
		be->on_change(be->on_change_opaque);
	pthread_mutex_unlock(&be->lock);
}

static int on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
	(void)conn;
	(void)dom;
	(void)event;
	(void)detail;
	notify(opaque);
	return 0;
}

/* libvirtd went away (keepalive or a closed socket): have the collector notice now. */
static void on_close(virConnectPtr conn, int reason, void *opaque)
{
	(void)conn;
	(void)reason;
	notify(opaque);
}

static int lv_open(struct backend *be, char *err, size_t errlen)
{
	struct libvirt_priv *lp = calloc(1, sizeof(*lp));
	if (!lp) {
		snprintf(err, errlen, "%s: out of memory", be->uri);
		return -1;
	}
	lp->lifecycle_cb = -1;
	lp->conn = be->readonly ? virConnectOpenReadOnly(be->uri) : virConnectOpen(be->uri);
	if (!lp->conn && !be->readonly && geteuid() != 0) {
		/* A user without write access may still watch. */
		virResetLastError();
		lp->conn = virConnectOpenReadOnly(be->uri);
		if (lp->conn)
			be->readonly = true;
	}
	if (!lp->conn) {
		last_error(err, errlen, be->uri, NULL);
		free(lp);
		return -1;
	}
	const char *type = virConnectGetType(lp->conn);
	type = type ? type : "";
	if (strcasecmp(type, "QEMU") == 0) {
		snprintf(lp->kind, sizeof(lp->kind), "kvm");
		snprintf(lp->driver_dir, sizeof(lp->driver_dir), "qemu");
	} else if (strcasecmp(type, "LXC") == 0) {
		snprintf(lp->kind, sizeof(lp->kind), "libvirt-lxc");
		snprintf(lp->driver_dir, sizeof(lp->driver_dir), "lxc");
	} else if (strcasecmp(type, "Xen") == 0) {
		snprintf(lp->kind, sizeof(lp->kind), "xen");
	} else if (strcasecmp(type, "OPENVZ") == 0) {
		snprintf(lp->kind, sizeof(lp->kind), "openvz");
	} else {
		snprintf(lp->kind, sizeof(lp->kind), "%.*s", (int)sizeof(lp->kind) - 1, type);
		for (char *p = lp->kind; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	lp->local = libvirt_uri_is_local(be->uri);
	lp->batched_stats = true;
	if (events_running) {
		/* State changes arrive as events; keepalive notices a daemon that stopped answering. */
		lp->lifecycle_cb = virConnectDomainEventRegisterAny(lp->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
								    VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), be, NULL);
		lp->close_cb = virConnectRegisterCloseCallback(lp->conn, on_close, be, NULL) == 0;
		if (virConnectSetKeepAlive(lp->conn, 5, 3) < 0)
			virResetLastError();
		virResetLastError();
	}
	be->priv = lp;
	return 0;
}

static size_t uuid_slot(const struct uuid_index *ix, const char *uuid)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)uuid; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (size_t)h & (ix->cap - 1);
}

static void uix_put(struct uuid_index *ix, const char *uuid, size_t pos)
{
	size_t s = uuid_slot(ix, uuid);
	while (ix->slot[s] != UIX_EMPTY)
		s = (s + 1) & (ix->cap - 1);
	ix->slot[s] = pos;
}

/* Index positions 0..n-1 (uuid_at gives each one's uuid), with room for at least want. */
static int uix_build(struct uuid_index *ix, size_t n, size_t want, const char *(*uuid_at)(const void *, size_t),
		     const void *arr)
{
	size_t cap = 64;
	while (cap < want * 2)
		cap *= 2;
	if (cap != ix->cap) {
		size_t *v = realloc(ix->slot, cap * sizeof(*v));
		if (!v)
			return -1;
		ix->slot = v;
		ix->cap = cap;
	}
	for (size_t i = 0; i < cap; i++)
		ix->slot[i] = UIX_EMPTY;
	for (size_t i = 0; i < n; i++)
		uix_put(ix, uuid_at(arr, i), i);
	return 0;
}

/* Position n was appended: index it, growing the table when it would be over half full. */
static int uix_append(struct uuid_index *ix, size_t n, const char *(*uuid_at)(const void *, size_t),
		      const void *arr)
{
	if (2 * (n + 1) > ix->cap)
		return uix_build(ix, n + 1, 2 * (n + 1), uuid_at, arr);
	uix_put(ix, uuid_at(arr, n), n);
	return 0;
}

static void uix_free(struct uuid_index *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->cap = 0;
}

static const char *map_uuid(const void *arr, size_t i)
{
	return ((const struct mapping *)arr)[i].uuid;
}

static const char *cache_uuid(const void *arr, size_t i)
{
	return ((const struct dom_cache *)arr)[i].uuid;
}

/* The mapping of domain uuid while it has id, or NULL. */
static struct mapping *map_find(struct libvirt_priv *lp, const char *uuid, int id)
{
	const struct uuid_index *ix = &lp->maps_ix;
	if (!ix->cap)
		return NULL;
	for (size_t s = uuid_slot(ix, uuid); ix->slot[s] != UIX_EMPTY; s = (s + 1) & (ix->cap - 1)) {
		struct mapping *m = &lp->maps[ix->slot[s]];
		if (m->id == id && strcmp(m->uuid, uuid) == 0)
			return m;
	}
	return NULL;
}

static void free_maps(struct libvirt_priv *lp)
{
	for (size_t i = 0; i < lp->n_maps; i++)
		free(lp->maps[i].tids);
	free(lp->maps);
	lp->maps = NULL;
	lp->n_maps = lp->cap_maps = 0;
	uix_free(&lp->maps_ix);
}

static void lv_close(struct backend *be)
{
	struct libvirt_priv *lp = be->priv;
	if (!lp)
		return;
	if (lp->conn) {
		if (lp->lifecycle_cb >= 0)
			virConnectDomainEventDeregisterAny(lp->conn, lp->lifecycle_cb);
		if (lp->close_cb)
			virConnectUnregisterCloseCallback(lp->conn, on_close);
		virResetLastError();
		virConnectClose(lp->conn);
	}
	free_maps(lp);
	for (size_t i = 0; i < lp->n_cache; i++)
		cache_release(&lp->cache[i]);
	free(lp->cache);
	uix_free(&lp->cache_ix);
	free(lp);
	be->priv = NULL;
}

static bool lv_alive(struct backend *be)
{
	struct libvirt_priv *lp = be->priv;
	return lp && lp->conn && virConnectIsAlive(lp->conn) == 1;
}

/* vCPU threads by their name, for when the status XML is unreadable: "CPU 0/KVM". */
static unsigned tids_from_comm(int proc_fd, pid_t pid, pid_t *tids, unsigned max)
{
	char rel[64];
	unsigned n = 0;
	snprintf(rel, sizeof(rel), "%d/task", (int)pid);
	int tfd = openat(proc_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0)
		return 0;
	DIR *d = fdopendir(tfd);
	if (!d) {
		close(tfd);
		return 0;
	}
	for (unsigned i = 0; i < max; i++)
		tids[i] = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char path[300], comm[64];
		unsigned idx;
		char tail[8];
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/comm", de->d_name);
		if (procfs_read_at(dirfd(d), path, comm, sizeof(comm)) <= 0)
			continue;
		if (sscanf(comm, "CPU %u/%7s", &idx, tail) == 2 && strncmp(tail, "KVM", 3) == 0 &&
		    idx < max) {
			tids[idx] = (pid_t)atoi(de->d_name);
			if (idx + 1 > n)
				n = idx + 1;
		}
	}
	closedir(d);
	return n;
}

/* libvirt names a domain's pid file after its name escaped as in XML. */
static void xml_escape_name(const char *name, char *out, size_t outlen)
{
	size_t o = 0;
	for (const char *p = name; *p; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '\'': rep = "&apos;"; break;
		case '"': rep = "&quot;"; break;
		default: break;
		}
		size_t l = rep ? strlen(rep) : 1;
		if (o + l >= outlen)
			break;
		memcpy(out + o, rep ? rep : p, l);
		o += l;
	}
	out[o] = '\0';
}

/* Fill m for a running domain from the driver's run directory and /proc. */
static void build_mapping(struct backend *be, struct libvirt_priv *lp, const char *name,
			  struct mapping *m)
{
	const struct host_paths *hp = be->paths;
	char path[4096 + GUEST_NAME_MAX];
	static char buf[1 << 20];
	pid_t tids[MAX_VCPU_TIDS];
	unsigned n = 0;
	int proc_fd = -1, run_fd = -1;

	if (lp->local && strcmp(lp->kind, "xen") == 0 && m->id > 0) {
		/* An HVM guest's host process is its device model (qemu -xen-domid N); PV has none. */
		m->pid = xen_dm_find_pid(hp->proc_root, m->id);
		if (m->pid > 0) {
			snprintf(path, sizeof(path), "%s/%d/cgroup", hp->proc_root, (int)m->pid);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			ssize_t len = fd >= 0 ? procfs_pread(fd, buf, sizeof(buf)) : -1;
			if (fd >= 0)
				close(fd);
			if (len > 0)
				m->cgroup_mode = cgroup_from_proc(buf, (size_t)len, m->cgroup, sizeof(m->cgroup));
		}
		return;
	}
	if (!lp->local || !lp->driver_dir[0] || !libvirt_name_is_path_safe(name))
		return;
	snprintf(path, sizeof(path), "%s/libvirt/%s", hp->run_root, lp->driver_dir);
	run_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	proc_fd = open(hp->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (run_fd < 0 || proc_fd < 0)
		goto cleanup;

	snprintf(path, sizeof(path), "%s.xml", name);
	ssize_t len = procfs_read_at(run_fd, path, buf, sizeof(buf));
	if (len <= 0 || libvirt_parse_status_xml(buf, (size_t)len, &m->pid, tids, MAX_VCPU_TIDS, &n) < 0) {
		n = 0;
		/* The status XML is root's; the pid file is readable by all, named after the XML-escaped name. */
		xml_escape_name(name, path, sizeof(path) - 4);
		strcat(path, ".pid");
		len = procfs_read_at(run_fd, path, buf, 64);
		if (len <= 0 || procfs_parse_pid(buf, (size_t)len, &m->pid) < 0) {
			m->pid = 0;
			goto cleanup;
		}
	}
	if (n == 0 && strcmp(lp->driver_dir, "qemu") == 0)
		n = tids_from_comm(proc_fd, m->pid, tids, MAX_VCPU_TIDS);
	/* Keep the vCPUs in id order; a gap means we did not find that thread. */
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++)
		if (tids[i] > 0)
			tids[k++] = tids[i];
	if (k) {
		m->tids = malloc(k * sizeof(pid_t));
		if (m->tids) {
			memcpy(m->tids, tids, k * sizeof(pid_t));
			m->n_tids = k;
		}
	}

	snprintf(path, sizeof(path), "%d/cgroup", (int)m->pid);
	len = procfs_read_at(proc_fd, path, buf, sizeof(buf));
	if (len > 0) {
		char v2[GUEST_CGROUP_MAX];
		m->cgroup_mode = cgroup_from_proc(buf, (size_t)len, m->cgroup, sizeof(m->cgroup));
		/* A hybrid host keeps pressure (PSI) in the unified hierarchy. */
		if (procfs_parse_cgroup(buf, (size_t)len, NULL, v2, sizeof(v2)) == 0)
			cgroup_guest_path(v2, m->cgroup_v2, sizeof(m->cgroup_v2));
	}
cleanup:
	if (run_fd >= 0)
		close(run_fd);
	if (proc_fd >= 0)
		close(proc_fd);
}

/* Fill m for domain uuid while it has id: its process, threads and cgroup. */
static void make_mapping(struct backend *be, struct libvirt_priv *lp, struct mapping *m, const char *uuid, int id,
			 const char *name)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->uuid, sizeof(m->uuid), "%s", uuid);
	m->id = id;
	m->seen = true;
	build_mapping(be, lp, name, m);
}

static struct mapping *find_or_make_mapping(struct backend *be, struct libvirt_priv *lp,
					    const char *uuid, int id, const char *name)
{
	struct mapping *m = map_find(lp, uuid, id);
	if (m) {
		m->seen = true;
		if (m->pid > 0)
			return m;
		/* A mapping without a process is made again, in place: the pid file may be late. */
		free(m->tids);
		make_mapping(be, lp, m, uuid, id, name);
		return m;
	}
	if (lp->n_maps == lp->cap_maps) {
		size_t cap = lp->cap_maps ? lp->cap_maps * 2 : 16;
		struct mapping *v = realloc(lp->maps, cap * sizeof(*v));
		if (!v)
			return NULL;
		lp->maps = v;
		lp->cap_maps = cap;
	}
	m = &lp->maps[lp->n_maps];
	snprintf(m->uuid, sizeof(m->uuid), "%s", uuid);
	if (uix_append(&lp->maps_ix, lp->n_maps, map_uuid, lp->maps) < 0)
		return NULL;
	lp->n_maps++;
	make_mapping(be, lp, m, uuid, id, name);
	return m;
}

static void sweep_mappings(struct libvirt_priv *lp)
{
	bool moved = false;
	for (size_t i = 0; i < lp->n_maps;) {
		if (!lp->maps[i].seen) {
			free(lp->maps[i].tids);
			lp->maps[i] = lp->maps[--lp->n_maps];
			moved = true;
		} else {
			lp->maps[i++].seen = false;
		}
	}
	/* Out of memory leaves no index: lookups find nothing and mappings are made again. */
	if (moved && uix_build(&lp->maps_ix, lp->n_maps, lp->n_maps, map_uuid, lp->maps) < 0)
		uix_free(&lp->maps_ix);
}

static struct dom_cache *cache_find(struct libvirt_priv *lp, const char *uuid)
{
	const struct uuid_index *ix = &lp->cache_ix;
	if (!ix->cap)
		return NULL;
	for (size_t s = uuid_slot(ix, uuid); ix->slot[s] != UIX_EMPTY; s = (s + 1) & (ix->cap - 1))
		if (strcmp(lp->cache[ix->slot[s]].uuid, uuid) == 0)
			return &lp->cache[ix->slot[s]];
	return NULL;
}

static struct dom_cache *cache_entry(struct libvirt_priv *lp, const char *uuid)
{
	struct dom_cache *found = cache_find(lp, uuid);
	if (found)
		return found;
	if (lp->n_cache == lp->cap_cache) {
		size_t cap = lp->cap_cache ? lp->cap_cache * 2 : 16;
		struct dom_cache *v = realloc(lp->cache, cap * sizeof(*v));
		if (!v)
			return NULL;
		lp->cache = v;
		lp->cap_cache = cap;
	}
	struct dom_cache *e = &lp->cache[lp->n_cache];
	memset(e, 0, sizeof(*e));
	snprintf(e->uuid, sizeof(e->uuid), "%s", uuid);
	if (uix_append(&lp->cache_ix, lp->n_cache, cache_uuid, lp->cache) < 0)
		return NULL;
	lp->n_cache++;
	e->value = -1;
	e->persistent = -1;
	e->slow_id = -2;
	e->hv_cpu_ns = GT_UNKNOWN;
	return e;
}

static void cached_autostart(struct dom_cache *e, virDomainPtr dom, struct guest_ident *g)
{
	uint64_t now = sampler_now_ns();
	if (!e->asked_ns || now - e->asked_ns > AUTOSTART_TTL_NS) {
		int v = 0;
		e->value = virDomainGetAutostart(dom, &v) == 0 ? (v != 0) : -1;
		e->persistent = virDomainIsPersistent(dom);
		virResetLastError();
		e->asked_ns = now;
	}
	g->persistent = e->persistent < 0 ? -1 : e->persistent;
	g->autostart = e->value;
}

static void cache_release(struct dom_cache *e)
{
	free(e->disks);
	free(e->nics);
	e->disks = NULL;
	e->nics = NULL;
	e->n_disks = e->n_nics = 0;
}

/* Keep a guest's slow stats, just read, for the listings until the next pass. */
static int cache_keep_slow(struct dom_cache *e, const struct guest_ident *g)
{
	struct guest_disk *d = NULL;
	struct guest_nic *n = NULL;
	if (g->n_disks && !(d = malloc(g->n_disks * sizeof(*d))))
		return -1;
	if (g->n_nics && !(n = malloc(g->n_nics * sizeof(*n)))) {
		free(d);
		return -1;
	}
	if (d)
		memcpy(d, g->disks, g->n_disks * sizeof(*d));
	if (n)
		memcpy(n, g->nics, g->n_nics * sizeof(*n));
	cache_release(e);
	e->disks = d;
	e->nics = n;
	e->n_disks = g->n_disks;
	e->n_nics = g->n_nics;
	e->slow_id = g->id;
	if (g->vcpus)
		e->vcpus = g->vcpus;
	e->hv_cpu_ns = g->hv_cpu_ns;
	e->stats_t_ns = g->stats_t_ns;
	return 0;
}

/* A listing without slow stats: the last ones, with the time they were taken (rates span them). */
static int cache_give_slow(const struct dom_cache *e, struct guest_ident *g)
{
	if (!g->vcpus)
		g->vcpus = e->vcpus;
	if (g->mem_bytes == GT_UNKNOWN && e->have_mem) {
		g->mem_bytes = e->mem_bytes;
		g->mem_max_bytes = e->mem_max_bytes;
	}
	if (e->slow_id != g->id)
		return 0;
	g->hv_cpu_ns = e->hv_cpu_ns;
	g->stats_t_ns = e->stats_t_ns;
	for (unsigned i = 0; i < e->n_disks; i++) {
		struct guest_disk *d = guest_ident_add_disk(g);
		if (!d)
			return -1;
		*d = e->disks[i];
	}
	for (unsigned i = 0; i < e->n_nics; i++) {
		struct guest_nic *n = guest_ident_add_nic(g);
		if (!n)
			return -1;
		*n = e->nics[i];
	}
	return 0;
}

static void sweep_cache(struct libvirt_priv *lp)
{
	bool moved = false;
	for (size_t i = 0; i < lp->n_cache;) {
		if (!lp->cache[i].seen) {
			cache_release(&lp->cache[i]);
			lp->cache[i] = lp->cache[--lp->n_cache];
			moved = true;
		} else {
			lp->cache[i++].seen = false;
		}
	}
	/* Out of memory leaves no index: the cache is then refilled from scratch. */
	if (moved && uix_build(&lp->cache_ix, lp->n_cache, lp->n_cache, cache_uuid, lp->cache) < 0) {
		for (size_t i = 0; i < lp->n_cache; i++)
			cache_release(&lp->cache[i]);
		lp->n_cache = 0;
		uix_free(&lp->cache_ix);
	}
}

static bool get_block_ull(virTypedParameterPtr params, int nparams, unsigned i, const char *field,
			  unsigned long long *out)
{
	char key[64];
	snprintf(key, sizeof(key), "block.%u.%s", i, field);
	return virTypedParamsGetULLong(params, nparams, key, out) == 1;
}

/* Disks and NICs from the batched stats record: "block.N.*" and "net.N.name". */
static int add_devices(struct guest_ident *g, virTypedParameterPtr params, int nparams)
{
	unsigned int count = 0;
	char key[64];
	if (virTypedParamsGetUInt(params, nparams, "block.count", &count) == 1) {
		for (unsigned i = 0; i < count && i < 256; i++) {
			const char *name = NULL;
			snprintf(key, sizeof(key), "block.%u.name", i);
			if (virTypedParamsGetString(params, nparams, key, &name) != 1 || !name)
				continue;
			struct guest_disk *d = guest_ident_add_disk(g);
			if (!d)
				return -1;
			snprintf(d->name, sizeof(d->name), "%s", name);
			unsigned long long rr = 0, rb = 0, rt = 0, wr = 0, wb = 0, wt = 0;
			/* One lookup at a time: they share the key buffer. */
			bool ok = true;
			ok &= get_block_ull(params, nparams, i, "rd.reqs", &rr);
			ok &= get_block_ull(params, nparams, i, "rd.bytes", &rb);
			ok &= get_block_ull(params, nparams, i, "rd.times", &rt);
			d->have_rd = ok;
			ok = true;
			ok &= get_block_ull(params, nparams, i, "wr.reqs", &wr);
			ok &= get_block_ull(params, nparams, i, "wr.bytes", &wb);
			ok &= get_block_ull(params, nparams, i, "wr.times", &wt);
			d->have_wr = ok;
			d->rd_reqs = rr;
			d->rd_bytes = rb;
			d->rd_times_ns = rt;
			d->wr_reqs = wr;
			d->wr_bytes = wb;
			d->wr_times_ns = wt;
		}
	}
	count = 0;
	if (virTypedParamsGetUInt(params, nparams, "net.count", &count) == 1) {
		for (unsigned i = 0; i < count && i < 256; i++) {
			const char *name = NULL;
			snprintf(key, sizeof(key), "net.%u.name", i);
			if (virTypedParamsGetString(params, nparams, key, &name) != 1 || !name || !name[0])
				continue;
			struct guest_nic *n = guest_ident_add_nic(g);
			if (!n)
				return -1;
			snprintf(n->ifname, sizeof(n->ifname), "%s", name);
		}
	}
	return 0;
}

/* libvirt's KiB as bytes; a value no uint64_t can hold in bytes (a daemon gone wrong) is unknown. */
static uint64_t kib_to_bytes(unsigned long long kib)
{
	return kib >= GT_UNKNOWN / 1024 ? GT_UNKNOWN : (uint64_t)kib * 1024;
}

int libvirt_stats_apply(struct guest_ident *g, virTypedParameterPtr params, int nparams,
			virTypedParameterPtr slow, int nslow)
{
	int state = 0;
	unsigned long long cur = 0, max = 0;
	int mem = 0;
	if (params && virTypedParamsGetInt(params, nparams, "state.state", &state) == 1)
		g->state = map_state(state);
	if (!slow)
		return 0;
	/* The balloon costs a monitor call for a running guest: it comes with the slow stats. */
	if (virTypedParamsGetULLong(slow, nslow, "balloon.current", &cur) == 1 && kib_to_bytes(cur) != GT_UNKNOWN) {
		g->mem_bytes = kib_to_bytes(cur);
		if (virTypedParamsGetULLong(slow, nslow, "balloon.maximum", &max) == 1)
			g->mem_max_bytes = kib_to_bytes(max);
		mem = 1;
	}
	unsigned int vcpus = 0;
	unsigned long long cpu = 0;
	if (virTypedParamsGetUInt(slow, nslow, "vcpu.current", &vcpus) == 1)
		g->vcpus = vcpus;
	g->stats_t_ns = sampler_now_ns();
	if (virTypedParamsGetULLong(slow, nslow, "cpu.time", &cpu) == 1)
		g->hv_cpu_ns = cpu;
	if (add_devices(g, slow, nslow) < 0)
		return -1;
	return mem;
}

/*
 * One guest from its stats record: params has at least the state and balloon
 * groups; slow has the block, interface and vCPU groups too, or is NULL when
 * this listing did not ask for them (then the last ones are reused).
 */
static int add_guest(struct backend *be, struct libvirt_priv *lp, virDomainPtr dom,
		     virTypedParameterPtr params, int nparams, virTypedParameterPtr slow, int nslow,
		     struct guest_list *out)
{
	struct guest_ident *g = guest_list_add(out);
	if (!g)
		return -1;
	g->backend = be;
	snprintf(g->kind, sizeof(g->kind), "%s", lp->kind);
	/* libvirt's containers are measured like any container: by their cgroup. */
	g->container = strcmp(lp->kind, "libvirt-lxc") == 0 || strcmp(lp->kind, "openvz") == 0;
	const char *name = virDomainGetName(dom);
	snprintf(g->name, sizeof(g->name), "%s", name ? name : "");
	if (virDomainGetUUIDString(dom, g->uuid) < 0)
		g->uuid[0] = '\0';
	unsigned int id = virDomainGetID(dom);
	g->id = id == (unsigned int)-1 ? -1 : (int)id;
	struct dom_cache *e = cache_entry(lp, g->uuid);
	if (!e)
		return -1;
	e->seen = true;

	int mem = libvirt_stats_apply(g, params, nparams, slow, nslow);
	if (mem < 0)
		return -1;
	if (mem) {
		e->have_mem = true;
		e->mem_bytes = g->mem_bytes;
		e->mem_max_bytes = g->mem_max_bytes;
	}
	if (slow) {
		if (cache_keep_slow(e, g) < 0)
			return -1;
	} else if (cache_give_slow(e, g) < 0) {
		return -1;
	}
	cached_autostart(e, dom, g);
	if (guest_state_is_active(g->state) && g->id >= 0) {
		struct mapping *m = find_or_make_mapping(be, lp, g->uuid, g->id, g->name);
		if (m) {
			g->pid = m->pid;
			g->cgroup_mode = m->cgroup_mode;
			snprintf(g->cgroup, sizeof(g->cgroup), "%s", m->cgroup);
			snprintf(g->cgroup_v2, sizeof(g->cgroup_v2), "%s", m->cgroup_v2);
			if (guest_ident_set_vcpu_tids(g, m->tids, m->n_tids) < 0)
				return -1;
			/* A running guest's vCPU threads are its vCPUs. */
			if (!g->vcpus)
				g->vcpus = m->n_tids;
		}
	}
	/*
	 * Drivers whose stats lack a group (the test driver) are asked directly;
	 * so is a guest whose vCPU count is unknown, at most every AUTOSTART_TTL_NS.
	 */
	uint64_t now = sampler_now_ns();
	bool no_cpu_time = !slow && g->hv_cpu_ns == GT_UNKNOWN && !lp->local;
	if (!params || g->mem_bytes == GT_UNKNOWN || no_cpu_time ||
	    (!g->vcpus && (!e->info_ns || now - e->info_ns > AUTOSTART_TTL_NS))) {
		virDomainInfo info;
		if (virDomainGetInfo(dom, &info) == 0) {
			g->hv_cpu_ns = info.cpuTime;
			g->stats_t_ns = now;
			g->state = map_state(info.state);
			g->vcpus = info.nrVirtCpu;
			g->mem_bytes = (uint64_t)info.memory * 1024;
			g->mem_max_bytes = (uint64_t)info.maxMem * 1024;
			e->vcpus = g->vcpus;
			e->info_ns = now;
			e->have_mem = true;
			e->mem_bytes = g->mem_bytes;
			e->mem_max_bytes = g->mem_max_bytes;
		}
		virResetLastError();
	}
	return 0;
}

/*
 * The stats record of the domain with this uuid in recs, or NULL. The records
 * come in the order their domains were asked for, the order of the lookups:
 * the search starts where the last one ended (*at), so a listing is linear.
 */
static virDomainStatsRecordPtr find_record(virDomainStatsRecordPtr *recs, int n, const unsigned char *uuid,
					   int *at)
{
	unsigned char u[VIR_UUID_BUFLEN];
	for (int k = 0; recs && k < n; k++) {
		int i = (*at + k) % n;
		if (virDomainGetUUID(recs[i]->dom, u) == 0 && memcmp(u, uuid, sizeof(u)) == 0) {
			*at = i + 1;
			return recs[i];
		}
	}
	return NULL;
}

static bool is_active_rec(virDomainStatsRecordPtr rec)
{
	int state = 0;
	return virTypedParamsGetInt(rec->params, rec->nparams, "state.state", &state) == 1 &&
	       guest_state_is_active(map_state(state));
}

static bool needs_slow(struct libvirt_priv *lp, virDomainStatsRecordPtr rec)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	if (!is_active_rec(rec) || virDomainGetUUIDString(rec->dom, uuid) < 0)
		return false;
	unsigned int id = virDomainGetID(rec->dom);
	const struct dom_cache *e = cache_find(lp, uuid);
	return !e || e->slow_id != (id == (unsigned int)-1 ? -1 : (int)id);
}

/*
 * Did the host process of this running KVM guest do disk I/O since its last
 * slow stats? Unknown (no process, not KVM, unreadable) counts as yes.
 */
static bool io_moved(struct backend *be, struct libvirt_priv *lp, virDomainStatsRecordPtr rec)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	if (strcmp(lp->driver_dir, "qemu") != 0 || virDomainGetUUIDString(rec->dom, uuid) < 0)
		return true;
	unsigned int id = virDomainGetID(rec->dom);
	struct mapping *m = map_find(lp, uuid, (int)id);
	if (!m || m->pid <= 0)
		return true;
	char path[PATH_MAX], buf[512];
	struct proc_io io;
	snprintf(path, sizeof(path), "%s/%d/io", be->paths->proc_root, (int)m->pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? procfs_pread(fd, buf, sizeof(buf)) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0 || procfs_parse_io(buf, (size_t)n, &io) < 0)
		return true;
	uint64_t bytes = io.read_bytes + io.write_bytes;
	bool moved = !m->io_known || bytes != m->io_bytes;
	m->io_bytes = bytes;
	m->io_known = true;
	return moved;
}

static int lv_list(struct backend *be, struct guest_list *out, char *err, size_t errlen)
{
	struct libvirt_priv *lp = be->priv;
	int ret = -1;
	virDomainStatsRecordPtr *recs = NULL, *slow_recs = NULL;
	virDomainPtr *doms = NULL, *need = NULL;
	int n = -1, n_slow = 0;
	uint64_t now = sampler_now_ns();
	bool hv_cpu = !lp->local || !lp->driver_dir[0] || strcmp(lp->kind, "xen") == 0;
	atomic_store(&be->list_each_refresh, hv_cpu);

	if (lp->batched_stats) {
		/*
		 * One call for every domain; NOWAIT: never wait behind a busy monitor.
		 * A guest with no host process (PV Xen, a remote host) has its CPU
		 * from the hypervisor: everything, every listing.
		 */
		unsigned int fast = VIR_DOMAIN_STATS_STATE;
		unsigned int slow = fast | VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_BLOCK | VIR_DOMAIN_STATS_INTERFACE;
		if (hv_cpu)
			slow |= VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_CPU_TOTAL;
		bool all_slow = hv_cpu || now >= lp->next_all_ns;
		bool slow_due = now >= lp->next_slow_ns;
		n = virConnectGetAllDomainStats(lp->conn, all_slow ? slow : fast, &recs,
						VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
		if (n < 0) {
			virErrorPtr e = virGetLastError();
			if (e && (e->code == VIR_ERR_NO_SUPPORT || e->code == VIR_ERR_INVALID_ARG)) {
				lp->batched_stats = false;
				virResetLastError();
			} else {
				last_error(err, errlen, be->uri, "listing guests");
				goto cleanup;
			}
		} else {
			/*
			 * A second early: a listing that comes a hair before the time still
			 * takes them. After the first pass, the next comes at the next listing,
			 * so that disk rates appear early.
			 */
			if (all_slow || slow_due)
				lp->next_slow_ns = lp->slow_passes++ ? now + SLOW_STATS_NS - 1000000000ull : now;
			if (all_slow) {
				lp->next_all_ns = now + ALL_STATS_NS - 1000000000ull;
				/* The I/O baselines the next passes compare with. */
				for (int i = 0; i < n; i++)
					if (is_active_rec(recs[i]))
						(void)io_moved(be, lp, recs[i]);
			} else {
				/* Guests started since the last pass get theirs now, in one more call. */
				int k = 0;
				need = calloc((size_t)n + 1, sizeof(*need));
				if (!need)
					goto oom;
				for (int i = 0; i < n; i++)
					if (needs_slow(lp, recs[i]) || (slow_due && is_active_rec(recs[i]) &&
									 io_moved(be, lp, recs[i])))
						need[k++] = recs[i]->dom;
				if (k) {
					n_slow = virDomainListGetStats(need, slow, &slow_recs,
								       VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
					if (n_slow < 0) {
						n_slow = 0;
						virResetLastError();
					}
				}
			}
			int at = 0;
			for (int i = 0; i < n; i++) {
				virDomainStatsRecordPtr sr = recs[i];
				if (!all_slow) {
					unsigned char uuid[VIR_UUID_BUFLEN];
					sr = virDomainGetUUID(recs[i]->dom, uuid) == 0 ?
						     find_record(slow_recs, n_slow, uuid, &at) : NULL;
				}
				if (add_guest(be, lp, recs[i]->dom, recs[i]->params, recs[i]->nparams,
					      sr ? sr->params : NULL, sr ? sr->nparams : 0, out) < 0)
					goto oom;
			}
		}
	}
	if (!lp->batched_stats) {
		n = virConnectListAllDomains(lp->conn, &doms, 0);
		if (n < 0) {
			last_error(err, errlen, be->uri, "listing guests");
			goto cleanup;
		}
		for (int i = 0; i < n; i++)
			if (add_guest(be, lp, doms[i], NULL, 0, NULL, 0, out) < 0)
				goto oom;
	}
	sweep_mappings(lp);
	sweep_cache(lp);
	ret = 0;
	goto cleanup;
oom:
	snprintf(err, errlen, "%s: out of memory", be->uri);
cleanup:
	free(need);
	if (recs)
		virDomainStatsRecordListFree(recs);
	if (slow_recs)
		virDomainStatsRecordListFree(slow_recs);
	if (doms) {
		for (int i = 0; i < n; i++)
			virDomainFree(doms[i]);
		free(doms);
	}
	return ret;
}

/* The graphical display from the live XML: "vnc 127.0.0.1:5900". */
static int display_address(virDomainPtr dom, char *info, size_t infolen)
{
	char *xml = virDomainGetXMLDesc(dom, 0);
	int ret = -1;
	size_t o = 0;
	if (!xml)
		return -1;
	info[0] = '\0';
	for (const char *p = strstr(xml, "<graphics "); p; p = strstr(p + 1, "<graphics ")) {
		const char *end = strchr(p, '>');
		size_t tl, pl, ll;
		const char *type = find_attr(p, end, "type", &tl);
		const char *port = find_attr(p, end, "port", &pl);
		const char *listen = find_attr(p, end, "listen", &ll);
		if (!end || !type)
			continue;
		int w = snprintf(info + o, infolen - o, "%s%.*s %.*s:%.*s", o ? ", " : "", (int)tl, type,
				 listen ? (int)ll : 9, listen ? listen : "localhost", port ? (int)pl : 1,
				 port ? port : "-");
		if (w < 0 || (size_t)w >= infolen - o)
			break;
		o += (size_t)w;
		ret = 0;
	}
	if (ret < 0)
		snprintf(info, infolen, "no graphical display");
	free(xml);
	return 0;
}

/*
 * After the guest is undefined: delete the volumes behind its file and block
 * disks (not CD-ROMs) that belong to a storage pool. A disk outside any pool
 * is left alone and named in info.
 */
static int delete_disks(virConnectPtr conn, const char *xml, char *info, size_t infolen)
{
	size_t o = 0;
	int deleted = 0, kept = 0;
	info[0] = '\0';
	/* The other guests' definitions: a volume one of them uses is never deleted. */
	virDomainPtr *doms = NULL;
	int nd = virConnectListAllDomains(conn, &doms, 0);
	char **others = nd > 0 ? calloc((size_t)nd, sizeof(char *)) : NULL;
	for (int i = 0; others && i < nd; i++)
		others[i] = virDomainGetXMLDesc(doms[i], VIR_DOMAIN_XML_INACTIVE);
	for (const char *p = strstr(xml, "<disk "); p; p = strstr(p + 1, "<disk ")) {
		const char *tag_end = strchr(p, '>');
		const char *end = strstr(p, "</disk>");
		size_t dl, fl, pl = 0, vl = 0;
		const char *dev = tag_end ? find_attr(p, tag_end, "device", &dl) : NULL;
		if (!end || !dev || dl != 4 || memcmp(dev, "disk", 4) != 0)
			continue;
		const char *src = strstr(p, "<source ");
		if (!src || src > end)
			continue;
		const char *src_end = strchr(src, '>');
		const char *file = find_attr(src, src_end, "file", &fl);
		if (!file)
			file = find_attr(src, src_end, "dev", &fl);
		const char *pool_name = find_attr(src, src_end, "pool", &pl);
		const char *vol_name = find_attr(src, src_end, "volume", &vl);
		virStorageVolPtr vol = NULL;
		char path[4096] = "";
		if (file && fl > 0 && fl < sizeof(path)) {
			memcpy(path, file, fl);
			path[fl] = '\0';
			vol = virStorageVolLookupByPath(conn, path);
		} else if (pool_name && vol_name && pl < 256 && vl < 256) {
			/* <source pool='P' volume='V'/>: the volume by its pool. */
			char pn[256], vn[256];
			snprintf(pn, sizeof(pn), "%.*s", (int)pl, pool_name);
			snprintf(vn, sizeof(vn), "%.*s", (int)vl, vol_name);
			virStoragePoolPtr pool = virStoragePoolLookupByName(conn, pn);
			vol = pool ? virStorageVolLookupByName(pool, vn) : NULL;
			if (pool)
				virStoragePoolFree(pool);
			char *vp = vol ? virStorageVolGetPath(vol) : NULL;
			snprintf(path, sizeof(path), "%s", vp ? vp : vn);
			free(vp);
		} else {
			continue;
		}
		bool shared = false;
		for (int i = 0; others && i < nd && !shared; i++)
			shared = others[i] && path[0] && strstr(others[i], path);
		const char *why = shared ? "used by another guest" : "not in a storage pool";
		if (vol && !shared && virStorageVolDelete(vol, 0) == 0) {
			deleted++;
		} else {
			kept++;
			int w = snprintf(info + o, infolen - o, "%skept (%s): %s", o ? "; " : "", why, path);
			if (w > 0 && (size_t)w < infolen - o)
				o += (size_t)w;
		}
		virResetLastError();
		if (vol)
			virStorageVolFree(vol);
	}
	for (int i = 0; i < nd; i++) {
		if (others)
			free(others[i]);
		virDomainFree(doms[i]);
	}
	free(others);
	free(doms);
	virResetLastError();
	if (!kept)
		snprintf(info, infolen, "%d disk volume%s deleted", deleted, deleted == 1 ? "" : "s");
	return kept ? -1 : 0;
}

/*
 * Undefine with everything that hangs off the definition (managed save,
 * snapshot and checkpoint metadata, NVRAM); drivers that know fewer flags
 * (test, xen, openvz) are asked again with fewer.
 */
static int undefine(virDomainPtr dom)
{
	static const unsigned int tries[] = {
		VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
			VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA | VIR_DOMAIN_UNDEFINE_NVRAM,
		VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA,
		VIR_DOMAIN_UNDEFINE_MANAGED_SAVE,
	};
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		if (virDomainUndefineFlags(dom, tries[i]) == 0)
			return 0;
		virErrorPtr e = virGetLastError();
		if (!e || (e->code != VIR_ERR_INVALID_ARG && e->code != VIR_ERR_NO_SUPPORT))
			return -1;
		virResetLastError();
	}
	return virDomainUndefine(dom);
}

virConnectPtr libvirt_conn_ref(struct backend *be)
{
	virConnectPtr conn = NULL;
	pthread_mutex_lock(&be->lock);
	if (be->connected && be->priv && be->ops == &libvirt_backend_ops) {
		conn = ((struct libvirt_priv *)be->priv)->conn;
		virConnectRef(conn);
	}
	pthread_mutex_unlock(&be->lock);
	return conn;
}

static int lv_action(struct backend *be, const char *uuid, enum guest_action action, char *info,
		     size_t infolen, char *err, size_t errlen)
{
	virConnectPtr conn = NULL;
	virDomainPtr dom = NULL;
	int ret = -1, rc = -1;

	/* Hold a reference so that a reconnect by the collector cannot pull the connection away. */
	pthread_mutex_lock(&be->lock);
	if (be->connected && be->priv) {
		conn = ((struct libvirt_priv *)be->priv)->conn;
		virConnectRef(conn);
	}
	pthread_mutex_unlock(&be->lock);
	if (!conn) {
		snprintf(err, errlen, "%s: not connected", be->uri);
		return -1;
	}
	dom = virDomainLookupByUUIDString(conn, uuid);
	if (!dom) {
		last_error(err, errlen, be->uri, "no such guest");
		goto cleanup;
	}
	switch (action) {
	case GA_START: rc = virDomainCreate(dom); break;
	case GA_SHUTDOWN: rc = virDomainShutdown(dom); break;
	case GA_REBOOT: rc = virDomainReboot(dom, 0); break;
	case GA_FORCE_OFF: rc = virDomainDestroy(dom); break;
	case GA_SUSPEND: rc = virDomainSuspend(dom); break;
	case GA_RESUME: rc = virDomainResume(dom); break;
	case GA_MANAGED_SAVE: rc = virDomainManagedSave(dom, 0); break;
	case GA_AUTOSTART_ON: rc = virDomainSetAutostart(dom, 1); break;
	case GA_AUTOSTART_OFF: rc = virDomainSetAutostart(dom, 0); break;
	case GA_DELETE:
		/* The definition and its saved state go; disk images stay. */
		rc = undefine(dom);
		break;
	case GA_DELETE_WITH_DISKS: {
		/* The disk list must be read before the definition goes. */
		char *xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
		rc = xml ? undefine(dom) : -1;
		if (rc == 0 && delete_disks(conn, xml, info, infolen) < 0) {
			snprintf(err, errlen, "%s: undefined; %s", be->uri, info);
			free(xml);
			goto cleanup;
		}
		free(xml);
		break;
	}
	case GA_DISPLAY: rc = display_address(dom, info, infolen); break;
	case GA_COUNT_: break;
	}
	if (rc < 0) {
		last_error(err, errlen, be->uri, guest_action_name(action));
		goto cleanup;
	}
	ret = 0;
cleanup:
	if (dom)
		virDomainFree(dom);
	virConnectClose(conn);
	return ret;
}

#define CONSOLE_ESCAPE 0x1d	/* Ctrl-], as virsh console */

static int lv_console(struct backend *be, const char *uuid, int in_fd, int out_fd, char *err,
		      size_t errlen)
{
	virConnectPtr conn = NULL;
	virDomainPtr dom = NULL;
	virStreamPtr st = NULL;
	int ret = -1;
	char buf[4096];

	pthread_mutex_lock(&be->lock);
	if (be->connected && be->priv && !be->readonly) {
		conn = ((struct libvirt_priv *)be->priv)->conn;
		virConnectRef(conn);
	}
	pthread_mutex_unlock(&be->lock);
	if (!conn) {
		snprintf(err, errlen, "%s: %s", be->uri, be->readonly ? "watched read-only" : "not connected");
		return -1;
	}
	dom = virDomainLookupByUUIDString(conn, uuid);
	st = dom ? virStreamNew(conn, VIR_STREAM_NONBLOCK) : NULL;
	if (!dom || !st || virDomainOpenConsole(dom, NULL, st, VIR_DOMAIN_CONSOLE_FORCE) < 0) {
		last_error(err, errlen, be->uri, "console");
		goto cleanup;
	}
	for (;;) {
		struct pollfd pfd = { .fd = in_fd, .events = POLLIN };
		int pr = poll(&pfd, 1, 20);
		if (pr > 0 && (pfd.revents & (POLLIN | POLLHUP))) {
			ssize_t n = read(in_fd, buf, sizeof(buf));
			if (n <= 0)
				break;
			char *esc = memchr(buf, CONSOLE_ESCAPE, (size_t)n);
			size_t len = esc ? (size_t)(esc - buf) : (size_t)n;
			for (size_t off = 0; off < len;) {
				int w = virStreamSend(st, buf + off, len - off);
				if (w == -2) {
					poll(NULL, 0, 5);
					continue;
				}
				if (w < 0)
					goto stream_error;
				off += (size_t)w;
			}
			if (esc)
				break;
		}
		/* Drain what the guest wrote. */
		for (;;) {
			int r = virStreamRecv(st, buf, sizeof(buf));
			if (r == -2)
				break;
			if (r == 0) {
				snprintf(err, errlen, "the guest's console closed");
				goto done;
			}
			if (r < 0)
				goto stream_error;
			for (int off = 0; off < r;) {
				ssize_t w = write(out_fd, buf + off, (size_t)(r - off));
				if (w < 0 && errno == EINTR)
					continue;
				if (w <= 0)
					break;
				off += (int)w;
			}
		}
	}
done:
	ret = 0;
	virStreamAbort(st);
	goto cleanup;
stream_error:
	last_error(err, errlen, be->uri, "console");
	virStreamAbort(st);
cleanup:
	virResetLastError();
	if (st)
		virStreamFree(st);
	if (dom)
		virDomainFree(dom);
	virConnectClose(conn);
	return ret;
}

const struct backend_ops libvirt_backend_ops = {
	.name = "libvirt",
	.open = lv_open,
	.list = lv_list,
	.alive = lv_alive,
	.action = lv_action,
	.console = lv_console,
	.validate_new = libvirt_validate_new,
	.create_new = libvirt_create_new,
	.close = lv_close,
};
