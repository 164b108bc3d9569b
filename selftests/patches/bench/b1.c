// SPDX-License-Identifier: GPL-2.0
/* Benchmark payload: 1 kcare_bench_target function(s); see bench.h. */
#define BENCH_FUNCS BENCH_FUNCS1
#define BENCH_ID "K_BENCH_1"
#include "bench.h"
