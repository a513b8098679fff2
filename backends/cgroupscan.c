/* Containers found by their cgroup's name, so a noisy docker, podman or nspawn container is still visible. */
#include "backends/cgroupscan.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/cgroupfs.h"
#include "backends/lxc.h"

/* How deep below the root container cgroups live: /system.slice/docker-ID.scope is two. */
#define SCAN_DEPTH 3

static bool all_hex(const char *s, size_t n)
{
	if (n < 12)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* systemd escapes "-" in unit names as \x2d. */
static void unescape(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < outlen; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x') {
			char hex[3] = { s[i + 2], s[i + 3], 0 };
			out[o++] = (char)strtol(hex, NULL, 16);
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

bool cgroupscan_classify(const char *path, char *name, size_t namelen)
{
	const char *leaf = strrchr(path, '/');
	leaf = leaf ? leaf + 1 : path;
	size_t l = strlen(leaf);
	struct {
		const char *prefix, *suffix, *kind;
	} scopes[] = {
		{ "docker-", ".scope", "docker" },	/* systemd cgroup driver */
		{ "libpod-", ".scope", "podman" },
		{ "cri-containerd-", ".scope", "containerd" },
		{ "crio-", ".scope", "cri-o" },
	};
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		size_t pl = strlen(scopes[i].prefix), sl = strlen(scopes[i].suffix);
		if (l > pl + sl && strncmp(leaf, scopes[i].prefix, pl) == 0 &&
		    strcmp(leaf + l - sl, scopes[i].suffix) == 0 && all_hex(leaf + pl, l - pl - sl)) {
			snprintf(name, namelen, "%s:%.12s", scopes[i].kind, leaf + pl);
			return true;
		}
	}
	/* cgroupfs driver: /docker/ID, /libpod_parent/libpod-ID */
	if (strncmp(path, "/docker/", 8) == 0 && all_hex(leaf, l) && leaf == path + 8) {
		snprintf(name, namelen, "docker:%.12s", leaf);
		return true;
	}
	if (strstr(path, "/libpod_parent/libpod-") && strncmp(leaf, "libpod-", 7) == 0 && all_hex(leaf + 7, l - 7)) {
		snprintf(name, namelen, "podman:%.12s", leaf + 7);
		return true;
	}
	/* systemd-nspawn (and other machined machines) that are not libvirt's. */
	if (strncmp(path, "/machine.slice/machine-", 23) == 0 && leaf == path + 15 && l > 14 &&
	    strcmp(leaf + l - 6, ".scope") == 0) {
		const char *m = leaf + 8;
		size_t ml = l - 8 - 6;
		if (strncmp(m, "qemu\\x2d", 8) == 0 || strncmp(m, "lxc\\x2d", 7) == 0 ||
		    strncmp(m, "libpod\\x2d", 10) == 0)
			return false;
		char mach[256];
		unescape(m, ml, mach, sizeof(mach));
		snprintf(name, namelen, "nspawn:%s", mach);
		return true;
	}
	return false;
}

struct scan_ctx {
	struct backend *be;
	struct cgroup_fs *fs;
	struct guest_list *out;
	bool v1;
	int failed;
};

static int found(const char *path, void *opaque)
{
	struct scan_ctx *s = opaque;
	char name[GUEST_NAME_MAX];
	pid_t pid;
	if (!cgroupscan_classify(path, name, sizeof(name)))
		return 0;
	/* An empty cgroup is a container that is not running: nothing to watch. */
	if (cgroup_list_members(s->fs, s->v1 ? path : "", s->v1 ? "" : path, false, &pid, 1) != 1)
		return 0;
	struct guest_ident *g = guest_list_add(s->out);
	if (!g) {
		s->failed = 1;
		return 1;
	}
	g->backend = s->be;
	g->container = true;
	g->persistent = -1;
	g->state = GUEST_STATE_RUNNING;
	g->pid = pid;
	g->id = (int)pid;
	snprintf(g->kind, sizeof(g->kind), "cgroup");
	snprintf(g->name, sizeof(g->name), "%s", name);
	lxc_container_key("cgroup", path, g->uuid, sizeof(g->uuid));
	g->cgroup_mode = s->v1 ? CGROUP_V1 : CGROUP_V2;
	snprintf(g->cgroup, sizeof(g->cgroup), "%s", path);
	if (!s->v1)
		snprintf(g->cgroup_v2, sizeof(g->cgroup_v2), "%s", path);
	return 0;
}

static int cs_open(struct backend *be, char *err, size_t errlen)
{
	struct cgroup_fs *fs = cgroup_fs_open(be->paths->sys_root);
	if (!fs || cgroup_fs_layout(fs) == CGROUP_LAYOUT_NONE) {
		snprintf(err, errlen, "cgroup: no cgroup hierarchy below %s/fs/cgroup", be->paths->sys_root);
		cgroup_fs_free(fs);
		return -1;
	}
	be->priv = fs;
	return 0;
}

static int cs_list(struct backend *be, struct guest_list *out, char *err, size_t errlen)
{
	struct cgroup_fs *fs = be->priv;
	enum cgroup_layout lay = cgroup_fs_layout(fs);
	struct scan_ctx s = { be, fs, out, lay == CGROUP_LAYOUT_V1 || lay == CGROUP_LAYOUT_HYBRID, 0 };
	cgroup_walk(fs, SCAN_DEPTH, found, &s);
	if (s.failed) {
		snprintf(err, errlen, "cgroup: out of memory");
		return -1;
	}
	return 0;
}

static bool cs_alive(struct backend *be)
{
	return be->priv != NULL;
}

static void cs_close(struct backend *be)
{
	cgroup_fs_free(be->priv);
	be->priv = NULL;
}

/* Read-only: no action member, so backend_action refuses every action. */
const struct backend_ops cgroup_backend_ops = {
	.name = "cgroup",
	.open = cs_open,
	.list = cs_list,
	.alive = cs_alive,
	.close = cs_close,
};
