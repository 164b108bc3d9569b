// SPDX-License-Identifier: GPL-2.0
/*
 * The freezer: when a switch may happen.
 *
 * A switch must not happen while a task is inside code that changes: it
 * would return into an old function after its callers moved to the new
 * one, or into a payload about to be freed. The modes
 * (Documentation/consistency.md):
 *
 * smart	Check every stack (stack.c), with all CPUs stopped for the
 *		final verdict. While some task blocks, release the CPUs,
 *		help that task out and retry with backoff, until the time
 *		limit. Only blocking tasks are disturbed: a kernel thread
 *		sleeping interruptibly is woken, a user task sleeping
 *		interruptibly gets a fake signal and waits, on its way back
 *		to user mode, until the switch is over ("parked"); its
 *		system call then restarts, in the new code.
 * full		Freeze every freezable task first, then as smart.
 * none		No check.
 *
 * With force, a switch that is still blocked when the (short) force wait
 * is over happens anyway, and the caller marks every payload involved as
 * never removable.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/freezer.h>
#include <linux/jiffies.h>
#include <linux/refcount.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/suspend.h>
#include <linux/task_work.h>
#include <linux/wait.h>

#include "compat_sched.h"
#include "error.h"
#include "freezer.h"
#include "stack.h"
#include "state.h"
#include "switch.h"
#include "symbols.h"

/* How long force waits for blocking tasks before switching anyway. */
#define KCARE_FORCE_WAIT_MS	1000
/* The longest sleep between two attempts. */
#define KCARE_BACKOFF_MAX_MS	100
#define KCARE_TIMEOUT_MAX_MS	(10 * 60 * 1000)

static enum kcare_freezer_mode kcare_mode = KCARE_FREEZER_SMART;
static unsigned int kcare_timeout_ms = 30000;

static const char * const kcare_mode_names[] = {
	[KCARE_FREEZER_DEFAULT]	= "default",
	[KCARE_FREEZER_NONE]	= "none",
	[KCARE_FREEZER_FULL]	= "full",
	[KCARE_FREEZER_SMART]	= "smart",
};

/* What /sys/kernel/kcare/blocking shows: one task per line. */
static DEFINE_SPINLOCK(kcare_blocking_lock);
static char *kcare_blocking;

/* Not exported by 6.1; found through kallsyms at load time. */
static bool (*kcare_task_work_cancel)(struct task_struct *task,
				      struct callback_head *cb);
static int (*kcare_wake_up_state)(struct task_struct *p, unsigned int state);
static int (*kcare_freeze_processes)(void);
static int (*kcare_freeze_kernel_threads)(void);
static void (*kcare_thaw_processes)(void);

const char *kcare_freezer_mode_name(enum kcare_freezer_mode mode)
{
	return kcare_mode_names[mode];
}

int kcare_freezer_parse(const char *buf, enum kcare_freezer_mode *mode)
{
	enum kcare_freezer_mode m;

	for (m = KCARE_FREEZER_NONE; m <= KCARE_FREEZER_SMART; m++) {
		if (sysfs_streq(buf, kcare_mode_names[m])) {
			*mode = m;
			return 0;
		}
	}
	return -EINVAL;
}

enum kcare_freezer_mode kcare_freezer_get(void)
{
	return READ_ONCE(kcare_mode);
}

void kcare_freezer_set(enum kcare_freezer_mode mode)
{
	WRITE_ONCE(kcare_mode, mode);
}

unsigned int kcare_freezer_timeout_ms(void)
{
	return READ_ONCE(kcare_timeout_ms);
}

void kcare_freezer_set_timeout_ms(unsigned int ms)
{
	WRITE_ONCE(kcare_timeout_ms, min_t(unsigned int, ms,
					   KCARE_TIMEOUT_MAX_MS));
}

ssize_t kcare_freezer_blocking_show(char *buf)
{
	ssize_t len;

	spin_lock(&kcare_blocking_lock);
	len = sysfs_emit(buf, "%s", kcare_blocking);
	spin_unlock(&kcare_blocking_lock);
	return len;
}

static void kcare_freezer_record(const struct kcare_stack_check *sc)
{
	unsigned int i, shown = 0;
	char line[KSYM_NAME_LEN + 64];
	size_t len = 0, n;
	char *text;

	text = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!text)
		return;
	for (i = 0; sc && i < sc->nr_blockers; i++) {
		n = kcare_stack_blocker_str(sc, i, line, sizeof(line));
		/* Keep room for the summary line below. */
		if (len + n + 1 > PAGE_SIZE - 64)
			break;
		memcpy(text + len, line, n);
		len += n;
		text[len++] = '\n';
		shown++;
	}
	if (sc && sc->total_blockers > shown)
		scnprintf(text + len, PAGE_SIZE - len, "... and %u more\n",
			  sc->total_blockers - shown);
	spin_lock(&kcare_blocking_lock);
	swap(text, kcare_blocking);
	spin_unlock(&kcare_blocking_lock);
	kfree(text);
}

/*
 * Parking. A parked task runs kcare_park_fn() from task_work_run(), on
 * its way back to user mode after the fake signal made its interruptible
 * sleep return -ERESTARTSYS: it holds no lock, and nothing of what the
 * switch changes is on its stack. It waits there until the switch is over.
 *
 * Each park has two references, the list's and the callback's; the
 * callback's is dropped by the callback, or by whoever cancels it. Each
 * park also pins kcare.ko, whose code the callback runs.
 */
struct kcare_park {
	struct callback_head cb;
	struct task_struct *task;
	struct list_head list;
	refcount_t ref;
};

/* Parks of the switch in progress; protected by kcare_mutex. */
static LIST_HEAD(kcare_parked);
static bool kcare_park_hold;
static DECLARE_WAIT_QUEUE_HEAD(kcare_park_wq);

static void kcare_park_put(struct kcare_park *park)
{
	if (refcount_dec_and_test(&park->ref)) {
		put_task_struct(park->task);
		kfree(park);
	}
}

static void kcare_park_fn(struct callback_head *cb)
{
	struct kcare_park *park = container_of(cb, struct kcare_park, cb);

	/* A real signal ends the wait too: never delay one for long. */
	wait_event_interruptible(kcare_park_wq, !READ_ONCE(kcare_park_hold));
	kcare_park_put(park);
	module_put(THIS_MODULE);
}

static bool kcare_parked_already(struct task_struct *t)
{
	struct kcare_park *park;

	list_for_each_entry(park, &kcare_parked, list)
		if (park->task == t)
			return true;
	return false;
}

static void kcare_park(struct task_struct *t, const char *what)
{
	struct kcare_park *park;

	if (!kcare_task_work_cancel || kcare_parked_already(t))
		return;
	park = kzalloc(sizeof(*park), GFP_KERNEL);
	if (!park)
		return;
	get_task_struct(t);
	park->task = t;
	refcount_set(&park->ref, 2);
	init_task_work(&park->cb, kcare_park_fn);
	__module_get(THIS_MODULE);
	WRITE_ONCE(kcare_park_hold, true);
	if (task_work_add(t, &park->cb, TWA_SIGNAL)) {
		/* The task is exiting: it leaves the function anyway. */
		module_put(THIS_MODULE);
		put_task_struct(t);
		kfree(park);
		return;
	}
	list_add(&park->list, &kcare_parked);
	pr_info("fake signal to %d %s to move it out of %s\n", task_pid_nr(t),
		t->comm, what);
}

static void kcare_park_release(void)
{
	struct kcare_park *park, *tmp;

	WRITE_ONCE(kcare_park_hold, false);
	list_for_each_entry_safe(park, tmp, &kcare_parked, list) {
		list_del(&park->list);
		/* Not run yet (the task never reached user mode): undo it. */
		if (kcare_task_work_cancel(park->task, &park->cb)) {
			kcare_park_put(park);
			module_put(THIS_MODULE);
		}
		kcare_park_put(park);
	}
	wake_up_all(&kcare_park_wq);
}

/*
 * Help the blocking tasks of the last check out of the way: only those
 * sleeping interruptibly inside changed code, which can leave it.
 */
static void kcare_freezer_help(struct kcare_stack_check *sc)
{
	unsigned int i;

	for (i = 0; i < sc->nr_blockers; i++) {
		struct kcare_blocker *b = &sc->blockers[i];
		struct task_struct *t = b->task;

		/* Freezable sleeps add TASK_FREEZABLE to the state. */
		if (b->range < 0 ||
		    !((kcare_task_state(t) & TASK_INTERRUPTIBLE)))
			continue;
		if (t->flags & PF_KTHREAD) {
			/* A well-written kthread rechecks why it slept. */
			if (kcare_wake_up_state)
				kcare_wake_up_state(t, TASK_INTERRUPTIBLE);
		} else {
			kcare_park(t, sc->ranges[b->range].name);
		}
	}
}

/* Freeze every freezable task, as suspend does. */
static int kcare_freeze_all(unsigned int *sleep_flags)
{
	int ret;

	if (!kcare_freeze_processes)
		return -EOPNOTSUPP;
	*sleep_flags = kcare_lock_system_sleep();
	ret = kcare_freeze_processes();
	if (!ret) {
		ret = kcare_freeze_kernel_threads();
		if (ret)
			kcare_thaw_processes();
	}
	if (ret)
		kcare_unlock_system_sleep(*sleep_flags);
	return ret;
}

static void kcare_thaw_all(unsigned int sleep_flags)
{
	kcare_thaw_processes();
	kcare_unlock_system_sleep(sleep_flags);
}

static void kcare_freezer_log(const struct kcare_switch *sw,
			      const struct kcare_stack_check *sc,
			      enum kcare_freezer_mode mode,
			      unsigned int attempts)
{
	struct kcare_pause_stats st;

	kcare_pause_stats(&st);
	if (sc)
		pr_info("switched %u functions (freezer %s) after %u attempts: pause %llu us, %u tasks checked, %u walked in the pause, check %llu us; pauses so far: median %llu us, max %llu us over %lu\n",
			sw->nr, kcare_mode_names[mode], attempts, st.last_us,
			sc->tasks, sc->walked_in_pause,
			div_u64(sc->verify_ns, 1000), st.median_us,
			st.max_us, st.count);
	else
		pr_info("switched %u functions (freezer %s): pause %llu us; pauses so far: median %llu us, max %llu us over %lu\n",
			sw->nr, kcare_mode_names[mode], st.last_us,
			st.median_us, st.max_us, st.count);
}

/* In the pause: a task inside what changes cancels the flip. */
static int kcare_freezer_verify(void *sc)
{
	return kcare_stack_verify(sc) ? -EAGAIN : 0;
}

/**
 * kcare_freezer_switch() - switch when no task is inside what changes
 * @sw:	the switch; @sw->mode, @sw->force and @sw->unchecked say how; its
 *	hooks must be installed
 *
 * Applies every change of @sw at once, or none.
 *
 * Context: process context, kcare_mutex held; not inside stop_machine.
 * May sleep up to the time limit (/sys/kernel/kcare/freezer_timeout_ms).
 * Return: 0 when switched (@sw->forced tells whether against blocking
 * tasks), -EBUSY when tasks kept blocking, another error otherwise; on
 * error nothing changed and last_error says why.
 */
int kcare_freezer_switch(struct kcare_switch *sw)
{
	enum kcare_freezer_mode mode = sw->mode ?: kcare_freezer_get();
	unsigned int limit, attempts = 0, delay = 1, sleep_flags = 0;
	struct kcare_stack_check *sc;
	bool frozen = false;
	unsigned long deadline;
	char first[96] = "";
	int ret;

	lockdep_assert_held(&kcare_mutex);
	sw->forced = false;
	sw->checked = false;
	if (!sw->nr)
		return 0;
	if (sw->unchecked || mode == KCARE_FREEZER_NONE) {
		ret = kcare_switch_stop(sw, NULL, NULL);
		if (!ret && !sw->unchecked) {
			kcare_freezer_record(NULL);
			kcare_freezer_log(sw, NULL, mode, 1);
		}
		return ret;
	}

	sc = kzalloc(sizeof(*sc), GFP_KERNEL);
	if (!sc)
		return -ENOMEM;
	/* Whatever blocked an earlier switch is no news about this one. */
	kcare_freezer_record(NULL);
	ret = kcare_stack_prepare(sc, sw);
	if (ret)
		goto out_free;
	if (mode == KCARE_FREEZER_FULL) {
		ret = kcare_freeze_all(&sleep_flags);
		if (ret) {
			kcare_error("cannot freeze all tasks (%d): see the kernel log for the ones that refused; nothing changed",
				    ret);
			goto out_free;
		}
		frozen = true;
	}

	limit = kcare_freezer_timeout_ms();
	if (sw->force)
		limit = min_t(unsigned int, limit, KCARE_FORCE_WAIT_MS);
	deadline = jiffies + msecs_to_jiffies(limit);
	for (;;) {
		attempts++;
		if (!kcare_stack_scan(sc)) {
			ret = kcare_switch_stop(sw, kcare_freezer_verify, sc);
			if (ret != -EAGAIN)
				break;
		}
		kcare_freezer_help(sc);
		if (time_after_eq(jiffies, deadline)) {
			ret = -EBUSY;
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		msleep(delay);
		delay = min(delay * 2, KCARE_BACKOFF_MAX_MS);
	}

	kcare_freezer_record(sc);
	if (sc->nr_blockers)
		kcare_stack_blocker_str(sc, 0, first, sizeof(first));
	if (ret == -EBUSY && sw->force) {
		ret = kcare_switch_stop(sw, NULL, NULL);
		if (!ret) {
			sw->forced = true;
			kcare_error("forced switch with %u task(s) inside changed code (%s%s); the payloads involved can never be removed",
				    sc->total_blockers, first,
				    sc->total_blockers > 1 ? ", ..." : "");
		}
	} else if (ret == -EBUSY) {
		kcare_error("%u task(s) still inside changed code after %u ms (%s%s; see /sys/kernel/kcare/blocking); nothing changed",
			    sc->total_blockers, limit, first,
			    sc->total_blockers > 1 ? ", ..." : "");
	} else if (ret == -EINTR) {
		kcare_error("switch interrupted by a fatal signal; nothing changed");
	}
	sw->checked = !ret && !sw->forced;
	if (!ret)
		kcare_freezer_log(sw, sw->forced ? NULL : sc, mode, attempts);
	kcare_park_release();
	if (frozen)
		kcare_thaw_all(sleep_flags);
out_free:
	kcare_stack_free(sc);
	kfree(sc);
	return ret;
}

static void kcare_freezer_resolve(const char *name, void *fnp)
{
	unsigned long addr;

	if (kcare_symbol_lookup("vmlinux", name, 0, &addr))
		pr_warn("%s not found: the freezer works without it\n", name);
	else
		*(unsigned long *)fnp = addr;
}

int kcare_freezer_init(void)
{
	kcare_blocking = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!kcare_blocking)
		return -ENOMEM;
	kcare_freezer_resolve("task_work_cancel", &kcare_task_work_cancel);
	kcare_freezer_resolve("wake_up_state", &kcare_wake_up_state);
	kcare_freezer_resolve("freeze_processes", &kcare_freeze_processes);
	kcare_freezer_resolve("freeze_kernel_threads",
			      &kcare_freeze_kernel_threads);
	kcare_freezer_resolve("thaw_processes", &kcare_thaw_processes);
	if (!kcare_freeze_kernel_threads || !kcare_thaw_processes)
		kcare_freeze_processes = NULL;
	return 0;
}

void kcare_freezer_exit(void)
{
	kfree(kcare_blocking);
	kcare_blocking = NULL;
}
