/* What guesttop needs from a Xen host beside libvirt: guest type, device-model process, figures. */
#ifndef GUESTTOP_XEN_H
#define GUESTTOP_XEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * How the guest runs. Only HVM guests have a device-model qemu in dom0 that
 * emulates their hardware; a PV or PVH guest may still get one for its disk
 * or framebuffer backends (machine xenpv). vCPUs never run in a dom0 process:
 * their time comes from the hypervisor through libvirt.
 */
enum xen_guest_type {
	XEN_GUEST_UNKNOWN = 0,
	XEN_GUEST_PV,  /* <type>linux</type> or <type>xen</type> */
	XEN_GUEST_PVH, /* <type>xenpvh</type>, or machine='xenpvh' */
	XEN_GUEST_HVM, /* <type>hvm</type> */
};

#define XEN_EMULATOR_MAX 256

struct xen_domain_info {
	enum xen_guest_type type;
	int domid;                       /* <domain id='N'> of a running domain, -1 when absent */
	char emulator[XEN_EMULATOR_MAX]; /* <devices><emulator>, "" when absent */
};

/*
 * A Xen domain's libvirt XML (virDomainGetXMLDesc on xen:///system): a small
 * scanner, not a full XML parser, for <domain type='xen' id=...>, /domain/os/type
 * and /domain/devices/emulator. Returns 0, or -1 when the root is not a Xen
 * <domain>, the document is cut or malformed, the OS type is missing or
 * unknown, or the emulator path does not fit.
 */
int xen_parse_domain_xml(const char *buf, size_t len, struct xen_domain_info *out);

/* Xen's ordinary domain ids stop below DOMID_FIRST_RESERVED (0x7FF0). */
#define XEN_DOMID_MAX 0x7FEF

/*
 * A /proc/PID/cmdline (NUL-separated) of libxl's device model: argv[0] a
 * qemu binary, and an argument "-xen-domid" followed by the domain id (the
 * last one counts, as in qemu). Returns 0 with *domid set, or -1 when the
 * process is not such a qemu, or the id is not a whole decimal in range,
 * including an id cut off at the end of the buffer without its NUL.
 */
int xen_dm_domid_from_cmdline(const char *buf, size_t len, int *domid);

/*
 * The pid of the device-model qemu serving domid, looking at every
 * proc_root/PID/cmdline; the lowest pid when several claim it. 0 when none
 * does or proc_root cannot be read.
 */
pid_t xen_dm_find_pid(const char *proc_root, int domid);

/*
 * One typed parameter of a libvirt stats record, as name and value, so the
 * extraction is tested without libvirt. Parameters that are not numbers
 * (net.N.name, block.N.path) are simply not passed.
 */
struct xen_stat_param {
	const char *key;
	unsigned long long value;
};

#define XEN_STATS_MAX_VCPUS 128
#define XEN_STATS_MAX_DEVS  64

struct xen_dom_stats {
	bool has_cpu_time;
	uint64_t cpu_time_ns; /* cpu.time: all vCPUs */
	bool has_vcpu_current;
	unsigned vcpu_current; /* vcpu.current: online vCPUs */
	unsigned vcpu_slots;   /* 1 + the highest N of a vcpu.N.time seen */
	bool vcpu_time_known[XEN_STATS_MAX_VCPUS];
	uint64_t vcpu_time_ns[XEN_STATS_MAX_VCPUS];
	bool has_net;
	uint64_t net_rx_bytes, net_tx_bytes; /* summed over net.N */
	bool has_block;
	uint64_t block_rd_bytes, block_wr_bytes; /* summed over block.N */
	bool has_balloon;
	uint64_t balloon_current_kib;
	unsigned ignored; /* keys with a malformed or out-of-range index, or duplicates */
};

/*
 * Extract cpu.time, vcpu.current, vcpu.N.time, net.N.rx.bytes/tx.bytes,
 * block.N.rd.bytes/wr.bytes and balloon.current. Unknown keys are skipped
 * (libvirt adds keys over time); a repeated key keeps its first value, as
 * virTypedParamsGet does. A figure absent from the record stays unknown
 * (has_* false), never 0; a sum that would overflow is unknown too.
 *
 * libvirt's libxl driver does not implement virConnectGetAllDomainStats, so
 * for xen:/// the caller fills the same keys from per-domain calls
 * (virDomainGetInfo, virDomainGetVcpus, virDomainInterfaceStats,
 * virDomainBlockStats, virDomainMemoryStats).
 * Returns 0, or -1 when params is NULL while n is not 0.
 */
int xen_stats_extract(const struct xen_stat_param *params, size_t n, struct xen_dom_stats *out);

#endif
