/* SPDX-License-Identifier: GPL-2.0 */
/* Text built piece by piece: the report's lines, the payload's C. */
#ifndef KB_STRBUF_H
#define KB_STRBUF_H

#include <stddef.h>

/* Append printf-style text to *@s (of length *@len; both start 0/NULL). */
void kb_cat(char **s, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* KB_STRBUF_H */
