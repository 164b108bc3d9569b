// SPDX-License-Identifier: GPL-2.0
/*
 * The functions the benchmarks (scripts/bench/) patch, and ways to call
 * them:
 * - writing N to /proc/kcare_bench_loop calls kcare_bench_fn_00() N times,
 *   in KCARE_BENCH_CHUNKS tight loops of N / KCARE_BENCH_CHUNKS calls;
 *   reading it then prints "calls=N ns=T chunk=C chunk_ns=B": T the
 *   duration of all in nanoseconds, B that of the fastest loop of C calls.
 *   B / C is the cost of one call, patched or not, least disturbed by
 *   whatever else the machine (or an emulator's host) did meanwhile;
 * - reading /proc/kcare_bench_call calls each of the 100 functions once
 *   and prints "sum=100" (what they return, patched or not), the load
 *   that keeps tasks running through the patched code while a patch is
 *   applied.
 */
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "kcare_bench.h"

#define BENCH_DECL(n) int kcare_bench_fn_##n(int x);
KCARE_BENCH_FUNCS100(BENCH_DECL)

/*
 * noipa: every call must really be made, or redirecting the function
 * would change nothing and the loop would measure nothing.
 */
#define BENCH_FN(n)							\
	__attribute__((__noipa__)) int kcare_bench_fn_##n(int x)	\
	{								\
		return x + 1;						\
	}
KCARE_BENCH_FUNCS100(BENCH_FN)
/* For kcare_bench_ftrace, the floor of the handler path. */
EXPORT_SYMBOL_GPL(kcare_bench_fn_00);

/* The last loop's figures; protected by kcare_bench_lock. */
static DEFINE_MUTEX(kcare_bench_lock);
static unsigned long kcare_bench_calls, kcare_bench_chunk;
static u64 kcare_bench_ns, kcare_bench_chunk_ns;

#define KCARE_BENCH_CHUNKS	20

/* Loops longer than this many calls are refused: a loop never sleeps. */
#define KCARE_BENCH_MAX_CALLS	100000000UL

static ssize_t kcare_bench_loop_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	unsigned long n, chunk, i, c;
	u64 t0, t1, total = 0, best = U64_MAX;
	int sum = 0;
	int ret;

	ret = kstrtoul_from_user(ubuf, count, 0, &n);
	if (ret)
		return ret;
	if (n < KCARE_BENCH_CHUNKS || n > KCARE_BENCH_MAX_CALLS)
		return -EINVAL;
	chunk = n / KCARE_BENCH_CHUNKS;

	mutex_lock(&kcare_bench_lock);
	for (c = 0; c < KCARE_BENCH_CHUNKS; c++) {
		t0 = ktime_get_ns();
		for (i = 0; i < chunk; i++)
			sum += kcare_bench_fn_00(i);
		t1 = ktime_get_ns();
		total += t1 - t0;
		best = min(best, t1 - t0);
		cond_resched();
	}
	/* Makes the sum live, so the calls stay in the loop. */
	if (sum == 1)
		pr_info("kcare_bench: sum %d\n", sum);
	kcare_bench_calls = chunk * KCARE_BENCH_CHUNKS;
	kcare_bench_ns = total;
	kcare_bench_chunk = chunk;
	kcare_bench_chunk_ns = best;
	mutex_unlock(&kcare_bench_lock);
	return count;
}

static int kcare_bench_loop_show(struct seq_file *m, void *v)
{
	mutex_lock(&kcare_bench_lock);
	seq_printf(m, "calls=%lu ns=%llu chunk=%lu chunk_ns=%llu\n",
		   kcare_bench_calls, kcare_bench_ns, kcare_bench_chunk,
		   kcare_bench_chunk_ns);
	mutex_unlock(&kcare_bench_lock);
	return 0;
}

static int kcare_bench_loop_open(struct inode *inode, struct file *file)
{
	return single_open(file, kcare_bench_loop_show, NULL);
}

static const struct proc_ops kcare_bench_loop_ops = {
	.proc_open = kcare_bench_loop_open,
	.proc_read = seq_read,
	.proc_write = kcare_bench_loop_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int kcare_bench_call_show(struct seq_file *m, void *v)
{
	int sum = 0;

#define BENCH_CALL(n) sum += kcare_bench_fn_##n(0);
	KCARE_BENCH_FUNCS100(BENCH_CALL)
#undef BENCH_CALL
	seq_printf(m, "sum=%d\n", sum);
	return 0;
}

static struct proc_dir_entry *kcare_bench_loop, *kcare_bench_call;

static int __init kcare_bench_target_init(void)
{
	kcare_bench_loop = proc_create("kcare_bench_loop", 0644, NULL,
				       &kcare_bench_loop_ops);
	kcare_bench_call = proc_create_single("kcare_bench_call", 0444, NULL,
					      kcare_bench_call_show);
	if (!kcare_bench_loop || !kcare_bench_call) {
		proc_remove(kcare_bench_call);
		proc_remove(kcare_bench_loop);
		return -ENOMEM;
	}
	return 0;
}

static void __exit kcare_bench_target_exit(void)
{
	proc_remove(kcare_bench_call);
	proc_remove(kcare_bench_loop);
}

module_init(kcare_bench_target_init);
module_exit(kcare_bench_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kcare benchmarks: 100 trivial functions to patch and loops that call them");
