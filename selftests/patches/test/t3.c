// SPDX-License-Identifier: GPL-2.0
/* See sleepers.c. */
#define SLEEPERS_ID "K_TEST_03"
#define SLEEPERS_LEVEL 3
#define SLEEPERS_VALUE 31
#include "sleepers.c"
