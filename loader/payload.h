/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The last look at a payload module before finit_module(): is it a kernel
 * module for this machine, a kcare payload, built for the running kernel
 * (its vermagic and the kernel's GNU build-id in .modinfo), and made only
 * of sections a payload may have. The kernel checks vermagic itself, but
 * not the build-id, and it runs whatever constructors or exports a module
 * brings: those are refused here, with a message people can act on.
 *
 * Functions return 0, or -1 with a one-line reason in err (errlen bytes,
 * always terminated) that names the payload file.
 */
#ifndef _KCARE_LOADER_PAYLOAD_H
#define _KCARE_LOADER_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>

/* MODULE_NAME_LEN - 1 on 64-bit kernels: the longest name a module has. */
#define KCL_PAYLOAD_NAME_MAX		55
/* Real vermagic strings are about 60 bytes; this leaves room for more. */
#define KCL_PAYLOAD_VERMAGIC_MAX	255
/* Hex digits, as kcare-patchset pack accepts for --build-id. */
#define KCL_PAYLOAD_BUILD_ID_MAX	128

/* The kernel a payload must be for. */
struct kcl_payload_want {
	const char *arch;		/* "x86_64" or "arm64" */
	const char *kernel_release;	/* uname -r */
	const char *build_id;		/* lowercase hex GNU build-id of vmlinux */
};

/* What .modinfo says about an accepted payload. */
struct kcl_payload_info {
	char name[KCL_PAYLOAD_NAME_MAX + 1];		/* name= (modpost) */
	char vermagic[KCL_PAYLOAD_VERMAGIC_MAX + 1];
	char build_id[KCL_PAYLOAD_BUILD_ID_MAX + 1];	/* kcare_build_id= */
};

/*
 * Check the module image @buf (@len bytes) named @file in messages (its
 * file name, e.g. "kcpatch_demo.ko") against @want; on success fill
 * @info. @buf is only read.
 */
int kcl_payload_check(const char *file, const unsigned char *buf, size_t len,
		      const struct kcl_payload_want *want,
		      struct kcl_payload_info *info, char *err, size_t errlen);

/*
 * A payload named *.o is a libcare patch object (user-space patch types):
 * kcl_payload_check() then checks its ELF header as for a module and its
 * .kcare.lpatch buildid= against @want->build_id (the library's), in
 * payload-user.c; info->name is the file name as [A-Za-z0-9_].
 */
bool kcl_payload_is_user(const char *file);
struct Elf;
int kcl_payload_check_user(const char *file, struct Elf *elf, size_t shstrndx,
			   const struct kcl_payload_want *want,
			   struct kcl_payload_info *info, char *err,
			   size_t errlen);

/* Whether a payload may have a section named @name (the allow-list). */
bool kcl_payload_section_allowed(const char *name);

#endif /* _KCARE_LOADER_PAYLOAD_H */
