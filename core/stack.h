/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stack check (stack.c): whether any task has a function being
 * switched on its stack. Outside the pause, kcare_stack_scan() walks every
 * task it can pin and remembers those it found clean; in the pause,
 * kcare_stack_verify() walks only the tasks that ran since (runlog.c
 * names them), so the pause stays short however many threads exist.
 */
#ifndef _KCARE_STACK_H
#define _KCARE_STACK_H

#include <linux/kallsyms.h>
#include <linux/sched.h>
#include <linux/types.h>

struct kcare_switch;

#define KCARE_MAX_BLOCKERS	32

struct kcare_blocker {
	struct task_struct *task;	/* referenced */
	pid_t pid;
	char comm[TASK_COMM_LEN];
	int range;			/* index in ranges, -1: unreliable */
	unsigned long offset;		/* of the return address in range */
	int error;			/* of the unwinder when range == -1 */
};

struct kcare_stack_range {
	unsigned long start, end;	/* [start, end) */
	char name[KSYM_NAME_LEN];
};

struct kcare_stack_seen {
	struct task_struct *task;
	u64 start_time;
	unsigned long switches;		/* nvcsw + nivcsw */
};

struct kcare_stack_check {
	struct kcare_stack_range *ranges;
	unsigned int nr_ranges;
	struct kcare_stack_seen *seen;
	unsigned int nr_seen, max_seen;
	bool partial;			/* a clean task is missing in seen */
	struct kcare_blocker blockers[KCARE_MAX_BLOCKERS];
	unsigned int nr_blockers;	/* stored in blockers[] */
	unsigned int total_blockers;	/* found, may be more */
	unsigned int tasks;		/* walked or known clean, last check */
	unsigned int walked_in_pause;
	u64 verify_ns;			/* the last check in the pause took */
	unsigned long *trace;		/* a stack trace buffer */
};

int kcare_stack_init(void);
void kcare_stack_exit(void);
/* Collect the code ranges @sw changes; -ENOMEM or -ENOENT (no symbol). */
int kcare_stack_prepare(struct kcare_stack_check *sc,
			const struct kcare_switch *sw);
/* Outside the pause. Returns the number of blocking tasks found. */
unsigned int kcare_stack_scan(struct kcare_stack_check *sc);
/* In the pause, every other CPU stopped. Returns blocking tasks found. */
unsigned int kcare_stack_verify(struct kcare_stack_check *sc);
/* Drop the references to the blocking tasks of the last check. */
void kcare_stack_clear_blockers(struct kcare_stack_check *sc);
void kcare_stack_free(struct kcare_stack_check *sc);
/* "pid comm function+offset" of blocker @i, for messages and sysfs. */
int kcare_stack_blocker_str(const struct kcare_stack_check *sc, unsigned int i,
			    char *buf, size_t size);

#endif /* _KCARE_STACK_H */
