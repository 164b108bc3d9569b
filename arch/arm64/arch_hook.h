/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64: how a kcare_hook redirects its function (core/arch.h says what
 * core/ expects here).
 *
 * The 6.1 arm64 kernel has neither direct calls nor FTRACE_WITH_ARGS, so
 * calls are redirected by core/hook.c's ftrace handler with SAVE_REGS and
 * IPMODIFY, which writes the saved pc: the generic instruction-pointer
 * setter is a no-op here. The ftrace call site is the BL of the two
 * instructions the compiler reserves at the function's entry (after a BTI
 * landing pad, when there is one); ftrace maps a function's address to it
 * by itself (ftrace_location() turns sym+0 into the call site), so the
 * hook is registered on the function's address as on x86_64.
 *
 * On return from the handler, ftrace restores the registers of the call
 * site, including the link register to the function's caller, and
 * branches to the saved pc: the replacement then runs exactly as if the
 * caller had called it, and returns straight to that caller. Its pointer
 * authentication (paciasp/autiasp) signs with the same stack pointer as
 * the original would have.
 */
#ifndef _KCARE_ARCH_HOOK_H
#define _KCARE_ARCH_HOOK_H

#include <linux/errno.h>
#include <linux/ftrace.h>
#include <linux/ptrace.h>
#include <linux/types.h>

#include "compat_ftrace.h"

/* The CPU this engine is built for, as messages name it. */
#define KCARE_ARCH_NAME "arm64"

/* Nothing per hook: every hook is core/hook.c's ftrace handler. */
struct kcare_arch_hook {
};

/* The saved pc is only there to write with SAVE_REGS. */
#define KCARE_ARCH_FTRACE_FLAGS	FTRACE_OPS_FL_SAVE_REGS

/* The handler's way to send the call to @ip instead: the saved pc. */
static __always_inline void kcare_arch_set_ip(kcare_fregs *fregs,
					      unsigned long ip)
{
	struct pt_regs *regs = kcare_ftrace_pt_regs(fregs);

	if (regs)
		instruction_pointer_set(regs, ip);
}

/*
 * A filter's denial (core/filter.c): the call goes to @stub, which returns
 * its first argument, set here to @ret, in x0. ftrace restores x0 and the
 * link register to the caller before it branches to the saved pc, so the
 * stub returns straight to the caller, as the function would have.
 */
static __always_inline void kcare_arch_skip_call(struct pt_regs *regs,
						 unsigned long stub, long ret)
{
	regs->regs[0] = ret;
	instruction_pointer_set(regs, stub);
}

/*
 * No direct calls: kcare_arch_direct_wanted() says so, and hook.c never
 * reaches the others, which only keep it compiling.
 */
static inline bool kcare_arch_direct_wanted(void)
{
	return false;
}

static inline int kcare_arch_direct_install(struct kcare_arch_hook *arch,
					    unsigned long addr)
{
	return -EOPNOTSUPP;
}

static inline int kcare_arch_direct_remove(struct kcare_arch_hook *arch,
					   unsigned long addr)
{
	return 0;
}

static inline void kcare_arch_direct_release(struct kcare_arch_hook *arch)
{
}

static inline void kcare_arch_direct_set_target(struct kcare_arch_hook *arch,
						void *target)
{
}

static inline unsigned long
kcare_arch_direct_code(const struct kcare_arch_hook *arch)
{
	return 0;
}

#endif /* _KCARE_ARCH_HOOK_H */
