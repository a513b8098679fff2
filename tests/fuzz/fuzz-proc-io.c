/* /proc/PID/io through procfs_parse_io. */
#include "tests/fuzz/fuzz.h"

#include "backends/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_io io;
	(void)procfs_parse_io((const char *)data, size, &io);
	return 0;
}
