/* The read-only cgroup backend: containers no managing backend claims (docker, podman, systemd-nspawn). */
#ifndef GUESTTOP_CGROUPSCAN_H
#define GUESTTOP_CGROUPSCAN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether a cgroup path is a container's own cgroup that no other backend
 * claims, and if so a display name ("docker:0123456789ab", "podman:...",
 * "nspawn:web"). libvirt's and LXC's cgroups are claimed by their backends.
 */
bool cgroupscan_classify(const char *path, char *name, size_t namelen);

#endif
