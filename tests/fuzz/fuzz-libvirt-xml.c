/*
 * libvirt's qemu status XML (/run/libvirt/qemu/NAME.xml) through
 * libvirt_parse_status_xml, with vCPU tables of several sizes; the same
 * bytes as a URI and a name through the small libvirt string checks.
 */
#include "tests/fuzz/fuzz.h"

#include "backends/libvirt.h"

static void parse(const char *buf, size_t size, unsigned max)
{
	pid_t *tids = malloc((max ? max : 1) * sizeof(*tids));
	if (!tids)
		abort();
	pid_t pid = 0;
	unsigned n = 12345;
	if (libvirt_parse_status_xml(buf, size, &pid, tids, max, &n) == 0) {
		FUZZ_ASSERT(pid > 0);
		FUZZ_ASSERT(n <= max);
		for (unsigned i = 0; i < n; i++)
			FUZZ_ASSERT(tids[i] >= 0);
	} else {
		FUZZ_ASSERT(n == 0);
	}
	free(tids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	parse(buf, size, 0);
	parse(buf, size, 1);
	parse(buf, size, 4);
	parse(buf, size, 4096);	/* the backend's MAX_VCPU_TIDS */

	char *s = fuzz_strndup(data, size);
	(void)libvirt_uri_is_local(s);
	(void)libvirt_name_is_path_safe(s);
	free(s);
	return 0;
}
