// SPDX-License-Identifier: GPL-2.0
/*
 * arm64: walking another task's kernel stack reliably.
 *
 * The 6.1 arm64 kernel has no reliable stack trace (no
 * HAVE_RELIABLE_STACKTRACE): the frame-pointer unwinder may miss a frame
 * and nothing says so. Until that is solved every stack counts as
 * unreliable, so a checked switch never happens here; redirection itself
 * is not supported on arm64 yet either.
 */
#include <linux/errno.h>

#include "kcare.h"

int kcare_arch_stack_init(void)
{
	return 0;
}

int kcare_arch_stack_walk(struct task_struct *task, unsigned long *store,
			  unsigned int size)
{
	return -EOPNOTSUPP;
}
