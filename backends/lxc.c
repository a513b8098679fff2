/* Native LXC containers through liblxc: listing, mapping to init pid and cgroup, actions, console. */
#include "backends/lxc.h"

#include <errno.h>
#include <fcntl.h>
#include <lxc/lxccontainer.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/cgroup.h"
#include "backends/procfs.h"
#include "config/newguest.h"

#define CONSOLE_ESCAPE 0x1d	/* Ctrl-], as for every guest */

struct lxc_priv {
	char lxcpath[4096];
};

static uint64_t fnv64(const char *s, uint64_t h)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

void lxc_container_key(const char *lxcpath, const char *name, char *out, size_t outlen)
{
	uint64_t a = fnv64(name, fnv64("/", fnv64(lxcpath, 1469598103934665603ull)));
	uint64_t b = fnv64(name, fnv64(lxcpath, 0x84222325cbf29ce4ull));
	snprintf(out, outlen, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
		 (unsigned)a & 0xffff, (unsigned)(b >> 48), (unsigned long long)(b & 0xffffffffffffull));
}

const char *lxc_default_path(void)
{
	/* liblxc allocates the value and never frees it: ask once, keep it. */
	static const char *path;
	if (!path) {
		const char *p = lxc_get_global_config_item("lxc.lxcpath");
		path = p && p[0] ? p : "/var/lib/lxc";
	}
	return path;
}

static int lx_open(struct backend *be, char *err, size_t errlen)
{
	struct lxc_priv *lp = calloc(1, sizeof(*lp));
	struct stat st;
	if (!lp) {
		snprintf(err, errlen, "lxc: out of memory");
		return -1;
	}
	/* "lxc" alone, or "lxc:/path/to/lxcpath". */
	const char *path = strncmp(be->uri, "lxc:", 4) == 0 && be->uri[4] ? be->uri + 4 : lxc_default_path();
	snprintf(lp->lxcpath, sizeof(lp->lxcpath), "%s", path);
	if (stat(lp->lxcpath, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "lxc: no containers directory %s: %s", lp->lxcpath,
			 errno ? strerror(errno) : "not a directory");
		free(lp);
		return -1;
	}
	be->priv = lp;
	return 0;
}

static void lx_close(struct backend *be)
{
	free(be->priv);
	be->priv = NULL;
}

static bool lx_alive(struct backend *be)
{
	return be->priv != NULL;
}

static enum guest_state map_state(const char *s)
{
	if (!s)
		return GUEST_STATE_UNKNOWN;
	if (strcmp(s, "RUNNING") == 0)
		return GUEST_STATE_RUNNING;
	if (strcmp(s, "STOPPED") == 0)
		return GUEST_STATE_SHUTOFF;
	if (strcmp(s, "FROZEN") == 0 || strcmp(s, "FREEZING") == 0)
		return GUEST_STATE_PAUSED;
	if (strcmp(s, "STOPPING") == 0 || strcmp(s, "ABORTING") == 0)
		return GUEST_STATE_SHUTDOWN;
	if (strcmp(s, "STARTING") == 0 || strcmp(s, "THAWED") == 0)
		return GUEST_STATE_RUNNING;
	return GUEST_STATE_UNKNOWN;
}

static int lx_list(struct backend *be, struct guest_list *out, char *err, size_t errlen)
{
	struct lxc_priv *lp = be->priv;
	struct lxc_container **cs = NULL;
	char **names = NULL;
	int n = list_all_containers(lp->lxcpath, &names, &cs);
	if (n < 0) {
		snprintf(err, errlen, "lxc: cannot list containers in %s", lp->lxcpath);
		return -1;
	}
	int ret = 0;
	for (int i = 0; i < n; i++) {
		struct lxc_container *c = cs[i];
		if (ret < 0 || !c->is_defined(c))
			goto next;
		struct guest_ident *g = guest_list_add(out);
		if (!g) {
			snprintf(err, errlen, "lxc: out of memory");
			ret = -1;
			goto next;
		}
		g->backend = be;
		g->container = true;
		g->persistent = 1;
		snprintf(g->kind, sizeof(g->kind), "lxc");
		snprintf(g->name, sizeof(g->name), "%s", names[i]);
		lxc_container_key(lp->lxcpath, names[i], g->uuid, sizeof(g->uuid));
		g->state = map_state(c->state(c));
		if (guest_state_is_active(g->state)) {
			g->pid = c->init_pid(c);
			if (g->pid < 0)
				g->pid = 0;
			g->id = (int)g->pid;
		}
		if (g->pid > 0) {
			char path[64], buf[4096];
			snprintf(path, sizeof(path), "%s/%d/cgroup", be->paths->proc_root, (int)g->pid);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				ssize_t len = procfs_pread(fd, buf, sizeof(buf));
				close(fd);
				if (len > 0) {
					char v2[GUEST_CGROUP_MAX];
					g->cgroup_mode = cgroup_from_proc(buf, (size_t)len, g->cgroup, sizeof(g->cgroup));
					if (procfs_parse_cgroup(buf, (size_t)len, NULL, v2, sizeof(v2)) == 0)
						snprintf(g->cgroup_v2, sizeof(g->cgroup_v2), "%s", v2);
				}
			}
		}
		/* lxc.start.auto = 1 starts it with the host. */
		char autostart[16] = "";
		g->autostart = c->get_config_item(c, "lxc.start.auto", autostart, sizeof(autostart)) >= 0
				       ? atoi(autostart) != 0
				       : -1;
next:
		lxc_container_put(c);
		free(names[i]);
	}
	free(cs);
	free(names);
	return ret;
}

/* A container by the key guesttop gave it. */
static struct lxc_container *find(struct lxc_priv *lp, const char *uuid)
{
	struct lxc_container **cs = NULL;
	char **names = NULL;
	struct lxc_container *found = NULL;
	int n = list_all_containers(lp->lxcpath, &names, &cs);
	for (int i = 0; i < n; i++) {
		char key[GUEST_UUID_LEN];
		lxc_container_key(lp->lxcpath, names[i], key, sizeof(key));
		if (!found && strcmp(key, uuid) == 0)
			found = cs[i];
		else
			lxc_container_put(cs[i]);
		free(names[i]);
	}
	free(cs);
	free(names);
	return found;
}

static int lx_action(struct backend *be, const char *uuid, enum guest_action action, char *info,
		     size_t infolen, char *err, size_t errlen)
{
	struct lxc_priv *lp;
	(void)infolen;
	pthread_mutex_lock(&be->lock);
	lp = be->connected ? be->priv : NULL;
	pthread_mutex_unlock(&be->lock);
	if (!lp) {
		snprintf(err, errlen, "lxc: not available");
		return -1;
	}
	struct lxc_container *c = find(lp, uuid);
	if (!c) {
		snprintf(err, errlen, "lxc: no such container");
		return -1;
	}
	bool ok = false;
	switch (action) {
	case GA_START:
		c->want_daemonize(c, true);
		ok = c->start(c, 0, NULL);
		break;
	case GA_SHUTDOWN: ok = c->shutdown(c, 0); break;	/* 0: ask, do not wait */
	case GA_REBOOT: ok = c->reboot(c); break;
	case GA_FORCE_OFF: ok = c->stop(c); break;
	case GA_SUSPEND: ok = c->freeze(c); break;
	case GA_RESUME: ok = c->unfreeze(c); break;
	case GA_AUTOSTART_ON:
	case GA_AUTOSTART_OFF:
		ok = c->set_config_item(c, "lxc.start.auto", action == GA_AUTOSTART_ON ? "1" : "0") &&
		     c->save_config(c, NULL);
		break;
	case GA_DELETE:
		/* A container's root file system is its disk: it cannot be kept. */
		snprintf(err, errlen, "lxc: %s: a container's root file system goes with it: use 'delete with its disks'",
			 c->name);
		lxc_container_put(c);
		return -1;
	case GA_DELETE_WITH_DISKS: ok = c->destroy(c); break;
	case GA_DISPLAY:
		snprintf(info, infolen, "containers have no graphical display");
		ok = true;
		break;
	case GA_MANAGED_SAVE:
	case GA_COUNT_: break;
	}
	if (!ok)
		snprintf(err, errlen, "lxc: %s of %s failed%s%s", guest_action_name(action), c->name,
			 c->error_string ? ": " : "", c->error_string ? c->error_string : "");
	lxc_container_put(c);
	return ok ? 0 : -1;
}

static int lx_console(struct backend *be, const char *uuid, int in_fd, int out_fd, char *err,
		      size_t errlen)
{
	struct lxc_priv *lp;
	pthread_mutex_lock(&be->lock);
	lp = be->connected ? be->priv : NULL;
	pthread_mutex_unlock(&be->lock);
	if (!lp) {
		snprintf(err, errlen, "lxc: not available");
		return -1;
	}
	struct lxc_container *c = find(lp, uuid);
	if (!c) {
		snprintf(err, errlen, "lxc: no such container");
		return -1;
	}
	int tty = 0, master = -1;
	int ret = -1;
	/* Our own loop on the console's pty, so that Ctrl-] returns as for every other guest. */
	if (c->console_getfd(c, &tty, &master) < 0 || master < 0) {
		snprintf(err, errlen, "lxc: no console for %s", c->name);
		goto out;
	}
	char buf[4096];
	for (;;) {
		struct pollfd pfd[2] = { { .fd = in_fd, .events = POLLIN }, { .fd = master, .events = POLLIN } };
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents & (POLLIN | POLLHUP)) {
			ssize_t n = read(in_fd, buf, sizeof(buf));
			if (n <= 0)
				break;
			char *esc = memchr(buf, CONSOLE_ESCAPE, (size_t)n);
			size_t len = esc ? (size_t)(esc - buf) : (size_t)n;
			if (len && write(master, buf, len) < 0)
				break;
			if (esc)
				break;
		}
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(master, buf, sizeof(buf));
			if (n <= 0) {
				snprintf(err, errlen, "the container's console closed");
				break;
			}
			if (write(out_fd, buf, (size_t)n) < 0)
				break;
		}
	}
	ret = 0;
	close(master);
out:
	lxc_container_put(c);
	return ret;
}

static int lx_validate_new(struct backend *be, const struct new_guest *ng, struct ng_errors *errs)
{
	unsigned before = errs->n;
	struct lxc_priv *lp;
	char path[4200];
	pthread_mutex_lock(&be->lock);
	lp = be->connected ? be->priv : NULL;
	pthread_mutex_unlock(&be->lock);
	if (!lp) {
		ng_error(errs, "backend", "lxc: not available");
		return -1;
	}
	struct lxc_container *c = lxc_container_new(ng->name, lp->lxcpath);
	if (c && c->is_defined(c))
		ng_error(errs, "name", "a container named %s exists already", ng->name);
	if (c)
		lxc_container_put(c);
	/* A template is a name from liblxc's templates directory (the busybox one works offline). */
	static const char *tdir;
	if (!tdir) {
		/* liblxc allocates the value and never frees it: ask once. */
		const char *t = lxc_get_global_config_item("lxc.templatedir");
		tdir = t && t[0] ? t : "/usr/share/lxc/templates";
	}
	snprintf(path, sizeof(path), "%s/lxc-%s", tdir, ng->template);
	if (strchr(ng->template, '/') || access(path, X_OK) < 0)
		ng_error(errs, "template", "no LXC template %s (%s)", ng->template, path);
	if (strncmp(ng->network, "bridge:", 7) && strcmp(ng->network, "none"))
		ng_error(errs, "network", "a container takes none or bridge:NAME");
	return errs->n > before ? -1 : 0;
}

static int lx_create_new(struct backend *be, const struct new_guest *ng, char *info, size_t infolen,
			 struct ng_errors *errs)
{
	struct lxc_priv *lp;
	pthread_mutex_lock(&be->lock);
	lp = be->connected ? be->priv : NULL;
	pthread_mutex_unlock(&be->lock);
	if (!lp) {
		ng_error(errs, "backend", "lxc: not available");
		return -1;
	}
	struct lxc_container *c = lxc_container_new(ng->name, lp->lxcpath);
	if (!c) {
		ng_error(errs, "name", "lxc: cannot make a container named %s", ng->name);
		return -1;
	}
	int ret = -1;
	char args[sizeof(ng->template_args)];
	char *argv[64];
	int argc = 0;
	snprintf(args, sizeof(args), "%s", ng->template_args);
	for (char *save = NULL, *t = strtok_r(args, " ", &save); t && argc < 63; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	if (!strncmp(ng->network, "bridge:", 7)) {
		c->set_config_item(c, "lxc.net.0.type", "veth");
		c->set_config_item(c, "lxc.net.0.link", ng->network + 7);
		c->set_config_item(c, "lxc.net.0.flags", "up");
	} else {
		c->set_config_item(c, "lxc.net.0.type", "empty");
	}
	if (!c->create(c, ng->template, NULL, NULL, LXC_CREATE_QUIET, argv)) {
		ng_error(errs, "template", "lxc: the %s template failed%s%s", ng->template,
			 c->error_string ? ": " : "", c->error_string ? c->error_string : "");
		goto out;
	}
	if (ng->start) {
		c->want_daemonize(c, true);
		if (!c->start(c, 0, NULL)) {
			ng_error(errs, "", "lxc: %s was created but would not start; removed again", ng->name);
			/* Nothing half-made: the container goes with its rootfs. */
			c->destroy(c);
			goto out;
		}
	}
	snprintf(info, infolen, "%s created%s", ng->name, ng->start ? " and started" : "");
	ret = 0;
out:
	lxc_container_put(c);
	return ret;
}

const struct backend_ops lxc_backend_ops = {
	.name = "lxc",
	.open = lx_open,
	.list = lx_list,
	.alive = lx_alive,
	.action = lx_action,
	.console = lx_console,
	.validate_new = lx_validate_new,
	.create_new = lx_create_new,
	.close = lx_close,
};
