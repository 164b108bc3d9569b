// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64: redirecting a patched function to its replacement.
 *
 * The fast way is an ftrace direct call: the function's fentry site calls
 * a trampoline of our own (trampoline.S) that, once the hook has a target,
 * jumps there. Calls then cost one load and two jumps more than an
 * unpatched function, with no ftrace handler in between.
 *
 * ftrace allows one direct call per function. When a BPF trampoline
 * (fentry/fexit programs) already holds it, we fall back to an ftrace_ops
 * handler that rewrites the return instruction pointer (IPMODIFY): BPF
 * agrees to share a function with one such handler. Livepatch and kprobes
 * with a post handler are IPMODIFY users too, and only one of those may
 * own a function, so for them both ways fail with -EBUSY: a real conflict,
 * which the caller reports.
 *
 * Everything here except kcare_arch_hook_set_target() runs with
 * kcare_mutex held, which also protects the trampoline bitmap.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/ftrace.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "kcare.h"

void *kcare_tramp_targets[KCARE_NR_TRAMPS] __read_mostly;

/* Trampolines owned by a hook; protected by kcare_mutex. */
static DECLARE_BITMAP(kcare_tramps_used, KCARE_NR_TRAMPS);

/*
 * The module parameter "redirect": "direct" (the default) or "handler",
 * to force the ftrace handler everywhere, e.g. to compare the cost of the
 * two. Read when a hook is installed; hooks already there keep their way.
 */
static bool kcare_redirect_handler;

static int kcare_redirect_set(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "direct"))
		WRITE_ONCE(kcare_redirect_handler, false);
	else if (sysfs_streq(val, "handler"))
		WRITE_ONCE(kcare_redirect_handler, true);
	else
		return -EINVAL;
	return 0;
}

static int kcare_redirect_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n",
			 READ_ONCE(kcare_redirect_handler) ? "handler" : "direct");
}

static const struct kernel_param_ops kcare_redirect_ops = {
	.set = kcare_redirect_set,
	.get = kcare_redirect_get,
};

module_param_cb(redirect, &kcare_redirect_ops, NULL, 0644);
MODULE_PARM_DESC(redirect,
		 "how calls reach replacements: direct (ftrace direct-call trampolines, default) or handler (ftrace IPMODIFY handler)");

static unsigned long kcare_tramp_addr(int tramp)
{
	return (unsigned long)kcare_tramps +
	       (unsigned long)tramp * KCARE_TRAMP_STRIDE;
}

/*
 * The handler fallback. It runs on every call of the patched function,
 * possibly with preemption enabled. It takes no lock and calls nothing
 * (the accessors are inline), so it cannot recurse into ftrace and needs
 * no recursion guard; the hook cannot go away under it because
 * unregistering a module's ftrace_ops waits for every task to leave the
 * handler, and the hook is only freed after that.
 */
static void notrace kcare_ftrace_handler(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *ops,
					 struct ftrace_regs *fregs)
{
	struct kcare_hook *hook = container_of(ops, struct kcare_hook,
					       arch.ops);
	void *target = READ_ONCE(hook->target);

	if (target)
		ftrace_instruction_pointer_set(fregs, (unsigned long)target);
}

static int kcare_direct_install(struct kcare_hook *hook)
{
	unsigned long tramp;
	int ret;

	tramp = find_first_zero_bit(kcare_tramps_used, KCARE_NR_TRAMPS);
	if (tramp >= KCARE_NR_TRAMPS)
		return -ENOSPC;

	/* Pass-through from the first call on. */
	WRITE_ONCE(kcare_tramp_targets[tramp], NULL);
	ret = register_ftrace_direct(hook->addr, kcare_tramp_addr(tramp));
	if (ret)
		return ret;
	__set_bit(tramp, kcare_tramps_used);
	hook->arch.tramp = tramp;
	return 0;
}

static int kcare_handler_install(struct kcare_hook *hook)
{
	struct ftrace_ops *ops = &hook->arch.ops;
	int ret;

	ops->func = kcare_ftrace_handler;
	/*
	 * PERMANENT: nobody can turn ftrace off (sysctl ftrace_enabled)
	 * while we depend on it. With FTRACE_WITH_ARGS the instruction
	 * pointer can be changed without saving every register.
	 */
	ops->flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;
	if (!IS_ENABLED(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS))
		ops->flags |= FTRACE_OPS_FL_SAVE_REGS;

	ret = ftrace_set_filter_ip(ops, hook->addr, 0, 0);
	if (ret)
		return ret;
	ret = register_ftrace_function(ops);
	if (ret) {
		ftrace_free_filter(ops);
		return ret;
	}
	hook->arch.handler = true;
	return 0;
}

/**
 * kcare_arch_hook_install() - start redirecting calls of hook->addr
 * @hook:	the hook; @hook->addr, @hook->name set and @hook->target NULL
 *
 * Installs the hook in pass-through state: calls still run the original
 * code until kcare_arch_hook_set_target() gives it a target.
 *
 * Context: process context, kcare_mutex held. Sleeps.
 * Uses a direct-call trampoline unless the "redirect" parameter says
 * otherwise, and the ftrace handler when no trampoline is free or another
 * direct call (a BPF trampoline) holds the function.
 *
 * Return: 0; -EBUSY if another live patcher (or anything else that
 * changes the instruction pointer) owns the function, or ftrace is
 * switched off; -ENODEV or -EINVAL if ftrace cannot hook the function;
 * -ENOMEM.
 */
int kcare_arch_hook_install(struct kcare_hook *hook)
{
	const char *why = NULL;
	int ret;

	lockdep_assert_held(&kcare_mutex);
	hook->arch.tramp = -1;
	hook->arch.handler = false;
	hook->arch.stuck = false;

	if (IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS) &&
	    !READ_ONCE(kcare_redirect_handler)) {
		ret = kcare_direct_install(hook);
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

/**
 * kcare_arch_hook_remove() - stop redirecting calls of hook->addr
 * @hook:	an installed hook whose target is NULL
 *
 * Calls stop reaching the trampoline or handler, but a CPU may still be
 * running it: kcare_arch_hook_release() frees it after a grace period. If
 * ftrace refuses to let go (a bug), the hook is marked stuck and must be
 * leaked.
 *
 * Context: process context, kcare_mutex held. Sleeps.
 */
void kcare_arch_hook_remove(struct kcare_hook *hook)
{
	int ret;

	lockdep_assert_held(&kcare_mutex);

	if (hook->arch.tramp >= 0) {
		int tramp = hook->arch.tramp;

		/* Should it still be called, let it be harmless. */
		WRITE_ONCE(kcare_tramp_targets[tramp], NULL);
		ret = unregister_ftrace_direct(hook->addr,
					       kcare_tramp_addr(tramp));
		if (ret) {
			/* Keep the trampoline reserved: it may still be called. */
			pr_err("%s: cannot remove the direct call (%d)\n",
			       hook->name, ret);
			hook->arch.stuck = true;
			return;
		}
		/* The trampoline is freed by kcare_arch_hook_release(). */
	} else if (hook->arch.handler) {
		ret = unregister_ftrace_function(&hook->arch.ops);
		if (ret) {
			pr_err("%s: cannot remove the ftrace handler (%d)\n",
			       hook->name, ret);
			hook->arch.stuck = true;
			return;
		}
		ftrace_free_filter(&hook->arch.ops);
		hook->arch.handler = false;
	}
}

/**
 * kcare_arch_hook_release() - free what a removed hook used
 * @hook:	a hook removed by kcare_arch_hook_remove(), after an RCU-tasks
 *		grace period (kcare_hooks_sync()): no CPU runs its trampoline
 *
 * Context: process context, kcare_mutex held.
 */
void kcare_arch_hook_release(struct kcare_hook *hook)
{
	lockdep_assert_held(&kcare_mutex);
	if (hook->arch.tramp >= 0) {
		__clear_bit(hook->arch.tramp, kcare_tramps_used);
		hook->arch.tramp = -1;
	}
}

/**
 * kcare_arch_hook_set_target() - make the hook's calls go to @target
 * @hook:	an installed hook
 * @target:	the replacement, or NULL for the original code
 *
 * Context: inside stop_machine(): every other CPU is stopped, so callers
 * see either the old or the new target, never a mix within a switch. A
 * single aligned store, so it is also safe against NMIs.
 */
void notrace kcare_arch_hook_set_target(struct kcare_hook *hook, void *target)
{
	if (hook->arch.tramp >= 0)
		WRITE_ONCE(kcare_tramp_targets[hook->arch.tramp], target);
	/* What the handler reads; harmless for a direct call. */
	WRITE_ONCE(hook->target, target);
}

/**
 * kcare_arch_hook_kind() - how calls reach the hook's target
 * @hook:	an installed hook
 *
 * Return: "direct" (direct-call trampoline) or "handler" (ftrace handler).
 */
const char *kcare_arch_hook_kind(const struct kcare_hook *hook)
{
	return hook->arch.tramp >= 0 ? "direct" : "handler";
}

/**
 * kcare_arch_hook_code() - the code of our own that a hook's calls run
 * @hook:	the hook
 *
 * A task interrupted inside a direct-call trampoline may already have
 * loaded the old target: the stack check treats the trampoline like the
 * functions it switches between.
 *
 * Return: the trampoline's address, or 0 for the handler fallback (ftrace
 * calls it with interrupts enabled, but it never sleeps nor keeps a
 * target past its return).
 */
unsigned long kcare_arch_hook_code(const struct kcare_hook *hook)
{
	return hook->arch.tramp >= 0 ? kcare_tramp_addr(hook->arch.tramp) : 0;
}
