/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the BPF pre-screen (bpf/prescreen.bpf.c) and its command
 * (userland/kcare-prescreen.c) share: the address ranges it looks for and
 * the record it writes for each task found inside one.
 */
#ifndef KCARE_PRESCREEN_H
#define KCARE_PRESCREEN_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Functions one pre-screen can look for; a patchset changes far fewer. */
#define PRESCREEN_MAX_RANGES	256

/* Frames read per task: the kernel's default perf_event_max_stack. */
#define PRESCREEN_MAX_DEPTH	127

/* Bits of prescreen_hit.flags */
#define PRESCREEN_HIT_KTHREAD	0x1	/* a kernel thread */

/* [start, end) of one function in kernel text */
struct prescreen_range {
	__u64 start;
	__u64 end;
};

/*
 * One task with a frame inside a range. The iterator's output is an array
 * of these, written as they are: a task name may hold any byte, even a
 * newline, so a text format would need escaping on both sides.
 */
struct prescreen_hit {
	__u64 addr;		/* the innermost frame inside a range */
	__u32 range;		/* index of that range */
	__u32 pid;		/* thread id, as the kernel numbers tasks */
	__u32 tgid;		/* process id */
	__u32 flags;		/* PRESCREEN_HIT_* */
	char comm[16];		/* TASK_COMM_LEN */
};

#endif /* KCARE_PRESCREEN_H */
