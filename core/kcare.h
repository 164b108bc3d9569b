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
#include <linux/kallsyms.h>
#include <linux/mutex.h>
#include <linux/sched.h>

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
/* 0 with kcare_mutex held, or -ERESTARTNOINTR: see patchset.c. */
int kcare_lock_or_restart(void);
/* Record why the last operation failed, for last_error and the log. */
__printf(1, 2) void kcare_error(const char *fmt, ...);
/* An internal error the engine cannot undo: refuse every later change. */
void kcare_fail(const char *why);
void kcare_last_error(char *buf, size_t size);
/*
 * Revert every patch; the payloads can then be removed. @force: even if
 * tasks still block it (the payload then stays loaded).
 */
int kcare_unload_all(bool force);
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
/* Code of ours a call goes through (a trampoline), or 0. */
unsigned long kcare_arch_hook_code(const struct kcare_hook *hook);
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

/* How a switch makes sure no task is inside what changes (freezer.c). */
enum kcare_freezer_mode {
	KCARE_FREEZER_DEFAULT,	/* the mode set in /sys/kernel/kcare/freezer */
	KCARE_FREEZER_NONE,	/* no check: the caller accepts the risk */
	KCARE_FREEZER_FULL,	/* freeze every freezable task, then check */
	KCARE_FREEZER_SMART,	/* check; help only the tasks that block */
};

/**
 * struct kcare_switch - one atomic change of hook targets
 * @nr, @max, @ent:	the changes
 * @mode:		the freezer mode; zero-initialised means the default
 * @force:		switch even if tasks still block when time is up
 * @unchecked:		no task can be inside what changes (a module that is
 *			coming or going): no stack check at all
 * @forced:		out: the switch happened although tasks blocked it
 */
struct kcare_switch {
	unsigned int nr, max;
	struct kcare_switch_entry *ent;
	enum kcare_freezer_mode mode;
	bool force;
	bool unchecked;
	bool forced;
};

int kcare_switch_add(struct kcare_switch *sw, struct kcare_hook *hook,
		     void *target);
/*
 * Make every change of @sw at once, after the consistency check of its
 * freezer mode, or none of them: -EBUSY when tasks kept blocking it, and
 * /sys/kernel/kcare/blocking names them.
 */
int kcare_switch_commit(struct kcare_switch *sw);
void kcare_switch_free(struct kcare_switch *sw);

struct kcare_stack_check;
/*
 * Stop every CPU; run the in-pause stack check of @sc (NULL: none), and if
 * it passes, flip every target. Times the pause. Returns -EAGAIN when the
 * check failed (nothing changed).
 */
int kcare_switch_stop(struct kcare_switch *sw, struct kcare_stack_check *sc);
/* The pause figures, for sysfs: microseconds. */
struct kcare_pause_stats {
	unsigned long count;
	u64 last_us, max_us, median_us;
};
void kcare_pause_stats(struct kcare_pause_stats *st);

/*
 * stack.c: whether any task has a function being switched on its stack.
 * Outside the pause, kcare_stack_scan() walks every task it can pin and
 * remembers those it found clean; in the pause, kcare_stack_verify() walks
 * only the tasks that ran since, so the pause stays short.
 */
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
	struct kcare_blocker blockers[KCARE_MAX_BLOCKERS];
	unsigned int nr_blockers;	/* stored in blockers[] */
	unsigned int total_blockers;	/* found, may be more */
	unsigned int tasks;		/* walked or known clean, last check */
	unsigned int walked_in_pause;
	unsigned long *trace;		/* a stack trace buffer */
};

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
int kcare_stack_init(void);

/* The CPU-specific walk: like stack_trace_save_tsk_reliable(). */
int kcare_arch_stack_init(void);
int kcare_arch_stack_walk(struct task_struct *task, unsigned long *store,
			  unsigned int size);

/* freezer.c: modes, retries, helping blocking tasks out, force. */
int kcare_freezer_init(void);
void kcare_freezer_exit(void);
/* Run @sw under its freezer mode. kcare_mutex held. */
int kcare_freezer_switch(struct kcare_switch *sw);
const char *kcare_freezer_mode_name(enum kcare_freezer_mode mode);
/* Parse "none", "full", "smart" (a trailing newline allowed). */
int kcare_freezer_parse(const char *buf, enum kcare_freezer_mode *mode);
enum kcare_freezer_mode kcare_freezer_get(void);
void kcare_freezer_set(enum kcare_freezer_mode mode);
unsigned int kcare_freezer_timeout_ms(void);
void kcare_freezer_set_timeout_ms(unsigned int ms);
/* The blocking tasks of the last switch that did not happen cleanly. */
ssize_t kcare_freezer_blocking_show(char *buf);

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
