/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ftrace as each supported kernel series offers it (5.10, 6.1, 6.12), so
 * that core/hook.c and arch/<arch>/ are written once.
 *
 * - 5.11 gave ftrace_ops handlers a struct ftrace_regs instead of the
 *   struct pt_regs of 5.10; kcare_fregs is whichever the kernel passes.
 * - The handler's way to change the saved instruction pointer was
 *   instruction_pointer_set() on the pt_regs before 5.11,
 *   ftrace_instruction_pointer_set() from 5.11 and
 *   ftrace_regs_set_instruction_pointer() from 6.7.
 * - 5.11 reversed the meaning of the recursion flag: before it, ftrace
 *   wraps every handler in a recursion guard unless the ops says
 *   FTRACE_OPS_FL_RECURSION_SAFE. Our handler calls nothing, so it never
 *   needs the guard (core/hook.c).
 * - ftrace_set_filter_ips() (many sites in one call) came with 5.18;
 *   before it, one ftrace_set_filter_ip() per site builds the same filter
 *   (the filter of an ops not registered yet changes no call site).
 * - 5.10 does not export ftrace_free_filter(); resetting the filter to
 *   nothing frees its entries as well.
 */
#ifndef _KCARE_COMPAT_FTRACE_H
#define _KCARE_COMPAT_FTRACE_H

#include <linux/ftrace.h>
#include <linux/ptrace.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
typedef struct pt_regs kcare_fregs;
#define KCARE_FTRACE_FL_NO_GUARD	FTRACE_OPS_FL_RECURSION_SAFE
#else
typedef struct ftrace_regs kcare_fregs;
#define KCARE_FTRACE_FL_NO_GUARD	0
#endif

/*
 * A handler that calls out (a filter's, which runs a BPF program) needs a
 * recursion guard, with preemption off. From 5.11 the handler takes
 * ftrace's per-context lock itself (5.15 gave it the ip arguments, the
 * form of every series after 5.10); on 5.10 ftrace wraps a handler whose
 * ops does not say FTRACE_OPS_FL_RECURSION_SAFE in that same lock, so
 * the handler's own guard is a no-op there (its ops must not say
 * RECURSION_SAFE on any series, then).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
static __always_inline int kcare_ftrace_guard(unsigned long ip,
					      unsigned long parent_ip)
{
	return 0;
}

static __always_inline void kcare_ftrace_unguard(int bit)
{
}
#else
#include <linux/trace_recursion.h>

static __always_inline int kcare_ftrace_guard(unsigned long ip,
					      unsigned long parent_ip)
{
	return ftrace_test_recursion_trylock(ip, parent_ip);
}

static __always_inline void kcare_ftrace_unguard(int bit)
{
	ftrace_test_recursion_unlock(bit);
}
#endif

/*
 * Send the traced call to @ip: from an ftrace_ops handler whose ops asked
 * for the registers the kernel needs for it (FTRACE_OPS_FL_SAVE_REGS
 * unless the CPU has FTRACE_WITH_ARGS).
 */
static __always_inline void kcare_ftrace_set_ip(kcare_fregs *fregs,
						unsigned long ip)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
	instruction_pointer_set(fregs, ip);
#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 7, 0)
	ftrace_instruction_pointer_set(fregs, ip);
#else
	ftrace_regs_set_instruction_pointer(fregs, ip);
#endif
}

/* The full pt_regs the handler got, or NULL when it got fewer. */
static __always_inline struct pt_regs *kcare_ftrace_pt_regs(kcare_fregs *fregs)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
	return fregs;
#else
	return ftrace_get_regs(fregs);
#endif
}

/*
 * ftrace_set_filter_ips(): add (@remove false) or remove @nr sites of a
 * filter, first emptying it if @reset. Before 5.18, removing sites from
 * the filter of a registered ops costs one ftrace update per site.
 */
static inline int kcare_ftrace_set_filter_ips(struct ftrace_ops *ops,
					      unsigned long *ips,
					      unsigned int nr, int remove,
					      int reset)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 18, 0)
	unsigned int i;
	int ret;

	for (i = 0; i < nr; i++) {
		ret = ftrace_set_filter_ip(ops, ips[i], remove, reset && !i);
		if (ret)
			return ret;
	}
	return 0;
#else
	return ftrace_set_filter_ips(ops, ips, nr, remove, reset);
#endif
}

/* Free the filter of an ops that is not registered (any more). */
static inline void kcare_ftrace_free_filter(struct ftrace_ops *ops)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 0, 0)
	ftrace_set_filter(ops, NULL, 0, 1);
#else
	ftrace_free_filter(ops);
#endif
}

#endif /* _KCARE_COMPAT_FTRACE_H */
