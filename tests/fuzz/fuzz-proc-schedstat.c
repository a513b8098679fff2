/* /proc/PID/task/TID/schedstat through procfs_parse_schedstat. */
#include "tests/fuzz/fuzz.h"

#include "backends/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_schedstat ss;
	(void)procfs_parse_schedstat((const char *)data, size, &ss);
	return 0;
}
