// SPDX-License-Identifier: GPL-2.0
/* See sleepers.c. */
#define SLEEPERS_ID "K_TEST_04"
#define SLEEPERS_LEVEL 4
#define SLEEPERS_VALUE 41
#include "sleepers.c"
