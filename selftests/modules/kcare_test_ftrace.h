/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An ftrace_ops of a test module on one function: the benchmark's empty
 * handler (kcare_bench_ftrace.c) and the IPMODIFY user that a kcare batch
 * must be refused by (kcare_test_ipmodify.c).
 */
#ifndef _KCARE_TEST_FTRACE_H
#define _KCARE_TEST_FTRACE_H

#include <linux/ftrace.h>

/* Register @ops on the function at @addr alone; all or nothing. */
static inline int kcare_test_ftrace_hold(struct ftrace_ops *ops,
					 unsigned long addr)
{
	int ret;

	ret = ftrace_set_filter_ip(ops, addr, 0, 0);
	if (ret)
		return ret;
	ret = register_ftrace_function(ops);
	if (ret)
		ftrace_free_filter(ops);
	return ret;
}

static inline void kcare_test_ftrace_release(struct ftrace_ops *ops)
{
	unregister_ftrace_function(ops);
	ftrace_free_filter(ops);
}

#endif /* _KCARE_TEST_FTRACE_H */
