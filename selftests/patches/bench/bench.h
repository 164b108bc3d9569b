/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Benchmark payloads (scripts/bench/): each replaces the first BENCH_N
 * functions of kcare_bench_target (selftests/modules/kcare_bench_target.c)
 * with identical copies, so that only the redirection differs. b1.c,
 * b10.c and b100.c each define BENCH_FUNCS (one of the lists below, the
 * same as selftests/modules/kcare_bench.h) and BENCH_ID, and include this.
 */
#include <kcare/patch.h>

#define BENCH_TENS(M, t)						\
	M(t##0) M(t##1) M(t##2) M(t##3) M(t##4)				\
	M(t##5) M(t##6) M(t##7) M(t##8) M(t##9)
#define BENCH_FUNCS1(M)		M(00)
#define BENCH_FUNCS10(M)	BENCH_TENS(M, 0)
#define BENCH_FUNCS100(M)						\
	BENCH_TENS(M, 0) BENCH_TENS(M, 1) BENCH_TENS(M, 2)		\
	BENCH_TENS(M, 3) BENCH_TENS(M, 4) BENCH_TENS(M, 5)		\
	BENCH_TENS(M, 6) BENCH_TENS(M, 7) BENCH_TENS(M, 8)		\
	BENCH_TENS(M, 9)

#define BENCH_NEW(n)							\
	static int bench_fn_##n(int x)					\
	{								\
		return x + 1;						\
	}
BENCH_FUNCS(BENCH_NEW)

#define BENCH_FUNC(n) {							\
		.name = "kcare_bench_fn_" #n,				\
		.object = "kcare_bench_target",				\
		.new_func = bench_fn_##n,				\
	},
static struct kcare_func bench_funcs[] = {
	BENCH_FUNCS(BENCH_FUNC)
	{ }
};

static struct kcare_patch bench_patches[] = {
	{
		.name = "bench",
		.description = "benchmark: identical copies of kcare_bench_target functions",
		.cve = "",
		.cvss = "",
		.cve_url = "",
		.patch_url = "",
		.funcs = bench_funcs,
	},
	{ }
};

static struct kcare_patchset bench_set = {
	.id = BENCH_ID,
	.level = 1,
	.type = "default",
	.build_time = "2026-11-26T00:00:00Z",
	.effective_version = "6.1.0-kcare-bench",
	.kernel_build_id = KCARE_TARGET_BUILD_ID,
	.patches = bench_patches,
};
KCARE_PATCHSET(bench_set);
MODULE_DESCRIPTION("kcare benchmark payload: " BENCH_ID);
