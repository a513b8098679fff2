/* The per-guest figures for other programs: CSV and JSON lines, and a Prometheus textfile. */
#include "tui/export.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tui/columns.h"
#include "widgets/text.h"

void export_iso_time(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A CSV field: quoted when it holds a comma, quote or space; controls already escaped. */
static void csv_text(FILE *f, const char *raw)
{
	char esc[GUEST_NAME_MAX * 8];
	text_escape(raw, esc, sizeof(esc));
	if (strpbrk(esc, ",\" ")) {
		fputc('"', f);
		for (const char *p = esc; *p; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else {
		fputs(esc, f);
	}
}

static void csv_num(FILE *f, double v, int decimals)
{
	if (!isnan(v))
		fprintf(f, "%.*f", decimals, v);
}

/* The CSV columns, in order: X(name, column or -1, decimals). Names are a public interface. */
#define CSV_FIELDS(X) \
	X(vcpus, COL_VCPU, 0) \
	X(cpu_pct, COL_CPU, 1) \
	X(steal_pct, COL_STEAL, 1) \
	X(mem_bytes, COL_MEM, 0) \
	X(rss_bytes, COL_RSS, 0) \
	X(disk_read_bps, COL_RD, 0) \
	X(disk_write_bps, COL_WR, 0) \
	X(thr_pct, COL_THR, 1) \
	X(disk_read_iops, -1, 1) \
	X(disk_write_iops, -1, 1) \
	X(disk_read_lat_ms, -1, 2) \
	X(disk_write_lat_ms, -1, 2) \
	X(net_rx_bps, COL_RX, 0) \
	X(net_tx_bps, COL_TX, 0) \
	X(net_drops, COL_DROP, 1) \
	X(swap_bytes, COL_SWAP, 0) \
	X(major_faults_ps, COL_MAJF, 1) \
	X(psi_cpu_some, COL_PSIC, 1) \
	X(psi_io_some, COL_PSII, 1) \
	X(psi_mem_some, COL_PSIM, 1) \
	X(vcpu_pct, COL_VCPUPCT, 1) \
	X(cgroup_mem_bytes, COL_CGMEM, 0) \
	X(net_rx_pps, -1, 1) \
	X(net_tx_pps, -1, 1)

enum csv_field {
#define X(name, col, dec) CSV_##name,
	CSV_FIELDS(X)
#undef X
};

void export_csv_header(FILE *f)
{
	fputs("time,backend,name,uuid,state", f);
#define X(name, col, dec) fputs("," #name, f);
	CSV_FIELDS(X)
#undef X
	fputs(",victim,culprit,host\n", f);
}

/* Fields that are not a table column of their own. */
static double csv_extra(const struct guest_row *r, enum csv_field fld)
{
	switch (fld) {
	case CSV_disk_read_iops: return r->disk.rd_iops;
	case CSV_disk_write_iops: return r->disk.wr_iops;
	case CSV_disk_read_lat_ms: return r->disk.rd_lat_ms;
	case CSV_disk_write_lat_ms: return r->disk.wr_lat_ms;
	case CSV_net_rx_pps: return r->rates.net_rx_pps;
	case CSV_net_tx_pps: return r->rates.net_tx_pps;
	default: return NAN;
	}
}

void export_csv(FILE *f, const struct model *m, const size_t *order, const char *now)
{
	for (size_t k = 0; k < m->n; k++) {
		const struct guest_row *r = &m->rows[order[k]];
		fprintf(f, "%s,", now);
		csv_text(f, r->g.kind);
		fputc(',', f);
		csv_text(f, r->g.name);
		fprintf(f, ",%s,%s", r->g.uuid, row_state_name(r));
#define X(name, col, dec)                                                                       \
	fputc(',', f);                                                                          \
	csv_num(f, (col) >= 0 ? column_number(r, (enum column)(col)) : csv_extra(r, CSV_##name), dec);
		CSV_FIELDS(X)
#undef X
		/* victim and culprit: 1 or 0 once the guest is measured, empty before. */
		if (isnan(column_number(r, COL_ROLE)))
			fputs(",,", f);
		else
			fprintf(f, ",%d,%d", r->victim != 0, r->culprit != 0);
		fputc(',', f);
		csv_text(f, column_host(r));
		fputc('\n', f);
	}
}

/* A JSON string: the name as the table shows it (controls escaped as \xNN), then JSON's own escapes. */
static void json_text(FILE *f, const char *raw)
{
	char esc[GUEST_NAME_MAX * 8];
	text_escape(raw, esc, sizeof(esc));
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)esc; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v, int decimals)
{
	if (isnan(v) || isinf(v))
		fputs("null", f);
	else
		fprintf(f, "%.*f", decimals, v);
}

static double field_value(const struct guest_row *r, int col, enum csv_field fld)
{
	return col >= 0 ? column_number(r, (enum column)col) : csv_extra(r, fld);
}

void export_json(FILE *f, const struct model *m, const size_t *order, const char *now)
{
	for (size_t k = 0; k < m->n; k++) {
		const struct guest_row *r = &m->rows[order[k]];
		fprintf(f, "{\"time\":\"%s\",\"host\":", now);
		json_text(f, column_host(r));
		fputs(",\"backend\":", f);
		json_text(f, r->g.kind);
		fputs(",\"name\":", f);
		json_text(f, r->g.name);
		fputs(",\"uuid\":", f);
		json_text(f, r->g.uuid);
		fprintf(f, ",\"state\":\"%s\"", row_state_name(r));
#define X(name, col, dec)                                  \
	fputs(",\"" #name "\":", f);                       \
	json_num(f, field_value(r, col, CSV_##name), dec);
		CSV_FIELDS(X)
#undef X
		if (isnan(column_number(r, COL_ROLE)))
			fputs(",\"victim\":null,\"culprit\":null}\n", f);
		else
			fprintf(f, ",\"victim\":%s,\"culprit\":%s}\n", r->victim ? "true" : "false",
				r->culprit ? "true" : "false");
	}
}

/* A label value: as the table shows the name, with the format's escapes for \, " and newline. */
static void prom_label(FILE *f, const char *raw)
{
	char esc[GUEST_NAME_MAX * 8];
	text_escape(raw, esc, sizeof(esc));
	for (const char *p = esc; *p; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
}

static void prom_labels(FILE *f, const struct guest_row *r)
{
	fputs("{host=\"", f);
	prom_label(f, column_host(r));
	fputs("\",backend=\"", f);
	prom_label(f, r->g.kind);
	fputs("\",name=\"", f);
	prom_label(f, r->g.name);
	fputs("\",uuid=\"", f);
	prom_label(f, r->g.uuid);
	fputs("\"}", f);
}

/* A HELP text: the format escapes only \ and newline there. */
static void prom_help(FILE *f, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
}

/* The Prometheus help of each field: what the man page says of its column. */
static const char *field_help(int col, const char *name)
{
	return col >= 0 ? columns[col].meaning : name;
}

/* The victim (or culprit) verdict of every guest that has rates. */
static void prom_flag(FILE *f, const struct model *m, const char *name, const char *help, bool victim)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	for (size_t i = 0; i < m->n; i++) {
		const struct guest_row *r = &m->rows[i];
		if (isnan(column_number(r, COL_ROLE)))
			continue;
		fputs(name, f);
		prom_labels(f, r);
		fprintf(f, " %d\n", (victim ? r->victim : r->culprit) != 0);
	}
}

static void prom_write(FILE *f, const struct model *m)
{
	fputs("# HELP guesttop_running 1 when the guest is running (or paused), 0 otherwise.\n"
	      "# TYPE guesttop_running gauge\n", f);
	for (size_t i = 0; i < m->n; i++) {
		fputs("guesttop_running", f);
		prom_labels(f, &m->rows[i]);
		fprintf(f, " %d\n", guest_state_is_active(m->rows[i].g.state) ? 1 : 0);
	}
#define X(name, col, dec)                                                                          \
	{                                                                                          \
		bool head = false;                                                                 \
		for (size_t i = 0; i < m->n; i++) {                                                \
			double v = field_value(&m->rows[i], col, CSV_##name);                      \
			if (isnan(v) || isinf(v))                                                  \
				continue;                                                          \
			if (!head) {                                                               \
				fprintf(f, "# HELP guesttop_" #name " ");                          \
				prom_help(f, field_help(col, #name));                              \
				fputs("\n# TYPE guesttop_" #name " gauge\n", f);                   \
				head = true;                                                       \
			}                                                                          \
			fputs("guesttop_" #name, f);                                               \
			prom_labels(f, &m->rows[i]);                                               \
			fprintf(f, " %.*f\n", dec, v);                                             \
		}                                                                                  \
	}
	CSV_FIELDS(X)
#undef X
	prom_flag(f, m, "guesttop_victim", "1 when the guest is judged a victim (steal, throttling, pressure).", true);
	prom_flag(f, m, "guesttop_culprit", "1 when the guest is judged a culprit (it takes what victims wait for).",
		  false);
}

int export_prometheus(const char *path, const struct model *m, char *err, size_t errlen)
{
	char tmp[4096];
	int n = snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		snprintf(err, errlen, "prometheus textfile: path too long");
		return -1;
	}
	/* O_EXCL and O_NOFOLLOW: a file or link planted under the temporary name is never written through. */
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "prometheus textfile %.200s: %s", tmp, strerror(errno));
		return -1;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, errlen, "prometheus textfile: %s", strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	prom_write(f, m);
	bool bad = fflush(f) != 0 || ferror(f) || fsync(fd) != 0;
	int saved = errno;
	if (fclose(f) != 0 && !bad) {
		bad = true;
		saved = errno;
	}
	/* rename replaces a symbolic link at path itself, never the file it points to. */
	if (bad || rename(tmp, path) != 0) {
		if (!bad)
			saved = errno;
		unlink(tmp);
		snprintf(err, errlen, "prometheus textfile %.200s: %s", path, strerror(saved));
		return -1;
	}
	return 0;
}

/* A count from a recording; what no uint64_t can hold (negative, 2^64 or more, NaN) is unknown. */
static uint64_t u64_of(double v)
{
	return isnan(v) || v < 0 || v >= 0x1p64 ? GT_UNKNOWN : (uint64_t)(v + 0.5);
}

int export_field_index(const char *name)
{
	int i = 0;
#define X(fname, col, dec)                 \
	if (strcmp(name, #fname) == 0)     \
		return i;                  \
	i++;
	CSV_FIELDS(X)
#undef X
	return -1;
}

int export_field_count(void)
{
	return 0
#define X(fname, col, dec) +1
	CSV_FIELDS(X)
#undef X
	;
}

void export_set_field(struct guest_row *r, int field, double v)
{
	switch ((enum csv_field)field) {
	case CSV_vcpus: r->g.vcpus = isnan(v) || v < 0 || v > UINT_MAX ? 0 : (unsigned)v; break;
	case CSV_cpu_pct: r->rates.cpu_pct = v; break;
	case CSV_steal_pct: r->rates.steal_pct = v; break;
	case CSV_mem_bytes: r->g.mem_bytes = u64_of(v); break;
	case CSV_rss_bytes: r->rss_bytes = u64_of(v); break;
	case CSV_disk_read_bps: r->rates.read_bps = v; break;
	case CSV_disk_write_bps: r->rates.write_bps = v; break;
	case CSV_thr_pct: r->rates.thr_pct = v; break;
	case CSV_disk_read_iops: r->disk.rd_iops = v; break;
	case CSV_disk_write_iops: r->disk.wr_iops = v; break;
	case CSV_disk_read_lat_ms: r->disk.rd_lat_ms = v; break;
	case CSV_disk_write_lat_ms: r->disk.wr_lat_ms = v; break;
	case CSV_net_rx_bps: r->rates.net_rx_bps = v; break;
	case CSV_net_tx_bps: r->rates.net_tx_bps = v; break;
	case CSV_net_drops: r->rates.net_drops_ps = v; break;
	case CSV_swap_bytes: r->swap_bytes = u64_of(v); break;
	case CSV_major_faults_ps: r->rates.majflt_ps = v; break;
	case CSV_psi_cpu_some: r->rates.psi_cpu = v; break;
	case CSV_psi_io_some: r->rates.psi_io = v; break;
	case CSV_psi_mem_some: r->rates.psi_mem = v; break;
	case CSV_vcpu_pct: r->rates.vcpu_pct = v; break;
	case CSV_cgroup_mem_bytes: r->cg_mem_bytes = u64_of(v); break;
	case CSV_net_rx_pps: r->rates.net_rx_pps = v; break;
	case CSV_net_tx_pps: r->rates.net_tx_pps = v; break;
	}
}
