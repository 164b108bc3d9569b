/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private interfaces between the parts of kcare.ko. Every global name of
 * the engine starts with kcare_.
 */
#ifndef _KCARE_CORE_H
#define _KCARE_CORE_H

#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include <kcare/patch.h>
#include "arch_hook.h"		/* struct kcare_arch_hook, from arch/<arch>/ */

/* main.c */
int kcare_arch_init(void);

/* patchset.c: the engine's state, serialised by kcare_mutex. */
enum kcare_state {
	KCARE_IDLE,
	KCARE_APPLYING,
	KCARE_APPLIED,
	KCARE_REVERTING,
	KCARE_FAILED,
};

extern struct mutex kcare_mutex;
extern enum kcare_state kcare_state;
extern struct kcare_patchset *kcare_active;	/* NULL when idle */

const char *kcare_state_name(enum kcare_state state);
/* Record why the last operation failed, for last_error and the log. */
__printf(1, 2) void kcare_error(const char *fmt, ...);
/* An internal error the engine cannot undo: refuse every later change. */
void kcare_fail(const char *why);
void kcare_last_error(char *buf, size_t size);
/* Revert every patch; the payloads can then be removed. */
int kcare_unload_all(void);
/* Switch one patch of the active patchset off (enable == false) or on. */
int kcare_patch_enable(struct kcare_patch *patch, bool enable);
/* A module is loading (before its init) or going away (after its exit). */
int kcare_patchset_module_coming(const char *object);
void kcare_patchset_module_going(const char *object);

/* symbols.c: kallsyms, which 6.1 does not export to modules. */
int kcare_symbols_init(void);
/*
 * Find @name in @object ("vmlinux" or a module name). @sympos as in struct
 * kcare_symbol. Returns 0 and the address, -ENOENT when there is no such
 * symbol, -EINVAL when it is ambiguous or @sympos is out of range, -ENXIO
 * when the module @object is not loaded.
 */
int kcare_symbol_lookup(const char *object, const char *name,
			unsigned long sympos, unsigned long *addr);
/* Whether @object ("vmlinux" or a module name) is loaded. */
bool kcare_object_loaded(const char *object);
/* The running kernel's GNU build-id, as lowercase hex. */
int kcare_kernel_build_id(char *hex, size_t size);

/* shadow.c */
void kcare_shadow_exit(void);

/*
 * hook.c: one redirection per patched function, shared by every patch that
 * replaces it. Installed hooks start as pass-through (target NULL: the
 * original runs); switching only changes targets.
 */
struct kcare_hook {
	unsigned long addr;		/* the function's entry */
	char *name;			/* "object:function", for messages */
	char *object;			/* "vmlinux" or module name */
	void *target;			/* NULL: the original code runs */
	unsigned int users;		/* kcare_funcs that use this hook */
	struct list_head list;
	struct kcare_arch_hook arch;
};

/* Get the hook of @func (installing one, pass-through, if needed). */
int kcare_hook_get(struct kcare_func *func);
/* Drop @func's use of its hook; the last user removes it (must be idle). */
void kcare_hook_put(struct kcare_func *func);
/* Free removed hooks after one RCU-tasks grace period for all of them. */
void kcare_hooks_sync(void);

/* The CPU-specific side of hooks, in arch/<arch>/. */
int kcare_arch_hook_install(struct kcare_hook *hook);
void kcare_arch_hook_remove(struct kcare_hook *hook);
/* After a grace period: free the trampoline or handler of a removed hook. */
void kcare_arch_hook_release(struct kcare_hook *hook);
/* Set the target; called with all CPUs stopped. */
void kcare_arch_hook_set_target(struct kcare_hook *hook, void *target);
/* "direct" or "handler": how calls reach the target. */
const char *kcare_arch_hook_kind(const struct kcare_hook *hook);

/* conflict.c: who else redirects the function at @addr, for messages. */
void kcare_conflict_owner(unsigned long addr, char *buf, size_t size);

/*
 * switch.c: one atomic change of hook targets. Entries are collected
 * beforehand (may sleep); kcare_switch_commit() applies all of them at once
 * with every CPU stopped, after the consistency check, or none of them.
 */
struct kcare_switch_entry {
	struct kcare_hook *hook;
	void *target;
};

struct kcare_switch {
	unsigned int nr, max;
	struct kcare_switch_entry *ent;
};

int kcare_switch_add(struct kcare_switch *sw, struct kcare_hook *hook,
		     void *target);
int kcare_switch_commit(struct kcare_switch *sw);
void kcare_switch_free(struct kcare_switch *sw);

/* sysfs.c: /sys/kernel/kcare/ */
int kcare_sysfs_init(void);
void kcare_sysfs_exit(void);
int kcare_sysfs_add_patchset(struct kcare_patchset *set);
void kcare_sysfs_remove_patchset(struct kcare_patchset *set);

/* sysctl.c: kernel.kcare_<name> toggles, kept across cumulative replace. */
/* Bind each toggled patch of @set; sets patch->enabled from the toggle. */
int kcare_sysctl_bind(struct kcare_patchset *set);
/* Unbind @set's patches; toggles nobody uses any more are removed. */
void kcare_sysctl_unbind(struct kcare_patchset *set);
/* Make @patch's toggle show its state after a change through sysfs. */
void kcare_sysctl_update(struct kcare_patch *patch);
void kcare_sysctl_exit(void);

/* module.c: patches to modules, applied when the module loads. */
int kcare_module_init(void);
void kcare_module_exit(void);

#endif /* _KCARE_CORE_H */
