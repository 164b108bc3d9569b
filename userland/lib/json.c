// SPDX-License-Identifier: GPL-2.0
/*
 * JSON string output (json.h).
 */
#include "json.h"

void kc_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			/* Other control bytes, and DEL, escaped; UTF-8 passes. */
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void kc_json_kv(FILE *f, int first, const char *key, const char *value)
{
	if (!first)
		fputs(", ", f);
	kc_json_str(f, key);
	fputs(": ", f);
	kc_json_str(f, value);
}
