// SPDX-License-Identifier: GPL-2.0
/*
 * arm64: walking another task's kernel stack, conservatively.
 *
 * The 6.1 arm64 kernel has no reliable stack trace
 * (HAVE_RELIABLE_STACKTRACE), but it is built with frame pointers: every
 * function that calls another keeps a frame record {fp, lr} on the stack,
 * x29 pointing at it, and every task's chain ends at the record inside its
 * pt_regs (task_pt_regs(task)->stackframe). So we follow the chain
 * ourselves and call the stack reliable only when nothing is unexpected:
 *
 * - each record lies inside the task's own stack, 8-byte aligned, above
 *   the previous one (a record on an IRQ or overflow stack, or a loop, is
 *   refused);
 * - a return address in the exception entry code is allowed only as the
 *   last one, where the chain enters the kernel from user space (or where
 *   a kernel thread starts): anywhere else it marks an exception taken in
 *   the kernel (an interrupt, a fault, a preemption by IRQ), across which
 *   the frame of the interrupted function may be lost, which is why the
 *   unwinder is not reliable in general;
 * - every return address is in known code (kallsyms), and none is a
 *   return trampoline of the function graph tracer or of kretprobes,
 *   which hide the real return address;
 * - the walk ends exactly at the final record.
 *
 * What this cannot see: a leaf function (one that calls nothing) keeps no
 * record, but a task can only be stopped inside one by an exception, which
 * the second rule refuses. Anything else: unsafe, never a guess.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <asm/pointer_auth.h>
#include <asm/processor.h>

#include "arch.h"
#include "symbols.h"

static unsigned long kcare_entry_start, kcare_entry_end;
static unsigned long kcare_graph_return, kcare_kretprobe_tramp;
static void (*kcare_put_task_stack)(struct task_struct *tsk);
static int (*kcare_size_offset)(unsigned long addr, unsigned long *size,
				unsigned long *offset);

static int kcare_arm64_resolve(const char *name, unsigned long *addr,
			       bool required)
{
	int ret = kcare_symbol_lookup("vmlinux", name, 0, addr);

	if (ret && required)
		pr_err("the stack check needs %s, which this kernel lacks\n",
		       name);
	return required ? ret : 0;
}

int kcare_arch_stack_init(void)
{
	unsigned long put, size_offset;
	int ret;

	ret = kcare_arm64_resolve("__entry_text_start", &kcare_entry_start,
				  true);
	if (!ret)
		ret = kcare_arm64_resolve("__entry_text_end", &kcare_entry_end,
					  true);
	if (!ret)
		ret = kcare_arm64_resolve("put_task_stack", &put, true);
	if (!ret)
		ret = kcare_arm64_resolve("kallsyms_lookup_size_offset",
					  &size_offset, true);
	if (ret)
		return ret;
	/* Absent when the tracer or kprobes are not built in. */
	kcare_arm64_resolve("return_to_handler", &kcare_graph_return, false);
	kcare_arm64_resolve("__kretprobe_trampoline", &kcare_kretprobe_tramp,
			    false);
	kcare_put_task_stack = (void *)put;
	kcare_size_offset = (void *)size_offset;
	return 0;
}

static bool kcare_arm64_entry(unsigned long pc)
{
	return pc >= kcare_entry_start && pc < kcare_entry_end;
}

/* Whether @pc is a return address the walk may go past. */
static bool kcare_arm64_known(unsigned long pc)
{
	unsigned long size, offset;

	if (!kcare_size_offset(pc, &size, &offset))
		return false;
	pc -= offset;
	return pc != kcare_graph_return && pc != kcare_kretprobe_tramp;
}

static int kcare_arm64_walk(struct task_struct *task, unsigned long *store,
			    unsigned int size)
{
	unsigned long low = (unsigned long)task_stack_page(task);
	unsigned long high = low + THREAD_SIZE;
	unsigned long final = (unsigned long)task_pt_regs(task)->stackframe;
	unsigned long fp = thread_saved_fp(task);
	unsigned long pc = thread_saved_pc(task);
	unsigned long prev = 0;
	unsigned int n = 0;

	for (;;) {
		if (!kcare_arm64_known(pc))
			return -EINVAL;
		/* Entry code only where the chain ends: see above. */
		if (kcare_arm64_entry(pc) && fp != final)
			return -EINVAL;
		if (n == size)
			return -E2BIG;
		store[n++] = pc;
		if (fp == final)
			return n;
		if (fp & 0x7 || fp < low || fp > high - 16 || fp <= prev)
			return -EINVAL;
		prev = fp;
		pc = ptrauth_strip_insn_pac(READ_ONCE_NOCHECK(((unsigned long *)fp)[1]));
		fp = READ_ONCE_NOCHECK(((unsigned long *)fp)[0]);
	}
}

/**
 * kcare_arch_stack_walk() - the return addresses on @task's kernel stack
 * @task:	a task that cannot run meanwhile (not the caller)
 * @store:	where to put them, innermost first
 * @size:	room in @store; a deeper stack is an error
 *
 * Context: any, including with every other CPU stopped.
 * Return: the number of addresses, 0 for a task without a stack (it has
 * exited), or a negative error when the stack cannot be walked with
 * certainty.
 */
int kcare_arch_stack_walk(struct task_struct *task, unsigned long *store,
			  unsigned int size)
{
	int ret;

	if (task == current)
		return -EINVAL;
	/* Pin the stack: an exiting task frees it after its last switch. */
	if (!refcount_inc_not_zero(&task->stack_refcount))
		return 0;
	ret = kcare_arm64_walk(task, store, size);
	kcare_put_task_stack(task);
	return ret;
}
