// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64 relocations of payloads built from a source diff (core/reloc.c):
 * the types GCC emits for kernel code (-mcmodel=kernel), with the module
 * loader's range checks.
 */
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/elf.h>

#include "arch.h"

int kcare_arch_reloc(unsigned int type, unsigned long loc, u64 val, u8 *buf, size_t *len)
{
	s64 rel = (s64)(val - loc);
	u32 v32;

	switch (type) {
	case R_X86_64_64:
		memcpy(buf, &val, 8);
		*len = 8;
		return 0;
	case R_X86_64_PC64:
		memcpy(buf, &rel, 8);
		*len = 8;
		return 0;
	case R_X86_64_32:
		if (val != (u32)val)
			return -ERANGE;
		v32 = val;
		break;
	case R_X86_64_32S:
		if ((s64)val != (s32)val)
			return -ERANGE;
		v32 = val;
		break;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		if (rel != (s32)rel)
			return -ERANGE;
		v32 = rel;
		break;
	default:
		return -EOPNOTSUPP;
	}
	memcpy(buf, &v32, 4);
	*len = 4;
	return 0;
}

/* x86 keeps instruction fetch coherent with stores, and the code has not run. */
void kcare_arch_reloc_done(void)
{
}
