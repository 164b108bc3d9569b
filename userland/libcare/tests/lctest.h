/* SPDX-License-Identifier: GPL-2.0 */
/* The test library LibCare's tests patch (liblctest.so). */
#ifndef LCTEST_H
#define LCTEST_H

int lc_test_value(int x);
long lc_test_calls(void);
void lc_test_spin(volatile int *stop);
void lc_test_outer(volatile int *stop);

/* What lc_test_value() returns unpatched, at level 1 and at level 2. */
#define LCTEST_OLD(x) (2 * (x) + 1)
#define LCTEST_NEW1(x) (2 * (x) + 1001)
#define LCTEST_NEW2(x) (-3 * (x) - 7)

#endif
