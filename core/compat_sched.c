// SPDX-License-Identifier: GPL-2.0
/*
 * Calling a function on a task that cannot start running meanwhile, on
 * every supported kernel series.
 *
 * From 5.17 the kernel has task_call_func() (not exported: found through
 * kallsyms). It holds the task's pi_lock, which every wake-up takes
 * first, and also the runqueue lock when the task is runnable or running.
 * 5.10 has no such function, and its runqueue lock is scheduler-private,
 * so there the fallback does only the first half: with pi_lock held, a
 * task that is blocked, off every runqueue and off every CPU cannot be
 * woken, so its stack holds still and @func runs; any other task gets
 * -EBUSY without @func, which the stack check treats like a task running
 * now (its pause walks it, with every CPU stopped).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/version.h>

#include "compat_sched.h"
#include "symbols.h"

static int (*kcare_task_call_func)(struct task_struct *t,
				   kcare_task_call_f func, void *arg);

/* Whether @t is blocked and can only leave that state through a wake-up. */
static bool kcare_task_pinned_by_pi_lock(struct task_struct *t)
{
	unsigned int state = kcare_task_state(t);

	if (state == TASK_RUNNING || state == TASK_WAKING)
		return false;
	/* Ordered as task_call_func() reads them, after the state. */
	smp_rmb();
	if (READ_ONCE(t->on_rq))
		return false;
	smp_rmb();
	return !READ_ONCE(t->on_cpu);
}

static int kcare_task_call_fallback(struct task_struct *t,
				    kcare_task_call_f func, void *arg)
{
	unsigned long flags;
	int ret = -EBUSY;

	raw_spin_lock_irqsave(&t->pi_lock, flags);
	if (kcare_task_pinned_by_pi_lock(t))
		ret = func(t, arg);
	raw_spin_unlock_irqrestore(&t->pi_lock, flags);
	return ret;
}

/**
 * kcare_task_call() - call @func(@t, @arg) while @t cannot start running
 *
 * Context: process context; may be called under rcu_read_lock().
 * Return: what @func returned, or -EBUSY when @t could not be held still
 * without the runqueue lock (5.10 only; then @func was not called).
 */
int kcare_task_call(struct task_struct *t, kcare_task_call_f func, void *arg)
{
	if (kcare_task_call_func)
		return kcare_task_call_func(t, func, arg);
	return kcare_task_call_fallback(t, func, arg);
}

int kcare_task_call_init(void)
{
	unsigned long addr;
	int ret;

	if (LINUX_VERSION_CODE < KERNEL_VERSION(5, 17, 0))
		return 0;
	ret = kcare_symbol_lookup("vmlinux", "task_call_func", 0, &addr);
	if (ret) {
		pr_err("the stack check needs task_call_func, which this kernel lacks\n");
		return ret;
	}
	kcare_task_call_func = (void *)addr;
	return 0;
}
