/* New-guest settings and the form widget: parsing, field errors, key handling. */
#include <check.h>
#include <curses.h>
#include <string.h>

#include "config/newguest.h"
#include "unit.h"
#include "widgets/form.h"

START_TEST(sizes)
{
	uint64_t v;
	ck_assert_int_eq(parse_size("512M", &v), 0);
	ck_assert_uint_eq(v, 512ull << 20);
	ck_assert_int_eq(parse_size("8G", &v), 0);
	ck_assert_uint_eq(v, 8ull << 30);
	ck_assert_int_eq(parse_size("1.5G", &v), 0);
	ck_assert_uint_eq(v, 3ull << 29);
	ck_assert_int_eq(parse_size("2GiB", &v), 0);
	ck_assert_uint_eq(v, 2ull << 30);
	ck_assert_int_eq(parse_size("4096", &v), 0);
	ck_assert_uint_eq(v, 4096);
	static const char *const bad[] = { "", "-1G", "G", "12X", "1e30T", "abc", "5 G" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse_size(bad[i], &v) == -1, "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(settings_and_field_errors)
{
	struct new_guest ng;
	struct ng_errors e = { 0 };
	new_guest_defaults(&ng);
	ck_assert_str_eq(ng.backend, "kvm");
	ck_assert_uint_eq(ng.vcpus, 1);
	ck_assert(ng.start);
	ck_assert_int_eq(new_guest_set(&ng, "name=web-1", &e), 0);
	ck_assert_int_eq(new_guest_set(&ng, "memory=2G", &e), 0);
	ck_assert_int_eq(new_guest_set(&ng, "iso=/srv/x.iso", &e), 0);
	ck_assert_int_eq(ng.source, NG_SOURCE_ISO);
	ck_assert_int_eq(new_guest_set(&ng, "start=no", &e), 0);
	ck_assert(!ng.start);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_int_eq(new_guest_check(&ng, &e), 0);

	ck_assert_int_eq(new_guest_set(&ng, "memory=lots", &e), -1);
	ck_assert_ptr_nonnull(ng_error_for(&e, "memory"));
	ck_assert_int_eq(new_guest_set(&ng, "vcpus=0", &e), -1);
	ck_assert_ptr_nonnull(ng_error_for(&e, "vcpus"));
	ck_assert_int_eq(new_guest_set(&ng, "backend=xen", &e), -1);
	ck_assert_ptr_nonnull(ng_error_for(&e, "backend"));
	ck_assert_int_eq(new_guest_set(&ng, "network=tap0", &e), -1);
	ck_assert_ptr_nonnull(ng_error_for(&e, "network"));
	ck_assert_int_eq(new_guest_set(&ng, "colour=blue", &e), -1);
	ck_assert_int_eq(new_guest_set(&ng, "noequals", &e), -1);
	ck_assert_ptr_null(ng_error_for(&e, "name"));
}
END_TEST

START_TEST(names_are_checked)
{
	static const char *const bad[] = { "", "a b", "a/b", "x\033[2J", "-x", ".x", "a<b", "é" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct new_guest ng;
		struct ng_errors e = { 0 };
		new_guest_defaults(&ng);
		snprintf(ng.name, sizeof(ng.name), "%s", bad[i]);
		ng.source = NG_SOURCE_ISO;
		ck_assert_int_eq(new_guest_check(&ng, &e), -1);
		ck_assert_msg(ng_error_for(&e, "name") != NULL, "name '%s' accepted", bad[i]);
	}
	struct new_guest ng;
	struct ng_errors e = { 0 };
	new_guest_defaults(&ng);
	snprintf(ng.name, sizeof(ng.name), "ok-name_1.2");
	ck_assert_int_eq(new_guest_check(&ng, &e), -1);	/* no source */
	ck_assert_ptr_nonnull(ng_error_for(&e, "iso"));
	ck_assert_ptr_null(ng_error_for(&e, "name"));
	e.n = 0;
	snprintf(ng.backend, sizeof(ng.backend), "lxc");
	ck_assert_int_eq(new_guest_check(&ng, &e), -1);
	ck_assert_ptr_nonnull(ng_error_for(&e, "template"));
}
END_TEST

START_TEST(form_keys)
{
	static const char *const choices[] = { "kvm", "lxc" };
	static const char *const values[] = { "KVM-VALUE", "LXC-VALUE" };
	struct form f = { .title = "t", .n = 3 };
	f.fields[0] = (struct form_field){ .label = "B", .key = "backend", .kind = FIELD_CHOICE, .choices = choices,
					   .choice_values = values, .n_choices = 2 };
	f.fields[1] = (struct form_field){ .label = "N", .key = "name", .kind = FIELD_TEXT };
	f.fields[2] = (struct form_field){ .label = "C", .key = "vcpus", .kind = FIELD_NUMBER, .hidden = false };
	ck_assert_str_eq(form_value(&f.fields[0]), "KVM-VALUE");
	ck_assert_int_eq(form_key(&f, KEY_RIGHT), FORM_CONTINUE);
	ck_assert_str_eq(form_value(&f.fields[0]), "LXC-VALUE");
	ck_assert_int_eq(form_key(&f, KEY_LEFT), FORM_CONTINUE);
	ck_assert_uint_eq(f.fields[0].choice, 0);
	form_key(&f, KEY_DOWN);
	ck_assert_uint_eq(f.focus, 1);
	form_key(&f, 'a');
	form_key(&f, 'b');
	form_key(&f, KEY_BACKSPACE);
	ck_assert_str_eq(f.fields[1].value, "a");
	form_key(&f, KEY_DOWN);
	form_key(&f, 'x');	/* a number field takes digits only */
	form_key(&f, '4');
	ck_assert_str_eq(f.fields[2].value, "4");
	/* Hidden fields are skipped; focus wraps. */
	f.fields[0].hidden = true;
	form_key(&f, KEY_DOWN);
	ck_assert_uint_eq(f.focus, 1);
	ck_assert_ptr_eq(form_find(&f, "vcpus"), &f.fields[2]);
	ck_assert_ptr_null(form_find(&f, "nope"));
	ck_assert_int_eq(form_key(&f, '\n'), FORM_SUBMIT);
	ck_assert_int_eq(form_key(&f, 27), FORM_CANCEL);
}
END_TEST

Suite *newguest_suite(void)
{
	Suite *s = suite_create("newguest");
	TCase *tc = tcase_create("settings and form");
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, settings_and_field_errors);
	tcase_add_test(tc, names_are_checked);
	tcase_add_test(tc, form_keys);
	suite_add_tcase(s, tc);
	return s;
}
