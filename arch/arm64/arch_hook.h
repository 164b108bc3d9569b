/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64: how a kcare_hook redirects its function: an IPMODIFY ftrace
 * handler that rewrites the saved pc (6.1 has no direct calls here).
 */
#ifndef _KCARE_ARCH_HOOK_H
#define _KCARE_ARCH_HOOK_H

#include <linux/ftrace.h>

/* The CPU this engine is built for, as messages name it. */
#define KCARE_ARCH_NAME "arm64"
#include <linux/types.h>

/**
 * struct kcare_arch_hook - the arm64 state of one hook
 * @handler:	@ops is registered
 * @stuck:	removing the redirection failed: ftrace may still use this
 *		hook, so it must never be freed
 * @ops:	the ftrace_ops of the handler
 */
struct kcare_arch_hook {
	bool handler;
	bool stuck;
	struct ftrace_ops ops;
};

/* Whether the hook owning @arch must be leaked rather than freed. */
static inline bool kcare_arch_hook_stuck(const struct kcare_arch_hook *arch)
{
	return arch->stuck;
}

#endif /* _KCARE_ARCH_HOOK_H */
