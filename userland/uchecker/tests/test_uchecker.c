// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kcare-uchecker's pieces that need no other process: the
 * build-id of a file on disk (against the one our own memory holds, read
 * the way a scan reads any process's), and LOGLEVEL as the original's
 * logging module takes it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "uchecker.h"

static void loglevel_names(void **state)
{
	assert_int_equal(uc_parse_level(NULL), UC_ERROR);
	assert_int_equal(uc_parse_level(""), UC_ERROR);
	assert_int_equal(uc_parse_level("debug"), UC_DEBUG);
	assert_int_equal(uc_parse_level("Info"), UC_INFO);
	assert_int_equal(uc_parse_level("WARNING"), UC_WARNING);
	assert_int_equal(uc_parse_level("warn"), UC_WARNING);
	assert_int_equal(uc_parse_level("CRITICAL"), UC_CRITICAL);
	/* Python's logging takes numbers too. */
	assert_int_equal(uc_parse_level("15"), 15);
	assert_int_equal(uc_parse_level("LOUD"), 0);
}

static void file_build_id(void **state)
{
	char hex[2 * UC_ID_MAX + 1];

	/* Our own executable: linked with a build-id by gcc's default. */
	assert_int_equal(uc_file_build_id("/proc/self/exe", hex, sizeof(hex)), 0);
	assert_true(strlen(hex) >= 16);
	assert_int_equal(strspn(hex, "0123456789abcdef"), strlen(hex));
	assert_int_equal(uc_file_build_id("/etc/hostname", hex, sizeof(hex)), -ENOEXEC);
	assert_int_equal(uc_file_build_id("/nonexistent/x", hex, sizeof(hex)), -ENOENT);
	/* Too small a buffer: said as "none", never overrun. */
	assert_int_equal(uc_file_build_id("/proc/self/exe", hex, 8), -ENODATA);
}

struct seen {
	int n, self;
	char exe[4096];
};

static int collect(const struct uc_finding *f, void *arg)
{
	struct seen *s = arg;
	char hex[2 * UC_ID_MAX + 1];

	s->n++;
	if (!strcmp(f->path, s->exe)) {
		s->self++;
		/* The running copy is the file on disk: the same build-id. */
		assert_int_equal(f->state, UC_CURRENT);
		assert_int_equal(uc_file_build_id(f->path, hex, sizeof(hex)), 0);
		assert_string_equal(f->mem_id, hex);
	}
	return 0;
}

static void scan_self(void **state)
{
	struct seen s = { 0 };
	ssize_t n = readlink("/proc/self/exe", s.exe, sizeof(s.exe) - 1);

	assert_true(n > 0);
	s.exe[n] = 0;
	assert_int_equal(uc_scan_pid(getpid(), collect, &s), 0);
	assert_true(s.n >= 2);		/* us, libc, ld.so... */
	assert_int_equal(s.self, 1);
	assert_int_equal(uc_scan_pid(999999999, collect, &s), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loglevel_names),
		cmocka_unit_test(file_build_id),
		cmocka_unit_test(scan_self),
	};

	uc_loglevel = UC_CRITICAL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
