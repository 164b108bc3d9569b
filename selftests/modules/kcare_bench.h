/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The functions of kcare_bench_target that the benchmark patches replace:
 * kcare_bench_fn_00 ... kcare_bench_fn_99, each "int f(int x)" returning
 * x + 1. KCARE_BENCH_FUNCS1/10/100(M) expand M(NN) for the first 1, 10 or
 * 100 of them, so that a module lists them without a generated source.
 * selftests/patches/bench/bench.h has the same lists for the payloads.
 */
#ifndef _KCARE_BENCH_H
#define _KCARE_BENCH_H

#define KCARE_BENCH_TENS(M, t)						\
	M(t##0) M(t##1) M(t##2) M(t##3) M(t##4)				\
	M(t##5) M(t##6) M(t##7) M(t##8) M(t##9)
#define KCARE_BENCH_FUNCS1(M)	M(00)
#define KCARE_BENCH_FUNCS10(M)	KCARE_BENCH_TENS(M, 0)
#define KCARE_BENCH_FUNCS100(M)						\
	KCARE_BENCH_TENS(M, 0) KCARE_BENCH_TENS(M, 1)			\
	KCARE_BENCH_TENS(M, 2) KCARE_BENCH_TENS(M, 3)			\
	KCARE_BENCH_TENS(M, 4) KCARE_BENCH_TENS(M, 5)			\
	KCARE_BENCH_TENS(M, 6) KCARE_BENCH_TENS(M, 7)			\
	KCARE_BENCH_TENS(M, 8) KCARE_BENCH_TENS(M, 9)

#endif
