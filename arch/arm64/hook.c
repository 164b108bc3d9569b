// SPDX-License-Identifier: GPL-2.0
/*
 * arm64: redirecting a patched function to its replacement.
 *
 * Not implemented yet. It will be an IPMODIFY ftrace handler with
 * SAVE_REGS that writes the saved pc (ftrace_instruction_pointer_set() is
 * a no-op on arm64 6.1, and there are no direct calls). Until then no hook
 * can be installed, so the other operations never see one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/printk.h>

#include "kcare.h"

/**
 * kcare_arch_hook_install() - start redirecting calls of hook->addr
 * @hook:	the hook
 *
 * Return: -EOPNOTSUPP, always, for now.
 */
int kcare_arch_hook_install(struct kcare_hook *hook)
{
	pr_err("live patching is not supported on arm64 yet\n");
	return -EOPNOTSUPP;
}

/**
 * kcare_arch_hook_remove() - stop redirecting calls of hook->addr
 * @hook:	the hook (never installed on arm64 yet)
 */
void kcare_arch_hook_remove(struct kcare_hook *hook)
{
}

/**
 * kcare_arch_hook_release() - free what a removed hook used
 * @hook:	the hook (never installed on arm64 yet)
 */
void kcare_arch_hook_release(struct kcare_hook *hook)
{
}

/**
 * kcare_arch_hook_set_target() - make the hook's calls go to @target
 * @hook:	the hook
 * @target:	the replacement, or NULL for the original code
 */
void kcare_arch_hook_set_target(struct kcare_hook *hook, void *target)
{
	WRITE_ONCE(hook->target, target);
}

/**
 * kcare_arch_hook_kind() - how calls reach the hook's target
 * @hook:	the hook
 *
 * Return: "handler", the only way there will be on arm64 6.1.
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
