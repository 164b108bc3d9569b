// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF pre-screen: a task iterator that reads the kernel stack of every
 * task, kernel threads included, and writes one struct prescreen_hit for
 * each task with a frame inside one of the ranges, which are the functions
 * a patchset is about to change. kcare-prescreen sets the ranges and reads
 * the records.
 *
 * It is advice, not a safety check: the tasks keep running while it looks,
 * and bpf_get_task_stack() is a best-effort unwind. The engine's own stack
 * check, made with every CPU stopped, decides whether a switch is safe.
 *
 * Built against the vmlinux.h of the x86_64 test-bed kernel for both
 * architectures: CO-RE relocates the task_struct fields read here (pid,
 * tgid, flags, comm) against the BTF of the kernel it is loaded into.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "prescreen.h"

/* include/linux/sched.h; macros are not in BTF */
#define PF_KTHREAD	0x00200000

/*
 * Set by kcare-prescreen through the skeleton before the load. const puts
 * them in .rodata, which is frozen at load, so the verifier knows their
 * values; volatile keeps clang from folding in their initial zeros.
 */
const volatile struct prescreen_range ranges[PRESCREEN_MAX_RANGES];
const volatile __u32 nr_ranges;

/*
 * Too big for the 512-byte BPF stack. One buffer is enough: the iterator
 * runs under its seq_file's lock and kcare-prescreen creates one iterator.
 */
static __u64 frames[PRESCREEN_MAX_DEPTH];

/*
 * The index of the range holding @ip, or -1. Global, not static: the
 * verifier then checks it once, on its own, instead of once per frame of
 * the loop below, which for 256 ranges would exceed its budget. Knowing
 * nr_ranges, it walks this loop that many times only.
 */
__noinline int range_of(__u64 ip)
{
	__u32 i;

	for (i = 0; i < PRESCREEN_MAX_RANGES && i < nr_ranges; i++) {
		if (ip >= ranges[i].start && ip < ranges[i].end)
			return i;
	}
	return -1;
}

SEC("iter/task")
int prescreen(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct prescreen_hit hit = {};
	__u32 f, n;
	long len;
	int r;

	/* The last call of an iteration has no task. */
	if (!task)
		return 0;
	/* The reader is never what a switch waits for: it is gone by then. */
	if (task->tgid == bpf_get_current_pid_tgid() >> 32)
		return 0;

	len = bpf_get_task_stack(task, frames, sizeof(frames), 0);
	/* A task that is exiting may have no stack left to read. */
	if (len <= 0)
		return 0;
	n = len / sizeof(frames[0]);

	/* Innermost frame first: report where the task is deepest. */
	for (f = 0; f < PRESCREEN_MAX_DEPTH && f < n; f++) {
		r = range_of(frames[f]);
		if (r < 0)
			continue;
		hit.addr = frames[f];
		hit.range = r;
		hit.pid = task->pid;
		hit.tgid = task->tgid;
		if (task->flags & PF_KTHREAD)
			hit.flags |= PRESCREEN_HIT_KTHREAD;
		bpf_probe_read_kernel_str(hit.comm, sizeof(hit.comm),
					  task->comm);
		bpf_seq_write(ctx->meta->seq, &hit, sizeof(hit));
		return 0;
	}
	return 0;
}

/*
 * GPL-2.0, spelled as the kernel spells it: 6.1's license_is_gpl_compatible()
 * does not know "GPL-2.0", and bpf_seq_write() is for GPL programs only.
 */
char LICENSE[] SEC("license") = "GPL v2";
