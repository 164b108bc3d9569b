/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The patchset file: a small container of named entries (the manifest, the
 * CVE list, the payload modules), deflated with zlib. Documentation/
 * formats.md specifies it byte by byte.
 *
 * Every function returns 0 on success, or -1 with a one-line reason in
 * err (errlen bytes, always terminated); on error no output is left
 * allocated.
 */
#ifndef _KCARE_LOADER_ARCHIVE_H
#define _KCARE_LOADER_ARCHIVE_H

#include <stddef.h>

#define KCL_ARCHIVE_MAGIC	"KCPATCH1"	/* 8 bytes, not terminated */
#define KCL_ARCHIVE_HEADER	16		/* magic, u32 flags, u32 size */
#define KCL_ARCHIVE_MAX_ENTRIES	64
#define KCL_ARCHIVE_NAME_MAX	64
/* Inflated size limit: far above any real patchset, far below memory. */
#define KCL_ARCHIVE_MAX_SIZE	(64u << 20)

struct kcl_entry {
	char name[KCL_ARCHIVE_NAME_MAX + 1];	/* [A-Za-z0-9._-], not "." or ".." */
	unsigned char *data;
	size_t size;
};

struct kcl_archive {
	struct kcl_entry *entries;
	size_t n;
};

/*
 * Why @name (@len bytes, not terminated) cannot name an entry, or NULL
 * when it can.
 */
const char *kcl_archive_bad_name(const unsigned char *name, size_t len);
/* Parse and inflate a patchset file; @ar owns copies of everything. */
int kcl_archive_unpack(const unsigned char *buf, size_t len,
		       struct kcl_archive *ar, char *err, size_t errlen);
const struct kcl_entry *kcl_archive_find(const struct kcl_archive *ar,
					 const char *name);
void kcl_archive_free(struct kcl_archive *ar);

#endif /* _KCARE_LOADER_ARCHIVE_H */
