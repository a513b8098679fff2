/* Shared declarations of the unit tests: one suite per module, and fixture helpers. */
#ifndef GUESTTOP_TESTS_UNIT_H
#define GUESTTOP_TESTS_UNIT_H

#include <check.h>
#include <stddef.h>

Suite *procfs_suite(void);
Suite *cgroup_suite(void);
Suite *libvirt_status_suite(void);
Suite *sampler_suite(void);
Suite *text_suite(void);
Suite *table_suite(void);
Suite *columns_suite(void);
Suite *model_suite(void);
Suite *options_suite(void);
Suite *keymap_suite(void);
Suite *cgroupfs_suite(void);
Suite *devname_suite(void);
Suite *diagnosis_suite(void);
Suite *sparkline_suite(void);
Suite *testdriver_suite(void);
Suite *cgroupscan_suite(void);
Suite *kinds_suite(void);
Suite *newguest_suite(void);
Suite *openvz_suite(void);
Suite *xen_suite(void);
Suite *export_suite(void);

/* The fixture root: $GUESTTOP_FIXTURES, else tests/fixtures (tests run from the repo root). */
const char *fixture_root(void);
/* fixture_root()/rel in buf; fails the test if it does not fit. */
const char *fixture_path(const char *rel, char *buf, size_t size);
/*
 * The whole file, in a heap block of exactly its length (not NUL-terminated),
 * so AddressSanitizer catches a parser reading one byte past the end.
 * Fails the test if the file cannot be read. Free with free().
 */
char *fixture_load(const char *rel, size_t *len);
/* The same for a string: an exact-size copy without the NUL. */
char *exact_copy(const char *s, size_t *len);
/* Open a fixture directory (O_DIRECTORY); fails the test on error. */
int fixture_open_dir(const char *rel);
/* The first number of a fixture's capture_t_ns file. */
unsigned long long fixture_capture_ns(const char *tree);

/* The run's scratch root below $TMPDIR: made by main before the tests, removed after them. */
int scratch_init(void);
void scratch_fini(void);
/* A scratch directory below the root; removed with everything in it by scratch_remove. */
char *scratch_make(void);
void scratch_remove(char *dir);
/* Copy a fixture tree (rel to the fixture root) into dir/dst. */
void scratch_copy_tree(const char *rel, const char *dir, const char *dst);
/* Write (replace) dir/rel with text. */
void scratch_write(const char *dir, const char *rel, const char *text);

/* Open descriptors of this process (to catch descriptor leaks). */
int count_open_fds(void);

#endif
