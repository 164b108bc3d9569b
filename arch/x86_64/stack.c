// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64: walking another task's kernel stack reliably.
 *
 * The ORC unwinder knows, for every instruction of the kernel and its
 * modules (our trampolines included: objtool validates them), where the
 * caller's frame is. The kernel's reliable variant of the walk, the one
 * upstream livepatch trusts, also refuses a stack it cannot finish, one
 * with an unknown return address, and one that ends anywhere but at the
 * task's user-mode registers or the end of a kernel thread. It is not
 * exported, so it is found through kallsyms like the rest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/printk.h>

#include "arch.h"
#include "symbols.h"

static int (*kcare_save_reliable)(struct task_struct *task,
				  unsigned long *store, unsigned int size);

int kcare_arch_stack_init(void)
{
	unsigned long addr;
	int ret;

	if (!IS_ENABLED(CONFIG_HAVE_RELIABLE_STACKTRACE) ||
	    !IS_ENABLED(CONFIG_UNWINDER_ORC)) {
		pr_err("this kernel has no reliable ORC stack traces: the stack check cannot work\n");
		return -EOPNOTSUPP;
	}
	ret = kcare_symbol_lookup("vmlinux", "stack_trace_save_tsk_reliable", 0,
				  &addr);
	if (ret) {
		pr_err("cannot find stack_trace_save_tsk_reliable (%d)\n", ret);
		return ret;
	}
	kcare_save_reliable = (void *)addr;
	return 0;
}

/**
 * kcare_arch_stack_walk() - the return addresses on @task's kernel stack
 * @task:	a task that cannot run meanwhile
 * @store:	where to put them, innermost first
 * @size:	room in @store; a deeper stack is an error
 *
 * Context: any, including with every other CPU stopped.
 * Return: the number of addresses, or a negative error when the stack
 * cannot be walked to its end with certainty.
 */
int kcare_arch_stack_walk(struct task_struct *task, unsigned long *store,
			  unsigned int size)
{
	return kcare_save_reliable(task, store, size);
}
