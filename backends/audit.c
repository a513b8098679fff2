/* Every guest action leaves a record: who did what to which guest, when, and how it ended. */
#include "backends/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config/paths.h"
#include "widgets/text.h"

static int audit_fd = -1;
static char audit_file[600];
static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;

int audit_open(const char *path)
{
	openlog("guesttop", LOG_PID, LOG_USER);
	/* Append only, private, and never through a link someone planted in its place. */
	if (path) {
		snprintf(audit_file, sizeof(audit_file), "%s", path);
		audit_fd = open(audit_file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	} else {
		audit_fd = state_file_open("audit.log", audit_file, sizeof(audit_file));
	}
	if (audit_fd < 0) {
		audit_file[0] = '\0';
		return -1;
	}
	return 0;
}

void audit_close(void)
{
	pthread_mutex_lock(&audit_lock);
	if (audit_fd >= 0)
		close(audit_fd);
	audit_fd = -1;
	pthread_mutex_unlock(&audit_lock);
	closelog();
}

void audit_record(const char *uri, const char *guest_name, const char *uuid, const char *action,
		  bool ok, const char *detail)
{
	char when[32], name[1024], det[2048], line[4096];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* Names and messages are escaped: a record is one line, whatever a tenant named a guest. */
	text_escape(guest_name, name, sizeof(name));
	text_escape(detail ? detail : "", det, sizeof(det));
	for (char *p = name; *p; p++)
		if (*p == '"')
			*p = '\'';
	for (char *p = det; *p; p++)
		if (*p == '"')
			*p = '\'';
	struct passwd pw, *pwp = NULL;
	char pwbuf[1024];
	const char *user = getpwuid_r(getuid(), &pw, pwbuf, sizeof(pwbuf), &pwp) == 0 && pwp ? pw.pw_name : "?";
	int n = snprintf(line, sizeof(line),
			 "%s user=%s uid=%u uri=%s guest=\"%s\" uuid=%s action=\"%s\" result=%s%s%s%s\n", when,
			 user, (unsigned)getuid(), uri, name, uuid, action, ok ? "ok" : "failed",
			 det[0] ? " detail=\"" : "", det, det[0] ? "\"" : "");
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	pthread_mutex_lock(&audit_lock);
	syslog(ok ? LOG_NOTICE : LOG_WARNING, "%.*s", n - 1, line);
	if (audit_fd >= 0 && write(audit_fd, line, (size_t)n) < 0) {
		/* Nothing else to tell: syslog has the record. */
	}
	pthread_mutex_unlock(&audit_lock);
}
