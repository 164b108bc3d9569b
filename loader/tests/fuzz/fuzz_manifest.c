// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the manifest (loader/manifest.c): the input is
 * parsed as both kinds, which never both accept it; what parses formats
 * to text that parses again to the same text, its canonical form, and
 * gives a CVE list as text and JSON. A 20-byte input is also a time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "manifest.h"

static int try_kind(const uint8_t *data, size_t size,
		    enum kcl_manifest_kind kind)
{
	struct kcl_manifest m, again;
	char err[256], *text, *text2, *cves, *json;
	const char *c;

	if (kcl_manifest_parse((const char *)data, size, kind, &m, err,
			       sizeof(err))) {
		if (m.id || m.patches || m.payloads || !err[0])
			abort();
		return 0;
	}
	text = kcl_manifest_format(&m);
	if (!text)
		abort();
	if (kcl_manifest_parse(text, strlen(text), kind, &again, err,
			       sizeof(err)))
		abort();
	text2 = kcl_manifest_format(&again);
	if (!text2 || strcmp(text, text2))
		abort();
	cves = kcl_manifest_cve_text(&m);
	json = kcl_manifest_cve_json(&m);
	if (!cves || !json)
		abort();
	/* JSON of printable ASCII, on one line */
	for (c = json; *c; c++)
		if ((*c < ' ' || *c > '~') && (*c != '\n' || c[1]))
			abort();
	free(cves);
	free(json);
	free(text);
	free(text2);
	kcl_manifest_free(&again);
	kcl_manifest_free(&m);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[21], back[21];
	time_t t;

	if (try_kind(data, size, KCL_MANIFEST_BUILT) +
	    try_kind(data, size, KCL_MANIFEST_AUTHOR) > 1)
		abort();
	if (size == 20) {
		memcpy(s, data, 20);
		s[20] = '\0';
		if (!kc_time_parse(s, &t)) {
			kc_time_format(t, back);
			if (strcmp(s, back))
				abort();
		}
	}
	return 0;
}
