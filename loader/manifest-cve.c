// SPDX-License-Identifier: GPL-2.0
/*
 * The CVE list of a manifest, as kcarectl --patch-info and the repository's
 * CVE files print it: kpatch-* blocks, or one JSON document
 * (Documentation/formats.md).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "manifest.h"
#include "manifest-int.h"
#include "util.h"

char *kcl_manifest_cve_text(const struct kcl_manifest *m)
{
	char *buf = NULL;
	size_t len, i;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	for (i = 0; i < m->npatches; i++) {
		const struct kcl_patch_meta *pm = &m->patches[i];

		if (i)
			fputc('\n', f);
		kcl_mput_kv(f, "kpatch-name", pm->name);
		kcl_mput_kv(f, "kpatch-description", pm->description);
		kcl_mput_kv(f, "kpatch-kernel", m->kernel_release);
		kcl_mput_kv(f, "kpatch-cve", pm->cve);
		kcl_mput_kv(f, "kpatch-cvss", pm->cvss);
		kcl_mput_kv(f, "kpatch-cve-url", pm->cve_url);
		kcl_mput_kv(f, "kpatch-patch-url", pm->patch_url);
	}
	return kcl_mclose(f, &buf);
}

/* A key and a string value (never null: an absent value is ""), after @sep. */
static void json_kv(FILE *f, const char *sep, const char *key, const char *v)
{
	fprintf(f, "%s\"%s\": ", sep, key);
	kc_json_str(f, kcl_mstr(v));
}

char *kcl_manifest_cve_json(const struct kcl_manifest *m)
{
	bool author = kcl_manifest_is_author(m);
	char *buf = NULL, t[21];
	size_t len, i;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	json_kv(f, "{", "id", m->id);
	fprintf(f, ", \"level\": %u", m->level);
	json_kv(f, ", ", "kernel-release", m->kernel_release);
	json_kv(f, ", ", "kernel-sha1", m->kernel_sha1);
	if (author)
		t[0] = '\0';
	else
		kc_time_format(m->release_time, t);
	json_kv(f, ", ", "release-time", t);
	fputs(", \"patches\": [", f);
	for (i = 0; i < m->npatches; i++) {
		const struct kcl_patch_meta *pm = &m->patches[i];
		const char *c = kcl_mstr(pm->cve), *end;
		bool first = true;

		json_kv(f, i ? ", {" : "{", "name", pm->name);
		json_kv(f, ", ", "description", pm->description);
		fputs(", \"cve\": [", f);
		/* the ids, split on spaces */
		while (*c) {
			end = strchrnul(c, ' ');
			if (end > c) {
				fputs(first ? "" : ", ", f);
				kc_json_strn(f, c, end - c);
				first = false;
			}
			c = *end ? end + 1 : end;
		}
		fputc(']', f);
		json_kv(f, ", ", "cvss", pm->cvss);
		json_kv(f, ", ", "cve-url", pm->cve_url);
		json_kv(f, ", ", "patch-url", pm->patch_url);
		fputc('}', f);
	}
	fputs("]}\n", f);
	return kcl_mclose(f, &buf);
}
