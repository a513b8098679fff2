/* Parsers for an OpenVZ host's /proc files (beancounters, veinfo), kept apart from the reading. */
#ifndef GUESTTOP_OPENVZ_H
#define GUESTTOP_OPENVZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A container id as the kernel prints it: a decimal CTID on OpenVZ 6 and
 * earlier ("0" is the host), the container's name (often a UUID) on
 * Virtuozzo 7. 36 characters of UUID and the NUL fit.
 */
#define OPENVZ_ID_MAX 40
/* Kernels print 24 (user_beancounters) or 21 (bc/CTID/resources) lines; room for newer ones. */
#define UBC_MAX_RESOURCES 32
#define UBC_NAME_MAX      24
/* What the addresses of one container are cut to; nip_total still counts them all. */
#define VE_MAX_IPS 16
#define VE_IP_MAX  46 /* INET6_ADDRSTRLEN */

/* One resource line: held/maxheld are usage, barrier/limit the settings, failcnt refusals. */
struct ubc_resource {
	char name[UBC_NAME_MAX];
	uint64_t held, maxheld, barrier, limit, failcnt;
};

struct ubc_container {
	char id[OPENVZ_ID_MAX];
	int64_t ctid; /* the id as a number, -1 when it is not a decimal */
	unsigned nres;
	struct ubc_resource res[UBC_MAX_RESOURCES];
};

struct ubc_snapshot {
	size_t n;
	struct ubc_container *ct; /* (owned) in the kernel's order, the host (0) first */
};

/*
 * /proc/user_beancounters, "Version: 2.5": the header, then per container a
 * line "CTID: resource held maxheld barrier limit failcnt" and one line per
 * further resource. Every line must end in a newline (a cut file is refused),
 * every number must fit in 64 bits. Returns 0, or -1 when the buffer is not
 * of that form (out is then empty). Free with openvz_ubc_free.
 */
int openvz_parse_beancounters(const char *buf, size_t len, struct ubc_snapshot *out);
void openvz_ubc_free(struct ubc_snapshot *s);
/* The container with that id, or NULL. */
const struct ubc_container *openvz_ubc_find(const struct ubc_snapshot *s, const char *id);
/* Its resource of that name, or NULL. */
const struct ubc_resource *openvz_ubc_resource(const struct ubc_container *ct, const char *name);

/*
 * /proc/bc/CTID/resources: the same resource lines without the id column
 * (and without the "dummy" lines, with swappages after numiptent). out->id is
 * left empty and out->ctid -1: the caller knows which directory it read.
 */
int openvz_parse_bc_resources(const char *buf, size_t len, struct ubc_container *out);

/*
 * The kernel's "no limit" is LONG_MAX. 64-bit kernels print 9223372036854775807;
 * 2147483647 is the 32-bit value, which old container configs still carry.
 */
bool ubc_is_unlimited(uint64_t v);

/* One container whose failcnt grew between two snapshots: it hit a limit (a victim). */
struct ubc_fail {
	char id[OPENVZ_ID_MAX];
	int64_t ctid;
	unsigned nres;
	struct {
		char name[UBC_NAME_MAX];
		uint64_t failcnt; /* the later value */
		uint64_t delta;   /* refusals since the earlier snapshot */
	} res[UBC_MAX_RESOURCES];
};

/*
 * Compare two snapshots: every container present in both with at least one
 * resource whose failcnt increased goes to *out (allocated, in cur's order;
 * free() it). A container new in cur has no baseline and is not reported; a
 * failcnt that went down means the beancounter was recreated (restart) and is
 * not an increase. Returns the number of containers in *out, -1 when out of memory.
 */
int openvz_ubc_failcnt_increases(const struct ubc_snapshot *prev, const struct ubc_snapshot *cur,
                                 struct ubc_fail **out);

/* One line of /proc/vz/veinfo: "CTID CLASS NPROC [IP ...]". */
struct ve_info {
	char id[OPENVZ_ID_MAX];
	int64_t ctid;
	uint32_t class_id;
	uint32_t nproc; /* tasks (threads) in the container */
	unsigned nip;   /* addresses kept in ip[] */
	unsigned nip_total;
	char ip[VE_MAX_IPS][VE_IP_MAX];
};

struct veinfo_list {
	size_t n;
	struct ve_info *ve; /* (owned) */
};

/* Returns 0, or -1 when a line is malformed (out is then empty). Free with openvz_veinfo_free. */
int openvz_parse_veinfo(const char *buf, size_t len, struct veinfo_list *out);
void openvz_veinfo_free(struct veinfo_list *l);

/*
 * The one reader: proc_root/rel (e.g. "user_beancounters", "vz/veinfo",
 * "bc/101/resources") whole, into a heap block with a NUL after *len bytes.
 * user_beancounters of a host with hundreds of containers is megabytes, so
 * the block grows as needed (up to 64 MiB). Returns NULL with errno set.
 */
char *openvz_read_file(const char *proc_root, const char *rel, size_t *len);

#endif
