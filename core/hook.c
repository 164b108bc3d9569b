// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of hooks: one redirection per patched function.
 *
 * ftrace lets only one live patcher own a function, and a function may be
 * replaced by several patches (of one patchset, or of the old and the new
 * patchset during a cumulative replace). So the redirection belongs to the
 * function's address, not to a patch: every kcare_func replacing the
 * function shares one kcare_hook, counted in @users, and switching a patch
 * on or off only changes the hook's target (switch.c).
 *
 * Calls reach the target one of two ways. By default an ftrace_ops
 * handler here rewrites the saved instruction pointer (IPMODIFY), the
 * CPU-specific part of which is kcare_arch_set_ip(). One such ops serves
 * every function an operation installs (a batch): each ftrace update
 * costs the same for one call site as for a hundred, so a patchset goes
 * live, and leaves, in one update. Where the CPU has ftrace direct calls
 * (x86_64) and the "redirect" parameter asks for them, each function's
 * ftrace site calls a trampoline of ours (arch/<arch>/) instead, which
 * jumps to the target: cheaper calls, but one ftrace update per function.
 *
 * ftrace allows one direct call per function. When a BPF trampoline
 * (fentry/fexit programs) already holds it, we fall back to the handler:
 * BPF agrees to share a function with one such handler. Livepatch and
 * kprobes with a post handler are IPMODIFY users too, and only one of
 * those may own a function, so for them both ways fail with -EBUSY: a
 * real conflict, which kcare_batch_report() names.
 *
 * Locking: every function here except kcare_hook_set_target() is called
 * with kcare_mutex held, which protects the lists and the counts; the arch
 * code relies on it too. Only the handler runs in the patched functions'
 * call path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/ftrace.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <kcare/patch.h>

#include "compat_ftrace.h"
#include "conflict.h"
#include "error.h"
#include "hook.h"
#include "state.h"
#include "symbols.h"

/**
 * struct kcare_batch - one ftrace_ops redirecting many functions
 * @ops:	registered with a filter of every hook's address in @table
 *		that is still live
 * @list:	in kcare_batches
 * @live:	hooks of @table not removed yet; the ops goes with the last
 * @nr:		entries in @table
 * @table:	the hooks, sorted by address, for the handler's lookup; it
 *		never changes once the ops is registered, so the handler
 *		needs no lock, and the batch owns (frees) all its hooks
 *
 * Every ftrace update (registering an ops, changing its filter) rewrites
 * call sites with breakpoints and synchronises every CPU: tens of
 * milliseconds under emulation, whatever the number of sites. So all the
 * hooks one operation installs share one ops, registered in one update,
 * and all it removes leave in one update too.
 */
struct kcare_batch {
	struct ftrace_ops ops;
	struct list_head list;
	unsigned int live;
	unsigned int nr;
	struct kcare_hook *table[];
};

/* Every installed or staged hook; protected by kcare_mutex. */
static LIST_HEAD(kcare_hooks);
/* Removed, waiting for kcare_hooks_sync(). */
static LIST_HEAD(kcare_hooks_retired);
/* Every registered batch; protected by kcare_mutex. */
static LIST_HEAD(kcare_batches);

/*
 * The handler runs on every call of a function of its batch, possibly
 * with preemption enabled. It takes no lock and calls nothing (the lookup
 * and kcare_arch_set_ip() are inline), so it cannot recurse into ftrace
 * and needs no recursion guard; the batch cannot go away under it because
 * unregistering a module's ftrace_ops waits for every task to leave the
 * handler, and the batch is only freed after that.
 *
 * @ip is the function's ftrace call site: its entry on x86_64, a few
 * instructions in on arm64. Either way the hook is the one with the
 * highest address not above @ip, since no other function starts between
 * a function's entry and its call site.
 *
 * A call whose return address (@parent_ip) is inside the target itself
 * comes from the replacement calling the function it replaces (a wrapper
 * patch): it runs the original, past the redirection, instead of
 * looping. The target and its end are read with preemption off, so that
 * a switch (stop_machine()) cannot come between the two reads.
 */
static void notrace kcare_ftrace_handler(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *ops,
					 kcare_fregs *fregs)
{
	struct kcare_batch *batch = container_of(ops, struct kcare_batch, ops);
	unsigned int lo = 0, hi = batch->nr, mid;
	struct kcare_hook *hook;
	unsigned long end;
	void *target;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (batch->table[mid]->addr <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (unlikely(!lo))
		return;
	hook = batch->table[lo - 1];
	preempt_disable_notrace();
	target = READ_ONCE(hook->target);
	end = READ_ONCE(hook->target_end);
	preempt_enable_notrace();
	if (target && (parent_ip < (unsigned long)target || parent_ip >= end))
		kcare_arch_set_ip(fregs, (unsigned long)target);
}

static void kcare_hook_free(struct kcare_hook *hook)
{
	kfree(hook->name);
	kfree(hook->object);
	kfree(hook);
}

static void kcare_batch_free(struct kcare_batch *batch)
{
	unsigned int i;

	for (i = 0; i < batch->nr; i++)
		kcare_hook_free(batch->table[i]);
	kfree(batch);
}

/*
 * PERMANENT: nobody can turn ftrace off (sysctl ftrace_enabled) while we
 * depend on it. The CPU adds the registers that its kcare_arch_set_ip()
 * needs saved.
 */
static void kcare_ops_init(struct ftrace_ops *ops, ftrace_func_t func)
{
	ops->func = func;
	ops->flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT |
		     KCARE_FTRACE_FL_NO_GUARD |
		     KCARE_ARCH_FTRACE_FLAGS;
}

static int kcare_hook_cmp(const void *a, const void *b)
{
	const struct kcare_hook *x = *(const struct kcare_hook **)a;
	const struct kcare_hook *y = *(const struct kcare_hook **)b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * Register one ops for the @nr hooks of @hooks (sorted here): one ftrace
 * update. All or nothing: on error no call site changed.
 */
static int kcare_batch_install(struct kcare_hook **hooks, unsigned int nr)
{
	struct kcare_batch *batch;
	unsigned long *ips;
	unsigned int i;
	int ret = -ENOMEM;

	batch = kzalloc(struct_size(batch, table, nr), GFP_KERNEL);
	ips = kmalloc_array(nr, sizeof(*ips), GFP_KERNEL);
	if (!batch || !ips)
		goto err;
	memcpy(batch->table, hooks, nr * sizeof(*hooks));
	sort(batch->table, nr, sizeof(*hooks), kcare_hook_cmp, NULL);
	for (i = 0; i < nr; i++)
		ips[i] = batch->table[i]->addr;
	batch->nr = nr;
	batch->live = nr;
	kcare_ops_init(&batch->ops, kcare_ftrace_handler);

	ret = kcare_ftrace_set_filter_ips(&batch->ops, ips, nr, 0, 1);
	if (ret)
		goto err_filter;
	ret = register_ftrace_function(&batch->ops);
	if (ret)
		goto err_filter;
	for (i = 0; i < nr; i++)
		batch->table[i]->batch = batch;
	list_add_tail(&batch->list, &kcare_batches);
	kfree(ips);
	return 0;

err_filter:
	kcare_ftrace_free_filter(&batch->ops);
err:
	kfree(ips);
	kfree(batch);
	return ret;
}

/* Does nothing: kcare_hook_probe() only asks ftrace whether it may. */
static void notrace kcare_probe_handler(unsigned long ip,
					unsigned long parent_ip,
					struct ftrace_ops *ops,
					kcare_fregs *fregs)
{
}

/*
 * Whether ftrace lets us redirect @hook's function alone: how a batch that
 * ftrace refused finds the function to blame. An error path, so one
 * update per function probed is fine; meanwhile the probe changes nothing
 * (its handler leaves the instruction pointer alone).
 */
static int kcare_hook_probe(struct kcare_hook *hook)
{
	struct ftrace_ops *probe;
	int ret;

	probe = kzalloc(sizeof(*probe), GFP_KERNEL);
	if (!probe)
		return -ENOMEM;
	kcare_ops_init(probe, kcare_probe_handler);
	ret = ftrace_set_filter_ip(probe, hook->addr, 0, 0);
	if (!ret) {
		ret = register_ftrace_function(probe);
		if (!ret && unregister_ftrace_function(probe)) {
			/* ftrace may still call it: better leak than crash. */
			kcare_fail("ftrace refused to remove a probe");
			return 0;
		}
	}
	kcare_ftrace_free_filter(probe);
	kfree(probe);
	return ret;
}

static struct kcare_hook *kcare_hook_find(unsigned long addr)
{
	struct kcare_hook *hook;

	list_for_each_entry(hook, &kcare_hooks, list)
		if (hook->addr == addr)
			return hook;
	return NULL;
}

/* Whether a patch of ours redirects the function at @addr. */
bool kcare_hook_at(unsigned long addr)
{
	lockdep_assert_held(&kcare_mutex);
	return kcare_hook_find(addr) != NULL;
}

/*
 * ftrace answers -EBUSY to every registration while the sysctl
 * kernel.ftrace_enabled is 0; tell that apart from a real owner.
 */
static bool kcare_ftrace_disabled(void)
{
	unsigned long addr;

	if (kcare_symbol_lookup("vmlinux", "ftrace_enabled", 0, &addr))
		return false;
	return !READ_ONCE(*(int *)addr);
}

/* Say why @hook could not be installed. */
static void kcare_hook_report(struct kcare_hook *hook, int err)
{
	char owner[160];

	switch (err) {
	case -EBUSY:
		if (kcare_ftrace_disabled()) {
			kcare_error("cannot patch %s: ftrace is disabled (sysctl kernel.ftrace_enabled = 0)",
				    hook->name);
			break;
		}
		kcare_conflict_owner(hook->addr, owner, sizeof(owner));
		kcare_error("cannot patch %s: already redirected by %s",
			    hook->name, owner);
		break;
	case -ENODEV:
	case -EINVAL:
		kcare_error("cannot patch %s: ftrace cannot hook it (not traceable: notrace, inlined or init code?)",
			    hook->name);
		break;
	case -EOPNOTSUPP:
		kcare_error("cannot patch %s: not supported on %s yet",
			    hook->name, KCARE_ARCH_NAME);
		break;
	default:
		kcare_error("cannot patch %s: error %d installing the redirection",
			    hook->name, err);
		break;
	}
}

/*
 * Remove @hook; its target must be NULL. A direct call goes now; a hook
 * of a batch leaves its ops in kcare_hooks_sync(), together with every
 * other hook removed by the same operation. It is freed there too.
 */
static void kcare_hook_remove(struct kcare_hook *hook)
{
	/*
	 * Removing a hook that still redirects switches its function back
	 * without the consistency check. Callers avoid it, except when a
	 * module goes away whatever the switch said: say so, and go on.
	 */
	if (hook->target)
		pr_warn("%s: removing its hook while it still redirects\n",
			hook->name);
	list_del(&hook->list);
	hook->staged = false;
	if (hook->direct && kcare_arch_direct_remove(&hook->arch, hook->addr)) {
		/* ftrace may still call into it: better leak than crash. */
		pr_err("%s: cannot remove the direct call, leaking its hook\n",
		       hook->name);
		kcare_fail("ftrace refused to remove a redirection");
		return;
	}
	list_add_tail(&hook->list, &kcare_hooks_retired);
}

/* What kcare_batch_shrink() did. */
enum kcare_shrink {
	KCARE_SHRINK_NONE,	/* nothing of this batch retired, or leaked */
	KCARE_SHRINK_ALL,	/* the ops is gone, and ftrace waited */
	KCARE_SHRINK_SOME,	/* some call sites left: a grace period is due */
};

/*
 * Take the retired hooks of @batch out of its ops, in one ftrace update:
 * the whole ops when none stays.
 */
static enum kcare_shrink kcare_batch_shrink(struct kcare_batch *batch)
{
	struct kcare_hook *hook, *tmp;
	unsigned long *ips;
	unsigned int n = 0;
	int ret;

	list_for_each_entry(hook, &kcare_hooks_retired, list)
		n += hook->batch == batch;
	if (!n)
		return KCARE_SHRINK_NONE;
	if (n == batch->live) {
		/* An empty filter would mean every function: drop the ops. */
		ret = unregister_ftrace_function(&batch->ops);
		if (ret)
			goto fail;
		kcare_ftrace_free_filter(&batch->ops);
		batch->live = 0;
		list_del(&batch->list);
		return KCARE_SHRINK_ALL;
	}

	ips = kmalloc_array(n, sizeof(*ips), GFP_KERNEL);
	if (!ips) {
		ret = -ENOMEM;
		goto fail;
	}
	n = 0;
	list_for_each_entry(hook, &kcare_hooks_retired, list)
		if (hook->batch == batch)
			ips[n++] = hook->addr;
	ret = kcare_ftrace_set_filter_ips(&batch->ops, ips, n, 1, 0);
	kfree(ips);
	if (ret)
		goto fail;
	batch->live -= n;
	return KCARE_SHRINK_SOME;

fail:
	/*
	 * The handler may still be called on them, and reads them through
	 * the batch's table: keep them, and the batch, for ever.
	 */
	pr_err("cannot remove %u redirections from ftrace (%d), leaking them\n",
	       n, ret);
	kcare_fail("ftrace refused to remove a redirection");
	list_for_each_entry_safe(hook, tmp, &kcare_hooks_retired, list)
		if (hook->batch == batch)
			list_del_init(&hook->list);
	return KCARE_SHRINK_NONE;
}

/**
 * kcare_hooks_sync() - remove from ftrace and free the hooks removed since
 * the last call
 *
 * Hooks of one batch leave ftrace in one update. Then a task may have been
 * preempted inside a trampoline or handler just before its call site
 * changed: one RCU-tasks grace period for all the hooks an operation
 * removed lets every such task leave before trampolines are reused and
 * handlers freed. Callers then may also release the payloads whose code
 * those hooks led to.
 *
 * Context: process context, kcare_mutex held. Sleeps.
 */
void kcare_hooks_sync(void)
{
	struct kcare_batch *batch, *btmp;
	struct kcare_hook *hook, *tmp;
	bool wait = false;
	LIST_HEAD(dead);

	lockdep_assert_held(&kcare_mutex);
	if (list_empty(&kcare_hooks_retired))
		return;
	list_for_each_entry(hook, &kcare_hooks_retired, list)
		wait |= hook->direct;
	list_for_each_entry_safe(batch, btmp, &kcare_batches, list) {
		switch (kcare_batch_shrink(batch)) {
		case KCARE_SHRINK_ALL:
			list_add_tail(&batch->list, &dead);
			break;
		case KCARE_SHRINK_SOME:
			wait = true;
			break;
		case KCARE_SHRINK_NONE:
			break;
		}
	}
	/*
	 * Unregistering an ops of a module (a "dynamic" one) already waited
	 * for every task to leave ftrace's trampolines and handlers
	 * (ftrace_shutdown(): RCU-tasks-rude, and RCU-tasks on a preemptible
	 * kernel). A call site taken out of an ops that stays, or a direct
	 * call, has no such wait: one for all of them here. Under emulation
	 * a grace period costs as much as a whole ftrace update.
	 */
	if (wait)
		synchronize_rcu_tasks();
	list_for_each_entry_safe(hook, tmp, &kcare_hooks_retired, list) {
		list_del(&hook->list);
		if (hook->direct)
			kcare_arch_direct_release(&hook->arch);
		/* The table of its batch still points to it. */
		if (!hook->batch)
			kcare_hook_free(hook);
	}
	list_for_each_entry_safe(batch, btmp, &dead, list)
		kcare_batch_free(batch);
}

static void kcare_hooks_sync_fn(struct work_struct *work)
{
	mutex_lock(&kcare_mutex);
	kcare_hooks_sync();
	mutex_unlock(&kcare_mutex);
}

static DECLARE_WORK(kcare_hooks_sync_work, kcare_hooks_sync_fn);

/**
 * kcare_hooks_sync_later() - kcare_hooks_sync() in the background
 *
 * For a switch whose stack check proved that no task is inside what it
 * changed: every hook removed since is pass-through (target NULL), so the
 * ftrace update and the grace period that take the hooks out need not
 * delay the caller. Under emulation they cost more than the rest of a
 * revert. The check's ranges hold each patched function's own code, so a
 * task stopped between a call site and the jump to an old target blocked
 * the switch; the handler keeps no target past its return. Until the work
 * runs, the functions still pass through the handler, and another
 * IPMODIFY user (livepatch) cannot take them: whatever installs hooks, a
 * module that goes, an unload while nothing is applied, or kcare.ko's
 * exit syncs first.
 *
 * Context: kcare_mutex held.
 */
void kcare_hooks_sync_later(void)
{
	lockdep_assert_held(&kcare_mutex);
	if (!list_empty(&kcare_hooks_retired))
		schedule_work(&kcare_hooks_sync_work);
}

/**
 * kcare_hooks_exit() - remove what kcare_hooks_sync_later() left
 *
 * Context: module exit; nothing is applied.
 */
void kcare_hooks_exit(void)
{
	cancel_work_sync(&kcare_hooks_sync_work);
	kcare_hooks_sync_fn(NULL);
}

/**
 * kcare_hook_get() - get the hook of @func, staging a new one if needed
 * @func:	the function; @func->old_addr resolved, @func->hook NULL
 *
 * Later users of the same address share the hook. A new hook does nothing
 * until kcare_hooks_commit() installs it with every other one staged
 * meanwhile. On success @func->hook is set, and kcare_hook_put() undoes
 * it whether the hook was committed or not.
 *
 * Context: process context, kcare_mutex held.
 * Return: 0, -ENOMEM.
 */
int kcare_hook_get(struct kcare_func *func)
{
	const char *object = func->object ?: "vmlinux";
	struct kcare_hook *hook;

	lockdep_assert_held(&kcare_mutex);
	if (WARN_ON_ONCE(func->hook || !func->old_addr))
		return -EINVAL;

	hook = kcare_hook_find(func->old_addr);
	if (hook) {
		hook->users++;
		func->hook = hook;
		return 0;
	}

	hook = kzalloc(sizeof(*hook), GFP_KERNEL);
	if (!hook)
		return -ENOMEM;
	hook->addr = func->old_addr;
	hook->name = kasprintf(GFP_KERNEL, "%s:%s", object, func->name);
	hook->object = kstrdup(object, GFP_KERNEL);
	if (!hook->name || !hook->object) {
		kcare_hook_free(hook);
		return -ENOMEM;
	}
	hook->users = 1;
	hook->staged = true;
	list_add_tail(&hook->list, &kcare_hooks);
	func->hook = hook;
	return 0;
}

/*
 * Try a direct call for @hook, where the CPU has them and the "redirect"
 * parameter asks for them. Returns 0 when it has one, 1 when the batch's
 * handler is to redirect it instead, or an error.
 */
static int kcare_hook_try_direct(struct kcare_hook *hook)
{
	const char *why;
	int ret;

	if (!kcare_arch_direct_wanted() || hook->wrapped)
		return 1;
	ret = kcare_arch_direct_install(&hook->arch, hook->addr);
	if (!ret) {
		hook->direct = true;
		return 0;
	}
	if (ret == -ENOSPC)
		why = "every direct-call trampoline is in use";
	else if (ret == -EBUSY)
		/*
		 * Either someone else's direct call (a BPF trampoline), which
		 * tolerates one IPMODIFY handler beside it, or an IPMODIFY
		 * user, which the handler runs into as well.
		 */
		why = "another direct call holds it";
	else
		return ret;
	pr_info("%s: %s, redirecting with an ftrace handler\n", hook->name,
		why);
	return 1;
}

/* Name the function of @hooks that ftrace refused with @err, and why. */
static void kcare_batch_report(struct kcare_hook **hooks, unsigned int nr,
			       int err)
{
	char owner[160];
	unsigned int i;
	int ret;

	/* A livepatch module we can name needs no probing. */
	if (err == -EBUSY && !kcare_ftrace_disabled())
		for (i = 0; i < nr; i++)
			if (kcare_conflict_owner(hooks[i]->addr, owner,
						 sizeof(owner))) {
				kcare_hook_report(hooks[i], err);
				return;
			}
	/* Out of memory, nobody is to blame: probing would not tell. */
	for (i = 0; err != -ENOMEM && i < nr; i++) {
		ret = kcare_hook_probe(hooks[i]);
		if (ret) {
			kcare_hook_report(hooks[i], ret);
			return;
		}
	}
	kcare_error("cannot patch %u functions from %s on: error %d installing their redirections",
		    nr, hooks[0]->name, err);
}

/**
 * kcare_hooks_commit() - install every staged hook
 *
 * Each starts pass-through (its target is NULL, so calls still run the
 * original code). Where the "redirect" parameter asks for direct calls,
 * each gets its own; the others, all of them by default, share one
 * ftrace_ops installed in a single ftrace update. All or nothing for the
 * batch; a direct call installed before a failure goes with the callers'
 * kcare_hook_put() of every function they got.
 *
 * Context: process context, kcare_mutex held. Sleeps.
 * Return: 0; or an error, reported with kcare_error() naming the
 * function: -EBUSY if another live patcher or IPMODIFY user owns the
 * function (the message names it as well as it can), -ENODEV or -EINVAL
 * if ftrace cannot hook it, -ENOMEM, -EOPNOTSUPP.
 */
int kcare_hooks_commit(void)
{
	struct kcare_hook *hook, **hooks;
	unsigned int nr = 0, n = 0;
	int ret = 0;

	lockdep_assert_held(&kcare_mutex);
	/* A retired hook may still own a function of this batch. */
	kcare_hooks_sync();
	list_for_each_entry(hook, &kcare_hooks, list)
		nr += hook->staged;
	if (!nr)
		return 0;
	hooks = kmalloc_array(nr, sizeof(*hooks), GFP_KERNEL);
	if (!hooks)
		return -ENOMEM;
	list_for_each_entry(hook, &kcare_hooks, list) {
		if (!hook->staged)
			continue;
		ret = kcare_hook_try_direct(hook);
		if (ret < 0) {
			kcare_hook_report(hook, ret);
			goto out;
		}
		if (ret)
			hooks[n++] = hook;
	}
	ret = n ? kcare_batch_install(hooks, n) : 0;
	if (ret)
		kcare_batch_report(hooks, n, ret);
out:
	/* Staged no more: a failure is undone by kcare_hook_put(). */
	list_for_each_entry(hook, &kcare_hooks, list)
		hook->staged = false;
	kfree(hooks);
	return ret;
}

/**
 * kcare_hook_put() - drop @func's use of its hook
 * @func:	a function whose @func->hook is set (nothing happens if not)
 *
 * The last user removes the hook, which must be idle then (target NULL);
 * it is freed by the next kcare_hooks_sync(). Clears @func->hook.
 *
 * Context: process context, kcare_mutex held. Sleeps.
 */
void kcare_hook_put(struct kcare_func *func)
{
	struct kcare_hook *hook = func->hook;

	lockdep_assert_held(&kcare_mutex);
	if (!hook)
		return;
	func->hook = NULL;
	if (WARN_ON_ONCE(!hook->users))
		return;
	if (--hook->users)
		return;
	kcare_hook_remove(hook);
}

/**
 * kcare_hook_set_target() - make the hook's calls go to @target
 * @hook:	an installed hook
 * @target:	the replacement, or NULL for the original code
 *
 * Context: inside stop_machine(): every other CPU is stopped, so callers
 * see either the old or the new target, never a mix within a switch. A
 * single aligned store each, so it is also safe against NMIs.
 */
void notrace kcare_hook_set_target(struct kcare_hook *hook, void *target,
				   unsigned long end)
{
	if (hook->direct)
		kcare_arch_direct_set_target(&hook->arch, target);
	/* What the handler reads; harmless for a direct call. */
	WRITE_ONCE(hook->target_end, end);
	WRITE_ONCE(hook->target, target);
}

/**
 * kcare_hook_wrap() - mark @func's hook as one whose replacement calls
 * the original
 * @func:	a function whose hook is got
 *
 * Its hook is then always the handler's, which lets the replacement's own
 * calls through to the original. A hook installed earlier as a direct
 * call (module parameter redirect=direct) cannot become one.
 *
 * Context: kcare_mutex held.
 * Return: 0, or -EBUSY (explained with kcare_error()).
 */
int kcare_hook_wrap(struct kcare_func *func)
{
	struct kcare_hook *hook = func->hook;

	lockdep_assert_held(&kcare_mutex);
	if (hook->direct) {
		kcare_error("cannot wrap %s: it is redirected by a direct call, which would loop; load kcare.ko with redirect=handler",
			    hook->name);
		return -EBUSY;
	}
	hook->wrapped = true;
	return 0;
}

/**
 * kcare_hook_code() - the code of our own that a hook's calls run
 * @hook:	the hook
 *
 * A task interrupted inside a direct-call trampoline may already have
 * loaded the old target: the stack check treats the trampoline like the
 * functions it switches between.
 *
 * Return: the trampoline's address, or 0 for the handler (ftrace calls it
 * with interrupts enabled, but it never sleeps nor keeps a target past its
 * return).
 */
unsigned long kcare_hook_code(const struct kcare_hook *hook)
{
	return hook->direct ? kcare_arch_direct_code(&hook->arch) : 0;
}
