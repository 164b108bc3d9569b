/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private interfaces between the parts of kcare.ko.
 */
#ifndef _KCARE_CORE_H
#define _KCARE_CORE_H

#include <linux/kobject.h>

/* sysfs.c: /sys/kernel/kcare/ */
int kcare_sysfs_init(void);
void kcare_sysfs_exit(void);

/* arch/<arch>/arch.c: what the CPU-specific part supports. */
extern const char kcare_arch_name[];
int kcare_arch_init(void);

#endif /* _KCARE_CORE_H */
