/* Tests of the cgroup file readers on a captured hybrid host and on the trees derived from it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/cgroup.h"
#include "backends/cgroupfs.h"
#include "tests/unit/unit.h"

/* The captured guest (gt-lab-cg-disk, domain 74) and its stand-ins in the derived trees. */
#define HY       "cgroup-v1-hybrid"
#define HY_GUEST "/machine/qemu-74-gt-lab-cg-disk.libvirt-qemu"
#define HY_FS    HY "/sys/fs/cgroup"
#define V2       "cgroup-v2-systemd"
#define V2_GUEST "/machine.slice/machine-qemu\\x2d3\\x2dweb.scope"
#define V2_FS    V2 "/sys/fs/cgroup"
#define V1       "cgroup-v1-systemd"
#define V1_GUEST "/machine.slice/machine-qemu\\x2d1\\x2ddb\\x2d1.scope"
#define V1_FS    V1 "/sys/fs/cgroup"

/* The captured figures, as the files show them. */
#define REAL_USAGE_USEC   5752623ULL
#define REAL_THROTTLED_NS 55000711347ULL
#define REAL_PERIODS      619
#define REAL_THROTTLED    560
#define REAL_MEM          22769664ULL
#define REAL_READ_BYTES   71266304ULL
#define REAL_READ_IOS     2192ULL
#define REAL_PSI_CPU      51065528ULL
#define REAL_PSI_IO       4634ULL

/* ---------------------------------------------------------------- cpu.stat */

static int cpu_stat_of(const char *rel, struct cgroup_cpu_stat *cs)
{
	size_t len;
	char *buf = fixture_load(rel, &len);
	int rc = cgroup_parse_cpu_stat(buf, len, cs);
	free(buf);
	return rc;
}

static int cpu_stat_str(const char *text, struct cgroup_cpu_stat *cs)
{
	size_t len;
	char *buf = exact_copy(text, &len);
	int rc = cgroup_parse_cpu_stat(buf, len, cs);
	free(buf);
	return rc;
}

START_TEST(cpu_stat_v1_real)
{
	struct cgroup_cpu_stat cs;
	ck_assert_int_eq(cpu_stat_of(HY_FS "/cpu" HY_GUEST "/cpu.stat", &cs), 0);
	ck_assert(!cs.have_usage);
	ck_assert_uint_eq(cs.nr_periods, REAL_PERIODS);
	ck_assert_uint_eq(cs.nr_throttled, REAL_THROTTLED);
	ck_assert_uint_eq(cs.throttled_ns, REAL_THROTTLED_NS);
}
END_TEST

/* The unified mount of a hybrid host has no cpu controller: usage only, with nice_usec. */
START_TEST(cpu_stat_v2_core_only_real)
{
	struct cgroup_cpu_stat cs;
	ck_assert_int_eq(cpu_stat_of(HY_FS "/unified" HY_GUEST "/cpu.stat", &cs), 0);
	ck_assert(cs.have_usage);
	ck_assert_uint_eq(cs.usage_ns, REAL_USAGE_USEC * 1000);
	ck_assert_uint_eq(cs.nr_periods, 0);
	ck_assert_uint_eq(cs.throttled_ns, 0);
}
END_TEST

START_TEST(cpu_stat_v2_full)
{
	struct cgroup_cpu_stat cs;
	ck_assert_int_eq(cpu_stat_of(V2_FS V2_GUEST "/cpu.stat", &cs), 0);
	ck_assert(cs.have_usage);
	ck_assert_uint_eq(cs.usage_ns, REAL_USAGE_USEC * 1000);
	ck_assert_uint_eq(cs.nr_periods, REAL_PERIODS);
	ck_assert_uint_eq(cs.nr_throttled, REAL_THROTTLED);
	/* The kernel truncates to µs (do_div by NSEC_PER_USEC). */
	ck_assert_uint_eq(cs.throttled_ns, REAL_THROTTLED_NS / 1000 * 1000);
}
END_TEST

START_TEST(cpu_stat_edges_accepted)
{
	struct cgroup_cpu_stat cs;
	/* No final newline; blank lines; unknown keys of later kernels. */
	ck_assert_int_eq(cpu_stat_str("usage_usec 5", &cs), 0);
	ck_assert_uint_eq(cs.usage_ns, 5000);
	ck_assert_int_eq(
	    cpu_stat_str("\nnr_periods 3\n\ncore_sched.force_idle_usec 9\nwait_sum 4\n", &cs), 0);
	ck_assert_uint_eq(cs.nr_periods, 3);
	ck_assert(!cs.have_usage);
	/* The largest µs figure that still fits in ns. */
	ck_assert_int_eq(cpu_stat_str("usage_usec 18446744073709551\n", &cs), 0);
	ck_assert_uint_eq(cs.usage_ns, 18446744073709551000ULL);
	ck_assert_int_eq(cpu_stat_str("throttled_time 18446744073709551615\n", &cs), 0);
	ck_assert_uint_eq(cs.throttled_ns, UINT64_MAX);
}
END_TEST

static const char *const cpu_stat_noise[] = {
    "",
    "\n\n",
    "hello world\n",
    "usage_usec\n",
    "usage_usec x\n",
    "usage_usec -5\n",
    "usage_usec 12 \n",
    "usage_usec  12\n",
    " usage_usec 12\n",
    "usage_usec 99999999999999999999999\n",
    "usage_usec 18446744073709552\n", /* fits in µs, not in ns */
    "throttled_usec 18446744073709552\n",
    "nice_usec 0\nuser_usec 1\n", /* no key we use */
    "nr_periods 619\nnr_throttled\n",
    "usage_usec 1\tnr_periods 2\n",
};

START_TEST(cpu_stat_noise_rejected)
{
	struct cgroup_cpu_stat cs;
	ck_assert_msg(cpu_stat_str(cpu_stat_noise[_i], &cs) == -1, "noise %d accepted", _i);
}
END_TEST

/* A NUL inside the buffer (the parsers never rely on one at the end). */
START_TEST(cpu_stat_nul_inside)
{
	static const char text[] = "usage_usec 1\0 2\n";
	struct cgroup_cpu_stat cs;
	char *buf = malloc(sizeof(text) - 1);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, text, sizeof(text) - 1);
	ck_assert_int_eq(cgroup_parse_cpu_stat(buf, sizeof(text) - 1, &cs), -1);
	free(buf);
}
END_TEST

START_TEST(cpu_stat_garbage_file)
{
	struct cgroup_cpu_stat cs;
	ck_assert_int_eq(cpu_stat_of("noise/garbage-text", &cs), -1);
	ck_assert_int_eq(cpu_stat_of("noise/empty", &cs), -1);
	ck_assert_int_eq(cpu_stat_of("noise/stat-garbage", &cs), -1);
}
END_TEST

/* ---------------------------------------------------------------- single numbers */

static int u64_str(const char *text, uint64_t *v)
{
	size_t len;
	char *buf = exact_copy(text, &len);
	int rc = cgroup_parse_u64(buf, len, v);
	free(buf);
	return rc;
}

static int u64_of(const char *rel, uint64_t *v)
{
	size_t len;
	char *buf = fixture_load(rel, &len);
	int rc = cgroup_parse_u64(buf, len, v);
	free(buf);
	return rc;
}

START_TEST(u64_real)
{
	uint64_t v;
	ck_assert_int_eq(u64_of(HY_FS "/memory" HY_GUEST "/memory.usage_in_bytes", &v), 0);
	ck_assert_uint_eq(v, REAL_MEM);
	ck_assert_int_eq(u64_of(HY_FS "/cpuacct/cpuacct.usage", &v), 0);
	ck_assert_uint_eq(v, 1724906628863ULL);
	ck_assert_int_eq(u64_of(V2_FS V2_GUEST "/memory.current", &v), 0);
	ck_assert_uint_eq(v, REAL_MEM);
	ck_assert_int_eq(u64_of(V2_FS V2_GUEST "/memory.swap.current", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(u64_of(V1_FS "/cpu,cpuacct" V1_GUEST "/cpuacct.usage", &v), 0);
	ck_assert_uint_eq(v, REAL_USAGE_USEC * 1000);
	ck_assert_int_eq(u64_str("18446744073709551615", &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(u64_str("0\n", &v), 0);
	ck_assert_uint_eq(v, 0);
}
END_TEST

static const char *const u64_noise[] = {
    "",
    "\n",
    "max\n",
    "12a\n",
    "-1\n",
    "1 2\n",
    "18446744073709551616\n",
    "99999999999999999999999\n",
    "0x10\n",
};

START_TEST(u64_noise_rejected)
{
	uint64_t v = 77;
	ck_assert_msg(u64_str(u64_noise[_i], &v) == -1, "'%s' accepted", u64_noise[_i]);
	ck_assert_uint_eq(v, 77);
}
END_TEST

/* ---------------------------------------------------------------- memory.stat */

static int memstat_str(const char *text, const char *key, uint64_t *v)
{
	size_t len;
	char *buf = exact_copy(text, &len);
	int rc = cgroup_parse_memory_stat(buf, len, key, v);
	free(buf);
	return rc;
}

START_TEST(memory_stat_real)
{
	size_t len;
	char *buf = fixture_load(HY_FS "/memory" HY_GUEST "/memory.stat", &len);
	uint64_t v;
	ck_assert_int_eq(cgroup_parse_memory_stat(buf, len, "total_swap", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(cgroup_parse_memory_stat(buf, len, "swap", &v), 0);
	ck_assert_uint_eq(v, 0);
	/* A key is a whole word: "rss" is not "rss_huge", nor the reverse. */
	ck_assert_int_eq(cgroup_parse_memory_stat(buf, len, "rss", &v), 0);
	ck_assert_uint_eq(v, 15110144);
	ck_assert_int_eq(cgroup_parse_memory_stat(buf, len, "rss_huge", &v), 0);
	ck_assert_uint_eq(v, 4194304);
	ck_assert_int_eq(cgroup_parse_memory_stat(buf, len, "hierarchical_memory_limit", &v), 0);
	ck_assert_uint_eq(v, 9223372036854771712ULL);
	/* The last line, no key after it. */
	ck_assert_int_eq(cgroup_parse_memory_stat(buf, len, "total_unevictable", &v), 0);
	ck_assert_uint_eq(v, 0);
	v = 5;
	ck_assert_int_eq(cgroup_parse_memory_stat(buf, len, "rss_h", &v), -1);
	ck_assert_int_eq(cgroup_parse_memory_stat(buf, len, "nope", &v), -1);
	ck_assert_int_eq(cgroup_parse_memory_stat(buf, len, "", &v), -1);
	ck_assert_int_eq(cgroup_parse_memory_stat(buf, len, NULL, &v), -1);
	ck_assert_uint_eq(v, 5);
	free(buf);
}
END_TEST

START_TEST(memory_stat_noise)
{
	uint64_t v;
	ck_assert_int_eq(memstat_str("", "swap", &v), -1);
	ck_assert_int_eq(memstat_str("swap", "swap", &v), -1);
	ck_assert_int_eq(memstat_str("swap \n", "swap", &v), -1);
	ck_assert_int_eq(memstat_str("swap x\n", "swap", &v), -1);
	ck_assert_int_eq(memstat_str("swap 99999999999999999999999\n", "swap", &v), -1);
	ck_assert_int_eq(memstat_str("swapcached 4\n", "swap", &v), -1);
	ck_assert_int_eq(memstat_str("garbage\x01\xff\nswap 3", "swap", &v), 0);
	ck_assert_uint_eq(v, 3);
}
END_TEST

/* ---------------------------------------------------------------- io.stat */

static int io_stat_str(const char *text, struct cgroup_counters *c)
{
	size_t len;
	char *buf = exact_copy(text, &len);
	memset(c, 0, sizeof(*c));
	int rc = cgroup_parse_io_stat(buf, len, c);
	free(buf);
	return rc;
}

START_TEST(io_stat_derived)
{
	size_t len;
	char *buf = fixture_load(V2_FS V2_GUEST "/io.stat", &len);
	struct cgroup_counters c;
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(cgroup_parse_io_stat(buf, len, &c), 0);
	free(buf);
	ck_assert(c.have_io);
	ck_assert_uint_eq(c.io_rbytes, REAL_READ_BYTES);
	ck_assert_uint_eq(c.io_wbytes, 0);
	ck_assert_uint_eq(c.io_rios, REAL_READ_IOS);
	ck_assert_uint_eq(c.io_wios, 0);
	ck_assert_uint_eq(c.n_io_devs, 1);
	ck_assert_uint_eq(c.io_devs[0].major, 254);
	ck_assert_uint_eq(c.io_devs[0].minor, 0);
	ck_assert_uint_eq(c.io_devs[0].rbytes, REAL_READ_BYTES);
	ck_assert_uint_eq(c.io_devs[0].rios, REAL_READ_IOS);
}
END_TEST

/* Several devices, policy keys (iocost, iolatency) and a device line without counters. */
START_TEST(io_stat_devices_summed)
{
	struct cgroup_counters c;
	ck_assert_int_eq(
	    io_stat_str(
	        "8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n"
	        "8:0 rbytes=90430464 wbytes=299008000 rios=8950 wios=1252 dbytes=50331648 dios=3021"
	        " cost.vrate=100.00 cost.usage=7 cost.wait=0 cost.indebt=0 cost.indelay=0\n"
	        "253:0 rbytes=10 wbytes=20 rios=1 wios=2 depth=max avg_lat=0 win=0\n"
	        "259:1 \n",
	        &c),
	    0);
	ck_assert_uint_eq(c.io_rbytes, 1459200ULL + 90430464ULL + 10);
	ck_assert_uint_eq(c.io_wbytes, 314773504ULL + 299008000ULL + 20);
	ck_assert_uint_eq(c.io_rios, 192 + 8950 + 1);
	ck_assert_uint_eq(c.io_wios, 353 + 1252 + 2);
	ck_assert_uint_eq(c.n_io_devs, 4);
	ck_assert_uint_eq(c.io_devs[1].major, 8);
	ck_assert_uint_eq(c.io_devs[1].minor, 0);
	ck_assert_uint_eq(c.io_devs[1].wbytes, 299008000ULL);
	ck_assert_uint_eq(c.io_devs[3].major, 259);
	ck_assert_uint_eq(c.io_devs[3].rbytes, 0);
}
END_TEST

/* A cgroup that did no I/O has an empty io.stat: zero, and known. */
START_TEST(io_stat_empty_is_zero)
{
	struct cgroup_counters c;
	ck_assert_int_eq(io_stat_str("", &c), 0);
	ck_assert(c.have_io);
	ck_assert_uint_eq(c.n_io_devs, 0);
	ck_assert_uint_eq(c.io_rbytes, 0);
	ck_assert_int_eq(io_stat_str("\n", &c), 0);
}
END_TEST

START_TEST(io_stat_many_devices)
{
	char text[4096] = "";
	size_t off = 0;
	for (int i = 0; i < CGROUP_MAX_IO_DEVS + 4; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
		                        "8:%d rbytes=100 wbytes=10 rios=2 wios=1 dbytes=0 dios=0\n",
		                        i * 16);
	struct cgroup_counters c;
	ck_assert_int_eq(io_stat_str(text, &c), 0);
	ck_assert_uint_eq(c.n_io_devs, CGROUP_MAX_IO_DEVS);
	/* The sums still count the devices that did not fit in the table. */
	ck_assert_uint_eq(c.io_rbytes, 100 * (CGROUP_MAX_IO_DEVS + 4));
	ck_assert_uint_eq(c.io_wios, CGROUP_MAX_IO_DEVS + 4);
	ck_assert_uint_eq(c.io_devs[CGROUP_MAX_IO_DEVS - 1].minor, (CGROUP_MAX_IO_DEVS - 1) * 16);
}
END_TEST

START_TEST(io_stat_sum_saturates)
{
	struct cgroup_counters c;
	ck_assert_int_eq(io_stat_str("8:0 rbytes=18446744073709551615\n8:16 rbytes=5\n", &c), 0);
	ck_assert_uint_eq(c.io_rbytes, UINT64_MAX);
}
END_TEST

static const char *const io_stat_noise[] = {
    "hello world\n",
    "8:0 rbytes\n",
    "8:0rbytes=1\n",
    "x:0 rbytes=1\n",
    "8: rbytes=1\n",
    "8 rbytes=1\n",
    "8:0 rbytes=abc\n",
    "8:0 rbytes=-1\n",
    "8:0 rbytes=99999999999999999999999\n",
    "8:0 =5\n",
    "8:0 rbytes=1 wios=\n",
    "99999999999:0 rbytes=1\n",
    "8:0 rbytes=1\ngarbage\n",
};

START_TEST(io_stat_noise_rejected)
{
	struct cgroup_counters c;
	ck_assert_msg(io_stat_str(io_stat_noise[_i], &c) == -1, "noise %d accepted", _i);
	ck_assert(!c.have_io);
	ck_assert_uint_eq(c.n_io_devs, 0);
}
END_TEST

/* ---------------------------------------------------------------- blkio */

static int blkio_str(const char *text, bool serviced, struct cgroup_counters *c)
{
	size_t len;
	char *buf = exact_copy(text, &len);
	int rc = cgroup_parse_blkio(buf, len, serviced, c);
	free(buf);
	return rc;
}

START_TEST(blkio_real)
{
	struct cgroup_counters c;
	memset(&c, 0, sizeof(c));
	size_t len;
	char *buf = fixture_load(HY_FS "/blkio" HY_GUEST "/blkio.throttle.io_service_bytes", &len);
	ck_assert_int_eq(cgroup_parse_blkio(buf, len, false, &c), 0);
	free(buf);
	/* Read only: neither the device's "Total" nor the final "Total" line is added again. */
	ck_assert_uint_eq(c.io_rbytes, REAL_READ_BYTES);
	ck_assert_uint_eq(c.io_wbytes, 0);
	buf = fixture_load(HY_FS "/blkio" HY_GUEST "/blkio.throttle.io_serviced", &len);
	ck_assert_int_eq(cgroup_parse_blkio(buf, len, true, &c), 0);
	free(buf);
	ck_assert(c.have_io);
	ck_assert_uint_eq(c.io_rbytes, REAL_READ_BYTES);
	ck_assert_uint_eq(c.io_rios, REAL_READ_IOS);
	ck_assert_uint_eq(c.io_wios, 0);
	ck_assert_uint_eq(c.n_io_devs, 1);
	ck_assert_uint_eq(c.io_devs[0].major, 254);
	ck_assert_uint_eq(c.io_devs[0].minor, 0);
	ck_assert_uint_eq(c.io_devs[0].rbytes, REAL_READ_BYTES);
	ck_assert_uint_eq(c.io_devs[0].rios, REAL_READ_IOS);
}
END_TEST

/* Two devices, the serviced file listing them in the other order: entries still pair up. */
START_TEST(blkio_two_devices_merge)
{
	struct cgroup_counters c;
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(
	    blkio_str("8:16 Read 4096\n8:16 Write 8192\n8:16 Sync 12288\n8:16 Async 0\n"
	              "8:16 Discard 512\n8:16 Total 12800\n"
	              "8:0 Read 100\n8:0 Write 0\n8:0 Sync 100\n8:0 Async 0\n8:0 Discard 0\n"
	              "8:0 Total 100\nTotal 12900\n",
	              false, &c),
	    0);
	ck_assert_int_eq(
	    blkio_str(
	        "8:0 Read 1\n8:0 Write 0\n8:0 Sync 1\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 1\n"
	        "8:16 Read 2\n8:16 Write 3\n8:16 Sync 5\n8:16 Async 0\n8:16 Discard 1\n"
	        "8:16 Total 6\nTotal 7\n",
	        true, &c),
	    0);
	ck_assert_uint_eq(c.io_rbytes, 4196);
	ck_assert_uint_eq(c.io_wbytes, 8192);
	ck_assert_uint_eq(c.io_rios, 3);
	ck_assert_uint_eq(c.io_wios, 3);
	ck_assert_uint_eq(c.n_io_devs, 2);
	ck_assert_uint_eq(c.io_devs[0].minor, 16);
	ck_assert_uint_eq(c.io_devs[0].rbytes, 4096);
	ck_assert_uint_eq(c.io_devs[0].rios, 2);
	ck_assert_uint_eq(c.io_devs[0].wios, 3);
	ck_assert_uint_eq(c.io_devs[1].minor, 0);
	ck_assert_uint_eq(c.io_devs[1].rbytes, 100);
	ck_assert_uint_eq(c.io_devs[1].rios, 1);
}
END_TEST

/* What this kernel shows for a guest without a throttle rule. */
START_TEST(blkio_total_only)
{
	struct cgroup_counters c;
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(blkio_str("Total 0\n", false, &c), 0);
	ck_assert(c.have_io);
	ck_assert_uint_eq(c.n_io_devs, 0);
	ck_assert_uint_eq(c.io_rbytes, 0);
}
END_TEST

static const char *const blkio_noise[] = {
    "",
    "\n",
    "hello world\n",
    "8:0 Read\n",
    "8:0 Read x\n",
    "8:0 Read -1\n",
    "8:0  Read 1\n",
    "8:0 Read 99999999999999999999999\nTotal 0\n",
    "Total\n",
    "Total x\n",
    "8:0\n",
    "8:0 Read 1\n8:0 Write 1\nbogus 5\nTotal 2\n",
    "8:0 rbytes=1 wbytes=2\n",
};

START_TEST(blkio_noise_rejected)
{
	struct cgroup_counters c;
	memset(&c, 0, sizeof(c));
	ck_assert_msg(blkio_str(blkio_noise[_i], _i % 2, &c) == -1, "noise %d accepted", _i);
	ck_assert(!c.have_io);
	ck_assert_uint_eq(c.n_io_devs, 0);
}
END_TEST

/* ---------------------------------------------------------------- pressure */

static int psi_of(const char *rel, uint64_t *v)
{
	size_t len;
	char *buf = fixture_load(rel, &len);
	int rc = cgroup_parse_pressure(buf, len, v);
	free(buf);
	return rc;
}

static int psi_str(const char *text, uint64_t *v)
{
	size_t len;
	char *buf = exact_copy(text, &len);
	int rc = cgroup_parse_pressure(buf, len, v);
	free(buf);
	return rc;
}

START_TEST(pressure_real)
{
	uint64_t v;
	ck_assert_int_eq(psi_of(HY_FS "/unified" HY_GUEST "/cpu.pressure", &v), 0);
	ck_assert_uint_eq(v, REAL_PSI_CPU);
	ck_assert_int_eq(psi_of(HY_FS "/unified" HY_GUEST "/io.pressure", &v), 0);
	ck_assert_uint_eq(v, REAL_PSI_IO);
	ck_assert_int_eq(psi_of(HY_FS "/unified" HY_GUEST "/memory.pressure", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(psi_of(HY "/proc/pressure/cpu", &v), 0);
	ck_assert_uint_eq(v, 184323928ULL);
	ck_assert_int_eq(psi_of(HY "/proc/pressure/io", &v), 0);
	ck_assert_uint_eq(v, 2869377ULL);
	/* Kernels before 5.13 had no "full" line in cpu.pressure. */
	ck_assert_int_eq(psi_str("some avg10=0.00 avg60=0.00 avg300=0.00 total=42", &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(
	    psi_str("full avg10=0.00 avg60=0.00 avg300=0.00 total=1\n"
	            "some avg10=0.00 avg60=0.00 avg300=0.00 total=18446744073709551615\n",
	            &v),
	    0);
	ck_assert_uint_eq(v, UINT64_MAX);
}
END_TEST

static const char *const psi_noise[] = {
    "",
    "\n",
    "garbage\n",
    "full avg10=0.00 avg60=0.00 avg300=0.00 total=9\n",
    "some avg10=0.00 avg60=0.00 avg300=0.00\n",
    "some avg10=0.00 avg60=0.00 avg300=0.00 total=\n",
    "some avg10=0.00 avg60=0.00 avg300=0.00 total=abc\n",
    "some avg10=0.00 avg60=0.00 avg300=0.00 total=-4\n",
    "some avg10=0.00 avg60=0.00 avg300=0.00 total=99999999999999999999999\n",
    "some avg10 avg60=0.00 total=5\n",
    "some =1 total=5\n",
    "somes avg10=0.00 total=5\n",
};

START_TEST(pressure_noise_rejected)
{
	uint64_t v = 77;
	ck_assert_msg(psi_str(psi_noise[_i], &v) == -1, "noise %d accepted", _i);
	ck_assert_uint_eq(v, 77);
}
END_TEST

START_TEST(host_psi_captured)
{
	char root[PATH_MAX];
	struct host_psi h;
	host_psi_read(fixture_path(HY "/proc", root, sizeof(root)), &h);
	ck_assert(h.have_cpu && h.have_io && h.have_mem);
	ck_assert_uint_eq(h.cpu_some_us, 184323928ULL);
	ck_assert_uint_eq(h.io_some_us, 2869377ULL);
	ck_assert_uint_eq(h.mem_some_us, 0);

	host_psi_read(fixture_path(V2, root, sizeof(root)), &h);
	ck_assert(!h.have_cpu && !h.have_io && !h.have_mem);
}
END_TEST

/* The live host, when its kernel has PSI: the same code path on the real files. */
START_TEST(host_psi_live)
{
	struct host_psi h;
	host_psi_read(NULL, &h);
	if (access("/proc/pressure/cpu", R_OK) == 0)
		ck_assert(h.have_cpu);
	else
		ck_assert(!h.have_cpu);
}
END_TEST

/* ---------------------------------------------------------------- layout */

static enum cgroup_layout layout_of_dir(const char *dir)
{
	struct cgroup_fs *fs = cgroup_fs_open(dir);
	ck_assert_ptr_nonnull(fs);
	enum cgroup_layout l = cgroup_fs_layout(fs);
	cgroup_fs_free(fs);
	return l;
}

static enum cgroup_layout layout_of(const char *rel)
{
	char path[PATH_MAX];
	return layout_of_dir(fixture_path(rel, path, sizeof(path)));
}

START_TEST(layout_trees)
{
	ck_assert_int_eq(layout_of(HY "/sys"), CGROUP_LAYOUT_HYBRID);
	ck_assert_int_eq(layout_of(V2 "/sys"), CGROUP_LAYOUT_V2);
	ck_assert_int_eq(layout_of(V1 "/sys"), CGROUP_LAYOUT_V1);
	ck_assert_int_eq(layout_of("noise"), CGROUP_LAYOUT_NONE);
	ck_assert_int_eq(layout_of("no-such-tree"), CGROUP_LAYOUT_NONE);
	ck_assert_int_eq(cgroup_fs_layout(NULL), CGROUP_LAYOUT_NONE);
	cgroup_fs_free(NULL);
}
END_TEST

START_TEST(layout_scratch)
{
	char *dir = scratch_make();
	char sys[PATH_MAX];
	snprintf(sys, sizeof(sys), "%s/sys", dir);
	/* An empty /sys/fs/cgroup (cgroups not mounted). */
	scratch_write(dir, "sys/fs/cgroup/unified/x", "");
	ck_assert_int_eq(layout_of_dir(sys), CGROUP_LAYOUT_NONE);
	/* A named hierarchy alone is no controller. */
	scratch_write(dir, "sys/fs/cgroup/systemd/cgroup.procs", "1\n");
	ck_assert_int_eq(layout_of_dir(sys), CGROUP_LAYOUT_NONE);
	/* A controller without an unified mount: v1. */
	scratch_write(dir, "sys/fs/cgroup/net_cls,net_prio/tasks", "1\n");
	ck_assert_int_eq(layout_of_dir(sys), CGROUP_LAYOUT_V1);
	scratch_write(dir, "sys/fs/cgroup/unified/cgroup.controllers", "\n");
	ck_assert_int_eq(layout_of_dir(sys), CGROUP_LAYOUT_HYBRID);
	/* cgroup.controllers at the top wins: pure v2. */
	scratch_write(dir, "sys/fs/cgroup/cgroup.controllers", "cpu io memory\n");
	ck_assert_int_eq(layout_of_dir(sys), CGROUP_LAYOUT_V2);
	scratch_remove(dir);
}
END_TEST

START_TEST(layout_no_fd_leak)
{
	int before = count_open_fds();
	char path[PATH_MAX];
	static const char *const trees[] = {HY "/sys", V2 "/sys", V1 "/sys"};
	for (int i = 0; i < 3; i++) {
		struct cgroup_fs *fs = cgroup_fs_open(fixture_path(trees[i], path, sizeof(path)));
		struct cgroup_probe p;
		cgroup_probe_init(&p);
		cgroup_probe_open(&p, fs, HY_GUEST, HY_GUEST);
		cgroup_probe_open(&p, fs, V1_GUEST, V2_GUEST); /* reopening closes the old files */
		cgroup_probe_close(&p);
		cgroup_probe_close(&p);
		cgroup_fs_free(fs);
	}
	ck_assert_int_eq(count_open_fds(), before);
}
END_TEST

/* ---------------------------------------------------------------- probes */

/* Open a tree (relative to the fixture root or absolute), probe one guest, read once. */
static int probe_path(const char *sys, const char *v1, const char *v2, struct cgroup_counters *c)
{
	struct cgroup_fs *fs = cgroup_fs_open(sys);
	ck_assert_ptr_nonnull(fs);
	struct cgroup_probe p;
	cgroup_probe_init(&p);
	int rc = cgroup_probe_open(&p, fs, v1, v2);
	cgroup_probe_read(&p, c);
	cgroup_probe_close(&p);
	cgroup_fs_free(fs);
	return rc;
}

static int probe_tree(const char *rel, const char *v1, const char *v2, struct cgroup_counters *c)
{
	char path[PATH_MAX];
	return probe_path(fixture_path(rel, path, sizeof(path)), v1, v2, c);
}

/* The guest's paths come from its /proc/PID/cgroup, as the libvirt backend finds them. */
START_TEST(probe_paths_from_captured_proc)
{
	size_t len;
	char *buf = fixture_load(HY "/proc/15706/cgroup", &len);
	ck_assert_ptr_nonnull(memmem(buf, len, "1:cpu:" HY_GUEST "/emulator\n",
	                             strlen("1:cpu:" HY_GUEST "/emulator\n")));
	ck_assert_ptr_nonnull(
	    memmem(buf, len, "0::" HY_GUEST "/emulator\n", strlen("0::" HY_GUEST "/emulator\n")));
	/* libvirt without systemd leaves the guest at the root of cpuacct. */
	ck_assert_ptr_nonnull(memmem(buf, len, "2:cpuacct:/\n", strlen("2:cpuacct:/\n")));
	free(buf);
	char out[256];
	ck_assert_int_eq(cgroup_guest_path(HY_GUEST "/emulator", out, sizeof(out)), 0);
	ck_assert_str_eq(out, HY_GUEST);
}
END_TEST

START_TEST(probe_hybrid)
{
	struct cgroup_counters c;
	ck_assert_int_eq(probe_tree(HY "/sys", HY_GUEST, HY_GUEST, &c), 0);
	/* No cpuacct directory for the guest: usage from the unified cpu.stat. */
	ck_assert(c.have_usage);
	ck_assert_uint_eq(c.usage_ns, REAL_USAGE_USEC * 1000);
	ck_assert(c.have_throttle);
	ck_assert_uint_eq(c.throttled_ns, REAL_THROTTLED_NS);
	ck_assert_uint_eq(c.nr_periods, REAL_PERIODS);
	ck_assert_uint_eq(c.nr_throttled, REAL_THROTTLED);
	ck_assert(c.have_mem);
	ck_assert_uint_eq(c.mem_bytes, REAL_MEM);
	ck_assert(c.have_swap);
	ck_assert_uint_eq(c.swap_bytes, 0);
	ck_assert(c.have_io);
	ck_assert_uint_eq(c.io_rbytes, REAL_READ_BYTES);
	ck_assert_uint_eq(c.io_rios, REAL_READ_IOS);
	ck_assert_uint_eq(c.n_io_devs, 1);
	ck_assert(c.have_psi_cpu && c.have_psi_io && c.have_psi_mem);
	ck_assert_uint_eq(c.psi_cpu_some_us, REAL_PSI_CPU);
	ck_assert_uint_eq(c.psi_io_some_us, REAL_PSI_IO);
	ck_assert_uint_eq(c.psi_mem_some_us, 0);
}
END_TEST

START_TEST(probe_v2)
{
	struct cgroup_counters c;
	/* A v1 path on a pure v2 host is ignored. */
	ck_assert_int_eq(probe_tree(V2 "/sys", "/nowhere", V2_GUEST, &c), 0);
	ck_assert(c.have_usage && c.have_throttle && c.have_mem && c.have_swap && c.have_io);
	ck_assert(c.have_psi_cpu && c.have_psi_io && c.have_psi_mem);
	ck_assert_uint_eq(c.usage_ns, REAL_USAGE_USEC * 1000);
	ck_assert_uint_eq(c.throttled_ns, 55000711000ULL);
	ck_assert_uint_eq(c.mem_bytes, REAL_MEM);
	ck_assert_uint_eq(c.io_rbytes, REAL_READ_BYTES);
	ck_assert_uint_eq(c.psi_cpu_some_us, REAL_PSI_CPU);
}
END_TEST

START_TEST(probe_v1_comounted)
{
	struct cgroup_counters c;
	/* A v2 path on a v1 host is ignored. */
	ck_assert_int_eq(probe_tree(V1 "/sys", V1_GUEST, "/nowhere", &c), 0);
	ck_assert(c.have_usage);
	ck_assert_uint_eq(c.usage_ns, REAL_USAGE_USEC * 1000);
	ck_assert(c.have_throttle);
	ck_assert_uint_eq(c.throttled_ns, REAL_THROTTLED_NS);
	ck_assert(c.have_mem && c.have_swap && c.have_io);
	ck_assert_uint_eq(c.io_rbytes, REAL_READ_BYTES);
	/* No PSI without a unified hierarchy. */
	ck_assert(!c.have_psi_cpu && !c.have_psi_io && !c.have_psi_mem);
}
END_TEST

/* The key property: one guest, three layouts, the same figures. */
START_TEST(probe_layouts_agree)
{
	struct cgroup_counters hy, v2, v1;
	ck_assert_int_eq(probe_tree(HY "/sys", HY_GUEST, HY_GUEST, &hy), 0);
	ck_assert_int_eq(probe_tree(V2 "/sys", "", V2_GUEST, &v2), 0);
	ck_assert_int_eq(probe_tree(V1 "/sys", V1_GUEST, "", &v1), 0);
	const struct cgroup_counters *other[2] = {&v2, &v1};
	for (int i = 0; i < 2; i++) {
		const struct cgroup_counters *o = other[i];
		ck_assert(hy.have_usage && o->have_usage);
		ck_assert_uint_eq(hy.usage_ns, o->usage_ns);
		ck_assert(hy.have_throttle && o->have_throttle);
		/* v2 reports whole µs: compare at that precision. */
		ck_assert_uint_eq(hy.throttled_ns / 1000, o->throttled_ns / 1000);
		ck_assert_uint_eq(hy.nr_periods, o->nr_periods);
		ck_assert_uint_eq(hy.nr_throttled, o->nr_throttled);
		ck_assert(hy.have_mem && o->have_mem);
		ck_assert_uint_eq(hy.mem_bytes, o->mem_bytes);
		ck_assert(hy.have_swap && o->have_swap);
		ck_assert_uint_eq(hy.swap_bytes, o->swap_bytes);
		ck_assert(hy.have_io && o->have_io);
		ck_assert_uint_eq(hy.io_rbytes, o->io_rbytes);
		ck_assert_uint_eq(hy.io_wbytes, o->io_wbytes);
		ck_assert_uint_eq(hy.io_rios, o->io_rios);
		ck_assert_uint_eq(hy.io_wios, o->io_wios);
		ck_assert_uint_eq(hy.n_io_devs, o->n_io_devs);
		for (unsigned d = 0; d < hy.n_io_devs; d++)
			ck_assert_mem_eq(&hy.io_devs[d], &o->io_devs[d], sizeof(hy.io_devs[d]));
	}
	ck_assert(v2.have_psi_cpu && v2.have_psi_io && v2.have_psi_mem);
	ck_assert_uint_eq(hy.psi_cpu_some_us, v2.psi_cpu_some_us);
	ck_assert_uint_eq(hy.psi_io_some_us, v2.psi_io_some_us);
	ck_assert_uint_eq(hy.psi_mem_some_us, v2.psi_mem_some_us);
}
END_TEST

static const char *const bad_paths[] = {
    "/machine/../machine/qemu-74-gt-lab-cg-disk.libvirt-qemu",
    "../machine/qemu-74-gt-lab-cg-disk.libvirt-qemu",
    "..",
    "/..",
    "/machine/qemu-74-gt-lab-cg-disk.libvirt-qemu/..",
    "/no/such/guest",
};

START_TEST(probe_refuses_bad_paths)
{
	char path[PATH_MAX];
	struct cgroup_fs *fs = cgroup_fs_open(fixture_path(HY "/sys", path, sizeof(path)));
	struct cgroup_probe p;
	cgroup_probe_init(&p);
	ck_assert_msg(cgroup_probe_open(&p, fs, bad_paths[_i], bad_paths[_i]) == -1, "'%s' opened",
	              bad_paths[_i]);
	for (int i = 0; i < CGROUP_PROBE_FILES; i++)
		ck_assert_int_eq(p.fds[i], -1);
	struct cgroup_counters c;
	cgroup_probe_read(&p, &c);
	ck_assert(!c.have_usage && !c.have_throttle && !c.have_mem && !c.have_swap && !c.have_io);
	ck_assert(!c.have_psi_cpu && !c.have_psi_io && !c.have_psi_mem);
	cgroup_probe_close(&p);
	cgroup_fs_free(fs);
}
END_TEST

START_TEST(probe_empty_paths_and_no_fs)
{
	char path[PATH_MAX];
	struct cgroup_fs *fs = cgroup_fs_open(fixture_path(HY "/sys", path, sizeof(path)));
	struct cgroup_probe p;
	cgroup_probe_init(&p);
	ck_assert_int_eq(cgroup_probe_open(&p, fs, "", ""), -1);
	ck_assert_int_eq(cgroup_probe_open(&p, fs, NULL, NULL), -1);
	ck_assert_int_eq(cgroup_probe_open(&p, NULL, HY_GUEST, HY_GUEST), -1);
	/* "/" is the hierarchy's root: cpuacct.usage is there on this host. */
	ck_assert_int_eq(cgroup_probe_open(&p, fs, "/", ""), 0);
	struct cgroup_counters c;
	cgroup_probe_read(&p, &c);
	ck_assert(c.have_usage);
	ck_assert_uint_eq(c.usage_ns, 1724906628863ULL);
	cgroup_probe_close(&p);
	cgroup_fs_free(fs);
}
END_TEST

/* A copy of the hybrid tree to damage. */
static char *hybrid_copy(char *sys, size_t size)
{
	char *dir = scratch_make();
	scratch_copy_tree(HY "/sys", dir, "sys");
	snprintf(sys, size, "%s/sys", dir);
	return dir;
}

START_TEST(probe_damaged_files)
{
	char sys[PATH_MAX];
	char *dir = hybrid_copy(sys, sizeof(sys));
	scratch_write(dir, "sys/fs/cgroup/memory" HY_GUEST "/memory.stat", "cache 1\nrss 2\n");
	scratch_write(dir, "sys/fs/cgroup/memory" HY_GUEST "/memory.usage_in_bytes", "garbage\n");
	scratch_write(dir, "sys/fs/cgroup/unified" HY_GUEST "/io.pressure", "");
	scratch_write(dir, "sys/fs/cgroup/cpu" HY_GUEST "/cpu.stat",
	              "nr_periods 1\nnr_throttled x\n");
	char rel[PATH_MAX];
	snprintf(rel, sizeof(rel), "%s/sys/fs/cgroup/blkio%s/blkio.throttle.io_serviced", dir,
	         HY_GUEST);
	ck_assert_int_eq(unlink(rel), 0);
	struct cgroup_counters c;
	ck_assert_int_eq(probe_path(sys, HY_GUEST, HY_GUEST, &c), 0);
	ck_assert(!c.have_swap);
	ck_assert(!c.have_mem);
	ck_assert(!c.have_psi_io);
	/* The unified cpu.stat has usage but no throttling on this host: unknown, not 0. */
	ck_assert(!c.have_throttle);
	ck_assert(c.have_usage);
	/* Bytes without counts of requests would give an IOPS of 0: all of it is unknown. */
	ck_assert(!c.have_io);
	ck_assert_uint_eq(c.io_rbytes, 0);
	ck_assert_uint_eq(c.n_io_devs, 0);
	ck_assert(c.have_psi_cpu && c.have_psi_mem);
	scratch_remove(dir);
}
END_TEST

/* One pread from offset 0 per refresh sees the new text of a kept-open file. */
START_TEST(probe_rereads_kept_open_files)
{
	char sys[PATH_MAX];
	char *dir = hybrid_copy(sys, sizeof(sys));
	struct cgroup_fs *fs = cgroup_fs_open(sys);
	ck_assert_int_eq(cgroup_fs_layout(fs), CGROUP_LAYOUT_HYBRID);
	struct cgroup_probe p;
	cgroup_probe_init(&p);
	ck_assert_int_eq(cgroup_probe_open(&p, fs, HY_GUEST, HY_GUEST), 0);
	struct cgroup_counters c;
	cgroup_probe_read(&p, &c);
	ck_assert_uint_eq(c.mem_bytes, REAL_MEM);
	/* Rewritten in place (O_TRUNC), as the kernel regenerates it. */
	scratch_write(dir, "sys/fs/cgroup/memory" HY_GUEST "/memory.usage_in_bytes", "4096\n");
	scratch_write(dir, "sys/fs/cgroup/unified" HY_GUEST "/cpu.stat",
	              "usage_usec 6000000\nuser_usec 1\nsystem_usec 2\nnice_usec 0\n");
	cgroup_probe_read(&p, &c);
	/* A counter at once; memory, a gauge, at the next CGROUP_GAUGE_EVERY-th reading. */
	ck_assert_uint_eq(c.usage_ns, 6000000000ULL);
	ck_assert_uint_eq(c.mem_bytes, REAL_MEM);
	ck_assert(c.have_mem);
	for (int i = 2; i < CGROUP_GAUGE_EVERY; i++)
		cgroup_probe_read(&p, &c);
	ck_assert_uint_eq(c.mem_bytes, REAL_MEM);
	cgroup_probe_read(&p, &c);
	ck_assert_uint_eq(c.mem_bytes, 4096);
	/* A VM's CPU time is its process's: the cgroup's is not read. */
	p.no_usage = true;
	cgroup_probe_read(&p, &c);
	ck_assert(!c.have_usage);
	ck_assert(c.have_mem);
	/* Per-device I/O only while the detail shows it. */
	ck_assert(c.have_io);
	p.no_io = true;
	cgroup_probe_read(&p, &c);
	ck_assert(!c.have_io && c.have_mem && c.have_psi_cpu);
	cgroup_probe_close(&p);
	cgroup_fs_free(fs);
	scratch_remove(dir);
}
END_TEST

/* A symlink in place of a file is not followed (O_NOFOLLOW). */
START_TEST(probe_does_not_follow_symlinks)
{
	char sys[PATH_MAX];
	char *dir = hybrid_copy(sys, sizeof(sys));
	char target[PATH_MAX], link[PATH_MAX];
	snprintf(target, sizeof(target), "%s/sys/fs/cgroup/memory%s/memory.usage_in_bytes", dir,
	         HY_GUEST);
	snprintf(link, sizeof(link), "%s/sys/fs/cgroup/unified%s/cpu.pressure", dir, HY_GUEST);
	ck_assert_int_eq(unlink(link), 0);
	ck_assert_int_eq(symlink(target, link), 0);
	struct cgroup_counters c;
	ck_assert_int_eq(probe_path(sys, HY_GUEST, HY_GUEST, &c), 0);
	ck_assert(!c.have_psi_cpu);
	ck_assert(c.have_psi_io);
	scratch_remove(dir);
}
END_TEST

/* A file longer than the read buffer is cut at its last whole line, never inside a number. */
START_TEST(probe_long_file_cut_at_line)
{
	char *dir = scratch_make();
	char sys[PATH_MAX];
	snprintf(sys, sizeof(sys), "%s/sys", dir);
	scratch_write(dir, "sys/fs/cgroup/cgroup.controllers", "cpu io memory\n");
	size_t size = 400 * 64, off = 0;
	char *text = malloc(size);
	ck_assert_ptr_nonnull(text);
	for (int i = 0; i < 400; i++)
		off +=
		    (size_t)snprintf(text + off, size - off,
		                     "8:%d rbytes=1 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n", i);
	scratch_write(dir, "sys/fs/cgroup/g/io.stat", text);
	free(text);
	struct cgroup_counters c;
	ck_assert_int_eq(probe_path(sys, "", "/g", &c), 0);
	ck_assert(c.have_io);
	ck_assert_uint_gt(c.io_rbytes, 100);
	ck_assert_uint_lt(c.io_rbytes, 400);
	ck_assert_uint_eq(c.io_rbytes, c.io_rios);
	scratch_remove(dir);
}
END_TEST

Suite *cgroupfs_suite(void)
{
	Suite *s = suite_create("cgroupfs");
	TCase *tc = tcase_create("parsers");
	tcase_add_test(tc, cpu_stat_v1_real);
	tcase_add_test(tc, cpu_stat_v2_core_only_real);
	tcase_add_test(tc, cpu_stat_v2_full);
	tcase_add_test(tc, cpu_stat_edges_accepted);
	tcase_add_loop_test(tc, cpu_stat_noise_rejected, 0,
	                    (int)(sizeof(cpu_stat_noise) / sizeof(cpu_stat_noise[0])));
	tcase_add_test(tc, cpu_stat_nul_inside);
	tcase_add_test(tc, cpu_stat_garbage_file);
	tcase_add_test(tc, u64_real);
	tcase_add_loop_test(tc, u64_noise_rejected, 0,
	                    (int)(sizeof(u64_noise) / sizeof(u64_noise[0])));
	tcase_add_test(tc, memory_stat_real);
	tcase_add_test(tc, memory_stat_noise);
	tcase_add_test(tc, io_stat_derived);
	tcase_add_test(tc, io_stat_devices_summed);
	tcase_add_test(tc, io_stat_empty_is_zero);
	tcase_add_test(tc, io_stat_many_devices);
	tcase_add_test(tc, io_stat_sum_saturates);
	tcase_add_loop_test(tc, io_stat_noise_rejected, 0,
	                    (int)(sizeof(io_stat_noise) / sizeof(io_stat_noise[0])));
	tcase_add_test(tc, blkio_real);
	tcase_add_test(tc, blkio_two_devices_merge);
	tcase_add_test(tc, blkio_total_only);
	tcase_add_loop_test(tc, blkio_noise_rejected, 0,
	                    (int)(sizeof(blkio_noise) / sizeof(blkio_noise[0])));
	tcase_add_test(tc, pressure_real);
	tcase_add_loop_test(tc, pressure_noise_rejected, 0,
	                    (int)(sizeof(psi_noise) / sizeof(psi_noise[0])));
	tcase_add_test(tc, host_psi_captured);
	tcase_add_test(tc, host_psi_live);
	suite_add_tcase(s, tc);

	tc = tcase_create("layout");
	tcase_add_test(tc, layout_trees);
	tcase_add_test(tc, layout_scratch);
	tcase_add_test(tc, layout_no_fd_leak);
	suite_add_tcase(s, tc);

	tc = tcase_create("probe");
	tcase_add_test(tc, probe_paths_from_captured_proc);
	tcase_add_test(tc, probe_hybrid);
	tcase_add_test(tc, probe_v2);
	tcase_add_test(tc, probe_v1_comounted);
	tcase_add_test(tc, probe_layouts_agree);
	tcase_add_loop_test(tc, probe_refuses_bad_paths, 0,
	                    (int)(sizeof(bad_paths) / sizeof(bad_paths[0])));
	tcase_add_test(tc, probe_empty_paths_and_no_fs);
	tcase_add_test(tc, probe_damaged_files);
	tcase_add_test(tc, probe_rereads_kept_open_files);
	tcase_add_test(tc, probe_does_not_follow_symlinks);
	tcase_add_test(tc, probe_long_file_cut_at_line);
	suite_add_tcase(s, tc);
	return s;
}
