/* What each guest action is called, which key runs it, when it is allowed and how it is confirmed. */
#include "tui/actions.h"

#define S(x) (1u << GUEST_STATE_##x)
#define ACTIVE (S(RUNNING) | S(BLOCKED) | S(PAUSED) | S(SHUTDOWN) | S(PMSUSPENDED) | S(UNKNOWN))
#define STOPPED (S(SHUTOFF) | S(CRASHED))

const struct action_def action_defs[] = {
	{ GA_START, ACT_GA_START, "start", STOPPED, CONFIRM_NONE, false },
	{ GA_SHUTDOWN, ACT_GA_SHUTDOWN, "shut down", S(RUNNING) | S(BLOCKED), CONFIRM_YESNO, false },
	{ GA_REBOOT, ACT_GA_REBOOT, "reboot", S(RUNNING) | S(BLOCKED), CONFIRM_YESNO, false },
	{ GA_FORCE_OFF, ACT_GA_FORCE_OFF, "force off", ACTIVE, CONFIRM_YESNO, false },
	{ GA_SUSPEND, ACT_GA_SUSPEND, "suspend", S(RUNNING) | S(BLOCKED), CONFIRM_YESNO, false },
	{ GA_RESUME, ACT_GA_RESUME, "resume", S(PAUSED), CONFIRM_NONE, false },
	{ GA_MANAGED_SAVE, ACT_GA_SAVE, "managed save", S(RUNNING) | S(BLOCKED) | S(PAUSED), CONFIRM_YESNO, true },
	{ GA_AUTOSTART_TOGGLE, ACT_GA_AUTOSTART, "autostart on/off", ACTIVE | STOPPED, CONFIRM_NONE, true },
	{ GA_DELETE, ACT_GA_DELETE, "delete (keep disks)", STOPPED, CONFIRM_TYPED, true },
	{ GA_DELETE_WITH_DISKS, ACT_NONE, "delete with its disks", STOPPED, CONFIRM_TYPED, true },
	{ GA_CONSOLE_ATTACH, ACT_GA_CONSOLE, "console", S(RUNNING) | S(BLOCKED) | S(PAUSED), CONFIRM_NONE, false },
	{ GA_DISPLAY, ACT_GA_DISPLAY, "display address", ACTIVE, CONFIRM_NONE, false },
};
const size_t n_action_defs = sizeof(action_defs) / sizeof(action_defs[0]);

const struct action_def *action_by_key(enum action key)
{
	if (key == ACT_NONE)
		return NULL;
	for (size_t i = 0; i < n_action_defs; i++)
		if (action_defs[i].key == key)
			return &action_defs[i];
	return NULL;
}

bool action_allowed(const struct action_def *a, const struct guest_ident *g)
{
	/* A transient guest has no definition to save, autostart or delete; unknown: let libvirt say. */
	if (a->needs_persistent && g->persistent == 0)
		return false;
	/* A container's root file system is its disk: it can only be deleted with it. */
	if (a->ga == GA_DELETE && g->container)
		return false;
	return (a->states >> g->state) & 1u;
}
