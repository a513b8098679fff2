/* Parsers for /proc files: pure functions over a buffer, fed fixtures by tests and noise by fuzzers. */
#include "backends/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Parse an unsigned decimal at *p (skipping spaces), advancing *p. */
static bool parse_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
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

int procfs_parse_stat(const char *buf, size_t len, struct proc_stat *out)
{
	const char *end = buf + len;
	/* comm may hold spaces and parentheses: it ends at the last ')'. */
	const char *open = memchr(buf, '(', len);
	const char *close = NULL;
	for (const char *q = end; q > buf; q--) {
		if (q[-1] == ')') {
			close = q - 1;
			break;
		}
	}
	if (!open || !close || close < open)
		return -1;
	memset(out, 0, sizeof(*out));
	size_t clen = (size_t)(close - open - 1);
	if (clen >= sizeof(out->comm))
		clen = sizeof(out->comm) - 1;
	memcpy(out->comm, open + 1, clen);
	out->comm[clen] = '\0';

	const char *p = close + 1;
	while (p < end && *p == ' ')
		p++;
	if (p >= end)
		return -1;
	out->state = *p++;
	/*
	 * Fields after state, numbered as in proc(5): state is field 3. Every
	 * field is a decimal, some signed (priority, nice, tty); anything else
	 * means the line is not what we think it is.
	 */
	for (int field = 4; field <= 39; field++) {
		uint64_t v;
		while (p < end && *p == ' ')
			p++;
		if (p >= end || *p == '\n')
			return field > 24 ? 0 : -1;	/* old kernels end early */
		bool negative = *p == '-';
		if (negative)
			p++;
		if (!parse_u64(&p, end, &v) || (p < end && *p != ' ' && *p != '\n'))
			return -1;
		if (negative && (field == 14 || field == 15 || field == 22 || field == 24 || field == 39))
			return -1;
		switch (field) {
		case 12: out->majflt = v; break;
		case 14: out->utime = v; break;
		case 15: out->stime = v; break;
		case 20: out->num_threads = v; break;
		case 22: out->starttime = v; break;
		case 24: out->rss_pages = v; break;
		case 39: out->processor = v > INT32_MAX ? -1 : (int)v; break;
		default: break;
		}
	}
	return 0;
}

int procfs_parse_schedstat(const char *buf, size_t len, struct proc_schedstat *out)
{
	const char *p = buf, *end = buf + len;
	if (!parse_u64(&p, end, &out->exec_ns) || !parse_u64(&p, end, &out->run_delay_ns) ||
	    !parse_u64(&p, end, &out->timeslices))
		return -1;
	return 0;
}

int procfs_parse_io(const char *buf, size_t len, struct proc_io *out)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "rchar:", offsetof(struct proc_io, rchar) },
		{ "wchar:", offsetof(struct proc_io, wchar) },
		{ "read_bytes:", offsetof(struct proc_io, read_bytes) },
		{ "write_bytes:", offsetof(struct proc_io, write_bytes) },
	};
	const char *p = buf, *end = buf + len;
	unsigned found = 0;
	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t kl = strlen(keys[i].key);
			if ((size_t)(eol - p) > kl && memcmp(p, keys[i].key, kl) == 0) {
				const char *v = p + kl;
				uint64_t x;
				if (!parse_u64(&v, eol, &x))
					return -1;
				memcpy((char *)out + keys[i].off, &x, sizeof(x));
				found |= 1u << i;
			}
		}
		p = eol + 1;
	}
	return (found & 0xc) == 0xc ? 0 : -1;
}

int procfs_parse_status_kb(const char *buf, size_t len, const char *key, uint64_t *out)
{
	const char *p = buf, *end = buf + len;
	size_t kl = strlen(key);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > kl && memcmp(p, key, kl) == 0) {
			const char *v = p + kl;
			uint64_t x;
			if (!parse_u64(&v, eol, &x) || x > UINT64_MAX / 1024)
				return -1;
			*out = x * 1024;
			return 0;
		}
		p = eol + 1;
	}
	return -1;
}

int procfs_parse_cpulist(const char *s, size_t len, uint64_t *bits, unsigned nbits)
{
	const char *p = s, *end = s + len;
	int count = 0;
	for (unsigned i = 0; i < (nbits + 63) / 64; i++)
		bits[i] = 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (p < end && *p != '\n') {
		uint64_t a, b;
		if (!parse_u64(&p, end, &a))
			return -1;
		b = a;
		if (p < end && *p == '-') {
			p++;
			if (!parse_u64(&p, end, &b) || b < a)
				return -1;
		}
		if (b >= nbits)
			return -1;
		for (uint64_t c = a; c <= b; c++) {
			if (!(bits[c / 64] & (1ull << (c % 64))))
				count++;
			bits[c / 64] |= 1ull << (c % 64);
		}
		if (p < end && *p == ',')
			p++;
		else if (p < end && *p != '\n')
			return -1;
	}
	return count;
}

int procfs_parse_pid(const char *buf, size_t len, pid_t *out)
{
	const char *p = buf, *end = buf + len;
	uint64_t v;
	if (!parse_u64(&p, end, &v) || v == 0 || v > 0x3fffffff)
		return -1;
	while (p < end && (*p == '\n' || *p == ' '))
		p++;
	if (p != end)
		return -1;
	*out = (pid_t)v;
	return 0;
}

/* Does the comma-separated list [s, e) contain controller? */
static bool list_has(const char *s, const char *e, const char *controller)
{
	size_t cl = strlen(controller);
	while (s < e) {
		const char *comma = memchr(s, ',', (size_t)(e - s));
		const char *te = comma ? comma : e;
		if ((size_t)(te - s) == cl && memcmp(s, controller, cl) == 0)
			return true;
		s = te + 1;
	}
	return false;
}

int procfs_parse_cgroup(const char *buf, size_t len, const char *controller,
			char *path, size_t pathlen)
{
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		/* hierarchy-ID:controller-list:path */
		const char *c1 = memchr(p, ':', (size_t)(eol - p));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
		if (c1 && c2) {
			bool match;
			if (controller)
				match = list_has(c1 + 1, c2, controller);
			else
				match = (c1 - p == 1 && p[0] == '0' && c2 == c1 + 1);
			if (match) {
				size_t l = (size_t)(eol - c2 - 1);
				if (l == 0 || l >= pathlen || c2[1] != '/')
					return -1;
				memcpy(path, c2 + 1, l);
				path[l] = '\0';
				return 0;
			}
		}
		p = eol + 1;
	}
	return -1;
}

ssize_t procfs_read_at(int dirfd, const char *rel, char *buf, size_t size)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	ssize_t n = procfs_pread(fd, buf, size);
	int saved = errno;
	close(fd);
	errno = saved;
	return n;
}

/* Below this, a short read is taken as the end of the file (see procfs_pread). */
#define PROCFS_SHORT_READ_MAX 2048

ssize_t procfs_pread(int fd, char *buf, size_t size)
{
	if (size == 0) {
		errno = EINVAL;
		return -1;
	}
	size_t got = 0;
	for (;;) {
		ssize_t n = pread(fd, buf + got, size - 1 - got, (off_t)got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got == size - 1)
			break;
		/*
		 * A short read of a small file is the whole file: a seq_file
		 * (procfs, cgroupfs) stops early only when its page-sized buffer
		 * is nearly full, sysfs answers in one call, a regular file stops
		 * at its end. One call per file rather than two.
		 */
		if ((size_t)n < size - 1 - (got - (size_t)n) && got < PROCFS_SHORT_READ_MAX)
			break;
	}
	buf[got] = '\0';
	return (ssize_t)got;
}

int procfs_fd_budget(int fd)
{
	if (fd < 0)
		return fd;
	/* Asked each time (a cheap call, and opens are rare): the limit may change under us. */
	struct rlimit rl;
	long limit = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (long)rl.rlim_cur : 1L << 20;
	if (limit > FD_KEEP_MAX + FD_RESERVE)
		limit = FD_KEEP_MAX + FD_RESERVE;
	/* Descriptors are handed out lowest first: the number says how many are in use. */
	if (fd >= limit - FD_RESERVE) {
		close(fd);
		errno = EMFILE;
		return -1;
	}
	return fd;
}
