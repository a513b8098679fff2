/* Tests of the /proc parsers on files captured from real qemu processes, odd comms and noise. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/procfs.h"
#include "tests/unit/unit.h"

#define HY "kvm-v1-hybrid/proc/"

/* Parse a fixture file as /proc/PID/stat; returns the parser's result. */
static int stat_of(const char *rel, struct proc_stat *st)
{
	size_t len;
	char *buf = fixture_load(rel, &len);
	int r = procfs_parse_stat(buf, len, st);
	free(buf);
	return r;
}

static int stat_of_text(const char *text, struct proc_stat *st)
{
	size_t len;
	char *buf = exact_copy(text, &len);
	int r = procfs_parse_stat(buf, len, st);
	free(buf);
	return r;
}

START_TEST(stat_real_qemu_process)
{
	struct proc_stat st;
	ck_assert_int_eq(stat_of(HY "9029/stat", &st), 0);
	ck_assert_str_eq(st.comm, "qemu-system-x86");
	ck_assert_int_eq(st.state, 'S');
	ck_assert_uint_eq(st.utime, 4);
	ck_assert_uint_eq(st.stime, 9719);
	ck_assert_uint_eq(st.starttime, 53205);
	ck_assert_uint_eq(st.rss_pages, 9249);
	ck_assert_int_eq(st.processor, 0);
}
END_TEST

START_TEST(stat_real_qemu_process_later)
{
	struct proc_stat st;
	ck_assert_int_eq(stat_of("kvm-v1-hybrid-t1/proc/9029/stat", &st), 0);
	ck_assert_uint_eq(st.stime, 9828);
	ck_assert_uint_eq(st.starttime, 53205);
	ck_assert_int_eq(st.processor, 1);
}
END_TEST

/* A vCPU thread: a comm with a space and a slash, exit_signal -1 just before processor. */
START_TEST(stat_real_vcpu_thread)
{
	struct proc_stat st;
	ck_assert_int_eq(stat_of(HY "9029/task/9035/stat", &st), 0);
	ck_assert_str_eq(st.comm, "CPU 0/KVM");
	ck_assert_int_eq(st.state, 'R');
	ck_assert_uint_eq(st.utime, 0);
	ck_assert_uint_eq(st.stime, 9703);
	ck_assert_uint_eq(st.starttime, 53214);
	ck_assert_int_eq(st.processor, 0);
}
END_TEST

START_TEST(stat_real_second_guest)
{
	struct proc_stat st;
	ck_assert_int_eq(stat_of(HY "13448/stat", &st), 0);
	ck_assert_uint_eq(st.utime, 6);
	ck_assert_uint_eq(st.stime, 319);
	ck_assert_uint_eq(st.starttime, 63614);
	ck_assert_uint_eq(st.rss_pages, 9102);
}
END_TEST

START_TEST(stat_comm_with_parentheses)
{
	struct proc_stat st;
	ck_assert_int_eq(stat_of("comm-odd/proc/16088/stat", &st), 0);
	ck_assert_str_eq(st.comm, "my (odd) name");
	ck_assert_int_eq(st.state, 'S');
	ck_assert_uint_eq(st.starttime, 67154);
	ck_assert_uint_eq(st.rss_pages, 784);
	ck_assert_int_eq(st.processor, 1);
}
END_TEST

/* A comm that imitates the fields after it: "a) R 1 (b". */
START_TEST(stat_comm_imitating_fields)
{
	struct proc_stat st;
	ck_assert_int_eq(stat_of("comm-odd/proc/16093/stat", &st), 0);
	ck_assert_str_eq(st.comm, "a) R 1 (b");
	ck_assert_int_eq(st.state, 'S');
	ck_assert_uint_eq(st.starttime, 67155);
	ck_assert_uint_eq(st.rss_pages, 774);
}
END_TEST

START_TEST(stat_comm_with_escape_and_newline)
{
	struct proc_stat st;
	ck_assert_int_eq(stat_of("comm-odd/proc/16098/stat", &st), 0);
	ck_assert_str_eq(st.comm, "ev\033[2Jil\n");
	ck_assert_int_eq(st.state, 'S');
	ck_assert_uint_eq(st.starttime, 67156);
	ck_assert_uint_eq(st.rss_pages, 800);
}
END_TEST

START_TEST(stat_comm_only_parentheses)
{
	struct proc_stat st;
	ck_assert_int_eq(stat_of("comm-odd/proc/16103/stat", &st), 0);
	ck_assert_str_eq(st.comm, "))((");
	ck_assert_uint_eq(st.rss_pages, 790);
}
END_TEST

START_TEST(stat_comm_longer_than_buffer_is_cut)
{
	char line[512];
	char name[200];
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(line, sizeof(line), "7 (%s) S 1 1 1 0 -1 0 0 0 0 0 11 22 0 0 20 0 1 0 333 0 44", name);
	struct proc_stat st;
	ck_assert_int_eq(stat_of_text(line, &st), 0);
	ck_assert_uint_eq(strlen(st.comm), sizeof(st.comm) - 1);
	ck_assert_int_eq(st.comm[0], 'x');
	ck_assert_uint_eq(st.utime, 11);
	ck_assert_uint_eq(st.stime, 22);
	ck_assert_uint_eq(st.starttime, 333);
	ck_assert_uint_eq(st.rss_pages, 44);
}
END_TEST

/* Real-time threads have a negative priority (field 18), niced ones a negative nice. */
START_TEST(stat_negative_priority_and_nice)
{
	struct proc_stat st;
	ck_assert_int_eq(stat_of_text("5 (rt) S 1 1 1 0 -1 0 0 0 0 0 7 8 0 0 -51 -20 1 0 99 0 12 18446744073709551615", &st), 0);
	ck_assert_uint_eq(st.utime, 7);
	ck_assert_uint_eq(st.stime, 8);
	ck_assert_uint_eq(st.starttime, 99);
	ck_assert_uint_eq(st.rss_pages, 12);
}
END_TEST

/* Older kernels end the line earlier: everything up to rss (field 24) is enough. */
START_TEST(stat_short_line_after_rss_is_accepted)
{
	struct proc_stat st;
	ck_assert_int_eq(stat_of_text("5 (old) S 1 1 1 0 -1 0 0 0 0 0 7 8 0 0 20 0 1 0 99 4096 12 18446744073709551615 1 2\n", &st), 0);
	ck_assert_uint_eq(st.rss_pages, 12);
	ck_assert_int_eq(st.processor, 0);
}
END_TEST

START_TEST(stat_noise_rejected)
{
	static const char *const files[] = {
		"noise/empty", "noise/garbage-text", "noise/stat-garbage",
		"noise/stat-truncated-comm", "noise/stat-truncated-fields",
	};
	struct proc_stat st;
	ck_assert_msg(stat_of(files[_i], &st) == -1, "%s accepted", files[_i]);
}
END_TEST

START_TEST(stat_missing_state_rejected)
{
	struct proc_stat st;
	ck_assert_int_eq(stat_of_text("1 (x)", &st), -1);
	ck_assert_int_eq(stat_of_text("1 (x)   ", &st), -1);
	ck_assert_int_eq(stat_of_text("1 )x( S 1", &st), -1);
}
END_TEST

START_TEST(stat_overflow_control_parses)
{
	struct proc_stat st;
	ck_assert_int_eq(stat_of("noise/stat-overflow-control", &st), 0);
	ck_assert_uint_eq(st.utime, 4);
	ck_assert_uint_eq(st.stime, 9719);
}
END_TEST

/*
 * A utime of 23 digits is not a clock tick count: the line is not of the
 * expected form. Taking it as 0 would show a guest at 0% (or a spike later).
 */
START_TEST(stat_overflow_utime_rejected)
{
	struct proc_stat st;
	memset(&st, 0, sizeof(st));
	int r = stat_of("noise/stat-overflow-utime", &st);
	ck_assert_msg(r == -1, "overflowing utime accepted (returned %d, utime=%llu)", r,
		      (unsigned long long)st.utime);
}
END_TEST

START_TEST(stat_garbage_stime_rejected)
{
	struct proc_stat st;
	memset(&st, 0, sizeof(st));
	int r = stat_of("noise/stat-garbage-stime", &st);
	ck_assert_msg(r == -1, "stime 'x9719' accepted (returned %d, stime=%llu)", r,
		      (unsigned long long)st.stime);
}
END_TEST

/* ---------------------------------------------------------------- schedstat */

static int schedstat_of(const char *rel, struct proc_schedstat *ss)
{
	size_t len;
	char *buf = fixture_load(rel, &len);
	int r = procfs_parse_schedstat(buf, len, ss);
	free(buf);
	return r;
}

START_TEST(schedstat_real_vcpu)
{
	struct proc_schedstat ss;
	ck_assert_int_eq(schedstat_of(HY "9029/task/9035/schedstat", &ss), 0);
	ck_assert_uint_eq(ss.exec_ns, 97044799083ull);
	ck_assert_uint_eq(ss.run_delay_ns, 15539154712ull);
	ck_assert_uint_eq(ss.timeslices, 11854);
	ck_assert_int_eq(schedstat_of("kvm-v1-hybrid-t1/proc/9029/task/9035/schedstat", &ss), 0);
	ck_assert_uint_eq(ss.run_delay_ns, 15576454627ull);
}
END_TEST

START_TEST(schedstat_max_value)
{
	size_t len;
	char *buf = exact_copy("18446744073709551615 0 1", &len);
	struct proc_schedstat ss;
	ck_assert_int_eq(procfs_parse_schedstat(buf, len, &ss), 0);
	ck_assert_uint_eq(ss.exec_ns, UINT64_MAX);
	ck_assert_uint_eq(ss.timeslices, 1);
	free(buf);
}
END_TEST

START_TEST(schedstat_noise_rejected)
{
	static const char *const files[] = {
		"noise/empty", "noise/garbage-text", "noise/schedstat-overflow",
		"noise/schedstat-two-fields", "noise/stat-garbage",
	};
	struct proc_schedstat ss;
	ck_assert_msg(schedstat_of(files[_i], &ss) == -1, "%s accepted", files[_i]);
}
END_TEST

/* ---------------------------------------------------------------- io */

static int io_of(const char *rel, struct proc_io *io)
{
	size_t len;
	char *buf = fixture_load(rel, &len);
	int r = procfs_parse_io(buf, len, io);
	free(buf);
	return r;
}

START_TEST(io_real_qemu)
{
	struct proc_io io;
	ck_assert_int_eq(io_of(HY "9029/io", &io), 0);
	ck_assert_uint_eq(io.rchar, 770615);
	ck_assert_uint_eq(io.wchar, 1646621);
	ck_assert_uint_eq(io.read_bytes, 405504);
	ck_assert_uint_eq(io.write_bytes, 20480);
	ck_assert_int_eq(io_of(HY "13448/io", &io), 0);
	ck_assert_uint_eq(io.read_bytes, 20480);
	ck_assert_uint_eq(io.write_bytes, 16384);
}
END_TEST

/* cancelled_write_bytes must not be taken for write_bytes. */
START_TEST(io_order_and_similar_keys)
{
	size_t len;
	char *buf = exact_copy("cancelled_write_bytes: 999\nwrite_bytes: 5\nread_bytes: 6", &len);
	struct proc_io io;
	ck_assert_int_eq(procfs_parse_io(buf, len, &io), 0);
	ck_assert_uint_eq(io.write_bytes, 5);
	ck_assert_uint_eq(io.read_bytes, 6);
	ck_assert_uint_eq(io.rchar, 0);
	free(buf);
}
END_TEST

START_TEST(io_noise_rejected)
{
	static const char *const files[] = {
		"noise/empty", "noise/garbage-text", "noise/io-overflow",
		"noise/io-truncated", "noise/io-no-write-bytes",
	};
	struct proc_io io;
	ck_assert_msg(io_of(files[_i], &io) == -1, "%s accepted", files[_i]);
}
END_TEST

START_TEST(io_key_without_value_rejected)
{
	size_t len;
	char *buf = exact_copy("read_bytes: \nwrite_bytes: 1\n", &len);
	struct proc_io io;
	ck_assert_int_eq(procfs_parse_io(buf, len, &io), -1);
	free(buf);
}
END_TEST

/* ---------------------------------------------------------------- pid files */

static int pid_of(const char *rel, pid_t *pid)
{
	size_t len;
	char *buf = fixture_load(rel, &len);
	int r = procfs_parse_pid(buf, len, pid);
	free(buf);
	return r;
}

START_TEST(pid_real_files)
{
	pid_t pid = 0;
	/* libvirt writes no trailing newline. */
	ck_assert_int_eq(pid_of("kvm-v1-hybrid/run/libvirt/qemu/gt-lab-fx-busy.pid", &pid), 0);
	ck_assert_int_eq(pid, 9029);
	ck_assert_int_eq(pid_of("kvm-v1-hybrid/run/libvirt/qemu/gt-lab-fx-idle.pid", &pid), 0);
	ck_assert_int_eq(pid, 13448);
	ck_assert_int_eq(pid_of("lxc-libvirt/v1/run/libvirt/lxc/web.pid", &pid), 0);
	ck_assert_int_eq(pid, 27976);
}
END_TEST

START_TEST(pid_noise_rejected)
{
	static const char *const files[] = {
		"noise/empty", "noise/garbage-text", "noise/pid-overflow", "noise/pid-zero",
		"noise/pid-negative", "noise/pid-two", "noise/pid-garbage",
	};
	pid_t pid;
	ck_assert_msg(pid_of(files[_i], &pid) == -1, "%s accepted", files[_i]);
}
END_TEST

START_TEST(pid_limits)
{
	size_t len;
	pid_t pid = 0;
	char *buf = exact_copy("1073741823\n", &len);	/* 0x3fffffff */
	ck_assert_int_eq(procfs_parse_pid(buf, len, &pid), 0);
	ck_assert_int_eq(pid, 0x3fffffff);
	free(buf);
	buf = exact_copy("1073741824", &len);
	ck_assert_int_eq(procfs_parse_pid(buf, len, &pid), -1);
	free(buf);
}
END_TEST

/* ---------------------------------------------------------------- /proc/PID/cgroup */

static int cgroup_line(const char *rel, const char *controller, char *path, size_t size)
{
	size_t len;
	char *buf = fixture_load(rel, &len);
	int r = procfs_parse_cgroup(buf, len, controller, path, size);
	free(buf);
	return r;
}

START_TEST(cgroup_real_hybrid)
{
	char path[512];
	ck_assert_int_eq(cgroup_line(HY "9029/cgroup", "cpu", path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu/emulator");
	ck_assert_int_eq(cgroup_line(HY "9029/cgroup", "memory", path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu");
	ck_assert_int_eq(cgroup_line(HY "9029/cgroup", "cpuacct", path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/");
	ck_assert_int_eq(cgroup_line(HY "9029/cgroup", NULL, path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu/emulator");
	ck_assert_int_eq(cgroup_line(HY "9029/task/9036/cgroup", "cpu", path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu/vcpu1");
	ck_assert_int_eq(cgroup_line(HY "9029/cgroup", "io", path, sizeof(path)), -1);
}
END_TEST

START_TEST(cgroup_v1_systemd_comounted)
{
	char path[512];
	const char *f = "kvm-v1-systemd/proc/2718/cgroup";
	ck_assert_int_eq(cgroup_line(f, "cpu", path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/machine.slice/machine-qemu\\x2d1\\x2ddb\\x2d1.scope/emulator");
	ck_assert_int_eq(cgroup_line(f, "cpuacct", path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/machine.slice/machine-qemu\\x2d1\\x2ddb\\x2d1.scope/emulator");
	ck_assert_int_eq(cgroup_line(f, "net_prio", path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/machine.slice/machine-qemu\\x2d1\\x2ddb\\x2d1.scope");
	/* "name=systemd" is a named hierarchy, not a "systemd" controller. */
	ck_assert_int_eq(cgroup_line(f, "systemd", path, sizeof(path)), -1);
	ck_assert_int_eq(cgroup_line(f, NULL, path, sizeof(path)), -1);
}
END_TEST

START_TEST(cgroup_v2_systemd)
{
	char path[512];
	const char *f = "kvm-v2-systemd/proc/3141/task/3153/cgroup";
	ck_assert_int_eq(cgroup_line(f, NULL, path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/machine.slice/machine-qemu\\x2d3\\x2dweb.scope/libvirt/vcpu1");
	ck_assert_int_eq(cgroup_line(f, "cpu", path, sizeof(path)), -1);
}
END_TEST

START_TEST(cgroup_controller_is_matched_whole)
{
	size_t len;
	char *buf = exact_copy("3:cpuset:/a\n2:cpuacct:/b\n1:cpu:/c", &len);
	char path[64];
	ck_assert_int_eq(procfs_parse_cgroup(buf, len, "cpu", path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/c");
	ck_assert_int_eq(procfs_parse_cgroup(buf, len, "cpus", path, sizeof(path)), -1);
	free(buf);
}
END_TEST

START_TEST(cgroup_path_too_long_for_buffer)
{
	/* "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu/emulator" is 53 bytes. */
	size_t want = strlen("/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu/emulator");
	char *path = malloc(want);
	ck_assert_ptr_nonnull(path);
	ck_assert_int_eq(cgroup_line(HY "9029/cgroup", "cpu", path, want), -1);
	free(path);
	path = malloc(want + 1);
	ck_assert_ptr_nonnull(path);
	ck_assert_int_eq(cgroup_line(HY "9029/cgroup", "cpu", path, want + 1), 0);
	ck_assert_uint_eq(strlen(path), want);
	free(path);
}
END_TEST

START_TEST(cgroup_noise_rejected)
{
	char path[256];
	ck_assert_int_eq(cgroup_line("noise/empty", "cpu", path, sizeof(path)), -1);
	ck_assert_int_eq(cgroup_line("noise/empty", NULL, path, sizeof(path)), -1);
	ck_assert_int_eq(cgroup_line("noise/cgroup-garbage", "cpu", path, sizeof(path)), -1);
	ck_assert_int_eq(cgroup_line("noise/cgroup-relative", "cpu", path, sizeof(path)), -1);
	ck_assert_int_eq(cgroup_line("noise/cgroup-relative", NULL, path, sizeof(path)), -1);
	ck_assert_int_eq(cgroup_line("noise/stat-garbage", NULL, path, sizeof(path)), -1);
}
END_TEST

/* ---------------------------------------------------------------- reading */

START_TEST(read_at_whole_file)
{
	int dfd = fixture_open_dir("kvm-v1-hybrid/proc");
	char buf[4096];
	size_t flen;
	char *want = fixture_load(HY "9029/stat", &flen);
	ssize_t n = procfs_read_at(dfd, "9029/stat", buf, sizeof(buf));
	ck_assert_int_eq(n, (ssize_t)flen);
	ck_assert_int_eq(buf[n], '\0');
	ck_assert_mem_eq(buf, want, flen);
	free(want);
	close(dfd);
}
END_TEST

START_TEST(read_at_small_buffer_truncates)
{
	int dfd = fixture_open_dir("kvm-v1-hybrid/proc");
	char buf[10];
	memset(buf, 'Z', sizeof(buf));
	ssize_t n = procfs_read_at(dfd, "9029/stat", buf, sizeof(buf));
	ck_assert_int_eq(n, 9);
	ck_assert_str_eq(buf, "9029 (qem");
	close(dfd);
}
END_TEST

START_TEST(read_at_errors)
{
	int dfd = fixture_open_dir("kvm-v1-hybrid/proc");
	char buf[64];
	errno = 0;
	ck_assert_int_eq(procfs_read_at(dfd, "1/stat", buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(procfs_read_at(dfd, "9029/stat", buf, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	close(dfd);
}
END_TEST

START_TEST(read_at_refuses_symlink)
{
	char *dir = scratch_make();
	scratch_write(dir, "real", "42\n");
	char link[4096];
	snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(symlink("real", link), 0);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dfd, 0);
	char buf[16];
	ck_assert_int_eq(procfs_read_at(dfd, "real", buf, sizeof(buf)), 3);
	errno = 0;
	ck_assert_int_eq(procfs_read_at(dfd, "link", buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ELOOP);
	close(dfd);
	scratch_remove(dir);
}
END_TEST

START_TEST(read_at_empty_file)
{
	int dfd = fixture_open_dir("noise");
	char buf[8];
	memset(buf, 'Z', sizeof(buf));
	ck_assert_int_eq(procfs_read_at(dfd, "empty", buf, sizeof(buf)), 0);
	ck_assert_int_eq(buf[0], '\0');
	close(dfd);
}
END_TEST

/* A kept-open fd is read again from offset 0 and sees the new content. */
START_TEST(pread_rereads_from_start)
{
	char *dir = scratch_make();
	scratch_write(dir, "stat", "first\n");
	char path[4096];
	snprintf(path, sizeof(path), "%s/stat", dir);
	int fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	char buf[32];
	ck_assert_int_eq(procfs_pread(fd, buf, sizeof(buf)), 6);
	ck_assert_str_eq(buf, "first\n");
	ck_assert_int_eq(procfs_pread(fd, buf, sizeof(buf)), 6);
	ck_assert_str_eq(buf, "first\n");
	scratch_write(dir, "stat", "second!\n");
	ck_assert_int_eq(procfs_pread(fd, buf, sizeof(buf)), 8);
	ck_assert_str_eq(buf, "second!\n");
	close(fd);
	scratch_remove(dir);
}
END_TEST

Suite *procfs_suite(void)
{
	Suite *s = suite_create("procfs");
	TCase *tc = tcase_create("stat");
	tcase_add_test(tc, stat_real_qemu_process);
	tcase_add_test(tc, stat_real_qemu_process_later);
	tcase_add_test(tc, stat_real_vcpu_thread);
	tcase_add_test(tc, stat_real_second_guest);
	tcase_add_test(tc, stat_comm_with_parentheses);
	tcase_add_test(tc, stat_comm_imitating_fields);
	tcase_add_test(tc, stat_comm_with_escape_and_newline);
	tcase_add_test(tc, stat_comm_only_parentheses);
	tcase_add_test(tc, stat_comm_longer_than_buffer_is_cut);
	tcase_add_test(tc, stat_negative_priority_and_nice);
	tcase_add_test(tc, stat_short_line_after_rss_is_accepted);
	tcase_add_loop_test(tc, stat_noise_rejected, 0, 5);
	tcase_add_test(tc, stat_missing_state_rejected);
	tcase_add_test(tc, stat_overflow_control_parses);
	tcase_add_test(tc, stat_overflow_utime_rejected);
	tcase_add_test(tc, stat_garbage_stime_rejected);
	suite_add_tcase(s, tc);

	tc = tcase_create("schedstat");
	tcase_add_test(tc, schedstat_real_vcpu);
	tcase_add_test(tc, schedstat_max_value);
	tcase_add_loop_test(tc, schedstat_noise_rejected, 0, 5);
	suite_add_tcase(s, tc);

	tc = tcase_create("io");
	tcase_add_test(tc, io_real_qemu);
	tcase_add_test(tc, io_order_and_similar_keys);
	tcase_add_loop_test(tc, io_noise_rejected, 0, 5);
	tcase_add_test(tc, io_key_without_value_rejected);
	suite_add_tcase(s, tc);

	tc = tcase_create("pid");
	tcase_add_test(tc, pid_real_files);
	tcase_add_loop_test(tc, pid_noise_rejected, 0, 7);
	tcase_add_test(tc, pid_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("cgroup");
	tcase_add_test(tc, cgroup_real_hybrid);
	tcase_add_test(tc, cgroup_v1_systemd_comounted);
	tcase_add_test(tc, cgroup_v2_systemd);
	tcase_add_test(tc, cgroup_controller_is_matched_whole);
	tcase_add_test(tc, cgroup_path_too_long_for_buffer);
	tcase_add_test(tc, cgroup_noise_rejected);
	suite_add_tcase(s, tc);

	tc = tcase_create("read");
	tcase_add_test(tc, read_at_whole_file);
	tcase_add_test(tc, read_at_small_buffer_truncates);
	tcase_add_test(tc, read_at_errors);
	tcase_add_test(tc, read_at_refuses_symlink);
	tcase_add_test(tc, read_at_empty_file);
	tcase_add_test(tc, pread_rereads_from_start);
	suite_add_tcase(s, tc);
	return s;
}
