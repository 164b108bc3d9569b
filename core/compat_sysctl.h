/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysctl tables as each supported kernel series wants them (5.10, 6.1,
 * 6.12): 6.11 made proc handlers take a const table, and dropped the empty
 * entry that used to end every table (register_sysctl() counts the
 * entries itself since 6.6, and from 6.11 an entry without a name is an
 * error).
 */
#ifndef _KCARE_COMPAT_SYSCTL_H
#define _KCARE_COMPAT_SYSCTL_H

#include <linux/sysctl.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 11, 0)
typedef struct ctl_table kcare_ctl_table;
/* One entry, and the end marker. */
#define KCARE_CTL_TABLE_LEN(n)	((n) + 1)
#else
typedef const struct ctl_table kcare_ctl_table;
#define KCARE_CTL_TABLE_LEN(n)	(n)
#endif

#endif /* _KCARE_COMPAT_SYSCTL_H */
