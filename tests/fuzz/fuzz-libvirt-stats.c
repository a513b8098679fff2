/*
 * A libvirt domain stats record through libvirt_stats_apply, the code that
 * turns the typed parameters of virConnectGetAllDomainStats into a guest's
 * state, memory, vCPUs, CPU time, disks and NICs.
 *
 * Input: one parameter per line, "name=T:value" with T one of
 *   i int, u uint, l llong, L ullong, d double, b boolean, s string
 * (numbers in C syntax: "0x10", "-1"). The lines before a line "---" are the
 * fast record (state), the lines after it the slow one (balloon, vcpu, cpu,
 * block, net); without a "---" line there is no slow record. Lines of another
 * shape, and names libvirt refuses (80 bytes or more), are skipped.
 * The arrays are built and freed with libvirt's own virTypedParams calls.
 */
#include "tests/fuzz/fuzz.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "backends/backend.h"
#include "backends/libvirt.h"

struct plist {
	virTypedParameterPtr p;
	int n, max;
};

static void add(struct plist *l, const char *name, char type, const char *value)
{
	char *end;
	switch (type) {
	case 'i':
		(void)virTypedParamsAddInt(&l->p, &l->n, &l->max, name, (int)strtol(value, &end, 0));
		break;
	case 'u':
		(void)virTypedParamsAddUInt(&l->p, &l->n, &l->max, name, (unsigned)strtoul(value, &end, 0));
		break;
	case 'l':
		(void)virTypedParamsAddLLong(&l->p, &l->n, &l->max, name, strtoll(value, &end, 0));
		break;
	case 'L':
		(void)virTypedParamsAddULLong(&l->p, &l->n, &l->max, name, strtoull(value, &end, 0));
		break;
	case 'd':
		(void)virTypedParamsAddDouble(&l->p, &l->n, &l->max, name, strtod(value, &end));
		break;
	case 'b':
		(void)virTypedParamsAddBoolean(&l->p, &l->n, &l->max, name, value[0] == '1');
		break;
	case 's':
		(void)virTypedParamsAddString(&l->p, &l->n, &l->max, name, value);
		break;
	default:
		break;
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (virInitialize() < 0)
		abort();
	libvirt_quiet_errors();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	struct plist fast = { NULL, 0, 0 }, slow = { NULL, 0, 0 };
	struct plist *cur = &fast;
	bool have_slow = false;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "---") == 0) {
			cur = &slow;
			have_slow = true;
			continue;
		}
		char *eq = strchr(line, '=');
		if (!eq || !eq[1] || eq[2] != ':')
			continue;
		*eq = '\0';
		add(cur, line, eq[1], eq + 3);
	}
	free(text);

	struct guest_list l;
	guest_list_init(&l);
	struct guest_ident *g = guest_list_add(&l);
	if (!g)
		abort();
	int r = libvirt_stats_apply(g, fast.p, fast.n, have_slow ? slow.p : NULL, slow.n);
	FUZZ_ASSERT(r >= 0);	/* -1 only when out of memory */
	FUZZ_ASSERT(have_slow || r == 0);
	FUZZ_ASSERT(r == 0 || g->mem_bytes != GT_UNKNOWN);
	FUZZ_ASSERT(g->n_disks <= 256 && g->n_nics <= 256);
	for (unsigned i = 0; i < g->n_disks; i++)
		FUZZ_ASSERT(memchr(g->disks[i].name, '\0', sizeof(g->disks[i].name)) != NULL);
	for (unsigned i = 0; i < g->n_nics; i++)
		FUZZ_ASSERT(g->nics[i].ifname[0] &&
			    memchr(g->nics[i].ifname, '\0', sizeof(g->nics[i].ifname)) != NULL);
	(void)guest_state_name(g->state);

	/* What the backend does next with it: a deep copy for the console. */
	struct guest_list copy;
	guest_list_init(&copy);
	FUZZ_ASSERT(guest_list_copy(&copy, &l) == 0);
	guest_list_free(&copy);
	guest_list_free(&l);
	virTypedParamsFree(fast.p, fast.n);
	virTypedParamsFree(slow.p, slow.n);
	virResetLastError();
	return 0;
}
