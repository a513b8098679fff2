/* New KVM guests through libvirt: a volume from the pool, a definition, a start; undone step by step on failure. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/libvirt.h"
#include "config/newguest.h"

static void lv_error(struct ng_errors *errs, const char *field, const char *what)
{
	virErrorPtr e = virGetLastError();
	char msg[400];
	snprintf(msg, sizeof(msg), "%s", e && e->message ? e->message : "unknown error");
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	ng_error(errs, field, "%s: %s", what, msg);
	virResetLastError();
}

/* The template volume: "POOL/VOLUME" or a volume's path. */
static virStorageVolPtr template_volume(virConnectPtr conn, const char *spec)
{
	if (spec[0] == '/')
		return virStorageVolLookupByPath(conn, spec);
	const char *slash = strchr(spec, '/');
	if (!slash || slash == spec || !slash[1])
		return NULL;
	char pool_name[256];
	snprintf(pool_name, sizeof(pool_name), "%.*s", (int)(slash - spec), spec);
	virStoragePoolPtr pool = virStoragePoolLookupByName(conn, pool_name);
	if (!pool)
		return NULL;
	virStorageVolPtr vol = virStorageVolLookupByName(pool, slash + 1);
	virStoragePoolFree(pool);
	return vol;
}

int libvirt_validate_new(struct backend *be, const struct new_guest *ng, struct ng_errors *errs)
{
	unsigned before = errs->n;
	virConnectPtr conn = libvirt_conn_ref(be);
	if (!conn) {
		ng_error(errs, "backend", "%s: not connected", be->uri);
		return -1;
	}
	virDomainPtr dup = virDomainLookupByName(conn, ng->name);
	if (dup) {
		ng_error(errs, "name", "a guest named %s exists already", ng->name);
		virDomainFree(dup);
	}
	virResetLastError();
	virNodeInfo node;
	if (virNodeGetInfo(conn, &node) == 0) {
		if (ng->memory_bytes > (uint64_t)node.memory * 1024)
			ng_error(errs, "memory", "more than the host's %llu MiB", (unsigned long long)node.memory / 1024);
		if (ng->vcpus > node.cpus)
			ng_error(errs, "vcpus", "more than the host's %u CPUs", node.cpus);
	}
	virResetLastError();
	virStoragePoolPtr pool = virStoragePoolLookupByName(conn, ng->pool);
	virStoragePoolInfo pinfo;
	if (!pool) {
		lv_error(errs, "pool", "no such storage pool");
	} else if (virStoragePoolGetInfo(pool, &pinfo) < 0 || pinfo.state != VIR_STORAGE_POOL_RUNNING) {
		ng_error(errs, "pool", "storage pool %s is not active", ng->pool);
	} else if (ng->source == NG_SOURCE_ISO && ng->disk_bytes > pinfo.available) {
		ng_error(errs, "disk", "more than the %llu MiB free in pool %s",
			 (unsigned long long)(pinfo.available >> 20), ng->pool);
	}
	if (ng->source == NG_SOURCE_ISO) {
		struct stat st;
		if (stat(ng->iso, &st) < 0 || !S_ISREG(st.st_mode) || access(ng->iso, R_OK) < 0)
			ng_error(errs, "iso", "%s is not a readable file", ng->iso);
	} else if (ng->source == NG_SOURCE_TEMPLATE) {
		virStorageVolPtr tpl = template_volume(conn, ng->template);
		if (!tpl)
			ng_error(errs, "template", "no volume %s (POOL/VOLUME or a volume's path)", ng->template);
		else
			virStorageVolFree(tpl);
		virResetLastError();
	}
	if (pool)
		virStoragePoolFree(pool);
	virResetLastError();
	virConnectClose(conn);
	return errs->n > before ? -1 : 0;
}

/* The guest's definition: its new disk, the ISO as a CD-ROM booted first, a serial console, VNC on 127.0.0.1. */
static char *domain_xml(const struct new_guest *ng, const char *disk_path, const char *disk_format)
{
	char net[512] = "";
	if (!strncmp(ng->network, "network:", 8))
		snprintf(net, sizeof(net), "<interface type='network'><source network='%s'/><model type='virtio'/></interface>",
			 ng->network + 8);
	else if (!strncmp(ng->network, "bridge:", 7))
		snprintf(net, sizeof(net), "<interface type='bridge'><source bridge='%s'/><model type='virtio'/></interface>",
			 ng->network + 7);
	char cdrom[4400] = "";
	if (ng->source == NG_SOURCE_ISO)
		snprintf(cdrom, sizeof(cdrom),
			 "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='%s'/>"
			 "<target dev='hdc' bus='ide'/><readonly/><boot order='1'/></disk>",
			 ng->iso);
	char *xml = NULL;
	/* Names, paths and network names were checked to hold no XML metacharacters. */
	if (asprintf(&xml,
		     "<domain type='kvm'><name>%s</name><memory unit='KiB'>%llu</memory><vcpu>%u</vcpu>"
		     "<os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features>"
		     "<devices>%s<disk type='file' device='disk'><driver name='qemu' type='%s'/>"
		     "<source file='%s'/><target dev='vda' bus='virtio'/><boot order='2'/></disk>%s"
		     "<serial type='pty'/><console type='pty'/>"
		     "<graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices></domain>",
		     ng->name, (unsigned long long)(ng->memory_bytes / 1024), ng->vcpus, cdrom, disk_format,
		     disk_path, net) < 0)
		return NULL;
	return xml;
}

static bool xml_safe(const char *s)
{
	return !strpbrk(s, "<>&'\"");
}

int libvirt_create_new(struct backend *be, const struct new_guest *ng, char *info, size_t infolen,
		       struct ng_errors *errs)
{
	int ret = -1;
	virConnectPtr conn = libvirt_conn_ref(be);
	virStoragePoolPtr pool = NULL;
	virStorageVolPtr vol = NULL, tpl = NULL;
	virDomainPtr dom = NULL;
	char *path = NULL, *xml = NULL, *volxml = NULL;
	const char *fault = getenv("GUESTTOP_INJECT_FAULT");

	if (!conn) {
		ng_error(errs, "backend", "%s: not connected", be->uri);
		return -1;
	}
	if (!xml_safe(ng->iso) || !xml_safe(ng->network) || !xml_safe(ng->pool)) {
		ng_error(errs, "", "paths and names must not hold < > & ' \"");
		goto cleanup;
	}
	pool = virStoragePoolLookupByName(conn, ng->pool);
	if (!pool) {
		lv_error(errs, "pool", "no such storage pool");
		goto cleanup;
	}
	const char *format = "qcow2";
	if (ng->source == NG_SOURCE_TEMPLATE) {
		tpl = template_volume(conn, ng->template);
		virStorageVolInfo ti;
		char *tpath = tpl ? virStorageVolGetPath(tpl) : NULL;
		if (!tpl || !tpath || virStorageVolGetInfo(tpl, &ti) < 0 || !xml_safe(tpath)) {
			lv_error(errs, "template", "template volume");
			free(tpath);
			goto cleanup;
		}
		/* A qcow2 overlay leaves the template untouched; a copy is independent of it. */
		if (ng->full_copy) {
			if (asprintf(&volxml, "<volume><name>%s.qcow2</name><capacity unit='bytes'>%llu</capacity>"
					      "<target><format type='qcow2'/></target></volume>",
				     ng->name, (unsigned long long)ti.capacity) < 0)
				volxml = NULL;
			vol = volxml ? virStorageVolCreateXMLFrom(pool, volxml, tpl, 0) : NULL;
		} else {
			char *tplxml = virStorageVolGetXMLDesc(tpl, 0);
			const char *tfmt = tplxml && strstr(tplxml, "<format type='qcow2'/>") ? "qcow2" : "raw";
			if (asprintf(&volxml,
				     "<volume><name>%s.qcow2</name><capacity unit='bytes'>%llu</capacity>"
				     "<target><format type='qcow2'/></target><backingStore><path>%s</path>"
				     "<format type='%s'/></backingStore></volume>",
				     ng->name, (unsigned long long)ti.capacity, tpath, tfmt) < 0)
				volxml = NULL;
			free(tplxml);
			vol = volxml ? virStorageVolCreateXML(pool, volxml, 0) : NULL;
		}
		free(tpath);
	} else {
		if (asprintf(&volxml, "<volume><name>%s.qcow2</name><capacity unit='bytes'>%llu</capacity>"
				      "<target><format type='qcow2'/></target></volume>",
			     ng->name, (unsigned long long)ng->disk_bytes) < 0)
			volxml = NULL;
		vol = volxml ? virStorageVolCreateXML(pool, volxml, 0) : NULL;
	}
	if (!vol) {
		lv_error(errs, "disk", "creating the volume");
		goto cleanup;
	}
	path = virStorageVolGetPath(vol);
	/* For the tests: fail right after the volume exists, to prove it is removed again. */
	if (fault && !strcmp(fault, "after-volume")) {
		ng_error(errs, "", "injected failure after the volume was created");
		goto cleanup;
	}
	if (!path || !xml_safe(path) || !(xml = domain_xml(ng, path, format))) {
		ng_error(errs, "disk", "no usable path for the new volume");
		goto cleanup;
	}
	dom = virDomainDefineXML(conn, xml);
	if (!dom) {
		lv_error(errs, "", "defining the guest");
		goto cleanup;
	}
	if (ng->start && virDomainCreate(dom) < 0) {
		lv_error(errs, "", "starting the guest");
		goto cleanup;
	}
	snprintf(info, infolen, "%s defined%s, disk %s", ng->name, ng->start ? " and started" : "", path);
	ret = 0;
cleanup:
	if (ret < 0) {
		/* Nothing half-made: undo in the reverse order. */
		if (dom) {
			virDomainDestroy(dom);
			virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE);
		}
		if (vol)
			virStorageVolDelete(vol, 0);
		virResetLastError();
	}
	if (dom)
		virDomainFree(dom);
	if (vol)
		virStorageVolFree(vol);
	if (tpl)
		virStorageVolFree(tpl);
	if (pool)
		virStoragePoolFree(pool);
	free(path);
	free(xml);
	free(volxml);
	virConnectClose(conn);
	return ret;
}
