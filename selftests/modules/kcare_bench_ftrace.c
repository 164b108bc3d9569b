// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of the handler path, for the benchmarks (scripts/bench/): an
 * ftrace_ops with an empty handler on kcare_bench_fn_00, saving the
 * registers as kcare's handler must on arm64 (SAVE_REGS). Whatever a
 * redirection costs beyond this is the redirection's own.
 */
#include <linux/ftrace.h>
#include <linux/module.h>

#include "kcare_test_ftrace.h"

int kcare_bench_fn_00(int x);

static void notrace kcare_bench_empty(unsigned long ip,
				      unsigned long parent_ip,
				      struct ftrace_ops *ops,
				      struct ftrace_regs *fregs)
{
}

static struct ftrace_ops kcare_bench_ops = {
	.func	= kcare_bench_empty,
	.flags	= FTRACE_OPS_FL_SAVE_REGS,
};

static int __init kcare_bench_ftrace_init(void)
{
	return kcare_test_ftrace_hold(&kcare_bench_ops,
				      (unsigned long)kcare_bench_fn_00);
}

static void __exit kcare_bench_ftrace_exit(void)
{
	kcare_test_ftrace_release(&kcare_bench_ops);
}

module_init(kcare_bench_ftrace_init);
module_exit(kcare_bench_ftrace_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kcare benchmark: an empty ftrace handler with saved registers on kcare_bench_fn_00");
