/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernel.kcare_<name> toggles, kept across cumulative replace (sysctl.c).
 * It sits below patchset.c: a write calls back up through the ops
 * patchset.c gives kcare_sysctl_init().
 */
#ifndef _KCARE_SYSCTL_H
#define _KCARE_SYSCTL_H

#include <linux/types.h>

struct kcare_patch;
struct kcare_patchset;
struct kcare_toggle;

/**
 * struct kcare_sysctl_ops - what a write to a toggle asks for
 * @patch_enable: switch one patch of the active patchset off or on;
 *		 called with kcare_mutex held
 */
struct kcare_sysctl_ops {
	int (*patch_enable)(struct kcare_patch *patch, bool enable);
};

void kcare_sysctl_init(const struct kcare_sysctl_ops *ops);
/* Bind each toggled patch of @set; sets patch->enabled from the toggle. */
int kcare_sysctl_bind(struct kcare_patchset *set);
/* Unbind @set's patches; toggles nobody uses any more are removed. */
void kcare_sysctl_unbind(struct kcare_patchset *set);
/* Make @patch's toggle show its state after a change through sysfs. */
void kcare_sysctl_update(struct kcare_patch *patch);
/* A toggle whose writes call @set (a filter's); kcare_mutex held. */
struct kcare_toggle *kcare_sysctl_add(const char *name,
				      int (*set)(void *priv, bool off),
				      void *priv, bool off);
void kcare_sysctl_set(struct kcare_toggle *t, bool off);
void kcare_sysctl_del(struct kcare_toggle *t);
void kcare_sysctl_exit(void);

#endif /* _KCARE_SYSCTL_H */
