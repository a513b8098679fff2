/* The audit trail of guest actions: syslog and an append-only file under the user's state directory. */
#ifndef GUESTTOP_AUDIT_H
#define GUESTTOP_AUDIT_H

#include <stdbool.h>

/*
 * Open the audit file (path NULL: $XDG_STATE_HOME/guesttop/audit.log, else
 * ~/.local/state/guesttop/audit.log). Returns 0, or -1 when the file cannot be
 * opened (records then go to syslog only).
 */
int audit_open(const char *path);
void audit_close(void);
/* One record: time, user, URI, guest, action, result. Thread-safe. */
void audit_record(const char *uri, const char *guest_name, const char *uuid, const char *action,
		  bool ok, const char *detail);

#endif
