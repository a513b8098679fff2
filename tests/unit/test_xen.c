/* Tests of the Xen helpers: domain XML, device-model lookup over a dom0 tree, stats records. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/xen.h"
#include "tests/unit/unit.h"

#define XML  "xen-libxl/"
#define DOM0 "xen-dom0/proc"

static int xml_of(const char *rel, struct xen_domain_info *d)
{
	size_t len;
	char *buf = fixture_load(rel, &len);
	int r = xen_parse_domain_xml(buf, len, d);
	free(buf);
	return r;
}

static int xml_of_text(const char *text, struct xen_domain_info *d)
{
	size_t len;
	char *buf = exact_copy(text, &len);
	int r = xen_parse_domain_xml(buf, len, d);
	free(buf);
	return r;
}

/* Bytes with NULs inside: the length is given. */
static int cmdline_of_bytes(const char *bytes, size_t len, int *domid)
{
	char *buf = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, bytes, len);
	int r = xen_dm_domid_from_cmdline(buf, len, domid);
	free(buf);
	return r;
}

#define CMD(lit) cmdline_of_bytes(lit, sizeof(lit) - 1, &domid)

START_TEST(xml_hvm_running)
{
	struct xen_domain_info d;
	ck_assert_int_eq(xml_of(XML "hvm-running.xml", &d), 0);
	ck_assert_int_eq(d.type, XEN_GUEST_HVM);
	ck_assert_int_eq(d.domid, 5);
	ck_assert_str_eq(d.emulator, "/usr/lib/xen/bin/qemu-system-i386");
}
END_TEST

START_TEST(xml_pv_defined)
{
	struct xen_domain_info d;
	ck_assert_int_eq(xml_of(XML "pv-defined.xml", &d), 0);
	ck_assert_int_eq(d.type, XEN_GUEST_PV);
	ck_assert_int_eq(d.domid, -1);
	ck_assert_str_eq(d.emulator, "");
}
END_TEST

START_TEST(xml_pvh_defined)
{
	struct xen_domain_info d;
	ck_assert_int_eq(xml_of(XML "pvh-defined.xml", &d), 0);
	ck_assert_int_eq(d.type, XEN_GUEST_PVH);
	ck_assert_int_eq(d.domid, -1);
}
END_TEST

static const struct {
	const char *xml;
	enum xen_guest_type type;
	int domid;
	const char *emulator;
} xml_good[] = {
    /* Older PVH form: a PV type on the xenpvh machine. */
    {"<domain type='xen'><os><type machine='xenpvh'>linux</type></os></domain>", XEN_GUEST_PVH, -1,
     ""},
    {"<domain type='xen'><os><type>xen</type></os></domain>", XEN_GUEST_PV, -1, ""},
    {"<domain type=\"xen\" id=\"0\"><os><type arch=\"x86_64\">linux</type></os></domain>",
     XEN_GUEST_PV, 0, ""},
    {"<?xml version='1.0'?>\n<!-- written by hand -->\n<domain type='xen' id='32751'>\n"
     "<os><type>\n  hvm\n</type></os><devices><emulator> /opt/qemu </emulator></devices>"
     "</domain>\n",
     XEN_GUEST_HVM, 32751, "/opt/qemu"},
    /* Entities and character references in the path. */
    {"<domain type='xen'><os><type>hvm</type></os><devices><emulator>"
     "/opt/a&amp;b&#x2F;q&#101;mu&lt;&gt;&quot;&apos;&#xE9;</emulator></devices></domain>",
     XEN_GUEST_HVM, -1, "/opt/a&b/qemu<>\"'\xc3\xa9"},
    /* Only /domain/os/type and /domain/devices/emulator count, and only the first. */
    {"<domain type='xen'><devices><type>linux</type><emulator>/a</emulator>"
     "<emulator>/b</emulator><disk><emulator>/c</emulator></disk></devices>"
     "<os><type>hvm</type><type>linux</type></os></domain>",
     XEN_GUEST_HVM, -1, "/a"},
    /* Comments and CDATA inside are skipped, self-closing elements do not nest. */
    {"<domain type='xen'><!-- <os><type>linux</type></os> --><os><boot dev='hd'/>"
     "<type>hvm</type></os><description><![CDATA[<os>]]></description></domain>",
     XEN_GUEST_HVM, -1, ""},
};

START_TEST(xml_good_text)
{
	struct xen_domain_info d;
	ck_assert_msg(xml_of_text(xml_good[_i].xml, &d) == 0, "text %d refused", _i);
	ck_assert_int_eq(d.type, xml_good[_i].type);
	ck_assert_int_eq(d.domid, xml_good[_i].domid);
	ck_assert_str_eq(d.emulator, xml_good[_i].emulator);
}
END_TEST

static const char *const xml_bad[] = {
    "",
    "hvm",
    "<domain type='xen'>",
    "<domain type='xen'><os><type>hvm</type></os>",
    /* Not Xen, not a domain. */
    "<domain type='kvm'><os><type>hvm</type></os></domain>",
    "<domain><os><type>hvm</type></os></domain>",
    "<domainsnapshot type='xen'><os><type>hvm</type></os></domainsnapshot>",
    /* No type, an unknown type, a type too long. */
    "<domain type='xen'><os></os></domain>",
    "<domain type='xen'><os><type>exe</type></os></domain>",
    "<domain type='xen'><os><type>hvmhvmhvmhvmhvmhvmhvm</type></os></domain>",
    /* Bad ids. */
    "<domain type='xen' id='x5'><os><type>hvm</type></os></domain>",
    "<domain type='xen' id='-1'><os><type>hvm</type></os></domain>",
    "<domain type='xen' id='32752'><os><type>hvm</type></os></domain>",
    "<domain type='xen' id='99999999999999999999'><os><type>hvm</type></os></domain>",
    /* Broken markup. */
    "<domain type='xen'><os><type>hvm</typo></os></domain>",
    "<domain type='xen'><os><type>hvm</type></domain>",
    "<domain type='xen' id='5><os><type>hvm</type></os></domain>",
    "<domain type='xen'id='5'><os><type>hvm</type></os></domain>",
    "<domain type=xen><os><type>hvm</type></os></domain>",
    "<domain type='x<en'><os><type>hvm</type></os></domain>",
    "<domain type='xen'><os><type>hvm</type></os></domain><domain type='xen'/>",
    "<domain type='xen'><os><type>hvm</type></os></domain>trailing",
    "<!DOCTYPE domain [<!ENTITY e 'hvm'>]><domain type='xen'><os><type>&e;</type></os></domain>",
    "<domain type='xen'><!-- unterminated <os><type>hvm</type></os></domain>",
    "<domain type='xen'><os><type>hvm</type></os><?pi x?></domain>",
    /* Entities that do not decode, or decode to what a path must not hold. */
    "<domain type='xen'><os><type>hvm</type></os><devices><emulator>/a&nbsp;</emulator>"
    "</devices></domain>",
    "<domain type='xen'><os><type>hvm</type></os><devices><emulator>/a&#0;</emulator>"
    "</devices></domain>",
    "<domain type='xen'><os><type>hvm</type></os><devices><emulator>/a&#27;[2J</emulator>"
    "</devices></domain>",
    "<domain type='xen'><os><type>hvm</type></os><devices><emulator>/a&#xD800;</emulator>"
    "</devices></domain>",
    "<domain type='xen'><os><type>hvm</type></os><devices><emulator>/a&#x110000;</emulator>"
    "</devices></domain>",
    "<domain type='xen'><os><type>hvm</type></os><devices><emulator>/a\n/b</emulator>"
    "</devices></domain>",
};

START_TEST(xml_bad_text_rejected)
{
	struct xen_domain_info d;
	ck_assert_msg(xml_of_text(xml_bad[_i], &d) == -1, "text %d accepted", _i);
	ck_assert_int_eq(d.type, XEN_GUEST_UNKNOWN);
	ck_assert_int_eq(d.domid, -1);
	ck_assert_str_eq(d.emulator, "");
}
END_TEST

START_TEST(xml_emulator_too_long)
{
	char text[1024];
	char path[XEN_EMULATOR_MAX + 1];
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	struct xen_domain_info d;
	snprintf(text, sizeof(text),
	         "<domain type='xen'><os><type>hvm</type></os><devices><emulator>%s</emulator>"
	         "</devices></domain>",
	         path);
	ck_assert_int_eq(xml_of_text(text, &d), -1);
	/* One byte less fits with its NUL. */
	path[sizeof(path) - 2] = '\0';
	snprintf(text, sizeof(text),
	         "<domain type='xen'><os><type>hvm</type></os><devices><emulator>%s</emulator>"
	         "</devices></domain>",
	         path);
	ck_assert_int_eq(xml_of_text(text, &d), 0);
	ck_assert_uint_eq(strlen(d.emulator), XEN_EMULATOR_MAX - 1);
}
END_TEST

START_TEST(xml_too_deep)
{
	size_t size = 200 * 8 + 256;
	char *text = malloc(size);
	ck_assert_ptr_nonnull(text);
	int n = snprintf(text, size, "<domain type='xen'><os><type>hvm</type></os>");
	for (int i = 0; i < 100; i++)
		n += snprintf(text + n, size - (size_t)n, "<a>");
	for (int i = 0; i < 100; i++)
		n += snprintf(text + n, size - (size_t)n, "</a>");
	snprintf(text + n, size - (size_t)n, "</domain>");
	struct xen_domain_info d;
	ck_assert_int_eq(xml_of_text(text, &d), -1);
	free(text);
}
END_TEST

static const char *const xml_noise[] = {
    "noise/empty",
    "noise/garbage-text",
    "noise/status-truncated-in-vcpus.xml",
    "kvm-v1-hybrid/run/libvirt/qemu/gt-lab-fx-busy.xml",
    "xen-noise/hvm-truncated.xml",
    "xen-noise/hvm-cut-in-type.xml",
    "xen-noise/kvm-domain.xml",
    "xen-noise/hvm-mismatched-tag.xml",
};

START_TEST(xml_noise_rejected)
{
	struct xen_domain_info d;
	ck_assert_msg(xml_of(xml_noise[_i], &d) == -1, "%s accepted", xml_noise[_i]);
	ck_assert_int_eq(d.domid, -1);
}
END_TEST

/* Every prefix of a real document: cut anywhere, it is refused, and nothing reads past the end. */
START_TEST(xml_every_prefix_refused)
{
	size_t len;
	char *whole = fixture_load(XML "hvm-running.xml", &len);
	/* The file ends in "</domain>\n": only the last byte may go. */
	for (size_t cut = 0; cut + 1 < len; cut++) {
		char *buf = malloc(cut ? cut : 1);
		ck_assert_ptr_nonnull(buf);
		memcpy(buf, whole, cut);
		struct xen_domain_info d;
		ck_assert_msg(xen_parse_domain_xml(buf, cut, &d) == -1, "prefix %zu accepted", cut);
		free(buf);
	}
	struct xen_domain_info d;
	ck_assert_int_eq(xen_parse_domain_xml(whole, len - 1, &d), 0);
	free(whole);
}
END_TEST

static const struct {
	const char *pid;
	int domid; /* -1: not a device model */
} dm_files[] = {
    {"2152", 5},  {"2417", 15}, {"1843", 0},  {"2290", 7},
    {"1990", -1}, {"3001", -1}, {"1021", -1}, {"2", -1},
};

START_TEST(cmdline_fixture_processes)
{
	char rel[64];
	snprintf(rel, sizeof(rel), DOM0 "/%s/cmdline", dm_files[_i].pid);
	size_t len;
	char *buf = fixture_load(rel, &len);
	int domid = -7;
	int r = xen_dm_domid_from_cmdline(buf, len, &domid);
	free(buf);
	if (dm_files[_i].domid < 0) {
		ck_assert_msg(r == -1, "%s taken for a device model", rel);
		ck_assert_int_eq(domid, -7);
	} else {
		ck_assert_msg(r == 0, "%s refused", rel);
		ck_assert_int_eq(domid, dm_files[_i].domid);
	}
}
END_TEST

START_TEST(cmdline_forms)
{
	int domid = -1;
	ck_assert_int_eq(CMD("qemu-system-x86_64\0--xen-domid\0003\0"), 0);
	ck_assert_int_eq(domid, 3);
	/* The last one counts, as in qemu. */
	ck_assert_int_eq(
	    CMD("/usr/bin/qemu-system-i386\0-xen-domid\0003\0-m\000512\0-xen-domid\0004\0"), 0);
	ck_assert_int_eq(domid, 4);
	/* A guest named like the option: the name is a value, not an option. */
	ck_assert_int_eq(CMD("/usr/bin/qemu-system-i386\0-name\0-xen-domid\0-m\000512\0"), -1);
	ck_assert_int_eq(CMD("/usr/bin/qemu-system-i386\0-name\0-xen-domid\0-xen-domid\0009\0"), 0);
	ck_assert_int_eq(domid, 9);
	ck_assert_int_eq(CMD("/usr/bin/qemu-system-i386\0--name\0-xen-domid\0-m\000512\0"), -1);
	/* Leading zeros read as qemu reads them; the highest ordinary id. */
	ck_assert_int_eq(CMD("qemu\0-xen-domid\00005\0"), 0);
	ck_assert_int_eq(domid, 5);
	ck_assert_int_eq(CMD("qemu\0-xen-domid\00032751\0"), 0);
	ck_assert_int_eq(domid, 32751);
	/* The id as the very last bytes, with its NUL. */
	ck_assert_int_eq(CMD("qemu\0-xen-domid\00012\0"), 0);
	ck_assert_int_eq(domid, 12);
}
END_TEST

static const struct {
	const char *bytes;
	size_t len;
} cmd_bad[] = {
#define B(lit)                                                                                     \
	{                                                                                          \
		lit, sizeof(lit) - 1                                                               \
	}
    B(""),
    B("\0"),
    B("qemu-system-i386"),
    B("qemu-system-i386\0"),
    B("qemu-system-i386\0-xen-domid\0"),
    B("qemu-system-i386\0-xen-domid"),
    B("qemu-system-i386\0-xen-domid\0+5\0"),
    B("qemu-system-i386\0-xen-domid\0-5\0"),
    B("qemu-system-i386\0-xen-domid\0005x\0"),
    B("qemu-system-i386\0-xen-domid\0 5\0"),
    B("qemu-system-i386\0-xen-domid\0\0"),
    B("qemu-system-i386\0-xen-domid\00032752\0"),
    B("qemu-system-i386\0-xen-domid\000123456\0"),
    B("qemu-system-i386\0-xen-domid\0003\0-xen-domid\0bad\0"),
    B("qemu-system-i386\0-xen-domid=5\0"),
    B("qemu-system-i386\0---xen-domid\0005\0"),
    B("qemu-system-i386\0-xen-domid 5\0"),
    /* Not qemu: the binary decides. */
    B("/usr/bin/xl\0-xen-domid\0005\0"),
    B("/opt/qemu/bin/kvm\0-xen-domid\0005\0"),
    B("/usr/lib/qemu-dm/\0-xen-domid\0005\0"),
    B("sh\0-c\0qemu-system-i386 -xen-domid 5\0"),
#undef B
};

START_TEST(cmdline_bad_rejected)
{
	int domid = -7;
	ck_assert_msg(cmdline_of_bytes(cmd_bad[_i].bytes, cmd_bad[_i].len, &domid) == -1,
	              "cmdline %d accepted", _i);
	ck_assert_int_eq(domid, -7);
}
END_TEST

static const char *const cmd_noise[] = {
    "xen-noise/cmdline-cut-domid",
    "xen-noise/cmdline-domid-overflow",
    "xen-noise/cmdline-domid-reserved",
    "noise/empty",
    "noise/garbage-text",
    "kvm-v1-hybrid/proc/9029/stat",
};

START_TEST(cmdline_noise_rejected)
{
	size_t len;
	char *buf = fixture_load(cmd_noise[_i], &len);
	int domid = -7;
	ck_assert_msg(xen_dm_domid_from_cmdline(buf, len, &domid) == -1, "%s accepted",
	              cmd_noise[_i]);
	ck_assert_int_eq(domid, -7);
	free(buf);
}
END_TEST

START_TEST(dm_pid_over_fixture_tree)
{
	char root[PATH_MAX];
	fixture_path(DOM0, root, sizeof(root));
	int fds = count_open_fds();
	ck_assert_int_eq(xen_dm_find_pid(root, 5), 2152);
	ck_assert_int_eq(xen_dm_find_pid(root, 15), 2417);
	ck_assert_int_eq(xen_dm_find_pid(root, 0), 1843);
	ck_assert_int_eq(xen_dm_find_pid(root, 7), 2290);
	/* "1" and "5" are inside "15" and "-xen-domid 5" inside other commands. */
	ck_assert_int_eq(xen_dm_find_pid(root, 1), 0);
	ck_assert_int_eq(xen_dm_find_pid(root, 42), 0);
	ck_assert_int_eq(xen_dm_find_pid(root, -1), 0);
	ck_assert_int_eq(xen_dm_find_pid("/nonexistent-guesttop", 5), 0);
	ck_assert_int_eq(count_open_fds(), fds);
}
END_TEST

/* Write bytes with NULs inside to dir/rel (scratch_write takes a string and makes the directories).
 */
static void write_bytes(const char *dir, const char *rel, const char *bytes, size_t len)
{
	char path[PATH_MAX];
	scratch_write(dir, rel, "");
	int n = snprintf(path, sizeof(path), "%s/%s", dir, rel);
	ck_assert(n > 0 && (size_t)n < sizeof(path));
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(dm_pid_lowest_of_several)
{
	char *dir = scratch_make();
	scratch_copy_tree(DOM0, dir, "proc");
	char root[PATH_MAX];
	snprintf(root, sizeof(root), "%s/proc", dir);
	size_t len;
	char *cmd = fixture_load(DOM0 "/2152/cmdline", &len);
	write_bytes(root, "2100/cmdline", cmd, len);
	free(cmd);
	ck_assert_int_eq(xen_dm_find_pid(root, 5), 2100);
	/* A directory without cmdline (a process that left) is skipped. */
	scratch_write(root, "1500/status", "Name:\tgone\n");
	ck_assert_int_eq(xen_dm_find_pid(root, 5), 2100);
	scratch_remove(dir);
}
END_TEST

/* A command line longer than what is read: an early id is found, a cut one is not guessed. */
START_TEST(dm_pid_long_cmdline)
{
	char *dir = scratch_make();
	size_t big = 70000;
	char *buf = malloc(big + 64);
	ck_assert_ptr_nonnull(buf);

	static const char head[] = "qemu-system-i386\0-xen-domid\0009\0-append\0";
	memcpy(buf, head, sizeof(head) - 1);
	memset(buf + sizeof(head) - 1, 'x', big - (sizeof(head) - 1));
	buf[big - 1] = '\0';
	write_bytes(dir, "300/cmdline", buf, big);

	/* The id "12" straddles the 65536th byte: the read sees "1" without its NUL. */
	memcpy(buf, "qemu-system-i386\0-append\0", 25);
	memset(buf + 25, 'y', 65536 - 25 - 12);
	memcpy(buf + 65536 - 12, "\0-xen-domid\0", 12);
	memcpy(buf + 65536, "12\0", 3);
	write_bytes(dir, "301/cmdline", buf, 65536 + 3);
	free(buf);

	ck_assert_int_eq(xen_dm_find_pid(dir, 9), 300);
	ck_assert_int_eq(xen_dm_find_pid(dir, 12), 0);
	ck_assert_int_eq(xen_dm_find_pid(dir, 1), 0);
	scratch_remove(dir);
}
END_TEST

/*
 * A record with every group virConnectGetAllDomainStats documents for a
 * two-vCPU guest with one NIC and one disk; string parameters (names, paths)
 * are left out as xen_stat_param carries numbers only.
 */
static const struct xen_stat_param full_record[] = {
    {"state.state", 1},
    {"state.reason", 1},
    {"cpu.time", 39145113530ull},
    {"cpu.user", 1000000},
    {"cpu.system", 2000000},
    {"balloon.current", 4194304},
    {"balloon.maximum", 4194304},
    {"vcpu.current", 2},
    {"vcpu.maximum", 2},
    {"vcpu.0.state", 1},
    {"vcpu.0.time", 21004000000ull},
    {"vcpu.0.wait", 0},
    {"vcpu.1.state", 1},
    {"vcpu.1.time", 18141113530ull},
    {"vcpu.1.wait", 0},
    {"net.count", 1},
    {"net.0.rx.bytes", 1450230},
    {"net.0.rx.pkts", 12034},
    {"net.0.rx.errs", 0},
    {"net.0.rx.drop", 0},
    {"net.0.tx.bytes", 98231},
    {"net.0.tx.pkts", 871},
    {"block.count", 1},
    {"block.0.rd.reqs", 5134},
    {"block.0.rd.bytes", 210829312},
    {"block.0.wr.reqs", 911},
    {"block.0.wr.bytes", 14729216},
    {"block.0.fl.reqs", 40},
};

START_TEST(stats_full_record)
{
	struct xen_dom_stats st;
	ck_assert_int_eq(
	    xen_stats_extract(full_record, sizeof(full_record) / sizeof(full_record[0]), &st), 0);
	ck_assert(st.has_cpu_time);
	ck_assert_uint_eq(st.cpu_time_ns, 39145113530ull);
	ck_assert(st.has_vcpu_current);
	ck_assert_uint_eq(st.vcpu_current, 2);
	ck_assert_uint_eq(st.vcpu_slots, 2);
	ck_assert(st.vcpu_time_known[0] && st.vcpu_time_known[1] && !st.vcpu_time_known[2]);
	ck_assert_uint_eq(st.vcpu_time_ns[0], 21004000000ull);
	ck_assert_uint_eq(st.vcpu_time_ns[1], 18141113530ull);
	ck_assert(st.has_net);
	ck_assert_uint_eq(st.net_rx_bytes, 1450230);
	ck_assert_uint_eq(st.net_tx_bytes, 98231);
	ck_assert(st.has_block);
	ck_assert_uint_eq(st.block_rd_bytes, 210829312);
	ck_assert_uint_eq(st.block_wr_bytes, 14729216);
	ck_assert(st.has_balloon);
	ck_assert_uint_eq(st.balloon_current_kib, 4194304);
	ck_assert_uint_eq(st.ignored, 0);
}
END_TEST

/* What a libxl host can fill from per-domain calls: no block stats for a qdisk disk. */
START_TEST(stats_missing_groups_stay_unknown)
{
	static const struct xen_stat_param rec[] = {
	    {"cpu.time", 5},
	    {"vcpu.3.time", 7},
	    {"balloon.maximum", 1024},
	};
	struct xen_dom_stats st;
	ck_assert_int_eq(xen_stats_extract(rec, 3, &st), 0);
	ck_assert(st.has_cpu_time);
	ck_assert(!st.has_vcpu_current);
	ck_assert_uint_eq(st.vcpu_slots, 4);
	ck_assert(!st.vcpu_time_known[0] && st.vcpu_time_known[3]);
	ck_assert(!st.has_net);
	ck_assert(!st.has_block);
	ck_assert(!st.has_balloon);
	ck_assert_uint_eq(st.ignored, 0);

	ck_assert_int_eq(xen_stats_extract(NULL, 0, &st), 0);
	ck_assert(!st.has_cpu_time && !st.has_net && !st.has_block && !st.has_balloon);
	ck_assert_int_eq(xen_stats_extract(NULL, 1, &st), -1);
}
END_TEST

START_TEST(stats_devices_summed)
{
	static const struct xen_stat_param rec[] = {
	    {"net.0.rx.bytes", 100}, {"net.2.rx.bytes", 20},  {"net.2.tx.bytes", 3},
	    {"net.63.tx.bytes", 4},  {"block.1.wr.bytes", 7}, {"block.0.rd.bytes", 9},
	    {"block.5.rd.bytes", 1},
	};
	struct xen_dom_stats st;
	ck_assert_int_eq(xen_stats_extract(rec, sizeof(rec) / sizeof(rec[0]), &st), 0);
	ck_assert_uint_eq(st.net_rx_bytes, 120);
	ck_assert_uint_eq(st.net_tx_bytes, 7);
	ck_assert_uint_eq(st.block_rd_bytes, 10);
	ck_assert_uint_eq(st.block_wr_bytes, 7);
	ck_assert_uint_eq(st.ignored, 0);
}
END_TEST

/* A repeated key keeps its first value, as virTypedParamsGet finds the first. */
START_TEST(stats_duplicates_keep_first)
{
	static const struct xen_stat_param rec[] = {
	    {"cpu.time", 10},       {"cpu.time", 99},       {"vcpu.current", 1},
	    {"vcpu.current", 8},    {"vcpu.0.time", 3},     {"vcpu.0.time", 4},
	    {"net.0.rx.bytes", 50}, {"net.0.rx.bytes", 50}, {"balloon.current", 6},
	    {"balloon.current", 7},
	};
	struct xen_dom_stats st;
	ck_assert_int_eq(xen_stats_extract(rec, sizeof(rec) / sizeof(rec[0]), &st), 0);
	ck_assert_uint_eq(st.cpu_time_ns, 10);
	ck_assert_uint_eq(st.vcpu_current, 1);
	ck_assert_uint_eq(st.vcpu_time_ns[0], 3);
	ck_assert_uint_eq(st.net_rx_bytes, 50);
	ck_assert_uint_eq(st.balloon_current_kib, 6);
	ck_assert_uint_eq(st.ignored, 5);
}
END_TEST

START_TEST(stats_bad_keys_ignored)
{
	static const struct xen_stat_param rec[] = {
	    {"vcpu.x.time", 1},
	    {"vcpu.01.time", 1},
	    {"vcpu.-1.time", 1},
	    {"vcpu.+1.time", 1},
	    {"vcpu.128.time", 1},
	    {"vcpu.99999999999999999999.time", 1},
	    {"net.64.rx.bytes", 1},
	    {"block.1e3.wr.bytes", 1},
	    {"vcpu.current", 1ull << 32},
	    {NULL, 1},
	    /* Other shapes are other keys, not bad ones. */
	    {"vcpu.1.state", 1},
	    {"vcpu..time", 1},
	    {"net.0.rx.bytes.extra", 1},
	    {"cpu.time.extra", 1},
	    {"", 1},
	};
	struct xen_dom_stats st;
	ck_assert_int_eq(xen_stats_extract(rec, sizeof(rec) / sizeof(rec[0]), &st), 0);
	ck_assert_uint_eq(st.ignored, 10);
	ck_assert_uint_eq(st.vcpu_slots, 0);
	ck_assert(!st.has_vcpu_current && !st.has_net && !st.has_block && !st.has_cpu_time);
}
END_TEST

START_TEST(stats_overflowing_sum_is_unknown)
{
	static const struct xen_stat_param rec[] = {
	    {"net.0.rx.bytes", UINT64_MAX},   {"net.1.rx.bytes", 1},   {"net.0.tx.bytes", 5},
	    {"block.0.rd.bytes", UINT64_MAX}, {"block.0.wr.bytes", 0}, {"cpu.time", UINT64_MAX},
	};
	struct xen_dom_stats st;
	ck_assert_int_eq(xen_stats_extract(rec, sizeof(rec) / sizeof(rec[0]), &st), 0);
	ck_assert(!st.has_net);
	ck_assert_uint_eq(st.net_rx_bytes, 0);
	ck_assert(st.has_block);
	ck_assert_uint_eq(st.block_rd_bytes, UINT64_MAX);
	ck_assert_uint_eq(st.cpu_time_ns, UINT64_MAX);
}
END_TEST

Suite *xen_suite(void)
{
	Suite *s = suite_create("xen");
	TCase *tc = tcase_create("domain-xml");
	tcase_add_test(tc, xml_hvm_running);
	tcase_add_test(tc, xml_pv_defined);
	tcase_add_test(tc, xml_pvh_defined);
	tcase_add_loop_test(tc, xml_good_text, 0, (int)(sizeof(xml_good) / sizeof(xml_good[0])));
	tcase_add_loop_test(tc, xml_bad_text_rejected, 0,
	                    (int)(sizeof(xml_bad) / sizeof(xml_bad[0])));
	tcase_add_test(tc, xml_emulator_too_long);
	tcase_add_test(tc, xml_too_deep);
	tcase_add_loop_test(tc, xml_noise_rejected, 0,
	                    (int)(sizeof(xml_noise) / sizeof(xml_noise[0])));
	tcase_add_test(tc, xml_every_prefix_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("device-model");
	tcase_add_loop_test(tc, cmdline_fixture_processes, 0,
	                    (int)(sizeof(dm_files) / sizeof(dm_files[0])));
	tcase_add_test(tc, cmdline_forms);
	tcase_add_loop_test(tc, cmdline_bad_rejected, 0,
	                    (int)(sizeof(cmd_bad) / sizeof(cmd_bad[0])));
	tcase_add_loop_test(tc, cmdline_noise_rejected, 0,
	                    (int)(sizeof(cmd_noise) / sizeof(cmd_noise[0])));
	tcase_add_test(tc, dm_pid_over_fixture_tree);
	tcase_add_test(tc, dm_pid_lowest_of_several);
	tcase_add_test(tc, dm_pid_long_cmdline);
	suite_add_tcase(s, tc);

	tc = tcase_create("stats");
	tcase_add_test(tc, stats_full_record);
	tcase_add_test(tc, stats_missing_groups_stay_unknown);
	tcase_add_test(tc, stats_devices_summed);
	tcase_add_test(tc, stats_duplicates_keep_first);
	tcase_add_test(tc, stats_bad_keys_ignored);
	tcase_add_test(tc, stats_overflowing_sum_is_unknown);
	suite_add_tcase(s, tc);
	return s;
}
