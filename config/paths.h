/* Where guesttop keeps its files: the user's state directory (logs, the audit trail). */
#ifndef GUESTTOP_PATHS_H
#define GUESTTOP_PATHS_H

#include <stddef.h>

/*
 * Open (append, create 0600, never through a symbolic link) the file `name`
 * in $XDG_STATE_HOME/guesttop, else ~/.local/state/guesttop, creating the
 * directories private to the user. The path opened goes to path (if not
 * NULL). Returns the fd, or -1.
 */
int state_file_open(const char *name, char *path, size_t pathlen);

#endif
