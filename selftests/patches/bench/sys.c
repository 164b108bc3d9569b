// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark payload: the getpid system call replaced by an identical copy
 * (kernel/sys.c), to measure what a patch costs a real system call from
 * user space.
 */
#include <linux/sched.h>
#include <kcare/patch.h>

#ifdef CONFIG_ARM64
#define BENCH_GETPID "__arm64_sys_getpid"
#else
#define BENCH_GETPID "__x64_sys_getpid"
#endif

static long bench_getpid(const struct pt_regs *regs)
{
	return task_tgid_vnr(current);
}

static struct kcare_func bench_sys_funcs[] = {
	{
		.name = BENCH_GETPID,
		.object = "vmlinux",
		.new_func = bench_getpid,
	},
	{ }
};

static struct kcare_patch bench_sys_patches[] = {
	{
		.name = "bench_getpid",
		.description = "benchmark: an identical copy of getpid",
		.cve = "",
		.cvss = "",
		.cve_url = "",
		.patch_url = "",
		.funcs = bench_sys_funcs,
	},
	{ }
};

static struct kcare_patchset bench_sys_set = {
	.id = "K_BENCH_SYS",
	.level = 1,
	.type = "default",
	.build_time = "2026-11-26T00:00:00Z",
	.effective_version = "6.1.0-kcare-bench",
	.kernel_build_id = KCARE_TARGET_BUILD_ID,
	.patches = bench_sys_patches,
};
KCARE_PATCHSET(bench_sys_set);
MODULE_DESCRIPTION("kcare benchmark payload: getpid");
