/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation helpers that not every supported kernel series has:
 * krealloc_array() came with 5.12.
 */
#ifndef _KCARE_COMPAT_SLAB_H
#define _KCARE_COMPAT_SLAB_H

#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/version.h>

static inline void *kcare_krealloc_array(void *p, size_t n, size_t size,
					 gfp_t flags)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 12, 0)
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return krealloc(p, bytes, flags);
#else
	return krealloc_array(p, n, size, flags);
#endif
}

#endif /* _KCARE_COMPAT_SLAB_H */
