// SPDX-License-Identifier: GPL-2.0
/*
 * Test patchset level 1: a -> 11 (with callbacks that log), b -> 12
 * (toggled by kernel.kcare_test_b).
 */
#include "test.h"

static int t1_fn_a(void)
{
	return 11;
}

static int t1_fn_b(void)
{
	return 12;
}

static int t1_pre_apply(struct kcare_patch *p)
{
	pr_info("kcare_test: pre_apply %s\n", p->name);
	return 0;
}

static void t1_post_apply(struct kcare_patch *p)
{
	pr_info("kcare_test: post_apply %s\n", p->name);
}

static void t1_pre_revert(struct kcare_patch *p)
{
	pr_info("kcare_test: pre_revert %s\n", p->name);
}

static void t1_post_revert(struct kcare_patch *p)
{
	pr_info("kcare_test: post_revert %s\n", p->name);
}

static struct kcare_func t1_a_funcs[] = {
	TEST_FUNC(kcare_test_fn_a, t1_fn_a),
	{ }
};

static struct kcare_func t1_b_funcs[] = {
	TEST_FUNC(kcare_test_fn_b, t1_fn_b),
	{ }
};

static struct kcare_patch t1_patches[] = {
	{
		.name = "tp_a",
		.description = "test patch a",
		.cve = "CVE-2000-0001",
		.cvss = "5.0",
		.cve_url = "https://example.org/CVE-2000-0001",
		.patch_url = "https://example.org/fix-a",
		.funcs = t1_a_funcs,
		.hooks = {
			.pre_apply = t1_pre_apply,
			.post_apply = t1_post_apply,
			.pre_revert = t1_pre_revert,
			.post_revert = t1_post_revert,
		},
	}, {
		.name = "tp_b",
		.description = "test patch b",
		.cve = "CVE-2000-0002 CVE-2000-0003",
		.cvss = "7.5",
		.cve_url = "https://example.org/CVE-2000-0002",
		.patch_url = "https://example.org/fix-b",
		.sysctl = "test_b",
		.funcs = t1_b_funcs,
	},
	{ }
};

static struct kcare_patchset t1_set =
	TEST_SET("K_TEST_01", 1, t1_patches, NULL, KCARE_TARGET_BUILD_ID);
KCARE_PATCHSET(t1_set);
MODULE_DESCRIPTION("kcare test patchset level 1");
