// SPDX-License-Identifier: GPL-2.0
/* Level 2 of the test patch: a new formula and a static helper of its own. */
#include "lctest.c"
#include "lpatch.h"

static int triple(int x)
{
	return 3 * x;
}

int lp_lc_test_value(int x)
{
	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
	return -triple(x) - 7;
}
KCARE_LPATCH_REPLACE(lc_test_value, lp_lc_test_value);
