// SPDX-License-Identifier: GPL-2.0
/*
 * Another IPMODIFY ftrace user, on both CPUs: it holds the function at
 * @addr (given by the test from /proc/kallsyms) with a handler that
 * changes nothing. ftrace lets one such user own a function, so a kcare
 * batch that includes it must be refused as a whole, and leave every
 * other function of the batch untouched (selftests/test-engine.sh).
 */
#include <linux/ftrace.h>
#include <linux/module.h>

#include "kcare_test_ftrace.h"

static unsigned long addr;
module_param(addr, ulong, 0444);
MODULE_PARM_DESC(addr, "entry of the function to hold");

static void notrace kcare_test_ipmodify_fn(unsigned long ip,
					   unsigned long parent_ip,
					   struct ftrace_ops *ops,
					   struct ftrace_regs *fregs)
{
}

/* SAVE_REGS: what IPMODIFY needs on arm64, and harmless on x86_64. */
static struct ftrace_ops kcare_test_ipmodify_ops = {
	.func	= kcare_test_ipmodify_fn,
	.flags	= FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_SAVE_REGS,
};

static int __init kcare_test_ipmodify_init(void)
{
	if (!addr)
		return -EINVAL;
	return kcare_test_ftrace_hold(&kcare_test_ipmodify_ops, addr);
}

static void __exit kcare_test_ipmodify_exit(void)
{
	kcare_test_ftrace_release(&kcare_test_ipmodify_ops);
}

module_init(kcare_test_ipmodify_init);
module_exit(kcare_test_ipmodify_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kcare selftest: an IPMODIFY ftrace user holding one function");
