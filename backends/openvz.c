/* OpenVZ host figures: pure parsers for beancounters and veinfo, and the failcnt comparison. */
#include "backends/openvz.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TOKENS 8
/* The formats are fixed by the kernel's seq_printf; no line of them comes near this. */
#define READ_LIMIT (64u << 20)

struct token {
	const char *s;
	size_t len;
};

/*
 * The next line [*p, eol) and its whitespace-separated tokens. A line without
 * its newline is a cut file: the kernel ends every line with one.
 * Returns the token count, MAX_TOKENS + 1 when there are too many, -1 when
 * the line has no newline.
 */
static int split_line(const char **p, const char *end, struct token *tok)
{
	const char *s = *p;
	const char *eol = memchr(s, '\n', (size_t)(end - s));
	if (!eol)
		return -1;
	int n = 0;
	while (s < eol) {
		while (s < eol && (*s == ' ' || *s == '\t'))
			s++;
		if (s == eol)
			break;
		const char *t = s;
		while (s < eol && *s != ' ' && *s != '\t')
			s++;
		if (n == MAX_TOKENS)
			return MAX_TOKENS + 1;
		tok[n].s = t;
		tok[n].len = (size_t)(s - t);
		n++;
	}
	*p = eol + 1;
	return n;
}

static bool tok_is(const struct token *t, const char *word)
{
	size_t l = strlen(word);
	return t->len == l && memcmp(t->s, word, l) == 0;
}

/* A whole token as an unsigned decimal; anything else, or more than 64 bits, is refused. */
static bool tok_u64(const struct token *t, uint64_t *out)
{
	if (t->len == 0)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < t->len; i++) {
		char c = t->s[i];
		if (c < '0' || c > '9')
			return false;
		unsigned d = (unsigned)(c - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool tok_u32(const struct token *t, uint32_t *out)
{
	uint64_t v;
	if (!tok_u64(t, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/*
 * A container id: a decimal envid (32 bits in the kernel) or a Virtuozzo 7
 * name. Names reach the console, so only plain characters pass.
 */
static bool tok_id(const struct token *t, char *id, int64_t *ctid)
{
	if (t->len == 0 || t->len >= OPENVZ_ID_MAX)
		return false;
	bool digits = true;
	for (size_t i = 0; i < t->len; i++) {
		char c = t->s[i];
		bool digit = c >= '0' && c <= '9';
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (!digit && !alpha && c != '-' && c != '_' && c != '.')
			return false;
		digits = digits && digit;
	}
	*ctid = -1;
	if (digits) {
		uint32_t v;
		if (!tok_u32(t, &v))
			return false;
		*ctid = v;
	}
	memcpy(id, t->s, t->len);
	id[t->len] = '\0';
	return true;
}

static bool tok_resource_name(const struct token *t, char *name)
{
	if (t->len == 0 || t->len >= UBC_NAME_MAX)
		return false;
	for (size_t i = 0; i < t->len; i++) {
		char c = t->s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	memcpy(name, t->s, t->len);
	name[t->len] = '\0';
	return true;
}

/* name held maxheld barrier limit failcnt, appended to ct. */
static bool add_resource(struct ubc_container *ct, const struct token *t)
{
	if (ct->nres >= UBC_MAX_RESOURCES)
		return false;
	struct ubc_resource *r = &ct->res[ct->nres];
	if (!tok_resource_name(&t[0], r->name) || !tok_u64(&t[1], &r->held) ||
	    !tok_u64(&t[2], &r->maxheld) || !tok_u64(&t[3], &r->barrier) ||
	    !tok_u64(&t[4], &r->limit) || !tok_u64(&t[5], &r->failcnt))
		return false;
	ct->nres++;
	return true;
}

static bool grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return true;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return false;
	*arr = p;
	*cap = ncap;
	return true;
}

int openvz_parse_beancounters(const char *buf, size_t len, struct ubc_snapshot *out)
{
	static const char *const header[] = {"uid",     "resource", "held",   "maxheld",
	                                     "barrier", "limit",    "failcnt"};
	const char *p = buf, *end = buf + len;
	struct token t[MAX_TOKENS];
	size_t cap = 0;
	out->n = 0;
	out->ct = NULL;

	if (split_line(&p, end, t) != 2 || !tok_is(&t[0], "Version:") || !tok_is(&t[1], "2.5"))
		goto fail;
	if (split_line(&p, end, t) != 7)
		goto fail;
	for (int i = 0; i < 7; i++)
		if (!tok_is(&t[i], header[i]))
			goto fail;

	struct ubc_container *cur = NULL;
	while (p < end) {
		int n = split_line(&p, end, t);
		if (n == 7 && t[0].len > 1 && t[0].s[t[0].len - 1] == ':') {
			if (!grow((void **)&out->ct, &cap, out->n, sizeof(*out->ct)))
				goto fail;
			cur = &out->ct[out->n];
			memset(cur, 0, sizeof(*cur));
			struct token id = {t[0].s, t[0].len - 1};
			if (!tok_id(&id, cur->id, &cur->ctid) || openvz_ubc_find(out, cur->id))
				goto fail;
			out->n++;
			if (!add_resource(cur, &t[1]))
				goto fail;
		} else if (n == 6 && cur) {
			if (!add_resource(cur, t))
				goto fail;
		} else {
			goto fail;
		}
	}
	return 0;
fail:
	openvz_ubc_free(out);
	return -1;
}

void openvz_ubc_free(struct ubc_snapshot *s)
{
	free(s->ct);
	s->ct = NULL;
	s->n = 0;
}

const struct ubc_container *openvz_ubc_find(const struct ubc_snapshot *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->ct[i].id, id) == 0)
			return &s->ct[i];
	return NULL;
}

const struct ubc_resource *openvz_ubc_resource(const struct ubc_container *ct, const char *name)
{
	for (unsigned i = 0; i < ct->nres; i++)
		if (strcmp(ct->res[i].name, name) == 0)
			return &ct->res[i];
	return NULL;
}

int openvz_parse_bc_resources(const char *buf, size_t len, struct ubc_container *out)
{
	const char *p = buf, *end = buf + len;
	struct token t[MAX_TOKENS];
	memset(out, 0, sizeof(*out));
	out->ctid = -1;
	while (p < end) {
		if (split_line(&p, end, t) != 6 || !add_resource(out, t)) {
			out->nres = 0;
			return -1;
		}
	}
	return out->nres ? 0 : -1;
}

bool ubc_is_unlimited(uint64_t v)
{
	return v == (uint64_t)INT64_MAX || v == (uint64_t)INT32_MAX;
}

/* The kernel lists containers in a stable order: try the same position before searching. */
static const struct ubc_container *match_container(const struct ubc_snapshot *prev, size_t hint,
                                                   const char *id)
{
	if (hint < prev->n && strcmp(prev->ct[hint].id, id) == 0)
		return &prev->ct[hint];
	return openvz_ubc_find(prev, id);
}

/* Same position first for the same reason; "dummy" repeats, so a name alone is ambiguous. */
static const struct ubc_resource *match_resource(const struct ubc_container *ct, unsigned hint,
                                                 const char *name)
{
	if (hint < ct->nres && strcmp(ct->res[hint].name, name) == 0)
		return &ct->res[hint];
	return openvz_ubc_resource(ct, name);
}

int openvz_ubc_failcnt_increases(const struct ubc_snapshot *prev, const struct ubc_snapshot *cur,
                                 struct ubc_fail **out)
{
	struct ubc_fail *list = NULL;
	size_t n = 0, cap = 0;
	*out = NULL;
	for (size_t i = 0; i < cur->n; i++) {
		const struct ubc_container *c = &cur->ct[i];
		const struct ubc_container *b = match_container(prev, i, c->id);
		if (!b)
			continue;
		struct ubc_fail f;
		memset(&f, 0, sizeof(f));
		for (unsigned r = 0; r < c->nres; r++) {
			const struct ubc_resource *br = match_resource(b, r, c->res[r].name);
			if (!br || c->res[r].failcnt <= br->failcnt)
				continue;
			memcpy(f.res[f.nres].name, c->res[r].name, UBC_NAME_MAX);
			f.res[f.nres].failcnt = c->res[r].failcnt;
			f.res[f.nres].delta = c->res[r].failcnt - br->failcnt;
			f.nres++;
		}
		if (!f.nres)
			continue;
		memcpy(f.id, c->id, OPENVZ_ID_MAX);
		f.ctid = c->ctid;
		if (n > INT_MAX - 1 || !grow((void **)&list, &cap, n, sizeof(*list))) {
			free(list);
			return -1;
		}
		list[n++] = f;
	}
	*out = list;
	return (int)n;
}

/* An address as the kernel prints it (" %15s" for IPv4, " %39s" for IPv6), checked by inet_pton. */
static bool tok_ip(const struct token *t, char *ip)
{
	unsigned char bin[16];
	if (t->len == 0 || t->len >= VE_IP_MAX)
		return false;
	memcpy(ip, t->s, t->len);
	ip[t->len] = '\0';
	return inet_pton(AF_INET, ip, bin) == 1 || inet_pton(AF_INET6, ip, bin) == 1;
}

int openvz_parse_veinfo(const char *buf, size_t len, struct veinfo_list *out)
{
	const char *p = buf, *end = buf + len;
	size_t cap = 0;
	out->n = 0;
	out->ve = NULL;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			goto fail;
		/* A container may carry more addresses than MAX_TOKENS: walk the line by hand. */
		const char *s = p;
		p = eol + 1;
		struct token t;
		int field = 0;
		struct ve_info *ve = NULL;
		while (s < eol) {
			while (s < eol && (*s == ' ' || *s == '\t'))
				s++;
			if (s == eol)
				break;
			t.s = s;
			while (s < eol && *s != ' ' && *s != '\t')
				s++;
			t.len = (size_t)(s - t.s);
			if (field == 0) {
				if (!grow((void **)&out->ve, &cap, out->n, sizeof(*out->ve)))
					goto fail;
				ve = &out->ve[out->n];
				memset(ve, 0, sizeof(*ve));
				if (!tok_id(&t, ve->id, &ve->ctid))
					goto fail;
				for (size_t i = 0; i < out->n; i++)
					if (strcmp(out->ve[i].id, ve->id) == 0)
						goto fail;
				out->n++;
			} else if (field == 1) {
				if (!tok_u32(&t, &ve->class_id))
					goto fail;
			} else if (field == 2) {
				if (!tok_u32(&t, &ve->nproc))
					goto fail;
			} else {
				char ip[VE_IP_MAX];
				if (!tok_ip(&t, ip) || ve->nip_total == UINT_MAX)
					goto fail;
				if (ve->nip < VE_MAX_IPS)
					memcpy(ve->ip[ve->nip++], ip, VE_IP_MAX);
				ve->nip_total++;
			}
			field++;
		}
		if (field < 3)
			goto fail;
	}
	return 0;
fail:
	openvz_veinfo_free(out);
	return -1;
}

void openvz_veinfo_free(struct veinfo_list *l)
{
	free(l->ve);
	l->ve = NULL;
	l->n = 0;
}

char *openvz_read_file(const char *proc_root, const char *rel, size_t *len)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", proc_root, rel);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t size = 16384, got = 0;
	char *buf = malloc(size);
	if (!buf)
		goto fail;
	for (;;) {
		if (got + 1 == size) {
			if (size >= READ_LIMIT) {
				errno = EFBIG;
				goto fail;
			}
			char *nb = realloc(buf, size * 2);
			if (!nb)
				goto fail;
			buf = nb;
			size *= 2;
		}
		ssize_t r = read(fd, buf + got, size - 1 - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
fail:;
	int saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}
