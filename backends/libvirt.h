/* The libvirt backend: one implementation for every libvirt URI, with the host mapping per driver. */
#ifndef GUESTTOP_LIBVIRT_H
#define GUESTTOP_LIBVIRT_H

#include <stddef.h>
#include <sys/types.h>

/* Install a quiet libvirt error handler: nothing may print while curses owns the terminal. */
void libvirt_quiet_errors(void);

/*
 * Parse libvirt's qemu status XML (/run/libvirt/qemu/NAME.xml): the qemu pid
 * from <domstatus pid=...> and the vCPU thread ids from <vcpus><vcpu id pid/>,
 * stored in tids[id] for id < max. *n gets 1 + the highest id seen.
 * Returns 0 when the pid was found.
 */
int libvirt_parse_status_xml(const char *buf, size_t len, pid_t *pid, pid_t *tids,
			     unsigned max, unsigned *n);

struct guest_ident;
struct _virTypedParameter;

/*
 * Fill g from one domain stats record (virConnectGetAllDomainStats): the
 * state from params ("state.state"), and from slow, when not NULL, the
 * balloon memory, vCPU count, CPU time, and the disks ("block.N.*") and
 * NICs ("net.N.name"), at most 256 of each, with g->stats_t_ns the time of
 * reading. Values absent from the record leave g's as they were. Returns 1
 * when slow gave the balloon memory, 0 when not, -1 when out of memory.
 */
int libvirt_stats_apply(struct guest_ident *g, struct _virTypedParameter *params, int nparams,
			struct _virTypedParameter *slow, int nslow);

/* Is `name` safe to use as one path component (no '/', not "." or "..")? */
int libvirt_name_is_path_safe(const char *name);

struct backend;
struct new_guest;
struct ng_errors;

/* New KVM guests: from an ISO onto a new volume, or from a template volume (backends/libvirt_create.c). */
int libvirt_validate_new(struct backend *be, const struct new_guest *ng, struct ng_errors *errs);
int libvirt_create_new(struct backend *be, const struct new_guest *ng, char *info, size_t infolen,
		       struct ng_errors *errs);

/* The backend's connection with a reference taken (virConnectClose it), or NULL when not connected. */
struct _virConnect *libvirt_conn_ref(struct backend *be);

/* Is the URI's host part empty, so the guests' processes run on this host? */
int libvirt_uri_is_local(const char *uri);

#endif
