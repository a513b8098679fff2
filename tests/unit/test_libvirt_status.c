/* Tests of libvirt's qemu status XML parser on the real files and on truncated or hand-made ones. */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "backends/backend.h"
#include "backends/libvirt.h"
#include "tests/unit/unit.h"

#define QEMU_RUN "kvm-v1-hybrid/run/libvirt/qemu/"

static int parse_file(const char *rel, pid_t *pid, pid_t *tids, unsigned max, unsigned *n)
{
	size_t len;
	char *buf = fixture_load(rel, &len);
	int r = libvirt_parse_status_xml(buf, len, pid, tids, max, n);
	free(buf);
	return r;
}

static int parse_text(const char *text, pid_t *pid, pid_t *tids, unsigned max, unsigned *n)
{
	size_t len;
	char *buf = exact_copy(text, &len);
	int r = libvirt_parse_status_xml(buf, len, pid, tids, max, n);
	free(buf);
	return r;
}

START_TEST(status_real_two_vcpus)
{
	pid_t pid = 0, tids[8];
	unsigned n = 99;
	ck_assert_int_eq(parse_file(QEMU_RUN "gt-lab-fx-busy.xml", &pid, tids, 8, &n), 0);
	ck_assert_int_eq(pid, 9029);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(tids[0], 9035);
	ck_assert_int_eq(tids[1], 9036);
	ck_assert_int_eq(tids[2], 0);
}
END_TEST

START_TEST(status_real_one_vcpu)
{
	pid_t pid = 0, tids[4];
	unsigned n = 99;
	ck_assert_int_eq(parse_file(QEMU_RUN "gt-lab-fx-idle.xml", &pid, tids, 4, &n), 0);
	ck_assert_int_eq(pid, 13448);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(tids[0], 13462);
}
END_TEST

START_TEST(status_hand_made_v2_host)
{
	pid_t pid = 0, tids[4];
	unsigned n = 0;
	ck_assert_int_eq(parse_file("kvm-v2-systemd/run/libvirt/qemu/web.xml", &pid, tids, 4, &n), 0);
	ck_assert_int_eq(pid, 3141);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(tids[0], 3152);
	ck_assert_int_eq(tids[1], 3153);
}
END_TEST

/* tids has room for one: the second vCPU is left out, nothing is written past it. */
START_TEST(status_more_vcpus_than_room)
{
	pid_t pid = 0;
	pid_t *tids = malloc(sizeof(pid_t));
	ck_assert_ptr_nonnull(tids);
	unsigned n = 99;
	ck_assert_int_eq(parse_file(QEMU_RUN "gt-lab-fx-busy.xml", &pid, tids, 1, &n), 0);
	ck_assert_int_eq(pid, 9029);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(tids[0], 9035);
	free(tids);
}
END_TEST

START_TEST(status_truncated_in_vcpus)
{
	pid_t pid = 0, tids[4];
	unsigned n = 99;
	ck_assert_int_eq(parse_file("noise/status-truncated-in-vcpus.xml", &pid, tids, 4, &n), 0);
	ck_assert_int_eq(pid, 9029);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(tids[0], 9035);
	ck_assert_int_eq(tids[1], 0);
}
END_TEST

START_TEST(status_noise_rejected)
{
	static const char *const files[] = {
		"noise/empty", "noise/garbage-text", "noise/stat-garbage",
		"noise/status-truncated-in-domstatus.xml",
		/* Not a status file: /proc/PID/status of the same qemu. */
		"kvm-v1-hybrid/proc/9029/status",
	};
	pid_t pid = 0, tids[2];
	unsigned n = 99;
	ck_assert_msg(parse_file(files[_i], &pid, tids, 2, &n) == -1, "%s accepted", files[_i]);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(status_bad_pid_values)
{
	static const char *const docs[] = {
		"<!-- x -->\n<domstatus state='running' pid='0'>\n</domstatus>\n",
		"<!-- x -->\n<domstatus state='running' pid='abc'>\n</domstatus>\n",
		"<!-- x -->\n<domstatus state='running' pid=''>\n</domstatus>\n",
		"<!-- x -->\n<domstatus state='running' pid='99999999999999999999999'>\n</domstatus>\n",
		"<!-- x -->\n<domstatus state='running' pid='1073741824'>\n</domstatus>\n",
		"<!-- x -->\n<domstatus state='running' ppid='42'>\n</domstatus>\n",
		"<!-- x -->\n<domstatus state='running' pid='42\n",
	};
	pid_t pid = 0, tids[2];
	unsigned n;
	ck_assert_msg(parse_text(docs[_i], &pid, tids, 2, &n) == -1, "accepted: %s", docs[_i]);
}
END_TEST

/* An attribute whose name ends in "pid" is not pid. */
START_TEST(status_attribute_name_matched_whole)
{
	pid_t pid = 0, tids[2];
	unsigned n;
	ck_assert_int_eq(parse_text("<!-- -->\n<domstatus state='running' ppid='7' pid=\"42\">\n</domstatus>", &pid, tids, 2, &n), 0);
	ck_assert_int_eq(pid, 42);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* The <vcpu> of the domain definition (a count) is not a vCPU thread. */
START_TEST(status_vcpus_only_from_status_part)
{
	const char *doc =
		"<!-- -->\n<domstatus state='running' reason='booted' pid='500'>\n"
		"  <monitor path='/x' type='unix'/>\n"
		"  <domain type='kvm' id='3'>\n"
		"    <vcpus>\n      <vcpu id='0' pid='777'/>\n    </vcpus>\n"
		"    <vcpu placement='static'>2</vcpu>\n"
		"  </domain>\n</domstatus>\n";
	pid_t pid = 0, tids[4] = { 1, 1, 1, 1 };
	unsigned n = 99;
	ck_assert_int_eq(parse_text(doc, &pid, tids, 4, &n), 0);
	ck_assert_int_eq(pid, 500);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(tids[0], 0);
}
END_TEST

/* A gap in the ids (vCPU 1 unplugged) leaves tids[1] at 0. */
START_TEST(status_vcpu_gap_and_bad_entries)
{
	const char *doc =
		"<!-- -->\n<domstatus state='running' pid='500'>\n  <vcpus>\n"
		"    <vcpu id='0' pid='601'/>\n"
		"    <vcpu id='2' pid='603'/>\n"
		"    <vcpu id='3' pid='0'/>\n"
		"    <vcpu id='x' pid='605'/>\n"
		"    <vcpu id='9' pid='609'/>\n"
		"  </vcpus>\n  <domain type='kvm' id='3'>\n  </domain>\n</domstatus>\n";
	pid_t pid = 0, tids[4];
	unsigned n = 0;
	ck_assert_int_eq(parse_text(doc, &pid, tids, 4, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(tids[0], 601);
	ck_assert_int_eq(tids[1], 0);
	ck_assert_int_eq(tids[2], 603);
	ck_assert_int_eq(tids[3], 0);
}
END_TEST

/*
 * A status document that starts right at "<domstatus" (no comment in front):
 * the buffer is an exact heap block, so ASan sees any read before it.
 */
START_TEST(status_starting_with_domstatus)
{
	pid_t pid = 0, tids[2];
	unsigned n = 99;
	ck_assert_int_eq(parse_text("<domstatus state='running' pid='4242'>\n</domstatus>\n", &pid, tids, 2, &n), 0);
	ck_assert_int_eq(pid, 4242);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(name_path_safety)
{
	ck_assert_int_ne(libvirt_name_is_path_safe("gt-lab-fx-busy"), 0);
	ck_assert_int_ne(libvirt_name_is_path_safe("..."), 0);
	ck_assert_int_ne(libvirt_name_is_path_safe(".hidden"), 0);
	ck_assert_int_ne(libvirt_name_is_path_safe("ev\033[2Jil"), 0);
	ck_assert_int_eq(libvirt_name_is_path_safe(""), 0);
	ck_assert_int_eq(libvirt_name_is_path_safe("."), 0);
	ck_assert_int_eq(libvirt_name_is_path_safe(".."), 0);
	ck_assert_int_eq(libvirt_name_is_path_safe("../../etc/passwd"), 0);
	ck_assert_int_eq(libvirt_name_is_path_safe("a/b"), 0);
	ck_assert_int_eq(libvirt_name_is_path_safe("/"), 0);
}
END_TEST

START_TEST(uri_locality)
{
	ck_assert_int_ne(libvirt_uri_is_local("qemu:///system"), 0);
	ck_assert_int_ne(libvirt_uri_is_local("qemu:///session"), 0);
	ck_assert_int_ne(libvirt_uri_is_local("lxc:///system"), 0);
	ck_assert_int_ne(libvirt_uri_is_local("test:///default"), 0);
	ck_assert_int_ne(libvirt_uri_is_local("qemu:"), 0);
	ck_assert_int_ne(libvirt_uri_is_local("xen://"), 0);
	ck_assert_int_eq(libvirt_uri_is_local("qemu+ssh://host/system"), 0);
	ck_assert_int_eq(libvirt_uri_is_local("qemu+tcp://10.0.0.1/system"), 0);
	ck_assert_int_eq(libvirt_uri_is_local("qemu://remote.example/system"), 0);
}
END_TEST

/* A stats record as virConnectGetAllDomainStats gives it: state, then the slow groups. */
START_TEST(stats_record_fills_guest)
{
	virTypedParameterPtr fast = NULL, slow = NULL;
	int nfast = 0, maxfast = 0, nslow = 0, maxslow = 0;
	ck_assert_int_eq(virTypedParamsAddInt(&fast, &nfast, &maxfast, "state.state", VIR_DOMAIN_PAUSED), 0);
	ck_assert_int_eq(virTypedParamsAddULLong(&slow, &nslow, &maxslow, "balloon.current", 32768), 0);
	ck_assert_int_eq(virTypedParamsAddULLong(&slow, &nslow, &maxslow, "balloon.maximum", 65536), 0);
	ck_assert_int_eq(virTypedParamsAddUInt(&slow, &nslow, &maxslow, "vcpu.current", 2), 0);
	ck_assert_int_eq(virTypedParamsAddULLong(&slow, &nslow, &maxslow, "cpu.time", 123456789), 0);
	ck_assert_int_eq(virTypedParamsAddUInt(&slow, &nslow, &maxslow, "block.count", 2), 0);
	ck_assert_int_eq(virTypedParamsAddString(&slow, &nslow, &maxslow, "block.0.name", "vda"), 0);
	ck_assert_int_eq(virTypedParamsAddULLong(&slow, &nslow, &maxslow, "block.0.rd.reqs", 10), 0);
	ck_assert_int_eq(virTypedParamsAddULLong(&slow, &nslow, &maxslow, "block.0.rd.bytes", 4096), 0);
	ck_assert_int_eq(virTypedParamsAddULLong(&slow, &nslow, &maxslow, "block.0.rd.times", 1000), 0);
	/* block.1 has no name: not a disk. */
	ck_assert_int_eq(virTypedParamsAddULLong(&slow, &nslow, &maxslow, "block.1.rd.reqs", 1), 0);
	ck_assert_int_eq(virTypedParamsAddUInt(&slow, &nslow, &maxslow, "net.count", 2), 0);
	ck_assert_int_eq(virTypedParamsAddString(&slow, &nslow, &maxslow, "net.0.name", ""), 0);
	ck_assert_int_eq(virTypedParamsAddString(&slow, &nslow, &maxslow, "net.1.name", "vnet3"), 0);

	struct guest_list l;
	guest_list_init(&l);
	struct guest_ident *g = guest_list_add(&l);
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(libvirt_stats_apply(g, fast, nfast, slow, nslow), 1);
	ck_assert_int_eq(g->state, GUEST_STATE_PAUSED);
	ck_assert_uint_eq(g->mem_bytes, 32768ull * 1024);
	ck_assert_uint_eq(g->mem_max_bytes, 65536ull * 1024);
	ck_assert_uint_eq(g->vcpus, 2);
	ck_assert_uint_eq(g->hv_cpu_ns, 123456789);
	ck_assert_uint_ne(g->stats_t_ns, 0);
	ck_assert_uint_eq(g->n_disks, 1);
	ck_assert_str_eq(g->disks[0].name, "vda");
	ck_assert(g->disks[0].have_rd);
	ck_assert(!g->disks[0].have_wr);
	ck_assert_uint_eq(g->disks[0].rd_bytes, 4096);
	ck_assert_uint_eq(g->n_nics, 1);
	ck_assert_str_eq(g->nics[0].ifname, "vnet3");

	/* Without the slow record only the state is taken; memory stays unknown. */
	g = guest_list_add(&l);
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(libvirt_stats_apply(g, fast, nfast, NULL, 0), 0);
	ck_assert_int_eq(g->state, GUEST_STATE_PAUSED);
	ck_assert_uint_eq(g->mem_bytes, GT_UNKNOWN);
	ck_assert_uint_eq(g->hv_cpu_ns, GT_UNKNOWN);
	ck_assert_uint_eq(g->n_disks, 0);
	guest_list_free(&l);
	virTypedParamsFree(fast, nfast);
	virTypedParamsFree(slow, nslow);
}
END_TEST

/* A count far beyond the entries there are: at most 256 looked up, none made up. */
START_TEST(stats_record_hostile_counts)
{
	virTypedParameterPtr slow = NULL;
	int nslow = 0, maxslow = 0;
	libvirt_quiet_errors();	/* the lookup of a mistyped value reports an error */
	ck_assert_int_eq(virTypedParamsAddUInt(&slow, &nslow, &maxslow, "block.count", 4294967295u), 0);
	ck_assert_int_eq(virTypedParamsAddString(&slow, &nslow, &maxslow, "block.255.name", "last"), 0);
	ck_assert_int_eq(virTypedParamsAddString(&slow, &nslow, &maxslow, "block.256.name", "beyond"), 0);
	ck_assert_int_eq(virTypedParamsAddString(&slow, &nslow, &maxslow, "net.count", "3"), 0);
	ck_assert_int_eq(virTypedParamsAddString(&slow, &nslow, &maxslow, "net.0.name", "tap0"), 0);
	/* A balloon of 2^54 KiB is more bytes than a uint64_t holds: no memory figure, not a wrapped one. */
	ck_assert_int_eq(virTypedParamsAddULLong(&slow, &nslow, &maxslow, "balloon.current", 1ull << 54), 0);
	struct guest_list l;
	guest_list_init(&l);
	struct guest_ident *g = guest_list_add(&l);
	ck_assert_ptr_nonnull(g);
	g->mem_bytes = GT_UNKNOWN;
	ck_assert_int_eq(libvirt_stats_apply(g, NULL, 0, slow, nslow), 0);
	ck_assert_uint_eq(g->mem_bytes, GT_UNKNOWN);
	ck_assert_uint_eq(g->n_disks, 1);
	ck_assert_str_eq(g->disks[0].name, "last");
	ck_assert(!g->disks[0].have_rd);
	/* net.count of the wrong type: no NICs. */
	ck_assert_uint_eq(g->n_nics, 0);
	guest_list_free(&l);
	virTypedParamsFree(slow, nslow);
	virResetLastError();
}
END_TEST

Suite *libvirt_status_suite(void)
{
	Suite *s = suite_create("libvirt_status");
	TCase *tc = tcase_create("status_xml");
	tcase_add_test(tc, status_real_two_vcpus);
	tcase_add_test(tc, status_real_one_vcpu);
	tcase_add_test(tc, status_hand_made_v2_host);
	tcase_add_test(tc, status_more_vcpus_than_room);
	tcase_add_test(tc, status_truncated_in_vcpus);
	tcase_add_loop_test(tc, status_noise_rejected, 0, 5);
	tcase_add_loop_test(tc, status_bad_pid_values, 0, 7);
	tcase_add_test(tc, status_attribute_name_matched_whole);
	tcase_add_test(tc, status_vcpus_only_from_status_part);
	tcase_add_test(tc, status_vcpu_gap_and_bad_entries);
	tcase_add_test(tc, status_starting_with_domstatus);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, name_path_safety);
	tcase_add_test(tc, uri_locality);
	suite_add_tcase(s, tc);

	tc = tcase_create("stats_record");
	tcase_add_test(tc, stats_record_fills_guest);
	tcase_add_test(tc, stats_record_hostile_counts);
	suite_add_tcase(s, tc);
	return s;
}
