/* /proc/PID/stat (and task/TID/stat) through procfs_parse_stat; a pid file through procfs_parse_pid. */
#include "tests/fuzz/fuzz.h"

#include "backends/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct proc_stat st;
	if (procfs_parse_stat(buf, size, &st) == 0) {
		FUZZ_ASSERT(memchr(st.comm, '\0', sizeof(st.comm)) != NULL);
		FUZZ_ASSERT(st.processor >= -1);
	}
	/* libvirt's NAME.pid files: one number, read with the same small parser. */
	pid_t pid;
	if (procfs_parse_pid(buf, size, &pid) == 0)
		FUZZ_ASSERT(pid > 0);
	return 0;
}
