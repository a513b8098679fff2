/* The setup screen (F2): the settings that shape the console, applied at once and saved to the config file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/collector.h"
#include "config/options.h"
#include "tui/columns.h"
#include "tui/console_priv.h"
#include "widgets/widgets.h"

enum {
	S_DELAY,
	S_SORT,
	S_INVERT,
	S_COLUMNS,
	S_STEAL,
	S_THR,
	S_LAT,
	S_PSI,
	S_TIMEOUT,
	S_COLOR,
	S_CONFIRM,
	S_COUNT
};

static const char *const yes_no[] = { "no", "yes" };
static const char *const themes[] = { "auto", "mono" };
static const char *sort_keys[COL_COUNT_];
static char sort_text[COL_COUNT_][32];

/* A number field; text, since decimals are allowed (the options parser checks it). */
static void number(struct form_field *f, const char *label, const char *key, double v)
{
	*f = (struct form_field){ .label = label, .key = key, .kind = FIELD_TEXT };
	snprintf(f->value, FIELD_VALUE_MAX, "%g", v);
}

void setup_open(struct console *c)
{
	struct form *f = &c->setup_form;
	memset(f, 0, sizeof(*f));
	f->title = "Setup (Enter: apply and save, Esc: leave)";
	f->n = S_COUNT;
	number(&f->fields[S_DELAY], "Refresh (s)", "delay", c->interval_ms / 1000.0);
	for (int i = 0; i < COL_COUNT_; i++) {
		column_key(i, sort_text[i], sizeof(sort_text[i]));
		sort_keys[i] = sort_text[i];
	}
	f->fields[S_SORT] = (struct form_field){ .label = "Sort by", .key = "sort", .kind = FIELD_CHOICE,
						 .choices = sort_keys, .n_choices = COL_COUNT_, .choice = c->sort };
	f->fields[S_INVERT] = (struct form_field){ .label = "Inverted", .key = "invert", .kind = FIELD_CHOICE,
						   .choices = yes_no, .n_choices = 2, .choice = c->invert };
	/* The shown columns in the order they are drawn. */
	unsigned char shown[COL_COUNT_];
	int ns = 0;
	for (int i = 0; i < COL_COUNT_; i++)
		if (c->visible[c->col_order[i]] || c->col_order[i] == COL_NAME)
			shown[ns++] = (unsigned char)c->col_order[i];
	f->fields[S_COLUMNS] = (struct form_field){ .label = "Columns", .key = "columns", .kind = FIELD_TEXT };
	options_columns_text(shown, ns, f->fields[S_COLUMNS].value, FIELD_VALUE_MAX);
	number(&f->fields[S_STEAL], "Victim STEAL%", "victim-steal", c->m.limits.steal_pct);
	number(&f->fields[S_THR], "Victim THR%", "victim-throttle", c->m.limits.thr_pct);
	number(&f->fields[S_LAT], "Victim LAT ms", "victim-latency", c->m.limits.disk_lat_ms);
	number(&f->fields[S_PSI], "Victim PSI%", "victim-pressure", c->m.limits.psi_pct);
	number(&f->fields[S_TIMEOUT], "Stop timeout", "shutdown-timeout", (double)c->shutdown_timeout_s);
	f->fields[S_COLOR] = (struct form_field){ .label = "Colours", .key = "color", .kind = FIELD_CHOICE,
						  .choices = themes, .n_choices = 2, .choice = c->mono };
	f->fields[S_CONFIRM] = (struct form_field){ .label = "Confirm", .key = "confirm", .kind = FIELD_CHOICE,
						    .choices = yes_no, .n_choices = 2, .choice = c->confirm };
	char path[4096];
	if (options_user_config_path(path, sizeof(path)) == 0)
		snprintf(f->status, sizeof(f->status), "saved to %.200s", path);
	c->screen = SCREEN_SETUP;
}

void setup_draw(struct console *c, int height, int width)
{
	form_draw(&c->setup_form, stdscr, height, width);
}

/*
 * Check every field through the options parser (the same rules as the
 * config file), then apply and save. A bad field keeps the form open with
 * its error beside it.
 */
static void submit(struct console *c)
{
	struct form *f = &c->setup_form;
	const char *keys[S_COUNT], *values[S_COUNT];
	struct options probe;
	bool bad = false;
	memset(&probe, 0, sizeof(probe));
	for (int i = 0; i < S_COUNT; i++) {
		keys[i] = f->fields[i].key;
		values[i] = form_value(&f->fields[i]);
		f->fields[i].error[0] = '\0';
		if (options_set(&probe, keys[i], values[i], f->fields[i].error, sizeof(f->fields[i].error)) < 0)
			bad = true;
	}
	if (bad) {
		snprintf(f->status, sizeof(f->status), "nothing saved: see the fields marked");
		return;
	}
	/* Applied at once. */
	c->interval_ms = (unsigned)lround(probe.delay_s * 1000.0);
	if (c->col)
		collector_set_interval(c->col, c->interval_ms);
	c->sort = (enum column)probe.sort_column;
	c->invert = probe.sort_invert;
	for (int i = 0; i < COL_COUNT_; i++)
		c->visible[i] = probe.columns ? (probe.columns >> i) & 1 : columns[i].shown;
	console_set_order(c, probe.column_order, probe.n_column_order);
	c->m.limits = (struct thresholds){ probe.victim_steal_pct, probe.victim_thr_pct, probe.victim_lat_ms,
					   probe.victim_psi_pct };
	model_judge(&c->m);
	c->shutdown_timeout_s = probe.shutdown_timeout_s;
	c->confirm = probe.confirm;
	if (probe.mono != c->mono) {
		c->mono = probe.mono;
		widgets_colors_init(c->mono || (getenv("NO_COLOR") && getenv("NO_COLOR")[0]));
	}
	console_resort(c);
	char path[4096], err[300];
	if (options_user_config_path(path, sizeof(path)) < 0) {
		console_message(c, true, "settings applied, not saved: no $XDG_CONFIG_HOME or $HOME");
	} else if (options_save(path, keys, values, S_COUNT, err, sizeof(err)) < 0) {
		console_message(c, true, "settings applied, not saved: %s", err);
	} else {
		console_message(c, false, "settings saved to %s", path);
	}
	c->screen = SCREEN_TABLE;
}

void setup_key(struct console *c, int key)
{
	switch (form_key(&c->setup_form, key)) {
	case FORM_CANCEL: c->screen = SCREEN_TABLE; break;
	case FORM_SUBMIT: submit(c); break;
	case FORM_CONTINUE: break;
	}
}
