// SPDX-License-Identifier: GPL-2.0
/* See bad.c. */
#define BAD_PRE_APPLY
#include "bad.c"
