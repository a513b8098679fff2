/* New-guest settings: parsed and checked the same way for the form and for --new-guest. */
#include "config/newguest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const new_guest_keys_help =
	"backend=kvm|lxc name=NAME vcpus=N memory=SIZE disk=SIZE pool=POOL\n"
	"network=none|network:NAME|bridge:NAME iso=PATH template=POOL/VOLUME|PATH|LXC-TEMPLATE\n"
	"template-args=ARGS copy=yes|no start=yes|no   (SIZE: 512M, 8G, ...)";

void new_guest_defaults(struct new_guest *ng)
{
	memset(ng, 0, sizeof(*ng));
	snprintf(ng->backend, sizeof(ng->backend), "kvm");
	ng->vcpus = 1;
	ng->memory_bytes = 512ull << 20;
	ng->disk_bytes = 8ull << 30;
	snprintf(ng->pool, sizeof(ng->pool), "default");
	snprintf(ng->network, sizeof(ng->network), "none");
	ng->start = true;
}

void ng_error(struct ng_errors *errs, const char *field, const char *fmt, ...)
{
	if (errs->n >= NG_MAX_ERRORS)
		return;
	va_list ap;
	snprintf(errs->e[errs->n].field, sizeof(errs->e[0].field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(errs->e[errs->n].msg, sizeof(errs->e[0].msg), fmt, ap);
	va_end(ap);
	errs->n++;
}

const char *ng_error_for(const struct ng_errors *errs, const char *field)
{
	for (unsigned i = 0; i < errs->n; i++)
		if (strcmp(errs->e[i].field, field) == 0)
			return errs->e[i].msg;
	return NULL;
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!s[0] || s[0] == '-')
		return -1;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	double mult = 1;
	switch (*end) {
	case 'k': case 'K': mult = 1024.0; end++; break;
	case 'm': case 'M': mult = 1024.0 * 1024; end++; break;
	case 'g': case 'G': mult = 1024.0 * 1024 * 1024; end++; break;
	case 't': case 'T': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B' || *end == 'b')
		end++;
	if (*end == 'B')
		end++;
	if (*end)
		return -1;
	double bytes = v * mult;
	if (bytes >= 18446744073709551615.0)
		return -1;
	*out = (uint64_t)bytes;
	return 0;
}

static int set_bool(const char *v, bool *out)
{
	if (!strcasecmp(v, "yes") || !strcmp(v, "1") || !strcasecmp(v, "true"))
		*out = true;
	else if (!strcasecmp(v, "no") || !strcmp(v, "0") || !strcasecmp(v, "false"))
		*out = false;
	else
		return -1;
	return 0;
}

int new_guest_set(struct new_guest *ng, const char *setting, struct ng_errors *errs)
{
	const char *eq = strchr(setting, '=');
	char key[32];
	if (!eq || eq == setting || (size_t)(eq - setting) >= sizeof(key)) {
		ng_error(errs, "", "'%.64s' is not KEY=VALUE", setting);
		return -1;
	}
	memcpy(key, setting, (size_t)(eq - setting));
	key[eq - setting] = '\0';
	const char *v = eq + 1;
	uint64_t size;
#define TEXT(field)                                                                       \
	do {                                                                              \
		if (strlen(v) >= sizeof(ng->field)) {                                     \
			ng_error(errs, key, "too long");                                  \
			return -1;                                                        \
		}                                                                         \
		snprintf(ng->field, sizeof(ng->field), "%s", v);                          \
		return 0;                                                                 \
	} while (0)
	if (!strcmp(key, "backend")) {
		if (strcmp(v, "kvm") && strcmp(v, "lxc")) {
			ng_error(errs, key, "kvm or lxc");
			return -1;
		}
		TEXT(backend);
	}
	if (!strcmp(key, "name"))
		TEXT(name);
	if (!strcmp(key, "vcpus")) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 4096) {
			ng_error(errs, key, "a whole number from 1");
			return -1;
		}
		ng->vcpus = (unsigned)n;
		return 0;
	}
	if (!strcmp(key, "memory") || !strcmp(key, "disk")) {
		if (parse_size(v, &size) < 0 || size == 0) {
			ng_error(errs, key, "a size such as 512M or 8G");
			return -1;
		}
		*(!strcmp(key, "memory") ? &ng->memory_bytes : &ng->disk_bytes) = size;
		return 0;
	}
	if (!strcmp(key, "pool"))
		TEXT(pool);
	if (!strcmp(key, "network")) {
		if (strcmp(v, "none") && strncmp(v, "network:", 8) && strncmp(v, "bridge:", 7)) {
			ng_error(errs, key, "none, network:NAME or bridge:NAME");
			return -1;
		}
		TEXT(network);
	}
	if (!strcmp(key, "iso")) {
		ng->source = NG_SOURCE_ISO;
		TEXT(iso);
	}
	if (!strcmp(key, "template")) {
		ng->source = NG_SOURCE_TEMPLATE;
		TEXT(template);
	}
	if (!strcmp(key, "template-args"))
		TEXT(template_args);
	if (!strcmp(key, "copy") || !strcmp(key, "start")) {
		if (set_bool(v, !strcmp(key, "copy") ? &ng->full_copy : &ng->start) < 0) {
			ng_error(errs, key, "yes or no");
			return -1;
		}
		return 0;
	}
#undef TEXT
	ng_error(errs, "", "unknown key '%.32s'", key);
	return -1;
}

int new_guest_check(const struct new_guest *ng, struct ng_errors *errs)
{
	unsigned before = errs->n;
	size_t nl = strlen(ng->name);
	if (!nl)
		ng_error(errs, "name", "a name is needed");
	else if (nl > 64)
		ng_error(errs, "name", "at most 64 characters");
	for (const unsigned char *p = (const unsigned char *)ng->name; *p; p++) {
		/* Letters, digits, '.', '_', '-': safe in a file name, a path and XML. */
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-')) {
			ng_error(errs, "name", "only letters, digits, '.', '_' and '-'");
			break;
		}
	}
	if (ng->name[0] == '.' || ng->name[0] == '-')
		ng_error(errs, "name", "must not start with '.' or '-'");
	if (!strcmp(ng->backend, "lxc")) {
		if (ng->source == NG_SOURCE_ISO)
			ng_error(errs, "iso", "containers are created from a template, not an ISO");
		if (ng->source != NG_SOURCE_TEMPLATE)
			ng_error(errs, "template", "an LXC template is needed (e.g. busybox)");
	} else if (ng->source == NG_SOURCE_NONE) {
		ng_error(errs, "iso", "an ISO or a template is needed");
	}
	return errs->n > before ? -1 : 0;
}
