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
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "conflict.h"
#include "state.h"
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

/*
 * Functions the engine's other ftrace users hold (a filter's), so that a
 * patch refused on one can name it; under kcare_mutex.
 */
struct kcare_claim {
	struct list_head list;
	unsigned long addr;
	char owner[80];
};

static LIST_HEAD(kcare_claims);

/* Record that @owner ("the kcare filter NAME") holds @addr. */
int kcare_conflict_claim(unsigned long addr, const char *owner)
{
	struct kcare_claim *c;

	lockdep_assert_held(&kcare_mutex);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->addr = addr;
	strscpy(c->owner, owner, sizeof(c->owner));
	list_add(&c->list, &kcare_claims);
	return 0;
}

void kcare_conflict_release(unsigned long addr)
{
	struct kcare_claim *c;

	lockdep_assert_held(&kcare_mutex);
	list_for_each_entry(c, &kcare_claims, list) {
		if (c->addr == addr) {
			list_del(&c->list);
			kfree(c);
			return;
		}
	}
}

/**
 * kcare_conflict_owner() - name who else redirects the function at @addr
 * @addr:	the function's entry
 * @buf:	where to write the name, for messages such as "already
 *		redirected by <name>"
 * @size:	size of @buf
 *
 * Best effort: a filter of ours or the livepatch module that holds the
 * function if there is one, otherwise a description of what else can
 * hold a function.
 *
 * Context: process context, kcare_mutex held (may sleep; takes
 * livepatch's klp_mutex).
 * Return: whether the owner was found by name.
 */
bool kcare_conflict_owner(unsigned long addr, char *buf, size_t size)
{
	struct kcare_claim *c;

	list_for_each_entry(c, &kcare_claims, list) {
		if (c->addr == addr) {
			strscpy(buf, c->owner, size);
			return true;
		}
	}
	if (kcare_klp_owner(addr, buf, size))
		return true;
	snprintf(buf, size,
		 "another ftrace user (a live patcher, a BPF trampoline or a kprobe with a post handler)");
	return false;
}
