// SPDX-License-Identifier: GPL-2.0
/*
 * persona: drop CAP_SYS_ADMIN from this process's effective capabilities,
 * then ask personality(2) for ADDR_NO_RANDOMIZE (turning address space
 * randomisation off). Prints "persona: allowed" and exits 0 when the kernel
 * took it, or "persona: refused (errno N: text)" and exits 1. The arm64
 * demo patch personality (kernel.kcare_personality) refuses it with EPERM
 * to tasks without CAP_SYS_ADMIN. Exits 2 when something else went wrong.
 *
 * "persona other" asks, the same way, for another flag instead
 * (UNAME26), which nothing refuses: the normal use of the system call.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned int flag = argc > 1 && !strcmp(argv[1], "other") ?
			    UNAME26 : ADDR_NO_RANDOMIZE;
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int old;

	if (syscall(SYS_capget, &hdr, data)) {
		printf("persona: capget: %s\n", strerror(errno));
		return 2;
	}
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &hdr, data)) {
		printf("persona: capset: %s\n", strerror(errno));
		return 2;
	}
	old = personality(0xffffffff);
	if (old < 0 || (old & flag)) {
		printf("persona: unexpected personality %#x\n", old);
		return 2;
	}
	if (personality(old | flag) < 0) {
		printf("persona: refused (errno %d: %s)\n", errno, strerror(errno));
		return 1;
	}
	if (!(personality(0xffffffff) & flag)) {
		printf("persona: the flag did not stick\n");
		return 2;
	}
	printf("persona: allowed\n");
	return 0;
}
