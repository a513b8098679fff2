/* Runs every unit-test suite; exits non-zero when any check fails. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/unit.h"

int main(void)
{
	/* Display widths of CJK text need a UTF-8 locale, as the console sets one. */
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "C.utf8")) {
		fprintf(stderr, "unit-tests: no C.UTF-8 locale\n");
		return 1;
	}
	if (scratch_init() < 0) {
		perror("unit-tests: scratch directory");
		return 1;
	}
	SRunner *sr = srunner_create(procfs_suite());
	srunner_add_suite(sr, cgroup_suite());
	srunner_add_suite(sr, libvirt_status_suite());
	srunner_add_suite(sr, sampler_suite());
	srunner_add_suite(sr, text_suite());
	srunner_add_suite(sr, table_suite());
	srunner_add_suite(sr, columns_suite());
	srunner_add_suite(sr, model_suite());
	srunner_add_suite(sr, options_suite());
	srunner_add_suite(sr, keymap_suite());
	srunner_add_suite(sr, cgroupfs_suite());
	srunner_add_suite(sr, devname_suite());
	srunner_add_suite(sr, diagnosis_suite());
	srunner_add_suite(sr, sparkline_suite());
	srunner_add_suite(sr, testdriver_suite());
	srunner_add_suite(sr, cgroupscan_suite());
	srunner_add_suite(sr, kinds_suite());
	srunner_add_suite(sr, newguest_suite());
	srunner_add_suite(sr, openvz_suite());
	srunner_add_suite(sr, xen_suite());
	srunner_add_suite(sr, export_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	scratch_fini();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
