/* The read-only cgroup backend: which cgroups are other managers' containers, found in a v2 tree. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/cgroupscan.h"
#include "unit.h"

#define DOCKER_ID "4f1c2a9be07d3c5e8b6a1d2f3e4c5b6a7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a"

START_TEST(classifies_container_cgroups)
{
	char name[256];
	ck_assert(cgroupscan_classify("/system.slice/docker-" DOCKER_ID ".scope", name, sizeof(name)));
	ck_assert_str_eq(name, "docker:4f1c2a9be07d");
	ck_assert(cgroupscan_classify("/docker/" DOCKER_ID, name, sizeof(name)));
	ck_assert_str_eq(name, "docker:4f1c2a9be07d");
	ck_assert(cgroupscan_classify("/machine.slice/libpod-" DOCKER_ID ".scope", name, sizeof(name)));
	ck_assert_str_eq(name, "podman:4f1c2a9be07d");
	ck_assert(cgroupscan_classify("/machine.slice/machine-web\\x2d1.scope", name, sizeof(name)));
	ck_assert_str_eq(name, "nspawn:web-1");
	/* Claimed by the libvirt and LXC backends, or not a container at all. */
	ck_assert(!cgroupscan_classify("/machine.slice/machine-qemu\\x2d1\\x2dvm.scope", name, sizeof(name)));
	ck_assert(!cgroupscan_classify("/machine.slice/machine-lxc\\x2d42\\x2dct.scope", name, sizeof(name)));
	ck_assert(!cgroupscan_classify("/machine/qemu-1-vm.libvirt-qemu", name, sizeof(name)));
	ck_assert(!cgroupscan_classify("/lxc.payload.web", name, sizeof(name)));
	ck_assert(!cgroupscan_classify("/system.slice/sshd.service", name, sizeof(name)));
	ck_assert(!cgroupscan_classify("/system.slice/docker-notahexid.scope", name, sizeof(name)));
	ck_assert(!cgroupscan_classify("/docker/short", name, sizeof(name)));
	ck_assert(!cgroupscan_classify("", name, sizeof(name)));
}
END_TEST

/* A pure v2 host as systemd lays it out, with one running docker container and one stopped. */
START_TEST(lists_running_containers_in_a_v2_tree)
{
	char *dir = scratch_make();
	scratch_write(dir, "sys/fs/cgroup/cgroup.controllers", "cpu io memory pids\n");
	scratch_write(dir, "sys/fs/cgroup/system.slice/docker-" DOCKER_ID ".scope/cgroup.procs", "4242\n4243\n");
	scratch_write(dir, "sys/fs/cgroup/system.slice/docker-" DOCKER_ID ".scope/cpu.stat", "usage_usec 100\n");
	scratch_write(dir, "sys/fs/cgroup/system.slice/docker-0123456789abcdef.scope/cgroup.procs", "");
	scratch_write(dir, "sys/fs/cgroup/system.slice/sshd.service/cgroup.procs", "77\n");
	scratch_write(dir, "sys/fs/cgroup/machine.slice/machine-qemu\\x2d1\\x2dvm.scope/cgroup.procs", "900\n");
	char sys[4096];
	snprintf(sys, sizeof(sys), "%s/sys", dir);
	struct host_paths paths = { .proc_root = "/proc", .sys_root = sys, .run_root = "/run" };
	struct backend be;
	char err[BACKEND_ERR_MAX];
	ck_assert_int_eq(backend_init(&be, &cgroup_backend_ops, "cgroup", &paths), 0);
	ck_assert_msg(backend_open(&be, err, sizeof(err)) == 0, "open: %s", err);
	struct guest_list l;
	guest_list_init(&l);
	ck_assert_int_eq(be.ops->list(&be, &l, err, sizeof(err)), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.v[0].kind, "cgroup");
	ck_assert_str_eq(l.v[0].name, "docker:4f1c2a9be07d");
	ck_assert_int_eq(l.v[0].pid, 4242);
	ck_assert(l.v[0].container);
	ck_assert_int_eq(l.v[0].state, GUEST_STATE_RUNNING);
	ck_assert_str_eq(l.v[0].cgroup_v2, "/system.slice/docker-" DOCKER_ID ".scope");
	ck_assert_uint_eq(strlen(l.v[0].uuid), 36);
	/* Read-only: every action is refused with a reason. */
	char info[64];
	ck_assert_int_eq(backend_action(&be, l.v[0].uuid, GA_FORCE_OFF, info, sizeof(info), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no actions"));
	guest_list_free(&l);
	backend_close(&be);
	scratch_remove(dir);
}
END_TEST

START_TEST(no_hierarchy_is_an_error)
{
	char *dir = scratch_make();
	struct host_paths paths = { .proc_root = "/proc", .sys_root = dir, .run_root = "/run" };
	struct backend be;
	char err[BACKEND_ERR_MAX];
	ck_assert_int_eq(backend_init(&be, &cgroup_backend_ops, "cgroup", &paths), 0);
	ck_assert_int_eq(backend_open(&be, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no cgroup hierarchy"));
	scratch_remove(dir);
}
END_TEST

Suite *cgroupscan_suite(void)
{
	Suite *s = suite_create("cgroupscan");
	TCase *tc = tcase_create("discovery");
	tcase_add_test(tc, classifies_container_cgroups);
	tcase_add_test(tc, lists_running_containers_in_a_v2_tree);
	tcase_add_test(tc, no_hierarchy_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}
