// SPDX-License-Identifier: GPL-2.0
/* Benchmark payload: 10 kcare_bench_target function(s); see bench.h. */
#define BENCH_FUNCS BENCH_FUNCS10
#define BENCH_ID "K_BENCH_10"
#include "bench.h"
