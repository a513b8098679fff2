/* Tests of the export formats: a hostile guest name never reaches the output raw, and the syntax holds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/sampler.h"
#include "tests/unit/unit.h"
#include "tui/export.h"
#include "tui/record.h"
#include "widgets/text.h"

/* A name with a terminal title sequence, a quote, a backslash, a newline and an invalid UTF-8 byte. */
static const char hostile[] = "ev\x1b]0;pwned\x07il\"q\\b\nx\xff";

static void hostile_model(struct model *m)
{
	memset(m, 0, sizeof(*m));
	m->rows = calloc(1, sizeof(*m->rows));
	ck_assert_ptr_nonnull(m->rows);
	m->n = m->cap = 1;
	m->proc_fd = -1;
	struct guest_row *r = &m->rows[0];
	snprintf(r->g.name, sizeof(r->g.name), "%s", hostile);
	snprintf(r->g.uuid, sizeof(r->g.uuid), "00000000-0000-4000-8000-000000000001");
	snprintf(r->g.kind, sizeof(r->g.kind), "lxc");
	r->g.state = GUEST_STATE_RUNNING;
	r->g.mem_bytes = 1024;
	r->g.mem_max_bytes = GT_UNKNOWN;
	sampler_rates_unknown(&r->rates);
	r->rates.cpu_pct = 12.5;
	r->rss_bytes = r->swap_bytes = r->cg_mem_bytes = GT_UNKNOWN;
	r->disk.rd_bps = r->disk.wr_bps = r->disk.rd_iops = r->disk.wr_iops = NAN;
	r->disk.rd_lat_ms = r->disk.wr_lat_ms = NAN;
	r->hv_cpu_pct = NAN;
}

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f || *p >= 0x80)
			return true;
	return false;
}

START_TEST(json_escapes_a_hostile_name)
{
	struct model m;
	hostile_model(&m);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	size_t order[1] = { 0 };
	export_json(f, &m, order, "2026-01-01T00:00:00Z");
	fclose(f);
	/* One line, no raw control or non-ASCII byte: the escape cannot reach a terminal. */
	ck_assert_int_eq((int)(strchr(buf, '\n') - buf), (int)len - 1);
	ck_assert(!has_control(buf));
	ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"ev\\\\x1b]0;pwned\\\\x07il\\\"q\\\\\\\\b\\\\x0ax\\\\xff\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"cpu_pct\":12.5,"));
	ck_assert_ptr_nonnull(strstr(buf, "\"steal_pct\":null,"));
	ck_assert_ptr_nonnull(strstr(buf, "\"mem_bytes\":1024,"));
	free(buf);
	free(m.rows);
}
END_TEST

START_TEST(prometheus_escapes_a_hostile_name)
{
	struct model m;
	hostile_model(&m);
	char *dir = scratch_make(), path[4096], err[256];
	snprintf(path, sizeof(path), "%s/g.prom", dir);
	ck_assert_int_eq(export_prometheus(path, &m, err, sizeof(err)), 0);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char line[4096];
	int samples = 0;
	while (fgets(line, sizeof(line), f)) {
		ck_assert(!has_control(line));
		if (line[0] != '#')
			samples++;
	}
	fclose(f);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	ck_assert_int_ge(samples, 3);	/* running, cpu_pct, mem_bytes */
	char want[512];
	snprintf(want, sizeof(want),
		 "guesttop_cpu_pct{host=\"\",backend=\"lxc\",name=\"ev\\\\x1b]0;pwned\\\\x07il\\\"q\\\\\\\\b\\\\x0ax\\\\xff\","
		 "uuid=\"00000000-0000-4000-8000-000000000001\"} 12.5\n");
	f = fopen(path, "r");
	bool found = false;
	while (fgets(line, sizeof(line), f))
		found |= strcmp(line, want) == 0;
	fclose(f);
	ck_assert_msg(found, "no line %s", want);
	/* No unknown value becomes a sample. */
	f = fopen(path, "r");
	while (fgets(line, sizeof(line), f))
		ck_assert_msg(strncmp(line, "guesttop_steal_pct{", 19) != 0, "unknown steal written");
	fclose(f);
	/* A directory that does not exist: an error naming it, no crash. */
	ck_assert_int_eq(export_prometheus("/nonexistent/dir/g.prom", &m, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir/g.prom"));
	free(m.rows);
	scratch_remove(dir);
}
END_TEST

/* A recording keeps a hostile name exactly: written escaped, read back to the same bytes. */
START_TEST(record_round_trip_keeps_names)
{
	struct model m;
	hostile_model(&m);
	char *dir = scratch_make(), path[4096], err[300], msg[300];
	snprintf(path, sizeof(path), "%s/r.rec", dir);
	FILE *f = record_open(path, err, sizeof(err));
	ck_assert_msg(f != NULL, "%s", err);
	size_t order[1] = { 0 };
	ck_assert_int_eq(record_frame(f, &m, order, "2026-01-01T00:00:01Z"), 0);
	m.rows[0].rates.cpu_pct = NAN;
	m.rows[0].g.state = GUEST_STATE_PAUSED;
	ck_assert_int_eq(record_frame(f, &m, order, "2026-01-01T00:00:02Z"), 0);
	fclose(f);
	/* The file holds no raw control byte. */
	f = fopen(path, "r");
	char line[4096];
	while (fgets(line, sizeof(line), f))
		for (const unsigned char *p = (const unsigned char *)line; *p; p++)
			ck_assert(*p >= 0x20 || *p == '\n');
	fclose(f);
	struct recording rec;
	ck_assert_int_eq(recording_load(path, &rec, msg, sizeof(msg)), 0);
	ck_assert_str_eq(msg, "");
	ck_assert_uint_eq(rec.n_frames, 2);
	ck_assert_str_eq(rec.rows[0].name, hostile);
	ck_assert_str_eq(rec.frames[1].time, "2026-01-01T00:00:02Z");
	struct model r;
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(recording_model(&rec, 0, &r), 0);
	ck_assert_str_eq(r.rows[0].g.name, hostile);
	ck_assert_double_eq(r.rows[0].rates.cpu_pct, 12.5);
	ck_assert_uint_eq(r.rows[0].g.mem_bytes, 1024);
	ck_assert(isnan(r.rows[0].rates.steal_pct));
	ck_assert_int_eq(recording_model(&rec, 1, &r), 0);
	ck_assert_int_eq(r.rows[0].g.state, GUEST_STATE_PAUSED);
	ck_assert(isnan(r.rows[0].rates.cpu_pct));
	/* Its sparkline has both refreshes: 12.5, then unknown. */
	float h[HISTORY_LEN];
	ck_assert_uint_eq(model_history(&r.rows[0], h), 2);
	ck_assert_double_eq(h[0], 12.5);
	free(r.rows);
	recording_free(&rec);
	/* Appending again keeps one header. */
	f = record_open(path, err, sizeof(err));
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(recording_load(path, &rec, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(rec.n_frames, 2);
	recording_free(&rec);
	free(m.rows);
	scratch_remove(dir);
}
END_TEST

/* A header that names a field twice: the first column counts, and the second's text is not kept (nor leaked). */
START_TEST(record_field_named_twice)
{
	char *dir = scratch_make(), path[4096], msg[300];
	snprintf(path, sizeof(path), "%s/twice.rec", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(RECORD_MAGIC "\n"
	      "time,backend,name,uuid,state,cpu_pct,backend,name,uuid,host,host\n"
	      "2026-01-01T00:00:00Z,kvm,first,u-1,running,5.0,xen,second,u-2,h1,h2\n"
	      "E 2026-01-01T00:00:00Z\n",
	      f);
	fclose(f);
	struct recording rec;
	ck_assert_int_eq(recording_load(path, &rec, msg, sizeof(msg)), 0);
	ck_assert_str_eq(msg, "");
	ck_assert_uint_eq(rec.n_rows, 1);
	ck_assert_str_eq(rec.rows[0].backend, "kvm");
	ck_assert_str_eq(rec.rows[0].name, "first");
	ck_assert_str_eq(rec.rows[0].uuid, "u-1");
	ck_assert_str_eq(rec.rows[0].host, "h1");
	recording_free(&rec);
	scratch_remove(dir);
}
END_TEST

/* A vCPU count no guest can have (beyond unsigned, negative) is read as unknown, never converted. */
/* A recorded count beyond what a uint64_t holds is unknown; one above 2^63 is kept. */
START_TEST(set_field_counts_out_of_range)
{
	struct guest_row r;
	memset(&r, 0, sizeof(r));
	int mem = export_field_index("mem_bytes"), vcpus = export_field_index("vcpus");
	ck_assert_int_ge(mem, 0);
	ck_assert_int_ge(vcpus, 0);
	export_set_field(&r, mem, 1e30);
	ck_assert_uint_eq(r.g.mem_bytes, GT_UNKNOWN);
	export_set_field(&r, mem, -1);
	ck_assert_uint_eq(r.g.mem_bytes, GT_UNKNOWN);
	export_set_field(&r, mem, 1.5e19);
	ck_assert_uint_eq(r.g.mem_bytes, 15000000000000000000ull);
	export_set_field(&r, mem, 2147483648.4);
	ck_assert_uint_eq(r.g.mem_bytes, 2147483648ull);
	export_set_field(&r, vcpus, 1e10);
	ck_assert_uint_eq(r.g.vcpus, 0);
}
END_TEST

START_TEST(record_vcpus_out_of_range)
{
	char *dir = scratch_make(), path[4096], msg[300];
	snprintf(path, sizeof(path), "%s/vcpus.rec", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(RECORD_MAGIC "\n"
	      "time,backend,name,uuid,state,vcpus\n"
	      "2026-01-01T00:00:00Z,kvm,big,u-1,running,8.88889e+31\n"
	      "2026-01-01T00:00:00Z,kvm,neg,u-2,running,-3\n"
	      "2026-01-01T00:00:00Z,kvm,max,u-3,running,4294967295\n"
	      "2026-01-01T00:00:00Z,kvm,four,u-4,running,4\n"
	      "E 2026-01-01T00:00:00Z\n",
	      f);
	fclose(f);
	struct recording rec;
	ck_assert_int_eq(recording_load(path, &rec, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(rec.n_rows, 4);
	struct model m;
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(recording_model(&rec, 0, &m), 0);
	ck_assert_uint_eq(m.rows[0].g.vcpus, 0);
	ck_assert_uint_eq(m.rows[1].g.vcpus, 0);
	ck_assert_uint_eq(m.rows[2].g.vcpus, 4294967295u);
	ck_assert_uint_eq(m.rows[3].g.vcpus, 4);
	free(m.rows);
	recording_free(&rec);
	scratch_remove(dir);
}
END_TEST

START_TEST(unescape_reverses_escape)
{
	static const char *const names[] = { hostile, "plain", "back\\slash", "rtl\xe2\x80\xaemark", "a\\x41", "" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char esc[1024], back[1024];
		text_escape(names[i], esc, sizeof(esc));
		text_unescape(esc, back, sizeof(back));
		ck_assert_str_eq(back, names[i]);
	}
}
END_TEST

Suite *export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("escape");
	tcase_add_test(tc, json_escapes_a_hostile_name);
	tcase_add_test(tc, prometheus_escapes_a_hostile_name);
	tcase_add_test(tc, record_round_trip_keeps_names);
	tcase_add_test(tc, record_field_named_twice);
	tcase_add_test(tc, record_vcpus_out_of_range);
	tcase_add_test(tc, set_field_counts_out_of_range);
	tcase_add_test(tc, unescape_reverses_escape);
	suite_add_tcase(s, tc);
	return s;
}
