// SPDX-License-Identifier: GPL-2.0
/* Upstream livepatch of 1 kcare_bench_target function(s). */
#define KCARE_BENCH_KLP_FUNCS KCARE_BENCH_FUNCS1
#include "kcare_bench_klp.h"
