/* Names of block devices (cgroup io.stat and blkio give only MAJ:MIN), through libudev, cached. */
#include "backends/devname.h"

#include <libudev.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

/* A host has a handful of disks; a small table avoids asking udev (sysfs reads) every refresh. */
#define DEVNAME_SLOTS 32

struct devname_entry {
	bool used;
	unsigned major, minor;
	char name[64];
};

static struct {
	struct udev *udev; /* (owned) NULL until the first miss */
	bool udev_failed;  /* do not retry udev_new on every miss */
	unsigned next;     /* round-robin victim when the table is full */
	struct devname_entry slot[DEVNAME_SLOTS];
} cache;

/* Kernel names are tame, but this text reaches the terminal: keep it printable ASCII. */
static void copy_printable(char *dst, size_t size, const char *src)
{
	size_t i = 0;
	for (; src[i] && i + 1 < size; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = c > ' ' && c < 0x7f ? (char)c : '?';
	}
	dst[i] = '\0';
}

/* The udev name, or "MAJ:MIN" when udev does not know the device (a miss is cached too). */
static void resolve(unsigned major, unsigned minor, char *name, size_t size)
{
	snprintf(name, size, "%u:%u", major, minor);
	if (!cache.udev && !cache.udev_failed) {
		cache.udev = udev_new();
		cache.udev_failed = !cache.udev;
	}
	if (!cache.udev)
		return;
	struct udev_device *dev =
	    udev_device_new_from_devnum(cache.udev, 'b', makedev(major, minor));
	if (!dev)
		return;
	const char *sysname = udev_device_get_sysname(dev);
	if (sysname && sysname[0])
		copy_printable(name, size, sysname);
	udev_device_unref(dev);
}

void devname_lookup(unsigned major, unsigned minor, char *buf, size_t len)
{
	if (!buf || len == 0)
		return;
	struct devname_entry *e = NULL;
	for (unsigned i = 0; i < DEVNAME_SLOTS; i++) {
		if (cache.slot[i].used && cache.slot[i].major == major &&
		    cache.slot[i].minor == minor) {
			e = &cache.slot[i];
			break;
		}
	}
	if (!e) {
		e = &cache.slot[cache.next];
		cache.next = (cache.next + 1) % DEVNAME_SLOTS;
		e->used = true;
		e->major = major;
		e->minor = minor;
		resolve(major, minor, e->name, sizeof(e->name));
	}
	snprintf(buf, len, "%s", e->name);
}

void devname_cache_free(void)
{
	if (cache.udev)
		udev_unref(cache.udev);
	memset(&cache, 0, sizeof(cache));
}
