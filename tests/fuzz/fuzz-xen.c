/*
 * Xen: a domain's libvirt XML through xen_parse_domain_xml, the same bytes as
 * a device model's /proc/PID/cmdline through xen_dm_domid_from_cmdline, and
 * as "key value" lines (a stats record) through xen_stats_extract.
 */
#include "tests/fuzz/fuzz.h"

#include "backends/xen.h"

#define MAX_PARAMS 256

static void stats(const char *s)
{
	struct xen_stat_param *params = calloc(MAX_PARAMS, sizeof(*params));
	char *copy = strdup(s);
	if (!params || !copy)
		abort();
	size_t n = 0;
	for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line && n < MAX_PARAMS;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (sp)
			*sp++ = '\0';
		/* A line "-" stands for a parameter without a name. */
		params[n].key = strcmp(line, "-") == 0 ? NULL : line;
		params[n].value = sp ? strtoull(sp, NULL, 0) : 0;
		n++;
	}
	struct xen_dom_stats *out = malloc(sizeof(*out));
	if (!out)
		abort();
	if (xen_stats_extract(params, n, out) == 0) {
		FUZZ_ASSERT(out->vcpu_slots <= XEN_STATS_MAX_VCPUS);
		FUZZ_ASSERT(out->ignored <= n);
	}
	FUZZ_ASSERT(xen_stats_extract(NULL, 1, out) == -1);
	free(out);
	free(copy);
	free(params);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct xen_domain_info info;
	if (xen_parse_domain_xml(buf, size, &info) == 0) {
		FUZZ_ASSERT(memchr(info.emulator, '\0', sizeof(info.emulator)) != NULL);
		FUZZ_ASSERT(info.type != XEN_GUEST_UNKNOWN);
	}
	int domid;
	if (xen_dm_domid_from_cmdline(buf, size, &domid) == 0)
		FUZZ_ASSERT(domid >= 0 && domid <= XEN_DOMID_MAX);

	char *s = fuzz_strndup(data, size);
	stats(s);
	free(s);
	return 0;
}
