// SPDX-License-Identifier: GPL-2.0
/*
 * The run log: which tasks ran since the stack check's scan.
 *
 * The check in the pause must look again at every task whose stack may
 * have changed since the scan found it clean, and only a task that ran can
 * have changed its stack. Visiting every thread to find those costs the
 * pause a few microseconds of emulated time per thread, thousands of them
 * on a busy machine, while only a handful ran. So a probe on the
 * sched_switch tracepoint notes each task that leaves a CPU, which every
 * task that ran since the scan did, at the latest to let the CPU stopper
 * in: the pause then walks those alone, in time that follows what ran, not
 * how many threads exist.
 *
 * Each CPU notes into its own set, with interrupts off inside the
 * scheduler, so the probe takes no lock; a set that fills up says so, and
 * the check then falls back to visiting every thread. A generation number
 * starts a new log without touching the sets: an entry of an older
 * generation is empty. The probe stays registered while the engine is
 * loaded, since enabling a tracepoint patches text; between checks it
 * returns at its first test.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "compat_sched.h"
#include "runlog.h"

#define KCARE_RUNLOG_BITS	9
#define KCARE_RUNLOG_SLOTS	(1U << KCARE_RUNLOG_BITS)
/* Fuller than this, the open addressing gets slow: call it overflowed. */
#define KCARE_RUNLOG_MAX	(KCARE_RUNLOG_SLOTS / 2)
/* Slots tried for one task before giving up. */
#define KCARE_RUNLOG_PROBES	8

struct kcare_runlog_entry {
	struct task_struct *task;
	u64 start_time;
	pid_t pid;
	unsigned int gen;
};

/**
 * struct kcare_runlog - one CPU's set of the tasks that left it
 * @gen:	generation of @nr, @overflow and @used
 * @nr:		tasks in the set
 * @overflow:	a task could not be noted
 * @used:	the slots in use, in order, so that reading costs @nr
 * @slots:	open addressing by task pointer; valid if of @gen
 */
struct kcare_runlog {
	unsigned int gen;
	unsigned int nr;
	bool overflow;
	u16 used[KCARE_RUNLOG_MAX];
	struct kcare_runlog_entry slots[KCARE_RUNLOG_SLOTS];
};

static struct kcare_runlog __percpu *kcare_runlogs;
static struct tracepoint *kcare_tp_sched_switch;
/* Current generation; logging while odd. */
static unsigned int kcare_runlog_gen;

static void notrace kcare_runlog_note(struct kcare_runlog *log,
				      struct task_struct *t, unsigned int gen)
{
	struct kcare_runlog_entry *e;
	unsigned int i, h;

	if (log->gen != gen) {
		log->gen = gen;
		log->nr = 0;
		log->overflow = false;
	}
	if (log->overflow)
		return;
	h = hash_ptr(t, KCARE_RUNLOG_BITS);
	for (i = 0; i < KCARE_RUNLOG_PROBES; i++) {
		e = &log->slots[(h + i) & (KCARE_RUNLOG_SLOTS - 1)];
		if (e->gen == gen && e->task == t &&
		    e->start_time == t->start_time)
			return;
		if (e->gen != gen)
			break;
	}
	if (i == KCARE_RUNLOG_PROBES || log->nr == KCARE_RUNLOG_MAX) {
		log->overflow = true;
		return;
	}
	e->task = t;
	e->start_time = t->start_time;
	e->pid = t->pid;
	e->gen = gen;
	log->used[log->nr++] = e - log->slots;
}

/* In __schedule(), interrupts off: @prev ran, and its stack may differ. */
static void notrace kcare_runlog_probe(void *data, KCARE_SCHED_SWITCH_ARGS)
{
	unsigned int gen = READ_ONCE(kcare_runlog_gen);

	if (!(gen & 1))
		return;
	kcare_runlog_note(this_cpu_ptr(kcare_runlogs), prev, gen);
}

static void kcare_runlog_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_switch"))
		kcare_tp_sched_switch = tp;
}

/**
 * kcare_runlog_init() - register the sched_switch probe
 *
 * Return: 0; or an error, after which the stack check visits every thread
 * in the pause, as it may (the caller only warns).
 */
int kcare_runlog_init(void)
{
	int ret;

	for_each_kernel_tracepoint(kcare_runlog_find_tp, NULL);
	if (!kcare_tp_sched_switch)
		return -ENOENT;
	kcare_runlogs = alloc_percpu(struct kcare_runlog);
	if (!kcare_runlogs)
		return -ENOMEM;
	ret = tracepoint_probe_register(kcare_tp_sched_switch,
					kcare_runlog_probe, NULL);
	if (ret) {
		free_percpu(kcare_runlogs);
		kcare_runlogs = NULL;
	}
	return ret;
}

void kcare_runlog_exit(void)
{
	if (!kcare_runlogs)
		return;
	tracepoint_probe_unregister(kcare_tp_sched_switch, kcare_runlog_probe,
				    NULL);
	/* No CPU may still be in the probe when its sets go. */
	tracepoint_synchronize_unregister();
	free_percpu(kcare_runlogs);
	kcare_runlogs = NULL;
}

/* Context: kcare_mutex held, which serialises the generation's writers. */
void kcare_runlog_start(void)
{
	if (!kcare_runlogs)
		return;
	WRITE_ONCE(kcare_runlog_gen, (kcare_runlog_gen | 1) + 2);
	/*
	 * Pairs with the full barrier of __schedule() (rq lock and
	 * smp_mb__after_spinlock()) before the probe's READ_ONCE(): a task
	 * whose switch the scan's walks miss is noted in this generation.
	 */
	smp_mb();
}

void kcare_runlog_stop(void)
{
	if (kcare_runlogs && (kcare_runlog_gen & 1))
		WRITE_ONCE(kcare_runlog_gen, kcare_runlog_gen + 1);
}

/*
 * The task @e noted, if it still exists: a task that exited may have been
 * freed since, so it is found again by its pid, never dereferenced first.
 */
static struct task_struct *kcare_runlog_task(const struct kcare_runlog_entry *e)
{
	struct task_struct *t;

	/* An idle task (pid 0, each CPU's own) never exits. */
	if (!e->pid)
		return e->task;
	t = pid_task(find_pid_ns(e->pid, &init_pid_ns), PIDTYPE_PID);
	if (t != e->task || t->start_time != e->start_time)
		return NULL;
	return t;
}

int kcare_runlog_for_each(bool (*fn)(struct task_struct *t, void *arg),
			  void *arg)
{
	unsigned int gen = READ_ONCE(kcare_runlog_gen);
	struct kcare_runlog *log;
	struct task_struct *t;
	unsigned int i;
	int cpu, ret = 0;

	if (!kcare_runlogs || !(gen & 1))
		return -ENODEV;
	/* Overflow first: then the caller visits everything anyway. */
	for_each_possible_cpu(cpu) {
		log = per_cpu_ptr(kcare_runlogs, cpu);
		if (log->gen == gen && log->overflow)
			return -EOVERFLOW;
	}
	rcu_read_lock();
	for_each_possible_cpu(cpu) {
		log = per_cpu_ptr(kcare_runlogs, cpu);
		if (log->gen != gen)
			continue;
		for (i = 0; i < log->nr; i++) {
			t = kcare_runlog_task(&log->slots[log->used[i]]);
			if (t && fn(t, arg)) {
				ret = 1;
				goto out;
			}
		}
	}
out:
	rcu_read_unlock();
	return ret;
}
