/*
 * /proc/PID/cgroup through procfs_parse_cgroup (each v1 controller the
 * backends ask for, and the unified line) and cgroup_from_proc; the same
 * bytes as a CPU list through procfs_parse_cpulist.
 */
#include "tests/fuzz/fuzz.h"

#include "backends/cgroup.h"
#include "backends/procfs.h"

/* Parse into a heap block of exactly pathlen bytes, so a write past it is caught. */
static void one(const char *buf, size_t size, const char *controller, size_t pathlen)
{
	char *path = malloc(pathlen);
	if (!path)
		abort();
	if (procfs_parse_cgroup(buf, size, controller, path, pathlen) == 0) {
		size_t l = strnlen(path, pathlen);
		FUZZ_ASSERT(l > 0 && l < pathlen && path[0] == '/');
	}
	free(path);
}

static void cpulist(const char *buf, size_t size, unsigned nbits)
{
	size_t words = (nbits + 63) / 64;
	uint64_t *bits = malloc((words ? words : 1) * sizeof(*bits));
	if (!bits)
		abort();
	int count = procfs_parse_cpulist(buf, size, bits, nbits);
	FUZZ_ASSERT(count <= (int)nbits);
	free(bits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const controllers[] = { "cpu", "cpuacct", "memory", "blkio", NULL };
	static const size_t pathlens[] = { 1, 2, 16, GUEST_CGROUP_MAX };
	const char *buf = (const char *)data;
	for (size_t c = 0; c < sizeof(controllers) / sizeof(controllers[0]); c++)
		for (size_t l = 0; l < sizeof(pathlens) / sizeof(pathlens[0]); l++)
			one(buf, size, controllers[c], pathlens[l]);

	char out[GUEST_CGROUP_MAX];
	enum cgroup_mode mode = cgroup_from_proc(buf, size, out, sizeof(out));
	if (mode != CGROUP_NONE)
		FUZZ_ASSERT(out[0] == '/' && strnlen(out, sizeof(out)) < sizeof(out));

	cpulist(buf, size, 1);
	cpulist(buf, size, 64);
	cpulist(buf, size, 130);
	cpulist(buf, size, 1024);
	return 0;
}
