// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the patchset file container (loader/archive.c):
 * whatever unpacks has valid, unique names that kcl_archive_find() finds,
 * and packs again into a file of the same declared size that unpacks to
 * the same entries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "write.h"
#include "archive.h"

static void check_name(const struct kcl_archive *ar, size_t i)
{
	const char *name = ar->entries[i].name;
	size_t len = strnlen(name, sizeof(ar->entries[i].name)), j;

	if (!len || len > KCL_ARCHIVE_NAME_MAX || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		abort();
	for (j = 0; j < len; j++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-",
			    name[j]))
			abort();
	if (kcl_archive_find(ar, name) != &ar->entries[i])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kcl_archive ar, again;
	unsigned char *out;
	size_t outlen, i;
	char err[256];

	if (kcl_archive_unpack(data, size, &ar, err, sizeof(err))) {
		if (ar.entries || ar.n || !err[0])
			abort();
		return 0;
	}
	if (ar.n > KCL_ARCHIVE_MAX_ENTRIES)
		abort();
	for (i = 0; i < ar.n; i++)
		check_name(&ar, i);

	if (kcp_archive_pack(ar.entries, ar.n, &out, &outlen, err, sizeof(err)))
		abort();
	if (outlen < KCL_ARCHIVE_HEADER || memcmp(out, data, KCL_ARCHIVE_HEADER))
		abort();
	if (kcl_archive_unpack(out, outlen, &again, err, sizeof(err)) ||
	    again.n != ar.n)
		abort();
	for (i = 0; i < ar.n; i++)
		if (strcmp(again.entries[i].name, ar.entries[i].name) ||
		    again.entries[i].size != ar.entries[i].size ||
		    memcmp(again.entries[i].data, ar.entries[i].data,
			   ar.entries[i].size))
			abort();
	kcl_archive_free(&again);
	kcl_archive_free(&ar);
	free(out);
	return 0;
}
