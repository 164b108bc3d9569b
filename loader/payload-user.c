// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space payload check: a libcare patch object (*.o, patch types
 * libs, qemu, db) must be a relocatable ELF for the machine (checked by
 * kcl_payload_check() as for modules) whose .kcare.lpatch descriptor
 * names the build-id the patchset is for. libcare itself checks the rest
 * (relocations, replaced functions) against the process it patches.
 */
#include <gelf.h>
#include <libelf.h>
#include <string.h>

#include "payload.h"
#include "util.h"

#define KCL_LPATCH_SECTION	".kcare.lpatch"

bool kcl_payload_is_user(const char *file)
{
	size_t len = strlen(file);

	return len > 2 && !strcmp(file + len - 2, ".o");
}

/* The module-like name of a user-space payload: its file name, [A-Za-z0-9_]. */
static void kcl_payload_user_name(const char *file, char *name, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size && file[i] && strcmp(file + i, ".o"); i++)
		name[i] = (file[i] >= 'a' && file[i] <= 'z') ||
			  (file[i] >= 'A' && file[i] <= 'Z') ||
			  (file[i] >= '0' && file[i] <= '9') ? file[i] : '_';
	name[i] = '\0';
}

/* "buildid=" of the NUL-separated strings in @d (@len bytes), or NULL. */
static const char *kcl_lpatch_build_id(const char *d, size_t len, size_t *idlen)
{
	size_t off = 0, n;

	while (off < len) {
		n = strnlen(d + off, len - off);
		if (n > 8 && !memcmp(d + off, "buildid=", 8)) {
			*idlen = n - 8;
			return d + off + 8;
		}
		off += n + 1;
	}
	return NULL;
}

int kcl_payload_check_user(const char *file, Elf *elf, size_t shstrndx,
			   const struct kcl_payload_want *want,
			   struct kcl_payload_info *info, char *err,
			   size_t errlen)
{
	Elf_Scn *scn = NULL, *desc = NULL;
	const char *id;
	Elf_Data *data;
	size_t idlen, i;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		/* kcl_payload_check() checked every header and name. */
		gelf_getshdr(scn, &sh);
		if (strcmp(elf_strptr(elf, shstrndx, sh.sh_name), KCL_LPATCH_SECTION))
			continue;
		if (desc)
			return kc_fail(err, errlen, "payload %s has two %s sections",
					file, KCL_LPATCH_SECTION);
		desc = scn;
	}
	if (!desc)
		return kc_fail(err, errlen,
				"payload %s has no %s: not a libcare patch object",
				file, KCL_LPATCH_SECTION);
	data = elf_getdata(desc, NULL);
	id = data && data->d_buf ? kcl_lpatch_build_id(data->d_buf, data->d_size,
						       &idlen) : NULL;
	if (!id || !idlen || idlen > KCL_PAYLOAD_BUILD_ID_MAX)
		return kc_fail(err, errlen,
				"payload %s: %s has no valid buildid= entry",
				file, KCL_LPATCH_SECTION);
	for (i = 0; i < idlen; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return kc_fail(err, errlen,
					"payload %s: its buildid= is not lowercase hex",
					file);
	if (strlen(want->build_id) != idlen || memcmp(id, want->build_id, idlen))
		return kc_fail(err, errlen,
				"payload %s is a patch for the library of build-id %.*s, expected %s",
				file, (int)idlen, id, want->build_id);
	memcpy(info->build_id, id, idlen);
	info->build_id[idlen] = '\0';
	kcl_payload_user_name(file, info->name, sizeof(info->name));
	return 0;
}
