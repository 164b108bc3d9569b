/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the authors of user-space patches (Documentation/libcare.md): the
 * descriptor entries of the .kcare.lpatch section. build-libpatch adds
 * the build-id, level, id and CVEs from the patch directory's patch.meta.
 */
#ifndef KCARE_LPATCH_H
#define KCARE_LPATCH_H

#define KCARE_LPATCH_ENTRY(name, str)						\
	static const char name[] __attribute__((section(".kcare.lpatch"),	\
						used, aligned(1))) = str

/* The library function @old is replaced by @new, a function of the patch. */
#define KCARE_LPATCH_REPLACE(old, new)						\
	KCARE_LPATCH_ENTRY(__kcare_lpatch_replace_##old, "replace=" #old ":" #new)

#endif
