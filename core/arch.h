/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What core/ needs from arch/<arch>/: only what differs per CPU.
 *
 * arch/<arch>/arch_hook.h gives, for hook.c:
 * - KCARE_ARCH_NAME, the CPU as messages name it;
 * - struct kcare_arch_hook, the per-CPU state of one hook;
 * - KCARE_ARCH_FTRACE_FLAGS and kcare_arch_set_ip(): which registers the
 *   ftrace handler needs saved, and how it sends a call elsewhere (inline:
 *   the handler must call nothing);
 * - the direct calls, where the CPU has them: kcare_arch_direct_wanted(),
 *   _install(), _remove(), _release(), _set_target() and _code(); on a
 *   CPU without them, inline stubs, and kcare_arch_direct_wanted() says
 *   false so that the others are never reached.
 */
#ifndef _KCARE_ARCH_H
#define _KCARE_ARCH_H

#include <linux/types.h>

#include "arch_hook.h"

struct task_struct;

/* Refuse to load on a kernel the CPU-specific code cannot work with. */
int kcare_arch_init(void);

/*
 * The walk the stack check trusts, like stack_trace_save_tsk_reliable():
 * the return addresses on a task's kernel stack, or an error when it
 * cannot be walked with certainty (arch/<arch>/stack.c).
 */
int kcare_arch_stack_init(void);
int kcare_arch_stack_walk(struct task_struct *task, unsigned long *store,
			  unsigned int size);

/*
 * The bytes relocation @type writes at @loc for the value @val (symbol plus
 * addend) into @buf, their number in @len; -ERANGE when the value does not
 * fit, -EOPNOTSUPP for a type this CPU's payloads do not use (reloc.c).
 */
#define KCARE_RELOC_MAX	8
int kcare_arch_reloc(unsigned int type, unsigned long loc, u64 val, u8 *buf, size_t *len);
/* After relocations were written: what the CPU needs to see them. */
void kcare_arch_reloc_done(void);

#endif /* _KCARE_ARCH_H */
