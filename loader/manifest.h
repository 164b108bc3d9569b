/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The manifest of a patchset file (entry "manifest"): every piece of
 * metadata, as "key: value" lines and one "[patch NAME]" section per patch
 * (Documentation/formats.md). The same syntax, without the fields only a
 * build knows, is the author's metadata file (kcare-patchset header).
 *
 * Also the CVE list scanners read, derived from a manifest: the kpatch-*
 * blocks the original product prints, and JSON.
 *
 * Functions returning int give 0, or -1 with a reason in err; on error no
 * output is left allocated.
 */
#ifndef _KCARE_LOADER_MANIFEST_H
#define _KCARE_LOADER_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define KCL_MANIFEST_FORMAT	1
#define KCL_MANIFEST_MAX_SIZE	(1u << 20)
#define KCL_MANIFEST_MAX_PATCHES 256
#define KCL_MANIFEST_MAX_PAYLOADS 16

struct kcl_patch_meta {
	char *name;		/* [a-z0-9_], 1..48, unique */
	char *description;	/* required */
	char *cve;		/* "CVE-YYYY-N CVE-..." or "" */
	char *cvss;		/* "7.8" or "" */
	char *cve_url;		/* "" when none */
	char *patch_url;	/* "" when none */
	char *sysctl;		/* "" when none, else [a-z0-9_] */
};

struct kcl_payload_ref {
	char *file;			/* entry name in the archive, *.ko */
	unsigned char sha256[32];
	size_t size;
};

struct kcl_manifest {
	unsigned int format;		/* KCL_MANIFEST_FORMAT */
	char *id;			/* e.g. K20261125_01 */
	unsigned int level;		/* >= 1 */
	char *patch_type;		/* default | extra | free */
	char *effective_version;	/* what kcare-uname reports */
	/* Only in a built manifest, absent from an author's file: */
	char *arch;			/* x86_64 | arm64 */
	char *kernel_release;		/* e.g. 6.1.0-56-amd64 */
	char *kernel_sha1;		/* 40 hex: SHA-1 of /proc/version */
	char *kernel_build_id;		/* hex GNU build-id of vmlinux */
	time_t build_time;		/* UTC, formatted YYYY-MM-DDTHH:MM:SSZ */
	time_t release_time;
	struct kcl_payload_ref *payloads;
	size_t npayloads;
	struct kcl_patch_meta *patches;
	size_t npatches;
};

enum kcl_manifest_kind {
	KCL_MANIFEST_BUILT,	/* every field required */
	KCL_MANIFEST_AUTHOR,	/* format, id, patch-type, effective-version, patches */
};

int kcl_manifest_parse(const char *text, size_t len,
		       enum kcl_manifest_kind kind, struct kcl_manifest *m,
		       char *err, size_t errlen);
/* The canonical text of @m (malloc'd, NULL on ENOMEM); parse(format(m)) == m. */
char *kcl_manifest_format(const struct kcl_manifest *m);
void kcl_manifest_free(struct kcl_manifest *m);
/*
 * Whether @type is a user-space patch type (libs, qemu, db): its payloads
 * are libcare patch objects (*.o) for the library whose GNU build-id is
 * the manifest's kernel-sha1 and kernel-build-id.
 */
bool kcl_patch_type_user(const char *type);


/*
 * The CVE list: one block per patch,
 *   kpatch-name: NAME / kpatch-description: / kpatch-kernel: RELEASE /
 *   kpatch-cve: / kpatch-cvss: / kpatch-cve-url: / kpatch-patch-url:
 * separated by an empty line; and the same as a JSON document.
 */
char *kcl_manifest_cve_text(const struct kcl_manifest *m);
char *kcl_manifest_cve_json(const struct kcl_manifest *m);

#endif /* _KCARE_LOADER_MANIFEST_H */
