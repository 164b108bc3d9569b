// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the crash-loop guard (boot-guard.c) in a scratch state
 * directory: the marker of an apply, a restart during it, a crash loop of
 * re-applies, the hold and its release, and kcare=off.
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

#include "boot-guard.h"

static char base[] = "/tmp/kc-guard-test.XXXXXX";
static char cmdline[300], bootid[300], why[512], err[256];
static struct kc_guard g;

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int exists(const char *name)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", base, name);
	return !access(p, F_OK);
}

static int group_setup(void **state)
{
	return mkdtemp(base) ? 0 : -1;
}

static int setup(void **state)
{
	char cmd[400];

	snprintf(cmdline, sizeof(cmdline), "%s/cmdline", base);
	snprintf(bootid, sizeof(bootid), "%s/boot_id", base);
	g = (struct kc_guard){ base, cmdline, bootid, 3, 600 };
	put(cmdline, "BOOT_IMAGE=/vmlinuz root=/dev/vda ro quiet\n");
	put(bootid, "11111111-aaaa\n");
	snprintf(cmd, sizeof(cmd), "rm -f %s/apply-in-progress %s/boot-guard %s/boot-restores",
		 base, base, base);
	return system(cmd);
}

static int teardown(void **state)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
	return system(cmd);
}

/* A completed apply leaves no marker; the next boot re-applies. */
static void test_clean_apply(void **state)
{
	assert_int_equal(kc_guard_begin(&g, 4, err, sizeof(err)), 0);
	assert_true(exists("apply-in-progress"));
	kc_guard_end(&g);
	assert_false(exists("apply-in-progress"));
	put(bootid, "22222222-bbbb\n");
	assert_int_equal(kc_guard_boot_check(&g, 1000000, why, sizeof(why)), 0);
	assert_int_equal(kc_guard_held(&g, why, sizeof(why)), 0);
}

/* A marker of another boot: that boot died during the switch. */
static void test_restart_during_apply(void **state)
{
	assert_int_equal(kc_guard_begin(&g, 7, err, sizeof(err)), 0);
	put(bootid, "33333333-cccc\n");
	assert_int_equal(kc_guard_boot_check(&g, 1000000, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "restarted while patch level 7 was being applied"));
	assert_non_null(strstr(why, "11111111-aaaa"));
	/* Held until released, at every later boot too, and said by --info. */
	assert_false(exists("apply-in-progress"));
	assert_int_equal(kc_guard_boot_check(&g, 1000100, why, sizeof(why)), 1);
	assert_int_equal(kc_guard_held(&g, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "level 7"));
	kc_guard_release(&g);
	assert_int_equal(kc_guard_held(&g, why, sizeof(why)), 0);
	assert_int_equal(kc_guard_boot_check(&g, 1000200, why, sizeof(why)), 0);
}

/* The same boot's marker: a killed kcarectl, not a crash. */
static void test_marker_same_boot(void **state)
{
	assert_int_equal(kc_guard_begin(&g, 2, err, sizeof(err)), 0);
	assert_int_equal(kc_guard_boot_check(&g, 1000000, why, sizeof(why)), 0);
	assert_false(exists("apply-in-progress"));
}

/* Three re-applies within ten minutes are a loop; spread out they are not. */
static void test_crash_loop(void **state)
{
	assert_int_equal(kc_guard_boot_check(&g, 1000000, why, sizeof(why)), 0);
	assert_int_equal(kc_guard_boot_check(&g, 1000700, why, sizeof(why)), 0);
	assert_int_equal(kc_guard_boot_check(&g, 1001400, why, sizeof(why)), 0);
	assert_int_equal(kc_guard_boot_check(&g, 1001500, why, sizeof(why)), 0);
	assert_int_equal(kc_guard_boot_check(&g, 1001600, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "3 times within 10 minutes"));
	assert_true(exists("boot-guard"));
	kc_guard_release(&g);
	assert_false(exists("boot-restores"));
	assert_int_equal(kc_guard_boot_check(&g, 1001700, why, sizeof(why)), 0);
}

/* Many boots over days: the history stays a few lines long. */
static void test_history_bounded(void **state)
{
	char p[400];
	struct stat st;
	int i;

	for (i = 0; i < 100; i++)
		assert_int_equal(kc_guard_boot_check(&g, 1000000 + i * 3600,
						     why, sizeof(why)), 0);
	snprintf(p, sizeof(p), "%s/boot-restores", base);
	assert_int_equal(stat(p, &st), 0);
	assert_true(st.st_size < 16 * 12);
}

static void test_cmdline(void **state)
{
	assert_int_equal(kc_guard_cmdline_off(&g), 0);
	put(cmdline, "root=/dev/vda kcare=off quiet\n");
	assert_int_equal(kc_guard_cmdline_off(&g), 1);
	put(cmdline, "root=/dev/vda kcare=0\n");
	assert_int_equal(kc_guard_cmdline_off(&g), 1);
	/* The last one wins; a look-alike parameter does not count. */
	put(cmdline, "kcare=off kcare=on\n");
	assert_int_equal(kc_guard_cmdline_off(&g), 0);
	put(cmdline, "xkcare=off nokcare=off\n");
	assert_int_equal(kc_guard_cmdline_off(&g), 0);
	unlink(cmdline);
	assert_int_equal(kc_guard_cmdline_off(&g), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_clean_apply, setup),
		cmocka_unit_test_setup(test_restart_during_apply, setup),
		cmocka_unit_test_setup(test_marker_same_boot, setup),
		cmocka_unit_test_setup(test_crash_loop, setup),
		cmocka_unit_test_setup(test_history_bounded, setup),
		cmocka_unit_test_setup(test_cmdline, setup),
	};

	return cmocka_run_group_tests_name("boot_guard", tests, group_setup,
					   teardown);
}
