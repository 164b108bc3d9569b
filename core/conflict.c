// SPDX-License-Identifier: GPL-2.0
/*
 * Who else redirects a function, so that a refused patch can say so.
 *
 * ftrace only answers -EBUSY when another IPMODIFY or direct-call user
 * owns a function; it does not say who. The usual culprit is an upstream
 * livepatch module, and livepatch keeps its patches on a list we can
 * read: kernel/livepatch/core.c's klp_patches, under klp_mutex. Neither
 * is exported, but both are in kallsyms (CONFIG_KALLSYMS_ALL), and their
 * types are in <linux/livepatch.h>, built for this very kernel.
 *
 * This is for messages only, on an error path: any failure just gives a
 * vaguer answer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/mutex.h>

#include "conflict.h"
#include "symbols.h"

#if IS_ENABLED(CONFIG_LIVEPATCH)
/*
 * Find the livepatch module replacing the function at @addr and put its
 * name in @buf. Returns whether one was found.
 *
 * Takes klp_mutex while walking. Livepatch never waits for anything of
 * ours while holding it (it does not know about kcare), and we hold it
 * only for the walk, taking nothing else meanwhile, so holding
 * kcare_mutex around it cannot deadlock.
 */
static bool kcare_klp_owner(unsigned long addr, char *buf, size_t size)
{
	unsigned long mutex_addr, list_addr;
	struct list_head *patches;
	struct klp_patch *patch;
	struct klp_object *obj;
	struct klp_func *func;
	struct mutex *lock;
	bool found = false;

	if (kcare_symbol_lookup("vmlinux", "klp_mutex", 0, &mutex_addr) ||
	    kcare_symbol_lookup("vmlinux", "klp_patches", 0, &list_addr))
		return false;
	lock = (struct mutex *)mutex_addr;
	patches = (struct list_head *)list_addr;

	mutex_lock(lock);
	list_for_each_entry(patch, patches, list) {
		klp_for_each_object(patch, obj) {
			klp_for_each_func(obj, func) {
				if ((unsigned long)func->old_func != addr)
					continue;
				snprintf(buf, size, "livepatch module %s",
					 patch->mod ? patch->mod->name : "(unknown)");
				found = true;
				goto out;
			}
		}
	}
out:
	mutex_unlock(lock);
	return found;
}
#else
static bool kcare_klp_owner(unsigned long addr, char *buf, size_t size)
{
	return false;
}
#endif

/**
 * kcare_conflict_owner() - name who else redirects the function at @addr
 * @addr:	the function's entry
 * @buf:	where to write the name, for messages such as "already
 *		redirected by <name>"
 * @size:	size of @buf
 *
 * Best effort: the livepatch module that replaces the function if there
 * is one, otherwise a description of what else can hold a function.
 *
 * Context: process context (may sleep; takes livepatch's klp_mutex).
 * Return: whether the owner was found by name (a livepatch module).
 */
bool kcare_conflict_owner(unsigned long addr, char *buf, size_t size)
{
	if (kcare_klp_owner(addr, buf, size))
		return true;
	snprintf(buf, size,
		 "another ftrace user (a live patcher, a BPF trampoline or a kprobe with a post handler)");
	return false;
}
