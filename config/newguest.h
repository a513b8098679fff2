/* A new guest's description: KEY=VALUE settings, their syntax checks and field-by-field errors. */
#ifndef GUESTTOP_NEWGUEST_H
#define GUESTTOP_NEWGUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/backend.h"

enum ng_source { NG_SOURCE_NONE, NG_SOURCE_ISO, NG_SOURCE_TEMPLATE };

struct new_guest {
	char backend[16];		/* "kvm" (a libvirt URI) or "lxc" */
	char name[GUEST_NAME_MAX];
	unsigned vcpus;
	uint64_t memory_bytes;
	uint64_t disk_bytes;		/* the new disk of an ISO install */
	char pool[128];			/* storage pool for the new volume */
	char network[160];		/* "none", "network:NAME" or "bridge:NAME" */
	enum ng_source source;
	char iso[4096];
	char template[4096];		/* KVM: "POOL/VOLUME" or a volume path; LXC: the template's name */
	char template_args[512];	/* LXC: the template's arguments, space-separated */
	bool full_copy;			/* KVM template: a full copy rather than a qcow2 overlay */
	bool start;
};

#define NG_MAX_ERRORS 16

/* An error beside a field of the form ("name", "memory", ...), or "" for the whole guest. */
struct ng_errors {
	unsigned n;
	struct {
		char field[24];
		char msg[240];
	} e[NG_MAX_ERRORS];
};

void new_guest_defaults(struct new_guest *ng);
void ng_error(struct ng_errors *errs, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The message for a field, or NULL. */
const char *ng_error_for(const struct ng_errors *errs, const char *field);

/* One KEY=VALUE setting; a bad key or value adds an error for that field and returns -1. */
int new_guest_set(struct new_guest *ng, const char *setting, struct ng_errors *errs);
/* What can be checked without asking the host: required fields, name characters, the source. */
int new_guest_check(const struct new_guest *ng, struct ng_errors *errs);

/* "512M", "4G", "1T", "1048576" (bytes), binary units. */
int parse_size(const char *s, uint64_t *out);

/* The keys, for usage and the man page. */
extern const char *const new_guest_keys_help;

#endif
