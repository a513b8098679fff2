/* A form of labelled fields: text, numbers with units, choices; errors shown beside the field. */
#ifndef GUESTTOP_FORM_H
#define GUESTTOP_FORM_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

enum field_kind {
	FIELD_TEXT,
	FIELD_SIZE,		/* a number with a unit: 512M, 8G */
	FIELD_NUMBER,
	FIELD_CHOICE,		/* Left/Right (or Space) picks one of choices */
};

#define FIELD_VALUE_MAX 512
#define FORM_MAX_FIELDS 16

struct form_field {
	const char *label;
	const char *key;		/* the setting it gives: "name", "memory", ... */
	enum field_kind kind;
	char value[FIELD_VALUE_MAX];	/* text fields */
	const char *const *choices;	/* (borrowed) shown text of each choice */
	const char *const *choice_values;	/* (borrowed) the value each gives; NULL: the shown text */
	size_t n_choices, choice;
	bool hidden;			/* not shown, not given (e.g. ISO when the source is a template) */
	char error[256];		/* shown beside the field, "" none */
};

struct form {
	const char *title;
	struct form_field fields[FORM_MAX_FIELDS];
	size_t n;
	size_t focus;
	char status[256];		/* a line under the fields: what is happening, or what failed */
};

enum form_result { FORM_CONTINUE, FORM_SUBMIT, FORM_CANCEL };

void form_draw(const struct form *f, WINDOW *w, int height, int width);
enum form_result form_key(struct form *f, int key);
/* The value a field gives: its text, or its chosen choice's value. */
const char *form_value(const struct form_field *fl);
struct form_field *form_find(struct form *f, const char *key);

#endif
