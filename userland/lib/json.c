// SPDX-License-Identifier: GPL-2.0
/*
 * JSON string output (json.h).
 */
#include <string.h>

#include "json.h"

void kc_json_str(FILE *f, const char *s)
{
	if (!s)
		fputs("null", f);
	else
		kc_json_strn(f, s, strlen(s));
}

/*
 * The length of the well-formed UTF-8 sequence at @p (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t kc_utf8_len(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (*p >= 0xc2 && *p <= 0xdf)
		len = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		len = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		len = 4;
	else
		return 0;
	if (*p == 0xe0)
		lo = 0xa0;
	else if (*p == 0xed)
		hi = 0x9f;
	else if (*p == 0xf0)
		lo = 0x90;
	else if (*p == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

void kc_json_strn(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t u;

	fputc('"', f);
	for (; n; n--, p++) {
		if (*p >= 0x80) {
			/*
			 * UTF-8 passes; a byte that is not part of a
			 * well-formed sequence would make the document
			 * invalid, so it becomes U+FFFD.
			 */
			u = kc_utf8_len(p, n);
			if (!u) {
				fputs("\\ufffd", f);
				continue;
			}
			fwrite(p, 1, u, f);
			p += u - 1;
			n -= u - 1;
			continue;
		}
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
			/* Other control bytes, and DEL, escaped. */
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
