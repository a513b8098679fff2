/* The runtime interface every guest backend implements, and the guest identity it reports. */
#ifndef GUESTTOP_BACKEND_H
#define GUESTTOP_BACKEND_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define GUEST_UUID_LEN 37
#define GUEST_NAME_MAX 256
#define GUEST_KIND_MAX 16
#define GUEST_CGROUP_MAX 512
#define BACKEND_ERR_MAX 512

/* An unknown byte count or size: drawn as "-", never as 0. */
#define GT_UNKNOWN UINT64_MAX

enum guest_state {
	GUEST_STATE_UNKNOWN,
	GUEST_STATE_RUNNING,
	GUEST_STATE_BLOCKED,
	GUEST_STATE_PAUSED,
	GUEST_STATE_SHUTDOWN,	/* shutting down */
	GUEST_STATE_SHUTOFF,
	GUEST_STATE_CRASHED,
	GUEST_STATE_PMSUSPENDED,
};

const char *guest_state_name(enum guest_state s);
/* A guest that has a host process (running, paused, shutting down...). */
bool guest_state_is_active(enum guest_state s);

enum cgroup_mode {
	CGROUP_NONE,
	CGROUP_V1,	/* path is the same below each v1 controller mount */
	CGROUP_V2,	/* path below the unified mount */
};

/* A guest disk's counters as the hypervisor counts them (libvirt block stats). */
struct guest_disk {
	char name[32];			/* target device in the guest: "vda", "hda" */
	bool have_rd, have_wr;
	uint64_t rd_reqs, rd_bytes, rd_times_ns;
	uint64_t wr_reqs, wr_bytes, wr_times_ns;
};

/* A guest NIC's host-side interface (tap, vnet, veth). */
struct guest_nic {
	char ifname[32];
};

/* What a backend knows about one guest at one listing. */
struct guest_ident {
	char kind[GUEST_KIND_MAX];	/* "kvm", "qemu", "xen", "libvirt-lxc", "test" */
	char uuid[GUEST_UUID_LEN];
	char name[GUEST_NAME_MAX];	/* as the backend gave it: hostile input */
	int id;				/* hypervisor id, -1 when not running */
	enum guest_state state;
	unsigned vcpus;			/* 0 = unknown */
	uint64_t mem_bytes;		/* current (balloon) memory, GT_UNKNOWN */
	uint64_t mem_max_bytes;		/* GT_UNKNOWN */
	pid_t pid;			/* host process, 0 = none or unknown */
	unsigned n_vcpu_tids;
	pid_t *vcpu_tids;		/* (owned) host thread ids of the vCPUs */
	enum cgroup_mode cgroup_mode;
	char cgroup[GUEST_CGROUP_MAX];	/* the guest's own cgroup, "" unknown */
	char cgroup_v2[GUEST_CGROUP_MAX];	/* its cgroup in the unified hierarchy (v2 or hybrid), "" none */
	int autostart;			/* 1, 0, or -1 unknown */
	int persistent;			/* 1 defined, 0 transient, -1 unknown */
	bool container;			/* its figures are its cgroup's, summed over all its tasks */
	uint64_t stats_t_ns;		/* CLOCK_MONOTONIC when the disk counters were read, 0 none */
	uint64_t hv_cpu_ns;		/* CPU time as the hypervisor counts it (Xen, test driver), GT_UNKNOWN */
	unsigned n_disks;
	struct guest_disk *disks;	/* (owned) */
	unsigned n_nics;
	struct guest_nic *nics;		/* (owned) */
	const struct backend *backend;	/* (borrowed) */
};

struct guest_list {
	struct guest_ident *v;		/* (owned) */
	size_t n, cap;
};

void guest_list_init(struct guest_list *l);
/* A zeroed identity with every value unknown; NULL when out of memory. */
struct guest_ident *guest_list_add(struct guest_list *l);
void guest_list_clear(struct guest_list *l);
void guest_list_free(struct guest_list *l);
/* Deep copy: dst is cleared first. Returns -1 when out of memory. */
int guest_list_copy(struct guest_list *dst, const struct guest_list *src);
int guest_ident_set_vcpu_tids(struct guest_ident *g, const pid_t *tids, unsigned n);
/* Deep copy of src into dst, whose owned arrays are released first. -1 when out of memory. */
int guest_ident_copy(struct guest_ident *dst, const struct guest_ident *src);
/* Free what an identity owns and leave it with none. */
void guest_ident_release(struct guest_ident *g);
/* Append a disk or NIC; NULL when out of memory. */
struct guest_disk *guest_ident_add_disk(struct guest_ident *g);
struct guest_nic *guest_ident_add_nic(struct guest_ident *g);

/* What can be done to a guest. */
enum guest_action {
	GA_START,		/* also restores a managed save */
	GA_SHUTDOWN,		/* ACPI: asks the guest */
	GA_REBOOT,
	GA_FORCE_OFF,
	GA_SUSPEND,
	GA_RESUME,
	GA_MANAGED_SAVE,
	GA_AUTOSTART_ON,
	GA_AUTOSTART_OFF,
	GA_DELETE,		/* undefine; its disks are kept */
	GA_DELETE_WITH_DISKS,	/* undefine, then delete its disk volumes from their storage pools */
	GA_DISPLAY,		/* find the graphical display's address */
	GA_COUNT_
};

struct backend;
struct new_guest;
struct ng_errors;

struct backend_ops {
	const char *name;
	/* Connect. On failure fill err with one line and return -1. */
	int (*open)(struct backend *be, char *err, size_t errlen);
	/* Append every guest (running and stopped) with its host mapping. */
	int (*list)(struct backend *be, struct guest_list *out, char *err, size_t errlen);
	/* Is the connection still usable? */
	bool (*alive)(struct backend *be);
	/*
	 * Do `action` to the guest with this uuid; may block (run it off the UI
	 * thread). On success 0 and, for GA_DISPLAY, the answer in info; on
	 * failure -1 and one line in err.
	 */
	int (*action)(struct backend *be, const char *uuid, enum guest_action action, char *info,
		      size_t infolen, char *err, size_t errlen);
	/*
	 * Connect the terminal (in_fd, out_fd, already in raw mode) to the guest's
	 * serial console until the user types Ctrl-] or the guest's end closes.
	 * Returns 0, or -1 with one line in err.
	 */
	int (*console)(struct backend *be, const char *uuid, int in_fd, int out_fd, char *err,
		       size_t errlen);
	/*
	 * New guests. validate_new checks against the host (name unused, memory,
	 * pool space, files) and adds field errors; create_new makes the guest
	 * and, when any step fails, removes what it made before. Both may block.
	 */
	int (*validate_new)(struct backend *be, const struct new_guest *ng, struct ng_errors *errs);
	int (*create_new)(struct backend *be, const struct new_guest *ng, char *info, size_t infolen,
			  struct ng_errors *errs);
	void (*close)(struct backend *be);
};

/* Where the host's state lives; tests point these at fixture trees. */
struct host_paths {
	const char *proc_root;		/* "/proc" */
	const char *sys_root;		/* "/sys" */
	const char *run_root;		/* "/run" */
};

struct backend {
	const struct backend_ops *ops;	/* (borrowed) */
	char uri[256];
	char host[64];			/* the host its guests run on: the URI's, else this machine's name */
	const struct host_paths *paths;	/* (borrowed) */
	pthread_mutex_t lock;		/* guards priv against the action thread */
	/* Read by the UI, the collector and the action thread alike: atomic. */
	atomic_bool connected;
	atomic_bool readonly;		/* connect read-only; refuse every action */
	atomic_bool was_connected;	/* has been connected once: a failure now is a lost connection */
	/* Its guests' figures come from the listing (no host process: remote, Xen, test): list at each refresh. */
	atomic_bool list_each_refresh;
	bool optional;			/* found by autodetection: if absent, skipped with a note, not fatal */
	/* Called (from libvirt's event thread) when a guest changed: ask for a new listing. */
	void (*on_change)(void *opaque);
	void *on_change_opaque;
	uint64_t retry_at_ns;		/* don't reconnect before (CLOCK_MONOTONIC) */
	char last_err[BACKEND_ERR_MAX];
	void *priv;			/* (owned by the backend) */
};

extern const struct backend_ops libvirt_backend_ops;
extern const struct backend_ops lxc_backend_ops;
extern const struct backend_ops cgroup_backend_ops;

/* Do these backends watch more than one host? */
bool backends_span_hosts(const struct backend *bes, size_t n);
/* The host a URI names ("qemu+ssh://root@kvm1/system": kvm1), or this machine's name when none. */
void backend_uri_host(const char *uri, char *buf, size_t len);
int backend_init(struct backend *be, const struct backend_ops *ops, const char *uri,
		 const struct host_paths *paths);
int backend_open(struct backend *be, char *err, size_t errlen);
void backend_close(struct backend *be);
/* Run an action, or fail with one line when the backend is not connected or has no actions. */
int backend_action(struct backend *be, const char *uuid, enum guest_action action, char *info,
		   size_t infolen, char *err, size_t errlen);
const char *guest_action_name(enum guest_action a);
/* A worker thread was left stuck in a backend call at exit: do not close the backends under it. */
extern bool backend_threads_abandoned;

/* Start libvirt's event loop thread (events, keepalive); call once before connecting. */
int backend_events_start(void);

#endif
