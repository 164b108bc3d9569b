// SPDX-License-Identifier: GPL-2.0
/*
 * arm64: redirecting a patched function to its replacement.
 *
 * The 6.1 arm64 kernel has neither direct calls nor FTRACE_WITH_ARGS, so
 * calls are redirected by an ftrace handler with SAVE_REGS and IPMODIFY
 * that writes the saved pc: the generic instruction-pointer setter is a
 * no-op here. The ftrace call site is the BL of the two instructions the
 * compiler reserves at the function's entry (after a BTI landing pad, when
 * there is one); ftrace maps a function's address to it by itself
 * (ftrace_location() turns sym+0 into the call site), so the hook is
 * registered on the function's address as on x86_64.
 *
 * On return from the handler, ftrace restores the registers of the call
 * site, including the link register to the function's caller, and
 * branches to the saved pc: the replacement then runs exactly as if the
 * caller had called it, and returns straight to that caller. Its pointer
 * authentication (paciasp/autiasp) signs with the same stack pointer as
 * the original would have.
 *
 * Everything here except kcare_arch_hook_set_target() runs with
 * kcare_mutex held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/ftrace.h>
#include <linux/printk.h>
#include <linux/ptrace.h>

#include "kcare.h"

/*
 * Runs on every call of the patched function. It takes no lock and calls
 * nothing, so it cannot recurse into ftrace; the hook cannot go away under
 * it because unregistering a module's ftrace_ops waits for every task to
 * leave the handler, and the hook is only freed after that.
 */
static void notrace kcare_ftrace_handler(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *ops,
					 struct ftrace_regs *fregs)
{
	struct kcare_hook *hook = container_of(ops, struct kcare_hook,
					       arch.ops);
	void *target = READ_ONCE(hook->target);
	struct pt_regs *regs;

	if (!target)
		return;
	regs = ftrace_get_regs(fregs);
	if (regs)
		instruction_pointer_set(regs, (unsigned long)target);
}

/**
 * kcare_arch_hook_install() - start redirecting calls of hook->addr
 * @hook:	the hook; @hook->addr, @hook->name set and @hook->target NULL
 *
 * Installs the hook in pass-through state: calls still run the original
 * code until kcare_arch_hook_set_target() gives it a target.
 *
 * Context: process context, kcare_mutex held. Sleeps.
 * Return: 0; -EBUSY if another IPMODIFY user (a kprobe with a post
 * handler, another live patcher) owns the function, or ftrace is switched
 * off; -EINVAL if ftrace cannot hook the function; -ENOMEM.
 */
int kcare_arch_hook_install(struct kcare_hook *hook)
{
	struct ftrace_ops *ops = &hook->arch.ops;
	int ret;

	lockdep_assert_held(&kcare_mutex);
	hook->arch.stuck = false;
	hook->arch.handler = false;
	ops->func = kcare_ftrace_handler;
	/* PERMANENT: nobody may turn ftrace off while we depend on it. */
	ops->flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY |
		     FTRACE_OPS_FL_PERMANENT;

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
 * kcare_arch_hook_remove() - stop redirecting calls of hook->addr
 * @hook:	an installed hook whose target is NULL
 *
 * If ftrace refuses to let go (a bug), the hook is marked stuck and must
 * be leaked.
 *
 * Context: process context, kcare_mutex held. Sleeps.
 */
void kcare_arch_hook_remove(struct kcare_hook *hook)
{
	int ret;

	lockdep_assert_held(&kcare_mutex);
	if (!hook->arch.handler)
		return;
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

/**
 * kcare_arch_hook_release() - free what a removed hook used
 * @hook:	a removed hook
 *
 * Nothing: the handler is kcare.ko's own code, and unregistering it
 * already waited for every task to leave it.
 */
void kcare_arch_hook_release(struct kcare_hook *hook)
{
}

/**
 * kcare_arch_hook_set_target() - make the hook's calls go to @target
 * @hook:	an installed hook
 * @target:	the replacement, or NULL for the original code
 *
 * Context: inside stop_machine(); a single aligned store.
 */
void notrace kcare_arch_hook_set_target(struct kcare_hook *hook, void *target)
{
	WRITE_ONCE(hook->target, target);
}

/**
 * kcare_arch_hook_kind() - how calls reach the hook's target
 * @hook:	the hook
 *
 * Return: "handler", the only way there is on arm64 6.1.
 */
const char *kcare_arch_hook_kind(const struct kcare_hook *hook)
{
	return "handler";
}

/* The handler keeps no target past its return: no code of ours to check. */
unsigned long kcare_arch_hook_code(const struct kcare_hook *hook)
{
	return 0;
}
