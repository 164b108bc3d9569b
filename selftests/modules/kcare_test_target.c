// SPDX-License-Identifier: GPL-2.0
/*
 * A module whose functions the test payloads replace. Reading
 * /proc/kcare_test_target calls each of them once and prints what they
 * return: "a=1 b=2 c=3" unpatched.
 *
 * For the freezer's tests, tasks can be made to sleep inside replaceable
 * functions, through /proc/kcare_test_ctl:
 * - "sleep" starts the kernel thread kcare_sleeper, which sleeps in
 *   kcare_test_fn_sleep() uninterruptibly (TASK_IDLE: no fake signal wakes
 *   it, and it does not count as hung);
 * - reading /proc/kcare_test_wait sleeps interruptibly in
 *   kcare_test_fn_wait() and then prints "wait=N", N from that function;
 * - "release" ends every such sleep and stops kcare_sleeper.
 */
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

/*
 * noipa: the callers must really call these, not fold their constant
 * results, or redirecting them would change nothing.
 */
__attribute__((__noipa__)) int kcare_test_fn_a(void)
{
	return 1;
}

__attribute__((__noipa__)) int kcare_test_fn_b(void)
{
	return 2;
}

__attribute__((__noipa__)) int kcare_test_fn_c(void)
{
	return 3;
}

/* Sleepers wait for the release generation to move on. */
static DECLARE_WAIT_QUEUE_HEAD(kcare_test_wq);
static unsigned long kcare_test_gen;
/* The module is going: readers must not wait any more. */
static bool kcare_test_closing;

/*
 * Sleep until the generation moves on from @gen: uninterruptibly
 * (TASK_IDLE) or interruptibly (-ERESTARTSYS on a signal). The payloads'
 * replacements of the two functions below call it too, through kallsyms,
 * which on arm64 knows no data symbols.
 */
__attribute__((__noipa__)) int kcare_test_wait_gen(unsigned long gen,
						   bool interruptible)
{
	if (!interruptible) {
		wait_event_idle(kcare_test_wq,
				READ_ONCE(kcare_test_gen) != gen);
		return 0;
	}
	return wait_event_interruptible(kcare_test_wq,
					READ_ONCE(kcare_test_gen) != gen ||
					READ_ONCE(kcare_test_closing));
}

__attribute__((__noipa__)) int kcare_test_fn_sleep(unsigned long gen)
{
	kcare_test_wait_gen(gen, false);
	return 1;
}

__attribute__((__noipa__)) int kcare_test_fn_wait(unsigned long gen)
{
	if (kcare_test_wait_gen(gen, true))
		return -ERESTARTSYS;
	return 1;
}

static DEFINE_MUTEX(kcare_test_lock);
static struct task_struct *kcare_test_sleeper;

static int kcare_test_sleeper_fn(void *gen)
{
	kcare_test_fn_sleep((unsigned long)gen);
	/* Out of the function; stay until stopped, like most kthreads. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_IDLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static void kcare_test_release(void)
{
	WRITE_ONCE(kcare_test_gen, kcare_test_gen + 1);
	wake_up_all(&kcare_test_wq);
	if (kcare_test_sleeper) {
		kthread_stop(kcare_test_sleeper);
		put_task_struct(kcare_test_sleeper);
		kcare_test_sleeper = NULL;
	}
}

static ssize_t kcare_test_ctl_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	char buf[16];
	struct task_struct *t;
	int ret = count;

	if (count >= sizeof(buf) || copy_from_user(buf, ubuf, count))
		return -EINVAL;
	buf[count] = '\0';
	mutex_lock(&kcare_test_lock);
	if (sysfs_streq(buf, "sleep")) {
		if (kcare_test_sleeper) {
			ret = -EBUSY;
			goto out;
		}
		t = kthread_run(kcare_test_sleeper_fn,
				(void *)READ_ONCE(kcare_test_gen),
				"kcare_sleeper");
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			goto out;
		}
		get_task_struct(t);
		kcare_test_sleeper = t;
	} else if (sysfs_streq(buf, "release")) {
		kcare_test_release();
	} else {
		ret = -EINVAL;
	}
out:
	mutex_unlock(&kcare_test_lock);
	return ret;
}

static const struct proc_ops kcare_test_ctl_ops = {
	.proc_write = kcare_test_ctl_write,
	.proc_lseek = noop_llseek,
};

static int kcare_test_wait_show(struct seq_file *m, void *v)
{
	int ret = kcare_test_fn_wait(READ_ONCE(kcare_test_gen));

	/* -ERESTARTSYS: the read restarts after the (fake) signal. */
	if (ret < 0)
		return ret;
	seq_printf(m, "wait=%d\n", ret);
	return 0;
}

static int kcare_test_show(struct seq_file *m, void *v)
{
	seq_printf(m, "a=%d b=%d c=%d\n", kcare_test_fn_a(), kcare_test_fn_b(),
		   kcare_test_fn_c());
	return 0;
}

static struct proc_dir_entry *kcare_test_entry, *kcare_test_ctl,
			      *kcare_test_wait;

static void kcare_test_remove(void)
{
	proc_remove(kcare_test_wait);
	proc_remove(kcare_test_ctl);
	proc_remove(kcare_test_entry);
}

static int __init kcare_test_target_init(void)
{
	kcare_test_entry = proc_create_single("kcare_test_target", 0444, NULL,
					      kcare_test_show);
	kcare_test_ctl = proc_create("kcare_test_ctl", 0200, NULL,
				     &kcare_test_ctl_ops);
	kcare_test_wait = proc_create_single("kcare_test_wait", 0444, NULL,
					     kcare_test_wait_show);
	if (!kcare_test_entry || !kcare_test_ctl || !kcare_test_wait) {
		kcare_test_remove();
		return -ENOMEM;
	}
	return 0;
}

/* Removing a /proc file waits for its readers: end their sleep first. */
static void __exit kcare_test_target_exit(void)
{
	WRITE_ONCE(kcare_test_closing, true);
	mutex_lock(&kcare_test_lock);
	kcare_test_release();
	mutex_unlock(&kcare_test_lock);
	kcare_test_remove();
}

module_init(kcare_test_target_init);
module_exit(kcare_test_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kcare selftest: functions for test payloads to replace");
