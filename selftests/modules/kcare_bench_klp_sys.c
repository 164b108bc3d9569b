// SPDX-License-Identifier: GPL-2.0
/*
 * An upstream livepatch module replacing the getpid system call with an
 * identical copy (kernel/sys.c), to measure what a patch costs a real
 * system call from user space.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/sched.h>

static long kcare_bench_klp_getpid(const struct pt_regs *regs)
{
	return task_tgid_vnr(current);
}

static struct klp_func kcare_bench_klp_sys_funcs[] = {
	{
		.old_name = "__x64_sys_getpid",
		.new_func = kcare_bench_klp_getpid,
	}, { }
};

static struct klp_object kcare_bench_klp_sys_objs[] = {
	{
		.funcs = kcare_bench_klp_sys_funcs,
	}, { }
};

static struct klp_patch kcare_bench_klp_sys_patch = {
	.mod = THIS_MODULE,
	.objs = kcare_bench_klp_sys_objs,
};

static int __init kcare_bench_klp_sys_init(void)
{
	return klp_enable_patch(&kcare_bench_klp_sys_patch);
}

static void __exit kcare_bench_klp_sys_exit(void)
{
}

module_init(kcare_bench_klp_sys_init);
module_exit(kcare_bench_klp_sys_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("kcare benchmarks: upstream livepatch of the getpid system call");
