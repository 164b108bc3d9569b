/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86_64: how a kcare_hook redirects its function.
 */
#ifndef _KCARE_ARCH_HOOK_H
#define _KCARE_ARCH_HOOK_H

#include <linux/ftrace.h>

struct kcare_arch_hook {
	int tramp;			/* direct-call trampoline, or -1 */
	struct ftrace_ops ops;		/* the IPMODIFY handler fallback */
};

#endif /* _KCARE_ARCH_HOOK_H */
