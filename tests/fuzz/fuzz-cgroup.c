/*
 * cgroup v1 and v2 files: every cgroupfs parser on each input (cpu.stat,
 * io.stat, blkio.throttle.* both halves merged as the probe does, PSI,
 * a single number, memory.stat keys).
 */
#include "tests/fuzz/fuzz.h"

#include "backends/cgroupfs.h"

static void check_io(const struct cgroup_counters *c)
{
	FUZZ_ASSERT(c->n_io_devs <= CGROUP_MAX_IO_DEVS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct cgroup_cpu_stat cs;
	(void)cgroup_parse_cpu_stat(buf, size, &cs);

	struct cgroup_counters *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	if (cgroup_parse_io_stat(buf, size, c) == 0)
		check_io(c);

	/* The bytes file, then the serviced file into the same counters; and the reverse order. */
	memset(c, 0, sizeof(*c));
	(void)cgroup_parse_blkio(buf, size, false, c);
	check_io(c);
	(void)cgroup_parse_blkio(buf, size, true, c);
	check_io(c);
	memset(c, 0, sizeof(*c));
	(void)cgroup_parse_blkio(buf, size, true, c);
	check_io(c);
	/* A second input half merged into a full table must not grow it further. */
	if (size > 1) {
		(void)cgroup_parse_blkio(buf, size / 2, false, c);
		check_io(c);
		(void)cgroup_parse_blkio(buf + size / 2, size - size / 2, true, c);
		check_io(c);
	}
	free(c);

	uint64_t v;
	(void)cgroup_parse_pressure(buf, size, &v);
	(void)cgroup_parse_u64(buf, size, &v);
	static const char *const keys[] = { "swap", "total_swap", "cache", "rss", "" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		(void)cgroup_parse_memory_stat(buf, size, keys[i], &v);
	return 0;
}
