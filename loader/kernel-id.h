/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running kernel's GNU build-id, which payloads must carry
 * (kcare_build_id in their .modinfo): the release names a kernel package,
 * the build-id the exact vmlinux, so a rebuilt kernel of the same release
 * gets no payload made for another build.
 */
#ifndef _KCARE_LOADER_KERNEL_ID_H
#define _KCARE_LOADER_KERNEL_ID_H

#include <stddef.h>

#define KCL_KERNEL_NOTES	"/sys/kernel/notes"
/* Far more than the few notes a kernel has (about 300 bytes). */
#define KCL_KERNEL_NOTES_MAX	65536

/*
 * Read the ELF notes of @path (KCL_KERNEL_NOTES, another file in tests)
 * and write the description of the NT_GNU_BUILD_ID note as lowercase hex
 * into @hex (@hexlen bytes, terminated). 0, or -1 with a reason in err.
 */
int kcl_kernel_build_id(const char *path, char *hex, size_t hexlen,
			char *err, size_t errlen);

/* The same on @len bytes of notes already in memory (@what in messages). */
int kcl_kernel_notes_build_id(const char *what, const unsigned char *buf,
			      size_t len, char *hex, size_t hexlen, char *err,
			      size_t errlen);

#endif /* _KCARE_LOADER_KERNEL_ID_H */
