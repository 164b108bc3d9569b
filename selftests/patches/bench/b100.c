// SPDX-License-Identifier: GPL-2.0
/* Benchmark payload: 100 kcare_bench_target function(s); see bench.h. */
#define BENCH_FUNCS BENCH_FUNCS100
#define BENCH_ID "K_BENCH_100"
#include "bench.h"
