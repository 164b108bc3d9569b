// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the parent's decoder of the parsing sandbox's
 * result for a patchset (loader/sandbox-parse.c): what a compromised
 * parser child could send back (the canonical manifest, the entries) is
 * read with bounds checks and checked again, or refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kcl_archive ar;
	struct kcl_manifest m;
	char err[512];

	if (!kcl_sandbox_decode_patchset(data, size, &ar, &m, err, sizeof(err))) {
		kcl_manifest_free(&m);
		kcl_archive_free(&ar);
	}
	return 0;
}
