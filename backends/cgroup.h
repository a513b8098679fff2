/* Find a guest's own cgroup from its host process, on cgroup v1, v2 and hybrid hosts. */
#ifndef GUESTTOP_CGROUP_H
#define GUESTTOP_CGROUP_H

#include <stddef.h>

#include "backends/backend.h"

/*
 * The guest's cgroup from the cgroup of one of its threads: libvirt puts the
 * emulator, vCPU and I/O threads in leaves below the guest's cgroup
 * (".../qemu-1-NAME.libvirt-qemu/vcpu0" without systemd,
 * ".../machine-qemu\x2d1\x2dNAME.scope/libvirt/emulator" with it).
 * Returns 0 and the guest's path, or -1 when the path is the root.
 */
int cgroup_guest_path(const char *thread_path, char *out, size_t outlen);

/*
 * From the text of /proc/PID/cgroup, the guest's cgroup and how to read it:
 * the v1 cpu hierarchy when the host has one (v1 or hybrid), else the
 * unified one. Returns the mode, CGROUP_NONE when neither names a cgroup.
 */
enum cgroup_mode cgroup_from_proc(const char *buf, size_t len, char *out, size_t outlen);

#endif
