/* Block device names from their numbers, through libudev. */
#ifndef GUESTTOP_DEVNAME_H
#define GUESTTOP_DEVNAME_H

#include <stddef.h>

/*
 * The kernel name of block device MAJ:MIN ("vda", "dm-0", "sda1"), cached.
 * Writes "MAJ:MIN" when udev does not know it. Thread-compatible (one caller at a time).
 */
void devname_lookup(unsigned major, unsigned minor, char *buf, size_t len);
void devname_cache_free(void);

#endif
