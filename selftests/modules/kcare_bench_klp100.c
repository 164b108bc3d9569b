// SPDX-License-Identifier: GPL-2.0
/* Upstream livepatch of 100 kcare_bench_target function(s). */
#define KCARE_BENCH_KLP_FUNCS KCARE_BENCH_FUNCS100
#include "kcare_bench_klp.h"
