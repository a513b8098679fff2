/* Tests of the guest-cgroup mapping on the cgroup files of real and hand-made hosts. */
#include <stdlib.h>
#include <string.h>

#include "backends/cgroup.h"
#include "tests/unit/unit.h"

START_TEST(guest_path_strips_thread_leaves)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu/emulator", "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu" },
		{ "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu/vcpu0", "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu" },
		{ "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu/vcpu17", "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu" },
		{ "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu/iothread3", "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu" },
		{ "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu", "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu" },
		{ "/machine.slice/machine-qemu\\x2d3\\x2dweb.scope/libvirt/vcpu1", "/machine.slice/machine-qemu\\x2d3\\x2dweb.scope" },
		{ "/machine.slice/machine-qemu\\x2d3\\x2dweb.scope/libvirt/emulator", "/machine.slice/machine-qemu\\x2d3\\x2dweb.scope" },
		{ "/machine.slice/machine-lxc\\x2d28090\\x2dapp.scope/libvirt", "/machine.slice/machine-lxc\\x2d28090\\x2dapp.scope" },
		{ "/machine.slice/machine-qemu\\x2d1\\x2ddb\\x2d1.scope/emulator", "/machine.slice/machine-qemu\\x2d1\\x2ddb\\x2d1.scope" },
		{ "/machine/qemu-27-x.libvirt-qemu/vcpu0/", "/machine/qemu-27-x.libvirt-qemu" },
		/* Not leaves: a prefix without digits, digits followed by more. */
		{ "/machine/g/vcpu", "/machine/g/vcpu" },
		{ "/machine/g/vcpu0x", "/machine/g/vcpu0x" },
		{ "/machine/g/emulators", "/machine/g/emulators" },
		{ "/machine/g/libvirtd", "/machine/g/libvirtd" },
	};
	char out[512];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(cgroup_guest_path(cases[i].in, out, sizeof(out)) == 0, "%s refused", cases[i].in);
		ck_assert_str_eq(out, cases[i].out);
	}
}
END_TEST

START_TEST(guest_path_root_and_invalid)
{
	static const char *const bad[] = { "/", "", "/vcpu0", "/libvirt", "/libvirt/emulator",
					   "machine/qemu-1-x.libvirt-qemu", "//" };
	char out[64];
	ck_assert_msg(cgroup_guest_path(bad[_i], out, sizeof(out)) == -1, "'%s' accepted", bad[_i]);
}
END_TEST

START_TEST(guest_path_buffer_bound)
{
	const char *in = "/machine/qemu-1-a.libvirt-qemu";
	size_t l = strlen(in);
	char *out = malloc(l);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(cgroup_guest_path(in, out, l), -1);
	free(out);
	out = malloc(l + 1);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(cgroup_guest_path(in, out, l + 1), 0);
	ck_assert_str_eq(out, in);
	free(out);
}
END_TEST

static enum cgroup_mode from_proc(const char *rel, char *out, size_t size)
{
	size_t len;
	char *buf = fixture_load(rel, &len);
	enum cgroup_mode m = cgroup_from_proc(buf, len, out, size);
	free(buf);
	return m;
}

/* Every thread of the captured guest maps to the same guest cgroup. */
START_TEST(from_proc_real_hybrid_every_thread)
{
	static const char *const files[] = {
		"kvm-v1-hybrid/proc/9029/cgroup",
		"kvm-v1-hybrid/proc/9029/task/9029/cgroup",
		"kvm-v1-hybrid/proc/9029/task/9033/cgroup",
		"kvm-v1-hybrid/proc/9029/task/9034/cgroup",
		"kvm-v1-hybrid/proc/9029/task/9035/cgroup",
		"kvm-v1-hybrid/proc/9029/task/9036/cgroup",
		"kvm-v1-hybrid/proc/9029/task/9045/cgroup",
	};
	char out[512];
	ck_assert_int_eq(from_proc(files[_i], out, sizeof(out)), CGROUP_V1);
	ck_assert_str_eq(out, "/machine/qemu-27-gt-lab-fx-busy.libvirt-qemu");
}
END_TEST

START_TEST(from_proc_real_hybrid_second_guest)
{
	char out[512];
	ck_assert_int_eq(from_proc("kvm-v1-hybrid/proc/13448/cgroup", out, sizeof(out)), CGROUP_V1);
	ck_assert_str_eq(out, "/machine/qemu-42-gt-lab-fx-idle.libvirt-qemu");
}
END_TEST

START_TEST(from_proc_v1_systemd)
{
	char out[512];
	ck_assert_int_eq(from_proc("kvm-v1-systemd/proc/2718/cgroup", out, sizeof(out)), CGROUP_V1);
	ck_assert_str_eq(out, "/machine.slice/machine-qemu\\x2d1\\x2ddb\\x2d1.scope");
	ck_assert_int_eq(from_proc("kvm-v1-systemd/proc/2718/task/2726/cgroup", out, sizeof(out)), CGROUP_V1);
	ck_assert_str_eq(out, "/machine.slice/machine-qemu\\x2d1\\x2ddb\\x2d1.scope");
}
END_TEST

START_TEST(from_proc_v2_systemd)
{
	char out[512];
	ck_assert_int_eq(from_proc("kvm-v2-systemd/proc/3141/cgroup", out, sizeof(out)), CGROUP_V2);
	ck_assert_str_eq(out, "/machine.slice/machine-qemu\\x2d3\\x2dweb.scope");
	ck_assert_int_eq(from_proc("kvm-v2-systemd/proc/3141/task/3152/cgroup", out, sizeof(out)), CGROUP_V2);
	ck_assert_str_eq(out, "/machine.slice/machine-qemu\\x2d3\\x2dweb.scope");
}
END_TEST

START_TEST(from_proc_libvirt_lxc)
{
	char out[512];
	ck_assert_int_eq(from_proc("lxc-libvirt/v1/proc/27990/cgroup", out, sizeof(out)), CGROUP_V1);
	ck_assert_str_eq(out, "/machine.slice/machine-lxc\\x2d27976\\x2dweb.scope");
	ck_assert_int_eq(from_proc("lxc-libvirt/v2/proc/28101/cgroup", out, sizeof(out)), CGROUP_V2);
	ck_assert_str_eq(out, "/machine.slice/machine-lxc\\x2d28090\\x2dapp.scope");
}
END_TEST

/* A host shell sits in the root of cpu and of the unified hierarchy: no guest cgroup. */
START_TEST(from_proc_host_process_is_none)
{
	char out[512];
	ck_assert_int_eq(from_proc("comm-odd/proc/16088/cgroup", out, sizeof(out)), CGROUP_NONE);
	ck_assert_int_eq(from_proc("noise/empty", out, sizeof(out)), CGROUP_NONE);
	ck_assert_int_eq(from_proc("noise/cgroup-garbage", out, sizeof(out)), CGROUP_NONE);
	ck_assert_int_eq(from_proc("noise/cgroup-relative", out, sizeof(out)), CGROUP_NONE);
}
END_TEST

/* Hybrid host where cpu is at the root but the unified line names the guest. */
START_TEST(from_proc_falls_back_to_unified)
{
	size_t len;
	char *buf = exact_copy("2:cpuacct:/\n1:cpu:/\n0::/machine/qemu-5-x.libvirt-qemu/vcpu0\n", &len);
	char out[128];
	ck_assert_int_eq(cgroup_from_proc(buf, len, out, sizeof(out)), CGROUP_V2);
	ck_assert_str_eq(out, "/machine/qemu-5-x.libvirt-qemu");
	free(buf);
}
END_TEST

Suite *cgroup_suite(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc = tcase_create("guest_path");
	tcase_add_test(tc, guest_path_strips_thread_leaves);
	tcase_add_loop_test(tc, guest_path_root_and_invalid, 0, 7);
	tcase_add_test(tc, guest_path_buffer_bound);
	suite_add_tcase(s, tc);

	tc = tcase_create("from_proc");
	tcase_add_loop_test(tc, from_proc_real_hybrid_every_thread, 0, 7);
	tcase_add_test(tc, from_proc_real_hybrid_second_guest);
	tcase_add_test(tc, from_proc_v1_systemd);
	tcase_add_test(tc, from_proc_v2_systemd);
	tcase_add_test(tc, from_proc_libvirt_lxc);
	tcase_add_test(tc, from_proc_host_process_is_none);
	tcase_add_test(tc, from_proc_falls_back_to_unified);
	suite_add_tcase(s, tc);
	return s;
}
