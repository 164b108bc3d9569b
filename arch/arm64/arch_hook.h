/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64: how a kcare_hook redirects its function (an IPMODIFY ftrace
 * handler that rewrites the saved pc; 6.1 has no direct calls here).
 */
#ifndef _KCARE_ARCH_HOOK_H
#define _KCARE_ARCH_HOOK_H

#include <linux/ftrace.h>

struct kcare_arch_hook {
	struct ftrace_ops ops;
};

#endif /* _KCARE_ARCH_HOOK_H */
