/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An upstream livepatch module replacing the first KCARE_BENCH_KLP_N
 * functions of kcare_bench_target with identical copies, the baseline the
 * benchmarks compare kcare with. kcare_bench_klp1.c, kcare_bench_klp10.c
 * and kcare_bench_klp100.c each define KCARE_BENCH_KLP_FUNCS (one of the
 * lists of kcare_bench.h) and include this.
 */
#include <linux/livepatch.h>
#include <linux/module.h>

#include "kcare_bench.h"

#define BENCH_KLP_NEW(n)						\
	static int kcare_bench_klp_fn_##n(int x)			\
	{								\
		return x + 1;						\
	}
KCARE_BENCH_KLP_FUNCS(BENCH_KLP_NEW)

#define BENCH_KLP_FUNC(n) {						\
		.old_name = "kcare_bench_fn_" #n,			\
		.new_func = kcare_bench_klp_fn_##n,			\
	},
static struct klp_func kcare_bench_klp_funcs[] = {
	KCARE_BENCH_KLP_FUNCS(BENCH_KLP_FUNC)
	{ }
};

static struct klp_object kcare_bench_klp_objs[] = {
	{
		.name = "kcare_bench_target",
		.funcs = kcare_bench_klp_funcs,
	}, { }
};

static struct klp_patch kcare_bench_klp_patch = {
	.mod = THIS_MODULE,
	.objs = kcare_bench_klp_objs,
};

static int __init kcare_bench_klp_init(void)
{
	return klp_enable_patch(&kcare_bench_klp_patch);
}

static void __exit kcare_bench_klp_exit(void)
{
}

module_init(kcare_bench_klp_init);
module_exit(kcare_bench_klp_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("kcare benchmarks: upstream livepatch of kcare_bench_target functions");
