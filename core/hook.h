/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hooks: one redirection per patched function, shared by every patch that
 * replaces it (hook.c). Hooks are installed together, in one ftrace update
 * for a whole patchset, and start as pass-through (target NULL: the
 * original runs); switching only changes targets.
 */
#ifndef _KCARE_HOOK_H
#define _KCARE_HOOK_H

#include <linux/ftrace.h>
#include <linux/list.h>
#include <linux/types.h>

#include "arch_hook.h"		/* struct kcare_arch_hook, from arch/<arch>/ */

struct kcare_func;
struct kcare_batch;

/**
 * struct kcare_hook - the redirection of one function
 * @addr:	the function's entry
 * @name:	"object:function", for messages
 * @object:	"vmlinux" or module name
 * @target:	NULL: the original code runs
 * @target_end:	the end of @target's code: a call from inside @target
 *		itself (a wrapper calling its original) runs the original
 * @users:	kcare_funcs that use this hook
 * @list:	in the list of installed or of retired hooks
 * @staged:	got but not installed yet: kcare_hooks_commit() installs it
 * @direct:	calls go through a direct-call trampoline (@arch)
 * @wrapped:	a replacement calls the original: only the handler, which
 *		sees the caller, may redirect it (never a direct call)
 * @batch:	the ftrace_ops whose handler redirects calls (hook.c), shared
 *		with every hook installed in the same commit; it also owns
 *		the hook's memory
 * @arch:	the CPU-specific state (the trampoline)
 */
struct kcare_hook {
	unsigned long addr;
	char *name;
	char *object;
	void *target;
	unsigned long target_end;
	unsigned int users;
	struct list_head list;
	bool staged;
	bool direct;
	bool wrapped;
	struct kcare_batch *batch;
	struct kcare_arch_hook arch;
};

/* Get the hook of @func; a new one is staged until kcare_hooks_commit(). */
int kcare_hook_get(struct kcare_func *func);
/* Install every staged hook, pass-through, in one ftrace update. */
int kcare_hooks_commit(void);
/* Drop @func's use of its hook; the last user removes it (must be idle). */
void kcare_hook_put(struct kcare_func *func);
/* Free removed hooks after one RCU-tasks grace period for all of them. */
void kcare_hooks_sync(void);
/* The same, from a work item: after a checked switch only. */
void kcare_hooks_sync_later(void);
/* At module exit: what the work item left. */
void kcare_hooks_exit(void);
/* Set the target and where its code ends; all CPUs stopped. */
void kcare_hook_set_target(struct kcare_hook *hook, void *target,
			   unsigned long end);
/* @func's replacement calls its original: see @wrapped. */
int kcare_hook_wrap(struct kcare_func *func);
/* Whether a hook redirects the function at @addr; kcare_mutex held. */
bool kcare_hook_at(unsigned long addr);
/* Code of ours a call goes through (a trampoline), or 0. */
unsigned long kcare_hook_code(const struct kcare_hook *hook);

#endif /* _KCARE_HOOK_H */
