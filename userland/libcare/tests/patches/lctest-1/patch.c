// SPDX-License-Identifier: GPL-2.0
/*
 * Level 1 of the test patch, written against the library's own source:
 * the source is included whole, and only what the replacement reaches is
 * kept; "calls" and "scale" are bound to the library's own.
 */
#include "lctest.c"
#include "lpatch.h"

int lp_lc_test_value(int x)
{
	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
	return scale(x) + 1001;
}
KCARE_LPATCH_REPLACE(lc_test_value, lp_lc_test_value);
