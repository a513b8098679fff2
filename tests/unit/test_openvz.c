/* Tests of the OpenVZ parsers on the kernel's own formats and noise, and of the failcnt check. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/openvz.h"
#include "tests/unit/unit.h"

#define T0   "openvz-host/t0/proc/"
#define T1   "openvz-host/t1/proc/"
#define LMAX 9223372036854775807ull

static int ubc_of(const char *rel, struct ubc_snapshot *s)
{
	size_t len;
	char *buf = fixture_load(rel, &len);
	int r = openvz_parse_beancounters(buf, len, s);
	free(buf);
	return r;
}

static int ubc_of_text(const char *text, struct ubc_snapshot *s)
{
	size_t len;
	char *buf = exact_copy(text, &len);
	int r = openvz_parse_beancounters(buf, len, s);
	free(buf);
	return r;
}

static int veinfo_of(const char *rel, struct veinfo_list *l)
{
	size_t len;
	char *buf = fixture_load(rel, &len);
	int r = openvz_parse_veinfo(buf, len, l);
	free(buf);
	return r;
}

static int veinfo_of_text(const char *text, struct veinfo_list *l)
{
	size_t len;
	char *buf = exact_copy(text, &len);
	int r = openvz_parse_veinfo(buf, len, l);
	free(buf);
	return r;
}

static const struct ubc_resource *res_of(const struct ubc_snapshot *s, const char *id,
                                         const char *name)
{
	const struct ubc_container *ct = openvz_ubc_find(s, id);
	ck_assert_msg(ct != NULL, "no container %s", id);
	const struct ubc_resource *r = openvz_ubc_resource(ct, name);
	ck_assert_msg(r != NULL, "no %s in %s", name, id);
	return r;
}

#define HEADER                                                                                     \
	"Version: 2.5\n"                                                                           \
	"       uid  resource                     held              maxheld              barrier " \
	"               limit              failcnt\n"

START_TEST(ubc_host_with_three_containers)
{
	struct ubc_snapshot s;
	ck_assert_int_eq(ubc_of(T0 "user_beancounters", &s), 0);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_str_eq(s.ct[0].id, "0");
	ck_assert_int_eq(s.ct[0].ctid, 0);
	ck_assert_str_eq(s.ct[1].id, "101");
	ck_assert_int_eq(s.ct[1].ctid, 101);
	ck_assert_str_eq(s.ct[2].id, "102");
	for (size_t i = 0; i < s.n; i++) {
		/* user_beancounters keeps the four "dummy" lines: 24 per container. */
		ck_assert_uint_eq(s.ct[i].nres, 24);
		ck_assert_str_eq(s.ct[i].res[0].name, "kmemsize");
		ck_assert_str_eq(s.ct[i].res[4].name, "dummy");
		ck_assert_str_eq(s.ct[i].res[23].name, "numiptent");
	}
	const struct ubc_resource *k = &s.ct[0].res[0];
	ck_assert_uint_eq(k->held, 29696618);
	ck_assert_uint_eq(k->maxheld, 72254634);
	ck_assert_uint_eq(k->barrier, LMAX);
	ck_assert_uint_eq(k->limit, LMAX);
	ck_assert_uint_eq(k->failcnt, 0);
	const struct ubc_resource *phys = res_of(&s, "101", "physpages");
	ck_assert_uint_eq(phys->held, 23604);
	ck_assert_uint_eq(phys->maxheld, 32768);
	ck_assert_uint_eq(phys->barrier, 0);
	ck_assert_uint_eq(phys->limit, 32768);
	ck_assert_uint_eq(res_of(&s, "101", "numiptent")->held, 627);
	ck_assert_uint_eq(res_of(&s, "102", "tcpsndbuf")->maxheld, 1266992);
	ck_assert_uint_eq(res_of(&s, "102", "numproc")->barrier, 512);
	ck_assert_uint_eq(res_of(&s, "0", "numproc")->held, 152);
	/* swappages is printed only in /proc/bc/CTID/resources. */
	ck_assert_ptr_null(openvz_ubc_resource(&s.ct[1], "swappages"));
	ck_assert_ptr_null(openvz_ubc_find(&s, "103"));
	ck_assert_ptr_null(openvz_ubc_find(&s, "10"));
	openvz_ubc_free(&s);
	ck_assert_ptr_null(s.ct);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

START_TEST(ubc_later_snapshot_has_new_container)
{
	struct ubc_snapshot s;
	ck_assert_int_eq(ubc_of(T1 "user_beancounters", &s), 0);
	ck_assert_uint_eq(s.n, 4);
	ck_assert_str_eq(s.ct[3].id, "103");
	ck_assert_uint_eq(res_of(&s, "103", "numproc")->failcnt, 7);
	ck_assert_uint_eq(res_of(&s, "101", "kmemsize")->failcnt, 5);
	ck_assert_uint_eq(res_of(&s, "0", "numproc")->held, 155);
	openvz_ubc_free(&s);
}
END_TEST

START_TEST(ubc_unlimited_values)
{
	ck_assert(ubc_is_unlimited(LMAX));
	ck_assert(ubc_is_unlimited(2147483647));
	ck_assert(!ubc_is_unlimited(0));
	ck_assert(!ubc_is_unlimited(LMAX - 1));
	ck_assert(!ubc_is_unlimited(UINT64_MAX));
	ck_assert(!ubc_is_unlimited(32768));
}
END_TEST

START_TEST(ubc_header_only_is_an_empty_host)
{
	struct ubc_snapshot s;
	ck_assert_int_eq(ubc_of_text(HEADER, &s), 0);
	ck_assert_uint_eq(s.n, 0);
	openvz_ubc_free(&s);
}
END_TEST

/* Virtuozzo 7 prints the container's name (a UUID) where OpenVZ printed the CTID. */
START_TEST(ubc_named_container)
{
	struct ubc_snapshot s;
	ck_assert_int_eq(ubc_of_text(HEADER
	                             "4f1d7a0c-3b2e-4c5d-9e8f-0a1b2c3d4e5f:  kmemsize  1 2 3 4 5\n"
	                             "            numproc 6 7 8 9 10\n",
	                             &s),
	                 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.ct[0].id, "4f1d7a0c-3b2e-4c5d-9e8f-0a1b2c3d4e5f");
	ck_assert_int_eq(s.ct[0].ctid, -1);
	ck_assert_uint_eq(s.ct[0].nres, 2);
	ck_assert_uint_eq(s.ct[0].res[1].failcnt, 10);
	openvz_ubc_free(&s);
}
END_TEST

START_TEST(ubc_overflow_control_parses)
{
	struct ubc_snapshot s;
	ck_assert_int_eq(ubc_of("openvz-noise/ubc-overflow-control", &s), 0);
	ck_assert_uint_eq(res_of(&s, "101", "physpages")->held, UINT64_MAX);
	openvz_ubc_free(&s);
}
END_TEST

static const char *const ubc_noise[] = {
    "noise/empty",
    "noise/garbage-text",
    "openvz-noise/garbage",
    "openvz-noise/ubc-truncated",
    "openvz-noise/ubc-overflow-held",
    "openvz-noise/ubc-version-3",
    "openvz-noise/ubc-no-ctid",
    "openvz-noise/ubc-ctid-overflow",
    "openvz-noise/ubc-split-name",
    T0 "vz/veinfo",
    T0 "bc/101/resources",
};

START_TEST(ubc_noise_rejected)
{
	struct ubc_snapshot s = {99, (struct ubc_container *)&s};
	ck_assert_msg(ubc_of(ubc_noise[_i], &s) == -1, "%s accepted", ubc_noise[_i]);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_ptr_null(s.ct);
}
END_TEST

static const char *const ubc_bad_text[] = {
    /* No header line. */
    "Version: 2.5\n",
    /* Resource line before any container. */
    HEADER "            kmemsize 1 2 3 4 5\n",
    /* The same container twice. */
    HEADER "101: kmemsize 1 2 3 4 5\n102: kmemsize 1 2 3 4 5\n101: kmemsize 1 2 3 4 5\n",
    /* A sixth number. */
    HEADER "101: kmemsize 1 2 3 4 5 6\n",
    /* A number short. */
    HEADER "101: kmemsize 1 2 3 4 5\n numproc 1 2 3 4\n",
    /* Negative, signed, hexadecimal, fractional. */
    HEADER "101: kmemsize -1 2 3 4 5\n",
    HEADER "101: kmemsize +1 2 3 4 5\n",
    HEADER "101: kmemsize 0x10 2 3 4 5\n",
    HEADER "101: kmemsize 1.5 2 3 4 5\n",
    /* Names the kernel never prints. */
    HEADER "101: KMEMSIZE 1 2 3 4 5\n",
    HEADER "101: kmem\x1b[2Jsize 1 2 3 4 5\n",
    HEADER "1\x1b]0;x\x07: kmemsize 1 2 3 4 5\n",
    HEADER ": kmemsize 1 2 3 4 5\n",
    HEADER "101: averyveryverylongresourcename 1 2 3 4 5\n",
    /* A blank line. */
    HEADER "101: kmemsize 1 2 3 4 5\n\n",
    /* The last line without its newline: the read was cut. */
    HEADER "101: kmemsize 1 2 3 4 5\n numproc 1 2 3 4 5",
    /* Header words changed. */
    "Version: 2.5\n uid resource held maxheld barrier limit fails\n",
    "Version:  2.5 beta\n" HEADER,
};

START_TEST(ubc_bad_text_rejected)
{
	struct ubc_snapshot s;
	ck_assert_msg(ubc_of_text(ubc_bad_text[_i], &s) == -1, "text %d accepted", _i);
	ck_assert_ptr_null(s.ct);
}
END_TEST

/* Container 101 with n resource lines, as user_beancounters text. */
static char *resources_text(int n)
{
	size_t size = sizeof(HEADER) + (size_t)n * 32;
	char *text = malloc(size);
	ck_assert_ptr_nonnull(text);
	int w = snprintf(text, size, "%s", HEADER);
	for (int i = 0; i < n; i++)
		w += snprintf(text + w, size - (size_t)w, "%s r%d 1 2 3 4 5\n", i ? "" : "101:", i);
	return text;
}

START_TEST(ubc_too_many_resources_rejected)
{
	struct ubc_snapshot s;
	char *text = resources_text(UBC_MAX_RESOURCES + 1);
	ck_assert_int_eq(ubc_of_text(text, &s), -1);
	free(text);
	text = resources_text(UBC_MAX_RESOURCES);
	ck_assert_int_eq(ubc_of_text(text, &s), 0);
	ck_assert_uint_eq(s.ct[0].nres, UBC_MAX_RESOURCES);
	openvz_ubc_free(&s);
	free(text);
}
END_TEST

/* Many containers: the array grows past its first block. */
START_TEST(ubc_many_containers)
{
	size_t size = 200 * 64 + 256;
	char *text = malloc(size);
	ck_assert_ptr_nonnull(text);
	int n = snprintf(text, size, "%s", HEADER);
	for (int i = 0; i < 200; i++)
		n += snprintf(text + n, size - (size_t)n, "%d: kmemsize %d 2 3 4 %d\n", 1000 + i, i,
		              i);
	struct ubc_snapshot s;
	ck_assert_int_eq(ubc_of_text(text, &s), 0);
	ck_assert_uint_eq(s.n, 200);
	ck_assert_int_eq(s.ct[199].ctid, 1199);
	ck_assert_uint_eq(s.ct[150].res[0].held, 150);
	openvz_ubc_free(&s);
	free(text);
}
END_TEST

START_TEST(failcnt_increases_between_snapshots)
{
	struct ubc_snapshot a, b;
	ck_assert_int_eq(ubc_of(T0 "user_beancounters", &a), 0);
	ck_assert_int_eq(ubc_of(T1 "user_beancounters", &b), 0);
	struct ubc_fail *f = NULL;
	/* 101 hit kmemsize and dcachesize, 102 privvmpages and tcpsndbuf; 103 is new. */
	ck_assert_int_eq(openvz_ubc_failcnt_increases(&a, &b, &f), 2);
	ck_assert_str_eq(f[0].id, "101");
	ck_assert_int_eq(f[0].ctid, 101);
	ck_assert_uint_eq(f[0].nres, 2);
	ck_assert_str_eq(f[0].res[0].name, "kmemsize");
	ck_assert_uint_eq(f[0].res[0].delta, 5);
	ck_assert_uint_eq(f[0].res[0].failcnt, 5);
	ck_assert_str_eq(f[0].res[1].name, "dcachesize");
	ck_assert_uint_eq(f[0].res[1].delta, 2);
	ck_assert_str_eq(f[1].id, "102");
	ck_assert_uint_eq(f[1].nres, 2);
	ck_assert_str_eq(f[1].res[0].name, "privvmpages");
	ck_assert_uint_eq(f[1].res[0].delta, 12);
	ck_assert_str_eq(f[1].res[1].name, "tcpsndbuf");
	ck_assert_uint_eq(f[1].res[1].delta, 1);
	free(f);

	/* Nothing new between a snapshot and itself. */
	ck_assert_int_eq(openvz_ubc_failcnt_increases(&b, &b, &f), 0);
	ck_assert_ptr_null(f);
	/* Backwards every failcnt went down or stayed: a recreated beancounter, not a refusal. */
	ck_assert_int_eq(openvz_ubc_failcnt_increases(&b, &a, &f), 0);
	ck_assert_ptr_null(f);
	openvz_ubc_free(&a);
	openvz_ubc_free(&b);
}
END_TEST

/* Containers matched by id whatever their order; a gone container is simply absent. */
START_TEST(failcnt_matches_by_id)
{
	struct ubc_snapshot a, b;
	ck_assert_int_eq(ubc_of_text(HEADER "0: numproc 1 1 9 9 0\n"
	                                    "7: numproc 1 1 9 9 4\n"
	                                    "8: numproc 1 1 9 9 0\n",
	                             &a),
	                 0);
	ck_assert_int_eq(ubc_of_text(HEADER "8: numproc 1 1 9 9 1\n"
	                                    "0: numproc 1 1 9 9 0\n"
	                                    "9: numproc 1 1 9 9 3\n",
	                             &b),
	                 0);
	struct ubc_fail *f;
	ck_assert_int_eq(openvz_ubc_failcnt_increases(&a, &b, &f), 1);
	ck_assert_str_eq(f[0].id, "8");
	ck_assert_uint_eq(f[0].res[0].delta, 1);
	free(f);
	openvz_ubc_free(&a);
	openvz_ubc_free(&b);
}
END_TEST

/* "dummy" repeats: each line is compared with the line at its own position. */
START_TEST(failcnt_repeated_names_by_position)
{
	struct ubc_snapshot a, b;
	ck_assert_int_eq(
	    ubc_of_text(HEADER "5: dummy 0 0 0 0 0\n dummy 0 0 0 0 2\n numfile 1 1 1 1 0\n", &a),
	    0);
	ck_assert_int_eq(
	    ubc_of_text(HEADER "5: dummy 0 0 0 0 0\n dummy 0 0 0 0 3\n numfile 1 1 1 1 0\n", &b),
	    0);
	struct ubc_fail *f;
	ck_assert_int_eq(openvz_ubc_failcnt_increases(&a, &b, &f), 1);
	ck_assert_uint_eq(f[0].nres, 1);
	ck_assert_str_eq(f[0].res[0].name, "dummy");
	ck_assert_uint_eq(f[0].res[0].delta, 1);
	ck_assert_uint_eq(f[0].res[0].failcnt, 3);
	free(f);
	openvz_ubc_free(&a);
	openvz_ubc_free(&b);
}
END_TEST

/* A resource that a newer kernel adds has no baseline; a moved one is found by name. */
START_TEST(failcnt_new_and_moved_resources)
{
	struct ubc_snapshot a, b;
	ck_assert_int_eq(ubc_of_text(HEADER "5: kmemsize 0 0 0 0 1\n numproc 0 0 0 0 1\n", &a), 0);
	ck_assert_int_eq(ubc_of_text(HEADER "5: numproc 0 0 0 0 4\n swappages 0 0 0 0 9\n"
	                                    " kmemsize 0 0 0 0 1\n",
	                             &b),
	                 0);
	struct ubc_fail *f;
	ck_assert_int_eq(openvz_ubc_failcnt_increases(&a, &b, &f), 1);
	ck_assert_uint_eq(f[0].nres, 1);
	ck_assert_str_eq(f[0].res[0].name, "numproc");
	ck_assert_uint_eq(f[0].res[0].delta, 3);
	free(f);
	openvz_ubc_free(&a);
	openvz_ubc_free(&b);
}
END_TEST

START_TEST(failcnt_empty_snapshots)
{
	struct ubc_snapshot a = {0, NULL}, b;
	ck_assert_int_eq(ubc_of(T1 "user_beancounters", &b), 0);
	struct ubc_fail *f = (struct ubc_fail *)&a;
	ck_assert_int_eq(openvz_ubc_failcnt_increases(&a, &b, &f), 0);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(openvz_ubc_failcnt_increases(&b, &a, &f), 0);
	ck_assert_ptr_null(f);
	openvz_ubc_free(&b);
}
END_TEST

START_TEST(bc_resources_of_one_container)
{
	size_t len;
	char *buf = fixture_load(T0 "bc/101/resources", &len);
	struct ubc_container ct;
	ck_assert_int_eq(openvz_parse_bc_resources(buf, len, &ct), 0);
	free(buf);
	ck_assert_str_eq(ct.id, "");
	ck_assert_int_eq(ct.ctid, -1);
	/* No "dummy" here; swappages after numiptent. */
	ck_assert_uint_eq(ct.nres, 21);
	ck_assert_ptr_null(openvz_ubc_resource(&ct, "dummy"));
	ck_assert_str_eq(ct.res[19].name, "numiptent");
	ck_assert_str_eq(ct.res[20].name, "swappages");
	ck_assert_uint_eq(ct.res[20].held, 2304);
	ck_assert_uint_eq(ct.res[20].limit, 16384);
	ck_assert_uint_eq(openvz_ubc_resource(&ct, "physpages")->limit, 32768);

	buf = fixture_load(T0 "bc/102/resources", &len);
	ck_assert_int_eq(openvz_parse_bc_resources(buf, len, &ct), 0);
	free(buf);
	ck_assert(ubc_is_unlimited(ct.res[20].limit));
	ck_assert_uint_eq(openvz_ubc_resource(&ct, "kmemsize")->limit, 37748736);
}
END_TEST

static const char *const bc_noise[] = {
    "noise/empty",
    "openvz-noise/garbage",
    "openvz-noise/bc-resources-truncated",
    /* The id column belongs to user_beancounters, not to this file. */
    T0 "user_beancounters",
};

START_TEST(bc_resources_noise_rejected)
{
	size_t len;
	char *buf = fixture_load(bc_noise[_i], &len);
	struct ubc_container ct;
	ck_assert_msg(openvz_parse_bc_resources(buf, len, &ct) == -1, "%s accepted", bc_noise[_i]);
	ck_assert_uint_eq(ct.nres, 0);
	free(buf);
}
END_TEST

START_TEST(veinfo_host_and_containers)
{
	struct veinfo_list l;
	ck_assert_int_eq(veinfo_of(T0 "vz/veinfo", &l), 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.ve[0].id, "0");
	ck_assert_int_eq(l.ve[0].ctid, 0);
	ck_assert_uint_eq(l.ve[0].nproc, 152);
	ck_assert_uint_eq(l.ve[0].nip, 0);
	ck_assert_int_eq(l.ve[1].ctid, 101);
	ck_assert_uint_eq(l.ve[1].class_id, 0);
	ck_assert_uint_eq(l.ve[1].nproc, 34);
	ck_assert_uint_eq(l.ve[1].nip, 2);
	ck_assert_uint_eq(l.ve[1].nip_total, 2);
	ck_assert_str_eq(l.ve[1].ip[0], "192.0.2.101");
	ck_assert_str_eq(l.ve[1].ip[1], "2001:db8::101");
	ck_assert_int_eq(l.ve[2].ctid, 102);
	ck_assert_uint_eq(l.ve[2].nproc, 16);
	ck_assert_str_eq(l.ve[2].ip[1], "198.51.100.102");
	openvz_veinfo_free(&l);
	ck_assert_ptr_null(l.ve);
}
END_TEST

/* Virtuozzo 7: "%10s 0 %5u" with the container's name; an empty file lists nothing. */
START_TEST(veinfo_other_forms)
{
	struct veinfo_list l;
	ck_assert_int_eq(veinfo_of_text("         0 0   231\n"
	                                "4f1d7a0c-3b2e-4c5d-9e8f-0a1b2c3d4e5f 0    12\n",
	                                &l),
	                 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_int_eq(l.ve[1].ctid, -1);
	ck_assert_str_eq(l.ve[1].id, "4f1d7a0c-3b2e-4c5d-9e8f-0a1b2c3d4e5f");
	ck_assert_uint_eq(l.ve[1].nproc, 12);
	openvz_veinfo_free(&l);

	ck_assert_int_eq(veinfo_of_text("", &l), 0);
	ck_assert_uint_eq(l.n, 0);
	openvz_veinfo_free(&l);
}
END_TEST

START_TEST(veinfo_many_addresses_are_cut)
{
	char text[2048];
	int n = snprintf(text, sizeof(text), "%10u %5u %5u", 101u, 0u, 3u);
	for (int i = 0; i < VE_MAX_IPS + 4; i++) {
		char ip[16];
		snprintf(ip, sizeof(ip), "10.0.0.%d", i + 1);
		n += snprintf(text + n, sizeof(text) - (size_t)n, " %15s", ip);
	}
	snprintf(text + n, sizeof(text) - (size_t)n, "\n");
	struct veinfo_list l;
	ck_assert_int_eq(veinfo_of_text(text, &l), 0);
	ck_assert_uint_eq(l.ve[0].nip, VE_MAX_IPS);
	ck_assert_uint_eq(l.ve[0].nip_total, VE_MAX_IPS + 4);
	ck_assert_str_eq(l.ve[0].ip[VE_MAX_IPS - 1], "10.0.0.16");
	openvz_veinfo_free(&l);
}
END_TEST

static const char *const veinfo_noise[] = {
    "noise/garbage-text",
    "openvz-noise/garbage",
    "openvz-noise/veinfo-truncated",
    "openvz-noise/veinfo-bad-ip",
    "openvz-noise/veinfo-overflow-nproc",
    T0 "user_beancounters",
};

START_TEST(veinfo_noise_rejected)
{
	struct veinfo_list l;
	ck_assert_msg(veinfo_of(veinfo_noise[_i], &l) == -1, "%s accepted", veinfo_noise[_i]);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_ptr_null(l.ve);
}
END_TEST

static const char *const veinfo_bad_text[] = {
    "       101     0\n",
    "       101     0    34     192.0.2.1\n       101     0    34\n",
    "       101    -1    34\n",
    "       101     0    34     localhost\n",
    "       101     0    34     192.0.2.1/24\n",
    "       101     0    34     ::ffff:192.0.2.1:80\n",
    "  99999999999     0    34\n",
    "       1\x1b[m     0    34\n",
    "       101     0    34\n\n",
};

START_TEST(veinfo_bad_text_rejected)
{
	struct veinfo_list l;
	ck_assert_msg(veinfo_of_text(veinfo_bad_text[_i], &l) == -1, "text %d accepted", _i);
	ck_assert_ptr_null(l.ve);
}
END_TEST

START_TEST(read_file_whole)
{
	char root[PATH_MAX];
	fixture_path(T0, root, sizeof(root));
	int fds = count_open_fds();
	size_t len, flen;
	char *buf = openvz_read_file(root, "user_beancounters", &len);
	ck_assert_ptr_nonnull(buf);
	char *want = fixture_load(T0 "user_beancounters", &flen);
	ck_assert_uint_eq(len, flen);
	ck_assert_int_eq(memcmp(buf, want, len), 0);
	ck_assert_int_eq(buf[len], '\0');
	struct ubc_snapshot s;
	ck_assert_int_eq(openvz_parse_beancounters(buf, len, &s), 0);
	ck_assert_uint_eq(s.n, 3);
	openvz_ubc_free(&s);
	free(want);
	free(buf);

	buf = openvz_read_file(root, "vz/veinfo", &len);
	ck_assert_ptr_nonnull(buf);
	struct veinfo_list l;
	ck_assert_int_eq(openvz_parse_veinfo(buf, len, &l), 0);
	ck_assert_uint_eq(l.n, 3);
	openvz_veinfo_free(&l);
	free(buf);
	ck_assert_int_eq(count_open_fds(), fds);
}
END_TEST

/* A host with hundreds of containers prints megabytes: the buffer grows. */
START_TEST(read_file_larger_than_first_block)
{
	char *dir = scratch_make();
	size_t size = 300 * 1024;
	char *text = malloc(size + 1);
	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < size; i++)
		text[i] = (char)('a' + i % 26);
	text[size] = '\0';
	scratch_write(dir, "big", text);
	size_t len;
	char *buf = openvz_read_file(dir, "big", &len);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(len, size);
	ck_assert_int_eq(memcmp(buf, text, size), 0);
	free(buf);
	scratch_write(dir, "empty", "");
	buf = openvz_read_file(dir, "empty", &len);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(len, 0);
	free(buf);
	free(text);
	scratch_remove(dir);
}
END_TEST

START_TEST(read_file_errors)
{
	size_t len = 7;
	int fds = count_open_fds();
	errno = 0;
	ck_assert_ptr_null(openvz_read_file("/nonexistent-guesttop", "user_beancounters", &len));
	ck_assert_int_eq(errno, ENOENT);
	char root[PATH_MAX];
	fixture_path(T0, root, sizeof(root));
	errno = 0;
	ck_assert_ptr_null(openvz_read_file(root, "bc/999/resources", &len));
	ck_assert_int_eq(errno, ENOENT);
	static char longrel[PATH_MAX + 16];
	memset(longrel, 'a', sizeof(longrel) - 1);
	errno = 0;
	ck_assert_ptr_null(openvz_read_file(root, longrel, &len));
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_uint_eq(len, 7);
	ck_assert_int_eq(count_open_fds(), fds);
}
END_TEST

Suite *openvz_suite(void)
{
	Suite *s = suite_create("openvz");
	TCase *tc = tcase_create("beancounters");
	tcase_add_test(tc, ubc_host_with_three_containers);
	tcase_add_test(tc, ubc_later_snapshot_has_new_container);
	tcase_add_test(tc, ubc_unlimited_values);
	tcase_add_test(tc, ubc_header_only_is_an_empty_host);
	tcase_add_test(tc, ubc_named_container);
	tcase_add_test(tc, ubc_overflow_control_parses);
	tcase_add_loop_test(tc, ubc_noise_rejected, 0,
	                    (int)(sizeof(ubc_noise) / sizeof(ubc_noise[0])));
	tcase_add_loop_test(tc, ubc_bad_text_rejected, 0,
	                    (int)(sizeof(ubc_bad_text) / sizeof(ubc_bad_text[0])));
	tcase_add_test(tc, ubc_too_many_resources_rejected);
	tcase_add_test(tc, ubc_many_containers);
	suite_add_tcase(s, tc);

	tc = tcase_create("failcnt");
	tcase_add_test(tc, failcnt_increases_between_snapshots);
	tcase_add_test(tc, failcnt_matches_by_id);
	tcase_add_test(tc, failcnt_repeated_names_by_position);
	tcase_add_test(tc, failcnt_new_and_moved_resources);
	tcase_add_test(tc, failcnt_empty_snapshots);
	suite_add_tcase(s, tc);

	tc = tcase_create("bc-resources");
	tcase_add_test(tc, bc_resources_of_one_container);
	tcase_add_loop_test(tc, bc_resources_noise_rejected, 0,
	                    (int)(sizeof(bc_noise) / sizeof(bc_noise[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("veinfo");
	tcase_add_test(tc, veinfo_host_and_containers);
	tcase_add_test(tc, veinfo_other_forms);
	tcase_add_test(tc, veinfo_many_addresses_are_cut);
	tcase_add_loop_test(tc, veinfo_noise_rejected, 0,
	                    (int)(sizeof(veinfo_noise) / sizeof(veinfo_noise[0])));
	tcase_add_loop_test(tc, veinfo_bad_text_rejected, 0,
	                    (int)(sizeof(veinfo_bad_text) / sizeof(veinfo_bad_text[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("read");
	tcase_add_test(tc, read_file_whole);
	tcase_add_test(tc, read_file_larger_than_first_block);
	tcase_add_test(tc, read_file_errors);
	suite_add_tcase(s, tc);
	return s;
}
