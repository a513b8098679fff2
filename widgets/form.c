/* Forms: Up/Down/Tab move between fields, typing edits, Left/Right choose, Enter submits, Esc cancels. */
#include "widgets/form.h"

#include <string.h>

#include "widgets/text.h"
#include "widgets/widgets.h"

const char *form_value(const struct form_field *fl)
{
	if (fl->kind == FIELD_CHOICE) {
		if (!fl->n_choices)
			return "";
		return fl->choice_values ? fl->choice_values[fl->choice] : fl->choices[fl->choice];
	}
	return fl->value;
}

struct form_field *form_find(struct form *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->fields[i].key && strcmp(f->fields[i].key, key) == 0)
			return &f->fields[i];
	return NULL;
}

void form_draw(const struct form *f, WINDOW *w, int height, int width)
{
	char fit[1024], esc[FIELD_VALUE_MAX * 4];
	int y = 0;
	werase(w);
	wattrset(w, widgets_attr(CR_TABLE_HEADER));
	text_fit(f->title, width, 1, fit, sizeof(fit));
	mvwaddstr(w, y++, 0, fit);
	wattrset(w, A_NORMAL);
	y++;
	int label_w = 12, value_w = width / 2 - label_w;
	if (value_w < 10)
		value_w = 10;
	for (size_t i = 0; i < f->n && y < height - 3; i++) {
		const struct form_field *fl = &f->fields[i];
		if (fl->hidden)
			continue;
		bool focus = i == f->focus;
		wattrset(w, widgets_attr(CR_LABEL));
		mvwprintw(w, y, 0, "%*s: ", label_w, fl->label);
		const char *v = fl->kind == FIELD_CHOICE && fl->n_choices ? fl->choices[fl->choice] : fl->value;
		text_escape(v, esc, sizeof(esc));
		if (fl->kind == FIELD_CHOICE) {
			char box[FIELD_VALUE_MAX * 4 + 8];
			snprintf(box, sizeof(box), "< %s >", fl->n_choices ? esc : "(none found)");
			text_fit(box, value_w, 1, fit, sizeof(fit));
		} else {
			text_fit(esc, value_w, 1, fit, sizeof(fit));
		}
		wattrset(w, focus ? widgets_attr(CR_SELECTED) : A_UNDERLINE);
		waddstr(w, fit);
		if (fl->error[0]) {
			/* The error stands beside its field. */
			wattrset(w, widgets_attr(CR_ERROR));
			text_escape(fl->error, esc, sizeof(esc));
			text_fit(esc, width - label_w - 2 - value_w - 2 > 0 ? width - label_w - 4 - value_w : 0, 0, fit,
				 sizeof(fit));
			waddstr(w, "  ");
			waddstr(w, fit);
		}
		wattrset(w, A_NORMAL);
		y++;
	}
	y++;
	if (f->status[0] && y < height - 1) {
		text_escape(f->status, esc, sizeof(esc));
		text_fit(esc, width, 0, fit, sizeof(fit));
		wattrset(w, A_BOLD);
		mvwaddstr(w, y, 0, fit);
		wattrset(w, A_NORMAL);
	}
	wattrset(w, widgets_attr(CR_FLABEL));
	text_fit("Up/Down/Tab: field   Left/Right: choose   type to edit   Enter: create   Esc: cancel", width, 1, fit,
		 sizeof(fit));
	mvwaddstr(w, height - 1, 0, fit);
	wattrset(w, A_NORMAL);
}

static void move_focus(struct form *f, int dir)
{
	for (size_t k = 0; k < f->n; k++) {
		f->focus = (f->focus + f->n + (size_t)(dir > 0 ? 1 : f->n - 1)) % f->n;
		if (!f->fields[f->focus].hidden)
			return;
	}
}

enum form_result form_key(struct form *f, int key)
{
	struct form_field *fl = &f->fields[f->focus];
	size_t len = strlen(fl->value);
	switch (key) {
	case 27:
		return FORM_CANCEL;
	case '\n':
	case '\r':
	case KEY_ENTER:
		return FORM_SUBMIT;
	case KEY_UP:
	case KEY_BTAB:
		move_focus(f, -1);
		return FORM_CONTINUE;
	case KEY_DOWN:
	case '\t':
		move_focus(f, 1);
		return FORM_CONTINUE;
	case KEY_LEFT:
	case KEY_RIGHT:
	case ' ':
		if (fl->kind == FIELD_CHOICE && fl->n_choices) {
			fl->choice = (fl->choice + (key == KEY_LEFT ? fl->n_choices - 1 : 1)) % fl->n_choices;
			fl->error[0] = '\0';
			return FORM_CONTINUE;
		}
		if (key != ' ')
			return FORM_CONTINUE;
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (fl->kind != FIELD_CHOICE && len)
			fl->value[len - 1] = '\0';
		fl->error[0] = '\0';
		return FORM_CONTINUE;
	default:
		break;
	}
	if (fl->kind == FIELD_CHOICE || key < 32 || key >= 127 || len + 1 >= sizeof(fl->value))
		return FORM_CONTINUE;
	if (fl->kind == FIELD_NUMBER && (key < '0' || key > '9'))
		return FORM_CONTINUE;
	fl->value[len] = (char)key;
	fl->value[len + 1] = '\0';
	fl->error[0] = '\0';
	return FORM_CONTINUE;
}
