/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hooks: one redirection per patched function, shared by every patch that
 * replaces it (hook.c). Installed hooks start as pass-through (target
 * NULL: the original runs); switching only changes targets.
 */
#ifndef _KCARE_HOOK_H
#define _KCARE_HOOK_H

#include <linux/ftrace.h>
#include <linux/list.h>
#include <linux/types.h>

#include "arch_hook.h"		/* struct kcare_arch_hook, from arch/<arch>/ */

struct kcare_func;

/**
 * struct kcare_hook - the redirection of one function
 * @addr:	the function's entry
 * @name:	"object:function", for messages
 * @object:	"vmlinux" or module name
 * @target:	NULL: the original code runs
 * @users:	kcare_funcs that use this hook
 * @list:	in the list of installed or of retired hooks
 * @direct:	calls go through a direct-call trampoline (@arch)
 * @handler:	@ops is registered: the ftrace handler redirects calls
 * @ops:	the ftrace_ops of the handler
 * @arch:	the CPU-specific state (the trampoline)
 */
struct kcare_hook {
	unsigned long addr;
	char *name;
	char *object;
	void *target;
	unsigned int users;
	struct list_head list;
	bool direct;
	bool handler;
	struct ftrace_ops ops;
	struct kcare_arch_hook arch;
};

/* Get the hook of @func (installing one, pass-through, if needed). */
int kcare_hook_get(struct kcare_func *func);
/* Drop @func's use of its hook; the last user removes it (must be idle). */
void kcare_hook_put(struct kcare_func *func);
/* Free removed hooks after one RCU-tasks grace period for all of them. */
void kcare_hooks_sync(void);
/* Set the target; called with all CPUs stopped. */
void kcare_hook_set_target(struct kcare_hook *hook, void *target);
/* Code of ours a call goes through (a trampoline), or 0. */
unsigned long kcare_hook_code(const struct kcare_hook *hook);

#endif /* _KCARE_HOOK_H */
