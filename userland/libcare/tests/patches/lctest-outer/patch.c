// SPDX-License-Identifier: GPL-2.0
/*
 * Replaces lc_test_outer(), whose frame stays on the stack of the thread
 * of lc-busy --spin-outer (it calls lc_test_spin() and never returns):
 * only the unwinder, not the thread's pc, sees it.
 */
#include "lctest.c"
#include "lpatch.h"

void lp_lc_test_outer(volatile int *stop)
{
	lc_test_spin(stop);
	__atomic_fetch_add(&calls, 2, __ATOMIC_RELAXED);
}
KCARE_LPATCH_REPLACE(lc_test_outer, lp_lc_test_outer);
