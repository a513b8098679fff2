/* Recording every refresh's figures with guest names, and reading a recording back for replay. */
#include "tui/record.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/export.h"
#include "widgets/text.h"

FILE *record_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot record to %.200s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot record to %.200s: not a regular file", path);
		close(fd);
		return NULL;
	}
	FILE *f = fdopen(fd, "a+");
	if (!f) {
		snprintf(err, errlen, "cannot record to %.200s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (st.st_size > 0) {
		/* Appending to something else would damage it. */
		char line[64] = "";
		if (pread(fd, line, sizeof(line) - 1, 0) < (ssize_t)strlen(RECORD_MAGIC) ||
		    strncmp(line, RECORD_MAGIC "\n", strlen(RECORD_MAGIC) + 1) != 0) {
			snprintf(err, errlen, "cannot record to %.200s: it is not a guesttop recording", path);
			fclose(f);
			return NULL;
		}
	} else {
		fputs(RECORD_MAGIC "\n", f);
		export_csv_header(f);
		if (fflush(f) != 0) {
			snprintf(err, errlen, "cannot record to %.200s: %s", path, strerror(errno));
			fclose(f);
			return NULL;
		}
	}
	return f;
}

int record_frame(FILE *f, const struct model *m, const size_t *order, const char *now)
{
	export_csv(f, m, order, now);
	fprintf(f, "E %s\n", now);
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

/* Split one CSV line (RFC 4180 quoting) in place; returns the field count, at most max. */
static int split_csv(char *line, char **out, int max)
{
	int n = 0;
	char *p = line;
	for (;;) {
		if (n == max)
			return -1;
		if (*p == '"') {
			char *w = ++p;
			out[n++] = w;
			for (;;) {
				if (!*p)
					return -1;
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*w++ = *p++;
				}
			}
			*w = '\0';
			if (*p == ',') {
				p++;
				continue;
			}
			return *p ? -1 : n;
		}
		out[n++] = p;
		char *comma = strchr(p, ',');
		if (!comma)
			return n;
		*comma = '\0';
		p = comma + 1;
	}
}

static char *unescaped(const char *s)
{
	size_t n = strlen(s) + 1;
	char *out = malloc(n);
	if (out)
		text_unescape(s, out, n);
	return out;
}

static enum guest_state state_by_name(const char *s)
{
	for (int i = GUEST_STATE_UNKNOWN; i <= GUEST_STATE_PMSUSPENDED; i++)
		if (strcmp(guest_state_name((enum guest_state)i), s) == 0)
			return (enum guest_state)i;
	return GUEST_STATE_UNKNOWN;
}

static int parse_value(const char *s, double *v)
{
	if (!*s) {
		*v = NAN;
		return 0;
	}
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	return errno || *end || !isfinite(*v) ? -1 : 0;
}

void recording_free(struct recording *r)
{
	for (size_t i = 0; i < r->n_rows; i++) {
		struct rec_row *w = &r->rows[i];
		free(w->host);
		free(w->backend);
		free(w->name);
		free(w->uuid);
		free(w->values);
	}
	free(r->rows);
	free(r->frames);
	memset(r, 0, sizeof(*r));
}

#define MAX_FIELDS 64

int recording_load(const char *path, struct recording *r, char *msg, size_t msglen)
{
	memset(r, 0, sizeof(*r));
	msg[0] = '\0';
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(msg, msglen, "cannot read %.200s: %s", path, strerror(errno));
		return -1;
	}
	char line[8192];
	int idx[MAX_FIELDS];	/* each column of the file: export field index, or a fixed one below */
	enum { F_TIME = -2, F_BACKEND = -3, F_NAME = -4, F_UUID = -5, F_STATE = -6, F_VICTIM = -7,
	       F_CULPRIT = -8, F_HOST = -9, F_OTHER = -10 };
	int ncols = 0, nf = export_field_count();
	long lineno = 2;
	if (!fgets(line, sizeof(line), f) || strcmp(line, RECORD_MAGIC "\n") != 0) {
		snprintf(msg, msglen, "%.200s is not a guesttop recording", path);
		fclose(f);
		return -1;
	}
	char *cols[MAX_FIELDS];
	if (!fgets(line, sizeof(line), f) || (line[strcspn(line, "\n")] = '\0', ncols = split_csv(line, cols, MAX_FIELDS)) < 5) {
		snprintf(msg, msglen, "%.200s: no field names", path);
		fclose(f);
		return -1;
	}
	for (int i = 0; i < ncols; i++) {
		static const struct { const char *name; int idx; } fixed[] = {
			{ "time", F_TIME }, { "backend", F_BACKEND }, { "name", F_NAME }, { "uuid", F_UUID },
			{ "state", F_STATE }, { "victim", F_VICTIM }, { "culprit", F_CULPRIT }, { "host", F_HOST },
		};
		idx[i] = export_field_index(cols[i]);
		if (idx[i] < 0)
			idx[i] = F_OTHER;
		for (size_t k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
			if (strcmp(cols[i], fixed[k].name) == 0)
				idx[i] = fixed[k].idx;
		/* A field named twice is read from its first column only (a second name would leak the first). */
		for (int j = 0; j < i && idx[i] != F_OTHER; j++)
			if (idx[j] == idx[i])
				idx[i] = F_OTHER;
	}
	size_t frame_first = 0;
	bool damaged = false, last_was_end = false;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		size_t len = strlen(line);
		last_was_end = false;
		if (!len || line[len - 1] != '\n') {
			/* The last line was cut short: the file ends inside a frame. */
			break;
		}
		line[len - 1] = '\0';
		if (line[0] == 'E' && line[1] == ' ') {
			last_was_end = true;
			if (r->n_frames == r->cap_frames) {
				size_t cap = r->cap_frames ? r->cap_frames * 2 : 64;
				struct rec_frame *v = realloc(r->frames, cap * sizeof(*v));
				if (!v)
					break;
				r->frames = v;
				r->cap_frames = cap;
			}
			struct rec_frame *fr = &r->frames[r->n_frames++];
			snprintf(fr->time, sizeof(fr->time), "%.31s", line + 2);
			fr->first = frame_first;
			fr->n = r->n_rows - frame_first;
			frame_first = r->n_rows;
			continue;
		}
		int n = split_csv(line, cols, MAX_FIELDS);
		if (n != ncols) {
			damaged = true;
			break;
		}
		if (r->n_rows == r->cap_rows) {
			size_t cap = r->cap_rows ? r->cap_rows * 2 : 256;
			struct rec_row *v = realloc(r->rows, cap * sizeof(*v));
			if (!v)
				break;
			r->rows = v;
			r->cap_rows = cap;
		}
		struct rec_row *w = &r->rows[r->n_rows];
		memset(w, 0, sizeof(*w));
		w->values = malloc((size_t)nf * sizeof(double));
		bool ok = w->values != NULL;
		for (int i = 0; ok && i < nf; i++)
			w->values[i] = NAN;
		w->victim = w->culprit = -1;
		for (int i = 0; ok && i < ncols; i++) {
			switch (idx[i]) {
			/* Text was stored as the console shows it (escaped): back to the original. */
			case F_BACKEND: ok = (w->backend = unescaped(cols[i])) != NULL; break;
			case F_NAME: ok = (w->name = unescaped(cols[i])) != NULL; break;
			case F_UUID: ok = (w->uuid = unescaped(cols[i])) != NULL; break;
			case F_HOST: ok = (w->host = unescaped(cols[i])) != NULL; break;
			case F_STATE: w->state = state_by_name(cols[i]); break;
			case F_VICTIM: w->victim = cols[i][0] ? cols[i][0] == '1' : -1; break;
			case F_CULPRIT: w->culprit = cols[i][0] ? cols[i][0] == '1' : -1; break;
			case F_TIME:
			case F_OTHER: break;
			default: ok = parse_value(cols[i], &w->values[idx[i]]) == 0; break;
			}
		}
		if (!ok || !w->name || !w->uuid) {
			free(w->host);
			free(w->backend);
			free(w->name);
			free(w->uuid);
			free(w->values);
			damaged = true;
			break;
		}
		r->n_rows++;
	}
	fclose(f);
	/* A file that does not end with a frame's end was cut inside one. */
	bool cut = !last_was_end;
	if (!r->n_frames) {
		snprintf(msg, msglen, "%.200s: no complete refresh in the recording", path);
		recording_free(r);
		return -1;
	}
	if (damaged)
		snprintf(msg, msglen, "%.200s: damaged at line %ld; replaying %zu refreshes, up to %s", path, lineno,
			 r->n_frames, r->frames[r->n_frames - 1].time);
	else if (cut)
		snprintf(msg, msglen, "%.200s: cut short after %s; replaying %zu refreshes up to there", path,
			 r->frames[r->n_frames - 1].time, r->n_frames);
	return 0;
}

int recording_model(const struct recording *r, size_t k, struct model *m)
{
	const struct rec_frame *fr = &r->frames[k];
	int cpu = export_field_index("cpu_pct");
	if (fr->n > m->cap) {
		struct guest_row *v = realloc(m->rows, fr->n * sizeof(*v));
		if (!v)
			return -1;
		m->rows = v;
		m->cap = fr->n;
	}
	m->n = fr->n;
	for (size_t i = 0; i < fr->n; i++) {
		const struct rec_row *w = &r->rows[fr->first + i];
		struct guest_row *row = &m->rows[i];
		memset(row, 0, sizeof(*row));
		guest_probe_init(&row->probe);	/* no process: nothing to close later */
		snprintf(row->g.name, sizeof(row->g.name), "%s", w->name);
		snprintf(row->g.uuid, sizeof(row->g.uuid), "%s", w->uuid);
		snprintf(row->g.kind, sizeof(row->g.kind), "%s", w->backend ? w->backend : "");
		row->g.state = w->state;
		row->g.mem_bytes = row->g.mem_max_bytes = GT_UNKNOWN;
		row->rec_host = w->host ? w->host : "";
		sampler_rates_unknown(&row->rates);
		row->rss_bytes = row->swap_bytes = row->cg_mem_bytes = GT_UNKNOWN;
		row->disk = (struct disk_rates){ NAN, NAN, NAN, NAN, NAN, NAN };
		row->hv_cpu_pct = NAN;
		for (int f = 0; f < export_field_count(); f++)
			export_set_field(row, f, w->values[f]);
		row->victim = w->victim > 0 ? VICTIM_STEAL : 0;
		row->culprit = w->culprit > 0 ? CULPRIT_CPU : 0;
		/* The sparkline: this guest's CPU% in the frames up to this one. */
		for (unsigned h = 0; h < HISTORY_LEN; h++)
			row->history[h] = NAN;
		size_t from = k + 1 > HISTORY_LEN ? k + 1 - HISTORY_LEN : 0;
		for (size_t j = from; j <= k; j++) {
			double v = NAN;
			const struct rec_frame *pf = &r->frames[j];
			for (size_t q = 0; q < pf->n; q++)
				if (strcmp(r->rows[pf->first + q].uuid, w->uuid) == 0 &&
				    strcmp(r->rows[pf->first + q].host ? r->rows[pf->first + q].host : "", row->rec_host) == 0)
					v = r->rows[pf->first + q].values[cpu];
			row->history[row->hist_pos] = (float)v;
			row->hist_pos = (row->hist_pos + 1) % HISTORY_LEN;
			if (row->hist_len < HISTORY_LEN)
				row->hist_len++;
		}
	}
	return 0;
}

size_t recording_find(const struct recording *r, const char *time)
{
	for (size_t k = 0; k < r->n_frames; k++) {
		const char *t = r->frames[k].time;
		/* "HH:MM:SS" compares with the time of day in "YYYY-MM-DDTHH:MM:SSZ". */
		const char *tod = strlen(time) <= 8 && strlen(t) > 11 ? t + 11 : t;
		if (strncmp(tod, time, strlen(time)) >= 0)
			return k;
	}
	return r->n_frames ? r->n_frames - 1 : 0;
}
