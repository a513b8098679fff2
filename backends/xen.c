/* Xen helpers: a small scanner for libvirt's domain XML, the device-model lookup, stats records. */
#include "backends/xen.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libvirt's domain XML is a few levels deep; anything deeper is not what we expect. */
#define XML_MAX_DEPTH 64
#define XML_TYPE_MAX  16

struct span {
	const char *s;
	size_t len;
};

static bool span_is(struct span sp, const char *word)
{
	size_t l = strlen(word);
	return sp.len == l && memcmp(sp.s, word, l) == 0;
}

static const char *find(const char *p, const char *end, const char *needle)
{
	size_t nl = strlen(needle);
	for (; (size_t)(end - p) >= nl; p++)
		if (memcmp(p, needle, nl) == 0)
			return p;
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == ':';
}

/* Append one code point as UTF-8; 0, surrogates and values past Unicode are refused. */
static bool put_utf8(char *dst, size_t size, size_t *n, unsigned long cp)
{
	char tmp[4];
	size_t l;
	if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return false;
	if (cp < 0x80) {
		tmp[0] = (char)cp;
		l = 1;
	} else if (cp < 0x800) {
		tmp[0] = (char)(0xC0 | (cp >> 6));
		tmp[1] = (char)(0x80 | (cp & 0x3F));
		l = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (char)(0xE0 | (cp >> 12));
		tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		tmp[2] = (char)(0x80 | (cp & 0x3F));
		l = 3;
	} else {
		tmp[0] = (char)(0xF0 | (cp >> 18));
		tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		tmp[3] = (char)(0x80 | (cp & 0x3F));
		l = 4;
	}
	if (*n + l >= size)
		return false;
	memcpy(dst + *n, tmp, l);
	*n += l;
	return true;
}

/*
 * Append text [s, e) to dst (NUL-terminated, *n bytes so far), decoding the
 * five predefined entities and character references, the only ones libvirt
 * writes. Fails when it does not fit or an entity is unknown.
 */
static bool append_text(char *dst, size_t size, size_t *n, const char *s, const char *e)
{
	while (s < e) {
		if (*s != '&') {
			if (*n + 1 >= size)
				return false;
			dst[(*n)++] = *s++;
			continue;
		}
		const char *semi = memchr(s, ';', (size_t)(e - s));
		if (!semi)
			return false;
		struct span ent = {s + 1, (size_t)(semi - s - 1)};
		static const struct {
			const char *name;
			char c;
		} named[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
		unsigned long cp = 0;
		bool ok = false;
		for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
			if (span_is(ent, named[i].name)) {
				cp = (unsigned char)named[i].c;
				ok = true;
			}
		}
		if (!ok && ent.len >= 2 && ent.s[0] == '#') {
			bool hex = ent.s[1] == 'x';
			size_t i = hex ? 2 : 1;
			ok = i < ent.len && ent.len - i <= 8;
			for (; ok && i < ent.len; i++) {
				char c = ent.s[i];
				unsigned d;
				if (c >= '0' && c <= '9')
					d = (unsigned)(c - '0');
				else if (hex && c >= 'a' && c <= 'f')
					d = (unsigned)(c - 'a' + 10);
				else if (hex && c >= 'A' && c <= 'F')
					d = (unsigned)(c - 'A' + 10);
				else
					ok = false;
				if (ok)
					cp = cp * (hex ? 16 : 10) + d;
			}
		}
		if (!ok || !put_utf8(dst, size, n, cp))
			return false;
		s = semi + 1;
	}
	dst[*n] = '\0';
	return true;
}

/* Strip the whitespace libvirt does not write but a hand-edited file may carry. */
static void trim(char *s)
{
	size_t l = strlen(s), b = 0;
	while (l > 0 && is_space(s[l - 1]))
		s[--l] = '\0';
	while (is_space(s[b]))
		b++;
	memmove(s, s + b, l - b + 1);
}

/* The decimal domain id of <domain id='N'>, within Xen's range. */
static bool parse_domid(struct span v, int *out)
{
	if (v.len == 0 || v.len > 5)
		return false;
	int x = 0;
	for (size_t i = 0; i < v.len; i++) {
		if (v.s[i] < '0' || v.s[i] > '9')
			return false;
		x = x * 10 + (v.s[i] - '0');
	}
	if (x > XEN_DOMID_MAX)
		return false;
	*out = x;
	return true;
}

enum capture { CAPTURE_NONE, CAPTURE_TYPE, CAPTURE_EMULATOR };

struct scan {
	struct span stack[XML_MAX_DEPTH];
	unsigned depth;
	bool root_seen, root_closed;
	enum capture capture; /* the element whose text we are in */
	char type[XML_TYPE_MAX];
	size_t type_len;
	bool type_seen, type_overflow;
	char machine[XML_TYPE_MAX];
	size_t emu_len;
	bool emu_seen;
};

/*
 * One start tag from just after '<'. Records the root's id and type, the
 * machine attribute of /domain/os/type, and which text to capture next.
 * Returns the position after '>' or NULL when malformed.
 */
static const char *start_tag(struct scan *sc, const char *p, const char *end,
                             struct xen_domain_info *out)
{
	struct span name = {p, 0};
	while (p < end && is_name_char(*p))
		p++;
	name.len = (size_t)(p - name.s);
	if (name.len == 0 || sc->root_closed || (sc->depth == 0 && sc->root_seen))
		return NULL;
	bool is_root = sc->depth == 0;
	bool is_os_type = sc->depth == 2 && span_is(sc->stack[1], "os") && span_is(name, "type");
	bool xen = false;
	if (is_root && !span_is(name, "domain"))
		return NULL;
	for (;;) {
		bool spaced = false;
		while (p < end && is_space(*p)) {
			p++;
			spaced = true;
		}
		if (p >= end)
			return NULL;
		if (*p == '>' || (*p == '/' && p + 1 < end && p[1] == '>'))
			break;
		struct span an = {p, 0};
		while (p < end && is_name_char(*p))
			p++;
		an.len = (size_t)(p - an.s);
		if (!spaced || an.len == 0)
			return NULL;
		while (p < end && is_space(*p))
			p++;
		if (p >= end || *p != '=')
			return NULL;
		p++;
		while (p < end && is_space(*p))
			p++;
		if (p >= end || (*p != '\'' && *p != '"'))
			return NULL;
		char q = *p++;
		struct span v = {p, 0};
		while (p < end && *p != q && *p != '<')
			p++;
		if (p >= end || *p != q)
			return NULL;
		v.len = (size_t)(p - v.s);
		p++;
		if (is_root && span_is(an, "type"))
			xen = span_is(v, "xen");
		if (is_root && span_is(an, "id") && !parse_domid(v, &out->domid))
			return NULL;
		if (is_os_type && span_is(an, "machine") && v.len < XML_TYPE_MAX) {
			memcpy(sc->machine, v.s, v.len);
			sc->machine[v.len] = '\0';
		}
	}
	if (is_root && !xen)
		return NULL;
	if (is_root)
		sc->root_seen = true;
	bool empty = *p == '/';
	p += empty ? 2 : 1;
	if (empty)
		return p;
	if (sc->depth == XML_MAX_DEPTH)
		return NULL;
	sc->capture = CAPTURE_NONE;
	if (is_os_type && !sc->type_seen)
		sc->capture = CAPTURE_TYPE;
	else if (sc->depth == 2 && span_is(sc->stack[1], "devices") && span_is(name, "emulator") &&
	         !sc->emu_seen)
		sc->capture = CAPTURE_EMULATOR;
	sc->stack[sc->depth++] = name;
	return p;
}

int xen_parse_domain_xml(const char *buf, size_t len, struct xen_domain_info *out)
{
	const char *p = buf, *end = buf + len;
	struct scan sc;
	memset(&sc, 0, sizeof(sc));
	memset(out, 0, sizeof(*out));
	out->domid = -1;

	while (p < end) {
		if (*p != '<') {
			const char *lt = memchr(p, '<', (size_t)(end - p));
			const char *te = lt ? lt : end;
			if (sc.depth == 0) {
				/* Outside the root only whitespace may stand. */
				for (; p < te; p++)
					if (!is_space(*p))
						goto fail;
				continue;
			}
			if (sc.capture == CAPTURE_TYPE &&
			    !append_text(sc.type, sizeof(sc.type), &sc.type_len, p, te))
				sc.type_overflow = true;
			if (sc.capture == CAPTURE_EMULATOR &&
			    !append_text(out->emulator, sizeof(out->emulator), &sc.emu_len, p, te))
				goto fail;
			p = te;
			continue;
		}
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			const char *c = find(p + 4, end, "-->");
			if (!c)
				goto fail;
			p = c + 3;
		} else if (end - p >= 2 && memcmp(p, "<?", 2) == 0) {
			const char *c = find(p + 2, end, "?>");
			if (!c || sc.root_seen)
				goto fail;
			p = c + 2;
		} else if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
			/* libvirt escapes text instead; skip it rather than guess. */
			const char *c = find(p + 9, end, "]]>");
			if (!c || sc.depth == 0)
				goto fail;
			p = c + 3;
		} else if (end - p >= 2 && p[1] == '!') {
			/* A DOCTYPE could declare entities: libvirt never writes one. */
			goto fail;
		} else if (end - p >= 2 && p[1] == '/') {
			const char *n = p + 2, *q = n;
			while (q < end && is_name_char(*q))
				q++;
			struct span name = {n, (size_t)(q - n)};
			while (q < end && is_space(*q))
				q++;
			if (q >= end || *q != '>' || sc.depth == 0)
				goto fail;
			struct span top = sc.stack[sc.depth - 1];
			if (top.len != name.len || memcmp(top.s, name.s, name.len) != 0)
				goto fail;
			if (sc.capture == CAPTURE_TYPE)
				sc.type_seen = true;
			if (sc.capture == CAPTURE_EMULATOR)
				sc.emu_seen = true;
			sc.capture = CAPTURE_NONE;
			if (--sc.depth == 0)
				sc.root_closed = true;
			p = q + 1;
		} else {
			p = start_tag(&sc, p + 1, end, out);
			if (!p)
				goto fail;
		}
	}
	if (!sc.root_closed || !sc.type_seen || sc.type_overflow)
		goto fail;
	trim(sc.type);
	trim(out->emulator);
	for (const char *c = out->emulator; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			goto fail;
	if (strcmp(sc.type, "hvm") == 0)
		out->type = XEN_GUEST_HVM;
	else if (strcmp(sc.type, "xenpvh") == 0)
		out->type = XEN_GUEST_PVH;
	else if (strcmp(sc.type, "linux") == 0 || strcmp(sc.type, "xen") == 0)
		out->type = strcmp(sc.machine, "xenpvh") == 0 ? XEN_GUEST_PVH : XEN_GUEST_PV;
	else
		goto fail;
	return 0;
fail:
	memset(out, 0, sizeof(*out));
	out->domid = -1;
	return -1;
}

/*
 * qemu options libxl passes with a value. Walking argv with this list keeps a
 * value that looks like an option (a guest named "-xen-domid") from being read
 * as one; an option not listed is taken for a flag.
 */
static bool takes_value(struct span opt)
{
	static const char *const opts[] = {
	    "-chardev", "-mon",    "-name",      "-vnc",     "-display",  "-k",        "-spice",
	    "-device",  "-boot",   "-usbdevice", "-soundhw", "-smp",      "-net",      "-netdev",
	    "-machine", "-M",      "-m",         "-drive",   "-serial",   "-parallel", "-monitor",
	    "-pidfile", "-vga",    "-global",    "-cpu",     "-incoming", "-runas",    "-sandbox",
	    "-object",  "-append", "-kernel",    "-initrd",  "-cdrom",    "-hda",      "-hdb",
	    "-hdc",     "-hdd",    "-trace",     "-rtc",     "-qmp",      "-msg",      "-accel",
	};
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (span_is(opt, opts[i]))
			return true;
	return false;
}

int xen_dm_domid_from_cmdline(const char *buf, size_t len, int *domid)
{
	enum { NONE, VALID, INVALID } last = NONE;
	int value = -1;
	const char *p = buf, *end = buf + len;
	struct span argv0 = {p, 0};
	const char *nul = memchr(p, '\0', len);
	if (!nul || nul == p)
		return -1;
	argv0.len = (size_t)(nul - p);
	const char *base = argv0.s;
	for (const char *c = argv0.s; c < nul; c++)
		if (*c == '/')
			base = c + 1;
	if ((size_t)(nul - base) < 4 || memcmp(base, "qemu", 4) != 0)
		return -1;
	p = nul + 1;
	while (p < end) {
		nul = memchr(p, '\0', (size_t)(end - p));
		struct span arg = {p, (size_t)((nul ? nul : end) - p)};
		p = nul ? nul + 1 : end;
		/* qemu accepts --opt for -opt. */
		if (arg.len > 2 && arg.s[0] == '-' && arg.s[1] == '-') {
			arg.s++;
			arg.len--;
		}
		if (span_is(arg, "-xen-domid")) {
			const char *vnul = p < end ? memchr(p, '\0', (size_t)(end - p)) : NULL;
			struct span v = {p, vnul ? (size_t)(vnul - p) : 0};
			/* A value without its NUL may be cut: "1" of "15". */
			if (vnul && parse_domid(v, &value))
				last = VALID;
			else
				last = INVALID;
			p = vnul ? vnul + 1 : end;
		} else if (arg.len > 1 && arg.s[0] == '-' && takes_value(arg)) {
			const char *vnul = p < end ? memchr(p, '\0', (size_t)(end - p)) : NULL;
			p = vnul ? vnul + 1 : end;
		}
	}
	if (last != VALID)
		return -1;
	*domid = value;
	return 0;
}

/* A qemu command line is a few KiB; what does not fit is cut and its last argument refused. */
#define CMDLINE_MAX 65536

pid_t xen_dm_find_pid(const char *proc_root, int domid)
{
	DIR *d = opendir(proc_root);
	if (!d)
		return 0;
	char *buf = malloc(CMDLINE_MAX);
	pid_t best = 0;
	struct dirent *de;
	while (buf && (de = readdir(d))) {
		const char *n = de->d_name;
		long pid = 0;
		size_t i;
		for (i = 0; n[i] >= '0' && n[i] <= '9' && i < 10; i++)
			pid = pid * 10 + (n[i] - '0');
		if (i == 0 || n[i] != '\0' || pid <= 0 || pid > INT_MAX)
			continue;
		char rel[32];
		snprintf(rel, sizeof(rel), "%ld/cmdline", pid);
		int fd = openat(dirfd(d), rel, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue; /* the process left */
		size_t got = 0;
		for (;;) {
			ssize_t r = read(fd, buf + got, CMDLINE_MAX - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
			if (got == CMDLINE_MAX)
				break;
		}
		close(fd);
		int id;
		if (xen_dm_domid_from_cmdline(buf, got, &id) == 0 && id == domid &&
		    (best == 0 || pid < best))
			best = (pid_t)pid;
	}
	free(buf);
	closedir(d);
	return best;
}

/* "N" of a key part: decimal, no sign, no leading zero (libvirt prints %zu), below limit. */
static bool parse_index(const char *s, size_t len, unsigned limit, unsigned *out)
{
	if (len == 0 || len > 9 || (len > 1 && s[0] == '0'))
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v >= limit)
		return false;
	*out = v;
	return true;
}

/*
 * key = prefix "N" suffix? Returns 1 with *idx set, 0 when the key has another
 * shape, -1 when it has this shape with a bad index.
 */
static int indexed(const char *key, const char *prefix, const char *suffix, unsigned limit,
                   unsigned *idx)
{
	size_t kl = strlen(key), pl = strlen(prefix), sl = strlen(suffix);
	if (kl <= pl + sl || memcmp(key, prefix, pl) != 0 || memcmp(key + kl - sl, suffix, sl) != 0)
		return 0;
	const char *n = key + pl;
	size_t nl = kl - pl - sl;
	/* "vcpu.3.state" must not look like a bad "vcpu.N.time". */
	if (memchr(n, '.', nl))
		return 0;
	return parse_index(n, nl, limit, idx) ? 1 : -1;
}

struct sum {
	bool seen[XEN_STATS_MAX_DEVS];
	bool any, overflow;
	uint64_t total;
};

static void sum_add(struct sum *s, unsigned idx, uint64_t v, unsigned *ignored)
{
	if (s->seen[idx]) {
		(*ignored)++;
		return;
	}
	s->seen[idx] = true;
	s->any = true;
	if (v > UINT64_MAX - s->total)
		s->overflow = true;
	else
		s->total += v;
}

int xen_stats_extract(const struct xen_stat_param *params, size_t n, struct xen_dom_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (n && !params)
		return -1;
	struct sum rx, tx, rd, wr;
	memset(&rx, 0, sizeof(rx));
	memset(&tx, 0, sizeof(tx));
	memset(&rd, 0, sizeof(rd));
	memset(&wr, 0, sizeof(wr));
	for (size_t i = 0; i < n; i++) {
		const char *k = params[i].key;
		unsigned long long v = params[i].value;
		unsigned idx;
		int r;
		if (!k) {
			out->ignored++;
		} else if (strcmp(k, "cpu.time") == 0) {
			if (out->has_cpu_time)
				out->ignored++;
			else
				out->cpu_time_ns = v;
			out->has_cpu_time = true;
		} else if (strcmp(k, "vcpu.current") == 0) {
			if (out->has_vcpu_current || v > UINT_MAX) {
				out->ignored++;
			} else {
				out->vcpu_current = (unsigned)v;
				out->has_vcpu_current = true;
			}
		} else if (strcmp(k, "balloon.current") == 0) {
			if (out->has_balloon)
				out->ignored++;
			else
				out->balloon_current_kib = v;
			out->has_balloon = true;
		} else if ((r = indexed(k, "vcpu.", ".time", XEN_STATS_MAX_VCPUS, &idx)) != 0) {
			if (r < 0 || out->vcpu_time_known[idx]) {
				out->ignored++;
				continue;
			}
			out->vcpu_time_known[idx] = true;
			out->vcpu_time_ns[idx] = v;
			if (idx + 1 > out->vcpu_slots)
				out->vcpu_slots = idx + 1;
		} else if ((r = indexed(k, "net.", ".rx.bytes", XEN_STATS_MAX_DEVS, &idx)) != 0) {
			if (r < 0)
				out->ignored++;
			else
				sum_add(&rx, idx, v, &out->ignored);
		} else if ((r = indexed(k, "net.", ".tx.bytes", XEN_STATS_MAX_DEVS, &idx)) != 0) {
			if (r < 0)
				out->ignored++;
			else
				sum_add(&tx, idx, v, &out->ignored);
		} else if ((r = indexed(k, "block.", ".rd.bytes", XEN_STATS_MAX_DEVS, &idx)) != 0) {
			if (r < 0)
				out->ignored++;
			else
				sum_add(&rd, idx, v, &out->ignored);
		} else if ((r = indexed(k, "block.", ".wr.bytes", XEN_STATS_MAX_DEVS, &idx)) != 0) {
			if (r < 0)
				out->ignored++;
			else
				sum_add(&wr, idx, v, &out->ignored);
		}
	}
	out->has_net = (rx.any || tx.any) && !rx.overflow && !tx.overflow;
	if (out->has_net) {
		out->net_rx_bytes = rx.total;
		out->net_tx_bytes = tx.total;
	}
	out->has_block = (rd.any || wr.any) && !rd.overflow && !wr.overflow;
	if (out->has_block) {
		out->block_rd_bytes = rd.total;
		out->block_wr_bytes = wr.total;
	}
	return 0;
}
