// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 part of kcare.ko: what the engine needs from this CPU's ftrace.
 */
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
		pr_err("kcare: this kernel lacks CONFIG_DYNAMIC_FTRACE_WITH_REGS\n");
		return -EOPNOTSUPP;
	}
	return 0;
}
