/* The native LXC backend, through liblxc (the library behind the lxc-* tools). */
#ifndef GUESTTOP_LXC_H
#define GUESTTOP_LXC_H

#include <stddef.h>

/* A stable UUID-shaped key for a container (LXC containers have no UUID): from its lxcpath and name. */
void lxc_container_key(const char *lxcpath, const char *name, char *out, size_t outlen);

/* The lxcpath liblxc uses by default (lxc.lxcpath), or "/var/lib/lxc". */
const char *lxc_default_path(void);

#endif
