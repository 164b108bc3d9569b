// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the state files (loader/state.c): the seen state
 * (the rollback protection) and the applied record, as root reads them,
 * through an in-memory file, for a kernel and feed the input names.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sha1 = "5f0c1b2a3d4e5f60718293a4b5c6d7e8f9012345";
	struct kcl_index_seen seen;
	struct kcl_applied a;
	char path[64], err[512];
	int fd;

	fd = memfd_create("state", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	kcl_seen_read(path, sha1, "", &seen, err, sizeof(err));
	kcl_seen_read(path, sha1, "test", &seen, err, sizeof(err));
	if (!kcl_applied_read(path, sha1, &a, err, sizeof(err)) &&
	    strnlen(a.feed, sizeof(a.feed)) == sizeof(a.feed))
		abort();
	close(fd);
	return 0;
}
