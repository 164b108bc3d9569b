/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler and the system-sleep lock as each supported kernel series
 * offers them (5.10, 6.1, 6.12), for core/stack.c, core/freezer.c and
 * core/runlog.c.
 *
 * - 5.14 renamed task_struct's state to __state.
 * - 5.17 added task_call_func(), which calls a function on a task that
 *   cannot start running meanwhile; 5.10 has nothing like it, so
 *   compat_sched.c does the part of it that needs no runqueue lock (see
 *   there).
 * - 5.18 added the previous task's state to the sched_switch tracepoint.
 * - 6.1 (and the stable kernels it was backported to, not 5.10) made
 *   lock_system_sleep() return flags for unlock_system_sleep().
 */
#ifndef _KCARE_COMPAT_SCHED_H
#define _KCARE_COMPAT_SCHED_H

#include <linux/sched.h>
#include <linux/suspend.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 14, 0)
#define kcare_task_state(t)	READ_ONCE((t)->state)
#else
#define kcare_task_state(t)	READ_ONCE((t)->__state)
#endif

/* The arguments of a sched_switch tracepoint probe, after its data. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 18, 0)
#define KCARE_SCHED_SWITCH_ARGS \
	bool preempt, struct task_struct *prev, struct task_struct *next
#else
#define KCARE_SCHED_SWITCH_ARGS \
	bool preempt, struct task_struct *prev, struct task_struct *next, \
	unsigned int prev_state
#endif

static inline unsigned int kcare_lock_system_sleep(void)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
	lock_system_sleep();
	return 0;
#else
	return lock_system_sleep();
#endif
}

static inline void kcare_unlock_system_sleep(unsigned int flags)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
	unlock_system_sleep();
#else
	unlock_system_sleep(flags);
#endif
}

typedef int (*kcare_task_call_f)(struct task_struct *t, void *arg);

int kcare_task_call_init(void);
int kcare_task_call(struct task_struct *t, kcare_task_call_f func, void *arg);

#endif /* _KCARE_COMPAT_SCHED_H */
