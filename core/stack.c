// SPDX-License-Identifier: GPL-2.0
/*
 * The stack check: is any task executing, or due to return into, code that
 * a switch changes?
 *
 * A switch changes three kinds of code per hook: the original function,
 * the replacement that runs now (if any) and the one that will run (if
 * any); the hook's trampoline counts as part of them. A task with a return address in any of them could mix old and new
 * semantics, or return into a payload about to be freed, so it blocks the
 * switch. So does a task whose stack cannot be walked reliably: what we
 * cannot see, we cannot call safe.
 *
 * The walk costs a few microseconds per task, and a machine can have tens
 * of thousands of them, so most of it happens before the pause, with CPUs
 * running: kcare_stack_scan() pins each task that is not running (it
 * cannot run while pinned, so its stack holds still), walks it, and
 * remembers the clean ones with their context-switch count. In the pause,
 * kcare_stack_verify() walks again only the tasks whose count changed,
 * which are the ones that ran since: a task that did not run cannot have
 * changed its stack. The verdict in the pause is the only one that counts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bsearch.h>
#include <linux/ctype.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>

#include "arch.h"
#include "compat_sched.h"
#include "error.h"
#include "hook.h"
#include "runlog.h"
#include "stack.h"
#include "switch.h"
#include "symbols.h"

/* Frames kept per task; a deeper stack counts as unreliable. */
#define KCARE_TRACE_MAX		128
/* Frames kept of an idle task's stack; its loop is a few deep. */
#define KCARE_IDLE_TRACE_MAX	32

/**
 * struct kcare_idle_trace - the stack of one CPU's idle task off its CPU
 * @task:	the idle task; NULL: nothing known yet
 * @nr:		return addresses in @ip
 * @ip:		innermost first
 *
 * An idle task leaves its CPU from one place only: schedule_idle() in the
 * loop of do_idle(), which it never returns from, and it cannot be
 * preempted elsewhere (it runs with preemption disabled). So its stack,
 * whenever it is off its CPU, holds the same return addresses: walked
 * once, it need not be walked again. Every CPU switches from its idle
 * task to the CPU stopper for a pause, so without this the pause would
 * walk the idle task of each CPU that was idle. Every later walk of an
 * idle task is compared with what is kept; a difference would prove the
 * premise wrong, and then the engine stops trusting it for good.
 */
struct kcare_idle_trace {
	struct task_struct *task;
	unsigned int nr;
	unsigned long ip[KCARE_IDLE_TRACE_MAX];
};

/* Per CPU, by index; written and read with kcare_mutex held. */
static struct kcare_idle_trace *kcare_idle_traces;
static bool kcare_idle_traces_wrong;

static int (*kcare_lookup_size_offset)(unsigned long addr,
				       unsigned long *size,
				       unsigned long *offset);
/* Optional: without it the idle tasks are not checked. */
static struct task_struct *(*kcare_idle_task)(int cpu);

static int kcare_stack_resolve(const char *name, void *fnp, bool required)
{
	unsigned long addr;
	int ret;

	ret = kcare_symbol_lookup("vmlinux", name, 0, &addr);
	if (ret) {
		if (required)
			pr_err("the stack check needs %s, which this kernel lacks\n",
			       name);
		return required ? ret : 0;
	}
	*(unsigned long *)fnp = addr;
	return 0;
}

int kcare_stack_init(void)
{
	int ret;

	ret = kcare_task_call_init();
	if (!ret)
		ret = kcare_stack_resolve("kallsyms_lookup_size_offset",
					  &kcare_lookup_size_offset, true);
	if (!ret) {
		ret = kcare_stack_resolve("idle_task", &kcare_idle_task, false);
		if (!kcare_idle_task)
			pr_warn("idle_task not found: idle tasks are not checked\n");
	}
	if (!ret)
		ret = kcare_arch_stack_init();
	/* Without them every idle task that ran is walked: slower, as safe. */
	if (!ret && kcare_idle_task)
		kcare_idle_traces = kcalloc(nr_cpu_ids,
					    sizeof(*kcare_idle_traces),
					    GFP_KERNEL);
	if (!ret && kcare_runlog_init())
		pr_warn("cannot log which tasks run: the pause visits every thread\n");
	return ret;
}

void kcare_stack_exit(void)
{
	kcare_runlog_exit();
	kfree(kcare_idle_traces);
	kcare_idle_traces = NULL;
}

static int kcare_range_cmp(const void *a, const void *b)
{
	const struct kcare_stack_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int kcare_stack_add_range(struct kcare_stack_check *sc,
				 unsigned long addr, unsigned int max)
{
	struct kcare_stack_range *r;
	unsigned long size, offset;

	if (!kcare_lookup_size_offset(addr, &size, &offset) || !size)
		return -ENOENT;
	if (WARN_ON_ONCE(sc->nr_ranges == max))
		return -EINVAL;
	r = &sc->ranges[sc->nr_ranges++];
	r->start = addr - offset;
	r->end = r->start + size;
	/* The bare name: "%ps" adds " [module]" to a module's symbols. */
	snprintf(r->name, sizeof(r->name), "%ps", (void *)r->start);
	r->name[strcspn(r->name, " ")] = '\0';
	return 0;
}

int kcare_stack_prepare(struct kcare_stack_check *sc,
			const struct kcare_switch *sw)
{
	unsigned int i, j, max = sw->nr * 4;
	int ret = 0;

	memset(sc, 0, sizeof(*sc));
	sc->ranges = kvcalloc(max, sizeof(*sc->ranges), GFP_KERNEL);
	sc->trace = kmalloc_array(KCARE_TRACE_MAX, sizeof(*sc->trace),
				  GFP_KERNEL);
	if (!sc->ranges || !sc->trace) {
		kcare_stack_free(sc);
		return -ENOMEM;
	}
	for (i = 0; i < sw->nr && !ret; i++) {
		const struct kcare_hook *hook = sw->ent[i].hook;

		/* A hook whose target stays (a disabled patch) changes nothing. */
		if (sw->ent[i].target == hook->target)
			continue;

		ret = kcare_stack_add_range(sc, hook->addr, max);
		if (!ret && kcare_hook_code(hook))
			ret = kcare_stack_add_range(sc, kcare_hook_code(hook), max);
		if (!ret && hook->target)
			ret = kcare_stack_add_range(sc,
					(unsigned long)hook->target, max);
		if (!ret && sw->ent[i].target &&
		    sw->ent[i].target != hook->target)
			ret = kcare_stack_add_range(sc,
					(unsigned long)sw->ent[i].target, max);
		if (ret)
			kcare_error("cannot find the extent of the code of %s",
				    hook->name);
	}
	if (ret) {
		kcare_stack_free(sc);
		return ret;
	}
	/* Sorted and without duplicates, for a binary search per frame. */
	sort(sc->ranges, sc->nr_ranges, sizeof(*sc->ranges), kcare_range_cmp,
	     NULL);
	for (i = 0, j = 0; i < sc->nr_ranges; i++)
		if (!j || sc->ranges[i].start != sc->ranges[j - 1].start)
			sc->ranges[j++] = sc->ranges[i];
	sc->nr_ranges = j;
	return 0;
}

void kcare_stack_clear_blockers(struct kcare_stack_check *sc)
{
	unsigned int i;

	for (i = 0; i < sc->nr_blockers; i++)
		put_task_struct(sc->blockers[i].task);
	sc->nr_blockers = 0;
	sc->total_blockers = 0;
}

void kcare_stack_free(struct kcare_stack_check *sc)
{
	kcare_runlog_stop();
	kcare_stack_clear_blockers(sc);
	kvfree(sc->ranges);
	kvfree(sc->seen);
	kfree(sc->trace);
	sc->ranges = NULL;
	sc->seen = NULL;
	sc->trace = NULL;
}

/* The range holding return address @addr, or -1. */
static int kcare_stack_find(const struct kcare_stack_check *sc,
			    unsigned long addr)
{
	int lo = 0, hi = sc->nr_ranges - 1, mid;

	/* The last range starting before @addr, or the one starting at it. */
	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		if (sc->ranges[mid].start < addr)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	/*
	 * Both ends count: a return address equals the end when the
	 * function ends with a call that does not return, and a frame of an
	 * interrupted task may be the very first instruction.
	 */
	if (hi >= 0 && addr <= sc->ranges[hi].end)
		return hi;
	if (hi + 1 < (int)sc->nr_ranges && addr == sc->ranges[hi + 1].start)
		return hi + 1;
	return -1;
}

/*
 * Record @t as blocking. Also called in the pause: nothing here sleeps,
 * allocates or takes a lock.
 */
static void kcare_stack_block(struct kcare_stack_check *sc,
			      struct task_struct *t, int range,
			      unsigned long offset, int error)
{
	struct kcare_blocker *b;

	sc->total_blockers++;
	if (sc->nr_blockers == KCARE_MAX_BLOCKERS)
		return;
	b = &sc->blockers[sc->nr_blockers++];
	get_task_struct(t);
	b->task = t;
	b->pid = task_pid_nr(t);
	memcpy(b->comm, t->comm, sizeof(b->comm));
	b->comm[sizeof(b->comm) - 1] = '\0';
	b->range = range;
	b->offset = offset;
	b->error = error;
}

/* Whether @t, with the @n return addresses @trace, blocks; records it. */
static bool kcare_stack_check_trace(struct kcare_stack_check *sc,
				    struct task_struct *t,
				    const unsigned long *trace, unsigned int n)
{
	unsigned int i;
	int r;

	for (i = 0; i < n; i++) {
		r = kcare_stack_find(sc, trace[i]);
		if (r >= 0) {
			kcare_stack_block(sc, t, r,
					  trace[i] - sc->ranges[r].start, 0);
			return true;
		}
	}
	return false;
}

/* The kept stack of @t if it is an idle task whose stack is known. */
static const struct kcare_idle_trace *
kcare_idle_trace_of(const struct task_struct *t)
{
	const struct kcare_idle_trace *it;

	if (t->pid || !kcare_idle_traces || kcare_idle_traces_wrong)
		return NULL;
	it = &kcare_idle_traces[task_cpu(t)];
	return it->task == t && it->nr ? it : NULL;
}

/*
 * Keep the stack of the idle task @t just walked, or compare it with the
 * one kept. No allocation, no lock: also called in the pause.
 */
static void kcare_idle_trace_note(struct task_struct *t,
				  const unsigned long *trace, unsigned int n)
{
	struct kcare_idle_trace *it;

	if (t->pid || !kcare_idle_traces || kcare_idle_traces_wrong ||
	    n > KCARE_IDLE_TRACE_MAX)
		return;
	it = &kcare_idle_traces[task_cpu(t)];
	if (it->task == t && it->nr) {
		if (it->nr != n || memcmp(it->ip, trace, n * sizeof(*trace)))
			kcare_idle_traces_wrong = true;
		return;
	}
	memcpy(it->ip, trace, n * sizeof(*trace));
	it->nr = n;
	it->task = t;
}

/* Walk @t, which cannot run meanwhile. Returns true when it blocks. */
static bool kcare_stack_check_task(struct kcare_stack_check *sc,
				   struct task_struct *t)
{
	int n;

	n = kcare_arch_stack_walk(t, sc->trace, KCARE_TRACE_MAX);
	if (n < 0) {
		kcare_stack_block(sc, t, -1, 0, n);
		return true;
	}
	kcare_idle_trace_note(t, sc->trace, n);
	return kcare_stack_check_trace(sc, t, sc->trace, n);
}

/* The context switches of @t: any run of @t changes this. */
static unsigned long kcare_task_switches(const struct task_struct *t)
{
	return READ_ONCE(t->nvcsw) + READ_ONCE(t->nivcsw);
}

/* Called by kcare_task_call() with @t pinned: it cannot start running. */
static int kcare_stack_scan_one(struct task_struct *t, void *arg)
{
	struct kcare_stack_check *sc = arg;
	struct kcare_stack_seen *s;

	/* A running task's stack moves under us: the pause walks it. */
	if (READ_ONCE(t->on_cpu))
		return -EBUSY;
	if (kcare_stack_check_task(sc, t))
		return 1;
	if (sc->nr_seen == sc->max_seen) {
		/* Nobody will know it was clean: the pause visits every thread. */
		sc->partial = true;
	} else {
		s = &sc->seen[sc->nr_seen++];
		s->task = t;
		s->start_time = t->start_time;
		s->switches = kcare_task_switches(t);
	}
	return 0;
}

static int kcare_seen_cmp(const void *a, const void *b)
{
	const struct kcare_stack_seen *x = a, *y = b;

	return x->task < y->task ? -1 : x->task > y->task;
}

static int kcare_seen_key_cmp(const void *key, const void *elt)
{
	const struct task_struct *t = key;
	const struct kcare_stack_seen *s = elt;

	return t < s->task ? -1 : t > s->task;
}

unsigned int kcare_stack_scan(struct kcare_stack_check *sc)
{
	struct task_struct *g, *t;
	unsigned int nr = 0;
	int cpu;

	kcare_stack_clear_blockers(sc);
	sc->nr_seen = 0;
	sc->tasks = 0;
	sc->partial = false;
	/* Before the first walk: whatever runs after it is noted. */
	kcare_runlog_start();

	/* Room for every thread, and some that may appear meanwhile. */
	rcu_read_lock();
	for_each_process_thread(g, t)
		nr++;
	rcu_read_unlock();
	nr += 256;
	if (nr > sc->max_seen) {
		kvfree(sc->seen);
		sc->seen = kvmalloc_array(nr, sizeof(*sc->seen), GFP_KERNEL);
		/* Without it every task is walked in the pause: slower, as safe. */
		sc->max_seen = sc->seen ? nr : 0;
	}

	rcu_read_lock();
	for_each_process_thread(g, t) {
		sc->tasks++;
		kcare_task_call(t, kcare_stack_scan_one, sc);
	}
	rcu_read_unlock();
	/*
	 * The idle tasks are not on the thread list. One not on its CPU now
	 * is checked here, so that the pause need not walk it unless it runs
	 * meanwhile, which the run log notes.
	 */
	for_each_online_cpu(cpu) {
		t = kcare_idle_task ? kcare_idle_task(cpu) : NULL;
		if (t)
			kcare_task_call(t, kcare_stack_scan_one, sc);
	}

	sort(sc->seen, sc->nr_seen, sizeof(*sc->seen), kcare_seen_cmp, NULL);
	return sc->total_blockers;
}

static bool kcare_stack_known_clean(const struct kcare_stack_check *sc,
				    struct task_struct *t)
{
	const struct kcare_stack_seen *s;

	s = bsearch(t, sc->seen, sc->nr_seen, sizeof(*s), kcare_seen_key_cmp);
	/* The start time tells a new task that reuses a freed one's memory. */
	return s && s->start_time == t->start_time &&
	       s->switches == kcare_task_switches(t);
}

/*
 * kcare_runlog_for_each()'s callback: check @t, which ran since the scan;
 * an idle task whose stack is known without a walk.
 */
static bool kcare_stack_verify_one(struct task_struct *t, void *arg)
{
	struct kcare_stack_check *sc = arg;
	const struct kcare_idle_trace *it;

	if (READ_ONCE(t->on_cpu))
		return false;
	it = kcare_idle_trace_of(t);
	if (it)
		return kcare_stack_check_trace(sc, t, it->ip, it->nr);
	sc->walked_in_pause++;
	return kcare_stack_check_task(sc, t);
}

static unsigned int kcare_stack_verify_all(struct kcare_stack_check *sc)
{
	struct task_struct *g, *t;
	int cpu, ret;

	/* The blockers of the scan were cleared: it found none. */
	sc->walked_in_pause = 0;
	sc->tasks = 0;
	/*
	 * Every other CPU spins with interrupts off, so nothing forks, exits
	 * or runs: the thread list and every stack hold still. The tasks on
	 * a CPU are the CPU stoppers (this one included), which run only
	 * stop_machine()'s own code.
	 *
	 * A task the scan found clean and that did not run since is clean
	 * still; the run log names those that ran, idle tasks included, so
	 * only they are walked (an idle task only until its stack is known,
	 * see struct kcare_idle_trace). A task that never ran since it was forked
	 * has only its fork frame on its stack. Without a complete log,
	 * every thread is visited.
	 */
	if (!sc->partial) {
		ret = kcare_runlog_for_each(kcare_stack_verify_one, sc);
		if (ret >= 0) {
			sc->tasks = sc->nr_seen + sc->walked_in_pause;
			return sc->total_blockers;
		}
	}
	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (READ_ONCE(t->on_cpu))
			continue;
		sc->tasks++;
		if (kcare_stack_known_clean(sc, t))
			continue;
		sc->walked_in_pause++;
		/* One blocker is enough to give up; the next scan finds all. */
		if (kcare_stack_check_task(sc, t))
			goto out;
	}
	/* The idle tasks are not on the thread list. */
	for_each_online_cpu(cpu) {
		t = kcare_idle_task ? kcare_idle_task(cpu) : NULL;
		if (!t)
			continue;
		sc->tasks++;
		if (kcare_stack_verify_one(t, sc))
			goto out;
	}
out:
	rcu_read_unlock();
	return sc->total_blockers;
}

unsigned int kcare_stack_verify(struct kcare_stack_check *sc)
{
	u64 t0 = ktime_get_ns();
	unsigned int ret;

	ret = kcare_stack_verify_all(sc);
	sc->verify_ns = ktime_get_ns() - t0;
	return ret;
}

int kcare_stack_blocker_str(const struct kcare_stack_check *sc, unsigned int i,
			    char *buf, size_t size)
{
	const struct kcare_blocker *b = &sc->blockers[i];
	char comm[TASK_COMM_LEN];
	unsigned int j;

	/* One line, three fields: a name with blanks would break them. */
	for (j = 0; j < sizeof(comm); j++)
		comm[j] = isspace(b->comm[j]) ? '_' : b->comm[j];
	if (b->range < 0)
		return scnprintf(buf, size, "%d %s unreliable-stack(%d)",
				 b->pid, comm, b->error);
	return scnprintf(buf, size, "%d %s %s+0x%lx", b->pid, comm,
			 sc->ranges[b->range].name, b->offset);
}
