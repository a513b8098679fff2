/* Tests of block device naming through libudev against this machine's own disks. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "backends/devname.h"
#include "tests/unit/unit.h"

/* The kernel's name of MAJ:MIN from sysfs, as udev finds it; "" when sysfs has no such device. */
static void sysfs_name(unsigned major, unsigned minor, char *out, size_t size)
{
	char path[64], target[PATH_MAX];
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major, minor);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	out[0] = '\0';
	if (n <= 0)
		return;
	target[n] = '\0';
	const char *base = strrchr(target, '/');
	base = base ? base + 1 : target;
	size_t l = strlen(base);
	ck_assert_uint_lt(l, size);
	memcpy(out, base, l + 1);
}

/* Whatever disk holds the current directory (the repo): udev and sysfs agree on its name. */
START_TEST(devname_real_disk)
{
	struct stat st;
	ck_assert_int_eq(stat(".", &st), 0);
	unsigned major = major(st.st_dev), minor = minor(st.st_dev);
	char want[256], got[64];
	sysfs_name(major, minor, want, sizeof(want));
	devname_lookup(major, minor, got, sizeof(got));
	if (!want[0]) /* overlay or tmpfs: no block device behind it */
		snprintf(want, sizeof(want), "%u:%u", major, minor);
	ck_assert_str_eq(got, want);
	/* Again, from the cache. */
	char again[64];
	devname_lookup(major, minor, again, sizeof(again));
	ck_assert_str_eq(again, got);
	devname_cache_free();
}
END_TEST

START_TEST(devname_unknown_is_numbers)
{
	char got[32];
	devname_lookup(4095, 1048575, got, sizeof(got));
	ck_assert_str_eq(got, "4095:1048575");
	devname_lookup(0, 0, got, sizeof(got));
	ck_assert_str_eq(got, "0:0");
	devname_cache_free();
}
END_TEST

START_TEST(devname_small_buffers)
{
	char got[4] = "xyz";
	devname_lookup(4095, 7, got, 0);
	ck_assert_str_eq(got, "xyz");
	devname_lookup(4095, 7, NULL, 16);
	devname_lookup(4095, 7, got, sizeof(got));
	ck_assert_str_eq(got, "409");
	devname_lookup(4095, 7, got, 1);
	ck_assert_str_eq(got, "");
	devname_cache_free();
	devname_cache_free();
}
END_TEST

/* More devices than cache slots: evicted entries are looked up again, correctly. */
START_TEST(devname_cache_eviction)
{
	char got[32], want[32];
	for (int round = 0; round < 2; round++) {
		for (unsigned m = 0; m < 100; m++) {
			devname_lookup(4000, m, got, sizeof(got));
			snprintf(want, sizeof(want), "4000:%u", m);
			ck_assert_str_eq(got, want);
		}
	}
	devname_cache_free();
}
END_TEST

Suite *devname_suite(void)
{
	Suite *s = suite_create("devname");
	TCase *tc = tcase_create("lookup");
	tcase_add_test(tc, devname_real_disk);
	tcase_add_test(tc, devname_unknown_is_numbers);
	tcase_add_test(tc, devname_small_buffers);
	tcase_add_test(tc, devname_cache_eviction);
	suite_add_tcase(s, tc);
	return s;
}
