/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86_64: how a kcare_hook redirects its function (core/arch.h says what
 * core/ expects here).
 *
 * Normally with an ftrace direct call: the function's fentry site calls one
 * of a fixed pool of trampolines compiled into kcare.ko (trampoline.S; a
 * module cannot allocate executable memory on this kernel). A function
 * that a BPF trampoline already holds as a direct call gets core/hook.c's
 * IPMODIFY ftrace handler instead. This header is also included by
 * trampoline.S.
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
#include <linux/types.h>

#include "compat_ftrace.h"

/* The CPU this engine is built for, as messages name it. */
#define KCARE_ARCH_NAME "x86_64"

/**
 * struct kcare_arch_hook - the x86_64 state of one hook
 * @tramp:	index of the direct-call trampoline in use, or -1; only
 *		meaningful when the hook is direct
 */
struct kcare_arch_hook {
	int tramp;
};

/*
 * With FTRACE_WITH_ARGS the handler can change the instruction pointer
 * without saving every register.
 */
#define KCARE_ARCH_FTRACE_FLAGS \
	(IS_ENABLED(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS) ? 0 : \
	 FTRACE_OPS_FL_SAVE_REGS)

/* The handler's way to send the call to @ip instead. */
static __always_inline void kcare_arch_set_ip(kcare_fregs *fregs,
					      unsigned long ip)
{
	kcare_ftrace_set_ip(fregs, ip);
}

/*
 * A filter's denial (core/filter.c): the call goes to @stub, which returns
 * its first argument, set here to @ret, straight to the caller. The
 * handler's ops saved every register (SAVE_REGS), and ftrace restores
 * them all, %rdi included, before it jumps to the saved %rip.
 */
static __always_inline void kcare_arch_skip_call(struct pt_regs *regs,
						 unsigned long stub, long ret)
{
	regs->di = ret;
	regs->ip = stub;
}

/* Direct calls to the trampolines (hook.c). */
bool kcare_arch_direct_wanted(void);
int kcare_arch_direct_install(struct kcare_arch_hook *arch, unsigned long addr);
int kcare_arch_direct_remove(struct kcare_arch_hook *arch, unsigned long addr);
void kcare_arch_direct_release(struct kcare_arch_hook *arch);
void kcare_arch_direct_set_target(struct kcare_arch_hook *arch, void *target);
unsigned long kcare_arch_direct_code(const struct kcare_arch_hook *arch);

/*
 * Where trampoline i jumps: NULL sends calls back into the original
 * function. Written only with every CPU stopped.
 */
extern void *kcare_tramp_targets[KCARE_NR_TRAMPS];
/* The first trampoline; trampoline i is KCARE_TRAMP_STRIDE * i further. */
extern const u8 kcare_tramps[];
/* kcare_tramps_end - kcare_tramps, as trampoline.S laid the pool out. */
extern const u64 kcare_tramps_size;

#endif /* __ASSEMBLY__ */

#endif /* _KCARE_ARCH_HOOK_H */
