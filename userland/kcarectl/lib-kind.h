/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a user-space patch target is (Documentation/libcare.md, "QEMU"
 * and "MariaDB"): a QEMU system emulator, a MariaDB server, or any other
 * process whose shared libraries get patches. A patchset's type (libs,
 * qemu, db) declares which of these it is for; kcarectl applies it only
 * there, and says which kind each patched process is.
 */
#ifndef _KCARE_CTL_LIB_KIND_H
#define _KCARE_CTL_LIB_KIND_H

#include <stdbool.h>
#include <sys/types.h>

enum kc_lib_kind {
	KC_LIB_KIND_LIBS,	/* a shared library in any process */
	KC_LIB_KIND_QEMU,	/* the executable of qemu-system-* */
	KC_LIB_KIND_DB,		/* the executable of mariadbd (mysqld) */
};

/*
 * The kind of the object at @path mapped by @pid: QEMU or MariaDB when it
 * is the process's own executable (/proc/PID/exe) and its file name is
 * one of theirs; a library otherwise.
 */
enum kc_lib_kind kc_lib_kind(pid_t pid, const char *path);
/* "libs", "qemu" or "db": the patch type that targets @k. */
const char *kc_lib_kind_type(enum kc_lib_kind k);
/* Whether a patchset of type @patch_type may be applied to @k. */
bool kc_lib_kind_accepts(enum kc_lib_kind k, const char *patch_type);

#endif /* _KCARE_CTL_LIB_KIND_H */
