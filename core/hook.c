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
 * Calls reach the target one of two ways. Where the CPU has ftrace direct
 * calls (x86_64), the function's ftrace site calls a trampoline of ours
 * (arch/<arch>/), which jumps to the target: one load and two jumps more
 * than an unpatched function. Otherwise, or when the direct call is taken,
 * an ftrace_ops handler here rewrites the saved instruction pointer
 * (IPMODIFY), the CPU-specific part of which is kcare_arch_set_ip().
 *
 * ftrace allows one direct call per function. When a BPF trampoline
 * (fentry/fexit programs) already holds it, we fall back to the handler:
 * BPF agrees to share a function with one such handler. Livepatch and
 * kprobes with a post handler are IPMODIFY users too, and only one of
 * those may own a function, so for them both ways fail with -EBUSY: a
 * real conflict, which kcare_hook_report() names.
 *
 * Locking: every function here except kcare_hook_set_target() is called
 * with kcare_mutex held, which protects the list and the counts; the arch
 * code relies on it too. Only the handler runs in the patched functions'
 * call path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/ftrace.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <kcare/patch.h>

#include "conflict.h"
#include "error.h"
#include "hook.h"
#include "state.h"
#include "symbols.h"

/* Every installed hook; protected by kcare_mutex. */
static LIST_HEAD(kcare_hooks);
/* Removed from ftrace, freed by kcare_hooks_sync() after a grace period. */
static LIST_HEAD(kcare_hooks_retired);

/*
 * The handler runs on every call of the patched function, possibly with
 * preemption enabled. It takes no lock and calls nothing (the accessors
 * and kcare_arch_set_ip() are inline), so it cannot recurse into ftrace
 * and needs no recursion guard; the hook cannot go away under it because
 * unregistering a module's ftrace_ops waits for every task to leave the
 * handler, and the hook is only freed after that.
 */
static void notrace kcare_ftrace_handler(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *ops,
					 struct ftrace_regs *fregs)
{
	struct kcare_hook *hook = container_of(ops, struct kcare_hook, ops);
	void *target = READ_ONCE(hook->target);

	if (target)
		kcare_arch_set_ip(fregs, (unsigned long)target);
}

static int kcare_handler_install(struct kcare_hook *hook)
{
	struct ftrace_ops *ops = &hook->ops;
	int ret;

	ops->func = kcare_ftrace_handler;
	/*
	 * PERMANENT: nobody can turn ftrace off (sysctl ftrace_enabled)
	 * while we depend on it. The CPU adds the registers that its
	 * kcare_arch_set_ip() needs saved.
	 */
	ops->flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT |
		     KCARE_ARCH_FTRACE_FLAGS;

	ret = ftrace_set_filter_ip(ops, hook->addr, 0, 0);
	if (ret)
		return ret;
	ret = register_ftrace_function(ops);
	if (ret) {
		ftrace_free_filter(ops);
		return ret;
	}
	hook->handler = true;
	return 0;
}

/*
 * Start redirecting calls of @hook->addr, pass-through until the hook gets
 * a target: with a direct-call trampoline unless the CPU has none or the
 * "redirect" parameter says otherwise, and with the ftrace handler when no
 * trampoline is free or another direct call (a BPF trampoline) holds the
 * function. Returns -EBUSY if another live patcher (or anything else that
 * changes the instruction pointer) owns the function, or ftrace is
 * switched off; -ENODEV or -EINVAL if ftrace cannot hook the function;
 * -ENOMEM.
 */
static int kcare_hook_install(struct kcare_hook *hook)
{
	const char *why = NULL;
	int ret;

	if (kcare_arch_direct_wanted()) {
		ret = kcare_arch_direct_install(&hook->arch, hook->addr);
		if (!ret) {
			hook->direct = true;
			return 0;
		}
		if (ret == -ENOSPC)
			why = "every direct-call trampoline is in use";
		else if (ret == -EBUSY)
			/*
			 * Either someone else's direct call (a BPF
			 * trampoline), which tolerates one IPMODIFY handler
			 * beside it, or an IPMODIFY user, which the handler
			 * runs into as well.
			 */
			why = "another direct call holds it";
		else
			return ret;
	}

	ret = kcare_handler_install(hook);
	if (!ret && why)
		pr_info("%s: %s, redirecting with an ftrace handler\n",
			hook->name, why);
	return ret;
}

/*
 * Stop redirecting calls of @hook->addr. A CPU may still be running the
 * trampoline or handler: kcare_hooks_sync() frees what it used after a
 * grace period. Returns an error if ftrace refuses to let go (a bug): the
 * hook may then still be called and must be leaked.
 */
static int kcare_hook_uninstall(struct kcare_hook *hook)
{
	int ret = 0;

	if (hook->direct) {
		ret = kcare_arch_direct_remove(&hook->arch, hook->addr);
		if (ret)
			/* The trampoline stays reserved: it may still be called. */
			pr_err("%s: cannot remove the direct call (%d)\n",
			       hook->name, ret);
	} else if (hook->handler) {
		ret = unregister_ftrace_function(&hook->ops);
		if (ret) {
			pr_err("%s: cannot remove the ftrace handler (%d)\n",
			       hook->name, ret);
			return ret;
		}
		ftrace_free_filter(&hook->ops);
		hook->handler = false;
	}
	return ret;
}

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
	if (kcare_hook_uninstall(hook)) {
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
		if (hook->direct)
			kcare_arch_direct_release(&hook->arch);
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

	ret = kcare_hook_install(hook);
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

/**
 * kcare_hook_set_target() - make the hook's calls go to @target
 * @hook:	an installed hook
 * @target:	the replacement, or NULL for the original code
 *
 * Context: inside stop_machine(): every other CPU is stopped, so callers
 * see either the old or the new target, never a mix within a switch. A
 * single aligned store each, so it is also safe against NMIs.
 */
void notrace kcare_hook_set_target(struct kcare_hook *hook, void *target)
{
	if (hook->direct)
		kcare_arch_direct_set_target(&hook->arch, target);
	/* What the handler reads; harmless for a direct call. */
	WRITE_ONCE(hook->target, target);
}

/**
 * kcare_hook_code() - the code of our own that a hook's calls run
 * @hook:	the hook
 *
 * A task interrupted inside a direct-call trampoline may already have
 * loaded the old target: the stack check treats the trampoline like the
 * functions it switches between.
 *
 * Return: the trampoline's address, or 0 for the handler (ftrace calls it
 * with interrupts enabled, but it never sleeps nor keeps a target past its
 * return).
 */
unsigned long kcare_hook_code(const struct kcare_hook *hook)
{
	return hook->direct ? kcare_arch_direct_code(&hook->arch) : 0;
}
