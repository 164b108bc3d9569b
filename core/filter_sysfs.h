/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /sys/kernel/kcare/filters/ (filter_sysfs.c): how filters are loaded,
 * shown and removed.
 */
#ifndef _KCARE_FILTER_SYSFS_H
#define _KCARE_FILTER_SYSFS_H

/* After kcare_sysfs_init(): the directory and its control files. */
int kcare_filter_sysfs_init(void);
/* Remove every filter, then the directory. */
void kcare_filter_sysfs_exit(void);

#endif /* _KCARE_FILTER_SYSFS_H */
