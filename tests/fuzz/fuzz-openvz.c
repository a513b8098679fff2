/*
 * OpenVZ: /proc/user_beancounters, /proc/bc/CTID/resources and /proc/vz/veinfo
 * through their parsers. An input holding two beancounter snapshots (a second
 * "Version:" line) is compared as the model compares consecutive readings.
 */
#include "tests/fuzz/fuzz.h"

#include "backends/openvz.h"

static void check_snapshot(const struct ubc_snapshot *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct ubc_container *ct = &s->ct[i];
		FUZZ_ASSERT(memchr(ct->id, '\0', sizeof(ct->id)) != NULL);
		FUZZ_ASSERT(ct->nres <= UBC_MAX_RESOURCES);
		FUZZ_ASSERT(openvz_ubc_find(s, ct->id) == ct);
		for (unsigned r = 0; r < ct->nres; r++)
			FUZZ_ASSERT(openvz_ubc_resource(ct, ct->res[r].name) != NULL);
	}
}

static void compare(const struct ubc_snapshot *prev, const struct ubc_snapshot *cur)
{
	struct ubc_fail *fails = NULL;
	int n = openvz_ubc_failcnt_increases(prev, cur, &fails);
	FUZZ_ASSERT(n >= 0 && (size_t)n <= cur->n);
	for (int i = 0; i < n; i++)
		FUZZ_ASSERT(fails[i].nres > 0 && fails[i].nres <= UBC_MAX_RESOURCES);
	free(fails);
}

/* The start of a second "Version:" line, or NULL. */
static const char *second_version(const char *buf, size_t size)
{
	for (size_t i = 1; i + 9 <= size; i++)
		if (buf[i - 1] == '\n' && memcmp(buf + i, "Version: ", 9) == 0)
			return buf + i;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct ubc_snapshot a = { 0, NULL }, b = { 0, NULL };
	if (openvz_parse_beancounters(buf, size, &a) == 0) {
		check_snapshot(&a);
		compare(&a, &a);
	}
	openvz_ubc_free(&a);

	const char *mid = second_version(buf, size);
	if (mid) {
		size_t l1 = (size_t)(mid - buf);
		if (openvz_parse_beancounters(buf, l1, &a) == 0 &&
		    openvz_parse_beancounters(mid, size - l1, &b) == 0) {
			check_snapshot(&a);
			check_snapshot(&b);
			compare(&a, &b);
			compare(&b, &a);
		}
		openvz_ubc_free(&a);
		openvz_ubc_free(&b);
	}

	struct ubc_container *ct = malloc(sizeof(*ct));
	if (!ct)
		abort();
	if (openvz_parse_bc_resources(buf, size, ct) == 0)
		FUZZ_ASSERT(ct->nres > 0 && ct->nres <= UBC_MAX_RESOURCES);
	free(ct);

	struct veinfo_list ve;
	if (openvz_parse_veinfo(buf, size, &ve) == 0) {
		for (size_t i = 0; i < ve.n; i++) {
			FUZZ_ASSERT(ve.ve[i].nip <= VE_MAX_IPS && ve.ve[i].nip <= ve.ve[i].nip_total);
			for (unsigned k = 0; k < ve.ve[i].nip; k++)
				FUZZ_ASSERT(memchr(ve.ve[i].ip[k], '\0', VE_IP_MAX) != NULL);
		}
	}
	openvz_veinfo_free(&ve);
	return 0;
}
