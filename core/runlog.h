/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run log (runlog.c): which tasks ran since the stack check's scan,
 * so that the check in the pause walks those and not every thread.
 */
#ifndef _KCARE_RUNLOG_H
#define _KCARE_RUNLOG_H

#include <linux/types.h>

struct task_struct;

int kcare_runlog_init(void);
void kcare_runlog_exit(void);
/* Forget what ran so far and log from now on. */
void kcare_runlog_start(void);
/* Stop logging. */
void kcare_runlog_stop(void);
/*
 * With every other CPU stopped: call @fn on each task that ran since
 * kcare_runlog_start() and still exists, until it returns true. Returns
 * -EOVERFLOW when the log lost some (then every task must be walked),
 * -ENODEV when it is not logging, 1 when @fn returned true, or 0.
 */
int kcare_runlog_for_each(bool (*fn)(struct task_struct *t, void *arg),
			  void *arg);

#endif /* _KCARE_RUNLOG_H */
