// SPDX-License-Identifier: GPL-2.0
/*
 * ldt16 [32]: try to install a 16-bit data segment in this process's LDT
 * with modify_ldt(0x11, ...) (a 32-bit one with "32", the control). Prints
 * "ldt16: allowed" and exits 0 when the kernel took it and reads it back,
 * or "ldt16: refused (errno N: text)" and exits 1. The demo patch
 * modify_ldt (kernel.kcare_modify_ldt) refuses 16-bit segments with EINVAL.
 * Exits 2 when something else went wrong, or on a CPU without an LDT.
 *
 * ldt16 time N: write the 32-bit segment N times and print
 * "ldt32: N calls, X ns a call", for comparing the cost of a call with and
 * without a filter or a patch in one boot (Documentation/filters.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef __x86_64__
#include <asm/ldt.h>

/* Descriptor bit 22 is D/B: set for a 32-bit segment. */
#define DESC_DB		(1u << 22)

static int time_calls(long n)
{
	struct user_desc desc = {
		.limit = 0xffff,
		.seg_32bit = 1,
	};
	struct timespec a, b;
	long i;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		if ((int)syscall(SYS_modify_ldt, 0x11, &desc, sizeof(desc))) {
			printf("ldt32: refused at call %ld\n", i);
			return 2;
		}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ldt32: %ld calls, %lld ns a call\n", n,
	       ((b.tv_sec - a.tv_sec) * 1000000000LL + b.tv_nsec - a.tv_nsec) / n);
	return 0;
}

int main(int argc, char **argv)
{
	int bits = argc > 1 && !strcmp(argv[1], "32") ? 32 : 16;

	if (argc > 2 && !strcmp(argv[1], "time"))
		return time_calls(atol(argv[2]) > 0 ? atol(argv[2]) : 1);
	struct user_desc desc = {
		.entry_number = 0,
		.base_addr = 0,
		.limit = 0xffff,
		.seg_32bit = bits == 32,
		.contents = 0,		/* data, expand-up */
		.read_exec_only = 0,	/* writable: not an empty entry */
		.limit_in_pages = 0,
		.seg_not_present = 0,
		.useable = 0,
	};
	unsigned int entry[2] = { 0, 0 };
	long ret;

	/*
	 * The kernel returns modify_ldt's int zero-extended, so syscall()
	 * does not see an error: take the low 32 bits.
	 */
	ret = syscall(SYS_modify_ldt, 0x11, &desc, sizeof(desc));
	if ((int)ret != 0) {
		int err = ret == -1 ? errno : -(int)ret;

		printf("ldt%d: refused (errno %d: %s)\n", bits, err,
		       strerror(err));
		return 1;
	}
	/* Read the entry back: it must be there, with the size asked for. */
	ret = syscall(SYS_modify_ldt, 0, entry, sizeof(entry));
	if ((int)ret != (int)sizeof(entry)) {
		printf("ldt%d: cannot read the LDT back (%d)\n", bits, (int)ret);
		return 2;
	}
	if (!entry[1] || !(entry[1] & DESC_DB) != (bits == 16)) {
		printf("ldt%d: the LDT holds %08x %08x, not the segment asked for\n",
		       bits, entry[1], entry[0]);
		return 2;
	}
	printf("ldt%d: allowed\n", bits);
	return 0;
}
#else
int main(void)
{
	printf("ldt16: no LDT on this CPU\n");
	return 2;
}
#endif
