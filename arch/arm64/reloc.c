// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 relocations of payloads built from a source diff (core/reloc.c):
 * not built for arm64 yet (Documentation/from-diff.md), so every type is
 * refused and such a payload never switches.
 */
#include <linux/errno.h>
#include <linux/types.h>

#include "arch.h"

int kcare_arch_reloc(unsigned int type, unsigned long loc, u64 val, u8 *buf, size_t *len)
{
	return -EOPNOTSUPP;
}

void kcare_arch_reloc_done(void)
{
}
