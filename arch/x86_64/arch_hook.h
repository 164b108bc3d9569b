/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86_64: how a kcare_hook redirects its function.
 *
 * Normally with an ftrace direct call: the function's fentry site calls one
 * of a fixed pool of trampolines compiled into kcare.ko (trampoline.S; a
 * module cannot allocate executable memory on this kernel). A function
 * that a BPF trampoline already holds as a direct call gets an IPMODIFY
 * ftrace handler instead. This header is also included by trampoline.S.
 */
#ifndef _KCARE_ARCH_HOOK_H
#define _KCARE_ARCH_HOOK_H

/*
 * Trampolines in the pool, hence the most functions patched at once
 * through direct calls (the handler fallback has no limit). At most 4096:
 * trampoline.S names them with three hex digits.
 */
#define KCARE_NR_TRAMPS		4096
/* Bytes from one trampoline to the next; each body must fit in it. */
#define KCARE_TRAMP_STRIDE	32

#ifndef __ASSEMBLY__

#include <linux/ftrace.h>

/* The CPU this engine is built for, as messages name it. */
#define KCARE_ARCH_NAME "x86_64"
#include <linux/types.h>

/**
 * struct kcare_arch_hook - the x86_64 state of one hook
 * @tramp:	index of the direct-call trampoline in use, or -1
 * @handler:	@ops is registered (the IPMODIFY handler fallback)
 * @stuck:	removing the redirection failed: ftrace may still use this
 *		hook, so it must never be freed
 * @ops:	the ftrace_ops of the handler fallback
 */
struct kcare_arch_hook {
	int tramp;
	bool handler;
	bool stuck;
	struct ftrace_ops ops;
};

/* Whether the hook owning @arch must be leaked rather than freed. */
static inline bool kcare_arch_hook_stuck(const struct kcare_arch_hook *arch)
{
	return arch->stuck;
}

/*
 * Where trampoline i jumps: NULL sends calls back into the original
 * function. Written only with every CPU stopped.
 */
extern void *kcare_tramp_targets[KCARE_NR_TRAMPS];
/* The first trampoline; trampoline i is KCARE_TRAMP_STRIDE * i further. */
extern const u8 kcare_tramps[];
extern const u8 kcare_tramps_end[];

#endif /* __ASSEMBLY__ */

#endif /* _KCARE_ARCH_HOOK_H */
