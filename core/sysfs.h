/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /sys/kernel/kcare/ (sysfs.c). It sits below patchset.c: the writes that
 * change what is patched call back up through the ops patchset.c gives
 * kcare_sysfs_init().
 */
#ifndef _KCARE_SYSFS_H
#define _KCARE_SYSFS_H

#include <linux/types.h>

struct kcare_patch;
struct kobject;
struct kcare_patchset;

/**
 * struct kcare_sysfs_ops - what writes to /sys/kernel/kcare/ ask for
 * @unload:	 revert every patch ("unload"); @force: even if tasks still
 *		 block it (the payload then stays loaded)
 * @patch_enable: switch one patch of the active patchset off or on
 *		 (patches/<name>/enabled); called with kcare_mutex held
 */
struct kcare_sysfs_ops {
	int (*unload)(bool force);
	int (*patch_enable)(struct kcare_patch *patch, bool enable);
};

int kcare_sysfs_init(const struct kcare_sysfs_ops *ops);
void kcare_sysfs_exit(void);
int kcare_sysfs_add_patchset(struct kcare_patchset *set);
void kcare_sysfs_remove_patchset(struct kcare_patchset *set);
/* /sys/kernel/kcare/, while the engine is loaded. */
struct kobject *kcare_sysfs_root(void);

#endif /* _KCARE_SYSFS_H */
