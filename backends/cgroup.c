/* Map a guest's process to its cgroup by reading /proc/PID/cgroup, never by building names by hand. */
#include "backends/cgroup.h"

#include <stdbool.h>
#include <string.h>

#include "backends/procfs.h"

/* Is name a per-thread leaf libvirt creates below a guest's cgroup? */
static bool is_thread_leaf(const char *name, size_t len)
{
	static const char *const prefixes[] = { "vcpu", "iothread" };
	if (len == 8 && memcmp(name, "emulator", 8) == 0)
		return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]);
		if (len > pl && memcmp(name, prefixes[i], pl) == 0) {
			size_t j;
			for (j = pl; j < len && name[j] >= '0' && name[j] <= '9'; j++)
				;
			if (j == len)
				return true;
		}
	}
	return false;
}

/* Drop the last component of path if pred says so. */
static void strip_last(char *path, bool (*pred)(const char *, size_t))
{
	char *slash = strrchr(path, '/');
	if (!slash)
		return;
	if (pred(slash + 1, strlen(slash + 1)))
		*(slash == path ? slash + 1 : slash) = '\0';
}

static bool is_libvirt_dir(const char *name, size_t len)
{
	return len == 7 && memcmp(name, "libvirt", 7) == 0;
}

int cgroup_guest_path(const char *thread_path, char *out, size_t outlen)
{
	size_t l = strlen(thread_path);
	if (l == 0 || l >= outlen || thread_path[0] != '/')
		return -1;
	memcpy(out, thread_path, l + 1);
	/* Trailing slashes would hide the leaf. */
	while (l > 1 && out[l - 1] == '/')
		out[--l] = '\0';
	strip_last(out, is_thread_leaf);
	strip_last(out, is_libvirt_dir);
	return strcmp(out, "/") == 0 ? -1 : 0;
}

enum cgroup_mode cgroup_from_proc(const char *buf, size_t len, char *out, size_t outlen)
{
	char path[GUEST_CGROUP_MAX];
	if (procfs_parse_cgroup(buf, len, "cpu", path, sizeof(path)) == 0 &&
	    cgroup_guest_path(path, out, outlen) == 0)
		return CGROUP_V1;
	if (procfs_parse_cgroup(buf, len, NULL, path, sizeof(path)) == 0 &&
	    cgroup_guest_path(path, out, outlen) == 0)
		return CGROUP_V2;
	return CGROUP_NONE;
}
