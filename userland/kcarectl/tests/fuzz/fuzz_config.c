// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of kcarectl's configuration parser
 * (userland/kcarectl/config.c): kcare.conf as root reads it, through an
 * in-memory file; what loads must have every value within its documented
 * range.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kc_config c;
	char path[64], err[1024];
	int fd;

	fd = memfd_create("kcare.conf", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!kc_config_load(&c, path, err, sizeof(err))) {
		if (c.download_timeout < 10 || c.download_timeout > 86400 ||
		    !c.patch_server || c.update_policy > KC_POLICY_LOCAL_FIRST)
			abort();
		kc_config_free(&c);
	}
	close(fd);
	return 0;
}
