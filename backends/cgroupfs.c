/* A guest's cgroup figures on v1, hybrid and v2 hosts: layout, kept-open files, pure parsers. */
#include "backends/cgroupfs.h"

#include "backends/procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ parsers */

/* An unsigned decimal at *p, at least one digit, no sign, no spaces; advances *p. */
static bool parse_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	if (s >= end || *s < '0' || *s > '9')
		return false;
	uint64_t v = 0;
	while (s < end && *s >= '0' && *s <= '9') {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		s++;
	}
	*p = s;
	*out = v;
	return true;
}

/* The whole of [p, end) is one decimal. */
static bool parse_u64_exact(const char *p, const char *end, uint64_t *out)
{
	return parse_u64(&p, end, out) && p == end;
}

static const char *line_end(const char *p, const char *end)
{
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	return eol ? eol : end;
}

static const char *next_line(const char *eol, const char *end)
{
	return eol < end ? eol + 1 : end;
}

static bool key_is(const char *k, size_t kl, const char *lit)
{
	return kl == strlen(lit) && memcmp(k, lit, kl) == 0;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* µs to ns; false when the product does not fit (a corrupt file, not a real counter). */
static bool usec_to_ns(uint64_t us, uint64_t *ns)
{
	if (us > UINT64_MAX / 1000)
		return false;
	*ns = us * 1000;
	return true;
}

/*
 * Both cpu.stat formats in one pass: v1 has throttled_time (ns), v2 has
 * usage_usec and, only when the cpu controller is enabled for the group,
 * throttled_usec. have_throttle tells the probe whether the throttling
 * figures were really there, which struct cgroup_cpu_stat cannot say.
 */
static int parse_cpu_stat(const char *buf, size_t len, struct cgroup_cpu_stat *out,
                          bool *have_throttle)
{
	const char *p = buf, *end = buf + len;
	bool known = false;
	memset(out, 0, sizeof(*out));
	*have_throttle = false;
	while (p < end) {
		const char *eol = line_end(p, end);
		if (eol == p) {
			p = next_line(eol, end);
			continue;
		}
		const char *sp = memchr(p, ' ', (size_t)(eol - p));
		uint64_t v;
		if (!sp || sp == p || !parse_u64_exact(sp + 1, eol, &v))
			return -1;
		size_t kl = (size_t)(sp - p);
		if (key_is(p, kl, "usage_usec")) {
			if (!usec_to_ns(v, &out->usage_ns))
				return -1;
			out->have_usage = true;
			known = true;
		} else if (key_is(p, kl, "nr_periods")) {
			out->nr_periods = v;
			known = true;
		} else if (key_is(p, kl, "nr_throttled")) {
			out->nr_throttled = v;
			known = true;
		} else if (key_is(p, kl, "throttled_time")) {
			out->throttled_ns = v;
			*have_throttle = true;
			known = true;
		} else if (key_is(p, kl, "throttled_usec")) {
			if (!usec_to_ns(v, &out->throttled_ns))
				return -1;
			*have_throttle = true;
			known = true;
		}
		p = next_line(eol, end);
	}
	return known ? 0 : -1;
}

int cgroup_parse_cpu_stat(const char *buf, size_t len, struct cgroup_cpu_stat *out)
{
	bool have_throttle;
	return parse_cpu_stat(buf, len, out, &have_throttle);
}

int cgroup_parse_u64(const char *buf, size_t len, uint64_t *out)
{
	const char *p = buf, *end = buf + len;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	uint64_t v;
	if (!parse_u64(&p, end, &v))
		return -1;
	while (p < end && (*p == '\n' || *p == ' ' || *p == '\t'))
		p++;
	if (p != end)
		return -1;
	*out = v;
	return 0;
}

int cgroup_parse_memory_stat(const char *buf, size_t len, const char *key, uint64_t *out)
{
	if (!key || !key[0])
		return -1;
	size_t kl = strlen(key);
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *eol = line_end(p, end);
		if ((size_t)(eol - p) > kl && memcmp(p, key, kl) == 0 && p[kl] == ' ')
			return parse_u64_exact(p + kl + 1, eol, out) ? 0 : -1;
		p = next_line(eol, end);
	}
	return -1;
}

/* "MAJ:MIN" at *p; advances *p past it. */
static bool parse_devnum(const char **p, const char *end, unsigned *major, unsigned *minor)
{
	const char *s = *p;
	uint64_t ma, mi;
	if (!parse_u64(&s, end, &ma) || s >= end || *s != ':')
		return false;
	s++;
	if (!parse_u64(&s, end, &mi) || ma > UINT_MAX || mi > UINT_MAX)
		return false;
	*major = (unsigned)ma;
	*minor = (unsigned)mi;
	*p = s;
	return true;
}

/* The entry for MAJ:MIN, added if new; NULL when the table is full (the sums still count it). */
static struct cgroup_io_dev *io_dev(struct cgroup_io_dev *devs, unsigned *n, unsigned major,
                                    unsigned minor)
{
	for (unsigned i = 0; i < *n; i++)
		if (devs[i].major == major && devs[i].minor == minor)
			return &devs[i];
	if (*n >= CGROUP_MAX_IO_DEVS)
		return NULL;
	struct cgroup_io_dev *d = &devs[(*n)++];
	memset(d, 0, sizeof(*d));
	d->major = major;
	d->minor = minor;
	return d;
}

/*
 * Each line: "MAJ:MIN" then space-separated key=value pairs. Policies add
 * their own keys (iocost "cost.vrate=100.00", iolatency "depth=max"), so
 * only the four counters we use must be decimals. A cgroup that did no I/O
 * has an empty io.stat: that is a reading of zero, not a failure.
 */
int cgroup_parse_io_stat(const char *buf, size_t len, struct cgroup_counters *out)
{
	struct cgroup_io_dev devs[CGROUP_MAX_IO_DEVS];
	unsigned n = 0;
	uint64_t sum[4] = {0, 0, 0, 0};
	static const char *const keys[4] = {"rbytes", "wbytes", "rios", "wios"};
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *eol = line_end(p, end);
		const char *s = p;
		while (s < eol && *s == ' ')
			s++;
		if (s == eol) {
			p = next_line(eol, end);
			continue;
		}
		unsigned major, minor;
		if (!parse_devnum(&s, eol, &major, &minor) || (s < eol && *s != ' '))
			return -1;
		struct cgroup_io_dev *d = io_dev(devs, &n, major, minor);
		while (s < eol) {
			while (s < eol && *s == ' ')
				s++;
			if (s == eol)
				break;
			const char *tok = s;
			while (s < eol && *s != ' ')
				s++;
			const char *eq = memchr(tok, '=', (size_t)(s - tok));
			if (!eq || eq == tok)
				return -1;
			for (int k = 0; k < 4; k++) {
				if (!key_is(tok, (size_t)(eq - tok), keys[k]))
					continue;
				uint64_t v;
				if (!parse_u64_exact(eq + 1, s, &v))
					return -1;
				sum[k] = sat_add(sum[k], v);
				if (d) {
					uint64_t *field[4] = {&d->rbytes, &d->wbytes, &d->rios,
					                      &d->wios};
					*field[k] = sat_add(*field[k], v);
				}
			}
		}
		p = next_line(eol, end);
	}
	out->have_io = true;
	out->io_rbytes = sum[0];
	out->io_wbytes = sum[1];
	out->io_rios = sum[2];
	out->io_wios = sum[3];
	out->n_io_devs = n;
	memcpy(out->io_devs, devs, n * sizeof(devs[0]));
	return 0;
}

/*
 * Per device six lines ("MAJ:MIN Read N", Write, Sync, Async, Discard,
 * Total), then one "Total N" for all devices. Only Read and Write are
 * counted: Sync/Async split the same requests again and both Totals repeat
 * them. The bytes file and the serviced file describe the same devices, so
 * each call merges its half into out's per-device entries (out starts zeroed).
 */
int cgroup_parse_blkio(const char *buf, size_t len, bool serviced, struct cgroup_counters *out)
{
	struct cgroup_io_dev devs[CGROUP_MAX_IO_DEVS];
	unsigned n = 0;
	uint64_t rsum = 0, wsum = 0;
	bool any = false;
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *eol = line_end(p, end);
		if (eol == p) {
			p = next_line(eol, end);
			continue;
		}
		uint64_t v;
		if ((size_t)(eol - p) > 6 && memcmp(p, "Total ", 6) == 0) {
			if (!parse_u64_exact(p + 6, eol, &v))
				return -1;
			any = true;
			p = next_line(eol, end);
			continue;
		}
		const char *s = p;
		unsigned major, minor;
		if (!parse_devnum(&s, eol, &major, &minor) || s >= eol || *s != ' ')
			return -1;
		const char *op = ++s;
		while (s < eol && *s != ' ')
			s++;
		if (s == op || s >= eol || !parse_u64_exact(s + 1, eol, &v))
			return -1;
		size_t ol = (size_t)(s - op);
		struct cgroup_io_dev *d = io_dev(devs, &n, major, minor);
		if (key_is(op, ol, "Read")) {
			rsum = sat_add(rsum, v);
			if (d)
				d->rbytes = sat_add(d->rbytes, v);
		} else if (key_is(op, ol, "Write")) {
			wsum = sat_add(wsum, v);
			if (d)
				d->wbytes = sat_add(d->wbytes, v);
		}
		any = true;
		p = next_line(eol, end);
	}
	if (!any)
		return -1;
	/* Collected in the bytes fields; the serviced file's counts go to the ios fields. */
	for (unsigned i = 0; i < n; i++) {
		struct cgroup_io_dev *d =
		    io_dev(out->io_devs, &out->n_io_devs, devs[i].major, devs[i].minor);
		if (!d)
			continue;
		if (serviced) {
			d->rios = devs[i].rbytes;
			d->wios = devs[i].wbytes;
		} else {
			d->rbytes = devs[i].rbytes;
			d->wbytes = devs[i].wbytes;
		}
	}
	if (serviced) {
		out->io_rios = rsum;
		out->io_wios = wsum;
	} else {
		out->io_rbytes = rsum;
		out->io_wbytes = wsum;
	}
	out->have_io = true;
	return 0;
}

/* "some avg10=0.00 avg60=0.00 avg300=0.00 total=N"; the "full" line does not matter here. */
int cgroup_parse_pressure(const char *buf, size_t len, uint64_t *some_total_us)
{
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *eol = line_end(p, end);
		if ((size_t)(eol - p) > 5 && memcmp(p, "some ", 5) == 0) {
			const char *s = p + 5;
			bool found = false;
			uint64_t total = 0;
			while (s < eol) {
				while (s < eol && *s == ' ')
					s++;
				if (s == eol)
					break;
				const char *tok = s;
				while (s < eol && *s != ' ')
					s++;
				const char *eq = memchr(tok, '=', (size_t)(s - tok));
				if (!eq || eq == tok)
					return -1;
				if (key_is(tok, (size_t)(eq - tok), "total")) {
					if (!parse_u64_exact(eq + 1, s, &total))
						return -1;
					found = true;
				}
			}
			if (!found)
				return -1;
			*some_total_us = total;
			return 0;
		}
		p = next_line(eol, end);
	}
	return -1;
}

/* ------------------------------------------------------------------ layout */

enum v1_controller { V1_CPU, V1_CPUACCT, V1_MEMORY, V1_BLKIO, V1_COUNT };
static const char *const v1_wanted[V1_COUNT] = {"cpu", "cpuacct", "memory", "blkio"};

/* Every v1 controller the kernel has had: a directory named by any of them is a v1 mount. */
static const char *const v1_known[] = {
    "cpu",      "cpuacct", "cpuset",     "memory",  "devices", "freezer", "net_cls",
    "net_prio", "blkio",   "perf_event", "hugetlb", "pids",    "rdma",    "misc",
};

struct cgroup_fs {
	enum cgroup_layout layout;
	int v1_fd[V1_COUNT];     /* O_PATH mount directories, -1 if absent */
	bool v1_alias[V1_COUNT]; /* co-mounted: an earlier controller's fd, closed once */
	int v2_fd;               /* the unified hierarchy, -1 if none */
};

/* Is want one of the comma-separated names in the directory name ("cpu,cpuacct")? */
static bool name_lists(const char *name, const char *want)
{
	size_t wl = strlen(want);
	const char *s = name;
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t l = comma ? (size_t)(comma - s) : strlen(s);
		if (l == wl && memcmp(s, want, wl) == 0)
			return true;
		if (!comma)
			return false;
		s = comma + 1;
	}
}

static bool has_file(int dirfd, const char *name)
{
	struct stat st;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

/*
 * Find the directory of each controller we read. Co-mounted controllers
 * live in one directory ("cpu,cpuacct") that distributions may also expose
 * through symlinks ("cpu", "cpuacct"); the real directory is preferred so
 * that the result does not depend on readdir order. Returns whether any v1
 * controller directory exists at all.
 */
static bool scan_v1(struct cgroup_fs *fs, int root)
{
	char best[V1_COUNT][NAME_MAX + 1];
	bool found[V1_COUNT] = {false}, best_is_link[V1_COUNT] = {false};
	bool any = false;
	int dfd = dup(root);
	if (dfd < 0)
		return false;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return false;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		struct stat st, lst;
		if (name[0] == '.' || strcmp(name, "unified") == 0 || strlen(name) > NAME_MAX)
			continue;
		if (fstatat(root, name, &st, 0) < 0 || !S_ISDIR(st.st_mode))
			continue;
		bool is_v1 = false;
		for (size_t k = 0; k < sizeof(v1_known) / sizeof(v1_known[0]); k++)
			if (name_lists(name, v1_known[k]))
				is_v1 = true;
		if (!is_v1)
			continue;
		any = true;
		bool link =
		    fstatat(root, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode);
		for (int c = 0; c < V1_COUNT; c++) {
			if (!name_lists(name, v1_wanted[c]) ||
			    (found[c] && (link || !best_is_link[c])))
				continue;
			strcpy(best[c], name);
			found[c] = true;
			best_is_link[c] = link;
		}
	}
	closedir(d);

	struct stat seen[V1_COUNT];
	for (int c = 0; c < V1_COUNT; c++) {
		if (!found[c])
			continue;
		int fd = openat(root, best[c], O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &seen[c]) < 0) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		fs->v1_fd[c] = fd;
		for (int e = 0; e < c; e++) {
			if (fs->v1_fd[e] >= 0 && !fs->v1_alias[e] &&
			    seen[e].st_dev == seen[c].st_dev && seen[e].st_ino == seen[c].st_ino) {
				close(fd);
				fs->v1_fd[c] = fs->v1_fd[e];
				fs->v1_alias[c] = true;
				break;
			}
		}
	}
	return any;
}

struct cgroup_fs *cgroup_fs_open(const char *sys_root)
{
	struct cgroup_fs *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return NULL;
	fs->layout = CGROUP_LAYOUT_NONE;
	fs->v2_fd = -1;
	for (int c = 0; c < V1_COUNT; c++)
		fs->v1_fd[c] = -1;

	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/fs/cgroup",
	                 sys_root && sys_root[0] ? sys_root : "/sys");
	if (n < 0 || (size_t)n >= sizeof(path))
		return fs;
	int root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return fs;
	if (has_file(root, "cgroup.controllers")) {
		fs->v2_fd = openat(root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fs->v2_fd >= 0)
			fs->layout = CGROUP_LAYOUT_V2;
	} else if (scan_v1(fs, root)) {
		fs->layout = CGROUP_LAYOUT_V1;
		int u = openat(root, "unified", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (u >= 0 && has_file(u, "cgroup.controllers")) {
			fs->v2_fd = u;
			fs->layout = CGROUP_LAYOUT_HYBRID;
		} else if (u >= 0) {
			close(u);
		}
	}
	close(root);
	return fs;
}

void cgroup_fs_free(struct cgroup_fs *fs)
{
	if (!fs)
		return;
	for (int c = 0; c < V1_COUNT; c++)
		if (fs->v1_fd[c] >= 0 && !fs->v1_alias[c])
			close(fs->v1_fd[c]);
	if (fs->v2_fd >= 0)
		close(fs->v2_fd);
	free(fs);
}

enum cgroup_layout cgroup_fs_layout(const struct cgroup_fs *fs)
{
	return fs ? fs->layout : CGROUP_LAYOUT_NONE;
}

/* ------------------------------------------------------------------ probe */

/*
 * Slots of cgroup_probe.fds. memory.usage_in_bytes (v1) and memory.current
 * (v2) share one: both are a single decimal, and a host never needs both.
 */
enum probe_file {
	PF_V1_CPU_STAT,
	PF_V1_CPUACCT_USAGE,
	PF_MEM_BYTES,
	PF_V1_MEMORY_STAT,
	PF_V1_BLKIO_BYTES,
	PF_V1_BLKIO_IOS,
	PF_V2_CPU_STAT,
	PF_V2_SWAP_CURRENT,
	PF_V2_IO_STAT,
	PF_PSI_CPU,
	PF_PSI_IO,
	PF_PSI_MEM,
	PF_COUNT
};
_Static_assert(PF_COUNT <= CGROUP_PROBE_FILES, "cgroup_probe has a slot per file");

/* Each probe file's name; the memory figure's depends on the hierarchy it is read from. */
static const char *probe_file_name(int i, bool v2)
{
	static const char *const names[PF_COUNT] = {
		[PF_V1_CPU_STAT] = "cpu.stat",
		[PF_V1_CPUACCT_USAGE] = "cpuacct.usage",
		[PF_MEM_BYTES] = "memory.usage_in_bytes",
		[PF_V1_MEMORY_STAT] = "memory.stat",
		[PF_V1_BLKIO_BYTES] = "blkio.throttle.io_service_bytes",
		[PF_V1_BLKIO_IOS] = "blkio.throttle.io_serviced",
		[PF_V2_CPU_STAT] = "cpu.stat",
		[PF_V2_SWAP_CURRENT] = "memory.swap.current",
		[PF_V2_IO_STAT] = "io.stat",
		[PF_PSI_CPU] = "cpu.pressure",
		[PF_PSI_IO] = "io.pressure",
		[PF_PSI_MEM] = "memory.pressure",
	};
	return i == PF_MEM_BYTES && v2 ? "memory.current" : names[i];
}

/* Large enough for a v1 memory.stat (about 1.2 KiB) and io files of many devices. */
#define PROBE_BUF 8192

void cgroup_probe_init(struct cgroup_probe *p)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < CGROUP_PROBE_FILES; i++)
		p->fds[i] = -1;
}

void cgroup_probe_close(struct cgroup_probe *p)
{
	for (int i = 0; i < CGROUP_PROBE_FILES; i++) {
		if (p->fds[i] >= 0)
			close(p->fds[i]);
		p->fds[i] = -1;
	}
	free(p->v1);
	free(p->v2);
	p->v1 = p->v2 = NULL;
	p->fs = NULL;
	p->no_usage = p->no_io = false;
	p->reads = 0;
	p->have_mem = p->have_swap = false;
}

/*
 * The path below a mount for openat: without its leading '/', and refused
 * (NULL) when a ".." component could climb out of the hierarchy. "" and "/"
 * are the hierarchy's root.
 */
static const char *relative_path(const char *path)
{
	if (!path)
		return NULL;
	for (const char *s = path; *s;) {
		const char *slash = strchr(s, '/');
		size_t l = slash ? (size_t)(slash - s) : strlen(s);
		if (l == 2 && s[0] == '.' && s[1] == '.')
			return NULL;
		if (!slash)
			break;
		s = slash + 1;
	}
	while (*path == '/')
		path++;
	return path;
}

/* No descriptor was left to keep this file open: it is opened, read and closed at each refresh. */
#define PROBE_ON_DEMAND (-2)

static int open_below(int dirfd, const char *rel, const char *file)
{
	if (dirfd < 0)
		return -1;
	char path[PATH_MAX];
	int n = rel[0] ? snprintf(path, sizeof(path), "%s/%s", rel, file)
	               : snprintf(path, sizeof(path), "%s", file);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	/* O_NOFOLLOW: a symlink planted as the file itself is never followed. */
	return procfs_fd_budget(openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
}

/* The mount a probe file lives under: a v1 controller, or (V1_COUNT) the unified hierarchy. */
static int probe_mount(const struct cgroup_probe *p, int i)
{
	int c = p->ctl[i];
	return c == V1_COUNT ? p->fs->v2_fd : p->fs->v1_fd[c];
}

/* Keep file i open, or mark it to be read by path when no descriptor is left. */
static void probe_keep(struct cgroup_probe *p, int i, int ctl)
{
	p->ctl[i] = (signed char)ctl;
	const char *rel = ctl == V1_COUNT ? p->v2 : p->v1;
	int fd = open_below(probe_mount(p, i), rel, probe_file_name(i, ctl == V1_COUNT));
	p->fds[i] = fd >= 0 ? fd : (errno == EMFILE || errno == ENFILE) ? PROBE_ON_DEMAND : -1;
}

int cgroup_probe_open(struct cgroup_probe *p, const struct cgroup_fs *fs, const char *v1_path,
                      const char *v2_path)
{
	cgroup_probe_close(p);
	if (!fs)
		return -1;
	const char *v1 = v1_path && v1_path[0] ? relative_path(v1_path) : NULL;
	const char *v2 = v2_path && v2_path[0] ? relative_path(v2_path) : NULL;
	bool use_v1 = v1 && (fs->layout == CGROUP_LAYOUT_V1 || fs->layout == CGROUP_LAYOUT_HYBRID);
	bool use_v2 = v2 && (fs->layout == CGROUP_LAYOUT_V2 || fs->layout == CGROUP_LAYOUT_HYBRID);
	p->fs = fs;
	p->v1 = strdup(use_v1 ? v1 : "");
	p->v2 = strdup(use_v2 ? v2 : "");
	if (!p->v1 || !p->v2) {
		cgroup_probe_close(p);
		return -1;
	}

	if (use_v1) {
		probe_keep(p, PF_V1_CPU_STAT, V1_CPU);
		/* libvirt may leave the guest at "/" in cpuacct: then this fails and v2 gives
		 * usage. */
		probe_keep(p, PF_V1_CPUACCT_USAGE, V1_CPUACCT);
		probe_keep(p, PF_MEM_BYTES, V1_MEMORY);
		probe_keep(p, PF_V1_MEMORY_STAT, V1_MEMORY);
		probe_keep(p, PF_V1_BLKIO_BYTES, V1_BLKIO);
		probe_keep(p, PF_V1_BLKIO_IOS, V1_BLKIO);
	}
	if (use_v2) {
		/* Kept even next to v1's files: the fallback for usage and throttling. */
		probe_keep(p, PF_V2_CPU_STAT, V1_COUNT);
		if (p->fds[PF_MEM_BYTES] == -1)
			probe_keep(p, PF_MEM_BYTES, V1_COUNT);
		if (p->fds[PF_V1_MEMORY_STAT] == -1)
			probe_keep(p, PF_V2_SWAP_CURRENT, V1_COUNT);
		if (p->fds[PF_V1_BLKIO_BYTES] == -1 || p->fds[PF_V1_BLKIO_IOS] == -1)
			probe_keep(p, PF_V2_IO_STAT, V1_COUNT);
		probe_keep(p, PF_PSI_CPU, V1_COUNT);
		probe_keep(p, PF_PSI_IO, V1_COUNT);
		probe_keep(p, PF_PSI_MEM, V1_COUNT);
	}
	for (int i = 0; i < PF_COUNT; i++)
		if (p->fds[i] != -1)
			return 0;
	return -1;
}

/*
 * One pread from offset 0 (cgroup files regenerate their text on each read
 * from 0). A buffer filled to the brim may end inside a line: cut it at the
 * last newline so a parser never sees half a number.
 */
static bool read_fd(int fd, char *buf, size_t size, size_t *len)
{
	if (fd < 0)
		return false;
	ssize_t n;
	do
		n = pread(fd, buf, size, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return false;
	size_t l = (size_t)n;
	if (l == size) {
		while (l > 0 && buf[l - 1] != '\n')
			l--;
		if (l == 0)
			return false;
	}
	*len = l;
	return true;
}

/* Probe file i: pread on its kept descriptor, or open-read-close when it has none. */
static bool probe_read(const struct cgroup_probe *p, int i, char *buf, size_t size, size_t *len)
{
	if (p->fds[i] != PROBE_ON_DEMAND)
		return read_fd(p->fds[i], buf, size, len);
	const char *rel = p->ctl[i] == V1_COUNT ? p->v2 : p->v1;
	int fd = open_below(probe_mount(p, i), rel, probe_file_name(i, p->ctl[i] == V1_COUNT));
	bool ok = read_fd(fd, buf, size, len);
	if (fd >= 0)
		close(fd);
	return ok;
}

static void read_v1_io(const struct cgroup_probe *p, char *buf, size_t size,
                       struct cgroup_counters *out)
{
	size_t len;
	if (!probe_read(p, PF_V1_BLKIO_BYTES, buf, size, &len) ||
	    cgroup_parse_blkio(buf, len, false, out) < 0 ||
	    !probe_read(p, PF_V1_BLKIO_IOS, buf, size, &len) ||
	    cgroup_parse_blkio(buf, len, true, out) < 0) {
		/* Bytes without counts (or the reverse) would show a made-up 0. */
		out->have_io = false;
		out->io_rbytes = out->io_wbytes = out->io_rios = out->io_wios = 0;
		out->n_io_devs = 0;
		memset(out->io_devs, 0, sizeof(out->io_devs));
	}
}

static bool read_psi(const struct cgroup_probe *p, int i, char *buf, size_t size, uint64_t *total)
{
	size_t len;
	return probe_read(p, i, buf, size, &len) && cgroup_parse_pressure(buf, len, total) == 0;
}

/* Memory and swap in use: v1 memory.stat is long and costly to generate, and neither moves fast. */
static void read_gauges(struct cgroup_probe *p, char *buf, size_t size)
{
	size_t len;
	uint64_t v;
	p->have_mem = probe_read(p, PF_MEM_BYTES, buf, size, &len) && cgroup_parse_u64(buf, len, &v) == 0;
	p->mem_bytes = p->have_mem ? v : 0;
	p->have_swap = false;
	p->swap_bytes = 0;
	if (p->fds[PF_V1_MEMORY_STAT] != -1) {
		/* total_swap counts the subtree, as v2's memory.swap.current does. */
		if (probe_read(p, PF_V1_MEMORY_STAT, buf, size, &len) &&
		    (cgroup_parse_memory_stat(buf, len, "total_swap", &v) == 0 ||
		     cgroup_parse_memory_stat(buf, len, "swap", &v) == 0)) {
			p->have_swap = true;
			p->swap_bytes = v;
		}
	} else if (probe_read(p, PF_V2_SWAP_CURRENT, buf, size, &len) && cgroup_parse_u64(buf, len, &v) == 0) {
		p->have_swap = true;
		p->swap_bytes = v;
	}
}

void cgroup_probe_read(struct cgroup_probe *p, struct cgroup_counters *out)
{
	char buf[PROBE_BUF];
	size_t len;
	uint64_t v;
	struct cgroup_cpu_stat cs;
	bool thr;

	memset(out, 0, sizeof(*out));
	if (probe_read(p, PF_V1_CPU_STAT, buf, sizeof(buf), &len) &&
	    parse_cpu_stat(buf, len, &cs, &thr) == 0 && thr) {
		out->have_throttle = true;
		out->throttled_ns = cs.throttled_ns;
		out->nr_periods = cs.nr_periods;
		out->nr_throttled = cs.nr_throttled;
	}
	if (!p->no_usage && probe_read(p, PF_V1_CPUACCT_USAGE, buf, sizeof(buf), &len) &&
	    cgroup_parse_u64(buf, len, &v) == 0) {
		out->have_usage = true;
		out->usage_ns = v;
	}
	/* v2 cpu.stat only for what v1 could not give: one read fewer per guest on v1 hosts. */
	if (((!out->have_usage && !p->no_usage) || !out->have_throttle) &&
	    probe_read(p, PF_V2_CPU_STAT, buf, sizeof(buf), &len) &&
	    parse_cpu_stat(buf, len, &cs, &thr) == 0) {
		if (!out->have_usage && cs.have_usage) {
			out->have_usage = true;
			out->usage_ns = cs.usage_ns;
		}
		if (!out->have_throttle && thr) {
			out->have_throttle = true;
			out->throttled_ns = cs.throttled_ns;
			out->nr_periods = cs.nr_periods;
			out->nr_throttled = cs.nr_throttled;
		}
	}

	if (p->reads++ % CGROUP_GAUGE_EVERY == 0)
		read_gauges(p, buf, sizeof(buf));
	out->have_mem = p->have_mem;
	out->mem_bytes = p->mem_bytes;
	out->have_swap = p->have_swap;
	out->swap_bytes = p->swap_bytes;

	if (p->no_io)
		; /* have_io stays false */
	else if (p->fds[PF_V1_BLKIO_BYTES] != -1 && p->fds[PF_V1_BLKIO_IOS] != -1)
		read_v1_io(p, buf, sizeof(buf), out);
	else if (probe_read(p, PF_V2_IO_STAT, buf, sizeof(buf), &len))
		cgroup_parse_io_stat(buf, len, out); /* leaves have_io false when it fails */

	out->have_psi_cpu = read_psi(p, PF_PSI_CPU, buf, sizeof(buf), &out->psi_cpu_some_us);
	out->have_psi_io = read_psi(p, PF_PSI_IO, buf, sizeof(buf), &out->psi_io_some_us);
	out->have_psi_mem = read_psi(p, PF_PSI_MEM, buf, sizeof(buf), &out->psi_mem_some_us);
}

/* ------------------------------------------------------------------ host */

static bool read_host_psi(const char *proc_root, const char *name, uint64_t *total)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/pressure/%s", proc_root, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char buf[512];
	size_t len;
	bool ok =
	    read_fd(fd, buf, sizeof(buf), &len) && cgroup_parse_pressure(buf, len, total) == 0;
	close(fd);
	return ok;
}

void host_psi_read(const char *proc_root, struct host_psi *out)
{
	const char *root = proc_root && proc_root[0] ? proc_root : "/proc";
	memset(out, 0, sizeof(*out));
	out->have_cpu = read_host_psi(root, "cpu", &out->cpu_some_us);
	out->have_io = read_host_psi(root, "io", &out->io_some_us);
	out->have_mem = read_host_psi(root, "memory", &out->mem_some_us);
}

/* Append the pids listed in one cgroup directory's file, then recurse into its children. */
static void list_dir(int dirfd, const char *file, pid_t *out, size_t max, size_t *n, int depth)
{
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		/* Task lists can be long: read them in chunks, a line at a time. */
		FILE *f = fdopen(fd, "r");
		if (f) {
			char line[32];
			while (*n < max && fgets(line, sizeof(line), f)) {
				char *end;
				long v = strtol(line, &end, 10);
				if (end != line && v > 0 && v <= 0x3fffffff)
					out[(*n)++] = (pid_t)v;
			}
			fclose(f);
		} else {
			close(fd);
		}
	}
	if (depth >= 8 || *n >= max)
		return;
	int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) && *n < max) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		int child = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (child < 0)
			continue;
		list_dir(child, file, out, max, n, depth + 1);
		close(child);
	}
	closedir(d);
}

int cgroup_list_members(const struct cgroup_fs *fs, const char *v1_path, const char *v2_path,
			bool threads, pid_t *out, size_t max)
{
	if (!fs)
		return -1;
	const char *v1 = v1_path && v1_path[0] ? relative_path(v1_path) : NULL;
	const char *v2 = v2_path && v2_path[0] ? relative_path(v2_path) : NULL;
	int mount = -1;
	const char *rel = NULL, *file = NULL;
	if (v1 && fs->v1_fd[V1_CPU] >= 0) {
		mount = fs->v1_fd[V1_CPU];
		rel = v1;
		file = threads ? "tasks" : "cgroup.procs";
	} else if (v2 && fs->v2_fd >= 0) {
		mount = fs->v2_fd;
		rel = v2;
		file = threads ? "cgroup.threads" : "cgroup.procs";
	}
	if (mount < 0 || !rel || !rel[0])
		return -1;
	int dirfd = openat(mount, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -1;
	size_t n = 0;
	list_dir(dirfd, file, out, max, &n, 0);
	close(dirfd);
	return (int)n;
}

static int walk_dir(int dirfd, char *path, size_t len, size_t cap, int depth, int max_depth,
		    int (*cb)(const char *, void *), void *opaque)
{
	int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	int stop = 0;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return 0;
	}
	struct dirent *de;
	while (!stop && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		size_t nl = strlen(de->d_name);
		if (len + 1 + nl >= cap)
			continue;
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, nl + 1);
		stop = cb(path, opaque);
		if (!stop && depth + 1 < max_depth) {
			int child = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			if (child >= 0) {
				stop = walk_dir(child, path, len + 1 + nl, cap, depth + 1, max_depth, cb, opaque);
				close(child);
			}
		}
		path[len] = '\0';
	}
	closedir(d);
	return stop;
}

void cgroup_walk(const struct cgroup_fs *fs, int max_depth,
		 int (*cb)(const char *path, void *opaque), void *opaque)
{
	if (!fs)
		return;
	int mount = fs->v1_fd[V1_CPU] >= 0 ? fs->v1_fd[V1_CPU] : fs->v2_fd;
	if (mount < 0)
		return;
	int root = openat(mount, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return;
	char path[PATH_MAX] = "";
	walk_dir(root, path, 0, sizeof(path), 0, max_depth, cb, opaque);
	close(root);
}
