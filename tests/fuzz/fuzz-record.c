/*
 * A recording (--record FILE, read back by --replay) through recording_load;
 * then every frame's model as replay builds it (recording_model), sorted and
 * exported as batch replay does, and recording_find with several times.
 * The input is written to one temporary file, made once per process.
 */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>

#include "tests/fuzz/scratch.h"
#include "tui/columns.h"
#include "tui/export.h"
#include "tui/record.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	scratch_init("record", "recording");
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = scratch_write(data, size);
	struct recording r;
	char msg[300];
	if (recording_load(path, &r, msg, sizeof(msg)) < 0) {
		FUZZ_ASSERT(r.n_frames == 0 && r.rows == NULL && r.frames == NULL);
		FUZZ_ASSERT(msg[0] != '\0');
		return 0;
	}
	FUZZ_ASSERT(r.n_frames > 0);
	struct model m;
	memset(&m, 0, sizeof(m));
	m.proc_fd = m.net_fd = -1;
	size_t *order = NULL;
	for (size_t k = 0; k < r.n_frames; k++) {
		const struct rec_frame *fr = &r.frames[k];
		FUZZ_ASSERT(fr->first <= r.n_rows && fr->n <= r.n_rows - fr->first);
		FUZZ_ASSERT(memchr(fr->time, '\0', sizeof(fr->time)) != NULL);
		if (recording_model(&r, k, &m) < 0)
			abort();
		FUZZ_ASSERT(m.n == fr->n);
		size_t *no = realloc(order, (m.n ? m.n : 1) * sizeof(*order));
		if (!no)
			abort();
		order = no;
		columns_sort(&m, (k & 1) ? COL_NAME : COL_CPU, (k & 2) != 0, order);
		export_csv(devnull, &m, order, fr->time);
		export_json(devnull, &m, order, fr->time);
	}
	static const char *const times[] = { "", "0", "00:00:00", "12:34:56", "23:59:59", "2024-01-01T00:00:00Z",
					     "99:99:99:99" };
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		FUZZ_ASSERT(recording_find(&r, times[i]) < r.n_frames);
	FUZZ_ASSERT(recording_find(&r, r.frames[r.n_frames - 1].time) < r.n_frames);
	free(order);
	free(m.rows);
	recording_free(&r);
	return 0;
}
