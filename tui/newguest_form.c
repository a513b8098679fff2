/* The new-guest form (F7, n): fields checked as the user goes, creation run off the UI thread, nothing half-made. */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "backends/audit.h"
#include "config/newguest.h"
#include "tui/columns.h"
#include "tui/console_priv.h"
#include "widgets/text.h"

#define MAX_FILES 64

/* ISOs and template images found in the image directories, shown with size and date. */
struct ngform_files {
	size_t n_iso, n_tpl;
	char iso_path[MAX_FILES][1024], tpl_path[MAX_FILES][1024];
	char iso_text[MAX_FILES][160], tpl_text[MAX_FILES][160];
	const char *iso_shown[MAX_FILES], *iso_value[MAX_FILES];
	const char *tpl_shown[MAX_FILES], *tpl_value[MAX_FILES];
};

struct ngform_job {
	struct backend *be;		/* (borrowed) */
	struct new_guest ng;
	struct ng_errors errs;
	char info[512];
	int ret;
	atomic_bool done;
};

enum { F_BACKEND, F_NAME, F_SOURCE, F_ISO, F_TEMPLATE, F_LXC_TEMPLATE, F_VCPUS, F_MEMORY, F_DISK, F_POOL,
       F_NETWORK, F_START, F_COUNT };

static const char *const backend_choices[] = { "kvm", "lxc" };
static const char *const source_choices[] = { "ISO", "template" };
static const char *const yes_no[] = { "yes", "no" };

static bool ends_with(const char *s, const char *suffix)
{
	size_t l = strlen(s), sl = strlen(suffix);
	return l > sl && strcmp(s + l - sl, suffix) == 0;
}

static void add_file(struct ngform_files *fs, const char *path, const struct stat *st)
{
	bool iso = ends_with(path, ".iso");
	bool tpl = ends_with(path, ".img") || ends_with(path, ".qcow2") || ends_with(path, ".raw");
	size_t *n = iso ? &fs->n_iso : &fs->n_tpl;
	if ((!iso && !tpl) || *n >= MAX_FILES)
		return;
	char size[16], date[16], name[96];
	struct tm tm;
	format_bytes((double)st->st_size, size, sizeof(size));
	localtime_r(&st->st_mtime, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	const char *base = strrchr(path, '/');
	text_escape(base ? base + 1 : path, name, sizeof(name));
	char *text = iso ? fs->iso_text[*n] : fs->tpl_text[*n];
	char *p = iso ? fs->iso_path[*n] : fs->tpl_path[*n];
	snprintf(text, 160, "%.60s  %s  %s", name, size, date);
	snprintf(p, 1024, "%s", path);
	(*n)++;
}

static void scan_dir(struct ngform_files *fs, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		char path[1024];
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth > 0)
			scan_dir(fs, path, depth - 1);
		else if (S_ISREG(st.st_mode))
			add_file(fs, path, &st);
	}
	closedir(d);
}

static void set_visibility(struct form *f)
{
	bool lxc = f->fields[F_BACKEND].choice == 1;
	bool iso = f->fields[F_SOURCE].choice == 0;
	f->fields[F_SOURCE].hidden = lxc;
	f->fields[F_ISO].hidden = lxc || !iso;
	f->fields[F_TEMPLATE].hidden = lxc || iso;
	f->fields[F_LXC_TEMPLATE].hidden = !lxc;
	f->fields[F_VCPUS].hidden = lxc;
	f->fields[F_DISK].hidden = lxc || !iso;
	f->fields[F_POOL].hidden = lxc;
}

void ngform_open(struct console *c)
{
	if (c->ng_job) {
		console_message(c, true, "a new guest is still being created");
		return;
	}
	free(c->ng_files);
	c->ng_files = calloc(1, sizeof(*c->ng_files));
	struct ngform_files *fs = c->ng_files;
	if (!fs)
		return;
	/* Only the configured image directories are offered: no browsing of the whole host. */
	char dirs[4096];
	snprintf(dirs, sizeof(dirs), "%s", c->o->image_dirs);
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save))
		scan_dir(fs, d, 2);
	for (size_t i = 0; i < fs->n_iso; i++) {
		fs->iso_shown[i] = fs->iso_text[i];
		fs->iso_value[i] = fs->iso_path[i];
	}
	for (size_t i = 0; i < fs->n_tpl; i++) {
		fs->tpl_shown[i] = fs->tpl_text[i];
		fs->tpl_value[i] = fs->tpl_path[i];
	}
	struct form *f = &c->ng_form;
	memset(f, 0, sizeof(*f));
	f->title = "New guest";
	f->n = F_COUNT;
	f->fields[F_BACKEND] = (struct form_field){ .label = "Backend", .key = "backend", .kind = FIELD_CHOICE,
						    .choices = backend_choices, .n_choices = 2 };
	f->fields[F_NAME] = (struct form_field){ .label = "Name", .key = "name", .kind = FIELD_TEXT };
	f->fields[F_SOURCE] = (struct form_field){ .label = "Source", .kind = FIELD_CHOICE,
						   .choices = source_choices, .n_choices = 2 };
	f->fields[F_ISO] = (struct form_field){ .label = "ISO", .key = "iso", .kind = FIELD_CHOICE,
						.choices = fs->iso_shown, .choice_values = fs->iso_value,
						.n_choices = fs->n_iso };
	f->fields[F_TEMPLATE] = (struct form_field){ .label = "Template", .key = "template", .kind = FIELD_CHOICE,
						     .choices = fs->tpl_shown, .choice_values = fs->tpl_value,
						     .n_choices = fs->n_tpl };
	f->fields[F_LXC_TEMPLATE] = (struct form_field){ .label = "Template", .key = "template", .kind = FIELD_TEXT };
	snprintf(f->fields[F_LXC_TEMPLATE].value, FIELD_VALUE_MAX, "busybox");
	f->fields[F_VCPUS] = (struct form_field){ .label = "vCPUs", .key = "vcpus", .kind = FIELD_NUMBER };
	snprintf(f->fields[F_VCPUS].value, FIELD_VALUE_MAX, "1");
	f->fields[F_MEMORY] = (struct form_field){ .label = "Memory", .key = "memory", .kind = FIELD_SIZE };
	snprintf(f->fields[F_MEMORY].value, FIELD_VALUE_MAX, "512M");
	f->fields[F_DISK] = (struct form_field){ .label = "Disk", .key = "disk", .kind = FIELD_SIZE };
	snprintf(f->fields[F_DISK].value, FIELD_VALUE_MAX, "8G");
	f->fields[F_POOL] = (struct form_field){ .label = "Pool", .key = "pool", .kind = FIELD_TEXT };
	snprintf(f->fields[F_POOL].value, FIELD_VALUE_MAX, "default");
	f->fields[F_NETWORK] = (struct form_field){ .label = "Network", .key = "network", .kind = FIELD_TEXT };
	snprintf(f->fields[F_NETWORK].value, FIELD_VALUE_MAX, "none");
	f->fields[F_START] = (struct form_field){ .label = "Start", .key = "start", .kind = FIELD_CHOICE,
						  .choices = yes_no, .n_choices = 2 };
	f->focus = F_NAME;
	set_visibility(f);
	snprintf(f->status, sizeof(f->status), "%zu ISO%s and %zu template image%s in %s", fs->n_iso,
		 fs->n_iso == 1 ? "" : "s", fs->n_tpl, fs->n_tpl == 1 ? "" : "s", c->o->image_dirs);
	c->screen = SCREEN_NEW_GUEST;
}

void ngform_draw(struct console *c, int height, int width)
{
	form_draw(&c->ng_form, stdscr, height, width);
}

/* Errors go beside the field they are about; the rest to the status line under the form. */
static void show_errors(struct form *f, const struct ng_errors *errs)
{
	for (unsigned i = 0; i < errs->n; i++) {
		struct form_field *fl = NULL;
		for (size_t k = 0; k < f->n && !fl; k++)
			if (!f->fields[k].hidden && f->fields[k].key && !strcmp(f->fields[k].key, errs->e[i].field))
				fl = &f->fields[k];
		if (fl && !fl->error[0])
			snprintf(fl->error, sizeof(fl->error), "%s", errs->e[i].msg);
		else if (!fl)
			snprintf(f->status, sizeof(f->status), "%s%s%s", errs->e[i].field, errs->e[i].field[0] ? ": " : "",
				 errs->e[i].msg);
	}
}

static void *create_worker(void *arg)
{
	struct ngform_job *j = arg;
	j->ret = -1;
	if (j->be->ops->validate_new(j->be, &j->ng, &j->errs) == 0)
		j->ret = j->be->ops->create_new(j->be, &j->ng, j->info, sizeof(j->info), &j->errs);
	/* Every creation attempt that got as far as the host is in the audit trail. */
	audit_record(j->be->uri, j->ng.name, "-", "create", j->ret == 0,
		     j->ret == 0 ? j->info : j->errs.n ? j->errs.e[0].msg : "failed");
	atomic_store(&j->done, true);
	return NULL;
}

static void submit(struct console *c)
{
	struct form *f = &c->ng_form;
	struct ngform_job *j = calloc(1, sizeof(*j));
	if (!j)
		return;
	f->status[0] = '\0';
	for (size_t k = 0; k < f->n; k++)
		f->fields[k].error[0] = '\0';
	new_guest_defaults(&j->ng);
	for (size_t k = 0; k < f->n; k++) {
		const struct form_field *fl = &f->fields[k];
		char setting[FIELD_VALUE_MAX + 64];
		if (fl->hidden || !fl->key || (fl->kind == FIELD_CHOICE && !fl->n_choices))
			continue;
		snprintf(setting, sizeof(setting), "%s=%s", fl->key, form_value(fl));
		new_guest_set(&j->ng, setting, &j->errs);
	}
	new_guest_check(&j->ng, &j->errs);
	const char *want = strcmp(j->ng.backend, "lxc") == 0 ? "lxc" : "libvirt";
	for (size_t i = 0; i < c->n_bes && !j->be; i++)
		if (!strcmp(c->bes[i].ops->name, want) && c->bes[i].connected && !c->bes[i].readonly &&
		    c->bes[i].ops->create_new)
			j->be = &c->bes[i];
	if (!j->be)
		ng_error(&j->errs, "backend", "no connected %s backend that may create guests", want);
	if (j->errs.n) {
		show_errors(f, &j->errs);
		free(j);
		return;
	}
	pthread_t t;
	if (pthread_create(&t, NULL, create_worker, j) != 0) {
		snprintf(f->status, sizeof(f->status), "cannot start the creation");
		free(j);
		return;
	}
	pthread_detach(t);
	c->ng_job = j;
	snprintf(f->status, sizeof(f->status), "creating %.200s...", j->ng.name);
}

void ngform_key(struct console *c, int key)
{
	if (c->ng_job) {
		/* While the guest is being made the form waits; Esc leaves it to finish in the background. */
		if (key == 27)
			c->screen = SCREEN_TABLE;
		return;
	}
	switch (form_key(&c->ng_form, key)) {
	case FORM_CANCEL:
		c->screen = SCREEN_TABLE;
		break;
	case FORM_SUBMIT:
		submit(c);
		break;
	case FORM_CONTINUE:
		set_visibility(&c->ng_form);
		break;
	}
}

void ngform_poll(struct console *c)
{
	struct ngform_job *j = c->ng_job;
	if (!j || !atomic_load(&j->done))
		return;
	c->ng_job = NULL;
	if (j->ret == 0) {
		char esc[1024];
		text_escape(j->info, esc, sizeof(esc));
		console_message(c, false, "%s", esc);
		c->screen = SCREEN_TABLE;
		if (j->ng.start) {
			snprintf(c->attach_offer_name, sizeof(c->attach_offer_name), "%s", j->ng.name);
			c->attach_offer_be = j->be;
		}
		collector_poke(c->col);
	} else {
		show_errors(&c->ng_form, &j->errs);
		if (!c->ng_form.status[0] || !strncmp(c->ng_form.status, "creating", 8))
			snprintf(c->ng_form.status, sizeof(c->ng_form.status), "nothing was created: see the fields above");
	}
	free(j);
}

void ngform_free(struct console *c)
{
	/* A creation still running is abandoned with the process; its worker owns nothing of ours. */
	if (c->ng_job && atomic_load(&c->ng_job->done))
		free(c->ng_job);
	c->ng_job = NULL;
	free(c->ng_files);
	c->ng_files = NULL;
}
