// SPDX-License-Identifier: GPL-2.0
/*
 * Hooks of the proc_cmdline_mark diff: the builder finds this file beside
 * the diff (Documentation/from-diff.md) and runs its kcdiff_hook_*()
 * functions with the patch. These only say when they run; a real fix
 * would migrate state here (kcare_shadow_*()).
 */
#include <linux/printk.h>
#include <kcare/patch.h>

void kcdiff_hook_post_apply(struct kcare_patch *patch)
{
	pr_info("kcare_from_diff: %s applied\n", patch->name);
}

void kcdiff_hook_post_revert(struct kcare_patch *patch)
{
	pr_info("kcare_from_diff: %s reverted\n", patch->name);
}
