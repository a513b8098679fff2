/* Parsers for the /proc files the sampler reads, kept apart from the reading. */
#ifndef GUESTTOP_PROCFS_H
#define GUESTTOP_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_stat {
	char comm[64];
	char state;
	uint64_t utime;		/* clock ticks, all threads of the process */
	uint64_t stime;
	uint64_t starttime;	/* clock ticks after boot: with the pid, the process's identity */
	uint64_t rss_pages;
	uint64_t majflt;	/* major page faults of the process */
	uint64_t num_threads;
	int processor;		/* CPU it last ran on */
};

struct proc_schedstat {
	uint64_t exec_ns;	/* time spent on the CPU */
	uint64_t run_delay_ns;	/* time spent runnable, waiting for a CPU */
	uint64_t timeslices;
};

struct proc_io {
	uint64_t read_bytes;	/* bytes that reached the storage layer */
	uint64_t write_bytes;
	uint64_t rchar, wchar;
};

/* Each returns 0 on success, -1 when the buffer is not of the expected form. */
int procfs_parse_stat(const char *buf, size_t len, struct proc_stat *out);
int procfs_parse_schedstat(const char *buf, size_t len, struct proc_schedstat *out);
int procfs_parse_io(const char *buf, size_t len, struct proc_io *out);
/* A "Key:   N kB" line of /proc/PID/status, in bytes. */
int procfs_parse_status_kb(const char *buf, size_t len, const char *key, uint64_t *out);
/*
 * A CPU list ("0-3,8,10-11") into a bitmap of nbits bits (64 per word).
 * Returns the number of CPUs set, or -1 when malformed or out of range.
 */
int procfs_parse_cpulist(const char *s, size_t len, uint64_t *bits, unsigned nbits);
/* A pid file: one decimal pid, optional trailing newline. */
int procfs_parse_pid(const char *buf, size_t len, pid_t *out);

/*
 * /proc/PID/cgroup: the path of the v1 hierarchy that carries `controller`
 * ("cpu", "memory", ...), or with controller NULL the unified (v2) line "0::".
 */
int procfs_parse_cgroup(const char *buf, size_t len, const char *controller,
			char *path, size_t pathlen);

/*
 * Read a whole small file relative to a directory fd into buf (NUL-terminated).
 * Returns the length, or -1 with errno set.
 */
ssize_t procfs_read_at(int dirfd, const char *rel, char *buf, size_t size);
/*
 * Keep a descriptor only while enough remain for everything else (listing
 * guests, host figures, libraries): a descriptor numbered within the last
 * FD_RESERVE below the process's limit is closed again and -1 returned with
 * errno EMFILE. Returns fd otherwise.
 *
 * Nor are more than FD_KEEP_MAX kept, whatever the limit: each kept-open
 * procfs file holds a page-sized read buffer in the kernel (about 4 KiB,
 * measured), so this bounds what guesttop costs the host's kernel to about
 * 128 MiB. Files beyond it are opened, read and closed at each refresh.
 */
#define FD_RESERVE 512
#define FD_KEEP_MAX 32768
int procfs_fd_budget(int fd);
/* Read a kept-open file from offset 0. */
ssize_t procfs_pread(int fd, char *buf, size_t size);

#endif
