/* Runs a command and prints its CPU time (user + system, seconds) and peak RSS (KiB): "CPU MAXRSS". */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: rusage COMMAND [ARG]...\n");
		return 2;
	}
	pid_t pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	int status;
	struct rusage r;
	if (pid < 0 || wait4(pid, &status, 0, &r) < 0)
		return 1;
	fprintf(stderr, "%.4f %ld\n", (double)r.ru_utime.tv_sec + (double)r.ru_utime.tv_usec / 1e6 +
					     (double)r.ru_stime.tv_sec + (double)r.ru_stime.tv_usec / 1e6,
		r.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
