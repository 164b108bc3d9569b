// SPDX-License-Identifier: GPL-2.0
/*
 * Test patchset level 2, cumulative over level 1: keeps a (now -> 21),
 * drops b, adds c -> 23.
 */
#include "test.h"

static int t2_fn_a(void)
{
	return 21;
}

static int t2_fn_c(void)
{
	return 23;
}

static struct kcare_func t2_a_funcs[] = {
	TEST_FUNC(kcare_test_fn_a, t2_fn_a),
	{ }
};

static struct kcare_func t2_c_funcs[] = {
	TEST_FUNC(kcare_test_fn_c, t2_fn_c),
	{ }
};

static struct kcare_patch t2_patches[] = {
	{
		.name = "tp_a",
		.description = "test patch a, second version",
		.cve = "CVE-2000-0001",
		.cvss = "5.0",
		.funcs = t2_a_funcs,
	}, {
		.name = "tp_c",
		.description = "test patch c",
		.cve = "CVE-2000-0004",
		.cvss = "9.8",
		.funcs = t2_c_funcs,
	},
	{ }
};

static struct kcare_patchset t2_set =
	TEST_SET("K_TEST_02", 2, t2_patches, NULL, KCARE_TARGET_BUILD_ID);
KCARE_PATCHSET(t2_set);
MODULE_DESCRIPTION("kcare test patchset level 2");
