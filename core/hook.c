// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of hooks: one redirection per patched function.
 *
 * ftrace lets only one live patcher own a function, and a function may be
 * replaced by several patches (of one patchset, or of the old and the new
 * patchset during a cumulative replace). So the redirection belongs to the
 * function's address, not to a patch: every kcare_func replacing the
 * function shares one kcare_hook, counted in @users, and switching a patch
 * on or off only changes the hook's target (switch.c).
 *
 * Locking: every function here is called with kcare_mutex held, which
 * protects the list and the counts; the arch code relies on it too.
 * Nothing here runs in the patched functions' call path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kcare.h"

/* Every installed hook; protected by kcare_mutex. */
static LIST_HEAD(kcare_hooks);
/* Removed from ftrace, freed by kcare_hooks_sync() after a grace period. */
static LIST_HEAD(kcare_hooks_retired);

static struct kcare_hook *kcare_hook_find(unsigned long addr)
{
	struct kcare_hook *hook;

	list_for_each_entry(hook, &kcare_hooks, list)
		if (hook->addr == addr)
			return hook;
	return NULL;
}

static void kcare_hook_free(struct kcare_hook *hook)
{
	kfree(hook->name);
	kfree(hook->object);
	kfree(hook);
}

/*
 * ftrace answers -EBUSY to every registration while the sysctl
 * kernel.ftrace_enabled is 0; tell that apart from a real owner.
 */
static bool kcare_ftrace_disabled(void)
{
	unsigned long addr;

	if (kcare_symbol_lookup("vmlinux", "ftrace_enabled", 0, &addr))
		return false;
	return !READ_ONCE(*(int *)addr);
}

/* Say why @hook could not be installed. */
static void kcare_hook_report(struct kcare_hook *hook, int err)
{
	char owner[160];

	switch (err) {
	case -EBUSY:
		if (kcare_ftrace_disabled()) {
			kcare_error("cannot patch %s: ftrace is disabled (sysctl kernel.ftrace_enabled = 0)",
				    hook->name);
			break;
		}
		kcare_conflict_owner(hook->addr, owner, sizeof(owner));
		kcare_error("cannot patch %s: already redirected by %s",
			    hook->name, owner);
		break;
	case -ENODEV:
	case -EINVAL:
		kcare_error("cannot patch %s: ftrace cannot hook it (not traceable: notrace, inlined or init code?)",
			    hook->name);
		break;
	case -EOPNOTSUPP:
		kcare_error("cannot patch %s: not supported on %s yet",
			    hook->name, KCARE_ARCH_NAME);
		break;
	default:
		kcare_error("cannot patch %s: error %d installing the redirection",
			    hook->name, err);
		break;
	}
}

/* Remove and free @hook; its target must be NULL. */
static void kcare_hook_remove(struct kcare_hook *hook)
{
	/*
	 * Removing a hook that still redirects switches its function back
	 * without the consistency check. Callers avoid it, except when a
	 * module goes away whatever the switch said: say so, and go on.
	 */
	if (hook->target)
		pr_warn("%s: removing its hook while it still redirects\n",
			hook->name);
	list_del(&hook->list);
	kcare_arch_hook_remove(hook);
	if (kcare_arch_hook_stuck(&hook->arch)) {
		/* ftrace may still call into it: better leak than crash. */
		pr_err("%s: leaking its hook\n", hook->name);
		kcare_fail("ftrace refused to remove a redirection");
		return;
	}
	list_add_tail(&hook->list, &kcare_hooks_retired);
}

/**
 * kcare_hooks_sync() - free the hooks removed since the last call
 *
 * A task may have been preempted inside a trampoline or handler just before
 * its call site changed: one RCU-tasks grace period for all the hooks an
 * operation removed lets every such task leave before trampolines are
 * reused and handlers freed. Callers then may also release the payloads
 * whose code those hooks led to.
 *
 * Context: process context, kcare_mutex held. Sleeps.
 */
void kcare_hooks_sync(void)
{
	struct kcare_hook *hook, *tmp;

	lockdep_assert_held(&kcare_mutex);
	if (list_empty(&kcare_hooks_retired))
		return;
	synchronize_rcu_tasks();
	list_for_each_entry_safe(hook, tmp, &kcare_hooks_retired, list) {
		list_del(&hook->list);
		kcare_arch_hook_release(hook);
		kcare_hook_free(hook);
	}
}

/**
 * kcare_hook_get() - get the hook of @func, installing one if needed
 * @func:	the function; @func->old_addr resolved, @func->hook NULL
 *
 * The first user installs the hook in pass-through state (its target is
 * NULL, so calls still run the original code); later users of the same
 * address share it. On success @func->hook is set.
 *
 * Context: process context, kcare_mutex held. Sleeps.
 * Return: 0; or an error, reported with kcare_error() naming the
 * function: -EBUSY if another live patcher or IPMODIFY user owns the
 * function (the message names it as well as it can), -ENODEV or -EINVAL
 * if ftrace cannot hook it, -ENOMEM, -EOPNOTSUPP.
 */
int kcare_hook_get(struct kcare_func *func)
{
	const char *object = func->object ?: "vmlinux";
	struct kcare_hook *hook;
	int ret;

	lockdep_assert_held(&kcare_mutex);
	if (WARN_ON_ONCE(func->hook || !func->old_addr))
		return -EINVAL;

	hook = kcare_hook_find(func->old_addr);
	if (hook) {
		hook->users++;
		func->hook = hook;
		return 0;
	}

	hook = kzalloc(sizeof(*hook), GFP_KERNEL);
	if (!hook)
		return -ENOMEM;
	hook->addr = func->old_addr;
	hook->name = kasprintf(GFP_KERNEL, "%s:%s", object, func->name);
	hook->object = kstrdup(object, GFP_KERNEL);
	if (!hook->name || !hook->object) {
		kcare_hook_free(hook);
		return -ENOMEM;
	}

	ret = kcare_arch_hook_install(hook);
	if (ret) {
		kcare_hook_report(hook, ret);
		kcare_hook_free(hook);
		return ret;
	}

	hook->users = 1;
	list_add_tail(&hook->list, &kcare_hooks);
	func->hook = hook;
	return 0;
}

/**
 * kcare_hook_put() - drop @func's use of its hook
 * @func:	a function whose @func->hook is set (nothing happens if not)
 *
 * The last user removes the hook, which must be idle then (target NULL);
 * it is freed by the next kcare_hooks_sync(). Clears @func->hook.
 *
 * Context: process context, kcare_mutex held. Sleeps.
 */
void kcare_hook_put(struct kcare_func *func)
{
	struct kcare_hook *hook = func->hook;

	lockdep_assert_held(&kcare_mutex);
	if (!hook)
		return;
	func->hook = NULL;
	if (WARN_ON_ONCE(!hook->users))
		return;
	if (--hook->users)
		return;
	kcare_hook_remove(hook);
}
