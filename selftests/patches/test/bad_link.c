// SPDX-License-Identifier: GPL-2.0
/* See bad.c. */
#define BAD_LINK
#include "bad.c"
