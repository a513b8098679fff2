/* The user's state directory, created private, and files appended to in it. */
#include "config/paths.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int state_file_open(const char *name, char *path, size_t pathlen)
{
	char dir[512], file[600];
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	if (state && state[0] == '/')
		snprintf(dir, sizeof(dir), "%s/guesttop", state);
	else if (home && home[0] == '/')
		snprintf(dir, sizeof(dir), "%s/.local/state/guesttop", home);
	else
		return -1;
	/* One level at a time, each private to the user. */
	for (char *p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0700);
			*p = '/';
		}
	}
	mkdir(dir, 0700);
	snprintf(file, sizeof(file), "%s/%s", dir, name);
	int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0 && path)
		snprintf(path, pathlen, "%s", file);
	return fd;
}
