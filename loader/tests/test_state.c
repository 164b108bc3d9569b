// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the agent's state files (loader/state.c): what was seen
 * per kernel and feed, what was applied per kernel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "state.h"

#define A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static char dir[64], path[128], err[512];

static int setup(void **state)
{
	strcpy(dir, "/tmp/kcare-state-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/seen", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void write_text(const char *text)
{
	FILE *f;

	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/state", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void seen_round_trip(void **state)
{
	struct kcl_index_seen s = { 7, 3 }, r;
	struct stat st;

	/* Nothing yet: zeros, and the missing file is no error. */
	assert_int_equal(kcl_seen_read(path, A, "", &r, err, sizeof(err)), 0);
	assert_int_equal(r.serial, 0);
	assert_int_equal(r.max_level, 0);
	/* The directory is created, the file is root's only. */
	assert_int_equal(kcl_seen_write(path, A, "", &s, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	s.serial = 18446744073709551615ULL;
	s.max_level = 4294967295U;
	assert_int_equal(kcl_seen_write(path, A, "test", &s, err, sizeof(err)), 0);
	s.serial = 1;
	s.max_level = 1;
	assert_int_equal(kcl_seen_write(path, B, "", &s, err, sizeof(err)), 0);

	assert_int_equal(kcl_seen_read(path, A, "", &r, err, sizeof(err)), 0);
	assert_int_equal(r.serial, 7);
	assert_int_equal(r.max_level, 3);
	assert_int_equal(kcl_seen_read(path, A, "test", &r, err, sizeof(err)), 0);
	assert_true(r.serial == 18446744073709551615ULL);
	assert_int_equal(r.max_level, 4294967295U);
	assert_int_equal(kcl_seen_read(path, B, "", &r, err, sizeof(err)), 0);
	assert_int_equal(r.serial, 1);
	/* A rewrite replaces its own line only. */
	s.serial = 9;
	s.max_level = 4;
	assert_int_equal(kcl_seen_write(path, A, "", &s, err, sizeof(err)), 0);
	assert_int_equal(kcl_seen_read(path, A, "", &r, err, sizeof(err)), 0);
	assert_int_equal(r.serial, 9);
	assert_int_equal(kcl_seen_read(path, A, "test", &r, err, sizeof(err)), 0);
	assert_int_equal(r.max_level, 4294967295U);
	assert_int_equal(kcl_seen_read(path, B, "", &r, err, sizeof(err)), 0);
	assert_int_equal(r.serial, 1);
}

static void applied_round_trip(void **state)
{
	struct kcl_applied a = { "", 2 }, r;

	snprintf(path, sizeof(path), "%s/applied", dir);
	assert_int_equal(kcl_applied_read(path, A, &r, err, sizeof(err)), 0);
	assert_int_equal(r.level, 0);
	assert_int_equal(kcl_applied_write(path, A, &a, err, sizeof(err)), 0);
	strcpy(a.feed, "test");
	a.level = 5;
	assert_int_equal(kcl_applied_write(path, B, &a, err, sizeof(err)), 0);
	assert_int_equal(kcl_applied_read(path, A, &r, err, sizeof(err)), 0);
	assert_int_equal(r.level, 2);
	assert_string_equal(r.feed, "");
	assert_int_equal(kcl_applied_read(path, B, &r, err, sizeof(err)), 0);
	assert_int_equal(r.level, 5);
	assert_string_equal(r.feed, "test");
	/* Forgetting one kernel keeps the other. */
	assert_int_equal(kcl_applied_write(path, A, NULL, err, sizeof(err)), 0);
	assert_int_equal(kcl_applied_read(path, A, &r, err, sizeof(err)), 0);
	assert_int_equal(r.level, 0);
	assert_int_equal(kcl_applied_read(path, B, &r, err, sizeof(err)), 0);
	assert_int_equal(r.level, 5);
}

static void malformed_files_are_errors(void **state)
{
	struct kcl_index_seen r;
	struct kcl_applied a;

	write_text(A " - 7\n");
	assert_int_equal(kcl_seen_read(path, A, "", &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: malformed line"));
	write_text(B " - 1 1\n" A " - x 3\n");
	assert_int_equal(kcl_seen_read(path, A, "", &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "malformed line for " A));
	write_text(A " - 1 1 extra words\n");
	assert_int_equal(kcl_seen_read(path, A, "", &r, err, sizeof(err)), -1);
	write_text(A " - 0\n");
	assert_int_equal(kcl_applied_read(path, A, &a, err, sizeof(err)), -1);
	write_text(A " - 99999999999\n");
	assert_int_equal(kcl_applied_read(path, A, &a, err, sizeof(err)), -1);
	/* Another kernel's good line does not hide a malformed file. */
	write_text(B " - 3\n" A "\n");
	assert_int_equal(kcl_applied_read(path, B, &a, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(seen_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(applied_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_files_are_errors, setup, teardown),
	};

	return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
