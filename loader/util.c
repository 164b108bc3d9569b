// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers every loader part shares (util.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "util.h"

int kcl_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

bool kcl_is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool kcl_all_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!kcl_is_hex(s[i]))
			return false;
	return true;
}

static int kcl_hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

int kcl_unhex(const char *s, size_t slen, unsigned char *out, size_t n)
{
	size_t i;

	if (slen != 2 * n || !kcl_all_hex(s, slen))
		return -1;
	for (i = 0; i < n; i++)
		out[i] = kcl_hexval(s[2 * i]) << 4 | kcl_hexval(s[2 * i + 1]);
	return 0;
}

void kcl_hex(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}
