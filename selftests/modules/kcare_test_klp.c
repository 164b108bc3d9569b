// SPDX-License-Identifier: GPL-2.0
/*
 * An upstream livepatch module replacing kcare_test_fn_a of
 * kcare_test_target: kcare must refuse to patch the same function and
 * name this module as the owner.
 */
#include <linux/livepatch.h>
#include <linux/module.h>

static int kcare_test_klp_fn_a(void)
{
	return 100;
}

static struct klp_func kcare_test_klp_funcs[] = {
	{
		.old_name = "kcare_test_fn_a",
		.new_func = kcare_test_klp_fn_a,
	}, { }
};

static struct klp_object kcare_test_klp_objs[] = {
	{
		.name = "kcare_test_target",
		.funcs = kcare_test_klp_funcs,
	}, { }
};

static struct klp_patch kcare_test_klp_patch = {
	.mod = THIS_MODULE,
	.objs = kcare_test_klp_objs,
};

static int __init kcare_test_klp_init(void)
{
	return klp_enable_patch(&kcare_test_klp_patch);
}

static void __exit kcare_test_klp_exit(void)
{
}

module_init(kcare_test_klp_init);
module_exit(kcare_test_klp_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("kcare selftest: an upstream livepatch on kcare_test_fn_a");
