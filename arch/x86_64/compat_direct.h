/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ftrace direct calls as each supported kernel series offers them.
 *
 * 5.10 and 6.1 attach a direct call to one function by address
 * (register_ftrace_direct(ip, addr)). 6.5 reworked the interface around an
 * ftrace_ops per trampoline, whose filter names the functions; building
 * that filter is core/hook.c's job (arch/README.md), so on those kernels
 * hook.c does not offer direct calls yet and every hook uses its ftrace
 * handler, which works the same on every series.
 */
#ifndef _KCARE_COMPAT_DIRECT_H
#define _KCARE_COMPAT_DIRECT_H

#include <linux/errno.h>
#include <linux/ftrace.h>
#include <linux/version.h>

#if IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS) && \
	LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
#define KCARE_HAVE_DIRECT_BY_IP	1

static inline int kcare_direct_register(unsigned long ip, unsigned long addr)
{
	return register_ftrace_direct(ip, addr);
}

static inline int kcare_direct_unregister(unsigned long ip, unsigned long addr)
{
	return unregister_ftrace_direct(ip, addr);
}
#else
#define KCARE_HAVE_DIRECT_BY_IP	0

static inline int kcare_direct_register(unsigned long ip, unsigned long addr)
{
	return -EOPNOTSUPP;
}

static inline int kcare_direct_unregister(unsigned long ip, unsigned long addr)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* _KCARE_COMPAT_DIRECT_H */
