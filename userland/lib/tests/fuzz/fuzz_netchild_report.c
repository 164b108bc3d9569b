// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the parent's decoder of the download child's
 * report (userland/lib/netchild.c): whatever a compromised child writes
 * to its result pipe, the parent reads a result in -1..127 and a
 * printable message, or refuses it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netchild.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1100];
	int rc = 0;
	size_t i;

	if (kc_netchild_decode(data, size, &rc, err, sizeof(err)))
		return 0;
	if (rc < -1 || rc > 127)
		abort();
	for (i = 0; err[i]; i++)
		if (err[i] < 0x20 || err[i] > 0x7e)
			abort();
	return 0;
}
