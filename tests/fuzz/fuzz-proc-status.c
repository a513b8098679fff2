/* /proc/PID/status: the "Key: N kB" lines, and the Cpus_allowed_list line as the sampler reads it. */
#include "tests/fuzz/fuzz.h"

#include "backends/procfs.h"
#include "backends/sampler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {
		"VmSwap:", "VmRSS:", "VmSize:", "VmHWM:", "Threads:", "RssAnon:", "voluntary_ctxt_switches:", "V", "",
	};
	const char *buf = (const char *)data;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		uint64_t v;
		if (procfs_parse_status_kb(buf, size, keys[i], &v) == 0)
			FUZZ_ASSERT(v % 1024 == 0);
	}

	/* As backends/sampler.c does: the rest of the Cpus_allowed_list line, NUL-terminated buffer. */
	char *s = fuzz_strndup(data, size);
	const char *line = strstr(s, "Cpus_allowed_list:");
	if (line) {
		line += strlen("Cpus_allowed_list:");
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		uint64_t *bits = malloc(SAMPLER_MAX_CPUS / 64 * sizeof(*bits));
		if (!bits)
			abort();
		int count = procfs_parse_cpulist(line, len, bits, SAMPLER_MAX_CPUS);
		FUZZ_ASSERT(count <= SAMPLER_MAX_CPUS);
		free(bits);
	}
	free(s);
	return 0;
}
