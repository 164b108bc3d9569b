// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kcare-uname's parsing and formatting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "uname.h"

static const struct utsname uts = {
	.sysname = "Linux",
	.nodename = "web1",
	.release = "6.1.0-56-amd64",
	.version = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)",
	.machine = "x86_64",
};

static enum kcu_action parse(unsigned int *fields, char *err, ...)
{
	char *argv[16] = { "kcare-uname" };
	int argc = 1;
	va_list ap;

	va_start(ap, err);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return kcu_parse(argc, argv, fields, err, 128);
}

static void no_option_is_kernel_name(void **state)
{
	unsigned int f;
	char err[128], out[512];

	assert_int_equal(parse(&f, err, NULL), KCU_PRINT);
	assert_int_equal(f, KCU_SYSNAME);
	kcu_format(&uts, NULL, f, out, sizeof(out));
	assert_string_equal(out, "Linux");
}

static void fields_print_in_uname_order(void **state)
{
	unsigned int f;
	char err[128], out[512];

	/* GNU uname prints in a fixed order, whatever the option order. */
	assert_int_equal(parse(&f, err, "-m", "-r", "-s", NULL), KCU_PRINT);
	kcu_format(&uts, NULL, f, out, sizeof(out));
	assert_string_equal(out, "Linux 6.1.0-56-amd64 x86_64");
	assert_int_equal(parse(&f, err, "-mrs", NULL), KCU_PRINT);
	kcu_format(&uts, NULL, f, out, sizeof(out));
	assert_string_equal(out, "Linux 6.1.0-56-amd64 x86_64");
}

static void all_skips_unknown_processor_and_platform(void **state)
{
	unsigned int f;
	char err[128], out[512];

	assert_int_equal(parse(&f, err, "-a", NULL), KCU_PRINT);
	kcu_format(&uts, NULL, f, out, sizeof(out));
	assert_string_equal(out, "Linux web1 6.1.0-56-amd64 #1 SMP PREEMPT_DYNAMIC "
			    "Debian 6.1.192-2 (2026-11-16) x86_64 GNU/Linux");
	assert_int_equal(parse(&f, err, "-p", "-i", "-o", NULL), KCU_PRINT);
	kcu_format(&uts, NULL, f, out, sizeof(out));
	assert_string_equal(out, "unknown unknown GNU/Linux");
}

static void effective_release_replaces_release(void **state)
{
	unsigned int f;
	char err[128], out[512];

	assert_int_equal(parse(&f, err, "--kernel-release", NULL), KCU_PRINT);
	kcu_format(&uts, "6.1.0-57-amd64", f, out, sizeof(out));
	assert_string_equal(out, "6.1.0-57-amd64");
	assert_int_equal(parse(&f, err, "-n", NULL), KCU_PRINT);
	kcu_format(&uts, "6.1.0-57-amd64", f, out, sizeof(out));
	assert_string_equal(out, "web1");
}

static void help_version_and_errors(void **state)
{
	unsigned int f;
	char err[128];

	assert_int_equal(parse(&f, err, "--help", NULL), KCU_HELP);
	assert_int_equal(parse(&f, err, "--version", NULL), KCU_SHOW_VERSION);
	assert_int_equal(parse(&f, err, "-x", NULL), KCU_USAGE_ERROR);
	assert_string_equal(err, "invalid option -- 'x'");
	assert_int_equal(parse(&f, err, "--bogus", NULL), KCU_USAGE_ERROR);
	assert_string_equal(err, "unrecognized option '--bogus'");
	assert_int_equal(parse(&f, err, "-s", "extra", NULL), KCU_USAGE_ERROR);
	assert_string_equal(err, "extra operand 'extra'");
}

static void output_too_small_is_an_error(void **state)
{
	char out[8];

	assert_int_equal(kcu_format(&uts, NULL, KCU_ALL, out, sizeof(out)), -1);
}

static void effective_release_file(void **state)
{
	char path[] = "/tmp/kcu-test-XXXXXX", buf[64];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_null(kcu_effective_release(path, buf, sizeof(buf)));
	assert_int_equal(write(fd, "6.1.0-57-amd64\n", 15), 15);
	assert_string_equal(kcu_effective_release(path, buf, sizeof(buf)),
			    "6.1.0-57-amd64");
	close(fd);
	unlink(path);
	assert_null(kcu_effective_release(path, buf, sizeof(buf)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_option_is_kernel_name),
		cmocka_unit_test(fields_print_in_uname_order),
		cmocka_unit_test(all_skips_unknown_processor_and_platform),
		cmocka_unit_test(effective_release_replaces_release),
		cmocka_unit_test(help_version_and_errors),
		cmocka_unit_test(output_too_small_is_an_error),
		cmocka_unit_test(effective_release_file),
	};

	return cmocka_run_group_tests_name("uname", tests, NULL, NULL);
}
