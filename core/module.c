// SPDX-License-Identifier: GPL-2.0
/*
 * Patches to loadable modules: a function in a module that is not loaded
 * stays pending, is patched when the module loads (before its init runs)
 * and goes back to pending when it unloads.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/notifier.h>

#include "module.h"

static const struct kcare_module_ops *kcare_module_ops;

static int kcare_module_notify(struct notifier_block *nb, unsigned long action,
			       void *data)
{
	struct module *mod = data;
	int ret;

	switch (action) {
	case MODULE_STATE_COMING:
		/* ftrace already knows the module's functions at this point. */
		ret = kcare_module_ops->coming(mod->name);
		return notifier_from_errno(ret);
	case MODULE_STATE_GOING:
		kcare_module_ops->going(mod->name);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block kcare_module_nb = {
	.notifier_call = kcare_module_notify,
	/* Patch a module before anyone else is told it is coming. */
	.priority = INT_MAX,
};

/* @ops: what a module's coming and going asks of the patchset layer. */
int kcare_module_init(const struct kcare_module_ops *ops)
{
	kcare_module_ops = ops;
	return register_module_notifier(&kcare_module_nb);
}

void kcare_module_exit(void)
{
	unregister_module_notifier(&kcare_module_nb);
}
