// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64 part of kcare.ko: what the engine needs from this CPU's ftrace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kconfig.h>
#include <linux/errno.h>
#include <linux/printk.h>

#include "arch.h"

int kcare_arch_init(void)
{
	/*
	 * Redirection needs ftrace to be able to change the instruction
	 * pointer of a traced function; refuse to load rather than fail at
	 * the first patch.
	 */
	if (!IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_REGS)) {
		pr_err("this kernel lacks CONFIG_DYNAMIC_FTRACE_WITH_REGS\n");
		return -EOPNOTSUPP;
	}
	/*
	 * hook.c finds trampoline i by arithmetic: make sure trampoline.S
	 * laid the pool out that way.
	 */
	if (kcare_tramps_size != KCARE_NR_TRAMPS * KCARE_TRAMP_STRIDE) {
		pr_err("the trampoline pool is not laid out as expected\n");
		return -EINVAL;
	}
	return 0;
}
