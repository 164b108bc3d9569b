// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64: ftrace direct calls to the trampolines of trampoline.S.
 *
 * The fast way to redirect a patched function: its fentry site calls a
 * trampoline of our own that, once the hook has a target, jumps there.
 * core/hook.c decides when to use one, and falls back to its ftrace
 * handler when none is free or another direct call holds the function.
 *
 * Everything here except kcare_arch_direct_set_target() runs with
 * kcare_mutex held, which also protects the trampoline bitmap.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/ftrace.h>
#include <linux/lockdep.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "arch_hook.h"
#include "compat_direct.h"
#include "state.h"

/* Trampolines owned by a hook; protected by kcare_mutex. */
static DECLARE_BITMAP(kcare_tramps_used, KCARE_NR_TRAMPS);

/*
 * The module parameter "redirect": "handler" (the default: core/hook.c's
 * ftrace handler, one ftrace update for a whole patchset) or "direct" (a
 * trampoline per function: cheaper calls, but one ftrace update each,
 * about 40 ms to apply and 140 ms to remove per function under
 * emulation; see Documentation/performance.md). Read when hooks are
 * installed; hooks already there keep their way.
 */
static bool kcare_redirect_handler = true;

static int kcare_redirect_set(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "direct")) {
		if (!KCARE_HAVE_DIRECT_BY_IP) {
			pr_err("redirect=direct: this kernel's ftrace direct calls are not supported yet, only redirect=handler\n");
			return -EOPNOTSUPP;
		}
		WRITE_ONCE(kcare_redirect_handler, false);
	}
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
		 "how calls reach replacements: handler (one ftrace IPMODIFY handler for a whole patchset, default) or direct (an ftrace direct-call trampoline per function)");

static unsigned long kcare_tramp_addr(int tramp)
{
	return (unsigned long)kcare_tramps +
	       (unsigned long)tramp * KCARE_TRAMP_STRIDE;
}

/* Whether new hooks try a direct call first. */
bool kcare_arch_direct_wanted(void)
{
	return KCARE_HAVE_DIRECT_BY_IP && !READ_ONCE(kcare_redirect_handler);
}

/**
 * kcare_arch_direct_install() - call a trampoline from the function at @addr
 * @arch:	the hook's state; @arch->tramp is set on success
 * @addr:	the function's entry
 *
 * The trampoline passes through (its target is NULL) from the first call
 * on, until kcare_arch_direct_set_target() gives it a target.
 *
 * Context: process context, kcare_mutex held. Sleeps.
 * Return: 0; -ENOSPC if every trampoline is in use; -EBUSY if another
 * direct call or an IPMODIFY user holds the function; -ENODEV, -EINVAL or
 * -ENOMEM from ftrace.
 */
int kcare_arch_direct_install(struct kcare_arch_hook *arch, unsigned long addr)
{
	unsigned long tramp;
	int ret;

	lockdep_assert_held(&kcare_mutex);
	arch->tramp = -1;
	tramp = find_first_zero_bit(kcare_tramps_used, KCARE_NR_TRAMPS);
	if (tramp >= KCARE_NR_TRAMPS)
		return -ENOSPC;

	/* Pass-through from the first call on. */
	WRITE_ONCE(kcare_tramp_targets[tramp], NULL);
	ret = kcare_direct_register(addr, kcare_tramp_addr(tramp));
	if (ret)
		return ret;
	__set_bit(tramp, kcare_tramps_used);
	arch->tramp = tramp;
	return 0;
}

/**
 * kcare_arch_direct_remove() - stop calling the trampoline from @addr
 * @arch:	an installed direct call whose target is NULL
 * @addr:	the function's entry
 *
 * A CPU may still be running the trampoline: it stays reserved until
 * kcare_arch_direct_release(), after a grace period.
 *
 * Context: process context, kcare_mutex held. Sleeps.
 * Return: 0, or the error of ftrace, which then may still call it.
 */
int kcare_arch_direct_remove(struct kcare_arch_hook *arch, unsigned long addr)
{
	lockdep_assert_held(&kcare_mutex);
	/* Should it still be called, let it be harmless. */
	WRITE_ONCE(kcare_tramp_targets[arch->tramp], NULL);
	return kcare_direct_unregister(addr, kcare_tramp_addr(arch->tramp));
}

/**
 * kcare_arch_direct_release() - free the trampoline of a removed hook
 * @arch:	a direct call removed by kcare_arch_direct_remove(), after an
 *		RCU-tasks grace period (kcare_hooks_sync()): no CPU runs it
 *
 * Context: process context, kcare_mutex held.
 */
void kcare_arch_direct_release(struct kcare_arch_hook *arch)
{
	lockdep_assert_held(&kcare_mutex);
	__clear_bit(arch->tramp, kcare_tramps_used);
	arch->tramp = -1;
}

/* Inside stop_machine(), from kcare_hook_set_target(). */
void notrace kcare_arch_direct_set_target(struct kcare_arch_hook *arch,
					  void *target)
{
	WRITE_ONCE(kcare_tramp_targets[arch->tramp], target);
}

/* The trampoline's address, for the stack check. */
unsigned long kcare_arch_direct_code(const struct kcare_arch_hook *arch)
{
	return kcare_tramp_addr(arch->tramp);
}
