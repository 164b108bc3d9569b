/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Confining a process's file system access with Landlock: after
 * kc_landlock_read_only() it may read only below the paths it was given,
 * whatever its uid, and write or create nothing anywhere (descriptors it
 * already holds keep working). seccomp cannot filter open() by path; this
 * does.
 */
#ifndef _KCARE_LIB_LANDLOCK_H
#define _KCARE_LIB_LANDLOCK_H

#include <stddef.h>

/*
 * Allow reading (and mapping code from, for libraries) below each of the
 * @n @paths, a file or a directory; a path that does not exist is left
 * out. The caller must have set no_new_privs. 0 when enforced, -1 with
 * errno when it could not be (ENOSYS or EOPNOTSUPP: the kernel has no
 * Landlock).
 */
int kc_landlock_read_only(const char *const *paths, size_t n);

#endif /* _KCARE_LIB_LANDLOCK_H */
