// SPDX-License-Identifier: GPL-2.0
/*
 * The test library: a function that many threads call, a counter the
 * patched code must share with the original (static data bound by name),
 * and a function a thread can be kept inside of.
 */
#include "lctest.h"

static long calls;

__attribute__((noinline)) static int scale(int x)
{
	return 2 * x;
}

int lc_test_value(int x)
{
	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
	return scale(x) + 1;
}

long lc_test_calls(void)
{
	return __atomic_load_n(&calls, __ATOMIC_RELAXED);
}

void lc_test_spin(volatile int *stop)
{
	while (!*stop)
		;
}

/* Calls lc_test_spin(): a thread in there has lc_test_outer on its stack. */
void lc_test_outer(volatile int *stop)
{
	lc_test_spin(stop);
	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
}
