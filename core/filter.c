// SPDX-License-Identifier: GPL-2.0
/*
 * Filters: a BPF program, verified by the kernel, that runs at the entry
 * of one function and may make the call fail with an allowed error
 * instead of running it (Documentation/filters.md).
 *
 * The program is a kprobe-type program that user space loaded through
 * bpf(): the kernel's verifier checked it there, and the engine only ever
 * takes a program by its file descriptor, so it never runs anything
 * unverified. Its context is the function's registers (struct pt_regs),
 * as for a kprobe. It returns 0 to let the call run, anything else to
 * deny it: the call then returns -err, the error fixed when the filter
 * was loaded, from a small set (kcare_filter_errs), to a caller of a
 * function whose return type carries errors (filter_btf.c). So a filter
 * can make a call fail, never succeed: it never invents a result.
 *
 * Each filter has its own ftrace_ops on its one function, with IPMODIFY
 * (denying sends the call elsewhere) and SAVE_REGS (the program sees
 * every register): no other function pays anything. A second IPMODIFY
 * user of the same function (a kcare patch, livepatch) is refused by
 * ftrace with -EBUSY, and reported. Unregistering the ops waits for every
 * call inside the handler, so removing a filter is safe at any time: the
 * function itself never changed, and a call already past the handler runs
 * it as if there were no filter.
 *
 * Locking: loads, removals and toggles run under kcare_mutex; the handler
 * takes no lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/err.h>
#include <linux/filter.h>
#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/version.h>

#include "arch_hook.h"
#include "compat_ftrace.h"
#include "conflict.h"
#include "error.h"
#include "filter.h"
#include "filter_btf.h"
#include "hook.h"
#include "state.h"
#include "symbols.h"
#include "sysctl.h"

/*
 * The errors a filter may return: those the first lines of a fix return
 * for input it refuses, which every caller of such a function handles.
 */
static const struct {
	const char *name;
	int err;
} kcare_filter_errs[] = {
	{ "EPERM", EPERM },
	{ "EFAULT", EFAULT },
	{ "EINVAL", EINVAL },
	{ "EACCES", EACCES },
	{ "ENOMEM", ENOMEM },
	{ "ENOSPC", ENOSPC },
	{ "ERANGE", ERANGE },
	{ "E2BIG", E2BIG },
	{ "EOVERFLOW", EOVERFLOW },
	{ "EOPNOTSUPP", EOPNOTSUPP },
};

/* 5.16 made BPF_PROG_RUN() the function bpf_prog_run(). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 16, 0)
#define kcare_bpf_prog_run(prog, ctx)	BPF_PROG_RUN(prog, ctx)
#else
#define kcare_bpf_prog_run(prog, ctx)	bpf_prog_run(prog, ctx)
#endif

/* Every filter, under kcare_mutex. */
static LIST_HEAD(kcare_filters);

const char *kcare_filter_err_name(int err)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kcare_filter_errs); i++)
		if (kcare_filter_errs[i].err == err)
			return kcare_filter_errs[i].name;
	return "?";
}

static int kcare_filter_err_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kcare_filter_errs); i++)
		if (!strcmp(kcare_filter_errs[i].name, name))
			return kcare_filter_errs[i].err;
	return 0;
}

/*
 * Where a denied call goes instead of the function: it returns its first
 * argument, which the handler set to -err. The caller's return address
 * and stack are untouched, so this returns straight to the caller, as
 * the function would have.
 */
static noinline long notrace kcare_filter_ret(long ret)
{
	return ret;
}

/*
 * Runs at each call of the filtered function, with the registers of its
 * entry. ftrace's recursion lock (per context: task, softirq, irq, NMI)
 * keeps a function the program itself calls from running the program
 * again; it also disables preemption, which the program needs (it runs
 * on one CPU), and the RCU read lock covers what its helpers read. A
 * call that cannot run the program (recursion, or where RCU is not
 * watching) runs the function: a filter never denies blindly.
 */
static void notrace kcare_filter_handler(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *ops,
					 kcare_fregs *fregs)
{
	struct kcare_filter *f = container_of(ops, struct kcare_filter, ops);
	struct pt_regs *regs = kcare_ftrace_pt_regs(fregs);
	u32 verdict;
	int bit;

	if (!regs || !READ_ONCE(f->enabled))
		return;
	bit = kcare_ftrace_guard(ip, parent_ip);
	if (bit < 0)
		return;
	if (likely(rcu_is_watching())) {
		this_cpu_inc(f->stats->seen);
		rcu_read_lock();
		verdict = kcare_bpf_prog_run(f->prog, regs);
		rcu_read_unlock();
		if (verdict) {
			this_cpu_inc(f->stats->denied);
			kcare_arch_skip_call(regs,
					     (unsigned long)kcare_filter_ret,
					     -(long)f->err);
		}
	}
	kcare_ftrace_unguard(bit);
}

struct kcare_filter *kcare_filter_find(const char *name)
{
	struct kcare_filter *f;

	lockdep_assert_held(&kcare_mutex);
	list_for_each_entry(f, &kcare_filters, list)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/* Any filter, or NULL: for removing them all. */
struct kcare_filter *kcare_filter_first(void)
{
	lockdep_assert_held(&kcare_mutex);
	return list_first_entry_or_null(&kcare_filters, struct kcare_filter,
					list);
}

/* The toggle's write: 1 switches the filter off. */
static int kcare_filter_toggle(void *priv, bool off)
{
	kcare_filter_set_enabled(priv, !off);
	return 0;
}

void kcare_filter_set_enabled(struct kcare_filter *f, bool on)
{
	lockdep_assert_held(&kcare_mutex);
	if (f->enabled == on)
		return;
	WRITE_ONCE(f->enabled, on);
	kcare_sysctl_set(f->toggle, !on);
	pr_info("filter %s %s\n", f->name, on ? "enabled" : "disabled");
}

void kcare_filter_stats(struct kcare_filter *f, struct kcare_filter_stats *st)
{
	int cpu;

	st->seen = st->denied = 0;
	for_each_possible_cpu(cpu) {
		struct kcare_filter_stats *s = per_cpu_ptr(f->stats, cpu);

		st->seen += READ_ONCE(s->seen);
		st->denied += READ_ONCE(s->denied);
	}
}

u32 kcare_filter_prog_id(const struct kcare_filter *f)
{
	return f->prog->aux->id;
}

static void kcare_filter_free(struct kcare_filter *f)
{
	if (f->prog)
		bpf_prog_put(f->prog);
	free_percpu(f->stats);
	kfree(f->function);
	kfree(f->cve);
	kfree(f->description);
	kfree(f);
}

static bool kcare_filter_name_ok(const char *name)
{
	const char *c;

	if (!*name || strlen(name) > KCARE_FILTER_NAME_MAX)
		return false;
	for (c = name; *c; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= '0' && *c <= '9') &&
		    *c != '_')
			return false;
	return true;
}

/* Take the program behind @fd, if it is one a filter may run. */
static struct bpf_prog *kcare_filter_prog(const struct kcare_filter_spec *spec)
{
	struct bpf_prog *prog;

	prog = bpf_prog_get_type_dev(spec->prog_fd, BPF_PROG_TYPE_KPROBE,
				     false);
	if (IS_ERR(prog)) {
		kcare_error("filter %s: fd %d is not a loaded kprobe BPF program (%ld)",
			    spec->name, spec->prog_fd, PTR_ERR(prog));
		return prog;
	}
	/*
	 * A filter decides from the call's arguments alone. Maps would
	 * share state between calls and with user space, and their locks
	 * may be held by the very code a filtered function is called from.
	 */
	if (prog->aux->used_map_cnt) {
		kcare_error("filter %s: the program uses %u BPF maps (global variables, strings for bpf_printk?); a filter may use none",
			    spec->name, prog->aux->used_map_cnt);
		goto refuse;
	}
	if (prog->kprobe_override) {
		kcare_error("filter %s: the program calls bpf_override_return(); a filter denies by returning non-zero",
			    spec->name);
		goto refuse;
	}
	return prog;
refuse:
	bpf_prog_put(prog);
	return ERR_PTR(-EINVAL);
}

/* Say why ftrace would not attach @f. */
static void kcare_filter_report(struct kcare_filter *f, int err)
{
	char owner[160];

	if (err == -EBUSY) {
		if (kcare_hook_at(f->addr))
			strscpy(owner, "a kcare patch (a function a patch replaces cannot be filtered)",
				sizeof(owner));
		else
			kcare_conflict_owner(f->addr, owner, sizeof(owner));
		kcare_error("cannot filter %s: already redirected by %s",
			    f->function, owner);
	} else if (err == -EINVAL || err == -ENODEV || err == -ENOENT) {
		kcare_error("cannot filter %s: ftrace cannot hook it (not traceable: notrace, inlined or init code?)",
			    f->function);
	} else {
		kcare_error("cannot filter %s: error %d attaching to it",
			    f->function, err);
	}
}

/* Check @spec and build the filter, not attached yet. */
static struct kcare_filter *kcare_filter_new(const struct kcare_filter_spec *spec)
{
	struct kcare_filter *f;
	struct bpf_prog *prog;
	int err, ret;

	if (!kcare_filter_name_ok(spec->name)) {
		kcare_error("filter name \"%s\": use 1 to %d of [a-z0-9_]",
			    spec->name, KCARE_FILTER_NAME_MAX);
		return ERR_PTR(-EINVAL);
	}
	if (kcare_filter_find(spec->name)) {
		kcare_error("filter %s is already loaded: remove it first",
			    spec->name);
		return ERR_PTR(-EEXIST);
	}
	err = kcare_filter_err_parse(spec->errname);
	if (!err) {
		kcare_error("filter %s: error %s is not one a filter may return (EPERM EFAULT EINVAL EACCES ENOMEM ENOSPC ERANGE E2BIG EOVERFLOW EOPNOTSUPP)",
			    spec->name, spec->errname);
		return ERR_PTR(-EINVAL);
	}

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return ERR_PTR(-ENOMEM);
	strscpy(f->name, spec->name, sizeof(f->name));
	f->err = err;
	f->enabled = true;
	f->function = kstrdup(spec->function, GFP_KERNEL);
	f->cve = kstrdup(spec->cve ?: "", GFP_KERNEL);
	f->description = kstrdup(spec->description ?: "", GFP_KERNEL);
	f->stats = alloc_percpu(struct kcare_filter_stats);
	if (!f->function || !f->cve || !f->description || !f->stats) {
		ret = -ENOMEM;
		goto err;
	}

	ret = kcare_symbol_lookup("vmlinux", f->function, 0, &f->addr);
	if (ret) {
		kcare_error(ret == -ENOENT ?
			    "cannot filter %s: no such function in vmlinux" :
			    "cannot filter %s: several functions have that name",
			    f->function);
		goto err;
	}
	ret = kcare_filter_btf_check(f->function);
	if (ret)
		goto err;
	prog = kcare_filter_prog(spec);
	if (IS_ERR(prog)) {
		ret = PTR_ERR(prog);
		goto err;
	}
	f->prog = prog;
	return f;
err:
	kcare_filter_free(f);
	return ERR_PTR(ret);
}

/**
 * kcare_filter_load() - check, attach and enable a filter
 * @spec:	what to load; the program's fd is looked up in the caller
 *
 * All or nothing: on error nothing is attached, and kcare_error() says
 * why. The filter starts enabled unless its toggle kernel.kcare_<name>
 * could not be registered (then nothing is loaded).
 *
 * Context: process context, kcare_mutex held. Sleeps.
 * Return: the filter, or ERR_PTR(-EINVAL, -EEXIST, -ENOENT, -EBUSY,
 * -ENOMEM, ...).
 */
struct kcare_filter *kcare_filter_load(const struct kcare_filter_spec *spec)
{
	char owner[80];
	struct kcare_filter *f;
	int ret;

	lockdep_assert_held(&kcare_mutex);
	f = kcare_filter_new(spec);
	if (IS_ERR(f))
		return f;

	f->toggle = kcare_sysctl_add(f->name, kcare_filter_toggle, f, false);
	if (IS_ERR(f->toggle)) {
		ret = PTR_ERR(f->toggle);
		f->toggle = NULL;
		kcare_error(ret == -EEXIST ?
			    "filter %s: sysctl kernel.kcare_%s is taken by a patch or a filter" :
			    "filter %s: cannot register sysctl kernel.kcare_%s",
			    f->name, f->name);
		goto err;
	}

	snprintf(owner, sizeof(owner), "the kcare filter %s", f->name);
	ret = kcare_conflict_claim(f->addr, owner);
	if (ret)
		goto err_toggle;
	f->ops.func = kcare_filter_handler;
	/* No RECURSION_SAFE: see kcare_ftrace_guard(). */
	f->ops.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY;
	ret = ftrace_set_filter_ip(&f->ops, f->addr, 0, 0);
	if (!ret)
		ret = register_ftrace_function(&f->ops);
	if (ret) {
		kcare_filter_report(f, ret);
		kcare_ftrace_free_filter(&f->ops);
		goto err_claim;
	}
	list_add_tail(&f->list, &kcare_filters);
	pr_info("filter %s attached to %s (BPF program %u, denies with %s)\n",
		f->name, f->function, kcare_filter_prog_id(f),
		kcare_filter_err_name(f->err));
	return f;

err_claim:
	kcare_conflict_release(f->addr);
err_toggle:
	kcare_sysctl_del(f->toggle);
err:
	kcare_filter_free(f);
	return ERR_PTR(ret);
}

/**
 * kcare_filter_remove() - detach and free a filter
 * @f:		a loaded filter; its sysfs directory is gone already
 *
 * Unregistering the ops waits until no CPU runs the handler; the program
 * is released after that.
 *
 * Context: process context, kcare_mutex held. Sleeps.
 */
void kcare_filter_remove(struct kcare_filter *f)
{
	struct kcare_filter_stats st;
	int ret;

	lockdep_assert_held(&kcare_mutex);
	list_del(&f->list);
	kcare_sysctl_del(f->toggle);
	WRITE_ONCE(f->enabled, false);
	ret = unregister_ftrace_function(&f->ops);
	if (ret) {
		/* ftrace may still call it: better leak than crash. */
		pr_err("filter %s: ftrace refused to detach it (%d), leaking it\n",
		       f->name, ret);
		kcare_fail("ftrace refused to remove a filter");
		return;
	}
	kcare_ftrace_free_filter(&f->ops);
	kcare_conflict_release(f->addr);
	kcare_filter_stats(f, &st);
	pr_info("filter %s removed from %s (%llu calls seen, %llu denied)\n",
		f->name, f->function, st.seen, st.denied);
	kcare_filter_free(f);
}
