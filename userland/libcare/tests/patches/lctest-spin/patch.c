// SPDX-License-Identifier: GPL-2.0
/* Replaces lc_test_spin(), which a thread of lc-busy --spin never leaves. */
#include "lctest.c"
#include "lpatch.h"

void lp_lc_test_spin(volatile int *stop)
{
	while (!*stop)
		;
}
KCARE_LPATCH_REPLACE(lc_test_spin, lp_lc_test_spin);
