/* The guest actions the console offers: one declarative table of names, keys, allowed states and confirmation. */
#ifndef GUESTTOP_ACTIONS_H
#define GUESTTOP_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/backend.h"
#include "config/keymap.h"

enum confirm_kind { CONFIRM_NONE, CONFIRM_YESNO, CONFIRM_TYPED };

/* Console-only actions beside the backend's guest actions. */
#define GA_CONSOLE_ATTACH GA_COUNT_
#define GA_AUTOSTART_TOGGLE (GA_COUNT_ + 1)

struct action_def {
	int ga;			/* enum guest_action, or GA_CONSOLE_ATTACH / GA_AUTOSTART_TOGGLE */
	enum action key;	/* its key in the key map */
	const char *label;
	unsigned states;	/* bit (1 << enum guest_state) for each state that allows it */
	enum confirm_kind confirm;
	bool needs_persistent;	/* only for defined (not transient) guests */
};

extern const struct action_def action_defs[];
extern const size_t n_action_defs;

const struct action_def *action_by_key(enum action key);
/* Does the guest's state allow it? */
bool action_allowed(const struct action_def *a, const struct guest_ident *g);

#endif
