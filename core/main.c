// SPDX-License-Identifier: GPL-2.0
/*
 * kcare.ko: live patching of the running kernel.
 *
 * This file only ties the parts of the engine together at load and unload
 * time; each part owns its own state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "arch.h"
#include "filter_sysfs.h"
#include "freezer.h"
#include "patchset.h"
#include "shadow.h"
#include "stack.h"
#include "symbols.h"

static int __init kcare_init(void)
{
	int ret;

	ret = kcare_arch_init();
	if (ret)
		return ret;
	ret = kcare_symbols_init();
	if (ret)
		return ret;
	ret = kcare_stack_init();
	if (ret)
		return ret;
	ret = kcare_freezer_init();
	if (ret)
		goto err_stack;
	ret = kcare_patchset_init();
	if (ret)
		goto err_freezer;
	ret = kcare_filter_sysfs_init();
	if (ret)
		goto err_patchset;

	pr_info("engine %s loaded (%s)\n", KCARE_VERSION, KCARE_ARCH_NAME);
	return 0;

err_patchset:
	kcare_patchset_exit();
err_freezer:
	kcare_freezer_exit();
err_stack:
	kcare_stack_exit();
	return ret;
}

/*
 * A payload uses the engine's exports, so the engine cannot be removed
 * while any payload is loaded, and no payload stays loaded while its
 * patchset is active: nothing is patched when this runs.
 */
static void __exit kcare_exit(void)
{
	/* Filters hold no module reference: they go with the engine. */
	kcare_filter_sysfs_exit();
	kcare_patchset_exit();
	kcare_shadow_exit();
	kcare_freezer_exit();
	kcare_stack_exit();
	pr_info("engine unloaded\n");
}

module_init(kcare_init);
module_exit(kcare_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The kcare developers");
MODULE_DESCRIPTION("kcare live-patching engine");
MODULE_VERSION(KCARE_VERSION);
